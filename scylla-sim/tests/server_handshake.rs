//! The connection handshake over a real socket: OPTIONS/SUPPORTED, STARTUP/READY,
//! compression, protocol version refusal, pipelining.

mod server_support;

use scylla_cql::frame::Compression;
use scylla_cql::frame::request::{Options, Register};
use scylla_cql::frame::response::ResponseOpcode;
use scylla_cql::frame::response::error::code;
use scylla_cql::frame::response::supported::Supported;
use scylla_cql::frame::server_event_type::EventType;
use server_support::{Client, builder, raw_frame};

#[tokio::test]
async fn supported_describes_the_node_and_its_extensions() {
    let cluster = builder().nodes(2).shards(3).build().await.unwrap();
    let nodes = cluster.nodes();
    for node in &nodes {
        let mut c = Client::connect(node.address).await;
        let options = c.options().await;
        let supported = Supported {
            options: options.clone(),
        };
        let sharding = supported.sharding_info().unwrap().expect("sharding info");
        assert_eq!(sharding.nr_shards.get(), 3);
        assert!(sharding.shard < 3);
        assert_eq!(sharding.msb_ignore, 12);
        assert_eq!(
            sharding.partitioner.as_deref(),
            Some("org.apache.cassandra.dht.Murmur3Partitioner")
        );
        assert_eq!(
            sharding.sharding_algorithm.as_deref(),
            Some("biased-token-round-robin")
        );
        assert_eq!(sharding.shard_aware_port, Some(19042));
        assert_eq!(supported.host_id().unwrap(), Some(node.host_id));
        assert_eq!(options["PROTOCOL_VERSIONS"], vec!["4/v4"]);
        assert_eq!(options["COMPRESSION"], vec!["lz4", "snappy"]);
        assert_eq!(options["CQL_VERSION"].len(), 1);
        assert_eq!(
            options["SCYLLA_LWT_ADD_METADATA_MARK"],
            vec!["LWT_OPTIMIZATION_META_BIT_MASK=2147483648"]
        );
        assert_eq!(options["SCYLLA_RATE_LIMIT_ERROR"], vec!["ERROR_CODE=61440"]);
        assert!(options.contains_key("TABLETS_ROUTING_V1"));
        assert!(options.contains_key("SCYLLA_USE_METADATA_ID"));
        let features = supported.protocol_features();
        assert_eq!(features.rate_limit_error, Some(61440));
        assert!(features.tablets_v1_supported);
        // OPTIONS is allowed again after STARTUP (drivers use it as a heartbeat).
        c.startup(None).await;
        assert!(c.options().await.contains_key("SCYLLA_SHARD"));
    }
}

#[tokio::test]
async fn startup_then_ready_and_state_errors() {
    let cluster = builder().build().await.unwrap();
    let address = cluster.contact_points()[0];

    // Before STARTUP only OPTIONS and STARTUP are allowed.
    let mut c = Client::connect(address).await;
    let reg = Register {
        event_types_to_register_for: vec![EventType::StatusChange],
    };
    let (code, msg) = c.request(&reg).await.error();
    assert_eq!(code, code::PROTOCOL_ERROR);
    assert!(msg.contains("expecting STARTUP or OPTIONS"), "{msg}");

    c.startup(None).await;
    // A second STARTUP is refused; the connection stays usable.
    let (code, msg) = c.startup_with(&[("CQL_VERSION", "3.0.0")]).await.error();
    assert_eq!(code, code::PROTOCOL_ERROR);
    assert!(msg.contains("already initialized"), "{msg}");
    assert_eq!(c.request(&reg).await.opcode(), ResponseOpcode::Ready);

    // Unknown compression is a protocol error.
    let mut c = Client::connect(address).await;
    let (code, msg) = c
        .startup_with(&[("CQL_VERSION", "3.0.0"), ("COMPRESSION", "zstd")])
        .await
        .error();
    assert_eq!(code, code::PROTOCOL_ERROR);
    assert_eq!(msg, "Unknown compression algorithm: zstd");
    // And the connection can still start up.
    c.startup(None).await;
}

