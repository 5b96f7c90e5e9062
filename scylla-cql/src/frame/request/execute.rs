//! EXECUTE (spec section 4.1.6): `<id><query_parameters>`, with ScyllaDB's
//! extensions — `<id><result_metadata_id><query_parameters>` when
//! `SCYLLA_USE_METADATA_ID` is negotiated (the v5 layout), and a trailing
//! `<tablet_version_block>` byte when tablets routing v2 is.

use bytes::{BufMut, Bytes};

use crate::frame::frame_errors::CqlRequestSerializationError;
use crate::frame::protocol_features::ProtocolFeatures;
use crate::frame::types;

use super::cow_bytes::CowBytes;
use super::query::QueryParameters;
use super::{
    DeserializableRequest, RequestDeserializationError, RequestOpcode, SerializableRequest,
};

pub use crate::frame::frame_errors::ExecuteSerializationError;

/// EXECUTE: runs a prepared statement.
///
/// This type has no result metadata id: on a connection with `SCYLLA_USE_METADATA_ID`
/// negotiated use [`ExecuteV2`], which carries one. (Decoding with features skips it.)
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Execute<'a> {
    /// The prepared statement id.
    pub id: Bytes,
    /// Consistency, values, paging and the other options.
    pub parameters: QueryParameters<'a>,
}

impl SerializableRequest for Execute<'_> {
    const OPCODE: RequestOpcode = RequestOpcode::Execute;

    fn serialize(&self, buf: &mut Vec<u8>) -> Result<(), CqlRequestSerializationError> {
        types::write_short_bytes(&self.id, buf)
            .map_err(ExecuteSerializationError::StatementIdSerialization)?;
        self.parameters
            .serialize(buf)
            .map_err(ExecuteSerializationError::QueryParametersSerialization)?;
        Ok(())
    }
}

impl DeserializableRequest for Execute<'_> {
    fn deserialize(buf: &mut &[u8]) -> Result<Self, RequestDeserializationError> {
        Self::deserialize_with_features(buf, &ProtocolFeatures::default())
    }

    fn deserialize_with_features(
        buf: &mut &[u8],
        features: &ProtocolFeatures,
    ) -> Result<Self, RequestDeserializationError> {
        let v2 = ExecuteV2::deserialize_with_features(buf, features)?;
        Ok(Execute {
            id: match v2.id {
                CowBytes::Owned(b) => b,
                CowBytes::Borrowed(b) => Bytes::copy_from_slice(b),
            },
            parameters: v2.parameters,
        })
    }
}

/// EXECUTE with ScyllaDB's extensions: the result metadata id and the tablet version
/// block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExecuteV2<'a> {
    /// The prepared statement id.
    pub id: CowBytes<'a>,
    /// Consistency, values, paging and the other options.
    pub parameters: QueryParameters<'a>,
    /// The result metadata id (`[short bytes]` after the statement id), sent when
    /// `SCYLLA_USE_METADATA_ID` was negotiated.
    pub result_metadata_id: Option<CowBytes<'a>>,
    /// The tablet version block (one byte after the parameters: block index in the
    /// high nibble, value in the low one), sent when tablets routing v2 was
    /// negotiated.
    pub tablet_version_block: Option<u8>,
}

impl SerializableRequest for ExecuteV2<'_> {
    const OPCODE: RequestOpcode = RequestOpcode::Execute;

    fn serialize(&self, buf: &mut Vec<u8>) -> Result<(), CqlRequestSerializationError> {
        types::write_short_bytes(self.id.as_ref(), buf)
            .map_err(ExecuteSerializationError::StatementIdSerialization)?;
        if let Some(metadata_id) = &self.result_metadata_id {
            types::write_short_bytes(metadata_id.as_ref(), buf)
                .map_err(ExecuteSerializationError::ResultMetadataIdSerialization)?;
        }
        self.parameters
            .serialize(buf)
            .map_err(ExecuteSerializationError::QueryParametersSerialization)?;
        if let Some(block) = self.tablet_version_block {
            buf.put_u8(block);
        }
        Ok(())
    }
}

impl DeserializableRequest for ExecuteV2<'static> {
    fn deserialize(buf: &mut &[u8]) -> Result<Self, RequestDeserializationError> {
        Self::deserialize_with_features(buf, &ProtocolFeatures::default())
    }

    fn deserialize_with_features(
        buf: &mut &[u8],
        features: &ProtocolFeatures,
    ) -> Result<Self, RequestDeserializationError> {
        use RequestDeserializationError as E;

        let id = types::read_short_bytes(buf)
            .map_err(E::field("the prepared statement id of EXECUTE"))?;
        let id = CowBytes::Owned(Bytes::copy_from_slice(id));
        let result_metadata_id = if features.scylla_metadata_id_supported {
            let raw = types::read_short_bytes(buf)
                .map_err(E::field("the result metadata id of EXECUTE"))?;
            Some(CowBytes::Owned(Bytes::copy_from_slice(raw)))
        } else {
            None
        };
        let parameters = QueryParameters::deserialize(buf)?;
        let tablet_version_block = if features.tablets_v2_supported {
            Some(types::read_byte(buf).map_err(E::field("the tablet version block of EXECUTE"))?)
        } else {
            None
        };
        Ok(ExecuteV2 {
            id,
            parameters,
            result_metadata_id,
            tablet_version_block,
        })
    }
}
