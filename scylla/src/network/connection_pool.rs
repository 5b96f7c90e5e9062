//! The connections of one node.
//!
//! A [`NodeConnectionPool`] keeps [`PoolSize`] connections open to one node. With
//! ScyllaDB it learns the node's shards from the first connection and, by default,
//! keeps connections to every shard: through the node's shard-aware port, choosing a
//! local source port `p` with `p % nr_shards == shard` for each connection; when the
//! shard-aware port is disabled or unreachable, through the regular port, where the
//! node assigns shards itself (the pool keeps connecting until every shard has its
//! connections, closing the surplus). A background task (the *refiller*) opens
//! connections, replaces broken ones with exponential backoff after failures, and
//! switches connections to the session's keyspace.
//!
//! Picking a connection reads an atomically swapped snapshot of the connection
//! lists: no lock, no allocation.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use arc_swap::ArcSwap;
use futures::future::{BoxFuture, join_all};
use futures::stream::{FuturesUnordered, StreamExt};
use tokio::sync::{mpsc, oneshot, watch};

use crate::client::PoolSize;
use crate::errors::{ConnectionError, ConnectionPoolError, RequestAttemptError, UseKeyspaceError};
use crate::network::connection::{Connection, ConnectionConfig, VerifiedKeyspaceName};
use crate::routing::{Shard, ShardAwarePortRange, Sharder};

/// How a pool is run (the per-node part of `SessionConfig`).
#[derive(Debug, Clone)]
pub(crate) struct PoolConfig {
    /// How each connection is opened.
    pub(crate) connection_config: ConnectionConfig,
    /// How many connections to keep.
    pub(crate) pool_size: PoolSize,
    /// Whether the node's shard-aware port may be used (`!disallow_shard_aware_port`).
    pub(crate) can_use_shard_aware_port: bool,
    /// The local ports shard-aware connections may come from.
    pub(crate) shard_aware_local_port_range: ShardAwarePortRange,
    /// The first wait before retrying after a failed connection attempt; doubles
    /// with every failure in a row.
    pub(crate) min_fill_backoff: Duration,
    /// The longest wait between attempts.
    pub(crate) max_fill_backoff: Duration,
}

impl Default for PoolConfig {
    fn default() -> Self {
        Self {
            connection_config: ConnectionConfig::default(),
            pool_size: PoolSize::default(),
            can_use_shard_aware_port: true,
            shard_aware_local_port_range: ShardAwarePortRange::default(),
            min_fill_backoff: Duration::from_millis(50),
            max_fill_backoff: Duration::from_secs(10),
        }
    }
}

/// What a pool is doing, as broadcast to the session.
#[derive(Debug, Clone)]
pub(crate) enum PoolStatus {
    /// The first connection attempts are under way.
    Initializing,
    /// At least one connection is open; `full` when the pool has all it wants.
    Connected {
        /// The number of open connections.
        connections: usize,
        /// Whether every shard (or the node) has all its connections.
        full: bool,
    },
    /// No connection is open; the pool keeps trying.
    Broken {
        /// Why the last attempt failed (or the last connection broke).
        last_error: ConnectionError,
    },
}

enum PoolConnections {
    Initializing,
    Broken {
        last_error: ConnectionError,
    },
    /// One list per shard (one list in all for an unsharded node).
    Ready {
        sharding: Option<Sharder>,
        per_shard: Vec<Vec<Arc<Connection>>>,
    },
}

struct PoolShared {
    connections: ArcSwap<PoolConnections>,
    round_robin: AtomicUsize,
}

type UseKeyspaceRequest = (
    VerifiedKeyspaceName,
    oneshot::Sender<Result<(), UseKeyspaceError>>,
);

/// The connections kept open to one node.
pub(crate) struct NodeConnectionPool {
    endpoint: SocketAddr,
    shared: Arc<PoolShared>,
    use_keyspace_tx: mpsc::Sender<UseKeyspaceRequest>,
    status: watch::Receiver<PoolStatus>,
    initialized: watch::Receiver<bool>,
    refiller: tokio::task::AbortHandle,
}

impl std::fmt::Debug for NodeConnectionPool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NodeConnectionPool")
            .field("endpoint", &self.endpoint)
            .field("status", &*self.status.borrow())
            .finish_non_exhaustive()
    }
}

impl Drop for NodeConnectionPool {
    fn drop(&mut self) {
        self.refiller.abort();
    }
}

