//! Batches: several statements executed as one request.

use std::borrow::Cow;

use super::prepared::PreparedStatement;
use super::unprepared::Statement;
use super::{StatementConfig, impl_statement_config_getters, impl_statement_config_setters};

pub use scylla_cql::frame::request::batch::BatchType;

/// Several statements sent in one BATCH request, each with its own values
/// (`Session::batch`). Statements with values should be prepared
/// (`Session::prepare_batch` prepares them all).
///
/// ```
/// use scylla::statement::batch::{Batch, BatchType};
///
/// let mut batch = Batch::new(BatchType::Unlogged);
/// batch.append_statement("INSERT INTO ks.t (a) VALUES (1)");
/// batch.append_statement("INSERT INTO ks.t (a) VALUES (?)");
/// assert_eq!(batch.statements.len(), 2);
/// ```
#[derive(Clone)]
pub struct Batch {
    pub(crate) config: StatementConfig,
    /// The statements, in order.
    pub statements: Vec<BatchStatement>,
    batch_type: BatchType,
}

impl Batch {
    /// An empty batch of the given type.
    pub fn new(batch_type: BatchType) -> Self {
        Self::new_with_statements(batch_type, Vec::new())
    }

    /// A batch of the given type with these statements.
    pub fn new_with_statements(batch_type: BatchType, statements: Vec<BatchStatement>) -> Self {
        Self {
            config: StatementConfig::default(),
            statements,
            batch_type,
        }
    }

    /// A batch with the type and settings of this one, and other statements (for
    /// `prepare_batch`).
    pub(crate) fn with_statements_like(&self, statements: Vec<BatchStatement>) -> Self {
        Self {
            config: self.config.clone(),
            statements,
            batch_type: self.batch_type,
        }
    }

    /// Appends a statement.
    pub fn append_statement(&mut self, statement: impl Into<BatchStatement>) {
        self.statements.push(statement.into());
    }

    /// The batch type.
    pub fn get_type(&self) -> BatchType {
        self.batch_type
    }

    impl_statement_config_setters!(config);
    impl_statement_config_getters!(config);
}

impl Default for Batch {
    /// An empty logged batch.
    fn default() -> Self {
        Self::new(BatchType::Logged)
    }
}

/// A statement of a batch.
#[derive(Clone)]
#[non_exhaustive]
pub enum BatchStatement {
    /// An unprepared statement, sent as text.
    Query(Statement),
    /// A prepared statement, sent as its id.
    PreparedStatement(PreparedStatement),
}

impl From<&str> for BatchStatement {
    fn from(s: &str) -> Self {
        BatchStatement::Query(Statement::from(s))
    }
}

impl From<Statement> for BatchStatement {
    fn from(s: Statement) -> Self {
        BatchStatement::Query(s)
    }
}

impl From<PreparedStatement> for BatchStatement {
    fn from(p: PreparedStatement) -> Self {
        BatchStatement::PreparedStatement(p)
    }
}

impl<'a: 'b, 'b> From<&'a BatchStatement>
    for scylla_cql::frame::request::batch::BatchStatement<'b>
{
    fn from(statement: &'a BatchStatement) -> Self {
        match statement {
            BatchStatement::Query(s) => Self::Query {
                text: Cow::Borrowed(s.contents.as_str()),
            },
            BatchStatement::PreparedStatement(p) => Self::Prepared {
                id: Cow::Borrowed(p.get_id().as_ref()),
            },
        }
    }
}
