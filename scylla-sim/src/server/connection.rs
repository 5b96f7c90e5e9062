//! One client connection: reads request frames, answers them, pushes events.
//!
//! The task reads whatever the socket has into one buffer, handles every complete
//! frame in it in order (statements go to the executor synchronously), appends the
//! responses to one output buffer and writes that buffer once. Registered connections
//! also wait on the cluster's event bus. Nothing here holds a lock across an await.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;

use bytes::{Buf, Bytes, BytesMut};
use scylla_cql::frame::protocol_features::ProtocolFeatures;
use scylla_cql::frame::request::query::Query;
use scylla_cql::frame::request::{
    AuthResponse, Batch, DeserializableRequest, ExecuteV2, Prepare, RegisterV2, RequestOpcode,
    Startup,
};
use scylla_cql::frame::response::ResponseOpcode;
use scylla_cql::frame::response::authenticate::{AuthSuccess, Authenticate};
use scylla_cql::frame::response::error::code;
use scylla_cql::frame::response::event::{Event, StatusChangeEvent, TopologyChangeEvent};
use scylla_cql::frame::response::supported::Supported;
use scylla_cql::frame::server_event_type::EventTypeV2;
use scylla_cql::frame::{
    Compression, FrameHeader, ResponseExtensions, decompress_with_limit, flag, types,
};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::sync::broadcast::error::RecvError;
use tokio::sync::{broadcast, watch};

use super::frame::{
    FrameStatus, SUPPORTED_VERSION, error_body, next_frame, write_error_in_version, write_response,
};
use super::handshake::{
    PASSWORD_AUTHENTICATOR, SupportedInfo, parse_sasl_plain, startup_compression,
    supported_options, unsupported_version_message,
};
use super::{NodeShared, RunState, ServerShared};
use crate::cluster::ClusterEvent;
use crate::exec::{ConnectionState, Outcome, RequestContext};

/// How much the read buffer grows by at a time.
const READ_CHUNK: usize = 64 * 1024;
/// Output beyond this is written before more input is handled.
const FLUSH_THRESHOLD: usize = 1 << 20;
/// An output buffer that grew beyond this is shrunk back after use.
const KEEP_OUTPUT_CAPACITY: usize = 4 << 20;

/// Where the connection is in its handshake.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// Before STARTUP.
    Uninitialized,
    /// After STARTUP, waiting for AUTH_RESPONSE.
    Authenticating,
    /// Ready for statements.
    Ready,
}

/// The event types a connection registered for.
#[derive(Debug, Clone, Copy, Default)]
struct Registrations {
    topology: bool,
    status: bool,
    schema: bool,
}

/// What to do after handling the buffered input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Flow {
    /// Read at least this many more bytes.
    NeedInput(usize),
    /// The output buffer is full enough to be written first; then handle the rest.
    WriteThenContinue,
    /// Write what is pending, then close the connection.
    Close,
}

/// The protocol state of one connection.
struct Connection {
    server: Arc<ServerShared>,
    node: Arc<NodeShared>,
    shard: u16,
    client: SocketAddr,
    phase: Phase,
    compression: Option<Compression>,
    features: ProtocolFeatures,
    state: ConnectionState,
    registrations: Registrations,
    events: Option<broadcast::Receiver<ClusterEvent>>,
    paused: bool,
    /// Reused buffer for the uncompressed body of a compressed response.
    scratch: Vec<u8>,
    /// Reused buffer for bodies this layer builds (errors, SUPPORTED, events).
    body: Vec<u8>,
}

