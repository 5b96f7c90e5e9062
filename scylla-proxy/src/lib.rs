//! A rule-driven TCP proxy between a CQL driver and a node, injecting faults in tests.
//!
//! Not implemented yet: this crate is a placeholder in the workspace until the proxy
//! milestone.

#![deny(missing_docs)]
