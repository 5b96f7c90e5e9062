//! Frames of the CQL binary protocol v4: the header, flags, opcodes, reading a frame
//! from a socket, compression and the request/response messages.
//!
//! A frame is a 9-byte header (version, flags, stream, opcode, body length) followed
//! by the body (spec sections 1 and 2). The body starts with the optional
//! extensions the flags announce — tracing id, warnings, custom payload, in that
//! order — and is compressed as a whole when the compression flag is set.
//!
//! Both directions are here: the driver writes requests ([`SerializedRequest`]) and
//! reads responses ([`read_response_frame`], [`parse_response_body_extensions`]); a
//! server or proxy reads requests ([`read_request_frame`],
//! [`parse_request_body_extensions`]) and writes responses ([`SerializedResponse`]).

use std::collections::HashMap;

use bytes::{BufMut, Bytes};
use tokio::io::{AsyncRead, AsyncReadExt};
use uuid::Uuid;

mod compression;
pub mod frame_errors;
pub mod protocol_features;
pub mod request;
pub mod response;
pub mod server_event_type;
pub mod types;

pub use compression::{
    Compression, CompressionFromStrError, DEFAULT_MAX_FRAME_BODY_SIZE, compress_append, decompress,
    decompress_with_limit,
};

use frame_errors::{
    CqlRequestSerializationError, FrameBodyExtensionsParseError, FrameHeaderParseError,
    ResponseFrameSerializationError,
};
use request::{RequestOpcode, SerializableRequest};

/// A primitive value that does not name any variant of the enum it was converted to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("no variant of {enum_name} has the value {primitive:?}")]
pub struct TryFromPrimitiveError<T: Copy + std::fmt::Debug> {
    /// The enum's name.
    pub enum_name: &'static str,
    /// The value that matched no variant.
    pub primitive: T,
}

impl<T: Copy + std::fmt::Debug> TryFromPrimitiveError<T> {
    /// An error for `primitive`, which names no variant of `enum_name`.
    pub fn new(enum_name: &'static str, primitive: T) -> Self {
        Self {
            enum_name,
            primitive,
        }
    }
}

/// The version byte of a protocol v4 request frame.
pub const REQUEST_VERSION: u8 = 0x04;
/// The version byte of a protocol v4 response frame.
pub const RESPONSE_VERSION: u8 = 0x84;
/// The size of a protocol v3+ frame header.
pub const HEADER_SIZE: usize = 9;

/// The header flags (spec section 2.2).
pub mod flag {
    /// The body is compressed.
    pub const COMPRESSION: u8 = 0x01;
    /// Request: trace this request. Response: the body starts with a tracing id.
    pub const TRACING: u8 = 0x02;
    /// The body carries a custom payload (`[bytes map]`).
    pub const CUSTOM_PAYLOAD: u8 = 0x04;
    /// Response: the body carries warnings (`[string list]`).
    pub const WARNING: u8 = 0x08;
    /// Protocol v5+: the client uses a beta protocol version. Unused in v4.
    pub const USE_BETA: u8 = 0x10;
}

/// The authenticators a server may name in AUTHENTICATE.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Authenticator {
    /// Cassandra's `AllowAllAuthenticator`.
    AllowAllAuthenticator,
    /// Cassandra's `PasswordAuthenticator`.
    PasswordAuthenticator,
    /// `org.apache.cassandra.auth.PasswordAuthenticator`, by its full name.
    CassandraPasswordAuthenticator,
    /// `org.apache.cassandra.auth.AllowAllAuthenticator`, by its full name.
    CassandraAllowAllAuthenticator,
    /// ScyllaDB's `com.scylladb.auth.TransitionalAuthenticator`.
    ScyllaTransitionalAuthenticator,
}

/// The parts of a frame header that are not about the body: version, flags, stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FrameParams {
    /// The version byte (0x04 for a request, 0x84 for a response in protocol v4).
    pub version: u8,
    /// The flags ([`flag`]).
    pub flags: u8,
    /// The stream id.
    pub stream: i16,
}

