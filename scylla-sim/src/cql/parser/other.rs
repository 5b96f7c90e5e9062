//! DESCRIBE, and the statements parsed only to be reported as not supported: indexes,
//! materialized views, functions, aggregates, triggers, users, roles, permissions and
//! service levels.

use super::{PResult, Parser, is_ident_token, keyword_of};
use crate::cql::ast::{
    DescribeStatement, DescribeTarget, QualifiedName, Statement, UnsupportedKind,
    UnsupportedStatement,
};
use crate::cql::keywords::Keyword;
use crate::cql::lexer::{TokenKind, quoted_name_value, string_value};

fn unsupported(kind: UnsupportedKind, name: Option<String>) -> Statement {
    Statement::Unsupported(UnsupportedStatement { kind, name })
}

/// Keywords that name a permission in GRANT / REVOKE / LIST.
fn is_permission(kw: Option<Keyword>) -> bool {
    use Keyword::*;
    matches!(
        kw,
        Some(Create | Alter | Drop | Select | Modify | Authorize | Describe | Execute)
    )
}

impl Parser<'_> {
    // ----- DESCRIBE -----

    /// `DESCRIBE | DESC target [WITH INTERNALS [AND PASSWORDS]]`
    pub(super) fn describe_statement(&mut self) -> PResult<Statement> {
        use Keyword::*;
        self.bump();
        let target = match self.keyword() {
            Some(Cluster) => {
                self.bump();
                DescribeTarget::Cluster
            }
            Some(Full) => {
                self.bump();
                self.expect_kw(Schema)?;
                DescribeTarget::Schema { full: true }
            }
            Some(Schema) => {
                self.bump();
                DescribeTarget::Schema { full: false }
            }
            Some(Keyspaces) => {
                self.bump();
                DescribeTarget::Keyspaces
            }
            Some(Only) if self.nth_is_kw(1, Keyspace) => {
                self.bump();
                self.describe_keyspace(true)?
            }
            Some(Keyspace) => self.describe_keyspace(false)?,
            Some(Tables) => {
                self.bump();
                DescribeTarget::Tables
            }
            Some(Table) => {
                self.bump();
                DescribeTarget::Table(self.table_name()?)
            }
            Some(Index) => {
                self.bump();
                DescribeTarget::Index(self.qualified_name("index")?)
            }
            Some(Materialized) => {
                self.bump();
                self.expect_kw(View)?;
                DescribeTarget::MaterializedView(self.table_name()?)
            }
            Some(Types) => {
                self.bump();
                DescribeTarget::Types
            }
            Some(Type) => {
                self.bump();
                DescribeTarget::Type(self.user_type_name()?)
            }
            Some(Functions) => {
                self.bump();
                DescribeTarget::Functions
            }
            Some(Function) => {
                self.bump();
                DescribeTarget::Function(self.qualified_function_name()?)
            }
            Some(Aggregates) => {
                self.bump();
                DescribeTarget::Aggregates
            }
            Some(Aggregate) => {
                self.bump();
                DescribeTarget::Aggregate(self.qualified_function_name()?)
            }
            _ => DescribeTarget::Generic(self.qualified_name("table")?),
        };
        let mut with_internals = false;
        if self.eat_kw(With) {
            self.expect_kw(Internals)?;
            with_internals = true;
            if self.eat_kw(And) {
                self.expect_kw(Passwords)?;
            }
        }
        Ok(Statement::Describe(DescribeStatement {
            target,
            with_internals,
        }))
    }

    fn describe_keyspace(&mut self, only: bool) -> PResult<DescribeTarget> {
        self.expect_kw(Keyword::Keyspace)?;
        let name = if is_ident_token(self.peek()) || self.at(TokenKind::QMark) {
            Some(self.keyspace_name()?)
        } else {
            None
        };
        Ok(DescribeTarget::Keyspace { name, only })
    }

    fn qualified_function_name(&mut self) -> PResult<QualifiedName> {
        let (keyspace, name) = self.function_name()?;
        Ok(QualifiedName { keyspace, name })
    }

    // ----- Indexes -----

    /// `CREATE [CUSTOM] INDEX [IF NOT EXISTS] [name] ON t (targets) [USING 'class'] [WITH ...]`
    pub(super) fn create_index(&mut self) -> PResult<Statement> {
        self.bump();
        self.eat_kw(Keyword::Custom);
        self.expect_kw(Keyword::Index)?;
        self.if_not_exists()?;
        let name = if self.at_kw(Keyword::On) {
            None
        } else {
            Some(self.name_part("index")?)
        };
        self.expect_kw(Keyword::On)?;
        let table = self.table_name()?;
        self.expect(TokenKind::LParen)?;
        if !self.at(TokenKind::RParen) {
            self.index_target()?;
            while self.eat(TokenKind::Comma) {
                self.index_target()?;
            }
        }
        self.expect(TokenKind::RParen)?;
        if self.eat_kw(Keyword::Using) {
            self.expect(TokenKind::String)?;
        }
        if self.eat_kw(Keyword::With) {
            self.table_options()?;
        }
        Ok(unsupported(
            UnsupportedKind::CreateIndex,
            Some(name.unwrap_or_else(|| table.to_string())),
        ))
    }

    fn index_target(&mut self) -> PResult<()> {
        use Keyword::*;
        let wrapped = matches!(self.keyword(), Some(Values | Keys | Entries | Full))
            && self.nth(1).kind == TokenKind::LParen;
        if wrapped {
            self.bump();
            self.bump();
            self.ident()?;
            self.expect(TokenKind::RParen)?;
        } else if self.eat(TokenKind::LParen) {
            self.ident_list()?;
            self.expect(TokenKind::RParen)?;
        } else {
            self.ident()?;
        }
        Ok(())
    }

    pub(super) fn drop_index(&mut self) -> PResult<Statement> {
        self.bump();
        self.bump();
        self.if_exists()?;
        let name = self.qualified_name("index")?;
        Ok(unsupported(
            UnsupportedKind::DropIndex,
            Some(name.to_string()),
        ))
    }

    // ----- Materialized views -----

    /// `CREATE MATERIALIZED VIEW [IF NOT EXISTS] v AS SELECT ... FROM t [WHERE ...]
    /// PRIMARY KEY (...) [WITH ...]`
    pub(super) fn create_view(&mut self) -> PResult<Statement> {
        self.bump();
        self.bump();
        self.expect_kw(Keyword::View)?;
        self.if_not_exists()?;
        let name = self.table_name()?;
        self.expect_kw(Keyword::As)?;
        self.expect_kw(Keyword::Select)?;
        self.select_clause()?;
        self.expect_kw(Keyword::From)?;
        self.table_name()?;
        if self.eat_kw(Keyword::Where) {
            self.where_clause()?;
        }
        self.expect_kw(Keyword::Primary)?;
        self.expect_kw(Keyword::Key)?;
        self.primary_key_columns()?;
        if self.eat_kw(Keyword::With) {
            self.table_options()?;
        }
        Ok(unsupported(
            UnsupportedKind::CreateMaterializedView,
            Some(name.to_string()),
        ))
    }

    /// `ALTER MATERIALIZED VIEW v WITH ...`
    pub(super) fn alter_view(&mut self) -> PResult<Statement> {
        self.bump();
        self.bump();
        self.expect_kw(Keyword::View)?;
        let name = self.table_name()?;
        self.expect_kw(Keyword::With)?;
        self.properties()?;
        Ok(unsupported(
            UnsupportedKind::AlterMaterializedView,
            Some(name.to_string()),
        ))
    }

    /// `DROP MATERIALIZED VIEW [IF EXISTS] v`
    pub(super) fn drop_view(&mut self) -> PResult<Statement> {
        self.bump();
        self.bump();
        self.expect_kw(Keyword::View)?;
        self.if_exists()?;
        let name = self.table_name()?;
        Ok(unsupported(
            UnsupportedKind::DropMaterializedView,
            Some(name.to_string()),
        ))
    }

    /// `PRUNE MATERIALIZED VIEW v [WHERE ...] [USING TIMEOUT d AND CONCURRENCY n]`
    pub(super) fn prune_statement(&mut self) -> PResult<Statement> {
        self.bump();
        self.expect_kw(Keyword::Materialized)?;
        self.expect_kw(Keyword::View)?;
        let name = self.table_name()?;
        if self.eat_kw(Keyword::Where) {
            self.where_clause()?;
        }
        if self.eat_kw(Keyword::Using) {
            loop {
                let is_concurrency = self.peek().kind == TokenKind::Ident
                    && self.text(self.peek()).eq_ignore_ascii_case("concurrency");
                if !self.eat_kw(Keyword::Timeout) {
                    if !is_concurrency {
                        return Err(self.no_viable());
                    }
                    self.bump();
                }
                self.term()?;
                if !self.eat_kw(Keyword::And) {
                    break;
                }
            }
        }
        Ok(unsupported(
            UnsupportedKind::PruneMaterializedView,
            Some(name.to_string()),
        ))
    }

    // ----- Functions, aggregates, triggers -----

    /// `( type, type, ... )`, possibly empty.
    fn type_list(&mut self) -> PResult<()> {
        self.expect(TokenKind::LParen)?;
        if !self.eat(TokenKind::RParen) {
            self.comparator_type()?;
            while self.eat(TokenKind::Comma) {
                self.comparator_type()?;
            }
            self.expect(TokenKind::RParen)?;
        }
        Ok(())
    }

    /// `CREATE [OR REPLACE] FUNCTION ...` or `CREATE [OR REPLACE] AGGREGATE ...`
    pub(super) fn create_function_or_aggregate(&mut self) -> PResult<Statement> {
        self.bump();
        if self.eat_kw(Keyword::Or) {
            self.expect_kw(Keyword::Replace)?;
        }
        if self.eat_kw(Keyword::Aggregate) {
            return self.create_aggregate_rest();
        }
        self.expect_kw(Keyword::Function)?;
        self.if_not_exists()?;
        let name = self.qualified_function_name()?;
        self.expect(TokenKind::LParen)?;
        if !self.eat(TokenKind::RParen) {
            loop {
                self.ident()?;
                self.comparator_type()?;
                if !self.eat(TokenKind::Comma) {
                    break;
                }
            }
            self.expect(TokenKind::RParen)?;
        }
        if self.eat_kw(Keyword::Returns) {
            self.expect_kw(Keyword::Null)?;
        } else {
            self.expect_kw(Keyword::Called)?;
        }
        self.expect_kw(Keyword::On)?;
        self.expect_kw(Keyword::Null)?;
        self.expect_kw(Keyword::Input)?;
        self.expect_kw(Keyword::Returns)?;
        self.comparator_type()?;
        self.expect_kw(Keyword::Language)?;
        self.expect(TokenKind::Ident)?;
        self.expect_kw(Keyword::As)?;
        self.expect(TokenKind::String)?;
        Ok(unsupported(
            UnsupportedKind::CreateFunction,
            Some(name.to_string()),
        ))
    }

    /// The rest of `CREATE AGGREGATE` after the keyword.
    fn create_aggregate_rest(&mut self) -> PResult<Statement> {
        self.if_not_exists()?;
        let name = self.qualified_function_name()?;
        self.type_list()?;
        self.expect_kw(Keyword::Sfunc)?;
        self.function_name()?;
        self.expect_kw(Keyword::Stype)?;
        self.comparator_type()?;
        if self.eat_kw(Keyword::Reducefunc) {
            self.function_name()?;
        }
        if self.eat_kw(Keyword::Finalfunc) {
            self.function_name()?;
        }
        if self.eat_kw(Keyword::Initcond) {
            self.term()?;
        }
        Ok(unsupported(
            UnsupportedKind::CreateAggregate,
            Some(name.to_string()),
        ))
    }

    /// `DROP FUNCTION|AGGREGATE [IF EXISTS] name [(types)]`
    pub(super) fn drop_function_or_aggregate(&mut self) -> PResult<Statement> {
        self.bump();
        let kind = if self.eat_kw(Keyword::Aggregate) {
            UnsupportedKind::DropAggregate
        } else {
            self.expect_kw(Keyword::Function)?;
            UnsupportedKind::DropFunction
        };
        self.if_exists()?;
        let name = self.qualified_function_name()?;
        if self.at(TokenKind::LParen) {
            self.type_list()?;
        }
        Ok(unsupported(kind, Some(name.to_string())))
    }

    /// `CREATE TRIGGER [IF NOT EXISTS] name ON t USING 'class'`
    pub(super) fn create_trigger(&mut self) -> PResult<Statement> {
        self.bump();
        self.bump();
        self.if_not_exists()?;
        let name = self.ident()?;
        self.expect_kw(Keyword::On)?;
        self.table_name()?;
        self.expect_kw(Keyword::Using)?;
        self.expect(TokenKind::String)?;
        Ok(unsupported(UnsupportedKind::CreateTrigger, Some(name)))
    }

    /// `DROP TRIGGER [IF EXISTS] name ON t`
    pub(super) fn drop_trigger(&mut self) -> PResult<Statement> {
        self.bump();
        self.bump();
        self.if_exists()?;
        let name = self.ident()?;
        self.expect_kw(Keyword::On)?;
        self.table_name()?;
        Ok(unsupported(UnsupportedKind::DropTrigger, Some(name)))
    }

    // ----- Users and roles -----

    /// A user name: identifier or string (not a quoted name).
    pub(super) fn user_name(&mut self) -> PResult<String> {
        let t = self.peek();
        match t.kind {
            TokenKind::String => {
                self.bump();
                Ok(string_value(self.text(t)))
            }
            TokenKind::QuotedName => {
                Err(self.error_here("Quoted strings are not supported for user names"))
            }
            _ => self.ident(),
        }
    }

    /// A role or service level name: identifier, quoted name or string.
    pub(super) fn role_name(&mut self) -> PResult<String> {
        let t = self.peek();
        match t.kind {
            TokenKind::String => {
                self.bump();
                Ok(string_value(self.text(t)))
            }
            TokenKind::QuotedName => {
                self.bump();
                Ok(quoted_name_value(self.text(t)))
            }
            TokenKind::QMark => {
                Err(self.error_here("Bind variables cannot be used for role names"))
            }
            _ => self.ident(),
        }
    }

    /// `[WITH [HASHED] PASSWORD 'p'] [SUPERUSER | NOSUPERUSER]` of CREATE/ALTER USER.
    pub(super) fn user_options(&mut self) -> PResult<()> {
        if self.eat_kw(Keyword::With) {
            self.eat_kw(Keyword::Hashed);
            self.expect_kw(Keyword::Password)?;
            self.expect(TokenKind::String)?;
        }
        if !self.eat_kw(Keyword::Superuser) {
            self.eat_kw(Keyword::Nosuperuser);
        }
        Ok(())
    }

    /// `CREATE USER|ROLE [IF NOT EXISTS] name [options]`, with `name` and `options`
    /// the parsers of the user's or the role's.
    pub(super) fn create_account(
        &mut self,
        name: fn(&mut Self) -> PResult<String>,
        options: fn(&mut Self) -> PResult<()>,
        kind: UnsupportedKind,
    ) -> PResult<Statement> {
        self.bump();
        self.bump();
        self.if_not_exists()?;
        let name = name(self)?;
        options(self)?;
        Ok(unsupported(kind, Some(name)))
    }

    /// `ALTER USER|ROLE name [options]`.
    pub(super) fn alter_account(
        &mut self,
        name: fn(&mut Self) -> PResult<String>,
        options: fn(&mut Self) -> PResult<()>,
        kind: UnsupportedKind,
    ) -> PResult<Statement> {
        self.bump();
        self.bump();
        let name = name(self)?;
        options(self)?;
        Ok(unsupported(kind, Some(name)))
    }

    /// `DROP USER|ROLE [IF EXISTS] name`.
    pub(super) fn drop_account(
        &mut self,
        name: fn(&mut Self) -> PResult<String>,
        kind: UnsupportedKind,
    ) -> PResult<Statement> {
        self.bump();
        self.bump();
        self.if_exists()?;
        let name = name(self)?;
        Ok(unsupported(kind, Some(name)))
    }

    /// `[WITH option [AND option ...]]` of CREATE/ALTER ROLE.
    pub(super) fn role_options(&mut self) -> PResult<()> {
        use Keyword::*;
        if !self.eat_kw(With) {
            return Ok(());
        }
        loop {
            match self.keyword() {
                Some(Password) => {
                    self.bump();
                    self.expect(TokenKind::Eq)?;
                    self.expect(TokenKind::String)?;
                }
                Some(Hashed) => {
                    self.bump();
                    self.expect_kw(Password)?;
                    self.expect(TokenKind::Eq)?;
                    self.expect(TokenKind::String)?;
                }
                Some(Options) => {
                    self.bump();
                    self.expect(TokenKind::Eq)?;
                    self.property_value("options")?;
                }
                Some(Superuser | Login) => {
                    self.bump();
                    self.expect(TokenKind::Eq)?;
                    self.expect(TokenKind::Boolean)?;
                }
                _ => return Err(self.no_viable()),
            }
            if !self.eat_kw(And) {
                return Ok(());
            }
        }
    }

    // ----- Permissions -----

    /// Whether a permission list (rather than a role name) starts here.
    fn at_permissions(&self) -> bool {
        let next = self.nth(1);
        let follows_permission = matches!(next.kind, TokenKind::Comma)
            || matches!(
                keyword_of(next),
                Some(Keyword::On | Keyword::Permission | Keyword::Of | Keyword::Norecursive)
            )
            || next.kind == TokenKind::Eof
            || next.kind == TokenKind::Semicolon;
        if self.at_kw(Keyword::All) {
            return follows_permission || keyword_of(next) == Some(Keyword::Permissions);
        }
        match self.keyword() {
            Some(k) if k.is_reserved() => is_permission(Some(k)),
            k => is_permission(k) && follows_permission,
        }
    }

    /// `ALL [PERMISSIONS]` or `perm [PERMISSION] (, perm [PERMISSION])*`
    fn permissions(&mut self) -> PResult<()> {
        if self.eat_kw(Keyword::All) {
            self.eat_kw(Keyword::Permissions);
            return Ok(());
        }
        loop {
            if !is_permission(self.keyword()) {
                return Err(self.no_viable());
            }
            self.bump();
            self.eat_kw(Keyword::Permission);
            if !self.eat(TokenKind::Comma) {
                return Ok(());
            }
        }
    }

    /// A resource of GRANT / REVOKE / LIST.
    fn resource(&mut self) -> PResult<()> {
        use Keyword::*;
        if self.at_kw(All) {
            match keyword_of(self.nth(1)) {
                Some(Keyspaces | Roles) => {
                    self.bump();
                    self.bump();
                    return Ok(());
                }
                Some(Functions) => {
                    self.bump();
                    self.bump();
                    if self.eat_kw(In) {
                        self.expect_kw(Keyspace)?;
                        self.keyspace_name()?;
                    }
                    return Ok(());
                }
                _ => {}
            }
        }
        if self.eat_kw(Keyspace) {
            self.keyspace_name()?;
        } else if self.at_kw(Role) && self.nth(1).kind != TokenKind::Dot {
            self.bump();
            self.role_name()?;
        } else if self.at_kw(Function) && self.nth(1).kind != TokenKind::Dot {
            self.bump();
            self.function_name()?;
            self.type_list()?;
        } else {
            self.eat_kw(Table);
            self.table_name()?;
        }
        Ok(())
    }

    /// `GRANT permissions ON resource TO role` or `GRANT role TO role` (`link` is
    /// `TO`), and the same for REVOKE (`link` is `FROM`); `kinds` are the statement's
    /// for permissions and for a role.
    pub(super) fn grant_or_revoke(
        &mut self,
        link: Keyword,
        kinds: (UnsupportedKind, UnsupportedKind),
    ) -> PResult<Statement> {
        self.bump();
        if self.at_permissions() {
            self.permissions()?;
            self.expect_kw(Keyword::On)?;
            self.resource()?;
            self.expect_kw(link)?;
            let grantee = self.role_name()?;
            return Ok(unsupported(kinds.0, Some(grantee)));
        }
        let role = self.role_name()?;
        self.expect_kw(link)?;
        self.role_name()?;
        Ok(unsupported(kinds.1, Some(role)))
    }

    // ----- LIST and service levels -----

    /// `SERVICE_LEVEL` or `SERVICE LEVEL`, consumed if present.
    fn eat_service_level(&mut self) -> bool {
        if self.eat_kw(Keyword::ServiceLevel) {
            return true;
        }
        if self.at_kw(Keyword::Service) && self.nth_is_kw(1, Keyword::Level) {
            self.bump();
            self.bump();
            return true;
        }
        false
    }

    fn expect_service_level(&mut self) -> PResult<()> {
        if self.eat_service_level() {
            Ok(())
        } else {
            Err(self.mismatched("K_SERVICE_LEVEL"))
        }
    }

    /// `SERVICE_LEVELS` or `SERVICE LEVELS`.
    fn expect_service_levels(&mut self) -> PResult<()> {
        if self.eat_kw(Keyword::ServiceLevels) {
            return Ok(());
        }
        if self.at_kw(Keyword::Service) && self.nth_is_kw(1, Keyword::Levels) {
            self.bump();
            self.bump();
            return Ok(());
        }
        Err(self.mismatched("K_SERVICE_LEVELS"))
    }

    /// `LIST USERS | ROLES ... | permissions ... | service levels ...`
    pub(super) fn list_statement(&mut self) -> PResult<Statement> {
        use Keyword::*;
        self.bump();
        match self.keyword() {
            Some(Users) => {
                self.bump();
                return Ok(unsupported(UnsupportedKind::ListUsers, None));
            }
            Some(Roles) => {
                self.bump();
                let mut of = None;
                if self.eat_kw(Of) {
                    of = Some(self.role_name()?);
                }
                self.eat_kw(Norecursive);
                return Ok(unsupported(UnsupportedKind::ListRoles, of));
            }
            Some(Attached | Effective) => {
                self.bump();
                self.expect_service_level()?;
                self.expect_kw(Of)?;
                let role = self.role_name()?;
                return Ok(unsupported(UnsupportedKind::ServiceLevel, Some(role)));
            }
            Some(ServiceLevel | Service) => {
                self.expect_service_level()?;
                let name = self.role_name()?;
                return Ok(unsupported(UnsupportedKind::ServiceLevel, Some(name)));
            }
            Some(All) => {
                let next = keyword_of(self.nth(1));
                if matches!(next, Some(ServiceLevels | Service)) {
                    self.bump();
                    self.expect_service_levels()?;
                    return Ok(unsupported(UnsupportedKind::ServiceLevel, None));
                }
                if next == Some(Attached) {
                    self.bump();
                    self.bump();
                    self.expect_service_levels()?;
                    return Ok(unsupported(UnsupportedKind::ServiceLevel, None));
                }
            }
            _ => {}
        }
        self.permissions()?;
        if self.eat_kw(On) {
            self.resource()?;
        }
        let mut of = None;
        if self.eat_kw(Of) {
            of = Some(self.role_name()?);
        }
        self.eat_kw(Norecursive);
        Ok(unsupported(UnsupportedKind::ListPermissions, of))
    }

    /// `CREATE SERVICE_LEVEL [IF NOT EXISTS] name [WITH ...]`
    pub(super) fn create_service_level(&mut self) -> PResult<Statement> {
        self.bump();
        self.expect_service_level()?;
        self.if_not_exists()?;
        let name = self.role_name()?;
        if self.eat_kw(Keyword::With) {
            self.properties()?;
        }
        Ok(unsupported(UnsupportedKind::ServiceLevel, Some(name)))
    }

    /// `ALTER SERVICE_LEVEL name WITH ...`
    pub(super) fn alter_service_level(&mut self) -> PResult<Statement> {
        self.bump();
        self.expect_service_level()?;
        let name = self.role_name()?;
        self.expect_kw(Keyword::With)?;
        self.properties()?;
        Ok(unsupported(UnsupportedKind::ServiceLevel, Some(name)))
    }

    /// `DROP SERVICE_LEVEL [IF EXISTS] name`
    pub(super) fn drop_service_level(&mut self) -> PResult<Statement> {
        self.bump();
        self.expect_service_level()?;
        self.if_exists()?;
        let name = self.role_name()?;
        Ok(unsupported(UnsupportedKind::ServiceLevel, Some(name)))
    }

    /// `ATTACH SERVICE_LEVEL name TO role` or `DETACH SERVICE_LEVEL FROM role`
    pub(super) fn attach_detach_statement(&mut self) -> PResult<Statement> {
        let attach = self.at_kw(Keyword::Attach);
        self.bump();
        self.expect_service_level()?;
        let name = if attach {
            let name = self.role_name()?;
            self.expect_kw(Keyword::To)?;
            self.role_name()?;
            name
        } else {
            self.expect_kw(Keyword::From)?;
            self.role_name()?
        };
        Ok(unsupported(UnsupportedKind::ServiceLevel, Some(name)))
    }
}
