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
#[derive(Clone, Debug, PartialEq)]
pub struct Output {
    /// Compact text for the model.
    pub text: String,
    /// The same data as JSON (MCP `structuredContent`).
    pub structured: Option<Value>,
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
            structured: Some(structured),
        }
    }
}
