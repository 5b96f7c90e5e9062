#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(
    init: scylla_cql_fuzz::seed_corpus("response_body"),
    |data: &[u8]| scylla_cql_fuzz::targets::response_body(data)
);
