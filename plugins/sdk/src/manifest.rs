//! Plain Rust mirrors of the WIT `tools` types: [`Manifest`], [`Tool`], [`Effect`], [`Output`].

use serde_json::Value;

/// What a tool does to the router.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Effect {
    /// Only reads. Always listed.
    Reads,
    /// Changes configuration or state. Hidden when the host runs read-only.
    Writes,
    /// Runs whatever the caller asks; each write is checked at the import.
    Any,
}

/// One MCP tool.
#[derive(Clone, Debug, PartialEq)]
pub struct Tool {
    /// By convention `mikrotik_<verb>_<thing>`.
    pub name: String,
    pub title: Option<String>,
    /// One or two sentences for the model.
    pub description: String,
    /// JSON Schema (object) of the arguments.
    pub input_schema: Value,
    /// JSON Schema of the structured output.
    pub output_schema: Option<Value>,
    pub effect: Effect,
    pub destructive: bool,
    pub idempotent: bool,
    pub open_world: bool,
}

impl Tool {
    /// A read-only, idempotent, closed-world tool.
    pub fn reads(name: &str, description: &str, input_schema: Value) -> Self {
        Tool {
            name: name.to_string(),
            title: None,
            description: description.to_string(),
            input_schema,
            output_schema: None,
            effect: Effect::Reads,
            destructive: false,
            idempotent: true,
            open_world: false,
        }
    }

    /// Set the title.
    pub fn title(mut self, title: &str) -> Self {
        self.title = Some(title.to_string());
        self
    }

    /// Set the output schema.
    pub fn output_schema(mut self, schema: Value) -> Self {
        self.output_schema = Some(schema);
        self
    }

    /// Set the effect and hints explicitly.
    pub fn effect(mut self, effect: Effect, destructive: bool, idempotent: bool) -> Self {
        self.effect = effect;
        self.destructive = destructive;
        self.idempotent = idempotent;
        self
    }

    /// Mark as talking to things beyond the router.
    pub fn open_world(mut self) -> Self {
        self.open_world = true;
        self
    }
}

/// What the plugin is and may do.
#[derive(Clone, Debug, PartialEq)]
pub struct Manifest {
    /// Plugin name (the crate directory name by convention).
    pub name: String,
    /// Semver version.
    pub version: String,
    /// RouterOS command patterns this plugin may call (`/interface/print`, `/ip/firewall/*/print`, `/**`).
    pub permissions: Vec<String>,
    pub tools: Vec<Tool>,
}

impl Manifest {
    /// A manifest with these permissions and tools.
    pub fn new(name: &str, version: &str, permissions: &[&str], tools: Vec<Tool>) -> Self {
        Manifest {
            name: name.to_string(),
            version: version.to_string(),
            permissions: permissions.iter().map(|p| p.to_string()).collect(),
            tools,
        }
    }
}

/// A tool's successful result.
///
/// Structured output is held either as a [`Value`] or as ready JSON text (what the listing
/// helpers write, so nothing is parsed or re-serialised on the hot path). Read it with
/// [`Output::json`] / [`Output::into_json`]; equality compares the JSON meaning, not its form.
#[derive(Clone, Debug)]
pub struct Output {
    /// Compact text for the model.
    pub text: String,
    structured: Option<Structured>,
}

/// The two forms of structured output.
#[derive(Clone, Debug)]
enum Structured {
    Value(Value),
    Text(String),
}

impl Output {
    /// Text only.
    pub fn text(text: impl Into<String>) -> Self {
        Output {
            text: text.into(),
            structured: None,
        }
    }

    /// Text plus structured JSON.
    pub fn with_json(text: impl Into<String>, structured: Value) -> Self {
        Output {
            text: text.into(),
            structured: Some(Structured::Value(structured)),
        }
    }

    /// Text plus structured JSON given as JSON text, which must be valid JSON (an object, for
    /// MCP `structuredContent`); it is handed to the host as is.
    pub fn with_json_text(text: impl Into<String>, json: String) -> Self {
        Output {
            text: text.into(),
            structured: Some(Structured::Text(json)),
        }
    }

    /// Whether there is structured output.
    pub fn has_json(&self) -> bool {
        self.structured.is_some()
    }

