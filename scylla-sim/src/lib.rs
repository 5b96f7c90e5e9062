#![doc = include_str!("../README.md")]
#![deny(missing_docs)]

pub mod cluster;
pub mod cql;
pub mod exec;
pub mod ring;
pub mod server;
pub mod store;
pub mod system;

pub use cluster::{NodeStatus, ShardCounterSnapshot};
pub use exec::Executor;
pub use ring::NodeId;
pub use server::{
    CountersSnapshot, NodeCounters, NodeInfo, SimCluster, SimClusterBuilder, SimError, TlsIdentity,
    TlsSetupError, free_loopback_base,
};
