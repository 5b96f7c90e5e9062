//! STARTUP (spec section 4.1.1): a `[string map]` of options.

use std::borrow::Cow;
use std::collections::HashMap;

use crate::frame::frame_errors::CqlRequestSerializationError;
use crate::frame::types;

use super::{
    DeserializableRequest, RequestDeserializationError, RequestOpcode, SerializableRequest,
};

pub use crate::frame::frame_errors::StartupSerializationError;

/// STARTUP: initializes the connection with the given options (see
/// [`options`](super::options) for their names).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Startup<'a> {
    /// The options, for instance `CQL_VERSION` → `3.0.0`.
    pub options: HashMap<Cow<'a, str>, Cow<'a, str>>,
}

impl SerializableRequest for Startup<'_> {
    const OPCODE: RequestOpcode = RequestOpcode::Startup;

    fn serialize(&self, buf: &mut Vec<u8>) -> Result<(), CqlRequestSerializationError> {
        types::write_string_map(&self.options, buf)
            .map_err(StartupSerializationError::OptionsSerialization)?;
        Ok(())
    }
}

impl DeserializableRequest for Startup<'_> {
    fn deserialize(buf: &mut &[u8]) -> Result<Self, RequestDeserializationError> {
        let map = types::read_string_map(buf)
            .map_err(RequestDeserializationError::field("the options of STARTUP"))?;
        Ok(Startup {
            options: map
                .into_iter()
                .map(|(k, v)| (Cow::Owned(k), Cow::Owned(v)))
                .collect(),
        })
    }
}
