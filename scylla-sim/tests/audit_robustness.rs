//! Audit of hostile input through the executor: every case here once panicked, blew the
//! stack, took time exponential or quadratic in the input, or answered with the wrong
//! error code. Each now gets the error a real server gives, in bounded time.

mod exec_support;

use std::time::{Duration, Instant};

use exec_support::*;
use scylla_cql::frame::response::column_type::MAX_TYPE_NESTING_DEPTH;
use scylla_cql::frame::response::error::DbError;
use scylla_cql::value::CqlValue;

/// A generous bound for requests that must not take time out of proportion with their
/// size (debug build, shared 2-core machine).
const SLOW: Duration = Duration::from_secs(10);

#[test]
fn decimal_exponents_out_of_range_are_invalid_not_a_panic() {
    let mut s = Sim::with_keyspace();
    s.q("CREATE TABLE d (k int PRIMARY KEY, v decimal)").ok();
    // The scale is the fraction digits minus the exponent: these do not fit an int.
    for lit in [
        "1e-9223372036854775808",
        "1.5e-9223372036854775808",
        "1e9223372036854775807",
        "1e-2147483649",
        "1e2147483649",
    ] {
        let r = s.q(&format!("INSERT INTO d (k, v) VALUES (1, {lit})"));
        assert!(
            r.invalid().contains("Unable to make decimal from"),
            "{lit}: {:?}",
            r.res
        );
    }
    // The extremes that fit are accepted.
    s.q("INSERT INTO d (k, v) VALUES (1, 1e-2147483647)").ok();
    s.q("INSERT INTO d (k, v) VALUES (2, 1e2147483648)").ok();
}

/// Creates `u0 (a <base>)` and `u1 ... u<n>`, each holding the previous one `width`
/// times inside `wrap` (e.g. `frozen<list<{}>>`). Returns the first error.
fn type_chain(s: &mut Sim, base: &str, n: usize, width: usize, wrap: &str) -> Option<String> {
    s.q(&format!("CREATE TYPE u0 (a {base})")).ok();
    for i in 1..=n {
        let inner = wrap.replace("{}", &format!("frozen<u{}>", i - 1));
        let fields: Vec<String> = (0..width).map(|f| format!("f{f} {inner}")).collect();
        let r = s.q(&format!("CREATE TYPE u{i} ({})", fields.join(", ")));
        if let Res::Error(e) = &r.res {
            return Some(format!("u{i}: {}", e.reason));
        }
    }
    None
}

#[test]
fn types_nested_deeper_than_clients_can_decode_are_refused() {
    // Before: a chain of user types nested thousands of levels deep overflowed the
    // stack of the thread running the statement (aborting the whole process).
    // `u<i> (f0 frozen<list<frozen<u<i-1>>>>)` is 2i + 1 levels deep.
    let mut s = Sim::with_keyspace();
    let err = type_chain(&mut s, "int", 200, 1, "frozen<list<{}>>").expect("refused");
    assert!(err.starts_with("u32: "), "{err}");
    assert!(err.contains("nested 65 levels"), "{err}");
    assert!(err.contains(&MAX_TYPE_NESTING_DEPTH.to_string()), "{err}");
    // Tables, added columns and fields are checked as well: u31 is 63 levels deep.
    s.q("CREATE TABLE t (k int PRIMARY KEY, v list<frozen<list<frozen<u31>>>>)")
        .invalid()
        .contains("nested 65 levels")
        .then_some(())
        .expect("refused table");
    s.q("CREATE TABLE t (k int PRIMARY KEY, v list<frozen<u31>>)")
        .ok();
    assert!(
        s.q("ALTER TABLE t ADD w list<frozen<list<frozen<u31>>>>")
            .invalid()
            .contains("nested 65 levels")
    );
    s.q("CREATE TYPE lone (a int)").ok();
    assert!(
        s.q("ALTER TYPE lone ADD b frozen<list<frozen<u31>>>")
            .invalid()
            .contains("nested 65 levels")
    );
    // Deepening a type deepens its users: u0 with a list makes u31 64 levels deep and
    // the table's column 65.
    assert!(
        s.q("ALTER TYPE u0 ADD b frozen<list<int>>")
            .invalid()
            .contains("nested 65 levels")
    );
}

