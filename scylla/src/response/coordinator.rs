//! The node, connection and shard that served a request.

use std::net::SocketAddr;
use std::sync::Arc;

use crate::cluster::{Node, NodeRef};
use crate::routing::Shard;

/// Where a request was served: the coordinator node, the address of the connection
/// used, and the shard of that connection (ScyllaDB only).
#[derive(Debug, Clone)]
pub struct Coordinator {
    node: Arc<Node>,
    connection_address: SocketAddr,
    shard: Option<Shard>,
}

impl Coordinator {
    /// The coordinator of a request sent to `node` over a connection to
    /// `connection_address`, which belongs to `shard`.
    pub(crate) fn new(
        node: NodeRef<'_>,
        connection_address: SocketAddr,
        shard: Option<Shard>,
    ) -> Self {
        Coordinator {
            node: Arc::clone(node),
            connection_address,
            shard,
        }
    }

    /// The node that coordinated the request.
    #[inline]
    pub fn node(&self) -> NodeRef<'_> {
        &self.node
    }

    /// The address the connection was opened to (after address translation; with a
    /// shard-aware port it differs from the node's address).
    #[inline]
    pub fn connection_address(&self) -> SocketAddr {
        self.connection_address
    }

    /// The shard of the connection, if the node is sharded (ScyllaDB).
    #[inline]
    pub fn shard(&self) -> Option<Shard> {
        self.shard
    }
}

#[cfg(test)]
impl Coordinator {
    /// A coordinator on a test node at `addr`, shard 3.
    pub(crate) fn new_for_test(addr: SocketAddr) -> Self {
        let node = Arc::new(Node::new_for_test(
            uuid::Uuid::from_u128(1),
            addr,
            None,
            None,
            None,
        ));
        Coordinator::new(&node, addr, Some(3))
    }
}
