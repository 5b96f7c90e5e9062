//! The [`DeserializeValue`] trait: one CQL value into a Rust type, its built-in
//! implementations, the iterators over collection, vector and UDT values, and the
//! built-in errors ([`BuiltinTypeCheckError`], [`BuiltinDeserializationError`]).
//!
//! Null handling: `Option<T>` maps null to `None`; every other type rejects null with
//! [`BuiltinDeserializationErrorKind::ExpectedNonNull`], except the list, set and map
//! targets (`Vec`, sets, maps and their iterators), which read null as an empty
//! collection, because Cassandra returns an empty non-frozen collection as null.
//! [`MaybeEmpty<T>`] maps the special zero-length value to `MaybeEmpty::Empty`.

use std::any::type_name;
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::fmt;
use std::hash::{BuildHasher, Hash};
use std::marker::PhantomData;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::sync::Arc;

use bytes::Bytes;
use uuid::Uuid;

use crate::frame::frame_errors::LowLevelDeserializationError;
use crate::frame::response::result::{CollectionType, ColumnType, NativeType};
use crate::frame::types;
use crate::serialize::{builtin_error_constructors, error_kind_from};
use crate::value::{
    Counter, CqlDate, CqlDecimal, CqlDecimalBorrowed, CqlDuration, CqlTime, CqlTimestamp,
    CqlTimeuuid, CqlValue, CqlVarint, CqlVarintBorrowed,
};

use super::frame_slice::FrameSlice;
use super::{DeserializationError, TypeCheckError};

/// Re-exported from [`crate::value`], where these now live.
pub use crate::value::{Emptiable, MaybeEmpty};

/// A Rust type that can be deserialized from a CQL value.
///
/// `'frame` is the lifetime of the response frame (borrowed types like `&'frame str`
/// point into it); `'metadata` that of the result metadata (types like iterators keep
/// references to the column type).
pub trait DeserializeValue<'frame, 'metadata>
where
    Self: Sized,
{
    /// Checks once, before any value is read, that `typ` can be deserialized into
    /// `Self`.
    fn type_check(typ: &ColumnType) -> Result<(), TypeCheckError>;

    /// Deserializes a value of type `typ` (already checked); `v` is `None` for null.
    fn deserialize(
        typ: &'metadata ColumnType<'metadata>,
        v: Option<FrameSlice<'frame>>,
    ) -> Result<Self, DeserializationError>;
}

// =======================================================================================
// Errors
// =======================================================================================

/// A Rust type could not be type-checked against a CQL type by a built-in
/// implementation of [`DeserializeValue`].
#[derive(Debug, Clone, thiserror::Error)]
#[error("Failed to type check Rust type {rust_name} against CQL type {cql_type}: {kind}")]
pub struct BuiltinTypeCheckError {
    /// The Rust type's name.
    pub rust_name: &'static str,
    /// The CQL type.
    pub cql_type: ColumnType<'static>,
    /// What went wrong.
    pub kind: BuiltinTypeCheckErrorKind,
}

builtin_error_constructors! {
    BuiltinTypeCheckError in TypeCheckError,
    kind BuiltinTypeCheckErrorKind, cql_type: ColumnType;
    /// Builds a [`TypeCheckError`] holding a [`BuiltinTypeCheckError`] for the Rust type `T`.
    pub fn mk_typck_err<T>;
    fn mk_typck_err_named;
}

/// Why a built-in type check failed.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum BuiltinTypeCheckErrorKind {
    /// The CQL type is none of those the Rust type can be deserialized from.
    MismatchedType {
        /// The CQL types the Rust type accepts.
        expected: &'static [ColumnType<'static>],
    },
    /// A `Vec` can only be deserialized from a list, a set or a vector.
    NotDeserializableToVec,
    /// A list or set check failed.
    SetOrListError(SetOrListTypeCheckErrorKind),
    /// A map check failed.
    MapError(MapTypeCheckErrorKind),
    /// A tuple check failed.
    TupleError(TupleTypeCheckErrorKind),
    /// A user-defined type check failed.
    UdtError(UdtTypeCheckErrorKind),
    /// A vector check failed.
    VectorError(VectorTypeCheckErrorKind),
}

error_kind_from!(BuiltinTypeCheckErrorKind {
    SetOrListError(SetOrListTypeCheckErrorKind),
    MapError(MapTypeCheckErrorKind),
    TupleError(TupleTypeCheckErrorKind),
    UdtError(UdtTypeCheckErrorKind),
    VectorError(VectorTypeCheckErrorKind),
});

impl fmt::Display for BuiltinTypeCheckErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::MismatchedType { expected } => {
                f.write_str("expected one of the CQL types: ")?;
                for (i, t) in expected.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{t}")?;
                }
                Ok(())
            }
            Self::NotDeserializableToVec => f.write_str(
                "the CQL type cannot be deserialized into a Vec: only list, set and vector can",
            ),
            Self::SetOrListError(k) => k.fmt(f),
            Self::MapError(k) => k.fmt(f),
            Self::TupleError(k) => k.fmt(f),
            Self::UdtError(k) => k.fmt(f),
            Self::VectorError(k) => k.fmt(f),
        }
    }
}

/// Why a list or set type check failed.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum SetOrListTypeCheckErrorKind {
    /// The CQL type is neither a list nor a set.
    NotSetOrList,
    /// The CQL type is not a set. (The built-in set targets also accept lists, so
    /// they do not report this.)
    NotSet,
    /// The element type failed its check.
    ElementTypeCheckFailed(TypeCheckError),
}

impl fmt::Display for SetOrListTypeCheckErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotSetOrList => f.write_str("the CQL type is neither a list nor a set"),
            Self::NotSet => f.write_str("the CQL type is not a set"),
            Self::ElementTypeCheckFailed(e) => {
                write!(f, "the element type failed to type check: {e}")
            }
        }
    }
}

/// Why a map type check failed.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum MapTypeCheckErrorKind {
    /// The CQL type is not a map.
    NotMap,
    /// The key type failed its check.
    KeyTypeCheckFailed(TypeCheckError),
    /// The value type failed its check.
    ValueTypeCheckFailed(TypeCheckError),
}

impl fmt::Display for MapTypeCheckErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotMap => f.write_str("the CQL type is not a map"),
            Self::KeyTypeCheckFailed(e) => write!(f, "the map key type failed to type check: {e}"),
            Self::ValueTypeCheckFailed(e) => {
                write!(f, "the map value type failed to type check: {e}")
            }
        }
    }
}

/// Why a tuple type check failed.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum TupleTypeCheckErrorKind {
    /// The CQL type is not a tuple.
    NotTuple,
    /// The tuples have different numbers of elements.
    WrongElementCount {
        /// Elements of the Rust tuple.
        rust_type_el_count: usize,
        /// Elements of the CQL tuple.
        cql_type_el_count: usize,
    },
    /// An element failed its check.
    FieldTypeCheckFailed {
        /// The element's position.
        position: usize,
        /// The element's error.
        err: TypeCheckError,
    },
}

impl fmt::Display for TupleTypeCheckErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotTuple => f.write_str("the CQL type is not a tuple"),
            Self::WrongElementCount {
                rust_type_el_count,
                cql_type_el_count,
            } => write!(
                f,
                "wrong tuple element count: the CQL tuple has {cql_type_el_count} elements, \
                 the Rust tuple {rust_type_el_count}"
            ),
            Self::FieldTypeCheckFailed { position, err } => {
                write!(
                    f,
                    "the tuple element at position {position} failed to type check: {err}"
                )
            }
        }
    }
}

/// Why a user-defined type check failed.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum UdtTypeCheckErrorKind {
    /// The CQL type is not a user-defined type.
    NotUdt,
    /// The UDT has fewer fields than the Rust type requires.
    TooFewFields {
        /// The fields the Rust type requires.
        required_fields: Vec<&'static str>,
        /// The fields the UDT has.
        present_fields: Vec<String>,
    },
    /// The UDT has a field the Rust type does not.
    ExcessFieldInUdt {
        /// The field's name in the UDT.
        db_field_name: String,
    },
    /// A field occurs more than once in the UDT definition.
    DuplicatedField {
        /// The field's name.
        field_name: String,
    },
    /// Fields the Rust type requires are missing from the UDT.
    ValuesMissingForUdtFields {
        /// The missing fields.
        field_names: Vec<&'static str>,
    },
    /// The UDT's field at a position has another name than the Rust type's.
    FieldNameMismatch {
        /// The position.
        position: usize,
        /// The Rust field's name.
        rust_field_name: String,
        /// The UDT field's name.
        db_field_name: String,
    },
    /// A field failed its check.
    FieldTypeCheckFailed {
        /// The field's name.
        field_name: String,
        /// The field's error.
        err: TypeCheckError,
    },
}

impl fmt::Display for UdtTypeCheckErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotUdt => f.write_str("the CQL type is not a user-defined type"),
            Self::TooFewFields {
                required_fields,
                present_fields,
            } => write!(
                f,
                "the UDT has too few fields: the Rust type requires {required_fields:?}, \
                 the UDT has {present_fields:?}"
            ),
            Self::ExcessFieldInUdt { db_field_name } => write!(
                f,
                "the UDT has the field {db_field_name:?}, which the Rust type does not have"
            ),
            Self::DuplicatedField { field_name } => {
                write!(
                    f,
                    "the field {field_name:?} occurs more than once in the UDT"
                )
            }
            Self::ValuesMissingForUdtFields { field_names } => write!(
                f,
                "the UDT lacks the fields {field_names:?} that the Rust type requires"
            ),
            Self::FieldNameMismatch {
                position,
                rust_field_name,
                db_field_name,
            } => write!(
                f,
                "the field at position {position} is named {db_field_name:?} in the UDT \
                 but {rust_field_name:?} in the Rust type"
            ),
            Self::FieldTypeCheckFailed { field_name, err } => {
                write!(f, "the field {field_name:?} failed to type check: {err}")
            }
        }
    }
}

