//! Syntax errors: positions, messages in the style of Cassandra/ScyllaDB, and limits.

use scylla_sim::cql::*;

fn err(src: &str) -> SyntaxError {
    match parse_statement(src) {
        Ok(p) => panic!("{src:?} parsed: {:?}", p.statement),
        Err(e) => e,
    }
}

#[test]
fn mismatched_input_expecting_keyword() {
    let e = err("SELECT * FORM t");
    assert_eq!((e.line, e.column, e.offset), (1, 9, 9));
    assert_eq!(e.message, "mismatched input 'FORM' expecting K_FROM");
    assert_eq!(e.context, "SELECT * [FORM] t");
    assert_eq!(
        e.to_string(),
        "line 1:9 mismatched input 'FORM' expecting K_FROM (SELECT * [FORM] t)"
    );

    let e = err("INSERT INTO t (a) VALUE (1)");
    assert_eq!(e.column, 18);
    assert_eq!(e.message, "mismatched input 'VALUE' expecting K_VALUES");
    // Two tokens either side, and "..." when more follow.
    assert_eq!(e.context, "a) [VALUE] (1...");

    let e = err("UPDATE t SET a = 1");
    assert_eq!(e.message, "mismatched input '<EOF>' expecting K_WHERE");
    assert_eq!(e.column, 18);
    assert_eq!(e.context, "");
}

#[test]
fn mismatched_input_expecting_symbol() {
    let e = err("INSERT INTO t (a, b) VALUES (1, 2");
    assert_eq!(e.message, "mismatched input '<EOF>' expecting ')'");
    assert_eq!(e.column, 33);
    let e = err("SELECT * FROM t WHERE a IN (1 2)");
    assert_eq!(e.message, "mismatched input '2' expecting ')'");
    assert_eq!(e.column, 30);
}

#[test]
fn no_viable_alternative() {
    let e = err("SELEC * FROM t");
    assert_eq!(
        e.to_string(),
        "line 1:0 no viable alternative at input 'SELEC' ([SELEC] * FROM...)"
    );
    let e = err("SELECT * FROM select");
    assert_eq!(e.message, "no viable alternative at input 'select'");
    assert_eq!(e.column, 14);
    // Strings and quoted names are shown by value, as ANTLR does.
    let e = err("SELECT * FROM t LIMIT 'x'");
    assert_eq!(e.message, "no viable alternative at input 'x'");
    assert_eq!(e.context, "t LIMIT ['x']");
    let e = err("SELECT * FROM t \"Col\"");
    assert_eq!(e.message, "mismatched input 'Col' expecting EOF");
    let e = err("SELECT * FROM t WHERE");
    assert_eq!(e.message, "no viable alternative at input '<EOF>'");
    assert_eq!(e.column, 21);
    let e = err("");
    assert_eq!(
        e.to_string(),
        "line 1:0 no viable alternative at input '<EOF>'"
    );
}

#[test]
fn trailing_garbage_expects_eof() {
    let e = err("SELECT * FROM t foo");
    assert_eq!(e.message, "mismatched input 'foo' expecting EOF");
    assert_eq!(e.column, 16);
    let e = parse_statements("SELECT * FROM t foo").unwrap_err();
    assert_eq!(e.message, "mismatched input 'foo' expecting EOF");
}

#[test]
fn positions_are_line_and_character_column() {
    let e = err("SELECT *\nFROM t\n  WHERE a == 2");
    assert_eq!((e.line, e.column), (3, 11));
    assert_eq!(e.message, "no viable alternative at input '='");
    // Columns count characters, not bytes.
    let e = err("SELECT 'é', 'ü' FROMM t");
    assert_eq!((e.line, e.column), (1, 16));
    assert_eq!(e.offset, 18);
    // Windows line ends: '\r' is whitespace, '\n' starts the line.
    let e = err("SELECT *\r\nFROMM t");
    assert_eq!((e.line, e.column), (2, 0));
}

#[test]
fn the_furthest_error_is_reported_after_ambiguous_words() {
    let e = err("SELECT DISTINCT a b FROM t");
    assert_eq!(e.message, "mismatched input 'b' expecting K_FROM");
    assert_eq!(e.column, 18);
    let e = err("SELECT JSON a b FROM t");
    assert_eq!(e.message, "mismatched input 'b' expecting K_FROM");
    assert_eq!(e.column, 14);
}

#[test]
fn lexer_errors() {
    let e = err("SELECT * FROM t WHERE a = 'abc");
    assert_eq!(
        e.to_string(),
        "line 1:30 mismatched character '<EOF>' expecting '''"
    );
    let e = err("SELECT * FROM t WHERE a = #");
    assert_eq!(
        e.to_string(),
        "line 1:26 no viable alternative at character '#'"
    );
    let e = err("SELECT * FROM t /* unterminated");
    assert_eq!(e.message, "mismatched character '<EOF>' expecting '*'");
    let e = err("SELECT \"abc FROM t");
    assert_eq!(e.message, "mismatched character '<EOF>' expecting '\"'");
    let e = err("SELECT a FROM t WHERE a = $$abc");
    assert_eq!(e.message, "mismatched character '<EOF>' expecting '$'");
}