impl Default for FrameParams {
    /// A v4 request on stream 0 with no flags.
    fn default() -> Self {
        Self {
            version: REQUEST_VERSION,
            flags: 0,
            stream: 0,
        }
    }
}

impl FrameParams {
    /// The parameters of a response to a request with these parameters: a v4
    /// response version byte, no flags, the same stream.
    pub fn for_response(&self) -> Self {
        Self {
            version: RESPONSE_VERSION,
            flags: 0,
            stream: self.stream,
        }
    }
}

/// A frame header exactly as read from the wire, before any check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FrameHeader {
    /// The version byte: direction bit (0x80 = response) and protocol version.
    pub version: u8,
    /// The flags ([`flag`]).
    pub flags: u8,
    /// The stream id (one byte sign-extended for protocol v1 and v2 headers).
    pub stream: i16,
    /// The opcode.
    pub opcode: u8,
    /// The declared body length.
    pub length: u32,
}

impl FrameHeader {
    /// Parses a protocol v3+ (9-byte) header.
    pub fn from_bytes(bytes: [u8; HEADER_SIZE]) -> Self {
        Self {
            version: bytes[0],
            flags: bytes[1],
            stream: i16::from_be_bytes([bytes[2], bytes[3]]),
            opcode: bytes[4],
            length: u32::from_be_bytes([bytes[5], bytes[6], bytes[7], bytes[8]]),
        }
    }

    /// The 9 bytes of this header (protocol v3+ layout).
    pub fn to_bytes(&self) -> [u8; HEADER_SIZE] {
        let s = self.stream.to_be_bytes();
        let l = self.length.to_be_bytes();
        [
            self.version,
            self.flags,
            s[0],
            s[1],
            self.opcode,
            l[0],
            l[1],
            l[2],
            l[3],
        ]
    }

    /// The protocol version, without the direction bit.
    pub fn protocol_version(&self) -> u8 {
        self.version & 0x7f
    }

    /// Whether the direction bit says this is a response.
    pub fn is_response(&self) -> bool {
        self.version & 0x80 != 0
    }

    /// Version, flags and stream.
    pub fn params(&self) -> FrameParams {
        FrameParams {
            version: self.version,
            flags: self.flags,
            stream: self.stream,
        }
    }
}

// ---------------------------------------------------------------------------------------
// Reading frames
// ---------------------------------------------------------------------------------------

/// Reads one frame header, whatever its version and direction.
///
/// Protocol v1 and v2 headers are 8 bytes (a one-byte stream); they are read as such,
/// so that a server can answer such a client. A clean close before the first byte is
/// [`FrameHeaderParseError::ConnectionClosedBetweenFrames`].
pub async fn read_frame_header(
    reader: &mut (impl AsyncRead + Unpin),
) -> Result<FrameHeader, FrameHeaderParseError> {
    let mut first = [0u8; 1];
    loop {
        match reader.read(&mut first).await {
            Ok(0) => return Err(FrameHeaderParseError::ConnectionClosedBetweenFrames),
            Ok(_) => break,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(FrameHeaderParseError::HeaderIoError(e)),
        }
    }
    let version = first[0];
    if matches!(version & 0x7f, 1 | 2) {
        let mut rest = [0u8; 7];
        reader
            .read_exact(&mut rest)
            .await
            .map_err(FrameHeaderParseError::HeaderIoError)?;
        Ok(FrameHeader {
            version,
            flags: rest[0],
            stream: i16::from(rest[1] as i8),
            opcode: rest[2],
            length: u32::from_be_bytes([rest[3], rest[4], rest[5], rest[6]]),
        })
    } else {
        let mut bytes = [0u8; HEADER_SIZE];
        bytes[0] = version;
        reader
            .read_exact(&mut bytes[1..])
            .await
            .map_err(FrameHeaderParseError::HeaderIoError)?;
        Ok(FrameHeader::from_bytes(bytes))
    }
}

