//! Unit tests of the row iterators.

use super::*;
use crate::deserialize::row::BuiltinDeserializationError;
use crate::frame::response::result::{ColumnType, NativeType, TableSpec};
use crate::value::{CqlValue, Row};

fn specs() -> Vec<ColumnSpec<'static>> {
    let t = TableSpec::borrowed("ks", "tbl");
    vec![
        ColumnSpec::borrowed("k", ColumnType::Native(NativeType::Int), t.clone()),
        ColumnSpec::borrowed("v", ColumnType::Native(NativeType::Text), t),
    ]
}

fn cell(v: &[u8]) -> Vec<u8> {
    let mut out = (v.len() as i32).to_be_bytes().to_vec();
    out.extend_from_slice(v);
    out
}

fn rows(n: i32) -> Bytes {
    let mut out = Vec::new();
    for i in 0..n {
        out.extend(cell(&i.to_be_bytes()));
        out.extend(cell(format!("v{i}").as_bytes()));
    }
    Bytes::from(out)
}

#[test]
fn raw_rows_split_into_rows() {
    let specs = specs();
    let frame = rows(3);
    let mut it = RawRowIterator::new(3, &specs, FrameSlice::new(&frame));
    assert_eq!(it.rows_remaining(), 3);
    assert_eq!(it.len(), 3);
    assert_eq!(it.specs().len(), 2);
    let mut row = it.next().unwrap().unwrap();
    assert_eq!(
        row.next().unwrap().unwrap().slice.unwrap().as_slice(),
        &0i32.to_be_bytes()
    );
    assert_eq!(it.rows_remaining(), 2);
    let mut row = it.next().unwrap().unwrap();
    row.next();
    let v = row.next().unwrap().unwrap().slice.unwrap();
    assert_eq!(v.as_slice(), b"v1");
    // 14 bytes per row: the second row's text starts at 14 + 8 + 4.
    assert_eq!(v.as_slice().as_ptr(), frame[26..].as_ptr());
    assert!(it.next().unwrap().is_ok());
    assert!(it.next().is_none());
}

#[test]
fn typed_rows() {
    let specs = specs();
    let frame = rows(3);
    let it = TypedRowIterator::<(i32, &str)>::new(RawRowIterator::new(
        3,
        &specs,
        FrameSlice::new(&frame),
    ))
    .unwrap();
    assert_eq!(it.len(), 3);
    assert_eq!(it.rows_remaining(), 3);
    assert_eq!(it.specs().len(), 2);
    let got: Vec<(i32, &str)> = it.map(Result::unwrap).collect();
    assert_eq!(got, [(0, "v0"), (1, "v1"), (2, "v2")]);

    let dynamic: Vec<Row> =
        TypedRowIterator::<Row>::new(RawRowIterator::new(1, &specs, FrameSlice::new(&frame)))
            .unwrap()
            .map(Result::unwrap)
            .collect();
    assert_eq!(dynamic[0].columns[1], Some(CqlValue::Text("v0".into())));

    let err = TypedRowIterator::<(i32, i32)>::new(RawRowIterator::new(
        3,
        &specs,
        FrameSlice::new(&frame),
    ))
    .unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.contains("\"v\"") && msg.contains("text") && msg.contains("i32"),
        "{msg}"
    );
}

#[test]
fn truncated_rows_yield_an_error_then_stop() {
    let specs = specs();
    let full = rows(2);
    let frame = full.slice(..full.len() - 1);
    let mut it = TypedRowIterator::<(i32, String)>::new(RawRowIterator::new(
        2,
        &specs,
        FrameSlice::new(&frame),
    ))
    .unwrap();
    assert_eq!(it.next().unwrap().unwrap(), (0, "v0".to_owned()));
    let err = it.next().unwrap().unwrap_err();
    let e = err.downcast_ref::<BuiltinDeserializationError>().unwrap();
    assert!(err.to_string().contains("\"v\""), "{err}");
    assert!(matches!(
        e.kind,
        crate::deserialize::row::BuiltinDeserializationErrorKind::RawColumnDeserializationFailed {
            column_index: 1,
            ..
        }
    ));
    assert!(it.next().is_none());
}

#[test]
fn impossible_row_counts_are_capped_by_the_bytes() {
    let specs = specs();
    let frame = rows(2);
    // 2 rows of 2 columns need at least 16 bytes; the frame has 28, so at most 3 rows
    // could fit by size; a claim of i32::MAX rows is cut to 4 (3 + the failing one).
    let it = RawRowIterator::new(i32::MAX as usize, &specs, FrameSlice::new(&frame));
    assert_eq!(it.len(), 4);
    let results: Vec<_> = it.collect();
    assert_eq!(results.len(), 3);
    assert!(results[0].is_ok() && results[1].is_ok());
    assert!(results[2].is_err());
    // Collecting never allocates for the claimed count.
    let v: Vec<Result<Row, _>> = TypedRowIterator::<Row>::new(RawRowIterator::new(
        usize::MAX,
        &specs,
        FrameSlice::new(&frame),
    ))
    .unwrap()
    .collect();
    assert_eq!(v.len(), 3);
}

