#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(
    init: scylla_cql_fuzz::seed_corpus("cql_type_parser"),
    |data: &[u8]| scylla_cql_fuzz::targets::cql_type_parser(data)
);
