//! The permission check at the `routeros-call` import: which commands a plugin may run.
//!
//! Order of the checks: the command must be well formed (else `bad-request`); `/cancel`,
//! `/login` and `/quit` belong to the host; the command must match one of the plugin's declared
//! patterns; in read-only mode it must be a read and must not write a file on the router
//! (`/export file=…`, `print file=…`). Every denial names the plugin, the command and the rule.

use crate::plugin_host::policy::patterns;

/// Last path segments of commands that only read. Everything else is a write: an unknown
/// verb is treated as a write, on purpose.
const READ_VERBS: &[&str] = &[
    "print",
    "getall",
    "get",
    "export",
    "monitor",
    "monitor-traffic",
    "ping",
    "traceroute",
    "listen",
    "torch",
    "profile",
];

/// Whole commands that only read although their last segment is not a read verb.
const READ_COMMANDS: &[&str] = &["/console/inspect"];

/// Arguments with which a reading command writes its output to a file on the router.
const FILE_WRITING_ARGS: &[&str] = &["file"];

/// Commands that manage the API session itself; the host owns the session.
const HOST_OWNED: &[&str] = &["/cancel", "/login", "/quit"];

/// Is this command a read (by its last path segment)?
pub fn is_read(command: &str) -> bool {
    let verb = command.rsplit('/').next().unwrap_or("");
    READ_VERBS.contains(&verb) || READ_COMMANDS.contains(&command)
}

/// Is this call a read: a read command that does not write its output to a file on the
/// router (`/export file=…`, `print file=…` write one)?
pub fn is_read_call<'n>(command: &str, mut arg_names: impl Iterator<Item = &'n str>) -> bool {
    is_read(command) && !arg_names.any(|name| FILE_WRITING_ARGS.contains(&name))
}

/// Why a call was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// The request is malformed.
    BadRequest(String),
    /// A rule refused it.
    Denied(String),
}

/// What the import needs to know about the calling plugin.
pub struct CallerPolicy<'a> {
    pub plugin: &'a str,
    pub permissions: &'a [String],
    pub read_only: bool,
}

impl CallerPolicy<'_> {
    /// Check one call. `args` are the argument names.
    pub fn check<'n, A>(&self, command: &str, arg_names: A) -> Result<(), Refusal>
    where
        A: IntoIterator<Item = &'n str>,
        A::IntoIter: Clone,
    {
        let arg_names = arg_names.into_iter();
        check_syntax(command, arg_names.clone()).map_err(Refusal::BadRequest)?;
        let plugin = self.plugin;
        if HOST_OWNED.contains(&command) {
            return Err(Refusal::Denied(format!(
                "plugin {plugin:?} may not call {command}: the host owns the API session"
            )));
        }
        if !patterns::any_matches(self.permissions, command) {
            return Err(Refusal::Denied(format!(
                "plugin {plugin:?} may not call {command}: not in its permissions [{}]",
                self.permissions.join(", ")
            )));
        }
        if self.read_only && !is_read(command) {
            return Err(Refusal::Denied(format!(
                "plugin {plugin:?} may not call {command}: {command} is a write and the server runs read-only (--read-only)"
            )));
        }
        if self.read_only
            && let Some(arg) = arg_names
                .clone()
                .find(|name| FILE_WRITING_ARGS.contains(name))
        {
            return Err(Refusal::Denied(format!(
                "plugin {plugin:?} may not call {command} with {arg}=: it writes a file on the router and the server runs read-only (--read-only)"
            )));
        }
        Ok(())
    }
}

