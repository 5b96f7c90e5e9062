use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};

use scylla_cql::deserialize::FrameSlice;
use scylla_cql::deserialize::row::{ColumnIterator, DeserializeRow};
use scylla_cql::frame::response::result::{
    CollectionType, ColumnSpec, ColumnType, NativeType, TableSpec,
};
use scylla_cql::serialize::row::SerializedValues;
use scylla_cql::serialize::value::SerializeValue;

use super::*;
use crate::cluster::Node;
use crate::cluster::metadata::ColumnKind;

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

fn tokens(ts: &[i64]) -> Option<Vec<String>> {
    Some(ts.iter().map(|t| t.to_string()).collect())
}

fn local_row() -> LocalRow {
    LocalRow {
        host_id: Some(Uuid::from_u128(1)),
        rpc_address: Some(ip("10.0.0.1")),
        data_center: Some("dc1".into()),
        rack: Some("r1".into()),
        tokens: tokens(&[-100, 5]),
        cluster_name: Some("Test Cluster".into()),
    }
}

fn peer_row(n: u128, addr: &str, ts: &[i64]) -> PeerRow {
    PeerRow {
        peer: Some(ip(addr)),
        host_id: Some(Uuid::from_u128(n)),
        rpc_address: Some(ip(addr)),
        data_center: Some("dc2".into()),
        rack: Some("r2".into()),
        tokens: tokens(ts),
    }
}

const CONNECTED: &str = "127.0.0.1:19042";

// ---------------------------------------------------------------------------------------
// Peers
// ---------------------------------------------------------------------------------------

#[test]
fn peers_from_local_and_peers_rows() {
    let connected: SocketAddr = CONNECTED.parse().unwrap();
    let (peers, name) = parse_peers(
        Some(local_row()),
        vec![peer_row(2, "10.0.0.2", &[7]), peer_row(3, "10.0.0.3", &[])],
        connected,
    )
    .unwrap();
    assert_eq!(name.as_deref(), Some("Test Cluster"));
    assert_eq!(peers.len(), 3);
    // The local node has the address we connected to, not translatable.
    assert_eq!(peers[0].address, NodeAddr::Untranslatable(connected));
    assert_eq!(peers[0].tokens, vec![Token::new(-100), Token::new(5)]);
    assert_eq!(peers[0].datacenter.as_deref(), Some("dc1"));
    assert_eq!(peers[0].rack.as_deref(), Some("r1"));
    // Peers: rpc_address with the connection's port, translatable.
    assert_eq!(
        peers[1].address,
        NodeAddr::Translatable("10.0.0.2:19042".parse().unwrap())
    );
    assert_eq!(peers[1].host_id, Uuid::from_u128(2));
    assert_eq!(peers[2].tokens, vec![]);
}

#[test]
fn bad_peer_rows_are_skipped() {
    let connected: SocketAddr = CONNECTED.parse().unwrap();
    let mut no_host_id = peer_row(2, "10.0.0.2", &[1]);
    no_host_id.host_id = None;
    let mut no_address = peer_row(3, "10.0.0.3", &[2]);
    no_address.rpc_address = None;
    no_address.peer = None;
    let mut bad_token = peer_row(4, "10.0.0.4", &[3]);
    bad_token.tokens = Some(vec!["12".into(), "x".into()]);
    let mut unspecified = peer_row(5, "10.0.0.5", &[4]);
    unspecified.rpc_address = Some(ip("0.0.0.0"));
    let duplicate_of_local = peer_row(1, "10.0.0.1", &[9]);
    let (peers, _) = parse_peers(
        Some(local_row()),
        vec![
            no_host_id,
            no_address,
            bad_token,
            unspecified,
            duplicate_of_local,
        ],
        connected,
    )
    .unwrap();
    let ids: Vec<u128> = peers.iter().map(|p| p.host_id.as_u128()).collect();
    assert_eq!(ids, [1, 5]);
    // 0.0.0.0 falls back to the `peer` column.
    assert_eq!(peers[1].address.ip(), ip("10.0.0.5"));
}

