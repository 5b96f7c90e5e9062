//! Writes the seed inputs of every target into `<dir>/<target>/seed-<n>` (by default
//! `corpus/`, where `cargo fuzz run` looks), so fuzzing starts from valid messages.

use std::path::PathBuf;

fn main() -> std::io::Result<()> {
    let dir = PathBuf::from(
        std::env::args()
            .nth(1)
            .unwrap_or_else(|| "corpus".to_owned()),
    );
    for (name, _) in scylla_cql_fuzz::targets::TARGETS {
        let target_dir = dir.join(name);
        std::fs::create_dir_all(&target_dir)?;
        let seeds = scylla_cql_fuzz::seeds::seeds_for(name);
        for (i, seed) in seeds.iter().enumerate() {
            std::fs::write(target_dir.join(format!("seed-{i}")), seed)?;
        }
        println!("{name}: {} seeds", seeds.len());
    }
    Ok(())
}
