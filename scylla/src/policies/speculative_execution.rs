//! Speculative execution: sending a request to another node when the first is slow.
//!
//! With a [`SpeculativeExecutionPolicy`] in the execution profile, an idempotent
//! request that has not completed after [`retry_interval`] is also sent to the next
//! node of its plan, up to [`max_retry_count`] extra executions; the first answer
//! wins. Non-idempotent requests are never executed speculatively.
//!
//! [`retry_interval`]: SpeculativeExecutionPolicy::retry_interval
//! [`max_retry_count`]: SpeculativeExecutionPolicy::max_retry_count

use std::time::Duration;

#[cfg(feature = "metrics")]
use std::sync::Arc;

#[cfg(feature = "metrics")]
use crate::observability::metrics::Metrics;

/// What a [`SpeculativeExecutionPolicy`] may look at.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Context {
    /// The session's metrics.
    #[cfg(feature = "metrics")]
    pub metrics: Arc<Metrics>,
}

impl Context {
    /// A context with the session's metrics.
    #[cfg(feature = "metrics")]
    pub(crate) fn new(metrics: Arc<Metrics>) -> Self {
        Context { metrics }
    }

    /// A context (there is nothing to look at without the `metrics` feature).
    #[cfg(not(feature = "metrics"))]
    pub(crate) fn new() -> Self {
        Context {}
    }
}

/// Decides how many extra executions of a request to start, and when.
pub trait SpeculativeExecutionPolicy: std::fmt::Debug + Send + Sync {
    /// The most extra executions to start for one request.
    fn max_retry_count(&self, context: &Context) -> usize;

    /// How long to wait before starting each extra execution.
    fn retry_interval(&self, context: &Context) -> Duration;
}

/// Starts up to `max_retry_count` extra executions, one every `retry_interval`.
#[derive(Debug, Clone)]
pub struct SimpleSpeculativeExecutionPolicy {
    /// The most extra executions to start for one request.
    pub max_retry_count: usize,
    /// The delay before each extra execution.
    pub retry_interval: Duration,
}

impl SpeculativeExecutionPolicy for SimpleSpeculativeExecutionPolicy {
    fn max_retry_count(&self, _: &Context) -> usize {
        self.max_retry_count
    }

    fn retry_interval(&self, _: &Context) -> Duration {
        self.retry_interval
    }
}

/// Starts up to `max_retry_count` extra executions, waiting each time for the
/// `percentile`-th percentile of the session's request latencies (feature
/// `metrics`). Until a latency has been recorded the wait is
/// [`PercentileSpeculativeExecutionPolicy::FALLBACK_INTERVAL`].
#[cfg(feature = "metrics")]
#[derive(Debug, Clone)]
pub struct PercentileSpeculativeExecutionPolicy {
    /// The most extra executions to start for one request.
    pub max_retry_count: usize,
    /// The latency percentile to wait for, in 0.0..=100.0.
    pub percentile: f64,
}

#[cfg(feature = "metrics")]
impl PercentileSpeculativeExecutionPolicy {
    /// The wait used when the percentile cannot be computed (no latency recorded
    /// yet, or a percentile outside 0..=100).
    pub const FALLBACK_INTERVAL: Duration = Duration::from_millis(100);
}

#[cfg(feature = "metrics")]
impl SpeculativeExecutionPolicy for PercentileSpeculativeExecutionPolicy {
    fn max_retry_count(&self, _: &Context) -> usize {
        self.max_retry_count
    }

    fn retry_interval(&self, context: &Context) -> Duration {
        match context.metrics.get_latency_percentile_ms(self.percentile) {
            Ok(ms) => Duration::from_millis(ms),
            Err(e) => {
                tracing::debug!(
                    "latency percentile {} unavailable ({e}); waiting {:?} before a speculative execution",
                    self.percentile,
                    Self::FALLBACK_INTERVAL
                );
                Self::FALLBACK_INTERVAL
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(feature = "metrics")]
    fn context() -> (Context, Arc<Metrics>) {
        let m = Arc::new(Metrics::new());
        (Context::new(Arc::clone(&m)), m)
    }

    #[cfg(not(feature = "metrics"))]
    fn context() -> (Context, ()) {
        (Context::new(), ())
    }

    #[test]
    fn simple_policy_returns_its_settings() {
        let (ctx, _) = context();
        let p = SimpleSpeculativeExecutionPolicy {
            max_retry_count: 3,
            retry_interval: Duration::from_millis(15),
        };
        assert_eq!(p.max_retry_count(&ctx), 3);
        assert_eq!(p.retry_interval(&ctx), Duration::from_millis(15));
    }

    #[cfg(feature = "metrics")]
    #[test]
    fn percentile_policy_follows_the_latencies() {
        let (ctx, metrics) = context();
        let p = PercentileSpeculativeExecutionPolicy {
            max_retry_count: 2,
            percentile: 90.0,
        };
        assert_eq!(p.max_retry_count(&ctx), 2);
        assert_eq!(
            p.retry_interval(&ctx),
            PercentileSpeculativeExecutionPolicy::FALLBACK_INTERVAL
        );
        for ms in 1..=10 {
            metrics.log_request_latency(Duration::from_millis(ms));
        }
        assert_eq!(p.retry_interval(&ctx), Duration::from_millis(9));
        let bad = PercentileSpeculativeExecutionPolicy {
            max_retry_count: 1,
            percentile: 101.0,
        };
        assert_eq!(
            bad.retry_interval(&ctx),
            PercentileSpeculativeExecutionPolicy::FALLBACK_INTERVAL
        );
    }
}
