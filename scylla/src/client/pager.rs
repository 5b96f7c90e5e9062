//! Paged reading: [`QueryPager`] and [`TypedRowStream`].
//!
//! `Session::query_iter` and `Session::execute_iter` return a [`QueryPager`]. A
//! background task fetches the pages: while the caller reads the rows of one page,
//! the task fetches the next one, and no further (it waits for room in a channel of
//! one page). Turn the pager into a [`TypedRowStream`] with
//! [`QueryPager::rows_stream`], which checks the row type against the columns once,
//! then deserializes each row as it is read.
//!
//! ```no_run
//! # async fn example(session: &scylla::client::session::Session) -> Result<(), Box<dyn std::error::Error>> {
//! use futures::TryStreamExt;
//!
//! let mut rows = session
//!     .query_iter("SELECT a, b FROM ks.t", &[])
//!     .await?
//!     .rows_stream::<(i32, String)>()?;
//! while let Some((a, b)) = rows.try_next().await? {
//!     println!("{a} {b}");
//! }
//! # Ok(())
//! # }
//! ```

use std::marker::PhantomData;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use futures::Stream;
use scylla_cql::deserialize::row::{ColumnIterator, DeserializeRow};
use scylla_cql::deserialize::{DeserializationError, FrameSlice, TypeCheckError};
use scylla_cql::frame::request::query::{PagingState, PagingStateResponse};
use scylla_cql::frame::response::result::{self, ColumnSpec, DeserializedMetadataAndRawRows};
use scylla_cql::serialize::row::SerializedValues;
use tokio::sync::mpsc;
use uuid::Uuid;

use super::execution::{RequestKind, SessionShared};
use crate::errors::{
    BadQuery, ExecutionError, PagerExecutionError, RequestAttemptError, RequestError,
};
use crate::response::Coordinator;
use crate::response::query_result::ColumnSpecs;
use crate::statement::prepared::PreparedStatement;
use crate::statement::unprepared::Statement;

pub use crate::errors::{NextPageError, NextRowError};

/// A page as the background task hands it over.
struct Page {
    /// `None` for a result without rows.
    rows: Option<DeserializedMetadataAndRawRows>,
    tracing_id: Option<Uuid>,
    coordinator: Coordinator,
}

/// What a pager pages through.
enum PagedStatement {
    Query(Statement),
    Prepared(PreparedStatement, SerializedValues),
}

impl PagedStatement {
    fn page_size(&self) -> crate::statement::PageSize {
        match self {
            PagedStatement::Query(s) => s.page_size(),
            PagedStatement::Prepared(p, _) => p.page_size(),
        }
    }
}

/// The page being read and where in it.
struct CurrentPage {
    rows: DeserializedMetadataAndRawRows,
    /// Rows not yet read.
    remaining: usize,
    /// The byte offset of the next row in the rows' bytes.
    at: usize,
}

impl CurrentPage {
    fn new(rows: DeserializedMetadataAndRawRows) -> Self {
        let remaining = rows.rows_count();
        Self {
            rows,
            remaining,
            at: 0,
        }
    }

    fn specs(&self) -> &[ColumnSpec<'_>] {
        self.rows.metadata().col_specs()
    }

    /// Deserializes the next row; `None` at the end of the page.
    fn next_row<RowT>(&mut self) -> Option<Result<RowT, DeserializationError>>
    where
        RowT: for<'f, 'm> DeserializeRow<'f, 'm>,
    {
        if self.remaining == 0 {
            return None;
        }
        self.remaining -= 1;
        let raw = self.rows.raw_rows();
        let specs = self.rows.metadata().col_specs();
        let mut slice = FrameSlice::new(raw);
        {
            let s = slice.as_slice_mut();
            match s.get(self.at..) {
                Some(rest) => *s = rest,
                None => {
                    self.remaining = 0;
                    return Some(Err(DeserializationError::new(TruncatedRows)));
                }
            }
        }
        let start = slice;
        for _ in specs {
            if let Err(e) = slice.read_cql_bytes() {
                self.remaining = 0;
                return Some(Err(DeserializationError::new(e)));
            }
        }
        let consumed = start.as_slice().len() - slice.as_slice().len();
        let mut row = start;
        {
            let s = row.as_slice_mut();
            *s = s.get(..consumed).unwrap_or(&[]);
        }
        self.at += consumed;
        Some(RowT::deserialize(ColumnIterator::new(specs, row)))
    }
}

/// The rows' bytes ended before the row count said.
#[derive(Debug, thiserror::Error)]
#[error("the page's rows end before its row count says")]
struct TruncatedRows;

/// Reads the rows of a statement page by page; see the [module documentation](self).
pub struct QueryPager {
    current: Option<CurrentPage>,
    receiver: mpsc::Receiver<Result<Page, NextPageError>>,
    tracing_ids: Vec<Uuid>,
    coordinators: Vec<Coordinator>,
    worker: tokio::task::AbortHandle,
}

