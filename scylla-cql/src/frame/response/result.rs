//! The RESULT message (spec section 4.2.5): Void, Rows, Set_keyspace, Prepared and
//! Schema_change, the result metadata, column type `[option]`s, and a builder of Rows
//! bodies ([`RowsWriter`]).
//!
//! A Rows result is parsed in two steps. [`deserialize`] reads only the flags, the
//! column count, the paging state and the new metadata id, and keeps the rest as
//! `Bytes` ([`RawMetadataAndRawRows`]). [`RawMetadataAndRawRows::deserialize_metadata`]
//! then reads the column specs and the row count; the rows stay raw
//! ([`DeserializedMetadataAndRawRows::raw_rows`]) for the deserialization module to
//! iterate without copying.

use std::result::Result as StdResult;
use std::sync::Arc;

use bytes::Bytes;

use crate::deserialize::FrameSlice;
use crate::deserialize::TypeCheckError;
use crate::deserialize::result::{RawRowIterator, TypedRowIterator};
use crate::deserialize::row::DeserializeRow;
use crate::frame::frame_errors::LowLevelDeserializationError;
use crate::frame::protocol_features::ProtocolFeatures;
use crate::frame::types;

use super::column_type::MAX_TYPE_NESTING_DEPTH;
use super::custom_type_parser;
use super::event::SchemaChangeEvent;
use super::paging_state_shim::PagingStateResponse;
use super::parse_errors::{
    ColumnSpecParseError, ColumnSpecParseErrorKind, CqlResponseSerializationError,
    CqlResultParseError, CqlTypeParseError, PreparedMetadataParseError, PreparedParseError,
    RawRowsAndPagingStateResponseParseError, ResultMetadataAndRowsCountParseError,
    ResultMetadataParseError, RowsWriterError, SetKeyspaceParseError, TableSpecParseError,
};
use super::write_helpers::{
    put_bytes_opt, put_int_count, put_short_bytes, put_short_count, put_string,
};

pub use super::column_type::{
    CollectionType, ColumnSpec, ColumnType, NativeType, PartitionKeyIndex, PreparedMetadata,
    TableSpec, UserDefinedType,
};

/// The `kind` `[int]`s of RESULT bodies.
pub mod kind {
    /// Void.
    pub const VOID: i32 = 0x0001;
    /// Rows.
    pub const ROWS: i32 = 0x0002;
    /// Set_keyspace.
    pub const SET_KEYSPACE: i32 = 0x0003;
    /// Prepared.
    pub const PREPARED: i32 = 0x0004;
    /// Schema_change.
    pub const SCHEMA_CHANGE: i32 = 0x0005;
}

/// The flags of result metadata (spec 4.2.5.2; Metadata_changed from protocol v5,
/// used in v4 with ScyllaDB's SCYLLA_USE_METADATA_ID).
pub mod flags {
    /// One table spec for all columns.
    pub const GLOBAL_TABLES_SPEC: i32 = 0x0001;
    /// More pages follow; a paging state is present.
    pub const HAS_MORE_PAGES: i32 = 0x0002;
    /// No column specs are present.
    pub const NO_METADATA: i32 = 0x0004;
    /// The metadata changed; a new metadata id is present.
    pub const METADATA_CHANGED: i32 = 0x0008;
}

/// Bytes that are either borrowed or shared (one definition, shared with the requests).
pub mod cow_bytes {
    pub use crate::frame::request::cow_bytes::CowBytes;
}

// ---------------------------------------------------------------------------------------
// Column types: [option]
// ---------------------------------------------------------------------------------------

const OPTION_CUSTOM: u16 = 0x0000;
const OPTION_LIST: u16 = 0x0020;
const OPTION_MAP: u16 = 0x0021;
const OPTION_SET: u16 = 0x0022;
const OPTION_UDT: u16 = 0x0030;
const OPTION_TUPLE: u16 = 0x0031;

fn deser_type<'f>(
    buf: &mut &'f [u8],
    depth: usize,
) -> StdResult<ColumnType<'f>, CqlTypeParseError> {
    use CqlTypeParseError as E;
    if depth > MAX_TYPE_NESTING_DEPTH {
        return Err(E::TypeNestingTooDeep {
            max_depth: MAX_TYPE_NESTING_DEPTH,
        });
    }
    let id = types::read_short(buf).map_err(E::TypeIdParseError)?;
    Ok(match id {
        OPTION_CUSTOM => {
            let name = types::read_string(buf).map_err(E::CustomTypeNameParseError)?;
            custom_type_parser::parse(name)?
        }
        OPTION_LIST => ColumnType::Collection {
            frozen: false,
            typ: CollectionType::List(Box::new(deser_type(buf, depth + 1)?)),
        },
        OPTION_SET => ColumnType::Collection {
            frozen: false,
            typ: CollectionType::Set(Box::new(deser_type(buf, depth + 1)?)),
        },
        OPTION_MAP => {
            let k = deser_type(buf, depth + 1)?;
            let v = deser_type(buf, depth + 1)?;
            ColumnType::Collection {
                frozen: false,
                typ: CollectionType::Map(Box::new(k), Box::new(v)),
            }
        }
        OPTION_UDT => {
            let keyspace = types::read_string(buf).map_err(E::UdtKeyspaceNameParseError)?;
            let name = types::read_string(buf).map_err(E::UdtNameParseError)?;
            let n = types::read_short_length(buf).map_err(E::UdtFieldsCountParseError)?;
            // A field takes at least 4 bytes (name length and type id).
            let mut field_types = Vec::with_capacity(n.min(buf.len() / 4));
            for _ in 0..n {
                let field = types::read_string(buf).map_err(E::UdtFieldNameParseError)?;
                let t = deser_type(buf, depth + 1)?;
                field_types.push((field.into(), t));
            }
            ColumnType::UserDefinedType {
                frozen: false,
                definition: Arc::new(UserDefinedType {
                    name: name.into(),
                    keyspace: keyspace.into(),
                    field_types,
                }),
            }
        }
        OPTION_TUPLE => {
            let n = types::read_short_length(buf).map_err(E::TupleLengthParseError)?;
            let mut ts = Vec::with_capacity(n.min(buf.len() / 2));
            for _ in 0..n {
                ts.push(deser_type(buf, depth + 1)?);
            }
            ColumnType::Tuple(ts)
        }
        id => ColumnType::Native(NativeType::from_option_id(id).ok_or(E::TypeNotImplemented(id))?),
    })
}