/// Reads the body announced by `header`, refusing (without allocating or reading) a
/// body longer than `max_body_size`.
///
/// Memory grows with the bytes that actually arrive, not with the declared length.
pub async fn read_frame_body(
    reader: &mut (impl AsyncRead + Unpin),
    header: &FrameHeader,
    max_body_size: usize,
) -> Result<Bytes, FrameHeaderParseError> {
    const INITIAL_CAPACITY: usize = 64 * 1024;
    let length = header.length as usize;
    if length > max_body_size {
        return Err(FrameHeaderParseError::BodyTooLarge {
            header: *header,
            max: max_body_size,
        });
    }
    if length == 0 {
        return Ok(Bytes::new());
    }
    if length <= INITIAL_CAPACITY {
        // Small bodies (nearly all): one allocation of the exact size, filled in
        // place (no growth, no probe for the end of the stream).
        let mut body = vec![0u8; length];
        let mut filled = 0;
        while filled < length {
            let rest = body.get_mut(filled..).unwrap_or_default();
            match reader.read(rest).await {
                Ok(0) => return Err(FrameHeaderParseError::ConnectionClosed(length, filled)),
                Ok(n) => filled += n,
                Err(e) => return Err(FrameHeaderParseError::BodyChunkIoError(filled, e)),
            }
        }
        return Ok(Bytes::from(body));
    }
    // Larger bodies grow as their bytes arrive, so that a bogus length does not
    // allocate memory the peer never sends.
    let mut body = Vec::with_capacity(INITIAL_CAPACITY);
    match (&mut *reader)
        .take(header.length as u64)
        .read_to_end(&mut body)
        .await
    {
        Ok(n) if n == length => Ok(Bytes::from(body)),
        Ok(n) => Err(FrameHeaderParseError::ConnectionClosed(length, n)),
        Err(e) => Err(FrameHeaderParseError::BodyChunkIoError(body.len(), e)),
    }
}

/// Reads one response frame (client side), with bodies of at most
/// [`DEFAULT_MAX_FRAME_BODY_SIZE`] bytes.
///
pub async fn read_response_frame(
    reader: &mut (impl AsyncRead + Unpin),
) -> Result<(FrameParams, response::ResponseOpcode, Bytes), FrameHeaderParseError> {
    read_response_frame_with_max_body_size(reader, DEFAULT_MAX_FRAME_BODY_SIZE).await
}

/// [`read_response_frame`] with a chosen maximum body size.
pub async fn read_response_frame_with_max_body_size(
    reader: &mut (impl AsyncRead + Unpin),
    max_body_size: usize,
) -> Result<(FrameParams, response::ResponseOpcode, Bytes), FrameHeaderParseError> {
    let header = read_frame_header(reader).await?;
    if !header.is_response() {
        return Err(FrameHeaderParseError::FrameFromClient);
    }
    if header.version != RESPONSE_VERSION {
        return Err(FrameHeaderParseError::VersionNotSupported(header.version));
    }
    let body = read_frame_body(reader, &header, max_body_size).await?;
    let opcode = response::ResponseOpcode::try_from(header.opcode)
        .map_err(FrameHeaderParseError::UnknownResponseOpcode)?;
    Ok((header.params(), opcode, body))
}

/// Reads one request frame (server side), with bodies of at most
/// [`DEFAULT_MAX_FRAME_BODY_SIZE`] bytes.
///
/// A request of another protocol version is
/// [`FrameHeaderParseError::UnsupportedRequestVersion`], carrying the header (so the
/// server can answer on its stream) with the body left unread. An unknown opcode is
/// reported after its body was consumed, so the connection stays usable.
pub async fn read_request_frame(
    reader: &mut (impl AsyncRead + Unpin),
) -> Result<(FrameParams, RequestOpcode, Bytes), FrameHeaderParseError> {
    read_request_frame_with_max_body_size(reader, DEFAULT_MAX_FRAME_BODY_SIZE).await
}

