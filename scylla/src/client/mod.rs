//! The client API: sessions, their builder and configuration, execution profiles,
//! pagers and the caching session.

pub mod execution_profile;
pub mod self_identity;

pub use scylla_cql::frame::Compression;
pub use self_identity::SelfIdentity;
