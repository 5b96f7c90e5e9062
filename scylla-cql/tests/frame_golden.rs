//! Golden bytes for the frame header and every request, written by hand from the
//! protocol v4 spec (sections 2, 3 and 4.1) and ScyllaDB's extensions; each is also
//! decoded back.

use std::borrow::Cow;
use std::collections::HashMap;

use bytes::Bytes;
use scylla_cql::frame::protocol_features::ProtocolFeatures;
use scylla_cql::frame::request::batch::{BatchStatement, BatchType};
use scylla_cql::frame::request::cow_bytes::CowBytes;
use scylla_cql::frame::request::query::PagingState;
use scylla_cql::frame::request::{
    AnyRequest, AuthResponse, Batch, DeserializableRequest, Execute, ExecuteV2, Options, Prepare,
    Query, QueryParameters, Register, RegisterV2, Request, RequestOpcode, SerializableRequest,
    Startup,
};
use scylla_cql::frame::server_event_type::{EventType, EventTypeV2};
use scylla_cql::frame::types::{Consistency, RawValue, SerialConsistency};
use scylla_cql::frame::{
    Compression, FrameHeader, ResponseExtensions, SerializedRequest, SerializedResponse, flag,
    parse_request_body_extensions, parse_response_body_extensions,
};
use scylla_cql::serialize::row::SerializedValues;
use uuid::Uuid;

