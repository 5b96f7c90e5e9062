//! Custom deserialization: implement `DeserializeValue` for your own type, and derive
//! `DeserializeRow` for a struct of columns.

use examples::{BoxError, Target};
use scylla::DeserializeRow;
use scylla::client::session_builder::SessionBuilder;
use scylla::deserialize::FrameSlice;
use scylla::deserialize::value::DeserializeValue;
use scylla::deserialize::{DeserializationError, TypeCheckError};
use scylla::frame::response::result::ColumnType;

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    let target = Target::from_env().await?;
    run(&target.uri).await
}

/// A text column read upper-cased, borrowing nothing.
#[derive(Debug, PartialEq)]
struct Shouted(String);

impl<'frame, 'metadata> DeserializeValue<'frame, 'metadata> for Shouted {
    fn type_check(typ: &ColumnType) -> Result<(), TypeCheckError> {
        // Accept what &str accepts (text and ascii).
        <&str as DeserializeValue<'frame, 'metadata>>::type_check(typ)
    }

    fn deserialize(
        typ: &'metadata ColumnType<'metadata>,
        v: Option<FrameSlice<'frame>>,
    ) -> Result<Self, DeserializationError> {
        let s = <&str as DeserializeValue<'frame, 'metadata>>::deserialize(typ, v)?;
        Ok(Shouted(s.to_uppercase()))
    }
}

#[derive(Debug, DeserializeRow)]
struct Greeting {
    id: i32,
    text: Shouted,
}

/// The example's body.
pub async fn run(uri: &str) -> Result<(), BoxError> {
    let session = SessionBuilder::new().known_node(uri).build().await?;
    session
        .query_unpaged(
            "CREATE KEYSPACE IF NOT EXISTS examples_deser WITH replication = \
             {'class': 'NetworkTopologyStrategy', 'replication_factor': 1}",
            &[],
        )
        .await?;
    session
        .query_unpaged(
            "CREATE TABLE IF NOT EXISTS examples_deser.greetings (id int PRIMARY KEY, text text)",
            &[],
        )
        .await?;
    session
        .query_unpaged(
            "INSERT INTO examples_deser.greetings (id, text) VALUES (1, 'hello')",
            &[],
        )
        .await?;
    let rows = session
        .query_unpaged("SELECT id, text FROM examples_deser.greetings", &[])
        .await?
        .into_rows_result()?;
    let greeting: Greeting = rows.single_row()?;
    println!("greeting {}: {:?}", greeting.id, greeting.text);
    assert_eq!(greeting.text, Shouted("HELLO".to_owned()));
    // A column of another type is refused when the rows are type-checked.
    let rows = session
        .query_unpaged("SELECT id FROM examples_deser.greetings", &[])
        .await?
        .into_rows_result()?;
    let err = rows
        .single_row::<(Shouted,)>()
        .err()
        .ok_or("an int column cannot be read as Shouted")?;
    println!("Type mismatch reported: {err}");
    Ok(())
}
