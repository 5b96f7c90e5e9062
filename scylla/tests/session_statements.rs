//! Statements against scylla-sim: paging (automatic and manual), re-preparing, batches,
//! lightweight transactions, the caching session, keyspaces, timestamps, warnings.

mod session_util;

use std::time::Duration;

use futures::{StreamExt, TryStreamExt};
use scylla::client::caching_session::{CachingSession, CachingSessionBuilder};
use scylla::client::session::Session;
use scylla::errors::{ExecutionError, PagerExecutionError, UseKeyspaceError};
use scylla::response::{PagingState, PagingStateResponse};
use scylla::statement::Statement;
use scylla::statement::batch::{Batch, BatchType};
use scylla::value::Counter;
use scylla_sim::SimCluster;
use session_util::*;

async fn setup(session: &Session, prefix: &str) -> String {
    keyspace_with_table(
        session,
        prefix,
        1,
        "(pk int, ck int, v text, PRIMARY KEY (pk, ck))",
    )
    .await
}

/// A cluster of `nodes` nodes with `shards` shards each, a session connected to it and
/// a keyspace from [`setup`].
async fn start(nodes: usize, shards: u16, prefix: &str) -> (SimCluster, Session, String) {
    let cluster = cluster(nodes, shards).await;
    let session = session(&cluster).await;
    let ks = setup(&session, prefix).await;
    (cluster, session, ks)
}

