//! speculative_execution (being built).
