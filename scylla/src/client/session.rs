//! [`Session`]: the connection to a cluster, and its configuration
//! ([`SessionConfig`]).
//!
//! A session knows the cluster's nodes and schema (kept up to date in the
//! background), keeps a connection pool to every node and sends each request to a
//! node that owns its data (on the shard that owns it, with ScyllaDB). Share one
//! session between tasks with an `Arc`: it is cheap to use concurrently, and opening
//! one is expensive.
//!
//! ```no_run
//! # async fn example() -> Result<(), Box<dyn std::error::Error>> {
//! use scylla::client::session::Session;
//! use scylla::client::session_builder::SessionBuilder;
//!
//! let session: Session = SessionBuilder::new().known_node("127.0.0.1:9042").build().await?;
//! session
//!     .query_unpaged(
//!         "CREATE KEYSPACE IF NOT EXISTS ks WITH replication = \
//!          {'class': 'NetworkTopologyStrategy', 'replication_factor': 1}",
//!         &[],
//!     )
//!     .await?;
//! session
//!     .query_unpaged("CREATE TABLE IF NOT EXISTS ks.t (a int PRIMARY KEY, b text)", &[])
//!     .await?;
//! let insert = session.prepare("INSERT INTO ks.t (a, b) VALUES (?, ?)").await?;
//! session.execute_unpaged(&insert, (1, "one")).await?;
//! let rows = session
//!     .query_unpaged("SELECT a, b FROM ks.t", &[])
//!     .await?
//!     .into_rows_result()?;
//! for row in rows.rows::<(i32, &str)>()? {
//!     let (a, b) = row?;
//!     println!("{a} {b}");
//! }
//! # Ok(())
//! # }
//! ```

// ExecutionError and friends are large, as upstream's are; they are the API.
#![allow(clippy::result_large_err)]

use std::borrow::Borrow;
use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use arc_swap::ArcSwapOption;
use scylla_cql::frame::request::query::{PagingState, PagingStateResponse};
use scylla_cql::frame::response::result;
use scylla_cql::serialize::batch::{BatchValues, BatchValuesIterator};
use scylla_cql::serialize::row::{RowSerializationContext, SerializeRow};
use uuid::Uuid;

use super::client_routes::ClientRoutesConfig;
use super::execution::{
    BatchFrame, Params, RequestContext, RequestFrame, RequestKind, Response, SessionShared,
    SingleFrame, Values, into_query_result, serialize_batch_values, unprepared_routing_info,
};
use super::execution_profile::{ExecutionProfileHandle, ExecutionProfileInner};
use super::pager::QueryPager;
use super::self_identity::SelfIdentity;
use super::{Compression, PoolSize, WriteCoalescingDelay};
use crate::authentication::AuthenticatorProvider;
use crate::cluster::metadata::PeriodicFetchMode;
use crate::cluster::worker::{Cluster, ClusterConfig, query_all_rows};
use crate::cluster::{ClusterState, KnownNode};
use crate::errors::{
    BadQuery, ConnectionError, ConnectionPoolError, ExecutionError, MaybeFirstRowError,
    MetadataError, MetadataFetchErrorKind, NewSessionError, NextPageError, NextRowError,
    PagerExecutionError, PrepareError, RequestAttemptError, RequestError, RowsError,
    SchemaAgreementError, TracingError, UseKeyspaceError,
};
use crate::network::connection::{ConnectionConfig, StartupIdentity, VerifiedKeyspaceName};
use crate::network::connection_pool::PoolConfig;
use crate::observability::tracing::{
    TRACES_EVENTS_QUERY_STR, TRACES_SESSION_QUERY_STR, TracingEvent, TracingInfo,
};
use crate::policies::address_translator::AddressTranslator;
use crate::policies::host_filter::HostFilter;
use crate::policies::timestamp_generator::TimestampGenerator;
use crate::response::query_result::QueryResult;
use crate::routing::partitioner::PartitionerName;
use crate::routing::{NodeLocationPreference, ShardAwarePortRange};
use crate::statement::batch::{Batch, BatchStatement};
use crate::statement::bound::BoundStatement;
use crate::statement::prepared::PreparedStatement;
use crate::statement::unprepared::Statement;
use crate::statement::{Consistency, PageSize, StatementConfig};

#[cfg(feature = "metrics")]
use crate::observability::metrics::Metrics;

#[cfg(feature = "openssl-010")]
pub use crate::network::tls::OpenSsl010Config;
pub use crate::network::tls::TlsContext;

/// The default CQL port.
const DEFAULT_PORT: u16 = 9042;

