//! QUERY (spec section 4.1.4), the query parameters shared with EXECUTE, and paging
//! state (spec section 8).

use std::borrow::Cow;
use std::ops::ControlFlow;
use std::sync::Arc;

use bytes::BufMut;

use crate::frame::frame_errors::CqlRequestSerializationError;
use crate::frame::protocol_features::ProtocolFeatures;
use crate::frame::types::{self, Consistency, RawValue, SerialConsistency};
use crate::serialize::SerializationError;
use crate::serialize::row::SerializedValues;

use super::{
    DeserializableRequest, RequestDeserializationError, RequestOpcode, SerializableRequest,
};

pub use crate::frame::frame_errors::{QueryParametersSerializationError, QuerySerializationError};

/// Flag 0x01: values follow.
pub(crate) const FLAG_VALUES: u8 = 0x01;
/// Flag 0x02: the result should carry no metadata.
pub(crate) const FLAG_SKIP_METADATA: u8 = 0x02;
/// Flag 0x04: a page size follows.
pub(crate) const FLAG_PAGE_SIZE: u8 = 0x04;
/// Flag 0x08: a paging state follows.
pub(crate) const FLAG_WITH_PAGING_STATE: u8 = 0x08;
/// Flag 0x10: a serial consistency follows.
pub(crate) const FLAG_WITH_SERIAL_CONSISTENCY: u8 = 0x10;
/// Flag 0x20: a default timestamp follows.
pub(crate) const FLAG_WITH_DEFAULT_TIMESTAMP: u8 = 0x20;
/// Flag 0x40: each value is preceded by its name.
pub(crate) const FLAG_WITH_NAMES_FOR_VALUES: u8 = 0x40;
const ALL_FLAGS: u8 = 0x7f;

/// Where to resume paging: the start, or the state a previous page returned.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PagingState(Option<Arc<[u8]>>);

impl PagingState {
    /// The first page.
    pub fn start() -> Self {
        Self(None)
    }

    /// The state returned by the server with a page.
    pub fn new_from_raw_bytes(raw_bytes: impl Into<Arc<[u8]>>) -> Self {
        Self(Some(raw_bytes.into()))
    }

    /// The raw state, or `None` at the start.
    pub fn as_bytes_slice(&self) -> Option<&Arc<[u8]>> {
        self.0.as_ref()
    }
}

/// What a page says about the pages after it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PagingStateResponse {
    /// There are more pages; fetch the next with `state`.
    HasMorePages {
        /// Where the next page starts.
        state: PagingState,
    },
    /// This was the last page.
    NoMorePages,
}

impl PagingStateResponse {
    /// Whether this was the last page.
    pub fn finished(&self) -> bool {
        matches!(self, PagingStateResponse::NoMorePages)
    }

    /// `Continue(state)` if there are more pages, `Break(())` otherwise.
    pub fn into_paging_control_flow(self) -> ControlFlow<(), PagingState> {
        match self {
            PagingStateResponse::HasMorePages { state } => ControlFlow::Continue(state),
            PagingStateResponse::NoMorePages => ControlFlow::Break(()),
        }
    }

    /// From the raw paging state of a result: `Some` means more pages.
    pub fn new_from_raw_bytes(raw_paging_state: Option<&[u8]>) -> Self {
        match raw_paging_state {
            Some(raw) => PagingStateResponse::HasMorePages {
                state: PagingState::new_from_raw_bytes(raw),
            },
            None => PagingStateResponse::NoMorePages,
        }
    }
}

/// QUERY: runs an unprepared statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query<'q> {
    /// The CQL statement.
    pub contents: Cow<'q, str>,
    /// Consistency, values, paging and the other options.
    pub parameters: QueryParameters<'q>,
}

impl SerializableRequest for Query<'_> {
    const OPCODE: RequestOpcode = RequestOpcode::Query;

    fn serialize(&self, buf: &mut Vec<u8>) -> Result<(), CqlRequestSerializationError> {
        types::write_long_string(&self.contents, buf)
            .map_err(QuerySerializationError::StatementStringSerialization)?;
        self.parameters
            .serialize(buf)
            .map_err(QuerySerializationError::QueryParametersSerialization)?;
        Ok(())
    }
}

