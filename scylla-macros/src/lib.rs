//! Derive macros for the `scylla` driver: [`SerializeRow`], [`SerializeValue`],
//! [`DeserializeRow`] and [`DeserializeValue`].
//!
//! Use them through the `scylla` crate (`scylla::SerializeRow`, ...); the generated code
//! names `::scylla::_macro_internal`. A crate that depends on `scylla-cql` instead says
//! so with `#[scylla(crate = scylla_cql)]` (a path, or the same path as a string).
//!
//! The derives support structs with named fields only, with any generic type
//! parameters and lifetimes. The `Row` derives map a struct to the columns of a row
//! (the bind markers of a statement, or the columns of a result set); the `Value`
//! derives map it to a CQL user-defined type (UDT).
//!
//! # Struct attributes: `#[scylla(...)]` on the struct
//!
//! | attribute | SerializeValue | SerializeRow | DeserializeValue | DeserializeRow |
//! |---|---|---|---|---|
//! | `crate = path` / `crate = "path"` | yes | yes | yes | yes |
//! | `flavor = "match_by_name"` (default) / `"enforce_order"` | yes | yes | yes | yes |
//! | `skip_name_checks` (needs `enforce_order`) | yes | yes | yes | yes |
//! | `forbid_excess_udt_fields` | yes | – | yes | – |
//!
//! - `match_by_name`: fields are matched with columns / UDT fields by name, in any
//!   order.
//! - `enforce_order`: fields are matched by position; the names must still agree
//!   unless `skip_name_checks` is given.
//! - `forbid_excess_udt_fields`: a UDT field the struct has no field for is an error
//!   (by default, serialization writes it as null or omits it at the end, and
//!   deserialization ignores it).
//!
//! # Field attributes: `#[scylla(...)]` on a field
//!
//! | attribute | SerializeValue | SerializeRow | DeserializeValue | DeserializeRow |
//! |---|---|---|---|---|
//! | `rename = "name"` | yes | yes | yes | yes |
//! | `skip` | yes (not written) | yes (not written) | yes (`Default`) | yes (`Default`) |
//! | `allow_missing` | yes (ignored if the UDT lacks the field) | – | yes (`Default` if the UDT lacks the field) | – |
//! | `default_when_null` | accepted, no effect | accepted, no effect | yes (`Default` for null, or for a field the UDT lacks) | yes (`Default` for null) |
//! | `flatten` | – | yes (the field's own columns are inlined; not with `rename`) | – | – |
//!
//! A flattened field's type must itself derive `SerializeRow` with the same flavor.
//! `Option<T>` fields take nulls. Misuse of an attribute (unknown, not supported by
//! the derive, `skip_name_checks` without `enforce_order`, `flatten` with `rename`, two
//! fields with the same name when matching by name) is a compile error pointing at
//! it.
//!
//! # Errors at run time
//!
//! The generated code reports the built-in error types of `scylla::serialize` and
//! `scylla::deserialize` (`BuiltinTypeCheckError`, `BuiltinSerializationError`,
//! `BuiltinDeserializationError`, row or value level), with `rust_name` set to the
//! struct's name, and the field, column and types involved in the error kind.
//!
//! # Deserialization and borrowing
//!
//! Deserialization is type-checked once (`type_check`) and then done without checks per
//! row. A struct with a lifetime can borrow from the response frame: fields like
//! `&'frame str` or `&'frame [u8]` point into it and are not copied. A lifetime named
//! `'frame` (or `'metadata`) in the struct is used as the trait's lifetime of that name.

mod attrs;
mod common;
mod deser_row;
mod deser_value;
mod ser_row;
mod ser_value;

use proc_macro::TokenStream;

use attrs::DeriveKind;

fn expand(input: TokenStream, kind: DeriveKind) -> TokenStream {
    let input = syn::parse_macro_input!(input as syn::DeriveInput);
    match attrs::parse(input, kind) {
        Ok(def) => match kind {
            DeriveKind::SerializeValue => ser_value::derive(&def),
            DeriveKind::SerializeRow => ser_row::derive(&def),
            DeriveKind::DeserializeValue => deser_value::derive(&def),
            DeriveKind::DeserializeRow => deser_row::derive(&def),
        }
        .into(),
        Err(e) => e.to_compile_error().into(),
    }
}

/// Derives `SerializeValue`: the struct is serialized as a CQL user-defined type.
///
/// See the [crate documentation](crate) for the attributes.
#[proc_macro_derive(SerializeValue, attributes(scylla))]
pub fn serialize_value_derive(input: TokenStream) -> TokenStream {
    expand(input, DeriveKind::SerializeValue)
}

/// Derives `SerializeRow`: the struct is serialized as the bind values of a statement.
///
/// See the [crate documentation](crate) for the attributes.
#[proc_macro_derive(SerializeRow, attributes(scylla))]
pub fn serialize_row_derive(input: TokenStream) -> TokenStream {
    expand(input, DeriveKind::SerializeRow)
}

/// Derives `DeserializeValue`: the struct is deserialized from a CQL user-defined type.
///
/// See the [crate documentation](crate) for the attributes.
#[proc_macro_derive(DeserializeValue, attributes(scylla))]
pub fn deserialize_value_derive(input: TokenStream) -> TokenStream {
    expand(input, DeriveKind::DeserializeValue)
}

/// Derives `DeserializeRow`: the struct is deserialized from a row of a result set.
///
/// See the [crate documentation](crate) for the attributes.
#[proc_macro_derive(DeserializeRow, attributes(scylla))]
pub fn deserialize_row_derive(input: TokenStream) -> TokenStream {
    expand(input, DeriveKind::DeserializeRow)
}
