//! The syntax tree of CQL statements.
//!
//! Names are already normalised: an unquoted identifier is lower-cased, a quoted one keeps its
//! case (with `""` unescaped). Values are kept as written ([`Literal`] holds the text of
//! numbers); checking them against column types is the executor's job, as are all semantic
//! checks (unknown columns, invalid types such as `frozen<int>`, a `counter` inside a
//! collection, a missing or duplicate PRIMARY KEY, ...).

use std::fmt;

/// A native CQL type (`text` and `varchar` are one type): the protocol's own.
pub use scylla_cql::frame::response::column_type::NativeType;

/// A range of bytes in the parsed text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Span {
    /// Offset of the first byte.
    pub start: usize,
    /// Offset just past the last byte.
    pub end: usize,
}

impl Span {
    /// The text this span covers in `source` (the text that was parsed), if it is in range.
    pub fn text<'a>(&self, source: &'a str) -> Option<&'a str> {
        source.get(self.start..self.end)
    }
}

/// A name that may be qualified by a keyspace: `ks.name` or `name`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct QualifiedName {
    /// The keyspace, when written.
    pub keyspace: Option<String>,
    /// The table, type, function, index or view name.
    pub name: String,
}

impl QualifiedName {
    /// A name without keyspace.
    pub fn unqualified(name: impl Into<String>) -> Self {
        QualifiedName {
            keyspace: None,
            name: name.into(),
        }
    }

    /// A name with a keyspace.
    pub fn qualified(keyspace: impl Into<String>, name: impl Into<String>) -> Self {
        QualifiedName {
            keyspace: Some(keyspace.into()),
            name: name.into(),
        }
    }
}

impl fmt::Display for QualifiedName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(ks) = &self.keyspace {
            write!(f, "{}.", super::keywords::maybe_quote(ks))?;
        }
        f.write_str(&super::keywords::maybe_quote(&self.name))
    }
}

/// One parsed statement with its bind variables.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedStatement {
    /// The statement.
    pub statement: Statement,
    /// Where the statement is in the parsed text (without the trailing `;`).
    pub span: Span,
    /// One entry per bind variable, in order of index: the name of a `:name` marker, `None`
    /// for a `?` marker. A name used several times is one variable. In a batch, the
    /// variables of all inner statements are numbered together.
    pub bind_variables: Vec<Option<String>>,
}

impl ParsedStatement {
    /// The number of bind variables (the values a client must bind).
    pub fn bind_marker_count(&self) -> usize {
        self.bind_variables.len()
    }
}

/// A CQL statement.
#[derive(Debug, Clone, PartialEq)]
pub enum Statement {
    /// `USE ks`
    Use(UseStatement),
    /// `SELECT ...`
    Select(Box<SelectStatement>),
    /// `INSERT INTO ... VALUES ...`
    Insert(Box<InsertStatement>),
    /// `UPDATE ... SET ...`
    Update(Box<UpdateStatement>),
    /// `DELETE ... FROM ...`
    Delete(Box<DeleteStatement>),
    /// `BEGIN BATCH ... APPLY BATCH`
    Batch(Box<BatchStatement>),
    /// `TRUNCATE [TABLE] t`
    Truncate(TruncateStatement),
    /// `CREATE KEYSPACE ...`
    CreateKeyspace(CreateKeyspaceStatement),
    /// `ALTER KEYSPACE ...`
    AlterKeyspace(AlterKeyspaceStatement),
    /// `DROP KEYSPACE ...`
    DropKeyspace(DropKeyspaceStatement),
    /// `CREATE TABLE ...`
    CreateTable(Box<CreateTableStatement>),
    /// `ALTER TABLE ...`
    AlterTable(Box<AlterTableStatement>),
    /// `DROP TABLE ...`
    DropTable(DropTableStatement),
    /// `CREATE TYPE ...`
    CreateType(CreateTypeStatement),
    /// `ALTER TYPE ...`
    AlterType(AlterTypeStatement),
    /// `DROP TYPE ...`
    DropType(DropTypeStatement),
    /// `DESCRIBE ...` / `DESC ...`
    Describe(DescribeStatement),
    /// A statement that is valid CQL but that this cluster does not implement; the executor
    /// answers it with an error naming [`UnsupportedStatement::kind`].
    Unsupported(UnsupportedStatement),
}

/// `USE ks`
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UseStatement {
    /// The keyspace to switch to.
    pub keyspace: String,
}

