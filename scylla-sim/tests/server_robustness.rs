//! Malformed and oversized frames, pausing, many clusters at once, shutdown.

mod server_support;

use std::time::Duration;

use rand::{Rng, SeedableRng};
use scylla_cql::frame::request::Options;
use scylla_cql::frame::response::ResponseOpcode;
use scylla_cql::frame::response::error::code;
use scylla_sim::{SimCluster, SimError};
use server_support::{Client, WAIT, builder, raw_frame};

#[tokio::test]
async fn malformed_frames_get_errors_on_their_stream_and_the_connection_goes_on() {
    let cluster = builder().build().await.unwrap();
    let mut c = Client::connect(cluster.contact_points()[0]).await;

    // An opcode no request has (READY is a response).
    c.send_bytes(&raw_frame(0x04, 0, 1, 0x02, &[1, 2, 3])).await;
    let f = c.recv().await;
    assert_eq!(f.header.stream, 1);
    let (code, msg) = f.error();
    assert_eq!(code, code::PROTOCOL_ERROR);
    assert!(msg.contains("Unknown request opcode 0x02"), "{msg}");

    // A STARTUP whose string map claims more than the body holds.
    c.send_bytes(&raw_frame(0x04, 0, 2, 0x01, &[0, 5, 0, 1]))
        .await;
    let f = c.recv().await;
    assert_eq!(f.header.stream, 2);
    assert!(f.error().1.contains("Invalid STARTUP message"));

    c.startup(None).await;

    // A QUERY that is not a QUERY.
    c.send_bytes(&raw_frame(0x04, 0, 3, 0x07, &[0xff, 0xff]))
        .await;
    let f = c.recv().await;
    assert_eq!(f.header.stream, 3);
    let (code, msg) = f.error();
    assert_eq!(code, code::PROTOCOL_ERROR);
    assert!(msg.starts_with("Invalid QUERY message"), "{msg}");

    // A custom payload flag with no payload.
    c.send_bytes(&raw_frame(0x04, 0x04, 4, 0x07, &[0, 9])).await;
    let f = c.recv().await;
    assert_eq!(f.header.stream, 4);
    assert!(f.error().1.contains("custom payload"));

    // An unknown event type.
    let mut body = Vec::new();
    scylla_cql::frame::types::write_string_list(&["NO_SUCH_EVENT"], &mut body).unwrap();
    c.send_bytes(&raw_frame(0x04, 0, 5, 0x0B, &body)).await;
    let f = c.recv().await;
    assert_eq!(f.header.stream, 5);
    assert!(f.error().1.contains("Invalid REGISTER"));

    // Still usable.
    c.send(&Options, 6).await;
    let f = c.recv().await;
    assert_eq!(
        (f.header.stream, f.opcode()),
        (6, ResponseOpcode::Supported)
    );
}

#[tokio::test]
async fn random_bodies_never_wedge_a_connection() {
    let cluster = builder().build().await.unwrap();
    let mut c = Client::connect(cluster.contact_points()[0]).await;
    let mut rng = rand::rngs::StdRng::seed_from_u64(7);
    let opcodes = [0x01u8, 0x05, 0x07, 0x09, 0x0A, 0x0B, 0x0D, 0x0F, 0x03, 0x99];
    let mut expected = 0;
    let mut wire = Vec::new();
    for stream in 0..400i16 {
        let len = rng.random_range(0..64);
        let body: Vec<u8> = (0..len).map(|_| rng.random()).collect();
        let opcode = opcodes[rng.random_range(0..opcodes.len())];
        let flags = rng.random::<u8>() & 0x06; // tracing, custom payload
        wire.extend_from_slice(&raw_frame(0x04, flags, stream, opcode, &body));
        expected += 1;
    }
    c.send_bytes(&wire).await;
    for _ in 0..expected {
        let f = c.recv().await;
        assert!(f.header.stream >= 0);
    }
    c.send(&Options, 999).await;
    let f = c.recv().await;
    assert_eq!(
        (f.header.stream, f.opcode()),
        (999, ResponseOpcode::Supported)
    );
}

