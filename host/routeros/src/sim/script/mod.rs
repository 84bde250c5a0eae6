//! `/system/script` and the part of the RouterOS script language the sim runs: enough for
//! the host's revert scripts and small automations, in RouterOS 7 syntax.
//!
//! Supported:
//! - commands separated by line breaks or `;`, `#` comments, `\` continued lines;
//! - console paths with spaces or slashes (`/ip firewall filter add …`,
//!   `/ip/dns/static/set *3 …`, `..`), a path alone on a line changing the current menu;
//! - the verbs `add` (with `place-before=` on ordered menus), `set`, `remove`, `enable`,
//!   `disable`, `unset` (`value-name=a,b`), `move` (`destination=`), `get`, `find` and
//!   `print` (does nothing) on every menu, and `run` on `/system/script`, with the same rules
//!   and messages as the API (`edit/`);
//! - items by id (`remove *1F,*20`), name, `numbers=`, or `[find …]` whose conditions are
//!   `field=value`, `field!=value`, a flag (`disabled`, `!disabled`), with or without `where`,
//!   joined by `and`; an empty `[find]` selects nothing and the command does nothing;
//! - values: bare words, `"strings"` with the escapes `\" \\ \$ \? \_ \n \r \t \a \b \f \v \XX`,
//!   `$variables` (also inside strings; unknown ones are empty) and `[ command ]`,
//!   glued together when written without spaces;
//! - `:local`, `:global`, `:set`, `:put` (output goes nowhere), `:log info|warning|error|debug`
//!   (a `/log` line with topics `script,<level>`), `{ … }` blocks, `:do { … }` and
//!   `:do { … } on-error={ … }`, `:delay <time>` (at most 30 days).
//!
//! An error stops the script unless a `:do … on-error` catches it; it names its line.
//! Anything else (`:if`, `:foreach`, `:while`, functions, arrays, arithmetic, `(…)`
//! expressions, `~` `<` `>` `or` in `[find]`) is refused: a syntax error (the script shows
//! `invalid=true` and nothing of it runs) or, for `[find]`, an error when it runs. Every value
//! is text (no numbers, booleans or arrays as types), and policies are not checked.

mod exec;
mod lexer;
mod parser;
#[cfg(test)]
mod run_tests;

use super::dispatch::{CATEGORY_ARGUMENT, Ctx};
use super::edit::{Refusal, refuse};
use super::reply::{Closed, ReplySink};
use super::row::FlatRow;
use super::state::SharedState;
use super::state::log;
use super::state::system::timestamp_now;
use super::table::Table;
use crate::sentence::Command;
use futures::future::BoxFuture;

/// Deepest nesting of scripts that run scripts.
const MAX_RUN_DEPTH: u32 = 8;

/// Why a script failed. `column` is set for syntax errors, `line` for every error inside a
/// script (0 when the script itself could not be found).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScriptError {
    pub message: String,
    pub line: u32,
    pub column: u32,
}

impl ScriptError {
    /// A syntax error at a line and column.
    pub fn syntax(message: impl Into<String>, line: u32, column: u32) -> Self {
        Self {
            message: message.into(),
            line,
            column,
        }
    }

    /// A failure while running the command on `line`.
    pub fn runtime(message: impl Into<String>, line: u32) -> Self {
        Self::syntax(message, line, 0)
    }

    /// A failure outside any script line.
    fn plain(message: impl Into<String>) -> Self {
        Self::syntax(message, 0, 0)
    }
}

impl std::fmt::Display for ScriptError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (self.line, self.column) {
            (0, _) => write!(f, "{}", self.message),
            (line, 0) => write!(f, "{} (line {line})", self.message),
            (line, column) => write!(
                f,
                "syntax error: {} (line {line} column {column})",
                self.message
            ),
        }
    }
}

/// Complete a script about to be stored: a name, and `invalid` when its source does not parse.
pub fn check(t: &Table, row: &mut FlatRow, _added: bool) -> Result<(), Refusal> {
    if row.get(b"name").is_none_or(|n| n.is_empty()) {
        row.set(b"name", t.free_name("script").as_bytes());
    }
    let source = row.get(b"source").unwrap_or_default();
    let invalid = parser::parse(source).is_err();
    row.set(b"invalid", if invalid { b"true" } else { b"false" });
    Ok(())
}

