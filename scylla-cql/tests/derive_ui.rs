//! Compile-fail tests of the derive macros: every misuse of `#[scylla(...)]` gives a
//! compile error pointing at the offending attribute (expected output in `ui/*.stderr`;
//! regenerate with `TRYBUILD=overwrite` after a deliberate change).

#[test]
fn derive_misuse_is_a_compile_error() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*.rs");
}