/// The serialized value of `u<n>` of a chain on `frozen<list<int>>` built with
/// `frozen<list<{}>>`, holding `x` at the bottom.
fn nested_value(n: usize, x: i32) -> Vec<u8> {
    // u0 {a: [x]}
    let mut list = 1i32.to_be_bytes().to_vec();
    list.extend_from_slice(&4i32.to_be_bytes());
    list.extend_from_slice(&x.to_be_bytes());
    let mut v = (list.len() as i32).to_be_bytes().to_vec();
    v.extend(list);
    for _ in 0..n {
        // u_i {f0: [u_{i-1}]}
        let mut list = 1i32.to_be_bytes().to_vec();
        list.extend_from_slice(&(v.len() as i32).to_be_bytes());
        list.extend(v);
        let mut udt = (list.len() as i32).to_be_bytes().to_vec();
        udt.extend(list);
        v = udt;
    }
    v
}

#[test]
fn the_deepest_accepted_type_works_end_to_end() {
    let mut s = Sim::with_keyspace();
    // u<i> is 2i + 2 levels deep: u31 is as deep as a client decodes.
    let n = MAX_TYPE_NESTING_DEPTH / 2 - 1;
    assert_eq!(
        type_chain(&mut s, "frozen<list<int>>", n, 1, "frozen<list<{}>>"),
        None
    );
    s.q(&format!(
        "CREATE TABLE deep (k int, c frozen<u{n}>, v frozen<u{n}>, PRIMARY KEY (k, c))"
    ))
    .ok();
    let p = s.prepare("INSERT INTO deep (k, c, v) VALUES (?, ?, ?)");
    for (c, v) in [(1, 2), (3, 4), (2, 9)] {
        s.execute(
            &p,
            &[int(1), V::B(nested_value(n, c)), V::B(nested_value(n, v))],
        )
        .ok();
    }
    let rows = s.q("SELECT * FROM deep WHERE k = 1").rows().clone();
    assert_eq!(rows.rows.len(), 3);
    let wrong = nested_value(n - 1, 1);
    assert!(
        s.execute(&p, &[int(1), V::B(wrong.clone()), V::B(wrong)])
            .invalid()
            .contains("Invalid")
    );
    let filtered = s.qv(
        "SELECT k FROM deep WHERE k = 1 AND v = ? ALLOW FILTERING",
        &[V::B(nested_value(n, 9))],
    );
    assert_eq!(filtered.rows().rows.len(), 1);
    s.q("SELECT * FROM system_schema.types WHERE keyspace_name = 'ks'")
        .ok();
    s.q("DESCRIBE KEYSPACE ks").ok();
    s.q("ALTER TYPE u0 ADD b int").ok();
    assert_eq!(s.q("SELECT * FROM deep").rows().rows.len(), 3);
}

#[test]
fn types_that_expand_exponentially_are_refused() {
    // Before: `u<i> (f0 frozen<u<i-1>>, f1 frozen<u<i-1>>)` doubles at each step, and
    // every statement on a table of such a type took time (and memory) exponential in
    // the chain length: 2^18 took seconds, 2^30 hours.
    let mut s = Sim::with_keyspace();
    let start = Instant::now();
    let err = type_chain(&mut s, "int", 40, 2, "{}").expect("refused");
    assert!(err.contains("component types"), "{err}");
    assert!(start.elapsed() < SLOW);
    // What was accepted stays usable.
    let last: usize = err
        .trim_start_matches('u')
        .split(':')
        .next()
        .and_then(|n| n.parse().ok())
        .expect("type number");
    s.q(&format!(
        "CREATE TABLE t (k int PRIMARY KEY, v frozen<u{}>)",
        last - 1
    ))
    .ok();
    let start = Instant::now();
    s.q("INSERT INTO t (k) VALUES (1)").ok();
    assert_eq!(s.q("SELECT * FROM t").rows().rows.len(), 1);
    assert!(start.elapsed() < SLOW);
    // Growing a type grows its users: u11 expands to 2^11 * (fields of u0 + 1) - 1.
    let mut s = Sim::with_keyspace();
    assert_eq!(type_chain(&mut s, "int", 11, 2, "{}"), None);
    s.q("ALTER TYPE u0 ADD b int").ok();
    let r = s.q("ALTER TYPE u0 ADD c int");
    assert!(r.invalid().contains("component types"), "{:?}", r.res);
}

#[test]
fn error_messages_longer_than_a_string_keep_their_code() {
    // Before: a message over 65535 bytes could not be encoded, and the request got a
    // SERVER_ERROR "error message too long to encode" instead of its real error.
    let mut s = Sim::with_keyspace();
    let long = "é".repeat(40_000);
    let e = s.q(&format!("SELECT * FROM \"{long}\"")).err().clone();
    assert_eq!(e.error, DbError::Invalid);
    assert!(
        e.reason.starts_with("unconfigured table é"),
        "{}",
        &e.reason[..40]
    );
    assert!(e.reason.len() <= 65_535);
    let e = s
        .q(&format!(
            "CREATE TABLE {} (k int PRIMARY KEY)",
            "a".repeat(70_000)
        ))
        .err()
        .clone();
    assert_eq!(e.error, DbError::Invalid);
    assert!(e.reason.starts_with("Table name must not be empty"));
}

