#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(
    init: scylla_cql_fuzz::seed_corpus("body_extensions"),
    |data: &[u8]| scylla_cql_fuzz::targets::body_extensions(data)
);