    /// The structured output as a [`Value`] (parsed when held as text; `None` when there is
    /// none or the text is not valid JSON). For tests and for combining outputs.
    pub fn json(&self) -> Option<Value> {
        match self.structured.as_ref()? {
            Structured::Value(value) => Some(value.clone()),
            Structured::Text(text) => serde_json::from_str(text).ok(),
        }
    }

    /// [`Output::json`], consuming the output.
    pub fn into_json(self) -> Option<Value> {
        match self.structured? {
            Structured::Value(value) => Some(value),
            Structured::Text(text) => serde_json::from_str(&text).ok(),
        }
    }

    /// The structured output as a [`Value`] to change in place (text is parsed once and the
    /// value kept). `None` when there is none or the text is not valid JSON.
    pub fn json_mut(&mut self) -> Option<&mut Value> {
        if let Some(Structured::Text(text)) = &self.structured {
            let value = serde_json::from_str(text).ok()?;
            self.structured = Some(Structured::Value(value));
        }
        match self.structured.as_mut()? {
            Structured::Value(value) => Some(value),
            Structured::Text(_) => None,
        }
    }

    /// The text and the structured output as compact JSON text (serialised only when held
    /// as a [`Value`]): what the host receives.
    pub fn into_parts(self) -> (String, Option<String>) {
        let json = self.structured.map(|structured| match structured {
            Structured::Text(text) => text,
            // Cannot fail: a `Value`'s map keys are strings and its numbers are finite.
            Structured::Value(value) => serde_json::to_string(&value).unwrap_or_default(),
        });
        (self.text, json)
    }

    /// Several outputs as one: texts joined by a blank line, structured output an object
    /// with each output's JSON under its key (`null` when it has none), keys sorted. Keys
    /// must differ.
    pub fn combine<'a>(sections: impl IntoIterator<Item = (&'a str, Output)>) -> Output {
        let mut sections: Vec<(&str, Output)> = sections.into_iter().collect();
        let mut text = String::new();
        for (i, (_, output)) in sections.iter_mut().enumerate() {
            if i > 0 {
                text.push_str("\n\n");
            }
            text.push_str(&output.text);
        }
        sections.sort_by(|a, b| a.0.cmp(b.0));
        let mut json = String::from("{");
        for (i, (key, output)) in sections.into_iter().enumerate() {
            if i > 0 {
                json.push(',');
            }
            crate::json_text::push_str(&mut json, key);
            json.push(':');
            json.push_str(output.into_parts().1.as_deref().unwrap_or("null"));
        }
        json.push('}');
        Output::with_json_text(text, json)
    }
}

impl PartialEq for Output {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text && self.json() == other.json()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn both_forms_read_back_and_compare_by_meaning() {
        let value = Output::with_json("t", json!({"a": [1, "x"], "b": true}));
        let text = Output::with_json_text("t", r#"{"b":true,"a":[1,"x"]}"#.to_string());
        assert_eq!(value, text);
        assert_eq!(text.json(), Some(json!({"a": [1, "x"], "b": true})));
        assert_eq!(
            value.clone().into_parts(),
            (
                "t".to_string(),
                Some(r#"{"a":[1,"x"],"b":true}"#.to_string())
            )
        );
        assert_eq!(
            text.clone().into_parts().1.unwrap(),
            r#"{"b":true,"a":[1,"x"]}"#
        );
        assert_ne!(value, Output::with_json("t", json!({})));
        assert!(!Output::text("t").has_json() && Output::text("t").json().is_none());
    }

    #[test]
    fn json_mut_edits_the_text_form() {
        let mut out = Output::with_json_text("t", r#"{"rows":[]}"#.to_string());
        out.json_mut().unwrap()["table"] = json!("raw");
        assert_eq!(out.into_json(), Some(json!({"rows": [], "table": "raw"})));
        assert!(Output::text("t").json_mut().is_none());
    }

    #[test]
    fn combine_joins_texts_and_keys_json_in_order() {
        let out = Output::combine([
            ("z\"q", Output::with_json_text("one", "[1]".to_string())),
            ("a", Output::text("two")),
            ("m", Output::with_json("three", json!({"k": "v"}))),
        ]);
        assert_eq!(out.text, "one\n\ntwo\n\nthree");
        assert_eq!(
            out.into_parts().1.unwrap(),
            r#"{"a":null,"m":{"k":"v"},"z\"q":[1]}"#
        );
    }
}
