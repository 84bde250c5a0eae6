//! Bindings generated from `wit/mikrotik-plugin.wit` (world `plugin`).
//!
//! Plugin authors rarely need these directly: [`crate::export_plugin!`] implements the export
//! and [`crate::guest::WitRouter`] wraps the import.

wit_bindgen::generate!({
    world: "plugin",
    path: "../../wit",
    pub_export_macro: true,
    default_bindings_module: "mikrotik_plugin_sdk::bindings",
});
