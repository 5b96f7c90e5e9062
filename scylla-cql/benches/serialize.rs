//! Serializing a 10-column row of mixed types into a request.

mod common;

use std::borrow::Cow;
use std::hint::black_box;

use bytes::Bytes;
use criterion::{Criterion, criterion_group, criterion_main};
use scylla_cql::Consistency;
use scylla_cql::frame::request::{Execute, QueryParameters, SerializableRequest};
use scylla_cql::serialize::row::{RowSerializationContext, SerializedValues};

fn serialize_row(c: &mut Criterion) {
    let specs = common::specs();
    let ctx = RowSerializationContext::from_specs(&specs);
    let row = common::row(42);
    let mut group = c.benchmark_group("serialize_row");

    // The values alone, type-checked against the bind markers.
    group.bench_function("10_columns_to_values", |b| {
        b.iter(|| SerializedValues::from_serializable(&ctx, black_box(&row)).unwrap())
    });

    // The values, then an EXECUTE body around them, into a reused request buffer.
    let mut buf = Vec::with_capacity(512);
    group.bench_function("10_columns_to_execute_body", |b| {
        b.iter(|| {
            let values = SerializedValues::from_serializable(&ctx, black_box(&row)).unwrap();
            let execute = Execute {
                id: Bytes::from_static(&[0xab; 16]),
                parameters: QueryParameters {
                    consistency: Consistency::LocalQuorum,
                    page_size: Some(5000),
                    values: Cow::Owned(values),
                    ..Default::default()
                },
            };
            buf.clear();
            execute.serialize(&mut buf).unwrap();
            black_box(buf.len())
        })
    });
    group.finish();
}

criterion_group!(benches, serialize_row);
criterion_main!(benches);
