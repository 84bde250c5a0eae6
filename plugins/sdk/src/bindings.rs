//! Bindings generated from `wit/mikrotik-plugin.wit` (world `plugin`).
//!
//! Plugin authors rarely need these directly: [`crate::export_plugin!`] implements the export
//! and [`crate::guest::WitRouter`] wraps the import.

wit_bindgen::generate!({
    world: "plugin",
    path: "../../wit",
    // Imports take borrowed strings, so `routeros-call` needs no owned copies of its arguments.
    ownership: Borrowing { duplicate_if_necessary: false },
    pub_export_macro: true,
    default_bindings_module: "mikrotik_plugin_sdk::bindings",
});
