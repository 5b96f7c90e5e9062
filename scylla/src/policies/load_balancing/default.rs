//! [`DefaultPolicy`]: token-aware, datacenter- and rack-aware load balancing.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use rand::rngs::{SmallRng, ThreadRng};
use rand::seq::SliceRandom;
use rand::{Rng, RngCore, SeedableRng};
use scylla_cql::frame::types::{Consistency, SerialConsistency};
use uuid::Uuid;

use super::latency::{LatencyAwareness, LatencyAwarenessBuilder};
use super::{FallbackPlan, LoadBalancingPolicy, RoutingInfo};
use crate::cluster::{ClusterState, Node, NodeRef};
use crate::errors::RequestAttemptError;
use crate::routing::locator::ReplicaSet;
use crate::routing::{NodeLocationPreference, Shard};

/// The default load-balancing policy.
///
/// Plans list, in this order (each node once):
/// 1. alive local replicas of the request's token (token awareness: prepared
///    statements) — those of the preferred rack first;
/// 2. alive remote replicas, if datacenter failover is permitted and the consistency
///    is not a `LOCAL_*` one;
/// 3. alive local nodes — those of the preferred rack first;
/// 4. alive remote nodes (same condition as 2);
/// 5. enabled nodes that are down (not connected or reported down), local then
///    remote (if failover is possible);
/// 6. with latency awareness, the alive nodes it penalizes, in the order above.
///
/// "Local" means in the preferred datacenter; without a preferred datacenter every
/// node is local. Replicas of a group come in random order (a fixed pseudo-random
/// order if shuffling is disabled); other nodes in a random rotation. Requests
/// confirmed as lightweight transactions go to the replicas in ring order, primary
/// replica first, so that concurrent transactions on a partition meet at the same
/// coordinator. Nodes the host filter rejected are never used.
#[derive(Debug)]
pub struct DefaultPolicy {
    /// `None`: use the request's (the session's) preference.
    preferences: Option<NodeLocationPreference>,
    is_token_aware: bool,
    permit_dc_failover: bool,
    latency_awareness: Option<LatencyAwareness>,
    /// Set when shuffling is disabled: every plan draws from an RNG with this seed.
    fixed_seed: Option<u64>,
}

impl Default for DefaultPolicy {
    fn default() -> Self {
        DefaultPolicy {
            preferences: None,
            is_token_aware: true,
            permit_dc_failover: false,
            latency_awareness: None,
            fixed_seed: None,
        }
    }
}

impl DefaultPolicy {
    /// A builder with the default settings.
    pub fn builder() -> DefaultPolicyBuilder {
        DefaultPolicyBuilder::new()
    }
}

/// Builds a [`DefaultPolicy`].
#[derive(Debug, Clone)]
pub struct DefaultPolicyBuilder {
    preferences: Option<NodeLocationPreference>,
    is_token_aware: bool,
    permit_dc_failover: bool,
    latency_awareness: Option<LatencyAwarenessBuilder>,
    enable_shuffling_replicas: bool,
}

impl DefaultPolicyBuilder {
    /// The defaults: inherit the session's location preference, token-aware, no
    /// datacenter failover, no latency awareness, replicas shuffled.
    pub fn new() -> Self {
        Self {
            preferences: None,
            is_token_aware: true,
            permit_dc_failover: false,
            latency_awareness: None,
            enable_shuffling_replicas: true,
        }
    }

    /// Prefers the nodes of datacenter `datacenter_name`.
    pub fn prefer_datacenter(mut self, datacenter_name: String) -> Self {
        self.preferences = Some(NodeLocationPreference::Datacenter(datacenter_name));
        self
    }

    /// Prefers the nodes of rack `rack_name` of datacenter `datacenter_name`, then the
    /// rest of that datacenter.
    pub fn prefer_datacenter_and_rack(
        mut self,
        datacenter_name: String,
        rack_name: String,
    ) -> Self {
        self.preferences = Some(NodeLocationPreference::DatacenterAndRack(
            datacenter_name,
            rack_name,
        ));
        self
    }

    /// Prefers no location, whatever the session's preference (every node is local).
    pub fn prefer_no_datacenter(mut self) -> Self {
        self.preferences = Some(NodeLocationPreference::Any);
        self
    }

    /// Uses the session's location preference (the default).
    pub fn inherit_location_preference(mut self) -> Self {
        self.preferences = None;
        self
    }

    /// Whether to send requests with a known token to its replicas first (default
    /// true).
    pub fn token_aware(mut self, is_token_aware: bool) -> Self {
        self.is_token_aware = is_token_aware;
        self
    }