/// `SELECT [DISTINCT] selection FROM table [WHERE ...] [GROUP BY ...] [ORDER BY ...]
/// [PER PARTITION LIMIT n] [LIMIT n] [ALLOW FILTERING] [BYPASS CACHE] [USING TIMEOUT d]`
#[derive(Debug, Clone, PartialEq)]
pub struct SelectStatement {
    /// The table read.
    pub table: QualifiedName,
    /// `SELECT DISTINCT`.
    pub distinct: bool,
    /// What is selected.
    pub selection: Selection,
    /// The relations of the WHERE clause, all joined by AND.
    pub where_clause: Vec<Relation>,
    /// The GROUP BY columns.
    pub group_by: Vec<String>,
    /// The ORDER BY clause.
    pub order_by: Vec<Ordering>,
    /// `PER PARTITION LIMIT` (an integer literal or a bind marker).
    pub per_partition_limit: Option<Term>,
    /// `LIMIT` (an integer literal or a bind marker).
    pub limit: Option<Term>,
    /// `ALLOW FILTERING`.
    pub allow_filtering: bool,
    /// `BYPASS CACHE` (ScyllaDB).
    pub bypass_cache: bool,
    /// `USING TIMEOUT` (ScyllaDB): a duration literal or a bind marker.
    pub timeout: Option<Term>,
}

/// The selection of a SELECT.
#[derive(Debug, Clone, PartialEq)]
pub enum Selection {
    /// `*`
    Wildcard,
    /// A list of selectors.
    Selectors(Vec<Selector>),
}

/// One selector of a SELECT, with its alias.
#[derive(Debug, Clone, PartialEq)]
pub struct Selector {
    /// What is computed.
    pub expr: SelectorExpr,
    /// The `AS alias`, if any.
    pub alias: Option<String>,
    /// Where the selector is in the text (without the alias); the text of an unaliased
    /// selector names its result column.
    pub span: Span,
}

/// The expression of a selector.
#[derive(Debug, Clone, PartialEq)]
pub enum SelectorExpr {
    /// A column.
    Column(String),
    /// A constant or bind marker.
    Term(Term),
    /// `count(*)`.
    CountRows,
    /// `writetime(c)` (also `writetime(c[k])`, `writetime(c.f)`).
    WriteTime(Box<SelectorExpr>),
    /// `ttl(c)` (also `ttl(c[k])`, `ttl(c.f)`).
    Ttl(Box<SelectorExpr>),
    /// Any function call, e.g. `token(a, b)`, `count(c)`, `max(c)`, `ks.f(x)`, `now()`.
    FunctionCall {
        /// The keyspace, when written.
        keyspace: Option<String>,
        /// The function name (lower-cased unless quoted).
        name: String,
        /// The arguments.
        args: Vec<SelectorExpr>,
    },
    /// `CAST(x AS type)`.
    Cast {
        /// The value cast.
        expr: Box<SelectorExpr>,
        /// The target type.
        ty: NativeType,
    },
    /// `x.field` (a field of a user-defined type value).
    Field {
        /// The UDT value.
        expr: Box<SelectorExpr>,
        /// The field name.
        field: String,
    },
    /// `x[key]` (an element of a collection).
    Subscript {
        /// The collection.
        expr: Box<SelectorExpr>,
        /// The key or index.
        key: Term,
    },
}

/// One `ORDER BY` item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ordering {
    /// The clustering column.
    pub column: String,
    /// `DESC` (ascending otherwise).
    pub descending: bool,
}

/// A comparison operator of a relation or condition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Operator {
    /// `=`
    Eq,
    /// `<`
    Lt,
    /// `<=`
    Lte,
    /// `>`
    Gt,
    /// `>=`
    Gte,
    /// `!=`
    Neq,
    /// `IN`
    In,
    /// `NOT IN`
    NotIn,
    /// `CONTAINS`
    Contains,
    /// `CONTAINS KEY`
    ContainsKey,
    /// `LIKE`
    Like,
    /// `IS NOT` (only `IS NOT NULL` exists)
    IsNot,
}

impl fmt::Display for Operator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Operator::Eq => "=",
            Operator::Lt => "<",
            Operator::Lte => "<=",
            Operator::Gt => ">",
            Operator::Gte => ">=",
            Operator::Neq => "!=",
            Operator::In => "IN",
            Operator::NotIn => "NOT IN",
            Operator::Contains => "CONTAINS",
            Operator::ContainsKey => "CONTAINS KEY",
            Operator::Like => "LIKE",
            Operator::IsNot => "IS NOT",
        })
    }
}

