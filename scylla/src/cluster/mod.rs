//! The cluster as the driver sees it: nodes, their state, schema metadata.
