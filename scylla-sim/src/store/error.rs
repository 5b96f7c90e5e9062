//! The errors the store returns.

/// Why a schema change, a write or a read was refused. Each variant corresponds to a
/// CQL error code the executor answers with.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StoreError {
    /// The keyspace (when `table` is empty) or table (or type) already exists
    /// (`ALREADY_EXISTS`, 0x2400).
    #[error("{}", already_exists_message(keyspace, table))]
    AlreadyExists {
        /// The keyspace.
        keyspace: String,
        /// The table or type; empty for a keyspace.
        table: String,
    },
    /// The request is invalid (`INVALID`, 0x2200).
    #[error("{0}")]
    Invalid(String),
    /// The request is syntactically valid but names an unknown property (`SYNTAX_ERROR`,
    /// 0x2000), as Cassandra reports unknown `WITH` options.
    #[error("{0}")]
    Syntax(String),
    /// A configuration option (replication, table option value) is wrong
    /// (`CONFIG_ERROR`, 0x2300).
    #[error("{0}")]
    Config(String),
    /// The request touches something users may not modify, such as a system keyspace
    /// (`UNAUTHORIZED`, 0x2100).
    #[error("{0}")]
    Unauthorized(String),
}

fn already_exists_message(keyspace: &str, table: &str) -> String {
    if table.is_empty() {
        format!("Cannot add already existing keyspace \"{keyspace}\"")
    } else {
        format!("Cannot add already existing table \"{table}\" to keyspace \"{keyspace}\"")
    }
}

impl StoreError {
    /// Shorthand for [`StoreError::Invalid`].
    pub fn invalid(message: impl Into<String>) -> Self {
        StoreError::Invalid(message.into())
    }
}
