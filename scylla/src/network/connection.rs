//! One connection to a node: TCP (and TLS) setup, the CQL handshake, and requests
//! multiplexed over stream ids.
//!
//! [`Connection::open`] connects (optionally from a chosen local address and port),
//! runs OPTIONS → SUPPORTED → STARTUP → READY (or AUTHENTICATE and the SASL
//! exchange), and returns a handle. Requests are sent with
//! [`Connection::send_request`] (or the `*_raw` helpers); many can be in flight at
//! once, each on its own stream id. The handle owns the connection: dropping it closes
//! the socket. See [`router`] for how frames are written and read.

mod router;

use std::borrow::Cow;
use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use scylla_cql::frame::protocol_features::ProtocolFeatures;
use scylla_cql::frame::request::options::{self as startup_options};
use scylla_cql::frame::request::query::QueryParameters;
use scylla_cql::frame::request::{
    AuthResponse, Options, Prepare, Query, RegisterV2, SerializableRequest, Startup,
};
use scylla_cql::frame::response::event::EventV2;
use scylla_cql::frame::response::result::{self, ResultMetadata};
use scylla_cql::frame::response::supported::ScyllaShardingInfo;
use scylla_cql::frame::response::{CqlResponseKind, NonErrorResponse, Response};
use scylla_cql::frame::server_event_type::EventTypeV2;
use scylla_cql::frame::{Compression, SerializedRequest, parse_response_body_extensions};
use tokio::net::{TcpSocket, TcpStream};
use tokio::sync::mpsc;
use uuid::Uuid;

use crate::authentication::AuthenticatorProvider;
use crate::client::{SelfIdentity, WriteCoalescingDelay};
use crate::errors::{
    BadKeyspaceName, BrokenConnectionError, BrokenConnectionErrorKind, ConnectionError,
    ConnectionSetupRequestError, ConnectionSetupRequestErrorKind, CqlRequestKind,
    CqlResponseParseError, RequestAttemptError, UseKeyspaceError,
};
use crate::network::tls::TlsContext;

#[cfg(test)]
pub(crate) use router::MAX_STREAMS;
pub(crate) use router::OrphanLimit;
use router::{RawResponse, Router, SendFrameError};

/// How many events may wait in the channel returned by [`Connection::register`]
/// before the connection's reader waits for the receiver.
pub(crate) const EVENT_CHANNEL_CAPACITY: usize = 128;
/// The largest DRIVER_CONFIG value sent in STARTUP (larger ones are left out).
pub(crate) const MAX_DRIVER_CONFIG_SIZE: usize = 32 * 1024;

/// What the driver tells the node about itself in STARTUP: the session's
/// `SelfIdentity` (driver name and version, application name and version, client
/// id), the session id and the driver configuration.
#[derive(Debug, Clone, Default)]
pub(crate) struct StartupIdentity {
    /// DRIVER_NAME, DRIVER_VERSION (this driver's unless overridden),
    /// APPLICATION_NAME, APPLICATION_VERSION, CLIENT_ID.
    pub(crate) self_identity: SelfIdentity<'static>,
    /// SESSION_ID: shared by all connections of one session.
    pub(crate) session_id: Option<Uuid>,
    /// DRIVER_CONFIG (JSON); left out if longer than [`MAX_DRIVER_CONFIG_SIZE`].
    pub(crate) driver_config: Option<Arc<str>>,
}

impl StartupIdentity {
    fn add_startup_options<'a>(&'a self, options: &mut HashMap<Cow<'a, str>, Cow<'a, str>>) {
        self.self_identity.add_startup_options(options);
        if let Some(id) = self.session_id {
            options.insert(
                Cow::Borrowed(startup_options::SESSION_ID),
                Cow::Owned(id.to_string()),
            );
        }
        if let Some(config) = self.driver_config.as_deref()
            && config.len() <= MAX_DRIVER_CONFIG_SIZE
        {
            options.insert(
                Cow::Borrowed(startup_options::DRIVER_CONFIG),
                Cow::Borrowed(config),
            );
        }
    }
}

