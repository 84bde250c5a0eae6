//! The plugins bundled into the binary: `host/build.rs` builds every crate in `plugins/`
//! marked `[package.metadata.mcp-mikrotik] plugin = true` for wasm32-wasip2 and embeds it.

/// One bundled plugin component.
#[derive(Clone, Copy, Debug)]
pub struct Bundled {
    /// The plugin crate's name.
    pub name: &'static str,
    /// The component.
    pub bytes: &'static [u8],
    /// SHA-256 of `bytes`, computed by the build script: a warm start looks the plugin up in
    /// the compile cache by it and never touches `bytes`.
    pub digest: [u8; 32],
}

/// Every bundled plugin, sorted by crate name.
pub static BUNDLED: &[Bundled] = include!(concat!(env!("OUT_DIR"), "/embedded.rs"));

#[cfg(test)]
mod tests {
    use sha2::{Digest, Sha256};

    #[test]
    fn build_time_digests_match_the_embedded_bytes() {
        for plugin in crate::plugin_host::BUNDLED {
            let digest: [u8; 32] = Sha256::digest(plugin.bytes).into();
            assert_eq!(digest, plugin.digest, "{}", plugin.name);
        }
    }
}
