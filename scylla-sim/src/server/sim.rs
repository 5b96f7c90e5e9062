//! Starting a simulated cluster in-process and controlling its nodes.

use std::collections::BTreeMap;
use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::num::NonZeroU16;
use std::sync::Arc;

use rand::Rng;
use uuid::Uuid;

use super::handshake::offered_features;
use super::{Listeners, NodeServer, NodeShared, RequestHandler, ServerShared, TlsIdentity};
use crate::cluster::{ClusterEvent, ClusterState, NodeStatus, ShardCounterSnapshot, SimConfig};
use crate::exec::Executor;
use crate::ring::{
    DEFAULT_NUM_TOKENS, DEFAULT_SHARD_AWARE_PORT, DEFAULT_SHARDING_IGNORE_MSB, MAX_NUM_TOKENS,
    NodeId, NodeSpec, Topology, TopologyError, deterministic_host_id,
};
use crate::store::Store;

use super::tls::TlsSetupError;

/// The default CQL port.
const DEFAULT_PORT: u16 = 9042;
/// How many random loopback blocks [`SimClusterBuilder::unique_addresses`] tries.
const UNIQUE_ADDRESS_ATTEMPTS: usize = 64;

/// Why a cluster could not be started or a node could not be controlled.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SimError {
    /// The configuration is not usable.
    #[error("invalid cluster configuration: {0}")]
    InvalidConfig(String),
    /// A port could not be bound (for instance, the address is in use).
    #[error("cannot listen on {address}: {source}")]
    Bind {
        /// The address.
        address: SocketAddr,
        /// The error.
        source: io::Error,
    },
    /// TLS could not be set up.
    #[error(transparent)]
    Tls(#[from] TlsSetupError),
    /// The topology refused a change.
    #[error(transparent)]
    Topology(#[from] TopologyError),
    /// No node has this id (never existed, or was decommissioned).
    #[error("no node {0} in the cluster")]
    UnknownNode(NodeId),
    /// The node must be running for this operation.
    #[error("{0} is stopped")]
    NodeStopped(NodeId),
}

/// Builds and starts a [`SimCluster`].
///
/// By default: one datacenter `datacenter1` with one node in rack `rack1`, one shard and
/// 256 vnodes per node, listening on 127.0.0.1 port 9042 and shard-aware port 19042, no
/// authentication, no TLS.
#[derive(Debug, Clone)]
pub struct SimClusterBuilder {
    datacenters: Vec<(String, usize)>,
    racks_per_datacenter: usize,
    explicit_nodes: Vec<(String, String)>,
    shards: u16,
    vnodes: usize,
    sharding_ignore_msb: u8,
    base_address: IpAddr,
    port: u16,
    shard_aware_port: Option<u16>,
    unique_addresses: bool,
    credentials: Option<(String, String)>,
    tls: Option<TlsIdentity>,
    cluster_name: String,
    seed: u64,
    max_frame_body_size: usize,
}

impl Default for SimClusterBuilder {
    fn default() -> Self {
        Self {
            datacenters: vec![("datacenter1".to_owned(), 1)],
            racks_per_datacenter: 1,
            explicit_nodes: Vec::new(),
            shards: 1,
            vnodes: DEFAULT_NUM_TOKENS,
            sharding_ignore_msb: DEFAULT_SHARDING_IGNORE_MSB,
            base_address: IpAddr::V4(Ipv4Addr::new(127, 0, 0, 1)),
            port: DEFAULT_PORT,
            shard_aware_port: Some(DEFAULT_SHARD_AWARE_PORT),
            unique_addresses: false,
            credentials: None,
            tls: None,
            cluster_name: SimConfig::default().cluster_name,
            seed: 0x005c_111a_5eed,
            max_frame_body_size: scylla_cql::frame::DEFAULT_MAX_FRAME_BODY_SIZE,
        }
    }
}

impl SimClusterBuilder {
    /// A builder with the defaults (see the type's documentation).
    pub fn new() -> Self {
        Self::default()
    }

    /// `n` nodes in one datacenter, `datacenter1`.
    pub fn nodes(mut self, n: usize) -> Self {
        self.datacenters = vec![("datacenter1".to_owned(), n)];
        self.explicit_nodes.clear();
        self
    }

    /// Nodes in several datacenters: `&[("dc1", 3), ("dc2", 2)]` gives nodes 0-2 in
    /// `dc1` and nodes 3-4 in `dc2` (addresses in that order).
    pub fn datacenters(mut self, datacenters: &[(&str, usize)]) -> Self {
        self.datacenters = datacenters
            .iter()
            .map(|(dc, n)| ((*dc).to_owned(), *n))
            .collect();
        self.explicit_nodes.clear();
        self
    }

    /// Spreads each datacenter's nodes over `racks` racks, `rack1`..`rackN`, round
    /// robin (the default is one rack).
    pub fn racks_per_datacenter(mut self, racks: usize) -> Self {
        self.racks_per_datacenter = racks;
        self
    }

    /// Adds one node in `datacenter` and `rack`. Once this is called, the cluster is
    /// made of exactly the nodes given this way, in order ([`Self::nodes`] and
    /// [`Self::datacenters`] are ignored).
    pub fn node(mut self, datacenter: &str, rack: &str) -> Self {
        self.explicit_nodes
            .push((datacenter.to_owned(), rack.to_owned()));
        self
    }

    /// The number of shards of every node (default 1).
    pub fn shards(mut self, shards: u16) -> Self {
        self.shards = shards;
        self
    }

    /// The number of tokens (vnodes) of every node (default 256).
    pub fn vnodes(mut self, vnodes: usize) -> Self {
        self.vnodes = vnodes;
        self
    }

    /// The `SCYLLA_SHARDING_IGNORE_MSB` of every node (default 12).
    pub fn sharding_ignore_msb(mut self, ignore_msb: u8) -> Self {
        self.sharding_ignore_msb = ignore_msb;
        self
    }

    /// The address of the first node; the others follow (127.0.0.1, 127.0.0.2, ...).
    pub fn base_address(mut self, address: IpAddr) -> Self {
        self.base_address = address;
        self.unique_addresses = false;
        self
    }

    /// The CQL port of every node (default 9042).
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    /// The shard-aware port of every node (default 19042); `None` disables it.
    pub fn shard_aware_port(mut self, port: Option<u16>) -> Self {
        self.shard_aware_port = port;
        self
    }

    /// Chooses a random loopback block `127.X.Y.1` for the nodes at build time, and
    /// another one if an address is taken: many clusters (for instance one per test)
    /// can then run at the same time on the default ports.
    pub fn unique_addresses(mut self) -> Self {
        self.unique_addresses = true;
        self
    }

    /// Requires password authentication with the given user and password.
    pub fn credentials(mut self, user: &str, password: &str) -> Self {
        self.credentials = Some((user.to_owned(), password.to_owned()));
        self
    }

    /// Requires password authentication as `cassandra` / `cassandra`.
    pub fn password_authentication(self) -> Self {
        self.credentials("cassandra", "cassandra")
    }

    /// Serves TLS on every port with this certificate and key.
    pub fn tls(mut self, identity: TlsIdentity) -> Self {
        self.tls = Some(identity);
        self
    }

    /// The `cluster_name` reported in `system.local`.
    pub fn cluster_name(mut self, name: &str) -> Self {
        self.cluster_name = name.to_owned();
        self
    }

    /// The seed of token allocation (the same seed gives the same tokens).
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// The largest request body accepted (default 256 MiB); a larger one gets a
    /// protocol error and the connection is closed.
    pub fn max_frame_body_size(mut self, bytes: usize) -> Self {
        self.max_frame_body_size = bytes;
        self
    }

    fn placements(&self) -> Result<Vec<(String, String)>, SimError> {
        if !self.explicit_nodes.is_empty() {
            return Ok(self.explicit_nodes.clone());
        }
        if self.racks_per_datacenter == 0 {
            return Err(SimError::InvalidConfig(
                "a datacenter needs at least one rack".to_owned(),
            ));
        }
        let mut out = Vec::new();
        for (dc, n) in &self.datacenters {
            for i in 0..*n {
                let rack = format!("rack{}", i % self.racks_per_datacenter + 1);
                out.push((dc.clone(), rack));
            }
        }
        Ok(out)
    }

    fn validate(&self, placements: &[(String, String)]) -> Result<NonZeroU16, SimError> {
        let invalid = |m: String| Err(SimError::InvalidConfig(m));
        if placements.is_empty() {
            return invalid("a cluster needs at least one node".to_owned());
        }
        if placements.len() > 250 {
            return invalid(format!(
                "{} nodes requested; at most 250 are supported",
                placements.len()
            ));
        }
        let Some(shards) = NonZeroU16::new(self.shards) else {
            return invalid("a node needs at least one shard".to_owned());
        };
        if self.shards > 1024 {
            return invalid(format!("{} shards requested; at most 1024", self.shards));
        }
        if self.vnodes == 0 || self.vnodes > MAX_NUM_TOKENS {
            return invalid(format!(
                "{} vnodes requested; must be between 1 and {MAX_NUM_TOKENS}",
                self.vnodes
            ));
        }
        if self.sharding_ignore_msb > 63 {
            return invalid(format!(
                "sharding ignore_msb {} is not a bit count (0..=63)",
                self.sharding_ignore_msb
            ));
        }
        if self.port == 0 {
            return invalid("port 0: every node must listen on the same, known port".to_owned());
        }
        if self.shard_aware_port == Some(0) || self.shard_aware_port == Some(self.port) {
            return invalid(format!(
                "the shard-aware port ({:?}) must be a nonzero port other than the CQL port {}",
                self.shard_aware_port, self.port
            ));
        }
        if self.max_frame_body_size < 1024 {
            return invalid(format!(
                "a maximum frame body of {} bytes is too small (at least 1024)",
                self.max_frame_body_size
            ));
        }
        for (dc, rack) in placements {
            if dc.is_empty() || rack.is_empty() {
                return invalid("datacenter and rack names must not be empty".to_owned());
            }
        }
        Ok(shards)
    }

    /// Starts the cluster: binds every node's ports and starts serving. Must be called
    /// inside a Tokio runtime; the cluster's tasks run on it.
    pub async fn build(self) -> Result<SimCluster, SimError> {
        self.build_with(crate::server::sim::default_handler).await
    }

    pub(crate) async fn build_with(
        self,
        make_handler: impl FnOnce(&Arc<ClusterState>) -> Arc<dyn RequestHandler>,
    ) -> Result<SimCluster, SimError> {
        let placements = self.placements()?;
        let shards = self.validate(&placements)?;
        let tls = self.tls.as_ref().map(TlsIdentity::acceptor).transpose()?;
        let attempts = if self.unique_addresses {
            UNIQUE_ADDRESS_ATTEMPTS
        } else {
            1
        };
        let mut last_error = None;
        for _ in 0..attempts {
            let base = if self.unique_addresses {
                random_loopback_block()
            } else {
                self.base_address
            };
            let topology = self.topology(base, &placements, shards)?;
            match bind_all(&topology, self.port, self.shard_aware_port) {
                Ok(bound) => {
                    return Ok(self.start(base, topology, bound, tls, shards, make_handler));
                }
                Err(SimError::Bind { address, source })
                    if self.unique_addresses
                        && matches!(
                            source.kind(),
                            io::ErrorKind::AddrInUse | io::ErrorKind::AddrNotAvailable
                        ) =>
                {
                    last_error = Some(SimError::Bind { address, source });
                }
                Err(e) => return Err(e),
            }
        }
        Err(last_error.unwrap_or_else(|| {
            SimError::InvalidConfig("no free loopback address block found".to_owned())
        }))
    }

    fn topology(
        &self,
        base: IpAddr,
        placements: &[(String, String)],
        shards: NonZeroU16,
    ) -> Result<Topology, SimError> {
        let mut topology = Topology::new(self.seed);
        for (index, (dc, rack)) in placements.iter().enumerate() {
            let index = index as u32;
            let address = nth_address(base, index).ok_or_else(|| {
                SimError::InvalidConfig(format!("no address {index} after base address {base}"))
            })?;
            let spec = NodeSpec::new(
                deterministic_host_id(self.seed, index),
                address,
                dc.clone(),
                rack.clone(),
            )
            .with_num_tokens(self.vnodes)
            .with_shards(shards)
            .with_sharding_ignore_msb(self.sharding_ignore_msb);
            topology.add_node(spec)?;
        }
        Ok(topology)
    }

    fn start(
        self,
        base: IpAddr,
        topology: Topology,
        bound: Vec<(NodeServer, Listeners)>,
        tls: Option<tokio_rustls::TlsAcceptor>,
        shards: NonZeroU16,
        make_handler: impl FnOnce(&Arc<ClusterState>) -> Arc<dyn RequestHandler>,
    ) -> SimCluster {
        let node_count = topology.node_count() as u32;
        let config = SimConfig {
            cluster_name: self.cluster_name.clone(),
            port: self.port,
            shard_aware_port: self.shard_aware_port.unwrap_or(0),
            credentials: self.credentials.clone(),
            ..SimConfig::default()
        };
        let state = Arc::new(ClusterState::new(config, Store::new(), topology));
        let handler = make_handler(&state);
        let server = Arc::new(ServerShared {
            state: Arc::clone(&state),
            handler,
            tls,
            max_body_size: self.max_frame_body_size,
            offered_features: offered_features(),
            shard_aware_port: self.shard_aware_port,
        });
        let mut nodes = BTreeMap::new();
        for (mut node, listeners) in bound {
            node.start(Arc::clone(&server), listeners);
            nodes.insert(node.shared().id, node);
        }
        SimCluster {
            state,
            server,
            control: tokio::sync::Mutex::new(Control {
                nodes,
                next_index: node_count,
            }),
            base,
            shards,
            vnodes: self.vnodes,
            sharding_ignore_msb: self.sharding_ignore_msb,
            seed: self.seed,
        }
    }
}

fn default_handler(state: &Arc<ClusterState>) -> Arc<dyn RequestHandler> {
    Arc::new(Executor::new(Arc::clone(state)))
}

fn bind_all(
    topology: &Topology,
    port: u16,
    shard_aware_port: Option<u16>,
) -> Result<Vec<(NodeServer, Listeners)>, SimError> {
    let mut bound = Vec::new();
    for node in topology.nodes() {
        let server = NodeServer::new(Arc::new(NodeShared::new(node, port)));
        let listeners = server
            .bind(shard_aware_port)
            .map_err(|(address, source)| SimError::Bind { address, source })?;
        bound.push((server, listeners));
    }
    Ok(bound)
}

/// The address `index` steps after `base`, if it exists.
fn nth_address(base: IpAddr, index: u32) -> Option<IpAddr> {
    match base {
        IpAddr::V4(v4) => u32::from(v4)
            .checked_add(index)
            .map(|a| IpAddr::V4(Ipv4Addr::from(a))),
        IpAddr::V6(v6) => u128::from(v6)
            .checked_add(u128::from(index))
            .map(|a| IpAddr::V6(Ipv6Addr::from(a))),
    }
}

/// A random `127.X.Y.1` with X in 1..=254 (so never the default 127.0.0.x block).
fn random_loopback_block() -> IpAddr {
    let mut rng = rand::rng();
    IpAddr::V4(Ipv4Addr::new(
        127,
        rng.random_range(1..=254),
        rng.random(),
        1,
    ))
}

/// Finds a loopback block `127.X.Y.1` where `nodes` consecutive addresses can listen
/// on `port` (and `shard_aware_port`, if given) right now, for tests that start a
/// cluster (or the `scylla-sim` binary) on addresses of their own.
///
/// Another process may take the addresses before they are used; prefer
/// [`SimClusterBuilder::unique_addresses`], which retries at bind time.
pub fn free_loopback_base(
    nodes: usize,
    port: u16,
    shard_aware_port: Option<u16>,
) -> io::Result<Ipv4Addr> {
    let nodes = u32::try_from(nodes)
        .ok()
        .filter(|n| (1..=250).contains(n))
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "1 to 250 nodes"))?;
    let mut last = io::Error::new(io::ErrorKind::AddrInUse, "no free loopback block");
    for _ in 0..UNIQUE_ADDRESS_ATTEMPTS {
        let IpAddr::V4(base) = random_loopback_block() else {
            continue;
        };
        let all_free = (0..nodes).try_for_each(|i| {
            let ip = IpAddr::V4(Ipv4Addr::from(u32::from(base) + i));
            let _a = super::bind_listener(SocketAddr::new(ip, port))?;
            if let Some(p) = shard_aware_port {
                let _b = super::bind_listener(SocketAddr::new(ip, p))?;
            }
            Ok::<(), io::Error>(())
        });
        match all_free {
            Ok(()) => return Ok(base),
            Err(e) => last = e,
        }
    }
    Err(last)
}