impl NodeConnectionPool {
    /// Starts a pool for the node at `endpoint` (its regular CQL port); connections
    /// are switched to `keyspace` if given. Must be called within a Tokio runtime.
    pub(crate) fn new(
        endpoint: SocketAddr,
        config: PoolConfig,
        keyspace: Option<VerifiedKeyspaceName>,
    ) -> Self {
        let shared = Arc::new(PoolShared {
            connections: ArcSwap::from_pointee(PoolConnections::Initializing),
            round_robin: AtomicUsize::new(0),
        });
        let (use_keyspace_tx, use_keyspace_rx) = mpsc::channel(16);
        let (status_tx, status) = watch::channel(PoolStatus::Initializing);
        let (initialized_tx, initialized) = watch::channel(false);
        let refiller = Refiller {
            endpoint,
            config,
            shared: Arc::clone(&shared),
            status: status_tx,
            keyspace,
            sharding: None,
            shard_aware_port: None,
            shard_aware_port_usable: true,
            per_shard: Vec::new(),
            excess: Vec::new(),
            pending: FuturesUnordered::new(),
            broken: FuturesUnordered::new(),
            last_error: None,
            backoff: None,
            next_fill: Some(tokio::time::Instant::now()),
            round_progress: false,
            initialized: false,
            initialized_tx,
        };
        let task = tokio::spawn(refiller.run(use_keyspace_rx));
        NodeConnectionPool {
            endpoint,
            shared,
            use_keyspace_tx,
            status,
            initialized,
            refiller: task.abort_handle(),
        }
    }

    /// The address the pool connects to.
    pub(crate) fn endpoint(&self) -> SocketAddr {
        self.endpoint
    }

    /// Whether at least one connection is open.
    pub(crate) fn is_connected(&self) -> bool {
        match &**self.shared.connections.load() {
            PoolConnections::Ready { per_shard, .. } => {
                per_shard.iter().flatten().any(|c| !c.is_closed())
            }
            _ => false,
        }
    }

    /// How the node maps tokens to shards, once a connection reported it (ScyllaDB
    /// only).
    pub(crate) fn sharder(&self) -> Option<Sharder> {
        match &**self.shared.connections.load() {
            PoolConnections::Ready { sharding, .. } => *sharding,
            _ => None,
        }
    }

    /// A connection to `shard` (round robin among that shard's connections), or to
    /// another shard if that one has none, or any connection for an unsharded node.
    pub(crate) fn connection_for_shard(
        &self,
        shard: Shard,
    ) -> Result<Arc<Connection>, ConnectionPoolError> {
        let snapshot = self.shared.connections.load();
        let per_shard = ready_connections(&snapshot)?;
        let index = usize::try_from(shard).unwrap_or(0) % per_shard.len().max(1);
        if let Some(c) = per_shard.get(index).and_then(|list| self.pick(list)) {
            return Ok(c);
        }
        self.pick_any(per_shard)
    }

    /// Any open connection (round robin over shards and connections).
    pub(crate) fn random_connection(&self) -> Result<Arc<Connection>, ConnectionPoolError> {
        let snapshot = self.shared.connections.load();
        self.pick_any(ready_connections(&snapshot)?)
    }

    /// Every open connection.
    pub(crate) fn get_working_connections(
        &self,
    ) -> Result<Vec<Arc<Connection>>, ConnectionPoolError> {
        let snapshot = self.shared.connections.load();
        let per_shard = ready_connections(&snapshot)?;
        let working: Vec<Arc<Connection>> = per_shard
            .iter()
            .flatten()
            .filter(|c| !c.is_closed())
            .cloned()
            .collect();
        if working.is_empty() {
            return Err(no_connection_error(&snapshot));
        }
        Ok(working)
    }

    fn pick(&self, list: &[Arc<Connection>]) -> Option<Arc<Connection>> {
        if list.is_empty() {
            return None;
        }
        let start = self.shared.round_robin.fetch_add(1, Ordering::Relaxed);
        (0..list.len())
            .filter_map(|i| list.get(start.wrapping_add(i) % list.len()))
            .find(|c| !c.is_closed())
            .cloned()
    }

    fn pick_any(
        &self,
        per_shard: &[Vec<Arc<Connection>>],
    ) -> Result<Arc<Connection>, ConnectionPoolError> {
        let shards = per_shard.len();
        let start = self.shared.round_robin.fetch_add(1, Ordering::Relaxed);
        (0..shards)
            .filter_map(|i| per_shard.get(start.wrapping_add(i) % shards))
            .find_map(|list| self.pick(list))
            .ok_or_else(all_connections_broken)
    }

