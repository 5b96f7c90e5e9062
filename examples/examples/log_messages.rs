//! Reads lines from standard input, inserts each into `log.messages (id bigint,
//! message text)` with one prepared statement, then reads them all back with
//! `query_iter` (paged; the SELECT is marked idempotent, so it may be retried or
//! executed speculatively) and prints them.
//!
//! `printf 'one\ntwo\n' | cargo run -p examples --example log_messages`

use examples::{BoxError, Target};
use futures::TryStreamExt;
use scylla::client::session_builder::SessionBuilder;
use scylla::statement::Statement;
use tokio::io::{AsyncBufRead, AsyncBufReadExt, AsyncWrite, AsyncWriteExt, BufReader};

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    let target = Target::from_env().await?;
    run(
        &target.uri,
        BufReader::new(tokio::io::stdin()),
        tokio::io::stdout(),
    )
    .await
}

/// The example's body: lines from `input`, messages printed to `output`.
pub async fn run(
    uri: &str,
    input: impl AsyncBufRead + Unpin,
    mut output: impl AsyncWrite + Unpin,
) -> Result<(), BoxError> {
    let session = SessionBuilder::new().known_node(uri).build().await?;
    session
        .query_unpaged(
            "CREATE KEYSPACE IF NOT EXISTS log WITH replication = \
             {'class': 'NetworkTopologyStrategy', 'replication_factor': 1}",
            &[],
        )
        .await?;
    session
        .query_unpaged(
            "CREATE TABLE IF NOT EXISTS log.messages (id bigint PRIMARY KEY, message text)",
            &[],
        )
        .await?;
    let insert = session
        .prepare("INSERT INTO log.messages (id, message) VALUES (?, ?)")
        .await?;
    let mut lines = input.lines();
    let mut id: i64 = 0;
    while let Some(line) = lines.next_line().await? {
        session.execute_unpaged(&insert, (id, line)).await?;
        id += 1;
    }
    eprintln!("inserted {id} messages");

    let mut select = Statement::new("SELECT id, message FROM log.messages");
    select.set_is_idempotent(true);
    select.set_page_size(100);
    let mut rows = session
        .query_iter(select, &[])
        .await?
        .rows_stream::<(i64, String)>()?;
    let mut messages = Vec::new();
    while let Some(row) = rows.try_next().await? {
        messages.push(row);
    }
    // Partitions come back in token order; print them in insertion order.
    messages.sort_unstable_by_key(|(id, _)| *id);
    for (id, message) in &messages {
        output
            .write_all(format!("{id}: {message}\n").as_bytes())
            .await?;
    }
    output.flush().await?;
    Ok(())
}