#[test]
fn peers_errors() {
    let connected: SocketAddr = CONNECTED.parse().unwrap();
    assert!(matches!(
        parse_peers(None, vec![], connected),
        Err(PeersMetadataError::EmptyPeers)
    ));
    let mut local = local_row();
    local.tokens = None;
    assert!(matches!(
        parse_peers(Some(local), vec![peer_row(2, "10.0.0.2", &[])], connected),
        Err(PeersMetadataError::EmptyTokenLists)
    ));
}

// ---------------------------------------------------------------------------------------
// Strategies
// ---------------------------------------------------------------------------------------

fn map(pairs: &[(&str, &str)]) -> HashMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn strategies() {
    assert_eq!(
        parse_strategy(map(&[
            ("class", "org.apache.cassandra.locator.SimpleStrategy"),
            ("replication_factor", "3")
        ]))
        .unwrap(),
        Strategy::SimpleStrategy {
            replication_factor: 3
        }
    );
    assert_eq!(
        parse_strategy(map(&[
            ("class", "NetworkTopologyStrategy"),
            ("dc1", "3"),
            ("dc2", " 1 ")
        ]))
        .unwrap(),
        Strategy::NetworkTopologyStrategy {
            datacenter_repfactors: [("dc1".to_owned(), 3), ("dc2".to_owned(), 1)]
                .into_iter()
                .collect()
        }
    );
    assert_eq!(
        parse_strategy(map(&[(
            "class",
            "org.apache.cassandra.locator.LocalStrategy"
        )]))
        .unwrap(),
        Strategy::LocalStrategy
    );
    assert_eq!(
        parse_strategy(map(&[
            ("class", "org.apache.cassandra.locator.EverywhereStrategy"),
            ("x", "y")
        ]))
        .unwrap(),
        Strategy::Other {
            name: "org.apache.cassandra.locator.EverywhereStrategy".to_owned(),
            data: map(&[("x", "y")]),
        }
    );
}

#[test]
fn strategy_errors() {
    assert!(matches!(
        parse_strategy(map(&[("replication_factor", "3")])),
        Err(KeyspaceStrategyError::MissingClassForStrategyDefinition)
    ));
    assert!(matches!(
        parse_strategy(map(&[("class", "SimpleStrategy")])),
        Err(KeyspaceStrategyError::MissingReplicationFactorForSimpleStrategy)
    ));
    assert!(matches!(
        parse_strategy(map(&[
            ("class", "SimpleStrategy"),
            ("replication_factor", "-1")
        ])),
        Err(KeyspaceStrategyError::ReplicationFactorParseError(_))
    ));
    match parse_strategy(map(&[("class", "NetworkTopologyStrategy"), ("dc1", "3/1")])) {
        Err(KeyspaceStrategyError::UnexpectedNetworkTopologyStrategyOption { key, value }) => {
            assert_eq!((key.as_str(), value.as_str()), ("dc1", "3/1"));
        }
        other => panic!("unexpected {other:?}"),
    }
}

// ---------------------------------------------------------------------------------------
// Keyspaces
// ---------------------------------------------------------------------------------------

fn ks_row(name: &str, replication: &[(&str, &str)]) -> KeyspaceRow {
    KeyspaceRow {
        keyspace_name: name.into(),
        durable_writes: Some(true),
        replication: Some(map(replication)),
    }
}

fn col(ks: &str, table: &str, name: &str, kind: &str, position: i32, typ: &str) -> ColumnRow {
    ColumnRow {
        keyspace_name: ks.into(),
        table_name: table.into(),
        column_name: name.into(),
        kind: kind.into(),
        position,
        typ: typ.into(),
    }
}

