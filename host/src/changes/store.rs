//! The audit database: every plan, decision, write (before it is sent and after), read-back,
//! safety-net step, revert, confirmation and rollback, in embedded SQLite
//! (`<state dir>/audit.sqlite3`, WAL). Several server processes may share it: a plan is
//! claimed for applying by one atomic update, so it is single-use across processes. Nothing
//! stored here holds a secret value. A record that must exist before its write is sent is
//! returned as a `Result` ([`AuditStore::record`]); one written after the fact that cannot be
//! stored is logged as lost ([`AuditStore::note`]).
//!
//! Calls are synchronous and short (one small transaction on a local file); the busy timeout
//! covers another process holding the write lock.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

/// File name of the database inside the state directory.
pub const FILE: &str = "audit.sqlite3";

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS plans (
    id TEXT PRIMARY KEY,
    created_ms INTEGER NOT NULL,
    expires_ms INTEGER NOT NULL,
    router TEXT NOT NULL,
    tool TEXT NOT NULL,
    steps TEXT NOT NULL,
    state TEXT NOT NULL,
    decided_by TEXT,
    decided_ms INTEGER,
    outcome TEXT,
    net_until_ms INTEGER,
    rolls_back TEXT
);
CREATE TABLE IF NOT EXISTS events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    at_ms INTEGER NOT NULL,
    plan_id TEXT,
    router TEXT NOT NULL,
    kind TEXT NOT NULL,
    detail TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS events_at ON events (at_ms);
";

/// The columns [`plan_row`] reads, in its order.
const PLAN_COLUMNS: &str = "id, created_ms, expires_ms, router, tool, steps, state, decided_by, outcome, net_until_ms, rolls_back";

/// Run `UPDATE plans SET <set_where> AND state IN (<from>)` with `values` bound first and the
/// states after them; how many rows changed (0 or 1).
fn update_in_states(
    conn: &Connection,
    set_where: &str,
    values: &[&dyn rusqlite::ToSql],
    from: &[&str],
) -> rusqlite::Result<usize> {
    let placeholders = vec!["?"; from.len()].join(", ");
    let sql = format!("UPDATE plans SET {set_where} AND state IN ({placeholders})");
    let mut all: Vec<&dyn rusqlite::ToSql> = values.to_vec();
    all.extend(from.iter().map(|s| s as &dyn rusqlite::ToSql));
    conn.execute(&sql, all.as_slice())
}

/// Milliseconds since the Unix epoch, now.
pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

/// A plan as stored (its steps as redacted JSON).
#[derive(Clone, Debug, Serialize)]
pub struct PlanRow {
    pub id: String,
    pub created_ms: i64,
    pub expires_ms: i64,
    pub router: String,
    pub tool: String,
    pub steps: String,
    /// Before a decision: `pending`, `approved`, `declined`, `cancelled`; while sending
    /// `applying`; then `failed` or `refused` (the router is as before), `applied` (no safety
    /// net), `kept`, `awaiting-confirmation`, `cut-off` (the router reverts it),
    /// `confirmed`, `reverted-by-router`, `rolled-back`.
    pub state: String,
    pub decided_by: Option<String>,
    /// After applying: the ids the router gave (`ids`, `rets`) and the items as read back.
    pub outcome: Option<String>,
    /// When the router's safety net fires, while it is armed.
    pub net_until_ms: Option<i64>,
    /// The change this plan rolls back, if it is a rollback.
    pub rolls_back: Option<String>,
}

/// One audit record.
#[derive(Clone, Debug, Serialize)]
pub struct Event {
    pub seq: i64,
    pub at_ms: i64,
    pub plan_id: Option<String>,
    pub router: String,
    /// `planned`, `approved`, `accepted`, `declined`, `cancelled`, `drift`, `net-armed`,
    /// `sending`, `sent`, `refused`, `reverting`, `reverted`, `revert-failed`, `net-removed`,
    /// `login-check`, `read-back`, `kept`, `awaiting-confirmation`, `confirmed`,
    /// `reverted-by-router`, `rolled-back`.
    pub kind: String,
    pub detail: String,
}

