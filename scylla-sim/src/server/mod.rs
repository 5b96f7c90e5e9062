//! The network side of the simulated cluster: every node listens on its own address
//! (the CQL port and the shard-aware port, optionally with TLS), and every accepted
//! connection is served by one task speaking protocol v4.
//!
//! - [`SimCluster`] / [`SimClusterBuilder`]: start a cluster in-process and control its
//!   nodes (stop, start, restart, pause, resume, add, decommission), read the request
//!   counters, shut it down.
//! - Each connection belongs to one shard: on the regular port shards are handed out
//!   round robin, on the shard-aware port the shard is `client_port % nr_shards`.
//! - The handshake follows Cassandra and ScyllaDB: OPTIONS → SUPPORTED (with the
//!   `SCYLLA_*` sharding keys and protocol extensions), STARTUP (compression lz4 or
//!   snappy, extensions) → READY, or AUTHENTICATE then SASL PLAIN when password
//!   authentication is on. A request in another protocol version than v4 gets a
//!   protocol error whose message says which versions are supported, so drivers
//!   downgrade.
//! - QUERY, PREPARE, EXECUTE and BATCH go to the executor ([`crate::exec`]); REGISTER
//!   subscribes the connection to the cluster's events, pushed on stream -1.

mod connection;
mod frame;
mod handler;
mod handshake;
mod sim;
mod tls;

use std::io;
use std::net::SocketAddr;
use std::num::NonZeroU16;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use scylla_cql::frame::protocol_features::ProtocolFeatures;
use tokio::net::{TcpListener, TcpSocket, TcpStream};
use tokio::sync::watch;
use tokio::task::{JoinHandle, JoinSet};
use tokio_rustls::TlsAcceptor;
use uuid::Uuid;

use crate::cluster::ClusterState;
use crate::ring::{Node, NodeId};

pub(crate) use handler::RequestHandler;
pub use sim::{
    CountersSnapshot, NodeCounters, NodeInfo, SimCluster, SimClusterBuilder, SimError,
    free_loopback_base,
};
pub use tls::{TlsIdentity, TlsSetupError};

/// How long a TLS handshake may take before the connection is dropped.
const TLS_HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// Settings and services shared by every connection of a cluster.
pub(crate) struct ServerShared {
    /// The cluster.
    pub(crate) state: Arc<ClusterState>,
    /// Runs statements.
    pub(crate) handler: Arc<dyn RequestHandler>,
    /// TLS on every port, when configured.
    pub(crate) tls: Option<TlsAcceptor>,
    /// The largest request body accepted (compressed or not).
    pub(crate) max_body_size: usize,
    /// The extensions offered in SUPPORTED.
    pub(crate) offered_features: ProtocolFeatures,
    /// The shard-aware port, if enabled.
    pub(crate) shard_aware_port: Option<u16>,
}

/// What a connection needs to know about its node.
pub(crate) struct NodeShared {
    pub(crate) id: NodeId,
    /// The CQL address (regular port).
    pub(crate) address: SocketAddr,
    pub(crate) host_id: Uuid,
    pub(crate) nr_shards: NonZeroU16,
    pub(crate) sharding_ignore_msb: u8,
    next_shard: AtomicUsize,
}

impl NodeShared {
    pub(crate) fn new(node: &Node, port: u16) -> Self {
        Self {
            id: node.id(),
            address: SocketAddr::new(node.address(), port),
            host_id: node.host_id(),
            nr_shards: node.nr_shards(),
            sharding_ignore_msb: node.sharding_ignore_msb(),
            next_shard: AtomicUsize::new(0),
        }
    }

    /// The shard for the next connection on the regular port.
    fn round_robin_shard(&self) -> u16 {
        let n = self.next_shard.fetch_add(1, Ordering::Relaxed);
        (n % usize::from(self.nr_shards.get())) as u16
    }
}

/// Whether a node's connections answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RunState {
    /// Answering.
    Running,
    /// Reading but not answering.
    Paused,
    /// Not listening; connections closed.
    Stopped,
}

/// A node's bound listening sockets.
pub(crate) struct Listeners {
    regular: TcpListener,
    shard_aware: Option<TcpListener>,
}

/// Binds a listening socket with `SO_REUSEADDR`, so that a restarted node can listen
/// again at once.
fn bind_listener(address: SocketAddr) -> io::Result<TcpListener> {
    let socket = if address.is_ipv4() {
        TcpSocket::new_v4()?
    } else {
        TcpSocket::new_v6()?
    };
    socket.set_reuseaddr(true)?;
    socket.bind(address)?;
    socket.listen(1024)
}

