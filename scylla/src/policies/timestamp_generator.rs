//! Client-side timestamps for writes.
//!
//! When a session has a [`TimestampGenerator`], every request without an explicit
//! timestamp (see `set_timestamp` on the statement types) is sent with the next
//! timestamp of the generator, in microseconds since the Unix epoch. Without one,
//! the coordinator node assigns the timestamp.

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use tracing::warn;

/// Generates the timestamps of requests, in microseconds since the Unix epoch.
pub trait TimestampGenerator: Send + Sync {
    /// The next timestamp.
    fn next_timestamp(&self) -> i64;
}

/// The current system time in microseconds since the Unix epoch (negative before it,
/// saturating at the ends of `i64`).
fn now_micros() -> i64 {
    match SystemTime::now().duration_since(UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_micros()).unwrap_or(i64::MAX),
        Err(e) => i64::try_from(e.duration().as_micros()).map_or(i64::MIN, |m| -m),
    }
}

/// Returns the system clock, in microseconds. Two calls in the same microsecond (or
/// a clock that goes back) give equal or decreasing timestamps; use
/// [`MonotonicTimestampGenerator`] when that matters.
#[derive(Debug, Clone, Copy, Default)]
pub struct SimpleTimestampGenerator {}

impl SimpleTimestampGenerator {
    /// The generator.
    pub fn new() -> Self {
        SimpleTimestampGenerator {}
    }
}

impl TimestampGenerator for SimpleTimestampGenerator {
    fn next_timestamp(&self) -> i64 {
        now_micros()
    }
}

/// Returns strictly increasing timestamps, shared by all threads: the system clock
/// in microseconds, or the previous timestamp plus one if the clock has not moved
/// forward since.
///
/// When the returned timestamps run ahead of the clock by more than the warning
/// threshold (many requests within a microsecond, or the clock went back), a warning
/// is logged with `tracing`, at most once per warning interval. Both default to one
/// second; see [`with_warning_times`](Self::with_warning_times) and
/// [`without_warnings`](Self::without_warnings).
#[derive(Debug)]
pub struct MonotonicTimestampGenerator {
    last: AtomicI64,
    /// The threshold and interval, in microseconds.
    warnings: Option<(i64, i64)>,
    /// When the last warning was logged (system clock, microseconds).
    last_warning: AtomicI64,
}

fn duration_micros(d: Duration) -> i64 {
    i64::try_from(d.as_micros()).unwrap_or(i64::MAX)
}

impl MonotonicTimestampGenerator {
    /// A generator that warns when it is more than 1 s ahead of the clock, at most
    /// once per second.
    pub fn new() -> Self {
        MonotonicTimestampGenerator {
            last: AtomicI64::new(i64::MIN),
            warnings: Some((1_000_000, 1_000_000)),
            last_warning: AtomicI64::new(i64::MIN),
        }
    }

    /// Warns when the timestamps get more than `warning_threshold` ahead of the
    /// clock, at most once per `warning_interval`.
    pub fn with_warning_times(
        mut self,
        warning_threshold: Duration,
        warning_interval: Duration,
    ) -> Self {
        self.warnings = Some((
            duration_micros(warning_threshold),
            duration_micros(warning_interval),
        ));
        self
    }

    /// Never warns.
    pub fn without_warnings(mut self) -> Self {
        self.warnings = None;
        self
    }

    /// The next timestamp given the current clock reading `now`.
    fn next_at(&self, now: i64) -> i64 {
        let mut last = self.last.load(Ordering::Relaxed);
        loop {
            let next = if now > last {
                now
            } else {
                last.saturating_add(1)
            };
            match self
                .last
                .compare_exchange_weak(last, next, Ordering::Relaxed, Ordering::Relaxed)
            {
                Ok(_) => {
                    self.maybe_warn(now, next);
                    return next;
                }
                Err(current) => last = current,
            }
        }
    }

