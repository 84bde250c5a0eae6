//! `print` / `getall`: snapshot a menu's stored rows, then stream them and any generated rows
//! through the query and `.proplist` filters, encoding each row straight into the batch.
//! Generated rows are made one at a time (memory stays flat however many there are); without
//! a query they are written onto the wire as they are made, with no row in between.

use super::dispatch::{CATEGORY_ARGUMENT, Ctx};
use super::query::{Proplist, Query};
use super::reply::{Closed, ReplySink, RowEncoder};
use super::row::FlatRow;
use super::table::Generated;
use crate::sentence::Command;

/// Print arguments RouterOS accepts that do not change what the sim answers.
const IGNORED: &[&str] = &[
    "detail",
    "without-paging",
    "terse",
    "brief",
    "stats",
    "stats-detail",
    "as-value",
    "where",
    "value-list",
    "show-ids",
    "file",
    "append",
    "from",
    "interval",
    "all",
    "active",
];

/// Argument names of a print that the sim does not know.
fn unknown_arg(cmd: &Command) -> Option<String> {
    cmd.args
        .iter()
        .map(|a| a.name())
        .find(|n| n != ".proplist" && n != "count-only" && !IGNORED.contains(&n.as_ref()))
        .map(|n| n.into_owned())
}

/// The `.proplist` value, whether sent as `=.proplist=` or `.proplist=`.
fn proplist_value(cmd: &Command) -> Option<&[u8]> {
    cmd.arg(".proplist")
        .or_else(|| crate::sentence::get(&cmd.api_attrs, ".proplist"))
        .map(|b| &b[..])
}

/// What a print works on, taken under the state lock.
struct Snapshot {
    rows: Vec<FlatRow>,
    generated: Option<Generated>,
}

fn snapshot(ctx: &Ctx, menu: &str) -> Option<Snapshot> {
    let st = ctx.state.lock();
    let elapsed = st.started.elapsed().as_secs_f64();
    let t = st.tables.get(menu)?;
    let mut rows = t.items.clone();
    if let Some(live) = t.live {
        for r in rows.iter_mut() {
            live(r, elapsed);
        }
    }
    Some(Snapshot {
        rows,
        generated: t.generated.clone(),
    })
}

/// Run a print.
pub async fn print(
    ctx: &Ctx,
    menu: &str,
    cmd: &Command,
    sink: &mut ReplySink,
) -> Result<(), Closed> {
    if let Some(name) = unknown_arg(cmd) {
        return sink
            .trap(
                Some(CATEGORY_ARGUMENT),
                &format!("unknown parameter {name}"),
            )
            .await;
    }
    let query = match Query::compile(&cmd.queries) {
        Ok(q) => q,
        Err(e) => return sink.trap(Some(CATEGORY_ARGUMENT), &e.to_string()).await,
    };
    let proplist = Proplist::parse(proplist_value(cmd));
    let count_only = cmd.arg("count-only").is_some();
    let Some(snap) = snapshot(ctx, menu) else {
        return sink
            .trap(Some(0), "no such command or directory (print)")
            .await;
    };
    let mut stack = Vec::with_capacity(8);
    let mut matched: u64 = 0;
    for row in &snap.rows {
        if query.matches(row, &mut stack) {
            matched += 1;
            if !count_only {
                sink.row(row, &proplist).await?;
            }
        }
    }
    match &snap.generated {
        Some(g) if query.is_empty() && count_only => matched += g.count,
        Some(g) if query.is_empty() => {
            let mut encoder = RowEncoder::new(proplist);
            for i in 0..g.count {
                sink.row_built(&mut encoder, |out| (g.build)(i, out))
                    .await?;
            }
            matched += g.count;
        }
        Some(g) => {
            let mut row = FlatRow::new();
            for i in 0..g.count {
                row.clear();
                (g.build)(i, &mut row);
                if query.matches(&row, &mut stack) {
                    matched += 1;
                    if !count_only {
                        sink.row(&row, &proplist).await?;
                    }
                }
            }
        }
        None => {}
    }
    if count_only {
        return sink.done(Some(matched.to_string().as_bytes())).await;
    }
    if matched == 0 && ctx.send_empty {
        sink.empty().await?;
    }
    sink.done(None).await
}
