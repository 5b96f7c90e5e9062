//! CQL tracing: what the nodes did for a traced request.
//!
//! Turn tracing on for a statement (`set_tracing(true)`); the result then carries a
//! tracing id (`QueryResult::tracing_id`), and `Session::get_tracing_info` reads the
//! trace from the `system_traces` keyspace into a [`TracingInfo`].

use std::collections::HashMap;
use std::net::IpAddr;

use crate::DeserializeRow;
use crate::value::{CqlTimestamp, CqlTimeuuid};

/// The query that reads a tracing session (bind: the tracing id).
pub(crate) const TRACES_SESSION_QUERY_STR: &str = "SELECT client, command, coordinator, duration, parameters, request, started_at \
     FROM system_traces.sessions WHERE session_id = ?";

/// The query that reads the events of a tracing session (bind: the tracing id).
pub(crate) const TRACES_EVENTS_QUERY_STR: &str = "SELECT event_id, activity, source, source_elapsed, thread \
     FROM system_traces.events WHERE session_id = ?";

/// A tracing session: a row of `system_traces.sessions` and its events.
///
/// Rows of `system_traces.sessions` deserialize into it (columns matched by
/// name); [`events`](Self::events) is filled separately.
#[derive(Debug, Clone, PartialEq, Eq, DeserializeRow)]
#[scylla(crate = crate)]
pub struct TracingInfo {
    /// The client that sent the request.
    pub client: Option<IpAddr>,
    /// The kind of request (`QUERY`, `EXECUTE`, ...).
    pub command: Option<String>,
    /// The node that coordinated the request.
    pub coordinator: Option<IpAddr>,
    /// How long the request took, in microseconds.
    pub duration: Option<i32>,
    /// The request's parameters (consistency, page size, the query text, ...).
    pub parameters: Option<HashMap<String, String>>,
    /// A description of the request.
    pub request: Option<String>,
    /// When the request started.
    pub started_at: Option<CqlTimestamp>,
    /// The events: what each node did.
    #[scylla(skip)]
    pub events: Vec<TracingEvent>,
}

/// One event of a tracing session: a row of `system_traces.events`.
#[derive(Debug, Clone, PartialEq, Eq, DeserializeRow)]
#[scylla(crate = crate)]
pub struct TracingEvent {
    /// The event's id; its time part says when it happened.
    pub event_id: CqlTimeuuid,
    /// What happened.
    pub activity: Option<String>,
    /// The node where it happened.
    pub source: Option<IpAddr>,
    /// Microseconds since the request reached that node.
    pub source_elapsed: Option<i32>,
    /// The thread that did it.
    pub thread: Option<String>,
}

impl TracingInfo {
    /// The nodes that took part in the request (the sources of the events), each
    /// once, in the order they first appear.
    pub fn nodes(&self) -> Vec<IpAddr> {
        let mut nodes: Vec<IpAddr> = Vec::new();
        for source in self.events.iter().filter_map(|e| e.source) {
            if !nodes.contains(&source) {
                nodes.push(source);
            }
        }
        nodes
    }
}

#[cfg(test)]
mod tests {
    use bytes::Bytes;
    use scylla_cql::deserialize::FrameSlice;
    use scylla_cql::deserialize::result::{RawRowIterator, TypedRowIterator};
    use scylla_cql::frame::response::result::{
        CollectionType, ColumnSpec, ColumnType, NativeType, TableSpec,
    };
    use uuid::Uuid;

    use super::*;

