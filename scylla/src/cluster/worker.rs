//! The cluster worker: keeps the session's [`ClusterState`] up to date.
//!
//! A background task owns the *control connection*, one connection (not part of any
//! pool) to some node of the cluster. Through it the worker
//! - reads `system.local` and `system.peers` (the topology) and the `system_schema`
//!   tables (the schema) and builds a new [`ClusterState`] from them;
//! - registers for `TOPOLOGY_CHANGE`, `STATUS_CHANGE` and `SCHEMA_CHANGE` events and
//!   reacts: a node added or removed re-reads the topology, a node reported down or
//!   up is marked so (load balancing skips down nodes), a schema change re-reads the
//!   schema of the keyspace it names;
//! - re-reads everything periodically (`cluster_metadata_refresh_interval`).
//!
//! When the control connection breaks, the worker opens one to another node (the
//! known nodes, then every node it knows) and re-reads everything.
//!
//! Each node of the state has its connection pool; the worker creates the pools of
//! new nodes (translating their addresses first) and watches them: a node whose pool
//! connects again after failing is marked up.
//!
//! The current state is published in an [`ArcSwap`]: readers (every request) load it
//! without locking.

use std::collections::{HashMap, HashSet};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use arc_swap::{ArcSwap, ArcSwapOption};
use rand::seq::SliceRandom;
use scylla_cql::deserialize::FrameSlice;
use scylla_cql::deserialize::result::{RawRowIterator, TypedRowIterator};
use scylla_cql::deserialize::row::DeserializeRow;
use scylla_cql::frame::request::Query;
use scylla_cql::frame::request::query::{PagingState, PagingStateResponse, QueryParameters};
use scylla_cql::frame::response::event::{
    EventV2, SchemaChangeEvent, StatusChangeEvent, TopologyChangeEvent,
};
use scylla_cql::frame::response::result;
use scylla_cql::frame::response::tablets::TabletsRoutingV1;
use scylla_cql::frame::server_event_type::EventTypeV2;
use scylla_cql::frame::types::Consistency;
use tokio::sync::{mpsc, oneshot};
use tracing::{debug, info, warn};
use uuid::Uuid;

use super::metadata::parse::{
    ColumnRow, KeyspaceRow, LocalRow, Metadata, PeerRow, SchemaRows, ScyllaKeyspaceRow,
    ScyllaTableRow, TableRow, UdtRow, ViewRow,
};
use super::metadata::{Peer, PeriodicFetchMode};
use super::node::Node;
use super::state::ClusterState;
use crate::errors::{
    ConnectionError, ConnectionPoolError, DbError, MetadataError, MetadataFetchError,
    MetadataFetchErrorKind, NextPageError, NextRowError, RequestAttemptError, RequestError,
};
use crate::network::connection::{Connection, ConnectionConfig, VerifiedKeyspaceName};
use crate::network::connection_pool::{NodeConnectionPool, PoolConfig, PoolStatus};
use crate::policies::address_translator::{AddressTranslator, UntranslatedPeer};
use crate::policies::host_filter::HostFilter;

#[cfg(feature = "metrics")]
use crate::observability::metrics::Metrics;

/// The page size of metadata queries.
const METADATA_PAGE_SIZE: i32 = 1024;
/// The number of slots of the worker's request queue tablet updates leave free.
const TABLET_UPDATE_RESERVE: usize = 16;
/// The pause between rounds of attempts to open a control connection.
const CONTROL_RECONNECT_DELAY: Duration = Duration::from_millis(500);

/// Everything the worker needs from the session's configuration.
pub(crate) struct ClusterConfig {
    /// The resolved known nodes.
    pub(crate) known_addresses: Vec<SocketAddr>,
    /// How pools (and the control connection) connect.
    pub(crate) pool_config: PoolConfig,
    pub(crate) host_filter: Option<Arc<dyn HostFilter>>,
    pub(crate) address_translator: Option<Arc<dyn AddressTranslator>>,
    pub(crate) fetch_schema_metadata: bool,
    pub(crate) fetch_full_schema_metadata: bool,
    /// Empty: all keyspaces.
    pub(crate) keyspaces_to_fetch: Vec<String>,
    pub(crate) metadata_request_serverside_timeout: Option<Duration>,
    pub(crate) metadata_request_clientside_timeout: Duration,
    pub(crate) refresh_interval: Duration,
    pub(crate) periodic_fetch_mode: PeriodicFetchMode,
    #[cfg(feature = "metrics")]
    pub(crate) metrics: Arc<Metrics>,
}

impl ClusterConfig {
    fn control_connection_config(&self) -> ConnectionConfig {
        self.pool_config.connection_config.clone()
    }
}