#[test]
fn names_that_do_not_fit_a_string_are_refused() {
    // Before: a column named with 100000 characters was created, then every SELECT of
    // it failed with a SERVER_ERROR (its name does not fit the result metadata).
    let mut s = Sim::with_keyspace();
    let long = "c".repeat(70_000);
    for q in [
        format!("CREATE TABLE t (k int PRIMARY KEY, {long} int)"),
        format!("CREATE TYPE ty ({long} int)"),
    ] {
        assert!(s.q(&q).invalid().contains("too long"), "{}", &q[..30]);
    }
    s.q("CREATE TABLE t (k int, c int, PRIMARY KEY (k, c))")
        .ok();
    s.q("CREATE TYPE ty (a int)").ok();
    for q in [
        format!("ALTER TABLE t ADD {long} int"),
        format!("ALTER TABLE t RENAME c TO {long}"),
        format!("ALTER TYPE ty ADD {long} int"),
        format!("ALTER TYPE ty RENAME a TO {long}"),
    ] {
        assert!(s.q(&q).invalid().contains("too long"), "{}", &q[..30]);
    }
    // The longest name that fits works.
    let fits = "n".repeat(65_535);
    s.q(&format!("ALTER TABLE t ADD {fits} int")).ok();
    s.q(&format!("INSERT INTO t (k, c, {fits}) VALUES (1, 1, 5)"))
        .ok();
    let rows = s.q("SELECT * FROM t").rows().clone();
    assert_eq!(rows.names[2], fits);
    assert_eq!(rows.rows[0][2], Some(CqlValue::Int(5)));
}

/// A decimal of `digits` nines with `scale`.
fn big_decimal(digits: usize, scale: i32, negative: bool) -> Vec<u8> {
    let mut v = num_bigint_04::BigInt::from(10u32).pow(digits as u32) - 1u32;
    if negative {
        v = -v;
    }
    let mut out = scale.to_be_bytes().to_vec();
    out.extend(v.to_signed_bytes_be());
    out
}

#[test]
fn huge_decimals_compare_in_bounded_time() {
    // Before: every comparison of decimals printed both in base 10 (quadratic): with
    // clustering keys of 60 KB each insert took seconds.
    let mut s = Sim::with_keyspace();
    s.q("CREATE TABLE d (k int, c decimal, v int, PRIMARY KEY (k, c))")
        .ok();
    let p = s.prepare("INSERT INTO d (k, c, v) VALUES (?, ?, ?)");
    let start = Instant::now();
    let keys = [
        big_decimal(140_000, 0, false),
        big_decimal(140_000, 5, false),
        big_decimal(140_000, 140_000, false),
        big_decimal(139_999, 0, false),
        big_decimal(140_000, -3, true),
        big_decimal(1, 0, false),
        big_decimal(140_000, 1, true),
        big_decimal(139_990, -10, false),
        big_decimal(140_000, 139_999, false),
        big_decimal(140_000, 2_000_000_000, false),
    ];
    for (i, k) in keys.iter().enumerate() {
        s.execute(&p, &[int(1), V::B(k.clone()), int(i as i32)])
            .ok();
    }
    let order: Vec<Option<i32>> = s.q("SELECT v FROM d WHERE k = 1").rows().ints("v");
    assert!(start.elapsed() < SLOW, "{:?}", start.elapsed());
    // With A = 10^140000 - 1, in value order: -A e3, -A e-1, A e-2000000000, A e-140000
    // (0.99..), 9, A e-139999 (9.99..), A e-5, 10^139999 - 1, (10^139990 - 1) e10, A.
    let expected: Vec<Option<i32>> = [4, 6, 9, 2, 5, 8, 1, 3, 7, 0]
        .into_iter()
        .map(Some)
        .collect();
    assert_eq!(order, expected);
}

