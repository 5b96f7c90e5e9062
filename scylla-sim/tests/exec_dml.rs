//! INSERT, UPDATE and DELETE through the executor: every form, literals of every type,
//! bound values (null, unset, empty), TTL and timestamps.

mod exec_support;

use std::net::{IpAddr, Ipv4Addr};

use exec_support::*;
use scylla_cql::frame::response::error::DbError;
use scylla_cql::value::{Counter, CqlDate, CqlDuration, CqlTime, CqlTimestamp, CqlValue};

fn one_row(s: &mut Sim, q: &str) -> Vec<Option<CqlValue>> {
    let rows = s.q(q).rows().clone();
    assert_eq!(rows.rows.len(), 1, "{q}: {:?}", rows.rows);
    rows.rows[0].clone()
}

#[test]
fn literals_of_every_type() {
    let mut s = Sim::with_keyspace();
    s.q("CREATE TYPE pt (x int, y text)").ok();
    s.q(
        "CREATE TABLE all_types (k int PRIMARY KEY, a ascii, bi bigint, b blob, bo boolean, \
         d date, de decimal, do double, du duration, f float, i inet, si smallint, t text, \
         ti time, ts timestamp, tu timeuuid, tiny tinyint, u uuid, vi varint, \
         l list<int>, s set<text>, m map<text, int>, tup tuple<int, text>, udt frozen<pt>, \
         vec vector<float, 2>)",
    )
    .ok();
    s.q(
        "INSERT INTO all_types (k, a, bi, b, bo, d, de, do, du, f, i, si, t, ti, ts, tu, tiny, \
         u, vi, l, s, m, tup, udt, vec) VALUES (1, 'abc', -9000000000, 0xCAFE, true, \
         '2021-03-04', 12.50, 1.5e3, 1h30m, 2.5, '10.1.2.3', -7, 'héllo', '01:02:03.5', \
         '2021-03-04 05:06:07.089+0000', 50554d6e-29bb-11e5-b345-feff819cdc9f, 100, \
         550e8400-e29b-41d4-a716-446655440000, 123456789012345678901234567890, [3, 1, 2], \
         {'b', 'a', 'b'}, {'x': 1, 'y': 2}, (5, 'five'), {y: 'why', x: 9}, [1.0, 2.5])",
    )
    .ok();
    let row = one_row(&mut s, "SELECT * FROM all_types WHERE k = 1");
    let names = s
        .q("SELECT * FROM all_types WHERE k = 1")
        .rows()
        .names
        .clone();
    let get = |n: &str| row[names.iter().position(|x| x == n).unwrap()].clone();
    assert_eq!(get("a"), Some(CqlValue::Ascii("abc".into())));
    assert_eq!(get("bi"), cv_big(-9_000_000_000));
    assert_eq!(get("b"), Some(CqlValue::Blob(vec![0xca, 0xfe])));
    assert_eq!(get("bo"), Some(CqlValue::Boolean(true)));
    assert_eq!(get("d"), Some(CqlValue::Date(CqlDate((1 << 31) + 18_690))));
    assert_eq!(get("do"), Some(CqlValue::Double(1500.0)));
    assert_eq!(
        get("du"),
        Some(CqlValue::Duration(CqlDuration {
            months: 0,
            days: 0,
            nanoseconds: 5_400_000_000_000
        }))
    );
    assert_eq!(get("f"), Some(CqlValue::Float(2.5)));
    assert_eq!(
        get("i"),
        Some(CqlValue::Inet(IpAddr::V4(Ipv4Addr::new(10, 1, 2, 3))))
    );
    assert_eq!(get("si"), Some(CqlValue::SmallInt(-7)));
    assert_eq!(get("t"), cv_text("héllo"));
    assert_eq!(get("ti"), Some(CqlValue::Time(CqlTime(3_723_500_000_000))));
    assert_eq!(
        get("ts"),
        Some(CqlValue::Timestamp(CqlTimestamp(1_614_834_367_089)))
    );
    assert!(matches!(get("tu"), Some(CqlValue::Timeuuid(_))));
    assert_eq!(get("tiny"), Some(CqlValue::TinyInt(100)));
    assert!(matches!(get("u"), Some(CqlValue::Uuid(_))));
    match get("vi") {
        Some(CqlValue::Varint(v)) => assert_eq!(
            num_bigint_from(v.as_signed_bytes_be_slice()),
            "123456789012345678901234567890"
        ),
        other => panic!("{other:?}"),
    }
    match get("de") {
        Some(CqlValue::Decimal(d)) => {
            let (bytes, scale) = d.as_signed_be_bytes_slice_and_exponent();
            assert_eq!((bytes, scale), (&[0x04, 0xe2][..], 2));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        get("l"),
        Some(CqlValue::List(vec![
            CqlValue::Int(3),
            CqlValue::Int(1),
            CqlValue::Int(2)
        ]))
    );
    assert_eq!(
        get("s"),
        Some(CqlValue::Set(vec![
            CqlValue::Text("a".into()),
            CqlValue::Text("b".into())
        ]))
    );
    assert_eq!(
        get("m"),
        Some(CqlValue::Map(vec![
            (CqlValue::Text("x".into()), CqlValue::Int(1)),
            (CqlValue::Text("y".into()), CqlValue::Int(2))
        ]))
    );
    assert_eq!(
        get("tup"),
        Some(CqlValue::Tuple(vec![
            Some(CqlValue::Int(5)),
            Some(CqlValue::Text("five".into()))
        ]))
    );
    assert_eq!(
        get("udt").unwrap().into_udt_pair_vec().unwrap(),
        vec![
            ("x".to_string(), Some(CqlValue::Int(9))),
            ("y".to_string(), Some(CqlValue::Text("why".into())))
        ]
    );
    assert_eq!(
        get("vec"),
        Some(CqlValue::Vector(vec![
            CqlValue::Float(1.0),
            CqlValue::Float(2.5)
        ]))
    );
}

fn num_bigint_from(b: &[u8]) -> String {
    num_bigint_04::BigInt::from_signed_bytes_be(b).to_string()
}

#[test]
fn literal_errors_are_invalid_requests() {
    let mut s = Sim::with_keyspace();
    s.q("CREATE TABLE t (k int PRIMARY KEY, v int, l list<int>, ts timestamp, tu timeuuid)")
        .ok();
    assert_eq!(
        s.q("INSERT INTO t (k, v) VALUES (1, 'x')").invalid(),
        "Invalid STRING constant (x) for \"v\" of type int"
    );
    assert!(
        s.q("INSERT INTO t (k, v) VALUES (1, 3000000000)")
            .invalid()
            .contains("Unable to make int")
    );
    assert!(
        s.q("INSERT INTO t (k, l) VALUES (1, {1, 2})")
            .invalid()
            .contains("set literal")
    );
    assert!(
        s.q("INSERT INTO t (k, ts) VALUES (1, 'tomorrow')")
            .invalid()
            .contains("date/time")
    );
    assert!(
        s.q("INSERT INTO t (k, tu) VALUES (1, 550e8400-e29b-41d4-a716-446655440000)")
            .invalid()
            .contains("timeuuid")
    );
    assert!(
        s.q("INSERT INTO t (k, v) VALUES (1)")
            .invalid()
            .contains("Unmatched")
    );
    assert!(
        s.q("INSERT INTO t (k, nope) VALUES (1, 1)")
            .invalid()
            .contains("Undefined column name nope")
    );
    assert!(
        s.q("INSERT INTO t (v) VALUES (1)")
            .invalid()
            .contains("partition key parts are missing: k")
    );
    assert!(
        s.q("INSERT INTO t (k, k) VALUES (1, 1)")
            .invalid()
            .contains("Multiple definitions")
    );
    assert!(
        s.q("INSERT INTO t (k, v) VALUES (now(), 1)")
            .invalid()
            .contains("cannot assign")
    );
}

#[test]
fn functions_casts_and_time_values() {
    let mut s = Sim::with_keyspace();
    s.q("CREATE TABLE t (k int PRIMARY KEY, tu timeuuid, ts timestamp, d date, u uuid, b blob, bi bigint)")
        .ok();
    s.q(
        "INSERT INTO t (k, tu, ts, d, u, b, bi) VALUES (1, now(), toTimestamp(now()), \
         currentDate(), uuid(), textAsBlob('hi'), (bigint) 5)",
    )
    .ok();
    let row = one_row(
        &mut s,
        "SELECT tu, ts, d, u, b, bi, toUnixTimestamp(tu), blobAsText(b) FROM t WHERE k = 1",
    );
    assert!(matches!(row[0], Some(CqlValue::Timeuuid(_))));
    let Some(CqlValue::Timestamp(CqlTimestamp(ms))) = row[1] else {
        panic!("{row:?}")
    };
    let now_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    assert!((now_ms - ms).abs() < 60_000);
    assert!(matches!(row[2], Some(CqlValue::Date(_))));
    assert!(matches!(row[3], Some(CqlValue::Uuid(_))));
    assert_eq!(row[4], Some(CqlValue::Blob(b"hi".to_vec())));
    assert_eq!(row[5], cv_big(5));
    let Some(CqlValue::BigInt(unix)) = row[6] else {
        panic!()
    };
    assert!((now_ms - unix).abs() < 60_000);
    assert_eq!(row[7], cv_text("hi"));
    // Casts in the selection.
    let row = one_row(
        &mut s,
        "SELECT cast(bi AS text), cast(bi AS double) AS dbl FROM t WHERE k = 1",
    );
    assert_eq!(row, vec![cv_text("5"), Some(CqlValue::Double(5.0))]);
    let names = s
        .q("SELECT cast(bi AS text), cast(bi AS double) AS dbl FROM t")
        .rows()
        .names
        .clone();
    assert_eq!(names, ["cast(bi as text)", "dbl"]);
}

#[test]
fn update_assignments_and_collections() {
    let mut s = Sim::with_keyspace();
    s.q("CREATE TYPE pt (x int, y int)").ok();
    s.q("CREATE TABLE t (k int PRIMARY KEY, v int, l list<int>, st set<int>, m map<text, int>, u pt)")
        .ok();
    s.q("UPDATE t SET v = 1, l = [1, 2], st = {1, 2}, m = {'a': 1}, u = {x: 1, y: 2} WHERE k = 1")
        .ok();
    s.q("UPDATE t SET l = l + [3], st = st + {3}, m = m + {'b': 2} WHERE k = 1")
        .ok();
    s.q("UPDATE t SET l = [0] + l, st = st - {1}, m['c'] = 3, u.y = 20 WHERE k = 1")
        .ok();
    s.q("UPDATE t SET l[1] = 10, m = m - {'a'} WHERE k = 1")
        .ok();
    let row = one_row(&mut s, "SELECT v, l, st, m, u FROM t WHERE k = 1");
    assert_eq!(row[0], cv_int(1));
    assert_eq!(
        row[1].clone().unwrap().into_vec().unwrap(),
        vec![
            CqlValue::Int(0),
            CqlValue::Int(10),
            CqlValue::Int(2),
            CqlValue::Int(3)
        ]
    );
    assert_eq!(
        row[2].clone().unwrap().into_vec().unwrap(),
        vec![CqlValue::Int(2), CqlValue::Int(3)]
    );
    assert_eq!(
        row[3].clone().unwrap().into_pair_vec().unwrap(),
        vec![
            (CqlValue::Text("b".into()), CqlValue::Int(2)),
            (CqlValue::Text("c".into()), CqlValue::Int(3))
        ]
    );
    assert_eq!(
        row[4].clone().unwrap().into_udt_pair_vec().unwrap(),
        vec![("x".into(), cv_int(1)), ("y".into(), cv_int(20))]
    );
    // Element deletes.
    s.q("DELETE l[0], m['b'], u.x FROM t WHERE k = 1").ok();
    let row = one_row(&mut s, "SELECT l, m, u FROM t WHERE k = 1");
    assert_eq!(
        row[0].clone().unwrap().into_vec().unwrap(),
        vec![CqlValue::Int(10), CqlValue::Int(2), CqlValue::Int(3)]
    );
    assert_eq!(row[1].clone().unwrap().into_pair_vec().unwrap().len(), 1);
    assert_eq!(
        row[2].clone().unwrap().into_udt_pair_vec().unwrap(),
        vec![("x".into(), None), ("y".into(), cv_int(20))]
    );
    // Errors.
    assert!(
        s.q("UPDATE t SET v = v + 1 WHERE k = 1")
            .invalid()
            .contains("Invalid operation")
    );
    assert!(
        s.q("UPDATE t SET k = 1 WHERE k = 1")
            .invalid()
            .contains("PRIMARY KEY part k found in SET part")
    );
    assert!(s.q("UPDATE t SET v = 1").err().reason.contains("WHERE"));
    assert!(
        s.q("UPDATE t SET v = 1 WHERE v = 1")
            .invalid()
            .contains("Non PRIMARY KEY columns")
    );
    assert!(
        s.q("UPDATE t SET l[5] = 1 WHERE k = 1")
            .invalid()
            .contains("out of bound")
    );
    // UPDATE creates no row marker: setting the only value to null removes the row.
    s.q("UPDATE t SET v = 7 WHERE k = 2").ok();
    s.q("UPDATE t SET v = null WHERE k = 2").ok();
    assert!(s.q("SELECT * FROM t WHERE k = 2").rows().rows.is_empty());
    // INSERT does: the row stays.
    s.q("INSERT INTO t (k, v) VALUES (3, 7)").ok();
    s.q("UPDATE t SET v = null WHERE k = 3").ok();
    assert_eq!(
        s.q("SELECT k, v FROM t WHERE k = 3").rows().rows,
        vec![vec![cv_int(3), None]]
    );
}

#[test]
fn counters() {
    let mut s = Sim::with_keyspace();
    s.q("CREATE TABLE c (k int PRIMARY KEY, n counter, m counter)")
        .ok();
    s.q("UPDATE c SET n = n + 5, m = m - 2 WHERE k = 1").ok();
    s.q("UPDATE c SET n = n + 1 WHERE k = 1").ok();
    let p = s.prepare("UPDATE c SET n = n + ? WHERE k = ?");
    assert_eq!(p.prepared_metadata.col_specs[0].name(), "n");
    s.execute(&p, &[bigint(-10), int(1)]).ok();
    let row = one_row(&mut s, "SELECT n, m FROM c WHERE k = 1");
    assert_eq!(
        row,
        vec![
            Some(CqlValue::Counter(Counter(-4))),
            Some(CqlValue::Counter(Counter(-2)))
        ]
    );
    assert!(
        s.q("INSERT INTO c (k, n) VALUES (1, 1)")
            .invalid()
            .contains("INSERT statements are not allowed on counter tables")
    );
    assert!(
        s.q("UPDATE c SET n = 1 WHERE k = 1")
            .invalid()
            .contains("Cannot set the value of counter column")
    );
    assert!(
        s.q("UPDATE c USING TTL 10 SET n = n + 1 WHERE k = 1")
            .invalid()
            .contains("TTL")
    );
}

#[test]
fn deletes_of_rows_ranges_columns_and_partitions() {
    let mut s = Sim::with_keyspace();
    s.q("CREATE TABLE t (k int, c int, v int, s int static, PRIMARY KEY (k, c))")
        .ok();
    for c in 0..10 {
        s.q(&format!(
            "INSERT INTO t (k, c, v, s) VALUES (1, {c}, {c}, 100)"
        ))
        .ok();
    }
    s.q("DELETE FROM t WHERE k = 1 AND c = 0").ok();
    s.q("DELETE FROM t WHERE k = 1 AND c > 7").ok();
    s.q("DELETE FROM t WHERE k = 1 AND c >= 2 AND c < 4").ok();
    s.q("DELETE v FROM t WHERE k = 1 AND c = 5").ok();
    let rows = s.q("SELECT c, v FROM t WHERE k = 1").rows().clone();
    assert_eq!(
        rows.rows,
        vec![
            vec![cv_int(1), cv_int(1)],
            vec![cv_int(4), cv_int(4)],
            vec![cv_int(5), None],
            vec![cv_int(6), cv_int(6)],
            vec![cv_int(7), cv_int(7)],
        ]
    );
    s.q("DELETE s FROM t WHERE k = 1").ok();
    assert_eq!(
        s.q("SELECT s FROM t WHERE k = 1 LIMIT 1").rows().rows,
        vec![vec![None]]
    );
    s.q("DELETE FROM t WHERE k = 1 AND c IN (6, 7)").ok();
    assert_eq!(s.q("SELECT c FROM t WHERE k = 1").rows().rows.len(), 3);
    s.q("DELETE FROM t WHERE k = 1").ok();
    assert!(s.q("SELECT * FROM t WHERE k = 1").rows().rows.is_empty());
    assert!(
        s.q("DELETE v FROM t WHERE k = 1 AND c > 1")
            .invalid()
            .contains("Range deletions")
    );
    assert!(
        s.q("DELETE FROM t WHERE c = 1")
            .invalid()
            .contains("partition key parts are missing")
    );
    assert!(
        s.q("DELETE k FROM t WHERE k = 1 AND c = 1")
            .invalid()
            .contains("PRIMARY KEY")
    );
}

#[test]
fn static_columns_and_insert_without_clustering() {
    let mut s = Sim::with_keyspace();
    s.q("CREATE TABLE t (k int, c int, v int, s int static, PRIMARY KEY (k, c))")
        .ok();
    s.q("INSERT INTO t (k, s) VALUES (1, 5)").ok();
    // A partition with only a static row reads as one row of nulls.
    assert_eq!(
        s.q("SELECT * FROM t WHERE k = 1").rows().rows,
        vec![vec![cv_int(1), None, cv_int(5), None]]
    );
    s.q("UPDATE t SET s = 6 WHERE k = 1").ok();
    s.q("INSERT INTO t (k, c, v) VALUES (1, 1, 1)").ok();
    s.q("INSERT INTO t (k, c, v) VALUES (1, 2, 2)").ok();
    let rows = s.q("SELECT k, c, s FROM t WHERE k = 1").rows().clone();
    assert_eq!(
        rows.rows,
        vec![
            vec![cv_int(1), cv_int(1), cv_int(6)],
            vec![cv_int(1), cv_int(2), cv_int(6)]
        ]
    );
    assert!(
        s.q("INSERT INTO t (k, v) VALUES (1, 1)")
            .invalid()
            .contains("clustering keys are missing: c")
    );
    assert!(
        s.q("UPDATE t SET v = 1 WHERE k = 1")
            .invalid()
            .contains("clustering keys are missing")
    );
}

#[test]
fn ttl_timestamp_and_timeout() {
    let mut s = Sim::with_keyspace();
    s.q("CREATE TABLE t (k int PRIMARY KEY, v int)").ok();
    s.q("INSERT INTO t (k, v) VALUES (1, 1) USING TTL 1000 AND TIMESTAMP 1234")
        .ok();
    let row = one_row(&mut s, "SELECT writetime(v), ttl(v) FROM t WHERE k = 1");
    assert_eq!(row[0], cv_big(1234));
    let Some(CqlValue::Int(ttl)) = row[1] else {
        panic!()
    };
    assert!((990..=1000).contains(&ttl));
    // An older timestamp loses.
    s.q("UPDATE t USING TIMESTAMP 1000 SET v = 2 WHERE k = 1")
        .ok();
    assert_eq!(
        one_row(&mut s, "SELECT v FROM t WHERE k = 1"),
        vec![cv_int(1)]
    );
    s.q("UPDATE t USING TIMEOUT 5s SET v = 3 WHERE k = 1").ok();
    assert_eq!(
        one_row(&mut s, "SELECT v FROM t WHERE k = 1"),
        vec![cv_int(3)]
    );
    // Deleting with an old timestamp does nothing.
    s.q("DELETE FROM t USING TIMESTAMP 5 WHERE k = 1").ok();
    assert_eq!(
        one_row(&mut s, "SELECT v FROM t WHERE k = 1"),
        vec![cv_int(3)]
    );
    // Bound TTL and timestamp.
    let p = s.prepare("INSERT INTO t (k, v) VALUES (?, ?) USING TTL ? AND TIMESTAMP ?");
    assert_eq!(bind_names(&p), ["k", "v", "[ttl]", "[timestamp]"]);
    s.execute(&p, &[int(2), int(2), int(0), bigint(99)]).ok();
    let row = one_row(&mut s, "SELECT writetime(v), ttl(v) FROM t WHERE k = 2");
    assert_eq!(row, vec![cv_big(99), None]);
    // Unset TTL and timestamp take the defaults.
    s.execute(&p, &[int(3), int(3), V::Unset, V::Unset]).ok();
    let row = one_row(&mut s, "SELECT writetime(v), ttl(v) FROM t WHERE k = 3");
    assert!(matches!(row[0], Some(CqlValue::BigInt(ts)) if ts > 1_000_000_000_000_000));
    assert!(
        s.q("INSERT INTO t (k, v) VALUES (1, 1) USING TTL -1")
            .invalid()
            .contains("TTL")
    );
    assert!(
        s.q("INSERT INTO t (k, v) VALUES (1, 1) USING TTL 999999999")
            .invalid()
            .contains("ttl is too large")
    );
    assert_eq!(
        s.execute(&p, &[int(3), int(3), V::Null, V::Unset])
            .invalid(),
        "Invalid null value of TTL"
    );
}

#[test]
fn bound_values_null_unset_empty_and_validation() {
    let mut s = Sim::with_keyspace();
    s.q("CREATE TABLE t (k int PRIMARY KEY, a int, b text, c int)")
        .ok();
    let p = s.prepare("INSERT INTO t (k, a, b, c) VALUES (?, ?, ?, ?)");
    s.execute(&p, &[int(1), int(1), txt("x"), int(1)]).ok();
    // Unset leaves a column untouched, null deletes it, empty is stored as empty.
    s.execute(&p, &[int(1), V::Unset, V::Null, V::B(vec![])])
        .ok();
    let row = one_row(&mut s, "SELECT a, b, c FROM t WHERE k = 1");
    assert_eq!(row, vec![cv_int(1), None, Some(CqlValue::Empty)]);
    // Bytes are stored as sent.
    s.execute(&p, &[int(2), int(-1), txt("ünïcödé"), int(7)])
        .ok();
    assert_eq!(
        one_row(&mut s, "SELECT b FROM t WHERE k = 2"),
        vec![cv_text("ünïcödé")]
    );
    // Wrong sizes and invalid UTF-8 are refused.
    let e = s.execute(&p, &[int(3), V::B(vec![1, 2, 3]), V::Unset, V::Unset]);
    assert!(e.invalid().contains("Expected 4"));
    let e = s.execute(&p, &[int(3), V::Unset, V::B(vec![0xff, 0xfe]), V::Unset]);
    assert!(e.invalid().contains("String didn't validate"));
    // Key values must be set and not null.
    assert!(
        s.execute(&p, &[V::Null, int(1), V::Unset, V::Unset])
            .invalid()
            .contains("null")
    );
    assert!(
        s.execute(&p, &[V::Unset, int(1), V::Unset, V::Unset])
            .invalid()
            .contains("unset")
    );
    assert!(
        s.execute(&p, &[V::B(vec![]), int(1), V::Unset, V::Unset])
            .invalid()
            .contains("empty")
    );
    // Value count.
    assert!(
        s.execute(&p, &[int(1)])
            .invalid()
            .contains("Invalid amount of bind variables: expected 4 but got 1")
    );
    // Huge values are fine for regular columns but not for keys.
    let big = vec![b'x'; 70_000];
    s.execute(&p, &[int(4), V::Unset, V::B(big.clone()), V::Unset])
        .ok();
    s.q("CREATE TABLE tk (k text PRIMARY KEY)").ok();
    let pk = s.prepare("INSERT INTO tk (k) VALUES (?)");
    assert!(
        s.execute(&pk, &[V::B(big)])
            .invalid()
            .contains("Key length")
    );
}

#[test]
fn writes_are_idempotent_and_last_write_wins() {
    let mut s = Sim::with_keyspace();
    s.q("CREATE TABLE t (k int PRIMARY KEY, v int)").ok();
    for i in 0..50 {
        s.q(&format!("INSERT INTO t (k, v) VALUES (1, {i})")).ok();
    }
    assert_eq!(
        one_row(&mut s, "SELECT v FROM t WHERE k = 1"),
        vec![cv_int(49)]
    );
    // Insert, delete, insert in quick succession: server timestamps never tie.
    s.q("DELETE FROM t WHERE k = 1").ok();
    s.q("INSERT INTO t (k, v) VALUES (1, 5)").ok();
    assert_eq!(
        one_row(&mut s, "SELECT v FROM t WHERE k = 1"),
        vec![cv_int(5)]
    );
}

#[test]
fn writes_to_system_tables_are_refused() {
    let mut s = Sim::with_keyspace();
    let e = s.q("INSERT INTO system.local (key) VALUES ('x')");
    assert_eq!(e.err().error, DbError::Unauthorized);
    let e = s.q("DELETE FROM system_schema.tables WHERE keyspace_name = 'ks'");
    assert_eq!(e.err().error, DbError::Unauthorized);
}
