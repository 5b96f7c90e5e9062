//! Helpers shared by the `response_*` tests: a byte builder for golden vectors
//! written from the spec, and proptest strategies for every response.

#![allow(dead_code)]

use std::borrow::Cow;
use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use bytes::Bytes;
use proptest::prelude::*;
use scylla_cql::Consistency;
use scylla_cql::frame::response::authenticate::{AuthChallenge, AuthSuccess, Authenticate};
use scylla_cql::frame::response::error::{DbError, Error, OperationType, WriteType};
use scylla_cql::frame::response::event::{
    ClientRoutesChangeEvent, Event, EventV2, SchemaChangeEvent, SchemaChangeType,
    StatusChangeEvent, TopologyChangeEvent,
};
use scylla_cql::frame::response::result::{
    CollectionType, ColumnSpec, ColumnType, NativeType, PartitionKeyIndex, PreparedMetadata,
    ResultMetadata, TableSpec, UserDefinedType,
};
use scylla_cql::frame::response::supported::Supported;
use uuid::Uuid;

#[path = "../cql_types/mod.rs"]
mod cql_types;
// Not every test that includes this module uses every builder.
#[allow(unused_imports)]
pub use cql_types::{list, map, native, set, udt};

/// Builds bytes in the protocol notation, independently of the crate's writers.
#[derive(Default, Clone)]
pub struct B(pub Vec<u8>);

impl B {
    pub fn new() -> Self {
        Self(Vec::new())
    }
    pub fn byte(mut self, v: u8) -> Self {
        self.0.push(v);
        self
    }
    pub fn short(mut self, v: u16) -> Self {
        self.0.extend(v.to_be_bytes());
        self
    }
    pub fn int(mut self, v: i32) -> Self {
        self.0.extend(v.to_be_bytes());
        self
    }
    pub fn long(mut self, v: i64) -> Self {
        self.0.extend(v.to_be_bytes());
        self
    }
    pub fn raw(mut self, v: &[u8]) -> Self {
        self.0.extend_from_slice(v);
        self
    }
    pub fn string(self, s: &str) -> Self {
        self.short(s.len() as u16).raw(s.as_bytes())
    }
    pub fn short_bytes(self, b: &[u8]) -> Self {
        self.short(b.len() as u16).raw(b)
    }
    pub fn bytes(self, b: &[u8]) -> Self {
        self.int(b.len() as i32).raw(b)
    }
    pub fn null(self) -> Self {
        self.int(-1)
    }
    pub fn string_list(self, l: &[&str]) -> Self {
        let mut s = self.short(l.len() as u16);
        for x in l {
            s = s.string(x);
        }
        s
    }
    pub fn inet4(self, ip: [u8; 4], port: i32) -> Self {
        self.byte(4).raw(&ip).int(port)
    }
    pub fn build(self) -> Vec<u8> {
        self.0
    }
    pub fn bytes_value(self) -> Bytes {
        Bytes::from(self.0)
    }
}

// ---------------------------------------------------------------------------------------
// Strategies
// ---------------------------------------------------------------------------------------

pub fn arb_native() -> impl Strategy<Value = NativeType> {
    proptest::sample::select(NativeType::ALL.to_vec())
}

/// Any printable string (names in metadata can be anything UTF-8).
pub fn arb_text() -> impl Strategy<Value = String> {
    "\\PC{0,12}"
}

/// A keyspace-like identifier (what `UserType(ks, ...)` class names allow).
pub fn arb_ident() -> impl Strategy<Value = String> {
    "[a-z_][a-z0-9_]{0,10}"
}

/// A class name this crate does not know: stays `ColumnType::Custom`.
pub fn arb_custom_class() -> impl Strategy<Value = String> {
    "(com|org\\.example)\\.[A-Z][A-Za-z0-9]{0,8}"
}

