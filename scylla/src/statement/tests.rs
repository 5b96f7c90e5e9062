//! Tests of the statement types.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use scylla_cql::frame::protocol_features::ProtocolFeatures;
use scylla_cql::frame::response::result::{
    ColumnSpec, ColumnType, MetadataWriteOptions, NativeType, PartitionKeyIndex, Prepared,
    PreparedMetadata, ResultMetadata, RowsWriter, TableSpec,
};
use scylla_cql::serialize::row::SerializedValues;

use super::batch::{Batch, BatchStatement, BatchType};
use super::prepared::{
    PartitionKeyError, PartitionKeyExtractionError, PreparedStatement, TokenCalculationError,
};
use super::*;
use crate::client::execution_profile::ExecutionProfile;
use crate::observability::history::HistoryCollector;
use crate::policies::load_balancing::{DefaultPolicy, LoadBalancingPolicy};
use crate::policies::retry::{FallthroughRetryPolicy, RetryPolicy};
use crate::routing::partitioner::{Partitioner, PartitionerName};

fn col(name: &str, typ: NativeType) -> ColumnSpec<'static> {
    ColumnSpec::owned(
        name.to_owned(),
        ColumnType::Native(typ),
        TableSpec::borrowed("ks", "t").into_owned(),
    )
}

/// A prepared statement with bind markers `cols` and partition key made of the
/// markers at `pk` (bind-marker index, position in the key).
fn prepared(cols: Vec<ColumnSpec<'static>>, pk: &[(u16, u16)]) -> PreparedStatement {
    let metadata = PreparedMetadata {
        flags: 0,
        col_count: cols.len(),
        pk_indexes: pk
            .iter()
            .map(|&(index, sequence)| PartitionKeyIndex { index, sequence })
            .collect(),
        col_specs: cols,
    };
    PreparedStatement::new(
        Bytes::from_static(b"\x01\x02"),
        false,
        metadata,
        Arc::new(ResultMetadata::new(vec![col("r", NativeType::Text)])),
        "INSERT INTO ks.t (a, b, c) VALUES (?, ?, ?)".to_owned(),
        PageSize::DEFAULT,
        StatementConfig::default(),
    )
}

fn murmur3(bytes: &[u8]) -> i64 {
    let mut h = PartitionerName::Murmur3.build_hasher();
    crate::routing::partitioner::PartitionerHasher::write(&mut h, bytes);
    crate::routing::partitioner::PartitionerHasher::finish(&h).value()
}

/// The defaults and round trips of the settings shared by every statement kind.
macro_rules! check_config_accessors {
    ($s:expr) => {{
        let mut s = $s;
        assert_eq!(s.get_consistency(), None);
        assert_eq!(s.get_serial_consistency(), None);
        assert!(!s.get_is_idempotent());
        assert!(!s.get_tracing());
        assert_eq!(s.get_timestamp(), None);
        assert_eq!(s.get_request_timeout(), None);
        assert!(s.get_execution_profile_handle().is_none());
        assert!(s.get_load_balancing_policy().is_none());
        assert!(s.get_retry_policy().is_none());
        assert!(s.remove_history_listener().is_none());

        s.set_consistency(Consistency::Two);
        assert_eq!(s.get_consistency(), Some(Consistency::Two));
        s.unset_consistency();
        assert_eq!(s.get_consistency(), None);
        s.set_serial_consistency(Some(SerialConsistency::Serial));
        assert_eq!(s.get_serial_consistency(), Some(SerialConsistency::Serial));
        s.unset_serial_consistency();
        assert_eq!(s.get_serial_consistency(), None);
        s.set_is_idempotent(true);
        assert!(s.get_is_idempotent());
        s.set_tracing(true);
        assert!(s.get_tracing());
        s.set_timestamp(Some(42));
        assert_eq!(s.get_timestamp(), Some(42));
        s.set_request_timeout(Some(Duration::from_millis(250)));
        assert_eq!(s.get_request_timeout(), Some(Duration::from_millis(250)));
        let handle = ExecutionProfile::builder()
            .consistency(Consistency::All)
            .build()
            .into_handle_with_label("mine".to_owned());
        s.set_execution_profile_handle(Some(handle));
        assert_eq!(
            s.get_execution_profile_handle()
                .map(|h| h.to_profile().get_consistency()),
            Some(Consistency::All)
        );
        let lbp: Arc<dyn LoadBalancingPolicy> = Arc::new(DefaultPolicy::default());
        s.set_load_balancing_policy(Some(Arc::clone(&lbp)));
        assert!(Arc::ptr_eq(s.get_load_balancing_policy().unwrap(), &lbp));
        let rp: Arc<dyn RetryPolicy> = Arc::new(FallthroughRetryPolicy::new());
        s.set_retry_policy(Some(Arc::clone(&rp)));
        assert!(Arc::ptr_eq(s.get_retry_policy().unwrap(), &rp));
        let listener = Arc::new(HistoryCollector::new());
        s.set_history_listener(listener.clone());
        let removed = s.remove_history_listener().unwrap();
        assert!(std::ptr::addr_eq(
            Arc::as_ptr(&removed),
            Arc::as_ptr(&listener)
        ));
        assert!(s.remove_history_listener().is_none());
        s.set_execution_profile_handle(None);
        s.set_load_balancing_policy(None);
        s.set_retry_policy(None);
        assert!(s.get_execution_profile_handle().is_none());
        assert!(s.get_load_balancing_policy().is_none());
        assert!(s.get_retry_policy().is_none());
        s
    }};
}