#[test]
fn number_text_conversions_are_bounded() {
    // Before: converting between text and varint or decimal was quadratic in the number
    // of digits: a 300000-digit literal took seconds, a frame full of digits hours.
    let mut s = Sim::with_keyspace();
    s.q("CREATE TABLE n (k int PRIMARY KEY, vi varint, de decimal)")
        .ok();
    let digits = "7".repeat(200_000);
    let start = Instant::now();
    for q in [
        format!("INSERT INTO n (k, vi) VALUES (1, {digits})"),
        format!("INSERT INTO n (k, de) VALUES (1, {digits}.5)"),
        format!("INSERT INTO n (k, de) VALUES (1, 0.{digits})"),
    ] {
        let r = s.q(&q);
        assert!(r.invalid().contains("digits"), "{:?}", r.res);
    }
    // Values bound in binary are stored, and refused only where they would be
    // converted.
    let big = num_bigint_04::BigInt::from(7u32).pow(300_000);
    let p = s.prepare("INSERT INTO n (k, vi, de) VALUES (?, ?, ?)");
    let mut de = 0i32.to_be_bytes().to_vec();
    de.extend(big.to_signed_bytes_be());
    s.execute(&p, &[int(1), V::B(big.to_signed_bytes_be()), V::B(de)])
        .ok();
    for q in [
        "SELECT cast(vi AS text) FROM n WHERE k = 1",
        "SELECT cast(de AS text) FROM n WHERE k = 1",
        "SELECT cast(vi AS double) FROM n WHERE k = 1",
        "SELECT cast(de AS int) FROM n WHERE k = 1",
    ] {
        let r = s.q(q);
        assert!(r.invalid().contains("too large"), "{q}: {:?}", r.res);
    }
    // Aggregates only add: they work on any size.
    let r = s.q("SELECT sum(vi), avg(vi), sum(de), avg(de), max(de) FROM n");
    assert_eq!(r.rows().rows.len(), 1);
    assert!(start.elapsed() < SLOW, "{:?}", start.elapsed());
    // Ordinary sizes convert as before.
    s.q("INSERT INTO n (k, vi, de) VALUES (2, 12345678901234567890123, -1.25e-3)")
        .ok();
    let r = s.q("SELECT cast(vi AS text), cast(de AS text) FROM n WHERE k = 2");
    assert_eq!(
        r.rows().rows[0],
        vec![
            Some(CqlValue::Text("12345678901234567890123".into())),
            Some(CqlValue::Text("-0.00125".into()))
        ]
    );
}

#[test]
fn prepared_statements_are_bounded_in_bytes() {
    // Before: a node kept up to 50000 prepared statements whatever their size: large
    // statements (say writes with big literals, prepared once each) grew without bound.
    let mut s = Sim::with_keyspace();
    s.q("CREATE TABLE t (k int PRIMARY KEY, v int)").ok();
    let node = s.nodes[0];
    let padding = "p".repeat(1 << 20);
    let mut first = None;
    for i in 0..40 {
        let p = s.prepare(&format!("SELECT v FROM t WHERE k = ? /* {i} {padding} */"));
        first.get_or_insert(p);
        assert!(s.exec.prepared_count(node) <= 32);
    }
    // What was dropped is UNPREPARED, and can be prepared again.
    let first = first.expect("prepared");
    assert!(matches!(
        s.execute(&first, &[int(1)]).err().error,
        DbError::Unprepared { .. }
    ));
    // A statement larger than the whole budget is refused, as Cassandra does.
    let huge = format!("SELECT v FROM t WHERE k = ? /* {} */", "h".repeat(33 << 20));
    let e = s.prepare_on(0, &huge).err().clone();
    assert_eq!(e.error, DbError::Invalid);
    assert!(
        e.reason.starts_with("Prepared statement of size 34603"),
        "{}",
        &e.reason[..80]
    );
}

mod literals_and_values {
    //! Property tests: literal text and bound bytes of every type, through writes,
    //! filters, casts and functions, get answers (values or INVALID / SYNTAX_ERROR),
    //! never a panic. The decimal exponent overflow was of this kind.

    use std::cell::RefCell;

    use proptest::prelude::*;

    use super::*;

    const TYPES: &[&str] = &[
        "tinyint",
        "smallint",
        "int",
        "bigint",
        "varint",
        "decimal",
        "float",
        "double",
        "boolean",
        "text",
        "ascii",
        "blob",
        "inet",
        "date",
        "time",
        "timestamp",
        "uuid",
        "timeuuid",
        "duration",
    ];

    thread_local! {
        static SIM: RefCell<Sim> = RefCell::new({
            let mut s = Sim::with_keyspace();
            for (i, t) in TYPES.iter().enumerate() {
                s.q(&format!("CREATE TABLE v{i} (k int PRIMARY KEY, v {t})")).ok();
                if *t != "duration" {
                    s.q(&format!(
                        "CREATE TABLE c{i} (k int, c {t}, v {t}, PRIMARY KEY (k, c))"
                    ))
                    .ok();
                }
            }
            s
        });
    }

    fn number() -> impl Strategy<Value = String> {
        "[-+]?[0-9]{0,30}(\\.[0-9]{0,30})?([eE][-+]?[0-9]{1,25})?"
    }

