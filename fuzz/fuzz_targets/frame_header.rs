#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(
    init: scylla_cql_fuzz::seed_corpus("frame_header"),
    |data: &[u8]| scylla_cql_fuzz::targets::frame_header(data)
);
