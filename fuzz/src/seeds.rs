//! Valid inputs for each fuzz target, built with this crate's encoders: the starting
//! corpus of the cargo-fuzz targets (`cargo run --example write_seeds`) and the
//! inputs the fixed-seed smoke run mutates (`scylla-cql/tests/fuzz_smoke.rs`).

use std::borrow::Cow;
use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;

use bytes::Bytes;
use scylla_cql::frame::protocol_features::ProtocolFeatures;
use scylla_cql::frame::request::batch::{BatchStatement, BatchType};
use scylla_cql::frame::request::cow_bytes::CowBytes;
use scylla_cql::frame::request::query::PagingState;
use scylla_cql::frame::request::{
    AuthResponse, Batch, Execute, ExecuteV2, Options, Prepare, Query, QueryParameters, RegisterV2,
    SerializableRequest, Startup,
};
use scylla_cql::frame::response::error::{DbError, Error, OperationType, WriteType};
use scylla_cql::frame::response::event::{
    Event, SchemaChangeEvent, SchemaChangeType, StatusChangeEvent, TopologyChangeEvent,
};
use scylla_cql::frame::response::result::{
    ColumnSpec, ColumnType, MetadataWriteOptions, NativeType, PartitionKeyIndex, Prepared,
    PreparedMetadata, ResultMetadata, RowsWriter, TableSpec, UserDefinedType,
};
use scylla_cql::frame::response::supported::Supported;
use scylla_cql::frame::response::tablets::TabletsRoutingV1;
use scylla_cql::frame::server_event_type::EventTypeV2;
use scylla_cql::frame::types::{self, Consistency, SerialConsistency};
use scylla_cql::frame::{
    Compression, ResponseExtensions, SerializedRequest, SerializedResponse, flag,
};
use scylla_cql::serialize::row::SerializedValues;
use scylla_cql::serialize::value::SerializeValue;
use scylla_cql::serialize::writers::CellWriter;
use scylla_cql::value::{
    Counter, CqlDate, CqlDecimal, CqlDuration, CqlTime, CqlTimestamp, CqlTimeuuid, CqlValue,
    CqlVarint,
};
use uuid::Uuid;

use super::targets::{REQUEST_OPCODES, RESPONSE_OPCODES, selector};

#[path = "../../scylla-cql/tests/cql_types/mod.rs"]
mod cql_types;
use cql_types::{list, map, native, set, vector};

const U: Uuid = Uuid::from_u128(0x6ab0_9bec_e68e_48d9_a5f8_97e6_fb4c_9b47);