/// One relation of a WHERE clause: `lhs op rhs`.
#[derive(Debug, Clone, PartialEq)]
pub struct Relation {
    /// The left-hand side.
    pub lhs: RelationLhs,
    /// The operator.
    pub op: Operator,
    /// The right-hand side.
    pub rhs: RelationRhs,
    /// Where the relation is in the text.
    pub span: Span,
}

/// The left-hand side of a relation.
#[derive(Debug, Clone, PartialEq)]
pub enum RelationLhs {
    /// `c`
    Column(String),
    /// `c[key]` (a map element).
    Element {
        /// The map column.
        column: String,
        /// The key.
        key: Term,
    },
    /// `(a, b, ...)` (a multi-column relation on clustering columns).
    Columns(Vec<String>),
    /// `token(a, b, ...)`.
    Token(Vec<String>),
}

/// The right-hand side of a relation or condition.
#[derive(Debug, Clone, PartialEq)]
pub enum RelationRhs {
    /// One term: the value compared with, or for `IN ?` the bind marker of the whole list,
    /// or for a multi-column relation a tuple literal or bind marker.
    Term(Term),
    /// The values of `IN (v1, v2, ...)` (tuple literals or markers for a multi-column `IN`).
    InList(Vec<Term>),
    /// `NULL` of `IS NOT NULL`.
    Null,
}

/// One condition of an `IF` clause (lightweight transaction).
#[derive(Debug, Clone, PartialEq)]
pub struct Condition {
    /// What is tested.
    pub lhs: ConditionLhs,
    /// The operator.
    pub op: Operator,
    /// The value(s) compared with.
    pub rhs: RelationRhs,
    /// Where the condition is in the text.
    pub span: Span,
}

/// A column, an element of a collection column or a field of a UDT column, as the
/// left-hand side of a condition or a target of DELETE.
#[derive(Debug, Clone, PartialEq)]
pub enum ColumnPart {
    /// `c`
    Column(String),
    /// `c[key]`
    Element {
        /// The collection column.
        column: String,
        /// The list index or map key.
        key: Term,
    },
    /// `c.field`
    Field {
        /// The UDT column.
        column: String,
        /// The field.
        field: String,
    },
}

impl ColumnPart {
    /// The name of the column.
    pub fn column(&self) -> &str {
        match self {
            ColumnPart::Column(column)
            | ColumnPart::Element { column, .. }
            | ColumnPart::Field { column, .. } => column,
        }
    }
}

/// The left-hand side of a condition.
pub type ConditionLhs = ColumnPart;

/// `USING TIMESTAMP t AND TTL n AND TIMEOUT d`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct UsingAttributes {
    /// `TIMESTAMP` (an integer literal or a bind marker).
    pub timestamp: Option<Term>,
    /// `TTL` (an integer literal or a bind marker).
    pub ttl: Option<Term>,
    /// `TIMEOUT` (ScyllaDB; a duration literal or a bind marker).
    pub timeout: Option<Term>,
}

/// `INSERT INTO t (cols) VALUES (values) [IF NOT EXISTS] [USING ...]`
#[derive(Debug, Clone, PartialEq)]
pub struct InsertStatement {
    /// The table written.
    pub table: QualifiedName,
    /// The columns, in order.
    pub columns: Vec<String>,
    /// The values, in order (the executor checks the count matches `columns`).
    pub values: Vec<Term>,
    /// `IF NOT EXISTS`.
    pub if_not_exists: bool,
    /// The `USING` clause.
    pub using: UsingAttributes,
}

/// `UPDATE t [USING ...] SET assignments WHERE relations [IF EXISTS | IF conditions]`
#[derive(Debug, Clone, PartialEq)]
pub struct UpdateStatement {
    /// The table written.
    pub table: QualifiedName,
    /// The `USING` clause.
    pub using: UsingAttributes,
    /// The SET assignments.
    pub assignments: Vec<Assignment>,
    /// The WHERE relations.
    pub where_clause: Vec<Relation>,
    /// `IF EXISTS`.
    pub if_exists: bool,
    /// `IF c = v AND ...`.
    pub conditions: Vec<Condition>,
}

/// One assignment of an UPDATE's SET clause.
#[derive(Debug, Clone, PartialEq)]
pub struct Assignment {
    /// The column assigned.
    pub column: String,
    /// What is done to it.
    pub op: AssignmentOp,
    /// Where the assignment is in the text.
    pub span: Span,
}