struct Control {
    nodes: BTreeMap<NodeId, NodeServer>,
    next_index: u32,
}

/// A running simulated cluster. Dropping it stops every node (its tasks are aborted);
/// [`SimCluster::shutdown`] does the same and waits until every connection is closed.
pub struct SimCluster {
    state: Arc<ClusterState>,
    server: Arc<ServerShared>,
    control: tokio::sync::Mutex<Control>,
    base: IpAddr,
    shards: NonZeroU16,
    vnodes: usize,
    sharding_ignore_msb: u8,
    seed: u64,
}

impl std::fmt::Debug for SimCluster {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SimCluster")
            .field("nodes", &self.nodes())
            .finish_non_exhaustive()
    }
}

/// What a node is and where it listens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeInfo {
    /// The node's id (nodes are numbered from 0 in the order they were created).
    pub id: NodeId,
    /// Its CQL address.
    pub address: SocketAddr,
    /// Its host id (`system.local.host_id`).
    pub host_id: Uuid,
    /// Its datacenter.
    pub datacenter: String,
    /// Its rack.
    pub rack: String,
    /// Its number of shards.
    pub shards: u16,
    /// Whether it is up, stopped or paused.
    pub status: NodeStatus,
}

/// The request counters of one node, per shard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeCounters {
    /// The node.
    pub node: NodeId,
    /// Its CQL address.
    pub address: SocketAddr,
    /// One entry per shard.
    pub shards: Vec<ShardCounterSnapshot>,
}

