//! ScyllaDB's per-partition rate limits: a table created `WITH per_partition_rate_limit
//! = {'max_reads_per_second': N, 'max_writes_per_second': M}` refuses reads (writes)
//! of a partition beyond N (M) per second.

use std::collections::HashMap;
use std::sync::Mutex;

use bytes::Bytes;
use uuid::Uuid;

use crate::store::{OptionValue, TableSchema};

/// The limits of one table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Limits {
    pub(crate) reads: Option<u32>,
    pub(crate) writes: Option<u32>,
}

/// The limits a table's options set, if any.
pub(crate) fn limits_of(schema: &TableSchema) -> Option<Limits> {
    let OptionValue::Map(m) = schema.options().get("per_partition_rate_limit")? else {
        return None;
    };
    let get = |k: &str| m.get(k).and_then(|v| v.trim().parse::<u32>().ok());
    let limits = Limits {
        reads: get("max_reads_per_second"),
        writes: get("max_writes_per_second"),
    };
    (limits != Limits::default()).then_some(limits)
}

/// (table, partition key, write?)
type WindowKey = (Uuid, Bytes, bool);

/// Counts operations per (table, partition, kind) in one-second windows.
#[derive(Debug, Default)]
pub(crate) struct RateLimiter {
    windows: Mutex<HashMap<WindowKey, (i64, u32)>>,
}

const MAX_TRACKED: usize = 100_000;

impl RateLimiter {
    /// Records one operation at second `now`; `false` if it goes over `limit`.
    pub(crate) fn admit(
        &self,
        table: Uuid,
        key: &Bytes,
        write: bool,
        limit: u32,
        now: i64,
    ) -> bool {
        let mut w = self
            .windows
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if w.len() >= MAX_TRACKED {
            w.retain(|_, (second, _)| *second == now);
            if w.len() >= MAX_TRACKED {
                w.clear();
            }
        }
        let entry = w.entry((table, key.clone(), write)).or_insert((now, 0));
        if entry.0 != now {
            *entry = (now, 0);
        }
        entry.1 = entry.1.saturating_add(1);
        entry.1 <= limit
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_reset_every_second() {
        let r = RateLimiter::default();
        let t = Uuid::nil();
        let k = Bytes::from_static(b"k");
        assert!(r.admit(t, &k, true, 2, 10));
        assert!(r.admit(t, &k, true, 2, 10));
        assert!(!r.admit(t, &k, true, 2, 10));
        // Reads are counted apart from writes, other keys apart from this one.
        assert!(r.admit(t, &k, false, 2, 10));
        assert!(r.admit(t, &Bytes::from_static(b"j"), true, 2, 10));
        assert!(r.admit(t, &k, true, 2, 11));
    }
}
