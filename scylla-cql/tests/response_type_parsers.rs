//! The two type-string parsers on real strings (as found in `system_schema`, the old
//! `system.schema_columns.validator` column, result metadata of custom types and
//! driver documentation) and on malformed ones.

mod response_common;

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::Arc;

use response_common::*;
use scylla_cql::frame::response::cql_type_parser::parse_cql_type;
use scylla_cql::frame::response::custom_type_parser::{self, to_class_name};
use scylla_cql::frame::response::parse_errors::{
    CqlTypeStringParseErrorKind as K, CustomTypeParseError as C,
};
use scylla_cql::frame::response::result::{ColumnType, NativeType, UserDefinedType};

const M: &str = "org.apache.cassandra.db.marshal.";

fn m(short: &str) -> String {
    format!("{M}{short}")
}

fn address() -> Arc<UserDefinedType<'static>> {
    Arc::new(UserDefinedType {
        name: Cow::Borrowed("address"),
        keyspace: Cow::Borrowed("ks"),
        field_types: vec![
            (Cow::Borrowed("street"), native(NativeType::Text)),
            (Cow::Borrowed("city"), native(NativeType::Text)),
            (Cow::Borrowed("zip_code"), native(NativeType::Int)),
            (
                Cow::Borrowed("phones"),
                set(native(NativeType::Text), false),
            ),
        ],
    })
}

fn udts() -> HashMap<String, Arc<UserDefinedType<'static>>> {
    let mut h = HashMap::new();
    h.insert("address".to_owned(), address());
    let quoted = Arc::new(UserDefinedType {
        name: Cow::Borrowed("My\"Type"),
        keyspace: Cow::Borrowed("ks"),
        field_types: vec![],
    });
    h.insert("My\"Type".to_owned(), quoted);
    let upper = Arc::new(UserDefinedType {
        name: Cow::Borrowed("Address"),
        keyspace: Cow::Borrowed("ks"),
        field_types: vec![],
    });
    h.insert("Address".to_owned(), upper);
    h
}

fn cql(s: &str) -> ColumnType<'static> {
    let u = udts();
    parse_cql_type(s, |n| u.get(n).cloned()).unwrap_or_else(|e| panic!("{s}: {e}"))
}

