//! Partitioners: how a partition key becomes a [`Token`].
//!
//! - [`Murmur3Partitioner`], the default: the x64 128-bit MurmurHash3 of the key with
//!   seed 0, as Cassandra computes it. Cassandra sign-extends the bytes of the last,
//!   partial 16-byte block (a bug kept for compatibility), and the smallest token,
//!   `i64::MIN`, is reserved, so a key hashing to it gets `i64::MAX` instead.
//! - [`CDCPartitioner`], ScyllaDB's partitioner of CDC log tables: the token is the
//!   first 8 bytes (big-endian) of the 16-byte stream id.
//!
//! Hashers are streaming: a key may be written in pieces (as a composite partition
//! key is, component by component) and gives the same token as written in one piece.

use scylla_cql::frame::types::RawValue;
use scylla_cql::serialize::row::SerializedValues;

use super::Token;
use crate::statement::prepared::TokenCalculationError;

mod sealed {
    /// Only this crate implements the partitioner traits.
    pub trait Sealed {}
}
use sealed::Sealed;

/// An algorithm that turns partition keys into tokens. Sealed.
pub trait Partitioner: Sealed {
    /// The streaming hasher of this partitioner.
    type Hasher: PartitionerHasher;

    /// A hasher with nothing written yet.
    fn build_hasher(&self) -> Self::Hasher;

    /// The token of `data`.
    fn hash_one(&self, data: &[u8]) -> Token {
        let mut hasher = self.build_hasher();
        hasher.write(data);
        hasher.finish()
    }
}

/// A partitioner's hash state: write the key (in any number of pieces), then
/// [`finish`](Self::finish). Sealed.
pub trait PartitionerHasher: Sealed {
    /// Appends bytes to the key.
    fn write(&mut self, pieces: &[u8]);

    /// The token of everything written so far.
    fn finish(&self) -> Token;
}

/// The partitioner a table uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum PartitionerName {
    /// `org.apache.cassandra.dht.Murmur3Partitioner`, the default.
    #[default]
    Murmur3,
    /// `com.scylladb.dht.CDCPartitioner`, used by CDC log tables.
    CDC,
}

impl PartitionerName {
    /// The partitioner named by its (possibly fully qualified) Java class name, as in
    /// `system_schema.scylla_tables.partitioner`; `None` for one the driver does not
    /// know.
    pub(crate) fn from_str(name: &str) -> Option<Self> {
        if name.ends_with("Murmur3Partitioner") {
            Some(PartitionerName::Murmur3)
        } else if name.ends_with("CDCPartitioner") {
            Some(PartitionerName::CDC)
        } else {
            None
        }
    }

    /// The partitioner named by a table's `partitioner` metadata: `None` (no
    /// partitioner recorded) and unknown names mean the default, Murmur3.
    pub(crate) fn from_table_partitioner(name: Option<&str>) -> Self {
        name.and_then(Self::from_str).unwrap_or_default()
    }
}

impl Sealed for PartitionerName {}

impl Partitioner for PartitionerName {
    type Hasher = PartitionerHasherAny;

    fn build_hasher(&self) -> Self::Hasher {
        match self {
            PartitionerName::Murmur3 => {
                PartitionerHasherAny::Murmur3(Murmur3Partitioner.build_hasher())
            }
            PartitionerName::CDC => PartitionerHasherAny::CDC(CDCPartitioner.build_hasher()),
        }
    }
}

/// The hasher of a [`PartitionerName`].
#[derive(Debug, Clone)]
#[non_exhaustive]
#[allow(clippy::upper_case_acronyms)]
pub enum PartitionerHasherAny {
    /// Murmur3.
    Murmur3(Murmur3PartitionerHasher),
    /// CDC.
    CDC(CDCPartitionerHasher),
}

impl Sealed for PartitionerHasherAny {}

impl PartitionerHasher for PartitionerHasherAny {
    fn write(&mut self, pieces: &[u8]) {
        match self {
            PartitionerHasherAny::Murmur3(h) => h.write(pieces),
            PartitionerHasherAny::CDC(h) => h.write(pieces),
        }
    }

    fn finish(&self) -> Token {
        match self {
            PartitionerHasherAny::Murmur3(h) => h.finish(),
            PartitionerHasherAny::CDC(h) => h.finish(),
        }
    }
}

// ---------------------------------------------------------------------------------------
// Murmur3
// ---------------------------------------------------------------------------------------

