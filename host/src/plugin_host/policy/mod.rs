//! What a plugin may do and what it may return: its manifest's checks ([`manifest`]), the
//! command patterns of permissions and grants ([`patterns`]), the rules applied to every
//! `routeros-call` ([`access`]), the dry run that records writes instead of sending them
//! ([`dry_run`]), secrets kept out of the sandbox ([`secrets`]) and the check of
//! a structured result ([`structured`]).

pub mod access;
pub mod dry_run;
pub mod manifest;
pub mod patterns;
pub mod secrets;
pub mod structured;
