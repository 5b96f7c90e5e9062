//! Rows, cells, timestamps, TTLs, tombstones, static columns and reads.

#[path = "store_support.rs"]
mod support;

use std::ops::Bound;

use bytes::Bytes;
use scylla_cql::frame::response::column_type::NativeType;
use scylla_sim::store::{
    CellOp, ClusteringBound, ClusteringRange, ColumnKind, Flow, PartitionSelection, PartitionView,
    ReadCommand, ReadVisitor, ResumePosition, RowTarget, RowView, RowWrite, StoreError, Table,
    TupleBound, Write,
};
use support::*;

fn kv_table() -> std::sync::Arc<Table> {
    store_with(
        "kv",
        vec![
            col("k", native(NativeType::Int), ColumnKind::PartitionKey),
            col("c", native(NativeType::Int), ColumnKind::Clustering),
            col("v", native(NativeType::Text), ColumnKind::Regular),
            col("w", native(NativeType::Int), ColumnKind::Regular),
            col("s", native(NativeType::Text), ColumnKind::Static),
        ],
    )
    .1
}

#[test]
fn insert_keeps_row_alive_update_does_not() {
    let t = kv_table();
    let at = now(100);
    // INSERT with only the key: the row exists.
    write_row(&t, &pk_int(1), vec![int(1)], 10, true, vec![], at).unwrap();
    // UPDATE setting a column, then nulling it: the row disappears.
    write_row(
        &t,
        &pk_int(2),
        vec![int(1)],
        10,
        false,
        vec![set(&t, "v", text("x"))],
        at,
    )
    .unwrap();
    assert_eq!(partition_rows(&t, pk_int(2), at).len(), 1);
    write_row(
        &t,
        &pk_int(2),
        vec![int(1)],
        11,
        false,
        vec![set_null(&t, "v")],
        at,
    )
    .unwrap();
    let r1 = partition_rows(&t, pk_int(1), at);
    assert_eq!(r1.len(), 1);
    assert!(r1[0].values.is_empty());
    assert_eq!(r1[0].clustering, Some(vec![int(1)]));
    assert!(partition_rows(&t, pk_int(2), at).is_empty());
    // INSERT then null every column: still there (the marker).
    write_row(
        &t,
        &pk_int(3),
        vec![int(1)],
        10,
        true,
        vec![set(&t, "v", text("x"))],
        at,
    )
    .unwrap();
    write_row(
        &t,
        &pk_int(3),
        vec![int(1)],
        11,
        false,
        vec![set_null(&t, "v")],
        at,
    )
    .unwrap();
    assert_eq!(partition_rows(&t, pk_int(3), at).len(), 1);
}

#[test]
fn last_write_wins_and_ties() {
    let t = kv_table();
    let at = now(100);
    let k = pk_int(1);
    let w = |ts: i64, v: &str| row_write(vec![int(1)], ts, false, vec![set(&t, "v", text(v))]);
    t.apply(&k, &[w(20, "new")], at).unwrap();
    t.apply(&k, &[w(10, "old")], at).unwrap();
    let r = partition_rows(&t, k.clone(), at);
    assert_eq!(r[0].values["v"], text("new"));
    assert_eq!(r[0].writetimes["v"], 20);
    // Same timestamp: the greater value wins, whatever the arrival order.
    t.apply(&k, &[w(30, "b")], at).unwrap();
    t.apply(&k, &[w(30, "a")], at).unwrap();
    assert_eq!(partition_rows(&t, k.clone(), at)[0].values["v"], text("b"));
    t.apply(&k, &[w(40, "a")], at).unwrap();
    t.apply(&k, &[w(40, "c")], at).unwrap();
    assert_eq!(partition_rows(&t, k.clone(), at)[0].values["v"], text("c"));
    // A tombstone with the same timestamp beats a value.
    write_row(&t, &k, vec![int(1)], 40, false, vec![set_null(&t, "v")], at).unwrap();
    assert!(partition_rows(&t, k, at).is_empty());
}

