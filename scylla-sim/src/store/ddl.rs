//! Schema changes: create, alter and drop keyspaces, tables and user types.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, PoisonError, RwLock};

use scylla_cql::frame::response::column_type::{
    CollectionType, ColumnType, NativeType, UserDefinedType,
};
use uuid::Uuid;

use super::cell::Now;
use super::clustering::{ClusteringComparator, ClusteringOrder};
use super::error::StoreError;
use super::schema::{
    ColumnDef, ColumnId, ColumnKind, DroppedColumn, KeyspaceSchema, OptionValue, Schema,
    TableSchema, visit_types,
};
use super::table::{Table, TableData};
use super::write::MAX_TTL;

/// Keyspaces users may not create, alter or drop, nor add tables to.
pub const SYSTEM_KEYSPACES: [&str; 8] = [
    "system",
    "system_schema",
    "system_auth",
    "system_distributed",
    "system_distributed_everywhere",
    "system_traces",
    "system_views",
    "system_virtual_schema",
];

const MAX_NAME_LENGTH: usize = 48;

/// The longest column or field name: result metadata carries names as `[string]`s.
pub const MAX_IDENTIFIER_LENGTH: usize = u16::MAX as usize;

/// The most levels a column type may nest (collections, tuples, vectors and user types
/// each add one): as deep as clients decode result metadata.
pub const MAX_TYPE_DEPTH: usize = scylla_cql::frame::response::column_type::MAX_TYPE_NESTING_DEPTH;

/// The most component types a column type may have with its user types expanded (as
/// result metadata writes them). A user type used twice by another counts twice, so a
/// few definitions could otherwise describe a type of billions of components, which
/// every statement on the table would spend hours writing out.
pub const MAX_TYPE_COMPONENTS: usize = 10_000;

/// A keyspace to create.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyspaceDef {
    /// The name.
    pub name: String,
    /// The replication options as given (`class` and its options); short class names
    /// are expanded (`SimpleStrategy` → `org.apache.cassandra.locator.SimpleStrategy`).
    pub replication: BTreeMap<String, String>,
    /// `durable_writes`.
    pub durable_writes: bool,
}

/// A column of a table to create or alter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewColumn {
    /// The name.
    pub name: String,
    /// The type (user types must be those of the table's keyspace).
    pub typ: ColumnType<'static>,
    /// The role; partition key and clustering columns are listed in key order.
    pub kind: ColumnKind,
    /// The order of a clustering column (ignored for other columns).
    pub order: ClusteringOrder,
}

impl NewColumn {
    /// A column with the default (ascending) order.
    pub fn new(name: impl Into<String>, typ: ColumnType<'static>, kind: ColumnKind) -> Self {
        NewColumn {
            name: name.into(),
            typ,
            kind,
            order: ClusteringOrder::Asc,
        }
    }
}

/// A table to create.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableDef {
    /// The keyspace.
    pub keyspace: String,
    /// The table's name.
    pub name: String,
    /// The columns; partition key and clustering columns in key order.
    pub columns: Vec<NewColumn>,
    /// The `WITH` options given (defaults fill in the rest).
    pub options: BTreeMap<String, OptionValue>,
    /// The table id, if given; a new time-based UUID otherwise.
    pub id: Option<Uuid>,
}

/// A change to a table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AlterTable {
    /// `ADD`: new static or regular columns.
    AddColumns(Vec<NewColumn>),
    /// `DROP`: remove static or regular columns and their data.
    DropColumns(Vec<String>),
    /// `RENAME a TO b AND ...`: primary key columns only.
    RenameColumns(Vec<(String, String)>),
    /// `WITH ...`: change options.
    SetOptions(BTreeMap<String, OptionValue>),
}

/// A change to a user type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AlterType {
    /// `ADD field type`.
    AddField {
        /// The new field's name.
        name: String,
        /// Its type.
        typ: ColumnType<'static>,
    },
    /// `RENAME a TO b AND ...`.
    RenameFields(Vec<(String, String)>),
}

/// The store: one logical copy of the schema and data, shared by every simulated node.
///
/// Schema reads are an `Arc` clone of an immutable snapshot ([`Store::schema`]);
/// schema changes are serialized and publish a new snapshot with a new version.
#[derive(Debug)]
pub struct Store {
    schema: RwLock<Arc<Schema>>,
    writer: Mutex<()>,
}

impl Default for Store {
    fn default() -> Self {
        Store::new()
    }
}

fn check_name(what: &str, name: &str) -> Result<(), StoreError> {
    if name.is_empty()
        || name.len() > MAX_NAME_LENGTH
        || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    {
        return Err(StoreError::invalid(format!(
            "{what} name must not be empty, more than {MAX_NAME_LENGTH} characters long, or \
             contain non-alphanumeric-underscore characters (got \"{name}\")"
        )));
    }
    Ok(())
}

fn check_identifier_length(what: &str, name: &str) -> Result<(), StoreError> {
    if name.len() > MAX_IDENTIFIER_LENGTH {
        let mut end = 48;
        while !name.is_char_boundary(end) {
            end -= 1;
        }
        return Err(StoreError::invalid(format!(
            "{what} name {}... is too long ({} bytes, at most {MAX_IDENTIFIER_LENGTH})",
            &name[..end],
            name.len()
        )));
    }
    Ok(())
}

/// The depth and the number of component types of column types, with user types
/// expanded; each user type is measured once (by name) however often it is used.
#[derive(Default)]
struct TypeMeasure<'k> {
    /// The current definitions of the keyspace's user types, when types may hold
    /// older copies of them (during ALTER TYPE).
    definitions: Option<&'k BTreeMap<String, Arc<UserDefinedType<'static>>>>,
    user_types: std::collections::HashMap<String, (usize, usize)>,
}

