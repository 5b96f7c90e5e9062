//! Async CQL driver for ScyllaDB and Apache Cassandra.
//!
//! The driver core (sessions, connections, statements) is being built; today this
//! crate re-exports the protocol-level modules of `scylla-cql`.

#![deny(missing_docs)]

pub use scylla_cql::{DeserializeRow, DeserializeValue, SerializeRow, SerializeValue};

/// Rust types for CQL values.
pub mod value {
    pub use scylla_cql::value::*;
}

/// Serialization of values and rows.
pub mod serialize {
    pub use scylla_cql::serialize::*;
}

/// Deserialization of values and rows.
pub mod deserialize {
    pub use scylla_cql::deserialize::*;
}

#[doc(hidden)]
pub mod _macro_internal {
    pub use scylla_cql::_macro_internal::*;
}