/// Everything that shapes how a connection is opened and run (the per-connection
/// part of `SessionConfig`).
#[derive(Clone)]
pub(crate) struct ConnectionConfig {
    /// The local address to connect from (any if `None`).
    pub(crate) local_ip_address: Option<IpAddr>,
    /// The compression to ask for, if the node offers it.
    pub(crate) compression: Option<Compression>,
    /// TCP_NODELAY.
    pub(crate) tcp_nodelay: bool,
    /// TCP keepalive: idle time before the first probe and time between probes.
    pub(crate) tcp_keepalive_interval: Option<Duration>,
    /// SO_RCVBUF.
    pub(crate) tcp_recv_buffer_size: Option<usize>,
    /// SO_SNDBUF.
    pub(crate) tcp_send_buffer_size: Option<usize>,
    /// SO_REUSEADDR.
    pub(crate) tcp_reuse_address: Option<bool>,
    /// SO_LINGER.
    pub(crate) tcp_linger: Option<Duration>,
    /// TLS, if used.
    pub(crate) tls_context: Option<TlsContext>,
    /// Credentials, if the node asks for them.
    pub(crate) authenticator: Option<Arc<dyn AuthenticatorProvider>>,
    /// The limit on TCP connect + TLS + handshake.
    pub(crate) connect_timeout: Duration,
    /// How often a keepalive OPTIONS is sent (never if `None`).
    pub(crate) keepalive_interval: Option<Duration>,
    /// How long a keepalive may wait for its answer before the connection is broken
    /// (forever if `None`).
    pub(crate) keepalive_timeout: Option<Duration>,
    /// Whether the writer waits (`write_coalescing_delay`) for more requests
    /// before writing.
    pub(crate) enable_write_coalescing: bool,
    /// The wait when coalescing is on.
    pub(crate) write_coalescing_delay: WriteCoalescingDelay,
    /// What STARTUP says about the driver and the application.
    pub(crate) identity: StartupIdentity,
    /// When orphaned stream ids break the connection.
    pub(crate) orphan_limit: OrphanLimit,
}

impl Default for ConnectionConfig {
    /// The defaults of `SessionConfig`.
    fn default() -> Self {
        Self {
            local_ip_address: None,
            compression: None,
            tcp_nodelay: true,
            tcp_keepalive_interval: None,
            tcp_recv_buffer_size: None,
            tcp_send_buffer_size: None,
            tcp_reuse_address: None,
            tcp_linger: None,
            tls_context: None,
            authenticator: None,
            connect_timeout: Duration::from_secs(5),
            keepalive_interval: Some(Duration::from_secs(30)),
            keepalive_timeout: Some(Duration::from_secs(30)),
            enable_write_coalescing: true,
            write_coalescing_delay: WriteCoalescingDelay::SmallNondeterministic,
            identity: StartupIdentity::default(),
            orphan_limit: OrphanLimit::default(),
        }
    }
}

impl std::fmt::Debug for ConnectionConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConnectionConfig")
            .field("local_ip_address", &self.local_ip_address)
            .field("compression", &self.compression)
            .field("tls", &self.tls_context.is_some())
            .field("authenticator", &self.authenticator.is_some())
            .field("connect_timeout", &self.connect_timeout)
            .field("keepalive_interval", &self.keepalive_interval)
            .field("keepalive_timeout", &self.keepalive_timeout)
            .finish_non_exhaustive()
    }
}

/// A response with its frame extensions.
#[derive(Debug)]
pub(crate) struct QueryResponse {
    /// The parsed response (possibly an ERROR).
    pub(crate) response: Response,
    /// The tracing id, if tracing was asked for.
    pub(crate) tracing_id: Option<Uuid>,
    /// Warnings from the node.
    pub(crate) warnings: Vec<String>,
    /// The node's custom payload.
    pub(crate) custom_payload: Option<HashMap<String, Bytes>>,
}

/// A response that is not an ERROR, with its frame extensions.
#[derive(Debug)]
pub(crate) struct NonErrorQueryResponse {
    /// The parsed response.
    pub(crate) response: NonErrorResponse,
    /// The tracing id, if tracing was asked for.
    pub(crate) tracing_id: Option<Uuid>,
    /// Warnings from the node.
    pub(crate) warnings: Vec<String>,
    /// The node's custom payload.
    pub(crate) custom_payload: Option<HashMap<String, Bytes>>,
}