fn ser_type(t: &ColumnType<'_>, buf: &mut Vec<u8>) -> StdResult<(), CqlResponseSerializationError> {
    match t {
        ColumnType::Native(n) => types::write_short(n.option_id(), buf),
        ColumnType::Collection { typ, .. } => match typ {
            CollectionType::List(e) => {
                types::write_short(OPTION_LIST, buf);
                ser_type(e, buf)?;
            }
            CollectionType::Set(e) => {
                types::write_short(OPTION_SET, buf);
                ser_type(e, buf)?;
            }
            CollectionType::Map(k, v) => {
                types::write_short(OPTION_MAP, buf);
                ser_type(k, buf)?;
                ser_type(v, buf)?;
            }
        },
        ColumnType::Vector { .. } => {
            types::write_short(OPTION_CUSTOM, buf);
            put_string(&t.to_class_name(), "custom type class name", buf)?;
        }
        ColumnType::UserDefinedType { definition, .. } => {
            types::write_short(OPTION_UDT, buf);
            put_string(&definition.keyspace, "UDT keyspace name", buf)?;
            put_string(&definition.name, "UDT name", buf)?;
            put_short_count(definition.field_types.len(), "UDT field count", buf)?;
            for (name, t) in &definition.field_types {
                put_string(name, "UDT field name", buf)?;
                ser_type(t, buf)?;
            }
        }
        ColumnType::Tuple(ts) => {
            types::write_short(OPTION_TUPLE, buf);
            put_short_count(ts.len(), "tuple length", buf)?;
            for t in ts {
                ser_type(t, buf)?;
            }
        }
        ColumnType::Custom(name) => {
            types::write_short(OPTION_CUSTOM, buf);
            put_string(name, "custom type class name", buf)?;
        }
    }
    Ok(())
}

impl<'f> ColumnType<'f> {
    /// Reads a column type `[option]` (spec 4.2.5.2). Custom types (id 0x0000) go
    /// through the class-name parser, so `VectorType(...)` becomes
    /// [`ColumnType::Vector`]. Collections and UDTs are reported as not frozen: the
    /// protocol does not say. Nesting deeper than [`MAX_TYPE_NESTING_DEPTH`] is an
    /// error.
    pub fn deserialize_option(buf: &mut &'f [u8]) -> StdResult<ColumnType<'f>, CqlTypeParseError> {
        deser_type(buf, 0)
    }
}

impl ColumnType<'_> {
    /// Appends this type as an `[option]`. Vectors and custom types are written as
    /// custom types (id 0x0000) with their class name; `frozen` is not expressed.
    pub fn serialize_option(
        &self,
        buf: &mut Vec<u8>,
    ) -> StdResult<(), CqlResponseSerializationError> {
        ser_type(self, buf)
    }
}

// ---------------------------------------------------------------------------------------
// Column specs
// ---------------------------------------------------------------------------------------

fn deser_table_spec<'f>(buf: &mut &'f [u8]) -> StdResult<TableSpec<'f>, TableSpecParseError> {
    let ks = types::read_string(buf).map_err(TableSpecParseError::MalformedKeyspaceName)?;
    let table = types::read_string(buf).map_err(TableSpecParseError::MalformedTableName)?;
    Ok(TableSpec::borrowed(ks, table))
}

fn deser_col_specs<'f>(
    buf: &mut &'f [u8],
    global: Option<&TableSpec<'f>>,
    col_count: usize,
) -> StdResult<Vec<ColumnSpec<'f>>, ColumnSpecParseError> {
    // A spec takes at least 4 bytes (name length and type id).
    let mut specs = Vec::with_capacity(col_count.min(buf.len() / 4));
    for i in 0..col_count {
        let err = |k: ColumnSpecParseErrorKind| ColumnSpecParseError::new(i, k);
        let table_spec = match global {
            Some(g) => g.clone(),
            None => deser_table_spec(buf).map_err(|e| err(e.into()))?,
        };
        let name = types::read_string(buf).map_err(|e| err(e.into()))?;
        let typ = deser_type(buf, 0).map_err(|e| err(e.into()))?;
        specs.push(ColumnSpec::borrowed(name, typ, table_spec));
    }
    Ok(specs)
}

/// The single table all specs belong to, if there is one.
fn common_table<'s, 'f>(specs: &'s [ColumnSpec<'f>]) -> Option<&'s TableSpec<'f>> {
    let first = specs.first()?.table_spec();
    specs
        .iter()
        .all(|s| s.table_spec() == first)
        .then_some(first)
}

fn ser_col_specs(
    specs: &[ColumnSpec<'_>],
    global: bool,
    buf: &mut Vec<u8>,
) -> StdResult<(), CqlResponseSerializationError> {
    if global && let Some(first) = specs.first() {
        put_string(first.table_spec().ks_name(), "keyspace name", buf)?;
        put_string(first.table_spec().table_name(), "table name", buf)?;
    }
    for spec in specs {
        if !global {
            put_string(spec.table_spec().ks_name(), "keyspace name", buf)?;
            put_string(spec.table_spec().table_name(), "table name", buf)?;
        }
        put_string(spec.name(), "column name", buf)?;
        ser_type(spec.typ(), buf)?;
    }
    Ok(())
}

fn too_few(expected: usize, received: usize) -> LowLevelDeserializationError {
    LowLevelDeserializationError::TooFewBytesReceived { expected, received }
}

// ---------------------------------------------------------------------------------------
// Result metadata
// ---------------------------------------------------------------------------------------

/// The metadata of a result set: the columns' names, types and tables.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResultMetadata<'a> {
    col_count: usize,
    col_specs: Vec<ColumnSpec<'a>>,
    id: Option<Bytes>,
}

impl<'a> ResultMetadata<'a> {
    /// Metadata of the given columns.
    pub fn new(col_specs: Vec<ColumnSpec<'a>>) -> Self {
        Self {
            col_count: col_specs.len(),
            col_specs,
            id: None,
        }
    }

    /// Metadata with a result metadata id (the id a server gives this metadata, see
    /// SCYLLA_USE_METADATA_ID).
    pub fn with_id(mut self, id: Option<Bytes>) -> Self {
        self.id = id;
        self
    }

    /// The number of columns. Equal to `col_specs().len()` except for the (empty)
    /// result metadata of a Prepared result sent with No_metadata.
    #[inline]
    pub fn col_count(&self) -> usize {
        self.col_count
    }

    /// The columns.
    #[inline]
    pub fn col_specs(&self) -> &[ColumnSpec<'a>] {
        &self.col_specs
    }

    /// The result metadata id, if the server sent one: the `result_metadata_id` of a
    /// Prepared result or the `new_metadata_id` of a Rows result whose metadata
    /// changed.
    #[inline]
    pub fn id(&self) -> Option<&[u8]> {
        self.id.as_deref()
    }