/// One node's listeners and connections.
pub(crate) struct NodeServer {
    shared: Arc<NodeShared>,
    run: watch::Sender<RunState>,
    accept: Option<JoinHandle<()>>,
}

impl NodeServer {
    pub(crate) fn new(shared: Arc<NodeShared>) -> Self {
        let (run, _) = watch::channel(RunState::Stopped);
        Self {
            shared,
            run,
            accept: None,
        }
    }

    pub(crate) fn shared(&self) -> &Arc<NodeShared> {
        &self.shared
    }

    /// Binds the node's ports. Fails with the address that could not be bound.
    pub(crate) fn bind(
        &self,
        shard_aware_port: Option<u16>,
    ) -> Result<Listeners, (SocketAddr, io::Error)> {
        let regular_address = self.shared.address;
        let regular = bind_listener(regular_address).map_err(|e| (regular_address, e))?;
        let shard_aware = match shard_aware_port {
            Some(port) => {
                let address = SocketAddr::new(regular_address.ip(), port);
                Some(bind_listener(address).map_err(|e| (address, e))?)
            }
            None => None,
        };
        Ok(Listeners {
            regular,
            shard_aware,
        })
    }

    /// Whether the node is listening.
    pub(crate) fn is_running(&self) -> bool {
        self.accept.is_some()
    }

    /// Starts accepting on `listeners`.
    pub(crate) fn start(&mut self, server: Arc<ServerShared>, listeners: Listeners) {
        self.run.send_replace(RunState::Running);
        let run = self.run.subscribe();
        let node = Arc::clone(&self.shared);
        self.accept = Some(tokio::spawn(accept_loop(server, node, listeners, run)));
    }

    /// Stops listening and closes every connection; returns when they are closed.
    pub(crate) async fn stop(&mut self) {
        self.run.send_replace(RunState::Stopped);
        if let Some(task) = self.accept.take() {
            let _ = task.await;
        }
    }

    /// Pauses (true) or resumes (false) answering.
    pub(crate) fn set_paused(&self, paused: bool) {
        if self.accept.is_some() {
            self.run.send_replace(if paused {
                RunState::Paused
            } else {
                RunState::Running
            });
        }
    }
}

impl Drop for NodeServer {
    fn drop(&mut self) {
        self.run.send_replace(RunState::Stopped);
        if let Some(task) = self.accept.take() {
            // Dropping the accept loop drops its set of connection tasks, which aborts
            // them.
            task.abort();
        }
    }
}

async fn accept_optional(listener: Option<&TcpListener>) -> io::Result<(TcpStream, SocketAddr)> {
    match listener {
        Some(l) => l.accept().await,
        None => std::future::pending().await,
    }
}

async fn accept_loop(
    server: Arc<ServerShared>,
    node: Arc<NodeShared>,
    listeners: Listeners,
    mut run: watch::Receiver<RunState>,
) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listeners.regular.accept() => match accepted {
                Ok((socket, peer)) => {
                    let shard = node.round_robin_shard();
                    spawn_connection(&mut connections, &server, &node, &run, socket, peer, shard);
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(5)).await,
            },
            accepted = accept_optional(listeners.shard_aware.as_ref()) => match accepted {
                Ok((socket, peer)) => {
                    let shard = peer.port() % node.nr_shards.get();
                    spawn_connection(&mut connections, &server, &node, &run, socket, peer, shard);
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(5)).await,
            },
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
            changed = run.changed() => {
                if changed.is_err() || *run.borrow_and_update() == RunState::Stopped {
                    break;
                }
            }
        }
    }
    drop(listeners);
    connections.shutdown().await;
}

fn spawn_connection(
    connections: &mut JoinSet<()>,
    server: &Arc<ServerShared>,
    node: &Arc<NodeShared>,
    run: &watch::Receiver<RunState>,
    socket: TcpStream,
    peer: SocketAddr,
    shard: u16,
) {
    let _ = socket.set_nodelay(true);
    let server = Arc::clone(server);
    let node = Arc::clone(node);
    let run = run.clone();
    match server.tls.clone() {
        None => {
            connections.spawn(connection::serve(socket, server, node, shard, peer, run));
        }
        Some(acceptor) => {
            connections.spawn(async move {
                let handshake =
                    tokio::time::timeout(TLS_HANDSHAKE_TIMEOUT, acceptor.accept(socket)).await;
                if let Ok(Ok(stream)) = handshake {
                    connection::serve(stream, server, node, shard, peer, run).await;
                }
            });
        }
    }
}