impl NodeCounters {
    /// The sum over the node's shards.
    pub fn total(&self) -> ShardCounterSnapshot {
        self.shards
            .iter()
            .fold(ShardCounterSnapshot::default(), |a, b| a.plus(*b))
    }
}

/// The request counters of every node.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CountersSnapshot {
    /// One entry per node, by id.
    pub nodes: Vec<NodeCounters>,
}

impl CountersSnapshot {
    /// The counters of `node`.
    pub fn node(&self, node: NodeId) -> Option<&NodeCounters> {
        self.nodes.iter().find(|n| n.node == node)
    }

    /// The sum over all nodes and shards.
    pub fn total(&self) -> ShardCounterSnapshot {
        self.nodes
            .iter()
            .fold(ShardCounterSnapshot::default(), |a, n| a.plus(n.total()))
    }
}

impl SimCluster {
    /// A builder with the defaults.
    pub fn builder() -> SimClusterBuilder {
        SimClusterBuilder::new()
    }

    /// The shared cluster state (schema and data, topology, node status, counters,
    /// events).
    pub fn state(&self) -> &Arc<ClusterState> {
        &self.state
    }

    /// The CQL address of every node (stopped ones included), by node id.
    pub fn contact_points(&self) -> Vec<SocketAddr> {
        let port = self.state.config.port;
        self.state
            .topology()
            .nodes()
            .map(|n| SocketAddr::new(n.address(), port))
            .collect()
    }

