//! Attribute names whose values are secrets (passwords, keys, passphrases), so that the host
//! can keep their values out of plugins and logs.
//!
//! The list was derived from every argument name in the RouterOS 7.24 command tree
//! (`tests/data/command-tree-7.24.json`, checked by `tests/secrets.rs`), plus the RouterOS 6
//! wireless security-profile names. Left out on purpose: names of settings *about* secrets
//! (`password-format`, `minimum-password-length`, `password-authentication`,
//! `multi-passphrase-group`), file names (`private-key-file`), flags (`reset-private-key`),
//! references to other items (`key`, `remote-key` of IPsec identities, which name a key) and
//! public values (`public-key`). Names match exactly, as RouterOS spells them (lowercase).

/// What the host shows instead of a secret value.
pub const REDACTED: &str = "<redacted: secret; start the server with --show-secrets to see it>";

/// Secret attribute names, sorted (binary search).
pub const SECRET_NAMES: &[&str] = &[
    "auth-key",
    "authentication-password",
    "challenge-passphrase",
    "challenge-password",
    "community",
    "confirm-new-password",
    "eab-hmac-key",
    "eab-key-b64",
    "eap-password",
    "enc-key",
    "encryption-password",
    "export-passphrase",
    "hkdf-secret",
    "ipsec-secret",
    "key-passphrase",
    "key-val",
    "mac-auth-password",
    "management-protection-key",
    "mschapv2-password",
    "new-password",
    "old-password",
    "otp-secret",
    "ovpn-password",
    "passphrase",
    "password",
    "pin",
    "ppk-secret",
    "preshared-key",
    "private-key",
    "radius-password",
    "secret",
    "secret-download-key",
    "secrets",
    "security.eap-password",
    "security.passphrase",
    "sim-pin",
    "smb-password",
    "smb-server-password",
    "socks5-password",
    "sshfs-password",
    "static-key-0",
    "static-key-1",
    "static-key-2",
    "static-key-3",
    "static-sta-private-key",
    "tcp-md5-key",
    "trap-community",
    "wpa-pre-shared-key",
    "wpa2-pre-shared-key",
];

/// Whether values of the attribute `name` (e.g. `password`, `wpa2-pre-shared-key`) are secret.
pub fn is_secret(name: &str) -> bool {
    SECRET_NAMES.binary_search(&name).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_is_sorted_and_unique_so_lookups_work() {
        assert!(SECRET_NAMES.windows(2).all(|w| w[0] < w[1]));
        for name in SECRET_NAMES {
            assert!(is_secret(name), "{name}");
        }
    }

    #[test]
    fn secrets_and_non_secrets() {
        for name in [
            "password",
            "wpa2-pre-shared-key",
            "private-key",
            "security.passphrase",
        ] {
            assert!(is_secret(name), "{name}");
        }
        for name in [
            "name",
            "public-key",
            "password-format",
            "key",
            "",
            "PASSWORD=",
        ] {
            assert!(!is_secret(name), "{name}");
        }
    }
}
