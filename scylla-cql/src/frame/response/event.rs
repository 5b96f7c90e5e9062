//! EVENT (spec section 4.2.6) and ScyllaDB's CLIENT_ROUTES_CHANGE event.

use std::net::SocketAddr;

use uuid::Uuid;

use crate::frame::types;

use super::parse_errors::{
    ClientRoutesChangeEventParseError, ClusterChangeEventParseError, CqlEventParseError,
    CqlResponseSerializationError, SchemaChangeEventParseError,
};
use super::write_helpers::{put_string, put_string_list};

/// Event type string of topology changes.
pub const TOPOLOGY_CHANGE: &str = "TOPOLOGY_CHANGE";
/// Event type string of status changes.
pub const STATUS_CHANGE: &str = "STATUS_CHANGE";
/// Event type string of schema changes.
pub const SCHEMA_CHANGE: &str = "SCHEMA_CHANGE";
/// Event type string of ScyllaDB's client routes changes.
pub const CLIENT_ROUTES_CHANGE: &str = "CLIENT_ROUTES_CHANGE";

/// An event of the three kinds defined by protocol v4.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// A node joined or left the cluster.
    TopologyChange(TopologyChangeEvent),
    /// A node went up or down.
    StatusChange(StatusChangeEvent),
    /// A schema object was created, altered or dropped.
    SchemaChange(SchemaChangeEvent),
}

/// An event of any kind this crate knows, including ScyllaDB's CLIENT_ROUTES_CHANGE.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum EventV2 {
    /// A node joined or left the cluster.
    TopologyChange(TopologyChangeEvent),
    /// A node went up or down.
    StatusChange(StatusChangeEvent),
    /// A schema object was created, altered or dropped.
    SchemaChange(SchemaChangeEvent),
    /// Rows of `system.client_routes` changed.
    ClientRoutesChange(ClientRoutesChangeEvent),
}

/// TOPOLOGY_CHANGE.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TopologyChangeEvent {
    /// `NEW_NODE`: a node joined; its CQL address.
    NewNode(SocketAddr),
    /// `REMOVED_NODE`: a node left; its CQL address.
    RemovedNode(SocketAddr),
}

/// STATUS_CHANGE.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusChangeEvent {
    /// `UP`: the node is up; its CQL address.
    Up(SocketAddr),
    /// `DOWN`: the node is down; its CQL address.
    Down(SocketAddr),
}

/// The change type of a schema change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SchemaChangeType {
    /// `CREATED`.
    Created,
    /// `UPDATED`.
    Updated,
    /// `DROPPED`.
    Dropped,
    /// A change type string this crate does not know (it cannot be serialized).
    Invalid,
}

impl SchemaChangeType {
    fn from_wire(s: &str) -> Self {
        match s {
            "CREATED" => SchemaChangeType::Created,
            "UPDATED" => SchemaChangeType::Updated,
            "DROPPED" => SchemaChangeType::Dropped,
            _ => SchemaChangeType::Invalid,
        }
    }

    /// The protocol string, or `None` for [`SchemaChangeType::Invalid`].
    pub fn as_str(&self) -> Option<&'static str> {
        match self {
            SchemaChangeType::Created => Some("CREATED"),
            SchemaChangeType::Updated => Some("UPDATED"),
            SchemaChangeType::Dropped => Some("DROPPED"),
            SchemaChangeType::Invalid => None,
        }
    }
}

/// SCHEMA_CHANGE (also the body of a Schema_change result).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SchemaChangeEvent {
    /// Target `KEYSPACE`.
    KeyspaceChange {
        /// What happened.
        change_type: SchemaChangeType,
        /// The keyspace.
        keyspace_name: String,
    },
    /// Target `TABLE` (also index and view changes, which are table changes).
    TableChange {
        /// What happened.
        change_type: SchemaChangeType,
        /// The table's keyspace.
        keyspace_name: String,
        /// The table.
        object_name: String,
    },
    /// Target `TYPE` (user-defined types).
    TypeChange {
        /// What happened.
        change_type: SchemaChangeType,
        /// The type's keyspace.
        keyspace_name: String,
        /// The type.
        type_name: String,
    },
    /// Target `FUNCTION`.
    FunctionChange {
        /// What happened.
        change_type: SchemaChangeType,
        /// The function's keyspace.
        keyspace_name: String,
        /// The function.
        function_name: String,
        /// The CQL types of its arguments.
        arguments: Vec<String>,
    },
    /// Target `AGGREGATE`.
    AggregateChange {
        /// What happened.
        change_type: SchemaChangeType,
        /// The aggregate's keyspace.
        keyspace_name: String,
        /// The aggregate.
        aggregate_name: String,
        /// The CQL types of its arguments.
        arguments: Vec<String>,
    },
}