    /// Converts into metadata that owns all its strings.
    pub fn into_owned(self) -> ResultMetadata<'static> {
        ResultMetadata {
            col_count: self.col_count,
            col_specs: self
                .col_specs
                .into_iter()
                .map(ColumnSpec::into_owned)
                .collect(),
            id: self.id,
        }
    }

    /// Empty metadata (no columns).
    #[inline]
    pub fn mock_empty() -> Self {
        Self {
            col_count: 0,
            col_specs: Vec::new(),
            id: None,
        }
    }

    /// Appends `<metadata>` as in a Rows result (spec 4.2.5.2): flags, column count,
    /// paging state and new metadata id as `options` say, then (unless No_metadata)
    /// the table spec and column specs. The Global_tables_spec flag is used when all
    /// columns belong to one table. No_metadata is also set when `col_specs` does not
    /// describe all `col_count` columns.
    pub fn serialize(
        &self,
        options: &MetadataWriteOptions<'_>,
        buf: &mut Vec<u8>,
    ) -> StdResult<(), CqlResponseSerializationError> {
        let no_metadata = options.no_metadata || self.col_specs.len() != self.col_count;
        if no_metadata && options.new_metadata_id.is_some() {
            return Err(CqlResponseSerializationError::Unrepresentable(
                "a new metadata id cannot be sent with the No_metadata flag",
            ));
        }
        let global = !no_metadata && common_table(&self.col_specs).is_some();
        let mut f = 0;
        if global {
            f |= flags::GLOBAL_TABLES_SPEC;
        }
        if options.paging_state.is_some() {
            f |= flags::HAS_MORE_PAGES;
        }
        if no_metadata {
            f |= flags::NO_METADATA;
        }
        if options.new_metadata_id.is_some() {
            f |= flags::METADATA_CHANGED;
        }
        types::write_int(f, buf);
        put_int_count(self.col_count, "column count", buf)?;
        if let Some(ps) = options.paging_state {
            put_bytes_opt(Some(ps), "paging state", buf)?;
        }
        if let Some(id) = options.new_metadata_id {
            put_short_bytes(id, "new metadata id", buf)?;
        }
        if !no_metadata {
            ser_col_specs(&self.col_specs, global, buf)?;
        }
        Ok(())
    }
}

/// What to write besides the columns in [`ResultMetadata::serialize`] and
/// [`RowsWriter::new`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MetadataWriteOptions<'a> {
    /// The paging state of the next page; sets Has_more_pages.
    pub paging_state: Option<&'a [u8]>,
    /// Leave out the column specs (the client asked to skip metadata).
    pub no_metadata: bool,
    /// The new result metadata id; sets Metadata_changed. Send it only to clients
    /// that negotiated SCYLLA_USE_METADATA_ID (others do not read it).
    pub new_metadata_id: Option<&'a [u8]>,
}

/// Result metadata either owned or shared with a cache (a prepared statement's).
#[derive(Debug, Clone)]
pub enum ResultMetadataHolder {
    /// Metadata read from the result itself.
    SelfBorrowed(SelfBorrowedMetadataContainer),
    /// Metadata cached by the caller (the result had No_metadata).
    SharedCached(Arc<ResultMetadata<'static>>),
}

impl ResultMetadataHolder {
    /// The metadata.
    #[inline]
    pub fn inner(&self) -> &ResultMetadata<'_> {
        match self {
            ResultMetadataHolder::SelfBorrowed(c) => c.metadata(),
            ResultMetadataHolder::SharedCached(m) => m,
        }
    }

    /// The metadata in an `Arc` (cloned unless already shared).
    pub fn make_owned_arced(&self) -> Arc<ResultMetadata<'static>> {
        match self {
            ResultMetadataHolder::SelfBorrowed(c) => Arc::new(c.metadata.clone()),
            ResultMetadataHolder::SharedCached(m) => Arc::clone(m),
        }
    }

    /// Empty metadata.
    pub fn mock_empty() -> Self {
        Self::SelfBorrowed(SelfBorrowedMetadataContainer::mock_empty())
    }
}

/// Metadata read from a Rows result.
///
/// (Upstream borrows the strings from the frame; this crate copies them once when
/// the metadata is deserialized, so the container is an ordinary owned value.)
#[derive(Debug, Clone)]
pub struct SelfBorrowedMetadataContainer {
    metadata: ResultMetadata<'static>,
}

impl SelfBorrowedMetadataContainer {
    /// A container of `metadata`.
    pub fn new(metadata: ResultMetadata<'static>) -> Self {
        Self { metadata }
    }

    /// The metadata.
    #[inline]
    pub fn metadata(&self) -> &ResultMetadata<'_> {
        &self.metadata
    }

    /// Empty metadata.
    pub fn mock_empty() -> Self {
        Self::new(ResultMetadata::mock_empty())
    }
}

// ---------------------------------------------------------------------------------------
// Rows
// ---------------------------------------------------------------------------------------

/// A Rows result with its metadata and rows still serialized: only the flags, the
/// column count, the paging state and the new metadata id have been read.
#[derive(Debug, Clone)]
pub struct RawMetadataAndRawRows {
    col_count: usize,
    global_tables_spec: bool,
    no_metadata: bool,
    new_metadata_id: Option<Bytes>,
    /// The body after the eagerly read part: `[<global_table_spec>][<col_spec>...]
    /// <rows_count><rows_content>`.
    raw_metadata_and_rows: Bytes,
    cached_metadata: Option<Arc<ResultMetadata<'static>>>,
}

impl RawMetadataAndRawRows {
    /// An empty result: no columns, no rows.
    pub fn mock_empty() -> Self {
        static ZERO_ROWS: [u8; 4] = [0, 0, 0, 0];
        Self {
            col_count: 0,
            global_tables_spec: false,
            no_metadata: false,
            new_metadata_id: None,
            raw_metadata_and_rows: Bytes::from_static(&ZERO_ROWS),
            cached_metadata: None,
        }
    }

    /// The size of the still-serialized metadata and rows.
    #[inline]
    pub fn metadata_and_rows_bytes_size(&self) -> usize {
        self.raw_metadata_and_rows.len()
    }

    /// Whether the server left out the column specs (No_metadata).
    #[inline]
    pub fn no_metadata(&self) -> bool {
        self.no_metadata
    }

    /// Whether the server said the result metadata changed (Metadata_changed, read
    /// only with SCYLLA_USE_METADATA_ID); the new id is
    /// [`new_metadata_id`](Self::new_metadata_id).
    #[inline]
    pub fn metadata_changed(&self) -> bool {
        self.new_metadata_id.is_some()
    }

