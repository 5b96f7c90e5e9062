//! Golden byte vectors for every response, written by hand from
//! `spec/native_protocol_v4.spec` (sections 4.2 and 9) and
//! `spec/scylla_protocol_extensions.md`. Each vector is decoded and checked field by
//! field, and the decoded value is encoded back to the same bytes.

mod response_common;

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;

use bytes::Bytes;
use response_common::*;
use scylla_cql::Consistency;
use scylla_cql::frame::protocol_features::ProtocolFeatures;
use scylla_cql::frame::response::error::{DbError, Error, OperationType, WriteType};
use scylla_cql::frame::response::event::{
    ClientRoutesChangeEvent, Event, EventV2, SchemaChangeEvent, SchemaChangeType,
    StatusChangeEvent, TopologyChangeEvent,
};
use scylla_cql::frame::response::paging_state_shim::PagingStateResponse;
use scylla_cql::frame::response::result::{
    self, ColumnSpec, ColumnType, MetadataWriteOptions, NativeType, PartitionKeyIndex,
    ResultMetadata, ResultMetadataHolder, TableSpec,
};
use scylla_cql::frame::response::{
    CqlResponseKind, Response, ResponseOpcode, ResponseV2, supported::Supported,
};
use uuid::Uuid;

fn features() -> ProtocolFeatures {
    ProtocolFeatures::default()
}

fn decode(opcode: ResponseOpcode, body: &[u8]) -> Response {
    Response::deserialize(&features(), opcode, Bytes::copy_from_slice(body), None)
        .unwrap_or_else(|e| panic!("{opcode:?} {body:?}: {e}"))
}

fn encode(r: &Response) -> Vec<u8> {
    r.to_bytes(&features()).unwrap().to_vec()
}

// ---------------------------------------------------------------------------------------
// READY, AUTHENTICATE, AUTH_CHALLENGE, AUTH_SUCCESS, SUPPORTED
// ---------------------------------------------------------------------------------------

#[test]
fn ready() {
    let r = decode(ResponseOpcode::Ready, &[]);
    assert!(matches!(r, Response::Ready));
    assert_eq!(encode(&r), Vec::<u8>::new());
    assert_eq!(r.opcode(), ResponseOpcode::Ready);
}

#[test]
fn authenticate() {
    let body = B::new()
        .string("org.apache.cassandra.auth.PasswordAuthenticator")
        .build();
    let r = decode(ResponseOpcode::Authenticate, &body);
    let Response::Authenticate(a) = &r else {
        panic!("{r:?}")
    };
    assert_eq!(
        a.authenticator_name,
        "org.apache.cassandra.auth.PasswordAuthenticator"
    );
    assert_eq!(encode(&r), body);
}

#[test]
fn auth_challenge_and_success() {
    let body = B::new().bytes(b"\x00cassandra\x00cassandra").build();
    let r = decode(ResponseOpcode::AuthChallenge, &body);
    let Response::AuthChallenge(c) = &r else {
        panic!("{r:?}")
    };
    assert_eq!(
        c.authenticate_message.as_deref(),
        Some(&b"\x00cassandra\x00cassandra"[..])
    );
    assert_eq!(encode(&r), body);

    let null = B::new().null().build();
    let r = decode(ResponseOpcode::AuthSuccess, &null);
    let Response::AuthSuccess(s) = &r else {
        panic!("{r:?}")
    };
    assert_eq!(s.success_message, None);
    assert_eq!(encode(&r), null);

    let r = decode(ResponseOpcode::AuthSuccess, &B::new().bytes(b"ok").build());
    let Response::AuthSuccess(s) = &r else {
        panic!("{r:?}")
    };
    assert_eq!(s.success_message.as_deref(), Some(&b"ok"[..]));
}

#[test]
fn supported() {
    // Keys in sorted order, as our encoder writes them.
    let body = B::new()
        .short(3)
        .string("COMPRESSION")
        .string_list(&["lz4", "snappy"])
        .string("CQL_VERSION")
        .string_list(&["3.4.5"])
        .string("SCYLLA_RATE_LIMIT_ERROR")
        .string_list(&["ERROR_CODE=61440"])
        .build();
    let r = decode(ResponseOpcode::Supported, &body);
    let Response::Supported(s) = &r else {
        panic!("{r:?}")
    };
    assert_eq!(s.options["COMPRESSION"], ["lz4", "snappy"]);
    assert_eq!(s.options["CQL_VERSION"], ["3.4.5"]);
    assert_eq!(s.protocol_features().rate_limit_error, Some(61440));
    assert_eq!(encode(&r), body);
}

