//! Request execution: from a statement and its values to a result.
//!
//! The hot path (see the crate's design notes):
//! 1. the request frame is built once, before anything is awaited, and the values are
//!    serialized straight into it (checked against the bind markers' types);
//! 2. the token is computed from the values as they sit in the frame;
//! 3. the load-balancing plan is walked lazily (the first target costs no allocation);
//! 4. the target node's pool hands out the connection of the shard owning the token;
//! 5. the frame is sent as is (or compressed for a compressed connection); the
//!    response is parsed by the waiting task, rows stay in the response bytes.
//!
//! Failures go through the retry policy (which sees whether the statement is
//! idempotent), then to the next target of the plan. An idempotent statement may be
//! executed speculatively on further targets while the first is slow. The whole
//! request is bounded by the request timeout. A node answering UNPREPARED gets the
//! statement prepared again on the same connection, and the request is sent again.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use arc_swap::ArcSwapOption;
use bytes::Bytes;
use futures::StreamExt;
use futures::stream::FuturesUnordered;
use scylla_cql::frame::frame_errors::{
    BatchSerializationError, BatchStatementSerializationError, CqlRequestSerializationError,
    ExecuteSerializationError, QueryParametersSerializationError, QuerySerializationError,
};
use scylla_cql::frame::request::RequestOpcode;
use scylla_cql::frame::request::query::{PagingState, PagingStateResponse};
use scylla_cql::frame::response::result::{self, ResultMetadata};
use scylla_cql::frame::response::tablets::TabletsRoutingV1;
use scylla_cql::frame::types::{self, Consistency, SerialConsistency};
use scylla_cql::frame::{Compression, HEADER_SIZE, REQUEST_VERSION, compress_append, flag};
use scylla_cql::serialize::SerializationError;
use scylla_cql::serialize::row::{RowSerializationContext, SerializeRow, SerializedValues};
use scylla_cql::serialize::writers::RowWriter;
use uuid::Uuid;

use crate::client::execution_profile::{ExecutionProfileHandle, ExecutionProfileInner};
use crate::cluster::ClusterState;
use crate::cluster::worker::ClusterShared;
use crate::errors::{BadQuery, DbError, ExecutionError, RequestAttemptError, RequestError};
use crate::network::connection::{Connection, QueryResponse};
use crate::observability::history::{HistoryListener, RequestId, SpeculativeId};
use crate::policies::load_balancing::{Plan, RoutingInfo};
use crate::policies::retry::{RequestInfo, RetryDecision, RetrySession};
use crate::policies::speculative_execution::Context as SpeculativeContext;
use crate::policies::timestamp_generator::TimestampGenerator;
use crate::response::Coordinator;
use crate::response::query_result::QueryResult;
use crate::routing::{NodeLocationPreference, Token};
use crate::statement::batch::{Batch, BatchStatement};
use crate::statement::prepared::PreparedStatement;
use crate::statement::{PageSize, StatementConfig};

#[cfg(feature = "metrics")]
use crate::observability::metrics::Metrics;

const FLAG_VALUES: u8 = 0x01;
const FLAG_SKIP_METADATA: u8 = 0x02;
const FLAG_PAGE_SIZE: u8 = 0x04;
const FLAG_WITH_PAGING_STATE: u8 = 0x08;
const FLAG_WITH_SERIAL_CONSISTENCY: u8 = 0x10;
const FLAG_WITH_DEFAULT_TIMESTAMP: u8 = 0x20;

/// How a request is counted in the metrics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RequestKind {
    /// `*_unpaged`, `batch`.
    Unpaged,
    /// `*_single_page`.
    ManuallyPaged,
    /// A page fetched by a pager.
    AutomaticallyPaged,
}

#[cfg(feature = "metrics")]
impl From<RequestKind> for crate::observability::metrics::RequestKind {
    fn from(k: RequestKind) -> Self {
        match k {
            RequestKind::Unpaged => Self::Unpaged,
            RequestKind::ManuallyPaged => Self::ManuallyPaged,
            RequestKind::AutomaticallyPaged => Self::AutomaticallyPaged,
        }
    }
}

/// What the session's requests share: the cluster and the session-wide settings.
pub(crate) struct SessionShared {
    pub(crate) cluster: Arc<ClusterShared>,
    pub(crate) default_profile: ExecutionProfileHandle,
    pub(crate) location_preference: NodeLocationPreference,
    pub(crate) timestamp_generator: Option<Arc<dyn TimestampGenerator>>,
    pub(crate) keyspace: ArcSwapOption<String>,
    pub(crate) schema_agreement_interval: Duration,
    pub(crate) schema_agreement_timeout: Duration,
    pub(crate) schema_agreement_automatic_waiting: bool,
    pub(crate) refresh_metadata_on_auto_schema_agreement: bool,
    pub(crate) tracing_info_fetch_attempts: std::num::NonZeroU32,
    pub(crate) tracing_info_fetch_interval: Duration,
    pub(crate) tracing_info_fetch_consistency: Consistency,
    pub(crate) session_id: Uuid,
    #[cfg(feature = "metrics")]
    pub(crate) metrics: Arc<Metrics>,
}

impl std::fmt::Debug for SessionShared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("session_id", &self.session_id)
            .field("keyspace", &self.keyspace.load_full())
            .field("cluster", &self.cluster)
            .finish_non_exhaustive()
    }
}

// ---------------------------------------------------------------------------------------
// Frames
// ---------------------------------------------------------------------------------------

fn start_frame(buf: &mut Vec<u8>, opcode: RequestOpcode, tracing: bool) {
    let flags = if tracing { flag::TRACING } else { 0 };
    buf.extend_from_slice(&[REQUEST_VERSION, flags, 0, 0, opcode as u8, 0, 0, 0, 0]);
}