/// Why a vector type check failed.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum VectorTypeCheckErrorKind {
    /// The CQL type is not a vector.
    NotVector,
    /// The element type failed its check.
    ElementTypeCheckFailed(TypeCheckError),
}

impl fmt::Display for VectorTypeCheckErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotVector => f.write_str("the CQL type is not a vector"),
            Self::ElementTypeCheckFailed(e) => {
                write!(f, "the vector element type failed to type check: {e}")
            }
        }
    }
}

/// A CQL value could not be deserialized by a built-in implementation of
/// [`DeserializeValue`].
#[derive(Debug, Clone, thiserror::Error)]
#[error("Failed to deserialize Rust type {rust_name} from CQL type {cql_type}: {kind}")]
pub struct BuiltinDeserializationError {
    /// The Rust type's name.
    pub rust_name: &'static str,
    /// The CQL type.
    pub cql_type: ColumnType<'static>,
    /// What went wrong.
    pub kind: BuiltinDeserializationErrorKind,
}

builtin_error_constructors! {
    BuiltinDeserializationError in DeserializationError,
    kind BuiltinDeserializationErrorKind, cql_type: ColumnType;
    /// Builds a [`DeserializationError`] holding a [`BuiltinDeserializationError`] for the
    /// Rust type `T`.
    pub fn mk_deser_err<T>;
    fn mk_deser_err_named;
}

/// If `err` is a [`BuiltinDeserializationError`], sets its `rust_name` to `RustT`'s name;
/// other errors are returned unchanged. Wrappers use this to report their own name.
pub fn deser_error_replace_rust_name<RustT>(err: DeserializationError) -> DeserializationError {
    err.map_inner(|e: &mut BuiltinDeserializationError| e.rust_name = type_name::<RustT>())
}

/// The type-check counterpart of [`deser_error_replace_rust_name`].
pub(crate) fn typck_error_replace_rust_name<RustT>(err: TypeCheckError) -> TypeCheckError {
    err.map_inner(|e: &mut BuiltinTypeCheckError| e.rust_name = type_name::<RustT>())
}

/// Why a built-in deserialization failed.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum BuiltinDeserializationErrorKind {
    /// The value is null, and the Rust type cannot represent null (use `Option`).
    ExpectedNonNull,
    /// The value has a different number of bytes than the type needs.
    ByteLengthMismatch {
        /// Bytes the type needs.
        expected: usize,
        /// Bytes the value has.
        got: usize,
    },
    /// A component of a date, time or duration value could not be read.
    BadDate {
        /// The component (`months`, `days`, `nanoseconds`, ...).
        date_field: &'static str,
        /// Why it could not be read.
        err: LowLevelDeserializationError,
    },
    /// The scale of a decimal could not be read.
    BadDecimalScale(LowLevelDeserializationError),
    /// Bytes of the value's structure (lengths, nested values) could not be read.
    RawCqlBytesReadError(LowLevelDeserializationError),
    /// An `ascii` value contains non-ASCII bytes.
    ExpectedAscii,
    /// A `text` value is not valid UTF-8.
    InvalidUtf8(std::str::Utf8Error),
    /// The value does not fit the Rust type.
    ValueOverflow,
    /// An `inet` value is neither 4 nor 16 bytes long.
    BadInetLength {
        /// Its length.
        got: usize,
    },
    /// A list or set element could not be deserialized.
    SetOrListError(SetOrListDeserializationErrorKind),
    /// A map entry could not be deserialized.
    MapError(MapDeserializationErrorKind),
    /// A tuple element could not be deserialized.
    TupleError(TupleDeserializationErrorKind),
    /// A UDT field could not be deserialized.
    UdtError(UdtDeserializationErrorKind),
    /// A vector element could not be deserialized.
    VectorError(VectorDeserializationErrorKind),
    /// The Rust type cannot deserialize values of this CQL type; reported when
    /// `deserialize` is called for a type that `type_check` would have rejected.
    Unsupported,
}

error_kind_from!(BuiltinDeserializationErrorKind {
    SetOrListError(SetOrListDeserializationErrorKind),
    MapError(MapDeserializationErrorKind),
    TupleError(TupleDeserializationErrorKind),
    UdtError(UdtDeserializationErrorKind),
    VectorError(VectorDeserializationErrorKind),
});

impl fmt::Display for BuiltinDeserializationErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::ExpectedNonNull => {
                f.write_str("expected a non-null value (use Option<T> to accept null)")
            }
            Self::ByteLengthMismatch { expected, got } => {
                write!(f, "the value has {got} bytes, expected {expected}")
            }
            Self::BadDate { date_field, err } => {
                write!(f, "the {date_field} component could not be read: {err}")
            }
            Self::BadDecimalScale(err) => {
                write!(f, "the decimal scale could not be read: {err}")
            }
            Self::RawCqlBytesReadError(err) => {
                write!(f, "the value's bytes are malformed: {err}")
            }
            Self::ExpectedAscii => f.write_str("the ascii value contains non-ASCII bytes"),
            Self::InvalidUtf8(err) => write!(f, "the value is not valid UTF-8: {err}"),
            Self::ValueOverflow => f.write_str("the value does not fit the range of the Rust type"),
            Self::BadInetLength { got } => {
                write!(
                    f,
                    "an inet value must have 4 or 16 bytes, this one has {got}"
                )
            }
            Self::SetOrListError(k) => k.fmt(f),
            Self::MapError(k) => k.fmt(f),
            Self::TupleError(k) => k.fmt(f),
            Self::UdtError(k) => k.fmt(f),
            Self::VectorError(k) => k.fmt(f),
            Self::Unsupported => f.write_str(
                "the Rust type cannot deserialize this CQL type (was it type-checked first?)",
            ),
        }
    }
}

/// Why a list or set could not be deserialized.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum SetOrListDeserializationErrorKind {
    /// The element count could not be read or is impossible for the bytes present.
    LengthDeserializationFailed(DeserializationError),
    /// An element could not be deserialized.
    ElementDeserializationFailed(DeserializationError),
}

impl fmt::Display for SetOrListDeserializationErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::LengthDeserializationFailed(e) => {
                write!(f, "the element count could not be read: {e}")
            }
            Self::ElementDeserializationFailed(e) => {
                write!(f, "an element could not be deserialized: {e}")
            }
        }
    }
}

/// Why a map could not be deserialized.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum MapDeserializationErrorKind {
    /// The entry count could not be read or is impossible for the bytes present.
    LengthDeserializationFailed(DeserializationError),
    /// A key could not be deserialized.
    KeyDeserializationFailed(DeserializationError),
    /// A value could not be deserialized.
    ValueDeserializationFailed(DeserializationError),
}

impl fmt::Display for MapDeserializationErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::LengthDeserializationFailed(e) => {
                write!(f, "the entry count could not be read: {e}")
            }
            Self::KeyDeserializationFailed(e) => {
                write!(f, "a map key could not be deserialized: {e}")
            }
            Self::ValueDeserializationFailed(e) => {
                write!(f, "a map value could not be deserialized: {e}")
            }
        }
    }
}

/// Why a tuple could not be deserialized.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum TupleDeserializationErrorKind {
    /// An element could not be deserialized.
    FieldDeserializationFailed {
        /// The element's position.
        position: usize,
        /// The element's error.
        err: DeserializationError,
    },
}

impl fmt::Display for TupleDeserializationErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::FieldDeserializationFailed { position, err } => write!(
                f,
                "the tuple element at position {position} could not be deserialized: {err}"
            ),
        }
    }
}

/// Why a UDT value could not be deserialized.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum UdtDeserializationErrorKind {
    /// A field could not be deserialized.
    FieldDeserializationFailed {
        /// The field's name.
        field_name: String,
        /// The field's error.
        err: DeserializationError,
    },
}

impl fmt::Display for UdtDeserializationErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::FieldDeserializationFailed { field_name, err } => write!(
                f,
                "the UDT field {field_name:?} could not be deserialized: {err}"
            ),
        }
    }
}

/// Why a vector could not be deserialized.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum VectorDeserializationErrorKind {
    /// An element could not be deserialized.
    ElementDeserializationFailed(DeserializationError),
}

impl fmt::Display for VectorDeserializationErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::ElementDeserializationFailed(e) => {
                write!(f, "a vector element could not be deserialized: {e}")
            }
        }
    }
}

// =======================================================================================
// Small helpers
// =======================================================================================

fn exact_type_check<T>(
    typ: &ColumnType,
    expected: &'static [ColumnType<'static>],
) -> Result<(), TypeCheckError> {
    if expected.iter().any(|e| e == typ) {
        Ok(())
    } else {
        Err(mk_typck_err::<T>(
            typ,
            BuiltinTypeCheckErrorKind::MismatchedType { expected },
        ))
    }
}

