//! Parsing of SELECT, INSERT, UPDATE, DELETE, BATCH, USE and TRUNCATE, terms and bind markers.

use scylla_sim::cql::*;

fn one(src: &str) -> ParsedStatement {
    parse_statement(src).unwrap_or_else(|e| panic!("{src:?} failed: {e}"))
}

fn select(src: &str) -> SelectStatement {
    match one(src).statement {
        Statement::Select(s) => *s,
        other => panic!("{src:?} is not a SELECT: {other:?}"),
    }
}

fn insert(src: &str) -> InsertStatement {
    match one(src).statement {
        Statement::Insert(s) => *s,
        other => panic!("{src:?} is not an INSERT: {other:?}"),
    }
}

fn update(src: &str) -> UpdateStatement {
    match one(src).statement {
        Statement::Update(s) => *s,
        other => panic!("{src:?} is not an UPDATE: {other:?}"),
    }
}

fn delete(src: &str) -> DeleteStatement {
    match one(src).statement {
        Statement::Delete(s) => *s,
        other => panic!("{src:?} is not a DELETE: {other:?}"),
    }
}

fn selectors(s: &SelectStatement) -> &[Selector] {
    match &s.selection {
        Selection::Selectors(v) => v,
        Selection::Wildcard => panic!("wildcard"),
    }
}

fn int(s: &str) -> Term {
    Term::Literal(Literal::Integer(s.into()))
}

fn text(s: &str) -> Term {
    Term::Literal(Literal::String(s.into()))
}

fn marker(index: usize, name: Option<&str>) -> Term {
    Term::BindMarker(BindMarker {
        index,
        name: name.map(str::to_owned),
    })
}

fn col(s: &str) -> SelectorExpr {
    SelectorExpr::Column(s.into())
}

fn qn(ks: Option<&str>, name: &str) -> QualifiedName {
    QualifiedName {
        keyspace: ks.map(str::to_owned),
        name: name.into(),
    }
}

/// The single relation of a WHERE clause.
fn only_relation(s: &SelectStatement) -> &Relation {
    assert_eq!(s.where_clause.len(), 1, "{:?}", s.where_clause);
    &s.where_clause[0]
}

// ----- Real-world statements sent by drivers and cqlsh -----

#[test]
fn driver_connect_time_queries_parse() {
    let queries = [
        "SELECT * FROM system.peers",
        "SELECT * FROM system.peers_v2",
        "SELECT * FROM system.local WHERE key='local'",
        "SELECT peer, rpc_address, schema_version FROM system.peers",
        "SELECT peer, host_id, rpc_address, schema_version FROM system.peers",
        "SELECT schema_version FROM system.local WHERE key='local'",
        "SELECT host_id, cluster_name, data_center, rack, partitioner, release_version, \
         schema_version FROM system.local WHERE key='local'",
        "SELECT peer, data_center, host_id, preferred_ip, rack, release_version, rpc_address, \
         schema_version, tokens FROM system.peers",
        "SELECT host_id, rpc_address, data_center, rack, tokens FROM system.local WHERE key='local'",
        "SELECT cluster_name, release_version FROM system.local",
        "SELECT * FROM system_schema.keyspaces",
        "SELECT * FROM system_schema.tables",
        "SELECT * FROM system_schema.columns",
        "SELECT * FROM system_schema.types",
        "SELECT * FROM system_schema.functions",
        "SELECT * FROM system_schema.aggregates",
        "SELECT * FROM system_schema.triggers",
        "SELECT * FROM system_schema.indexes",
        "SELECT * FROM system_schema.views",
        "SELECT * FROM system_schema.scylla_tables",
        "SELECT keyspace_name, table_name, column_name, clustering_order, kind, position, type \
         FROM system_schema.columns WHERE keyspace_name = ?",
        "SELECT keyspace_name, table_name, column_name, kind, position, type FROM system_schema.columns",
        "SELECT durable_writes, replication FROM system_schema.keyspaces WHERE keyspace_name = ?",
        "select keyspace_name, replication from system_schema.keyspaces",
        "SELECT table_name, bloom_filter_fp_chance, caching, comment, compaction, compression, \
         crc_check_chance, dclocal_read_repair_chance, default_time_to_live, extensions, flags, \
         gc_grace_seconds, max_index_interval, memtable_flush_period_in_ms, min_index_interval, \
         read_repair_chance, speculative_retry FROM system_schema.tables WHERE keyspace_name = ?",
        "SELECT type_name, field_names, field_types FROM system_schema.types WHERE keyspace_name = ?",
        "SELECT function_name, argument_types, argument_names, body, called_on_null_input, \
         language, return_type FROM system_schema.functions WHERE keyspace_name = ?",
        "SELECT aggregate_name, argument_types, final_func, initcond, return_type, state_func, \
         state_type FROM system_schema.aggregates WHERE keyspace_name = ?",
        "SELECT view_name, base_table_name, base_table_id, include_all_columns, where_clause \
         FROM system_schema.views WHERE keyspace_name = ?",
        "SELECT * FROM system_schema.tables WHERE keyspace_name = 'ks' AND table_name = 't'",
        "SELECT * FROM system_schema.columns WHERE keyspace_name='ks' AND table_name='t'",
        "SELECT keyspace_name, table_name, partitioner FROM system_schema.scylla_tables",
        "SELECT * FROM system_traces.sessions WHERE session_id = ?",
        "SELECT * FROM system_traces.events WHERE session_id = ?",
        "SELECT * FROM system.size_estimates WHERE keyspace_name = ? AND table_name = ?",
        "SELECT * FROM system.peers WHERE peer = ?",
        "SELECT now() FROM system.local",
        "SELECT key, bootstrapped FROM system.local",
    ];
    for q in queries {
        let s = select(q);
        assert!(s.table.keyspace.is_some(), "{q}");
    }
}

