//! Policies and failures against scylla-sim: request timeouts and dropped requests,
//! retries (and idempotence), speculative execution, execution profiles remapped at
//! runtime, history listeners, metrics.

mod session_util;

use std::sync::Arc;
use std::time::{Duration, Instant};

use scylla::client::PoolSize;
use scylla::client::execution_profile::ExecutionProfile;
use scylla::client::session::Session;
use scylla::errors::{DbError, ExecutionError, RequestAttemptError};
use scylla::observability::history::{AttemptResult, HistoryCollector, RequestHistoryResult};
use scylla::policies::load_balancing::{NodeIdentifier, SingleTargetLoadBalancingPolicy};
use scylla::policies::retry::{DowngradingConsistencyRetryPolicy, FallthroughRetryPolicy};
use scylla::policies::speculative_execution::SimpleSpeculativeExecutionPolicy;
use scylla::statement::{Consistency, Statement};
use session_util::*;

async fn table(session: &Session, rf: usize) -> String {
    keyspace_with_table(session, "policies", rf, "(k int PRIMARY KEY, v int)").await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_dropped_before_its_response_leaves_the_connection_usable() {
    let cluster = cluster(1, 1).await;
    let session = session_builder(&cluster)
        .pool_size(PoolSize::PerHost(1.try_into().unwrap()))
        .build()
        .await
        .unwrap();
    let ks = table(&session, 1).await;
    let node = cluster.nodes()[0].id;
    cluster.pause_node(node).await.unwrap();
    // A request timeout drops the request future...
    let mut slow = Statement::new(format!("SELECT * FROM {ks}.t WHERE k = 1"));
    slow.set_request_timeout(Some(Duration::from_millis(200)));
    let err = session.query_unpaged(slow, &[]).await.unwrap_err();
    assert!(matches!(err, ExecutionError::RequestTimeout(_)), "{err:?}");
    // ... and so does the caller giving up.
    let gave_up = tokio::time::timeout(
        Duration::from_millis(100),
        session.query_unpaged(format!("SELECT * FROM {ks}.t"), &[]),
    )
    .await;
    assert!(gave_up.is_err());
    cluster.resume_node(node).await.unwrap();
    // The connection goes on: later requests get their own answers.
    let insert = session
        .prepare(format!("INSERT INTO {ks}.t (k, v) VALUES (?, ?)"))
        .await
        .unwrap();
    for k in 0..50 {
        session.execute_unpaged(&insert, (k, k * 2)).await.unwrap();
        let (v,): (i32,) =
            select_one(&session, format!("SELECT v FROM {ks}.t WHERE k = {k}")).await;
        assert_eq!(v, k * 2);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retries_follow_the_policy_and_are_recorded() {
    let cluster = cluster(3, 1).await;
    let session = session(&cluster).await;
    let ks = table(&session, 3).await;
    let nodes = cluster.nodes();
    cluster.stop_node(nodes[1].id).await.unwrap();
    cluster.stop_node(nodes[2].id).await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;

    // ALL cannot be met: Unavailable.
    let mut strict = Statement::new(format!("INSERT INTO {ks}.t (k, v) VALUES (1, 1)"));
    strict.set_consistency(Consistency::All);
    strict.set_retry_policy(Some(Arc::new(FallthroughRetryPolicy::new())));
    let err = session
        .query_unpaged(strict.clone(), &[])
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            ExecutionError::LastAttemptError(RequestAttemptError::DbError(
                DbError::Unavailable { .. },
                _
            ))
        ),
        "{err:?}"
    );
    // The downgrading policy retries with the consistency that can be met.
    let history = Arc::new(HistoryCollector::new());
    strict.set_retry_policy(Some(Arc::new(DowngradingConsistencyRetryPolicy::new())));
    strict.set_history_listener(history.clone());
    session.query_unpaged(strict, &[]).await.unwrap();
    let structured = history.take_structured_history();
    assert_eq!(structured.requests.len(), 1);
    let request = &structured.requests[0];
    assert!(matches!(
        request.result,
        Some(RequestHistoryResult::Success(_))
    ));
    let attempts = &request.non_speculative_fiber.attempts;
    assert_eq!(attempts.len(), 2, "{structured}");
    assert!(matches!(attempts[0].result, Some(AttemptResult::Error(..))));
    assert!(matches!(
        attempts[1].result,
        Some(AttemptResult::Success(_))
    ));
    #[cfg(feature = "metrics")]
    assert!(session.get_metrics().get_retries_num() >= 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn speculative_execution_only_for_idempotent_statements() {
    let cluster = cluster(3, 1).await;
    let profile = ExecutionProfile::builder()
        .consistency(Consistency::One)
        .speculative_execution_policy(Some(Arc::new(SimpleSpeculativeExecutionPolicy {
            max_retry_count: 2,
            retry_interval: Duration::from_millis(50),
        })))
        .request_timeout(Some(Duration::from_millis(800)))
        .build();
    let session = session_builder(&cluster)
        .default_execution_profile_handle(profile.into_handle())
        .build()
        .await
        .unwrap();
    let ks = table(&session, 3).await;
    let paused = cluster.nodes()[0].clone();
    // Requests whose first target is the paused node.
    let to_paused =
        SingleTargetLoadBalancingPolicy::new(NodeIdentifier::HostId(paused.host_id), None);
    let mut select = session
        .prepare(format!("SELECT v FROM {ks}.t WHERE k = ?"))
        .await
        .unwrap();
    cluster.pause_node(paused.id).await.unwrap();

    // Idempotent: a speculative execution goes to the next node of the plan. With a
    // single-target policy there is none, so use the default policy and many keys:
    // those whose first replica is the paused node still answer in time.
    select.set_is_idempotent(true);
    let history = Arc::new(HistoryCollector::new());
    select.set_history_listener(history.clone());
    for k in 0..30 {
        let started = Instant::now();
        session.execute_unpaged(&select, (k,)).await.unwrap();
        assert!(started.elapsed() < Duration::from_millis(700));
    }
    let structured = history.take_structured_history();
    assert!(
        structured
            .requests
            .iter()
            .any(|r| !r.speculative_fibers.is_empty()),
        "some requests went to the paused node first: {structured}"
    );

    // Not idempotent: never executed twice, so the paused node's requests time out.
    select.set_is_idempotent(false);
    select.set_load_balancing_policy(Some(to_paused));
    let err = session.execute_unpaged(&select, (1,)).await.unwrap_err();
    assert!(matches!(err, ExecutionError::RequestTimeout(_)), "{err:?}");
    let structured = history.take_structured_history();
    assert!(structured.requests[0].speculative_fibers.is_empty());
    cluster.resume_node(paused.id).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn execution_profiles_remapped_at_runtime() {
    let cluster = cluster(3, 1).await;
    let strict = ExecutionProfile::builder()
        .consistency(Consistency::All)
        .retry_policy(Arc::new(FallthroughRetryPolicy::new()))
        .build();
    let mut default_handle = strict.clone().into_handle_with_label("default".to_owned());
    let session = session_builder(&cluster)
        .default_execution_profile_handle(default_handle.clone())
        .build()
        .await
        .unwrap();
    let ks = table(&session, 3).await;
    cluster.stop_node(cluster.nodes()[2].id).await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let insert = session
        .prepare(format!("INSERT INTO {ks}.t (k, v) VALUES (?, ?)"))
        .await
        .unwrap();
    let err = session.execute_unpaged(&insert, (1, 1)).await.unwrap_err();
    assert!(matches!(
        err,
        ExecutionError::LastAttemptError(RequestAttemptError::DbError(
            DbError::Unavailable { .. },
            _
        ))
    ));
    // Re-pointing the session's handle changes every later request.
    default_handle
        .map_to_another_profile(strict.to_builder().consistency(Consistency::Quorum).build());
    assert_eq!(
        session
            .get_default_execution_profile_handle()
            .to_profile()
            .get_consistency(),
        Consistency::Quorum
    );
    session.execute_unpaged(&insert, (1, 1)).await.unwrap();
    // A statement's own handle wins over the session's.
    let mut per_statement = ExecutionProfile::builder()
        .consistency(Consistency::All)
        .retry_policy(Arc::new(FallthroughRetryPolicy::new()))
        .build()
        .into_handle();
    let mut insert2 = insert.clone();
    insert2.set_execution_profile_handle(Some(per_statement.clone()));
    assert!(session.execute_unpaged(&insert2, (2, 2)).await.is_err());
    per_statement.map_to_another_profile(
        ExecutionProfile::builder()
            .consistency(Consistency::One)
            .build(),
    );
    session.execute_unpaged(&insert2, (2, 2)).await.unwrap();
    // And a statement's own consistency wins over any profile.
    insert2.set_consistency(Consistency::All);
    assert!(session.execute_unpaged(&insert2, (3, 3)).await.is_err());
}

#[cfg(feature = "metrics")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_count_requests_errors_and_latency() {
    let cluster = cluster(1, 2).await;
    let session = session(&cluster).await;
    let ks = table(&session, 1).await;
    let metrics = session.get_metrics();
    let unpaged_before = metrics.get_requests_unpaged_num();
    for k in 0..10 {
        session
            .query_unpaged(format!("INSERT INTO {ks}.t (k, v) VALUES ({k}, 0)"), &[])
            .await
            .unwrap();
    }
    assert_eq!(metrics.get_requests_unpaged_num() - unpaged_before, 10);
    let errors_before = metrics.get_errors_unpaged_num();
    assert!(
        session
            .query_unpaged("SELECT nope FROM nowhere", &[])
            .await
            .is_err()
    );
    assert_eq!(metrics.get_errors_unpaged_num() - errors_before, 1);
    let mut s = Statement::new(format!("SELECT * FROM {ks}.t"));
    s.set_page_size(3);
    let before = metrics.get_requests_automatically_paged_num();
    let pager = session.query_iter(s.clone(), &[]).await.unwrap();
    let n = futures::StreamExt::count(pager.rows_stream::<(i32, i32)>().unwrap()).await;
    assert_eq!(n, 10);
    assert!(metrics.get_requests_automatically_paged_num() - before >= 4);
    let before = metrics.get_requests_manually_paged_num();
    session
        .query_single_page(s, &[], scylla::response::PagingState::start())
        .await
        .unwrap();
    assert_eq!(metrics.get_requests_manually_paged_num() - before, 1);
    assert!(metrics.get_latency_avg_ms().is_ok());
    assert!(
        metrics.get_total_connections() >= 2,
        "{}",
        metrics.get_total_connections()
    );
}