/// Serves one accepted connection until it closes, fails or its node stops.
pub(crate) async fn serve<S>(
    mut stream: S,
    server: Arc<ServerShared>,
    node: Arc<NodeShared>,
    shard: u16,
    client: SocketAddr,
    mut run: watch::Receiver<RunState>,
) where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let paused = match *run.borrow_and_update() {
        RunState::Stopped => return,
        RunState::Paused => true,
        RunState::Running => false,
    };
    let mut conn = Connection {
        server,
        node,
        shard,
        client,
        phase: Phase::Uninitialized,
        compression: None,
        features: ProtocolFeatures::default(),
        state: ConnectionState::default(),
        registrations: Registrations::default(),
        events: None,
        paused,
        scratch: Vec::new(),
        body: Vec::new(),
    };
    let mut input = BytesMut::with_capacity(READ_CHUNK);
    let mut output: Vec<u8> = Vec::with_capacity(READ_CHUNK);
    loop {
        let flow = conn.handle_input(&mut input, &mut output);
        if !output.is_empty() {
            let write = async {
                stream.write_all(&output).await?;
                stream.flush().await
            };
            tokio::select! {
                result = write => {
                    if result.is_err() {
                        return;
                    }
                }
                () = stopped(&mut run) => return,
            }
            output.clear();
            if output.capacity() > KEEP_OUTPUT_CAPACITY {
                output.shrink_to(READ_CHUNK);
            }
        }
        let missing = match flow {
            Flow::NeedInput(missing) => missing,
            Flow::WriteThenContinue => continue,
            Flow::Close => {
                let _ = stream.shutdown().await;
                return;
            }
        };
        input.reserve(missing.clamp(1, READ_CHUNK).max(READ_CHUNK / 4));
        tokio::select! {
            biased;
            changed = run.changed() => {
                if changed.is_err() {
                    return;
                }
                match *run.borrow_and_update() {
                    RunState::Stopped => return,
                    RunState::Paused => conn.paused = true,
                    RunState::Running => conn.paused = false,
                }
            }
            event = next_event(&mut conn.events) => conn.on_event(event, &mut output),
            read = stream.read_buf(&mut input) => {
                match read {
                    Ok(0) | Err(_) => return,
                    Ok(_) => {}
                }
            }
        }
    }
}

/// Why a statement got no outcome from the executor.
enum Failure {
    /// The request body could not be decoded.
    Malformed(String),
    /// The executor panicked (a bug); the connection goes on.
    Panicked(String),
}

fn malformed(e: impl std::fmt::Display) -> Failure {
    Failure::Malformed(e.to_string())
}

/// Runs `f`, turning a panic into an error so that a bug answers one request with a
/// server error instead of killing the connection.
fn guarded(f: impl FnOnce() -> Outcome) -> Result<Outcome, Failure> {
    catch_unwind(AssertUnwindSafe(f)).map_err(|panic| {
        let message = panic
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "panic".to_owned());
        Failure::Panicked(message)
    })
}

/// Resolves once the node is stopped (or its control is gone).
async fn stopped(run: &mut watch::Receiver<RunState>) {
    let _ = run.wait_for(|s| *s == RunState::Stopped).await;
}

async fn next_event(
    events: &mut Option<broadcast::Receiver<ClusterEvent>>,
) -> Result<ClusterEvent, RecvError> {
    match events {
        Some(rx) => rx.recv().await,
        None => std::future::pending().await,
    }
}

/// The version to frame an error in when refusing protocol version `asked`: the asked
/// one for older versions (their clients only read their own framing), v4 otherwise.
fn refusal_version(asked: u8) -> u8 {
    if (1..SUPPORTED_VERSION).contains(&asked) {
        asked
    } else {
        SUPPORTED_VERSION
    }
}

impl Connection {
    /// Handles every complete frame buffered in `input`, appending responses to
    /// `output`, and drops the handled bytes.
    fn handle_input(&mut self, input: &mut BytesMut, output: &mut Vec<u8>) -> Flow {
        let max_body = self.server.max_body_size;
        let mut pos = 0;
        let flow = loop {
            let rest = &input[pos..];
            match next_frame(rest, max_body) {
                FrameStatus::Incomplete { missing } => break Flow::NeedInput(missing),
                FrameStatus::TooLarge { header, .. } => {
                    if !self.paused {
                        let message = format!(
                            "Request is too big: length {} exceeds maximum allowed length {}.",
                            header.length, max_body
                        );
                        write_error_in_version(
                            output,
                            refusal_version(header.protocol_version()),
                            header.stream,
                            code::PROTOCOL_ERROR,
                            &message,
                        );
                    }
                    break Flow::Close;
                }
                FrameStatus::Complete {
                    header,
                    header_size,
                } => {
                    let end = header_size + header.length as usize;
                    let body = &rest[header_size..end];
                    pos += end;
                    if !self.handle_frame(&header, body, output) {
                        break Flow::Close;
                    }
                    if output.len() >= FLUSH_THRESHOLD {
                        break Flow::WriteThenContinue;
                    }
                }
            }
        };
        input.advance(pos);
        flow
    }

