//! A small CQL server for the tests of connections and pools.
//!
//! It speaks protocol v4 with scylla-cql's encoders and decoders: OPTIONS (with
//! configurable COMPRESSION, ScyllaDB sharding keys, host id and extensions), STARTUP
//! (records the options, negotiates compression), SASL PLAIN authentication, REGISTER
//! and EVENT pushes. QUERY is answered by a handler; the default one understands a few
//! commands in the statement text (see [`default_handler`]). It counts the reads that
//! returned client data, so tests can check how many writes the client made.

use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use scylla_cql::frame::protocol_features::ProtocolFeatures;
use scylla_cql::frame::request::{AnyRequest, RequestOpcode};
use scylla_cql::frame::response::authenticate::{AuthChallenge, AuthSuccess, Authenticate};
use scylla_cql::frame::response::error::{DbError, Error};
use scylla_cql::frame::response::event::EventV2;
use scylla_cql::frame::response::result::{self, SetKeyspace};
use scylla_cql::frame::response::{Response, ResponseV2, Supported};
use scylla_cql::frame::server_event_type::EventTypeV2;
use scylla_cql::frame::{
    Compression, ResponseExtensions, SerializedResponse, parse_request_body_extensions,
    read_request_frame,
};
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt, BufReader, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Notify, mpsc};
use uuid::Uuid;

/// A request as the handler sees it.
#[derive(Debug, Clone)]
pub(crate) struct ServerRequest {
    pub(crate) opcode: RequestOpcode,
    /// The statement of a QUERY or PREPARE.
    pub(crate) statement: Option<String>,
    pub(crate) tracing: bool,
    pub(crate) custom_payload: Option<HashMap<String, Bytes>>,
    pub(crate) flags: u8,
    pub(crate) connection_id: usize,
}

/// What the server does with a request.
pub(crate) enum Reply {
    /// Answers with this response, these warnings, tracing id and payload.
    Respond {
        response: Box<ResponseV2>,
        warnings: Vec<String>,
        trace_id: Option<Uuid>,
        custom_payload: Option<HashMap<String, Bytes>>,
    },
    /// Answers after a delay (without holding up other requests).
    Delayed(Duration, Box<Reply>),
    /// Never answers.
    Ignore,
    /// Closes the connection.
    Close,
}

impl Reply {
    pub(crate) fn response(response: Response) -> Self {
        Reply::Respond {
            response: Box::new(response.into()),
            warnings: Vec::new(),
            trace_id: None,
            custom_payload: None,
        }
    }

    pub(crate) fn set_keyspace(name: &str) -> Self {
        Self::response(Response::Result(result::Result::SetKeyspace(SetKeyspace {
            keyspace_name: name.to_owned(),
        })))
    }
}

pub(crate) type Handler = Arc<dyn Fn(&ServerRequest) -> Reply + Send + Sync>;

/// The statement commands of the default handler:
/// - `USE ks` / `USE "Ks"`: Set_keyspace with `ks` lower-cased / `Ks`;
/// - `sleep:<ms>:<rest>`: the reply to `<rest>` after `<ms>` milliseconds;
/// - `noreply:<rest>`: no answer;
/// - `close:`: closes the connection;
/// - `error:<rest>`: an Invalid error with message `<rest>`;
/// - `extras:<rest>`: Void with a warning `<rest>`, a tracing id and a custom payload;
/// - anything else: Set_keyspace whose name is the statement text (an echo).
pub(crate) fn default_handler() -> Handler {
    Arc::new(|req: &ServerRequest| match &req.statement {
        Some(s) => reply_to_statement(s),
        None => Reply::response(Response::Result(result::Result::Void)),
    })
}

