//! Operator settings of the plugin host: per-call bounds, read-only mode, secrets, the permission
//! grant and where plugins and the compile cache live.

use std::path::PathBuf;
use std::time::Duration;

/// How the plugin host loads and bounds plugins.
#[derive(Clone, Debug)]
pub struct PluginHostConfig {
    /// Wall-clock budget of one tool call: guest CPU and router waits together.
    pub deadline: Duration,
    /// Most linear memory one plugin instance may use, in bytes.
    pub memory_limit: usize,
    /// Most bytes of output (text + structured JSON) one call may return.
    pub max_output: usize,
    /// Most rows one `routeros-call` may return (a plugin may ask for fewer).
    pub max_rows: usize,
    /// Refuse every write command and hide tools whose effect is `writes`.
    pub read_only: bool,
    /// Run every call as a dry run that records writes instead of sending them (the write
    /// policies `confirm` and `allow`: the host plans, then applies).
    pub plan_writes: bool,
    /// Pass secret values (passwords, keys) to plugins instead of the redaction marker.
    pub show_secrets: bool,
    /// Command patterns the operator allows plugins to declare (default `["/**"]`).
    pub grant: Vec<String>,
    /// Where compiled components are cached; `None` = `<cache dir>/mcp-mikrotik`.
    pub cache_dir: Option<PathBuf>,
    /// Directory with extra `*.wasm` plugins; `None` = no directory.
    pub plugin_dir: Option<PathBuf>,
    /// Load the plugins embedded in the binary.
    pub load_bundled: bool,
}

impl Default for PluginHostConfig {
    fn default() -> Self {
        Self {
            deadline: Duration::from_secs(30),
            memory_limit: 64 << 20,
            max_output: 1 << 20,
            max_rows: 10_000,
            read_only: false,
            plan_writes: false,
            show_secrets: false,
            grant: vec!["/**".to_string()],
            cache_dir: None,
            plugin_dir: None,
            load_bundled: true,
        }
    }
}

impl PluginHostConfig {
    /// The default plugin directory: `<data dir>/mcp-mikrotik/plugins`.
    pub fn default_plugin_dir() -> Option<PathBuf> {
        dirs::data_dir().map(|d| d.join("mcp-mikrotik").join("plugins"))
    }

    /// The compile cache directory in use.
    pub(crate) fn resolved_cache_dir(&self) -> Option<PathBuf> {
        self.cache_dir
            .clone()
            .or_else(|| dirs::cache_dir().map(|d| d.join("mcp-mikrotik")))
    }
}

/// `30 s`, `1.5 s`, `300 ms`: a duration for messages.
pub(crate) fn human_duration(d: Duration) -> String {
    if d < Duration::from_secs(1) {
        format!("{} ms", d.as_millis())
    } else if d.subsec_millis() == 0 {
        format!("{} s", d.as_secs())
    } else {
        let text = format!("{:.3}", d.as_secs_f64());
        format!("{} s", text.trim_end_matches('0').trim_end_matches('.'))
    }
}

/// `64 MiB`, `1 MiB`, `512 KiB`, `100 B`: a byte limit for messages.
pub(crate) fn human_limit(bytes: usize) -> String {
    const KIB: usize = 1024;
    const MIB: usize = 1024 * 1024;
    if bytes >= MIB && bytes.is_multiple_of(MIB) {
        format!("{} MiB", bytes / MIB)
    } else if bytes >= KIB && bytes.is_multiple_of(KIB) {
        format!("{} KiB", bytes / KIB)
    } else {
        format!("{bytes} B")
    }
}

/// `3.2 MB`, `12.0 kB`, `17 B`: an amount of data for messages.
pub(crate) fn human_size(bytes: usize) -> String {
    if bytes >= 1_000_000 {
        format!("{:.1} MB", bytes as f64 / 1e6)
    } else if bytes >= 1_000 {
        format!("{:.1} kB", bytes as f64 / 1e3)
    } else {
        format!("{bytes} B")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_naturally() {
        assert_eq!(human_duration(Duration::from_secs(30)), "30 s");
        assert_eq!(human_duration(Duration::from_millis(300)), "300 ms");
        assert_eq!(human_duration(Duration::from_millis(1500)), "1.5 s");
    }

    #[test]
    fn sizes_read_naturally() {
        assert_eq!(human_limit(64 << 20), "64 MiB");
        assert_eq!(human_limit(1 << 20), "1 MiB");
        assert_eq!(human_limit(1000), "1000 B");
        assert_eq!(human_size(3_200_000), "3.2 MB");
        assert_eq!(human_size(17), "17 B");
    }
}
