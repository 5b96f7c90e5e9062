//! The CQL language: lexer, parser and syntax tree.