fn finish_frame(buf: &mut [u8]) -> Result<(), CqlRequestSerializationError> {
    let body_len = buf.len() - HEADER_SIZE;
    let len = u32::try_from(body_len)
        .ok()
        .filter(|l| *l <= i32::MAX as u32)
        .ok_or(CqlRequestSerializationError::BodyTooLarge(body_len))?;
    if let Some(l) = buf.get_mut(5..9) {
        l.copy_from_slice(&len.to_be_bytes());
    }
    Ok(())
}

/// The frame with its body compressed (and the COMPRESSION flag set).
fn compress_frame(
    frame: &[u8],
    compression: Compression,
) -> Result<Vec<u8>, CqlRequestSerializationError> {
    let (header, body) = frame.split_at(HEADER_SIZE.min(frame.len()));
    let mut out = Vec::with_capacity(frame.len() / 2 + HEADER_SIZE + 16);
    out.extend_from_slice(header);
    if let Some(f) = out.get_mut(1) {
        *f |= flag::COMPRESSION;
    }
    compress_append(body, compression, &mut out)?;
    finish_frame(&mut out)?;
    Ok(out)
}

/// The values of a request, as given to the frame builder.
pub(crate) enum Values<'v> {
    /// No values.
    None,
    /// A row to serialize against `ctx`.
    Row(&'v dyn SerializeRow, RowSerializationContext<'v>),
    /// Values already serialized (`count` values back to back).
    Raw(u16, &'v [u8]),
}

/// Why a frame could not be built.
#[derive(Debug)]
pub(crate) enum BuildError {
    Serialization(SerializationError),
    Request(CqlRequestSerializationError),
}

impl From<SerializationError> for BuildError {
    fn from(e: SerializationError) -> Self {
        BuildError::Serialization(e)
    }
}

impl From<CqlRequestSerializationError> for BuildError {
    fn from(e: CqlRequestSerializationError) -> Self {
        BuildError::Request(e)
    }
}

impl From<BuildError> for ExecutionError {
    fn from(e: BuildError) -> Self {
        match e {
            BuildError::Serialization(e) => {
                ExecutionError::BadQuery(BadQuery::SerializationError(e))
            }
            BuildError::Request(e) => {
                ExecutionError::LastAttemptError(RequestAttemptError::CqlRequestSerialization(e))
            }
        }
    }
}

impl From<BuildError> for RequestAttemptError {
    fn from(e: BuildError) -> Self {
        match e {
            BuildError::Serialization(e) => RequestAttemptError::SerializationError(e),
            BuildError::Request(e) => RequestAttemptError::CqlRequestSerialization(e),
        }
    }
}

/// The query parameters of QUERY and EXECUTE.
#[derive(Debug, Clone)]
pub(crate) struct Params {
    pub(crate) consistency: Consistency,
    pub(crate) serial_consistency: Option<SerialConsistency>,
    pub(crate) timestamp: Option<i64>,
    pub(crate) page_size: Option<PageSize>,
    pub(crate) paging_state: PagingState,
    pub(crate) skip_metadata: bool,
}

/// A QUERY or EXECUTE frame: `<header><prefix><tail>`, where the prefix is the
/// statement (text, or id and result metadata id) and the tail the query parameters.
/// Retries patch the consistency in place; a new statement id or a connection with
/// other extensions rebuilds the prefix and copies the tail.
#[derive(Debug, Clone)]
pub(crate) struct SingleFrame {
    buf: Vec<u8>,
    /// Where the tail (starting with the consistency) begins.
    tail_at: usize,
    /// The serialized values, relative to `tail_at`, and their count.
    values: Option<(u16, Range<usize>)>,
    /// Whether the prefix carries a result metadata id (EXECUTE only).
    with_metadata_id: bool,
    /// The statement id in the prefix (EXECUTE only).
    id: Option<Bytes>,
}

fn write_tail(
    buf: &mut Vec<u8>,
    params: &Params,
    values: Values<'_>,
) -> Result<Option<(u16, Range<usize>)>, BuildError> {
    let tail_at = buf.len();
    types::write_consistency(params.consistency, buf);
    let mut flags = 0u8;
    if params.skip_metadata {
        flags |= FLAG_SKIP_METADATA;
    }
    if params.page_size.is_some() {
        flags |= FLAG_PAGE_SIZE;
    }
    if params.paging_state.as_bytes_slice().is_some() {
        flags |= FLAG_WITH_PAGING_STATE;
    }
    if params.serial_consistency.is_some() {
        flags |= FLAG_WITH_SERIAL_CONSISTENCY;
    }
    if params.timestamp.is_some() {
        flags |= FLAG_WITH_DEFAULT_TIMESTAMP;
    }
    let flags_at = buf.len();
    buf.push(flags);
    let mut written = None;
    match values {
        Values::None => {}
        Values::Raw(0, _) => {}
        Values::Raw(count, bytes) => {
            buf.extend_from_slice(&count.to_be_bytes());
            let start = buf.len();
            buf.extend_from_slice(bytes);
            written = Some((count, start - tail_at..buf.len() - tail_at));
        }
        Values::Row(row, ctx) => {
            let count_at = buf.len();
            buf.extend_from_slice(&[0, 0]);
            let start = buf.len();
            let mut writer = RowWriter::new(buf);
            row.serialize(&ctx, &mut writer)?;
            let n = writer.value_count();
            if n == 0 {
                buf.truncate(count_at);
            } else {
                let count = u16::try_from(n).map_err(|_| {
                    SerializationError::new(scylla_cql::serialize::row::TooManyValues(n))
                })?;
                if let Some(c) = buf.get_mut(count_at..count_at + 2) {
                    c.copy_from_slice(&count.to_be_bytes());
                }
                written = Some((count, start - tail_at..buf.len() - tail_at));
            }
        }
    }
    if written.is_some()
        && let Some(f) = buf.get_mut(flags_at)
    {
        *f |= FLAG_VALUES;
    }
    if let Some(page_size) = params.page_size {
        types::write_int(page_size.inner(), buf);
    }
    if let Some(state) = params.paging_state.as_bytes_slice() {
        types::write_bytes(state, buf).map_err(|e| {
            CqlRequestSerializationError::QuerySerialization(
                QuerySerializationError::QueryParametersSerialization(
                    QueryParametersSerializationError::BadPagingState(e),
                ),
            )
        })?;
    }
    if let Some(serial) = params.serial_consistency {
        types::write_serial_consistency(serial, buf);
    }
    if let Some(ts) = params.timestamp {
        types::write_long(ts, buf);
    }
    Ok(written)
}