    fn maybe_warn(&self, now: i64, next: i64) {
        let Some((threshold, interval)) = self.warnings else {
            return;
        };
        let drift = next.saturating_sub(now);
        if drift <= threshold {
            return;
        }
        let last_warning = self.last_warning.load(Ordering::Relaxed);
        if now.saturating_sub(last_warning) < interval {
            return;
        }
        // Only the thread that moves the warning time logs.
        if self
            .last_warning
            .compare_exchange(last_warning, now, Ordering::Relaxed, Ordering::Relaxed)
            .is_ok()
        {
            warn!(
                drift_micros = drift,
                "timestamps are {} µs ahead of the system clock: more requests than one per \
                 microsecond, or the clock went back",
                drift
            );
        }
    }
}

impl Default for MonotonicTimestampGenerator {
    fn default() -> Self {
        Self::new()
    }
}

impl TimestampGenerator for MonotonicTimestampGenerator {
    fn next_timestamp(&self) -> i64 {
        self.next_at(now_micros())
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    #[test]
    fn simple_follows_the_clock() {
        let before = now_micros();
        let t = SimpleTimestampGenerator::new().next_timestamp();
        let after = now_micros();
        assert!(before <= t && t <= after);
        // Microseconds, not milliseconds or nanoseconds: after 2020 and before 2100.
        assert!(t > 1_577_836_800_000_000 && t < 4_102_444_800_000_000);
    }

    #[test]
    fn monotonic_never_repeats_or_goes_back() {
        let g = MonotonicTimestampGenerator::new().without_warnings();
        // Clock standing still, then going back, then forward.
        assert_eq!(g.next_at(100), 100);
        assert_eq!(g.next_at(100), 101);
        assert_eq!(g.next_at(100), 102);
        assert_eq!(g.next_at(50), 103);
        assert_eq!(g.next_at(200), 200);
        assert_eq!(g.next_at(199), 201);
    }

    #[test]
    fn monotonic_real_clock_strictly_increasing() {
        let g = MonotonicTimestampGenerator::default();
        let mut prev = g.next_timestamp();
        for _ in 0..10_000 {
            let t = g.next_timestamp();
            assert!(t > prev);
            prev = t;
        }
    }

    #[test]
    fn monotonic_unique_across_threads() {
        let g = Arc::new(MonotonicTimestampGenerator::new().without_warnings());
        let handles: Vec<_> = (0..4)
            .map(|_| {
                let g = Arc::clone(&g);
                std::thread::spawn(move || {
                    (0..2000).map(|_| g.next_timestamp()).collect::<Vec<_>>()
                })
            })
            .collect();
        let mut all: Vec<i64> = handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect();
        let n = all.len();
        all.sort_unstable();
        all.dedup();
        assert_eq!(all.len(), n, "duplicate timestamps");
    }

    #[test]
    fn warning_rate_limited() {
        let g = MonotonicTimestampGenerator::new()
            .with_warning_times(Duration::from_micros(2), Duration::from_micros(10));
        // Drive the generator ahead of a stalled clock: 1000, 1001, ..., 1014.
        for _ in 0..4 {
            g.next_at(1000);
        }
        // Drift exceeded 2 µs at the 4th call: one warning, at clock time 1000.
        assert_eq!(g.last_warning.load(Ordering::Relaxed), 1000);
        for _ in 0..11 {
            g.next_at(1000);
        }
        // Within the interval: no new warning.
        assert_eq!(g.next_at(1005), 1015);
        assert_eq!(g.last_warning.load(Ordering::Relaxed), 1000);
        // After the interval, the next drift warns again.
        assert_eq!(g.next_at(1010), 1016);
        assert_eq!(g.last_warning.load(Ordering::Relaxed), 1010);
        let quiet = MonotonicTimestampGenerator::new().without_warnings();
        for _ in 0..5 {
            quiet.next_at(1000);
        }
        assert_eq!(quiet.last_warning.load(Ordering::Relaxed), i64::MIN);
    }
}