#[test]
fn bind_markers_in_names() {
    assert_eq!(
        err("USE ?").message,
        "Bind variables cannot be used for keyspace names"
    );
    assert_eq!(
        err("SELECT * FROM ?.t").message,
        "Bind variables cannot be used for keyspace names"
    );
    assert_eq!(
        err("SELECT * FROM ks.?").message,
        "Bind variables cannot be used for table names"
    );
    assert_eq!(
        err("SELECT * FROM ?").message,
        "Bind variables cannot be used for table names"
    );
    assert_eq!(
        err("GRANT r TO ?").message,
        "Bind variables cannot be used for role names"
    );
}

#[test]
fn long_tokens_are_shortened_in_messages() {
    let long = "x".repeat(1000);
    let e = err(&format!("SELECT * FROM t {long}"));
    assert!(e.message.len() < 200, "{}", e.message);
    assert!(e.message.contains("..."));
    assert!(e.context.len() < 300, "{}", e.context);
}

#[test]
fn nesting_is_bounded() {
    let deep = 100_000;
    let cases = [
        format!("SELECT * FROM t WHERE a = {}", "[".repeat(deep)),
        format!("SELECT * FROM t WHERE a = {}1", "{1: ".repeat(deep)),
        format!("SELECT * FROM t WHERE a = {}1", "(".repeat(deep)),
        format!("SELECT * FROM t WHERE a = {}", "f(".repeat(deep)),
        format!("SELECT {} FROM t", "f(".repeat(deep)),
        format!("SELECT a{} FROM t", ".b".repeat(deep)),
        format!("SELECT a{} FROM t", "[1]".repeat(deep)),
        format!("SELECT * FROM t WHERE {}a = 1", "(".repeat(deep)),
        format!(
            "CREATE TABLE t (k int PRIMARY KEY, v {}int)",
            "frozen<".repeat(deep)
        ),
        format!(
            "CREATE TABLE t (k int PRIMARY KEY, v {}int)",
            "list<".repeat(deep)
        ),
        format!("INSERT INTO t (a) VALUES ({}1)", "(int) ".repeat(deep)),
        format!("CREATE KEYSPACE ks WITH r = {}", "{'a': ".repeat(deep)),
    ];
    for src in &cases {
        let e = parse_statement(src).unwrap_err();
        assert!(
            e.message.contains("nested too deeply"),
            "{}: {}",
            &src[..40],
            e.message
        );
    }
    // Reasonable nesting is fine.
    let ok = format!(
        "SELECT * FROM t WHERE a = {}1{}",
        "[".repeat(20),
        "]".repeat(20)
    );
    parse_statement(&ok).unwrap();
    let ok = format!(
        "CREATE TABLE t (k int PRIMARY KEY, v {}int{})",
        "frozen<list<".repeat(10),
        ">>".repeat(10)
    );
    parse_statement(&ok).unwrap();
    const { assert!(MAX_NESTING >= 20) };
}

#[test]
fn long_inputs_parse_in_linear_time() {
    // None of these would finish in reasonable time if parsing were quadratic.
    let n = 100_000;
    let values: Vec<String> = (0..n).map(|i| i.to_string()).collect();
    let src = format!("SELECT * FROM t WHERE a IN ({})", values.join(", "));
    let Statement::Select(s) = parse_statement(&src).unwrap().statement else {
        panic!()
    };
    assert!(matches!(&s.where_clause[0].rhs, RelationRhs::InList(v) if v.len() == n));

    let markers: Vec<String> = (0..n).map(|i| format!(":m{i}")).collect();
    let src = format!("SELECT * FROM t WHERE a IN ({})", markers.join(", "));
    assert_eq!(parse_statement(&src).unwrap().bind_marker_count(), n);

    let same: Vec<&str> = vec![":m"; n];
    let src = format!("SELECT * FROM t WHERE a IN ({})", same.join(", "));
    assert_eq!(parse_statement(&src).unwrap().bind_marker_count(), 1);

    let src = "INSERT INTO t (a) VALUES (1);".repeat(n / 4);
    assert_eq!(parse_statements(&src).unwrap().len(), n / 4);

    let big = "a".repeat(2_000_000);
    let src = format!("INSERT INTO t (a) VALUES ('{big}')");
    let Statement::Insert(i) = parse_statement(&src).unwrap().statement else {
        panic!()
    };
    assert_eq!(i.values[0], Term::Literal(Literal::String(big)));

    let casts = "(int) 1, ".repeat(n / 4);
    let src = format!("INSERT INTO t (a) VALUES ({casts}2)");
    parse_statement(&src).unwrap();

    // Tuples in term position are first tried as casts; failed tries must stay cheap.
    let tuples = "(1, 2), ".repeat(n / 4);
    let src = format!("INSERT INTO t (a) VALUES ({tuples}(3, 4))");
    parse_statement(&src).unwrap();
    let src = format!("SELECT * FROM t WHERE a IN ({tuples}(3, 4))");
    parse_statement(&src).unwrap();

    let parens = "(".repeat(n);
    assert!(parse_statement(&format!("SELECT * FROM t WHERE a = {parens}")).is_err());
}