fn write_execute_prefix(
    buf: &mut Vec<u8>,
    id: &[u8],
    metadata_id: Option<&[u8]>,
) -> Result<(), CqlRequestSerializationError> {
    types::write_short_bytes(id, buf).map_err(|e| {
        CqlRequestSerializationError::ExecuteSerialization(
            ExecuteSerializationError::StatementIdSerialization(e),
        )
    })?;
    if let Some(md) = metadata_id {
        types::write_short_bytes(md, buf).map_err(|e| {
            CqlRequestSerializationError::ExecuteSerialization(
                ExecuteSerializationError::ResultMetadataIdSerialization(e),
            )
        })?;
    }
    Ok(())
}

impl SingleFrame {
    /// A QUERY frame for `text` (no values: statements with values are prepared).
    pub(crate) fn query(text: &str, params: &Params, tracing: bool) -> Result<Self, BuildError> {
        let mut buf = Vec::with_capacity(HEADER_SIZE + 4 + text.len() + 32);
        start_frame(&mut buf, RequestOpcode::Query, tracing);
        types::write_long_string(text, &mut buf).map_err(|e| {
            CqlRequestSerializationError::QuerySerialization(
                QuerySerializationError::StatementStringSerialization(e),
            )
        })?;
        let tail_at = buf.len();
        let values = write_tail(&mut buf, params, Values::None)?;
        finish_frame(&mut buf)?;
        Ok(Self {
            buf,
            tail_at,
            values,
            with_metadata_id: false,
            id: None,
        })
    }

    /// An EXECUTE frame for `prepared` with `values` serialized into it. The result
    /// metadata id is included if the statement has one (its node negotiated the
    /// extension); [`SingleFrame::adapt`] fixes that per connection.
    pub(crate) fn execute(
        prepared: &PreparedStatement,
        values: Values<'_>,
        params: &Params,
        tracing: bool,
        size_hint: usize,
    ) -> Result<Self, BuildError> {
        let id = prepared.get_id().clone();
        let metadata = prepared.current_result_metadata();
        let metadata_id = metadata.id();
        let mut buf = Vec::with_capacity(HEADER_SIZE + 64 + size_hint);
        start_frame(&mut buf, RequestOpcode::Execute, tracing);
        write_execute_prefix(&mut buf, &id, metadata_id)?;
        let tail_at = buf.len();
        let values = write_tail(&mut buf, params, values)?;
        finish_frame(&mut buf)?;
        Ok(Self {
            buf,
            tail_at,
            values,
            with_metadata_id: metadata_id.is_some(),
            id: Some(id),
        })
    }

    /// The serialized values and their count.
    pub(crate) fn values(&self) -> Option<(u16, &[u8])> {
        let (count, range) = self.values.as_ref()?;
        let start = self.tail_at + range.start;
        let end = self.tail_at + range.end;
        self.buf.get(start..end).map(|v| (*count, v))
    }

    /// The token of an EXECUTE of `prepared`, from the values in the frame.
    pub(crate) fn token(
        &self,
        prepared: &PreparedStatement,
    ) -> Result<Option<Token>, crate::statement::prepared::PartitionKeyError> {
        let (count, raw) = self.values().unwrap_or((0, &[]));
        prepared.calculate_token_from_raw_values(count, raw)
    }

    fn set_consistency(&mut self, consistency: Consistency) {
        let c = (consistency as u16).to_be_bytes();
        if let Some(slot) = self.buf.get_mut(self.tail_at..self.tail_at + 2) {
            slot.copy_from_slice(&c);
        }
    }

    /// Rebuilds the prefix for the current id of `prepared` and the result metadata
    /// id usage of `conn`, if they differ from the frame's.
    fn adapt(
        &mut self,
        prepared: &PreparedStatement,
        conn: &Connection,
    ) -> Result<(), CqlRequestSerializationError> {
        let wants_metadata_id = conn.get_protocol_features().scylla_metadata_id_supported;
        let id_changed = self.id.as_ref() != Some(prepared.get_id());
        if !id_changed && wants_metadata_id == self.with_metadata_id {
            return Ok(());
        }
        let id = prepared.get_id().clone();
        let metadata = prepared.current_result_metadata();
        let metadata_id = wants_metadata_id.then(|| metadata.id().unwrap_or(&[]));
        let tail = self.buf.get(self.tail_at..).unwrap_or(&[]);
        let mut buf = Vec::with_capacity(self.buf.len() + 16);
        buf.extend_from_slice(self.buf.get(..HEADER_SIZE).unwrap_or(&[]));
        write_execute_prefix(&mut buf, &id, metadata_id)?;
        let tail_at = buf.len();
        buf.extend_from_slice(tail);
        // Skipping metadata is safe with metadata ids (the node sends new metadata
        // when it changed); without them only if the user asked for it.
        if !prepared.get_use_cached_result_metadata()
            && let Some(flags) = buf.get_mut(tail_at + 2)
        {
            if wants_metadata_id && metadata.id().is_some() {
                *flags |= FLAG_SKIP_METADATA;
            } else {
                *flags &= !FLAG_SKIP_METADATA;
            }
        }
        finish_frame(&mut buf)?;
        self.buf = buf;
        self.tail_at = tail_at;
        self.with_metadata_id = wants_metadata_id;
        self.id = Some(id);
        Ok(())
    }
}

