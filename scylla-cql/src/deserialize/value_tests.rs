//! Unit tests of the value deserializers, on hand-built bytes (protocol spec §6).

use std::collections::hash_map::DefaultHasher;
use std::hash::BuildHasherDefault;
use std::str::FromStr;

use super::*;

#[path = "../../tests/cql_types/mod.rs"]
mod cql_types;
use cql_types::{list, map, native, set, udt, vector};

// ---------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------

/// `[bytes]` of a value.
fn cell(v: &[u8]) -> Vec<u8> {
    let mut out = (v.len() as i32).to_be_bytes().to_vec();
    out.extend_from_slice(v);
    out
}

/// `[bytes]` null.
fn null_cell() -> Vec<u8> {
    (-1i32).to_be_bytes().to_vec()
}

/// A collection body: `[int]` count, then the items (already `[bytes]`-framed).
fn collection(count: i32, items: &[Vec<u8>]) -> Vec<u8> {
    let mut out = count.to_be_bytes().to_vec();
    for i in items {
        out.extend_from_slice(i);
    }
    out
}

fn concat(parts: &[Vec<u8>]) -> Vec<u8> {
    parts.concat()
}

fn check<'m, T: DeserializeValue<'static, 'm>>(typ: &ColumnType) {
    if let Err(e) = T::type_check(typ) {
        panic!(
            "type check of {} against {typ} failed: {e}",
            type_name::<T>()
        );
    }
}

