//! Connection pools: shard placement, fallback to the regular port, refill,
//! keyspaces.

use std::collections::HashMap;
use std::num::NonZeroUsize;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::{echo, test_config};
use crate::client::PoolSize;
use crate::errors::{ConnectionError, ConnectionPoolError};
use crate::network::connection::VerifiedKeyspaceName;
use crate::network::connection_pool::{NodeConnectionPool, PoolConfig, PoolStatus};
use crate::network::test_server::{
    Handler, ServerConfig, ShardAwarePort, Sharding, TestServer, default_handler,
};

fn pool_config(pool_size: PoolSize) -> PoolConfig {
    PoolConfig {
        connection_config: test_config(),
        pool_size,
        min_fill_backoff: Duration::from_millis(10),
        max_fill_backoff: Duration::from_millis(200),
        ..Default::default()
    }
}

fn sharded(nr_shards: u16, shard_aware_port: ShardAwarePort) -> ServerConfig {
    ServerConfig {
        sharding: Some(Sharding {
            nr_shards,
            shard_aware_port,
        }),
        ..Default::default()
    }
}

fn per_shard(n: usize) -> PoolSize {
    PoolSize::PerShard(NonZeroUsize::new(n).unwrap())
}

async fn wait_until_full(pool: &NodeConnectionPool, connections: usize) {
    let mut status = pool.status();
    let result = tokio::time::timeout(
        Duration::from_secs(10),
        status.wait_for(|s| {
            matches!(s, PoolStatus::Connected { full: true, connections: n } if *n == connections)
        }),
    )
    .await;
    assert!(
        result.is_ok(),
        "pool not full: {:?}",
        *pool.status().borrow()
    );
}