fn udt_row(ks: &str, name: &str, fields: &[(&str, &str)]) -> UdtRow {
    UdtRow {
        keyspace_name: ks.into(),
        type_name: name.into(),
        field_names: Some(fields.iter().map(|(n, _)| n.to_string()).collect()),
        field_types: Some(fields.iter().map(|(_, t)| t.to_string()).collect()),
    }
}

const SIMPLE1: &[(&str, &str)] = &[("class", "SimpleStrategy"), ("replication_factor", "1")];

fn native(n: NativeType) -> ColumnType<'static> {
    ColumnType::Native(n)
}

#[test]
fn tables_columns_and_keys() {
    let rows = SchemaRows {
        keyspaces: vec![ks_row("ks", SIMPLE1)],
        tables: vec![
            TableRow {
                keyspace_name: "ks".into(),
                table_name: "t".into(),
            },
            TableRow {
                keyspace_name: "ks".into(),
                table_name: "empty".into(),
            },
        ],
        scylla_tables: vec![ScyllaTableRow {
            keyspace_name: "ks".into(),
            table_name: "t".into(),
            partitioner: Some("com.scylladb.dht.CDCPartitioner".into()),
        }],
        columns: vec![
            col("ks", "t", "v", "regular", -1, "text"),
            col("ks", "t", "b", "partition_key", 1, "int"),
            col("ks", "t", "a", "partition_key", 0, "uuid"),
            col("ks", "t", "d", "clustering", 1, "bigint"),
            col("ks", "t", "c", "clustering", 0, "timestamp"),
            col("ks", "t", "s", "static", -1, "map<text, frozen<list<int>>>"),
            // Columns of a keyspace without a keyspaces row are ignored.
            col("other", "t", "x", "partition_key", 0, "int"),
        ],
        ..SchemaRows::default()
    };
    let keyspaces = parse_keyspaces(&rows);
    assert_eq!(keyspaces.len(), 1);
    let ks = keyspaces["ks"].as_ref().unwrap();
    assert!(ks.durable_writes);
    assert!(!ks.tablet_based);
    assert_eq!(ks.tables.len(), 2);
    assert!(ks.tables["empty"].columns.is_empty());
    let t = &ks.tables["t"];
    assert_eq!(t.partition_key, ["a", "b"]);
    assert_eq!(t.clustering_key, ["c", "d"]);
    assert_eq!(
        t.partitioner.as_deref(),
        Some("com.scylladb.dht.CDCPartitioner")
    );
    assert_eq!(t.columns.len(), 6);
    assert_eq!(t.columns["a"].kind, ColumnKind::PartitionKey);
    assert_eq!(t.columns["c"].kind, ColumnKind::Clustering);
    assert_eq!(t.columns["s"].kind, ColumnKind::Static);
    assert_eq!(t.columns["v"].kind, ColumnKind::Regular);
    assert_eq!(t.columns["a"].typ, native(NativeType::Uuid));
    assert_eq!(
        t.columns["s"].typ,
        ColumnType::Collection {
            frozen: false,
            typ: CollectionType::Map(
                Box::new(native(NativeType::Text)),
                Box::new(ColumnType::Collection {
                    frozen: true,
                    typ: CollectionType::List(Box::new(native(NativeType::Int)))
                })
            )
        }
    );
}

