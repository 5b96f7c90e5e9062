//! The cluster side of requests: consistency levels against node status, request
//! counters (non-replica, wrong shard), tracing and per-partition rate limits.

mod exec_support;

use exec_support::*;
use scylla_cql::frame::response::error::{DbError, OperationType};
use scylla_cql::frame::types::Consistency;
use scylla_cql::value::CqlValue;
use scylla_sim::cluster::ShardCounterSnapshot;
use scylla_sim::ring::{ReplicationStrategy, Token, token_of};

fn setup_rf(rf: usize) -> Sim {
    let mut s = Sim::new(3);
    s.q(&format!(
        "CREATE KEYSPACE ks WITH replication = {{'class': 'SimpleStrategy', 'replication_factor': {rf}}}"
    ))
    .ok();
    s.q("USE ks").ok();
    s.q("CREATE TABLE t (k int PRIMARY KEY, v int)").ok();
    s
}

#[test]
fn unavailable_when_replicas_are_down() {
    let mut s = setup_rf(3);
    let ins = "INSERT INTO t (k, v) VALUES (1, 1)";
    s.query_on(0, 0, ins, with_cl(&[], Consistency::All)).ok();
    s.set_down(1);
    let r = s.query_on(0, 0, ins, with_cl(&[], Consistency::All));
    assert_eq!(
        r.err().error,
        DbError::Unavailable {
            consistency: Consistency::All,
            required: 3,
            alive: 2
        }
    );
    assert!(
        r.err()
            .reason
            .contains("Cannot achieve consistency level ALL")
    );
    s.query_on(0, 0, ins, with_cl(&[], Consistency::Quorum))
        .ok();
    s.set_down(2);
    assert!(matches!(
        s.query_on(0, 0, ins, with_cl(&[], Consistency::Quorum))
            .err()
            .error,
        DbError::Unavailable {
            required: 2,
            alive: 1,
            ..
        }
    ));
    s.query_on(0, 0, ins, with_cl(&[], Consistency::One)).ok();
    s.query_on(0, 0, ins, with_cl(&[], Consistency::Any)).ok();
    // Range scans check every range.
    assert!(matches!(
        s.query_on(0, 0, "SELECT * FROM t", with_cl(&[], Consistency::Two))
            .err()
            .error,
        DbError::Unavailable { .. }
    ));
    s.query_on(0, 0, "SELECT * FROM t", with_cl(&[], Consistency::One))
        .ok();
    // Reads at ANY are invalid.
    assert!(
        s.query_on(0, 0, "SELECT * FROM t", with_cl(&[], Consistency::Any))
            .invalid()
            .contains("ANY")
    );
    // LWT needs a quorum for Paxos.
    assert!(matches!(
        s.query_on(
            0,
            0,
            "INSERT INTO t (k, v) VALUES (2, 2) IF NOT EXISTS",
            with_cl(&[], Consistency::One)
        )
        .err()
        .error,
        DbError::Unavailable {
            consistency: Consistency::Serial,
            ..
        }
    ));
    // System tables never are unavailable.
    s.query_on(
        0,
        0,
        "SELECT * FROM system.local",
        with_cl(&[], Consistency::All),
    )
    .ok();
    s.set_up(1);
    s.set_up(2);
    s.query_on(0, 0, ins, with_cl(&[], Consistency::All)).ok();
}

#[test]
fn unavailable_only_for_the_partitions_replicas() {
    // RF 1: a key is unavailable only if its single replica is down.
    let mut s = setup_rf(1);
    s.set_down(2);
    let topology = s.cluster.topology();
    let strategy = ReplicationStrategy::Simple {
        replication_factor: 1,
    };
    let (mut up, mut down) = (None, None);
    for k in 0..200i32 {
        let t = token_of(&k.to_be_bytes());
        let r = topology.replicas(&strategy, t, s.nodes[0]);
        if r == [s.nodes[2]] {
            down.get_or_insert(k);
        } else {
            up.get_or_insert(k);
        }
    }
    let (up, down) = (up.unwrap(), down.unwrap());
    s.query_on(
        0,
        0,
        &format!("INSERT INTO t (k, v) VALUES ({up}, 1)"),
        with_cl(&[], Consistency::One),
    )
    .ok();
    assert!(matches!(
        s.query_on(
            0,
            0,
            &format!("INSERT INTO t (k, v) VALUES ({down}, 1)"),
            with_cl(&[], Consistency::One)
        )
        .err()
        .error,
        DbError::Unavailable {
            required: 1,
            alive: 0,
            ..
        }
    ));
}