// ---------------------------------------------------------------------------------------
// EVENT
// ---------------------------------------------------------------------------------------

fn event_roundtrip(body: Vec<u8>) -> Event {
    let r = decode(ResponseOpcode::Event, &body);
    assert_eq!(encode(&r), body);
    let Response::Event(e) = r else {
        panic!("{r:?}")
    };
    e
}

#[test]
fn topology_and_status_events() {
    let e = event_roundtrip(
        B::new()
            .string("TOPOLOGY_CHANGE")
            .string("NEW_NODE")
            .inet4([127, 0, 0, 2], 9042)
            .build(),
    );
    assert_eq!(
        e,
        Event::TopologyChange(TopologyChangeEvent::NewNode(SocketAddr::new(
            IpAddr::V4(Ipv4Addr::new(127, 0, 0, 2)),
            9042
        )))
    );

    let v6 = Ipv6Addr::new(0xfe80, 0, 0, 0, 0, 0, 0, 1);
    let e = event_roundtrip(
        B::new()
            .string("TOPOLOGY_CHANGE")
            .string("REMOVED_NODE")
            .byte(16)
            .raw(&v6.octets())
            .int(19042)
            .build(),
    );
    assert_eq!(
        e,
        Event::TopologyChange(TopologyChangeEvent::RemovedNode(SocketAddr::new(
            IpAddr::V6(v6),
            19042
        )))
    );

    let up = event_roundtrip(
        B::new()
            .string("STATUS_CHANGE")
            .string("UP")
            .inet4([10, 0, 0, 1], 9042)
            .build(),
    );
    assert!(matches!(up, Event::StatusChange(StatusChangeEvent::Up(_))));
    let down = event_roundtrip(
        B::new()
            .string("STATUS_CHANGE")
            .string("DOWN")
            .inet4([10, 0, 0, 1], 9042)
            .build(),
    );
    assert!(matches!(
        down,
        Event::StatusChange(StatusChangeEvent::Down(_))
    ));
}

#[test]
fn schema_change_events_of_every_target() {
    let e = event_roundtrip(
        B::new()
            .string("SCHEMA_CHANGE")
            .string("CREATED")
            .string("KEYSPACE")
            .string("ks")
            .build(),
    );
    assert_eq!(
        e,
        Event::SchemaChange(SchemaChangeEvent::KeyspaceChange {
            change_type: SchemaChangeType::Created,
            keyspace_name: "ks".into()
        })
    );
    let e = event_roundtrip(
        B::new()
            .string("SCHEMA_CHANGE")
            .string("UPDATED")
            .string("TABLE")
            .string("ks")
            .string("t")
            .build(),
    );
    assert_eq!(
        e,
        Event::SchemaChange(SchemaChangeEvent::TableChange {
            change_type: SchemaChangeType::Updated,
            keyspace_name: "ks".into(),
            object_name: "t".into()
        })
    );
    let e = event_roundtrip(
        B::new()
            .string("SCHEMA_CHANGE")
            .string("DROPPED")
            .string("TYPE")
            .string("ks")
            .string("address")
            .build(),
    );
    assert_eq!(
        e,
        Event::SchemaChange(SchemaChangeEvent::TypeChange {
            change_type: SchemaChangeType::Dropped,
            keyspace_name: "ks".into(),
            type_name: "address".into()
        })
    );
    let e = event_roundtrip(
        B::new()
            .string("SCHEMA_CHANGE")
            .string("CREATED")
            .string("FUNCTION")
            .string("ks")
            .string("plus")
            .string_list(&["int", "int"])
            .build(),
    );
    assert_eq!(
        e,
        Event::SchemaChange(SchemaChangeEvent::FunctionChange {
            change_type: SchemaChangeType::Created,
            keyspace_name: "ks".into(),
            function_name: "plus".into(),
            arguments: vec!["int".into(), "int".into()]
        })
    );
    let e = event_roundtrip(
        B::new()
            .string("SCHEMA_CHANGE")
            .string("DROPPED")
            .string("AGGREGATE")
            .string("ks")
            .string("average")
            .string_list(&["frozen<list<int>>"])
            .build(),
    );
    assert_eq!(
        e,
        Event::SchemaChange(SchemaChangeEvent::AggregateChange {
            change_type: SchemaChangeType::Dropped,
            keyspace_name: "ks".into(),
            aggregate_name: "average".into(),
            arguments: vec!["frozen<list<int>>".into()]
        })
    );
}

