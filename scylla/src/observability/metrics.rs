//! Driver metrics: request and error counters, a latency histogram, request rates,
//! connection counters (feature `metrics`).
//!
//! A session keeps one [`Metrics`], shared by all its requests
//! (`Session::get_metrics`). Recording is lock-free: counters are atomics, the
//! latency histogram has atomic buckets, and the moving averages are updated by
//! whichever thread first notices that a 5-second tick has passed.

use std::error::Error;
use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use histogram::AtomicHistogram;
use thiserror::Error;

/// Reading a latency statistic failed.
#[derive(Error, Debug, Clone)]
#[non_exhaustive]
pub enum MetricsError {
    /// No latency has been recorded yet.
    #[error("no latency has been recorded yet")]
    Empty,
    /// The histogram rejected the operation (e.g. a percentile outside 0..=100).
    #[error("latency histogram error: {0}")]
    HistogramError(Arc<dyn Error + Send + Sync>),
}

impl From<histogram::Error> for MetricsError {
    fn from(e: histogram::Error) -> Self {
        MetricsError::HistogramError(Arc::new(e))
    }
}

/// Latency statistics in milliseconds, taken at one moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Snapshot {
    /// The lowest latency.
    pub min: u64,
    /// The highest latency.
    pub max: u64,
    /// The mean latency.
    pub mean: u64,
    /// The standard deviation of the latencies.
    pub stddev: u64,
    /// The 50th percentile.
    pub median: u64,
    /// The 75th percentile.
    pub percentile_75: u64,
    /// The 95th percentile.
    pub percentile_95: u64,
    /// The 98th percentile.
    pub percentile_98: u64,
    /// The 99th percentile.
    pub percentile_99: u64,
    /// The 99.9th percentile.
    pub percentile_99_9: u64,
}

/// Which API a request came from, for the per-kind counters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RequestKind {
    /// `query_unpaged`, `execute_unpaged`, `batch`, ...
    Unpaged,
    /// `query_single_page`, `execute_single_page`.
    ManuallyPaged,
    /// A page fetched by a pager (`query_iter`, `execute_iter`).
    AutomaticallyPaged,
}

/// The histogram's grouping power: relative error below 2^-7 (< 1%), exact below
/// 128 ms.
const HISTOGRAM_GROUPING_POWER: u8 = 7;
/// The histogram covers all of `u64`.
const HISTOGRAM_MAX_VALUE_POWER: u8 = 64;

/// The interval between two updates of the moving averages.
const TICK_INTERVAL: Duration = Duration::from_secs(5);

/// An exponentially weighted moving average of a rate, in events per second, stored
/// as `f64` bits. Updated only by the thread that won the tick.
#[derive(Debug)]
struct Ewma {
    alpha: f64,
    rate_bits: AtomicU64,
    initialized: std::sync::atomic::AtomicBool,
}

impl Ewma {
    fn new(window: Duration) -> Self {
        Ewma {
            alpha: 1.0 - (-TICK_INTERVAL.as_secs_f64() / window.as_secs_f64()).exp(),
            rate_bits: AtomicU64::new(0f64.to_bits()),
            initialized: std::sync::atomic::AtomicBool::new(false),
        }
    }

    fn tick(&self, count: u64) {
        let instant_rate = count as f64 / TICK_INTERVAL.as_secs_f64();
        let rate = if self.initialized.swap(true, Ordering::Relaxed) {
            let old = f64::from_bits(self.rate_bits.load(Ordering::Relaxed));
            old + self.alpha * (instant_rate - old)
        } else {
            instant_rate
        };
        self.rate_bits.store(rate.to_bits(), Ordering::Relaxed);
    }

    fn rate(&self) -> f64 {
        f64::from_bits(self.rate_bits.load(Ordering::Relaxed))
    }
}

