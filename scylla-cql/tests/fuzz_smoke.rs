//! A bounded, fixed-seed fuzz run of every decoder, as part of `cargo test`.
//!
//! The decoders are the cargo-fuzz targets of `fuzz/` (this file includes their
//! source, `fuzz/src/targets.rs`, and their seed inputs, `fuzz/src/seeds.rs`). Each
//! target gets arbitrary bytes and mutations of valid inputs (the seeds, plus the
//! golden vectors of the Python driver) from a seeded PRNG, so every run feeds the
//! same inputs. A decoder may return anything but must not panic: a panic fails the
//! test and prints the input that caused it.

#[allow(dead_code)]
#[path = "../../fuzz/src/seeds.rs"]
mod seeds;
#[allow(dead_code)]
#[path = "../../fuzz/src/targets.rs"]
mod targets;

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::time::Instant;

use bytes::Bytes;
use scylla_cql::frame::protocol_features::ProtocolFeatures;
use scylla_cql::frame::request::AnyRequest;
use scylla_cql::frame::response::Response;
use serde_json::Value as J;

/// Inputs per target: half arbitrary bytes, half mutated valid inputs.
const INPUTS_PER_TARGET: usize = 8_000;
/// The PRNG's seed: change it to explore, keep it fixed in the repository.
const SEED: u64 = 0x5c11_a0c0_ffee_2024;

/// SplitMix64: a small, fast, deterministic generator.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }

    fn byte(&mut self) -> u8 {
        self.next() as u8
    }

    fn bytes(&mut self, max_len: usize) -> Vec<u8> {
        let len = self.below(max_len + 1);
        (0..len).map(|_| self.byte()).collect()
    }
}

/// Values that make length and count fields interesting.
const INTERESTING: [u32; 12] = [
    0,
    1,
    2,
    3,
    4,
    0x7f,
    0x80,
    0xff,
    0x7fff,
    0xffff,
    0x7fff_ffff,
    0xffff_ffff,
];

/// One to four mutations of `input`: bit flips, interesting bytes and big-endian
/// lengths, truncation, deletion, insertion, duplication, splicing with `other`.
fn mutate(rng: &mut Rng, mut input: Vec<u8>, other: &[u8]) -> Vec<u8> {
    for _ in 0..1 + rng.below(4) {
        let len = input.len();
        match rng.below(9) {
            0 if len > 0 => {
                let i = rng.below(len);
                input[i] ^= 1 << rng.below(8);
            }
            1 if len > 0 => {
                let i = rng.below(len);
                input[i] = INTERESTING[rng.below(INTERESTING.len())] as u8;
            }
            2 if len >= 2 => {
                let i = rng.below(len - 1);
                let v = INTERESTING[rng.below(INTERESTING.len())] as u16;
                input[i..i + 2].copy_from_slice(&v.to_be_bytes());
            }
            3 if len >= 4 => {
                let i = rng.below(len - 3);
                let v = INTERESTING[rng.below(INTERESTING.len())];
                input[i..i + 4].copy_from_slice(&v.to_be_bytes());
            }
            4 => input.truncate(rng.below(len + 1)),
            5 if len > 0 => {
                let start = rng.below(len);
                let end = (start + 1 + rng.below(8)).min(len);
                input.drain(start..end);
            }
            6 => {
                let at = rng.below(len + 1);
                let extra = rng.bytes(8);
                input.splice(at..at, extra);
            }
            7 if len > 0 => {
                let start = rng.below(len);
                let end = (start + 1 + rng.below(16)).min(len);
                let chunk = input[start..end].to_vec();
                let at = rng.below(len + 1);
                input.splice(at..at, chunk);
            }
            _ if !other.is_empty() => {
                let at = rng.below(len + 1);
                let from = rng.below(other.len());
                input.truncate(at);
                input.extend_from_slice(&other[from..]);
            }
            _ => {}
        }
    }
    input
}

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len() / 2)
        .filter_map(|i| u8::from_str_radix(s.get(2 * i..2 * i + 2)?, 16).ok())
        .collect()
}