    /// The new result metadata id, when the metadata changed.
    #[inline]
    pub fn new_metadata_id(&self) -> Option<&Bytes> {
        self.new_metadata_id.as_ref()
    }

    /// The number of columns.
    #[inline]
    pub fn col_count(&self) -> usize {
        self.col_count
    }

    /// Reads the column specs (or takes the cached metadata when the result has
    /// No_metadata) and the row count. The rows stay serialized.
    pub fn deserialize_metadata(
        self,
    ) -> StdResult<DeserializedMetadataAndRawRows, ResultMetadataAndRowsCountParseError> {
        let total = self.raw_metadata_and_rows.len();
        let mut cur: &[u8] = &self.raw_metadata_and_rows;
        let metadata = if self.no_metadata {
            let cached = self
                .cached_metadata
                .ok_or(ResultMetadataParseError::MissingCachedMetadata)?;
            if cached.col_count() != self.col_count {
                return Err(
                    ResultMetadataParseError::CachedMetadataColumnCountMismatch {
                        cached: cached.col_count(),
                        received: self.col_count,
                    }
                    .into(),
                );
            }
            ResultMetadataHolder::SharedCached(cached)
        } else {
            let global = if self.global_tables_spec {
                Some(deser_table_spec(&mut cur).map_err(ResultMetadataParseError::from)?)
            } else {
                None
            };
            let specs = deser_col_specs(&mut cur, global.as_ref(), self.col_count)
                .map_err(ResultMetadataParseError::from)?;
            let metadata = ResultMetadata::new(specs)
                .with_id(self.new_metadata_id.clone())
                .into_owned();
            ResultMetadataHolder::SelfBorrowed(SelfBorrowedMetadataContainer::new(metadata))
        };
        let rows_count = types::read_int_length(&mut cur)
            .map_err(ResultMetadataAndRowsCountParseError::RowsCountParseError)?;
        let col_count = metadata.inner().col_count();
        if col_count == 0 && rows_count > 0 {
            return Err(ResultMetadataAndRowsCountParseError::RowsWithoutColumns { rows_count });
        }
        if col_count > 0 && rows_count.saturating_mul(col_count).saturating_mul(4) > cur.len() {
            return Err(ResultMetadataAndRowsCountParseError::RowsCountTooLarge {
                rows_count,
                col_count,
                remaining_bytes: cur.len(),
            });
        }
        let offset = total - cur.len();
        Ok(DeserializedMetadataAndRawRows {
            metadata,
            rows_count,
            raw_rows: self.raw_metadata_and_rows.slice(offset..),
            metadata_and_rows_bytes_size: total,
        })
    }

    /// Appends the Rows body (after the kind): flags, column count, `paging_state`,
    /// the new metadata id, then the stored metadata and rows unchanged.
    pub fn serialize(
        &self,
        paging_state: &PagingStateResponse,
        buf: &mut Vec<u8>,
    ) -> StdResult<(), CqlResponseSerializationError> {
        let paging = match paging_state {
            PagingStateResponse::HasMorePages { state } => {
                Some(state.as_bytes_slice().map(|s| &s[..]).unwrap_or(&[]))
            }
            PagingStateResponse::NoMorePages => None,
        };
        let mut f = 0;
        if self.global_tables_spec {
            f |= flags::GLOBAL_TABLES_SPEC;
        }
        if paging.is_some() {
            f |= flags::HAS_MORE_PAGES;
        }
        if self.no_metadata {
            f |= flags::NO_METADATA;
        }
        if self.new_metadata_id.is_some() {
            f |= flags::METADATA_CHANGED;
        }
        types::write_int(f, buf);
        put_int_count(self.col_count, "column count", buf)?;
        if let Some(p) = paging {
            put_bytes_opt(Some(p), "paging state", buf)?;
        }
        if let Some(id) = &self.new_metadata_id {
            put_short_bytes(id, "new metadata id", buf)?;
        }
        buf.extend_from_slice(&self.raw_metadata_and_rows);
        Ok(())
    }
}

/// Whether `flags` say Metadata_changed. The flag is defined by protocol v5; in v4 it
/// is only meaningful with SCYLLA_USE_METADATA_ID and ignored otherwise.
fn metadata_changed(f: i32, features: &ProtocolFeatures) -> bool {
    features.scylla_metadata_id_supported && f & flags::METADATA_CHANGED != 0
}

/// Reads the eagerly parsed head of a Rows body (after the kind).
fn deser_rows(
    body: &Bytes,
    cur: &mut &[u8],
    cached_metadata: Option<&Arc<ResultMetadata<'static>>>,
    features: &ProtocolFeatures,
) -> StdResult<(RawMetadataAndRawRows, PagingStateResponse), RawRowsAndPagingStateResponseParseError>
{
    use RawRowsAndPagingStateResponseParseError as E;
    let f = types::read_int(cur).map_err(E::FlagsParseError)?;
    let col_count = types::read_int_length(cur).map_err(E::ColumnCountParseError)?;
    let paging = if f & flags::HAS_MORE_PAGES != 0 {
        PagingStateResponse::new_from_raw_bytes(Some(
            types::read_bytes_opt(cur)
                .map_err(E::PagingStateParseError)?
                .unwrap_or(&[]),
        ))
    } else {
        PagingStateResponse::new_from_raw_bytes(None)
    };
    let no_metadata = f & flags::NO_METADATA != 0;
    let new_metadata_id = if metadata_changed(f, features) {
        if no_metadata {
            return Err(E::IdPresentForEmptyMetadata);
        }
        Some(Bytes::copy_from_slice(
            types::read_short_bytes(cur).map_err(E::NewMetadataIdParseError)?,
        ))
    } else {
        None
    };
    let offset = body.len() - cur.len();
    let raw_metadata_and_rows = body.slice(offset..);
    *cur = &[];
    Ok((
        RawMetadataAndRawRows {
            col_count,
            global_tables_spec: f & flags::GLOBAL_TABLES_SPEC != 0,
            no_metadata,
            new_metadata_id,
            raw_metadata_and_rows,
            cached_metadata: cached_metadata.cloned(),
        },
        paging,
    ))
}

/// A Rows result whose metadata has been read; the rows are still serialized.
#[derive(Debug, Clone)]
pub struct DeserializedMetadataAndRawRows {
    metadata: ResultMetadataHolder,
    rows_count: usize,
    raw_rows: Bytes,
    metadata_and_rows_bytes_size: usize,
}