#[tokio::test]
async fn oversized_and_misdirected_frames_close_the_connection() {
    let cluster = builder().max_frame_body_size(4096).build().await.unwrap();
    let address = cluster.contact_points()[0];

    let mut c = Client::connect(address).await;
    // Only the header is sent: the server must not wait for (or allocate) the body.
    let header = raw_frame(0x04, 0, 8, 0x05, &[]);
    let mut header = header[..5].to_vec();
    header.extend_from_slice(&100_000u32.to_be_bytes());
    c.send_bytes(&header).await;
    let frames = c.expect_closed().await;
    assert_eq!(frames.len(), 1, "{frames:?}");
    assert_eq!(frames[0].header.stream, 8);
    let (code, msg) = frames[0].error();
    assert_eq!(code, code::PROTOCOL_ERROR);
    assert!(msg.contains("Request is too big"), "{msg}");

    // A body right at the limit is fine.
    let mut c = Client::connect(address).await;
    c.send_bytes(&raw_frame(0x04, 0, 1, 0x05, &[0u8; 4096]))
        .await;
    assert_eq!(c.recv().await.opcode(), ResponseOpcode::Supported);

    // A response frame sent by a client.
    let mut c = Client::connect(address).await;
    c.send_bytes(&raw_frame(0x84, 0, 2, 0x02, &[])).await;
    let frames = c.expect_closed().await;
    assert_eq!(frames.len(), 1);
    assert!(frames[0].error().1.contains("Invalid message direction"));

    // A client that closes mid-frame does not disturb the node.
    let mut c = Client::connect(address).await;
    c.send_bytes(&raw_frame(0x04, 0, 1, 0x05, &[0u8; 100])[..50])
        .await;
    drop(c);
    let mut c = Client::connect(address).await;
    c.send(&Options, 3).await;
    assert_eq!(c.recv().await.header.stream, 3);
}

#[tokio::test]
async fn a_paused_node_reads_but_does_not_answer_until_resumed() {
    let cluster = builder().nodes(2).build().await.unwrap();
    let nodes = cluster.nodes();
    let mut c = Client::connect(nodes[0].address).await;
    c.startup(None).await;

    cluster.pause_node(nodes[0].id).await.unwrap();
    assert_eq!(cluster.nodes()[0].status, scylla_sim::NodeStatus::Paused);
    // A paused node counts as alive for the others.
    assert!(cluster.state().is_alive(nodes[0].id));
    c.send(&Options, 1).await;
    c.expect_silence(Duration::from_millis(300)).await;
    // New connections are accepted but get no answer either.
    let mut fresh = Client::connect(nodes[0].address).await;
    fresh.send(&Options, 1).await;
    fresh.expect_silence(Duration::from_millis(100)).await;
    // The other node answers.
    let mut other = Client::connect(nodes[1].address).await;
    other.send(&Options, 1).await;
    assert_eq!(other.recv().await.opcode(), ResponseOpcode::Supported);

    cluster.resume_node(nodes[0].id).await.unwrap();
    assert_eq!(cluster.nodes()[0].status, scylla_sim::NodeStatus::Up);
    c.send(&Options, 2).await;
    let f = c.recv().await;
    // The request read while paused was dropped; the new one is answered.
    assert_eq!(
        (f.header.stream, f.opcode()),
        (2, ResponseOpcode::Supported)
    );
    fresh.send(&Options, 2).await;
    assert_eq!(fresh.recv().await.header.stream, 2);
}

#[tokio::test]
async fn many_clusters_run_in_parallel() {
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..6 {
        tasks.spawn(async move {
            let cluster = builder().nodes(3).shards(2).build().await.unwrap();
            for address in cluster.contact_points() {
                let mut c = Client::connect(address).await;
                c.send(&Options, i).await;
                assert_eq!(c.recv().await.header.stream, i);
            }
            cluster.base_address()
        });
    }
    let mut bases = std::collections::HashSet::new();
    while let Some(base) = tasks.join_next().await {
        assert!(bases.insert(base.unwrap()), "two clusters on one block");
    }
    assert_eq!(bases.len(), 6);
}

#[tokio::test]
async fn explicit_addresses_ports_and_address_in_use() {
    let base = scylla_sim::free_loopback_base(2, 9142, None).unwrap();
    let cluster = SimCluster::builder()
        .nodes(2)
        .base_address(base.into())
        .port(9142)
        .shard_aware_port(None)
        .build()
        .await
        .unwrap();
    let points = cluster.contact_points();
    assert_eq!(points[0], std::net::SocketAddr::new(base.into(), 9142));
    assert_eq!(
        points[1].ip(),
        std::net::IpAddr::V4(std::net::Ipv4Addr::from(u32::from(base) + 1))
    );
    let mut c = Client::connect(points[1]).await;
    c.send(&Options, 1).await;
    assert_eq!(c.recv().await.opcode(), ResponseOpcode::Supported);

    let err = SimCluster::builder()
        .nodes(1)
        .base_address(base.into())
        .port(9142)
        .shard_aware_port(None)
        .build()
        .await
        .unwrap_err();
    match &err {
        SimError::Bind { address, source } => {
            assert_eq!(*address, points[0]);
            assert_eq!(source.kind(), std::io::ErrorKind::AddrInUse);
        }
        other => panic!("expected a bind error, got {other}"),
    }
    assert!(err.to_string().contains(&points[0].to_string()));
}

