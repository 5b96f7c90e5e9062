//! A retry policy that may lower the consistency level.

use super::default::{decide_node_level_error, once};
use super::{RequestInfo, RetryDecision, RetryPolicy, RetrySession};
use crate::errors::{DbError, RequestAttemptError, WriteType};
use crate::statement::Consistency;

/// Retries like [`DefaultRetryPolicy`](super::DefaultRetryPolicy) when the requested
/// consistency can still be reached, and otherwise retries at a lower consistency
/// level (or ignores a write error), following the DataStax Java driver's policy of
/// the same name.
///
/// **This breaks consistency guarantees**: a read at `QUORUM` may not see a preceding
/// write at `QUORUM`. Use it only if reading something is better than reading
/// nothing, and a write stored on one replica is better than a failed write.
///
/// After one consistency-related retry (unavailable, read timeout, write timeout) the
/// session gives up on the next such error. The lower level is `THREE`, `TWO` or
/// `ONE` for 3 or more, 2 or 1 replicas that answered (or are alive); with none, it
/// retries at `ONE` only if the request was at `EACH_QUORUM` (the count then covers
/// one datacenter only).
///
/// | error | decision |
/// |---|---|
/// | `Unavailable` | same node at the lower level |
/// | `ReadTimeout`, fewer replies than required | same node at the lower level (not for `SERIAL`/`LOCAL_SERIAL`) |
/// | `ReadTimeout`, enough replies but no data | same node, same level |
/// | `WriteTimeout` (idempotent statements only) | `SIMPLE`/`BATCH` written on at least one replica: error ignored; `UNLOGGED_BATCH`: same node at the lower level; `BATCH_LOG`: same node, same level |
/// | node-level errors | as the default policy |
#[derive(Debug, Clone, Copy, Default)]
pub struct DowngradingConsistencyRetryPolicy;

impl DowngradingConsistencyRetryPolicy {
    /// The policy.
    pub fn new() -> DowngradingConsistencyRetryPolicy {
        DowngradingConsistencyRetryPolicy
    }
}

impl RetryPolicy for DowngradingConsistencyRetryPolicy {
    fn new_session(&self) -> Box<dyn RetrySession> {
        Box::new(DowngradingConsistencyRetrySession::new())
    }
}

/// The [`RetrySession`] of [`DowngradingConsistencyRetryPolicy`].
#[derive(Debug, Clone, Copy, Default)]
pub struct DowngradingConsistencyRetrySession {
    retried: bool,
}

impl DowngradingConsistencyRetrySession {
    /// A session that has made no retry yet.
    pub fn new() -> DowngradingConsistencyRetrySession {
        DowngradingConsistencyRetrySession::default()
    }
}

/// The highest level that `known_ok` replicas can satisfy.
fn max_likely_to_work(known_ok: i32, previous: Consistency) -> RetryDecision {
    let consistency = if known_ok >= 3 {
        Consistency::Three
    } else if known_ok == 2 {
        Consistency::Two
    } else if known_ok == 1 || previous == Consistency::EachQuorum {
        Consistency::One
    } else {
        return RetryDecision::DontRetry;
    };
    RetryDecision::RetrySameTarget(Some(consistency))
}

impl RetrySession for DowngradingConsistencyRetrySession {
    fn decide_should_retry(&mut self, request_info: RequestInfo) -> RetryDecision {
        if let Some(decision) =
            decide_node_level_error(request_info.error, request_info.is_idempotent)
        {
            return decision;
        }
        let cl = request_info.consistency;
        let RequestAttemptError::DbError(db_error, _) = request_info.error else {
            return RetryDecision::DontRetry;
        };
        let decision = match db_error {
            DbError::Unavailable { alive, .. } => max_likely_to_work(*alive, cl),
            DbError::ReadTimeout {
                received,
                required,
                data_present,
                ..
            } => {
                if cl.is_serial() {
                    // A serial read usually checks the outcome of a timed-out LWT
                    // write; a weaker read would be misleading.
                    RetryDecision::DontRetry
                } else if received < required {
                    max_likely_to_work(*received, cl)
                } else if !*data_present {
                    RetryDecision::RetrySameTarget(None)
                } else {
                    RetryDecision::DontRetry
                }
            }
            DbError::WriteTimeout {
                received,
                write_type,
                ..
            } if request_info.is_idempotent => match write_type {
                // The write is stored on `received` replicas: good enough.
                WriteType::Simple | WriteType::Batch if *received > 0 => {
                    RetryDecision::IgnoreWriteError
                }
                // Parts of the batch may be missing: write it again where it can
                // succeed.
                WriteType::UnloggedBatch => max_likely_to_work(*received, cl),
                // Only the batch log write timed out: the batch was not applied yet.
                WriteType::BatchLog => RetryDecision::RetrySameTarget(None),
                _ => RetryDecision::DontRetry,
            },
            _ => RetryDecision::DontRetry,
        };
        if decision == RetryDecision::DontRetry {
            return decision;
        }
        once(&mut self.retried, decision)
    }

    fn reset(&mut self) {
        *self = DowngradingConsistencyRetrySession::default();
    }
}
