//! Response messages (server to client): decoding for the driver, encoding for the
//! embedded cluster.
//!
//! [`Response::deserialize`] reads a body given the frame's opcode;
//! [`Response::serialize`] writes one (the frame header is written elsewhere).
//! [`ResponseV2`] is the same with [`event::EventV2`], which also knows ScyllaDB's
//! CLIENT_ROUTES_CHANGE event.

pub mod authenticate;
pub mod column_type;
pub mod cql_type_parser;
pub mod custom_type_parser;
pub mod error;
pub mod event;
#[doc(hidden)]
pub mod paging_state_shim;
pub mod parse_errors;
pub mod result;
pub mod supported;
pub mod tablets;
mod write_helpers;

use std::sync::Arc;

use bytes::Bytes;

use crate::frame::TryFromPrimitiveError;
use crate::frame::protocol_features::ProtocolFeatures;

pub use error::Error;
pub use supported::Supported;

use authenticate::{AuthChallenge, AuthSuccess, Authenticate};
use event::{Event, EventV2};
use parse_errors::{
    CqlResponseParseError, CqlResponseSerializationError, ResultMetadataAndRowsCountParseError,
};
use result::{ResultMetadata, ResultWithDeserializedMetadata};

/// The opcode of a response frame (spec section 2.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(u8)]
pub enum ResponseOpcode {
    /// ERROR.
    Error = 0x00,
    /// READY.
    Ready = 0x02,
    /// AUTHENTICATE.
    Authenticate = 0x03,
    /// SUPPORTED.
    Supported = 0x06,
    /// RESULT.
    Result = 0x08,
    /// EVENT.
    Event = 0x0C,
    /// AUTH_CHALLENGE.
    AuthChallenge = 0x0E,
    /// AUTH_SUCCESS.
    AuthSuccess = 0x10,
}

impl TryFrom<u8> for ResponseOpcode {
    type Error = TryFromPrimitiveError<u8>;

    fn try_from(value: u8) -> Result<Self, TryFromPrimitiveError<u8>> {
        Ok(match value {
            0x00 => ResponseOpcode::Error,
            0x02 => ResponseOpcode::Ready,
            0x03 => ResponseOpcode::Authenticate,
            0x06 => ResponseOpcode::Supported,
            0x08 => ResponseOpcode::Result,
            0x0C => ResponseOpcode::Event,
            0x0E => ResponseOpcode::AuthChallenge,
            0x10 => ResponseOpcode::AuthSuccess,
            _ => {
                return Err(TryFromPrimitiveError {
                    enum_name: "ResponseOpcode",
                    primitive: value,
                });
            }
        })
    }
}

impl From<ResponseOpcode> for u8 {
    fn from(op: ResponseOpcode) -> Self {
        op as u8
    }
}

/// The kind of a response, for error messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CqlResponseKind {
    /// ERROR.
    Error,
    /// READY.
    Ready,
    /// AUTHENTICATE.
    Authenticate,
    /// SUPPORTED.
    Supported,
    /// RESULT.
    Result,
    /// EVENT.
    Event,
    /// AUTH_CHALLENGE.
    AuthChallenge,
    /// AUTH_SUCCESS.
    AuthSuccess,
}

impl std::fmt::Display for CqlResponseKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            CqlResponseKind::Error => "ERROR",
            CqlResponseKind::Ready => "READY",
            CqlResponseKind::Authenticate => "AUTHENTICATE",
            CqlResponseKind::Supported => "SUPPORTED",
            CqlResponseKind::Result => "RESULT",
            CqlResponseKind::Event => "EVENT",
            CqlResponseKind::AuthChallenge => "AUTH_CHALLENGE",
            CqlResponseKind::AuthSuccess => "AUTH_SUCCESS",
        })
    }
}

impl From<ResponseOpcode> for CqlResponseKind {
    fn from(op: ResponseOpcode) -> Self {
        match op {
            ResponseOpcode::Error => CqlResponseKind::Error,
            ResponseOpcode::Ready => CqlResponseKind::Ready,
            ResponseOpcode::Authenticate => CqlResponseKind::Authenticate,
            ResponseOpcode::Supported => CqlResponseKind::Supported,
            ResponseOpcode::Result => CqlResponseKind::Result,
            ResponseOpcode::Event => CqlResponseKind::Event,
            ResponseOpcode::AuthChallenge => CqlResponseKind::AuthChallenge,
            ResponseOpcode::AuthSuccess => CqlResponseKind::AuthSuccess,
        }
    }
}