#[test]
fn statement_defaults_and_accessors() {
    let s = Statement::new("SELECT * FROM ks.t");
    assert_eq!(s.contents, "SELECT * FROM ks.t");
    assert_eq!(s.get_page_size(), 5000);
    let mut s = check_config_accessors!(s);
    s.set_page_size(10);
    assert_eq!(s.get_page_size(), 10);
    s.set_page_size(0);
    assert_eq!(s.get_page_size(), 10, "a non-positive page size is ignored");
    s.set_page_size(-5);
    assert_eq!(s.get_page_size(), 10);
    assert_eq!(Statement::new("x").with_page_size(7).get_page_size(), 7);
    // Clones are independent.
    let mut c = s.clone();
    c.set_tracing(false);
    assert!(s.get_tracing());
    assert_eq!(Statement::from("a").contents, "a");
    assert_eq!(Statement::from(String::from("b")).contents, "b");
}

#[test]
fn serial_consistency_explicit_none_overrides_profile() {
    let profile = ExecutionProfile::builder()
        .consistency(Consistency::One)
        .serial_consistency(Some(SerialConsistency::Serial))
        .request_timeout(Some(Duration::from_secs(1)))
        .build();
    let mut s = Statement::new("x");
    let inner = &profile.0;
    assert_eq!(s.config.determine_consistency(inner), Consistency::One);
    assert_eq!(
        s.config.determine_serial_consistency(inner),
        Some(SerialConsistency::Serial)
    );
    assert_eq!(
        s.config.determine_request_timeout(inner),
        Some(Duration::from_secs(1))
    );
    s.set_serial_consistency(None);
    assert_eq!(s.config.determine_serial_consistency(inner), None);
    assert_eq!(s.get_serial_consistency(), None);
    s.set_consistency(Consistency::Quorum);
    s.set_request_timeout(Some(Duration::from_secs(9)));
    assert_eq!(s.config.determine_consistency(inner), Consistency::Quorum);
    assert_eq!(
        s.config.determine_request_timeout(inner),
        Some(Duration::from_secs(9))
    );
    let rp: Arc<dyn RetryPolicy> = Arc::new(FallthroughRetryPolicy::new());
    assert!(Arc::ptr_eq(
        s.config.determine_retry_policy(inner),
        profile.get_retry_policy()
    ));
    s.set_retry_policy(Some(rp.clone()));
    assert!(Arc::ptr_eq(s.config.determine_retry_policy(inner), &rp));
    assert!(Arc::ptr_eq(
        s.config.determine_load_balancing_policy(inner),
        profile.get_load_balancing_policy()
    ));

    // The statement's handle wins over the session default.
    let session_default = ExecutionProfile::builder().build().into_handle();
    assert_eq!(
        s.config
            .determine_execution_profile(&session_default)
            .consistency,
        Consistency::LocalQuorum
    );
    s.set_execution_profile_handle(Some(profile.into_handle()));
    assert_eq!(
        s.config
            .determine_execution_profile(&session_default)
            .consistency,
        Consistency::One
    );
}

