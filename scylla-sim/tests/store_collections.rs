//! Non-frozen collections and UDTs stored per element, frozen ones as one cell, and
//! counters.

#[path = "store_support.rs"]
mod support;

use std::sync::Arc;

use bytes::Bytes;
use scylla_cql::frame::response::column_type::{ColumnType, NativeType};
use scylla_sim::store::{
    AlterType, CellOp, ColumnId, ColumnKind, ReadCommand, RowTarget, RowWrite, StoreError, Table,
    Write,
};
use support::*;

fn coll_table() -> Arc<Table> {
    store_with(
        "c",
        vec![
            col("k", native(NativeType::Int), ColumnKind::PartitionKey),
            col(
                "l",
                list_type(native(NativeType::Int), false),
                ColumnKind::Regular,
            ),
            col(
                "s",
                set_type(native(NativeType::Int), false),
                ColumnKind::Regular,
            ),
            col(
                "m",
                map_type(native(NativeType::Text), native(NativeType::Int), false),
                ColumnKind::Regular,
            ),
            col(
                "fs",
                set_type(native(NativeType::Int), true),
                ColumnKind::Regular,
            ),
        ],
    )
    .1
}

fn write(t: &Table, ts: i64, ops: Vec<CellOp>) -> Result<(), StoreError> {
    write_row(t, &pk_int(1), vec![], ts, false, ops, now(0))
}

fn value(t: &Table, name: &str) -> Option<Bytes> {
    partition_rows(t, pk_int(1), now(0))
        .first()
        .and_then(|r| r.values.get(name).cloned())
}

fn ints(v: &[i32]) -> Bytes {
    coll(&v.iter().map(|x| int(*x)).collect::<Vec<_>>())
}

fn add(column: ColumnId, value: Bytes) -> CellOp {
    CellOp::Add { column, value }
}

fn prepend(column: ColumnId, value: Bytes) -> CellOp {
    CellOp::Prepend { column, value }
}

fn remove(column: ColumnId, value: Bytes) -> CellOp {
    CellOp::Remove { column, value }
}

fn set_index(column: ColumnId, index: i32, value: Option<Bytes>) -> CellOp {
    CellOp::SetIndex {
        column,
        index,
        value,
    }
}

fn set_entry(column: ColumnId, key: Bytes, value: Option<Bytes>) -> CellOp {
    CellOp::SetEntry { column, key, value }
}

fn set_field(column: ColumnId, field: usize, value: Option<Bytes>) -> CellOp {
    CellOp::SetField {
        column,
        field,
        value,
    }
}

fn increment(column: ColumnId, delta: i64) -> CellOp {
    CellOp::Increment { column, delta }
}

#[test]
fn lists() {
    let t = coll_table();
    let l = id(&t, "l");
    write(&t, 10, vec![set(&t, "l", ints(&[1, 2]))]).unwrap();
    write(&t, 11, vec![add(l, ints(&[3, 4]))]).unwrap();
    write(&t, 12, vec![prepend(l, ints(&[-1, 0]))]).unwrap();
    write(&t, 13, vec![prepend(l, ints(&[-2]))]).unwrap();
    assert_eq!(value(&t, "l"), Some(ints(&[-2, -1, 0, 1, 2, 3, 4])));
    // Positional set and delete.
    write(&t, 14, vec![set_index(l, 0, Some(int(100)))]).unwrap();
    write(&t, 14, vec![set_index(l, 6, None)]).unwrap();
    assert_eq!(value(&t, "l"), Some(ints(&[100, -1, 0, 1, 2, 3])));
    let err = write(&t, 15, vec![set_index(l, 6, Some(int(1)))]).unwrap_err();
    assert!(
        matches!(&err, StoreError::Invalid(m) if m.contains("out of bound")),
        "{err:?}"
    );
    assert!(write(&t, 15, vec![set_index(l, -1, None)]).is_err());
    // Remove by value: every occurrence.
    write(&t, 16, vec![add(l, ints(&[1, 1]))]).unwrap();
    write(&t, 17, vec![remove(l, ints(&[1, 3]))]).unwrap();
    assert_eq!(value(&t, "l"), Some(ints(&[100, -1, 0, 2])));
    // Overwrite replaces; an empty list is null.
    write(&t, 18, vec![set(&t, "l", ints(&[7]))]).unwrap();
    assert_eq!(value(&t, "l"), Some(ints(&[7])));
    write(&t, 19, vec![set(&t, "l", ints(&[]))]).unwrap();
    assert_eq!(value(&t, "l"), None);
    let err = write(&t, 20, vec![set_index(l, 0, Some(int(1)))]).unwrap_err();
    assert!(
        matches!(&err, StoreError::Invalid(m) if m.contains("null")),
        "{err:?}"
    );
    // A failed index write leaves the other writes of the call unapplied too.
    assert!(
        write(
            &t,
            21,
            vec![set(&t, "s", ints(&[1])), set_index(l, 3, Some(int(1)))]
        )
        .is_err()
    );
    assert_eq!(value(&t, "s"), None);
}

