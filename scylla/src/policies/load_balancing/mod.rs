//! Load balancing (being built).
