//! The event types a client can REGISTER for (spec section 4.2.6, and ScyllaDB's
//! `CLIENT_ROUTES_CHANGE` extension).

use std::fmt;
use std::str::FromStr;

use super::frame_errors::CqlEventParseError;

/// An event type of protocol v4.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventType {
    /// `TOPOLOGY_CHANGE`: a node joined or left the cluster.
    TopologyChange,
    /// `STATUS_CHANGE`: a node went up or down.
    StatusChange,
    /// `SCHEMA_CHANGE`: a keyspace, table, type, function or aggregate changed.
    SchemaChange,
}

impl EventType {
    /// The name used on the wire (`"TOPOLOGY_CHANGE"`, ...).
    pub fn as_str(&self) -> &'static str {
        match self {
            EventType::TopologyChange => "TOPOLOGY_CHANGE",
            EventType::StatusChange => "STATUS_CHANGE",
            EventType::SchemaChange => "SCHEMA_CHANGE",
        }
    }
}

impl fmt::Display for EventType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for EventType {
    type Err = CqlEventParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "TOPOLOGY_CHANGE" => Ok(EventType::TopologyChange),
            "STATUS_CHANGE" => Ok(EventType::StatusChange),
            "SCHEMA_CHANGE" => Ok(EventType::SchemaChange),
            other => Err(CqlEventParseError::UnknownEventType(other.to_owned())),
        }
    }
}

/// An event type, including ScyllaDB's `CLIENT_ROUTES_CHANGE`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum EventTypeV2 {
    /// `TOPOLOGY_CHANGE`.
    TopologyChange,
    /// `STATUS_CHANGE`.
    StatusChange,
    /// `SCHEMA_CHANGE`.
    SchemaChange,
    /// `CLIENT_ROUTES_CHANGE`: `system.client_routes` was modified.
    ClientRoutesChange,
}

impl EventTypeV2 {
    /// The name used on the wire.
    pub fn as_str(&self) -> &'static str {
        match self {
            EventTypeV2::TopologyChange => "TOPOLOGY_CHANGE",
            EventTypeV2::StatusChange => "STATUS_CHANGE",
            EventTypeV2::SchemaChange => "SCHEMA_CHANGE",
            EventTypeV2::ClientRoutesChange => "CLIENT_ROUTES_CHANGE",
        }
    }
}

impl fmt::Display for EventTypeV2 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for EventTypeV2 {
    type Err = CqlEventParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "TOPOLOGY_CHANGE" => Ok(EventTypeV2::TopologyChange),
            "STATUS_CHANGE" => Ok(EventTypeV2::StatusChange),
            "SCHEMA_CHANGE" => Ok(EventTypeV2::SchemaChange),
            "CLIENT_ROUTES_CHANGE" => Ok(EventTypeV2::ClientRoutesChange),
            other => Err(CqlEventParseError::UnknownEventType(other.to_owned())),
        }
    }
}

impl From<EventType> for EventTypeV2 {
    fn from(e: EventType) -> Self {
        match e {
            EventType::TopologyChange => EventTypeV2::TopologyChange,
            EventType::StatusChange => EventTypeV2::StatusChange,
            EventType::SchemaChange => EventTypeV2::SchemaChange,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for e in [
            EventType::TopologyChange,
            EventType::StatusChange,
            EventType::SchemaChange,
        ] {
            assert_eq!(e.to_string().parse::<EventType>().unwrap(), e);
            assert_eq!(
                e.to_string().parse::<EventTypeV2>().unwrap(),
                EventTypeV2::from(e)
            );
        }
        assert_eq!(
            "CLIENT_ROUTES_CHANGE".parse::<EventTypeV2>().unwrap(),
            EventTypeV2::ClientRoutesChange
        );
        assert!(matches!(
            "CLIENT_ROUTES_CHANGE".parse::<EventType>(),
            Err(CqlEventParseError::UnknownEventType(s)) if s == "CLIENT_ROUTES_CHANGE"
        ));
        assert!("topology_change".parse::<EventTypeV2>().is_err());
    }
}
