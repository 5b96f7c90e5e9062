//! CQL type strings (`frozen<map<text, list<int>>>`, `vector<float, 3>`,
//! `tuple<int, text>`, `"MyUdt"`) to [`ColumnType`].
//!
//! This is the syntax of `system_schema.columns.type`, `system_schema.types.field_types`
//! and of column types in CQL DDL. Keywords are case-insensitive; unquoted names are
//! lower-cased, `"quoted"` names are kept as written (with `""` for a quote). A name
//! that is not a CQL type is a user-defined type, resolved through a lookup the caller
//! supplies; it may be qualified with a keyspace (`ks.address`), which must then match
//! the keyspace of the definition found. A `'string'` is a custom type's class name,
//! parsed by [`custom_type_parser`].
//!
//! The reverse is [`ColumnType`]'s `Display` ([`ColumnType::cql_name`]).
//!
//! Parsing never panics; nesting is limited to [`MAX_TYPE_NESTING_DEPTH`] levels.

use std::sync::Arc;

use super::column_type::{
    CollectionType, ColumnType, MAX_TYPE_NESTING_DEPTH, NativeType, UserDefinedType,
};
use super::custom_type_parser;
use super::parse_errors::{CqlTypeStringParseError, CqlTypeStringParseErrorKind as Kind};

/// Parses a CQL type string; user-defined types are resolved with `lookup_udt`, called
/// with the type's name (unquoted names lower-cased).
pub fn parse_cql_type<'a, F>(
    input: &str,
    lookup_udt: F,
) -> Result<ColumnType<'a>, CqlTypeStringParseError>
where
    F: Fn(&str) -> Option<Arc<UserDefinedType<'a>>>,
{
    let mut p = Parser {
        input,
        pos: 0,
        lookup: &lookup_udt,
    };
    let t = p.parse_type(0)?;
    p.skip_ws();
    if p.pos < input.len() {
        let rest = p.rest().to_owned();
        return Err(p.err(Kind::TrailingInput(rest)));
    }
    Ok(t)
}

/// Parses a CQL type string that contains no user-defined types (any name that is not
/// a CQL type is an error).
pub fn parse_cql_type_without_udts(
    input: &str,
) -> Result<ColumnType<'static>, CqlTypeStringParseError> {
    parse_cql_type(input, |_| None)
}

/// The native type that the lower-case CQL type name `lower` denotes (`varchar` is
/// [`NativeType::Text`]); `None` for any other word. This is the name table
/// [`parse_cql_type`] uses; other parsers of CQL names (e.g. of `<type>AsBlob`
/// function names) share it.
pub fn native_of_name(lower: &str) -> Option<NativeType> {
    Some(match lower {
        "ascii" => NativeType::Ascii,
        "bigint" => NativeType::BigInt,
        "blob" => NativeType::Blob,
        "boolean" => NativeType::Boolean,
        "counter" => NativeType::Counter,
        "date" => NativeType::Date,
        "decimal" => NativeType::Decimal,
        "double" => NativeType::Double,
        "duration" => NativeType::Duration,
        "float" => NativeType::Float,
        "inet" => NativeType::Inet,
        "int" => NativeType::Int,
        "smallint" => NativeType::SmallInt,
        "text" | "varchar" => NativeType::Text,
        "time" => NativeType::Time,
        "timestamp" => NativeType::Timestamp,
        "timeuuid" => NativeType::Timeuuid,
        "tinyint" => NativeType::TinyInt,
        "uuid" => NativeType::Uuid,
        "varint" => NativeType::Varint,
        _ => return None,
    })
}

#[derive(Debug)]
enum Token {
    /// An unquoted identifier (lower-cased) or a keyword.
    Ident(String),
    /// A `"quoted"` identifier.
    Quoted(String),
    /// A `'string'`.
    Str(String),
    /// A run of digits.
    Number(String),
    /// `<`, `>`, `,` or `.`.
    Punct(char),
}

type PResult<T> = Result<T, CqlTypeStringParseError>;

struct Parser<'s, 'f, F> {
    input: &'s str,
    pos: usize,
    lookup: &'f F,
}

