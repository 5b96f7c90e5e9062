//! SELECT through the executor: selection, restrictions, ordering, limits, filtering,
//! aggregates and the system tables.

mod exec_support;

use exec_support::*;
use scylla_cql::frame::response::result::{ColumnType, NativeType};
use scylla_cql::value::CqlValue;
use scylla_sim::ring::token_of;

/// A table with partitions k = 0..4, clustering c = 0..4, v = k * 10 + c.
fn setup() -> Sim {
    let mut s = Sim::with_keyspace();
    s.q("CREATE TABLE t (k int, c int, d int, v int, s text static, PRIMARY KEY (k, c, d))")
        .ok();
    let p = s.prepare("INSERT INTO t (k, c, d, v, s) VALUES (?, ?, ?, ?, ?)");
    for k in 0..4 {
        for c in 0..4 {
            s.execute(
                &p,
                &[
                    int(k),
                    int(c),
                    int(c * 2),
                    int(k * 10 + c),
                    txt(&format!("s{k}")),
                ],
            )
            .ok();
        }
    }
    s
}

fn ints(s: &mut Sim, q: &str, col: &str) -> Vec<i32> {
    s.q(q)
        .rows()
        .ints(col)
        .into_iter()
        .map(|v| v.unwrap())
        .collect()
}

#[test]
fn selection_aliases_and_metadata() {
    let mut s = setup();
    let r = s.q("SELECT * FROM t WHERE k = 1").rows().clone();
    assert_eq!(r.names, ["k", "c", "d", "s", "v"]);
    assert!(r.tables.iter().all(|(ks, t)| ks == "ks" && t == "t"));
    assert_eq!(r.types[0], ColumnType::Native(NativeType::Int));
    assert_eq!(r.rows.len(), 4);
    let r = s
        .q("SELECT v AS value, k, token(k), writetime(v), ttl(v) FROM t WHERE k = 2 AND c = 1")
        .rows()
        .clone();
    assert_eq!(
        r.names,
        ["value", "k", "system.token(k)", "writetime(v)", "ttl(v)"]
    );
    assert_eq!(r.types[2], ColumnType::Native(NativeType::BigInt));
    assert_eq!(r.rows.len(), 1);
    assert_eq!(r.rows[0][0], cv_int(21));
    assert_eq!(r.rows[0][2], cv_big(token_of(&2i32.to_be_bytes()).value()));
    assert!(matches!(r.rows[0][3], Some(CqlValue::BigInt(_))));
    assert_eq!(r.rows[0][4], None);
    assert!(
        s.q("SELECT nope FROM t")
            .invalid()
            .contains("Undefined column name nope")
    );
    assert!(
        s.q("SELECT writetime(k) FROM t")
            .invalid()
            .contains("PRIMARY KEY")
    );
    assert!(s.q("SELECT token(c) FROM t").invalid().contains("token"));
    assert!(
        s.q("SELECT foo(v) FROM t")
            .invalid()
            .contains("Unknown function")
    );
}

#[test]
fn results_are_in_token_then_clustering_order() {
    let mut s = setup();
    let r = s.q("SELECT k, c FROM t").rows().clone();
    assert_eq!(r.rows.len(), 16);
    let tokens: Vec<i64> = r
        .ints("k")
        .iter()
        .map(|k| token_of(&k.unwrap().to_be_bytes()).value())
        .collect();
    assert!(tokens.windows(2).all(|w| w[0] <= w[1]));
    for chunk in r.ints("c").chunks(4) {
        assert_eq!(chunk, [Some(0), Some(1), Some(2), Some(3)]);
    }
}

