//! Routing: tokens, partitioners, shards and replica location.

use std::num::{NonZeroU16, ParseIntError};
use std::str::FromStr;

/// A token on the ring (Murmur3: any `i64`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Token {
    value: i64,
}

impl Token {
    /// A token with the given value.
    #[inline]
    pub fn new(value: i64) -> Self {
        Self { value }
    }

    /// The token's value.
    #[inline]
    pub fn value(&self) -> i64 {
        self.value
    }
}

impl FromStr for Token {
    type Err = ParseIntError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Token::new(s.parse()?))
    }
}

/// A shard number.
pub type Shard = u32;

/// A node's number of shards.
pub type ShardCount = NonZeroU16;