/// The golden vectors of the Python driver, as extra valid inputs per target.
fn golden_inputs(target: &str) -> Vec<Vec<u8>> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/golden/vectors.json");
    let Ok(text) = std::fs::read_to_string(path) else {
        return Vec::new();
    };
    let Ok(v) = serde_json::from_str::<J>(&text) else {
        return Vec::new();
    };
    let list = |k: &str| v[k].as_array().cloned().unwrap_or_default();
    let frames = |k: &str| -> Vec<Vec<u8>> {
        list(k)
            .iter()
            .filter_map(|x| x["hex"].as_str().map(unhex))
            .collect()
    };
    let with_selector = |k: &str, opcodes: &[u8]| -> Vec<Vec<u8>> {
        frames(k)
            .into_iter()
            .filter(|f| f.len() >= 9 && f[1] & 0x0f == 0)
            .filter_map(|f| {
                let index = opcodes.iter().position(|o| *o == f[4])?;
                let mut out = vec![targets::selector(index, 0)];
                out.extend_from_slice(&f[9..]);
                Some(out)
            })
            .collect()
    };
    match target {
        "frame_header" => [frames("requests"), frames("responses")].concat(),
        "request_body" => {
            let ops: Vec<u8> = targets::REQUEST_OPCODES.iter().map(|o| *o as u8).collect();
            with_selector("requests", &ops)
        }
        "response_body" => {
            let ops: Vec<u8> = targets::RESPONSE_OPCODES.iter().map(|o| *o as u8).collect();
            with_selector("responses", &ops)
        }
        "body_extensions" => [frames("requests"), frames("responses")]
            .concat()
            .into_iter()
            .filter(|f| f.len() >= 9)
            .map(|f| {
                let compression = match (f[1] & 1, f.get(9)) {
                    (0, _) => 0,
                    // Python's lz4 bodies start with the 4-byte length; snappy's with a
                    // varint: guess by the first byte, which for our short frames
                    // is 0 only for lz4.
                    (_, Some(0)) => 1,
                    _ => 2,
                };
                let mut out = vec![f[1], compression];
                out.extend_from_slice(&f[9..]);
                out
            })
            .collect(),
        "class_name_parser" => list("values")
            .iter()
            .filter_map(|x| x["class_type"].as_str().map(|s| s.as_bytes().to_vec()))
            .collect(),
        "cql_type_parser" => list("values")
            .iter()
            .filter_map(|x| x["cql_type"].as_str().map(|s| s.as_bytes().to_vec()))
            .collect(),
        _ => Vec::new(),
    }
}

/// Runs `target` on `input`, turning a panic into a failure message with the input.
fn run_one(name: &str, target: fn(&[u8]), input: &[u8]) -> Result<(), String> {
    catch_unwind(AssertUnwindSafe(|| target(input))).map_err(|panic| {
        let msg = panic
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_default();
        let hex: String = input.iter().map(|b| format!("{b:02x}")).collect();
        format!("{name} panicked ({msg}) on input {hex}")
    })
}

#[test]
fn every_decoder_survives_a_fixed_seed_fuzz_run() {
    let mut rng = Rng(SEED);
    let mut failures = Vec::new();
    let started = Instant::now();
    for (name, target) in targets::TARGETS {
        let t0 = Instant::now();
        let mut corpus = seeds::seeds_for(name);
        assert!(!corpus.is_empty(), "{name} has no seed inputs");
        corpus.extend(golden_inputs(name));
        // The valid inputs themselves.
        for input in &corpus {
            failures.extend(run_one(name, target, input).err());
        }
        for i in 0..INPUTS_PER_TARGET {
            let input = if i % 2 == 0 {
                // Arbitrary bytes, sometimes behind a valid selector byte.
                let mut input = rng.bytes(256);
                if let (Some(first), Some(seed)) =
                    (input.first_mut(), corpus.get(rng.below(corpus.len())))
                    && i % 4 == 0
                {
                    *first = seed.first().copied().unwrap_or(0);
                }
                input
            } else {
                let base = corpus[rng.below(corpus.len())].clone();
                let other = corpus[rng.below(corpus.len())].clone();
                mutate(&mut rng, base, &other)
            };
            if let Err(e) = run_one(name, target, &input) {
                failures.push(e);
            }
        }
        eprintln!(
            "{name}: {} inputs in {:?}",
            corpus.len() + INPUTS_PER_TARGET,
            t0.elapsed()
        );
    }
    eprintln!("all targets in {:?}", started.elapsed());
    assert!(
        failures.is_empty(),
        "{} panics:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// The seeds are valid messages (so that mutating them explores near-valid inputs),
/// and the PRNG is deterministic.
#[test]
fn seeds_are_valid_and_the_run_is_deterministic() {
    let none = ProtocolFeatures::default();
    for input in seeds::request_inputs() {
        let (sel, mut body) = (input[0], &input[1..]);
        let opcode = targets::REQUEST_OPCODES[usize::from(sel & 7)];
        let features = targets::features(sel >> 3);
        let f = if sel >> 3 == 0 { &none } else { &features };
        let r = AnyRequest::deserialize(&mut body, opcode, f);
        assert!(r.is_ok(), "seed request {opcode:?} does not decode: {r:?}");
        assert!(
            body.is_empty(),
            "seed request {opcode:?} has trailing bytes"
        );
    }
    for input in seeds::response_inputs() {
        let (sel, body) = (input[0], &input[1..]);
        let opcode = targets::RESPONSE_OPCODES[usize::from(sel & 7)];
        let features = targets::features(sel >> 3);
        let cached = targets::cached_metadata();
        let r = Response::deserialize(
            &features,
            opcode,
            Bytes::copy_from_slice(body),
            Some(&cached),
        )
        .unwrap_or_else(|e| panic!("seed response {opcode:?} does not decode: {e}"));
        let r = r.deserialize_metadata();
        assert!(
            r.is_ok(),
            "seed response {opcode:?} metadata does not decode: {r:?}"
        );
    }
    let a: Vec<u64> = {
        let mut r = Rng(SEED);
        (0..4).map(|_| r.next()).collect()
    };
    let b: Vec<u64> = {
        let mut r = Rng(SEED);
        (0..4).map(|_| r.next()).collect()
    };
    assert_eq!(a, b);
    assert_ne!(a[0], a[1]);
}
