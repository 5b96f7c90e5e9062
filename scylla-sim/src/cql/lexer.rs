//! The CQL lexer: turns text into tokens.
//!
//! Tokens only record their kind and byte range; the parser reads their text from the source.
//! The rules follow Cassandra's and ScyllaDB's `Lexer.g`: case-insensitive keywords, unquoted
//! identifiers `[A-Za-z][A-Za-z0-9_]*`, `"quoted"` identifiers with `""` escapes, `'strings'`
//! with `''` escapes and `$$pg-style strings$$`, integers and floats (a leading `-` belongs to
//! the number), durations (`1h30m`, `P1DT2H`, `P2W`, `P0001-02-03T04:05:06`), `0x` blobs, UUIDs,
//! `?`, and the comments `--`, `//` and `/* */`.

use super::error::SyntaxError;
use super::keywords::Keyword;

/// What a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TokenKind {
    /// An unquoted identifier or keyword (see [`Token::keyword`]).
    Ident,
    /// A `"quoted"` identifier.
    QuotedName,
    /// A `'string'` or `$$string$$`.
    String,
    /// An integer, possibly negative.
    Integer,
    /// A floating-point number (not `NaN`/`Infinity`, which are keywords).
    Float,
    /// `true` or `false`, in any case.
    Boolean,
    /// A duration such as `1h30m` or `P1D`.
    Duration,
    /// A UUID.
    Uuid,
    /// A `0x...` blob.
    Hex,
    /// `?`
    QMark,
    /// `:`
    Colon,
    /// `,`
    Comma,
    /// `;`
    Semicolon,
    /// `.`
    Dot,
    /// `(`
    LParen,
    /// `)`
    RParen,
    /// `[`
    LBracket,
    /// `]`
    RBracket,
    /// `{`
    LBrace,
    /// `}`
    RBrace,
    /// `=`
    Eq,
    /// `!=`
    Neq,
    /// `<`
    Lt,
    /// `<=`
    Lte,
    /// `>`
    Gt,
    /// `>=`
    Gte,
    /// `+`
    Plus,
    /// `-`
    Minus,
    /// `*`
    Star,
    /// `/`
    Slash,
    /// `%`
    Percent,
    /// `+=`
    PlusEq,
    /// `-=`
    MinusEq,
    /// The end of the input.
    Eof,
}

impl TokenKind {
    /// How the grammar names this kind of token in "expecting ..." messages.
    pub(crate) fn name(self) -> &'static str {
        use TokenKind::*;
        match self {
            Ident => "IDENT",
            QuotedName => "QUOTED_NAME",
            String => "STRING_LITERAL",
            Integer => "INTEGER",
            Float => "FLOAT",
            Boolean => "BOOLEAN",
            Duration => "DURATION",
            Uuid => "UUID",
            Hex => "HEXNUMBER",
            QMark => "QMARK",
            Colon => "':'",
            Comma => "','",
            Semicolon => "';'",
            Dot => "'.'",
            LParen => "'('",
            RParen => "')'",
            LBracket => "'['",
            RBracket => "']'",
            LBrace => "'{'",
            RBrace => "'}'",
            Eq => "'='",
            Neq => "'!='",
            Lt => "'<'",
            Lte => "'<='",
            Gt => "'>'",
            Gte => "'>='",
            Plus => "'+'",
            Minus => "'-'",
            Star => "'*'",
            Slash => "'/'",
            Percent => "'%'",
            PlusEq => "'+='",
            MinusEq => "'-='",
            Eof => "EOF",
        }
    }
}

/// One token: its kind, where it is, and the keyword it spells if it is an [`TokenKind::Ident`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Token {
    /// The kind of token.
    pub kind: TokenKind,
    /// Byte offset of the first byte.
    pub start: usize,
    /// Byte offset just past the last byte.
    pub end: usize,
    /// For identifiers, the keyword they spell (reserved or not).
    pub keyword: Option<Keyword>,
}

