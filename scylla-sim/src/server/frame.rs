//! Finding request frames in a connection's read buffer, and writing response frames
//! into its write buffer, without a per-frame allocation.
//!
//! Frames are parsed in place: [`next_frame`] looks at the bytes buffered so far and
//! says whether a whole frame is there (header and body), how many more bytes are
//! needed, or why the connection cannot go on. Responses are appended to one `Vec` per
//! connection by [`write_response`], so that all the responses to one read leave in a
//! single write.

use scylla_cql::frame::response::ResponseOpcode;
use scylla_cql::frame::response::error::code;
use scylla_cql::frame::types;
use scylla_cql::frame::{Compression, FrameHeader, HEADER_SIZE, ResponseExtensions, flag};

/// The protocol version this server speaks.
pub(crate) const SUPPORTED_VERSION: u8 = 4;

/// The size of a protocol v1/v2 header (one-byte stream id).
pub(crate) const OLD_HEADER_SIZE: usize = 8;

/// What the read buffer holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FrameStatus {
    /// A whole frame: its header, and the header's size on the wire (8 or 9 bytes). The
    /// body is the `header.length` bytes that follow the header.
    Complete {
        /// The header.
        header: FrameHeader,
        /// 8 for protocol v1/v2 headers, 9 otherwise.
        header_size: usize,
    },
    /// Not a whole frame yet: at least this many more bytes are needed.
    Incomplete {
        /// Bytes missing for the next step (the rest of the header, or of the body).
        missing: usize,
    },
    /// The header announces a body larger than allowed.
    TooLarge {
        /// The header.
        header: FrameHeader,
        /// Its size on the wire.
        header_size: usize,
    },
}

/// Looks at the start of `buf` for a request frame whose body is at most `max_body`
/// bytes.
pub(crate) fn next_frame(buf: &[u8], max_body: usize) -> FrameStatus {
    let Some(&version) = buf.first() else {
        return FrameStatus::Incomplete {
            missing: HEADER_SIZE,
        };
    };
    let old = matches!(version & 0x7f, 1 | 2);
    let header_size = if old { OLD_HEADER_SIZE } else { HEADER_SIZE };
    if buf.len() < header_size {
        return FrameStatus::Incomplete {
            missing: header_size - buf.len(),
        };
    }
    let header = if old {
        FrameHeader {
            version,
            flags: buf[1],
            stream: i16::from(buf[2] as i8),
            opcode: buf[3],
            length: u32::from_be_bytes([buf[4], buf[5], buf[6], buf[7]]),
        }
    } else {
        let mut bytes = [0u8; HEADER_SIZE];
        bytes.copy_from_slice(&buf[..HEADER_SIZE]);
        FrameHeader::from_bytes(bytes)
    };
    let length = header.length as usize;
    if length > max_body {
        return FrameStatus::TooLarge {
            header,
            header_size,
        };
    }
    let have = buf.len() - header_size;
    if have < length {
        return FrameStatus::Incomplete {
            missing: length - have,
        };
    }
    FrameStatus::Complete {
        header,
        header_size,
    }
}

/// Appends a response frame to `out`: a v4 header on `stream` with `opcode`, then the
/// extensions and `body`, compressed as a whole with `compression` if given (`scratch`
/// is a reusable buffer for that).
///
/// A body too long for a frame is replaced by a server error saying so.
pub(crate) fn write_response(
    out: &mut Vec<u8>,
    scratch: &mut Vec<u8>,
    stream: i16,
    opcode: ResponseOpcode,
    extensions: &ResponseExtensions<'_>,
    body: &[u8],
    compression: Option<Compression>,
) {
    let start = out.len();
    if try_write_response(out, scratch, stream, opcode, extensions, body, compression).is_none() {
        out.truncate(start);
        let mut err = Vec::new();
        let message = format!(
            "the response ({} bytes before compression) does not fit in a frame",
            body.len()
        );
        error_body(code::SERVER_ERROR, &message, &mut err);
        // An error this small always fits.
        let _ = try_write_response(
            out,
            scratch,
            stream,
            ResponseOpcode::Error,
            &ResponseExtensions::default(),
            &err,
            None,
        );
    }
}

