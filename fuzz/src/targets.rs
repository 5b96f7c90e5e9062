//! What each fuzz target feeds its input to: one function per decoder, shared by the
//! cargo-fuzz targets (`fuzz/fuzz_targets/*.rs`) and the bounded fixed-seed run in
//! `scylla-cql/tests/fuzz_smoke.rs` (which includes this file by path).
//!
//! Each function takes arbitrary bytes, interprets a few leading bytes as a selector
//! where the decoder needs more than bytes (an opcode, negotiated features, flags, a
//! compression), and runs the decoder. Results are dropped: a decoder may accept or
//! reject anything, but must never panic, hang or allocate without bound.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::future::Future;
use std::net::IpAddr;
use std::pin::pin;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};

use bytes::Bytes;
use scylla_cql::deserialize::FrameSlice;
use scylla_cql::deserialize::result::{RawRowIterator, RawRowLendingIterator, TypedRowIterator};
use scylla_cql::deserialize::row::{ColumnIterator, DeserializeRow};
use scylla_cql::deserialize::value::{
    DeserializeValue, ListlikeIterator, MapIterator, UdtIterator, VectorIterator,
};
use scylla_cql::frame::protocol_features::ProtocolFeatures;
use scylla_cql::frame::request::{
    AnyRequest, AuthResponse, Batch, DeserializableRequest, Execute, ExecuteV2, Options, Prepare,
    Query, QueryParameters, Register, RegisterV2, Request, RequestOpcode, RequestV2, Startup,
};
use scylla_cql::frame::response::event::{Event, EventV2};
use scylla_cql::frame::response::result::{
    self, ColumnSpec, ColumnType, NativeType, ResultMetadata, TableSpec, UserDefinedType,
};
use scylla_cql::frame::response::supported::{ScyllaShardingInfo, Supported};
use scylla_cql::frame::response::tablets::TabletsRoutingV1;
use scylla_cql::frame::response::{
    NonErrorResponseWithDeserializedMetadata, Response, ResponseOpcode, ResponseV2,
    cql_type_parser, custom_type_parser,
};
use scylla_cql::frame::{
    Compression, FrameHeader, decompress_with_limit, parse_request_body_extensions,
    parse_response_body_extensions, read_frame_body, read_frame_header, read_request_frame,
    read_request_frame_with_max_body_size, read_response_frame_with_max_body_size,
};
use scylla_cql::value::{
    Counter, CqlDate, CqlDecimal, CqlDecimalBorrowed, CqlDuration, CqlTime, CqlTimestamp,
    CqlTimeuuid, CqlValue, CqlVarint, CqlVarintBorrowed, MaybeEmpty, Row, deser_cql_value,
};
use uuid::Uuid;

/// The largest body the frame readers may accept while fuzzing.
const MAX_BODY: usize = 1 << 20;

/// The request opcodes, indexed by a selector byte.
pub const REQUEST_OPCODES: [RequestOpcode; 8] = [
    RequestOpcode::Startup,
    RequestOpcode::Options,
    RequestOpcode::Query,
    RequestOpcode::Prepare,
    RequestOpcode::Execute,
    RequestOpcode::Register,
    RequestOpcode::Batch,
    RequestOpcode::AuthResponse,
];

/// The response opcodes, indexed by a selector byte.
pub const RESPONSE_OPCODES: [ResponseOpcode; 8] = [
    ResponseOpcode::Error,
    ResponseOpcode::Ready,
    ResponseOpcode::Authenticate,
    ResponseOpcode::Supported,
    ResponseOpcode::Result,
    ResponseOpcode::Event,
    ResponseOpcode::AuthChallenge,
    ResponseOpcode::AuthSuccess,
];

/// Negotiated extensions from the bits of a selector byte.
pub fn features(bits: u8) -> ProtocolFeatures {
    let mut f = ProtocolFeatures::default();
    f.scylla_metadata_id_supported = bits & 1 != 0;
    f.tablets_v1_supported = bits & 2 != 0;
    f.tablets_v2_supported = bits & 4 != 0;
    if bits & 8 != 0 {
        f.rate_limit_error = Some(0xF000);
    }
    if bits & 16 != 0 {
        f.lwt_optimization_meta_bit_mask = Some(0x8000_0000);
    }
    f
}

