//! Features of the issue that had no test of their own through the executor: every
//! type as a clustering column (in each type's order, ascending and descending, frozen
//! values in canonical form), every type's name in `system_schema.columns`, IN on every
//! part of a compound partition key, counter batches mixing prepared and text
//! statements, and multi-column slices over mixed clustering orders.

mod exec_support;

use exec_support::*;
use scylla_cql::frame::request::batch::BatchType;
use scylla_cql::frame::types::Consistency;
use scylla_cql::serialize::row::SerializedValues;
use scylla_cql::value::{Counter, CqlValue};

/// Literals of each type, in the type's ascending order.
const ORDERS: &[(&str, &[&str])] = &[
    ("tinyint", &["-128", "-1", "0", "127"]),
    ("smallint", &["-32768", "-2", "5", "32767"]),
    ("int", &["-2147483648", "-1", "0", "2147483647"]),
    (
        "bigint",
        &["-9223372036854775808", "-5", "3", "9223372036854775807"],
    ),
    (
        "varint",
        &[
            "-100000000000000000000",
            "-1",
            "0",
            "255",
            "100000000000000000000",
        ],
    ),
    ("decimal", &["-1e10", "-1.5", "0", "0.001", "1.25", "2e3"]),
    (
        "float",
        &[
            "-Infinity",
            "-1.5",
            "-0.0",
            "0.0",
            "1e-3",
            "Infinity",
            "NaN",
        ],
    ),
    (
        "double",
        &["-Infinity", "-1e300", "-0.0", "0.0", "5", "Infinity", "NaN"],
    ),
    ("boolean", &["false", "true"]),
    ("text", &["''", "'A'", "'a'", "'ab'", "'é'"]),
    ("ascii", &["''", "'A'", "'Z'", "'a'"]),
    ("blob", &["0x", "0x00", "0x0001", "0x01", "0xff"]),
    ("inet", &["'::1'", "'1.2.3.4'", "'10.0.0.1'", "'ffff::'"]),
    (
        "date",
        &[
            "'0001-01-01'",
            "'1969-12-31'",
            "'1970-01-01'",
            "'2024-02-29'",
        ],
    ),
    (
        "time",
        &[
            "'00:00:00'",
            "'00:00:00.000000001'",
            "'12:30:00'",
            "'23:59:59.999'",
        ],
    ),
    (
        "timestamp",
        &[
            "'1900-01-01'",
            "-1",
            "'1970-01-01'",
            "'2021-03-04 05:06:07+0000'",
        ],
    ),
    (
        // Version 1 (by time) before version 4.
        "uuid",
        &[
            "50554d6e-29bb-11e5-b345-feff819cdc9f",
            "60554d6e-29bb-11e5-b345-feff819cdc9f",
            "00000000-0000-4000-8000-000000000000",
            "ffffffff-ffff-4fff-bfff-ffffffffffff",
        ],
    ),
    (
        "timeuuid",
        &[
            "minTimeuuid('1970-01-01')",
            "maxTimeuuid('1970-01-01')",
            "50554d6e-29bb-11e5-b345-feff819cdc9f",
            "minTimeuuid('2021-03-04')",
        ],
    ),
    ("frozen<list<int>>", &["[]", "[1]", "[1, 2]", "[2]"]),
    ("frozen<set<int>>", &["{}", "{1, 2}", "{3, 1}", "{5}"]),
    (
        "frozen<map<int, text>>",
        &["{1: 'a'}", "{1: 'b'}", "{1: 'b', 2: 'a'}", "{2: 'a'}"],
    ),
    ("tuple<int, text>", &["(1, 'b')", "(2, 'a')", "(2, 'b')"]),
    (
        "frozen<pt>",
        &["{x: 1, y: 'z'}", "{x: 2, y: 'a'}", "{x: 2, y: 'b'}"],
    ),
];