#[test]
fn prepared_accessors() {
    let p = prepared(
        vec![
            col("a", NativeType::Int),
            col("b", NativeType::Text),
            col("c", NativeType::Int),
        ],
        &[(0, 0)],
    );
    assert_eq!(p.get_id().as_ref(), b"\x01\x02");
    assert_eq!(
        p.get_statement(),
        "INSERT INTO ks.t (a, b, c) VALUES (?, ?, ?)"
    );
    assert!(p.get_prepare_tracing_ids().is_empty());
    assert!(p.is_token_aware());
    assert!(!p.is_confirmed_lwt());
    assert_eq!(p.get_keyspace_name(), Some("ks"));
    assert_eq!(p.get_table_name(), Some("t"));
    assert_eq!(p.get_table_spec(), Some(&TableSpec::borrowed("ks", "t")));
    assert_eq!(p.get_partitioner_name(), &PartitionerName::Murmur3);
    assert_eq!(p.get_variable_col_specs().len(), 3);
    assert_eq!(
        p.get_variable_col_specs().get_by_name("c").map(|(i, _)| i),
        Some(2)
    );
    assert_eq!(
        p.get_variable_pk_indexes(),
        &[PartitionKeyIndex {
            index: 0,
            sequence: 0
        }]
    );
    assert_eq!(p.get_page_size(), 5000);
    assert!(!p.get_use_cached_result_metadata());
    let mut p = check_config_accessors!(p);
    p.set_use_cached_result_metadata(true);
    assert!(p.get_use_cached_result_metadata());
    p.set_page_size(100);
    p.set_page_size(0);
    assert_eq!(p.get_page_size(), 100);
    p.prepare_tracing_ids.push(uuid::Uuid::from_u128(5));
    assert_eq!(p.get_prepare_tracing_ids(), &[uuid::Uuid::from_u128(5)]);
    assert!(format!("{p:?}").contains("PreparedStatement"));

    let no_pk = prepared(vec![col("a", NativeType::Int)], &[]);
    assert!(!no_pk.is_token_aware());
    assert_eq!(no_pk.calculate_token(&(1i32,)).unwrap(), None);
}

#[test]
fn single_column_partition_key_and_token() {
    let p = prepared(
        vec![col("v", NativeType::Text), col("k", NativeType::Int)],
        &[(1, 0)],
    );
    let values = ("text", 1i32);
    let key = p.compute_partition_key(&values).unwrap();
    assert_eq!(key.as_ref(), &1i32.to_be_bytes());
    let token = p.calculate_token(&values).unwrap().unwrap();
    assert_eq!(token.value(), murmur3(&1i32.to_be_bytes()));
    // The bound statement computes the same token from its serialized values.
    let bound = p.clone().bind(&values).unwrap();
    assert_eq!(bound.calculate_token().unwrap(), Some(token));
    // Serialization errors surface as such.
    assert!(matches!(
        p.calculate_token(&(1i32, 1i32)),
        Err(PartitionKeyError::Serialization(_))
    ));
}

#[test]
fn composite_partition_key_is_ordered_by_key_position() {
    // Bind markers (c, a, b); the partition key is (a, b): a at marker 1, b at 2.
    let p = prepared(
        vec![
            col("c", NativeType::Int),
            col("a", NativeType::Text),
            col("b", NativeType::BigInt),
        ],
        &[(2, 1), (1, 0)],
    );
    let values = (7i32, "xy", 258i64);
    let key = p.compute_partition_key(&values).unwrap();
    let mut expected = vec![0, 2, b'x', b'y', 0];
    expected.extend_from_slice(&[0, 8]);
    expected.extend_from_slice(&258i64.to_be_bytes());
    expected.push(0);
    assert_eq!(key.as_ref(), expected.as_slice());
    let token = p.calculate_token(&values).unwrap().unwrap();
    assert_eq!(token.value(), murmur3(&expected));
}