#[test]
fn partition_and_clustering_restrictions() {
    let mut s = setup();
    assert_eq!(
        ints(&mut s, "SELECT v FROM t WHERE k = 1 AND c = 2", "v"),
        [12]
    );
    assert_eq!(
        ints(
            &mut s,
            "SELECT v FROM t WHERE k = 1 AND c IN (3, 0, 3)",
            "v"
        ),
        [10, 13]
    );
    assert_eq!(
        ints(
            &mut s,
            "SELECT v FROM t WHERE k = 1 AND c > 0 AND c <= 2",
            "v"
        ),
        [11, 12]
    );
    assert_eq!(
        ints(
            &mut s,
            "SELECT v FROM t WHERE k = 1 AND c = 2 AND d >= 4",
            "v"
        ),
        [12]
    );
    assert_eq!(
        ints(
            &mut s,
            "SELECT v FROM t WHERE k = 1 AND (c, d) > (1, 2) AND (c, d) < (3, 6)",
            "v"
        ),
        [12]
    );
    assert_eq!(
        ints(
            &mut s,
            "SELECT v FROM t WHERE k = 1 AND (c, d) IN ((1, 2), (3, 6), (3, 7))",
            "v"
        ),
        [11, 13]
    );
    assert_eq!(
        ints(
            &mut s,
            "SELECT v FROM t WHERE k = 1 AND (c, d) = (2, 4)",
            "v"
        ),
        [12]
    );
    // IN on the partition key: results by token order.
    let r = s
        .q("SELECT k, v FROM t WHERE k IN (3, 1) AND c = 0")
        .rows()
        .clone();
    let mut expected: Vec<(i32, i32)> = vec![(1, 10), (3, 30)];
    expected.sort_by_key(|(k, _)| token_of(&k.to_be_bytes()).value());
    let got: Vec<(i32, i32)> = r
        .rows
        .iter()
        .map(|row| {
            (
                row[0].clone().unwrap().as_int().unwrap(),
                row[1].clone().unwrap().as_int().unwrap(),
            )
        })
        .collect();
    assert_eq!(got, expected);
    // Token ranges.
    let all = s
        .q("SELECT k FROM t WHERE token(k) > -9223372036854775808")
        .rows()
        .rows
        .len();
    assert_eq!(all, 16);
    let t2 = token_of(&2i32.to_be_bytes()).value();
    let r = s
        .q(&format!("SELECT k FROM t WHERE token(k) = {t2}"))
        .rows()
        .clone();
    assert_eq!(r.rows.len(), 4);
    assert!(r.rows.iter().all(|x| x[0] == cv_int(2)));
    let r = s
        .q("SELECT k FROM t WHERE token(k) >= token(2) AND token(k) <= token(2)")
        .rows()
        .clone();
    assert_eq!(r.rows.len(), 4);
    // Errors.
    assert!(
        s.q("SELECT * FROM t WHERE k = 1 AND d = 2")
            .invalid()
            .contains("cannot be restricted")
    );
    assert!(
        s.q("SELECT * FROM t WHERE k > 1")
            .invalid()
            .contains("EQ and IN")
    );
    assert!(
        s.q("SELECT * FROM t WHERE token(c) > 1")
            .invalid()
            .contains("partition key order")
    );
    assert!(
        s.q("SELECT * FROM t WHERE k = 1 AND k = 2")
            .invalid()
            .contains("more than one relation")
    );
}

