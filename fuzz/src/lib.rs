//! Fuzzing harness for `scylla-cql`: [`targets`] holds what each cargo-fuzz target
//! feeds its input to, [`seeds`] a valid starting input for each.
//!
//! Run one target with `cargo +nightly fuzz run <target>` from the repository root's
//! `fuzz/` directory (`cargo +nightly fuzz list` names them); `make fuzz-smoke` runs
//! each briefly with a fixed seed. The same functions run, bounded and seeded, in
//! `scylla-cql/tests/fuzz_smoke.rs` as part of `cargo test`.

pub mod seeds;
pub mod targets;