#[test]
fn client_routes_change_event() {
    let host = "6b4a9d0c-1c2f-4a55-9d3e-2d6a0f1b7c11";
    let body = B::new()
        .string("CLIENT_ROUTES_CHANGE")
        .string("UPDATE_NODES")
        .string_list(&["conn-1"])
        .string_list(&[host])
        .build();
    let r = ResponseV2::deserialize(
        &features(),
        ResponseOpcode::Event,
        Bytes::from(body.clone()),
        None,
    )
    .unwrap();
    let ResponseV2::Event(EventV2::ClientRoutesChange(ClientRoutesChangeEvent::UpdateNodes {
        connection_ids,
        host_ids,
    })) = &r
    else {
        panic!("{r:?}")
    };
    assert_eq!(connection_ids, &["conn-1"]);
    assert_eq!(host_ids, &[Uuid::parse_str(host).unwrap()]);
    assert_eq!(r.to_bytes(&features()).unwrap(), body);

    let mismatched = B::new()
        .string("CLIENT_ROUTES_CHANGE")
        .string("UPDATE_NODES")
        .string_list(&["a", "b"])
        .string_list(&[host])
        .build();
    let e = ResponseV2::deserialize(
        &features(),
        ResponseOpcode::Event,
        Bytes::from(mismatched),
        None,
    )
    .unwrap_err();
    assert!(
        e.to_string().contains("2 connection ids but 1 host ids"),
        "{e}"
    );
}

#[test]
fn bad_events_are_errors() {
    for body in [
        B::new().string("NO_SUCH_EVENT").build(),
        B::new()
            .string("TOPOLOGY_CHANGE")
            .string("MOVED_NODE")
            .inet4([1, 2, 3, 4], 9042)
            .build(),
        B::new()
            .string("STATUS_CHANGE")
            .string("UP")
            .byte(5)
            .raw(&[1, 2, 3, 4, 5])
            .int(9042)
            .build(),
        B::new()
            .string("STATUS_CHANGE")
            .string("UP")
            .inet4([1, 2, 3, 4], 70000)
            .build(),
        B::new()
            .string("SCHEMA_CHANGE")
            .string("CREATED")
            .string("INDEX")
            .string("ks")
            .build(),
    ] {
        let e = Response::deserialize(&features(), ResponseOpcode::Event, Bytes::from(body), None)
            .unwrap_err();
        assert_eq!(e.to_response_kind(), CqlResponseKind::Event);
    }
}

// ---------------------------------------------------------------------------------------
// ERROR: every code of section 9
// ---------------------------------------------------------------------------------------

fn error_case(body: Vec<u8>, features: &ProtocolFeatures, expected: DbError) {
    let r = Response::deserialize(
        features,
        ResponseOpcode::Error,
        Bytes::from(body.clone()),
        None,
    )
    .unwrap();
    let Response::Error(Error { error, reason }) = &r else {
        panic!("{r:?}")
    };
    assert_eq!(error, &expected);
    assert_eq!(reason, "msg");
    assert_eq!(r.to_bytes(features).unwrap(), body, "{expected:?}");
    assert_eq!(
        expected.code(features),
        i32::from_be_bytes(body[..4].try_into().unwrap())
    );
    assert!(r.into_non_error_response().is_err());
}

#[test]
fn errors_without_extra_fields() {
    for (code, e) in [
        (0x0000, DbError::ServerError),
        (0x000A, DbError::ProtocolError),
        (0x0100, DbError::AuthenticationError),
        (0x1001, DbError::Overloaded),
        (0x1002, DbError::IsBootstrapping),
        (0x1003, DbError::TruncateError),
        (0x2000, DbError::SyntaxError),
        (0x2100, DbError::Unauthorized),
        (0x2200, DbError::Invalid),
        (0x2300, DbError::ConfigError),
        (0x1600, DbError::Other(0x1600)),
    ] {
        error_case(B::new().int(code).string("msg").build(), &features(), e);
    }
}

#[test]
fn unavailable() {
    error_case(
        B::new()
            .int(0x1000)
            .string("msg")
            .short(0x0004)
            .int(3)
            .int(1)
            .build(),
        &features(),
        DbError::Unavailable {
            consistency: Consistency::Quorum,
            required: 3,
            alive: 1,
        },
    );
}