#[test]
fn sets_and_maps() {
    let t = coll_table();
    let s = id(&t, "s");
    let m = id(&t, "m");
    write(&t, 10, vec![set(&t, "s", ints(&[3, 1, 2, 1]))]).unwrap();
    assert_eq!(value(&t, "s"), Some(ints(&[1, 2, 3])));
    write(&t, 11, vec![add(s, ints(&[-5, 2]))]).unwrap();
    write(&t, 11, vec![remove(s, ints(&[3]))]).unwrap();
    assert_eq!(value(&t, "s"), Some(ints(&[-5, 1, 2])));
    // An older add of a removed element stays removed.
    write(&t, 5, vec![add(s, ints(&[3]))]).unwrap();
    assert_eq!(value(&t, "s"), Some(ints(&[-5, 1, 2])));
    // An older whole-set write does not replace newer elements.
    write(&t, 9, vec![set(&t, "s", ints(&[42]))]).unwrap();
    assert_eq!(value(&t, "s"), Some(ints(&[-5, 1, 2])));

    write(
        &t,
        10,
        vec![set(
            &t,
            "m",
            map(&[(text("b"), int(2)), (text("a"), int(1))]),
        )],
    )
    .unwrap();
    write(
        &t,
        11,
        vec![
            set_entry(m, text("c"), Some(int(3))),
            set_entry(m, text("a"), None),
        ],
    )
    .unwrap();
    assert_eq!(
        value(&t, "m"),
        Some(map(&[(text("b"), int(2)), (text("c"), int(3))]))
    );
    write(&t, 12, vec![add(m, map(&[(text("b"), int(20))]))]).unwrap();
    write(&t, 12, vec![remove(m, coll(&[text("c")]))]).unwrap();
    assert_eq!(value(&t, "m"), Some(map(&[(text("b"), int(20))])));
    // Element TTLs.
    t.apply(
        &pk_int(1),
        &[Write::Row(RowWrite {
            target: RowTarget::Clustering(vec![]),
            timestamp: 13,
            ttl: Some(10),
            insert: false,
            ops: vec![set_entry(m, text("t"), Some(int(9)))],
        })],
        now(0),
    )
    .unwrap();
    let at = |s| {
        t.read_rows(&ReadCommand::partition(pk_int(1), now(s)))
            .unwrap()[0]
            .values["m"]
            .clone()
    };
    assert_eq!(at(9), map(&[(text("b"), int(20)), (text("t"), int(9))]));
    assert_eq!(at(10), map(&[(text("b"), int(20))]));
    // Wrong operations for the column type.
    assert!(write(&t, 14, vec![prepend(s, ints(&[1]))]).is_err());
    assert!(write(&t, 14, vec![set_entry(s, int(1), None)]).is_err());
    assert!(write(&t, 14, vec![add(m, ints(&[1]))]).is_err());
    assert!(write(&t, 14, vec![increment(m, 1)]).is_err());
}

#[test]
fn frozen_collections_are_single_cells() {
    let t = coll_table();
    let fs = id(&t, "fs");
    write(&t, 10, vec![set(&t, "fs", ints(&[2, 1, 2]))]).unwrap();
    // Stored in canonical order, one cell with one write time.
    let r = &partition_rows(&t, pk_int(1), now(0))[0];
    assert_eq!(r.values["fs"], ints(&[1, 2]));
    assert_eq!(r.writetimes["fs"], 10);
    let err = write(&t, 11, vec![add(fs, ints(&[3]))]).unwrap_err();
    assert!(
        matches!(&err, StoreError::Invalid(m) if m.contains("fs")),
        "{err:?}"
    );
    // A malformed collection is refused.
    assert!(
        write(
            &t,
            11,
            vec![set(&t, "fs", Bytes::from_static(&[0, 0, 0, 1]))]
        )
        .is_err()
    );
    assert!(
        write(
            &t,
            11,
            vec![set(
                &t,
                "l",
                Bytes::from_static(&[0, 0, 0, 1, 0, 0, 0, 4, 1])
            )]
        )
        .is_err()
    );
}