#[test]
fn every_type_orders_clustering_columns_ascending_and_descending() {
    let mut s = Sim::with_keyspace();
    s.q("CREATE TYPE pt (x int, y text)").ok();
    for (i, (typ, literals)) in ORDERS.iter().enumerate() {
        for (desc, order) in [(false, "ASC"), (true, "DESC")] {
            let table = format!("o{i}_{order}");
            s.q(&format!(
                "CREATE TABLE {table} (k int, c {typ}, v int, PRIMARY KEY (k, c)) WITH \
                 CLUSTERING ORDER BY (c {order})"
            ))
            .ok();
            // Written in a scrambled order.
            let n = literals.len();
            let scrambled = (0..n)
                .filter(|j| j % 2 == 1)
                .chain((0..n).filter(|j| j % 2 == 0).rev());
            for j in scrambled {
                s.q(&format!(
                    "INSERT INTO {table} (k, c, v) VALUES (1, {}, {j})",
                    literals[j]
                ))
                .ok();
            }
            let mut expected: Vec<Option<i32>> = (0..n as i32).map(Some).collect();
            if desc {
                expected.reverse();
            }
            let got = s
                .q(&format!("SELECT v FROM {table} WHERE k = 1"))
                .rows()
                .ints("v");
            assert_eq!(got, expected, "{typ} {order}");
            // ORDER BY the other way reverses it.
            let other = if desc { "ASC" } else { "DESC" };
            let got = s
                .q(&format!(
                    "SELECT v FROM {table} WHERE k = 1 ORDER BY c {other}"
                ))
                .rows()
                .ints("v");
            expected.reverse();
            assert_eq!(got, expected, "{typ} ORDER BY {other}");
            // Each key is found by equality, and ranges follow the type's order.
            for (j, lit) in literals.iter().enumerate() {
                let got = s
                    .q(&format!("SELECT v FROM {table} WHERE k = 1 AND c = {lit}"))
                    .rows()
                    .ints("v");
                assert_eq!(got, vec![Some(j as i32)], "{typ} = {lit}");
            }
            let got = s
                .q(&format!(
                    "SELECT v FROM {table} WHERE k = 1 AND c > {} ORDER BY c ASC",
                    literals[0]
                ))
                .rows()
                .ints("v");
            let above: Vec<Option<i32>> = (1..n as i32).map(Some).collect();
            assert_eq!(got, above, "{typ} > {}", literals[0]);
        }
    }
}

#[test]
fn frozen_sets_and_maps_are_keys_in_canonical_form() {
    let mut s = Sim::with_keyspace();
    s.q(
        "CREATE TABLE f (k int, s frozen<set<text>>, m frozen<map<int, int>>, v int, \
         PRIMARY KEY (k, s, m))",
    )
    .ok();
    s.q("INSERT INTO f (k, s, m, v) VALUES (1, {'b', 'a', 'b'}, {2: 20, 1: 10}, 1)")
        .ok();
    // The same values written in another order name the same row.
    s.q("INSERT INTO f (k, s, m, v) VALUES (1, {'a', 'b'}, {1: 10, 2: 20}, 2)")
        .ok();
    let rows = s.q("SELECT s, m, v FROM f WHERE k = 1").rows().clone();
    assert_eq!(rows.rows.len(), 1);
    assert_eq!(
        rows.rows[0][0],
        Some(CqlValue::Set(vec![
            CqlValue::Text("a".into()),
            CqlValue::Text("b".into())
        ]))
    );
    assert_eq!(rows.rows[0][2], cv_int(2));
    // Bound in any order too.
    let set = |items: &[&str]| {
        let mut out = (items.len() as i32).to_be_bytes().to_vec();
        for i in items {
            out.extend_from_slice(&(i.len() as i32).to_be_bytes());
            out.extend_from_slice(i.as_bytes());
        }
        V::B(out)
    };
    let r = s.qv(
        "SELECT v FROM f WHERE k = 1 AND s = ? AND m = {1: 10, 2: 20}",
        &[set(&["b", "a"])],
    );
    assert_eq!(r.rows().ints("v"), vec![Some(2)]);
}

