//! OPTIONS (spec section 4.1.3), and the names of the STARTUP options.

use crate::frame::frame_errors::CqlRequestSerializationError;

use super::{
    DeserializableRequest, RequestDeserializationError, RequestOpcode, SerializableRequest,
};

/// STARTUP option: the CQL version (mandatory).
pub const CQL_VERSION: &str = "CQL_VERSION";
/// STARTUP option: the frame compression (`"lz4"` or `"snappy"`).
pub const COMPRESSION: &str = "COMPRESSION";
/// STARTUP option: the driver's name.
pub const DRIVER_NAME: &str = "DRIVER_NAME";
/// STARTUP option: the driver's version.
pub const DRIVER_VERSION: &str = "DRIVER_VERSION";
/// STARTUP option: the application's name.
pub const APPLICATION_NAME: &str = "APPLICATION_NAME";
/// STARTUP option: the application's version.
pub const APPLICATION_VERSION: &str = "APPLICATION_VERSION";
/// STARTUP option: a client instance id.
pub const CLIENT_ID: &str = "CLIENT_ID";
/// STARTUP option: a per-session UUID, shared by the connections of one session.
pub const SESSION_ID: &str = "SESSION_ID";
/// STARTUP option: the driver's configuration as JSON (at most 32 KiB).
pub const DRIVER_CONFIG: &str = "DRIVER_CONFIG";
/// SUPPORTED key: the shard-aware port.
pub const SCYLLA_SHARD_AWARE_PORT: &str = "SCYLLA_SHARD_AWARE_PORT";
/// SUPPORTED key: the shard-aware TLS port.
pub const SCYLLA_SHARD_AWARE_PORT_SSL: &str = "SCYLLA_SHARD_AWARE_PORT_SSL";
/// SUPPORTED key: the host id of the node that accepted the connection.
pub const SCYLLA_HOST_ID: &str = "SCYLLA_HOST_ID";

/// The value sent for [`CQL_VERSION`].
pub const DEFAULT_CQL_PROTOCOL_VERSION: &str = "4.0.0";
/// The value sent for [`DRIVER_NAME`].
pub const DEFAULT_DRIVER_NAME: &str = "ScyllaDB Rust Driver";
/// The value sent for [`DRIVER_VERSION`].
pub const DEFAULT_DRIVER_VERSION: &str = env!("CARGO_PKG_VERSION");

/// OPTIONS: asks which STARTUP options the server supports. The body is empty.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Options;

impl SerializableRequest for Options {
    const OPCODE: RequestOpcode = RequestOpcode::Options;

    fn serialize(&self, _buf: &mut Vec<u8>) -> Result<(), CqlRequestSerializationError> {
        Ok(())
    }
}

impl DeserializableRequest for Options {
    fn deserialize(_buf: &mut &[u8]) -> Result<Self, RequestDeserializationError> {
        Ok(Options)
    }
}
