//! The retry policy traits and the types they exchange with the driver.

use crate::errors::RequestAttemptError;
use crate::statement::Consistency;

/// What a [`RetrySession`] is told about a failed attempt.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct RequestInfo<'a> {
    /// Why the attempt failed.
    pub error: &'a RequestAttemptError,
    /// Whether the statement may be applied more than once without changing the
    /// outcome (see `set_is_idempotent` on the statement types). Policies must not
    /// resend a non-idempotent statement once it may have been applied.
    pub is_idempotent: bool,
    /// The consistency the failed attempt was sent with.
    pub consistency: Consistency,
}

impl<'a> RequestInfo<'a> {
    /// Information about a failed attempt (the driver builds these).
    pub(crate) fn new(
        error: &'a RequestAttemptError,
        is_idempotent: bool,
        consistency: Consistency,
    ) -> Self {
        Self {
            error,
            is_idempotent,
            consistency,
        }
    }
}

/// What to do after a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum RetryDecision {
    /// Send the request again to the same node (and shard), with this consistency
    /// (`None`: the same consistency as before).
    RetrySameTarget(Option<crate::statement::Consistency>),
    /// Send the request to the next node of the load-balancing plan, with this
    /// consistency (`None`: the same consistency as before).
    RetryNextTarget(Option<crate::statement::Consistency>),
    /// Give up: the request fails with the attempt's error.
    DontRetry,
    /// Give up, but report success: the write error is ignored (and the request
    /// returns an empty result).
    IgnoreWriteError,
}

/// Makes a [`RetrySession`] for each request.
pub trait RetryPolicy: std::fmt::Debug + Send + Sync {
    /// A new session, for one request.
    fn new_session(&self) -> Box<dyn RetrySession>;
}

/// Decides on the retries of one request. It may keep state between attempts (for
/// example, to retry some errors only once).
pub trait RetrySession: Send + Sync {
    /// Decides what to do after the failed attempt described by `request_info`.
    fn decide_should_retry(&mut self, request_info: RequestInfo) -> RetryDecision;

    /// Forgets the attempts seen so far (the driver calls it before reusing the
    /// session, e.g. for the next page of a pager).
    fn reset(&mut self);
}
