//! Batches: several statements applied together. A logged batch is atomic (all or
//! nothing); it is not a way to go faster: send independent writes concurrently instead.

use examples::{BoxError, Target};
use scylla::client::session::Session;
use scylla::client::session_builder::SessionBuilder;
use scylla::statement::batch::{Batch, BatchType};

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
            "CREATE KEYSPACE IF NOT EXISTS examples_batch WITH replication = \
             {'class': 'NetworkTopologyStrategy', 'replication_factor': 1}",
            &[],
        )
        .await?;
    session
        .query_unpaged(
            "CREATE TABLE IF NOT EXISTS examples_batch.accounts (owner text PRIMARY KEY, balance int)",
            &[],
        )
        .await?;

    let prepared = session
        .prepare("INSERT INTO examples_batch.accounts (owner, balance) VALUES (?, ?)")
        .await?;
    // A batch may mix prepared and unprepared statements; each gets its own values.
    let mut batch = Batch::default();
    batch.append_statement(prepared.clone());
    batch.append_statement(prepared);
    batch.append_statement(
        "INSERT INTO examples_batch.accounts (owner, balance) VALUES ('carol', 30)",
    );
    batch.append_statement("UPDATE examples_batch.accounts SET balance = ? WHERE owner = ?");
    session
        .batch(&batch, (("alice", 10), ("bob", 20), (), (25, "bob")))
        .await?;
    println!("A logged batch of 4 statements was applied");

    // Prepare every statement of a batch up front when it is reused.
    let mut transfer = Batch::new(BatchType::Logged);
    transfer.append_statement("UPDATE examples_batch.accounts SET balance = ? WHERE owner = ?");
    transfer.append_statement("UPDATE examples_batch.accounts SET balance = ? WHERE owner = ?");
    let transfer = session.prepare_batch(&transfer).await?;
    session
        .batch(&transfer, ((5, "alice"), (30, "bob")))
        .await?;

    let rows = session
        .query_unpaged("SELECT owner, balance FROM examples_batch.accounts", &[])
        .await?
        .into_rows_result()?;
    let mut balances: Vec<(String, i32)> =
        rows.rows::<(String, i32)>()?.collect::<Result<_, _>>()?;
    balances.sort();
    for (owner, balance) in &balances {
        println!("  {owner}: {balance}");
    }
    assert_eq!(
        balances,
        vec![
            ("alice".to_owned(), 5),
            ("bob".to_owned(), 30),
            ("carol".to_owned(), 30)
        ]
    );
    println!("Balances after the transfer batch are as expected");
    Ok(())
}
