//! Audit of hostile clients through the socket: a client that never reads, a node
//! stopped while paused or while a request's answer cannot be written, statements that
//! blew the stack, and answers that must keep their error code.

mod server_support;

use std::borrow::Cow;
use std::time::Duration;

use scylla_cql::frame::request::Options;
use scylla_cql::frame::request::query::{Query, QueryParameters};
use scylla_cql::frame::response::ResponseOpcode;
use scylla_cql::frame::response::error::code;
use server_support::{Client, WAIT, builder};
use tokio::net::TcpStream;

fn query(text: &str) -> Query<'_> {
    Query {
        contents: Cow::Borrowed(text),
        parameters: QueryParameters::default(),
    }
}

async fn ready(address: std::net::SocketAddr) -> Client<TcpStream> {
    let mut c = Client::connect(address).await;
    c.startup(None).await;
    c
}

/// Runs `text` and returns the response frame.
async fn run(c: &mut Client<TcpStream>, text: &str) -> server_support::Frame {
    c.request(&query(text)).await
}

#[tokio::test]
async fn a_client_that_never_reads_wedges_neither_the_node_nor_its_stop() {
    let cluster = builder().build().await.unwrap();
    let node = cluster.nodes()[0].clone();
    let mut setup = ready(node.address).await;
    run(&mut setup, server_support::CREATE_KS).await;
    run(&mut setup, "CREATE TABLE ks.t (k int PRIMARY KEY, v blob)").await;
    let big = format!(
        "INSERT INTO ks.t (k, v) VALUES (1, 0x{})",
        "ab".repeat(256 << 10)
    );
    assert_eq!(run(&mut setup, &big).await.opcode(), ResponseOpcode::Result);

    // A client pipelines requests whose answers (256 KiB each) it never reads: the
    // node's writes to it block once the socket buffers are full.
    let mut hog = ready(node.address).await;
    let select = hog.frame(&query("SELECT v FROM ks.t WHERE k = 1"), 1);
    let mut wire = Vec::new();
    for _ in 0..200 {
        wire.extend_from_slice(&select);
    }
    let writer = tokio::spawn(async move {
        // The node stops reading too: this write may never finish.
        let _ = tokio::time::timeout(WAIT, hog.send_bytes(&wire)).await;
        hog
    });
    tokio::time::sleep(Duration::from_millis(300)).await;

    // Other connections of the node are served.
    let mut other = ready(node.address).await;
    let f = run(&mut other, "SELECT k FROM ks.t WHERE k = 1").await;
    assert_eq!(f.opcode(), ResponseOpcode::Result);

    // Stopping the node closes the blocked connection too, promptly.
    tokio::time::timeout(WAIT, cluster.stop_node(node.id))
        .await
        .expect("stop_node finished")
        .unwrap();
    let _ = writer.await;
    cluster.start_node(node.id).await.unwrap();
    let mut again = ready(node.address).await;
    assert_eq!(
        run(&mut again, "SELECT k FROM ks.t WHERE k = 1")
            .await
            .opcode(),
        ResponseOpcode::Result
    );
}

#[tokio::test]
async fn a_paused_node_can_be_stopped_and_started_again() {
    let cluster = builder().build().await.unwrap();
    let node = cluster.nodes()[0].clone();
    let mut c = ready(node.address).await;
    cluster.pause_node(node.id).await.unwrap();
    // Requests keep arriving while paused: read and dropped, nothing piles up.
    let mut wire = Vec::new();
    for stream in 0..2000 {
        wire.extend_from_slice(&c.frame(&query("SELECT key FROM system.local"), stream));
    }
    c.send_bytes(&wire).await;
    c.expect_silence(Duration::from_millis(200)).await;
    tokio::time::timeout(WAIT, cluster.stop_node(node.id))
        .await
        .expect("stop_node finished")
        .unwrap();
    let frames = c.expect_closed().await;
    assert!(frames.is_empty(), "{frames:?}");
    cluster.start_node(node.id).await.unwrap();
    let mut c = ready(node.address).await;
    c.send(&Options, 5).await;
    assert_eq!(c.recv().await.header.stream, 5);
}

#[tokio::test]
async fn hostile_statements_get_errors_and_the_connection_goes_on() {
    let cluster = builder().build().await.unwrap();
    let mut c = ready(cluster.contact_points()[0]).await;
    run(&mut c, server_support::CREATE_KS).await;
    run(&mut c, "USE ks").await;
    let expect = |f: server_support::Frame, wanted: i32, needle: &str| {
        let (code, message) = f.error();
        assert_eq!(code, wanted, "{message}");
        assert!(message.contains(needle), "{message}");
    };
    // Panicked in debug builds.
    run(&mut c, "CREATE TABLE d (k int PRIMARY KEY, v decimal)").await;
    expect(
        run(
            &mut c,
            "INSERT INTO d (k, v) VALUES (1, 1e-9223372036854775808)",
        )
        .await,
        code::INVALID,
        "Unable to make decimal",
    );
    // Overflowed the stack, aborting the process.
    run(&mut c, "CREATE TYPE u0 (a int)").await;
    let mut refused = None;
    for i in 1..100 {
        let f = run(
            &mut c,
            &format!("CREATE TYPE u{i} (a frozen<list<frozen<u{}>>>)", i - 1),
        )
        .await;
        if f.opcode() == ResponseOpcode::Error {
            refused = Some(f);
            break;
        }
    }
    expect(refused.expect("refused"), code::INVALID, "nested 65 levels");
    // Its message did not fit a [string]: it became a SERVER_ERROR.
    let long = format!("SELECT * FROM \"{}\"", "t".repeat(100_000));
    expect(
        run(&mut c, &long).await,
        code::INVALID,
        "unconfigured table",
    );
    // Still serving.
    c.send(&Options, 9).await;
    assert_eq!(c.recv().await.opcode(), ResponseOpcode::Supported);
}