/// The values of one statement of a batch, serialized.
pub(crate) type BatchValuesList = Vec<SerializedValues>;

/// A BATCH frame; rebuilt as a whole when a statement id changes.
#[derive(Debug, Clone)]
pub(crate) struct BatchFrame {
    buf: Vec<u8>,
    consistency_at: usize,
}

impl BatchFrame {
    pub(crate) fn new(
        batch: &Batch,
        values: &[SerializedValues],
        consistency: Consistency,
        serial_consistency: Option<SerialConsistency>,
        timestamp: Option<i64>,
        tracing: bool,
    ) -> Result<Self, BuildError> {
        let n = batch.statements.len();
        if n != values.len() {
            return Err(SerializationError::new(
                BatchSerializationError::ValuesAndStatementsLengthMismatch {
                    n_statements: n,
                    n_value_lists: values.len(),
                },
            )
            .into());
        }
        let count = u16::try_from(n).map_err(|_| {
            CqlRequestSerializationError::from(BatchSerializationError::TooManyStatements(n))
        })?;
        let size: usize = values.iter().map(|v| v.buffer_size() + 32).sum();
        let mut buf = Vec::with_capacity(HEADER_SIZE + 16 + size);
        start_frame(&mut buf, RequestOpcode::Batch, tracing);
        buf.push(batch.get_type() as u8);
        buf.extend_from_slice(&count.to_be_bytes());
        let statement_error = |statement_idx, error| {
            CqlRequestSerializationError::BatchSerialization(
                BatchSerializationError::StatementSerialization {
                    statement_idx,
                    error,
                },
            )
        };
        for (statement_idx, (statement, v)) in batch.statements.iter().zip(values).enumerate() {
            match statement {
                BatchStatement::Query(s) => {
                    buf.push(0);
                    types::write_long_string(&s.contents, &mut buf).map_err(|e| {
                        statement_error(
                            statement_idx,
                            BatchStatementSerializationError::StatementStringSerialization(e),
                        )
                    })?;
                }
                BatchStatement::PreparedStatement(p) => {
                    buf.push(1);
                    types::write_short_bytes(p.get_id(), &mut buf).map_err(|e| {
                        statement_error(
                            statement_idx,
                            BatchStatementSerializationError::StatementIdSerialization(e),
                        )
                    })?;
                }
            }
            v.write_to_request(&mut buf);
        }
        let consistency_at = buf.len();
        types::write_consistency(consistency, &mut buf);
        let mut flags = 0u8;
        if serial_consistency.is_some() {
            flags |= FLAG_WITH_SERIAL_CONSISTENCY;
        }
        if timestamp.is_some() {
            flags |= FLAG_WITH_DEFAULT_TIMESTAMP;
        }
        buf.push(flags);
        if let Some(s) = serial_consistency {
            types::write_serial_consistency(s, &mut buf);
        }
        if let Some(ts) = timestamp {
            types::write_long(ts, &mut buf);
        }
        finish_frame(&mut buf)?;
        Ok(Self {
            buf,
            consistency_at,
        })
    }

    fn set_consistency(&mut self, consistency: Consistency) {
        let c = (consistency as u16).to_be_bytes();
        if let Some(slot) = self
            .buf
            .get_mut(self.consistency_at..self.consistency_at + 2)
        {
            slot.copy_from_slice(&c);
        }
    }
}

/// A request frame and what is needed to rebuild it.
#[derive(Clone)]
pub(crate) enum RequestFrame<'a> {
    /// QUERY.
    Query(SingleFrame),
    /// EXECUTE of this statement.
    Execute(SingleFrame, &'a PreparedStatement),
    /// BATCH with these values (and settings, for rebuilding).
    Batch {
        frame: BatchFrame,
        batch: &'a Batch,
        values: &'a [SerializedValues],
        serial_consistency: Option<SerialConsistency>,
        timestamp: Option<i64>,
        tracing: bool,
    },
}

impl RequestFrame<'_> {
    fn set_consistency(&mut self, c: Consistency) {
        match self {
            RequestFrame::Query(f) | RequestFrame::Execute(f, _) => f.set_consistency(c),
            RequestFrame::Batch { frame, .. } => frame.set_consistency(c),
        }
    }

    fn bytes(&self) -> &[u8] {
        match self {
            RequestFrame::Query(f) | RequestFrame::Execute(f, _) => &f.buf,
            RequestFrame::Batch { frame, .. } => &frame.buf,
        }
    }

    fn cached_metadata(&self) -> Option<Arc<ResultMetadata<'static>>> {
        match self {
            RequestFrame::Execute(_, p) => Some(p.current_result_metadata()),
            _ => None,
        }
    }
}

// ---------------------------------------------------------------------------------------
// Running a request
// ---------------------------------------------------------------------------------------

/// A successful response, or a write error the retry policy chose to ignore.
pub(crate) struct Response {
    pub(crate) result: result::Result,
    pub(crate) tracing_id: Option<Uuid>,
    pub(crate) warnings: Vec<String>,
    pub(crate) coordinator: Coordinator,
}