/// Splits `src` into tokens, ending with one [`TokenKind::Eof`] token.
pub(crate) fn tokenize(src: &str) -> Result<Vec<Token>, SyntaxError> {
    let mut lexer = Lexer {
        src,
        bytes: src.as_bytes(),
        pos: 0,
        tokens: Vec::new(),
    };
    lexer.run()?;
    Ok(lexer.tokens)
}

struct Lexer<'a> {
    src: &'a str,
    bytes: &'a [u8],
    pos: usize,
    tokens: Vec<Token>,
}

fn is_ident_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

impl Lexer<'_> {
    fn byte(&self, at: usize) -> Option<u8> {
        self.bytes.get(at).copied()
    }

    fn push(&mut self, kind: TokenKind, start: usize, end: usize) {
        let keyword = if kind == TokenKind::Ident {
            self.src.get(start..end).and_then(Keyword::lookup)
        } else {
            None
        };
        self.tokens.push(Token {
            kind,
            start,
            end,
            keyword,
        });
        self.pos = end;
    }

    fn error(&self, at: usize, message: String) -> SyntaxError {
        SyntaxError::at(self.src, at, message)
    }

    /// "mismatched character '<EOF>' expecting 'c'", for an unterminated construct.
    fn unterminated(&self, expecting: &str) -> SyntaxError {
        self.error(
            self.bytes.len(),
            format!("mismatched character '<EOF>' expecting {expecting}"),
        )
    }

    fn run(&mut self) -> Result<(), SyntaxError> {
        while let Some(b) = self.byte(self.pos) {
            let start = self.pos;
            match b {
                b' ' | b'\t' | b'\n' | b'\r' => self.pos += 1,
                b'-' if self.byte(start + 1) == Some(b'-') => self.line_comment(),
                b'/' if self.byte(start + 1) == Some(b'/') => self.line_comment(),
                b'/' if self.byte(start + 1) == Some(b'*') => self.block_comment()?,
                b'\'' => self.quoted_string()?,
                b'$' if self.byte(start + 1) == Some(b'$') => self.dollar_string()?,
                b'"' => self.quoted_name()?,
                b'-' => self.minus(),
                b'0'..=b'9' => {
                    if !self.uuid() && !self.hex() {
                        self.number(start);
                    }
                }
                b'a'..=b'z' | b'A'..=b'Z' => {
                    if !(self.uuid() || (b == b'P' && self.iso_duration(start))) {
                        self.word();
                    }
                }
                _ => self.symbol()?,
            }
        }
        let end = self.bytes.len();
        self.tokens.push(Token {
            kind: TokenKind::Eof,
            start: end,
            end,
            keyword: None,
        });
        Ok(())
    }

    fn line_comment(&mut self) {
        let rest = self.bytes.get(self.pos..).unwrap_or(&[]);
        match rest.iter().position(|&b| b == b'\n' || b == b'\r') {
            Some(n) => self.pos += n + 1,
            None => self.pos = self.bytes.len(),
        }
    }

    fn block_comment(&mut self) -> Result<(), SyntaxError> {
        let body = self.pos + 2;
        let rest = self.bytes.get(body..).unwrap_or(&[]);
        match rest.windows(2).position(|w| w == b"*/") {
            Some(n) => {
                self.pos = body + n + 2;
                Ok(())
            }
            None => Err(self.unterminated("'*'")),
        }
    }

    fn quoted_string(&mut self) -> Result<(), SyntaxError> {
        let start = self.pos;
        let end = self
            .find_closing(start + 1, b'\'')
            .ok_or_else(|| self.unterminated("'''"))?;
        self.push(TokenKind::String, start, end);
        Ok(())
    }

    fn quoted_name(&mut self) -> Result<(), SyntaxError> {
        let start = self.pos;
        let end = self
            .find_closing(start + 1, b'"')
            .ok_or_else(|| self.unterminated("'\"'"))?;
        if end == start + 2 {
            return Err(self.error(start, "empty quoted identifier \"\" is not allowed".into()));
        }
        self.push(TokenKind::QuotedName, start, end);
        Ok(())
    }

    /// Finds the end (exclusive) of a quoted token whose body starts at `from`, where a doubled
    /// `quote` stands for itself.
    fn find_closing(&self, from: usize, quote: u8) -> Option<usize> {
        let mut i = from;
        loop {
            let rest = self.bytes.get(i..)?;
            let n = rest.iter().position(|&b| b == quote)?;
            i += n + 1;
            if self.byte(i) == Some(quote) {
                i += 1;
            } else {
                return Some(i);
            }
        }
    }

    fn dollar_string(&mut self) -> Result<(), SyntaxError> {
        let start = self.pos;
        let rest = self.bytes.get(start + 2..).unwrap_or(&[]);
        match rest.windows(2).position(|w| w == b"$$") {
            Some(n) => {
                self.push(TokenKind::String, start, start + 2 + n + 2);
                Ok(())
            }
            None => Err(self.unterminated("'$'")),
        }
    }

    fn minus(&mut self) {
        let start = self.pos;
        match self.byte(start + 1) {
            Some(b'0'..=b'9') => self.number(start),
            Some(b'P') if self.iso_duration(start) => {}
            Some(b'=') => self.push(TokenKind::MinusEq, start, start + 2),
            _ => self.push(TokenKind::Minus, start, start + 1),
        }
    }

    fn digits_end(&self, from: usize) -> usize {
        let mut i = from;
        while self.byte(i).is_some_and(|b| b.is_ascii_digit()) {
            i += 1;
        }
        i
    }

    /// An exponent (`e`, optional sign, digits) at `at`: its end.
    fn exponent_end(&self, at: usize) -> Option<usize> {
        if !matches!(self.byte(at), Some(b'e' | b'E')) {
            return None;
        }
        let mut i = at + 1;
        if matches!(self.byte(i), Some(b'+' | b'-')) {
            i += 1;
        }
        let end = self.digits_end(i);
        (end > i).then_some(end)
    }

    /// A duration unit at `at`: its length in bytes.
    fn duration_unit_len(&self, at: usize) -> Option<usize> {
        let lower = |i: usize| self.byte(i).map(|b| b.to_ascii_lowercase());
        match (lower(at), lower(at + 1)) {
            (Some(b'm'), Some(b'o' | b's')) | (Some(b'u' | b'n'), Some(b's')) => Some(2),
            // 'µ' (U+00B5) is two bytes in UTF-8.
            (Some(0xc2), _) if self.byte(at + 1) == Some(0xb5) && lower(at + 2) == Some(b's') => {
                Some(3)
            }
            (Some(b'y' | b'w' | b'd' | b'h' | b'm' | b's'), _) => Some(1),
            _ => None,
        }
    }

    /// An integer, float or duration starting at `start` (a digit, or `-` then a digit).
    fn number(&mut self, start: usize) {
        let digits_start = if self.byte(start) == Some(b'-') {
            start + 1
        } else {
            start
        };
        let int_end = self.digits_end(digits_start);
        if self.byte(int_end) == Some(b'.') {
            let frac_end = self.digits_end(int_end + 1);
            let end = self.exponent_end(frac_end).unwrap_or(frac_end);
            self.push(TokenKind::Float, start, end);
        } else if let Some(end) = self.exponent_end(int_end) {
            self.push(TokenKind::Float, start, end);
        } else if let Some(unit) = self.duration_unit_len(int_end) {
            let mut end = int_end + unit;
            loop {
                let next_digits = self.digits_end(end);
                if next_digits == end {
                    break;
                }
                match self.duration_unit_len(next_digits) {
                    Some(unit) => end = next_digits + unit,
                    None => break,
                }
            }
            self.push(TokenKind::Duration, start, end);
        } else {
            self.push(TokenKind::Integer, start, int_end);
        }
    }

    /// A UUID at the current position: pushes it and returns true.
    fn uuid(&mut self) -> bool {
        let start = self.pos;
        let Some(candidate) = self.bytes.get(start..start + 36) else {
            return false;
        };
        let ok = candidate.iter().enumerate().all(|(i, &b)| match i {
            8 | 13 | 18 | 23 => b == b'-',
            _ => b.is_ascii_hexdigit(),
        });
        if ok {
            self.push(TokenKind::Uuid, start, start + 36);
        }
        ok
    }

    /// A `0x` blob at the current position: pushes it and returns true.
    fn hex(&mut self) -> bool {
        let start = self.pos;
        if self.byte(start) != Some(b'0') || !matches!(self.byte(start + 1), Some(b'x' | b'X')) {
            return false;
        }
        let mut end = start + 2;
        while self.byte(end).is_some_and(|b| b.is_ascii_hexdigit()) {
            end += 1;
        }
        self.push(TokenKind::Hex, start, end);
        true
    }

    /// An ISO 8601 duration starting at `start` (`P`, or `-P`): pushes it and returns true.
    /// Not a duration when the match is followed by an identifier character (then it is an
    /// identifier such as `P1Dx`).
    fn iso_duration(&mut self, start: usize) -> bool {
        let p = if self.byte(start) == Some(b'-') {
            start + 1
        } else {
            start
        };
        let end = self
            .iso_alternative_end(p)
            .or_else(|| self.iso_week_end(p))
            .or_else(|| self.iso_designators_end(p));
        match end {
            Some(end) if !self.byte(end).is_some_and(is_ident_char) => {
                self.push(TokenKind::Duration, start, end);
                true
            }
            _ => false,
        }
    }

    /// `PYYYY-MM-DDThh:mm:ss`
    fn iso_alternative_end(&self, p: usize) -> Option<usize> {
        let pattern = b"P####-##-##T##:##:##";
        let candidate = self.bytes.get(p..p + pattern.len())?;
        let ok = candidate.iter().zip(pattern).all(|(&b, &want)| match want {
            b'#' => b.is_ascii_digit(),
            _ => b == want,
        });
        ok.then_some(p + pattern.len())
    }

    /// `PnW`
    fn iso_week_end(&self, p: usize) -> Option<usize> {
        let digits = self.digits_end(p + 1);
        (digits > p + 1 && self.byte(digits) == Some(b'W')).then_some(digits + 1)
    }

    /// `P[nY][nM][nD][T[nH][nM][nS]]` with at least one component, and at least one after `T`.
    fn iso_designators_end(&self, p: usize) -> Option<usize> {
        let mut i = p + 1;
        let mut any = false;
        let components = |i: &mut usize, designators: &[u8]| {
            let mut found = false;
            let mut allowed = designators;
            loop {
                let digits = self.digits_end(*i);
                if digits == *i {
                    break;
                }
                let Some(d) = self.byte(digits) else { break };
                let Some(k) = allowed.iter().position(|&a| a == d) else {
                    break;
                };
                allowed = allowed.get(k + 1..).unwrap_or(&[]);
                *i = digits + 1;
                found = true;
            }
            found
        };
        any |= components(&mut i, b"YMD");
        if self.byte(i) == Some(b'T') {
            let mut j = i + 1;
            if !components(&mut j, b"HMS") {
                return None;
            }
            i = j;
            any = true;
        }
        any.then_some(i)
    }

    fn word(&mut self) {
        let start = self.pos;
        let mut end = start + 1;
        while self.byte(end).is_some_and(is_ident_char) {
            end += 1;
        }
        let text = self.src.get(start..end).unwrap_or("");
        let kind = if text.eq_ignore_ascii_case("true") || text.eq_ignore_ascii_case("false") {
            TokenKind::Boolean
        } else {
            TokenKind::Ident
        };
        self.push(kind, start, end);
    }

    fn symbol(&mut self) -> Result<(), SyntaxError> {
        use TokenKind::*;
        let start = self.pos;
        let next = self.byte(start + 1);
        let (kind, len) = match self.byte(start) {
            Some(b'?') => (QMark, 1),
            Some(b':') => (Colon, 1),
            Some(b',') => (Comma, 1),
            Some(b';') => (Semicolon, 1),
            Some(b'.') => (Dot, 1),
            Some(b'(') => (LParen, 1),
            Some(b')') => (RParen, 1),
            Some(b'[') => (LBracket, 1),
            Some(b']') => (RBracket, 1),
            Some(b'{') => (LBrace, 1),
            Some(b'}') => (RBrace, 1),
            Some(b'=') => (Eq, 1),
            Some(b'!') if next == Some(b'=') => (Neq, 2),
            Some(b'<') if next == Some(b'=') => (Lte, 2),
            Some(b'<') => (Lt, 1),
            Some(b'>') if next == Some(b'=') => (Gte, 2),
            Some(b'>') => (Gt, 1),
            Some(b'+') if next == Some(b'=') => (PlusEq, 2),
            Some(b'+') => (Plus, 1),
            Some(b'*') => (Star, 1),
            Some(b'/') => (Slash, 1),
            Some(b'%') => (Percent, 1),
            _ => {
                let c = self.src.get(start..).and_then(|s| s.chars().next());
                let shown =
                    c.map_or_else(std::string::String::new, |c| c.escape_debug().to_string());
                return Err(self.error(
                    start,
                    format!("no viable alternative at character '{shown}'"),
                ));
            }
        };
        self.push(kind, start, start + len);
        Ok(())
    }
}