    /// Handles one frame. Returns false when the connection must be closed.
    fn handle_frame(&mut self, header: &FrameHeader, body: &[u8], out: &mut Vec<u8>) -> bool {
        if self.paused {
            // A paused node reads but never answers.
            return true;
        }
        let stream = header.stream;
        if header.is_response() {
            let message = format!(
                "Invalid message direction: received a response frame (version byte {:#04x}) from a client",
                header.version
            );
            write_error_in_version(
                out,
                refusal_version(header.protocol_version()),
                stream,
                code::PROTOCOL_ERROR,
                &message,
            );
            return false;
        }
        let version = header.protocol_version();
        if version != SUPPORTED_VERSION {
            write_error_in_version(
                out,
                refusal_version(version),
                stream,
                code::PROTOCOL_ERROR,
                &unsupported_version_message(version),
            );
            return true;
        }
        let Ok(opcode) = RequestOpcode::try_from(header.opcode) else {
            let message = format!("Unknown request opcode {:#04x}", header.opcode);
            self.protocol_error(stream, &message, out);
            return true;
        };

        let decompressed: Vec<u8>;
        let mut buf = body;
        if header.flags & flag::COMPRESSION != 0 {
            let Some(compression) = self.compression else {
                self.protocol_error(
                    stream,
                    "Received a compressed frame but no compression was negotiated in STARTUP",
                    out,
                );
                return true;
            };
            match decompress_with_limit(body, compression, self.server.max_body_size) {
                Ok(bytes) => {
                    decompressed = bytes;
                    buf = &decompressed;
                }
                Err(e) => {
                    let message = format!("Cannot decompress the {opcode} frame body: {e}");
                    self.protocol_error(stream, &message, out);
                    return true;
                }
            }
        }
        let custom_payload = if header.flags & flag::CUSTOM_PAYLOAD != 0 {
            match types::read_bytes_map(&mut buf) {
                Ok(map) => Some(map),
                Err(e) => {
                    let message = format!("Malformed custom payload of the {opcode} frame: {e}");
                    self.protocol_error(stream, &message, out);
                    return true;
                }
            }
        } else {
            None
        };
        let tracing = header.flags & flag::TRACING != 0;

        match (self.phase, opcode) {
            (_, RequestOpcode::Options) => self.options(stream, out),
            (Phase::Uninitialized, RequestOpcode::Startup) => self.startup(stream, buf, out),
            (_, RequestOpcode::Startup) => self.protocol_error(
                stream,
                "Unexpected message STARTUP, the connection is already initialized",
                out,
            ),
            (Phase::Uninitialized, op) => {
                let message = format!("Unexpected message {op}, expecting STARTUP or OPTIONS");
                self.protocol_error(stream, &message, out);
            }
            (Phase::Authenticating, RequestOpcode::AuthResponse) => {
                self.auth_response(stream, buf, out)
            }
            (Phase::Authenticating, op) => {
                let message = format!(
                    "Unexpected message {op}, expecting AUTH_RESPONSE: the connection is not authenticated yet"
                );
                self.protocol_error(stream, &message, out);
            }
            (Phase::Ready, RequestOpcode::AuthResponse) => self.protocol_error(
                stream,
                "Unexpected message AUTH_RESPONSE, the connection is already authenticated",
                out,
            ),
            (Phase::Ready, RequestOpcode::Register) => self.register(stream, buf, out),
            (Phase::Ready, op) => {
                self.statement(stream, op, buf, tracing, custom_payload.as_ref(), out)
            }
        }
        true
    }

    fn protocol_error(&mut self, stream: i16, message: &str, out: &mut Vec<u8>) {
        self.error(stream, code::PROTOCOL_ERROR, message, out);
    }