/// What the session asks the worker to do.
enum WorkerRequest {
    /// Re-read all metadata now.
    Refresh(oneshot::Sender<Result<(), MetadataError>>),
    /// A node's pool connected again after being broken (or for the first time).
    PoolConnected(Uuid),
    /// A node told where a tablet of a table is (`tablets-routing-v1` payload).
    Tablet(TabletUpdate),
}

/// The part of the cluster the session and its requests share with the worker.
pub(crate) struct ClusterShared {
    state: ArcSwap<ClusterState>,
    /// The keyspace new pools switch their connections to.
    keyspace: ArcSwapOption<VerifiedKeyspaceName>,
    requests: mpsc::Sender<WorkerRequest>,
    config: ClusterConfig,
}

impl std::fmt::Debug for ClusterShared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClusterShared")
            .field("state", &*self.state.load())
            .finish_non_exhaustive()
    }
}

impl ClusterShared {
    /// The current state.
    #[inline]
    pub(crate) fn state(&self) -> arc_swap::Guard<Arc<ClusterState>> {
        self.state.load()
    }

    /// The current state, shared.
    pub(crate) fn state_arc(&self) -> Arc<ClusterState> {
        self.state.load_full()
    }

    /// Re-reads all metadata and waits for the new state.
    pub(crate) async fn refresh_metadata(&self) -> Result<(), MetadataError> {
        let (tx, rx) = oneshot::channel();
        let gone = || MetadataError::ConnectionPoolError(worker_gone());
        self.requests
            .send(WorkerRequest::Refresh(tx))
            .await
            .map_err(|_| gone())?;
        rx.await.map_err(|_| gone())?
    }

    /// Sets the keyspace new pools use (the session switches existing pools).
    pub(crate) fn set_keyspace(&self, keyspace: VerifiedKeyspaceName) {
        self.keyspace.store(Some(Arc::new(keyspace)));
    }

    /// Hands a tablet a node sent to the worker, which records it in the state so that
    /// later requests for its tokens go to its replicas. Never waits: when the worker
    /// is busy the tablet is dropped (the node will send it again). Tablets never take
    /// the last [`TABLET_UPDATE_RESERVE`] slots of the worker's queue, which stay for
    /// the other requests (a pool that connected again must not be lost).
    pub(crate) fn record_tablet(&self, keyspace: &str, table: &str, tablet: TabletsRoutingV1) {
        let update = TabletUpdate {
            keyspace: keyspace.to_owned(),
            table: table.to_owned(),
            tablet,
        };
        if self.requests.capacity() <= TABLET_UPDATE_RESERVE
            || self
                .requests
                .try_send(WorkerRequest::Tablet(update))
                .is_err()
        {
            debug!(%keyspace, %table, "tablet update dropped: the cluster worker is busy or gone");
        }
    }
}

/// A tablet of a table, as a node sent it.
pub(crate) struct TabletUpdate {
    keyspace: String,
    table: String,
    tablet: TabletsRoutingV1,
}

fn worker_gone() -> ConnectionPoolError {
    ConnectionPoolError::Broken {
        last_connection_error: ConnectionError::BrokenConnection(
            crate::errors::BrokenConnectionErrorKind::ChannelError.into(),
        ),
    }
}

/// The session's cluster: the shared state and the worker task, stopped on drop.
pub(crate) struct Cluster {
    shared: Arc<ClusterShared>,
    worker: tokio::task::AbortHandle,
}

impl Drop for Cluster {
    fn drop(&mut self) {
        self.worker.abort();
    }
}

impl std::fmt::Debug for Cluster {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.shared.fmt(f)
    }
}

impl Cluster {
    /// Opens the control connection to one of the known nodes, reads the metadata,
    /// opens the pools and starts the worker. Waits until every pool made its first
    /// connection attempts.
    pub(crate) async fn new(config: ClusterConfig) -> Result<Cluster, MetadataError> {
        let (requests_tx, requests_rx) = mpsc::channel(64);
        let mut known = config.known_addresses.clone();
        known.shuffle(&mut rand::rng());
        let mut last_error = None;
        let mut control = None;
        for addr in known {
            match ControlConnection::open(addr, &config).await {
                Ok(c) => {
                    control = Some(c);
                    break;
                }
                Err(e) => {
                    warn!("control connection to {addr} failed: {e}");
                    last_error = Some(e);
                }
            }
        }
        let Some(control) = control else {
            return Err(MetadataError::ConnectionPoolError(
                ConnectionPoolError::Broken {
                    last_connection_error: last_error.unwrap_or(ConnectionError::ConnectTimeout),
                },
            ));
        };
        let metadata = fetch_metadata(&control.connection, &config, None, None).await?;
        let shared = Arc::new(ClusterShared {
            state: ArcSwap::from_pointee(ClusterState::new_with_node_factory(
                Metadata::default(),
                None,
                None,
                |peer, _| Node::new(peer, None),
            )),
            keyspace: ArcSwapOption::empty(),
            requests: requests_tx,
            config,
        });
        let mut worker = Worker {
            shared: Arc::clone(&shared),
            control: Some(control),
            requests: requests_rx,
            affected_keyspaces: HashSet::new(),
        };
        let state = worker.build_state(metadata, None).await;
        shared.state.store(Arc::new(state));
        let pools: Vec<Arc<NodeConnectionPool>> = shared
            .state()
            .get_nodes_info()
            .iter()
            .filter_map(|n| n.pool().cloned())
            .collect();
        futures::future::join_all(pools.iter().map(|p| p.wait_until_initialized())).await;
        let task = tokio::spawn(worker.run());
        Ok(Cluster {
            shared,
            worker: task.abort_handle(),
        })
    }