/// The value of a string literal token (`'...'` or `$$...$$`) given its source text.
pub(crate) fn string_value(text: &str) -> String {
    if let Some(inner) = text.strip_prefix("$$").and_then(|t| t.strip_suffix("$$")) {
        return inner.to_owned();
    }
    let inner = text
        .strip_prefix('\'')
        .and_then(|t| t.strip_suffix('\''))
        .unwrap_or(text);
    inner.replace("''", "'")
}

/// The identifier denoted by a quoted-name token given its source text.
pub(crate) fn quoted_name_value(text: &str) -> String {
    let inner = text
        .strip_prefix('"')
        .and_then(|t| t.strip_suffix('"'))
        .unwrap_or(text);
    inner.replace("\"\"", "\"")
}

#[cfg(test)]
mod tests {
    use super::TokenKind::*;
    use super::*;

    fn kinds(src: &str) -> Vec<(TokenKind, &str)> {
        tokenize(src)
            .unwrap()
            .into_iter()
            .filter(|t| t.kind != Eof)
            .map(|t| (t.kind, &src[t.start..t.end]))
            .collect()
    }

    fn lex_err(src: &str) -> std::string::String {
        tokenize(src).unwrap_err().to_string()
    }

    #[test]
    fn identifiers_keywords_and_booleans() {
        let toks = tokenize("SELECT peer FROM True fAlSe truex").unwrap();
        assert_eq!(toks[0].keyword, Some(Keyword::Select));
        assert_eq!(toks[1].keyword, None);
        assert_eq!(toks[2].keyword, Some(Keyword::From));
        assert_eq!(toks[3].kind, Boolean);
        assert_eq!(toks[4].kind, Boolean);
        assert_eq!(toks[5].kind, Ident);
        assert_eq!(toks[6].kind, Eof);
        assert_eq!(kinds("a_1b"), vec![(Ident, "a_1b")]);
    }