/// Counts events and keeps 1, 5 and 15-minute moving averages of their rate.
#[derive(Debug)]
struct Meter {
    start: Instant,
    count: AtomicU64,
    /// Events not yet folded into the averages.
    uncounted: AtomicU64,
    /// When the last tick happened, in nanoseconds since `start`.
    last_tick_nanos: AtomicU64,
    m1: Ewma,
    m5: Ewma,
    m15: Ewma,
}

impl Meter {
    fn new() -> Self {
        Meter {
            start: Instant::now(),
            count: AtomicU64::new(0),
            uncounted: AtomicU64::new(0),
            last_tick_nanos: AtomicU64::new(0),
            m1: Ewma::new(Duration::from_secs(60)),
            m5: Ewma::new(Duration::from_secs(300)),
            m15: Ewma::new(Duration::from_secs(900)),
        }
    }

    fn nanos_since_start(&self, now: Instant) -> u64 {
        u64::try_from(now.saturating_duration_since(self.start).as_nanos()).unwrap_or(u64::MAX)
    }

    fn mark(&self, now: Instant) {
        self.tick_if_needed(now);
        self.count.fetch_add(1, Ordering::Relaxed);
        self.uncounted.fetch_add(1, Ordering::Relaxed);
    }

    /// Folds the uncounted events into the averages for every tick interval that
    /// passed since the last tick. Only the thread that moves `last_tick_nanos` does
    /// it.
    fn tick_if_needed(&self, now: Instant) {
        let interval = TICK_INTERVAL.as_nanos() as u64;
        let now_nanos = self.nanos_since_start(now);
        let last = self.last_tick_nanos.load(Ordering::Relaxed);
        let elapsed = now_nanos.saturating_sub(last);
        if elapsed < interval {
            return;
        }
        let ticks = elapsed / interval;
        let new_last = last + ticks * interval;
        if self
            .last_tick_nanos
            .compare_exchange(last, new_last, Ordering::Relaxed, Ordering::Relaxed)
            .is_err()
        {
            return;
        }
        let count = self.uncounted.swap(0, Ordering::Relaxed);
        for ewma in [&self.m1, &self.m5, &self.m15] {
            ewma.tick(count);
            // Idle intervals decay the average. After ~3 hours of idleness every
            // average is 0 to f64 precision, so longer gaps are cut short.
            for _ in 1..ticks.min(2_000) {
                ewma.tick(0);
            }
        }
    }

    fn mean_rate(&self, now: Instant) -> f64 {
        let count = self.count.load(Ordering::Relaxed);
        let secs = now.saturating_duration_since(self.start).as_secs_f64();
        if count == 0 || secs <= 0.0 {
            0.0
        } else {
            count as f64 / secs
        }
    }
}

/// The metrics of a session.
pub struct Metrics {
    requests_unpaged: AtomicU64,
    requests_manually_paged: AtomicU64,
    requests_automatically_paged: AtomicU64,
    errors_unpaged: AtomicU64,
    errors_manually_paged: AtomicU64,
    errors_automatically_paged: AtomicU64,
    retries: AtomicU64,
    total_connections: AtomicU64,
    connection_timeouts: AtomicU64,
    request_timeouts: AtomicU64,
    /// Latencies in milliseconds.
    histogram: AtomicHistogram,
    latency_sum_ms: AtomicU64,
    latency_count: AtomicU64,
    meter: Meter,
}

impl fmt::Debug for Metrics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Metrics")
            .field("requests_unpaged", &self.get_requests_unpaged_num())
            .field(
                "requests_manually_paged",
                &self.get_requests_manually_paged_num(),
            )
            .field(
                "requests_automatically_paged",
                &self.get_requests_automatically_paged_num(),
            )
            .field("errors_unpaged", &self.get_errors_unpaged_num())
            .field(
                "errors_manually_paged",
                &self.get_errors_manually_paged_num(),
            )
            .field(
                "errors_automatically_paged",
                &self.get_errors_automatically_paged_num(),
            )
            .field("retries", &self.get_retries_num())
            .field("total_connections", &self.get_total_connections())
            .field("connection_timeouts", &self.get_connection_timeouts())
            .field("request_timeouts", &self.get_request_timeouts())
            .field("latency_count", &self.latency_count.load(Ordering::Relaxed))
            .finish_non_exhaustive()
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