fn udt_type(def: Arc<UserDefinedType<'static>>, frozen: bool) -> ColumnType<'static> {
    ColumnType::UserDefinedType {
        frozen,
        definition: def,
    }
}

#[test]
fn real_cql_type_strings() {
    use NativeType::*;
    let text = || native(Text);
    let cases: Vec<(&str, ColumnType<'static>)> = vec![
        ("text", text()),
        ("varchar", text()),
        ("ascii", native(Ascii)),
        ("bigint", native(BigInt)),
        ("blob", native(Blob)),
        ("boolean", native(Boolean)),
        ("counter", native(Counter)),
        ("date", native(Date)),
        ("decimal", native(Decimal)),
        ("double", native(Double)),
        ("duration", native(Duration)),
        ("float", native(Float)),
        ("inet", native(Inet)),
        ("int", native(Int)),
        ("smallint", native(SmallInt)),
        ("time", native(Time)),
        ("timestamp", native(Timestamp)),
        ("timeuuid", native(Timeuuid)),
        ("tinyint", native(TinyInt)),
        ("uuid", native(Uuid)),
        ("varint", native(Varint)),
        // system_schema.keyspaces.replication, tables.caching/compaction/compression
        ("frozen<map<text, text>>", map(text(), text(), true)),
        // system_schema.tables.extensions
        ("frozen<map<text, blob>>", map(text(), native(Blob), true)),
        // system_schema.tables.flags
        ("frozen<set<text>>", set(text(), true)),
        // system_schema.types.field_names / field_types, functions.argument_names
        ("frozen<list<text>>", list(text(), true)),
        // system.peers.tokens
        ("set<text>", set(text(), false)),
        // system_traces.sessions.parameters
        ("map<text, text>", map(text(), text(), false)),
        (
            "list<frozen<map<text, blob>>>",
            list(map(text(), native(Blob), true), false),
        ),
        (
            "frozen<list<frozen<tuple<text, int>>>>",
            list(ColumnType::Tuple(vec![text(), native(Int)]), true),
        ),
        (
            "tuple<ascii, bigint, blob, boolean>",
            ColumnType::Tuple(vec![
                native(Ascii),
                native(BigInt),
                native(Blob),
                native(Boolean),
            ]),
        ),
        (
            "vector<float, 1536>",
            ColumnType::Vector {
                typ: Box::new(native(Float)),
                dimensions: 1536,
            },
        ),
        (
            "vector<frozen<list<int>>, 2>",
            ColumnType::Vector {
                typ: Box::new(list(native(Int), true)),
                dimensions: 2,
            },
        ),
        ("frozen<address>", udt_type(address(), true)),
        ("address", udt_type(address(), false)),
        (
            "list<frozen<address>>",
            list(udt_type(address(), true), false),
        ),
        (
            "map<uuid, frozen<address>>",
            map(native(Uuid), udt_type(address(), true), false),
        ),
        ("ks.address", udt_type(address(), false)),
        ("frozen<ks.address>", udt_type(address(), true)),
        (
            "frozen<\"Address\">",
            udt_type(udts()["Address"].clone(), true),
        ),
        (
            "\"My\"\"Type\"",
            udt_type(udts()["My\"Type"].clone(), false),
        ),
        // Keywords are case-insensitive, unquoted names are lower-cased.
        ("FROZEN<MAP<TEXT, INT>>", map(text(), native(Int), true)),
        ("Address", udt_type(address(), false)),
        ("map<text,int>", map(text(), native(Int), false)),
        ("  list < int >  ", list(native(Int), false)),
        (
            "'org.apache.cassandra.db.marshal.DateType'",
            native(Timestamp),
        ),
        (
            "'org.apache.cassandra.db.marshal.LexicalUUIDType'",
            ColumnType::Custom("org.apache.cassandra.db.marshal.LexicalUUIDType".into()),
        ),
        // A CDC-style nested type.
        (
            "frozen<list<frozen<tuple<bigint, frozen<set<frozen<tuple<uuid, int>>>>>>>>",
            list(
                ColumnType::Tuple(vec![
                    native(BigInt),
                    set(ColumnType::Tuple(vec![native(Uuid), native(Int)]), true),
                ]),
                true,
            ),
        ),
    ];
    for (s, expected) in cases {
        assert_eq!(cql(s), expected, "{s}");
        // Display writes a string that parses to the same type.
        assert_eq!(cql(&expected.to_string()), expected, "{s} -> {expected}");
    }
}

#[test]
fn display_is_what_system_schema_shows() {
    for s in [
        "frozen<map<text, text>>",
        "list<frozen<map<text, blob>>>",
        "frozen<tuple<int, text>>",
        "vector<float, 3>",
        "frozen<address>",
        "frozen<\"Address\">",
        "\"My\"\"Type\"",
        "map<text, frozen<list<int>>>",
    ] {
        assert_eq!(cql(s).to_string(), s);
    }
}

#[test]
fn malformed_cql_type_strings() {
    let u = udts();
    let err = |s: &str| {
        parse_cql_type(s, |n| u.get(n).cloned())
            .map(|t| panic!("{s:?} parsed as {t:?}"))
            .unwrap_err()
    };
    type Case = (&'static str, usize, fn(&K) -> bool);
    let cases: Vec<Case> = vec![
        ("", 0, |k| matches!(k, K::UnexpectedEnd { .. })),
        ("   ", 3, |k| matches!(k, K::UnexpectedEnd { .. })),
        ("list", 4, |k| matches!(k, K::UnexpectedEnd { .. })),
        ("list<", 5, |k| matches!(k, K::UnexpectedEnd { .. })),
        ("list<>", 5, |k| matches!(k, K::UnexpectedToken { .. })),
        ("list<int,int>", 4, |k| {
            matches!(
                k,
                K::WrongParameterCount {
                    type_name: "list",
                    expected: 1,
                    actual: 2
                }
            )
        }),
        ("map<int>", 3, |k| {
            matches!(k, K::WrongParameterCount { .. })
        }),
        ("map<int,>", 8, |k| matches!(k, K::UnexpectedToken { .. })),
        ("set<int", 7, |k| matches!(k, K::UnexpectedEnd { .. })),
        ("map<text, list<int>", 19, |k| {
            matches!(k, K::UnexpectedEnd { .. })
        }),
        ("frozen<int>", 0, |k| matches!(k, K::InvalidFrozen(_))),
        ("frozen<'com.example.T'>", 0, |k| {
            matches!(k, K::InvalidFrozen(_))
        }),
        ("frozen<>", 7, |k| matches!(k, K::UnexpectedToken { .. })),
        ("tuple<>", 6, |k| matches!(k, K::UnexpectedToken { .. })),
        ("vector<float>", 12, |k| {
            matches!(k, K::UnexpectedToken { .. })
        }),
        ("vector<float,>", 13, |k| {
            matches!(k, K::InvalidVectorDimension(_))
        }),
        ("vector<float, 0>", 14, |k| {
            matches!(k, K::InvalidVectorDimension(_))
        }),
        ("vector<float, 70000>", 14, |k| {
            matches!(k, K::InvalidVectorDimension(_))
        }),
        ("vector<float, 3x>", 14, |k| {
            matches!(k, K::InvalidVectorDimension(_))
        }),
        ("vector<float, -1>", 14, |k| {
            matches!(k, K::UnexpectedToken { .. })
        }),
        ("int>", 3, |k| matches!(k, K::TrailingInput(_))),
        ("list<int>>", 9, |k| matches!(k, K::TrailingInput(_))),
        ("int,", 3, |k| matches!(k, K::TrailingInput(_))),
        ("<int>", 0, |k| matches!(k, K::UnexpectedToken { .. })),
        ("\"unterminated", 0, |k| matches!(k, K::UnterminatedQuote)),
        ("'unterminated", 0, |k| matches!(k, K::UnterminatedQuote)),
        ("\"\"", 0, |k| matches!(k, K::EmptyQuotedName)),
        (
            "unknown_udt",
            0,
            |k| matches!(k, K::UnknownUserDefinedType { keyspace: None, name } if name == "unknown_udt"),
        ),
        ("frozen<\"address\"x>", 16, |k| {
            matches!(k, K::UnexpectedToken { .. })
        }),
        ("\"ADDRESS\"", 0, |k| {
            matches!(k, K::UnknownUserDefinedType { .. })
        }),
        (
            "other_ks.address",
            0,
            |k| matches!(k, K::UnknownUserDefinedType { keyspace: Some(ks), .. } if ks == "other_ks"),
        ),
        ("ks.", 3, |k| matches!(k, K::UnexpectedEnd { .. })),
        ("ks.<", 3, |k| matches!(k, K::UnexpectedToken { .. })),
        ("'MapType(Int32Type'", 0, |k| {
            matches!(k, K::InvalidCustomType(_))
        }),
        ("list<int>;", 9, |k| {
            matches!(k, K::UnexpectedToken { .. } | K::TrailingInput(_))
        }),
        (
            "lïst<int>",
            0,
            |k| matches!(k, K::UnknownUserDefinedType { name, .. } if name == "l"),
        ),
        ("list<ïnt>", 5, |k| matches!(k, K::UnexpectedToken { .. })),
    ];
    for (s, pos, check) in cases {
        let e = err(s);
        assert_eq!(e.position, pos, "{s:?}: {e}");
        assert!(check(&e.kind), "{s:?}: {e}");
        assert_eq!(e.input, s);
        // The message names the input and the position.
        let msg = e.to_string();
        assert!(msg.contains(&format!("at byte {pos}")), "{msg}");
    }
}

#[test]
fn real_class_names() {
    use NativeType::*;
    let cases: Vec<(String, ColumnType<'static>)> = vec![
        (m("UTF8Type"), native(Text)),
        ("UTF8Type".into(), native(Text)),
        (m("DateType"), native(Timestamp)),
        (m("SimpleDateType"), native(Date)),
        (m("CounterColumnType"), native(Counter)),
        (m("IntegerType"), native(Varint)),
        (m("ShortType"), native(SmallInt)),
        (m("ByteType"), native(TinyInt)),
        (m("DurationType"), native(Duration)),
        (m("InetAddressType"), native(Inet)),
        (
            format!("{M}ReversedType({M}TimestampType)"),
            native(Timestamp),
        ),
        (
            format!("{M}MapType({M}UTF8Type,{M}UTF8Type)"),
            map(native(Text), native(Text), false),
        ),
        (
            "MapType(UTF8Type, Int32Type)".into(),
            map(native(Text), native(Int), false),
        ),
        (
            format!("{M}FrozenType({M}ListType({M}Int32Type))"),
            list(native(Int), true),
        ),
        (
            format!("{M}ListType({M}FrozenType({M}MapType({M}UTF8Type,{M}BytesType)))"),
            list(map(native(Text), native(Blob), true), false),
        ),
        (
            format!(
                "{M}UserType(ks,61646472657373,737472656574:{M}UTF8Type,63697479:{M}UTF8Type,7a69705f636f6465:{M}Int32Type,70686f6e6573:{M}SetType({M}UTF8Type))"
            ),
            udt_type(address(), false),
        ),
        (
            format!(
                "{M}FrozenType({M}UserType(ks,61646472657373,737472656574:{M}UTF8Type,63697479:{M}UTF8Type,7a69705f636f6465:{M}Int32Type,70686f6e6573:{M}SetType({M}UTF8Type)))"
            ),
            udt_type(address(), true),
        ),
        (
            format!("{M}TupleType({M}Int32Type,{M}UTF8Type,{M}FloatType)"),
            ColumnType::Tuple(vec![native(Int), native(Text), native(Float)]),
        ),
        (
            format!("{M}VectorType({M}FloatType,1536)"),
            ColumnType::Vector {
                typ: Box::new(native(Float)),
                dimensions: 1536,
            },
        ),
        (
            "VectorType(FloatType, 3)".into(),
            ColumnType::Vector {
                typ: Box::new(native(Float)),
                dimensions: 3,
            },
        ),
        (
            format!("{M}VectorType({M}ListType({M}Int32Type),2)"),
            ColumnType::Vector {
                typ: Box::new(list(native(Int), false)),
                dimensions: 2,
            },
        ),
        (m("EmptyType"), ColumnType::Custom(m("EmptyType").into())),
        (
            format!("{M}CompositeType({M}UTF8Type,{M}Int32Type)"),
            ColumnType::Custom(format!("{M}CompositeType({M}UTF8Type,{M}Int32Type)").into()),
        ),
        (
            format!("{M}DynamicCompositeType(a=>{M}UTF8Type,b=>{M}Int32Type)"),
            ColumnType::Custom(
                format!("{M}DynamicCompositeType(a=>{M}UTF8Type,b=>{M}Int32Type)").into(),
            ),
        ),
        (
            format!("{M}ColumnToCollectionType(6c697374:{M}ListType({M}Int32Type))"),
            ColumnType::Custom(
                format!("{M}ColumnToCollectionType(6c697374:{M}ListType({M}Int32Type))").into(),
            ),
        ),
        (
            "com.example.MyCustomType".into(),
            ColumnType::Custom("com.example.MyCustomType".into()),
        ),
        (
            format!("{M}ListType(com.example.Point)"),
            list(ColumnType::Custom("com.example.Point".into()), false),
        ),
    ];
    for (s, expected) in cases {
        let t = custom_type_parser::parse(&s).unwrap_or_else(|e| panic!("{s}: {e}"));
        assert_eq!(t, expected, "{s}");
        // The reverse gives a name that parses back to the same type.
        assert_eq!(
            custom_type_parser::parse(&to_class_name(&t)).unwrap(),
            t,
            "{s}"
        );
    }
}

#[test]
fn class_name_reverse_is_canonical() {
    let t = map(
        native(NativeType::Text),
        list(udt_type(address(), true), true),
        false,
    );
    assert_eq!(
        t.to_class_name(),
        format!(
            "{M}MapType({M}UTF8Type,{M}FrozenType({M}ListType({M}FrozenType({M}UserType(ks,61646472657373,737472656574:{M}UTF8Type,63697479:{M}UTF8Type,7a69705f636f6465:{M}Int32Type,70686f6e6573:{M}SetType({M}UTF8Type))))))"
        )
    );
    assert_eq!(
        ColumnType::Vector {
            typ: Box::new(native(NativeType::Float)),
            dimensions: 3
        }
        .to_class_name(),
        format!("{M}VectorType({M}FloatType,3)")
    );
}

#[test]
fn strict_class_names_reject_unknown_classes() {
    let e = custom_type_parser::parse_strict(&m("EmptyType")).unwrap_err();
    assert!(matches!(e.kind(), C::UnknownSimpleCustomTypeName(n) if n.ends_with("EmptyType")));
    let e =
        custom_type_parser::parse_strict(&format!("{M}CompositeType({M}UTF8Type)")).unwrap_err();
    assert!(matches!(e.kind(), C::UnknownComplexCustomTypeName(_)));
    assert!(custom_type_parser::parse_strict(&format!("{M}ListType({M}UTF8Type)")).is_ok());
}

#[test]
fn malformed_class_names() {
    type Case = (&'static str, Option<usize>, fn(&C) -> bool);
    let cases: Vec<Case> = vec![
        ("", Some(0), |k| matches!(k, C::UnexpectedEndOfInput)),
        ("(", Some(0), |k| matches!(k, C::ExpectedTypeName(_))),
        (",", Some(0), |k| matches!(k, C::ExpectedTypeName(_))),
        ("ListType", Some(8), |k| {
            matches!(k, C::UnexpectedEndOfInput)
        }),
        ("ListType(", Some(9), |k| {
            matches!(k, C::UnexpectedEndOfInput)
        }),
        ("ListType()", Some(8), |k| {
            matches!(
                k,
                C::InvalidParameterCount {
                    expected: 1,
                    actual: 0
                }
            )
        }),
        ("ListType(Int32Type,Int32Type)", Some(8), |k| {
            matches!(
                k,
                C::InvalidParameterCount {
                    expected: 1,
                    actual: 2
                }
            )
        }),
        ("MapType(UTF8Type)", Some(7), |k| {
            matches!(
                k,
                C::InvalidParameterCount {
                    expected: 2,
                    actual: 1
                }
            )
        }),
        ("Int32Type(UTF8Type)", Some(9), |k| {
            matches!(
                k,
                C::InvalidParameterCount {
                    expected: 0,
                    actual: 1
                }
            )
        }),
        ("ListType(Int32Type]", Some(18), |k| {
            matches!(k, C::UnexpectedCharacter(']', ')'))
        }),
        ("VectorType(FloatType)", Some(20), |k| {
            matches!(k, C::UnexpectedCharacter(')', ','))
        }),
        ("VectorType(FloatType,0)", Some(21), |k| {
            matches!(k, C::IntegerParseError(_))
        }),
        ("VectorType(FloatType,70000)", Some(21), |k| {
            matches!(k, C::IntegerParseError(_))
        }),
        ("VectorType(FloatType,x)", Some(21), |k| {
            matches!(k, C::IntegerParseError(_))
        }),
        ("VectorType(FloatType,)", Some(21), |k| {
            matches!(k, C::IntegerParseError(_))
        }),
        ("UserType(ks)", Some(11), |k| {
            matches!(k, C::UnexpectedCharacter(')', ','))
        }),
        ("UserType(,61)", Some(9), |k| {
            matches!(k, C::UnexpectedCharacter(',', ','))
        }),
        ("UserType(ks,6)", Some(12), |k| {
            matches!(k, C::BadHexString(_))
        }),
        ("UserType(ks,zz)", Some(12), |k| {
            matches!(k, C::BadHexString(_))
        }),
        ("UserType(ks,61,62)", Some(17), |k| {
            matches!(k, C::UnexpectedCharacter(')', ':'))
        }),
        ("UserType(ks,61,62:)", Some(18), |k| {
            matches!(k, C::ExpectedTypeName(_))
        }),
        ("UserType(ks,61,ff:Int32Type)", Some(15), |k| {
            matches!(k, C::InvalidUtf8(_))
        }),
        ("Int32Type)", Some(9), |k| {
            matches!(k, C::UnexpectedCharacter(')', _))
        }),
        ("Int32Type junk", Some(10), |k| {
            matches!(k, C::UnexpectedCharacter('j', _))
        }),
        ("com.example.T(a(b)", Some(18), |k| {
            matches!(k, C::UnexpectedEndOfInput)
        }),
    ];
    for (s, pos, check) in cases {
        let e = custom_type_parser::parse(s)
            .map(|t| panic!("{s:?} parsed as {t:?}"))
            .unwrap_err();
        assert_eq!(e.position(), pos, "{s:?}: {e}");
        assert!(check(e.kind()), "{s:?}: {e:?}");
        assert!(e.to_string().contains(&format!("{s:?}")), "{e}");
    }
}
