//! Many requests at once: one prepared statement, executed concurrently from a
//! `JoinSet` with a bound on the requests in flight. Token-aware routing sends each
//! to a replica of its partition.

use std::sync::Arc;

use examples::{BoxError, Target};
use scylla::client::session::Session;
use scylla::client::session_builder::SessionBuilder;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    let target = Target::from_env().await?;
    run(&target.uri, 20_000).await
}

/// The example's body: inserts `count` rows with up to 256 requests in flight.
pub async fn run(uri: &str, count: i32) -> Result<(), BoxError> {
    let session: Arc<Session> = Arc::new(SessionBuilder::new().known_node(uri).build().await?);
    session
        .query_unpaged(
            "CREATE KEYSPACE IF NOT EXISTS examples_parallel WITH replication = \
             {'class': 'NetworkTopologyStrategy', 'replication_factor': 1}",
            &[],
        )
        .await?;
    session
        .query_unpaged(
            "CREATE TABLE IF NOT EXISTS examples_parallel.t (a int, b int, c text, PRIMARY KEY (a, b))",
            &[],
        )
        .await?;
    let prepared = Arc::new(
        session
            .prepare("INSERT INTO examples_parallel.t (a, b, c) VALUES (?, ?, 'abc')")
            .await?,
    );
    let in_flight = Arc::new(Semaphore::new(256));
    let started = std::time::Instant::now();
    let mut tasks = JoinSet::new();
    for i in 0..count {
        let permit = Arc::clone(&in_flight).acquire_owned().await?;
        let session = Arc::clone(&session);
        let prepared = Arc::clone(&prepared);
        tasks.spawn(async move {
            let result = session.execute_unpaged(&prepared, (i, 2 * i)).await;
            drop(permit);
            result
        });
        // Collect finished tasks as we go, so errors surface early.
        while let Some(done) = tasks.try_join_next() {
            done??;
        }
    }
    while let Some(done) = tasks.join_next().await {
        done??;
    }
    let elapsed = started.elapsed();
    println!(
        "Inserted {count} rows in {elapsed:?} ({:.0} inserts/s)",
        f64::from(count) / elapsed.as_secs_f64()
    );
    let (n,): (i64,) = session
        .query_unpaged("SELECT count(*) FROM examples_parallel.t", &[])
        .await?
        .into_rows_result()?
        .single_row()?;
    println!("The table has {n} rows");
    assert!(n >= i64::from(count));
    Ok(())
}