    #[test]
    fn strings_and_quoted_names() {
        assert_eq!(kinds("'it''s'"), vec![(String, "'it''s'")]);
        assert_eq!(string_value("'it''s'"), "it's");
        assert_eq!(string_value("''"), "");
        assert_eq!(kinds("$$a'b$c$$"), vec![(String, "$$a'b$c$$")]);
        assert_eq!(string_value("$$a'b$c$$"), "a'b$c");
        assert_eq!(string_value("$$$$"), "");
        assert_eq!(
            kinds("\"My \"\"Col\"\"\""),
            vec![(QuotedName, "\"My \"\"Col\"\"\"")]
        );
        assert_eq!(quoted_name_value("\"My \"\"Col\"\"\""), "My \"Col\"");
        assert_eq!(kinds("'é\n'"), vec![(String, "'é\n'")]);
    }

    #[test]
    fn numbers() {
        assert_eq!(kinds("42"), vec![(Integer, "42")]);
        assert_eq!(kinds("-42"), vec![(Integer, "-42")]);
        assert_eq!(kinds("1.5"), vec![(Float, "1.5")]);
        assert_eq!(kinds("-1.5e-3"), vec![(Float, "-1.5e-3")]);
        assert_eq!(kinds("1E10"), vec![(Float, "1E10")]);
        assert_eq!(kinds("1."), vec![(Float, "1.")]);
        assert_eq!(
            kinds("x - 3"),
            vec![(Ident, "x"), (Minus, "-"), (Integer, "3")]
        );
        assert_eq!(kinds("x -3"), vec![(Ident, "x"), (Integer, "-3")]);
        assert_eq!(kinds("1e"), vec![(Integer, "1"), (Ident, "e")]);
        assert_eq!(kinds("-NaN"), vec![(Minus, "-"), (Ident, "NaN")]);
    }

