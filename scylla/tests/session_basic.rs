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
    let ks = unique_keyspace("basic");
    create_keyspace(&session, &ks, 3).await;
    session
        .query_unpaged(
            format!("CREATE TABLE {ks}.t (a int PRIMARY KEY, b text)"),
            &[],
        )
        .await
        .unwrap();
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