/// Everything that configures a session. Build it with
/// [`SessionBuilder`](super::session_builder::SessionBuilder), or fill in the
/// fields and call [`Session::connect`].
#[derive(Clone)]
#[non_exhaustive]
pub struct SessionConfig {
    /// The contact points: nodes to learn the cluster from.
    pub known_nodes: Vec<KnownNode>,
    /// The session's preferred datacenter (and rack), which load-balancing policies
    /// may inherit.
    pub node_location_preference: NodeLocationPreference,
    /// The local address to connect from.
    pub local_ip_address: Option<IpAddr>,
    /// The local ports connections to shard-aware ports come from.
    pub shard_aware_local_port_range: ShardAwarePortRange,
    /// Frame compression, if the nodes offer it.
    pub compression: Option<Compression>,
    /// TCP_NODELAY.
    pub tcp_nodelay: bool,
    /// TCP keepalive interval.
    pub tcp_keepalive_interval: Option<Duration>,
    /// SO_RCVBUF.
    pub tcp_recv_buffer_size: Option<usize>,
    /// SO_SNDBUF.
    pub tcp_send_buffer_size: Option<usize>,
    /// SO_REUSEADDR.
    pub tcp_reuse_address: Option<bool>,
    /// SO_LINGER.
    pub tcp_linger: Option<Duration>,
    /// The execution profile of statements that name none.
    pub default_execution_profile_handle: ExecutionProfileHandle,
    /// The keyspace every connection uses.
    pub used_keyspace: Option<String>,
    /// Whether [`used_keyspace`](Self::used_keyspace) is case-sensitive.
    pub keyspace_case_sensitive: bool,
    /// TLS.
    pub tls_context: Option<TlsContext>,
    /// Credentials.
    pub authenticator: Option<Arc<dyn AuthenticatorProvider>>,
    /// The limit on opening one connection.
    pub connect_timeout: Duration,
    /// The limit on resolving one host name.
    pub hostname_resolution_timeout: Option<Duration>,
    /// How many connections to keep to each node.
    pub connection_pool_size: PoolSize,
    /// Never connect to the shard-aware port.
    pub disallow_shard_aware_port: bool,
    /// Client-side timestamps (`None`: the nodes assign them).
    pub timestamp_generator: Option<Arc<dyn TimestampGenerator>>,
    /// The keyspaces whose schema is read (empty: all).
    pub keyspaces_to_fetch: Vec<String>,
    /// Whether the schema is read.
    pub fetch_schema_metadata: bool,
    /// Whether tables, columns, types and views are read (else only keyspaces).
    pub fetch_full_schema_metadata: bool,
    /// The server-side timeout of metadata queries (ScyllaDB).
    pub metadata_request_serverside_timeout: Option<Duration>,
    /// The client-side timeout of metadata queries (`None`: the server-side one plus
    /// a second, or 30 seconds).
    pub metadata_request_clientside_timeout: Option<Duration>,
    /// How often idle connections send a keepalive.
    pub keepalive_interval: Option<Duration>,
    /// How long a keepalive may take before its connection is closed.
    pub keepalive_timeout: Option<Duration>,
    /// How often schema agreement is checked while waiting for it.
    pub schema_agreement_interval: Duration,
    /// How long to wait for schema agreement.
    pub schema_agreement_timeout: Duration,
    /// Whether schema-changing statements wait for schema agreement.
    pub schema_agreement_automatic_waiting: bool,
    /// Whether metadata is refreshed after that automatic wait.
    pub refresh_metadata_on_auto_schema_agreement: bool,
    /// Translates the addresses nodes broadcast.
    pub address_translator: Option<Arc<dyn AddressTranslator>>,
    /// Decides which nodes are connected to.
    pub host_filter: Option<Arc<dyn HostFilter>>,
    /// Whether requests queued together are written together.
    pub enable_write_coalescing: bool,
    /// The wait of write coalescing.
    pub write_coalescing_delay: WriteCoalescingDelay,
    /// How many times an incomplete trace is read again.
    pub tracing_info_fetch_attempts: NonZeroU32,
    /// The pause between those reads.
    pub tracing_info_fetch_interval: Duration,
    /// The consistency of those reads.
    pub tracing_info_fetch_consistency: Consistency,
    /// How often the metadata is re-read.
    pub cluster_metadata_refresh_interval: Duration,
    /// What the periodic refresh re-reads.
    pub periodic_metadata_fetch_mode: PeriodicFetchMode,
    /// What the driver tells the nodes about itself.
    pub identity: SelfIdentity<'static>,
    /// Whether a summary of the configuration is sent in STARTUP.
    pub driver_config_reporting: bool,
    /// Client routes (set by `ClientRoutesSessionBuilder`): not supported by this
    /// driver, so [`Session::connect`] refuses a configuration that has them.
    pub(crate) client_routes_config: Option<ClientRoutesConfig>,
}

impl Default for SessionConfig {
    fn default() -> Self {
        Self {
            known_nodes: Vec::new(),
            node_location_preference: NodeLocationPreference::Any,
            local_ip_address: None,
            shard_aware_local_port_range: ShardAwarePortRange::EPHEMERAL_PORT_RANGE,
            compression: None,
            tcp_nodelay: true,
            tcp_keepalive_interval: None,
            tcp_recv_buffer_size: None,
            tcp_send_buffer_size: None,
            tcp_reuse_address: None,
            tcp_linger: None,
            default_execution_profile_handle: super::execution_profile::ExecutionProfile::default()
                .into_handle(),
            used_keyspace: None,
            keyspace_case_sensitive: false,
            tls_context: None,
            authenticator: None,
            connect_timeout: Duration::from_secs(5),
            hostname_resolution_timeout: Some(Duration::from_secs(5)),
            connection_pool_size: PoolSize::default(),
            disallow_shard_aware_port: false,
            timestamp_generator: None,
            keyspaces_to_fetch: Vec::new(),
            fetch_schema_metadata: true,
            fetch_full_schema_metadata: true,
            metadata_request_serverside_timeout: Some(Duration::from_secs(30)),
            metadata_request_clientside_timeout: None,
            keepalive_interval: Some(Duration::from_secs(30)),
            keepalive_timeout: Some(Duration::from_secs(30)),
            schema_agreement_interval: Duration::from_millis(200),
            schema_agreement_timeout: Duration::from_secs(60),
            schema_agreement_automatic_waiting: true,
            refresh_metadata_on_auto_schema_agreement: true,
            address_translator: None,
            host_filter: None,
            enable_write_coalescing: true,
            write_coalescing_delay: WriteCoalescingDelay::SmallNondeterministic,
            tracing_info_fetch_attempts: NonZeroU32::new(10).unwrap_or(NonZeroU32::MIN),
            tracing_info_fetch_interval: Duration::from_millis(3),
            tracing_info_fetch_consistency: Consistency::One,
            cluster_metadata_refresh_interval: Duration::from_secs(60),
            periodic_metadata_fetch_mode: PeriodicFetchMode::AffectedKeyspaces,
            identity: SelfIdentity::default(),
            driver_config_reporting: true,
            client_routes_config: None,
        }
    }
}

impl SessionConfig {
    /// The default configuration.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a contact point given as `host` or `host:port`.
    pub fn add_known_node(&mut self, hostname: impl AsRef<str>) {
        self.known_nodes
            .push(KnownNode::Hostname(hostname.as_ref().to_owned()));
    }

    /// Adds a contact point given as a socket address.
    pub fn add_known_node_addr(&mut self, node_addr: SocketAddr) {
        self.known_nodes.push(KnownNode::Address(node_addr));
    }

    /// Adds contact points given as `host` or `host:port`.
    pub fn add_known_nodes(&mut self, hostnames: impl IntoIterator<Item = impl AsRef<str>>) {
        for h in hostnames {
            self.add_known_node(h);
        }
    }

    /// Adds contact points given as socket addresses.
    pub fn add_known_nodes_addr(
        &mut self,
        node_addrs: impl IntoIterator<Item = impl Borrow<SocketAddr>>,
    ) {
        for a in node_addrs {
            self.add_known_node_addr(*a.borrow());
        }
    }

    fn driver_config_summary(&self) -> String {
        fn esc(s: &str) -> String {
            s.replace('\\', "\\\\").replace('"', "\\\"")
        }
        let profile = self.default_execution_profile_handle.to_profile();
        format!(
            "{{\"compression\":{},\"tls\":{},\"authentication\":{},\"pool_size\":\"{}\",\
             \"shard_aware_port\":{},\"consistency\":\"{}\",\"request_timeout_ms\":{},\
             \"load_balancing\":\"{}\",\"keyspace\":{},\"write_coalescing\":{}}}",
            self.compression
                .map_or("null".to_owned(), |c| format!("\"{c}\"")),
            self.tls_context.is_some(),
            self.authenticator.is_some(),
            esc(&format!("{:?}", self.connection_pool_size)),
            !self.disallow_shard_aware_port,
            profile.get_consistency(),
            profile
                .get_request_timeout()
                .map_or("null".to_owned(), |t| t.as_millis().to_string()),
            esc(&profile.get_load_balancing_policy().name()),
            self.used_keyspace
                .as_deref()
                .map_or("null".to_owned(), |k| format!("\"{}\"", esc(k))),
            self.enable_write_coalescing,
        )
    }
}

