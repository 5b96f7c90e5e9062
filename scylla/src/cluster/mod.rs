//! The cluster as the driver sees it: nodes, their state, schema metadata.

pub mod metadata;
mod node;
mod state;

pub use node::{KnownNode, Node, NodeAddr, NodeRef};
pub use state::ClusterState;

#[cfg(test)]
pub(crate) mod test_utils;
