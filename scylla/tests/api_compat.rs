//! Uses the statement, response, policy, profile and observability APIs the way
//! applications written for the upstream `scylla` 1.x crate do. Most checks are
//! that this compiles with the upstream signatures; the tests also assert what can
//! be observed without a cluster.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, AtomicUsize, Ordering};
use std::time::Duration;

use bytes::Bytes;
use uuid::Uuid;

use scylla::client::SelfIdentity;
use scylla::client::execution_profile::{
    ExecutionProfile, ExecutionProfileBuilder, ExecutionProfileHandle,
};
use scylla::errors::{
    FirstRowError, IntoRowsResultError, MaybeFirstRowError, RequestAttemptError, RequestError,
    RowsError, SingleRowError,
};
use scylla::observability::history::{
    AttemptId, AttemptResult, HistoryCollector, HistoryCollectorData, HistoryListener,
    RequestHistoryResult, RequestId, SpeculativeId, StructuredHistory, TimePoint,
};
use scylla::observability::tracing::{TracingEvent, TracingInfo};
use scylla::policies::load_balancing::{DefaultPolicy, LoadBalancingPolicy};
use scylla::policies::retry::{
    DefaultRetryPolicy, DefaultRetrySession, DowngradingConsistencyRetryPolicy,
    DowngradingConsistencyRetrySession, FallthroughRetryPolicy, FallthroughRetrySession,
    RequestInfo, RetryDecision, RetryPolicy, RetrySession,
};
use scylla::policies::speculative_execution::{
    Context, SimpleSpeculativeExecutionPolicy, SpeculativeExecutionPolicy,
};
use scylla::policies::timestamp_generator::{
    MonotonicTimestampGenerator, SimpleTimestampGenerator, TimestampGenerator,
};
use scylla::response::query_result::{ColumnSpecs, QueryResult, QueryRowsResult};
use scylla::response::{Coordinator, PagingState, PagingStateResponse};
use scylla::routing::Token;
use scylla::statement::batch::{Batch, BatchStatement, BatchType};
use scylla::statement::bound::BoundStatement;
use scylla::statement::prepared::{
    ColumnSpecsGuard, PartitionKeyError, PartitionKeyExtractionError, PreparedStatement,
    TokenCalculationError,
};
use scylla::statement::unprepared::Statement;
use scylla::statement::{Consistency, SerialConsistency};
use scylla::{DeserializeRow, SerializeRow};

// --- Signatures, checked by coercing methods to function pointers -------------------

