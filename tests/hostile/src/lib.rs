//! A plugin that misbehaves on purpose, for the host's runtime tests. Not bundled.
//!
//! Built three ways: the default (every hostile tool), `bad-schema` (one tool declares an
//! invalid JSON Schema) and `contract-v9` (targets `mikrotik:plugin@9.0.0`).

#[cfg(not(feature = "contract-v9"))]
mod current;
#[cfg(feature = "contract-v9")]
mod v9;
