//! timestamp_generator (being built).