/// A session with a cluster. See the [module documentation](self).
pub struct Session {
    shared: Arc<SessionShared>,
    cluster: Cluster,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.shared.fmt(f)
    }
}

/// Splits `host[:port]` (or `[v6]:port`) into host and port.
fn split_host_port(s: &str) -> (&str, u16) {
    if let Some(rest) = s.strip_prefix('[')
        && let Some((host, after)) = rest.split_once(']')
    {
        let port = after
            .strip_prefix(':')
            .and_then(|p| p.parse().ok())
            .unwrap_or(DEFAULT_PORT);
        return (host, port);
    }
    match s.rsplit_once(':') {
        // A single colon: host:port. More colons: a bare IPv6 address.
        Some((host, port)) if !host.contains(':') => match port.parse() {
            Ok(p) => (host, p),
            Err(_) => (s, DEFAULT_PORT),
        },
        _ => (s, DEFAULT_PORT),
    }
}

/// Resolves the known nodes; fails only if none resolves.
async fn resolve_known_nodes(
    known: &[KnownNode],
    timeout: Option<Duration>,
) -> Result<Vec<SocketAddr>, NewSessionError> {
    let mut addrs: Vec<SocketAddr> = Vec::new();
    let mut failed: Vec<String> = Vec::new();
    let mut hostnames: Vec<String> = Vec::new();
    for node in known {
        match node {
            KnownNode::Address(a) => addrs.push(*a),
            KnownNode::Hostname(h) => {
                hostnames.push(h.clone());
                let (host, port) = split_host_port(h);
                if let Ok(ip) = host.parse::<IpAddr>() {
                    addrs.push(SocketAddr::new(ip, port));
                    continue;
                }
                let lookup = tokio::net::lookup_host((host, port));
                let result = match timeout {
                    Some(t) => match tokio::time::timeout(t, lookup).await {
                        Ok(r) => r,
                        Err(_) => {
                            tracing::warn!("resolving {h} timed out after {t:?}");
                            failed.push(h.clone());
                            continue;
                        }
                    },
                    None => lookup.await,
                };
                match result {
                    Ok(resolved) => {
                        let before = addrs.len();
                        addrs.extend(resolved);
                        if addrs.len() == before {
                            tracing::warn!("{h} resolved to no address");
                            failed.push(h.clone());
                        }
                    }
                    Err(e) => {
                        tracing::warn!("failed to resolve {h}: {e}");
                        failed.push(h.clone());
                    }
                }
            }
        }
    }
    let mut unique = Vec::with_capacity(addrs.len());
    for a in addrs {
        if !unique.contains(&a) {
            unique.push(a);
        }
    }
    if unique.is_empty() {
        return Err(NewSessionError::FailedToResolveAnyHostname(hostnames));
    }
    Ok(unique)
}

impl Session {
    /// Connects to the cluster: resolves the known nodes, opens a control connection
    /// to one of them, reads the topology and schema, and opens a connection pool to
    /// every node. With [`SessionConfig::used_keyspace`], switches to that keyspace.
    pub async fn connect(config: SessionConfig) -> Result<Session, NewSessionError> {
        if let Some(client_routes) = &config.client_routes_config {
            return Err(NewSessionError::IllegalConfig(
                client_routes.unsupported_message().into(),
            ));
        }
        if config.known_nodes.is_empty() {
            return Err(NewSessionError::EmptyKnownNodesList);
        }
        if config.schema_agreement_interval.is_zero() {
            return Err(NewSessionError::IllegalConfig(
                "schema_agreement_interval must be positive".into(),
            ));
        }
        let keyspace = config
            .used_keyspace
            .clone()
            .map(|ks| VerifiedKeyspaceName::new(ks, config.keyspace_case_sensitive))
            .transpose()
            .map_err(|e| NewSessionError::UseKeyspaceError(UseKeyspaceError::BadKeyspaceName(e)))?;
        let known_addresses =
            resolve_known_nodes(&config.known_nodes, config.hostname_resolution_timeout).await?;
        let session_id = Uuid::new_v4();
        let identity = StartupIdentity {
            self_identity: config.identity.clone(),
            session_id: Some(session_id),
            driver_config: config
                .driver_config_reporting
                .then(|| Arc::from(config.driver_config_summary())),
        };
        let connection_config = ConnectionConfig {
            local_ip_address: config.local_ip_address,
            compression: config.compression,
            tcp_nodelay: config.tcp_nodelay,
            tcp_keepalive_interval: config.tcp_keepalive_interval,
            tcp_recv_buffer_size: config.tcp_recv_buffer_size,
            tcp_send_buffer_size: config.tcp_send_buffer_size,
            tcp_reuse_address: config.tcp_reuse_address,
            tcp_linger: config.tcp_linger,
            tls_context: config.tls_context.clone(),
            authenticator: config.authenticator.clone(),
            connect_timeout: config.connect_timeout,
            keepalive_interval: config.keepalive_interval,
            keepalive_timeout: config.keepalive_timeout,
            enable_write_coalescing: config.enable_write_coalescing,
            write_coalescing_delay: config.write_coalescing_delay,
            identity,
            ..ConnectionConfig::default()
        };
        let pool_config = PoolConfig {
            connection_config,
            pool_size: config.connection_pool_size,
            can_use_shard_aware_port: !config.disallow_shard_aware_port,
            shard_aware_local_port_range: config.shard_aware_local_port_range.clone(),
            ..PoolConfig::default()
        };
        #[cfg(feature = "metrics")]
        let metrics = Arc::new(Metrics::new());
        let clientside_timeout = config.metadata_request_clientside_timeout.unwrap_or(
            config
                .metadata_request_serverside_timeout
                .map_or(Duration::from_secs(30), |t| t + Duration::from_secs(1)),
        );
        let cluster = Cluster::new(ClusterConfig {
            known_addresses,
            pool_config,
            host_filter: config.host_filter.clone(),
            address_translator: config.address_translator.clone(),
            fetch_schema_metadata: config.fetch_schema_metadata,
            fetch_full_schema_metadata: config.fetch_full_schema_metadata,
            keyspaces_to_fetch: config.keyspaces_to_fetch.clone(),
            metadata_request_serverside_timeout: config.metadata_request_serverside_timeout,
            metadata_request_clientside_timeout: clientside_timeout,
            refresh_interval: config.cluster_metadata_refresh_interval,
            periodic_fetch_mode: config.periodic_metadata_fetch_mode,
            #[cfg(feature = "metrics")]
            metrics: Arc::clone(&metrics),
        })
        .await?;
        let shared = Arc::new(SessionShared {
            cluster: Arc::clone(cluster.shared()),
            default_profile: config.default_execution_profile_handle.clone(),
            location_preference: config.node_location_preference.clone(),
            timestamp_generator: config.timestamp_generator.clone(),
            keyspace: ArcSwapOption::empty(),
            schema_agreement_interval: config.schema_agreement_interval,
            schema_agreement_timeout: config.schema_agreement_timeout,
            schema_agreement_automatic_waiting: config.schema_agreement_automatic_waiting,
            refresh_metadata_on_auto_schema_agreement: config
                .refresh_metadata_on_auto_schema_agreement,
            tracing_info_fetch_attempts: config.tracing_info_fetch_attempts,
            tracing_info_fetch_interval: config.tracing_info_fetch_interval,
            tracing_info_fetch_consistency: config.tracing_info_fetch_consistency,
            session_id,
            #[cfg(feature = "metrics")]
            metrics,
        });
        let session = Session { shared, cluster };
        if let Some(ks) = keyspace {
            session.shared.use_keyspace(ks).await?;
        }
        Ok(session)
    }