/// [`read_request_frame`] with a chosen maximum body size.
pub async fn read_request_frame_with_max_body_size(
    reader: &mut (impl AsyncRead + Unpin),
    max_body_size: usize,
) -> Result<(FrameParams, RequestOpcode, Bytes), FrameHeaderParseError> {
    let header = read_frame_header(reader).await?;
    if header.is_response() {
        return Err(FrameHeaderParseError::FrameFromServer);
    }
    if header.version != REQUEST_VERSION {
        return Err(FrameHeaderParseError::UnsupportedRequestVersion(header));
    }
    let body = read_frame_body(reader, &header, max_body_size).await?;
    let opcode = RequestOpcode::try_from(header.opcode)
        .map_err(|_| FrameHeaderParseError::UnknownRequestOpcode(header))?;
    Ok((header.params(), opcode, body))
}

// ---------------------------------------------------------------------------------------
// Body extensions
// ---------------------------------------------------------------------------------------

/// A response body with its extensions taken off.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResponseBodyWithExtensions {
    /// The message body proper (decompressed).
    pub body: Bytes,
    /// The tracing id, if the tracing flag was set.
    pub trace_id: Option<Uuid>,
    /// The warnings, if the warning flag was set.
    pub warnings: Vec<String>,
    /// The custom payload, if the custom payload flag was set.
    pub custom_payload: Option<HashMap<String, Bytes>>,
}

/// Decompresses a response body if `flags` say so, then takes off the tracing id,
/// the warnings and the custom payload, in that order, as `flags` announce them.
pub fn parse_response_body_extensions(
    flags: u8,
    compression: Option<Compression>,
    body: Bytes,
) -> Result<ResponseBodyWithExtensions, FrameBodyExtensionsParseError> {
    parse_response_body_extensions_with_limit(flags, compression, body, DEFAULT_MAX_FRAME_BODY_SIZE)
}

/// [`parse_response_body_extensions`] accepting at most `max_uncompressed_size`
/// bytes after decompression.
pub fn parse_response_body_extensions_with_limit(
    flags: u8,
    compression: Option<Compression>,
    body: Bytes,
    max_uncompressed_size: usize,
) -> Result<ResponseBodyWithExtensions, FrameBodyExtensionsParseError> {
    let body = decompress_if_flagged(flags, compression, body, max_uncompressed_size)?;
    let mut buf: &[u8] = &body;
    let trace_id = if flags & flag::TRACING != 0 {
        Some(types::read_uuid(&mut buf).map_err(FrameBodyExtensionsParseError::TraceIdParse)?)
    } else {
        None
    };
    let warnings = if flags & flag::WARNING != 0 {
        types::read_string_list(&mut buf)
            .map_err(FrameBodyExtensionsParseError::WarningsListParse)?
    } else {
        Vec::new()
    };
    let custom_payload = read_custom_payload(flags, &mut buf)?;
    let consumed = body.len() - buf.len();
    Ok(ResponseBodyWithExtensions {
        // Without extensions the body is used as is (slicing a `Bytes` made from a
        // `Vec` would allocate its shared header).
        body: if consumed == 0 {
            body
        } else {
            body.slice(consumed..)
        },
        trace_id,
        warnings,
        custom_payload,
    })
}

/// A request body with its extensions taken off (what a server reads).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestBodyWithExtensions {
    /// The message body proper (decompressed).
    pub body: Bytes,
    /// Whether the client asked for tracing. (A request carries no tracing id.)
    pub tracing: bool,
    /// The custom payload, if the custom payload flag was set.
    pub custom_payload: Option<HashMap<String, Bytes>>,
}