#[test]
fn write_timeout_every_write_type() {
    for (s, wt) in [
        ("SIMPLE", WriteType::Simple),
        ("BATCH", WriteType::Batch),
        ("UNLOGGED_BATCH", WriteType::UnloggedBatch),
        ("COUNTER", WriteType::Counter),
        ("BATCH_LOG", WriteType::BatchLog),
        ("CAS", WriteType::Cas),
        ("VIEW", WriteType::View),
        ("CDC", WriteType::Cdc),
        ("SOMETHING_NEW", WriteType::Other("SOMETHING_NEW".into())),
    ] {
        error_case(
            B::new()
                .int(0x1100)
                .string("msg")
                .short(0x0006)
                .int(1)
                .int(2)
                .string(s)
                .build(),
            &features(),
            DbError::WriteTimeout {
                consistency: Consistency::LocalQuorum,
                received: 1,
                required: 2,
                write_type: wt,
            },
        );
    }
}

#[test]
fn read_timeout_and_failures() {
    error_case(
        B::new()
            .int(0x1200)
            .string("msg")
            .short(0x0001)
            .int(0)
            .int(1)
            .byte(1)
            .build(),
        &features(),
        DbError::ReadTimeout {
            consistency: Consistency::One,
            received: 0,
            required: 1,
            data_present: true,
        },
    );
    error_case(
        B::new()
            .int(0x1300)
            .string("msg")
            .short(0x0005)
            .int(1)
            .int(3)
            .int(2)
            .byte(0)
            .build(),
        &features(),
        DbError::ReadFailure {
            consistency: Consistency::All,
            received: 1,
            required: 3,
            numfailures: 2,
            data_present: false,
        },
    );
    error_case(
        B::new()
            .int(0x1500)
            .string("msg")
            .short(0x000A)
            .int(0)
            .int(1)
            .int(1)
            .string("BATCH_LOG")
            .build(),
        &features(),
        DbError::WriteFailure {
            consistency: Consistency::LocalOne,
            received: 0,
            required: 1,
            numfailures: 1,
            write_type: WriteType::BatchLog,
        },
    );
}

#[test]
fn data_present_is_any_nonzero_byte() {
    let body = B::new()
        .int(0x1200)
        .string("msg")
        .short(0x0001)
        .int(0)
        .int(1)
        .byte(0x7f)
        .build();
    let e = Error::deserialize(&features(), &mut &body[..]).unwrap();
    assert!(matches!(
        e.error,
        DbError::ReadTimeout {
            data_present: true,
            ..
        }
    ));
}

#[test]
fn function_failure_already_exists_unprepared() {
    error_case(
        B::new()
            .int(0x1400)
            .string("msg")
            .string("ks")
            .string("f")
            .string_list(&["int", "text"])
            .build(),
        &features(),
        DbError::FunctionFailure {
            keyspace: "ks".into(),
            function: "f".into(),
            arg_types: vec!["int".into(), "text".into()],
        },
    );
    error_case(
        B::new()
            .int(0x2400)
            .string("msg")
            .string("ks")
            .string("")
            .build(),
        &features(),
        DbError::AlreadyExists {
            keyspace: "ks".into(),
            table: String::new(),
        },
    );
    error_case(
        B::new()
            .int(0x2500)
            .string("msg")
            .short_bytes(&[0xde, 0xad, 0xbe, 0xef])
            .build(),
        &features(),
        DbError::Unprepared {
            statement_id: Bytes::from_static(&[0xde, 0xad, 0xbe, 0xef]),
        },
    );
}

#[test]
fn scylla_rate_limit_error() {
    let f = features_with(|f| f.rate_limit_error = Some(RATE_LIMIT_CODE));
    error_case(
        B::new()
            .int(RATE_LIMIT_CODE)
            .string("msg")
            .byte(0)
            .byte(1)
            .build(),
        &f,
        DbError::RateLimitReached {
            op_type: OperationType::Read,
            rejected_by_coordinator: true,
        },
    );
    error_case(
        B::new()
            .int(RATE_LIMIT_CODE)
            .string("msg")
            .byte(7)
            .byte(0)
            .build(),
        &f,
        DbError::RateLimitReached {
            op_type: OperationType::Other(7),
            rejected_by_coordinator: false,
        },
    );
    // Without the extension the same code is just an unknown error.
    let body = B::new()
        .int(RATE_LIMIT_CODE)
        .string("msg")
        .byte(0)
        .byte(1)
        .build();
    let e = Error::deserialize(&features(), &mut &body[..]).unwrap();
    assert_eq!(e.error, DbError::Other(RATE_LIMIT_CODE));
}

#[test]
fn truncated_error_fields_name_the_field() {
    let body = B::new().int(0x1000).string("msg").short(1).int(3).build();
    let e = Response::deserialize(&features(), ResponseOpcode::Error, Bytes::from(body), None)
        .unwrap_err();
    let s = e.to_string();
    assert!(s.contains("ALIVE") && s.contains("UNAVAILABLE"), "{s}");

    let body = B::new()
        .int(0x1000)
        .string("msg")
        .short(0x00ff)
        .int(3)
        .int(1)
        .build();
    let e = Error::deserialize(&features(), &mut &body[..]).unwrap_err();
    assert!(e.to_string().contains("CONSISTENCY"), "{e}");
}

