//! Request tracing: a session in `system_traces.sessions` and its events in
//! `system_traces.events`, written when a request carries the tracing flag.

use std::collections::BTreeMap;
use std::net::{IpAddr, SocketAddr};
use std::time::Instant;

use uuid::Uuid;

use crate::cluster::ClusterState;
use crate::store::Now;
use crate::system::{SYSTEM_TRACES, inet, int, map, put_row, text, uuid};

/// A tracing session being recorded.
#[derive(Debug)]
pub(crate) struct Trace {
    pub(crate) session_id: Uuid,
    started: Instant,
    started_at: Now,
    events: Vec<(Uuid, String, i32)>,
    pub(crate) parameters: BTreeMap<String, String>,
    pub(crate) request: String,
}

fn timeuuid() -> Uuid {
    Uuid::now_v1(&[0x53, 0x49, 0x4d, 0x74, 0x72, 0x63])
}

impl Trace {
    /// Starts a session.
    pub(crate) fn start(request: &str) -> Self {
        Trace {
            session_id: timeuuid(),
            started: Instant::now(),
            started_at: Now::system(),
            events: Vec::new(),
            parameters: BTreeMap::new(),
            request: request.to_string(),
        }
    }

    fn elapsed_micros(&self) -> i32 {
        i32::try_from(self.started.elapsed().as_micros()).unwrap_or(i32::MAX)
    }

    /// Records an event.
    pub(crate) fn event(&mut self, activity: impl Into<String>) {
        let elapsed = self.elapsed_micros();
        self.events.push((timeuuid(), activity.into(), elapsed));
    }

    /// Writes the session and its events. Failures to write are ignored: tracing
    /// must not fail the request.
    pub(crate) fn finish(
        mut self,
        cluster: &ClusterState,
        coordinator: IpAddr,
        client: SocketAddr,
        command: &str,
        username: Option<&str>,
    ) {
        self.event("Request complete");
        let now = Now::system();
        let duration = self.elapsed_micros().max(1);
        let schema = cluster.store.schema();
        if let Some(events) = schema.table(SYSTEM_TRACES, "events") {
            for (id, activity, elapsed) in &self.events {
                let _ = put_row(
                    events,
                    &[
                        ("session_id", Some(uuid(self.session_id))),
                        ("event_id", Some(uuid(*id))),
                        ("activity", Some(text(activity))),
                        ("source", Some(inet(coordinator))),
                        ("source_elapsed", Some(int(*elapsed))),
                        ("thread", Some(text("shard 0"))),
                    ],
                    None,
                    now,
                );
            }
        }
        if let Some(sessions) = schema.table(SYSTEM_TRACES, "sessions") {
            let started_ms = self.started_at.micros.div_euclid(1000);
            let _ = put_row(
                sessions,
                &[
                    ("session_id", Some(uuid(self.session_id))),
                    ("client", Some(inet(client.ip()))),
                    ("command", Some(text(command))),
                    ("coordinator", Some(inet(coordinator))),
                    ("duration", Some(int(duration))),
                    (
                        "parameters",
                        Some(map(self
                            .parameters
                            .iter()
                            .map(|(k, v)| (k.as_bytes(), v.as_bytes())))),
                    ),
                    ("request", Some(text(&self.request))),
                    (
                        "started_at",
                        Some(bytes::Bytes::copy_from_slice(&started_ms.to_be_bytes())),
                    ),
                    ("username", username.map(text)),
                ],
                None,
                now,
            );
        }
    }
}
