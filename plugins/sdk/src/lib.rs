//! Guest-side SDK for mcp-mikrotik tool plugins.
//!
//! A plugin is a type implementing [`Plugin`] plus one [`export_plugin!`] line. Its logic only
//! sees the [`RouterApi`] trait, so the same code runs inside the host (through the WIT import
//! `routeros-call`) and in native unit tests (through [`FakeRouter`]).
//!
//! ```ignore
//! struct Uptime;
//! impl mikrotik_plugin_sdk::Plugin for Uptime {
//!     fn manifest() -> Manifest { /* name, version, permissions, tools */ }
//!     fn call(tool: &str, args: Value, router: &dyn RouterApi) -> Result<Output, String> { … }
//! }
//! mikrotik_plugin_sdk::export_plugin!(Uptime);
//! ```

pub mod answer;
pub mod arena;
pub mod args;
pub mod bindings;
pub mod cells;
pub mod fake;
pub mod fields;
pub mod guest;
pub mod json_text;
pub mod listing;
pub mod manifest;
pub mod router;
pub mod schema;
pub mod table;
pub mod values;

pub use answer::Incomplete;
pub use cells::Cells;
pub use fake::{FakeRouter, rows_from_json};
pub use fields::Field;
pub use listing::{Listing, count, list, missing_menu, missing_menu_or_error, print};
pub use manifest::{Effect, Manifest, Output, Tool};
pub use router::{Attribute, CallError, CallOptions, Cut, Reply, Request, RouterApi, Row, Trap};
pub use serde_json::{self, Value, json};
pub use table::Table;

/// What every plugin implements: its manifest and its tools.
pub trait Plugin {
    /// Name, version, permissions and tools. Must not call the router.
    fn manifest() -> Manifest;

    /// Run `tool` with `args` (a JSON object the host already validated against the tool's
    /// input schema). An `Err` becomes an MCP error result carrying the message.
    fn call(tool: &str, args: Value, router: &dyn RouterApi) -> Result<Output, String>;
}

/// Export a [`Plugin`] implementation as the component's `tools` interface.
///
/// Use once, at the top level of the plugin crate: `export_plugin!(MyPlugin);`.
#[macro_export]
macro_rules! export_plugin {
    ($plugin:ty) => {
        #[doc(hidden)]
        pub struct __MikrotikPluginExport;

        impl $crate::bindings::exports::mikrotik::plugin::tools::Guest for __MikrotikPluginExport {
            fn describe() -> $crate::bindings::exports::mikrotik::plugin::tools::Manifest {
                $crate::guest::describe::<$plugin>()
            }

            fn call(
                tool: ::std::string::String,
                arguments: ::std::string::String,
            ) -> ::std::result::Result<
                $crate::bindings::exports::mikrotik::plugin::tools::Output,
                ::std::string::String,
            > {
                $crate::guest::call::<$plugin>(&tool, &arguments)
            }
        }

        $crate::bindings::export!(__MikrotikPluginExport with_types_in $crate::bindings);
    };
}

/// The README's example, compiled and run as a doctest so it cannot rot.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeExample;