impl QueryResponse {
    /// The response, or its ERROR as [`RequestAttemptError::DbError`].
    pub(crate) fn into_non_error_query_response(
        self,
    ) -> Result<NonErrorQueryResponse, RequestAttemptError> {
        Ok(NonErrorQueryResponse {
            response: self.response.into_non_error_response()?,
            tracing_id: self.tracing_id,
            warnings: self.warnings,
            custom_payload: self.custom_payload,
        })
    }
}

impl NonErrorQueryResponse {
    /// The RESULT, or [`RequestAttemptError::UnexpectedResponse`] for another kind.
    pub(crate) fn into_result(self) -> Result<result::Result, RequestAttemptError> {
        match self.response {
            NonErrorResponse::Result(r) => Ok(r),
            other => Err(RequestAttemptError::UnexpectedResponse(
                other.to_response_kind(),
            )),
        }
    }
}

/// A keyspace name checked to be usable in `USE`: 1 to 48 characters, each an ASCII
/// letter, digit or underscore. Case-insensitive names are lower-cased by the node
/// (sent unquoted); case-sensitive ones are sent quoted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct VerifiedKeyspaceName {
    name: Arc<String>,
    case_sensitive: bool,
}

impl VerifiedKeyspaceName {
    /// Checks `name`; see the type's docs.
    pub(crate) fn new(name: String, case_sensitive: bool) -> Result<Self, BadKeyspaceName> {
        Self::verify(&name)?;
        Ok(Self {
            name: Arc::new(name),
            case_sensitive,
        })
    }

    fn verify(name: &str) -> Result<(), BadKeyspaceName> {
        if name.is_empty() {
            return Err(BadKeyspaceName::Empty);
        }
        let length = name.chars().count();
        if length > 48 {
            return Err(BadKeyspaceName::TooLong(name.to_owned(), length));
        }
        if let Some(c) = name
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || *c == '_'))
        {
            return Err(BadKeyspaceName::IllegalCharacter(name.to_owned(), c));
        }
        Ok(())
    }

    /// The name as given.
    pub(crate) fn as_str(&self) -> &str {
        &self.name
    }

    /// The name as given, shared.
    pub(crate) fn as_arc(&self) -> &Arc<String> {
        &self.name
    }

    /// Whether the name is used case-sensitively.
    pub(crate) fn is_case_sensitive(&self) -> bool {
        self.case_sensitive
    }

    /// The `USE` statement for this keyspace.
    pub(crate) fn use_statement(&self) -> String {
        if self.case_sensitive {
            format!("USE \"{}\"", self.name)
        } else {
            format!("USE {}", self.name)
        }
    }
}

/// One open connection to a node. Dropping it closes the connection.
pub(crate) struct Connection {
    router: Arc<Router>,
    connect_address: SocketAddr,
    local_address: SocketAddr,
    compression: Option<Compression>,
    features: ProtocolFeatures,
    sharding_info: Option<ScyllaShardingInfo>,
    host_id: Option<Uuid>,
    tasks: Vec<tokio::task::AbortHandle>,
}

impl std::fmt::Debug for Connection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Connection")
            .field("connect_address", &self.connect_address)
            .field("local_address", &self.local_address)
            .field("shard", &self.sharding_info.as_ref().map(|s| s.shard))
            .field("broken", &self.router.broken_error().is_some())
            .finish_non_exhaustive()
    }
}

impl Drop for Connection {
    fn drop(&mut self) {
        self.router
            .break_connection(BrokenConnectionErrorKind::ChannelError.into());
        for task in &self.tasks {
            task.abort();
        }
    }
}

fn setup_parse_error(e: CqlResponseParseError) -> ConnectionSetupRequestErrorKind {
    match e {
        CqlResponseParseError::CqlErrorParseError(e) => e.into(),
        CqlResponseParseError::CqlAuthChallengeParseError(e) => e.into(),
        CqlResponseParseError::CqlAuthSuccessParseError(e) => e.into(),
        CqlResponseParseError::CqlAuthenticateParseError(e) => e.into(),
        CqlResponseParseError::CqlSupportedParseError(e) => e.into(),
        other => ConnectionSetupRequestErrorKind::UnexpectedResponse(other.to_response_kind()),
    }
}

fn request_parse_error(e: CqlResponseParseError) -> RequestAttemptError {
    match e {
        CqlResponseParseError::CqlResultParseError(e) => e.into(),
        CqlResponseParseError::CqlErrorParseError(e) => e.into(),
        other => RequestAttemptError::UnexpectedResponse(other.to_response_kind()),
    }
}

