//! Consistency-level arithmetic tables.

use std::collections::HashSet;
use std::net::{IpAddr, Ipv4Addr};

use scylla_cql::frame::types::Consistency::{self, *};
use scylla_sim::ring::{
    ConsistencyRequirement, DatacenterRequirement, NodeId, NodeSpec, ReplicationStrategy, Token,
    Topology, Unavailable, check_consistency, deterministic_host_id, local_quorum_for,
};

const A: u32 = 0;
const B: u32 = 1;
const C: u32 = 2;
const D: u32 = 3;
const E: u32 = 4;

/// dc1: A (r1), B (r1), C (r2); dc2: D (r1), E (r2). Ring: 10 A, 20 B, 25 D, 30 C, 40 E.
fn two_dcs() -> Topology {
    let mut t = Topology::new(0);
    for (i, dc, rack, token) in [
        (A, "dc1", "r1", 10),
        (B, "dc1", "r1", 20),
        (C, "dc1", "r2", 30),
        (D, "dc2", "r1", 25),
        (E, "dc2", "r2", 40),
    ] {
        let spec = NodeSpec::new(
            deterministic_host_id(5, i),
            IpAddr::V4(Ipv4Addr::new(127, 0, 0, u8::try_from(i + 1).unwrap())),
            dc,
            rack,
        );
        t.add_node_with_tokens(spec, [Token::new(token)]).unwrap();
    }
    t
}

fn nts(pairs: &[(&str, usize)]) -> ReplicationStrategy {
    ReplicationStrategy::NetworkTopology {
        datacenters: pairs.iter().map(|(k, v)| ((*k).to_owned(), *v)).collect(),
    }
}

fn simple(rf: usize) -> ReplicationStrategy {
    ReplicationStrategy::Simple {
        replication_factor: rf,
    }
}