/// Column types. `frozen` says whether frozen flags may be set (they do not survive
/// an `[option]`); `nonempty_names` avoids empty UDT names (not writable in CQL).
pub fn arb_column_type(frozen: bool, nonempty_names: bool) -> BoxedStrategy<ColumnType<'static>> {
    let name = if nonempty_names {
        "\\PC{1,10}".boxed()
    } else {
        arb_text().boxed()
    };
    let leaf = prop_oneof![
        4 => arb_native().prop_map(ColumnType::Native),
        1 => arb_custom_class().prop_map(|c| ColumnType::Custom(Cow::Owned(c))),
    ];
    let fz = move || {
        if frozen {
            any::<bool>().boxed()
        } else {
            Just(false).boxed()
        }
    };
    leaf.prop_recursive(4, 24, 4, move |inner| {
        let name = name.clone();
        prop_oneof![
            (inner.clone(), fz()).prop_map(|(t, f)| list(t, f)),
            (inner.clone(), fz()).prop_map(|(t, f)| set(t, f)),
            (inner.clone(), inner.clone(), fz()).prop_map(|(k, v, f)| map(k, v, f)),
            (inner.clone(), 1u16..=2048).prop_map(|(t, d)| ColumnType::Vector {
                typ: Box::new(t),
                dimensions: d,
            }),
            proptest::collection::vec(inner.clone(), 0..4).prop_map(ColumnType::Tuple),
            (
                arb_ident(),
                name.clone(),
                proptest::collection::vec((name.clone(), inner.clone()), 0..4),
                fz()
            )
                .prop_map(|(ks, n, fields, f)| ColumnType::UserDefinedType {
                    frozen: f,
                    definition: Arc::new(UserDefinedType {
                        name: Cow::Owned(n),
                        keyspace: Cow::Owned(ks),
                        field_types: fields
                            .into_iter()
                            .map(|(n, t)| (Cow::Owned(n), t))
                            .collect(),
                    }),
                }),
        ]
    })
    .boxed()
}

pub fn arb_table_spec() -> impl Strategy<Value = TableSpec<'static>> {
    (arb_text(), arb_text()).prop_map(|(k, t)| TableSpec::owned(k, t))
}

/// Column specs, either all of one table or each of its own.
pub fn arb_col_specs(max: usize) -> impl Strategy<Value = Vec<ColumnSpec<'static>>> {
    let one_table = (
        arb_table_spec(),
        proptest::collection::vec((arb_text(), arb_column_type(false, false)), 0..max),
    )
        .prop_map(|(ts, cols)| {
            cols.into_iter()
                .map(|(n, t)| ColumnSpec::owned(n, t, ts.clone()))
                .collect::<Vec<_>>()
        });
    let mixed = proptest::collection::vec(
        (arb_text(), arb_column_type(false, false), arb_table_spec()),
        0..max,
    )
    .prop_map(|cols| {
        cols.into_iter()
            .map(|(n, t, ts)| ColumnSpec::owned(n, t, ts))
            .collect::<Vec<_>>()
    });
    prop_oneof![one_table, mixed]
}

pub fn arb_consistency() -> impl Strategy<Value = Consistency> {
    (0u16..=10).prop_map(|c| Consistency::try_from(c).unwrap())
}

pub fn arb_write_type() -> impl Strategy<Value = WriteType> {
    prop_oneof![
        Just(WriteType::Simple),
        Just(WriteType::Batch),
        Just(WriteType::UnloggedBatch),
        Just(WriteType::Counter),
        Just(WriteType::BatchLog),
        Just(WriteType::Cas),
        Just(WriteType::View),
        Just(WriteType::Cdc),
        "[A-Z_]{1,12}"
            .prop_filter("not a known write type", |s| {
                matches!(WriteType::from(s.as_str()), WriteType::Other(_))
            })
            .prop_map(WriteType::Other),
    ]
}

pub const RATE_LIMIT_CODE: i32 = 0xF000;

/// Default features changed by `set`.
pub fn features_with(
    set: impl FnOnce(&mut scylla_cql::frame::protocol_features::ProtocolFeatures),
) -> scylla_cql::frame::protocol_features::ProtocolFeatures {
    let mut f = scylla_cql::frame::protocol_features::ProtocolFeatures::default();
    set(&mut f);
    f
}

