//! Token ownership and replica placement: hand-computed small clusters and properties of
//! random ones.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::net::{IpAddr, Ipv4Addr};
use std::sync::Arc;

use proptest::prelude::*;
use scylla_sim::ring::{
    NodeId, NodeSpec, ReplicationStrategy, Token, Topology, deterministic_host_id,
};

fn spec(i: u32, dc: &str, rack: &str) -> NodeSpec {
    let octet = u8::try_from(i + 1).unwrap();
    NodeSpec::new(
        deterministic_host_id(99, i),
        IpAddr::V4(Ipv4Addr::new(127, 0, 0, octet)),
        dc,
        rack,
    )
}

fn simple(rf: usize) -> ReplicationStrategy {
    ReplicationStrategy::Simple {
        replication_factor: rf,
    }
}

fn nts(pairs: &[(&str, usize)]) -> ReplicationStrategy {
    ReplicationStrategy::NetworkTopology {
        datacenters: pairs.iter().map(|(k, v)| ((*k).to_owned(), *v)).collect(),
    }
}

fn ids(topology: &Topology, strategy: &ReplicationStrategy, token: i64) -> Vec<u32> {
    topology
        .replicas(strategy, Token::new(token), NodeId::new(u32::MAX))
        .into_iter()
        .map(NodeId::get)
        .collect()
}

/// Nodes 0 (A), 1 (B), 2 (C) in one DC; ring: -100 A, 0 B, 100 C, 200 A.
fn three_nodes() -> Topology {
    let mut t = Topology::new(0);
    t.add_node_with_tokens(spec(0, "dc1", "r1"), [Token::new(-100), Token::new(200)])
        .unwrap();
    t.add_node_with_tokens(spec(1, "dc1", "r1"), [Token::new(0)])
        .unwrap();
    t.add_node_with_tokens(spec(2, "dc1", "r1"), [Token::new(100)])
        .unwrap();
    t
}

#[test]
fn ownership_and_wrap_around() {
    let t = three_nodes();
    let owner = |v: i64| t.owner(Token::new(v)).unwrap().get();
    assert_eq!(owner(i64::MIN), 0);
    assert_eq!(owner(-100), 0);
    assert_eq!(owner(-99), 1);
    assert_eq!(owner(0), 1);
    assert_eq!(owner(1), 2);
    assert_eq!(owner(100), 2);
    assert_eq!(owner(101), 0);
    assert_eq!(owner(200), 0);
    // Past the last token: wraps to the first (-100, node A).
    assert_eq!(owner(201), 0);
    assert_eq!(owner(i64::MAX), 0);
}

#[test]
fn simple_strategy_hand_computed() {
    let t = three_nodes();
    // Token 50 -> entry 100 (C), then 200 (A), -100 (A again, skipped), 0 (B).
    assert_eq!(ids(&t, &simple(1), 50), vec![2]);
    assert_eq!(ids(&t, &simple(2), 50), vec![2, 0]);
    assert_eq!(ids(&t, &simple(3), 50), vec![2, 0, 1]);
    // Token 150 -> entry 200 (A), then wraps: -100 (A, skipped), 0 (B), 100 (C).
    assert_eq!(ids(&t, &simple(2), 150), vec![0, 1]);
    assert_eq!(ids(&t, &simple(3), 150), vec![0, 1, 2]);
    // Token 300 -> wraps to entry -100 (A).
    assert_eq!(ids(&t, &simple(3), 300), vec![0, 1, 2]);
    assert_eq!(ids(&t, &simple(2), -50), vec![1, 2]);
    // RF larger than the cluster: every node.
    assert_eq!(ids(&t, &simple(5), 50), vec![2, 0, 1]);
    assert_eq!(ids(&t, &simple(0), 50), Vec::<u32>::new());
    // Everywhere: every node, ring order from the owner.
    assert_eq!(ids(&t, &ReplicationStrategy::Everywhere, 50), vec![2, 0, 1]);
}

