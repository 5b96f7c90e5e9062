//! Responses: results, paging states, the coordinator of a request.

pub mod query_result;

pub use scylla_cql::frame::request::query::{PagingState, PagingStateResponse};