/// Run script text.
pub async fn run_source(state: &SharedState, source: &[u8]) -> Result<(), ScriptError> {
    run_at(state, source, 0).await
}

/// Run a stored script named by name or `*ID`: counts the run and stamps `last-started`.
pub async fn run_stored(state: &SharedState, which: &[u8]) -> Result<(), ScriptError> {
    stored_at(state, which, 0).await
}

async fn run_at(state: &SharedState, source: &[u8], depth: u32) -> Result<(), ScriptError> {
    let stmts = parser::parse(source)?;
    exec::Exec::new(state, depth).run(&stmts).await
}

/// [`run_stored`] from inside a script `depth` runs deep.
fn stored_at<'a>(
    state: &'a SharedState,
    which: &'a [u8],
    depth: u32,
) -> BoxFuture<'a, Result<(), ScriptError>> {
    Box::pin(async move {
        if depth > MAX_RUN_DEPTH {
            return Err(ScriptError::plain("too many nested script runs"));
        }
        let source = {
            let mut st = state.lock();
            let t = st.tables.get_mut("/system/script");
            let Some((t, p)) = t.and_then(|t| {
                let p = t.resolve(which).and_then(|id| t.position(id))?;
                Some((t, p))
            }) else {
                return Err(ScriptError::plain("no such item"));
            };
            let row = &mut t.items[p];
            let runs: u64 = row
                .get_str("run-count")
                .and_then(|c| c.parse().ok())
                .unwrap_or(0);
            row.set(b"run-count", (runs + 1).to_string().as_bytes());
            row.set(b"last-started", timestamp_now().as_bytes());
            row.get(b"source").unwrap_or_default().to_vec()
        };
        run_at(state, &source, depth).await
    })
}

/// API `/system/script/run =number=<name or *ID>`: `!done` when the script ran through,
/// otherwise a trap with its error (which also goes to `/log`).
pub async fn run_command(ctx: &Ctx, cmd: &Command, sink: &mut ReplySink) -> Result<(), Closed> {
    let which = ["number", ".id", "numbers"]
        .iter()
        .find_map(|n| cmd.arg(n))
        .cloned();
    let Some(which) = which else {
        let missing = refuse(
            Some(CATEGORY_ARGUMENT),
            "missing value(s) of argument(s) number",
        );
        return sink.trap(missing.category, &missing.message).await;
    };
    match run_stored(&ctx.state, &which).await {
        Ok(()) => sink.done(None).await,
        Err(e) => {
            if e.line > 0 {
                let line = format!("script error: {e}");
                log::append(&mut ctx.state.lock(), "script,error", line.as_bytes());
            }
            sink.trap(None, &e.to_string()).await
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::SimConfig;

    #[test]
    fn errors_read_well() {
        assert_eq!(
            ScriptError::syntax("missing }", 3, 7).to_string(),
            "syntax error: missing } (line 3 column 7)"
        );
        assert_eq!(
            ScriptError::runtime("no such item", 2).to_string(),
            "no such item (line 2)"
        );
        assert_eq!(
            ScriptError::plain("no such item").to_string(),
            "no such item"
        );
    }

    #[test]
    fn stored_scripts_are_named_and_checked() {
        let t = Table::default();
        let mut row = FlatRow::from_pairs(&[("name", ""), ("source", ":log info \"x\"")]);
        check(&t, &mut row, true).unwrap();
        assert_eq!(row.get_str("name").unwrap(), "script1");
        assert_eq!(row.get_str("invalid").unwrap(), "false");
        row.set(b"source", b"{");
        check(&t, &mut row, false).unwrap();
        assert_eq!(row.get_str("invalid").unwrap(), "true");
    }

    #[tokio::test]
    async fn scripts_running_themselves_stop() {
        let state = SharedState::new(&SimConfig::default());
        {
            let mut st = state.lock();
            let t = st.tables.get_mut("/system/script").unwrap();
            t.insert(FlatRow::from_pairs(&[
                ("name", "again"),
                ("source", "/system script run again"),
            ]));
        }
        let e = run_stored(&state, b"again").await.unwrap_err();
        assert!(e.message.contains("too many nested"), "{e}");
        assert_eq!(e.line, 1);
        let e = run_stored(&state, b"nothing").await.unwrap_err();
        assert_eq!(e, ScriptError::plain("no such item"));
    }
}