#[inline]
fn ensure_not_null_frame_slice<'frame, T>(
    typ: &ColumnType,
    v: Option<FrameSlice<'frame>>,
) -> Result<FrameSlice<'frame>, DeserializationError> {
    v.ok_or_else(|| mk_deser_err::<T>(typ, BuiltinDeserializationErrorKind::ExpectedNonNull))
}

#[inline]
fn ensure_not_null_slice<'frame, T>(
    typ: &ColumnType,
    v: Option<FrameSlice<'frame>>,
) -> Result<&'frame [u8], DeserializationError> {
    ensure_not_null_frame_slice::<T>(typ, v).map(|s| s.as_slice())
}

#[inline]
fn ensure_exact_length<T, const N: usize>(
    typ: &ColumnType,
    v: &[u8],
) -> Result<[u8; N], DeserializationError> {
    <[u8; N]>::try_from(v).map_err(|_| {
        mk_deser_err::<T>(
            typ,
            BuiltinDeserializationErrorKind::ByteLengthMismatch {
                expected: N,
                got: v.len(),
            },
        )
    })
}

#[inline]
fn fixed_bytes<T, const N: usize>(
    typ: &ColumnType,
    v: Option<FrameSlice<'_>>,
) -> Result<[u8; N], DeserializationError> {
    let s = ensure_not_null_slice::<T>(typ, v)?;
    ensure_exact_length::<T, N>(typ, s)
}

fn unsupported<T>(typ: &ColumnType) -> DeserializationError {
    mk_deser_err::<T>(typ, BuiltinDeserializationErrorKind::Unsupported)
}

const fn native(n: NativeType) -> ColumnType<'static> {
    ColumnType::Native(n)
}

// =======================================================================================
// Native types
// =======================================================================================

