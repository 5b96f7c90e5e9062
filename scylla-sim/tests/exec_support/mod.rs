//! Shared helpers of the executor tests: a small simulated cluster, requests built with
//! scylla-cql's encoders, and responses decoded with scylla-cql's decoders.

#![allow(dead_code)]

use std::borrow::Cow;
use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::num::NonZeroU16;
use std::sync::Arc;

use bytes::Bytes;
use scylla_cql::deserialize::FrameSlice;
use scylla_cql::deserialize::result::RawRowIterator;
use scylla_cql::deserialize::row::DeserializeRow;
use scylla_cql::frame::protocol_features::ProtocolFeatures;
use scylla_cql::frame::request::batch::{Batch, BatchStatement, BatchType};
use scylla_cql::frame::request::cow_bytes::CowBytes;
use scylla_cql::frame::request::query::PagingState;
use scylla_cql::frame::request::{
    DeserializableRequest, DeserializedBatch, ExecuteV2, Query, QueryParameters,
    SerializableRequest,
};
use scylla_cql::frame::response::ResponseOpcode;
use scylla_cql::frame::response::error::{DbError, Error};
use scylla_cql::frame::response::event::SchemaChangeEvent;
use scylla_cql::frame::response::result::{
    self, ColumnType, Prepared, ResultMetadata, deserialize_with_features,
};
use scylla_cql::frame::types::{Consistency, SerialConsistency};
use scylla_cql::serialize::row::SerializedValues;
use scylla_cql::value::{CqlValue, Row};
use scylla_sim::cluster::{ClusterState, NodeStatus, SimConfig};
use scylla_sim::exec::{ConnectionState, Executor, Outcome, RequestContext};
use scylla_sim::ring::{NodeId, NodeSpec, Topology, deterministic_host_id};
use scylla_sim::store::Store;
use uuid::Uuid;

/// A value to bind.
#[derive(Debug, Clone, PartialEq)]
pub enum V {
    Null,
    Unset,
    B(Vec<u8>),
}

pub fn int(v: i32) -> V {
    V::B(v.to_be_bytes().to_vec())
}
pub fn bigint(v: i64) -> V {
    V::B(v.to_be_bytes().to_vec())
}
pub fn txt(v: &str) -> V {
    V::B(v.as_bytes().to_vec())
}
pub fn blob(v: &[u8]) -> V {
    V::B(v.to_vec())
}

pub fn values(vs: &[V]) -> SerializedValues {
    SerializedValues::from_closure(|w| {
        for v in vs {
            let c = w.make_cell_writer();
            match v {
                V::Null => {
                    c.set_null();
                }
                V::Unset => {
                    c.set_unset();
                }
                V::B(b) => {
                    c.set_value(b).expect("value fits");
                }
            }
        }
        Ok(())
    })
    .expect("values")
    .0
}

/// A decoded Rows result.
#[derive(Debug, Clone)]
pub struct Rows {
    pub names: Vec<String>,
    pub types: Vec<ColumnType<'static>>,
    pub tables: Vec<(String, String)>,
    pub rows: Vec<Vec<Option<CqlValue>>>,
    pub paging_state: Option<Vec<u8>>,
    pub no_metadata: bool,
    pub new_metadata_id: Option<Bytes>,
}

impl Rows {
    pub fn col(&self, name: &str) -> usize {
        self.names
            .iter()
            .position(|n| n == name)
            .unwrap_or_else(|| panic!("no column {name} in {:?}", self.names))
    }

    /// The values of column `name`, one per row.
    pub fn column(&self, name: &str) -> Vec<Option<CqlValue>> {
        let i = self.col(name);
        self.rows.iter().map(|r| r[i].clone()).collect()
    }

    pub fn ints(&self, name: &str) -> Vec<Option<i32>> {
        self.column(name)
            .into_iter()
            .map(|v| v.map(|v| v.as_int().expect("int")))
            .collect()
    }

    pub fn texts(&self, name: &str) -> Vec<Option<String>> {
        self.column(name)
            .into_iter()
            .map(|v| match v {
                None => None,
                Some(CqlValue::Text(s)) | Some(CqlValue::Ascii(s)) => Some(s),
                Some(other) => panic!("not text: {other:?}"),
            })
            .collect()
    }
}