#[test]
fn prepared_statement_signatures() {
    let _: fn(&PreparedStatement) -> &Bytes = PreparedStatement::get_id;
    let _: fn(&PreparedStatement) -> &str = PreparedStatement::get_statement;
    let _: fn(&PreparedStatement) -> &[Uuid] = PreparedStatement::get_prepare_tracing_ids;
    let _: fn(&PreparedStatement) -> bool = PreparedStatement::is_token_aware;
    let _: fn(&PreparedStatement) -> bool = PreparedStatement::is_confirmed_lwt;
    let _ = |p: &PreparedStatement, v: &(i32, &str)| -> Result<Bytes, PartitionKeyError> {
        p.compute_partition_key(v)
    };
    let _ = |p: &PreparedStatement, v: &(i32,)| -> Result<Option<Token>, PartitionKeyError> {
        p.calculate_token(v)
    };
    let _ = |p: PreparedStatement,
             v: &(i32,)|
     -> Result<BoundStatement, scylla::serialize::SerializationError> { p.bind(v) };
    let _: fn(&PreparedStatement) -> Option<&str> = PreparedStatement::get_keyspace_name;
    let _: fn(&PreparedStatement) -> Option<&str> = PreparedStatement::get_table_name;
    let _ = PreparedStatement::get_table_spec;
    let _ = PreparedStatement::get_partitioner_name;
    let _: for<'a> fn(&'a PreparedStatement) -> ColumnSpecs<'a, 'static> =
        PreparedStatement::get_variable_col_specs;
    let _ = PreparedStatement::get_variable_pk_indexes;
    let _: fn(&PreparedStatement) -> ColumnSpecsGuard =
        PreparedStatement::get_current_result_set_col_specs;
    #[allow(deprecated)]
    let _: for<'a> fn(&'a PreparedStatement) -> ColumnSpecs<'a, 'static> =
        PreparedStatement::get_result_set_col_specs;
    let _: fn(&mut PreparedStatement, bool) = PreparedStatement::set_use_cached_result_metadata;
    let _: fn(&PreparedStatement) -> bool = PreparedStatement::get_use_cached_result_metadata;
    let _: fn(&mut PreparedStatement, i32) = PreparedStatement::set_page_size;
    let _: fn(&PreparedStatement) -> i32 = PreparedStatement::get_page_size;
    let _: fn(&mut PreparedStatement, Consistency) = PreparedStatement::set_consistency;
    let _: fn(&mut PreparedStatement) = PreparedStatement::unset_consistency;
    let _: fn(&PreparedStatement) -> Option<Consistency> = PreparedStatement::get_consistency;
    let _: fn(&mut PreparedStatement, Option<SerialConsistency>) =
        PreparedStatement::set_serial_consistency;
    let _: fn(&mut PreparedStatement, Arc<dyn HistoryListener>) =
        PreparedStatement::set_history_listener;
    let _: fn(&mut PreparedStatement) -> Option<Arc<dyn HistoryListener>> =
        PreparedStatement::remove_history_listener;
    let _: fn(&ColumnSpecsGuard) -> ColumnSpecs<'_, 'static> = ColumnSpecsGuard::get;

    let _: fn(&BoundStatement) -> &PreparedStatement = BoundStatement::prepared;
    let _: fn(&BoundStatement) -> Result<Option<Token>, PartitionKeyError> =
        BoundStatement::calculate_token;
    let _: fn(&mut BoundStatement, bool) = BoundStatement::set_use_cached_result_metadata;
    let _: fn(&mut BoundStatement, i32) = BoundStatement::set_page_size;
    let _: fn(&mut BoundStatement, Option<Duration>) = BoundStatement::set_request_timeout;

    // The partition-key errors.
    let e = PartitionKeyError::from(PartitionKeyExtractionError::NoPkIndexValue(3, 1));
    assert!(matches!(
        e,
        PartitionKeyError::PartitionKeyExtraction(PartitionKeyExtractionError::NoPkIndexValue(
            3, 1
        ))
    ));
    let e = PartitionKeyError::from(TokenCalculationError::ValueTooLong(70_000));
    let _ = e.into_execution_error();
}

#[test]
fn result_signatures() {
    let _: fn(&QueryResult) -> bool = QueryResult::is_rows;
    let _: fn(QueryResult) -> Result<QueryRowsResult, IntoRowsResultError> =
        QueryResult::into_rows_result;
    let _: fn(&QueryResult) -> Option<Uuid> = QueryResult::tracing_id;
    let _: fn(&QueryResult) -> &Coordinator = QueryResult::request_coordinator;
    let _: fn(&QueryRowsResult) -> usize = QueryRowsResult::rows_num;
    let _: fn(&QueryRowsResult) -> usize = QueryRowsResult::rows_bytes_size;
    let _: fn(&QueryRowsResult) -> ColumnSpecs<'_, '_> = QueryRowsResult::column_specs;
    let _: fn(&QueryRowsResult) -> Option<Uuid> = QueryRowsResult::tracing_id;
    let _: fn(&Coordinator) -> SocketAddr = Coordinator::connection_address;
    let _: fn(&Coordinator) -> Option<u32> = Coordinator::shard;
    let _ = Coordinator::node;
}

