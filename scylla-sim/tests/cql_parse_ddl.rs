//! Parsing of schema statements, DESCRIBE, and statements reported as unsupported.

use scylla_sim::cql::*;

fn one(src: &str) -> Statement {
    parse_statement(src)
        .unwrap_or_else(|e| panic!("{src:?} failed: {e}"))
        .statement
}

fn create_table(src: &str) -> CreateTableStatement {
    match one(src) {
        Statement::CreateTable(s) => *s,
        other => panic!("{src:?} is not CREATE TABLE: {other:?}"),
    }
}

fn column_type(ty: &str) -> CqlTypeSyntax {
    let t = create_table(&format!("CREATE TABLE t (k int PRIMARY KEY, v {ty})"));
    t.columns[1].ty.clone()
}

fn native(n: NativeType) -> CqlTypeSyntax {
    CqlTypeSyntax::Native(n)
}

fn boxed(t: CqlTypeSyntax) -> Box<CqlTypeSyntax> {
    Box::new(t)
}

fn qn(ks: Option<&str>, name: &str) -> QualifiedName {
    QualifiedName {
        keyspace: ks.map(str::to_owned),
        name: name.into(),
    }
}

fn constant_text(p: &Property) -> String {
    p.value.as_text().unwrap()
}

// ----- Keyspaces -----

#[test]
fn create_keyspace() {
    let src = "CREATE KEYSPACE IF NOT EXISTS ks WITH replication = {'class': \
               'NetworkTopologyStrategy', 'dc1': 3, 'dc2': '2'} AND durable_writes = false";
    let Statement::CreateKeyspace(ks) = one(src) else {
        panic!()
    };
    assert_eq!(ks.keyspace, "ks");
    assert!(ks.if_not_exists);
    assert_eq!(ks.properties.len(), 2);
    assert_eq!(ks.properties[0].name, "replication");
    let map = ks.properties[0].value.as_map().unwrap();
    let entries: Vec<_> = map
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_text().unwrap()))
        .collect();
    assert_eq!(
        entries,
        vec![
            ("class", "NetworkTopologyStrategy".to_owned()),
            ("dc1", "3".to_owned()),
            ("dc2", "2".to_owned())
        ]
    );
    assert_eq!(ks.properties[1].name, "durable_writes");
    assert_eq!(
        ks.properties[1].value,
        PropertyValue::Constant(Literal::Boolean(false))
    );
    assert_eq!(
        ks.properties[1].span.text(src),
        Some("durable_writes = false")
    );

    let Statement::CreateKeyspace(ks) = one(
        "create schema \"MyKs\" with REPLICATION = {'class' : 'SimpleStrategy', \
         'replication_factor' : 1}",
    ) else {
        panic!()
    };
    assert_eq!(ks.keyspace, "MyKs");
    assert!(!ks.if_not_exists);
    assert_eq!(ks.properties[0].name, "replication");

    // ScyllaDB accepts a keyspace without options.
    let Statement::CreateKeyspace(ks) = one("CREATE KEYSPACE ks") else {
        panic!()
    };
    assert!(ks.properties.is_empty());
}

#[test]
fn nested_property_maps() {
    let Statement::CreateKeyspace(ks) = one(
        "CREATE KEYSPACE ks WITH replication = {'class': 'NetworkTopologyStrategy'} \
         AND tablets = {'enabled': false, 'nested': {'a': 1}}",
    ) else {
        panic!()
    };
    let tablets = ks.properties[1].value.as_map().unwrap();
    assert_eq!(tablets[0].0, "enabled");
    assert_eq!(tablets[0].1.as_text().as_deref(), Some("false"));
    assert_eq!(tablets[1].1.as_map().unwrap()[0].0, "a");
}

#[test]
fn alter_and_drop_keyspace() {
    let Statement::AlterKeyspace(a) =
        one("ALTER KEYSPACE ks WITH durable_writes = true AND replication = {}")
    else {
        panic!()
    };
    assert_eq!(a.keyspace, "ks");
    assert_eq!(a.properties.len(), 2);
    assert_eq!(a.properties[1].value, PropertyValue::Map(vec![]));

    assert_eq!(
        one("DROP KEYSPACE IF EXISTS ks"),
        Statement::DropKeyspace(DropKeyspaceStatement {
            keyspace: "ks".into(),
            if_exists: true
        })
    );
    assert_eq!(
        one("drop schema ks"),
        Statement::DropKeyspace(DropKeyspaceStatement {
            keyspace: "ks".into(),
            if_exists: false
        })
    );
}