/// ScyllaDB's CLIENT_ROUTES_CHANGE.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ClientRoutesChangeEvent {
    /// `UPDATE_NODES`: at least one client route was inserted, updated or deleted.
    UpdateNodes {
        /// The affected connection ids, pairwise with `host_ids`.
        connection_ids: Vec<String>,
        /// The affected host ids.
        host_ids: Vec<Uuid>,
    },
}

fn read_event_type<'a>(buf: &mut &'a [u8]) -> Result<&'a str, CqlEventParseError> {
    types::read_string(buf).map_err(CqlEventParseError::EventTypeParseError)
}

impl Event {
    /// Parses an EVENT body. A CLIENT_ROUTES_CHANGE event is reported as
    /// [`CqlEventParseError::UnknownEventType`]; use [`EventV2`] to read it.
    pub fn deserialize(buf: &mut &[u8]) -> Result<Self, CqlEventParseError> {
        let event_type = read_event_type(buf)?;
        Self::deserialize_after_type(event_type, buf)
    }

    fn deserialize_after_type(
        event_type: &str,
        buf: &mut &[u8],
    ) -> Result<Self, CqlEventParseError> {
        match event_type {
            TOPOLOGY_CHANGE => Ok(Event::TopologyChange(
                TopologyChangeEvent::deserialize(buf)
                    .map_err(CqlEventParseError::TopologyChangeEventParseError)?,
            )),
            STATUS_CHANGE => Ok(Event::StatusChange(
                StatusChangeEvent::deserialize(buf)
                    .map_err(CqlEventParseError::StatusChangeEventParseError)?,
            )),
            SCHEMA_CHANGE => Ok(Event::SchemaChange(SchemaChangeEvent::deserialize(buf)?)),
            other => Err(CqlEventParseError::UnknownEventType(other.to_owned())),
        }
    }

    /// Appends an EVENT body.
    pub fn serialize(&self, buf: &mut Vec<u8>) -> Result<(), CqlResponseSerializationError> {
        match self {
            Event::TopologyChange(e) => {
                put_string(TOPOLOGY_CHANGE, "event type", buf)?;
                e.serialize(buf)
            }
            Event::StatusChange(e) => {
                put_string(STATUS_CHANGE, "event type", buf)?;
                e.serialize(buf)
            }
            Event::SchemaChange(e) => {
                put_string(SCHEMA_CHANGE, "event type", buf)?;
                e.serialize(buf)
            }
        }
    }
}

impl EventV2 {
    /// Parses an EVENT body, including CLIENT_ROUTES_CHANGE.
    pub fn deserialize(buf: &mut &[u8]) -> Result<Self, CqlEventParseError> {
        let event_type = read_event_type(buf)?;
        if event_type == CLIENT_ROUTES_CHANGE {
            return Ok(EventV2::ClientRoutesChange(
                ClientRoutesChangeEvent::deserialize(buf)?,
            ));
        }
        Event::deserialize_after_type(event_type, buf).map(EventV2::from)
    }

    /// Appends an EVENT body.
    pub fn serialize(&self, buf: &mut Vec<u8>) -> Result<(), CqlResponseSerializationError> {
        match self {
            EventV2::TopologyChange(e) => Event::TopologyChange(*e).serialize(buf),
            EventV2::StatusChange(e) => Event::StatusChange(*e).serialize(buf),
            EventV2::SchemaChange(e) => {
                put_string(SCHEMA_CHANGE, "event type", buf)?;
                e.serialize(buf)
            }
            EventV2::ClientRoutesChange(e) => {
                put_string(CLIENT_ROUTES_CHANGE, "event type", buf)?;
                e.serialize(buf)
            }
        }
    }
}

