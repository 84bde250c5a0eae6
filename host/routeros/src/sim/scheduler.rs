//! `/system/scheduler`: checks of written entries, when each entry runs, and the background
//! task of the sim that runs them by the router's clock.
//!
//! An enabled entry runs its `on-event` (the name of a `/system/script`, or script source)
//! at `start-date`/`start-time` and then every `interval` after it, as RouterOS does: an
//! entry whose start lies in the past runs at the next such moment (`start-time=00:00:00
//! interval=1d` runs at midnight); a new entry starts the second it is added (so its first
//! run comes one interval later, give or take the part of a second that had passed). With
//! interval 0 an entry runs once at a start in the future, otherwise never on its own; a
//! `startup` entry (the sim never reboots) runs one interval after it was added or enabled.
//! `run-count` counts runs; `next-run` shows the next one (absent when there is none).
//! Runs go on whatever happens to the API, and end when the sim shuts down.

use super::duration;
use super::edit::{Refusal, refuse};
use super::row::FlatRow;
use super::script;
use super::state::log;
use super::state::system::civil;
use super::state::{SharedState, State};
use super::table::{Table, parse_id};
use std::collections::BTreeMap;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
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

/// The entry's explicit start as time since the Unix epoch (`None` for `startup` or no
/// start).
fn start_unix(row: &FlatRow) -> Option<Duration> {
    let days = date_days(&row.get_str("start-date")?)?;
    let secs = time_of_day(&row.get_str("start-time")?)?;
    let secs = u64::try_from(days)
        .ok()?
        .checked_mul(86_400)?
        .checked_add(secs)?;
    Some(Duration::from_secs(secs))
}

