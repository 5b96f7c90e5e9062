//! PREPARE and EXECUTE: bind marker metadata, partition key indexes, result metadata,
//! UNPREPARED, skip_metadata and result metadata ids.

mod exec_support;

use std::borrow::Cow;

use exec_support::*;
use scylla_cql::frame::request::QueryParameters;
use scylla_cql::frame::response::error::DbError;
use scylla_cql::frame::response::result::{CollectionType, ColumnType, NativeType};
use scylla_cql::frame::types::Consistency;

fn setup() -> Sim {
    let mut s = Sim::with_keyspace();
    s.q("CREATE TABLE t (a int, b text, c int, v int, l list<int>, m map<text, int>, PRIMARY KEY ((a, b), c))")
        .ok();
    s
}

#[test]
fn bind_marker_specs_are_named_as_cassandra_names_them() {
    let mut s = setup();
    let p = s.prepare("INSERT INTO t (a, b, c, v) VALUES (?, ?, ?, ?)");
    assert_eq!(bind_names(&p), ["a", "b", "c", "v"]);
    assert_eq!(
        p.prepared_metadata.col_specs[1].typ(),
        &ColumnType::Native(NativeType::Text)
    );
    assert!(
        p.prepared_metadata
            .col_specs
            .iter()
            .all(|c| c.table_spec().ks_name() == "ks" && c.table_spec().table_name() == "t")
    );
    assert!(p.result_metadata.col_specs().is_empty());
    let p = s.prepare("SELECT * FROM t WHERE a = ? AND b = ? AND c IN ? LIMIT ?");
    assert_eq!(bind_names(&p), ["a", "b", "in(c)", "[limit]"]);
    assert_eq!(
        p.prepared_metadata.col_specs[2].typ(),
        &ColumnType::Collection {
            frozen: false,
            typ: CollectionType::List(Box::new(ColumnType::Native(NativeType::Int)))
        }
    );
    assert_eq!(p.result_metadata.col_specs().len(), 6);
    let p = s.prepare("UPDATE t SET l[?] = ?, m[?] = ?, v = ? WHERE a = ? AND b = ? AND c = ?");
    assert_eq!(
        bind_names(&p),
        [
            "idx(l)", "value(l)", "key(m)", "value(m)", "v", "a", "b", "c"
        ]
    );
    let p = s.prepare("SELECT * FROM t WHERE token(a, b) > ? AND token(a, b) <= ?");
    assert_eq!(
        bind_names(&p),
        ["partition key token", "partition key token"]
    );
    let p =
        s.prepare("SELECT * FROM t WHERE a = 1 AND b = 'x' AND (c) > (?) PER PARTITION LIMIT ?");
    assert_eq!(bind_names(&p), ["c", "[per_partition_limit]"]);
    let p = s.prepare("INSERT INTO t (a, b, c, l) VALUES (?, ?, ?, [?, ?]) USING TTL ?");
    assert_eq!(
        bind_names(&p),
        ["a", "b", "c", "value(l)", "value(l)", "[ttl]"]
    );
    // A repeated :name is one variable.
    let p = s.prepare("SELECT * FROM t WHERE a = :x AND b = :y AND c IN (:x, :z)");
    assert_eq!(bind_names(&p), ["x", "y", "z"]);
    s.execute(&p, &[int(1), txt("b"), int(5)]).ok();
}

#[test]
fn partition_key_indexes() {
    let mut s = setup();
    let p = s.prepare("INSERT INTO t (v, c, b, a) VALUES (?, ?, ?, ?)");
    let pk = pk_indexes(&p);
    assert_eq!(pk, [(2, 1), (3, 0)]);
    let p = s.prepare("SELECT v FROM t WHERE b = ? AND a = ? AND c = ?");
    let mut pk = pk_indexes(&p);
    pk.sort();
    assert_eq!(pk, [(0, 1), (1, 0)]);
    // Not every component bound by a marker: no indexes.
    let p = s.prepare("SELECT v FROM t WHERE a = 1 AND b = ?");
    assert!(p.prepared_metadata.pk_indexes.is_empty());
    let p = s.prepare("SELECT v FROM t WHERE a IN ? AND b = ?");
    assert!(p.prepared_metadata.pk_indexes.is_empty());
    let p = s.prepare("UPDATE t SET v = ? WHERE a = ? AND b = ? AND c = ?");
    let pk = pk_indexes(&p);
    assert_eq!(pk, [(1, 0), (2, 1)]);
}