/// `Ok((required, alive))` or `Err((required, alive, datacenter))`.
type Expected = Result<(usize, usize), (usize, usize, Option<&'static str>)>;

fn check(
    topology: &Topology,
    strategy: &ReplicationStrategy,
    alive: &[u32],
    local_dc: &str,
    rows: &[(Consistency, Expected)],
) {
    let replicas = topology.replicas(strategy, Token::new(5), NodeId::new(A));
    let alive: HashSet<NodeId> = alive.iter().map(|&i| NodeId::new(i)).collect();
    for (consistency, expected) in rows {
        let got = check_consistency(
            topology,
            strategy,
            &replicas,
            |id| alive.contains(&id),
            local_dc,
            *consistency,
        );
        let got = match got {
            Ok(r) => {
                assert_eq!(r.consistency, *consistency);
                Ok((r.required, r.alive))
            }
            Err(e) => {
                assert_eq!(e.consistency, *consistency);
                Err((e.required, e.alive, e.datacenter))
            }
        };
        let expected = expected.map_err(|(r, a, dc)| (r, a, dc.map(str::to_owned)));
        assert_eq!(
            got, expected,
            "{strategy:?}, alive {alive:?}, local {local_dc}, {consistency:?}"
        );
    }
}

#[test]
fn nts_all_alive() {
    let t = two_dcs();
    let s = nts(&[("dc1", 3), ("dc2", 2)]);
    assert_eq!(
        t.replicas(&s, Token::new(5), NodeId::new(A)),
        [A, B, D, C, E].map(NodeId::new)
    );
    check(
        &t,
        &s,
        &[A, B, C, D, E],
        "dc1",
        &[
            (Any, Ok((1, 5))),
            (One, Ok((1, 5))),
            (Two, Ok((2, 5))),
            (Three, Ok((3, 5))),
            (Quorum, Ok((3, 5))),
            (All, Ok((5, 5))),
            (LocalQuorum, Ok((2, 3))),
            (EachQuorum, Ok((4, 5))),
            (Serial, Ok((3, 5))),
            (LocalSerial, Ok((2, 3))),
            (LocalOne, Ok((1, 3))),
        ],
    );
}

#[test]
fn nts_most_down() {
    let t = two_dcs();
    let s = nts(&[("dc1", 3), ("dc2", 2)]);
    check(
        &t,
        &s,
        &[A, D],
        "dc1",
        &[
            (Any, Ok((1, 2))),
            (One, Ok((1, 2))),
            (Two, Ok((2, 2))),
            (Three, Err((3, 2, None))),
            (Quorum, Err((3, 2, None))),
            (All, Err((5, 2, None))),
            (LocalQuorum, Err((2, 1, None))),
            (EachQuorum, Err((2, 1, Some("dc1")))),
            (Serial, Err((3, 2, None))),
            (LocalSerial, Err((2, 1, None))),
            (LocalOne, Ok((1, 1))),
        ],
    );
    check(
        &t,
        &s,
        &[A, B, D],
        "dc2",
        &[
            (Quorum, Ok((3, 3))),
            (LocalQuorum, Err((2, 1, None))),
            (LocalOne, Ok((1, 1))),
            (EachQuorum, Err((2, 1, Some("dc2")))),
        ],
    );
    check(
        &t,
        &s,
        &[],
        "dc1",
        &[
            (Any, Ok((1, 0))),
            (One, Err((1, 0, None))),
            (LocalOne, Err((1, 0, None))),
            (EachQuorum, Err((2, 0, Some("dc1")))),
        ],
    );
}

#[test]
fn nts_coordinator_outside_replicated_dcs() {
    let t = two_dcs();
    let s = nts(&[("dc1", 3), ("dc2", 0)]);
    // dc2 has factor 0: its local quorum is quorum(0) = 1 and it holds no replica.
    assert_eq!(local_quorum_for(&s, &t, "dc2"), 1);
    check(
        &t,
        &s,
        &[A, B, C, D, E],
        "dc2",
        &[
            (LocalQuorum, Err((1, 0, None))),
            (LocalOne, Err((1, 0, None))),
            (Quorum, Ok((2, 3))),
            // Factor-0 datacenters impose nothing on EACH_QUORUM.
            (EachQuorum, Ok((2, 3))),
        ],
    );
    let replicas = t.replicas(&s, Token::new(5), NodeId::new(A));
    let r = check_consistency(&t, &s, &replicas, |_| true, "dc1", EachQuorum).unwrap();
    assert_eq!(
        r,
        ConsistencyRequirement {
            consistency: EachQuorum,
            required: 2,
            alive: 3,
            per_datacenter: vec![DatacenterRequirement {
                datacenter: "dc1".into(),
                required: 2,
                alive: 3
            }],
        }
    );
}

#[test]
fn simple_strategy_levels() {
    let t = two_dcs();
    let s = simple(3);
    assert_eq!(
        t.replicas(&s, Token::new(5), NodeId::new(A)),
        [A, B, D].map(NodeId::new)
    );
    check(
        &t,
        &s,
        &[A, B, C, D, E],
        "dc1",
        &[
            (Quorum, Ok((2, 3))),
            (All, Ok((3, 3))),
            // Not NetworkTopologyStrategy: LOCAL_QUORUM is a quorum of the factor,
            // counted among the local datacenter's replicas; EACH_QUORUM is QUORUM.
            (LocalQuorum, Ok((2, 2))),
            (EachQuorum, Ok((2, 3))),
            (LocalOne, Ok((1, 2))),
        ],
    );
    check(
        &t,
        &s,
        &[A, B, C, D, E],
        "dc2",
        &[(LocalQuorum, Err((2, 1, None))), (LocalOne, Ok((1, 1)))],
    );
    check(
        &t,
        &s,
        &[C, D, E],
        "dc1",
        &[
            (One, Ok((1, 1))),
            (Quorum, Err((2, 1, None))),
            (EachQuorum, Err((2, 1, None))),
        ],
    );
    check(
        &t,
        &simple(0),
        &[A, B, C, D, E],
        "dc1",
        &[(One, Err((1, 0, None))), (Quorum, Err((1, 0, None)))],
    );
}

#[test]
fn replication_factor_above_cluster_size() {
    // Two nodes, RF 3: the replica list has 2 nodes, but the levels count the configured
    // factor, so ALL and THREE are unavailable even with every node up.
    let mut t = Topology::new(0);
    for i in 0..2u32 {
        let spec = NodeSpec::new(
            deterministic_host_id(6, i),
            IpAddr::V4(Ipv4Addr::new(127, 0, 1, u8::try_from(i + 1).unwrap())),
            "dc1",
            "r1",
        );
        t.add_node(spec.with_num_tokens(8)).unwrap();
    }
    let s = simple(3);
    assert_eq!(t.replicas(&s, Token::new(5), NodeId::new(0)).len(), 2);
    check(
        &t,
        &s,
        &[0, 1],
        "dc1",
        &[
            (Quorum, Ok((2, 2))),
            (Two, Ok((2, 2))),
            (Three, Err((3, 2, None))),
            (All, Err((3, 2, None))),
        ],
    );
}

#[test]
fn local_and_everywhere() {
    let t = two_dcs();
    check(
        &t,
        &ReplicationStrategy::Local,
        &[A],
        "dc1",
        &[
            (One, Ok((1, 1))),
            (Quorum, Ok((1, 1))),
            (All, Ok((1, 1))),
            (LocalQuorum, Ok((1, 1))),
        ],
    );
    check(
        &t,
        &ReplicationStrategy::Everywhere,
        &[A, B, C, D],
        "dc1",
        &[
            (Quorum, Ok((3, 4))),
            (All, Err((5, 4, None))),
            (LocalQuorum, Ok((3, 3))),
            (EachQuorum, Ok((3, 4))),
        ],
    );
}

#[test]
fn unavailable_is_an_error_value() {
    let t = two_dcs();
    let s = nts(&[("dc1", 3), ("dc2", 2)]);
    let replicas = t.replicas(&s, Token::new(5), NodeId::new(A));
    let err: Unavailable =
        check_consistency(&t, &s, &replicas, |_| false, "dc1", Quorum).unwrap_err();
    assert_eq!(
        err.to_string(),
        "Cannot achieve consistency level QUORUM: 3 replicas required, 0 alive"
    );
}
