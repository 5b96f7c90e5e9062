//! AUTH_RESPONSE (spec section 4.1.2): one `[bytes]` token.

use crate::frame::frame_errors::CqlRequestSerializationError;
use crate::frame::types;

use super::{
    DeserializableRequest, RequestDeserializationError, RequestOpcode, SerializableRequest,
};

pub use crate::frame::frame_errors::AuthResponseSerializationError;

/// AUTH_RESPONSE: the client's answer to an authentication challenge.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AuthResponse {
    /// The SASL token; `None` is sent as a null `[bytes]`.
    pub response: Option<Vec<u8>>,
}

impl SerializableRequest for AuthResponse {
    const OPCODE: RequestOpcode = RequestOpcode::AuthResponse;

    fn serialize(&self, buf: &mut Vec<u8>) -> Result<(), CqlRequestSerializationError> {
        types::write_bytes_opt(self.response.as_deref(), buf)
            .map_err(AuthResponseSerializationError::ResponseSerialization)?;
        Ok(())
    }
}

impl DeserializableRequest for AuthResponse {
    fn deserialize(buf: &mut &[u8]) -> Result<Self, RequestDeserializationError> {
        let token = types::read_bytes_opt(buf).map_err(RequestDeserializationError::field(
            "the token of AUTH_RESPONSE",
        ))?;
        Ok(AuthResponse {
            response: token.map(<[u8]>::to_vec),
        })
    }
}
