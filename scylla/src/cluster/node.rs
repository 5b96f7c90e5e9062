//! A node of the cluster, as the driver knows it, and its addresses.

use std::fmt;
use std::hash::{Hash, Hasher};
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use uuid::Uuid;

use crate::cluster::metadata::Peer;
use crate::network::connection_pool::NodeConnectionPool;
use crate::routing::Sharder;

/// A borrowed node, as load-balancing plans and replica sets hand them out.
pub type NodeRef<'a> = &'a Arc<Node>;

/// A node's address, and whether the address translator applies to it.
///
/// Addresses read from `system.peers` are translatable (the node may be behind a NAT);
/// the address the driver was given and connected to is not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum NodeAddr {
    /// An address the node broadcasts; the address translator may map it.
    Translatable(SocketAddr),
    /// An address used as is.
    Untranslatable(SocketAddr),
}

impl NodeAddr {
    /// The socket address, whichever kind it is.
    pub(crate) fn into_inner(self) -> SocketAddr {
        match self {
            NodeAddr::Translatable(addr) | NodeAddr::Untranslatable(addr) => addr,
        }
    }

    /// The IP address.
    pub fn ip(&self) -> IpAddr {
        self.into_inner().ip()
    }

    /// The port.
    pub fn port(&self) -> u16 {
        self.into_inner().port()
    }
}

impl fmt::Display for NodeAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.into_inner(), f)
    }
}

/// A node the session is told to contact first (a "contact point").
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum KnownNode {
    /// A host name, with an optional `:port`, resolved with DNS.
    Hostname(String),
    /// A socket address.
    Address(SocketAddr),
}

/// The connection pool of a node, or its absence.
pub(crate) enum NodePoolSlot {
    /// The host filter rejected the node: the driver does not connect to it.
    Disabled,
    /// The node's connection pool.
    Pool(Arc<NodeConnectionPool>),
    /// A stand-in for unit tests of routing: connected or not, with a fixed sharder.
    #[cfg(test)]
    Fake {
        connected: AtomicBool,
        sharder: Option<Sharder>,
    },
}

impl fmt::Debug for NodePoolSlot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NodePoolSlot::Disabled => f.write_str("Disabled"),
            NodePoolSlot::Pool(pool) => f.debug_tuple("Pool").field(pool).finish(),
            #[cfg(test)]
            NodePoolSlot::Fake { connected, sharder } => f
                .debug_struct("Fake")
                .field("connected", &connected.load(Ordering::Relaxed))
                .field("sharder", sharder)
                .finish(),
        }
    }
}

/// A node of the cluster.
///
/// Nodes are compared and hashed by [`host_id`](Self::host_id).
pub struct Node {
    /// The node's host id (`system.local.host_id`).
    pub host_id: Uuid,
    /// The node's address (not translated).
    pub address: NodeAddr,
    /// The node's datacenter, if known.
    pub datacenter: Option<String>,
    /// The node's rack, if known.
    pub rack: Option<String>,

    pool: NodePoolSlot,
    /// Set when the cluster reported the node down; cleared when it is reported up.
    down_marker: AtomicBool,
}

impl Node {
    /// A node described by `peer`, with its connection pool; `None` means the host
    /// filter rejected it (the node is then disabled: never contacted).
    pub(crate) fn new(peer: &Peer, pool: Option<Arc<NodeConnectionPool>>) -> Self {
        Node {
            host_id: peer.host_id,
            address: peer.address,
            datacenter: peer.datacenter.clone(),
            rack: peer.rack.clone(),
            pool: match pool {
                Some(pool) => NodePoolSlot::Pool(pool),
                None => NodePoolSlot::Disabled,
            },
            down_marker: AtomicBool::new(false),
        }
    }

    /// A node like `self` (same connection pool, same down marker) but with the
    /// location of `peer`: used when a node moved to another datacenter or rack
    /// without changing its address.
    pub(crate) fn with_location_of(&self, peer: &Peer) -> Self {
        Node {
            host_id: self.host_id,
            address: self.address,
            datacenter: peer.datacenter.clone(),
            rack: peer.rack.clone(),
            pool: match &self.pool {
                NodePoolSlot::Disabled => NodePoolSlot::Disabled,
                NodePoolSlot::Pool(pool) => NodePoolSlot::Pool(Arc::clone(pool)),
                #[cfg(test)]
                NodePoolSlot::Fake { connected, sharder } => NodePoolSlot::Fake {
                    connected: AtomicBool::new(connected.load(Ordering::Relaxed)),
                    sharder: *sharder,
                },
            },
            down_marker: AtomicBool::new(self.down_marker.load(Ordering::Relaxed)),
        }
    }

    /// The node's connection pool; `None` if the node is disabled.
    pub(crate) fn pool(&self) -> Option<&Arc<NodeConnectionPool>> {
        match &self.pool {
            NodePoolSlot::Pool(pool) => Some(pool),
            _ => None,
        }
    }

    /// How the node maps tokens to shards; `None` if it is not sharded (Cassandra) or
    /// no connection has told yet.
    pub fn sharder(&self) -> Option<Sharder> {
        match &self.pool {
            NodePoolSlot::Disabled => None,
            NodePoolSlot::Pool(pool) => pool.sharder(),
            #[cfg(test)]
            NodePoolSlot::Fake { sharder, .. } => *sharder,
        }
    }