    #[test]
    fn durations() {
        for d in [
            "1h30m",
            "12ms",
            "3us",
            "5µs",
            "10ns",
            "1y2mo",
            "2w",
            "1d",
            "-1h",
            "1H30M",
            "P1D",
            "P1DT2H",
            "PT2H30M",
            "P1Y2M3D",
            "P2W",
            "-P1D",
            "P0001-02-03T04:05:06",
            "PT1S",
        ] {
            assert_eq!(kinds(d), vec![(Duration, d)], "{d}");
        }
        assert_eq!(kinds("1h30"), vec![(Duration, "1h"), (Integer, "30")]);
        // Not durations: identifiers that start like one.
        assert_eq!(kinds("P1Dx"), vec![(Ident, "P1Dx")]);
        assert_eq!(kinds("PT"), vec![(Ident, "PT")]);
        assert_eq!(kinds("P"), vec![(Ident, "P")]);
        assert_eq!(kinds("p1d"), vec![(Ident, "p1d")]);
    }

    #[test]
    fn uuids_and_blobs() {
        let u = "123e4567-e89b-12d3-a456-426614174000";
        assert_eq!(kinds(u), vec![(Uuid, u)]);
        let u = "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11";
        assert_eq!(kinds(u), vec![(Uuid, u)]);
        assert_eq!(kinds("0xCAFE"), vec![(Hex, "0xCAFE")]);
        assert_eq!(kinds("0x"), vec![(Hex, "0x")]);
        assert_eq!(kinds("a0eebc99"), vec![(Ident, "a0eebc99")]);
    }