/// A value of every CQL type, with its type.
pub fn sample_values() -> Vec<(ColumnType<'static>, CqlValue)> {
    use CqlValue as V;
    let udt = ColumnType::UserDefinedType {
        frozen: true,
        definition: Arc::new(UserDefinedType {
            name: "address".into(),
            keyspace: "ks".into(),
            field_types: vec![
                ("street".into(), native(NativeType::Text)),
                ("number".into(), native(NativeType::Int)),
            ],
        }),
    };
    vec![
        (native(NativeType::Ascii), V::Ascii("hello".into())),
        (native(NativeType::Text), V::Text("zażółć".into())),
        (native(NativeType::Boolean), V::Boolean(true)),
        (native(NativeType::Blob), V::Blob(vec![0, 1, 0xfe])),
        (native(NativeType::Counter), V::Counter(Counter(-42))),
        (native(NativeType::TinyInt), V::TinyInt(-128)),
        (native(NativeType::SmallInt), V::SmallInt(1234)),
        (native(NativeType::Int), V::Int(i32::MIN)),
        (native(NativeType::BigInt), V::BigInt(i64::MAX)),
        (native(NativeType::Float), V::Float(1.5)),
        (native(NativeType::Double), V::Double(-0.25)),
        (
            native(NativeType::Timestamp),
            V::Timestamp(CqlTimestamp(1_700_000_000_123)),
        ),
        (native(NativeType::Date), V::Date(CqlDate(1 << 31))),
        (
            native(NativeType::Time),
            V::Time(CqlTime(86_399_999_999_999)),
        ),
        (native(NativeType::Uuid), V::Uuid(U)),
        (
            native(NativeType::Timeuuid),
            V::Timeuuid(CqlTimeuuid::from(Uuid::from_u128(
                0xd217_7dd0_eaa2_11de_a572_001b_779c_76e3,
            ))),
        ),
        (
            native(NativeType::Inet),
            V::Inet(IpAddr::V6(Ipv6Addr::LOCALHOST)),
        ),
        (
            native(NativeType::Varint),
            V::Varint(CqlVarint::from_signed_bytes_be(vec![0xff, 0x7f])),
        ),
        (
            native(NativeType::Decimal),
            V::Decimal(CqlDecimal::from_signed_be_bytes_and_exponent(
                vec![1, 0xe2, 0x40],
                3,
            )),
        ),
        (
            native(NativeType::Duration),
            V::Duration(CqlDuration {
                months: 1,
                days: -2,
                nanoseconds: 3,
            }),
        ),
        (native(NativeType::Int), V::Empty),
        (
            list(native(NativeType::Int), false),
            V::List(vec![V::Int(1), V::Int(2)]),
        ),
        (
            set(native(NativeType::Text), true),
            V::Set(vec![V::Text("a".into())]),
        ),
        (
            map(
                native(NativeType::Text),
                list(native(NativeType::BigInt), false),
                false,
            ),
            V::Map(vec![(V::Text("k".into()), V::List(vec![V::BigInt(7)]))]),
        ),
        (
            ColumnType::Tuple(vec![native(NativeType::Int), native(NativeType::Text)]),
            V::Tuple(vec![Some(V::Int(1)), None]),
        ),
        (
            udt,
            V::UserDefinedType {
                keyspace: "ks".into(),
                name: "address".into(),
                fields: vec![
                    ("street".into(), Some(V::Text("Main".into()))),
                    ("number".into(), None),
                ],
            },
        ),
        (
            vector(native(NativeType::Float), 3),
            V::Vector(vec![V::Float(1.0), V::Float(-2.5), V::Float(0.0)]),
        ),
        (
            vector(native(NativeType::Text), 2),
            V::Vector(vec![V::Text("ab".into()), V::Text(String::new())]),
        ),
        (
            vector(vector(native(NativeType::SmallInt), 1), 2),
            V::Vector(vec![
                V::Vector(vec![V::SmallInt(1)]),
                V::Vector(vec![V::SmallInt(-1)]),
            ]),
        ),
        (
            ColumnType::Custom("com.example.T".into()),
            V::Blob(vec![1, 2]),
        ),
    ]
}

fn option_of(t: &ColumnType<'_>) -> Vec<u8> {
    let mut out = Vec::new();
    t.serialize_option(&mut out)
        .expect("a sample type is writable");
    out
}

fn content_of(t: &ColumnType<'_>, v: &CqlValue) -> Vec<u8> {
    let mut cell = Vec::new();
    v.serialize(t, CellWriter::new(&mut cell))
        .expect("a sample value is writable");
    cell.split_off(4)
}

/// `[u16 length][[option]][value]`, the input of `cql_value` and `typed_value`.
pub fn value_inputs() -> Vec<Vec<u8>> {
    sample_values()
        .iter()
        .map(|(t, v)| {
            let option = option_of(t);
            let mut out = (option.len() as u16).to_be_bytes().to_vec();
            out.extend(option);
            out.extend(content_of(t, v));
            out
        })
        .collect()
}

/// `[column count][[option]s][row count][rows]`, the input of `typed_rows`.
pub fn rows_inputs() -> Vec<Vec<u8>> {
    let samples = sample_values();
    let mut out = Vec::new();
    for group in samples.chunks(3) {
        let mut input = vec![group.len() as u8];
        for (t, _) in group {
            input.extend(option_of(t));
        }
        input.push(2);
        for _ in 0..2 {
            for (t, v) in group {
                let content = content_of(t, v);
                input.extend((content.len() as i32).to_be_bytes());
                input.extend(content);
            }
        }
        out.push(input);
    }
    out
}

fn values(raw: &[Option<&[u8]>]) -> SerializedValues {
    SerializedValues::from_closure(|w| {
        for v in raw {
            let cell = w.make_cell_writer();
            match v {
                Some(b) => {
                    cell.set_value(b).expect("small");
                }
                None => {
                    cell.set_null();
                }
            }
        }
        Ok(())
    })
    .expect("small values")
    .0
}