    /// Runs an unprepared statement and returns all its rows (no paging). With
    /// non-empty `values`, the statement is prepared first (two round trips).
    pub async fn query_unpaged(
        &self,
        statement: impl Into<Statement>,
        values: impl SerializeRow,
    ) -> Result<QueryResult, ExecutionError> {
        let statement: Statement = statement.into();
        let (result, paging) = self
            .run_statement(
                &statement,
                values,
                None,
                PagingState::start(),
                RequestKind::Unpaged,
            )
            .await?;
        unpaged_result(result, paging)
    }

    /// Runs an unprepared statement and returns one page of rows, starting at
    /// `paging_state` ([`PagingState::start`] for the first page), and where the next
    /// page starts.
    pub async fn query_single_page(
        &self,
        statement: impl Into<Statement>,
        values: impl SerializeRow,
        paging_state: PagingState,
    ) -> Result<(QueryResult, PagingStateResponse), ExecutionError> {
        let statement: Statement = statement.into();
        let page_size = Some(statement.page_size());
        self.run_statement(
            &statement,
            values,
            page_size,
            paging_state,
            RequestKind::ManuallyPaged,
        )
        .await
    }

    /// Runs an unprepared statement and returns a pager that fetches its pages as the
    /// rows are read.
    pub async fn query_iter(
        &self,
        statement: impl Into<Statement>,
        values: impl SerializeRow,
    ) -> Result<QueryPager, PagerExecutionError> {
        let statement: Statement = statement.into();
        if values.is_empty() {
            QueryPager::new_for_query(Arc::clone(&self.shared), statement).await
        } else {
            let prepared = self.shared.prepare(&statement).await?;
            let values = prepared.serialize_values(&values)?;
            QueryPager::new_for_prepared(Arc::clone(&self.shared), prepared, values).await
        }
    }

    /// Executes a prepared statement and returns all its rows (no paging).
    pub async fn execute_unpaged(
        &self,
        prepared: &PreparedStatement,
        values: impl SerializeRow,
    ) -> Result<QueryResult, ExecutionError> {
        let (result, paging) = self
            .run_prepared(
                prepared,
                values,
                None,
                PagingState::start(),
                RequestKind::Unpaged,
            )
            .await?;
        unpaged_result(result, paging)
    }

    /// Executes a prepared statement and returns one page of rows.
    pub async fn execute_single_page(
        &self,
        prepared: &PreparedStatement,
        values: impl SerializeRow,
        paging_state: PagingState,
    ) -> Result<(QueryResult, PagingStateResponse), ExecutionError> {
        self.run_prepared(
            prepared,
            values,
            Some(prepared.page_size()),
            paging_state,
            RequestKind::ManuallyPaged,
        )
        .await
    }

    /// Executes a prepared statement and returns a pager over its rows.
    pub async fn execute_iter(
        &self,
        prepared: impl Into<PreparedStatement>,
        values: impl SerializeRow,
    ) -> Result<QueryPager, PagerExecutionError> {
        let prepared: PreparedStatement = prepared.into();
        let values = prepared.serialize_values(&values)?;
        QueryPager::new_for_prepared(Arc::clone(&self.shared), prepared, values).await
    }

    /// Executes a bound statement and returns all its rows.
    pub async fn execute_bound_unpaged(
        &self,
        bound: &BoundStatement,
    ) -> Result<QueryResult, ExecutionError> {
        let (result, paging) = self
            .run_bound(bound, None, PagingState::start(), RequestKind::Unpaged)
            .await?;
        unpaged_result(result, paging)
    }

    /// Executes a bound statement and returns one page of rows.
    pub async fn execute_bound_single_page(
        &self,
        bound: &BoundStatement,
        paging_state: PagingState,
    ) -> Result<(QueryResult, PagingStateResponse), ExecutionError> {
        let page_size = Some(bound.prepared().page_size());
        self.run_bound(bound, page_size, paging_state, RequestKind::ManuallyPaged)
            .await
    }

    /// Executes a bound statement and returns a pager over its rows.
    pub async fn execute_bound_iter(
        &self,
        bound: BoundStatement,
    ) -> Result<QueryPager, PagerExecutionError> {
        let BoundStatement { prepared, values } = bound;
        QueryPager::new_for_prepared(Arc::clone(&self.shared), prepared, values).await
    }

    /// Runs an unprepared statement: as it is without values, else prepared first and
    /// executed with them.
    async fn run_statement(
        &self,
        statement: &Statement,
        values: impl SerializeRow,
        page_size: Option<PageSize>,
        paging_state: PagingState,
        kind: RequestKind,
    ) -> Result<(QueryResult, PagingStateResponse), ExecutionError> {
        if values.is_empty() {
            self.shared
                .query(statement, page_size, paging_state, kind)
                .await
        } else {
            let prepared = self.shared.prepare(statement).await?;
            self.run_prepared(&prepared, values, page_size, paging_state, kind)
                .await
        }
    }

    /// Serializes `values` for a prepared statement and executes it.
    async fn run_prepared(
        &self,
        prepared: &PreparedStatement,
        values: impl SerializeRow,
        page_size: Option<PageSize>,
        paging_state: PagingState,
        kind: RequestKind,
    ) -> Result<(QueryResult, PagingStateResponse), ExecutionError> {
        let frame = self
            .shared
            .build_execute(prepared, &values, page_size, paging_state)?;
        self.shared.execute(prepared, frame, kind).await
    }

    /// Executes a bound statement (its values already serialized).
    async fn run_bound(
        &self,
        bound: &BoundStatement,
        page_size: Option<PageSize>,
        paging_state: PagingState,
        kind: RequestKind,
    ) -> Result<(QueryResult, PagingStateResponse), ExecutionError> {
        let prepared = bound.prepared();
        let frame = self.shared.build_execute_serialized(
            prepared,
            bound.values(),
            page_size,
            paging_state,
        )?;
        self.shared.execute(prepared, frame, kind).await
    }