    /// Switches every connection, and every connection opened later, to `keyspace`.
    ///
    /// Fails with the first error that is not a broken connection (a broken
    /// connection is replaced, and its replacement uses the keyspace).
    pub(crate) async fn use_keyspace(
        &self,
        keyspace: VerifiedKeyspaceName,
    ) -> Result<(), UseKeyspaceError> {
        let (tx, rx) = oneshot::channel();
        let closed = || {
            UseKeyspaceError::RequestError(RequestAttemptError::BrokenConnectionError(
                crate::errors::BrokenConnectionErrorKind::ChannelError.into(),
            ))
        };
        self.use_keyspace_tx
            .send((keyspace, tx))
            .await
            .map_err(|_| closed())?;
        rx.await.map_err(|_| closed())?
    }

    /// Resolves when the first fill has finished: the pool has all its connections,
    /// or an attempt failed (the pool then keeps trying in the background).
    pub(crate) async fn wait_until_initialized(&self) {
        let mut initialized = self.initialized.clone();
        let _ = initialized.wait_for(|done| *done).await;
    }

    /// The pool's status, updated whenever connections come and go.
    pub(crate) fn status(&self) -> watch::Receiver<PoolStatus> {
        self.status.clone()
    }
}

fn ready_connections(
    snapshot: &PoolConnections,
) -> Result<&[Vec<Arc<Connection>>], ConnectionPoolError> {
    match snapshot {
        PoolConnections::Initializing => Err(ConnectionPoolError::Initializing),
        PoolConnections::Broken { last_error } => Err(ConnectionPoolError::Broken {
            last_connection_error: last_error.clone(),
        }),
        PoolConnections::Ready { per_shard, .. } => Ok(per_shard),
    }
}

fn no_connection_error(snapshot: &PoolConnections) -> ConnectionPoolError {
    match ready_connections(snapshot) {
        Err(e) => e,
        Ok(_) => all_connections_broken(),
    }
}

/// Every connection in the snapshot broke; the refiller has not replaced them yet.
fn all_connections_broken() -> ConnectionPoolError {
    ConnectionPoolError::Broken {
        last_connection_error: ConnectionError::BrokenConnection(
            crate::errors::BrokenConnectionErrorKind::ChannelError.into(),
        ),
    }
}

/// The number of connections shard `shard` of `nr_shards` should get.
fn target_for_shard(pool_size: PoolSize, nr_shards: usize, shard: usize) -> usize {
    match pool_size {
        PoolSize::PerShard(n) => n.get(),
        PoolSize::PerHost(n) => {
            let n = n.get();
            let nr = nr_shards.max(1);
            n / nr + usize::from(shard < n % nr)
        }
    }
}

struct OpenResult {
    /// The shard asked for through the shard-aware port; `None` for the regular
    /// port.
    shard_aware_target: Option<u16>,
    keyspace: Option<VerifiedKeyspaceName>,
    result: Result<Connection, ConnectionError>,
}

struct Refiller {
    endpoint: SocketAddr,
    config: PoolConfig,
    shared: Arc<PoolShared>,
    status: watch::Sender<PoolStatus>,
    keyspace: Option<VerifiedKeyspaceName>,
    sharding: Option<Sharder>,
    shard_aware_port: Option<u16>,
    shard_aware_port_usable: bool,
    /// Open connections, one list per shard (a single list for an unsharded node;
    /// empty until the first connection tells which).
    per_shard: Vec<Vec<Arc<Connection>>>,
    /// Connections through the regular port that landed on a full shard; kept open
    /// during a fill round so that the node assigns the next ones elsewhere.
    excess: Vec<Connection>,
    pending: FuturesUnordered<BoxFuture<'static, OpenResult>>,
    broken: FuturesUnordered<BoxFuture<'static, (usize, crate::errors::BrokenConnectionError)>>,
    last_error: Option<ConnectionError>,
    /// The current retry delay, while attempts keep failing.
    backoff: Option<Duration>,
    /// When to start the next fill round, if one is needed.
    next_fill: Option<tokio::time::Instant>,
    /// Whether the current round placed a connection.
    round_progress: bool,
    initialized: bool,
    initialized_tx: watch::Sender<bool>,
}