#[test]
fn system_local_query_structure() {
    let p = one("SELECT * FROM system.local WHERE key='local'");
    assert_eq!(p.bind_marker_count(), 0);
    assert_eq!(p.span, Span { start: 0, end: 44 });
    let Statement::Select(s) = p.statement else {
        panic!()
    };
    assert_eq!(s.table, qn(Some("system"), "local"));
    assert_eq!(s.selection, Selection::Wildcard);
    assert_eq!(
        s.where_clause,
        vec![Relation {
            lhs: RelationLhs::Column("key".into()),
            op: Operator::Eq,
            rhs: RelationRhs::Term(text("local")),
            span: Span { start: 33, end: 44 },
        }]
    );
    assert!(!s.distinct && !s.allow_filtering && !s.bypass_cache);
    assert!(s.limit.is_none() && s.per_partition_limit.is_none() && s.timeout.is_none());
}

#[test]
fn peers_selector_list() {
    let s = select("SELECT peer, rpc_address, schema_version FROM system.peers");
    let exprs: Vec<_> = selectors(&s).iter().map(|s| s.expr.clone()).collect();
    assert_eq!(
        exprs,
        vec![col("peer"), col("rpc_address"), col("schema_version")]
    );
}

// ----- SELECT -----

#[test]
fn select_all_clauses() {
    let src = "SELECT DISTINCT a AS x, b FROM ks.t WHERE a = 1 AND b > 2 GROUP BY a, b \
               ORDER BY b DESC, c ASC, d PER PARTITION LIMIT 3 LIMIT ? ALLOW FILTERING \
               BYPASS CACHE USING TIMEOUT 5s";
    let p = one(src);
    assert_eq!(p.bind_variables, vec![None]);
    let Statement::Select(s) = p.statement else {
        panic!()
    };
    assert!(s.distinct);
    let sel = selectors(&s);
    assert_eq!(sel[0].alias.as_deref(), Some("x"));
    assert_eq!(sel[0].span.text(src), Some("a"));
    assert_eq!(sel[1].alias, None);
    assert_eq!(s.table, qn(Some("ks"), "t"));
    assert_eq!(s.where_clause.len(), 2);
    assert_eq!(s.where_clause[1].op, Operator::Gt);
    assert_eq!(s.group_by, vec!["a", "b"]);
    assert_eq!(
        s.order_by,
        vec![
            Ordering {
                column: "b".into(),
                descending: true
            },
            Ordering {
                column: "c".into(),
                descending: false
            },
            Ordering {
                column: "d".into(),
                descending: false
            },
        ]
    );
    assert_eq!(s.per_partition_limit, Some(int("3")));
    assert_eq!(s.limit, Some(marker(0, None)));
    assert!(s.allow_filtering);
    assert!(s.bypass_cache);
    assert_eq!(
        s.timeout,
        Some(Term::Literal(Literal::Duration("5s".into())))
    );
}

#[test]
fn select_distinct_and_json_are_also_column_names() {
    let s = select("SELECT distinct FROM t");
    assert!(!s.distinct);
    assert_eq!(selectors(&s)[0].expr, col("distinct"));

    let s = select("SELECT DISTINCT distinct FROM t");
    assert!(s.distinct);
    assert_eq!(selectors(&s)[0].expr, col("distinct"));

    let s = select("SELECT json FROM t");
    assert_eq!(selectors(&s)[0].expr, col("json"));

    let s = select("SELECT json, distinct FROM t");
    assert_eq!(selectors(&s).len(), 2);

    let s = select("SELECT json AS j FROM t");
    assert_eq!(selectors(&s)[0].alias.as_deref(), Some("j"));
}

#[test]
fn select_json_is_unsupported() {
    for src in [
        "SELECT JSON * FROM ks.t",
        "SELECT JSON a, b FROM ks.t WHERE a = 1",
        "SELECT JSON DISTINCT a FROM ks.t",
    ] {
        let p = one(src);
        assert_eq!(
            p.statement,
            Statement::Unsupported(UnsupportedStatement {
                kind: UnsupportedKind::SelectJson,
                name: Some("ks.t".into()),
            }),
            "{src}"
        );
    }
    // A JSON select with a syntax error later is still a syntax error.
    assert!(parse_statement("SELECT JSON * FROM t WHERE").is_err());
}

