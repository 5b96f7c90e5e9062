//! Statements: unprepared ([`unprepared::Statement`]), prepared
//! ([`prepared::PreparedStatement`]), bound and batches.

pub mod prepared;

pub use scylla_cql::frame::types::{Consistency, SerialConsistency};