    /// Whether the driver has at least one open connection to the node.
    pub fn is_connected(&self) -> bool {
        match &self.pool {
            NodePoolSlot::Disabled => false,
            NodePoolSlot::Pool(pool) => pool.is_connected(),
            #[cfg(test)]
            NodePoolSlot::Fake { connected, .. } => connected.load(Ordering::Relaxed),
        }
    }

    /// Whether the driver may contact the node at all (the host filter accepted it).
    pub fn is_enabled(&self) -> bool {
        !matches!(self.pool, NodePoolSlot::Disabled)
    }

    /// Records that the cluster reported the node down (`true`) or up (`false`).
    pub(crate) fn change_down_marker(&self, is_down: bool) {
        self.down_marker.store(is_down, Ordering::Relaxed);
    }

    /// Whether the cluster last reported the node down.
    pub(crate) fn is_down(&self) -> bool {
        self.down_marker.load(Ordering::Relaxed)
    }

    /// Whether load balancing should treat the node as up: enabled, connected, and not
    /// reported down.
    pub(crate) fn is_alive(&self) -> bool {
        self.is_enabled() && !self.is_down() && self.is_connected()
    }

    /// Whether the node has the same address, datacenter and rack as `peer` (so an
    /// existing `Node` can stand for it unchanged).
    pub(crate) fn matches_peer(&self, peer: &Peer) -> bool {
        self.host_id == peer.host_id
            && self.address == peer.address
            && self.datacenter == peer.datacenter
            && self.rack == peer.rack
    }

    /// A node for unit tests, connected, with the given sharder.
    #[cfg(test)]
    pub(crate) fn new_for_test(
        host_id: Uuid,
        address: SocketAddr,
        datacenter: Option<&str>,
        rack: Option<&str>,
        sharder: Option<Sharder>,
    ) -> Self {
        Node {
            host_id,
            address: NodeAddr::Translatable(address),
            datacenter: datacenter.map(str::to_owned),
            rack: rack.map(str::to_owned),
            pool: NodePoolSlot::Fake {
                connected: AtomicBool::new(true),
                sharder,
            },
            down_marker: AtomicBool::new(false),
        }
    }

    /// A disabled node for unit tests.
    #[cfg(test)]
    pub(crate) fn new_disabled_for_test(host_id: Uuid, address: SocketAddr) -> Self {
        Node {
            host_id,
            address: NodeAddr::Translatable(address),
            datacenter: None,
            rack: None,
            pool: NodePoolSlot::Disabled,
            down_marker: AtomicBool::new(false),
        }
    }

    /// Sets whether a test node counts as connected.
    #[cfg(test)]
    pub(crate) fn set_connected_for_test(&self, value: bool) {
        if let NodePoolSlot::Fake { connected, .. } = &self.pool {
            connected.store(value, Ordering::Relaxed);
        }
    }
}

impl fmt::Debug for Node {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Node")
            .field("host_id", &self.host_id)
            .field("address", &self.address)
            .field("datacenter", &self.datacenter)
            .field("rack", &self.rack)
            .field("enabled", &self.is_enabled())
            .field("connected", &self.is_connected())
            .field("down", &self.is_down())
            .finish()
    }
}

impl PartialEq for Node {
    fn eq(&self, other: &Self) -> bool {
        self.host_id == other.host_id
    }
}

impl Eq for Node {}

impl Hash for Node {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.host_id.hash(state);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    fn addr(s: &str) -> SocketAddr {
        s.parse().unwrap()
    }

    #[test]
    fn node_addr_accessors_and_display() {
        let a = NodeAddr::Translatable(addr("10.0.0.1:9042"));
        let b = NodeAddr::Untranslatable(addr("[::1]:19042"));
        assert_eq!(a.ip(), "10.0.0.1".parse::<IpAddr>().unwrap());
        assert_eq!(a.port(), 9042);
        assert_eq!(a.to_string(), "10.0.0.1:9042");
        assert_eq!(b.to_string(), "[::1]:19042");
        assert_eq!(b.port(), 19042);
        assert_ne!(a, NodeAddr::Untranslatable(addr("10.0.0.1:9042")));
    }

    #[test]
    fn nodes_compare_by_host_id() {
        let id = Uuid::from_u128(7);
        let a = Node::new_for_test(id, addr("1.1.1.1:9042"), Some("dc1"), None, None);
        let b = Node::new_for_test(id, addr("2.2.2.2:9042"), Some("dc2"), None, None);
        let c = Node::new_for_test(Uuid::from_u128(8), addr("1.1.1.1:9042"), None, None, None);
        assert_eq!(a, b);
        assert_ne!(a, c);
        // Only the host id (immutable) is hashed.
        #[allow(clippy::mutable_key_type)]
        let set: HashSet<Node> = [a, b, c].into_iter().collect();
        assert_eq!(set.len(), 2);
    }

    #[test]
    fn node_state() {
        let n = Node::new_for_test(Uuid::from_u128(1), addr("1.1.1.1:9042"), None, None, None);
        assert!(n.is_enabled() && n.is_connected() && n.is_alive());
        n.change_down_marker(true);
        assert!(!n.is_alive());
        n.change_down_marker(false);
        n.set_connected_for_test(false);
        assert!(!n.is_alive());
        let d = Node::new_disabled_for_test(Uuid::from_u128(2), addr("1.1.1.2:9042"));
        assert!(!d.is_enabled() && !d.is_connected() && !d.is_alive());
        assert_eq!(d.sharder(), None);
    }
}
