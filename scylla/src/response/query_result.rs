//! Results of requests: [`QueryResult`] and, for row results, [`QueryRowsResult`].
//!
//! A [`QueryResult`] keeps a Rows result as received: the column specs and the rows
//! stay serialized until [`QueryResult::into_rows_result`] reads the metadata, and
//! rows are deserialized one by one, borrowing from the response, by
//! [`QueryRowsResult::rows`].
//!
//! ```
//! # use scylla::response::query_result::QueryResult;
//! # fn f(result: QueryResult) -> Result<(), Box<dyn std::error::Error>> {
//! let rows = result.into_rows_result()?;
//! for row in rows.rows::<(i32, &str)>()? {
//!     let (id, name) = row?;
//!     println!("{id}: {name}");
//! }
//! # Ok(())
//! # }
//! ```

use thiserror::Error;
use uuid::Uuid;

use scylla_cql::deserialize::result::{RawRowIterator, TypedRowIterator};
use scylla_cql::deserialize::row::DeserializeRow;
use scylla_cql::deserialize::{DeserializationError, TypeCheckError};
use scylla_cql::frame::frame_errors::ResultMetadataAndRowsCountParseError;
use scylla_cql::frame::response::result::{
    ColumnSpec, DeserializedMetadataAndRawRows, RawMetadataAndRawRows, Result as CqlResult,
};

use super::{Coordinator, PagingStateResponse};

/// A view of the column specs of a result (or of a statement's bind markers).
#[derive(Debug, Clone, Copy)]
pub struct ColumnSpecs<'slice, 'spec> {
    specs: &'slice [ColumnSpec<'spec>],
}

impl<'slice, 'spec> ColumnSpecs<'slice, 'spec> {
    /// A view of `specs`.
    #[inline]
    pub fn new(specs: &'slice [ColumnSpec<'spec>]) -> Self {
        Self { specs }
    }

    /// The number of columns.
    #[inline]
    pub fn len(&self) -> usize {
        self.specs.len()
    }

    /// Whether there are no columns.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.specs.is_empty()
    }

    /// The spec of the column at `index`.
    #[inline]
    pub fn get_by_index(&self, index: usize) -> Option<&'slice ColumnSpec<'spec>> {
        self.specs.get(index)
    }

    /// The position and spec of the first column named `name`.
    pub fn get_by_name(&self, name: &str) -> Option<(usize, &'slice ColumnSpec<'spec>)> {
        self.specs
            .iter()
            .enumerate()
            .find(|(_, spec)| spec.name() == name)
    }

    /// The specs as a slice.
    #[inline]
    pub fn as_slice(&self) -> &'slice [ColumnSpec<'spec>] {
        self.specs
    }

    /// The specs, in column order.
    #[inline]
    pub fn iter(&self) -> impl Iterator<Item = &'slice ColumnSpec<'spec>> + use<'slice, 'spec> {
        self.specs.iter()
    }
}

/// The accessors of what every result carries besides its rows (the fields
/// `tracing_id`, `warnings` and `request_coordinator`), for use in an `impl` block.
macro_rules! response_info_accessors {
    () => {
        /// The tracing id, if tracing was on for the request.
        #[inline]
        pub fn tracing_id(&self) -> Option<Uuid> {
            self.tracing_id
        }

        /// The warnings the coordinator sent with the result.
        pub fn warnings(&self) -> impl Iterator<Item = &str> {
            self.warnings.iter().map(String::as_str)
        }

        /// The node, connection and shard that served the request.
        #[inline]
        pub fn request_coordinator(&self) -> &Coordinator {
            &self.request_coordinator
        }
    };
}

/// The result of a request: rows (still serialized) or a result without rows (for
/// writes, DDL and `USE`), with the tracing id, the warnings and the coordinator.
#[derive(Debug, Clone)]
pub struct QueryResult {
    // Boxed to keep `QueryResult` (which errors carry) small.
    raw_metadata_and_rows: Option<Box<RawMetadataAndRawRows>>,
    tracing_id: Option<Uuid>,
    warnings: Vec<String>,
    request_coordinator: Coordinator,
}