const KNOWN_CODES: [i32; 18] = [
    0x0000, 0x000A, 0x0100, 0x1000, 0x1001, 0x1002, 0x1003, 0x1100, 0x1200, 0x1300, 0x1400, 0x1500,
    0x2000, 0x2100, 0x2200, 0x2300, 0x2400, 0x2500,
];

/// Every DbError; `RateLimitReached` assumes [`RATE_LIMIT_CODE`] is negotiated.
pub fn arb_db_error() -> impl Strategy<Value = DbError> {
    let strings = || proptest::collection::vec(arb_text(), 0..4);
    prop_oneof![
        Just(DbError::SyntaxError),
        Just(DbError::Invalid),
        (arb_text(), arb_text())
            .prop_map(|(keyspace, table)| DbError::AlreadyExists { keyspace, table }),
        (arb_text(), arb_text(), strings()).prop_map(|(keyspace, function, arg_types)| {
            DbError::FunctionFailure {
                keyspace,
                function,
                arg_types,
            }
        }),
        Just(DbError::AuthenticationError),
        Just(DbError::Unauthorized),
        Just(DbError::ConfigError),
        (arb_consistency(), any::<i32>(), any::<i32>()).prop_map(
            |(consistency, required, alive)| {
                DbError::Unavailable {
                    consistency,
                    required,
                    alive,
                }
            }
        ),
        Just(DbError::Overloaded),
        Just(DbError::IsBootstrapping),
        Just(DbError::TruncateError),
        (arb_consistency(), any::<i32>(), any::<i32>(), any::<bool>()).prop_map(
            |(consistency, received, required, data_present)| DbError::ReadTimeout {
                consistency,
                received,
                required,
                data_present,
            }
        ),
        (
            arb_consistency(),
            any::<i32>(),
            any::<i32>(),
            arb_write_type()
        )
            .prop_map(|(consistency, received, required, write_type)| {
                DbError::WriteTimeout {
                    consistency,
                    received,
                    required,
                    write_type,
                }
            }),
        (
            arb_consistency(),
            any::<i32>(),
            any::<i32>(),
            any::<i32>(),
            any::<bool>()
        )
            .prop_map(
                |(consistency, received, required, numfailures, data_present)| {
                    DbError::ReadFailure {
                        consistency,
                        received,
                        required,
                        numfailures,
                        data_present,
                    }
                }
            ),
        (
            arb_consistency(),
            any::<i32>(),
            any::<i32>(),
            any::<i32>(),
            arb_write_type()
        )
            .prop_map(
                |(consistency, received, required, numfailures, write_type)| {
                    DbError::WriteFailure {
                        consistency,
                        received,
                        required,
                        numfailures,
                        write_type,
                    }
                }
            ),
        proptest::collection::vec(any::<u8>(), 0..40).prop_map(|id| DbError::Unprepared {
            statement_id: Bytes::from(id)
        }),
        Just(DbError::ServerError),
        Just(DbError::ProtocolError),
        (any::<u8>(), any::<bool>()).prop_map(|(op, rejected_by_coordinator)| {
            DbError::RateLimitReached {
                op_type: OperationType::from(op),
                rejected_by_coordinator,
            }
        }),
        any::<i32>()
            .prop_filter("not a known code", |c| {
                !KNOWN_CODES.contains(c) && *c != RATE_LIMIT_CODE
            })
            .prop_map(DbError::Other),
    ]
}

pub fn arb_error() -> impl Strategy<Value = Error> {
    (arb_db_error(), arb_text()).prop_map(|(error, reason)| Error { error, reason })
}

pub fn arb_socket_addr() -> impl Strategy<Value = SocketAddr> {
    prop_oneof![
        (any::<[u8; 4]>(), any::<u16>()).prop_map(|(ip, p)| SocketAddr::new(IpAddr::from(ip), p)),
        (any::<[u8; 16]>(), any::<u16>()).prop_map(|(ip, p)| SocketAddr::new(IpAddr::from(ip), p)),
    ]
}