/// Everything the attempts of one request share.
pub(crate) struct RequestContext<'a> {
    pub(crate) config: &'a StatementConfig,
    pub(crate) profile: &'a ExecutionProfileInner,
    pub(crate) routing_info: &'a RoutingInfo<'a>,
    pub(crate) cluster: &'a ClusterState,
    pub(crate) kind: RequestKind,
}

impl SessionShared {
    /// The profile, consistency and serial consistency of a statement.
    pub(crate) fn profile_for(&self, config: &StatementConfig) -> Arc<ExecutionProfileInner> {
        config.determine_execution_profile(&self.default_profile)
    }

    /// The timestamp to send: the statement's, else the generator's.
    pub(crate) fn timestamp_for(&self, config: &StatementConfig) -> Option<i64> {
        config.timestamp.or_else(|| {
            self.timestamp_generator
                .as_ref()
                .map(|g| g.next_timestamp())
        })
    }

    #[inline]
    fn metrics_inc_requests(&self, _kind: RequestKind) {
        #[cfg(feature = "metrics")]
        self.metrics.inc_requests(_kind.into());
    }

    #[inline]
    fn metrics_inc_errors(&self, _kind: RequestKind) {
        #[cfg(feature = "metrics")]
        self.metrics.inc_errors(_kind.into());
    }

    #[inline]
    fn metrics_inc_retries(&self) {
        #[cfg(feature = "metrics")]
        self.metrics.inc_retries();
    }

    #[inline]
    fn metrics_latency(&self, _latency: Duration) {
        #[cfg(feature = "metrics")]
        self.metrics.log_request_latency(_latency);
    }

    #[inline]
    fn metrics_request_timeout(&self) {
        #[cfg(feature = "metrics")]
        self.metrics.inc_request_timeouts();
    }

    fn speculative_context(&self) -> SpeculativeContext {
        #[cfg(feature = "metrics")]
        {
            SpeculativeContext::new(Arc::clone(&self.metrics))
        }
        #[cfg(not(feature = "metrics"))]
        {
            SpeculativeContext::new()
        }
    }

    /// Runs a request: plan, retries, speculative executions, timeout, history and
    /// metrics.
    pub(crate) async fn run_request(
        &self,
        ctx: &RequestContext<'_>,
        frame: RequestFrame<'_>,
    ) -> Result<Response, RequestError> {
        self.metrics_inc_requests(ctx.kind);
        let listener = ctx.config.history_listener.as_deref();
        let request_id = listener.map(|l| l.log_request_start());
        let start = Instant::now();
        let timeout = ctx.config.determine_request_timeout(ctx.profile);
        let run = self.run_fibers(ctx, frame, listener, request_id);
        let result = match timeout {
            Some(t) => match tokio::time::timeout(t, run).await {
                Ok(r) => r,
                Err(_) => {
                    self.metrics_request_timeout();
                    Err(RequestError::RequestTimeout(t))
                }
            },
            None => run.await,
        };
        match &result {
            Ok(_) => {
                self.metrics_latency(start.elapsed());
                if let (Some(l), Some(id)) = (listener, request_id) {
                    l.log_request_success(id);
                }
            }
            Err(e) => {
                self.metrics_inc_errors(ctx.kind);
                if let (Some(l), Some(id)) = (listener, request_id) {
                    l.log_request_error(id, e);
                }
            }
        }
        result
    }

    async fn run_fibers(
        &self,
        ctx: &RequestContext<'_>,
        frame: RequestFrame<'_>,
        listener: Option<&dyn HistoryListener>,
        request_id: Option<RequestId>,
    ) -> Result<Response, RequestError> {
        let policy = ctx.config.determine_load_balancing_policy(ctx.profile);
        let plan = Mutex::new(Plan::new(&**policy, ctx.routing_info, ctx.cluster));
        let speculative = ctx
            .profile
            .speculative_execution_policy
            .as_ref()
            .filter(|_| ctx.config.is_idempotent);
        let Some(sep) = speculative else {
            return self
                .run_fiber(ctx, &plan, frame, listener, request_id, None)
                .await;
        };
        let sctx = self.speculative_context();
        let max_extra = sep.max_retry_count(&sctx);
        let interval = sep.retry_interval(&sctx);
        let mut fibers = FuturesUnordered::new();
        fibers.push(self.run_fiber(ctx, &plan, frame.clone(), listener, request_id, None));
        let mut started = 0usize;
        let timer = tokio::time::sleep(interval);
        tokio::pin!(timer);
        loop {
            tokio::select! {
                () = &mut timer, if started < max_extra => {
                    started += 1;
                    let speculative_id = match (listener, request_id) {
                        (Some(l), Some(id)) => Some(l.log_new_speculative_fiber(id)),
                        _ => None,
                    };
                    fibers.push(self.run_fiber(ctx, &plan, frame.clone(), listener, request_id, speculative_id));
                    timer.as_mut().reset(tokio::time::Instant::now() + interval);
                }
                result = fibers.next() => match result {
                    Some(Ok(response)) => return Ok(response),
                    Some(Err(e)) => {
                        // A fiber gives up when the (shared) plan is exhausted or the
                        // error is final: the others' answers are still awaited.
                        if fibers.is_empty() {
                            return Err(e);
                        }
                    }
                    None => return Err(RequestError::EmptyPlan),
                }
            }
        }
    }