#[test]
fn profile_and_policy_signatures() {
    let _: fn() -> ExecutionProfileBuilder = ExecutionProfile::builder;
    let _: fn(&ExecutionProfile) -> ExecutionProfileBuilder = ExecutionProfile::to_builder;
    let _: fn(ExecutionProfile) -> ExecutionProfileHandle = ExecutionProfile::into_handle;
    let _: fn(ExecutionProfile, String) -> ExecutionProfileHandle =
        ExecutionProfile::into_handle_with_label;
    let _: fn(&ExecutionProfileHandle) -> ExecutionProfile = ExecutionProfileHandle::to_profile;
    let _: fn(&ExecutionProfileHandle) -> ExecutionProfileBuilder =
        ExecutionProfileHandle::pointee_to_builder;
    let _: fn(&mut ExecutionProfileHandle, ExecutionProfile) =
        ExecutionProfileHandle::map_to_another_profile;
    let _: fn(&ExecutionProfile) -> &Arc<dyn LoadBalancingPolicy> =
        ExecutionProfile::get_load_balancing_policy;
    let _: fn(&ExecutionProfile) -> &Arc<dyn RetryPolicy> = ExecutionProfile::get_retry_policy;
    let _: fn(&ExecutionProfile) -> Option<&Arc<dyn SpeculativeExecutionPolicy>> =
        ExecutionProfile::get_speculative_execution_policy;
    let _: fn(&DefaultRetryPolicy) -> Box<dyn RetrySession> = DefaultRetryPolicy::new_session;
    let _: fn(&mut DefaultRetrySession, RequestInfo<'_>) -> RetryDecision =
        DefaultRetrySession::decide_should_retry;
    let _: fn(&mut FallthroughRetrySession) = FallthroughRetrySession::reset;
    let _: fn() -> DowngradingConsistencyRetrySession = DowngradingConsistencyRetrySession::new;
    let _: fn(&MonotonicTimestampGenerator) -> i64 = MonotonicTimestampGenerator::next_timestamp;
}

// --- Statements ---------------------------------------------------------------------

#[test]
fn statements_as_applications_build_them() {
    let mut select = Statement::new("SELECT a, b FROM ks.t WHERE a = ?");
    select.set_page_size(100);
    select.set_consistency(Consistency::One);
    select.set_serial_consistency(Some(SerialConsistency::LocalSerial));
    select.set_is_idempotent(true);
    select.set_tracing(true);
    select.set_timestamp(Some(1_700_000_000_000_000));
    select.set_request_timeout(Some(Duration::from_secs(5)));
    select.set_retry_policy(Some(Arc::new(FallthroughRetryPolicy::new())));
    select.set_load_balancing_policy(Some(DefaultPolicy::builder().token_aware(false).build()));
    let collector = Arc::new(HistoryCollector::new());
    select.set_history_listener(collector.clone());
    assert_eq!(select.get_page_size(), 100);
    assert_eq!(select.get_consistency(), Some(Consistency::One));
    assert!(select.get_is_idempotent() && select.get_tracing());
    assert!(select.get_retry_policy().is_some());
    assert!(select.get_load_balancing_policy().is_some());
    assert!(select.remove_history_listener().is_some());
    let select = select.clone().with_page_size(10);
    assert_eq!(select.get_page_size(), 10);
    assert_eq!(select.contents, "SELECT a, b FROM ks.t WHERE a = ?");

    let converted: Statement = "INSERT INTO ks.t (a) VALUES (1)".into();
    let from_string: Statement = String::from("TRUNCATE ks.t").into();
    assert_eq!(from_string.contents, "TRUNCATE ks.t");

    let mut batch: Batch = Default::default();
    assert_eq!(batch.get_type(), BatchType::Logged);
    batch.append_statement(converted);
    batch.append_statement("DELETE FROM ks.t WHERE a = 2");
    batch
        .statements
        .push(BatchStatement::from("UPDATE ks.t SET b = 1 WHERE a = 3"));
    batch.set_consistency(Consistency::Quorum);
    batch.set_serial_consistency(None);
    batch.set_is_idempotent(false);
    assert_eq!(batch.statements.len(), 3);
    assert!(matches!(batch.statements[0], BatchStatement::Query(_)));
    let other = Batch::new_with_statements(BatchType::Unlogged, batch.statements.clone());
    assert_eq!(other.get_type(), BatchType::Unlogged);
    assert_eq!(other.get_consistency(), None);
}

// --- Results ------------------------------------------------------------------------

#[derive(Debug, DeserializeRow)]
#[allow(dead_code)]
struct User<'a> {
    id: i32,
    name: &'a str,
}

#[derive(SerializeRow)]
#[allow(dead_code)]
struct UserKey {
    id: i32,
}

