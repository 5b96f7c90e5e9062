//! Reading frames from a socket: request and response readers, versions, limits,
//! truncation.

use std::io::Cursor;

use scylla_cql::frame::frame_errors::FrameHeaderParseError;
use scylla_cql::frame::request::RequestOpcode;
use scylla_cql::frame::{
    DEFAULT_MAX_FRAME_BODY_SIZE, FrameParams, read_frame_header, read_request_frame,
    read_request_frame_with_max_body_size, read_response_frame,
};
use tokio::io::AsyncReadExt;

use scylla_cql::frame::response::ResponseOpcode as TestResponseOpcode;

#[tokio::test]
async fn reads_a_request_frame_and_the_next_one() {
    let mut bytes = vec![0x04, 0x00, 0x00, 0x01, 0x05, 0x00, 0x00, 0x00, 0x00];
    bytes.extend_from_slice(&[
        0x04, 0x02, 0x00, 0x02, 0x07, 0x00, 0x00, 0x00, 0x03, 1, 2, 3,
    ]);
    let mut r = Cursor::new(bytes);
    let (params, op, body) = read_request_frame(&mut r).await.unwrap();
    assert_eq!(
        params,
        FrameParams {
            version: 4,
            flags: 0,
            stream: 1
        }
    );
    assert_eq!(op, RequestOpcode::Options);
    assert!(body.is_empty());
    let (params, op, body) = read_request_frame(&mut r).await.unwrap();
    assert_eq!(params.flags, 0x02);
    assert_eq!(params.stream, 2);
    assert_eq!(op, RequestOpcode::Query);
    assert_eq!(body.as_ref(), &[1, 2, 3]);
    assert!(matches!(
        read_request_frame(&mut r).await,
        Err(FrameHeaderParseError::ConnectionClosedBetweenFrames)
    ));
}

#[tokio::test]
async fn other_versions_are_reported_with_their_header_and_body_unread() {
    // A v5 STARTUP on stream 7 (legacy framing): the body stays in the socket.
    let mut bytes = vec![
        0x05, 0x00, 0x00, 0x07, 0x01, 0x00, 0x00, 0x00, 0x02, 0xaa, 0xbb,
    ];
    let mut r = Cursor::new(bytes.clone());
    match read_request_frame(&mut r).await {
        Err(FrameHeaderParseError::UnsupportedRequestVersion(h)) => {
            assert_eq!(h.version, 0x05);
            assert_eq!(h.protocol_version(), 5);
            assert_eq!(h.stream, 7);
            assert_eq!(h.opcode, 0x01);
            assert_eq!(h.length, 2);
        }
        other => panic!("unexpected {other:?}"),
    }
    let mut rest = Vec::new();
    r.read_to_end(&mut rest).await.unwrap();
    assert_eq!(rest, [0xaa, 0xbb]);

    // v6 and the DSE versions (0x41, 0x42) too.
    for version in [0x06u8, 0x41, 0x42, 0x03] {
        bytes[0] = version;
        let mut r = Cursor::new(bytes.clone());
        match read_request_frame(&mut r).await {
            Err(FrameHeaderParseError::UnsupportedRequestVersion(h)) => {
                assert_eq!(h.version, version);
                assert_eq!(h.stream, 7);
            }
            other => panic!("version {version:#x}: unexpected {other:?}"),
        }
    }
}

#[tokio::test]
async fn v1_and_v2_headers_are_eight_bytes() {
    // A v2 OPTIONS: version, flags, one-byte stream, opcode, length. Exactly 8 bytes:
    // reading a ninth would fail with an I/O error instead.
    for version in [0x01u8, 0x02] {
        let mut r = Cursor::new(vec![version, 0x00, 0xfe, 0x05, 0x00, 0x00, 0x00, 0x00]);
        match read_request_frame(&mut r).await {
            Err(FrameHeaderParseError::UnsupportedRequestVersion(h)) => {
                assert_eq!(h.version, version);
                assert_eq!(h.stream, -2);
                assert_eq!(h.opcode, 0x05);
                assert_eq!(h.length, 0);
            }
            other => panic!("unexpected {other:?}"),
        }
    }
}