impl DeserializedMetadataAndRawRows {
    /// Rows from their parts. `raw_rows` must hold `rows_count` rows of
    /// `metadata.col_count()` `[bytes]` cells each; it is checked lazily, by whoever
    /// iterates the rows.
    pub fn new(metadata: ResultMetadataHolder, rows_count: usize, raw_rows: Bytes) -> Self {
        let metadata_and_rows_bytes_size = raw_rows.len();
        Self {
            metadata,
            rows_count,
            raw_rows,
            metadata_and_rows_bytes_size,
        }
    }

    /// The metadata.
    #[inline]
    pub fn metadata(&self) -> &ResultMetadata<'_> {
        self.metadata.inner()
    }

    /// The metadata holder.
    #[inline]
    pub fn into_metadata(self) -> ResultMetadataHolder {
        self.metadata
    }

    /// The metadata holder, the row count and the serialized rows.
    pub fn into_parts(self) -> (ResultMetadataHolder, usize, Bytes) {
        (self.metadata, self.rows_count, self.raw_rows)
    }

    /// The number of rows.
    #[inline]
    pub fn rows_count(&self) -> usize {
        self.rows_count
    }

    /// The size of the serialized rows.
    #[inline]
    pub fn rows_bytes_size(&self) -> usize {
        self.raw_rows.len()
    }

    /// The size of the serialized metadata and rows, as received.
    #[inline]
    pub fn metadata_and_rows_bytes_size(&self) -> usize {
        self.metadata_and_rows_bytes_size
    }

    /// The serialized rows: `rows_count` rows of `col_count` `[bytes]` cells each.
    #[inline]
    pub fn raw_rows(&self) -> &Bytes {
        &self.raw_rows
    }

    /// The serialized rows as a [`FrameSlice`] sharing this result's bytes.
    #[inline]
    pub fn raw_rows_slice(&self) -> FrameSlice<'_> {
        FrameSlice::new(&self.raw_rows)
    }

    /// The rows, deserialized one by one into `R` (which borrows from this result:
    /// `&str` and `&[u8]` columns are not copied). `R` is type-checked against the
    /// column specs once, here.
    ///
    /// ```
    /// # use bytes::Bytes;
    /// # use scylla_cql::frame::response::result::*;
    /// let specs = vec![ColumnSpec::borrowed("v", ColumnType::Native(NativeType::Text), TableSpec::borrowed("ks", "t"))];
    /// let mut body = Vec::new();
    /// let mut w = RowsWriter::new(&mut body, &ResultMetadata::new(specs), &MetadataWriteOptions::default()).unwrap();
    /// w.append_row([Some(&b"hello"[..])]).unwrap();
    /// w.finish().unwrap();
    /// let Result::Rows((raw, _)) = deserialize(Bytes::from(body), None).unwrap() else { unreachable!() };
    /// let rows = raw.deserialize_metadata().unwrap();
    /// let texts: Vec<(&str,)> = rows.rows_iter::<(&str,)>().unwrap().collect::<StdResult<_, _>>().unwrap();
    /// assert_eq!(texts, [("hello",)]);
    /// assert!(rows.rows_iter::<(i32,)>().is_err(), "text is not an int");
    /// # type StdResult<T, E> = std::result::Result<T, E>;
    /// ```
    pub fn rows_iter<'frame, 'metadata, R: DeserializeRow<'frame, 'metadata>>(
        &'frame self,
    ) -> StdResult<TypedRowIterator<'frame, 'metadata, R>, TypeCheckError>
    where
        'frame: 'metadata,
    {
        let raw = RawRowIterator::new(
            self.rows_count,
            self.metadata().col_specs(),
            self.raw_rows_slice(),
        );
        TypedRowIterator::new(raw)
    }

    /// No columns, no rows.
    pub fn mock_empty() -> Self {
        Self::new(ResultMetadataHolder::mock_empty(), 0, Bytes::new())
    }

    /// Appends a Rows body (after the kind) with this metadata and these rows.
    pub fn serialize(
        &self,
        options: &MetadataWriteOptions<'_>,
        buf: &mut Vec<u8>,
    ) -> StdResult<(), CqlResponseSerializationError> {
        self.metadata().serialize(options, buf)?;
        put_int_count(self.rows_count, "rows count", buf)?;
        buf.extend_from_slice(&self.raw_rows);
        Ok(())
    }
}

/// Builds a RESULT Rows body (kind included) straight into a buffer: the metadata
/// first, then rows cell by cell. The row count in the buffer is kept up to date
/// after every complete row.
///
/// ```
/// # use scylla_cql::frame::response::result::*;
/// let specs = vec![
///     ColumnSpec::borrowed("k", ColumnType::Native(NativeType::Int), TableSpec::borrowed("ks", "t")),
///     ColumnSpec::borrowed("v", ColumnType::Native(NativeType::Text), TableSpec::borrowed("ks", "t")),
/// ];
/// let metadata = ResultMetadata::new(specs);
/// let mut body = Vec::new();
/// let mut w = RowsWriter::new(&mut body, &metadata, &MetadataWriteOptions::default()).unwrap();
/// w.append_row([Some(&1i32.to_be_bytes()[..]), Some(&b"one"[..])]).unwrap();
/// w.append_cell(Some(&2i32.to_be_bytes())).unwrap();
/// w.append_cell(None).unwrap();
/// assert_eq!(w.finish().unwrap(), 2);
/// ```
#[derive(Debug)]
pub struct RowsWriter<'b> {
    buf: &'b mut Vec<u8>,
    rows_count_pos: usize,
    col_count: usize,
    rows_count: usize,
    cells_in_row: usize,
}

impl<'b> RowsWriter<'b> {
    /// Starts a Rows body at the end of `buf`: the kind, `metadata` (see
    /// [`ResultMetadata::serialize`]) and a row count of 0.
    pub fn new(
        buf: &'b mut Vec<u8>,
        metadata: &ResultMetadata<'_>,
        options: &MetadataWriteOptions<'_>,
    ) -> StdResult<Self, CqlResponseSerializationError> {
        types::write_int(kind::ROWS, buf);
        metadata.serialize(options, buf)?;
        let rows_count_pos = buf.len();
        types::write_int(0, buf);
        Ok(Self {
            buf,
            rows_count_pos,
            col_count: metadata.col_count(),
            rows_count: 0,
            cells_in_row: 0,
        })
    }

    fn cell_done(&mut self) -> StdResult<(), RowsWriterError> {
        self.cells_in_row += 1;
        if self.cells_in_row == self.col_count {
            self.cells_in_row = 0;
            let n = self.rows_count + 1;
            let n32 = i32::try_from(n).map_err(|_| RowsWriterError::TooManyRows)?;
            self.rows_count = n;
            if let Some(slot) = self
                .buf
                .get_mut(self.rows_count_pos..self.rows_count_pos + 4)
            {
                slot.copy_from_slice(&n32.to_be_bytes());
            }
        }
        Ok(())
    }