/// Cassandra's Murmur3 partitioner (the default).
#[derive(Debug, Clone, Copy, Default)]
pub struct Murmur3Partitioner;

impl Sealed for Murmur3Partitioner {}

impl Partitioner for Murmur3Partitioner {
    type Hasher = Murmur3PartitionerHasher;

    fn build_hasher(&self) -> Self::Hasher {
        Murmur3PartitionerHasher {
            h1: 0,
            h2: 0,
            total_len: 0,
            buf: [0; BLOCK],
            buf_len: 0,
        }
    }
}

const BLOCK: usize = 16;
const C1: u64 = 0x87c3_7b91_1142_53d5;
const C2: u64 = 0x4cf5_ad43_2745_937f;

/// The streaming state of [`Murmur3Partitioner`]: processes whole 16-byte blocks as
/// they arrive and keeps at most one partial block.
#[derive(Debug, Clone)]
pub struct Murmur3PartitionerHasher {
    h1: u64,
    h2: u64,
    total_len: u64,
    buf: [u8; BLOCK],
    buf_len: usize,
}

#[inline]
fn mix_k1(k1: u64) -> u64 {
    k1.wrapping_mul(C1).rotate_left(31).wrapping_mul(C2)
}

#[inline]
fn mix_k2(k2: u64) -> u64 {
    k2.wrapping_mul(C2).rotate_left(33).wrapping_mul(C1)
}

#[inline]
fn fmix(mut k: u64) -> u64 {
    k ^= k >> 33;
    k = k.wrapping_mul(0xff51_afd7_ed55_8ccd);
    k ^= k >> 33;
    k = k.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    k ^= k >> 33;
    k
}

impl Murmur3PartitionerHasher {
    #[inline]
    fn process_block(&mut self, block: &[u8; BLOCK]) {
        let (lo, hi) = block.split_at(8);
        let mut lo8 = [0u8; 8];
        lo8.copy_from_slice(lo);
        let mut hi8 = [0u8; 8];
        hi8.copy_from_slice(hi);
        let k1 = u64::from_le_bytes(lo8);
        let k2 = u64::from_le_bytes(hi8);

        self.h1 ^= mix_k1(k1);
        self.h1 = self
            .h1
            .rotate_left(27)
            .wrapping_add(self.h2)
            .wrapping_mul(5)
            .wrapping_add(0x52dc_e729);

        self.h2 ^= mix_k2(k2);
        self.h2 = self
            .h2
            .rotate_left(31)
            .wrapping_add(self.h1)
            .wrapping_mul(5)
            .wrapping_add(0x3849_5ab5);
    }
}

impl Sealed for Murmur3PartitionerHasher {}

impl PartitionerHasher for Murmur3PartitionerHasher {
    fn write(&mut self, mut pieces: &[u8]) {
        self.total_len = self.total_len.wrapping_add(pieces.len() as u64);

        // Complete a pending partial block first.
        if self.buf_len > 0 {
            let take = (BLOCK - self.buf_len).min(pieces.len());
            let (head, rest) = pieces.split_at(take);
            self.buf[self.buf_len..self.buf_len + take].copy_from_slice(head);
            self.buf_len += take;
            pieces = rest;
            if self.buf_len < BLOCK {
                return;
            }
            let block = self.buf;
            self.process_block(&block);
            self.buf_len = 0;
        }

        let mut chunks = pieces.chunks_exact(BLOCK);
        for chunk in &mut chunks {
            let mut block = [0u8; BLOCK];
            block.copy_from_slice(chunk);
            self.process_block(&block);
        }
        let rest = chunks.remainder();
        self.buf[..rest.len()].copy_from_slice(rest);
        self.buf_len = rest.len();
    }

    fn finish(&self) -> Token {
        let mut h1 = self.h1;
        let mut h2 = self.h2;
        let tail = &self.buf[..self.buf_len];

        // Cassandra reads the tail bytes as signed and sign-extends them to 64 bits.
        let mut k1: u64 = 0;
        let mut k2: u64 = 0;
        for (i, &b) in tail.iter().enumerate() {
            let extended = i64::from(b as i8) as u64;
            if i < 8 {
                k1 ^= extended << (8 * i);
            } else {
                k2 ^= extended << (8 * (i - 8));
            }
        }
        if tail.len() > 8 {
            h2 ^= mix_k2(k2);
        }
        if !tail.is_empty() {
            h1 ^= mix_k1(k1);
        }

        h1 ^= self.total_len;
        h2 ^= self.total_len;
        h1 = h1.wrapping_add(h2);
        h2 = h2.wrapping_add(h1);
        h1 = fmix(h1);
        h2 = fmix(h2);
        h1 = h1.wrapping_add(h2);

        let value = h1 as i64;
        // i64::MIN is the ring's minimum token, which no key may have.
        Token::new(if value == i64::MIN { i64::MAX } else { value })
    }
}