/// The open audit database.
pub struct AuditStore {
    path: PathBuf,
    conn: Mutex<Connection>,
}

impl AuditStore {
    /// Open (creating) the database in `dir`, and drop records older than `retention`.
    pub fn open(dir: &Path, retention: Duration) -> Result<Self, String> {
        std::fs::create_dir_all(dir).map_err(|e| {
            format!(
                "cannot create the state directory {} (--state-dir / MCP_MIKROTIK_STATE_DIR): {e}",
                dir.display()
            )
        })?;
        let path = dir.join(FILE);
        let fail =
            |e: rusqlite::Error| format!("cannot open the audit database {}: {e}", path.display());
        let conn = Connection::open(&path).map_err(fail)?;
        conn.busy_timeout(Duration::from_secs(10)).map_err(fail)?;
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(fail)?;
        conn.pragma_update(None, "synchronous", "FULL")
            .map_err(fail)?;
        conn.execute_batch(SCHEMA).map_err(fail)?;
        // Databases from before the safety net lack its columns.
        for column in ["outcome TEXT", "net_until_ms INTEGER", "rolls_back TEXT"] {
            match conn.execute(&format!("ALTER TABLE plans ADD COLUMN {column}"), []) {
                Ok(_) => {}
                Err(e) if e.to_string().contains("duplicate column") => {}
                Err(e) => return Err(fail(e)),
            }
        }
        let cutoff = now_ms() - retention.as_millis().min(i64::MAX as u128) as i64;
        conn.execute("DELETE FROM events WHERE at_ms < ?1", params![cutoff])
            .map_err(fail)?;
        conn.execute("DELETE FROM plans WHERE created_ms < ?1", params![cutoff])
            .map_err(fail)?;
        Ok(Self {
            path,
            conn: Mutex::new(conn),
        })
    }