fn check_syntax<'n>(
    command: &str,
    arg_names: impl IntoIterator<Item = &'n str>,
) -> Result<(), String> {
    if command.is_empty() {
        return Err("the command is empty; give an API path such as /interface/print".into());
    }
    if !command.starts_with('/') {
        return Err(format!(
            "command {command:?} must be an API path starting with '/', such as /interface/print"
        ));
    }
    if command.len() > 1 && command[1..].split('/').any(str::is_empty) {
        return Err(format!("command {command:?} has an empty path segment"));
    }
    if command
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || c == '=' || c == '?')
    {
        return Err(format!(
            "command {command:?} contains whitespace or '=' or '?'; arguments go in args"
        ));
    }
    for name in arg_names {
        if name.is_empty() {
            return Err(format!("an argument of {command} has an empty name"));
        }
        if name.contains('=') {
            return Err(format!(
                "argument name {name:?} of {command} contains '='; put '=' only in values"
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy<'a>(permissions: &'a [String], read_only: bool) -> CallerPolicy<'a> {
        CallerPolicy {
            plugin: "interfaces",
            permissions,
            read_only,
        }
    }

    #[test]
    fn verb_table_reads_and_writes() {
        for read in [
            "/interface/print",
            "/system/resource/getall",
            "/interface/monitor-traffic",
            "/interface/ethernet/monitor",
            "/ping",
            "/tool/traceroute",
            "/export",
            "/log/listen",
            "/console/inspect",
        ] {
            assert!(is_read(read), "{read} should be a read");
        }
        for write in [
            "/interface/set",
            "/ip/address/add",
            "/ip/address/remove",
            "/interface/enable",
            "/interface/disable",
            "/interface/unset",
            "/interface/reset-counters",
            "/system/reboot",
            "/system/shutdown",
            "/system/script/run",
            "/import",
            "/ip/firewall/filter/move",
            "/interface/comment",
            "/some/unknown-verb",
            "/print-ish",
            "/other/inspect",
        ] {
            assert!(!is_read(write), "{write} should be a write");
        }
    }

    #[test]
    fn declared_patterns_gate_commands() {
        let perms = vec!["/interface/print".to_string()];
        assert_eq!(policy(&perms, false).check("/interface/print", []), Ok(()));
        let err = policy(&perms, false)
            .check("/system/reboot", [])
            .unwrap_err();
        assert_eq!(
            err,
            Refusal::Denied(
                "plugin \"interfaces\" may not call /system/reboot: not in its permissions [/interface/print]"
                    .into()
            )
        );
    }

    #[test]
    fn read_only_refuses_writes_even_when_declared() {
        let perms = vec!["/**".to_string()];
        assert_eq!(policy(&perms, true).check("/interface/print", []), Ok(()));
        match policy(&perms, true).check("/system/reboot", []) {
            Err(Refusal::Denied(m)) => assert!(
                m.contains("is a write and the server runs read-only (--read-only)"),
                "{m}"
            ),
            other => panic!("unexpected {other:?}"),
        }
        assert_eq!(policy(&perms, false).check("/system/reboot", []), Ok(()));
    }

    #[test]
    fn read_only_refuses_reads_that_write_a_file() {
        let perms = vec!["/**".to_string()];
        for (cmd, args) in [
            ("/export", &["file"][..]),
            ("/interface/print", &[".proplist", "file"][..]),
        ] {
            match policy(&perms, true).check(cmd, args.iter().copied()) {
                Err(Refusal::Denied(m)) => assert!(
                    m.contains("with file=: it writes a file on the router"),
                    "{m}"
                ),
                other => panic!("{cmd}: unexpected {other:?}"),
            }
            assert_eq!(
                policy(&perms, false).check(cmd, args.iter().copied()),
                Ok(())
            );
        }
        assert_eq!(policy(&perms, true).check("/export", ["compact"]), Ok(()));
    }

    #[test]
    fn host_owned_commands_are_denied() {
        let perms = vec!["/**".to_string()];
        for cmd in ["/cancel", "/login", "/quit"] {
            match policy(&perms, false).check(cmd, []) {
                Err(Refusal::Denied(m)) => assert!(m.contains("host owns"), "{m}"),
                other => panic!("{cmd}: unexpected {other:?}"),
            }
        }
    }

    #[test]
    fn malformed_requests_are_bad_requests() {
        let perms = vec!["/**".to_string()];
        let p = policy(&perms, false);
        for cmd in [
            "",
            "interface/print",
            "/interface//print",
            "/interface/print =x=1",
        ] {
            assert!(
                matches!(p.check(cmd, []), Err(Refusal::BadRequest(_))),
                "{cmd:?}"
            );
        }
        assert!(matches!(
            p.check("/interface/print", [""]),
            Err(Refusal::BadRequest(_))
        ));
        assert!(matches!(
            p.check("/interface/print", ["a=b"]),
            Err(Refusal::BadRequest(_))
        ));
        assert_eq!(p.check("/interface/print", [".proplist"]), Ok(()));
    }
}
