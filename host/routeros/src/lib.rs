//! RouterOS API: wire codec, sentence meaning, async client and the simulated router.
pub mod api;
pub mod client;
pub mod codec;
pub mod row;
pub mod secrets;
pub mod sentence;
pub mod sim;
pub mod text;

pub use api::{CallError, Cut, Limits, Request, Response, Router, RowObserver};
pub use client::{Client, ClientConfig, TlsMode};
pub use sentence::{Attr, AttrRef, Row};
