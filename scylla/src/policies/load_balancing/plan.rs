//! [`Plan`]: the targets of one request, computed lazily.

use rand::Rng as _;

use super::{FallbackPlan, LoadBalancingPolicy, RoutingInfo};
use crate::cluster::{ClusterState, Node, NodeRef};
use crate::routing::Shard;

enum PlanState<'a> {
    /// Nothing asked of the policy yet.
    Created,
    /// The picked target was returned.
    Picked(NodeRef<'a>),
    /// Going through the fallback; the picked node (if any) is skipped.
    Fallback {
        iter: FallbackPlan<'a>,
        picked: Option<NodeRef<'a>>,
    },
}

/// The targets of one request: the policy's pick, then its fallback without the
/// picked node. The fallback is computed only when a second target is asked for.
///
/// A target without a shard gets a random shard of its node (0 if the node's sharding
/// is unknown).
pub struct Plan<'a> {
    policy: &'a dyn LoadBalancingPolicy,
    routing_info: &'a RoutingInfo<'a>,
    cluster: &'a ClusterState,
    state: PlanState<'a>,
}

impl<'a> Plan<'a> {
    /// The plan of `policy` for the request described by `routing_info`.
    pub fn new(
        policy: &'a dyn LoadBalancingPolicy,
        routing_info: &'a RoutingInfo<'a>,
        cluster: &'a ClusterState,
    ) -> Self {
        Plan {
            policy,
            routing_info,
            cluster,
            state: PlanState::Created,
        }
    }
}

/// The shard to use on `node`: the given one, or a random one.
fn with_shard(node: &Node, shard: Option<Shard>) -> Shard {
    match shard {
        Some(shard) => shard,
        None => node
            .sharder()
            .map(|s| rand::rng().random_range(0..Shard::from(s.nr_shards.get())))
            .unwrap_or(0),
    }
}

impl<'a> Iterator for Plan<'a> {
    type Item = (NodeRef<'a>, Shard);

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            match &mut self.state {
                PlanState::Created => match self.policy.pick(self.routing_info, self.cluster) {
                    Some((node, shard)) => {
                        self.state = PlanState::Picked(node);
                        return Some((node, with_shard(node, shard)));
                    }
                    None => {
                        tracing::trace!(
                            policy = %self.policy.name(),
                            "the policy picked no target; using its fallback"
                        );
                        self.state = PlanState::Fallback {
                            iter: self.policy.fallback(self.routing_info, self.cluster),
                            picked: None,
                        };
                    }
                },
                PlanState::Picked(node) => {
                    let picked = *node;
                    self.state = PlanState::Fallback {
                        iter: self.policy.fallback(self.routing_info, self.cluster),
                        picked: Some(picked),
                    };
                }
                PlanState::Fallback { iter, picked } => {
                    let picked = *picked;
                    for (node, shard) in iter.by_ref() {
                        if picked.is_some_and(|p| **p == **node) {
                            continue;
                        }
                        return Some((node, with_shard(node, shard)));
                    }
                    return None;
                }
            }
        }
    }
}