/// What an assignment does.
#[derive(Debug, Clone, PartialEq)]
pub enum AssignmentOp {
    /// `c = v`
    Set(Term),
    /// `c = c + v` or `c += v` (append to a list/set/map, increment a counter). `c = c - 3`
    /// written without a space lexes as `c = c -3` and also gives `Add(-3)`, as in Cassandra.
    Add(Term),
    /// `c = c - v` or `c -= v` (remove from a collection, decrement a counter).
    Subtract(Term),
    /// `c = v + c` (prepend to a list).
    Prepend(Term),
    /// `c[key] = v`
    SetElement {
        /// The list index or map key.
        key: Term,
        /// The value.
        value: Term,
    },
    /// `c.field = v`
    SetField {
        /// The UDT field.
        field: String,
        /// The value.
        value: Term,
    },
}

/// `DELETE [targets] FROM t [USING ...] WHERE relations [IF EXISTS | IF conditions]`
#[derive(Debug, Clone, PartialEq)]
pub struct DeleteStatement {
    /// The table written.
    pub table: QualifiedName,
    /// What is deleted; empty for whole rows.
    pub targets: Vec<DeleteTarget>,
    /// The `USING` clause (TIMESTAMP and TIMEOUT only).
    pub using: UsingAttributes,
    /// The WHERE relations.
    pub where_clause: Vec<Relation>,
    /// `IF EXISTS`.
    pub if_exists: bool,
    /// `IF c = v AND ...`.
    pub conditions: Vec<Condition>,
}

/// One target of a DELETE.
pub type DeleteTarget = ColumnPart;

/// The kind of a batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BatchKind {
    /// `BEGIN BATCH`
    Logged,
    /// `BEGIN UNLOGGED BATCH`
    Unlogged,
    /// `BEGIN COUNTER BATCH`
    Counter,
}

/// `BEGIN [UNLOGGED | COUNTER] BATCH [USING ...] statements APPLY BATCH`
#[derive(Debug, Clone, PartialEq)]
pub struct BatchStatement {
    /// The kind of batch.
    pub kind: BatchKind,
    /// The `USING` clause of the batch.
    pub using: UsingAttributes,
    /// The inner statements, in order.
    pub statements: Vec<BatchChild>,
}

/// A statement inside a batch.
#[derive(Debug, Clone, PartialEq)]
pub struct BatchChild {
    /// The statement.
    pub statement: ModificationStatement,
    /// Where it is in the text.
    pub span: Span,
}

/// A statement allowed in a batch.
#[derive(Debug, Clone, PartialEq)]
pub enum ModificationStatement {
    /// An INSERT.
    Insert(InsertStatement),
    /// An UPDATE.
    Update(UpdateStatement),
    /// A DELETE.
    Delete(DeleteStatement),
    /// A modification this cluster does not implement (`INSERT JSON`).
    Unsupported(UnsupportedStatement),
}

/// `TRUNCATE [TABLE] t [USING TIMEOUT d]`
#[derive(Debug, Clone, PartialEq)]
pub struct TruncateStatement {
    /// The table.
    pub table: QualifiedName,
    /// `USING TIMEOUT`.
    pub timeout: Option<Term>,
}

/// A `name = value` option of a `WITH` clause.
#[derive(Debug, Clone, PartialEq)]
pub struct Property {
    /// The option name (lower-cased unless quoted).
    pub name: String,
    /// The value.
    pub value: PropertyValue,
    /// Where the option is in the text.
    pub span: Span,
}

/// The value of a property.
#[derive(Debug, Clone, PartialEq)]
pub enum PropertyValue {
    /// A constant: `'text'`, `10`, `0.1`, `true`, ...
    Constant(Literal),
    /// An unreserved keyword or identifier-like word, as written (e.g. `WITH x = ALL`).
    Word(String),
    /// A map `{'k': v, ...}` with constant keys (kept as their text) and constant or map values.
    Map(Vec<(String, PropertyValue)>),
}

impl PropertyValue {
    /// The text of a constant or word (`'abc'` gives `abc`, `10` gives `10`); `None` for a map.
    pub fn as_text(&self) -> Option<String> {
        match self {
            PropertyValue::Constant(l) => Some(l.raw_text()),
            PropertyValue::Word(w) => Some(w.clone()),
            PropertyValue::Map(_) => None,
        }
    }

    /// The entries of a map value.
    pub fn as_map(&self) -> Option<&[(String, PropertyValue)]> {
        match self {
            PropertyValue::Map(m) => Some(m),
            _ => None,
        }
    }
}

/// `CREATE KEYSPACE [IF NOT EXISTS] ks [WITH replication = {...} AND durable_writes = b]`
#[derive(Debug, Clone, PartialEq)]
pub struct CreateKeyspaceStatement {
    /// The keyspace.
    pub keyspace: String,
    /// `IF NOT EXISTS`.
    pub if_not_exists: bool,
    /// The options.
    pub properties: Vec<Property>,
}

