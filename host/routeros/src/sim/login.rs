//! The `/login` exchange: plain password (RouterOS ≥ 6.43) and, in legacy mode, the MD5
//! challenge-response of older routers (`/login` → `=ret=<challenge>`, then `=response=`).

use super::faults::Faults;
use super::rng::Rng;
use crate::sentence::Command;
use md5::{Digest, Md5};

/// Message of a refused login on RouterOS 6.45+ / 7.
pub const INVALID_LOGIN: &str = "invalid user name or password (6)";
/// Message of a refused challenge-response login on old routers.
pub const CANNOT_LOG_IN: &str = "cannot log in";

/// Account and login style of the sim.
#[derive(Clone, Debug)]
pub struct LoginPolicy {
    pub user: String,
    pub password: String,
    pub legacy: bool,
    pub faults: Faults,
}

/// What to answer to one `/login`.
#[derive(Debug, PartialEq, Eq)]
pub enum LoginOutcome {
    /// `!done`: logged in.
    Accepted,
    /// `!done =ret=<hex>`: a challenge to answer with `=response=`.
    Challenge(String),
    /// `!trap =message=<msg>` then `!done`.
    Refused(&'static str),
}

/// `00` + hex(md5(0x00 + password + challenge)), lower-case.
pub fn md5_response(password: &[u8], challenge: &[u8]) -> String {
    let mut h = Md5::new();
    h.update([0u8]);
    h.update(password);
    h.update(challenge);
    format!("00{}", hex::encode(h.finalize()))
}

/// Per-connection login state.
#[derive(Debug, Default)]
pub struct LoginState {
    challenge: Option<Vec<u8>>,
}

impl LoginState {
    /// Handle one `/login` command.
    pub fn handle(&mut self, policy: &LoginPolicy, cmd: &Command) -> LoginOutcome {
        let name = cmd.arg("name");
        let password = cmd.arg("password");
        let response = cmd.arg("response");
        let user_ok = name.is_some_and(|n| n.as_ref() == policy.user.as_bytes());
        if let Some(resp) = response {
            let ok = self.challenge.take().is_some_and(|c| {
                md5_response(policy.password.as_bytes(), &c).as_bytes() == resp.as_ref()
            }) && user_ok;
            return match (policy.legacy, ok && !policy.faults.take_refuse_login()) {
                (true, true) => LoginOutcome::Accepted,
                (true, false) => LoginOutcome::Refused(CANNOT_LOG_IN),
                // RouterOS 6.45.1+ no longer accepts the MD5 method.
                (false, _) => LoginOutcome::Refused(INVALID_LOGIN),
            };
        }
        if name.is_none() || policy.legacy {
            // A bare /login, or any plain login on an old router: hand out a challenge.
            let mut rng = Rng::from_clock();
            let bytes: Vec<u8> = (0..16).map(|_| rng.next_u64() as u8).collect();
            let hex = hex::encode(&bytes);
            self.challenge = Some(bytes);
            return LoginOutcome::Challenge(hex);
        }
        let pw_ok = password.is_some_and(|p| p.as_ref() == policy.password.as_bytes())
            || (password.is_none() && policy.password.is_empty());
        if user_ok && pw_ok && !policy.faults.take_refuse_login() {
            LoginOutcome::Accepted
        } else {
            LoginOutcome::Refused(INVALID_LOGIN)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sentence::command_words;
    use bytes::Bytes;

    fn login(args: &[(&str, &str)]) -> Command {
        let args: Vec<(String, Bytes)> = args
            .iter()
            .map(|(n, v)| (n.to_string(), Bytes::copy_from_slice(v.as_bytes())))
            .collect();
        Command::parse(command_words("/login", &args, &[], None)).unwrap()
    }

    fn policy(legacy: bool) -> LoginPolicy {
        LoginPolicy {
            user: "admin".into(),
            password: "secret".into(),
            legacy,
            faults: Faults::default(),
        }
    }

    #[test]
    fn vectors_from_the_api_documentation() {
        let v: serde_json::Value = serde_json::from_str(include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/data/login_vectors.json"
        )))
        .unwrap();
        for case in v["md5_vectors"].as_array().unwrap() {
            let challenge = hex::decode(case["challenge"].as_str().unwrap()).unwrap();
            let pw = case["password"].as_str().unwrap();
            assert_eq!(
                md5_response(pw.as_bytes(), &challenge),
                case["response"].as_str().unwrap()
            );
        }
    }

    #[test]
    fn plain_and_legacy() {
        let mut s = LoginState::default();
        assert_eq!(
            s.handle(
                &policy(false),
                &login(&[("name", "admin"), ("password", "secret")])
            ),
            LoginOutcome::Accepted
        );
        assert_eq!(
            s.handle(
                &policy(false),
                &login(&[("name", "admin"), ("password", "bad")])
            ),
            LoginOutcome::Refused(INVALID_LOGIN)
        );
        let LoginOutcome::Challenge(c) = s.handle(
            &policy(true),
            &login(&[("name", "admin"), ("password", "secret")]),
        ) else {
            panic!()
        };
        let resp = md5_response(b"secret", &hex::decode(&c).unwrap());
        assert_eq!(
            s.handle(
                &policy(true),
                &login(&[("name", "admin"), ("response", &resp)])
            ),
            LoginOutcome::Accepted
        );
        // The challenge is single-use.
        assert_eq!(
            s.handle(
                &policy(true),
                &login(&[("name", "admin"), ("response", &resp)])
            ),
            LoginOutcome::Refused(CANNOT_LOG_IN)
        );
    }
}