fn params(with_values: bool, names: bool) -> QueryParameters<'static> {
    let vals = values(&[Some(&[0, 0, 0, 7]), None]);
    QueryParameters {
        consistency: Consistency::Quorum,
        serial_consistency: Some(SerialConsistency::LocalSerial),
        timestamp: Some(1_234_567),
        page_size: Some(100),
        paging_state: PagingState::new_from_raw_bytes(&[1u8, 2, 3][..]),
        skip_metadata: true,
        values: Cow::Owned(if with_values {
            vals
        } else {
            SerializedValues::new()
        }),
        value_names: (with_values && names).then(|| vec!["a".to_owned(), "b".to_owned()]),
    }
}

fn body<R: SerializableRequest>(r: &R) -> Vec<u8> {
    r.to_bytes().expect("a sample request is writable").to_vec()
}

/// `(opcode index, feature bits, body)` of a request of every kind.
fn request_bodies() -> Vec<(usize, u8, Vec<u8>)> {
    let index = |op| REQUEST_OPCODES.iter().position(|o| *o == op).unwrap_or(0);
    let startup = Startup {
        options: HashMap::from([
            (Cow::Borrowed("CQL_VERSION"), Cow::Borrowed("4.0.0")),
            (Cow::Borrowed("COMPRESSION"), Cow::Borrowed("lz4")),
        ]),
    };
    let query = Query {
        contents: Cow::Borrowed("SELECT * FROM ks.t WHERE a = ?"),
        parameters: params(true, false),
    };
    let named = Query {
        contents: Cow::Borrowed("SELECT * FROM ks.t WHERE a = :a"),
        parameters: params(true, true),
    };
    let execute = Execute {
        id: Bytes::from_static(&[0xab, 0xcd]),
        parameters: params(true, false),
    };
    let execute_v2 = ExecuteV2 {
        id: CowBytes::Owned(Bytes::from_static(&[0xab, 0xcd])),
        parameters: params(false, false),
        result_metadata_id: Some(CowBytes::Owned(Bytes::from_static(&[9, 9]))),
        tablet_version_block: Some(0x12),
    };
    let batch = Batch {
        statements: Cow::Owned(vec![
            BatchStatement::Query {
                text: Cow::Borrowed("INSERT INTO ks.t (a) VALUES (?)"),
            },
            BatchStatement::Prepared {
                id: Cow::Borrowed(&[0x12, 0x34][..]),
            },
        ]),
        batch_type: BatchType::Unlogged,
        consistency: Consistency::One,
        serial_consistency: Some(SerialConsistency::Serial),
        timestamp: Some(99),
        values: vec![values(&[Some(&[0, 0, 0, 1])]), values(&[None])],
    };
    let register = RegisterV2 {
        event_types_to_register_for: vec![
            EventTypeV2::TopologyChange,
            EventTypeV2::StatusChange,
            EventTypeV2::SchemaChange,
            EventTypeV2::ClientRoutesChange,
        ],
    };
    use scylla_cql::frame::request::RequestOpcode as O;
    vec![
        (index(O::Startup), 0, body(&startup)),
        (index(O::Options), 0, body(&Options)),
        (index(O::Query), 0, body(&query)),
        (index(O::Query), 0, body(&named)),
        (index(O::Prepare), 0, body(&Prepare { query: "SELECT 1" })),
        (index(O::Execute), 0, body(&execute)),
        (index(O::Execute), 1 | 4, body(&execute_v2)),
        (index(O::Register), 0, body(&register)),
        (index(O::Batch), 0, body(&batch)),
        (
            index(O::AuthResponse),
            0,
            body(&AuthResponse {
                response: Some(b"\0user\0pass".to_vec()),
            }),
        ),
    ]
}

/// `[selector][body]`, the input of `request_body`.
pub fn request_inputs() -> Vec<Vec<u8>> {
    with_selectors(request_bodies())
}

/// Each body behind its `[selector]` byte.
fn with_selectors(bodies: Vec<(usize, u8, Vec<u8>)>) -> Vec<Vec<u8>> {
    bodies
        .into_iter()
        .map(|(i, bits, body)| {
            let mut out = vec![selector(i, bits)];
            out.extend(body);
            out
        })
        .collect()
}

