//! Schema statements through the executor: results, events, errors and what
//! `system_schema` shows afterwards.

mod exec_support;

use exec_support::*;
use scylla_cql::frame::response::error::DbError;
use scylla_cql::frame::response::event::{SchemaChangeEvent, SchemaChangeType};
use scylla_cql::value::CqlValue;
use scylla_sim::cluster::ClusterEvent;

fn map_of(v: &Option<CqlValue>) -> Vec<(String, String)> {
    v.clone()
        .and_then(CqlValue::into_pair_vec)
        .unwrap_or_default()
        .into_iter()
        .map(|(k, v)| (k.into_string().unwrap(), v.into_string().unwrap()))
        .collect()
}

#[test]
fn keyspace_lifecycle_with_events_and_results() {
    let mut s = Sim::new(3);
    let mut events = s.cluster.subscribe();
    let r = s.q(
        "CREATE KEYSPACE ks WITH replication = {'class': 'NetworkTopologyStrategy', 'dc1': 2} AND durable_writes = false",
    );
    match &r.res {
        Res::SchemaChange(SchemaChangeEvent::KeyspaceChange {
            change_type,
            keyspace_name,
        }) => {
            assert_eq!(*change_type, SchemaChangeType::Created);
            assert_eq!(keyspace_name, "ks");
        }
        other => panic!("{other:?}"),
    }
    match events.try_recv().unwrap() {
        ClusterEvent::Schema(SchemaChangeEvent::KeyspaceChange { keyspace_name, .. }) => {
            assert_eq!(keyspace_name, "ks")
        }
        other => panic!("{other:?}"),
    }
    let e = s
        .q("CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}")
        .err()
        .clone();
    assert_eq!(
        e.error,
        DbError::AlreadyExists {
            keyspace: "ks".into(),
            table: "".into()
        }
    );
    // IF NOT EXISTS on an existing keyspace: nothing happens, no event.
    assert!(matches!(
        s.q("CREATE KEYSPACE IF NOT EXISTS ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}")
            .res,
        Res::Void
    ));
    assert!(events.try_recv().is_err());

    let rows = s
        .q("SELECT * FROM system_schema.keyspaces WHERE keyspace_name = 'ks'")
        .rows()
        .clone();
    assert_eq!(rows.rows.len(), 1);
    assert_eq!(
        rows.column("durable_writes")[0],
        Some(CqlValue::Boolean(false))
    );
    assert_eq!(
        map_of(&rows.column("replication")[0]),
        vec![
            (
                "class".to_string(),
                "org.apache.cassandra.locator.NetworkTopologyStrategy".to_string()
            ),
            ("dc1".to_string(), "2".to_string())
        ]
    );

    s.q(
        "ALTER KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
    )
    .ok();
    let rows = s
        .q("SELECT replication FROM system_schema.keyspaces WHERE keyspace_name = 'ks'")
        .rows()
        .clone();
    assert!(map_of(&rows.rows[0][0]).contains(&("replication_factor".into(), "1".into())));

    // Unknown datacenters and bad strategies are configuration errors.
    let e =
        s.q("CREATE KEYSPACE k2 WITH replication = {'class': 'NetworkTopologyStrategy', 'dc9': 1}");
    assert_eq!(e.err().error, DbError::ConfigError);
    let e = s.q("CREATE KEYSPACE k2 WITH replication = {'class': 'NoSuchStrategy'}");
    assert_eq!(e.err().error, DbError::ConfigError);
    let e = s.q("CREATE KEYSPACE k2 WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1} AND foo = 1");
    assert_eq!(e.err().error, DbError::SyntaxError);

    assert!(matches!(
        s.q("DROP KEYSPACE ks").res,
        Res::SchemaChange(SchemaChangeEvent::KeyspaceChange {
            change_type: SchemaChangeType::Dropped,
            ..
        })
    ));
    assert!(matches!(s.q("DROP KEYSPACE IF EXISTS ks").res, Res::Void));
    assert_eq!(s.q("DROP KEYSPACE ks").err().error, DbError::ConfigError);
    // System keyspaces are not user-modifiable.
    assert_eq!(
        s.q("DROP KEYSPACE system").err().error,
        DbError::Unauthorized
    );
}

