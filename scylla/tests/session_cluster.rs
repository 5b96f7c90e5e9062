//! Cluster awareness against scylla-sim: token- and shard-aware routing, node health
//! (down, restarted, added, removed), schema metadata kept up to date, host filters.

mod session_util;

use std::sync::Arc;
use std::time::{Duration, Instant};

use scylla::cluster::metadata::{ColumnKind, Strategy};
use scylla::policies::host_filter::AllowListHostFilter;
use scylla::statement::Consistency;
use scylla::statement::prepared::PreparedStatement;
use scylla_sim::SimCluster;
use session_util::*;

async fn wait_until(what: &str, limit: Duration, mut check: impl FnMut() -> bool) {
    let start = Instant::now();
    while !check() {
        assert!(start.elapsed() < limit, "timed out waiting until {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn table(session: &scylla::client::session::Session, ks: &str, rf: usize) {
    create_keyspace(session, ks, rf).await;
    session
        .query_unpaged(
            format!("CREATE TABLE {ks}.t (pk bigint, ck int, v text, PRIMARY KEY (pk, ck))"),
            &[],
        )
        .await
        .unwrap();
}

async fn insert_many(
    session: &scylla::client::session::Session,
    insert: &PreparedStatement,
    keys: std::ops::Range<i64>,
) {
    for k in keys {
        session
            .execute_unpaged(insert, (k, 1, format!("v{k}")))
            .await
            .unwrap_or_else(|e| panic!("insert {k}: {e}"));
    }
}

fn node_requests(cluster: &SimCluster, index: usize) -> u64 {
    let nodes = cluster.nodes();
    let id = nodes[index].id;
    cluster
        .counters()
        .node(id)
        .map_or(0, |n| n.total().requests)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_go_to_a_replica_on_the_owning_shard() {
    let cluster = cluster(3, 4).await;
    let session = session(&cluster).await;
    let ks = unique_keyspace("routing");
    table(&session, &ks, 1).await;
    let mut insert = session
        .prepare(format!("INSERT INTO {ks}.t (pk, ck, v) VALUES (?, ?, ?)"))
        .await
        .unwrap();
    insert.set_consistency(Consistency::One);
    let mut select = session
        .prepare(format!("SELECT v FROM {ks}.t WHERE pk = ? AND ck = 1"))
        .await
        .unwrap();
    select.set_consistency(Consistency::One);
    // Every shard has its connection by now.
    tokio::time::sleep(Duration::from_millis(300)).await;
    cluster.reset_counters();
    insert_many(&session, &insert, 0..300).await;
    for k in 0..300i64 {
        let (v,): (String,) = session
            .execute_unpaged(&select, (k,))
            .await
            .unwrap()
            .into_rows_result()
            .unwrap()
            .single_row()
            .unwrap();
        assert_eq!(v, format!("v{k}"));
    }
    let counters = cluster.take_counters();
    let total = counters.total();
    assert_eq!(total.requests, 600);
    assert_eq!(total.non_replica, 0, "{counters:?}");
    assert_eq!(total.wrong_shard, 0, "{counters:?}");
    for n in &counters.nodes {
        assert!(n.total().requests > 50, "node {n:?} got too few requests");
    }
    // The driver's token is the cluster's.
    let state = session.get_cluster_state();
    for k in [0i64, 1, 42, -7, i64::MAX] {
        let row = session
            .query_unpaged(format!("SELECT token(pk) FROM {ks}.t WHERE pk = {k}"), &[])
            .await
            .unwrap()
            .into_rows_result()
            .unwrap();
        let driver = insert.calculate_token(&(k, 1, "x")).unwrap().unwrap();
        assert_eq!(state.compute_token(&ks, "t", &(k,)).unwrap(), driver);
        if (0..300).contains(&k) {
            let (cluster_token,): (i64,) = row.single_row().unwrap();
            assert_eq!(cluster_token, driver.value());
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stopped_node_is_skipped_and_used_again_after_restart() {
    let cluster = cluster(3, 2).await;
    let session = session(&cluster).await;
    let ks = unique_keyspace("health");
    table(&session, &ks, 3).await;
    let mut insert = session
        .prepare(format!("INSERT INTO {ks}.t (pk, ck, v) VALUES (?, ?, ?)"))
        .await
        .unwrap();
    insert.set_consistency(Consistency::One);
    insert.set_is_idempotent(true);
    let victim = cluster.nodes()[1].clone();
    cluster.stop_node(victim.id).await.unwrap();
    let state_node = |s: &scylla::client::session::Session| {
        Arc::clone(
            s.get_cluster_state()
                .get_node_by_host_id(victim.host_id)
                .unwrap(),
        )
    };
    wait_until("the node is seen down", Duration::from_secs(5), || {
        !state_node(&session).is_connected()
    })
    .await;
    cluster.reset_counters();
    insert_many(&session, &insert, 0..100).await;
    assert_eq!(node_requests(&cluster, 1), 0);
    // (Metadata queries of the control connection may add a few.)
    assert!(cluster.counters().total().requests >= 100);

    cluster.start_node(victim.id).await.unwrap();
    let restarted = Instant::now();
    wait_until("the node is reconnected", Duration::from_secs(15), || {
        state_node(&session).is_connected()
    })
    .await;
    cluster.reset_counters();
    insert_many(&session, &insert, 100..200).await;
    assert!(
        node_requests(&cluster, 1) > 10,
        "the restarted node gets its share"
    );
    assert!(restarted.elapsed() < Duration::from_secs(15));
    // Prepared statements were forgotten by the restarted node: re-prepared
    // transparently (the inserts above succeeded on it).
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn added_node_gets_traffic_and_removed_node_leaves() {
    let cluster = cluster(2, 1).await;
    let session = session(&cluster).await;
    let ks = unique_keyspace("topology");
    table(&session, &ks, 1).await;
    let mut insert = session
        .prepare(format!("INSERT INTO {ks}.t (pk, ck, v) VALUES (?, ?, ?)"))
        .await
        .unwrap();
    insert.set_consistency(Consistency::One);
    let added = cluster.add_node("datacenter1", "rack1").await.unwrap();
    wait_until("the new node is known", Duration::from_secs(5), || {
        session.get_cluster_state().get_nodes_info().len() == 3
            && session
                .get_cluster_state()
                .get_nodes_info()
                .iter()
                .all(|n| n.is_connected())
    })
    .await;
    cluster.reset_counters();
    insert_many(&session, &insert, 0..200).await;
    let counters = cluster.take_counters();
    assert!(
        counters.node(added).unwrap().total().requests > 10,
        "{counters:?}"
    );
    assert_eq!(counters.total().non_replica, 0, "{counters:?}");

    cluster.decommission_node(added).await.unwrap();
    wait_until("the node is forgotten", Duration::from_secs(5), || {
        session.get_cluster_state().get_nodes_info().len() == 2
    })
    .await;
    insert_many(&session, &insert, 200..300).await;
    assert_eq!(cluster.take_counters().total().non_replica, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn schema_metadata_follows_changes() {
    let cluster = cluster(2, 1).await;
    let session = session(&cluster).await;
    let ks = unique_keyspace("schema");
    create_keyspace(&session, &ks, 2).await;
    session
        .query_unpaged(format!("CREATE TYPE {ks}.addr (street text, no int)"), &[])
        .await
        .unwrap();
    session
        .query_unpaged(
            format!(
                "CREATE TABLE {ks}.t (a int, b text, c frozen<addr>, d int static, \
                 PRIMARY KEY ((a, b), d2)) "
            )
            .replace("d2", "e"),
            &[],
        )
        .await
        .expect_err("e is not a column");
    session
        .query_unpaged(
            format!(
                "CREATE TABLE {ks}.t (a int, b text, e int, c frozen<addr>, d int static, \
                 PRIMARY KEY ((a, b), e))"
            ),
            &[],
        )
        .await
        .unwrap();
    // Automatic schema agreement + refresh: visible when the call returns.
    let state = session.get_cluster_state();
    let keyspace = state.get_keyspace(&ks).expect("keyspace metadata");
    assert!(matches!(
        &keyspace.strategy,
        Strategy::NetworkTopologyStrategy { datacenter_repfactors } if datacenter_repfactors.get("datacenter1") == Some(&2)
    ));
    let t = &keyspace.tables["t"];
    assert_eq!(t.partition_key, vec!["a".to_owned(), "b".to_owned()]);
    assert_eq!(t.clustering_key, vec!["e".to_owned()]);
    assert_eq!(t.columns["d"].kind, ColumnKind::Static);
    assert!(keyspace.user_defined_types.contains_key("addr"));

    // A change made by another client reaches the metadata through events.
    let no_wait = session_util::session_builder(&cluster)
        .auto_await_schema_agreement(false)
        .build()
        .await
        .unwrap();
    no_wait
        .query_unpaged(format!("ALTER TABLE {ks}.t ADD f text"), &[])
        .await
        .unwrap();
    wait_until("the new column is seen", Duration::from_secs(5), || {
        session
            .get_cluster_state()
            .get_keyspace(&ks)
            .is_some_and(|k| k.tables["t"].columns.contains_key("f"))
    })
    .await;
    no_wait
        .query_unpaged(format!("DROP TABLE {ks}.t"), &[])
        .await
        .unwrap();
    wait_until("the table is gone", Duration::from_secs(5), || {
        session
            .get_cluster_state()
            .get_keyspace(&ks)
            .is_some_and(|k| !k.tables.contains_key("t"))
    })
    .await;
    session.refresh_metadata().await.unwrap();
    assert!(session.get_cluster_state().get_keyspace(&ks).is_some());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keyspaces_to_fetch_and_no_schema() {
    let cluster = cluster(1, 1).await;
    let session = session(&cluster).await;
    let wanted = unique_keyspace("wanted");
    let other = unique_keyspace("other");
    create_keyspace(&session, &wanted, 1).await;
    create_keyspace(&session, &other, 1).await;
    let limited = session_builder(&cluster)
        .keyspaces_to_fetch([wanted.clone()])
        .build()
        .await
        .unwrap();
    let state = limited.get_cluster_state();
    assert!(state.get_keyspace(&wanted).is_some());
    assert!(state.get_keyspace(&other).is_none());
    assert!(state.get_keyspace("system").is_none());
    let none = session_builder(&cluster)
        .fetch_schema_metadata(false)
        .build()
        .await
        .unwrap();
    assert_eq!(none.get_cluster_state().keyspaces_iter().count(), 0);
    assert_eq!(none.get_cluster_state().get_nodes_info().len(), 1);
    assert_eq!(
        session.get_cluster_state().cluster_name(),
        "scylla-sim",
        "cluster name from system.local"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn host_filter_keeps_the_driver_off_other_nodes() {
    let cluster = cluster(3, 1).await;
    let first = cluster.nodes()[0].address;
    let session = session_builder(&cluster)
        .host_filter(Arc::new(AllowListHostFilter::new([first]).unwrap()))
        .build()
        .await
        .unwrap();
    let state = session.get_cluster_state();
    let enabled: Vec<_> = state
        .get_nodes_info()
        .iter()
        .filter(|n| n.is_enabled())
        .map(|n| n.address.ip())
        .collect();
    assert_eq!(enabled, vec![first.ip()]);
    let ks = unique_keyspace("filter");
    table(&session, &ks, 3).await;
    let insert = session
        .prepare(format!("INSERT INTO {ks}.t (pk, ck, v) VALUES (?, ?, ?)"))
        .await
        .unwrap();
    cluster.reset_counters();
    insert_many(&session, &insert, 0..50).await;
    assert_eq!(node_requests(&cluster, 0), 50);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn control_connection_moves_to_another_node() {
    let cluster = cluster(2, 1).await;
    let first = cluster.nodes()[0].clone();
    // Only the first node is known: the control connection starts there.
    let session = scylla::client::session_builder::SessionBuilder::new()
        .known_node_addr(first.address)
        .build()
        .await
        .unwrap();
    assert_eq!(session.get_cluster_state().get_nodes_info().len(), 2);
    cluster.stop_node(first.id).await.unwrap();
    // The cluster changes while the first node is down: only a control connection on
    // the other node can learn it.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let added = cluster.add_node("datacenter1", "rack1").await.unwrap();
    wait_until("the added node is learnt", Duration::from_secs(10), || {
        session.get_cluster_state().get_nodes_info().len() == 3
    })
    .await;
    let ks = unique_keyspace("failover");
    // Two replicas per token: every key has one on a running node.
    create_keyspace(&session, &ks, 2).await;
    session
        .query_unpaged(
            format!("CREATE TABLE {ks}.t (pk bigint, ck int, v text, PRIMARY KEY (pk, ck))"),
            &[],
        )
        .await
        .unwrap();
    let mut insert = session
        .prepare(format!("INSERT INTO {ks}.t (pk, ck, v) VALUES (?, ?, ?)"))
        .await
        .unwrap();
    insert.set_consistency(Consistency::One);
    cluster.reset_counters();
    insert_many(&session, &insert, 0..200).await;
    let counters = cluster.take_counters();
    assert!(
        counters.node(added).unwrap().total().requests > 0,
        "{counters:?}"
    );
    assert_eq!(counters.node(first.id).map_or(0, |n| n.total().requests), 0);
}