macro_rules! impl_native {
    ($t:ty, [$($n:ident),+ $(,)?], |$typ:ident, $v:ident| $body:expr) => {
        impl<'frame, 'metadata> DeserializeValue<'frame, 'metadata> for $t {
            fn type_check(typ: &ColumnType) -> Result<(), TypeCheckError> {
                const EXPECTED: &[ColumnType<'static>] = &[$(native(NativeType::$n)),+];
                exact_type_check::<Self>(typ, EXPECTED)
            }

            fn deserialize(
                $typ: &'metadata ColumnType<'metadata>,
                $v: Option<FrameSlice<'frame>>,
            ) -> Result<Self, DeserializationError> {
                $body
            }
        }
    };
}

impl_native!(i8, [TinyInt], |typ, v| Ok(i8::from_be_bytes(
    fixed_bytes::<Self, 1>(typ, v)?
)));
impl_native!(i16, [SmallInt], |typ, v| Ok(i16::from_be_bytes(
    fixed_bytes::<Self, 2>(typ, v)?
)));
impl_native!(i32, [Int], |typ, v| Ok(i32::from_be_bytes(fixed_bytes::<
    Self,
    4,
>(typ, v)?)));
impl_native!(i64, [BigInt], |typ, v| Ok(i64::from_be_bytes(
    fixed_bytes::<Self, 8>(typ, v)?
)));
impl_native!(Counter, [Counter], |typ, v| Ok(Counter(
    i64::from_be_bytes(fixed_bytes::<Self, 8>(typ, v)?)
)));
impl_native!(f32, [Float], |typ, v| Ok(f32::from_be_bytes(
    fixed_bytes::<Self, 4>(typ, v)?
)));
impl_native!(f64, [Double], |typ, v| Ok(f64::from_be_bytes(
    fixed_bytes::<Self, 8>(typ, v)?
)));
impl_native!(bool, [Boolean], |typ, v| {
    let [b] = fixed_bytes::<Self, 1>(typ, v)?;
    Ok(b != 0)
});
impl_native!(CqlDate, [Date], |typ, v| Ok(CqlDate(u32::from_be_bytes(
    fixed_bytes::<Self, 4>(typ, v)?
))));
impl_native!(CqlTime, [Time], |typ, v| Ok(CqlTime(i64::from_be_bytes(
    fixed_bytes::<Self, 8>(typ, v)?
))));
impl_native!(CqlTimestamp, [Timestamp], |typ, v| Ok(CqlTimestamp(
    i64::from_be_bytes(fixed_bytes::<Self, 8>(typ, v)?)
)));
impl_native!(Uuid, [Uuid, Timeuuid], |typ, v| Ok(Uuid::from_bytes(
    fixed_bytes::<Self, 16>(typ, v)?
)));
impl_native!(CqlTimeuuid, [Timeuuid], |typ, v| Ok(
    CqlTimeuuid::from_bytes(fixed_bytes::<Self, 16>(typ, v)?)
));
impl_native!(IpAddr, [Inet], |typ, v| {
    let s = ensure_not_null_slice::<Self>(typ, v)?;
    if let Ok(a) = <[u8; 4]>::try_from(s) {
        Ok(IpAddr::V4(Ipv4Addr::from(a)))
    } else if let Ok(a) = <[u8; 16]>::try_from(s) {
        Ok(IpAddr::V6(Ipv6Addr::from(a)))
    } else {
        Err(mk_deser_err::<Self>(
            typ,
            BuiltinDeserializationErrorKind::BadInetLength { got: s.len() },
        ))
    }
});
impl_native!(CqlDuration, [Duration], |typ, v| {
    let bytes = ensure_not_null_slice::<Self>(typ, v)?;
    deser_duration(typ, bytes)
});
impl_native!(CqlVarint, [Varint], |typ, v| Ok(
    CqlVarint::from_signed_bytes_be_slice(ensure_not_null_slice::<Self>(typ, v)?)
));
impl_native!(CqlDecimal, [Decimal], |typ, v| {
    let (bytes, scale) = deser_decimal::<Self>(typ, v)?;
    Ok(CqlDecimal::from_signed_be_bytes_slice_and_exponent(
        bytes, scale,
    ))
});
impl_native!(String, [Ascii, Text], |typ, v| Ok(deser_str::<Self>(
    typ, v
)?
.to_owned()));
impl_native!(Box<str>, [Ascii, Text], |typ, v| Ok(deser_str::<Self>(
    typ, v
)?
.into()));
impl_native!(Arc<str>, [Ascii, Text], |typ, v| Ok(deser_str::<Self>(
    typ, v
)?
.into()));
impl_native!(Vec<u8>, [Blob], |typ, v| Ok(ensure_not_null_slice::<Self>(
    typ, v
)?
.to_vec()));
impl_native!(Bytes, [Blob], |typ, v| Ok(ensure_not_null_frame_slice::<
    Self,
>(typ, v)?
.to_bytes()));

const TEXT_TYPES: &[ColumnType<'static>] = &[native(NativeType::Ascii), native(NativeType::Text)];
const BLOB_TYPES: &[ColumnType<'static>] = &[native(NativeType::Blob)];
const VARINT_TYPES: &[ColumnType<'static>] = &[native(NativeType::Varint)];
const DECIMAL_TYPES: &[ColumnType<'static>] = &[native(NativeType::Decimal)];

impl<'a, 'frame, 'metadata> DeserializeValue<'frame, 'metadata> for &'a str
where
    'frame: 'a,
{
    fn type_check(typ: &ColumnType) -> Result<(), TypeCheckError> {
        exact_type_check::<Self>(typ, TEXT_TYPES)
    }

    fn deserialize(
        typ: &'metadata ColumnType<'metadata>,
        v: Option<FrameSlice<'frame>>,
    ) -> Result<Self, DeserializationError> {
        deser_str::<Self>(typ, v)
    }
}

impl<'a, 'frame, 'metadata> DeserializeValue<'frame, 'metadata> for &'a [u8]
where
    'frame: 'a,
{
    fn type_check(typ: &ColumnType) -> Result<(), TypeCheckError> {
        exact_type_check::<Self>(typ, BLOB_TYPES)
    }

    fn deserialize(
        typ: &'metadata ColumnType<'metadata>,
        v: Option<FrameSlice<'frame>>,
    ) -> Result<Self, DeserializationError> {
        ensure_not_null_slice::<Self>(typ, v)
    }
}

impl<'b, 'frame, 'metadata> DeserializeValue<'frame, 'metadata> for CqlVarintBorrowed<'b>
where
    'frame: 'b,
{
    fn type_check(typ: &ColumnType) -> Result<(), TypeCheckError> {
        exact_type_check::<Self>(typ, VARINT_TYPES)
    }

    fn deserialize(
        typ: &'metadata ColumnType<'metadata>,
        v: Option<FrameSlice<'frame>>,
    ) -> Result<Self, DeserializationError> {
        Ok(CqlVarintBorrowed::from_signed_bytes_be_slice(
            ensure_not_null_slice::<Self>(typ, v)?,
        ))
    }
}

impl<'b, 'frame, 'metadata> DeserializeValue<'frame, 'metadata> for CqlDecimalBorrowed<'b>
where
    'frame: 'b,
{
    fn type_check(typ: &ColumnType) -> Result<(), TypeCheckError> {
        exact_type_check::<Self>(typ, DECIMAL_TYPES)
    }

    fn deserialize(
        typ: &'metadata ColumnType<'metadata>,
        v: Option<FrameSlice<'frame>>,
    ) -> Result<Self, DeserializationError> {
        let (bytes, scale) = deser_decimal::<Self>(typ, v)?;
        Ok(CqlDecimalBorrowed::from_signed_be_bytes_slice_and_exponent(
            bytes, scale,
        ))
    }
}

fn deser_str<'frame, T>(
    typ: &ColumnType,
    v: Option<FrameSlice<'frame>>,
) -> Result<&'frame str, DeserializationError> {
    let bytes = ensure_not_null_slice::<T>(typ, v)?;
    if matches!(typ, ColumnType::Native(NativeType::Ascii)) && !bytes.is_ascii() {
        return Err(mk_deser_err::<T>(
            typ,
            BuiltinDeserializationErrorKind::ExpectedAscii,
        ));
    }
    std::str::from_utf8(bytes)
        .map_err(|e| mk_deser_err::<T>(typ, BuiltinDeserializationErrorKind::InvalidUtf8(e)))
}

fn deser_decimal<'frame, T>(
    typ: &ColumnType,
    v: Option<FrameSlice<'frame>>,
) -> Result<(&'frame [u8], i32), DeserializationError> {
    let mut bytes = ensure_not_null_slice::<T>(typ, v)?;
    let scale = types::read_int(&mut bytes).map_err(|err| {
        mk_deser_err::<T>(typ, BuiltinDeserializationErrorKind::BadDecimalScale(err))
    })?;
    Ok((bytes, scale))
}

fn deser_duration(typ: &ColumnType, bytes: &[u8]) -> Result<CqlDuration, DeserializationError> {
    let mut s = bytes;
    let mut field = |name: &'static str| {
        types::read_vint(&mut s).map_err(|err| {
            mk_deser_err::<CqlDuration>(
                typ,
                BuiltinDeserializationErrorKind::BadDate {
                    date_field: name,
                    err,
                },
            )
        })
    };
    let months = field("months")?;
    let days = field("days")?;
    let nanoseconds = field("nanoseconds")?;
    let overflow =
        || mk_deser_err::<CqlDuration>(typ, BuiltinDeserializationErrorKind::ValueOverflow);
    let months = i32::try_from(months).map_err(|_| overflow())?;
    let days = i32::try_from(days).map_err(|_| overflow())?;
    if !s.is_empty() {
        return Err(mk_deser_err::<CqlDuration>(
            typ,
            BuiltinDeserializationErrorKind::ByteLengthMismatch {
                expected: bytes.len() - s.len(),
                got: bytes.len(),
            },
        ));
    }
    Ok(CqlDuration {
        months,
        days,
        nanoseconds,
    })
}

/// Implements [`DeserializeValue`] for `$t` by delegating to `$via`: the type check is
/// `$via`'s, and a deserialized `$via` (bound to `$it`, with the CQL type bound to
/// `$typ`) is turned into `Self` by the fallible `$map`. Errors of `$via` (not those of
/// `$map`, which names `Self` itself) are reported under `Self`'s name.
macro_rules! impl_via {
    ($(#[$attr:meta])* impl[$($gen:tt)*] for $t:ty, via $via:ty
        $(, where [$($bounds:tt)*])? => |$typ:ident, $it:ident| $map:expr) => {
        $(#[$attr])*
        impl<'frame, 'metadata, $($gen)*> DeserializeValue<'frame, 'metadata> for $t
        $(where $($bounds)*)?
        {
            fn type_check(typ: &ColumnType) -> Result<(), TypeCheckError> {
                <$via as DeserializeValue<'frame, 'metadata>>::type_check(typ)
                    .map_err(typck_error_replace_rust_name::<Self>)
            }

            fn deserialize(
                $typ: &'metadata ColumnType<'metadata>,
                v: Option<FrameSlice<'frame>>,
            ) -> Result<Self, DeserializationError> {
                let $it = <$via as DeserializeValue<'frame, 'metadata>>::deserialize($typ, v)
                    .map_err(deser_error_replace_rust_name::<Self>)?;
                $map
            }
        }
    };
}

// =======================================================================================
// Wrappers
// =======================================================================================

impl<'frame, 'metadata, T> DeserializeValue<'frame, 'metadata> for Option<T>
where
    T: DeserializeValue<'frame, 'metadata>,
{
    fn type_check(typ: &ColumnType) -> Result<(), TypeCheckError> {
        T::type_check(typ)
    }

    fn deserialize(
        typ: &'metadata ColumnType<'metadata>,
        v: Option<FrameSlice<'frame>>,
    ) -> Result<Self, DeserializationError> {
        v.map(|v| T::deserialize(typ, Some(v))).transpose()
    }
}

impl<'frame, 'metadata, T> DeserializeValue<'frame, 'metadata> for MaybeEmpty<T>
where
    T: DeserializeValue<'frame, 'metadata> + Emptiable,
{
    fn type_check(typ: &ColumnType) -> Result<(), TypeCheckError> {
        T::type_check(typ).map_err(typck_error_replace_rust_name::<Self>)
    }

    fn deserialize(
        typ: &'metadata ColumnType<'metadata>,
        v: Option<FrameSlice<'frame>>,
    ) -> Result<Self, DeserializationError> {
        let v = ensure_not_null_frame_slice::<Self>(typ, v)?;
        if v.is_empty() {
            Ok(MaybeEmpty::Empty)
        } else {
            T::deserialize(typ, Some(v))
                .map(MaybeEmpty::Value)
                .map_err(deser_error_replace_rust_name::<Self>)
        }
    }
}

impl_via!(
    impl[T] for Box<T>, via T,
    where [T: DeserializeValue<'frame, 'metadata>]
    => |_typ, it| Ok(Box::new(it))
);
impl_via!(
    impl[T] for Arc<T>, via T,
    where [T: DeserializeValue<'frame, 'metadata>]
    => |_typ, it| Ok(Arc::new(it))
);
impl_via!(
    impl[T] for Cow<'frame, T>, via &'frame T,
    where [T: 'frame + ToOwned + ?Sized, &'frame T: DeserializeValue<'frame, 'metadata>]
    => |_typ, it| Ok(Cow::Borrowed(it))
);

/// The raw bytes of a value, not interpreted; `None` for null. Accepts any CQL type.
impl<'frame, 'metadata> DeserializeValue<'frame, 'metadata> for Option<FrameSlice<'frame>> {
    fn type_check(_typ: &ColumnType) -> Result<(), TypeCheckError> {
        Ok(())
    }

    fn deserialize(
        _typ: &'metadata ColumnType<'metadata>,
        v: Option<FrameSlice<'frame>>,
    ) -> Result<Self, DeserializationError> {
        Ok(v)
    }
}

/// A value's raw bytes together with its CQL type, not interpreted. Accepts any CQL
/// type; useful for custom implementations that dispatch on the type themselves.
#[derive(Debug, Clone, Copy)]
pub struct FrameSliceWithMetadata<'frame, 'metadata> {
    /// The value's CQL type.
    pub column_type: &'metadata ColumnType<'metadata>,
    /// The value's bytes; `None` for null.
    pub frame_slice: Option<FrameSlice<'frame>>,
}

impl<'frame, 'metadata> DeserializeValue<'frame, 'metadata>
    for FrameSliceWithMetadata<'frame, 'metadata>
{
    fn type_check(_typ: &ColumnType) -> Result<(), TypeCheckError> {
        Ok(())
    }

    fn deserialize(
        typ: &'metadata ColumnType<'metadata>,
        v: Option<FrameSlice<'frame>>,
    ) -> Result<Self, DeserializationError> {
        Ok(Self {
            column_type: typ,
            frame_slice: v,
        })
    }
}

// =======================================================================================
// Raw sequences of [bytes]
// =======================================================================================

/// Reads `[bytes]` items (each an `[int]` length, -1 for null, then that many bytes)
/// one after another until the slice is exhausted. Used for tuple and UDT values.
/// After an error it yields nothing more.
#[derive(Debug, Clone, Copy)]
pub struct BytesSequenceIterator<'frame> {
    slice: FrameSlice<'frame>,
    failed: bool,
}

impl<'frame> From<FrameSlice<'frame>> for BytesSequenceIterator<'frame> {
    fn from(slice: FrameSlice<'frame>) -> Self {
        Self {
            slice,
            failed: false,
        }
    }
}

impl<'frame> Iterator for BytesSequenceIterator<'frame> {
    type Item = Result<Option<FrameSlice<'frame>>, LowLevelDeserializationError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed || self.slice.is_empty() {
            return None;
        }
        let r = self.slice.read_cql_bytes();
        if r.is_err() {
            self.failed = true;
        }
        Some(r)
    }
}

/// Reads exactly `count` `[bytes]` items (each an `[int]` length, -1 for null, then
/// that many bytes). Used for list, set and map values. After an error it yields
/// nothing more.
#[derive(Debug, Clone, Copy)]
pub struct FixedLengthBytesSequenceIterator<'frame> {
    slice: FrameSlice<'frame>,
    remaining: usize,
}

impl<'frame> FixedLengthBytesSequenceIterator<'frame> {
    /// An iterator over `count` items read from `slice`.
    pub fn new(count: usize, slice: FrameSlice<'frame>) -> Self {
        Self {
            slice,
            remaining: count,
        }
    }
}

impl<'frame> Iterator for FixedLengthBytesSequenceIterator<'frame> {
    type Item = Result<Option<FrameSlice<'frame>>, LowLevelDeserializationError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.remaining == 0 {
            return None;
        }
        self.remaining -= 1;
        let r = self.slice.read_cql_bytes();
        if r.is_err() {
            self.remaining = 0;
        }
        Some(r)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.remaining, Some(self.remaining))
    }
}

impl ExactSizeIterator for FixedLengthBytesSequenceIterator<'_> {}

