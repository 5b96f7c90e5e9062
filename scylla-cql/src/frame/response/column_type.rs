//! CQL column types ([`ColumnType`]), column and table specifications.
//!
//! These are shared by the result metadata parser, the serializers (which type-check
//! values against them) and the deserializers. They are re-exported from
//! [`crate::frame::response::result`].

use std::borrow::Cow;
use std::fmt::{self, Write as _};
use std::sync::Arc;

/// The deepest nesting of types (collections, tuples, UDTs, vectors, frozen and
/// reversed wrappers) the parsers in this crate accept. Deeper types are rejected
/// with an error instead of risking a stack overflow in the many recursive
/// functions that walk a [`ColumnType`].
pub const MAX_TYPE_NESTING_DEPTH: usize = 64;

/// CQL keywords that name types: a UDT with one of these names must be quoted.
const TYPE_KEYWORDS: [&str; 28] = [
    "ascii",
    "bigint",
    "blob",
    "boolean",
    "counter",
    "date",
    "decimal",
    "double",
    "duration",
    "float",
    "inet",
    "int",
    "smallint",
    "text",
    "time",
    "timestamp",
    "timeuuid",
    "tinyint",
    "uuid",
    "varchar",
    "varint",
    "list",
    "set",
    "map",
    "tuple",
    "frozen",
    "vector",
    "empty",
];

/// Writes a CQL identifier, double-quoted (with `"` doubled) unless it is a lowercase
/// unquoted identifier that is not a type keyword.
pub(crate) fn write_cql_identifier(f: &mut impl fmt::Write, name: &str) -> fmt::Result {
    let plain = name.chars().next().is_some_and(|c| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && !TYPE_KEYWORDS.contains(&name);
    if plain {
        return f.write_str(name);
    }
    f.write_char('"')?;
    for c in name.chars() {
        if c == '"' {
            f.write_char('"')?;
        }
        f.write_char(c)?;
    }
    f.write_char('"')
}

/// A native (non-parameterized) CQL type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum NativeType {
    /// `ascii`
    Ascii,
    /// `boolean`
    Boolean,
    /// `blob`
    Blob,
    /// `counter`
    Counter,
    /// `date`
    Date,
    /// `decimal`
    Decimal,
    /// `double`
    Double,
    /// `duration`
    Duration,
    /// `float`
    Float,
    /// `int`
    Int,
    /// `bigint`
    BigInt,
    /// `text` (also `varchar`)
    Text,
    /// `timestamp`
    Timestamp,
    /// `inet`
    Inet,
    /// `smallint`
    SmallInt,
    /// `tinyint`
    TinyInt,
    /// `time`
    Time,
    /// `timeuuid`
    Timeuuid,
    /// `uuid`
    Uuid,
    /// `varint`
    Varint,
}

impl NativeType {
    /// Every native type, in protocol option-id order where one exists.
    pub const ALL: [NativeType; 20] = [
        NativeType::Ascii,
        NativeType::BigInt,
        NativeType::Blob,
        NativeType::Boolean,
        NativeType::Counter,
        NativeType::Decimal,
        NativeType::Double,
        NativeType::Float,
        NativeType::Int,
        NativeType::Timestamp,
        NativeType::Uuid,
        NativeType::Text,
        NativeType::Varint,
        NativeType::Timeuuid,
        NativeType::Inet,
        NativeType::Date,
        NativeType::Time,
        NativeType::SmallInt,
        NativeType::TinyInt,
        NativeType::Duration,
    ];

    /// The serialized size of a value of this type inside a `vector`, if the type is
    /// fixed-size there; `None` for types whose elements carry an `[unsigned vint]`
    /// length.
    ///
    /// This follows Cassandra 5.0's `valueLengthIfFixed` (which the Python driver
    /// mirrors): `tinyint`, `smallint`, `date` and `time` are variable-size in vectors
    /// even though their encodings have a fixed width elsewhere.
    pub fn type_size_for_vector(&self) -> Option<usize> {
        match self {
            NativeType::Boolean => Some(1),
            NativeType::Int | NativeType::Float => Some(4),
            NativeType::BigInt
            | NativeType::Counter
            | NativeType::Double
            | NativeType::Timestamp => Some(8),
            NativeType::Uuid | NativeType::Timeuuid => Some(16),
            NativeType::TinyInt
            | NativeType::SmallInt
            | NativeType::Date
            | NativeType::Time
            | NativeType::Ascii
            | NativeType::Blob
            | NativeType::Decimal
            | NativeType::Duration
            | NativeType::Text
            | NativeType::Inet
            | NativeType::Varint => None,
        }
    }