impl TypeMeasure<'_> {
    /// (levels of nesting, component types): 0 levels and 1 component for a native
    /// type.
    fn measure(&mut self, typ: &ColumnType<'_>) -> (usize, usize) {
        match typ {
            ColumnType::Collection { typ, .. } => match typ {
                CollectionType::List(e) | CollectionType::Set(e) => self.nested([&**e]),
                CollectionType::Map(k, v) => self.nested([&**k, &**v]),
                _ => (1, 1),
            },
            ColumnType::Vector { typ, .. } => self.nested([&**typ]),
            ColumnType::Tuple(ts) => self.nested(ts),
            ColumnType::UserDefinedType { definition, .. } => {
                let key = format!("{}.{}", definition.keyspace, definition.name);
                if let Some(m) = self.user_types.get(&key) {
                    return *m;
                }
                let current = self
                    .definitions
                    .and_then(|d| d.get(definition.name.as_ref()))
                    .cloned();
                let def = current.as_deref().unwrap_or(definition);
                let m = self.nested(def.field_types.iter().map(|(_, t)| t));
                self.user_types.insert(key, m);
                m
            }
            _ => (0, 1),
        }
    }

    /// The measure of a type holding `types`.
    fn nested<'t, 'a: 't>(
        &mut self,
        types: impl IntoIterator<Item = &'t ColumnType<'a>>,
    ) -> (usize, usize) {
        let (mut depth, mut components) = (0usize, 1usize);
        for t in types {
            let (d, c) = self.measure(t);
            depth = depth.max(d.saturating_add(1));
            components = components.saturating_add(c);
        }
        (depth, components)
    }

    /// Checks that `typ`, the type of `what`, is not too deep nor too large.
    fn check(&mut self, what: &str, typ: &ColumnType<'_>) -> Result<(), StoreError> {
        let (depth, components) = self.measure(typ);
        check_measure(what, typ, depth, components)
    }
}

fn check_measure(
    what: &str,
    typ: &dyn std::fmt::Display,
    depth: usize,
    components: usize,
) -> Result<(), StoreError> {
    if depth > MAX_TYPE_DEPTH {
        return Err(StoreError::invalid(format!(
            "The type {typ} of {what} is nested {depth} levels deep; at most {MAX_TYPE_DEPTH} \
             levels are supported (clients do not decode deeper types)"
        )));
    }
    if components > MAX_TYPE_COMPONENTS {
        return Err(StoreError::invalid(format!(
            "The type {typ} of {what} has {components} component types with its user types \
             expanded; at most {MAX_TYPE_COMPONENTS} are supported"
        )));
    }
    Ok(())
}

/// Checks every user type and every table column of `ks` (after a user type changed,
/// its users changed too).
fn check_keyspace_types(ks: &KeyspaceSchema) -> Result<(), StoreError> {
    let mut m = TypeMeasure {
        definitions: Some(&ks.user_types),
        ..TypeMeasure::default()
    };
    for (name, def) in &ks.user_types {
        let typ = ColumnType::UserDefinedType {
            frozen: true,
            definition: def.clone(),
        };
        let (depth, components) = m.measure(&typ);
        check_measure(&format!("user type {name}"), &name, depth, components)?;
    }
    for table in ks.tables.values() {
        for c in &table.schema.columns {
            m.check(&format!("column {}", c.name), &c.typ)?;
        }
    }
    Ok(())
}

/// Refuses changes to the system keyspaces.
pub(crate) fn check_user_keyspace(name: &str) -> Result<(), StoreError> {
    if SYSTEM_KEYSPACES.contains(&name) {
        return Err(StoreError::Unauthorized(format!(
            "{name} keyspace is not user-modifiable."
        )));
    }
    Ok(())
}

/// The answer of a schema change whose object is there (CREATE) or missing (ALTER,
/// DROP): no change when `IF [NOT] EXISTS` was given (`guarded`), else `error`.
fn nothing_or(
    guarded: bool,
    error: impl FnOnce() -> StoreError,
) -> Result<(bool, bool), StoreError> {
    if guarded {
        Ok((false, false))
    } else {
        Err(error())
    }
}

/// The error for a keyspace that does not exist.
pub(crate) fn missing_keyspace(name: &str) -> StoreError {
    StoreError::invalid(format!("Keyspace {name} does not exist"))
}

/// The keyspace `name` of `schema`, to change.
fn keyspace_mut<'s>(
    schema: &'s mut Schema,
    name: &str,
) -> Result<&'s mut Arc<KeyspaceSchema>, StoreError> {
    schema
        .keyspaces
        .get_mut(name)
        .ok_or_else(|| missing_keyspace(name))
}

impl Store {
    /// An empty store (no keyspaces).
    pub fn new() -> Self {
        Store {
            schema: RwLock::new(Arc::new(Schema {
                version: Uuid::new_v4(),
                keyspaces: BTreeMap::new(),
            })),
            writer: Mutex::new(()),
        }
    }