#[test]
fn property_errors() {
    let e = parse_statement("CREATE KEYSPACE ks WITH a = 1 AND a = 2").unwrap_err();
    assert_eq!(e.message, "Multiple definition for property a");
    let e = parse_statement("CREATE KEYSPACE ks WITH replication = {'a': 1, 'a': 2}").unwrap_err();
    assert_eq!(e.message, "Multiple definition for property a");
    let e = parse_statement("CREATE KEYSPACE ks WITH replication = {'class': ?}").unwrap_err();
    assert!(
        e.message
            .contains("bind variables are not supported in DDL queries"),
        "{e}"
    );
    let e = parse_statement("CREATE KEYSPACE ks WITH replication = {?: 1}").unwrap_err();
    assert!(e.message.starts_with("Invalid property name: ?"), "{e}");
    let e = parse_statement("CREATE KEYSPACE ks WITH durable_writes = ?").unwrap_err();
    assert!(e.message.starts_with("Invalid property value: ?"), "{e}");
    assert!(parse_statement("CREATE KEYSPACE ? WITH a = 1").is_err());
}

// ----- Tables -----

#[test]
fn create_table_inline_primary_key() {
    let src = "CREATE TABLE IF NOT EXISTS ks.users (id uuid PRIMARY KEY, name text, \"Age\" int)";
    let t = create_table(src);
    assert_eq!(t.table, qn(Some("ks"), "users"));
    assert!(t.if_not_exists);
    let names: Vec<_> = t.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["id", "name", "Age"]);
    assert_eq!(t.columns[0].ty, native(NativeType::Uuid));
    assert_eq!(t.columns[1].span.text(src), Some("name text"));
    let pk = t.primary_key().unwrap();
    assert_eq!(pk.partition_key, vec!["id"]);
    assert!(pk.clustering_columns.is_empty());
    assert!(!t.compact_storage);
}

#[test]
fn create_table_composite_primary_key_and_options() {
    let t = create_table(
        "CREATE TABLE t (a int, b text, c timestamp, d int, s int STATIC, \
         PRIMARY KEY ((a, b), c, d),) \
         WITH CLUSTERING ORDER BY (c DESC, d ASC) AND comment = 'hi' \
         AND compaction = {'class': 'SizeTieredCompactionStrategy', 'min_threshold': 4} \
         AND gc_grace_seconds = 0 AND bloom_filter_fp_chance = 0.01 \
         AND caching = {'keys': 'ALL', 'rows_per_partition': 'NONE'} \
         AND speculative_retry = '99.0PERCENTILE' AND default_time_to_live = 0",
    );
    let pk = t.primary_key().unwrap();
    assert_eq!(pk.partition_key, vec!["a", "b"]);
    assert_eq!(pk.clustering_columns, vec!["c", "d"]);
    assert!(t.columns[4].is_static);
    assert!(!t.columns[3].is_static);
    assert_eq!(
        t.clustering_order,
        vec![
            ClusteringOrder {
                column: "c".into(),
                descending: true
            },
            ClusteringOrder {
                column: "d".into(),
                descending: false
            }
        ]
    );
    let names: Vec<_> = t.properties.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "comment",
            "compaction",
            "gc_grace_seconds",
            "bloom_filter_fp_chance",
            "caching",
            "speculative_retry",
            "default_time_to_live"
        ]
    );
    assert_eq!(constant_text(&t.properties[0]), "hi");
    assert_eq!(constant_text(&t.properties[3]), "0.01");
}

#[test]
fn create_table_simple_primary_key_clause_and_compact_storage() {
    let t = create_table(
        "CREATE COLUMNFAMILY t (a int, b int, PRIMARY KEY (a, b)) WITH COMPACT STORAGE",
    );
    let pk = t.primary_key().unwrap();
    assert_eq!(pk.partition_key, vec!["a"]);
    assert_eq!(pk.clustering_columns, vec!["b"]);
    assert!(t.compact_storage);
}

