//! The shared state of one simulated cluster: its topology, which nodes are up, the
//! data store, per-node/per-shard request counters and the event bus.
//!
//! The network layer ([`crate::server`]) owns the sockets and changes node status; the
//! executor ([`crate::exec`]) reads this state to route, check consistency levels and
//! count requests. Everything here is cheap to read on the request path.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU8, AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

use scylla_cql::frame::response::event::SchemaChangeEvent;
use tokio::sync::broadcast;

use crate::ring::{NodeId, Topology};
use crate::store::Store;

/// Static settings of a simulated cluster.
#[derive(Debug, Clone)]
pub struct SimConfig {
    /// `cluster_name` in `system.local`.
    pub cluster_name: String,
    /// `release_version` reported by every node. The default, 4.0.11, tells clients
    /// that the server answers DESCRIBE itself, as Cassandra 4.0 does (cqlsh 6.x sends
    /// DESCRIBE to servers of version 4 and later only); ScyllaDB reports 3.0.8.
    pub release_version: String,
    /// `cql_version` reported in SUPPORTED and `system.local`.
    pub cql_version: String,
    /// The CQL port every node listens on.
    pub port: u16,
    /// The shard-aware port (0 disables it).
    pub shard_aware_port: u16,
    /// Password authentication: `Some((user, password))` to require it.
    pub credentials: Option<(String, String)>,
}

impl Default for SimConfig {
    fn default() -> Self {
        Self {
            cluster_name: "scylla-sim".to_owned(),
            release_version: "4.0.11".to_owned(),
            cql_version: "3.4.5".to_owned(),
            port: 9042,
            shard_aware_port: 19042,
            credentials: None,
        }
    }
}

/// Whether a node answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum NodeStatus {
    /// Listening and answering.
    Up = 0,
    /// Stopped: not listening; the others see it down.
    Down = 1,
    /// Accepts connections and reads requests but never answers; the others still
    /// see it up (as with a real node stuck in a long GC pause).
    Paused = 2,
}

/// Request counters of one shard of one node.
#[derive(Debug, Default)]
pub struct ShardCounters {
    /// Requests (QUERY, EXECUTE, BATCH) served as coordinator.
    pub requests: AtomicU64,
    /// Requests for a partition this node does not replicate.
    pub non_replica: AtomicU64,
    /// Requests that arrived on a shard that does not own their token.
    pub wrong_shard: AtomicU64,
}

/// A snapshot of one shard's counters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ShardCounterSnapshot {
    /// See [`ShardCounters::requests`].
    pub requests: u64,
    /// See [`ShardCounters::non_replica`].
    pub non_replica: u64,
    /// See [`ShardCounters::wrong_shard`].
    pub wrong_shard: u64,
}

impl ShardCounters {
    /// Reads the counters.
    pub fn snapshot(&self) -> ShardCounterSnapshot {
        ShardCounterSnapshot {
            requests: self.requests.load(Ordering::Relaxed),
            non_replica: self.non_replica.load(Ordering::Relaxed),
            wrong_shard: self.wrong_shard.load(Ordering::Relaxed),
        }
    }

    /// Reads the counters and sets them to zero (each counter atomically, so no
    /// request is lost between the read and the reset).
    pub fn take(&self) -> ShardCounterSnapshot {
        ShardCounterSnapshot {
            requests: self.requests.swap(0, Ordering::Relaxed),
            non_replica: self.non_replica.swap(0, Ordering::Relaxed),
            wrong_shard: self.wrong_shard.swap(0, Ordering::Relaxed),
        }
    }
}

impl ShardCounterSnapshot {
    /// The sum of two snapshots.
    pub fn plus(self, other: ShardCounterSnapshot) -> ShardCounterSnapshot {
        ShardCounterSnapshot {
            requests: self.requests + other.requests,
            non_replica: self.non_replica + other.non_replica,
            wrong_shard: self.wrong_shard + other.wrong_shard,
        }
    }
}

/// Runtime state of one node.
#[derive(Debug)]
pub struct NodeRuntime {
    status: AtomicU8,
    /// One entry per shard.
    pub shards: Vec<ShardCounters>,
}