impl Refiller {
    async fn run(mut self, mut use_keyspace_rx: mpsc::Receiver<UseKeyspaceRequest>) {
        loop {
            if self.pending.is_empty()
                && let Some(at) = self.next_fill
                && at <= tokio::time::Instant::now()
            {
                self.next_fill = None;
                self.start_fill();
                continue;
            }
            let fill_at = self.next_fill.filter(|_| self.pending.is_empty());
            tokio::select! {
                Some(result) = self.pending.next(), if !self.pending.is_empty() => {
                    self.handle_open_result(result);
                }
                Some((id, error)) = self.broken.next(), if !self.broken.is_empty() => {
                    self.handle_broken(id, error);
                }
                _ = sleep_until_opt(fill_at), if fill_at.is_some() => {}
                request = use_keyspace_rx.recv() => {
                    let Some((keyspace, reply)) = request else {
                        // The pool was dropped.
                        return;
                    };
                    self.handle_use_keyspace(keyspace, reply);
                }
            }
        }
    }

    fn is_sharded(&self) -> bool {
        self.sharding.is_some()
    }

    fn nr_buckets(&self) -> usize {
        self.sharding.map_or(1, |s| usize::from(s.nr_shards.get()))
    }

    fn missing(&self) -> Vec<(usize, usize)> {
        if self.per_shard.is_empty() {
            return Vec::new();
        }
        let nr = self.nr_buckets();
        (0..nr)
            .filter_map(|shard| {
                let have = self.per_shard.get(shard).map_or(0, |l| l.len());
                let want = if self.is_sharded() {
                    target_for_shard(self.config.pool_size, nr, shard)
                } else {
                    match self.config.pool_size {
                        PoolSize::PerShard(n) | PoolSize::PerHost(n) => n.get(),
                    }
                };
                (want > have).then_some((shard, want - have))
            })
            .collect()
    }

    fn use_shard_aware_port(&self) -> Option<u16> {
        if !self.config.can_use_shard_aware_port || !self.shard_aware_port_usable {
            return None;
        }
        self.shard_aware_port
    }

    /// Starts the connection attempts that the pool is missing.
    fn start_fill(&mut self) {
        self.round_progress = false;
        if self.per_shard.is_empty() {
            // Nothing known yet: the first connection tells how the node is sharded.
            self.open(None);
            return;
        }
        let missing = self.missing();
        if missing.is_empty() {
            self.excess.clear();
            self.round_progress = true;
            self.after_attempt(false);
            return;
        }
        match (self.use_shard_aware_port(), self.sharding) {
            (Some(_), Some(_)) => {
                for (shard, count) in missing {
                    let shard = u16::try_from(shard).unwrap_or(0);
                    for _ in 0..count {
                        self.open(Some(shard));
                    }
                }
            }
            _ => {
                let total: usize = missing.iter().map(|(_, c)| c).sum();
                for _ in 0..total {
                    self.open(None);
                }
            }
        }
    }

    fn open(&mut self, shard_aware_target: Option<u16>) {
        let config = self.config.connection_config.clone();
        let keyspace = self.keyspace.clone();
        let endpoint = self.endpoint;
        let target = match (
            shard_aware_target,
            self.use_shard_aware_port(),
            self.sharding,
        ) {
            (Some(shard), Some(port), Some(sharder)) => Some((
                shard,
                SocketAddr::new(endpoint.ip(), port),
                sharder,
                self.config.shard_aware_local_port_range.clone(),
            )),
            _ => None,
        };
        self.pending.push(Box::pin(async move {
            let result = match &target {
                Some((shard, addr, sharder, range)) => {
                    open_shard_aware(*addr, *shard, sharder, range, &config).await
                }
                None => Connection::open(endpoint, None, &config).await,
            };
            let result = match (result, &keyspace) {
                (Ok(conn), Some(ks)) => match conn.use_keyspace(ks).await {
                    Ok(()) => Ok(conn),
                    Err(e) => Err(ConnectionError::UseKeyspaceError(e)),
                },
                (result, _) => result,
            };
            OpenResult {
                shard_aware_target: target.map(|(shard, ..)| shard),
                keyspace,
                result,
            }
        }));
    }

