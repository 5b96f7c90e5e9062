use std::collections::{BTreeMap, HashMap, HashSet};
use std::net::{IpAddr, Ipv4Addr};

use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use scylla_cql::frame::response::result::TableSpec;

use super::*;
use crate::cluster::metadata::{Peer, Strategy};
use crate::cluster::test_utils::{
    cluster, cluster_with_sharders, id_of, keyspace, nts, peer, simple, six_node_peers,
};
use crate::cluster::{ClusterState, Node};
use crate::routing::{ShardCount, Sharder};

const TABLE: TableSpec<'static> = TableSpec::borrowed("ks", "t");

fn ids<'a>(it: impl IntoIterator<Item = (NodeRef<'a>, Shard)>) -> Vec<u8> {
    it.into_iter().map(|(n, _)| id_of(n)).collect()
}

fn six_node_cluster(strategies: &[Strategy]) -> ClusterState {
    let keyspaces = strategies
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let name: &'static str = Box::leak(format!("ks{i}").into_boxed_str());
            (name, keyspace(s.clone()))
        })
        .collect();
    cluster(six_node_peers(), keyspaces)
}

fn replicas(
    state: &ClusterState,
    token: i64,
    strategy: &Strategy,
    dc: Option<&str>,
) -> (Vec<u8>, Vec<u8>, usize) {
    let locator = state.replica_locator();
    let set = locator.replicas_for_token(Token::new(token), strategy, dc, &TABLE);
    let len = set.len();
    assert_eq!(set.is_empty(), len == 0);
    let unordered = ids(set.clone());
    let ordered = ids(set.into_replicas_ordered());
    assert_eq!(unordered.len(), len, "len() agrees with iteration");
    let mut a = unordered.clone();
    let mut b = ordered.clone();
    a.sort_unstable();
    b.sort_unstable();
    assert_eq!(a, b, "ordered and unordered hold the same replicas");
    (unordered, ordered, len)
}

#[test]
fn ring_accessors() {
    let state = six_node_cluster(&[simple(3)]);
    let locator = state.replica_locator();
    assert_eq!(locator.ring().len(), 10);
    assert_eq!(
        locator.datacenter_names(),
        &["dc1".to_owned(), "dc2".to_owned()]
    );
    let unique: Vec<u8> = locator
        .unique_nodes_in_global_ring()
        .iter()
        .map(|n| id_of(n))
        .collect();
    assert_eq!(unique, [1, 2, 3, 4, 5, 6]);
    let dc2: Vec<u8> = locator
        .unique_nodes_in_datacenter_ring("dc2")
        .unwrap()
        .iter()
        .map(|n| id_of(n))
        .collect();
    assert_eq!(dc2, [4, 5, 6]);
    assert!(locator.unique_nodes_in_datacenter_ring("dc3").is_none());
    assert_eq!(
        locator
            .ring()
            .get_elem_for_token(Token::new(901))
            .map(|n| id_of(n)),
        Some(1)
    );
}

#[test]
fn simple_strategy() {
    let s3 = simple(3);
    let state = six_node_cluster(&[s3.clone(), simple(6), simple(10), simple(0)]);
    // Token 150 is owned by node 3 (token 200); then 4 and 5.
    assert_eq!(replicas(&state, 150, &s3, None).0, [3, 4, 5]);
    assert_eq!(replicas(&state, 200, &s3, None).0, [3, 4, 5]);
    assert_eq!(replicas(&state, 201, &s3, None).0, [4, 5, 6]);
    // Past the last token: wraps around to node 1.
    assert_eq!(replicas(&state, 950, &s3, None).0, [1, 2, 3]);
    assert_eq!(replicas(&state, i64::MIN, &s3, None).0, [1, 2, 3]);
    assert_eq!(replicas(&state, 450, &s3, None).0, [6, 1, 2]);
    // Vnodes: a node is counted once.
    assert_eq!(
        replicas(&state, 650, &simple(6), None).0,
        [2, 3, 4, 1, 5, 6]
    );
    // More replicas than nodes: every node.
    assert_eq!(replicas(&state, 650, &simple(10), None).2, 6);
    assert_eq!(replicas(&state, 650, &simple(0), None).2, 0);
    // Restricted to a datacenter.
    assert_eq!(replicas(&state, 150, &s3, Some("dc1")).0, [3]);
    assert_eq!(replicas(&state, 150, &s3, Some("dc2")).0, [4, 5]);
    assert_eq!(replicas(&state, 150, &s3, Some("nope")).2, 0);
    // Ordered: the list is in ring order already.
    assert_eq!(replicas(&state, 450, &s3, None).1, [6, 1, 2]);
}