#[test]
fn select_functions_and_special_selectors() {
    let s = select(
        "SELECT token(a, b), writetime(c), ttl(c), count(*), COUNT(1), count(c), min(c), \
         max(c), sum(c), avg(c), CAST(c AS text), ks.myfn(a, 1), toJson(c), \"Fn\"(a), now() \
         FROM t",
    );
    let exprs: Vec<_> = selectors(&s).iter().map(|s| s.expr.clone()).collect();
    let call = |ks: Option<&str>, name: &str, args: Vec<SelectorExpr>| SelectorExpr::FunctionCall {
        keyspace: ks.map(str::to_owned),
        name: name.into(),
        args,
    };
    assert_eq!(
        exprs,
        vec![
            call(None, "token", vec![col("a"), col("b")]),
            SelectorExpr::WriteTime(Box::new(col("c"))),
            SelectorExpr::Ttl(Box::new(col("c"))),
            SelectorExpr::CountRows,
            call(None, "count", vec![SelectorExpr::Term(int("1"))]),
            call(None, "count", vec![col("c")]),
            call(None, "min", vec![col("c")]),
            call(None, "max", vec![col("c")]),
            call(None, "sum", vec![col("c")]),
            call(None, "avg", vec![col("c")]),
            SelectorExpr::Cast {
                expr: Box::new(col("c")),
                ty: NativeType::Text
            },
            call(
                Some("ks"),
                "myfn",
                vec![col("a"), SelectorExpr::Term(int("1"))]
            ),
            call(None, "tojson", vec![col("c")]),
            call(None, "Fn", vec![col("a")]),
            call(None, "now", vec![]),
        ]
    );
}

#[test]
fn select_writetime_of_element_and_field_access() {
    let s = select("SELECT writetime(m['k']), ttl(u.f), u.f.g, m['k'], l[0] FROM t");
    let exprs: Vec<_> = selectors(&s).iter().map(|s| s.expr.clone()).collect();
    assert_eq!(
        exprs[0],
        SelectorExpr::WriteTime(Box::new(SelectorExpr::Subscript {
            expr: Box::new(col("m")),
            key: text("k")
        }))
    );
    assert_eq!(
        exprs[1],
        SelectorExpr::Ttl(Box::new(SelectorExpr::Field {
            expr: Box::new(col("u")),
            field: "f".into()
        }))
    );
    assert_eq!(
        exprs[2],
        SelectorExpr::Field {
            expr: Box::new(SelectorExpr::Field {
                expr: Box::new(col("u")),
                field: "f".into()
            }),
            field: "g".into()
        }
    );
    assert_eq!(
        exprs[4],
        SelectorExpr::Subscript {
            expr: Box::new(col("l")),
            key: int("0")
        }
    );
}