/// The selector byte that picks `features(bits)`'s bits and the opcode at `index`.
pub fn selector(index: usize, bits: u8) -> u8 {
    ((bits & 0x1f) << 3) | (index as u8 & 7)
}

fn split_selector(data: &[u8]) -> Option<(u8, &[u8])> {
    let (first, rest) = data.split_first()?;
    Some((*first, rest))
}

/// Polls a future that never waits (it reads from a slice) to completion.
fn block_on<F: Future>(f: F) -> F::Output {
    let mut f = pin!(f);
    let mut cx = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(out) = f.as_mut().poll(&mut cx) {
            return out;
        }
    }
}

// =======================================================================================
// Frames
// =======================================================================================

/// The frame header reader and the request/response frame readers.
pub fn frame_header(data: &[u8]) {
    if let Some(h) = data.get(..9).and_then(|h| <[u8; 9]>::try_from(h).ok()) {
        let header = FrameHeader::from_bytes(h);
        assert_eq!(header.to_bytes(), h, "the header is read back as written");
        let _ = header.params();
        let _ = header.protocol_version();
    }
    if let Ok(header) = block_on(read_frame_header(&mut &data[..])) {
        let mut rest = data.get(
            if matches!(header.version & 0x7f, 1 | 2) {
                8
            } else {
                9
            }..,
        );
        if let Some(rest) = rest.as_mut() {
            let _ = block_on(read_frame_body(rest, &header, MAX_BODY));
        }
    }
    let _ = block_on(read_request_frame_with_max_body_size(
        &mut &data[..],
        MAX_BODY,
    ));
    let _ = block_on(read_response_frame_with_max_body_size(
        &mut &data[..],
        MAX_BODY,
    ));
    if data.len() < 64 * 1024 {
        let _ = block_on(read_request_frame(&mut &data[..]));
    }
    // Frames back to back: read until the bytes run out or an error.
    let mut cursor = data;
    for _ in 0..8 {
        if block_on(read_request_frame_with_max_body_size(&mut cursor, MAX_BODY)).is_err() {
            break;
        }
    }
}

/// Body extensions (tracing id, warnings, custom payload), decompressed first when the
/// flags say so. Input: `[flags][compression selector][body]`.
pub fn body_extensions(data: &[u8]) {
    let (Some(&flags), Some(&c)) = (data.first(), data.get(1)) else {
        return;
    };
    let body = Bytes::copy_from_slice(data.get(2..).unwrap_or_default());
    let compression = match c % 3 {
        0 => None,
        1 => Some(Compression::Lz4),
        _ => Some(Compression::Snappy),
    };
    let _ = parse_request_body_extensions(flags, compression, body.clone());
    if let Ok(r) = parse_response_body_extensions(flags, compression, body.clone())
        && let Some(payload) = &r.custom_payload
    {
        let _ = TabletsRoutingV1::from_custom_payload(payload);
    }
    for c in [Compression::Lz4, Compression::Snappy] {
        let _ = decompress_with_limit(&body, c, MAX_BODY);
    }
}

// =======================================================================================
// Requests
// =======================================================================================

