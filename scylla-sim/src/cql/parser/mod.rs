//! A hand-written recursive-descent parser for CQL, following the grammars of Cassandra
//! (`Parser.g`) and ScyllaDB (`Cql.g`).
//!
//! The parser works on the token list produced by the lexer. It never backtracks more than a
//! bounded amount (a type in parentheses to tell a cast from a tuple; the `JSON`/`DISTINCT`
//! words of a SELECT), and it bounds recursion depth, so any input is parsed in linear time
//! without risk of stack overflow.

mod ddl;
mod dml;
mod expr;
mod other;

use std::collections::HashMap;

use super::ast::{BindMarker, ParsedStatement, Span, Statement, UnsupportedKind};
use super::error::{SyntaxError, shorten};
use super::keywords::Keyword;
use super::lexer::{Token, TokenKind, quoted_name_value, string_value, tokenize};

/// How deeply expressions, types, selectors and relations may nest.
pub(crate) const MAX_NESTING: usize = 32;

/// How much of a token is quoted in an error message.
const MAX_TOKEN_IN_MESSAGE: usize = 60;

/// An error found while parsing. Turning its offset into a line and column and building the
/// context snippet costs time proportional to the input, so it is done once, for the error
/// that is finally reported, not for every failed speculative parse.
pub(crate) struct ParseError {
    /// Byte offset of the offending input.
    offset: usize,
    /// Index of the offending token, if the error is about a token.
    token: Option<usize>,
    /// The message, without position.
    message: String,
}

type PResult<T> = Result<T, ParseError>;

/// Parses one or more `;`-separated statements (a trailing `;` is allowed).
pub(crate) fn parse_all(src: &str) -> Result<Vec<ParsedStatement>, SyntaxError> {
    let mut p = Parser::new(src)?;
    p.statements().map_err(|e| p.to_syntax_error(e))
}

/// Parses exactly one statement, optionally followed by `;`.
pub(crate) fn parse_one(src: &str) -> Result<ParsedStatement, SyntaxError> {
    let mut p = Parser::new(src)?;
    p.single_statement().map_err(|e| p.to_syntax_error(e))
}

/// Parser state: the tokens, the position, and the bind variables of the current statement.
pub(crate) struct Parser<'a> {
    src: &'a str,
    tokens: Vec<Token>,
    pos: usize,
    depth: usize,
    binds: Vec<Option<String>>,
    named_binds: HashMap<String, usize>,
}

impl<'a> Parser<'a> {
    fn new(src: &'a str) -> Result<Self, SyntaxError> {
        Ok(Parser {
            src,
            tokens: tokenize(src)?,
            pos: 0,
            depth: 0,
            binds: Vec::new(),
            named_binds: HashMap::new(),
        })
    }

    fn to_syntax_error(&self, e: ParseError) -> SyntaxError {
        let context = e.token.map(|idx| self.context(idx)).unwrap_or_default();
        SyntaxError::at(self.src, e.offset, e.message).with_context(context)
    }

    fn statements(&mut self) -> PResult<Vec<ParsedStatement>> {
        let p = self;
        let mut out = vec![p.parsed_statement()?];
        loop {
            if p.eat(TokenKind::Semicolon) {
                while p.eat(TokenKind::Semicolon) {}
                if p.at(TokenKind::Eof) {
                    break;
                }
                out.push(p.parsed_statement()?);
            } else if p.at(TokenKind::Eof) {
                break;
            } else {
                return Err(p.mismatched("EOF"));
            }
        }
        Ok(out)
    }

    fn single_statement(&mut self) -> PResult<ParsedStatement> {
        let stmt = self.parsed_statement()?;
        while self.eat(TokenKind::Semicolon) {}
        if !self.at(TokenKind::Eof) {
            return Err(self.mismatched("EOF"));
        }
        Ok(stmt)
    }

    fn parsed_statement(&mut self) -> PResult<ParsedStatement> {
        self.binds.clear();
        self.named_binds.clear();
        let start = self.peek().start;
        let statement = self.statement()?;
        Ok(ParsedStatement {
            statement,
            span: self.span_from(start),
            bind_variables: std::mem::take(&mut self.binds),
        })
    }

