//! Derive macros for the `scylla` driver: `SerializeRow`, `SerializeValue`,
//! `DeserializeRow` and `DeserializeValue`.

use proc_macro::TokenStream;

fn not_yet(name: &str) -> TokenStream {
    format!("::core::compile_error!(\"#[derive({name})] is not implemented yet in this version of scylla-macros\");")
        .parse()
        .unwrap_or_default()
}

/// Derives `SerializeValue` (a struct as a CQL user-defined type).
#[proc_macro_derive(SerializeValue, attributes(scylla))]
pub fn serialize_value_derive(_input: TokenStream) -> TokenStream {
    not_yet("SerializeValue")
}

/// Derives `SerializeRow` (a struct as the bind values of a statement).
#[proc_macro_derive(SerializeRow, attributes(scylla))]
pub fn serialize_row_derive(_input: TokenStream) -> TokenStream {
    not_yet("SerializeRow")
}

/// Derives `DeserializeValue` (a struct from a CQL user-defined type).
#[proc_macro_derive(DeserializeValue, attributes(scylla))]
pub fn deserialize_value_derive(_input: TokenStream) -> TokenStream {
    not_yet("DeserializeValue")
}

/// Derives `DeserializeRow` (a struct from a row of a result set).
#[proc_macro_derive(DeserializeRow, attributes(scylla))]
pub fn deserialize_row_derive(_input: TokenStream) -> TokenStream {
    not_yet("DeserializeRow")
}