#[test]
fn strategies_not_precomputed_are_walked() {
    // Strategies no keyspace of the cluster uses have no precomputed lists: their
    // replicas are placed while iterating, with the same result.
    let strategies = [
        simple(1),
        simple(2),
        simple(4),
        nts(&[("dc1", 1), ("dc2", 3)]),
        nts(&[("dc1", 3), ("dc2", 2)]),
    ];
    let precomputed = six_node_cluster(&strategies);
    let lazy = six_node_cluster(&[]);
    for strategy in &strategies {
        for token in (-100..1100).step_by(25) {
            for dc in [None, Some("dc1"), Some("dc2"), Some("dc3")] {
                assert_eq!(
                    replicas(&lazy, token, strategy, dc),
                    replicas(&precomputed, token, strategy, dc),
                    "{strategy:?} {token} {dc:?}"
                );
            }
        }
    }
    assert_eq!(replicas(&lazy, 150, &simple(2), None).0, [3, 4]);
}

#[test]
fn network_topology_strategy_with_racks() {
    let s = nts(&[("dc1", 2), ("dc2", 2)]);
    let s3 = nts(&[("dc1", 3), ("dc2", 3)]);
    let state = six_node_cluster(&[s.clone(), s3.clone()]);

    // dc1 ring: 0:1(r1) 100:2(r1) 200:3(r2) 600:1 700:2 800:3; two racks, rf 2: one
    // replica per rack.
    assert_eq!(replicas(&state, 150, &s, Some("dc1")).0, [3, 1]);
    assert_eq!(replicas(&state, 50, &s, Some("dc1")).0, [2, 3]);
    // Node 2 shares node 1's rack: skipped for node 3.
    assert_eq!(replicas(&state, 0, &s, Some("dc1")).0, [1, 3]);
    assert_eq!(replicas(&state, 650, &s, Some("dc1")).0, [2, 3]);
    // dc2 ring: 300:4(r1) 400:5(r2) 500:6(r2) 900:4.
    assert_eq!(replicas(&state, 150, &s, Some("dc2")).0, [4, 5]);
    assert_eq!(replicas(&state, 450, &s, Some("dc2")).0, [6, 4]);
    assert_eq!(replicas(&state, 350, &s, Some("dc2")).0, [5, 4]);
    // rf 3 with two racks: one repeat allowed, taken as soon as met.
    assert_eq!(replicas(&state, 350, &s3, Some("dc2")).0, [5, 6, 4]);
    assert_eq!(replicas(&state, 0, &s3, Some("dc1")).0, [1, 2, 3]);

    // All datacenters: unordered is dc by dc, ordered is the ring walk.
    let (unordered, ordered, len) = replicas(&state, 150, &s, None);
    assert_eq!(len, 4);
    assert_eq!(unordered, [3, 1, 4, 5]);
    assert_eq!(ordered, [3, 4, 5, 1]);
    let (_, ordered, _) = replicas(&state, 0, &s, None);
    assert_eq!(ordered, [1, 3, 4, 5]);

    // A datacenter missing from the strategy or from the ring.
    let only_dc1 = nts(&[("dc1", 2), ("dc9", 3)]);
    let state = six_node_cluster(std::slice::from_ref(&only_dc1));
    assert_eq!(replicas(&state, 150, &only_dc1, Some("dc2")).2, 0);
    assert_eq!(replicas(&state, 150, &only_dc1, Some("dc9")).2, 0);
    assert_eq!(replicas(&state, 150, &only_dc1, None).0, [3, 1]);
}

#[test]
fn rack_placement_prefers_distinct_racks() {
    // One datacenter, racks: r1 {1, 2}, r2 {3}, r3 {4}. rf 3 = rack count: no repeat.
    let peers = vec![
        peer(1, Some("dc"), Some("r1"), &[10]),
        peer(2, Some("dc"), Some("r1"), &[20]),
        peer(3, Some("dc"), Some("r2"), &[30]),
        peer(4, Some("dc"), Some("r3"), &[40]),
    ];
    let s = nts(&[("dc", 3)]);
    let state = cluster(peers, vec![("ks", keyspace(s.clone()))]);
    assert_eq!(replicas(&state, 0, &s, Some("dc")).0, [1, 3, 4]);
    assert_eq!(replicas(&state, 15, &s, Some("dc")).0, [2, 3, 4]);
    assert_eq!(replicas(&state, 35, &s, Some("dc")).0, [4, 1, 3]);
}

