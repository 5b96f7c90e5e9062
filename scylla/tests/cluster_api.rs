//! The public API of cluster metadata, routing and the routing policies, as
//! applications written for the upstream `scylla` 1.x crate use it: signatures, and
//! user implementations of the policy traits.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use scylla::cluster::metadata::{
    ColumnKind, ColumnKindFromStrError, Keyspace, PeriodicFetchMode, Strategy,
};
use scylla::cluster::{ClusterState, KnownNode, Node, NodeAddr, NodeRef};
use scylla::errors::{ClusterStateTokenError, TranslationError};
use scylla::policies::address_translator::{AddressTranslator, UntranslatedPeer};
use scylla::policies::host_filter::{
    AcceptAllHostFilter, AllowListHostFilter, DcHostFilter, HostFilter,
};
use scylla::policies::load_balancing::{
    DefaultPolicy, DefaultPolicyBuilder, FallbackPlan, LatencyAwarenessBuilder,
    LoadBalancingPolicy, NodeIdentifier, Plan, RoutingInfo, SingleTargetLoadBalancingPolicy,
};
use scylla::routing::locator::{ReplicaLocator, TokenRing};
use scylla::routing::partitioner::{CDCPartitioner, Partitioner, PartitionerName};
use scylla::routing::{NodeLocationPreference, Shard, ShardCount, Sharder, Token};
use scylla::serialize::row::SerializeRow;
use scylla_cql::frame::response::result::TableSpec;
use uuid::Uuid;

#[test]
#[allow(clippy::type_complexity)]
fn signatures() {
    let _: fn(&ClusterState) -> &[Arc<Node>] = ClusterState::get_nodes_info;
    let _: fn(&ClusterState, Uuid) -> Option<NodeRef<'_>> = ClusterState::get_node_by_host_id;
    fn keyspace_of(s: &ClusterState) -> Option<&Keyspace> {
        s.get_keyspace(String::from("ks"))
            .or_else(|| s.get_keyspace("ks"))
    }
    let _ = keyspace_of;
    let _: fn(&ClusterState) -> &str = ClusterState::cluster_name;
    let _: fn(
        &ClusterState,
        &str,
        &str,
        &dyn SerializeRow,
    ) -> Result<Token, ClusterStateTokenError> = ClusterState::compute_token;
    let _: fn(&ClusterState, &str, &str, Token) -> Vec<(Arc<Node>, Shard)> =
        ClusterState::get_token_endpoints;
    let _: fn(&ClusterState) -> &ReplicaLocator = ClusterState::replica_locator;
    let _ = |s: &ClusterState| {
        s.keyspaces_iter()
            .filter(|(name, ks)| !name.is_empty() && ks.durable_writes)
            .count()
    };

    let _: fn(&Node) -> Option<Sharder> = Node::sharder;
    let _: fn(&Node) -> bool = Node::is_connected;
    let _: fn(&Node) -> bool = Node::is_enabled;
    let _ = |n: &Node| (n.host_id, n.address, n.datacenter.clone(), n.rack.clone());

    let _: fn(&ReplicaLocator) -> &TokenRing<Arc<Node>> = ReplicaLocator::ring;
    let _: fn(&ReplicaLocator) -> &[String] = ReplicaLocator::datacenter_names;
    let _: fn(&ReplicaLocator) -> &[Arc<Node>] = ReplicaLocator::unique_nodes_in_global_ring;
    let _ = |l: &ReplicaLocator, s: &Strategy| {
        let spec = TableSpec::borrowed("ks", "t");
        let set = l.replicas_for_token(Token::new(0), s, Some("dc1"), &spec);
        let n = set.len();
        let ordered: Vec<(NodeRef<'_>, Shard)> = set.into_replicas_ordered().into_iter().collect();
        n + ordered.len()
    };
    let _ = |l: &ReplicaLocator| l.unique_nodes_in_datacenter_ring("dc1").map(<[_]>::len);
    let _ = |r: &TokenRing<Arc<Node>>| {
        (
            r.len(),
            r.is_empty(),
            r.iter().count(),
            r.ring_range(Token::new(0)).count(),
            r.ring_range_full(Token::new(0)).count(),
            r.get_elem_for_token(Token::new(0)).is_some(),
        )
    };
}

#[test]
fn small_types() {
    let addr: SocketAddr = "10.0.0.1:9042".parse().unwrap();
    let a = NodeAddr::Translatable(addr);
    assert_eq!((a.ip(), a.port()), (addr.ip(), 9042));
    assert_eq!(a.to_string(), "10.0.0.1:9042");
    let b = a;
    assert!(a <= b);
    let _ = KnownNode::Hostname("localhost:9042".into());
    let _ = KnownNode::Address(addr);

    assert_eq!(ColumnKind::from_str("static"), Ok(ColumnKind::Static));
    let _: ColumnKindFromStrError = ColumnKind::from_str("nope").unwrap_err();
    assert_eq!(
        PeriodicFetchMode::default(),
        PeriodicFetchMode::AffectedKeyspaces
    );

    let pref = NodeLocationPreference::DatacenterAndRack("dc".into(), "r".into());
    assert_eq!((pref.datacenter(), pref.rack()), (Some("dc"), Some("r")));
    assert_eq!(NodeLocationPreference::Any.datacenter(), None);

    assert_eq!(Token::from_str("-5").unwrap().value(), -5);
    assert!(Token::from_str("x").is_err());

    let s = Sharder::new(ShardCount::new(2).unwrap(), 12);
    assert_eq!(s.shard_of_source_port(49153), 1);

    let key = [0u8; 16];
    assert_eq!(CDCPartitioner.hash_one(&key), Token::new(0));
    assert_eq!(PartitionerName::default(), PartitionerName::Murmur3);
}

#[test]
fn routing_info_from_default() {
    let pref = NodeLocationPreference::Datacenter("dc1".into());
    let mut info = RoutingInfo::default();
    assert!(!info.should_route_as_lwt());
    assert_eq!(info.node_location_preference, &NodeLocationPreference::Any);
    info.token = Some(Token::new(1));
    info.is_confirmed_lwt = true;
    info.node_location_preference = &pref;
    assert!(info.should_route_as_lwt());
}

#[test]
fn policies_build() {
    let builder: DefaultPolicyBuilder = DefaultPolicy::builder()
        .prefer_datacenter_and_rack("dc1".into(), "r1".into())
        .prefer_datacenter("dc1".into())
        .prefer_no_datacenter()
        .inherit_location_preference()
        .token_aware(true)
        .permit_dc_failover(true)
        .enable_shuffling_replicas(false)
        .latency_awareness(
            LatencyAwarenessBuilder::new()
                .exclusion_threshold(3.0)
                .retry_period(Duration::from_secs(30))
                .update_rate(Duration::from_secs(1))
                .minimum_measurements(100)
                .scale(Duration::from_millis(50)),
        );
    let policy: Arc<dyn LoadBalancingPolicy> = builder.clone().build();
    assert_eq!(policy.name(), "DefaultPolicy");
    let _ = format!("{:?}", DefaultPolicy::default());
    let _ = LatencyAwarenessBuilder::default();
    let single = SingleTargetLoadBalancingPolicy::new(NodeIdentifier::HostId(Uuid::nil()), Some(1));
    assert_eq!(single.name(), "SingleTargetLoadBalancingPolicy");
    let _ = NodeIdentifier::NodeAddress("10.0.0.1:9042".parse().unwrap());
}

/// A user's own policy: first node of the cluster, then the others.
#[derive(Debug)]
struct FirstNodePolicy;

impl LoadBalancingPolicy for FirstNodePolicy {
    fn pick<'a>(
        &'a self,
        _request: &'a RoutingInfo,
        cluster: &'a ClusterState,
    ) -> Option<(NodeRef<'a>, Option<Shard>)> {
        cluster.get_nodes_info().first().map(|n| (n, None))
    }

    fn fallback<'a>(
        &'a self,
        _request: &'a RoutingInfo,
        cluster: &'a ClusterState,
    ) -> FallbackPlan<'a> {
        Box::new(
            cluster
                .get_nodes_info()
                .iter()
                .skip(1)
                .map(|n| (n, Some(0))),
        )
    }

    fn name(&self) -> String {
        "FirstNodePolicy".into()
    }
}