    /// The state shared with requests.
    pub(crate) fn shared(&self) -> &Arc<ClusterShared> {
        &self.shared
    }
}

/// The control connection and its event channel.
struct ControlConnection {
    connection: Connection,
    events: mpsc::Receiver<EventV2>,
}

impl ControlConnection {
    async fn open(addr: SocketAddr, config: &ClusterConfig) -> Result<Self, ConnectionError> {
        let connection = Connection::open(addr, None, &config.control_connection_config()).await?;
        let events = connection
            .register(&[
                EventTypeV2::TopologyChange,
                EventTypeV2::StatusChange,
                EventTypeV2::SchemaChange,
            ])
            .await?;
        debug!("control connection opened to {addr}");
        Ok(Self { connection, events })
    }
}

/// What woke the worker up.
enum Wakeup {
    Request(Option<WorkerRequest>),
    Event(Option<EventV2>),
    ControlClosed,
    Tick,
}

struct Worker {
    shared: Arc<ClusterShared>,
    control: Option<ControlConnection>,
    requests: mpsc::Receiver<WorkerRequest>,
    /// Keyspaces named by schema events since the last periodic fetch.
    affected_keyspaces: HashSet<String>,
}

impl Worker {
    fn config(&self) -> &ClusterConfig {
        &self.shared.config
    }