    /// Whether plans may continue to nodes of other datacenters than the preferred one
    /// (default false). Never for requests with a `LOCAL_*` consistency.
    pub fn permit_dc_failover(mut self, permit: bool) -> Self {
        self.permit_dc_failover = permit;
        self
    }

    /// Enables latency awareness (default off).
    pub fn latency_awareness(mut self, latency_awareness_builder: LatencyAwarenessBuilder) -> Self {
        self.latency_awareness = Some(latency_awareness_builder);
        self
    }

    /// Whether to shuffle the replicas of a group (default true). When false, the
    /// order is pseudo-random from a seed fixed when the policy is built: the same
    /// request always gets the same plan.
    pub fn enable_shuffling_replicas(mut self, enable: bool) -> Self {
        self.enable_shuffling_replicas = enable;
        self
    }

    /// The policy.
    pub fn build(self) -> Arc<dyn LoadBalancingPolicy> {
        Arc::new(self.build_policy())
    }

    /// The policy, not type-erased.
    pub(crate) fn build_policy(self) -> DefaultPolicy {
        DefaultPolicy {
            preferences: self.preferences,
            is_token_aware: self.is_token_aware,
            permit_dc_failover: self.permit_dc_failover,
            latency_awareness: self.latency_awareness.map(LatencyAwarenessBuilder::build),
            fixed_seed: (!self.enable_shuffling_replicas).then(|| rand::rng().next_u64()),
        }
    }
}

impl Default for DefaultPolicyBuilder {
    fn default() -> Self {
        Self::new()
    }
}

/// The random source of one plan: the thread's RNG, or a seeded one.
enum PlanRng {
    Thread(ThreadRng),
    Seeded(SmallRng),
}

impl RngCore for PlanRng {
    fn next_u32(&mut self) -> u32 {
        match self {
            PlanRng::Thread(r) => r.next_u32(),
            PlanRng::Seeded(r) => r.next_u32(),
        }
    }

    fn next_u64(&mut self) -> u64 {
        match self {
            PlanRng::Thread(r) => r.next_u64(),
            PlanRng::Seeded(r) => r.next_u64(),
        }
    }

    fn fill_bytes(&mut self, dst: &mut [u8]) {
        match self {
            PlanRng::Thread(r) => r.fill_bytes(dst),
            PlanRng::Seeded(r) => r.fill_bytes(dst),
        }
    }
}

fn in_datacenter(node: &Node, dc: &str) -> bool {
    node.datacenter.as_deref() == Some(dc)
}

fn in_rack(node: &Node, dc: Option<&str>, rack: &str) -> bool {
    dc.is_none_or(|dc| in_datacenter(node, dc)) && node.rack.as_deref() == Some(rack)
}

/// The first node satisfying `predicate`, starting at a random position of `nodes`
/// and wrapping around.
fn find_rotated<'a>(
    nodes: &'a [Arc<Node>],
    rng: &mut impl Rng,
    predicate: impl Fn(&Node) -> bool,
) -> Option<NodeRef<'a>> {
    if nodes.is_empty() {
        return None;
    }
    let start = rng.random_range(0..nodes.len());
    let (head, tail) = nodes.split_at(start);
    tail.iter().chain(head).find(|node| predicate(node))
}

/// `nodes` rotated by a random offset.
fn rotated<'a>(nodes: &'a [Arc<Node>], rng: &mut impl Rng) -> impl Iterator<Item = NodeRef<'a>> {
    let start = if nodes.is_empty() {
        0
    } else {
        rng.random_range(0..nodes.len())
    };
    let (head, tail) = nodes.split_at(start);
    tail.iter().chain(head)
}

