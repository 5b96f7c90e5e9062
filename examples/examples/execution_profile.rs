//! Execution profiles: named bundles of consistency, timeouts and policies, attached to
//! the session (its default) and to statements, and re-pointed at runtime.

use std::sync::Arc;
use std::time::Duration;

use examples::{BoxError, Target};
use scylla::client::execution_profile::ExecutionProfile;
use scylla::client::session_builder::SessionBuilder;
use scylla::policies::load_balancing::DefaultPolicy;
use scylla::policies::retry::{DefaultRetryPolicy, FallthroughRetryPolicy};
use scylla::policies::speculative_execution::SimpleSpeculativeExecutionPolicy;
use scylla::statement::{Consistency, SerialConsistency, Statement};

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    let target = Target::from_env().await?;
    run(&target.uri).await
}

/// The example's body.
pub async fn run(uri: &str) -> Result<(), BoxError> {
    let profile1 = ExecutionProfile::builder()
        .consistency(Consistency::LocalQuorum)
        .serial_consistency(Some(SerialConsistency::Serial))
        .request_timeout(Some(Duration::from_secs(30)))
        .retry_policy(Arc::new(FallthroughRetryPolicy::new()))
        .load_balancing_policy(DefaultPolicy::builder().token_aware(true).build())
        .speculative_execution_policy(Some(Arc::new(SimpleSpeculativeExecutionPolicy {
            max_retry_count: 3,
            retry_interval: Duration::from_millis(100),
        })))
        .build();
    let profile2 = ExecutionProfile::builder()
        .consistency(Consistency::One)
        .serial_consistency(None)
        .request_timeout(Some(Duration::from_secs(5)))
        .retry_policy(Arc::new(DefaultRetryPolicy::new()))
        .build();

    let mut handle1 = profile1
        .clone()
        .into_handle_with_label("profile1".to_owned());
    let handle2 = profile2.into_handle();

    let session = SessionBuilder::new()
        .known_node(uri)
        .default_execution_profile_handle(handle1.clone())
        .build()
        .await?;
    session
        .query_unpaged(
            "CREATE KEYSPACE IF NOT EXISTS examples_profiles WITH replication = \
             {'class': 'NetworkTopologyStrategy', 'replication_factor': 1}",
            &[],
        )
        .await?;
    session
        .query_unpaged(
            "CREATE TABLE IF NOT EXISTS examples_profiles.t (a int PRIMARY KEY, b text)",
            &[],
        )
        .await?;

    let mut statement = Statement::new("SELECT * FROM examples_profiles.t");
    // The session's default profile (profile1).
    session.query_unpaged(statement.clone(), &[]).await?;
    println!(
        "Default profile: consistency {}",
        session
            .get_default_execution_profile_handle()
            .to_profile()
            .get_consistency()
    );
    // A statement with its own profile.
    statement.set_execution_profile_handle(Some(handle2.clone()));
    session.query_unpaged(statement.clone(), &[]).await?;
    println!(
        "Statement profile: consistency {}",
        statement
            .get_execution_profile_handle()
            .map(|h| h.to_profile().get_consistency())
            .ok_or("the statement has a profile")?
    );
    // Settings on the statement itself win over any profile.
    statement.set_consistency(Consistency::Quorum);
    session.query_unpaged(statement.clone(), &[]).await?;

    // Re-point the session's handle: every holder sees the new profile.
    handle1.map_to_another_profile(profile1.to_builder().consistency(Consistency::One).build());
    let now = session
        .get_default_execution_profile_handle()
        .to_profile()
        .get_consistency();
    println!("After map_to_another_profile the default consistency is {now}");
    assert_eq!(now, Consistency::One);
    session
        .query_unpaged(
            "INSERT INTO examples_profiles.t (a, b) VALUES (1, 'x')",
            &[],
        )
        .await?;
    Ok(())
}
