//! Fault injection switches, shared between a running sim and the test that drives it.
//!
//! A fault applies to commands sent after login. A fault set with [`Faults::set`] stays until
//! [`Faults::clear`]; one set with [`Faults::set_once`] hits exactly one command.

use std::sync::{Arc, Mutex};
use std::time::Duration;

/// One way to misbehave.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fault {
    /// Close the socket after a few `!re` of the next reply that has rows.
    DropMidReply,
    /// Accept the command and never answer (a `/cancel` still ends it).
    Stall,
    /// Send bytes that are not the RouterOS protocol, then close.
    Garbage,
    /// Send a control byte (0xF8..0xFF) where a word length belongs, then close.
    ControlByte,
    /// Reply `!fatal` with a bare reason word and close.
    Fatal,
    /// Wait this long before every reply sentence.
    SlowReplies(Duration),
    /// Reject the next login as if the password were wrong.
    RefuseLogin,
    /// Answer nothing at all — no command, no `/cancel`, no login — while set, keeping TCP
    /// open (a router that hung). Sentences received meanwhile are ignored (commands already
    /// running go on); after [`Faults::clear`] new ones are answered again.
    Silent,
}

#[derive(Debug, Default)]
struct Active {
    fault: Option<Fault>,
    once: bool,
}

/// Shared fault switches (cheap to clone; clones share state).
#[derive(Clone, Debug, Default)]
pub struct Faults {
    active: Arc<Mutex<Active>>,
}

impl Faults {
    fn lock(&self) -> std::sync::MutexGuard<'_, Active> {
        self.active.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Apply `fault` to every following command until cleared.
    pub fn set(&self, fault: Fault) {
        *self.lock() = Active {
            fault: Some(fault),
            once: false,
        };
    }

    /// Apply `fault` to the next command only.
    pub fn set_once(&self, fault: Fault) {
        *self.lock() = Active {
            fault: Some(fault),
            once: true,
        };
    }

    /// Behave normally again.
    pub fn clear(&self) {
        *self.lock() = Active::default();
    }

    /// The fault currently set, if any (without consuming a one-shot fault).
    pub fn current(&self) -> Option<Fault> {
        self.lock().fault.clone()
    }

    /// The fault for the command about to run; a one-shot fault is used up.
    pub(crate) fn take_for_command(&self) -> Option<Fault> {
        let mut a = self.lock();
        let f = a.fault.clone();
        if matches!(f, Some(Fault::RefuseLogin)) {
            return None;
        }
        if a.once {
            *a = Active::default();
        }
        f
    }

    /// Whether this login must be refused (uses up a one-shot `RefuseLogin`).
    pub(crate) fn take_refuse_login(&self) -> bool {
        let mut a = self.lock();
        if a.fault == Some(Fault::RefuseLogin) {
            if a.once {
                *a = Active::default();
            }
            return true;
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn once_is_used_up_and_set_stays() {
        let f = Faults::default();
        f.set_once(Fault::Stall);
        assert_eq!(f.clone().take_for_command(), Some(Fault::Stall));
        assert_eq!(f.take_for_command(), None);
        f.set(Fault::Fatal);
        assert_eq!(f.take_for_command(), Some(Fault::Fatal));
        assert_eq!(f.take_for_command(), Some(Fault::Fatal));
        f.clear();
        assert_eq!(f.current(), None);
        f.set_once(Fault::RefuseLogin);
        assert_eq!(f.take_for_command(), None);
        assert!(f.take_refuse_login());
        assert!(!f.take_refuse_login());
    }
}
