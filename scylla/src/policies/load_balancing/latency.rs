//! Latency awareness: penalizing nodes whose recent average latency is far above the
//! best node's.
//!
//! Each node keeps an exponentially decaying average of its request latencies: a new
//! measurement `l`, taken `d` after the previous one, gives
//! `avg' = (1 - w) * l + w * avg` with `w = ln(1 + d/scale) / (d/scale)`, so older
//! measurements weigh less the longer ago they were taken. At most every
//! `update_rate`, the smallest average among the nodes with at least
//! `minimum_measurements` measurements becomes the reference. A node is penalized
//! (moved to the end of plans) while it has at least `minimum_measurements`
//! measurements, its last one is less than `retry_period` old, and its average exceeds
//! `exclusion_threshold` times the reference. A penalized node that stops getting
//! requests gets a new chance once its measurements are older than `retry_period`.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, RwLock};
use std::time::{Duration, Instant};

use uuid::Uuid;

use crate::cluster::Node;
use crate::errors::{DbError, RequestAttemptError};

/// Configures latency awareness of a
/// [`DefaultPolicy`](super::DefaultPolicy) (see
/// [`DefaultPolicyBuilder::latency_awareness`](super::DefaultPolicyBuilder::latency_awareness)).
///
/// Latency awareness can make things worse (a slightly slower replica is often better
/// than a fast non-replica); measure before using it.
#[derive(Debug, Clone)]
pub struct LatencyAwarenessBuilder {
    exclusion_threshold: f64,
    retry_period: Duration,
    update_rate: Duration,
    minimum_measurements: usize,
    scale: Duration,
}

impl LatencyAwarenessBuilder {
    /// The defaults: threshold 2.0, retry period 10 s, update rate 100 ms, 50
    /// measurements, scale 100 ms.
    pub fn new() -> Self {
        Self {
            exclusion_threshold: 2.0,
            retry_period: Duration::from_secs(10),
            update_rate: Duration::from_millis(100),
            minimum_measurements: 50,
            scale: Duration::from_millis(100),
        }
    }

    /// How many times slower than the fastest node a node must be to be penalized.
    pub fn exclusion_threshold(mut self, exclusion_threshold: f64) -> Self {
        self.exclusion_threshold = exclusion_threshold;
        self
    }

    /// How long a penalized node without new measurements stays penalized.
    pub fn retry_period(mut self, retry_period: Duration) -> Self {
        self.retry_period = retry_period;
        self
    }

    /// How often the fastest node's average is recomputed.
    pub fn update_rate(mut self, update_rate: Duration) -> Self {
        self.update_rate = update_rate;
        self
    }

    /// How many measurements a node needs before its average counts.
    pub fn minimum_measurements(mut self, minimum_measurements: usize) -> Self {
        self.minimum_measurements = minimum_measurements;
        self
    }

    /// How fast old measurements lose weight (see the module docs).
    pub fn scale(mut self, scale: Duration) -> Self {
        self.scale = scale;
        self
    }

    pub(crate) fn build(self) -> LatencyAwareness {
        LatencyAwareness {
            exclusion_threshold: self.exclusion_threshold,
            retry_period: self.retry_period,
            update_rate: self.update_rate,
            minimum_measurements: self.minimum_measurements,
            scale_secs: self.scale.as_secs_f64(),
            averages: RwLock::new(HashMap::new()),
            min_average_nanos: AtomicU64::new(NO_MIN),
            last_min_update: Mutex::new(None),
        }
    }
}

impl Default for LatencyAwarenessBuilder {
    fn default() -> Self {
        Self::new()
    }
}

const NO_MIN: u64 = u64::MAX;

#[derive(Debug, Clone, Copy)]
struct TimestampedAverage {
    timestamp: Instant,
    average_nanos: f64,
    measurements: usize,
}

impl TimestampedAverage {
    fn first(now: Instant, latency: Duration) -> Self {
        TimestampedAverage {
            timestamp: now,
            average_nanos: latency.as_nanos() as f64,
            measurements: 1,
        }
    }

    fn next(self, now: Instant, latency: Duration, scale_secs: f64) -> Self {
        let delay = now.saturating_duration_since(self.timestamp).as_secs_f64();
        let latency = latency.as_nanos() as f64;
        let average = if delay <= 0.0 || scale_secs <= 0.0 {
            // No time passed (or no decay configured): old and new weigh the same.
            if scale_secs <= 0.0 {
                latency
            } else {
                self.average_nanos
            }
        } else {
            let scaled = delay / scale_secs;
            let previous_weight = (scaled + 1.0).ln() / scaled;
            (1.0 - previous_weight) * latency + previous_weight * self.average_nanos
        };
        TimestampedAverage {
            timestamp: now,
            average_nanos: average,
            measurements: self.measurements.saturating_add(1),
        }
    }
}

/// The latency state of a [`DefaultPolicy`](super::DefaultPolicy).
#[derive(Debug)]
pub(crate) struct LatencyAwareness {
    exclusion_threshold: f64,
    retry_period: Duration,
    update_rate: Duration,
    minimum_measurements: usize,
    scale_secs: f64,
    averages: RwLock<HashMap<Uuid, Mutex<TimestampedAverage>>>,
    /// The reference (smallest) average in nanoseconds, or `NO_MIN`.
    min_average_nanos: AtomicU64,
    last_min_update: Mutex<Option<Instant>>,
}

