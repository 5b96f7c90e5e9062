//! Property tests: the parser never panics, reports consistent errors, and keeps its
//! invariants on arbitrary text, on CQL-like token soup and on mutated valid statements.

use proptest::prelude::*;
use scylla_sim::cql::*;

/// Valid statements that the mutations start from.
const CORPUS: &[&str] = &[
    "SELECT * FROM system.local WHERE key='local'",
    "SELECT peer, rpc_address, schema_version FROM system.peers",
    "SELECT DISTINCT a AS x, token(a, b), writetime(c), count(*) FROM ks.t WHERE a = ? AND \
     (b, c) > (?, :n) AND d IN (1, 2) AND m['k'] = 'v' AND e CONTAINS KEY 3 GROUP BY a \
     ORDER BY b DESC PER PARTITION LIMIT 2 LIMIT :l ALLOW FILTERING BYPASS CACHE USING TIMEOUT 1s",
    "SELECT JSON * FROM t",
    "SELECT CAST(a AS text), ks.f(1, 'x'), u.f, l[0] FROM t WHERE token(a) > token(?)",
    "INSERT INTO ks.t (a, b, c) VALUES (?, {'k': [1, 2]}, (1, 'x')) IF NOT EXISTS USING TTL 5 \
     AND TIMESTAMP 10",
    "INSERT INTO t (a, b) VALUES ((int) 5, {f: now(), g: -NaN})",
    "INSERT INTO t JSON '{}' DEFAULT UNSET",
    "UPDATE t USING TTL ? SET a = a + [1], b = [2] + b, c = c - {3}, m['k'] = 'v', u.f = 1, \
     n = n -1 WHERE k = :k IF a = 1 AND m['x'] IN (1, 2) AND u.g > 3",
    "UPDATE t SET a = 1 WHERE k = 0 IF EXISTS",
    "DELETE a, m['k'], u.f FROM t USING TIMESTAMP 1 WHERE k = 1 AND c >= 2 IF EXISTS",
    "BEGIN UNLOGGED BATCH USING TIMESTAMP 1 INSERT INTO t (a) VALUES (?); UPDATE t SET b = ? \
     WHERE a = ?; DELETE FROM t WHERE a = ? APPLY BATCH",
    "USE \"MyKs\"",
    "TRUNCATE TABLE ks.t",
    "CREATE KEYSPACE IF NOT EXISTS ks WITH replication = {'class': 'SimpleStrategy', \
     'replication_factor': 1} AND durable_writes = true",
    "ALTER KEYSPACE ks WITH durable_writes = false",
    "DROP KEYSPACE IF EXISTS ks",
    "CREATE TABLE ks.t (a int, b text, c frozen<map<text, list<int>>>, d tuple<int, udt>, \
     e vector<float, 3>, s int STATIC, PRIMARY KEY ((a, b), c)) WITH CLUSTERING ORDER BY \
     (c DESC) AND comment = 'x' AND compaction = {'class': 'LeveledCompactionStrategy'}",
    "ALTER TABLE t ADD (x int, y set<text>)",
    "ALTER TABLE t RENAME a TO b AND c TO d",
    "DROP TABLE t",
    "CREATE TYPE ks.addr (street text, zip int)",
    "ALTER TYPE addr ADD country text",
    "DROP TYPE IF EXISTS addr",
    "CREATE INDEX IF NOT EXISTS i ON t (keys(m))",
    "CREATE MATERIALIZED VIEW v AS SELECT * FROM t WHERE a IS NOT NULL PRIMARY KEY (a, b)",
    "CREATE FUNCTION f(a int) CALLED ON NULL INPUT RETURNS int LANGUAGE lua AS 'return a'",
    "CREATE ROLE r WITH PASSWORD = 'p' AND LOGIN = true",
    "GRANT SELECT ON KEYSPACE ks TO r",
    "LIST ALL PERMISSIONS OF r",
    "DESCRIBE TABLE ks.t",
    "SELECT * FROM t; SELECT * FROM u;",
];