/// `ALTER KEYSPACE ks WITH ...`
#[derive(Debug, Clone, PartialEq)]
pub struct AlterKeyspaceStatement {
    /// The keyspace.
    pub keyspace: String,
    /// The new options.
    pub properties: Vec<Property>,
}

/// `DROP KEYSPACE [IF EXISTS] ks`
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DropKeyspaceStatement {
    /// The keyspace.
    pub keyspace: String,
    /// `IF EXISTS`.
    pub if_exists: bool,
}

/// A column declared in CREATE TABLE or ALTER TABLE ADD.
#[derive(Debug, Clone, PartialEq)]
pub struct ColumnDefinition {
    /// The column name.
    pub name: String,
    /// The declared type.
    pub ty: CqlTypeSyntax,
    /// `STATIC`.
    pub is_static: bool,
    /// Where the definition is in the text.
    pub span: Span,
}

/// A PRIMARY KEY declaration: inline `c type PRIMARY KEY` or `PRIMARY KEY ((a, b), c, d)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrimaryKey {
    /// The partition key columns, in order.
    pub partition_key: Vec<String>,
    /// The clustering columns, in order.
    pub clustering_columns: Vec<String>,
    /// Where the declaration is in the text.
    pub span: Span,
}

/// One item of `WITH CLUSTERING ORDER BY (c ASC, d DESC)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClusteringOrder {
    /// The clustering column.
    pub column: String,
    /// `DESC`.
    pub descending: bool,
}

/// `CREATE TABLE [IF NOT EXISTS] t (columns, PRIMARY KEY (...)) [WITH ...]`
#[derive(Debug, Clone, PartialEq)]
pub struct CreateTableStatement {
    /// The table.
    pub table: QualifiedName,
    /// `IF NOT EXISTS`.
    pub if_not_exists: bool,
    /// The columns, in declaration order.
    pub columns: Vec<ColumnDefinition>,
    /// Every PRIMARY KEY declaration found; a valid statement has exactly one (see
    /// [`CreateTableStatement::primary_key`]).
    pub primary_keys: Vec<PrimaryKey>,
    /// The `name = value` options.
    pub properties: Vec<Property>,
    /// `WITH CLUSTERING ORDER BY (...)`.
    pub clustering_order: Vec<ClusteringOrder>,
    /// `WITH COMPACT STORAGE` (not supported by this cluster; the executor rejects it).
    pub compact_storage: bool,
}

impl CreateTableStatement {
    /// The primary key when exactly one was declared.
    pub fn primary_key(&self) -> Option<&PrimaryKey> {
        match self.primary_keys.as_slice() {
            [pk] => Some(pk),
            _ => None,
        }
    }
}

/// `ALTER TABLE t action`
#[derive(Debug, Clone, PartialEq)]
pub struct AlterTableStatement {
    /// The table.
    pub table: QualifiedName,
    /// What changes.
    pub action: AlterTableAction,
}

/// What an ALTER TABLE does.
#[derive(Debug, Clone, PartialEq)]
pub enum AlterTableAction {
    /// `ALTER c TYPE t`
    AlterColumnType {
        /// The column.
        column: String,
        /// The new type.
        ty: CqlTypeSyntax,
    },
    /// `ADD c type [STATIC]`, `ADD (c1 t1, c2 t2 ...)` or (more permissive than Cassandra)
    /// `ADD c1 t1, c2 t2`
    Add(Vec<ColumnDefinition>),
    /// `DROP c` or `DROP (c1, c2) [USING TIMESTAMP t]`
    Drop {
        /// The columns dropped.
        columns: Vec<String>,
        /// `USING TIMESTAMP`.
        timestamp: Option<Term>,
    },
    /// `RENAME a TO b [AND c TO d ...]`
    Rename(Vec<(String, String)>),
    /// `WITH name = value AND ...`
    WithProperties(Vec<Property>),
}

/// `DROP TABLE [IF EXISTS] t`
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DropTableStatement {
    /// The table.
    pub table: QualifiedName,
    /// `IF EXISTS`.
    pub if_exists: bool,
}

/// A field of a user-defined type.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldDefinition {
    /// The field name.
    pub name: String,
    /// Its type.
    pub ty: CqlTypeSyntax,
}