#[test]
fn everywhere_local_and_other_strategies() {
    let everywhere = Strategy::Other {
        name: "org.apache.cassandra.locator.EverywhereStrategy".to_owned(),
        data: HashMap::new(),
    };
    let custom = Strategy::Other {
        name: "com.example.MyStrategy".to_owned(),
        data: HashMap::new(),
    };
    let local = Strategy::LocalStrategy;
    let state = six_node_cluster(&[everywhere.clone(), custom.clone(), local.clone()]);

    let (unordered, ordered, len) = replicas(&state, 450, &everywhere, None);
    assert_eq!(len, 6);
    assert_eq!(unordered, [1, 2, 3, 4, 5, 6]);
    assert_eq!(ordered, [6, 1, 2, 3, 4, 5]);
    let (_, ordered, _) = replicas(&state, 950, &everywhere, Some("dc2"));
    assert_eq!(ordered, [4, 5, 6]);
    assert_eq!(replicas(&state, 950, &everywhere, Some("dc3")).2, 0);
    assert_eq!(replicas(&state, 150, &local, None).2, 6);
    // An unknown strategy: the primary replica only.
    assert_eq!(replicas(&state, 150, &custom, None).0, [3]);
}

#[test]
fn shards_of_replicas() {
    let s = simple(3);
    let state = cluster_with_sharders(
        six_node_peers(),
        vec![("ks", keyspace(s.clone()))],
        &[(3, 4, 12), (4, 7, 0)],
    );
    let token = Token::new(150);
    let set = state
        .replica_locator()
        .replicas_for_token(token, &s, None, &TABLE);
    let got: Vec<(u8, Shard)> = set.into_iter().map(|(n, s)| (id_of(n), s)).collect();
    let s3 = Sharder::new(ShardCount::new(4).unwrap(), 12).shard_of(token);
    let s4 = Sharder::new(ShardCount::new(7).unwrap(), 0).shard_of(token);
    assert_eq!(got, [(3, s3), (4, s4), (5, 0)]);
    // get_token_endpoints hands out the same.
    let endpoints: Vec<(u8, Shard)> = state
        .get_token_endpoints("ks", "t", token)
        .iter()
        .map(|(n, s)| (id_of(n), *s))
        .collect();
    assert_eq!(endpoints, got);
    assert!(state.get_token_endpoints("nope", "t", token).is_empty());
}

#[test]
fn choose_filtered() {
    let s = simple(3);
    let state = six_node_cluster(std::slice::from_ref(&s));
    let locator = state.replica_locator();
    let set = locator.replicas_for_token(Token::new(150), &s, None, &TABLE);
    let mut rng = SmallRng::seed_from_u64(7);
    let mut counts: HashMap<u8, usize> = HashMap::new();
    for _ in 0..3000 {
        let (node, _) = set
            .clone()
            .choose_filtered(&mut rng, |(n, _)| id_of(n) != 4)
            .unwrap();
        *counts.entry(id_of(node)).or_default() += 1;
    }
    assert_eq!(counts.len(), 2, "{counts:?}");
    assert!(counts[&3] > 1300 && counts[&5] > 1300, "{counts:?}");
    assert!(
        set.clone()
            .choose_filtered(&mut rng, |(n, _)| id_of(n) == 1)
            .is_none()
    );
    // The same seed gives the same choice.
    let a = set
        .clone()
        .choose_filtered(&mut SmallRng::seed_from_u64(1), |_| true);
    let b = set.choose_filtered(&mut SmallRng::seed_from_u64(1), |_| true);
    assert_eq!(a.map(|(n, _)| n.host_id), b.map(|(n, _)| n.host_id));
}

#[test]
fn replica_set_iterator_nth_and_size_hint() {
    let s = nts(&[("dc1", 2), ("dc2", 2)]);
    let state = six_node_cluster(std::slice::from_ref(&s));
    let set = state
        .replica_locator()
        .replicas_for_token(Token::new(150), &s, None, &TABLE);
    assert_eq!(
        set.clone().into_iter().nth(2).map(|(n, _)| id_of(n)),
        Some(4)
    );
    assert_eq!(set.clone().into_iter().nth(4).map(|(n, _)| id_of(n)), None);
    let plain =
        state
            .replica_locator()
            .replicas_for_token(Token::new(150), &s, Some("dc1"), &TABLE);
    let mut it = plain.into_iter();
    assert_eq!(it.size_hint(), (2, Some(2)));
    assert_eq!(it.nth(1).map(|(n, _)| id_of(n)), Some(1));
    assert!(it.next().is_none());
}

