//! The paging state a SELECT returns with a page and takes back for the next one.
//!
//! It names the last row returned (partition key and clustering key), the rows of that
//! partition returned so far (for `PER PARTITION LIMIT`), and what is left of `LIMIT`.
//! The state is bound to the statement it was produced by and carries a checksum keyed
//! with a secret of the cluster, so a state that was altered or that belongs to another
//! statement is refused with an `Invalid` error. Any node of the cluster can resume it.

use bytes::Bytes;

use crate::ring::murmur3_hash;
use crate::store::{MAX_KEY_COMPONENT, PartitionKey};

use super::error::{ExecError, ExecResult};

const MAGIC: u8 = 0x5a;
const VERSION: u8 = 1;

/// Where the next page starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PagingPosition {
    /// The last partition a row was returned from.
    pub(crate) partition: PartitionKey,
    /// The last row returned in it; `None` when that partition is done.
    pub(crate) clustering: Option<Vec<Bytes>>,
    /// Rows of that partition already returned.
    pub(crate) partition_rows: u64,
    /// What is left of LIMIT (`None` without a limit).
    pub(crate) remaining: Option<u64>,
}

fn put_short_bytes(out: &mut Vec<u8>, b: &[u8]) {
    out.extend_from_slice(&(b.len() as u16).to_be_bytes());
    out.extend_from_slice(b);
}

fn mac(secret: u64, statement: u64, body: &[u8]) -> u64 {
    let mut data = Vec::with_capacity(body.len() + 16);
    data.extend_from_slice(&secret.to_be_bytes());
    data.extend_from_slice(&statement.to_be_bytes());
    data.extend_from_slice(body);
    murmur3_hash(&data) as u64
}

/// Appends to the paging state `body` its MAC for `statement` under `secret`.
pub(crate) fn sign(mut body: Vec<u8>, secret: u64, statement: u64) -> Vec<u8> {
    let m = mac(secret, statement, &body);
    body.extend_from_slice(&m.to_be_bytes());
    body
}

/// The body of a paging state [`sign`]ed for `statement` under `secret`; `None` when the
/// MAC does not match.
pub(crate) fn verified(state: &[u8], secret: u64, statement: u64) -> Option<&[u8]> {
    let (body, tail) = state.split_last_chunk::<8>()?;
    (mac(secret, statement, body) == u64::from_be_bytes(*tail)).then_some(body)
}

impl PagingPosition {
    /// Serializes the state for statement `statement`.
    pub(crate) fn encode(&self, secret: u64, statement: u64) -> Vec<u8> {
        let mut out = vec![MAGIC, VERSION];
        out.extend_from_slice(&self.partition.token.to_be_bytes());
        put_short_bytes(&mut out, &self.partition.key);
        match &self.clustering {
            None => out.push(0),
            Some(ck) => {
                out.push(1);
                out.extend_from_slice(&(ck.len() as u16).to_be_bytes());
                for c in ck {
                    put_short_bytes(&mut out, c);
                }
            }
        }
        out.extend_from_slice(&self.partition_rows.to_be_bytes());
        out.extend_from_slice(&self.remaining.map_or(u64::MAX, |r| r).to_be_bytes());
        sign(out, secret, statement)
    }

    /// Reads back a state produced by [`encode`](Self::encode) for `statement`.
    pub(crate) fn decode(bytes: &[u8], secret: u64, statement: u64) -> ExecResult<Self> {
        let bad = || ExecError::invalid("Invalid value for the paging state");
        let body = verified(bytes, secret, statement).ok_or_else(bad)?;
        let mut r = Reader { buf: body };
        if r.u8()? != MAGIC || r.u8()? != VERSION {
            return Err(bad());
        }
        let token = r.i64()?;
        let key = Bytes::copy_from_slice(r.short_bytes()?);
        let clustering = match r.u8()? {
            0 => None,
            1 => {
                let n = usize::from(r.u16()?);
                let mut ck = Vec::with_capacity(n.min(64));
                for _ in 0..n {
                    ck.push(Bytes::copy_from_slice(r.short_bytes()?));
                }
                Some(ck)
            }
            _ => return Err(bad()),
        };
        let partition_rows = r.i64()? as u64;
        let remaining = match r.i64()? as u64 {
            u64::MAX => None,
            n => Some(n),
        };
        if !r.buf.is_empty() || key.len() > MAX_KEY_COMPONENT {
            return Err(bad());
        }
        Ok(PagingPosition {
            partition: PartitionKey::new(token, key),
            clustering,
            partition_rows,
            remaining,
        })
    }
}

struct Reader<'a> {
    buf: &'a [u8],
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> ExecResult<&'a [u8]> {
        if self.buf.len() < n {
            return Err(ExecError::invalid("Invalid value for the paging state"));
        }
        let (a, b) = self.buf.split_at(n);
        self.buf = b;
        Ok(a)
    }

    fn u8(&mut self) -> ExecResult<u8> {
        Ok(self.take(1)?[0])
    }

    fn u16(&mut self) -> ExecResult<u16> {
        let b = self.take(2)?;
        Ok(u16::from_be_bytes([b[0], b[1]]))
    }

    fn i64(&mut self) -> ExecResult<i64> {
        let b = self.take(8)?;
        let mut a = [0u8; 8];
        a.copy_from_slice(b);
        Ok(i64::from_be_bytes(a))
    }

    fn short_bytes(&mut self) -> ExecResult<&'a [u8]> {
        let n = usize::from(self.u16()?);
        self.take(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_tamper_detection() {
        let p = PagingPosition {
            partition: PartitionKey::new(-42, Bytes::from_static(b"key")),
            clustering: Some(vec![Bytes::from_static(&[0, 0, 0, 1]), Bytes::new()]),
            partition_rows: 3,
            remaining: Some(10),
        };
        let enc = p.encode(7, 99);
        assert_eq!(PagingPosition::decode(&enc, 7, 99).unwrap(), p);
        // Another statement, another secret, or any flipped bit: refused.
        assert!(PagingPosition::decode(&enc, 7, 98).is_err());
        assert!(PagingPosition::decode(&enc, 8, 99).is_err());
        for i in 0..enc.len() {
            let mut bad = enc.clone();
            bad[i] ^= 0x10;
            assert!(PagingPosition::decode(&bad, 7, 99).is_err(), "byte {i}");
        }
        for n in 0..enc.len() {
            assert!(PagingPosition::decode(&enc[..n], 7, 99).is_err());
        }
        let p = PagingPosition {
            clustering: None,
            remaining: None,
            ..p
        };
        assert_eq!(PagingPosition::decode(&p.encode(1, 2), 1, 2).unwrap(), p);
    }
}