    fn spec(
        name: &'static str,
        typ: ColumnType<'static>,
        table: &'static str,
    ) -> ColumnSpec<'static> {
        ColumnSpec::borrowed(name, typ, TableSpec::borrowed("system_traces", table))
    }

    fn cell(buf: &mut Vec<u8>, v: Option<&[u8]>) {
        match v {
            Some(v) => {
                buf.extend_from_slice(&(v.len() as i32).to_be_bytes());
                buf.extend_from_slice(v);
            }
            None => buf.extend_from_slice(&(-1i32).to_be_bytes()),
        }
    }

    #[test]
    fn session_row_and_events_deserialize() {
        let n = |t| ColumnType::Native(t);
        let specs = [
            spec("client", n(NativeType::Inet), "sessions"),
            spec("command", n(NativeType::Text), "sessions"),
            spec("coordinator", n(NativeType::Inet), "sessions"),
            spec("duration", n(NativeType::Int), "sessions"),
            spec(
                "parameters",
                ColumnType::Collection {
                    frozen: false,
                    typ: CollectionType::Map(
                        Box::new(n(NativeType::Text)),
                        Box::new(n(NativeType::Text)),
                    ),
                },
                "sessions",
            ),
            spec("request", n(NativeType::Text), "sessions"),
            spec("started_at", n(NativeType::Timestamp), "sessions"),
        ];
        let mut row = Vec::new();
        cell(&mut row, Some(&[127, 0, 0, 1]));
        cell(&mut row, Some(b"QUERY"));
        cell(&mut row, Some(&[127, 0, 0, 2]));
        cell(&mut row, Some(&1234i32.to_be_bytes()));
        // map<text, text> {"consistency_level": "ONE"}
        let mut map = Vec::new();
        map.extend_from_slice(&1i32.to_be_bytes());
        cell(&mut map, Some(b"consistency_level"));
        cell(&mut map, Some(b"ONE"));
        cell(&mut row, Some(&map));
        cell(&mut row, None);
        cell(&mut row, Some(&1_700_000_000_000i64.to_be_bytes()));
        let bytes = Bytes::from(row);
        let raw = RawRowIterator::new(1, &specs, FrameSlice::new(&bytes));
        let mut it = TypedRowIterator::<TracingInfo>::new(raw).unwrap();
        let mut info = it.next().unwrap().unwrap();
        assert_eq!(info.client, Some(IpAddr::from([127, 0, 0, 1])));
        assert_eq!(info.command.as_deref(), Some("QUERY"));
        assert_eq!(info.coordinator, Some(IpAddr::from([127, 0, 0, 2])));
        assert_eq!(info.duration, Some(1234));
        assert_eq!(
            info.parameters
                .as_ref()
                .and_then(|p| p.get("consistency_level"))
                .map(String::as_str),
            Some("ONE")
        );
        assert_eq!(info.request, None);
        assert_eq!(info.started_at, Some(CqlTimestamp(1_700_000_000_000)));
        assert!(info.events.is_empty());

        let especs = [
            spec("event_id", n(NativeType::Timeuuid), "events"),
            spec("activity", n(NativeType::Text), "events"),
            spec("source", n(NativeType::Inet), "events"),
            spec("source_elapsed", n(NativeType::Int), "events"),
            spec("thread", n(NativeType::Text), "events"),
        ];
        let id = Uuid::from_u128(0x1d8c_1a2e_0000_1000_8000_0000_0000_0001);
        let mut rows = Vec::new();
        for (src, elapsed) in [(1u8, 10i32), (2, 20), (1, 30)] {
            cell(&mut rows, Some(id.as_bytes()));
            cell(&mut rows, Some(b"Parsing"));
            cell(&mut rows, Some(&[127, 0, 0, src]));
            cell(&mut rows, Some(&elapsed.to_be_bytes()));
            cell(&mut rows, None);
        }
        let bytes = Bytes::from(rows);
        let raw = RawRowIterator::new(3, &especs, FrameSlice::new(&bytes));
        info.events = TypedRowIterator::<TracingEvent>::new(raw)
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(info.events.len(), 3);
        assert_eq!(info.events[1].source_elapsed, Some(20));
        assert_eq!(info.events[0].activity.as_deref(), Some("Parsing"));
        assert_eq!(info.events[0].thread, None);
        assert_eq!(
            info.nodes(),
            vec![IpAddr::from([127, 0, 0, 1]), IpAddr::from([127, 0, 0, 2])]
        );
    }

    #[test]
    fn wrong_column_types_fail_the_type_check() {
        let specs = [spec(
            "event_id",
            ColumnType::Native(NativeType::Int),
            "events",
        )];
        let bytes = Bytes::new();
        let raw = RawRowIterator::new(0, &specs, FrameSlice::new(&bytes));
        assert!(TypedRowIterator::<TracingEvent>::new(raw).is_err());
    }
}