#[test]
fn tables_columns_and_options_in_system_schema() {
    let mut s = Sim::with_keyspace();
    s.q("CREATE TYPE addr (street text, nums frozen<list<int>>)")
        .ok();
    let r = s.q(
        "CREATE TABLE t (a int, b text, c timeuuid, d int static, m map<text, int>, f frozen<set<bigint>>, \
         u addr, tu tuple<int, text>, v vector<float, 3>, PRIMARY KEY ((a, b), c)) \
         WITH CLUSTERING ORDER BY (c DESC) AND comment = 'hello' AND gc_grace_seconds = 10 \
         AND compaction = {'class': 'LeveledCompactionStrategy'} \
         AND per_partition_rate_limit = {'max_writes_per_second': 100}",
    );
    assert!(matches!(
        r.res,
        Res::SchemaChange(SchemaChangeEvent::TableChange {
            change_type: SchemaChangeType::Created,
            ..
        })
    ));
    let cols = s
        .q("SELECT column_name, kind, position, type, clustering_order FROM system_schema.columns WHERE keyspace_name = 'ks' AND table_name = 't'")
        .rows()
        .clone();
    let find = |name: &str| -> Vec<Option<CqlValue>> {
        cols.rows
            .iter()
            .find(|r| r[0] == cv_text(name))
            .unwrap_or_else(|| panic!("column {name}"))
            .clone()
    };
    assert_eq!(
        find("a")[1..],
        [
            cv_text("partition_key"),
            cv_int(0),
            cv_text("int"),
            cv_text("none")
        ]
    );
    assert_eq!(
        find("b")[1..],
        [
            cv_text("partition_key"),
            cv_int(1),
            cv_text("text"),
            cv_text("none")
        ]
    );
    assert_eq!(
        find("c")[1..],
        [
            cv_text("clustering"),
            cv_int(0),
            cv_text("timeuuid"),
            cv_text("desc")
        ]
    );
    assert_eq!(find("d")[1..3], [cv_text("static"), cv_int(-1)]);
    assert_eq!(find("m")[3], cv_text("map<text, int>"));
    assert_eq!(find("f")[3], cv_text("frozen<set<bigint>>"));
    assert_eq!(find("u")[3], cv_text("addr"));
    assert_eq!(find("tu")[3], cv_text("frozen<tuple<int, text>>"));
    assert_eq!(find("v")[3], cv_text("vector<float, 3>"));
    // Clustering columns come back in the table's clustering order... rows are ordered
    // by column name here (the clustering key of system_schema.columns).
    let names: Vec<_> = cols.texts("column_name").into_iter().flatten().collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted);

    let t = s
        .q("SELECT * FROM system_schema.tables WHERE keyspace_name = 'ks' AND table_name = 't'")
        .rows()
        .clone();
    assert_eq!(t.rows.len(), 1);
    assert_eq!(t.column("comment")[0], cv_text("hello"));
    assert_eq!(t.column("gc_grace_seconds")[0], cv_int(10));
    assert_eq!(t.column("default_time_to_live")[0], cv_int(0));
    let compaction = map_of(&t.column("compaction")[0]);
    assert!(compaction.contains(&(
        "class".into(),
        "org.apache.cassandra.db.compaction.LeveledCompactionStrategy".into()
    )));
    let ext = t.column("extensions")[0]
        .clone()
        .unwrap()
        .into_pair_vec()
        .unwrap();
    assert!(
        ext.iter()
            .any(|(k, _)| k.as_text().unwrap() == "per_partition_rate_limit")
    );
    assert!(matches!(t.column("id")[0], Some(CqlValue::Uuid(_))));
    let flags = t.column("flags")[0].clone().unwrap().into_vec().unwrap();
    assert_eq!(flags, vec![CqlValue::Text("compound".into())]);

    let types = s
        .q("SELECT * FROM system_schema.types WHERE keyspace_name = 'ks'")
        .rows()
        .clone();
    assert_eq!(types.column("type_name"), vec![cv_text("addr")]);
    assert_eq!(
        types.column("field_types")[0]
            .clone()
            .unwrap()
            .into_vec()
            .unwrap(),
        vec![
            CqlValue::Text("text".into()),
            CqlValue::Text("frozen<list<int>>".into())
        ]
    );

    // The empty tables exist with their columns.
    for t in ["functions", "aggregates", "views", "indexes", "triggers"] {
        let r = s.q(&format!("SELECT * FROM system_schema.{t}"));
        assert!(r.rows().rows.is_empty(), "{t}");
        assert!(r.rows().names.contains(&"keyspace_name".to_string()));
    }
    // System keyspaces show up as real servers show them.
    let ks = s
        .q("SELECT keyspace_name FROM system_schema.keyspaces")
        .rows()
        .texts("keyspace_name");
    for k in ["system", "system_schema", "system_traces", "ks"] {
        assert!(ks.contains(&Some(k.to_string())), "{k} in {ks:?}");
    }
    let local = s
        .q("SELECT table_name FROM system_schema.tables WHERE keyspace_name = 'system'")
        .rows()
        .texts("table_name");
    assert!(local.contains(&Some("local".into())) && local.contains(&Some("peers".into())));
}