/// dc1: A=0 (r1), B=1 (r1), C=2 (r2); dc2: D=3 (r1), E=4 (r2).
/// Ring: 10 A, 20 B, 25 D, 30 C, 40 E.
fn two_dcs() -> Topology {
    let mut t = Topology::new(0);
    for (i, dc, rack, token) in [
        (0, "dc1", "r1", 10),
        (1, "dc1", "r1", 20),
        (2, "dc1", "r2", 30),
        (3, "dc2", "r1", 25),
        (4, "dc2", "r2", 40),
    ] {
        t.add_node_with_tokens(spec(i, dc, rack), [Token::new(token)])
            .unwrap();
    }
    t
}

#[test]
fn network_topology_hand_computed() {
    let t = two_dcs();
    // dc1 RF 2 with 2 racks: no rack repeats allowed. Walk from A: A (r1), B (r1 again,
    // skipped), D (dc2), C (r2).
    assert_eq!(ids(&t, &nts(&[("dc1", 2), ("dc2", 1)]), 5), vec![0, 3, 2]);
    // dc1 RF 3 with 2 racks: one repeat allowed, taken as met: A, B, D, C, E.
    assert_eq!(
        ids(&t, &nts(&[("dc1", 3), ("dc2", 2)]), 5),
        vec![0, 1, 3, 2, 4]
    );
    // From B: B (r1), D, C (r2), E, then A (the allowed repeat).
    assert_eq!(
        ids(&t, &nts(&[("dc1", 3), ("dc2", 2)]), 15),
        vec![1, 3, 2, 4, 0]
    );
    // dc2 RF 5 but only 2 nodes: both. From E (wrap): E, A, B (repeat not allowed for RF
    // 2), D, C.
    assert_eq!(
        ids(&t, &nts(&[("dc1", 2), ("dc2", 5)]), 35),
        vec![4, 0, 3, 2]
    );
    // Past the last token the walk starts at A again.
    assert_eq!(
        ids(&t, &nts(&[("dc1", 2), ("dc2", 5)]), 41),
        vec![0, 3, 2, 4]
    );
    // Only dc2: the primary is the first dc2 node from the token, not its owner.
    assert_eq!(ids(&t, &nts(&[("dc1", 0), ("dc2", 1)]), 5), vec![3]);
    // A datacenter without nodes holds nothing.
    assert_eq!(ids(&t, &nts(&[("dc3", 3)]), 5), Vec::<u32>::new());
}

#[test]
fn local_strategy_is_the_coordinator() {
    let t = two_dcs();
    let local = ReplicationStrategy::Local;
    for coordinator in 0..5 {
        assert_eq!(
            t.replicas(&local, Token::new(12345), NodeId::new(coordinator)),
            vec![NodeId::new(coordinator)]
        );
    }
    assert!(
        t.replicas(&local, Token::new(0), NodeId::new(77))
            .is_empty()
    );
}

#[test]
fn replica_maps_are_cached_per_version() {
    let mut t = two_dcs();
    let strategy = nts(&[("dc1", 2), ("dc2", 1)]);
    let first = t.replica_map(&strategy);
    let again = t.replica_map(&strategy);
    assert!(Arc::ptr_eq(&first, &again));
    assert_eq!(first.topology_version(), t.version());
    assert_eq!(first.strategy(), &strategy);
    // Per-range lookups agree with per-token lookups.
    for (i, entry) in t.ring().entries().iter().enumerate() {
        assert_eq!(
            first.replicas_of_range(i),
            first.replicas(entry.token, NodeId::new(0))
        );
    }
    assert!(first.replicas_of_range(t.ring().len()).is_empty());

    // A new node changes the version and the placement; the old map is left as it was.
    t.add_node_with_tokens(spec(5, "dc1", "r3"), [Token::new(15)])
        .unwrap();
    let second = t.replica_map(&strategy);
    assert!(!Arc::ptr_eq(&first, &second));
    assert_eq!(second.topology_version(), t.version());
    assert_eq!(
        first.replicas(Token::new(12), NodeId::new(0)),
        &[NodeId::new(1), NodeId::new(3), NodeId::new(2)]
    );
    assert_eq!(
        second.replicas(Token::new(12), NodeId::new(0)),
        &[NodeId::new(5), NodeId::new(1), NodeId::new(3)]
    );

    // Removing it restores the old placement.
    t.remove_node(NodeId::new(5)).unwrap();
    let third = t.replica_map(&strategy);
    assert_eq!(
        third.replicas(Token::new(12), NodeId::new(0)),
        first.replicas(Token::new(12), NodeId::new(0))
    );
}

