//! BATCH requests and `BEGIN BATCH` statements.

mod exec_support;

use exec_support::*;
use scylla_cql::frame::request::batch::BatchType;
use scylla_cql::frame::types::Consistency;
use scylla_cql::serialize::row::SerializedValues;
use scylla_cql::value::{Counter, CqlValue};

fn setup() -> Sim {
    let mut s = Sim::with_keyspace();
    s.q("CREATE TABLE t (k int, c int, v int, PRIMARY KEY (k, c))")
        .ok();
    s.q("CREATE TABLE c (k int PRIMARY KEY, n counter)").ok();
    s
}

#[test]
fn mixed_prepared_and_text_statements() {
    let mut s = setup();
    let p = s.prepare("INSERT INTO t (k, c, v) VALUES (?, ?, ?)");
    let r = s.batch(
        BatchType::Logged,
        vec![
            prepared_stmt(&p),
            text_stmt("INSERT INTO t (k, c, v) VALUES (1, 2, 20)"),
            text_stmt("UPDATE t SET v = ? WHERE k = ? AND c = ?"),
            text_stmt("DELETE FROM t WHERE k = 2 AND c = 1"),
        ],
        vec![
            values(&[int(1), int(1), int(10)]),
            SerializedValues::new(),
            values(&[int(30), int(1), int(3)]),
            SerializedValues::new(),
        ],
        Consistency::One,
        None,
    );
    assert!(matches!(r.res, Res::Void), "{r:?}");
    let rows = s.q("SELECT c, v FROM t WHERE k = 1").rows().clone();
    assert_eq!(
        rows.rows,
        vec![
            vec![cv_int(1), cv_int(10)],
            vec![cv_int(2), cv_int(20)],
            vec![cv_int(3), cv_int(30)]
        ]
    );
    // A batch timestamp applies to every statement.
    s.batch(
        BatchType::Unlogged,
        vec![text_stmt("INSERT INTO t (k, c, v) VALUES (5, 1, 1)")],
        vec![SerializedValues::new()],
        Consistency::One,
        Some(777),
    )
    .ok();
    assert_eq!(
        s.q("SELECT writetime(v) FROM t WHERE k = 5").rows().rows,
        vec![vec![cv_big(777)]]
    );
    // Unknown prepared ids and wrong value counts.
    let mut bogus = p.clone();
    bogus.id = bytes::Bytes::from_static(b"nope");
    let r = s.batch(
        BatchType::Logged,
        vec![prepared_stmt(&bogus)],
        vec![SerializedValues::new()],
        Consistency::One,
        None,
    );
    assert!(matches!(
        r.err().error,
        scylla_cql::frame::response::error::DbError::Unprepared { .. }
    ));
    let r = s.batch(
        BatchType::Logged,
        vec![prepared_stmt(&p)],
        vec![values(&[int(1)])],
        Consistency::One,
        None,
    );
    assert!(r.invalid().contains("bind variables"));
    let r = s.batch(
        BatchType::Logged,
        vec![text_stmt("SELECT * FROM t")],
        vec![SerializedValues::new()],
        Consistency::One,
        None,
    );
    assert!(r.invalid().contains("only UPDATE, INSERT and DELETE"));
}

#[test]
fn batch_is_atomic_on_invalid_values() {
    let mut s = setup();
    let p = s.prepare("INSERT INTO t (k, c, v) VALUES (?, ?, ?)");
    let r = s.batch(
        BatchType::Logged,
        vec![prepared_stmt(&p), prepared_stmt(&p)],
        vec![
            values(&[int(1), int(1), int(1)]),
            values(&[int(2), int(1), V::B(vec![1, 2])]),
        ],
        Consistency::One,
        None,
    );
    assert!(r.invalid().contains("Expected 4"));
    assert!(s.q("SELECT * FROM t").rows().rows.is_empty());
}