/// Reads a collection's `[int]` element count and checks that `count` items of at least
/// `min_item_bytes` bytes each could fit in what remains; a count the bytes cannot
/// hold is an error, so it never drives a large allocation.
fn read_collection_count(
    slice: &mut FrameSlice<'_>,
    min_item_bytes: usize,
) -> Result<usize, LowLevelDeserializationError> {
    let count = types::read_int_length(slice.as_slice_mut())?;
    let needed = count.saturating_mul(min_item_bytes);
    let present = slice.as_slice().len();
    if needed > present {
        return Err(LowLevelDeserializationError::TooFewBytesReceived {
            expected: needed,
            received: present,
        });
    }
    Ok(count)
}

// =======================================================================================
// Lists and sets
// =======================================================================================

/// Iterates over the elements of a list or set value, deserializing each as `T`.
///
/// A null value reads as an empty collection.
pub struct ListlikeIterator<'frame, 'metadata, T> {
    coll_typ: &'metadata ColumnType<'metadata>,
    elem_typ: &'metadata ColumnType<'metadata>,
    raw_iter: FixedLengthBytesSequenceIterator<'frame>,
    phantom_data: PhantomData<T>,
}

impl<T> fmt::Debug for ListlikeIterator<'_, '_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ListlikeIterator")
            .field("coll_typ", &self.coll_typ)
            .field("remaining", &self.raw_iter.remaining)
            .finish()
    }
}

impl<T> Clone for ListlikeIterator<'_, '_, T> {
    fn clone(&self) -> Self {
        Self {
            coll_typ: self.coll_typ,
            elem_typ: self.elem_typ,
            raw_iter: self.raw_iter,
            phantom_data: PhantomData,
        }
    }
}

fn list_or_set_element<'a, 'b>(typ: &'a ColumnType<'b>) -> Option<&'a ColumnType<'b>> {
    match typ {
        ColumnType::Collection {
            typ: CollectionType::List(t) | CollectionType::Set(t),
            ..
        } => Some(t),
        _ => None,
    }
}

impl<'frame, 'metadata, T> DeserializeValue<'frame, 'metadata>
    for ListlikeIterator<'frame, 'metadata, T>
where
    T: DeserializeValue<'frame, 'metadata>,
{
    fn type_check(typ: &ColumnType) -> Result<(), TypeCheckError> {
        let Some(elem) = list_or_set_element(typ) else {
            return Err(mk_typck_err::<Self>(
                typ,
                SetOrListTypeCheckErrorKind::NotSetOrList,
            ));
        };
        T::type_check(elem).map_err(|err| {
            mk_typck_err::<Self>(
                typ,
                SetOrListTypeCheckErrorKind::ElementTypeCheckFailed(err),
            )
        })
    }

    fn deserialize(
        typ: &'metadata ColumnType<'metadata>,
        v: Option<FrameSlice<'frame>>,
    ) -> Result<Self, DeserializationError> {
        let Some(elem_typ) = list_or_set_element(typ) else {
            return Err(unsupported::<Self>(typ));
        };
        let Some(mut v) = v else {
            return Ok(Self {
                coll_typ: typ,
                elem_typ,
                raw_iter: FixedLengthBytesSequenceIterator::new(0, FrameSlice::new_empty()),
                phantom_data: PhantomData,
            });
        };
        let count = read_collection_count(&mut v, 4).map_err(|err| {
            mk_deser_err::<Self>(
                typ,
                SetOrListDeserializationErrorKind::LengthDeserializationFailed(
                    DeserializationError::new(err),
                ),
            )
        })?;
        Ok(Self {
            coll_typ: typ,
            elem_typ,
            raw_iter: FixedLengthBytesSequenceIterator::new(count, v),
            phantom_data: PhantomData,
        })
    }
}

impl<'frame, 'metadata, T> Iterator for ListlikeIterator<'frame, 'metadata, T>
where
    T: DeserializeValue<'frame, 'metadata>,
{
    type Item = Result<T, DeserializationError>;

    fn next(&mut self) -> Option<Self::Item> {
        let raw = self.raw_iter.next()?;
        Some(
            raw.map_err(|err| {
                mk_deser_err::<Self>(
                    self.coll_typ,
                    BuiltinDeserializationErrorKind::RawCqlBytesReadError(err),
                )
            })
            .and_then(|v| {
                T::deserialize(self.elem_typ, v).map_err(|err| {
                    mk_deser_err::<Self>(
                        self.coll_typ,
                        SetOrListDeserializationErrorKind::ElementDeserializationFailed(err),
                    )
                })
            }),
        )
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.raw_iter.size_hint()
    }
}

impl<'frame, 'metadata, T> ExactSizeIterator for ListlikeIterator<'frame, 'metadata, T> where
    T: DeserializeValue<'frame, 'metadata>
{
}

impl<'frame, 'metadata, T> DeserializeValue<'frame, 'metadata> for Vec<T>
where
    T: DeserializeValue<'frame, 'metadata>,
{
    fn type_check(typ: &ColumnType) -> Result<(), TypeCheckError> {
        match typ {
            ColumnType::Collection {
                typ: CollectionType::List(_) | CollectionType::Set(_),
                ..
            } => ListlikeIterator::<'frame, 'metadata, T>::type_check(typ)
                .map_err(typck_error_replace_rust_name::<Self>),
            ColumnType::Vector { .. } => VectorIterator::<'frame, 'metadata, T>::type_check(typ)
                .map_err(typck_error_replace_rust_name::<Self>),
            _ => Err(mk_typck_err::<Self>(
                typ,
                BuiltinTypeCheckErrorKind::NotDeserializableToVec,
            )),
        }
    }

    fn deserialize(
        typ: &'metadata ColumnType<'metadata>,
        v: Option<FrameSlice<'frame>>,
    ) -> Result<Self, DeserializationError> {
        let r = match typ {
            ColumnType::Vector { .. } => {
                VectorIterator::<'frame, 'metadata, T>::deserialize(typ, v)
                    .and_then(|it| collect_vec(it))
            }
            _ => ListlikeIterator::<'frame, 'metadata, T>::deserialize(typ, v)
                .and_then(|it| collect_vec(it)),
        };
        r.map_err(deser_error_replace_rust_name::<Self>)
    }
}

fn collect_vec<T>(
    it: impl ExactSizeIterator<Item = Result<T, DeserializationError>>,
) -> Result<Vec<T>, DeserializationError> {
    // The length was checked against the bytes present, so it bounds the allocation.
    let mut out = Vec::with_capacity(it.len());
    for item in it {
        out.push(item?);
    }
    Ok(out)
}

impl_via!(
    impl[T, S] for HashSet<T, S>, via ListlikeIterator<'frame, 'metadata, T>,
    where [
        T: DeserializeValue<'frame, 'metadata> + Eq + Hash,
        S: BuildHasher + Default + 'frame,
    ]
    => |_typ, it| {
        let mut out = HashSet::with_capacity_and_hasher(it.len(), S::default());
        for item in it {
            out.insert(item.map_err(deser_error_replace_rust_name::<Self>)?);
        }
        Ok(out)
    }
);
impl_via!(
    impl[T] for BTreeSet<T>, via ListlikeIterator<'frame, 'metadata, T>,
    where [T: DeserializeValue<'frame, 'metadata> + Ord]
    => |_typ, it| it
        .collect::<Result<BTreeSet<T>, _>>()
        .map_err(deser_error_replace_rust_name::<Self>)
);
// =======================================================================================
// Maps
// =======================================================================================

/// Iterates over the entries of a map value, deserializing keys as `K` and values as
/// `V`, in the order the server sent them.
///
/// A null value reads as an empty map.
pub struct MapIterator<'frame, 'metadata, K, V> {
    coll_typ: &'metadata ColumnType<'metadata>,
    k_typ: &'metadata ColumnType<'metadata>,
    v_typ: &'metadata ColumnType<'metadata>,
    raw_iter: FixedLengthBytesSequenceIterator<'frame>,
    phantom_data: PhantomData<(K, V)>,
}

impl<K, V> fmt::Debug for MapIterator<'_, '_, K, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MapIterator")
            .field("coll_typ", &self.coll_typ)
            .field("remaining", &(self.raw_iter.remaining / 2))
            .finish()
    }
}

impl<K, V> Clone for MapIterator<'_, '_, K, V> {
    fn clone(&self) -> Self {
        Self {
            coll_typ: self.coll_typ,
            k_typ: self.k_typ,
            v_typ: self.v_typ,
            raw_iter: self.raw_iter,
            phantom_data: PhantomData,
        }
    }
}

fn map_key_value<'a, 'b>(
    typ: &'a ColumnType<'b>,
) -> Option<(&'a ColumnType<'b>, &'a ColumnType<'b>)> {
    match typ {
        ColumnType::Collection {
            typ: CollectionType::Map(k, v),
            ..
        } => Some((k, v)),
        _ => None,
    }
}

impl<'frame, 'metadata, K, V> DeserializeValue<'frame, 'metadata>
    for MapIterator<'frame, 'metadata, K, V>