    fn check_room(&self) -> StdResult<(), RowsWriterError> {
        if self.col_count == 0 {
            return Err(RowsWriterError::WrongCellCount {
                row_index: self.rows_count,
                expected: 0,
                actual: 1,
            });
        }
        Ok(())
    }

    /// Appends one cell: its bytes, or null.
    pub fn append_cell(&mut self, value: Option<&[u8]>) -> StdResult<(), RowsWriterError> {
        self.check_room()?;
        match value {
            Some(v) => {
                let len =
                    i32::try_from(v.len()).map_err(|_| RowsWriterError::CellTooLong(v.len()))?;
                types::write_int(len, self.buf);
                self.buf.extend_from_slice(v);
            }
            None => types::write_int(-1, self.buf),
        }
        self.cell_done()
    }

    /// Appends one non-null cell whose bytes `write` appends to the buffer (no
    /// intermediate copy).
    pub fn append_cell_with(
        &mut self,
        write: impl FnOnce(&mut Vec<u8>),
    ) -> StdResult<(), RowsWriterError> {
        self.check_room()?;
        let len_pos = self.buf.len();
        types::write_int(0, self.buf);
        write(self.buf);
        let len = self.buf.len() - len_pos - 4;
        let Ok(len32) = i32::try_from(len) else {
            self.buf.truncate(len_pos);
            return Err(RowsWriterError::CellTooLong(len));
        };
        if let Some(slot) = self.buf.get_mut(len_pos..len_pos + 4) {
            slot.copy_from_slice(&len32.to_be_bytes());
        }
        self.cell_done()
    }

    /// Appends a whole row. It must have exactly as many cells as the result has
    /// columns; otherwise nothing is appended and an error is returned.
    pub fn append_row<'v>(
        &mut self,
        cells: impl IntoIterator<Item = Option<&'v [u8]>>,
    ) -> StdResult<(), RowsWriterError> {
        if self.cells_in_row != 0 {
            return Err(RowsWriterError::IncompleteRow {
                written: self.cells_in_row,
                expected: self.col_count,
            });
        }
        let start = self.buf.len();
        let mut n = 0usize;
        for cell in cells {
            n += 1;
            if n > self.col_count {
                break;
            }
            match cell {
                Some(v) => {
                    let Ok(len) = i32::try_from(v.len()) else {
                        self.buf.truncate(start);
                        return Err(RowsWriterError::CellTooLong(v.len()));
                    };
                    types::write_int(len, self.buf);
                    self.buf.extend_from_slice(v);
                }
                None => types::write_int(-1, self.buf),
            }
        }
        if n != self.col_count {
            self.buf.truncate(start);
            return Err(RowsWriterError::WrongCellCount {
                row_index: self.rows_count,
                expected: self.col_count,
                actual: n,
            });
        }
        if self.col_count == 0 {
            // Rows without columns take no bytes, so a reader cannot check their count
            // against the body: decoders reject them, and so does the writer.
            return Err(RowsWriterError::RowsWithoutColumns);
        }
        self.cells_in_row = self.col_count - 1;
        self.cell_done()
    }

    /// The number of complete rows written so far.
    #[inline]
    pub fn rows_count(&self) -> usize {
        self.rows_count
    }

    /// Finishes the body; fails if the last row is incomplete. Returns the row count.
    pub fn finish(self) -> StdResult<usize, RowsWriterError> {
        if self.cells_in_row != 0 {
            return Err(RowsWriterError::IncompleteRow {
                written: self.cells_in_row,
                expected: self.col_count,
            });
        }
        Ok(self.rows_count)
    }
}

// ---------------------------------------------------------------------------------------
// Set_keyspace, Schema_change, Prepared
// ---------------------------------------------------------------------------------------

/// Set_keyspace: the result of `USE`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetKeyspace {
    /// The keyspace now in use.
    pub keyspace_name: String,
}

/// Schema_change: the result of DDL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaChange {
    /// What changed.
    pub event: SchemaChangeEvent,
}

/// Prepared: the result of PREPARE.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prepared {
    /// The statement id to EXECUTE with.
    pub id: Bytes,
    /// The bind markers.
    pub prepared_metadata: PreparedMetadata,
    /// The columns the statement returns (empty for non-SELECT statements).
    pub result_metadata: ResultMetadata<'static>,
    /// The result metadata id; present only when SCYLLA_USE_METADATA_ID is
    /// negotiated (the v4 body then carries it after the statement id, as v5 does).
    pub result_metadata_id: Option<Bytes>,
}

fn deser_prepared_metadata(
    buf: &mut &[u8],
) -> StdResult<PreparedMetadata, PreparedMetadataParseError> {
    use PreparedMetadataParseError as E;
    let f = types::read_int(buf).map_err(E::FlagsParseError)?;
    let col_count = types::read_int_length(buf).map_err(E::ColumnCountParseError)?;
    let pk_count = types::read_int_length(buf).map_err(E::PkCountParseError)?;
    if pk_count.saturating_mul(2) > buf.len() {
        return Err(E::PkIndexParseError(too_few(
            pk_count.saturating_mul(2),
            buf.len(),
        )));
    }
    let mut pk_indexes = Vec::with_capacity(pk_count);
    for sequence in 0..pk_count {
        let index = types::read_short(buf).map_err(E::PkIndexParseError)?;
        if usize::from(index) >= col_count {
            return Err(E::PkIndexOutOfRange { index, col_count });
        }
        pk_indexes.push(PartitionKeyIndex {
            index,
            // pk_count <= buf.len() / 2 < 2^31, and a sequence beyond u16 would need
            // more bind markers than a statement can have.
            sequence: u16::try_from(sequence).unwrap_or(u16::MAX),
        });
    }
    pk_indexes.sort_unstable_by_key(|pk| pk.index);
    let global = if f & flags::GLOBAL_TABLES_SPEC != 0 {
        Some(deser_table_spec(buf)?)
    } else {
        None
    };
    let col_specs = deser_col_specs(buf, global.as_ref(), col_count)?
        .into_iter()
        .map(ColumnSpec::into_owned)
        .collect();
    Ok(PreparedMetadata {
        flags: f,
        col_count,
        pk_indexes,
        col_specs,
    })
}