fn reply_to_statement(s: &str) -> Reply {
    if let Some(ks) = s.strip_prefix("USE ") {
        let ks = match ks.strip_prefix('"').and_then(|k| k.strip_suffix('"')) {
            Some(quoted) => quoted.to_owned(),
            None => ks.to_lowercase(),
        };
        return Reply::set_keyspace(&ks);
    }
    if let Some(rest) = s.strip_prefix("sleep:") {
        let (ms, rest) = rest.split_once(':').unwrap_or((rest, ""));
        let ms: u64 = ms.parse().unwrap_or(0);
        return Reply::Delayed(
            Duration::from_millis(ms),
            Box::new(reply_to_statement(rest)),
        );
    }
    if s.starts_with("noreply:") {
        return Reply::Ignore;
    }
    if s.starts_with("close:") {
        return Reply::Close;
    }
    if let Some(msg) = s.strip_prefix("error:") {
        return Reply::response(Response::Error(Error {
            error: DbError::Invalid,
            reason: msg.to_owned(),
        }));
    }
    if let Some(msg) = s.strip_prefix("extras:") {
        let mut payload = HashMap::new();
        payload.insert("key".to_owned(), Bytes::from_static(b"value"));
        return Reply::Respond {
            response: Box::new(Response::Result(result::Result::Void).into()),
            warnings: vec![msg.to_owned()],
            trace_id: Some(Uuid::from_u128(0x1234)),
            custom_payload: Some(payload),
        };
    }
    Reply::set_keyspace(s)
}

/// The ScyllaDB sharding the server pretends to have.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Sharding {
    pub(crate) nr_shards: u16,
    pub(crate) shard_aware_port: ShardAwarePort,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ShardAwarePort {
    /// No SCYLLA_SHARD_AWARE_PORT.
    None,
    /// A shard-aware listener: shard = client port % nr_shards.
    Listening,
    /// SCYLLA_SHARD_AWARE_PORT names a port where nobody listens.
    Unreachable,
}

/// Server-side TLS.
#[derive(Clone)]
pub(crate) enum ServerTls {
    #[cfg(feature = "rustls-023")]
    Rustls(Arc<rustls::ServerConfig>),
    #[cfg(feature = "openssl-010")]
    OpenSsl(openssl::ssl::SslAcceptor),
}

#[derive(Clone)]
pub(crate) struct ServerConfig {
    pub(crate) compression: Vec<&'static str>,
    pub(crate) sharding: Option<Sharding>,
    pub(crate) host_id: Option<Uuid>,
    pub(crate) extra_supported: HashMap<String, Vec<String>>,
    /// Requires SASL PLAIN with these credentials.
    pub(crate) credentials: Option<(String, String)>,
    /// Sends one AUTH_CHALLENGE ("nonce") before accepting the credentials, which
    /// must then come in the answer to it.
    pub(crate) auth_challenge: bool,
    pub(crate) handler: Handler,
    pub(crate) tls: Option<ServerTls>,
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            compression: vec!["lz4", "snappy"],
            sharding: None,
            host_id: None,
            extra_supported: HashMap::new(),
            credentials: None,
            auth_challenge: false,
            handler: default_handler(),
            tls: None,
        }
    }
}

/// What the server knows about one client connection.
#[derive(Debug, Clone)]
pub(crate) struct ConnectionInfo {
    pub(crate) id: usize,
    pub(crate) peer: SocketAddr,
    pub(crate) shard: Option<u16>,
    pub(crate) shard_aware_listener: bool,
    pub(crate) startup_options: HashMap<String, String>,
    pub(crate) compressed_requests: u64,
    pub(crate) registered: Vec<EventTypeV2>,
    pub(crate) open: bool,
}

struct LiveConnection {
    info: ConnectionInfo,
    kill: Arc<Notify>,
    out: mpsc::UnboundedSender<Vec<u8>>,
    compression: Option<Compression>,
}

struct ServerState {
    config: ServerConfig,
    connections: Mutex<Vec<LiveConnection>>,
    next_id: AtomicUsize,
    round_robin: AtomicUsize,
    /// Shards for the next connections to the regular port (then round robin).
    regular_port_script: Mutex<VecDeque<u16>>,
    reads: AtomicU64,
    answer_options: AtomicBool,
    requests: AtomicU64,
}

/// A running test server. Dropping it stops accepting and closes every connection.
pub(crate) struct TestServer {
    pub(crate) addr: SocketAddr,
    pub(crate) shard_aware_addr: Option<SocketAddr>,
    state: Arc<ServerState>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl Drop for TestServer {
    fn drop(&mut self) {
        for t in &self.tasks {
            t.abort();
        }
        self.kill_all();
    }
}

impl TestServer {
    pub(crate) async fn start(config: ServerConfig) -> TestServer {
        Self::start_at("127.0.0.1:0".parse().unwrap(), config).await
    }

