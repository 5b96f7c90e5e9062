//! Random writes and deletes checked against a simple model of Cassandra's rules.

#[path = "store_support.rs"]
mod support;

use std::collections::BTreeMap;

use proptest::prelude::*;
use scylla_cql::frame::response::column_type::NativeType;
use scylla_sim::store::{
    CellOp, ClusteringBound, ClusteringRange, ColumnKind, RowTarget, RowWrite, Write,
};
use support::*;

#[derive(Debug, Clone)]
enum Op {
    Insert {
        k: i32,
        c: i32,
        v: Option<i32>,
        ts: i64,
    },
    Update {
        k: i32,
        c: i32,
        v: Option<i32>,
        ts: i64,
    },
    Static {
        k: i32,
        s: Option<i32>,
        ts: i64,
    },
    DeleteRow {
        k: i32,
        c: i32,
        ts: i64,
    },
    DeleteRange {
        k: i32,
        lo: i32,
        hi: i32,
        ts: i64,
    },
    DeletePartition {
        k: i32,
        ts: i64,
    },
}

fn op() -> impl Strategy<Value = Op> {
    let k = 0..3i32;
    let c = 0..6i32;
    let v = prop::option::weighted(0.8, -3..3i32);
    let ts = 1..15i64;
    prop_oneof![
        3 => (k.clone(), c.clone(), v.clone(), ts.clone()).prop_map(|(k, c, v, ts)| Op::Insert { k, c, v, ts }),
        3 => (k.clone(), c.clone(), v.clone(), ts.clone()).prop_map(|(k, c, v, ts)| Op::Update { k, c, v, ts }),
        1 => (k.clone(), v, ts.clone()).prop_map(|(k, s, ts)| Op::Static { k, s, ts }),
        1 => (k.clone(), c.clone(), ts.clone()).prop_map(|(k, c, ts)| Op::DeleteRow { k, c, ts }),
        1 => (k.clone(), c.clone(), c, ts.clone()).prop_map(|(k, lo, hi, ts)| Op::DeleteRange { k, lo, hi, ts }),
        1 => (k, ts).prop_map(|(k, ts)| Op::DeletePartition { k, ts }),
    ]
}

/// Picks the surviving cell among (timestamp, value) writes newer than `deleted`:
/// highest timestamp, then a null (tombstone) first, then the greatest value bytes.
fn winner(writes: &[(i64, Option<i32>)], deleted: i64) -> Option<(i64, Option<i32>)> {
    writes
        .iter()
        .filter(|(ts, _)| *ts > deleted)
        .copied()
        .max_by(|a, b| {
            a.0.cmp(&b.0).then_with(|| match (a.1, b.1) {
                (None, None) => std::cmp::Ordering::Equal,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (Some(_), None) => std::cmp::Ordering::Less,
                (Some(x), Some(y)) => x.to_be_bytes().cmp(&y.to_be_bytes()),
            })
        })
}

type Expected = BTreeMap<(i32, Option<i32>), (Option<(i32, i64)>, Option<i32>)>;

fn expected(ops: &[Op]) -> Expected {
    let mut out = Expected::new();
    for k in 0..3 {
        let pdel = ops
            .iter()
            .filter_map(|o| match o {
                Op::DeletePartition { k: kk, ts } if *kk == k => Some(*ts),
                _ => None,
            })
            .max()
            .unwrap_or(0);
        let statics: Vec<(i64, Option<i32>)> = ops
            .iter()
            .filter_map(|o| match o {
                Op::Static { k: kk, s, ts } if *kk == k => Some((*ts, *s)),
                _ => None,
            })
            .collect();
        let s = winner(&statics, pdel).and_then(|(_, s)| s);
        let mut any_row = false;
        for c in 0..6 {
            let mut deleted = pdel;
            let mut marker = false;
            let mut writes = Vec::new();
            for o in ops {
                match o {
                    Op::DeleteRow { k: kk, c: cc, ts } if *kk == k && *cc == c => {
                        deleted = deleted.max(*ts)
                    }
                    Op::DeleteRange { k: kk, lo, hi, ts } if *kk == k && lo <= &c && &c <= hi => {
                        deleted = deleted.max(*ts)
                    }
                    _ => {}
                }
            }
            for o in ops {
                match o {
                    Op::Insert {
                        k: kk,
                        c: cc,
                        v,
                        ts,
                    } if *kk == k && *cc == c => {
                        marker |= *ts > deleted;
                        writes.push((*ts, *v));
                    }
                    Op::Update {
                        k: kk,
                        c: cc,
                        v,
                        ts,
                    } if *kk == k && *cc == c => writes.push((*ts, *v)),
                    _ => {}
                }
            }
            let v = winner(&writes, deleted).and_then(|(ts, v)| v.map(|v| (v, ts)));
            if marker || v.is_some() {
                any_row = true;
                out.insert((k, Some(c)), (v, s));
            }
        }
        if !any_row && s.is_some() {
            out.insert((k, None), (None, s));
        }
    }
    out
}

fn as_int(b: &[u8]) -> i32 {
    i32::from_be_bytes(b.try_into().unwrap())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn store_matches_model(ops in prop::collection::vec(op(), 1..40)) {
        let (_, t) = store_with(
            "m",
            vec![
                col("k", native(NativeType::Int), ColumnKind::PartitionKey),
                col("c", native(NativeType::Int), ColumnKind::Clustering),
                col("v", native(NativeType::Int), ColumnKind::Regular),
                col("s", native(NativeType::Int), ColumnKind::Static),
            ],
        );
        let v_id = id(&t, "v");
        let s_id = id(&t, "s");
        for o in &ops {
            let (k, w) = match o {
                Op::Insert { k, c, v, ts } | Op::Update { k, c, v, ts } => (
                    *k,
                    Write::Row(RowWrite {
                        target: RowTarget::Clustering(vec![int(*c)]),
                        timestamp: *ts,
                        ttl: None,
                        insert: matches!(o, Op::Insert { .. }),
                        ops: vec![CellOp::Set { column: v_id, value: v.map(int) }],
                    }),
                ),
                Op::Static { k, s, ts } => (
                    *k,
                    Write::Row(RowWrite {
                        target: RowTarget::Static,
                        timestamp: *ts,
                        ttl: None,
                        insert: false,
                        ops: vec![CellOp::Set { column: s_id, value: s.map(int) }],
                    }),
                ),
                Op::DeleteRow { k, c, ts } => (*k, Write::DeleteRow { clustering: vec![int(*c)], timestamp: *ts }),
                Op::DeleteRange { k, lo, hi, ts } => (
                    *k,
                    Write::DeleteRange {
                        range: ClusteringRange::new(
                            ClusteringBound::Inclusive(vec![int(*lo)]),
                            ClusteringBound::Inclusive(vec![int(*hi)]),
                        ),
                        timestamp: *ts,
                    },
                ),
                Op::DeletePartition { k, ts } => (*k, Write::DeletePartition { timestamp: *ts }),
            };
            t.apply(&pk_int(k), &[w], now(0)).unwrap();
        }
        let mut got = Expected::new();
        for r in rows(&t, now(0)) {
            let k = as_int(&r.partition_key.key);
            let c = r.clustering.as_ref().map(|c| as_int(&c[0]));
            let v = r.values.get("v").map(|b| (as_int(b), r.writetimes["v"]));
            let s = r.values.get("s").map(|b| as_int(b));
            got.insert((k, c), (v, s));
        }
        prop_assert_eq!(got, expected(&ops));
    }
}
