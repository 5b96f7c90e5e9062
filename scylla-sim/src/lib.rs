//! An embedded, in-memory, multi-node CQL cluster that speaks protocol v4 to any
//! client.
//!
//! Being built; see the project issues.

#![deny(missing_docs)]

pub mod cluster;
pub mod cql;
pub mod exec;
pub mod ring;
pub mod store;
pub mod system;
