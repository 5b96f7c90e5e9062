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

/// Waits until the session's pools hold `connections` connections in total (one per
/// shard of every connected node with the default pool size), so that every shard
/// is reachable on its own connection. Without the `metrics` feature (which counts
/// them) this only waits a fixed time.
pub async fn wait_for_pools(session: &Session, connections: u64) {
    #[cfg(feature = "metrics")]
    {
        let metrics = session.get_metrics();
        let start = std::time::Instant::now();
        while metrics.get_total_connections() != connections {
            assert!(
                start.elapsed() < std::time::Duration::from_secs(15),
                "the pools hold {} connections, not {connections}",
                metrics.get_total_connections()
            );
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    }
    #[cfg(not(feature = "metrics"))]
    {
        let _ = (session, connections);
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    }
}

/// Runs `request(i)` for every `i` of `items`, at most `in_flight` at a time, and
/// returns the results in completion order.
pub async fn run_concurrently<I, T, F, Fut>(items: I, in_flight: usize, request: F) -> Vec<T>
where
    I: IntoIterator,
    F: FnMut(I::Item) -> Fut,
    Fut: std::future::Future<Output = T>,
{
    use futures::StreamExt;
    futures::stream::iter(items)
        .map(request)
        .buffer_unordered(in_flight)
        .collect()
        .await
}

/// Waits until no request has reached `cluster` for 300 ms, then zeroes its
/// counters: the control connection's metadata queries after a schema or status
/// event (which the simulator counts like any request) are over, and the counters
/// then count the test's requests only.
pub async fn wait_until_quiet(cluster: &SimCluster) {
    let start = std::time::Instant::now();
    loop {
        cluster.reset_counters();
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        let counters = cluster.counters();
        if counters.total().requests == 0 {
            return;
        }
        assert!(
            start.elapsed() < std::time::Duration::from_secs(10),
            "requests keep coming: {counters:?}"
        );
    }
}

/// Creates a keyspace named from `prefix` (see [`unique_keyspace`]) with replication
/// factor `rf`, and in it table `t` with the given columns (`"(k int PRIMARY KEY, v
/// int)"`); returns the keyspace's name.
pub async fn keyspace_with_table(
    session: &Session,
    prefix: &str,
    rf: usize,
    columns: &str,
) -> String {
    let ks = unique_keyspace(prefix);
    create_keyspace(session, &ks, rf).await;
    create_table(session, &ks, columns).await;
    ks
}

/// Creates table `t` in keyspace `ks` with the given columns.
pub async fn create_table(session: &Session, ks: &str, columns: &str) {
    session
        .query_unpaged(format!("CREATE TABLE {ks}.t {columns}"), &[])
        .await
        .expect("create table");
}

/// Runs `cql` without values and returns its only row as `R`, panicking on any
/// failure (an error, no rows, several rows, a type mismatch).
pub async fn select_one<R>(session: &Session, cql: impl Into<String>) -> R
where
    R: for<'f> scylla::deserialize::row::DeserializeRow<'f, 'f>,
{
    session
        .query_unpaged(cql.into(), &[])
        .await
        .unwrap()
        .into_rows_result()
        .unwrap()
        .single_row()
        .unwrap()
}
