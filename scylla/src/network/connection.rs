//! One connection to a node (being built).
