//! Tokens: the driver computes each partition key's token from the values
//! (`PreparedStatement::calculate_token`); the cluster's `token(pk)` agrees. The
//! replicas of a token come from `ClusterState::get_token_endpoints`.

use examples::{BoxError, Target};
use scylla::client::session_builder::SessionBuilder;

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    let target = Target::from_env().await?;
    run(&target.uri).await
}

/// The example's body.
pub async fn run(uri: &str) -> Result<(), BoxError> {
    let session = SessionBuilder::new().known_node(uri).build().await?;
    session
        .query_unpaged(
            "CREATE KEYSPACE IF NOT EXISTS examples_tokens WITH replication = \
             {'class': 'NetworkTopologyStrategy', 'replication_factor': 2}",
            &[],
        )
        .await?;
    session
        .query_unpaged(
            "CREATE TABLE IF NOT EXISTS examples_tokens.t (pk bigint PRIMARY KEY)",
            &[],
        )
        .await?;
    let insert = session
        .prepare("INSERT INTO examples_tokens.t (pk) VALUES (?)")
        .await?;
    let state = session.get_cluster_state();
    for pk in (0..100_i64).step_by(10) {
        let token = insert
            .calculate_token(&(pk,))?
            .ok_or("the statement is token aware")?;
        session.execute_unpaged(&insert, (pk,)).await?;
        let (cluster_token,): (i64,) = session
            .query_unpaged(
                "SELECT token(pk) FROM examples_tokens.t WHERE pk = ?",
                (pk,),
            )
            .await?
            .into_rows_result()?
            .single_row()?;
        let replicas: Vec<String> = state
            .get_token_endpoints("examples_tokens", "t", token)
            .iter()
            .map(|(node, shard)| format!("{}/shard {shard}", node.address))
            .collect();
        println!(
            "pk {pk:>3}: driver token {:>20}, cluster token {cluster_token:>20}, replicas {replicas:?}",
            token.value()
        );
        if token.value() != cluster_token {
            return Err(format!("token mismatch for {pk}").into());
        }
    }
    println!("The driver's tokens match the cluster's");
    Ok(())
}