#[test]
fn local_consistency_with_two_datacenters() {
    let mut s = Sim::with_topology(topology(4, &["dc1", "dc2"]));
    s.q("CREATE KEYSPACE ks WITH replication = {'class': 'NetworkTopologyStrategy', 'dc1': 2, 'dc2': 2}")
        .ok();
    s.q("CREATE TABLE ks.t (k int PRIMARY KEY, v int)").ok();
    // Nodes 1 and 3 are in dc2.
    s.set_down(1);
    s.set_down(3);
    let ins = "INSERT INTO ks.t (k, v) VALUES (1, 1)";
    s.query_on(0, 0, ins, with_cl(&[], Consistency::LocalQuorum))
        .ok();
    assert!(matches!(
        s.query_on(0, 0, ins, with_cl(&[], Consistency::EachQuorum))
            .err()
            .error,
        DbError::Unavailable { .. }
    ));
    // QUORUM counts all datacenters: 3 of 4 replicas needed, 2 alive.
    assert!(matches!(
        s.query_on(0, 0, ins, with_cl(&[], Consistency::Quorum))
            .err()
            .error,
        DbError::Unavailable {
            required: 3,
            alive: 2,
            ..
        }
    ));
    s.query_on(0, 0, ins, with_cl(&[], Consistency::Two)).ok();
    assert!(matches!(
        s.query_on(0, 0, ins, with_cl(&[], Consistency::Three))
            .err()
            .error,
        DbError::Unavailable { .. }
    ));
}

fn counters(s: &Sim, node: usize, shard: u16) -> ShardCounterSnapshot {
    s.cluster
        .node(s.nodes[node])
        .unwrap()
        .shard(shard)
        .unwrap()
        .snapshot()
}

#[test]
fn request_counters_non_replica_and_wrong_shard() {
    let mut s = setup_rf(1);
    let topology = s.cluster.topology();
    let strategy = ReplicationStrategy::Simple {
        replication_factor: 1,
    };
    let p = s.prepare("INSERT INTO t (k, v) VALUES (?, ?)");
    let before = counters(&s, 0, 0);
    let mut expected_non_replica = 0;
    let mut expected_wrong_shard = 0;
    for k in 0..40i32 {
        let token = token_of(&k.to_be_bytes());
        if !topology
            .replicas(&strategy, token, s.nodes[0])
            .contains(&s.nodes[0])
        {
            expected_non_replica += 1;
        }
        if topology.node(s.nodes[0]).unwrap().shard_of(token) != 0 {
            expected_wrong_shard += 1;
        }
        s.execute_on(0, 0, &p, params(&[int(k), int(k)]), None).ok();
    }
    let after = counters(&s, 0, 0);
    assert_eq!(after.requests - before.requests, 40);
    assert_eq!(after.non_replica - before.non_replica, expected_non_replica);
    assert_eq!(after.wrong_shard - before.wrong_shard, expected_wrong_shard);
    assert!(expected_non_replica > 0 && expected_wrong_shard > 0);

    // A request sent to the right node and shard counts as neither.
    let k = 7i32;
    let token: Token = token_of(&k.to_be_bytes());
    let owner = topology.replicas(&strategy, token, s.nodes[0])[0];
    let node = s.nodes.iter().position(|n| *n == owner).unwrap();
    let shard = topology.node(owner).unwrap().shard_of(token);
    let before = counters(&s, node, shard);
    let sel = s
        .prepare_on(node, "SELECT v FROM t WHERE k = ?")
        .prepared()
        .clone();
    s.execute_on(node, shard, &sel, params(&[int(k)]), None)
        .ok();
    let after = counters(&s, node, shard);
    assert_eq!(after.requests - before.requests, 1);
    assert_eq!(after.non_replica, before.non_replica);
    assert_eq!(after.wrong_shard, before.wrong_shard);
    // Range scans count as requests only.
    let before = counters(&s, 0, 1);
    s.query_on(0, 1, "SELECT * FROM t", params(&[])).ok();
    let after = counters(&s, 0, 1);
    assert_eq!(after.requests - before.requests, 1);
    assert_eq!(after.non_replica, before.non_replica);
    // Even failed requests count.
    let before = counters(&s, 0, 0);
    s.q("SELEC nonsense").err();
    assert_eq!(counters(&s, 0, 0).requests - before.requests, 1);
}