/// The router's clock: time since the Unix epoch (zero if the host clock is before it).
fn wall_now() -> Duration {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
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
    let (today, now) = civil(wall_now().as_secs());
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

/// When a newly (re)timed entry runs first: at its start when that is still to come, else
/// at the next whole number of intervals after it (one interval from now without a start).
/// `now` and `wall` are the same moment on the monotonic and the router's clock.
fn first_due(row: &FlatRow, now: Instant, wall: Duration) -> Option<Instant> {
    if row.get(b"disabled") == Some(b"true") {
        return None;
    }
    let start = start_unix(row);
    if let Some(start) = start.filter(|s| *s > wall) {
        return now.checked_add(start - wall);
    }
    let interval = interval_of(row);
    if interval.is_zero() {
        return None;
    }
    let wait = match start {
        Some(start) => {
            let (past, every) = ((wall - start).as_nanos(), interval.as_nanos());
            let into_period = u64::try_from(past % every).ok()?;
            interval.checked_sub(Duration::from_nanos(into_period))?
        }
        None => interval,
    };
    now.checked_add(wait)
}

/// Show `due` as the entry's `next-run` (or no `next-run`).
fn show_next_run(row: &mut FlatRow, due: Option<Instant>, now: Instant, wall: Duration) {
    match due {
        Some(due) => {
            let at = wall.saturating_add(due.saturating_duration_since(now));
            let (date, time) = civil(at.as_secs());
            row.set(b"next-run", format!("{date} {time}").as_bytes());
        }
        None => row.remove(b"next-run"),
    }
}

/// Bring the timers in line with the entries: new, re-timed, enabled or disabled entries get
/// a fresh timer; removed ones lose theirs.
pub fn arm(st: &mut State) {
    arm_at(st, Instant::now(), wall_now());
}

fn arm_at(st: &mut State, now: Instant, wall: Duration) {
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
fn take_due(st: &mut State, now: Instant, wall: Duration) -> Vec<Job> {
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
                let jobs = take_due(&mut state.lock(), Instant::now(), wall_now());
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

    /// A start at `wall` as `start-date`/`start-time`.
    fn starting(wall: Duration) -> [(&'static str, String); 2] {
        let (date, time) = civil(wall.as_secs());
        [("start-date", date), ("start-time", time)]
    }

    #[test]
    fn entries_run_every_interval_from_their_start() {
        let mut st = State::seed(&SimConfig::default());
        // The same moment on both clocks, on a whole second as a stamped start-time is.
        let (t0, wall0) = (Instant::now(), Duration::from_secs(wall_now().as_secs()));
        let at = |s: f64| {
            let d = Duration::from_secs_f64(s);
            (t0 + d, wall0 + d)
        };
        let [(_, date), (_, time)] = starting(wall0);
        let t = st.tables.get_mut(MENU).unwrap();
        let every = [
            ("name", "every"),
            ("interval", "2s"),
            ("on-event", "a"),
            ("start-date", &date),
            ("start-time", &time),
        ];
        t.insert(entry(&every));
        t.insert(entry(&[("name", "never"), ("on-event", "b")]));
        t.insert(entry(&[
            ("name", "later"),
            ("start-date", "2999-01-01"),
            ("on-event", "c"),
        ]));
        let (now, wall) = at(0.0);
        assert!(take_due(&mut st, now, wall).is_empty());
        let rows = &st.tables[MENU].items;
        assert!(rows[0].has(b"next-run") && !rows[1].has(b"next-run"));
        assert!(
            rows[2]
                .get_str("next-run")
                .unwrap()
                .starts_with("2999-01-01 ")
        );
        let due = |st: &mut State, s: f64| {
            let (now, wall) = at(s);
            take_due(st, now, wall)
        };
        assert!(due(&mut st, 1.9).is_empty());
        let jobs = due(&mut st, 2.0);
        assert_eq!(jobs.len(), 1);
        assert_eq!(
            (jobs[0].name.as_str(), &jobs[0].on_event[..]),
            ("every", &b"a"[..])
        );
        assert!(due(&mut st, 3.9).is_empty());
        assert_eq!(due(&mut st, 4.0).len(), 1);
        assert_eq!(st.tables[MENU].items[0].get_str("run-count").unwrap(), "2");
        // Disabled: no runs, no next-run; enabled again: on the start's beat, not from then.
        st.tables.get_mut(MENU).unwrap().items[0].set(b"disabled", b"true");
        assert!(due(&mut st, 9.0).is_empty());
        assert!(!st.tables[MENU].items[0].has(b"next-run"));
        st.tables.get_mut(MENU).unwrap().items[0].set(b"disabled", b"false");
        assert!(due(&mut st, 10.5).is_empty());
        assert!(due(&mut st, 11.9).is_empty());
        assert_eq!(due(&mut st, 12.0).len(), 1);
        // Removed: its timer goes.
        st.tables.get_mut(MENU).unwrap().items.remove(0);
        due(&mut st, 20.0);
        assert_eq!(st.timers.0.len(), 2);
    }

    #[test]
    fn a_past_start_sets_the_beat() {
        let now = Instant::now();
        let wall = Duration::from_secs(1_741_694_344);
        let midnight = Duration::from_secs(1_741_694_344 / 86_400 * 86_400);
        let [(_, date), _] = starting(midnight);
        let daily = entry(&[
            ("interval", "1d"),
            ("start-date", &date),
            ("start-time", "00:00:00"),
        ]);
        let next = first_due(&daily, now, wall).unwrap();
        assert_eq!(next - now, midnight + Duration::from_secs(86_400) - wall);
        let hourly = entry(&[
            ("interval", "1h"),
            ("start-date", "2025-03-11"),
            ("start-time", "10:00:00"),
        ]);
        // 11:59:04.5 → 12:00:00.
        let half = Duration::from_millis(500);
        let next = first_due(&hourly, now, wall + half).unwrap();
        assert_eq!(next - now, Duration::from_secs(56) - half);
        let mut future = hourly.clone();
        future.set(b"start-time", b"12:30:00");
        let next = first_due(&future, now, wall).unwrap();
        assert_eq!(next - now, Duration::from_secs(30 * 60 + 56));
        future.set(b"interval", b"0s");
        assert!(first_due(&future, now, wall).is_some());
        future.set(b"start-time", b"11:00:00");
        assert!(first_due(&future, now, wall).is_none());
        let mut startup = hourly;
        startup.set(b"start-time", b"startup");
        assert_eq!(
            first_due(&startup, now, wall).unwrap() - now,
            Duration::from_secs(3600)
        );
    }
}
