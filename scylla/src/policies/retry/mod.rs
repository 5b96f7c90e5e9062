//! Retry policies: what to do when one attempt of a request fails.
//!
//! A [`RetryPolicy`] is shared by every request that uses it; for each request the
//! driver asks it for a fresh [`RetrySession`], which sees every failed attempt of
//! that request (as a [`RequestInfo`]) and answers with a [`RetryDecision`].
//!
//! Built-in policies:
//! - [`DefaultRetryPolicy`]: retries when a retry has a good chance of succeeding and
//!   cannot apply a non-idempotent statement twice.
//! - [`FallthroughRetryPolicy`]: never retries.
//! - [`DowngradingConsistencyRetryPolicy`]: like the default policy, but may retry
//!   with a lower consistency level when the requested one cannot be reached.

mod default;
mod downgrading_consistency;
mod fallthrough;
mod retry_policy;

pub use default::{DefaultRetryPolicy, DefaultRetrySession};
pub use downgrading_consistency::{
    DowngradingConsistencyRetryPolicy, DowngradingConsistencyRetrySession,
};
pub use fallthrough::{FallthroughRetryPolicy, FallthroughRetrySession};
pub use retry_policy::{RequestInfo, RetryDecision, RetryPolicy, RetrySession};

#[cfg(test)]
mod tests;
