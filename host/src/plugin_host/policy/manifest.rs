//! Checks a plugin's manifest (what `describe` returned) and turns it into tool descriptions
//! with compiled JSON Schemas. Every refusal is one sentence saying what is wrong.

use jsonschema::Validator;
use serde_json::{Map, Value};

use crate::plugin_host::lifecycle::bindings::guest_tools::{Effect as WitEffect, Manifest, Tool};
use crate::plugin_host::policy::patterns;
use crate::plugin_host::types::{Effect, ToolInfo};

/// A tool with its compiled schemas.
pub struct CheckedTool {
    pub info: ToolInfo,
    pub input: Validator,
    pub output: Option<Validator>,
}

/// A manifest that passed every check.
pub struct CheckedManifest {
    pub name: String,
    pub version: String,
    pub permissions: Vec<String>,
    pub tools: Vec<CheckedTool>,
}

/// Check the manifest against the contract's rules and the operator's grant.
pub fn check_manifest(manifest: Manifest, grant: &[String]) -> Result<CheckedManifest, String> {
    let name = manifest.name.trim().to_string();
    if name.is_empty() || name.len() > 64 || name.chars().any(|c| c.is_control()) {
        return Err(format!(
            "its manifest name {:?} is empty, too long or has control characters",
            manifest.name
        ));
    }
    for pattern in &manifest.permissions {
        patterns::check_pattern(pattern).map_err(|e| format!("plugin {name:?}: {e}"))?;
        if !grant.iter().any(|g| patterns::covers(g, pattern)) {
            return Err(format!(
                "plugin {name:?} asks for permission {pattern} but the operator grants only [{}]",
                grant.join(", ")
            ));
        }
    }
    let mut tools = Vec::with_capacity(manifest.tools.len());
    for tool in manifest.tools {
        if tools.iter().any(|t: &CheckedTool| t.info.name == tool.name) {
            return Err(format!(
                "plugin {name:?} declares tool {:?} twice",
                tool.name
            ));
        }
        tools.push(check_tool(&name, tool)?);
    }
    Ok(CheckedManifest {
        name,
        version: manifest.version,
        permissions: manifest.permissions,
        tools,
    })
}

/// MCP tool names: 1–128 characters of `A-Z a-z 0-9 _ - .`.
fn valid_tool_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 128
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
}

fn check_tool(plugin: &str, tool: Tool) -> Result<CheckedTool, String> {
    let tool_name = tool.name;
    if !valid_tool_name(&tool_name) {
        return Err(format!(
            "plugin {plugin:?}: tool name {tool_name:?} must be 1-128 characters of A-Z, a-z, 0-9, '_', '-', '.'"
        ));
    }
    let what =
        |which: &str| format!("plugin {plugin:?}: tool {tool_name} has an invalid {which} schema");
    let (input_schema, input) =
        compile_object_schema(&tool.input_schema).map_err(|e| format!("{}: {e}", what("input")))?;
    let output = match &tool.output_schema {
        Some(text) => {
            Some(compile_object_schema(text).map_err(|e| format!("{}: {e}", what("output")))?)
        }
        None => None,
    };
    let (output_schema, output) = match output {
        Some((schema, validator)) => (Some(schema), Some(validator)),
        None => (None, None),
    };
    let effect = match tool.effect {
        WitEffect::Reads => Effect::Reads,
        WitEffect::Writes => Effect::Writes,
        WitEffect::Any => Effect::Any,
    };
    Ok(CheckedTool {
        info: ToolInfo {
            name: tool_name,
            title: tool.title,
            description: tool.description,
            input_schema,
            output_schema,
            effect,
            destructive: tool.destructive,
            idempotent: tool.idempotent,
            open_world: tool.open_world,
            plugin: plugin.to_string(),
        },
        input,
        output,
    })
}

/// Parse and compile a JSON Schema whose top level is `"type": "object"`.
fn compile_object_schema(text: &str) -> Result<(Map<String, Value>, Validator), String> {
    let value: Value = serde_json::from_str(text).map_err(|e| format!("not JSON ({e})"))?;
    let Value::Object(map) = &value else {
        return Err("not a JSON object".into());
    };
    if map.get("type") != Some(&Value::String("object".into())) {
        return Err("its top level must have \"type\": \"object\"".into());
    }
    let validator = jsonschema::validator_for(&value).map_err(|e| e.to_string())?;
    Ok((map.clone(), validator))
}

/// All the ways `instance` fails `validator`, as one line: `/path: message; ...`.
pub fn validation_errors(validator: &Validator, instance: &Value) -> Option<String> {
    if validator.is_valid(instance) {
        return None;
    }
    let errors: Vec<String> = validator
        .iter_errors(instance)
        .take(8)
        .map(|e| {
            let path = e.instance_path().to_string();
            let path = if path.is_empty() {
                "/".to_string()
            } else {
                path
            };
            format!("{path}: {e}")
        })
        .collect();
    (!errors.is_empty()).then(|| errors.join("; "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn object_schemas_compile_and_validate() {
        let (_, v) = compile_object_schema(
            r#"{"type":"object","properties":{"count":{"type":"integer"}},"required":["count"]}"#,
        )
        .unwrap();
        assert_eq!(
            validation_errors(&v, &serde_json::json!({"count": 3})),
            None
        );
        let msg = validation_errors(&v, &serde_json::json!({"count": "x"})).unwrap();
        assert!(msg.starts_with("/count: "), "{msg}");
        let msg = validation_errors(&v, &serde_json::json!({})).unwrap();
        assert!(msg.contains("count"), "{msg}");
    }

    #[test]
    fn bad_schemas_are_refused() {
        assert!(compile_object_schema("{").is_err());
        assert!(compile_object_schema(r#"{"type":"array"}"#).is_err());
        assert!(
            compile_object_schema(r#"{"type":"object","properties":{"x":{"type":"nonsense"}}}"#)
                .is_err()
        );
        assert!(compile_object_schema(r#"{"type":"object","minProperties":-1}"#).is_err());
    }

    #[test]
    fn tool_names_follow_mcp_rules() {
        assert!(valid_tool_name("mikrotik_get_interfaces"));
        assert!(!valid_tool_name(""));
        assert!(!valid_tool_name("has space"));
        assert!(!valid_tool_name(&"x".repeat(129)));
    }
}