#[test]
fn create_table_primary_key_count_is_left_to_the_executor() {
    let t = create_table("CREATE TABLE t (a int, b int)");
    assert!(t.primary_keys.is_empty());
    assert!(t.primary_key().is_none());
    let t = create_table("CREATE TABLE t (a int PRIMARY KEY, b int PRIMARY KEY)");
    assert_eq!(t.primary_keys.len(), 2);
    assert!(t.primary_key().is_none());
}

#[test]
fn column_types() {
    use NativeType::*;
    let natives = [
        ("ascii", Ascii),
        ("bigint", BigInt),
        ("blob", Blob),
        ("boolean", Boolean),
        ("counter", Counter),
        ("date", Date),
        ("decimal", Decimal),
        ("double", Double),
        ("duration", Duration),
        ("float", Float),
        ("inet", Inet),
        ("int", Int),
        ("smallint", SmallInt),
        ("text", Text),
        ("varchar", Text),
        ("time", Time),
        ("timestamp", Timestamp),
        ("timeuuid", Timeuuid),
        ("tinyint", TinyInt),
        ("uuid", Uuid),
        ("varint", Varint),
        ("TEXT", Text),
    ];
    for (name, n) in natives {
        assert_eq!(column_type(name), native(n), "{name}");
    }
    assert_eq!(
        column_type("list<int>"),
        CqlTypeSyntax::List(boxed(native(Int)))
    );
    assert_eq!(
        column_type("set<text>"),
        CqlTypeSyntax::Set(boxed(native(Text)))
    );
    assert_eq!(
        column_type("map<text, frozen<list<int>>>"),
        CqlTypeSyntax::Map(
            boxed(native(Text)),
            boxed(CqlTypeSyntax::Frozen(boxed(CqlTypeSyntax::List(boxed(
                native(Int)
            )))))
        )
    );
    assert_eq!(
        column_type("tuple<int, text, frozen<address>>"),
        CqlTypeSyntax::Tuple(vec![
            native(Int),
            native(Text),
            CqlTypeSyntax::Frozen(boxed(CqlTypeSyntax::UserType(qn(None, "address"))))
        ])
    );
    assert_eq!(
        column_type("vector<float, 3>"),
        CqlTypeSyntax::Vector(boxed(native(Float)), 3)
    );
    assert_eq!(
        column_type("ks.\"Addr\""),
        CqlTypeSyntax::UserType(qn(Some("ks"), "Addr"))
    );
    assert_eq!(
        column_type("frozen<map<int, set<int>>>").to_string(),
        "frozen<map<int, set<int>>>"
    );
    // Unreserved type-constructor words are UDT names when not followed by '<'.
    assert_eq!(
        column_type("tuple"),
        CqlTypeSyntax::UserType(qn(None, "tuple"))
    );
}

#[test]
fn type_errors() {
    let e = parse_statement("CREATE TABLE t (k int PRIMARY KEY, v byte)").unwrap_err();
    assert_eq!(e.message, "Invalid (reserved) user type name byte");
    let e = parse_statement("CREATE TABLE t (k int PRIMARY KEY, v vector<float, -1>)").unwrap_err();
    assert_eq!(e.message, "Vectors must have a dimension greater than 0");
    let e = parse_statement("CREATE TABLE t (k int PRIMARY KEY, v vector<float, 99999999999>)")
        .unwrap_err();
    assert_eq!(e.message, "Invalid vector dimension: 99999999999");
    assert!(parse_statement("CREATE TABLE t (k int PRIMARY KEY, v list<int)").is_err());
    assert!(parse_statement("CREATE TABLE t (k int PRIMARY KEY, v map<int>)").is_err());
    assert!(parse_statement("CREATE TABLE t (k int PRIMARY KEY, v set)").is_err());
    assert!(parse_statement("CREATE TABLE t (k int PRIMARY KEY, v frozen<>)").is_err());
}

