//! Retry policies (being built).