// ---------------------------------------------------------------------------------------
// RESULT
// ---------------------------------------------------------------------------------------

#[test]
fn void_and_set_keyspace_and_schema_change() {
    let body = B::new().int(1).build();
    let r = decode(ResponseOpcode::Result, &body);
    assert!(matches!(r, Response::Result(result::Result::Void)));
    assert_eq!(encode(&r), body);

    let body = B::new().int(3).string("my_ks").build();
    let r = decode(ResponseOpcode::Result, &body);
    let Response::Result(result::Result::SetKeyspace(s)) = &r else {
        panic!("{r:?}")
    };
    assert_eq!(s.keyspace_name, "my_ks");
    assert_eq!(encode(&r), body);

    let body = B::new()
        .int(5)
        .string("CREATED")
        .string("TABLE")
        .string("ks")
        .string("t")
        .build();
    let r = decode(ResponseOpcode::Result, &body);
    let Response::Result(result::Result::SchemaChange(s)) = &r else {
        panic!("{r:?}")
    };
    assert_eq!(s.event.keyspace_name(), "ks");
    assert_eq!(s.event.change_type(), SchemaChangeType::Created);
    assert_eq!(encode(&r), body);

    let e = Response::deserialize(
        &features(),
        ResponseOpcode::Result,
        B::new().int(6).bytes_value(),
        None,
    )
    .unwrap_err();
    assert!(e.to_string().contains("unknown result kind 6"), "{e}");
}

fn rows_of(r: Response) -> (result::DeserializedMetadataAndRawRows, PagingStateResponse) {
    let Response::Result(result::Result::Rows((raw, paging))) = r else {
        panic!("{r:?}")
    };
    (raw.deserialize_metadata().unwrap(), paging)
}

#[test]
fn rows_with_global_table_spec() {
    let body = B::new()
        .int(2) // Rows
        .int(0x0001) // Global_tables_spec
        .int(2) // columns
        .string("ks")
        .string("t")
        .string("k")
        .short(0x0009) // int
        .string("v")
        .short(0x000D) // varchar
        .int(2) // rows
        .bytes(&1i32.to_be_bytes())
        .bytes(b"one")
        .bytes(&2i32.to_be_bytes())
        .null()
        .build();
    let r = decode(ResponseOpcode::Result, &body);
    assert_eq!(encode(&r), body);
    let (rows, paging) = rows_of(r);
    assert!(paging.finished());
    assert_eq!(rows.rows_count(), 2);
    let specs = rows.metadata().col_specs();
    assert_eq!(specs.len(), 2);
    assert_eq!(specs[0].name(), "k");
    assert_eq!(specs[0].typ(), &native(NativeType::Int));
    assert_eq!(specs[1].typ(), &native(NativeType::Text));
    assert_eq!(specs[1].table_spec(), &TableSpec::borrowed("ks", "t"));
    assert_eq!(
        split_rows(rows.raw_rows(), 2, 2),
        vec![
            vec![Some(vec![0, 0, 0, 1]), Some(b"one".to_vec())],
            vec![Some(vec![0, 0, 0, 2]), None]
        ]
    );
    assert_eq!(rows.raw_rows_slice().as_slice(), &rows.raw_rows()[..]);

    // The same result built with RowsWriter gives the same bytes.
    let md = ResultMetadata::new(vec![
        ColumnSpec::borrowed("k", native(NativeType::Int), TableSpec::borrowed("ks", "t")),
        ColumnSpec::borrowed(
            "v",
            native(NativeType::Text),
            TableSpec::borrowed("ks", "t"),
        ),
    ]);
    let mut built = Vec::new();
    let mut w = result::RowsWriter::new(&mut built, &md, &MetadataWriteOptions::default()).unwrap();
    w.append_row([Some(&1i32.to_be_bytes()[..]), Some(&b"one"[..])])
        .unwrap();
    w.append_row([Some(&2i32.to_be_bytes()[..]), None]).unwrap();
    w.finish().unwrap();
    assert_eq!(built, body);
}

