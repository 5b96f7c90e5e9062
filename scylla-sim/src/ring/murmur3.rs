//! Cassandra's `Murmur3Partitioner`: tokens, the MurmurHash3 variant it uses, and the
//! serialized form of (composite) partition keys that gets hashed.

use std::fmt;

/// The fully-qualified class name of the partitioner, as servers report it in
/// `system.local.partitioner` and in the `SCYLLA_PARTITIONER` option.
pub const MURMUR3_PARTITIONER_NAME: &str = "org.apache.cassandra.dht.Murmur3Partitioner";

/// A position on the token ring of the `Murmur3Partitioner`: a signed 64-bit value.
///
/// Tokens are ordered as signed integers; [`Token::MIN`] sorts before every key token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Token(i64);

impl Token {
    /// The minimum token. No partition key hashes to it except the empty key.
    pub const MIN: Token = Token(i64::MIN);
    /// The maximum token.
    pub const MAX: Token = Token(i64::MAX);

    /// A token with the given value.
    pub const fn new(value: i64) -> Self {
        Token(value)
    }

    /// The token's value.
    pub const fn value(self) -> i64 {
        self.0
    }
}

impl fmt::Display for Token {
    /// Formats the token as servers print it in `system.local.tokens`: a decimal number.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl From<i64> for Token {
    fn from(value: i64) -> Self {
        Token(value)
    }
}

impl From<Token> for i64 {
    fn from(token: Token) -> Self {
        token.0
    }
}

/// Why a list of partition-key components could not be serialized.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PartitionKeyError {
    /// No components were given.
    #[error("a partition key has at least one component, none were given")]
    NoComponents,
    /// A component of a composite key is longer than its 2-byte length prefix can say.
    #[error(
        "component {index} of a composite partition key is {len} bytes long, more than the maximum of 65535"
    )]
    ComponentTooLong {
        /// Zero-based index of the offending component.
        index: usize,
        /// Its length in bytes.
        len: usize,
    },
}

const C1: u64 = 0x87c3_7b91_1142_53d5;
const C2: u64 = 0x4cf5_ad43_2745_937f;

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

/// Reads 8 bytes as a little-endian `u64`; `chunk` always has exactly 8 bytes here.
#[inline]
fn le_u64(chunk: &[u8]) -> u64 {
    let mut buf = [0u8; 8];
    buf.copy_from_slice(chunk);
    u64::from_le_bytes(buf)
}

/// A tail byte as Cassandra's Java code widens it: sign-extended to 64 bits.
#[inline]
fn sign_extended(byte: u8) -> u64 {
    byte as i8 as i64 as u64
}

/// The first 64-bit half of MurmurHash3 x64_128 (seed 0) of `data`, computed exactly as
/// Cassandra's `MurmurHash.hash3_x64_128` does, including its quirk: the bytes of the
/// tail (the last `len % 16` bytes) are sign-extended before being shifted into place.
///
/// This is the raw hash; [`token_of`] turns it into a token.
pub fn murmur3_hash(data: &[u8]) -> i64 {
    let mut h1: u64 = 0;
    let mut h2: u64 = 0;

    let mut blocks = data.chunks_exact(16);
    for block in &mut blocks {
        let (lo, hi) = block.split_at(8);
        h1 ^= mix_k1(le_u64(lo));
        h1 = h1
            .rotate_left(27)
            .wrapping_add(h2)
            .wrapping_mul(5)
            .wrapping_add(0x52dc_e729);
        h2 ^= mix_k2(le_u64(hi));
        h2 = h2
            .rotate_left(31)
            .wrapping_add(h1)
            .wrapping_mul(5)
            .wrapping_add(0x3849_5ab5);
    }

    let tail = blocks.remainder();
    if tail.len() > 8 {
        let mut k2: u64 = 0;
        for (i, &byte) in tail.iter().enumerate().skip(8) {
            k2 ^= sign_extended(byte) << ((i - 8) * 8);
        }
        h2 ^= mix_k2(k2);
    }
    if !tail.is_empty() {
        let mut k1: u64 = 0;
        for (i, &byte) in tail.iter().enumerate().take(8) {
            k1 ^= sign_extended(byte) << (i * 8);
        }
        h1 ^= mix_k1(k1);
    }

    let len = data.len() as u64;
    h1 ^= len;
    h2 ^= len;
    h1 = h1.wrapping_add(h2);
    h2 = h2.wrapping_add(h1);
    h1 = fmix(h1);
    h2 = fmix(h2);
    h1 = h1.wrapping_add(h2);
    h1 as i64
}

/// The token of a serialized partition key (see [`partition_key_bytes`]), as
/// Cassandra's and ScyllaDB's `Murmur3Partitioner` compute it:
/// - the empty key has the minimum token, [`Token::MIN`] (both servers special-case it;
///   CQL never stores a partition under an empty key anyway),
/// - otherwise the token is [`murmur3_hash`] of the bytes, except that a hash equal to
///   `i64::MIN` becomes `i64::MAX`, so that no key lands on the minimum token.
pub fn token_of(key: &[u8]) -> Token {
    if key.is_empty() {
        return Token::MIN;
    }
    match murmur3_hash(key) {
        i64::MIN => Token::MAX,
        hash => Token(hash),
    }
}

