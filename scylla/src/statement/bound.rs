//! Bound statements: a prepared statement with its values already serialized.

use scylla_cql::serialize::row::SerializedValues;

use super::impl_statement_config_setters;
use super::prepared::{PartitionKeyError, PreparedStatement};
use crate::routing::Token;

/// A [`PreparedStatement`] with its bind values serialized once, for repeated
/// execution (`Session::execute_bound_unpaged` and friends). Made by
/// [`PreparedStatement::bind`].
#[derive(Debug, Clone)]
pub struct BoundStatement {
    pub(crate) prepared: PreparedStatement,
    pub(crate) values: SerializedValues,
}

impl BoundStatement {
    /// A bound statement from values already serialized against `prepared`'s bind
    /// markers.
    pub(crate) fn new_untyped(prepared: PreparedStatement, values: SerializedValues) -> Self {
        Self { prepared, values }
    }

    /// The prepared statement (with the settings made on this bound statement).
    pub fn prepared(&self) -> &PreparedStatement {
        &self.prepared
    }

    /// The serialized values.
    pub(crate) fn values(&self) -> &SerializedValues {
        &self.values
    }

    /// The token of the bound partition key; `None` if the statement is not token
    /// aware.
    pub fn calculate_token(&self) -> Result<Option<Token>, PartitionKeyError> {
        self.prepared.calculate_token_untyped(&self.values)
    }

    /// Sets the number of rows per page for paged execution (must be positive; see
    /// [`PreparedStatement::set_page_size`]).
    pub fn set_page_size(&mut self, page_size: i32) {
        self.prepared.set_page_size(page_size);
    }

    /// Sets whether to use the cached result metadata (see
    /// [`PreparedStatement::set_use_cached_result_metadata`]).
    pub fn set_use_cached_result_metadata(&mut self, use_cached_metadata: bool) {
        self.prepared
            .set_use_cached_result_metadata(use_cached_metadata);
    }

    impl_statement_config_setters!(prepared.config);
}