#[test]
fn rows_with_per_column_tables_paging_and_metadata_id() {
    let body = B::new()
        .int(2)
        .int(0x0002 | 0x0008) // Has_more_pages | Metadata_changed
        .int(1)
        .bytes(&[0xAA, 0xBB]) // paging state
        .short_bytes(&[1, 2, 3]) // new metadata id
        .string("ks1")
        .string("t1")
        .string("c")
        .short(0x0002) // bigint
        .int(0)
        .build();
    let f = features_with(|f| f.scylla_metadata_id_supported = true);
    let r =
        Response::deserialize(&f, ResponseOpcode::Result, Bytes::from(body.clone()), None).unwrap();
    assert_eq!(r.to_bytes(&f).unwrap(), body);
    let Response::Result(result::Result::Rows((raw, paging))) = r else {
        panic!()
    };
    assert!(raw.metadata_changed());
    assert_eq!(
        raw.new_metadata_id().map(|b| &b[..]),
        Some(&[1u8, 2, 3][..])
    );
    let PagingStateResponse::HasMorePages { state } = &paging else {
        panic!("{paging:?}")
    };
    assert_eq!(
        state.as_bytes_slice().map(|s| &s[..]),
        Some(&[0xAAu8, 0xBB][..])
    );
    let rows = raw.deserialize_metadata().unwrap();
    assert_eq!(rows.metadata().id(), Some(&[1u8, 2, 3][..]));
    assert_eq!(
        rows.metadata().col_specs()[0].table_spec(),
        &TableSpec::borrowed("ks1", "t1")
    );
    assert_eq!(rows.rows_count(), 0);
}

#[test]
fn rows_without_metadata_use_the_cached_metadata() {
    let body = B::new()
        .int(2)
        .int(0x0004)
        .int(1)
        .int(1)
        .bytes(&7i32.to_be_bytes())
        .build();
    let cached = Arc::new(ResultMetadata::new(vec![ColumnSpec::borrowed(
        "x",
        native(NativeType::Int),
        TableSpec::borrowed("ks", "t"),
    )]));
    let r = Response::deserialize(
        &features(),
        ResponseOpcode::Result,
        Bytes::from(body.clone()),
        Some(&cached),
    )
    .unwrap();
    assert_eq!(encode(&r), body);
    let (rows, _) = rows_of(r);
    assert!(matches!(
        rows.into_metadata(),
        ResultMetadataHolder::SharedCached(m) if Arc::ptr_eq(&m, &cached)
    ));

    // The wrong number of columns in the cache is an error.
    let two = Arc::new(ResultMetadata::new(vec![
        ColumnSpec::borrowed("x", native(NativeType::Int), TableSpec::borrowed("ks", "t")),
        ColumnSpec::borrowed("y", native(NativeType::Int), TableSpec::borrowed("ks", "t")),
    ]));
    let Response::Result(result::Result::Rows((raw, _))) = Response::deserialize(
        &features(),
        ResponseOpcode::Result,
        Bytes::from(body),
        Some(&two),
    )
    .unwrap() else {
        panic!()
    };
    let e = raw.deserialize_metadata().unwrap_err();
    assert!(
        e.to_string()
            .contains("1 columns but the cached metadata has 2"),
        "{e}"
    );
}

#[test]
fn rows_flag_errors() {
    // Metadata_changed with No_metadata.
    let f = features_with(|f| f.scylla_metadata_id_supported = true);
    let body = B::new()
        .int(2)
        .int(0x0004 | 0x0008)
        .int(0)
        .short_bytes(&[1])
        .int(0)
        .bytes_value();
    assert!(Response::deserialize(&f, ResponseOpcode::Result, body, None).is_err());
    // Without SCYLLA_USE_METADATA_ID the Metadata_changed bit is not read.
    let body = B::new()
        .int(2)
        .int(0x0004 | 0x0008)
        .int(0)
        .int(0)
        .bytes_value();
    let Response::Result(result::Result::Rows((raw, _))) =
        Response::deserialize(&features(), ResponseOpcode::Result, body, None).unwrap()
    else {
        panic!()
    };
    assert!(!raw.metadata_changed());
    // Negative column count.
    let body = B::new().int(2).int(0).int(-1).bytes_value();
    assert!(Response::deserialize(&features(), ResponseOpcode::Result, body, None).is_err());
    // A row count the body cannot hold.
    let body = B::new()
        .int(2)
        .int(1)
        .int(1)
        .string("ks")
        .string("t")
        .string("c")
        .short(9)
        .int(i32::MAX)
        .bytes_value();
    let Response::Result(result::Result::Rows((raw, _))) =
        Response::deserialize(&features(), ResponseOpcode::Result, body, None).unwrap()
    else {
        panic!()
    };
    let e = raw.deserialize_metadata().unwrap_err();
    assert!(e.to_string().contains("cannot fit"), "{e}");
}