impl From<SendFrameError> for RequestAttemptError {
    fn from(e: SendFrameError) -> Self {
        match e {
            SendFrameError::NoStreamId => RequestAttemptError::UnableToAllocStreamId,
            SendFrameError::Broken(e) => RequestAttemptError::BrokenConnectionError(e),
        }
    }
}

impl From<SendFrameError> for ConnectionSetupRequestErrorKind {
    fn from(e: SendFrameError) -> Self {
        match e {
            SendFrameError::NoStreamId => ConnectionSetupRequestErrorKind::UnableToAllocStreamId,
            SendFrameError::Broken(e) => ConnectionSetupRequestErrorKind::BrokenConnection(e),
        }
    }
}

/// Opens a TCP connection to `addr` with the socket options of `config`, from
/// `source_port` (and `config.local_ip_address`) if given.
async fn connect_tcp(
    addr: SocketAddr,
    source_port: Option<u16>,
    config: &ConnectionConfig,
) -> Result<TcpStream, ConnectionError> {
    let socket = if addr.is_ipv4() {
        TcpSocket::new_v4()?
    } else {
        TcpSocket::new_v6()?
    };
    if let Some(reuse) = config.tcp_reuse_address {
        socket.set_reuseaddr(reuse)?;
    }
    if let Some(size) = config.tcp_recv_buffer_size {
        socket.set_recv_buffer_size(u32::try_from(size).unwrap_or(u32::MAX))?;
    }
    if let Some(size) = config.tcp_send_buffer_size {
        socket.set_send_buffer_size(u32::try_from(size).unwrap_or(u32::MAX))?;
    }
    {
        let sock = socket2::SockRef::from(&socket);
        if let Some(linger) = config.tcp_linger {
            sock.set_linger(Some(linger))?;
        }
        if let Some(interval) = config.tcp_keepalive_interval {
            let keepalive = socket2::TcpKeepalive::new()
                .with_time(interval)
                .with_interval(interval);
            sock.set_tcp_keepalive(&keepalive)?;
        }
        sock.set_nodelay(config.tcp_nodelay)?;
    }
    if config.local_ip_address.is_some() || source_port.is_some() {
        let ip = config.local_ip_address.unwrap_or(if addr.is_ipv4() {
            IpAddr::V4(Ipv4Addr::UNSPECIFIED)
        } else {
            IpAddr::V6(Ipv6Addr::UNSPECIFIED)
        });
        socket.bind(SocketAddr::new(ip, source_port.unwrap_or(0)))?;
    }
    Ok(socket.connect(addr).await?)
}

impl Connection {
    /// Connects to `addr` (from `source_port` if given), runs the handshake and
    /// authenticates. The whole setup is bounded by `config.connect_timeout`.
    pub(crate) async fn open(
        addr: SocketAddr,
        source_port: Option<u16>,
        config: &ConnectionConfig,
    ) -> Result<Connection, ConnectionError> {
        tokio::time::timeout(
            config.connect_timeout,
            Self::open_untimed(addr, source_port, config),
        )
        .await
        .map_err(|_| ConnectionError::ConnectTimeout)?
    }

    async fn open_untimed(
        addr: SocketAddr,
        source_port: Option<u16>,
        config: &ConnectionConfig,
    ) -> Result<Connection, ConnectionError> {
        let tcp = connect_tcp(addr, source_port, config).await?;
        let local_address = tcp.local_addr()?;
        let router = Arc::new(Router::new(config.orphan_limit));
        let coalescing = config
            .enable_write_coalescing
            .then_some(config.write_coalescing_delay);
        let tasks = match &config.tls_context {
            None => {
                let (r, w) = tcp.into_split();
                router::spawn_tasks(&router, r, w, coalescing)
            }
            Some(tls) => {
                let stream = tls.connect(tcp, addr).await?;
                let (r, w) = tokio::io::split(stream);
                router::spawn_tasks(&router, r, w, coalescing)
            }
        };
        let mut connection = Connection {
            router,
            connect_address: addr,
            local_address,
            compression: None,
            features: ProtocolFeatures::default(),
            sharding_info: None,
            host_id: None,
            tasks: tasks.to_vec(),
        };
        connection.handshake(config).await?;
        if let Some(interval) = config.keepalive_interval {
            let task = tokio::spawn(keepalive_task(
                Arc::clone(&connection.router),
                addr.ip(),
                interval,
                config.keepalive_timeout,
            ));
            connection.tasks.push(task.abort_handle());
        }
        Ok(connection)
    }

