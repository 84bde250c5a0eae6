//! The dry run of a tool call that writes: at the `routeros-call` import, reads go to the
//! router as usual while every write is recorded instead of sent, and the plugin gets a reply
//! that lets it carry on. An `add` answers `ret=*PLAN<n>`, a placeholder id that later
//! commands of the same call may use; the host replaces it by the real id when it applies the
//! plan (see `crate::changes`). The plugin is not told that it is being planned.

use std::sync::Mutex;

/// Most writes one change may hold.
pub const MAX_WRITES: usize = 100;

/// Prefix of placeholder ids. Real RouterOS ids are `*` and hex digits, so `*PLAN…` never
/// names a real item.
pub const PLACEHOLDER_PREFIX: &str = "*PLAN";

/// One write as the plugin asked for it: the API command and its arguments, in order.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RecordedWrite {
    pub command: String,
    pub args: Vec<(String, String)>,
    /// For an `add`: the placeholder id the plugin was given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub placeholder: Option<String>,
}

impl RecordedWrite {
    /// The value of argument `name`, if given.
    pub fn arg(&self, name: &str) -> Option<&str> {
        self.args
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// The writes recorded during one dry run.
#[derive(Debug, Default)]
pub struct DryRun {
    writes: Mutex<Vec<RecordedWrite>>,
}

impl DryRun {
    /// Record a write; the placeholder id for an `add`, or an error once the change holds
    /// [`MAX_WRITES`] writes.
    pub fn record(
        &self,
        command: &str,
        args: Vec<(String, String)>,
    ) -> Result<Option<String>, String> {
        let mut writes = self.writes.lock().unwrap_or_else(|e| e.into_inner());
        if writes.len() >= MAX_WRITES {
            return Err(format!(
                "a change may hold at most {MAX_WRITES} writes; {command} would be write {}. Split the work into smaller changes",
                writes.len() + 1
            ));
        }
        let placeholder = command
            .ends_with("/add")
            .then(|| format!("{PLACEHOLDER_PREFIX}{}", writes.len() + 1));
        writes.push(RecordedWrite {
            command: command.to_string(),
            args,
            placeholder: placeholder.clone(),
        });
        Ok(placeholder)
    }

    /// Take the recorded writes, in the order the plugin made them.
    pub fn take(&self) -> Vec<RecordedWrite> {
        std::mem::take(&mut *self.writes.lock().unwrap_or_else(|e| e.into_inner()))
    }
}

/// Is `value` a placeholder id handed out by a dry run?
pub fn is_placeholder(value: &str) -> bool {
    value.starts_with(PLACEHOLDER_PREFIX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adds_get_placeholders_and_the_cap_holds() {
        let run = DryRun::default();
        assert_eq!(
            run.record(
                "/ip/address/add",
                vec![("address".into(), "10.0.0.1/24".into())]
            ),
            Ok(Some("*PLAN1".into()))
        );
        assert_eq!(run.record("/ip/address/set", vec![]), Ok(None));
        for _ in 2..MAX_WRITES {
            run.record("/interface/enable", vec![]).unwrap();
        }
        let refused = run.record("/interface/disable", vec![]).unwrap_err();
        assert!(refused.contains("at most 100 writes"), "{refused}");
        let writes = run.take();
        assert_eq!(writes.len(), MAX_WRITES);
        assert_eq!(writes[0].arg("address"), Some("10.0.0.1/24"));
        assert!(is_placeholder("*PLAN1") && !is_placeholder("*1A"));
    }
}
