//! The syntax error reported by the lexer and the parser.

use std::fmt;

/// A CQL statement that cannot be parsed.
///
/// Its [`Display`](fmt::Display) form follows the messages of Cassandra and ScyllaDB, e.g.
/// `line 1:9 mismatched input 'FORM' expecting K_FROM (SELECT * [FORM] t)`, so a server can
/// send it unchanged in a `SYNTAX_ERROR` response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    /// Line of the offending input, starting at 1.
    pub line: usize,
    /// Column of the offending input in characters, starting at 0 (as ANTLR counts).
    pub column: usize,
    /// Byte offset of the offending input in the parsed text.
    pub offset: usize,
    /// What went wrong, without the position, e.g. `no viable alternative at input 'FORM'`.
    pub message: String,
    /// A few tokens around the offending one, which is put between brackets; empty when the
    /// error is not about a token (lexer errors, end of input).
    pub context: String,
}

impl SyntaxError {
    /// Builds an error at byte `offset` of `source`, computing line and column.
    pub(crate) fn at(source: &str, offset: usize, message: String) -> Self {
        let (line, column) = line_and_column(source, offset);
        SyntaxError {
            line,
            column,
            offset,
            message,
            context: String::new(),
        }
    }

    /// Sets the context snippet shown after the message.
    pub(crate) fn with_context(mut self, context: String) -> Self {
        self.context = context;
        self
    }
}

impl fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}:{} {}", self.line, self.column, self.message)?;
        if !self.context.is_empty() {
            write!(f, " ({})", self.context)?;
        }
        Ok(())
    }
}

impl std::error::Error for SyntaxError {}

/// Line (from 1) and column in characters (from 0) of byte `offset` in `source`.
fn line_and_column(source: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(source.len());
    while !source.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = source.get(..offset).unwrap_or("");
    let mut line = 1;
    let mut line_start = 0;
    for (i, b) in before.bytes().enumerate() {
        if b == b'\n' {
            line += 1;
            line_start = i + 1;
        }
    }
    let column = before.get(line_start..).map_or(0, |s| s.chars().count());
    (line, column)
}

/// Shortens `text` to at most `max` characters, marking the cut with `...`.
pub(crate) fn shorten(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((cut, _)) => format!("{}...", &text[..cut]),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_count_characters_from_zero() {
        assert_eq!(line_and_column("abc", 0), (1, 0));
        assert_eq!(line_and_column("abc", 2), (1, 2));
        assert_eq!(line_and_column("ab\ncd", 3), (2, 0));
        assert_eq!(line_and_column("ab\ncd", 4), (2, 1));
        // 'é' is two bytes but one character.
        assert_eq!(line_and_column("é x", 3), (1, 2));
        // Offsets past the end or inside a character are clamped.
        assert_eq!(line_and_column("é", 1), (1, 0));
        assert_eq!(line_and_column("ab", 99), (1, 2));
    }

    #[test]
    fn display_has_position_message_and_context() {
        let e = SyntaxError::at("SELECT * FORM t", 9, "msg".into()).with_context("ctx".into());
        assert_eq!(e.to_string(), "line 1:9 msg (ctx)");
        let e = SyntaxError::at("x", 0, "msg".into());
        assert_eq!(e.to_string(), "line 1:0 msg");
    }

    #[test]
    fn shorten_cuts_on_character_boundaries() {
        assert_eq!(shorten("abc", 5), "abc");
        assert_eq!(shorten("ééééé", 2), "éé...");
    }
}