    /// The current schema snapshot.
    pub fn schema(&self) -> Arc<Schema> {
        self.schema
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// The table `keyspace.name` of the current schema.
    pub fn table(&self, keyspace: &str, name: &str) -> Result<Arc<Table>, StoreError> {
        self.schema().require_table(keyspace, name).cloned()
    }

    /// Runs a schema change on a copy of the schema and publishes it if `f` says it
    /// changed something.
    fn change<R>(
        &self,
        f: impl FnOnce(&mut Schema) -> Result<(R, bool), StoreError>,
    ) -> Result<R, StoreError> {
        let _guard = self.writer.lock().unwrap_or_else(PoisonError::into_inner);
        let mut schema = (*self.schema()).clone();
        let (result, changed) = f(&mut schema)?;
        if changed {
            schema.version = Uuid::new_v4();
            *self.schema.write().unwrap_or_else(PoisonError::into_inner) = Arc::new(schema);
        }
        Ok(result)
    }

    /// `CREATE KEYSPACE [IF NOT EXISTS]`. Returns whether it was created.
    pub fn create_keyspace(
        &self,
        def: KeyspaceDef,
        if_not_exists: bool,
    ) -> Result<bool, StoreError> {
        check_user_keyspace(&def.name)?;
        self.create_keyspace_unchecked(def, if_not_exists)
    }

    /// Creates a keyspace even under a system name (for the server's own keyspaces).
    pub fn create_system_keyspace(&self, def: KeyspaceDef) -> Result<bool, StoreError> {
        self.create_keyspace_unchecked(def, true)
    }

    fn create_keyspace_unchecked(
        &self,
        def: KeyspaceDef,
        if_not_exists: bool,
    ) -> Result<bool, StoreError> {
        check_name("Keyspace", &def.name)?;
        let replication = normalize_replication(&def.name, &def.replication)?;
        self.change(|s| {
            if s.keyspaces.contains_key(&def.name) {
                return nothing_or(if_not_exists, || StoreError::AlreadyExists {
                    keyspace: def.name.clone(),
                    table: String::new(),
                });
            }
            s.keyspaces.insert(
                def.name.clone(),
                Arc::new(KeyspaceSchema {
                    name: def.name.clone(),
                    replication,
                    durable_writes: def.durable_writes,
                    user_types: BTreeMap::new(),
                    tables: BTreeMap::new(),
                }),
            );
            Ok((true, true))
        })
    }

    /// `ALTER KEYSPACE`: replaces the replication options and/or `durable_writes`.
    pub fn alter_keyspace(
        &self,
        name: &str,
        replication: Option<BTreeMap<String, String>>,
        durable_writes: Option<bool>,
    ) -> Result<(), StoreError> {
        check_user_keyspace(name)?;
        let replication = match replication {
            Some(r) => Some(normalize_replication(name, &r)?),
            None => None,
        };
        self.change(|s| {
            let ks = keyspace_mut(s, name)?;
            let ks = Arc::make_mut(ks);
            if let Some(r) = replication {
                ks.replication = r;
            }
            if let Some(d) = durable_writes {
                ks.durable_writes = d;
            }
            Ok(((), true))
        })
    }

    /// `DROP KEYSPACE [IF EXISTS]`, with its tables and types. Returns whether it
    /// existed.
    pub fn drop_keyspace(&self, name: &str, if_exists: bool) -> Result<bool, StoreError> {
        check_user_keyspace(name)?;
        self.change(|s| match s.keyspaces.remove(name) {
            Some(_) => Ok((true, true)),
            None if if_exists => Ok((false, false)),
            // ScyllaDB (like Cassandra 3) answers with a configuration error.
            None => Err(StoreError::Config(format!(
                "Cannot drop non existing keyspace '{name}'."
            ))),
        })
    }

    /// `CREATE TABLE [IF NOT EXISTS]`. Returns whether it was created.
    pub fn create_table(&self, def: TableDef, if_not_exists: bool) -> Result<bool, StoreError> {
        check_user_keyspace(&def.keyspace)?;
        self.create_table_unchecked(def, if_not_exists)
    }

    /// Creates a table even in a system keyspace (for the server's own tables).
    pub fn create_system_table(&self, def: TableDef) -> Result<bool, StoreError> {
        self.create_table_unchecked(def, true)
    }

    fn create_table_unchecked(
        &self,
        def: TableDef,
        if_not_exists: bool,
    ) -> Result<bool, StoreError> {
        check_name("Table", &def.name)?;
        self.change(|s| {
            let ks = keyspace_mut(s, &def.keyspace)?;
            if ks.tables.contains_key(&def.name) {
                return nothing_or(if_not_exists, || StoreError::AlreadyExists {
                    keyspace: def.keyspace.clone(),
                    table: def.name.clone(),
                });
            }
            let schema = build_table(ks, &def)?;
            let table = Table {
                schema: Arc::new(schema),
                data: Arc::new(TableData::new()),
            };
            Arc::make_mut(ks)
                .tables
                .insert(def.name.clone(), Arc::new(table));
            Ok((true, true))
        })
    }

    /// `ALTER TABLE`.
    pub fn alter_table(
        &self,
        keyspace: &str,
        name: &str,
        change: AlterTable,
    ) -> Result<(), StoreError> {
        check_user_keyspace(keyspace)?;
        self.change(|s| {
            let ks = keyspace_mut(s, keyspace)?;
            let table = ks.tables.get(name).cloned().ok_or_else(|| {
                StoreError::invalid(format!("Table '{keyspace}.{name}' doesn't exist"))
            })?;
            let mut schema = (*table.schema).clone();
            let mut dropped_ids = Vec::new();
            match change {
                AlterTable::AddColumns(cols) => {
                    for c in cols {
                        add_column(ks, &mut schema, c)?;
                    }
                }
                AlterTable::DropColumns(names) => {
                    for n in names {
                        dropped_ids.push(drop_column(&mut schema, &n)?);
                    }
                }
                AlterTable::RenameColumns(pairs) => {
                    for (from, to) in pairs {
                        rename_column(&mut schema, &from, &to)?;
                    }
                }
                AlterTable::SetOptions(options) => {
                    apply_options(&mut schema.options, &options)?;
                    schema.default_ttl = option_int(&schema.options, "default_time_to_live");
                    if schema.is_counter && schema.default_ttl > 0 {
                        return Err(StoreError::invalid(
                            "Cannot set default_time_to_live on a table with counters",
                        ));
                    }
                }
            }
            schema.reindex();
            let table = publish(&table, schema);
            for id in dropped_ids {
                table.data.remove_column(id);
            }
            Arc::make_mut(ks).tables.insert(name.to_string(), table);
            Ok(((), true))
        })
    }

    /// `DROP TABLE [IF EXISTS]`. Returns whether it existed.
    pub fn drop_table(
        &self,
        keyspace: &str,
        name: &str,
        if_exists: bool,
    ) -> Result<bool, StoreError> {
        check_user_keyspace(keyspace)?;
        self.change(|s| {
            let Some(ks) = s.keyspaces.get_mut(keyspace) else {
                return nothing_or(if_exists, || missing_keyspace(keyspace));
            };
            if !ks.tables.contains_key(name) {
                return nothing_or(if_exists, || {
                    StoreError::invalid(format!("Table '{keyspace}.{name}' doesn't exist"))
                });
            }
            Arc::make_mut(ks).tables.remove(name);
            Ok((true, true))
        })
    }

    /// `TRUNCATE`: removes every row of the table.
    pub fn truncate(&self, keyspace: &str, name: &str) -> Result<(), StoreError> {
        self.table(keyspace, name)?.truncate();
        Ok(())
    }

    /// `CREATE TYPE [IF NOT EXISTS]`. Field types naming user types must carry the
    /// keyspace's current definitions. Returns whether it was created.
    pub fn create_type(
        &self,
        keyspace: &str,
        name: &str,
        fields: Vec<(String, ColumnType<'static>)>,
        if_not_exists: bool,
    ) -> Result<bool, StoreError> {
        check_user_keyspace(keyspace)?;
        check_name("Type", name)?;
        self.change(|s| {
            let ks = keyspace_mut(s, keyspace)?;
            if ks.user_types.contains_key(name) {
                return nothing_or(if_not_exists, || {
                    StoreError::invalid(format!("A user type with name '{name}' already exists"))
                });
            }
            if fields.is_empty() {
                return Err(StoreError::invalid(format!(
                    "Type {keyspace}.{name} must have at least one field"
                )));
            }
            for (i, (field, typ)) in fields.iter().enumerate() {
                if fields[..i].iter().any(|(f, _)| f == field) {
                    return Err(StoreError::invalid(format!(
                        "Duplicate field name {field} in type {name}"
                    )));
                }
                check_identifier_length("Field", field)?;
                check_field_type(ks, name, typ)?;
            }
            let (depth, components) = TypeMeasure::default().nested(fields.iter().map(|(_, t)| t));
            check_measure(&format!("user type {name}"), &name, depth, components)?;
            let definition = UserDefinedType {
                name: name.to_string().into(),
                keyspace: keyspace.to_string().into(),
                field_types: fields.into_iter().map(|(n, t)| (n.into(), t)).collect(),
            };
            Arc::make_mut(ks)
                .user_types
                .insert(name.to_string(), Arc::new(definition));
            Ok((true, true))
        })
    }

    /// `ALTER TYPE`: adds or renames fields; every table and type using it is updated.
    pub fn alter_type(
        &self,
        keyspace: &str,
        name: &str,
        change: AlterType,
    ) -> Result<(), StoreError> {
        check_user_keyspace(keyspace)?;
        self.change(|s| {
            let ks = keyspace_mut(s, keyspace)?;
            let current = ks.user_types.get(name).cloned().ok_or_else(|| {
                StoreError::invalid(format!("No user type named {keyspace}.{name} exists."))
            })?;
            let mut def = (*current).clone();
            match change {
                AlterType::AddField { name: field, typ } => {
                    check_identifier_length("Field", &field)?;
                    if def.field_types.iter().any(|(f, _)| *f == field) {
                        return Err(StoreError::invalid(format!(
                            "Cannot add new field {field} to type {keyspace}.{name}: a field of \
                             the same name already exists"
                        )));
                    }
                    check_field_type(ks, name, &typ)?;
                    if references_type(&typ, name) {
                        return Err(StoreError::invalid(format!(
                            "Cannot add new field {field} of type {typ} to type \
                             {keyspace}.{name} as this would create a cycle"
                        )));
                    }
                    def.field_types.push((field.into(), typ));
                }
                AlterType::RenameFields(pairs) => {
                    for (from, to) in pairs {
                        check_identifier_length("Field", &to)?;
                        if def.field_types.iter().any(|(f, _)| *f == to) {
                            return Err(StoreError::invalid(format!(
                                "Duplicate field name {to} in type {keyspace}.{name}"
                            )));
                        }
                        let slot = def
                            .field_types
                            .iter_mut()
                            .find(|(f, _)| *f == from)
                            .ok_or_else(|| {
                                StoreError::invalid(format!(
                                    "Unknown field {from} in type {keyspace}.{name}"
                                ))
                            })?;
                        slot.0 = to.into();
                    }
                }
            }
            let ks = Arc::make_mut(ks);
            ks.user_types.insert(name.to_string(), Arc::new(def));
            // Every user of the type grows with it. The change is made on a copy of the
            // schema: refusing it here leaves the published schema as it was.
            check_keyspace_types(ks)?;
            refresh_user_types(ks);
            Ok(((), true))
        })
    }

    /// `DROP TYPE [IF EXISTS]`: refused while a table or another type uses it. Returns
    /// whether it existed.
    pub fn drop_type(
        &self,
        keyspace: &str,
        name: &str,
        if_exists: bool,
    ) -> Result<bool, StoreError> {
        check_user_keyspace(keyspace)?;
        self.change(|s| {
            let Some(ks) = s.keyspaces.get_mut(keyspace) else {
                return nothing_or(if_exists, || missing_keyspace(keyspace));
            };
            if !ks.user_types.contains_key(name) {
                return nothing_or(if_exists, || {
                    StoreError::invalid(format!("No user type named {keyspace}.{name} exists."))
                });
            }
            for (tname, table) in &ks.tables {
                if table
                    .schema
                    .columns
                    .iter()
                    .any(|c| references_type(&c.typ, name))
                {
                    return Err(StoreError::invalid(format!(
                        "Cannot drop user type {keyspace}.{name} as it is still used by table \
                         {keyspace}.{tname}"
                    )));
                }
            }
            for (other, def) in &ks.user_types {
                if other != name
                    && def
                        .field_types
                        .iter()
                        .any(|(_, t)| references_type(t, name))
                {
                    return Err(StoreError::invalid(format!(
                        "Cannot drop user type {keyspace}.{name} as it is still used by user \
                         type {keyspace}.{other}"
                    )));
                }
            }
            Arc::make_mut(ks).user_types.remove(name);
            Ok((true, true))
        })
    }
}

/// A new `Table` for an altered schema, sharing the data (re-keyed if the clustering
/// order changed).
fn publish(old: &Table, mut schema: TableSchema) -> Arc<Table> {
    if *schema.comparator == *old.schema.comparator {
        // Keep the comparator the stored rows already use.
        schema.comparator = old.schema.comparator.clone();
    } else {
        old.data.rekey(&schema.comparator);
    }
    Arc::new(Table {
        schema: Arc::new(schema),
        data: old.data.clone(),
    })
}

fn references_type(typ: &ColumnType<'_>, name: &str) -> bool {
    let mut found = false;
    visit_types(typ, &mut |t| {
        if let ColumnType::UserDefinedType { definition, .. } = t
            && definition.name == name
        {
            found = true;
        }
    });
    found
}

/// Rebuilds a type so that every user type in it is the keyspace's current definition.
fn refresh_type(
    typ: &ColumnType<'static>,
    types: &BTreeMap<String, Arc<UserDefinedType<'static>>>,
) -> ColumnType<'static> {
    match typ {
        ColumnType::Collection { frozen, typ } => ColumnType::Collection {
            frozen: *frozen,
            typ: match typ {
                CollectionType::List(e) => CollectionType::List(Box::new(refresh_type(e, types))),
                CollectionType::Set(e) => CollectionType::Set(Box::new(refresh_type(e, types))),
                CollectionType::Map(k, v) => CollectionType::Map(
                    Box::new(refresh_type(k, types)),
                    Box::new(refresh_type(v, types)),
                ),
                other => other.clone(),
            },
        },
        ColumnType::Vector { typ, dimensions } => ColumnType::Vector {
            typ: Box::new(refresh_type(typ, types)),
            dimensions: *dimensions,
        },
        ColumnType::Tuple(ts) => {
            ColumnType::Tuple(ts.iter().map(|t| refresh_type(t, types)).collect())
        }
        ColumnType::UserDefinedType { frozen, definition } => ColumnType::UserDefinedType {
            frozen: *frozen,
            definition: types
                .get(definition.name.as_ref())
                .cloned()
                .unwrap_or_else(|| definition.clone()),
        },
        other => other.clone(),
    }
}

/// After a user type changed: updates every type and table of the keyspace that uses it.
fn refresh_user_types(ks: &mut KeyspaceSchema) {
    // Types only reference types created before them and cycles are refused, so at
    // most one pass per type settles every definition.
    for _ in 0..=ks.user_types.len() {
        let snapshot = ks.user_types.clone();
        let mut changed = false;
        for def in ks.user_types.values_mut() {
            let fields: Vec<_> = def
                .field_types
                .iter()
                .map(|(n, t)| (n.clone(), refresh_type(t, &snapshot)))
                .collect();
            if fields != def.field_types {
                Arc::make_mut(def).field_types = fields;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    let types = ks.user_types.clone();
    for table in ks.tables.values_mut() {
        let uses_udt = table.schema.columns.iter().any(|c| {
            let mut found = false;
            visit_types(&c.typ, &mut |t| {
                found |= matches!(t, ColumnType::UserDefinedType { .. });
            });
            found
        });
        if !uses_udt {
            continue;
        }
        let mut schema = (*table.schema).clone();
        for c in &mut schema.columns {
            c.typ = refresh_type(&c.typ, &types);
        }
        schema.reindex();
        *table = publish(table, schema);
    }
}

fn check_field_type(
    ks: &KeyspaceSchema,
    type_name: &str,
    typ: &ColumnType<'_>,
) -> Result<(), StoreError> {
    if matches!(typ, ColumnType::UserDefinedType { frozen: false, .. }) {
        return Err(StoreError::invalid(format!(
            "A user type cannot contain non-frozen UDTs ({type_name})"
        )));
    }
    if matches!(typ, ColumnType::Native(NativeType::Counter)) {
        return Err(StoreError::invalid(format!(
            "A user type cannot contain counters ({type_name})"
        )));
    }
    check_nested(ks, typ, true)
}

/// Checks a type's nested types: they must be frozen (inside collections), not
/// counters, and name existing user types of the keyspace.
fn check_nested(ks: &KeyspaceSchema, typ: &ColumnType<'_>, top: bool) -> Result<(), StoreError> {
    match typ {
        ColumnType::Collection { typ: coll, .. } => {
            let inner: Vec<&ColumnType<'_>> = match coll {
                CollectionType::List(e) | CollectionType::Set(e) => vec![e],
                CollectionType::Map(k, v) => vec![k, v],
                _ => Vec::new(),
            };
            for t in inner {
                match t {
                    ColumnType::Collection { frozen: false, .. } => {
                        return Err(StoreError::invalid(format!(
                            "Non-frozen collections are not allowed inside collections: {typ}"
                        )));
                    }
                    ColumnType::UserDefinedType { frozen: false, .. } => {
                        return Err(StoreError::invalid(format!(
                            "Non-frozen UDTs are not allowed inside collections: {typ}"
                        )));
                    }
                    ColumnType::Native(NativeType::Counter) => {
                        return Err(StoreError::invalid(format!(
                            "Counters are not allowed inside collections: {typ}"
                        )));
                    }
                    _ => {}
                }
                check_nested(ks, t, false)?;
            }
            Ok(())
        }
        ColumnType::Vector {
            typ: elem,
            dimensions,
        } => {
            if *dimensions == 0 {
                return Err(StoreError::invalid(format!(
                    "vectors may only have positive dimensions; given {dimensions}"
                )));
            }
            if matches!(**elem, ColumnType::Native(NativeType::Counter)) {
                return Err(StoreError::invalid(format!(
                    "Counters are not allowed inside vectors: {typ}"
                )));
            }
            check_nested(ks, elem, false)
        }
        ColumnType::Tuple(ts) => {
            for t in ts {
                if matches!(t, ColumnType::Native(NativeType::Counter)) {
                    return Err(StoreError::invalid(format!(
                        "Counters are not allowed inside tuples: {typ}"
                    )));
                }
                check_nested(ks, t, false)?;
            }
            Ok(())
        }
        ColumnType::UserDefinedType { definition, .. } => {
            if definition.keyspace != ks.name {
                return Err(StoreError::invalid(format!(
                    "Statement on keyspace {} cannot refer to a user type in keyspace {}; user \
                     types can only be used in the keyspace they are defined in",
                    ks.name, definition.keyspace
                )));
            }
            if !ks.user_types.contains_key(definition.name.as_ref()) {
                return Err(StoreError::invalid(format!(
                    "Unknown type {}.{}",
                    ks.name, definition.name
                )));
            }
            let _ = top;
            Ok(())
        }
        _ => Ok(()),
    }
}

fn check_column(ks: &KeyspaceSchema, c: &NewColumn) -> Result<(), StoreError> {
    if c.name.is_empty() {
        return Err(StoreError::invalid("Column names must not be empty"));
    }
    check_identifier_length("Column", &c.name)?;
    check_nested(ks, &c.typ, true)?;
    TypeMeasure::default().check(&format!("column {}", c.name), &c.typ)?;
    let primary = matches!(c.kind, ColumnKind::PartitionKey | ColumnKind::Clustering);
    if primary {
        match &c.typ {
            ColumnType::Collection { frozen: false, .. } => {
                return Err(StoreError::invalid(format!(
                    "Invalid non-frozen collection type for PRIMARY KEY component {}",
                    c.name
                )));
            }
            ColumnType::UserDefinedType { frozen: false, .. } => {
                return Err(StoreError::invalid(format!(
                    "Invalid non-frozen user-defined type for PRIMARY KEY component {}",
                    c.name
                )));
            }
            ColumnType::Native(NativeType::Counter) => {
                return Err(StoreError::invalid(format!(
                    "counter type is not supported for PRIMARY KEY column '{}'",
                    c.name
                )));
            }
            _ => {}
        }
        let mut has_duration = false;
        visit_types(&c.typ, &mut |t| {
            has_duration |= matches!(t, ColumnType::Native(NativeType::Duration));
        });
        if has_duration {
            return Err(StoreError::invalid(format!(
                "duration type is not supported for PRIMARY KEY column '{}'",
                c.name
            )));
        }
    }
    Ok(())
}

fn build_table(ks: &KeyspaceSchema, def: &TableDef) -> Result<TableSchema, StoreError> {
    let mut columns = Vec::with_capacity(def.columns.len());
    let (mut pk_pos, mut ck_pos) = (0i32, 0i32);
    for (i, c) in def.columns.iter().enumerate() {
        if def.columns[..i].iter().any(|o| o.name == c.name) {
            return Err(StoreError::invalid(format!(
                "Duplicate column '{}' declaration for table '{}.{}'",
                c.name, def.keyspace, def.name
            )));
        }
        check_column(ks, c)?;
        let position = match c.kind {
            ColumnKind::PartitionKey => {
                pk_pos += 1;
                pk_pos - 1
            }
            ColumnKind::Clustering => {
                ck_pos += 1;
                ck_pos - 1
            }
            _ => -1,
        };
        columns.push(ColumnDef {
            id: ColumnId(u32::try_from(i).unwrap_or(u32::MAX)),
            name: c.name.clone(),
            kind: c.kind,
            position,
            typ: c.typ.clone(),
            order: if c.kind == ColumnKind::Clustering {
                c.order
            } else {
                ClusteringOrder::Asc
            },
        });
    }
    if pk_pos == 0 {
        return Err(StoreError::invalid(format!(
            "No PRIMARY KEY specifed for table '{}.{}' (exactly one required)",
            def.keyspace, def.name
        )));
    }
    let has_static = columns.iter().any(|c| c.kind == ColumnKind::Static);
    if has_static && ck_pos == 0 {
        return Err(StoreError::invalid(
            "Static columns are only useful (and thus allowed) if the table has at least one \
             clustering column",
        ));
    }
    let value_cols: Vec<&ColumnDef> = columns
        .iter()
        .filter(|c| matches!(c.kind, ColumnKind::Static | ColumnKind::Regular))
        .collect();
    let counters = value_cols.iter().filter(|c| c.is_counter()).count();
    if counters > 0 && counters < value_cols.len() {
        return Err(StoreError::invalid(
            "Cannot mix counter and non counter columns in the same table",
        ));
    }
    let mut options = default_options();
    apply_options(&mut options, &def.options)?;
    let default_ttl = option_int(&options, "default_time_to_live");
    if counters > 0 && default_ttl > 0 {
        return Err(StoreError::invalid(
            "Cannot set default_time_to_live on a table with counters",
        ));
    }
    let mut schema = TableSchema {
        keyspace: def.keyspace.clone(),
        name: def.name.clone(),
        id: def
            .id
            .unwrap_or_else(|| Uuid::now_v1(&[0x53, 0x49, 0x4d, 0x73, 0x74, 0x72])),
        next_column_id: u32::try_from(columns.len()).unwrap_or(u32::MAX),
        columns,
        id_index: Vec::new(),
        n_partition_key: 0,
        n_clustering: 0,
        options,
        default_ttl,
        is_counter: counters > 0,
        comparator: Arc::new(ClusteringComparator::new(Vec::new())),
        dropped_columns: BTreeMap::new(),
    };
    schema.reindex();
    Ok(schema)
}

fn add_column(
    ks: &KeyspaceSchema,
    schema: &mut TableSchema,
    c: NewColumn,
) -> Result<(), StoreError> {
    if schema.column(&c.name).is_some() {
        return Err(StoreError::invalid(format!(
            "Invalid column name {} because it conflicts with an existing column",
            c.name
        )));
    }
    if !matches!(c.kind, ColumnKind::Static | ColumnKind::Regular) {
        return Err(StoreError::invalid(format!(
            "Cannot add new PRIMARY KEY column {} to table {}.{}",
            c.name, schema.keyspace, schema.name
        )));
    }
    if c.kind == ColumnKind::Static && schema.n_clustering == 0 {
        return Err(StoreError::invalid(format!(
            "Static columns are not allowed in tables with no clustering columns ({})",
            c.name
        )));
    }
    check_column(ks, &c)?;
    let is_counter = matches!(c.typ, ColumnType::Native(NativeType::Counter));
    let has_values = !schema.value_columns().is_empty();
    if schema.is_counter && !is_counter {
        return Err(StoreError::invalid(format!(
            "Cannot add a non counter column ({}) in a counter table",
            c.name
        )));
    }
    if !schema.is_counter && is_counter && has_values {
        return Err(StoreError::invalid(format!(
            "Cannot add a counter column ({}) in a non counter table",
            c.name
        )));
    }
    let id = ColumnId(schema.next_column_id);
    schema.next_column_id = schema.next_column_id.saturating_add(1);
    schema.dropped_columns.remove(&c.name);
    schema.columns.push(ColumnDef {
        id,
        name: c.name,
        kind: c.kind,
        position: -1,
        typ: c.typ,
        order: ClusteringOrder::Asc,
    });
    Ok(())
}

fn drop_column(schema: &mut TableSchema, name: &str) -> Result<ColumnId, StoreError> {
    let Some(idx) = schema.columns.iter().position(|c| c.name == name) else {
        return Err(StoreError::invalid(format!(
            "Column {name} was not found in table {}",
            schema.name
        )));
    };
    let col = schema.columns.remove(idx);
    if matches!(col.kind, ColumnKind::PartitionKey | ColumnKind::Clustering) {
        return Err(StoreError::invalid(format!(
            "Cannot drop PRIMARY KEY part {name}"
        )));
    }
    schema.dropped_columns.insert(
        col.name.clone(),
        DroppedColumn {
            typ: col.typ.clone(),
            kind: col.kind,
            dropped_time_micros: Now::system().micros,
        },
    );
    Ok(col.id)
}

fn rename_column(schema: &mut TableSchema, from: &str, to: &str) -> Result<(), StoreError> {
    check_identifier_length("Column", to)?;
    if schema.column(to).is_some() {
        return Err(StoreError::invalid(format!(
            "Cannot rename column {from} to {to} in table {}; another column of that name \
             already exist",
            schema.name
        )));
    }
    let table = schema.name.clone();
    let col = schema
        .columns
        .iter_mut()
        .find(|c| c.name == from)
        .ok_or_else(|| {
            StoreError::invalid(format!(
                "Cannot rename unknown column {from} in table {table}"
            ))
        })?;
    if !matches!(col.kind, ColumnKind::PartitionKey | ColumnKind::Clustering) {
        return Err(StoreError::invalid(format!(
            "Cannot rename non PRIMARY KEY column {from}"
        )));
    }
    col.name = to.to_string();
    Ok(())
}

impl TableData {
    /// Rebuilds every partition's row index with a new clustering comparator.
    pub(crate) fn rekey(&self, cmp: &Arc<ClusteringComparator>) {
        self.for_each_partition_mut(|p| p.rekey(cmp));
    }
}

// ---------------------------------------------------------------------------------------
// Replication and table options
// ---------------------------------------------------------------------------------------

const LOCATOR: &str = "org.apache.cassandra.locator.";

fn normalize_replication(
    keyspace: &str,
    given: &BTreeMap<String, String>,
) -> Result<BTreeMap<String, String>, StoreError> {
    let class = given
        .get("class")
        .ok_or_else(|| StoreError::Config("Missing replication strategy class".into()))?;
    let short = class.strip_prefix(LOCATOR).unwrap_or(class);
    let short = match short {
        "SimpleStrategy" | "NetworkTopologyStrategy" | "LocalStrategy" | "EverywhereStrategy" => {
            short
        }
        _ => {
            return Err(StoreError::Config(format!(
                "Unable to find replication strategy class '{class}'"
            )));
        }
    };
    let check_rf = |v: &str| -> Result<(), StoreError> {
        match v.trim().parse::<i64>() {
            Ok(n) if n >= 0 => Ok(()),
            Ok(n) => Err(StoreError::Config(format!(
                "Replication factor must be non-negative; found {n}"
            ))),
            Err(_) => Err(StoreError::Config(format!(
                "'{v}' is not a valid replication factor"
            ))),
        }
    };
    let mut out = BTreeMap::new();
    out.insert("class".to_string(), format!("{LOCATOR}{short}"));
    for (k, v) in given {
        if k == "class" {
            continue;
        }
        match short {
            "SimpleStrategy" if k != "replication_factor" => {
                return Err(StoreError::Config(format!(
                    "Unrecognized strategy option {{{k}}} passed to SimpleStrategy for keyspace \
                     {keyspace}"
                )));
            }
            "SimpleStrategy" | "NetworkTopologyStrategy" => check_rf(v)?,
            _ => {}
        }
        out.insert(k.clone(), v.clone());
    }
    if short == "SimpleStrategy" && !out.contains_key("replication_factor") {
        return Err(StoreError::Config(
            "SimpleStrategy requires a replication_factor strategy option.".into(),
        ));
    }
    Ok(out)
}

fn text(s: &str) -> OptionValue {
    OptionValue::Text(s.to_string())
}

fn map(pairs: &[(&str, &str)]) -> OptionValue {
    OptionValue::Map(
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    )
}

/// The options of a table created without `WITH`, as Cassandra fills them in.
pub fn default_options() -> BTreeMap<String, OptionValue> {
    let mut o = BTreeMap::new();
    o.insert("bloom_filter_fp_chance".into(), text("0.01"));
    o.insert(
        "caching".into(),
        map(&[("keys", "ALL"), ("rows_per_partition", "NONE")]),
    );
    o.insert("comment".into(), text(""));
    o.insert(
        "compaction".into(),
        map(&[
            (
                "class",
                "org.apache.cassandra.db.compaction.SizeTieredCompactionStrategy",
            ),
            ("max_threshold", "32"),
            ("min_threshold", "4"),
        ]),
    );
    o.insert(
        "compression".into(),
        map(&[
            ("chunk_length_in_kb", "16"),
            ("class", "org.apache.cassandra.io.compress.LZ4Compressor"),
        ]),
    );
    o.insert("crc_check_chance".into(), text("1.0"));
    o.insert("dclocal_read_repair_chance".into(), text("0.0"));
    o.insert("default_time_to_live".into(), text("0"));
    o.insert("extensions".into(), map(&[]));
    o.insert("gc_grace_seconds".into(), text("864000"));
    o.insert("max_index_interval".into(), text("2048"));
    o.insert("memtable_flush_period_in_ms".into(), text("0"));
    o.insert("min_index_interval".into(), text("128"));
    o.insert("read_repair_chance".into(), text("0.0"));
    o.insert("speculative_retry".into(), text("99PERCENTILE"));
    o
}

enum OptionKind {
    Text,
    Int { min: i64, max: i64 },
    Fraction { min_exclusive: bool },
    Boolean,
    Map,
}

fn option_kind(name: &str) -> Option<OptionKind> {
    Some(match name {
        "comment" | "speculative_retry" | "additional_write_policy" | "read_repair" => {
            OptionKind::Text
        }
        "default_time_to_live" => OptionKind::Int {
            min: 0,
            max: i64::from(MAX_TTL),
        },
        "gc_grace_seconds" | "memtable_flush_period_in_ms" | "paxos_grace_seconds" => {
            OptionKind::Int {
                min: 0,
                max: i64::from(i32::MAX),
            }
        }
        "min_index_interval" | "max_index_interval" => OptionKind::Int {
            min: 1,
            max: i64::from(i32::MAX),
        },
        "bloom_filter_fp_chance" => OptionKind::Fraction {
            min_exclusive: true,
        },
        "crc_check_chance" | "read_repair_chance" | "dclocal_read_repair_chance" => {
            OptionKind::Fraction {
                min_exclusive: false,
            }
        }
        "synchronous_updates" => OptionKind::Boolean,
        "caching"
        | "compaction"
        | "compression"
        | "extensions"
        | "cdc"
        | "per_partition_rate_limit"
        | "tombstone_gc" => OptionKind::Map,
        _ => return None,
    })
}

fn expand_class(class: &str, package: &str) -> String {
    if class.contains('.') {
        class.to_string()
    } else {
        format!("{package}{class}")
    }
}

/// Checks `given` options and merges them into `options`.
fn apply_options(
    options: &mut BTreeMap<String, OptionValue>,
    given: &BTreeMap<String, OptionValue>,
) -> Result<(), StoreError> {
    for (name, value) in given {
        let kind = option_kind(name)
            .ok_or_else(|| StoreError::Syntax(format!("Unknown property '{name}'")))?;
        let value = match (kind, value) {
            (OptionKind::Map, OptionValue::Map(m)) => {
                let mut m = m.clone();
                if name == "compaction" {
                    let class = m.get("class").ok_or_else(|| {
                        StoreError::Config(
                            "Missing sub-option 'class' for the 'compaction' option.".into(),
                        )
                    })?;
                    let full = expand_class(class, "org.apache.cassandra.db.compaction.");
                    m.insert("class".into(), full);
                }
                if name == "compression"
                    && let Some(class) = m.get("class").or_else(|| m.get("sstable_compression"))
                    && !class.is_empty()
                {
                    let full = expand_class(class, "org.apache.cassandra.io.compress.");
                    m.remove("sstable_compression");
                    m.insert("class".into(), full);
                }
                OptionValue::Map(m)
            }
            (OptionKind::Map, OptionValue::Text(_)) => {
                return Err(StoreError::Syntax(format!(
                    "Invalid value for property '{name}'. It should be a map."
                )));
            }
            (_, OptionValue::Map(_)) => {
                return Err(StoreError::Syntax(format!(
                    "Invalid value for property '{name}'. It should be a string"
                )));
            }
            (OptionKind::Text, OptionValue::Text(t)) => OptionValue::Text(t.clone()),
            (OptionKind::Int { min, max }, OptionValue::Text(t)) => {
                let n: i64 = t.trim().parse().map_err(|_| {
                    StoreError::Syntax(format!("Invalid integer value {t} for property '{name}'"))
                })?;
                if n < min {
                    return Err(StoreError::Config(format!(
                        "{name} must be greater than or equal to {min} (got {n})"
                    )));
                }
                if n > max {
                    return Err(StoreError::Config(format!(
                        "{name} must be less than or equal to {max} (got {n})"
                    )));
                }
                OptionValue::Text(n.to_string())
            }
            (OptionKind::Fraction { min_exclusive }, OptionValue::Text(t)) => {
                let f: f64 = t.trim().parse().map_err(|_| {
                    StoreError::Syntax(format!("Invalid double value {t} for property '{name}'"))
                })?;
                let low_ok = if min_exclusive { f > 0.0 } else { f >= 0.0 };
                if !low_ok || f > 1.0 {
                    return Err(StoreError::Config(format!(
                        "{name} must be {} 0 and <= 1 (got {t})",
                        if min_exclusive { ">" } else { ">=" }
                    )));
                }
                OptionValue::Text(t.trim().to_string())
            }
            (OptionKind::Boolean, OptionValue::Text(t)) => {
                let b = t.trim().to_ascii_lowercase();
                if b != "true" && b != "false" {
                    return Err(StoreError::Syntax(format!(
                        "Invalid boolean value {t} for property '{name}'"
                    )));
                }
                OptionValue::Text(b)
            }
        };
        options.insert(name.clone(), value);
    }
    if option_int(options, "min_index_interval") > option_int(options, "max_index_interval")
        && options.contains_key("max_index_interval")
    {
        return Err(StoreError::Config(
            "max_index_interval must be greater than or equal to min_index_interval".into(),
        ));
    }
    Ok(())
}

fn option_int(options: &BTreeMap<String, OptionValue>, name: &str) -> i32 {
    options
        .get(name)
        .and_then(OptionValue::as_text)
        .and_then(|t| t.parse().ok())
        .unwrap_or(0)
}
