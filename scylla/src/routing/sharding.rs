//! ScyllaDB's intra-node sharding: which shard owns a token, and which local (source)
//! port makes the shard-aware port route a connection to a given shard.

use std::ops::RangeInclusive;

use rand::Rng as _;
use thiserror::Error;

use super::{Shard, ShardCount, Token};

/// The local ports the driver may bind when it opens a connection to a node's
/// shard-aware port (the node picks the shard from the connection's source port).
///
/// The range is inclusive and lies within `1024..=65535`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShardAwarePortRange(RangeInclusive<u16>);

impl ShardAwarePortRange {
    /// The default range: the IANA ephemeral ports, `49152..=65535`.
    pub const EPHEMERAL_PORT_RANGE: Self = Self(49152..=65535);

    /// A range of local ports for shard-aware connections.
    ///
    /// Fails if the range is empty or starts below 1024 (ports 0-1023 are reserved).
    pub fn new(range: impl Into<RangeInclusive<u16>>) -> Result<Self, InvalidShardAwarePortRange> {
        let range = range.into();
        if range.is_empty() || *range.start() < 1024 {
            return Err(InvalidShardAwarePortRange);
        }
        Ok(Self(range))
    }

    /// The first port of the range.
    pub(crate) fn start(&self) -> u16 {
        *self.0.start()
    }

    /// The last port of the range.
    pub(crate) fn end(&self) -> u16 {
        *self.0.end()
    }
}

impl Default for ShardAwarePortRange {
    fn default() -> Self {
        Self::EPHEMERAL_PORT_RANGE
    }
}

/// Returned by [`ShardAwarePortRange::new`] for an empty range or one that starts
/// below port 1024.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
#[error("invalid shard-aware local port range: it must be non-empty and lie within 1024..=65535")]
pub struct InvalidShardAwarePortRange;

/// How a ScyllaDB node maps tokens to its shards (the `biased-token-round-robin`
/// algorithm), and source ports to shards (on its shard-aware port).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Sharder {
    /// The node's number of shards (`SCYLLA_NR_SHARDS`).
    pub nr_shards: ShardCount,
    /// How many most significant bits of the biased token are ignored
    /// (`SCYLLA_SHARDING_IGNORE_MSB`).
    pub msb_ignore: u8,
}

impl Sharder {
    /// A sharder for a node with `nr_shards` shards that ignores `msb_ignore` bits.
    pub fn new(nr_shards: ShardCount, msb_ignore: u8) -> Self {
        Sharder {
            nr_shards,
            msb_ignore,
        }
    }

    /// The shard that owns `token`.
    ///
    /// The token is biased by 2^63 (so the smallest token maps to 0), shifted left by
    /// `msb_ignore` bits (bits beyond 64 are dropped), multiplied by the number of
    /// shards and divided by 2^64.
    pub fn shard_of(&self, token: Token) -> Shard {
        let biased = (token.value() as u64).wrapping_add(1u64 << 63);
        // A shift by 64 or more leaves nothing; `checked_shl` would panic-free return
        // `None` for those, which is the same as zero.
        let shifted = biased.checked_shl(u32::from(self.msb_ignore)).unwrap_or(0);
        let product = u128::from(shifted) * u128::from(self.nr_shards.get());
        (product >> 64) as Shard
    }

    /// The shard a connection to the node's shard-aware port lands on when it comes
    /// from source port `port`.
    pub fn shard_of_source_port(&self, port: u16) -> Shard {
        Shard::from(port % self.nr_shards.get())
    }

    /// A random port in [`ShardAwarePortRange::EPHEMERAL_PORT_RANGE`] that the
    /// shard-aware port maps to `shard`.
    ///
    /// For a `shard` that the node does not have (not below
    /// [`nr_shards`](Self::nr_shards)) no port maps to it; the port returned then maps to
    /// `shard % nr_shards`.
    pub fn draw_source_port_for_shard(&self, shard: Shard) -> u16 {
        let shard = shard % Shard::from(self.nr_shards.get());
        self.draw_source_port_for_shard_from_range(
            shard,
            &ShardAwarePortRange::EPHEMERAL_PORT_RANGE,
        )
        // The ephemeral range is far wider than any shard count, so every shard has
        // ports in it.
        .unwrap_or(ShardAwarePortRange::EPHEMERAL_PORT_RANGE.start())
    }

