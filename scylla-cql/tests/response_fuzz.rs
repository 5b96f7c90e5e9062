//! Arbitrary, mutated and truncated bytes (and strings) into every response decoder
//! and type parser: they must return errors, never panic, and reject nesting beyond
//! the limit without overflowing the stack.

mod response_common;

use std::collections::HashMap;

use bytes::Bytes;
use proptest::prelude::*;
use response_common::*;
use scylla_cql::frame::protocol_features::ProtocolFeatures;
use scylla_cql::frame::response::column_type::MAX_TYPE_NESTING_DEPTH;
use scylla_cql::frame::response::cql_type_parser::{parse_cql_type, parse_cql_type_without_udts};
use scylla_cql::frame::response::custom_type_parser;
use scylla_cql::frame::response::error::Error;
use scylla_cql::frame::response::event::{Event, EventV2};
use scylla_cql::frame::response::parse_errors::{
    CqlTypeParseError, CqlTypeStringParseErrorKind, CustomTypeParseError,
};
use scylla_cql::frame::response::result::{
    self, ColumnType, MetadataWriteOptions, ResultMetadata, RowsWriter,
};
use scylla_cql::frame::response::supported::ScyllaShardingInfo;
use scylla_cql::frame::response::tablets::TabletsRoutingV1;
use scylla_cql::frame::response::{Response, ResponseOpcode, ResponseV2};

const OPCODES: [ResponseOpcode; 8] = [
    ResponseOpcode::Error,
    ResponseOpcode::Ready,
    ResponseOpcode::Authenticate,
    ResponseOpcode::Supported,
    ResponseOpcode::Result,
    ResponseOpcode::Event,
    ResponseOpcode::AuthChallenge,
    ResponseOpcode::AuthSuccess,
];

fn all_features() -> [ProtocolFeatures; 3] {
    [
        ProtocolFeatures::default(),
        features_with(|f| f.rate_limit_error = Some(RATE_LIMIT_CODE)),
        features_with(|f| f.scylla_metadata_id_supported = true),
    ]
}

/// Decodes `body` as every opcode with every feature set, and does everything a
/// consumer would do with what decodes.
fn decode_everything(body: &[u8]) {
    let cached = std::sync::Arc::new(ResultMetadata::mock_empty());
    for f in all_features() {
        for op in OPCODES {
            for cache in [None, Some(&cached)] {
                let bytes = Bytes::copy_from_slice(body);
                if let Ok(r) = Response::deserialize(&f, op, bytes.clone(), cache) {
                    let _ = r.to_bytes(&f);
                    let _ = r.to_response_kind();
                    if let Ok(d) = r.deserialize_metadata() {
                        let _ = d.into_non_error_response();
                    }
                }
                if let Ok(r) = ResponseV2::deserialize(&f, op, bytes, cache) {
                    let _ = r.to_bytes(&f);
                    let _ = r.deserialize_metadata();
                }
            }
        }
    }
    let _ = ColumnType::deserialize_option(&mut &body[..]);
    let _ = TabletsRoutingV1::deserialize(body);
    let _ = Event::deserialize(&mut &body[..]);
    let _ = EventV2::deserialize(&mut &body[..]);
    if let Ok(s) = std::str::from_utf8(body) {
        let _ = custom_type_parser::parse(s);
        let _ = custom_type_parser::parse_strict(s);
        let _ = parse_cql_type_without_udts(s);
    }
}

/// Valid bodies of many kinds, with their opcode and features.
fn arb_valid_body() -> impl Strategy<Value = (ResponseOpcode, ProtocolFeatures, Vec<u8>)> {
    let plain = ProtocolFeatures::default();
    let rl = features_with(|f| f.rate_limit_error = Some(RATE_LIMIT_CODE));
    let mid = features_with(|f| f.scylla_metadata_id_supported = true);
    let ser = |r: Response, f: ProtocolFeatures| (r.opcode(), f, r.to_bytes(&f).unwrap().to_vec());
    prop_oneof![
        arb_error().prop_map(move |e| ser(Response::Error(e), rl)),
        arb_authenticate().prop_map(move |a| ser(Response::Authenticate(a), plain)),
        arb_auth_challenge().prop_map(move |a| ser(Response::AuthChallenge(a), plain)),
        arb_auth_success().prop_map(move |a| ser(Response::AuthSuccess(a), plain)),
        arb_supported().prop_map(move |s| ser(Response::Supported(s), plain)),
        arb_event().prop_map(move |e| ser(Response::Event(e), plain)),
        (arb_prepared_metadata(), arb_col_specs(3)).prop_map(move |(pm, specs)| {
            let p = result::Prepared {
                id: Bytes::from_static(&[1, 2, 3]),
                prepared_metadata: pm,
                result_metadata: ResultMetadata::new(specs),
                result_metadata_id: Some(Bytes::from_static(&[4, 5])),
            };
            ser(Response::Result(result::Result::Prepared(p)), mid)
        }),
        arb_schema_change().prop_map(move |e| ser(
            Response::Result(result::Result::SchemaChange(result::SchemaChange {
                event: e
            })),
            plain
        )),
    ]
}

