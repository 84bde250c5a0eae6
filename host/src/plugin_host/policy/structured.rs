//! The check a plugin's structured result (MCP `structuredContent`) passes before it leaves the
//! plugin host: it must be one JSON object and, when the tool declares an output schema, match
//! it. Bundled and third-party plugins are held to the same rule.

use jsonschema::Validator;
use serde_json::Value;

use crate::plugin_host::policy::manifest::validation_errors;

/// Accept `text` as a structured result, or say (as the end of a sentence starting with the
/// tool's name) why not.
pub fn accept(text: &str, schema: Option<&Validator>) -> Result<Value, String> {
    let value: Value = serde_json::from_str(text)
        .map_err(|e| format!("returned structured output that is not JSON: {e}"))?;
    if !value.is_object() {
        return Err("returned structured output that is not a JSON object".into());
    }
    if let Some(errors) = schema.and_then(|schema| validation_errors(schema, &value)) {
        return Err(format!(
            "returned structured output that does not match its output schema: {errors}"
        ));
    }
    Ok(value)
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
    fn well_formed_objects_pass() {
        let text = r#"{"total":3,"rows":[{"name":"ether1"}]}"#;
        let out = accept(text, Some(&schema())).unwrap();
        assert_eq!(out["rows"][0]["name"], "ether1");
        let pretty = "{\r\n  \"total\": 3,\n  \"note\": \"a\\nb\"\n}\n";
        assert_eq!(
            accept(pretty, None).unwrap(),
            json!({"total": 3, "note": "a\nb"})
        );
    }

    #[test]
    fn broken_json_is_refused() {
        for bad in [
            r#"{"total":3"#,
            r#"{"total":3}}"#,
            r#"{"a":"\x"}"#,
            "{} trailing",
        ] {
            let err = accept(bad, Some(&schema())).unwrap_err();
            assert!(err.contains("not JSON"), "{bad}: {err}");
        }
    }

    #[test]
    fn only_objects_are_structured_results() {
        for bad in ["[1,2]", "\"text\"", "42", "null"] {
            let err = accept(bad, None).unwrap_err();
            assert!(err.contains("not a JSON object"), "{bad}: {err}");
        }
    }

    #[test]
    fn the_schema_is_checked_when_there_is_one() {
        let text = r#"{"total":"three"}"#;
        let err = accept(text, Some(&schema())).unwrap_err();
        assert!(err.contains("does not match its output schema"), "{err}");
        assert!(accept(text, None).is_ok());
    }
}
