//! The manifest a plugin returned from `describe`, kept in the compile cache next to its
//! compiled code (`<entry>.cwasm.manifest`), so a warm start lists every tool without loading
//! any plugin: a plugin is mapped and linked on its first call instead.
//!
//! The file is JSON that records the format and the contract version it was described under;
//! one that is missing, unreadable, malformed or from another version is a miss, and the
//! plugin is loaded and described again. Only plugins that passed every load check get one.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::bindings::CONTRACT_VERSION;
use super::bindings::guest_tools::Manifest;
use super::cache::write_atomically;

/// Bumped when the layout below changes.
const FORMAT: u64 = 2;

/// The file's contents.
#[derive(Serialize, Deserialize)]
struct Stored {
    format: u64,
    contract: String,
    manifest: Manifest,
}

/// The manifest file of the compile-cache entry `cwasm`.
fn manifest_path(cwasm: &Path) -> PathBuf {
    let mut name = cwasm.as_os_str().to_owned();
    name.push(".manifest");
    PathBuf::from(name)
}

/// The manifest stored for `cwasm`, when it and its compiled code are both there.
pub fn read(cwasm: &Path) -> Option<Manifest> {
    let path = manifest_path(cwasm);
    let text = match std::fs::read(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return None,
        Err(e) => {
            tracing::warn!("cannot read {}: {e}; loading the plugin", path.display());
            return None;
        }
    };
    if !cwasm.is_file() {
        return None;
    }
    match serde_json::from_slice::<Stored>(&text) {
        Ok(stored) if stored.format == FORMAT && stored.contract == CONTRACT_VERSION => {
            Some(stored.manifest)
        }
        _ => {
            tracing::debug!("{} is stale or damaged; loading the plugin", path.display());
            None
        }
    }
}

/// Store `manifest` for `cwasm`; trouble is logged, never fatal.
pub fn write(cwasm: &Path, manifest: &Manifest) {
    let path = manifest_path(cwasm);
    let text = encode(manifest);
    if let Err(e) = write_atomically(&path, text.as_bytes()) {
        tracing::warn!("cannot write {}: {e}", path.display());
    }
}

fn encode(manifest: &Manifest) -> String {
    let stored = Stored {
        format: FORMAT,
        contract: CONTRACT_VERSION.to_string(),
        manifest: manifest.clone(),
    };
    serde_json::to_string(&stored).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plugin_host::lifecycle::bindings::guest_tools::{Effect, Tool};

    fn sample() -> Manifest {
        Manifest {
            name: "demo".into(),
            version: "1.2.3".into(),
            permissions: vec!["/interface/print".into(), "/ip/**".into()],
            tools: vec![
                Tool {
                    name: "demo_read".into(),
                    title: Some("Read \"it\"".into()),
                    description: "Reads.\nTwo lines.".into(),
                    input_schema: r#"{"type":"object"}"#.into(),
                    output_schema: None,
                    effect: Effect::Reads,
                    destructive: false,
                    idempotent: true,
                    open_world: false,
                },
                Tool {
                    name: "demo_write".into(),
                    title: None,
                    description: String::new(),
                    input_schema: r#"{"type":"object","properties":{}}"#.into(),
                    output_schema: Some(r#"{"type":"object"}"#.into()),
                    effect: Effect::Writes,
                    destructive: true,
                    idempotent: false,
                    open_world: true,
                },
            ],
        }
    }

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "mcp-mikrotik-manifest-cache-{name}-{}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir.join("entry.cwasm")
    }

    fn same(a: &Manifest, b: &Manifest) -> bool {
        format!("{a:?}") == format!("{b:?}")
    }

    #[test]
    fn a_manifest_survives_the_round_trip() {
        let cwasm = scratch("round-trip");
        std::fs::write(&cwasm, b"code").unwrap();
        write(&cwasm, &sample());
        let back = read(&cwasm).expect("stored manifest");
        assert!(same(&back, &sample()), "{back:?}");
    }

    #[test]
    fn without_its_code_a_manifest_is_not_used() {
        let cwasm = scratch("no-code");
        write(&cwasm, &sample());
        assert!(read(&cwasm).is_none());
    }

    #[test]
    fn damaged_or_stale_manifests_are_misses() {
        let cwasm = scratch("damaged");
        std::fs::write(&cwasm, b"code").unwrap();
        let path = manifest_path(&cwasm);
        for text in [
            "not json".to_string(),
            "{}".to_string(),
            encode(&sample()).replace(CONTRACT_VERSION, "9.9.9"),
            encode(&sample()).replace("\"Reads\"", "\"Sometimes\""),
            encode(&sample()).replace("\"format\":2", "\"format\":1"),
        ] {
            std::fs::write(&path, &text).unwrap();
            assert!(read(&cwasm).is_none(), "{text}");
        }
    }
}
