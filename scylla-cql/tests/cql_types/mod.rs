//! Builders of column types for tests, shared by scylla-cql's integration tests
//! (`mod cql_types;`), its value deserializer unit tests and the fuzz seeds (both with
//! `#[path]`). Types name the crate as `scylla_cql`, which inside scylla-cql's own unit
//! tests is the crate itself (see `extern crate self` in `lib.rs`).

#![allow(dead_code)]

use std::borrow::Cow;
use std::sync::Arc;

use scylla_cql::frame::response::result::{
    CollectionType, ColumnType, NativeType, UserDefinedType,
};

pub fn native(n: NativeType) -> ColumnType<'static> {
    ColumnType::Native(n)
}

pub fn list(t: ColumnType<'static>, frozen: bool) -> ColumnType<'static> {
    ColumnType::Collection {
        frozen,
        typ: CollectionType::List(Box::new(t)),
    }
}

pub fn set(t: ColumnType<'static>, frozen: bool) -> ColumnType<'static> {
    ColumnType::Collection {
        frozen,
        typ: CollectionType::Set(Box::new(t)),
    }
}

pub fn map(k: ColumnType<'static>, v: ColumnType<'static>, frozen: bool) -> ColumnType<'static> {
    ColumnType::Collection {
        frozen,
        typ: CollectionType::Map(Box::new(k), Box::new(v)),
    }
}

pub fn vector(t: ColumnType<'static>, dimensions: u16) -> ColumnType<'static> {
    ColumnType::Vector {
        typ: Box::new(t),
        dimensions,
    }
}

/// The user-defined type `ks.name` with these fields.
pub fn udt(
    ks: &str,
    name: &str,
    fields: Vec<(&str, ColumnType<'static>)>,
    frozen: bool,
) -> ColumnType<'static> {
    ColumnType::UserDefinedType {
        frozen,
        definition: Arc::new(UserDefinedType {
            name: Cow::Owned(name.to_owned()),
            keyspace: Cow::Owned(ks.to_owned()),
            field_types: fields
                .into_iter()
                .map(|(n, t)| (Cow::Owned(n.to_owned()), t))
                .collect(),
        }),
    }
}
