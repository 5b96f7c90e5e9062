//! Garbage in, errors out: every request decoder, the body-extension parsers, the
//! decompressors and the frame readers are fed arbitrary and mutated bytes; they must
//! return (an error or a value), never panic. Every strict prefix of a valid request
//! body must be an error.

use std::borrow::Cow;
use std::io::Cursor;

use bytes::Bytes;
use proptest::prelude::*;
use scylla_cql::frame::protocol_features::ProtocolFeatures;
use scylla_cql::frame::request::batch::{BatchStatement, BatchType};
use scylla_cql::frame::request::cow_bytes::CowBytes;
use scylla_cql::frame::request::query::PagingState;
use scylla_cql::frame::request::{
    AnyRequest, AuthResponse, Batch, DeserializableRequest, Execute, ExecuteV2, Options, Prepare,
    Query, QueryParameters, Register, RegisterV2, Request, RequestOpcode, RequestV2,
    SerializableRequest, Startup,
};
use scylla_cql::frame::server_event_type::EventTypeV2;
use scylla_cql::frame::types::{Consistency, SerialConsistency};
use scylla_cql::frame::{
    Compression, compress_append, decompress, decompress_with_limit, parse_request_body_extensions,
    parse_response_body_extensions, read_request_frame, read_request_frame_with_max_body_size,
    read_response_frame,
};
use scylla_cql::serialize::row::SerializedValues;

const OPCODES: [RequestOpcode; 8] = [
    RequestOpcode::Startup,
    RequestOpcode::Options,
    RequestOpcode::Query,
    RequestOpcode::Prepare,
    RequestOpcode::Execute,
    RequestOpcode::Register,
    RequestOpcode::Batch,
    RequestOpcode::AuthResponse,
];

fn all_features() -> Vec<ProtocolFeatures> {
    let mut out = Vec::new();
    for meta in [false, true] {
        for tablets in [false, true] {
            let mut f = ProtocolFeatures::default();
            f.scylla_metadata_id_supported = meta;
            f.tablets_v2_supported = tablets;
            out.push(f);
        }
    }
    out
}

/// Runs every decoder on `data`. Results are dropped: only panics matter.
fn feed_every_decoder(data: &[u8]) {
    let _ = Startup::deserialize(&mut &data[..]);
    let _ = Options::deserialize(&mut &data[..]);
    let _ = Query::deserialize(&mut &data[..]);
    let _ = QueryParameters::deserialize(&mut &data[..]);
    let _ = Prepare::deserialize_borrowed(&mut &data[..]);
    let _ = Execute::deserialize(&mut &data[..]);
    let _ = ExecuteV2::deserialize(&mut &data[..]);
    let _ = Batch::deserialize(&mut &data[..]);
    let _ = Register::deserialize(&mut &data[..]);
    let _ = RegisterV2::deserialize(&mut &data[..]);
    let _ = AuthResponse::deserialize(&mut &data[..]);
    for f in all_features() {
        let _ = Execute::deserialize_with_features(&mut &data[..], &f);
        let _ = ExecuteV2::deserialize_with_features(&mut &data[..], &f);
        for op in OPCODES {
            let _ = Request::deserialize(&mut &data[..], op);
            let _ = RequestV2::deserialize(&mut &data[..], op, &f);
            let _ = AnyRequest::deserialize(&mut &data[..], op, &f);
        }
    }
    let bytes = Bytes::copy_from_slice(data);
    for flags in 0u8..=0x0f {
        for c in [None, Some(Compression::Lz4), Some(Compression::Snappy)] {
            let _ = parse_response_body_extensions(flags, c, bytes.clone());
            let _ = parse_request_body_extensions(flags, c, bytes.clone());
        }
    }
    for c in [Compression::Lz4, Compression::Snappy] {
        let _ = decompress(data, c);
        let _ = decompress_with_limit(data, c, 1024);
    }
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    rt.block_on(async {
        let _ = read_request_frame(&mut Cursor::new(data.to_vec())).await;
        let _ = read_request_frame_with_max_body_size(&mut Cursor::new(data.to_vec()), 16).await;
        let _ = read_response_frame(&mut Cursor::new(data.to_vec())).await;
    });
}

