//! Lightweight transactions: `[applied]` and the current row, as Cassandra returns them.

mod exec_support;

use exec_support::*;
use scylla_cql::frame::response::result::{ColumnType, NativeType};
use scylla_cql::frame::types::Consistency;
use scylla_cql::value::CqlValue;

fn applied(r: &Rows) -> bool {
    r.rows[0][0] == Some(CqlValue::Boolean(true))
}

fn setup() -> Sim {
    let mut s = Sim::with_keyspace();
    s.q("CREATE TABLE t (k int, c int, v int, w text, s int static, l list<int>, m map<text, int>, PRIMARY KEY (k, c))")
        .ok();
    s
}

#[test]
fn insert_if_not_exists() {
    let mut s = setup();
    let r = s
        .q("INSERT INTO t (k, c, v) VALUES (1, 1, 10) IF NOT EXISTS")
        .rows()
        .clone();
    assert_eq!(r.names, ["[applied]"]);
    assert_eq!(r.types, [ColumnType::Native(NativeType::Boolean)]);
    assert_eq!(r.tables[0], ("ks".to_string(), "t".to_string()));
    assert!(applied(&r));
    let r = s
        .q("INSERT INTO t (k, c, v) VALUES (1, 1, 20) IF NOT EXISTS")
        .rows()
        .clone();
    assert!(!applied(&r));
    // The current row, all columns, in SELECT * order.
    assert_eq!(r.names, ["[applied]", "k", "c", "s", "l", "m", "v", "w"]);
    assert_eq!(r.rows[0][1], cv_int(1));
    assert_eq!(r.rows[0][2], cv_int(1));
    assert_eq!(r.rows[0][6], cv_int(10));
    assert_eq!(r.types[6], ColumnType::Native(NativeType::Int));
    assert_eq!(
        s.q("SELECT v FROM t WHERE k = 1 AND c = 1").rows().rows,
        vec![vec![cv_int(10)]]
    );
}

#[test]
fn update_and_delete_with_conditions() {
    let mut s = setup();
    s.q("INSERT INTO t (k, c, v, w, l, m) VALUES (1, 1, 10, 'a', [1, 2], {'x': 1})")
        .ok();
    let r = s
        .q("UPDATE t SET v = 11 WHERE k = 1 AND c = 1 IF v = 10")
        .rows()
        .clone();
    assert!(applied(&r));
    assert_eq!(r.names, ["[applied]"]);
    let r = s
        .q("UPDATE t SET v = 12 WHERE k = 1 AND c = 1 IF v = 10 AND w = 'a'")
        .rows()
        .clone();
    assert!(!applied(&r));
    assert_eq!(r.names, ["[applied]", "v", "w"]);
    assert_eq!(r.rows[0][1..], [cv_int(11), cv_text("a")]);
    // Operators, IN, null, collection elements.
    for (cond, expected) in [
        ("v > 10", true),
        ("v < 10", false),
        ("v >= 11 AND v <= 11", true),
        ("v != 11", false),
        ("v IN (1, 11)", true),
        ("w = null", false),
        ("s = null", true),
        ("l[1] = 2", true),
        ("m['x'] = 1", true),
        ("m['y'] = null", true),
        ("l CONTAINS 1", true),
    ] {
        let r = s
            .q(&format!(
                "UPDATE t SET v = 11 WHERE k = 1 AND c = 1 IF {cond}"
            ))
            .rows()
            .clone();
        assert_eq!(applied(&r), expected, "{cond}: {r:?}");
    }
    // IF EXISTS.
    let r = s
        .q("UPDATE t SET v = 1 WHERE k = 9 AND c = 9 IF EXISTS")
        .rows()
        .clone();
    assert!(!applied(&r));
    assert_eq!(r.names, ["[applied]"]);
    assert!(s.q("SELECT * FROM t WHERE k = 9").rows().rows.is_empty());
    let r = s
        .q("DELETE FROM t WHERE k = 1 AND c = 1 IF v = 99")
        .rows()
        .clone();
    assert!(!applied(&r));
    let r = s
        .q("DELETE FROM t WHERE k = 1 AND c = 1 IF EXISTS")
        .rows()
        .clone();
    assert!(applied(&r));
    assert!(
        s.q("SELECT * FROM t WHERE k = 1 AND c = 1")
            .rows()
            .rows
            .is_empty()
    );
    // A condition on a missing row: only [applied].
    let r = s
        .q("UPDATE t SET v = 1 WHERE k = 1 AND c = 1 IF v = 1")
        .rows()
        .clone();
    assert_eq!(r.names, ["[applied]"]);
    assert!(!applied(&r));
}

#[test]
fn prepared_lwt_and_errors() {
    let mut s = setup();
    let p = s.prepare("UPDATE t SET v = ? WHERE k = ? AND c = ? IF v = ?");
    assert_eq!(bind_names(&p), ["v", "k", "c", "v"]);
    assert!(p.result_metadata.col_specs().is_empty());
    s.q("INSERT INTO t (k, c, v) VALUES (1, 1, 1)").ok();
    assert!(applied(
        s.execute(&p, &[int(2), int(1), int(1), int(1)]).rows()
    ));
    assert!(!applied(
        s.execute(&p, &[int(3), int(1), int(1), int(1)]).rows()
    ));
    assert!(
        s.q("UPDATE t USING TIMESTAMP 5 SET v = 1 WHERE k = 1 AND c = 1 IF v = 1")
            .invalid()
            .contains("custom timestamp")
    );
    assert!(
        s.q("UPDATE t SET v = 1 WHERE k IN (1, 2) AND c = 1 IF v = 1")
            .invalid()
            .contains("IN on the partition key")
    );
    assert!(
        s.q("UPDATE t SET v = 1 WHERE k = 1 AND c = 1 IF k = 1")
            .invalid()
            .contains("PRIMARY KEY column")
    );
    // SERIAL consistency on a normal write is refused.
    let r = s.query_on(
        0,
        0,
        "INSERT INTO t (k, c, v) VALUES (1, 2, 1)",
        with_cl(&[], Consistency::Serial),
    );
    assert!(
        r.invalid()
            .contains("conditional updates for serializable writes")
    );
    // Reads at SERIAL are fine.
    let r = s.query_on(
        0,
        0,
        "SELECT * FROM t WHERE k = 1",
        with_cl(&[], Consistency::Serial),
    );
    assert_eq!(r.rows().rows.len(), 1);
    s.q("CREATE TABLE c (k int PRIMARY KEY, n counter)").ok();
    assert!(
        s.q("UPDATE c SET n = n + 1 WHERE k = 1 IF n = 1")
            .invalid()
            .contains("counter")
    );
}

#[test]
fn static_conditions() {
    let mut s = setup();
    s.q("INSERT INTO t (k, s) VALUES (5, 1)").ok();
    let r = s
        .q("UPDATE t SET s = 2 WHERE k = 5 IF s = 1")
        .rows()
        .clone();
    assert!(applied(&r));
    let r = s
        .q("UPDATE t SET s = 3 WHERE k = 5 IF s = 1")
        .rows()
        .clone();
    assert!(!applied(&r));
    assert_eq!(r.names, ["[applied]", "s"]);
    assert_eq!(r.rows[0][1], cv_int(2));
}
