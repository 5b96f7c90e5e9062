//! Encode → decode round trips (proptest) for every request with every flag
//! combination, whole frames in both directions, and compression.

use std::borrow::Cow;
use std::collections::HashMap;
use std::io::Cursor;

use bytes::Bytes;
use proptest::prelude::*;
use scylla_cql::frame::protocol_features::ProtocolFeatures;
use scylla_cql::frame::request::batch::{BatchStatement, BatchType};
use scylla_cql::frame::request::cow_bytes::CowBytes;
use scylla_cql::frame::request::query::PagingState;
use scylla_cql::frame::request::{
    AnyRequest, AuthResponse, Batch, DeserializableRequest, DeserializedBatch, Execute, ExecuteV2,
    Options, Prepare, Query, QueryParameters, Register, RegisterV2, RequestOpcode, RequestV2,
    SerializableRequest, Startup,
};
use scylla_cql::frame::server_event_type::{EventType, EventTypeV2};
use scylla_cql::frame::types::{Consistency, SerialConsistency};
use scylla_cql::frame::{
    Compression, ResponseExtensions, SerializedRequest, SerializedResponse, compress_append,
    decompress, parse_request_body_extensions, parse_response_body_extensions, read_request_frame,
    read_response_frame,
};
use scylla_cql::serialize::row::SerializedValues;
use uuid::Uuid;

/// A raw value: `None` = null, `Some(None)` = unset, `Some(Some(bytes))` = value.
type Raw = Option<Option<Vec<u8>>>;

fn build_values(raw: &[Raw]) -> SerializedValues {
    SerializedValues::from_closure(|w| {
        for v in raw {
            let cell = w.make_cell_writer();
            match v {
                None => {
                    cell.set_null();
                }
                Some(None) => {
                    cell.set_unset();
                }
                Some(Some(b)) => {
                    cell.set_value(b).unwrap();
                }
            }
        }
        Ok(())
    })
    .unwrap()
    .0
}

fn raw_value() -> impl Strategy<Value = Raw> {
    prop_oneof![
        Just(None),
        Just(Some(None)),
        proptest::collection::vec(any::<u8>(), 0..16).prop_map(|v| Some(Some(v))),
    ]
}

fn serialized_values() -> impl Strategy<Value = SerializedValues> {
    proptest::collection::vec(raw_value(), 0..6).prop_map(|raw| build_values(&raw))
}

fn consistency() -> impl Strategy<Value = Consistency> {
    (0u16..=10).prop_map(|c| Consistency::try_from(c).unwrap())
}

fn serial_consistency() -> impl Strategy<Value = Option<SerialConsistency>> {
    prop_oneof![
        Just(None),
        Just(Some(SerialConsistency::Serial)),
        Just(Some(SerialConsistency::LocalSerial)),
    ]
}

fn paging_state() -> impl Strategy<Value = PagingState> {
    proptest::option::of(proptest::collection::vec(any::<u8>(), 0..12)).prop_map(|p| match p {
        Some(raw) => PagingState::new_from_raw_bytes(raw),
        None => PagingState::start(),
    })
}

fn query_parameters() -> impl Strategy<Value = QueryParameters<'static>> {
    (
        consistency(),
        serial_consistency(),
        proptest::option::of(any::<i64>()),
        proptest::option::of(any::<i32>()),
        paging_state(),
        any::<bool>(),
        serialized_values(),
        any::<bool>(),
        proptest::collection::vec("[a-z_]{0,8}", 6),
    )
        .prop_map(
            |(c, sc, ts, ps, state, skip, values, named, names)| QueryParameters {
                consistency: c,
                serial_consistency: sc,
                timestamp: ts,
                page_size: ps,
                paging_state: state,
                skip_metadata: skip,
                value_names: (named && !values.is_empty())
                    .then(|| names[..values.element_count() as usize].to_vec()),
                values: Cow::Owned(values),
            },
        )
}

