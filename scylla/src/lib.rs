//! Async CQL driver for ScyllaDB and Apache Cassandra.
//!
//! Its public API is compatible with the upstream `scylla` 1.x crate. Being built:
//! see the project issues for what works today.

#![deny(missing_docs)]

pub use scylla_cql::{DeserializeRow, DeserializeValue, SerializeRow, SerializeValue};

pub mod authentication;
pub mod client;
pub mod cluster;
pub mod errors;
pub(crate) mod network;
pub mod observability;
pub mod policies;
pub mod response;
pub mod routing;
pub mod statement;

/// Frame-level types visible to users: authenticators, compression, frame errors.
pub mod frame {
    pub use scylla_cql::frame::frame_errors;
    pub use scylla_cql::frame::protocol_features;
    pub use scylla_cql::frame::{Authenticator, Compression};

    /// Response types visible to users.
    pub mod response {
        pub use scylla_cql::frame::response::CqlResponseKind;

        /// Column specs and types of results and bind markers.
        pub mod result {
            pub use scylla_cql::frame::response::result::{
                CollectionType, ColumnSpec, ColumnType, NativeType, PartitionKeyIndex, TableSpec,
                UserDefinedType,
            };
        }
    }

    /// Consistency levels.
    pub mod types {
        pub use scylla_cql::frame::types::{Consistency, SerialConsistency};
    }
}

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