    fn handle_open_result(&mut self, open: OpenResult) {
        let gave_up = match open.result {
            Err(error) => {
                let via_shard_aware = open.shard_aware_target.is_some();
                tracing::debug!(
                    "connection to {} failed (shard-aware: {via_shard_aware}): {error}",
                    self.endpoint
                );
                let address_problem = error.is_address_unavailable_for_use()
                    || matches!(error, ConnectionError::NoSourcePortForShard(_));
                self.last_error = Some(error);
                if via_shard_aware && !address_problem && self.shard_aware_port_usable {
                    // The shard-aware port does not work (firewall, NAT, ...): use the
                    // regular port from now on, right away.
                    tracing::warn!(
                        "the shard-aware port of {} is unusable; using the regular port",
                        self.endpoint
                    );
                    self.shard_aware_port_usable = false;
                    self.schedule_fill(Duration::ZERO);
                    false
                } else {
                    let delay = self.next_backoff();
                    self.schedule_fill(delay);
                    true
                }
            }
            Ok(conn) => {
                // If the keyspace changed while the connection was being opened, it is
                // switched once adopted.
                let switch_to = if open.keyspace != self.keyspace {
                    self.keyspace.clone()
                } else {
                    None
                };
                self.adopt(conn, open.shard_aware_target, switch_to);
                false
            }
        };
        self.after_attempt(gave_up);
    }

    /// Called after each finished attempt: plans the next round and publishes.
    fn after_attempt(&mut self, gave_up: bool) {
        if self.pending.is_empty() {
            let incomplete = self.per_shard.is_empty() || !self.missing().is_empty();
            if incomplete {
                if self.next_fill.is_none() {
                    // A round that placed no connection (the node assigned only full
                    // shards) waits before the next one.
                    let delay = if self.round_progress {
                        Duration::ZERO
                    } else {
                        self.next_backoff()
                    };
                    self.schedule_fill(delay);
                }
            } else {
                self.excess.clear();
                self.backoff = None;
            }
            if !incomplete || gave_up || !self.round_progress {
                self.initialized = true;
                self.initialized_tx.send_replace(true);
            }
        }
        self.publish();
    }

    fn next_backoff(&mut self) -> Duration {
        let next = match self.backoff {
            None => self.config.min_fill_backoff,
            Some(b) => (b * 2).min(self.config.max_fill_backoff),
        };
        self.backoff = Some(next);
        // Up to 10% jitter so that pools of many nodes do not retry in lockstep.
        let jitter_ms = (next.as_millis() as u64 / 10).max(1);
        next + Duration::from_millis(rand::random_range(0..jitter_ms))
    }

    fn schedule_fill(&mut self, delay: Duration) {
        let at = tokio::time::Instant::now() + delay;
        self.next_fill = Some(match self.next_fill {
            Some(existing) if existing < at => existing,
            _ => at,
        });
    }

    /// Puts a new connection in its shard's list (or the surplus).
    fn adopt(
        &mut self,
        conn: Connection,
        shard_aware_target: Option<u16>,
        switch_to: Option<VerifiedKeyspaceName>,
    ) {
        let info_sharding = conn
            .get_shard_info()
            .map(|info| Sharder::new(info.nr_shards, info.msb_ignore));
        if self.per_shard.is_empty() || info_sharding != self.sharding {
            if !self.per_shard.is_empty() {
                tracing::info!(
                    "node {} changed its sharding from {:?} to {info_sharding:?}; reconnecting",
                    self.endpoint,
                    self.sharding
                );
            }
            self.sharding = info_sharding;
            self.per_shard = vec![Vec::new(); self.nr_buckets()];
            self.excess.clear();
            self.broken = FuturesUnordered::new();
            self.shard_aware_port = conn.get_shard_info().and_then(|info| {
                if self.config.connection_config.tls_context.is_some() {
                    info.shard_aware_port_ssl
                } else {
                    info.shard_aware_port
                }
            });
        }
        let shard = usize::from(conn.shard().unwrap_or(0));
        if let Some(target) = shard_aware_target
            && conn.shard() != Some(target)
        {
            // Something between us and the node (NAT) rewrites source ports.
            tracing::warn!(
                "a connection to the shard-aware port of {} for shard {target} landed on shard {shard}; using the regular port from now on",
                self.endpoint
            );
            self.shard_aware_port_usable = false;
        }
        let want = if self.is_sharded() {
            target_for_shard(self.config.pool_size, self.nr_buckets(), shard)
        } else {
            match self.config.pool_size {
                PoolSize::PerShard(n) | PoolSize::PerHost(n) => n.get(),
            }
        };
        let Some(list) = self.per_shard.get_mut(shard) else {
            return;
        };
        if list.len() >= want {
            // Only through the regular port; bounded so a node that keeps assigning
            // the same shard does not make us open connections forever.
            if self.excess.len() < 4 * self.nr_buckets() {
                self.excess.push(conn);
            }
            return;
        }
        let conn = Arc::new(conn);
        if let Some(ks) = switch_to {
            let c = Arc::clone(&conn);
            tokio::spawn(async move {
                if let Err(e) = c.use_keyspace(&ks).await {
                    tracing::warn!(
                        "failed to switch a new connection to keyspace {}: {e}",
                        ks.as_str()
                    );
                }
            });
        }
        let id = Arc::as_ptr(&conn) as usize;
        let closed = conn.closed_owned();
        self.broken
            .push(Box::pin(async move { (id, closed.await) }));
        list.push(conn);
        self.round_progress = true;
        self.backoff = None;
    }