/// Collects a fallback plan: each enabled node once, alive and fast ones first, then
/// the down ones, then the penalized ones.
struct FallbackBuilder<'a, 'p> {
    policy: &'p DefaultPolicy,
    seen: HashSet<Uuid>,
    alive: Vec<(NodeRef<'a>, Option<Shard>)>,
    down: Vec<(NodeRef<'a>, Option<Shard>)>,
    penalized: Vec<(NodeRef<'a>, Option<Shard>)>,
}

impl<'a> FallbackBuilder<'a, '_> {
    fn push(&mut self, node: NodeRef<'a>, shard: Option<Shard>) {
        if !node.is_enabled() || !self.seen.insert(node.host_id) {
            return;
        }
        if !node.is_alive() {
            self.down.push((node, shard));
        } else if self.policy.is_penalized(node) {
            self.penalized.push((node, shard));
        } else {
            self.alive.push((node, shard));
        }
    }

    fn push_all(&mut self, targets: impl IntoIterator<Item = (NodeRef<'a>, Option<Shard>)>) {
        for (node, shard) in targets {
            self.push(node, shard);
        }
    }

    fn finish(mut self) -> FallbackPlan<'a> {
        self.alive.append(&mut self.down);
        self.alive.append(&mut self.penalized);
        Box::new(self.alive.into_iter())
    }
}

impl DefaultPolicy {
    fn rng(&self) -> PlanRng {
        match self.fixed_seed {
            Some(seed) => PlanRng::Seeded(SmallRng::seed_from_u64(seed)),
            None => PlanRng::Thread(rand::rng()),
        }
    }

    /// The location preference in force for a request.
    fn preference<'a>(&'a self, request: &'a RoutingInfo) -> &'a NodeLocationPreference {
        self.preferences
            .as_ref()
            .unwrap_or(request.node_location_preference)
    }

    /// Whether plans may go to other datacenters than `local_dc` for this request.
    fn is_failover_possible(&self, request: &RoutingInfo, local_dc: Option<&str>) -> bool {
        let local_consistency = matches!(
            request.consistency,
            Consistency::LocalOne | Consistency::LocalQuorum | Consistency::LocalSerial
        ) || (request.should_route_as_lwt()
            && request.serial_consistency == Some(SerialConsistency::LocalSerial));
        self.permit_dc_failover && local_dc.is_some() && !local_consistency
    }

    fn is_penalized(&self, node: &Node) -> bool {
        self.latency_awareness
            .as_ref()
            .is_some_and(|la| la.is_penalized(node))
    }

    /// Alive and not penalized.
    fn is_usable(&self, node: &Node) -> bool {
        node.is_alive() && !self.is_penalized(node)
    }

    /// The replicas of the request's token in `dc` (every datacenter if `None`), if
    /// the policy is token-aware and the request's token and keyspace are known.
    fn replicas<'a>(
        &self,
        request: &'a RoutingInfo,
        cluster: &'a ClusterState,
        dc: Option<&'a str>,
    ) -> Option<ReplicaSet<'a>> {
        if !self.is_token_aware {
            return None;
        }
        let token = request.token?;
        let table = request.table?;
        let keyspace = cluster.get_keyspace(table.ks_name())?;
        Some(
            cluster
                .replica_locator()
                .replicas_for_token(token, &keyspace.strategy, dc, table),
        )
    }

    /// The local nodes: those of `dc`, or all.
    fn local_nodes<'a>(cluster: &'a ClusterState, dc: Option<&str>) -> &'a [Arc<Node>] {
        let locator = cluster.replica_locator();
        match dc {
            Some(dc) => locator.unique_nodes_in_datacenter_ring(dc).unwrap_or(&[]),
            None => locator.unique_nodes_in_global_ring(),
        }
    }

    fn pick_replica<'a>(
        &self,
        request: &'a RoutingInfo,
        cluster: &'a ClusterState,
        dc: Option<&'a str>,
        rack: Option<&'a str>,
        failover: bool,
        rng: &mut PlanRng,
    ) -> Option<(NodeRef<'a>, Shard)> {
        let local = self.replicas(request, cluster, dc)?;
        if request.should_route_as_lwt() {
            if let Some(rack) = rack {
                let found = local
                    .clone()
                    .into_replicas_ordered()
                    .into_iter()
                    .find(|(n, _)| in_rack(n, dc, rack) && self.is_usable(n));
                if found.is_some() {
                    return found;
                }
            }
            let found = local
                .into_replicas_ordered()
                .into_iter()
                .find(|(n, _)| self.is_usable(n));
            if found.is_some() {
                return found;
            }
            if failover {
                return self
                    .replicas(request, cluster, None)?
                    .into_replicas_ordered()
                    .into_iter()
                    .find(|(n, _)| {
                        !dc.is_some_and(|dc| in_datacenter(n, dc)) && self.is_usable(n)
                    });
            }
            return None;
        }

        if let Some(rack) = rack {
            let found = local
                .clone()
                .choose_filtered(rng, |(n, _)| in_rack(n, dc, rack) && self.is_usable(n));
            if found.is_some() {
                return found;
            }
        }
        let found = local.choose_filtered(rng, |(n, _)| self.is_usable(n));
        if found.is_some() {
            return found;
        }
        if failover {
            return self
                .replicas(request, cluster, None)?
                .choose_filtered(rng, |(n, _)| {
                    !dc.is_some_and(|dc| in_datacenter(n, dc)) && self.is_usable(n)
                });
        }
        None
    }

    /// Appends the replicas of `set` (those satisfying `filter`), in ring order for
    /// LWT, shuffled otherwise.
    fn push_replicas<'a>(
        &self,
        out: &mut FallbackBuilder<'a, '_>,
        set: ReplicaSet<'a>,
        lwt: bool,
        rng: &mut PlanRng,
        filter: impl Fn(&Node) -> bool,
    ) {
        if lwt {
            out.push_all(
                set.into_replicas_ordered()
                    .into_iter()
                    .filter(|(n, _)| filter(n))
                    .map(|(n, s)| (n, Some(s))),
            );
        } else {
            let mut group: Vec<(NodeRef<'a>, Shard)> =
                set.into_iter().filter(|(n, _)| filter(n)).collect();
            group.shuffle(rng);
            out.push_all(group.into_iter().map(|(n, s)| (n, Some(s))));
        }
    }
}