#[tokio::test]
async fn invalid_configurations_are_refused() {
    for b in [
        builder().nodes(0),
        builder().shards(0),
        builder().vnodes(0),
        builder().port(0),
        builder().shard_aware_port(Some(9042)),
        builder().racks_per_datacenter(0),
        builder().datacenters(&[("", 1)]),
    ] {
        let err = b.build().await.unwrap_err();
        assert!(matches!(err, SimError::InvalidConfig(_)), "{err}");
    }
}

#[tokio::test]
async fn dropping_or_shutting_down_closes_everything() {
    let cluster = builder().nodes(2).build().await.unwrap();
    let address = cluster.contact_points()[0];
    let mut c = Client::connect(address).await;
    c.startup(None).await;
    drop(cluster);
    c.expect_closed().await;
    let deadline = tokio::time::Instant::now() + WAIT;
    while tokio::net::TcpStream::connect(address).await.is_ok() {
        assert!(tokio::time::Instant::now() < deadline, "still listening");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }

    let cluster = builder().nodes(2).build().await.unwrap();
    let address = cluster.contact_points()[1];
    let mut c = Client::connect(address).await;
    c.startup(None).await;
    cluster.shutdown().await;
    c.expect_closed().await;
    assert!(tokio::net::TcpStream::connect(address).await.is_err());
}

#[tokio::test]
async fn racks_and_explicit_nodes() {
    let cluster = builder()
        .datacenters(&[("dc1", 3), ("dc2", 2)])
        .racks_per_datacenter(2)
        .build()
        .await
        .unwrap();
    let placement: Vec<(String, String)> = cluster
        .nodes()
        .into_iter()
        .map(|n| (n.datacenter, n.rack))
        .collect();
    let expected = [
        ("dc1", "rack1"),
        ("dc1", "rack2"),
        ("dc1", "rack1"),
        ("dc2", "rack1"),
        ("dc2", "rack2"),
    ];
    assert_eq!(
        placement,
        expected
            .iter()
            .map(|(d, r)| (d.to_string(), r.to_string()))
            .collect::<Vec<_>>()
    );

    let cluster = builder()
        .node("east", "r1")
        .node("west", "r9")
        .build()
        .await
        .unwrap();
    let nodes = cluster.nodes();
    assert_eq!(nodes.len(), 2);
    assert_eq!(
        (nodes[1].datacenter.as_str(), nodes[1].rack.as_str()),
        ("west", "r9")
    );
}

#[test]
fn handles_are_send_and_sync() {
    fn assert_send_sync<T: Send + Sync + 'static>() {}
    assert_send_sync::<SimCluster>();
    assert_send_sync::<scylla_sim::SimClusterBuilder>();
    assert_send_sync::<SimError>();
}

#[tokio::test]
async fn counters_are_per_node_and_shard_and_can_be_reset() {
    use std::sync::atomic::Ordering;
    let cluster = builder().nodes(2).shards(3).build().await.unwrap();
    let nodes = cluster.nodes();
    let runtime = cluster.state().node(nodes[1].id).unwrap();
    runtime
        .shard(2)
        .unwrap()
        .requests
        .fetch_add(5, Ordering::Relaxed);
    runtime
        .shard(2)
        .unwrap()
        .wrong_shard
        .fetch_add(2, Ordering::Relaxed);
    runtime
        .shard(0)
        .unwrap()
        .non_replica
        .fetch_add(1, Ordering::Relaxed);

    let snapshot = cluster.counters();
    assert_eq!(snapshot.nodes.len(), 2);
    let n1 = snapshot.node(nodes[1].id).unwrap();
    assert_eq!(n1.address, nodes[1].address);
    assert_eq!(n1.shards.len(), 3);
    assert_eq!(n1.shards[2].requests, 5);
    assert_eq!(n1.shards[2].wrong_shard, 2);
    assert_eq!(n1.shards[0].non_replica, 1);
    let total = snapshot.total();
    assert_eq!(
        (total.requests, total.non_replica, total.wrong_shard),
        (5, 1, 2)
    );
    assert_eq!(snapshot.node(nodes[0].id).unwrap().total().requests, 0);

    // Reading does not reset; taking does.
    assert_eq!(cluster.counters(), snapshot);
    assert_eq!(cluster.take_counters(), snapshot);
    assert_eq!(cluster.counters().total().requests, 0);
    runtime
        .shard(1)
        .unwrap()
        .requests
        .fetch_add(1, Ordering::Relaxed);
    cluster.reset_counters();
    assert_eq!(cluster.counters().total().requests, 0);
}