async fn wait_for_server(server: &TestServer, what: &str, mut ok: impl FnMut(&TestServer) -> bool) {
    for _ in 0..500 {
        if ok(server) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!(
        "timed out waiting until {what}; server sees {:?}",
        server.open_connections()
    );
}

/// Per shard, the number of connections the pool hands out for it (checking each
/// really is on that shard).
fn shards_of(pool: &NodeConnectionPool, nr_shards: u32) -> Vec<usize> {
    let working = pool.get_working_connections().unwrap();
    (0..nr_shards)
        .map(|shard| {
            let conn = pool.connection_for_shard(shard).unwrap();
            assert_eq!(u32::from(conn.shard().unwrap()), shard);
            working
                .iter()
                .filter(|c| u32::from(c.shard().unwrap()) == shard)
                .count()
        })
        .collect()
}

#[tokio::test]
async fn connections_are_placed_on_every_shard_through_the_shard_aware_port() {
    let server = TestServer::start(sharded(4, ShardAwarePort::Listening)).await;
    let pool = NodeConnectionPool::new(server.addr, pool_config(per_shard(2)), None);
    pool.wait_until_initialized().await;
    wait_until_full(&pool, 8).await;
    let sharder = pool.sharder().unwrap();
    assert_eq!(sharder.nr_shards.get(), 4);
    assert_eq!(sharder.msb_ignore, 12);
    assert_eq!(shards_of(&pool, 4), vec![2, 2, 2, 2]);
    assert!(pool.is_connected());

    // Only the first connection went through the regular port; every other one
    // chose a source port in the range that maps to its shard.
    let open = server.open_connections();
    assert_eq!(open.len(), 8);
    assert_eq!(open.iter().filter(|c| !c.shard_aware_listener).count(), 1);
    for c in open.iter().filter(|c| c.shard_aware_listener) {
        assert!(c.peer.port() >= 49152);
        assert_eq!(Some(c.peer.port() % 4), c.shard);
    }
    // Requests work on every connection.
    for shard in 0..4 {
        let conn = pool.connection_for_shard(shard).unwrap();
        assert_eq!(echo(&conn, "hi").await.unwrap(), "hi");
    }
}

#[tokio::test]
async fn a_custom_source_port_range_is_respected() {
    let server = TestServer::start(sharded(3, ShardAwarePort::Listening)).await;
    let config = PoolConfig {
        shard_aware_local_port_range: crate::routing::ShardAwarePortRange::new(50000..=50999)
            .unwrap(),
        ..pool_config(per_shard(1))
    };
    let pool = NodeConnectionPool::new(server.addr, config, None);
    wait_until_full(&pool, 3).await;
    for c in server
        .open_connections()
        .iter()
        .filter(|c| c.shard_aware_listener)
    {
        assert!((50000..=50999).contains(&c.peer.port()), "{c:?}");
    }
}

#[tokio::test]
async fn unreachable_shard_aware_port_falls_back_to_the_regular_port() {
    let server = TestServer::start(sharded(3, ShardAwarePort::Unreachable)).await;
    let pool = NodeConnectionPool::new(server.addr, pool_config(per_shard(2)), None);
    wait_until_full(&pool, 6).await;
    assert_eq!(shards_of(&pool, 3), vec![2, 2, 2]);
    let open = server.open_connections();
    assert!(open.iter().all(|c| !c.shard_aware_listener));
    assert_eq!(open.len(), 6);
}

#[tokio::test]
async fn disallowed_shard_aware_port_is_not_used() {
    let server = TestServer::start(sharded(2, ShardAwarePort::Listening)).await;
    let config = PoolConfig {
        can_use_shard_aware_port: false,
        ..pool_config(per_shard(1))
    };
    let pool = NodeConnectionPool::new(server.addr, config, None);
    wait_until_full(&pool, 2).await;
    assert_eq!(shards_of(&pool, 2), vec![1, 1]);
    assert!(
        server
            .open_connections()
            .iter()
            .all(|c| !c.shard_aware_listener)
    );
}

#[tokio::test]
async fn regular_port_surplus_connections_are_closed() {
    // The node puts the first three connections on shard 0, then round robin: the
    // pool must keep connecting, and close what it does not need.
    let server = TestServer::start(sharded(2, ShardAwarePort::None)).await;
    server.set_regular_port_shards(vec![0, 0, 0]);
    let pool = NodeConnectionPool::new(server.addr, pool_config(per_shard(1)), None);
    wait_until_full(&pool, 2).await;
    assert_eq!(shards_of(&pool, 2), vec![1, 1]);
    wait_for_server(&server, "the surplus is closed", |s| {
        s.open_connections().len() == 2
    })
    .await;
}

#[tokio::test]
async fn unsharded_node_gets_the_per_host_count() {
    let server = TestServer::start(ServerConfig::default()).await;
    let size = PoolSize::PerHost(NonZeroUsize::new(3).unwrap());
    let pool = NodeConnectionPool::new(server.addr, pool_config(size), None);
    wait_until_full(&pool, 3).await;
    assert_eq!(pool.sharder(), None);
    assert_eq!(server.open_connections().len(), 3);
    // Any shard asked for gets a connection.
    let conn = pool.connection_for_shard(17).unwrap();
    assert_eq!(echo(&conn, "x").await.unwrap(), "x");
    // Round robin spreads picks over the connections.
    let mut seen = std::collections::HashSet::new();
    for _ in 0..30 {
        seen.insert(pool.random_connection().unwrap().get_local_address());
    }
    assert_eq!(seen.len(), 3);
}

#[tokio::test]
async fn per_host_connections_are_spread_over_shards() {
    let server = TestServer::start(sharded(4, ShardAwarePort::Listening)).await;
    let size = PoolSize::PerHost(NonZeroUsize::new(5).unwrap());
    let pool = NodeConnectionPool::new(server.addr, pool_config(size), None);
    wait_until_full(&pool, 5).await;
    assert_eq!(shards_of(&pool, 4), vec![2, 1, 1, 1]);
}

#[tokio::test]
async fn killed_connections_are_replaced() {
    let server = TestServer::start(sharded(3, ShardAwarePort::Listening)).await;
    let pool = NodeConnectionPool::new(server.addr, pool_config(per_shard(1)), None);
    wait_until_full(&pool, 3).await;
    let victim = pool.connection_for_shard(1).unwrap();
    let victim_addr = victim.get_local_address();
    server.kill(victim_addr);
    let _ = tokio::time::timeout(Duration::from_secs(5), victim.closed())
        .await
        .unwrap();
    // Until it is replaced, shard 1 is served by another connection, never the dead
    // one.
    let fallback = pool.connection_for_shard(1).unwrap();
    assert!(!fallback.is_closed());
    wait_for_server(&server, "the connection is replaced", |s| {
        s.open_connections().len() == 3
    })
    .await;
    wait_until_full(&pool, 3).await;
    assert_eq!(shards_of(&pool, 3), vec![1, 1, 1]);
    let replacement = pool.connection_for_shard(1).unwrap();
    assert_ne!(replacement.get_local_address(), victim_addr);

    // All of them at once.
    server.kill_all();
    wait_for_server(&server, "all connections are replaced", |s| {
        s.connections().len() == 7 && s.open_connections().len() == 3
    })
    .await;
    wait_until_full(&pool, 3).await;
    assert_eq!(shards_of(&pool, 3), vec![1, 1, 1]);
}

#[tokio::test]
async fn unreachable_node_is_reported_broken_and_retried() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let pool = NodeConnectionPool::new(addr, pool_config(per_shard(1)), None);
    pool.wait_until_initialized().await;
    assert!(!pool.is_connected());
    let err = pool.connection_for_shard(0).unwrap_err();
    assert!(
        matches!(
            &err,
            ConnectionPoolError::Broken {
                last_connection_error: ConnectionError::IoError(_)
            }
        ),
        "{err:?}"
    );
    assert!(matches!(*pool.status().borrow(), PoolStatus::Broken { .. }));
    // Once the node listens, the pool connects.
    let server = TestServer::start_at(addr, ServerConfig::default()).await;
    wait_until_full(&pool, 1).await;
    assert_eq!(server.open_connections().len(), 1);
}