    /// Executes a batch. Unprepared statements with values are prepared first.
    pub async fn batch(
        &self,
        batch: &Batch,
        values: impl BatchValues,
    ) -> Result<QueryResult, ExecutionError> {
        if batch.statements.len() > u16::MAX as usize {
            return Err(ExecutionError::BadQuery(
                BadQuery::TooManyQueriesInBatchStatement(batch.statements.len()),
            ));
        }
        // Unprepared statements with values need their bind markers' types.
        let to_prepare: Vec<usize> = {
            let mut iter = values.batch_values_iter();
            batch
                .statements
                .iter()
                .enumerate()
                .filter_map(|(i, s)| {
                    let empty = iter.is_empty_next().unwrap_or(true);
                    (matches!(s, BatchStatement::Query(_)) && !empty).then_some(i)
                })
                .collect()
        };
        let prepared_batch;
        let batch = if to_prepare.is_empty() {
            batch
        } else {
            let mut statements = batch.statements.clone();
            for i in to_prepare {
                if let Some(BatchStatement::Query(s)) = batch.statements.get(i) {
                    let p = self.shared.prepare(s).await?;
                    if let Some(slot) = statements.get_mut(i) {
                        *slot = BatchStatement::PreparedStatement(p);
                    }
                }
            }
            prepared_batch = batch.with_statements_like(statements);
            &prepared_batch
        };
        let serialized = serialize_batch_values(batch, &values)
            .map_err(|e| ExecutionError::BadQuery(BadQuery::SerializationError(e)))?;
        self.shared.batch(batch, &serialized).await
    }

    /// Prepares a statement on every node.
    pub async fn prepare(
        &self,
        statement: impl Into<Statement>,
    ) -> Result<PreparedStatement, PrepareError> {
        let statement: Statement = statement.into();
        self.shared.prepare(&statement).await
    }

    /// A copy of `batch` with every statement prepared.
    pub async fn prepare_batch(&self, batch: &Batch) -> Result<Batch, PrepareError> {
        let mut statements = Vec::with_capacity(batch.statements.len());
        for s in &batch.statements {
            statements.push(match s {
                BatchStatement::Query(q) => {
                    BatchStatement::PreparedStatement(self.shared.prepare(q).await?)
                }
                other => other.clone(),
            });
        }
        Ok(batch.with_statements_like(statements))
    }

    /// Switches every connection to `keyspace_name` (`USE`), so that statements may
    /// name tables without their keyspace. `case_sensitive` quotes the name.
    pub async fn use_keyspace(
        &self,
        keyspace_name: impl Into<String>,
        case_sensitive: bool,
    ) -> Result<(), UseKeyspaceError> {
        let ks = VerifiedKeyspaceName::new(keyspace_name.into(), case_sensitive)?;
        self.shared.use_keyspace(ks).await
    }

    /// Re-reads the cluster's topology and schema now.
    pub async fn refresh_metadata(&self) -> Result<(), MetadataError> {
        self.shared.cluster.refresh_metadata().await
    }

    /// Waits until all nodes agree on the schema version (bounded by
    /// `schema_agreement_timeout`), and returns it.
    pub async fn await_schema_agreement(&self) -> Result<Uuid, SchemaAgreementError> {
        self.shared.await_schema_agreement().await
    }

    /// The schema version if all reachable nodes agree on one, else `None`.
    pub async fn check_schema_agreement(&self) -> Result<Option<Uuid>, SchemaAgreementError> {
        self.shared.check_schema_agreement().await
    }

    /// Reads the trace of a traced request (its result's `tracing_id`), retrying
    /// while the trace is incomplete.
    pub async fn get_tracing_info(&self, tracing_id: &Uuid) -> Result<TracingInfo, TracingError> {
        self.shared.get_tracing_info(tracing_id).await
    }

    /// The cluster as the session knows it now.
    pub fn get_cluster_state(&self) -> Arc<ClusterState> {
        self.shared.cluster.state_arc()
    }

    /// The session's metrics.
    #[cfg(feature = "metrics")]
    pub fn get_metrics(&self) -> Arc<Metrics> {
        Arc::clone(&self.shared.metrics)
    }

    /// The keyspace in use, if any.
    pub fn get_keyspace(&self) -> Option<Arc<String>> {
        self.shared.keyspace.load_full()
    }

    /// The handle of the default execution profile (re-point it with
    /// [`ExecutionProfileHandle::map_to_another_profile`]).
    pub fn get_default_execution_profile_handle(&self) -> &ExecutionProfileHandle {
        &self.shared.default_profile
    }

    /// The id this session sends to the nodes (`SESSION_ID` in STARTUP).
    pub fn session_id(&self) -> Uuid {
        self.shared.session_id
    }

    /// Keeps the cluster worker alive as long as the session (used by tests).
    #[allow(dead_code)]
    pub(crate) fn cluster(&self) -> &Cluster {
        &self.cluster
    }
}

fn unpaged_result(
    result: QueryResult,
    paging: PagingStateResponse,
) -> Result<QueryResult, ExecutionError> {
    if paging.finished() {
        Ok(result)
    } else {
        Err(ExecutionError::LastAttemptError(
            RequestAttemptError::NonfinishedPagingState,
        ))
    }
}

/// An EXECUTE frame and the settings it was built with.
pub(crate) struct ExecuteFrame {
    frame: SingleFrame,
    profile: Arc<ExecutionProfileInner>,
}

impl ExecuteFrame {
    /// The token of this EXECUTE of `prepared`, from the values in the frame.
    pub(crate) fn token(
        &self,
        prepared: &PreparedStatement,
    ) -> Result<Option<crate::routing::Token>, crate::statement::prepared::PartitionKeyError> {
        self.frame.token(prepared)
    }
}

impl SessionShared {
    fn params(
        &self,
        config: &StatementConfig,
        profile: &ExecutionProfileInner,
        page_size: Option<PageSize>,
        paging_state: PagingState,
        skip_metadata: bool,
    ) -> Params {
        Params {
            consistency: config.determine_consistency(profile),
            serial_consistency: config.determine_serial_consistency(profile),
            timestamp: self.timestamp_for(config),
            page_size,
            paging_state,
            skip_metadata,
        }
    }

    /// Builds the EXECUTE frame of `prepared` with `values` serialized into it.
    /// Synchronous, so that the caller's future does not hold the values' reference.
    pub(crate) fn build_execute(
        &self,
        prepared: &PreparedStatement,
        values: &dyn SerializeRow,
        page_size: Option<PageSize>,
        paging_state: PagingState,
    ) -> Result<ExecuteFrame, ExecutionError> {
        let ctx = RowSerializationContext::from_prepared(prepared.get_prepared_metadata());
        self.build_execute_from(
            prepared,
            Values::Row(values, ctx),
            64,
            page_size,
            paging_state,
        )
    }

    /// [`build_execute`](Self::build_execute) with values already serialized.
    pub(crate) fn build_execute_serialized(
        &self,
        prepared: &PreparedStatement,
        values: &scylla_cql::serialize::row::SerializedValues,
        page_size: Option<PageSize>,
        paging_state: PagingState,
    ) -> Result<ExecuteFrame, ExecutionError> {
        self.build_execute_from(
            prepared,
            Values::Raw(values.element_count(), values.get_contents()),
            values.buffer_size(),
            page_size,
            paging_state,
        )
    }

