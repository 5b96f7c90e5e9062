//! SELECT, INSERT, UPDATE, DELETE, BATCH, USE and TRUNCATE.

use super::{PResult, Parser, furthest, is_ident_token};
use crate::cql::ast::{
    Assignment, AssignmentOp, BatchChild, BatchKind, BatchStatement, DeleteStatement,
    InsertStatement, Literal, ModificationStatement, Ordering, SelectStatement, Selection,
    Statement, Term, TruncateStatement, UnsupportedKind, UnsupportedStatement, UpdateStatement,
    UseStatement, UsingAttributes,
};
use crate::cql::keywords::Keyword;
use crate::cql::lexer::TokenKind;

impl From<ModificationStatement> for Statement {
    fn from(m: ModificationStatement) -> Self {
        match m {
            ModificationStatement::Insert(s) => Statement::Insert(Box::new(s)),
            ModificationStatement::Update(s) => Statement::Update(Box::new(s)),
            ModificationStatement::Delete(s) => Statement::Delete(Box::new(s)),
            ModificationStatement::Unsupported(s) => Statement::Unsupported(s),
        }
    }
}

impl Parser<'_> {
    /// `USE ks`
    pub(super) fn use_statement(&mut self) -> PResult<Statement> {
        self.expect_kw(Keyword::Use)?;
        let keyspace = self.keyspace_name()?;
        Ok(Statement::Use(UseStatement { keyspace }))
    }

    /// `TRUNCATE [TABLE] t [USING TIMEOUT d]`
    pub(super) fn truncate_statement(&mut self) -> PResult<Statement> {
        self.expect_kw(Keyword::Truncate)?;
        self.eat_kw(Keyword::Table);
        let table = self.table_name()?;
        let timeout = if self.eat_kw(Keyword::Using) {
            self.expect_kw(Keyword::Timeout)?;
            Some(self.term()?)
        } else {
            None
        };
        Ok(Statement::Truncate(TruncateStatement { table, timeout }))
    }

    /// The selection of a SELECT, after an optional `DISTINCT`; checks FROM follows.
    ///
    /// `distinct` is also a valid column name, so `DISTINCT` is a modifier only when what
    /// follows it parses as a selection ending at FROM.
    fn distinct_and_selection(&mut self) -> PResult<(bool, Selection)> {
        let mut modifier_error = None;
        if self.at_kw(Keyword::Distinct) {
            let attempt = self.attempt(|p| {
                p.bump();
                let selection = p.select_clause()?;
                if p.at_kw(Keyword::From) {
                    Ok(selection)
                } else {
                    Err(p.mismatched("K_FROM"))
                }
            });
            match attempt {
                Ok(selection) => return Ok((true, selection)),
                Err(e) => modifier_error = Some(e),
            }
        }
        let selection = match self.select_clause() {
            Ok(selection) => selection,
            Err(e) => return Err(furthest(e, modifier_error)),
        };
        if !self.at_kw(Keyword::From) {
            return Err(furthest(self.mismatched("K_FROM"), modifier_error));
        }
        Ok((false, selection))
    }

    /// `SELECT [JSON] [DISTINCT] selection FROM t ...`
    pub(super) fn select_statement(&mut self) -> PResult<Statement> {
        self.expect_kw(Keyword::Select)?;
        // `json` is also a valid column name: JSON is a modifier only when a selection
        // ending at FROM follows it.
        let mut json = false;
        let mut json_error = None;
        let mut head = None;
        if self.at_kw(Keyword::Json) {
            match self.attempt(|p| {
                p.bump();
                p.distinct_and_selection()
            }) {
                Ok(h) => {
                    json = true;
                    head = Some(h);
                }
                Err(e) => json_error = Some(e),
            }
        }
        let (distinct, selection) = match head {
            Some(h) => h,
            None => self
                .distinct_and_selection()
                .map_err(|e| furthest(e, json_error))?,
        };
        self.expect_kw(Keyword::From)?;
        let table = self.table_name()?;
        let where_clause = if self.eat_kw(Keyword::Where) {
            self.where_clause()?
        } else {
            Vec::new()
        };
        let mut group_by = Vec::new();
        if self.at_kw(Keyword::Group) {
            self.bump();
            self.expect_kw(Keyword::By)?;
            group_by = self.ident_list()?;
        }
        let mut order_by = Vec::new();
        if self.eat_kw(Keyword::Order) {
            self.expect_kw(Keyword::By)?;
            loop {
                let column = self.ident()?;
                let descending = if self.eat_kw(Keyword::Desc) {
                    true
                } else {
                    self.eat_kw(Keyword::Asc);
                    false
                };
                order_by.push(Ordering { column, descending });
                if !self.eat(TokenKind::Comma) {
                    break;
                }
            }
        }
        let per_partition_limit = if self.eat_kw(Keyword::Per) {
            self.expect_kw(Keyword::Partition)?;
            self.expect_kw(Keyword::Limit)?;
            Some(self.int_value()?)
        } else {
            None
        };
        let limit = if self.eat_kw(Keyword::Limit) {
            Some(self.int_value()?)
        } else {
            None
        };
        let allow_filtering = self.eat_kw(Keyword::Allow);
        if allow_filtering {
            self.expect_kw(Keyword::Filtering)?;
        }
        let bypass_cache = self.eat_kw(Keyword::Bypass);
        if bypass_cache {
            self.expect_kw(Keyword::Cache)?;
        }
        let timeout = if self.eat_kw(Keyword::Using) {
            self.expect_kw(Keyword::Timeout)?;
            Some(self.term()?)
        } else {
            None
        };
        if json {
            return Ok(Statement::Unsupported(UnsupportedStatement {
                kind: UnsupportedKind::SelectJson,
                name: Some(table.to_string()),
            }));
        }
        Ok(Statement::Select(Box::new(SelectStatement {
            table,
            distinct,
            selection,
            where_clause,
            group_by,
            order_by,
            per_partition_limit,
            limit,
            allow_filtering,
            bypass_cache,
            timeout,
        })))
    }

    /// `USING TIMESTAMP t AND TTL n AND TIMEOUT d` (TTL only when `allow_ttl`).
    fn using_clause(&mut self, allow_ttl: bool) -> PResult<UsingAttributes> {
        self.expect_kw(Keyword::Using)?;
        let mut attrs = UsingAttributes::default();
        loop {
            if self.eat_kw(Keyword::Timestamp) {
                attrs.timestamp = Some(self.int_value()?);
            } else if allow_ttl && self.eat_kw(Keyword::Ttl) {
                attrs.ttl = Some(self.int_value()?);
            } else if self.eat_kw(Keyword::Timeout) {
                attrs.timeout = Some(self.term()?);
            } else {
                return Err(self.no_viable());
            }
            if !self.eat_kw(Keyword::And) {
                return Ok(attrs);
            }
        }
    }

    fn optional_using(&mut self, allow_ttl: bool) -> PResult<UsingAttributes> {
        if self.at_kw(Keyword::Using) {
            self.using_clause(allow_ttl)
        } else {
            Ok(UsingAttributes::default())
        }
    }

    /// `INSERT INTO t (cols) VALUES (values) ...` or `INSERT INTO t JSON ...`
    pub(super) fn insert_statement(&mut self) -> PResult<ModificationStatement> {
        self.expect_kw(Keyword::Insert)?;
        self.expect_kw(Keyword::Into)?;
        let table = self.table_name()?;
        if self.eat_kw(Keyword::Json) {
            if self.at(TokenKind::String) {
                self.bump();
            } else {
                self.marker()?;
            }
            if self.eat_kw(Keyword::Default) && !self.eat_kw(Keyword::Unset) {
                self.expect_kw(Keyword::Null)?;
            }
            self.if_not_exists()?;
            self.optional_using(true)?;
            return Ok(ModificationStatement::Unsupported(UnsupportedStatement {
                kind: UnsupportedKind::InsertJson,
                name: Some(table.to_string()),
            }));
        }
        self.expect(TokenKind::LParen)?;
        let columns = self.ident_list()?;
        self.expect(TokenKind::RParen)?;
        self.expect_kw(Keyword::Values)?;
        self.expect(TokenKind::LParen)?;
        let mut values = vec![self.term()?];
        while self.eat(TokenKind::Comma) {
            values.push(self.term()?);
        }
        self.expect(TokenKind::RParen)?;
        let if_not_exists = self.if_not_exists()?;
        let using = self.optional_using(true)?;
        Ok(ModificationStatement::Insert(InsertStatement {
            table,
            columns,
            values,
            if_not_exists,
            using,
        }))
    }

    /// `UPDATE t [USING ...] SET ... WHERE ... [IF ...]`
    pub(super) fn update_statement(&mut self) -> PResult<ModificationStatement> {
        self.expect_kw(Keyword::Update)?;
        let table = self.table_name()?;
        let using = self.optional_using(true)?;
        self.expect_kw(Keyword::Set)?;
        let mut assignments = vec![self.assignment()?];
        while self.eat(TokenKind::Comma) {
            assignments.push(self.assignment()?);
        }
        self.expect_kw(Keyword::Where)?;
        let where_clause = self.where_clause()?;
        let (if_exists, conditions) = self.if_clause()?;
        Ok(ModificationStatement::Update(UpdateStatement {
            table,
            using,
            assignments,
            where_clause,
            if_exists,
            conditions,
        }))
    }

    fn assignment(&mut self) -> PResult<Assignment> {
        let start = self.peek().start;
        let column = self.ident()?;
        let op = match self.peek().kind {
            TokenKind::Eq => {
                self.bump();
                self.assignment_value(&column)?
            }
            TokenKind::PlusEq => {
                self.bump();
                AssignmentOp::Add(self.term()?)
            }
            TokenKind::MinusEq => {
                self.bump();
                AssignmentOp::Subtract(self.term()?)
            }
            TokenKind::LBracket => {
                self.bump();
                let key = self.term()?;
                self.expect(TokenKind::RBracket)?;
                self.expect(TokenKind::Eq)?;
                let value = self.term()?;
                AssignmentOp::SetElement { key, value }
            }
            TokenKind::Dot => {
                self.bump();
                let field = self.ident()?;
                self.expect(TokenKind::Eq)?;
                let value = self.term()?;
                AssignmentOp::SetField { field, value }
            }
            _ => return Err(self.no_viable()),
        };
        Ok(Assignment {
            column,
            op,
            span: self.span_from(start),
        })
    }

    /// What follows `c =`: `v`, `c + v`, `c - v`, `c -3` or `v + c`.
    fn assignment_value(&mut self, key: &str) -> PResult<AssignmentOp> {
        let column_first = is_ident_token(self.peek())
            && !self.at_function_call()
            && !(self.at_kw(Keyword::Cast) && self.nth(1).kind == TokenKind::LParen);
        if column_first {
            let column_idx = self.pos;
            let column = self.ident()?;
            let form_error = |p: &Self, form: &str| {
                p.error_at(
                    column_idx,
                    format!("Only expressions of the form X = {form} are supported."),
                )
            };
            return match self.peek().kind {
                TokenKind::Plus => {
                    self.bump();
                    if column != key {
                        return Err(form_error(self, "X +<value>"));
                    }
                    Ok(AssignmentOp::Add(self.term()?))
                }
                TokenKind::Minus => {
                    self.bump();
                    if column != key {
                        return Err(form_error(self, "X -<value>"));
                    }
                    Ok(AssignmentOp::Subtract(self.term()?))
                }
                TokenKind::Integer => {
                    let t = self.bump();
                    let text = self.text(t);
                    if column != key {
                        let sign = if text.starts_with('-') { '-' } else { '+' };
                        return Err(form_error(self, &format!("X {sign} <value>")));
                    }
                    Ok(AssignmentOp::Add(Term::Literal(Literal::Integer(
                        text.to_owned(),
                    ))))
                }
                _ => Err(self.no_viable()),
            };
        }
        let value = self.term()?;
        if self.eat(TokenKind::Plus) {
            let column_idx = self.pos;
            let column = self.ident()?;
            if column != key {
                return Err(self.error_at(
                    column_idx,
                    "Only expressions of the form X = <value> + X are supported.".to_owned(),
                ));
            }
            return Ok(AssignmentOp::Prepend(value));
        }
        Ok(AssignmentOp::Set(value))
    }

    /// `DELETE [targets] FROM t [USING ...] WHERE ... [IF ...]`
    pub(super) fn delete_statement(&mut self) -> PResult<ModificationStatement> {
        self.expect_kw(Keyword::Delete)?;
        let mut targets = Vec::new();
        if !self.at_kw(Keyword::From) {
            loop {
                targets.push(self.column_part()?);
                if !self.eat(TokenKind::Comma) {
                    break;
                }
            }
        }
        self.expect_kw(Keyword::From)?;
        let table = self.table_name()?;
        let using = self.optional_using(false)?;
        self.expect_kw(Keyword::Where)?;
        let where_clause = self.where_clause()?;
        let (if_exists, conditions) = self.if_clause()?;
        Ok(ModificationStatement::Delete(DeleteStatement {
            table,
            targets,
            using,
            where_clause,
            if_exists,
            conditions,
        }))
    }

    /// `BEGIN [UNLOGGED | COUNTER] BATCH [USING ...] statements APPLY BATCH`
    pub(super) fn batch_statement(&mut self) -> PResult<Statement> {
        self.expect_kw(Keyword::Begin)?;
        let kind = if self.eat_kw(Keyword::Unlogged) {
            BatchKind::Unlogged
        } else if self.eat_kw(Keyword::Counter) {
            BatchKind::Counter
        } else {
            BatchKind::Logged
        };
        self.expect_kw(Keyword::Batch)?;
        let using = self.optional_using(true)?;
        let mut statements = Vec::new();
        loop {
            let start = self.peek().start;
            let statement = match self.keyword() {
                Some(Keyword::Insert) => self.insert_statement()?,
                Some(Keyword::Update) => self.update_statement()?,
                Some(Keyword::Delete) => self.delete_statement()?,
                _ => break,
            };
            statements.push(BatchChild {
                statement,
                span: self.span_from(start),
            });
            self.eat(TokenKind::Semicolon);
        }
        self.expect_kw(Keyword::Apply)?;
        self.expect_kw(Keyword::Batch)?;
        Ok(Statement::Batch(Box::new(BatchStatement {
            kind,
            using,
            statements,
        })))
    }
}