#[tokio::test]
async fn oversized_body_is_refused_before_reading() {
    let mut r = Cursor::new(vec![0x04, 0x00, 0x00, 0x03, 0x07, 0x7f, 0xff, 0xff, 0xff]);
    match read_request_frame(&mut r).await {
        Err(FrameHeaderParseError::BodyTooLarge { header, max }) => {
            assert_eq!(header.length, 0x7fff_ffff);
            assert_eq!(header.stream, 3);
            assert_eq!(max, DEFAULT_MAX_FRAME_BODY_SIZE);
            assert_eq!(max, 256 * 1024 * 1024);
        }
        other => panic!("unexpected {other:?}"),
    }

    let mut bytes = vec![0x04, 0x00, 0x00, 0x03, 0x07, 0x00, 0x00, 0x04, 0x01];
    bytes.resize(9 + 1025, 0);
    let mut r = Cursor::new(bytes.clone());
    assert!(matches!(
        read_request_frame_with_max_body_size(&mut r, 1024).await,
        Err(FrameHeaderParseError::BodyTooLarge { max: 1024, .. })
    ));
    let mut r = Cursor::new(bytes);
    assert!(
        read_request_frame_with_max_body_size(&mut r, 1025)
            .await
            .is_ok()
    );
}

#[tokio::test]
async fn unknown_opcode_consumes_the_body() {
    let mut bytes = vec![
        0x04, 0x00, 0x00, 0x09, 0x02, 0x00, 0x00, 0x00, 0x03, 1, 2, 3,
    ];
    bytes.extend_from_slice(&[0x04, 0x00, 0x00, 0x0a, 0x05, 0x00, 0x00, 0x00, 0x00]);
    let mut r = Cursor::new(bytes);
    match read_request_frame(&mut r).await {
        Err(FrameHeaderParseError::UnknownRequestOpcode(h)) => {
            assert_eq!(h.opcode, 0x02);
            assert_eq!(h.stream, 9);
        }
        other => panic!("unexpected {other:?}"),
    }
    let (params, op, _) = read_request_frame(&mut r).await.unwrap();
    assert_eq!((params.stream, op), (10, RequestOpcode::Options));
}

#[tokio::test]
async fn direction_is_checked() {
    let response = vec![0x84, 0x00, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00];
    assert!(matches!(
        read_request_frame(&mut Cursor::new(response.clone())).await,
        Err(FrameHeaderParseError::FrameFromServer)
    ));
    let request = vec![0x04, 0x00, 0x00, 0x01, 0x05, 0x00, 0x00, 0x00, 0x00];
    assert!(matches!(
        read_response_frame(&mut Cursor::new(request)).await,
        Err(FrameHeaderParseError::FrameFromClient)
    ));
    let (params, op, body) = read_response_frame(&mut Cursor::new(response))
        .await
        .unwrap();
    assert_eq!(op, TestResponseOpcode::Ready);
    assert_eq!(params.version, 0x84);
    assert!(body.is_empty());
}

#[tokio::test]
async fn response_reader_checks_version_and_opcode() {
    let v5 = vec![0x85, 0x00, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00];
    assert!(matches!(
        read_response_frame(&mut Cursor::new(v5)).await,
        Err(FrameHeaderParseError::VersionNotSupported(0x85))
    ));
    let unknown = vec![0x84, 0x00, 0x00, 0x01, 0x01, 0x00, 0x00, 0x00, 0x00];
    match read_response_frame(&mut Cursor::new(unknown)).await {
        Err(FrameHeaderParseError::UnknownResponseOpcode(e)) => assert_eq!(e.primitive, 0x01),
        other => panic!("unexpected {other:?}"),
    }
    let result = vec![
        0x84, 0x00, 0xff, 0xff, 0x08, 0x00, 0x00, 0x00, 0x04, 0, 0, 0, 1,
    ];
    let (params, op, body) = read_response_frame(&mut Cursor::new(result)).await.unwrap();
    assert_eq!(op, TestResponseOpcode::Result);
    assert_eq!(params.stream, -1);
    assert_eq!(body.as_ref(), &[0, 0, 0, 1]);
}

#[tokio::test]
async fn truncation_is_an_error() {
    // Header cut short.
    let mut r = Cursor::new(vec![0x04, 0x00, 0x00]);
    assert!(matches!(
        read_frame_header(&mut r).await,
        Err(FrameHeaderParseError::HeaderIoError(_))
    ));
    // Body cut short: 10 announced, 4 present.
    let mut r = Cursor::new(vec![0x04, 0x00, 0x00, 0x01, 0x07, 0, 0, 0, 10, 1, 2, 3, 4]);
    assert!(matches!(
        read_request_frame(&mut r).await,
        Err(FrameHeaderParseError::ConnectionClosed(10, 4))
    ));
}