/// The bytes that are hashed for a partition key made of `components` (each the
/// serialized value of one partition-key column, in partition-key order):
/// - one component: the value's bytes as they are;
/// - several components (a composite key): per component, its length as a 2-byte
///   big-endian number, its bytes, and a `0x00` byte.
///
/// Fails when no component is given, or when a component of a composite key is longer
/// than 65535 bytes.
pub fn partition_key_bytes(components: &[&[u8]]) -> Result<Vec<u8>, PartitionKeyError> {
    match components {
        [] => Err(PartitionKeyError::NoComponents),
        [single] => Ok(single.to_vec()),
        many => {
            let total: usize = many.iter().map(|c| c.len() + 3).sum();
            let mut out = Vec::with_capacity(total);
            for (index, component) in many.iter().enumerate() {
                let len = u16::try_from(component.len()).map_err(|_| {
                    PartitionKeyError::ComponentTooLong {
                        index,
                        len: component.len(),
                    }
                })?;
                out.extend_from_slice(&len.to_be_bytes());
                out.extend_from_slice(component);
                out.push(0);
            }
            Ok(out)
        }
    }
}

/// The token of the partition key made of `components`: [`partition_key_bytes`] followed
/// by [`token_of`].
pub fn token_of_components(components: &[&[u8]]) -> Result<Token, PartitionKeyError> {
    partition_key_bytes(components).map(|bytes| token_of(&bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_text_tokens() {
        // Values computed by the Python cassandra-driver 3.30.1 (Murmur3Token.from_key).
        assert_eq!(token_of(b"test"), Token::new(-6017608668500074083));
        assert_eq!(token_of(b"xd"), Token::new(4507812186440344727));
        assert_eq!(token_of(b"primary_key"), Token::new(-1632642444691073360));
        assert_eq!(
            token_of("kremówki".as_bytes()),
            Token::new(4354931215268080151)
        );
    }

    #[test]
    fn known_int_tokens() {
        // `SELECT token(k)` for an `int` partition key k = 1, 2, 3 on a real cluster.
        assert_eq!(
            token_of(&1i32.to_be_bytes()),
            Token::new(-4069959284402364209)
        );
        assert_eq!(
            token_of(&2i32.to_be_bytes()),
            Token::new(-3248873570005575792)
        );
        assert_eq!(
            token_of(&3i32.to_be_bytes()),
            Token::new(9010454139840013625)
        );
    }

    #[test]
    fn empty_key_is_minimum_token() {
        assert_eq!(murmur3_hash(b""), 0);
        assert_eq!(token_of(b""), Token::MIN);
    }

    #[test]
    fn tail_bytes_are_sign_extended() {
        // A tail byte >= 0x80 must differ from the unsigned reading; check against a
        // hand-rolled unsigned variant to prove the quirk is applied.
        let data = [0x80u8];
        let unsigned_k1 = mix_k1(0x80);
        let signed_k1 = mix_k1(0xffff_ffff_ffff_ff80);
        assert_ne!(unsigned_k1, signed_k1);
        let mut h1 = signed_k1 ^ 1;
        let mut h2 = 1u64;
        h1 = h1.wrapping_add(h2);
        h2 = h2.wrapping_add(h1);
        let expected = fmix(h1).wrapping_add(fmix(h2)) as i64;
        assert_eq!(murmur3_hash(&data), expected);
    }

    #[test]
    fn composite_key_layout() {
        let key = partition_key_bytes(&[b"a", b"bc"]).unwrap();
        assert_eq!(key, b"\x00\x01a\x00\x00\x02bc\x00");
        let key = partition_key_bytes(&[b"", b"x"]).unwrap();
        assert_eq!(key, b"\x00\x00\x00\x00\x01x\x00");
        assert_eq!(partition_key_bytes(&[b"solo"]).unwrap(), b"solo");
    }

    #[test]
    fn composite_key_errors() {
        assert_eq!(
            partition_key_bytes(&[]),
            Err(PartitionKeyError::NoComponents)
        );
        let long = vec![0u8; 65536];
        assert_eq!(
            partition_key_bytes(&[b"a", &long]),
            Err(PartitionKeyError::ComponentTooLong {
                index: 1,
                len: 65536
            })
        );
        // The limit applies to composite components only.
        assert!(partition_key_bytes(&[&long]).is_ok());
        let max = vec![0u8; 65535];
        assert!(partition_key_bytes(&[b"a", &max]).is_ok());
    }

    #[test]
    fn token_ordering_and_display() {
        assert!(Token::MIN < Token::new(0));
        assert!(Token::new(0) < Token::MAX);
        assert_eq!(Token::new(-42).to_string(), "-42");
        assert_eq!(i64::from(Token::from(7)), 7);
    }
}
