//! Password authentication: `SessionBuilder::user`, and what wrong credentials look
//! like. With `SCYLLA_URI` set, the credentials come from `SCYLLA_USER` and
//! `SCYLLA_PASSWORD` (default `cassandra`/`cassandra`); otherwise the in-process
//! cluster is started with password authentication.

use examples::{BoxError, Target};
use scylla::client::session_builder::SessionBuilder;

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    let target = Target::from_env_or(|b| b.password_authentication()).await?;
    let user = std::env::var("SCYLLA_USER").unwrap_or_else(|_| "cassandra".to_owned());
    let password = std::env::var("SCYLLA_PASSWORD").unwrap_or_else(|_| "cassandra".to_owned());
    run(&target.uri, &user, &password).await
}

/// The example's body.
pub async fn run(uri: &str, user: &str, password: &str) -> Result<(), BoxError> {
    let session = SessionBuilder::new()
        .known_node(uri)
        .user(user, password)
        .build()
        .await?;
    session
        .query_unpaged(
            "CREATE KEYSPACE IF NOT EXISTS examples_auth WITH replication = \
             {'class': 'NetworkTopologyStrategy', 'replication_factor': 1}",
            &[],
        )
        .await?;
    session
        .query_unpaged(
            "CREATE TABLE IF NOT EXISTS examples_auth.t (a int PRIMARY KEY)",
            &[],
        )
        .await?;
    session
        .query_unpaged("INSERT INTO examples_auth.t (a) VALUES (1)", &[])
        .await?;
    println!("Authenticated as {user} and wrote a row");

    match SessionBuilder::new()
        .known_node(uri)
        .user(user, "not the password")
        .build()
        .await
    {
        Ok(_) => return Err("a wrong password was accepted".into()),
        Err(e) => println!("A wrong password is refused: {e}"),
    }
    Ok(())
}
