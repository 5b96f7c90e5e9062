//! Writers of the protocol notation that turn a length overflow into a
//! [`CqlResponseSerializationError`] naming what was being written.

use crate::frame::types;

use super::parse_errors::CqlResponseSerializationError;

fn too_long(
    what: &'static str,
) -> impl FnOnce(types::LengthOverflow) -> CqlResponseSerializationError {
    move |source| CqlResponseSerializationError::TooLong { what, source }
}

/// Writes a `[string]`.
pub(crate) fn put_string(
    s: &str,
    what: &'static str,
    buf: &mut Vec<u8>,
) -> Result<(), CqlResponseSerializationError> {
    types::write_string(s, buf).map_err(too_long(what))
}

/// Writes `[short bytes]`.
pub(crate) fn put_short_bytes(
    b: &[u8],
    what: &'static str,
    buf: &mut Vec<u8>,
) -> Result<(), CqlResponseSerializationError> {
    types::write_short_bytes(b, buf).map_err(too_long(what))
}

/// Writes `[bytes]`, or null for `None`.
pub(crate) fn put_bytes_opt(
    b: Option<&[u8]>,
    what: &'static str,
    buf: &mut Vec<u8>,
) -> Result<(), CqlResponseSerializationError> {
    types::write_bytes_opt(b, buf).map_err(too_long(what))
}

/// Writes a `[string list]`.
pub(crate) fn put_string_list<S: AsRef<str>>(
    list: &[S],
    what: &'static str,
    buf: &mut Vec<u8>,
) -> Result<(), CqlResponseSerializationError> {
    types::write_string_list(list, buf).map_err(too_long(what))
}

/// Writes a `[short]` count.
pub(crate) fn put_short_count(
    n: usize,
    what: &'static str,
    buf: &mut Vec<u8>,
) -> Result<(), CqlResponseSerializationError> {
    types::write_short_length(n, buf).map_err(too_long(what))
}

/// Writes an `[int]` count.
pub(crate) fn put_int_count(
    n: usize,
    what: &'static str,
    buf: &mut Vec<u8>,
) -> Result<(), CqlResponseSerializationError> {
    types::write_int_length(n, buf).map_err(too_long(what))
}
