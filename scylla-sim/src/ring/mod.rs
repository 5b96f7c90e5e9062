//! The token ring: Murmur3 partitioner, vnodes, replication strategies and shards.
//!
//! - [`murmur3`]: tokens of partition keys, exactly as Cassandra's `Murmur3Partitioner`.
//! - [`Topology`]: nodes (host id, datacenter, rack, address, tokens, shard count), token
//!   allocation, adding and removing nodes; its [`TokenRing`] answers "who owns this
//!   token".
//! - [`ReplicationStrategy`]: `SimpleStrategy`, `NetworkTopologyStrategy`,
//!   `LocalStrategy`, `EverywhereStrategy`, parsed from a keyspace's replication map;
//!   [`Topology::replica_map`] precomputes their replica lists per topology version.
//! - [`shard_of`] / [`shard_of_source_port`]: ScyllaDB's token-to-shard and
//!   port-to-shard mappings.
//! - [`check_consistency`]: how many replicas a consistency level needs and whether
//!   enough are alive.

pub mod consistency;
pub mod murmur3;
pub mod replicas;
pub mod shard;
pub mod strategy;
pub mod token_ring;
pub mod topology;

pub use consistency::{
    ConsistencyRequirement, DatacenterRequirement, Unavailable, check_consistency,
    local_quorum_for, quorum_for,
};
pub use murmur3::{
    MURMUR3_PARTITIONER_NAME, PartitionKeyError, Token, murmur3_hash, partition_key_bytes,
    token_of, token_of_components,
};
pub use replicas::ReplicaMap;
pub use shard::{
    DEFAULT_SHARD_AWARE_PORT, DEFAULT_SHARDING_IGNORE_MSB, SHARDING_ALGORITHM, shard_of,
    shard_of_source_port,
};
pub use strategy::{ReplicationConfigError, ReplicationStrategy};
pub use token_ring::{RingEntry, TokenRing};
pub use topology::{
    DEFAULT_NUM_TOKENS, MAX_NUM_TOKENS, Node, NodeId, NodeSpec, Topology, TopologyError,
    deterministic_host_id,
};
