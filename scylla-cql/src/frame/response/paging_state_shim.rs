//! The paging types are defined with the QUERY request; the response code uses them
//! through this path.

pub use crate::frame::request::query::{PagingState, PagingStateResponse};