#[test]
fn ttl_expiry_with_fake_clock() {
    let t = kv_table();
    let k = pk_int(1);
    t.apply(
        &k,
        &[Write::Row(RowWrite {
            target: RowTarget::Clustering(vec![int(1)]),
            timestamp: 10,
            ttl: Some(60),
            insert: true,
            ops: vec![set(&t, "v", text("x"))],
        })],
        now(1000),
    )
    .unwrap();
    write_row(
        &t,
        &k,
        vec![int(1)],
        11,
        false,
        vec![set(&t, "w", int(5))],
        now(1000),
    )
    .unwrap();
    let r = partition_rows(&t, k.clone(), now(1030));
    assert_eq!(r[0].ttls["v"], 30);
    assert!(!r[0].ttls.contains_key("w"));
    // After expiry: v is gone, the row lives on through w (the marker expired too).
    let r = partition_rows(&t, k.clone(), now(1060));
    assert_eq!(r.len(), 1);
    assert!(!r[0].values.contains_key("v"));
    assert_eq!(r[0].values["w"], int(5));
    // Once w is deleted nothing remains.
    write_row(
        &t,
        &k,
        vec![int(1)],
        12,
        false,
        vec![set_null(&t, "w")],
        now(1060),
    )
    .unwrap();
    assert!(partition_rows(&t, k.clone(), now(1060)).is_empty());
    // An expired cell still shadows older writes.
    t.apply(
        &k,
        &[Write::Row(RowWrite {
            target: RowTarget::Clustering(vec![int(2)]),
            timestamp: 100,
            ttl: Some(1),
            insert: false,
            ops: vec![set(&t, "v", text("short"))],
        })],
        now(2000),
    )
    .unwrap();
    write_row(
        &t,
        &k,
        vec![int(2)],
        50,
        false,
        vec![set(&t, "v", text("older"))],
        now(3000),
    )
    .unwrap();
    assert!(partition_rows(&t, k, now(3000)).is_empty());
}

#[test]
fn ttl_limits_and_default_ttl() {
    let t = kv_table();
    let w = |ttl: i32| {
        Write::Row(RowWrite {
            target: RowTarget::Clustering(vec![int(1)]),
            timestamp: 1,
            ttl: Some(ttl),
            insert: true,
            ops: vec![],
        })
    };
    assert!(matches!(
        t.apply(&pk_int(1), &[w(-1)], now(0)),
        Err(StoreError::Invalid(_))
    ));
    assert!(matches!(
        t.apply(&pk_int(1), &[w(630_720_001)], now(0)),
        Err(StoreError::Invalid(_))
    ));
    assert!(t.apply(&pk_int(1), &[w(630_720_000)], now(0)).is_ok());
    assert!(write_row(&t, &pk_int(1), vec![int(1)], i64::MIN, true, vec![], now(0)).is_err());

    let (store, _) = store_with(
        "other",
        vec![
            col("k", native(NativeType::Int), ColumnKind::PartitionKey),
            col("v", native(NativeType::Int), ColumnKind::Regular),
        ],
    );
    store
        .alter_table(
            "ks",
            "other",
            scylla_sim::store::AlterTable::SetOptions(
                [(
                    "default_time_to_live".to_string(),
                    scylla_sim::store::OptionValue::Text("10".into()),
                )]
                .into(),
            ),
        )
        .unwrap();
    let t2 = store.table("ks", "other").unwrap();
    write_row(
        &t2,
        &pk_int(1),
        vec![],
        1,
        true,
        vec![set(&t2, "v", int(1))],
        now(0),
    )
    .unwrap();
    let mut explicit_zero = row_write(vec![], 1, true, vec![set(&t2, "v", int(2))]);
    if let Write::Row(r) = &mut explicit_zero {
        r.ttl = Some(0);
    }
    t2.apply(&pk_int(2), &[explicit_zero], now(0)).unwrap();
    assert_eq!(partition_rows(&t2, pk_int(1), now(5))[0].ttls["v"], 5);
    assert!(partition_rows(&t2, pk_int(1), now(10)).is_empty());
    assert_eq!(partition_rows(&t2, pk_int(2), now(10)).len(), 1);
}

