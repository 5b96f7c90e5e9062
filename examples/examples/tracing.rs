//! CQL tracing: ask the cluster to record what it did for a request, then read the
//! trace with `Session::get_tracing_info`.

use examples::{BoxError, Target};
use futures::StreamExt;
use scylla::client::session::Session;
use scylla::client::session_builder::SessionBuilder;
use scylla::observability::tracing::TracingInfo;
use scylla::statement::Statement;
use scylla::statement::batch::Batch;
use uuid::Uuid;

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    let target = Target::from_env().await?;
    run(&target.uri).await
}

async fn show(session: &Session, what: &str, id: Uuid) -> Result<(), BoxError> {
    let info: TracingInfo = session.get_tracing_info(&id).await?;
    println!(
        "{what}: traced by {:?}, {} µs, {} events on nodes {:?}",
        info.coordinator,
        info.duration.unwrap_or_default(),
        info.events.len(),
        info.nodes()
    );
    for e in info.events.iter().take(3) {
        println!("    {:?} at {:?}", e.activity, e.source);
    }
    Ok(())
}

/// The example's body.
pub async fn run(uri: &str) -> Result<(), BoxError> {
    let session = SessionBuilder::new().known_node(uri).build().await?;
    session
        .query_unpaged(
            "CREATE KEYSPACE IF NOT EXISTS examples_tracing WITH replication = \
             {'class': 'NetworkTopologyStrategy', 'replication_factor': 1}",
            &[],
        )
        .await?;
    session
        .query_unpaged(
            "CREATE TABLE IF NOT EXISTS examples_tracing.t (a int PRIMARY KEY, b text)",
            &[],
        )
        .await?;

    // An unprepared statement.
    let mut query = Statement::new("INSERT INTO examples_tracing.t (a, b) VALUES (1, 'x')");
    query.set_tracing(true);
    let result = session.query_unpaged(query, &[]).await?;
    show(
        &session,
        "query",
        result.tracing_id().ok_or("no tracing id")?,
    )
    .await?;

    // Preparing and executing.
    let mut select = Statement::new("SELECT b FROM examples_tracing.t WHERE a = ?");
    select.set_tracing(true);
    let prepared = session.prepare(select).await?;
    for id in prepared.get_prepare_tracing_ids() {
        show(&session, "prepare", *id).await?;
    }
    let result = session.execute_unpaged(&prepared, (1,)).await?;
    show(
        &session,
        "execute",
        result.tracing_id().ok_or("no tracing id")?,
    )
    .await?;

    // A paged read: one trace per page.
    let mut pager = session
        .execute_iter(prepared.clone(), (1,))
        .await?
        .rows_stream::<(String,)>()?;
    while pager.next().await.is_some() {}
    for id in pager.tracing_ids() {
        show(&session, "page", *id).await?;
    }

    // A batch.
    let mut batch = Batch::default();
    batch.append_statement("INSERT INTO examples_tracing.t (a, b) VALUES (2, 'y')");
    batch.set_tracing(true);
    let result = session.batch(&batch, ((),)).await?;
    show(
        &session,
        "batch",
        result.tracing_id().ok_or("no tracing id")?,
    )
    .await?;
    Ok(())
}
