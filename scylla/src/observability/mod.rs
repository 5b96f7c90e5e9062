//! Observability: CQL tracing, request history, metrics.