#[test]
fn partition_tombstone_vs_later_writes() {
    let t = kv_table();
    let k = pk_int(1);
    let at = now(0);
    for c in 0..3 {
        write_row(
            &t,
            &k,
            vec![int(c)],
            10,
            true,
            vec![set(&t, "v", text("a"))],
            at,
        )
        .unwrap();
    }
    t.apply(
        &k,
        &[Write::Row(RowWrite {
            target: RowTarget::Static,
            timestamp: 10,
            ttl: None,
            insert: false,
            ops: vec![set(&t, "s", text("st"))],
        })],
        at,
    )
    .unwrap();
    t.apply(&k, &[Write::DeletePartition { timestamp: 20 }], at)
        .unwrap();
    assert!(partition_rows(&t, k.clone(), at).is_empty());
    // Older write: still shadowed. Same timestamp: shadowed. Newer: visible.
    write_row(&t, &k, vec![int(5)], 15, true, vec![], at).unwrap();
    write_row(&t, &k, vec![int(6)], 20, true, vec![], at).unwrap();
    assert!(partition_rows(&t, k.clone(), at).is_empty());
    write_row(&t, &k, vec![int(7)], 21, true, vec![], at).unwrap();
    let r = partition_rows(&t, k, at);
    assert_eq!(r.len(), 1);
    assert_eq!(r[0].clustering, Some(vec![int(7)]));
}

#[test]
fn row_and_range_tombstones() {
    let t = kv_table();
    let k = pk_int(1);
    let at = now(0);
    for c in 0..10 {
        write_row(
            &t,
            &k,
            vec![int(c)],
            10,
            true,
            vec![set(&t, "w", int(c))],
            at,
        )
        .unwrap();
    }
    t.apply(
        &k,
        &[
            Write::DeleteRow {
                clustering: vec![int(0)],
                timestamp: 20,
            },
            Write::DeleteRange {
                range: ClusteringRange::new(
                    ClusteringBound::Inclusive(vec![int(3)]),
                    ClusteringBound::Exclusive(vec![int(6)]),
                ),
                timestamp: 20,
            },
        ],
        at,
    )
    .unwrap();
    let cs: Vec<i32> = partition_rows(&t, k.clone(), at)
        .iter()
        .map(|r| i32::from_be_bytes(r.clustering.as_ref().unwrap()[0][..].try_into().unwrap()))
        .collect();
    assert_eq!(cs, vec![1, 2, 6, 7, 8, 9]);
    // Writes older than the range tombstone inside it stay hidden; newer ones show.
    write_row(&t, &k, vec![int(4)], 19, true, vec![], at).unwrap();
    write_row(&t, &k, vec![int(0)], 15, true, vec![], at).unwrap();
    assert_eq!(partition_rows(&t, k.clone(), at).len(), 6);
    write_row(
        &t,
        &k,
        vec![int(4)],
        21,
        false,
        vec![set(&t, "v", text("back"))],
        at,
    )
    .unwrap();
    write_row(&t, &k, vec![int(0)], 21, true, vec![], at).unwrap();
    let r = partition_rows(&t, k.clone(), at);
    assert_eq!(r.len(), 8);
    // The revived row 4 only has the newer cell; the old w (ts 10) was deleted.
    let row4 = r
        .iter()
        .find(|r| r.clustering == Some(vec![int(4)]))
        .unwrap();
    assert_eq!(row4.values.len(), 1);
    assert_eq!(row4.values["v"], text("back"));
    // Cell deletion with an older timestamp than the value does nothing.
    write_row(&t, &k, vec![int(4)], 5, false, vec![set_null(&t, "v")], at).unwrap();
    assert_eq!(partition_rows(&t, k, at).len(), 8);
}