    /// One fiber: walks the (shared) plan, retrying as the retry policy decides.
    async fn run_fiber(
        &self,
        ctx: &RequestContext<'_>,
        plan: &Mutex<Plan<'_>>,
        mut frame: RequestFrame<'_>,
        listener: Option<&dyn HistoryListener>,
        request_id: Option<RequestId>,
        speculative_id: Option<SpeculativeId>,
    ) -> Result<Response, RequestError> {
        let policy = ctx.config.determine_load_balancing_policy(ctx.profile);
        let mut consistency = ctx.routing_info.consistency;
        let mut retry_session: Option<Box<dyn RetrySession>> = None;
        let mut last_error: Option<RequestError> = None;
        'targets: loop {
            let next = plan.lock().unwrap_or_else(PoisonError::into_inner).next();
            let Some((node, shard)) = next else {
                break;
            };
            let Some(pool) = node.pool() else {
                continue;
            };
            loop {
                let conn = match pool.connection_for_shard(shard) {
                    Ok(c) => c,
                    Err(e) => {
                        tracing::debug!(node = %node.address, "no connection: {e}");
                        // What an earlier node answered (say, Unavailable from the
                        // last node up) tells more than a node that could not be
                        // reached at all: that answer stays the request's error.
                        if !matches!(last_error, Some(RequestError::LastAttemptError(_))) {
                            last_error = Some(RequestError::ConnectionPoolError(e));
                        }
                        continue 'targets;
                    }
                };
                let attempt_id = match (listener, request_id) {
                    (Some(l), Some(id)) => {
                        Some(l.log_attempt_start(id, speculative_id, conn.get_connect_address()))
                    }
                    _ => None,
                };
                let started = Instant::now();
                let result = self.attempt(&conn, &mut frame, consistency).await;
                let elapsed = started.elapsed();
                let coordinator = || {
                    Coordinator::new(
                        node,
                        conn.get_connect_address(),
                        conn.shard().map(u32::from),
                    )
                };
                let error = match result {
                    Ok(response) => {
                        policy.on_request_success(ctx.routing_info, elapsed, node);
                        if let (Some(l), Some(a)) = (listener, attempt_id) {
                            l.log_attempt_success(a);
                        }
                        return Ok(Response {
                            result: response.0,
                            tracing_id: response.1,
                            warnings: response.2,
                            coordinator: coordinator(),
                        });
                    }
                    Err(e) => e,
                };
                policy.on_request_failure(ctx.routing_info, elapsed, node, &error);
                let session = retry_session.get_or_insert_with(|| {
                    ctx.config.determine_retry_policy(ctx.profile).new_session()
                });
                let decision = session.decide_should_retry(RequestInfo::new(
                    &error,
                    ctx.config.is_idempotent,
                    consistency,
                ));
                if let (Some(l), Some(a)) = (listener, attempt_id) {
                    l.log_attempt_error(a, &error, &decision);
                }
                tracing::debug!(node = %node.address, ?decision, "attempt failed: {error}");
                match decision {
                    RetryDecision::RetrySameTarget(c) => {
                        consistency = c.unwrap_or(consistency);
                        self.metrics_inc_retries();
                    }
                    RetryDecision::RetryNextTarget(c) => {
                        consistency = c.unwrap_or(consistency);
                        self.metrics_inc_retries();
                        last_error = Some(RequestError::LastAttemptError(error));
                        continue 'targets;
                    }
                    RetryDecision::IgnoreWriteError => {
                        return Ok(Response {
                            result: result::Result::Void,
                            tracing_id: None,
                            warnings: Vec::new(),
                            coordinator: coordinator(),
                        });
                    }
                    _ => return Err(RequestError::LastAttemptError(error)),
                }
            }
        }
        Err(last_error.unwrap_or(RequestError::EmptyPlan))
    }

    /// One attempt on `conn`; re-prepares and re-sends once when the node does not
    /// know the statement.
    async fn attempt(
        &self,
        conn: &Connection,
        frame: &mut RequestFrame<'_>,
        consistency: Consistency,
    ) -> Result<(result::Result, Option<Uuid>, Vec<String>), RequestAttemptError> {
        frame.set_consistency(consistency);
        let mut reprepared = false;
        loop {
            if let RequestFrame::Execute(f, prepared) = frame {
                f.adapt(prepared, conn)?;
            }
            let response = send(conn, frame).await?;
            match response.into_non_error_query_response() {
                Ok(r) => {
                    let tracing_id = r.tracing_id;
                    let warnings = r.warnings;
                    let result = match r.response {
                        scylla_cql::frame::response::NonErrorResponse::Result(r) => r,
                        other => {
                            return Err(RequestAttemptError::UnexpectedResponse(
                                other.to_response_kind(),
                            ));
                        }
                    };
                    if let (RequestFrame::Execute(_, prepared), result::Result::Rows((rows, _))) =
                        (&*frame, &result)
                    {
                        prepared.update_result_metadata_if_changed(rows);
                    }
                    if let (RequestFrame::Execute(_, prepared), Some(payload)) =
                        (&*frame, &r.custom_payload)
                    {
                        self.record_tablet_from_payload(prepared, payload);
                    }
                    return Ok((result, tracing_id, warnings));
                }
                Err(RequestAttemptError::DbError(DbError::Unprepared { statement_id }, reason))
                    if !reprepared =>
                {
                    reprepared = true;
                    tracing::debug!(
                        node = %conn.get_connect_address(),
                        "node does not know a prepared statement; preparing it again"
                    );
                    reprepare(conn, frame, &statement_id, reason).await?;
                }
                Err(e) => return Err(e),
            }
        }
    }
}

