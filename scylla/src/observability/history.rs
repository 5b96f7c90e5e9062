//! Request history: what happened to a request, attempt by attempt.
//!
//! Attach a [`HistoryListener`] to a statement (`set_history_listener`) and the
//! driver reports to it every request start and end, every speculative fiber, and
//! every attempt with its node, its error and the retry decision taken.
//! [`HistoryCollector`] is a listener that stores these events; turn them into a
//! [`StructuredHistory`] (which prints nicely) to see them per request and fiber.
//!
//! ```
//! use std::sync::Arc;
//! use scylla::observability::history::{HistoryCollector, HistoryListener, StructuredHistory};
//!
//! let collector = Arc::new(HistoryCollector::new());
//! // statement.set_history_listener(collector.clone());
//! // session.query_unpaged(statement, ()).await?;
//! # let id = collector.log_request_start();
//! # let attempt = collector.log_attempt_start(id, None, "127.0.0.1:9042".parse().unwrap());
//! # collector.log_attempt_success(attempt);
//! # collector.log_request_success(id);
//! let history: StructuredHistory = collector.clone_structured_history();
//! assert_eq!(history.requests.len(), 1);
//! println!("{history}");
//! ```

use std::collections::HashMap;
use std::fmt;
use std::net::SocketAddr;
use std::sync::{Mutex, MutexGuard};

use chrono::{DateTime, Utc};

use crate::errors::{RequestAttemptError, RequestError};
use crate::policies::retry::RetryDecision;

/// A point in time, as recorded in a history.
pub type TimePoint = DateTime<Utc>;

/// Identifies a request within one listener.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RequestId(pub usize);

/// Identifies a speculative fiber within one listener.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SpeculativeId(pub usize);

/// Identifies an attempt within one listener.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct AttemptId(pub usize);

/// Receives the events of the requests it is attached to. The driver calls these
/// methods on its request path: they should be quick.
pub trait HistoryListener: fmt::Debug + Send + Sync {
    /// A request started; returns an id for it.
    fn log_request_start(&self) -> RequestId;

    /// The request succeeded.
    fn log_request_success(&self, request_id: RequestId);

    /// The request failed.
    fn log_request_error(&self, request_id: RequestId, error: &RequestError);

    /// A speculative fiber (a parallel execution of the request) started; returns an
    /// id for it.
    fn log_new_speculative_fiber(&self, request_id: RequestId) -> SpeculativeId;

    /// An attempt was sent to `node_addr`, by the request's first fiber
    /// (`speculative_id` is `None`) or by a speculative one; returns an id for it.
    fn log_attempt_start(
        &self,
        request_id: RequestId,
        speculative_id: Option<SpeculativeId>,
        node_addr: SocketAddr,
    ) -> AttemptId;

    /// The attempt succeeded.
    fn log_attempt_success(&self, attempt_id: AttemptId);

    /// The attempt failed, and the retry policy decided `retry_decision`.
    fn log_attempt_error(
        &self,
        attempt_id: AttemptId,
        error: &RequestAttemptError,
        retry_decision: &RetryDecision,
    );
}

/// One recorded event.
#[derive(Debug, Clone)]
pub enum HistoryEvent {
    /// A request started.
    NewRequest(RequestId),
    /// A request succeeded.
    RequestSuccess(RequestId),
    /// A request failed.
    RequestError(RequestId, RequestError),
    /// A speculative fiber of the request started.
    NewSpeculativeFiber(SpeculativeId, RequestId),
    /// An attempt of the request (in the fiber, if speculative) was sent to the node.
    NewAttempt(AttemptId, RequestId, Option<SpeculativeId>, SocketAddr),
    /// An attempt succeeded.
    AttemptSuccess(AttemptId),
    /// An attempt failed, and the retry policy decided this.
    AttemptError(AttemptId, RequestAttemptError, RetryDecision),
}

/// The events a [`HistoryCollector`] has recorded, in order, with their times.
#[derive(Debug, Clone, Default)]
pub struct HistoryCollectorData {
    events: Vec<(HistoryEvent, TimePoint)>,
    next_request_id: usize,
    next_speculative_fiber_id: usize,
    next_attempt_id: usize,
}

