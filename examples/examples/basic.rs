//! Connect, create a keyspace and a table, insert rows, and read them back as tuples,
//! as a struct deriving `DeserializeRow`, and untyped.
//!
//! `cargo run -p examples --example basic` (set `SCYLLA_URI=host:port` to use a real
//! cluster; otherwise an in-process scylla-sim cluster is started).

use examples::{BoxError, Target};
use futures::TryStreamExt;
use scylla::DeserializeRow;
use scylla::client::session::Session;
use scylla::client::session_builder::SessionBuilder;
use scylla::value::Row;

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    let target = Target::from_env().await?;
    run(&target.uri).await
}

/// The example's body, run against the cluster at `uri`.
pub async fn run(uri: &str) -> Result<(), BoxError> {
    let session: Session = SessionBuilder::new().known_node(uri).build().await?;
    let nodes = session.get_cluster_state().get_nodes_info().len();
    println!("Connected to {uri}; the cluster has {nodes} nodes");

    session
        .query_unpaged(
            "CREATE KEYSPACE IF NOT EXISTS examples_basic WITH replication = \
             {'class': 'NetworkTopologyStrategy', 'replication_factor': 1}",
            &[],
        )
        .await?;
    session
        .query_unpaged(
            "CREATE TABLE IF NOT EXISTS examples_basic.basic (a int, b int, c text, PRIMARY KEY (a, b))",
            &[],
        )
        .await?;
    println!("Created keyspace examples_basic and table basic (a int, b int, c text)");

    // An unprepared statement with values is prepared behind the scenes.
    session
        .query_unpaged(
            "INSERT INTO examples_basic.basic (a, b, c) VALUES (?, ?, ?)",
            (3, 4, "def"),
        )
        .await?;
    // A literal statement needs no values.
    session
        .query_unpaged(
            "INSERT INTO examples_basic.basic (a, b, c) VALUES (1, 2, 'abc')",
            &[],
        )
        .await?;
    // Prepare once, execute many times.
    let prepared = session
        .prepare("INSERT INTO examples_basic.basic (a, b, c) VALUES (?, 7, ?)")
        .await?;
    session
        .execute_unpaged(&prepared, (42_i32, "I'm prepared!"))
        .await?;
    session
        .execute_unpaged(&prepared, (43_i32, "I'm prepared 2!"))
        .await?;
    session
        .execute_unpaged(&prepared, (44_i32, "I'm prepared 3!"))
        .await?;
    println!("Inserted 5 rows (2 unprepared, 3 with a prepared statement)");

    // Rows as tuples.
    let mut rows = session
        .query_iter("SELECT a, b, c FROM examples_basic.basic", &[])
        .await?
        .rows_stream::<(i32, i32, String)>()?;
    let mut count = 0;
    while let Some((a, b, c)) = rows.try_next().await? {
        println!("  a, b, c: {a}, {b}, {c}");
        count += 1;
    }
    println!("Read {count} rows as tuples");

    // Rows as a struct whose fields are matched to columns by name.
    #[derive(Debug, DeserializeRow)]
    struct RowData {
        c: String,
        a: i32,
        b: Option<i32>,
    }
    let mut rows = session
        .query_iter("SELECT a, b, c FROM examples_basic.basic", &[])
        .await?
        .rows_stream::<RowData>()?;
    while let Some(row) = rows.try_next().await? {
        println!("  struct: a = {}, b = {:?}, c = {}", row.a, row.b, row.c);
    }

    // Untyped rows.
    let result = session
        .query_unpaged("SELECT a, b, c FROM examples_basic.basic", &[])
        .await?
        .into_rows_result()?;
    for row in result.rows::<Row>()? {
        let row = row?;
        println!("  untyped: {:?}", row.columns);
    }
    println!("Done: basic example finished");
    Ok(())
}