fn table() -> TableSpec<'static> {
    TableSpec::borrowed("ks", "t")
}

fn specs() -> Vec<ColumnSpec<'static>> {
    vec![
        ColumnSpec::borrowed("a", native(NativeType::Int), table()),
        ColumnSpec::borrowed("b", list(native(NativeType::Text), false), table()),
    ]
}

fn rows_body(no_metadata: bool) -> Vec<u8> {
    let metadata = ResultMetadata::new(specs());
    let options = MetadataWriteOptions {
        paging_state: Some(&[0, 7]),
        no_metadata,
        new_metadata_id: None,
    };
    let mut body = Vec::new();
    let mut w = RowsWriter::new(&mut body, &metadata, &options).expect("small");
    let list = content_of(
        &specs()[1].typ().clone(),
        &CqlValue::List(vec![CqlValue::Text("x".into())]),
    );
    w.append_row([Some(&[0u8, 0, 0, 1][..]), Some(&list[..])])
        .expect("two cells");
    w.append_row([Some(&[0u8, 0, 0, 2][..]), None])
        .expect("two cells");
    w.finish().expect("complete rows");
    body
}

/// `(opcode index, feature bits, body)` of a response of every kind.
fn response_bodies() -> Vec<(usize, u8, Vec<u8>)> {
    let index = |op| RESPONSE_OPCODES.iter().position(|o| *o == op).unwrap_or(0);
    use scylla_cql::frame::response::ResponseOpcode as O;
    let mut out = Vec::new();
    let errors = [
        DbError::ServerError,
        DbError::Unavailable {
            consistency: Consistency::Quorum,
            required: 2,
            alive: 1,
        },
        DbError::WriteTimeout {
            consistency: Consistency::One,
            received: 0,
            required: 1,
            write_type: WriteType::Cas,
        },
        DbError::ReadFailure {
            consistency: Consistency::All,
            received: 1,
            required: 3,
            numfailures: 1,
            data_present: true,
        },
        DbError::FunctionFailure {
            keyspace: "ks".into(),
            function: "f".into(),
            arg_types: vec!["int".into()],
        },
        DbError::AlreadyExists {
            keyspace: "ks".into(),
            table: "t".into(),
        },
        DbError::Unprepared {
            statement_id: Bytes::from_static(&[1, 2]),
        },
        DbError::RateLimitReached {
            op_type: OperationType::Write,
            rejected_by_coordinator: true,
        },
    ];
    for error in errors {
        let mut b = Vec::new();
        let rate_limit = matches!(error, DbError::RateLimitReached { .. });
        let mut with = ProtocolFeatures::default();
        if rate_limit {
            with.rate_limit_error = Some(0xF000);
        }
        let e = Error {
            error,
            reason: "message".into(),
        };
        if e.serialize(&with, &mut b).is_ok() {
            out.push((index(O::Error), if rate_limit { 8 } else { 0 }, b));
        }
    }
    out.push((index(O::Ready), 0, Vec::new()));
    let mut b = Vec::new();
    types::write_string("org.apache.cassandra.auth.PasswordAuthenticator", &mut b).expect("short");
    out.push((index(O::Authenticate), 0, b));
    let mut b = Vec::new();
    types::write_bytes(b"token", &mut b).expect("short");
    out.push((index(O::AuthChallenge), 0, b.clone()));
    out.push((index(O::AuthSuccess), 0, b));
    let mut supported = Supported::default();
    for (k, v) in [
        ("CQL_VERSION", "3.4.5"),
        ("COMPRESSION", "lz4"),
        ("SCYLLA_SHARD", "1"),
        ("SCYLLA_NR_SHARDS", "4"),
        ("SCYLLA_SHARDING_IGNORE_MSB", "12"),
        ("SCYLLA_SHARD_AWARE_PORT", "19042"),
    ] {
        supported.options.insert(k.into(), vec![v.into()]);
    }
    let mut b = Vec::new();
    supported.serialize(&mut b).expect("small");
    out.push((index(O::Supported), 0, b));
    // RESULT: Void, Rows, Rows without metadata, Set_keyspace, Prepared, Schema_change.
    out.push((index(O::Result), 0, 1i32.to_be_bytes().to_vec()));
    out.push((index(O::Result), 0, rows_body(false)));
    out.push((index(O::Result), 0x10, rows_body(true)));

    let mut b = 3i32.to_be_bytes().to_vec();
    types::write_string("ks", &mut b).expect("short");
    out.push((index(O::Result), 0, b));
    let prepared = Prepared {
        id: Bytes::from_static(&[0x0a, 0x0b]),
        prepared_metadata: PreparedMetadata {
            flags: 0,
            col_count: 2,
            pk_indexes: vec![PartitionKeyIndex {
                index: 0,
                sequence: 0,
            }],
            col_specs: specs(),
        },
        result_metadata: ResultMetadata::new(specs()),
        result_metadata_id: Some(Bytes::from_static(&[5, 5])),
    };
    for bits in [0u8, 1] {
        let mut with = ProtocolFeatures::default();
        with.scylla_metadata_id_supported = bits == 1;
        let mut b = 4i32.to_be_bytes().to_vec();
        prepared.serialize(&with, &mut b).expect("small");
        out.push((index(O::Result), bits, b));
    }
    let change = SchemaChangeEvent::FunctionChange {
        change_type: SchemaChangeType::Created,
        keyspace_name: "ks".into(),
        function_name: "f".into(),
        arguments: vec!["int".into()],
    };
    let mut b = 5i32.to_be_bytes().to_vec();
    change.serialize(&mut b).expect("small");
    out.push((index(O::Result), 0, b));
    // EVENT.
    let addr = SocketAddr::new(IpAddr::V4(Ipv4Addr::new(127, 0, 0, 2)), 9042);
    for event in [
        Event::TopologyChange(TopologyChangeEvent::NewNode(addr)),
        Event::StatusChange(StatusChangeEvent::Down(addr)),
        Event::SchemaChange(SchemaChangeEvent::TableChange {
            change_type: SchemaChangeType::Updated,
            keyspace_name: "ks".into(),
            object_name: "t".into(),
        }),
    ] {
        let mut b = Vec::new();
        event.serialize(&mut b).expect("small");
        out.push((index(O::Event), 0, b));
    }
    out
}