    /// Sends a setup request and parses its response with `compression`.
    async fn setup_request<R: SerializableRequest + Sync>(
        &self,
        request: &R,
        compression: Option<Compression>,
    ) -> Result<Response, ConnectionSetupRequestError> {
        let kind = CqlRequestKind::from(R::OPCODE);
        let fail = |e: ConnectionSetupRequestErrorKind| ConnectionSetupRequestError::new(kind, e);
        let frame = SerializedRequest::make(request, None, false).map_err(|e| fail(e.into()))?;
        let raw = self
            .router
            .send_frame(frame.into_data())
            .await
            .map_err(|e| fail(e.into()))?;
        let body = parse_response_body_extensions(raw.params.flags, compression, raw.body)
            .map_err(|e| fail(e.into()))?;
        Response::deserialize(&self.features, raw.opcode, body.body, None)
            .map_err(|e| fail(setup_parse_error(e)))
    }

    async fn handshake(&mut self, config: &ConnectionConfig) -> Result<(), ConnectionError> {
        let fail = |kind, e| {
            ConnectionError::ConnectionSetupRequestError(ConnectionSetupRequestError::new(kind, e))
        };
        // OPTIONS → SUPPORTED.
        let supported = match self.setup_request(&Options, None).await? {
            Response::Supported(s) => s,
            Response::Error(e) => return Err(fail(CqlRequestKind::Options, e.into())),
            other => {
                return Err(fail(
                    CqlRequestKind::Options,
                    ConnectionSetupRequestErrorKind::UnexpectedResponse(other.to_response_kind()),
                ));
            }
        };
        let features = supported.protocol_features();
        self.sharding_info = supported.sharding_info().unwrap_or_else(|e| {
            tracing::warn!(
                "node {} sent unusable sharding information, treating it as unsharded: {e}",
                self.connect_address
            );
            None
        });
        self.host_id = supported.host_id().unwrap_or_else(|e| {
            tracing::warn!(
                "node {} sent an unusable host id: {e}",
                self.connect_address
            );
            None
        });
        let compression = config.compression.filter(|c| {
            let offered = supported
                .options
                .get(startup_options::COMPRESSION)
                .is_some_and(|values| values.iter().any(|v| v.eq_ignore_ascii_case(c.as_str())));
            if !offered {
                tracing::warn!(
                    "node {} does not offer {c} compression; the connection is not compressed",
                    self.connect_address
                );
            }
            offered
        });

        // STARTUP → READY or AUTHENTICATE.
        let mut options: HashMap<Cow<'_, str>, Cow<'_, str>> = HashMap::new();
        options.insert(
            Cow::Borrowed(startup_options::CQL_VERSION),
            Cow::Borrowed(startup_options::DEFAULT_CQL_PROTOCOL_VERSION),
        );
        if let Some(c) = compression {
            options.insert(
                Cow::Borrowed(startup_options::COMPRESSION),
                Cow::Borrowed(c.as_str()),
            );
        }
        config.identity.add_startup_options(&mut options);
        features.add_startup_options(&mut options);
        let startup = Startup { options };
        // From the response to STARTUP on, frames may be compressed and parsed with
        // the negotiated extensions.
        self.features = features;
        let response = self.setup_request(&startup, compression).await?;
        match response {
            Response::Ready => {}
            Response::Authenticate(authenticate) => {
                self.authenticate(config, &authenticate.authenticator_name, compression)
                    .await?
            }
            Response::Error(e) => return Err(fail(CqlRequestKind::Startup, e.into())),
            other => {
                return Err(fail(
                    CqlRequestKind::Startup,
                    ConnectionSetupRequestErrorKind::UnexpectedResponse(other.to_response_kind()),
                ));
            }
        }
        self.compression = compression;
        if let Some(c) = compression {
            self.router.set_compression(c);
        }
        Ok(())
    }