#[tokio::test]
async fn compression_round_trips() {
    let cluster = builder().build().await.unwrap();
    let address = cluster.contact_points()[0];
    for compression in [Compression::Lz4, Compression::Snappy] {
        let mut c = Client::connect(address).await;
        c.startup(Some(compression)).await;
        // A compressed request gets a compressed response.
        c.send(&Options, 9).await;
        let f = c.recv().await;
        assert_eq!(f.header.stream, 9);
        assert_ne!(f.header.flags & 0x01, 0, "SUPPORTED not compressed");
        assert_eq!(f.opcode(), ResponseOpcode::Supported);
        assert!(matches!(
            f.response(),
            scylla_cql::frame::response::Response::Supported(_)
        ));
        // An uncompressed request is accepted too (compression is per frame).
        let plain = raw_frame(0x04, 0, 10, 0x05, &[]);
        c.send_bytes(&plain).await;
        let f = c.recv().await;
        assert_eq!(f.header.stream, 10);
        assert_eq!(f.opcode(), ResponseOpcode::Supported);
        // A corrupt compressed body is a protocol error on its stream, and the
        // connection goes on.
        let garbage = raw_frame(0x04, 0x01, 11, 0x05, &[0, 0, 0, 50, 0xff, 0xff, 0xff]);
        c.send_bytes(&garbage).await;
        let f = c.recv().await;
        assert_eq!(f.header.stream, 11);
        assert_eq!(f.error().0, code::PROTOCOL_ERROR);
        c.send(&Options, 12).await;
        assert_eq!(c.recv().await.header.stream, 12);
    }
}

#[tokio::test]
async fn compressed_frame_without_negotiation_is_refused() {
    let cluster = builder().build().await.unwrap();
    let mut c = Client::connect(cluster.contact_points()[0]).await;
    c.startup(None).await;
    c.send_bytes(&raw_frame(0x04, 0x01, 3, 0x05, &[1, 2, 3]))
        .await;
    let f = c.recv().await;
    assert_eq!(f.header.stream, 3);
    let (code, msg) = f.error();
    assert_eq!(code, code::PROTOCOL_ERROR);
    assert!(msg.contains("no compression was negotiated"), "{msg}");
}

#[tokio::test]
async fn pipelined_requests_are_all_answered_in_order() {
    let cluster = builder().build().await.unwrap();
    let mut c = Client::connect(cluster.contact_points()[0]).await;
    c.startup(Some(Compression::Lz4)).await;
    let mut batch = Vec::new();
    for stream in 0..500i16 {
        batch.extend_from_slice(&c.frame(&Options, stream));
    }
    // Written in odd-sized pieces so that frames straddle reads.
    for chunk in batch.chunks(777) {
        c.send_bytes(chunk).await;
    }
    for stream in 0..500i16 {
        let f = c.recv().await;
        assert_eq!(f.header.stream, stream);
        assert_eq!(f.opcode(), ResponseOpcode::Supported);
    }
}

#[tokio::test]
async fn other_protocol_versions_are_refused_like_cassandra_does() {
    let cluster = builder().build().await.unwrap();
    let address = cluster.contact_points()[0];
    let startup_body = {
        let mut b = Vec::new();
        let map = std::collections::HashMap::from([("CQL_VERSION", "3.0.0")]);
        scylla_cql::frame::types::write_string_map(&map, &mut b).unwrap();
        b
    };
    // Higher versions (v5, v6, DSE v1 and v2): answered in v4 framing.
    for version in [5u8, 6, 0x41, 0x42] {
        for (opcode, body) in [(0x05u8, &[][..]), (0x01, &startup_body[..])] {
            let mut c = Client::connect(address).await;
            c.send_bytes(&raw_frame(version, 0, 42, opcode, body)).await;
            let f = c.recv().await;
            assert_eq!(f.header.version, 0x84, "v{version}");
            assert_eq!(f.header.stream, 42);
            let (code, msg) = f.error();
            assert_eq!(code, code::PROTOCOL_ERROR);
            assert_eq!(
                msg,
                format!(
                    "Invalid or unsupported protocol version ({version}); supported versions are (4/v4)"
                )
            );
            // The framing was intact: the connection downgrades in place.
            c.startup(None).await;
        }
    }
    // v3: answered in v3 framing (9-byte header, version byte 0x83).
    let mut c = Client::connect(address).await;
    c.send_bytes(&raw_frame(3, 0, 5, 0x05, &[])).await;
    let f = c.recv().await;
    assert_eq!(f.header.version, 0x83);
    assert_eq!(f.header.stream, 5);
    let (code, msg) = f.error();
    assert_eq!(code, code::PROTOCOL_ERROR);
    assert!(msg.contains("unsupported protocol version (3)"), "{msg}");
    // v2: answered with the 8-byte v2 header.
    let mut c = Client::connect(address).await;
    c.send_bytes(&[0x02, 0, 7, 0x05, 0, 0, 0, 0]).await;
    let f = c.recv().await;
    assert_eq!(f.header.version, 0x82);
    assert_eq!(f.header.stream, 7);
    assert!(f.error().1.contains("unsupported protocol version (2)"));
}
