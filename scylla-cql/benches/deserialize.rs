//! Deserializing 1,000 rows of 10 mixed columns: typed (borrowing `&str` and `&[u8]`
//! from the frame) and dynamically typed (`Row` of `CqlValue`s).

mod common;

use std::hint::black_box;

use bytes::Bytes;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use scylla_cql::frame::response::result::{
    self, DeserializedMetadataAndRawRows, MetadataWriteOptions, ResultMetadata, RowsWriter,
};
use scylla_cql::frame::types::RawValue;
use scylla_cql::serialize::row::{RowSerializationContext, SerializedValues};
use scylla_cql::value::{CqlTimestamp, CqlValue, Row};
use uuid::Uuid;

const ROWS: usize = 1_000;

/// A RESULT Rows body of `ROWS` rows, parsed up to its metadata.
fn rows() -> DeserializedMetadataAndRawRows {
    let specs = common::specs();
    let ctx = RowSerializationContext::from_specs(&specs);
    let metadata = ResultMetadata::new(specs.clone());
    let mut body = Vec::new();
    let mut w = RowsWriter::new(&mut body, &metadata, &MetadataWriteOptions::default()).unwrap();
    for i in 0..ROWS as i32 {
        let values = SerializedValues::from_serializable(&ctx, &common::row(i)).unwrap();
        w.append_row(values.iter().map(|v| match v {
            RawValue::Value(b) => Some(b),
            _ => None,
        }))
        .unwrap();
    }
    w.finish().unwrap();
    let result::Result::Rows((raw, _)) = result::deserialize(Bytes::from(body), None).unwrap()
    else {
        unreachable!("a Rows body")
    };
    raw.deserialize_metadata().unwrap()
}

type Typed<'f> = (
    i32,
    i64,
    &'f str,
    f64,
    bool,
    Uuid,
    &'f [u8],
    CqlTimestamp,
    i16,
    Vec<&'f str>,
);

/// The same row as [`Typed`], as a derived struct matched by column name (the default
/// flavor, which type-checks by looking columns up by name once per result).
#[derive(scylla_cql::DeserializeRow)]
#[scylla(crate = scylla_cql)]
#[allow(dead_code)]
struct DerivedByName<'f> {
    id: i32,
    seq: i64,
    name: &'f str,
    score: f64,
    active: bool,
    owner: Uuid,
    payload: &'f [u8],
    at: CqlTimestamp,
    rank: i16,
    tags: Vec<&'f str>,
}

/// The same, with `enforce_order` (columns taken positionally, names still checked).
#[derive(scylla_cql::DeserializeRow)]
#[scylla(crate = scylla_cql, flavor = "enforce_order")]
#[allow(dead_code)]
struct DerivedInOrder<'f> {
    id: i32,
    seq: i64,
    name: &'f str,
    score: f64,
    active: bool,
    owner: Uuid,
    payload: &'f [u8],
    at: CqlTimestamp,
    rank: i16,
    tags: Vec<&'f str>,
}

fn deserialize_rows(c: &mut Criterion) {
    let rows = rows();
    let mut group = c.benchmark_group("deserialize_1000_rows");
    group.throughput(Throughput::Elements(ROWS as u64));

    group.bench_function("typed_tuple_borrowing", |b| {
        b.iter(|| {
            let mut sum = 0i64;
            for row in rows.rows_iter::<Typed>().unwrap() {
                let row = row.unwrap();
                sum += row.1 + row.2.len() as i64 + row.9.len() as i64;
            }
            black_box(sum)
        })
    });

    // The derive macros' acceptance target: within 10% of the tuple above.
    group.bench_function("derived_struct_match_by_name", |b| {
        b.iter(|| {
            let mut sum = 0i64;
            for row in rows.rows_iter::<DerivedByName>().unwrap() {
                let row = row.unwrap();
                sum += row.seq + row.name.len() as i64 + row.tags.len() as i64;
            }
            black_box(sum)
        })
    });

    group.bench_function("derived_struct_enforce_order", |b| {
        b.iter(|| {
            let mut sum = 0i64;
            for row in rows.rows_iter::<DerivedInOrder>().unwrap() {
                let row = row.unwrap();
                sum += row.seq + row.name.len() as i64 + row.tags.len() as i64;
            }
            black_box(sum)
        })
    });

    group.bench_function("typed_tuple_owned_strings", |b| {
        type Owned = (
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
        b.iter(|| {
            let all: Vec<Owned> = rows
                .rows_iter::<Owned>()
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap();
            black_box(all.len())
        })
    });

    group.bench_function("cql_value_row", |b| {
        b.iter(|| {
            let all: Vec<Row> = rows
                .rows_iter::<Row>()
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap();
            black_box(all.len())
        })
    });

    group.bench_function("cql_value_tuple", |b| {
        type Dynamic = (
            CqlValue,
            CqlValue,
            CqlValue,
            CqlValue,
            CqlValue,
            CqlValue,
            CqlValue,
            CqlValue,
            CqlValue,
            CqlValue,
        );
        b.iter(|| {
            let mut n = 0usize;
            for row in rows.rows_iter::<Dynamic>().unwrap() {
                n += usize::from(matches!(row.unwrap().2, CqlValue::Text(_)));
            }
            black_box(n)
        })
    });
    group.finish();
}

criterion_group!(benches, deserialize_rows);
criterion_main!(benches);