/// Decompresses a request body if `flags` say so, then takes off the custom payload
/// if the flag announces one. The tracing flag only asks for tracing; a request has no
/// warnings.
pub fn parse_request_body_extensions(
    flags: u8,
    compression: Option<Compression>,
    body: Bytes,
) -> Result<RequestBodyWithExtensions, FrameBodyExtensionsParseError> {
    parse_request_body_extensions_with_limit(flags, compression, body, DEFAULT_MAX_FRAME_BODY_SIZE)
}

/// [`parse_request_body_extensions`] accepting at most `max_uncompressed_size` bytes
/// after decompression.
pub fn parse_request_body_extensions_with_limit(
    flags: u8,
    compression: Option<Compression>,
    body: Bytes,
    max_uncompressed_size: usize,
) -> Result<RequestBodyWithExtensions, FrameBodyExtensionsParseError> {
    let body = decompress_if_flagged(flags, compression, body, max_uncompressed_size)?;
    let mut buf: &[u8] = &body;
    let custom_payload = read_custom_payload(flags, &mut buf)?;
    let consumed = body.len() - buf.len();
    Ok(RequestBodyWithExtensions {
        body: body.slice(consumed..),
        tracing: flags & flag::TRACING != 0,
        custom_payload,
    })
}

fn decompress_if_flagged(
    flags: u8,
    compression: Option<Compression>,
    body: Bytes,
    max_uncompressed_size: usize,
) -> Result<Bytes, FrameBodyExtensionsParseError> {
    if flags & flag::COMPRESSION == 0 {
        return Ok(body);
    }
    let compression = compression.ok_or(FrameBodyExtensionsParseError::NoCompressionNegotiated)?;
    decompress_with_limit(&body, compression, max_uncompressed_size).map(Bytes::from)
}

fn read_custom_payload(
    flags: u8,
    buf: &mut &[u8],
) -> Result<Option<HashMap<String, Bytes>>, FrameBodyExtensionsParseError> {
    if flags & flag::CUSTOM_PAYLOAD == 0 {
        return Ok(None);
    }
    types::read_bytes_map(buf)
        .map(Some)
        .map_err(FrameBodyExtensionsParseError::CustomPayloadMapParse)
}

fn set_body_length(data: &mut [u8], body_len: usize) -> Option<()> {
    let len = i32::try_from(body_len).ok()?;
    data.get_mut(5..HEADER_SIZE)?
        .copy_from_slice(&len.to_be_bytes());
    Some(())
}

// ---------------------------------------------------------------------------------------
// Writing frames
// ---------------------------------------------------------------------------------------

/// A complete request frame (header and body), ready to be written; the stream id is
/// set last, when one is free.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SerializedRequest {
    data: Vec<u8>,
}

impl SerializedRequest {
    /// Serializes `req` into a v4 request frame on stream 0, compressing the body
    /// with `compression` and setting the tracing flag if `tracing`.
    ///
    /// STARTUP is never compressed (spec section 5): `compression` is ignored for it.
    pub fn make<R: SerializableRequest>(
        req: &R,
        compression: Option<Compression>,
        tracing: bool,
    ) -> Result<SerializedRequest, CqlRequestSerializationError> {
        Self::make_with_custom_payload(req, compression, tracing, None)
    }