fn load(c: &AtomicU64) -> u64 {
    c.load(Ordering::Relaxed)
}

fn inc(c: &AtomicU64) {
    c.fetch_add(1, Ordering::Relaxed);
}

impl Metrics {
    /// Empty metrics.
    pub(crate) fn new() -> Self {
        Metrics {
            requests_unpaged: AtomicU64::new(0),
            requests_manually_paged: AtomicU64::new(0),
            requests_automatically_paged: AtomicU64::new(0),
            errors_unpaged: AtomicU64::new(0),
            errors_manually_paged: AtomicU64::new(0),
            errors_automatically_paged: AtomicU64::new(0),
            retries: AtomicU64::new(0),
            total_connections: AtomicU64::new(0),
            connection_timeouts: AtomicU64::new(0),
            request_timeouts: AtomicU64::new(0),
            histogram: AtomicHistogram::with_config(&HISTOGRAM_CONFIG),
            latency_sum_ms: AtomicU64::new(0),
            latency_count: AtomicU64::new(0),
            meter: Meter::new(),
        }
    }

    // --- Recording (crate-internal; called by the session) ---------------------------

    /// Counts a request (one page, for pagers) about to be sent.
    pub(crate) fn inc_requests(&self, kind: RequestKind) {
        inc(match kind {
            RequestKind::Unpaged => &self.requests_unpaged,
            RequestKind::ManuallyPaged => &self.requests_manually_paged,
            RequestKind::AutomaticallyPaged => &self.requests_automatically_paged,
        });
        self.meter.mark(Instant::now());
    }

    /// Counts a request (page) that failed after all retries.
    pub(crate) fn inc_errors(&self, kind: RequestKind) {
        inc(match kind {
            RequestKind::Unpaged => &self.errors_unpaged,
            RequestKind::ManuallyPaged => &self.errors_manually_paged,
            RequestKind::AutomaticallyPaged => &self.errors_automatically_paged,
        });
    }

    /// Counts a retry decided by the retry policy.
    pub(crate) fn inc_retries(&self) {
        inc(&self.retries);
    }

    /// Records the latency of a successful request.
    pub(crate) fn log_request_latency(&self, latency: Duration) {
        let ms = u64::try_from(latency.as_millis()).unwrap_or(u64::MAX);
        // The histogram covers all of u64 (max value power 64): this cannot fail.
        let _ = self.histogram.increment(ms);
        self.latency_sum_ms.fetch_add(ms, Ordering::Relaxed);
        self.latency_count.fetch_add(1, Ordering::Relaxed);
    }

    /// Counts an opened connection.
    pub(crate) fn inc_total_connections(&self) {
        inc(&self.total_connections);
    }