where
    K: DeserializeValue<'frame, 'metadata>,
    V: DeserializeValue<'frame, 'metadata>,
{
    fn type_check(typ: &ColumnType) -> Result<(), TypeCheckError> {
        let Some((k, v)) = map_key_value(typ) else {
            return Err(mk_typck_err::<Self>(typ, MapTypeCheckErrorKind::NotMap));
        };
        K::type_check(k).map_err(|err| {
            mk_typck_err::<Self>(typ, MapTypeCheckErrorKind::KeyTypeCheckFailed(err))
        })?;
        V::type_check(v).map_err(|err| {
            mk_typck_err::<Self>(typ, MapTypeCheckErrorKind::ValueTypeCheckFailed(err))
        })
    }

    fn deserialize(
        typ: &'metadata ColumnType<'metadata>,
        v: Option<FrameSlice<'frame>>,
    ) -> Result<Self, DeserializationError> {
        let Some((k_typ, v_typ)) = map_key_value(typ) else {
            return Err(unsupported::<Self>(typ));
        };
        let Some(mut v) = v else {
            return Ok(Self {
                coll_typ: typ,
                k_typ,
                v_typ,
                raw_iter: FixedLengthBytesSequenceIterator::new(0, FrameSlice::new_empty()),
                phantom_data: PhantomData,
            });
        };
        let count = read_collection_count(&mut v, 8).map_err(|err| {
            mk_deser_err::<Self>(
                typ,
                MapDeserializationErrorKind::LengthDeserializationFailed(
                    DeserializationError::new(err),
                ),
            )
        })?;
        Ok(Self {
            coll_typ: typ,
            k_typ,
            v_typ,
            // `count` ≤ bytes / 8, so doubling it cannot overflow.
            raw_iter: FixedLengthBytesSequenceIterator::new(count * 2, v),
            phantom_data: PhantomData,
        })
    }
}

impl<'frame, 'metadata, K, V> Iterator for MapIterator<'frame, 'metadata, K, V>
where
    K: DeserializeValue<'frame, 'metadata>,
    V: DeserializeValue<'frame, 'metadata>,
{
    type Item = Result<(K, V), DeserializationError>;

    fn next(&mut self) -> Option<Self::Item> {
        let raw_k = self.raw_iter.next()?;
        let raw_v = self.raw_iter.next();
        let raw_err = |err| {
            mk_deser_err::<Self>(
                self.coll_typ,
                BuiltinDeserializationErrorKind::RawCqlBytesReadError(err),
            )
        };
        let raw_k = match raw_k {
            Ok(k) => k,
            Err(err) => return Some(Err(raw_err(err))),
        };
        let raw_v = match raw_v {
            Some(Ok(v)) => v,
            Some(Err(err)) => return Some(Err(raw_err(err))),
            // The item count is always even; a missing value means a read failed.
            None => {
                return Some(Err(raw_err(
                    LowLevelDeserializationError::TooFewBytesReceived {
                        expected: 4,
                        received: 0,
                    },
                )));
            }
        };
        let k = match K::deserialize(self.k_typ, raw_k) {
            Ok(k) => k,
            Err(err) => {
                return Some(Err(mk_deser_err::<Self>(
                    self.coll_typ,
                    MapDeserializationErrorKind::KeyDeserializationFailed(err),
                )));
            }
        };
        let v = match V::deserialize(self.v_typ, raw_v) {
            Ok(v) => v,
            Err(err) => {
                return Some(Err(mk_deser_err::<Self>(
                    self.coll_typ,
                    MapDeserializationErrorKind::ValueDeserializationFailed(err),
                )));
            }
        };
        Some(Ok((k, v)))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = self.raw_iter.remaining.div_ceil(2);
        (n, Some(n))
    }
}

impl<'frame, 'metadata, K, V> ExactSizeIterator for MapIterator<'frame, 'metadata, K, V>
where
    K: DeserializeValue<'frame, 'metadata>,
    V: DeserializeValue<'frame, 'metadata>,
{
}

impl_via!(
    impl[K, V, S] for HashMap<K, V, S>, via MapIterator<'frame, 'metadata, K, V>,
    where [
        K: DeserializeValue<'frame, 'metadata> + Eq + Hash,
        V: DeserializeValue<'frame, 'metadata>,
        S: BuildHasher + Default + 'frame,
    ]
    => |_typ, it| {
        let mut out = HashMap::with_capacity_and_hasher(it.len(), S::default());
        for item in it {
            let (k, v) = item.map_err(deser_error_replace_rust_name::<Self>)?;
            out.insert(k, v);
        }
        Ok(out)
    }
);
impl_via!(
    impl[K, V] for BTreeMap<K, V>, via MapIterator<'frame, 'metadata, K, V>,
    where [
        K: DeserializeValue<'frame, 'metadata> + Ord,
        V: DeserializeValue<'frame, 'metadata>,
    ]
    => |_typ, it| it
        .collect::<Result<BTreeMap<K, V>, _>>()
        .map_err(deser_error_replace_rust_name::<Self>)
);
// =======================================================================================
// Vectors
// =======================================================================================

/// Iterates over the elements of a `vector<T, n>` value.
///
/// Elements of a fixed-size type lie back to back; elements of a variable-size type
/// are each preceded by their length as an `[unsigned vint]`. The framing of the whole
/// value is checked when the iterator is created: exactly `n` elements, no trailing
/// bytes.
pub struct VectorIterator<'frame, 'metadata, T> {
    vector_typ: &'metadata ColumnType<'metadata>,
    elem_typ: &'metadata ColumnType<'metadata>,
    elem_size: Option<usize>,
    remaining: usize,
    slice: FrameSlice<'frame>,
    phantom_data: PhantomData<T>,
}

impl<T> fmt::Debug for VectorIterator<'_, '_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VectorIterator")
            .field("vector_typ", &self.vector_typ)
            .field("remaining", &self.remaining)
            .finish()
    }
}

impl<T> Clone for VectorIterator<'_, '_, T> {
    fn clone(&self) -> Self {
        Self {
            vector_typ: self.vector_typ,
            elem_typ: self.elem_typ,
            elem_size: self.elem_size,
            remaining: self.remaining,
            slice: self.slice,
            phantom_data: PhantomData,
        }
    }
}

/// Reads the next element's bytes of a vector.
fn read_vector_element<'frame>(
    slice: &mut FrameSlice<'frame>,
    elem_size: Option<usize>,
) -> Result<FrameSlice<'frame>, LowLevelDeserializationError> {
    let len = match elem_size {
        Some(s) => s,
        None => usize::try_from(types::read_unsigned_vint(slice.as_slice_mut())?)?,
    };
    slice.read_subslice(len)
}

impl<'frame, 'metadata, T> VectorIterator<'frame, 'metadata, T> {
    fn raw_err(&self, err: LowLevelDeserializationError) -> DeserializationError {
        mk_deser_err::<Self>(
            self.vector_typ,
            BuiltinDeserializationErrorKind::RawCqlBytesReadError(err),
        )
    }
}

impl<'frame, 'metadata, T> DeserializeValue<'frame, 'metadata>
    for VectorIterator<'frame, 'metadata, T>
where
    T: DeserializeValue<'frame, 'metadata>,
{
    fn type_check(typ: &ColumnType) -> Result<(), TypeCheckError> {
        let ColumnType::Vector { typ: elem, .. } = typ else {
            return Err(mk_typck_err::<Self>(
                typ,
                VectorTypeCheckErrorKind::NotVector,
            ));
        };
        T::type_check(elem).map_err(|err| {
            mk_typck_err::<Self>(typ, VectorTypeCheckErrorKind::ElementTypeCheckFailed(err))
        })
    }

    fn deserialize(
        typ: &'metadata ColumnType<'metadata>,
        v: Option<FrameSlice<'frame>>,
    ) -> Result<Self, DeserializationError> {
        let ColumnType::Vector {
            typ: elem_typ,
            dimensions,
        } = typ
        else {
            return Err(unsupported::<Self>(typ));
        };
        let v = ensure_not_null_frame_slice::<Self>(typ, v)?;
        let dims = usize::from(*dimensions);
        let total = v.as_slice().len();
        let elem_size = elem_typ.type_size_for_vector();
        match elem_size {
            Some(s) => {
                let expected = s.saturating_mul(dims);
                if expected != total {
                    return Err(mk_deser_err::<Self>(
                        typ,
                        BuiltinDeserializationErrorKind::ByteLengthMismatch {
                            expected,
                            got: total,
                        },
                    ));
                }
            }
            None => {
                // Walk the framing once so that the iterator's length is trustworthy.
                let mut probe = v;
                for _ in 0..dims {
                    read_vector_element(&mut probe, None).map_err(|err| {
                        mk_deser_err::<Self>(
                            typ,
                            BuiltinDeserializationErrorKind::RawCqlBytesReadError(err),
                        )
                    })?;
                }
                if !probe.is_empty() {
                    return Err(mk_deser_err::<Self>(
                        typ,
                        BuiltinDeserializationErrorKind::ByteLengthMismatch {
                            expected: total - probe.as_slice().len(),
                            got: total,
                        },
                    ));
                }
            }
        }
        Ok(Self {
            vector_typ: typ,
            elem_typ,
            elem_size,
            remaining: dims,
            slice: v,
            phantom_data: PhantomData,
        })
    }
}

