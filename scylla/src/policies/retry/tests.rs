//! Decision tables of the built-in retry policies.

use bytes::Bytes;

use super::*;
use crate::errors::{
    BrokenConnectionErrorKind, CqlResponseKind, DbError, OperationType, RequestAttemptError,
    WriteType,
};
use crate::statement::Consistency;

use RetryDecision::{DontRetry, IgnoreWriteError, RetryNextTarget, RetrySameTarget};

/// The decisions of a fresh session and then of the same session for the same error,
/// for a non-idempotent and for an idempotent statement.
type Expected = [(RetryDecision, RetryDecision); 2];

/// Not retried when not idempotent; else retried on the next target, twice.
const NEXT_IF_IDEMPOTENT: Expected = [
    (DontRetry, DontRetry),
    (RetryNextTarget(None), RetryNextTarget(None)),
];

/// Retried on the next target, twice, idempotent or not.
const NEXT_ALWAYS: Expected = [(RetryNextTarget(None), RetryNextTarget(None)); 2];

fn db(e: DbError) -> RequestAttemptError {
    RequestAttemptError::DbError(e, "reason".to_owned())
}

fn read_timeout(received: i32, required: i32, data_present: bool) -> RequestAttemptError {
    db(DbError::ReadTimeout {
        consistency: Consistency::Quorum,
        received,
        required,
        data_present,
    })
}

fn write_timeout(received: i32, write_type: WriteType) -> RequestAttemptError {
    db(DbError::WriteTimeout {
        consistency: Consistency::Quorum,
        received,
        required: 2,
        write_type,
    })
}

fn unavailable(alive: i32) -> RequestAttemptError {
    db(DbError::Unavailable {
        consistency: Consistency::Quorum,
        required: 2,
        alive,
    })
}

fn broken() -> RequestAttemptError {
    RequestAttemptError::BrokenConnectionError(BrokenConnectionErrorKind::ChannelError.into())
}

/// Errors no built-in policy retries, whatever the idempotence.
fn never_retried() -> Vec<RequestAttemptError> {
    vec![
        db(DbError::SyntaxError),
        db(DbError::Invalid),
        db(DbError::AlreadyExists {
            keyspace: "ks".into(),
            table: "t".into(),
        }),
        db(DbError::FunctionFailure {
            keyspace: "ks".into(),
            function: "f".into(),
            arg_types: vec![],
        }),
        db(DbError::AuthenticationError),
        db(DbError::Unauthorized),
        db(DbError::ConfigError),
        db(DbError::ReadFailure {
            consistency: Consistency::Quorum,
            received: 1,
            required: 2,
            numfailures: 1,
            data_present: false,
        }),
        db(DbError::WriteFailure {
            consistency: Consistency::Quorum,
            received: 1,
            required: 2,
            numfailures: 1,
            write_type: WriteType::Simple,
        }),
        db(DbError::Unprepared {
            statement_id: Bytes::from_static(b"id"),
        }),
        db(DbError::ProtocolError),
        db(DbError::RateLimitReached {
            op_type: OperationType::Write,
            rejected_by_coordinator: true,
        }),
        db(DbError::Other(0x1234)),
        RequestAttemptError::UnexpectedResponse(CqlResponseKind::Ready),
        RequestAttemptError::RepreparedIdMissingInBatch,
        RequestAttemptError::NonfinishedPagingState,
        RequestAttemptError::RepreparedIdChanged {
            statement: "SELECT 1".into(),
            expected_id: vec![1],
            reprepared_id: vec![2],
        },
    ]
}

fn decide(
    session: &mut dyn RetrySession,
    error: &RequestAttemptError,
    is_idempotent: bool,
    consistency: Consistency,
) -> RetryDecision {
    session.decide_should_retry(RequestInfo::new(error, is_idempotent, consistency))
}

/// The decision of a fresh session, then of the same session for the same error.
fn first_two(
    policy: &dyn RetryPolicy,
    error: &RequestAttemptError,
    is_idempotent: bool,
    consistency: Consistency,
) -> (RetryDecision, RetryDecision) {
    let mut s = policy.new_session();
    let first = decide(s.as_mut(), error, is_idempotent, consistency);
    let second = decide(s.as_mut(), error, is_idempotent, consistency);
    (first, second)
}