impl From<Event> for EventV2 {
    fn from(e: Event) -> Self {
        match e {
            Event::TopologyChange(e) => EventV2::TopologyChange(e),
            Event::StatusChange(e) => EventV2::StatusChange(e),
            Event::SchemaChange(e) => EventV2::SchemaChange(e),
        }
    }
}

impl TryFrom<EventV2> for Event {
    type Error = ClientRoutesChangeEvent;

    /// Fails with the event itself when it has no v4 equivalent.
    fn try_from(e: EventV2) -> Result<Self, Self::Error> {
        match e {
            EventV2::TopologyChange(e) => Ok(Event::TopologyChange(e)),
            EventV2::StatusChange(e) => Ok(Event::StatusChange(e)),
            EventV2::SchemaChange(e) => Ok(Event::SchemaChange(e)),
            EventV2::ClientRoutesChange(e) => Err(e),
        }
    }
}

fn read_change_and_addr<'a>(
    buf: &mut &'a [u8],
) -> Result<(&'a str, SocketAddr), ClusterChangeEventParseError> {
    let change =
        types::read_string(buf).map_err(ClusterChangeEventParseError::TypeOfChangeParseError)?;
    let addr =
        types::read_inet(buf).map_err(ClusterChangeEventParseError::NodeAddressParseError)?;
    Ok((change, addr))
}

impl TopologyChangeEvent {
    /// Parses the body of a TOPOLOGY_CHANGE event (after the event type).
    pub fn deserialize(buf: &mut &[u8]) -> Result<Self, ClusterChangeEventParseError> {
        let (change, addr) = read_change_and_addr(buf)?;
        match change {
            "NEW_NODE" => Ok(TopologyChangeEvent::NewNode(addr)),
            "REMOVED_NODE" => Ok(TopologyChangeEvent::RemovedNode(addr)),
            other => Err(ClusterChangeEventParseError::UnknownTypeOfChange(
                other.to_owned(),
            )),
        }
    }

    /// Appends the body of a TOPOLOGY_CHANGE event (after the event type).
    pub fn serialize(&self, buf: &mut Vec<u8>) -> Result<(), CqlResponseSerializationError> {
        let (change, addr) = match self {
            TopologyChangeEvent::NewNode(a) => ("NEW_NODE", a),
            TopologyChangeEvent::RemovedNode(a) => ("REMOVED_NODE", a),
        };
        put_string(change, "change type", buf)?;
        types::write_inet(*addr, buf);
        Ok(())
    }
}

impl StatusChangeEvent {
    /// Parses the body of a STATUS_CHANGE event (after the event type).
    pub fn deserialize(buf: &mut &[u8]) -> Result<Self, ClusterChangeEventParseError> {
        let (change, addr) = read_change_and_addr(buf)?;
        match change {
            "UP" => Ok(StatusChangeEvent::Up(addr)),
            "DOWN" => Ok(StatusChangeEvent::Down(addr)),
            other => Err(ClusterChangeEventParseError::UnknownTypeOfChange(
                other.to_owned(),
            )),
        }
    }

    /// Appends the body of a STATUS_CHANGE event (after the event type).
    pub fn serialize(&self, buf: &mut Vec<u8>) -> Result<(), CqlResponseSerializationError> {
        let (change, addr) = match self {
            StatusChangeEvent::Up(a) => ("UP", a),
            StatusChangeEvent::Down(a) => ("DOWN", a),
        };
        put_string(change, "change type", buf)?;
        types::write_inet(*addr, buf);
        Ok(())
    }
}