    /// The address of the first node, the block the others follow.
    pub fn base_address(&self) -> IpAddr {
        self.base
    }

    /// Every node, by id.
    pub fn nodes(&self) -> Vec<NodeInfo> {
        let port = self.state.config.port;
        self.state
            .topology()
            .nodes()
            .map(|n| NodeInfo {
                id: n.id(),
                address: SocketAddr::new(n.address(), port),
                host_id: n.host_id(),
                datacenter: n.datacenter().to_owned(),
                rack: n.rack().to_owned(),
                shards: n.nr_shards().get(),
                status: self
                    .state
                    .node(n.id())
                    .map_or(NodeStatus::Down, |r| r.status()),
            })
            .collect()
    }

    /// The CQL address of `node`.
    pub fn node_address(&self, node: NodeId) -> Option<SocketAddr> {
        let topology = self.state.topology();
        let n = topology.node(node)?;
        Some(SocketAddr::new(n.address(), self.state.config.port))
    }

    /// The node listening at `address` (its IP; the port is ignored).
    pub fn node_at(&self, address: SocketAddr) -> Option<NodeId> {
        self.state
            .topology()
            .node_by_address(address.ip())
            .map(|n| n.id())
    }

    /// Stops a node: it stops listening, its connections are closed, the other nodes
    /// push `STATUS_CHANGE DOWN`, and it forgets its prepared statements. Stopping a
    /// stopped node does nothing.
    pub async fn stop_node(&self, node: NodeId) -> Result<(), SimError> {
        let mut control = self.control.lock().await;
        let server = control
            .nodes
            .get_mut(&node)
            .ok_or(SimError::UnknownNode(node))?;
        if !server.is_running() {
            return Ok(());
        }
        let address = server.shared().address;
        if let Some(runtime) = self.state.node(node) {
            runtime.set_status(NodeStatus::Down);
        }
        server.stop().await;
        self.server.handler.forget_prepared(node);
        self.state.publish(ClusterEvent::Status {
            node,
            address,
            up: false,
        });
        Ok(())
    }

