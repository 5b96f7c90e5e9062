//! User-defined types: derive `SerializeValue` and `DeserializeValue` for a struct whose
//! fields match the type's fields by name.

use examples::{BoxError, Target};
use scylla::client::session::Session;
use scylla::client::session_builder::SessionBuilder;
use scylla::{DeserializeValue, SerializeValue};

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    let target = Target::from_env().await?;
    run(&target.uri).await
}

#[derive(Debug, Clone, PartialEq, SerializeValue, DeserializeValue)]
struct MyType {
    int_val: i32,
    text_val: String,
}

/// The example's body.
pub async fn run(uri: &str) -> Result<(), BoxError> {
    let session: Session = SessionBuilder::new().known_node(uri).build().await?;
    session
        .query_unpaged(
            "CREATE KEYSPACE IF NOT EXISTS examples_udt WITH replication = \
             {'class': 'NetworkTopologyStrategy', 'replication_factor': 1}",
            &[],
        )
        .await?;
    session
        .query_unpaged(
            "CREATE TYPE IF NOT EXISTS examples_udt.my_type (int_val int, text_val text)",
            &[],
        )
        .await?;
    session
        .query_unpaged(
            "CREATE TABLE IF NOT EXISTS examples_udt.udt_tab (k int PRIMARY KEY, my frozen<my_type>)",
            &[],
        )
        .await?;

    let value = MyType {
        int_val: 17,
        text_val: "Some string".to_owned(),
    };
    session
        .query_unpaged(
            "INSERT INTO examples_udt.udt_tab (k, my) VALUES (5, ?)",
            (&value,),
        )
        .await?;
    let rows = session
        .query_unpaged("SELECT my FROM examples_udt.udt_tab WHERE k = 5", &[])
        .await?
        .into_rows_result()?;
    let (read,): (MyType,) = rows.single_row()?;
    println!("Read back: {read:?}");
    assert_eq!(read, value);
    Ok(())
}
