//! The `scylla-sim` binary: starts, prints addresses and `ready`, serves, stops on
//! SIGTERM with status 0; clear errors for bad arguments and busy addresses.

mod server_support;

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use scylla_cql::frame::response::ResponseOpcode;
use server_support::Client;

const BIN: &str = env!("CARGO_BIN_EXE_scylla-sim");

/// Reads stdout lines until `ready`; returns the node addresses printed before it.
fn read_until_ready(child: &mut Child) -> Vec<SocketAddr> {
    let stdout = child.stdout.take().expect("piped stdout");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let mut addresses = Vec::new();
    loop {
        let line = rx
            .recv_timeout(Duration::from_secs(30))
            .expect("the binary printed `ready` in time");
        if line == "ready" {
            return addresses;
        }
        let mut words = line.split_whitespace();
        assert_eq!(words.next(), Some("node"), "unexpected line {line:?}");
        let _id = words.next();
        addresses.push(words.next().unwrap().parse().unwrap());
    }
}

fn wait_exit(child: &mut Child) -> std::process::ExitStatus {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("the binary did not exit");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn sigterm(child: &Child) {
    let status = Command::new("kill")
        .arg("-TERM")
        .arg(child.id().to_string())
        .status()
        .unwrap();
    assert!(status.success());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn runs_serves_and_stops_on_sigterm() {
    let base = scylla_sim::free_loopback_base(3, 9042, Some(19042)).unwrap();
    let mut child = Command::new(BIN)
        .args([
            "--datacenters",
            "dc1:2,dc2:1",
            "--shards",
            "2",
            "--address",
            &base.to_string(),
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let addresses = tokio::task::block_in_place(|| read_until_ready(&mut child));
    assert_eq!(addresses.len(), 3);
    assert_eq!(addresses[0], SocketAddr::new(base.into(), 9042));
    for address in &addresses {
        let mut c = Client::connect(*address).await;
        let options = c.options().await;
        assert_eq!(options["SCYLLA_NR_SHARDS"], vec!["2"]);
        c.startup(None).await;
    }
    sigterm(&child);
    let status = tokio::task::block_in_place(|| wait_exit(&mut child));
    assert!(status.success(), "{status:?}");
    assert!(tokio::net::TcpStream::connect(addresses[0]).await.is_err());
}

#[test]
fn bad_arguments_exit_2_with_a_message() {
    let out = Command::new(BIN)
        .args(["--shards", "many"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--shards") && err.contains("many"), "{err}");

    let out = Command::new(BIN).args(["--nodes", "0"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("at least one node"));

    let out = Command::new(BIN).arg("--help").output().unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("--datacenters"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn address_in_use_is_reported() {
    let cluster = server_support::builder()
        .shard_aware_port(None)
        .build()
        .await
        .unwrap();
    let taken = cluster.contact_points()[0];
    let out = tokio::task::block_in_place(|| {
        Command::new(BIN)
            .args([
                "--nodes",
                "1",
                "--address",
                &taken.ip().to_string(),
                "--no-shard-aware-port",
            ])
            .output()
            .unwrap()
    });
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("cannot listen on") && err.contains(&taken.to_string()),
        "{err}"
    );
    // The cluster was not disturbed.
    let mut c = Client::connect(taken).await;
    c.send(&scylla_cql::frame::request::Options, 1).await;
    assert_eq!(c.recv().await.opcode(), ResponseOpcode::Supported);
}
