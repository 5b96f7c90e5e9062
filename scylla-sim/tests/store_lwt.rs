//! The read-check-write used by lightweight transactions.

#[path = "store_support.rs"]
mod support;

use std::sync::Arc;

use bytes::Bytes;
use scylla_cql::frame::response::column_type::NativeType;
use scylla_sim::store::{ColumnKind, StoreError, Table};
use support::*;

fn table() -> Arc<Table> {
    store_with(
        "l",
        vec![
            col("k", native(NativeType::Int), ColumnKind::PartitionKey),
            col("c", native(NativeType::Int), ColumnKind::Clustering),
            col("v", native(NativeType::BigInt), ColumnKind::Regular),
            col("s", native(NativeType::Int), ColumnKind::Static),
        ],
    )
    .1
}

#[test]
fn insert_if_not_exists_and_update_if() {
    let t = table();
    let k = pk_int(1);
    let v = id(&t, "v");
    let insert_if_not_exists = |ts: i64, value: i64| {
        t.cas(&k, now(0), |snap| {
            let existing = snap.row(&[int(1)])?;
            Ok(match existing {
                Some(row) => (vec![], (false, row.cell(v).map(|c| c.value.clone()))),
                None => (
                    vec![row_write(
                        vec![int(1)],
                        ts,
                        true,
                        vec![set(&t, "v", bigint(value))],
                    )],
                    (true, None),
                ),
            })
        })
        .unwrap()
    };
    assert_eq!(insert_if_not_exists(10, 1), (true, None));
    assert_eq!(insert_if_not_exists(11, 2), (false, Some(bigint(1))));
    // UPDATE ... IF v = 1
    let update_if = |expected: i64, new: i64, ts: i64| {
        t.cas(&k, now(0), |snap| {
            let current = snap
                .row(&[int(1)])?
                .and_then(|r| r.cell(v).map(|c| c.value.clone()));
            if current == Some(bigint(expected)) {
                Ok((
                    vec![row_write(
                        vec![int(1)],
                        ts,
                        false,
                        vec![set(&t, "v", bigint(new))],
                    )],
                    true,
                ))
            } else {
                Ok((vec![], false))
            }
        })
        .unwrap()
    };
    assert!(update_if(1, 5, 12));
    assert!(!update_if(1, 6, 13));
    assert_eq!(
        partition_rows(&t, k.clone(), now(0))[0].values["v"],
        bigint(5)
    );
    // The snapshot also shows the static row and whether anything exists.
    let other = pk_int(2);
    let exists = t
        .cas(&other, now(0), |snap| Ok((vec![], snap.exists())))
        .unwrap();
    assert!(!exists);
    let seen = t
        .cas(&k, now(0), |snap| {
            Ok((
                vec![],
                (
                    snap.exists(),
                    snap.static_row().is_some(),
                    snap.rows().count(),
                    snap.key().clone(),
                ),
            ))
        })
        .unwrap();
    assert_eq!(seen, (true, false, 1, k.clone()));
}

#[test]
fn errors_leave_nothing_written() {
    let t = table();
    let k = pk_int(1);
    // The closure's own error.
    let r: Result<(), StoreError> = t.cas(&k, now(0), |_| {
        Err(StoreError::invalid("condition on unknown column"))
    });
    assert!(r.is_err());
    // Invalid writes returned by the closure.
    let r = t.cas(&k, now(0), |_| {
        Ok((
            vec![
                row_write(vec![int(1)], 1, true, vec![]),
                row_write(
                    vec![int(2)],
                    1,
                    true,
                    vec![set(&t, "v", Bytes::from_static(&[1]))],
                ),
            ],
            (),
        ))
    });
    assert!(matches!(r, Err(StoreError::Invalid(_))));
    assert!(partition_rows(&t, k.clone(), now(0)).is_empty());
    // A bad clustering key in the snapshot lookup.
    assert!(
        t.cas(&k, now(0), |snap| snap
            .row(&[])
            .map(|r| (vec![], r.is_some())))
            .is_err()
    );
}

#[test]
fn concurrent_compare_and_set_is_atomic() {
    let t = table();
    let k = pk_int(7);
    let v = id(&t, "v");
    write_row(
        &t,
        &k,
        vec![int(1)],
        1,
        true,
        vec![set(&t, "v", bigint(0))],
        now(0),
    )
    .unwrap();
    let threads = 4;
    let per_thread = 250;
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                let mut done = 0;
                while done < per_thread {
                    // Read, then CAS from the value read: retry when someone else won.
                    let current = partition_rows(&t, k.clone(), now(0))[0].values["v"].clone();
                    let n = i64::from_be_bytes(current[..].try_into().unwrap());
                    let applied = t
                        .cas(&k, now(0), |snap| {
                            let row = snap.row(&[int(1)])?;
                            let cur = row.and_then(|r| r.cell(v)).map(|c| c.value.clone());
                            if cur == Some(current.clone()) {
                                Ok((
                                    vec![row_write(
                                        vec![int(1)],
                                        n + 2,
                                        false,
                                        vec![set(&t, "v", bigint(n + 1))],
                                    )],
                                    true,
                                ))
                            } else {
                                Ok((vec![], false))
                            }
                        })
                        .unwrap();
                    if applied {
                        done += 1;
                    }
                }
            });
        }
    });
    let total = partition_rows(&t, k, now(0))[0].values["v"].clone();
    assert_eq!(
        i64::from_be_bytes(total[..].try_into().unwrap()),
        (threads * per_thread) as i64
    );
}

#[test]
fn store_and_tables_are_shareable_across_threads() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<scylla_sim::store::Store>();
    assert_send_sync::<Table>();
    assert_send_sync::<scylla_sim::store::Schema>();
}