#[test]
fn alter_and_drop_table() {
    let mut s = Sim::with_keyspace();
    s.q("CREATE TABLE t (k int PRIMARY KEY, v int)").ok();
    s.q("INSERT INTO t (k, v) VALUES (1, 2)").ok();
    let r = s.q("ALTER TABLE t ADD w text");
    assert!(matches!(
        r.res,
        Res::SchemaChange(SchemaChangeEvent::TableChange {
            change_type: SchemaChangeType::Updated,
            ..
        })
    ));
    let rows = s.q("SELECT * FROM t").rows().clone();
    assert_eq!(rows.names, ["k", "v", "w"]);
    assert_eq!(rows.rows, vec![vec![cv_int(1), cv_int(2), None]]);
    s.q("ALTER TABLE t DROP v").ok();
    assert_eq!(s.q("SELECT * FROM t").rows().names, ["k", "w"]);
    let dropped = s
        .q("SELECT column_name, type FROM system_schema.dropped_columns WHERE keyspace_name = 'ks'")
        .rows()
        .clone();
    assert_eq!(dropped.rows, vec![vec![cv_text("v"), cv_text("int")]]);
    s.q("ALTER TABLE t WITH comment = 'x' AND default_time_to_live = 60")
        .ok();
    let t = s.q("SELECT comment, default_time_to_live FROM system_schema.tables WHERE keyspace_name = 'ks' AND table_name = 't'");
    assert_eq!(t.rows().rows, vec![vec![cv_text("x"), cv_int(60)]]);
    s.q("ALTER TABLE t RENAME k TO key").ok();
    assert_eq!(s.q("SELECT key FROM t").rows().rows.len(), 1);
    assert!(
        s.q("ALTER TABLE t ALTER w TYPE blob")
            .invalid()
            .contains("no longer supported")
    );
    assert!(
        s.q("ALTER TABLE t ADD w int")
            .invalid()
            .contains("conflicts")
    );
    assert_eq!(
        s.q("ALTER TABLE t WITH nonsense = 1").err().error,
        DbError::SyntaxError
    );

    assert!(matches!(
        s.q("DROP TABLE t").res,
        Res::SchemaChange(SchemaChangeEvent::TableChange {
            change_type: SchemaChangeType::Dropped,
            ..
        })
    ));
    assert!(
        s.q("SELECT * FROM t")
            .invalid()
            .contains("unconfigured table t")
    );
    assert!(matches!(s.q("DROP TABLE IF EXISTS t").res, Res::Void));
}

#[test]
fn create_table_errors() {
    let mut s = Sim::with_keyspace();
    s.q("CREATE TABLE t (k int PRIMARY KEY)").ok();
    let e = s.q("CREATE TABLE t (k int PRIMARY KEY)").err().clone();
    assert_eq!(
        e.error,
        DbError::AlreadyExists {
            keyspace: "ks".into(),
            table: "t".into()
        }
    );
    assert!(matches!(
        s.q("CREATE TABLE IF NOT EXISTS t (k int PRIMARY KEY)").res,
        Res::Void
    ));
    assert!(
        s.q("CREATE TABLE u (k int)")
            .invalid()
            .contains("No PRIMARY KEY")
    );
    assert!(
        s.q("CREATE TABLE u (k int, PRIMARY KEY (x))")
            .invalid()
            .contains("Unknown definition x")
    );
    assert!(
        s.q("CREATE TABLE u (k int PRIMARY KEY, s int static)")
            .invalid()
            .contains("Static columns")
    );
    assert!(
        s.q("CREATE TABLE u (k int PRIMARY KEY, c counter, v int)")
            .invalid()
            .contains("counter")
    );
    assert!(
        s.q("CREATE TABLE u (k frozen<int> PRIMARY KEY)")
            .invalid()
            .contains("frozen<>")
    );
    assert!(
        s.q("CREATE TABLE u (k list<int> PRIMARY KEY)")
            .invalid()
            .contains("non-frozen")
    );
    assert!(
        s.q("CREATE TABLE u (k int PRIMARY KEY, v nosuchtype)")
            .invalid()
            .contains("Unknown type")
    );
    assert!(
        s.q("CREATE TABLE u (k int, c int, PRIMARY KEY (k, c)) WITH CLUSTERING ORDER BY (k DESC)")
            .invalid()
            .contains("CLUSTERING ORDER")
    );
    assert!(
        s.q("CREATE TABLE u (k int PRIMARY KEY) WITH COMPACT STORAGE")
            .invalid()
            .contains("COMPACT STORAGE")
    );
    assert_eq!(
        s.q("CREATE TABLE system.x (k int PRIMARY KEY)").err().error,
        DbError::Unauthorized
    );
    assert!(
        s.q("CREATE TABLE nosuch.u (k int PRIMARY KEY)")
            .invalid()
            .contains("does not exist")
    );
    // Indexes and views are valid CQL this cluster does not implement.
    assert!(
        s.q("CREATE INDEX ON t (k)")
            .invalid()
            .contains("CREATE INDEX is not supported")
    );
    assert!(
        s.q("CREATE MATERIALIZED VIEW mv AS SELECT * FROM t WHERE k IS NOT NULL PRIMARY KEY (k)")
            .invalid()
            .contains("not supported")
    );
    // DESCRIBE is answered server-side, as by Cassandra 4.0 (cqlsh 6.x relies on it).
    let tables = s.q("DESCRIBE TABLES");
    assert_eq!(tables.rows().names, vec!["keyspace_name", "type", "name"]);
    assert_eq!(
        tables.rows().rows,
        vec![vec![cv_text("ks"), cv_text("table"), cv_text("t")]]
    );
}

