//! Policies that steer requests: load balancing, retries, speculative execution,
//! timestamps, address translation and host filtering.

pub mod address_translator;
pub mod host_filter;
pub mod load_balancing;
pub mod retry;
pub mod speculative_execution;
pub mod timestamp_generator;
