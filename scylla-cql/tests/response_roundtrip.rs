//! Encode → decode round trips (proptest) for every response message.

mod response_common;

use std::collections::HashMap;
use std::sync::Arc;

use bytes::Bytes;
use proptest::prelude::*;
use response_common::*;
use scylla_cql::frame::protocol_features::ProtocolFeatures;
use scylla_cql::frame::response::cql_type_parser::parse_cql_type;
use scylla_cql::frame::response::custom_type_parser;
use scylla_cql::frame::response::paging_state_shim::PagingStateResponse;
use scylla_cql::frame::response::parse_errors::RowsWriterError;
use scylla_cql::frame::response::result::{
    self, ColumnType, MetadataWriteOptions, Prepared, ResultMetadata, RowsWriter, SchemaChange,
    SetKeyspace,
};
use scylla_cql::frame::response::supported::ScyllaShardingInfo;
use scylla_cql::frame::response::tablets::TabletsRoutingV1;
use scylla_cql::frame::response::{Response, ResponseV2};
use uuid::Uuid;

fn rt(r: &Response, f: &ProtocolFeatures) -> (Bytes, Response) {
    let bytes = r.to_bytes(f).unwrap();
    let back = Response::deserialize(f, r.opcode(), bytes.clone(), None)
        .unwrap_or_else(|e| panic!("{r:?}: {e}"));
    // Encoding what was decoded gives the same bytes.
    assert_eq!(back.to_bytes(f).unwrap(), bytes);
    (bytes, back)
}