impl QueryResult {
    /// A result from its parts: `raw_metadata_and_rows` is `Some` for a Rows result.
    pub(crate) fn new(
        request_coordinator: Coordinator,
        raw_metadata_and_rows: Option<RawMetadataAndRawRows>,
        tracing_id: Option<Uuid>,
        warnings: Vec<String>,
    ) -> Self {
        Self {
            raw_metadata_and_rows: raw_metadata_and_rows.map(Box::new),
            tracing_id,
            warnings,
            request_coordinator,
        }
    }

    /// A result without rows.
    #[cfg(test)]
    pub(crate) fn mock_empty(request_coordinator: Coordinator) -> Self {
        Self::new(request_coordinator, None, None, Vec::new())
    }

    /// The result of a RESULT response, and the paging state of a Rows result
    /// ([`PagingStateResponse::NoMorePages`] for the other kinds).
    ///
    /// To use a prepared statement's cached result metadata for results sent
    /// without metadata, parse the body with that metadata
    /// (`result::deserialize_with_features(body, Some(&prepared.current_result_metadata()), ..)`):
    /// it travels inside [`RawMetadataAndRawRows`].
    pub(crate) fn from_cql_result(
        result: CqlResult,
        tracing_id: Option<Uuid>,
        warnings: Vec<String>,
        request_coordinator: Coordinator,
    ) -> (Self, PagingStateResponse) {
        match result {
            CqlResult::Rows((raw, paging)) => (
                Self::new(request_coordinator, Some(raw), tracing_id, warnings),
                paging,
            ),
            CqlResult::Void
            | CqlResult::SetKeyspace(_)
            | CqlResult::Prepared(_)
            | CqlResult::SchemaChange(_) => (
                Self::new(request_coordinator, None, tracing_id, warnings),
                PagingStateResponse::NoMorePages,
            ),
        }
    }

    /// Whether this is a Rows result (a `SELECT`, or an LWT's result).
    #[inline]
    pub fn is_rows(&self) -> bool {
        self.raw_metadata_and_rows.is_some()
    }

    /// `Ok` if this is not a Rows result; for statements that return nothing.
    pub fn result_not_rows(&self) -> Result<(), ResultNotRowsError> {
        match self.raw_metadata_and_rows {
            Some(_) => Err(ResultNotRowsError),
            None => Ok(()),
        }
    }

    /// The rows of a Rows result. Reads the column specs (or takes the prepared
    /// statement's cached ones, for a result sent without metadata); the rows stay
    /// serialized.
    pub fn into_rows_result(self) -> Result<QueryRowsResult, IntoRowsResultError> {
        let QueryResult {
            raw_metadata_and_rows,
            tracing_id,
            warnings,
            request_coordinator,
        } = self;
        let Some(raw) = raw_metadata_and_rows else {
            return Err(IntoRowsResultError::ResultNotRows(QueryResult {
                raw_metadata_and_rows: None,
                tracing_id,
                warnings,
                request_coordinator,
            }));
        };
        Ok(QueryRowsResult {
            raw_rows_with_metadata: (*raw).deserialize_metadata()?,
            tracing_id,
            warnings,
            request_coordinator,
        })
    }

    response_info_accessors!();
}

/// The rows of a Rows result, with its column specs. Rows are deserialized on
/// demand, borrowing from the response.
#[derive(Debug, Clone)]
pub struct QueryRowsResult {
    raw_rows_with_metadata: DeserializedMetadataAndRawRows,
    tracing_id: Option<Uuid>,
    warnings: Vec<String>,
    request_coordinator: Coordinator,
}