#[test]
fn non_frozen_udt_fields() {
    let store = scylla_sim::store::Store::new();
    store.create_keyspace(simple_ks(), false).unwrap();
    store
        .create_type(
            "ks",
            "addr",
            vec![
                ("street".into(), native(NativeType::Text)),
                ("no".into(), native(NativeType::Int)),
            ],
            false,
        )
        .unwrap();
    let def = store
        .schema()
        .keyspace("ks")
        .unwrap()
        .user_type("addr")
        .unwrap()
        .clone();
    store
        .create_table(
            table_def(
                "u",
                vec![
                    col("k", native(NativeType::Int), ColumnKind::PartitionKey),
                    col(
                        "a",
                        ColumnType::UserDefinedType {
                            frozen: false,
                            definition: def,
                        },
                        ColumnKind::Regular,
                    ),
                ],
            ),
            false,
        )
        .unwrap();
    let t = store.table("ks", "u").unwrap();
    let a = id(&t, "a");
    write(
        &t,
        10,
        vec![set(&t, "a", fields(&[Some(text("main")), Some(int(5))]))],
    )
    .unwrap();
    write(&t, 11, vec![set_field(a, 1, Some(int(6)))]).unwrap();
    assert_eq!(
        value(&t, "a"),
        Some(fields(&[Some(text("main")), Some(int(6))]))
    );
    write(&t, 12, vec![set_field(a, 0, None)]).unwrap();
    assert_eq!(value(&t, "a"), Some(fields(&[None, Some(int(6))])));
    assert!(write(&t, 12, vec![set_field(a, 2, None)]).is_err());
    assert!(
        write(
            &t,
            12,
            vec![set_field(a, 1, Some(int(1)[..2].to_vec().into()))]
        )
        .is_err()
    );
    // Adding a field: old values read with the new field null.
    store
        .alter_type(
            "ks",
            "addr",
            AlterType::AddField {
                name: "zip".into(),
                typ: native(NativeType::Text),
            },
        )
        .unwrap();
    let t = store.table("ks", "u").unwrap();
    assert_eq!(value(&t, "a"), Some(fields(&[None, Some(int(6)), None])));
    write(&t, 13, vec![set_field(a, 2, Some(text("z")))]).unwrap();
    assert_eq!(
        value(&t, "a"),
        Some(fields(&[None, Some(int(6)), Some(text("z"))]))
    );
    // All fields null: the column is null.
    write(&t, 14, vec![set(&t, "a", fields(&[None]))]).unwrap();
    assert_eq!(value(&t, "a"), None);
}

#[test]
fn counters() {
    let (_, t) = store_with(
        "cnt",
        vec![
            col("k", native(NativeType::Int), ColumnKind::PartitionKey),
            col("c", native(NativeType::Text), ColumnKind::Clustering),
            col("n", native(NativeType::Counter), ColumnKind::Regular),
            col("m", native(NativeType::Counter), ColumnKind::Regular),
        ],
    );
    let n = id(&t, "n");
    let m = id(&t, "m");
    let inc = |ck: &str, ts: i64, col, delta| {
        write_row(
            &t,
            &pk_int(1),
            vec![text(ck)],
            ts,
            false,
            vec![increment(col, delta)],
            now(0),
        )
    };
    inc("a", 10, n, 5).unwrap();
    inc("a", 11, n, -2).unwrap();
    inc("a", 9, n, 10).unwrap();
    inc("a", 12, m, 1).unwrap();
    let get = |ck: &str, name: &str| {
        partition_rows(&t, pk_int(1), now(0))
            .into_iter()
            .find(|r| r.clustering == Some(vec![text(ck)]))
            .and_then(|r| r.values.get(name).cloned())
    };
    assert_eq!(get("a", "n"), Some(bigint(13)));
    assert_eq!(get("a", "m"), Some(bigint(1)));
    // Counters cannot be set, inserted, or given a TTL.
    let err = t
        .apply(
            &pk_int(1),
            &[row_write(
                vec![text("a")],
                13,
                false,
                vec![set(&t, "n", bigint(1))],
            )],
            now(0),
        )
        .unwrap_err();
    assert!(
        matches!(&err, StoreError::Invalid(m) if m.contains("counter")),
        "{err:?}"
    );
    assert!(write_row(&t, &pk_int(1), vec![text("a")], 13, true, vec![], now(0)).is_err());
    let with_ttl = Write::Row(RowWrite {
        target: RowTarget::Clustering(vec![text("a")]),
        timestamp: 13,
        ttl: Some(5),
        insert: false,
        ops: vec![increment(n, 1)],
    });
    assert!(t.apply(&pk_int(1), &[with_ttl], now(0)).is_err());
    // Deleting a counter cell is permanent.
    write_row(
        &t,
        &pk_int(1),
        vec![text("a")],
        5,
        false,
        vec![set_null(&t, "m")],
        now(0),
    )
    .unwrap();
    inc("a", 100, m, 7).unwrap();
    assert_eq!(get("a", "m"), None);
    assert_eq!(get("a", "n"), Some(bigint(13)));
    // A row deletion shadows by timestamp: later increments start from zero.
    t.apply(
        &pk_int(1),
        &[Write::DeleteRow {
            clustering: vec![text("a")],
            timestamp: 50,
        }],
        now(0),
    )
    .unwrap();
    assert_eq!(get("a", "n"), None);
    inc("a", 40, n, 1).unwrap();
    assert_eq!(get("a", "n"), None);
    inc("a", 60, n, 4).unwrap();
    assert_eq!(get("a", "n"), Some(bigint(4)));
}