// ---------------------------------------------------------------------------------------
// CDC
// ---------------------------------------------------------------------------------------

/// ScyllaDB's partitioner of CDC log tables.
#[derive(Debug, Clone, Copy, Default)]
pub struct CDCPartitioner;

impl Sealed for CDCPartitioner {}

impl Partitioner for CDCPartitioner {
    type Hasher = CDCPartitionerHasher;

    fn build_hasher(&self) -> Self::Hasher {
        CDCPartitionerHasher {
            first8: [0; 8],
            len: 0,
        }
    }
}

/// The streaming state of [`CDCPartitioner`].
///
/// A CDC stream id is 16 bytes; its token is the first 8 bytes read as a big-endian
/// `i64`. A key of any other length gets the minimum token, `i64::MIN`, as ScyllaDB
/// gives it.
#[derive(Debug, Clone)]
pub struct CDCPartitionerHasher {
    first8: [u8; 8],
    len: u64,
}

impl Sealed for CDCPartitionerHasher {}

impl PartitionerHasher for CDCPartitionerHasher {
    fn write(&mut self, pieces: &[u8]) {
        let have = self.len.min(8) as usize;
        let take = (8 - have).min(pieces.len());
        self.first8[have..have + take].copy_from_slice(&pieces[..take]);
        self.len = self.len.saturating_add(pieces.len() as u64);
    }

    fn finish(&self) -> Token {
        if self.len == 16 {
            Token::new(i64::from_be_bytes(self.first8))
        } else {
            Token::new(i64::MIN)
        }
    }
}

// ---------------------------------------------------------------------------------------
// Partition keys
// ---------------------------------------------------------------------------------------

/// Writes a partition key, given as its serialized column values in partition-key
/// order, into `hasher`.
///
/// One column is hashed as its bare bytes. Several columns form a composite key: for
/// each, a 2-byte big-endian length, the bytes and a zero byte. A null value
/// contributes nothing.
pub(crate) fn write_partition_key<'v>(
    hasher: &mut impl PartitionerHasher,
    values: impl ExactSizeIterator<Item = RawValue<'v>>,
) -> Result<(), TokenCalculationError> {
    if values.len() == 1 {
        for value in values {
            if let RawValue::Value(bytes) = value {
                hasher.write(bytes);
            }
        }
        return Ok(());
    }
    for value in values {
        let RawValue::Value(bytes) = value else {
            continue;
        };
        let len = u16::try_from(bytes.len())
            .map_err(|_| TokenCalculationError::ValueTooLong(bytes.len()))?;
        hasher.write(&len.to_be_bytes());
        hasher.write(bytes);
        hasher.write(&[0]);
    }
    Ok(())
}

/// The token of a partition key given as serialized values in partition-key order.
pub(crate) fn calculate_token_for_partition_key(
    partition_key: &SerializedValues,
    partitioner: &PartitionerName,
) -> Result<Token, TokenCalculationError> {
    let mut hasher = partitioner.build_hasher();
    let count = usize::from(partition_key.element_count());
    write_partition_key(&mut hasher, ExactLen(partition_key.iter(), count))?;
    Ok(hasher.finish())
}

/// An iterator with a known length.
struct ExactLen<I>(I, usize);

impl<I: Iterator> Iterator for ExactLen<I> {
    type Item = I::Item;
    fn next(&mut self) -> Option<I::Item> {
        let item = self.0.next()?;
        self.1 = self.1.saturating_sub(1);
        Some(item)
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.1, Some(self.1))
    }
}

impl<I: Iterator> ExactSizeIterator for ExactLen<I> {}

#[cfg(test)]
mod tests {
    use super::*;

    fn murmur(data: &[u8]) -> i64 {
        Murmur3Partitioner.hash_one(data).value()
    }

    #[test]
    fn murmur3_known_values() {
        // Values from the Python cassandra-driver's `murmur3` (see the fixture test in
        // tests/routing_murmur3.rs for a thousand more).
        assert_eq!(murmur(b""), 0);
        assert_eq!(murmur(b"test"), -6017608668500074083);
    }

