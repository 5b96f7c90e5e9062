//! Statements end to end through the socket: QUERY, PREPARE, EXECUTE, BATCH, USE,
//! tracing, schema events, prepared statements forgotten on restart, system tables
//! after topology changes, and the per-node/per-shard counters.

mod server_support;

use std::borrow::Cow;
use std::net::SocketAddr;

use bytes::Bytes;
use scylla_cql::frame::Compression;
use scylla_cql::frame::request::batch::{Batch, BatchStatement, BatchType};
use scylla_cql::frame::request::query::{Query, QueryParameters};
use scylla_cql::frame::request::{DeserializedBatch, Execute, Prepare, Register};
use scylla_cql::frame::response::error::code;
use scylla_cql::frame::response::event::{Event, SchemaChangeEvent};
use scylla_cql::frame::response::result::{Prepared, Result as CqlResult};
use scylla_cql::frame::response::{Response, ResponseOpcode};
use scylla_cql::frame::server_event_type::EventType;
use scylla_cql::frame::types::{self, Consistency};
use scylla_cql::serialize::row::SerializedValues;
use scylla_sim::ring::{ReplicationStrategy, Token, token_of};
use server_support::{CREATE_KS, Client, Frame, builder};
use tokio::net::TcpStream;

fn values(vs: &[&[u8]]) -> SerializedValues {
    SerializedValues::from_closure(|w| {
        for v in vs {
            w.make_cell_writer().set_value(v).expect("value fits");
        }
        Ok(())
    })
    .expect("values")
    .0
}

fn query(text: &str) -> Query<'_> {
    Query {
        contents: Cow::Borrowed(text),
        parameters: QueryParameters {
            consistency: Consistency::One,
            ..QueryParameters::default()
        },
    }
}

fn execute(id: &Bytes, vals: SerializedValues) -> Execute<'static> {
    Execute {
        id: id.clone(),
        parameters: QueryParameters {
            consistency: Consistency::One,
            values: Cow::Owned(vals),
            ..QueryParameters::default()
        },
    }
}

fn result(f: &Frame) -> CqlResult {
    match f.response() {
        Response::Result(r) => r,
        Response::Error(e) => panic!("expected a RESULT, got {e}"),
        other => panic!("expected a RESULT, got {other:?}"),
    }
}

/// The rows of a Rows result, as raw cell bytes.
fn rows(f: &Frame) -> Vec<Vec<Option<Vec<u8>>>> {
    let CqlResult::Rows((raw, _)) = result(f) else {
        panic!("expected Rows, got {f:?}");
    };
    let rows = raw.deserialize_metadata().expect("metadata");
    let columns = rows.metadata().col_specs().len();
    let count = rows.rows_count();
    let mut buf: &[u8] = rows.raw_rows();
    let mut out = Vec::new();
    for _ in 0..count {
        let row = (0..columns)
            .map(|_| {
                types::read_bytes_opt(&mut buf)
                    .expect("a cell")
                    .map(<[u8]>::to_vec)
            })
            .collect();
        out.push(row);
    }
    out
}

async fn ready_client(address: SocketAddr) -> Client<TcpStream> {
    let mut c = Client::connect(address).await;
    c.startup(None).await;
    c
}

async fn run(c: &mut Client<TcpStream>, text: &str) -> Frame {
    let f = c.request(&query(text)).await;
    assert_eq!(
        f.opcode(),
        ResponseOpcode::Result,
        "{text}: {:?}",
        f.error()
    );
    f
}

async fn prepare(c: &mut Client<TcpStream>, text: &str) -> Prepared {
    let f = c.request(&Prepare { query: text }).await;
    match result(&f) {
        CqlResult::Prepared(p) => p,
        other => panic!("expected Prepared, got {other:?}"),
    }
}

const TABLE: &str = "CREATE TABLE ks.t (pk int PRIMARY KEY, v text)";

