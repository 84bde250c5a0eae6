//! `/system/scheduler`: checks of written entries, when each entry runs, and the background
//! task of the sim that runs them by the router's clock.
//!
//! An enabled entry runs its `on-event` (the name of a `/system/script`, or script source)
//! every `interval`, the first time one interval after it was added or enabled (or its timing
//! changed). An entry whose `start-date`/`start-time` lie in the future runs first at that
//! moment, then every interval; with interval 0 it runs once then. Otherwise an interval-0
//! entry (and a `startup` one, since the sim never reboots) does not run on its own.
//! `run-count` counts runs; `next-run` shows the next one (absent when there is none).
//! Runs go on whatever happens to the API, and end when the sim shuts down.

use super::duration;
use super::edit::{Refusal, refuse};
use super::row::FlatRow;
use super::script;
use super::state::log;
use super::state::system::{civil, unix_now};
use super::state::{SharedState, State};
use super::table::{Table, parse_id};
use std::collections::BTreeMap;
use std::time::{Duration, Instant};
use tokio::task::JoinSet;

/// How often the task looks for entries that are due.
const TICK: Duration = Duration::from_millis(100);
const MENU: &str = "/system/scheduler";

/// When one entry runs next; `key` is the timing it was computed from.
#[derive(Clone, Debug, Default)]
struct Timer {
    key: String,
    due: Option<Instant>,
}

/// The timers of all entries, by item id.
#[derive(Clone, Debug, Default)]
pub struct Timers(BTreeMap<u64, Timer>);

/// `HH:MM:SS` (hours may have one digit) as seconds of the day.
fn time_of_day(text: &str) -> Option<u64> {
    let parts: Vec<&str> = text.split(':').collect();
    let [h, m, s] = parts.as_slice() else {
        return None;
    };
    let num = |p: &str, max: u64| {
        (!p.is_empty() && p.len() <= 2 && p.bytes().all(|b| b.is_ascii_digit()))
            .then(|| p.parse::<u64>().ok())
            .flatten()
            .filter(|v| *v <= max)
    };
    Some(num(h, 23)? * 3600 + num(m, 59)? * 60 + num(s, 59)?)
}

/// `YYYY-MM-DD` as days since the Unix epoch.
fn date_days(text: &str) -> Option<i64> {
    let parts: Vec<&str> = text.split('-').collect();
    let [y, m, d] = parts.as_slice() else {
        return None;
    };
    let (y, m, d): (i64, i64, i64) = (y.parse().ok()?, m.parse().ok()?, d.parse().ok()?);
    if !(1970..=9999).contains(&y) || !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    // Days from civil date (Howard Hinnant's algorithm).
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some(era * 146_097 + doe - 719_468)
}

/// The entry's explicit start as Unix seconds (`None` for `startup` or no start).
fn start_unix(row: &FlatRow) -> Option<u64> {
    let days = date_days(&row.get_str("start-date")?)?;
    let secs = time_of_day(&row.get_str("start-time")?)?;
    u64::try_from(days)
        .ok()?
        .checked_mul(86_400)?
        .checked_add(secs)
}

fn interval_of(row: &FlatRow) -> Duration {
    row.get_str("interval")
        .and_then(|i| duration::parse(&i))
        .unwrap_or_default()
}

/// Check and complete an entry about to be stored: a name, a valid interval (printed the
/// RouterOS way), a start time of `startup` or `HH:MM:SS`, a `YYYY-MM-DD` start date; new
/// entries start now unless told otherwise.
pub fn check(t: &Table, row: &mut FlatRow, added: bool) -> Result<(), Refusal> {
    let bad = |what: &str| refuse(Some(1), format!("invalid value for argument {what}"));
    if row.get(b"name").is_none_or(|n| n.is_empty()) {
        row.set(b"name", t.free_name("schedule").as_bytes());
    }
    let interval = row.get_str("interval").unwrap_or_default();
    let interval = duration::parse(&interval).ok_or_else(|| bad("interval"))?;
    row.set(b"interval", duration::format(interval).as_bytes());
    let (today, now) = civil(unix_now());
    let time = row.get_str("start-time").unwrap_or_default();
    match time.as_str() {
        "" if added => row.set(b"start-time", now.as_bytes()),
        "startup" => {}
        t => {
            let secs = time_of_day(t).ok_or_else(|| bad("start-time"))?;
            let hms = format!("{:02}:{:02}:{:02}", secs / 3600, secs / 60 % 60, secs % 60);
            row.set(b"start-time", hms.as_bytes());
        }
    }
    let date = row.get_str("start-date").unwrap_or_default();
    if date.is_empty() && added {
        row.set(b"start-date", today.as_bytes());
    } else if !date.is_empty() && date_days(&date).is_none() {
        return Err(bad("start-date"));
    }
    Ok(())
}