#[test]
fn static_columns() {
    let t = kv_table();
    let k = pk_int(1);
    let at = now(0);
    let static_write = |ts: i64, v: Option<&str>| {
        Write::Row(RowWrite {
            target: RowTarget::Static,
            timestamp: ts,
            ttl: None,
            insert: true,
            ops: vec![CellOp::Set {
                column: id(&t, "s"),
                value: v.map(text),
            }],
        })
    };
    // Only a static value: one row with no clustering key.
    t.apply(&k, &[static_write(10, Some("s1"))], at).unwrap();
    let r = partition_rows(&t, k.clone(), at);
    assert_eq!(r.len(), 1);
    assert_eq!(r[0].clustering, None);
    assert_eq!(r[0].values["s"], text("s1"));
    // With rows, each row carries the static value.
    for c in 0..2 {
        write_row(&t, &k, vec![int(c)], 10, true, vec![], at).unwrap();
    }
    let r = partition_rows(&t, k.clone(), at);
    assert_eq!(r.len(), 2);
    assert!(r.iter().all(|r| r.values["s"] == text("s1")));
    // Writing a static column into a clustering row is refused.
    let err = t
        .apply(
            &k,
            &[row_write(
                vec![int(0)],
                11,
                false,
                vec![set(&t, "s", text("x"))],
            )],
            at,
        )
        .unwrap_err();
    assert!(matches!(err, StoreError::Invalid(_)));
    // ... and a regular column into the static row.
    let bad = Write::Row(RowWrite {
        target: RowTarget::Static,
        timestamp: 11,
        ttl: None,
        insert: false,
        ops: vec![set(&t, "v", text("x"))],
    });
    assert!(t.apply(&k, &[bad], at).is_err());
    // Deleting the static value leaves the rows.
    t.apply(&k, &[static_write(12, None)], at).unwrap();
    let r = partition_rows(&t, k, at);
    assert_eq!(r.len(), 2);
    assert!(r.iter().all(|r| !r.values.contains_key("s")));
}

#[test]
fn desc_clustering_and_slices() {
    let (_, t) = store_with(
        "d",
        vec![
            col("k", native(NativeType::Int), ColumnKind::PartitionKey),
            ck_desc("a", native(NativeType::Int)),
            col("b", native(NativeType::Text), ColumnKind::Clustering),
        ],
    );
    let k = pk_int(1);
    let at = now(0);
    for a in [1, 3, 2] {
        for b in ["x", "y"] {
            write_row(&t, &k, vec![int(a), text(b)], 1, true, vec![], at).unwrap();
        }
    }
    let keys = |cmd: &ReadCommand| -> Vec<(i32, String)> {
        t.read_rows(cmd)
            .unwrap()
            .iter()
            .map(|r| {
                let c = r.clustering.as_ref().unwrap();
                (
                    i32::from_be_bytes(c[0][..].try_into().unwrap()),
                    String::from_utf8(c[1].to_vec()).unwrap(),
                )
            })
            .collect()
    };
    let mut cmd = ReadCommand::partition(k.clone(), at);
    let all = keys(&cmd);
    let s = |a: i32, b: &str| (a, b.to_string());
    assert_eq!(
        all,
        vec![
            s(3, "x"),
            s(3, "y"),
            s(2, "x"),
            s(2, "y"),
            s(1, "x"),
            s(1, "y")
        ]
    );
    cmd.reversed = true;
    assert_eq!(keys(&cmd), all.iter().rev().cloned().collect::<Vec<_>>());
    // a > 1 in value order, via the helper.
    cmd.reversed = false;
    cmd.slices = Some(
        t.schema()
            .clustering_slices(
                &[],
                Some(&TupleBound {
                    values: vec![int(1)],
                    inclusive: false,
                }),
                None,
            )
            .unwrap(),
    );
    assert_eq!(keys(&cmd), vec![s(3, "x"), s(3, "y"), s(2, "x"), s(2, "y")]);
    // (a, b) >= (2, 'y') AND a <= 3 in value order.
    cmd.slices = Some(
        t.schema()
            .clustering_slices(
                &[],
                Some(&TupleBound {
                    values: vec![int(2), text("y")],
                    inclusive: true,
                }),
                Some(&TupleBound {
                    values: vec![int(3)],
                    inclusive: true,
                }),
            )
            .unwrap(),
    );
    assert_eq!(keys(&cmd), vec![s(3, "x"), s(3, "y"), s(2, "y")]);
    // IN on a prefix plus overlapping slices: merged, in clustering order.
    cmd.slices = Some(vec![
        ClusteringRange::prefix(vec![int(1)]),
        ClusteringRange::prefix(vec![int(3), text("y")]),
        ClusteringRange::prefix(vec![int(1), text("x")]),
    ]);
    assert_eq!(keys(&cmd), vec![s(3, "y"), s(1, "x"), s(1, "y")]);
    // A missing clustering component in a write is refused.
    assert!(write_row(&t, &k, vec![int(1)], 1, true, vec![], at).is_err());
}

