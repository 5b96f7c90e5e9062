//! Finding columns by name: `ColumnSpecs::get_by_name` gives a column's index and
//! type, to read untyped rows without relying on the column order.

use examples::{BoxError, Target};
use scylla::client::session_builder::SessionBuilder;
use scylla::value::{CqlValue, Row};

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
            "CREATE KEYSPACE IF NOT EXISTS examples_by_name WITH replication = \
             {'class': 'NetworkTopologyStrategy', 'replication_factor': 1}",
            &[],
        )
        .await?;
    session
        .query_unpaged(
            "CREATE TABLE IF NOT EXISTS examples_by_name.hello (pk int, ck int, value text, PRIMARY KEY (pk, ck))",
            &[],
        )
        .await?;
    for (ck, value) in [(1, "hello"), (2, "world")] {
        session
            .query_unpaged(
                "INSERT INTO examples_by_name.hello (pk, ck, value) VALUES (3, ?, ?)",
                (ck, value),
            )
            .await?;
    }
    let rows = session
        .query_unpaged("SELECT * FROM examples_by_name.hello", &[])
        .await?
        .into_rows_result()?;
    let specs = rows.column_specs();
    let (ck_idx, ck_spec) = specs.get_by_name("ck").ok_or("no column ck")?;
    let (value_idx, value_spec) = specs.get_by_name("value").ok_or("no column value")?;
    println!(
        "ck is column {ck_idx} of type {:?}; value is column {value_idx} of type {:?}",
        ck_spec.typ(),
        value_spec.typ()
    );
    for row in rows.rows::<Row>()? {
        let row = row?;
        let ck = row.columns.get(ck_idx).cloned().flatten();
        let value = row.columns.get(value_idx).cloned().flatten();
        match (ck, value) {
            (Some(CqlValue::Int(ck)), Some(CqlValue::Text(value))) => {
                println!("  ck = {ck}, value = {value}")
            }
            other => return Err(format!("unexpected values {other:?}").into()),
        }
    }
    Ok(())
}