    #[test]
    fn murmur3_streaming_equals_one_shot() {
        let data: Vec<u8> = (0..200u32).map(|i| (i * 37 + 11) as u8).collect();
        for len in 0..data.len() {
            let key = &data[..len];
            let whole = murmur(key);
            for split1 in [0, 1, 7, 15, 16, 17, 33] {
                for split2 in [0, 3, 16, 40] {
                    let a = split1.min(len);
                    let b = (a + split2).min(len);
                    let mut h = Murmur3Partitioner.build_hasher();
                    h.write(&key[..a]);
                    h.write(&key[a..b]);
                    h.write(&key[b..]);
                    assert_eq!(h.finish().value(), whole, "len {len}, splits {a} {b}");
                }
            }
            // Byte by byte.
            let mut h = Murmur3Partitioner.build_hasher();
            for byte in key {
                h.write(std::slice::from_ref(byte));
            }
            assert_eq!(h.finish().value(), whole);
        }
    }

    #[test]
    fn finish_does_not_consume() {
        let mut h = Murmur3Partitioner.build_hasher();
        h.write(b"abc");
        let t = h.finish();
        assert_eq!(t, h.finish());
        h.write(b"def");
        assert_eq!(h.finish(), Murmur3Partitioner.hash_one(b"abcdef"));
    }

    #[test]
    fn cdc_partitioner() {
        let key: [u8; 16] = [
            0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 9, 10, 11, 12, 13, 14, 15, 16,
        ];
        let expected = 0x0102_0304_0506_0708_i64;
        assert_eq!(CDCPartitioner.hash_one(&key).value(), expected);
        let mut h = CDCPartitioner.build_hasher();
        h.write(&key[..3]);
        h.write(&key[3..11]);
        h.write(&key[11..]);
        assert_eq!(h.finish().value(), expected);
        assert_eq!(CDCPartitioner.hash_one(&key[..8]).value(), i64::MIN);
        assert_eq!(CDCPartitioner.hash_one(&[0xff; 17]).value(), i64::MIN);
        assert_eq!(
            PartitionerName::CDC.hash_one(&key),
            CDCPartitioner.hash_one(&key)
        );
    }

    #[test]
    fn partitioner_names() {
        assert_eq!(
            PartitionerName::from_str("org.apache.cassandra.dht.Murmur3Partitioner"),
            Some(PartitionerName::Murmur3)
        );
        assert_eq!(
            PartitionerName::from_str("com.scylladb.dht.CDCPartitioner"),
            Some(PartitionerName::CDC)
        );
        assert_eq!(PartitionerName::from_str("RandomPartitioner"), None);
        assert_eq!(
            PartitionerName::from_table_partitioner(None),
            PartitionerName::Murmur3
        );
        assert_eq!(PartitionerName::default(), PartitionerName::Murmur3);
    }

    #[test]
    fn composite_keys() {
        use scylla_cql::frame::response::result::{ColumnType, NativeType};
        let mut values = SerializedValues::new();
        values
            .add_value(&7i32, &ColumnType::Native(NativeType::Int))
            .unwrap();
        values
            .add_value(&"ab", &ColumnType::Native(NativeType::Text))
            .unwrap();
        let token = calculate_token_for_partition_key(&values, &PartitionerName::Murmur3).unwrap();
        let composite = [0, 4, 0, 0, 0, 7, 0, 0, 2, b'a', b'b', 0];
        assert_eq!(token, Murmur3Partitioner.hash_one(&composite));

        let mut single = SerializedValues::new();
        single
            .add_value(&7i32, &ColumnType::Native(NativeType::Int))
            .unwrap();
        assert_eq!(
            calculate_token_for_partition_key(&single, &PartitionerName::Murmur3).unwrap(),
            Murmur3Partitioner.hash_one(&[0, 0, 0, 7])
        );

        let long = vec![0u8; 70_000];
        let mut too_long = SerializedValues::new();
        too_long
            .add_value(&long, &ColumnType::Native(NativeType::Blob))
            .unwrap();
        too_long
            .add_value(&1i32, &ColumnType::Native(NativeType::Int))
            .unwrap();
        assert_eq!(
            calculate_token_for_partition_key(&too_long, &PartitionerName::Murmur3),
            Err(TokenCalculationError::ValueTooLong(70_000))
        );
    }
}