    /// Counts a closed connection.
    pub(crate) fn dec_total_connections(&self) {
        let _ = self
            .total_connections
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| n.checked_sub(1));
    }

    /// Counts a connection attempt that timed out.
    pub(crate) fn inc_connection_timeouts(&self) {
        inc(&self.connection_timeouts);
    }

    /// Counts a request that timed out (client-side request timeout).
    pub(crate) fn inc_request_timeouts(&self) {
        inc(&self.request_timeouts);
    }

    // --- Counters --------------------------------------------------------------------

    /// Requests sent by the unpaged APIs (`query_unpaged`, `execute_unpaged`,
    /// `batch`, ...).
    pub fn get_requests_unpaged_num(&self) -> u64 {
        load(&self.requests_unpaged)
    }

    /// Requests sent by the single-page APIs (`query_single_page`,
    /// `execute_single_page`).
    pub fn get_requests_manually_paged_num(&self) -> u64 {
        load(&self.requests_manually_paged)
    }

    /// Page requests sent by pagers (`query_iter`, `execute_iter`).
    pub fn get_requests_automatically_paged_num(&self) -> u64 {
        load(&self.requests_automatically_paged)
    }

    /// Unpaged requests that failed.
    pub fn get_errors_unpaged_num(&self) -> u64 {
        load(&self.errors_unpaged)
    }

    /// Single-page requests that failed.
    pub fn get_errors_manually_paged_num(&self) -> u64 {
        load(&self.errors_manually_paged)
    }

    /// Page requests of pagers that failed.
    pub fn get_errors_automatically_paged_num(&self) -> u64 {
        load(&self.errors_automatically_paged)
    }

    /// Retries made on the retry policy's decision.
    pub fn get_retries_num(&self) -> u64 {
        load(&self.retries)
    }

    /// Unpaged and single-page requests.
    #[deprecated(
        since = "1.8.0",
        note = "use get_requests_unpaged_num and get_requests_manually_paged_num"
    )]
    pub fn get_queries_num(&self) -> u64 {
        self.get_requests_unpaged_num() + self.get_requests_manually_paged_num()
    }

    /// Page requests of pagers.
    #[deprecated(since = "1.8.0", note = "use get_requests_automatically_paged_num")]
    pub fn get_queries_iter_num(&self) -> u64 {
        self.get_requests_automatically_paged_num()
    }

    /// Failed unpaged and single-page requests.
    #[deprecated(
        since = "1.8.0",
        note = "use get_errors_unpaged_num and get_errors_manually_paged_num"
    )]
    pub fn get_errors_num(&self) -> u64 {
        self.get_errors_unpaged_num() + self.get_errors_manually_paged_num()
    }

    /// Failed page requests of pagers.
    #[deprecated(since = "1.8.0", note = "use get_errors_automatically_paged_num")]
    pub fn get_errors_iter_num(&self) -> u64 {
        self.get_errors_automatically_paged_num()
    }

    // --- Latency ---------------------------------------------------------------------

    /// The mean latency of successful requests, in milliseconds.
    pub fn get_latency_avg_ms(&self) -> Result<u64, MetricsError> {
        let count = self.latency_count.load(Ordering::Relaxed);
        if count == 0 {
            return Err(MetricsError::Empty);
        }
        Ok(self.latency_sum_ms.load(Ordering::Relaxed) / count)
    }

    /// A latency percentile (`percentile` in 0.0..=100.0), in milliseconds: the
    /// upper bound of the histogram bucket it falls in (exact below 128 ms, within 1%
    /// above).
    pub fn get_latency_percentile_ms(&self, percentile: f64) -> Result<u64, MetricsError> {
        let h = self.histogram.load();
        match h.percentile(percentile)? {
            Some(bucket) => Ok(bucket.end()),
            None => Err(MetricsError::Empty),
        }
    }

    /// Latency statistics, in milliseconds.
    pub fn get_snapshot(&self) -> Result<Snapshot, MetricsError> {
        let h = self.histogram.load();
        let pcts = [0.0, 50.0, 75.0, 95.0, 98.0, 99.0, 99.9, 100.0];
        let Some(values) = h.percentiles(&pcts)? else {
            return Err(MetricsError::Empty);
        };
        let at = |i: usize| {
            values
                .get(i)
                .map(|(_, b)| b.end())
                .ok_or(MetricsError::Empty)
        };
        let min = values
            .first()
            .map(|(_, b)| b.start())
            .ok_or(MetricsError::Empty)?;

        // Mean and standard deviation from the bucket midpoints.
        let (mut n, mut sum) = (0f64, 0f64);
        for b in h.iter().filter(|b| b.count() > 0) {
            let mid = (b.start() as f64 + b.end() as f64) / 2.0;
            n += b.count() as f64;
            sum += mid * b.count() as f64;
        }
        let mean = if n > 0.0 { sum / n } else { 0.0 };
        let mut var = 0f64;
        for b in h.iter().filter(|b| b.count() > 0) {
            let mid = (b.start() as f64 + b.end() as f64) / 2.0;
            var += (mid - mean).powi(2) * b.count() as f64;
        }
        let stddev = if n > 0.0 { (var / n).sqrt() } else { 0.0 };

        Ok(Snapshot {
            min,
            max: at(7)?,
            mean: self.get_latency_avg_ms().unwrap_or(mean.round() as u64),
            stddev: stddev.round() as u64,
            median: at(1)?,
            percentile_75: at(2)?,
            percentile_95: at(3)?,
            percentile_98: at(4)?,
            percentile_99: at(5)?,
            percentile_99_9: at(6)?,
        })
    }

    // --- Rates -----------------------------------------------------------------------

    /// Requests per second since the metrics were created.
    pub fn get_mean_rate(&self) -> f64 {
        self.meter.mean_rate(Instant::now())
    }

    /// Requests per second, exponentially weighted over the last minute.
    pub fn get_one_minute_rate(&self) -> f64 {
        self.meter.tick_if_needed(Instant::now());
        self.meter.m1.rate()
    }

    /// Requests per second, exponentially weighted over the last five minutes.
    pub fn get_five_minute_rate(&self) -> f64 {
        self.meter.tick_if_needed(Instant::now());
        self.meter.m5.rate()
    }

    /// Requests per second, exponentially weighted over the last fifteen minutes.
    pub fn get_fifteen_minute_rate(&self) -> f64 {
        self.meter.tick_if_needed(Instant::now());
        self.meter.m15.rate()
    }

    // --- Connections -----------------------------------------------------------------

    /// Open connections.
    pub fn get_total_connections(&self) -> u64 {
        load(&self.total_connections)
    }

    /// Connection attempts that timed out.
    pub fn get_connection_timeouts(&self) -> u64 {
        load(&self.connection_timeouts)
    }

    /// Requests that timed out on the client side.
    pub fn get_request_timeouts(&self) -> u64 {
        load(&self.request_timeouts)
    }
}