/// Type-checks and deserializes `T` from `bytes` (leaked so that borrowed results
/// may outlive the call).
fn deser<T>(typ: &ColumnType<'static>, bytes: &[u8]) -> Result<T, DeserializationError>
where
    T: DeserializeValue<'static, 'static>,
{
    let typ: &'static ColumnType<'static> = Box::leak(Box::new(typ.clone()));
    let frame: &'static Bytes = Box::leak(Box::new(Bytes::copy_from_slice(bytes)));
    check::<T>(typ);
    T::deserialize(typ, Some(FrameSlice::new(frame)))
}

fn deser_null<T>(typ: &ColumnType<'static>) -> Result<T, DeserializationError>
where
    T: DeserializeValue<'static, 'static>,
{
    let typ: &'static ColumnType<'static> = Box::leak(Box::new(typ.clone()));
    check::<T>(typ);
    T::deserialize(typ, None)
}

fn deser_kind(err: &DeserializationError) -> &BuiltinDeserializationErrorKind {
    &err.downcast_ref::<BuiltinDeserializationError>()
        .unwrap_or_else(|| panic!("not a builtin deserialization error: {err}"))
        .kind
}

fn typck_kind(err: &TypeCheckError) -> &BuiltinTypeCheckErrorKind {
    &err.downcast_ref::<BuiltinTypeCheckError>()
        .unwrap_or_else(|| panic!("not a builtin type check error: {err}"))
        .kind
}

// ---------------------------------------------------------------------------------------
// Native types
// ---------------------------------------------------------------------------------------

#[test]
fn integers_and_floats() {
    assert_eq!(
        deser::<i8>(&native(NativeType::TinyInt), &[0xfe]).unwrap(),
        -2
    );
    assert_eq!(
        deser::<i16>(&native(NativeType::SmallInt), &[0x01, 0x02]).unwrap(),
        0x0102
    );
    assert_eq!(
        deser::<i32>(&native(NativeType::Int), &[0xff, 0xff, 0xff, 0xfd]).unwrap(),
        -3
    );
    assert_eq!(
        deser::<i64>(&native(NativeType::BigInt), &i64::MIN.to_be_bytes()).unwrap(),
        i64::MIN
    );
    assert_eq!(
        deser::<Counter>(&native(NativeType::Counter), &42i64.to_be_bytes()).unwrap(),
        Counter(42)
    );
    assert_eq!(
        deser::<f32>(&native(NativeType::Float), &1.5f32.to_be_bytes()).unwrap(),
        1.5
    );
    assert_eq!(
        deser::<f64>(&native(NativeType::Double), &(-0.25f64).to_be_bytes()).unwrap(),
        -0.25
    );
    assert!(!deser::<bool>(&native(NativeType::Boolean), &[0]).unwrap());
    assert!(deser::<bool>(&native(NativeType::Boolean), &[7]).unwrap());
}

#[test]
fn date_time_types() {
    assert_eq!(
        deser::<CqlDate>(&native(NativeType::Date), &(1u32 << 31).to_be_bytes()).unwrap(),
        CqlDate::UNIX_EPOCH
    );
    assert_eq!(
        deser::<CqlTime>(&native(NativeType::Time), &1_000i64.to_be_bytes()).unwrap(),
        CqlTime(1_000)
    );
    assert_eq!(
        deser::<CqlTimestamp>(&native(NativeType::Timestamp), &(-5i64).to_be_bytes()).unwrap(),
        CqlTimestamp(-5)
    );
}

#[test]
fn fixed_length_mismatch_is_an_error_naming_both_types() {
    let err = deser::<i32>(&native(NativeType::Int), &[1, 2, 3]).unwrap_err();
    assert!(matches!(
        deser_kind(&err),
        BuiltinDeserializationErrorKind::ByteLengthMismatch {
            expected: 4,
            got: 3
        }
    ));
    let msg = err.to_string();
    assert!(msg.contains("i32"), "{msg}");
    assert!(msg.contains("int"), "{msg}");
    // The empty value of an int is not an i32.
    assert!(deser::<i32>(&native(NativeType::Int), &[]).is_err());
    assert!(deser::<Uuid>(&native(NativeType::Uuid), &[0; 15]).is_err());
    assert!(deser::<bool>(&native(NativeType::Boolean), &[0, 0]).is_err());
}

#[test]
fn null_handling() {
    let err = deser_null::<i32>(&native(NativeType::Int)).unwrap_err();
    assert!(matches!(
        deser_kind(&err),
        BuiltinDeserializationErrorKind::ExpectedNonNull
    ));
    assert_eq!(
        deser_null::<Option<i32>>(&native(NativeType::Int)).unwrap(),
        None
    );
    assert_eq!(
        deser::<Option<i32>>(&native(NativeType::Int), &7i32.to_be_bytes()).unwrap(),
        Some(7)
    );
    assert!(deser_null::<String>(&native(NativeType::Text)).is_err());
    assert!(deser_null::<&[u8]>(&native(NativeType::Blob)).is_err());
    assert!(deser_null::<CqlValue>(&native(NativeType::Int)).is_err());
    assert_eq!(
        deser_null::<Option<CqlValue>>(&native(NativeType::Int)).unwrap(),
        None
    );
}

#[test]
fn maybe_empty() {
    assert_eq!(
        deser::<MaybeEmpty<i32>>(&native(NativeType::Int), &[]).unwrap(),
        MaybeEmpty::Empty
    );
    assert_eq!(
        deser::<MaybeEmpty<i32>>(&native(NativeType::Int), &9i32.to_be_bytes()).unwrap(),
        MaybeEmpty::Value(9)
    );
    assert!(deser_null::<MaybeEmpty<i32>>(&native(NativeType::Int)).is_err());
    assert_eq!(
        deser_null::<Option<MaybeEmpty<i32>>>(&native(NativeType::Int)).unwrap(),
        None
    );
    let err = MaybeEmpty::<i32>::type_check(&native(NativeType::Text)).unwrap_err();
    assert!(err.to_string().contains("MaybeEmpty"), "{err}");
}

#[test]
fn strings_and_ascii() {
    assert_eq!(
        deser::<String>(&native(NativeType::Text), "zażółć".as_bytes()).unwrap(),
        "zażółć"
    );
    assert_eq!(
        deser::<String>(&native(NativeType::Ascii), b"plain").unwrap(),
        "plain"
    );
    assert_eq!(deser::<String>(&native(NativeType::Text), b"").unwrap(), "");
    let err = deser::<String>(&native(NativeType::Ascii), "ż".as_bytes()).unwrap_err();
    assert!(matches!(
        deser_kind(&err),
        BuiltinDeserializationErrorKind::ExpectedAscii
    ));
    let err = deser::<&str>(&native(NativeType::Text), &[0xff, 0xfe]).unwrap_err();
    assert!(matches!(
        deser_kind(&err),
        BuiltinDeserializationErrorKind::InvalidUtf8(_)
    ));
    assert_eq!(
        &*deser::<Box<str>>(&native(NativeType::Text), b"boxed").unwrap(),
        "boxed"
    );
    assert_eq!(
        &*deser::<Arc<str>>(&native(NativeType::Ascii), b"arced").unwrap(),
        "arced"
    );
    let cow = deser::<Cow<'static, str>>(&native(NativeType::Text), b"cow").unwrap();
    assert!(matches!(cow, Cow::Borrowed("cow")));
    let err = String::type_check(&native(NativeType::Blob)).unwrap_err();
    assert!(matches!(
        typck_kind(&err),
        BuiltinTypeCheckErrorKind::MismatchedType { expected } if expected.len() == 2
    ));
    let msg = err.to_string();
    assert!(msg.contains("String") && msg.contains("blob"), "{msg}");
    assert!(msg.contains("ascii, text"), "{msg}");
}

#[test]
fn blobs() {
    assert_eq!(
        deser::<Vec<u8>>(&native(NativeType::Blob), &[1, 2, 3]).unwrap(),
        vec![1, 2, 3]
    );
    assert_eq!(
        deser::<&[u8]>(&native(NativeType::Blob), &[]).unwrap(),
        &[] as &[u8]
    );
    assert_eq!(
        deser::<Bytes>(&native(NativeType::Blob), &[9, 8]).unwrap(),
        Bytes::from_static(&[9, 8])
    );
    // A blob is not text, nor a list of tinyints.
    assert!(Vec::<u8>::type_check(&native(NativeType::Text)).is_err());
    assert!(<&[u8]>::type_check(&list(native(NativeType::TinyInt), false)).is_err());
}

#[test]
fn borrowed_results_point_into_the_frame() {
    let typ = native(NativeType::Text);
    let frame = Bytes::from_static(b"\0\0\0\x05hello");
    let mut slice = FrameSlice::new(&frame);
    let v = slice.read_cql_bytes().unwrap();
    let s = <&str>::deserialize(&typ, v).unwrap();
    assert_eq!(s, "hello");
    assert_eq!(s.as_ptr(), frame[4..].as_ptr());

    let blob_typ = native(NativeType::Blob);
    let b = <&[u8]>::deserialize(&blob_typ, v).unwrap();
    assert_eq!(b.as_ptr(), frame[4..].as_ptr());
    let bytes = Bytes::deserialize(&blob_typ, v).unwrap();
    assert_eq!(bytes.as_ptr(), frame[4..].as_ptr());
    assert_eq!(&bytes[..], b"hello");

    let varint_typ = native(NativeType::Varint);
    let vb = CqlVarintBorrowed::deserialize(&varint_typ, v).unwrap();
    assert_eq!(vb.as_signed_bytes_be_slice().as_ptr(), frame[4..].as_ptr());

    // Elements of a list borrow too.
    let list_typ = list(native(NativeType::Text), false);
    let body = Bytes::from(collection(2, &[cell(b"ab"), cell(b"cde")]));
    let strs = Vec::<&str>::deserialize(&list_typ, Some(FrameSlice::new(&body))).unwrap();
    assert_eq!(strs, ["ab", "cde"]);
    assert_eq!(strs[0].as_ptr(), body[8..].as_ptr());
    assert_eq!(strs[1].as_ptr(), body[14..].as_ptr());
}

#[test]
fn uuids_and_inet() {
    let u = Uuid::from_str("8e14e760-7fa8-11eb-bc66-000000000001").unwrap();
    assert_eq!(
        deser::<Uuid>(&native(NativeType::Uuid), u.as_bytes()).unwrap(),
        u
    );
    assert_eq!(
        deser::<Uuid>(&native(NativeType::Timeuuid), u.as_bytes()).unwrap(),
        u
    );
    assert_eq!(
        deser::<CqlTimeuuid>(&native(NativeType::Timeuuid), u.as_bytes()).unwrap(),
        CqlTimeuuid::from(u)
    );
    assert!(CqlTimeuuid::type_check(&native(NativeType::Uuid)).is_err());

    assert_eq!(
        deser::<IpAddr>(&native(NativeType::Inet), &[127, 0, 0, 1]).unwrap(),
        IpAddr::from([127, 0, 0, 1])
    );
    let v6 = Ipv6Addr::from_str("::1").unwrap();
    assert_eq!(
        deser::<IpAddr>(&native(NativeType::Inet), &v6.octets()).unwrap(),
        IpAddr::V6(v6)
    );
    let err = deser::<IpAddr>(&native(NativeType::Inet), &[1, 2, 3, 4, 5]).unwrap_err();
    assert!(matches!(
        deser_kind(&err),
        BuiltinDeserializationErrorKind::BadInetLength { got: 5 }
    ));
}

fn duration_bytes(months: i64, days: i64, nanos: i64) -> Vec<u8> {
    let mut out = Vec::new();
    types::write_vint(months, &mut out);
    types::write_vint(days, &mut out);
    types::write_vint(nanos, &mut out);
    out
}

#[test]
fn durations() {
    let typ = native(NativeType::Duration);
    assert_eq!(
        deser::<CqlDuration>(&typ, &duration_bytes(1, 2, 3)).unwrap(),
        CqlDuration {
            months: 1,
            days: 2,
            nanoseconds: 3
        }
    );
    assert_eq!(
        deser::<CqlDuration>(&typ, &duration_bytes(-14, -1, i64::MIN)).unwrap(),
        CqlDuration {
            months: -14,
            days: -1,
            nanoseconds: i64::MIN
        }
    );
    // Hand-encoded: months 1 (zig-zag 2), days -1 (zig-zag 1), nanos 64 (zig-zag 128:
    // two bytes 0x80 0x80).
    assert_eq!(
        deser::<CqlDuration>(&typ, &[0x02, 0x01, 0x80, 0x80]).unwrap(),
        CqlDuration {
            months: 1,
            days: -1,
            nanoseconds: 64
        }
    );
    let err = deser::<CqlDuration>(&typ, &duration_bytes(1 << 40, 0, 0)).unwrap_err();
    assert!(matches!(
        deser_kind(&err),
        BuiltinDeserializationErrorKind::ValueOverflow
    ));
    let err = deser::<CqlDuration>(&typ, &[0x02, 0x01]).unwrap_err();
    assert!(matches!(
        deser_kind(&err),
        BuiltinDeserializationErrorKind::BadDate {
            date_field: "nanoseconds",
            ..
        }
    ));
    let mut trailing = duration_bytes(0, 0, 0);
    trailing.push(0);
    assert!(deser::<CqlDuration>(&typ, &trailing).is_err());
    // A two-byte vint whose second byte is missing.
    assert!(deser::<CqlDuration>(&typ, &[0x80]).is_err());
}

#[test]
fn varints_and_decimals() {
    let typ = native(NativeType::Varint);
    let v = deser::<CqlVarint>(&typ, &[0xff, 0x7f]).unwrap();
    assert_eq!(v.to_i64(), Some(-129));
    let vb = deser::<CqlVarintBorrowed>(&typ, &[0x00, 0x80]).unwrap();
    assert_eq!(vb.as_signed_bytes_be_slice(), &[0x00, 0x80]);

    let dtyp = native(NativeType::Decimal);
    let mut bytes = 3i32.to_be_bytes().to_vec();
    bytes.extend_from_slice(&[0x30, 0x39]); // 12345
    let d = deser::<CqlDecimal>(&dtyp, &bytes).unwrap();
    assert_eq!(
        d.as_signed_be_bytes_slice_and_exponent(),
        (&[0x30u8, 0x39][..], 3)
    );
    let db = deser::<CqlDecimalBorrowed>(&dtyp, &bytes).unwrap();
    assert_eq!(db.to_owned(), d);
    let err = deser::<CqlDecimal>(&dtyp, &[0, 0, 1]).unwrap_err();
    assert!(matches!(
        deser_kind(&err),
        BuiltinDeserializationErrorKind::BadDecimalScale(_)
    ));
}

#[test]
fn raw_and_metadata_forms_accept_anything() {
    let typ = map(native(NativeType::Int), native(NativeType::Text), true);
    Option::<FrameSlice>::type_check(&typ).unwrap();
    FrameSliceWithMetadata::type_check(&typ).unwrap();
    let raw = deser::<Option<FrameSlice>>(&typ, &[1, 2, 3])
        .unwrap()
        .unwrap();
    assert_eq!(raw.as_slice(), &[1, 2, 3]);
    assert!(deser_null::<Option<FrameSlice>>(&typ).unwrap().is_none());
    let m = deser::<FrameSliceWithMetadata>(&typ, &[4]).unwrap();
    assert_eq!(m.column_type, &typ);
    assert_eq!(m.frame_slice.unwrap().as_slice(), &[4]);
}

// ---------------------------------------------------------------------------------------
// Collections
// ---------------------------------------------------------------------------------------

fn int_cell(v: i32) -> Vec<u8> {
    cell(&v.to_be_bytes())
}

#[test]
fn lists_and_sets() {
    let body = collection(3, &[int_cell(1), int_cell(2), int_cell(2)]);
    let l = list(native(NativeType::Int), false);
    let s = set(native(NativeType::Int), false);
    assert_eq!(deser::<Vec<i32>>(&l, &body).unwrap(), [1, 2, 2]);
    assert_eq!(deser::<Vec<i32>>(&s, &body).unwrap(), [1, 2, 2]);
    assert_eq!(
        deser::<BTreeSet<i32>>(&s, &body).unwrap(),
        BTreeSet::from([1, 2])
    );
    assert_eq!(
        deser::<HashSet<i32, BuildHasherDefault<DefaultHasher>>>(&s, &body)
            .unwrap()
            .len(),
        2
    );
    let it = deser::<ListlikeIterator<i32>>(&l, &body).unwrap();
    assert_eq!(it.len(), 3);
    assert_eq!(it.map(Result::unwrap).sum::<i32>(), 5);
    // Empty and null collections are both empty.
    assert!(
        deser::<Vec<i32>>(&l, &collection(0, &[]))
            .unwrap()
            .is_empty()
    );
    assert!(deser_null::<Vec<i32>>(&l).unwrap().is_empty());
    assert!(deser_null::<BTreeSet<i32>>(&s).unwrap().is_empty());
    assert_eq!(deser_null::<Option<Vec<i32>>>(&l).unwrap(), None);
}

#[test]
fn list_errors() {
    let l = list(native(NativeType::Int), false);
    // An element of the wrong size.
    let body = collection(2, &[int_cell(1), cell(&[1, 2])]);
    let err = deser::<Vec<i32>>(&l, &body).unwrap_err();
    let BuiltinDeserializationErrorKind::SetOrListError(
        SetOrListDeserializationErrorKind::ElementDeserializationFailed(inner),
    ) = deser_kind(&err)
    else {
        panic!("unexpected error {err}");
    };
    assert!(matches!(
        deser_kind(inner),
        BuiltinDeserializationErrorKind::ByteLengthMismatch { .. }
    ));
    let msg = err.to_string();
    assert!(
        msg.contains("Vec<i32>") && msg.contains("list<int>"),
        "{msg}"
    );
    // A null element of a non-Option type; of an Option type it is None.
    let body = collection(1, &[null_cell()]);
    assert!(deser::<Vec<i32>>(&l, &body).is_err());
    assert_eq!(deser::<Vec<Option<i32>>>(&l, &body).unwrap(), [None]);
    // A count that the bytes cannot hold is rejected up front.
    let err = deser::<Vec<i32>>(&l, &collection(i32::MAX, &[int_cell(1)])).unwrap_err();
    assert!(matches!(
        deser_kind(&err),
        BuiltinDeserializationErrorKind::SetOrListError(
            SetOrListDeserializationErrorKind::LengthDeserializationFailed(_)
        )
    ));
    assert!(deser::<Vec<i32>>(&l, &collection(-1, &[])).is_err());
    assert!(deser::<Vec<i32>>(&l, &[0, 0]).is_err());
    // A truncated element.
    let mut body = collection(1, &[int_cell(1)]);
    body.pop();
    assert!(deser::<Vec<i32>>(&l, &body).is_err());
    // Type checks.
    let err = Vec::<i32>::type_check(&native(NativeType::Int)).unwrap_err();
    assert!(matches!(
        typck_kind(&err),
        BuiltinTypeCheckErrorKind::NotDeserializableToVec
    ));
    let err = Vec::<String>::type_check(&l).unwrap_err();
    assert!(matches!(
        typck_kind(&err),
        BuiltinTypeCheckErrorKind::SetOrListError(
            SetOrListTypeCheckErrorKind::ElementTypeCheckFailed(_)
        )
    ));
    let err =
        BTreeSet::<i32>::type_check(&map(native(NativeType::Int), native(NativeType::Int), true))
            .unwrap_err();
    assert!(matches!(
        typck_kind(&err),
        BuiltinTypeCheckErrorKind::SetOrListError(SetOrListTypeCheckErrorKind::NotSetOrList)
    ));
}

#[test]
fn maps() {
    let typ = map(native(NativeType::Text), native(NativeType::Int), true);
    let body = collection(2, &[cell(b"b"), int_cell(2), cell(b"a"), int_cell(1)]);
    let m = deser::<BTreeMap<String, i32>>(&typ, &body).unwrap();
    assert_eq!(m, BTreeMap::from([("a".into(), 1), ("b".into(), 2)]));
    let hm = deser::<HashMap<&str, i32, BuildHasherDefault<DefaultHasher>>>(&typ, &body).unwrap();
    assert_eq!(hm.get("b"), Some(&2));
    let it = deser::<MapIterator<&str, i32>>(&typ, &body).unwrap();
    assert_eq!(it.len(), 2);
    let pairs: Vec<_> = it.map(Result::unwrap).collect();
    assert_eq!(pairs, [("b", 2), ("a", 1)], "server order is kept");
    assert!(deser_null::<HashMap<String, i32>>(&typ).unwrap().is_empty());

    // A bad value.
    let body = collection(1, &[cell(b"k"), cell(&[1])]);
    let err = deser::<BTreeMap<String, i32>>(&typ, &body).unwrap_err();
    assert!(matches!(
        deser_kind(&err),
        BuiltinDeserializationErrorKind::MapError(
            MapDeserializationErrorKind::ValueDeserializationFailed(_)
        )
    ));
    // A bad key.
    let body = collection(1, &[cell(&[0xff]), int_cell(1)]);
    let err = deser::<BTreeMap<String, i32>>(&typ, &body).unwrap_err();
    assert!(matches!(
        deser_kind(&err),
        BuiltinDeserializationErrorKind::MapError(
            MapDeserializationErrorKind::KeyDeserializationFailed(_)
        )
    ));
    // A key without its value.
    let body = collection(1, &[cell(b"k")]);
    assert!(deser::<BTreeMap<String, i32>>(&typ, &body).is_err());
    // A count the bytes cannot hold.
    assert!(deser::<BTreeMap<String, i32>>(&typ, &collection(1_000_000, &[])).is_err());
    // Type checks.
    let err = BTreeMap::<String, String>::type_check(&typ).unwrap_err();
    assert!(matches!(
        typck_kind(&err),
        BuiltinTypeCheckErrorKind::MapError(MapTypeCheckErrorKind::ValueTypeCheckFailed(_))
    ));
    let err = BTreeMap::<i32, i32>::type_check(&typ).unwrap_err();
    assert!(matches!(
        typck_kind(&err),
        BuiltinTypeCheckErrorKind::MapError(MapTypeCheckErrorKind::KeyTypeCheckFailed(_))
    ));
    let err = BTreeMap::<i32, i32>::type_check(&list(native(NativeType::Int), false)).unwrap_err();
    assert!(matches!(
        typck_kind(&err),
        BuiltinTypeCheckErrorKind::MapError(MapTypeCheckErrorKind::NotMap)
    ));
}

#[test]
fn nested_collections() {
    // map<text, frozen<list<set<int>>>>
    let typ = map(
        native(NativeType::Text),
        list(set(native(NativeType::Int), false), false),
        true,
    );
    let inner_set = collection(2, &[int_cell(5), int_cell(6)]);
    let inner_list = collection(2, &[cell(&inner_set), cell(&collection(0, &[]))]);
    let body = collection(1, &[cell(b"k"), cell(&inner_list)]);
    let m = deser::<BTreeMap<String, Vec<BTreeSet<i32>>>>(&typ, &body).unwrap();
    assert_eq!(m["k"], vec![BTreeSet::from([5, 6]), BTreeSet::new()]);
}

// ---------------------------------------------------------------------------------------
// Vectors
// ---------------------------------------------------------------------------------------

#[test]
fn fixed_size_vectors() {
    let typ = vector(native(NativeType::Float), 3);
    let body = concat(&[
        1.0f32.to_be_bytes().to_vec(),
        2.0f32.to_be_bytes().to_vec(),
        3.5f32.to_be_bytes().to_vec(),
    ]);
    assert_eq!(deser::<Vec<f32>>(&typ, &body).unwrap(), [1.0, 2.0, 3.5]);
    let mut it = deser::<VectorIterator<f32>>(&typ, &body).unwrap();
    assert_eq!(it.len(), 3);
    assert_eq!(it.nth(2).unwrap().unwrap(), 3.5);
    assert!(it.next().is_none());
    let mut it = deser::<VectorIterator<f32>>(&typ, &body).unwrap();
    assert!(it.nth(5).is_none());

    let err = deser::<Vec<f32>>(&typ, &body[..11]).unwrap_err();
    assert!(matches!(
        deser_kind(&err),
        BuiltinDeserializationErrorKind::ByteLengthMismatch {
            expected: 12,
            got: 11
        }
    ));
    assert!(deser_null::<Vec<f32>>(&typ).is_err());
    assert!(deser_null::<Option<Vec<f32>>>(&typ).unwrap().is_none());
    let err = Vec::<i32>::type_check(&typ).unwrap_err();
    assert!(matches!(
        typck_kind(&err),
        BuiltinTypeCheckErrorKind::VectorError(VectorTypeCheckErrorKind::ElementTypeCheckFailed(_))
    ));
    let err = VectorIterator::<i32>::type_check(&list(native(NativeType::Int), false)).unwrap_err();
    assert!(matches!(
        typck_kind(&err),
        BuiltinTypeCheckErrorKind::VectorError(VectorTypeCheckErrorKind::NotVector)
    ));

    // A vector of fixed-size vectors is itself fixed-size: no length prefixes.
    let nested = vector(vector(native(NativeType::Int), 2), 2);
    let body: Vec<u8> = [1i32, 2, 3, 4]
        .iter()
        .flat_map(|i| i.to_be_bytes())
        .collect();
    assert_eq!(
        deser::<Vec<Vec<i32>>>(&nested, &body).unwrap(),
        [[1, 2], [3, 4]]
    );
    // Like Cassandra, smallint counts as variable-size in vectors: each element, and so
    // each inner vector, carries an [unsigned vint] length.
    let nested = vector(vector(native(NativeType::SmallInt), 2), 2);
    let body = [6, 2, 0, 1, 2, 0, 2, 6, 2, 0, 3, 2, 0, 4];
    assert_eq!(
        deser::<Vec<Vec<i16>>>(&nested, &body).unwrap(),
        [[1, 2], [3, 4]]
    );
    assert!(deser::<Vec<Vec<i16>>>(&nested, &[0, 1, 0, 2, 0, 3, 0, 4]).is_err());
}

#[test]
fn variable_size_vectors() {
    let typ = vector(native(NativeType::Text), 2);
    // [unsigned vint] length then bytes, per element.
    let body = [&[3u8][..], b"abc", &[0], b""].concat();
    assert_eq!(deser::<Vec<String>>(&typ, &body).unwrap(), ["abc", ""]);
    let mut it = deser::<VectorIterator<&str>>(&typ, &body).unwrap();
    assert_eq!(it.nth(1).unwrap().unwrap(), "");
    // A long element with a two-byte vint length (200 = 0x80 0xc8).
    let long = "x".repeat(200);
    let body = [&[0x80u8, 0xc8][..], long.as_bytes(), &[1], b"y"].concat();
    assert_eq!(
        deser::<Vec<String>>(&typ, &body).unwrap(),
        [long.clone(), "y".to_owned()]
    );
    // Too few elements, trailing bytes, a length past the end.
    assert!(deser::<Vec<String>>(&typ, &[1, b'a']).is_err());
    assert!(deser::<Vec<String>>(&typ, &[1, b'a', 1, b'b', 0]).is_err());
    assert!(deser::<Vec<String>>(&typ, &[1, b'a', 5, b'b']).is_err());
    assert!(deser::<Vec<String>>(&typ, &[0xff, 0xff]).is_err());
    // An element that fails as text.
    let err = deser::<Vec<String>>(&typ, &[1, 0xff, 0]).unwrap_err();
    assert!(matches!(
        deser_kind(&err),
        BuiltinDeserializationErrorKind::VectorError(
            VectorDeserializationErrorKind::ElementDeserializationFailed(_)
        )
    ));
}

// ---------------------------------------------------------------------------------------
// Tuples
// ---------------------------------------------------------------------------------------

#[test]
fn tuples() {
    let typ = ColumnType::Tuple(vec![native(NativeType::Int), native(NativeType::Text)]);
    let body = concat(&[int_cell(7), cell(b"seven")]);
    assert_eq!(
        deser::<(i32, String)>(&typ, &body).unwrap(),
        (7, "seven".to_owned())
    );
    // A null element.
    let body = concat(&[int_cell(7), null_cell()]);
    assert_eq!(
        deser::<(i32, Option<String>)>(&typ, &body).unwrap(),
        (7, None)
    );
    // Missing trailing elements read as null.
    let body = int_cell(7);
    assert_eq!(
        deser::<(i32, Option<String>)>(&typ, &body).unwrap(),
        (7, None)
    );
    let err = deser::<(i32, String)>(&typ, &body).unwrap_err();
    let BuiltinDeserializationErrorKind::TupleError(
        TupleDeserializationErrorKind::FieldDeserializationFailed {
            position: 1,
            err: inner,
        },
    ) = deser_kind(&err)
    else {
        panic!("unexpected error {err}");
    };
    assert!(matches!(
        deser_kind(inner),
        BuiltinDeserializationErrorKind::ExpectedNonNull
    ));
    // Truncated element bytes.
    assert!(deser::<(i32, Option<String>)>(&typ, &[0, 0, 0, 4, 1]).is_err());
    assert!(deser_null::<(i32, String)>(&typ).is_err());

    // Type checks.
    let err = <(i32,)>::type_check(&typ).unwrap_err();
    assert!(matches!(
        typck_kind(&err),
        BuiltinTypeCheckErrorKind::TupleError(TupleTypeCheckErrorKind::WrongElementCount {
            rust_type_el_count: 1,
            cql_type_el_count: 2
        })
    ));
    let err = <(i32, i32)>::type_check(&typ).unwrap_err();
    assert!(matches!(
        typck_kind(&err),
        BuiltinTypeCheckErrorKind::TupleError(TupleTypeCheckErrorKind::FieldTypeCheckFailed {
            position: 1,
            ..
        })
    ));
    let err = <(i32, i32)>::type_check(&native(NativeType::Int)).unwrap_err();
    assert!(matches!(
        typck_kind(&err),
        BuiltinTypeCheckErrorKind::TupleError(TupleTypeCheckErrorKind::NotTuple)
    ));
    // The empty tuple.
    let empty = ColumnType::Tuple(vec![]);
    deser::<()>(&empty, &[]).unwrap();
}

#[test]
fn sixteen_element_tuple() {
    let typ = ColumnType::Tuple(vec![native(NativeType::Int); 16]);
    let body: Vec<u8> = (0..16).flat_map(int_cell).collect();
    type T16 = (
        i32,
        i32,
        i32,
        i32,
        i32,
        i32,
        i32,
        i32,
        i32,
        i32,
        i32,
        i32,
        i32,
        i32,
        i32,
        i32,
    );
    let t = deser::<T16>(&typ, &body).unwrap();
    assert_eq!(t.0, 0);
    assert_eq!(t.15, 15);
}

// ---------------------------------------------------------------------------------------
// UDTs
// ---------------------------------------------------------------------------------------

#[test]
fn udt_iterator() {
    let typ = udt(
        "ks",
        "address",
        vec![
            ("street", native(NativeType::Text)),
            ("number", native(NativeType::Int)),
            ("flat", native(NativeType::Int)),
        ],
        true,
    );
    UdtIterator::type_check(&typ).unwrap();
    let err = UdtIterator::type_check(&native(NativeType::Int)).unwrap_err();
    assert!(matches!(
        typck_kind(&err),
        BuiltinTypeCheckErrorKind::UdtError(UdtTypeCheckErrorKind::NotUdt)
    ));
    // The value has only two of the three fields, and the second is null.
    let body = concat(&[cell(b"Main"), null_cell()]);
    let it = deser::<UdtIterator>(&typ, &body).unwrap();
    assert_eq!(it.fields().len(), 3);
    assert_eq!(it.len(), 3);
    let got: Vec<_> = it
        .map(|((name, _), raw)| {
            (
                name.to_string(),
                raw.unwrap().map(|v| v.map(|s| s.as_slice())),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("street".to_owned(), Some(Some(&b"Main"[..]))),
            ("number".to_owned(), Some(None)),
            ("flat".to_owned(), None),
        ]
    );
    // Malformed field bytes.
    let mut it = deser::<UdtIterator>(&typ, &[0, 0, 0, 9, 1]).unwrap();
    let (_, raw) = it.next().unwrap();
    let err = raw.unwrap_err();
    assert!(matches!(
        deser_kind(&err),
        BuiltinDeserializationErrorKind::UdtError(
            UdtDeserializationErrorKind::FieldDeserializationFailed { field_name, .. }
        ) if field_name == "street"
    ));
}

// ---------------------------------------------------------------------------------------
// CqlValue
// ---------------------------------------------------------------------------------------

fn cql(typ: &ColumnType<'static>, bytes: &[u8]) -> CqlValue {
    deser::<CqlValue>(typ, bytes).unwrap_or_else(|e| panic!("{typ}: {e}"))
}

#[test]
fn cql_value_natives() {
    let u = Uuid::from_u128(0x1234);
    let cases: Vec<(ColumnType<'static>, Vec<u8>, CqlValue)> = vec![
        (
            native(NativeType::Ascii),
            b"a".to_vec(),
            CqlValue::Ascii("a".into()),
        ),
        (
            native(NativeType::Boolean),
            vec![1],
            CqlValue::Boolean(true),
        ),
        (
            native(NativeType::Blob),
            vec![1, 2],
            CqlValue::Blob(vec![1, 2]),
        ),
        (
            native(NativeType::Counter),
            5i64.to_be_bytes().to_vec(),
            CqlValue::Counter(Counter(5)),
        ),
        (
            native(NativeType::Date),
            7u32.to_be_bytes().to_vec(),
            CqlValue::Date(CqlDate(7)),
        ),
        (
            native(NativeType::Decimal),
            vec![0, 0, 0, 1, 0x0f],
            CqlValue::Decimal(CqlDecimal::from_signed_be_bytes_and_exponent(vec![0x0f], 1)),
        ),
        (
            native(NativeType::Double),
            2.0f64.to_be_bytes().to_vec(),
            CqlValue::Double(2.0),
        ),
        (
            native(NativeType::Duration),
            duration_bytes(1, 2, 3),
            CqlValue::Duration(CqlDuration {
                months: 1,
                days: 2,
                nanoseconds: 3,
            }),
        ),
        (
            native(NativeType::Float),
            2.0f32.to_be_bytes().to_vec(),
            CqlValue::Float(2.0),
        ),
        (
            native(NativeType::Int),
            3i32.to_be_bytes().to_vec(),
            CqlValue::Int(3),
        ),
        (
            native(NativeType::BigInt),
            4i64.to_be_bytes().to_vec(),
            CqlValue::BigInt(4),
        ),
        (
            native(NativeType::Text),
            b"t".to_vec(),
            CqlValue::Text("t".into()),
        ),
        (
            native(NativeType::Timestamp),
            9i64.to_be_bytes().to_vec(),
            CqlValue::Timestamp(CqlTimestamp(9)),
        ),
        (
            native(NativeType::Inet),
            vec![10, 0, 0, 1],
            CqlValue::Inet(IpAddr::from([10, 0, 0, 1])),
        ),
        (
            native(NativeType::SmallInt),
            vec![0, 5],
            CqlValue::SmallInt(5),
        ),
        (
            native(NativeType::TinyInt),
            vec![0xff],
            CqlValue::TinyInt(-1),
        ),
        (
            native(NativeType::Time),
            11i64.to_be_bytes().to_vec(),
            CqlValue::Time(CqlTime(11)),
        ),
        (
            native(NativeType::Timeuuid),
            u.as_bytes().to_vec(),
            CqlValue::Timeuuid(CqlTimeuuid::from(u)),
        ),
        (
            native(NativeType::Uuid),
            u.as_bytes().to_vec(),
            CqlValue::Uuid(u),
        ),
        (
            native(NativeType::Varint),
            vec![0x00, 0x80],
            CqlValue::Varint(CqlVarint::from_signed_bytes_be(vec![0x00, 0x80])),
        ),
        (
            ColumnType::Custom("org.example.Custom".into()),
            vec![1, 2, 3],
            CqlValue::Blob(vec![1, 2, 3]),
        ),
    ];
    for n in NativeType::ALL {
        assert!(
            cases.iter().any(|(t, _, _)| *t == native(n)),
            "no case for {n}"
        );
    }
    for (typ, bytes, expected) in cases {
        assert_eq!(cql(&typ, &bytes), expected, "{typ}");
    }
}

#[test]
fn cql_value_empty() {
    for n in NativeType::ALL {
        let typ = native(n);
        let got = deser::<CqlValue>(&typ, &[]);
        match n {
            NativeType::Ascii => assert_eq!(got.unwrap(), CqlValue::Ascii(String::new())),
            NativeType::Text => assert_eq!(got.unwrap(), CqlValue::Text(String::new())),
            NativeType::Blob => assert_eq!(got.unwrap(), CqlValue::Blob(vec![])),
            NativeType::Counter | NativeType::Duration => assert!(got.is_err(), "{n}"),
            _ => assert_eq!(got.unwrap(), CqlValue::Empty, "{n}"),
        }
    }
}

#[test]
fn cql_value_nested() {
    // list<frozen<map<text, frozen<set<int>>>>>
    let typ = list(
        map(
            native(NativeType::Text),
            set(native(NativeType::Int), false),
            true,
        ),
        false,
    );
    let s = collection(1, &[int_cell(3)]);
    let m = collection(1, &[cell(b"k"), cell(&s)]);
    let body = collection(1, &[cell(&m)]);
    assert_eq!(
        cql(&typ, &body),
        CqlValue::List(vec![CqlValue::Map(vec![(
            CqlValue::Text("k".into()),
            CqlValue::Set(vec![CqlValue::Int(3)])
        )])])
    );
    // Null top-level collection as Option is None; elements cannot be null.
    assert_eq!(deser_null::<Option<CqlValue>>(&typ).unwrap(), None);
    let l = list(native(NativeType::Int), false);
    assert!(deser::<CqlValue>(&l, &collection(1, &[null_cell()])).is_err());
    // An empty element of an emptiable type.
    assert_eq!(
        cql(&l, &collection(1, &[cell(&[])])),
        CqlValue::List(vec![CqlValue::Empty])
    );
}

#[test]
fn cql_value_tuple_udt_vector() {
    let tup = ColumnType::Tuple(vec![
        native(NativeType::Int),
        native(NativeType::Text),
        native(NativeType::Boolean),
    ]);
    assert_eq!(
        cql(&tup, &concat(&[int_cell(1), null_cell()])),
        CqlValue::Tuple(vec![Some(CqlValue::Int(1)), None, None])
    );

    let u = udt(
        "ks",
        "address",
        vec![
            ("street", native(NativeType::Text)),
            ("no", native(NativeType::Int)),
            ("tags", list(native(NativeType::Text), false)),
        ],
        true,
    );
    assert_eq!(
        cql(&u, &cell(b"Main")),
        CqlValue::UserDefinedType {
            keyspace: "ks".into(),
            name: "address".into(),
            fields: vec![
                ("street".into(), Some(CqlValue::Text("Main".into()))),
                ("no".into(), None),
                ("tags".into(), None),
            ],
        }
    );
    let body = concat(&[
        cell(b"Main"),
        int_cell(5),
        cell(&collection(1, &[cell(b"x")])),
    ]);
    assert_eq!(
        cql(&u, &body).into_udt_pair_vec().unwrap()[2],
        (
            "tags".to_owned(),
            Some(CqlValue::List(vec![CqlValue::Text("x".into())]))
        )
    );
    let err = deser::<CqlValue>(&u, &concat(&[cell(b"Main"), cell(&[1])])).unwrap_err();
    assert!(matches!(
        deser_kind(&err),
        BuiltinDeserializationErrorKind::UdtError(
            UdtDeserializationErrorKind::FieldDeserializationFailed { field_name, .. }
        ) if field_name == "no"
    ));

    let v = vector(native(NativeType::Int), 2);
    assert_eq!(
        cql(&v, &[0, 0, 0, 1, 0, 0, 0, 2]),
        CqlValue::Vector(vec![CqlValue::Int(1), CqlValue::Int(2)])
    );
    let v = vector(native(NativeType::Varint), 2);
    assert_eq!(
        cql(&v, &[0, 1, 1]),
        CqlValue::Vector(vec![
            CqlValue::Empty,
            CqlValue::Varint(CqlVarint::from_signed_bytes_be(vec![1]))
        ])
    );
}

// ---------------------------------------------------------------------------------------
// Error helpers
// ---------------------------------------------------------------------------------------

#[test]
fn replacing_the_rust_name() {
    let err = mk_deser_err::<i32>(
        &native(NativeType::Int),
        BuiltinDeserializationErrorKind::ExpectedNonNull,
    );
    let shared = err.clone();
    let replaced = deser_error_replace_rust_name::<String>(err);
    assert_eq!(
        replaced
            .downcast_ref::<BuiltinDeserializationError>()
            .unwrap()
            .rust_name,
        type_name::<String>()
    );
    // The clone still names i32.
    assert_eq!(
        shared
            .downcast_ref::<BuiltinDeserializationError>()
            .unwrap()
            .rust_name,
        "i32"
    );
    let typck = mk_typck_err::<i32>(
        &native(NativeType::Int),
        BuiltinTypeCheckErrorKind::NotDeserializableToVec,
    );
    let typck = typck_error_replace_rust_name::<u8>(typck);
    assert_eq!(
        typck
            .downcast_ref::<BuiltinTypeCheckError>()
            .unwrap()
            .rust_name,
        "u8"
    );
}

#[test]
fn byte_sequence_iterators() {
    let frame = Bytes::from(concat(&[cell(b"a"), null_cell(), cell(b"")]));
    let items: Vec<_> = BytesSequenceIterator::from(FrameSlice::new(&frame))
        .map(|r| r.unwrap().map(|s| s.as_slice()))
        .collect();
    assert_eq!(items, [Some(&b"a"[..]), None, Some(&b""[..])]);
    let mut it = BytesSequenceIterator::from(FrameSlice::new_borrowed(&[0, 0, 0, 2, 1]));
    assert!(it.next().unwrap().is_err());
    assert!(it.next().is_none());

    let mut it = FixedLengthBytesSequenceIterator::new(2, FrameSlice::new(&frame));
    assert_eq!(it.len(), 2);
    assert!(it.next().unwrap().unwrap().is_some());
    assert!(it.next().unwrap().unwrap().is_none());
    assert!(it.next().is_none());
    let mut it = FixedLengthBytesSequenceIterator::new(3, FrameSlice::new_borrowed(&[0, 0]));
    assert!(it.next().unwrap().is_err());
    assert_eq!(it.len(), 0);
}

#[cfg(feature = "secrecy-08")]
#[test]
fn secrets() {
    use secrecy_08::{ExposeSecret, Secret, SecretString, SecretVec};
    let s = deser::<SecretString>(&native(NativeType::Text), b"pw").unwrap();
    assert_eq!(s.expose_secret(), "pw");
    let v = deser::<SecretVec<u8>>(&native(NativeType::Blob), &[1]).unwrap();
    assert_eq!(v.expose_secret(), &[1]);
    let i = deser::<Secret<i32>>(&native(NativeType::Int), &1i32.to_be_bytes()).unwrap();
    assert_eq!(*i.expose_secret(), 1);
    let err = SecretString::type_check(&native(NativeType::Int)).unwrap_err();
    assert!(err.to_string().contains("Secret"), "{err}");
}

#[cfg(feature = "secrecy-10")]
#[test]
fn secrets_10() {
    use secrecy_10::{ExposeSecret, SecretBox, SecretSlice, SecretString};
    let s = deser::<SecretString>(&native(NativeType::Text), b"pw").unwrap();
    assert_eq!(s.expose_secret(), "pw");
    let list = list(native(NativeType::Int), false);
    // A list of one int: count 1, then [int] 7.
    let body = [0, 0, 0, 1, 0, 0, 0, 4, 0, 0, 0, 7];
    let v = deser::<SecretSlice<i32>>(&list, &body).unwrap();
    assert_eq!(v.expose_secret(), &[7]);
    let i = deser::<SecretBox<i32>>(&native(NativeType::Int), &1i32.to_be_bytes()).unwrap();
    assert_eq!(*i.expose_secret(), 1);
    let err = SecretString::type_check(&native(NativeType::Int)).unwrap_err();
    assert!(err.to_string().contains("Secret"), "{err}");
    assert!(SecretSlice::<i32>::type_check(&native(NativeType::Int)).is_err());
}

// ---------------------------------------------------------------------------------------
// Feature types
// ---------------------------------------------------------------------------------------

#[cfg(feature = "chrono-04")]
#[test]
fn chrono_types() {
    use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
    let date = native(NativeType::Date);
    assert_eq!(
        deser::<NaiveDate>(&date, &(1u32 << 31).to_be_bytes()).unwrap(),
        NaiveDate::from_ymd_opt(1970, 1, 1).unwrap()
    );
    assert_eq!(
        deser::<NaiveDate>(&date, &((1u32 << 31) - 1).to_be_bytes()).unwrap(),
        NaiveDate::from_ymd_opt(1969, 12, 31).unwrap()
    );
    // Day 0 is -5877641-06-23, far outside chrono's range.
    let err = deser::<NaiveDate>(&date, &0u32.to_be_bytes()).unwrap_err();
    assert!(matches!(
        deser_kind(&err),
        BuiltinDeserializationErrorKind::ValueOverflow
    ));
    assert!(err.to_string().contains("NaiveDate"), "{err}");
    assert!(NaiveDate::type_check(&native(NativeType::Timestamp)).is_err());

    let time = native(NativeType::Time);
    let last = 86_399_999_999_999i64;
    assert_eq!(
        deser::<NaiveTime>(&time, &last.to_be_bytes()).unwrap(),
        NaiveTime::from_hms_nano_opt(23, 59, 59, 999_999_999).unwrap()
    );
    assert!(deser::<NaiveTime>(&time, &(last + 1).to_be_bytes()).is_err());
    assert!(deser::<NaiveTime>(&time, &(-1i64).to_be_bytes()).is_err());

    let ts = native(NativeType::Timestamp);
    assert_eq!(
        deser::<DateTime<Utc>>(&ts, &1_500i64.to_be_bytes()).unwrap(),
        DateTime::<Utc>::from_timestamp_millis(1_500).unwrap()
    );
    assert!(deser::<DateTime<Utc>>(&ts, &i64::MAX.to_be_bytes()).is_err());
    assert_eq!(
        deser::<MaybeEmpty<NaiveDate>>(&date, &[]).unwrap(),
        MaybeEmpty::Empty
    );
}

#[cfg(feature = "time-03")]
#[test]
fn time_types() {
    use time::{Date, Month, OffsetDateTime, Time};
    let date = native(NativeType::Date);
    assert_eq!(
        deser::<Date>(&date, &((1u32 << 31) + 31).to_be_bytes()).unwrap(),
        Date::from_calendar_date(1970, Month::February, 1).unwrap()
    );
    assert!(deser::<Date>(&date, &0u32.to_be_bytes()).is_err());

    let time = native(NativeType::Time);
    assert_eq!(
        deser::<Time>(&time, &3_600_000_000_001i64.to_be_bytes()).unwrap(),
        Time::from_hms_nano(1, 0, 0, 1).unwrap()
    );
    assert!(deser::<Time>(&time, &86_400_000_000_000i64.to_be_bytes()).is_err());

    let ts = native(NativeType::Timestamp);
    assert_eq!(
        deser::<OffsetDateTime>(&ts, &(-1_000i64).to_be_bytes()).unwrap(),
        OffsetDateTime::from_unix_timestamp(-1).unwrap()
    );
    let err = deser::<OffsetDateTime>(&ts, &i64::MIN.to_be_bytes()).unwrap_err();
    assert!(matches!(
        deser_kind(&err),
        BuiltinDeserializationErrorKind::ValueOverflow
    ));
}

#[cfg(feature = "num-bigint-04")]
#[test]
fn bigints() {
    let typ = native(NativeType::Varint);
    let v = deser::<num_bigint_04::BigInt>(&typ, &[0xff, 0x7f]).unwrap();
    assert_eq!(v, num_bigint_04::BigInt::from(-129));
    let big = [0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    assert_eq!(
        deser::<num_bigint_04::BigInt>(&typ, &big).unwrap(),
        num_bigint_04::BigInt::from(1u128 << 72)
    );
    assert!(num_bigint_04::BigInt::type_check(&native(NativeType::BigInt)).is_err());
}

#[cfg(feature = "num-bigint-03")]
#[test]
fn bigints_03() {
    let typ = native(NativeType::Varint);
    let v = deser::<num_bigint_03::BigInt>(&typ, &[0x00, 0x80]).unwrap();
    assert_eq!(v, num_bigint_03::BigInt::from(128));
}

#[cfg(feature = "bigdecimal-04")]
#[test]
fn bigdecimals() {
    let typ = native(NativeType::Decimal);
    let mut bytes = 3i32.to_be_bytes().to_vec();
    bytes.extend_from_slice(&[0xcf, 0xc7]); // -12345
    let d = deser::<bigdecimal_04::BigDecimal>(&typ, &bytes).unwrap();
    assert_eq!(d, bigdecimal_04::BigDecimal::from_str("-12.345").unwrap());
    assert!(deser::<bigdecimal_04::BigDecimal>(&typ, &[0, 0]).is_err());
}