#[tokio::test]
async fn pool_being_initialized_says_so() {
    let server = TestServer::start(ServerConfig::default()).await;
    server.set_answer_options(false);
    let pool = NodeConnectionPool::new(server.addr, pool_config(per_shard(1)), None);
    assert!(matches!(
        pool.random_connection(),
        Err(ConnectionPoolError::Initializing)
    ));
}

/// The statements each server connection received, by connection id.
type Statements = Arc<Mutex<HashMap<usize, Vec<String>>>>;

fn recording_handler() -> (Handler, Statements) {
    let seen: Statements = Arc::default();
    let record = Arc::clone(&seen);
    let handler: Handler = Arc::new(move |req| {
        if let Some(s) = &req.statement {
            record
                .lock()
                .unwrap()
                .entry(req.connection_id)
                .or_default()
                .push(s.clone());
        }
        default_handler()(req)
    });
    (handler, seen)
}

#[tokio::test]
async fn keyspace_is_used_on_all_connections_and_new_ones() {
    let (handler, seen) = recording_handler();
    let server = TestServer::start(ServerConfig {
        handler,
        ..sharded(2, ShardAwarePort::Listening)
    })
    .await;
    let initial = VerifiedKeyspaceName::new("first".to_owned(), false).unwrap();
    let pool = NodeConnectionPool::new(server.addr, pool_config(per_shard(2)), Some(initial));
    wait_until_full(&pool, 4).await;
    let ks = VerifiedKeyspaceName::new("Second".to_owned(), true).unwrap();
    pool.use_keyspace(ks).await.unwrap();
    let open_ids: Vec<usize> = server.open_connections().iter().map(|c| c.id).collect();
    {
        let seen = seen.lock().unwrap();
        for id in &open_ids {
            assert_eq!(
                seen[id],
                vec!["USE first".to_owned(), "USE \"Second\"".to_owned()]
            );
        }
    }
    // A replacement connection is switched to the current keyspace before use.
    server.kill(pool.connection_for_shard(0).unwrap().get_local_address());
    wait_for_server(&server, "a replacement", |s| s.connections().len() == 5).await;
    wait_until_full(&pool, 4).await;
    let newest = server.connections().last().unwrap().id;
    assert_eq!(
        seen.lock().unwrap()[&newest],
        vec!["USE \"Second\"".to_owned()]
    );
}

#[tokio::test]
async fn dropping_the_pool_closes_its_connections() {
    let server = TestServer::start(sharded(2, ShardAwarePort::Listening)).await;
    let pool = NodeConnectionPool::new(server.addr, pool_config(per_shard(1)), None);
    wait_until_full(&pool, 2).await;
    drop(pool);
    wait_for_server(&server, "connections are closed", |s| {
        s.open_connections().is_empty()
    })
    .await;
}