/// What a timer depends on.
fn timing_key(row: &FlatRow) -> String {
    ["disabled", "interval", "start-date", "start-time"]
        .map(|f| row.get_str(f).unwrap_or_default())
        .join("|")
}

/// When a newly (re)timed entry runs first.
fn first_due(row: &FlatRow, now: Instant, wall: u64) -> Option<Instant> {
    if row.get(b"disabled") == Some(b"true") {
        return None;
    }
    if let Some(start) = start_unix(row).filter(|s| *s > wall) {
        return now.checked_add(Duration::from_secs(start - wall));
    }
    let interval = interval_of(row);
    (!interval.is_zero())
        .then(|| now.checked_add(interval))
        .flatten()
}

/// Show `due` as the entry's `next-run` (or no `next-run`).
fn show_next_run(row: &mut FlatRow, due: Option<Instant>, now: Instant, wall: u64) {
    match due {
        Some(due) => {
            let secs = wall.saturating_add(due.saturating_duration_since(now).as_secs());
            let (date, time) = civil(secs);
            row.set(b"next-run", format!("{date} {time}").as_bytes());
        }
        None => row.remove(b"next-run"),
    }
}

/// Bring the timers in line with the entries: new, re-timed, enabled or disabled entries get
/// a fresh timer; removed ones lose theirs.
pub fn arm(st: &mut State) {
    arm_at(st, Instant::now(), unix_now());
}

fn arm_at(st: &mut State, now: Instant, wall: u64) {
    let Some(t) = st.tables.get_mut(MENU) else {
        st.timers.0.clear();
        return;
    };
    let mut ids = Vec::with_capacity(t.items.len());
    for row in &mut t.items {
        let Some(id) = row.get(b".id").and_then(parse_id) else {
            continue;
        };
        ids.push(id);
        let key = timing_key(row);
        let timer = st.timers.0.entry(id).or_default();
        if timer.key != key {
            timer.due = first_due(row, now, wall);
            timer.key = key;
            show_next_run(row, timer.due, now, wall);
        }
    }
    st.timers.0.retain(|id, _| ids.contains(id));
}

/// One run to make: the entry's name and its `on-event`.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Job {
    name: String,
    on_event: Vec<u8>,
}

/// The entries due at `now`: counted, given their next time, and returned as jobs.
fn take_due(st: &mut State, now: Instant, wall: u64) -> Vec<Job> {
    arm_at(st, now, wall);
    let mut jobs = Vec::new();
    let Some(t) = st.tables.get_mut(MENU) else {
        return jobs;
    };
    for row in &mut t.items {
        let Some(timer) = row
            .get(b".id")
            .and_then(parse_id)
            .and_then(|id| st.timers.0.get_mut(&id))
        else {
            continue;
        };
        let Some(due) = timer.due.filter(|d| *d <= now) else {
            continue;
        };
        let interval = interval_of(row);
        // Every interval from the last due time; after a long stall, one interval from now.
        timer.due = match due.checked_add(interval) {
            _ if interval.is_zero() => None,
            Some(next) if next > now => Some(next),
            _ => now.checked_add(interval),
        };
        let runs: u64 = row
            .get_str("run-count")
            .and_then(|c| c.parse().ok())
            .unwrap_or(0);
        row.set(b"run-count", (runs + 1).to_string().as_bytes());
        show_next_run(row, timer.due, now, wall);
        jobs.push(Job {
            name: row.get_str("name").unwrap_or_default(),
            on_event: row.get(b"on-event").unwrap_or_default().to_vec(),
        });
    }
    jobs
}

/// Run one job: the script it names, or its text as a script; failures are logged.
async fn run_job(state: SharedState, job: Job) {
    let named = {
        let st = state.lock();
        let name = job.on_event.trim_ascii();
        st.tables
            .get("/system/script")
            .is_some_and(|t| t.items.iter().any(|r| r.get(b"name") == Some(name)))
            .then(|| name.to_vec())
    };
    let result = match named {
        Some(name) => script::run_stored(&state, &name).await,
        None => script::run_source(&state, &job.on_event).await,
    };
    if let Err(e) = result {
        let msg = format!(
            "executing script from scheduler ({}) failed, please check it manually: {e}",
            job.name
        );
        log::append(&mut state.lock(), "script,error", msg.as_bytes());
    }
}