fn ser_prepared_metadata(
    m: &PreparedMetadata,
    buf: &mut Vec<u8>,
) -> StdResult<(), CqlResponseSerializationError> {
    if m.col_count != m.col_specs.len() {
        return Err(CqlResponseSerializationError::Unrepresentable(
            "prepared metadata col_count differs from the number of column specs",
        ));
    }
    let global = common_table(&m.col_specs).is_some();
    let f =
        (m.flags & !flags::GLOBAL_TABLES_SPEC) | if global { flags::GLOBAL_TABLES_SPEC } else { 0 };
    types::write_int(f, buf);
    put_int_count(m.col_count, "bind marker count", buf)?;
    put_int_count(m.pk_indexes.len(), "partition key count", buf)?;
    let mut pks: Vec<&PartitionKeyIndex> = m.pk_indexes.iter().collect();
    pks.sort_unstable_by_key(|pk| pk.sequence);
    for pk in pks {
        types::write_short(pk.index, buf);
    }
    ser_col_specs(&m.col_specs, global, buf)
}

fn deser_result_metadata_of_prepared(
    buf: &mut &[u8],
    features: &ProtocolFeatures,
) -> StdResult<ResultMetadata<'static>, PreparedParseError> {
    use ResultMetadataParseError as E;
    let f = types::read_int(buf).map_err(E::FlagsParseError)?;
    let col_count = types::read_int_length(buf).map_err(E::ColumnCountParseError)?;
    if f & flags::HAS_MORE_PAGES != 0 {
        let ps = types::read_bytes_opt(buf)
            .map_err(E::PagingStateParseError)?
            .unwrap_or(&[]);
        return Err(PreparedParseError::NonZeroPagingState(Arc::from(ps)));
    }
    let no_metadata = f & flags::NO_METADATA != 0;
    let new_id = if metadata_changed(f, features) {
        if no_metadata {
            return Err(E::IdPresentForEmptyMetadata.into());
        }
        Some(Bytes::copy_from_slice(
            types::read_short_bytes(buf).map_err(E::NewMetadataIdParseError)?,
        ))
    } else {
        None
    };
    if no_metadata {
        return Ok(ResultMetadata {
            col_count,
            col_specs: Vec::new(),
            id: None,
        });
    }
    let global = if f & flags::GLOBAL_TABLES_SPEC != 0 {
        Some(deser_table_spec(buf).map_err(E::from)?)
    } else {
        None
    };
    let specs = deser_col_specs(buf, global.as_ref(), col_count).map_err(E::from)?;
    Ok(ResultMetadata::new(specs).with_id(new_id).into_owned())
}

impl Prepared {
    /// Parses a Prepared body (after the kind). The result metadata id is read only
    /// when `features` has SCYLLA_USE_METADATA_ID.
    pub fn deserialize(
        features: &ProtocolFeatures,
        buf: &mut &[u8],
    ) -> StdResult<Self, PreparedParseError> {
        let id = types::read_short_bytes(buf).map_err(PreparedParseError::IdParseError)?;
        let id = Bytes::copy_from_slice(id);
        let result_metadata_id = if features.scylla_metadata_id_supported {
            Some(Bytes::copy_from_slice(
                types::read_short_bytes(buf)
                    .map_err(PreparedParseError::ResultMetadataIdParseError)?,
            ))
        } else {
            None
        };
        let prepared_metadata = deser_prepared_metadata(buf)?;
        let mut result_metadata = deser_result_metadata_of_prepared(buf, features)?;
        if result_metadata_id.is_some() {
            result_metadata.id = result_metadata_id.clone();
        }
        Ok(Self {
            id,
            prepared_metadata,
            result_metadata,
            result_metadata_id,
        })
    }

    /// Appends a Prepared body (after the kind). With SCYLLA_USE_METADATA_ID in
    /// `features` the result metadata id is written (empty if `None`); without it,
    /// it is left out. The result metadata is written with No_metadata when it has no
    /// column specs.
    pub fn serialize(
        &self,
        features: &ProtocolFeatures,
        buf: &mut Vec<u8>,
    ) -> StdResult<(), CqlResponseSerializationError> {
        put_short_bytes(&self.id, "prepared statement id", buf)?;
        if features.scylla_metadata_id_supported {
            put_short_bytes(
                self.result_metadata_id.as_deref().unwrap_or(&[]),
                "result metadata id",
                buf,
            )?;
        }
        ser_prepared_metadata(&self.prepared_metadata, buf)?;
        let options = MetadataWriteOptions {
            no_metadata: self.result_metadata.col_specs().is_empty(),
            ..Default::default()
        };
        self.result_metadata.serialize(&options, buf)
    }
}

// ---------------------------------------------------------------------------------------
// Result
// ---------------------------------------------------------------------------------------

/// A RESULT message with Rows kept serialized.
#[derive(Debug, Clone)]
pub enum Result {
    /// Void: success without information.
    Void,
    /// Rows and the paging state.
    Rows((RawMetadataAndRawRows, PagingStateResponse)),
    /// Set_keyspace.
    SetKeyspace(SetKeyspace),
    /// Prepared.
    Prepared(Prepared),
    /// Schema_change.
    SchemaChange(SchemaChange),
}

/// A RESULT message with the metadata of Rows read.
#[derive(Debug, Clone)]
pub enum ResultWithDeserializedMetadata {
    /// Void: success without information.
    Void,
    /// Rows and the paging state.
    Rows((DeserializedMetadataAndRawRows, PagingStateResponse)),
    /// Set_keyspace.
    SetKeyspace(SetKeyspace),
    /// Prepared.
    Prepared(Prepared),
    /// Schema_change.
    SchemaChange(SchemaChange),
}

impl Result {
    /// Reads the metadata of a Rows result; other kinds pass through.
    pub fn deserialize_metadata(
        self,
    ) -> StdResult<ResultWithDeserializedMetadata, ResultMetadataAndRowsCountParseError> {
        Ok(match self {
            Result::Void => ResultWithDeserializedMetadata::Void,
            Result::Rows((raw, paging)) => {
                ResultWithDeserializedMetadata::Rows((raw.deserialize_metadata()?, paging))
            }
            Result::SetKeyspace(s) => ResultWithDeserializedMetadata::SetKeyspace(s),
            Result::Prepared(p) => ResultWithDeserializedMetadata::Prepared(p),
            Result::SchemaChange(s) => ResultWithDeserializedMetadata::SchemaChange(s),
        })
    }

