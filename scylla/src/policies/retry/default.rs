//! The default retry policy.

use super::{RequestInfo, RetryDecision, RetryPolicy, RetrySession};
use crate::errors::{DbError, RequestAttemptError, WriteType};

/// The retry policy used when none is configured. It retries only when a retry is
/// likely to help and cannot apply a non-idempotent statement twice:
///
/// | error | decision |
/// |---|---|
/// | broken connection, `Overloaded`, `ServerError`, `TruncateError` | next node, if the statement is idempotent |
/// | `Unavailable` | next node, once per request |
/// | `ReadTimeout` with enough replies but no data | same node, once per request |
/// | `WriteTimeout` of a `BATCH_LOG` write | same node, once per request, if idempotent |
/// | `IsBootstrapping`, no free stream id | next node (nothing was sent or applied) |
/// | anything else | no retry |
#[derive(Debug, Clone, Copy, Default)]
pub struct DefaultRetryPolicy;

impl DefaultRetryPolicy {
    /// The default retry policy.
    pub fn new() -> DefaultRetryPolicy {
        DefaultRetryPolicy
    }
}

impl RetryPolicy for DefaultRetryPolicy {
    fn new_session(&self) -> Box<dyn RetrySession> {
        Box::new(DefaultRetrySession::new())
    }
}

/// The [`RetrySession`] of [`DefaultRetryPolicy`]: remembers which one-time retries
/// it has already made.
#[derive(Debug, Clone, Copy, Default)]
pub struct DefaultRetrySession {
    retried_unavailable: bool,
    retried_read_timeout: bool,
    retried_write_timeout: bool,
}

impl DefaultRetrySession {
    /// A session that has made no retry yet.
    pub fn new() -> DefaultRetrySession {
        DefaultRetrySession::default()
    }
}

/// Takes a one-time retry: `decision` if `*used` was false (and marks it used),
/// otherwise no retry.
pub(super) fn once(used: &mut bool, decision: RetryDecision) -> RetryDecision {
    if *used {
        RetryDecision::DontRetry
    } else {
        *used = true;
        decision
    }
}

/// The decisions shared by the default and the downgrading policies for errors that
/// say nothing about consistency: `Some` when `error` is one of them.
pub(super) fn decide_node_level_error(
    error: &RequestAttemptError,
    is_idempotent: bool,
) -> Option<RetryDecision> {
    let if_idempotent = |d| {
        if is_idempotent {
            d
        } else {
            RetryDecision::DontRetry
        }
    };
    Some(match error {
        // The node or the connection to it is in trouble; the request may have been
        // applied, so only an idempotent one is sent elsewhere.
        RequestAttemptError::BrokenConnectionError(_)
        | RequestAttemptError::DbError(
            DbError::Overloaded | DbError::ServerError | DbError::TruncateError,
            _,
        ) => if_idempotent(RetryDecision::RetryNextTarget(None)),
        // The node did not run the request at all.
        RequestAttemptError::DbError(DbError::IsBootstrapping, _)
        | RequestAttemptError::UnableToAllocStreamId => RetryDecision::RetryNextTarget(None),
        _ => return None,
    })
}

impl RetrySession for DefaultRetrySession {
    fn decide_should_retry(&mut self, request_info: RequestInfo) -> RetryDecision {
        if let Some(decision) =
            decide_node_level_error(request_info.error, request_info.is_idempotent)
        {
            return decision;
        }
        match request_info.error {
            // The coordinator thinks too few replicas are alive; another coordinator
            // may see more of them. Two coordinators being wrong at once is unlikely,
            // so this is tried once.
            RequestAttemptError::DbError(DbError::Unavailable { .. }, _) => once(
                &mut self.retried_unavailable,
                RetryDecision::RetryNextTarget(None),
            ),
            // Enough replicas answered, but the one asked for data did not: a second
            // try usually gets the data, as the coordinator now knows that replica
            // is slow.
            RequestAttemptError::DbError(
                DbError::ReadTimeout {
                    received,
                    required,
                    data_present,
                    ..
                },
                _,
            ) if received >= required && !*data_present => once(
                &mut self.retried_read_timeout,
                RetryDecision::RetrySameTarget(None),
            ),
            // Only the write to the batch log timed out; the batch itself was not
            // applied yet.
            RequestAttemptError::DbError(
                DbError::WriteTimeout {
                    write_type: WriteType::BatchLog,
                    ..
                },
                _,
            ) if request_info.is_idempotent => once(
                &mut self.retried_write_timeout,
                RetryDecision::RetrySameTarget(None),
            ),
            _ => RetryDecision::DontRetry,
        }
    }

    fn reset(&mut self) {
        *self = DefaultRetrySession::default();
    }
}
