//! Errors for nonsense, and property tests: no statement, value or paging state makes
//! the executor panic, and every response it produces decodes.

mod exec_support;

use std::cell::RefCell;

use exec_support::*;
use proptest::prelude::*;
use scylla_cql::frame::response::error::DbError;
use scylla_sim::exec::Executor;

#[test]
fn executor_is_send_and_sync() {
    fn check<T: Send + Sync>() {}
    check::<Executor>();
}

#[test]
fn syntax_errors_carry_the_parser_message() {
    let mut s = Sim::with_keyspace();
    let e = s.q("SELECT * FORM t").err().clone();
    assert_eq!(e.error, DbError::SyntaxError);
    assert_eq!(
        e.reason,
        "line 1:9 mismatched input 'FORM' expecting K_FROM (SELECT * [FORM] t)"
    );
    assert_eq!(s.q("").err().error, DbError::SyntaxError);
    assert_eq!(s.q("'unterminated").err().error, DbError::SyntaxError);
}

#[test]
fn nonsense_and_wrong_types_are_invalid() {
    let mut s = Sim::with_keyspace();
    s.q("CREATE TABLE t (k int PRIMARY KEY, v text, l list<int>)")
        .ok();
    assert!(
        s.q("SELECT * FROM t WHERE k = 'x'")
            .invalid()
            .contains("STRING constant")
    );
    assert!(
        s.q("SELECT * FROM t WHERE k = 1 AND v = 1 ALLOW FILTERING")
            .invalid()
            .contains("INTEGER constant")
    );
    assert!(
        s.q("INSERT INTO t (k, l) VALUES (1, [1, 'a'])")
            .invalid()
            .contains("STRING constant")
    );
    assert!(
        s.q("INSERT INTO t (k, l) VALUES (1, {'a': 1})")
            .invalid()
            .contains("map literal")
    );
    assert!(
        s.q("SELECT 1 FROM t")
            .invalid()
            .contains("Cannot infer type")
    );
    assert!(
        s.q("SELECT * FROM t WHERE k IN (1) AND k = 2")
            .invalid()
            .contains("more than one")
    );
    assert!(
        s.q("SELECT * FROM t WHERE v IS NOT NULL")
            .invalid()
            .contains("IS NOT NULL")
    );
    assert!(
        s.q("SELECT * FROM t WHERE k = ?")
            .invalid()
            .contains("bind variables")
    );
    assert!(
        s.q("SELECT JSON * FROM t")
            .invalid()
            .contains("not supported")
    );
    assert!(s.q("CREATE FUNCTION f (x int) RETURNS NULL ON NULL INPUT RETURNS int LANGUAGE lua AS 'return x'").invalid().contains("not supported"));
    assert!(s.q("CREATE ROLE r").invalid().contains("not supported"));
    // Too many IN values.
    let list: Vec<String> = (0..200).map(|i| i.to_string()).collect();
    assert!(
        s.q(&format!("SELECT * FROM t WHERE k IN ({})", list.join(",")))
            .invalid()
            .contains("partitions")
    );
    // A huge value is stored; a huge text is returned intact.
    let big = "y".repeat(1 << 20);
    let p = s.prepare("INSERT INTO t (k, v) VALUES (?, ?)");
    s.execute(&p, &[int(1), txt(&big)]).ok();
    assert_eq!(
        s.q("SELECT v FROM t WHERE k = 1").rows().texts("v")[0]
            .as_ref()
            .map(String::len),
        Some(1 << 20)
    );
}

thread_local! {
    static SIM: RefCell<Sim> = RefCell::new({
        let mut s = Sim::with_keyspace();
        s.q("CREATE TYPE ut (a int, b text)").ok();
        s.q("CREATE TABLE t (k int, c text, v int, s int static, l list<int>, m map<text, int>, u ut, f frozen<set<int>>, PRIMARY KEY (k, c))").ok();
        s.q("CREATE TABLE n (k int PRIMARY KEY, n counter)").ok();
        s.q("INSERT INTO t (k, c, v, l, m) VALUES (1, 'a', 1, [1], {'x': 1})").ok();
        s
    });
}

const WORDS: &[&str] = &[
    "SELECT",
    "INSERT",
    "INTO",
    "UPDATE",
    "DELETE",
    "FROM",
    "WHERE",
    "AND",
    "SET",
    "VALUES",
    "IF",
    "EXISTS",
    "NOT",
    "IN",
    "LIMIT",
    "ORDER",
    "BY",
    "DESC",
    "ASC",
    "ALLOW",
    "FILTERING",
    "USING",
    "TTL",
    "TIMESTAMP",
    "BEGIN",
    "BATCH",
    "APPLY",
    "COUNTER",
    "UNLOGGED",
    "DISTINCT",
    "token",
    "count",
    "writetime",
    "ttl",
    "max",
    "sum",
    "now()",
    "CONTAINS",
    "KEY",
    "PER",
    "PARTITION",
    "CREATE",
    "TABLE",
    "KEYSPACE",
    "DROP",
    "ALTER",
    "ADD",
    "TYPE",
    "TRUNCATE",
    "USE",
    "ks",
    "t",
    "n",
    "k",
    "c",
    "v",
    "s",
    "l",
    "m",
    "u",
    "f",
    "a",
    "b",
    "system",
    "local",
    "system_schema",
    "tables",
    "*",
    ",",
    ".",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    ":",
    "=",
    "<",
    ">",
    "<=",
    ">=",
    "!=",
    "+",
    "-",
    "?",
    ":x",
    ";",
    "1",
    "-1",
    "0",
    "2147483648",
    "1.5",
    "'x'",
    "'2021-01-01'",
    "0xff",
    "true",
    "null",
    "NaN",
    "1h",
    "550e8400-e29b-41d4-a716-446655440000",
];