fn batch_statement() -> impl Strategy<Value = BatchStatement<'static>> {
    prop_oneof![
        ".{0,20}".prop_map(|t| BatchStatement::Query {
            text: Cow::Owned(t)
        }),
        proptest::collection::vec(any::<u8>(), 0..16)
            .prop_map(|id| BatchStatement::Prepared { id: Cow::Owned(id) }),
    ]
}

fn batch() -> impl Strategy<Value = DeserializedBatch<'static>> {
    (
        proptest::collection::vec((batch_statement(), serialized_values()), 0..5),
        0u8..3,
        consistency(),
        serial_consistency(),
        proptest::option::of(any::<i64>()),
    )
        .prop_map(|(stmts, bt, c, sc, ts)| {
            let (statements, values): (Vec<_>, Vec<_>) = stmts.into_iter().unzip();
            Batch {
                statements: Cow::Owned(statements),
                batch_type: BatchType::try_from(bt).unwrap(),
                consistency: c,
                serial_consistency: sc,
                timestamp: ts,
                values,
            }
        })
}

fn features() -> impl Strategy<Value = ProtocolFeatures> {
    (any::<bool>(), any::<bool>()).prop_map(|(meta, tablets)| {
        let mut f = ProtocolFeatures::default();
        f.scylla_metadata_id_supported = meta;
        f.tablets_v2_supported = tablets;
        f
    })
}

fn execute_v2(features: &ProtocolFeatures) -> impl Strategy<Value = ExecuteV2<'static>> + use<> {
    let meta = features.scylla_metadata_id_supported;
    let tablets = features.tablets_v2_supported;
    (
        proptest::collection::vec(any::<u8>(), 0..20),
        query_parameters(),
        proptest::collection::vec(any::<u8>(), 0..20),
        any::<u8>(),
    )
        .prop_map(move |(id, parameters, mid, block)| ExecuteV2 {
            id: CowBytes::Owned(Bytes::from(id)),
            parameters,
            result_metadata_id: meta.then(|| CowBytes::Owned(Bytes::from(mid))),
            tablet_version_block: tablets.then_some(block),
        })
}

fn event_type_v2() -> impl Strategy<Value = EventTypeV2> {
    prop_oneof![
        Just(EventTypeV2::TopologyChange),
        Just(EventTypeV2::StatusChange),
        Just(EventTypeV2::SchemaChange),
        Just(EventTypeV2::ClientRoutesChange),
    ]
}

fn event_type() -> impl Strategy<Value = EventType> {
    prop_oneof![
        Just(EventType::TopologyChange),
        Just(EventType::StatusChange),
        Just(EventType::SchemaChange),
    ]
}

fn compression() -> impl Strategy<Value = Option<Compression>> {
    prop_oneof![
        Just(None),
        Just(Some(Compression::Lz4)),
        Just(Some(Compression::Snappy)),
    ]
}

fn payload() -> impl Strategy<Value = Option<HashMap<String, Bytes>>> {
    proptest::option::of(proptest::collection::hash_map(
        "[a-z-]{0,10}",
        proptest::collection::vec(any::<u8>(), 0..10).prop_map(Bytes::from),
        0..4,
    ))
}

/// Encodes `req`, decodes it with `decode`, checks equality and that all was consumed.
fn round_trip<R, F>(req: &R, decode: F)
where
    R: SerializableRequest + PartialEq + std::fmt::Debug,
    F: FnOnce(&mut &[u8]) -> R,
{
    let bytes = req.to_bytes().unwrap();
    let mut buf = &bytes[..];
    let decoded = decode(&mut buf);
    assert_eq!(&decoded, req);
    assert!(buf.is_empty(), "{} bytes left over", buf.len());
}

/// The same batch with a shorter lifetime (`Batch` is invariant in its statement type).
fn rebatch<'x>(b: &DeserializedBatch<'static>) -> DeserializedBatch<'x> {
    Batch {
        statements: Cow::Owned(b.statements.iter().cloned().collect()),
        batch_type: b.batch_type,
        consistency: b.consistency,
        serial_consistency: b.serial_consistency,
        timestamp: b.timestamp,
        values: b.values.clone(),
    }
}