    /// Starts a stopped node again: it listens and the other nodes push
    /// `STATUS_CHANGE UP`. Starting a running node does nothing.
    pub async fn start_node(&self, node: NodeId) -> Result<(), SimError> {
        let mut control = self.control.lock().await;
        let server = control
            .nodes
            .get_mut(&node)
            .ok_or(SimError::UnknownNode(node))?;
        if server.is_running() {
            return Ok(());
        }
        let listeners = server
            .bind(self.server.shard_aware_port)
            .map_err(|(address, source)| SimError::Bind { address, source })?;
        let address = server.shared().address;
        server.start(Arc::clone(&self.server), listeners);
        if let Some(runtime) = self.state.node(node) {
            runtime.set_status(NodeStatus::Up);
        }
        self.state.publish(ClusterEvent::Status {
            node,
            address,
            up: true,
        });
        Ok(())
    }

    /// Stops and starts a node (its connections drop; prepared statements are
    /// forgotten).
    pub async fn restart_node(&self, node: NodeId) -> Result<(), SimError> {
        self.stop_node(node).await?;
        self.start_node(node).await
    }

    /// Pauses a node, as in a long GC pause: it keeps accepting connections and
    /// reading requests but answers none (requests read while paused are dropped) and
    /// pushes no events. The others still see it up.
    pub async fn pause_node(&self, node: NodeId) -> Result<(), SimError> {
        self.set_paused(node, true).await
    }

