#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| scylla_cql_fuzz::targets::response_body(data));