fn rate_limit_features() -> ProtocolFeatures {
    features_with(|f| f.rate_limit_error = Some(RATE_LIMIT_CODE))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn error(e in arb_error()) {
        let f = rate_limit_features();
        let (_, back) = rt(&Response::Error(e.clone()), &f);
        let Response::Error(back) = back else { panic!() };
        prop_assert_eq!(back, e);
    }

    #[test]
    fn authenticate(a in arb_authenticate()) {
        let (_, back) = rt(&Response::Authenticate(a.clone()), &ProtocolFeatures::default());
        let Response::Authenticate(back) = back else { panic!() };
        prop_assert_eq!(back, a);
    }

    #[test]
    fn auth_challenge_and_success(c in arb_auth_challenge(), s in arb_auth_success()) {
        let f = ProtocolFeatures::default();
        let (_, back) = rt(&Response::AuthChallenge(c.clone()), &f);
        let Response::AuthChallenge(back) = back else { panic!() };
        prop_assert_eq!(back, c);
        let (_, back) = rt(&Response::AuthSuccess(s.clone()), &f);
        let Response::AuthSuccess(back) = back else { panic!() };
        prop_assert_eq!(back, s);
    }

    #[test]
    fn supported(s in arb_supported()) {
        let (_, back) = rt(&Response::Supported(s.clone()), &ProtocolFeatures::default());
        let Response::Supported(back) = back else { panic!() };
        prop_assert_eq!(back, s);
    }

    #[test]
    fn event(e in arb_event()) {
        let (_, back) = rt(&Response::Event(e.clone()), &ProtocolFeatures::default());
        let Response::Event(back) = back else { panic!() };
        prop_assert_eq!(back, e);
    }

    #[test]
    fn event_v2(e in arb_event_v2()) {
        let f = ProtocolFeatures::default();
        let r = ResponseV2::Event(e.clone());
        let bytes = r.to_bytes(&f).unwrap();
        let back = ResponseV2::deserialize(&f, r.opcode(), bytes, None).unwrap();
        let ResponseV2::Event(back) = back else { panic!() };
        prop_assert_eq!(back, e);
    }

    #[test]
    fn set_keyspace_and_schema_change(ks in arb_text(), event in arb_schema_change()) {
        let f = ProtocolFeatures::default();
        let (_, back) = rt(&Response::Result(result::Result::SetKeyspace(SetKeyspace {
            keyspace_name: ks.clone(),
        })), &f);
        let Response::Result(result::Result::SetKeyspace(back)) = back else { panic!() };
        prop_assert_eq!(back.keyspace_name, ks);
        let (_, back) = rt(&Response::Result(result::Result::SchemaChange(SchemaChange {
            event: event.clone(),
        })), &f);
        let Response::Result(result::Result::SchemaChange(back)) = back else { panic!() };
        prop_assert_eq!(back.event, event);
    }

    #[test]
    fn prepared(
        id in proptest::collection::vec(any::<u8>(), 0..20),
        prepared_metadata in arb_prepared_metadata(),
        result_specs in arb_col_specs(4),
        metadata_id in proptest::option::of(proptest::collection::vec(any::<u8>(), 0..16)),
    ) {
        let f = features_with(|f| f.scylla_metadata_id_supported = metadata_id.is_some());
        let metadata_id = metadata_id.map(Bytes::from);
        let p = Prepared {
            id: Bytes::from(id),
            prepared_metadata,
            result_metadata: ResultMetadata::new(result_specs).with_id(metadata_id.clone()),
            result_metadata_id: metadata_id,
        };
        let (_, back) = rt(&Response::Result(result::Result::Prepared(p.clone())), &f);
        let Response::Result(result::Result::Prepared(mut back)) = back else { panic!() };
        // Global_tables_spec is decided by the encoder.
        back.prepared_metadata.flags &= !1;
        prop_assert_eq!(back, p);
    }

    #[test]
    fn rows(
        (md, rows) in arb_result_metadata()
            .prop_flat_map(|md| { let cols = md.col_count(); (Just(md), arb_rows(cols)) }),
        rows_seed in any::<u64>(),
        paging in proptest::option::of(proptest::collection::vec(any::<u8>(), 0..16)),
        new_id in proptest::option::of(proptest::collection::vec(any::<u8>(), 0..16)),
        no_metadata in any::<bool>(),
    ) {
        let cols = md.col_count();
        let new_id = if no_metadata { None } else { new_id };
        let options = MetadataWriteOptions {
            paging_state: paging.as_deref(),
            no_metadata,
            new_metadata_id: new_id.as_deref(),
        };
        let mut body = Vec::new();
        let mut w = RowsWriter::new(&mut body, &md, &options).unwrap();
        for row in &rows {
            if cols == 0 || rows_seed % 2 == 0 {
                w.append_row(row.iter().map(|c| c.as_deref())).unwrap();
            } else {
                for c in row {
                    match c {
                        Some(v) => w.append_cell_with(|b| b.extend_from_slice(v)).unwrap(),
                        None => w.append_cell(None).unwrap(),
                    }
                }
            }
        }
        prop_assert_eq!(w.finish().unwrap(), rows.len());

        let f = features_with(|f| f.scylla_metadata_id_supported = true);
        let cached = Arc::new(md.clone());
        let body = Bytes::from(body);
        let r = Response::deserialize(&f, result_opcode(), body.clone(), Some(&cached)).unwrap();
        prop_assert_eq!(r.to_bytes(&f).unwrap(), body.clone());
        let Response::Result(result::Result::Rows((raw, ps))) = r else { panic!() };
        prop_assert_eq!(raw.no_metadata(), no_metadata);
        prop_assert_eq!(raw.metadata_changed(), new_id.is_some());
        match (&ps, &paging) {
            (PagingStateResponse::NoMorePages, None) => {}
            (PagingStateResponse::HasMorePages { state }, Some(p)) => {
                prop_assert_eq!(state.as_bytes_slice().map(|s| s.to_vec()), Some(p.clone()));
            }
            _ => prop_assert!(false, "paging state {:?} vs {:?}", ps, paging),
        }
        let d = raw.deserialize_metadata().unwrap();
        prop_assert_eq!(d.metadata().col_specs(), md.col_specs());
        if !no_metadata {
            prop_assert_eq!(d.metadata().id(), new_id.as_deref());
        }
        prop_assert_eq!(d.rows_count(), rows.len());
        prop_assert_eq!(split_rows(d.raw_rows(), rows.len(), cols), rows);

        // The deserialized form writes the same body again.
        let mut again = Vec::new();
        again.extend_from_slice(&2i32.to_be_bytes());
        d.serialize(&options, &mut again).unwrap();
        prop_assert_eq!(&again[..], &body[..]);
    }

    #[test]
    fn column_type_option(t in arb_column_type(false, false)) {
        let mut buf = Vec::new();
        t.serialize_option(&mut buf).unwrap();
        let mut s = &buf[..];
        let back = ColumnType::deserialize_option(&mut s).unwrap();
        prop_assert!(s.is_empty());
        prop_assert_eq!(back, t);
    }

    #[test]
    fn class_name(t in arb_column_type(true, false)) {
        let name = t.to_class_name();
        prop_assert_eq!(custom_type_parser::parse(&name).unwrap(), t.clone());
        prop_assert_eq!(custom_type_parser::parse_strict(&name).is_ok(), !contains_custom(&t));
    }

    #[test]
    fn cql_type_string(t in arb_column_type(true, true)) {
        let mut udts = HashMap::new();
        prop_assume!(collect_udts(&t, &mut udts));
        // `tuple<>` is not CQL.
        prop_assume!(!t.to_string().contains("tuple<>"));
        let s = t.to_string();
        let back = parse_cql_type(&s, |name| udts.get(name).cloned())
            .unwrap_or_else(|e| panic!("{s}: {e}"));
        prop_assert_eq!(back, t);
    }

    #[test]
    fn tablets_routing(
        first in any::<i64>(),
        last in any::<i64>(),
        replicas in proptest::collection::vec((any::<u128>(), any::<i32>()), 0..8),
    ) {
        let t = TabletsRoutingV1 {
            first_token: first,
            last_token: last,
            replicas: replicas.into_iter().map(|(h, s)| (Uuid::from_u128(h), s)).collect(),
        };
        let mut payload = HashMap::new();
        t.add_to_custom_payload(&mut payload).unwrap();
        prop_assert_eq!(TabletsRoutingV1::from_custom_payload(&payload).unwrap(), Some(t));
    }

    #[test]
    fn sharding_info(
        nr in 1u16..=512,
        shard_seed in any::<u16>(),
        msb in 0u8..=63,
        port in proptest::option::of(1u16..),
        port_ssl in proptest::option::of(1u16..),
        partitioner in proptest::option::of(arb_text()),
    ) {
        let info = ScyllaShardingInfo {
            shard: shard_seed % nr,
            nr_shards: std::num::NonZeroU16::new(nr).unwrap(),
            msb_ignore: msb,
            partitioner,
            sharding_algorithm: Some("biased-token-round-robin".into()),
            shard_aware_port: port,
            shard_aware_port_ssl: port_ssl,
        };
        let mut options = HashMap::new();
        info.write_to_supported(&mut options);
        prop_assert_eq!(ScyllaShardingInfo::from_supported(&options).unwrap(), Some(info));
    }
}