/// One column of each type, per-column table specs.
#[test]
fn every_column_type_option() {
    let natives: [(u16, NativeType); 21] = [
        (0x0001, NativeType::Ascii),
        (0x0002, NativeType::BigInt),
        (0x0003, NativeType::Blob),
        (0x0004, NativeType::Boolean),
        (0x0005, NativeType::Counter),
        (0x0006, NativeType::Decimal),
        (0x0007, NativeType::Double),
        (0x0008, NativeType::Float),
        (0x0009, NativeType::Int),
        (0x000A, NativeType::Text), // the old varchar id
        (0x000B, NativeType::Timestamp),
        (0x000C, NativeType::Uuid),
        (0x000D, NativeType::Text),
        (0x000E, NativeType::Varint),
        (0x000F, NativeType::Timeuuid),
        (0x0010, NativeType::Inet),
        (0x0011, NativeType::Date),
        (0x0012, NativeType::Time),
        (0x0013, NativeType::SmallInt),
        (0x0014, NativeType::TinyInt),
        (0x0015, NativeType::Duration),
    ];
    for (id, n) in natives {
        let bytes = B::new().short(id).build();
        let t = ColumnType::deserialize_option(&mut &bytes[..]).unwrap();
        assert_eq!(t, native(n), "id {id:#x}");
    }

    let cases: Vec<(Vec<u8>, ColumnType<'static>)> = vec![
        (
            B::new().short(0x0020).short(0x0009).build(),
            list(native(NativeType::Int), false),
        ),
        (
            B::new().short(0x0022).short(0x000D).build(),
            set(native(NativeType::Text), false),
        ),
        (
            B::new().short(0x0021).short(0x000D).short(0x0020).short(0x0002).build(),
            map(native(NativeType::Text), list(native(NativeType::BigInt), false), false),
        ),
        (
            B::new()
                .short(0x0030)
                .string("ks")
                .string("address")
                .short(2)
                .string("street")
                .short(0x000D)
                .string("zip")
                .short(0x0009)
                .build(),
            udt(
                "ks",
                "address",
                vec![
                    ("street", native(NativeType::Text)),
                    ("zip", native(NativeType::Int)),
                ],
                false,
            ),
        ),
        (
            B::new().short(0x0031).short(2).short(0x0009).short(0x000D).build(),
            ColumnType::Tuple(vec![native(NativeType::Int), native(NativeType::Text)]),
        ),
        (
            B::new()
                .short(0x0000)
                .string("org.apache.cassandra.db.marshal.VectorType(org.apache.cassandra.db.marshal.FloatType,3)")
                .build(),
            ColumnType::Vector {
                typ: Box::new(native(NativeType::Float)),
                dimensions: 3,
            },
        ),
        (
            B::new()
                .short(0x0000)
                .string("org.apache.cassandra.db.marshal.LexicalUUIDType")
                .build(),
            ColumnType::Custom("org.apache.cassandra.db.marshal.LexicalUUIDType".into()),
        ),
    ];
    for (bytes, expected) in cases {
        let t = ColumnType::deserialize_option(&mut &bytes[..]).unwrap();
        assert_eq!(t, expected);
        let mut out = Vec::new();
        expected.serialize_option(&mut out).unwrap();
        assert_eq!(out, bytes, "{expected:?}");
    }

    for bad in [
        B::new().short(0x0016).build(),
        B::new().short(0x0023).build(),
        B::new().short(0x0020).build(),
        B::new().short(0x0000).string("MapType(Int32Type").build(),
    ] {
        assert!(
            ColumnType::deserialize_option(&mut &bad[..]).is_err(),
            "{bad:?}"
        );
    }
}