impl<'a, 's, F> Parser<'s, '_, F>
where
    F: Fn(&str) -> Option<Arc<UserDefinedType<'a>>>,
{
    fn err_at(&self, position: usize, kind: Kind) -> CqlTypeStringParseError {
        CqlTypeStringParseError {
            input: self.input.to_owned(),
            position,
            kind,
        }
    }

    fn err(&self, kind: Kind) -> CqlTypeStringParseError {
        self.err_at(self.pos, kind)
    }

    fn rest(&self) -> &'s str {
        self.input.get(self.pos..).unwrap_or("")
    }

    fn skip_ws(&mut self) {
        let rest = self.rest();
        self.pos += rest.len() - rest.trim_start().len();
    }

    /// Reads a quoted run after the opening `quote`, with the quote doubled inside.
    fn read_quoted(&mut self, quote: char) -> PResult<String> {
        let start = self.pos;
        self.pos += 1;
        let mut out = String::new();
        loop {
            let mut chars = self.rest().chars();
            match chars.next() {
                None => return Err(self.err_at(start, Kind::UnterminatedQuote)),
                Some(c) if c == quote => {
                    if chars.next() == Some(quote) {
                        out.push(quote);
                        self.pos += 2 * quote.len_utf8();
                    } else {
                        self.pos += quote.len_utf8();
                        return Ok(out);
                    }
                }
                Some(c) => {
                    out.push(c);
                    self.pos += c.len_utf8();
                }
            }
        }
    }

    /// The next token and its start, or `None` at the end.
    fn next_token(&mut self) -> PResult<Option<(usize, Token)>> {
        self.skip_ws();
        let start = self.pos;
        let Some(c) = self.rest().chars().next() else {
            return Ok(None);
        };
        let tok = match c {
            '<' | '>' | ',' | '.' => {
                self.pos += 1;
                Token::Punct(c)
            }
            '"' => {
                let s = self.read_quoted('"')?;
                if s.is_empty() {
                    return Err(self.err_at(start, Kind::EmptyQuotedName));
                }
                Token::Quoted(s)
            }
            '\'' => Token::Str(self.read_quoted('\'')?),
            c if c.is_ascii_digit() => {
                let rest = self.rest();
                let len = rest
                    .find(|c: char| !c.is_ascii_alphanumeric())
                    .unwrap_or(rest.len());
                let tok = Token::Number(rest[..len].to_owned());
                self.pos += len;
                tok
            }
            c if c.is_ascii_alphabetic() || c == '_' => {
                let rest = self.rest();
                let len = rest
                    .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                    .unwrap_or(rest.len());
                let tok = Token::Ident(rest[..len].to_ascii_lowercase());
                self.pos += len;
                tok
            }
            other => {
                return Err(self.err(Kind::UnexpectedToken {
                    found: other.to_string(),
                    expected: "a type",
                }));
            }
        };
        Ok(Some((start, tok)))
    }

    fn peek_punct(&mut self) -> Option<char> {
        self.skip_ws();
        self.rest()
            .chars()
            .next()
            .filter(|c| matches!(c, '<' | '>' | ',' | '.'))
    }

    fn expect_punct(&mut self, p: char, expected: &'static str) -> PResult<()> {
        self.skip_ws();
        let start = self.pos;
        match self.next_token()? {
            Some((_, Token::Punct(c))) if c == p => Ok(()),
            Some((at, tok)) => Err(self.err_at(
                at,
                Kind::UnexpectedToken {
                    found: describe(&tok),
                    expected,
                },
            )),
            None => Err(self.err_at(start, Kind::UnexpectedEnd { expected })),
        }
    }

    /// `< T (, T)* >` after a parameterized keyword; returns the types and the
    /// position of the `<`.
    fn parse_params(&mut self, depth: usize) -> PResult<(usize, Vec<ColumnType<'a>>)> {
        self.skip_ws();
        let open = self.pos;
        self.expect_punct('<', "'<'")?;
        let mut params = vec![self.parse_type(depth + 1)?];
        loop {
            self.skip_ws();
            let at = self.pos;
            match self.next_token()? {
                Some((_, Token::Punct(','))) => params.push(self.parse_type(depth + 1)?),
                Some((_, Token::Punct('>'))) => return Ok((open, params)),
                Some((at, tok)) => {
                    return Err(self.err_at(
                        at,
                        Kind::UnexpectedToken {
                            found: describe(&tok),
                            expected: "',' or '>'",
                        },
                    ));
                }
                None => {
                    return Err(self.err_at(
                        at,
                        Kind::UnexpectedEnd {
                            expected: "',' or '>'",
                        },
                    ));
                }
            }
        }
    }

    fn exactly<const N: usize>(
        &self,
        open: usize,
        type_name: &'static str,
        params: Vec<ColumnType<'a>>,
    ) -> PResult<[ColumnType<'a>; N]> {
        let actual = params.len();
        <[ColumnType<'a>; N]>::try_from(params).map_err(|_| {
            self.err_at(
                open,
                Kind::WrongParameterCount {
                    type_name,
                    expected: N,
                    actual,
                },
            )
        })
    }

    fn parse_type(&mut self, depth: usize) -> PResult<ColumnType<'a>> {
        self.skip_ws();
        if depth > MAX_TYPE_NESTING_DEPTH {
            return Err(self.err(Kind::TooDeeplyNested {
                max_depth: MAX_TYPE_NESTING_DEPTH,
            }));
        }
        let Some((start, tok)) = self.next_token()? else {
            return Err(self.err(Kind::UnexpectedEnd { expected: "a type" }));
        };
        match tok {
            Token::Ident(word) => self.parse_named(start, word, depth),
            Token::Quoted(name) => self.resolve_udt(start, name),
            Token::Str(class) => custom_type_parser::parse(&class)
                .map_err(|e| self.err_at(start, Kind::InvalidCustomType(e))),
            other => Err(self.err_at(
                start,
                Kind::UnexpectedToken {
                    found: describe(&other),
                    expected: "a type",
                },
            )),
        }
    }

    fn parse_named(&mut self, start: usize, word: String, depth: usize) -> PResult<ColumnType<'a>> {
        if let Some(n) = native_of_name(&word) {
            return Ok(ColumnType::Native(n));
        }
        match word.as_str() {
            "list" | "set" => {
                let (open, params) = self.parse_params(depth)?;
                let is_list = word == "list";
                let [t] = self.exactly(open, if is_list { "list" } else { "set" }, params)?;
                let typ = if is_list {
                    CollectionType::List(Box::new(t))
                } else {
                    CollectionType::Set(Box::new(t))
                };
                Ok(ColumnType::Collection { frozen: false, typ })
            }
            "map" => {
                let (open, params) = self.parse_params(depth)?;
                let [k, v] = self.exactly(open, "map", params)?;
                Ok(ColumnType::Collection {
                    frozen: false,
                    typ: CollectionType::Map(Box::new(k), Box::new(v)),
                })
            }
            "tuple" => {
                let (_, params) = self.parse_params(depth)?;
                Ok(ColumnType::Tuple(params))
            }
            "frozen" => {
                let (open, params) = self.parse_params(depth)?;
                let [t] = self.exactly(open, "frozen", params)?;
                match t {
                    ColumnType::Collection { typ, .. } => {
                        Ok(ColumnType::Collection { frozen: true, typ })
                    }
                    ColumnType::UserDefinedType { definition, .. } => {
                        Ok(ColumnType::UserDefinedType {
                            frozen: true,
                            definition,
                        })
                    }
                    t @ (ColumnType::Tuple(_) | ColumnType::Vector { .. }) => Ok(t),
                    other => Err(self.err_at(start, Kind::InvalidFrozen(other.to_string()))),
                }
            }
            "vector" => self.parse_vector(depth),
            _ => {
                if self.peek_punct() == Some('.') {
                    self.expect_punct('.', "'.'")?;
                    let name_start = self.pos;
                    let name = match self.next_token()? {
                        Some((_, Token::Ident(n) | Token::Quoted(n))) => n,
                        Some((at, tok)) => {
                            return Err(self.err_at(
                                at,
                                Kind::UnexpectedToken {
                                    found: describe(&tok),
                                    expected: "a type name after the keyspace",
                                },
                            ));
                        }
                        None => {
                            return Err(self.err_at(
                                name_start,
                                Kind::UnexpectedEnd {
                                    expected: "a type name after the keyspace",
                                },
                            ));
                        }
                    };
                    return self.resolve_qualified_udt(start, word, name);
                }
                self.resolve_udt(start, word)
            }
        }
    }

    fn parse_vector(&mut self, depth: usize) -> PResult<ColumnType<'a>> {
        self.skip_ws();
        self.expect_punct('<', "'<'")?;
        let elem = self.parse_type(depth + 1)?;
        self.expect_punct(',', "','")?;
        self.skip_ws();
        let at = self.pos;
        let dimensions = match self.next_token()? {
            Some((_, Token::Number(n))) => match n.parse::<u16>() {
                Ok(d) if d > 0 => d,
                _ => return Err(self.err_at(at, Kind::InvalidVectorDimension(n))),
            },
            Some((_, tok)) => {
                return Err(self.err_at(at, Kind::InvalidVectorDimension(describe(&tok))));
            }
            None => {
                return Err(self.err_at(
                    at,
                    Kind::UnexpectedEnd {
                        expected: "a vector dimension",
                    },
                ));
            }
        };
        self.expect_punct('>', "'>'")?;
        Ok(ColumnType::Vector {
            typ: Box::new(elem),
            dimensions,
        })
    }

    fn resolve_udt(&self, start: usize, name: String) -> PResult<ColumnType<'a>> {
        match (self.lookup)(&name) {
            Some(definition) => Ok(ColumnType::UserDefinedType {
                frozen: false,
                definition,
            }),
            None => Err(self.err_at(
                start,
                Kind::UnknownUserDefinedType {
                    keyspace: None,
                    name,
                },
            )),
        }
    }

    fn resolve_qualified_udt(
        &self,
        start: usize,
        keyspace: String,
        name: String,
    ) -> PResult<ColumnType<'a>> {
        match (self.lookup)(&name) {
            Some(definition) if definition.keyspace == keyspace => {
                Ok(ColumnType::UserDefinedType {
                    frozen: false,
                    definition,
                })
            }
            _ => Err(self.err_at(
                start,
                Kind::UnknownUserDefinedType {
                    keyspace: Some(keyspace),
                    name,
                },
            )),
        }
    }
}