#[test]
fn every_column_type_string() {
    let cases: Vec<(&str, ColumnType<'static>)> = vec![
        ("ascii", native(NativeType::Ascii)),
        ("bigint", native(NativeType::BigInt)),
        ("blob", native(NativeType::Blob)),
        ("boolean", native(NativeType::Boolean)),
        ("counter", native(NativeType::Counter)),
        ("date", native(NativeType::Date)),
        ("decimal", native(NativeType::Decimal)),
        ("double", native(NativeType::Double)),
        ("duration", native(NativeType::Duration)),
        ("float", native(NativeType::Float)),
        ("inet", native(NativeType::Inet)),
        ("int", native(NativeType::Int)),
        ("smallint", native(NativeType::SmallInt)),
        ("text", native(NativeType::Text)),
        ("varchar", native(NativeType::Text)),
        ("time", native(NativeType::Time)),
        ("timestamp", native(NativeType::Timestamp)),
        ("timeuuid", native(NativeType::Timeuuid)),
        ("tinyint", native(NativeType::TinyInt)),
        ("uuid", native(NativeType::Uuid)),
        ("varint", native(NativeType::Varint)),
        (
            "list<int>",
            ColumnType::Collection {
                frozen: false,
                typ: CollectionType::List(Box::new(native(NativeType::Int))),
            },
        ),
        (
            "frozen<set<text>>",
            ColumnType::Collection {
                frozen: true,
                typ: CollectionType::Set(Box::new(native(NativeType::Text))),
            },
        ),
        (
            "frozen<tuple<int, text, frozen<list<blob>>>>",
            ColumnType::Tuple(vec![
                native(NativeType::Int),
                native(NativeType::Text),
                ColumnType::Collection {
                    frozen: true,
                    typ: CollectionType::List(Box::new(native(NativeType::Blob))),
                },
            ]),
        ),
        (
            "vector<float, 3>",
            ColumnType::Vector {
                typ: Box::new(native(NativeType::Float)),
                dimensions: 3,
            },
        ),
        (
            "'org.apache.cassandra.db.marshal.DateType'",
            native(NativeType::Timestamp),
        ),
        (
            "'com.example.MyType'",
            ColumnType::Custom("com.example.MyType".into()),
        ),
    ];
    let rows = SchemaRows {
        keyspaces: vec![ks_row("ks", SIMPLE1)],
        columns: cases
            .iter()
            .enumerate()
            .map(|(i, (typ, _))| col("ks", "t", &format!("c{i}"), "regular", -1, typ))
            .chain(std::iter::once(col(
                "ks",
                "t",
                "pk",
                "partition_key",
                0,
                "int",
            )))
            .collect(),
        ..SchemaRows::default()
    };
    let keyspaces = parse_keyspaces(&rows);
    let t = &keyspaces["ks"].as_ref().unwrap().tables["t"];
    for (i, (typ, expected)) in cases.iter().enumerate() {
        let got = &t.columns[&format!("c{i}")].typ;
        assert_eq!(got, expected, "type {typ}");
    }
}

#[test]
fn udts_are_built_in_dependency_order() {
    // "outer" refers to "middle" which refers to "inner"; names sort the other way.
    let rows = SchemaRows {
        keyspaces: vec![ks_row("ks", SIMPLE1)],
        types: vec![
            udt_row("ks", "a_outer", &[("m", "frozen<b_middle>"), ("n", "int")]),
            udt_row("ks", "b_middle", &[("i", "list<frozen<c_inner>>")]),
            udt_row("ks", "c_inner", &[("x", "text"), ("y", "\"Quoted\"")]),
            udt_row("ks", "Quoted", &[("z", "boolean")]),
        ],
        columns: vec![
            col("ks", "t", "pk", "partition_key", 0, "int"),
            col("ks", "t", "u", "regular", -1, "a_outer"),
            col("ks", "t", "f", "regular", -1, "frozen<ks.c_inner>"),
        ],
        ..SchemaRows::default()
    };
    let keyspaces = parse_keyspaces(&rows);
    let ks = keyspaces["ks"].as_ref().unwrap();
    assert_eq!(ks.user_defined_types.len(), 4);
    let outer = &ks.user_defined_types["a_outer"];
    assert_eq!(outer.keyspace, "ks");
    assert_eq!(outer.field_types.len(), 2);
    let ColumnType::UserDefinedType {
        frozen: true,
        definition: middle,
    } = &outer.field_types[0].1
    else {
        panic!("m is a frozen UDT: {:?}", outer.field_types[0].1)
    };
    assert_eq!(middle.name, "b_middle");
    let ColumnType::Collection {
        typ: CollectionType::List(inner),
        ..
    } = &middle.field_types[0].1
    else {
        panic!("i is a list")
    };
    let ColumnType::UserDefinedType {
        definition: inner, ..
    } = inner.as_ref()
    else {
        panic!("list of UDT")
    };
    assert_eq!(inner.name, "c_inner");
    assert_eq!(inner.field_types[1].0, "y");
    assert!(matches!(
        &inner.field_types[1].1,
        ColumnType::UserDefinedType { definition, .. } if definition.name == "Quoted"
    ));
    // The same definitions are shared with the table's columns.
    let t = &ks.tables["t"];
    assert!(matches!(
        &t.columns["u"].typ,
        ColumnType::UserDefinedType { frozen: false, definition } if Arc::ptr_eq(definition, outer)
    ));
    assert!(matches!(
        &t.columns["f"].typ,
        ColumnType::UserDefinedType { frozen: true, definition } if definition.name == "c_inner"
    ));
}