#[test]
fn filtering_needs_allow_filtering() {
    let mut s = setup();
    let msg = "Cannot execute this query as it might involve data filtering and thus may have \
               unpredictable performance. If you want to execute this query despite the \
               performance unpredictability, use ALLOW FILTERING";
    assert_eq!(s.q("SELECT * FROM t WHERE v = 12").invalid(), msg);
    assert_eq!(s.q("SELECT * FROM t WHERE c = 1").invalid(), msg);
    assert_eq!(s.q("SELECT * FROM t WHERE k = 1 AND v > 1").invalid(), msg);
    assert_eq!(
        ints(&mut s, "SELECT v FROM t WHERE v = 12 ALLOW FILTERING", "v"),
        [12]
    );
    let mut got = ints(
        &mut s,
        "SELECT v FROM t WHERE c = 3 AND v > 15 ALLOW FILTERING",
        "v",
    );
    got.sort();
    assert_eq!(got, [23, 33]);
    assert_eq!(
        ints(
            &mut s,
            "SELECT v FROM t WHERE k = 1 AND d = 4 ALLOW FILTERING",
            "v"
        ),
        [12]
    );
    assert_eq!(
        ints(
            &mut s,
            "SELECT v FROM t WHERE k = 1 AND v IN (11, 13, 99) ALLOW FILTERING",
            "v"
        ),
        [11, 13]
    );
    assert_eq!(
        ints(
            &mut s,
            "SELECT v FROM t WHERE k = 1 AND s = 's1' AND v != 11 ALLOW FILTERING",
            "v"
        ),
        [10, 12, 13]
    );
    // Collections: CONTAINS / CONTAINS KEY / map element.
    s.q("CREATE TABLE coll (k int PRIMARY KEY, l list<int>, m map<text, int>)")
        .ok();
    s.q("INSERT INTO coll (k, l, m) VALUES (1, [1, 2], {'a': 1})")
        .ok();
    s.q("INSERT INTO coll (k, l, m) VALUES (2, [3], {'b': 2})")
        .ok();
    assert_eq!(
        ints(
            &mut s,
            "SELECT k FROM coll WHERE l CONTAINS 2 ALLOW FILTERING",
            "k"
        ),
        [1]
    );
    assert_eq!(
        ints(
            &mut s,
            "SELECT k FROM coll WHERE m CONTAINS KEY 'b' ALLOW FILTERING",
            "k"
        ),
        [2]
    );
    assert_eq!(
        ints(
            &mut s,
            "SELECT k FROM coll WHERE m CONTAINS 1 ALLOW FILTERING",
            "k"
        ),
        [1]
    );
    assert_eq!(
        ints(
            &mut s,
            "SELECT k FROM coll WHERE m['b'] = 2 ALLOW FILTERING",
            "k"
        ),
        [2]
    );
    assert!(
        s.q("SELECT k FROM coll WHERE l LIKE 'x' ALLOW FILTERING")
            .invalid()
            .contains("LIKE")
    );
}

#[test]
fn order_by_limits_and_distinct() {
    let mut s = setup();
    assert_eq!(
        ints(&mut s, "SELECT c FROM t WHERE k = 1 ORDER BY c DESC", "c"),
        [3, 2, 1, 0]
    );
    assert_eq!(
        ints(
            &mut s,
            "SELECT c FROM t WHERE k = 1 ORDER BY c DESC, d DESC LIMIT 2",
            "c"
        ),
        [3, 2]
    );
    assert!(
        s.q("SELECT c FROM t WHERE k = 1 ORDER BY d DESC")
            .invalid()
            .contains("declared order")
    );
    assert!(
        s.q("SELECT c FROM t WHERE k = 1 ORDER BY c DESC, d ASC")
            .invalid()
            .contains("Unsupported order by")
    );
    assert!(
        s.q("SELECT c FROM t ORDER BY c DESC")
            .invalid()
            .contains("ORDER BY is only supported")
    );
    assert!(
        s.q("SELECT c FROM t WHERE k = 1 ORDER BY v")
            .invalid()
            .contains("clustered columns")
    );
    // ORDER BY with IN: merged across partitions when not paging.
    let r = s.query_on(
        0,
        0,
        "SELECT k, c FROM t WHERE k IN (1, 2) ORDER BY c DESC",
        params(&[]),
    );
    assert_eq!(
        r.rows().ints("c"),
        [
            Some(3),
            Some(3),
            Some(2),
            Some(2),
            Some(1),
            Some(1),
            Some(0),
            Some(0)
        ]
    );
    let r = s.query_on(
        0,
        0,
        "SELECT k, c FROM t WHERE k IN (1, 2) ORDER BY c DESC",
        paged(&[], 3, None),
    );
    assert!(
        r.invalid()
            .contains("Cannot page queries with both ORDER BY and a IN restriction")
    );
    assert_eq!(ints(&mut s, "SELECT v FROM t LIMIT 5", "v").len(), 5);
    let r = s
        .q("SELECT k, c FROM t PER PARTITION LIMIT 2")
        .rows()
        .clone();
    assert_eq!(r.rows.len(), 8);
    assert!(r.ints("c").chunks(2).all(|ch| ch == [Some(0), Some(1)]));
    assert_eq!(
        s.q("SELECT k FROM t PER PARTITION LIMIT 1 LIMIT 3")
            .rows()
            .rows
            .len(),
        3
    );
    assert!(
        s.q("SELECT k FROM t LIMIT 0")
            .invalid()
            .contains("strictly positive")
    );
    let r = s.q("SELECT DISTINCT k, s FROM t").rows().clone();
    assert_eq!(r.rows.len(), 4);
    let mut ks: Vec<i32> = r.ints("k").into_iter().flatten().collect();
    ks.sort();
    assert_eq!(ks, [0, 1, 2, 3]);
    assert!(
        s.q("SELECT DISTINCT c FROM t")
            .invalid()
            .contains("DISTINCT")
    );
    assert!(
        s.q("SELECT DISTINCT s FROM t")
            .invalid()
            .contains("all the partition key columns")
    );
}