    /// Where the database lives.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn conn(&self) -> MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn error(&self, what: &str, e: rusqlite::Error) -> String {
        format!("audit database {}: cannot {what}: {e}", self.path.display())
    }

    /// Append an audit record. An error means the record is not stored: a write must then not
    /// be sent.
    pub fn record(
        &self,
        plan_id: Option<&str>,
        router: &str,
        kind: &str,
        detail: &str,
    ) -> Result<(), String> {
        self.conn()
            .execute(
                "INSERT INTO events (at_ms, plan_id, router, kind, detail) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![now_ms(), plan_id, router, kind, detail],
            )
            .map(drop)
            .map_err(|e| self.error("record an event", e))
    }

    /// [`Self::record`], for a record nothing waits on (what it describes has happened): if
    /// it cannot be stored, that is logged rather than returned.
    pub fn note(&self, plan_id: Option<&str>, router: &str, kind: &str, detail: &str) {
        if let Err(e) = self.record(plan_id, router, kind, detail) {
            tracing::error!(plan = plan_id, kind, detail, "audit record lost: {e}");
        }
    }

    /// Store a new pending plan (and its `planned` record) in one transaction.
    pub fn insert_plan(&self, plan: &PlanRow, detail: &str) -> Result<(), String> {
        let mut conn = self.conn();
        let tx = conn
            .transaction()
            .map_err(|e| self.error("store the plan", e))?;
        tx.execute(
            "INSERT INTO plans (id, created_ms, expires_ms, router, tool, steps, state, rolls_back) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![plan.id, plan.created_ms, plan.expires_ms, plan.router, plan.tool, plan.steps, plan.state, plan.rolls_back],
        )
        .map_err(|e| self.error("store the plan", e))?;
        tx.execute(
            "INSERT INTO events (at_ms, plan_id, router, kind, detail) VALUES (?1, ?2, ?3, 'planned', ?4)",
            params![plan.created_ms, plan.id, plan.router, detail],
        )
        .map_err(|e| self.error("store the plan", e))?;
        tx.commit().map_err(|e| self.error("store the plan", e))
    }

    /// Move a plan from one of `from` states to `to`, atomically, if it has not expired;
    /// the stored plan when it moved, else why not.
    pub fn transition(
        &self,
        id: &str,
        from: &[&str],
        to: &str,
        by: &str,
    ) -> Result<PlanRow, String> {
        let now = now_ms();
        let conn = self.conn();
        let moved = update_in_states(
            &conn,
            "state = ?1, decided_by = ?2, decided_ms = ?3 WHERE id = ?4 AND expires_ms > ?3",
            &[&to, &by, &now, &id],
            from,
        )
        .map_err(|e| self.error("update the plan", e))?;
        let row = Self::load(&conn, id).map_err(|e| self.error("read the plan", e))?;
        match row {
            Some(row) if moved == 1 => Ok(row),
            Some(row) if row.expires_ms <= now && from.contains(&row.state.as_str()) => {
                Err(format!(
                    "plan {id} expired at {}; make a new plan",
                    format_ms(row.expires_ms)
                ))
            }
            Some(row) => Err(format!(
                "plan {id} is {}{}; a plan is used once",
                row.state,
                row.decided_by
                    .as_deref()
                    .map(|by| format!(" (by {by})"))
                    .unwrap_or_default()
            )),
            None => Err(format!("there is no plan {id}")),
        }
    }

    /// Set a plan's final state (what it describes has happened: a failure is logged).
    pub fn finish(&self, id: &str, state: &str) {
        let stored = self.conn().execute(
            "UPDATE plans SET state = ?1 WHERE id = ?2",
            params![state, id],
        );
        self.log_lost_state(id, state, stored);
    }

    /// Record how an apply ended: the final state, the outcome and when the net fires (a
    /// failure is logged).
    pub fn settle(&self, id: &str, state: &str, outcome: &str, net_until_ms: Option<i64>) {
        let stored = self.conn().execute(
            "UPDATE plans SET state = ?1, outcome = ?2, net_until_ms = ?3 WHERE id = ?4",
            params![state, outcome, net_until_ms, id],
        );
        self.log_lost_state(id, state, stored);
    }

    fn log_lost_state(&self, id: &str, state: &str, stored: rusqlite::Result<usize>) {
        if let Err(e) = stored {
            let e = self.error("update the change", e);
            tracing::error!(plan = id, state, "change state not stored: {e}");
        }
    }

    /// Move an applied change from one of `from` states to `to`, atomically (no expiry: plans
    /// expire, changes do not); the stored row when it moved, else why not.
    pub fn move_change(&self, id: &str, from: &[&str], to: &str) -> Result<PlanRow, String> {
        let conn = self.conn();
        let moved = update_in_states(&conn, "state = ?1 WHERE id = ?2", &[&to, &id], from)
            .map_err(|e| self.error("update the change", e))?;
        match Self::load(&conn, id).map_err(|e| self.error("read the change", e))? {
            Some(row) if moved == 1 => Ok(row),
            Some(row) => Err(format!(
                "change {id} is {}, not {}",
                row.state,
                from.join(" or ")
            )),
            None => Err(format!("there is no change {id}")),
        }
    }

    fn load(conn: &Connection, id: &str) -> rusqlite::Result<Option<PlanRow>> {
        conn.query_row(
            &format!("SELECT {PLAN_COLUMNS} FROM plans WHERE id = ?1"),
            params![id],
            plan_row,
        )
        .optional()
    }

    /// One plan.
    pub fn plan(&self, id: &str) -> Result<Option<PlanRow>, String> {
        Self::load(&self.conn(), id).map_err(|e| self.error("read the plan", e))
    }

    /// The newest plans first.
    pub fn plans(&self, limit: usize) -> Result<Vec<PlanRow>, String> {
        let conn = self.conn();
        let mut stmt = conn
            .prepare(&format!(
                "SELECT {PLAN_COLUMNS} FROM plans ORDER BY created_ms DESC LIMIT ?1"
            ))
            .map_err(|e| self.error("list plans", e))?;
        stmt.query_map(params![limit as i64], plan_row)
            .and_then(Iterator::collect)
            .map_err(|e| self.error("list plans", e))
    }

    /// Audit records from `since_ms` on, oldest first.
    pub fn events(&self, since_ms: i64) -> Result<Vec<Event>, String> {
        let conn = self.conn();
        let mut stmt = conn
            .prepare(
                "SELECT seq, at_ms, plan_id, router, kind, detail FROM events WHERE at_ms >= ?1 ORDER BY seq",
            )
            .map_err(|e| self.error("read the audit", e))?;
        stmt.query_map(params![since_ms], |r| {
            Ok(Event {
                seq: r.get(0)?,
                at_ms: r.get(1)?,
                plan_id: r.get(2)?,
                router: r.get(3)?,
                kind: r.get(4)?,
                detail: r.get(5)?,
            })
        })
        .and_then(Iterator::collect)
        .map_err(|e| self.error("read the audit", e))
    }
}