#[test]
fn circular_udts_are_an_error() {
    let rows = SchemaRows {
        keyspaces: vec![ks_row("ks", SIMPLE1), ks_row("good", SIMPLE1)],
        types: vec![
            udt_row("ks", "a", &[("b", "frozen<b>")]),
            udt_row("ks", "b", &[("c", "frozen<c>")]),
            udt_row("ks", "c", &[("a", "frozen<a>")]),
            udt_row("good", "a", &[("x", "int")]),
        ],
        ..SchemaRows::default()
    };
    let keyspaces = parse_keyspaces(&rows);
    assert!(matches!(
        keyspaces["ks"],
        Err(MetadataError::Udts(
            UdtMetadataError::CircularTypeDependency
        ))
    ));
    // Other keyspaces are not affected.
    assert_eq!(
        keyspaces["good"].as_ref().unwrap().user_defined_types.len(),
        1
    );
    // A type referring to itself.
    let rows = SchemaRows {
        keyspaces: vec![ks_row("ks", SIMPLE1)],
        types: vec![udt_row("ks", "selfish", &[("me", "frozen<selfish>")])],
        ..SchemaRows::default()
    };
    assert!(matches!(
        parse_keyspaces(&rows)["ks"],
        Err(MetadataError::Udts(
            UdtMetadataError::CircularTypeDependency
        ))
    ));
}

#[test]
fn bad_udts_are_errors() {
    let cases = [
        udt_row("ks", "u", &[("x", "map<int>")]),
        udt_row("ks", "u", &[("x", "frozen<missing>")]),
        udt_row("ks", "u", &[("x", "other_ks.u2")]),
        UdtRow {
            keyspace_name: "ks".into(),
            type_name: "u".into(),
            field_names: Some(vec!["a".into(), "b".into()]),
            field_types: Some(vec!["int".into()]),
        },
    ];
    for row in cases {
        let rows = SchemaRows {
            keyspaces: vec![ks_row("ks", SIMPLE1)],
            types: vec![row.clone(), udt_row("ks", "u2", &[("y", "int")])],
            ..SchemaRows::default()
        };
        match &parse_keyspaces(&rows)["ks"] {
            Err(MetadataError::Udts(UdtMetadataError::InvalidCqlType { reason, .. })) => {
                assert!(!reason.is_empty());
            }
            other => panic!("{row:?}: unexpected {other:?}"),
        }
    }
}