fn arb_rows_body() -> impl Strategy<Value = Vec<u8>> {
    arb_result_metadata()
        .prop_flat_map(|md| {
            let cols = md.col_count();
            (Just(md), arb_rows(cols))
        })
        .prop_map(|(md, rows)| {
            let mut body = Vec::new();
            let mut w = RowsWriter::new(&mut body, &md, &MetadataWriteOptions::default()).unwrap();
            for r in &rows {
                w.append_row(r.iter().map(|c| c.as_deref())).unwrap();
            }
            w.finish().unwrap();
            body
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(body in proptest::collection::vec(any::<u8>(), 0..200)) {
        decode_everything(&body);
    }

    /// Bytes that start like a plausible body (a small kind or a known string) so the
    /// decoders get past their first field more often.
    #[test]
    fn plausible_prefixes_never_panic(
        kind in 0i32..7,
        flags in any::<i32>(),
        count in -2i32..5,
        rest in proptest::collection::vec(any::<u8>(), 0..120),
    ) {
        let mut body = B::new().int(kind).int(flags).int(count).build();
        body.extend(&rest);
        decode_everything(&body);
        let mut body = B::new().string("SCHEMA_CHANGE").string("CREATED").build();
        body.extend(&rest);
        decode_everything(&body);
    }

    #[test]
    fn truncated_valid_bodies_are_errors((op, f, body) in arb_valid_body()) {
        prop_assert!(Response::deserialize(&f, op, Bytes::from(body.clone()), None).is_ok());
        for cut in 0..body.len() {
            let prefix = Bytes::copy_from_slice(&body[..cut]);
            prop_assert!(
                Response::deserialize(&f, op, prefix, None).is_err(),
                "{:?} prefix of {} of {} bytes decoded", op, cut, body.len()
            );
        }
    }

    #[test]
    fn mutated_valid_bodies_never_panic(
        (_, _, body) in arb_valid_body(),
        flips in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..4),
    ) {
        let mut body = body;
        if !body.is_empty() {
            for (i, v) in flips {
                let i = i.index(body.len());
                body[i] = v;
            }
        }
        decode_everything(&body);
    }

    #[test]
    fn truncated_and_mutated_rows_never_panic(
        body in arb_rows_body(),
        cut in any::<prop::sample::Index>(),
        flip in any::<prop::sample::Index>(),
        v in any::<u8>(),
    ) {
        let cut = cut.index(body.len() + 1);
        decode_everything(&body[..cut]);
        let mut m = body.clone();
        let i = flip.index(m.len());
        m[i] = v;
        decode_everything(&m);
    }

    #[test]
    fn type_strings_never_panic(s in "[A-Za-z0-9().,:<> \"'_$-]{0,80}") {
        let _ = custom_type_parser::parse(&s);
        let _ = custom_type_parser::parse_strict(&s);
        let _ = parse_cql_type(&s, |_| None);
    }

    #[test]
    fn any_strings_never_panic(s in "\\PC{0,40}") {
        let _ = custom_type_parser::parse(&s);
        let _ = parse_cql_type_without_udts(&s);
    }

    #[test]
    fn arbitrary_sharding_options_never_panic(
        shard in "[0-9-]{0,6}",
        nr in "[0-9x]{0,6}",
        msb in "[0-9]{0,3}",
        port in proptest::option::of("[0-9]{0,6}"),
    ) {
        let mut o: HashMap<String, Vec<String>> = HashMap::new();
        o.insert("SCYLLA_SHARD".into(), vec![shard]);
        o.insert("SCYLLA_NR_SHARDS".into(), vec![nr]);
        o.insert("SCYLLA_SHARDING_IGNORE_MSB".into(), vec![msb]);
        if let Some(p) = port {
            o.insert("SCYLLA_SHARD_AWARE_PORT".into(), vec![p]);
        }
        if let Ok(Some(info)) = ScyllaShardingInfo::from_supported(&o) {
            prop_assert!(info.shard < info.nr_shards.get());
            prop_assert!(info.msb_ignore < 64);
        }
    }
}

#[test]
fn deeply_nested_options_are_rejected_not_overflowing() {
    let depth = 100_000;
    let mut bytes = Vec::new();
    for _ in 0..depth {
        bytes.extend(0x0020u16.to_be_bytes());
    }
    bytes.extend(0x0009u16.to_be_bytes());
    let e = ColumnType::deserialize_option(&mut &bytes[..]).unwrap_err();
    assert!(
        matches!(e, CqlTypeParseError::TypeNestingTooDeep { .. }),
        "{e}"
    );

    // Exactly at the limit is fine.
    let mut bytes = Vec::new();
    for _ in 0..MAX_TYPE_NESTING_DEPTH {
        bytes.extend(0x0020u16.to_be_bytes());
    }
    bytes.extend(0x0009u16.to_be_bytes());
    assert!(ColumnType::deserialize_option(&mut &bytes[..]).is_ok());
    bytes.splice(0..0, 0x0020u16.to_be_bytes());
    assert!(ColumnType::deserialize_option(&mut &bytes[..]).is_err());

    // Inside a whole Rows result.
    let mut body = B::new()
        .int(2)
        .int(1)
        .int(1)
        .string("ks")
        .string("t")
        .string("c")
        .build();
    for _ in 0..depth {
        body.extend(0x0022u16.to_be_bytes());
    }
    let Ok(Response::Result(result::Result::Rows((raw, _)))) = Response::deserialize(
        &ProtocolFeatures::default(),
        ResponseOpcode::Result,
        Bytes::from(body),
        None,
    ) else {
        panic!("the head of the rows result is valid")
    };
    let e = raw.deserialize_metadata().unwrap_err();
    assert!(e.to_string().contains("nested deeper"), "{e}");
}

#[test]
fn deeply_nested_class_names_are_rejected() {
    let depth = 100_000;
    let s = format!(
        "{}Int32Type{}",
        "ListType(".repeat(depth),
        ")".repeat(depth)
    );
    let e = custom_type_parser::parse(&s).unwrap_err();
    assert!(
        matches!(e.kind(), CustomTypeParseError::TooDeeplyNested { .. }),
        "{e:?}"
    );
    let ok = format!(
        "{}Int32Type{}",
        "ListType(".repeat(MAX_TYPE_NESTING_DEPTH),
        ")".repeat(MAX_TYPE_NESTING_DEPTH)
    );
    assert!(custom_type_parser::parse(&ok).is_ok());
    // Unknown complex types are skipped without recursion, however deep.
    let s = format!("com.example.T{}x{}", "(".repeat(depth), ")".repeat(depth));
    assert!(matches!(
        custom_type_parser::parse(&s).unwrap(),
        ColumnType::Custom(_)
    ));
    let unbalanced = format!("com.example.T{}x", "(".repeat(depth));
    assert!(custom_type_parser::parse(&unbalanced).is_err());
}

#[test]
fn deeply_nested_cql_types_are_rejected() {
    let depth = 100_000;
    let s = format!("{}int{}", "list<".repeat(depth), ">".repeat(depth));
    let e = parse_cql_type_without_udts(&s).unwrap_err();
    assert!(
        matches!(e.kind, CqlTypeStringParseErrorKind::TooDeeplyNested { .. }),
        "{e}"
    );
    let ok = format!(
        "{}int{}",
        "frozen<list<".repeat(MAX_TYPE_NESTING_DEPTH / 2),
        ">>".repeat(MAX_TYPE_NESTING_DEPTH / 2)
    );
    assert!(parse_cql_type_without_udts(&ok).is_ok());
}

#[test]
fn huge_counts_with_little_data_are_errors() {
    let f = ProtocolFeatures::default();
    for (op, body) in [
        (ResponseOpcode::Supported, B::new().short(u16::MAX).build()),
        (
            ResponseOpcode::Error,
            B::new()
                .int(0x1400)
                .string("m")
                .string("ks")
                .string("f")
                .short(u16::MAX)
                .build(),
        ),
        (
            ResponseOpcode::Event,
            B::new()
                .string("SCHEMA_CHANGE")
                .string("CREATED")
                .string("FUNCTION")
                .string("ks")
                .string("f")
                .short(u16::MAX)
                .build(),
        ),
        (
            ResponseOpcode::Result,
            B::new().int(2).int(0).int(i32::MAX).build(),
        ),
        (
            ResponseOpcode::Result,
            B::new()
                .int(4)
                .short_bytes(&[1])
                .int(0)
                .int(i32::MAX)
                .int(0)
                .build(),
        ),
    ] {
        let r = Response::deserialize(&f, op, Bytes::from(body), None);
        match r {
            Err(_) => {}
            Ok(Response::Result(result::Result::Rows((raw, _)))) => {
                assert!(raw.deserialize_metadata().is_err());
            }
            Ok(other) => panic!("{other:?}"),
        }
    }
    let udt = B::new()
        .short(0x0030)
        .string("ks")
        .string("u")
        .short(u16::MAX)
        .build();
    assert!(ColumnType::deserialize_option(&mut &udt[..]).is_err());
    let tablets = B::new()
        .bytes(&1i64.to_be_bytes())
        .bytes(&2i64.to_be_bytes())
        .bytes(&i32::MAX.to_be_bytes())
        .build();
    assert!(TabletsRoutingV1::deserialize(&tablets).is_err());
}

#[test]
fn error_reason_must_be_utf8() {
    let body = B::new().int(0).short(2).raw(&[0xff, 0xfe]).build();
    let e = Error::deserialize(&ProtocolFeatures::default(), &mut &body[..]).unwrap_err();
    assert!(e.to_string().contains("reason"), "{e}");
}
