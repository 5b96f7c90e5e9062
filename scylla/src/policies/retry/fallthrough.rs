//! A retry policy that never retries.

use super::{RequestInfo, RetryDecision, RetryPolicy, RetrySession};

/// Never retries: every failed attempt fails the request.
#[derive(Debug, Clone, Copy, Default)]
pub struct FallthroughRetryPolicy;

/// The [`RetrySession`] of [`FallthroughRetryPolicy`].
#[derive(Debug, Clone, Copy)]
pub struct FallthroughRetrySession;

impl FallthroughRetryPolicy {
    /// The policy.
    pub fn new() -> FallthroughRetryPolicy {
        FallthroughRetryPolicy
    }
}

impl RetryPolicy for FallthroughRetryPolicy {
    fn new_session(&self) -> Box<dyn RetrySession> {
        Box::new(FallthroughRetrySession)
    }
}

impl RetrySession for FallthroughRetrySession {
    fn decide_should_retry(&mut self, _request_info: RequestInfo) -> RetryDecision {
        RetryDecision::DontRetry
    }

    fn reset(&mut self) {}
}
