//! The connections of one node (being built).

/// The connections kept open to one node.
#[derive(Debug)]
pub(crate) struct NodeConnectionPool {}

impl NodeConnectionPool {
    /// Whether at least one connection is open.
    #[allow(dead_code)]
    pub(crate) fn is_connected(&self) -> bool {
        false
    }

    /// How the node maps tokens to shards, as its connections reported it.
    #[allow(dead_code)]
    pub(crate) fn sharder(&self) -> Option<crate::routing::Sharder> {
        None
    }
}
