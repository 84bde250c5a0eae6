//! Small JSON Schema builders so tool schemas stay short and consistent.

use serde_json::{Map, Value, json};

/// An object schema with these `properties` (a JSON object) and `required` names; unknown
/// properties are refused.
pub fn object(properties: Value, required: &[&str]) -> Value {
    let mut schema = Map::new();
    schema.insert("type".into(), json!("object"));
    schema.insert("properties".into(), properties);
    if !required.is_empty() {
        schema.insert("required".into(), json!(required));
    }
    schema.insert("additionalProperties".into(), json!(false));
    Value::Object(schema)
}

/// A string property.
pub fn string(description: &str) -> Value {
    json!({ "type": "string", "description": description })
}

/// A boolean property with a default.
pub fn boolean(description: &str, default: bool) -> Value {
    json!({ "type": "boolean", "description": description, "default": default })
}

/// One of `values`, with a default.
pub fn one_of(values: &[&str], default: &str) -> Value {
    json!({ "type": "string", "enum": values, "default": default })
}

/// A `limit` property: integer in `1..=max`, `default` when absent.
pub fn limit(default: u32, max: u32) -> Value {
    json!({ "type": "integer", "minimum": 1, "maximum": max, "default": default })
}

/// Output schema of a [`crate::Listing`] (`{rows, shown, complete, total?, cut?, received?,
/// note?}`: `total` only when known, `cut` and `received` only when not complete). Rows are
/// objects keyed by RouterOS property names; to keep `tools/list` small their properties are
/// not spelled out (use [`crate::fields::row_schema`] when a tool needs them).
pub fn listing_output() -> Value {
    json!({
        "type": "object",
        "properties": {
            "rows": { "type": "array", "items": { "type": "object" } },
            "shown": { "type": "integer" },
            "complete": { "type": "boolean" },
            "total": { "type": "integer" },
            "cut": { "type": "string", "enum": ["deadline", "row-cap"] },
            "received": { "type": "integer" },
            "note": { "type": "string" }
        },
        "required": ["rows", "shown", "complete"]
    })
}