    fn build_execute_from(
        &self,
        prepared: &PreparedStatement,
        values: Values<'_>,
        size_hint: usize,
        page_size: Option<PageSize>,
        paging_state: PagingState,
    ) -> Result<ExecuteFrame, ExecutionError> {
        let profile = self.profile_for(&prepared.config);
        let skip_metadata = prepared.get_use_cached_result_metadata()
            || prepared.current_result_metadata().id().is_some();
        let params = self.params(
            &prepared.config,
            &profile,
            page_size,
            paging_state,
            skip_metadata,
        );
        let frame = SingleFrame::execute(
            prepared,
            values,
            &params,
            prepared.config.tracing,
            size_hint,
        )?;
        Ok(ExecuteFrame { frame, profile })
    }

    /// Sends a built EXECUTE.
    pub(crate) async fn execute(
        &self,
        prepared: &PreparedStatement,
        frame: ExecuteFrame,
        kind: RequestKind,
    ) -> Result<(QueryResult, PagingStateResponse), ExecutionError> {
        let response = self.execute_response(prepared, frame, kind).await?;
        self.after_response(&response).await?;
        Ok(into_query_result(response))
    }

    /// Sends a built EXECUTE; the raw response (for pagers).
    pub(crate) async fn execute_response(
        &self,
        prepared: &PreparedStatement,
        frame: ExecuteFrame,
        kind: RequestKind,
    ) -> Result<Response, ExecutionError> {
        let token = frame
            .token(prepared)
            .map_err(|e| e.into_execution_error())?;
        self.execute_response_with_token(prepared, frame, token, kind)
            .await
    }

    /// Sends a built EXECUTE whose token is already computed; the raw response.
    pub(crate) async fn execute_response_with_token(
        &self,
        prepared: &PreparedStatement,
        frame: ExecuteFrame,
        token: Option<crate::routing::Token>,
        kind: RequestKind,
    ) -> Result<Response, ExecutionError> {
        let ExecuteFrame { frame, profile } = frame;
        let consistency = prepared.config.determine_consistency(&profile);
        let serial = prepared.config.determine_serial_consistency(&profile);
        let routing_info =
            prepared.routing_info(consistency, serial, token, &self.location_preference);
        let cluster = self.cluster.state_arc();
        let ctx = RequestContext {
            config: &prepared.config,
            profile: &profile,
            routing_info: &routing_info,
            cluster: &cluster,
            kind,
        };
        self.run_request(&ctx, RequestFrame::Execute(frame, prepared))
            .await
            .map_err(RequestError::into_execution_error)
    }

    /// Runs an unprepared statement without values.
    pub(crate) async fn query(
        &self,
        statement: &Statement,
        page_size: Option<PageSize>,
        paging_state: PagingState,
        kind: RequestKind,
    ) -> Result<(QueryResult, PagingStateResponse), ExecutionError> {
        let response = self
            .query_response(statement, page_size, paging_state, kind)
            .await?;
        self.after_response(&response).await?;
        Ok(into_query_result(response))
    }

    /// Runs an unprepared statement without values; the raw response.
    pub(crate) async fn query_response(
        &self,
        statement: &Statement,
        page_size: Option<PageSize>,
        paging_state: PagingState,
        kind: RequestKind,
    ) -> Result<Response, ExecutionError> {
        let profile = self.profile_for(&statement.config);
        let params = self.params(&statement.config, &profile, page_size, paging_state, false);
        let frame = SingleFrame::query(&statement.contents, &params, statement.config.tracing)?;
        let routing_info = unprepared_routing_info(
            params.consistency,
            params.serial_consistency,
            &self.location_preference,
        );
        let cluster = self.cluster.state_arc();
        let ctx = RequestContext {
            config: &statement.config,
            profile: &profile,
            routing_info: &routing_info,
            cluster: &cluster,
            kind,
        };
        self.run_request(&ctx, RequestFrame::Query(frame))
            .await
            .map_err(RequestError::into_execution_error)
    }

    /// Sends a batch whose values are serialized.
    async fn batch(
        &self,
        batch: &Batch,
        values: &[scylla_cql::serialize::row::SerializedValues],
    ) -> Result<QueryResult, ExecutionError> {
        let profile = self.profile_for(&batch.config);
        let consistency = batch.config.determine_consistency(&profile);
        let serial = batch.config.determine_serial_consistency(&profile);
        let timestamp = self.timestamp_for(&batch.config);
        let tracing = batch.config.tracing;
        let frame = BatchFrame::new(batch, values, consistency, serial, timestamp, tracing)?;
        // Routed by the first statement, if it is prepared.
        let first = match (batch.statements.first(), values.first()) {
            (Some(BatchStatement::PreparedStatement(p)), Some(v)) => Some((p, v)),
            _ => None,
        };
        let token = match first {
            Some((p, v)) => p
                .calculate_token_untyped(v)
                .map_err(|e| e.into_execution_error())?,
            None => None,
        };
        let routing_info = match first {
            Some((p, _)) => p.routing_info(consistency, serial, token, &self.location_preference),
            None => unprepared_routing_info(consistency, serial, &self.location_preference),
        };
        let cluster = self.cluster.state_arc();
        let ctx = RequestContext {
            config: &batch.config,
            profile: &profile,
            routing_info: &routing_info,
            cluster: &cluster,
            kind: RequestKind::Unpaged,
        };
        let response = self
            .run_request(
                &ctx,
                RequestFrame::Batch {
                    frame,
                    batch,
                    values,
                    serial_consistency: serial,
                    timestamp,
                    tracing,
                },
            )
            .await
            .map_err(RequestError::into_execution_error)?;
        self.after_response(&response).await?;
        let (result, _) = into_query_result(response);
        Ok(result)
    }