fn same_request<'a>(a: &AnyRequest<'a>, b: &AnyRequest<'a>) -> bool {
    a == b
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn startup_round_trip(options in proptest::collection::hash_map(".{0,12}", ".{0,12}", 0..6)) {
        let startup = Startup {
            options: options
                .into_iter()
                .map(|(k, v)| (Cow::Owned(k), Cow::Owned(v)))
                .collect(),
        };
        round_trip(&startup, |b| Startup::deserialize(b).unwrap());
    }

    #[test]
    fn query_round_trip(contents in ".{0,40}", parameters in query_parameters()) {
        let q = Query { contents: Cow::Owned(contents), parameters };
        round_trip(&q, |b| Query::deserialize(b).unwrap());
    }

    #[test]
    fn query_parameters_round_trip(p in query_parameters()) {
        let mut bytes = Vec::new();
        p.serialize(&mut bytes).unwrap();
        let mut buf = &bytes[..];
        prop_assert_eq!(QueryParameters::deserialize(&mut buf).unwrap(), p);
        prop_assert!(buf.is_empty());
    }

    #[test]
    fn prepare_round_trip(query in ".{0,40}") {
        let p = Prepare { query: &query };
        let bytes = p.to_bytes().unwrap();
        let mut buf = &bytes[..];
        prop_assert_eq!(Prepare::deserialize_borrowed(&mut buf).unwrap(), p);
        prop_assert!(buf.is_empty());
    }

    #[test]
    fn execute_round_trip(id in proptest::collection::vec(any::<u8>(), 0..20), parameters in query_parameters()) {
        let e = Execute { id: Bytes::from(id), parameters };
        round_trip(&e, |b| Execute::deserialize(b).unwrap());
    }

    #[test]
    fn execute_v2_round_trip((f, e) in features().prop_flat_map(|f| (Just(f), execute_v2(&f)))) {
        round_trip(&e, |b| ExecuteV2::deserialize_with_features(b, &f).unwrap());
        // RequestV2 sees the same request.
        let bytes = e.to_bytes().unwrap();
        let req = RequestV2::deserialize(&mut &bytes[..], RequestOpcode::Execute, &f).unwrap();
        prop_assert_eq!(req.get_consistency(), Some(e.parameters.consistency));
        prop_assert_eq!(req.get_serial_consistency(), Some(e.parameters.serial_consistency));
        prop_assert_eq!(req, RequestV2::Execute(e));
    }

    #[test]
    fn batch_round_trip(b in batch()) {
        round_trip(&b, |buf| Batch::deserialize(buf).unwrap());
    }

    #[test]
    fn register_round_trip(
        v1 in proptest::collection::vec(event_type(), 0..5),
        v2 in proptest::collection::vec(event_type_v2(), 0..5),
    ) {
        let r = Register { event_types_to_register_for: v1 };
        round_trip(&r, |b| Register::deserialize(b).unwrap());
        let r = RegisterV2 { event_types_to_register_for: v2 };
        round_trip(&r, |b| RegisterV2::deserialize(b).unwrap());
    }

    #[test]
    fn auth_response_round_trip(token in proptest::option::of(proptest::collection::vec(any::<u8>(), 0..40))) {
        let a = AuthResponse { response: token };
        round_trip(&a, |b| AuthResponse::deserialize(b).unwrap());
    }

    #[test]
    fn compression_round_trip(data in proptest::collection::vec(any::<u8>(), 0..4096), repeat in 1usize..20) {
        let data = data.repeat(repeat);
        for c in [Compression::Lz4, Compression::Snappy] {
            let mut out = Vec::new();
            compress_append(&data, c, &mut out).unwrap();
            prop_assert_eq!(decompress(&out, c).unwrap(), data.clone());
        }
    }

    /// A whole request frame: written by the client side, read by the server side.
    #[test]
    fn request_frame_round_trip(
        (f, e) in features().prop_flat_map(|f| (Just(f), execute_v2(&f))),
        q in (".{0,40}", query_parameters()),
        b in batch(),
        c in compression(),
        tracing in any::<bool>(),
        payload in payload(),
        stream in 0i16..=i16::MAX,
    ) {
        let query = Query { contents: Cow::Owned(q.0), parameters: q.1 };
        let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
        let frames = [
            SerializedRequest::make_with_custom_payload(&e, c, tracing, payload.as_ref()).unwrap(),
            SerializedRequest::make_with_custom_payload(&query, c, tracing, payload.as_ref()).unwrap(),
            SerializedRequest::make_with_custom_payload(&b, c, tracing, payload.as_ref()).unwrap(),
            SerializedRequest::make_with_custom_payload(&Options, c, tracing, payload.as_ref()).unwrap(),
        ];
        for (i, mut frame) in frames.into_iter().enumerate() {
            let expected = match i {
                0 => AnyRequest::Execute(e.clone()),
                1 => AnyRequest::Query(query.clone()),
                2 => AnyRequest::Batch(rebatch(&b)),
                _ => AnyRequest::Options(Options),
            };
            frame.set_stream(stream);
            let (params, opcode, body) = rt
                .block_on(read_request_frame(&mut Cursor::new(frame.get_data().to_vec())))
                .unwrap();
            prop_assert_eq!(params.stream, stream);
            prop_assert_eq!(opcode, expected.opcode());
            let ext = parse_request_body_extensions(params.flags, c, body).unwrap();
            prop_assert_eq!(ext.tracing, tracing);
            prop_assert_eq!(&ext.custom_payload, &payload);
            let mut buf = &ext.body[..];
            let decoded = AnyRequest::deserialize(&mut buf, opcode, &f).unwrap();
            prop_assert!(same_request(&decoded, &expected), "{:?} != {:?}", decoded, expected);
            prop_assert!(buf.is_empty());
        }
    }

    /// A whole response frame: written by the server side, read by the client side.
    #[test]
    fn response_frame_round_trip(
        body in proptest::collection::vec(any::<u8>(), 0..200),
        trace in proptest::option::of(any::<u128>()),
        warnings in proptest::collection::vec(".{0,20}", 0..4),
        payload in payload(),
        c in compression(),
        stream in any::<i16>(),
        opcode in proptest::sample::select(vec![0u8, 2, 3, 6, 8, 12, 14, 16]),
    ) {
        let ext = ResponseExtensions {
            trace_id: trace.map(Uuid::from_u128),
            warnings: &warnings,
            custom_payload: payload.as_ref(),
        };
        let frame = SerializedResponse::make(stream, opcode, &body, &ext, c).unwrap();
        let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
        let (params, op, raw) = rt
            .block_on(read_response_frame(&mut Cursor::new(frame.into_data())))
            .unwrap();
        prop_assert_eq!(params.stream, stream);
        prop_assert_eq!(u8::from(op), opcode);
        let parsed = parse_response_body_extensions(params.flags, c, raw).unwrap();
        prop_assert_eq!(parsed.body.as_ref(), body.as_slice());
        prop_assert_eq!(parsed.trace_id, trace.map(Uuid::from_u128));
        prop_assert_eq!(parsed.warnings, warnings);
        prop_assert_eq!(parsed.custom_payload, payload);
    }
}

#[test]
fn names_that_do_not_match_values_are_an_error() {
    let p = QueryParameters {
        values: Cow::Owned(build_values(&[None, None])),
        value_names: Some(vec!["a".to_owned()]),
        ..Default::default()
    };
    let mut buf = Vec::new();
    assert!(p.serialize(&mut buf).is_err());
}

#[test]
fn batch_values_must_match_statements() {
    let b: Batch<'_, BatchStatement<'_>, Vec<SerializedValues>> = Batch {
        statements: Cow::Owned(vec![BatchStatement::Query {
            text: Cow::Borrowed("a"),
        }]),
        batch_type: BatchType::Logged,
        consistency: Consistency::One,
        serial_consistency: None,
        timestamp: None,
        values: vec![SerializedValues::new(), SerializedValues::new()],
    };
    assert!(b.to_bytes().is_err());
    let b = Batch {
        values: Vec::new(),
        ..b
    };
    assert!(b.to_bytes().is_err());
}