#[test]
fn aggregates() {
    let mut s = setup();
    let r = s
        .q("SELECT count(*), min(v), max(v), sum(v), avg(v), count(v) FROM t WHERE k = 1")
        .clone();
    assert!(r.warnings.is_empty());
    let r = r.rows().clone();
    assert_eq!(
        r.names,
        [
            "count",
            "system.min(v)",
            "system.max(v)",
            "system.sum(v)",
            "system.avg(v)",
            "system.count(v)"
        ]
    );
    assert_eq!(
        r.rows,
        vec![vec![
            cv_big(4),
            cv_int(10),
            cv_int(13),
            cv_int(46),
            cv_int(11),
            cv_big(4)
        ]]
    );
    let r = s.q("SELECT count(*) FROM t");
    assert_eq!(r.rows().rows, vec![vec![cv_big(16)]]);
    assert_eq!(r.warnings, ["Aggregation query used without partition key"]);
    let r = s.q("SELECT count(1) FROM t WHERE k IN (1, 2)");
    assert_eq!(r.rows().rows, vec![vec![cv_big(8)]]);
    assert_eq!(r.warnings.len(), 1);
    // No rows: count 0, others null.
    let r = s
        .q("SELECT count(*), max(v) FROM t WHERE k = 99")
        .rows()
        .clone();
    assert_eq!(r.rows, vec![vec![cv_big(0), None]]);
    // Aggregates with paging return one page.
    let r = s.query_on(0, 0, "SELECT count(*) FROM t", paged(&[], 2, None));
    assert_eq!(r.rows().rows, vec![vec![cv_big(16)]]);
    assert!(r.rows().paging_state.is_none());
    s.q("CREATE TABLE nums (k int, c int, d double, de decimal, PRIMARY KEY (k, c))")
        .ok();
    s.q("INSERT INTO nums (k, c, d, de) VALUES (1, 1, 1.5, 1.25)")
        .ok();
    s.q("INSERT INTO nums (k, c, d, de) VALUES (1, 2, 2.0, 2.5)")
        .ok();
    let r = s
        .q("SELECT sum(d), avg(d), sum(de), avg(de) FROM nums WHERE k = 1")
        .rows()
        .clone();
    assert_eq!(r.rows[0][0], Some(CqlValue::Double(3.5)));
    assert_eq!(r.rows[0][1], Some(CqlValue::Double(1.75)));
    let Some(CqlValue::Decimal(sum)) = &r.rows[0][2] else {
        panic!()
    };
    assert_eq!(
        sum.as_signed_be_bytes_slice_and_exponent(),
        (&[0x01, 0x77][..], 2)
    );
    assert!(s.q("SELECT sum(s) FROM t").invalid().contains("system.sum"));
}