fn try_write_response(
    out: &mut Vec<u8>,
    scratch: &mut Vec<u8>,
    stream: i16,
    opcode: ResponseOpcode,
    extensions: &ResponseExtensions<'_>,
    body: &[u8],
    compression: Option<Compression>,
) -> Option<()> {
    let start = out.len();
    let mut flags = 0u8;
    if extensions.trace_id.is_some() {
        flags |= flag::TRACING;
    }
    if !extensions.warnings.is_empty() {
        flags |= flag::WARNING;
    }
    if extensions.custom_payload.is_some() {
        flags |= flag::CUSTOM_PAYLOAD;
    }
    if compression.is_some() {
        flags |= flag::COMPRESSION;
    }
    let header = FrameHeader {
        version: 0x80 | SUPPORTED_VERSION,
        flags,
        stream,
        opcode: opcode.into(),
        length: 0,
    };
    out.extend_from_slice(&header.to_bytes());
    match compression {
        None => {
            write_extensions(extensions, out)?;
            out.extend_from_slice(body);
        }
        Some(c) => {
            scratch.clear();
            write_extensions(extensions, scratch)?;
            scratch.extend_from_slice(body);
            scylla_cql::frame::compress_append(scratch, c, out).ok()?;
        }
    }
    let length = u32::try_from(out.len() - start - HEADER_SIZE)
        .ok()
        .filter(|l| *l <= i32::MAX as u32)?;
    out.get_mut(start + 5..start + HEADER_SIZE)?
        .copy_from_slice(&length.to_be_bytes());
    Some(())
}

fn write_extensions(extensions: &ResponseExtensions<'_>, out: &mut Vec<u8>) -> Option<()> {
    if let Some(id) = extensions.trace_id {
        types::write_uuid(&id, out);
    }
    if !extensions.warnings.is_empty() {
        types::write_string_list(extensions.warnings, out).ok()?;
    }
    if let Some(payload) = extensions.custom_payload {
        types::write_bytes_map(payload, out).ok()?;
    }
    Some(())
}

/// Appends an ERROR body with no extra fields: the code and the message (cut to fit a
/// `[string]` if it is absurdly long).
pub(crate) fn error_body(code: i32, message: &str, out: &mut Vec<u8>) {
    types::write_int(code, out);
    let mut end = message.len().min(u16::MAX as usize);
    while !message.is_char_boundary(end) {
        end -= 1;
    }
    // At most u16::MAX bytes: cannot overflow the length.
    let _ = types::write_string(&message[..end], out);
}

