//! A raw CQL client for the server tests: frames built and read with scylla-cql's
//! encoders and decoders, over TCP or TLS.

#![allow(dead_code)]

use std::borrow::Cow;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::time::Duration;

use bytes::Bytes;
use scylla_cql::frame::protocol_features::ProtocolFeatures;
use scylla_cql::frame::request::{Options, SerializableRequest, Startup};
use scylla_cql::frame::response::{Response, ResponseOpcode};
use scylla_cql::frame::{
    Compression, FrameHeader, SerializedRequest, parse_response_body_extensions, read_frame_body,
    read_frame_header,
};
use scylla_sim::{SimCluster, SimClusterBuilder};
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};

/// How long a test waits for something that should happen.
pub const WAIT: Duration = Duration::from_secs(10);

/// Creates keyspace `ks` with one replica.
pub const CREATE_KS: &str =
    "CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}";

/// A builder on a loopback block of its own, so tests run in parallel.
pub fn builder() -> SimClusterBuilder {
    SimCluster::builder().unique_addresses()
}

/// A response frame as read from the wire, with its extensions taken off.
#[derive(Debug)]
pub struct Frame {
    pub header: FrameHeader,
    pub body: Bytes,
    pub trace_id: Option<uuid::Uuid>,
    pub warnings: Vec<String>,
    pub custom_payload: Option<HashMap<String, Bytes>>,
}

impl Frame {
    pub fn opcode(&self) -> ResponseOpcode {
        ResponseOpcode::try_from(self.header.opcode).expect("known response opcode")
    }

    pub fn response(&self) -> Response {
        Response::deserialize(
            &ProtocolFeatures::default(),
            self.opcode(),
            self.body.clone(),
            None,
        )
        .expect("a well-formed response")
    }

    /// The (code, message) of an ERROR frame.
    pub fn error(&self) -> (i32, String) {
        assert_eq!(self.opcode(), ResponseOpcode::Error, "{self:?}");
        let mut buf: &[u8] = &self.body;
        let code = scylla_cql::frame::types::read_int(&mut buf).unwrap();
        let msg = scylla_cql::frame::types::read_string(&mut buf)
            .unwrap()
            .to_owned();
        (code, msg)
    }
}

/// A client connection.
pub struct Client<S> {
    pub stream: S,
    pub compression: Option<Compression>,
}

impl Client<TcpStream> {
    pub async fn connect(address: SocketAddr) -> Self {
        let stream = tokio::time::timeout(WAIT, TcpStream::connect(address))
            .await
            .expect("connect timed out")
            .unwrap_or_else(|e| panic!("connect to {address}: {e}"));
        stream.set_nodelay(true).unwrap();
        Client {
            stream,
            compression: None,
        }
    }

    /// Connects from local port `local_port` (on the same loopback address).
    pub async fn connect_from_port(address: SocketAddr, local_port: u16) -> std::io::Result<Self> {
        let socket = TcpSocket::new_v4()?;
        socket.set_reuseaddr(true)?;
        socket.bind(SocketAddr::new(address.ip(), local_port))?;
        let stream = socket.connect(address).await?;
        Ok(Client {
            stream,
            compression: None,
        })
    }
}

impl<S: AsyncRead + AsyncWrite + Unpin> Client<S> {
    pub fn new(stream: S) -> Self {
        Client {
            stream,
            compression: None,
        }
    }

    pub async fn send_bytes(&mut self, bytes: &[u8]) {
        self.stream.write_all(bytes).await.unwrap();
        self.stream.flush().await.unwrap();
    }

    pub fn frame<R: SerializableRequest>(&self, req: &R, stream: i16) -> Vec<u8> {
        self.frame_with(req, stream, false)
    }

    pub fn frame_with<R: SerializableRequest>(
        &self,
        req: &R,
        stream: i16,
        tracing: bool,
    ) -> Vec<u8> {
        let mut f = SerializedRequest::make(req, self.compression, tracing).unwrap();
        f.set_stream(stream);
        f.into_data()
    }

