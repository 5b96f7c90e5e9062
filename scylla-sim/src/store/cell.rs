//! Cells, row markers and the clock, with Cassandra's reconciliation rules.

use std::cmp::Ordering;

use bytes::Bytes;

/// The moment a request is executed: used to decide which TTL'd data has expired, to
/// compute expiry times of new writes and remaining TTLs. Tests pass a fake one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Now {
    /// Seconds since the Unix epoch (Cassandra's "local time" of expiry).
    pub seconds: i64,
    /// Microseconds since the Unix epoch (the default write timestamp scale).
    pub micros: i64,
}

impl Now {
    /// The system clock.
    pub fn system() -> Now {
        let micros = match std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH) {
            Ok(d) => i64::try_from(d.as_micros()).unwrap_or(i64::MAX),
            Err(_) => 0,
        };
        Now::from_micros(micros)
    }

    /// The moment `micros` microseconds after the Unix epoch.
    pub fn from_micros(micros: i64) -> Now {
        Now {
            seconds: micros.div_euclid(1_000_000),
            micros,
        }
    }

    /// The moment `seconds` seconds after the Unix epoch.
    pub fn from_seconds(seconds: i64) -> Now {
        Now {
            seconds,
            micros: seconds.saturating_mul(1_000_000),
        }
    }
}

/// When a TTL'd cell or row marker expires.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Expiry {
    /// The TTL it was written with, in seconds.
    pub(crate) ttl: i32,
    /// The second (since the epoch) from which it reads as absent.
    pub(crate) expires_at: i64,
}

impl Expiry {
    pub(crate) fn is_live(&self, now: Now) -> bool {
        now.seconds < self.expires_at
    }
}

/// One stored cell: a value (or a tombstone) with its write timestamp.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Cell {
    pub(crate) timestamp: i64,
    /// `None` for a tombstone.
    pub(crate) value: Option<Bytes>,
    pub(crate) expiry: Option<Expiry>,
}

impl Cell {
    pub(crate) fn live(timestamp: i64, value: Bytes, expiry: Option<Expiry>) -> Cell {
        Cell {
            timestamp,
            value: Some(value),
            expiry,
        }
    }

    pub(crate) fn tombstone(timestamp: i64) -> Cell {
        Cell {
            timestamp,
            value: None,
            expiry: None,
        }
    }

    /// The value, if the cell is live at `now`.
    pub(crate) fn live_value(&self, now: Now) -> Option<&Bytes> {
        match (&self.value, &self.expiry) {
            (Some(v), None) => Some(v),
            (Some(v), Some(e)) if e.is_live(now) => Some(v),
            _ => None,
        }
    }

    pub(crate) fn is_live(&self, now: Now) -> bool {
        self.live_value(now).is_some()
    }

    /// 2 for a tombstone, 1 for an expiring cell, 0 for a plain one.
    fn rank(&self) -> u8 {
        match (&self.value, &self.expiry) {
            (None, _) => 2,
            (Some(_), Some(_)) => 1,
            (Some(_), None) => 0,
        }
    }

    /// Whether `self`, written after `old`, replaces it (Cassandra 4's rules): the higher
    /// timestamp wins; on a tie a tombstone beats an expiring cell, which beats a plain
    /// one; two expiring cells: the later expiry wins; then the greater value.
    pub(crate) fn supersedes(&self, old: &Cell) -> bool {
        if self.timestamp != old.timestamp {
            return self.timestamp > old.timestamp;
        }
        let (rn, ro) = (self.rank(), old.rank());
        if rn != ro {
            return rn > ro;
        }
        if let (Some(en), Some(eo)) = (&self.expiry, &old.expiry)
            && en.expires_at != eo.expires_at
        {
            return en.expires_at > eo.expires_at;
        }
        match (&self.value, &old.value) {
            (Some(a), Some(b)) => a.as_ref().cmp(b.as_ref()) == Ordering::Greater,
            _ => false,
        }
    }
}

/// A row marker (Cassandra's primary key liveness info): written by INSERT so that the
/// row exists even when all its other columns are null.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Marker {
    pub(crate) timestamp: i64,
    pub(crate) expiry: Option<Expiry>,
}

impl Marker {
    pub(crate) fn is_live(&self, now: Now) -> bool {
        self.expiry.is_none_or(|e| e.is_live(now))
    }

    /// Whether `self` replaces `old`: higher timestamp, then an expiring marker beats a
    /// plain one, then the later expiry.
    pub(crate) fn supersedes(&self, old: &Marker) -> bool {
        if self.timestamp != old.timestamp {
            return self.timestamp > old.timestamp;
        }
        match (&self.expiry, &old.expiry) {
            (Some(a), Some(b)) => a.expires_at > b.expires_at,
            (Some(_), None) => true,
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exp(at: i64) -> Option<Expiry> {
        Some(Expiry {
            ttl: 10,
            expires_at: at,
        })
    }

    #[test]
    fn newer_timestamp_wins() {
        let old = Cell::live(10, Bytes::from_static(b"z"), None);
        let new = Cell::live(11, Bytes::from_static(b"a"), None);
        assert!(new.supersedes(&old));
        assert!(!old.supersedes(&new));
        assert!(Cell::tombstone(11).supersedes(&old));
        assert!(!Cell::tombstone(9).supersedes(&old));
    }

    #[test]
    fn ties() {
        let a = Cell::live(10, Bytes::from_static(b"a"), None);
        let b = Cell::live(10, Bytes::from_static(b"b"), None);
        assert!(b.supersedes(&a));
        assert!(!a.supersedes(&b));
        assert!(!a.supersedes(&a.clone()));
        let expiring = Cell::live(10, Bytes::from_static(b"a"), exp(100));
        assert!(expiring.supersedes(&b));
        assert!(!b.supersedes(&expiring));
        let later = Cell::live(10, Bytes::from_static(b"a"), exp(200));
        assert!(later.supersedes(&expiring));
        assert!(Cell::tombstone(10).supersedes(&later));
        assert!(!later.supersedes(&Cell::tombstone(10)));
    }

    #[test]
    fn expiry() {
        let c = Cell::live(1, Bytes::from_static(b"a"), exp(100));
        assert!(c.is_live(Now::from_seconds(99)));
        assert!(!c.is_live(Now::from_seconds(100)));
        assert_eq!(Now::from_micros(-1).seconds, -1);
    }
}