/// Appends a complete ERROR frame in the framing of `header`'s protocol version: the
/// v1/v2 8-byte header for those versions, otherwise the 9-byte one; the response
/// version byte is `0x80 | response_version`. Used to refuse a protocol version, where
/// the client decodes the answer with the framing of the version it asked for.
pub(crate) fn write_error_in_version(
    out: &mut Vec<u8>,
    response_version: u8,
    stream: i16,
    code: i32,
    message: &str,
) {
    let start = out.len();
    let old = matches!(response_version, 1 | 2);
    out.push(0x80 | (response_version & 0x7f));
    out.push(0);
    if old {
        // A v1/v2 stream is one signed byte; a request's stream always fits.
        out.push(stream as i8 as u8);
    } else {
        out.extend_from_slice(&stream.to_be_bytes());
    }
    out.push(ResponseOpcode::Error.into());
    let length_at = out.len();
    out.extend_from_slice(&[0; 4]);
    error_body(code, message, out);
    let length = (out.len() - length_at - 4) as u32;
    if let Some(slot) = out.get_mut(length_at..length_at + 4) {
        slot.copy_from_slice(&length.to_be_bytes());
    }
    debug_assert!(out.len() > start);
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use bytes::Bytes;
    use scylla_cql::frame::parse_response_body_extensions;
    use uuid::Uuid;

    use super::*;

    fn header(version: u8, length: u32) -> Vec<u8> {
        FrameHeader {
            version,
            flags: 0,
            stream: 7,
            opcode: 5,
            length,
        }
        .to_bytes()
        .to_vec()
    }

    #[test]
    fn finds_frames_and_says_what_is_missing() {
        assert_eq!(next_frame(&[], 100), FrameStatus::Incomplete { missing: 9 });
        let mut buf = header(4, 3);
        assert_eq!(
            next_frame(&buf[..4], 100),
            FrameStatus::Incomplete { missing: 5 }
        );
        assert_eq!(
            next_frame(&buf, 100),
            FrameStatus::Incomplete { missing: 3 }
        );
        buf.extend_from_slice(&[1, 2, 3, 4]);
        match next_frame(&buf, 100) {
            FrameStatus::Complete {
                header,
                header_size,
            } => {
                assert_eq!(header_size, 9);
                assert_eq!(header.stream, 7);
                assert_eq!(header.length, 3);
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            next_frame(&header(4, 101), 100),
            FrameStatus::TooLarge { .. }
        ));
    }

    #[test]
    fn old_headers_are_eight_bytes() {
        let buf = [0x02, 0, 0xff, 0x05, 0, 0, 0, 0];
        match next_frame(&buf, 100) {
            FrameStatus::Complete {
                header,
                header_size,
            } => {
                assert_eq!(header_size, 8);
                assert_eq!(header.stream, -1);
                assert_eq!(header.opcode, 5);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn responses_round_trip_with_extensions_and_compression() {
        let warnings = vec!["careful".to_owned()];
        let mut payload = HashMap::new();
        payload.insert("k".to_owned(), Bytes::from_static(b"v"));
        let trace = Uuid::from_u128(0x1234);
        let ext = ResponseExtensions {
            trace_id: Some(trace),
            warnings: &warnings,
            custom_payload: Some(&payload),
        };
        for compression in [None, Some(Compression::Lz4), Some(Compression::Snappy)] {
            let mut out = vec![0xaa];
            let mut scratch = Vec::new();
            write_response(
                &mut out,
                &mut scratch,
                3,
                ResponseOpcode::Result,
                &ext,
                b"body bytes",
                compression,
            );
            let frame = &out[1..];
            let h = FrameHeader::from_bytes(frame[..9].try_into().unwrap());
            assert_eq!(h.version, 0x84);
            assert_eq!(h.stream, 3);
            assert_eq!(h.opcode, 0x08);
            assert_eq!(h.length as usize, frame.len() - 9);
            let parsed = parse_response_body_extensions(
                h.flags,
                compression,
                Bytes::copy_from_slice(&frame[9..]),
            )
            .unwrap();
            assert_eq!(parsed.trace_id, Some(trace));
            assert_eq!(parsed.warnings, warnings);
            assert_eq!(parsed.custom_payload, Some(payload.clone()));
            assert_eq!(&parsed.body[..], b"body bytes");
        }
    }

    #[test]
    fn version_errors_use_the_asked_framing() {
        let mut out = Vec::new();
        write_error_in_version(&mut out, 2, 5, code::PROTOCOL_ERROR, "no");
        assert_eq!(&out[..4], &[0x82, 0, 5, 0]);
        assert_eq!(u32::from_be_bytes(out[4..8].try_into().unwrap()), 6 + 2);
        let mut out = Vec::new();
        write_error_in_version(&mut out, 4, 300, code::PROTOCOL_ERROR, "no");
        assert_eq!(&out[..5], &[0x84, 0, 1, 44, 0]);
        assert_eq!(out.len(), 9 + 8);
    }

    #[test]
    fn long_messages_are_cut_on_a_char_boundary() {
        let msg = "é".repeat(40_000);
        let mut out = Vec::new();
        error_body(0, &msg, &mut out);
        let mut buf = &out[4..];
        let s = types::read_string(&mut buf).unwrap();
        assert!(s.len() <= u16::MAX as usize);
        assert!(s.chars().all(|c| c == 'é'));
    }
}