    async fn run(mut self) {
        let interval = self
            .config()
            .refresh_interval
            .max(Duration::from_millis(10));
        let mut ticker = tokio::time::interval_at(tokio::time::Instant::now() + interval, interval);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            if self.control.is_none() {
                match self.reconnect().await {
                    Ok(()) => {
                        // Events may have been missed: read everything.
                        if let Err(e) = self.refresh(None).await {
                            warn!("metadata refresh on the new control connection failed: {e}");
                        }
                        continue;
                    }
                    Err(e) => debug!("no node accepts a control connection: {e}"),
                }
                // Nothing reachable: wait a little (still serving requests).
                let wakeup = tokio::select! {
                    r = self.requests.recv() => Wakeup::Request(r),
                    _ = tokio::time::sleep(CONTROL_RECONNECT_DELAY) => continue,
                };
                if !self.handle_wakeup(wakeup).await {
                    return;
                }
                continue;
            }
            let wakeup = match self.control.as_mut() {
                Some(control) => {
                    tokio::select! {
                        r = self.requests.recv() => Wakeup::Request(r),
                        e = control.events.recv() => Wakeup::Event(e),
                        _ = control.connection.closed() => Wakeup::ControlClosed,
                        _ = ticker.tick() => Wakeup::Tick,
                    }
                }
                None => continue,
            };
            if !self.handle_wakeup(wakeup).await {
                return;
            }
        }
    }

    /// Handles one wakeup; `false` when the session is gone.
    /// Publishes a state with `updates` recorded.
    fn record_tablets(&self, updates: &[TabletUpdate]) {
        let mut state = ClusterState::clone(&self.shared.state());
        let recorded = state.update_tablets(
            updates
                .iter()
                .map(|u| (u.keyspace.as_str(), u.table.as_str(), &u.tablet)),
        );
        if recorded > 0 {
            self.shared.state.store(Arc::new(state));
        }
        debug!(recorded, received = updates.len(), "tablets recorded");
    }

    async fn handle_wakeup(&mut self, wakeup: Wakeup) -> bool {
        match wakeup {
            Wakeup::Request(None) => return false,
            Wakeup::Request(Some(WorkerRequest::Refresh(reply))) => {
                let result = self.refresh(None).await;
                let _ = reply.send(result);
            }
            Wakeup::Request(Some(WorkerRequest::PoolConnected(host_id))) => {
                if let Some(node) = self.shared.state().get_node_by_host_id(host_id) {
                    if node.is_down() {
                        info!(%host_id, address = %node.address, "node is reachable again; marking it up");
                    }
                    node.change_down_marker(false);
                }
            }
            Wakeup::Request(Some(WorkerRequest::Tablet(update))) => {
                let mut updates = vec![update];
                // Record every tablet already queued in one new state; other requests
                // found on the way are handled after.
                let mut others = Vec::new();
                while let Ok(r) = self.requests.try_recv() {
                    match r {
                        WorkerRequest::Tablet(u) => updates.push(u),
                        other => others.push(other),
                    }
                }
                self.record_tablets(&updates);
                for r in others {
                    if !Box::pin(self.handle_wakeup(Wakeup::Request(Some(r)))).await {
                        return false;
                    }
                }
            }
            Wakeup::Event(Some(event)) => {
                let mut events = vec![event];
                // Handle every event already queued in one go.
                if let Some(control) = self.control.as_mut() {
                    while let Ok(e) = control.events.try_recv() {
                        events.push(e);
                    }
                }
                self.handle_events(events).await;
            }
            Wakeup::Event(None) | Wakeup::ControlClosed => {
                warn!("the control connection broke; opening another one");
                self.control = None;
            }
            Wakeup::Tick => {
                let keyspaces = match self.config().periodic_fetch_mode {
                    PeriodicFetchMode::FullMetadata => None,
                    PeriodicFetchMode::AffectedKeyspaces => {
                        Some(self.affected_keyspaces.drain().collect::<Vec<_>>())
                    }
                };
                if let Err(e) = self.refresh(keyspaces.as_deref()).await {
                    warn!("periodic metadata refresh failed: {e}");
                }
            }
        }
        true
    }

    async fn handle_events(&mut self, events: Vec<EventV2>) {
        let mut topology_changed = false;
        let mut keyspaces: Vec<String> = Vec::new();
        for event in events {
            debug!("cluster event: {event:?}");
            match event {
                EventV2::TopologyChange(TopologyChangeEvent::NewNode(_))
                | EventV2::TopologyChange(TopologyChangeEvent::RemovedNode(_)) => {
                    topology_changed = true;
                }
                EventV2::StatusChange(StatusChangeEvent::Down(addr)) => {
                    if let Some(node) = self.node_by_address(addr) {
                        info!(address = %addr, "node reported down");
                        node.change_down_marker(true);
                    }
                }
                EventV2::StatusChange(StatusChangeEvent::Up(addr)) => {
                    match self.node_by_address(addr) {
                        Some(node) => {
                            info!(address = %addr, "node reported up");
                            node.change_down_marker(false);
                        }
                        None => topology_changed = true,
                    }
                }
                EventV2::SchemaChange(change) => {
                    let keyspace = schema_change_keyspace(&change).to_owned();
                    self.affected_keyspaces.insert(keyspace.clone());
                    if !keyspaces.contains(&keyspace) {
                        keyspaces.push(keyspace);
                    }
                }
                _ => {}
            }
        }
        let result = if topology_changed {
            // Topology and the changed keyspaces (or everything).
            let ks = (!keyspaces.is_empty()).then_some(keyspaces);
            match ks {
                Some(ks) => self.refresh(Some(&ks)).await,
                None => self.refresh(Some(&[])).await,
            }
        } else if !keyspaces.is_empty() && self.config().fetch_schema_metadata {
            self.refresh(Some(&keyspaces)).await
        } else {
            Ok(())
        };
        if let Err(e) = result {
            warn!("metadata refresh after cluster events failed: {e}");
        }
    }

    fn node_by_address(&self, addr: SocketAddr) -> Option<Arc<Node>> {
        let state = self.shared.state();
        let nodes = state.get_nodes_info();
        nodes
            .iter()
            .find(|n| n.address.into_inner() == addr)
            .or_else(|| nodes.iter().find(|n| n.address.ip() == addr.ip()))
            .cloned()
    }

    /// Opens a control connection to some node: first those of the current state
    /// (up ones first), then the known nodes.
    async fn reconnect(&mut self) -> Result<(), ConnectionError> {
        let mut candidates: Vec<(bool, SocketAddr)> = Vec::new();
        {
            let state = self.shared.state();
            for node in state.get_nodes_info() {
                let addr = match node.pool() {
                    Some(pool) => pool.endpoint(),
                    None => continue,
                };
                candidates.push((node.is_down() || !node.is_connected(), addr));
            }
        }
        candidates.shuffle(&mut rand::rng());
        candidates.sort_by_key(|(down, _)| *down);
        let mut addrs: Vec<SocketAddr> = candidates.into_iter().map(|(_, a)| a).collect();
        let mut known = self.config().known_addresses.clone();
        known.shuffle(&mut rand::rng());
        for a in known {
            if !addrs.contains(&a) {
                addrs.push(a);
            }
        }
        let mut last_error = ConnectionError::ConnectTimeout;
        for addr in addrs {
            match ControlConnection::open(addr, self.config()).await {
                Ok(control) => {
                    self.control = Some(control);
                    return Ok(());
                }
                Err(e) => {
                    debug!("control connection to {addr} failed: {e}");
                    last_error = e;
                }
            }
        }
        Err(last_error)
    }

    /// Re-reads the topology and the schema of `keyspaces` (`None`: all of the
    /// configured keyspaces) and publishes the new state.
    async fn refresh(&mut self, mut keyspaces: Option<&[String]>) -> Result<(), MetadataError> {
        if self.control.is_none() {
            self.reconnect().await.map_err(|e| {
                MetadataError::ConnectionPoolError(ConnectionPoolError::Broken {
                    last_connection_error: e,
                })
            })?;
            // Events may have been missed: read everything.
            keyspaces = None;
        }
        let Some(control) = self.control.as_ref() else {
            return Err(MetadataError::ConnectionPoolError(worker_gone()));
        };
        let previous = self.shared.state_arc();
        let result = fetch_metadata(
            &control.connection,
            &self.shared.config,
            keyspaces,
            Some(&previous),
        )
        .await;
        let metadata = match result {
            Ok(m) => m,
            Err(e) => {
                if control.connection.is_closed() {
                    self.control = None;
                }
                return Err(e);
            }
        };
        let state = self.build_state(metadata, Some(&previous)).await;
        self.shared.state.store(Arc::new(state));
        Ok(())
    }

    /// Builds the state for `metadata`: translates the addresses of new nodes and
    /// opens their pools.
    async fn build_state(
        &mut self,
        metadata: Metadata,
        previous: Option<&ClusterState>,
    ) -> ClusterState {
        let config = &self.shared.config;
        // Translate the addresses of the peers that need a new pool.
        let mut endpoints: HashMap<Uuid, Option<SocketAddr>> = HashMap::new();
        for peer in &metadata.peers {
            let reused = previous
                .and_then(|p| p.get_node_by_host_id(peer.host_id))
                .is_some_and(|n| n.address == peer.address);
            if reused {
                continue;
            }
            let endpoint = translate(config.address_translator.as_deref(), peer).await;
            endpoints.insert(peer.host_id, endpoint);
        }
        let keyspace: Option<VerifiedKeyspaceName> =
            self.shared.keyspace.load_full().map(|k| (*k).clone());
        let requests = self.shared.requests.clone();
        #[cfg(feature = "metrics")]
        let metrics = Arc::clone(&config.metrics);
        ClusterState::new_with_node_factory(
            metadata,
            previous,
            config.host_filter.as_deref(),
            |peer, accepted| {
                let endpoint = endpoints
                    .get(&peer.host_id)
                    .copied()
                    .unwrap_or(Some(peer.address.into_inner()));
                match (accepted, endpoint) {
                    (true, Some(endpoint)) => {
                        let pool = Arc::new(NodeConnectionPool::new(
                            endpoint,
                            config.pool_config.clone(),
                            keyspace.clone(),
                        ));
                        watch_pool(
                            &pool,
                            peer.host_id,
                            requests.clone(),
                            #[cfg(feature = "metrics")]
                            Arc::clone(&metrics),
                        );
                        Node::new(peer, Some(pool))
                    }
                    _ => Node::new(peer, None),
                }
            },
        )
    }
}