impl<'frame, 'metadata, T> Iterator for VectorIterator<'frame, 'metadata, T>
where
    T: DeserializeValue<'frame, 'metadata>,
{
    type Item = Result<T, DeserializationError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.remaining == 0 {
            return None;
        }
        self.remaining -= 1;
        let raw = match read_vector_element(&mut self.slice, self.elem_size) {
            Ok(raw) => raw,
            Err(err) => {
                self.remaining = 0;
                return Some(Err(self.raw_err(err)));
            }
        };
        Some(T::deserialize(self.elem_typ, Some(raw)).map_err(|err| {
            mk_deser_err::<Self>(
                self.vector_typ,
                VectorDeserializationErrorKind::ElementDeserializationFailed(err),
            )
        }))
    }

    fn nth(&mut self, n: usize) -> Option<Self::Item> {
        let skip = n.min(self.remaining);
        match self.elem_size {
            Some(s) => {
                if let Err(err) = self.slice.read_subslice(s.saturating_mul(skip)) {
                    self.remaining = 0;
                    return Some(Err(self.raw_err(err)));
                }
            }
            None => {
                for _ in 0..skip {
                    if let Err(err) = read_vector_element(&mut self.slice, None) {
                        self.remaining = 0;
                        return Some(Err(self.raw_err(err)));
                    }
                }
            }
        }
        self.remaining -= skip;
        self.next()
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.remaining, Some(self.remaining))
    }
}

impl<'frame, 'metadata, T> ExactSizeIterator for VectorIterator<'frame, 'metadata, T> where
    T: DeserializeValue<'frame, 'metadata>
{
}

// =======================================================================================
// Tuples
// =======================================================================================

macro_rules! impl_tuple {
    ($count:literal; $($Ti:ident $idx:literal),*) => {
        impl<'frame, 'metadata, $($Ti),*> DeserializeValue<'frame, 'metadata> for ($($Ti,)*)
        where
            $($Ti: DeserializeValue<'frame, 'metadata>),*
        {
            fn type_check(typ: &ColumnType) -> Result<(), TypeCheckError> {
                let ColumnType::Tuple(elems) = typ else {
                    return Err(mk_typck_err::<Self>(typ, TupleTypeCheckErrorKind::NotTuple));
                };
                if elems.len() != $count {
                    return Err(mk_typck_err::<Self>(
                        typ,
                        TupleTypeCheckErrorKind::WrongElementCount {
                            rust_type_el_count: $count,
                            cql_type_el_count: elems.len(),
                        },
                    ));
                }
                #[allow(unused_mut, unused_variables)]
                let mut elem_types = elems.iter();
                $(
                    if let Some(t) = elem_types.next() {
                        $Ti::type_check(t).map_err(|err| {
                            mk_typck_err::<Self>(
                                typ,
                                TupleTypeCheckErrorKind::FieldTypeCheckFailed {
                                    position: $idx,
                                    err,
                                },
                            )
                        })?;
                    }
                )*
                Ok(())
            }

            fn deserialize(
                typ: &'metadata ColumnType<'metadata>,
                v: Option<FrameSlice<'frame>>,
            ) -> Result<Self, DeserializationError> {
                let ColumnType::Tuple(elems) = typ else {
                    return Err(unsupported::<Self>(typ));
                };
                #[allow(unused_variables)]
                let v = ensure_not_null_frame_slice::<Self>(typ, v)?;
                #[allow(unused_mut, unused_variables)]
                let mut raw = BytesSequenceIterator::from(v);
                #[allow(unused_mut, unused_variables)]
                let mut elem_types = elems.iter();
                Ok(($(
                    {
                        let Some(elem_typ) = elem_types.next() else {
                            return Err(unsupported::<Self>(typ));
                        };
                        let field_err = |err| {
                            mk_deser_err::<Self>(
                                typ,
                                TupleDeserializationErrorKind::FieldDeserializationFailed {
                                    position: $idx,
                                    err,
                                },
                            )
                        };
                        // Cassandra may send fewer elements than the type has; the
                        // missing trailing ones are null.
                        let raw_v = match raw.next() {
                            Some(Ok(raw_v)) => raw_v,
                            Some(Err(err)) => {
                                return Err(field_err(DeserializationError::new(err)));
                            }
                            None => None,
                        };
                        $Ti::deserialize(elem_typ, raw_v).map_err(field_err)?
                    },
                )*))
            }
        }
    };
}

impl_tuple!(0;);
impl_tuple!(1; T0 0);
impl_tuple!(2; T0 0, T1 1);
impl_tuple!(3; T0 0, T1 1, T2 2);
impl_tuple!(4; T0 0, T1 1, T2 2, T3 3);
impl_tuple!(5; T0 0, T1 1, T2 2, T3 3, T4 4);
impl_tuple!(6; T0 0, T1 1, T2 2, T3 3, T4 4, T5 5);
impl_tuple!(7; T0 0, T1 1, T2 2, T3 3, T4 4, T5 5, T6 6);
impl_tuple!(8; T0 0, T1 1, T2 2, T3 3, T4 4, T5 5, T6 6, T7 7);
impl_tuple!(9; T0 0, T1 1, T2 2, T3 3, T4 4, T5 5, T6 6, T7 7, T8 8);
impl_tuple!(10; T0 0, T1 1, T2 2, T3 3, T4 4, T5 5, T6 6, T7 7, T8 8, T9 9);
impl_tuple!(11; T0 0, T1 1, T2 2, T3 3, T4 4, T5 5, T6 6, T7 7, T8 8, T9 9, T10 10);
impl_tuple!(12; T0 0, T1 1, T2 2, T3 3, T4 4, T5 5, T6 6, T7 7, T8 8, T9 9, T10 10, T11 11);
impl_tuple!(13; T0 0, T1 1, T2 2, T3 3, T4 4, T5 5, T6 6, T7 7, T8 8, T9 9, T10 10, T11 11,
    T12 12);
impl_tuple!(14; T0 0, T1 1, T2 2, T3 3, T4 4, T5 5, T6 6, T7 7, T8 8, T9 9, T10 10, T11 11,
    T12 12, T13 13);
impl_tuple!(15; T0 0, T1 1, T2 2, T3 3, T4 4, T5 5, T6 6, T7 7, T8 8, T9 9, T10 10, T11 11,
    T12 12, T13 13, T14 14);
impl_tuple!(16; T0 0, T1 1, T2 2, T3 3, T4 4, T5 5, T6 6, T7 7, T8 8, T9 9, T10 10, T11 11,
    T12 12, T13 13, T14 14, T15 15);

// =======================================================================================
// User-defined types
// =======================================================================================

/// A UDT field definition: its name and type.
type UdtField<'metadata> = (Cow<'metadata, str>, ColumnType<'metadata>);

/// Iterates over the fields of a UDT value in definition order, yielding each field's
/// definition with its raw bytes: `Ok(None)` when the value ended before this field
/// (Cassandra may omit trailing fields), `Ok(Some(None))` for null,
/// `Ok(Some(Some(bytes)))` otherwise. The derive macro builds on it.
#[derive(Debug, Clone)]
pub struct UdtIterator<'frame, 'metadata> {
    udt_typ: &'metadata ColumnType<'metadata>,
    all_fields: &'metadata [UdtField<'metadata>],
    fields: std::slice::Iter<'metadata, UdtField<'metadata>>,
    raw_iter: BytesSequenceIterator<'frame>,
}

impl<'frame, 'metadata> UdtIterator<'frame, 'metadata> {
    /// All the field definitions of the UDT, in definition order.
    #[inline]
    pub fn fields(&self) -> &'metadata [UdtField<'metadata>] {
        self.all_fields
    }
}

impl<'frame, 'metadata> DeserializeValue<'frame, 'metadata> for UdtIterator<'frame, 'metadata> {
    fn type_check(typ: &ColumnType) -> Result<(), TypeCheckError> {
        match typ {
            ColumnType::UserDefinedType { .. } => Ok(()),
            _ => Err(mk_typck_err::<Self>(typ, UdtTypeCheckErrorKind::NotUdt)),
        }
    }

    fn deserialize(
        typ: &'metadata ColumnType<'metadata>,
        v: Option<FrameSlice<'frame>>,
    ) -> Result<Self, DeserializationError> {
        let ColumnType::UserDefinedType { definition, .. } = typ else {
            return Err(unsupported::<Self>(typ));
        };
        let v = ensure_not_null_frame_slice::<Self>(typ, v)?;
        Ok(Self {
            udt_typ: typ,
            all_fields: &definition.field_types,
            fields: definition.field_types.iter(),
            raw_iter: BytesSequenceIterator::from(v),
        })
    }
}

impl<'frame, 'metadata> Iterator for UdtIterator<'frame, 'metadata> {
    type Item = (
        &'metadata UdtField<'metadata>,
        Result<Option<Option<FrameSlice<'frame>>>, DeserializationError>,
    );

    fn next(&mut self) -> Option<Self::Item> {
        let field = self.fields.next()?;
        let raw = match self.raw_iter.next() {
            None => Ok(None),
            Some(Ok(v)) => Ok(Some(v)),
            Some(Err(err)) => Err(mk_deser_err::<Self>(
                self.udt_typ,
                UdtDeserializationErrorKind::FieldDeserializationFailed {
                    field_name: field.0.to_string(),
                    err: DeserializationError::new(err),
                },
            )),
        };
        Some((field, raw))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.fields.size_hint()
    }
}

impl ExactSizeIterator for UdtIterator<'_, '_> {}

// =======================================================================================
// CqlValue
// =======================================================================================

/// Accepts every CQL type. A zero-length value of a type that allows the special empty
/// value reads as [`CqlValue::Empty`]; `custom` types read as [`CqlValue::Blob`].
impl<'frame, 'metadata> DeserializeValue<'frame, 'metadata> for CqlValue {
    fn type_check(_typ: &ColumnType) -> Result<(), TypeCheckError> {
        Ok(())
    }