#[test]
fn lending_iterator() {
    let specs: Arc<[ColumnSpec<'static>]> = specs().into();
    let frame = rows(3);
    let mut it = RawRowLendingIterator::from_specs_and_raw_rows(specs, 3, frame.clone());
    assert_eq!(it.rows_remaining(), 3);
    assert_eq!(it.size_hint(), (3, Some(3)));
    assert_eq!(it.specs().len(), 2);
    let mut seen = Vec::new();
    while let Some(row) = it.next() {
        let row = row.unwrap();
        let (k, v) = <(i32, &str) as DeserializeRow>::deserialize(row).unwrap();
        assert_eq!(
            v.as_ptr(),
            frame[(k as usize) * 14 + 12..].as_ptr(),
            "rows borrow the page"
        );
        seen.push(k);
    }
    assert_eq!(seen, [0, 1, 2]);
    assert_eq!(it.rows_remaining(), 0);

    let mut it = RawRowLendingIterator::from_specs_and_raw_rows(
        Arc::from(specs_vec()),
        2,
        frame.slice(..20),
    );
    assert!(it.next().unwrap().is_ok());
    assert!(it.next().unwrap().is_err());
    assert!(it.next().is_none());
}

fn specs_vec() -> Vec<ColumnSpec<'static>> {
    specs()
}

/// A RESULT Rows body (kind included) with `specs()` and `n` rows, parsed up to its
/// metadata.
fn parsed_rows(n: i32) -> DeserializedMetadataAndRawRows {
    use crate::frame::response::result::{self, MetadataWriteOptions, RowsWriter};
    let mut body = Vec::new();
    let metadata = ResultMetadata::new(specs());
    let mut w = RowsWriter::new(&mut body, &metadata, &MetadataWriteOptions::default()).unwrap();
    for i in 0..n {
        let text = format!("v{i}");
        w.append_row([Some(&i.to_be_bytes()[..]), Some(text.as_bytes())])
            .unwrap();
    }
    w.finish().unwrap();
    let result::Result::Rows((raw, _)) = result::deserialize(Bytes::from(body), None).unwrap()
    else {
        panic!("not rows")
    };
    raw.deserialize_metadata().unwrap()
}

#[test]
fn rows_iter_of_a_parsed_result() {
    let rows = parsed_rows(3);
    let all: Vec<(i32, &str)> = rows
        .rows_iter::<(i32, &str)>()
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(all, [(0, "v0"), (1, "v1"), (2, "v2")]);
    // Borrowed from the result's bytes, not copied.
    let raw = rows.raw_rows();
    assert!(raw.as_ptr_range().contains(&all[2].1.as_ptr()));
    // Dynamic rows.
    let dynamic: Vec<Row> = rows
        .rows_iter::<Row>()
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(
        dynamic[1].columns,
        [
            Some(CqlValue::Int(1)),
            Some(CqlValue::Text("v1".to_owned()))
        ]
    );
    // The type check happens once, up front.
    assert!(rows.rows_iter::<(i32, i32)>().is_err());
    assert!(rows.rows_iter::<(i32,)>().is_err());
}

#[test]
fn lending_iterator_from_a_parsed_result() {
    let rows = parsed_rows(2);
    let raw_ptr = rows.raw_rows().as_ptr_range();
    let mut it = RawRowLendingIterator::new(rows);
    assert_eq!(it.metadata().col_count(), 2);
    assert_eq!(it.metadata().col_specs()[1].name(), "v");
    assert_eq!(it.specs(), it.metadata().col_specs());
    assert_eq!(it.size_hint(), (2, Some(2)));
    let mut seen = Vec::new();
    while let Some(row) = it.next() {
        let (k, v) = <(i32, &str) as DeserializeRow>::deserialize(row.unwrap()).unwrap();
        assert!(raw_ptr.contains(&v.as_ptr()), "rows are lent, not copied");
        seen.push((k, v.to_owned()));
    }
    assert_eq!(seen, [(0, "v0".to_owned()), (1, "v1".to_owned())]);

    let mut empty = RawRowLendingIterator::new(DeserializedMetadataAndRawRows::mock_empty());
    assert_eq!(empty.metadata().col_count(), 0);
    assert!(empty.next().is_none());
}