/// Pieces of CQL used to build token soup and to insert into statements.
const FRAGMENTS: &[&str] = &[
    "SELECT",
    "FROM",
    "WHERE",
    "AND",
    "INSERT",
    "INTO",
    "VALUES",
    "UPDATE",
    "SET",
    "DELETE",
    "BEGIN",
    "BATCH",
    "APPLY",
    "CREATE",
    "TABLE",
    "KEYSPACE",
    "TYPE",
    "ALTER",
    "DROP",
    "IF",
    "NOT",
    "EXISTS",
    "IN",
    "CONTAINS",
    "KEY",
    "TOKEN",
    "USING",
    "TTL",
    "TIMESTAMP",
    "LIMIT",
    "ORDER",
    "BY",
    "DESC",
    "DISTINCT",
    "JSON",
    "PRIMARY",
    "WITH",
    "frozen",
    "list",
    "map",
    "set",
    "tuple",
    "vector",
    "int",
    "text",
    "NULL",
    "NaN",
    "-Infinity",
    "true",
    "a",
    "b",
    "\"Q\"",
    "ks",
    "t",
    ".",
    ",",
    ";",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    "<",
    ">",
    "=",
    "<=",
    "!=",
    "+",
    "-",
    "*",
    ":",
    "?",
    ":n",
    "1",
    "-2",
    "1.5e3",
    "'s'",
    "''",
    "$$x$$",
    "0xff",
    "1h30m",
    "P1D",
    "123e4567-e89b-12d3-a456-426614174000",
    "count(*)",
    "now()",
    "(int)",
    "--c\n",
    "/*c*/",
    "\n",
    "é",
    "'",
    "\"",
    "$$",
    "/*",
];

/// Checks the invariants of a parse result for `src`.
fn check(src: &str, result: Result<Vec<ParsedStatement>, SyntaxError>) {
    match result {
        Ok(statements) => {
            assert!(!statements.is_empty());
            for p in &statements {
                assert!(p.span.text(src).is_some(), "bad span {:?}", p.span);
                check_markers(p);
            }
        }
        Err(e) => check_error(src, &e),
    }
}

/// Every marker index in the tree is below the variable count, and every variable is used.
fn check_markers(p: &ParsedStatement) {
    let debug = format!("{:?}", p.statement);
    let count = p.bind_marker_count();
    let mut used = vec![false; count];
    for piece in debug.split("BindMarker { index: ").skip(1) {
        let digits: String = piece.chars().take_while(char::is_ascii_digit).collect();
        let index: usize = digits.parse().unwrap();
        assert!(index < count, "marker {index} >= {count}");
        used[index] = true;
    }
    assert!(used.iter().all(|u| *u), "unused variable in {debug}");
}

fn check_error(src: &str, e: &SyntaxError) {
    assert!(e.offset <= src.len(), "{e:?}");
    assert!(src.is_char_boundary(e.offset), "{e:?}");
    let before = &src[..e.offset];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().unwrap().chars().count();
    assert_eq!((e.line, e.column), (line, column), "{e:?}");
    assert!(!e.message.is_empty());
    let shown = e.to_string();
    assert!(
        shown.starts_with(&format!("line {line}:{column} ")),
        "{shown}"
    );
}

fn parse_both(src: &str) {
    let all = parse_statements(src);
    // Deterministic.
    assert_eq!(all, parse_statements(src));
    check(src, all);
    match parse_statement(src) {
        Ok(p) => check(src, Ok(vec![p])),
        Err(e) => check_error(src, &e),
    }
}

#[derive(Debug, Clone)]
enum Mutation {
    Delete { at: usize, len: usize },
    Insert { at: usize, fragment: usize },
    Replace { at: usize, fragment: usize },
    Duplicate { at: usize, len: usize },
    Truncate { at: usize },
    Swap { a: usize, b: usize },
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let f = 0..FRAGMENTS.len();
    prop_oneof![
        (any::<usize>(), 1usize..6).prop_map(|(at, len)| Mutation::Delete { at, len }),
        (any::<usize>(), f.clone()).prop_map(|(at, fragment)| Mutation::Insert { at, fragment }),
        (any::<usize>(), f).prop_map(|(at, fragment)| Mutation::Replace { at, fragment }),
        (any::<usize>(), 1usize..20).prop_map(|(at, len)| Mutation::Duplicate { at, len }),
        any::<usize>().prop_map(|at| Mutation::Truncate { at }),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::Swap { a, b }),
    ]
}