#[test]
fn every_type_is_named_in_system_schema() {
    let mut s = Sim::with_keyspace();
    s.q("CREATE TYPE pt (x int, y text)").ok();
    let types = [
        "ascii",
        "bigint",
        "blob",
        "boolean",
        "date",
        "decimal",
        "double",
        "duration",
        "float",
        "inet",
        "int",
        "smallint",
        "text",
        "time",
        "timestamp",
        "timeuuid",
        "tinyint",
        "uuid",
        "varint",
        "list<int>",
        "set<text>",
        "map<text, frozen<list<int>>>",
        "frozen<list<frozen<set<int>>>>",
        "frozen<map<int, frozen<pt>>>",
        "frozen<tuple<int, text, frozen<list<int>>>>",
        "pt",
        "frozen<pt>",
        "vector<float, 3>",
        "vector<text, 2>",
    ];
    let columns: Vec<String> = types
        .iter()
        .enumerate()
        .map(|(i, t)| format!("c{i} {t}"))
        .collect();
    s.q(&format!(
        "CREATE TABLE every (k int PRIMARY KEY, {})",
        columns.join(", ")
    ))
    .ok();
    s.q("CREATE TABLE cnt (k int PRIMARY KEY, n counter)").ok();
    let rows = s
        .q(
            "SELECT column_name, type FROM system_schema.columns WHERE keyspace_name = 'ks' \
            AND table_name = 'every'",
        )
        .rows()
        .clone();
    for (i, t) in types.iter().enumerate() {
        let name = format!("c{i}");
        let row = rows
            .rows
            .iter()
            .find(|r| r[0] == cv_text(&name))
            .unwrap_or_else(|| panic!("{name}"));
        assert_eq!(row[1], cv_text(t), "{name}");
    }
    let n = s
        .q(
            "SELECT type FROM system_schema.columns WHERE keyspace_name = 'ks' AND table_name \
            = 'cnt' AND column_name = 'n'",
        )
        .rows()
        .texts("type");
    assert_eq!(n, vec![Some("counter".to_string())]);
    // And the result metadata of the table decodes.
    s.q("INSERT INTO every (k) VALUES (1)").ok();
    assert_eq!(
        s.q("SELECT * FROM every").rows().names.len(),
        types.len() + 1
    );
}

#[test]
fn in_on_every_part_of_a_compound_partition_key() {
    let mut s = Sim::with_keyspace();
    s.q("CREATE TABLE p (a int, b text, c int, v int, PRIMARY KEY ((a, b), c))")
        .ok();
    for a in 1..=3 {
        for b in ["x", "y"] {
            for c in 0..2 {
                s.q(&format!(
                    "INSERT INTO p (a, b, c, v) VALUES ({a}, '{b}', {c}, {})",
                    a * 100 + c
                ))
                .ok();
            }
        }
    }
    let r = s.q("SELECT a, b, c FROM p WHERE a IN (3, 1) AND b IN ('y', 'x', 'y') AND c = 1");
    let rows = r.rows().clone();
    // 4 partitions, each once, in token order.
    assert_eq!(rows.rows.len(), 4);
    let tokens = s
        .q("SELECT token(a, b) FROM p WHERE a IN (3, 1) AND b IN ('y', 'x') AND c = 1")
        .rows()
        .column("system.token(a, b)");
    let mut sorted = tokens.clone();
    sorted.sort_by_key(|t| match t {
        Some(CqlValue::BigInt(v)) => *v,
        _ => i64::MAX,
    });
    assert_eq!(tokens, sorted);
    // Bound as lists too, and in an UPDATE.
    let list = |items: &[V]| {
        let mut out = (items.len() as i32).to_be_bytes().to_vec();
        for i in items {
            if let V::B(b) = i {
                out.extend_from_slice(&(b.len() as i32).to_be_bytes());
                out.extend_from_slice(b);
            }
        }
        V::B(out)
    };
    s.qv(
        "UPDATE p SET v = 0 WHERE a IN ? AND b IN ? AND c = 0",
        &[list(&[int(1), int(2)]), list(&[txt("x"), txt("y")])],
    )
    .ok();
    let zeros = s
        .q("SELECT v FROM p WHERE a IN (1, 2) AND b IN ('x', 'y') AND c = 0")
        .rows()
        .ints("v");
    assert_eq!(zeros, vec![Some(0); 4]);
}