    #[test]
    fn symbols_and_comments() {
        assert_eq!(
            kinds("a<=b>=c!=d<e>f+=g-=h"),
            vec![
                (Ident, "a"),
                (Lte, "<="),
                (Ident, "b"),
                (Gte, ">="),
                (Ident, "c"),
                (Neq, "!="),
                (Ident, "d"),
                (Lt, "<"),
                (Ident, "e"),
                (Gt, ">"),
                (Ident, "f"),
                (PlusEq, "+="),
                (Ident, "g"),
                (MinusEq, "-="),
                (Ident, "h"),
            ]
        );
        assert_eq!(
            kinds("a -- c1\n b // c2\r c /* c3 \n */ d -- end"),
            vec![(Ident, "a"), (Ident, "b"), (Ident, "c"), (Ident, "d")]
        );
        assert_eq!(
            kinds("? : ;"),
            vec![(QMark, "?"), (Colon, ":"), (Semicolon, ";")]
        );
    }

    #[test]
    fn errors() {
        assert_eq!(
            lex_err("SELECT 'abc"),
            "line 1:11 mismatched character '<EOF>' expecting '''"
        );
        assert_eq!(
            lex_err("a\n  #"),
            "line 2:2 no viable alternative at character '#'"
        );
        assert_eq!(
            lex_err("é"),
            "line 1:0 no viable alternative at character 'é'"
        );
        assert!(lex_err("/* x").contains("expecting '*'"));
        assert!(lex_err("$$ x").contains("expecting '$'"));
        assert!(lex_err("\"abc").contains("expecting '\"'"));
        assert!(lex_err("\"\"").contains("empty quoted identifier"));
        assert!(lex_err("!").contains("no viable alternative at character '!'"));
    }

    #[test]
    fn token_positions() {
        let toks = tokenize("ab  'c'").unwrap();
        assert_eq!((toks[0].start, toks[0].end), (0, 2));
        assert_eq!((toks[1].start, toks[1].end), (4, 7));
        assert_eq!((toks[2].start, toks[2].end), (7, 7));
    }
}