    /// Resumes a paused node: requests read from now on are answered.
    pub async fn resume_node(&self, node: NodeId) -> Result<(), SimError> {
        self.set_paused(node, false).await
    }

    async fn set_paused(&self, node: NodeId, paused: bool) -> Result<(), SimError> {
        let control = self.control.lock().await;
        let server = control
            .nodes
            .get(&node)
            .ok_or(SimError::UnknownNode(node))?;
        if !server.is_running() {
            return Err(SimError::NodeStopped(node));
        }
        server.set_paused(paused);
        if let Some(runtime) = self.state.node(node) {
            runtime.set_status(if paused {
                NodeStatus::Paused
            } else {
                NodeStatus::Up
            });
        }
        Ok(())
    }

    /// Adds a node to `datacenter` and `rack` at the next address of the block: it
    /// gets tokens, listens, appears in `system.peers`, and the other nodes push
    /// `TOPOLOGY_CHANGE NEW_NODE`. Returns its id.
    pub async fn add_node(&self, datacenter: &str, rack: &str) -> Result<NodeId, SimError> {
        if datacenter.is_empty() || rack.is_empty() {
            return Err(SimError::InvalidConfig(
                "datacenter and rack names must not be empty".to_owned(),
            ));
        }
        let mut control = self.control.lock().await;
        let index = control.next_index;
        let address = nth_address(self.base, index).ok_or_else(|| {
            SimError::InvalidConfig(format!("no address {index} after {}", self.base))
        })?;
        let spec = NodeSpec::new(
            deterministic_host_id(self.seed, index),
            address,
            datacenter,
            rack,
        )
        .with_num_tokens(self.vnodes)
        .with_shards(self.shards)
        .with_sharding_ignore_msb(self.sharding_ignore_msb);
        let mut topology = Topology::clone(&self.state.topology());
        let id = topology.add_node(spec)?;
        let node = topology.node(id).ok_or(SimError::UnknownNode(id))?;
        let mut server = NodeServer::new(Arc::new(NodeShared::new(node, self.state.config.port)));
        let listeners = server
            .bind(self.server.shard_aware_port)
            .map_err(|(address, source)| SimError::Bind { address, source })?;
        let cql_address = server.shared().address;
        control.next_index = index + 1;
        self.state.set_topology(topology);
        server.start(Arc::clone(&self.server), listeners);
        control.nodes.insert(id, server);
        self.state.publish(ClusterEvent::Topology {
            node: id,
            address: cql_address,
            added: true,
        });
        Ok(id)
    }

