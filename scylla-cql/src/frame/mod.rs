//! Frames of the CQL binary protocol v4: the header, flags, opcodes, reading a frame
//! from a socket, compression and the request/response messages.

pub mod frame_errors;
pub mod protocol_features;
pub mod request;
pub mod response;
pub mod types;

/// A primitive value that does not name any variant of the enum it was converted to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("no variant of {enum_name} has the value {primitive:?}")]
pub struct TryFromPrimitiveError<T: Copy + std::fmt::Debug> {
    /// The enum's name.
    pub enum_name: &'static str,
    /// The value that matched no variant.
    pub primitive: T,
}
