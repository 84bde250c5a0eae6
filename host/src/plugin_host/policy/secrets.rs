//! Secrets stay out of the sandbox: at the `routeros-call` import, the value of every
//! attribute whose name marks a secret (passwords, keys, passphrases: see
//! [`routeros::secrets`]) is replaced by the marker [`REDACTED`] before the reply enters a
//! plugin, unless the operator opted in (`--show-secrets`). A write that carries the marker as a
//! value is refused, so a read-modify-write can never store the marker over a real secret.

pub use crate::routeros::secrets::{REDACTED, is_secret};

/// Why a write that carries the redaction marker is refused, or `None` when it carries none.
pub fn marker_refusal<'a>(
    plugin: &str,
    command: &str,
    args: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Option<String> {
    let (name, _) = args
        .into_iter()
        .find(|(_, value)| value.contains(REDACTED))?;
    Some(format!(
        "plugin {plugin:?} may not call {command} with {name}= set to the redaction marker: \
         the server hides secrets from plugins, so the real value is unknown here; \
         give the new value itself"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_write_with_the_marker_is_refused_and_names_the_argument() {
        let refusal = marker_refusal(
            "run-command",
            "/interface/wifi/security/set",
            [(".id", "*1"), ("passphrase", REDACTED)],
        )
        .expect("refused");
        assert!(refusal.contains("passphrase="), "{refusal}");
        assert!(marker_refusal("p", "/ip/address/add", [("address", "10.0.0.1/24")]).is_none());
    }
}