    /// Appends a RESULT body, kind included.
    pub fn serialize(
        &self,
        features: &ProtocolFeatures,
        buf: &mut Vec<u8>,
    ) -> StdResult<(), CqlResponseSerializationError> {
        match self {
            Result::Void => types::write_int(kind::VOID, buf),
            Result::Rows((raw, paging)) => {
                types::write_int(kind::ROWS, buf);
                raw.serialize(paging, buf)?;
            }
            Result::SetKeyspace(s) => {
                types::write_int(kind::SET_KEYSPACE, buf);
                put_string(&s.keyspace_name, "keyspace name", buf)?;
            }
            Result::Prepared(p) => {
                types::write_int(kind::PREPARED, buf);
                p.serialize(features, buf)?;
            }
            Result::SchemaChange(s) => {
                types::write_int(kind::SCHEMA_CHANGE, buf);
                s.event.serialize(buf)?;
            }
        }
        Ok(())
    }
}

/// Parses a RESULT body with no ScyllaDB extensions; see [`deserialize_with_features`].
pub fn deserialize(
    body: Bytes,
    cached_metadata: Option<&Arc<ResultMetadata<'static>>>,
) -> StdResult<Result, CqlResultParseError> {
    deserialize_with_features(body, cached_metadata, &ProtocolFeatures::default())
}

/// Parses a RESULT body. `cached_metadata` is what the caller knows of the result
/// columns (a prepared statement's result metadata); it is used when a Rows result
/// comes with No_metadata. `features` says whether SCYLLA_USE_METADATA_ID is in use:
/// then a Prepared result carries a result metadata id and a Rows result may carry a
/// new one (Metadata_changed).
pub fn deserialize_with_features(
    body: Bytes,
    cached_metadata: Option<&Arc<ResultMetadata<'static>>>,
    features: &ProtocolFeatures,
) -> StdResult<Result, CqlResultParseError> {
    let mut cur: &[u8] = &body;
    let k = types::read_int(&mut cur).map_err(CqlResultParseError::ResultIdParseError)?;
    Ok(match k {
        kind::VOID => Result::Void,
        kind::ROWS => Result::Rows(deser_rows(&body, &mut cur, cached_metadata, features)?),
        kind::SET_KEYSPACE => Result::SetKeyspace(SetKeyspace {
            keyspace_name: types::read_string(&mut cur)
                .map_err(SetKeyspaceParseError::MalformedKeyspaceName)?
                .to_owned(),
        }),
        kind::PREPARED => Result::Prepared(Prepared::deserialize(features, &mut cur)?),
        kind::SCHEMA_CHANGE => Result::SchemaChange(SchemaChange {
            event: SchemaChangeEvent::deserialize(&mut cur)?,
        }),
        other => return Err(CqlResultParseError::UnknownResultId(other)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn int_col(name: &'static str) -> ColumnSpec<'static> {
        ColumnSpec::borrowed(
            name,
            ColumnType::Native(NativeType::Int),
            TableSpec::borrowed("ks", "t"),
        )
    }

    #[test]
    fn rows_writer_then_parse() {
        let md = ResultMetadata::new(vec![int_col("a"), int_col("b")]);
        let mut body = Vec::new();
        let mut w = RowsWriter::new(&mut body, &md, &MetadataWriteOptions::default()).unwrap();
        w.append_row([Some(&[0, 0, 0, 1][..]), None]).unwrap();
        assert!(w.append_row([None]).is_err());
        w.append_cell_with(|b| b.extend_from_slice(&[0, 0, 0, 2]))
            .unwrap();
        assert!(w.append_row([None, None]).is_err());
        w.append_cell(Some(&[0, 0, 0, 3])).unwrap();
        assert_eq!(w.finish().unwrap(), 2);

        let Result::Rows((raw, paging)) = deserialize(Bytes::from(body), None).unwrap() else {
            panic!("not rows");
        };
        assert!(paging.finished());
        let rows = raw.deserialize_metadata().unwrap();
        assert_eq!(rows.rows_count(), 2);
        assert_eq!(rows.metadata().col_specs(), md.col_specs());
        assert_eq!(
            &rows.raw_rows()[..],
            &[
                0, 0, 0, 4, 0, 0, 0, 1, 255, 255, 255, 255, 0, 0, 0, 4, 0, 0, 0, 2, 0, 0, 0, 4, 0,
                0, 0, 3
            ]
        );
    }

    #[test]
    fn incomplete_row_is_reported() {
        let md = ResultMetadata::new(vec![int_col("a"), int_col("b")]);
        let mut body = Vec::new();
        let mut w = RowsWriter::new(&mut body, &md, &MetadataWriteOptions::default()).unwrap();
        w.append_cell(None).unwrap();
        assert_eq!(
            w.finish(),
            Err(RowsWriterError::IncompleteRow {
                written: 1,
                expected: 2
            })
        );
    }

    #[test]
    fn rows_without_columns_are_rejected() {
        // flags 0, 0 columns, 2^31 - 1 rows, no row bytes: iterating (or collecting)
        // them would never end.
        let mut body = kind::ROWS.to_be_bytes().to_vec();
        body.extend([0, 0, 0, 0, 0, 0, 0, 0, 0x7f, 0xff, 0xff, 0xff]);
        let Result::Rows((raw, _)) = deserialize(Bytes::from(body), None).unwrap() else {
            panic!("not rows")
        };
        assert!(matches!(
            raw.deserialize_metadata(),
            Err(ResultMetadataAndRowsCountParseError::RowsWithoutColumns {
                rows_count: 0x7fff_ffff
            })
        ));
        // Zero columns and zero rows is fine.
        let mut body = kind::ROWS.to_be_bytes().to_vec();
        body.extend([0u8; 12]);
        let Result::Rows((raw, _)) = deserialize(Bytes::from(body), None).unwrap() else {
            panic!("not rows")
        };
        assert_eq!(raw.deserialize_metadata().unwrap().rows_count(), 0);
    }

    #[test]
    fn no_metadata_needs_cache() {
        let md = ResultMetadata::new(vec![int_col("a")]);
        let mut body = Vec::new();
        let opts = MetadataWriteOptions {
            no_metadata: true,
            ..Default::default()
        };
        RowsWriter::new(&mut body, &md, &opts)
            .unwrap()
            .finish()
            .unwrap();
        let body = Bytes::from(body);
        let Result::Rows((raw, _)) = deserialize(body.clone(), None).unwrap() else {
            panic!()
        };
        assert!(matches!(
            raw.deserialize_metadata(),
            Err(
                ResultMetadataAndRowsCountParseError::ResultMetadataParseError(
                    ResultMetadataParseError::MissingCachedMetadata
                )
            )
        ));
        let cached = Arc::new(md.clone());
        let Result::Rows((raw, _)) = deserialize(body, Some(&cached)).unwrap() else {
            panic!()
        };
        let rows = raw.deserialize_metadata().unwrap();
        assert!(matches!(
            rows.into_metadata(),
            ResultMetadataHolder::SharedCached(m) if Arc::ptr_eq(&m, &cached)
        ));
    }
}