impl QueryRowsResult {
    /// The number of rows.
    #[inline]
    pub fn rows_num(&self) -> usize {
        self.raw_rows_with_metadata.rows_count()
    }

    /// The size of the serialized rows, in bytes.
    #[inline]
    pub fn rows_bytes_size(&self) -> usize {
        self.raw_rows_with_metadata.rows_bytes_size()
    }

    /// The columns.
    #[inline]
    pub fn column_specs(&self) -> ColumnSpecs<'_, '_> {
        ColumnSpecs::new(self.raw_rows_with_metadata.metadata().col_specs())
    }

    /// An iterator deserializing each row into `R`. `R` is type-checked against the
    /// columns once, here.
    pub fn rows<'frame, R: DeserializeRow<'frame, 'frame>>(
        &'frame self,
    ) -> Result<TypedRowIterator<'frame, 'frame, R>, RowsError> {
        let raw = RawRowIterator::new(
            self.raw_rows_with_metadata.rows_count(),
            self.raw_rows_with_metadata.metadata().col_specs(),
            self.raw_rows_with_metadata.raw_rows_slice(),
        );
        TypedRowIterator::new(raw).map_err(RowsError::TypeCheckFailed)
    }

    /// The first row; an error if there are no rows.
    pub fn first_row<'frame, R: DeserializeRow<'frame, 'frame>>(
        &'frame self,
    ) -> Result<R, FirstRowError> {
        match self.maybe_first_row::<R>() {
            Ok(Some(row)) => Ok(row),
            Ok(None) => Err(FirstRowError::RowsEmpty),
            Err(MaybeFirstRowError::TypeCheckFailed(e)) => Err(FirstRowError::TypeCheckFailed(e)),
            Err(MaybeFirstRowError::DeserializationFailed(e)) => {
                Err(FirstRowError::DeserializationFailed(e))
            }
        }
    }

    /// The first row, if there is one.
    pub fn maybe_first_row<'frame, R: DeserializeRow<'frame, 'frame>>(
        &'frame self,
    ) -> Result<Option<R>, MaybeFirstRowError> {
        let mut rows = self
            .rows::<R>()
            .map_err(|RowsError::TypeCheckFailed(e)| MaybeFirstRowError::TypeCheckFailed(e))?;
        rows.next()
            .transpose()
            .map_err(MaybeFirstRowError::DeserializationFailed)
    }

    /// The only row; an error if there is not exactly one.
    pub fn single_row<'frame, R: DeserializeRow<'frame, 'frame>>(
        &'frame self,
    ) -> Result<R, SingleRowError> {
        let mut rows = self
            .rows::<R>()
            .map_err(|RowsError::TypeCheckFailed(e)| SingleRowError::TypeCheckFailed(e))?;
        let count = self.rows_num();
        if count != 1 {
            return Err(SingleRowError::UnexpectedRowCount(count));
        }
        match rows.next() {
            Some(row) => row.map_err(SingleRowError::DeserializationFailed),
            None => Err(SingleRowError::UnexpectedRowCount(0)),
        }
    }

    response_info_accessors!();
}

