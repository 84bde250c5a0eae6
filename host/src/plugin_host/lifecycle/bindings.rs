//! Rust bindings of the plugin contract (`wit/mikrotik-plugin.wit`, world `plugin`), generated
//! by wasmtime. Host imports and guest exports are async so calls can wait on the router and
//! yield at epoch ticks.

wasmtime::component::bindgen!({
    path: "../wit",
    world: "plugin",
    imports: { default: async },
    exports: { default: async },
    // The manifest is stored in the compile cache as JSON (see `manifest_cache`).
    additional_derives: [serde::Serialize, serde::Deserialize],
});

/// Version of the contract this host implements.
pub const CONTRACT_VERSION: &str = "0.3.0";
/// The package of the contract, without version.
pub const CONTRACT_PACKAGE: &str = "mikrotik:plugin";
/// The interface plugins export.
pub const EXPORT_INTERFACE: &str = "mikrotik:plugin/tools@0.3.0";

pub use exports::mikrotik::plugin::tools as guest_tools;
pub use mikrotik::plugin::routeros as host_routeros;