fn describe(tok: &Token) -> String {
    match tok {
        Token::Ident(s) | Token::Number(s) => s.clone(),
        Token::Quoted(s) => format!("\"{s}\""),
        Token::Str(s) => format!("'{s}'"),
        Token::Punct(c) => c.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;

    use super::*;

    fn udt(name: &str) -> Arc<UserDefinedType<'static>> {
        Arc::new(UserDefinedType {
            name: Cow::Owned(name.to_owned()),
            keyspace: Cow::Borrowed("ks"),
            field_types: vec![(Cow::Borrowed("a"), ColumnType::Native(NativeType::Int))],
        })
    }

    fn lookup(name: &str) -> Option<Arc<UserDefinedType<'static>>> {
        matches!(name, "address" | "MyType").then(|| udt(name))
    }

    #[test]
    fn nested_and_round_trip() {
        for s in [
            "frozen<map<text, list<int>>>",
            "vector<float, 3>",
            "frozen<tuple<int, text>>",
            "map<frozen<address>, set<\"MyType\">>",
            "list<frozen<list<frozen<set<timeuuid>>>>>",
        ] {
            let t = parse_cql_type(s, lookup).unwrap();
            assert_eq!(t.to_string(), s);
        }
    }

    #[test]
    fn case_insensitive_keywords_and_spaces() {
        let t = parse_cql_type_without_udts(" MAP < TEXT ,BigInt > ").unwrap();
        assert_eq!(t.to_string(), "map<text, bigint>");
        assert_eq!(
            parse_cql_type_without_udts("varchar").unwrap(),
            ColumnType::Native(NativeType::Text)
        );
    }

    #[test]
    fn errors() {
        let e = parse_cql_type("frozen<addr>", lookup).unwrap_err();
        assert_eq!(e.position, 7);
        assert!(matches!(e.kind, Kind::UnknownUserDefinedType { .. }));
        let e = parse_cql_type_without_udts("map<int>").unwrap_err();
        assert_eq!(e.position, 3);
        assert!(matches!(
            e.kind,
            Kind::WrongParameterCount {
                type_name: "map",
                expected: 2,
                actual: 1
            }
        ));
        let e = parse_cql_type_without_udts("list<int").unwrap_err();
        assert_eq!(e.position, 8);
        let e = parse_cql_type_without_udts("vector<float, 0>").unwrap_err();
        assert!(matches!(e.kind, Kind::InvalidVectorDimension(_)));
        let e = parse_cql_type_without_udts("frozen<int>").unwrap_err();
        assert!(matches!(e.kind, Kind::InvalidFrozen(_)));
        let e = parse_cql_type_without_udts("int int").unwrap_err();
        assert!(matches!(e.kind, Kind::TrailingInput(_)));
        assert_eq!(e.position, 4);
    }

    #[test]
    fn qualified_udt_must_match_keyspace() {
        assert!(parse_cql_type("ks.address", lookup).is_ok());
        assert!(parse_cql_type("other.address", lookup).is_err());
    }

    #[test]
    fn native_names_round_trip() {
        for n in NativeType::ALL {
            assert_eq!(native_of_name(n.cql_name()), Some(n));
        }
        assert_eq!(native_of_name("varchar"), Some(NativeType::Text));
        assert_eq!(native_of_name("INT"), None);
        assert_eq!(native_of_name("list"), None);
        assert_eq!(native_of_name("empty"), None);
    }
}