struct Collect {
    seen: Vec<(i64, Option<i32>)>,
    limit: usize,
    per_partition: usize,
    in_partition: usize,
}

impl ReadVisitor for Collect {
    fn partition(&mut self, p: &PartitionView<'_>) -> Flow {
        if !p.resumed() {
            self.in_partition = 0;
        }
        Flow::Continue
    }

    fn row(&mut self, p: &PartitionView<'_>, row: &RowView<'_>) -> Flow {
        let c = row.clustering().unwrap().get(0).unwrap();
        self.seen.push((
            p.key().token,
            Some(i32::from_be_bytes(c.try_into().unwrap())),
        ));
        self.in_partition += 1;
        if self.seen.len() >= self.limit {
            return Flow::Stop;
        }
        if self.in_partition >= self.per_partition {
            return Flow::NextPartition;
        }
        Flow::Continue
    }
}

#[test]
fn token_ranges_and_paging() {
    let t = kv_table();
    let at = now(0);
    let keys: Vec<_> = (0..40).map(pk_int).collect();
    for k in &keys {
        for c in 0..3 {
            write_row(&t, k, vec![int(c)], 1, true, vec![], at).unwrap();
        }
    }
    let mut sorted = keys.clone();
    sorted.sort();
    // Full scan: token order.
    let all = rows(&t, at);
    assert_eq!(all.len(), 120);
    let tokens: Vec<i64> = all.iter().map(|r| r.partition_key.token).collect();
    assert!(tokens.windows(2).all(|w| w[0] <= w[1]));
    // Token range bounds.
    let lo = sorted[10].token;
    let hi = sorted[20].token;
    let count = |start, end| {
        let cmd = ReadCommand {
            partitions: PartitionSelection::Tokens { start, end },
            ..ReadCommand::all(at)
        };
        t.read_rows(&cmd).unwrap().len() / 3
    };
    assert_eq!(count(Bound::Included(lo), Bound::Included(hi)), 11);
    assert_eq!(count(Bound::Excluded(lo), Bound::Included(hi)), 10);
    assert_eq!(count(Bound::Excluded(lo), Bound::Excluded(hi)), 9);
    assert_eq!(count(Bound::Included(hi), Bound::Included(lo)), 0);
    assert_eq!(count(Bound::Unbounded, Bound::Excluded(lo)), 10);
    assert_eq!(count(Bound::Excluded(i64::MAX), Bound::Unbounded), 0);

    // Paging with LIMIT 7 and PER PARTITION LIMIT 2 through a visitor, resuming after
    // the last row seen, visits every (partition, first two rows) exactly once.
    let mut pages = Vec::new();
    let mut resume: Option<ResumePosition> = None;
    let mut carried = 0;
    loop {
        let mut v = Collect {
            seen: Vec::new(),
            limit: 7,
            per_partition: 2,
            in_partition: carried,
        };
        let cmd = ReadCommand {
            start_after: resume.clone(),
            ..ReadCommand::all(at)
        };
        t.read(&cmd, &mut v).unwrap();
        if v.seen.is_empty() {
            break;
        }
        let (tok, c) = *v.seen.last().unwrap();
        let key = sorted.iter().find(|k| k.token == tok).unwrap().clone();
        // Resume after the partition once two rows were seen in it, else after the row
        // (carrying the partition's count over).
        let done_in_partition = v.in_partition >= 2;
        carried = v.in_partition;
        resume = Some(ResumePosition {
            partition: key,
            clustering: if done_in_partition {
                None
            } else {
                Some(vec![int(c.unwrap())])
            },
        });
        pages.extend(v.seen);
    }
    assert_eq!(pages.len(), 80);
    let mut dedup = pages.clone();
    dedup.dedup();
    assert_eq!(dedup.len(), 80);

    // Key lists: in the given order, resuming inside a partition.
    let cmd = ReadCommand {
        partitions: PartitionSelection::Keys(vec![keys[5].clone(), keys[3].clone()]),
        start_after: Some(ResumePosition {
            partition: keys[5].clone(),
            clustering: Some(vec![int(1)]),
        }),
        ..ReadCommand::all(at)
    };
    let r = t.read_rows(&cmd).unwrap();
    let got: Vec<(PartitionKeyBytes, Bytes)> = r
        .iter()
        .map(|r| {
            (
                r.partition_key.key.clone(),
                r.clustering.as_ref().unwrap()[0].clone(),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            (int(5), int(2)),
            (int(3), int(0)),
            (int(3), int(1)),
            (int(3), int(2))
        ]
    );
    // A resume key not in the list is an error.
    let bad = ReadCommand {
        partitions: PartitionSelection::Keys(vec![keys[5].clone()]),
        start_after: Some(ResumePosition {
            partition: keys[6].clone(),
            clustering: None,
        }),
        ..ReadCommand::all(at)
    };
    assert!(t.read_rows(&bad).is_err());
    // Reversed paging inside a partition.
    let cmd = ReadCommand {
        partitions: PartitionSelection::Keys(vec![keys[5].clone()]),
        reversed: true,
        start_after: Some(ResumePosition {
            partition: keys[5].clone(),
            clustering: Some(vec![int(2)]),
        }),
        ..ReadCommand::all(at)
    };
    let got: Vec<Bytes> = t
        .read_rows(&cmd)
        .unwrap()
        .iter()
        .map(|r| r.clustering.as_ref().unwrap()[0].clone())
        .collect();
    assert_eq!(got, vec![int(1), int(0)]);
}

type PartitionKeyBytes = Bytes;

#[test]
fn truncate_and_invalid_values() {
    let (store, t) = store_with(
        "tr",
        vec![
            col("k", native(NativeType::Int), ColumnKind::PartitionKey),
            col("v", native(NativeType::Int), ColumnKind::Regular),
        ],
    );
    let at = now(0);
    for i in 0..10 {
        write_row(
            &t,
            &pk_int(i),
            vec![],
            1,
            true,
            vec![set(&t, "v", int(i))],
            at,
        )
        .unwrap();
    }
    assert_eq!(rows(&t, at).len(), 10);
    store.truncate("ks", "tr").unwrap();
    assert!(rows(&t, at).is_empty());
    assert_eq!(t.partition_count(), 0);
    // A wrong-length value is refused and nothing is written.
    let err = t
        .apply(
            &pk_int(1),
            &[
                row_write(vec![], 1, true, vec![set(&t, "v", int(1))]),
                row_write(
                    vec![],
                    1,
                    true,
                    vec![set(&t, "v", Bytes::from_static(&[1, 2]))],
                ),
            ],
            at,
        )
        .unwrap_err();
    assert!(matches!(err, StoreError::Invalid(m) if m.contains("column v")));
    assert!(rows(&t, at).is_empty());
    // Bad partition keys.
    assert!(write_row(&t, &pk(Bytes::new()), vec![], 1, true, vec![], at).is_err());
    assert!(
        write_row(
            &t,
            &pk(Bytes::from_static(&[1])),
            vec![],
            1,
            true,
            vec![],
            at
        )
        .is_err()
    );
    assert!(store.truncate("ks", "nope").is_err());
}

#[test]
fn composite_partition_keys() {
    let (_, t) = store_with(
        "cp",
        vec![
            col("a", native(NativeType::Int), ColumnKind::PartitionKey),
            col("b", native(NativeType::Text), ColumnKind::PartitionKey),
            col("v", native(NativeType::Int), ColumnKind::Regular),
        ],
    );
    let key = t
        .schema()
        .compose_partition_key(&[int(7), text("x")])
        .unwrap();
    assert_eq!(&key[..], &[0, 4, 0, 0, 0, 7, 0, 0, 1, b'x', 0]);
    assert_eq!(
        t.schema().split_partition_key(&key).unwrap(),
        vec![&int(7)[..], &b"x"[..]]
    );
    assert!(t.schema().split_partition_key(&key[..5]).is_err());
    assert!(t.schema().compose_partition_key(&[int(7)]).is_err());
    write_row(
        &t,
        &pk(key.clone()),
        vec![],
        1,
        true,
        vec![set(&t, "v", int(1))],
        now(0),
    )
    .unwrap();
    assert_eq!(partition_rows(&t, pk(key), now(0)).len(), 1);
}
