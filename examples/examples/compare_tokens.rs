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
    // 'replication_factor': 2 means two replicas in every datacenter (or as many as
    // it has nodes).
    let mut per_datacenter = std::collections::HashMap::new();
    for node in state.get_nodes_info() {
        *per_datacenter
            .entry(node.datacenter.clone())
            .or_insert(0_usize) += 1;
    }
    let expected_replicas: usize = per_datacenter.values().map(|&n| n.min(2)).sum();
    let keys = (0..100_i64)
        .step_by(10)
        .chain([-1, -123_456_789, i64::MIN, i64::MAX]);
    for pk in keys {
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
        let endpoints = state.get_token_endpoints("examples_tokens", "t", token);
        let replicas: Vec<String> = endpoints
            .iter()
            .map(|(node, shard)| format!("{}/shard {shard}", node.address))
            .collect();
        println!(
            "pk {pk:>20}: driver token {:>20}, cluster token {cluster_token:>20}, replicas {replicas:?}",
            token.value()
        );
        if token.value() != cluster_token {
            return Err(format!(
                "token mismatch for {pk}: the driver computed {}, the cluster says {cluster_token}",
                token.value()
            )
            .into());
        }
        let mut hosts: Vec<_> = endpoints.iter().map(|(node, _)| node.host_id).collect();
        hosts.sort();
        hosts.dedup();
        if hosts.len() != expected_replicas || endpoints.len() != expected_replicas {
            return Err(format!(
                "{pk} has replicas {replicas:?}, expected {expected_replicas} distinct nodes"
            )
            .into());
        }
    }
    println!("The driver's tokens match the cluster's");
    Ok(())
}
