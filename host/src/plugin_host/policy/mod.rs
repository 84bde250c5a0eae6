//! What a plugin may do and what it may return: its manifest's checks ([`manifest`]), the
//! command patterns of permissions and grants ([`patterns`]), the rules applied to every
//! `routeros-call` ([`access`]), secrets kept out of the sandbox ([`secrets`]) and the check of
//! a structured result ([`structured`]).

pub mod access;
pub mod manifest;
pub mod patterns;
pub mod secrets;
pub mod structured;