impl DeserializableRequest for Query<'_> {
    fn deserialize(buf: &mut &[u8]) -> Result<Self, RequestDeserializationError> {
        Self::deserialize_with_features(buf, &ProtocolFeatures::default())
    }

    fn deserialize_with_features(
        buf: &mut &[u8],
        _features: &ProtocolFeatures,
    ) -> Result<Self, RequestDeserializationError> {
        let contents = types::read_long_string(buf)
            .map_err(RequestDeserializationError::field("the statement of QUERY"))?;
        let contents = Cow::Owned(contents.to_owned());
        let parameters = QueryParameters::deserialize(buf)?;
        Ok(Query {
            contents,
            parameters,
        })
    }
}

/// The `<query_parameters>` of QUERY and EXECUTE.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryParameters<'a> {
    /// The consistency level.
    pub consistency: Consistency,
    /// The serial consistency (flag 0x10), for conditional statements.
    pub serial_consistency: Option<SerialConsistency>,
    /// The default timestamp in microseconds (flag 0x20).
    pub timestamp: Option<i64>,
    /// The page size in rows (flag 0x04).
    pub page_size: Option<i32>,
    /// Where to resume paging (flag 0x08 when not at the start).
    pub paging_state: PagingState,
    /// Ask for results without metadata (flag 0x02).
    pub skip_metadata: bool,
    /// The bound values (flag 0x01 when there are some).
    pub values: Cow<'a, SerializedValues>,
    /// The names of the bound values, one per value, for named bind markers (flag
    /// 0x40). `None` sends the values by position.
    pub value_names: Option<Vec<String>>,
}

impl Default for QueryParameters<'_> {
    fn default() -> Self {
        Self {
            consistency: Consistency::default(),
            serial_consistency: None,
            timestamp: None,
            page_size: None,
            paging_state: PagingState::start(),
            skip_metadata: false,
            values: Cow::Borrowed(SerializedValues::EMPTY),
            value_names: None,
        }
    }
}

impl QueryParameters<'_> {
    /// The flags byte these parameters are sent with.
    pub fn flags(&self) -> u8 {
        let mut flags = 0;
        if !self.values.is_empty() {
            flags |= FLAG_VALUES;
            if self.value_names.is_some() {
                flags |= FLAG_WITH_NAMES_FOR_VALUES;
            }
        }
        if self.skip_metadata {
            flags |= FLAG_SKIP_METADATA;
        }
        if self.page_size.is_some() {
            flags |= FLAG_PAGE_SIZE;
        }
        if self.paging_state.as_bytes_slice().is_some() {
            flags |= FLAG_WITH_PAGING_STATE;
        }
        if self.serial_consistency.is_some() {
            flags |= FLAG_WITH_SERIAL_CONSISTENCY;
        }
        if self.timestamp.is_some() {
            flags |= FLAG_WITH_DEFAULT_TIMESTAMP;
        }
        flags
    }

    /// Writes `<consistency><flags>[values][page_size][paging_state][serial][timestamp]`.
    pub fn serialize(
        &self,
        buf: &mut impl BufMut,
    ) -> Result<(), QueryParametersSerializationError> {
        let flags = self.flags();
        let value_count = self.values.element_count() as usize;
        if let Some(names) = &self.value_names
            && names.len() != value_count
        {
            return Err(QueryParametersSerializationError::ValueNamesCountMismatch {
                names: names.len(),
                values: value_count,
            });
        }
        types::write_consistency(self.consistency, buf);
        buf.put_u8(flags);
        if flags & FLAG_VALUES != 0 {
            match &self.value_names {
                Some(names) => {
                    buf.put_u16(self.values.element_count());
                    for (index, (name, value)) in names.iter().zip(self.values.iter()).enumerate() {
                        types::write_string(name, buf).map_err(|error| {
                            QueryParametersSerializationError::ValueNameSerialization {
                                index,
                                error,
                            }
                        })?;
                        write_raw_value(value, buf);
                    }
                }
                None => self.values.write_to_request(buf),
            }
        }
        if let Some(page_size) = self.page_size {
            types::write_int(page_size, buf);
        }
        if let Some(state) = self.paging_state.as_bytes_slice() {
            types::write_bytes(state, buf)
                .map_err(QueryParametersSerializationError::BadPagingState)?;
        }
        if let Some(serial) = self.serial_consistency {
            types::write_serial_consistency(serial, buf);
        }
        if let Some(timestamp) = self.timestamp {
            types::write_long(timestamp, buf);
        }
        Ok(())
    }

    /// Reads query parameters (what a server does with QUERY and EXECUTE).
    pub fn deserialize(buf: &mut &[u8]) -> Result<Self, RequestDeserializationError> {
        use RequestDeserializationError as E;

        let consistency = types::read_consistency(buf)
            .map_err(E::field("the consistency of the query parameters"))?;
        let flags = types::read_byte(buf).map_err(E::field("the flags of the query parameters"))?;
        if flags & !ALL_FLAGS != 0 {
            return Err(E::UnknownQueryFlags(flags));
        }
        let (values, value_names) = if flags & FLAG_VALUES == 0 {
            (SerializedValues::new(), None)
        } else if flags & FLAG_WITH_NAMES_FOR_VALUES != 0 {
            let (values, names) = read_named_values(buf)?;
            (values, Some(names))
        } else {
            let values = SerializedValues::new_from_frame(buf)
                .map_err(E::field("the values of the query parameters"))?;
            (values, None)
        };
        let skip_metadata = flags & FLAG_SKIP_METADATA != 0;
        let page_size = if flags & FLAG_PAGE_SIZE != 0 {
            Some(types::read_int(buf).map_err(E::field("the page size"))?)
        } else {
            None
        };
        let paging_state = if flags & FLAG_WITH_PAGING_STATE != 0 {
            match types::read_bytes_opt(buf).map_err(E::field("the paging state"))? {
                Some(raw) => PagingState::new_from_raw_bytes(raw),
                None => PagingState::start(),
            }
        } else {
            PagingState::start()
        };
        let serial_consistency = if flags & FLAG_WITH_SERIAL_CONSISTENCY != 0 {
            Some(read_serial_consistency(buf)?)
        } else {
            None
        };
        let timestamp = if flags & FLAG_WITH_DEFAULT_TIMESTAMP != 0 {
            Some(types::read_long(buf).map_err(E::field("the default timestamp"))?)
        } else {
            None
        };
        Ok(QueryParameters {
            consistency,
            serial_consistency,
            timestamp,
            page_size,
            paging_state,
            skip_metadata,
            values: Cow::Owned(values),
            value_names,
        })
    }
}