/// The address to connect to for `peer`: translated if it is translatable and a
/// translator is set. `None` (the node is then not contacted) if translation fails.
async fn translate(translator: Option<&dyn AddressTranslator>, peer: &Peer) -> Option<SocketAddr> {
    match (peer.address, translator) {
        (crate::cluster::NodeAddr::Translatable(_), Some(translator)) => {
            match translator
                .translate_address(&UntranslatedPeer::from_peer(peer))
                .await
            {
                Ok(addr) => Some(addr),
                Err(e) => {
                    warn!(host_id = %peer.host_id, address = %peer.address, "address translation failed; the node will not be contacted: {e}");
                    None
                }
            }
        }
        (addr, _) => Some(addr.into_inner()),
    }
}

/// Watches a pool: tells the worker when it connects (so that a node reported down
/// is marked up once reachable) and keeps the connection count metric.
fn watch_pool(
    pool: &NodeConnectionPool,
    host_id: Uuid,
    requests: mpsc::Sender<WorkerRequest>,
    #[cfg(feature = "metrics")] metrics: Arc<Metrics>,
) {
    let mut status = pool.status();
    tokio::spawn(async move {
        let mut was_connected = false;
        let mut was_full = false;
        #[cfg(feature = "metrics")]
        let mut counted: usize = 0;
        loop {
            let (connected, _connections, full) = match &*status.borrow_and_update() {
                PoolStatus::Connected { connections, full } => (true, *connections, *full),
                PoolStatus::Broken {
                    last_error: ConnectionError::ConnectTimeout,
                } => {
                    #[cfg(feature = "metrics")]
                    metrics.inc_connection_timeouts();
                    (false, 0, false)
                }
                _ => (false, 0, false),
            };
            #[cfg(feature = "metrics")]
            {
                while counted < _connections {
                    metrics.inc_total_connections();
                    counted += 1;
                }
                while counted > _connections {
                    metrics.dec_total_connections();
                    counted -= 1;
                }
            }
            if connected && !was_connected {
                let _ = requests.try_send(WorkerRequest::PoolConnected(host_id));
            }
            was_connected = connected;
            if full && !was_full {
                debug!(%host_id, "the node's connection pool has all its connections");
            }
            was_full = full;
            if status.changed().await.is_err() {
                break;
            }
        }
        #[cfg(feature = "metrics")]
        for _ in 0..counted {
            metrics.dec_total_connections();
        }
    });
}

