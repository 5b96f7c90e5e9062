//! A tiny recursive-descent parser over a string: [`ParserState`] is the part of the
//! input not consumed yet, and every step returns the state after it, so a parser is
//! a chain of calls that can back off simply by keeping an older state.
//!
//! ```
//! use scylla_cql::utils::parse::ParserState;
//!
//! // "vector<float, 3>"-like input: a name, '<', a word, ',', a number, '>'.
//! let p = ParserState::new("list< text , 3>");
//! let (name, p) = p.take_while(|c| c.is_ascii_alphanumeric());
//! let p = p.accept("<").unwrap().skip_white();
//! let (inner, p) = p.take_while(|c| c.is_ascii_alphanumeric());
//! let p = p.skip_white().accept(",").unwrap().skip_white();
//! let (n, p) = p.parse_u16().unwrap();
//! let p = p.accept(">").unwrap();
//! assert_eq!((name, inner, n), ("list", "text", 3));
//! assert!(p.is_at_eof());
//! ```

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

/// A parse failure: its cause, and where in the input it happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct ParseError {
    /// How many bytes of the input were left when the parse failed.
    remaining: usize,
    cause: ParseErrorCause,
}

impl ParseError {
    /// The byte offset in `original` (the whole input given to
    /// [`ParserState::new`]) where the parse failed; `None` if `original` is shorter
    /// than what was left to parse (so it cannot be that input).
    pub fn calculate_position(&self, original: &str) -> Option<usize> {
        original.len().checked_sub(self.remaining)
    }

    /// Why the parse failed.
    pub fn get_cause(&self) -> ParseErrorCause {
        self.cause
    }
}

impl std::fmt::Display for ParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} ({} bytes before the end of the input)",
            self.cause, self.remaining
        )
    }
}

impl std::error::Error for ParseError {}

/// The result of a parsing step.
pub type ParseResult<T> = Result<T, ParseError>;

/// The input not consumed yet. Cheap to copy: keep a copy to go back to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParserState<'s> {
    rest: &'s str,
}

impl<'s> ParserState<'s> {
    /// A parser at the start of `input`.
    pub fn new(input: &'s str) -> Self {
        Self { rest: input }
    }

    /// Consumes `part`, which must come next; else fails with
    /// [`ParseErrorCause::Expected`]`(part)`.
    pub fn accept(self, part: &'static str) -> ParseResult<Self> {
        match self.rest.strip_prefix(part) {
            Some(rest) => Ok(Self { rest }),
            None => Err(self.error(ParseErrorCause::Expected(part))),
        }
    }

    /// The byte offset of this state in `original` (the whole input given to
    /// [`ParserState::new`]); `None` if `original` is shorter than what is left.
    pub fn calculate_position(self, original: &str) -> Option<usize> {
        original.len().checked_sub(self.rest.len())
    }

    /// A [`ParseError`] at this position.
    pub fn error(self, cause: ParseErrorCause) -> ParseError {
        ParseError {
            remaining: self.rest.len(),
            cause,
        }
    }

    /// How many bytes are left.
    pub fn get_remaining(self) -> usize {
        self.rest.len()
    }

    /// Whether the whole input was consumed.
    pub fn is_at_eof(self) -> bool {
        self.rest.is_empty()
    }

    /// Parses a decimal number that fits a `u16` (ASCII digits, no sign).
    pub fn parse_u16(self) -> ParseResult<(u16, Self)> {
        let (digits, next) = self.take_while(|c| c.is_ascii_digit());
        if digits.is_empty() {
            return Err(self.error(ParseErrorCause::Expected("a number")));
        }
        let value = digits
            .parse::<u16>()
            .map_err(|_| self.error(ParseErrorCause::Other("number does not fit in u16")))?;
        Ok((value, next))
    }

    /// Runs `step` as long as it returns `true` (each time from the state the last
    /// call returned) and returns the state after the last step. Stops at the first
    /// error.
    pub fn parse_while(
        self,
        mut step: impl FnMut(Self) -> ParseResult<(bool, Self)>,
    ) -> ParseResult<Self> {
        let mut state = self;
        loop {
            let (go_on, next) = step(state)?;
            state = next;
            if !go_on {
                return Ok(state);
            }
        }
    }

    /// Skips whitespace.
    pub fn skip_white(self) -> Self {
        Self {
            rest: self.rest.trim_start(),
        }
    }

    /// Consumes the longest prefix whose characters all satisfy `pred`, and returns
    /// it.
    pub fn take_while(self, mut pred: impl FnMut(char) -> bool) -> (&'s str, Self) {
        let end = self
            .rest
            .char_indices()
            .find(|&(_, c)| !pred(c))
            .map_or(self.rest.len(), |(i, _)| i);
        let (taken, rest) = self.rest.split_at(end);
        (taken, Self { rest })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_consume_the_input() {
        let input = "  abc=123;";
        let p = ParserState::new(input).skip_white();
        assert_eq!(p.calculate_position(input), Some(2));
        let (word, p) = p.take_while(|c| c.is_alphabetic());
        assert_eq!(word, "abc");
        let p = p.accept("=").unwrap();
        let (n, p) = p.parse_u16().unwrap();
        assert_eq!(n, 123);
        assert_eq!(p.get_remaining(), 1);
        assert!(!p.is_at_eof());
        assert!(p.accept(";").unwrap().is_at_eof());
    }

    #[test]
    fn errors_tell_what_and_where() {
        let input = "abc>";
        let p = ParserState::new(input);
        let (_, p) = p.take_while(|c| c.is_alphabetic());
        let err = p.accept("<").unwrap_err();
        assert_eq!(err.get_cause(), ParseErrorCause::Expected("<"));
        assert_eq!(err.calculate_position(input), Some(3));
        assert_eq!(err.calculate_position(""), None);
        assert!(err.to_string().contains("expected \"<\""), "{err}");

        let no_digits = ParserState::new("x").parse_u16().unwrap_err();
        assert_eq!(no_digits.get_cause(), ParseErrorCause::Expected("a number"));
        let too_big = ParserState::new("65536").parse_u16().unwrap_err();
        assert_eq!(
            too_big.get_cause(),
            ParseErrorCause::Other("number does not fit in u16")
        );
        assert_eq!(ParserState::new("65535").parse_u16().unwrap().0, u16::MAX);
    }

    #[test]
    fn parse_while_repeats_until_told_to_stop() {
        // A comma-separated list of numbers.
        let mut numbers = Vec::new();
        let p = ParserState::new("1,22,333 rest")
            .parse_while(|p| {
                let (n, p) = p.parse_u16()?;
                numbers.push(n);
                match p.accept(",") {
                    Ok(p) => Ok((true, p)),
                    Err(_) => Ok((false, p)),
                }
            })
            .unwrap();
        assert_eq!(numbers, [1, 22, 333]);
        assert_eq!(p.get_remaining(), " rest".len());

        let failed = ParserState::new("1,x").parse_while(|p| {
            let (_, p) = p.parse_u16()?;
            Ok((true, p.accept(",")?))
        });
        assert_eq!(
            failed.unwrap_err().calculate_position("1,x"),
            Some(2),
            "the error is at the 'x'"
        );
    }

    #[test]
    fn take_while_handles_multibyte_characters() {
        let (taken, p) = ParserState::new("żółw!").take_while(|c| c != '!');
        assert_eq!(taken, "żółw");
        assert!(p.accept("!").unwrap().is_at_eof());
    }
}
