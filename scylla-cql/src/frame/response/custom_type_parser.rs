//! Cassandra marshal class names (`org.apache.cassandra.db.marshal.MapType(UTF8Type,Int32Type)`)
//! to [`ColumnType`] and back.
//!
//! Servers send these names for custom types in result metadata (`[option]` id
//! 0x0000): ScyllaDB and Cassandra describe `vector<float, 3>` as
//! `org.apache.cassandra.db.marshal.VectorType(org.apache.cassandra.db.marshal.FloatType,3)`.
//! Class names may be written with or without the `org.apache.cassandra.db.marshal.`
//! package. `ReversedType(T)` (clustering order) is unwrapped to `T`, `FrozenType(T)`
//! sets `T` frozen, `UserType(ks,hexname,hexfield:T,...)` is a user-defined type with
//! hex-encoded names. Classes this crate does not know become [`ColumnType::Custom`]
//! holding the class expression as written (unless parsing strictly).
//!
//! Parsing never panics; nesting is limited to [`MAX_TYPE_NESTING_DEPTH`] levels.

use std::borrow::Cow;
use std::fmt::Write;
use std::sync::Arc;

use super::column_type::{
    CollectionType, ColumnType, MAX_TYPE_NESTING_DEPTH, NativeType, UserDefinedType,
};
use super::parse_errors::CustomTypeParseError;
use crate::utils::parse::ParseErrorCause;

/// The package of Cassandra's marshal classes.
pub const MARSHAL_PACKAGE: &str = "org.apache.cassandra.db.marshal.";

/// Parses a class name; unknown classes become [`ColumnType::Custom`].
pub fn parse(input: &str) -> Result<ColumnType<'static>, CustomTypeParseError> {
    Parser::new(input, false).parse_all()
}

/// Parses a class name; unknown classes are an error
/// ([`CustomTypeParseError::UnknownSimpleCustomTypeName`] or
/// [`CustomTypeParseError::UnknownComplexCustomTypeName`]).
pub fn parse_strict(input: &str) -> Result<ColumnType<'static>, CustomTypeParseError> {
    Parser::new(input, true).parse_all()
}

/// The fully qualified class name of a type, as servers write it in result metadata.
pub fn to_class_name(typ: &ColumnType<'_>) -> String {
    let mut out = String::new();
    write_class_name(typ, &mut out);
    out
}

impl ColumnType<'_> {
    /// Parses a Cassandra class name; see [`parse`].
    pub fn from_class_name(input: &str) -> Result<ColumnType<'static>, CustomTypeParseError> {
        parse(input)
    }

    /// The fully qualified Cassandra class name of this type; see [`to_class_name`].
    pub fn to_class_name(&self) -> String {
        to_class_name(self)
    }
}

fn hex_encode(s: &str, out: &mut String) {
    for b in s.as_bytes() {
        // Writing to a String cannot fail.
        let _ = write!(out, "{b:02x}");
    }
}

fn write_class_name(typ: &ColumnType<'_>, out: &mut String) {
    let frozen = match typ {
        ColumnType::Collection { frozen, .. } | ColumnType::UserDefinedType { frozen, .. } => {
            *frozen
        }
        _ => false,
    };
    if frozen {
        out.push_str(MARSHAL_PACKAGE);
        out.push_str("FrozenType(");
    }
    match typ {
        ColumnType::Native(n) => out.push_str(n.class_name()),
        ColumnType::Collection { typ, .. } => {
            out.push_str(MARSHAL_PACKAGE);
            match typ {
                CollectionType::List(t) => {
                    out.push_str("ListType(");
                    write_class_name(t, out);
                }
                CollectionType::Set(t) => {
                    out.push_str("SetType(");
                    write_class_name(t, out);
                }
                CollectionType::Map(k, v) => {
                    out.push_str("MapType(");
                    write_class_name(k, out);
                    out.push(',');
                    write_class_name(v, out);
                }
            }
            out.push(')');
        }
        ColumnType::Vector { typ, dimensions } => {
            out.push_str(MARSHAL_PACKAGE);
            out.push_str("VectorType(");
            write_class_name(typ, out);
            let _ = write!(out, ",{dimensions})");
        }
        ColumnType::UserDefinedType { definition, .. } => {
            out.push_str(MARSHAL_PACKAGE);
            out.push_str("UserType(");
            out.push_str(&definition.keyspace);
            out.push(',');
            hex_encode(&definition.name, out);
            for (name, t) in &definition.field_types {
                out.push(',');
                hex_encode(name, out);
                out.push(':');
                write_class_name(t, out);
            }
            out.push(')');
        }
        ColumnType::Tuple(ts) => {
            out.push_str(MARSHAL_PACKAGE);
            out.push_str("TupleType(");
            for (i, t) in ts.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_class_name(t, out);
            }
            out.push(')');
        }
        ColumnType::Custom(name) => out.push_str(name),
    }
    if frozen {
        out.push(')');
    }
}