#[tokio::test]
async fn statements_end_to_end_with_compression_and_pipelining() {
    let cluster = builder().nodes(3).shards(2).build().await.unwrap();
    let points = cluster.contact_points();
    let mut c = Client::connect(points[0]).await;
    c.startup(Some(Compression::Lz4)).await;

    // system.local answers with this node's identity.
    let f = run(&mut c, "SELECT host_id, data_center FROM system.local").await;
    let local = rows(&f);
    assert_eq!(local.len(), 1);
    let host_id = uuid::Uuid::from_slice(local[0][0].as_deref().unwrap()).unwrap();
    assert_eq!(host_id, cluster.nodes()[0].host_id);

    assert!(matches!(
        result(&run(&mut c, CREATE_KS).await),
        CqlResult::SchemaChange(_)
    ));
    run(&mut c, TABLE).await;
    let insert = prepare(&mut c, "INSERT INTO ks.t (pk, v) VALUES (?, ?)").await;
    assert_eq!(insert.prepared_metadata.pk_indexes.len(), 1);

    // 300 EXECUTEs pipelined in one write.
    let mut wire = Vec::new();
    for i in 0..300i32 {
        let text = format!("value {i}");
        let e = execute(&insert.id, values(&[&i.to_be_bytes(), text.as_bytes()]));
        wire.extend_from_slice(&c.frame(&e, i as i16));
    }
    c.send_bytes(&wire).await;
    for i in 0..300i16 {
        let f = c.recv().await;
        assert_eq!(f.header.stream, i);
        assert!(matches!(result(&f), CqlResult::Void));
    }

    // Read back from another node, through an unprepared SELECT with a bound value.
    let mut other = ready_client(points[2]).await;
    let mut select = query("SELECT pk, v FROM ks.t WHERE pk = ?");
    select.parameters.values = Cow::Owned(values(&[&42i32.to_be_bytes()]));
    let f = other.request(&select).await;
    assert_eq!(
        rows(&f),
        vec![vec![
            Some(42i32.to_be_bytes().to_vec()),
            Some(b"value 42".to_vec())
        ]]
    );
    let f = run(&mut other, "SELECT count(*) FROM ks.t").await;
    assert_eq!(rows(&f)[0][0].as_deref(), Some(&300i64.to_be_bytes()[..]));

    // BATCH of a prepared and an unprepared statement.
    let batch: DeserializedBatch<'static> = Batch {
        statements: Cow::Owned(vec![
            BatchStatement::Prepared {
                id: Cow::Owned(insert.id.to_vec()),
            },
            BatchStatement::Query {
                text: Cow::Borrowed("UPDATE ks.t SET v = ? WHERE pk = ?"),
            },
        ]),
        batch_type: BatchType::Logged,
        consistency: Consistency::One,
        serial_consistency: None,
        timestamp: None,
        values: vec![
            values(&[&1000i32.to_be_bytes(), b"batched"]),
            values(&[b"updated", &0i32.to_be_bytes()]),
        ],
    };
    let f = c.request(&batch).await;
    assert!(matches!(result(&f), CqlResult::Void), "{f:?}");
    let f = run(&mut other, "SELECT v FROM ks.t WHERE pk IN (0, 1000)").await;
    let mut got: Vec<Vec<u8>> = rows(&f)
        .into_iter()
        .map(|r| r[0].clone().unwrap())
        .collect();
    got.sort();
    assert_eq!(got, vec![b"batched".to_vec(), b"updated".to_vec()]);

    // USE sets the connection's keyspace.
    assert!(matches!(
        result(&run(&mut other, "USE ks").await),
        CqlResult::SetKeyspace(_)
    ));
    let f = run(&mut other, "SELECT v FROM t WHERE pk = 7").await;
    assert_eq!(rows(&f)[0][0].as_deref(), Some(&b"value 7"[..]));

    // Errors from the executor come back on their stream; the connection goes on.
    let f = c.request(&query("SELECT * FROM ks.nope")).await;
    assert_eq!(f.error().0, code::INVALID);
    let f = c.request(&query("SELEKT")).await;
    assert_eq!(f.error().0, code::SYNTAX_ERROR);
    run(&mut c, "SELECT v FROM ks.t WHERE pk = 1").await;
}

#[tokio::test]
async fn tracing_schema_events_and_restart() {
    let cluster = builder().nodes(2).build().await.unwrap();
    let nodes = cluster.nodes();
    let mut c = ready_client(nodes[0].address).await;
    let mut watcher_same = ready_client(nodes[0].address).await;
    let mut watcher_other = ready_client(nodes[1].address).await;
    for w in [&mut watcher_same, &mut watcher_other] {
        let f = w
            .request(&Register {
                event_types_to_register_for: vec![EventType::SchemaChange],
            })
            .await;
        assert_eq!(f.opcode(), ResponseOpcode::Ready);
    }

    run(&mut c, CREATE_KS).await;
    // Every node pushes schema changes, the coordinator included.
    for w in [&mut watcher_same, &mut watcher_other] {
        let f = w.recv().await;
        assert_eq!(f.header.stream, -1);
        match f.response() {
            Response::Event(Event::SchemaChange(SchemaChangeEvent::KeyspaceChange {
                keyspace_name,
                ..
            })) => assert_eq!(keyspace_name, "ks"),
            other => panic!("expected a keyspace SCHEMA_CHANGE, got {other:?}"),
        }
    }
    run(&mut c, TABLE).await;

    // The tracing flag gets a tracing id back.
    let frame = c.frame_with(&query("SELECT * FROM ks.t"), 3, true);
    c.send_bytes(&frame).await;
    let f = c.recv().await;
    assert_eq!(f.header.stream, 3);
    assert_ne!(f.header.flags & 0x02, 0, "no tracing flag: {f:?}");
    assert!(f.trace_id.is_some());
    let plain = c.request(&query("SELECT * FROM ks.t")).await;
    assert!(plain.trace_id.is_none());

    // A restarted node forgets its prepared statements.
    let insert = prepare(&mut c, "INSERT INTO ks.t (pk, v) VALUES (?, ?)").await;
    cluster.restart_node(nodes[0].id).await.unwrap();
    c.expect_closed().await;
    let mut c = ready_client(nodes[0].address).await;
    let e = execute(&insert.id, values(&[&1i32.to_be_bytes(), b"x"]));
    let f = c.request(&e).await;
    assert_eq!(f.error().0, code::UNPREPARED);
    // Re-preparing gives the same id, which works again.
    let again = prepare(&mut c, "INSERT INTO ks.t (pk, v) VALUES (?, ?)").await;
    assert_eq!(again.id, insert.id);
    assert!(matches!(result(&c.request(&e).await), CqlResult::Void));
}

