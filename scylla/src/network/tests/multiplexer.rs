//! The multiplexer: stream ids, orphans, coalescing, broken connections.

use std::time::Duration;

use futures::future::join_all;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::{connect, echo, test_config};
use crate::client::WriteCoalescingDelay;
use crate::errors::{BrokenConnectionErrorKind, RequestAttemptError};
use crate::network::connection::{Connection, ConnectionConfig, MAX_STREAMS, OrphanLimit};
use crate::network::test_server::{ServerConfig, TestServer};

async fn wait_until(what: &str, mut condition: impl FnMut() -> bool) {
    for _ in 0..500 {
        if condition() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("timed out waiting until {what}");
}

#[tokio::test]
async fn concurrent_requests_get_their_own_responses() {
    let server = TestServer::start(ServerConfig::default()).await;
    let conn = connect(&server, &test_config()).await;
    // Later requests are answered first.
    let texts: Vec<String> = (0..50)
        .map(|i| format!("sleep:{}:r{i}", 100 - 2 * i))
        .collect();
    let results = join_all(texts.iter().map(|t| echo(&conn, t))).await;
    for (i, r) in results.into_iter().enumerate() {
        assert_eq!(r.unwrap(), format!("r{i}"));
    }
    assert_eq!(conn.streams_in_use(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn all_stream_ids_can_be_used_and_then_run_out() {
    let server = TestServer::start(ServerConfig::default()).await;
    let conn = connect(&server, &test_config()).await;
    let texts: Vec<String> = (0..MAX_STREAMS)
        .map(|i| format!("sleep:500:s{i}"))
        .collect();
    let all = join_all(texts.iter().map(|t| echo(&conn, t)));
    let extra = async {
        // Runs once all others have taken their ids.
        wait_until("all stream ids are taken", || {
            conn.streams_in_use() == MAX_STREAMS
        })
        .await;
        echo(&conn, "one too many").await
    };
    let (results, extra) = tokio::join!(all, extra);
    assert!(
        matches!(extra, Err(RequestAttemptError::UnableToAllocStreamId)),
        "{extra:?}"
    );
    for (i, r) in results.into_iter().enumerate() {
        assert_eq!(r.unwrap(), format!("s{i}"));
    }
    assert_eq!(conn.streams_in_use(), 0);
    // Every id is free again.
    let again = join_all((0..MAX_STREAMS).map(|_| echo(&conn, "sleep:100:again"))).await;
    assert!(again.iter().all(|r| matches!(r.as_deref(), Ok("again"))));
}

/// Upstream driver issue #305 / Python driver apache#1114: a response arriving after
/// its request was abandoned must never be taken for the response to another request
/// that reused the stream id.
#[tokio::test]
async fn late_responses_of_dropped_requests_never_reach_other_requests() {
    let server = TestServer::start(ServerConfig::default()).await;
    let conn = connect(&server, &test_config()).await;

    // 100 requests answered after 300 ms, abandoned after 50 ms.
    let slow: Vec<String> = (0..100).map(|i| format!("sleep:300:late{i}")).collect();
    let abandoned = tokio::time::timeout(
        Duration::from_millis(50),
        join_all(slow.iter().map(|t| echo(&conn, t))),
    )
    .await;
    assert!(abandoned.is_err());
    assert_eq!(conn.orphaned_streams(), 100);
    assert_eq!(conn.streams_in_use(), 100);

    // Requests sent now, answered before and while the late responses arrive, each
    // get their own answer: the orphaned ids are not reused.
    for round in 0..8 {
        let texts: Vec<String> = (0..50)
            .map(|i| format!("sleep:{}:new{round}-{i}", (i % 5) * 20))
            .collect();
        let results = join_all(texts.iter().map(|t| echo(&conn, t))).await;
        for (i, r) in results.into_iter().enumerate() {
            assert_eq!(r.unwrap(), format!("new{round}-{i}"));
        }
    }

    // The late responses released their ids.
    wait_until("orphans are released", || conn.orphaned_streams() == 0).await;
    assert_eq!(conn.streams_in_use(), 0);
    assert!(!conn.is_closed());
    // And all ids can be taken again.
    let results = join_all((0..1000).map(|i| {
        let text = format!("r{i}");
        let conn = &conn;
        async move { (echo(conn, &text).await, text) }
    }))
    .await;
    for (r, text) in results {
        assert_eq!(r.unwrap(), text);
    }
}

#[tokio::test]
async fn orphans_are_released_when_the_connection_closes() {
    let server = TestServer::start(ServerConfig::default()).await;
    let conn = connect(&server, &test_config()).await;
    let abandoned = tokio::time::timeout(
        Duration::from_millis(50),
        join_all((0..10).map(|_| echo(&conn, "noreply:x"))),
    )
    .await;
    assert!(abandoned.is_err());
    assert_eq!(conn.orphaned_streams(), 10);
    server.kill_all();
    let _ = tokio::time::timeout(Duration::from_secs(5), conn.closed())
        .await
        .unwrap();
    assert_eq!(conn.orphaned_streams(), 0);
    assert_eq!(conn.streams_in_use(), 0);
    assert!(matches!(
        echo(&conn, "x").await,
        Err(RequestAttemptError::BrokenConnectionError(_))
    ));
}

#[tokio::test]
async fn too_many_old_orphans_break_the_connection() {
    let server = TestServer::start(ServerConfig::default()).await;
    let config = ConnectionConfig {
        orphan_limit: OrphanLimit {
            max_old_orphans: 10,
            old_age: Duration::from_millis(100),
        },
        ..test_config()
    };

    // At the limit: the connection stays up.
    let conn = connect(&server, &config).await;
    let _ = tokio::time::timeout(
        Duration::from_millis(20),
        join_all((0..10).map(|_| echo(&conn, "noreply:x"))),
    )
    .await;
    assert_eq!(conn.orphaned_streams(), 10);
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert!(!conn.is_closed());

    // Past it: broken once they are old, and waiting requests get the error.
    let conn = connect(&server, &config).await;
    let _ = tokio::time::timeout(
        Duration::from_millis(20),
        join_all((0..11).map(|_| echo(&conn, "noreply:x"))),
    )
    .await;
    let pending = echo(&conn, "noreply:pending");
    let error = tokio::time::timeout(Duration::from_secs(5), conn.closed())
        .await
        .unwrap();
    assert!(
        matches!(
            error.downcast_ref::<BrokenConnectionErrorKind>(),
            Some(BrokenConnectionErrorKind::TooManyOrphanedStreamIds(11))
        ),
        "{error:?}"
    );
    assert!(matches!(
        pending.await,
        Err(RequestAttemptError::BrokenConnectionError(_))
    ));
}

#[tokio::test]
async fn a_broken_connection_fails_every_pending_request() {
    let server = TestServer::start(ServerConfig::default()).await;
    let conn = connect(&server, &test_config()).await;
    let pending = join_all((0..20).map(|_| echo(&conn, "noreply:x")));
    let kill = async {
        wait_until("requests are in flight", || conn.streams_in_use() == 20).await;
        server.kill_all();
    };
    let (results, ()) = tokio::join!(pending, kill);
    for r in results {
        let Err(RequestAttemptError::BrokenConnectionError(e)) = r else {
            panic!("unexpected {r:?}");
        };
        assert!(
            matches!(
                e.downcast_ref::<BrokenConnectionErrorKind>(),
                Some(BrokenConnectionErrorKind::FrameHeaderParseError(_))
            ),
            "{e:?}"
        );
    }
    assert!(conn.is_closed());
    assert!(matches!(
        echo(&conn, "after").await,
        Err(RequestAttemptError::BrokenConnectionError(_))
    ));
}

#[tokio::test]
async fn server_closing_mid_request_breaks_the_connection() {
    let server = TestServer::start(ServerConfig::default()).await;
    let conn = connect(&server, &test_config()).await;
    let r = echo(&conn, "close:").await;
    assert!(matches!(
        r,
        Err(RequestAttemptError::BrokenConnectionError(_))
    ));
    assert!(conn.is_closed());
}

async fn coalesced_writes(config: ConnectionConfig, requests: usize) -> (u64, u64) {
    let server = TestServer::start(ServerConfig::default()).await;
    let conn = connect(&server, &config).await;
    let writes_before = conn.write_count();
    let reads_before = server.reads();
    let texts: Vec<String> = (0..requests).map(|i| format!("c{i}")).collect();
    let results = join_all(texts.iter().map(|t| echo(&conn, t))).await;
    for (r, t) in results.into_iter().zip(&texts) {
        assert_eq!(&r.unwrap(), t);
    }
    (
        conn.write_count() - writes_before,
        server.reads() - reads_before,
    )
}

#[tokio::test]
async fn concurrent_requests_leave_in_few_writes() {
    for delay in [
        WriteCoalescingDelay::SmallNondeterministic,
        WriteCoalescingDelay::Milliseconds(std::num::NonZeroU64::new(2).unwrap()),
    ] {
        let config = ConnectionConfig {
            enable_write_coalescing: true,
            write_coalescing_delay: delay,
            ..test_config()
        };
        let (writes, reads) = coalesced_writes(config, 300).await;
        assert!(writes <= 3, "{delay:?}: {writes} writes for 300 requests");
        assert!((1..=writes + 1).contains(&reads), "{reads} server reads");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn coalescing_on_a_multi_threaded_runtime() {
    let config = ConnectionConfig {
        enable_write_coalescing: true,
        ..test_config()
    };
    let (writes, reads) = coalesced_writes(config, 500).await;
    assert!(writes < 100, "{writes} writes for 500 requests");
    assert!(reads <= writes + 1, "{reads} server reads");
}

#[tokio::test]
async fn without_coalescing_requests_are_written_at_once() {
    let server = TestServer::start(ServerConfig::default()).await;
    let config = ConnectionConfig {
        enable_write_coalescing: false,
        ..test_config()
    };
    let conn = connect(&server, &config).await;
    let before = conn.write_count();
    for i in 0..5 {
        assert_eq!(
            echo(&conn, &format!("n{i}")).await.unwrap(),
            format!("n{i}")
        );
    }
    assert_eq!(conn.write_count() - before, 5);
}

/// A hand-written server that answers on a stream id nobody used.
#[tokio::test]
async fn response_on_unknown_stream_breaks_the_connection() {
    use scylla_cql::frame::response::{Response, ResponseOpcode, Supported};
    use scylla_cql::frame::{ResponseExtensions, SerializedResponse, read_request_frame};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        let features = Default::default();
        for response in [Response::Supported(Supported::default()), Response::Ready] {
            let (params, _, _) = read_request_frame(&mut socket).await.unwrap();
            let body = response.to_bytes(&features).unwrap();
            let frame = SerializedResponse::make(
                params.stream,
                response.opcode() as u8,
                &body,
                &ResponseExtensions::default(),
                None,
            )
            .unwrap();
            socket.write_all(frame.get_data()).await.unwrap();
        }
        let (params, _, _) = read_request_frame(&mut socket).await.unwrap();
        let frame = SerializedResponse::make(
            params.stream + 1000,
            ResponseOpcode::Ready as u8,
            &[],
            &ResponseExtensions::default(),
            None,
        )
        .unwrap();
        socket.write_all(frame.get_data()).await.unwrap();
        let mut rest = Vec::new();
        let _ = socket.read_to_end(&mut rest).await;
    });
    let conn = Connection::open(addr, None, &test_config()).await.unwrap();
    let r = echo(&conn, "x").await;
    let Err(RequestAttemptError::BrokenConnectionError(e)) = r else {
        panic!("unexpected {r:?}");
    };
    assert!(
        matches!(
            e.downcast_ref::<BrokenConnectionErrorKind>(),
            Some(BrokenConnectionErrorKind::UnexpectedStreamId(1000))
        ),
        "{e:?}"
    );
}
