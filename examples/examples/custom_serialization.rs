//! Custom serialization: implement `SerializeValue` for your own type, and derive
//! `SerializeRow` for a struct of values (matched to bind markers by name).

use examples::{BoxError, Target};
use scylla::SerializeRow;
use scylla::client::session_builder::SessionBuilder;
use scylla::frame::response::result::ColumnType;
use scylla::serialize::SerializationError;
use scylla::serialize::value::SerializeValue;
use scylla::serialize::writers::{CellWriter, WrittenCellProof};

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    let target = Target::from_env().await?;
    run(&target.uri).await
}

/// A temperature in tenths of a degree, stored as a CQL `text` like `"21.5°C"`.
struct Celsius(i32);

impl SerializeValue for Celsius {
    fn serialize<'b>(
        &self,
        typ: &ColumnType,
        writer: CellWriter<'b>,
    ) -> Result<WrittenCellProof<'b>, SerializationError> {
        let text = format!("{}.{}°C", self.0 / 10, (self.0 % 10).abs());
        // Reuse String's implementation: it checks that the column is text.
        text.serialize(typ, writer)
    }
}

#[derive(SerializeRow)]
struct Reading {
    sensor: String,
    temperature: Celsius,
}

/// The example's body.
pub async fn run(uri: &str) -> Result<(), BoxError> {
    let session = SessionBuilder::new().known_node(uri).build().await?;
    session
        .query_unpaged(
            "CREATE KEYSPACE IF NOT EXISTS examples_ser WITH replication = \
             {'class': 'NetworkTopologyStrategy', 'replication_factor': 1}",
            &[],
        )
        .await?;
    session
        .query_unpaged(
            "CREATE TABLE IF NOT EXISTS examples_ser.readings (sensor text PRIMARY KEY, temperature text)",
            &[],
        )
        .await?;
    let insert = session
        .prepare("INSERT INTO examples_ser.readings (temperature, sensor) VALUES (:temperature, :sensor)")
        .await?;
    session
        .execute_unpaged(
            &insert,
            Reading {
                sensor: "kitchen".to_owned(),
                temperature: Celsius(215),
            },
        )
        .await?;
    let (t,): (String,) = session
        .query_unpaged(
            "SELECT temperature FROM examples_ser.readings WHERE sensor = 'kitchen'",
            &[],
        )
        .await?
        .into_rows_result()?
        .single_row()?;
    println!("Stored temperature: {t}");
    assert_eq!(t, "21.5°C");
    // The wrong column type is caught before anything is sent.
    let select = session
        .prepare("SELECT temperature FROM examples_ser.readings WHERE sensor = ?")
        .await?;
    let err = session
        .execute_unpaged(&select, (42_i32,))
        .await
        .err()
        .ok_or("an int value for a text column must be refused")?;
    println!("Type mismatch reported: {err}");
    Ok(())
}