#[test]
fn clustering_order_needs_a_direction() {
    let e = parse_statement(
        "CREATE TABLE t (a int, b int, PRIMARY KEY (a, b)) WITH CLUSTERING ORDER BY (b)",
    )
    .unwrap_err();
    assert!(
        e.message.contains("no viable alternative at input ')'"),
        "{e}"
    );
}

#[test]
fn alter_table_forms() {
    let alter = |src: &str| match one(src) {
        Statement::AlterTable(a) => *a,
        other => panic!("{other:?}"),
    };
    let a = alter("ALTER TABLE ks.t ADD c int");
    assert_eq!(a.table, qn(Some("ks"), "t"));
    let AlterTableAction::Add(defs) = a.action else {
        panic!()
    };
    assert_eq!(defs.len(), 1);
    assert_eq!(defs[0].name, "c");

    let a = alter("ALTER TABLE t ADD (c int, d list<text> static)");
    let AlterTableAction::Add(defs) = a.action else {
        panic!()
    };
    assert_eq!(defs.len(), 2);
    assert!(defs[1].is_static);
    assert_eq!(
        defs[1].ty,
        CqlTypeSyntax::List(boxed(native(NativeType::Text)))
    );

    let AlterTableAction::Add(defs) = alter("ALTER TABLE t ADD c int, d text STATIC").action else {
        panic!()
    };
    let names: Vec<_> = defs
        .iter()
        .map(|d| (d.name.as_str(), d.is_static))
        .collect();
    assert_eq!(names, [("c", false), ("d", true)]);

    assert_eq!(
        alter("ALTER TABLE t DROP c").action,
        AlterTableAction::Drop {
            columns: vec!["c".into()],
            timestamp: None
        }
    );
    assert_eq!(
        alter("ALTER TABLE t DROP (c, d) USING TIMESTAMP 10").action,
        AlterTableAction::Drop {
            columns: vec!["c".into(), "d".into()],
            timestamp: Some(Term::Literal(Literal::Integer("10".into())))
        }
    );
    assert_eq!(
        alter("ALTER TABLE t RENAME a TO b AND c TO \"D\"").action,
        AlterTableAction::Rename(vec![("a".into(), "b".into()), ("c".into(), "D".into())])
    );
    assert_eq!(
        alter("ALTER TABLE t ALTER c TYPE blob").action,
        AlterTableAction::AlterColumnType {
            column: "c".into(),
            ty: native(NativeType::Blob)
        }
    );
    let AlterTableAction::WithProperties(props) =
        alter("ALTER TABLE t WITH comment = 'x' AND gc_grace_seconds = 10").action
    else {
        panic!()
    };
    assert_eq!(props.len(), 2);
    assert!(parse_statement("ALTER TABLE t").is_err());
}

#[test]
fn drop_table() {
    assert_eq!(
        one("DROP TABLE IF EXISTS ks.t"),
        Statement::DropTable(DropTableStatement {
            table: qn(Some("ks"), "t"),
            if_exists: true
        })
    );
    assert_eq!(
        one("DROP COLUMNFAMILY t"),
        Statement::DropTable(DropTableStatement {
            table: qn(None, "t"),
            if_exists: false
        })
    );
}

// ----- User-defined types -----

#[test]
fn type_statements() {
    let Statement::CreateType(t) =
        one("CREATE TYPE IF NOT EXISTS ks.address (street text, zip int, tags frozen<set<text>>,)")
    else {
        panic!()
    };
    assert_eq!(t.name, qn(Some("ks"), "address"));
    assert!(t.if_not_exists);
    let fields: Vec<_> = t.fields.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(fields, ["street", "zip", "tags"]);

    let Statement::AlterType(a) = one("ALTER TYPE address ADD country text") else {
        panic!()
    };
    assert_eq!(
        a.action,
        AlterTypeAction::Add(FieldDefinition {
            name: "country".into(),
            ty: native(NativeType::Text)
        })
    );
    let Statement::AlterType(a) = one("ALTER TYPE address RENAME zip TO postcode AND a TO b")
    else {
        panic!()
    };
    assert_eq!(
        a.action,
        AlterTypeAction::Rename(vec![
            ("zip".into(), "postcode".into()),
            ("a".into(), "b".into())
        ])
    );
    let Statement::AlterType(a) = one("ALTER TYPE address ALTER zip TYPE bigint") else {
        panic!()
    };
    assert!(matches!(a.action, AlterTypeAction::AlterFieldType { .. }));

    assert_eq!(
        one("DROP TYPE IF EXISTS ks.address"),
        Statement::DropType(DropTypeStatement {
            name: qn(Some("ks"), "address"),
            if_exists: true
        })
    );

    // A type cannot be named like a native type.
    assert!(parse_statement("CREATE TYPE text (a int)").is_err());
    assert!(parse_statement("CREATE TYPE \"text\" (a int)").is_ok());
    let e = parse_statement("CREATE TYPE interval (a int)").unwrap_err();
    assert_eq!(e.message, "Invalid (reserved) user type name interval");
}