fn result_opcode() -> scylla_cql::frame::response::ResponseOpcode {
    scylla_cql::frame::response::ResponseOpcode::Result
}

fn contains_custom(t: &ColumnType<'_>) -> bool {
    use scylla_cql::frame::response::result::CollectionType;
    match t {
        ColumnType::Custom(_) => true,
        ColumnType::Native(_) => false,
        ColumnType::Collection { typ, .. } => match typ {
            CollectionType::List(e) | CollectionType::Set(e) => contains_custom(e),
            CollectionType::Map(k, v) => contains_custom(k) || contains_custom(v),
            _ => false,
        },
        ColumnType::Vector { typ, .. } => contains_custom(typ),
        ColumnType::Tuple(ts) => ts.iter().any(contains_custom),
        ColumnType::UserDefinedType { definition, .. } => definition
            .field_types
            .iter()
            .any(|(_, t)| contains_custom(t)),
        _ => false,
    }
}

#[test]
fn rows_with_no_columns_are_refused() {
    // Rows without columns take no bytes: their count cannot be checked against the
    // body, so the writer refuses them and the decoder rejects them.
    let md = ResultMetadata::mock_empty();
    let mut body = Vec::new();
    let mut w = RowsWriter::new(&mut body, &md, &MetadataWriteOptions::default()).unwrap();
    assert!(matches!(
        w.append_row(std::iter::empty()),
        Err(RowsWriterError::RowsWithoutColumns)
    ));
    assert!(w.append_cell(None).is_err());
    assert_eq!(w.finish().unwrap(), 0);
    let Ok(result::Result::Rows((raw, _))) = result::deserialize(Bytes::from(body), None) else {
        panic!()
    };
    assert_eq!(raw.deserialize_metadata().unwrap().rows_count(), 0);
}