impl LoadBalancingPolicy for DefaultPolicy {
    fn pick<'a>(
        &'a self,
        request: &'a RoutingInfo,
        cluster: &'a ClusterState,
    ) -> Option<(NodeRef<'a>, Option<Shard>)> {
        let preference = self.preference(request);
        let dc = preference.datacenter();
        let rack = preference.rack();
        let failover = self.is_failover_possible(request, dc);
        let mut rng = self.rng();

        if let Some((node, shard)) =
            self.pick_replica(request, cluster, dc, rack, failover, &mut rng)
        {
            return Some((node, Some(shard)));
        }

        let local = Self::local_nodes(cluster, dc);
        if let Some(rack) = rack
            && let Some(node) = find_rotated(local, &mut rng, |n| {
                in_rack(n, dc, rack) && self.is_usable(n)
            })
        {
            return Some((node, None));
        }
        if let Some(node) = find_rotated(local, &mut rng, |n| self.is_usable(n)) {
            return Some((node, None));
        }
        if failover {
            let all = cluster.replica_locator().unique_nodes_in_global_ring();
            if let Some(node) = find_rotated(all, &mut rng, |n| {
                !dc.is_some_and(|dc| in_datacenter(n, dc)) && self.is_usable(n)
            }) {
                return Some((node, None));
            }
        }
        None
    }

    fn fallback<'a>(
        &'a self,
        request: &'a RoutingInfo,
        cluster: &'a ClusterState,
    ) -> FallbackPlan<'a> {
        let preference = self.preference(request);
        let dc = preference.datacenter();
        let rack = preference.rack();
        let failover = self.is_failover_possible(request, dc);
        let lwt = request.should_route_as_lwt();
        let mut rng = self.rng();
        let is_remote = |n: &Node| dc.is_some_and(|dc| !in_datacenter(n, dc));

        let mut out = FallbackBuilder {
            policy: self,
            seen: HashSet::new(),
            alive: Vec::new(),
            down: Vec::new(),
            penalized: Vec::new(),
        };

        // 1. Local replicas, the preferred rack's first.
        if let Some(local) = self.replicas(request, cluster, dc) {
            if let Some(rack) = rack {
                self.push_replicas(&mut out, local.clone(), lwt, &mut rng, |n| {
                    in_rack(n, dc, rack)
                });
            }
            self.push_replicas(&mut out, local, lwt, &mut rng, |_| true);
        }
        // 2. Remote replicas.
        if failover && let Some(all) = self.replicas(request, cluster, None) {
            self.push_replicas(&mut out, all, lwt, &mut rng, is_remote);
        }
        // 3. Local nodes, the preferred rack's first.
        let local = Self::local_nodes(cluster, dc);
        if let Some(rack) = rack {
            out.push_all(
                rotated(local, &mut rng)
                    .filter(|n| in_rack(n, dc, rack))
                    .map(|n| (n, None)),
            );
        }
        out.push_all(rotated(local, &mut rng).map(|n| (n, None)));
        // 4. Remote nodes.
        if failover {
            let all = cluster.replica_locator().unique_nodes_in_global_ring();
            out.push_all(
                rotated(all, &mut rng)
                    .filter(|n| is_remote(n))
                    .map(|n| (n, None)),
            );
        }
        // 5. and 6.: the down and the penalized nodes go last.
        out.finish()
    }

    fn on_request_success(&self, _request: &RoutingInfo, latency: Duration, node: NodeRef<'_>) {
        if let Some(la) = &self.latency_awareness {
            la.report_request(node, latency);
        }
    }

    fn on_request_failure(
        &self,
        _request: &RoutingInfo,
        latency: Duration,
        node: NodeRef<'_>,
        error: &RequestAttemptError,
    ) {
        if let Some(la) = &self.latency_awareness
            && LatencyAwareness::reliable_latency_measure(error)
        {
            la.report_request(node, latency);
        }
    }

    fn name(&self) -> String {
        "DefaultPolicy".to_owned()
    }

    fn as_any(&self) -> Option<&dyn std::any::Any> {
        Some(self)
    }
}

#[cfg(test)]
mod tests;
