//! Reading tool arguments from the JSON object the host passes to `call`.

use serde_json::Value;

/// A non-empty string argument.
pub fn string<'a>(args: &'a Value, name: &str) -> Option<&'a str> {
    args.get(name)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
}

/// A boolean argument, `default` when absent.
pub fn flag(args: &Value, name: &str, default: bool) -> bool {
    args.get(name).and_then(Value::as_bool).unwrap_or(default)
}

/// A positive count such as `limit`: `default` when absent, clamped to `1..=max`.
pub fn limit(args: &Value, name: &str, default: u32, max: u32) -> u32 {
    let wanted = args
        .get(name)
        .and_then(Value::as_u64)
        .unwrap_or(u64::from(default));
    u32::try_from(wanted).unwrap_or(max).clamp(1, max.max(1))
}

/// An array of strings (non-string items are an error naming the argument).
pub fn string_list(args: &Value, name: &str) -> Result<Vec<String>, String> {
    match args.get(name) {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(items)) => items
            .iter()
            .map(|item| {
                item.as_str()
                    .map(str::to_string)
                    .ok_or_else(|| format!("`{name}` must be an array of strings"))
            })
            .collect(),
        Some(_) => Err(format!("`{name}` must be an array of strings")),
    }
}

/// An object of string values, sorted by name (numbers and booleans are accepted and
/// written the way RouterOS expects them).
pub fn string_map(args: &Value, name: &str) -> Result<Vec<(String, String)>, String> {
    match args.get(name) {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Object(map)) => map
            .iter()
            .map(|(key, value)| match value {
                Value::String(s) => Ok((key.clone(), s.clone())),
                Value::Number(n) => Ok((key.clone(), n.to_string())),
                Value::Bool(b) => Ok((key.clone(), b.to_string())),
                _ => Err(format!("`{name}.{key}` must be a string")),
            })
            .collect(),
        Some(_) => Err(format!("`{name}` must be an object of strings")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_and_clamps() {
        let args = json!({"type": "ether", "empty": "", "limit": 5000, "on": true, "q": ["a"], "m": {"x": "1", "n": 2}});
        assert_eq!(string(&args, "type"), Some("ether"));
        assert_eq!(string(&args, "empty"), None);
        assert_eq!(limit(&args, "limit", 100, 1000), 1000);
        assert_eq!(limit(&json!({"limit": 0}), "limit", 100, 1000), 1);
        assert_eq!(limit(&json!({}), "limit", 100, 1000), 100);
        assert!(flag(&args, "on", false));
        assert_eq!(string_list(&args, "q").unwrap(), vec!["a".to_string()]);
        assert!(string_list(&json!({"q": [1]}), "q").is_err());
        assert_eq!(
            string_map(&args, "m").unwrap(),
            vec![("n".into(), "2".into()), ("x".into(), "1".into())]
        );
        assert!(string_map(&json!({"m": {"x": []}}), "m").is_err());
    }
}
