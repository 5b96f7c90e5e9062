//! Stand-in for `frame::request::query::{PagingState, PagingStateResponse}` while the
//! request messages are written elsewhere.
//!
//! MERGE NOTE: when `frame::request::query` exists, replace the body of this file with
//! `pub use crate::frame::request::query::{PagingState, PagingStateResponse};`.
//! Only the items below (same names and signatures as upstream) are used by the
//! response code and its tests.

use std::ops::ControlFlow;
use std::sync::Arc;

/// The paging state of a result set: where the next page starts.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PagingState(Option<Arc<[u8]>>);

impl PagingState {
    /// The state of the first page (no bytes).
    pub fn start() -> Self {
        Self(None)
    }

    /// A paging state holding the bytes a server sent.
    pub fn new_from_raw_bytes(raw: impl Into<Arc<[u8]>>) -> Self {
        Self(Some(raw.into()))
    }

    /// The raw bytes, or `None` for the first page.
    pub fn as_bytes_slice(&self) -> Option<&Arc<[u8]>> {
        self.0.as_ref()
    }
}

/// Whether a Rows result is the last page, and if not where the next one starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PagingStateResponse {
    /// More pages follow.
    HasMorePages {
        /// Where the next page starts.
        state: PagingState,
    },
    /// This was the last page.
    NoMorePages,
}

impl PagingStateResponse {
    /// From the `<paging_state>` of a Rows result: `None` means no more pages.
    pub fn new_from_raw_bytes(raw: Option<&[u8]>) -> Self {
        match raw {
            Some(raw) => Self::HasMorePages {
                state: PagingState::new_from_raw_bytes(raw),
            },
            None => Self::NoMorePages,
        }
    }

    /// Whether this was the last page.
    pub fn finished(&self) -> bool {
        matches!(self, Self::NoMorePages)
    }

    /// `Break` when finished, else `Continue` with the next page's state.
    pub fn into_paging_control_flow(self) -> ControlFlow<(), PagingState> {
        match self {
            Self::HasMorePages { state } => ControlFlow::Continue(state),
            Self::NoMorePages => ControlFlow::Break(()),
        }
    }
}
