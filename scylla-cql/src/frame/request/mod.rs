//! Request messages (client to server, spec section 4.1): each one can be encoded
//! ([`SerializableRequest`]) by a client and decoded ([`DeserializableRequest`]) by a
//! server or a proxy.

use std::fmt;

use bytes::Bytes;

use crate::frame::TryFromPrimitiveError;
use crate::frame::frame_errors::CqlRequestSerializationError;
use crate::frame::protocol_features::ProtocolFeatures;
use crate::frame::types::{Consistency, SerialConsistency};
use crate::serialize::row::SerializedValues;

pub mod auth_response;
pub mod batch;
pub mod cow_bytes;
pub mod execute;
pub mod options;
pub mod prepare;
pub mod query;
pub mod register;
pub mod startup;

pub use auth_response::AuthResponse;
pub use batch::Batch;
pub use execute::{Execute, ExecuteV2};
pub use options::Options;
pub use prepare::Prepare;
pub use query::{Query, QueryParameters};
pub use register::{Register, RegisterV2};
pub use startup::Startup;

pub use crate::frame::frame_errors::RequestDeserializationError;

use batch::BatchStatement;

/// The opcode of a request (spec section 2.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(u8)]
pub enum RequestOpcode {
    /// STARTUP.
    Startup = 0x01,
    /// OPTIONS.
    Options = 0x05,
    /// QUERY.
    Query = 0x07,
    /// PREPARE.
    Prepare = 0x09,
    /// EXECUTE.
    Execute = 0x0A,
    /// REGISTER.
    Register = 0x0B,
    /// BATCH.
    Batch = 0x0D,
    /// AUTH_RESPONSE.
    AuthResponse = 0x0F,
}

impl TryFrom<u8> for RequestOpcode {
    type Error = TryFromPrimitiveError<u8>;

    fn try_from(value: u8) -> Result<Self, Self::Error> {
        Ok(match value {
            0x01 => Self::Startup,
            0x05 => Self::Options,
            0x07 => Self::Query,
            0x09 => Self::Prepare,
            0x0A => Self::Execute,
            0x0B => Self::Register,
            0x0D => Self::Batch,
            0x0F => Self::AuthResponse,
            _ => return Err(TryFromPrimitiveError::new("RequestOpcode", value)),
        })
    }
}

impl fmt::Display for RequestOpcode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&CqlRequestKind::from(*self), f)
    }
}

/// The kind of a request, for errors and metrics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CqlRequestKind {
    /// STARTUP.
    Startup,
    /// AUTH_RESPONSE.
    AuthResponse,
    /// OPTIONS.
    Options,
    /// QUERY.
    Query,
    /// PREPARE.
    Prepare,
    /// EXECUTE.
    Execute,
    /// BATCH.
    Batch,
    /// REGISTER.
    Register,
}

impl fmt::Display for CqlRequestKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            CqlRequestKind::Startup => "STARTUP",
            CqlRequestKind::AuthResponse => "AUTH_RESPONSE",
            CqlRequestKind::Options => "OPTIONS",
            CqlRequestKind::Query => "QUERY",
            CqlRequestKind::Prepare => "PREPARE",
            CqlRequestKind::Execute => "EXECUTE",
            CqlRequestKind::Batch => "BATCH",
            CqlRequestKind::Register => "REGISTER",
        })
    }
}

impl From<RequestOpcode> for CqlRequestKind {
    fn from(op: RequestOpcode) -> Self {
        match op {
            RequestOpcode::Startup => CqlRequestKind::Startup,
            RequestOpcode::Options => CqlRequestKind::Options,
            RequestOpcode::Query => CqlRequestKind::Query,
            RequestOpcode::Prepare => CqlRequestKind::Prepare,
            RequestOpcode::Execute => CqlRequestKind::Execute,
            RequestOpcode::Register => CqlRequestKind::Register,
            RequestOpcode::Batch => CqlRequestKind::Batch,
            RequestOpcode::AuthResponse => CqlRequestKind::AuthResponse,
        }
    }
}

/// A request that can be written as a frame body.
pub trait SerializableRequest {
    /// The request's opcode.
    const OPCODE: RequestOpcode;

    /// Appends the body of the request to `buf`.
    fn serialize(&self, buf: &mut Vec<u8>) -> Result<(), CqlRequestSerializationError>;