    /// Every port in [`ShardAwarePortRange::EPHEMERAL_PORT_RANGE`] that the shard-aware
    /// port maps to `shard`, each once: from a random one upwards in steps of
    /// `nr_shards`, then wrapping around to the lowest.
    ///
    /// Empty if the node has no such shard.
    pub fn iter_source_ports_for_shard(&self, shard: Shard) -> impl Iterator<Item = u16> + use<> {
        self.iter_source_ports_for_shard_from_range(
            shard,
            &ShardAwarePortRange::EPHEMERAL_PORT_RANGE,
        )
    }

    /// The lowest and highest port of `range` that map to `shard`, if any.
    fn port_bounds_for_shard(
        &self,
        shard: Shard,
        range: &ShardAwarePortRange,
    ) -> Option<(u16, u16)> {
        let n = u32::from(self.nr_shards.get());
        if shard >= n {
            return None;
        }
        let start = u32::from(range.start());
        let end = u32::from(range.end());
        // The first port >= start whose remainder is `shard`.
        let first = start + (shard + n - start % n) % n;
        if first > end {
            return None;
        }
        let last = first + (end - first) / n * n;
        Some((first as u16, last as u16))
    }

    /// A random port of `range` that maps to `shard`; `None` if there is none.
    pub(crate) fn draw_source_port_for_shard_from_range(
        &self,
        shard: Shard,
        range: &ShardAwarePortRange,
    ) -> Option<u16> {
        let n = u32::from(self.nr_shards.get());
        let (first, last) = self.port_bounds_for_shard(shard, range)?;
        let count = (u32::from(last) - u32::from(first)) / n + 1;
        let k = rand::rng().random_range(0..count);
        Some((u32::from(first) + k * n) as u16)
    }

    /// Every port of `range` that maps to `shard`, each once, starting from a random
    /// one and wrapping around. Empty if there is none.
    pub(crate) fn iter_source_ports_for_shard_from_range(
        &self,
        shard: Shard,
        range: &ShardAwarePortRange,
    ) -> SourcePortIter {
        let n = u32::from(self.nr_shards.get());
        match self.port_bounds_for_shard(shard, range) {
            None => SourcePortIter {
                first: 0,
                step: n,
                count: 0,
                start_index: 0,
                emitted: 0,
            },
            Some((first, last)) => {
                let count = (u32::from(last) - u32::from(first)) / n + 1;
                let start_index = rand::rng().random_range(0..count);
                SourcePortIter {
                    first: u32::from(first),
                    step: n,
                    count,
                    start_index,
                    emitted: 0,
                }
            }
        }
    }
}

/// The ports of one shard in a port range, from a random one, wrapping around.
#[derive(Debug, Clone)]
pub(crate) struct SourcePortIter {
    first: u32,
    step: u32,
    count: u32,
    start_index: u32,
    emitted: u32,
}

impl Iterator for SourcePortIter {
    type Item = u16;

    fn next(&mut self) -> Option<u16> {
        if self.emitted >= self.count {
            return None;
        }
        let index = (self.start_index + self.emitted) % self.count;
        self.emitted += 1;
        Some((self.first + index * self.step) as u16)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = (self.count - self.emitted) as usize;
        (left, Some(left))
    }
}

impl ExactSizeIterator for SourcePortIter {}

#[cfg(test)]
mod tests {
    use super::*;

    fn sharder(n: u16, msb: u8) -> Sharder {
        Sharder::new(ShardCount::new(n).unwrap(), msb)
    }

    /// The spec's Java formulation, with 64-bit arithmetic only.
    fn java_shard_of(token: i64, nr_shards: u64, ignore_msb: u32) -> u32 {
        let mut t = token.wrapping_add(i64::MIN) as u64;
        t = t.checked_shl(ignore_msb).unwrap_or(0);
        let lo = t & 0xffff_ffff;
        let hi = (t >> 32) & 0xffff_ffff;
        let mul1 = lo.wrapping_mul(nr_shards);
        let mul2 = hi.wrapping_mul(nr_shards);
        let sum = (mul1 >> 32).wrapping_add(mul2);
        (sum >> 32) as u32
    }

