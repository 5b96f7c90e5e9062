//! The table the benchmarks use: ten columns of mixed types.

#![allow(dead_code)]

use scylla_cql::frame::response::result::{
    CollectionType, ColumnSpec, ColumnType, NativeType, TableSpec,
};
use scylla_cql::value::CqlTimestamp;
use uuid::Uuid;

fn native(n: NativeType) -> ColumnType<'static> {
    ColumnType::Native(n)
}

/// `id int, seq bigint, name text, score double, active boolean, owner uuid,
/// payload blob, at timestamp, rank smallint, tags list<text>`.
pub fn specs() -> Vec<ColumnSpec<'static>> {
    let table = TableSpec::borrowed("ks", "bench");
    let col = |name: &'static str, typ| ColumnSpec::borrowed(name, typ, table.clone());
    vec![
        col("id", native(NativeType::Int)),
        col("seq", native(NativeType::BigInt)),
        col("name", native(NativeType::Text)),
        col("score", native(NativeType::Double)),
        col("active", native(NativeType::Boolean)),
        col("owner", native(NativeType::Uuid)),
        col("payload", native(NativeType::Blob)),
        col("at", native(NativeType::Timestamp)),
        col("rank", native(NativeType::SmallInt)),
        col(
            "tags",
            ColumnType::Collection {
                frozen: false,
                typ: CollectionType::List(Box::new(native(NativeType::Text))),
            },
        ),
    ]
}

/// One row of that table, as Rust values.
pub type RowValues = (
    i32,
    i64,
    String,
    f64,
    bool,
    Uuid,
    Vec<u8>,
    CqlTimestamp,
    i16,
    Vec<String>,
);

/// The `i`-th row.
pub fn row(i: i32) -> RowValues {
    (
        i,
        i64::from(i) * 1_000_003,
        format!("user-{i:06}@example.com"),
        f64::from(i) / 7.0,
        i % 2 == 0,
        Uuid::from_u128(0x6ab0_9bec_e68e_48d9_a5f8_97e6_fb4c_0000 + i as u128),
        vec![i as u8; 32],
        CqlTimestamp(1_700_000_000_000 + i64::from(i)),
        (i % 1000) as i16,
        vec!["alpha".to_owned(), "beta".to_owned(), format!("t{i}")],
    )
}