impl HistoryCollectorData {
    fn add_event(&mut self, event: HistoryEvent) {
        self.events.push((event, Utc::now()));
    }

    /// The events, in the order they were recorded.
    pub(crate) fn events(&self) -> &[(HistoryEvent, TimePoint)] {
        &self.events
    }
}

/// A [`HistoryListener`] that stores every event. Share it with `Arc` between the
/// statements it observes and the code that reads it.
#[derive(Debug, Default)]
pub struct HistoryCollector {
    data: Mutex<HistoryCollectorData>,
}

impl HistoryCollector {
    /// A collector with no events.
    pub fn new() -> HistoryCollector {
        HistoryCollector::default()
    }

    fn lock(&self) -> MutexGuard<'_, HistoryCollectorData> {
        // A panic while holding the lock cannot leave the data inconsistent (every
        // update is a single push or counter increment), so poisoning is ignored.
        self.data
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// A copy of the events recorded so far.
    pub fn clone_collected(&self) -> HistoryCollectorData {
        self.lock().clone()
    }

    /// The events recorded so far; the collector is left empty. Ids keep counting
    /// up, so later events do not reuse the ids of taken ones.
    pub fn take_collected(&self) -> HistoryCollectorData {
        let mut data = self.lock();
        HistoryCollectorData {
            events: std::mem::take(&mut data.events),
            next_request_id: data.next_request_id,
            next_speculative_fiber_id: data.next_speculative_fiber_id,
            next_attempt_id: data.next_attempt_id,
        }
    }

    /// The events recorded so far, structured per request.
    pub fn clone_structured_history(&self) -> StructuredHistory {
        StructuredHistory::from(&*self.lock())
    }

    /// The events recorded so far, structured per request; the collector is left
    /// empty.
    pub fn take_structured_history(&self) -> StructuredHistory {
        StructuredHistory::from(&self.take_collected())
    }
}

impl HistoryListener for HistoryCollector {
    fn log_request_start(&self) -> RequestId {
        let mut data = self.lock();
        let id = RequestId(data.next_request_id);
        data.next_request_id += 1;
        data.add_event(HistoryEvent::NewRequest(id));
        id
    }

    fn log_request_success(&self, request_id: RequestId) {
        self.lock()
            .add_event(HistoryEvent::RequestSuccess(request_id));
    }

    fn log_request_error(&self, request_id: RequestId, error: &RequestError) {
        self.lock()
            .add_event(HistoryEvent::RequestError(request_id, error.clone()));
    }

    fn log_new_speculative_fiber(&self, request_id: RequestId) -> SpeculativeId {
        let mut data = self.lock();
        let id = SpeculativeId(data.next_speculative_fiber_id);
        data.next_speculative_fiber_id += 1;
        data.add_event(HistoryEvent::NewSpeculativeFiber(id, request_id));
        id
    }

    fn log_attempt_start(
        &self,
        request_id: RequestId,
        speculative_id: Option<SpeculativeId>,
        node_addr: SocketAddr,
    ) -> AttemptId {
        let mut data = self.lock();
        let id = AttemptId(data.next_attempt_id);
        data.next_attempt_id += 1;
        data.add_event(HistoryEvent::NewAttempt(
            id,
            request_id,
            speculative_id,
            node_addr,
        ));
        id
    }

    fn log_attempt_success(&self, attempt_id: AttemptId) {
        self.lock()
            .add_event(HistoryEvent::AttemptSuccess(attempt_id));
    }

    fn log_attempt_error(
        &self,
        attempt_id: AttemptId,
        error: &RequestAttemptError,
        retry_decision: &RetryDecision,
    ) {
        self.lock().add_event(HistoryEvent::AttemptError(
            attempt_id,
            error.clone(),
            *retry_decision,
        ));
    }
}

/// The recorded history, per request.
#[derive(Debug, Clone, Default)]
pub struct StructuredHistory {
    /// The requests, in the order they started.
    pub requests: Vec<RequestHistory>,
}

/// The history of one request.
#[derive(Debug, Clone)]
pub struct RequestHistory {
    /// When the request started.
    pub start_time: TimePoint,
    /// The attempts made by the request's first fiber.
    pub non_speculative_fiber: FiberHistory,
    /// The speculative fibers, in the order they started.
    pub speculative_fibers: Vec<FiberHistory>,
    /// How the request ended (`None`: not yet).
    pub result: Option<RequestHistoryResult>,
}

