//! The token ring: Murmur3 partitioner, vnodes, replication strategies and shards.