#[test]
fn bad_tables_are_errors() {
    let rows = SchemaRows {
        keyspaces: vec![
            ks_row("bad_type", SIMPLE1),
            ks_row("bad_kind", SIMPLE1),
            ks_row("bad_strategy", &[("class", "SimpleStrategy")]),
        ],
        columns: vec![
            col("bad_type", "t", "pk", "partition_key", 0, "list<int"),
            col("bad_kind", "t", "pk", "primary", 0, "int"),
        ],
        ..SchemaRows::default()
    };
    let keyspaces = parse_keyspaces(&rows);
    match &keyspaces["bad_type"] {
        Err(MetadataError::Tables(TablesMetadataError::InvalidCqlType { typ, .. })) => {
            assert_eq!(typ, "list<int");
        }
        other => panic!("unexpected {other:?}"),
    }
    match &keyspaces["bad_kind"] {
        Err(MetadataError::Tables(TablesMetadataError::UnknownColumnKind {
            keyspace_name,
            table_name,
            column_name,
            column_kind,
        })) => {
            assert_eq!(
                (
                    keyspace_name.as_str(),
                    table_name.as_str(),
                    column_name.as_str(),
                    column_kind.as_str()
                ),
                ("bad_kind", "t", "pk", "primary")
            );
        }
        other => panic!("unexpected {other:?}"),
    }
    assert!(matches!(
        &keyspaces["bad_strategy"],
        Err(MetadataError::Keyspaces(KeyspacesMetadataError::Strategy { keyspace, .. })) if keyspace == "bad_strategy"
    ));
}

#[test]
fn views_and_tablets() {
    let rows = SchemaRows {
        keyspaces: vec![
            ks_row("ks", &[("class", "NetworkTopologyStrategy"), ("dc1", "3")]),
            KeyspaceRow {
                keyspace_name: "nodurable".into(),
                durable_writes: Some(false),
                replication: Some(map(SIMPLE1)),
            },
        ],
        scylla_keyspaces: vec![
            ScyllaKeyspaceRow {
                keyspace_name: "ks".into(),
                initial_tablets: Some(0),
            },
            ScyllaKeyspaceRow {
                keyspace_name: "nodurable".into(),
                initial_tablets: None,
            },
        ],
        views: vec![ViewRow {
            keyspace_name: "ks".into(),
            view_name: "by_v".into(),
            base_table_name: "t".into(),
        }],
        columns: vec![
            col("ks", "t", "pk", "partition_key", 0, "int"),
            col("ks", "t", "v", "regular", -1, "int"),
            col("ks", "by_v", "v", "partition_key", 0, "int"),
            col("ks", "by_v", "pk", "clustering", 0, "int"),
        ],
        ..SchemaRows::default()
    };
    let keyspaces = parse_keyspaces(&rows);
    let ks = keyspaces["ks"].as_ref().unwrap();
    assert!(ks.tablet_based);
    assert_eq!(ks.tables.keys().collect::<Vec<_>>(), ["t"]);
    let view = &ks.views["by_v"];
    assert_eq!(view.base_table_name, "t");
    assert_eq!(view.view_metadata.partition_key, ["v"]);
    assert_eq!(view.view_metadata.clustering_key, ["pk"]);
    let nd = keyspaces["nodurable"].as_ref().unwrap();
    assert!(!nd.durable_writes);
    assert!(!nd.tablet_based);
}

// ---------------------------------------------------------------------------------------
// The row types deserialize from the columns the queries return
// ---------------------------------------------------------------------------------------

struct RowBuilder {
    specs: Vec<ColumnSpec<'static>>,
    values: SerializedValues,
}

impl RowBuilder {
    fn new() -> Self {
        Self {
            specs: Vec::new(),
            values: SerializedValues::new(),
        }
    }

    fn col(mut self, name: &str, typ: ColumnType<'static>, value: &impl SerializeValue) -> Self {
        self.values.add_value(value, &typ).unwrap();
        self.specs.push(ColumnSpec::owned(
            name.to_owned(),
            typ,
            TableSpec::borrowed("system", "x").into_owned(),
        ));
        self
    }

    fn deserialize<R: for<'f, 'm> DeserializeRow<'f, 'm>>(&self) -> R {
        R::type_check(&self.specs).expect("type check");
        let bytes = self.values.get_contents();
        R::deserialize(ColumnIterator::new(
            &self.specs,
            FrameSlice::new_borrowed(bytes),
        ))
        .expect("deserialize")
    }
}

