//! BATCH (spec section 4.1.7):
//! `<type><n><query_1>...<query_n><consistency><flags>[<serial_consistency>][<timestamp>]`
//! where each query is `<kind><string_or_id><n><value_1>...<value_n>`.

use std::borrow::Cow;

use bytes::BufMut;

use crate::frame::frame_errors::CqlRequestSerializationError;
use crate::frame::protocol_features::ProtocolFeatures;
use crate::frame::types::{self, Consistency, SerialConsistency};
use crate::serialize::raw_batch::{RawBatchValues, RawBatchValuesIterator};
use crate::serialize::row::SerializedValues;
use crate::serialize::writers::RowWriter;

use super::query::{
    FLAG_WITH_DEFAULT_TIMESTAMP, FLAG_WITH_NAMES_FOR_VALUES, FLAG_WITH_SERIAL_CONSISTENCY,
    read_serial_consistency,
};
use super::{
    DeserializableRequest, RequestDeserializationError, RequestOpcode, SerializableRequest,
};

pub use crate::frame::frame_errors::{BatchSerializationError, BatchStatementSerializationError};

/// The type of a batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[repr(u8)]
pub enum BatchType {
    /// A logged batch (atomic, through the batch log). The default.
    #[default]
    Logged = 0,
    /// An unlogged batch.
    Unlogged = 1,
    /// A batch of counter updates.
    Counter = 2,
}

/// A byte that is not a [`BatchType`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("unknown batch type {value} (expected 0 = logged, 1 = unlogged or 2 = counter)")]
pub struct BatchTypeParseError {
    value: u8,
}

impl BatchTypeParseError {
    /// The byte that was not a batch type.
    pub fn value(&self) -> u8 {
        self.value
    }
}

impl TryFrom<u8> for BatchType {
    type Error = BatchTypeParseError;

    fn try_from(value: u8) -> Result<Self, Self::Error> {
        match value {
            0 => Ok(BatchType::Logged),
            1 => Ok(BatchType::Unlogged),
            2 => Ok(BatchType::Counter),
            value => Err(BatchTypeParseError { value }),
        }
    }
}

/// One statement of a batch: a query string or a prepared statement id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BatchStatement<'a> {
    /// An unprepared statement (kind 0).
    Query {
        /// The CQL text.
        text: Cow<'a, str>,
    },
    /// A prepared statement (kind 1).
    Prepared {
        /// The prepared statement id.
        id: Cow<'a, [u8]>,
    },
}

impl<'s, 'b> From<&'s BatchStatement<'b>> for BatchStatement<'s> {
    fn from(value: &'s BatchStatement<'b>) -> Self {
        match value {
            BatchStatement::Query { text } => BatchStatement::Query {
                text: Cow::Borrowed(text),
            },
            BatchStatement::Prepared { id } => BatchStatement::Prepared {
                id: Cow::Borrowed(id),
            },
        }
    }
}

/// BATCH: runs several statements, each with its own values.
#[derive(Debug, Clone, PartialEq)]
pub struct Batch<'b, Statement, Values>
where
    BatchStatement<'b>: From<&'b Statement>,
    Statement: Clone,
    Values: RawBatchValues,
{
    /// The statements.
    pub statements: Cow<'b, [Statement]>,
    /// Logged, unlogged or counter.
    pub batch_type: BatchType,
    /// The consistency level.
    pub consistency: Consistency,
    /// The serial consistency (flag 0x10).
    pub serial_consistency: Option<SerialConsistency>,
    /// The default timestamp in microseconds (flag 0x20).
    pub timestamp: Option<i64>,
    /// The values, one list per statement.
    pub values: Values,
}

impl<Statement, Values> SerializableRequest for Batch<'_, Statement, Values>
where
    for<'s> BatchStatement<'s>: From<&'s Statement>,
    Statement: Clone,
    Values: RawBatchValues,
{
    const OPCODE: RequestOpcode = RequestOpcode::Batch;

    fn serialize(&self, buf: &mut Vec<u8>) -> Result<(), CqlRequestSerializationError> {
        buf.put_u8(self.batch_type as u8);

        let n_statements = self.statements.len();
        let count = u16::try_from(n_statements)
            .map_err(|_| BatchSerializationError::TooManyStatements(n_statements))?;
        buf.put_u16(count);

        let mut values = self.values.batch_values_iter();
        for (statement_idx, statement) in self.statements.iter().enumerate() {
            let statement = BatchStatement::from(statement);
            serialize_statement(&statement, &mut values, buf).map_err(|error| match error {
                StatementError::Statement(error) => {
                    BatchSerializationError::StatementSerialization {
                        statement_idx,
                        error,
                    }
                }
                StatementError::NoValues => {
                    BatchSerializationError::ValuesAndStatementsLengthMismatch {
                        n_statements,
                        n_value_lists: statement_idx,
                    }
                }
            })?;
        }
        let extra = values.count();
        if extra > 0 {
            return Err(BatchSerializationError::ValuesAndStatementsLengthMismatch {
                n_statements,
                n_value_lists: n_statements + extra,
            }
            .into());
        }

        types::write_consistency(self.consistency, buf);
        let mut flags = 0u8;
        if self.serial_consistency.is_some() {
            flags |= FLAG_WITH_SERIAL_CONSISTENCY;
        }
        if self.timestamp.is_some() {
            flags |= FLAG_WITH_DEFAULT_TIMESTAMP;
        }
        buf.put_u8(flags);
        if let Some(serial) = self.serial_consistency {
            types::write_serial_consistency(serial, buf);
        }
        if let Some(timestamp) = self.timestamp {
            types::write_long(timestamp, buf);
        }
        Ok(())
    }
}