#[test]
fn counter_batches() {
    let mut s = setup();
    let r = s.batch(
        BatchType::Counter,
        vec![
            text_stmt("UPDATE c SET n = n + 1 WHERE k = 1"),
            text_stmt("UPDATE c SET n = n + 2 WHERE k = 1"),
        ],
        vec![SerializedValues::new(), SerializedValues::new()],
        Consistency::One,
        None,
    );
    r.ok();
    assert_eq!(
        s.q("SELECT n FROM c WHERE k = 1").rows().rows,
        vec![vec![Some(CqlValue::Counter(Counter(3)))]]
    );
    let r = s.batch(
        BatchType::Counter,
        vec![text_stmt("INSERT INTO t (k, c, v) VALUES (1, 1, 1)")],
        vec![SerializedValues::new()],
        Consistency::One,
        None,
    );
    assert_eq!(
        r.invalid(),
        "Cannot include non-counter statement in a counter batch"
    );
    let r = s.batch(
        BatchType::Logged,
        vec![text_stmt("UPDATE c SET n = n + 1 WHERE k = 1")],
        vec![SerializedValues::new()],
        Consistency::One,
        None,
    );
    assert_eq!(
        r.invalid(),
        "Cannot include a counter statement in a logged batch"
    );
    let r = s.batch(
        BatchType::Unlogged,
        vec![
            text_stmt("UPDATE c SET n = n + 1 WHERE k = 1"),
            text_stmt("INSERT INTO t (k, c, v) VALUES (1, 1, 1)"),
        ],
        vec![SerializedValues::new(), SerializedValues::new()],
        Consistency::One,
        None,
    );
    assert_eq!(
        r.invalid(),
        "Counter and non-counter mutations cannot exist in the same batch"
    );
}

#[test]
fn conditional_batches() {
    let mut s = setup();
    s.q("INSERT INTO t (k, c, v) VALUES (1, 1, 1)").ok();
    let r = s.batch(
        BatchType::Logged,
        vec![
            text_stmt("UPDATE t SET v = 2 WHERE k = 1 AND c = 1 IF v = 1"),
            text_stmt("INSERT INTO t (k, c, v) VALUES (1, 2, 2)"),
        ],
        vec![SerializedValues::new(), SerializedValues::new()],
        Consistency::One,
        None,
    );
    assert_eq!(r.rows().rows, vec![vec![Some(CqlValue::Boolean(true))]]);
    assert_eq!(s.q("SELECT v FROM t WHERE k = 1").rows().rows.len(), 2);
    let r = s.batch(
        BatchType::Logged,
        vec![
            text_stmt("UPDATE t SET v = 3 WHERE k = 1 AND c = 1 IF v = 1"),
            text_stmt("INSERT INTO t (k, c, v) VALUES (1, 3, 3)"),
        ],
        vec![SerializedValues::new(), SerializedValues::new()],
        Consistency::One,
        None,
    );
    let rows = r.rows().clone();
    assert_eq!(rows.names, ["[applied]", "k", "c", "v"]);
    assert_eq!(
        rows.rows,
        vec![vec![
            Some(CqlValue::Boolean(false)),
            cv_int(1),
            cv_int(1),
            cv_int(2)
        ]]
    );
    assert_eq!(s.q("SELECT v FROM t WHERE k = 1").rows().rows.len(), 2);
    let r = s.batch(
        BatchType::Logged,
        vec![
            text_stmt("UPDATE t SET v = 3 WHERE k = 1 AND c = 1 IF v = 2"),
            text_stmt("INSERT INTO t (k, c, v) VALUES (2, 3, 3)"),
        ],
        vec![SerializedValues::new(), SerializedValues::new()],
        Consistency::One,
        None,
    );
    assert_eq!(
        r.invalid(),
        "Batch with conditions cannot span multiple partitions"
    );
}

