//! After every write of a change was accepted: check over a fresh connection that the host can
//! still log in, read the items back, and then keep the change (removing the router's safety
//! net), leave it for the person to confirm (`--keep-changes manual`), or leave it to the
//! router to revert when the change cut the host off.

use std::time::Duration;

use serde_json::json;

use super::apply::{Applied, Applier, Sent};
use super::net;
use super::plan::Step;
use super::store::format_ms;
use super::{ChangeControl, KeepChanges};
use crate::routeros::{Client, Limits, Request};

impl ChangeControl {
    /// Whether a fresh connection logs in to the router and answers.
    async fn login_check(&self) -> Result<(), String> {
        let mut cfg = self.fresh.clone();
        // Well inside the net's delay, so a late answer is not taken for a working change.
        let wait = self
            .cfg
            .deadline
            .min(Duration::from_secs(5))
            .min(self.cfg.rollback_after / 2);
        cfg.connect_timeout = wait;
        let client = Client::new(cfg)?;
        let request = Request::new("/system/identity/print").limits(Limits {
            deadline: wait,
            max_rows: 10,
        });
        client
            .call(request)
            .await
            .map(drop)
            .map_err(|e| e.to_string())
    }

    /// After every write was accepted: check the host can still log in, read the items back,
    /// and keep the change, leave it for confirmation, or leave it to the router to revert.
    pub(super) async fn settle(
        &self,
        applier: &Applier<'_>,
        steps: &[Step],
        sent: &Sent,
    ) -> Applied {
        let id = applier.plan_id;
        let outcome = |applied: &Applied| {
            json!({ "ids": sent.ids, "rets": sent.rets, "writes": applied.structured["writes"] })
                .to_string()
        };
        let Some(until) = sent.net_until_ms else {
            let applied = applier.report(steps, sent).await;
            self.store.settle(id, "applied", &outcome(&applied), None);
            return applied;
        };
        let fires = format_ms(until);
        if let Err(e) = self.login_check().await {
            self.store.note(
                Some(id),
                &self.router.target(),
                "login-check",
                &json!({ "ok": false, "error": e }).to_string(),
            );
            let text = format!(
                "All {} write(s) were accepted, but afterwards the host could not log in to router {} over a fresh connection: {e}\n\
                 The change may have cut the host off. The router reverts it by itself at {fires} (--rollback-after); the server reconnects after that.",
                steps.len(),
                self.router.target()
            );
            self.store.settle(id, "cut-off", "{}", Some(until));
            return Applied {
                ok: false,
                state: "cut-off",
                structured: json!({ "state": "cut-off", "reverts_at": fires, "error": e }),
                text,
            };
        }
        self.store.note(
            Some(id),
            &self.router.target(),
            "login-check",
            &json!({ "ok": true }).to_string(),
        );
        let mut applied = applier.report(steps, sent).await;
        let net = applier.net();
        let (state, note) = match self.cfg.keep {
            KeepChanges::Auto => match net.disarm().await {
                Ok(true) => (
                    "kept",
                    "The host logged in again over a fresh connection, so the change is kept (the router's safety net was removed).".to_string(),
                ),
                Ok(false) => (
                    "reverted-by-router",
                    format!(
                        "But the router's safety net had already fired: the router reverted the change (applying and checking took longer than --rollback-after {} s).",
                        self.cfg.rollback_after.as_secs()
                    ),
                ),
                Err(e) => (
                    "awaiting-confirmation",
                    format!(
                        "The router's safety net could not be removed ({e}): the router reverts the change at {fires} unless mikrotik_confirm_change with change_id \"{id}\" succeeds before then."
                    ),
                ),
            },
            KeepChanges::Manual => {
                let source = net::script(id, steps, &sent.rets, &sent.ids, &self.menus);
                if let Err(e) = net.rewrite(&source).await {
                    tracing::warn!(change = id, "could not put the new ids in the revert script: {e}");
                }
                (
                    "awaiting-confirmation",
                    format!(
                        "The change is kept only if it is confirmed: once the person has checked that the network works, call mikrotik_confirm_change with change_id \"{id}\" before {fires}. Otherwise the router reverts it by itself."
                    ),
                )
            }
        };
        self.store.note(
            Some(id),
            &self.router.target(),
            state,
            &json!({ "note": note }).to_string(),
        );
        let net_until = (state == "awaiting-confirmation").then_some(until);
        self.store.settle(id, state, &outcome(&applied), net_until);
        applied.ok = state != "reverted-by-router";
        applied.state = state;
        applied.structured["state"] = json!(state);
        if let Some(until) = net_until {
            applied.structured["reverts_at"] = json!(format_ms(until));
        }
        applied.text.push_str(&format!("\n{note}"));
        applied
    }
}