/// `CREATE TYPE [IF NOT EXISTS] name (field type, ...)`
#[derive(Debug, Clone, PartialEq)]
pub struct CreateTypeStatement {
    /// The type name.
    pub name: QualifiedName,
    /// `IF NOT EXISTS`.
    pub if_not_exists: bool,
    /// The fields, in order.
    pub fields: Vec<FieldDefinition>,
}

/// `ALTER TYPE name action`
#[derive(Debug, Clone, PartialEq)]
pub struct AlterTypeStatement {
    /// The type name.
    pub name: QualifiedName,
    /// What changes.
    pub action: AlterTypeAction,
}

/// What an ALTER TYPE does.
#[derive(Debug, Clone, PartialEq)]
pub enum AlterTypeAction {
    /// `ALTER field TYPE t`
    AlterFieldType {
        /// The field.
        field: String,
        /// The new type.
        ty: CqlTypeSyntax,
    },
    /// `ADD field type`
    Add(FieldDefinition),
    /// `RENAME a TO b [AND c TO d ...]`
    Rename(Vec<(String, String)>),
}

/// `DROP TYPE [IF EXISTS] name`
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DropTypeStatement {
    /// The type name.
    pub name: QualifiedName,
    /// `IF EXISTS`.
    pub if_exists: bool,
}

/// `DESCRIBE target [WITH INTERNALS]`
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DescribeStatement {
    /// What is described.
    pub target: DescribeTarget,
    /// `WITH INTERNALS`.
    pub with_internals: bool,
}

/// What a DESCRIBE statement describes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DescribeTarget {
    /// `DESCRIBE CLUSTER`
    Cluster,
    /// `DESCRIBE [FULL] SCHEMA`
    Schema {
        /// `FULL`.
        full: bool,
    },
    /// `DESCRIBE KEYSPACES`
    Keyspaces,
    /// `DESCRIBE [ONLY] KEYSPACE [ks]`
    Keyspace {
        /// The keyspace (the current one when absent).
        name: Option<String>,
        /// `ONLY`.
        only: bool,
    },
    /// `DESCRIBE TABLES`
    Tables,
    /// `DESCRIBE TABLE t`
    Table(QualifiedName),
    /// `DESCRIBE INDEX i`
    Index(QualifiedName),
    /// `DESCRIBE MATERIALIZED VIEW v`
    MaterializedView(QualifiedName),
    /// `DESCRIBE TYPES`
    Types,
    /// `DESCRIBE TYPE t`
    Type(QualifiedName),
    /// `DESCRIBE FUNCTIONS`
    Functions,
    /// `DESCRIBE FUNCTION f`
    Function(QualifiedName),
    /// `DESCRIBE AGGREGATES`
    Aggregates,
    /// `DESCRIBE AGGREGATE a`
    Aggregate(QualifiedName),
    /// `DESCRIBE name` or `DESCRIBE ks.name`: a keyspace, table, view, index, ...
    Generic(QualifiedName),
}

/// A valid statement that this cluster does not implement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnsupportedStatement {
    /// What kind of statement it is.
    pub kind: UnsupportedKind,
    /// The object it is about (table, index, function, role, ...), when it has one.
    pub name: Option<String>,
}

/// The kinds of statements this cluster parses but does not implement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UnsupportedKind {
    /// `SELECT JSON ...`
    SelectJson,
    /// `INSERT INTO ... JSON ...`
    InsertJson,
    /// `CREATE [CUSTOM] INDEX ...`
    CreateIndex,
    /// `DROP INDEX ...`
    DropIndex,
    /// `CREATE MATERIALIZED VIEW ...`
    CreateMaterializedView,
    /// `ALTER MATERIALIZED VIEW ...`
    AlterMaterializedView,
    /// `DROP MATERIALIZED VIEW ...`
    DropMaterializedView,
    /// `PRUNE MATERIALIZED VIEW ...` (ScyllaDB)
    PruneMaterializedView,
    /// `CREATE FUNCTION ...`
    CreateFunction,
    /// `DROP FUNCTION ...`
    DropFunction,
    /// `CREATE AGGREGATE ...`
    CreateAggregate,
    /// `DROP AGGREGATE ...`
    DropAggregate,
    /// `CREATE TRIGGER ...`
    CreateTrigger,
    /// `DROP TRIGGER ...`
    DropTrigger,
    /// `CREATE USER ...`
    CreateUser,
    /// `ALTER USER ...`
    AlterUser,
    /// `DROP USER ...`
    DropUser,
    /// `LIST USERS`
    ListUsers,
    /// `CREATE ROLE ...`
    CreateRole,
    /// `ALTER ROLE ...`
    AlterRole,
    /// `DROP ROLE ...`
    DropRole,
    /// `LIST ROLES ...`
    ListRoles,
    /// `GRANT role TO role`
    GrantRole,
    /// `REVOKE role FROM role`
    RevokeRole,
    /// `GRANT permissions ON resource TO role`
    GrantPermissions,
    /// `REVOKE permissions ON resource FROM role`
    RevokePermissions,
    /// `LIST permissions ...`
    ListPermissions,
    /// `CREATE`/`ALTER`/`DROP`/`ATTACH`/`DETACH`/`LIST ... SERVICE LEVEL ...` (ScyllaDB)
    ServiceLevel,
}

