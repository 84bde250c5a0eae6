//! Loading plugins: good ones load, bad ones are skipped with one clear warning each, the
//! compile cache is filled, reused and repaired.

mod runtime_support;

use mcp_mikrotik::plugin_host::Effect;
use runtime_support::{FakeRouter, Hostile, config, load, plugin_dir, scratch_dir};
use serde_json::json;

#[tokio::test]
async fn loads_the_hostile_plugin_and_lists_its_tools_sorted() {
    let dir = plugin_dir("loads", &[("hostile.wasm", Hostile::Normal)]);
    let (runtime, warnings) = load(config("loads", dir), FakeRouter::interfaces()).await;
    assert!(warnings.is_empty(), "{warnings:?}");
    let names: Vec<&str> = runtime.tools().iter().map(|t| t.name.as_str()).collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted);
    assert!(
        names.contains(&"hostile_echo") && names.contains(&"hostile_write"),
        "{names:?}"
    );
    let echo = runtime
        .tools()
        .iter()
        .find(|t| t.name == "hostile_echo")
        .unwrap();
    assert_eq!(echo.plugin, "hostile");
    assert_eq!(echo.effect, Effect::Reads);
    assert_eq!(echo.input_schema["type"], "object");
    let write = runtime
        .tools()
        .iter()
        .find(|t| t.name == "hostile_write")
        .unwrap();
    assert_eq!(write.effect, Effect::Writes);
}

#[tokio::test]
async fn files_that_are_not_components_are_skipped_with_a_warning() {
    let dir = plugin_dir("not-components", &[("good.wasm", Hostile::Normal)]);
    std::fs::write(dir.join("garbage.wasm"), b"this is not wasm").unwrap();
    std::fs::write(dir.join("core.wasm"), b"\0asm\x01\0\0\0").unwrap();
    std::fs::write(dir.join("ignored.txt"), b"not a .wasm file").unwrap();
    let (runtime, warnings) = load(config("not-components", dir), FakeRouter::interfaces()).await;
    assert_eq!(warnings.len(), 2, "{warnings:?}");
    assert!(
        warnings[0].contains("core.wasm") && warnings[0].contains("core WebAssembly module"),
        "{}",
        warnings[0]
    );
    assert!(
        warnings[1].contains("garbage.wasm") && warnings[1].contains("not a WebAssembly component"),
        "{}",
        warnings[1]
    );
    assert!(runtime.tools().iter().any(|t| t.name == "hostile_echo"));
}

#[tokio::test]
async fn another_contract_version_is_skipped_naming_the_version() {
    let dir = plugin_dir("v9", &[("future.wasm", Hostile::ContractV9)]);
    let (runtime, warnings) = load(config("v9", dir), FakeRouter::interfaces()).await;
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(warnings[0].contains("future.wasm"), "{}", warnings[0]);
    assert!(
        warnings[0].contains("mikrotik:plugin@9.0.0"),
        "{}",
        warnings[0]
    );
    assert!(
        warnings[0].contains("mikrotik:plugin@0.3.0"),
        "{}",
        warnings[0]
    );
    assert!(runtime.tools().is_empty());
}

#[tokio::test]
async fn a_duplicate_tool_name_skips_the_later_plugin() {
    let dir = plugin_dir(
        "dup",
        &[("a.wasm", Hostile::Normal), ("b.wasm", Hostile::Normal)],
    );
    let (runtime, warnings) = load(config("dup", dir), FakeRouter::interfaces()).await;
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(
        warnings[0].contains("b.wasm") && warnings[0].contains("a.wasm"),
        "{}",
        warnings[0]
    );
    assert_eq!(
        runtime
            .tools()
            .iter()
            .filter(|t| t.name == "hostile_echo")
            .count(),
        1
    );
}

#[tokio::test]
async fn an_invalid_schema_skips_the_plugin() {
    let dir = plugin_dir("bad-schema", &[("bad.wasm", Hostile::BadSchema)]);
    let (runtime, warnings) = load(config("bad-schema", dir), FakeRouter::interfaces()).await;
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(warnings[0].contains("bad.wasm"), "{}", warnings[0]);
    assert!(
        warnings[0].contains("tool hostile_echo has an invalid input schema"),
        "{}",
        warnings[0]
    );
    assert!(runtime.tools().is_empty());
}

#[tokio::test]
async fn permissions_beyond_the_grant_refuse_the_plugin() {
    let dir = plugin_dir("grant", &[("hostile.wasm", Hostile::Normal)]);
    let mut cfg = config("grant", dir);
    cfg.grant = vec!["/ip/**".into(), "/interface/print".into()];
    let (runtime, warnings) = load(cfg, FakeRouter::interfaces()).await;
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(
        warnings[0].contains("asks for permission /interface/** but the operator grants only [/ip/**, /interface/print]"),
        "{}",
        warnings[0]
    );
    assert!(runtime.tools().is_empty());
}

#[tokio::test]
async fn a_missing_plugin_directory_is_fine() {
    let dir = scratch_dir("missing").join("does-not-exist");
    let (runtime, warnings) = load(config("missing", dir), FakeRouter::interfaces()).await;
    assert!(warnings.is_empty(), "{warnings:?}");
    assert!(runtime.tools().is_empty());
}