#[test]
fn partition_key_errors_and_nulls() {
    let p = prepared(
        vec![col("a", NativeType::Blob), col("b", NativeType::Int)],
        &[(0, 0), (1, 1)],
    );
    // A component longer than a composite key can hold.
    let long = vec![0u8; 70_000];
    assert!(matches!(
        p.calculate_token(&(long.clone(), 1i32)),
        Err(PartitionKeyError::TokenCalculation(
            TokenCalculationError::ValueTooLong(70_000)
        ))
    ));
    assert!(matches!(
        p.compute_partition_key(&(long, 1i32))
            .map_err(|e| e.into_execution_error()),
        Err(crate::errors::ExecutionError::BadQuery(
            crate::errors::BadQuery::ValuesTooLongForKey(70_000, 65535)
        ))
    ));
    // A null component contributes nothing.
    let key = p.compute_partition_key(&(None::<Vec<u8>>, 5i32)).unwrap();
    assert_eq!(key.as_ref(), &[0, 4, 0, 0, 0, 5, 0]);

    // Values that stop before a partition-key marker.
    let mut short = SerializedValues::new();
    short
        .add_value(&vec![1u8], &ColumnType::Native(NativeType::Blob))
        .unwrap();
    assert!(matches!(
        p.calculate_token_untyped(&short),
        Err(PartitionKeyError::PartitionKeyExtraction(
            PartitionKeyExtractionError::NoPkIndexValue(1, 1)
        ))
    ));
    // A single very long key is fine: no length prefix.
    let single = prepared(vec![col("a", NativeType::Blob)], &[(0, 0)]);
    let long = vec![9u8; 70_000];
    assert_eq!(
        single
            .compute_partition_key(&(long.clone(),))
            .unwrap()
            .len(),
        70_000
    );
    assert_eq!(
        single
            .calculate_token(&(long.clone(),))
            .unwrap()
            .unwrap()
            .value(),
        murmur3(&long)
    );
}

#[test]
fn result_metadata_is_shared_and_swappable() {
    let p = prepared(vec![col("a", NativeType::Int)], &[]);
    let clone = p.clone();
    assert_eq!(p.get_current_result_set_col_specs().get().len(), 1);
    let new = Arc::new(ResultMetadata::new(vec![
        col("x", NativeType::Int),
        col("y", NativeType::Int),
    ]));
    p.set_current_result_metadata(new);
    let guard = clone.get_current_result_set_col_specs();
    assert_eq!(guard.get().len(), 2);
    assert_eq!(guard.get().get_by_index(1).map(|c| c.name()), Some("y"));
    #[allow(deprecated)]
    let initial = clone.get_result_set_col_specs();
    assert_eq!(initial.len(), 1);
    assert_eq!(initial.get_by_index(0).map(|c| c.name()), Some("r"));
}

#[test]
fn metadata_change_in_rows_updates_the_statement() {
    let p = prepared(vec![col("a", NativeType::Int)], &[]);
    let metadata = ResultMetadata::new(vec![col("n", NativeType::Int), col("m", NativeType::Text)]);
    let mut features = ProtocolFeatures::default();
    features.scylla_metadata_id_supported = true;

    let parse = |options: MetadataWriteOptions<'_>| {
        let mut body = Vec::new();
        RowsWriter::new(&mut body, &metadata, &options)
            .unwrap()
            .finish()
            .unwrap();
        match scylla_cql::frame::response::result::deserialize_with_features(
            Bytes::from(body),
            None,
            &features,
        )
        .unwrap()
        {
            scylla_cql::frame::response::result::Result::Rows((raw, _)) => raw,
            other => panic!("not rows: {other:?}"),
        }
    };
    let unchanged = parse(MetadataWriteOptions::default());
    assert!(!p.update_result_metadata_if_changed(&unchanged));
    assert_eq!(p.current_result_metadata().col_count(), 1);

    let changed = parse(MetadataWriteOptions {
        new_metadata_id: Some(b"v2"),
        ..Default::default()
    });
    assert!(p.update_result_metadata_if_changed(&changed));
    let current = p.current_result_metadata();
    assert_eq!(current.col_count(), 2);
    assert_eq!(current.id(), Some(&b"v2"[..]));
}

