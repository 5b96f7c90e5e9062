//! The session end to end against scylla-sim: connecting, DDL, unprepared and prepared
//! statements, results.

mod session_util;

use session_util::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connect_create_insert_select() {
    let cluster = cluster(3, 2).await;
    let session = session(&cluster).await;
    let state = session.get_cluster_state();
    assert_eq!(state.get_nodes_info().len(), 3);
    let ks = keyspace_with_table(&session, "basic", 3, "(a int PRIMARY KEY, b text)").await;
    let insert = session
        .prepare(format!("INSERT INTO {ks}.t (a, b) VALUES (?, ?)"))
        .await
        .unwrap();
    assert!(insert.is_token_aware());
    for i in 0..20 {
        session
            .execute_unpaged(&insert, (i, format!("v{i}")))
            .await
            .unwrap();
    }
    let result = session
        .query_unpaged(format!("SELECT a, b FROM {ks}.t"), &[])
        .await
        .unwrap()
        .into_rows_result()
        .unwrap();
    let mut rows: Vec<(i32, String)> = result
        .rows::<(i32, String)>()
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    rows.sort();
    assert_eq!(rows.len(), 20);
    assert_eq!(rows[3], (3, "v3".to_owned()));
    // Query with values: prepared behind the scenes.
    let one = session
        .query_unpaged(format!("SELECT b FROM {ks}.t WHERE a = ?"), (7,))
        .await
        .unwrap()
        .into_rows_result()
        .unwrap()
        .single_row::<(String,)>()
        .unwrap();
    assert_eq!(one.0, "v7");
}

/// The futures of the public API are `Send` (so they can be spawned), and so are
/// pagers and streams.
#[allow(dead_code, clippy::manual_async_fn)]
fn futures_are_send(
    session: &scylla::client::session::Session,
    caching: &scylla::client::caching_session::CachingSession,
    prepared: &scylla::statement::prepared::PreparedStatement,
    bound: &scylla::statement::bound::BoundStatement,
    batch: &scylla::statement::batch::Batch,
) {
    use scylla::response::PagingState;
    fn send<T: Send>(_: T) {}
    send(session.query_unpaged("SELECT 1", &[]));
    send(session.query_unpaged("SELECT ?", (1, "x".to_owned())));
    send(session.query_single_page("x", &[], PagingState::start()));
    send(session.query_iter("x", (vec![1u8],)));
    send(session.execute_unpaged(prepared, (1,)));
    send(session.execute_single_page(prepared, (1,), PagingState::start()));
    send(session.execute_iter(prepared.clone(), (1,)));
    send(session.execute_bound_unpaged(bound));
    send(session.execute_bound_single_page(bound, PagingState::start()));
    send(session.execute_bound_iter(bound.clone()));
    send(session.batch(batch, ((1,), (2,))));
    send(session.prepare("x"));
    send(session.prepare_batch(batch));
    send(session.use_keyspace("ks", false));
    send(session.refresh_metadata());
    send(session.await_schema_agreement());
    send(session.check_schema_agreement());
    send(session.get_tracing_info(&uuid::Uuid::nil()));
    send(caching.execute_unpaged("x", (1,)));
    send(caching.execute_iter("x", (1,)));
    send(caching.batch(batch, ((1,),)));
    fn send_sync<T: Send + Sync>() {}
    send_sync::<scylla::client::session::Session>();
    send_sync::<scylla::client::caching_session::CachingSession>();
    fn send_only<T: Send>() {}
    send_only::<scylla::client::pager::QueryPager>();
    send_only::<scylla::client::pager::TypedRowStream<(i32,)>>();
}