    /// [`make`](Self::make), with a custom payload (`[bytes map]`) put before the
    /// message and announced by the custom payload flag.
    pub fn make_with_custom_payload<R: SerializableRequest>(
        req: &R,
        compression: Option<Compression>,
        tracing: bool,
        custom_payload: Option<&HashMap<String, Bytes>>,
    ) -> Result<SerializedRequest, CqlRequestSerializationError> {
        let compression = if R::OPCODE == RequestOpcode::Startup {
            None
        } else {
            compression
        };
        let mut flags = 0u8;
        if tracing {
            flags |= flag::TRACING;
        }
        if custom_payload.is_some() {
            flags |= flag::CUSTOM_PAYLOAD;
        }
        if compression.is_some() {
            flags |= flag::COMPRESSION;
        }
        let header = FrameHeader {
            version: REQUEST_VERSION,
            flags,
            stream: 0,
            opcode: R::OPCODE as u8,
            length: 0,
        };
        let mut data = Vec::with_capacity(128);
        data.extend_from_slice(&header.to_bytes());

        let write_body = |out: &mut Vec<u8>| -> Result<(), CqlRequestSerializationError> {
            if let Some(payload) = custom_payload {
                types::write_bytes_map(payload, out)
                    .map_err(CqlRequestSerializationError::CustomPayloadSerialization)?;
            }
            req.serialize(out)
        };
        match compression {
            Some(c) => {
                let mut body = Vec::new();
                write_body(&mut body)?;
                compress_append(&body, c, &mut data)?;
            }
            None => write_body(&mut data)?,
        }
        let body_len = data.len() - HEADER_SIZE;
        set_body_length(&mut data, body_len)
            .ok_or(CqlRequestSerializationError::BodyTooLarge(body_len))?;
        Ok(SerializedRequest { data })
    }

    /// Sets the stream id.
    pub fn set_stream(&mut self, stream: i16) {
        if let Some(s) = self.data.get_mut(2..4) {
            s.copy_from_slice(&stream.to_be_bytes());
        }
    }

    /// The whole frame.
    pub fn get_data(&self) -> &[u8] {
        &self.data
    }

    /// The whole frame, by value.
    pub fn into_data(self) -> Vec<u8> {
        self.data
    }
}

/// The extensions of a response frame (server side).
#[derive(Debug, Clone, Copy, Default)]
pub struct ResponseExtensions<'a> {
    /// A tracing id: sets the tracing flag and starts the body.
    pub trace_id: Option<Uuid>,
    /// Warnings: if not empty, sets the warning flag and follows the tracing id.
    pub warnings: &'a [String],
    /// A custom payload: sets the custom payload flag and follows the warnings.
    pub custom_payload: Option<&'a HashMap<String, Bytes>>,
}

/// A complete response frame (header, extensions and body), built by a server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SerializedResponse {
    data: Vec<u8>,
}

impl SerializedResponse {
    /// Builds a v4 response frame on `stream` with `opcode` (a
    /// `frame::response::ResponseOpcode` as `u8`) whose message body is `body`,
    /// preceded by `extensions`; the whole body is compressed with `compression` if
    /// given.
    pub fn make(
        stream: i16,
        opcode: u8,
        body: &[u8],
        extensions: &ResponseExtensions<'_>,
        compression: Option<Compression>,
    ) -> Result<SerializedResponse, ResponseFrameSerializationError> {
        let mut flags = 0u8;
        let mut ext = Vec::new();
        if let Some(id) = extensions.trace_id {
            flags |= flag::TRACING;
            types::write_uuid(&id, &mut ext);
        }
        if !extensions.warnings.is_empty() {
            flags |= flag::WARNING;
            types::write_string_list(extensions.warnings, &mut ext)
                .map_err(ResponseFrameSerializationError::WarningsSerialization)?;
        }
        if let Some(payload) = extensions.custom_payload {
            flags |= flag::CUSTOM_PAYLOAD;
            types::write_bytes_map(payload, &mut ext)
                .map_err(ResponseFrameSerializationError::CustomPayloadSerialization)?;
        }
        if compression.is_some() {
            flags |= flag::COMPRESSION;
        }
        let header = FrameHeader {
            version: RESPONSE_VERSION,
            flags,
            stream,
            opcode,
            length: 0,
        };
        let mut data = Vec::with_capacity(HEADER_SIZE + ext.len() + body.len());
        data.extend_from_slice(&header.to_bytes());
        match compression {
            Some(c) => {
                ext.extend_from_slice(body);
                compression::compress_append_inner(&ext, c, &mut data)
                    .map_err(ResponseFrameSerializationError::Compression)?;
            }
            None => {
                data.put_slice(&ext);
                data.put_slice(body);
            }
        }
        let body_len = data.len() - HEADER_SIZE;
        set_body_length(&mut data, body_len)
            .ok_or(ResponseFrameSerializationError::BodyTooLarge(body_len))?;
        Ok(SerializedResponse { data })
    }