/// The sim's scheduler: runs due entries until aborted (its runs end with it).
pub async fn run(state: SharedState) {
    let mut runs = JoinSet::new();
    let mut tick = tokio::time::interval(TICK);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = tick.tick() => {
                let jobs = take_due(&mut state.lock(), Instant::now(), unix_now());
                for job in jobs {
                    runs.spawn(run_job(state.clone(), job));
                }
            }
            Some(_) = runs.join_next(), if !runs.is_empty() => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::SimConfig;

    fn entry(pairs: &[(&str, &str)]) -> FlatRow {
        let t = State::seed(&SimConfig::default()).tables[MENU].clone();
        let mut row = FlatRow::new();
        for (n, d) in t.defaults {
            let v = pairs.iter().find(|(k, _)| k == n).map_or(*d, |(_, v)| *v);
            row.push(n.as_bytes(), v.as_bytes());
        }
        check(&t, &mut row, true).unwrap();
        row
    }

    #[test]
    fn written_values_are_checked_and_completed() {
        let row = entry(&[("interval", "00:01:30")]);
        assert_eq!(row.get_str("interval").unwrap(), "1m30s");
        assert_eq!(row.get_str("name").unwrap(), "schedule1");
        assert_eq!(row.get_str("start-date").unwrap().len(), 10);
        assert_eq!(row.get_str("start-time").unwrap().len(), 8);
        let row = entry(&[("interval", "2d00:00:00"), ("start-time", "7:05:00")]);
        assert_eq!(row.get_str("interval").unwrap(), "2d");
        assert_eq!(row.get_str("start-time").unwrap(), "07:05:00");
        let t = Table::default();
        for (field, value) in [
            ("interval", "soon"),
            ("start-time", "25:00:00"),
            ("start-date", "2025-13-01"),
        ] {
            let mut row = FlatRow::from_pairs(&[("interval", "1s")]);
            row.set(field.as_bytes(), value.as_bytes());
            let err = check(&t, &mut row, true).unwrap_err();
            assert!(err.message.ends_with(field), "{err:?}");
        }
    }

    #[test]
    fn dates() {
        assert_eq!(date_days("1970-01-01"), Some(0));
        assert_eq!(date_days("2025-03-11"), Some(1_741_694_344 / 86_400));
        assert_eq!(date_days("2025-3"), None);
        assert_eq!(time_of_day("23:59:59"), Some(86_399));
        assert_eq!(time_of_day("123:00:00"), None);
    }

    #[test]
    fn entries_run_every_interval_from_when_they_are_added() {
        let mut st = State::seed(&SimConfig::default());
        let t = st.tables.get_mut(MENU).unwrap();
        let every = entry(&[("name", "every"), ("interval", "2s"), ("on-event", "a")]);
        t.insert(every);
        t.insert(entry(&[("name", "never"), ("on-event", "b")]));
        t.insert(entry(&[
            ("name", "later"),
            ("start-date", "2999-01-01"),
            ("on-event", "c"),
        ]));
        let (t0, wall) = (Instant::now(), unix_now());
        assert!(take_due(&mut st, t0, wall).is_empty());
        let rows = &st.tables[MENU].items;
        assert!(rows[0].has(b"next-run") && !rows[1].has(b"next-run"));
        assert!(
            rows[2]
                .get_str("next-run")
                .unwrap()
                .starts_with("2999-01-01 ")
        );
        let at = |s: f64| t0 + Duration::from_secs_f64(s);
        assert!(take_due(&mut st, at(1.9), wall).is_empty());
        let jobs = take_due(&mut st, at(2.0), wall);
        assert_eq!(jobs.len(), 1);
        assert_eq!(
            (jobs[0].name.as_str(), &jobs[0].on_event[..]),
            ("every", &b"a"[..])
        );
        assert!(take_due(&mut st, at(3.9), wall).is_empty());
        assert_eq!(take_due(&mut st, at(4.0), wall).len(), 1);
        assert_eq!(st.tables[MENU].items[0].get_str("run-count").unwrap(), "2");
        // Disabled: no runs, no next-run; enabled again: one interval from then.
        st.tables.get_mut(MENU).unwrap().items[0].set(b"disabled", b"true");
        assert!(take_due(&mut st, at(9.0), wall).is_empty());
        assert!(!st.tables[MENU].items[0].has(b"next-run"));
        st.tables.get_mut(MENU).unwrap().items[0].set(b"disabled", b"false");
        assert!(take_due(&mut st, at(10.0), wall).is_empty());
        assert!(take_due(&mut st, at(11.9), wall).is_empty());
        assert_eq!(take_due(&mut st, at(12.0), wall).len(), 1);
        // Removed: its timer goes.
        st.tables.get_mut(MENU).unwrap().items.remove(0);
        take_due(&mut st, at(20.0), wall);
        assert_eq!(st.timers.0.len(), 2);
    }
}