/// Request bodies, through `AnyRequest` (with and without negotiated features) and each
/// message's own decoder. Input: `[selector][body]` (see [`selector`]).
pub fn request_body(data: &[u8]) {
    let Some((sel, body)) = split_selector(data) else {
        return;
    };
    let opcode = REQUEST_OPCODES[usize::from(sel & 7)];
    let with = features(sel >> 3);
    let _ = AnyRequest::deserialize(&mut &body[..], opcode, &ProtocolFeatures::default());
    let _ = AnyRequest::deserialize(&mut &body[..], opcode, &with);
    let _ = Request::deserialize(&mut &body[..], opcode);
    let _ = RequestV2::deserialize(&mut &body[..], opcode, &with);
    match opcode {
        RequestOpcode::Startup => drop(Startup::deserialize(&mut &body[..])),
        RequestOpcode::Options => drop(Options::deserialize(&mut &body[..])),
        RequestOpcode::Query => {
            let _ = Query::deserialize_with_features(&mut &body[..], &with);
            let _ = QueryParameters::deserialize(&mut &body[..]);
        }
        RequestOpcode::Prepare => drop(Prepare::deserialize_borrowed(&mut &body[..])),
        RequestOpcode::Execute => {
            let _ = Execute::deserialize_with_features(&mut &body[..], &with);
            let _ = ExecuteV2::deserialize_with_features(&mut &body[..], &with);
        }
        RequestOpcode::Register => {
            let _ = Register::deserialize(&mut &body[..]);
            let _ = RegisterV2::deserialize(&mut &body[..]);
        }
        RequestOpcode::Batch => drop(Batch::deserialize_with_features(&mut &body[..], &with)),
        RequestOpcode::AuthResponse => drop(AuthResponse::deserialize(&mut &body[..])),
    }
}

// =======================================================================================
// Responses
// =======================================================================================

/// The metadata `response_body` offers for results without metadata.
pub fn cached_metadata() -> Arc<ResultMetadata<'static>> {
    let table = TableSpec::borrowed("ks", "t");
    Arc::new(ResultMetadata::new(vec![
        ColumnSpec::borrowed("a", ColumnType::Native(NativeType::Int), table.clone()),
        ColumnSpec::borrowed("b", ColumnType::Native(NativeType::Text), table),
    ]))
}

fn walk_rows(rows: &result::DeserializedMetadataAndRawRows) {
    if let Ok(it) = rows.rows_iter::<Row>() {
        for row in it {
            if row.is_err() {
                break;
            }
        }
    }
    if let Ok(it) = rows.rows_iter::<ColumnIterator>() {
        for row in it.flatten() {
            for column in row {
                if column.is_err() {
                    break;
                }
            }
        }
    }
    let mut lending = RawRowLendingIterator::new(rows.clone());
    let _ = lending.metadata();
    while let Some(row) = lending.next() {
        if row.is_err() {
            break;
        }
    }
}

/// Response bodies, through `Response` and `ResponseV2` for every opcode, then the
/// rows metadata and the rows of a Rows result. Input: `[selector][body]`; the
/// selector's high bit also offers cached metadata (for No_metadata results).
pub fn response_body(data: &[u8]) {
    let Some((sel, body)) = split_selector(data) else {
        return;
    };
    let opcode = RESPONSE_OPCODES[usize::from(sel & 7)];
    let with = features(sel >> 3);
    let cached = cached_metadata();
    let cached = (sel & 0x80 != 0).then_some(&cached);
    let body = Bytes::copy_from_slice(body);
    for f in [ProtocolFeatures::default(), with] {
        if let Ok(r) = Response::deserialize(&f, opcode, body.clone(), cached) {
            let _ = r.to_response_kind();
            if let Ok(r) = r.deserialize_metadata()
                && let Ok(NonErrorResponseWithDeserializedMetadata::Result(
                    result::ResultWithDeserializedMetadata::Rows((rows, _)),
                )) = r.into_non_error_response()
            {
                walk_rows(&rows);
            }
        }
        if let Ok(r) = ResponseV2::deserialize(&f, opcode, body.clone(), cached) {
            let _ = r.deserialize_metadata();
        }
    }
    let _ = result::deserialize_with_features(body.clone(), cached, &with);
    let _ = Event::deserialize(&mut &body[..]);
    let _ = EventV2::deserialize(&mut &body[..]);
}

// =======================================================================================
// Values
// =======================================================================================

/// Splits `[u16 length][[option]][value]` into a column type and the value's bytes.
fn type_and_value(data: &[u8]) -> Option<(ColumnType<'_>, &[u8])> {
    let len = usize::from(u16::from_be_bytes([*data.first()?, *data.get(1)?]));
    let option = data.get(2..2 + len)?;
    let value = data.get(2 + len..)?;
    let mut cursor = option;
    let typ = ColumnType::deserialize_option(&mut cursor).ok()?;
    Some((typ, value))
}