#[test]
fn empty_topology() {
    let t = Topology::new(0);
    assert_eq!(t.owner(Token::new(0)), None);
    assert!(ids(&t, &simple(3), 0).is_empty());
    assert!(ids(&t, &nts(&[("dc1", 3)]), 0).is_empty());
    assert!(ids(&t, &ReplicationStrategy::Everywhere, 0).is_empty());
}

#[test]
fn allocated_topology_three_racks() {
    // Three nodes per rack, three racks, 16 tokens each: every RF-3 replica set spans the
    // three racks.
    let mut t = Topology::new(2024);
    for i in 0..9u32 {
        let rack = format!("r{}", i % 3);
        t.add_node(spec(i, "dc1", &rack).with_num_tokens(16))
            .unwrap();
    }
    let strategy = nts(&[("dc1", 3)]);
    let map = t.replica_map(&strategy);
    for i in 0..t.ring().len() {
        let replicas = map.replicas_of_range(i);
        assert_eq!(replicas.len(), 3);
        let racks: HashSet<&str> = replicas
            .iter()
            .map(|id| t.node(*id).unwrap().rack())
            .collect();
        assert_eq!(racks.len(), 3);
        assert_eq!(replicas[0], t.ring().entries()[i].node);
    }
}

// ---------------------------------------------------------------------------------------
// Properties of random topologies.

/// The older formulation of NetworkTopologyStrategy (Cassandra 2.x/3.0): skip nodes whose
/// rack already has a replica, and once every rack of the datacenter has one, add the
/// skipped nodes (in walk order) before continuing the walk.
fn legacy_nts(
    topology: &Topology,
    datacenters: &BTreeMap<String, usize>,
    token: Token,
) -> Vec<NodeId> {
    let mut replicas: Vec<NodeId> = Vec::new();
    let mut dc_replicas: BTreeMap<&str, Vec<NodeId>> = BTreeMap::new();
    let mut seen_racks: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    let mut skipped: BTreeMap<&str, Vec<NodeId>> = BTreeMap::new();
    let wanted = |dc: &str| {
        datacenters
            .get(dc)
            .copied()
            .unwrap_or(0)
            .min(topology.nodes_in_datacenter(dc))
    };
    for entry in topology.ring().walk_from(token) {
        let node = topology.node(entry.node).unwrap();
        let dc = node.datacenter();
        let have = dc_replicas.entry(dc).or_default();
        if have.len() >= wanted(dc) || have.contains(&node.id()) {
            continue;
        }
        let racks = seen_racks.entry(dc).or_default();
        if racks.len() == topology.racks_in_datacenter(dc) {
            have.push(node.id());
            replicas.push(node.id());
        } else if racks.contains(node.rack()) {
            let list = skipped.entry(dc).or_default();
            if !list.contains(&node.id()) {
                list.push(node.id());
            }
        } else {
            racks.insert(node.rack());
            have.push(node.id());
            replicas.push(node.id());
            if racks.len() == topology.racks_in_datacenter(dc) {
                for id in skipped.remove(dc).unwrap_or_default() {
                    if have.len() >= wanted(dc) {
                        break;
                    }
                    have.push(id);
                    replicas.push(id);
                }
            }
        }
    }
    replicas
}

#[derive(Debug, Clone)]
struct RandomCluster {
    /// (dc index, rack index, tokens) per node.
    nodes: Vec<(usize, usize, Vec<i64>)>,
    rf_simple: usize,
    rf_per_dc: Vec<usize>,
    probes: Vec<i64>,
}

fn random_cluster() -> impl Strategy<Value = RandomCluster> {
    (
        prop::collection::vec(
            (
                0usize..3,
                0usize..3,
                prop::collection::vec(any::<i64>(), 1..6),
            ),
            1..10,
        ),
        0usize..6,
        prop::collection::vec(0usize..5, 3),
        prop::collection::vec(any::<i64>(), 20),
    )
        .prop_map(|(nodes, rf_simple, rf_per_dc, probes)| RandomCluster {
            nodes,
            rf_simple,
            rf_per_dc,
            probes,
        })
}