    fn error(&mut self, stream: i16, code: i32, message: &str, out: &mut Vec<u8>) {
        self.body.clear();
        error_body(code, message, &mut self.body);
        self.respond(stream, ResponseOpcode::Error, out);
    }

    /// Writes `self.body` as a response without extensions.
    fn respond(&mut self, stream: i16, opcode: ResponseOpcode, out: &mut Vec<u8>) {
        write_response(
            out,
            &mut self.scratch,
            stream,
            opcode,
            &ResponseExtensions::default(),
            &self.body,
            self.compression,
        );
    }

    fn options(&mut self, stream: i16, out: &mut Vec<u8>) {
        let info = SupportedInfo {
            cql_version: &self.server.state.config.cql_version,
            shard: self.shard,
            nr_shards: self.node.nr_shards,
            ignore_msb: self.node.sharding_ignore_msb,
            host_id: self.node.host_id,
            shard_aware_port: self.server.shard_aware_port,
            tls: self.server.tls.is_some(),
        };
        let supported = Supported {
            options: supported_options(&info),
        };
        self.body.clear();
        if let Err(e) = supported.serialize(&mut self.body) {
            let message = format!("cannot encode SUPPORTED: {e}");
            self.error(stream, code::SERVER_ERROR, &message, out);
            return;
        }
        self.respond(stream, ResponseOpcode::Supported, out);
    }

    fn startup(&mut self, stream: i16, mut buf: &[u8], out: &mut Vec<u8>) {
        let startup = match Startup::deserialize(&mut buf) {
            Ok(s) => s,
            Err(e) => {
                let message = format!("Invalid STARTUP message: {e}");
                self.protocol_error(stream, &message, out);
                return;
            }
        };
        let options: HashMap<String, String> = startup
            .options
            .into_iter()
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        match startup_compression(&options) {
            Ok(compression) => self.compression = compression,
            Err(message) => {
                self.protocol_error(stream, &message, out);
                return;
            }
        }
        self.features =
            ProtocolFeatures::negotiated_from_startup(&self.server.offered_features, &options);
        self.body.clear();
        if self.server.state.config.credentials.is_some() {
            self.phase = Phase::Authenticating;
            let auth = Authenticate {
                authenticator_name: PASSWORD_AUTHENTICATOR.to_owned(),
            };
            // The name is a short constant: it always fits a [string].
            let _ = auth.serialize(&mut self.body);
            self.respond(stream, ResponseOpcode::Authenticate, out);
        } else {
            self.phase = Phase::Ready;
            self.respond(stream, ResponseOpcode::Ready, out);
        }
    }

    fn auth_response(&mut self, stream: i16, mut buf: &[u8], out: &mut Vec<u8>) {
        let response = match AuthResponse::deserialize(&mut buf) {
            Ok(r) => r,
            Err(e) => {
                let message = format!("Invalid AUTH_RESPONSE message: {e}");
                self.protocol_error(stream, &message, out);
                return;
            }
        };
        let (user, password) = match parse_sasl_plain(response.response.as_deref()) {
            Ok(pair) => pair,
            Err(e) => {
                self.error(stream, code::AUTHENTICATION_ERROR, e.message(), out);
                return;
            }
        };
        let accepted = self
            .server
            .state
            .config
            .credentials
            .as_ref()
            .is_some_and(|(u, p)| u.as_bytes() == user && p.as_bytes() == password);
        if accepted {
            self.phase = Phase::Ready;
            self.state.user = Some(String::from_utf8_lossy(user).into_owned());
            self.body.clear();
            let _ = AuthSuccess {
                success_message: None,
            }
            .serialize(&mut self.body);
            self.respond(stream, ResponseOpcode::AuthSuccess, out);
        } else {
            let message = format!(
                "Provided username {} and/or password are incorrect",
                String::from_utf8_lossy(user)
            );
            self.error(stream, code::AUTHENTICATION_ERROR, &message, out);
        }
    }