    /// Decommissions a node: it stops (connections closed), leaves the ring and
    /// `system.peers`, and the other nodes push `TOPOLOGY_CHANGE REMOVED_NODE`.
    pub async fn decommission_node(&self, node: NodeId) -> Result<(), SimError> {
        let mut control = self.control.lock().await;
        if !control.nodes.contains_key(&node) {
            return Err(SimError::UnknownNode(node));
        }
        if control.nodes.len() == 1 {
            return Err(SimError::InvalidConfig(
                "cannot decommission the last node".to_owned(),
            ));
        }
        let mut topology = Topology::clone(&self.state.topology());
        topology.remove_node(node)?;
        let Some(mut server) = control.nodes.remove(&node) else {
            return Err(SimError::UnknownNode(node));
        };
        let address = server.shared().address;
        server.stop().await;
        self.server.handler.forget_prepared(node);
        self.state.set_topology(topology);
        self.state.publish(ClusterEvent::Topology {
            node,
            address,
            added: false,
        });
        Ok(())
    }

    /// The request counters of every node and shard.
    pub fn counters(&self) -> CountersSnapshot {
        self.collect_counters(|c| c.snapshot())
    }

    /// The request counters, reset to zero as they are read.
    pub fn take_counters(&self) -> CountersSnapshot {
        self.collect_counters(|c| c.take())
    }

