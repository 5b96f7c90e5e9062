//! Keyspaces, tables and user-defined types; `WITH` options.

use std::collections::HashSet;

use super::{PResult, Parser, is_ident_token};
use crate::cql::ast::{
    AlterKeyspaceStatement, AlterTableAction, AlterTableStatement, AlterTypeAction,
    AlterTypeStatement, ClusteringOrder, ColumnDefinition, CreateKeyspaceStatement,
    CreateTableStatement, CreateTypeStatement, DropKeyspaceStatement, DropTableStatement,
    DropTypeStatement, FieldDefinition, Literal, PrimaryKey, Property, PropertyValue, Statement,
    UnsupportedKind,
};
use crate::cql::keywords::Keyword;
use crate::cql::lexer::TokenKind;

const DDL_BIND_HINT: &str = "(bind variables are not supported in DDL queries)";

/// The options of a `WITH` clause of CREATE TABLE / CREATE MATERIALIZED VIEW.
#[derive(Default)]
pub(super) struct TableOptions {
    pub(super) properties: Vec<Property>,
    pub(super) clustering_order: Vec<ClusteringOrder>,
    pub(super) compact_storage: bool,
}

impl Parser<'_> {
    /// `CREATE ...`
    pub(super) fn create_statement(&mut self) -> PResult<Statement> {
        use Keyword::*;
        let next = self.nth(1);
        let kw = super::keyword_of(next);
        match kw {
            Some(Keyspace | Schema) => self.create_keyspace(),
            Some(Table) => self.create_table(),
            Some(Type) => self.create_type(),
            Some(Custom | Index) => self.create_index(),
            Some(Materialized) => self.create_view(),
            Some(Or | Function | Aggregate) => self.create_function_or_aggregate(),
            Some(User) => self.create_account(
                Self::user_name,
                Self::user_options,
                UnsupportedKind::CreateUser,
            ),
            Some(Role) => self.create_account(
                Self::role_name,
                Self::role_options,
                UnsupportedKind::CreateRole,
            ),
            Some(Trigger) => self.create_trigger(),
            Some(ServiceLevel | Service) => self.create_service_level(),
            _ => {
                self.bump();
                Err(self.no_viable())
            }
        }
    }

    /// `ALTER ...`
    pub(super) fn alter_statement(&mut self) -> PResult<Statement> {
        use Keyword::*;
        match super::keyword_of(self.nth(1)) {
            Some(Keyspace | Schema) => self.alter_keyspace(),
            Some(Table) => self.alter_table(),
            Some(Type) => self.alter_type(),
            Some(Materialized) => self.alter_view(),
            Some(User) => self.alter_account(
                Self::user_name,
                Self::user_options,
                UnsupportedKind::AlterUser,
            ),
            Some(Role) => self.alter_account(
                Self::role_name,
                Self::role_options,
                UnsupportedKind::AlterRole,
            ),
            Some(ServiceLevel | Service) => self.alter_service_level(),
            _ => {
                self.bump();
                Err(self.no_viable())
            }
        }
    }

    /// `DROP ...`
    pub(super) fn drop_statement(&mut self) -> PResult<Statement> {
        use Keyword::*;
        match super::keyword_of(self.nth(1)) {
            Some(Keyspace | Schema) => {
                self.bump();
                self.bump();
                let if_exists = self.if_exists()?;
                let keyspace = self.keyspace_name()?;
                Ok(Statement::DropKeyspace(DropKeyspaceStatement {
                    keyspace,
                    if_exists,
                }))
            }
            Some(Table) => {
                self.bump();
                self.bump();
                let if_exists = self.if_exists()?;
                let table = self.table_name()?;
                Ok(Statement::DropTable(DropTableStatement {
                    table,
                    if_exists,
                }))
            }
            Some(Type) => {
                self.bump();
                self.bump();
                let if_exists = self.if_exists()?;
                let name = self.user_type_name()?;
                Ok(Statement::DropType(DropTypeStatement { name, if_exists }))
            }
            Some(Index) => self.drop_index(),
            Some(Materialized) => self.drop_view(),
            Some(Function | Aggregate) => self.drop_function_or_aggregate(),
            Some(User) => self.drop_account(Self::user_name, UnsupportedKind::DropUser),
            Some(Role) => self.drop_account(Self::role_name, UnsupportedKind::DropRole),
            Some(Trigger) => self.drop_trigger(),
            Some(ServiceLevel | Service) => self.drop_service_level(),
            _ => {
                self.bump();
                Err(self.no_viable())
            }
        }
    }

    // ----- Options -----

    /// `name = value AND name = value ...`
    pub(super) fn properties(&mut self) -> PResult<Vec<Property>> {
        let mut out = Vec::new();
        let mut seen = HashSet::new();
        loop {
            self.property_into(&mut out, &mut seen)?;
            if !self.eat_kw(Keyword::And) {
                return Ok(out);
            }
        }
    }

    /// One `name = value`, added to `out` (an error if `name` is already in `seen`).
    fn property_into(
        &mut self,
        out: &mut Vec<Property>,
        seen: &mut HashSet<String>,
    ) -> PResult<()> {
        let start = self.peek().start;
        let name_idx = self.pos;
        let name = self.ident()?;
        self.expect(TokenKind::Eq)?;
        let value = self.property_value(&name)?;
        if !seen.insert(name.clone()) {
            return Err(self.error_at(name_idx, format!("Multiple definition for property {name}")));
        }
        out.push(Property {
            name,
            value,
            span: self.span_from(start),
        });
        Ok(())
    }

    pub(super) fn property_value(&mut self, name: &str) -> PResult<PropertyValue> {
        if self.at(TokenKind::LBrace) {
            return self.property_map();
        }
        if let Some(literal) = self.constant() {
            return Ok(PropertyValue::Constant(literal));
        }
        if self.eat_kw(Keyword::Null) {
            return Ok(PropertyValue::Constant(Literal::Null));
        }
        let t = self.peek();
        if is_ident_token(t) && t.kind == TokenKind::Ident && t.keyword.is_some() {
            self.bump();
            return Ok(PropertyValue::Word(self.text(t).to_owned()));
        }
        if self.at_marker() {
            let shown = self.token_display(t);
            return Err(self.error_here(format!(
                "Invalid property value: {shown} for property: {name} {DDL_BIND_HINT}"
            )));
        }
        Err(self.no_viable())
    }

    /// `{'k': v, ...}` with constant keys and constant or map values.
    fn property_map(&mut self) -> PResult<PropertyValue> {
        self.nested("map", |p| {
            p.expect(TokenKind::LBrace)?;
            let mut entries: Vec<(String, PropertyValue)> = Vec::new();
            let mut seen = HashSet::new();
            if p.eat(TokenKind::RBrace) {
                return Ok(PropertyValue::Map(entries));
            }
            loop {
                let key_idx = p.pos;
                let key = match p.constant() {
                    Some(literal) => literal.raw_text(),
                    None if p.at_marker() => {
                        let shown = p.token_display(p.peek());
                        return Err(p.error_here(format!(
                            "Invalid property name: {shown} {DDL_BIND_HINT}"
                        )));
                    }
                    None => return Err(p.no_viable()),
                };
                p.expect(TokenKind::Colon)?;
                let value = if p.at(TokenKind::LBrace) {
                    p.property_map()?
                } else if let Some(literal) = p.constant() {
                    PropertyValue::Constant(literal)
                } else if p.eat_kw(Keyword::Null) {
                    PropertyValue::Constant(Literal::Null)
                } else if p.at_marker() {
                    let shown = p.token_display(p.peek());
                    return Err(p.error_here(format!(
                        "Invalid property value: {shown} for property: {key} {DDL_BIND_HINT}"
                    )));
                } else {
                    return Err(p.no_viable());
                };
                if !seen.insert(key.clone()) {
                    return Err(
                        p.error_at(key_idx, format!("Multiple definition for property {key}"))
                    );
                }
                entries.push((key, value));
                if !p.eat(TokenKind::Comma) {
                    break;
                }
            }
            p.expect(TokenKind::RBrace)?;
            Ok(PropertyValue::Map(entries))
        })
    }

    /// The options of a table or view: `name = value`, `CLUSTERING ORDER BY (...)`,
    /// `COMPACT STORAGE`, joined by AND.
    pub(super) fn table_options(&mut self) -> PResult<TableOptions> {
        let mut options = TableOptions::default();
        let mut seen = HashSet::new();
        loop {
            if self.at_kw(Keyword::Compact) && self.nth_is_kw(1, Keyword::Storage) {
                self.bump();
                self.bump();
                options.compact_storage = true;
            } else if self.at_kw(Keyword::Clustering) && self.nth_is_kw(1, Keyword::Order) {
                self.bump();
                self.bump();
                self.expect_kw(Keyword::By)?;
                self.expect(TokenKind::LParen)?;
                loop {
                    let column = self.ident()?;
                    let descending = if self.eat_kw(Keyword::Desc) {
                        true
                    } else if self.eat_kw(Keyword::Asc) {
                        false
                    } else {
                        return Err(self.no_viable());
                    };
                    options
                        .clustering_order
                        .push(ClusteringOrder { column, descending });
                    if !self.eat(TokenKind::Comma) {
                        break;
                    }
                }
                self.expect(TokenKind::RParen)?;
            } else {
                self.property_into(&mut options.properties, &mut seen)?;
            }
            if !self.eat_kw(Keyword::And) {
                return Ok(options);
            }
        }
    }

    // ----- Keyspaces -----

    fn create_keyspace(&mut self) -> PResult<Statement> {
        self.bump();
        self.bump();
        let if_not_exists = self.if_not_exists()?;
        let keyspace = self.keyspace_name()?;
        let properties = if self.eat_kw(Keyword::With) {
            self.properties()?
        } else {
            Vec::new()
        };
        Ok(Statement::CreateKeyspace(CreateKeyspaceStatement {
            keyspace,
            if_not_exists,
            properties,
        }))
    }

    fn alter_keyspace(&mut self) -> PResult<Statement> {
        self.bump();
        self.bump();
        let keyspace = self.keyspace_name()?;
        self.expect_kw(Keyword::With)?;
        let properties = self.properties()?;
        Ok(Statement::AlterKeyspace(AlterKeyspaceStatement {
            keyspace,
            properties,
        }))
    }

    // ----- Tables -----

    fn create_table(&mut self) -> PResult<Statement> {
        self.bump();
        self.bump();
        let if_not_exists = self.if_not_exists()?;
        let table = self.table_name()?;
        self.expect(TokenKind::LParen)?;
        let mut columns = Vec::new();
        let mut primary_keys = Vec::new();
        self.table_element(&mut columns, &mut primary_keys)?;
        while self.eat(TokenKind::Comma) {
            if !self.at(TokenKind::Comma) && !self.at(TokenKind::RParen) {
                self.table_element(&mut columns, &mut primary_keys)?;
            }
        }
        self.expect(TokenKind::RParen)?;
        let options = if self.eat_kw(Keyword::With) {
            self.table_options()?
        } else {
            TableOptions::default()
        };
        Ok(Statement::CreateTable(Box::new(CreateTableStatement {
            table,
            if_not_exists,
            columns,
            primary_keys,
            properties: options.properties,
            clustering_order: options.clustering_order,
            compact_storage: options.compact_storage,
        })))
    }

    /// A column definition or a `PRIMARY KEY (...)` clause of CREATE TABLE.
    fn table_element(
        &mut self,
        columns: &mut Vec<ColumnDefinition>,
        primary_keys: &mut Vec<PrimaryKey>,
    ) -> PResult<()> {
        let start = self.peek().start;
        if self.eat_kw(Keyword::Primary) {
            self.expect_kw(Keyword::Key)?;
            let (partition_key, clustering_columns) = self.primary_key_columns()?;
            primary_keys.push(PrimaryKey {
                partition_key,
                clustering_columns,
                span: self.span_from(start),
            });
            return Ok(());
        }
        let definition = self.column_definition()?;
        if self.at_kw(Keyword::Primary) {
            let pk_start = self.peek().start;
            self.bump();
            self.expect_kw(Keyword::Key)?;
            primary_keys.push(PrimaryKey {
                partition_key: vec![definition.name.clone()],
                clustering_columns: Vec::new(),
                span: self.span_from(pk_start),
            });
        }
        columns.push(definition);
        Ok(())
    }

    /// `((a, b), c, d)` or `(a, c, d)`: (partition key, clustering columns).
    pub(super) fn primary_key_columns(&mut self) -> PResult<(Vec<String>, Vec<String>)> {
        self.expect(TokenKind::LParen)?;
        let partition_key = if self.eat(TokenKind::LParen) {
            let columns = self.ident_list()?;
            self.expect(TokenKind::RParen)?;
            columns
        } else {
            vec![self.ident()?]
        };
        let mut clustering_columns = Vec::new();
        while self.eat(TokenKind::Comma) {
            clustering_columns.push(self.ident()?);
        }
        self.expect(TokenKind::RParen)?;
        Ok((partition_key, clustering_columns))
    }

    /// `name type [STATIC]`
    fn column_definition(&mut self) -> PResult<ColumnDefinition> {
        let start = self.peek().start;
        let name = self.ident()?;
        let ty = self.comparator_type()?;
        let is_static = self.eat_kw(Keyword::Static);
        Ok(ColumnDefinition {
            name,
            ty,
            is_static,
            span: self.span_from(start),
        })
    }

    /// `a TO b [AND c TO d ...]`
    fn renames(&mut self) -> PResult<Vec<(String, String)>> {
        let mut out = Vec::new();
        loop {
            let from = self.ident()?;
            self.expect_kw(Keyword::To)?;
            let to = self.ident()?;
            out.push((from, to));
            if !self.eat_kw(Keyword::And) {
                return Ok(out);
            }
        }
    }

    fn alter_table(&mut self) -> PResult<Statement> {
        self.bump();
        self.bump();
        let table = self.table_name()?;
        let action = match self.keyword() {
            Some(Keyword::Alter) => {
                self.bump();
                let column = self.ident()?;
                self.expect_kw(Keyword::Type)?;
                let ty = self.comparator_type()?;
                AlterTableAction::AlterColumnType { column, ty }
            }
            Some(Keyword::Add) => {
                self.bump();
                let mut definitions = Vec::new();
                if self.eat(TokenKind::LParen) {
                    definitions.push(self.column_definition()?);
                    while self.eat(TokenKind::Comma) {
                        definitions.push(self.column_definition()?);
                    }
                    self.expect(TokenKind::RParen)?;
                } else {
                    // Also accepted without parentheses: `ADD a int, b text`.
                    definitions.push(self.column_definition()?);
                    while self.eat(TokenKind::Comma) {
                        definitions.push(self.column_definition()?);
                    }
                }
                AlterTableAction::Add(definitions)
            }
            Some(Keyword::Drop) => {
                self.bump();
                let columns = if self.eat(TokenKind::LParen) {
                    let columns = self.ident_list()?;
                    self.expect(TokenKind::RParen)?;
                    columns
                } else {
                    vec![self.ident()?]
                };
                let timestamp = if self.eat_kw(Keyword::Using) {
                    self.expect_kw(Keyword::Timestamp)?;
                    Some(self.int_value()?)
                } else {
                    None
                };
                AlterTableAction::Drop { columns, timestamp }
            }
            Some(Keyword::With) => {
                self.bump();
                AlterTableAction::WithProperties(self.properties()?)
            }
            Some(Keyword::Rename) => {
                self.bump();
                AlterTableAction::Rename(self.renames()?)
            }
            _ => return Err(self.no_viable()),
        };
        Ok(Statement::AlterTable(Box::new(AlterTableStatement {
            table,
            action,
        })))
    }

    // ----- User-defined types -----

    fn create_type(&mut self) -> PResult<Statement> {
        self.bump();
        self.bump();
        let if_not_exists = self.if_not_exists()?;
        let name = self.user_type_name()?;
        self.expect(TokenKind::LParen)?;
        let mut fields = vec![self.field_definition()?];
        while self.eat(TokenKind::Comma) {
            if !self.at(TokenKind::Comma) && !self.at(TokenKind::RParen) {
                fields.push(self.field_definition()?);
            }
        }
        self.expect(TokenKind::RParen)?;
        Ok(Statement::CreateType(CreateTypeStatement {
            name,
            if_not_exists,
            fields,
        }))
    }

    fn field_definition(&mut self) -> PResult<FieldDefinition> {
        let name = self.ident()?;
        let ty = self.comparator_type()?;
        Ok(FieldDefinition { name, ty })
    }

    fn alter_type(&mut self) -> PResult<Statement> {
        self.bump();
        self.bump();
        let name = self.user_type_name()?;
        let action = match self.keyword() {
            Some(Keyword::Alter) => {
                self.bump();
                let field = self.ident()?;
                self.expect_kw(Keyword::Type)?;
                let ty = self.comparator_type()?;
                AlterTypeAction::AlterFieldType { field, ty }
            }
            Some(Keyword::Add) => {
                self.bump();
                AlterTypeAction::Add(self.field_definition()?)
            }
            Some(Keyword::Rename) => {
                self.bump();
                AlterTypeAction::Rename(self.renames()?)
            }
            _ => return Err(self.no_viable()),
        };
        Ok(Statement::AlterType(AlterTypeStatement { name, action }))
    }
}