/// A decoded response.
#[derive(Debug, Clone)]
pub enum Res {
    Void,
    Rows(Rows),
    SetKeyspace(String),
    Prepared(Box<Prepared>),
    SchemaChange(SchemaChangeEvent),
    Error(Error),
}

#[derive(Debug, Clone)]
pub struct Resp {
    pub res: Res,
    pub warnings: Vec<String>,
    pub trace_id: Option<Uuid>,
}

impl Resp {
    #[track_caller]
    pub fn rows(&self) -> &Rows {
        match &self.res {
            Res::Rows(r) => r,
            other => panic!("expected rows, got {other:?}"),
        }
    }

    #[track_caller]
    pub fn ok(&self) -> &Self {
        if let Res::Error(e) = &self.res {
            panic!("unexpected error: {e:?}");
        }
        self
    }

    #[track_caller]
    pub fn err(&self) -> &Error {
        match &self.res {
            Res::Error(e) => e,
            other => panic!("expected an error, got {other:?}"),
        }
    }

    #[track_caller]
    pub fn invalid(&self) -> String {
        let e = self.err();
        assert_eq!(e.error, DbError::Invalid, "{e:?}");
        e.reason.clone()
    }

    #[track_caller]
    pub fn prepared(&self) -> &Prepared {
        match &self.res {
            Res::Prepared(p) => p,
            other => panic!("expected prepared, got {other:?}"),
        }
    }
}

/// Decodes an outcome with `features`; `cached` is the prepared result metadata.
pub fn decode(
    out: &Outcome,
    features: &ProtocolFeatures,
    cached: Option<&Arc<ResultMetadata<'static>>>,
) -> Resp {
    let body = Bytes::from(out.body.clone());
    let res = match out.opcode {
        ResponseOpcode::Error => {
            let mut buf: &[u8] = &body;
            Res::Error(Error::deserialize(features, &mut buf).expect("error body decodes"))
        }
        ResponseOpcode::Result => {
            match deserialize_with_features(body, cached, features).expect("result decodes") {
                result::Result::Void => Res::Void,
                result::Result::SetKeyspace(s) => Res::SetKeyspace(s.keyspace_name),
                result::Result::Prepared(p) => Res::Prepared(Box::new(p)),
                result::Result::SchemaChange(s) => Res::SchemaChange(s.event),
                result::Result::Rows((raw, paging)) => {
                    let no_metadata = raw.no_metadata();
                    let new_metadata_id = raw.new_metadata_id().cloned();
                    let rows = raw.deserialize_metadata().expect("metadata decodes");
                    let specs = rows.metadata().col_specs().to_vec();
                    let it = RawRowIterator::new(
                        rows.rows_count(),
                        &specs,
                        FrameSlice::new(rows.raw_rows()),
                    );
                    let mut decoded = Vec::new();
                    for r in it {
                        let cols = r.expect("row");
                        let row = Row::deserialize(cols).expect("row decodes");
                        decoded.push(row.columns);
                    }
                    assert_eq!(decoded.len(), rows.rows_count());
                    Res::Rows(Rows {
                        names: specs.iter().map(|s| s.name().to_string()).collect(),
                        types: specs.iter().map(|s| s.typ().clone().into_owned()).collect(),
                        tables: specs
                            .iter()
                            .map(|s| {
                                (
                                    s.table_spec().ks_name().to_string(),
                                    s.table_spec().table_name().to_string(),
                                )
                            })
                            .collect(),
                        rows: decoded,
                        paging_state: match paging {
                            scylla_cql::frame::request::query::PagingStateResponse::HasMorePages {
                                state,
                            } => state.as_bytes_slice().map(|s| s.to_vec()),
                            _ => None,
                        },
                        no_metadata,
                        new_metadata_id,
                    })
                }
            }
        }
        other => panic!("unexpected opcode {other:?}"),
    };
    Resp {
        res,
        warnings: out.warnings.clone(),
        trace_id: out.trace_id,
    }
}