fn build(cluster: &RandomCluster) -> Topology {
    let mut t = Topology::new(0);
    let mut used = HashSet::new();
    for (i, (dc, rack, tokens)) in cluster.nodes.iter().enumerate() {
        let mine: Vec<Token> = tokens
            .iter()
            .filter(|v| used.insert(**v))
            .map(|v| Token::new(*v))
            .collect();
        if mine.is_empty() {
            continue;
        }
        let i = u32::try_from(i).unwrap();
        t.add_node_with_tokens(spec(i, &format!("dc{dc}"), &format!("r{rack}")), mine)
            .unwrap();
    }
    t
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn owner_is_first_token_at_or_after(cluster in random_cluster()) {
        let t = build(&cluster);
        let entries = t.ring().entries();
        for &probe in &cluster.probes {
            let expected = entries
                .iter()
                .find(|e| e.token.value() >= probe)
                .or(entries.first())
                .map(|e| e.node);
            prop_assert_eq!(t.owner(Token::new(probe)), expected);
        }
    }

    #[test]
    fn simple_strategy_properties(cluster in random_cluster()) {
        let t = build(&cluster);
        let strategy = simple(cluster.rf_simple);
        for &probe in &cluster.probes {
            let token = Token::new(probe);
            let replicas = t.replicas(&strategy, token, NodeId::new(0));
            prop_assert_eq!(replicas.len(), cluster.rf_simple.min(t.node_count()));
            let distinct: HashSet<_> = replicas.iter().collect();
            prop_assert_eq!(distinct.len(), replicas.len());
            if let Some(first) = replicas.first() {
                prop_assert_eq!(Some(*first), t.owner(token));
            }
            // The same as a naive ring walk.
            let mut naive = Vec::new();
            for entry in t.ring().walk_from(token) {
                if naive.len() < cluster.rf_simple && !naive.contains(&entry.node) {
                    naive.push(entry.node);
                }
            }
            prop_assert_eq!(&replicas, &naive);
            let everywhere = t.replicas(&ReplicationStrategy::Everywhere, token, NodeId::new(0));
            prop_assert_eq!(everywhere.len(), t.node_count());
            prop_assert!(everywhere.starts_with(&replicas));
        }
    }

    #[test]
    fn network_topology_properties(cluster in random_cluster()) {
        let t = build(&cluster);
        let datacenters: BTreeMap<String, usize> = cluster
            .rf_per_dc
            .iter()
            .enumerate()
            .map(|(i, rf)| (format!("dc{i}"), *rf))
            .collect();
        let strategy = ReplicationStrategy::NetworkTopology { datacenters: datacenters.clone() };
        for &probe in &cluster.probes {
            let token = Token::new(probe);
            let replicas = t.replicas(&strategy, token, NodeId::new(0));
            let distinct: HashSet<_> = replicas.iter().collect();
            prop_assert_eq!(distinct.len(), replicas.len());

            for (dc, &rf) in &datacenters {
                let in_dc: Vec<_> = replicas
                    .iter()
                    .filter(|id| t.node(**id).unwrap().datacenter() == dc)
                    .collect();
                let expected = rf.min(t.nodes_in_datacenter(dc));
                prop_assert_eq!(in_dc.len(), expected, "dc {}", dc);
                // Distinct racks first: as many racks as possible are used.
                let racks: HashSet<&str> =
                    in_dc.iter().map(|id| t.node(**id).unwrap().rack()).collect();
                prop_assert_eq!(racks.len(), expected.min(t.racks_in_datacenter(dc)));
            }

            // The primary is the first node from the token whose datacenter holds data.
            let first_eligible = t
                .ring()
                .walk_from(token)
                .map(|e| e.node)
                .find(|id| datacenters.get(t.node(*id).unwrap().datacenter()).copied().unwrap_or(0) > 0);
            prop_assert_eq!(replicas.first().copied(), first_eligible);

            // The same set as the legacy formulation.
            let legacy = legacy_nts(&t, &datacenters, token);
            let ours: BTreeSet<_> = replicas.iter().collect();
            let theirs: BTreeSet<_> = legacy.iter().collect();
            prop_assert_eq!(ours, theirs);
        }
    }
}