    fn date_time() -> impl Strategy<Value = String> {
        "'[-+]?[0-9]{1,12}-[0-9]{1,3}-[0-9]{1,3}([ T][0-9]{1,3}:[0-9]{1,3}(:[0-9]{1,3}(\\.[0-9]{1,12})?)?)?( ?([-+][0-9]{1,5}(:[0-9]{1,3})?|Z|UTC))?'"
    }

    fn duration() -> impl Strategy<Value = String> {
        prop_oneof![
            "-?([0-9]{1,25}(y|mo|w|d|h|m|s|ms|us|ns)){1,4}",
            "-?P([0-9]{1,25}[YMWD]){0,3}(T([0-9]{1,25}[HMS]){1,3})?",
            "-?P[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}",
        ]
    }

    fn literal() -> impl Strategy<Value = String> {
        prop_oneof![
            number(),
            number().prop_map(|n| format!("'{n}'")),
            date_time(),
            duration(),
            "'[0-9a-f:.]{0,45}'",
            "0x[0-9a-fA-F]{0,40}",
            "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
            Just("NaN".to_string()),
            Just("-Infinity".to_string()),
            Just("true".to_string()),
            Just("null".to_string()),
        ]
    }

    fn bytes() -> impl Strategy<Value = Vec<u8>> {
        prop_oneof![
            prop::collection::vec(any::<u8>(), 0..20),
            (any::<i32>(), prop::collection::vec(any::<u8>(), 0..12)).prop_map(|(s, rest)| {
                let mut v = s.to_be_bytes().to_vec();
                v.extend(rest);
                v
            }),
        ]
    }

    /// The answer decoded (the helper panics on anything that does not decode) and,
    /// if an error, one a client would expect for bad input.
    fn acceptable(r: &Resp) -> Result<(), TestCaseError> {
        if let Res::Error(e) = &r.res {
            prop_assert!(
                matches!(e.error, DbError::Invalid | DbError::SyntaxError),
                "{:?}",
                e
            );
        }
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 600, ..ProptestConfig::default() })]

        #[test]
        fn literals_of_any_type(t in 0..TYPES.len(), lit in literal()) {
            SIM.with(|s| {
                let mut s = s.borrow_mut();
                acceptable(&s.q(&format!("INSERT INTO v{t} (k, v) VALUES (1, {lit})")))?;
                acceptable(&s.q(&format!("SELECT * FROM v{t} WHERE v > {lit} ALLOW FILTERING")))?;
                if TYPES[t] != "duration" {
                    acceptable(&s.q(&format!("INSERT INTO c{t} (k, c) VALUES (1, {lit})")))?;
                    acceptable(&s.q(&format!("SELECT v FROM c{t} WHERE k = 1 AND c <= {lit}")))?;
                }
                for to in ["text", "double", "bigint", "decimal", "varint", "timestamp", "date"] {
                    acceptable(&s.q(&format!("SELECT cast(v AS {to}) FROM v{t} WHERE k = 1")))?;
                }
                Ok::<(), TestCaseError>(())
            })?;
        }

        #[test]
        fn bound_bytes_of_any_type(t in 0..TYPES.len(), a in bytes(), b in bytes()) {
            SIM.with(|s| {
                let mut s = s.borrow_mut();
                acceptable(&s.qv(&format!("INSERT INTO v{t} (k, v) VALUES (?, ?)"), &[int(2), V::B(a.clone())]))?;
                acceptable(&s.qv(&format!("SELECT k FROM v{t} WHERE v >= ? ALLOW FILTERING"), &[V::B(b.clone())]))?;
                if TYPES[t] != "duration" {
                    acceptable(&s.qv(&format!("INSERT INTO c{t} (k, c, v) VALUES (2, ?, ?)"), &[V::B(a.clone()), V::B(b.clone())]))?;
                    acceptable(&s.qv(&format!("SELECT c FROM c{t} WHERE k = 2 AND c > ? AND c < ?"), &[V::B(b.clone()), V::B(a.clone())]))?;
                    acceptable(&s.q(&format!("SELECT min(v), max(v), count(v) FROM c{t} WHERE k = 2")))?;
                }
                for to in ["text", "double", "bigint", "decimal", "varint", "timestamp", "date"] {
                    acceptable(&s.q(&format!("SELECT cast(v AS {to}) FROM v{t} WHERE k = 2")))?;
                }
                acceptable(&s.q(&format!("SELECT sum(v), avg(v) FROM v{t}")))?;
                Ok::<(), TestCaseError>(())
            })?;
        }
    }
}
