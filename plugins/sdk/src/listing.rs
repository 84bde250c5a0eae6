//! `print` helpers: fetch the fields a tool shows, count on the router with `count-only`, and
//! turn a capped listing into "showing N of M" text plus structured JSON.
//!
//! A router that did not answer is an error here, never an empty listing (see
//! [`crate::answer`]), and a listing cut short says so: `complete: false` and a note, with no
//! invented total.

use serde_json::{Value, json};

use crate::answer::{self, Incomplete};
use crate::cells::Cells;
use crate::fields::{Field, proplist, row_json};
use crate::json_text;
use crate::manifest::Output;
use crate::router::{CallError, CallOptions, Cut, Reply, RouterApi, Row};
use crate::table;

/// `<menu>/print` asking only for `fields`, filtered by `queries`, keeping at most `max_rows`.
/// A reply the deadline cut before anything arrived is a [`CallError::Timeout`].
pub fn print(
    router: &dyn RouterApi,
    menu: &str,
    fields: &[Field],
    queries: &[&str],
    max_rows: Option<u32>,
) -> Result<Reply, CallError> {
    let command = format!("{menu}/print");
    let props = proplist(fields);
    let options = CallOptions {
        max_rows,
        ..Default::default()
    };
    answer::call(router, &command, &[(".proplist", &props)], queries, options)
}

/// How many items of `menu` match `queries`, counted on the router (`count-only`, answered
/// as `!done =ret=<n>`).
pub fn count(router: &dyn RouterApi, menu: &str, queries: &[&str]) -> Result<u64, CallError> {
    let command = format!("{menu}/print");
    let reply = answer::call(
        router,
        &command,
        &[("count-only", "")],
        queries,
        CallOptions::default(),
    )?;
    reply
        .ret()
        .and_then(|n| n.trim().parse().ok())
        .ok_or_else(|| {
            CallError::BadRequest(format!(
                "{command} with count-only returned no count (done: {:?})",
                reply.ret().unwrap_or("")
            ))
        })
}

/// At most `limit` rows of a menu, and how many match in all when that is known.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Listing {
    pub rows: Vec<Row>,
    /// Items matching on the router (≥ `rows.len()`); `None` when unknown because the reply
    /// was cut short.
    pub total: Option<u64>,
    /// Set when the reply was cut short (deadline, or a row cap the plugin did not count
    /// past): the rows are only those that arrived.
    pub incomplete: Option<Incomplete>,
}

/// Fetch at most `limit` rows of `menu` (fields and queries as in [`print`]); when the cap is
/// reached, count the matches on the router instead of fetching them. A router that sent
/// nothing before the deadline is an error; one that stopped after some rows gives an
/// incomplete listing with no total.
pub fn list(
    router: &dyn RouterApi,
    menu: &str,
    fields: &[Field],
    queries: &[&str],
    limit: u32,
) -> Result<Listing, CallError> {
    let reply = print(router, menu, fields, queries, Some(limit))?;
    let incomplete = Incomplete::of(&reply);
    let mut rows = reply.rows;
    let filled = rows.len() >= limit as usize || reply.cut == Some(Cut::RowCap);
    rows.truncate(limit as usize);
    if filled {
        let total = count(router, menu, queries)?.max(rows.len() as u64);
        return Ok(Listing::complete(rows, total));
    }
    Ok(match incomplete {
        Some(incomplete) => Listing {
            rows,
            total: None,
            incomplete: Some(incomplete),
        },
        None => {
            let total = rows.len() as u64;
            Listing::complete(rows, total)
        }
    })
}

impl Listing {
    /// A listing the router finished: `rows` of `total` matches.
    pub fn complete(rows: Vec<Row>, total: u64) -> Self {
        Listing {
            rows,
            total: Some(total),
            incomplete: None,
        }
    }

    /// `interfaces: 3`, `leases: showing 100 of 532`, `routes: none`, or
    /// `routes: 37; incomplete: the router stopped answering after 37 rows (deadline)`.
    pub fn summary(&self, noun: &str) -> String {
        let shown = self.rows.len() as u64;
        match (self.total, self.incomplete) {
            (_, Some(incomplete)) => format!("{noun}: {shown}; {}", incomplete.note()),
            (Some(0), None) if shown == 0 => format!("{noun}: none"),
            (Some(total), None) if shown < total => {
                format!("{noun}: showing {shown} of {total}")
            }
            _ => format!("{noun}: {shown}"),
        }
    }

    /// Everything of [`Listing::json`] but the rows: `complete`, `shown`, and `total` when
    /// known, or `cut` (`deadline`/`row-cap`) and `received` (rows that arrived) when not
    /// complete.
    pub fn status(&self) -> Value {
        let mut status = json!({ "complete": self.incomplete.is_none(), "shown": self.rows.len() });
        if let Some(total) = self.total {
            status["total"] = json!(total);
        }
        if let Some(incomplete) = self.incomplete {
            status["cut"] = json!(incomplete.cut_name());
            status["received"] = json!(incomplete.rows);
        }
        status
    }

