//! Helpers shared by the `store_*` integration tests (included with `#[path]`).
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::sync::Arc;

use bytes::Bytes;
use scylla_cql::frame::response::column_type::{CollectionType, ColumnType, NativeType};
use scylla_sim::store::{
    CellOp, ClusteringOrder, ColumnId, ColumnKind, KeyspaceDef, NewColumn, Now, OwnedRow,
    PartitionKey, ReadCommand, RowTarget, RowWrite, Store, StoreError, Table, TableDef, Write,
};

pub fn int(v: i32) -> Bytes {
    Bytes::copy_from_slice(&v.to_be_bytes())
}

pub fn bigint(v: i64) -> Bytes {
    Bytes::copy_from_slice(&v.to_be_bytes())
}

pub fn text(s: &str) -> Bytes {
    Bytes::copy_from_slice(s.as_bytes())
}

pub fn native(t: NativeType) -> ColumnType<'static> {
    ColumnType::Native(t)
}

pub fn list_type(t: ColumnType<'static>, frozen: bool) -> ColumnType<'static> {
    ColumnType::Collection {
        frozen,
        typ: CollectionType::List(Box::new(t)),
    }
}

pub fn set_type(t: ColumnType<'static>, frozen: bool) -> ColumnType<'static> {
    ColumnType::Collection {
        frozen,
        typ: CollectionType::Set(Box::new(t)),
    }
}

pub fn map_type(
    k: ColumnType<'static>,
    v: ColumnType<'static>,
    frozen: bool,
) -> ColumnType<'static> {
    ColumnType::Collection {
        frozen,
        typ: CollectionType::Map(Box::new(k), Box::new(v)),
    }
}

/// A serialized list or set (protocol v4).
pub fn coll(items: &[Bytes]) -> Bytes {
    let mut out = (items.len() as i32).to_be_bytes().to_vec();
    for i in items {
        out.extend_from_slice(&(i.len() as i32).to_be_bytes());
        out.extend_from_slice(i);
    }
    Bytes::from(out)
}

/// A serialized map.
pub fn map(entries: &[(Bytes, Bytes)]) -> Bytes {
    let mut out = (entries.len() as i32).to_be_bytes().to_vec();
    for (k, v) in entries {
        for x in [k, v] {
            out.extend_from_slice(&(x.len() as i32).to_be_bytes());
            out.extend_from_slice(x);
        }
    }
    Bytes::from(out)
}

/// A serialized tuple or UDT value.
pub fn fields(items: &[Option<Bytes>]) -> Bytes {
    let mut out = Vec::new();
    for i in items {
        match i {
            Some(v) => {
                out.extend_from_slice(&(v.len() as i32).to_be_bytes());
                out.extend_from_slice(v);
            }
            None => out.extend_from_slice(&(-1i32).to_be_bytes()),
        }
    }
    Bytes::from(out)
}

pub fn now(seconds: i64) -> Now {
    Now::from_seconds(seconds)
}

/// A scattered fake token (the ring module computes real ones).
pub fn token_of(key: &[u8]) -> i64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in key {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h as i64
}

pub fn pk(key: Bytes) -> PartitionKey {
    PartitionKey::new(token_of(&key), key)
}

pub fn pk_int(v: i32) -> PartitionKey {
    pk(int(v))
}

pub fn col(name: &str, typ: ColumnType<'static>, kind: ColumnKind) -> NewColumn {
    NewColumn::new(name, typ, kind)
}

pub fn ck_desc(name: &str, typ: ColumnType<'static>) -> NewColumn {
    NewColumn {
        order: ClusteringOrder::Desc,
        ..NewColumn::new(name, typ, ColumnKind::Clustering)
    }
}

pub fn simple_ks() -> KeyspaceDef {
    KeyspaceDef {
        name: "ks".into(),
        replication: BTreeMap::from([
            ("class".to_string(), "SimpleStrategy".to_string()),
            ("replication_factor".to_string(), "3".to_string()),
        ]),
        durable_writes: true,
    }
}

/// The definition of table `ks.<name>` with these columns and default options.
pub fn table_def(name: &str, columns: Vec<NewColumn>) -> TableDef {
    TableDef {
        keyspace: "ks".into(),
        name: name.into(),
        columns,
        options: BTreeMap::new(),
        id: None,
    }
}

/// A store with keyspace `ks` and one table `ks.<name>` of these columns.
pub fn store_with(name: &str, columns: Vec<NewColumn>) -> (Store, Arc<Table>) {
    let store = Store::new();
    store.create_keyspace(simple_ks(), false).unwrap();
    store.create_table(table_def(name, columns), false).unwrap();
    let table = store.table("ks", name).unwrap();
    (store, table)
}

pub fn id(table: &Table, name: &str) -> ColumnId {
    table.schema().column(name).unwrap().id
}

pub fn set(table: &Table, name: &str, value: Bytes) -> CellOp {
    CellOp::Set {
        column: id(table, name),
        value: Some(value),
    }
}

pub fn set_null(table: &Table, name: &str) -> CellOp {
    CellOp::Set {
        column: id(table, name),
        value: None,
    }
}

pub fn row_write(ck: Vec<Bytes>, ts: i64, insert: bool, ops: Vec<CellOp>) -> Write {
    Write::Row(RowWrite {
        target: RowTarget::Clustering(ck),
        timestamp: ts,
        ttl: None,
        insert,
        ops,
    })
}

/// Applies one [`row_write`] to partition `key` of `table` at time `at`.
pub fn write_row(
    table: &Table,
    key: &PartitionKey,
    ck: Vec<Bytes>,
    ts: i64,
    insert: bool,
    ops: Vec<CellOp>,
    at: Now,
) -> Result<(), StoreError> {
    table.apply(key, &[row_write(ck, ts, insert, ops)], at)
}

pub fn rows(table: &Table, at: Now) -> Vec<OwnedRow> {
    table.read_rows(&ReadCommand::all(at)).unwrap()
}

pub fn partition_rows(table: &Table, key: PartitionKey, at: Now) -> Vec<OwnedRow> {
    table.read_rows(&ReadCommand::partition(key, at)).unwrap()
}
