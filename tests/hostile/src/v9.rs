//! The same crate built against a contract version the host does not implement.

wit_bindgen::generate!({ path: "wit-v9", world: "plugin" });

struct FromTheFuture;

impl exports::mikrotik::plugin::tools::Guest for FromTheFuture {
    fn describe() -> String {
        "from the future".to_string()
    }
}

export!(FromTheFuture);