    fn register(&mut self, stream: i16, mut buf: &[u8], out: &mut Vec<u8>) {
        let register = match RegisterV2::deserialize(&mut buf) {
            Ok(r) => r,
            Err(e) => {
                let message = format!("Invalid REGISTER message: {e}");
                self.protocol_error(stream, &message, out);
                return;
            }
        };
        for event_type in register.event_types_to_register_for {
            match event_type {
                EventTypeV2::TopologyChange => self.registrations.topology = true,
                EventTypeV2::StatusChange => self.registrations.status = true,
                EventTypeV2::SchemaChange => self.registrations.schema = true,
                // CLIENT_ROUTES_CHANGE: accepted, never sent (the sim has no client
                // routes).
                _ => {}
            }
        }
        if self.events.is_none() {
            self.events = Some(self.server.state.subscribe());
        }
        self.body.clear();
        self.respond(stream, ResponseOpcode::Ready, out);
    }

    fn statement(
        &mut self,
        stream: i16,
        opcode: RequestOpcode,
        mut buf: &[u8],
        tracing: bool,
        custom_payload: Option<&HashMap<String, Bytes>>,
        out: &mut Vec<u8>,
    ) {
        let ctx = RequestContext {
            node: self.node.id,
            shard: self.shard,
            client: self.client,
            features: &self.features,
            tracing,
            custom_payload,
        };
        let handler = &*self.server.handler;
        let state = &mut self.state;
        let decoded: Result<Outcome, Failure> = match opcode {
            RequestOpcode::Query => Query::deserialize_with_features(&mut buf, &self.features)
                .map_err(malformed)
                .and_then(|q| guarded(|| handler.query(&ctx, state, &q))),
            RequestOpcode::Prepare => Prepare::deserialize_borrowed(&mut buf)
                .map_err(malformed)
                .and_then(|p| guarded(|| handler.prepare(&ctx, state, p.query))),
            RequestOpcode::Execute => {
                ExecuteV2::deserialize_with_features(&mut buf, &self.features)
                    .map_err(malformed)
                    .and_then(|e| guarded(|| handler.execute(&ctx, state, &e)))
            }
            RequestOpcode::Batch => Batch::deserialize_with_features(&mut buf, &self.features)
                .map_err(malformed)
                .and_then(|b| guarded(|| handler.batch(&ctx, state, &b))),
            other => Err(Failure::Malformed(format!("unexpected opcode {other}"))),
        };
        match decoded {
            Ok(outcome) => {
                let extensions = ResponseExtensions {
                    trace_id: outcome.trace_id,
                    warnings: &outcome.warnings,
                    custom_payload: outcome.custom_payload.as_ref(),
                };
                write_response(
                    out,
                    &mut self.scratch,
                    stream,
                    outcome.opcode,
                    &extensions,
                    &outcome.body,
                    self.compression,
                );
            }
            Err(Failure::Malformed(e)) => {
                let message = format!("Invalid {opcode} message: {e}");
                self.protocol_error(stream, &message, out);
            }
            Err(Failure::Panicked(e)) => {
                let message = format!("Internal error while executing {opcode}: {e}");
                self.error(stream, code::SERVER_ERROR, &message, out);
            }
        }
    }

    fn on_event(&mut self, event: Result<ClusterEvent, RecvError>, out: &mut Vec<u8>) {
        let event = match event {
            Ok(e) => e,
            // Missed events cannot be recovered; drivers refresh metadata on any
            // later event anyway.
            Err(RecvError::Lagged(_)) => return,
            Err(RecvError::Closed) => {
                self.events = None;
                return;
            }
        };
        if self.paused {
            return;
        }
        let own = self.node.id;
        let event = match event {
            ClusterEvent::Schema(e) if self.registrations.schema => Event::SchemaChange(e),
            ClusterEvent::Status { node, address, up }
                if self.registrations.status && node != own =>
            {
                Event::StatusChange(if up {
                    StatusChangeEvent::Up(address)
                } else {
                    StatusChangeEvent::Down(address)
                })
            }
            ClusterEvent::Topology {
                node,
                address,
                added,
            } if self.registrations.topology && node != own => Event::TopologyChange(if added {
                TopologyChangeEvent::NewNode(address)
            } else {
                TopologyChangeEvent::RemovedNode(address)
            }),
            _ => return,
        };
        self.body.clear();
        if event.serialize(&mut self.body).is_err() {
            return;
        }
        self.respond(-1, ResponseOpcode::Event, out);
    }
}