    fn deserialize(
        typ: &'metadata ColumnType<'metadata>,
        v: Option<FrameSlice<'frame>>,
    ) -> Result<Self, DeserializationError> {
        let v = ensure_not_null_frame_slice::<Self>(typ, v)?;
        deser_cql_value(typ, v).map_err(deser_error_replace_rust_name::<Self>)
    }
}

fn deser_cql_value<'frame, 'metadata>(
    typ: &'metadata ColumnType<'metadata>,
    v: FrameSlice<'frame>,
) -> Result<CqlValue, DeserializationError> {
    if v.is_empty() && typ.supports_special_empty_value() {
        return Ok(CqlValue::Empty);
    }
    let s = Some(v);
    Ok(match typ {
        ColumnType::Native(n) => match n {
            NativeType::Ascii => CqlValue::Ascii(String::deserialize(typ, s)?),
            NativeType::Boolean => CqlValue::Boolean(bool::deserialize(typ, s)?),
            NativeType::Blob => CqlValue::Blob(Vec::<u8>::deserialize(typ, s)?),
            NativeType::Counter => CqlValue::Counter(Counter::deserialize(typ, s)?),
            NativeType::Date => CqlValue::Date(CqlDate::deserialize(typ, s)?),
            NativeType::Decimal => CqlValue::Decimal(CqlDecimal::deserialize(typ, s)?),
            NativeType::Double => CqlValue::Double(f64::deserialize(typ, s)?),
            NativeType::Duration => CqlValue::Duration(CqlDuration::deserialize(typ, s)?),
            NativeType::Float => CqlValue::Float(f32::deserialize(typ, s)?),
            NativeType::Int => CqlValue::Int(i32::deserialize(typ, s)?),
            NativeType::BigInt => CqlValue::BigInt(i64::deserialize(typ, s)?),
            NativeType::Text => CqlValue::Text(String::deserialize(typ, s)?),
            NativeType::Timestamp => CqlValue::Timestamp(CqlTimestamp::deserialize(typ, s)?),
            NativeType::Inet => CqlValue::Inet(IpAddr::deserialize(typ, s)?),
            NativeType::SmallInt => CqlValue::SmallInt(i16::deserialize(typ, s)?),
            NativeType::TinyInt => CqlValue::TinyInt(i8::deserialize(typ, s)?),
            NativeType::Time => CqlValue::Time(CqlTime::deserialize(typ, s)?),
            NativeType::Timeuuid => CqlValue::Timeuuid(CqlTimeuuid::deserialize(typ, s)?),
            NativeType::Uuid => CqlValue::Uuid(Uuid::deserialize(typ, s)?),
            NativeType::Varint => CqlValue::Varint(CqlVarint::deserialize(typ, s)?),
        },
        ColumnType::Collection { typ: coll, .. } => match coll {
            CollectionType::List(_) => CqlValue::List(collect_vec(
                ListlikeIterator::<CqlValue>::deserialize(typ, s)?,
            )?),
            CollectionType::Set(_) => CqlValue::Set(collect_vec(
                ListlikeIterator::<CqlValue>::deserialize(typ, s)?,
            )?),
            CollectionType::Map(_, _) => {
                CqlValue::Map(collect_vec(
                    MapIterator::<CqlValue, CqlValue>::deserialize(typ, s)?,
                )?)
            }
        },
        ColumnType::Vector { .. } => CqlValue::Vector(collect_vec(
            VectorIterator::<CqlValue>::deserialize(typ, s)?,
        )?),
        ColumnType::UserDefinedType { definition, .. } => {
            let it = UdtIterator::deserialize(typ, s)?;
            let mut fields = Vec::with_capacity(it.len());
            for ((name, field_typ), raw) in it {
                let raw = raw?.flatten();
                let value = Option::<CqlValue>::deserialize(field_typ, raw).map_err(|err| {
                    mk_deser_err::<CqlValue>(
                        typ,
                        UdtDeserializationErrorKind::FieldDeserializationFailed {
                            field_name: name.to_string(),
                            err,
                        },
                    )
                })?;
                fields.push((name.to_string(), value));
            }
            CqlValue::UserDefinedType {
                keyspace: definition.keyspace.to_string(),
                name: definition.name.to_string(),
                fields,
            }
        }
        ColumnType::Tuple(elem_types) => {
            let mut raw = BytesSequenceIterator::from(v);
            let mut out = Vec::with_capacity(elem_types.len());
            for (position, elem_typ) in elem_types.iter().enumerate() {
                let field_err = |err| {
                    mk_deser_err::<CqlValue>(
                        typ,
                        TupleDeserializationErrorKind::FieldDeserializationFailed { position, err },
                    )
                };
                let raw_v = match raw.next() {
                    Some(Ok(raw_v)) => raw_v,
                    Some(Err(err)) => return Err(field_err(DeserializationError::new(err))),
                    None => None,
                };
                out.push(Option::<CqlValue>::deserialize(elem_typ, raw_v).map_err(field_err)?);
            }
            CqlValue::Tuple(out)
        }
        ColumnType::Custom(_) => CqlValue::Blob(v.as_slice().to_vec()),
    })
}

// =======================================================================================
// chrono, time, num-bigint, bigdecimal
// =======================================================================================

/// Implements `DeserializeValue` for `$t` by deserializing `$via` (which does the type
/// check) and converting; a conversion's `ValueOverflow` becomes
/// [`BuiltinDeserializationErrorKind::ValueOverflow`].
#[allow(unused_macros)]
macro_rules! impl_via_conversion {
    ($t:ty, $via:ty, |$v:ident| $conv:expr) => {
        impl_via!(impl[] for $t, via $via => |typ, $v| {
            let converted: Result<Self, crate::value::ValueOverflow> = $conv;
            converted.map_err(|_| {
                mk_deser_err::<Self>(typ, BuiltinDeserializationErrorKind::ValueOverflow)
            })
        });
    };
}

#[cfg(feature = "chrono-04")]
impl_via_conversion!(chrono::NaiveDate, CqlDate, |d| d.try_into());
#[cfg(feature = "chrono-04")]
impl_via_conversion!(chrono::NaiveTime, CqlTime, |t| t.try_into());
#[cfg(feature = "chrono-04")]
impl_via_conversion!(chrono::DateTime<chrono::Utc>, CqlTimestamp, |t| t
    .try_into());

#[cfg(feature = "time-03")]
impl_via_conversion!(time::Date, CqlDate, |d| d.try_into());
#[cfg(feature = "time-03")]
impl_via_conversion!(time::Time, CqlTime, |t| t.try_into());
#[cfg(feature = "time-03")]
impl_via_conversion!(time::OffsetDateTime, CqlTimestamp, |t| t.try_into());

#[cfg(feature = "num-bigint-03")]
impl_via_conversion!(num_bigint_03::BigInt, CqlVarintBorrowed<'frame>, |v| Ok(
    v.into()
));
#[cfg(feature = "num-bigint-04")]
impl_via_conversion!(num_bigint_04::BigInt, CqlVarintBorrowed<'frame>, |v| Ok(
    v.into()
));

#[cfg(feature = "bigdecimal-04")]
impl_via_conversion!(bigdecimal_04::BigDecimal, CqlDecimalBorrowed<'frame>, |v| {
    Ok(v.into())
});

// =======================================================================================
// secrecy
// =======================================================================================

impl_via!(
    #[cfg(feature = "secrecy-08")]
    impl[T] for secrecy_08::Secret<T>, via T,
    where [T: DeserializeValue<'frame, 'metadata> + secrecy_08::Zeroize]
    => |_typ, it| Ok(secrecy_08::Secret::new(it))
);
impl_via!(
    #[cfg(feature = "secrecy-10")]
    impl[T] for secrecy_10::SecretBox<T>, via T,
    where [T: DeserializeValue<'frame, 'metadata> + secrecy_10::zeroize::Zeroize]
    => |_typ, it| Ok(secrecy_10::SecretBox::new(Box::new(it)))
);
impl_via!(
    /// A `text`/`ascii` value as a [`secrecy_10::SecretString`] (a secret `str`).
    #[cfg(feature = "secrecy-10")]
    impl[] for secrecy_10::SecretString, via String
    => |_typ, it| Ok(secrecy_10::SecretString::from(it))
);
/// A list or set as a [`secrecy_10::SecretSlice`] (a secret `[S]`), read like a
/// `Vec<S>`.
#[cfg(feature = "secrecy-10")]
impl<'frame, 'metadata, S> DeserializeValue<'frame, 'metadata> for secrecy_10::SecretSlice<S>
where
    S: DeserializeValue<'frame, 'metadata> + secrecy_10::zeroize::Zeroize,
    [S]: secrecy_10::zeroize::Zeroize,
{
    fn type_check(typ: &ColumnType) -> Result<(), TypeCheckError> {
        <Vec<S> as DeserializeValue>::type_check(typ).map_err(typck_error_replace_rust_name::<Self>)
    }

    fn deserialize(
        typ: &'metadata ColumnType<'metadata>,
        v: Option<FrameSlice<'frame>>,
    ) -> Result<Self, DeserializationError> {
        <Vec<S> as DeserializeValue>::deserialize(typ, v)
            .map(secrecy_10::SecretSlice::from)
            .map_err(deser_error_replace_rust_name::<Self>)
    }
}

#[cfg(test)]
#[path = "value_tests.rs"]
mod tests;