impl SchemaChangeEvent {
    /// Parses `<change_type><target><options>` (the body of a SCHEMA_CHANGE event
    /// after the event type, and of a Schema_change result after the kind).
    pub fn deserialize(buf: &mut &[u8]) -> Result<Self, SchemaChangeEventParseError> {
        use SchemaChangeEventParseError as E;
        let change_type = SchemaChangeType::from_wire(
            types::read_string(buf).map_err(E::TypeOfChangeParseError)?,
        );
        let target = types::read_string(buf).map_err(E::TargetTypeParseError)?;
        let keyspace_name = types::read_string(buf)
            .map_err(E::AffectedKeyspaceParseError)?
            .to_owned();
        Ok(match target {
            "KEYSPACE" => SchemaChangeEvent::KeyspaceChange {
                change_type,
                keyspace_name,
            },
            "TABLE" => SchemaChangeEvent::TableChange {
                change_type,
                keyspace_name,
                object_name: types::read_string(buf)
                    .map_err(E::AffectedTableNameParseError)?
                    .to_owned(),
            },
            "TYPE" => SchemaChangeEvent::TypeChange {
                change_type,
                keyspace_name,
                type_name: types::read_string(buf)
                    .map_err(E::AffectedTableNameParseError)?
                    .to_owned(),
            },
            "FUNCTION" | "AGGREGATE" => {
                let name = types::read_string(buf)
                    .map_err(E::AffectedTargetNameParseError)?
                    .to_owned();
                let count = types::read_short_length(buf).map_err(E::ArgumentCountParseError)?;
                // Each argument takes at least 2 bytes; do not trust `count` further.
                let mut arguments = Vec::with_capacity(count.min(buf.len() / 2));
                for _ in 0..count {
                    arguments.push(
                        types::read_string(buf)
                            .map_err(E::FunctionArgumentParseError)?
                            .to_owned(),
                    );
                }
                if target == "FUNCTION" {
                    SchemaChangeEvent::FunctionChange {
                        change_type,
                        keyspace_name,
                        function_name: name,
                        arguments,
                    }
                } else {
                    SchemaChangeEvent::AggregateChange {
                        change_type,
                        keyspace_name,
                        aggregate_name: name,
                        arguments,
                    }
                }
            }
            other => return Err(E::UnknownTargetOfSchemaChange(other.to_owned())),
        })
    }

    /// The change type.
    pub fn change_type(&self) -> SchemaChangeType {
        match self {
            SchemaChangeEvent::KeyspaceChange { change_type, .. }
            | SchemaChangeEvent::TableChange { change_type, .. }
            | SchemaChangeEvent::TypeChange { change_type, .. }
            | SchemaChangeEvent::FunctionChange { change_type, .. }
            | SchemaChangeEvent::AggregateChange { change_type, .. } => *change_type,
        }
    }

    /// The keyspace of the changed object.
    pub fn keyspace_name(&self) -> &str {
        match self {
            SchemaChangeEvent::KeyspaceChange { keyspace_name, .. }
            | SchemaChangeEvent::TableChange { keyspace_name, .. }
            | SchemaChangeEvent::TypeChange { keyspace_name, .. }
            | SchemaChangeEvent::FunctionChange { keyspace_name, .. }
            | SchemaChangeEvent::AggregateChange { keyspace_name, .. } => keyspace_name,
        }
    }

    /// Appends `<change_type><target><options>`.
    ///
    /// Fails for [`SchemaChangeType::Invalid`], which has no protocol string.
    pub fn serialize(&self, buf: &mut Vec<u8>) -> Result<(), CqlResponseSerializationError> {
        let change =
            self.change_type()
                .as_str()
                .ok_or(CqlResponseSerializationError::Unrepresentable(
                    "a schema change of type Invalid cannot be serialized",
                ))?;
        put_string(change, "change type", buf)?;
        match self {
            SchemaChangeEvent::KeyspaceChange { keyspace_name, .. } => {
                put_string("KEYSPACE", "target", buf)?;
                put_string(keyspace_name, "keyspace name", buf)?;
            }
            SchemaChangeEvent::TableChange {
                keyspace_name,
                object_name,
                ..
            } => {
                put_string("TABLE", "target", buf)?;
                put_string(keyspace_name, "keyspace name", buf)?;
                put_string(object_name, "table name", buf)?;
            }
            SchemaChangeEvent::TypeChange {
                keyspace_name,
                type_name,
                ..
            } => {
                put_string("TYPE", "target", buf)?;
                put_string(keyspace_name, "keyspace name", buf)?;
                put_string(type_name, "type name", buf)?;
            }
            SchemaChangeEvent::FunctionChange {
                keyspace_name,
                function_name,
                arguments,
                ..
            } => {
                put_string("FUNCTION", "target", buf)?;
                put_string(keyspace_name, "keyspace name", buf)?;
                put_string(function_name, "function name", buf)?;
                put_string_list(arguments, "argument types", buf)?;
            }
            SchemaChangeEvent::AggregateChange {
                keyspace_name,
                aggregate_name,
                arguments,
                ..
            } => {
                put_string("AGGREGATE", "target", buf)?;
                put_string(keyspace_name, "keyspace name", buf)?;
                put_string(aggregate_name, "aggregate name", buf)?;
                put_string_list(arguments, "argument types", buf)?;
            }
        }
        Ok(())
    }
}

