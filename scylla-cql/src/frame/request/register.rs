//! REGISTER (spec section 4.1.8): a `[string list]` of event types.

use crate::frame::frame_errors::CqlRequestSerializationError;
use crate::frame::server_event_type::{EventType, EventTypeV2};
use crate::frame::types;

use super::{
    DeserializableRequest, RequestDeserializationError, RequestOpcode, SerializableRequest,
};

pub use crate::frame::frame_errors::RegisterSerializationError;

/// REGISTER: subscribes the connection to the given events.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Register {
    /// The events to receive.
    pub event_types_to_register_for: Vec<EventType>,
}

/// REGISTER with ScyllaDB's event types too (`CLIENT_ROUTES_CHANGE`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RegisterV2 {
    /// The events to receive.
    pub event_types_to_register_for: Vec<EventTypeV2>,
}

fn write_event_types(
    names: &[&str],
    buf: &mut Vec<u8>,
) -> Result<(), CqlRequestSerializationError> {
    types::write_string_list(names, buf)
        .map_err(RegisterSerializationError::EventTypesSerialization)?;
    Ok(())
}

fn read_event_types<T: std::str::FromStr>(
    buf: &mut &[u8],
) -> Result<Vec<T>, RequestDeserializationError> {
    let names = types::read_string_list(buf).map_err(RequestDeserializationError::field(
        "the event types of REGISTER",
    ))?;
    names
        .into_iter()
        .map(|name| {
            name.parse::<T>()
                .map_err(|_| RequestDeserializationError::UnknownEventType(name))
        })
        .collect()
}

impl SerializableRequest for Register {
    const OPCODE: RequestOpcode = RequestOpcode::Register;

    fn serialize(&self, buf: &mut Vec<u8>) -> Result<(), CqlRequestSerializationError> {
        let names: Vec<&str> = self
            .event_types_to_register_for
            .iter()
            .map(EventType::as_str)
            .collect();
        write_event_types(&names, buf)
    }
}

impl DeserializableRequest for Register {
    fn deserialize(buf: &mut &[u8]) -> Result<Self, RequestDeserializationError> {
        Ok(Register {
            event_types_to_register_for: read_event_types(buf)?,
        })
    }
}

impl SerializableRequest for RegisterV2 {
    const OPCODE: RequestOpcode = RequestOpcode::Register;

    fn serialize(&self, buf: &mut Vec<u8>) -> Result<(), CqlRequestSerializationError> {
        let names: Vec<&str> = self
            .event_types_to_register_for
            .iter()
            .map(EventTypeV2::as_str)
            .collect();
        write_event_types(&names, buf)
    }
}

impl DeserializableRequest for RegisterV2 {
    fn deserialize(buf: &mut &[u8]) -> Result<Self, RequestDeserializationError> {
        Ok(RegisterV2 {
            event_types_to_register_for: read_event_types(buf)?,
        })
    }
}
