//! Schema changes: keyspaces, tables, columns, options, user types, and their errors.

#[path = "store_support.rs"]
mod support;

use std::collections::BTreeMap;

use scylla_cql::frame::response::column_type::{ColumnType, NativeType};
use scylla_sim::store::{
    AlterTable, AlterType, ColumnKind, KeyspaceDef, NewColumn, OptionValue, Store, StoreError,
    TableDef,
};
use support::*;

fn repl(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn ks(name: &str, pairs: &[(&str, &str)]) -> KeyspaceDef {
    KeyspaceDef {
        name: name.into(),
        replication: repl(pairs),
        durable_writes: true,
    }
}

fn int_col(name: &str, kind: ColumnKind) -> NewColumn {
    col(name, native(NativeType::Int), kind)
}

fn invalid(r: Result<impl std::fmt::Debug, StoreError>, needle: &str) {
    match r {
        Err(StoreError::Invalid(m)) => assert!(m.contains(needle), "{m:?} lacks {needle:?}"),
        other => panic!("expected Invalid containing {needle:?}, got {other:?}"),
    }
}

#[test]
fn keyspaces() {
    let s = Store::new();
    let v0 = s.schema().version();
    assert!(s.create_keyspace(simple_ks(), false).unwrap());
    let v1 = s.schema().version();
    assert_ne!(v0, v1);
    let ksch = s.schema().keyspace("ks").unwrap().clone();
    assert_eq!(
        ksch.replication["class"],
        "org.apache.cassandra.locator.SimpleStrategy"
    );
    assert_eq!(ksch.replication["replication_factor"], "3");
    assert_eq!(
        s.create_keyspace(simple_ks(), false).unwrap_err(),
        StoreError::AlreadyExists {
            keyspace: "ks".into(),
            table: String::new()
        }
    );
    assert!(!s.create_keyspace(simple_ks(), true).unwrap());
    assert_eq!(s.schema().version(), v1, "no change, same version");

    let nts = ks(
        "nts",
        &[
            (
                "class",
                "org.apache.cassandra.locator.NetworkTopologyStrategy",
            ),
            ("dc1", "3"),
            ("dc2", "1"),
        ],
    );
    s.create_keyspace(nts, false).unwrap();
    for (bad, needle) in [
        (ks("a", &[("replication_factor", "1")]), "class"),
        (
            ks("a", &[("class", "SimpleStrategy")]),
            "replication_factor",
        ),
        (
            ks(
                "a",
                &[("class", "SimpleStrategy"), ("replication_factor", "-1")],
            ),
            "non-negative",
        ),
        (
            ks(
                "a",
                &[("class", "SimpleStrategy"), ("replication_factor", "x")],
            ),
            "valid replication",
        ),
        (
            ks(
                "a",
                &[
                    ("class", "SimpleStrategy"),
                    ("replication_factor", "1"),
                    ("dc1", "1"),
                ],
            ),
            "Unrecognized",
        ),
        (ks("a", &[("class", "FooStrategy")]), "FooStrategy"),
    ] {
        match s.create_keyspace(bad, false) {
            Err(StoreError::Config(m)) => assert!(m.contains(needle), "{m}"),
            other => panic!("{other:?}"),
        }
    }
    invalid(
        s.create_keyspace(
            ks(
                "bad-name",
                &[("class", "SimpleStrategy"), ("replication_factor", "1")],
            ),
            false,
        ),
        "name",
    );
    invalid(
        s.create_keyspace(
            ks(
                &"x".repeat(49),
                &[("class", "SimpleStrategy"), ("replication_factor", "1")],
            ),
            false,
        ),
        "48",
    );
    assert!(matches!(
        s.create_keyspace(ks("system", &[("class", "LocalStrategy")]), false),
        Err(StoreError::Unauthorized(_))
    ));
    assert!(
        s.create_system_keyspace(ks("system", &[("class", "LocalStrategy")]))
            .unwrap()
    );
    assert!(matches!(
        s.drop_keyspace("system", false),
        Err(StoreError::Unauthorized(_))
    ));

    s.alter_keyspace(
        "ks",
        Some(repl(&[("class", "NetworkTopologyStrategy"), ("dc1", "2")])),
        Some(false),
    )
    .unwrap();
    let ksch = s.schema().keyspace("ks").unwrap().clone();
    assert!(!ksch.durable_writes);
    assert_eq!(ksch.replication["dc1"], "2");
    invalid(s.alter_keyspace("nope", None, Some(true)), "does not exist");

    assert!(s.drop_keyspace("ks", false).unwrap());
    assert!(!s.drop_keyspace("ks", true).unwrap());
    match s.drop_keyspace("ks", false) {
        Err(StoreError::Config(m)) => assert_eq!(m, "Cannot drop non existing keyspace 'ks'."),
        other => panic!("expected a configuration error, got {other:?}"),
    }
    assert!(s.schema().keyspace("ks").is_none());
}

#[test]
fn create_table_rules() {
    let s = Store::new();
    s.create_keyspace(simple_ks(), false).unwrap();
    let good = table_def(
        "t",
        vec![
            int_col("k", ColumnKind::PartitionKey),
            int_col("c", ColumnKind::Clustering),
            int_col("z", ColumnKind::Regular),
            int_col("a", ColumnKind::Regular),
            int_col("st", ColumnKind::Static),
        ],
    );
    assert!(s.create_table(good.clone(), false).unwrap());
    assert_eq!(
        s.create_table(good.clone(), false).unwrap_err(),
        StoreError::AlreadyExists {
            keyspace: "ks".into(),
            table: "t".into()
        }
    );
    assert!(!s.create_table(good, true).unwrap());
    let t = s.table("ks", "t").unwrap();
    let names: Vec<&str> = t
        .schema()
        .columns()
        .iter()
        .map(|c| c.name.as_str())
        .collect();
    assert_eq!(names, vec!["k", "c", "st", "a", "z"], "SELECT * order");
    assert_eq!(t.schema().column("c").unwrap().position, 0);
    assert_eq!(t.schema().column("a").unwrap().position, -1);
    assert_eq!(
        t.schema().options()["gc_grace_seconds"],
        OptionValue::Text("864000".into())
    );
    assert_eq!(
        t.schema().options()["comment"],
        OptionValue::Text(String::new())
    );
    assert!(
        t.schema().options()["compaction"].as_map().unwrap()["class"]
            .ends_with("SizeTieredCompactionStrategy")
    );
    assert_eq!(t.schema().flags(), vec!["compound"]);

    let cases: Vec<(TableDef, &str)> = vec![
        (
            table_def("t2", vec![int_col("v", ColumnKind::Regular)]),
            "PRIMARY KEY",
        ),
        (
            table_def(
                "t2",
                vec![
                    int_col("k", ColumnKind::PartitionKey),
                    int_col("k", ColumnKind::Regular),
                ],
            ),
            "Duplicate column",
        ),
        (
            table_def(
                "t2",
                vec![
                    int_col("k", ColumnKind::PartitionKey),
                    int_col("s", ColumnKind::Static),
                ],
            ),
            "Static columns",
        ),
        (
            table_def(
                "t2",
                vec![
                    int_col("k", ColumnKind::PartitionKey),
                    col("n", native(NativeType::Counter), ColumnKind::Regular),
                    int_col("v", ColumnKind::Regular),
                ],
            ),
            "mix counter",
        ),
        (
            table_def(
                "t2",
                vec![col(
                    "k",
                    list_type(native(NativeType::Int), false),
                    ColumnKind::PartitionKey,
                )],
            ),
            "non-frozen collection",
        ),
        (
            table_def(
                "t2",
                vec![
                    int_col("k", ColumnKind::PartitionKey),
                    col("c", native(NativeType::Duration), ColumnKind::Clustering),
                ],
            ),
            "duration",
        ),
        (
            table_def(
                "t2",
                vec![col(
                    "k",
                    native(NativeType::Counter),
                    ColumnKind::PartitionKey,
                )],
            ),
            "counter",
        ),
        (
            table_def(
                "t2",
                vec![
                    int_col("k", ColumnKind::PartitionKey),
                    col(
                        "l",
                        list_type(list_type(native(NativeType::Int), false), false),
                        ColumnKind::Regular,
                    ),
                ],
            ),
            "inside collections",
        ),
        (
            table_def("bad name", vec![int_col("k", ColumnKind::PartitionKey)]),
            "name",
        ),
    ];
    for (def, needle) in cases {
        invalid(s.create_table(def, false), needle);
    }
    let mut no_ks = table_def("t3", vec![int_col("k", ColumnKind::PartitionKey)]);
    no_ks.keyspace = "nope".into();
    invalid(s.create_table(no_ks, false), "does not exist");
    let mut sys = table_def("t3", vec![int_col("k", ColumnKind::PartitionKey)]);
    sys.keyspace = "system".into();
    assert!(matches!(
        s.create_table(sys, false),
        Err(StoreError::Unauthorized(_))
    ));
}

#[test]
fn table_options() {
    let s = Store::new();
    s.create_keyspace(simple_ks(), false).unwrap();
    let mut def = table_def(
        "t",
        vec![
            int_col("k", ColumnKind::PartitionKey),
            int_col("v", ColumnKind::Regular),
        ],
    );
    def.options
        .insert("comment".into(), OptionValue::Text("hello".into()));
    def.options.insert(
        "compaction".into(),
        OptionValue::Map(repl(&[("class", "LeveledCompactionStrategy")])),
    );
    def.options
        .insert("gc_grace_seconds".into(), OptionValue::Text("10".into()));
    s.create_table(def.clone(), false).unwrap();
    let t = s.table("ks", "t").unwrap();
    let o = t.schema().options();
    assert_eq!(o["comment"], OptionValue::Text("hello".into()));
    assert_eq!(
        o["compaction"].as_map().unwrap()["class"],
        "org.apache.cassandra.db.compaction.LeveledCompactionStrategy"
    );
    assert_eq!(o["gc_grace_seconds"].as_text(), Some("10"));
    assert_eq!(o["bloom_filter_fp_chance"].as_text(), Some("0.01"));

    let try_opt = |name: &str, value: OptionValue| {
        let mut d = def.clone();
        d.name = "t2".into();
        d.options = BTreeMap::from([(name.to_string(), value)]);
        s.create_table(d, false)
    };
    assert!(matches!(
        try_opt("nonsense", OptionValue::Text("1".into())),
        Err(StoreError::Syntax(_))
    ));
    assert!(matches!(
        try_opt("comment", OptionValue::Map(BTreeMap::new())),
        Err(StoreError::Syntax(_))
    ));
    assert!(matches!(
        try_opt("gc_grace_seconds", OptionValue::Text("abc".into())),
        Err(StoreError::Syntax(_))
    ));
    assert!(matches!(
        try_opt("default_time_to_live", OptionValue::Text("-1".into())),
        Err(StoreError::Config(_))
    ));
    assert!(matches!(
        try_opt("bloom_filter_fp_chance", OptionValue::Text("0".into())),
        Err(StoreError::Config(_))
    ));
    assert!(matches!(
        try_opt("compaction", OptionValue::Map(BTreeMap::new())),
        Err(StoreError::Config(_))
    ));

    let v = s.schema().version();
    s.alter_table(
        "ks",
        "t",
        AlterTable::SetOptions(BTreeMap::from([(
            "comment".to_string(),
            OptionValue::Text("bye".into()),
        )])),
    )
    .unwrap();
    assert_ne!(s.schema().version(), v);
    let t = s.table("ks", "t").unwrap();
    assert_eq!(t.schema().options()["comment"].as_text(), Some("bye"));
    assert_eq!(
        t.schema().options()["gc_grace_seconds"].as_text(),
        Some("10")
    );

    // Counter tables refuse a default TTL.
    let mut c = table_def(
        "cnt",
        vec![
            int_col("k", ColumnKind::PartitionKey),
            col("n", native(NativeType::Counter), ColumnKind::Regular),
        ],
    );
    c.options
        .insert("default_time_to_live".into(), OptionValue::Text("5".into()));
    invalid(s.create_table(c, false), "counters");
}

#[test]
fn alter_table_columns() {
    let (s, t) = store_with(
        "t",
        vec![
            int_col("k", ColumnKind::PartitionKey),
            int_col("c", ColumnKind::Clustering),
            int_col("v", ColumnKind::Regular),
        ],
    );
    write_row(
        &t,
        &pk_int(1),
        vec![int(1)],
        10,
        true,
        vec![set(&t, "v", int(5))],
        now(0),
    )
    .unwrap();
    invalid(
        s.alter_table(
            "ks",
            "t",
            AlterTable::AddColumns(vec![int_col("v", ColumnKind::Regular)]),
        ),
        "conflicts",
    );
    invalid(
        s.alter_table(
            "ks",
            "t",
            AlterTable::AddColumns(vec![int_col("x", ColumnKind::Clustering)]),
        ),
        "PRIMARY KEY",
    );
    invalid(
        s.alter_table(
            "ks",
            "t",
            AlterTable::AddColumns(vec![col(
                "n",
                native(NativeType::Counter),
                ColumnKind::Regular,
            )]),
        ),
        "counter",
    );
    invalid(
        s.alter_table("ks", "t", AlterTable::DropColumns(vec!["k".into()])),
        "PRIMARY KEY",
    );
    invalid(
        s.alter_table("ks", "t", AlterTable::DropColumns(vec!["zz".into()])),
        "not found",
    );
    invalid(
        s.alter_table(
            "ks",
            "t",
            AlterTable::RenameColumns(vec![("v".into(), "w".into())]),
        ),
        "non PRIMARY KEY",
    );
    invalid(
        s.alter_table(
            "ks",
            "t",
            AlterTable::RenameColumns(vec![("c".into(), "v".into())]),
        ),
        "another column",
    );
    invalid(
        s.alter_table("ks", "nope", AlterTable::DropColumns(vec![])),
        "doesn't exist",
    );

    s.alter_table(
        "ks",
        "t",
        AlterTable::AddColumns(vec![
            int_col("w", ColumnKind::Regular),
            int_col("s", ColumnKind::Static),
        ]),
    )
    .unwrap();
    s.alter_table(
        "ks",
        "t",
        AlterTable::RenameColumns(vec![("c".into(), "cc".into())]),
    )
    .unwrap();
    let t = s.table("ks", "t").unwrap();
    assert!(t.schema().column("cc").is_some());
    write_row(
        &t,
        &pk_int(1),
        vec![int(1)],
        11,
        false,
        vec![set(&t, "w", int(6))],
        now(0),
    )
    .unwrap();
    let r = partition_rows(&t, pk_int(1), now(0));
    assert_eq!(r[0].values["v"], int(5));
    assert_eq!(r[0].values["w"], int(6));

    // Drop v: its data goes; re-adding v does not bring it back.
    s.alter_table("ks", "t", AlterTable::DropColumns(vec!["v".into()]))
        .unwrap();
    let t = s.table("ks", "t").unwrap();
    assert!(t.schema().dropped_columns().contains_key("v"));
    assert!(
        !partition_rows(&t, pk_int(1), now(0))[0]
            .values
            .contains_key("v")
    );
    s.alter_table(
        "ks",
        "t",
        AlterTable::AddColumns(vec![col(
            "v",
            native(NativeType::Text),
            ColumnKind::Regular,
        )]),
    )
    .unwrap();
    let t = s.table("ks", "t").unwrap();
    let r = partition_rows(&t, pk_int(1), now(0));
    assert!(!r[0].values.contains_key("v"));
    assert_eq!(r[0].values["w"], int(6));

    // Drop and truncate.
    assert!(s.drop_table("ks", "t", false).unwrap());
    assert!(!s.drop_table("ks", "t", true).unwrap());
    invalid(s.drop_table("ks", "t", false), "doesn't exist");
    invalid(s.table("ks", "t").map(|_| ()), "unconfigured table");
    invalid(s.table("nope", "t").map(|_| ()), "does not exist");
}

#[test]
fn user_types() {
    let s = Store::new();
    s.create_keyspace(simple_ks(), false).unwrap();
    s.create_type(
        "ks",
        "point",
        vec![
            ("x".into(), native(NativeType::Int)),
            ("y".into(), native(NativeType::Int)),
        ],
        false,
    )
    .unwrap();
    invalid(
        s.create_type(
            "ks",
            "point",
            vec![("x".into(), native(NativeType::Int))],
            false,
        ),
        "already exists",
    );
    assert!(
        !s.create_type(
            "ks",
            "point",
            vec![("x".into(), native(NativeType::Int))],
            true
        )
        .unwrap()
    );
    invalid(
        s.create_type(
            "ks",
            "dup",
            vec![
                ("x".into(), native(NativeType::Int)),
                ("x".into(), native(NativeType::Int)),
            ],
            false,
        ),
        "Duplicate",
    );
    let point = s
        .schema()
        .keyspace("ks")
        .unwrap()
        .user_type("point")
        .unwrap()
        .clone();
    let frozen_point = ColumnType::UserDefinedType {
        frozen: true,
        definition: point.clone(),
    };
    let open_point = ColumnType::UserDefinedType {
        frozen: false,
        definition: point.clone(),
    };
    invalid(
        s.create_type("ks", "bad", vec![("p".into(), open_point)], false),
        "non-frozen",
    );
    s.create_type(
        "ks",
        "line",
        vec![
            ("a".into(), frozen_point.clone()),
            ("b".into(), frozen_point.clone()),
        ],
        false,
    )
    .unwrap();
    s.create_table(
        table_def(
            "shapes",
            vec![
                int_col("k", ColumnKind::PartitionKey),
                col("p", frozen_point.clone(), ColumnKind::Clustering),
            ],
        ),
        false,
    )
    .unwrap();
    // Unknown type in a table.
    let mut ghost = (*point).clone();
    ghost.name = "ghost".into();
    invalid(
        s.create_table(
            table_def(
                "t2",
                vec![
                    int_col("k", ColumnKind::PartitionKey),
                    col(
                        "g",
                        ColumnType::UserDefinedType {
                            frozen: true,
                            definition: std::sync::Arc::new(ghost),
                        },
                        ColumnKind::Regular,
                    ),
                ],
            ),
            false,
        ),
        "Unknown type",
    );

    // A row keyed by a frozen point, written before the type changes.
    let t = s.table("ks", "shapes").unwrap();
    write_row(
        &t,
        &pk_int(1),
        vec![fields(&[Some(int(1)), Some(int(2))])],
        1,
        true,
        vec![],
        now(0),
    )
    .unwrap();

    // ALTER TYPE propagates to types and tables using it.
    s.alter_type(
        "ks",
        "point",
        AlterType::AddField {
            name: "z".into(),
            typ: native(NativeType::Int),
        },
    )
    .unwrap();
    s.alter_type(
        "ks",
        "point",
        AlterType::RenameFields(vec![("x".into(), "xx".into())]),
    )
    .unwrap();
    let schema = s.schema();
    let ks = schema.keyspace("ks").unwrap();
    let names = |t: &ColumnType<'static>| match t {
        ColumnType::UserDefinedType { definition, .. } => definition
            .field_types
            .iter()
            .map(|(n, _)| n.to_string())
            .collect::<Vec<_>>(),
        _ => vec![],
    };
    assert_eq!(
        names(&ks.user_type("line").unwrap().field_types[0].1),
        vec!["xx", "y", "z"]
    );
    let t = ks.table("shapes").unwrap();
    assert_eq!(
        names(&t.schema().column("p").unwrap().typ),
        vec!["xx", "y", "z"]
    );
    // The stored row is still found by its key, and new keys with the new field sort.
    write_row(
        t,
        &pk_int(1),
        vec![fields(&[Some(int(1)), Some(int(2)), Some(int(0))])],
        1,
        true,
        vec![],
        now(0),
    )
    .unwrap();
    let r = partition_rows(t, pk_int(1), now(0));
    assert_eq!(r.len(), 2);
    assert_eq!(
        r[0].clustering,
        Some(vec![fields(&[Some(int(1)), Some(int(2))])])
    );

    invalid(
        s.alter_type(
            "ks",
            "point",
            AlterType::AddField {
                name: "y".into(),
                typ: native(NativeType::Int),
            },
        ),
        "already exists",
    );
    invalid(
        s.alter_type(
            "ks",
            "point",
            AlterType::RenameFields(vec![("nope".into(), "q".into())]),
        ),
        "Unknown field",
    );
    invalid(
        s.alter_type(
            "ks",
            "point",
            AlterType::RenameFields(vec![("y".into(), "z".into())]),
        ),
        "Duplicate",
    );
    let line = ks.user_type("line").unwrap().clone();
    invalid(
        s.alter_type(
            "ks",
            "point",
            AlterType::AddField {
                name: "l".into(),
                typ: ColumnType::UserDefinedType {
                    frozen: true,
                    definition: line,
                },
            },
        ),
        "cycle",
    );
    invalid(s.drop_type("ks", "point", false), "still used");
    s.drop_table("ks", "shapes", false).unwrap();
    invalid(s.drop_type("ks", "point", false), "line");
    assert!(s.drop_type("ks", "line", false).unwrap());
    assert!(s.drop_type("ks", "point", false).unwrap());
    assert!(!s.drop_type("ks", "point", true).unwrap());
    invalid(s.drop_type("ks", "point", false), "No user type");
}