#[tokio::test]
async fn read_only_hides_tools_that_write() {
    let dir = plugin_dir("ro-list", &[("hostile.wasm", Hostile::Normal)]);
    let mut cfg = config("ro-list", dir);
    cfg.read_only = true;
    let (runtime, _) = load(cfg, FakeRouter::interfaces()).await;
    let names: Vec<&str> = runtime.tools().iter().map(|t| t.name.as_str()).collect();
    assert!(!names.contains(&"hostile_write"), "{names:?}");
    assert!(
        names.contains(&"hostile_run") && names.contains(&"hostile_echo"),
        "{names:?}"
    );
}

fn cache_entries(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "cwasm"))
                .collect()
        })
        .unwrap_or_default()
}

/// Put `bytes` in place of the file at `path` as a new file, the way the cache itself writes:
/// overwriting a compiled entry in place would change code that loaded runtimes (and their
/// background instance making) still have mapped, which ends in SIGBUS rather than a test.
fn replace(path: &std::path::Path, bytes: &[u8]) {
    let tmp = path.with_extension("replacing");
    std::fs::write(&tmp, bytes).unwrap();
    std::fs::rename(&tmp, path).unwrap();
}

#[tokio::test]
async fn the_compile_cache_is_written_reused_and_repaired() {
    let dir = plugin_dir("cache", &[("hostile.wasm", Hostile::Normal)]);
    let cfg = config("cache", dir);
    let cache_dir = cfg.cache_dir.clone().unwrap();
    assert!(cache_entries(&cache_dir).is_empty());

    let (first, _) = load(cfg.clone(), FakeRouter::interfaces()).await;
    let entries = cache_entries(&cache_dir);
    assert_eq!(
        entries.len(),
        1,
        "one compiled component cached: {entries:?}"
    );
    let good = std::fs::read(&entries[0]).unwrap();
    let manifest = entries[0].with_extension("cwasm.manifest");
    assert!(manifest.is_file(), "its manifest is cached too");

    // A second load uses the entry (and leaves it as it was).
    let (second, warnings) = load(cfg.clone(), FakeRouter::interfaces()).await;
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(second.tools().len(), first.tools().len());
    assert_eq!(std::fs::read(&entries[0]).unwrap(), good);
    let out = second.call("hostile_echo", json!({}), None).await;
    assert!(out.is_ok(), "{out:?}");

    // A corrupt entry is recompiled and rewritten, not fatal. With the manifest cached, the
    // plugin is only linked on its first call, so that is when the damage is found.
    let mut corrupt = good.clone();
    let middle = corrupt.len() / 2;
    corrupt[middle] ^= 0xFF;
    replace(&entries[0], &corrupt);
    let (third, warnings) = load(cfg.clone(), FakeRouter::interfaces()).await;
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(third.tools().len(), first.tools().len());
    assert_eq!(
        std::fs::read(&entries[0]).unwrap(),
        corrupt,
        "listing the tools does not load the plugin"
    );
    let out = third.call("hostile_echo", json!({}), None).await;
    assert!(out.is_ok(), "{out:?}");
    let rewritten = std::fs::read(&entries[0]).unwrap();
    assert_ne!(rewritten, corrupt, "the corrupt entry was rewritten");
    assert_eq!(rewritten.len(), good.len());

    // A truncated entry too, and a damaged manifest: both are rebuilt at load.
    replace(&entries[0], b"short");
    replace(&manifest, b"{not json");
    let (fourth, warnings) = load(cfg, FakeRouter::interfaces()).await;
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(fourth.tools().len(), first.tools().len());
    assert_eq!(std::fs::read(&entries[0]).unwrap().len(), good.len());
    assert!(std::fs::read_to_string(&manifest).unwrap().starts_with('{'));
    let out = fourth.call("hostile_echo", json!({}), None).await;
    assert!(out.is_ok(), "{out:?}");
}

#[tokio::test]
async fn a_cached_manifest_still_answers_to_the_grant() {
    let dir = plugin_dir("cache-grant", &[("hostile.wasm", Hostile::Normal)]);
    let mut cfg = config("cache-grant", dir);
    let (_, warnings) = load(cfg.clone(), FakeRouter::interfaces()).await;
    assert!(warnings.is_empty(), "{warnings:?}");
    cfg.grant = vec!["/ip/**".into()];
    let (runtime, warnings) = load(cfg, FakeRouter::interfaces()).await;
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(
        warnings[0].contains("but the operator grants only [/ip/**]"),
        "{}",
        warnings[0]
    );
    assert!(runtime.tools().is_empty());
}

#[tokio::test]
async fn a_plugin_file_replaced_after_start_is_not_run_in_its_place() {
    let dir = plugin_dir("replaced", &[("hostile.wasm", Hostile::Normal)]);
    let cfg = config("replaced", dir.clone());
    let cache_dir = cfg.cache_dir.clone().unwrap();
    let _ = load(cfg.clone(), FakeRouter::interfaces()).await;
    // Started from the cache: the plugin is linked on its first call. Its compiled code is
    // gone and the file now holds something else, so it has to be compiled from the file,
    // which no longer is what was described at start.
    let (runtime, warnings) = load(cfg, FakeRouter::interfaces()).await;
    assert!(warnings.is_empty(), "{warnings:?}");
    for entry in cache_entries(&cache_dir) {
        std::fs::remove_file(entry).unwrap();
    }
    std::fs::write(
        dir.join("hostile.wasm"),
        b"\0asm\x0d\0\x01\0 something else",
    )
    .unwrap();
    let err = runtime
        .call("hostile_echo", json!({}), None)
        .await
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("could not be loaded")
            && err.contains("hostile.wasm")
            && err.contains("changed since the server started"),
        "{err}"
    );
}