pub fn arb_change_type() -> impl Strategy<Value = SchemaChangeType> {
    prop_oneof![
        Just(SchemaChangeType::Created),
        Just(SchemaChangeType::Updated),
        Just(SchemaChangeType::Dropped),
    ]
}

pub fn arb_schema_change() -> impl Strategy<Value = SchemaChangeEvent> {
    let args = || proptest::collection::vec(arb_text(), 0..4);
    prop_oneof![
        (arb_change_type(), arb_text()).prop_map(|(change_type, keyspace_name)| {
            SchemaChangeEvent::KeyspaceChange {
                change_type,
                keyspace_name,
            }
        }),
        (arb_change_type(), arb_text(), arb_text()).prop_map(
            |(change_type, keyspace_name, object_name)| SchemaChangeEvent::TableChange {
                change_type,
                keyspace_name,
                object_name,
            }
        ),
        (arb_change_type(), arb_text(), arb_text()).prop_map(
            |(change_type, keyspace_name, type_name)| SchemaChangeEvent::TypeChange {
                change_type,
                keyspace_name,
                type_name,
            }
        ),
        (arb_change_type(), arb_text(), arb_text(), args()).prop_map(
            |(change_type, keyspace_name, function_name, arguments)| {
                SchemaChangeEvent::FunctionChange {
                    change_type,
                    keyspace_name,
                    function_name,
                    arguments,
                }
            }
        ),
        (arb_change_type(), arb_text(), arb_text(), args()).prop_map(
            |(change_type, keyspace_name, aggregate_name, arguments)| {
                SchemaChangeEvent::AggregateChange {
                    change_type,
                    keyspace_name,
                    aggregate_name,
                    arguments,
                }
            }
        ),
    ]
}

pub fn arb_event() -> impl Strategy<Value = Event> {
    prop_oneof![
        arb_socket_addr().prop_map(|a| Event::TopologyChange(TopologyChangeEvent::NewNode(a))),
        arb_socket_addr().prop_map(|a| Event::TopologyChange(TopologyChangeEvent::RemovedNode(a))),
        arb_socket_addr().prop_map(|a| Event::StatusChange(StatusChangeEvent::Up(a))),
        arb_socket_addr().prop_map(|a| Event::StatusChange(StatusChangeEvent::Down(a))),
        arb_schema_change().prop_map(Event::SchemaChange),
    ]
}

pub fn arb_event_v2() -> impl Strategy<Value = EventV2> {
    prop_oneof![
        arb_event().prop_map(EventV2::from),
        proptest::collection::vec((arb_text(), any::<u128>()), 0..4).prop_map(|pairs| {
            let (connection_ids, hosts): (Vec<String>, Vec<u128>) = pairs.into_iter().unzip();
            EventV2::ClientRoutesChange(ClientRoutesChangeEvent::UpdateNodes {
                connection_ids,
                host_ids: hosts.into_iter().map(Uuid::from_u128).collect(),
            })
        }),
    ]
}

pub fn arb_supported() -> impl Strategy<Value = Supported> {
    proptest::collection::hash_map(
        arb_text(),
        proptest::collection::vec(arb_text(), 0..3),
        0..6,
    )
    .prop_map(|options| Supported { options })
}

pub fn arb_authenticate() -> impl Strategy<Value = Authenticate> {
    arb_text().prop_map(|authenticator_name| Authenticate { authenticator_name })
}

pub fn arb_opt_bytes() -> impl Strategy<Value = Option<Vec<u8>>> {
    proptest::option::of(proptest::collection::vec(any::<u8>(), 0..40))
}

pub fn arb_auth_challenge() -> impl Strategy<Value = AuthChallenge> {
    arb_opt_bytes().prop_map(|authenticate_message| AuthChallenge {
        authenticate_message,
    })
}

pub fn arb_auth_success() -> impl Strategy<Value = AuthSuccess> {
    arb_opt_bytes().prop_map(|success_message| AuthSuccess { success_message })
}