    /// Sets the stream id.
    pub fn set_stream(&mut self, stream: i16) {
        if let Some(s) = self.data.get_mut(2..4) {
            s.copy_from_slice(&stream.to_be_bytes());
        }
    }

    /// The whole frame.
    pub fn get_data(&self) -> &[u8] {
        &self.data
    }

    /// The whole frame, by value.
    pub fn into_data(self) -> Vec<u8> {
        self.data
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_bytes_round_trip() {
        let h = FrameHeader {
            version: RESPONSE_VERSION,
            flags: flag::TRACING | flag::WARNING,
            stream: -1,
            opcode: 0x0c,
            length: 0x0102_0304,
        };
        let bytes = h.to_bytes();
        assert_eq!(
            bytes,
            [0x84, 0x0a, 0xff, 0xff, 0x0c, 0x01, 0x02, 0x03, 0x04]
        );
        assert_eq!(FrameHeader::from_bytes(bytes), h);
        assert!(h.is_response());
        assert_eq!(h.protocol_version(), 4);
        assert_eq!(
            FrameParams::default(),
            FrameParams {
                version: 0x04,
                flags: 0,
                stream: 0
            }
        );
    }

    #[test]
    fn compressed_body_without_negotiation_is_an_error() {
        let err = parse_response_body_extensions(flag::COMPRESSION, None, Bytes::new());
        assert!(matches!(
            err,
            Err(FrameBodyExtensionsParseError::NoCompressionNegotiated)
        ));
        let err = parse_request_body_extensions(flag::COMPRESSION, None, Bytes::new());
        assert!(matches!(
            err,
            Err(FrameBodyExtensionsParseError::NoCompressionNegotiated)
        ));
    }

    #[test]
    fn truncated_extensions_say_which() {
        let short = Bytes::from_static(&[0u8; 10]);
        assert!(matches!(
            parse_response_body_extensions(flag::TRACING, None, short.clone()),
            Err(FrameBodyExtensionsParseError::TraceIdParse(_))
        ));
        assert!(matches!(
            parse_response_body_extensions(flag::WARNING, None, Bytes::from_static(&[0, 1])),
            Err(FrameBodyExtensionsParseError::WarningsListParse(_))
        ));
        assert!(matches!(
            parse_request_body_extensions(flag::CUSTOM_PAYLOAD, None, Bytes::from_static(&[0])),
            Err(FrameBodyExtensionsParseError::CustomPayloadMapParse(_))
        ));
    }

    #[test]
    fn request_warning_flag_is_ignored_and_tracing_has_no_id() {
        let body = Bytes::from_static(&[1, 2, 3]);
        let parsed =
            parse_request_body_extensions(flag::TRACING | flag::WARNING, None, body.clone())
                .unwrap();
        assert!(parsed.tracing);
        assert_eq!(parsed.body, body);
        assert_eq!(parsed.custom_payload, None);
    }

    #[test]
    fn set_stream_writes_big_endian() {
        let mut req = SerializedRequest::make(&request::Options, None, false).unwrap();
        req.set_stream(-2);
        assert_eq!(&req.get_data()[2..4], &[0xff, 0xfe]);
        let mut resp =
            SerializedResponse::make(0, 0x02, &[], &ResponseExtensions::default(), None).unwrap();
        resp.set_stream(0x1234);
        assert_eq!(
            resp.into_data(),
            [0x84, 0x00, 0x12, 0x34, 0x02, 0x00, 0x00, 0x00, 0x00]
        );
    }
}