#[test]
fn empty_ring() {
    let state = cluster(vec![], vec![("ks", keyspace(simple(3)))]);
    let locator = state.replica_locator();
    assert!(locator.ring().is_empty());
    for strategy in [simple(3), nts(&[("dc1", 3)]), Strategy::LocalStrategy] {
        for dc in [None, Some("dc1")] {
            let set = locator.replicas_for_token(Token::new(5), &strategy, dc, &TABLE);
            assert!(set.is_empty());
            assert_eq!(set.clone().into_iter().count(), 0);
            assert_eq!(set.into_replicas_ordered().into_iter().count(), 0);
        }
    }
}

// ---------------------------------------------------------------------------------------
// Random topologies against a straightforward reference and against scylla-sim
// ---------------------------------------------------------------------------------------

struct RandomTopology {
    peers: Vec<Peer>,
    dcs: Vec<String>,
}

fn random_topology(rng: &mut SmallRng) -> RandomTopology {
    let dc_count = rng.random_range(1..=3);
    let dcs: Vec<String> = (0..dc_count).map(|i| format!("dc{i}")).collect();
    let node_count = rng.random_range(1..=12u8);
    let mut used = HashSet::new();
    let mut peers = Vec::new();
    for n in 1..=node_count {
        let dc = &dcs[rng.random_range(0..dcs.len())];
        let rack = format!("r{}", rng.random_range(0..4));
        let mut tokens = Vec::new();
        for _ in 0..rng.random_range(1..=6) {
            let t: i64 = rng.random_range(-1_000_000..1_000_000);
            if used.insert(t) {
                tokens.push(t);
            }
        }
        peers.push(peer(n, Some(dc), Some(&rack), &tokens));
    }
    RandomTopology { peers, dcs }
}

/// The replicas of `token` under NetworkTopologyStrategy, merged over datacenters in
/// ring order, computed by walking the global ring (vnodes repeating) as Cassandra's
/// NetworkTopologyStrategy.calculateNaturalReplicas describes.
fn reference_nts(peers: &[Peer], rfs: &HashMap<String, usize>, token: i64) -> Vec<u8> {
    let mut ring: Vec<(i64, &Peer)> = peers
        .iter()
        .flat_map(|p| p.tokens.iter().map(move |t| (t.value(), p)))
        .collect();
    ring.sort_by_key(|(t, _)| *t);
    let start = ring.iter().position(|(t, _)| *t >= token).unwrap_or(0);
    struct Dc<'a> {
        left: usize,
        repeats: isize,
        racks: HashSet<&'a str>,
    }
    let mut dcs: HashMap<&str, Dc> = HashMap::new();
    for (dc, rf) in rfs {
        let nodes: Vec<&Peer> = peers
            .iter()
            .filter(|p| p.datacenter.as_deref() == Some(dc))
            .collect();
        let racks: HashSet<&str> = nodes.iter().filter_map(|p| p.rack.as_deref()).collect();
        let wanted = (*rf).min(nodes.len());
        dcs.insert(
            dc,
            Dc {
                left: wanted,
                repeats: wanted as isize - racks.len() as isize,
                racks: HashSet::new(),
            },
        );
    }
    let mut out: Vec<u8> = Vec::new();
    for i in 0..ring.len() {
        let (_, p) = ring[(start + i) % ring.len()];
        let id = p.host_id.as_u128() as u8;
        if out.contains(&id) {
            continue;
        }
        let Some(dc) = p.datacenter.as_deref().and_then(|d| dcs.get_mut(d)) else {
            continue;
        };
        if dc.left == 0 {
            continue;
        }
        let rack = p.rack.as_deref().unwrap_or("");
        if dc.racks.insert(rack) {
            dc.left -= 1;
            out.push(id);
        } else if dc.repeats > 0 {
            dc.repeats -= 1;
            dc.left -= 1;
            out.push(id);
        }
    }
    out
}

fn reference_simple(peers: &[Peer], rf: usize, token: i64) -> Vec<u8> {
    let mut ring: Vec<(i64, u8)> = peers
        .iter()
        .flat_map(|p| {
            let id = p.host_id.as_u128() as u8;
            p.tokens.iter().map(move |t| (t.value(), id))
        })
        .collect();
    ring.sort_by_key(|(t, _)| *t);
    let start = ring.iter().position(|(t, _)| *t >= token).unwrap_or(0);
    let mut out = Vec::new();
    for i in 0..ring.len() {
        let id = ring[(start + i) % ring.len()].1;
        if out.len() < rf && !out.contains(&id) {
            out.push(id);
        }
    }
    out
}

