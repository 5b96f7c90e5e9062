//! ScyllaDB's mapping of tokens and client ports to shards (the "intranode sharding"
//! protocol extension).

use std::num::NonZeroU16;

use super::murmur3::Token;

/// The only sharding algorithm ScyllaDB defines, as sent in `SCYLLA_SHARDING_ALGORITHM`.
pub const SHARDING_ALGORITHM: &str = "biased-token-round-robin";

/// The `SCYLLA_SHARDING_IGNORE_MSB` value ScyllaDB uses by default.
pub const DEFAULT_SHARDING_IGNORE_MSB: u8 = 12;

/// The shard-aware CQL port ScyllaDB listens on by default (`SCYLLA_SHARD_AWARE_PORT`).
pub const DEFAULT_SHARD_AWARE_PORT: u16 = 19042;

/// The shard that owns `token` on a node with `nr_shards` shards, by ScyllaDB's
/// `biased-token-round-robin` algorithm:
/// bias the token by `2^63` (so the minimum token becomes 0), shift it left by
/// `ignore_msb` bits keeping the low 64, multiply by `nr_shards` and keep the high 64 bits
/// of the 128-bit product.
///
/// An `ignore_msb` of 64 or more discards every bit, so every token maps to shard 0.
pub fn shard_of(token: Token, nr_shards: NonZeroU16, ignore_msb: u8) -> u16 {
    let biased = (token.value() as u64) ^ (1u64 << 63);
    let shifted = biased.checked_shl(u32::from(ignore_msb)).unwrap_or(0);
    let product = u128::from(shifted) * u128::from(nr_shards.get());
    // product < 2^64 * nr_shards, so the high half is < nr_shards <= u16::MAX.
    (product >> 64) as u16
}

/// The shard a connection to the shard-aware port is assigned to when the client's
/// source port is `port`: `port % nr_shards`.
pub fn shard_of_source_port(port: u16, nr_shards: NonZeroU16) -> u16 {
    port % nr_shards.get()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(v: u16) -> NonZeroU16 {
        NonZeroU16::new(v).unwrap()
    }

    #[test]
    fn bias_is_subtracting_the_minimum() {
        // Adding 2^63 modulo 2^64 is the same as flipping the top bit.
        for v in [i64::MIN, -1, 0, 1, i64::MAX] {
            let biased = (v as i128 - i64::MIN as i128) as u64;
            assert_eq!(biased, (v as u64) ^ (1 << 63));
        }
    }

    #[test]
    fn extremes() {
        assert_eq!(shard_of(Token::MIN, n(12), 12), 0);
        // Biased MAX is all ones; shifted by 12 it is 0xffff...f000, just under 2^64.
        assert_eq!(shard_of(Token::MAX, n(12), 12), 11);
        assert_eq!(shard_of(Token::new(0), n(12), 0), 6);
        assert_eq!(shard_of(Token::new(12345), n(1), 12), 0);
        assert_eq!(shard_of(Token::new(-5), n(7), 64), 0);
        assert_eq!(shard_of(Token::new(-5), n(7), 200), 0);
    }

    #[test]
    fn source_port() {
        assert_eq!(shard_of_source_port(19042, n(12)), 19042 % 12);
        assert_eq!(shard_of_source_port(50000, n(7)), 50000 % 7);
        assert_eq!(shard_of_source_port(0, n(3)), 0);
        assert_eq!(shard_of_source_port(u16::MAX, n(u16::MAX)), 0);
    }
}
