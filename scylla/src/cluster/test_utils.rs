//! Building cluster states for unit tests of routing and load balancing.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use uuid::Uuid;

use super::metadata::parse::Metadata;
use super::metadata::{Keyspace, Peer, Strategy};
use super::{ClusterState, Node, NodeAddr};
use crate::routing::{ShardCount, Sharder, Token};

/// A test node: id `n` (host id `n`, address 10.0.0.n:9042), its datacenter, rack
/// and tokens.
pub(crate) fn peer(n: u8, dc: Option<&str>, rack: Option<&str>, tokens: &[i64]) -> Peer {
    Peer {
        host_id: host_id(n),
        address: NodeAddr::Translatable(SocketAddr::new(
            IpAddr::V4(Ipv4Addr::new(10, 0, 0, n)),
            9042,
        )),
        tokens: tokens.iter().map(|t| Token::new(*t)).collect(),
        datacenter: dc.map(str::to_owned),
        rack: rack.map(str::to_owned),
    }
}

/// The host id of test node `n`.
pub(crate) fn host_id(n: u8) -> Uuid {
    Uuid::from_u128(u128::from(n))
}

/// A keyspace with `strategy` and no tables.
pub(crate) fn keyspace(strategy: Strategy) -> Keyspace {
    Keyspace {
        strategy,
        durable_writes: true,
        tablet_based: false,
        tables: HashMap::new(),
        views: HashMap::new(),
        user_defined_types: HashMap::new(),
    }
}

/// NetworkTopologyStrategy with these replication factors.
pub(crate) fn nts(rfs: &[(&str, usize)]) -> Strategy {
    Strategy::NetworkTopologyStrategy {
        datacenter_repfactors: rfs.iter().map(|(dc, rf)| (dc.to_string(), *rf)).collect(),
    }
}

/// SimpleStrategy with this replication factor.
pub(crate) fn simple(rf: usize) -> Strategy {
    Strategy::SimpleStrategy {
        replication_factor: rf,
    }
}

/// A cluster state of connected test nodes, with the given sharders (by node id;
/// nodes not listed are not sharded).
pub(crate) fn cluster_with_sharders(
    peers: Vec<Peer>,
    keyspaces: Vec<(&str, Keyspace)>,
    sharders: &[(u8, u16, u8)],
) -> ClusterState {
    let sharders: HashMap<Uuid, Sharder> = sharders
        .iter()
        .map(|(n, shards, msb)| {
            (
                host_id(*n),
                Sharder::new(ShardCount::new(*shards).expect("nonzero"), *msb),
            )
        })
        .collect();
    let metadata = Metadata {
        peers,
        keyspaces: keyspaces
            .into_iter()
            .map(|(name, ks)| (name.to_owned(), Ok(ks)))
            .collect(),
        cluster_name: Some("test cluster".to_owned()),
    };
    ClusterState::new_with_node_factory(metadata, None, None, |peer, _accepted| {
        Node::new_for_test(
            peer.host_id,
            peer.address.into_inner(),
            peer.datacenter.as_deref(),
            peer.rack.as_deref(),
            sharders.get(&peer.host_id).copied(),
        )
    })
}

/// A cluster state of connected, unsharded test nodes.
pub(crate) fn cluster(peers: Vec<Peer>, keyspaces: Vec<(&str, Keyspace)>) -> ClusterState {
    cluster_with_sharders(peers, keyspaces, &[])
}

/// The test-node number of a node (the last byte of its host id).
pub(crate) fn id_of(node: &Node) -> u8 {
    node.host_id.as_u128() as u8
}

/// The six-node, two-datacenter ring the routing tests use:
///
/// ```text
/// token:  0  100 200 300 400 500 600 700 800 900
/// node:   1   2   3   4   5   6   1   2   3   4
/// ```
/// dc1: nodes 1 (rack r1), 2 (r1), 3 (r2); dc2: nodes 4 (r1), 5 (r2), 6 (r2).
pub(crate) fn six_node_peers() -> Vec<Peer> {
    vec![
        peer(1, Some("dc1"), Some("r1"), &[0, 600]),
        peer(2, Some("dc1"), Some("r1"), &[100, 700]),
        peer(3, Some("dc1"), Some("r2"), &[200, 800]),
        peer(4, Some("dc2"), Some("r1"), &[300, 900]),
        peer(5, Some("dc2"), Some("r2"), &[400]),
        peer(6, Some("dc2"), Some("r2"), &[500]),
    ]
}