fn sample_requests() -> Vec<(RequestOpcode, Vec<u8>, ProtocolFeatures)> {
    let (values, ()) = SerializedValues::from_closure(|w| {
        w.make_cell_writer().set_value(&[1, 2, 3]).unwrap();
        w.make_cell_writer().set_null();
        w.make_cell_writer().set_unset();
        Ok(())
    })
    .unwrap();
    let params = QueryParameters {
        consistency: Consistency::Quorum,
        serial_consistency: Some(SerialConsistency::LocalSerial),
        timestamp: Some(7),
        page_size: Some(100),
        paging_state: PagingState::new_from_raw_bytes(vec![9, 9]),
        skip_metadata: true,
        values: Cow::Owned(values.clone()),
        value_names: Some(vec!["x".into(), "y".into(), "z".into()]),
    };
    let mut features = ProtocolFeatures::default();
    features.scylla_metadata_id_supported = true;
    features.tablets_v2_supported = true;
    let none = ProtocolFeatures::default();
    let mut startup = Startup::default();
    startup
        .options
        .insert(Cow::Borrowed("CQL_VERSION"), Cow::Borrowed("3.0.0"));
    vec![
        (
            RequestOpcode::Startup,
            startup.to_bytes().unwrap().to_vec(),
            none,
        ),
        (
            RequestOpcode::Query,
            Query {
                contents: Cow::Borrowed("SELECT * FROM t WHERE a = :x"),
                parameters: params.clone(),
            }
            .to_bytes()
            .unwrap()
            .to_vec(),
            none,
        ),
        (
            RequestOpcode::Prepare,
            Prepare { query: "SELECT 1" }.to_bytes().unwrap().to_vec(),
            none,
        ),
        (
            RequestOpcode::Execute,
            ExecuteV2 {
                id: CowBytes::Borrowed(&[1, 2, 3, 4]),
                parameters: QueryParameters {
                    value_names: None,
                    ..params.clone()
                },
                result_metadata_id: Some(CowBytes::Borrowed(&[5, 6])),
                tablet_version_block: Some(0x12),
            }
            .to_bytes()
            .unwrap()
            .to_vec(),
            features,
        ),
        (
            RequestOpcode::Batch,
            Batch {
                statements: Cow::Owned(vec![
                    BatchStatement::Query {
                        text: Cow::Borrowed("INSERT"),
                    },
                    BatchStatement::Prepared {
                        id: Cow::Borrowed(&[1, 2][..]),
                    },
                ]),
                batch_type: BatchType::Counter,
                consistency: Consistency::All,
                serial_consistency: Some(SerialConsistency::Serial),
                timestamp: Some(-5),
                values: vec![values.clone(), values],
            }
            .to_bytes()
            .unwrap()
            .to_vec(),
            none,
        ),
        (
            RequestOpcode::Register,
            RegisterV2 {
                event_types_to_register_for: vec![
                    EventTypeV2::SchemaChange,
                    EventTypeV2::ClientRoutesChange,
                ],
            }
            .to_bytes()
            .unwrap()
            .to_vec(),
            none,
        ),
        (
            RequestOpcode::AuthResponse,
            AuthResponse {
                response: Some(b"\0u\0p".to_vec()),
            }
            .to_bytes()
            .unwrap()
            .to_vec(),
            none,
        ),
    ]
}

#[test]
fn every_strict_prefix_of_a_request_is_an_error() {
    for (op, bytes, f) in sample_requests() {
        assert!(
            AnyRequest::deserialize(&mut &bytes[..], op, &f).is_ok(),
            "{op} must decode whole"
        );
        for cut in 0..bytes.len() {
            let prefix = &bytes[..cut];
            assert!(
                AnyRequest::deserialize(&mut &prefix[..], op, &f).is_err(),
                "{op} cut at {cut} of {} decoded",
                bytes.len()
            );
        }
    }
}