fn apply(src: &str, mutations: &[Mutation]) -> String {
    let mut chars: Vec<char> = src.chars().collect();
    for m in mutations {
        let n = chars.len().max(1);
        match *m {
            Mutation::Delete { at, len } => {
                let at = at % n;
                let end = (at + len).min(chars.len());
                if at < end {
                    chars.drain(at..end);
                }
            }
            Mutation::Insert { at, fragment } => {
                let at = at % (chars.len() + 1);
                let piece: Vec<char> = format!(" {} ", FRAGMENTS[fragment]).chars().collect();
                chars.splice(at..at, piece);
            }
            Mutation::Replace { at, fragment } => {
                if !chars.is_empty() {
                    let at = at % chars.len();
                    chars.splice(at..at + 1, FRAGMENTS[fragment].chars());
                }
            }
            Mutation::Duplicate { at, len } => {
                let at = at % n;
                let end = (at + len).min(chars.len());
                if at < end {
                    let piece: Vec<char> = chars[at..end].to_vec();
                    chars.splice(end..end, piece);
                }
            }
            Mutation::Truncate { at } => chars.truncate(at % n),
            Mutation::Swap { a, b } => {
                if !chars.is_empty() {
                    let (a, b) = (a % chars.len(), b % chars.len());
                    chars.swap(a, b);
                }
            }
        }
    }
    chars.into_iter().collect()
}

#[test]
fn corpus_is_valid() {
    for src in CORPUS {
        parse_statements(src).unwrap_or_else(|e| panic!("{src}: {e}"));
        parse_both(src);
    }
}

proptest! {
    // 2000 cases each by default; set PROPTEST_CASES to run more.
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(2000),
        ..ProptestConfig::default()
    })]

    #[test]
    fn arbitrary_text_never_panics(src in any::<String>()) {
        parse_both(&src);
    }

    #[test]
    fn ascii_text_never_panics(src in "[ -~\n\t]{0,80}") {
        parse_both(&src);
    }

    #[test]
    fn token_soup_never_panics(
        pieces in prop::collection::vec(0..FRAGMENTS.len(), 0..40),
        glue in prop::sample::select(vec!["", " "]),
    ) {
        let src: Vec<&str> = pieces.iter().map(|&i| FRAGMENTS[i]).collect();
        parse_both(&src.join(glue));
    }

    #[test]
    fn mutated_statements_never_panic(
        base in 0..CORPUS.len(),
        mutations in prop::collection::vec(mutation(), 1..6),
    ) {
        parse_both(&apply(CORPUS[base], &mutations));
    }

    #[test]
    fn identifiers_round_trip_through_maybe_quote(name in "\\PC{1,20}") {
        let quoted = maybe_quote(&name);
        let src = format!("SELECT {quoted} FROM {quoted}.{quoted}");
        let p = parse_statement(&src).unwrap_or_else(|e| panic!("{src}: {e}"));
        let Statement::Select(s) = p.statement else { panic!() };
        let Selection::Selectors(sel) = &s.selection else { panic!() };
        prop_assert_eq!(&sel[0].expr, &SelectorExpr::Column(name.clone()));
        prop_assert_eq!(s.table, QualifiedName::qualified(name.clone(), name));
    }

    #[test]
    fn string_literals_round_trip(value in "\\PC{0,40}") {
        let quoted = format!("'{}'", value.replace('\'', "''"));
        let src = format!("INSERT INTO t (a) VALUES ({quoted})");
        let Statement::Insert(i) = parse_statement(&src).unwrap().statement else { panic!() };
        prop_assert_eq!(&i.values[0], &Term::Literal(Literal::String(value.clone())));
        if !value.contains('$') {
            let src = format!("INSERT INTO t (a) VALUES ($${value}$$)");
            let Statement::Insert(i) = parse_statement(&src).unwrap().statement else { panic!() };
            prop_assert_eq!(&i.values[0], &Term::Literal(Literal::String(value)));
        }
    }

    #[test]
    fn integer_literals_round_trip(n in any::<i128>()) {
        let src = format!("SELECT * FROM t WHERE a = {n}");
        let Statement::Select(s) = parse_statement(&src).unwrap().statement else { panic!() };
        prop_assert_eq!(
            &s.where_clause[0].rhs,
            &RelationRhs::Term(Term::Literal(Literal::Integer(n.to_string())))
        );
    }

    #[test]
    fn float_literals_round_trip(x in any::<f64>().prop_filter("finite", |x| x.is_finite())) {
        let text = format!("{x:e}");
        let src = format!("SELECT * FROM t WHERE a = {text}");
        let Statement::Select(s) = parse_statement(&src).unwrap().statement else { panic!() };
        let RelationRhs::Term(Term::Literal(Literal::Float(f))) = &s.where_clause[0].rhs else {
            panic!("{:?}", s.where_clause[0].rhs)
        };
        prop_assert_eq!(f.parse::<f64>().unwrap(), x);
    }
}