/// `[selector][body]`, the input of `response_body`.
pub fn response_inputs() -> Vec<Vec<u8>> {
    with_selectors(response_bodies())
}

/// Whole frames (requests and responses), the input of `frame_header`.
pub fn frame_inputs() -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let payload = HashMap::from([("k".to_owned(), Bytes::from_static(b"v"))]);
    let query = Query {
        contents: Cow::Borrowed("SELECT * FROM system.local"),
        parameters: params(false, false),
    };
    for compression in [None, Some(Compression::Lz4), Some(Compression::Snappy)] {
        if let Ok(f) =
            SerializedRequest::make_with_custom_payload(&query, compression, true, Some(&payload))
        {
            out.push(f.into_data());
        }
    }
    if let Ok(f) = SerializedRequest::make(&Options, None, false) {
        out.push(f.into_data());
    }
    let warnings = vec!["careful".to_owned()];
    let ext = ResponseExtensions {
        trace_id: Some(U),
        warnings: &warnings,
        custom_payload: Some(&payload),
    };
    for (i, _, body) in response_bodies().into_iter().take(12) {
        if let Ok(f) = SerializedResponse::make(3, RESPONSE_OPCODES[i] as u8, &body, &ext, None) {
            out.push(f.into_data());
        }
    }
    // A v2 header (8 bytes) and a v5 one.
    out.push(vec![0x02, 0, 1, 0x05, 0, 0, 0, 0]);
    out.push(vec![0x05, 0, 0, 1, 0x05, 0, 0, 0, 0]);
    out
}

/// `[flags][compression selector][body]`, the input of `body_extensions`.
pub fn extension_inputs() -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let payload = HashMap::from([(
        "tablets-routing-v1".to_owned(),
        Bytes::from(tablets_inputs().swap_remove(0)),
    )]);
    let warnings = vec!["w1".to_owned(), "w2".to_owned()];
    let ext = ResponseExtensions {
        trace_id: Some(U),
        warnings: &warnings,
        custom_payload: Some(&payload),
    };
    for (selector, compression) in [
        (0u8, None),
        (1, Some(Compression::Lz4)),
        (2, Some(Compression::Snappy)),
    ] {
        if let Ok(f) = SerializedResponse::make(0, 0x08, &rows_body(false), &ext, compression) {
            let data = f.into_data();
            let mut input = vec![data[1], selector];
            input.extend_from_slice(&data[9..]);
            out.push(input);
        }
    }
    out.push(vec![
        flag::CUSTOM_PAYLOAD,
        0,
        0,
        1,
        0,
        1,
        b'k',
        0,
        0,
        0,
        1,
        b'v',
    ]);
    out
}