/// The keyspace a schema change is about.
fn schema_change_keyspace(change: &SchemaChangeEvent) -> &str {
    match change {
        SchemaChangeEvent::KeyspaceChange { keyspace_name, .. }
        | SchemaChangeEvent::TableChange { keyspace_name, .. }
        | SchemaChangeEvent::TypeChange { keyspace_name, .. }
        | SchemaChangeEvent::FunctionChange { keyspace_name, .. }
        | SchemaChangeEvent::AggregateChange { keyspace_name, .. } => keyspace_name,
    }
}

// ---------------------------------------------------------------------------------------
// Reading metadata
// ---------------------------------------------------------------------------------------

/// A CQL string literal for `s`.
fn cql_string_literal(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// Reads the topology and the schema of `keyspaces` (`None`: the configured ones, all
/// by default) through `conn`. With `Some`, the other keyspaces are taken from
/// `previous`; a keyspace of `keyspaces` that no longer exists is dropped.
pub(crate) async fn fetch_metadata(
    conn: &Connection,
    config: &ClusterConfig,
    keyspaces: Option<&[String]>,
    previous: Option<&ClusterState>,
) -> Result<Metadata, MetadataError> {
    let fetcher = Fetcher::new(conn, config);
    let local: Vec<LocalRow> = fetcher.rows(LocalRow::QUERY, "system.local").await?;
    let peers: Vec<PeerRow> = fetcher.rows(PeerRow::QUERY, "system.peers").await?;
    let filter: Option<Vec<String>> = match keyspaces {
        Some(ks) => {
            if !config.keyspaces_to_fetch.is_empty() {
                Some(
                    ks.iter()
                        .filter(|k| config.keyspaces_to_fetch.contains(k))
                        .cloned()
                        .collect(),
                )
            } else {
                Some(ks.to_vec())
            }
        }
        None => (!config.keyspaces_to_fetch.is_empty()).then(|| config.keyspaces_to_fetch.clone()),
    };
    let fetch_schema =
        config.fetch_schema_metadata && filter.as_ref().is_none_or(|ks| !ks.is_empty());
    let schema_rows = if fetch_schema {
        fetcher.schema_rows(filter.as_deref()).await?
    } else {
        SchemaRows::default()
    };
    let mut metadata = Metadata::from_rows(
        local.into_iter().next(),
        peers,
        conn.get_connect_address(),
        &schema_rows,
    )?;
    if keyspaces.is_some() || !config.fetch_schema_metadata {
        // A partial fetch: keep the other keyspaces as they were.
        if let Some(prev) = previous {
            metadata.keep_other_keyspaces(prev, |name| {
                filter.as_ref().is_some_and(|f| f.iter().any(|k| k == name))
            });
        }
    }
    Ok(metadata)
}

/// Runs the metadata queries on one connection.
struct Fetcher<'a> {
    conn: &'a Connection,
    /// ` USING TIMEOUT ...` for ScyllaDB, else empty.
    using_timeout: String,
    timeout: Duration,
    /// Whether tables, columns, types and views are read (not only keyspaces).
    full: bool,
}

impl<'a> Fetcher<'a> {
    fn new(conn: &'a Connection, config: &ClusterConfig) -> Self {
        let is_scylla = conn.get_shard_info().is_some();
        let using_timeout = match (is_scylla, config.metadata_request_serverside_timeout) {
            (true, Some(t)) => format!(" USING TIMEOUT {}ms", t.as_millis().max(1)),
            _ => String::new(),
        };
        Self {
            conn,
            using_timeout,
            timeout: config.metadata_request_clientside_timeout,
            full: config.fetch_full_schema_metadata,
        }
    }