impl Drop for QueryPager {
    fn drop(&mut self) {
        self.worker.abort();
    }
}

impl std::fmt::Debug for QueryPager {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("QueryPager")
            .field(
                "rows_remaining_in_page",
                &self.current.as_ref().map(|p| p.remaining),
            )
            .field("pages", &self.coordinators.len())
            .finish_non_exhaustive()
    }
}

/// The [`NextPageError`] of a failed page request.
fn page_error(e: ExecutionError) -> NextPageError {
    match e {
        ExecutionError::BadQuery(BadQuery::SerializationError(e)) => NextPageError::RequestFailure(
            RequestError::LastAttemptError(RequestAttemptError::SerializationError(e)),
        ),
        ExecutionError::EmptyPlan => NextPageError::RequestFailure(RequestError::EmptyPlan),
        ExecutionError::ConnectionPoolError(e) => {
            NextPageError::RequestFailure(RequestError::ConnectionPoolError(e))
        }
        ExecutionError::RequestTimeout(t) => {
            NextPageError::RequestFailure(RequestError::RequestTimeout(t))
        }
        ExecutionError::LastAttemptError(e) => {
            NextPageError::RequestFailure(RequestError::LastAttemptError(e))
        }
        other => NextPageError::RequestFailure(RequestError::LastAttemptError(
            RequestAttemptError::SerializationError(
                scylla_cql::serialize::SerializationError::new(PageRequestFailed(
                    other.to_string(),
                )),
            ),
        )),
    }
}

#[derive(Debug, thiserror::Error)]
#[error("{0}")]
struct PageRequestFailed(String);

async fn fetch_page(
    shared: &SessionShared,
    statement: &PagedStatement,
    paging_state: PagingState,
) -> Result<(Page, PagingStateResponse), NextPageError> {
    let page_size = Some(statement.page_size());
    let response = match statement {
        PagedStatement::Query(s) => shared
            .query_response(s, page_size, paging_state, RequestKind::AutomaticallyPaged)
            .await
            .map_err(page_error)?,
        PagedStatement::Prepared(p, values) => {
            let frame = shared
                .build_execute_serialized(p, values, page_size, paging_state)
                .map_err(page_error)?;
            // The token first, so that a partition-key error keeps its detail.
            let token = frame.token(p).map_err(NextPageError::PartitionKeyError)?;
            shared
                .execute_response_with_token(p, frame, token, RequestKind::AutomaticallyPaged)
                .await
                .map_err(page_error)?
        }
    };
    let (rows, paging) = match response.result {
        result::Result::Rows((raw, paging)) => (Some(raw.deserialize_metadata()?), paging),
        _ => (None, PagingStateResponse::NoMorePages),
    };
    Ok((
        Page {
            rows,
            tracing_id: response.tracing_id,
            coordinator: response.coordinator,
        },
        paging,
    ))
}

/// The background task: fetches pages while there is room for one in the channel.
async fn page_worker(
    shared: Arc<SessionShared>,
    statement: PagedStatement,
    sender: mpsc::Sender<Result<Page, NextPageError>>,
) {
    let mut paging_state = PagingState::start();
    loop {
        // Wait for room first: at most one page is fetched ahead of the reader.
        let Ok(permit) = sender.reserve().await else {
            return;
        };
        match fetch_page(&shared, &statement, paging_state).await {
            Ok((page, next)) => {
                permit.send(Ok(page));
                match next {
                    PagingStateResponse::HasMorePages { state } => paging_state = state,
                    PagingStateResponse::NoMorePages => return,
                }
            }
            Err(e) => {
                permit.send(Err(e));
                return;
            }
        }
    }
}

impl QueryPager {
    async fn new(
        shared: Arc<SessionShared>,
        statement: PagedStatement,
    ) -> Result<Self, PagerExecutionError> {
        let (sender, receiver) = mpsc::channel(1);
        let worker = tokio::spawn(page_worker(shared, statement, sender)).abort_handle();
        let mut pager = QueryPager {
            current: None,
            receiver,
            tracing_ids: Vec::new(),
            coordinators: Vec::new(),
            worker,
        };
        // The first page is awaited here: its errors are the call's errors, and the
        // column specs are known from now on.
        match pager.receiver.recv().await {
            Some(Ok(page)) => pager.take_page(page),
            Some(Err(e)) => return Err(PagerExecutionError::NextPageError(e)),
            None => {
                return Err(PagerExecutionError::NextPageError(
                    NextPageError::RequestFailure(RequestError::EmptyPlan),
                ));
            }
        }
        Ok(pager)
    }

    pub(crate) async fn new_for_query(
        shared: Arc<SessionShared>,
        statement: Statement,
    ) -> Result<Self, PagerExecutionError> {
        Self::new(shared, PagedStatement::Query(statement)).await
    }