#[test]
fn counter_batches_mix_prepared_and_text_statements() {
    let mut s = Sim::with_keyspace();
    s.q("CREATE TABLE c (k int PRIMARY KEY, n counter, m counter)")
        .ok();
    let p = s.prepare("UPDATE c SET n = n + ?, m = m - ? WHERE k = ?");
    for _ in 0..2 {
        s.batch(
            BatchType::Counter,
            vec![
                prepared_stmt(&p),
                text_stmt("UPDATE c SET n = n + 10 WHERE k = 1"),
                prepared_stmt(&p),
            ],
            vec![
                values(&[bigint(1), bigint(2), int(1)]),
                SerializedValues::new(),
                values(&[bigint(5), bigint(5), int(2)]),
            ],
            Consistency::One,
            None,
        )
        .ok();
    }
    let rows = s.q("SELECT k, n, m FROM c").rows().clone();
    let mut got: Vec<_> = rows.rows.clone();
    got.sort_by_key(|r| match &r[0] {
        Some(CqlValue::Int(k)) => *k,
        _ => 0,
    });
    let counter = |v: i64| Some(CqlValue::Counter(Counter(v)));
    assert_eq!(
        got,
        vec![
            vec![cv_int(1), counter(22), counter(-4)],
            vec![cv_int(2), counter(10), counter(-10)],
        ]
    );
}

#[test]
fn multi_column_slices_over_mixed_clustering_orders() {
    let mut s = Sim::with_keyspace();
    s.q(
        "CREATE TABLE m (k int, a int, b int, v int, PRIMARY KEY (k, a, b)) WITH CLUSTERING \
         ORDER BY (a ASC, b DESC)",
    )
    .ok();
    for a in 0..3 {
        for b in 0..3 {
            s.q(&format!(
                "INSERT INTO m (k, a, b, v) VALUES (1, {a}, {b}, {})",
                a * 10 + b
            ))
            .ok();
        }
    }
    let v = |s: &mut Sim, q: &str| -> Vec<i32> {
        s.q(q).rows().ints("v").into_iter().flatten().collect()
    };
    // Storage order: a ascending, b descending.
    assert_eq!(
        v(&mut s, "SELECT v FROM m WHERE k = 1"),
        vec![2, 1, 0, 12, 11, 10, 22, 21, 20]
    );
    // (a, b) > (1, 1) compares by value, whatever the clustering order.
    assert_eq!(
        v(&mut s, "SELECT v FROM m WHERE k = 1 AND (a, b) > (1, 1)"),
        vec![12, 22, 21, 20]
    );
    assert_eq!(
        v(
            &mut s,
            "SELECT v FROM m WHERE k = 1 AND (a, b) > (0, 1) AND (a, b) <= (2, 0)"
        ),
        vec![2, 12, 11, 10, 20]
    );
    assert_eq!(
        v(
            &mut s,
            "SELECT v FROM m WHERE k = 1 AND (a, b) >= (1, 1) ORDER BY a DESC, b ASC"
        ),
        vec![20, 21, 22, 11, 12]
    );
    assert_eq!(
        v(&mut s, "SELECT v FROM m WHERE k = 1 AND a = 1 AND b < 2"),
        vec![11, 10]
    );
    assert_eq!(
        v(
            &mut s,
            "SELECT v FROM m WHERE k = 1 AND (a, b) IN ((2, 2), (0, 1))"
        ),
        vec![1, 22]
    );
    // Deleting a multi-column slice removes exactly it.
    s.q("DELETE FROM m WHERE k = 1 AND (a, b) >= (1, 1) AND (a, b) < (2, 1)")
        .ok();
    assert_eq!(
        v(&mut s, "SELECT v FROM m WHERE k = 1"),
        vec![2, 1, 0, 10, 22, 21]
    );
}