/// How a request ended.
#[derive(Debug, Clone)]
pub enum RequestHistoryResult {
    /// Success, at this time.
    Success(TimePoint),
    /// Failure, at this time, with this error.
    Error(TimePoint, RequestError),
}

/// The attempts of one fiber (the first execution of a request, or a speculative
/// one), in order.
#[derive(Debug, Clone)]
pub struct FiberHistory {
    /// When the fiber started.
    pub start_time: TimePoint,
    /// Its attempts.
    pub attempts: Vec<AttemptHistory>,
}

/// One attempt.
#[derive(Debug, Clone)]
pub struct AttemptHistory {
    /// When it was sent.
    pub send_time: TimePoint,
    /// The node it was sent to.
    pub node_addr: SocketAddr,
    /// How it ended (`None`: not yet).
    pub result: Option<AttemptResult>,
}

/// How an attempt ended.
#[derive(Debug, Clone)]
pub enum AttemptResult {
    /// Success, at this time.
    Success(TimePoint),
    /// Failure, at this time, with this error; the retry policy decided this.
    Error(TimePoint, RequestAttemptError, RetryDecision),
}

/// Where an attempt is stored: request index, fiber (None: non-speculative, Some(i):
/// speculative fiber i), attempt index.
type AttemptPlace = (usize, Option<usize>, usize);

impl From<&HistoryCollectorData> for StructuredHistory {
    fn from(data: &HistoryCollectorData) -> StructuredHistory {
        let mut requests: Vec<RequestHistory> = Vec::new();
        let mut request_index: HashMap<RequestId, usize> = HashMap::new();
        let mut fiber_place: HashMap<SpeculativeId, (usize, usize)> = HashMap::new();
        let mut attempt_place: HashMap<AttemptId, AttemptPlace> = HashMap::new();

        // Events that refer to unknown ids (e.g. after `take_collected` split a
        // request's events) are skipped.
        for (event, time) in data.events() {
            let time = *time;
            match event {
                HistoryEvent::NewRequest(id) => {
                    request_index.insert(*id, requests.len());
                    requests.push(RequestHistory {
                        start_time: time,
                        non_speculative_fiber: FiberHistory {
                            start_time: time,
                            attempts: Vec::new(),
                        },
                        speculative_fibers: Vec::new(),
                        result: None,
                    });
                }
                HistoryEvent::RequestSuccess(id) => {
                    if let Some(r) = request_index.get(id).and_then(|&i| requests.get_mut(i)) {
                        r.result = Some(RequestHistoryResult::Success(time));
                    }
                }
                HistoryEvent::RequestError(id, error) => {
                    if let Some(r) = request_index.get(id).and_then(|&i| requests.get_mut(i)) {
                        r.result = Some(RequestHistoryResult::Error(time, error.clone()));
                    }
                }
                HistoryEvent::NewSpeculativeFiber(spec_id, req_id) => {
                    if let Some(&ri) = request_index.get(req_id)
                        && let Some(r) = requests.get_mut(ri)
                    {
                        fiber_place.insert(*spec_id, (ri, r.speculative_fibers.len()));
                        r.speculative_fibers.push(FiberHistory {
                            start_time: time,
                            attempts: Vec::new(),
                        });
                    }
                }
                HistoryEvent::NewAttempt(attempt_id, req_id, spec_id, addr) => {
                    let Some(&ri) = request_index.get(req_id) else {
                        continue;
                    };
                    let fiber_index = match spec_id {
                        None => None,
                        Some(s) => match fiber_place.get(s) {
                            Some(&(fri, fi)) if fri == ri => Some(fi),
                            _ => continue,
                        },
                    };
                    let Some(r) = requests.get_mut(ri) else {
                        continue;
                    };
                    let fiber = match fiber_index {
                        None => &mut r.non_speculative_fiber,
                        Some(fi) => match r.speculative_fibers.get_mut(fi) {
                            Some(f) => f,
                            None => continue,
                        },
                    };
                    attempt_place.insert(*attempt_id, (ri, fiber_index, fiber.attempts.len()));
                    fiber.attempts.push(AttemptHistory {
                        send_time: time,
                        node_addr: *addr,
                        result: None,
                    });
                }
                HistoryEvent::AttemptSuccess(id) => {
                    if let Some(a) = find_attempt(&mut requests, attempt_place.get(id)) {
                        a.result = Some(AttemptResult::Success(time));
                    }
                }
                HistoryEvent::AttemptError(id, error, decision) => {
                    if let Some(a) = find_attempt(&mut requests, attempt_place.get(id)) {
                        a.result = Some(AttemptResult::Error(time, error.clone(), *decision));
                    }
                }
            }
        }
        StructuredHistory { requests }
    }
}