    fn handle_broken(&mut self, id: usize, error: crate::errors::BrokenConnectionError) {
        tracing::debug!("a connection to {} broke: {error}", self.endpoint);
        for list in &mut self.per_shard {
            list.retain(|c| Arc::as_ptr(c) as usize != id);
        }
        self.last_error = Some(ConnectionError::BrokenConnection(error));
        // Reconnect soon, but not in a tight loop if connections keep dying.
        let delay = self.backoff.unwrap_or(self.config.min_fill_backoff);
        self.schedule_fill(delay);
        self.publish();
    }

    fn handle_use_keyspace(
        &mut self,
        keyspace: VerifiedKeyspaceName,
        reply: oneshot::Sender<Result<(), UseKeyspaceError>>,
    ) {
        self.keyspace = Some(keyspace.clone());
        let connections: Vec<Arc<Connection>> = self.per_shard.iter().flatten().cloned().collect();
        tokio::spawn(async move {
            let results = join_all(connections.iter().map(|c| c.use_keyspace(&keyspace))).await;
            let result = results
                .into_iter()
                .find_map(|r| match r {
                    Err(UseKeyspaceError::RequestError(
                        RequestAttemptError::BrokenConnectionError(_),
                    )) => None,
                    Err(e) => Some(Err(e)),
                    Ok(()) => None,
                })
                .unwrap_or(Ok(()));
            let _ = reply.send(result);
        });
    }

    fn publish(&mut self) {
        let open: usize = self
            .per_shard
            .iter()
            .flatten()
            .filter(|c| !c.is_closed())
            .count();
        let (snapshot, status) = if open > 0 {
            (
                PoolConnections::Ready {
                    sharding: self.sharding,
                    per_shard: self.per_shard.clone(),
                },
                PoolStatus::Connected {
                    connections: open,
                    full: self.missing().is_empty(),
                },
            )
        } else if !self.initialized {
            (PoolConnections::Initializing, PoolStatus::Initializing)
        } else {
            let last_error = self
                .last_error
                .clone()
                .unwrap_or(ConnectionError::BrokenConnection(
                    crate::errors::BrokenConnectionErrorKind::ChannelError.into(),
                ));
            (
                PoolConnections::Broken {
                    last_error: last_error.clone(),
                },
                PoolStatus::Broken { last_error },
            )
        };
        self.shared.connections.store(Arc::new(snapshot));
        self.status.send_replace(status);
    }
}

async fn sleep_until_opt(at: Option<tokio::time::Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(at).await,
        None => futures::future::pending().await,
    }
}

/// Opens a connection to the shard-aware port `addr` that lands on `shard`: tries
/// the source ports of `range` that map to it until one is free.
async fn open_shard_aware(
    addr: SocketAddr,
    shard: u16,
    sharder: &Sharder,
    range: &ShardAwarePortRange,
    config: &ConnectionConfig,
) -> Result<Connection, ConnectionError> {
    for port in sharder.iter_source_ports_for_shard_from_range(Shard::from(shard), range) {
        match Connection::open(addr, Some(port), config).await {
            Err(e) if e.is_address_unavailable_for_use() => continue,
            other => return other,
        }
    }
    Err(ConnectionError::NoSourcePortForShard(u32::from(shard)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn per_host_connections_are_spread_over_shards() {
        let size = PoolSize::PerHost(std::num::NonZeroUsize::new(10).unwrap());
        let spread: Vec<usize> = (0..4).map(|s| target_for_shard(size, 4, s)).collect();
        assert_eq!(spread, vec![3, 3, 2, 2]);
        let per_shard = PoolSize::PerShard(std::num::NonZeroUsize::new(2).unwrap());
        assert_eq!(target_for_shard(per_shard, 4, 3), 2);
    }
}