    pub async fn send<R: SerializableRequest>(&mut self, req: &R, stream: i16) {
        let bytes = self.frame(req, stream);
        self.send_bytes(&bytes).await;
    }

    /// Reads one frame (any version) and takes the extensions off v4 ones.
    pub async fn recv(&mut self) -> Frame {
        tokio::time::timeout(WAIT, self.try_recv())
            .await
            .expect("no response in time")
            .expect("a frame")
    }

    /// Reads one frame, or the error that ended the connection.
    pub async fn try_recv(
        &mut self,
    ) -> Result<Frame, scylla_cql::frame::frame_errors::FrameHeaderParseError> {
        let header = read_frame_header(&mut self.stream).await?;
        let body = read_frame_body(&mut self.stream, &header, 1 << 30).await?;
        assert!(header.is_response(), "{header:?}");
        if header.version != 0x84 {
            return Ok(Frame {
                header,
                body,
                trace_id: None,
                warnings: Vec::new(),
                custom_payload: None,
            });
        }
        let parsed = parse_response_body_extensions(header.flags, self.compression, body)
            .expect("valid extensions");
        Ok(Frame {
            header,
            body: parsed.body,
            trace_id: parsed.trace_id,
            warnings: parsed.warnings,
            custom_payload: parsed.custom_payload,
        })
    }

    /// Asserts that nothing arrives within `wait`.
    pub async fn expect_silence(&mut self, wait: Duration) {
        if let Ok(r) = tokio::time::timeout(wait, self.try_recv()).await {
            panic!("expected no frame, got {r:?}");
        }
    }

    /// Asserts that the server closes the connection (possibly after frames, which
    /// are returned).
    pub async fn expect_closed(&mut self) -> Vec<Frame> {
        let mut frames = Vec::new();
        loop {
            match tokio::time::timeout(WAIT, self.try_recv()).await {
                Err(_) => panic!("the connection was not closed; got {frames:?}"),
                Ok(Ok(f)) => frames.push(f),
                Ok(Err(_)) => return frames,
            }
        }
    }

    pub async fn request<R: SerializableRequest>(&mut self, req: &R) -> Frame {
        self.send(req, 1).await;
        let f = self.recv().await;
        assert_eq!(f.header.stream, 1);
        f
    }

    pub async fn options(&mut self) -> HashMap<String, Vec<String>> {
        match self.request(&Options).await.response() {
            Response::Supported(s) => s.options,
            other => panic!("expected SUPPORTED, got {other:?}"),
        }
    }

    pub async fn startup_with(&mut self, options: &[(&str, &str)]) -> Frame {
        let startup = Startup {
            options: options
                .iter()
                .map(|(k, v)| (Cow::Owned(k.to_string()), Cow::Owned(v.to_string())))
                .collect(),
        };
        self.request(&startup).await
    }

    /// STARTUP (with `compression` if given) and expect READY.
    pub async fn startup(&mut self, compression: Option<Compression>) {
        let mut opts = vec![("CQL_VERSION", "4.0.0")];
        if let Some(c) = compression {
            opts.push(("COMPRESSION", c.as_str()));
        }
        // STARTUP itself is never compressed; READY comes compressed once compression
        // is negotiated.
        self.compression = compression;
        let f = self.startup_with(&opts).await;
        if compression.is_some() {
            assert_ne!(f.header.flags & 0x01, 0, "READY not compressed: {f:?}");
        }
        assert_eq!(f.opcode(), ResponseOpcode::Ready, "{f:?}");
    }
}

/// A raw request frame with the given header fields and body.
pub fn raw_frame(version: u8, flags: u8, stream: i16, opcode: u8, body: &[u8]) -> Vec<u8> {
    let mut v = FrameHeader {
        version,
        flags,
        stream,
        opcode,
        length: body.len() as u32,
    }
    .to_bytes()
    .to_vec();
    v.extend_from_slice(body);
    v
}