impl SessionShared {
    /// A node that does not own the tablet of an EXECUTE's token says which nodes do
    /// in a `tablets-routing-v1` payload: hands it to the cluster worker, so that the
    /// next requests for the table's tokens go to the tablet's replicas.
    fn record_tablet_from_payload(
        &self,
        prepared: &PreparedStatement,
        payload: &HashMap<String, Bytes>,
    ) {
        match TabletsRoutingV1::from_custom_payload(payload) {
            Ok(Some(tablet)) => {
                if let Some(table) = prepared.get_table_spec() {
                    self.cluster
                        .record_tablet(table.ks_name(), table.table_name(), tablet);
                }
            }
            Ok(None) => {}
            Err(error) => {
                tracing::debug!(%error, "ignoring a malformed tablets-routing-v1 payload");
            }
        }
    }
}

/// Sends the frame on `conn` (compressed if the connection is).
async fn send(
    conn: &Connection,
    frame: &RequestFrame<'_>,
) -> Result<QueryResponse, RequestAttemptError> {
    let cached = frame.cached_metadata();
    match conn.get_compression() {
        None => conn.send_frame(frame.bytes(), cached.as_ref()).await,
        Some(c) => {
            let compressed = compress_frame(frame.bytes(), c)?;
            conn.send_frame(&compressed, cached.as_ref()).await
        }
    }
}

/// Prepares again, on `conn`, the statement with `statement_id` (the EXECUTE's
/// statement, or one of the batch's), and updates the frame.
async fn reprepare(
    conn: &Connection,
    frame: &mut RequestFrame<'_>,
    statement_id: &Bytes,
    reason: String,
) -> Result<(), RequestAttemptError> {
    match frame {
        RequestFrame::Execute(_, prepared) => reprepare_statement(conn, prepared).await,
        RequestFrame::Batch {
            frame: batch_frame,
            batch,
            values,
            serial_consistency,
            timestamp,
            tracing,
        } => {
            let statement = batch.statements.iter().find_map(|s| match s {
                BatchStatement::PreparedStatement(p) if p.get_id() == statement_id => Some(p),
                _ => None,
            });
            let Some(prepared) = statement else {
                return Err(RequestAttemptError::RepreparedIdMissingInBatch);
            };
            reprepare_statement(conn, prepared).await?;
            let consistency = batch_frame_consistency(batch_frame);
            *batch_frame = BatchFrame::new(
                batch,
                values,
                consistency,
                *serial_consistency,
                *timestamp,
                *tracing,
            )?;
            Ok(())
        }
        RequestFrame::Query(_) => Err(RequestAttemptError::DbError(
            DbError::Unprepared {
                statement_id: statement_id.clone(),
            },
            reason,
        )),
    }
}

fn batch_frame_consistency(frame: &BatchFrame) -> Consistency {
    frame
        .buf
        .get(frame.consistency_at..frame.consistency_at + 2)
        .and_then(|b| {
            let mut slice = b;
            types::read_consistency(&mut slice).ok()
        })
        .unwrap_or_default()
}

/// Prepares `prepared`'s text again on `conn`. A different id (the schema changed)
/// becomes the statement's id if the bind markers are unchanged; if they changed, the
/// values already serialized cannot be trusted and the attempt fails with
/// [`RequestAttemptError::RepreparedIdChanged`].
pub(crate) async fn reprepare_statement(
    conn: &Connection,
    prepared: &PreparedStatement,
) -> Result<(), RequestAttemptError> {
    let (fresh, _) = conn.prepare_raw(prepared.get_statement(), false).await?;
    if fresh.id != prepared.get_id() {
        let same_markers = fresh.prepared_metadata.col_specs.len()
            == prepared.get_prepared_metadata().col_specs.len()
            && fresh
                .prepared_metadata
                .col_specs
                .iter()
                .zip(prepared.get_prepared_metadata().col_specs.iter())
                .all(|(a, b)| a.typ() == b.typ());
        if !same_markers {
            return Err(RequestAttemptError::RepreparedIdChanged {
                statement: prepared.get_statement().to_owned(),
                expected_id: prepared.get_id().to_vec(),
                reprepared_id: fresh.id.to_vec(),
            });
        }
        tracing::info!(
            statement = prepared.get_statement(),
            "a prepared statement got a new id (its table's schema changed); using it"
        );
        prepared.update_id(fresh.id.clone());
    }
    prepared.set_current_result_metadata(Arc::new(fresh.result_metadata));
    Ok(())
}

/// The result and paging state of a response, for the caller.
pub(crate) fn into_query_result(response: Response) -> (QueryResult, PagingStateResponse) {
    QueryResult::from_cql_result(
        response.result,
        response.tracing_id,
        response.warnings,
        response.coordinator,
    )
}

/// The routing information of an unprepared statement (no token, no table).
pub(crate) fn unprepared_routing_info<'a>(
    consistency: Consistency,
    serial_consistency: Option<SerialConsistency>,
    preference: &'a NodeLocationPreference,
) -> RoutingInfo<'a> {
    RoutingInfo {
        consistency,
        serial_consistency,
        node_location_preference: preference,
        ..RoutingInfo::default()
    }
}