#[test]
fn tracing_writes_sessions_and_events() {
    let mut s = setup_rf(1);
    s.tracing = true;
    let r = s.q("INSERT INTO t (k, v) VALUES (1, 1)");
    let id = r.trace_id.expect("trace id");
    assert_eq!(id.get_version_num(), 1);
    s.tracing = false;
    let sess = s
        .q(&format!(
            "SELECT * FROM system_traces.sessions WHERE session_id = {id}"
        ))
        .rows()
        .clone();
    assert_eq!(sess.rows.len(), 1);
    assert_eq!(sess.column("command")[0], cv_text("QUERY"));
    assert_eq!(
        sess.column("coordinator")[0],
        Some(CqlValue::Inet("127.0.0.1".parse().unwrap()))
    );
    assert_eq!(
        sess.column("client")[0],
        Some(CqlValue::Inet("10.0.0.1".parse().unwrap()))
    );
    assert!(matches!(sess.column("duration")[0], Some(CqlValue::Int(d)) if d > 0));
    let params = sess.column("parameters")[0]
        .clone()
        .unwrap()
        .into_pair_vec()
        .unwrap();
    assert!(
        params.iter().any(|(k, v)| k.as_text().unwrap() == "query"
            && v.as_text().unwrap().contains("INSERT INTO t"))
    );
    let events = s
        .q(&format!("SELECT activity, source, source_elapsed FROM system_traces.events WHERE session_id = {id}"))
        .rows()
        .clone();
    assert!(events.rows.len() >= 2);
    assert!(
        events
            .texts("activity")
            .contains(&Some("Request complete".into()))
    );
    // Failed requests are traced too; untraced requests have no id.
    s.tracing = true;
    let r = s.q("SELECT * FROM nope");
    assert!(r.trace_id.is_some());
    s.tracing = false;
    assert!(s.q("SELECT * FROM t").trace_id.is_none());
}

#[test]
fn per_partition_rate_limits() {
    let mut s = setup_rf(1);
    s.q("CREATE TABLE limited (k int PRIMARY KEY, v int) WITH per_partition_rate_limit = {'max_writes_per_second': 3, 'max_reads_per_second': 2}")
        .ok();
    // Without the extension: Config_error. With it: the rate limit error.
    let mut errors = Vec::new();
    for _ in 0..6 {
        let r = s.q("INSERT INTO limited (k, v) VALUES (1, 1)");
        if let Res::Error(e) = &r.res {
            errors.push(e.clone());
        }
    }
    assert!(!errors.is_empty() && errors.len() <= 3, "{errors:?}");
    assert!(errors.iter().all(|e| e.error == DbError::ConfigError));
    assert!(errors[0].reason.contains("rate limit"));
    s.features.rate_limit_error = Some(0xF000);
    let mut reads = Vec::new();
    for _ in 0..6 {
        reads.push(s.q("SELECT * FROM limited WHERE k = 2"));
    }
    let limited: Vec<_> = reads
        .iter()
        .filter_map(|r| match &r.res {
            Res::Error(e) => Some(e.error.clone()),
            _ => None,
        })
        .collect();
    assert!(!limited.is_empty());
    assert!(limited.iter().all(|e| *e
        == DbError::RateLimitReached {
            op_type: OperationType::Read,
            rejected_by_coordinator: false
        }));
    // Other partitions and tables are not limited.
    s.q("INSERT INTO limited (k, v) VALUES (3, 1)").ok();
    for _ in 0..10 {
        s.q("INSERT INTO t (k, v) VALUES (1, 1)").ok();
    }
}
