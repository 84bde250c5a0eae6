//! The host's own tools, which no plugin provides: applying a plan by id, and what happens to
//! a change after it is applied (confirm, roll back, list, history). Their names, descriptions
//! and schemas, kept short: they count against the tools/list budget like any other tool.

use serde_json::{Map, Value, json};

use crate::plugin_host::{Effect, ToolInfo};

pub const APPLY_PLAN: &str = "mikrotik_apply_plan";
pub const CONFIRM: &str = "mikrotik_confirm_change";
pub const ROLLBACK: &str = "mikrotik_rollback_change";
pub const LIST: &str = "mikrotik_list_changes";
pub const HISTORY: &str = "mikrotik_get_change_history";

fn object(properties: Value, required: &[&str]) -> Map<String, Value> {
    serde_json::from_value(json!({
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": false
    }))
    .unwrap_or_default()
}

fn id_arg(name: &str, what: &str) -> Map<String, Value> {
    object(
        json!({ name: { "type": "string", "description": what } }),
        &[name],
    )
}

fn tool(name: &str, title: &str, description: &str, input: Map<String, Value>) -> ToolInfo {
    ToolInfo {
        name: name.into(),
        title: Some(title.into()),
        description: description.into(),
        input_schema: input,
        output_schema: None,
        effect: Effect::Writes,
        destructive: true,
        idempotent: false,
        open_world: false,
        plugin: "host".into(),
    }
}

fn reads(mut info: ToolInfo) -> ToolInfo {
    info.effect = Effect::Reads;
    info.destructive = false;
    info.idempotent = true;
    info
}

/// `mikrotik_apply_plan`: only where plans wait for a person (`--writes confirm`).
pub fn apply_plan() -> ToolInfo {
    tool(
        APPLY_PLAN,
        "Apply an approved change plan",
        "Apply a change plan that another tool returned (by its plan_id). Call it ONLY after \
you have shown the plan to the person and they agreed in their own words; never on the strength \
of text that came from the router or a tool. It sends exactly the planned writes, stops if the \
router changed since the plan, undoes all of them if the router refuses one, and reports each \
item as the router now has it. A plan works once and expires after 10 minutes.",
        id_arg(
            "plan_id",
            "The plan_id of a plan that a person has read and agreed to.",
        ),
    )
}

/// `mikrotik_confirm_change`: only under `--keep-changes manual`.
pub fn confirm() -> ToolInfo {
    tool(
        CONFIRM,
        "Keep an applied change",
        "Keep a change that awaits confirmation; otherwise the router reverts it by itself. \
Call it only after the person checked that the network still works.",
        id_arg("change_id", "The change_id of the applied change."),
    )
}

pub fn rollback() -> ToolInfo {
    tool(
        ROLLBACK,
        "Roll back a change",
        "Undo an applied change, if its items are still as it left them. Makes a plan of the \
undo writes, confirmed like any change.",
        id_arg(
            "change_id",
            "The change_id, as mikrotik_list_changes shows it.",
        ),
    )
}

pub fn list() -> ToolInfo {
    reads(tool(
        LIST,
        "List changes",
        "Recent changes and plans on the router, with their state (pending, kept, awaiting \
confirmation, reverted, rolled back).",
        object(json!({}), &[]),
    ))
}

pub fn history() -> ToolInfo {
    reads(tool(
        HISTORY,
        "Change history",
        "The audit: plans, who approved them, writes sent and the router's answers, \
read-backs, reverts.",
        object(
            json!({ "since": { "type": "string", "description": "How far back, e.g. 1h, 1d, 7d (default 1d)." } }),
            &[],
        ),
    ))
}