    /// The CQL name of the type (`bigint`, `text`, ...).
    pub fn cql_name(&self) -> &'static str {
        match self {
            NativeType::Ascii => "ascii",
            NativeType::Boolean => "boolean",
            NativeType::Blob => "blob",
            NativeType::Counter => "counter",
            NativeType::Date => "date",
            NativeType::Decimal => "decimal",
            NativeType::Double => "double",
            NativeType::Duration => "duration",
            NativeType::Float => "float",
            NativeType::Int => "int",
            NativeType::BigInt => "bigint",
            NativeType::Text => "text",
            NativeType::Timestamp => "timestamp",
            NativeType::Inet => "inet",
            NativeType::SmallInt => "smallint",
            NativeType::TinyInt => "tinyint",
            NativeType::Time => "time",
            NativeType::Timeuuid => "timeuuid",
            NativeType::Uuid => "uuid",
            NativeType::Varint => "varint",
        }
    }

    /// The Cassandra marshal class name (`org.apache.cassandra.db.marshal.LongType`).
    pub fn class_name(&self) -> &'static str {
        match self {
            NativeType::Ascii => "org.apache.cassandra.db.marshal.AsciiType",
            NativeType::Boolean => "org.apache.cassandra.db.marshal.BooleanType",
            NativeType::Blob => "org.apache.cassandra.db.marshal.BytesType",
            NativeType::Counter => "org.apache.cassandra.db.marshal.CounterColumnType",
            NativeType::Date => "org.apache.cassandra.db.marshal.SimpleDateType",
            NativeType::Decimal => "org.apache.cassandra.db.marshal.DecimalType",
            NativeType::Double => "org.apache.cassandra.db.marshal.DoubleType",
            NativeType::Duration => "org.apache.cassandra.db.marshal.DurationType",
            NativeType::Float => "org.apache.cassandra.db.marshal.FloatType",
            NativeType::Int => "org.apache.cassandra.db.marshal.Int32Type",
            NativeType::BigInt => "org.apache.cassandra.db.marshal.LongType",
            NativeType::Text => "org.apache.cassandra.db.marshal.UTF8Type",
            NativeType::Timestamp => "org.apache.cassandra.db.marshal.TimestampType",
            NativeType::Inet => "org.apache.cassandra.db.marshal.InetAddressType",
            NativeType::SmallInt => "org.apache.cassandra.db.marshal.ShortType",
            NativeType::TinyInt => "org.apache.cassandra.db.marshal.ByteType",
            NativeType::Time => "org.apache.cassandra.db.marshal.TimeType",
            NativeType::Timeuuid => "org.apache.cassandra.db.marshal.TimeUUIDType",
            NativeType::Uuid => "org.apache.cassandra.db.marshal.UUIDType",
            NativeType::Varint => "org.apache.cassandra.db.marshal.IntegerType",
        }
    }

    /// The `[option]` id of this type in result metadata (protocol spec 4.2.5.2).
    pub fn option_id(&self) -> u16 {
        match self {
            NativeType::Ascii => 0x0001,
            NativeType::BigInt => 0x0002,
            NativeType::Blob => 0x0003,
            NativeType::Boolean => 0x0004,
            NativeType::Counter => 0x0005,
            NativeType::Decimal => 0x0006,
            NativeType::Double => 0x0007,
            NativeType::Float => 0x0008,
            NativeType::Int => 0x0009,
            NativeType::Timestamp => 0x000B,
            NativeType::Uuid => 0x000C,
            NativeType::Text => 0x000D,
            NativeType::Varint => 0x000E,
            NativeType::Timeuuid => 0x000F,
            NativeType::Inet => 0x0010,
            NativeType::Date => 0x0011,
            NativeType::Time => 0x0012,
            NativeType::SmallInt => 0x0013,
            NativeType::TinyInt => 0x0014,
            NativeType::Duration => 0x0015,
        }
    }

    /// The native type with the given `[option]` id (0x000A, the old varchar, maps to text).
    pub fn from_option_id(id: u16) -> Option<NativeType> {
        Some(match id {
            0x0001 => NativeType::Ascii,
            0x0002 => NativeType::BigInt,
            0x0003 => NativeType::Blob,
            0x0004 => NativeType::Boolean,
            0x0005 => NativeType::Counter,
            0x0006 => NativeType::Decimal,
            0x0007 => NativeType::Double,
            0x0008 => NativeType::Float,
            0x0009 => NativeType::Int,
            0x000A | 0x000D => NativeType::Text,
            0x000B => NativeType::Timestamp,
            0x000C => NativeType::Uuid,
            0x000E => NativeType::Varint,
            0x000F => NativeType::Timeuuid,
            0x0010 => NativeType::Inet,
            0x0011 => NativeType::Date,
            0x0012 => NativeType::Time,
            0x0013 => NativeType::SmallInt,
            0x0014 => NativeType::TinyInt,
            0x0015 => NativeType::Duration,
            _ => return None,
        })
    }
}