    /// [`Listing::status`] as JSON members (`"complete":true,"shown":3,"total":3`), without
    /// braces, for plugins that write their JSON as text.
    pub fn push_status(&self, out: &mut String) {
        out.push_str("\"complete\":");
        out.push_str(if self.incomplete.is_none() {
            "true"
        } else {
            "false"
        });
        if let Some(incomplete) = self.incomplete {
            out.push_str(",\"cut\":");
            json_text::push_str(out, incomplete.cut_name());
            out.push_str(",\"received\":");
            json_text::push_int(out, i64::try_from(incomplete.rows).unwrap_or(i64::MAX));
        }
        out.push_str(",\"shown\":");
        json_text::push_int(out, i64::try_from(self.rows.len()).unwrap_or(i64::MAX));
        if let Some(total) = self.total {
            out.push_str(",\"total\":");
            json_text::push_int(out, i64::try_from(total).unwrap_or(i64::MAX));
        }
    }

    /// The structured form: [`Listing::status`] plus `rows` as [`row_json`] objects.
    pub fn json(&self, fields: &[Field]) -> Value {
        let rows: Vec<Value> = self.rows.iter().map(|r| row_json(r, fields)).collect();
        let mut value = self.status();
        value["rows"] = Value::Array(rows);
        value
    }

    /// [`Listing::json`] as compact JSON text, written directly (no [`Value`] is built).
    pub fn json_text(&self, fields: &[Field]) -> String {
        let mut out = String::new();
        self.push_json(&mut out, &Cells::new(fields, &self.rows));
        out
    }

    fn push_json(&self, out: &mut String, cells: &Cells<'_>) {
        out.reserve(80 + cells.rows() * cells.fields().len() * 24);
        out.push('{');
        self.push_status(out);
        out.push_str(",\"rows\":");
        json_text::push_rows(out, cells);
        out.push('}');
    }

    /// Summary line, then an aligned table of `fields`; structured as [`Listing::json`].
    pub fn to_output(&self, noun: &str, fields: &[Field]) -> Output {
        let cells = Cells::new(fields, &self.rows);
        let mut text = self.summary(noun);
        if !self.rows.is_empty() {
            text.push('\n');
            table::write_cells(&mut text, &cells);
        }
        let mut json = String::new();
        self.push_json(&mut json, &cells);
        Output::with_json_text(text, json)
    }
}

/// The friendly, non-error answer for a menu this router lacks, e.g.
/// `missing_menu("/interface/wifi", "wifi package not installed")`. Structured as an empty,
/// complete listing (the router did answer) with a `note`.
pub fn missing_menu(menu: &str, reason: &str) -> Output {
    let text = format!("This router has no {menu} menu ({reason}).");
    let mut json = String::with_capacity(text.len() + 48);
    json.push_str("{\"complete\":true,\"note\":");
    json_text::push_str(&mut json, &text);
    json.push_str(",\"rows\":[],\"shown\":0,\"total\":0}");
    Output::with_json_text(text, json)
}

