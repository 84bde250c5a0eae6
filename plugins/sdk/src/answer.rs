//! Whether the router answered: a reply the deadline cut before anything arrived is an error,
//! never an empty answer, and a reply cut with rows is [`Incomplete`], saying so.
//!
//! Every SDK helper that runs a command ([`crate::print`], [`crate::count`], [`crate::list`],
//! [`crate::Request::send`]) goes through [`call`], so no tool can mistake a silent router
//! for an empty table.

use std::time::{Duration, Instant};

use crate::router::{CallError, CallOptions, Cut, Reply, RouterApi};

/// Run `command` like [`RouterApi::call`], but fail with [`CallError::Timeout`] when the
/// deadline cut the reply before the router sent anything (no row, no `!empty`, no `!done`).
///
/// The message says how long the router had: the call's `timeout_ms` when that much time
/// passed, else the tool call's deadline (the host caps `timeout_ms` by it, and the contract
/// does not tell the plugin what it is), with the time measured.
pub fn call(
    router: &dyn RouterApi,
    command: &str,
    args: &[(&str, &str)],
    queries: &[&str],
    options: CallOptions,
) -> Result<Reply, CallError> {
    let started = Instant::now();
    let reply = router.call(command, args, queries, options)?;
    if is_silent(&reply) {
        return Err(no_answer(command, options.timeout_ms, started.elapsed()));
    }
    Ok(reply)
}

/// The deadline cut the reply before the router sent a row, `!empty` or `!done`.
pub fn is_silent(reply: &Reply) -> bool {
    reply.cut == Some(Cut::Deadline)
        && reply.rows.is_empty()
        && !reply.empty
        && reply.done.is_empty()
}

/// The error for a silent router.
fn no_answer(command: &str, timeout_ms: Option<u32>, waited: Duration) -> CallError {
    let timeout = timeout_ms.map(|ms| Duration::from_millis(ms.into()));
    let limit = match timeout {
        Some(timeout) if waited >= timeout => format!("within {}", seconds(timeout)),
        _ => format!(
            "before the tool call's deadline (waited {})",
            seconds(waited)
        ),
    };
    CallError::Timeout(format!("the router did not answer {command} {limit}"))
}

/// `5 s`, `1.5 s`, `0.25 s`.
fn seconds(d: Duration) -> String {
    let text = format!("{:.2}", d.as_secs_f64());
    let text = text.trim_end_matches('0').trim_end_matches('.');
    format!("{text} s")
}

/// A reply cut short after some rows: by the deadline or by the row cap.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Incomplete {
    pub cut: Cut,
    /// Rows that arrived before the cut.
    pub rows: usize,
}

impl Incomplete {
    /// `Some` when `reply` was cut (by the deadline or the row cap).
    pub fn of(reply: &Reply) -> Option<Incomplete> {
        reply.cut.map(|cut| Incomplete {
            cut,
            rows: reply.rows.len(),
        })
    }

    /// `incomplete: the router stopped answering after 37 rows (deadline)`.
    pub fn note(&self) -> String {
        let rows = match self.rows {
            1 => "1 row".to_string(),
            n => format!("{n} rows"),
        };
        match self.cut {
            Cut::Deadline => {
                format!("incomplete: the router stopped answering after {rows} (deadline)")
            }
            Cut::RowCap => format!("incomplete: the reply was cut after {rows} (row cap)"),
        }
    }

    /// The cut's name in structured output: `deadline` or `row-cap`.
    pub fn cut_name(&self) -> &'static str {
        match self.cut {
            Cut::Deadline => "deadline",
            Cut::RowCap => "row-cap",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fake::FakeRouter;
    use crate::router::Row;

    fn cut_reply(rows: usize) -> Reply {
        Reply {
            rows: (0..rows)
                .map(|i| Row::from_pairs([("name", format!("r{i}"))]))
                .collect(),
            cut: Some(Cut::Deadline),
            ..Default::default()
        }
    }

    /// A router that stays silent until the call's timeout, like the host at its deadline.
    struct Silent;

    impl RouterApi for Silent {
        fn call(
            &self,
            _command: &str,
            _args: &[(&str, &str)],
            _queries: &[&str],
            options: CallOptions,
        ) -> Result<Reply, CallError> {
            let ms = options.timeout_ms.unwrap_or(0);
            std::thread::sleep(Duration::from_millis(ms.into()));
            Ok(cut_reply(0))
        }
    }

    #[test]
    fn a_silent_router_is_a_timeout_naming_the_calls_timeout() {
        let options = CallOptions {
            timeout_ms: Some(20),
            ..Default::default()
        };
        let err = call(&Silent, "/ip/route/print", &[], &[], options).unwrap_err();
        assert_eq!(
            err.to_string(),
            "timed out: the router did not answer /ip/route/print within 0.02 s"
        );
    }

    #[test]
    fn a_cut_before_the_timeout_names_the_tool_calls_deadline() {
        // The host cut the call before its 5 s timeout: the tool call's deadline came first.
        let r = FakeRouter::new().with_reply("/ip/route/print", cut_reply(0));
        let options = CallOptions {
            timeout_ms: Some(5000),
            ..Default::default()
        };
        for options in [options, CallOptions::default()] {
            let err = call(&r, "/ip/route/print", &[], &[], options).unwrap_err();
            let text = err.to_string();
            assert!(
                text.starts_with(
                    "timed out: the router did not answer /ip/route/print before the tool \
                     call's deadline (waited 0"
                ),
                "{text}"
            );
        }
    }

    #[test]
    fn rows_empty_or_done_before_the_cut_are_an_answer() {
        let mut empty = cut_reply(0);
        empty.empty = true;
        let mut done = cut_reply(0);
        done.done = Row::from_pairs([("ret", "0")]);
        for reply in [cut_reply(2), empty, done, Reply::default()] {
            assert!(!is_silent(&reply), "{reply:?}");
            let r = FakeRouter::new().with_reply("/x/print", reply.clone());
            assert_eq!(
                call(&r, "/x/print", &[], &[], CallOptions::default()),
                Ok(reply)
            );
        }
    }

    #[test]
    fn incomplete_notes_name_the_rows_and_the_cut() {
        assert_eq!(Incomplete::of(&Reply::default()), None);
        let partial = Incomplete::of(&cut_reply(37)).unwrap();
        assert_eq!(
            partial.note(),
            "incomplete: the router stopped answering after 37 rows (deadline)"
        );
        assert_eq!(partial.cut_name(), "deadline");
        let capped = Incomplete {
            cut: Cut::RowCap,
            rows: 1,
        };
        assert_eq!(
            capped.note(),
            "incomplete: the reply was cut after 1 row (row cap)"
        );
    }

    #[test]
    fn seconds_are_short() {
        assert_eq!(seconds(Duration::from_millis(5000)), "5 s");
        assert_eq!(seconds(Duration::from_millis(1500)), "1.5 s");
        assert_eq!(seconds(Duration::from_millis(250)), "0.25 s");
        assert_eq!(seconds(Duration::ZERO), "0 s");
    }
}