fn native_of_class(short: &str) -> Option<NativeType> {
    Some(match short {
        "AsciiType" => NativeType::Ascii,
        "LongType" => NativeType::BigInt,
        "BytesType" => NativeType::Blob,
        "BooleanType" => NativeType::Boolean,
        "CounterColumnType" => NativeType::Counter,
        "DecimalType" => NativeType::Decimal,
        "DoubleType" => NativeType::Double,
        "FloatType" => NativeType::Float,
        "Int32Type" => NativeType::Int,
        // DateType is the pre-2.0 name of the timestamp type.
        "DateType" | "TimestampType" => NativeType::Timestamp,
        "UUIDType" => NativeType::Uuid,
        "UTF8Type" => NativeType::Text,
        "IntegerType" => NativeType::Varint,
        "TimeUUIDType" => NativeType::Timeuuid,
        "InetAddressType" => NativeType::Inet,
        "SimpleDateType" => NativeType::Date,
        "TimeType" => NativeType::Time,
        "ShortType" => NativeType::SmallInt,
        "ByteType" => NativeType::TinyInt,
        "DurationType" => NativeType::Duration,
        _ => return None,
    })
}

type PResult<T> = Result<T, CustomTypeParseError>;

struct Parser<'s> {
    input: &'s str,
    pos: usize,
    strict: bool,
}

impl<'s> Parser<'s> {
    fn new(input: &'s str, strict: bool) -> Self {
        Self {
            input,
            pos: 0,
            strict,
        }
    }

    fn err_at(&self, position: usize, error: CustomTypeParseError) -> CustomTypeParseError {
        CustomTypeParseError::AtPosition {
            input: self.input.to_owned(),
            position,
            error: Box::new(error),
        }
    }

    fn err(&self, error: CustomTypeParseError) -> CustomTypeParseError {
        self.err_at(self.pos, error)
    }