fn set_of_text() -> ColumnType<'static> {
    ColumnType::Collection {
        frozen: false,
        typ: CollectionType::Set(Box::new(native(NativeType::Text))),
    }
}

fn list_of_text() -> ColumnType<'static> {
    ColumnType::Collection {
        frozen: true,
        typ: CollectionType::List(Box::new(native(NativeType::Text))),
    }
}

#[test]
fn rows_deserialize() {
    let id = Uuid::from_u128(42);
    let local: LocalRow = RowBuilder::new()
        .col("host_id", native(NativeType::Uuid), &id)
        .col("rpc_address", native(NativeType::Inet), &ip("10.0.0.1"))
        .col("data_center", native(NativeType::Text), &"dc1")
        .col("rack", native(NativeType::Text), &None::<String>)
        .col("tokens", set_of_text(), &vec!["1", "-2"])
        .col("cluster_name", native(NativeType::Text), &"c")
        .deserialize();
    assert_eq!(local.host_id, Some(id));
    assert_eq!(local.rack, None);
    assert_eq!(local.tokens, Some(vec!["1".to_owned(), "-2".to_owned()]));

    let peer: PeerRow = RowBuilder::new()
        .col("peer", native(NativeType::Inet), &ip("10.0.0.2"))
        .col("host_id", native(NativeType::Uuid), &id)
        .col("rpc_address", native(NativeType::Inet), &ip("10.0.0.3"))
        .col("data_center", native(NativeType::Text), &"dc1")
        .col("rack", native(NativeType::Text), &"r")
        .col("tokens", set_of_text(), &vec!["5"])
        .deserialize();
    assert_eq!(peer.rpc_address, Some(ip("10.0.0.3")));

    let replication = ColumnType::Collection {
        frozen: true,
        typ: CollectionType::Map(
            Box::new(native(NativeType::Text)),
            Box::new(native(NativeType::Text)),
        ),
    };
    let ks: KeyspaceRow = RowBuilder::new()
        .col("keyspace_name", native(NativeType::Text), &"ks")
        .col("durable_writes", native(NativeType::Boolean), &true)
        .col("replication", replication, &map(SIMPLE1))
        .deserialize();
    assert_eq!(ks.replication, Some(map(SIMPLE1)));

    let udt: UdtRow = RowBuilder::new()
        .col("keyspace_name", native(NativeType::Text), &"ks")
        .col("type_name", native(NativeType::Text), &"u")
        .col("field_names", list_of_text(), &vec!["a"])
        .col("field_types", list_of_text(), &vec!["int"])
        .deserialize();
    assert_eq!(udt.field_types, Some(vec!["int".to_owned()]));

    let column: ColumnRow = RowBuilder::new()
        .col("keyspace_name", native(NativeType::Text), &"ks")
        .col("table_name", native(NativeType::Text), &"t")
        .col("column_name", native(NativeType::Text), &"c")
        .col("kind", native(NativeType::Text), &"regular")
        .col("position", native(NativeType::Int), &-1i32)
        .col("type", native(NativeType::Text), &"int")
        .deserialize();
    assert_eq!(column.typ, "int");
    assert_eq!(column.position, -1);

    let _: TableRow = RowBuilder::new()
        .col("keyspace_name", native(NativeType::Text), &"ks")
        .col("table_name", native(NativeType::Text), &"t")
        .deserialize();
    let st: ScyllaTableRow = RowBuilder::new()
        .col("keyspace_name", native(NativeType::Text), &"ks")
        .col("table_name", native(NativeType::Text), &"t")
        .col("partitioner", native(NativeType::Text), &None::<String>)
        .deserialize();
    assert_eq!(st.partitioner, None);
    let sk: ScyllaKeyspaceRow = RowBuilder::new()
        .col("keyspace_name", native(NativeType::Text), &"ks")
        .col("initial_tablets", native(NativeType::Int), &8i32)
        .deserialize();
    assert_eq!(sk.initial_tablets, Some(8));
    let view: ViewRow = RowBuilder::new()
        .col("keyspace_name", native(NativeType::Text), &"ks")
        .col("view_name", native(NativeType::Text), &"v")
        .col("base_table_name", native(NativeType::Text), &"t")
        .deserialize();
    assert_eq!(view.base_table_name, "t");
}

