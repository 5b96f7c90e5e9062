//! Terms, types, selectors, relations and conditions.

use super::{PResult, Parser, is_function_name_token, is_ident_token, keyword_of};
use crate::cql::ast::{
    BindMarker, ColumnPart, Condition, CqlTypeSyntax, FunctionCall, Literal, NativeType, Operator,
    QualifiedName, Relation, RelationLhs, RelationRhs, Selection, Selector, SelectorExpr, Term,
    TypeCast,
};
use crate::cql::keywords::Keyword;
use crate::cql::lexer::{TokenKind, string_value};

/// Names that cannot be given to a user-defined type (they are, or may become, native types).
const RESERVED_TYPE_NAMES: &[&str] = &[
    "byte",
    "smallint",
    "complex",
    "enum",
    "date",
    "interval",
    "macaddr",
    "bitstring",
    "empty",
];

const EXPRESSION: &str = "expression";

impl Parser<'_> {
    // ----- Constants and markers -----

    /// A constant at the current position, consumed; `None` (nothing consumed) otherwise.
    /// `NULL` is not included.
    pub(super) fn constant(&mut self) -> Option<Literal> {
        let t = self.peek();
        let text = self.text(t);
        let literal = match t.kind {
            TokenKind::String => Literal::String(string_value(text)),
            TokenKind::Integer => Literal::Integer(text.to_owned()),
            TokenKind::Float => Literal::Float(text.to_owned()),
            TokenKind::Boolean => Literal::Boolean(text.eq_ignore_ascii_case("true")),
            TokenKind::Duration => Literal::Duration(text.to_owned()),
            TokenKind::Uuid => Literal::Uuid(text.to_owned()),
            TokenKind::Hex => Literal::Hex(text.get(2..).unwrap_or("").to_owned()),
            TokenKind::Ident => match t.keyword {
                Some(Keyword::NaN) => Literal::Float("NaN".to_owned()),
                Some(Keyword::Infinity) => Literal::Float("Infinity".to_owned()),
                _ => return None,
            },
            TokenKind::Minus => match keyword_of(self.nth(1)) {
                Some(Keyword::NaN) => {
                    self.bump();
                    Literal::Float("NaN".to_owned())
                }
                Some(Keyword::Infinity) => {
                    self.bump();
                    Literal::Float("-Infinity".to_owned())
                }
                _ => return None,
            },
            _ => return None,
        };
        self.bump();
        Some(literal)
    }

    pub(super) fn at_marker(&self) -> bool {
        matches!(self.peek().kind, TokenKind::QMark | TokenKind::Colon)
    }

    /// `?` or `:name`.
    pub(super) fn marker(&mut self) -> PResult<BindMarker> {
        if self.eat(TokenKind::QMark) {
            Ok(self.new_bind_marker(None))
        } else if self.eat(TokenKind::Colon) {
            let name = self.ident()?;
            Ok(self.new_bind_marker(Some(name)))
        } else {
            Err(self.no_viable())
        }
    }

    /// An integer literal or a bind marker (LIMIT, TTL, TIMESTAMP).
    pub(super) fn int_value(&mut self) -> PResult<Term> {
        if self.at(TokenKind::Integer) {
            let t = self.bump();
            Ok(Term::Literal(Literal::Integer(self.text(t).to_owned())))
        } else if self.at_marker() {
            Ok(Term::BindMarker(self.marker()?))
        } else {
            Err(self.no_viable())
        }
    }

    // ----- Terms -----

    /// Whether a function call starts here: `f(` or `ks.f(`.
    pub(super) fn at_function_call(&self) -> bool {
        (is_function_name_token(self.peek()) && self.nth(1).kind == TokenKind::LParen)
            || (is_ident_token(self.peek())
                && self.nth(1).kind == TokenKind::Dot
                && is_function_name_token(self.nth(2))
                && self.nth(3).kind == TokenKind::LParen)
    }

    /// `f` or `ks.f` (a function name).
    pub(super) fn function_name(&mut self) -> PResult<(Option<String>, String)> {
        let keyspace = if is_ident_token(self.peek()) && self.nth(1).kind == TokenKind::Dot {
            let ks = self.keyspace_name()?;
            self.bump();
            Some(ks)
        } else {
            None
        };
        if is_function_name_token(self.peek()) {
            let t = self.bump();
            Ok((keyspace, self.ident_value(t)))
        } else {
            Err(self.no_viable())
        }
    }

    fn at_cast_call(&self) -> bool {
        self.at_kw(Keyword::Cast) && self.nth(1).kind == TokenKind::LParen
    }

    /// Whether a term can start at the current token.
    fn at_term_start(&self) -> bool {
        use TokenKind::*;
        let t = self.peek();
        match t.kind {
            String | Integer | Float | Boolean | Duration | Uuid | Hex | QMark | Colon
            | LBracket | LBrace | LParen => true,
            Minus => matches!(
                keyword_of(self.nth(1)),
                Some(Keyword::NaN | Keyword::Infinity)
            ),
            Ident | QuotedName => {
                matches!(
                    keyword_of(t),
                    Some(Keyword::Null | Keyword::NaN | Keyword::Infinity)
                ) || self.at_function_call()
                    || self.at_cast_call()
            }
            _ => false,
        }
    }

    /// A term (value expression).
    pub(super) fn term(&mut self) -> PResult<Term> {
        self.nested(EXPRESSION, Self::term_inner)
    }

    fn term_inner(&mut self) -> PResult<Term> {
        if let Some(literal) = self.constant() {
            return Ok(Term::Literal(literal));
        }
        match self.peek().kind {
            TokenKind::QMark | TokenKind::Colon => Ok(Term::BindMarker(self.marker()?)),
            TokenKind::LBracket => {
                self.bump();
                Ok(Term::List(self.terms_until(TokenKind::RBracket)?))
            }
            TokenKind::LBrace => self.brace_literal(),
            TokenKind::LParen => self.paren_term(),
            TokenKind::Ident | TokenKind::QuotedName => {
                if self.eat_kw(Keyword::Null) {
                    Ok(Term::Literal(Literal::Null))
                } else if self.at_cast_call() {
                    self.bump();
                    self.bump();
                    let value = self.term()?;
                    self.expect_kw(Keyword::As)?;
                    let ty = CqlTypeSyntax::Native(self.native_type()?);
                    self.expect(TokenKind::RParen)?;
                    Ok(Term::Cast(Box::new(TypeCast { ty, value })))
                } else if self.at_function_call() {
                    let (keyspace, name) = self.function_name()?;
                    self.expect(TokenKind::LParen)?;
                    let args = self.terms_until(TokenKind::RParen)?;
                    Ok(Term::FunctionCall(Box::new(FunctionCall {
                        keyspace,
                        name,
                        args,
                    })))
                } else {
                    Err(self.no_viable())
                }
            }
            _ => Err(self.no_viable()),
        }
    }

    /// `t1, t2, ... close` (possibly empty) after an opening bracket.
    fn terms_until(&mut self, close: TokenKind) -> PResult<Vec<Term>> {
        let mut out = Vec::new();
        if self.eat(close) {
            return Ok(out);
        }
        out.push(self.term()?);
        while self.eat(TokenKind::Comma) {
            out.push(self.term()?);
        }
        self.expect(close)?;
        Ok(out)
    }

    /// `{}`, `{a, b}`, `{k: v}` or `{field: v}`.
    fn brace_literal(&mut self) -> PResult<Term> {
        self.expect(TokenKind::LBrace)?;
        if self.eat(TokenKind::RBrace) {
            return Ok(Term::Set(Vec::new()));
        }
        if is_ident_token(self.peek()) && self.nth(1).kind == TokenKind::Colon {
            let mut fields = Vec::new();
            loop {
                let field = self.ident()?;
                self.expect(TokenKind::Colon)?;
                fields.push((field, self.term()?));
                if !self.eat(TokenKind::Comma) {
                    break;
                }
            }
            self.expect(TokenKind::RBrace)?;
            return Ok(Term::UserType(fields));
        }
        let first = self.term()?;
        if self.eat(TokenKind::Colon) {
            let mut entries = vec![(first, self.term()?)];
            while self.eat(TokenKind::Comma) {
                let key = self.term()?;
                self.expect(TokenKind::Colon)?;
                entries.push((key, self.term()?));
            }
            self.expect(TokenKind::RBrace)?;
            Ok(Term::Map(entries))
        } else {
            let mut items = vec![first];
            while self.eat(TokenKind::Comma) {
                items.push(self.term()?);
            }
            self.expect(TokenKind::RBrace)?;
            Ok(Term::Set(items))
        }
    }

    /// `(type) value` or a tuple literal `(a, b, ...)`.
    fn paren_term(&mut self) -> PResult<Term> {
        let cast_type = self.attempt(|p| {
            p.expect(TokenKind::LParen)?;
            let ty = p.comparator_type()?;
            p.expect(TokenKind::RParen)?;
            if p.at_term_start() {
                Ok(ty)
            } else {
                Err(p.no_viable())
            }
        });
        if let Ok(ty) = cast_type {
            let value = self.term()?;
            return Ok(Term::Cast(Box::new(TypeCast { ty, value })));
        }
        self.tuple_literal()
    }

    /// `(a, b, ...)`
    pub(super) fn tuple_literal(&mut self) -> PResult<Term> {
        self.expect(TokenKind::LParen)?;
        let mut items = vec![self.term()?];
        while self.eat(TokenKind::Comma) {
            items.push(self.term()?);
        }
        self.expect(TokenKind::RParen)?;
        Ok(Term::Tuple(items))
    }

    // ----- Types -----

    /// A native type name.
    pub(super) fn native_type(&mut self) -> PResult<NativeType> {
        match self.keyword().and_then(Keyword::native_type) {
            Some(n) => {
                self.bump();
                Ok(n)
            }
            None => Err(self.no_viable()),
        }
    }

    /// A type: native, collection, tuple, vector, frozen or user-defined.
    pub(super) fn comparator_type(&mut self) -> PResult<CqlTypeSyntax> {
        self.nested("type", Self::comparator_type_inner)
    }

    fn comparator_type_inner(&mut self) -> PResult<CqlTypeSyntax> {
        let kw = self.keyword();
        let generic = self.nth(1).kind == TokenKind::Lt;
        if let Some(native) = kw.and_then(Keyword::native_type)
            && self.nth(1).kind != TokenKind::Dot
        {
            self.bump();
            return Ok(CqlTypeSyntax::Native(native));
        }
        match kw {
            Some(Keyword::Map) if generic => {
                self.bump();
                self.bump();
                let key = self.comparator_type()?;
                self.expect(TokenKind::Comma)?;
                let value = self.comparator_type()?;
                self.expect(TokenKind::Gt)?;
                Ok(CqlTypeSyntax::Map(Box::new(key), Box::new(value)))
            }
            Some(Keyword::List) if generic => {
                let inner = self.single_type_parameter()?;
                Ok(CqlTypeSyntax::List(Box::new(inner)))
            }
            Some(Keyword::Set) => {
                let inner = self.single_type_parameter()?;
                Ok(CqlTypeSyntax::Set(Box::new(inner)))
            }
            Some(Keyword::Frozen) if generic => {
                let inner = self.single_type_parameter()?;
                Ok(CqlTypeSyntax::Frozen(Box::new(inner)))
            }
            Some(Keyword::Tuple) if generic => {
                self.bump();
                self.bump();
                let mut items = vec![self.comparator_type()?];
                while self.eat(TokenKind::Comma) {
                    items.push(self.comparator_type()?);
                }
                self.expect(TokenKind::Gt)?;
                Ok(CqlTypeSyntax::Tuple(items))
            }
            Some(Keyword::Vector) if generic => {
                self.bump();
                self.bump();
                let element = self.comparator_type()?;
                self.expect(TokenKind::Comma)?;
                let dim_idx = self.pos;
                let dim = self.expect(TokenKind::Integer)?;
                let text = self.text(dim);
                let dimension = if text.starts_with('-') {
                    return Err(self.error_at(
                        dim_idx,
                        "Vectors must have a dimension greater than 0".to_owned(),
                    ));
                } else {
                    text.parse::<u32>().map_err(|_| {
                        self.error_at(dim_idx, format!("Invalid vector dimension: {text}"))
                    })?
                };
                self.expect(TokenKind::Gt)?;
                Ok(CqlTypeSyntax::Vector(Box::new(element), dimension))
            }
            _ => Ok(CqlTypeSyntax::UserType(self.user_type_name()?)),
        }
    }

    /// `kw < type >`, returning the type.
    fn single_type_parameter(&mut self) -> PResult<CqlTypeSyntax> {
        self.bump();
        self.expect(TokenKind::Lt)?;
        let inner = self.comparator_type()?;
        self.expect(TokenKind::Gt)?;
        Ok(inner)
    }

    /// `[ks.]name` of a user-defined type; the name cannot be a native type name.
    pub(super) fn user_type_name(&mut self) -> PResult<QualifiedName> {
        let keyspace = if self.nth(1).kind == TokenKind::Dot {
            let ks = self.keyspace_name()?;
            self.bump();
            Some(ks)
        } else {
            None
        };
        let t = self.peek();
        let allowed = match t.kind {
            TokenKind::QuotedName => true,
            TokenKind::Ident => match t.keyword {
                None => true,
                Some(Keyword::Ttl | Keyword::Count | Keyword::Writetime | Keyword::Cast) => false,
                Some(k) => !k.is_reserved() && !k.is_native_type(),
            },
            _ => false,
        };
        if !allowed {
            return Err(self.no_viable());
        }
        let name = self.ident_value(t);
        if t.kind == TokenKind::Ident && RESERVED_TYPE_NAMES.contains(&name.as_str()) {
            return Err(self.error_here(format!("Invalid (reserved) user type name {name}")));
        }
        self.bump();
        Ok(QualifiedName { keyspace, name })
    }

    // ----- Selectors -----

    /// `*` or `selector, selector, ...`
    pub(super) fn select_clause(&mut self) -> PResult<Selection> {
        if self.eat(TokenKind::Star) {
            return Ok(Selection::Wildcard);
        }
        let mut selectors = vec![self.selector()?];
        while self.eat(TokenKind::Comma) {
            selectors.push(self.selector()?);
        }
        Ok(Selection::Selectors(selectors))
    }

    fn selector(&mut self) -> PResult<Selector> {
        let start = self.peek().start;
        let expr = self.unaliased_selector()?;
        let span = self.span_from(start);
        let alias = if self.eat_kw(Keyword::As) {
            Some(self.ident()?)
        } else {
            None
        };
        Ok(Selector { expr, alias, span })
    }

    pub(super) fn unaliased_selector(&mut self) -> PResult<SelectorExpr> {
        self.nested(EXPRESSION, Self::unaliased_selector_inner)
    }

    fn unaliased_selector_inner(&mut self) -> PResult<SelectorExpr> {
        let mut expr = self.selector_base()?;
        let mut chain = 0;
        loop {
            if self.at(TokenKind::Dot) {
                self.bump();
                let field = self.ident()?;
                expr = SelectorExpr::Field {
                    expr: Box::new(expr),
                    field,
                };
            } else if self.eat(TokenKind::LBracket) {
                let key = self.term()?;
                self.expect(TokenKind::RBracket)?;
                expr = SelectorExpr::Subscript {
                    expr: Box::new(expr),
                    key,
                };
            } else {
                return Ok(expr);
            }
            chain += 1;
            if self.depth + chain > super::MAX_NESTING {
                return Err(self.error_here(format!(
                    "{EXPRESSION} nested too deeply (more than {} levels)",
                    super::MAX_NESTING
                )));
            }
        }
    }

    fn selector_base(&mut self) -> PResult<SelectorExpr> {
        let kw = self.keyword();
        let call = self.nth(1).kind == TokenKind::LParen;
        if kw == Some(Keyword::Count)
            && call
            && self.nth(2).kind == TokenKind::Star
            && self.nth(3).kind == TokenKind::RParen
        {
            for _ in 0..4 {
                self.bump();
            }
            return Ok(SelectorExpr::CountRows);
        }
        if matches!(kw, Some(Keyword::Writetime | Keyword::Ttl)) && call {
            self.bump();
            self.bump();
            let target = Box::new(self.column_path()?);
            self.expect(TokenKind::RParen)?;
            return Ok(if kw == Some(Keyword::Ttl) {
                SelectorExpr::Ttl(target)
            } else {
                SelectorExpr::WriteTime(target)
            });
        }
        if self.at_cast_call() {
            self.bump();
            self.bump();
            let expr = Box::new(self.unaliased_selector()?);
            self.expect_kw(Keyword::As)?;
            let ty = self.native_type()?;
            self.expect(TokenKind::RParen)?;
            return Ok(SelectorExpr::Cast { expr, ty });
        }
        if self.at_function_call() {
            let (keyspace, name) = self.function_name()?;
            self.expect(TokenKind::LParen)?;
            let mut args = Vec::new();
            if !self.eat(TokenKind::RParen) {
                args.push(self.unaliased_selector()?);
                while self.eat(TokenKind::Comma) {
                    args.push(self.unaliased_selector()?);
                }
                self.expect(TokenKind::RParen)?;
            }
            return Ok(SelectorExpr::FunctionCall {
                keyspace,
                name,
                args,
            });
        }
        if is_ident_token(self.peek()) {
            return Ok(SelectorExpr::Column(self.ident()?));
        }
        Ok(SelectorExpr::Term(self.term()?))
    }

    /// `c`, `c[key]` or `c.field` (the argument of `writetime`/`ttl`).
    fn column_path(&mut self) -> PResult<SelectorExpr> {
        let column = SelectorExpr::Column(self.ident()?);
        if self.eat(TokenKind::LBracket) {
            let key = self.term()?;
            self.expect(TokenKind::RBracket)?;
            Ok(SelectorExpr::Subscript {
                expr: Box::new(column),
                key,
            })
        } else if self.eat(TokenKind::Dot) {
            let field = self.ident()?;
            Ok(SelectorExpr::Field {
                expr: Box::new(column),
                field,
            })
        } else {
            Ok(column)
        }
    }

    // ----- Relations -----

    /// `relation AND relation ...`
    pub(super) fn where_clause(&mut self) -> PResult<Vec<Relation>> {
        let mut out = vec![self.relation()?];
        while self.eat_kw(Keyword::And) {
            out.push(self.relation()?);
        }
        Ok(out)
    }

    /// `=`, `<`, `<=`, `>`, `>=`, `!=` or `LIKE`.
    fn relation_type(&mut self) -> PResult<Operator> {
        let op = match self.peek().kind {
            TokenKind::Eq => Operator::Eq,
            TokenKind::Lt => Operator::Lt,
            TokenKind::Lte => Operator::Lte,
            TokenKind::Gt => Operator::Gt,
            TokenKind::Gte => Operator::Gte,
            TokenKind::Neq => Operator::Neq,
            _ if self.at_kw(Keyword::Like) => Operator::Like,
            _ => return Err(self.no_viable()),
        };
        self.bump();
        Ok(op)
    }

    /// `IN` or `NOT IN`, if present.
    fn in_operator(&mut self) -> PResult<Option<Operator>> {
        if self.eat_kw(Keyword::In) {
            Ok(Some(Operator::In))
        } else if self.at_kw(Keyword::Not) && self.nth_is_kw(1, Keyword::In) {
            self.bump();
            self.bump();
            Ok(Some(Operator::NotIn))
        } else {
            Ok(None)
        }
    }

    /// The values of a single-column IN: `?`, `:name`, or `(t1, t2, ...)`.
    fn in_values(&mut self) -> PResult<RelationRhs> {
        if self.at_marker() {
            Ok(RelationRhs::Term(Term::BindMarker(self.marker()?)))
        } else if self.eat(TokenKind::LParen) {
            Ok(RelationRhs::InList(self.terms_until(TokenKind::RParen)?))
        } else {
            Err(self.no_viable())
        }
    }

    /// The values of a multi-column IN: `?`, `()`, `((1, 2), (3, 4))` or `(?, ?)`.
    fn multi_column_in_values(&mut self) -> PResult<RelationRhs> {
        if self.at_marker() {
            return Ok(RelationRhs::Term(Term::BindMarker(self.marker()?)));
        }
        self.expect(TokenKind::LParen)?;
        let mut items = Vec::new();
        if self.eat(TokenKind::RParen) {
            return Ok(RelationRhs::InList(items));
        }
        loop {
            if self.at(TokenKind::LParen) {
                items.push(self.tuple_literal()?);
            } else if self.at_marker() {
                items.push(Term::BindMarker(self.marker()?));
            } else {
                return Err(self.no_viable());
            }
            if !self.eat(TokenKind::Comma) {
                break;
            }
        }
        self.expect(TokenKind::RParen)?;
        Ok(RelationRhs::InList(items))
    }

    /// `(a, b, ...)`
    fn tuple_of_identifiers(&mut self) -> PResult<Vec<String>> {
        self.expect(TokenKind::LParen)?;
        let ids = self.ident_list()?;
        self.expect(TokenKind::RParen)?;
        Ok(ids)
    }

    fn relation(&mut self) -> PResult<Relation> {
        self.nested(EXPRESSION, Self::relation_inner)
    }

    fn relation_inner(&mut self) -> PResult<Relation> {
        let start = self.peek().start;
        if self.at_kw(Keyword::Token) && self.nth(1).kind == TokenKind::LParen {
            self.bump();
            let columns = self.tuple_of_identifiers()?;
            let op = self.relation_type()?;
            let value = self.term()?;
            return Ok(Relation {
                lhs: RelationLhs::Token(columns),
                op,
                rhs: RelationRhs::Term(value),
                span: self.span_from(start),
            });
        }
        if self.at(TokenKind::LParen) {
            let tuple = is_ident_token(self.nth(1))
                && matches!(self.nth(2).kind, TokenKind::Comma | TokenKind::RParen);
            if !tuple {
                self.bump();
                let mut inner = self.relation()?;
                self.expect(TokenKind::RParen)?;
                inner.span = self.span_from(start);
                return Ok(inner);
            }
            let columns = self.tuple_of_identifiers()?;
            let (op, rhs) = if let Some(op) = self.in_operator()? {
                (op, self.multi_column_in_values()?)
            } else {
                let op = self.relation_type()?;
                let value = if self.at(TokenKind::LParen) {
                    self.tuple_literal()?
                } else if self.at_marker() {
                    Term::BindMarker(self.marker()?)
                } else {
                    return Err(self.no_viable());
                };
                (op, RelationRhs::Term(value))
            };
            return Ok(Relation {
                lhs: RelationLhs::Columns(columns),
                op,
                rhs,
                span: self.span_from(start),
            });
        }
        if !is_ident_token(self.peek()) {
            return Err(self.no_viable());
        }
        let column = self.ident()?;
        let (lhs, op, rhs) = if self.eat(TokenKind::LBracket) {
            let key = self.term()?;
            self.expect(TokenKind::RBracket)?;
            let op = self.relation_type()?;
            let value = self.term()?;
            (
                RelationLhs::Element { column, key },
                op,
                RelationRhs::Term(value),
            )
        } else if self.eat_kw(Keyword::Is) {
            self.expect_kw(Keyword::Not)?;
            self.expect_kw(Keyword::Null)?;
            (
                RelationLhs::Column(column),
                Operator::IsNot,
                RelationRhs::Null,
            )
        } else if let Some(op) = self.in_operator()? {
            (RelationLhs::Column(column), op, self.in_values()?)
        } else if self.eat_kw(Keyword::Contains) {
            let op = if self.eat_kw(Keyword::Key) {
                Operator::ContainsKey
            } else {
                Operator::Contains
            };
            let value = self.term()?;
            (RelationLhs::Column(column), op, RelationRhs::Term(value))
        } else {
            let op = self.relation_type()?;
            let value = self.term()?;
            (RelationLhs::Column(column), op, RelationRhs::Term(value))
        };
        Ok(Relation {
            lhs,
            op,
            rhs,
            span: self.span_from(start),
        })
    }

    // ----- Conditions -----

    /// `IF EXISTS` or `IF condition AND ...`, if present: (if_exists, conditions).
    pub(super) fn if_clause(&mut self) -> PResult<(bool, Vec<Condition>)> {
        if !self.eat_kw(Keyword::If) {
            return Ok((false, Vec::new()));
        }
        // `exists` is also a valid column name: `IF exists = 1` is a condition.
        let next = self.nth(1);
        let condition_follows = matches!(
            next.kind,
            TokenKind::Eq
                | TokenKind::Neq
                | TokenKind::Lt
                | TokenKind::Lte
                | TokenKind::Gt
                | TokenKind::Gte
                | TokenKind::LBracket
                | TokenKind::Dot
        ) || matches!(
            keyword_of(next),
            Some(Keyword::In | Keyword::Not | Keyword::Contains | Keyword::Like)
        );
        if self.at_kw(Keyword::Exists) && !condition_follows {
            self.bump();
            return Ok((true, Vec::new()));
        }
        let mut conditions = vec![self.condition()?];
        while self.eat_kw(Keyword::And) {
            conditions.push(self.condition()?);
        }
        Ok((false, conditions))
    }

    /// `c`, `c[key]` or `c.field` (a condition's left-hand side, a DELETE target).
    pub(super) fn column_part(&mut self) -> PResult<ColumnPart> {
        let column = self.ident()?;
        Ok(if self.eat(TokenKind::LBracket) {
            let key = self.term()?;
            self.expect(TokenKind::RBracket)?;
            ColumnPart::Element { column, key }
        } else if self.eat(TokenKind::Dot) {
            let field = self.ident()?;
            ColumnPart::Field { column, field }
        } else {
            ColumnPart::Column(column)
        })
    }

    fn condition(&mut self) -> PResult<Condition> {
        let start = self.peek().start;
        let lhs = self.column_part()?;
        let (op, rhs) = if let Some(op) = self.in_operator()? {
            (op, self.in_values()?)
        } else if self.eat_kw(Keyword::Contains) {
            let op = if self.eat_kw(Keyword::Key) {
                Operator::ContainsKey
            } else {
                Operator::Contains
            };
            (op, RelationRhs::Term(self.term()?))
        } else {
            let op = self.relation_type()?;
            (op, RelationRhs::Term(self.term()?))
        };
        Ok(Condition {
            lhs,
            op,
            rhs,
            span: self.span_from(start),
        })
    }
}