/// A simulated cluster and its executor.
pub struct Sim {
    pub cluster: Arc<ClusterState>,
    pub exec: Executor,
    pub nodes: Vec<NodeId>,
    pub features: ProtocolFeatures,
    pub conn: ConnectionState,
    pub tracing: bool,
}

pub const SHARDS: u16 = 2;

pub fn topology(n: usize, dcs: &[&str]) -> Topology {
    let mut t = Topology::new(7);
    for i in 0..n {
        let dc = dcs[i % dcs.len()];
        let spec = NodeSpec::new(
            deterministic_host_id(7, i as u32),
            IpAddr::V4(Ipv4Addr::new(127, 0, 0, (i + 1) as u8)),
            dc,
            format!("r{}", i % 2 + 1),
        )
        .with_num_tokens(16)
        .with_shards(NonZeroU16::new(SHARDS).unwrap());
        t.add_node(spec).unwrap();
    }
    t
}

impl Sim {
    pub fn new(n: usize) -> Sim {
        Sim::with_topology(topology(n, &["dc1"]))
    }

    pub fn with_topology(t: Topology) -> Sim {
        let nodes: Vec<NodeId> = t.nodes().map(|n| n.id()).collect();
        let cluster = Arc::new(ClusterState::new(SimConfig::default(), Store::new(), t));
        let exec = Executor::new(cluster.clone());
        Sim {
            cluster,
            exec,
            nodes,
            features: ProtocolFeatures::default(),
            conn: ConnectionState::default(),
            tracing: false,
        }
    }

    /// A cluster with keyspace `ks` (SimpleStrategy RF 3) in use.
    pub fn with_keyspace() -> Sim {
        let mut s = Sim::new(3);
        s.q("CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 3}")
            .ok();
        s.q("USE ks").ok();
        s
    }

    pub fn ctx(&self, node: usize, shard: u16) -> RequestContext<'_> {
        RequestContext {
            node: self.nodes[node],
            shard,
            client: SocketAddr::new(IpAddr::V4(Ipv4Addr::new(10, 0, 0, 1)), 40000),
            features: &self.features,
            tracing: self.tracing,
            custom_payload: None,
        }
    }

    /// Encodes and decodes `req` as the network layer would.
    fn roundtrip_query(q: &Query<'_>) -> Query<'static> {
        let bytes = q.to_bytes().expect("query encodes");
        let mut buf: &[u8] = &bytes;
        Query::deserialize(&mut buf).expect("query decodes")
    }

    pub fn query_on(
        &mut self,
        node: usize,
        shard: u16,
        text: &str,
        params: QueryParameters<'_>,
    ) -> Resp {
        let q = Self::roundtrip_query(&Query {
            contents: Cow::Borrowed(text),
            parameters: params,
        });
        let mut conn = self.conn.clone();
        let out = self
            .exec
            .handle_query(&self.ctx(node, shard), &mut conn, &q);
        self.conn = conn;
        decode(&out, &self.features, None)
    }

    /// Runs `text` on node 0 at consistency ONE.
    pub fn q(&mut self, text: &str) -> Resp {
        self.query_on(0, 0, text, params(&[]))
    }

    /// Runs `text` with values on node 0.
    pub fn qv(&mut self, text: &str, vs: &[V]) -> Resp {
        self.query_on(0, 0, text, params(vs))
    }

    pub fn prepare_on(&mut self, node: usize, text: &str) -> Resp {
        let mut conn = self.conn.clone();
        let out = self
            .exec
            .handle_prepare(&self.ctx(node, 0), &mut conn, text);
        decode(&out, &self.features, None)
    }

    pub fn prepare(&mut self, text: &str) -> Prepared {
        self.prepare_on(0, text).prepared().clone()
    }

    pub fn execute_on(
        &mut self,
        node: usize,
        shard: u16,
        p: &Prepared,
        params: QueryParameters<'_>,
        metadata_id: Option<Bytes>,
    ) -> Resp {
        let ex = ExecuteV2 {
            id: CowBytes::Owned(p.id.clone()),
            parameters: params,
            result_metadata_id: metadata_id.map(CowBytes::Owned),
            tablet_version_block: None,
        };
        let bytes = ex.to_bytes().expect("execute encodes");
        let mut buf: &[u8] = &bytes;
        let ex = ExecuteV2::deserialize_with_features(&mut buf, &self.features)
            .expect("execute decodes");
        let mut conn = self.conn.clone();
        let out = self
            .exec
            .handle_execute(&self.ctx(node, shard), &mut conn, &ex);
        self.conn = conn;
        let cached = Arc::new(p.result_metadata.clone());
        decode(&out, &self.features, Some(&cached))
    }

    pub fn execute(&mut self, p: &Prepared, vs: &[V]) -> Resp {
        let id = self
            .features
            .scylla_metadata_id_supported
            .then(|| p.result_metadata_id.clone().unwrap_or_default());
        self.execute_on(0, 0, p, params(vs), id)
    }

    pub fn batch(
        &mut self,
        kind: BatchType,
        statements: Vec<BatchStatement<'static>>,
        vs: Vec<SerializedValues>,
        consistency: Consistency,
        timestamp: Option<i64>,
    ) -> Resp {
        let b: DeserializedBatch<'static> = Batch {
            statements: Cow::Owned(statements),
            batch_type: kind,
            consistency,
            serial_consistency: Some(SerialConsistency::Serial),
            timestamp,
            values: vs,
        };
        let bytes = b.to_bytes().expect("batch encodes");
        let mut buf: &[u8] = &bytes;
        let b = DeserializedBatch::deserialize(&mut buf).expect("batch decodes");
        let mut conn = self.conn.clone();
        let out = self.exec.handle_batch(&self.ctx(0, 0), &mut conn, &b);
        decode(&out, &self.features, None)
    }

    pub fn set_down(&self, node: usize) {
        self.cluster
            .node(self.nodes[node])
            .unwrap()
            .set_status(NodeStatus::Down);
    }

    pub fn set_up(&self, node: usize) {
        self.cluster
            .node(self.nodes[node])
            .unwrap()
            .set_status(NodeStatus::Up);
    }
}