#[test]
fn begin_batch_statements() {
    let mut s = setup();
    let r = s.qv(
        "BEGIN BATCH USING TIMESTAMP 100 \
           INSERT INTO t (k, c, v) VALUES (?, 1, 1); \
           UPDATE t SET v = ? WHERE k = 7 AND c = 2; \
         APPLY BATCH",
        &[int(7), int(5)],
    );
    assert!(matches!(r.res, Res::Void), "{r:?}");
    assert_eq!(
        s.q("SELECT c, v, writetime(v) FROM t WHERE k = 7")
            .rows()
            .rows,
        vec![
            vec![cv_int(1), cv_int(1), cv_big(100)],
            vec![cv_int(2), cv_int(5), cv_big(100)]
        ]
    );
    let p = s.prepare("BEGIN UNLOGGED BATCH INSERT INTO t (k, c, v) VALUES (?, ?, ?); DELETE FROM t WHERE k = ? AND c = ? APPLY BATCH");
    assert_eq!(bind_names(&p), ["k", "c", "v", "k", "c"]);
    s.execute(&p, &[int(8), int(1), int(1), int(7), int(1)])
        .ok();
    assert_eq!(s.q("SELECT c FROM t WHERE k = 7").rows().rows.len(), 1);
    assert!(s
        .q("BEGIN BATCH USING TIMESTAMP 1 INSERT INTO t (k, c, v) VALUES (1, 1, 1) USING TIMESTAMP 2; APPLY BATCH")
        .invalid()
        .contains("either on BATCH or individual statements"));
    assert!(
        s.q("BEGIN COUNTER BATCH UPDATE c SET n = n + 1 WHERE k = 9; APPLY BATCH")
            .ok()
            .res
            .clone()
            .eq_void()
    );
}

trait VoidCheck {
    fn eq_void(&self) -> bool;
}

impl VoidCheck for Res {
    fn eq_void(&self) -> bool {
        matches!(self, Res::Void)
    }
}

#[test]
fn unlogged_batches_over_many_partitions_warn() {
    let mut s = setup();
    let p = s.prepare("INSERT INTO t (k, c, v) VALUES (?, 1, 1)");
    let n = 12;
    let r = s.batch(
        BatchType::Unlogged,
        (0..n).map(|_| prepared_stmt(&p)).collect(),
        (0..n).map(|i| values(&[int(i)])).collect(),
        Consistency::One,
        None,
    );
    assert!(matches!(r.res, Res::Void));
    assert_eq!(r.warnings.len(), 1);
    assert!(
        r.warnings[0]
            .starts_with("Unlogged batch covering 12 partitions detected against table [ks.t]")
    );
    // A logged one does not.
    let r = s.batch(
        BatchType::Logged,
        (0..n).map(|_| prepared_stmt(&p)).collect(),
        (0..n).map(|i| values(&[int(i)])).collect(),
        Consistency::One,
        None,
    );
    assert!(r.warnings.is_empty());
    // A large batch does.
    let big = "x".repeat(6000);
    s.q("ALTER TABLE t ADD b text").ok();
    let pb2 = s.prepare("UPDATE t SET b = ? WHERE k = 1 AND c = 1");
    let r = s.batch(
        BatchType::Logged,
        vec![prepared_stmt(&pb2)],
        vec![values(&[txt(&big)])],
        Consistency::One,
        None,
    );
    assert_eq!(r.warnings.len(), 1, "{r:?}");
    assert!(r.warnings[0].contains("exceeding specified WARN threshold"));
}

#[test]
fn list_element_writes_in_multi_partition_batches() {
    let mut s = setup();
    s.q("CREATE TABLE lists (k int PRIMARY KEY, l list<int>)")
        .ok();
    s.q("INSERT INTO lists (k, l) VALUES (1, [1, 2])").ok();
    s.q("INSERT INTO lists (k, l) VALUES (2, [3, 4])").ok();
    let r = s.batch(
        BatchType::Logged,
        vec![
            text_stmt("UPDATE lists SET l[0] = 10 WHERE k = 1"),
            text_stmt("UPDATE lists SET l = l - [4] WHERE k = 2"),
        ],
        vec![SerializedValues::new(), SerializedValues::new()],
        Consistency::One,
        None,
    );
    assert!(matches!(r.res, Res::Void), "{r:?}");
    let rows = s
        .q("SELECT k, l FROM lists WHERE k IN (1, 2)")
        .rows()
        .clone();
    let l1 = rows.rows.iter().find(|r| r[0] == cv_int(1)).unwrap()[1].clone();
    let l2 = rows.rows.iter().find(|r| r[0] == cv_int(2)).unwrap()[1].clone();
    assert_eq!(
        l1.unwrap().into_vec().unwrap(),
        vec![CqlValue::Int(10), CqlValue::Int(2)]
    );
    assert_eq!(l2.unwrap().into_vec().unwrap(), vec![CqlValue::Int(3)]);
}