/// [`QueryResult::into_rows_result`] failed.
#[derive(Debug, Error, Clone)]
pub enum IntoRowsResultError {
    /// The result is not a Rows result.
    #[error("result is not of Rows type")]
    ResultNotRows(QueryResult),
    /// The result metadata could not be parsed.
    #[error("failed to deserialize the result metadata: {0}")]
    ResultMetadataLazyDeserializationError(#[from] ResultMetadataAndRowsCountParseError),
}

/// [`QueryRowsResult::rows`] failed.
#[derive(Debug, Error, Clone)]
pub enum RowsError {
    /// The rows do not match the requested type.
    #[error("type check failed: {0}")]
    TypeCheckFailed(#[from] TypeCheckError),
}

/// [`QueryRowsResult::first_row`] failed.
#[derive(Debug, Error, Clone)]
pub enum FirstRowError {
    /// There are no rows.
    #[error("the result has no rows")]
    RowsEmpty,
    /// The rows do not match the requested type.
    #[error("type check failed: {0}")]
    TypeCheckFailed(#[from] TypeCheckError),
    /// The first row could not be deserialized.
    #[error("failed to deserialize the first row: {0}")]
    DeserializationFailed(#[from] DeserializationError),
}

/// [`QueryRowsResult::maybe_first_row`] failed.
#[derive(Debug, Error, Clone)]
pub enum MaybeFirstRowError {
    /// The rows do not match the requested type.
    #[error("type check failed: {0}")]
    TypeCheckFailed(#[from] TypeCheckError),
    /// The first row could not be deserialized.
    #[error("failed to deserialize the first row: {0}")]
    DeserializationFailed(#[from] DeserializationError),
}

/// [`QueryRowsResult::single_row`] failed.
#[derive(Debug, Error, Clone)]
pub enum SingleRowError {
    /// The result does not have exactly one row.
    #[error("expected exactly one row, got {0}")]
    UnexpectedRowCount(usize),
    /// The rows do not match the requested type.
    #[error("type check failed: {0}")]
    TypeCheckFailed(#[from] TypeCheckError),
    /// The row could not be deserialized.
    #[error("failed to deserialize the row: {0}")]
    DeserializationFailed(#[from] DeserializationError),
}

/// The result was expected to have no rows, but it has.
#[derive(Debug, Error, Clone)]
#[error("the result is a Rows result; expected a non-Rows result")]
pub struct ResultNotRowsError;

#[cfg(test)]
mod tests {
    use std::net::SocketAddr;
    use std::sync::Arc;

    use bytes::Bytes;
    use scylla_cql::frame::response::result::{
        self, ColumnType, MetadataWriteOptions, NativeType, ResultMetadata, RowsWriter, TableSpec,
    };

    use super::*;

    fn addr() -> SocketAddr {
        "127.0.0.5:9042".parse().unwrap()
    }

    fn metadata() -> ResultMetadata<'static> {
        let t = TableSpec::borrowed("ks", "t");
        ResultMetadata::new(vec![
            ColumnSpec::borrowed("id", ColumnType::Native(NativeType::Int), t.clone()),
            ColumnSpec::borrowed("name", ColumnType::Native(NativeType::Text), t),
        ])
    }

    /// A RESULT Rows body with the rows `(id, name)`.
    fn rows_body(rows: &[(i32, Option<&str>)], options: &MetadataWriteOptions<'_>) -> Bytes {
        let md = metadata();
        let mut body = Vec::new();
        let mut w = RowsWriter::new(&mut body, &md, options).unwrap();
        for (id, name) in rows {
            w.append_row([Some(&id.to_be_bytes()[..]), name.map(str::as_bytes)])
                .unwrap();
        }
        w.finish().unwrap();
        Bytes::from(body)
    }

    fn query_result(
        body: Bytes,
        cached: Option<&Arc<ResultMetadata<'static>>>,
    ) -> (QueryResult, PagingStateResponse) {
        let parsed = result::deserialize(body, cached).unwrap();
        QueryResult::from_cql_result(
            parsed,
            Some(Uuid::from_u128(77)),
            vec!["first warning".to_owned(), "second".to_owned()],
            Coordinator::new_for_test(addr()),
        )
    }

    #[test]
    fn column_specs_view() {
        let md = metadata();
        let specs = ColumnSpecs::new(md.col_specs());
        let copy = specs;
        assert_eq!(copy.len(), 2);
        assert!(!copy.is_empty());
        assert_eq!(specs.get_by_index(1).map(|c| c.name()), Some("name"));
        assert!(specs.get_by_index(2).is_none());
        assert_eq!(specs.get_by_name("name").map(|(i, _)| i), Some(1));
        assert!(specs.get_by_name("missing").is_none());
        assert_eq!(specs.as_slice().len(), 2);
        assert_eq!(
            specs.iter().map(|c| c.name()).collect::<Vec<_>>(),
            ["id", "name"]
        );
        assert!(ColumnSpecs::new(&[]).is_empty());
    }

    #[test]
    fn rows_result() {
        let (qr, paging) = query_result(
            rows_body(
                &[(1, Some("one")), (2, None), (3, Some("three"))],
                &Default::default(),
            ),
            None,
        );
        assert!(paging.finished());
        assert!(qr.is_rows());
        assert!(qr.result_not_rows().is_err());
        assert_eq!(qr.tracing_id(), Some(Uuid::from_u128(77)));
        assert_eq!(
            qr.warnings().collect::<Vec<_>>(),
            ["first warning", "second"]
        );
        assert_eq!(qr.request_coordinator().connection_address(), addr());
        assert_eq!(qr.request_coordinator().shard(), Some(3));

        let rows = qr.clone().into_rows_result().unwrap();
        assert_eq!(rows.rows_num(), 3);
        assert!(rows.rows_bytes_size() > 0);
        assert_eq!(rows.column_specs().len(), 2);
        assert_eq!(
            rows.column_specs().get_by_name("id").map(|(i, _)| i),
            Some(0)
        );
        assert_eq!(rows.tracing_id(), Some(Uuid::from_u128(77)));
        assert_eq!(rows.warnings().count(), 2);
        assert_eq!(rows.request_coordinator().shard(), Some(3));

        let all: Vec<(i32, Option<&str>)> = rows
            .rows::<(i32, Option<&str>)>()
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(all, [(1, Some("one")), (2, None), (3, Some("three"))]);
        // Borrowed strings point into the response.
        let first: (i32, Option<&str>) = rows.first_row().unwrap();
        assert_eq!(first, (1, Some("one")));
        assert_eq!(
            rows.maybe_first_row::<(i32, Option<String>)>().unwrap(),
            Some((1, Some("one".to_owned())))
        );
        assert!(matches!(
            rows.single_row::<(i32, Option<&str>)>(),
            Err(SingleRowError::UnexpectedRowCount(3))
        ));
        // Wrong types fail the type check in every accessor.
        assert!(matches!(
            rows.rows::<(String, i32)>(),
            Err(RowsError::TypeCheckFailed(_))
        ));
        assert!(matches!(
            rows.first_row::<(i64, &str)>(),
            Err(FirstRowError::TypeCheckFailed(_))
        ));
        assert!(matches!(
            rows.maybe_first_row::<(i32,)>(),
            Err(MaybeFirstRowError::TypeCheckFailed(_))
        ));
        assert!(matches!(
            rows.single_row::<(i32,)>(),
            Err(SingleRowError::TypeCheckFailed(_))
        ));
        // A null where the type has no null: a deserialization error.
        let (qr2, _) = query_result(rows_body(&[(2, None)], &Default::default()), None);
        let rows2 = qr2.into_rows_result().unwrap();
        assert!(matches!(
            rows2.first_row::<(i32, &str)>(),
            Err(FirstRowError::DeserializationFailed(_))
        ));
        assert!(matches!(
            rows2.maybe_first_row::<(i32, &str)>(),
            Err(MaybeFirstRowError::DeserializationFailed(_))
        ));
        assert!(matches!(
            rows2.single_row::<(i32, &str)>(),
            Err(SingleRowError::DeserializationFailed(_))
        ));
        assert_eq!(
            rows2.single_row::<(i32, Option<&str>)>().unwrap(),
            (2, None)
        );
    }

    #[test]
    fn empty_rows() {
        let (qr, _) = query_result(rows_body(&[], &Default::default()), None);
        let rows = qr.into_rows_result().unwrap();
        assert_eq!(rows.rows_num(), 0);
        assert!(matches!(
            rows.first_row::<(i32, &str)>(),
            Err(FirstRowError::RowsEmpty)
        ));
        assert_eq!(rows.maybe_first_row::<(i32, &str)>().unwrap(), None);
        assert!(matches!(
            rows.single_row::<(i32, &str)>(),
            Err(SingleRowError::UnexpectedRowCount(0))
        ));
        assert_eq!(rows.rows::<(i32, &str)>().unwrap().count(), 0);
    }

    #[test]
    fn paging_state_is_returned_separately() {
        let (qr, paging) = query_result(
            rows_body(
                &[(1, Some("a"))],
                &MetadataWriteOptions {
                    paging_state: Some(b"next"),
                    ..Default::default()
                },
            ),
            None,
        );
        assert!(!paging.finished());
        match paging {
            PagingStateResponse::HasMorePages { state } => {
                assert_eq!(state.as_bytes_slice().map(|s| &s[..]), Some(&b"next"[..]))
            }
            PagingStateResponse::NoMorePages => panic!("expected more pages"),
        }
        assert_eq!(qr.into_rows_result().unwrap().rows_num(), 1);
    }

    #[test]
    fn cached_metadata_is_used_for_results_without_metadata() {
        let no_md = MetadataWriteOptions {
            no_metadata: true,
            ..Default::default()
        };
        let cached = Arc::new(metadata());
        let (qr, _) = query_result(rows_body(&[(5, Some("five"))], &no_md), Some(&cached));
        let rows = qr.into_rows_result().unwrap();
        assert_eq!(
            rows.column_specs().get_by_index(1).map(|c| c.name()),
            Some("name")
        );
        assert_eq!(rows.single_row::<(i32, &str)>().unwrap(), (5, "five"));

        // Without cached metadata, the lazy metadata step fails cleanly.
        let (qr, _) = query_result(rows_body(&[(5, Some("five"))], &no_md), None);
        assert!(qr.is_rows());
        assert!(matches!(
            qr.into_rows_result(),
            Err(IntoRowsResultError::ResultMetadataLazyDeserializationError(
                _
            ))
        ));
    }

    #[test]
    fn non_rows_results() {
        for body in [
            Bytes::from_static(&[0, 0, 0, 1]),
            Bytes::from_static(&[0, 0, 0, 3, 0, 2, b'k', b's']),
        ] {
            let (qr, paging) = query_result(body, None);
            assert!(paging.finished());
            assert!(!qr.is_rows());
            assert!(qr.result_not_rows().is_ok());
            assert_eq!(qr.warnings().count(), 2);
            match qr.into_rows_result() {
                Err(IntoRowsResultError::ResultNotRows(back)) => {
                    // The result comes back whole.
                    assert_eq!(back.tracing_id(), Some(Uuid::from_u128(77)));
                    assert_eq!(back.warnings().count(), 2);
                    assert_eq!(back.request_coordinator().connection_address(), addr());
                }
                other => panic!("expected ResultNotRows, got {other:?}"),
            }
        }
        let empty = QueryResult::mock_empty(Coordinator::new_for_test(addr()));
        assert!(!empty.is_rows());
        assert_eq!(empty.tracing_id(), None);
        assert_eq!(empty.warnings().count(), 0);
    }

    #[test]
    fn truncated_rows_give_errors_not_panics() {
        let full = rows_body(&[(1, Some("one")), (2, Some("two"))], &Default::default());
        // Cut the body inside the second row: the row count now overstates the rows.
        let cut = full.slice(..full.len() - 2);
        let (qr, _) = query_result(cut, None);
        match qr.into_rows_result() {
            Ok(rows) => {
                let all: Vec<_> = rows.rows::<(i32, &str)>().unwrap().collect();
                assert!(all.iter().any(|r| r.is_err()));
            }
            Err(IntoRowsResultError::ResultMetadataLazyDeserializationError(_)) => {}
            Err(e) => panic!("unexpected error {e}"),
        }
    }
}