/// What applications do with a result; compiled, and run on no data.
#[allow(dead_code)]
fn read_users(result: QueryResult) -> Result<Vec<(i32, String)>, Box<dyn std::error::Error>> {
    if result.result_not_rows().is_ok() {
        return Ok(Vec::new());
    }
    for warning in result.warnings() {
        eprintln!("warning: {warning}");
    }
    let _ = result.request_coordinator().node();
    let rows = result.into_rows_result()?;
    let specs = rows.column_specs();
    let _ = specs
        .get_by_name("id")
        .map(|(i, spec)| (i, spec.typ().clone()));
    for spec in specs.iter() {
        let _ = (spec.name(), spec.table_spec().ks_name());
    }
    let mut out = Vec::new();
    for row in rows.rows::<(i32, String)>()? {
        out.push(row?);
    }
    let _: User<'_> = rows.first_row::<User>()?;
    let _: Option<(i32, &str)> = rows.maybe_first_row()?;
    let (_count,): (i64,) = rows.single_row()?;
    Ok(out)
}

#[allow(dead_code)]
fn result_errors(rows: &QueryRowsResult) {
    match rows.rows::<(i32,)>() {
        Ok(_) => {}
        Err(RowsError::TypeCheckFailed(e)) => eprintln!("{e}"),
    }
    match rows.first_row::<(i32,)>() {
        Ok(_) | Err(FirstRowError::RowsEmpty) => {}
        Err(FirstRowError::TypeCheckFailed(e)) => eprintln!("{e}"),
        Err(FirstRowError::DeserializationFailed(e)) => eprintln!("{e}"),
    }
    match rows.maybe_first_row::<(i32,)>() {
        Ok(_) => {}
        Err(MaybeFirstRowError::TypeCheckFailed(e)) => eprintln!("{e}"),
        Err(MaybeFirstRowError::DeserializationFailed(e)) => eprintln!("{e}"),
    }
    match rows.single_row::<(i32,)>() {
        Ok(_) | Err(SingleRowError::UnexpectedRowCount(_)) => {}
        Err(SingleRowError::TypeCheckFailed(e)) => eprintln!("{e}"),
        Err(SingleRowError::DeserializationFailed(e)) => eprintln!("{e}"),
    }
}

#[test]
fn paging_state_api() {
    let start = PagingState::start();
    assert!(start.as_bytes_slice().is_none());
    let more = PagingStateResponse::new_from_raw_bytes(Some(b"abc"));
    assert!(!more.finished());
    match more.into_paging_control_flow() {
        std::ops::ControlFlow::Continue(state) => {
            assert_eq!(state.as_bytes_slice().map(|s| &s[..]), Some(&b"abc"[..]))
        }
        std::ops::ControlFlow::Break(()) => panic!("expected more pages"),
    }
    assert!(PagingStateResponse::new_from_raw_bytes(None).finished());
}

// --- Execution profiles -------------------------------------------------------------

#[test]
fn execution_profiles() {
    let profile = ExecutionProfile::builder()
        .consistency(Consistency::LocalOne)
        .serial_consistency(Some(SerialConsistency::Serial))
        .request_timeout(Some(Duration::from_secs(10)))
        .load_balancing_policy(DefaultPolicy::builder().build())
        .retry_policy(Arc::new(DowngradingConsistencyRetryPolicy::new()))
        .speculative_execution_policy(Some(Arc::new(SimpleSpeculativeExecutionPolicy {
            max_retry_count: 3,
            retry_interval: Duration::from_millis(100),
        })))
        .build();
    let mut handle = profile.clone().into_handle();
    let mut statement = Statement::new("SELECT 1");
    statement.set_execution_profile_handle(Some(handle.clone()));

    handle.map_to_another_profile(
        profile
            .to_builder()
            .consistency(Consistency::Quorum)
            .build(),
    );
    let seen = statement
        .get_execution_profile_handle()
        .map(ExecutionProfileHandle::to_profile)
        .map(|p| {
            (
                p.get_consistency(),
                p.get_serial_consistency(),
                p.get_request_timeout(),
            )
        });
    assert_eq!(
        seen,
        Some((
            Consistency::Quorum,
            Some(SerialConsistency::Serial),
            Some(Duration::from_secs(10))
        ))
    );
    let defaults = ExecutionProfileBuilder::default().build();
    assert_eq!(defaults.get_consistency(), Consistency::LocalQuorum);
    assert_eq!(
        defaults.get_serial_consistency(),
        Some(SerialConsistency::LocalSerial)
    );
    assert_eq!(
        defaults.get_request_timeout(),
        Some(Duration::from_secs(30))
    );
    assert!(defaults.get_speculative_execution_policy().is_none());
    let _labelled = defaults.into_handle_with_label("default".to_string());
}

