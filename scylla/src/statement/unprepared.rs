//! Unprepared statements: CQL text sent as is with QUERY.

use super::{
    PageSize, StatementConfig, impl_statement_config_getters, impl_statement_config_setters,
};

/// A CQL statement sent as text. With bind values, the session prepares it first
/// (to learn the bind markers' types); prepare it yourself
/// (`Session::prepare`) if you run it more than once.
///
/// ```
/// use scylla::statement::Statement;
/// use scylla::statement::Consistency;
///
/// let mut statement = Statement::new("SELECT a, b FROM ks.t").with_page_size(100);
/// statement.set_consistency(Consistency::One);
/// assert_eq!(statement.get_page_size(), 100);
/// ```
#[derive(Clone)]
pub struct Statement {
    pub(crate) config: StatementConfig,
    /// The CQL text.
    pub contents: String,
    page_size: PageSize,
}

impl Statement {
    /// A statement with the given text, a page size of 5000 and no settings of its
    /// own.
    pub fn new(query_text: impl Into<String>) -> Self {
        Self {
            contents: query_text.into(),
            page_size: PageSize::default(),
            config: StatementConfig::default(),
        }
    }

    /// Sets the page size for paged execution (builder style). Must be positive;
    /// see [`set_page_size`](Self::set_page_size).
    pub fn with_page_size(mut self, page_size: i32) -> Self {
        self.set_page_size(page_size);
        self
    }

    /// Sets the number of rows per page for paged execution (`query_iter`,
    /// `query_single_page`); unpaged execution ignores it. Default: 5000.
    ///
    /// The size must be positive. Upstream panics otherwise; this driver keeps the
    /// previous size and logs a warning.
    pub fn set_page_size(&mut self, page_size: i32) {
        self.page_size.set_or_warn(page_size);
    }

    /// The page size.
    pub fn get_page_size(&self) -> i32 {
        self.page_size.inner()
    }

    pub(crate) fn page_size(&self) -> PageSize {
        self.page_size
    }

    impl_statement_config_setters!(config);
    impl_statement_config_getters!(config);
}

impl From<String> for Statement {
    fn from(s: String) -> Statement {
        Statement::new(s)
    }
}

impl<'a> From<&'a str> for Statement {
    fn from(s: &'a str) -> Statement {
        Statement::new(s.to_owned())
    }
}