/// Writes a `[value]` that came out of a [`SerializedValues`] (so its length fits).
fn write_raw_value(value: RawValue<'_>, buf: &mut impl BufMut) {
    match value {
        RawValue::Null => buf.put_i32(-1),
        RawValue::Unset => buf.put_i32(-2),
        RawValue::Value(v) => {
            buf.put_i32(i32::try_from(v.len()).unwrap_or(i32::MAX));
            buf.put_slice(v);
        }
    }
}

/// Reads a serial consistency, which must be SERIAL or LOCAL_SERIAL.
pub(crate) fn read_serial_consistency(
    buf: &mut &[u8],
) -> Result<SerialConsistency, RequestDeserializationError> {
    let raw = types::read_short(buf)
        .map_err(RequestDeserializationError::field("the serial consistency"))?;
    i16::try_from(raw)
        .ok()
        .and_then(|v| SerialConsistency::try_from(v).ok())
        .ok_or(RequestDeserializationError::InvalidSerialConsistency(raw))
}

/// Reads `<n>` then n pairs of `[string]` name and `[value]`.
fn read_named_values(
    buf: &mut &[u8],
) -> Result<(SerializedValues, Vec<String>), RequestDeserializationError> {
    use RequestDeserializationError as E;

    let n = types::read_short(buf).map_err(E::field("the number of named values"))? as usize;
    // A name and a value take at least 6 bytes: do not trust n for the allocation.
    let cap = n.min(buf.len() / 6);
    let mut names = Vec::with_capacity(cap);
    let mut raw_values = Vec::with_capacity(cap);
    for _ in 0..n {
        let name = types::read_string(buf).map_err(E::field("the name of a named value"))?;
        names.push(name.to_owned());
        raw_values.push(types::read_value(buf).map_err(E::field("a named value"))?);
    }
    let (values, ()) = SerializedValues::from_closure(|writer| {
        for value in &raw_values {
            let cell = writer.make_cell_writer();
            match value {
                RawValue::Null => {
                    cell.set_null();
                }
                RawValue::Unset => {
                    cell.set_unset();
                }
                RawValue::Value(v) => {
                    cell.set_value(v).map_err(SerializationError::new)?;
                }
            }
        }
        Ok(())
    })
    .map_err(E::Values)?;
    Ok((values, names))
}