/// The values of a batch, one list per statement, serialized against each
/// statement's bind markers (empty for unprepared statements without values).
pub(crate) fn serialize_batch_values<BV>(
    batch: &Batch,
    values: &BV,
) -> Result<BatchValuesList, SerializationError>
where
    BV: scylla_cql::serialize::batch::BatchValues + ?Sized,
{
    use scylla_cql::serialize::batch::BatchValuesIterator;
    let mut iter = values.batch_values_iter();
    let mut out = Vec::with_capacity(batch.statements.len());
    for statement in &batch.statements {
        let ctx = match statement {
            BatchStatement::PreparedStatement(p) => {
                RowSerializationContext::from_prepared(p.get_prepared_metadata())
            }
            BatchStatement::Query(_) => RowSerializationContext::empty(),
        };
        let (sv, result) =
            SerializedValues::from_closure(|writer| Ok(iter.serialize_next(&ctx, writer)))?;
        match result {
            Some(Ok(())) => out.push(sv),
            Some(Err(e)) => return Err(e),
            None => {
                return Err(SerializationError::new(
                    BatchSerializationError::ValuesAndStatementsLengthMismatch {
                        n_statements: batch.statements.len(),
                        n_value_lists: out.len(),
                    },
                ));
            }
        }
    }
    if iter.skip_next().is_some() {
        let extra = 1 + std::iter::from_fn(|| iter.skip_next()).count();
        return Err(SerializationError::new(
            BatchSerializationError::ValuesAndStatementsLengthMismatch {
                n_statements: batch.statements.len(),
                n_value_lists: batch.statements.len() + extra,
            },
        ));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use scylla_cql::frame::request::query::Query;
    use scylla_cql::frame::request::{DeserializableRequest, ExecuteV2};

    fn params() -> Params {
        Params {
            consistency: Consistency::Quorum,
            serial_consistency: Some(SerialConsistency::LocalSerial),
            timestamp: Some(42),
            page_size: PageSize::new(100),
            paging_state: PagingState::new_from_raw_bytes(&[1u8, 2, 3][..]),
            skip_metadata: false,
        }
    }

    #[test]
    fn query_frame_matches_the_protocol_encoder() {
        let f = SingleFrame::query("SELECT * FROM t", &params(), true).unwrap();
        assert_eq!(f.buf[0], REQUEST_VERSION);
        assert_eq!(f.buf[1], flag::TRACING);
        assert_eq!(f.buf[4], RequestOpcode::Query as u8);
        let len = u32::from_be_bytes(f.buf[5..9].try_into().unwrap()) as usize;
        assert_eq!(len, f.buf.len() - HEADER_SIZE);
        let mut body = &f.buf[HEADER_SIZE..];
        let q = Query::deserialize(&mut body).unwrap();
        assert!(body.is_empty());
        assert_eq!(q.contents, "SELECT * FROM t");
        assert_eq!(q.parameters.consistency, Consistency::Quorum);
        assert_eq!(
            q.parameters.serial_consistency,
            Some(SerialConsistency::LocalSerial)
        );
        assert_eq!(q.parameters.timestamp, Some(42));
        assert_eq!(q.parameters.page_size, Some(100));
        assert_eq!(
            q.parameters.paging_state.as_bytes_slice().map(|b| &b[..]),
            Some(&[1u8, 2, 3][..])
        );
    }

    #[test]
    fn consistency_is_patched_in_place() {
        let mut f = SingleFrame::query("x", &params(), false).unwrap();
        f.set_consistency(Consistency::One);
        let mut body = &f.buf[HEADER_SIZE..];
        let q = Query::deserialize(&mut body).unwrap();
        assert_eq!(q.parameters.consistency, Consistency::One);
    }

    #[test]
    fn values_are_serialized_into_the_frame() {
        use scylla_cql::frame::response::result::{ColumnSpec, ColumnType, NativeType, TableSpec};
        let table = TableSpec::borrowed("ks", "t");
        let specs = [
            ColumnSpec::borrowed("a", ColumnType::Native(NativeType::Int), table.clone()),
            ColumnSpec::borrowed("b", ColumnType::Native(NativeType::Text), table),
        ];
        let ctx = RowSerializationContext::from_specs(&specs);
        let mut buf = Vec::new();
        start_frame(&mut buf, RequestOpcode::Execute, false);
        write_execute_prefix(&mut buf, b"ID", None).unwrap();
        let tail_at = buf.len();
        let row = (7i32, "seven");
        let p = Params {
            paging_state: PagingState::start(),
            ..params()
        };
        let values = write_tail(&mut buf, &p, Values::Row(&row, ctx)).unwrap();
        finish_frame(&mut buf).unwrap();
        let (count, range) = values.unwrap();
        assert_eq!(count, 2);
        assert_eq!(
            &buf[tail_at + range.start..tail_at + range.end],
            b"\0\0\0\x04\0\0\0\x07\0\0\0\x05seven"
        );
        let mut body = &buf[HEADER_SIZE..];
        let e = ExecuteV2::deserialize(&mut body).unwrap();
        assert_eq!(e.id.as_ref(), b"ID");
        assert_eq!(e.parameters.values.element_count(), 2);
        // Wrong types are a serialization error, not a panic.
        let bad = ("x", "y");
        let mut buf2 = Vec::new();
        let ctx = RowSerializationContext::from_specs(&specs);
        assert!(write_tail(&mut buf2, &p, Values::Row(&bad, ctx)).is_err());
        // No values: no VALUES flag.
        let mut buf3 = Vec::new();
        let ctx = RowSerializationContext::empty();
        assert!(
            write_tail(&mut buf3, &p, Values::Row(&(), ctx))
                .unwrap()
                .is_none()
        );
        assert_eq!(buf3[2] & FLAG_VALUES, 0);
    }

    #[test]
    fn compressed_frames_round_trip() {
        let f = SingleFrame::query(&"SELECT 1 ".repeat(50), &params(), false).unwrap();
        for c in [Compression::Lz4, Compression::Snappy] {
            let z = compress_frame(&f.buf, c).unwrap();
            assert_eq!(z[1] & flag::COMPRESSION, flag::COMPRESSION);
            let len = u32::from_be_bytes(z[5..9].try_into().unwrap()) as usize;
            assert_eq!(len, z.len() - HEADER_SIZE);
            let body = scylla_cql::frame::decompress(&z[HEADER_SIZE..], c).unwrap();
            assert_eq!(&body[..], &f.buf[HEADER_SIZE..]);
        }
    }
}