fn plan_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<PlanRow> {
    Ok(PlanRow {
        id: r.get(0)?,
        created_ms: r.get(1)?,
        expires_ms: r.get(2)?,
        router: r.get(3)?,
        tool: r.get(4)?,
        steps: r.get(5)?,
        state: r.get(6)?,
        decided_by: r.get(7)?,
        outcome: r.get(8)?,
        net_until_ms: r.get(9)?,
        rolls_back: r.get(10)?,
    })
}

/// `2026-12-03T18:20:00Z`.
pub fn format_ms(ms: i64) -> String {
    let time = UNIX_EPOCH + Duration::from_millis(ms.max(0) as u64);
    humantime::format_rfc3339_seconds(time).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(id: &str, expires_in: i64) -> PlanRow {
        PlanRow {
            id: id.into(),
            created_ms: now_ms(),
            expires_ms: now_ms() + expires_in,
            router: "r1".into(),
            tool: "t".into(),
            steps: "[]".into(),
            state: "pending".into(),
            decided_by: None,
            outcome: None,
            net_until_ms: None,
            rolls_back: None,
        }
    }

    #[test]
    fn a_plan_is_claimed_once_even_by_two_processes() {
        let dir = std::env::temp_dir().join(format!("mcp-mikrotik-store-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let week = Duration::from_secs(7 * 86_400);
        let a = AuditStore::open(&dir, week).unwrap();
        let b = AuditStore::open(&dir, week).unwrap();
        a.insert_plan(&plan("p1", 60_000), "{}").unwrap();
        a.insert_plan(&plan("p2", -1), "{}").unwrap();
        assert!(b.transition("p1", &["pending"], "applying", "x").is_ok());
        let again = a
            .transition("p1", &["pending"], "applying", "y")
            .unwrap_err();
        assert!(again.contains("is applying (by x)"), "{again}");
        let expired = a
            .transition("p2", &["pending"], "applying", "y")
            .unwrap_err();
        assert!(expired.contains("expired"), "{expired}");
        let unknown = a
            .transition("p3", &["pending"], "applying", "y")
            .unwrap_err();
        assert!(unknown.contains("no plan p3"), "{unknown}");
        b.record(Some("p1"), "r1", "sending", "{}").unwrap();
        let kinds: Vec<String> = a.events(0).unwrap().into_iter().map(|e| e.kind).collect();
        assert_eq!(kinds, ["planned", "planned", "sending"]);
        assert_eq!(a.plans(10).unwrap().len(), 2);
        drop((a, b));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