#[test]
fn user_policy() {
    let policy: Arc<dyn LoadBalancingPolicy> = Arc::new(FirstNodePolicy);
    assert_eq!(policy.name(), "FirstNodePolicy");
    assert!(policy.as_any().is_none());
    let _ =
        |info: &RoutingInfo, state: &ClusterState| Plan::new(policy.as_ref(), info, state).count();
}

/// A user's own address translator.
struct ShiftPort;

#[async_trait]
impl AddressTranslator for ShiftPort {
    async fn translate_address(
        &self,
        untranslated_peer: &UntranslatedPeer<'_>,
    ) -> Result<SocketAddr, TranslationError> {
        let mut addr = untranslated_peer.untranslated_address();
        addr.set_port(addr.port() + 1);
        Ok(addr)
    }
}

/// A user's own host filter.
struct NoHosts;

impl HostFilter for NoHosts {
    fn accept(&self, _peer: &scylla::cluster::metadata::Peer) -> bool {
        false
    }
}

#[test]
fn user_translators_and_filters() {
    let _: Arc<dyn AddressTranslator> = Arc::new(ShiftPort);
    let map: HashMap<SocketAddr, SocketAddr> = HashMap::new();
    let _: Arc<dyn AddressTranslator> = Arc::new(map);
    let map: HashMap<&'static str, &'static str> = HashMap::new();
    let _: Arc<dyn AddressTranslator> = Arc::new(map);
    let filters: Vec<Arc<dyn HostFilter>> = vec![
        Arc::new(NoHosts),
        Arc::new(AcceptAllHostFilter),
        Arc::new(DcHostFilter::new("dc1".into())),
        Arc::new(AllowListHostFilter::new(["127.0.0.1:9042"]).unwrap()),
    ];
    assert_eq!(filters.len(), 4);
}