    async fn authenticate(
        &self,
        config: &ConnectionConfig,
        authenticator_name: &str,
        compression: Option<Compression>,
    ) -> Result<(), ConnectionSetupRequestError> {
        use ConnectionSetupRequestErrorKind as Kind;
        let Some(provider) = config.authenticator.as_ref() else {
            return Err(ConnectionSetupRequestError::new(
                CqlRequestKind::Startup,
                Kind::MissingAuthentication,
            ));
        };
        let fail = |e: Kind| ConnectionSetupRequestError::new(CqlRequestKind::AuthResponse, e);
        let (mut token, mut session) = provider
            .start_authentication_session(authenticator_name)
            .await
            .map_err(|e| fail(Kind::StartAuthSessionError(e)))?;
        loop {
            let request = AuthResponse { response: token };
            match self.setup_request(&request, compression).await? {
                Response::AuthChallenge(challenge) => {
                    token = session
                        .evaluate_challenge(challenge.authenticate_message.as_deref())
                        .await
                        .map_err(|e| fail(Kind::AuthChallengeEvaluationError(e)))?;
                }
                Response::AuthSuccess(success) => {
                    session
                        .success(success.success_message.as_deref())
                        .await
                        .map_err(|e| fail(Kind::AuthFinishError(e)))?;
                    return Ok(());
                }
                Response::Error(e) => return Err(fail(e.into())),
                other => return Err(fail(Kind::UnexpectedResponse(other.to_response_kind()))),
            }
        }
    }

    /// Sends `request` and returns the parsed response with its extensions.
    ///
    /// The body is compressed if compression was negotiated. `tracing` sets the
    /// tracing flag; `custom_payload` is sent with the request; `cached_metadata`
    /// parses Rows that came without metadata (EXECUTE with `skip_metadata`).
    ///
    /// Dropping the future before it completes leaves the stream id orphaned until
    /// the response arrives; nothing else is affected.
    pub(crate) async fn send_request<R: SerializableRequest + Sync>(
        &self,
        request: &R,
        tracing: bool,
        custom_payload: Option<&HashMap<String, Bytes>>,
        cached_metadata: Option<&Arc<ResultMetadata<'static>>>,
    ) -> Result<QueryResponse, RequestAttemptError> {
        let frame = SerializedRequest::make_with_custom_payload(
            request,
            self.compression,
            tracing,
            custom_payload,
        )?;
        let raw = self.router.send_frame(frame.into_data()).await?;
        self.parse_response(raw, cached_metadata)
    }

    /// Sends a complete request frame built by the caller (who keeps it, to send it
    /// again on a retry) and returns the parsed response. The stream id is set in the
    /// queued copy; its body must already be
    /// compressed (with the COMPRESSION flag set) if this connection negotiated
    /// compression (see [`Connection::get_compression`]). Used by the session's
    /// request path, which serializes values straight into the frame.
    pub(crate) async fn send_frame(
        &self,
        frame: &[u8],
        cached_metadata: Option<&Arc<ResultMetadata<'static>>>,
    ) -> Result<QueryResponse, RequestAttemptError> {
        let raw = self.router.send_frame_slice(frame).await?;
        self.parse_response(raw, cached_metadata)
    }

    fn parse_response(
        &self,
        raw: RawResponse,
        cached_metadata: Option<&Arc<ResultMetadata<'static>>>,
    ) -> Result<QueryResponse, RequestAttemptError> {
        let body = parse_response_body_extensions(raw.params.flags, self.compression, raw.body)?;
        let response =
            Response::deserialize(&self.features, raw.opcode, body.body, cached_metadata)
                .map_err(request_parse_error)?;
        Ok(QueryResponse {
            response,
            tracing_id: body.trace_id,
            warnings: body.warnings,
            custom_payload: body.custom_payload,
        })
    }

    /// Sends QUERY.
    pub(crate) async fn query_raw(
        &self,
        query: &Query<'_>,
        tracing: bool,
        custom_payload: Option<&HashMap<String, Bytes>>,
    ) -> Result<QueryResponse, RequestAttemptError> {
        self.send_request(query, tracing, custom_payload, None)
            .await
    }