    #[test]
    fn shard_of_matches_the_spec_formula() {
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        for n in [1u16, 2, 3, 7, 12, 64, 255, 1000, u16::MAX] {
            for msb in [0u8, 1, 8, 12, 63] {
                let s = sharder(n, msb);
                for special in [i64::MIN, -1, 0, 1, i64::MAX] {
                    assert_eq!(
                        s.shard_of(Token::new(special)),
                        java_shard_of(special, n.into(), msb.into())
                    );
                }
                for _ in 0..500 {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    let token = x as i64;
                    let shard = s.shard_of(Token::new(token));
                    assert_eq!(shard, java_shard_of(token, n.into(), msb.into()));
                    assert!(shard < u32::from(n));
                }
            }
        }
    }

    #[test]
    fn shard_of_known_values() {
        let s = sharder(4, 0);
        // Without ignored bits the ring is split into equal quarters.
        assert_eq!(s.shard_of(Token::new(i64::MIN)), 0);
        assert_eq!(s.shard_of(Token::new(-1)), 1);
        assert_eq!(s.shard_of(Token::new(0)), 2);
        assert_eq!(s.shard_of(Token::new(i64::MAX)), 3);
        // With 12 ignored bits (ScyllaDB's default) neighbouring tokens spread out.
        let s = sharder(4, 12);
        assert_eq!(s.shard_of(Token::new(i64::MIN)), 0);
        assert_eq!(s.shard_of(Token::new(i64::MIN + (1 << 50))), 1);
        // A shift of 64 bits or more leaves nothing.
        assert_eq!(sharder(7, 200).shard_of(Token::new(12345)), 0);
    }

    #[test]
    fn port_range_validation() {
        assert!(ShardAwarePortRange::new(1024..=1024).is_ok());
        assert!(ShardAwarePortRange::new(49152..=65535).is_ok());
        assert_eq!(
            ShardAwarePortRange::new(1023..=2000),
            Err(InvalidShardAwarePortRange)
        );
        #[allow(clippy::reversed_empty_ranges)]
        let empty = 3000..=2000;
        assert_eq!(
            ShardAwarePortRange::new(empty),
            Err(InvalidShardAwarePortRange)
        );
        assert_eq!(
            ShardAwarePortRange::default(),
            ShardAwarePortRange::EPHEMERAL_PORT_RANGE
        );
    }

    #[test]
    fn source_ports_cover_the_range_once() {
        for n in [1u16, 3, 7, 16] {
            let s = sharder(n, 12);
            let mut all = Vec::new();
            for shard in 0..u32::from(n) {
                let ports: Vec<u16> = s.iter_source_ports_for_shard(shard).collect();
                assert!(!ports.is_empty());
                for &p in &ports {
                    assert!(p >= 49152);
                    assert_eq!(s.shard_of_source_port(p), shard);
                }
                // Consecutive ports step by nr_shards, wrapping once.
                let wraps = ports.windows(2).filter(|w| w[1] < w[0]).count();
                assert!(wraps <= 1);
                all.extend(ports);
                for _ in 0..20 {
                    let p = s.draw_source_port_for_shard(shard);
                    assert!(p >= 49152);
                    assert_eq!(s.shard_of_source_port(p), shard);
                }
            }
            all.sort_unstable();
            let expected: Vec<u16> = (49152..=65535).collect();
            assert_eq!(all, expected, "every ephemeral port exactly once");
        }
    }

    #[test]
    fn source_ports_in_a_custom_range() {
        let s = sharder(4, 12);
        let range = ShardAwarePortRange::new(2000..=2010).unwrap();
        let mut ports: Vec<u16> = s
            .iter_source_ports_for_shard_from_range(1, &range)
            .collect();
        ports.sort_unstable();
        assert_eq!(ports, vec![2001, 2005, 2009]);
        let tiny = ShardAwarePortRange::new(2001..=2002).unwrap();
        assert_eq!(
            s.iter_source_ports_for_shard_from_range(0, &tiny).count(),
            0
        );
        assert_eq!(s.draw_source_port_for_shard_from_range(0, &tiny), None);
        assert_eq!(
            s.draw_source_port_for_shard_from_range(2, &tiny),
            Some(2002)
        );
        // A shard the node does not have has no ports.
        assert_eq!(s.iter_source_ports_for_shard(4).count(), 0);
    }
}