// ----- DESCRIBE -----

#[test]
fn describe_statements() {
    let d = |src: &str| match one(src) {
        Statement::Describe(d) => d,
        other => panic!("{other:?}"),
    };
    assert_eq!(d("DESCRIBE CLUSTER").target, DescribeTarget::Cluster);
    assert_eq!(
        d("DESC SCHEMA").target,
        DescribeTarget::Schema { full: false }
    );
    assert_eq!(
        d("DESC FULL SCHEMA").target,
        DescribeTarget::Schema { full: true }
    );
    assert_eq!(d("DESC KEYSPACES").target, DescribeTarget::Keyspaces);
    assert_eq!(
        d("DESC KEYSPACE").target,
        DescribeTarget::Keyspace {
            name: None,
            only: false
        }
    );
    assert_eq!(
        d("DESC ONLY KEYSPACE ks").target,
        DescribeTarget::Keyspace {
            name: Some("ks".into()),
            only: true
        }
    );
    assert_eq!(d("DESC TABLES").target, DescribeTarget::Tables);
    assert_eq!(
        d("DESC TABLE ks.t").target,
        DescribeTarget::Table(qn(Some("ks"), "t"))
    );
    assert_eq!(
        d("DESC INDEX ks.i").target,
        DescribeTarget::Index(qn(Some("ks"), "i"))
    );
    assert_eq!(
        d("DESC MATERIALIZED VIEW v").target,
        DescribeTarget::MaterializedView(qn(None, "v"))
    );
    assert_eq!(d("DESC TYPES").target, DescribeTarget::Types);
    assert_eq!(
        d("DESC TYPE ks.a").target,
        DescribeTarget::Type(qn(Some("ks"), "a"))
    );
    assert_eq!(d("DESC FUNCTIONS").target, DescribeTarget::Functions);
    assert_eq!(
        d("DESC FUNCTION ks.f").target,
        DescribeTarget::Function(qn(Some("ks"), "f"))
    );
    assert_eq!(d("DESC AGGREGATES").target, DescribeTarget::Aggregates);
    assert_eq!(
        d("DESC AGGREGATE a").target,
        DescribeTarget::Aggregate(qn(None, "a"))
    );
    assert_eq!(
        d("DESCRIBE ks.t").target,
        DescribeTarget::Generic(qn(Some("ks"), "t"))
    );
    let x = d("DESCRIBE ks WITH INTERNALS");
    assert_eq!(x.target, DescribeTarget::Generic(qn(None, "ks")));
    assert!(x.with_internals);
    assert!(d("DESC SCHEMA WITH INTERNALS AND PASSWORDS").with_internals);
}

// ----- Unsupported statements -----

fn unsupported(src: &str) -> UnsupportedStatement {
    match one(src) {
        Statement::Unsupported(u) => u,
        other => panic!("{src:?} is not unsupported: {other:?}"),
    }
}

