//! host_filter (being built).