/// The frame slice of a value: `None` (null) when the value starts with 0xff 0xff.
fn value_slice(frame: &Bytes) -> Option<FrameSlice<'_>> {
    (frame.get(..2) != Some(&[0xff, 0xff][..])).then(|| FrameSlice::new(frame))
}

/// `CqlValue` deserialization for an arbitrary column type. Input:
/// `[u16 length][[option] of the type][value bytes]`.
pub fn cql_value(data: &[u8]) {
    let Some((typ, value)) = type_and_value(data) else {
        return;
    };
    let frame = Bytes::copy_from_slice(value);
    let _ = CqlValue::deserialize(&typ, Some(FrameSlice::new(&frame)));
    let _ = Option::<CqlValue>::deserialize(&typ, value_slice(&frame));
    let _ = deser_cql_value(&typ, &mut &value[..]);
    // What the type prints as and its class name read back without panicking.
    let _ = cql_type_parser::parse_cql_type_without_udts(&typ.to_string());
    let _ = custom_type_parser::parse(&typ.to_class_name());
}

/// Deserializes `frame` into `T` if `T` type-checks against `typ` (the trait's
/// contract: `deserialize` is only called after `type_check` succeeded).
fn try_value<'f, 'm, T: DeserializeValue<'f, 'm>>(
    typ: &'m ColumnType<'m>,
    v: Option<FrameSlice<'f>>,
) {
    if T::type_check(typ).is_ok() {
        let _ = T::deserialize(typ, v);
    }
}

fn try_values<'f, 'm>(typ: &'m ColumnType<'m>, v: Option<FrameSlice<'f>>) {
    try_value::<bool>(typ, v);
    try_value::<i8>(typ, v);
    try_value::<i16>(typ, v);
    try_value::<i32>(typ, v);
    try_value::<i64>(typ, v);
    try_value::<f32>(typ, v);
    try_value::<f64>(typ, v);
    try_value::<Counter>(typ, v);
    try_value::<String>(typ, v);
    try_value::<&str>(typ, v);
    try_value::<Arc<str>>(typ, v);
    try_value::<Vec<u8>>(typ, v);
    try_value::<&[u8]>(typ, v);
    try_value::<Bytes>(typ, v);
    try_value::<Uuid>(typ, v);
    try_value::<CqlTimeuuid>(typ, v);
    try_value::<IpAddr>(typ, v);
    try_value::<CqlDate>(typ, v);
    try_value::<CqlTime>(typ, v);
    try_value::<CqlTimestamp>(typ, v);
    try_value::<CqlDuration>(typ, v);
    try_value::<CqlVarint>(typ, v);
    try_value::<CqlVarintBorrowed>(typ, v);
    try_value::<CqlDecimal>(typ, v);
    try_value::<CqlDecimalBorrowed>(typ, v);
    try_value::<CqlValue>(typ, v);
    try_value::<Option<i32>>(typ, v);
    try_value::<Option<CqlValue>>(typ, v);
    try_value::<MaybeEmpty<i32>>(typ, v);
    try_value::<MaybeEmpty<f64>>(typ, v);
    try_value::<Vec<i32>>(typ, v);
    try_value::<Vec<&str>>(typ, v);
    try_value::<Vec<f32>>(typ, v);
    try_value::<Vec<Vec<i32>>>(typ, v);
    try_value::<Vec<Option<CqlValue>>>(typ, v);
    try_value::<BTreeSet<i64>>(typ, v);
    try_value::<HashSet<String>>(typ, v);
    try_value::<HashMap<&str, i32>>(typ, v);
    try_value::<BTreeMap<i32, Vec<String>>>(typ, v);
    try_value::<(i32, Option<&str>)>(typ, v);
    try_value::<(Option<i64>, Option<bool>, Option<Vec<u8>>)>(typ, v);
    try_value::<ListlikeIterator<i32>>(typ, v);
    try_value::<MapIterator<&str, CqlValue>>(typ, v);
    try_value::<VectorIterator<f32>>(typ, v);
    try_value::<VectorIterator<&str>>(typ, v);
    if UdtIterator::type_check(typ).is_ok()
        && let Ok(it) = UdtIterator::deserialize(typ, v)
    {
        for (_, field) in it {
            if field.is_err() {
                break;
            }
        }
    }
    #[cfg(feature = "full-serialization")]
    {
        try_value::<chrono::NaiveDate>(typ, v);
        try_value::<chrono::NaiveTime>(typ, v);
        try_value::<chrono::DateTime<chrono::Utc>>(typ, v);
        try_value::<time::Date>(typ, v);
        try_value::<time::Time>(typ, v);
        try_value::<time::OffsetDateTime>(typ, v);
        try_value::<num_bigint_03::BigInt>(typ, v);
        try_value::<num_bigint_04::BigInt>(typ, v);
        try_value::<bigdecimal_04::BigDecimal>(typ, v);
    }
}

