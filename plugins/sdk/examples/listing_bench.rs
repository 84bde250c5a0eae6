//! Native micro-benchmark of the SDK's listing hot path: an interfaces-style tool (14 rows ×
//! 7 fields) run through `guest::run` against a canned reply, then turned into the WIT output
//! exactly as the `call` export does. Prints µs per call (best of several rounds).
//!
//! Each call runs twice: with the system allocator, and with the SDK's [`Arena`] (what
//! plugins use inside the host), fresh for every call as in a new instance.
//!
//! `cargo run -p mikrotik-plugin-sdk --example listing_bench --profile plugin`
//! (`-- --rows N` for another row count).

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use mikrotik_plugin_sdk::arena::{ARENA_SIZE, Arena};

use mikrotik_plugin_sdk::fields::{flag, number, text};
use mikrotik_plugin_sdk::{
    CallError, CallOptions, Field, Manifest, Output, Plugin, Reply, RouterApi, Row, Tool, Value,
    args, guest, json, list, schema,
};

const TOOL: &str = "mikrotik_get_interfaces";
const FIELDS: [Field; 7] = [
    text("name"),
    text("type"),
    flag("running"),
    flag("disabled"),
    number("mtu"),
    text("mac-address"),
    text("comment"),
];

static ARENA: Arena<ARENA_SIZE> = Arena::new();
static IN_ARENA: AtomicBool = AtomicBool::new(false);

/// The arena while `IN_ARENA` is set (during a measured call), the system allocator otherwise.
struct BenchAllocator;

// SAFETY: every block goes back to the allocator that gave it out (`Arena::owns` tells).
unsafe impl GlobalAlloc for BenchAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if IN_ARENA.load(Ordering::Relaxed) {
            unsafe { ARENA.alloc(layout) }
        } else {
            unsafe { System.alloc(layout) }
        }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if ARENA.owns(ptr) {
            unsafe { ARENA.dealloc(ptr, layout) }
        } else {
            unsafe { System.dealloc(ptr, layout) }
        }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if ARENA.owns(ptr) {
            unsafe { ARENA.realloc(ptr, layout, new_size) }
        } else {
            unsafe { System.realloc(ptr, layout, new_size) }
        }
    }
}

#[global_allocator]
static GLOBAL: BenchAllocator = BenchAllocator;

/// The interfaces plugin's `call`, as it is in `plugins/interfaces`.
struct Interfaces;

impl Plugin for Interfaces {
    fn manifest() -> Manifest {
        let tool = Tool::reads(TOOL, "Interfaces.", schema::object(json!({}), &[]));
        Manifest::new("interfaces", "0.1.0", &["/interface/print"], vec![tool])
    }

    fn call(tool: &str, args: Value, router: &dyn RouterApi) -> Result<Output, String> {
        let mut queries = Vec::new();
        if let Some(kind) = args::string(&args, "type") {
            queries.push(format!("type={kind}"));
        }
        let queries: Vec<&str> = queries.iter().map(String::as_str).collect();
        let limit = args::limit(&args, "limit", 100, 1000);
        let listing = list(router, "/interface", &FIELDS, &queries, limit)
            .map_err(|e| format!("listing {tool} failed: {e}"))?;
        Ok(listing.to_output("interfaces", &FIELDS))
    }
}

/// Answers every call with a copy of one reply, like the host's import hands over fresh rows.
struct CannedRouter(Reply);

impl RouterApi for CannedRouter {
    fn call(
        &self,
        _command: &str,
        _args: &[(&str, &str)],
        _queries: &[&str],
        _options: CallOptions,
    ) -> Result<Reply, CallError> {
        Ok(self.0.clone())
    }
}

fn reply(rows: usize) -> Reply {
    let types = ["ether", "bridge", "vlan", "wifi", "pppoe-out"];
    Reply::rows(
        (0..rows)
            .map(|i| {
                let mut pairs = vec![
                    ("name", format!("{}{}", types[i % types.len()], i + 1)),
                    ("type", types[i % types.len()].to_string()),
                    ("running", (i % 3 != 0).to_string()),
                    ("disabled", (i % 7 == 6).to_string()),
                    (
                        "mtu",
                        if i % 4 == 1 {
                            "auto".into()
                        } else {
                            "1500".into()
                        },
                    ),
                    ("mac-address", format!("08:00:27:A9:3F:{:02X}", i)),
                ];
                if i % 2 == 0 {
                    pairs.push(("comment", format!("port {i} \"uplink\"")));
                }
                Row::from_pairs(pairs)
            })
            .collect(),
    )
}

fn one_call(router: &CannedRouter, arguments: &str) -> (String, Option<String>) {
    let output = guest::run::<Interfaces>(TOOL, arguments, router).expect("listing works");
    let wit = guest::output_to_wit(output);
    (wit.text, wit.structured)
}

fn main() {
    let mut rows = 14;
    let mut argv = std::env::args().skip(1);
    while let Some(arg) = argv.next() {
        if arg == "--rows" {
            rows = argv.next().and_then(|n| n.parse().ok()).unwrap_or(rows);
        }
    }
    let router = CannedRouter(reply(rows));
    let arguments = format!("{{\"limit\": {}}}", rows + 1);
    let (text, structured) = one_call(&router, &arguments);
    let bytes = text.len() + structured.as_ref().map_or(0, String::len);
    let iterations = 20_000 / rows.max(1) + 100;
    let measure = |arena: bool, work: &dyn Fn()| {
        let mut best = f64::INFINITY;
        for _ in 0..25 {
            let start = Instant::now();
            for _ in 0..iterations {
                IN_ARENA.store(arena, Ordering::Relaxed);
                work();
                IN_ARENA.store(false, Ordering::Relaxed);
            }
            best = best.min(start.elapsed().as_secs_f64() * 1e6 / iterations as f64);
        }
        best
    };
    for arena in [false, true] {
        let call = measure(arena, &|| {
            black_box(one_call(black_box(&router), &arguments));
        });
        let copy = measure(arena, &|| {
            black_box(black_box(&router.0).clone());
        });
        let allocator = if arena { "arena " } else { "system" };
        println!(
            "{rows} rows x 7 fields, {allocator}: {call:.2} µs/call, of which {copy:.2} copying \
             the reply ({bytes} bytes of output)"
        );
    }
    assert_eq!(ARENA.used(), 0, "every block of a call is freed by its end");
}