impl UnsupportedKind {
    /// A short description, e.g. `CREATE INDEX`.
    pub fn description(self) -> &'static str {
        use UnsupportedKind::*;
        match self {
            SelectJson => "SELECT JSON",
            InsertJson => "INSERT JSON",
            CreateIndex => "CREATE INDEX",
            DropIndex => "DROP INDEX",
            CreateMaterializedView => "CREATE MATERIALIZED VIEW",
            AlterMaterializedView => "ALTER MATERIALIZED VIEW",
            DropMaterializedView => "DROP MATERIALIZED VIEW",
            PruneMaterializedView => "PRUNE MATERIALIZED VIEW",
            CreateFunction => "CREATE FUNCTION",
            DropFunction => "DROP FUNCTION",
            CreateAggregate => "CREATE AGGREGATE",
            DropAggregate => "DROP AGGREGATE",
            CreateTrigger => "CREATE TRIGGER",
            DropTrigger => "DROP TRIGGER",
            CreateUser => "CREATE USER",
            AlterUser => "ALTER USER",
            DropUser => "DROP USER",
            ListUsers => "LIST USERS",
            CreateRole => "CREATE ROLE",
            AlterRole => "ALTER ROLE",
            DropRole => "DROP ROLE",
            ListRoles => "LIST ROLES",
            GrantRole => "GRANT ROLE",
            RevokeRole => "REVOKE ROLE",
            GrantPermissions => "GRANT",
            RevokePermissions => "REVOKE",
            ListPermissions => "LIST PERMISSIONS",
            ServiceLevel => "SERVICE LEVEL statements",
        }
    }
}

impl fmt::Display for UnsupportedKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.description())
    }
}

/// A constant as written.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Literal {
    /// A string, with quotes removed and `''` unescaped.
    String(String),
    /// An integer, as written (may be negative and larger than any integer type).
    Integer(String),
    /// A floating-point number as written; `NaN`, `Infinity` and `-Infinity` for those.
    Float(String),
    /// `true` / `false`.
    Boolean(bool),
    /// A duration as written (`1h30m`, `P1D`, ...).
    Duration(String),
    /// A UUID as written.
    Uuid(String),
    /// A blob: the hex digits after `0x` (possibly an odd number of them; the executor checks).
    Hex(String),
    /// `NULL`.
    Null,
}

impl Literal {
    /// The text of the constant as Cassandra's "raw text": string contents, numbers as written,
    /// `true`/`false`, the blob as `0x...`, `null`.
    pub fn raw_text(&self) -> String {
        match self {
            Literal::String(s)
            | Literal::Integer(s)
            | Literal::Float(s)
            | Literal::Duration(s)
            | Literal::Uuid(s) => s.clone(),
            Literal::Boolean(b) => b.to_string(),
            Literal::Hex(h) => format!("0x{h}"),
            Literal::Null => "null".to_owned(),
        }
    }
}

/// A bind marker: `?` or `:name`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct BindMarker {
    /// The index of the bound value (positional markers are numbered in order of appearance;
    /// every use of one `:name` has the same index).
    pub index: usize,
    /// The name of a `:name` marker.
    pub name: Option<String>,
}

/// A value expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Term {
    /// A constant.
    Literal(Literal),
    /// A bind marker.
    BindMarker(BindMarker),
    /// `[a, b, ...]` (a list, or a vector).
    List(Vec<Term>),
    /// `{a, b, ...}`, and also `{}` (which is an empty set or an empty map depending on the
    /// column it is assigned to).
    Set(Vec<Term>),
    /// `{k: v, ...}`
    Map(Vec<(Term, Term)>),
    /// `(a, b, ...)`
    Tuple(Vec<Term>),
    /// `{field: value, ...}` (a user-defined type value).
    UserType(Vec<(String, Term)>),
    /// `f(args)`, e.g. `now()`, `uuid()`, `toTimestamp(now())`, `token(?)`.
    FunctionCall(Box<FunctionCall>),
    /// `(type) value`
    Cast(Box<TypeCast>),
}