    fn rest(&self) -> &'s str {
        self.input.get(self.pos..).unwrap_or("")
    }

    fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }

    fn skip_ws(&mut self) {
        let rest = self.rest();
        let trimmed = rest.trim_start();
        self.pos += rest.len() - trimmed.len();
    }

    fn advance_char(&mut self, c: char) {
        self.pos += c.len_utf8();
    }

    fn expect(&mut self, expected: char) -> PResult<()> {
        self.skip_ws();
        match self.peek() {
            Some(c) if c == expected => {
                self.advance_char(c);
                Ok(())
            }
            Some(c) => Err(self.err(CustomTypeParseError::UnexpectedCharacter(c, expected))),
            None => Err(self.err(CustomTypeParseError::UnexpectedEndOfInput)),
        }
    }

    /// A class name, keyspace name, hex string or integer.
    fn read_name(&mut self) -> &'s str {
        self.skip_ws();
        let rest = self.rest();
        let len = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '$')))
            .unwrap_or(rest.len());
        self.pos += len;
        &rest[..len]
    }

    fn parse_all(mut self) -> PResult<ColumnType<'static>> {
        let t = self.parse_type(0)?;
        self.skip_ws();
        match self.peek() {
            None => Ok(t),
            Some(c) => Err(self.err(CustomTypeParseError::UnexpectedCharacter(c, '\0'))),
        }
    }

    /// Skips a balanced `( ... )` starting at the current position (which must be
    /// `(`), returning the number of top-level parameters.
    fn skip_balanced(&mut self) -> PResult<usize> {
        let mut depth = 0usize;
        let mut params = 0usize;
        let mut saw_content = false;
        for (i, c) in self.rest().char_indices() {
            match c {
                '(' => {
                    depth += 1;
                    if depth > 1 {
                        saw_content = true;
                    }
                }
                ')' => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        self.pos += i + 1;
                        return Ok(if saw_content { params + 1 } else { params });
                    }
                }
                ',' if depth == 1 => params += 1,
                c if !c.is_whitespace() && depth >= 1 => saw_content = true,
                _ => {}
            }
        }
        self.pos = self.input.len();
        Err(self.err(CustomTypeParseError::UnexpectedEndOfInput))
    }

    fn parse_type(&mut self, depth: usize) -> PResult<ColumnType<'static>> {
        self.skip_ws();
        let start = self.pos;
        if depth > MAX_TYPE_NESTING_DEPTH {
            return Err(self.err(CustomTypeParseError::TooDeeplyNested {
                max_depth: MAX_TYPE_NESTING_DEPTH,
            }));
        }
        let name = self.read_name();
        if name.is_empty() {
            return Err(match self.peek() {
                None => self.err(CustomTypeParseError::UnexpectedEndOfInput),
                Some(c) => self.err(CustomTypeParseError::ExpectedTypeName(c.to_string())),
            });
        }
        let short = match name.strip_prefix(MARSHAL_PACKAGE) {
            Some(s) => Some(s),
            None if !name.contains('.') => Some(name),
            None => None,
        };
        let after_name = self.pos;
        self.skip_ws();
        let has_params = self.peek() == Some('(');

        if let Some(short) = short {
            if let Some(native) = native_of_class(short) {
                if has_params {
                    let params = self.skip_balanced()?;
                    return Err(self.err_at(
                        after_name,
                        CustomTypeParseError::InvalidParameterCount {
                            expected: 0,
                            actual: params,
                        },
                    ));
                }
                self.pos = after_name;
                return Ok(ColumnType::Native(native));
            }
            let expected = match short {
                "ListType" | "SetType" | "FrozenType" | "ReversedType" => Some(1),
                "MapType" => Some(2),
                "TupleType" => None,
                "VectorType" => return self.parse_vector(depth),
                "UserType" => return self.parse_udt(depth),
                _ => return self.unknown(start, after_name, has_params, name),
            };
            if !has_params {
                return Err(self.err(match self.peek() {
                    None => CustomTypeParseError::UnexpectedEndOfInput,
                    Some(c) => CustomTypeParseError::UnexpectedCharacter(c, '('),
                }));
            }
            let params_start = self.pos;
            let params = self.parse_type_params(depth)?;
            let Some(expected) = expected else {
                return Ok(ColumnType::Tuple(params));
            };
            let actual = params.len();
            let mut it = params.into_iter();
            return match (short, it.next(), it.next(), it.next()) {
                ("ListType", Some(t), None, None) => Ok(ColumnType::Collection {
                    frozen: false,
                    typ: CollectionType::List(Box::new(t)),
                }),
                ("SetType", Some(t), None, None) => Ok(ColumnType::Collection {
                    frozen: false,
                    typ: CollectionType::Set(Box::new(t)),
                }),
                ("MapType", Some(k), Some(v), None) => Ok(ColumnType::Collection {
                    frozen: false,
                    typ: CollectionType::Map(Box::new(k), Box::new(v)),
                }),
                ("FrozenType", Some(t), None, None) => Ok(freeze(t)),
                ("ReversedType", Some(t), None, None) => Ok(t),
                _ => Err(self.err_at(
                    params_start,
                    CustomTypeParseError::InvalidParameterCount { expected, actual },
                )),
            };
        }
        self.unknown(start, after_name, has_params, name)
    }

    fn unknown(
        &mut self,
        start: usize,
        after_name: usize,
        has_params: bool,
        name: &str,
    ) -> PResult<ColumnType<'static>> {
        if has_params {
            self.skip_balanced()?;
            if self.strict {
                return Err(self.err_at(
                    start,
                    CustomTypeParseError::UnknownComplexCustomTypeName(name.to_owned()),
                ));
            }
        } else {
            self.pos = after_name;
            if self.strict {
                return Err(self.err_at(
                    start,
                    CustomTypeParseError::UnknownSimpleCustomTypeName(name.to_owned()),
                ));
            }
        }
        let raw = self.input.get(start..self.pos).unwrap_or(name);
        Ok(ColumnType::Custom(Cow::Owned(raw.to_owned())))
    }

    /// `( T, T, ... )`, possibly empty.
    fn parse_type_params(&mut self, depth: usize) -> PResult<Vec<ColumnType<'static>>> {
        self.expect('(')?;
        let mut params = Vec::new();
        self.skip_ws();
        if self.peek() == Some(')') {
            self.advance_char(')');
            return Ok(params);
        }
        loop {
            params.push(self.parse_type(depth + 1)?);
            self.skip_ws();
            match self.peek() {
                Some(',') => self.advance_char(','),
                Some(')') => {
                    self.advance_char(')');
                    return Ok(params);
                }
                Some(c) => return Err(self.err(CustomTypeParseError::UnexpectedCharacter(c, ')'))),
                None => return Err(self.err(CustomTypeParseError::UnexpectedEndOfInput)),
            }
        }
    }

    /// `VectorType(T, n)`, after the name.
    fn parse_vector(&mut self, depth: usize) -> PResult<ColumnType<'static>> {
        self.expect('(')?;
        let elem = self.parse_type(depth + 1)?;
        self.expect(',')?;
        self.skip_ws();
        let num_start = self.pos;
        let num = self.read_name();
        if num.is_empty() {
            return Err(self.err_at(
                num_start,
                CustomTypeParseError::IntegerParseError(ParseErrorCause::Expected(
                    "a vector dimension",
                )),
            ));
        }
        let dimensions = match num.parse::<u16>() {
            Ok(0) => {
                return Err(self.err_at(
                    num_start,
                    CustomTypeParseError::IntegerParseError(ParseErrorCause::Other(
                        "a vector must have at least one dimension",
                    )),
                ));
            }
            Ok(d) => d,
            Err(_) => {
                return Err(self.err_at(
                    num_start,
                    CustomTypeParseError::IntegerParseError(ParseErrorCause::Other(
                        "the vector dimension is not an integer from 1 to 65535",
                    )),
                ));
            }
        };
        self.expect(')')?;
        Ok(ColumnType::Vector {
            typ: Box::new(elem),
            dimensions,
        })
    }

    fn read_hex_string(&mut self) -> PResult<String> {
        self.skip_ws();
        let start = self.pos;
        let hex = self.read_name();
        decode_hex(hex).map_err(|e| self.err_at(start, e))
    }

    /// `UserType(ks, hexname, hexfield:T, ...)`, after the name.
    fn parse_udt(&mut self, depth: usize) -> PResult<ColumnType<'static>> {
        self.expect('(')?;
        self.skip_ws();
        let ks_start = self.pos;
        let keyspace = self.read_name();
        if keyspace.is_empty() {
            return Err(self.err_at(
                ks_start,
                match self.peek() {
                    None => CustomTypeParseError::UnexpectedEndOfInput,
                    Some(c) => CustomTypeParseError::UnexpectedCharacter(c, ','),
                },
            ));
        }
        let keyspace = keyspace.to_owned();
        self.expect(',')?;
        let name = self.read_hex_string()?;
        let mut field_types = Vec::new();
        loop {
            self.skip_ws();
            match self.peek() {
                Some(')') => {
                    self.advance_char(')');
                    break;
                }
                Some(',') => {
                    self.advance_char(',');
                    let field = self.read_hex_string()?;
                    self.expect(':')?;
                    let t = self.parse_type(depth + 1)?;
                    field_types.push((Cow::Owned(field), t));
                }
                Some(c) => return Err(self.err(CustomTypeParseError::UnexpectedCharacter(c, ')'))),
                None => return Err(self.err(CustomTypeParseError::UnexpectedEndOfInput)),
            }
        }
        Ok(ColumnType::UserDefinedType {
            frozen: false,
            definition: Arc::new(UserDefinedType {
                name: Cow::Owned(name),
                keyspace: Cow::Owned(keyspace),
                field_types,
            }),
        })
    }
}