/// `Ok(Some(output))` with [`missing_menu`] when `error` says the menu does not exist,
/// `Err(message)` for any other error.
pub fn missing_menu_or_error(error: CallError, menu: &str, reason: &str) -> Result<Output, String> {
    if error.is_missing_menu() {
        Ok(missing_menu(menu, reason))
    } else {
        Err(error.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fake::FakeRouter;
    use crate::fields::text;

    fn router(n: usize) -> FakeRouter {
        let rows = (0..n)
            .map(|i| Row::from_pairs([("name", format!("r{i}")), ("x", "y".to_string())]))
            .collect();
        FakeRouter::new().with_rows("/ip/route/print", rows)
    }

    #[test]
    fn under_the_limit_needs_no_count() {
        let r = router(3);
        let listing = list(&r, "/ip/route", &[text("name")], &[], 10).unwrap();
        assert_eq!((listing.rows.len(), listing.total), (3, Some(3)));
        assert!(r.counts().is_empty());
        assert_eq!(listing.summary("routes"), "routes: 3");
        assert_eq!(r.fetches()[0].options.max_rows, Some(10));
    }

    #[test]
    fn at_the_limit_counts_on_the_router() {
        let r = router(25);
        let listing = list(&r, "/ip/route", &[text("name")], &["x=y"], 10).unwrap();
        assert_eq!((listing.rows.len(), listing.total), (10, Some(25)));
        assert_eq!(r.counts()[0].queries, vec!["x=y".to_string()]);
        let output = listing.to_output("routes", &[text("name")]);
        assert!(
            output
                .text
                .starts_with("routes: showing 10 of 25\nname\nr0\n")
        );
        let json = output.json().unwrap();
        assert_eq!(json["rows"][9], json!({"name": "r9"}));
        assert_eq!(
            (&json["complete"], &json["total"]),
            (&json!(true), &json!(25))
        );
    }

    fn cut_by_deadline(rows: usize) -> Reply {
        let mut reply = Reply::rows(
            router(rows)
                .call("/ip/route/print", &[], &[], CallOptions::default())
                .unwrap()
                .rows,
        );
        reply.cut = Some(Cut::Deadline);
        reply
    }

    #[test]
    fn a_silent_router_is_an_error_not_an_empty_listing() {
        let r = FakeRouter::new().with_reply("/ip/route/print", cut_by_deadline(0));
        let err = list(&r, "/ip/route", &[text("name")], &[], 10).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("timed out: the router did not answer /ip/route/print before the tool call's deadline"),
            "{err}"
        );
        assert!(print(&r, "/ip/route", &[text("name")], &[], None).is_err());
        assert!(r.counts().is_empty());
    }

    #[test]
    fn a_silent_count_is_an_error() {
        let r = FakeRouter::new().with_reply("/ip/route/print", cut_by_deadline(0));
        let err = count(&r, "/ip/route", &[]).unwrap_err();
        assert!(matches!(err, CallError::Timeout(_)), "{err:?}");
    }

    #[test]
    fn a_partial_reply_is_incomplete_with_no_total() {
        let r = FakeRouter::new().with_reply("/ip/route/print", cut_by_deadline(37));
        let listing = list(&r, "/ip/route", &[text("name")], &[], 100).unwrap();
        assert_eq!((listing.rows.len(), listing.total), (37, None));
        assert!(r.counts().is_empty(), "no count after a deadline");
        let output = listing.to_output("routes", &[text("name")]);
        assert!(
            output.text.starts_with(
                "routes: 37; incomplete: the router stopped answering after 37 rows (deadline)\nname\nr0\n"
            ),
            "{}",
            output.text
        );
        let json = output.json().unwrap();
        assert_eq!(json["complete"], json!(false));
        assert_eq!(json["cut"], json!("deadline"));
        assert_eq!(
            (&json["shown"], &json["received"]),
            (&json!(37), &json!(37))
        );
        assert!(json.get("total").is_none(), "{json}");
    }

    #[test]
    fn a_full_reply_is_complete() {
        let r = router(4);
        let output = list(&r, "/ip/route", &[text("name")], &[], 100)
            .unwrap()
            .to_output("routes", &[text("name")]);
        assert!(output.text.starts_with("routes: 4\n"), "{}", output.text);
        let json = output.json().unwrap();
        assert_eq!(json["complete"], json!(true));
        assert_eq!(json["total"], json!(4));
        assert!(json.get("cut").is_none());
        let none = list(&router(0), "/ip/route", &[text("name")], &[], 100).unwrap();
        assert_eq!(none.summary("routes"), "routes: none");
    }

    #[test]
    fn json_text_is_the_json_value_serialised() {
        use crate::fields::{flag, number};
        let fields = [text("x"), flag("on"), number("mtu"), text("name")];
        let rows = vec![
            Row::from_pairs([("name", "a\"b"), ("on", "yes"), ("mtu", "auto")]),
            Row::from_pairs([("mtu", "-5"), ("x", "\u{1}")]),
        ];
        let parsed = |text: String| serde_json::from_str::<Value>(&text).unwrap();
        let listing = Listing::complete(rows.clone(), 7);
        assert_eq!(parsed(listing.json_text(&fields)), listing.json(&fields));
        let cut = Listing {
            rows,
            total: None,
            incomplete: Some(Incomplete {
                cut: Cut::Deadline,
                rows: 2,
            }),
        };
        assert_eq!(parsed(cut.json_text(&fields)), cut.json(&fields));
        let empty = Listing::complete(vec![], 0);
        assert_eq!(
            empty.json_text(&fields),
            r#"{"complete":true,"shown":0,"total":0,"rows":[]}"#
        );
    }

    #[test]
    fn missing_menu_is_friendly() {
        let r = FakeRouter::new();
        let err = list(&r, "/interface/wifi", &[text("name")], &[], 10).unwrap_err();
        let out =
            missing_menu_or_error(err, "/interface/wifi", "wifi package not installed").unwrap();
        assert_eq!(
            out.text,
            "This router has no /interface/wifi menu (wifi package not installed)."
        );
        assert_eq!(
            out.into_parts().1.unwrap(),
            serde_json::to_string(
                &json!({"rows": [], "shown": 0, "total": 0, "complete": true,
                "note": "This router has no /interface/wifi menu (wifi package not installed)."})
            )
            .unwrap()
        );
        let denied = CallError::Denied("not allowed".into());
        assert_eq!(
            missing_menu_or_error(denied, "/x", "y").unwrap_err(),
            "denied by the host: not allowed"
        );
    }
}
