//! Cluster awareness against scylla-sim: token- and shard-aware routing, node health
//! (down, restarted, added, removed), schema metadata kept up to date, host filters.

mod session_util;

use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use scylla::client::execution_profile::ExecutionProfile;
use scylla::client::session::Session;
use scylla::client::session_builder::SessionBuilder;
use scylla::cluster::metadata::{CollectionType, ColumnKind, ColumnType, NativeType, Strategy};
use scylla::errors::{DbError, ExecutionError, RequestAttemptError};
use scylla::observability::history::{HistoryCollector, HistoryListener};
use scylla::policies::host_filter::AllowListHostFilter;
use scylla::policies::load_balancing::DefaultPolicy;
use scylla::statement::Consistency;
use scylla::statement::prepared::PreparedStatement;
use scylla_sim::{CountersSnapshot, SimCluster};
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
    create_table(
        session,
        ks,
        "(pk bigint, ck int, v text, PRIMARY KEY (pk, ck))",
    )
    .await;
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

/// The prepared INSERT of a row of `{ks}.t`.
async fn prepare_insert(session: &Session, ks: &str) -> PreparedStatement {
    session
        .prepare(format!("INSERT INTO {ks}.t (pk, ck, v) VALUES (?, ?, ?)"))
        .await
        .unwrap()
}

/// Prepared INSERT and SELECT of `{ks}.t` at `consistency`.
async fn prepare_pair(
    session: &Session,
    ks: &str,
    consistency: Consistency,
    idempotent: bool,
) -> (PreparedStatement, PreparedStatement) {
    let mut insert = prepare_insert(session, ks).await;
    insert.set_consistency(consistency);
    insert.set_is_idempotent(idempotent);
    let mut select = session
        .prepare(format!("SELECT v FROM {ks}.t WHERE pk = ? AND ck = 1"))
        .await
        .unwrap();
    select.set_consistency(consistency);
    select.set_is_idempotent(idempotent);
    (insert, select)
}

/// Inserts key `k`, or (`read`) reads it back and checks the value.
async fn write_or_read(
    session: &Session,
    (insert, select): (&PreparedStatement, &PreparedStatement),
    k: i64,
    read: bool,
) -> Result<(), ExecutionError> {
    if !read {
        session
            .execute_unpaged(insert, (k, 1, format!("v{k}")))
            .await?;
        return Ok(());
    }
    let rows = session
        .execute_unpaged(select, (k,))
        .await?
        .into_rows_result()
        .unwrap_or_else(|e| panic!("select {k}: {e}"));
    let (v,): (String,) = rows
        .single_row()
        .unwrap_or_else(|e| panic!("select {k}: {e}"));
    assert_eq!(v, format!("v{k}"));
    Ok(())
}

/// The number of keys of the routing test: each is written, then read, so twice as
/// many requests.
const ROUTED_KEYS: i64 = 5_000;