    /// The body of the request.
    fn to_bytes(&self) -> Result<Bytes, CqlRequestSerializationError> {
        let mut v = Vec::new();
        self.serialize(&mut v)?;
        Ok(v.into())
    }
}

/// A request that can be read back from a frame body (server and proxy side).
///
/// Decoders read from the front of `buf` and advance it past what they consumed;
/// bytes after the request are left in `buf` (the spec lets a body carry more).
pub trait DeserializableRequest: SerializableRequest + Sized {
    /// Decodes the request, assuming no protocol extension was negotiated.
    fn deserialize(buf: &mut &[u8]) -> Result<Self, RequestDeserializationError>;

    /// Decodes the request as sent on a connection with `features` negotiated.
    fn deserialize_with_features(
        buf: &mut &[u8],
        features: &ProtocolFeatures,
    ) -> Result<Self, RequestDeserializationError> {
        let _ = features;
        Self::deserialize(buf)
    }
}

/// A BATCH as decoded from the wire.
pub type DeserializedBatch<'r> = Batch<'r, BatchStatement<'r>, Vec<SerializedValues>>;

/// A request that carries a statement to run: QUERY, EXECUTE or BATCH.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Request<'r> {
    /// QUERY.
    Query(Query<'r>),
    /// EXECUTE.
    Execute(Execute<'r>),
    /// BATCH.
    Batch(DeserializedBatch<'r>),
}

impl Request<'_> {
    /// Decodes a QUERY, EXECUTE or BATCH body; other opcodes are an error.
    pub fn deserialize(
        buf: &mut &[u8],
        opcode: RequestOpcode,
    ) -> Result<Self, RequestDeserializationError> {
        match opcode {
            RequestOpcode::Query => Query::deserialize(buf).map(Self::Query),
            RequestOpcode::Execute => Execute::deserialize(buf).map(Self::Execute),
            RequestOpcode::Batch => Batch::deserialize(buf).map(Self::Batch),
            other => Err(RequestDeserializationError::UnexpectedOpcode(other)),
        }
    }

    /// The consistency of the request.
    pub fn get_consistency(&self) -> Option<Consistency> {
        match self {
            Request::Query(q) => Some(q.parameters.consistency),
            Request::Execute(e) => Some(e.parameters.consistency),
            Request::Batch(b) => Some(b.consistency),
        }
    }

    /// The serial consistency of the request (`Some(None)` when it sets none).
    pub fn get_serial_consistency(&self) -> Option<Option<SerialConsistency>> {
        match self {
            Request::Query(q) => Some(q.parameters.serial_consistency),
            Request::Execute(e) => Some(e.parameters.serial_consistency),
            Request::Batch(b) => Some(b.serial_consistency),
        }
    }
}

/// [`Request`] with EXECUTE decoded as [`ExecuteV2`] (result metadata id and tablet
/// version block, as negotiated).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum RequestV2<'r> {
    /// QUERY.
    Query(Query<'r>),
    /// EXECUTE.
    Execute(ExecuteV2<'r>),
    /// BATCH.
    Batch(DeserializedBatch<'r>),
}

impl RequestV2<'_> {
    /// Decodes a QUERY, EXECUTE or BATCH body sent on a connection with `features`.
    pub fn deserialize(
        buf: &mut &[u8],
        opcode: RequestOpcode,
        features: &ProtocolFeatures,
    ) -> Result<Self, RequestDeserializationError> {
        match opcode {
            RequestOpcode::Query => {
                Query::deserialize_with_features(buf, features).map(Self::Query)
            }
            RequestOpcode::Execute => {
                ExecuteV2::deserialize_with_features(buf, features).map(Self::Execute)
            }
            RequestOpcode::Batch => {
                Batch::deserialize_with_features(buf, features).map(Self::Batch)
            }
            other => Err(RequestDeserializationError::UnexpectedOpcode(other)),
        }
    }

    /// The consistency of the request.
    pub fn get_consistency(&self) -> Option<Consistency> {
        match self {
            RequestV2::Query(q) => Some(q.parameters.consistency),
            RequestV2::Execute(e) => Some(e.parameters.consistency),
            RequestV2::Batch(b) => Some(b.consistency),
        }
    }

    /// The serial consistency of the request (`Some(None)` when it sets none).
    pub fn get_serial_consistency(&self) -> Option<Option<SerialConsistency>> {
        match self {
            RequestV2::Query(q) => Some(q.parameters.serial_consistency),
            RequestV2::Execute(e) => Some(e.parameters.serial_consistency),
            RequestV2::Batch(b) => Some(b.serial_consistency),
        }
    }
}

/// Any request, decoded by opcode: what a server reads from a client.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum AnyRequest<'r> {
    /// STARTUP.
    Startup(Startup<'r>),
    /// AUTH_RESPONSE.
    AuthResponse(AuthResponse),
    /// OPTIONS.
    Options(Options),
    /// QUERY.
    Query(Query<'r>),
    /// PREPARE (borrowing the statement text from the body).
    Prepare(Prepare<'r>),
    /// EXECUTE.
    Execute(ExecuteV2<'r>),
    /// BATCH.
    Batch(DeserializedBatch<'r>),
    /// REGISTER (including ScyllaDB's `CLIENT_ROUTES_CHANGE`).
    Register(RegisterV2),
}

impl<'r> AnyRequest<'r> {
    /// Decodes the body of a request with `opcode`, sent on a connection with
    /// `features` negotiated.
    pub fn deserialize(
        buf: &mut &'r [u8],
        opcode: RequestOpcode,
        features: &ProtocolFeatures,
    ) -> Result<Self, RequestDeserializationError> {
        Ok(match opcode {
            RequestOpcode::Startup => {
                Self::Startup(Startup::deserialize_with_features(buf, features)?)
            }
            RequestOpcode::AuthResponse => {
                Self::AuthResponse(AuthResponse::deserialize_with_features(buf, features)?)
            }
            RequestOpcode::Options => {
                Self::Options(Options::deserialize_with_features(buf, features)?)
            }
            RequestOpcode::Query => Self::Query(Query::deserialize_with_features(buf, features)?),
            RequestOpcode::Prepare => Self::Prepare(Prepare::deserialize_borrowed(buf)?),
            RequestOpcode::Execute => {
                Self::Execute(ExecuteV2::deserialize_with_features(buf, features)?)
            }
            RequestOpcode::Batch => Self::Batch(Batch::deserialize_with_features(buf, features)?),
            RequestOpcode::Register => {
                Self::Register(RegisterV2::deserialize_with_features(buf, features)?)
            }
        })
    }

    /// The opcode of this request.
    pub fn opcode(&self) -> RequestOpcode {
        match self {
            AnyRequest::Startup(_) => RequestOpcode::Startup,
            AnyRequest::AuthResponse(_) => RequestOpcode::AuthResponse,
            AnyRequest::Options(_) => RequestOpcode::Options,
            AnyRequest::Query(_) => RequestOpcode::Query,
            AnyRequest::Prepare(_) => RequestOpcode::Prepare,
            AnyRequest::Execute(_) => RequestOpcode::Execute,
            AnyRequest::Batch(_) => RequestOpcode::Batch,
            AnyRequest::Register(_) => RequestOpcode::Register,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opcodes_match_the_spec() {
        let pairs = [
            (0x01, RequestOpcode::Startup),
            (0x05, RequestOpcode::Options),
            (0x07, RequestOpcode::Query),
            (0x09, RequestOpcode::Prepare),
            (0x0A, RequestOpcode::Execute),
            (0x0B, RequestOpcode::Register),
            (0x0D, RequestOpcode::Batch),
            (0x0F, RequestOpcode::AuthResponse),
        ];
        for (byte, op) in pairs {
            assert_eq!(RequestOpcode::try_from(byte).unwrap(), op);
            assert_eq!(op as u8, byte);
        }
        for byte in [0x00, 0x02, 0x03, 0x04, 0x06, 0x08, 0x0C, 0x0E, 0x10, 0xff] {
            let err = RequestOpcode::try_from(byte).unwrap_err();
            assert_eq!(err.primitive, byte);
            assert_eq!(err.enum_name, "RequestOpcode");
        }
        assert_eq!(RequestOpcode::AuthResponse.to_string(), "AUTH_RESPONSE");
    }

    #[test]
    fn request_rejects_other_opcodes() {
        let mut buf: &[u8] = &[];
        assert!(matches!(
            Request::deserialize(&mut buf, RequestOpcode::Options),
            Err(RequestDeserializationError::UnexpectedOpcode(
                RequestOpcode::Options
            ))
        ));
    }
}