#[test]
fn unsupported_statements_parse_to_a_clear_variant() {
    use UnsupportedKind::*;
    let cases: &[(&str, UnsupportedKind, Option<&str>)] = &[
        ("CREATE INDEX ON ks.t (c)", CreateIndex, Some("ks.t")),
        (
            "CREATE INDEX IF NOT EXISTS idx ON t (keys(m))",
            CreateIndex,
            Some("idx"),
        ),
        (
            "CREATE CUSTOM INDEX idx ON t (c) USING 'org.Foo' WITH options = {'a': 'b'}",
            CreateIndex,
            Some("idx"),
        ),
        ("CREATE INDEX i ON t ((a, b), c)", CreateIndex, Some("i")),
        (
            "CREATE INDEX i ON t (values(l), entries(m), full(f))",
            CreateIndex,
            Some("i"),
        ),
        ("DROP INDEX IF EXISTS ks.idx", DropIndex, Some("ks.idx")),
        (
            "CREATE MATERIALIZED VIEW IF NOT EXISTS ks.v AS SELECT a, b FROM ks.t \
             WHERE a IS NOT NULL AND b IS NOT NULL PRIMARY KEY ((b), a) \
             WITH CLUSTERING ORDER BY (a DESC) AND comment = 'x'",
            CreateMaterializedView,
            Some("ks.v"),
        ),
        (
            "CREATE MATERIALIZED VIEW v AS SELECT * FROM t PRIMARY KEY (b, a)",
            CreateMaterializedView,
            Some("v"),
        ),
        (
            "ALTER MATERIALIZED VIEW v WITH comment = 'x'",
            AlterMaterializedView,
            Some("v"),
        ),
        (
            "DROP MATERIALIZED VIEW IF EXISTS ks.v",
            DropMaterializedView,
            Some("ks.v"),
        ),
        (
            "PRUNE MATERIALIZED VIEW v WHERE token(a) > 0 USING TIMEOUT 1s AND CONCURRENCY 2",
            PruneMaterializedView,
            Some("v"),
        ),
        (
            "CREATE OR REPLACE FUNCTION ks.f(a int, b text) CALLED ON NULL INPUT RETURNS int \
             LANGUAGE lua AS 'return a'",
            CreateFunction,
            Some("ks.f"),
        ),
        (
            "CREATE FUNCTION IF NOT EXISTS f() RETURNS NULL ON NULL INPUT RETURNS int \
             LANGUAGE java AS $$ return 1; $$",
            CreateFunction,
            Some("f"),
        ),
        (
            "DROP FUNCTION IF EXISTS ks.f(int, text)",
            DropFunction,
            Some("ks.f"),
        ),
        ("DROP FUNCTION f", DropFunction, Some("f")),
        (
            "CREATE AGGREGATE ks.avg2(int) SFUNC st STYPE tuple<int, bigint> \
             FINALFUNC fin INITCOND (0, 0)",
            CreateAggregate,
            Some("ks.avg2"),
        ),
        (
            "CREATE OR REPLACE AGGREGATE a(int) SFUNC s STYPE int REDUCEFUNC r",
            CreateAggregate,
            Some("a"),
        ),
        ("DROP AGGREGATE a(int)", DropAggregate, Some("a")),
        (
            "CREATE TRIGGER tr ON ks.t USING 'org.Trigger'",
            CreateTrigger,
            Some("tr"),
        ),
        ("DROP TRIGGER IF EXISTS tr ON t", DropTrigger, Some("tr")),
        (
            "CREATE USER IF NOT EXISTS bob WITH PASSWORD 'pw' SUPERUSER",
            CreateUser,
            Some("bob"),
        ),
        ("CREATE USER 'Bob'", CreateUser, Some("Bob")),
        (
            "ALTER USER bob WITH PASSWORD 'x' NOSUPERUSER",
            AlterUser,
            Some("bob"),
        ),
        ("DROP USER IF EXISTS bob", DropUser, Some("bob")),
        ("LIST USERS", ListUsers, None),
        (
            "CREATE ROLE IF NOT EXISTS r WITH PASSWORD = 'p' AND LOGIN = true AND \
             SUPERUSER = false AND OPTIONS = {'a': 1}",
            CreateRole,
            Some("r"),
        ),
        ("ALTER ROLE \"R\" WITH LOGIN = false", AlterRole, Some("R")),
        ("DROP ROLE IF EXISTS r", DropRole, Some("r")),
        ("LIST ROLES", ListRoles, None),
        ("LIST ROLES OF bob NORECURSIVE", ListRoles, Some("bob")),
        ("GRANT r1 TO r2", GrantRole, Some("r1")),
        ("REVOKE r1 FROM r2", RevokeRole, Some("r1")),
        (
            "GRANT SELECT ON KEYSPACE ks TO bob",
            GrantPermissions,
            Some("bob"),
        ),
        (
            "GRANT ALL PERMISSIONS ON ALL KEYSPACES TO bob",
            GrantPermissions,
            Some("bob"),
        ),
        (
            "GRANT MODIFY PERMISSION, SELECT ON TABLE ks.t TO bob",
            GrantPermissions,
            Some("bob"),
        ),
        (
            "GRANT EXECUTE ON FUNCTION ks.f(int) TO bob",
            GrantPermissions,
            Some("bob"),
        ),
        (
            "GRANT ALL ON ALL FUNCTIONS IN KEYSPACE ks TO bob",
            GrantPermissions,
            Some("bob"),
        ),
        (
            "GRANT AUTHORIZE ON ROLE r TO bob",
            GrantPermissions,
            Some("bob"),
        ),
        (
            "REVOKE DESCRIBE ON ALL ROLES FROM bob",
            RevokePermissions,
            Some("bob"),
        ),
        (
            "REVOKE ALL ON ks.t FROM bob",
            RevokePermissions,
            Some("bob"),
        ),
        ("LIST ALL PERMISSIONS OF bob", ListPermissions, Some("bob")),
        ("LIST ALL", ListPermissions, None),
        (
            "LIST SELECT ON KEYSPACE ks OF bob NORECURSIVE",
            ListPermissions,
            Some("bob"),
        ),
        (
            "CREATE SERVICE_LEVEL IF NOT EXISTS sl WITH timeout = 10ms AND shares = 100",
            ServiceLevel,
            Some("sl"),
        ),
        ("CREATE SERVICE LEVEL sl", ServiceLevel, Some("sl")),
        (
            "ALTER SERVICE_LEVEL sl WITH workload_type = 'batch'",
            ServiceLevel,
            Some("sl"),
        ),
        ("DROP SERVICE LEVEL IF EXISTS sl", ServiceLevel, Some("sl")),
        ("ATTACH SERVICE_LEVEL sl TO bob", ServiceLevel, Some("sl")),
        ("DETACH SERVICE_LEVEL FROM bob", ServiceLevel, Some("bob")),
        ("LIST SERVICE_LEVEL sl", ServiceLevel, Some("sl")),
        ("LIST ALL SERVICE_LEVELS", ServiceLevel, None),
        ("LIST ALL SERVICE LEVELS", ServiceLevel, None),
        ("LIST ALL ATTACHED SERVICE_LEVELS", ServiceLevel, None),
        (
            "LIST ATTACHED SERVICE_LEVEL OF bob",
            ServiceLevel,
            Some("bob"),
        ),
        (
            "LIST EFFECTIVE SERVICE LEVEL OF bob",
            ServiceLevel,
            Some("bob"),
        ),
    ];
    for (src, kind, name) in cases {
        let u = unsupported(src);
        assert_eq!(u.kind, *kind, "{src}");
        assert_eq!(u.name.as_deref(), *name, "{src}");
    }
    assert_eq!(CreateIndex.description(), "CREATE INDEX");
    assert_eq!(SelectJson.to_string(), "SELECT JSON");
}

#[test]
fn unsupported_statements_still_check_syntax() {
    for src in [
        "CREATE INDEX ON t",
        "CREATE INDEX i ON t (c",
        "CREATE MATERIALIZED VIEW v AS SELECT * FROM t",
        "CREATE FUNCTION f() RETURNS int LANGUAGE java AS 'x'",
        "GRANT SELECT ON KEYSPACE ks",
        "CREATE USER \"bob\"",
        "CREATE ROLE r WITH PASSWORD 'p'",
        "LIST",
        "DROP USER",
    ] {
        assert!(parse_statement(src).is_err(), "{src}");
    }
    let e = parse_statement("CREATE USER \"bob\"").unwrap_err();
    assert_eq!(e.message, "Quoted strings are not supported for user names");
}