impl LatencyAwareness {
    /// Whether a failed request's latency says something about the node's speed:
    /// only errors the node returned after processing the request do.
    pub(crate) fn reliable_latency_measure(error: &RequestAttemptError) -> bool {
        match error {
            RequestAttemptError::DbError(db_error, _) => matches!(
                db_error,
                DbError::SyntaxError
                    | DbError::Invalid
                    | DbError::AlreadyExists { .. }
                    | DbError::FunctionFailure { .. }
                    | DbError::AuthenticationError
                    | DbError::Unauthorized
                    | DbError::ConfigError
                    | DbError::Unavailable { .. }
                    | DbError::TruncateError
                    | DbError::ReadTimeout { .. }
                    | DbError::WriteTimeout { .. }
                    | DbError::ReadFailure { .. }
                    | DbError::WriteFailure { .. }
            ),
            _ => false,
        }
    }

    /// Records a request to `node` that took `latency`.
    pub(crate) fn report_request(&self, node: &Node, latency: Duration) {
        let now = Instant::now();
        let updated = {
            let averages = self.averages.read().unwrap_or_else(|e| e.into_inner());
            match averages.get(&node.host_id) {
                Some(entry) => {
                    let mut avg = entry.lock().unwrap_or_else(|e| e.into_inner());
                    *avg = avg.next(now, latency, self.scale_secs);
                    true
                }
                None => false,
            }
        };
        if !updated {
            let mut averages = self.averages.write().unwrap_or_else(|e| e.into_inner());
            averages
                .entry(node.host_id)
                .and_modify(|entry| {
                    let avg = entry.get_mut().unwrap_or_else(|e| e.into_inner());
                    *avg = avg.next(now, latency, self.scale_secs);
                })
                .or_insert_with(|| Mutex::new(TimestampedAverage::first(now, latency)));
        }
        self.maybe_update_min(now);
    }

    fn maybe_update_min(&self, now: Instant) {
        {
            let mut last = self
                .last_min_update
                .lock()
                .unwrap_or_else(|e| e.into_inner());
            if last.is_some_and(|t| now.saturating_duration_since(t) < self.update_rate) {
                return;
            }
            *last = Some(now);
        }
        self.refresh_min_average();
    }

    /// Recomputes the reference average now.
    pub(crate) fn refresh_min_average(&self) {
        let averages = self.averages.read().unwrap_or_else(|e| e.into_inner());
        let min = averages
            .values()
            .filter_map(|entry| {
                let avg = *entry.lock().unwrap_or_else(|e| e.into_inner());
                (avg.measurements >= self.minimum_measurements).then_some(avg.average_nanos)
            })
            .fold(None, |acc: Option<f64>, x| {
                Some(acc.map_or(x, |a| a.min(x)))
            });
        let nanos = match min {
            Some(m) if m.is_finite() && m >= 0.0 => (m as u64).min(NO_MIN - 1),
            _ => NO_MIN,
        };
        self.min_average_nanos.store(nanos, Ordering::Relaxed);
    }

    /// Whether `node` should go to the end of plans now. Does not allocate.
    pub(crate) fn is_penalized(&self, node: &Node) -> bool {
        let min = self.min_average_nanos.load(Ordering::Relaxed);
        if min == NO_MIN {
            return false;
        }
        let averages = self.averages.read().unwrap_or_else(|e| e.into_inner());
        let Some(entry) = averages.get(&node.host_id) else {
            return false;
        };
        let avg = *entry.lock().unwrap_or_else(|e| e.into_inner());
        if avg.measurements < self.minimum_measurements {
            return false;
        }
        if Instant::now().saturating_duration_since(avg.timestamp) > self.retry_period {
            return false;
        }
        avg.average_nanos > self.exclusion_threshold * min as f64
    }

    /// The current average of `node` and how many measurements it has.
    #[cfg(test)]
    pub(crate) fn average_of(&self, node: &Node) -> Option<(Duration, usize)> {
        let averages = self.averages.read().unwrap_or_else(|e| e.into_inner());
        let avg = *averages.get(&node.host_id)?.lock().ok()?;
        Some((
            Duration::from_nanos(avg.average_nanos as u64),
            avg.measurements,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decaying_average() {
        let t0 = Instant::now();
        let a = TimestampedAverage::first(t0, Duration::from_millis(10));
        assert_eq!(a.measurements, 1);
        // Right after, the old average dominates.
        let b = a.next(
            t0 + Duration::from_micros(1),
            Duration::from_millis(100),
            0.1,
        );
        assert!(b.average_nanos < 11_000_000.0, "{}", b.average_nanos);
        // Much later, the new measurement dominates.
        let c = a.next(
            t0 + Duration::from_secs(100),
            Duration::from_millis(100),
            0.1,
        );
        assert!(c.average_nanos > 99_000_000.0, "{}", c.average_nanos);
        assert_eq!(c.measurements, 2);
        // Monotone in the delay.
        let d = a.next(
            t0 + Duration::from_millis(100),
            Duration::from_millis(100),
            0.1,
        );
        assert!(b.average_nanos < d.average_nanos && d.average_nanos < c.average_nanos);
    }

    #[test]
    fn reliable_errors() {
        assert!(LatencyAwareness::reliable_latency_measure(
            &RequestAttemptError::DbError(DbError::Invalid, String::new())
        ));
        assert!(!LatencyAwareness::reliable_latency_measure(
            &RequestAttemptError::DbError(DbError::Overloaded, String::new())
        ));
        assert!(!LatencyAwareness::reliable_latency_measure(
            &RequestAttemptError::UnableToAllocStreamId
        ));
    }
}