#[test]
fn types_create_alter_drop() {
    let mut s = Sim::with_keyspace();
    assert!(matches!(
        s.q("CREATE TYPE p (x int, y int)").res,
        Res::SchemaChange(SchemaChangeEvent::TypeChange {
            change_type: SchemaChangeType::Created,
            ..
        })
    ));
    assert!(matches!(
        s.q("CREATE TYPE IF NOT EXISTS p (x int)").res,
        Res::Void
    ));
    s.q("CREATE TYPE p (x int)").invalid();
    s.q("CREATE TABLE t (k int PRIMARY KEY, v frozen<p>)").ok();
    s.q("INSERT INTO t (k, v) VALUES (1, {x: 1, y: 2})").ok();
    s.q("ALTER TYPE p ADD z text").ok();
    let rows = s.q("SELECT v FROM t").rows().clone();
    let fields = rows.rows[0][0]
        .clone()
        .unwrap()
        .into_udt_pair_vec()
        .unwrap();
    assert_eq!(fields.len(), 3);
    assert_eq!(fields[2], ("z".to_string(), None));
    assert!(s.q("DROP TYPE p").invalid().contains("still used"));
    s.q("DROP TABLE t").ok();
    assert!(matches!(
        s.q("DROP TYPE p").res,
        Res::SchemaChange(SchemaChangeEvent::TypeChange {
            change_type: SchemaChangeType::Dropped,
            ..
        })
    ));
    assert!(matches!(s.q("DROP TYPE IF EXISTS p").res, Res::Void));
}

#[test]
fn truncate_use_and_missing_keyspace() {
    let mut s = Sim::new(3);
    assert!(
        s.q("SELECT * FROM t")
            .invalid()
            .contains("No keyspace has been specified")
    );
    assert!(s.q("USE nosuch").invalid().contains("does not exist"));
    s.q("CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}")
        .ok();
    assert!(matches!(&s.q("USE ks").res, Res::SetKeyspace(k) if k == "ks"));
    assert_eq!(s.conn.keyspace.as_deref(), Some("ks"));
    s.q("CREATE TABLE t (k int PRIMARY KEY, v int)").ok();
    s.q("INSERT INTO t (k, v) VALUES (1, 1)").ok();
    s.q("INSERT INTO ks.t (k, v) VALUES (2, 2)").ok();
    assert_eq!(s.q("SELECT * FROM t").rows().rows.len(), 2);
    assert!(matches!(s.q("TRUNCATE t").res, Res::Void));
    assert!(s.q("SELECT * FROM t").rows().rows.is_empty());
    // TRUNCATE needs every node.
    s.set_down(2);
    assert!(matches!(
        s.q("TRUNCATE t").err().error,
        DbError::Unavailable { .. }
    ));
    assert_eq!(
        s.q("TRUNCATE system.local").err().error,
        DbError::Unauthorized
    );
}

#[test]
fn schema_version_changes_and_agrees_across_nodes() {
    let mut s = Sim::new(3);
    let version = |s: &mut Sim, node: usize| {
        s.query_on(
            node,
            0,
            "SELECT schema_version FROM system.local WHERE key = 'local'",
            params(&[]),
        )
        .rows()
        .rows[0][0]
            .clone()
    };
    let before = version(&mut s, 0);
    s.q("CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}")
        .ok();
    let after = version(&mut s, 0);
    assert_ne!(before, after);
    assert_eq!(version(&mut s, 1), after);
    assert_eq!(version(&mut s, 2), after);
    let peers = s
        .q("SELECT schema_version FROM system.peers")
        .rows()
        .clone();
    assert_eq!(peers.rows.len(), 2);
    assert!(peers.rows.iter().all(|r| r[0] == after));
}