    fn statement(&mut self) -> PResult<Statement> {
        use Keyword::*;
        match self.keyword() {
            Some(Select) => self.select_statement(),
            Some(Insert) => Ok(self.insert_statement()?.into()),
            Some(Update) => Ok(self.update_statement()?.into()),
            Some(Delete) => Ok(self.delete_statement()?.into()),
            Some(Begin) => self.batch_statement(),
            Some(Use) => self.use_statement(),
            Some(Truncate) => self.truncate_statement(),
            Some(Create) => self.create_statement(),
            Some(Alter) => self.alter_statement(),
            Some(Drop) => self.drop_statement(),
            Some(Grant) => self.grant_or_revoke(
                To,
                (
                    UnsupportedKind::GrantPermissions,
                    UnsupportedKind::GrantRole,
                ),
            ),
            Some(Revoke) => self.grant_or_revoke(
                From,
                (
                    UnsupportedKind::RevokePermissions,
                    UnsupportedKind::RevokeRole,
                ),
            ),
            Some(List) => self.list_statement(),
            Some(Describe | Desc) => self.describe_statement(),
            Some(Prune) => self.prune_statement(),
            Some(Attach | Detach) => self.attach_detach_statement(),
            _ => Err(self.no_viable()),
        }
    }

    // ----- Token access -----

    /// The token `n` places ahead (the EOF token past the end).
    fn nth(&self, n: usize) -> Token {
        let eof = Token {
            kind: TokenKind::Eof,
            start: self.src.len(),
            end: self.src.len(),
            keyword: None,
        };
        self.tokens
            .get(self.pos.saturating_add(n))
            .or(self.tokens.last())
            .copied()
            .unwrap_or(eof)
    }

    fn peek(&self) -> Token {
        self.nth(0)
    }

    /// The keyword of the current token, if it is one.
    fn keyword(&self) -> Option<Keyword> {
        keyword_of(self.peek())
    }

    fn bump(&mut self) -> Token {
        let t = self.peek();
        if t.kind != TokenKind::Eof {
            self.pos += 1;
        }
        t
    }

