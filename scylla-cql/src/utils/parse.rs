//! A tiny recursive-descent parser over a string, used by the type-string parsers.

/// Why a parse failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ParseErrorCause {
    /// A specific string was expected.
    Expected(&'static str),
    /// Something else went wrong.
    Other(&'static str),
}

impl std::fmt::Display for ParseErrorCause {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ParseErrorCause::Expected(e) => write!(f, "expected {e:?}"),
            ParseErrorCause::Other(e) => f.write_str(e),
        }
    }
}