impl fmt::Display for NativeType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.cql_name())
    }
}

/// A collection type: list, set or map.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CollectionType<'frame> {
    /// `list<T>`
    List(Box<ColumnType<'frame>>),
    /// `map<K, V>`
    Map(Box<ColumnType<'frame>>, Box<ColumnType<'frame>>),
    /// `set<T>`
    Set(Box<ColumnType<'frame>>),
}

/// A user-defined type's definition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserDefinedType<'frame> {
    /// The type's name.
    pub name: Cow<'frame, str>,
    /// The keyspace the type lives in.
    pub keyspace: Cow<'frame, str>,
    /// Field names and types, in definition order.
    pub field_types: Vec<(Cow<'frame, str>, ColumnType<'frame>)>,
}

impl UserDefinedType<'_> {
    /// Converts into a definition that owns all its strings.
    pub fn into_owned(self) -> UserDefinedType<'static> {
        UserDefinedType {
            name: Cow::Owned(self.name.into_owned()),
            keyspace: Cow::Owned(self.keyspace.into_owned()),
            field_types: self
                .field_types
                .into_iter()
                .map(|(n, t)| (Cow::Owned(n.into_owned()), t.into_owned()))
                .collect(),
        }
    }
}

/// The type of a CQL column, bind marker or nested value.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ColumnType<'frame> {
    /// A native type.
    Native(NativeType),
    /// A list, set or map; `frozen` collections are serialized as one cell.
    Collection {
        /// Whether the collection is frozen.
        frozen: bool,
        /// The collection's kind and element types.
        typ: CollectionType<'frame>,
    },
    /// `vector<T, n>`.
    Vector {
        /// The element type.
        typ: Box<ColumnType<'frame>>,
        /// The number of elements.
        dimensions: u16,
    },
    /// A user-defined type.
    UserDefinedType {
        /// Whether the UDT is frozen.
        frozen: bool,
        /// The definition.
        definition: Arc<UserDefinedType<'frame>>,
    },
    /// `tuple<...>` (tuples are always frozen).
    Tuple(Vec<ColumnType<'frame>>),
    /// A custom type, named by its Java class; values are opaque bytes.
    Custom(Cow<'frame, str>),
}

impl<'frame> ColumnType<'frame> {
    /// Converts into a type that owns all its strings.
    pub fn into_owned(self) -> ColumnType<'static> {
        match self {
            ColumnType::Native(n) => ColumnType::Native(n),
            ColumnType::Collection { frozen, typ } => ColumnType::Collection {
                frozen,
                typ: match typ {
                    CollectionType::List(t) => CollectionType::List(Box::new(t.into_owned())),
                    CollectionType::Set(t) => CollectionType::Set(Box::new(t.into_owned())),
                    CollectionType::Map(k, v) => {
                        CollectionType::Map(Box::new(k.into_owned()), Box::new(v.into_owned()))
                    }
                },
            },
            ColumnType::Vector { typ, dimensions } => ColumnType::Vector {
                typ: Box::new(typ.into_owned()),
                dimensions,
            },
            ColumnType::UserDefinedType { frozen, definition } => {
                let definition = Arc::unwrap_or_clone(definition);
                ColumnType::UserDefinedType {
                    frozen,
                    definition: Arc::new(definition.into_owned()),
                }
            }
            ColumnType::Tuple(ts) => {
                ColumnType::Tuple(ts.into_iter().map(ColumnType::into_owned).collect())
            }
            ColumnType::Custom(name) => ColumnType::Custom(Cow::Owned(name.into_owned())),
        }
    }

    /// Whether a value of this type may be the special "empty" value (a zero-length
    /// byte string where the type normally has content), as Cassandra allows for most
    /// native types.
    pub fn supports_special_empty_value(&self) -> bool {
        match self {
            ColumnType::Native(n) => !matches!(
                n,
                NativeType::Counter
                    | NativeType::Duration
                    | NativeType::Ascii
                    | NativeType::Blob
                    | NativeType::Text
            ),
            _ => false,
        }
    }

    /// The serialized size of a value of this type inside a `vector`, if fixed.
    pub fn type_size_for_vector(&self) -> Option<usize> {
        match self {
            ColumnType::Native(n) => n.type_size_for_vector(),
            ColumnType::Vector { typ, dimensions } => typ
                .type_size_for_vector()
                .and_then(|s| s.checked_mul(*dimensions as usize)),
            _ => None,
        }
    }

    /// Shorthand for a native type.
    pub const fn native(n: NativeType) -> Self {
        ColumnType::Native(n)
    }

    /// The CQL spelling of this type, as `DESCRIBE` and `system_schema.columns` show
    /// it: `frozen<map<text, list<int>>>`, `vector<float, 3>`, `ks_udt` for a UDT
    /// (quoted when the name needs it: `"MyType"`), `'class.Name'` for a custom type.
    pub fn cql_name(&self) -> String {
        self.to_string()
    }
}