#[test]
fn select_keyword_named_columns() {
    let s = select("SELECT key, type, timestamp, ttl, count, values, text FROM t");
    let names: Vec<_> = selectors(&s)
        .iter()
        .map(|s| match &s.expr {
            SelectorExpr::Column(c) => c.clone(),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(
        names,
        ["key", "type", "timestamp", "ttl", "count", "values", "text"]
    );
}

#[test]
fn select_literal_selectors() {
    let s = select("SELECT 1, 'a', ?, null FROM t");
    let exprs: Vec<_> = selectors(&s).iter().map(|s| s.expr.clone()).collect();
    assert_eq!(
        exprs,
        vec![
            SelectorExpr::Term(int("1")),
            SelectorExpr::Term(text("a")),
            SelectorExpr::Term(marker(0, None)),
            SelectorExpr::Term(Term::Literal(Literal::Null)),
        ]
    );
}

#[test]
fn where_relation_operators() {
    let cases = [
        ("a = 1", Operator::Eq),
        ("a < 1", Operator::Lt),
        ("a <= 1", Operator::Lte),
        ("a > 1", Operator::Gt),
        ("a >= 1", Operator::Gte),
        ("a != 1", Operator::Neq),
        ("a CONTAINS 1", Operator::Contains),
        ("a CONTAINS KEY 1", Operator::ContainsKey),
        ("a LIKE 1", Operator::Like),
    ];
    for (rel, op) in cases {
        let s = select(&format!("SELECT * FROM t WHERE {rel}"));
        let r = only_relation(&s);
        assert_eq!(r.lhs, RelationLhs::Column("a".into()), "{rel}");
        assert_eq!(r.op, op, "{rel}");
        assert_eq!(r.rhs, RelationRhs::Term(int("1")), "{rel}");
    }
}

#[test]
fn where_in_forms() {
    let s = select("SELECT * FROM t WHERE a IN (1, 2, ?)");
    let r = only_relation(&s);
    assert_eq!(r.op, Operator::In);
    assert_eq!(
        r.rhs,
        RelationRhs::InList(vec![int("1"), int("2"), marker(0, None)])
    );

    let s = select("SELECT * FROM t WHERE a IN ?");
    assert_eq!(only_relation(&s).rhs, RelationRhs::Term(marker(0, None)));

    let s = select("SELECT * FROM t WHERE a IN :vals");
    assert_eq!(
        only_relation(&s).rhs,
        RelationRhs::Term(marker(0, Some("vals")))
    );

    let s = select("SELECT * FROM t WHERE a IN ()");
    assert_eq!(only_relation(&s).rhs, RelationRhs::InList(vec![]));

    let s = select("SELECT * FROM t WHERE a NOT IN (1)");
    assert_eq!(only_relation(&s).op, Operator::NotIn);
}

#[test]
fn where_multi_column_and_token_relations() {
    let s = select("SELECT * FROM t WHERE k = 0 AND (a, b) > (?, ?) AND (a, b) <= (3, 4)");
    let r = &s.where_clause[1];
    assert_eq!(r.lhs, RelationLhs::Columns(vec!["a".into(), "b".into()]));
    assert_eq!(r.op, Operator::Gt);
    assert_eq!(
        r.rhs,
        RelationRhs::Term(Term::Tuple(vec![marker(0, None), marker(1, None)]))
    );
    assert_eq!(
        s.where_clause[2].rhs,
        RelationRhs::Term(Term::Tuple(vec![int("3"), int("4")]))
    );

    let s = select("SELECT * FROM t WHERE (a, b) IN ((1, 2), (3, 4))");
    let r = only_relation(&s);
    assert_eq!(r.op, Operator::In);
    assert_eq!(
        r.rhs,
        RelationRhs::InList(vec![
            Term::Tuple(vec![int("1"), int("2")]),
            Term::Tuple(vec![int("3"), int("4")]),
        ])
    );

    let s = select("SELECT * FROM t WHERE (a, b) IN (?, ?)");
    assert_eq!(
        only_relation(&s).rhs,
        RelationRhs::InList(vec![marker(0, None), marker(1, None)])
    );
    let s = select("SELECT * FROM t WHERE (a, b) IN ?");
    assert_eq!(only_relation(&s).rhs, RelationRhs::Term(marker(0, None)));
    let s = select("SELECT * FROM t WHERE (a) = ?");
    assert_eq!(
        only_relation(&s).lhs,
        RelationLhs::Columns(vec!["a".into()])
    );

    let s = select("SELECT * FROM t WHERE token(a, b) > token(?, ?) AND token(a, b) <= 100");
    let r = &s.where_clause[0];
    assert_eq!(r.lhs, RelationLhs::Token(vec!["a".into(), "b".into()]));
    assert_eq!(r.op, Operator::Gt);
    assert_eq!(
        r.rhs,
        RelationRhs::Term(Term::FunctionCall(Box::new(FunctionCall {
            keyspace: None,
            name: "token".into(),
            args: vec![marker(0, None), marker(1, None)],
        })))
    );
    assert_eq!(s.where_clause[1].rhs, RelationRhs::Term(int("100")));
}

#[test]
fn where_map_element_is_not_null_and_parentheses() {
    let s = select("SELECT * FROM t WHERE m['k'] = 'v' AND c IS NOT NULL AND ((d = 1))");
    assert_eq!(
        s.where_clause[0].lhs,
        RelationLhs::Element {
            column: "m".into(),
            key: text("k")
        }
    );
    assert_eq!(s.where_clause[1].op, Operator::IsNot);
    assert_eq!(s.where_clause[1].rhs, RelationRhs::Null);
    assert_eq!(s.where_clause[2].lhs, RelationLhs::Column("d".into()));
}

#[test]
fn limits_accept_integers_and_markers_only() {
    assert_eq!(select("SELECT * FROM t LIMIT 10").limit, Some(int("10")));
    assert_eq!(
        select("SELECT * FROM t LIMIT :l").limit,
        Some(marker(0, Some("l")))
    );
    assert!(parse_statement("SELECT * FROM t LIMIT 'a'").is_err());
    assert!(parse_statement("SELECT * FROM t LIMIT 1.5").is_err());
}

// ----- Terms -----

fn inserted_value(term: &str) -> Term {
    let s = insert(&format!("INSERT INTO t (a) VALUES ({term})"));
    s.values.into_iter().next().unwrap()
}

#[test]
fn literal_terms() {
    let lit = |s: &str| inserted_value(s);
    assert_eq!(lit("'it''s'"), text("it's"));
    assert_eq!(lit("$$a'b$$"), text("a'b"));
    assert_eq!(lit("''"), text(""));
    assert_eq!(lit("42"), int("42"));
    assert_eq!(lit("-42"), int("-42"));
    assert_eq!(
        lit("123456789012345678901234567890"),
        int("123456789012345678901234567890")
    );
    assert_eq!(lit("1.5"), Term::Literal(Literal::Float("1.5".into())));
    assert_eq!(
        lit("-2.5E-3"),
        Term::Literal(Literal::Float("-2.5E-3".into()))
    );
    assert_eq!(lit("NaN"), Term::Literal(Literal::Float("NaN".into())));
    assert_eq!(lit("-NaN"), Term::Literal(Literal::Float("NaN".into())));
    assert_eq!(
        lit("Infinity"),
        Term::Literal(Literal::Float("Infinity".into()))
    );
    assert_eq!(
        lit("-infinity"),
        Term::Literal(Literal::Float("-Infinity".into()))
    );
    assert_eq!(lit("TRUE"), Term::Literal(Literal::Boolean(true)));
    assert_eq!(lit("false"), Term::Literal(Literal::Boolean(false)));
    assert_eq!(lit("null"), Term::Literal(Literal::Null));
    assert_eq!(lit("0xCAFE"), Term::Literal(Literal::Hex("CAFE".into())));
    assert_eq!(lit("0x"), Term::Literal(Literal::Hex("".into())));
    assert_eq!(
        lit("123e4567-e89b-12d3-a456-426614174000"),
        Term::Literal(Literal::Uuid("123e4567-e89b-12d3-a456-426614174000".into()))
    );
    for d in [
        "1h30m",
        "P1DT2H",
        "-5ms",
        "P2W",
        "1y2mo3w4d5h6m7s8ms9us10ns",
    ] {
        assert_eq!(lit(d), Term::Literal(Literal::Duration(d.into())), "{d}");
    }
}

#[test]
fn collection_tuple_and_udt_terms() {
    assert_eq!(
        inserted_value("[1, 2]"),
        Term::List(vec![int("1"), int("2")])
    );
    assert_eq!(inserted_value("[]"), Term::List(vec![]));
    assert_eq!(inserted_value("{}"), Term::Set(vec![]));
    assert_eq!(
        inserted_value("{'a', 'b'}"),
        Term::Set(vec![text("a"), text("b")])
    );
    assert_eq!(
        inserted_value("{'a': 1, 'b': ?}"),
        Term::Map(vec![(text("a"), int("1")), (text("b"), marker(0, None))])
    );
    assert_eq!(
        inserted_value("(1, 'x', null)"),
        Term::Tuple(vec![int("1"), text("x"), Term::Literal(Literal::Null)])
    );
    assert_eq!(inserted_value("(1)"), Term::Tuple(vec![int("1")]));
    assert_eq!(
        inserted_value("{street: 'x', \"Zip\": 1}"),
        Term::UserType(vec![("street".into(), text("x")), ("Zip".into(), int("1"))])
    );
    assert_eq!(
        inserted_value("{1: [{'a': (1, 2)}]}"),
        Term::Map(vec![(
            int("1"),
            Term::List(vec![Term::Map(vec![(
                text("a"),
                Term::Tuple(vec![int("1"), int("2")])
            )])])
        )])
    );
}

#[test]
fn function_call_and_cast_terms() {
    let call = |name: &str, args: Vec<Term>| {
        Term::FunctionCall(Box::new(FunctionCall {
            keyspace: None,
            name: name.into(),
            args,
        }))
    };
    assert_eq!(inserted_value("now()"), call("now", vec![]));
    assert_eq!(inserted_value("uuid()"), call("uuid", vec![]));
    assert_eq!(
        inserted_value("toTimestamp(now())"),
        call("totimestamp", vec![call("now", vec![])])
    );
    assert_eq!(
        inserted_value("currentTimestamp()"),
        call("currenttimestamp", vec![])
    );
    assert_eq!(
        inserted_value("ks.f(1, ?)"),
        Term::FunctionCall(Box::new(FunctionCall {
            keyspace: Some("ks".into()),
            name: "f".into(),
            args: vec![int("1"), marker(0, None)],
        }))
    );
    assert_eq!(
        inserted_value("(int) 5"),
        Term::Cast(Box::new(TypeCast {
            ty: CqlTypeSyntax::Native(NativeType::Int),
            value: int("5")
        }))
    );
    assert_eq!(
        inserted_value("(frozen<list<int>>) [1]"),
        Term::Cast(Box::new(TypeCast {
            ty: CqlTypeSyntax::Frozen(Box::new(CqlTypeSyntax::List(Box::new(
                CqlTypeSyntax::Native(NativeType::Int)
            )))),
            value: Term::List(vec![int("1")])
        }))
    );
    assert_eq!(
        inserted_value("(my_udt) {a: 1}"),
        Term::Cast(Box::new(TypeCast {
            ty: CqlTypeSyntax::UserType(qn(None, "my_udt")),
            value: Term::UserType(vec![("a".into(), int("1"))])
        }))
    );
    assert_eq!(
        inserted_value("CAST(1 AS bigint)"),
        Term::Cast(Box::new(TypeCast {
            ty: CqlTypeSyntax::Native(NativeType::BigInt),
            value: int("1")
        }))
    );
    assert_eq!(
        inserted_value("((int) 1, (text) 'a')"),
        Term::Tuple(vec![
            Term::Cast(Box::new(TypeCast {
                ty: CqlTypeSyntax::Native(NativeType::Int),
                value: int("1")
            })),
            Term::Cast(Box::new(TypeCast {
                ty: CqlTypeSyntax::Native(NativeType::Text),
                value: text("a")
            })),
        ])
    );
}

// ----- Bind markers -----

#[test]
fn positional_markers_are_numbered_in_order() {
    let p = one("SELECT * FROM t WHERE a = ? AND b IN (?, ?) LIMIT ?");
    assert_eq!(p.bind_marker_count(), 4);
    assert_eq!(p.bind_variables, vec![None, None, None, None]);
    let Statement::Select(s) = p.statement else {
        panic!()
    };
    assert_eq!(s.where_clause[0].rhs, RelationRhs::Term(marker(0, None)));
    assert_eq!(
        s.where_clause[1].rhs,
        RelationRhs::InList(vec![marker(1, None), marker(2, None)])
    );
    assert_eq!(s.limit, Some(marker(3, None)));
}

#[test]
fn repeated_named_marker_is_one_variable() {
    let p = one("UPDATE t SET a = :v, b = :W, c = :v, d = :\"Q\" WHERE k = :k AND j = :w");
    assert_eq!(
        p.bind_variables,
        vec![
            Some("v".into()),
            Some("w".into()),
            Some("Q".into()),
            Some("k".into())
        ]
    );
    let Statement::Update(u) = p.statement else {
        panic!()
    };
    assert_eq!(u.assignments[2].op, AssignmentOp::Set(marker(0, Some("v"))));
    assert_eq!(
        u.where_clause[1].rhs,
        RelationRhs::Term(marker(1, Some("w")))
    );
}

#[test]
fn mixed_markers_and_count_per_statement() {
    let ps =
        parse_statements("SELECT * FROM t WHERE a = ? AND b = :n; INSERT INTO t (a) VALUES (?)")
            .unwrap();
    assert_eq!(ps.len(), 2);
    assert_eq!(ps[0].bind_variables, vec![None, Some("n".into())]);
    // Numbering restarts for each statement.
    assert_eq!(ps[1].bind_variables, vec![None]);
    let Statement::Insert(i) = &ps[1].statement else {
        panic!()
    };
    assert_eq!(i.values, vec![marker(0, None)]);
}

// ----- INSERT -----

#[test]
fn insert_forms() {
    let s = insert(
        "INSERT INTO ks.t (k, \"Col\", v) VALUES (1, 'a', ?) IF NOT EXISTS \
         USING TTL 10 AND TIMESTAMP 123 AND TIMEOUT 1s",
    );
    assert_eq!(s.table, qn(Some("ks"), "t"));
    assert_eq!(s.columns, vec!["k", "Col", "v"]);
    assert_eq!(s.values.len(), 3);
    assert!(s.if_not_exists);
    assert_eq!(s.using.ttl, Some(int("10")));
    assert_eq!(s.using.timestamp, Some(int("123")));
    assert_eq!(
        s.using.timeout,
        Some(Term::Literal(Literal::Duration("1s".into())))
    );

    let s = insert("INSERT INTO t (a) VALUES (1) USING TTL ? AND TIMESTAMP ?");
    assert!(!s.if_not_exists);
    assert_eq!(s.using.ttl, Some(marker(0, None)));
    assert_eq!(s.using.timestamp, Some(marker(1, None)));
}

#[test]
fn insert_json_is_unsupported() {
    for src in [
        "INSERT INTO ks.t JSON '{\"a\": 1}'",
        "INSERT INTO ks.t JSON ? DEFAULT UNSET IF NOT EXISTS USING TTL 1",
        "INSERT INTO ks.t JSON :j DEFAULT NULL",
    ] {
        assert_eq!(
            one(src).statement,
            Statement::Unsupported(UnsupportedStatement {
                kind: UnsupportedKind::InsertJson,
                name: Some("ks.t".into())
            }),
            "{src}"
        );
    }
}

// ----- UPDATE -----

#[test]
fn update_assignment_forms() {
    let u = update(
        "UPDATE ks.t USING TTL 5 AND TIMESTAMP ? SET a = 1, l = l + [2], s = s - {3}, \
         l = [0] + l, m['k'] = 'v', l[1] = 7, u.f = 2, c = c + 1, c = c -3, c += 4, c -= 5 \
         WHERE k = 0",
    );
    assert_eq!(u.using.ttl, Some(int("5")));
    assert_eq!(u.using.timestamp, Some(marker(0, None)));
    let ops: Vec<_> = u
        .assignments
        .iter()
        .map(|a| (a.column.as_str(), a.op.clone()))
        .collect();
    assert_eq!(
        ops,
        vec![
            ("a", AssignmentOp::Set(int("1"))),
            ("l", AssignmentOp::Add(Term::List(vec![int("2")]))),
            ("s", AssignmentOp::Subtract(Term::Set(vec![int("3")]))),
            ("l", AssignmentOp::Prepend(Term::List(vec![int("0")]))),
            (
                "m",
                AssignmentOp::SetElement {
                    key: text("k"),
                    value: text("v")
                }
            ),
            (
                "l",
                AssignmentOp::SetElement {
                    key: int("1"),
                    value: int("7")
                }
            ),
            (
                "u",
                AssignmentOp::SetField {
                    field: "f".into(),
                    value: int("2")
                }
            ),
            ("c", AssignmentOp::Add(int("1"))),
            ("c", AssignmentOp::Add(int("-3"))),
            ("c", AssignmentOp::Add(int("4"))),
            ("c", AssignmentOp::Subtract(int("5"))),
        ]
    );
    assert_eq!(u.where_clause.len(), 1);
    assert!(!u.if_exists && u.conditions.is_empty());
}

#[test]
fn update_value_can_be_a_function_call() {
    let u = update("UPDATE t SET ts = toTimestamp(now()), id = uuid() WHERE k = 1");
    assert!(matches!(
        u.assignments[0].op,
        AssignmentOp::Set(Term::FunctionCall(_))
    ));
    assert!(matches!(
        u.assignments[1].op,
        AssignmentOp::Set(Term::FunctionCall(_))
    ));
}

#[test]
fn update_with_another_column_is_an_error() {
    let e = parse_statement("UPDATE t SET a = b + 1 WHERE k = 1").unwrap_err();
    assert_eq!(
        e.message,
        "Only expressions of the form X = X +<value> are supported."
    );
    assert_eq!((e.line, e.column), (1, 17));
    let e = parse_statement("UPDATE t SET a = [1] + b WHERE k = 1").unwrap_err();
    assert_eq!(
        e.message,
        "Only expressions of the form X = <value> + X are supported."
    );
    let e = parse_statement("UPDATE t SET a = b -1 WHERE k = 1").unwrap_err();
    assert_eq!(
        e.message,
        "Only expressions of the form X = X - <value> are supported."
    );
}

#[test]
fn update_conditions() {
    let u = update(
        "UPDATE t SET a = 1 WHERE k = 0 IF a = 2 AND m['x'] = 'y' AND b IN (1, 2) AND c > 3 \
         AND d != null AND u.f = 1 AND e IN ? AND s CONTAINS 5",
    );
    assert!(!u.if_exists);
    let c = &u.conditions;
    assert_eq!(c.len(), 8);
    assert_eq!(c[0].lhs, ConditionLhs::Column("a".into()));
    assert_eq!(c[0].op, Operator::Eq);
    assert_eq!(
        c[1].lhs,
        ConditionLhs::Element {
            column: "m".into(),
            key: text("x")
        }
    );
    assert_eq!(c[2].op, Operator::In);
    assert_eq!(c[2].rhs, RelationRhs::InList(vec![int("1"), int("2")]));
    assert_eq!(c[3].op, Operator::Gt);
    assert_eq!(c[4].op, Operator::Neq);
    assert_eq!(c[4].rhs, RelationRhs::Term(Term::Literal(Literal::Null)));
    assert_eq!(
        c[5].lhs,
        ConditionLhs::Field {
            column: "u".into(),
            field: "f".into()
        }
    );
    assert_eq!(c[6].rhs, RelationRhs::Term(marker(0, None)));
    assert_eq!(c[7].op, Operator::Contains);

    let u = update("UPDATE t SET a = 1 WHERE k = 0 IF EXISTS");
    assert!(u.if_exists);
    assert!(u.conditions.is_empty());

    // `exists` is also a column name.
    let u = update("UPDATE t SET a = 1 WHERE k = 0 IF exists = true");
    assert!(!u.if_exists);
    assert_eq!(u.conditions[0].lhs, ConditionLhs::Column("exists".into()));
}

#[test]
fn counter_update() {
    let u = update("UPDATE ks.counters SET views = views + 1 WHERE page = 'home'");
    assert_eq!(u.assignments[0].op, AssignmentOp::Add(int("1")));
    let u = update("UPDATE ks.counters SET views = views - ? WHERE page = ?");
    assert_eq!(u.assignments[0].op, AssignmentOp::Subtract(marker(0, None)));
}

// ----- DELETE -----

#[test]
fn delete_forms() {
    let d = delete("DELETE FROM ks.t WHERE k = 1");
    assert!(d.targets.is_empty());
    assert_eq!(d.table, qn(Some("ks"), "t"));

    let d = delete(
        "DELETE a, m['k'], l[0], u.f FROM t USING TIMESTAMP 5 AND TIMEOUT 10ms \
         WHERE k IN (1, 2) AND c >= 3 AND c < 9 IF EXISTS",
    );
    assert_eq!(
        d.targets,
        vec![
            DeleteTarget::Column("a".into()),
            DeleteTarget::Element {
                column: "m".into(),
                key: text("k")
            },
            DeleteTarget::Element {
                column: "l".into(),
                key: int("0")
            },
            DeleteTarget::Field {
                column: "u".into(),
                field: "f".into()
            },
        ]
    );
    assert_eq!(d.using.timestamp, Some(int("5")));
    assert!(d.using.timeout.is_some());
    assert_eq!(d.where_clause.len(), 3);
    assert_eq!(d.where_clause[0].op, Operator::In);
    assert!(d.if_exists);

    let d = delete("DELETE FROM t WHERE k = 1 IF a = 1 AND b > 2");
    assert_eq!(d.conditions.len(), 2);

    // TTL is not allowed on DELETE.
    assert!(parse_statement("DELETE FROM t USING TTL 5 WHERE k = 1").is_err());
    // WHERE is mandatory.
    assert!(parse_statement("DELETE FROM t").is_err());
}

// ----- BATCH -----

#[test]
fn batch_forms() {
    let src = "BEGIN BATCH USING TIMESTAMP 1 \
               INSERT INTO t (a, b) VALUES (?, ?); \
               UPDATE t SET b = ? WHERE a = ?\n\
               DELETE FROM t WHERE a = :x; \
               APPLY BATCH;";
    let p = one(src);
    assert_eq!(
        p.bind_variables,
        vec![None, None, None, None, Some("x".into())]
    );
    let Statement::Batch(b) = p.statement else {
        panic!()
    };
    assert_eq!(b.kind, BatchKind::Logged);
    assert_eq!(b.using.timestamp, Some(int("1")));
    assert_eq!(b.statements.len(), 3);
    assert!(matches!(
        b.statements[0].statement,
        ModificationStatement::Insert(_)
    ));
    assert!(matches!(
        b.statements[1].statement,
        ModificationStatement::Update(_)
    ));
    assert!(matches!(
        b.statements[2].statement,
        ModificationStatement::Delete(_)
    ));
    assert_eq!(
        b.statements[0].span.text(src),
        Some("INSERT INTO t (a, b) VALUES (?, ?)")
    );
    assert_eq!(
        b.statements[1].span.text(src),
        Some("UPDATE t SET b = ? WHERE a = ?")
    );
    // Markers are numbered across the whole batch.
    let ModificationStatement::Update(u) = &b.statements[1].statement else {
        panic!()
    };
    assert_eq!(u.assignments[0].op, AssignmentOp::Set(marker(2, None)));

    let Statement::Batch(b) =
        one("BEGIN UNLOGGED BATCH INSERT INTO t (a) VALUES (1) APPLY BATCH").statement
    else {
        panic!()
    };
    assert_eq!(b.kind, BatchKind::Unlogged);
    let Statement::Batch(b) =
        one("begin counter batch update c set n = n + 1 where k = 1 apply batch").statement
    else {
        panic!()
    };
    assert_eq!(b.kind, BatchKind::Counter);
    let Statement::Batch(b) = one("BEGIN BATCH APPLY BATCH").statement else {
        panic!()
    };
    assert!(b.statements.is_empty());

    let Statement::Batch(b) = one("BEGIN BATCH INSERT INTO t JSON '{}' APPLY BATCH").statement
    else {
        panic!()
    };
    assert!(matches!(
        b.statements[0].statement,
        ModificationStatement::Unsupported(UnsupportedStatement {
            kind: UnsupportedKind::InsertJson,
            ..
        })
    ));

    let e = parse_statement("BEGIN BATCH SELECT * FROM t APPLY BATCH").unwrap_err();
    assert!(e.message.contains("expecting K_APPLY"), "{e}");
}

// ----- USE and TRUNCATE -----

#[test]
fn use_and_truncate() {
    assert_eq!(
        one("USE ks").statement,
        Statement::Use(UseStatement {
            keyspace: "ks".into()
        })
    );
    assert_eq!(
        one("use \"MyKs\";").statement,
        Statement::Use(UseStatement {
            keyspace: "MyKs".into()
        })
    );
    for src in [
        "TRUNCATE ks.t",
        "TRUNCATE TABLE ks.t",
        "truncate columnfamily ks.t",
    ] {
        assert_eq!(
            one(src).statement,
            Statement::Truncate(TruncateStatement {
                table: qn(Some("ks"), "t"),
                timeout: None
            }),
            "{src}"
        );
    }
    let Statement::Truncate(t) = one("TRUNCATE t USING TIMEOUT 1m").statement else {
        panic!()
    };
    assert!(t.timeout.is_some());
}

// ----- Multiple statements -----

#[test]
fn statement_lists_and_semicolons() {
    let src = "USE ks; SELECT * FROM t;\n-- comment\nINSERT INTO t (a) VALUES (1);;";
    let ps = parse_statements(src).unwrap();
    assert_eq!(ps.len(), 3);
    assert_eq!(ps[0].span.text(src), Some("USE ks"));
    assert_eq!(ps[1].span.text(src), Some("SELECT * FROM t"));
    assert_eq!(ps[2].span.text(src), Some("INSERT INTO t (a) VALUES (1)"));

    assert_eq!(parse_statements("SELECT * FROM t").unwrap().len(), 1);
    assert_eq!(parse_statements("SELECT * FROM t;").unwrap().len(), 1);
    assert!(parse_statements("").is_err());
    assert!(parse_statements(";").is_err());
    assert!(parse_statements("  -- only a comment").is_err());

    // parse_statement takes exactly one.
    assert!(parse_statement("SELECT * FROM t;").is_ok());
    assert!(parse_statement("SELECT * FROM t;;").is_ok());
    let e = parse_statement("SELECT * FROM t; SELECT * FROM u").unwrap_err();
    assert_eq!(e.message, "mismatched input 'SELECT' expecting EOF");
}

// ----- Case rules -----

#[test]
fn identifier_case_rules() {
    let s = select("SeLeCt MyCol, \"MyCol\", \"my\"\"col\" FrOm MyKs.\"MyTable\" WhErE Key = 1");
    let exprs: Vec<_> = selectors(&s).iter().map(|s| s.expr.clone()).collect();
    assert_eq!(exprs, vec![col("mycol"), col("MyCol"), col("my\"col")]);
    assert_eq!(s.table, qn(Some("myks"), "MyTable"));
    assert_eq!(s.where_clause[0].lhs, RelationLhs::Column("key".into()));

    // A quoted reserved word is an identifier.
    let s = select("SELECT \"select\" FROM \"from\"");
    assert_eq!(selectors(&s)[0].expr, col("select"));
    assert_eq!(s.table, qn(None, "from"));

    // Function names are lower-cased unless quoted.
    let s = select("SELECT NOW(), \"NOW\"() FROM t");
    assert!(
        matches!(&selectors(&s)[0].expr, SelectorExpr::FunctionCall { name, .. } if name == "now")
    );
    assert!(
        matches!(&selectors(&s)[1].expr, SelectorExpr::FunctionCall { name, .. } if name == "NOW")
    );
}

#[test]
fn reserved_words_are_not_identifiers() {
    for word in [
        "select", "from", "where", "table", "token", "null", "set", "in", "limit",
    ] {
        let src = format!("SELECT a FROM t WHERE {word} = 1");
        assert!(parse_statement(&src).is_err(), "{src}");
        let src = format!("SELECT a FROM t WHERE \"{word}\" = 1");
        assert!(parse_statement(&src).is_ok(), "{src}");
    }
}

#[test]
fn comments_are_ignored() {
    let s = select(
        "/* leading */ SELECT a -- trailing\n, b // other\n FROM /* inline */ t WHERE a = 1 -- end",
    );
    assert_eq!(selectors(&s).len(), 2);
}
