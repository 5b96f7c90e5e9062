//! The executor: turns one request (QUERY, PREPARE, EXECUTE, BATCH) received by one
//! node on one shard into a response body, reading and writing the cluster state.
//!
//! The network layer decodes a request, calls the matching method of the
//! [`Executor`] (one executor is shared by every connection of every node) and frames
//! the returned [`Outcome`]:
//!
//! - [`Executor::handle_query`], [`Executor::handle_prepare`],
//!   [`Executor::handle_execute`], [`Executor::handle_batch`] answer the four
//!   statement-carrying requests; any failure is an ERROR outcome, never a panic.
//! - [`Executor::forget_prepared`] drops one node's prepared statements (a restarted
//!   node forgets them, as a real one does).
//!
//! What it does, briefly: statements are parsed ([`crate::cql`]), bound to the current
//! schema snapshot (a plan with the bind markers' specifications, cached per prepared
//! id and per query text, and rebuilt when the schema changes), checked against the
//! consistency level with the ring's replica placement and the nodes' status, counted
//! (requests, non-replica and wrong-shard arrivals per shard), and run against the
//! [`crate::store`]. SELECT results are written straight into the response body.
//! Schema changes are announced on the cluster's event bus. `system.local`,
//! `system.peers(_v2)` and `system_schema.*` are computed per query by
//! [`crate::system`].
//!
//! ```
//! use std::borrow::Cow;
//! use std::net::{IpAddr, Ipv4Addr, SocketAddr};
//! use std::sync::Arc;
//!
//! use scylla_cql::frame::protocol_features::ProtocolFeatures;
//! use scylla_cql::frame::request::{Query, QueryParameters};
//! use scylla_cql::frame::response::ResponseOpcode;
//! use scylla_sim::cluster::{ClusterState, SimConfig};
//! use scylla_sim::exec::{ConnectionState, Executor, RequestContext};
//! use scylla_sim::ring::{NodeSpec, Topology, deterministic_host_id};
//! use scylla_sim::store::Store;
//!
//! let mut topology = Topology::new(1);
//! let ip = IpAddr::V4(Ipv4Addr::LOCALHOST);
//! let node = topology
//!     .add_node(NodeSpec::new(deterministic_host_id(1, 0), ip, "dc1", "r1"))
//!     .unwrap();
//! let cluster = Arc::new(ClusterState::new(SimConfig::default(), Store::new(), topology));
//! let executor = Executor::new(cluster);
//!
//! let features = ProtocolFeatures::default();
//! let ctx = RequestContext {
//!     node,
//!     shard: 0,
//!     client: SocketAddr::new(ip, 50000),
//!     features: &features,
//!     tracing: false,
//!     custom_payload: None,
//! };
//! let mut conn = ConnectionState::default();
//! let query = Query {
//!     contents: Cow::Borrowed("SELECT release_version FROM system.local"),
//!     parameters: QueryParameters::default(),
//! };
//! let outcome = executor.handle_query(&ctx, &mut conn, &query);
//! assert_eq!(outcome.opcode, ResponseOpcode::Result);
//! ```

pub(crate) mod bind;
pub(crate) mod compile;
pub(crate) mod ddl;
pub(crate) mod describe;
pub(crate) mod error;
pub(crate) mod functions;
pub(crate) mod md5;
pub(crate) mod modify;
pub(crate) mod paging;
pub(crate) mod plan;
pub(crate) mod ratelimit;
pub(crate) mod select;
pub(crate) mod tracing;
pub(crate) mod values;

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, PoisonError, RwLock};

use bytes::Bytes;
use scylla_cql::frame::protocol_features::ProtocolFeatures;
use scylla_cql::frame::request::batch::{BatchStatement, BatchType};
use scylla_cql::frame::request::{DeserializedBatch, ExecuteV2, Query, QueryParameters};
use scylla_cql::frame::response::ResponseOpcode;
use scylla_cql::frame::response::error::Error as CqlError;
use scylla_cql::frame::response::event::SchemaChangeEvent;
use scylla_cql::frame::response::result::{
    Prepared, PreparedMetadata, ResultMetadata, kind as result_kind,
};
use scylla_cql::frame::types::{Consistency, RawValue, SerialConsistency};
use uuid::Uuid;

use crate::cluster::ClusterState;
use crate::cql::{BatchKind, Statement, parse_statement};
use crate::ring::{NodeId, ReplicaMap, Token, Topology, check_consistency};
use crate::store::{Now, PartitionKey, Table};

use bind::EvalCtx;
use compile::{Bound, Compiled, Plan, Routing, Stale};
use error::{ExecError, ExecResult};
use modify::{
    CasOutcome, ModifyPlan, evaluate_checks, live_checks, mutations, statement_timestamp,
    write_cas_result,
};
use select::{SelectOptions, SelectPlan, read_targets, run_select};
use tracing::Trace;

/// Where and how a request arrived.
#[derive(Debug, Clone)]
pub struct RequestContext<'a> {
    /// The coordinator node.
    pub node: NodeId,
    /// The shard the connection belongs to.
    pub shard: u16,
    /// The client's address (for `system_traces.sessions.client`).
    pub client: SocketAddr,
    /// The ScyllaDB extensions negotiated on this connection.
    pub features: &'a ProtocolFeatures,
    /// Whether the request frame had the tracing flag.
    pub tracing: bool,
    /// The request's custom payload, if any.
    pub custom_payload: Option<&'a HashMap<String, Bytes>>,
}

/// Per-connection state the executor reads and changes.
#[derive(Debug, Clone, Default)]
pub struct ConnectionState {
    /// The keyspace set by `USE`.
    pub keyspace: Option<String>,
    /// The authenticated user, when authentication is on.
    pub user: Option<String>,
}

/// A response body and the extensions to frame it with.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The response opcode (RESULT or ERROR).
    pub opcode: ResponseOpcode,
    /// The serialized response body.
    pub body: Vec<u8>,
    /// Warnings to attach (WARNING flag).
    pub warnings: Vec<String>,
    /// The tracing session id, when the request asked for tracing.
    pub trace_id: Option<Uuid>,
    /// A custom payload to attach (e.g. `tablets-routing-v1`).
    pub custom_payload: Option<HashMap<String, Bytes>>,
}

