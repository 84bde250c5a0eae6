//! Field specs: one list of [`Field`]s gives a tool its `.proplist`, its table columns, its
//! JSON rows and the JSON Schema of those rows.

use serde_json::{Map, Value, json};

use crate::router::Row;
use crate::values::{parse_bool, parse_int};

/// How a field's text becomes JSON.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Kept as the router's string.
    Text,
    /// `true`/`false` (or `yes`/`no`) → JSON boolean; anything else stays a string.
    Flag,
    /// Decimal integer → JSON number; anything else (e.g. `auto`) stays a string.
    Number,
}

/// One RouterOS property a tool shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Field {
    /// RouterOS property name, e.g. `mac-address`.
    pub name: &'static str,
    pub kind: Kind,
}

/// A text field.
pub const fn text(name: &'static str) -> Field {
    Field {
        name,
        kind: Kind::Text,
    }
}

/// A boolean field.
pub const fn flag(name: &'static str) -> Field {
    Field {
        name,
        kind: Kind::Flag,
    }
}

/// An integer field.
pub const fn number(name: &'static str) -> Field {
    Field {
        name,
        kind: Kind::Number,
    }
}

/// The `.proplist` value asking for exactly these fields.
pub fn proplist(fields: &[Field]) -> String {
    let mut list = String::with_capacity(fields.iter().map(|f| f.name.len() + 1).sum());
    for (i, field) in fields.iter().enumerate() {
        if i > 0 {
            list.push(',');
        }
        list.push_str(field.name);
    }
    list
}

/// JSON for one value of `kind`.
pub fn value_json(kind: Kind, text: &str) -> Value {
    match kind {
        Kind::Text => Value::from(text),
        Kind::Flag => parse_bool(text).map_or_else(|| Value::from(text), Value::from),
        Kind::Number => parse_int(text).map_or_else(|| Value::from(text), Value::from),
    }
}

/// The row as a JSON object holding `fields` (absent properties are left out).
pub fn row_json(row: &Row, fields: &[Field]) -> Value {
    let mut object = Map::new();
    for field in fields {
        if let Some(text) = row.get(field.name) {
            object.insert(field.name.to_string(), value_json(field.kind, text));
        }
    }
    Value::Object(object)
}

/// Every attribute of the row as a JSON object of strings, in the router's order of names.
pub fn row_json_all(row: &Row) -> Value {
    let object: Map<String, Value> = row
        .attributes()
        .map(|a| (a.name.to_string(), Value::from(a.value)))
        .collect();
    Value::Object(object)
}

/// JSON Schema of a row object made by [`row_json`].
pub fn row_schema(fields: &[Field]) -> Value {
    let properties: Map<String, Value> = fields
        .iter()
        .map(|f| {
            let ty = match f.kind {
                Kind::Text => json!("string"),
                Kind::Flag => json!(["boolean", "string"]),
                Kind::Number => json!(["integer", "string"]),
            };
            (f.name.to_string(), json!({ "type": ty }))
        })
        .collect();
    json!({ "type": "object", "properties": properties })
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIELDS: [Field; 3] = [text("name"), flag("running"), number("mtu")];

    #[test]
    fn proplist_and_json() {
        assert_eq!(proplist(&FIELDS), "name,running,mtu");
        let row = Row::from_pairs([("name", "ether1"), ("running", "true"), ("mtu", "auto")]);
        assert_eq!(
            row_json(&row, &FIELDS),
            json!({"name": "ether1", "running": true, "mtu": "auto"})
        );
        let row = Row::from_pairs([("mtu", "1500")]);
        assert_eq!(row_json(&row, &FIELDS), json!({"mtu": 1500}));
        assert_eq!(
            row_schema(&FIELDS)["properties"]["running"]["type"],
            json!(["boolean", "string"])
        );
    }
}