impl fmt::Display for ColumnType<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ColumnType::Native(n) => f.write_str(n.cql_name()),
            ColumnType::Collection { frozen, typ } => {
                if *frozen {
                    f.write_str("frozen<")?;
                }
                match typ {
                    CollectionType::List(t) => write!(f, "list<{t}>")?,
                    CollectionType::Set(t) => write!(f, "set<{t}>")?,
                    CollectionType::Map(k, v) => write!(f, "map<{k}, {v}>")?,
                }
                if *frozen {
                    f.write_str(">")?;
                }
                Ok(())
            }
            ColumnType::Vector { typ, dimensions } => write!(f, "vector<{typ}, {dimensions}>"),
            ColumnType::UserDefinedType { frozen, definition } => {
                if *frozen {
                    f.write_str("frozen<")?;
                }
                write_cql_identifier(f, &definition.name)?;
                if *frozen {
                    f.write_str(">")?;
                }
                Ok(())
            }
            ColumnType::Tuple(ts) => {
                f.write_str("frozen<tuple<")?;
                for (i, t) in ts.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{t}")?;
                }
                f.write_str(">>")
            }
            ColumnType::Custom(name) => {
                f.write_char('\'')?;
                for c in name.chars() {
                    if c == '\'' {
                        f.write_char('\'')?;
                    }
                    f.write_char(c)?;
                }
                f.write_char('\'')
            }
        }
    }
}

/// The keyspace and table a column belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TableSpec<'a> {
    ks_name: Cow<'a, str>,
    table_name: Cow<'a, str>,
}

impl<'a> TableSpec<'a> {
    /// A table spec borrowing its names.
    pub const fn borrowed(ks: &'a str, table: &'a str) -> Self {
        Self {
            ks_name: Cow::Borrowed(ks),
            table_name: Cow::Borrowed(table),
        }
    }

