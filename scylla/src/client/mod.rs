//! The client API: sessions, their builder and configuration, execution profiles,
//! pagers and the caching session.

pub use scylla_cql::frame::Compression;