#[test]
fn queries_select_the_row_fields() {
    // Each query names exactly the columns its row type reads.
    for (query, columns) in [
        (
            LocalRow::QUERY,
            "host_id, rpc_address, data_center, rack, tokens, cluster_name",
        ),
        (
            PeerRow::QUERY,
            "peer, host_id, rpc_address, data_center, rack, tokens",
        ),
        (
            KeyspaceRow::QUERY,
            "keyspace_name, durable_writes, replication",
        ),
        (ScyllaKeyspaceRow::QUERY, "keyspace_name, initial_tablets"),
        (
            UdtRow::QUERY,
            "keyspace_name, type_name, field_names, field_types",
        ),
        (TableRow::QUERY, "keyspace_name, table_name"),
        (
            ScyllaTableRow::QUERY,
            "keyspace_name, table_name, partitioner",
        ),
        (
            ColumnRow::QUERY,
            "keyspace_name, table_name, column_name, kind, position, type",
        ),
        (ViewRow::QUERY, "keyspace_name, view_name, base_table_name"),
    ] {
        assert!(
            query.starts_with(&format!("SELECT {columns} FROM ")),
            "{query}"
        );
    }
}

#[test]
fn metadata_from_rows_and_partial_refresh() {
    use crate::cluster::ClusterState;
    let connected: SocketAddr = CONNECTED.parse().unwrap();
    let schema = SchemaRows {
        keyspaces: vec![
            ks_row("a", SIMPLE1),
            ks_row("b", SIMPLE1),
            ks_row("c", SIMPLE1),
        ],
        ..SchemaRows::default()
    };
    let md = Metadata::from_rows(
        Some(local_row()),
        vec![peer_row(2, "10.0.0.2", &[7])],
        connected,
        &schema,
    )
    .unwrap();
    assert_eq!(md.peers.len(), 2);
    assert_eq!(md.cluster_name.as_deref(), Some("Test Cluster"));
    let first = ClusterState::new_with_node_factory(md, None, None, |peer, _| {
        Node::new_for_test(peer.host_id, peer.address.into_inner(), None, None, None)
    });
    assert_eq!(first.keyspaces_iter().count(), 3);

    // Re-read keyspaces a and b only: a changed, b was dropped, c is kept.
    let schema = SchemaRows {
        keyspaces: vec![KeyspaceRow {
            durable_writes: Some(false),
            ..ks_row("a", SIMPLE1)
        }],
        ..SchemaRows::default()
    };
    let mut md = Metadata::from_rows(Some(local_row()), vec![], connected, &schema).unwrap();
    md.keep_other_keyspaces(&first, |name| name == "a" || name == "b");
    let second = ClusterState::new_with_node_factory(md, Some(&first), None, |peer, _| {
        Node::new_for_test(peer.host_id, peer.address.into_inner(), None, None, None)
    });
    let mut names: Vec<&str> = second.keyspaces_iter().map(|(n, _)| n).collect();
    names.sort_unstable();
    assert_eq!(names, ["a", "c"]);
    assert!(!second.get_keyspace("a").unwrap().durable_writes);
    assert_eq!(second.get_nodes_info().len(), 1);

    assert!(matches!(
        Metadata::from_rows(None, vec![], connected, &SchemaRows::default()),
        Err(PeersMetadataError::EmptyPeers)
    ));
}