fn statement() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(WORDS), 1..24).prop_map(|w| w.join(" "))
}

const VALID: &[&str] = &[
    "SELECT * FROM t WHERE k = ? AND c > ? LIMIT ?",
    "INSERT INTO t (k, c, v, l, m, u, f) VALUES (?, ?, ?, ?, ?, ?, ?) USING TTL ?",
    "UPDATE t SET l = l + ?, m[?] = ?, u.b = ? WHERE k = ? AND c = ? IF v = ?",
    "DELETE m[?] FROM t WHERE k = ? AND c = ?",
    "UPDATE n SET n = n + ? WHERE k = ?",
    "SELECT k, count(*), sum(v) FROM t WHERE k IN ? AND (c) >= (?)",
    "SELECT * FROM t WHERE token(k) > ? AND token(k) < ?",
    "SELECT * FROM t WHERE k = ? AND c IN ? ORDER BY c DESC",
    "BEGIN BATCH INSERT INTO t (k, c) VALUES (?, ?); UPDATE t SET v = ? WHERE k = ? AND c = ? APPLY BATCH",
];

fn value() -> impl Strategy<Value = V> {
    prop_oneof![
        Just(V::Null),
        Just(V::Unset),
        prop::collection::vec(any::<u8>(), 0..12).prop_map(V::B),
        any::<i32>().prop_map(|i| V::B(i.to_be_bytes().to_vec())),
        any::<i64>().prop_map(|i| V::B(i.to_be_bytes().to_vec())),
        // Collection-shaped bytes with random counts and lengths.
        (any::<i32>(), prop::collection::vec(any::<u8>(), 0..16)).prop_map(|(n, rest)| {
            let mut b = n.to_be_bytes().to_vec();
            b.extend(rest);
            V::B(b)
        }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn random_token_soup_never_panics(text in statement()) {
        SIM.with(|s| {
            let mut s = s.borrow_mut();
            // Never drop or change the fixtures.
            let upper = text.to_uppercase();
            if upper.contains("DROP") || upper.contains("TRUNCATE") || upper.contains("ALTER") || upper.contains("USE") {
                return;
            }
            let _ = s.q(&text);
            let _ = s.prepare_on(0, &text);
            s.conn.keyspace = Some("ks".into());
        });
    }

    #[test]
    fn arbitrary_text_never_panics(text in ".{0,200}") {
        SIM.with(|s| {
            let mut s = s.borrow_mut();
            let _ = s.q(&text);
        });
    }

    #[test]
    fn random_values_never_panic(i in 0..VALID.len(), vs in prop::collection::vec(value(), 0..12)) {
        SIM.with(|s| {
            let mut s = s.borrow_mut();
            let p = s.prepare(VALID[i]);
            let _ = s.execute(&p, &vs);
            let _ = s.qv(VALID[i], &vs);
        });
    }

    #[test]
    fn random_batches_never_panic(
        kind in 0u8..3,
        picks in prop::collection::vec((0..VALID.len(), prop::collection::vec(value(), 0..8), any::<bool>()), 0..6),
        ts in prop::option::of(any::<i64>()),
    ) {
        use scylla_cql::frame::request::batch::BatchType;
        use scylla_cql::frame::types::Consistency;
        SIM.with(|s| {
            let mut s = s.borrow_mut();
            let mut statements = Vec::new();
            let mut vals = Vec::new();
            for (i, vs, prepared) in &picks {
                if *prepared {
                    let p = s.prepare(VALID[*i]);
                    statements.push(prepared_stmt(&p));
                } else {
                    statements.push(text_stmt(VALID[*i]));
                }
                vals.push(values(vs));
            }
            let kind = match kind {
                0 => BatchType::Logged,
                1 => BatchType::Unlogged,
                _ => BatchType::Counter,
            };
            let _ = s.batch(kind, statements, vals, Consistency::One, ts);
        });
    }

    #[test]
    fn random_paging_states_never_panic(state in prop::collection::vec(any::<u8>(), 0..80), page in -2i32..5) {
        SIM.with(|s| {
            let mut s = s.borrow_mut();
            let r = s.query_on(0, 0, "SELECT * FROM t", paged(&[], page, Some(state.clone())));
            if let Res::Error(e) = &r.res {
                prop_assert_eq!(&e.error, &DbError::Invalid);
            }
            Ok(())
        })?;
    }

    #[test]
    fn mutated_valid_statements_never_panic(i in 0..VALID.len(), cut in 0usize..120, insert in prop::sample::select(WORDS)) {
        let base = VALID[i];
        let at = cut.min(base.len());
        let at = (0..=at).rev().find(|j| base.is_char_boundary(*j)).unwrap_or(0);
        let text = format!("{} {} {}", &base[..at], insert, &base[at..]);
        SIM.with(|s| {
            let mut s = s.borrow_mut();
            let upper = text.to_uppercase();
            if upper.contains("DROP") || upper.contains("TRUNCATE") || upper.contains("ALTER") || upper.contains("USE ") {
                return;
            }
            let _ = s.prepare_on(0, &text);
            let _ = s.qv(&text, &[int(1), txt("a"), int(2)]);
            s.conn.keyspace = Some("ks".into());
        });
    }
}