#[test]
fn fallthrough_never_retries() {
    let policy = FallthroughRetryPolicy::new();
    let mut errors = never_retried();
    errors.extend([
        broken(),
        unavailable(1),
        read_timeout(2, 2, false),
        write_timeout(1, WriteType::BatchLog),
        db(DbError::Overloaded),
        db(DbError::IsBootstrapping),
        RequestAttemptError::UnableToAllocStreamId,
    ]);
    for e in &errors {
        for idempotent in [false, true] {
            assert_eq!(
                first_two(&policy, e, idempotent, Consistency::One),
                (DontRetry, DontRetry),
                "{e:?}"
            );
        }
    }
}

#[test]
fn default_policy_table() {
    let policy = DefaultRetryPolicy::new();
    // (error, decision for non-idempotent (first, second), for idempotent (first, second))
    let table: Vec<(RequestAttemptError, Expected)> = vec![
        (broken(), NEXT_IF_IDEMPOTENT),
        (db(DbError::Overloaded), NEXT_IF_IDEMPOTENT),
        (db(DbError::ServerError), NEXT_IF_IDEMPOTENT),
        (db(DbError::TruncateError), NEXT_IF_IDEMPOTENT),
        (db(DbError::IsBootstrapping), NEXT_ALWAYS),
        (RequestAttemptError::UnableToAllocStreamId, NEXT_ALWAYS),
        (unavailable(1), [(RetryNextTarget(None), DontRetry); 2]),
        // Enough replies, no data: retried once on the same node.
        (
            read_timeout(2, 2, false),
            [(RetrySameTarget(None), DontRetry); 2],
        ),
        // Data present, or too few replies: not retried.
        (read_timeout(2, 2, true), [(DontRetry, DontRetry); 2]),
        (read_timeout(1, 2, false), [(DontRetry, DontRetry); 2]),
        // Batch log writes: once, and only when idempotent.
        (
            write_timeout(1, WriteType::BatchLog),
            [(DontRetry, DontRetry), (RetrySameTarget(None), DontRetry)],
        ),
        (
            write_timeout(1, WriteType::Simple),
            [(DontRetry, DontRetry); 2],
        ),
        (
            write_timeout(1, WriteType::Batch),
            [(DontRetry, DontRetry); 2],
        ),
        (
            write_timeout(1, WriteType::UnloggedBatch),
            [(DontRetry, DontRetry); 2],
        ),
        (
            write_timeout(1, WriteType::Counter),
            [(DontRetry, DontRetry); 2],
        ),
        (
            write_timeout(1, WriteType::Cas),
            [(DontRetry, DontRetry); 2],
        ),
    ];
    for (error, expected) in &table {
        for (idempotent, exp) in [false, true].into_iter().zip(expected) {
            assert_eq!(
                first_two(&policy, error, idempotent, Consistency::Quorum),
                *exp,
                "{error:?}, idempotent: {idempotent}"
            );
        }
    }
    for e in never_retried() {
        for idempotent in [false, true] {
            assert_eq!(
                first_two(&policy, &e, idempotent, Consistency::Quorum),
                (DontRetry, DontRetry),
                "{e:?}"
            );
        }
    }
}

#[test]
fn default_session_one_time_retries_are_independent_and_reset() {
    let mut s = DefaultRetrySession::new();
    let q = Consistency::Quorum;
    assert_eq!(
        decide(&mut s, &unavailable(1), true, q),
        RetryNextTarget(None)
    );
    assert_eq!(
        decide(&mut s, &read_timeout(2, 2, false), true, q),
        RetrySameTarget(None)
    );
    assert_eq!(
        decide(&mut s, &write_timeout(0, WriteType::BatchLog), true, q),
        RetrySameTarget(None)
    );
    assert_eq!(decide(&mut s, &unavailable(1), true, q), DontRetry);
    assert_eq!(
        decide(&mut s, &read_timeout(2, 2, false), true, q),
        DontRetry
    );
    assert_eq!(
        decide(&mut s, &write_timeout(0, WriteType::BatchLog), true, q),
        DontRetry
    );
    s.reset();
    assert_eq!(
        decide(&mut s, &unavailable(1), true, q),
        RetryNextTarget(None)
    );
}