    /// What follows some results: `USE` switches every pool; a schema change waits
    /// for schema agreement (if enabled) and refreshes the metadata.
    async fn after_response(&self, response: &Response) -> Result<(), ExecutionError> {
        match &response.result {
            result::Result::SetKeyspace(set) => {
                match VerifiedKeyspaceName::new(set.keyspace_name.clone(), true) {
                    Ok(ks) => self.use_keyspace_on_pools(ks).await?,
                    Err(e) => tracing::warn!(
                        "the node switched to keyspace {:?}, which the driver cannot use: {e}",
                        set.keyspace_name
                    ),
                }
            }
            result::Result::SchemaChange(_) if self.schema_agreement_automatic_waiting => {
                self.await_schema_agreement().await?;
                if self.refresh_metadata_on_auto_schema_agreement {
                    self.cluster.refresh_metadata().await?;
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// Prepares `statement` on every connection of every node.
    pub(crate) async fn prepare(
        &self,
        statement: &Statement,
    ) -> Result<PreparedStatement, PrepareError> {
        let cluster = self.cluster.state_arc();
        let mut connections = Vec::new();
        let mut pool_error = None;
        for node in cluster.get_nodes_info() {
            let Some(pool) = node.pool() else {
                continue;
            };
            match pool.get_working_connections() {
                Ok(c) => connections.extend(c),
                Err(e) => pool_error = Some(e),
            }
        }
        if connections.is_empty() {
            return Err(PrepareError::ConnectionPoolError(pool_error.unwrap_or(
                ConnectionPoolError::Broken {
                    last_connection_error: ConnectionError::ConnectTimeout,
                },
            )));
        }
        let profile = self.profile_for(&statement.config);
        let timeout = statement.config.determine_request_timeout(&profile);
        let tracing = statement.config.tracing;
        let results = futures::future::join_all(connections.iter().map(|conn| async move {
            let prepare = conn.prepare_raw(&statement.contents, tracing);
            let result = match timeout {
                Some(t) => tokio::time::timeout(t, prepare).await.unwrap_or_else(|_| {
                    Err(RequestAttemptError::BrokenConnectionError(
                        crate::errors::BrokenConnectionErrorKind::ChannelError.into(),
                    ))
                }),
                None => prepare.await,
            };
            (conn, result)
        }))
        .await;
        let mut first_error = None;
        let mut prepared: Option<PreparedStatement> = None;
        let mut tracing_ids = Vec::new();
        for (conn, result) in results {
            match result {
                Ok((p, tracing_id)) => {
                    tracing_ids.extend(tracing_id);
                    match &prepared {
                        None => {
                            prepared = Some(PreparedStatement::from_prepared_response(
                                p,
                                conn.get_protocol_features(),
                                statement,
                            ))
                        }
                        Some(first) => {
                            if first.get_id() != &p.id {
                                return Err(PrepareError::PreparedStatementIdsMismatch);
                            }
                        }
                    }
                }
                Err(e) => {
                    tracing::debug!(node = %conn.get_connect_address(), "PREPARE failed: {e}");
                    if first_error.is_none() {
                        first_error = Some(e);
                    }
                }
            }
        }
        let Some(mut prepared) = prepared else {
            return Err(PrepareError::AllAttemptsFailed {
                first_attempt: first_error.unwrap_or(RequestAttemptError::UnableToAllocStreamId),
            });
        };
        prepared.prepare_tracing_ids.extend(tracing_ids);
        let partitioner = prepared.get_table_spec().and_then(|t| {
            cluster
                .get_keyspace(t.ks_name())
                .and_then(|ks| ks.tables.get(t.table_name()))
                .map(|table| PartitionerName::from_table_partitioner(table.partitioner.as_deref()))
        });
        if let Some(p) = partitioner {
            prepared.set_partitioner_name(p);
        }
        Ok(prepared)
    }

    /// Checks `keyspace` on one connection, then switches every pool to it.
    pub(crate) async fn use_keyspace(
        &self,
        keyspace: VerifiedKeyspaceName,
    ) -> Result<(), UseKeyspaceError> {
        let cluster = self.cluster.state_arc();
        let timeout = self.default_profile.access().request_timeout;
        let conn = cluster
            .get_nodes_info()
            .iter()
            .filter(|n| !n.is_down())
            .filter_map(|n| n.pool())
            .find_map(|p| p.random_connection().ok());
        if let Some(conn) = conn {
            let check = conn.use_keyspace(&keyspace);
            match timeout {
                Some(t) => tokio::time::timeout(t, check)
                    .await
                    .map_err(|_| UseKeyspaceError::RequestTimeout(t))??,
                None => check.await?,
            }
        }
        self.use_keyspace_on_pools(keyspace).await
    }

    async fn use_keyspace_on_pools(
        &self,
        keyspace: VerifiedKeyspaceName,
    ) -> Result<(), UseKeyspaceError> {
        self.cluster.set_keyspace(keyspace.clone());
        let cluster = self.cluster.state_arc();
        let results = futures::future::join_all(
            cluster
                .get_nodes_info()
                .iter()
                .filter_map(|n| n.pool())
                .map(|p| p.use_keyspace(keyspace.clone())),
        )
        .await;
        self.keyspace.store(Some(Arc::clone(keyspace.as_arc())));
        for r in results {
            r?;
        }
        Ok(())
    }

    /// The schema version every reachable node reports, if they agree.
    pub(crate) async fn check_schema_agreement(
        &self,
    ) -> Result<Option<Uuid>, SchemaAgreementError> {
        let cluster = self.cluster.state_arc();
        let timeout = self
            .default_profile
            .access()
            .request_timeout
            .unwrap_or(self.schema_agreement_timeout);
        let mut version: Option<Uuid> = None;
        let mut asked = 0usize;
        let mut pool_error = None;
        for node in cluster.get_nodes_info() {
            let Some(pool) = node.pool() else {
                continue;
            };
            if node.is_down() {
                continue;
            }
            let conn = match pool.random_connection() {
                Ok(c) => c,
                Err(e) => {
                    pool_error = Some(e);
                    continue;
                }
            };
            let rows: Vec<(Option<Uuid>,)> = query_all_rows(
                &conn,
                "SELECT schema_version FROM system.local WHERE key='local'",
                Consistency::One,
                timeout,
            )
            .await
            .map_err(schema_fetch_error)?;
            asked += 1;
            let Some(v) = rows.into_iter().next().and_then(|(v,)| v) else {
                return Ok(None);
            };
            match version {
                None => version = Some(v),
                Some(prev) if prev != v => return Ok(None),
                Some(_) => {}
            }
        }
        if asked == 0 {
            return Err(SchemaAgreementError::ConnectionPoolError(
                pool_error.unwrap_or(ConnectionPoolError::Broken {
                    last_connection_error: ConnectionError::ConnectTimeout,
                }),
            ));
        }
        Ok(version)
    }

    /// Waits for schema agreement, checking every `schema_agreement_interval`.
    pub(crate) async fn await_schema_agreement(&self) -> Result<Uuid, SchemaAgreementError> {
        let wait = async {
            loop {
                if let Some(v) = self.check_schema_agreement().await? {
                    return Ok(v);
                }
                tokio::time::sleep(self.schema_agreement_interval).await;
            }
        };
        tokio::time::timeout(self.schema_agreement_timeout, wait)
            .await
            .unwrap_or(Err(SchemaAgreementError::Timeout(
                self.schema_agreement_timeout,
            )))
    }

    /// Reads a trace, retrying while it is incomplete.
    pub(crate) async fn get_tracing_info(&self, id: &Uuid) -> Result<TracingInfo, TracingError> {
        for attempt in 0..self.tracing_info_fetch_attempts.get() {
            if attempt > 0 {
                tokio::time::sleep(self.tracing_info_fetch_interval).await;
            }
            if let Some(info) = self.try_get_tracing_info(id).await? {
                return Ok(info);
            }
        }
        Err(TracingError::EmptyResults)
    }

    async fn try_get_tracing_info(&self, id: &Uuid) -> Result<Option<TracingInfo>, TracingError> {
        let with_id = |query: &str| {
            let base = query.strip_suffix('?').unwrap_or(query);
            let mut s = Statement::new(format!("{base}{id}"));
            s.set_consistency(self.tracing_info_fetch_consistency);
            s
        };
        let sessions = with_id(TRACES_SESSION_QUERY_STR);
        let (result, _) = self
            .query(&sessions, None, PagingState::start(), RequestKind::Unpaged)
            .await?;
        let rows = result
            .into_rows_result()
            .map_err(TracingError::TracesSessionIntoRowsResultError)?;
        let info = rows.maybe_first_row::<TracingInfo>().map_err(|e| match e {
            MaybeFirstRowError::TypeCheckFailed(e) => {
                TracingError::TracesSessionInvalidColumnType(e)
            }
            MaybeFirstRowError::DeserializationFailed(e) => {
                TracingError::TracesSessionDeserializationFailed(e)
            }
        })?;
        let Some(mut info) = info else {
            return Ok(None);
        };
        if info.duration.is_none() {
            // The request is still running (or its trace not yet written).
            return Ok(None);
        }
        let events = with_id(TRACES_EVENTS_QUERY_STR);
        let (result, _) = self
            .query(&events, None, PagingState::start(), RequestKind::Unpaged)
            .await?;
        let rows = result
            .into_rows_result()
            .map_err(TracingError::TracesEventsIntoRowsResultError)?;
        let iter = rows
            .rows::<TracingEvent>()
            .map_err(|RowsError::TypeCheckFailed(e)| {
                TracingError::TracesEventsInvalidColumnType(e)
            })?;
        for event in iter {
            info.events
                .push(event.map_err(TracingError::TracesEventsDeserializationFailed)?);
        }
        if info.events.is_empty() {
            return Ok(None);
        }
        Ok(Some(info))
    }
}

fn schema_fetch_error(e: MetadataFetchErrorKind) -> SchemaAgreementError {
    use crate::errors::{IntoRowsResultError, SingleRowError};
    match e {
        MetadataFetchErrorKind::NextRowError(NextRowError::NextPageError(page_error)) => {
            match page_error {
                NextPageError::RequestFailure(RequestError::RequestTimeout(t)) => {
                    SchemaAgreementError::Timeout(t)
                }
                NextPageError::RequestFailure(RequestError::LastAttemptError(e)) => {
                    SchemaAgreementError::RequestError(e)
                }
                NextPageError::RequestFailure(RequestError::ConnectionPoolError(e)) => {
                    SchemaAgreementError::ConnectionPoolError(e)
                }
                NextPageError::ResultMetadataParseError(e) => {
                    SchemaAgreementError::TracesEventsIntoRowsResultError(
                        IntoRowsResultError::ResultMetadataLazyDeserializationError(e),
                    )
                }
                NextPageError::TypeCheckError(e) => {
                    SchemaAgreementError::SingleRowError(SingleRowError::TypeCheckFailed(e))
                }
                other => {
                    SchemaAgreementError::RequestError(RequestAttemptError::UnexpectedResponse(
                        scylla_cql::frame::response::CqlResponseKind::Result,
                    ))
                    .with_log(&other)
                }
            }
        }
        MetadataFetchErrorKind::NextRowError(NextRowError::RowDeserializationError(e)) => {
            SchemaAgreementError::SingleRowError(SingleRowError::DeserializationFailed(e))
        }
        MetadataFetchErrorKind::InvalidColumnType(e) => {
            SchemaAgreementError::SingleRowError(SingleRowError::TypeCheckFailed(e))
        }
        MetadataFetchErrorKind::PrepareError(e) => SchemaAgreementError::RequestError(e),
        MetadataFetchErrorKind::SerializationError(e) => {
            SchemaAgreementError::RequestError(RequestAttemptError::SerializationError(e))
        }
    }
}

trait WithLog {
    fn with_log(self, cause: &dyn std::fmt::Display) -> Self;
}

impl WithLog for SchemaAgreementError {
    fn with_log(self, cause: &dyn std::fmt::Display) -> Self {
        tracing::warn!("schema agreement check failed: {cause}");
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_and_port_are_split() {
        assert_eq!(split_host_port("db:1234"), ("db", 1234));
        assert_eq!(split_host_port("db"), ("db", 9042));
        assert_eq!(split_host_port("127.0.0.1:19042"), ("127.0.0.1", 19042));
        assert_eq!(split_host_port("[::1]:9043"), ("::1", 9043));
        assert_eq!(split_host_port("[::1]"), ("::1", 9042));
        assert_eq!(split_host_port("::1"), ("::1", 9042));
        assert_eq!(split_host_port("db:notaport"), ("db:notaport", 9042));
    }

    #[test]
    fn config_defaults_are_upstream_defaults() {
        let c = SessionConfig::new();
        assert!(c.known_nodes.is_empty());
        assert_eq!(c.connect_timeout, Duration::from_secs(5));
        assert_eq!(c.hostname_resolution_timeout, Some(Duration::from_secs(5)));
        assert_eq!(c.schema_agreement_interval, Duration::from_millis(200));
        assert_eq!(c.schema_agreement_timeout, Duration::from_secs(60));
        assert!(c.schema_agreement_automatic_waiting);
        assert!(c.refresh_metadata_on_auto_schema_agreement);
        assert!(c.fetch_schema_metadata && c.fetch_full_schema_metadata);
        assert_eq!(c.keepalive_interval, Some(Duration::from_secs(30)));
        assert_eq!(c.tracing_info_fetch_attempts.get(), 10);
        assert_eq!(c.tracing_info_fetch_interval, Duration::from_millis(3));
        assert_eq!(c.tracing_info_fetch_consistency, Consistency::One);
        assert_eq!(c.cluster_metadata_refresh_interval, Duration::from_secs(60));
        assert_eq!(c.connection_pool_size, PoolSize::default());
        assert!(c.tcp_nodelay && c.enable_write_coalescing && c.driver_config_reporting);
        assert_eq!(
            c.metadata_request_serverside_timeout,
            Some(Duration::from_secs(30))
        );
        let summary = c.driver_config_summary();
        assert!(
            summary.starts_with('{') && summary.ends_with('}'),
            "{summary}"
        );
    }

    #[tokio::test]
    async fn empty_and_unresolvable_known_nodes() {
        let err = Session::connect(SessionConfig::new()).await.unwrap_err();
        assert!(matches!(err, NewSessionError::EmptyKnownNodesList));
        let mut c = SessionConfig::new();
        c.add_known_node("no-such-host.invalid:9042");
        let err = Session::connect(c).await.unwrap_err();
        assert!(
            matches!(&err, NewSessionError::FailedToResolveAnyHostname(h) if h == &vec!["no-such-host.invalid:9042".to_owned()]),
            "{err:?}"
        );
    }
}
