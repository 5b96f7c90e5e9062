//! Cluster metadata: the peers (nodes and their tokens) and the schema (keyspaces,
//! tables, columns, user-defined types, materialized views), as read from the
//! `system` and `system_schema` tables.

use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

use thiserror::Error;
use uuid::Uuid;

use crate::cluster::NodeAddr;
use crate::routing::Token;

pub use scylla_cql::frame::response::result::{
    CollectionType, ColumnType, NativeType, UserDefinedType,
};

pub(crate) mod parse;

/// A node as `system.local` / `system.peers` describe it. This is what a
/// [`HostFilter`](crate::policies::host_filter::HostFilter) decides on.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Peer {
    /// The node's host id.
    pub host_id: Uuid,
    /// The node's address (`rpc_address` and the native port).
    pub address: NodeAddr,
    /// The node's tokens.
    pub tokens: Vec<Token>,
    /// The node's datacenter.
    pub datacenter: Option<String>,
    /// The node's rack.
    pub rack: Option<String>,
}

/// A keyspace.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Keyspace {
    /// How its data is replicated.
    pub strategy: Strategy,
    /// Whether writes go through the commit log.
    pub durable_writes: bool,
    /// Whether the keyspace uses tablets (ScyllaDB) rather than the token ring to place
    /// its data.
    pub tablet_based: bool,
    /// Its tables, by name.
    pub tables: HashMap<String, Table>,
    /// Its materialized views, by name.
    pub views: HashMap<String, MaterializedView>,
    /// Its user-defined types, by name.
    pub user_defined_types: HashMap<String, Arc<UserDefinedType<'static>>>,
}

/// A table (or the table of a materialized view).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct Table {
    /// Its columns, by name.
    pub columns: HashMap<String, Column>,
    /// The partition key's column names, in key order.
    pub partition_key: Vec<String>,
    /// The clustering key's column names, in key order.
    pub clustering_key: Vec<String>,
    /// The partitioner's class name, if the table does not use the cluster's default.
    pub partitioner: Option<String>,
}

/// A materialized view.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct MaterializedView {
    /// The view's own table.
    pub view_metadata: Table,
    /// The table the view is built from.
    pub base_table_name: String,
}

/// A column of a table.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Column {
    /// Its type.
    pub typ: ColumnType<'static>,
    /// Its role in the table.
    pub kind: ColumnKind,
}

/// The role of a column in its table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ColumnKind {
    /// An ordinary column.
    Regular,
    /// A static column (one value per partition).
    Static,
    /// A column of the clustering key.
    Clustering,
    /// A column of the partition key.
    PartitionKey,
}

/// A string that is not a column kind (`regular`, `static`, `clustering`,
/// `partition_key`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
#[error("not a column kind: expected regular, static, clustering or partition_key")]
pub struct ColumnKindFromStrError;

impl FromStr for ColumnKind {
    type Err = ColumnKindFromStrError;

    /// Parses the `kind` of `system_schema.columns`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "regular" => Ok(ColumnKind::Regular),
            "static" => Ok(ColumnKind::Static),
            "clustering" => Ok(ColumnKind::Clustering),
            "partition_key" => Ok(ColumnKind::PartitionKey),
            _ => Err(ColumnKindFromStrError),
        }
    }
}

/// How a keyspace's data is replicated.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Strategy {
    /// `SimpleStrategy`: the token's owner and the next distinct nodes along the ring,
    /// regardless of datacenters and racks.
    SimpleStrategy {
        /// The number of replicas.
        replication_factor: usize,
    },
    /// `NetworkTopologyStrategy`: a number of replicas per datacenter, spread over
    /// distinct racks first.
    NetworkTopologyStrategy {
        /// The number of replicas per datacenter.
        datacenter_repfactors: HashMap<String, usize>,
    },
    /// `LocalStrategy`: every node keeps its own data (system keyspaces).
    LocalStrategy,
    /// Another strategy (ScyllaDB's `EverywhereStrategy`, or a custom one).
    Other {
        /// The strategy's class name.
        name: String,
        /// The other replication options.
        data: HashMap<String, String>,
    },
}

/// What the session refreshes when it re-reads the schema periodically.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum PeriodicFetchMode {
    /// Only the keyspaces that schema-change events named since the last fetch (and
    /// the topology).
    #[default]
    AffectedKeyspaces,
    /// All metadata.
    FullMetadata,
}

impl fmt::Display for ColumnKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ColumnKind::Regular => "regular",
            ColumnKind::Static => "static",
            ColumnKind::Clustering => "clustering",
            ColumnKind::PartitionKey => "partition_key",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_kind_round_trip() {
        for kind in [
            ColumnKind::Regular,
            ColumnKind::Static,
            ColumnKind::Clustering,
            ColumnKind::PartitionKey,
        ] {
            assert_eq!(kind.to_string().parse::<ColumnKind>(), Ok(kind));
        }
        assert_eq!("Regular".parse::<ColumnKind>(), Err(ColumnKindFromStrError));
        assert_eq!("".parse::<ColumnKind>(), Err(ColumnKindFromStrError));
    }
}
