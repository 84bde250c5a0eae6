//! Route one logged-in command to its handler: built-in streaming commands, then menus by
//! path (`/ip/address/print` → menu `/ip/address`, verb `print`; `/system/script/run`; the
//! writing verbs in `edit.rs`); unknown paths trap like RouterOS
//! (`no such command or directory (<word>)`, category 0).

use super::reply::{Closed, ReplySink};
use super::state::SharedState;
use super::{edit, print, script, stream};
use crate::sentence::Command;

/// What every command handler may consult.
#[derive(Clone, Debug)]
pub struct Ctx {
    pub state: SharedState,
    /// Answer `!empty` to a print that matches nothing (RouterOS ≥ 7.18).
    pub send_empty: bool,
}

/// The trap category RouterOS uses for unknown commands and directories.
pub const CATEGORY_MISSING: u8 = 0;
/// The trap category for argument and value failures.
pub const CATEGORY_ARGUMENT: u8 = 1;

/// Run one command to its end (`!done`, or `!trap` + `!done`).
pub async fn run(ctx: &Ctx, cmd: &Command, sink: &mut ReplySink) -> Result<(), Closed> {
    match cmd.path.as_str() {
        "/ping" | "/tool/ping" => return stream::ping(ctx, cmd, sink).await,
        "/interface/monitor-traffic" => return stream::monitor_traffic(ctx, cmd, sink).await,
        _ => {}
    }
    let (menu, verb) = match cmd.path.rsplit_once('/') {
        Some((m, v)) if cmd.path.starts_with('/') => (m, v),
        _ => {
            return sink
                .trap(
                    Some(CATEGORY_MISSING),
                    &format!("no such command or directory ({})", cmd.path),
                )
                .await;
        }
    };
    let found = {
        let st = ctx.state.lock();
        match st.tables.get(menu) {
            Some(_) => Ok(()),
            None => Err(missing_word(&st, &cmd.path)),
        }
    };
    if let Err(word) = found {
        let msg = format!("no such command or directory ({word})");
        return sink.trap(Some(CATEGORY_MISSING), &msg).await;
    }
    match verb {
        "print" | "getall" => print::print(ctx, menu, cmd, sink).await,
        "run" if menu == "/system/script" => script::run_command(ctx, cmd, sink).await,
        _ => edit::answer(ctx, menu, verb, cmd, sink).await,
    }
}

/// The first path word that names neither a menu nor a directory.
fn missing_word(st: &super::state::State, path: &str) -> String {
    let mut prefix = String::new();
    for word in path.trim_start_matches('/').split('/') {
        prefix.push('/');
        prefix.push_str(word);
        if !st.is_dir(&prefix) {
            return word.to_string();
        }
    }
    path.rsplit('/').next().unwrap_or(path).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::SimConfig;
    use crate::sim::state::State;

    #[test]
    fn the_first_unknown_word_is_named() {
        let st = State::seed(&SimConfig::default());
        assert_eq!(missing_word(&st, "/ip/adress/print"), "adress");
        assert_eq!(missing_word(&st, "/bogus"), "bogus");
        assert_eq!(missing_word(&st, "/ip/firewall/print"), "print");
    }
}