    async fn rows<R>(&self, query: &str, table: &'static str) -> Result<Vec<R>, MetadataFetchError>
    where
        R: for<'f, 'm> DeserializeRow<'f, 'm>,
    {
        let text = format!("{query}{}", self.using_timeout);
        query_all_rows(self.conn, &text, Consistency::One, self.timeout)
            .await
            .map_err(|error| MetadataFetchError { error, table })
    }

    /// Rows of a table that only ScyllaDB has: none on other servers.
    async fn scylla_rows<R>(
        &self,
        query: &str,
        table: &'static str,
    ) -> Result<Vec<R>, MetadataFetchError>
    where
        R: for<'f, 'm> DeserializeRow<'f, 'm>,
    {
        match self.rows(query, table).await {
            Err(MetadataFetchError {
                error:
                    MetadataFetchErrorKind::NextRowError(NextRowError::NextPageError(
                        NextPageError::RequestFailure(RequestError::LastAttemptError(
                            RequestAttemptError::DbError(DbError::Invalid, _),
                        )),
                    )),
                ..
            }) => Ok(Vec::new()),
            other => other,
        }
    }

    async fn schema_rows(&self, keyspaces: Option<&[String]>) -> Result<SchemaRows, MetadataError> {
        let filter = |query: &str| match keyspaces {
            None => query.to_owned(),
            Some(ks) => {
                let list: Vec<String> = ks.iter().map(|k| cql_string_literal(k)).collect();
                format!("{query} WHERE keyspace_name IN ({})", list.join(", "))
            }
        };
        let mut rows = SchemaRows {
            keyspaces: self
                .rows(&filter(KeyspaceRow::QUERY), "system_schema.keyspaces")
                .await?,
            scylla_keyspaces: self
                .scylla_rows(
                    &filter(ScyllaKeyspaceRow::QUERY),
                    "system_schema.scylla_keyspaces",
                )
                .await?,
            ..SchemaRows::default()
        };
        if self.conn.is_closed() {
            return Err(MetadataError::ConnectionPoolError(worker_gone()));
        }
        // Only the keyspaces to fetch count (their rows are otherwise ignored).
        if let Some(ks) = keyspaces {
            rows.keyspaces.retain(|k| ks.contains(&k.keyspace_name));
        }
        if self.full {
            rows.types = self
                .rows(&filter(UdtRow::QUERY), "system_schema.types")
                .await?;
            rows.tables = self
                .rows(&filter(TableRow::QUERY), "system_schema.tables")
                .await?;
            rows.scylla_tables = self
                .scylla_rows(
                    &filter(ScyllaTableRow::QUERY),
                    "system_schema.scylla_tables",
                )
                .await?;
            rows.columns = self
                .rows(&filter(ColumnRow::QUERY), "system_schema.columns")
                .await?;
            rows.views = self
                .rows(&filter(ViewRow::QUERY), "system_schema.views")
                .await?;
        }
        Ok(rows)
    }
}

/// Runs `text` (no bind markers) on `conn`, reading every page, and deserializes the
/// rows. The whole exchange is bounded by `timeout`.
pub(crate) async fn query_all_rows<R>(
    conn: &Connection,
    text: &str,
    consistency: Consistency,
    timeout: Duration,
) -> Result<Vec<R>, MetadataFetchErrorKind>
where
    R: for<'f, 'm> DeserializeRow<'f, 'm>,
{
    let run = async {
        let mut out: Vec<R> = Vec::new();
        let mut paging_state = PagingState::start();
        loop {
            let (rows, next) =
                query_one_page(conn, text, consistency, paging_state.clone()).await?;
            if let Some(rows) = rows {
                let rows = rows.deserialize_metadata().map_err(|e| {
                    NextRowError::NextPageError(NextPageError::ResultMetadataParseError(e))
                })?;
                let raw = RawRowIterator::new(
                    rows.rows_count(),
                    rows.metadata().col_specs(),
                    FrameSlice::new(rows.raw_rows()),
                );
                let typed = TypedRowIterator::<R>::new(raw)?;
                for row in typed {
                    out.push(row.map_err(NextRowError::RowDeserializationError)?);
                }
            }
            match next {
                PagingStateResponse::HasMorePages { state } => paging_state = state,
                PagingStateResponse::NoMorePages => return Ok(out),
            }
        }
    };
    match tokio::time::timeout(timeout, run).await {
        Ok(r) => r,
        Err(_) => Err(MetadataFetchErrorKind::NextRowError(
            NextRowError::NextPageError(NextPageError::RequestFailure(
                RequestError::RequestTimeout(timeout),
            )),
        )),
    }
}

/// One page of `text`; the rows (if the result has rows) and the paging state.
async fn query_one_page(
    conn: &Connection,
    text: &str,
    consistency: Consistency,
    paging_state: PagingState,
) -> Result<(Option<result::RawMetadataAndRawRows>, PagingStateResponse), MetadataFetchErrorKind> {
    let fail = |e: RequestAttemptError| {
        MetadataFetchErrorKind::NextRowError(NextRowError::NextPageError(
            NextPageError::RequestFailure(RequestError::LastAttemptError(e)),
        ))
    };
    let request = Query {
        contents: std::borrow::Cow::Borrowed(text),
        parameters: QueryParameters {
            consistency,
            page_size: Some(METADATA_PAGE_SIZE),
            paging_state,
            ..QueryParameters::default()
        },
    };
    let response = conn
        .query_raw(&request, false, None)
        .await
        .and_then(|r| r.into_non_error_query_response())
        .and_then(|r| r.into_result())
        .map_err(fail)?;
    match response {
        result::Result::Rows((rows, paging)) => Ok((Some(rows), paging)),
        _ => Ok((None, PagingStateResponse::NoMorePages)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn string_literals_are_escaped() {
        assert_eq!(cql_string_literal("ks"), "'ks'");
        assert_eq!(cql_string_literal("a'b"), "'a''b'");
    }

    /// A worker without a control connection over a three-node state with keyspace
    /// `ks`.
    fn worker_over_test_state() -> Worker {
        use crate::cluster::test_utils::{cluster_with_sharders, keyspace, peer, simple};
        let (requests_tx, requests_rx) = mpsc::channel(64);
        let state = cluster_with_sharders(
            (1..=3)
                .map(|n| peer(n, None, None, &[i64::from(n) * 100]))
                .collect(),
            vec![("ks", keyspace(simple(2)))],
            &[],
        );
        let config = ClusterConfig {
            known_addresses: Vec::new(),
            pool_config: PoolConfig::default(),
            host_filter: None,
            address_translator: None,
            fetch_schema_metadata: true,
            fetch_full_schema_metadata: true,
            keyspaces_to_fetch: Vec::new(),
            metadata_request_serverside_timeout: None,
            metadata_request_clientside_timeout: Duration::from_secs(1),
            refresh_interval: Duration::from_secs(60),
            periodic_fetch_mode: PeriodicFetchMode::AffectedKeyspaces,
            #[cfg(feature = "metrics")]
            metrics: Arc::new(Metrics::default()),
        };
        Worker {
            shared: Arc::new(ClusterShared {
                state: ArcSwap::from_pointee(state),
                keyspace: ArcSwapOption::empty(),
                requests: requests_tx,
                config,
            }),
            control: None,
            requests: requests_rx,
            affected_keyspaces: HashSet::new(),
        }
    }

    #[tokio::test]
    async fn tablets_from_responses_reach_the_state() {
        use crate::cluster::test_utils::{host_id, id_of};
        use crate::routing::Token;
        let mut worker = worker_over_test_state();
        let shared = Arc::clone(&worker.shared);
        let before = shared.state_arc();
        // One tablet on nodes 2 and 3, one naming a node the state does not know.
        shared.record_tablet(
            "ks",
            "t",
            TabletsRoutingV1 {
                first_token: 0,
                last_token: 1000,
                replicas: vec![(host_id(2), 1), (host_id(3), 0)],
            },
        );
        shared.record_tablet(
            "ks",
            "t",
            TabletsRoutingV1 {
                first_token: 1000,
                last_token: 2000,
                replicas: vec![(host_id(9), 0)],
            },
        );
        let first = worker.requests.recv().await;
        assert!(worker.handle_wakeup(Wakeup::Request(first)).await);

        let after = shared.state_arc();
        assert!(!Arc::ptr_eq(&before, &after), "a new state was published");
        let tablets = after.replica_locator().tablets();
        assert_eq!(tablets.tablet_count("ks", "t"), 1);
        let tablet = tablets
            .tablet_for("ks", "t", Token::new(500))
            .flatten()
            .expect("the tablet of token 500");
        let replicas: Vec<(u8, u32)> = tablet
            .replicas()
            .iter()
            .map(|(n, shard)| (id_of(n), *shard))
            .collect();
        assert_eq!(replicas, [(2, 1), (3, 0)]);
        assert_eq!(
            tablets
                .tablet_for("ks", "t", Token::new(1500))
                .flatten()
                .map(|_| ()),
            None
        );
        // The old state is untouched.
        assert_eq!(
            before.replica_locator().tablets().tablet_count("ks", "t"),
            0
        );
    }

    #[tokio::test]
    async fn tablet_updates_leave_room_for_other_requests() {
        let worker = worker_over_test_state();
        let shared = &worker.shared;
        for i in 0..100 {
            shared.record_tablet(
                "ks",
                "t",
                TabletsRoutingV1 {
                    first_token: i * 10,
                    last_token: i * 10 + 5,
                    replicas: Vec::new(),
                },
            );
        }
        assert_eq!(shared.requests.capacity(), TABLET_UPDATE_RESERVE);
        assert!(
            shared
                .requests
                .try_send(WorkerRequest::PoolConnected(Uuid::nil()))
                .is_ok()
        );
    }

    #[test]
    fn schema_change_keyspace_names_the_keyspace() {
        use scylla_cql::frame::response::event::SchemaChangeType;
        let e = SchemaChangeEvent::TableChange {
            change_type: SchemaChangeType::Created,
            keyspace_name: "ks".into(),
            object_name: "t".into(),
        };
        assert_eq!(schema_change_keyspace(&e), "ks");
    }
}
