//! Paging: iterate over all rows with `query_iter` (pages are fetched as the rows are
//! read), or page by hand with `PagingState`.

use std::ops::ControlFlow;

use examples::{BoxError, Target};
use futures::StreamExt;
use scylla::client::session::Session;
use scylla::client::session_builder::SessionBuilder;
use scylla::response::PagingState;
use scylla::statement::Statement;

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    let target = Target::from_env().await?;
    run(&target.uri).await
}

/// The example's body.
pub async fn run(uri: &str) -> Result<(), BoxError> {
    let session: Session = SessionBuilder::new().known_node(uri).build().await?;
    session
        .query_unpaged(
            "CREATE KEYSPACE IF NOT EXISTS examples_paging WITH replication = \
             {'class': 'NetworkTopologyStrategy', 'replication_factor': 1}",
            &[],
        )
        .await?;
    session
        .query_unpaged(
            "CREATE TABLE IF NOT EXISTS examples_paging.t (a int, b int, c text, PRIMARY KEY (a, b))",
            &[],
        )
        .await?;
    let insert = session
        .prepare("INSERT INTO examples_paging.t (a, b, c) VALUES (?, ?, 'abc')")
        .await?;
    for i in 0..16_i32 {
        session.execute_unpaged(&insert, (i, 2 * i)).await?;
    }

    // Automatic paging: the pager fetches the next page while the rows are read.
    let mut statement = Statement::new("SELECT a, b, c FROM examples_paging.t");
    statement.set_page_size(6);
    let mut rows = session
        .query_iter(statement.clone(), &[])
        .await?
        .rows_stream::<(i32, i32, String)>()?;
    let mut n = 0;
    while let Some(row) = rows.next().await {
        let (a, b, c) = row?;
        println!("a, b, c: {a}, {b}, {c}");
        n += 1;
    }
    println!(
        "query_iter read {n} rows in {} pages",
        rows.request_coordinators().count()
    );

    // Manual paging with an unprepared statement.
    let mut paging_state = PagingState::start();
    let mut page = 0;
    loop {
        let (result, paging_state_response) = session
            .query_single_page(statement.clone(), &[], paging_state)
            .await?;
        let rows = result.into_rows_result()?;
        page += 1;
        println!(
            "query_single_page: page {page} has {} rows",
            rows.rows_num()
        );
        match paging_state_response.into_paging_control_flow() {
            ControlFlow::Break(()) => break,
            ControlFlow::Continue(next) => paging_state = next,
        }
    }

    // Manual paging with a prepared statement.
    let mut prepared = session
        .prepare("SELECT a, b, c FROM examples_paging.t")
        .await?;
    prepared.set_page_size(7);
    let mut paging_state = PagingState::start();
    let mut page = 0;
    loop {
        let (result, paging_state_response) = session
            .execute_single_page(&prepared, &[], paging_state)
            .await?;
        let rows = result.into_rows_result()?;
        page += 1;
        for row in rows.rows::<(i32, i32, &str)>()? {
            let (a, b, c) = row?;
            println!("  page {page}: {a}, {b}, {c}");
        }
        match paging_state_response.into_paging_control_flow() {
            ControlFlow::Break(()) => break,
            ControlFlow::Continue(next) => paging_state = next,
        }
    }
    println!("execute_single_page read {page} pages");
    Ok(())
}