#[test]
fn unprepared_for_unknown_ids_and_after_schema_changes() {
    let mut s = setup();
    let p = s.prepare("SELECT * FROM t WHERE a = ? AND b = ?");
    s.execute(&p, &[int(1), txt("x")]).ok();
    // Another node never saw this statement.
    let r = s.execute_on(1, 0, &p, params(&[int(1), txt("x")]), None);
    match &r.err().error {
        DbError::Unprepared { statement_id } => assert_eq!(statement_id, &p.id),
        other => panic!("{other:?}"),
    }
    // The same text prepared again has the same id.
    assert_eq!(s.prepare("SELECT * FROM t WHERE a = ? AND b = ?").id, p.id);
    // A schema change of the table: UNPREPARED, and a new id with new metadata.
    s.q("ALTER TABLE t ADD w int").ok();
    assert!(matches!(
        s.execute(&p, &[int(1), txt("x")]).err().error,
        DbError::Unprepared { .. }
    ));
    let p2 = s.prepare("SELECT * FROM t WHERE a = ? AND b = ?");
    assert_ne!(p2.id, p.id);
    assert_eq!(p2.result_metadata.col_specs().len(), 7);
    s.execute(&p2, &[int(1), txt("x")]).ok();
    // A schema change elsewhere does not invalidate it.
    s.q("CREATE TABLE other (k int PRIMARY KEY)").ok();
    s.execute(&p2, &[int(1), txt("x")]).ok();
    // A restarted node forgets its statements.
    assert!(s.exec.prepared_count(s.nodes[0]) > 0);
    s.exec.forget_prepared(s.nodes[0]);
    assert_eq!(s.exec.prepared_count(s.nodes[0]), 0);
    assert!(matches!(
        s.execute(&p2, &[int(1), txt("x")]).err().error,
        DbError::Unprepared { .. }
    ));
    // A dropped table: UNPREPARED, then preparing again fails.
    let p3 = s.prepare("SELECT * FROM t WHERE a = ? AND b = ?");
    s.q("DROP TABLE t").ok();
    assert!(matches!(
        s.execute(&p3, &[int(1), txt("x")]).err().error,
        DbError::Unprepared { .. }
    ));
    assert!(
        s.prepare_on(0, "SELECT * FROM t WHERE a = ? AND b = ?")
            .invalid()
            .contains("unconfigured table")
    );
}

#[test]
fn skip_metadata_and_metadata_ids() {
    let mut s = setup();
    s.q("INSERT INTO t (a, b, c, v) VALUES (1, 'x', 1, 1)").ok();
    let p = s.prepare("SELECT * FROM t WHERE a = ? AND b = ?");
    let with_skip = QueryParameters {
        consistency: Consistency::One,
        skip_metadata: true,
        values: Cow::Owned(values(&[int(1), txt("x")])),
        ..Default::default()
    };
    let r = s.execute_on(0, 0, &p, with_skip, None);
    assert!(r.rows().no_metadata);
    assert_eq!(r.rows().rows.len(), 1);
    assert_eq!(r.rows().rows[0][0], cv_int(1));
    let r = s.execute(&p, &[int(1), txt("x")]);
    assert!(!r.rows().no_metadata);

    // With SCYLLA_USE_METADATA_ID.
    s.features.scylla_metadata_id_supported = true;
    let p = s.prepare("SELECT * FROM t WHERE a = ? AND b = ?");
    let id = p.result_metadata_id.clone().expect("metadata id");
    assert!(!id.is_empty());
    let r = s.execute_on(0, 0, &p, params(&[int(1), txt("x")]), Some(id.clone()));
    assert!(r.rows().new_metadata_id.is_none());
    // A client holding a stale id gets the new metadata and id.
    let r = s.execute_on(
        0,
        0,
        &p,
        params(&[int(1), txt("x")]),
        Some(bytes::Bytes::from_static(b"old")),
    );
    assert_eq!(r.rows().new_metadata_id.as_ref(), Some(&id));
    assert_eq!(r.rows().names.len(), 6);
}

#[test]
fn named_values_and_lwt_mark() {
    let mut s = setup();
    let q = QueryParameters {
        consistency: Consistency::One,
        values: Cow::Owned(values(&[txt("x"), int(1), int(2), int(3)])),
        value_names: Some(vec!["b".into(), "a".into(), "c".into(), "v".into()]),
        ..Default::default()
    };
    s.query_on(
        0,
        0,
        "INSERT INTO t (a, b, c, v) VALUES (:a, :b, :c, :v)",
        q,
    )
    .ok();
    let r = s.q("SELECT v FROM t WHERE a = 1 AND b = 'x' AND c = 2");
    assert_eq!(r.rows().rows, vec![vec![cv_int(3)]]);
    s.features.lwt_optimization_meta_bit_mask = Some(0x8000_0000);
    let p = s.prepare("INSERT INTO t (a, b, c) VALUES (?, ?, ?) IF NOT EXISTS");
    assert_eq!(p.prepared_metadata.flags as u32 & 0x8000_0000, 0x8000_0000);
    let p = s.prepare("INSERT INTO t (a, b, c) VALUES (?, ?, ?)");
    assert_eq!(p.prepared_metadata.flags as u32 & 0x8000_0000, 0);
}

#[test]
fn prepare_errors_and_other_statements() {
    let mut s = setup();
    let e = s.prepare_on(0, "SELEC * FROM t");
    assert_eq!(e.err().error, DbError::SyntaxError);
    assert!(
        s.prepare_on(0, "SELECT * FROM nope")
            .invalid()
            .contains("unconfigured table")
    );
    // DDL and USE can be prepared and executed.
    let p = s.prepare("CREATE TABLE IF NOT EXISTS t2 (k int PRIMARY KEY)");
    assert!(matches!(s.execute(&p, &[]).res, Res::SchemaChange(_)));
    let p = s.prepare("USE ks");
    assert!(matches!(s.execute(&p, &[]).res, Res::SetKeyspace(_)));
}
