//! Observability: CQL tracing, request history, metrics.

pub mod history;
#[cfg(feature = "metrics")]
pub mod metrics;
pub mod tracing;