fn find_attempt<'r>(
    requests: &'r mut [RequestHistory],
    place: Option<&AttemptPlace>,
) -> Option<&'r mut AttemptHistory> {
    let &(ri, fiber, ai) = place?;
    let r = requests.get_mut(ri)?;
    let f = match fiber {
        None => &mut r.non_speculative_fiber,
        Some(fi) => r.speculative_fibers.get_mut(fi)?,
    };
    f.attempts.get_mut(ai)
}

fn write_fiber(f: &mut fmt::Formatter<'_>, fiber: &FiberHistory) -> fmt::Result {
    if fiber.attempts.is_empty() {
        writeln!(f, "|   (no attempts)")?;
    }
    for (i, a) in fiber.attempts.iter().enumerate() {
        writeln!(
            f,
            "|   attempt #{i} sent to {} at {}",
            a.node_addr, a.send_time
        )?;
        match &a.result {
            None => writeln!(f, "|     no result yet")?,
            Some(AttemptResult::Success(t)) => writeln!(f, "|     succeeded at {t}")?,
            Some(AttemptResult::Error(t, e, d)) => {
                writeln!(f, "|     failed at {t}: {e}")?;
                writeln!(f, "|     retry decision: {d:?}")?;
            }
        }
    }
    Ok(())
}

