//! `print` helpers: fetch the fields a tool shows, count on the router with `count-only`, and
//! turn a capped listing into "showing N of M" text plus structured JSON.

use serde_json::{Value, json};

use crate::cells::Cells;
use crate::fields::{Field, proplist, row_json};
use crate::json_text;
use crate::manifest::Output;
use crate::router::{CallError, CallOptions, Cut, Reply, RouterApi, Row};
use crate::table;

/// `<menu>/print` asking only for `fields`, filtered by `queries`, keeping at most `max_rows`.
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
    router.call(&command, &[(".proplist", &props)], queries, options)
}

/// How many items of `menu` match `queries`, counted on the router (`count-only`, answered
/// as `!done =ret=<n>`).
pub fn count(router: &dyn RouterApi, menu: &str, queries: &[&str]) -> Result<u64, CallError> {
    let command = format!("{menu}/print");
    let reply = router.call(
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

/// At most `limit` rows of a menu and how many match in all.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Listing {
    pub rows: Vec<Row>,
    /// Items matching on the router (≥ `rows.len()`).
    pub total: u64,
    /// Set when the router did not finish in time.
    pub cut: Option<Cut>,
}

/// Fetch at most `limit` rows of `menu` (fields and queries as in [`print`]); when the cap is
/// reached, count the matches on the router instead of fetching them.
pub fn list(
    router: &dyn RouterApi,
    menu: &str,
    fields: &[Field],
    queries: &[&str],
    limit: u32,
) -> Result<Listing, CallError> {
    let reply = print(router, menu, fields, queries, Some(limit))?;
    let mut rows = reply.rows;
    let capped = rows.len() >= limit as usize || reply.cut == Some(Cut::RowCap);
    rows.truncate(limit as usize);
    let total = if capped {
        count(router, menu, queries)?.max(rows.len() as u64)
    } else {
        rows.len() as u64
    };
    let cut = if reply.cut == Some(Cut::Deadline) {
        Some(Cut::Deadline)
    } else {
        None
    };
    Ok(Listing { rows, total, cut })
}

impl Listing {
    /// `interfaces: 3`, `leases: showing 100 of 532`, `routes: none`, plus a note when cut
    /// short.
    pub fn summary(&self, noun: &str) -> String {
        let shown = self.rows.len() as u64;
        let mut line = if shown == 0 && self.total == 0 {
            format!("{noun}: none")
        } else if shown < self.total {
            format!("{noun}: showing {shown} of {}", self.total)
        } else {
            format!("{noun}: {shown}")
        };
        if self.cut == Some(Cut::Deadline) {
            line.push_str(" (incomplete: the router did not answer in time)");
        }
        line
    }

    /// The structured form: `{rows, shown, total}` with rows as [`row_json`] objects.
    pub fn json(&self, fields: &[Field]) -> Value {
        let rows: Vec<Value> = self.rows.iter().map(|r| row_json(r, fields)).collect();
        json!({ "rows": rows, "shown": self.rows.len(), "total": self.total })
    }

    /// [`Listing::json`] as compact JSON text, written directly (no [`Value`] is built).
    pub fn json_text(&self, fields: &[Field]) -> String {
        let mut out = String::new();
        self.push_json(&mut out, &Cells::new(fields, &self.rows));
        out
    }

    fn push_json(&self, out: &mut String, cells: &Cells<'_>) {
        out.reserve(40 + cells.rows() * cells.fields().len() * 24);
        out.push_str("{\"rows\":");
        json_text::push_rows(out, cells);
        out.push_str(",\"shown\":");
        json_text::push_int(out, self.rows.len() as i64);
        out.push_str(",\"total\":");
        json_text::push_int(out, i64::try_from(self.total).unwrap_or(i64::MAX));
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
/// `missing_menu("/interface/wifi", "wifi package not installed")`. Structured as an empty
/// listing with a `note`.
pub fn missing_menu(menu: &str, reason: &str) -> Output {
    let text = format!("This router has no {menu} menu ({reason}).");
    let mut json = String::with_capacity(text.len() + 48);
    json.push_str("{\"note\":");
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
        assert_eq!((listing.rows.len(), listing.total), (3, 3));
        assert!(r.counts().is_empty());
        assert_eq!(listing.summary("routes"), "routes: 3");
        assert_eq!(r.fetches()[0].options.max_rows, Some(10));
    }

    #[test]
    fn at_the_limit_counts_on_the_router() {
        let r = router(25);
        let listing = list(&r, "/ip/route", &[text("name")], &["x=y"], 10).unwrap();
        assert_eq!((listing.rows.len(), listing.total), (10, 25));
        assert_eq!(r.counts()[0].queries, vec!["x=y".to_string()]);
        let output = listing.to_output("routes", &[text("name")]);
        assert!(
            output
                .text
                .starts_with("routes: showing 10 of 25\nname\nr0\n")
        );
        assert_eq!(output.json().unwrap()["rows"][9], json!({"name": "r9"}));
    }

    #[test]
    fn json_text_is_the_json_value_serialised() {
        use crate::fields::{flag, number};
        let fields = [text("x"), flag("on"), number("mtu"), text("name")];
        let rows = vec![
            Row::from_pairs([("name", "a\"b"), ("on", "yes"), ("mtu", "auto")]),
            Row::from_pairs([("mtu", "-5"), ("x", "\u{1}")]),
        ];
        let listing = Listing {
            rows,
            total: 7,
            cut: None,
        };
        assert_eq!(
            listing.json_text(&fields),
            serde_json::to_string(&listing.json(&fields)).unwrap()
        );
        let empty = Listing {
            rows: vec![],
            total: 0,
            cut: None,
        };
        assert_eq!(
            empty.json_text(&fields),
            r#"{"rows":[],"shown":0,"total":0}"#
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
            serde_json::to_string(&json!({"rows": [], "shown": 0, "total": 0,
                "note": "This router has no /interface/wifi menu (wifi package not installed)."}))
            .unwrap()
        );
        let denied = CallError::Denied("not allowed".into());
        assert_eq!(
            missing_menu_or_error(denied, "/x", "y").unwrap_err(),
            "denied by the host: not allowed"
        );
    }
}