#[test]
fn from_prepared_response_reads_the_lwt_mark_and_copies_settings() {
    let mut features = ProtocolFeatures::default();
    features.lwt_optimization_meta_bit_mask = Some(0x8000_0000);
    let response = |flags: i32| Prepared {
        id: Bytes::from_static(b"id"),
        prepared_metadata: PreparedMetadata {
            flags,
            col_count: 1,
            pk_indexes: vec![PartitionKeyIndex {
                index: 0,
                sequence: 0,
            }],
            col_specs: vec![col("k", NativeType::Int)],
        },
        result_metadata: ResultMetadata::mock_empty(),
        result_metadata_id: None,
    };
    let mut statement =
        Statement::new("UPDATE ks.t SET v = 1 WHERE k = ? IF EXISTS").with_page_size(33);
    statement.set_consistency(Consistency::Three);
    statement.set_is_idempotent(true);

    let lwt = PreparedStatement::from_prepared_response(
        response(i32::MIN /* 0x8000_0000 */),
        &features,
        &statement,
    );
    assert!(lwt.is_confirmed_lwt());
    assert_eq!(lwt.get_statement(), statement.contents);
    assert_eq!(lwt.get_page_size(), 33);
    assert_eq!(lwt.get_consistency(), Some(Consistency::Three));
    assert!(lwt.get_is_idempotent());
    assert_eq!(lwt.get_table_name(), Some("t"));

    let plain = PreparedStatement::from_prepared_response(response(0), &features, &statement);
    assert!(!plain.is_confirmed_lwt());
    // Without the negotiated extension, nothing is an LWT.
    let none = PreparedStatement::from_prepared_response(
        response(i32::MIN),
        &ProtocolFeatures::default(),
        &statement,
    );
    assert!(!none.is_confirmed_lwt());
}

#[test]
fn bound_statement_setters_change_only_the_bound_copy() {
    let p = prepared(vec![col("a", NativeType::Int)], &[(0, 0)]);
    let mut b = p.clone().bind(&(3i32,)).unwrap();
    assert_eq!(b.values().element_count(), 1);
    b.set_consistency(Consistency::One);
    b.set_serial_consistency(Some(SerialConsistency::LocalSerial));
    b.set_is_idempotent(true);
    b.set_tracing(true);
    b.set_timestamp(Some(9));
    b.set_request_timeout(Some(Duration::from_secs(2)));
    b.set_page_size(12);
    b.set_use_cached_result_metadata(true);
    b.set_execution_profile_handle(Some(ExecutionProfile::builder().build().into_handle()));
    b.set_load_balancing_policy(Some(Arc::new(DefaultPolicy::default())));
    b.set_retry_policy(Some(Arc::new(FallthroughRetryPolicy::new())));
    b.set_history_listener(Arc::new(HistoryCollector::new()));
    let bp = b.prepared();
    assert_eq!(bp.get_consistency(), Some(Consistency::One));
    assert_eq!(
        bp.get_serial_consistency(),
        Some(SerialConsistency::LocalSerial)
    );
    assert!(bp.get_is_idempotent() && bp.get_tracing());
    assert_eq!(bp.get_timestamp(), Some(9));
    assert_eq!(bp.get_request_timeout(), Some(Duration::from_secs(2)));
    assert_eq!(bp.get_page_size(), 12);
    assert!(bp.get_use_cached_result_metadata());
    assert!(bp.get_execution_profile_handle().is_some());
    assert!(bp.get_load_balancing_policy().is_some());
    assert!(bp.get_retry_policy().is_some());
    assert!(bp.config.history_listener.is_some());
    assert!(b.remove_history_listener().is_some());
    b.unset_consistency();
    b.unset_serial_consistency();
    assert_eq!(b.prepared().get_consistency(), None);
    assert_eq!(b.prepared().get_serial_consistency(), None);
    // The original is untouched.
    assert_eq!(p.get_consistency(), None);
    assert!(!p.get_tracing());
    assert_eq!(p.get_page_size(), 5000);
    // Binding checks types.
    assert!(p.clone().bind(&("text",)).is_err());
}

