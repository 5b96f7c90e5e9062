//! The Murmur3 partitioner against tokens computed by the Python cassandra-driver
//! (fixtures/murmur3_tokens.txt, made by fixtures/gen_murmur3_tokens.py).

use scylla::routing::Token;
use scylla::routing::partitioner::{
    Murmur3Partitioner, Partitioner, PartitionerHasher, PartitionerName,
};

const FIXTURE: &str = include_str!("fixtures/murmur3_tokens.txt");

fn unhex(s: &str) -> Vec<u8> {
    if s == "-" {
        return Vec::new();
    }
    assert!(s.len().is_multiple_of(2), "odd hex length: {s}");
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("hex digit"))
        .collect()
}

enum Case {
    Single(Vec<u8>, i64),
    Composite(Vec<Vec<u8>>, i64),
}

fn cases() -> Vec<Case> {
    FIXTURE
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|line| {
            let mut fields = line.split_whitespace();
            let kind = fields.next().expect("kind");
            let key = fields.next().expect("key");
            let token: i64 = fields.next().expect("token").parse().expect("token");
            match kind {
                "S" => Case::Single(unhex(key), token),
                "C" => Case::Composite(
                    key.split(':')
                        .map(|p| unhex(if p.is_empty() { "-" } else { p }))
                        .collect(),
                    token,
                ),
                other => panic!("unknown line kind {other}"),
            }
        })
        .collect()
}

fn pack_composite(parts: &[Vec<u8>]) -> Vec<u8> {
    let mut out = Vec::new();
    for p in parts {
        out.extend_from_slice(&(p.len() as u16).to_be_bytes());
        out.extend_from_slice(p);
        out.push(0);
    }
    out
}

#[test]
fn fixture_is_large_enough() {
    let cases = cases();
    assert!(cases.len() >= 1000, "{} cases", cases.len());
    let composites = cases
        .iter()
        .filter(|c| matches!(c, Case::Composite(..)))
        .count();
    assert!(composites >= 300, "{composites} composite cases");
}

#[test]
fn single_keys_match_the_python_driver() {
    let mut checked = 0;
    for case in cases() {
        if let Case::Single(key, expected) = case {
            assert_eq!(
                Murmur3Partitioner.hash_one(&key),
                Token::new(expected),
                "key {key:02x?}"
            );
            assert_eq!(
                PartitionerName::Murmur3.hash_one(&key),
                Token::new(expected)
            );
            checked += 1;
        }
    }
    assert!(checked > 600);
}

#[test]
fn composite_keys_match_the_python_driver() {
    for case in cases() {
        if let Case::Composite(parts, expected) = case {
            // In one piece.
            let packed = pack_composite(&parts);
            assert_eq!(Murmur3Partitioner.hash_one(&packed), Token::new(expected));
            // Streamed component by component, as the driver hashes a key.
            let mut hasher = Murmur3Partitioner.build_hasher();
            for p in &parts {
                hasher.write(&(p.len() as u16).to_be_bytes());
                hasher.write(p);
                hasher.write(&[0]);
            }
            assert_eq!(hasher.finish(), Token::new(expected), "parts {parts:02x?}");
        }
    }
}

#[test]
fn streaming_in_uneven_pieces_matches() {
    for (i, case) in cases().into_iter().enumerate() {
        let (key, expected) = match case {
            Case::Single(key, t) => (key, t),
            Case::Composite(parts, t) => (pack_composite(&parts), t),
        };
        let mut hasher = PartitionerName::Murmur3.build_hasher();
        let mut rest: &[u8] = &key;
        let mut step = 1 + i % 23;
        while !rest.is_empty() {
            let n = step.min(rest.len());
            hasher.write(&rest[..n]);
            rest = &rest[n..];
            step = step * 7 % 31 + 1;
        }
        assert_eq!(hasher.finish(), Token::new(expected));
    }
}