/// SUPPORTED bodies, the input of `sharding_info`.
pub fn supported_inputs() -> Vec<Vec<u8>> {
    let mut out: Vec<Vec<u8>> = response_bodies()
        .into_iter()
        .filter(|(i, _, _)| {
            RESPONSE_OPCODES[*i] == scylla_cql::frame::response::ResponseOpcode::Supported
        })
        .map(|(_, _, b)| b)
        .collect();
    out.push(
        b"\x00 0\n\x01 8\n\x02 12\n\x05 19042\n\x07 6ab09bec-e68e-48d9-a5f8-97e6fb4c9b47".to_vec(),
    );
    out.push(b"\x08 ERROR_CODE=61440\n\x09 LWT_OPTIMIZATION_META_BIT_MASK=2147483648".to_vec());
    out
}

/// `tablets-routing-v1` payload values, the input of `tablets`.
pub fn tablets_inputs() -> Vec<Vec<u8>> {
    let t = TabletsRoutingV1 {
        first_token: -100,
        last_token: 100,
        replicas: vec![(U, 3), (Uuid::nil(), 0)],
    };
    vec![t.to_bytes().expect("small").to_vec()]
}

/// Type strings: class names and CQL.
pub fn class_name_inputs() -> Vec<Vec<u8>> {
    let mut out: Vec<Vec<u8>> = sample_values()
        .iter()
        .map(|(t, _)| t.to_class_name().into_bytes())
        .collect();
    out.push(
        b"org.apache.cassandra.db.marshal.ReversedType(org.apache.cassandra.db.marshal.Int32Type)"
            .to_vec(),
    );
    out.push(b"UserType(ks,61646472,737472:UTF8Type)".to_vec());
    out
}

/// CQL type strings.
pub fn cql_type_inputs() -> Vec<Vec<u8>> {
    let mut out: Vec<Vec<u8>> = sample_values()
        .iter()
        .map(|(t, _)| t.to_string().into_bytes())
        .collect();
    out.push(b"frozen<map<text, frozen<list<\"MyUdt\">>>>".to_vec());
    out.push(b"ks.address".to_vec());
    out
}

/// Inputs that once made a decoder misbehave (found by fuzzing, fixed since), by
/// target. They are not valid messages.
pub fn regressions(target: &str) -> Vec<Vec<u8>> {
    let result = RESPONSE_OPCODES
        .iter()
        .position(|o| *o == scylla_cql::frame::response::ResponseOpcode::Result)
        .unwrap_or(0);
    match target {
        // A Rows result with zero columns and 2^31 - 1 rows: iterating the empty rows
        // never ended, and collecting them allocated without bound.
        "response_body" => vec![
            [
                &[selector(result, 0)][..],
                &[0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0x7f, 0xff, 0xff, 0xff],
            ]
            .concat(),
        ],
        _ => Vec::new(),
    }
}

/// The seed inputs of a target, by the target's name: valid inputs, then the
/// [`regressions`].
pub fn seeds_for(target: &str) -> Vec<Vec<u8>> {
    let mut seeds = valid_seeds_for(target);
    seeds.extend(regressions(target));
    seeds
}

fn valid_seeds_for(target: &str) -> Vec<Vec<u8>> {
    match target {
        "body_extensions" => extension_inputs(),
        "class_name_parser" => class_name_inputs(),
        "cql_type_parser" => cql_type_inputs(),
        "cql_value" | "typed_value" => value_inputs(),
        "frame_header" => frame_inputs(),
        "request_body" => request_inputs(),
        "response_body" => response_inputs(),
        "sharding_info" => supported_inputs(),
        "tablets" => tablets_inputs(),
        "typed_rows" => rows_inputs(),
        _ => Vec::new(),
    }
}