impl NodeRuntime {
    /// A node that is up, with `nr_shards` zeroed counters.
    pub fn new(nr_shards: usize) -> Self {
        Self {
            status: AtomicU8::new(NodeStatus::Up as u8),
            shards: (0..nr_shards).map(|_| ShardCounters::default()).collect(),
        }
    }

    /// The node's status.
    pub fn status(&self) -> NodeStatus {
        match self.status.load(Ordering::Acquire) {
            0 => NodeStatus::Up,
            1 => NodeStatus::Down,
            _ => NodeStatus::Paused,
        }
    }

    /// Sets the node's status.
    pub fn set_status(&self, s: NodeStatus) {
        self.status.store(s as u8, Ordering::Release);
    }

    /// The counters of `shard`, if it exists.
    pub fn shard(&self, shard: u16) -> Option<&ShardCounters> {
        self.shards.get(shard as usize)
    }
}

/// Something every connection that REGISTERed for it must hear about.
#[derive(Debug, Clone)]
pub enum ClusterEvent {
    /// A schema change (pushed as SCHEMA_CHANGE).
    Schema(SchemaChangeEvent),
    /// A node went up or down (pushed as STATUS_CHANGE UP/DOWN with its CQL address).
    Status {
        /// The node.
        node: NodeId,
        /// Its CQL address.
        address: SocketAddr,
        /// Up (true) or down (false).
        up: bool,
    },
    /// A node joined or left (pushed as TOPOLOGY_CHANGE NEW_NODE/REMOVED_NODE).
    Topology {
        /// The node.
        node: NodeId,
        /// Its CQL address.
        address: SocketAddr,
        /// Joined (true) or removed (false).
        added: bool,
    },
}

/// The shared state of a simulated cluster.
#[derive(Debug)]
pub struct ClusterState {
    /// Static settings.
    pub config: SimConfig,
    /// The data and schema (one logical store for the whole cluster).
    pub store: Store,
    topology: RwLock<Arc<Topology>>,
    nodes: RwLock<HashMap<NodeId, Arc<NodeRuntime>>>,
    events: broadcast::Sender<ClusterEvent>,
}

impl ClusterState {
    /// A cluster with the given topology; every node starts up.
    pub fn new(config: SimConfig, store: Store, topology: Topology) -> Self {
        let nodes = topology
            .nodes()
            .map(|n| {
                (
                    n.id(),
                    Arc::new(NodeRuntime::new(n.nr_shards().get() as usize)),
                )
            })
            .collect();
        let (events, _) = broadcast::channel(4096);
        Self {
            config,
            store,
            topology: RwLock::new(Arc::new(topology)),
            nodes: RwLock::new(nodes),
            events,
        }
    }

    /// The current topology (a snapshot: cheap to clone, stays valid after changes).
    pub fn topology(&self) -> Arc<Topology> {
        Arc::clone(&self.topology.read().unwrap_or_else(|p| p.into_inner()))
    }

    /// Replaces the topology (after adding or removing a node) and registers runtime
    /// state for nodes that do not have one yet.
    pub fn set_topology(&self, topology: Topology) {
        {
            let mut nodes = self.nodes.write().unwrap_or_else(|p| p.into_inner());
            for n in topology.nodes() {
                nodes
                    .entry(n.id())
                    .or_insert_with(|| Arc::new(NodeRuntime::new(n.nr_shards().get() as usize)));
            }
            nodes.retain(|id, _| topology.node(*id).is_some());
        }
        *self.topology.write().unwrap_or_else(|p| p.into_inner()) = Arc::new(topology);
    }

    /// The runtime state of `node`.
    pub fn node(&self, node: NodeId) -> Option<Arc<NodeRuntime>> {
        self.nodes
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .get(&node)
            .cloned()
    }

    /// Whether `node` counts as alive for consistency levels (up or paused).
    pub fn is_alive(&self, node: NodeId) -> bool {
        self.node(node)
            .is_some_and(|n| n.status() != NodeStatus::Down)
    }

    /// Sends `event` to every subscriber (connections that REGISTERed).
    pub fn publish(&self, event: ClusterEvent) {
        // No subscribers is not an error.
        let _ = self.events.send(event);
    }

    /// A receiver of all future events.
    pub fn subscribe(&self) -> broadcast::Receiver<ClusterEvent> {
        self.events.subscribe()
    }
}