pub fn params(vs: &[V]) -> QueryParameters<'static> {
    QueryParameters {
        consistency: Consistency::One,
        values: Cow::Owned(values(vs)),
        ..Default::default()
    }
}

pub fn paged(vs: &[V], page_size: i32, state: Option<Vec<u8>>) -> QueryParameters<'static> {
    QueryParameters {
        consistency: Consistency::One,
        values: Cow::Owned(values(vs)),
        page_size: Some(page_size),
        paging_state: match state {
            Some(s) => PagingState::new_from_raw_bytes(s),
            None => PagingState::start(),
        },
        ..Default::default()
    }
}

pub fn with_cl(vs: &[V], cl: Consistency) -> QueryParameters<'static> {
    QueryParameters {
        consistency: cl,
        values: Cow::Owned(values(vs)),
        ..Default::default()
    }
}

pub fn text_stmt(s: &str) -> BatchStatement<'static> {
    BatchStatement::Query {
        text: Cow::Owned(s.to_string()),
    }
}

pub fn prepared_stmt(p: &Prepared) -> BatchStatement<'static> {
    BatchStatement::Prepared {
        id: Cow::Owned(p.id.to_vec()),
    }
}

/// The names of the bind markers of a prepared statement.
pub fn bind_names(p: &Prepared) -> Vec<&str> {
    p.prepared_metadata
        .col_specs
        .iter()
        .map(|c| c.name())
        .collect()
}

/// The partition key indexes of a prepared statement, as (index, sequence).
pub fn pk_indexes(p: &Prepared) -> Vec<(u16, u16)> {
    p.prepared_metadata
        .pk_indexes
        .iter()
        .map(|i| (i.index, i.sequence))
        .collect()
}

pub fn cv_int(v: i32) -> Option<CqlValue> {
    Some(CqlValue::Int(v))
}

pub fn cv_text(v: &str) -> Option<CqlValue> {
    Some(CqlValue::Text(v.to_string()))
}

pub fn cv_big(v: i64) -> Option<CqlValue> {
    Some(CqlValue::BigInt(v))
}

pub fn empty_payload() -> HashMap<String, Bytes> {
    HashMap::new()
}