    /// A server listening on `addr` (port 0: any free port).
    pub(crate) async fn start_at(addr: SocketAddr, config: ServerConfig) -> TestServer {
        let ip = addr.ip();
        let listener = TcpListener::bind(addr).await.unwrap();
        let addr = listener.local_addr().unwrap();
        let mut shard_aware_listener = None;
        let mut shard_aware_addr = None;
        match config.sharding.map(|s| s.shard_aware_port) {
            Some(ShardAwarePort::Listening) => {
                let l = TcpListener::bind((ip, 0)).await.unwrap();
                shard_aware_addr = Some(l.local_addr().unwrap());
                shard_aware_listener = Some(l);
            }
            Some(ShardAwarePort::Unreachable) => {
                // A port that was free a moment ago and is closed now.
                let l = std::net::TcpListener::bind((ip, 0)).unwrap();
                shard_aware_addr = Some(l.local_addr().unwrap());
            }
            _ => {}
        }
        let state = Arc::new(ServerState {
            config,
            connections: Mutex::new(Vec::new()),
            next_id: AtomicUsize::new(0),
            round_robin: AtomicUsize::new(0),
            regular_port_script: Mutex::new(VecDeque::new()),
            reads: AtomicU64::new(0),
            answer_options: AtomicBool::new(true),
            requests: AtomicU64::new(0),
        });
        let mut tasks = vec![tokio::spawn(accept_loop(
            Arc::clone(&state),
            listener,
            false,
            shard_aware_addr,
        ))];
        if let Some(l) = shard_aware_listener {
            tasks.push(tokio::spawn(accept_loop(
                Arc::clone(&state),
                l,
                true,
                shard_aware_addr,
            )));
        }
        TestServer {
            addr,
            shard_aware_addr,
            state,
            tasks,
        }
    }

    pub(crate) fn connections(&self) -> Vec<ConnectionInfo> {
        self.state
            .connections
            .lock()
            .unwrap()
            .iter()
            .map(|c| c.info.clone())
            .collect()
    }

    pub(crate) fn open_connections(&self) -> Vec<ConnectionInfo> {
        self.connections().into_iter().filter(|c| c.open).collect()
    }

    /// Closes every connection.
    pub(crate) fn kill_all(&self) {
        for c in self.state.connections.lock().unwrap().iter() {
            c.kill.notify_one();
        }
    }

    /// Closes the connection whose client end is `peer`.
    pub(crate) fn kill(&self, peer: SocketAddr) {
        for c in self.state.connections.lock().unwrap().iter() {
            if c.info.peer == peer {
                c.kill.notify_one();
            }
        }
    }

    /// The number of reads that returned client data, on all connections.
    pub(crate) fn reads(&self) -> u64 {
        self.state.reads.load(Ordering::SeqCst)
    }

    /// The number of requests received, on all connections.
    pub(crate) fn requests(&self) -> u64 {
        self.state.requests.load(Ordering::SeqCst)
    }

    /// The shards the next connections to the regular port land on, in order
    /// (round robin after them).
    pub(crate) fn set_regular_port_shards(&self, shards: Vec<u16>) {
        *self.state.regular_port_script.lock().unwrap() = shards.into();
    }

    /// Whether OPTIONS gets an answer (keepalives are OPTIONS).
    pub(crate) fn set_answer_options(&self, answer: bool) {
        self.state.answer_options.store(answer, Ordering::SeqCst);
    }