fn freeze(t: ColumnType<'static>) -> ColumnType<'static> {
    match t {
        ColumnType::Collection { typ, .. } => ColumnType::Collection { frozen: true, typ },
        ColumnType::UserDefinedType { definition, .. } => ColumnType::UserDefinedType {
            frozen: true,
            definition,
        },
        other => other,
    }
}

fn decode_hex(hex: &str) -> PResult<String> {
    let bad = || CustomTypeParseError::BadHexString(hex.to_owned());
    if !hex.len().is_multiple_of(2) {
        return Err(bad());
    }
    let digit = |c: u8| -> Option<u8> {
        match c {
            b'0'..=b'9' => Some(c - b'0'),
            b'a'..=b'f' => Some(c - b'a' + 10),
            b'A'..=b'F' => Some(c - b'A' + 10),
            _ => None,
        }
    };
    let bytes = hex
        .as_bytes()
        .chunks_exact(2)
        .map(|p| match p {
            [h, l] => Some(digit(*h)? << 4 | digit(*l)?),
            _ => None,
        })
        .collect::<Option<Vec<u8>>>()
        .ok_or_else(bad)?;
    String::from_utf8(bytes).map_err(|e| CustomTypeParseError::InvalidUtf8(e.into_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn native(n: NativeType) -> ColumnType<'static> {
        ColumnType::Native(n)
    }

    #[test]
    fn natives_short_and_long() {
        assert_eq!(parse("Int32Type").unwrap(), native(NativeType::Int));
        assert_eq!(
            parse("org.apache.cassandra.db.marshal.UTF8Type").unwrap(),
            native(NativeType::Text)
        );
        assert_eq!(parse("  DateType ").unwrap(), native(NativeType::Timestamp));
        for n in NativeType::ALL {
            assert_eq!(parse(n.class_name()).unwrap(), native(n));
        }
    }

    #[test]
    fn udt_with_hex_names() {
        let t = parse(
            "org.apache.cassandra.db.marshal.UserType(ks,61646472657373,737472656574:org.apache.cassandra.db.marshal.UTF8Type,7a6970:org.apache.cassandra.db.marshal.Int32Type)",
        )
        .unwrap();
        let ColumnType::UserDefinedType { frozen, definition } = &t else {
            panic!("{t:?}");
        };
        assert!(!frozen);
        assert_eq!(definition.keyspace, "ks");
        assert_eq!(definition.name, "address");
        assert_eq!(definition.field_types.len(), 2);
        assert_eq!(definition.field_types[0].0, "street");
        assert_eq!(definition.field_types[1].1, native(NativeType::Int));
        assert_eq!(parse(&to_class_name(&t)).unwrap(), t);
    }

    #[test]
    fn errors_have_positions() {
        let e = parse("MapType(Int32Type").unwrap_err();
        assert_eq!(e.kind(), &CustomTypeParseError::UnexpectedEndOfInput);
        assert_eq!(e.position(), Some(17));
        let e = parse("MapType(Int32Type)").unwrap_err();
        assert!(matches!(
            e.kind(),
            CustomTypeParseError::InvalidParameterCount {
                expected: 2,
                actual: 1
            }
        ));
        let e = parse("UserType(ks,zz)").unwrap_err();
        assert_eq!(e.kind(), &CustomTypeParseError::BadHexString("zz".into()));
        assert_eq!(e.position(), Some(12));
    }
}