enum StatementError {
    Statement(BatchStatementSerializationError),
    NoValues,
}

fn serialize_statement<'v>(
    statement: &BatchStatement<'_>,
    values: &mut impl RawBatchValuesIterator<'v>,
    buf: &mut Vec<u8>,
) -> Result<(), StatementError> {
    use BatchStatementSerializationError as E;

    match statement {
        BatchStatement::Query { text } => {
            buf.put_u8(0);
            types::write_long_string(text, buf)
                .map_err(|e| StatementError::Statement(E::StatementStringSerialization(e)))?;
        }
        BatchStatement::Prepared { id } => {
            buf.put_u8(1);
            types::write_short_bytes(id, buf)
                .map_err(|e| StatementError::Statement(E::StatementIdSerialization(e)))?;
        }
    }
    let count_pos = buf.len();
    buf.put_u16(0);
    let mut writer = RowWriter::new(buf);
    match values.serialize_next(&mut writer) {
        None => return Err(StatementError::NoValues),
        Some(Err(e)) => return Err(StatementError::Statement(E::ValuesSerialiation(e))),
        Some(Ok(())) => {}
    }
    let written = writer.value_count();
    let count =
        u16::try_from(written).map_err(|_| StatementError::Statement(E::TooManyValues(written)))?;
    if let Some(slot) = buf.get_mut(count_pos..count_pos + 2) {
        slot.copy_from_slice(&count.to_be_bytes());
    }
    Ok(())
}

impl<'b> DeserializableRequest for Batch<'b, BatchStatement<'b>, Vec<SerializedValues>> {
    fn deserialize(buf: &mut &[u8]) -> Result<Self, RequestDeserializationError> {
        Self::deserialize_with_features(buf, &ProtocolFeatures::default())
    }

    fn deserialize_with_features(
        buf: &mut &[u8],
        _features: &ProtocolFeatures,
    ) -> Result<Self, RequestDeserializationError> {
        use RequestDeserializationError as E;

        let batch_type =
            BatchType::try_from(types::read_byte(buf).map_err(E::field("the type of BATCH"))?)?;
        let n =
            types::read_short(buf).map_err(E::field("the number of statements of BATCH"))? as usize;
        // A statement takes at least 5 bytes (kind, empty id, value count).
        let cap = n.min(buf.len() / 5);
        let mut statements = Vec::with_capacity(cap);
        let mut values = Vec::with_capacity(cap);
        for index in 0..n {
            let kind = types::read_byte(buf).map_err(E::field("the kind of a BATCH statement"))?;
            let statement = match kind {
                0 => {
                    let text = types::read_long_string(buf)
                        .map_err(E::field("the statement string of a BATCH statement"))?;
                    BatchStatement::Query {
                        text: Cow::Owned(text.to_owned()),
                    }
                }
                1 => {
                    let id = types::read_short_bytes(buf)
                        .map_err(E::field("the prepared id of a BATCH statement"))?;
                    BatchStatement::Prepared {
                        id: Cow::Owned(id.to_vec()),
                    }
                }
                kind => return Err(E::UnknownBatchStatementKind { index, kind }),
            };
            statements.push(statement);
            values.push(
                SerializedValues::new_from_frame(buf)
                    .map_err(E::field("the values of a BATCH statement"))?,
            );
        }
        let consistency =
            types::read_consistency(buf).map_err(E::field("the consistency of BATCH"))?;
        let flags = types::read_byte(buf).map_err(E::field("the flags of BATCH"))?;
        if flags & FLAG_WITH_NAMES_FOR_VALUES != 0 {
            return Err(E::BatchNamesForValuesNotSupported);
        }
        if flags & !(FLAG_WITH_SERIAL_CONSISTENCY | FLAG_WITH_DEFAULT_TIMESTAMP) != 0 {
            return Err(E::UnknownBatchFlags(flags));
        }
        let serial_consistency = if flags & FLAG_WITH_SERIAL_CONSISTENCY != 0 {
            Some(read_serial_consistency(buf)?)
        } else {
            None
        };
        let timestamp = if flags & FLAG_WITH_DEFAULT_TIMESTAMP != 0 {
            Some(types::read_long(buf).map_err(E::field("the default timestamp of BATCH"))?)
        } else {
            None
        };
        Ok(Batch {
            statements: Cow::Owned(statements),
            batch_type,
            consistency,
            serial_consistency,
            timestamp,
            values,
        })
    }
}