/// The most statements kept in the cache of unprepared statement texts.
const MAX_CACHED_TEXTS: usize = 4096;
/// Unprepared statements longer than this are compiled for each request, not cached
/// (they are mostly writes with large literals, which a cache would keep in memory).
const MAX_CACHED_TEXT_LEN: usize = 16 * 1024;
/// The most prepared statements one node keeps.
const MAX_PREPARED_PER_NODE: usize = 50_000;
/// The most statement text one node keeps prepared (as a real node's prepared statement
/// cache is bounded in bytes); a single larger statement is refused.
const MAX_PREPARED_BYTES_PER_NODE: usize = 32 * 1024 * 1024;
/// Cassandra's `unlogged_batch_across_partitions_warn_threshold`.
const UNLOGGED_BATCH_WARN_PARTITIONS: usize = 10;
/// Cassandra's `batch_size_warn_threshold_in_kb`.
const BATCH_SIZE_WARN_BYTES: usize = 5 * 1024;

/// Runs statements against a simulated cluster. Shared by all nodes' connections.
#[derive(Debug)]
pub struct Executor {
    cluster: Arc<ClusterState>,
    prepared: RwLock<HashMap<NodeId, HashMap<Bytes, Arc<Compiled>>>>,
    texts: RwLock<HashMap<String, Vec<Arc<Compiled>>>>,
    last_timestamp: AtomicI64,
    secret: u64,
    rate: ratelimit::RateLimiter,
}

/// The per-request bookkeeping: warnings and the tracing session.
struct Req {
    warnings: Vec<String>,
    trace: Option<Trace>,
}

impl Req {
    fn event(&mut self, activity: impl FnOnce() -> String) {
        if let Some(t) = &mut self.trace {
            t.event(activity());
        }
    }
}

fn void_body() -> Vec<u8> {
    result_kind::VOID.to_be_bytes().to_vec()
}

fn schema_change_body(event: &SchemaChangeEvent) -> ExecResult<Vec<u8>> {
    let mut out = result_kind::SCHEMA_CHANGE.to_be_bytes().to_vec();
    event
        .serialize(&mut out)
        .map_err(|e| ExecError::server(e.to_string()))?;
    Ok(out)
}

fn set_keyspace_body(ks: &str) -> ExecResult<Vec<u8>> {
    let mut out = result_kind::SET_KEYSPACE.to_be_bytes().to_vec();
    scylla_cql::frame::types::write_string(ks, &mut out)
        .map_err(|e| ExecError::server(e.to_string()))?;
    Ok(out)
}

fn serial_of(s: Option<SerialConsistency>) -> Consistency {
    match s {
        Some(SerialConsistency::LocalSerial) => Consistency::LocalSerial,
        _ => Consistency::Serial,
    }
}

/// The values bound by a request, in marker order (named values reordered).
fn bound_values<'v>(
    bound: &Bound,
    values: &'v scylla_cql::serialize::row::SerializedValues,
    names: Option<&[String]>,
) -> ExecResult<Vec<RawValue<'v>>> {
    let raw: Vec<RawValue<'v>> = values.iter().collect();
    if raw.len() != usize::from(values.element_count()) {
        return Err(ExecError::invalid("Malformed bound values"));
    }
    let expected = bound.bind_specs.len();
    if let Some(names) = names {
        let mut out = Vec::with_capacity(expected);
        for spec in &bound.bind_specs {
            let pos = names
                .iter()
                .position(|n| n == spec.name())
                .or_else(|| {
                    names
                        .iter()
                        .position(|n| n.eq_ignore_ascii_case(spec.name()))
                })
                .ok_or_else(|| {
                    ExecError::invalid(format!("No value for bind variable {}", spec.name()))
                })?;
            out.push(raw.get(pos).copied().unwrap_or(RawValue::Unset));
        }
        return Ok(out);
    }
    if raw.len() != expected {
        return Err(ExecError::invalid(format!(
            "Invalid amount of bind variables: expected {expected} but got {}",
            raw.len()
        )));
    }
    Ok(raw)
}

impl Executor {
    /// An executor for `cluster`; creates the system keyspaces and tables.
    pub fn new(cluster: Arc<ClusterState>) -> Self {
        // Creating tables of a fixed, valid definition cannot fail; if it ever did, the
        // system tables would be missing and queries on them would say so.
        let _ = crate::system::create_system_schema(&cluster.store);
        let secret = rand::random::<u64>();
        Executor {
            cluster,
            prepared: RwLock::new(HashMap::new()),
            texts: RwLock::new(HashMap::new()),
            last_timestamp: AtomicI64::new(0),
            secret,
            rate: ratelimit::RateLimiter::default(),
        }
    }

    /// The cluster this executor serves.
    pub fn cluster(&self) -> &Arc<ClusterState> {
        &self.cluster
    }

    /// Forgets the prepared statements of `node` (it restarted).
    pub fn forget_prepared(&self, node: NodeId) {
        self.prepared
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(&node);
    }

