//! The public sharding API: shard of tokens against the spec's formula, source ports.

use std::num::NonZeroU16;

use scylla::routing::{ShardAwarePortRange, Sharder, Token};

/// The spec's formula, with 128-bit arithmetic.
fn spec_shard_of(token: i64, nr_shards: u16, ignore_msb: u8) -> u32 {
    let biased = (token as i128 + (1i128 << 63)) as u128;
    let shifted = if ignore_msb >= 64 {
        0
    } else {
        (biased << ignore_msb) % (1u128 << 64)
    };
    ((shifted * nr_shards as u128) >> 64) as u32
}

#[test]
fn shard_of_many_tokens() {
    let mut x: u64 = 0x2545_f491_4f6c_dd1d;
    for nr_shards in [1u16, 2, 3, 4, 5, 8, 13, 31, 128, 4096] {
        for msb in [0u8, 4, 12, 32] {
            let sharder = Sharder::new(NonZeroU16::new(nr_shards).unwrap(), msb);
            assert_eq!(sharder.nr_shards.get(), nr_shards);
            assert_eq!(sharder.msb_ignore, msb);
            for _ in 0..2000 {
                x = x
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                let token = x as i64;
                assert_eq!(
                    sharder.shard_of(Token::new(token)),
                    spec_shard_of(token, nr_shards, msb),
                    "token {token}, {nr_shards} shards, msb {msb}"
                );
            }
        }
    }
}

#[test]
fn shards_are_balanced() {
    // Evenly spaced tokens spread evenly over the shards.
    let sharder = Sharder::new(NonZeroU16::new(8).unwrap(), 0);
    let mut counts = [0u32; 8];
    for i in 0..8192i64 {
        let token = i64::MIN.wrapping_add(i << 51);
        counts[sharder.shard_of(Token::new(token)) as usize] += 1;
    }
    for c in counts {
        assert_eq!(c, 1024);
    }
}

#[test]
fn source_ports() {
    let sharder = Sharder::new(NonZeroU16::new(12).unwrap(), 12);
    for shard in 0..12 {
        let ports: Vec<u16> = sharder.iter_source_ports_for_shard(shard).collect();
        let expected = (49152u32..=65535).filter(|p| p % 12 == shard).count();
        assert_eq!(ports.len(), expected);
        let mut sorted = ports.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), ports.len(), "no port twice");
        assert!(
            ports
                .iter()
                .all(|&p| sharder.shard_of_source_port(p) == shard)
        );
        let drawn = sharder.draw_source_port_for_shard(shard);
        assert!(drawn >= 49152);
        assert_eq!(sharder.shard_of_source_port(drawn), shard);
    }
    assert_eq!(sharder.iter_source_ports_for_shard(12).count(), 0);
}

#[test]
fn port_range() {
    assert!(ShardAwarePortRange::new(1024..=2048).is_ok());
    assert!(ShardAwarePortRange::new(1000..=2048).is_err());
    let err = ShardAwarePortRange::new(1..=5).unwrap_err();
    assert!(err.to_string().contains("1024"));
    let _ = ShardAwarePortRange::EPHEMERAL_PORT_RANGE;
    let _ = ShardAwarePortRange::default();
}