/// Generates a response enum, its non-error counterpart and their common methods.
macro_rules! response_enums {
    (
        $(#[$meta:meta])* $name:ident,
        $(#[$nmeta:meta])* $non_error:ident,
        result: $result:ty,
        event: $event:ty
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone)]
        pub enum $name {
            /// ERROR.
            Error(Error),
            /// READY.
            Ready,
            /// RESULT.
            Result($result),
            /// AUTHENTICATE.
            Authenticate(Authenticate),
            /// AUTH_SUCCESS.
            AuthSuccess(AuthSuccess),
            /// AUTH_CHALLENGE.
            AuthChallenge(AuthChallenge),
            /// SUPPORTED.
            Supported(Supported),
            /// EVENT.
            Event($event),
        }

        $(#[$nmeta])*
        #[derive(Debug, Clone)]
        pub enum $non_error {
            /// READY.
            Ready,
            /// RESULT.
            Result($result),
            /// AUTHENTICATE.
            Authenticate(Authenticate),
            /// AUTH_SUCCESS.
            AuthSuccess(AuthSuccess),
            /// AUTH_CHALLENGE.
            AuthChallenge(AuthChallenge),
            /// SUPPORTED.
            Supported(Supported),
            /// EVENT.
            Event($event),
        }

        impl $name {
            /// The kind of this response.
            pub fn to_response_kind(&self) -> CqlResponseKind {
                match self {
                    $name::Error(_) => CqlResponseKind::Error,
                    $name::Ready => CqlResponseKind::Ready,
                    $name::Result(_) => CqlResponseKind::Result,
                    $name::Authenticate(_) => CqlResponseKind::Authenticate,
                    $name::AuthSuccess(_) => CqlResponseKind::AuthSuccess,
                    $name::AuthChallenge(_) => CqlResponseKind::AuthChallenge,
                    $name::Supported(_) => CqlResponseKind::Supported,
                    $name::Event(_) => CqlResponseKind::Event,
                }
            }

            /// The opcode of this response.
            pub fn opcode(&self) -> ResponseOpcode {
                match self {
                    $name::Error(_) => ResponseOpcode::Error,
                    $name::Ready => ResponseOpcode::Ready,
                    $name::Result(_) => ResponseOpcode::Result,
                    $name::Authenticate(_) => ResponseOpcode::Authenticate,
                    $name::AuthSuccess(_) => ResponseOpcode::AuthSuccess,
                    $name::AuthChallenge(_) => ResponseOpcode::AuthChallenge,
                    $name::Supported(_) => ResponseOpcode::Supported,
                    $name::Event(_) => ResponseOpcode::Event,
                }
            }

            /// The response, or its ERROR as an `Err`.
            pub fn into_non_error_response(self) -> Result<$non_error, Error> {
                Ok(match self {
                    $name::Error(e) => return Err(e),
                    $name::Ready => $non_error::Ready,
                    $name::Result(r) => $non_error::Result(r),
                    $name::Authenticate(a) => $non_error::Authenticate(a),
                    $name::AuthSuccess(a) => $non_error::AuthSuccess(a),
                    $name::AuthChallenge(a) => $non_error::AuthChallenge(a),
                    $name::Supported(s) => $non_error::Supported(s),
                    $name::Event(e) => $non_error::Event(e),
                })
            }
        }

        impl $non_error {
            /// The kind of this response.
            pub fn to_response_kind(&self) -> CqlResponseKind {
                match self {
                    $non_error::Ready => CqlResponseKind::Ready,
                    $non_error::Result(_) => CqlResponseKind::Result,
                    $non_error::Authenticate(_) => CqlResponseKind::Authenticate,
                    $non_error::AuthSuccess(_) => CqlResponseKind::AuthSuccess,
                    $non_error::AuthChallenge(_) => CqlResponseKind::AuthChallenge,
                    $non_error::Supported(_) => CqlResponseKind::Supported,
                    $non_error::Event(_) => CqlResponseKind::Event,
                }
            }
        }
    };
}

response_enums!(
    /// A response with Rows kept serialized and v4 events.
    Response,
    /// A [`Response`] that is not an ERROR.
    NonErrorResponse,
    result: result::Result,
    event: Event
);

response_enums!(
    /// A response with Rows kept serialized and all known events ([`EventV2`]).
    #[non_exhaustive]
    ResponseV2,
    /// A [`ResponseV2`] that is not an ERROR.
    #[non_exhaustive]
    NonErrorResponseV2,
    result: result::Result,
    event: EventV2
);

response_enums!(
    /// A [`Response`] with the metadata of Rows read.
    ResponseWithDeserializedMetadata,
    /// A [`ResponseWithDeserializedMetadata`] that is not an ERROR.
    NonErrorResponseWithDeserializedMetadata,
    result: ResultWithDeserializedMetadata,
    event: Event
);

response_enums!(
    /// A [`ResponseV2`] with the metadata of Rows read.
    #[non_exhaustive]
    ResponseWithDeserializedMetadataV2,
    /// A [`ResponseWithDeserializedMetadataV2`] that is not an ERROR.
    #[non_exhaustive]
    NonErrorResponseWithDeserializedMetadataV2,
    result: ResultWithDeserializedMetadata,
    event: EventV2
);

/// Parses the parts common to both response enums: everything but EVENT.
macro_rules! deserialize_common {
    ($name:ident, $features:expr, $opcode:expr, $body:expr, $cached:expr, $event:expr) => {{
        let features = $features;
        let body: Bytes = $body;
        let mut buf: &[u8] = &body;
        let response = match $opcode {
            ResponseOpcode::Error => $name::Error(Error::deserialize(features, &mut buf)?),
            ResponseOpcode::Ready => $name::Ready,
            ResponseOpcode::Authenticate => {
                $name::Authenticate(Authenticate::deserialize(&mut buf)?)
            }
            ResponseOpcode::Supported => $name::Supported(Supported::deserialize(&mut buf)?),
            // The body moves into the result (cloning a `Bytes` made from a `Vec`
            // would allocate).
            ResponseOpcode::Result => {
                $name::Result(result::deserialize_with_features(body, $cached, features)?)
            }
            ResponseOpcode::Event => $name::Event($event(&mut buf)?),
            ResponseOpcode::AuthChallenge => {
                $name::AuthChallenge(AuthChallenge::deserialize(&mut buf)?)
            }
            ResponseOpcode::AuthSuccess => $name::AuthSuccess(AuthSuccess::deserialize(&mut buf)?),
        };
        Ok(response)
    }};
}

/// Serializes the parts common to both response enums.
macro_rules! serialize_common {
    ($name:ident, $self:expr, $features:expr, $buf:expr, $event:ident => $ser_event:expr) => {{
        let buf: &mut Vec<u8> = $buf;
        match $self {
            $name::Error(e) => e.serialize($features, buf),
            $name::Ready => Ok(()),
            $name::Result(r) => r.serialize($features, buf),
            $name::Authenticate(a) => a.serialize(buf),
            $name::AuthSuccess(a) => a.serialize(buf),
            $name::AuthChallenge(a) => a.serialize(buf),
            $name::Supported(s) => s.serialize(buf),
            $name::Event($event) => $ser_event,
        }
    }};
}

/// Converts the RESULT of a response enum to its deserialized-metadata counterpart.
macro_rules! deserialize_metadata {
    ($self:expr, $from:ident => $to:ident) => {
        Ok(match $self {
            $from::Error(e) => $to::Error(e),
            $from::Ready => $to::Ready,
            $from::Result(r) => $to::Result(r.deserialize_metadata()?),
            $from::Authenticate(a) => $to::Authenticate(a),
            $from::AuthSuccess(a) => $to::AuthSuccess(a),
            $from::AuthChallenge(a) => $to::AuthChallenge(a),
            $from::Supported(s) => $to::Supported(s),
            $from::Event(e) => $to::Event(e),
        })
    };
}

impl Response {
    /// Parses a response body of the given opcode. `cached_metadata` is used when a
    /// Rows result comes without metadata (see [`result::deserialize_with_features`]).
    /// A CLIENT_ROUTES_CHANGE event is an error here; [`ResponseV2`] reads it.
    pub fn deserialize(
        features: &ProtocolFeatures,
        opcode: ResponseOpcode,
        body: Bytes,
        cached_metadata: Option<&Arc<ResultMetadata<'static>>>,
    ) -> Result<Response, CqlResponseParseError> {
        deserialize_common!(
            Response,
            features,
            opcode,
            body,
            cached_metadata,
            Event::deserialize
        )
    }

    /// Appends the body of this response (the frame header is not written).
    pub fn serialize(
        &self,
        features: &ProtocolFeatures,
        buf: &mut Vec<u8>,
    ) -> Result<(), CqlResponseSerializationError> {
        serialize_common!(Response, self, features, buf, e => e.serialize(buf))
    }

    /// The body of this response as `Bytes`.
    pub fn to_bytes(
        &self,
        features: &ProtocolFeatures,
    ) -> Result<Bytes, CqlResponseSerializationError> {
        let mut buf = Vec::new();
        self.serialize(features, &mut buf)?;
        Ok(Bytes::from(buf))
    }

    /// Reads the metadata of a Rows result.
    pub fn deserialize_metadata(
        self,
    ) -> Result<ResponseWithDeserializedMetadata, ResultMetadataAndRowsCountParseError> {
        deserialize_metadata!(self, Response => ResponseWithDeserializedMetadata)
    }
}

impl ResponseV2 {
    /// Parses a response body of the given opcode, including CLIENT_ROUTES_CHANGE
    /// events.
    pub fn deserialize(
        features: &ProtocolFeatures,
        opcode: ResponseOpcode,
        body: Bytes,
        cached_metadata: Option<&Arc<ResultMetadata<'static>>>,
    ) -> Result<Self, CqlResponseParseError> {
        deserialize_common!(
            ResponseV2,
            features,
            opcode,
            body,
            cached_metadata,
            EventV2::deserialize
        )
    }

    /// Appends the body of this response (the frame header is not written).
    pub fn serialize(
        &self,
        features: &ProtocolFeatures,
        buf: &mut Vec<u8>,
    ) -> Result<(), CqlResponseSerializationError> {
        serialize_common!(ResponseV2, self, features, buf, e => e.serialize(buf))
    }

    /// The body of this response as `Bytes`.
    pub fn to_bytes(
        &self,
        features: &ProtocolFeatures,
    ) -> Result<Bytes, CqlResponseSerializationError> {
        let mut buf = Vec::new();
        self.serialize(features, &mut buf)?;
        Ok(Bytes::from(buf))
    }

    /// Reads the metadata of a Rows result.
    pub fn deserialize_metadata(
        self,
    ) -> Result<ResponseWithDeserializedMetadataV2, ResultMetadataAndRowsCountParseError> {
        deserialize_metadata!(self, ResponseV2 => ResponseWithDeserializedMetadataV2)
    }
}

impl From<Response> for ResponseV2 {
    fn from(r: Response) -> Self {
        match r {
            Response::Error(e) => ResponseV2::Error(e),
            Response::Ready => ResponseV2::Ready,
            Response::Result(r) => ResponseV2::Result(r),
            Response::Authenticate(a) => ResponseV2::Authenticate(a),
            Response::AuthSuccess(a) => ResponseV2::AuthSuccess(a),
            Response::AuthChallenge(a) => ResponseV2::AuthChallenge(a),
            Response::Supported(s) => ResponseV2::Supported(s),
            Response::Event(e) => ResponseV2::Event(e.into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opcodes_round_trip() {
        for op in [
            ResponseOpcode::Error,
            ResponseOpcode::Ready,
            ResponseOpcode::Authenticate,
            ResponseOpcode::Supported,
            ResponseOpcode::Result,
            ResponseOpcode::Event,
            ResponseOpcode::AuthChallenge,
            ResponseOpcode::AuthSuccess,
        ] {
            assert_eq!(ResponseOpcode::try_from(op as u8), Ok(op));
        }
        for bad in [0x01u8, 0x04, 0x05, 0x07, 0x09, 0x0B, 0x0D, 0x0F, 0x11, 0xFF] {
            assert_eq!(
                ResponseOpcode::try_from(bad),
                Err(TryFromPrimitiveError {
                    enum_name: "ResponseOpcode",
                    primitive: bad
                })
            );
        }
    }

    #[test]
    fn ready_has_empty_body() {
        let f = ProtocolFeatures::default();
        assert!(Response::Ready.to_bytes(&f).unwrap().is_empty());
        let r = Response::deserialize(&f, ResponseOpcode::Ready, Bytes::new(), None).unwrap();
        assert_eq!(r.to_response_kind(), CqlResponseKind::Ready);
        assert!(r.into_non_error_response().is_ok());
    }
}