fn try_row<'f, 'm, R: DeserializeRow<'f, 'm>>(
    specs: &'m [ColumnSpec<'m>],
    rows_count: usize,
    rows: FrameSlice<'f>,
) {
    if let Ok(it) = TypedRowIterator::<R>::new(RawRowIterator::new(rows_count, specs, rows)) {
        for row in it {
            if row.is_err() {
                break;
            }
        }
    }
}

/// Typed deserialization of values into many Rust types (each only if it type-checks).
/// Input as for [`cql_value`].
pub fn typed_value(data: &[u8]) {
    let Some((typ, value)) = type_and_value(data) else {
        return;
    };
    let frame = Bytes::copy_from_slice(value);
    try_values(&typ, value_slice(&frame));
    try_values(&typ, Some(FrameSlice::new(&frame)));
}

/// Typed rows. Input: `[column count][[option] per column][row count (u8)][rows]`.
pub fn typed_rows(data: &[u8]) {
    let Some((&n, mut cursor)) = data.split_first() else {
        return;
    };
    let mut specs = Vec::new();
    for i in 0..(n % 5) {
        let Ok(typ) = ColumnType::deserialize_option(&mut cursor) else {
            return;
        };
        specs.push(ColumnSpec::owned(
            format!("c{i}"),
            typ.into_owned(),
            TableSpec::borrowed("ks", "t"),
        ));
    }
    let Some((&rows_count, rows)) = cursor.split_first() else {
        return;
    };
    let rows_count = usize::from(rows_count);
    let frame = Bytes::copy_from_slice(rows);
    let rows = FrameSlice::new(&frame);
    try_row::<Row>(&specs, rows_count, rows);
    try_row::<ColumnIterator>(&specs, rows_count, rows);
    try_row::<(CqlValue,)>(&specs, rows_count, rows);
    try_row::<(i32, &str)>(&specs, rows_count, rows);
    try_row::<(Option<i64>, Option<String>, Option<Vec<u8>>)>(&specs, rows_count, rows);
    try_row::<(
        Option<CqlValue>,
        Option<CqlValue>,
        Option<CqlValue>,
        Option<CqlValue>,
    )>(&specs, rows_count, rows);
    let mut lending =
        RawRowLendingIterator::from_specs_and_raw_rows(specs.clone().into(), rows_count, frame);
    while let Some(row) = lending.next() {
        match row {
            Ok(row) => drop(Row::deserialize(row)),
            Err(_) => break,
        }
    }
}

// =======================================================================================
// Type strings
// =======================================================================================

fn some_udt(name: &str) -> Option<Arc<UserDefinedType<'static>>> {
    (name.len() < 8).then(|| {
        Arc::new(UserDefinedType {
            name: name.to_owned().into(),
            keyspace: "ks".into(),
            field_types: vec![("f".into(), ColumnType::Native(NativeType::Int))],
        })
    })
}

/// Cassandra marshal class names (`org.apache.cassandra.db.marshal.MapType(...)`).
pub fn class_name_parser(data: &[u8]) {
    let s = String::from_utf8_lossy(data);
    for t in [
        custom_type_parser::parse(&s),
        custom_type_parser::parse_strict(&s),
    ]
    .into_iter()
    .flatten()
    {
        let _ = custom_type_parser::parse(&t.to_class_name());
        let _ = t.to_string();
    }
}