// --- User-defined policies ----------------------------------------------------------

/// Retries everything once on the next node.
#[derive(Debug)]
struct RetryOnce;

struct RetryOnceSession {
    used: bool,
}

impl RetryPolicy for RetryOnce {
    fn new_session(&self) -> Box<dyn RetrySession> {
        Box::new(RetryOnceSession { used: false })
    }
}

impl RetrySession for RetryOnceSession {
    fn decide_should_retry(&mut self, request_info: RequestInfo) -> RetryDecision {
        let _: &RequestAttemptError = request_info.error;
        let _: Consistency = request_info.consistency;
        if self.used || !request_info.is_idempotent {
            RetryDecision::DontRetry
        } else {
            self.used = true;
            RetryDecision::RetryNextTarget(None)
        }
    }

    fn reset(&mut self) {
        self.used = false;
    }
}

#[derive(Debug)]
struct FixedSpeculation;

impl SpeculativeExecutionPolicy for FixedSpeculation {
    fn max_retry_count(&self, _: &Context) -> usize {
        1
    }

    fn retry_interval(&self, _: &Context) -> Duration {
        Duration::from_millis(5)
    }
}

struct CountingGenerator(AtomicI64);

impl TimestampGenerator for CountingGenerator {
    fn next_timestamp(&self) -> i64 {
        self.0.fetch_add(1, Ordering::Relaxed)
    }
}

/// A listener that only counts attempts.
#[derive(Debug, Default)]
struct AttemptCounter(AtomicUsize);

impl HistoryListener for AttemptCounter {
    fn log_request_start(&self) -> RequestId {
        RequestId(0)
    }
    fn log_request_success(&self, _: RequestId) {}
    fn log_request_error(&self, _: RequestId, _: &RequestError) {}
    fn log_new_speculative_fiber(&self, _: RequestId) -> SpeculativeId {
        SpeculativeId(0)
    }
    fn log_attempt_start(
        &self,
        _: RequestId,
        _: Option<SpeculativeId>,
        _: SocketAddr,
    ) -> AttemptId {
        AttemptId(self.0.fetch_add(1, Ordering::Relaxed))
    }
    fn log_attempt_success(&self, _: AttemptId) {}
    fn log_attempt_error(&self, _: AttemptId, _: &RequestAttemptError, _: &RetryDecision) {}
}

#[test]
fn user_policies_plug_in() {
    let profile = ExecutionProfile::builder()
        .retry_policy(Arc::new(RetryOnce))
        .speculative_execution_policy(Some(Arc::new(FixedSpeculation)))
        .build();
    assert!(format!("{:?}", profile.get_retry_policy()).contains("RetryOnce"));
    let generator: Arc<dyn TimestampGenerator> = Arc::new(CountingGenerator(AtomicI64::new(5)));
    assert_eq!(generator.next_timestamp(), 5);
    assert_eq!(generator.next_timestamp(), 6);
    let counter = Arc::new(AttemptCounter::default());
    let mut s = Statement::new("SELECT 1");
    s.set_history_listener(counter.clone());
    let addr: SocketAddr = "10.0.0.1:9042".parse().unwrap();
    assert_eq!(
        counter.log_attempt_start(RequestId(0), None, addr),
        AttemptId(0)
    );
    assert_eq!(
        counter.log_attempt_start(RequestId(0), None, addr),
        AttemptId(1)
    );

    let _ = (
        DefaultRetryPolicy::new(),
        DefaultRetryPolicy,
        FallthroughRetryPolicy,
        DowngradingConsistencyRetryPolicy,
        DefaultRetrySession::new(),
    );
    let g = MonotonicTimestampGenerator::new()
        .with_warning_times(Duration::from_millis(10), Duration::from_secs(5))
        .without_warnings();
    let a = g.next_timestamp();
    assert!(g.next_timestamp() > a);
    let s = SimpleTimestampGenerator::new();
    assert!(s.next_timestamp() > 0);
}

// --- Observability ------------------------------------------------------------------