#[tokio::test]
async fn system_peers_follows_the_topology() {
    let cluster = builder().nodes(2).build().await.unwrap();
    let nodes = cluster.nodes();
    let mut c = ready_client(nodes[0].address).await;
    let peers = |f: &Frame| -> Vec<Vec<u8>> {
        let mut p: Vec<Vec<u8>> = rows(f).into_iter().map(|r| r[0].clone().unwrap()).collect();
        p.sort();
        p
    };
    let ip = |a: SocketAddr| match a.ip() {
        std::net::IpAddr::V4(v4) => v4.octets().to_vec(),
        std::net::IpAddr::V6(v6) => v6.octets().to_vec(),
    };
    let f = run(&mut c, "SELECT rpc_address FROM system.peers").await;
    assert_eq!(peers(&f), vec![ip(nodes[1].address)]);

    let added = cluster.add_node("datacenter1", "rack2").await.unwrap();
    let added_address = cluster.node_address(added).unwrap();
    let f = run(&mut c, "SELECT rpc_address FROM system.peers").await;
    let mut expected = vec![ip(nodes[1].address), ip(added_address)];
    expected.sort();
    assert_eq!(peers(&f), expected);

    cluster.decommission_node(nodes[1].id).await.unwrap();
    let f = run(&mut c, "SELECT rpc_address FROM system.peers").await;
    assert_eq!(peers(&f), vec![ip(added_address)]);
}

#[tokio::test]
async fn counters_see_non_replicas_and_wrong_shards() {
    let cluster = builder().nodes(3).shards(4).build().await.unwrap();
    let nodes = cluster.nodes();
    let mut setup = ready_client(nodes[0].address).await;
    run(&mut setup, CREATE_KS).await;
    run(&mut setup, TABLE).await;

    // One connection to node 0 on a known shard, through the shard-aware port.
    let shard_aware = SocketAddr::new(nodes[0].address.ip(), 19042);
    let mut c = None;
    for port in 48_000u16..48_100 {
        if let Ok(conn) = Client::connect_from_port(shard_aware, port).await {
            c = Some((conn, port % 4));
            break;
        }
    }
    let (mut c, shard) = c.expect("a free client port");
    c.startup(None).await;
    let insert = prepare(&mut c, "INSERT INTO ks.t (pk, v) VALUES (?, ?)").await;

    cluster.reset_counters();
    let topology = cluster.state().topology();
    let strategy = ReplicationStrategy::Simple {
        replication_factor: 1,
    };
    let node0 = topology.node(nodes[0].id).unwrap();
    let (mut non_replica, mut wrong_shard) = (0u64, 0u64);
    for pk in 0..200i32 {
        let token: Token = token_of(&pk.to_be_bytes());
        if !topology
            .replicas(&strategy, token, nodes[0].id)
            .contains(&nodes[0].id)
        {
            non_replica += 1;
        }
        if node0.shard_of(token) != shard {
            wrong_shard += 1;
        }
        let e = execute(&insert.id, values(&[&pk.to_be_bytes(), b"x"]));
        assert!(matches!(result(&c.request(&e).await), CqlResult::Void));
    }
    assert!(non_replica > 0 && wrong_shard > 0);

    let counters = cluster.take_counters();
    let n0 = counters.node(nodes[0].id).unwrap();
    assert_eq!(n0.shards[usize::from(shard)].requests, 200);
    assert_eq!(n0.shards[usize::from(shard)].non_replica, non_replica);
    assert_eq!(n0.shards[usize::from(shard)].wrong_shard, wrong_shard);
    assert_eq!(n0.total().requests, 200);
    assert_eq!(counters.total().requests, 200);
    assert_eq!(cluster.counters().total().requests, 0);
}
