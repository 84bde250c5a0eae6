//! How a plugin gets from bytes to a finished call: the engine and its epoch thread
//! ([`engine`]), the compile cache ([`cache`], [`manifest_cache`]), gathering, compiling,
//! linking and describing plugins ([`loader`], [`embedded`]), and one fresh instance per call
//! ([`instance`], with its store's contents in [`state`] and its output in [`guest_log`]).

pub mod bindings;
pub mod cache;
pub mod embedded;
pub mod engine;
pub mod guest_log;
pub mod instance;
pub mod loader;
pub mod manifest_cache;
pub mod state;