/// Builder setters and config fields have upstream's types.
#[allow(dead_code, deprecated)]
fn builder_and_config_signatures() {
    use std::net::{IpAddr, SocketAddr};
    use std::num::NonZeroU32;
    use std::sync::Arc;
    use std::time::Duration;

    use scylla::client::execution_profile::ExecutionProfileHandle;
    use scylla::client::session::{SessionConfig, TlsContext};
    use scylla::client::session_builder::SessionBuilder;
    use scylla::client::{Compression, PoolSize, SelfIdentity, WriteCoalescingDelay};
    use scylla::cluster::KnownNode;
    use scylla::cluster::metadata::PeriodicFetchMode;
    use scylla::routing::{NodeLocationPreference, ShardAwarePortRange};
    use scylla::statement::Consistency;

    type B = SessionBuilder;
    let _: fn() -> B = B::new;
    let _: fn(B, Duration) -> B = B::connection_timeout;
    let _: fn(B, Duration) -> B = B::schema_agreement_interval;
    let _: fn(B, Duration) -> B = B::schema_agreement_timeout;
    let _: fn(B, bool) -> B = B::auto_await_schema_agreement;
    let _: fn(B, bool) -> B = B::refresh_metadata_on_auto_schema_agreement;
    let _: fn(B, ExecutionProfileHandle) -> B = B::default_execution_profile_handle;
    let _: fn(B, bool) -> B = B::tcp_nodelay;
    let _: fn(B, Duration) -> B = B::tcp_keepalive_interval;
    let _: fn(B, usize) -> B = B::tcp_recv_buffer_size;
    let _: fn(B, usize) -> B = B::tcp_send_buffer_size;
    let _: fn(B, bool) -> B = B::tcp_reuse_address;
    let _: fn(B, Duration) -> B = B::tcp_linger;
    let _: fn(B) -> B = B::tcp_zero_linger;
    let _: fn(B, PoolSize) -> B = B::pool_size;
    let _: fn(B, bool) -> B = B::disallow_shard_aware_port;
    let _: fn(B, ShardAwarePortRange) -> B = B::shard_aware_local_port_range;
    let _: fn(B, Option<Compression>) -> B = B::compression;
    let _: fn(B, String) -> B = B::prefer_datacenter;
    let _: fn(B, String, String) -> B = B::prefer_datacenter_and_rack;
    let _: fn(B) -> B = B::prefer_no_datacenter;
    let _: fn(B, bool) -> B = B::fetch_schema_metadata;
    let _: fn(B, bool) -> B = B::fetch_full_schema_metadata;
    let _: fn(B, Duration) -> B = B::metadata_request_serverside_timeout;
    let _: fn(B, Duration) -> B = B::metadata_request_clientside_timeout;
    let _: fn(B, Duration) -> B = B::keepalive_interval;
    let _: fn(B, Duration) -> B = B::keepalive_timeout;
    let _: fn(B, Option<Duration>) -> B = B::hostname_resolution_timeout;
    let _: fn(B, NonZeroU32) -> B = B::tracing_info_fetch_attempts;
    let _: fn(B, Duration) -> B = B::tracing_info_fetch_interval;
    let _: fn(B, Consistency) -> B = B::tracing_info_fetch_consistency;
    let _: fn(B, bool) -> B = B::write_coalescing;
    let _: fn(B, WriteCoalescingDelay) -> B = B::write_coalescing_delay;
    let _: fn(B, Duration) -> B = B::cluster_metadata_refresh_interval;
    let _: fn(B, PeriodicFetchMode) -> B = B::periodic_metadata_fetch_mode;
    let _: fn(B, SelfIdentity<'static>) -> B = B::custom_identity;
    let _: fn(B, bool) -> B = B::driver_config_reporting;
    let _: fn(B, SocketAddr) -> B = B::known_node_addr;
    let _ = B::new()
        .known_node("a:1")
        .known_nodes(["b", "c"])
        .known_nodes_addr([SocketAddr::from(([127, 0, 0, 1], 9042))].iter())
        .local_ip_address(Some(IpAddr::from([127, 0, 0, 1])))
        .use_keyspace("ks", false)
        .user("u", "p")
        .tls_context(None::<TlsContext>)
        .keyspaces_to_fetch(vec!["ks".to_owned()]);

    let c = SessionConfig::new();
    let _: &Vec<KnownNode> = &c.known_nodes;
    let _: &NodeLocationPreference = &c.node_location_preference;
    let _: &Option<IpAddr> = &c.local_ip_address;
    let _: &Option<Compression> = &c.compression;
    let _: &Option<Duration> = &c.tcp_keepalive_interval;
    let _: &Option<usize> = &c.tcp_recv_buffer_size;
    let _: &Option<bool> = &c.tcp_reuse_address;
    let _: &ExecutionProfileHandle = &c.default_execution_profile_handle;
    let _: &Option<String> = &c.used_keyspace;
    let _: &Option<TlsContext> = &c.tls_context;
    let _: &Option<Arc<dyn scylla::authentication::AuthenticatorProvider>> = &c.authenticator;
    let _: &Duration = &c.connect_timeout;
    let _: &PoolSize = &c.connection_pool_size;
    let _: &Vec<String> = &c.keyspaces_to_fetch;
    let _: &Option<Duration> = &c.metadata_request_clientside_timeout;
    let _: &NonZeroU32 = &c.tracing_info_fetch_attempts;
    let _: &PeriodicFetchMode = &c.periodic_metadata_fetch_mode;
    let _: &SelfIdentity<'static> = &c.identity;
    let _: &Option<Arc<dyn scylla::policies::host_filter::HostFilter>> = &c.host_filter;
    let _: &Option<Arc<dyn scylla::policies::address_translator::AddressTranslator>> =
        &c.address_translator;
    let _: &Option<Arc<dyn scylla::policies::timestamp_generator::TimestampGenerator>> =
        &c.timestamp_generator;
    let _: usize = scylla::client::caching_session::DEFAULT_MAX_CAPACITY;
}
