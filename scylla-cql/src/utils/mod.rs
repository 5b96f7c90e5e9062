//! Small helpers shared by parsers.

pub mod parse;
