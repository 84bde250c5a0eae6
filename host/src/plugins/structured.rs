//! A plugin's structured result (MCP `structuredContent`) as JSON text, and the check it passes
//! before it leaves the runtime.
//!
//! The text is never turned into a [`Value`] on the way to the client unless it has to be:
//! a third-party plugin's result is parsed and validated against the tool's output schema; a
//! bundled plugin's (compiled into this binary, its schemas checked by the test suite) is only
//! checked to be one well-formed JSON object, which needs no allocation. Either way, line
//! breaks between tokens are blanked: the text is spliced into one newline-delimited message.

use jsonschema::Validator;
use serde::de::IgnoredAny;
use serde_json::Value;

use super::manifest::validation_errors;

/// JSON text of one object: a tool's structured result.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StructuredJson(String);

impl StructuredJson {
    /// The JSON text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The JSON text, owned.
    pub fn into_string(self) -> String {
        self.0
    }

    /// The result as a JSON value.
    pub fn to_value(&self) -> Value {
        // The text was checked to be JSON when the runtime accepted it.
        serde_json::from_str(&self.0).unwrap_or(Value::Null)
    }
}

/// How much of a plugin's structured result to check.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Check {
    /// Well-formed JSON whose top level is an object.
    Syntax,
    /// That, and it matches the tool's output schema (when it has one).
    Schema,
}

/// Accept `text` as a structured result, or say (as the end of a sentence starting with the
/// tool's name) why not.
pub fn accept(
    text: String,
    check: Check,
    schema: Option<&Validator>,
) -> Result<StructuredJson, String> {
    if !text.trim_start().starts_with('{') {
        return Err("returned structured output that is not a JSON object".into());
    }
    match (check, schema) {
        (Check::Schema, Some(schema)) => {
            let value: Value = serde_json::from_str(&text)
                .map_err(|e| format!("returned structured output that is not JSON: {e}"))?;
            if let Some(errors) = validation_errors(schema, &value) {
                return Err(format!(
                    "returned structured output that does not match its output schema: {errors}"
                ));
            }
        }
        _ => {
            serde_json::from_str::<IgnoredAny>(&text)
                .map_err(|e| format!("returned structured output that is not JSON: {e}"))?;
        }
    }
    Ok(StructuredJson(one_line(text)))
}

/// `text` (valid JSON) without line breaks, so it can sit inside one newline-delimited message:
/// in valid JSON a raw CR or LF can only be whitespace between tokens, never part of a string.
fn one_line(text: String) -> String {
    if memchr::memchr2(b'\n', b'\r', text.as_bytes()).is_none() {
        return text;
    }
    text.replace(['\n', '\r'], " ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn schema() -> Validator {
        jsonschema::validator_for(&json!({
            "type": "object",
            "properties": {"total": {"type": "integer"}},
            "required": ["total"]
        }))
        .unwrap()
    }

    #[test]
    fn well_formed_objects_pass_unchanged() {
        let text = r#"{"total":3,"rows":[{"name":"ether1"}]}"#.to_string();
        let out = accept(text.clone(), Check::Schema, Some(&schema())).unwrap();
        assert_eq!(out.as_str(), text);
        assert_eq!(out.to_value()["rows"][0]["name"], "ether1");
        let out = accept(text.clone(), Check::Syntax, Some(&schema())).unwrap();
        assert_eq!(out.into_string(), text);
    }

    #[test]
    fn broken_json_is_refused_at_either_level() {
        for check in [Check::Syntax, Check::Schema] {
            for bad in [
                r#"{"total":3"#,
                r#"{"total":3}}"#,
                r#"{"a":"\x"}"#,
                "{} trailing",
            ] {
                let err = accept(bad.into(), check, Some(&schema())).unwrap_err();
                assert!(err.contains("not JSON"), "{check:?} {bad}: {err}");
            }
        }
    }

    #[test]
    fn pretty_printed_json_becomes_one_line() {
        let pretty = "{\r\n  \"total\": 3,\n  \"note\": \"a\\nb\"\n}\n".to_string();
        for check in [Check::Syntax, Check::Schema] {
            let out = accept(pretty.clone(), check, Some(&schema())).unwrap();
            assert!(!out.as_str().contains(['\n', '\r']), "{:?}", out.as_str());
            assert_eq!(out.to_value(), json!({"total": 3, "note": "a\nb"}));
        }
    }

    #[test]
    fn only_objects_are_structured_results() {
        for bad in ["[1,2]", "\"text\"", "42", "", "null"] {
            let err = accept(bad.into(), Check::Syntax, None).unwrap_err();
            assert!(err.contains("not a JSON object"), "{bad}: {err}");
        }
    }

    #[test]
    fn the_schema_is_checked_only_when_asked() {
        let text = r#"{"total":"three"}"#.to_string();
        let err = accept(text.clone(), Check::Schema, Some(&schema())).unwrap_err();
        assert!(err.contains("does not match its output schema"), "{err}");
        assert!(accept(text.clone(), Check::Syntax, Some(&schema())).is_ok());
        assert!(accept(text, Check::Schema, None).is_ok());
    }
}