/// The histogram's configuration, checked at compile time.
const HISTOGRAM_CONFIG: histogram::Config =
    match histogram::Config::new(HISTOGRAM_GROUPING_POWER, HISTOGRAM_MAX_VALUE_POWER) {
        Ok(c) => c,
        Err(_) => panic!("invalid histogram parameters"),
    };

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_latency_stats_are_errors() {
        let m = Metrics::new();
        assert!(matches!(m.get_latency_avg_ms(), Err(MetricsError::Empty)));
        assert!(matches!(
            m.get_latency_percentile_ms(50.0),
            Err(MetricsError::Empty)
        ));
        assert!(matches!(m.get_snapshot(), Err(MetricsError::Empty)));
        assert_eq!(m.get_mean_rate(), 0.0);
        assert_eq!(m.get_one_minute_rate(), 0.0);
    }

    #[test]
    fn percentiles_and_snapshot() {
        let m = Metrics::new();
        for ms in 1..=100u64 {
            m.log_request_latency(Duration::from_millis(ms));
        }
        assert_eq!(m.get_latency_avg_ms().unwrap(), 50); // 5050 / 100
        assert_eq!(m.get_latency_percentile_ms(50.0).unwrap(), 50);
        assert_eq!(m.get_latency_percentile_ms(99.0).unwrap(), 99);
        assert_eq!(m.get_latency_percentile_ms(100.0).unwrap(), 100);
        assert_eq!(m.get_latency_percentile_ms(0.0).unwrap(), 1);
        assert!(matches!(
            m.get_latency_percentile_ms(100.5),
            Err(MetricsError::HistogramError(_))
        ));
        let s = m.get_snapshot().unwrap();
        assert_eq!((s.min, s.max, s.mean, s.median), (1, 100, 50, 50), "{s:?}");
        assert_eq!(
            (
                s.percentile_75,
                s.percentile_95,
                s.percentile_98,
                s.percentile_99,
                s.percentile_99_9
            ),
            (75, 95, 98, 99, 100)
        );
        // Population standard deviation of 1..=100 is 28.87.
        assert_eq!(s.stddev, 29);
    }

    #[test]
    fn large_latencies_within_one_percent() {
        let m = Metrics::new();
        m.log_request_latency(Duration::from_millis(123_456));
        let p = m.get_latency_percentile_ms(50.0).unwrap();
        assert!((123_456..=123_456 + 123_456 / 100).contains(&p), "{p}");
        // Sub-millisecond latencies count as 0 ms.
        let m = Metrics::new();
        m.log_request_latency(Duration::from_micros(300));
        assert_eq!(m.get_latency_percentile_ms(50.0).unwrap(), 0);
    }

    #[test]
    #[allow(deprecated)]
    fn counters() {
        let m = Metrics::new();
        m.inc_requests(RequestKind::Unpaged);
        m.inc_requests(RequestKind::Unpaged);
        m.inc_requests(RequestKind::ManuallyPaged);
        m.inc_requests(RequestKind::AutomaticallyPaged);
        m.inc_errors(RequestKind::Unpaged);
        m.inc_errors(RequestKind::AutomaticallyPaged);
        m.inc_errors(RequestKind::AutomaticallyPaged);
        m.inc_retries();
        m.inc_total_connections();
        m.inc_total_connections();
        m.dec_total_connections();
        m.inc_connection_timeouts();
        m.inc_request_timeouts();
        m.inc_request_timeouts();
        assert_eq!(m.get_requests_unpaged_num(), 2);
        assert_eq!(m.get_requests_manually_paged_num(), 1);
        assert_eq!(m.get_requests_automatically_paged_num(), 1);
        assert_eq!(m.get_errors_unpaged_num(), 1);
        assert_eq!(m.get_errors_manually_paged_num(), 0);
        assert_eq!(m.get_errors_automatically_paged_num(), 2);
        assert_eq!(m.get_queries_num(), 3);
        assert_eq!(m.get_queries_iter_num(), 1);
        assert_eq!(m.get_errors_num(), 1);
        assert_eq!(m.get_errors_iter_num(), 2);
        assert_eq!(m.get_retries_num(), 1);
        assert_eq!(m.get_total_connections(), 1);
        m.dec_total_connections();
        m.dec_total_connections();
        assert_eq!(m.get_total_connections(), 0, "never below zero");
        assert_eq!(m.get_connection_timeouts(), 1);
        assert_eq!(m.get_request_timeouts(), 2);
        assert!(m.get_mean_rate() > 0.0);
        assert!(format!("{m:?}").contains("requests_unpaged: 2"));
    }

    #[test]
    fn moving_averages_follow_the_rate_and_decay() {
        let meter = Meter::new();
        let t0 = meter.start;
        // 50 events in the first interval: 10 per second.
        for _ in 0..50 {
            meter.mark(t0 + Duration::from_secs(1));
        }
        meter.tick_if_needed(t0 + TICK_INTERVAL);
        for ewma in [&meter.m1, &meter.m5, &meter.m15] {
            assert!((ewma.rate() - 10.0).abs() < 1e-9, "{}", ewma.rate());
        }
        // A minute of silence: the 1-minute average decays faster than the others.
        meter.tick_if_needed(t0 + TICK_INTERVAL + Duration::from_secs(60));
        let (m1, m5, m15) = (meter.m1.rate(), meter.m5.rate(), meter.m15.rate());
        assert!(m1 < m5 && m5 < m15 && m15 < 10.0, "{m1} {m5} {m15}");
        // One minute at alpha(1 min): exactly e^-1 of the rate remains.
        assert!((m1 - 10.0 * (-1.0f64).exp()).abs() < 1e-9, "{m1}");
        assert_eq!(meter.count.load(Ordering::Relaxed), 50);
    }
}