    /// Sends `event` to the connections registered for its type.
    pub(crate) fn push_event(&self, event: EventV2) {
        let kind = match &event {
            EventV2::TopologyChange(_) => EventTypeV2::TopologyChange,
            EventV2::StatusChange(_) => EventTypeV2::StatusChange,
            EventV2::SchemaChange(_) => EventTypeV2::SchemaChange,
            _ => EventTypeV2::ClientRoutesChange,
        };
        let response = ResponseV2::Event(event);
        for c in self.state.connections.lock().unwrap().iter() {
            if c.info.open && c.info.registered.contains(&kind) {
                let frame = encode(-1, &response, &ResponseExtensions::default(), c.compression);
                let _ = c.out.send(frame);
            }
        }
    }
}

fn encode(
    stream: i16,
    response: &ResponseV2,
    ext: &ResponseExtensions<'_>,
    compression: Option<Compression>,
) -> Vec<u8> {
    let body = response.to_bytes(&ProtocolFeatures::default()).unwrap();
    SerializedResponse::make(stream, response.opcode() as u8, &body, ext, compression)
        .unwrap()
        .into_data()
}

/// Counts the reads that returned data.
struct CountingReader<R> {
    inner: R,
    state: Arc<ServerState>,
}

impl<R: AsyncRead + Unpin> AsyncRead for CountingReader<R> {
    fn poll_read(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        let result = std::pin::Pin::new(&mut self.inner).poll_read(cx, buf);
        if matches!(result, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            self.state.reads.fetch_add(1, Ordering::SeqCst);
        }
        result
    }
}

trait Stream: AsyncRead + AsyncWrite + Unpin + Send + 'static {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send + 'static> Stream for T {}

async fn accept_loop(
    state: Arc<ServerState>,
    listener: TcpListener,
    shard_aware: bool,
    shard_aware_addr: Option<SocketAddr>,
) {
    loop {
        let Ok((tcp, peer)) = listener.accept().await else {
            return;
        };
        let state = Arc::clone(&state);
        tokio::spawn(async move {
            let stream: Box<dyn Stream> = match wrap_tls(&state.config.tls, tcp).await {
                Some(s) => s,
                None => return,
            };
            serve(state, stream, peer, shard_aware, shard_aware_addr).await;
        });
    }
}

async fn wrap_tls(tls: &Option<ServerTls>, tcp: TcpStream) -> Option<Box<dyn Stream>> {
    match tls {
        None => Some(Box::new(tcp)),
        #[cfg(not(any(feature = "rustls-023", feature = "openssl-010")))]
        Some(never) => match *never {},
        #[cfg(feature = "rustls-023")]
        Some(ServerTls::Rustls(config)) => {
            let acceptor = tokio_rustls::TlsAcceptor::from(Arc::clone(config));
            acceptor
                .accept(tcp)
                .await
                .ok()
                .map(|s| Box::new(s) as Box<dyn Stream>)
        }
        #[cfg(feature = "openssl-010")]
        Some(ServerTls::OpenSsl(acceptor)) => {
            let ssl = openssl::ssl::Ssl::new(acceptor.context()).ok()?;
            let mut stream = tokio_openssl::SslStream::new(ssl, tcp).ok()?;
            std::pin::Pin::new(&mut stream).accept().await.ok()?;
            Some(Box::new(stream))
        }
    }
}

async fn serve(
    state: Arc<ServerState>,
    stream: Box<dyn Stream>,
    peer: SocketAddr,
    shard_aware: bool,
    shard_aware_addr: Option<SocketAddr>,
) {
    let id = state.next_id.fetch_add(1, Ordering::SeqCst);
    let shard = state.config.sharding.map(|s| {
        if shard_aware {
            peer.port() % s.nr_shards
        } else if let Some(shard) = state.regular_port_script.lock().unwrap().pop_front() {
            shard
        } else {
            (state.round_robin.fetch_add(1, Ordering::SeqCst) % s.nr_shards as usize) as u16
        }
    });
    let (read_half, mut write_half) = tokio::io::split(stream);
    let (out, mut out_rx) = mpsc::unbounded_channel::<Vec<u8>>();
    let kill = Arc::new(Notify::new());
    state.connections.lock().unwrap().push(LiveConnection {
        info: ConnectionInfo {
            id,
            peer,
            shard,
            shard_aware_listener: shard_aware,
            startup_options: HashMap::new(),
            compressed_requests: 0,
            registered: Vec::new(),
            open: true,
        },
        kill: Arc::clone(&kill),
        out: out.clone(),
        compression: None,
    });
    let writer = async move {
        while let Some(frame) = out_rx.recv().await {
            if write_half.write_all(&frame).await.is_err() {
                return;
            }
        }
    };
    let reader = async {
        let mut reader = BufReader::with_capacity(
            1 << 20,
            CountingReader {
                inner: read_half,
                state: Arc::clone(&state),
            },
        );
        let mut compression: Option<Compression> = None;
        let mut authenticated = false;
        let mut challenged = false;
        loop {
            let Ok((params, opcode, body)) = read_request_frame(&mut reader).await else {
                return;
            };
            state.requests.fetch_add(1, Ordering::SeqCst);
            let Ok(body) = parse_request_body_extensions(params.flags, compression, body) else {
                return;
            };
            if params.flags & scylla_cql::frame::flag::COMPRESSION != 0 {
                with_conn(&state, id, |c| c.info.compressed_requests += 1);
            }
            let mut buf: &[u8] = &body.body;
            let Ok(request) =
                AnyRequest::deserialize(&mut buf, opcode, &ProtocolFeatures::default())
            else {
                return;
            };
            let reply = match request {
                AnyRequest::Options(_) => {
                    if !state.answer_options.load(Ordering::SeqCst) {
                        continue;
                    }
                    Reply::response(Response::Supported(supported(
                        &state.config,
                        shard,
                        shard_aware_addr,
                    )))
                }
                AnyRequest::Startup(startup) => {
                    let options: HashMap<String, String> = startup
                        .options
                        .iter()
                        .map(|(k, v)| (k.to_string(), v.to_string()))
                        .collect();
                    let negotiated = options.get("COMPRESSION").and_then(|c| c.parse().ok());
                    with_conn(&state, id, |c| {
                        c.info.startup_options = options.clone();
                        c.compression = negotiated;
                    });
                    // The answer to STARTUP is already compressed.
                    compression = negotiated;
                    if state.config.credentials.is_some() {
                        Reply::response(Response::Authenticate(Authenticate {
                            authenticator_name: "org.apache.cassandra.auth.PasswordAuthenticator"
                                .to_owned(),
                        }))
                    } else {
                        authenticated = true;
                        Reply::response(Response::Ready)
                    }
                }
                AnyRequest::AuthResponse(auth) => {
                    let expected = state.config.credentials.as_ref().map(|(u, p)| {
                        let mut t = vec![0u8];
                        t.extend_from_slice(u.as_bytes());
                        t.push(0);
                        t.extend_from_slice(p.as_bytes());
                        t
                    });
                    if state.config.auth_challenge && !challenged {
                        challenged = true;
                        Reply::response(Response::AuthChallenge(AuthChallenge {
                            authenticate_message: Some(b"nonce".to_vec()),
                        }))
                    } else if auth.response == expected {
                        authenticated = true;
                        Reply::response(Response::AuthSuccess(AuthSuccess {
                            success_message: None,
                        }))
                    } else {
                        Reply::response(Response::Error(Error {
                            error: DbError::AuthenticationError,
                            reason: "Username and/or password are incorrect".to_owned(),
                        }))
                    }
                }
                _ if !authenticated => Reply::response(Response::Error(Error {
                    error: DbError::ProtocolError,
                    reason: "not authenticated".to_owned(),
                })),
                AnyRequest::Register(register) => {
                    with_conn(&state, id, |c| {
                        c.info.registered = register.event_types_to_register_for.clone()
                    });
                    Reply::response(Response::Ready)
                }
                other => {
                    let statement = match &other {
                        AnyRequest::Query(q) => Some(q.contents.to_string()),
                        AnyRequest::Prepare(p) => Some(p.query.to_owned()),
                        _ => None,
                    };
                    let req = ServerRequest {
                        opcode,
                        statement,
                        tracing: body.tracing,
                        custom_payload: body.custom_payload.clone(),
                        flags: params.flags,
                        connection_id: id,
                    };
                    (state.config.handler)(&req)
                }
            };
            if !send_reply(params.stream, reply, compression, &out) {
                return;
            }
        }
    };
    tokio::select! {
        _ = reader => {}
        _ = writer => {}
        _ = kill.notified() => {}
    }
    with_conn(&state, id, |c| c.info.open = false);
}

/// Sends (or schedules) a reply; `false` closes the connection.
fn send_reply(
    stream: i16,
    reply: Reply,
    compression: Option<Compression>,
    out: &mpsc::UnboundedSender<Vec<u8>>,
) -> bool {
    match reply {
        Reply::Respond {
            response,
            warnings,
            trace_id,
            custom_payload,
        } => {
            let ext = ResponseExtensions {
                trace_id,
                warnings: &warnings,
                custom_payload: custom_payload.as_ref(),
            };
            out.send(encode(stream, &response, &ext, compression))
                .is_ok()
        }
        Reply::Delayed(delay, reply) => {
            let out = out.clone();
            tokio::spawn(async move {
                tokio::time::sleep(delay).await;
                send_reply(stream, *reply, compression, &out);
            });
            true
        }
        Reply::Ignore => true,
        Reply::Close => false,
    }
}

fn with_conn<T>(
    state: &ServerState,
    id: usize,
    f: impl FnOnce(&mut LiveConnection) -> T,
) -> Option<T> {
    state
        .connections
        .lock()
        .unwrap()
        .iter_mut()
        .find(|c| c.info.id == id)
        .map(f)
}

fn supported(
    config: &ServerConfig,
    shard: Option<u16>,
    shard_aware_addr: Option<SocketAddr>,
) -> Supported {
    let mut options = config.extra_supported.clone();
    options.insert(
        "CQL_VERSION".to_owned(),
        vec!["3.0.0".to_owned(), "4.0.0".to_owned()],
    );
    options.insert(
        "COMPRESSION".to_owned(),
        config.compression.iter().map(|c| c.to_string()).collect(),
    );
    if let (Some(s), Some(shard)) = (config.sharding, shard) {
        let mut put = |k: &str, v: String| {
            options.insert(k.to_owned(), vec![v]);
        };
        put("SCYLLA_SHARD", shard.to_string());
        put("SCYLLA_NR_SHARDS", s.nr_shards.to_string());
        put("SCYLLA_SHARDING_IGNORE_MSB", "12".to_owned());
        put(
            "SCYLLA_PARTITIONER",
            "org.apache.cassandra.dht.Murmur3Partitioner".to_owned(),
        );
        put(
            "SCYLLA_SHARDING_ALGORITHM",
            "biased-token-round-robin".to_owned(),
        );
        if let Some(a) = shard_aware_addr {
            put("SCYLLA_SHARD_AWARE_PORT", a.port().to_string());
        }
    }
    if let Some(h) = config.host_id {
        options.insert("SCYLLA_HOST_ID".to_owned(), vec![h.to_string()]);
    }
    Supported { options }
}

/// A CA and a certificate for 127.0.0.1 signed by it (DER), with the leaf's key.
#[cfg(any(feature = "rustls-023", feature = "openssl-010"))]
pub(crate) struct TestCertificates {
    pub(crate) ca_der: Vec<u8>,
    pub(crate) leaf_der: Vec<u8>,
    pub(crate) leaf_key_der: Vec<u8>,
}

#[cfg(any(feature = "rustls-023", feature = "openssl-010"))]
pub(crate) fn generate_certificates() -> TestCertificates {
    use rcgen::{BasicConstraints, CertificateParams, IsCa, KeyPair};
    let ca_key = KeyPair::generate().unwrap();
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "test CA");
    let ca = ca_params.self_signed(&ca_key).unwrap();
    let leaf_key = KeyPair::generate().unwrap();
    let mut leaf_params = CertificateParams::new(vec!["127.0.0.1".to_owned()]).unwrap();
    leaf_params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "node");
    let leaf = leaf_params.signed_by(&leaf_key, &ca, &ca_key).unwrap();
    TestCertificates {
        ca_der: ca.der().to_vec(),
        leaf_der: leaf.der().to_vec(),
        leaf_key_der: leaf_key.serialize_der(),
    }
}

#[cfg(feature = "rustls-023")]
pub(crate) fn rustls_server(certs: &TestCertificates) -> ServerTls {
    use rustls_pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(
            vec![CertificateDer::from(certs.leaf_der.clone())],
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(certs.leaf_key_der.clone())),
        )
        .unwrap();
    ServerTls::Rustls(Arc::new(config))
}

#[cfg(feature = "openssl-010")]
pub(crate) fn openssl_server(certs: &TestCertificates) -> ServerTls {
    use openssl::pkey::PKey;
    use openssl::ssl::{SslAcceptor, SslMethod};
    use openssl::x509::X509;
    let mut builder = SslAcceptor::mozilla_intermediate_v5(SslMethod::tls_server()).unwrap();
    builder
        .set_certificate(&X509::from_der(&certs.leaf_der).unwrap())
        .unwrap();
    builder
        .set_private_key(&PKey::private_key_from_der(&certs.leaf_key_der).unwrap())
        .unwrap();
    ServerTls::OpenSsl(builder.build())
}