impl fmt::Display for StructuredHistory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "Request history ({} requests):", self.requests.len())?;
        for (i, r) in self.requests.iter().enumerate() {
            writeln!(f, "=== request #{i} ===")?;
            writeln!(f, "| started at {}", r.start_time)?;
            writeln!(f, "| non-speculative fiber:")?;
            write_fiber(f, &r.non_speculative_fiber)?;
            for (si, fiber) in r.speculative_fibers.iter().enumerate() {
                writeln!(
                    f,
                    "| speculative fiber #{si}, started at {}:",
                    fiber.start_time
                )?;
                write_fiber(f, fiber)?;
            }
            match &r.result {
                None => writeln!(f, "| no result yet")?,
                Some(RequestHistoryResult::Success(t)) => {
                    writeln!(f, "| request succeeded at {t}")?
                }
                Some(RequestHistoryResult::Error(t, e)) => {
                    writeln!(f, "| request failed at {t}: {e}")?
                }
            }
            writeln!(f, "=================")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::errors::DbError;

    fn addr(i: u8) -> SocketAddr {
        SocketAddr::from(([127, 0, 0, i], 9042))
    }

    fn overloaded() -> RequestAttemptError {
        RequestAttemptError::DbError(DbError::Overloaded, "busy".to_owned())
    }

    #[test]
    fn ids_count_up_and_events_are_recorded() {
        let c = HistoryCollector::new();
        let r0 = c.log_request_start();
        let r1 = c.log_request_start();
        assert_eq!((r0, r1), (RequestId(0), RequestId(1)));
        let s0 = c.log_new_speculative_fiber(r0);
        assert_eq!(s0, SpeculativeId(0));
        let a0 = c.log_attempt_start(r0, None, addr(1));
        let a1 = c.log_attempt_start(r0, Some(s0), addr(2));
        assert_eq!((a0, a1), (AttemptId(0), AttemptId(1)));
        let data = c.clone_collected();
        assert_eq!(data.events().len(), 5);
        assert!(matches!(
            data.events()[4].0,
            HistoryEvent::NewAttempt(AttemptId(1), RequestId(0), Some(SpeculativeId(0)), a) if a == addr(2)
        ));
        // Times are in order.
        assert!(data.events().windows(2).all(|w| w[0].1 <= w[1].1));

        let taken = c.take_collected();
        assert_eq!(taken.events().len(), 5);
        assert!(c.clone_collected().events().is_empty());
        // Ids keep counting after a take.
        assert_eq!(c.log_request_start(), RequestId(2));
    }

    #[test]
    fn structured_history_of_retries_and_speculation() {
        let c = HistoryCollector::new();
        let r = c.log_request_start();
        let a0 = c.log_attempt_start(r, None, addr(1));
        c.log_attempt_error(a0, &overloaded(), &RetryDecision::RetryNextTarget(None));
        let a1 = c.log_attempt_start(r, None, addr(2));
        let s = c.log_new_speculative_fiber(r);
        let a2 = c.log_attempt_start(r, Some(s), addr(3));
        c.log_attempt_success(a2);
        c.log_request_success(r);
        let r2 = c.log_request_start();
        let a3 = c.log_attempt_start(r2, None, addr(1));
        c.log_attempt_error(a3, &overloaded(), &RetryDecision::DontRetry);
        c.log_request_error(r2, &RequestError::RequestTimeout(Duration::from_secs(2)));
        let _ = a1;

        let h = c.clone_structured_history();
        assert_eq!(h.requests.len(), 2);
        let first = &h.requests[0];
        assert!(matches!(
            first.result,
            Some(RequestHistoryResult::Success(_))
        ));
        let attempts = &first.non_speculative_fiber.attempts;
        assert_eq!(attempts.len(), 2);
        assert_eq!(attempts[0].node_addr, addr(1));
        assert!(matches!(
            attempts[0].result,
            Some(AttemptResult::Error(
                _,
                RequestAttemptError::DbError(DbError::Overloaded, _),
                RetryDecision::RetryNextTarget(None)
            ))
        ));
        assert_eq!(attempts[1].node_addr, addr(2));
        assert!(attempts[1].result.is_none(), "the fiber lost the race");
        assert_eq!(first.speculative_fibers.len(), 1);
        let spec = &first.speculative_fibers[0].attempts;
        assert_eq!(spec.len(), 1);
        assert_eq!(spec[0].node_addr, addr(3));
        assert!(matches!(spec[0].result, Some(AttemptResult::Success(_))));

        let second = &h.requests[1];
        assert!(matches!(
            second.result,
            Some(RequestHistoryResult::Error(_, RequestError::RequestTimeout(d))) if d == Duration::from_secs(2)
        ));

        let text = h.to_string();
        for needle in [
            "Request history (2 requests):",
            "=== request #0 ===",
            "attempt #0 sent to 127.0.0.1:9042",
            "retry decision: RetryNextTarget(None)",
            "attempt #1 sent to 127.0.0.2:9042",
            "no result yet",
            "speculative fiber #0",
            "attempt #0 sent to 127.0.0.3:9042",
            "request succeeded at",
            "=== request #1 ===",
            "retry decision: DontRetry",
            "request failed at",
            "timed out after 2s",
        ] {
            assert!(text.contains(needle), "{needle:?} missing in:\n{text}");
        }
        // take_structured_history empties the collector.
        assert_eq!(c.take_structured_history().requests.len(), 2);
        assert!(c.clone_structured_history().requests.is_empty());
    }

    #[test]
    fn events_with_unknown_ids_are_skipped() {
        let mut data = HistoryCollectorData::default();
        data.add_event(HistoryEvent::RequestSuccess(RequestId(7)));
        data.add_event(HistoryEvent::NewAttempt(
            AttemptId(0),
            RequestId(7),
            None,
            addr(1),
        ));
        data.add_event(HistoryEvent::AttemptSuccess(AttemptId(0)));
        data.add_event(HistoryEvent::NewRequest(RequestId(1)));
        data.add_event(HistoryEvent::NewAttempt(
            AttemptId(1),
            RequestId(1),
            Some(SpeculativeId(9)),
            addr(1),
        ));
        let h = StructuredHistory::from(&data);
        assert_eq!(h.requests.len(), 1);
        assert!(h.requests[0].non_speculative_fiber.attempts.is_empty());
        assert!(h.requests[0].result.is_none());
        assert!(h.to_string().contains("(no attempts)"));
    }
}
