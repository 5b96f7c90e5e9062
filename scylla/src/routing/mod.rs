//! Routing: tokens, partitioners, shards and replica location.

use std::num::{NonZeroU16, ParseIntError};
use std::str::FromStr;

pub mod locator;
pub mod partitioner;
mod sharding;

pub use sharding::{InvalidShardAwarePortRange, ShardAwarePortRange, Sharder};

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

/// Where the driver prefers its coordinators to be: the "local" nodes.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum NodeLocationPreference {
    /// No preference: every node is local.
    #[default]
    Any,
    /// Nodes of this datacenter.
    Datacenter(String),
    /// Nodes of this rack of this datacenter first, then the rest of the datacenter.
    DatacenterAndRack(String, String),
}

impl NodeLocationPreference {
    /// The preferred datacenter, if any.
    pub fn datacenter(&self) -> Option<&str> {
        match self {
            Self::Any => None,
            Self::Datacenter(dc) | Self::DatacenterAndRack(dc, _) => Some(dc),
        }
    }

    /// The preferred rack, if any.
    pub fn rack(&self) -> Option<&str> {
        match self {
            Self::Any | Self::Datacenter(_) => None,
            Self::DatacenterAndRack(_, rack) => Some(rack),
        }
    }
}
