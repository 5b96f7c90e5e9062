//! Fuzzing harness for `scylla-cql`: [`targets`] holds what each cargo-fuzz target
//! feeds its input to, [`seeds`] valid starting inputs for each.
//!
//! Run one target with `cargo +nightly fuzz run <target>` in `fuzz/`
//! (`cargo +nightly fuzz list` names them); `make fuzz-smoke` runs each briefly with
//! a fixed seed. The same functions run, bounded and seeded, in
//! `scylla-cql/tests/fuzz_smoke.rs` as part of `cargo test`.

pub mod seeds;
pub mod targets;

/// Writes the seed inputs of `target` into the corpus directories the fuzzer was
/// given (its arguments that are directories), as `seed-<n>`, so that fuzzing starts
/// from valid messages. Called once by each target before fuzzing starts.
pub fn seed_corpus(target: &str) {
    let dirs = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .map(std::path::PathBuf::from)
        .filter(|p| p.is_dir());
    for dir in dirs {
        for (i, seed) in seeds::seeds_for(target).iter().enumerate() {
            let path = dir.join(format!("seed-{i}"));
            if !path.exists() {
                // A corpus we cannot write to just starts without seeds.
                let _ = std::fs::write(path, seed);
            }
        }
    }
}