fn values(raw: &[RawValue<'_>]) -> SerializedValues {
    SerializedValues::from_closure(|w| {
        for v in raw {
            let cell = w.make_cell_writer();
            match v {
                RawValue::Null => {
                    cell.set_null();
                }
                RawValue::Unset => {
                    cell.set_unset();
                }
                RawValue::Value(b) => {
                    cell.set_value(b).unwrap();
                }
            }
        }
        Ok(())
    })
    .unwrap()
    .0
}

/// `[string]`: a `[short]` length then the bytes.
fn string(s: &str) -> Vec<u8> {
    let mut v = (s.len() as u16).to_be_bytes().to_vec();
    v.extend_from_slice(s.as_bytes());
    v
}

/// `[long string]`: an `[int]` length then the bytes.
fn long_string(s: &str) -> Vec<u8> {
    let mut v = (s.len() as i32).to_be_bytes().to_vec();
    v.extend_from_slice(s.as_bytes());
    v
}

fn cat(parts: &[&[u8]]) -> Vec<u8> {
    parts.concat()
}

#[test]
fn options_frame() {
    let mut req = SerializedRequest::make(&Options, None, false).unwrap();
    req.set_stream(1);
    assert_eq!(
        req.get_data(),
        [0x04, 0x00, 0x00, 0x01, 0x05, 0x00, 0x00, 0x00, 0x00]
    );
    let header = FrameHeader::from_bytes(req.get_data().try_into().unwrap());
    assert_eq!(header.version, 0x04);
    assert_eq!(header.stream, 1);
    assert_eq!(header.opcode, RequestOpcode::Options as u8);
    assert_eq!(header.length, 0);
    assert!(!header.is_response());
    assert_eq!(header.to_bytes().as_slice(), req.get_data());
}

#[test]
fn response_header_fields() {
    // EVENT on stream -1 with a 5-byte body.
    let h = FrameHeader::from_bytes([0x84, 0x00, 0xff, 0xff, 0x0c, 0x00, 0x00, 0x00, 0x05]);
    assert!(h.is_response());
    assert_eq!(h.protocol_version(), 4);
    assert_eq!(h.stream, -1);
    assert_eq!(h.opcode, 0x0c);
    assert_eq!(h.length, 5);
    assert_eq!(h.params().for_response().version, 0x84);
    // Stream ids are big-endian [short]s: 0x0102 = 258.
    let h = FrameHeader::from_bytes([0x04, 0x09, 0x01, 0x02, 0x07, 0x00, 0x01, 0x00, 0x00]);
    assert_eq!(h.stream, 258);
    assert_eq!(h.flags, flag::COMPRESSION | flag::WARNING);
    assert_eq!(h.length, 65536);
    assert_eq!(
        (
            flag::COMPRESSION,
            flag::TRACING,
            flag::CUSTOM_PAYLOAD,
            flag::WARNING,
            flag::USE_BETA
        ),
        (0x01, 0x02, 0x04, 0x08, 0x10)
    );
}

#[test]
fn startup_frame_is_never_compressed() {
    let mut options = HashMap::new();
    options.insert(Cow::Borrowed("CQL_VERSION"), Cow::Borrowed("3.0.0"));
    let startup = Startup { options };
    let req = SerializedRequest::make(&startup, Some(Compression::Lz4), false).unwrap();
    let body = cat(&[&[0x00, 0x01], &string("CQL_VERSION"), &string("3.0.0")]);
    assert_eq!(body.len(), 22);
    let mut expected = vec![0x04, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x16];
    expected.extend_from_slice(&body);
    assert_eq!(req.get_data(), expected.as_slice());

    let decoded = Startup::deserialize(&mut &body[..]).unwrap();
    assert_eq!(decoded, startup);
}

#[test]
fn query_minimal() {
    let query = Query {
        contents: Cow::Borrowed("SELECT 1"),
        parameters: QueryParameters {
            consistency: Consistency::One,
            ..Default::default()
        },
    };
    let expected = cat(&[&long_string("SELECT 1"), &[0x00, 0x01], &[0x00]]);
    assert_eq!(query.to_bytes().unwrap(), expected);
    assert_eq!(Query::deserialize(&mut &expected[..]).unwrap(), query);
}

#[test]
fn query_parameters_every_flag_with_names() {
    let vals = values(&[RawValue::Value(&[0x2a]), RawValue::Null]);
    let params = QueryParameters {
        consistency: Consistency::Quorum,
        serial_consistency: Some(SerialConsistency::LocalSerial),
        timestamp: Some(1_600_000_000_000_000),
        page_size: Some(5000),
        paging_state: PagingState::new_from_raw_bytes(vec![0xde, 0xad, 0xbe]),
        skip_metadata: true,
        values: Cow::Owned(vals),
        value_names: Some(vec!["a".to_owned(), "b".to_owned()]),
    };
    let query = Query {
        contents: Cow::Borrowed("q"),
        parameters: params,
    };
    let expected = cat(&[
        &long_string("q"),
        &[0x00, 0x04],                                     // QUORUM
        &[0x7f],                                           // every flag 0x01..0x40
        &[0x00, 0x02],                                     // two values
        &string("a"),                                      // name 1
        &[0x00, 0x00, 0x00, 0x01, 0x2a],                   // value 1
        &string("b"),                                      // name 2
        &[0xff, 0xff, 0xff, 0xff],                         // value 2: null
        &[0x00, 0x00, 0x13, 0x88],                         // page size 5000
        &[0x00, 0x00, 0x00, 0x03, 0xde, 0xad, 0xbe],       // paging state
        &[0x00, 0x09],                                     // LOCAL_SERIAL
        &[0x00, 0x05, 0xaf, 0x31, 0x07, 0xa4, 0x00, 0x00], // timestamp
    ]);
    assert_eq!(query.to_bytes().unwrap(), expected);
    let decoded = Query::deserialize(&mut &expected[..]).unwrap();
    assert_eq!(decoded, query);
}

#[test]
fn query_parameters_positional_values_and_unset() {
    let vals = values(&[RawValue::Unset, RawValue::Value(&[])]);
    let params = QueryParameters {
        consistency: Consistency::LocalOne,
        values: Cow::Owned(vals),
        timestamp: Some(-1),
        ..Default::default()
    };
    let mut buf = Vec::new();
    params.serialize(&mut buf).unwrap();
    let expected = cat(&[
        &[0x00, 0x0a],
        &[0x21],
        &[0x00, 0x02],
        &[0xff, 0xff, 0xff, 0xfe],
        &[0x00, 0x00, 0x00, 0x00],
        &[0xff; 8],
    ]);
    assert_eq!(buf, expected);
    assert_eq!(
        QueryParameters::deserialize(&mut &expected[..]).unwrap(),
        params
    );
}

#[test]
fn prepare() {
    let p = Prepare {
        query: "SELECT * FROM ks.t",
    };
    let expected = long_string("SELECT * FROM ks.t");
    assert_eq!(p.to_bytes().unwrap(), expected);
    assert_eq!(
        Prepare::deserialize_borrowed(&mut &expected[..]).unwrap(),
        p
    );
}

#[test]
fn execute_plain_and_with_scylla_extensions() {
    let params = QueryParameters {
        consistency: Consistency::LocalOne,
        skip_metadata: true,
        values: Cow::Owned(values(&[RawValue::Value(&[0xab, 0xcd])])),
        ..Default::default()
    };
    let params_bytes: &[u8] = &[
        0x00, 0x0a, 0x03, 0x00, 0x01, 0x00, 0x00, 0x00, 0x02, 0xab, 0xcd,
    ];
    let exec = Execute {
        id: Bytes::from_static(&[0x12, 0x34]),
        parameters: params.clone(),
    };
    let expected = cat(&[&[0x00, 0x02, 0x12, 0x34], params_bytes]);
    assert_eq!(exec.to_bytes().unwrap(), expected);
    assert_eq!(Execute::deserialize(&mut &expected[..]).unwrap(), exec);

    // SCYLLA_USE_METADATA_ID: <id><result_metadata_id><query_parameters>; tablets v2:
    // one trailing block byte.
    let v2 = ExecuteV2 {
        id: CowBytes::Borrowed(&[0x12, 0x34]),
        parameters: params,
        result_metadata_id: Some(CowBytes::Borrowed(&[0x56])),
        tablet_version_block: Some(0xa3),
    };
    let expected = cat(&[
        &[0x00, 0x02, 0x12, 0x34],
        &[0x00, 0x01, 0x56],
        params_bytes,
        &[0xa3],
    ]);
    assert_eq!(v2.to_bytes().unwrap(), expected);
    let mut features = ProtocolFeatures::default();
    features.scylla_metadata_id_supported = true;
    features.tablets_v2_supported = true;
    let mut buf = &expected[..];
    assert_eq!(
        ExecuteV2::deserialize_with_features(&mut buf, &features).unwrap(),
        v2
    );
    assert!(buf.is_empty());
    // The plain Execute skips the extensions when told they were negotiated.
    let mut buf = &expected[..];
    let plain = Execute::deserialize_with_features(&mut buf, &features).unwrap();
    assert_eq!(plain.id.as_ref(), &[0x12, 0x34]);
    assert!(buf.is_empty());
}

#[test]
fn batch() {
    let statements = vec![
        BatchStatement::Query {
            text: Cow::Borrowed("INSERT"),
        },
        BatchStatement::Prepared {
            id: Cow::Borrowed(&[0xca, 0xfe]),
        },
    ];
    let batch = Batch {
        statements: Cow::Owned(statements),
        batch_type: BatchType::Unlogged,
        consistency: Consistency::One,
        serial_consistency: Some(SerialConsistency::Serial),
        timestamp: Some(42),
        values: vec![values(&[RawValue::Value(&[7])]), SerializedValues::new()],
    };
    let expected = cat(&[
        &[0x01],       // unlogged
        &[0x00, 0x02], // two statements
        &[0x00],       // kind: query string
        &long_string("INSERT"),
        &[0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x07],
        &[0x01, 0x00, 0x02, 0xca, 0xfe], // kind: prepared id
        &[0x00, 0x00],                   // no values
        &[0x00, 0x01],                   // ONE
        &[0x30],                         // serial + timestamp
        &[0x00, 0x08],                   // SERIAL
        &[0, 0, 0, 0, 0, 0, 0, 0x2a],
    ]);
    assert_eq!(batch.to_bytes().unwrap(), expected);
    let decoded = Batch::deserialize(&mut &expected[..]).unwrap();
    assert_eq!(decoded, batch);
    let mut buf = &expected[..];
    let req = Request::deserialize(&mut buf, RequestOpcode::Batch).unwrap();
    assert_eq!(req.get_consistency(), Some(Consistency::One));
    assert_eq!(
        req.get_serial_consistency(),
        Some(Some(SerialConsistency::Serial))
    );
}

#[test]
fn batch_default_type_is_logged_and_types_parse() {
    assert_eq!(BatchType::default(), BatchType::Logged);
    assert_eq!(BatchType::try_from(0).unwrap(), BatchType::Logged);
    assert_eq!(BatchType::try_from(1).unwrap(), BatchType::Unlogged);
    assert_eq!(BatchType::try_from(2).unwrap(), BatchType::Counter);
    assert_eq!(BatchType::try_from(3).unwrap_err().value(), 3);
}

#[test]
fn register() {
    let reg = Register {
        event_types_to_register_for: vec![
            EventType::TopologyChange,
            EventType::StatusChange,
            EventType::SchemaChange,
        ],
    };
    let expected = cat(&[
        &[0x00, 0x03],
        &string("TOPOLOGY_CHANGE"),
        &string("STATUS_CHANGE"),
        &string("SCHEMA_CHANGE"),
    ]);
    assert_eq!(reg.to_bytes().unwrap(), expected);
    assert_eq!(Register::deserialize(&mut &expected[..]).unwrap(), reg);

    let v2 = RegisterV2 {
        event_types_to_register_for: vec![EventTypeV2::ClientRoutesChange],
    };
    let expected = cat(&[&[0x00, 0x01], &string("CLIENT_ROUTES_CHANGE")]);
    assert_eq!(v2.to_bytes().unwrap(), expected);
    assert_eq!(RegisterV2::deserialize(&mut &expected[..]).unwrap(), v2);
    assert!(Register::deserialize(&mut &expected[..]).is_err());
}

#[test]
fn auth_response() {
    let token = b"\0cassandra\0cassandra".to_vec();
    let auth = AuthResponse {
        response: Some(token.clone()),
    };
    let expected = cat(&[&[0x00, 0x00, 0x00, 0x14], &token]);
    assert_eq!(auth.to_bytes().unwrap(), expected);
    assert_eq!(AuthResponse::deserialize(&mut &expected[..]).unwrap(), auth);

    let null = AuthResponse { response: None };
    assert_eq!(
        null.to_bytes().unwrap(),
        [0xff, 0xff, 0xff, 0xff].as_slice()
    );
    assert_eq!(
        AuthResponse::deserialize(&mut &[0xff, 0xff, 0xff, 0xff][..]).unwrap(),
        null
    );
}

#[test]
fn request_frame_with_tracing_and_custom_payload() {
    let query = Query {
        contents: Cow::Borrowed("SELECT 1"),
        parameters: QueryParameters {
            consistency: Consistency::One,
            ..Default::default()
        },
    };
    let mut payload = HashMap::new();
    payload.insert("k".to_owned(), Bytes::from_static(&[1, 2]));
    let mut req =
        SerializedRequest::make_with_custom_payload(&query, None, true, Some(&payload)).unwrap();
    req.set_stream(0x0102);
    let body = cat(&[
        &[0x00, 0x01],
        &string("k"),
        &[0x00, 0x00, 0x00, 0x02, 0x01, 0x02],
        &long_string("SELECT 1"),
        &[0x00, 0x01, 0x00],
    ]);
    let mut expected = vec![0x04, 0x06, 0x01, 0x02, 0x07, 0x00, 0x00, 0x00];
    expected.push(body.len() as u8);
    expected.extend_from_slice(&body);
    assert_eq!(req.get_data(), expected.as_slice());

    let parsed = parse_request_body_extensions(0x06, None, Bytes::from(body)).unwrap();
    assert!(parsed.tracing);
    assert_eq!(parsed.custom_payload, Some(payload));
    let mut buf = &parsed.body[..];
    let any = AnyRequest::deserialize(&mut buf, RequestOpcode::Query, &ProtocolFeatures::default())
        .unwrap();
    assert_eq!(any, AnyRequest::Query(query));
}

#[test]
fn response_frame_with_every_extension() {
    let trace_id = Uuid::from_u128(0x00112233_4455_6677_8899_aabbccddeeff);
    let warnings = vec!["warn".to_owned()];
    let mut payload = HashMap::new();
    payload.insert("k".to_owned(), Bytes::from_static(&[1, 2]));
    let ext = ResponseExtensions {
        trace_id: Some(trace_id),
        warnings: &warnings,
        custom_payload: Some(&payload),
    };
    // RESULT (0x08) of kind Void.
    let resp = SerializedResponse::make(5, 0x08, &[0, 0, 0, 1], &ext, None).unwrap();
    let body = cat(&[
        trace_id.as_bytes(),
        &[0x00, 0x01],
        &string("warn"),
        &[0x00, 0x01],
        &string("k"),
        &[0x00, 0x00, 0x00, 0x02, 0x01, 0x02],
        &[0x00, 0x00, 0x00, 0x01],
    ]);
    let mut expected = vec![0x84, 0x0e, 0x00, 0x05, 0x08, 0x00, 0x00, 0x00];
    expected.push(body.len() as u8);
    expected.extend_from_slice(&body);
    assert_eq!(resp.get_data(), expected.as_slice());

    let parsed = parse_response_body_extensions(0x0e, None, Bytes::from(body)).unwrap();
    assert_eq!(parsed.trace_id, Some(trace_id));
    assert_eq!(parsed.warnings, warnings);
    assert_eq!(parsed.custom_payload, Some(payload));
    assert_eq!(parsed.body.as_ref(), &[0, 0, 0, 1]);
}

#[test]
fn compressed_frames_set_the_flag_and_compress_the_whole_body() {
    let query = Query {
        contents: Cow::Owned("SELECT * FROM ks.t WHERE a = 1".repeat(10)),
        parameters: QueryParameters::default(),
    };
    for c in [Compression::Lz4, Compression::Snappy] {
        let req = SerializedRequest::make(&query, Some(c), true).unwrap();
        let data = req.get_data();
        assert_eq!(data[1], flag::COMPRESSION | flag::TRACING);
        let len = u32::from_be_bytes(data[5..9].try_into().unwrap()) as usize;
        assert_eq!(len, data.len() - 9);
        let parsed =
            parse_request_body_extensions(data[1], Some(c), Bytes::copy_from_slice(&data[9..]))
                .unwrap();
        assert_eq!(parsed.body, query.to_bytes().unwrap());
        if c == Compression::Lz4 {
            let body_len = query.to_bytes().unwrap().len() as i32;
            assert_eq!(&data[9..13], &body_len.to_be_bytes());
        }
    }
}

/// Frames produced by the Python `cassandra-driver` (3.30.1, protocol v4) for the same
/// messages, recorded as hex: our encoders must produce the same bytes.
#[test]
fn frames_match_the_python_driver() {
    fn frame<R: SerializableRequest>(req: &R, stream: i16, tracing: bool) -> String {
        let mut f = SerializedRequest::make(req, None, tracing).unwrap();
        f.set_stream(stream);
        f.get_data().iter().map(|b| format!("{b:02x}")).collect()
    }
    let one = |contents: &'static str| Query {
        contents: Cow::Borrowed(contents),
        parameters: QueryParameters {
            consistency: Consistency::One,
            ..Default::default()
        },
    };

    assert_eq!(frame(&Options, 1, false), "040000010500000000");
    let mut options = HashMap::new();
    options.insert(Cow::Borrowed("CQL_VERSION"), Cow::Borrowed("3.0.0"));
    assert_eq!(
        frame(&Startup { options }, 0, false),
        "0400000001000000160001000b43514c5f56455253494f4e0005332e302e30"
    );
    assert_eq!(
        frame(&one("SELECT 1"), 0, false),
        "04000000070000000f0000000853454c4543542031000100"
    );
    assert_eq!(
        frame(&one("SELECT 1"), 0x0102, true),
        "04020102070000000f0000000853454c4543542031000100"
    );
    let query_all = Query {
        contents: Cow::Borrowed("q"),
        parameters: QueryParameters {
            consistency: Consistency::Quorum,
            serial_consistency: Some(SerialConsistency::LocalSerial),
            timestamp: Some(1_600_000_000_000_000),
            page_size: Some(5000),
            paging_state: PagingState::new_from_raw_bytes(vec![0xde, 0xad, 0xbe]),
            skip_metadata: false,
            values: Cow::Owned(values(&[RawValue::Value(&[0x2a]), RawValue::Null])),
            value_names: None,
        },
    };
    assert_eq!(
        frame(&query_all, 0, false),
        "040000000700000028000000017100043d0002000000012affffffff0000138800000003deadbe00090005af3107a40000"
    );
    assert_eq!(
        frame(
            &Prepare {
                query: "SELECT * FROM ks.t"
            },
            0,
            false
        ),
        "0400000009000000160000001253454c454354202a2046524f4d206b732e74"
    );
    let execute = Execute {
        id: Bytes::from_static(&[0x12, 0x34]),
        parameters: QueryParameters {
            consistency: Consistency::LocalOne,
            values: Cow::Owned(values(&[RawValue::Value(&[0xab, 0xcd])])),
            ..Default::default()
        },
    };
    assert_eq!(
        frame(&execute, 0, false),
        "040000000a0000000f00021234000a01000100000002abcd"
    );
    let batch = Batch {
        statements: Cow::Owned(vec![
            BatchStatement::Query {
                text: Cow::Borrowed("INSERT"),
            },
            BatchStatement::Prepared {
                id: Cow::Borrowed(&[0xca, 0xfe][..]),
            },
        ]),
        batch_type: BatchType::Unlogged,
        consistency: Consistency::One,
        serial_consistency: Some(SerialConsistency::Serial),
        timestamp: Some(42),
        values: vec![values(&[RawValue::Value(&[7])]), SerializedValues::new()],
    };
    assert_eq!(
        frame(&batch, 0, false),
        "040000000d000000290100020000000006494e5345525400010000000107010002cafe00000001300008000000000000002a"
    );
    let register = Register {
        event_types_to_register_for: vec![
            EventType::TopologyChange,
            EventType::StatusChange,
            EventType::SchemaChange,
        ],
    };
    assert_eq!(
        frame(&register, 0, false),
        "040000000b000000310003000f544f504f4c4f47595f4348414e4745000d5354415455535f4348414e4745000d534348454d415f4348414e4745"
    );
    let auth = AuthResponse {
        response: Some(b"\0cassandra\0cassandra".to_vec()),
    };
    assert_eq!(
        frame(&auth, 0, false),
        "040000000f00000018000000140063617373616e6472610063617373616e647261"
    );
}

/// An LZ4-compressed QUERY frame produced by the Python `cassandra-driver` (with the
/// `lz4` package): our reader and decompressor must decode it.
#[tokio::test]
async fn decodes_a_python_driver_lz4_frame() {
    let hex = "04010003070000003f00000091f11d0000008a53454c454354202a2046524f4d2073797374656d2e6c6f63616c205748455245206b6579203d202713001f272e0047506c27000100";
    let bytes: Vec<u8> = (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
        .collect();
    let (params, opcode, body) =
        scylla_cql::frame::read_request_frame(&mut std::io::Cursor::new(bytes))
            .await
            .unwrap();
    assert_eq!(params.stream, 3);
    assert_eq!(params.flags, flag::COMPRESSION);
    assert_eq!(opcode, RequestOpcode::Query);
    let ext = parse_request_body_extensions(params.flags, Some(Compression::Lz4), body).unwrap();
    let query = Query::deserialize(&mut &ext.body[..]).unwrap();
    assert_eq!(
        query.contents,
        "SELECT * FROM system.local WHERE key = 'local'".repeat(3)
    );
    assert_eq!(query.parameters.consistency, Consistency::One);
}