    /// Sets every request counter to zero.
    pub fn reset_counters(&self) {
        let _ = self.take_counters();
    }

    fn collect_counters(
        &self,
        read: impl Fn(&crate::cluster::ShardCounters) -> ShardCounterSnapshot,
    ) -> CountersSnapshot {
        let port = self.state.config.port;
        let nodes = self
            .state
            .topology()
            .nodes()
            .filter_map(|n| {
                let runtime = self.state.node(n.id())?;
                Some(NodeCounters {
                    node: n.id(),
                    address: SocketAddr::new(n.address(), port),
                    shards: runtime.shards.iter().map(&read).collect(),
                })
            })
            .collect();
        CountersSnapshot { nodes }
    }

    /// Stops every node and waits until all connections are closed. No events are
    /// pushed.
    pub async fn shutdown(self) {
        let mut control = self.control.lock().await;
        for server in control.nodes.values_mut() {
            server.stop().await;
        }
    }
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;

    use scylla_cql::frame::SerializedRequest;
    use scylla_cql::frame::request::query::{Query, QueryParameters};
    use scylla_cql::frame::request::{DeserializedBatch, ExecuteV2, Startup};
    use scylla_cql::frame::response::error::code;
    use scylla_cql::frame::{read_response_frame, types};
    use tokio::io::AsyncWriteExt;

    use super::*;
    use crate::exec::{ConnectionState, Outcome, RequestContext};

    /// A handler with a bug.
    struct Panicking;

    impl RequestHandler for Panicking {
        fn query(&self, _: &RequestContext<'_>, _: &mut ConnectionState, q: &Query<'_>) -> Outcome {
            panic!("bug while running {}", q.contents);
        }
        fn prepare(&self, _: &RequestContext<'_>, _: &mut ConnectionState, _: &str) -> Outcome {
            panic!("bug");
        }
        fn execute(
            &self,
            _: &RequestContext<'_>,
            _: &mut ConnectionState,
            _: &ExecuteV2<'_>,
        ) -> Outcome {
            panic!("bug");
        }
        fn batch(
            &self,
            _: &RequestContext<'_>,
            _: &mut ConnectionState,
            _: &DeserializedBatch<'_>,
        ) -> Outcome {
            panic!("bug");
        }
        fn forget_prepared(&self, _: NodeId) {}
    }

    #[tokio::test]
    async fn a_panicking_executor_answers_a_server_error_and_the_connection_goes_on() {
        let cluster = SimCluster::builder()
            .unique_addresses()
            .build_with(|_| Arc::new(Panicking))
            .await
            .unwrap();
        let mut socket = tokio::net::TcpStream::connect(cluster.contact_points()[0])
            .await
            .unwrap();
        let startup = SerializedRequest::make(&Startup::default(), None, false).unwrap();
        let query = Query {
            contents: Cow::Borrowed("SELECT 1"),
            parameters: QueryParameters::default(),
        };
        let mut query = SerializedRequest::make(&query, None, false).unwrap();
        query.set_stream(5);
        for frame in [startup.get_data(), query.get_data(), query.get_data()] {
            socket.write_all(frame).await.unwrap();
        }
        let (_, opcode, _) = read_response_frame(&mut socket).await.unwrap();
        assert_eq!(opcode, scylla_cql::frame::response::ResponseOpcode::Ready);
        for _ in 0..2 {
            let (params, opcode, body) = read_response_frame(&mut socket).await.unwrap();
            assert_eq!(params.stream, 5);
            assert_eq!(opcode, scylla_cql::frame::response::ResponseOpcode::Error);
            let mut buf: &[u8] = &body;
            assert_eq!(types::read_int(&mut buf).unwrap(), code::SERVER_ERROR);
            let message = types::read_string(&mut buf).unwrap();
            assert!(message.contains("bug while running SELECT 1"), "{message}");
        }
    }
}
