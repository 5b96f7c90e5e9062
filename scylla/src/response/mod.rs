//! Responses: results, paging states, the coordinator of a request.

mod coordinator;
pub mod query_result;

pub use coordinator::Coordinator;
pub use scylla_cql::frame::request::query::{PagingState, PagingStateResponse};
