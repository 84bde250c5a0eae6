//! Running parsed statements against the router: resolving console paths to menus, turning
//! positional arguments into `numbers`/`value-name`/`destination`, evaluating values
//! (variables, `[ … ]` substitutions), and handing each command to the same code the API
//! uses (`edit::apply`). The state lock is taken per command, never across a wait.

use super::parser::{Expr, Kind, Piece, Stmt, Word};
use super::{ScriptError, stored_at};
use crate::sentence::{Attr, Command};
use crate::sim::duration;
use crate::sim::edit::{self, normalize};
use crate::sim::row::FlatRow;
use crate::sim::state::SharedState;
use crate::sim::state::log;
use crate::sim::table::parse_id;
use futures::future::BoxFuture;
use std::collections::BTreeMap;
use std::time::Duration;

/// Longest `:delay` (longer ones are cut to this).
const MAX_DELAY: Duration = Duration::from_secs(30 * 86_400);

/// Verbs handed to `edit::apply`.
const EDIT_VERBS: &[&str] = &[
    "add", "set", "remove", "enable", "disable", "unset", "move", "get",
];

/// What a command leaves: a value (the result of `[ … ]`), or a new current menu.
enum Outcome {
    Value(Vec<u8>),
    Menu(String),
}

/// One `[find]` condition.
enum Cond {
    Equals {
        name: String,
        value: Vec<u8>,
        negated: bool,
    },
    Flag {
        name: String,
        negated: bool,
    },
}

impl Cond {
    fn matches(&self, row: &FlatRow) -> bool {
        match self {
            Cond::Equals {
                name,
                value,
                negated,
            } => {
                let field = row.get(name.as_bytes()).unwrap_or_default();
                let equal = if name == ".id" {
                    parse_id(field).is_some() && parse_id(field) == parse_id(value)
                } else {
                    field == &value[..]
                };
                equal != *negated
            }
            Cond::Flag { name, negated } => (row.get(name.as_bytes()) == Some(b"true")) != *negated,
        }
    }
}

/// The field a `[find]` condition tests; other operators (`~`, `<`, `or`, …) are refused
/// rather than matching nothing.
fn condition_field(name: String, line: u32) -> Result<String, ScriptError> {
    let plain = !name.is_empty()
        && name != "or"
        && name != "not"
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.');
    if plain {
        Ok(name)
    } else {
        Err(ScriptError::runtime(
            format!("unsupported find condition {name}"),
            line,
        ))
    }
}

/// Argument names of the positional values of each verb, in order.
fn positional_names(verb: &str, singleton: bool) -> &'static [&'static str] {
    match verb {
        "set" | "remove" | "enable" | "disable" => &["numbers"],
        "unset" => &["numbers", "value-name"],
        "move" => &["numbers", "destination"],
        "get" if singleton => &["value-name"],
        "get" => &["number", "value-name"],
        "run" => &["number"],
        _ => &[],
    }
}

/// A running script: its variables and how deep in script runs it is.
pub struct Exec<'s> {
    state: &'s SharedState,
    depth: u32,
    scopes: Vec<BTreeMap<String, Vec<u8>>>,
}

impl<'s> Exec<'s> {
    pub fn new(state: &'s SharedState, depth: u32) -> Self {
        Self {
            state,
            depth,
            scopes: Vec::new(),
        }
    }

    /// Run a whole script from the root menu.
    pub async fn run(&mut self, stmts: &[Stmt]) -> Result<(), ScriptError> {
        self.block(stmts, "").await
    }