#[test]
fn prepared_without_and_with_metadata_id() {
    // PREPARE of `INSERT INTO ks.t (a, b, c) VALUES (?, ?, ?)` with PRIMARY KEY ((b, a)).
    let tail = B::new()
        .int(0x0001) // Global_tables_spec
        .int(3)
        .int(2)
        .short(1) // partition key column 0 is bind marker 1
        .short(0) // partition key column 1 is bind marker 0
        .string("ks")
        .string("t")
        .string("a")
        .short(0x0009)
        .string("b")
        .short(0x000D)
        .string("c")
        .short(0x0020)
        .short(0x0009)
        // result metadata: No_metadata, 0 columns
        .int(0x0004)
        .int(0)
        .build();
    let body = B::new().int(4).short_bytes(&[9, 9, 9]).raw(&tail).build();
    let r = decode(ResponseOpcode::Result, &body);
    assert_eq!(encode(&r), body);
    let Response::Result(result::Result::Prepared(p)) = &r else {
        panic!("{r:?}")
    };
    assert_eq!(&p.id[..], &[9, 9, 9]);
    assert_eq!(p.result_metadata_id, None);
    assert_eq!(p.prepared_metadata.col_count, 3);
    assert_eq!(p.prepared_metadata.flags, 1);
    assert_eq!(
        p.prepared_metadata.pk_indexes,
        vec![
            PartitionKeyIndex {
                index: 0,
                sequence: 1
            },
            PartitionKeyIndex {
                index: 1,
                sequence: 0
            }
        ]
    );
    assert_eq!(
        p.prepared_metadata.col_specs[2].typ(),
        &list(native(NativeType::Int), false)
    );
    assert_eq!(p.result_metadata.col_count(), 0);

    // With SCYLLA_USE_METADATA_ID the id follows the statement id.
    let f = features_with(|f| f.scylla_metadata_id_supported = true);
    let body = B::new()
        .int(4)
        .short_bytes(&[9, 9, 9])
        .short_bytes(&[7, 7])
        .raw(&tail)
        .build();
    let r =
        Response::deserialize(&f, ResponseOpcode::Result, Bytes::from(body.clone()), None).unwrap();
    assert_eq!(r.to_bytes(&f).unwrap(), body);
    let Response::Result(result::Result::Prepared(p)) = &r else {
        panic!("{r:?}")
    };
    assert_eq!(p.result_metadata_id.as_deref(), Some(&[7u8, 7][..]));
    assert_eq!(p.result_metadata.id(), Some(&[7u8, 7][..]));
}

#[test]
fn prepared_with_result_metadata_and_lwt_flag() {
    let body = B::new()
        .int(4)
        .short_bytes(&[1])
        .int(i32::MIN | 1) // the LWT mark bit and Global_tables_spec
        .int(1)
        .int(1)
        .short(0)
        .string("ks")
        .string("t")
        .string("k")
        .short(0x0009)
        .int(0x0001)
        .int(2)
        .string("ks")
        .string("t")
        .string("k")
        .short(0x0009)
        .string("[applied]")
        .short(0x0004)
        .build();
    let r = decode(ResponseOpcode::Result, &body);
    assert_eq!(encode(&r), body);
    let Response::Result(result::Result::Prepared(p)) = &r else {
        panic!()
    };
    let f = features_with(|f| f.lwt_optimization_meta_bit_mask = Some(0x8000_0000));
    assert!(f.prepared_flags_contain_lwt_mark(p.prepared_metadata.flags as u32));
    assert_eq!(p.result_metadata.col_specs()[1].name(), "[applied]");
}

#[test]
fn prepared_errors() {
    // A partition key index beyond the bind markers.
    let body = B::new()
        .int(4)
        .short_bytes(&[1])
        .int(0)
        .int(1)
        .int(1)
        .short(5)
        .bytes_value();
    let e = Response::deserialize(&features(), ResponseOpcode::Result, body, None).unwrap_err();
    assert!(e.to_string().contains("out of range"), "{e}");
    // A huge pk count with no bytes behind it.
    let body = B::new()
        .int(4)
        .short_bytes(&[1])
        .int(0)
        .int(1)
        .int(i32::MAX)
        .bytes_value();
    assert!(Response::deserialize(&features(), ResponseOpcode::Result, body, None).is_err());
    // A paging state in the result metadata of a Prepared result.
    let body = B::new()
        .int(4)
        .short_bytes(&[1])
        .int(0)
        .int(0)
        .int(0)
        .int(0x0002)
        .int(0)
        .bytes(&[1, 2])
        .bytes_value();
    let e = Response::deserialize(&features(), ResponseOpcode::Result, body, None).unwrap_err();
    assert!(e.to_string().contains("paging state"), "{e}");
}

#[test]
fn supported_sharding_view() {
    let body = B::new()
        .short(4)
        .string("SCYLLA_NR_SHARDS")
        .string_list(&["8"])
        .string("SCYLLA_SHARD")
        .string_list(&["5"])
        .string("SCYLLA_SHARDING_IGNORE_MSB")
        .string_list(&["12"])
        .string("SCYLLA_SHARD_AWARE_PORT")
        .string_list(&["19042"])
        .build();
    let s = Supported::deserialize(&mut &body[..]).unwrap();
    let info = s.sharding_info().unwrap().unwrap();
    assert_eq!(
        (info.shard, info.nr_shards.get(), info.msb_ignore),
        (5, 8, 12)
    );
    assert_eq!(info.shard_aware_port, Some(19042));
    assert_eq!(info.shard_aware_port_ssl, None);
}