#[test]
fn downgrading_policy_table() {
    let policy = DowngradingConsistencyRetryPolicy::new();
    let q = Consistency::Quorum;
    let same = |c| RetrySameTarget(Some(c));
    let table: Vec<(RequestAttemptError, Consistency, Expected)> = vec![
        // Node-level errors: as the default policy.
        (broken(), q, NEXT_IF_IDEMPOTENT),
        (db(DbError::Overloaded), q, NEXT_IF_IDEMPOTENT),
        (db(DbError::IsBootstrapping), q, NEXT_ALWAYS),
        // Unavailable: the level the live replicas can reach, once.
        (
            unavailable(5),
            q,
            [(same(Consistency::Three), DontRetry); 2],
        ),
        (
            unavailable(3),
            q,
            [(same(Consistency::Three), DontRetry); 2],
        ),
        (unavailable(2), q, [(same(Consistency::Two), DontRetry); 2]),
        (unavailable(1), q, [(same(Consistency::One), DontRetry); 2]),
        (unavailable(0), q, [(DontRetry, DontRetry); 2]),
        (
            unavailable(0),
            Consistency::EachQuorum,
            [(same(Consistency::One), DontRetry); 2],
        ),
        // Read timeouts.
        (
            read_timeout(1, 2, false),
            q,
            [(same(Consistency::One), DontRetry); 2],
        ),
        (
            read_timeout(2, 3, true),
            q,
            [(same(Consistency::Two), DontRetry); 2],
        ),
        (read_timeout(0, 2, false), q, [(DontRetry, DontRetry); 2]),
        (
            read_timeout(2, 2, false),
            q,
            [(RetrySameTarget(None), DontRetry); 2],
        ),
        (read_timeout(2, 2, true), q, [(DontRetry, DontRetry); 2]),
        (
            read_timeout(1, 2, false),
            Consistency::Serial,
            [(DontRetry, DontRetry); 2],
        ),
        (
            read_timeout(1, 2, false),
            Consistency::LocalSerial,
            [(DontRetry, DontRetry); 2],
        ),
        // Write timeouts: never for non-idempotent statements.
        (
            write_timeout(1, WriteType::Simple),
            q,
            [(DontRetry, DontRetry), (IgnoreWriteError, DontRetry)],
        ),
        (
            write_timeout(0, WriteType::Simple),
            q,
            [(DontRetry, DontRetry); 2],
        ),
        (
            write_timeout(2, WriteType::Batch),
            q,
            [(DontRetry, DontRetry), (IgnoreWriteError, DontRetry)],
        ),
        (
            write_timeout(2, WriteType::UnloggedBatch),
            q,
            [(DontRetry, DontRetry), (same(Consistency::Two), DontRetry)],
        ),
        (
            write_timeout(0, WriteType::UnloggedBatch),
            q,
            [(DontRetry, DontRetry); 2],
        ),
        (
            write_timeout(0, WriteType::BatchLog),
            q,
            [(DontRetry, DontRetry), (RetrySameTarget(None), DontRetry)],
        ),
        (
            write_timeout(1, WriteType::Counter),
            q,
            [(DontRetry, DontRetry); 2],
        ),
        (
            write_timeout(1, WriteType::Cas),
            q,
            [(DontRetry, DontRetry); 2],
        ),
    ];
    for (error, cl, expected) in &table {
        for (idempotent, exp) in [false, true].into_iter().zip(expected) {
            assert_eq!(
                first_two(&policy, error, idempotent, *cl),
                *exp,
                "{error:?} at {cl}, idempotent: {idempotent}"
            );
        }
    }
    for e in never_retried() {
        for idempotent in [false, true] {
            assert_eq!(
                first_two(&policy, &e, idempotent, q),
                (DontRetry, DontRetry),
                "{e:?}"
            );
        }
    }
}

#[test]
fn downgrading_session_retries_once_across_kinds_and_resets() {
    let mut s = DowngradingConsistencyRetrySession::new();
    let q = Consistency::Quorum;
    assert_eq!(
        decide(&mut s, &unavailable(1), true, q),
        RetrySameTarget(Some(Consistency::One))
    );
    // One consistency-related retry per request.
    assert_eq!(
        decide(&mut s, &read_timeout(1, 2, false), true, q),
        DontRetry
    );
    // A give-up decision does not use the retry up.
    let mut s2 = DowngradingConsistencyRetrySession::new();
    assert_eq!(
        decide(&mut s2, &read_timeout(2, 2, true), true, q),
        DontRetry
    );
    assert_eq!(
        decide(&mut s2, &read_timeout(2, 2, false), true, q),
        RetrySameTarget(None)
    );
    s.reset();
    assert_eq!(
        decide(&mut s, &read_timeout(1, 2, false), true, q),
        RetrySameTarget(Some(Consistency::One))
    );
}