    /// Sends PREPARE and returns the prepared statement, or the node's error.
    pub(crate) async fn prepare_raw(
        &self,
        statement: &str,
        tracing: bool,
    ) -> Result<(result::Prepared, Option<Uuid>), RequestAttemptError> {
        let response = self
            .send_request(&Prepare { query: statement }, tracing, None, None)
            .await?
            .into_non_error_query_response()?;
        let tracing_id = response.tracing_id;
        match response.into_result()? {
            result::Result::Prepared(p) => Ok((p, tracing_id)),
            _ => Err(RequestAttemptError::UnexpectedResponse(
                CqlResponseKind::Result,
            )),
        }
    }

    /// Switches this connection to `keyspace` with `USE`.
    pub(crate) async fn use_keyspace(
        &self,
        keyspace: &VerifiedKeyspaceName,
    ) -> Result<(), UseKeyspaceError> {
        let query = Query {
            contents: Cow::Owned(keyspace.use_statement()),
            parameters: QueryParameters::default(),
        };
        let result = self
            .send_request(&query, false, None, None)
            .await?
            .into_non_error_query_response()?
            .into_result()?;
        match result {
            result::Result::SetKeyspace(set) => {
                let matches = if keyspace.is_case_sensitive() {
                    set.keyspace_name == keyspace.as_str()
                } else {
                    set.keyspace_name.eq_ignore_ascii_case(keyspace.as_str())
                };
                if matches {
                    Ok(())
                } else {
                    Err(UseKeyspaceError::KeyspaceNameMismatch {
                        expected_keyspace_name_lowercase: keyspace.as_str().to_lowercase(),
                        result_keyspace_name_lowercase: set.keyspace_name.to_lowercase(),
                    })
                }
            }
            _ => Err(UseKeyspaceError::RequestError(
                RequestAttemptError::UnexpectedResponse(CqlResponseKind::Result),
            )),
        }
    }

    /// Subscribes this connection to `event_types` (REGISTER) and returns the
    /// channel the events arrive on. The channel closes when the connection breaks;
    /// dropping the receiver breaks the connection when the next event arrives (as
    /// nobody would hear it). Calling it again replaces the previous channel.
    pub(crate) async fn register(
        &self,
        event_types: &[EventTypeV2],
    ) -> Result<mpsc::Receiver<EventV2>, ConnectionSetupRequestError> {
        let (sender, receiver) = mpsc::channel(EVENT_CHANNEL_CAPACITY);
        self.router.set_event_sender(sender);
        let request = RegisterV2 {
            event_types_to_register_for: event_types.to_vec(),
        };
        let fail = |e| ConnectionSetupRequestError::new(CqlRequestKind::Register, e);
        let response = self.setup_request(&request, self.compression).await?;
        match response {
            Response::Ready => Ok(receiver),
            Response::Error(e) => Err(fail(e.into())),
            other => Err(fail(ConnectionSetupRequestErrorKind::UnexpectedResponse(
                other.to_response_kind(),
            ))),
        }
    }

    /// The address this connection was opened to.
    pub(crate) fn get_connect_address(&self) -> SocketAddr {
        self.connect_address
    }

    /// The local end of the connection (its source port decides the shard on a
    /// shard-aware port).
    #[cfg(test)]
    pub(crate) fn get_local_address(&self) -> SocketAddr {
        self.local_address
    }

    /// The node's sharding information for this connection (ScyllaDB only).
    pub(crate) fn get_shard_info(&self) -> Option<&ScyllaShardingInfo> {
        self.sharding_info.as_ref()
    }

    /// The shard this connection is served by (ScyllaDB only).
    pub(crate) fn shard(&self) -> Option<u16> {
        self.sharding_info.as_ref().map(|s| s.shard)
    }

    /// The ScyllaDB extensions negotiated on this connection.
    pub(crate) fn get_protocol_features(&self) -> &ProtocolFeatures {
        &self.features
    }

    /// The node's host id, if it sent `SCYLLA_HOST_ID`.
    #[cfg(test)]
    pub(crate) fn get_host_id(&self) -> Option<Uuid> {
        self.host_id
    }

    /// The compression negotiated, if any.
    pub(crate) fn get_compression(&self) -> Option<Compression> {
        self.compression
    }

    /// Whether the connection is broken (no request can succeed on it any more).
    pub(crate) fn is_closed(&self) -> bool {
        self.router.broken_error().is_some()
    }

    /// Resolves when the connection breaks, with the reason.
    pub(crate) async fn closed(&self) -> BrokenConnectionError {
        self.router.closed().await
    }