#[test]
fn history_collector_as_applications_use_it() {
    let collector = HistoryCollector::new();
    let request = collector.log_request_start();
    let addr: SocketAddr = "127.0.0.1:9042".parse().unwrap();
    let attempt = collector.log_attempt_start(request, None, addr);
    let error = RequestAttemptError::UnableToAllocStreamId;
    collector.log_attempt_error(attempt, &error, &RetryDecision::RetryNextTarget(None));
    let attempt = collector.log_attempt_start(request, None, addr);
    collector.log_attempt_success(attempt);
    collector.log_request_success(request);

    let data: HistoryCollectorData = collector.clone_collected();
    let history = StructuredHistory::from(&data);
    assert_eq!(history.requests.len(), 1);
    let first = &history.requests[0];
    let _: TimePoint = first.start_time;
    assert!(matches!(
        first.result,
        Some(RequestHistoryResult::Success(_))
    ));
    assert_eq!(first.non_speculative_fiber.attempts.len(), 2);
    assert!(matches!(
        first.non_speculative_fiber.attempts[0].result,
        Some(AttemptResult::Error(
            _,
            RequestAttemptError::UnableToAllocStreamId,
            RetryDecision::RetryNextTarget(None)
        ))
    ));
    assert!(first.speculative_fibers.is_empty());
    let printed = collector.take_structured_history().to_string();
    assert!(printed.contains("127.0.0.1:9042"), "{printed}");
    assert!(collector.clone_structured_history().requests.is_empty());
}

#[test]
fn tracing_info_fields() {
    let info = TracingInfo {
        client: Some(IpAddr::from([10, 0, 0, 1])),
        command: Some("QUERY".into()),
        coordinator: None,
        duration: Some(10),
        parameters: None,
        request: None,
        started_at: None,
        events: vec![TracingEvent {
            event_id: scylla::value::CqlTimeuuid::from(Uuid::from_u128(1)),
            activity: Some("Parsing".into()),
            source: Some(IpAddr::from([10, 0, 0, 2])),
            source_elapsed: Some(3),
            thread: None,
        }],
    };
    assert_eq!(info.nodes(), vec![IpAddr::from([10, 0, 0, 2])]);
}

#[test]
fn self_identity() {
    let identity = SelfIdentity::new()
        .with_application_name("my-app")
        .with_application_version(String::from("2.0"));
    assert_eq!(identity.get_application_name(), Some("my-app"));
    assert_eq!(identity.get_application_version(), Some("2.0"));
    assert_eq!(identity.get_client_id(), None);
}

#[cfg(feature = "metrics")]
#[allow(dead_code)]
fn metrics_usage(
    metrics: &scylla::observability::metrics::Metrics,
) -> Result<(), Box<dyn std::error::Error>> {
    use scylla::observability::metrics::{MetricsError, Snapshot};
    println!("requests: {}", metrics.get_requests_unpaged_num());
    println!("avg latency: {} ms", metrics.get_latency_avg_ms()?);
    println!("p99: {} ms", metrics.get_latency_percentile_ms(99.0)?);
    let s: Snapshot = metrics.get_snapshot()?;
    println!("{} {} {}", s.min, s.median, s.percentile_99_9);
    println!("rate: {}", metrics.get_one_minute_rate());
    if let Err(MetricsError::Empty) = metrics.get_latency_avg_ms() {
        println!("no latency yet");
    }
    let _ = scylla::policies::speculative_execution::PercentileSpeculativeExecutionPolicy {
        max_retry_count: 2,
        percentile: 99.0,
    };
    Ok(())
}

#[test]
fn column_specs_new() {
    use scylla::frame::response::result::{ColumnSpec, ColumnType, NativeType, TableSpec};
    let specs = [ColumnSpec::borrowed(
        "a",
        ColumnType::Native(NativeType::Int),
        TableSpec::borrowed("ks", "t"),
    )];
    let view = ColumnSpecs::new(&specs);
    assert_eq!(view.len(), 1);
    assert_eq!(view.get_by_name("a").map(|(i, _)| i), Some(0));
}

// --- Client routes (PrivateLink-style proxies) ------------------------------------

#[test]
fn client_routes_config() {
    use scylla::client::client_routes::{
        ClientRoutesConfig, ClientRoutesConfigError, ClientRoutesProxy,
    };
    let proxies = vec![
        ClientRoutesProxy::new_with_connection_id("conn-1".to_owned()),
        ClientRoutesProxy::from("conn-2".to_owned())
            .with_overridden_hostname("pl.example.com".to_owned()),
    ];
    assert!(ClientRoutesConfig::new(proxies).is_ok());
    match ClientRoutesConfig::new(Vec::new()) {
        Err(ClientRoutesConfigError::EmptyConnectionIds) => {}
        Err(other) => panic!("unexpected error {other}"),
        Ok(_) => panic!("an empty proxy list was accepted"),
    }
}

