//! A policy that sends every request to one given node.

use std::net::SocketAddr;
use std::sync::Arc;

use tracing::warn;
use uuid::Uuid;

use super::{FallbackPlan, LoadBalancingPolicy, RoutingInfo};
use crate::cluster::{ClusterState, Node, NodeRef};
use crate::routing::Shard;

/// Names a node.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum NodeIdentifier {
    /// This node.
    Node(Arc<Node>),
    /// The node with this host id.
    HostId(Uuid),
    /// The node with this (untranslated) address.
    NodeAddress(SocketAddr),
}

/// Sends every request to one node (and optionally one shard), with no fallback.
/// If the node is not in the cluster, plans are empty.
#[derive(Debug)]
pub struct SingleTargetLoadBalancingPolicy {
    node_identifier: NodeIdentifier,
    shard: Option<Shard>,
}

impl SingleTargetLoadBalancingPolicy {
    /// A policy targeting `node_identifier` (and `shard`, if given).
    #[allow(clippy::new_ret_no_self)]
    pub fn new(
        node_identifier: NodeIdentifier,
        shard: Option<Shard>,
    ) -> Arc<dyn LoadBalancingPolicy> {
        Arc::new(Self {
            node_identifier,
            shard,
        })
    }
}

impl LoadBalancingPolicy for SingleTargetLoadBalancingPolicy {
    fn pick<'a>(
        &'a self,
        _request: &'a RoutingInfo,
        cluster: &'a ClusterState,
    ) -> Option<(NodeRef<'a>, Option<Shard>)> {
        let node = match &self.node_identifier {
            NodeIdentifier::Node(node) => Some(node),
            NodeIdentifier::HostId(host_id) => cluster.get_node_by_host_id(*host_id),
            NodeIdentifier::NodeAddress(address) => cluster
                .get_nodes_info()
                .iter()
                .find(|node| node.address.into_inner() == *address),
        };
        if node.is_none() {
            warn!(
                target_node = ?self.node_identifier,
                "SingleTargetLoadBalancingPolicy: the target node is not in the cluster"
            );
        }
        node.map(|node| (node, self.shard))
    }

    fn fallback<'a>(
        &'a self,
        _request: &'a RoutingInfo,
        _cluster: &'a ClusterState,
    ) -> FallbackPlan<'a> {
        Box::new(std::iter::empty())
    }

    fn name(&self) -> String {
        "SingleTargetLoadBalancingPolicy".to_owned()
    }
}