    pub(crate) async fn new_for_prepared(
        shared: Arc<SessionShared>,
        prepared: PreparedStatement,
        values: SerializedValues,
    ) -> Result<Self, PagerExecutionError> {
        Self::new(shared, PagedStatement::Prepared(prepared, values)).await
    }

    fn take_page(&mut self, page: Page) {
        self.tracing_ids.extend(page.tracing_id);
        self.coordinators.push(page.coordinator);
        if let Some(rows) = page.rows {
            self.current = Some(CurrentPage::new(rows));
        } else if let Some(current) = &mut self.current {
            current.remaining = 0;
        }
    }

    /// The next row, fetching pages as needed; `Ready(None)` after the last one.
    fn poll_next_row<RowT>(
        &mut self,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<RowT, NextRowError>>>
    where
        RowT: for<'f, 'm> DeserializeRow<'f, 'm>,
    {
        loop {
            if let Some(current) = &mut self.current
                && let Some(row) = current.next_row::<RowT>()
            {
                return Poll::Ready(Some(row.map_err(NextRowError::RowDeserializationError)));
            }
            match self.receiver.poll_recv(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(None) => return Poll::Ready(None),
                Poll::Ready(Some(Err(e))) => return Poll::Ready(Some(Err(e.into()))),
                Poll::Ready(Some(Ok(page))) => {
                    // A page with other columns (the schema changed) is type-checked
                    // again.
                    let changed = match (&self.current, &page.rows) {
                        (Some(old), Some(new)) => old.specs() != new.metadata().col_specs(),
                        _ => false,
                    };
                    self.take_page(page);
                    if changed
                        && let Some(current) = &self.current
                        && let Err(e) = RowT::type_check(current.specs())
                    {
                        return Poll::Ready(Some(Err(NextRowError::NextPageError(
                            NextPageError::TypeCheckError(e),
                        ))));
                    }
                }
            }
        }
    }

    /// A stream of rows deserialized into `RowT`; the type is checked against the
    /// columns here, once.
    pub fn rows_stream<RowT: for<'frame, 'metadata> DeserializeRow<'frame, 'metadata>>(
        self,
    ) -> Result<TypedRowStream<RowT>, TypeCheckError> {
        self.type_check_inner::<RowT>()?;
        Ok(TypedRowStream {
            pager: self,
            _row: PhantomData,
        })
    }

    fn type_check_inner<'frame, 'metadata, RowT: DeserializeRow<'frame, 'metadata>>(
        &self,
    ) -> Result<(), TypeCheckError> {
        match &self.current {
            Some(page) => RowT::type_check(page.specs()),
            None => RowT::type_check(&[]),
        }
    }

    /// Checks that rows can be deserialized into `RowT`.
    #[deprecated(since = "1.4.0", note = "rows_stream checks the type")]
    pub fn type_check<'frame, 'metadata, RowT: DeserializeRow<'frame, 'metadata>>(
        &self,
    ) -> Result<(), TypeCheckError> {
        self.type_check_inner::<RowT>()
    }

    /// The columns of the current page.
    pub fn column_specs(&self) -> ColumnSpecs<'_, '_> {
        match &self.current {
            Some(page) => ColumnSpecs::new(page.specs()),
            None => ColumnSpecs::new(&[]),
        }
    }

    /// The tracing ids of the pages fetched so far (tracing on only).
    pub fn tracing_ids(&self) -> &[Uuid] {
        &self.tracing_ids
    }

    /// The coordinators of the pages fetched so far, one per page.
    pub fn request_coordinators(&self) -> impl Iterator<Item = &Coordinator> {
        self.coordinators.iter()
    }
}

/// The rows of a [`QueryPager`], deserialized into `RowT`: a
/// `Stream<Item = Result<RowT, NextRowError>>`.
pub struct TypedRowStream<RowT> {
    pager: QueryPager,
    _row: PhantomData<fn() -> RowT>,
}

impl<RowT> Unpin for TypedRowStream<RowT> {}

impl<RowT> std::fmt::Debug for TypedRowStream<RowT> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TypedRowStream")
            .field("row_type", &std::any::type_name::<RowT>())
            .field("pager", &self.pager)
            .finish()
    }
}

impl<RowT> TypedRowStream<RowT> {
    /// The columns of the current page.
    pub fn column_specs(&self) -> ColumnSpecs<'_, '_> {
        self.pager.column_specs()
    }

    /// The tracing ids of the pages fetched so far.
    pub fn tracing_ids(&self) -> &[Uuid] {
        self.pager.tracing_ids()
    }

    /// The coordinators of the pages fetched so far.
    pub fn request_coordinators(&self) -> impl Iterator<Item = &Coordinator> {
        self.pager.request_coordinators()
    }
}

impl<RowT> Stream for TypedRowStream<RowT>
where
    RowT: for<'f, 'm> DeserializeRow<'f, 'm>,
{
    type Item = Result<RowT, NextRowError>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.get_mut().pager.poll_next_row::<RowT>(cx)
    }
}