/// CQL type strings (`frozen<map<text, list<int>>>`, with UDTs resolved by a lookup).
pub fn cql_type_parser(data: &[u8]) {
    let s = String::from_utf8_lossy(data);
    let parsed = [
        cql_type_parser::parse_cql_type(&s, some_udt),
        cql_type_parser::parse_cql_type_without_udts(&s),
    ];
    for t in parsed.into_iter().flatten() {
        let _ = cql_type_parser::parse_cql_type(&t.to_string(), some_udt);
        let _ = t.to_class_name();
    }
}

// =======================================================================================
// ScyllaDB extensions
// =======================================================================================

const SUPPORTED_KEYS: [&str; 12] = [
    "SCYLLA_SHARD",
    "SCYLLA_NR_SHARDS",
    "SCYLLA_SHARDING_IGNORE_MSB",
    "SCYLLA_PARTITIONER",
    "SCYLLA_SHARDING_ALGORITHM",
    "SCYLLA_SHARD_AWARE_PORT",
    "SCYLLA_SHARD_AWARE_PORT_SSL",
    "SCYLLA_HOST_ID",
    "SCYLLA_RATE_LIMIT_ERROR",
    "SCYLLA_LWT_ADD_METADATA_MARK",
    "CQL_VERSION",
    "COMPRESSION",
];

/// SUPPORTED options: the sharding info, the host id and the protocol features, read
/// from a SUPPORTED body, or (when the bytes are not one) from lines `k v1 v2...`
/// where `k` selects a known key by its first byte.
pub fn sharding_info(data: &[u8]) {
    let options = match Supported::deserialize(&mut &data[..]) {
        Ok(s) => s.options,
        Err(_) => {
            let mut options: HashMap<String, Vec<String>> = HashMap::new();
            for line in data.split(|b| *b == b'\n') {
                let Some((&k, rest)) = line.split_first() else {
                    continue;
                };
                let key = SUPPORTED_KEYS[usize::from(k) % SUPPORTED_KEYS.len()];
                let values = String::from_utf8_lossy(rest)
                    .split(' ')
                    .filter(|v| !v.is_empty())
                    .map(str::to_owned)
                    .collect();
                options.insert(key.to_owned(), values);
            }
            options
        }
    };
    let supported = Supported { options };
    let _ = supported.sharding_info();
    let _ = supported.host_id();
    let features = supported.protocol_features();
    let _ = ScyllaShardingInfo::from_supported(&supported.options);
    let mut startup = HashMap::new();
    features.add_startup_options(&mut startup);
    let _ = scylla_cql::frame::request::startup::negotiate_startup_options(
        &supported.options,
        Some(Compression::Lz4),
        &scylla_cql::frame::request::startup::StartupIdentity::this_driver(),
    );
}

/// The `tablets-routing-v1` custom payload value.
pub fn tablets(data: &[u8]) {
    if let Ok(t) = TabletsRoutingV1::deserialize(data) {
        let again = t.to_bytes().map(|b| TabletsRoutingV1::deserialize(&b));
        assert!(
            matches!(again, Ok(Ok(ref u)) if *u == t),
            "tablets round trip"
        );
    }
    let payload = HashMap::from([(
        "tablets-routing-v1".to_owned(),
        Bytes::copy_from_slice(data),
    )]);
    let _ = TabletsRoutingV1::from_custom_payload(&payload);
}

/// A fuzz target: takes arbitrary bytes, must not panic.
pub type Target = fn(&[u8]);

/// Every target by name, in the order `cargo fuzz list` shows them.
pub const TARGETS: [(&str, Target); 11] = [
    ("body_extensions", body_extensions),
    ("class_name_parser", class_name_parser),
    ("cql_type_parser", cql_type_parser),
    ("cql_value", cql_value),
    ("frame_header", frame_header),
    ("request_body", request_body),
    ("response_body", response_body),
    ("sharding_info", sharding_info),
    ("tablets", tablets),
    ("typed_rows", typed_rows),
    ("typed_value", typed_value),
];
