//! Which shard a connection belongs to: `client_port % nr_shards` on the shard-aware
//! port, round robin on the regular port.

mod server_support;

use std::collections::BTreeSet;
use std::net::SocketAddr;

use scylla_cql::frame::response::supported::Supported;
use server_support::{Client, builder};

async fn shard_of(c: &mut Client<tokio::net::TcpStream>) -> u16 {
    let options = c.options().await;
    Supported { options }
        .sharding_info()
        .unwrap()
        .expect("sharding info")
        .shard
}

#[tokio::test]
async fn shard_aware_port_uses_the_client_port() {
    let cluster = builder().shards(5).build().await.unwrap();
    let node = cluster.contact_points()[0];
    let shard_aware = SocketAddr::new(node.ip(), 19042);
    let mut checked = 0;
    let mut seen = BTreeSet::new();
    // Ports from a range unlikely to be used by anything else; skip the busy ones.
    for local_port in 47_000u16..47_200 {
        let Ok(mut c) = Client::connect_from_port(shard_aware, local_port).await else {
            continue;
        };
        let shard = shard_of(&mut c).await;
        assert_eq!(shard, local_port % 5, "client port {local_port}");
        seen.insert(shard);
        checked += 1;
        if checked == 12 {
            break;
        }
    }
    assert!(checked >= 10, "too few client ports could be bound");
    assert_eq!(seen.len(), 5);
}

#[tokio::test]
async fn regular_port_spreads_connections_over_shards() {
    let cluster = builder().shards(3).build().await.unwrap();
    let node = cluster.contact_points()[0];
    let mut shards = Vec::new();
    for _ in 0..6 {
        let mut c = Client::connect(node).await;
        shards.push(shard_of(&mut c).await);
    }
    // Round robin: consecutive connections cycle through every shard.
    let first = shards[0];
    let expected: Vec<u16> = (0..6).map(|i| (first + i) % 3).collect();
    assert_eq!(shards, expected);
}

#[tokio::test]
async fn shard_aware_port_can_be_moved_or_disabled() {
    let cluster = builder()
        .shards(2)
        .shard_aware_port(Some(29042))
        .build()
        .await
        .unwrap();
    let node = cluster.contact_points()[0];
    let mut c = Client::connect(node).await;
    let info = Supported {
        options: c.options().await,
    }
    .sharding_info()
    .unwrap()
    .unwrap();
    assert_eq!(info.shard_aware_port, Some(29042));
    assert!(
        tokio::net::TcpStream::connect(SocketAddr::new(node.ip(), 29042))
            .await
            .is_ok()
    );

    let cluster = builder()
        .shards(2)
        .shard_aware_port(None)
        .build()
        .await
        .unwrap();
    let node = cluster.contact_points()[0];
    let mut c = Client::connect(node).await;
    let options = c.options().await;
    assert!(!options.contains_key("SCYLLA_SHARD_AWARE_PORT"));
    assert!(
        tokio::net::TcpStream::connect(SocketAddr::new(node.ip(), 19042))
            .await
            .is_err()
    );
}