#[test]
fn batch_defaults_statements_and_wire_form() {
    let b = Batch::default();
    assert_eq!(b.get_type(), BatchType::Logged);
    assert!(b.statements.is_empty());
    let b = check_config_accessors!(b);
    assert_eq!(b.get_type(), BatchType::Logged);

    let p = prepared(vec![col("a", NativeType::Int)], &[(0, 0)]);
    let mut batch = Batch::new(BatchType::Unlogged);
    batch.append_statement("INSERT INTO ks.t (a) VALUES (1)");
    batch.append_statement(Statement::new("DELETE FROM ks.t WHERE a = 2"));
    batch.append_statement(p.clone());
    assert_eq!(batch.get_type(), BatchType::Unlogged);
    assert_eq!(batch.statements.len(), 3);
    let wire: Vec<scylla_cql::frame::request::batch::BatchStatement<'_>> =
        batch.statements.iter().map(Into::into).collect();
    assert_eq!(
        wire[0],
        scylla_cql::frame::request::batch::BatchStatement::Query {
            text: "INSERT INTO ks.t (a) VALUES (1)".into()
        }
    );
    assert_eq!(
        wire[2],
        scylla_cql::frame::request::batch::BatchStatement::Prepared {
            id: (&b"\x01\x02"[..]).into()
        }
    );
    batch.set_consistency(Consistency::All);
    let like = batch.with_statements_like(vec![BatchStatement::from(p)]);
    assert_eq!(like.get_type(), BatchType::Unlogged);
    assert_eq!(like.get_consistency(), Some(Consistency::All));
    assert_eq!(like.statements.len(), 1);
    let counter = Batch::new_with_statements(
        BatchType::Counter,
        vec![BatchStatement::from(
            "UPDATE ks.c SET n = n + 1 WHERE k = 1",
        )],
    );
    assert_eq!(counter.get_type(), BatchType::Counter);
    assert!(
        matches!(counter.statements[0], BatchStatement::Query(ref s) if s.contents.starts_with("UPDATE"))
    );
}

#[test]
fn tokens_match_cassandra() {
    // Token values Cassandra computes for `int` partition keys 1, 2 and 3
    // (`SELECT token(k) ...`), and for the text key 'a'.
    let p = prepared(vec![col("k", NativeType::Int)], &[(0, 0)]);
    for (k, expected) in [
        (1i32, -4_069_959_284_402_364_209i64),
        (2, -3_248_873_570_005_575_792),
        (3, 9_010_454_139_840_013_625),
    ] {
        assert_eq!(
            p.calculate_token(&(k,)).unwrap().unwrap().value(),
            expected,
            "k = {k}"
        );
    }
    let t = prepared(vec![col("k", NativeType::Text)], &[(0, 0)]);
    assert_eq!(
        t.calculate_token(&("a",)).unwrap().unwrap().value(),
        murmur3(b"a")
    );
}

#[test]
fn tokens_agree_with_the_cluster_state_computation() {
    // Markers (v, b, a); key (a, b). The cluster state hashes key values given in key
    // order; both must give the same token, nulls included.
    let p = prepared(
        vec![
            col("v", NativeType::Int),
            col("b", NativeType::Text),
            col("a", NativeType::BigInt),
        ],
        &[(2, 0), (1, 1)],
    );
    for (a, b) in [
        (Some(10i64), Some("bee")),
        (None, Some("x")),
        (Some(-1), None),
    ] {
        let token = p.calculate_token(&(0i32, b, a)).unwrap().unwrap();
        let mut key = SerializedValues::new();
        key.add_value(&a, &ColumnType::Native(NativeType::BigInt))
            .unwrap();
        key.add_value(&b, &ColumnType::Native(NativeType::Text))
            .unwrap();
        let expected = crate::routing::partitioner::calculate_token_for_partition_key(
            &key,
            &PartitionerName::Murmur3,
        )
        .unwrap();
        assert_eq!(token, expected, "a = {a:?}, b = {b:?}");
    }
}

#[test]
fn cdc_partitioner_and_routing_info() {
    let mut p = prepared(vec![col("k", NativeType::BigInt)], &[(0, 0)]);
    p.set_partitioner_name(PartitionerName::CDC);
    assert_eq!(p.get_partitioner_name(), &PartitionerName::CDC);
    let token = p.calculate_token(&(12345i64,)).unwrap().unwrap();
    assert_eq!(
        token,
        crate::routing::partitioner::CDCPartitioner.hash_one(&12345i64.to_be_bytes())
    );
    let pref = crate::routing::NodeLocationPreference::Any;
    let info = p.routing_info(
        Consistency::One,
        Some(SerialConsistency::Serial),
        Some(token),
        &pref,
    );
    assert_eq!(info.consistency, Consistency::One);
    assert_eq!(info.serial_consistency, Some(SerialConsistency::Serial));
    assert_eq!(info.token, Some(token));
    assert_eq!(info.table, Some(&TableSpec::borrowed("ks", "t")));
    assert!(!info.is_confirmed_lwt);
}
