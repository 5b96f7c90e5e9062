//! The `tablets-routing-v1` custom payload of ScyllaDB (see
//! `spec/scylla_protocol_extensions.md`, "Tablets routing v1").
//!
//! A server sends it in the custom payload of a RESULT when a request reached a node
//! or shard that does not own the tablet. Its value is a CQL value of type
//! `TupleType(LongType, LongType, ListType(TupleType(UUIDType, Int32Type)))`: the
//! tablet's token range `(first_token, last_token]` and its replicas as
//! `(host_id, shard)` pairs.

use std::collections::HashMap;

use bytes::Bytes;
use uuid::Uuid;

use crate::frame::protocol_features::TABLETS_ROUTING_V1_CUSTOM_PAYLOAD_KEY;
use crate::frame::types;

use super::parse_errors::{CqlResponseSerializationError, TabletsRoutingV1ParseError as E};

/// The routing information of one tablet.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TabletsRoutingV1 {
    /// The token the tablet's range starts after (exclusive).
    pub first_token: i64,
    /// The last token of the range (inclusive).
    pub last_token: i64,
    /// The replicas: host id and shard.
    pub replicas: Vec<(Uuid, i32)>,
}

/// Reads a non-null tuple element or list element: an `[int]` length and that many
/// bytes.
fn element<'a>(buf: &mut &'a [u8], field: &'static str) -> Result<&'a [u8], E> {
    types::read_bytes_opt(buf)
        .map_err(|err| E::Malformed { field, err })?
        .ok_or(E::NullField(field))
}

fn fixed<const N: usize>(buf: &mut &[u8], field: &'static str) -> Result<[u8; N], E> {
    let v = element(buf, field)?;
    <[u8; N]>::try_from(v).map_err(|_| E::WrongFieldSize {
        field,
        expected: N,
        actual: v.len(),
    })
}

impl TabletsRoutingV1 {
    /// Parses the payload value.
    pub fn deserialize(mut buf: &[u8]) -> Result<Self, E> {
        let first_token = i64::from_be_bytes(fixed(&mut buf, "first_token")?);
        let last_token = i64::from_be_bytes(fixed(&mut buf, "last_token")?);
        let mut list = element(&mut buf, "replica list")?;
        if !buf.is_empty() {
            return Err(E::TrailingBytes(buf.len()));
        }
        let count = types::read_int(&mut list).map_err(|err| E::Malformed {
            field: "replica count",
            err,
        })?;
        let count = usize::try_from(count).map_err(|_| E::NegativeReplicaCount(count))?;
        // Each replica takes at least 4 bytes: do not trust `count` for the allocation.
        let mut replicas = Vec::with_capacity(count.min(list.len() / 4));
        for _ in 0..count {
            let mut tuple = element(&mut list, "replica")?;
            let host = Uuid::from_bytes(fixed(&mut tuple, "replica host id")?);
            let shard = i32::from_be_bytes(fixed(&mut tuple, "replica shard")?);
            if !tuple.is_empty() {
                return Err(E::TrailingBytes(tuple.len()));
            }
            replicas.push((host, shard));
        }
        if !list.is_empty() {
            return Err(E::TrailingBytes(list.len()));
        }
        Ok(Self {
            first_token,
            last_token,
            replicas,
        })
    }

    /// The payload value.
    pub fn serialize(&self, buf: &mut Vec<u8>) -> Result<(), CqlResponseSerializationError> {
        let too_long = |source| CqlResponseSerializationError::TooLong {
            what: "tablet replica list",
            source,
        };
        types::write_int(8, buf);
        types::write_long(self.first_token, buf);
        types::write_int(8, buf);
        types::write_long(self.last_token, buf);
        // One replica is 4 + (4 + 16) + (4 + 4) bytes; the list is a count plus those.
        let list_len = self
            .replicas
            .len()
            .checked_mul(32)
            .and_then(|l| l.checked_add(4))
            .ok_or(CqlResponseSerializationError::Unrepresentable(
                "too many tablet replicas",
            ))?;
        types::write_int_length(list_len, buf).map_err(too_long)?;
        types::write_int_length(self.replicas.len(), buf).map_err(too_long)?;
        for (host, shard) in &self.replicas {
            types::write_int(28, buf);
            types::write_int(16, buf);
            types::write_uuid(host, buf);
            types::write_int(4, buf);
            types::write_int(*shard, buf);
        }
        Ok(())
    }

    /// The payload value as `Bytes`.
    pub fn to_bytes(&self) -> Result<Bytes, CqlResponseSerializationError> {
        let mut buf = Vec::with_capacity(24 + 32 * self.replicas.len());
        self.serialize(&mut buf)?;
        Ok(Bytes::from(buf))
    }

    /// Reads the `tablets-routing-v1` entry of a custom payload, if present.
    pub fn from_custom_payload(payload: &HashMap<String, Bytes>) -> Result<Option<Self>, E> {
        payload
            .get(TABLETS_ROUTING_V1_CUSTOM_PAYLOAD_KEY)
            .map(|v| Self::deserialize(v))
            .transpose()
    }

    /// Adds this tablet as the `tablets-routing-v1` entry of a custom payload.
    pub fn add_to_custom_payload(
        &self,
        payload: &mut HashMap<String, Bytes>,
    ) -> Result<(), CqlResponseSerializationError> {
        payload.insert(
            TABLETS_ROUTING_V1_CUSTOM_PAYLOAD_KEY.to_owned(),
            self.to_bytes()?,
        );
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn golden_bytes() {
        let t = TabletsRoutingV1 {
            first_token: -10,
            last_token: 20,
            replicas: vec![(Uuid::from_u128(1), 3)],
        };
        let mut expected = vec![0, 0, 0, 8];
        expected.extend((-10i64).to_be_bytes());
        expected.extend([0, 0, 0, 8]);
        expected.extend(20i64.to_be_bytes());
        expected.extend([0, 0, 0, 36, 0, 0, 0, 1, 0, 0, 0, 28, 0, 0, 0, 16]);
        expected.extend(Uuid::from_u128(1).as_bytes());
        expected.extend([0, 0, 0, 4, 0, 0, 0, 3]);
        assert_eq!(&t.to_bytes().unwrap()[..], &expected[..]);
        assert_eq!(TabletsRoutingV1::deserialize(&expected).unwrap(), t);
    }

    #[test]
    fn null_and_huge_counts_are_errors() {
        let mut b = vec![0xff, 0xff, 0xff, 0xff];
        assert!(matches!(
            TabletsRoutingV1::deserialize(&b),
            Err(E::NullField("first_token"))
        ));
        b = vec![
            0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0, 2,
        ];
        b.extend([0, 0, 0, 4, 0x7f, 0xff, 0xff, 0xff]);
        assert!(TabletsRoutingV1::deserialize(&b).is_err());
    }
}