impl ClientRoutesChangeEvent {
    /// Parses the body of a CLIENT_ROUTES_CHANGE event (after the event type).
    pub fn deserialize(buf: &mut &[u8]) -> Result<Self, ClientRoutesChangeEventParseError> {
        use ClientRoutesChangeEventParseError as E;
        let change = types::read_string(buf).map_err(E::TypeOfChangeParseError)?;
        if change != "UPDATE_NODES" {
            return Err(E::UnknownTypeOfChange(change.to_owned()));
        }
        let connection_ids = types::read_string_list(buf).map_err(E::ConnectionIdsParseError)?;
        let host_ids = types::read_string_list(buf).map_err(E::HostIdsParseError)?;
        if connection_ids.len() != host_ids.len() {
            return Err(E::ConnectionHostIdsLengthMismatch {
                connection_ids_count: connection_ids.len(),
                host_ids_count: host_ids.len(),
            });
        }
        let host_ids = host_ids
            .iter()
            .map(|s| Uuid::parse_str(s))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(ClientRoutesChangeEvent::UpdateNodes {
            connection_ids,
            host_ids,
        })
    }

    /// Appends the body of a CLIENT_ROUTES_CHANGE event (after the event type).
    ///
    /// Fails if the two lists do not pair up.
    pub fn serialize(&self, buf: &mut Vec<u8>) -> Result<(), CqlResponseSerializationError> {
        match self {
            ClientRoutesChangeEvent::UpdateNodes {
                connection_ids,
                host_ids,
            } => {
                if connection_ids.len() != host_ids.len() {
                    return Err(CqlResponseSerializationError::Unrepresentable(
                        "CLIENT_ROUTES_CHANGE needs as many host ids as connection ids",
                    ));
                }
                put_string("UPDATE_NODES", "change type", buf)?;
                put_string_list(connection_ids, "connection ids", buf)?;
                let hosts: Vec<String> = host_ids.iter().map(Uuid::to_string).collect();
                put_string_list(&hosts, "host ids", buf)?;
                Ok(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_routes_change_round_trip_and_v1_rejects_it() {
        let e = EventV2::ClientRoutesChange(ClientRoutesChangeEvent::UpdateNodes {
            connection_ids: vec!["c1".into()],
            host_ids: vec![Uuid::from_u128(0x1234)],
        });
        let mut buf = Vec::new();
        e.serialize(&mut buf).unwrap();
        assert_eq!(EventV2::deserialize(&mut &buf[..]).unwrap(), e);
        assert!(matches!(
            Event::deserialize(&mut &buf[..]),
            Err(CqlEventParseError::UnknownEventType(t)) if t == "CLIENT_ROUTES_CHANGE"
        ));
    }

    #[test]
    fn unknown_schema_change_type_is_invalid_and_not_serializable() {
        let mut buf = Vec::new();
        for s in ["ALTERED", "KEYSPACE", "ks"] {
            types::write_string(s, &mut buf).unwrap();
        }
        let e = SchemaChangeEvent::deserialize(&mut &buf[..]).unwrap();
        assert_eq!(e.change_type(), SchemaChangeType::Invalid);
        assert!(e.serialize(&mut Vec::new()).is_err());
    }
}