/// The acceptance test of token- and shard-aware routing: 10,000 prepared
/// single-partition requests with the default policy on 3 nodes of 4 shards, and the
/// simulator (which knows the replicas and the owning shard of every token) counted
/// none at a non-replica and none on the wrong shard.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_go_to_a_replica_on_the_owning_shard() {
    let cluster = cluster(3, 4).await;
    let session = session(&cluster).await;
    let ks = unique_keyspace("routing");
    // One replica per token: a request at any other node counts as non-replica.
    table(&session, &ks, 1).await;
    let (insert, select) = prepare_pair(&session, &ks, Consistency::One, false).await;
    // One connection per shard of every node.
    wait_for_pools(&session, 12).await;
    wait_until_quiet(&cluster).await;
    let started = Instant::now();
    let statements = (&insert, &select);
    let session = &session;
    for read in [false, true] {
        let results = run_concurrently(0..ROUTED_KEYS, 64, |k| {
            write_or_read(session, statements, k, read)
        })
        .await;
        for r in results {
            r.unwrap();
        }
    }
    let elapsed = started.elapsed();
    let counters = cluster.take_counters();
    let total = counters.total();
    // Exactly our requests: each served once (no retry, no other request).
    assert_eq!(total.requests, 2 * ROUTED_KEYS as u64, "{counters:?}");
    assert_eq!(total.non_replica, 0, "{counters:?}");
    assert_eq!(total.wrong_shard, 0, "{counters:?}");
    // Every shard owns about 1/12 of the tokens: all of them served their share.
    for n in &counters.nodes {
        assert_eq!(n.shards.len(), 4);
        for (shard, c) in n.shards.iter().enumerate() {
            assert!(
                c.requests > 200,
                "node {} shard {shard} served only {} requests: {counters:?}",
                n.address,
                c.requests
            );
        }
    }
    println!(
        "{} routed requests in {elapsed:?}: {counters:?}",
        2 * ROUTED_KEYS
    );
    // The counters do catch misrouting: without token awareness, requests land on
    // non-replicas and on wrong shards.
    let unaware = ExecutionProfile::builder()
        .load_balancing_policy(DefaultPolicy::builder().token_aware(false).build())
        .build()
        .into_handle();
    let (mut insert_unaware, mut select_unaware) = (insert.clone(), select.clone());
    insert_unaware.set_execution_profile_handle(Some(unaware.clone()));
    select_unaware.set_execution_profile_handle(Some(unaware));
    for read in [false, true] {
        for r in run_concurrently(0..300, 64, |k| {
            write_or_read(session, (&insert_unaware, &select_unaware), k, read)
        })
        .await
        {
            r.unwrap();
        }
    }
    let counters = cluster.take_counters();
    assert!(counters.total().non_replica > 100, "{counters:?}");
    assert!(counters.total().wrong_shard > 100, "{counters:?}");
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
        if (0..ROUTED_KEYS).contains(&k) {
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
    let mut insert = prepare_insert(&session, &ks).await;
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

/// A continuous load: `lanes` tasks, each writing a new key and reading it back, again
/// and again, recording every failure, until stopped.
struct Load {
    stop: Arc<AtomicBool>,
    succeeded: Arc<AtomicU64>,
    failures: Arc<Mutex<Vec<String>>>,
    lanes: Vec<tokio::task::JoinHandle<()>>,
}

impl Load {
    fn start(
        session: &Arc<Session>,
        statements: &Arc<(PreparedStatement, PreparedStatement)>,
        lanes: usize,
        first_key: i64,
    ) -> Load {
        let stop = Arc::new(AtomicBool::new(false));
        let succeeded = Arc::new(AtomicU64::new(0));
        let failures = Arc::new(Mutex::new(Vec::new()));
        let next_key = Arc::new(AtomicI64::new(first_key));
        let lanes = (0..lanes)
            .map(|_| {
                let (session, statements) = (Arc::clone(session), Arc::clone(statements));
                let (stop, succeeded, failures, next_key) = (
                    Arc::clone(&stop),
                    Arc::clone(&succeeded),
                    Arc::clone(&failures),
                    Arc::clone(&next_key),
                );
                tokio::spawn(async move {
                    let (insert, select) = &*statements;
                    while !stop.load(Ordering::Relaxed) {
                        let k = next_key.fetch_add(1, Ordering::Relaxed);
                        for read in [false, true] {
                            match write_or_read(&session, (insert, select), k, read).await {
                                Ok(()) => {
                                    succeeded.fetch_add(1, Ordering::Relaxed);
                                }
                                Err(e) => failures.lock().unwrap().push(format!(
                                    "{} {k}: {e}",
                                    if read { "SELECT" } else { "INSERT" }
                                )),
                            }
                        }
                    }
                })
            })
            .collect();
        Load {
            stop,
            succeeded,
            failures,
            lanes,
        }
    }

    fn succeeded(&self) -> u64 {
        self.succeeded.load(Ordering::Relaxed)
    }

    /// Waits until `more` requests have succeeded since the call.
    async fn wait_for_successes(&self, more: u64) {
        let target = self.succeeded() + more;
        wait_until(
            &format!("{more} more requests succeed"),
            Duration::from_secs(20),
            || self.succeeded() >= target,
        )
        .await;
    }

    /// Stops the load: the number of requests that succeeded, and the failures.
    async fn finish(self) -> (u64, Vec<String>) {
        self.stop.store(true, Ordering::Relaxed);
        for lane in self.lanes {
            lane.await.unwrap();
        }
        let failures = std::mem::take(&mut *self.failures.lock().unwrap());
        (self.succeeded.load(Ordering::Relaxed), failures)
    }
}

fn is_connected(session: &Session, host_id: uuid::Uuid) -> bool {
    session
        .get_cluster_state()
        .get_node_by_host_id(host_id)
        .is_some_and(|n| n.is_connected())
}

/// The acceptance test of node failures: RF=3 and QUORUM, idempotent prepared
/// statements under continuous load. One node stopped: not one request fails. Two
/// stopped: the last node answers Unavailable. Both restarted: requests succeed again
/// within seconds and go to all three nodes, each on the owning shard.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn quorum_survives_one_node_down_and_reports_unavailable_with_two() {
    let cluster = cluster(3, 2).await;
    let session = Arc::new(session(&cluster).await);
    let ks = unique_keyspace("quorum");
    table(&session, &ks, 3).await;
    let statements = Arc::new(prepare_pair(&session, &ks, Consistency::Quorum, true).await);
    wait_for_pools(&session, 6).await;
    let nodes = cluster.nodes();
    let (first, second) = (nodes[1].clone(), nodes[2].clone());

    // One node down, under load.
    let load = Load::start(&session, &statements, 16, 0);
    load.wait_for_successes(200).await;
    cluster.stop_node(first.id).await.unwrap();
    wait_until("the node is seen down", Duration::from_secs(10), || {
        !is_connected(&session, first.host_id)
    })
    .await;
    load.wait_for_successes(1_000).await;
    let (succeeded, failures) = load.finish().await;
    assert!(
        failures.is_empty(),
        "{} of {} idempotent QUORUM requests failed with one node down, first: {:?}",
        failures.len(),
        succeeded + failures.len() as u64,
        &failures[..failures.len().min(5)]
    );

    // Two nodes down: the remaining node coordinates and refuses QUORUM.
    cluster.stop_node(second.id).await.unwrap();
    wait_until(
        "the second node is seen down",
        Duration::from_secs(10),
        || !is_connected(&session, second.host_id),
    )
    .await;
    let (insert, select) = &*statements;
    for k in 0..50i64 {
        for read in [false, true] {
            match write_or_read(&session, (insert, select), k, read).await {
                Err(ExecutionError::LastAttemptError(RequestAttemptError::DbError(
                    DbError::Unavailable {
                        consistency,
                        required,
                        alive,
                    },
                    _,
                ))) => {
                    assert_eq!(consistency, Consistency::Quorum);
                    assert_eq!((required, alive), (2, 1));
                }
                other => panic!("key {k} (read: {read}): expected Unavailable, got {other:?}"),
            }
        }
    }

    // Both back: full service within seconds.
    let restarted = Instant::now();
    cluster.start_node(first.id).await.unwrap();
    cluster.start_node(second.id).await.unwrap();
    let mut k = 1_000_000i64;
    loop {
        k += 1;
        if write_or_read(&session, (insert, select), k, false)
            .await
            .is_ok()
        {
            break;
        }
        assert!(
            restarted.elapsed() < Duration::from_secs(5),
            "QUORUM still fails 5 s after the restart"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let serving = restarted.elapsed();
    wait_for_pools(&session, 6).await;
    let reconnected = restarted.elapsed();
    assert!(
        reconnected < Duration::from_secs(10),
        "full pools only after {reconnected:?}"
    );
    let session_ref = &*session;
    let run = |keys: std::ops::Range<i64>| async move {
        for read in [false, true] {
            for r in run_concurrently(keys.clone(), 32, |k| {
                write_or_read(session_ref, (insert, select), k, read)
            })
            .await
            {
                r.unwrap();
            }
        }
    };
    // The restarted nodes forgot the prepared statements: the first requests they
    // get are answered UNPREPARED and sent again after the driver re-prepares them
    // (the simulator counts both).
    cluster.reset_counters();
    run(2_000_000..2_000_300).await;
    let counters = cluster.take_counters();
    assert!(counters.total().requests >= 600, "{counters:?}");
    assert_eq!(counters.total().non_replica, 0, "{counters:?}");
    assert_eq!(counters.total().wrong_shard, 0, "{counters:?}");
    // Then every request is served once, by some node on the owning shard.
    wait_until_quiet(&cluster).await;
    run(3_000_000..3_000_600).await;
    let counters = cluster.take_counters();
    assert_eq!(counters.total().requests, 1_200, "{counters:?}");
    assert_eq!(counters.total().non_replica, 0, "{counters:?}");
    assert_eq!(counters.total().wrong_shard, 0, "{counters:?}");
    for n in &counters.nodes {
        assert!(n.total().requests > 200, "{counters:?}");
    }
    println!("QUORUM served again {serving:?} after the restart, full pools after {reconnected:?}");
}

/// The acceptance test of datacenter awareness: with a preferred datacenter no
/// request reaches the remote one while a local replica is up; with every local node
/// down, requests go to the remote datacenter only if failover is permitted.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn preferred_datacenter_keeps_requests_local() {
    let cluster = builder(0, 2)
        .datacenters(&[("dc1", 3), ("dc2", 3)])
        .build()
        .await
        .unwrap();
    let nodes = cluster.nodes();
    let (local, remote): (Vec<_>, Vec<_>) =
        nodes.iter().cloned().partition(|n| n.datacenter == "dc1");
    assert_eq!((local.len(), remote.len()), (3, 3));
    let profile = |failover: bool| {
        ExecutionProfile::builder()
            .load_balancing_policy(
                DefaultPolicy::builder()
                    .prefer_datacenter("dc1".to_owned())
                    .permit_dc_failover(failover)
                    .build(),
            )
            .build()
            .into_handle()
    };
    // The control connection (whose metadata queries the simulator counts too) starts
    // on the only known node, a local one that is kept up until the last phase.
    let session = SessionBuilder::new()
        .known_node_addr(local[0].address)
        .default_execution_profile_handle(profile(false))
        .build()
        .await
        .unwrap();
    let ks = unique_keyspace("dcs");
    session
        .query_unpaged(
            format!(
                "CREATE KEYSPACE {ks} WITH replication = \
                 {{'class': 'NetworkTopologyStrategy', 'dc1': 3, 'dc2': 3}}"
            ),
            &[],
        )
        .await
        .unwrap();
    create_table(
        &session,
        &ks,
        "(pk bigint, ck int, v text, PRIMARY KEY (pk, ck))",
    )
    .await;
    let history = Arc::new(HistoryCollector::new());
    let statements = |consistency| {
        let session = &session;
        let ks = &ks;
        let history = &history;
        async move {
            let (mut insert, mut select) = prepare_pair(session, ks, consistency, true).await;
            insert.set_history_listener(Arc::clone(history) as Arc<dyn HistoryListener>);
            select.set_history_listener(Arc::clone(history) as Arc<dyn HistoryListener>);
            (insert, select)
        }
    };
    let remote_requests = |counters: &CountersSnapshot| -> u64 {
        remote
            .iter()
            .map(|n| counters.node(n.id).map_or(0, |c| c.total().requests))
            .sum()
    };
    // Which nodes our requests were sent to.
    let attempted = |history: &HistoryCollector| -> Vec<std::net::SocketAddr> {
        history
            .take_structured_history()
            .requests
            .iter()
            .flat_map(|r| std::iter::once(&r.non_speculative_fiber).chain(&r.speculative_fibers))
            .flat_map(|f| f.attempts.iter().map(|a| a.node_addr))
            .collect()
    };
    // (Attempts name the address connected to, which may be the shard-aware port.)
    let is_remote =
        |addr: &std::net::SocketAddr| remote.iter().any(|n| n.address.ip() == addr.ip());
    wait_for_pools(&session, 12).await;

    // Every node up: LOCAL_ONE and LOCAL_QUORUM stay in dc1, on the owning shard.
    cluster.reset_counters();
    for consistency in [Consistency::LocalOne, Consistency::LocalQuorum] {
        let (insert, select) = statements(consistency).await;
        for read in [false, true] {
            for r in run_concurrently(0..500i64, 32, |k| {
                write_or_read(&session, (&insert, &select), k, read)
            })
            .await
            {
                r.unwrap();
            }
        }
    }
    let counters = cluster.take_counters();
    assert_eq!(remote_requests(&counters), 0, "{counters:?}");
    assert_eq!(counters.total().non_replica, 0, "{counters:?}");
    assert_eq!(counters.total().wrong_shard, 0, "{counters:?}");
    for n in &local {
        assert!(
            counters.node(n.id).unwrap().total().requests > 100,
            "{counters:?}"
        );
    }
    let sent_to = attempted(&history);
    assert_eq!(sent_to.len(), 2_000);
    assert!(!sent_to.iter().any(is_remote));

    // Two of the three local nodes down: the last local replica serves everything.
    let (insert, select) = statements(Consistency::LocalOne).await;
    for n in &local[1..] {
        cluster.stop_node(n.id).await.unwrap();
    }
    wait_until(
        "the local nodes are seen down",
        Duration::from_secs(10),
        || {
            local[1..]
                .iter()
                .all(|n| !is_connected(&session, n.host_id))
        },
    )
    .await;
    let _ = attempted(&history);
    cluster.reset_counters();
    for r in run_concurrently(1_000..1_500i64, 32, |k| {
        write_or_read(&session, (&insert, &select), k, false)
    })
    .await
    {
        r.unwrap();
    }
    let counters = cluster.take_counters();
    assert_eq!(remote_requests(&counters), 0, "{counters:?}");
    assert!(
        counters.node(local[0].id).unwrap().total().requests >= 500,
        "{counters:?}"
    );
    assert!(!attempted(&history).iter().any(is_remote));

    // No local node left: without failover the requests fail without being sent
    // anywhere; with it (and a non-local consistency) they go to dc2.
    cluster.stop_node(local[0].id).await.unwrap();
    wait_until(
        "the datacenter is seen down",
        Duration::from_secs(10),
        || !is_connected(&session, local[0].host_id),
    )
    .await;
    let (mut insert, mut select) = statements(Consistency::One).await;
    for k in 2_000..2_050i64 {
        write_or_read(&session, (&insert, &select), k, false)
            .await
            .expect_err("no local node is up and failover is not permitted");
    }
    assert_eq!(attempted(&history), Vec::new(), "nothing was sent");
    let failover = profile(true);
    insert.set_execution_profile_handle(Some(failover.clone()));
    select.set_execution_profile_handle(Some(failover));
    cluster.reset_counters();
    for read in [false, true] {
        for r in run_concurrently(2_000..2_100i64, 16, |k| {
            write_or_read(&session, (&insert, &select), k, read)
        })
        .await
        {
            r.unwrap();
        }
    }
    let counters = cluster.take_counters();
    assert!(remote_requests(&counters) >= 200, "{counters:?}");
    assert_eq!(counters.total().non_replica, 0, "{counters:?}");
    let sent_to = attempted(&history);
    assert_eq!(sent_to.len(), 200);
    assert!(sent_to.iter().all(is_remote), "{sent_to:?} {nodes:?}");
    // LOCAL_* consistencies never leave the local datacenter, even with failover.
    let (mut local_insert, local_select) = statements(Consistency::LocalOne).await;
    local_insert.set_execution_profile_handle(Some(profile(true)));
    write_or_read(&session, (&local_insert, &local_select), 3_000, false)
        .await
        .expect_err("LOCAL_ONE with no local node");
    assert_eq!(attempted(&history), Vec::new());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn added_node_gets_traffic_and_removed_node_leaves() {
    let cluster = cluster(2, 1).await;
    let session = session(&cluster).await;
    let ks = unique_keyspace("topology");
    table(&session, &ks, 1).await;
    let mut insert = prepare_insert(&session, &ks).await;
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
                 l list<int>, m map<text, bigint>, s set<uuid>, tu tuple<int, text>, \
                 fl frozen<list<text>>, PRIMARY KEY ((a, b), e))"
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
    assert!(keyspace.durable_writes);
    assert!(!keyspace.tablet_based);
    assert!(keyspace.views.is_empty());
    let addr = &keyspace.user_defined_types["addr"];
    assert_eq!((&*addr.name, &*addr.keyspace), ("addr", ks.as_str()));
    assert_eq!(
        addr.field_types,
        vec![
            ("street".into(), ColumnType::Native(NativeType::Text)),
            ("no".into(), ColumnType::Native(NativeType::Int)),
        ]
    );
    assert_eq!(keyspace.tables.len(), 1);
    let t = &keyspace.tables["t"];
    assert_eq!(t.partition_key, vec!["a".to_owned(), "b".to_owned()]);
    assert_eq!(t.clustering_key, vec!["e".to_owned()]);
    let native = ColumnType::Native;
    let boxed = |t: NativeType| Box::new(ColumnType::Native(t));
    let expected = [
        ("a", ColumnKind::PartitionKey, native(NativeType::Int)),
        ("b", ColumnKind::PartitionKey, native(NativeType::Text)),
        ("e", ColumnKind::Clustering, native(NativeType::Int)),
        (
            "c",
            ColumnKind::Regular,
            ColumnType::UserDefinedType {
                frozen: true,
                definition: Arc::clone(addr),
            },
        ),
        ("d", ColumnKind::Static, native(NativeType::Int)),
        (
            "l",
            ColumnKind::Regular,
            ColumnType::Collection {
                frozen: false,
                typ: CollectionType::List(boxed(NativeType::Int)),
            },
        ),
        (
            "m",
            ColumnKind::Regular,
            ColumnType::Collection {
                frozen: false,
                typ: CollectionType::Map(boxed(NativeType::Text), boxed(NativeType::BigInt)),
            },
        ),
        (
            "s",
            ColumnKind::Regular,
            ColumnType::Collection {
                frozen: false,
                typ: CollectionType::Set(boxed(NativeType::Uuid)),
            },
        ),
        (
            "tu",
            ColumnKind::Regular,
            ColumnType::Tuple(vec![native(NativeType::Int), native(NativeType::Text)]),
        ),
        (
            "fl",
            ColumnKind::Regular,
            ColumnType::Collection {
                frozen: true,
                typ: CollectionType::List(boxed(NativeType::Text)),
            },
        ),
    ];
    assert_eq!(t.columns.len(), expected.len());
    for (name, kind, typ) in expected {
        let column = &t.columns[name];
        assert_eq!((column.kind, &column.typ), (kind, &typ), "column {name}");
    }

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
    // A table and a type created by another client appear after their events.
    no_wait
        .query_unpaged(format!("CREATE TYPE {ks}.point (x double, y double)"), &[])
        .await
        .unwrap();
    no_wait
        .query_unpaged(
            format!(
                "CREATE TABLE {ks}.other (k text, c1 int, c2 bigint, p point, \
                 PRIMARY KEY (k, c1, c2))"
            ),
            &[],
        )
        .await
        .unwrap();
    wait_until(
        "the other client's table is seen",
        Duration::from_secs(5),
        || {
            session
                .get_cluster_state()
                .get_keyspace(&ks)
                .is_some_and(|k| k.tables.contains_key("other"))
        },
    )
    .await;
    let state = session.get_cluster_state();
    let keyspace = state.get_keyspace(&ks).unwrap();
    let point = &keyspace.user_defined_types["point"];
    assert_eq!(
        point.field_types,
        vec![
            ("x".into(), ColumnType::Native(NativeType::Double)),
            ("y".into(), ColumnType::Native(NativeType::Double)),
        ]
    );
    let other = &keyspace.tables["other"];
    assert_eq!(other.partition_key, ["k"]);
    assert_eq!(other.clustering_key, ["c1", "c2"]);
    assert_eq!(other.columns.len(), 4);
    assert_eq!(other.columns["c2"].kind, ColumnKind::Clustering);
    assert_eq!(
        other.columns["c2"].typ,
        ColumnType::Native(NativeType::BigInt)
    );
    assert_eq!(
        other.columns["p"].typ,
        ColumnType::UserDefinedType {
            frozen: false,
            definition: Arc::clone(point),
        }
    );
    // The driver computes the new table's tokens like the cluster.
    let key = ("key".to_owned(),);
    let token = state.compute_token(&ks, "other", &key).unwrap();
    no_wait
        .query_unpaged(
            format!("INSERT INTO {ks}.other (k, c1, c2) VALUES ('key', 1, 2)"),
            &[],
        )
        .await
        .unwrap();
    let (cluster_token,): (i64,) =
        select_one(&session, format!("SELECT token(k) FROM {ks}.other")).await;
    assert_eq!(cluster_token, token.value());
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
    // Keyspaces created and dropped by the other client.
    let ks2 = unique_keyspace("schema_other");
    no_wait
        .query_unpaged(
            format!(
                "CREATE KEYSPACE {ks2} WITH replication = \
                 {{'class': 'SimpleStrategy', 'replication_factor': 1}} AND durable_writes = false"
            ),
            &[],
        )
        .await
        .unwrap();
    wait_until(
        "the other client's keyspace is seen",
        Duration::from_secs(5),
        || {
            session
                .get_cluster_state()
                .get_keyspace(&ks2)
                .is_some_and(|k| {
                    k.strategy
                        == Strategy::SimpleStrategy {
                            replication_factor: 1,
                        }
                        && !k.durable_writes
                })
        },
    )
    .await;
    no_wait
        .query_unpaged(format!("DROP KEYSPACE {ks2}"), &[])
        .await
        .unwrap();
    wait_until("the keyspace is gone", Duration::from_secs(5), || {
        session.get_cluster_state().get_keyspace(&ks2).is_none()
    })
    .await;
    session.refresh_metadata().await.unwrap();
    assert!(session.get_cluster_state().get_keyspace(&ks).is_some());
    assert!(session.get_cluster_state().get_keyspace(&ks2).is_none());
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
    let insert = prepare_insert(&session, &ks).await;
    // (After the control connection's metadata queries, which go to this node too.)
    wait_until_quiet(&cluster).await;
    insert_many(&session, &insert, 0..50).await;
    assert_eq!(node_requests(&cluster, 0), 50);
    assert_eq!(cluster.counters().total().requests, 50);
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
    table(&session, &ks, 2).await;
    let mut insert = prepare_insert(&session, &ks).await;
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
