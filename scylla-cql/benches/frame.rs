//! Framing requests (QUERY, EXECUTE) and parsing the metadata of a Rows result.

mod common;

use std::borrow::Cow;
use std::hint::black_box;

use bytes::Bytes;
use criterion::{Criterion, criterion_group, criterion_main};
use scylla_cql::Consistency;
use scylla_cql::frame::request::query::PagingState;
use scylla_cql::frame::request::{Execute, Query, QueryParameters};
use scylla_cql::frame::response::result::{self, MetadataWriteOptions, ResultMetadata, RowsWriter};
use scylla_cql::frame::{Compression, SerializedRequest};
use scylla_cql::serialize::row::{RowSerializationContext, SerializedValues};

fn frame_requests(c: &mut Criterion) {
    let specs = common::specs();
    let ctx = RowSerializationContext::from_specs(&specs);
    let values = SerializedValues::from_serializable(&ctx, &common::row(7)).unwrap();
    let query = Query {
        contents: Cow::Borrowed(
            "INSERT INTO ks.bench (id, seq, name, score, active, owner, payload, at, rank, tags) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        ),
        parameters: QueryParameters {
            consistency: Consistency::LocalQuorum,
            values: Cow::Borrowed(&values),
            ..Default::default()
        },
    };
    let execute = Execute {
        id: Bytes::from_static(&[0x5a; 16]),
        parameters: QueryParameters {
            consistency: Consistency::LocalQuorum,
            page_size: Some(5000),
            paging_state: PagingState::new_from_raw_bytes(&[1u8, 2, 3, 4][..]),
            values: Cow::Borrowed(&values),
            ..Default::default()
        },
    };
    let mut group = c.benchmark_group("frame");
    group.bench_function("query_10_values", |b| {
        b.iter(|| {
            let mut f = SerializedRequest::make(black_box(&query), None, false).unwrap();
            f.set_stream(17);
            black_box(f.get_data().len())
        })
    });
    group.bench_function("execute_10_values", |b| {
        b.iter(|| {
            let mut f = SerializedRequest::make(black_box(&execute), None, false).unwrap();
            f.set_stream(17);
            black_box(f.get_data().len())
        })
    });
    group.bench_function("execute_10_values_lz4", |b| {
        b.iter(|| {
            let f = SerializedRequest::make(black_box(&execute), Some(Compression::Lz4), false)
                .unwrap();
            black_box(f.get_data().len())
        })
    });
    group.finish();
}

fn rows_metadata(c: &mut Criterion) {
    let metadata = ResultMetadata::new(common::specs());
    let mut body = Vec::new();
    let options = MetadataWriteOptions {
        paging_state: Some(&[0, 1, 2, 3, 4, 5, 6, 7]),
        ..Default::default()
    };
    RowsWriter::new(&mut body, &metadata, &options)
        .unwrap()
        .finish()
        .unwrap();
    let body = Bytes::from(body);
    c.bench_function("rows_metadata/parse_10_columns", |b| {
        b.iter(|| {
            let result::Result::Rows((raw, paging)) =
                result::deserialize(black_box(body.clone()), None).unwrap()
            else {
                unreachable!("a Rows body")
            };
            let rows = raw.deserialize_metadata().unwrap();
            black_box((rows.metadata().col_count(), paging.finished()))
        })
    });
}

criterion_group!(benches, frame_requests, rows_metadata);
criterion_main!(benches);