/// The replicas scylla-sim (an independent implementation) computes.
fn sim_replicas(
    peers: &[Peer],
    strategy: &scylla_sim::ring::ReplicationStrategy,
    token: i64,
) -> Vec<u8> {
    use scylla_sim::ring::{NodeSpec, Topology};
    let mut topology = Topology::new(1);
    let mut first = None;
    for p in peers {
        let spec = NodeSpec::new(
            p.host_id,
            IpAddr::V4(Ipv4Addr::new(10, 0, 0, p.host_id.as_u128() as u8)),
            p.datacenter.clone().unwrap_or_default(),
            p.rack.clone().unwrap_or_default(),
        );
        let id = topology
            .add_node_with_tokens(
                spec,
                p.tokens
                    .iter()
                    .map(|t| scylla_sim::ring::Token::new(t.value())),
            )
            .expect("valid node");
        first.get_or_insert(id);
    }
    let map = topology.replica_map(strategy);
    map.replicas(scylla_sim::ring::Token::new(token), first.expect("a node"))
        .iter()
        .map(|id| topology.node(*id).expect("node").host_id().as_u128() as u8)
        .collect()
}

#[test]
fn random_topologies_match_the_references() {
    let mut rng = SmallRng::seed_from_u64(0x5eed);
    for round in 0..150 {
        let topo = random_topology(&mut rng);
        let rfs: HashMap<String, usize> = topo
            .dcs
            .iter()
            .map(|dc| (dc.clone(), rng.random_range(0..=4)))
            .collect();
        let nts_strategy = Strategy::NetworkTopologyStrategy {
            datacenter_repfactors: rfs.clone(),
        };
        let simple_rf = rng.random_range(1..=5);
        let simple_strategy = simple(simple_rf);
        let sim_nts = scylla_sim::ring::ReplicationStrategy::NetworkTopology {
            datacenters: rfs
                .iter()
                .map(|(k, v)| (k.clone(), *v))
                .collect::<BTreeMap<_, _>>(),
        };
        let sim_simple = scylla_sim::ring::ReplicationStrategy::Simple {
            replication_factor: simple_rf,
        };
        let state = cluster(
            topo.peers.clone(),
            vec![
                ("a", keyspace(nts_strategy.clone())),
                ("b", keyspace(simple_strategy.clone())),
            ],
        );
        // The same ring without keyspaces: nothing precomputed.
        let lazy = cluster(topo.peers.clone(), vec![]);
        for _ in 0..30 {
            let token: i64 = rng.random_range(-1_100_000..1_100_000);
            let expected = reference_nts(&topo.peers, &rfs, token);
            let (_, ordered, len) = replicas(&state, token, &nts_strategy, None);
            assert_eq!(
                ordered, expected,
                "round {round}, token {token}, rfs {rfs:?}"
            );
            assert_eq!(len, expected.len());
            assert_eq!(replicas(&lazy, token, &nts_strategy, None).1, expected);
            assert_eq!(
                sim_replicas(&topo.peers, &sim_nts, token),
                expected,
                "scylla-sim disagrees: round {round}, token {token}"
            );
            for dc in &topo.dcs {
                let (in_dc, _, _) = replicas(&state, token, &nts_strategy, Some(dc));
                let expected_in_dc: Vec<u8> = expected
                    .iter()
                    .copied()
                    .filter(|id| {
                        topo.peers.iter().any(|p| {
                            p.host_id.as_u128() as u8 == *id && p.datacenter.as_deref() == Some(dc)
                        })
                    })
                    .collect();
                assert_eq!(in_dc, expected_in_dc);
            }
            let expected = reference_simple(&topo.peers, simple_rf, token);
            assert_eq!(replicas(&state, token, &simple_strategy, None).0, expected);
            assert_eq!(replicas(&lazy, token, &simple_strategy, None).0, expected);
            assert_eq!(sim_replicas(&topo.peers, &sim_simple, token), expected);
        }
    }
}

#[test]
fn nodes_are_shared_between_lists() {
    // Precomputed lists hold the cluster's own Arcs.
    let s = simple(2);
    let state = six_node_cluster(std::slice::from_ref(&s));
    let set = state
        .replica_locator()
        .replicas_for_token(Token::new(0), &s, None, &TABLE);
    for (node, _) in set {
        let own: &Arc<Node> = state.get_node_by_host_id(node.host_id).unwrap();
        assert!(Arc::ptr_eq(own, node));
    }
}