    /// A future that resolves when the connection breaks; it does not borrow the
    /// connection (for tasks that watch many connections).
    pub(crate) fn closed_owned(
        &self,
    ) -> impl std::future::Future<Output = BrokenConnectionError> + Send + 'static {
        let router = Arc::clone(&self.router);
        async move { router.closed().await }
    }

    /// The number of stream ids taken (in flight or orphaned).
    #[cfg(test)]
    pub(crate) fn streams_in_use(&self) -> usize {
        self.router.streams_in_use()
    }

    /// The number of orphaned stream ids.
    #[cfg(test)]
    pub(crate) fn orphaned_streams(&self) -> usize {
        self.router.orphaned_streams()
    }

    /// The number of socket writes so far (each carries all frames queued before it).
    #[cfg(test)]
    pub(crate) fn write_count(&self) -> u64 {
        self.router.write_count()
    }
}

async fn keepalive_task(
    router: Arc<Router>,
    node_ip: IpAddr,
    interval: Duration,
    timeout: Option<Duration>,
) {
    let run = async {
        let mut ticker = tokio::time::interval_at(tokio::time::Instant::now() + interval, interval);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticker.tick().await;
            let frame = match SerializedRequest::make(&Options, None, false) {
                Ok(f) => f.into_data(),
                Err(e) => {
                    return BrokenConnectionErrorKind::KeepaliveRequestError(Arc::new(e)).into();
                }
            };
            let send = router.send_frame(frame);
            let result = match timeout {
                Some(t) => match tokio::time::timeout(t, send).await {
                    Ok(r) => r,
                    Err(_) => return BrokenConnectionErrorKind::KeepaliveTimeout(node_ip).into(),
                },
                None => send.await,
            };
            match result {
                Ok(_) => {}
                Err(SendFrameError::Broken(e)) => return e,
                Err(SendFrameError::NoStreamId) => {
                    // Every stream is busy: the node is clearly alive and answering.
                    tracing::debug!("keepalive to {node_ip} skipped: all stream ids are in use");
                }
            }
        }
    };
    tokio::select! {
        error = run => router.break_connection(error),
        _ = router.closed() => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keyspace_names_are_verified() {
        assert_eq!(
            VerifiedKeyspaceName::new(String::new(), false),
            Err(BadKeyspaceName::Empty)
        );
        let long = "a".repeat(49);
        assert_eq!(
            VerifiedKeyspaceName::new(long.clone(), false),
            Err(BadKeyspaceName::TooLong(long, 49))
        );
        assert!(VerifiedKeyspaceName::new("a".repeat(48), false).is_ok());
        assert_eq!(
            VerifiedKeyspaceName::new("ks-1".to_owned(), false),
            Err(BadKeyspaceName::IllegalCharacter("ks-1".to_owned(), '-'))
        );
        assert_eq!(
            VerifiedKeyspaceName::new("kś".to_owned(), true),
            Err(BadKeyspaceName::IllegalCharacter("kś".to_owned(), 'ś'))
        );
        let ks = VerifiedKeyspaceName::new("My_Ks1".to_owned(), false).unwrap();
        assert_eq!(ks.use_statement(), "USE My_Ks1");
        let ks = VerifiedKeyspaceName::new("My_Ks1".to_owned(), true).unwrap();
        assert_eq!(ks.use_statement(), "USE \"My_Ks1\"");
        assert_eq!(ks.as_str(), "My_Ks1");
    }

    #[test]
    fn startup_identity_defaults_and_size_limit() {
        let identity = StartupIdentity {
            self_identity: SelfIdentity::new().with_application_name("app"),
            driver_config: Some(Arc::from("x".repeat(MAX_DRIVER_CONFIG_SIZE + 1))),
            session_id: Some(Uuid::nil()),
        };
        let mut options = HashMap::new();
        identity.add_startup_options(&mut options);
        assert_eq!(options["DRIVER_NAME"], startup_options::DEFAULT_DRIVER_NAME);
        assert_eq!(options["DRIVER_VERSION"], env!("CARGO_PKG_VERSION"));
        assert_eq!(options["APPLICATION_NAME"], "app");
        assert_eq!(options["SESSION_ID"], Uuid::nil().to_string());
        assert!(!options.contains_key("APPLICATION_VERSION"));
        assert!(!options.contains_key("DRIVER_CONFIG"));
    }
}
