//! The CQL language: lexer, parser and syntax tree.
//!
//! [`parse_statement`] and [`parse_statements`] turn CQL text into [`ParsedStatement`]s: a
//! typed [`Statement`] with the names of its bind variables. The grammar follows Cassandra's
//! and ScyllaDB's (`Parser.g`, `Lexer.g`, `Cql.g`); statements that are valid CQL but not
//! implemented by this cluster (indexes, materialized views, functions, roles, JSON, ...)
//! parse into [`Statement::Unsupported`] rather than failing, so the executor can answer them
//! with a precise error. Invalid text gives a [`SyntaxError`] whose message follows the
//! servers' (`line 1:9 mismatched input 'FORM' expecting K_FROM (...)`).
//!
//! ```
//! use scylla_sim::cql::{parse_statement, Statement, Selection};
//!
//! let parsed = parse_statement("SELECT peer, rpc_address FROM system.peers WHERE peer = ?").unwrap();
//! let Statement::Select(select) = &parsed.statement else { panic!() };
//! assert_eq!(select.table.keyspace.as_deref(), Some("system"));
//! assert!(matches!(&select.selection, Selection::Selectors(s) if s.len() == 2));
//! assert_eq!(parsed.bind_marker_count(), 1);
//! ```
//!
//! Parsing is linear in the length of the text, and nesting (collections, types, function
//! calls, parenthesised relations) is limited to [`MAX_NESTING`] levels, so no input can make
//! the parser slow or overflow its stack.

pub mod ast;
mod error;
mod keywords;
mod lexer;
mod parser;

pub use ast::*;
pub use error::SyntaxError;
pub use keywords::{is_reserved_keyword, maybe_quote};

/// How deeply expressions, types, selectors and relations may nest before the parser reports
/// an error.
pub const MAX_NESTING: usize = parser::MAX_NESTING;

/// Parses one or more statements separated by `;` (a trailing `;` is allowed).
pub fn parse_statements(text: &str) -> Result<Vec<ParsedStatement>, SyntaxError> {
    parser::parse_all(text)
}

/// Parses exactly one statement, optionally followed by `;` (what a QUERY or PREPARE
/// request carries).
pub fn parse_statement(text: &str) -> Result<ParsedStatement, SyntaxError> {
    parser::parse_one(text)
}
