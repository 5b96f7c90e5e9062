//! Helpers shared by the session integration tests: an in-process scylla-sim cluster
//! on its own loopback addresses per test, and a session connected to it.

#![allow(dead_code)]

use std::sync::atomic::{AtomicUsize, Ordering};

use scylla::client::session::Session;
use scylla::client::session_builder::SessionBuilder;
use scylla_sim::{SimCluster, SimClusterBuilder};

/// A cluster of `nodes` nodes with `shards` shards each, on addresses no other test
/// uses.
pub async fn cluster(nodes: usize, shards: u16) -> SimCluster {
    builder(nodes, shards)
        .build()
        .await
        .expect("start scylla-sim")
}

/// The builder behind [`cluster`], to add options.
pub fn builder(nodes: usize, shards: u16) -> SimClusterBuilder {
    SimCluster::builder()
        .nodes(nodes)
        .shards(shards)
        .unique_addresses()
}

/// A session builder pointed at `cluster`.
pub fn session_builder(cluster: &SimCluster) -> SessionBuilder {
    SessionBuilder::new().known_nodes_addr(cluster.contact_points())
}

/// A session connected to `cluster`.
pub async fn session(cluster: &SimCluster) -> Session {
    session_builder(cluster).build().await.expect("connect")
}

/// A keyspace name no other test in this process uses.
pub fn unique_keyspace(prefix: &str) -> String {
    static N: AtomicUsize = AtomicUsize::new(0);
    format!("{prefix}_{}", N.fetch_add(1, Ordering::Relaxed))
}

/// Creates keyspace `ks` with replication factor `rf`.
pub async fn create_keyspace(session: &Session, ks: &str, rf: usize) {
    session
        .query_unpaged(
            format!(
                "CREATE KEYSPACE {ks} WITH replication = \
                 {{'class': 'NetworkTopologyStrategy', 'replication_factor': {rf}}}"
            ),
            &[],
        )
        .await
        .expect("create keyspace");
}