impl Term {
    /// The bind marker, if this term is one.
    pub fn as_bind_marker(&self) -> Option<&BindMarker> {
        match self {
            Term::BindMarker(m) => Some(m),
            _ => None,
        }
    }
}

/// A function call term.
#[derive(Debug, Clone, PartialEq)]
pub struct FunctionCall {
    /// The keyspace, when written.
    pub keyspace: Option<String>,
    /// The function name (lower-cased unless quoted).
    pub name: String,
    /// The arguments.
    pub args: Vec<Term>,
}

/// A `(type) value` term.
#[derive(Debug, Clone, PartialEq)]
pub struct TypeCast {
    /// The type.
    pub ty: CqlTypeSyntax,
    /// The value.
    pub value: Term,
}

/// A type as written in a statement (not yet resolved against the schema).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum CqlTypeSyntax {
    /// A native type.
    Native(NativeType),
    /// `frozen<t>`
    Frozen(Box<CqlTypeSyntax>),
    /// `list<t>`
    List(Box<CqlTypeSyntax>),
    /// `set<t>`
    Set(Box<CqlTypeSyntax>),
    /// `map<k, v>`
    Map(Box<CqlTypeSyntax>, Box<CqlTypeSyntax>),
    /// `tuple<a, b, ...>`
    Tuple(Vec<CqlTypeSyntax>),
    /// `vector<t, n>`
    Vector(Box<CqlTypeSyntax>, u32),
    /// A user-defined type, `name` or `ks.name`.
    UserType(QualifiedName),
}

impl fmt::Display for CqlTypeSyntax {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CqlTypeSyntax::Native(n) => write!(f, "{n}"),
            CqlTypeSyntax::Frozen(t) => write!(f, "frozen<{t}>"),
            CqlTypeSyntax::List(t) => write!(f, "list<{t}>"),
            CqlTypeSyntax::Set(t) => write!(f, "set<{t}>"),
            CqlTypeSyntax::Map(k, v) => write!(f, "map<{k}, {v}>"),
            CqlTypeSyntax::Tuple(ts) => {
                f.write_str("tuple<")?;
                for (i, t) in ts.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{t}")?;
                }
                f.write_str(">")
            }
            CqlTypeSyntax::Vector(t, n) => write!(f, "vector<{t}, {n}>"),
            CqlTypeSyntax::UserType(name) => write!(f, "{name}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_display_is_cql() {
        let t = CqlTypeSyntax::Frozen(Box::new(CqlTypeSyntax::Map(
            Box::new(CqlTypeSyntax::Native(NativeType::Text)),
            Box::new(CqlTypeSyntax::Tuple(vec![
                CqlTypeSyntax::Native(NativeType::Int),
                CqlTypeSyntax::UserType(QualifiedName::qualified("ks", "Addr")),
            ])),
        )));
        assert_eq!(t.to_string(), "frozen<map<text, tuple<int, ks.\"Addr\">>>");
        let v = CqlTypeSyntax::Vector(Box::new(CqlTypeSyntax::Native(NativeType::Float)), 3);
        assert_eq!(v.to_string(), "vector<float, 3>");
    }

    #[test]
    fn literal_raw_text() {
        assert_eq!(Literal::String("a'b".into()).raw_text(), "a'b");
        assert_eq!(Literal::Boolean(true).raw_text(), "true");
        assert_eq!(Literal::Hex("cafe".into()).raw_text(), "0xcafe");
        assert_eq!(Literal::Null.raw_text(), "null");
    }

    #[test]
    fn span_text_is_checked() {
        assert_eq!(Span { start: 1, end: 3 }.text("abcd"), Some("bc"));
        assert_eq!(Span { start: 1, end: 9 }.text("abcd"), None);
    }

    #[test]
    fn create_table_primary_key_needs_exactly_one() {
        let pk = PrimaryKey {
            partition_key: vec!["a".into()],
            clustering_columns: vec![],
            span: Span::default(),
        };
        let mut t = CreateTableStatement {
            table: QualifiedName::unqualified("t"),
            if_not_exists: false,
            columns: vec![],
            primary_keys: vec![],
            properties: vec![],
            clustering_order: vec![],
            compact_storage: false,
        };
        assert!(t.primary_key().is_none());
        t.primary_keys.push(pk.clone());
        assert_eq!(t.primary_key(), Some(&pk));
        t.primary_keys.push(pk);
        assert!(t.primary_key().is_none());
    }
}
