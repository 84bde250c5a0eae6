//! Turning flags and environment into checked settings, with one clear error per bad value.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result, anyhow, bail};

use crate::changes::{ApplyPlans, ChangeConfig, KeepChanges, WritePolicy};
use crate::cli::{Common, RouterArgs};
use crate::routeros::client::tls::parse_fingerprint;
use crate::routeros::{ClientConfig, TlsMode};

/// Parse a boolean the way people write them in env files.
pub fn parse_bool(name: &str, value: &str) -> Result<bool> {
    match value.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Ok(true),
        "0" | "false" | "no" | "off" | "" => Ok(false),
        other => bail!("{name} must be true or false, not {other:?}"),
    }
}

fn opt_bool(name: &str, value: &Option<String>) -> Result<bool> {
    value.as_deref().map_or(Ok(false), |v| parse_bool(name, v))
}

/// Read a password file: its first line, without the line ending.
fn read_password_file(path: &Path) -> Result<String> {
    let text = std::fs::read_to_string(path).with_context(|| {
        format!(
            "cannot read the password file {} (ROUTEROS_PASSWORD_FILE / --password-file)",
            path.display()
        )
    })?;
    Ok(text.lines().next().unwrap_or("").to_string())
}

/// Router connection settings from flags and environment.
pub fn client_config(args: &RouterArgs) -> Result<ClientConfig> {
    let use_ssl = opt_bool("ROUTEROS_USE_SSL (--ssl)", &args.use_ssl)?;
    let insecure = opt_bool("ROUTEROS_TLS_INSECURE (--tls-insecure)", &args.tls_insecure)?;
    let port = match &args.port {
        None => {
            if use_ssl {
                8729
            } else {
                8728
            }
        }
        Some(p) => p
            .trim()
            .parse::<u16>()
            .ok()
            .filter(|p| *p != 0)
            .ok_or_else(|| {
                anyhow!("ROUTEROS_PORT (--port) must be a port number 1-65535, not {p:?}")
            })?,
    };
    if args.host.trim().is_empty() {
        bail!("ROUTEROS_HOST (--host) is empty; set it to the router's address");
    }
    let password = match &args.password_file {
        Some(path) => read_password_file(path)?,
        None => std::env::var("ROUTEROS_PASSWORD").unwrap_or_default(),
    };
    let tls = if use_ssl {
        let chosen = [
            args.tls_ca.is_some(),
            args.tls_fingerprint.is_some(),
            insecure,
        ]
        .iter()
        .filter(|b| **b)
        .count();
        if chosen > 1 {
            bail!(
                "choose one TLS verification: --tls-ca, --tls-fingerprint or --tls-insecure (several were given)"
            );
        }
        Some(if let Some(ca) = &args.tls_ca {
            TlsMode::CaFile(ca.clone())
        } else if let Some(fp) = &args.tls_fingerprint {
            TlsMode::Fingerprint(
                parse_fingerprint(fp).map_err(|e| anyhow!("ROUTEROS_TLS_FINGERPRINT: {e}"))?,
            )
        } else if insecure {
            TlsMode::Insecure
        } else {
            TlsMode::SystemRoots
        })
    } else {
        if args.tls_ca.is_some() || args.tls_fingerprint.is_some() || insecure {
            bail!(
                "TLS options were given but TLS is off; add --ssl (ROUTEROS_USE_SSL=true) to use api-ssl"
            );
        }
        None
    };
    let mut config = ClientConfig::new(args.host.trim(), port, args.user.clone(), password);
    config.tls = tls;
    Ok(config)
}

/// The per-call deadline.
pub fn deadline(common: &Common) -> Result<Duration> {
    let secs: f64 = common.server.timeout.trim().parse().map_err(|_| {
        anyhow!(
            "MCP_MIKROTIK_TIMEOUT (--timeout) must be a number of seconds, not {:?}",
            common.server.timeout
        )
    })?;
    if !(0.05..=3600.0).contains(&secs) {
        bail!("MCP_MIKROTIK_TIMEOUT (--timeout) must be between 0.05 and 3600 seconds, not {secs}");
    }
    Ok(Duration::from_secs_f64(secs))
}

/// Whether secret values reach plugins unredacted.
pub fn show_secrets(common: &Common) -> Result<bool> {
    opt_bool(
        "ROUTEROS_SHOW_SECRETS (--show-secrets)",
        &common.server.show_secrets,
    )
}

/// Read-only mode.
pub fn read_only(common: &Common) -> Result<bool> {
    opt_bool("ROUTEROS_READ_ONLY (--read-only)", &common.server.read_only)
}

/// The write policy: `--read-only` (deny) wins over `--writes`, whose default is `confirm`.
pub fn write_policy(common: &Common) -> Result<WritePolicy> {
    let writes = match &common.server.writes {
        Some(v) => WritePolicy::parse(v).map_err(anyhow::Error::msg)?,
        None => WritePolicy::Confirm,
    };
    if read_only(common)? {
        if common.server.writes.is_some() && writes != WritePolicy::Deny {
            tracing::warn!(
                "--read-only (ROUTEROS_READ_ONLY) wins over --writes (ROUTEROS_WRITES): no writes"
            );
        }
        return Ok(WritePolicy::Deny);
    }
    Ok(writes)
}

/// Who may apply a waiting plan.
pub fn apply_plans(common: &Common) -> Result<ApplyPlans> {
    match &common.server.apply_plans {
        Some(v) => ApplyPlans::parse(v).map_err(anyhow::Error::msg),
        None => Ok(ApplyPlans::Model),
    }
}

/// Where the audit database lives.
pub fn state_dir(common: &Common) -> Result<PathBuf> {
    match &common.server.state_dir {
        Some(dir) if dir.as_os_str().is_empty() => {
            bail!("MCP_MIKROTIK_STATE_DIR (--state-dir) is empty; name a directory")
        }
        Some(dir) => Ok(dir.clone()),
        None => ChangeConfig::default_state_dir().ok_or_else(|| {
            anyhow!("this system has no data directory; set MCP_MIKROTIK_STATE_DIR (--state-dir)")
        }),
    }
}

/// Change control's settings.
pub fn change_config(common: &Common, deadline: Duration) -> Result<ChangeConfig> {
    Ok(ChangeConfig {
        policy: write_policy(common)?,
        apply_plans: apply_plans(common)?,
        state_dir: state_dir(common)?,
        retention: Duration::from_secs(u64::from(common.server.audit_days) * 24 * 3600),
        plan_ttl: Duration::from_secs(common.server.plan_ttl.into()),
        deadline,
        rollback_after: Duration::from_secs(common.server.rollback_after.into()),
        keep: match &common.server.keep_changes {
            Some(v) => KeepChanges::parse(v).map_err(anyhow::Error::msg)?,
            None => KeepChanges::Auto,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn booleans() {
        assert!(parse_bool("X", "TRUE").unwrap());
        assert!(!parse_bool("X", "false").unwrap());
        assert!(!parse_bool("X", "").unwrap());
        let err = parse_bool("ROUTEROS_USE_SSL", "maybe")
            .unwrap_err()
            .to_string();
        assert!(err.contains("ROUTEROS_USE_SSL") && err.contains("maybe"));
    }
}
