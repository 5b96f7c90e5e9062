//! The shard formula against the intranode-sharding spec: its Java snippet translated by
//! hand, its infinite-precision description, and values computed from that description.

use std::num::NonZeroU16;

use scylla_sim::ring::{
    DEFAULT_SHARDING_IGNORE_MSB, Token, shard_of, shard_of_source_port, token_of,
};

fn n(v: u16) -> NonZeroU16 {
    NonZeroU16::new(v).unwrap()
}

/// The spec's Java `scyllaShardOf`, line by line. Java longs wrap, `<<` takes the shift
/// count modulo 64 and `>>>` is the unsigned shift.
fn java_shard_of(token: i64, nr_shards: i64, ignore_msb: u32) -> i32 {
    let mut token = token.wrapping_add(i64::MIN);
    token = token.wrapping_shl(ignore_msb);
    let tok_lo = token & 0xffff_ffff;
    let tok_hi = ((token as u64) >> 32) as i64 & 0xffff_ffff;
    let mul1 = tok_lo.wrapping_mul(nr_shards);
    let mul2 = tok_hi.wrapping_mul(nr_shards);
    let sum = (((mul1 as u64) >> 32) as i64).wrapping_add(mul2);
    ((sum as u64) >> 32) as i32
}

/// The spec's description with (here: 128-bit) exact arithmetic.
fn spec_shard_of(token: i64, nr_shards: u16, ignore_msb: u32) -> u16 {
    let biased = (i128::from(token) - i128::from(i64::MIN)) as u128;
    let shifted = if ignore_msb >= 64 {
        0
    } else {
        (biased << ignore_msb) % (1u128 << 64)
    };
    ((shifted * u128::from(nr_shards)) >> 64) as u16
}

fn sample_tokens() -> Vec<i64> {
    let mut tokens = vec![i64::MIN, i64::MIN + 1, -1, 0, 1, i64::MAX - 1, i64::MAX];
    // A deterministic spread over the whole range, plus tokens of real keys.
    let mut x: u64 = 0x1234_5678_9abc_def0;
    for _ in 0..2000 {
        x = x
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        tokens.push(x as i64);
    }
    for i in 0..500i32 {
        tokens.push(token_of(&i.to_be_bytes()).value());
    }
    tokens
}

#[test]
fn matches_java_snippet() {
    for token in sample_tokens() {
        for nr_shards in [1u16, 2, 3, 7, 8, 12, 16, 31, 64, 100, 255] {
            // The Java code multiplies 32-bit halves by nr_shards in 64 bits; it is exact
            // for every realistic shard count, and ignore_msb below 64.
            for ignore_msb in [0u8, 1, 8, 12, 16, 32, 63] {
                let ours = shard_of(Token::new(token), n(nr_shards), ignore_msb);
                let java = java_shard_of(token, i64::from(nr_shards), u32::from(ignore_msb));
                assert_eq!(
                    i32::from(ours),
                    java,
                    "token {token}, {nr_shards} shards, ignore_msb {ignore_msb}"
                );
                assert!(ours < nr_shards);
            }
        }
    }
}

#[test]
fn matches_exact_arithmetic() {
    for token in sample_tokens() {
        for nr_shards in [1u16, 5, 12, 1000, u16::MAX] {
            for ignore_msb in [0u8, 12, 40, 63, 64, 100] {
                assert_eq!(
                    shard_of(Token::new(token), n(nr_shards), ignore_msb),
                    spec_shard_of(token, nr_shards, u32::from(ignore_msb)),
                    "token {token}, {nr_shards} shards, ignore_msb {ignore_msb}"
                );
            }
        }
    }
}

#[test]
fn hand_computed_values() {
    // (token, nr_shards, ignore_msb, shard), from the spec's formula evaluated with Python
    // integers.
    let cases: &[(i64, u16, u8, u16)] = &[
        (0, 12, 12, 0),
        // biased token 2^51: shifted by 12 it is 2^63, exactly half way.
        (-9221120237041090560, 12, 12, 6),
        (-6017608668500074083, 12, 12, 9),
        (4507812186440344727, 12, 12, 11),
        (-1632642444691073360, 8, 12, 3),
        (4354931215268080151, 7, 12, 6),
        (i64::MAX, 12, 12, 11),
        (-4069959284402364209, 3, 12, 0),
        (123456789, 16, 0, 8),
        (-1, 2, 0, 0),
    ];
    for &(token, nr_shards, ignore_msb, shard) in cases {
        assert_eq!(
            shard_of(Token::new(token), n(nr_shards), ignore_msb),
            shard,
            "token {token}, {nr_shards} shards, ignore_msb {ignore_msb}"
        );
    }
    assert_eq!(DEFAULT_SHARDING_IGNORE_MSB, 12);
}

#[test]
fn shards_are_balanced() {
    // Round robin over the biased token: with many tokens every shard gets some.
    let mut counts = [0usize; 12];
    for token in sample_tokens() {
        counts[usize::from(shard_of(Token::new(token), n(12), 12))] += 1;
    }
    assert!(counts.iter().all(|&c| c > 100), "{counts:?}");
}

#[test]
fn source_port_shard() {
    for port in [0u16, 1, 11, 12, 13, 19042, 49152, 65535] {
        for nr_shards in [1u16, 2, 7, 12, 64] {
            assert_eq!(shard_of_source_port(port, n(nr_shards)), port % nr_shards);
        }
    }
    assert_eq!(shard_of_source_port(19042, n(12)), 10);
}