    fn text(&self, t: Token) -> &'a str {
        self.src.get(t.start..t.end).unwrap_or("")
    }

    /// End offset of the last consumed token.
    fn prev_end(&self) -> usize {
        self.pos
            .checked_sub(1)
            .and_then(|i| self.tokens.get(i))
            .map_or(0, |t| t.end)
    }

    fn span_from(&self, start: usize) -> Span {
        Span {
            start,
            end: self.prev_end().max(start),
        }
    }

    fn at(&self, kind: TokenKind) -> bool {
        self.peek().kind == kind
    }

    fn at_kw(&self, kw: Keyword) -> bool {
        self.keyword() == Some(kw)
    }

    fn nth_is_kw(&self, n: usize, kw: Keyword) -> bool {
        keyword_of(self.nth(n)) == Some(kw)
    }

    fn eat(&mut self, kind: TokenKind) -> bool {
        let yes = self.at(kind);
        if yes {
            self.bump();
        }
        yes
    }

    fn eat_kw(&mut self, kw: Keyword) -> bool {
        let yes = self.at_kw(kw);
        if yes {
            self.bump();
        }
        yes
    }

    fn expect(&mut self, kind: TokenKind) -> PResult<Token> {
        if self.at(kind) {
            Ok(self.bump())
        } else {
            Err(self.mismatched(kind.name()))
        }
    }

    fn expect_kw(&mut self, kw: Keyword) -> PResult<Token> {
        if self.at_kw(kw) {
            Ok(self.bump())
        } else {
            Err(self.mismatched(&kw.token_name()))
        }
    }

    // ----- Errors -----

    /// The token as ANTLR shows it in messages: its text, with strings and quoted names
    /// shown by value (without quotes), `<EOF>` for the end of input.
    fn token_display(&self, t: Token) -> String {
        let text = self.text(t);
        match t.kind {
            TokenKind::Eof => "<EOF>".to_owned(),
            TokenKind::String => shorten(&string_value(text), MAX_TOKEN_IN_MESSAGE),
            TokenKind::QuotedName => shorten(&quoted_name_value(text), MAX_TOKEN_IN_MESSAGE),
            _ => shorten(text, MAX_TOKEN_IN_MESSAGE),
        }
    }

    /// An error about the token at index `idx`.
    fn error_at(&self, idx: usize, message: String) -> ParseError {
        let offset = self.tokens.get(idx).map_or(self.src.len(), |t| t.start);
        ParseError {
            offset,
            token: Some(idx),
            message,
        }
    }

    /// An error about the current token.
    fn error_here(&self, message: impl Into<String>) -> ParseError {
        self.error_at(self.pos, message.into())
    }

    /// "mismatched input 'X' expecting Y" at the current token.
    fn mismatched(&self, expecting: &str) -> ParseError {
        let shown = self.token_display(self.peek());
        self.error_here(format!("mismatched input '{shown}' expecting {expecting}"))
    }

    /// "no viable alternative at input 'X'" at the current token.
    fn no_viable(&self) -> ParseError {
        let shown = self.token_display(self.peek());
        self.error_here(format!("no viable alternative at input '{shown}'"))
    }

    /// The tokens around token `idx`, with that one in brackets, e.g. `SELECT * [FORM] t`.
    fn context(&self, idx: usize) -> String {
        const MAX_PART: usize = 80;
        let Some(&tok) = self.tokens.get(idx) else {
            return String::new();
        };
        if tok.kind == TokenKind::Eof {
            return String::new();
        }
        // The last token is EOF; `last_real` is the one before it.
        let last_real = self.tokens.len().saturating_sub(2);
        let from = self
            .tokens
            .get(idx.saturating_sub(2))
            .copied()
            .unwrap_or(tok);
        let to_idx = idx.saturating_add(2).min(last_real);
        let to = self.tokens.get(to_idx).copied().unwrap_or(tok);
        let before = self.src.get(from.start..tok.start).unwrap_or("");
        let after = self.src.get(tok.end..to.end.max(tok.end)).unwrap_or("");
        let mut out = String::new();
        if before.chars().count() > MAX_PART {
            out.push_str("...");
            let skip = before.chars().count() - MAX_PART;
            out.extend(before.chars().skip(skip));
        } else {
            out.push_str(before);
        }
        out.push('[');
        out.push_str(&shorten(self.text(tok), MAX_PART));
        out.push(']');
        out.push_str(&shorten(after, MAX_PART));
        if to_idx < last_real {
            out.push_str("...");
        }
        out
    }

    // ----- Nesting and speculation -----

    /// Runs `f` one nesting level deeper, failing with `what` past [`MAX_NESTING`].
    fn nested<T>(&mut self, what: &str, f: impl FnOnce(&mut Self) -> PResult<T>) -> PResult<T> {
        if self.depth >= MAX_NESTING {
            return Err(self.error_here(format!(
                "{what} nested too deeply (more than {MAX_NESTING} levels)"
            )));
        }
        self.depth += 1;
        let result = f(self);
        self.depth -= 1;
        result
    }

    /// Runs `f`; if it fails, puts the parser back where it was (position and bind variables).
    fn attempt<T>(&mut self, f: impl FnOnce(&mut Self) -> PResult<T>) -> PResult<T> {
        let (pos, depth, binds) = (self.pos, self.depth, self.binds.len());
        let result = f(self);
        if result.is_err() {
            self.pos = pos;
            self.depth = depth;
            if self.binds.len() != binds {
                self.binds.truncate(binds);
                self.named_binds.retain(|_, index| *index < binds);
            }
        }
        result
    }

    // ----- Bind markers -----

    fn new_bind_marker(&mut self, name: Option<String>) -> BindMarker {
        if let Some(n) = &name
            && let Some(&index) = self.named_binds.get(n)
        {
            return BindMarker { index, name };
        }
        let index = self.binds.len();
        self.binds.push(name.clone());
        if let Some(n) = &name {
            self.named_binds.insert(n.clone(), index);
        }
        BindMarker { index, name }
    }

    // ----- Identifiers and names -----

    /// The value of an identifier token: unquoted ones lower-cased, quoted ones unescaped.
    fn ident_value(&self, t: Token) -> String {
        let text = self.text(t);
        match t.kind {
            TokenKind::QuotedName => quoted_name_value(text),
            _ => text.to_ascii_lowercase(),
        }
    }

    /// An identifier: unquoted (not a reserved keyword) or quoted.
    fn ident(&mut self) -> PResult<String> {
        if is_ident_token(self.peek()) {
            let t = self.bump();
            Ok(self.ident_value(t))
        } else {
            Err(self.no_viable())
        }
    }

    /// An identifier naming a `what` (keyspace, table, ...), where `?` gets a clear error.
    fn name_part(&mut self, what: &str) -> PResult<String> {
        if self.at(TokenKind::QMark) {
            return Err(self.error_here(format!("Bind variables cannot be used for {what} names")));
        }
        self.ident()
    }

    fn keyspace_name(&mut self) -> PResult<String> {
        self.name_part("keyspace")
    }

    /// `[ks.]name` where `name` names a `what`.
    fn qualified_name(&mut self, what: &str) -> PResult<super::ast::QualifiedName> {
        if self.nth(1).kind == TokenKind::Dot {
            let keyspace = self.keyspace_name()?;
            self.bump();
            let name = self.name_part(what)?;
            Ok(super::ast::QualifiedName::qualified(keyspace, name))
        } else {
            Ok(super::ast::QualifiedName::unqualified(
                self.name_part(what)?,
            ))
        }
    }

    fn table_name(&mut self) -> PResult<super::ast::QualifiedName> {
        self.qualified_name("table")
    }

    /// `a, b, c`
    fn ident_list(&mut self) -> PResult<Vec<String>> {
        let mut out = vec![self.ident()?];
        while self.eat(TokenKind::Comma) {
            out.push(self.ident()?);
        }
        Ok(out)
    }

    /// `IF NOT EXISTS`, if present.
    fn if_not_exists(&mut self) -> PResult<bool> {
        if self.eat_kw(Keyword::If) {
            self.expect_kw(Keyword::Not)?;
            self.expect_kw(Keyword::Exists)?;
            Ok(true)
        } else {
            Ok(false)
        }
    }

    /// `IF EXISTS`, if present.
    fn if_exists(&mut self) -> PResult<bool> {
        if self.eat_kw(Keyword::If) {
            self.expect_kw(Keyword::Exists)?;
            Ok(true)
        } else {
            Ok(false)
        }
    }
}

/// The keyword an unquoted identifier token spells.
fn keyword_of(t: Token) -> Option<Keyword> {
    if t.kind == TokenKind::Ident {
        t.keyword
    } else {
        None
    }
}

/// Whether the token can be an identifier (a column, table, keyspace, field name ...).
fn is_ident_token(t: Token) -> bool {
    match t.kind {
        TokenKind::QuotedName => true,
        TokenKind::Ident => t.keyword.is_none_or(|k| !k.is_reserved()),
        _ => false,
    }
}

/// Whether the token can name a function.
fn is_function_name_token(t: Token) -> bool {
    use Keyword::*;
    match t.kind {
        TokenKind::QuotedName => true,
        TokenKind::Ident => match t.keyword {
            None | Some(Token | Count) => true,
            Some(Ttl | Writetime | Key | Cast) => false,
            Some(k) => !k.is_reserved(),
        },
        _ => false,
    }
}

/// Of two errors, the one further into the input (the first on a tie): when several
/// alternatives fail, the one that got furthest is the most helpful to report.
fn furthest(a: ParseError, b: Option<ParseError>) -> ParseError {
    match b {
        Some(b) if b.offset > a.offset => b,
        _ => a,
    }
}