#[test]
fn static_only_partitions_and_group_by() {
    let mut s = Sim::with_keyspace();
    s.q("CREATE TABLE t (k int, c int, s int static, v int, PRIMARY KEY (k, c))")
        .ok();
    s.q("INSERT INTO t (k, s) VALUES (1, 10)").ok();
    s.q("INSERT INTO t (k, c, v) VALUES (2, 1, 1)").ok();
    let r = s
        .q("SELECT k, c, s FROM t WHERE k IN (1, 2)")
        .rows()
        .clone();
    assert_eq!(r.rows.len(), 2);
    assert!(r.rows.contains(&vec![cv_int(1), None, cv_int(10)]));
    // With a clustering restriction the static-only partition has no row.
    let r = s
        .q("SELECT k FROM t WHERE k IN (1, 2) AND c = 1")
        .rows()
        .clone();
    assert_eq!(r.rows, vec![vec![cv_int(2)]]);
    assert!(
        s.q("SELECT k, count(*) FROM t GROUP BY k")
            .invalid()
            .contains("GROUP BY")
    );
}

#[test]
fn system_local_and_peers() {
    let mut s = Sim::new(3);
    let r = s
        .q("SELECT * FROM system.local WHERE key = 'local'")
        .rows()
        .clone();
    assert_eq!(r.rows.len(), 1);
    for col in [
        "key",
        "bootstrapped",
        "broadcast_address",
        "cluster_name",
        "cql_version",
        "data_center",
        "gossip_generation",
        "host_id",
        "listen_address",
        "native_protocol_version",
        "partitioner",
        "rack",
        "release_version",
        "rpc_address",
        "schema_version",
        "supported_features",
        "tokens",
    ] {
        assert!(r.names.contains(&col.to_string()), "{col}");
    }
    assert_eq!(r.column("data_center")[0], cv_text("dc1"));
    assert_eq!(r.column("release_version")[0], cv_text("4.0.11"));
    assert_eq!(
        r.column("partitioner")[0],
        cv_text("org.apache.cassandra.dht.Murmur3Partitioner")
    );
    assert_eq!(
        r.column("rpc_address")[0],
        Some(CqlValue::Inet("127.0.0.1".parse().unwrap()))
    );
    let tokens = r.column("tokens")[0].clone().unwrap().into_vec().unwrap();
    assert_eq!(tokens.len(), 16);
    // As seen from node 2.
    let r = s
        .query_on(1, 0, "SELECT rpc_address FROM system.local", params(&[]))
        .rows()
        .clone();
    assert_eq!(
        r.rows[0][0],
        Some(CqlValue::Inet("127.0.0.2".parse().unwrap()))
    );
    // Peers: the others, down ones included.
    s.set_down(2);
    let r = s
        .q("SELECT peer, rpc_address, schema_version FROM system.peers")
        .rows()
        .clone();
    let mut peers: Vec<String> = r
        .column("peer")
        .into_iter()
        .map(|p| p.unwrap().as_inet().unwrap().to_string())
        .collect();
    peers.sort();
    assert_eq!(peers, ["127.0.0.2", "127.0.0.3"]);
    let r = s.q("SELECT * FROM system.peers_v2").rows().clone();
    assert_eq!(r.rows.len(), 2);
    assert_eq!(r.column("native_port")[0], cv_int(9042));
    let r = s
        .q("SELECT host_id FROM system.peers WHERE peer = '127.0.0.3'")
        .rows()
        .clone();
    assert_eq!(r.rows.len(), 1);
    let r = s
        .q("SELECT * FROM system_schema.columns WHERE keyspace_name = 'system' AND table_name = 'local'")
        .rows()
        .clone();
    assert_eq!(r.rows.len(), 19);
}