    /// The number of statements `node` has prepared.
    pub fn prepared_count(&self, node: NodeId) -> usize {
        self.prepared
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&node)
            .map_or(0, HashMap::len)
    }

    /// A write timestamp: the clock in microseconds, strictly increasing across the
    /// cluster (two writes never get the same server timestamp).
    fn next_timestamp(&self) -> i64 {
        let now = Now::system().micros;
        let mut last = self.last_timestamp.load(Ordering::Relaxed);
        loop {
            let next = now.max(last.saturating_add(1));
            match self.last_timestamp.compare_exchange_weak(
                last,
                next,
                Ordering::Relaxed,
                Ordering::Relaxed,
            ) {
                Ok(_) => return next,
                Err(current) => last = current,
            }
        }
    }

    fn count_request(&self, ctx: &RequestContext<'_>) {
        if let Some(rt) = self.cluster.node(ctx.node)
            && let Some(sc) = rt.shard(ctx.shard)
        {
            sc.requests.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Counts a single-partition request that reached a non-replica or the wrong shard.
    fn count_placement(
        &self,
        ctx: &RequestContext<'_>,
        topology: &Topology,
        map: &ReplicaMap,
        token: i64,
    ) {
        let Some(rt) = self.cluster.node(ctx.node) else {
            return;
        };
        let Some(sc) = rt.shard(ctx.shard) else {
            return;
        };
        let token = Token::new(token);
        if !map.replicas(token, ctx.node).contains(&ctx.node) {
            sc.non_replica.fetch_add(1, Ordering::Relaxed);
        }
        if let Some(node) = topology.node(ctx.node)
            && node.shard_of(token) != ctx.shard
        {
            sc.wrong_shard.fetch_add(1, Ordering::Relaxed);
        }
    }

    fn alive_nodes(&self, topology: &Topology) -> Vec<NodeId> {
        topology
            .nodes()
            .map(|n| n.id())
            .filter(|id| self.cluster.is_alive(*id))
            .collect()
    }

    /// Checks `consistency` for the partitions of `tokens` (all ranges when `None`).
    #[allow(clippy::too_many_arguments)]
    fn check_consistency(
        &self,
        ctx: &RequestContext<'_>,
        topology: &Topology,
        routing: &Routing,
        map: &ReplicaMap,
        tokens: Option<&[i64]>,
        consistency: Consistency,
    ) -> ExecResult<()> {
        if routing.local {
            return Ok(());
        }
        let alive = self.alive_nodes(topology);
        let dc = topology
            .node(ctx.node)
            .map(|n| n.datacenter().to_string())
            .unwrap_or_default();
        let check = |replicas: &[NodeId]| -> ExecResult<()> {
            check_consistency(
                topology,
                &routing.strategy,
                replicas,
                |n| alive.contains(&n),
                &dc,
                consistency,
            )?;
            Ok(())
        };
        match tokens {
            Some(tokens) => {
                for t in tokens {
                    check(map.replicas(Token::new(*t), ctx.node))?;
                }
            }
            None => {
                let ring = topology.ring();
                if ring.is_empty() {
                    check(&[])?;
                }
                let mut previous: Option<&[NodeId]> = None;
                for i in 0..ring.len() {
                    let r = map.replicas_of_range(i);
                    if previous == Some(r) {
                        continue;
                    }
                    check(r)?;
                    previous = Some(r);
                }
            }
        }
        Ok(())
    }

    fn check_rate(&self, table: &Table, keys: &[PartitionKey], write: bool) -> ExecResult<()> {
        let schema = table.schema();
        let Some(limits) = ratelimit::limits_of(schema) else {
            return Ok(());
        };
        let limit = if write { limits.writes } else { limits.reads };
        let Some(limit) = limit else {
            return Ok(());
        };
        let now = Now::system().seconds;
        for k in keys {
            if !self.rate.admit(schema.id(), &k.key, write, limit, now) {
                return Err(ExecError::rate_limited(
                    write,
                    schema.keyspace(),
                    schema.name(),
                ));
            }
        }
        Ok(())
    }

    fn coordinator_ip(&self, node: NodeId) -> IpAddr {
        self.cluster
            .topology()
            .node(node)
            .map(|n| n.address())
            .unwrap_or(IpAddr::V4(Ipv4Addr::LOCALHOST))
    }

    fn start(&self, ctx: &RequestContext<'_>, request: &str) -> Req {
        Req {
            warnings: Vec::new(),
            trace: ctx.tracing.then(|| Trace::start(request)),
        }
    }

    fn finish(
        &self,
        ctx: &RequestContext<'_>,
        conn: &ConnectionState,
        req: Req,
        command: &str,
        result: ExecResult<Vec<u8>>,
    ) -> Outcome {
        let trace_id = req.trace.map(|t| {
            let id = t.session_id;
            t.finish(
                &self.cluster,
                self.coordinator_ip(ctx.node),
                ctx.client,
                command,
                conn.user.as_deref(),
            );
            id
        });
        match result {
            Ok(body) => Outcome {
                opcode: ResponseOpcode::Result,
                body,
                warnings: req.warnings,
                trace_id,
                custom_payload: None,
            },
            Err(e) => error_outcome(ctx.features, e, req.warnings, trace_id),
        }
    }

    // -----------------------------------------------------------------------------------
    // Statement caches
    // -----------------------------------------------------------------------------------

    /// The compiled statement for an unprepared query text.
    fn compile_text(&self, keyspace: Option<&str>, text: &str) -> ExecResult<Arc<Compiled>> {
        {
            let texts = self.texts.read().unwrap_or_else(PoisonError::into_inner);
            if let Some(list) = texts.get(text)
                && let Some(c) = list.iter().find(|c| c.keyspace.as_deref() == keyspace)
            {
                return Ok(c.clone());
            }
        }
        let parsed = parse_statement(text)?;
        let schema = self.cluster.store.schema();
        let compiled = Arc::new(Compiled::new(keyspace, text, parsed, &schema)?);
        if text.len() > MAX_CACHED_TEXT_LEN {
            return Ok(compiled);
        }
        let mut texts = self.texts.write().unwrap_or_else(PoisonError::into_inner);
        if texts.len() >= MAX_CACHED_TEXTS {
            texts.clear();
        }
        let list = texts.entry(text.to_string()).or_default();
        list.retain(|c| c.keyspace.as_deref() != keyspace);
        list.push(compiled.clone());
        Ok(compiled)
    }

    /// The current binding of an unprepared statement, recompiling it if its tables
    /// changed.
    fn current_text_binding(
        &self,
        keyspace: Option<&str>,
        text: &str,
    ) -> ExecResult<(Arc<Compiled>, Arc<Bound>)> {
        let compiled = self.compile_text(keyspace, text)?;
        let schema = self.cluster.store.schema();
        match compiled.current(&schema) {
            Ok(b) => Ok((compiled, b)),
            Err(Stale(Some(e))) => Err(e),
            Err(Stale(None)) => {
                let parsed = compiled.parsed.clone();
                let fresh = Arc::new(Compiled::new(keyspace, text, parsed, &schema)?);
                if text.len() > MAX_CACHED_TEXT_LEN {
                    let b = fresh.current(&schema).map_err(|s| {
                        s.0.unwrap_or_else(|| {
                            ExecError::server("schema changed during the request")
                        })
                    })?;
                    return Ok((fresh, b));
                }
                let mut texts = self.texts.write().unwrap_or_else(PoisonError::into_inner);
                let list = texts.entry(text.to_string()).or_default();
                list.retain(|c| c.keyspace.as_deref() != keyspace);
                list.push(fresh.clone());
                let b = fresh.current(&schema).map_err(|s| {
                    s.0.unwrap_or_else(|| ExecError::server("schema changed during the request"))
                })?;
                Ok((fresh, b))
            }
        }
    }

    /// The prepared statement `id` of `node` with its current binding; UNPREPARED if
    /// unknown or if its tables changed since it was prepared.
    fn prepared_binding(&self, node: NodeId, id: &[u8]) -> ExecResult<(Arc<Compiled>, Arc<Bound>)> {
        let compiled = self
            .prepared
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&node)
            .and_then(|m| m.get(id))
            .cloned()
            .ok_or_else(|| ExecError::unprepared(id))?;
        let schema = self.cluster.store.schema();
        match compiled.current(&schema) {
            Ok(b) => Ok((compiled, b)),
            Err(_) => {
                if let Some(m) = self
                    .prepared
                    .write()
                    .unwrap_or_else(PoisonError::into_inner)
                    .get_mut(&node)
                {
                    m.remove(id);
                }
                Err(ExecError::unprepared(id))
            }
        }
    }

    // -----------------------------------------------------------------------------------
    // Requests
    // -----------------------------------------------------------------------------------

    /// Answers a QUERY.
    pub fn handle_query(
        &self,
        ctx: &RequestContext<'_>,
        conn: &mut ConnectionState,
        query: &Query<'_>,
    ) -> Outcome {
        self.count_request(ctx);
        let mut req = self.start(ctx, "Execute CQL3 query");
        if let Some(t) = &mut req.trace {
            t.parameters
                .insert("query".to_string(), query.contents.to_string());
            add_parameters(t, &query.parameters);
        }
        let result = (|| {
            req.event(|| "Parsing a statement".to_string());
            let (compiled, bound) =
                self.current_text_binding(conn.keyspace.as_deref(), &query.contents)?;
            self.run(
                ctx,
                conn,
                &compiled,
                &bound,
                &query.parameters,
                None,
                &mut req,
            )
        })();
        self.finish(ctx, conn, req, "QUERY", result)
    }

    /// Answers a PREPARE.
    pub fn handle_prepare(
        &self,
        ctx: &RequestContext<'_>,
        conn: &mut ConnectionState,
        query_text: &str,
    ) -> Outcome {
        let mut req = self.start(ctx, "Preparing CQL3 query");
        if let Some(t) = &mut req.trace {
            t.parameters
                .insert("query".to_string(), query_text.to_string());
        }
        let result = self.prepare_inner(ctx, conn, query_text);
        self.finish(ctx, conn, req, "PREPARE", result)
    }

    fn prepare_inner(
        &self,
        ctx: &RequestContext<'_>,
        conn: &ConnectionState,
        text: &str,
    ) -> ExecResult<Vec<u8>> {
        if text.len() > MAX_PREPARED_BYTES_PER_NODE {
            let start: String = text.chars().take(200).collect();
            return Err(ExecError::invalid(format!(
                "Prepared statement of size {} bytes is larger than allowed maximum of {} MB: \
                 {start}...",
                text.len(),
                MAX_PREPARED_BYTES_PER_NODE / (1024 * 1024)
            )));
        }
        let parsed = parse_statement(text)?;
        let schema = self.cluster.store.schema();
        let compiled = Arc::new(Compiled::new(
            conn.keyspace.as_deref(),
            text,
            parsed,
            &schema,
        )?);
        let bound = compiled
            .current(&schema)
            .map_err(|s| s.0.unwrap_or_else(|| ExecError::server("schema changed")))?;
        {
            let mut prepared = self
                .prepared
                .write()
                .unwrap_or_else(PoisonError::into_inner);
            let node = prepared.entry(ctx.node).or_default();
            let held: usize = node.values().map(|c| c.text.len()).sum();
            if node.len() >= MAX_PREPARED_PER_NODE
                || held.saturating_add(text.len()) > MAX_PREPARED_BYTES_PER_NODE
            {
                // Drivers prepare again what they get UNPREPARED for.
                node.clear();
            }
            node.insert(compiled.id.clone(), compiled.clone());
        }
        let mut flags = 0;
        if bound.is_lwt()
            && let Some(mask) = ctx.features.lwt_optimization_meta_bit_mask
        {
            flags |= mask as i32;
        }
        let result_metadata = match &bound.plan {
            Plan::Select(..) => (*bound.result_metadata).clone(),
            _ => ResultMetadata::new(Vec::new()),
        };
        let prepared = Prepared {
            id: compiled.id.clone(),
            prepared_metadata: PreparedMetadata {
                flags,
                col_count: bound.bind_specs.len(),
                pk_indexes: bound.pk_indexes.clone(),
                col_specs: bound.bind_specs.clone(),
            },
            result_metadata,
            result_metadata_id: ctx
                .features
                .scylla_metadata_id_supported
                .then(|| bound.result_metadata_id.clone()),
        };
        let mut out = result_kind::PREPARED.to_be_bytes().to_vec();
        prepared
            .serialize(ctx.features, &mut out)
            .map_err(|e| ExecError::server(e.to_string()))?;
        Ok(out)
    }

    /// Answers an EXECUTE.
    pub fn handle_execute(
        &self,
        ctx: &RequestContext<'_>,
        conn: &mut ConnectionState,
        execute: &ExecuteV2<'_>,
    ) -> Outcome {
        self.count_request(ctx);
        let mut req = self.start(ctx, "Execute CQL3 prepared query");
        let result = (|| {
            let (compiled, bound) = self.prepared_binding(ctx.node, execute.id.as_ref())?;
            if let Some(t) = &mut req.trace {
                t.parameters
                    .insert("query".to_string(), compiled.text.clone());
                add_parameters(t, &execute.parameters);
            }
            let new_metadata_id = match (&bound.plan, &execute.result_metadata_id) {
                (Plan::Select(..), Some(id))
                    if ctx.features.scylla_metadata_id_supported
                        && id.as_ref() != &bound.result_metadata_id[..] =>
                {
                    Some(bound.result_metadata_id.clone())
                }
                _ => None,
            };
            self.run(
                ctx,
                conn,
                &compiled,
                &bound,
                &execute.parameters,
                new_metadata_id.as_deref(),
                &mut req,
            )
        })();
        self.finish(ctx, conn, req, "EXECUTE", result)
    }

    /// Answers a BATCH.
    pub fn handle_batch(
        &self,
        ctx: &RequestContext<'_>,
        conn: &mut ConnectionState,
        batch: &DeserializedBatch<'_>,
    ) -> Outcome {
        self.count_request(ctx);
        let mut req = self.start(ctx, "Execute batch of CQL3 queries");
        if let Some(t) = &mut req.trace {
            t.parameters.insert(
                "consistency_level".to_string(),
                batch.consistency.as_str().to_string(),
            );
        }
        let result = self.batch_inner(ctx, conn, batch, &mut req);
        self.finish(ctx, conn, req, "BATCH", result)
    }

    fn batch_inner(
        &self,
        ctx: &RequestContext<'_>,
        conn: &ConnectionState,
        batch: &DeserializedBatch<'_>,
        req: &mut Req,
    ) -> ExecResult<Vec<u8>> {
        if batch.statements.len() != batch.values.len() {
            return Err(ExecError::invalid(
                "The number of value lists does not match the number of statements",
            ));
        }
        let mut bounds: Vec<Arc<Bound>> = Vec::with_capacity(batch.statements.len());
        for s in batch.statements.iter() {
            let (_, bound) = match s {
                BatchStatement::Query { text } => {
                    self.current_text_binding(conn.keyspace.as_deref(), text)?
                }
                BatchStatement::Prepared { id } => self.prepared_binding(ctx.node, id)?,
            };
            if !matches!(bound.plan, Plan::Modify(..)) {
                return Err(ExecError::invalid(
                    "Invalid statement in batch: only UPDATE, INSERT and DELETE statements are \
                     allowed.",
                ));
            }
            bounds.push(bound);
        }
        let mut value_lists = Vec::with_capacity(bounds.len());
        for (bound, values) in bounds.iter().zip(batch.values.iter()) {
            value_lists.push(bound_values(bound, values, None)?);
        }
        let now = Now::system();
        let mut items = Vec::with_capacity(bounds.len());
        for (bound, values) in bounds.iter().zip(&value_lists) {
            if let Plan::Modify(plan, routing) = &bound.plan {
                items.push((
                    &**plan,
                    routing,
                    EvalCtx {
                        values,
                        now_micros: now.micros,
                    },
                ));
            }
        }
        let kind = match batch.batch_type {
            BatchType::Logged => BatchKind::Logged,
            BatchType::Unlogged => BatchKind::Unlogged,
            BatchType::Counter => BatchKind::Counter,
        };
        let ts = match batch.timestamp {
            Some(ts) => ts,
            None => self.next_timestamp(),
        };
        self.run_batch(
            ctx,
            kind,
            &items,
            ts,
            false,
            batch.consistency,
            batch.serial_consistency,
            now,
            req,
        )
    }

    // -----------------------------------------------------------------------------------
    // Running bound statements
    // -----------------------------------------------------------------------------------

    #[allow(clippy::too_many_arguments)]
    fn run(
        &self,
        ctx: &RequestContext<'_>,
        conn: &mut ConnectionState,
        compiled: &Compiled,
        bound: &Bound,
        params: &QueryParameters<'_>,
        new_metadata_id: Option<&[u8]>,
        req: &mut Req,
    ) -> ExecResult<Vec<u8>> {
        let values = bound_values(bound, &params.values, params.value_names.as_deref())?;
        let now = Now::system();
        let cx = EvalCtx {
            values: &values,
            now_micros: now.micros,
        };
        match &bound.plan {
            Plan::Select(plan, routing) => self.run_select(
                ctx,
                compiled,
                plan,
                routing,
                cx,
                params,
                new_metadata_id,
                now,
                req,
            ),
            Plan::Modify(plan, routing) => {
                self.run_modify(ctx, plan, routing, cx, params, now, req)
            }
            Plan::Batch(bp) => {
                let default = params.timestamp.unwrap_or_else(|| self.next_timestamp());
                let ts = modify::eval_timestamp(bp.timestamp.as_ref(), &cx, default)?;
                let items: Vec<(&ModifyPlan, &Routing, EvalCtx<'_>)> =
                    bp.children.iter().map(|(p, r)| (p, r, cx)).collect();
                self.run_batch(
                    ctx,
                    bp.kind,
                    &items,
                    ts,
                    bp.timestamp.is_some(),
                    params.consistency,
                    params.serial_consistency,
                    now,
                    req,
                )
            }
            Plan::Use(ks) => {
                if self.cluster.store.schema().keyspace(ks).is_none() {
                    return Err(ExecError::invalid(format!(
                        "Keyspace '{ks}' does not exist"
                    )));
                }
                conn.keyspace = Some(ks.clone());
                set_keyspace_body(ks)
            }
            Plan::Other => match &compiled.parsed.statement {
                Statement::Describe(d) => {
                    req.event(|| "Describing the schema".to_string());
                    let paging = describe::DescribePaging {
                        page_size: params.page_size,
                        paging_state: params.paging_state.as_bytes_slice().map(|s| &s[..]),
                        secret: self.secret,
                        statement: compiled.statement_hash,
                    };
                    describe::run_describe(
                        &self.cluster,
                        ctx.node,
                        conn.keyspace.as_deref(),
                        d,
                        &paging,
                    )
                }
                statement => self.run_other(ctx, conn, statement, req),
            },
        }
    }

    fn run_other(
        &self,
        _ctx: &RequestContext<'_>,
        conn: &ConnectionState,
        statement: &Statement,
        req: &mut Req,
    ) -> ExecResult<Vec<u8>> {
        let cluster = &*self.cluster;
        let ks = conn.keyspace.as_deref();
        req.event(|| "Executing a schema statement".to_string());
        let event = match statement {
            Statement::CreateKeyspace(s) => ddl::create_keyspace(cluster, s)?,
            Statement::AlterKeyspace(s) => ddl::alter_keyspace(cluster, s)?,
            Statement::DropKeyspace(s) => ddl::drop_keyspace(cluster, s)?,
            Statement::CreateTable(s) => ddl::create_table(cluster, ks, s)?,
            Statement::AlterTable(s) => ddl::alter_table(cluster, ks, s)?,
            Statement::DropTable(s) => ddl::drop_table(cluster, ks, s)?,
            Statement::CreateType(s) => ddl::create_type(cluster, ks, s)?,
            Statement::AlterType(s) => ddl::alter_type(cluster, ks, s)?,
            Statement::DropType(s) => ddl::drop_type(cluster, ks, s)?,
            Statement::Truncate(s) => {
                ddl::truncate(cluster, ks, s)?;
                return Ok(void_body());
            }
            Statement::Unsupported(u) => {
                return Err(ExecError::invalid(format!(
                    "{} is not supported by scylla-sim",
                    u.kind
                )));
            }
            _ => return Err(ExecError::server("unexpected statement kind")),
        };
        match event {
            Some(e) => schema_change_body(&e),
            None => Ok(void_body()),
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn run_select(
        &self,
        ctx: &RequestContext<'_>,
        compiled: &Compiled,
        plan: &SelectPlan,
        routing: &Routing,
        cx: EvalCtx<'_>,
        params: &QueryParameters<'_>,
        new_metadata_id: Option<&[u8]>,
        now: Now,
        req: &mut Req,
    ) -> ExecResult<Vec<u8>> {
        if params.consistency == Consistency::Any {
            return Err(ExecError::invalid(
                "ANY ConsistencyLevel is only supported for writes",
            ));
        }
        let targets = read_targets(plan, &cx)?;
        let topology = self.cluster.topology();
        let map = topology.replica_map(&routing.strategy);
        if let Some(keys) = &targets.keys {
            if !routing.local && keys.len() == 1 {
                self.count_placement(ctx, &topology, &map, keys[0].token);
            }
            let tokens: Vec<i64> = keys.iter().map(|k| k.token).collect();
            self.check_consistency(
                ctx,
                &topology,
                routing,
                &map,
                Some(&tokens),
                params.consistency,
            )?;
            self.check_rate(&plan.table, keys, false)?;
        } else {
            self.check_consistency(ctx, &topology, routing, &map, None, params.consistency)?;
        }
        if plan.aggregate {
            match &targets.keys {
                None => req
                    .warnings
                    .push("Aggregation query used without partition key".to_string()),
                Some(k) if k.len() > 1 => req.warnings.push(
                    "Aggregation query used on multiple partition keys (IN restriction)"
                        .to_string(),
                ),
                _ => {}
            }
        }
        let schema = plan.table.schema();
        req.event(|| {
            format!(
                "Executing {} read on {}.{}",
                if targets.keys.as_ref().is_some_and(|k| k.len() == 1) {
                    "single-partition"
                } else {
                    "range"
                },
                schema.keyspace(),
                schema.name()
            )
        });
        let materialized;
        let table: &Table = match plan.virtual_table {
            Some(kind) => {
                materialized = crate::system::materialize(
                    kind,
                    &self.cluster,
                    ctx.node,
                    &plan.table,
                    targets.keys.as_deref(),
                )?;
                &materialized
            }
            None => &plan.table,
        };
        let opts = SelectOptions {
            page_size: params.page_size,
            paging_state: params.paging_state.as_bytes_slice().map(|s| &s[..]),
            secret: self.secret,
            statement: compiled.statement_hash,
            skip_metadata: params.skip_metadata,
            new_metadata_id,
            now,
        };
        let mut out = Vec::with_capacity(256);
        let result = run_select(plan, table, targets, cx, &opts, &mut out)?;
        req.event(|| format!("Read {} live rows", result.rows));
        Ok(out)
    }

    #[allow(clippy::too_many_arguments)]
    fn run_modify(
        &self,
        ctx: &RequestContext<'_>,
        plan: &ModifyPlan,
        routing: &Routing,
        cx: EvalCtx<'_>,
        params: &QueryParameters<'_>,
        now: Now,
        req: &mut Req,
    ) -> ExecResult<Vec<u8>> {
        let cl = params.consistency;
        if cl.is_serial() && !plan.is_lwt() {
            return Err(ExecError::invalid(
                "You must use conditional updates for serializable writes",
            ));
        }
        let schema = plan.table.schema();
        if plan.is_counter() && cl == Consistency::Any {
            return Err(ExecError::invalid(format!(
                "Consistency level ANY is not yet supported for counter table {}",
                schema.name()
            )));
        }
        let default_ts = match params.timestamp {
            Some(ts) => ts,
            None => self.next_timestamp(),
        };
        let ts = statement_timestamp(plan, &cx, default_ts)?;
        let muts = mutations(plan, &cx, ts)?;
        let topology = self.cluster.topology();
        let map = topology.replica_map(&routing.strategy);
        if muts.len() == 1 && !routing.local {
            self.count_placement(ctx, &topology, &map, muts[0].key.token);
        }
        let tokens: Vec<i64> = muts.iter().map(|m| m.key.token).collect();
        req.event(|| format!("Executing write on {}.{}", schema.keyspace(), schema.name()));
        if plan.is_lwt() {
            let serial = serial_of(params.serial_consistency);
            self.check_consistency(ctx, &topology, routing, &map, Some(&tokens), serial)?;
            if cl != Consistency::Any && !cl.is_serial() {
                self.check_consistency(ctx, &topology, routing, &map, Some(&tokens), cl)?;
            }
            let Some(m) = muts.into_iter().next() else {
                return Err(ExecError::invalid(
                    "A conditional update must name one partition",
                ));
            };
            self.check_rate(&plan.table, std::slice::from_ref(&m.key), true)?;
            let checks = live_checks(plan, &cx)?;
            let writes = m.writes;
            let outcome: CasOutcome = plan.table.cas(&m.key, now, |snap| {
                let o = evaluate_checks(snap, &checks, false)?;
                Ok((if o.applied { writes } else { Vec::new() }, o))
            })?;
            let mut out = Vec::new();
            write_cas_result(schema.keyspace(), schema.name(), &outcome, &mut out)?;
            return Ok(out);
        }
        self.check_consistency(ctx, &topology, routing, &map, Some(&tokens), cl)?;
        let keys: Vec<PartitionKey> = muts.iter().map(|m| m.key.clone()).collect();
        self.check_rate(&plan.table, &keys, true)?;
        for m in &muts {
            if !m.writes.is_empty() {
                plan.table.apply(&m.key, &m.writes, now)?;
            }
        }
        Ok(void_body())
    }

    #[allow(clippy::too_many_arguments)]
    fn run_batch(
        &self,
        ctx: &RequestContext<'_>,
        kind: BatchKind,
        items: &[(&ModifyPlan, &Routing, EvalCtx<'_>)],
        batch_ts: i64,
        custom_timestamp: bool,
        consistency: Consistency,
        serial: Option<SerialConsistency>,
        now: Now,
        req: &mut Req,
    ) -> ExecResult<Vec<u8>> {
        if items.is_empty() {
            return Ok(void_body());
        }
        let has_counter = items.iter().any(|(p, ..)| p.is_counter());
        let has_regular = items.iter().any(|(p, ..)| !p.is_counter());
        if has_counter && has_regular {
            return Err(ExecError::invalid(
                "Counter and non-counter mutations cannot exist in the same batch",
            ));
        }
        if kind == BatchKind::Logged && has_counter {
            return Err(ExecError::invalid(
                "Cannot include a counter statement in a logged batch",
            ));
        }
        if kind == BatchKind::Counter && has_regular {
            return Err(ExecError::invalid(
                "Cannot include non-counter statement in a counter batch",
            ));
        }
        let lwt = items.iter().any(|(p, ..)| p.is_lwt());
        if consistency.is_serial() && !lwt {
            return Err(ExecError::invalid(
                "You must use conditional updates for serializable writes",
            ));
        }
        if lwt && (custom_timestamp || items.iter().any(|(p, ..)| p.timestamp.is_some())) {
            return Err(ExecError::invalid(
                "Cannot provide custom timestamp for conditional BATCH",
            ));
        }
        // Group the writes by partition, in statement order.
        let mut groups: Vec<(Arc<Table>, &Routing, PartitionKey, Vec<crate::store::Write>)> =
            Vec::new();
        let mut value_bytes = 0usize;
        for (plan, routing, cx) in items {
            value_bytes += cx
                .values
                .iter()
                .map(|v| v.as_value().map_or(0, <[u8]>::len))
                .sum::<usize>();
            let ts = statement_timestamp(plan, cx, batch_ts)?;
            for m in mutations(plan, cx, ts)? {
                match groups
                    .iter_mut()
                    .find(|(t, _, k, _)| Arc::ptr_eq(t, &plan.table) && *k == m.key)
                {
                    Some(g) => g.3.extend(m.writes),
                    None => groups.push((plan.table.clone(), routing, m.key, m.writes)),
                }
            }
        }
        let topology = self.cluster.topology();
        if let [(_, routing, key, _)] = groups.as_slice()
            && !routing.local
        {
            let map = topology.replica_map(&routing.strategy);
            self.count_placement(ctx, &topology, &map, key.token);
        }
        let table_names = || {
            let mut names: Vec<String> = Vec::new();
            for (t, ..) in &groups {
                let n = format!("{}.{}", t.schema().keyspace(), t.schema().name());
                if !names.contains(&n) {
                    names.push(n);
                }
            }
            names.join(", ")
        };
        if kind == BatchKind::Unlogged && groups.len() > UNLOGGED_BATCH_WARN_PARTITIONS {
            req.warnings.push(format!(
                "Unlogged batch covering {} partitions detected against table{} [{}]. You should \
                 use a logged batch for atomicity, or asynchronous writes for performance.",
                groups.len(),
                if table_names().contains(',') { "s" } else { "" },
                table_names()
            ));
        }
        if value_bytes > BATCH_SIZE_WARN_BYTES {
            req.warnings.push(format!(
                "Batch modifying {} partitions in {} is of size {} bytes, exceeding specified \
                 WARN threshold of {} by {}.",
                groups.len(),
                table_names(),
                value_bytes,
                BATCH_SIZE_WARN_BYTES,
                value_bytes - BATCH_SIZE_WARN_BYTES
            ));
        }
        req.event(|| format!("Executing batch of {} statements", items.len()));
        if lwt {
            let [(table, routing, key, writes)] = groups.as_slice() else {
                let tables: Vec<_> = groups.iter().map(|g| g.0.schema().id()).collect();
                return Err(ExecError::invalid(
                    if tables.windows(2).any(|w| w[0] != w[1]) {
                        "Batch with conditions cannot span multiple tables"
                    } else {
                        "Batch with conditions cannot span multiple partitions"
                    },
                ));
            };
            let tokens = [key.token];
            let map = topology.replica_map(&routing.strategy);
            self.check_consistency(
                ctx,
                &topology,
                routing,
                &map,
                Some(&tokens),
                serial_of(serial),
            )?;
            if consistency != Consistency::Any && !consistency.is_serial() {
                self.check_consistency(ctx, &topology, routing, &map, Some(&tokens), consistency)?;
            }
            self.check_rate(table, std::slice::from_ref(key), true)?;
            let mut checks = Vec::new();
            for (plan, _, cx) in items {
                checks.extend(live_checks(plan, cx)?);
            }
            let writes = writes.clone();
            let outcome = table.cas(key, now, |snap| {
                let o = evaluate_checks(snap, &checks, true)?;
                Ok((if o.applied { writes } else { Vec::new() }, o))
            })?;
            let mut out = Vec::new();
            let schema = table.schema();
            write_cas_result(schema.keyspace(), schema.name(), &outcome, &mut out)?;
            return Ok(out);
        }
        for (table, routing, key, _) in &groups {
            let map = topology.replica_map(&routing.strategy);
            self.check_consistency(
                ctx,
                &topology,
                routing,
                &map,
                Some(&[key.token]),
                consistency,
            )?;
            self.check_rate(table, std::slice::from_ref(key), true)?;
        }
        if groups.len() > 1 {
            // Check every partition's writes before applying any of them (writes that
            // depend on the current content of a list can only be checked by applying
            // them).
            for (table, _, key, writes) in &groups {
                if !reads_current_value(writes) {
                    table.detached_copy().apply(key, writes, now)?;
                }
            }
        }
        for (table, _, key, writes) in &groups {
            if !writes.is_empty() {
                table.apply(key, writes, now)?;
            }
        }
        Ok(void_body())
    }
}

/// Whether applying `writes` depends on what the partition holds (list element
/// writes and removals).
fn reads_current_value(writes: &[crate::store::Write]) -> bool {
    writes.iter().any(|w| match w {
        crate::store::Write::Row(r) => r.ops.iter().any(|op| {
            matches!(
                op,
                crate::store::CellOp::SetIndex { .. } | crate::store::CellOp::Remove { .. }
            )
        }),
        _ => false,
    })
}

fn add_parameters(t: &mut Trace, p: &QueryParameters<'_>) {
    t.parameters.insert(
        "consistency_level".to_string(),
        p.consistency.as_str().to_string(),
    );
    if let Some(ps) = p.page_size {
        t.parameters.insert("page_size".to_string(), ps.to_string());
    }
    if let Some(s) = p.serial_consistency {
        t.parameters.insert(
            "serial_consistency_level".to_string(),
            format!("{s:?}").to_uppercase(),
        );
    }
}

/// `message` cut (on a character boundary) to fit a protocol `[string]`: a message
/// naming a very long identifier or value is still sent with its own error code.
fn fit_string(mut message: String) -> String {
    const MAX: usize = u16::MAX as usize;
    if message.len() > MAX {
        let mut end = MAX - 3;
        while !message.is_char_boundary(end) {
            end -= 1;
        }
        message.truncate(end);
        message.push_str("...");
    }
    message
}

/// An ERROR outcome.
fn error_outcome(
    features: &ProtocolFeatures,
    e: ExecError,
    warnings: Vec<String>,
    trace_id: Option<Uuid>,
) -> Outcome {
    let mut body = Vec::new();
    let err = CqlError {
        error: e.error,
        reason: fit_string(e.message),
    };
    if err.serialize(features, &mut body).is_err() {
        body.clear();
        // Only the extra fields (say an unprepared id) can still be too long: send a
        // short server error instead.
        let fallback = CqlError {
            error: scylla_cql::frame::response::error::DbError::ServerError,
            reason: "error too long to encode".to_string(),
        };
        let _ = fallback.serialize(features, &mut body);
    }
    Outcome {
        opcode: ResponseOpcode::Error,
        body,
        warnings,
        trace_id,
        custom_payload: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn executor() -> (Executor, NodeId) {
        let mut topology = Topology::new(1);
        let ip = IpAddr::V4(Ipv4Addr::LOCALHOST);
        let node = topology
            .add_node(crate::ring::NodeSpec::new(
                crate::ring::deterministic_host_id(1, 0),
                ip,
                "dc1",
                "r1",
            ))
            .unwrap();
        let cluster = Arc::new(ClusterState::new(
            crate::cluster::SimConfig::default(),
            crate::store::Store::new(),
            topology,
        ));
        (Executor::new(cluster), node)
    }

    #[test]
    fn long_unprepared_statements_are_not_cached() {
        let (exec, node) = executor();
        let features = ProtocolFeatures::default();
        let ctx = RequestContext {
            node,
            shard: 0,
            client: SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 1),
            features: &features,
            tracing: false,
            custom_payload: None,
        };
        let mut conn = ConnectionState::default();
        let run = |conn: &mut ConnectionState, text: String| {
            let q = Query {
                contents: std::borrow::Cow::Owned(text),
                parameters: QueryParameters::default(),
            };
            exec.handle_query(&ctx, conn, &q).opcode
        };
        let padding = "x".repeat(MAX_CACHED_TEXT_LEN);
        for i in 0..20 {
            let text =
                format!("SELECT key FROM system.local WHERE key = 'local' /* {i} {padding} */");
            assert_eq!(run(&mut conn, text), ResponseOpcode::Result);
        }
        let short = "SELECT key FROM system.local".to_string();
        assert_eq!(run(&mut conn, short.clone()), ResponseOpcode::Result);
        let texts = exec.texts.read().unwrap();
        assert_eq!(texts.len(), 1);
        assert!(texts.contains_key(&short));
    }

    #[test]
    fn long_messages_are_cut_to_fit_a_string() {
        assert_eq!(fit_string("short".to_string()), "short");
        let cut = fit_string("é".repeat(40_000));
        assert!(cut.len() <= usize::from(u16::MAX));
        assert!(cut.ends_with("é..."));
        let exact = "x".repeat(usize::from(u16::MAX));
        assert_eq!(fit_string(exact.clone()), exact);
        let e = error_outcome(
            &ProtocolFeatures::default(),
            ExecError::invalid("y".repeat(100_000)),
            Vec::new(),
            None,
        );
        let mut buf = &e.body[..];
        let code = scylla_cql::frame::types::read_int(&mut buf).unwrap();
        assert_eq!(code, scylla_cql::frame::response::error::code::INVALID);
    }
}
