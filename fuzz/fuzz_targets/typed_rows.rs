#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(
    init: scylla_cql_fuzz::seed_corpus("typed_rows"),
    |data: &[u8]| scylla_cql_fuzz::targets::typed_rows(data)
);