async fn fill(session: &Session, ks: &str, partitions: i32, rows: i32) {
    let insert = session
        .prepare(format!("INSERT INTO {ks}.t (pk, ck, v) VALUES (?, ?, ?)"))
        .await
        .unwrap();
    let mut batch = Vec::new();
    for pk in 0..partitions {
        for ck in 0..rows {
            batch.push(session.execute_unpaged(&insert, (pk, ck, format!("{pk}-{ck}"))));
            if batch.len() == 256 {
                for r in futures::future::join_all(batch.drain(..)).await {
                    r.unwrap();
                }
            }
        }
    }
    for r in futures::future::join_all(batch).await {
        r.unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn automatic_paging_over_many_pages() {
    let (_cluster, session, ks) = start(2, 2, "paging").await;
    fill(&session, &ks, 1, 2000).await;

    // Unprepared, page size 100: 20 pages, rows in clustering order.
    let mut statement = Statement::new(format!("SELECT ck, v FROM {ks}.t WHERE pk = 0"));
    statement.set_page_size(100);
    let pager = session.query_iter(statement, &[]).await.unwrap();
    assert_eq!(pager.column_specs().len(), 2);
    assert_eq!(pager.column_specs().get_by_index(0).unwrap().name(), "ck");
    let mut stream = pager.rows_stream::<(i32, String)>().unwrap();
    let mut expected = 0;
    while let Some((ck, v)) = stream.try_next().await.unwrap() {
        assert_eq!(ck, expected);
        assert_eq!(v, format!("0-{ck}"));
        expected += 1;
    }
    assert_eq!(expected, 2000);
    assert!(stream.request_coordinators().count() >= 20);
    assert!(stream.tracing_ids().is_empty());

    // Prepared, with values, and the default page size (5000): one page.
    let mut prepared = session
        .prepare(format!("SELECT ck FROM {ks}.t WHERE pk = ?"))
        .await
        .unwrap();
    assert_eq!(prepared.get_page_size(), 5000);
    let rows: Vec<(i32,)> = session
        .execute_iter(prepared.clone(), (0,))
        .await
        .unwrap()
        .rows_stream::<(i32,)>()
        .unwrap()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(rows.len(), 2000);
    prepared.set_page_size(7);
    let bound = prepared.clone().bind(&(0,)).unwrap();
    let pager = session.execute_bound_iter(bound).await.unwrap();
    let stream = pager.rows_stream::<(i32,)>().unwrap();
    assert_eq!(stream.count().await, 2000);

    // query_iter with values prepares the statement.
    let n = session
        .query_iter(format!("SELECT v FROM {ks}.t WHERE pk = ?"), (0,))
        .await
        .unwrap()
        .rows_stream::<(String,)>()
        .unwrap()
        .count()
        .await;
    assert_eq!(n, 2000);

    // A row type that does not match is reported once, up front.
    let pager = session
        .query_iter(format!("SELECT ck, v FROM {ks}.t WHERE pk = 0"), &[])
        .await
        .unwrap();
    assert!(pager.rows_stream::<(String, i32)>().is_err());
    // An error on the first page is the call's error.
    let err = session
        .query_iter(format!("SELECT nope FROM {ks}.t"), &[])
        .await
        .unwrap_err();
    assert!(
        matches!(err, PagerExecutionError::NextPageError(_)),
        "{err:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pager_fetches_at_most_one_page_ahead() {
    let (cluster, session, ks) = start(1, 1, "ahead").await;
    fill(&session, &ks, 1, 100).await;
    let mut statement = Statement::new(format!("SELECT ck FROM {ks}.t WHERE pk = 0"));
    statement.set_page_size(10);
    // Let the metadata refreshes of the DDL settle.
    tokio::time::sleep(Duration::from_millis(300)).await;
    cluster.reset_counters();
    let mut stream = session
        .query_iter(statement, &[])
        .await
        .unwrap()
        .rows_stream::<(i32,)>()
        .unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    // The first page, and the second fetched ahead.
    assert_eq!(cluster.counters().total().requests, 2);
    for _ in 0..11 {
        stream.next().await.unwrap().unwrap();
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    // Reading into the second page let the third be fetched, no more.
    assert_eq!(cluster.counters().total().requests, 3);
    let rest = stream.count().await;
    assert_eq!(rest, 89);
    assert_eq!(cluster.counters().total().requests, 10);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn manual_paging_with_paging_state() {
    let (_cluster, session, ks) = start(1, 2, "manual").await;
    fill(&session, &ks, 3, 50).await;
    let statement = Statement::new(format!("SELECT pk, ck FROM {ks}.t")).with_page_size(16);
    let mut state = PagingState::start();
    let mut total = 0;
    let mut pages = 0;
    loop {
        let (result, next) = session
            .query_single_page(statement.clone(), &[], state)
            .await
            .unwrap();
        let rows = result.into_rows_result().unwrap();
        assert!(rows.rows_num() <= 16);
        total += rows.rows_num();
        pages += 1;
        match next {
            PagingStateResponse::HasMorePages { state: s } => state = s,
            PagingStateResponse::NoMorePages => break,
        }
    }
    assert_eq!(total, 150);
    assert!(pages >= 10);

    let mut prepared = session
        .prepare(format!("SELECT ck FROM {ks}.t WHERE pk = ?"))
        .await
        .unwrap();
    prepared.set_page_size(20);
    let mut state = PagingState::start();
    let mut seen = Vec::new();
    loop {
        let (result, next) = session
            .execute_single_page(&prepared, (1,), state)
            .await
            .unwrap();
        for row in result.into_rows_result().unwrap().rows::<(i32,)>().unwrap() {
            seen.push(row.unwrap().0);
        }
        match next.into_paging_control_flow() {
            std::ops::ControlFlow::Continue(s) => state = s,
            std::ops::ControlFlow::Break(()) => break,
        }
    }
    assert_eq!(seen, (0..50).collect::<Vec<_>>());
    let bound = prepared.bind(&(2,)).unwrap();
    let (result, next) = session
        .execute_bound_single_page(&bound, PagingState::start())
        .await
        .unwrap();
    assert_eq!(result.into_rows_result().unwrap().rows_num(), 20);
    assert!(!next.finished());
    // Unpaged returns everything.
    let all = session.execute_bound_unpaged(&bound).await.unwrap();
    assert_eq!(all.into_rows_result().unwrap().rows_num(), 50);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reprepare_after_schema_change_updates_the_id() {
    let (_cluster, session, ks) = start(2, 1, "reprepare").await;
    let select = session
        .prepare(format!("SELECT * FROM {ks}.t WHERE pk = ?"))
        .await
        .unwrap();
    let insert = session
        .prepare(format!("INSERT INTO {ks}.t (pk, ck, v) VALUES (?, ?, ?)"))
        .await
        .unwrap();
    session.execute_unpaged(&insert, (1, 1, "a")).await.unwrap();
    let old_select_id = select.get_id().clone();
    assert_eq!(select.get_current_result_set_col_specs().get().len(), 3);
    session
        .query_unpaged(format!("ALTER TABLE {ks}.t ADD w int"), &[])
        .await
        .unwrap();
    // The nodes forgot the old ids; the driver prepares again and takes the new id.
    session.execute_unpaged(&insert, (1, 2, "b")).await.unwrap();
    let result = session
        .execute_unpaged(&select, (1,))
        .await
        .unwrap()
        .into_rows_result()
        .unwrap();
    assert_eq!(result.column_specs().len(), 4);
    assert_eq!(result.rows_num(), 2);
    assert_ne!(select.get_id(), &old_select_id);
    assert_eq!(select.get_current_result_set_col_specs().get().len(), 4);
    // Clones share the new id.
    let clone = select.clone();
    assert_eq!(clone.get_id(), select.get_id());
    session.execute_unpaged(&clone, (1,)).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn batches_of_prepared_and_unprepared_statements() {
    let (_cluster, session, ks) = start(2, 2, "batch").await;
    let insert = session
        .prepare(format!("INSERT INTO {ks}.t (pk, ck, v) VALUES (?, ?, ?)"))
        .await
        .unwrap();
    let mut batch = Batch::default();
    batch.append_statement(insert.clone());
    batch.append_statement(format!("INSERT INTO {ks}.t (pk, ck, v) VALUES (1, 2, 'lit')").as_str());
    batch.append_statement(format!("INSERT INTO {ks}.t (pk, ck, v) VALUES (?, ?, ?)").as_str());
    batch.append_statement(format!("UPDATE {ks}.t SET v = ? WHERE pk = ? AND ck = ?").as_str());
    session
        .batch(&batch, ((1, 1, "p"), (), (1, 3, "values"), ("upd", 1, 1)))
        .await
        .unwrap();
    let rows: Vec<(i32, String)> = session
        .query_unpaged(format!("SELECT ck, v FROM {ks}.t WHERE pk = 1"), &[])
        .await
        .unwrap()
        .into_rows_result()
        .unwrap()
        .rows()
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(
        rows,
        vec![
            (1, "upd".to_owned()),
            (2, "lit".to_owned()),
            (3, "values".to_owned())
        ]
    );
    // Too few value lists: an error, nothing sent.
    let err = session.batch(&batch, ((1, 1, "p"),)).await.unwrap_err();
    assert!(matches!(err, ExecutionError::BadQuery(_)), "{err:?}");

    // prepare_batch prepares every statement.
    let prepared = session.prepare_batch(&batch).await.unwrap();
    assert!(prepared.statements.iter().all(|s| matches!(
        s,
        scylla::statement::batch::BatchStatement::PreparedStatement(_)
    )));
    session
        .batch(&prepared, ((2, 1, "a"), (), (2, 3, "c"), ("b", 2, 1)))
        .await
        .unwrap();

    // Counter batch; an unlogged batch over many partitions warns.
    session
        .query_unpaged(
            format!("CREATE TABLE {ks}.c (k int PRIMARY KEY, n counter)"),
            &[],
        )
        .await
        .unwrap();
    let inc = session
        .prepare(format!("UPDATE {ks}.c SET n = n + ? WHERE k = ?"))
        .await
        .unwrap();
    let mut counters = Batch::new(BatchType::Counter);
    counters.append_statement(inc.clone());
    counters.append_statement(inc.clone());
    session
        .batch(&counters, ((Counter(5), 1), (Counter(2), 1)))
        .await
        .unwrap();
    let (n,): (Counter,) = select_one(&session, format!("SELECT n FROM {ks}.c WHERE k = 1")).await;
    assert_eq!(n, Counter(7));
    let mut unlogged = Batch::new(BatchType::Unlogged);
    let mut values = Vec::new();
    for k in 0..12 {
        unlogged.append_statement(insert.clone());
        values.push((k + 100, 0, "x"));
    }
    let result = session.batch(&unlogged, values).await.unwrap();
    assert!(
        result.warnings().any(|w| w.contains("Unlogged batch")),
        "warnings: {:?}",
        result.warnings().collect::<Vec<_>>()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lightweight_transactions() {
    let cluster = cluster(3, 1).await;
    let session = session(&cluster).await;
    let ks = keyspace_with_table(&session, "lwt", 3, "(k int PRIMARY KEY, v int)").await;
    let insert = session
        .prepare(format!(
            "INSERT INTO {ks}.t (k, v) VALUES (?, ?) IF NOT EXISTS"
        ))
        .await
        .unwrap();
    assert!(insert.is_confirmed_lwt());
    let plain = session
        .prepare(format!("INSERT INTO {ks}.t (k, v) VALUES (?, ?)"))
        .await
        .unwrap();
    assert!(!plain.is_confirmed_lwt());
    let applied = |r: scylla::response::query_result::QueryResult| {
        let rows = r.into_rows_result().unwrap();
        let (i, _) = rows.column_specs().get_by_name("[applied]").unwrap();
        assert_eq!(i, 0);
        rows.first_row::<(bool, Option<i32>, Option<i32>)>()
            .map(|r| r.0)
            .or_else(|_| rows.first_row::<(bool,)>().map(|r| r.0))
            .unwrap()
    };
    assert!(applied(
        session.execute_unpaged(&insert, (1, 10)).await.unwrap()
    ));
    assert!(!applied(
        session.execute_unpaged(&insert, (1, 20)).await.unwrap()
    ));
    let update = session
        .prepare(format!("UPDATE {ks}.t SET v = ? WHERE k = ? IF v = ?"))
        .await
        .unwrap();
    assert!(applied(
        session.execute_unpaged(&update, (11, 1, 10)).await.unwrap()
    ));
    let (v,): (i32,) = select_one(&session, format!("SELECT v FROM {ks}.t WHERE k = 1")).await;
    assert_eq!(v, 11);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn caching_session_prepares_once() {
    let (cluster, session, ks) = start(1, 1, "caching").await;
    let caching: CachingSession = CachingSession::from(session, 2);
    assert_eq!(caching.get_max_capacity(), 2);
    let insert = format!("INSERT INTO {ks}.t (pk, ck, v) VALUES (?, ?, ?)");
    caching
        .execute_unpaged(insert.as_str(), (1, 1, "a"))
        .await
        .unwrap();
    let first = caching
        .add_prepared_statement(&Statement::new(insert.clone()))
        .await
        .unwrap();
    caching
        .execute_unpaged(insert.as_str(), (1, 2, "b"))
        .await
        .unwrap();
    let again = caching
        .add_prepared_statement(&Statement::new(insert.clone()))
        .await
        .unwrap();
    assert_eq!(first.get_id(), again.get_id());
    let select = format!("SELECT ck FROM {ks}.t WHERE pk = ?");
    let rows: Vec<(i32,)> = caching
        .execute_iter(select.as_str(), (1,))
        .await
        .unwrap()
        .rows_stream::<(i32,)>()
        .unwrap()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(rows, vec![(1,), (2,)]);
    let (page, _) = caching
        .execute_single_page(select.as_str(), (1,), PagingState::start())
        .await
        .unwrap();
    assert_eq!(page.into_rows_result().unwrap().rows_num(), 2);
    // A third statement evicts the least recently used (the INSERT).
    caching
        .execute_unpaged(format!("SELECT v FROM {ks}.t WHERE pk = 1 AND ck = 1"), &[])
        .await
        .unwrap();
    let mut batch = Batch::default();
    batch.append_statement(insert.as_str());
    caching.batch(&batch, ((1, 3, "c"),)).await.unwrap();
    let prepared = caching.prepare_batch(&batch).await.unwrap();
    assert_eq!(prepared.statements.len(), 1);
    // Settings of the statement apply to the cached statement.
    let mut with_page_size = Statement::new(select.clone());
    with_page_size.set_page_size(1);
    let p = caching
        .add_prepared_statement(&with_page_size)
        .await
        .unwrap();
    assert_eq!(p.get_page_size(), 1);

    let shared = CachingSessionBuilder::new(session_util::session(&cluster).await)
        .max_capacity(5)
        .use_cached_result_metadata(true)
        .build();
    assert_eq!(shared.get_max_capacity(), 5);
    let r = shared.execute_unpaged(select.as_str(), (1,)).await.unwrap();
    assert_eq!(r.into_rows_result().unwrap().rows_num(), 3);
    let r = shared.execute_unpaged(select.as_str(), (1,)).await.unwrap();
    assert_eq!(r.into_rows_result().unwrap().rows_num(), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keyspaces_timestamps_and_warnings() {
    let (cluster, session, ks) = start(2, 1, "keyspaces").await;
    assert_eq!(session.get_keyspace(), None);
    session.use_keyspace(&ks, false).await.unwrap();
    assert_eq!(
        session.get_keyspace().as_deref().map(String::as_str),
        Some(ks.as_str())
    );
    // Tables without their keyspace, on every connection.
    for i in 0..20 {
        session
            .query_unpaged(
                format!("INSERT INTO t (pk, ck, v) VALUES ({i}, 0, 'x')"),
                &[],
            )
            .await
            .unwrap();
    }
    let bad = session.use_keyspace("no such", false).await.unwrap_err();
    assert!(
        matches!(bad, UseKeyspaceError::BadKeyspaceName(_)),
        "{bad:?}"
    );
    let missing = session
        .use_keyspace("nosuchkeyspace", false)
        .await
        .unwrap_err();
    assert!(
        matches!(missing, UseKeyspaceError::RequestError(_)),
        "{missing:?}"
    );
    // The session still works, on its keyspace.
    session
        .query_unpaged("SELECT * FROM t WHERE pk = 1", &[])
        .await
        .unwrap();
    // `USE` as a statement switches every connection too.
    let other = setup(&session, "other").await;
    session
        .query_unpaged(format!("USE {other}"), &[])
        .await
        .unwrap();
    assert_eq!(
        session.get_keyspace().as_deref().map(String::as_str),
        Some(other.as_str())
    );
    for _ in 0..10 {
        let r = session.query_unpaged("SELECT * FROM t", &[]).await.unwrap();
        assert_eq!(r.into_rows_result().unwrap().rows_num(), 0);
    }
    // A session opened on a keyspace.
    let on_ks = session_builder(&cluster)
        .use_keyspace(&ks, false)
        .build()
        .await
        .unwrap();
    let r = on_ks.query_unpaged("SELECT * FROM t", &[]).await.unwrap();
    assert_eq!(r.into_rows_result().unwrap().rows_num(), 20);
    let err = session_builder(&cluster)
        .use_keyspace("bad-name", false)
        .build()
        .await
        .unwrap_err();
    assert!(matches!(
        err,
        scylla::errors::NewSessionError::UseKeyspaceError(_)
    ));

    // Client-side timestamps.
    let mut insert = Statement::new(format!(
        "INSERT INTO {ks}.t (pk, ck, v) VALUES (500, 0, 'ts')"
    ));
    insert.set_timestamp(Some(123_456));
    session.query_unpaged(insert, &[]).await.unwrap();
    let (wt,): (i64,) = select_one(
        &session,
        format!("SELECT writetime(v) FROM {ks}.t WHERE pk = 500 AND ck = 0"),
    )
    .await;
    assert_eq!(wt, 123_456);
    let generated = session_builder(&cluster)
        .timestamp_generator(std::sync::Arc::new(
            scylla::policies::timestamp_generator::MonotonicTimestampGenerator::new(),
        ))
        .build()
        .await
        .unwrap();
    let before = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_micros() as i64;
    generated
        .query_unpaged(
            format!("INSERT INTO {ks}.t (pk, ck, v) VALUES (501, 0, 'g')"),
            &[],
        )
        .await
        .unwrap();
    let (wt,): (i64,) = select_one(
        &generated,
        format!("SELECT writetime(v) FROM {ks}.t WHERE pk = 501 AND ck = 0"),
    )
    .await;
    assert!(wt >= before, "{wt} < {before}");

    // Warnings come with results.
    let r = session
        .query_unpaged(format!("SELECT count(*) FROM {ks}.t"), &[])
        .await
        .unwrap();
    assert!(
        r.warnings().any(|w| w.contains("Aggregation")),
        "{:?}",
        r.warnings().collect::<Vec<_>>()
    );
    let rows = r.into_rows_result().unwrap();
    let (count,): (i64,) = rows.single_row().unwrap();
    assert_eq!(count, 22);
    assert!(rows.warnings().count() > 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unprepared_after_a_node_restart_is_prepared_again() {
    let (cluster, session, ks) = start(1, 2, "restart").await;
    let insert = session
        .prepare(format!("INSERT INTO {ks}.t (pk, ck, v) VALUES (?, ?, ?)"))
        .await
        .unwrap();
    session
        .execute_unpaged(&insert, (1, 1, "before"))
        .await
        .unwrap();
    let id = insert.get_id().clone();
    let node = cluster.nodes()[0].id;
    cluster.restart_node(node).await.unwrap();
    // The node forgot its prepared statements; wait for the pools to reconnect.
    let start = std::time::Instant::now();
    let mut last = None;
    while start.elapsed() < Duration::from_secs(15) {
        match session.execute_unpaged(&insert, (1, 2, "after")).await {
            Ok(_) => {
                last = None;
                break;
            }
            Err(e) => last = Some(e),
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(last.is_none(), "{last:?}");
    // Same schema, same id.
    assert_eq!(insert.get_id(), &id);
    // Batches are prepared again too.
    cluster.restart_node(node).await.unwrap();
    let mut batch = Batch::default();
    batch.append_statement(insert.clone());
    let start = std::time::Instant::now();
    loop {
        match session.batch(&batch, ((1, 3, "batch"),)).await {
            Ok(_) => break,
            Err(e) => assert!(start.elapsed() < Duration::from_secs(15), "{e}"),
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let rows = session
        .query_unpaged(format!("SELECT ck FROM {ks}.t WHERE pk = 1"), &[])
        .await
        .unwrap()
        .into_rows_result()
        .unwrap();
    assert_eq!(rows.rows_num(), 3);
}