    /// Statements in their own variable scope, starting in menu `cwd`.
    fn block<'a>(
        &'a mut self,
        stmts: &'a [Stmt],
        cwd: &'a str,
    ) -> BoxFuture<'a, Result<(), ScriptError>> {
        Box::pin(async move {
            self.scopes.push(BTreeMap::new());
            let mut cwd = cwd.to_string();
            let mut result = Ok(());
            for s in stmts {
                result = self.statement(s, &mut cwd).await;
                if result.is_err() {
                    break;
                }
            }
            self.scopes.pop();
            result
        })
    }

    async fn statement(&mut self, s: &Stmt, cwd: &mut String) -> Result<(), ScriptError> {
        match &s.kind {
            Kind::Block(b) => self.block(b, cwd).await,
            Kind::Do { body, on_error } => match (self.block(body, cwd).await, on_error) {
                (Err(_), Some(handler)) => self.block(handler, cwd).await,
                (result, _) => result,
            },
            Kind::Log { level, message } => {
                let text = self.eval(message, cwd, s.line).await?;
                let topics = format!("script,{level}");
                log::append(&mut self.state.lock(), &topics, &text);
                Ok(())
            }
            Kind::Delay(e) => {
                let text = self.eval(e, cwd, s.line).await?;
                let wait = duration::parse(&String::from_utf8_lossy(&text)).ok_or_else(|| {
                    ScriptError::runtime("invalid value for argument delay-time", s.line)
                })?;
                tokio::time::sleep(wait.min(MAX_DELAY)).await;
                Ok(())
            }
            Kind::Put(e) => self.eval(e, cwd, s.line).await.map(|_| ()),
            Kind::Var(keyword, name, value) => {
                let value = match value {
                    Some(e) => Some(self.eval(e, cwd, s.line).await?),
                    None => None,
                };
                self.assign(keyword, name, value);
                Ok(())
            }
            Kind::Command(words) => {
                if let Outcome::Menu(menu) = self.command(words, cwd, s.line).await? {
                    *cwd = menu;
                }
                Ok(())
            }
        }
    }

    fn lookup(&self, name: &str) -> Vec<u8> {
        if let Some(v) = self.scopes.iter().rev().find_map(|s| s.get(name)) {
            return v.clone();
        }
        self.state
            .lock()
            .globals
            .get(name)
            .cloned()
            .unwrap_or_default()
    }

    fn assign(&mut self, keyword: &str, name: &str, value: Option<Vec<u8>>) {
        match keyword {
            "global" => {
                let mut st = self.state.lock();
                let slot = st.globals.entry(name.to_string()).or_default();
                if let Some(v) = value {
                    *slot = v;
                }
            }
            "set" => {
                let value = value.unwrap_or_default();
                if let Some(slot) = self.scopes.iter_mut().rev().find_map(|s| s.get_mut(name)) {
                    *slot = value;
                    return;
                }
                let mut st = self.state.lock();
                match st.globals.get_mut(name) {
                    Some(slot) => *slot = value,
                    None => {
                        drop(st);
                        self.declare(name, value);
                    }
                }
            }
            _ => self.declare(name, value.unwrap_or_default()),
        }
    }

    fn declare(&mut self, name: &str, value: Vec<u8>) {
        if let Some(scope) = self.scopes.last_mut() {
            scope.insert(name.to_string(), value);
        }
    }

    /// The bytes of a value; substitutions run in menu `cwd`.
    async fn eval(&mut self, expr: &Expr, cwd: &str, line: u32) -> Result<Vec<u8>, ScriptError> {
        let mut out = Vec::new();
        for piece in &expr.0 {
            match piece {
                Piece::Text(t) => out.extend_from_slice(t),
                Piece::Var(name) => out.extend(self.lookup(name)),
                Piece::Sub(words) => {
                    if let Outcome::Value(v) = self.command(words, cwd, line).await? {
                        out.extend(v);
                    }
                }
            }
        }
        Ok(out)
    }

    /// The menu a command's leading path words lead to from `cwd`, its verb (none for a
    /// path alone) and the words after the verb.
    fn resolve<'w>(
        &self,
        words: &'w [Word],
        cwd: &str,
    ) -> Result<(String, Option<String>, &'w [Word]), String> {
        let st = self.state.lock();
        let mut menu = cwd.to_string();
        for (i, word) in words.iter().enumerate() {
            let text = match word {
                Word::Positional(e) => e.literal().and_then(|t| std::str::from_utf8(t).ok()),
                Word::Named(..) => None,
            };
            let Some(text) = text else {
                return Err("expected command name".into());
            };
            if text.starts_with('/') {
                if i > 0 {
                    return Err(format!("bad command name {text}"));
                }
                menu.clear();
            }
            let parts: Vec<&str> = text.split('/').filter(|p| !p.is_empty()).collect();
            for (j, part) in parts.iter().enumerate() {
                if *part == ".." {
                    menu.truncate(menu.rfind('/').unwrap_or(0));
                    continue;
                }
                let deeper = format!("{menu}/{part}");
                if st.is_dir(&deeper) {
                    menu = deeper;
                } else if j + 1 == parts.len() {
                    return Ok((menu, Some(part.to_string()), &words[i + 1..]));
                } else {
                    return Err(format!("bad command name {part}"));
                }
            }
        }
        Ok((menu, None, &[]))
    }

    /// Run one console command.
    fn command<'a>(
        &'a mut self,
        words: &'a [Word],
        cwd: &'a str,
        line: u32,
    ) -> BoxFuture<'a, Result<Outcome, ScriptError>> {
        Box::pin(async move {
            let fail = |message: String| ScriptError::runtime(message, line);
            let (menu, verb, rest) = self.resolve(words, cwd).map_err(fail)?;
            let Some(verb) = verb else {
                return Ok(Outcome::Menu(menu));
            };
            let singleton = match self.state.lock().tables.get(&menu) {
                Some(t) => t.singleton,
                None => return Err(fail(format!("bad command name {verb}"))),
            };
            match verb.as_str() {
                "find" => return self.find(rest, &menu, line).await.map(Outcome::Value),
                "print" => return Ok(Outcome::Value(Vec::new())),
                "run" if menu == "/system/script" => {}
                v if EDIT_VERBS.contains(&v) => {}
                _ => return Err(fail(format!("bad command name {verb}"))),
            }
            let mut args = Vec::with_capacity(rest.len());
            let mut positional = positional_names(&verb, singleton).iter();
            for word in rest {
                let (name, expr) = match word {
                    Word::Named(name, e) => (name.as_str(), e),
                    Word::Positional(e) => match positional.next() {
                        Some(name) => (*name, e),
                        None => return Err(fail("expected end of command".into())),
                    },
                };
                let mut value = self.eval(expr, &menu, line).await?;
                if ["numbers", "number", "destination", ".id"].contains(&name) {
                    // `[find]` gives a list (`*1;*2`); numbers are comma-separated.
                    for b in value.iter_mut().filter(|b| **b == b';') {
                        *b = b',';
                    }
                    if name != "destination" && value.is_empty() && verb != "get" {
                        // Nothing selected (an empty `[find]`): nothing to do.
                        return Ok(Outcome::Value(Vec::new()));
                    }
                }
                args.push(Attr::new(name.to_string(), value));
            }
            if verb == "run" {
                let which = args.first().map(|a| a.value.to_vec()).unwrap_or_default();
                return match stored_at(self.state, &which, self.depth + 1).await {
                    Ok(()) => Ok(Outcome::Value(Vec::new())),
                    Err(e) if e.line == 0 => Err(fail(e.message)),
                    Err(e) => Err(e),
                };
            }
            let cmd = Command {
                path: format!("{menu}/{verb}"),
                args,
                ..Command::default()
            };
            let result = edit::apply(&mut self.state.lock(), &menu, &verb, &cmd);
            match result {
                Ok(ret) => Ok(Outcome::Value(ret.unwrap_or_default().into_bytes())),
                Err(refusal) => Err(fail(refusal.message)),
            }
        })
    }

    /// `find` with its conditions: the ids of the matching items, `;`-separated.
    async fn find(
        &mut self,
        words: &[Word],
        menu: &str,
        line: u32,
    ) -> Result<Vec<u8>, ScriptError> {
        let mut conds = Vec::with_capacity(words.len());
        for word in words {
            match word {
                Word::Named(name, e) => {
                    let value = normalize(&self.eval(e, menu, line).await?).to_vec();
                    let (name, negated) = match name.strip_suffix('!') {
                        Some(n) => (n.to_string(), true),
                        None => (name.clone(), false),
                    };
                    let name = condition_field(name, line)?;
                    conds.push(Cond::Equals {
                        name,
                        value,
                        negated,
                    });
                }
                Word::Positional(e) => {
                    let text =
                        String::from_utf8_lossy(&self.eval(e, menu, line).await?).into_owned();
                    if text == "where" || text == "and" {
                        continue;
                    }
                    let (name, negated) = match text.strip_prefix('!') {
                        Some(n) => (n.to_string(), true),
                        None => (text, false),
                    };
                    let name = condition_field(name, line)?;
                    conds.push(Cond::Flag { name, negated });
                }
            }
        }
        let st = self.state.lock();
        let Some(t) = st.tables.get(menu) else {
            return Err(ScriptError::runtime("bad command name find", line));
        };
        let ids: Vec<&[u8]> = t
            .items
            .iter()
            .filter(|r| conds.iter().all(|c| c.matches(r)))
            .filter_map(|r| r.get(b".id"))
            .collect();
        Ok(ids.join(&b';'))
    }
}
