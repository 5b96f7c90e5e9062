//! PREPARE (spec section 4.1.5): the statement as a `[long string]`.

use crate::frame::frame_errors::CqlRequestSerializationError;
use crate::frame::types;

use super::{RequestDeserializationError, RequestOpcode, SerializableRequest};

pub use crate::frame::frame_errors::PrepareSerializationError;

/// PREPARE: prepares a statement for later EXECUTEs.
///
/// The statement is borrowed, so this type is decoded with
/// [`Prepare::deserialize_borrowed`] rather than through
/// [`DeserializableRequest`](super::DeserializableRequest).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Prepare<'a> {
    /// The CQL statement.
    pub query: &'a str,
}

impl SerializableRequest for Prepare<'_> {
    const OPCODE: RequestOpcode = RequestOpcode::Prepare;

    fn serialize(&self, buf: &mut Vec<u8>) -> Result<(), CqlRequestSerializationError> {
        types::write_long_string(self.query, buf)
            .map_err(PrepareSerializationError::StatementStringSerialization)?;
        Ok(())
    }
}

impl<'a> Prepare<'a> {
    /// Decodes a PREPARE body, borrowing the statement text from it.
    pub fn deserialize_borrowed(buf: &mut &'a [u8]) -> Result<Self, RequestDeserializationError> {
        let query = types::read_long_string(buf).map_err(RequestDeserializationError::field(
            "the statement of PREPARE",
        ))?;
        Ok(Prepare { query })
    }
}