#[test]
fn errors_name_what_failed() {
    // QUERY cut inside the page size.
    let bytes = Query {
        contents: Cow::Borrowed("q"),
        parameters: QueryParameters {
            page_size: Some(10),
            ..Default::default()
        },
    }
    .to_bytes()
    .unwrap();
    let err = Query::deserialize(&mut &bytes[..bytes.len() - 1]).unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains("page size"), "{msg}");

    // A serial consistency that is not serial.
    let mut bytes = Query {
        contents: Cow::Borrowed("q"),
        parameters: QueryParameters {
            serial_consistency: Some(SerialConsistency::Serial),
            ..Default::default()
        },
    }
    .to_bytes()
    .unwrap()
    .to_vec();
    let n = bytes.len();
    bytes[n - 1] = 0x01;
    let msg = Query::deserialize(&mut &bytes[..]).unwrap_err().to_string();
    assert!(msg.contains("0x0001"), "{msg}");

    // Unknown query flag bit 0x80.
    let mut bytes = Query {
        contents: Cow::Borrowed("q"),
        parameters: QueryParameters::default(),
    }
    .to_bytes()
    .unwrap()
    .to_vec();
    let n = bytes.len();
    bytes[n - 1] = 0x80;
    let msg = Query::deserialize(&mut &bytes[..]).unwrap_err().to_string();
    assert!(msg.contains("0x80"), "{msg}");

    // BATCH with the names flag, and with an unknown statement kind.
    let batch = Batch {
        statements: Cow::Owned(vec![BatchStatement::Query {
            text: Cow::Borrowed("I"),
        }]),
        batch_type: BatchType::Logged,
        consistency: Consistency::One,
        serial_consistency: None,
        timestamp: None,
        values: vec![SerializedValues::new()],
    };
    let mut bytes = batch.to_bytes().unwrap().to_vec();
    let n = bytes.len();
    bytes[n - 1] = 0x40;
    let msg = Batch::deserialize(&mut &bytes[..]).unwrap_err().to_string();
    assert!(msg.contains("0x40"), "{msg}");
    bytes[3] = 7;
    let msg = Batch::deserialize(&mut &bytes[..]).unwrap_err().to_string();
    assert!(msg.contains("kind 7"), "{msg}");
    bytes[0] = 9;
    let msg = Batch::deserialize(&mut &bytes[..]).unwrap_err().to_string();
    assert!(msg.contains("batch type 9"), "{msg}");

    // REGISTER with an unknown event.
    let bytes = [0x00, 0x01, 0x00, 0x03, b'F', b'O', b'O'];
    let msg = RegisterV2::deserialize(&mut &bytes[..])
        .unwrap_err()
        .to_string();
    assert!(msg.contains("\"FOO\""), "{msg}");
}

#[test]
fn huge_counts_in_tiny_bodies_are_errors() {
    // 65535 statements / values / options announced, none present.
    let batch = [0x00, 0xff, 0xff];
    assert!(Batch::deserialize(&mut &batch[..]).is_err());
    let named = [0x00, 0x01, 0x41, 0xff, 0xff];
    assert!(QueryParameters::deserialize(&mut &named[..]).is_err());
    let startup = [0xff, 0xff];
    assert!(Startup::deserialize(&mut &startup[..]).is_err());
    // A [long string] of i32::MAX bytes.
    let prepare = [0x7f, 0xff, 0xff, 0xff, b'a'];
    assert!(Prepare::deserialize_borrowed(&mut &prepare[..]).is_err());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_bytes_never_panic(data in proptest::collection::vec(any::<u8>(), 0..300)) {
        feed_every_decoder(&data);
    }

    #[test]
    fn mutated_requests_never_panic(
        which in 0usize..7,
        flips in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..4),
        cut in any::<prop::sample::Index>(),
    ) {
        let samples = sample_requests();
        let (_, mut bytes, _) = samples[which].clone();
        for (at, value) in flips {
            let i = at.index(bytes.len());
            bytes[i] = value;
        }
        let keep = cut.index(bytes.len() + 1);
        bytes.truncate(keep);
        feed_every_decoder(&bytes);
    }

    #[test]
    fn mutated_compressed_bodies_never_panic(
        data in proptest::collection::vec(any::<u8>(), 0..400),
        flips in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..4),
    ) {
        for c in [Compression::Lz4, Compression::Snappy] {
            let mut out = Vec::new();
            compress_append(&data, c, &mut out).unwrap();
            for (at, value) in &flips {
                let i = at.index(out.len());
                out[i] = *value;
            }
            let _ = decompress(&out, c);
        }
    }
}