#[cfg(feature = "unstable-client-routes")]
#[tokio::test]
async fn client_routes_session_is_refused_at_connect() {
    use scylla::client::client_routes::{ClientRoutesConfig, ClientRoutesProxy};
    use scylla::client::session_builder::ClientRoutesSessionBuilder;
    use scylla::errors::NewSessionError;

    let config =
        ClientRoutesConfig::new(vec![ClientRoutesProxy::from("conn-1".to_owned())]).unwrap();
    let builder = ClientRoutesSessionBuilder::new(config)
        .known_node("127.0.0.1:9042")
        .connection_timeout(Duration::from_secs(1));
    // Upstream's default for proxies: no shard-aware port.
    assert!(builder.config.disallow_shard_aware_port);
    match builder.build().await {
        Err(NewSessionError::IllegalConfig(msg)) => {
            assert!(msg.contains("not supported"), "{msg}");
            assert!(msg.contains("conn-1"), "{msg}");
        }
        Err(other) => panic!("unexpected error {other}"),
        Ok(_) => panic!("a client-routes session connected"),
    }
}

// --- Errors matched the upstream way ---------------------------------------------

#[test]
fn partition_key_extraction_is_a_unit_variant() {
    use scylla::errors::{BadQuery, ExecutionError};
    let err = PartitionKeyError::PartitionKeyExtraction(
        PartitionKeyExtractionError::NoPkIndexValue(1, 1),
    )
    .into_execution_error();
    assert!(
        matches!(
            err,
            ExecutionError::BadQuery(BadQuery::PartitionKeyExtraction)
        ),
        "{err:?}"
    );
}

#[test]
fn scylla_cql_low_level_api() {
    use scylla_cql::frame::TryFromPrimitiveError;
    use scylla_cql::frame::frame_errors::{BatchSerializationError, LowLevelDeserializationError};
    use scylla_cql::frame::types;

    // An unknown consistency code carries the TryFromPrimitiveError.
    match types::read_consistency(&mut &[0x12, 0x34][..]) {
        Err(LowLevelDeserializationError::UnknownConsistency(TryFromPrimitiveError {
            primitive,
            ..
        })) => assert_eq!(primitive, 0x1234),
        other => panic!("unexpected {other:?}"),
    }

    // `write_bytes_opt` takes any byte container.
    let mut buf = Vec::new();
    types::write_bytes_opt(Some(vec![1u8, 2]), &mut buf).unwrap();
    types::write_bytes_opt(None::<&[u8]>, &mut buf).unwrap();
    assert_eq!(buf, [0, 0, 0, 2, 1, 2, 0xff, 0xff, 0xff, 0xff]);

    let e = BatchSerializationError::BadBatchConstructed {
        n_announced_statements: 2,
        n_serialized_statements: 1,
    };
    assert!(e.to_string().contains('2'), "{e}");
}

#[test]
fn scylla_cql_parser_state() {
    use scylla_cql::utils::parse::{ParseErrorCause, ParseResult, ParserState};

    fn parse_pair(input: &str) -> ParseResult<(u16, u16)> {
        let p = ParserState::new(input).skip_white().accept("(")?;
        let (a, p) = p.skip_white().parse_u16()?;
        let (b, p) = p.skip_white().accept(",")?.skip_white().parse_u16()?;
        let p = p.skip_white().accept(")")?;
        if !p.is_at_eof() {
            return Err(p.error(ParseErrorCause::Other("trailing input")));
        }
        Ok((a, b))
    }
    assert_eq!(parse_pair(" (1, 20)").unwrap(), (1, 20));
    let err = parse_pair("(1; 2)").unwrap_err();
    assert_eq!(err.get_cause(), ParseErrorCause::Expected(","));
    assert_eq!(err.calculate_position("(1; 2)"), Some(2));
    let err = parse_pair("(1,2) x").unwrap_err();
    assert_eq!(err.get_cause(), ParseErrorCause::Other("trailing input"));
}
