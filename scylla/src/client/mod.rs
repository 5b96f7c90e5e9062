//! The client API: sessions, their builder and configuration, execution profiles,
//! pagers and the caching session.

pub mod caching_session;
pub mod client_routes;
pub(crate) mod execution;
pub mod execution_profile;
pub mod pager;
pub mod self_identity;
pub mod session;
pub mod session_builder;

pub use scylla_cql::frame::Compression;
pub use self_identity::SelfIdentity;

use std::num::{NonZeroU64, NonZeroUsize};

/// How many connections the driver keeps open to each node.
///
/// With ScyllaDB, [`PoolSize::PerShard`] opens the given number of connections to every
/// shard of the node (one per shard by default), so that a request can be sent
/// straight to the shard that owns its data. With Cassandra (no shards), or when the
/// node does not say how many shards it has, per-shard counts as per-host.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PoolSize {
    /// This many connections to each shard of the node.
    PerShard(NonZeroUsize),
    /// This many connections to the node in total, whatever shards they land on.
    PerHost(NonZeroUsize),
}

impl Default for PoolSize {
    /// One connection per shard.
    fn default() -> Self {
        PoolSize::PerShard(NonZeroUsize::MIN)
    }
}

/// How long a connection's writer waits, once a request is queued, for more requests
/// to send in the same write (used when write coalescing is enabled).
///
/// Whatever the delay, every request queued by the time the writer wakes up leaves in
/// one write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum WriteCoalescingDelay {
    /// The writer yields to the Tokio scheduler once before writing, so that tasks
    /// that are ready to queue a request can do so. The delay is well below a
    /// millisecond and depends on the load of the runtime. The default.
    #[default]
    SmallNondeterministic,
    /// The writer sleeps this many milliseconds before writing. Adds latency; only for
    /// throughput-bound applications that send many requests (measure first).
    Milliseconds(NonZeroU64),
}