/// Prepared metadata whose flags do not use the Global_tables_spec bit (the encoder
/// decides it) and whose partition key indexes are valid.
pub fn arb_prepared_metadata() -> impl Strategy<Value = PreparedMetadata> {
    (arb_col_specs(5), any::<i32>(), any::<u64>()).prop_map(|(col_specs, flags, seed)| {
        let col_count = col_specs.len();
        // Choose a permutation of a subset of the bind markers as the partition key.
        let mut markers: Vec<u16> = (0..col_count as u16).collect();
        let mut s = seed;
        for i in (1..markers.len()).rev() {
            let j = (s % (i as u64 + 1)) as usize;
            markers.swap(i, j);
            s = s.rotate_left(7) ^ 0x9E37_79B9_7F4A_7C15;
        }
        let pk_len = if col_count == 0 {
            0
        } else {
            (seed as usize) % (col_count + 1)
        };
        let mut pk_indexes: Vec<PartitionKeyIndex> = markers[..pk_len]
            .iter()
            .enumerate()
            .map(|(seq, &index)| PartitionKeyIndex {
                index,
                sequence: seq as u16,
            })
            .collect();
        pk_indexes.sort_by_key(|p| p.index);
        PreparedMetadata {
            flags: flags & !1,
            col_count,
            pk_indexes,
            col_specs,
        }
    })
}

pub fn arb_result_metadata() -> impl Strategy<Value = ResultMetadata<'static>> {
    arb_col_specs(6).prop_map(ResultMetadata::new)
}

/// Rows for `col_count` columns (none when there are no columns: such rows are
/// refused, their count could not be checked against the body).
pub fn arb_rows(col_count: usize) -> impl Strategy<Value = Vec<Vec<Option<Vec<u8>>>>> {
    let max_rows = if col_count == 0 { 0 } else { 5 };
    proptest::collection::vec(
        proptest::collection::vec(
            proptest::option::of(proptest::collection::vec(any::<u8>(), 0..12)),
            col_count..=col_count,
        ),
        0..=max_rows,
    )
}

/// Splits serialized rows into cells.
pub fn split_rows(mut raw: &[u8], rows: usize, cols: usize) -> Vec<Vec<Option<Vec<u8>>>> {
    let mut out = Vec::new();
    for _ in 0..rows {
        let mut row = Vec::new();
        for _ in 0..cols {
            let (len, rest) = raw.split_at(4);
            let len = i32::from_be_bytes(len.try_into().unwrap());
            raw = rest;
            if len < 0 {
                row.push(None);
            } else {
                let (v, rest) = raw.split_at(len as usize);
                row.push(Some(v.to_vec()));
                raw = rest;
            }
        }
        out.push(row);
    }
    assert!(raw.is_empty(), "bytes left after the rows");
    out
}

/// All UDT definitions used in a type, by name; `None` if two differ under one name.
pub fn collect_udts(
    t: &ColumnType<'static>,
    out: &mut HashMap<String, Arc<UserDefinedType<'static>>>,
) -> bool {
    match t {
        ColumnType::Native(_) | ColumnType::Custom(_) => true,
        ColumnType::Collection { typ, .. } => match typ {
            CollectionType::List(e) | CollectionType::Set(e) => collect_udts(e, out),
            CollectionType::Map(k, v) => collect_udts(k, out) && collect_udts(v, out),
            _ => true,
        },
        ColumnType::Vector { typ, .. } => collect_udts(typ, out),
        ColumnType::Tuple(ts) => ts.iter().all(|t| collect_udts(t, out)),
        ColumnType::UserDefinedType { definition, .. } => {
            if let Some(prev) = out.get(definition.name.as_ref())
                && prev != definition
            {
                return false;
            }
            out.insert(definition.name.to_string(), Arc::clone(definition));
            definition
                .field_types
                .iter()
                .all(|(_, t)| collect_udts(t, out))
        }
        _ => true,
    }
}
