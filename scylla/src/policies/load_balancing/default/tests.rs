use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::collections::{HashMap, HashSet};
use std::time::Duration;

use scylla_cql::frame::response::result::TableSpec;

use super::*;
use crate::cluster::test_utils::{
    cluster_with_sharders, host_id, id_of, keyspace, nts, simple, six_node_peers,
};
use crate::policies::load_balancing::{NodeIdentifier, Plan, SingleTargetLoadBalancingPolicy};
use crate::routing::Token;

// ---------------------------------------------------------------------------------------
// A global allocator that counts this thread's allocations while asked to
// ---------------------------------------------------------------------------------------

struct CountingAllocator;

thread_local! {
    static COUNTING: Cell<bool> = const { Cell::new(false) };
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

fn note_allocation() {
    // `try_with`: the thread-locals may be gone while the thread shuts down.
    let _ = COUNTING.try_with(|counting| {
        if counting.get() {
            let _ = ALLOCATIONS.try_with(|n| n.set(n.get() + 1));
        }
    });
}

unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        note_allocation();
        // SAFETY: forwarded as is to the system allocator.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` was allocated by the system allocator with `layout`.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        note_allocation();
        // SAFETY: forwarded as is to the system allocator.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        note_allocation();
        // SAFETY: forwarded as is to the system allocator.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

/// How many allocations `f` makes on this thread.
fn count_allocations(f: impl FnOnce()) -> usize {
    ALLOCATIONS.with(|n| n.set(0));
    COUNTING.with(|c| c.set(true));
    f();
    COUNTING.with(|c| c.set(false));
    ALLOCATIONS.with(|n| n.get())
}

// ---------------------------------------------------------------------------------------
// Setup
// ---------------------------------------------------------------------------------------

/// The six-node cluster of `six_node_peers` (dc1: 1 r1, 2 r1, 3 r2; dc2: 4 r1, 5 r2,
/// 6 r2), with keyspace `nts` ({dc1: 2, dc2: 2}) and `simple` (rf 3). Node 3 has 4
/// shards.
fn state() -> ClusterState {
    cluster_with_sharders(
        six_node_peers(),
        vec![
            ("nts", keyspace(nts(&[("dc1", 2), ("dc2", 2)]))),
            ("simple", keyspace(simple(3))),
        ],
        &[(3, 4, 12)],
    )
}

static NTS_TABLE: TableSpec<'static> = TableSpec::borrowed("nts", "t");
static SIMPLE_TABLE: TableSpec<'static> = TableSpec::borrowed("simple", "t");
static UNKNOWN_TABLE: TableSpec<'static> = TableSpec::borrowed("nope", "t");

fn info<'a>(token: Option<i64>, table: &'a TableSpec<'a>) -> RoutingInfo<'a> {
    RoutingInfo {
        token: token.map(Token::new),
        table: Some(table),
        consistency: Consistency::Quorum,
        ..RoutingInfo::default()
    }
}

fn plan(policy: &DefaultPolicy, info: &RoutingInfo, state: &ClusterState) -> Vec<u8> {
    Plan::new(policy, info, state)
        .map(|(n, _)| id_of(n))
        .collect()
}

fn policy(builder: DefaultPolicyBuilder) -> DefaultPolicy {
    builder.build_policy()
}

fn as_set(ids: &[u8]) -> HashSet<u8> {
    ids.iter().copied().collect()
}

fn node(state: &ClusterState, n: u8) -> &Arc<Node> {
    state.get_node_by_host_id(host_id(n)).unwrap()
}

// ---------------------------------------------------------------------------------------
// Plans
// ---------------------------------------------------------------------------------------

#[test]
fn local_datacenter_only_without_failover() {
    let state = state();
    let p = policy(DefaultPolicy::builder().prefer_datacenter("dc1".into()));
    for _ in 0..50 {
        let ids = plan(&p, &info(None, &NTS_TABLE), &state);
        assert_eq!(ids.len(), 3, "{ids:?}");
        assert_eq!(as_set(&ids), as_set(&[1, 2, 3]));
    }
    // Failover permitted, and possible with a non-local consistency.
    let p = policy(
        DefaultPolicy::builder()
            .prefer_datacenter("dc1".into())
            .permit_dc_failover(true),
    );
    let ids = plan(&p, &info(None, &NTS_TABLE), &state);
    assert_eq!(as_set(&ids[..3]), as_set(&[1, 2, 3]));
    assert_eq!(as_set(&ids[3..]), as_set(&[4, 5, 6]));
    // A LOCAL_* consistency forbids it.
    for consistency in [Consistency::LocalQuorum, Consistency::LocalOne] {
        let mut i = info(None, &NTS_TABLE);
        i.consistency = consistency;
        assert_eq!(plan(&p, &i, &state).len(), 3);
    }
    // So does LOCAL_SERIAL for a lightweight transaction.
    let mut i = info(None, &NTS_TABLE);
    i.is_confirmed_lwt = true;
    i.serial_consistency = Some(SerialConsistency::LocalSerial);
    assert_eq!(plan(&p, &i, &state).len(), 3);
    i.serial_consistency = Some(SerialConsistency::Serial);
    assert_eq!(plan(&p, &i, &state).len(), 6);
}

#[test]
fn no_preference_uses_every_node() {
    let state = state();
    let p = DefaultPolicy::default();
    let ids = plan(&p, &info(None, &NTS_TABLE), &state);
    assert_eq!(as_set(&ids), as_set(&[1, 2, 3, 4, 5, 6]));
    assert_eq!(ids.len(), 6);
}

#[test]
fn replicas_come_first() {
    let state = state();
    let p = policy(DefaultPolicy::builder().prefer_datacenter("dc1".into()));
    // Token 150: dc1 replicas 3 and 1; dc2 replicas 4 and 5.
    let mut firsts = HashMap::new();
    for _ in 0..200 {
        let ids = plan(&p, &info(Some(150), &NTS_TABLE), &state);
        assert_eq!(as_set(&ids[..2]), as_set(&[1, 3]), "{ids:?}");
        assert_eq!(ids[2], 2);
        assert_eq!(ids.len(), 3);
        *firsts.entry(ids[0]).or_insert(0) += 1;
    }
    // Shuffled: either replica may come first.
    assert_eq!(firsts.len(), 2, "{firsts:?}");

    let p = policy(
        DefaultPolicy::builder()
            .prefer_datacenter("dc1".into())
            .permit_dc_failover(true),
    );
    let ids = plan(&p, &info(Some(150), &NTS_TABLE), &state);
    assert_eq!(as_set(&ids[..2]), as_set(&[1, 3]));
    assert_eq!(as_set(&ids[2..4]), as_set(&[4, 5]), "{ids:?}");
    assert_eq!(ids[4..], [2, 6]);
}

#[test]
fn replicas_get_their_shard() {
    let state = state();
    let p = policy(
        DefaultPolicy::builder()
            .prefer_datacenter("dc1".into())
            .enable_shuffling_replicas(false),
    );
    let token = Token::new(150);
    let expected_shard = node(&state, 3).sharder().unwrap().shard_of(token);
    let i = info(Some(150), &NTS_TABLE);
    for (node, shard) in Plan::new(&p, &i, &state) {
        match id_of(node) {
            3 => assert_eq!(shard, expected_shard),
            _ => assert_eq!(shard, 0),
        }
    }
    let picked = p.pick(&i, &state).unwrap();
    assert!(picked.1.is_some(), "a replica is picked with its shard");
    // A non-replica has no shard: the plan draws one of the node's.
    let no_token = info(None, &NTS_TABLE);
    for _ in 0..20 {
        for (node, shard) in Plan::new(&p, &no_token, &state) {
            if id_of(node) == 3 {
                assert!(shard < 4);
            }
        }
    }
}

#[test]
fn preferred_rack_first() {
    let state = state();
    let p = policy(DefaultPolicy::builder().prefer_datacenter_and_rack("dc1".into(), "r1".into()));
    for _ in 0..50 {
        // Token 150: dc1 replicas 3 (r2) and 1 (r1); node 2 (r1) is not a replica.
        assert_eq!(plan(&p, &info(Some(150), &NTS_TABLE), &state), [1, 3, 2]);
        // Without a token: rack r1 (nodes 1, 2) first.
        let ids = plan(&p, &info(None, &NTS_TABLE), &state);
        assert_eq!(as_set(&ids[..2]), as_set(&[1, 2]));
        assert_eq!(ids[2], 3);
    }
}

#[test]
fn lwt_goes_to_replicas_in_ring_order() {
    let state = state();
    let p = policy(DefaultPolicy::builder().prefer_datacenter("dc1".into()));
    let mut i = info(Some(150), &NTS_TABLE);
    i.is_confirmed_lwt = true;
    assert!(i.should_route_as_lwt());
    for _ in 0..50 {
        // Primary replica 3 (token 200), then 1 (token 600), then the non-replica 2.
        assert_eq!(plan(&p, &i, &state), [3, 1, 2]);
    }
    // The primary is down: the next replica first, the down primary last.
    node(&state, 3).set_connected_for_test(false);
    assert_eq!(plan(&p, &i, &state), [1, 2, 3]);
    node(&state, 3).set_connected_for_test(true);

    // With failover and SERIAL: remote replicas in ring order after the local ones.
    let p = policy(
        DefaultPolicy::builder()
            .prefer_datacenter("dc1".into())
            .permit_dc_failover(true),
    );
    i.serial_consistency = Some(SerialConsistency::Serial);
    assert_eq!(plan(&p, &i, &state), [3, 1, 4, 5, 2, 6]);

    // No preference: ring order over every datacenter.
    let p = DefaultPolicy::default();
    let ids = plan(&p, &i, &state);
    assert_eq!(ids[..4], [3, 4, 5, 1]);
    assert_eq!(as_set(&ids[4..]), as_set(&[2, 6]));

    // SimpleStrategy keyspace: token 150 → 3, 4, 5.
    let mut i = info(Some(150), &SIMPLE_TABLE);
    i.is_confirmed_lwt = true;
    assert_eq!(plan(&p, &i, &state)[..3], [3, 4, 5]);
}

#[test]
fn shuffling_can_be_disabled() {
    let state = state();
    let p = policy(DefaultPolicy::builder().enable_shuffling_replicas(false));
    let i = info(Some(150), &SIMPLE_TABLE);
    let first = plan(&p, &i, &state);
    assert_eq!(as_set(&first[..3]), as_set(&[3, 4, 5]));
    for _ in 0..50 {
        assert_eq!(plan(&p, &i, &state), first);
    }
    // With shuffling, plans differ.
    let p = DefaultPolicy::default();
    let plans: HashSet<Vec<u8>> = (0..100).map(|_| plan(&p, &i, &state)).collect();
    assert!(plans.len() > 1);
    for ids in &plans {
        assert_eq!(as_set(&ids[..3]), as_set(&[3, 4, 5]));
    }
}

#[test]
fn down_and_disabled_nodes() {
    let mut peers = six_node_peers();
    peers.truncate(3);
    let state = cluster_with_sharders(peers, vec![("simple", keyspace(simple(3)))], &[]);
    let p = DefaultPolicy::default();
    node(&state, 1).set_connected_for_test(false);
    node(&state, 2).change_down_marker(true);
    for _ in 0..30 {
        let i = info(Some(150), &SIMPLE_TABLE);
        assert_eq!(p.pick(&i, &state).map(|(n, _)| id_of(n)), Some(3));
        let ids = plan(&p, &i, &state);
        assert_eq!(ids[0], 3);
        assert_eq!(as_set(&ids[1..]), as_set(&[1, 2]), "down nodes last");
    }
    // Everything down: no pick, but the plan still tries the enabled nodes.
    node(&state, 3).set_connected_for_test(false);
    let i = info(None, &SIMPLE_TABLE);
    assert!(p.pick(&i, &state).is_none());
    assert_eq!(as_set(&plan(&p, &i, &state)), as_set(&[1, 2, 3]));
}

#[test]
fn disabled_nodes_are_never_used() {
    use crate::cluster::metadata::parse::Metadata;
    let metadata = Metadata {
        peers: six_node_peers(),
        keyspaces: [("simple".to_owned(), Ok(keyspace(simple(3))))]
            .into_iter()
            .collect(),
        cluster_name: None,
    };
    let state = ClusterState::new_with_node_factory(metadata, None, None, |peer, _| {
        if peer.host_id == host_id(3) {
            Node::new_disabled_for_test(peer.host_id, peer.address.into_inner())
        } else {
            Node::new_for_test(
                peer.host_id,
                peer.address.into_inner(),
                peer.datacenter.as_deref(),
                peer.rack.as_deref(),
                None,
            )
        }
    });
    let p = DefaultPolicy::default();
    for _ in 0..30 {
        let ids = plan(&p, &info(Some(150), &SIMPLE_TABLE), &state);
        assert!(!ids.contains(&3));
        assert_eq!(as_set(&ids[..2]), as_set(&[4, 5]));
        assert_eq!(ids.len(), 5);
    }
}

#[test]
fn token_awareness_can_be_off() {
    let state = state();
    let p = policy(DefaultPolicy::builder().token_aware(false));
    let firsts: HashSet<u8> = (0..300)
        .map(|_| plan(&p, &info(Some(150), &SIMPLE_TABLE), &state)[0])
        .collect();
    assert_eq!(firsts.len(), 6);
    // Unknown keyspace: no replicas, any node.
    let p = DefaultPolicy::default();
    let ids = plan(&p, &info(Some(150), &UNKNOWN_TABLE), &state);
    assert_eq!(ids.len(), 6);
}

#[test]
fn location_preference_inheritance() {
    let state = state();
    let session_pref = NodeLocationPreference::Datacenter("dc2".into());
    let mut i = info(None, &NTS_TABLE);
    i.node_location_preference = &session_pref;
    // Inherited by default.
    let ids = plan(&DefaultPolicy::default(), &i, &state);
    assert_eq!(as_set(&ids), as_set(&[4, 5, 6]));
    let ids = plan(
        &policy(
            DefaultPolicy::builder()
                .prefer_datacenter("dc1".into())
                .inherit_location_preference(),
        ),
        &i,
        &state,
    );
    assert_eq!(as_set(&ids), as_set(&[4, 5, 6]));
    // The policy's own preference wins.
    let ids = plan(
        &policy(DefaultPolicy::builder().prefer_datacenter("dc1".into())),
        &i,
        &state,
    );
    assert_eq!(as_set(&ids), as_set(&[1, 2, 3]));
    let ids = plan(
        &policy(DefaultPolicy::builder().prefer_no_datacenter()),
        &i,
        &state,
    );
    assert_eq!(ids.len(), 6);
    // A datacenter the cluster does not have: nothing local.
    let ids = plan(
        &policy(DefaultPolicy::builder().prefer_datacenter("dc9".into())),
        &i,
        &state,
    );
    assert!(ids.is_empty());
}

#[test]
fn latency_awareness_penalizes_a_slow_node() {
    let state = state();
    let p = policy(
        DefaultPolicy::builder()
            .prefer_datacenter("dc1".into())
            .latency_awareness(
                LatencyAwarenessBuilder::new()
                    .minimum_measurements(10)
                    .update_rate(Duration::ZERO)
                    .retry_period(Duration::from_secs(3600)),
            ),
    );
    let i = info(Some(150), &NTS_TABLE);
    for _ in 0..20 {
        p.on_request_success(&i, Duration::from_millis(1), node(&state, 1));
        p.on_request_success(&i, Duration::from_millis(1), node(&state, 2));
        p.on_request_success(&i, Duration::from_millis(50), node(&state, 3));
    }
    let la = p.latency_awareness.as_ref().unwrap();
    let (avg, n) = la.average_of(node(&state, 3)).unwrap();
    assert_eq!(n, 20);
    assert!(avg > Duration::from_millis(40), "{avg:?}");
    assert!(la.is_penalized(node(&state, 3)));
    assert!(!la.is_penalized(node(&state, 1)));
    // Replica 3 goes after the non-replica 2.
    for _ in 0..30 {
        assert_eq!(plan(&p, &i, &state), [1, 2, 3]);
    }
    // Failures that say nothing about the node's speed are not measured.
    p.on_request_failure(
        &i,
        Duration::from_secs(10),
        node(&state, 1),
        &RequestAttemptError::UnableToAllocStreamId,
    );
    assert_eq!(la.average_of(node(&state, 1)).unwrap().1, 20);
    p.on_request_failure(
        &i,
        Duration::from_millis(1),
        node(&state, 1),
        &RequestAttemptError::DbError(crate::errors::DbError::Invalid, String::new()),
    );
    assert_eq!(la.average_of(node(&state, 1)).unwrap().1, 21);

    // Too few measurements: nobody is penalized.
    let p = policy(
        DefaultPolicy::builder()
            .prefer_datacenter("dc1".into())
            .latency_awareness(LatencyAwarenessBuilder::new().update_rate(Duration::ZERO)),
    );
    for _ in 0..20 {
        p.on_request_success(&i, Duration::from_millis(1), node(&state, 1));
        p.on_request_success(&i, Duration::from_millis(50), node(&state, 3));
    }
    assert!(!p.is_penalized(node(&state, 3)));

    // Stale measurements: a second chance.
    let p = policy(
        DefaultPolicy::builder().latency_awareness(
            LatencyAwarenessBuilder::new()
                .minimum_measurements(1)
                .update_rate(Duration::ZERO)
                .retry_period(Duration::ZERO),
        ),
    );
    p.on_request_success(&i, Duration::from_millis(1), node(&state, 1));
    p.on_request_success(&i, Duration::from_millis(50), node(&state, 3));
    std::thread::sleep(Duration::from_millis(2));
    assert!(!p.is_penalized(node(&state, 3)));
}

#[test]
fn plan_skips_the_picked_node_in_the_fallback() {
    let state = state();
    let p = DefaultPolicy::default();
    for _ in 0..50 {
        let ids = plan(&p, &info(Some(150), &SIMPLE_TABLE), &state);
        assert_eq!(ids.len(), 6, "{ids:?}");
        assert_eq!(as_set(&ids).len(), 6);
    }
}

#[test]
fn names_and_any() {
    let p = DefaultPolicy::default();
    assert_eq!(p.name(), "DefaultPolicy");
    assert!(
        p.as_any()
            .and_then(|a| a.downcast_ref::<DefaultPolicy>())
            .is_some()
    );
    let built: Arc<dyn LoadBalancingPolicy> = DefaultPolicy::builder().build();
    assert_eq!(built.name(), "DefaultPolicy");
    let _ = format!("{p:?}");
    let _ = DefaultPolicyBuilder::default();
}

// ---------------------------------------------------------------------------------------
// SingleTarget
// ---------------------------------------------------------------------------------------

#[test]
fn single_target_policy() {
    let state = state();
    let i = info(Some(150), &SIMPLE_TABLE);
    let by_id = SingleTargetLoadBalancingPolicy::new(NodeIdentifier::HostId(host_id(4)), Some(2));
    assert_eq!(by_id.name(), "SingleTargetLoadBalancingPolicy");
    let targets: Vec<(u8, Shard)> = Plan::new(by_id.as_ref(), &i, &state)
        .map(|(n, s)| (id_of(n), s))
        .collect();
    assert_eq!(targets, [(4, 2)]);

    let by_addr = SingleTargetLoadBalancingPolicy::new(
        NodeIdentifier::NodeAddress("10.0.0.5:9042".parse().unwrap()),
        None,
    );
    assert_eq!(plan_of(by_addr.as_ref(), &i, &state), [5]);
    let by_node = SingleTargetLoadBalancingPolicy::new(
        NodeIdentifier::Node(Arc::clone(node(&state, 6))),
        None,
    );
    assert_eq!(plan_of(by_node.as_ref(), &i, &state), [6]);
    // Not in the cluster: an empty plan.
    let missing = SingleTargetLoadBalancingPolicy::new(NodeIdentifier::HostId(host_id(99)), None);
    assert!(plan_of(missing.as_ref(), &i, &state).is_empty());
    let missing = SingleTargetLoadBalancingPolicy::new(
        NodeIdentifier::NodeAddress("10.0.0.5:9043".parse().unwrap()),
        None,
    );
    assert!(plan_of(missing.as_ref(), &i, &state).is_empty());
}

fn plan_of(policy: &dyn LoadBalancingPolicy, info: &RoutingInfo, state: &ClusterState) -> Vec<u8> {
    Plan::new(policy, info, state)
        .map(|(n, _)| id_of(n))
        .collect()
}

// ---------------------------------------------------------------------------------------
// pick does not allocate
// ---------------------------------------------------------------------------------------

#[test]
fn pick_does_not_allocate() {
    let state = state();
    let latency_aware = policy(
        DefaultPolicy::builder()
            .prefer_datacenter("dc1".into())
            .permit_dc_failover(true)
            .latency_awareness(
                LatencyAwarenessBuilder::new()
                    .minimum_measurements(1)
                    .update_rate(Duration::ZERO),
            ),
    );
    let warmup = info(Some(150), &NTS_TABLE);
    for n in 1..=6 {
        latency_aware.on_request_success(
            &warmup,
            Duration::from_millis(u64::from(n)),
            node(&state, n),
        );
    }
    let policies: Vec<DefaultPolicy> = vec![
        DefaultPolicy::default(),
        policy(DefaultPolicy::builder().enable_shuffling_replicas(false)),
        policy(DefaultPolicy::builder().prefer_datacenter_and_rack("dc1".into(), "r1".into())),
        policy(
            DefaultPolicy::builder()
                .prefer_datacenter("dc2".into())
                .permit_dc_failover(true),
        ),
        policy(DefaultPolicy::builder().token_aware(false)),
        latency_aware,
    ];
    let single = SingleTargetLoadBalancingPolicy::new(NodeIdentifier::HostId(host_id(2)), None);

    let mut infos = Vec::new();
    for table in [&NTS_TABLE, &SIMPLE_TABLE, &UNKNOWN_TABLE] {
        for token in [None, Some(150), Some(-5), Some(i64::MAX)] {
            for lwt in [false, true] {
                let mut i = info(token, table);
                i.is_confirmed_lwt = lwt;
                infos.push(i);
            }
        }
    }
    // Warm up: the thread's RNG is created on first use.
    for p in &policies {
        for i in &infos {
            let _ = p.pick(i, &state);
        }
    }
    // A down node on the way makes pick skip it.
    node(&state, 3).set_connected_for_test(false);

    let mut picked = 0;
    let allocations = count_allocations(|| {
        for _ in 0..20 {
            for p in &policies {
                for i in &infos {
                    if p.pick(i, &state).is_some() {
                        picked += 1;
                    }
                }
            }
            for i in &infos {
                if single.pick(i, &state).is_some() {
                    picked += 1;
                }
            }
        }
    });
    assert_eq!(allocations, 0, "pick allocated");
    assert!(picked > 1000);
    // The counter works.
    assert!(count_allocations(|| drop(Box::new(5))) >= 1);
    node(&state, 3).set_connected_for_test(true);
}

#[test]
fn tablet_replicas_with_their_shards() {
    use scylla_cql::frame::response::tablets::TabletsRoutingV1;
    let mut state = state();
    let tablet = TabletsRoutingV1 {
        first_token: 0,
        last_token: 1000,
        replicas: vec![(host_id(2), 5), (host_id(6), 1)],
    };
    assert_eq!(state.update_tablets([("simple", "t", &tablet)]), 1);
    let p = policy(DefaultPolicy::builder().prefer_datacenter("dc1".into()));
    let i = info(Some(150), &SIMPLE_TABLE);
    for _ in 0..20 {
        assert_eq!(
            p.pick(&i, &state).map(|(n, s)| (id_of(n), s)),
            Some((2, Some(5)))
        );
        let targets: Vec<(u8, Shard)> = Plan::new(&p, &i, &state)
            .map(|(n, s)| (id_of(n), s))
            .collect();
        assert_eq!(targets[0], (2, 5));
        assert_eq!(targets.len(), 3);
    }
    // LWT: the server's order.
    let p = DefaultPolicy::default();
    let mut i = info(Some(150), &SIMPLE_TABLE);
    i.is_confirmed_lwt = true;
    assert_eq!(plan(&p, &i, &state)[..2], [2, 6]);
}