    /// The keyspace name.
    pub fn ks_name(&'a self) -> &'a str {
        &self.ks_name
    }

    /// The table name.
    pub fn table_name(&'a self) -> &'a str {
        &self.table_name
    }

    /// Converts into a spec that owns its names.
    pub fn into_owned(self) -> TableSpec<'static> {
        TableSpec {
            ks_name: Cow::Owned(self.ks_name.into_owned()),
            table_name: Cow::Owned(self.table_name.into_owned()),
        }
    }

    /// Copies into a spec that owns its names.
    pub fn to_owned(&self) -> TableSpec<'static> {
        TableSpec {
            ks_name: Cow::Owned(self.ks_name.to_string()),
            table_name: Cow::Owned(self.table_name.to_string()),
        }
    }
}

impl TableSpec<'static> {
    /// A table spec owning its names.
    pub fn owned(ks_name: String, table_name: String) -> Self {
        Self {
            ks_name: Cow::Owned(ks_name),
            table_name: Cow::Owned(table_name),
        }
    }
}

/// A column of a result set or a bind marker of a prepared statement: its name, type
/// and table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnSpec<'frame> {
    table_spec: TableSpec<'frame>,
    name: Cow<'frame, str>,
    typ: ColumnType<'frame>,
}

impl<'frame> ColumnSpec<'frame> {
    /// A column spec borrowing its name.
    pub const fn borrowed(
        name: &'frame str,
        typ: ColumnType<'frame>,
        table_spec: TableSpec<'frame>,
    ) -> Self {
        Self {
            table_spec,
            name: Cow::Borrowed(name),
            typ,
        }
    }

    /// The column's (or bind marker's) name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The column's type.
    pub fn typ(&self) -> &ColumnType<'frame> {
        &self.typ
    }

    /// The table the column belongs to.
    pub fn table_spec(&self) -> &TableSpec<'frame> {
        &self.table_spec
    }

    /// Converts into a spec that owns all its strings.
    pub fn into_owned(self) -> ColumnSpec<'static> {
        ColumnSpec {
            table_spec: self.table_spec.into_owned(),
            name: Cow::Owned(self.name.into_owned()),
            typ: self.typ.into_owned(),
        }
    }
}

impl ColumnSpec<'static> {
    /// A column spec owning its name.
    pub fn owned(name: String, typ: ColumnType<'static>, table_spec: TableSpec<'static>) -> Self {
        Self {
            table_spec,
            name: Cow::Owned(name),
            typ,
        }
    }
}

/// Where a partition-key column sits among a prepared statement's bind markers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PartitionKeyIndex {
    /// The bind marker's index.
    pub index: u16,
    /// The column's position within the partition key.
    pub sequence: u16,
}

/// The bind-marker metadata of a PREPARED result.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PreparedMetadata {
    /// The metadata flags as received (the LWT bit of ScyllaDB's extension lives here).
    pub flags: i32,
    /// The number of bind markers.
    pub col_count: usize,
    /// Where the partition-key columns sit among the bind markers, sorted by `index`.
    pub pk_indexes: Vec<PartitionKeyIndex>,
    /// One spec per bind marker.
    pub col_specs: Vec<ColumnSpec<'static>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn option_ids_round_trip() {
        for n in NativeType::ALL {
            assert_eq!(NativeType::from_option_id(n.option_id()), Some(n));
        }
        assert_eq!(NativeType::from_option_id(0x000A), Some(NativeType::Text));
        assert_eq!(NativeType::from_option_id(0x0030), None);
    }

    #[test]
    fn display_is_cql() {
        let t = ColumnType::Collection {
            frozen: true,
            typ: CollectionType::Map(
                Box::new(ColumnType::Native(NativeType::Text)),
                Box::new(ColumnType::Collection {
                    frozen: false,
                    typ: CollectionType::List(Box::new(ColumnType::Native(NativeType::Int))),
                }),
            ),
        };
        assert_eq!(t.to_string(), "frozen<map<text, list<int>>>");
        let v = ColumnType::Vector {
            typ: Box::new(ColumnType::Native(NativeType::Float)),
            dimensions: 3,
        };
        assert_eq!(v.to_string(), "vector<float, 3>");
        assert_eq!(v.type_size_for_vector(), Some(12));
    }
}
