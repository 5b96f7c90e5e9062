//! A snapshot of the cluster: nodes, schema and the replica locator built from them.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use scylla_cql::frame::response::result::{ColumnSpec, TableSpec};
use scylla_cql::serialize::row::{RowSerializationContext, SerializeRow, SerializedValues};
use tracing::{debug, warn};
use uuid::Uuid;

use super::metadata::parse::Metadata;
use super::metadata::{Keyspace, Peer};
use super::node::{Node, NodeRef};
use crate::errors::ClusterStateTokenError;
use crate::policies::host_filter::HostFilter;
use crate::routing::locator::{ReplicaLocator, Tablet};
use crate::routing::partitioner::{PartitionerName, calculate_token_for_partition_key};
use crate::routing::{Shard, Token};
use scylla_cql::frame::response::tablets::TabletsRoutingV1;

/// What the driver knows about the cluster at one moment: its nodes, its schema and
/// where each token's replicas are. The session replaces it as a whole when topology
/// or schema change; get the current one with `Session::get_cluster_state`.
#[derive(Clone)]
pub struct ClusterState {
    /// Every node, in the order the metadata listed them.
    all_nodes: Vec<Arc<Node>>,
    /// The same nodes by host id.
    known_peers: HashMap<Uuid, Arc<Node>>,
    /// Shared between the states that differ only in tablets.
    keyspaces: Arc<HashMap<String, Keyspace>>,
    locator: ReplicaLocator,
    cluster_name: String,
}

impl fmt::Debug for ClusterState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut keyspaces: Vec<&String> = self.keyspaces.keys().collect();
        keyspaces.sort();
        f.debug_struct("ClusterState")
            .field("cluster_name", &self.cluster_name)
            .field("nodes", &self.all_nodes)
            .field("keyspaces", &keyspaces)
            .field("locator", &self.locator)
            .finish()
    }
}

impl ClusterState {
    /// Builds the state from freshly read `metadata`.
    ///
    /// A node of `previous` whose host id, address, datacenter and rack are unchanged
    /// is kept as is (the same `Arc`, with its connection pool). A node whose only
    /// change is its datacenter or rack keeps its pool in a new `Node`. Other nodes
    /// are created by `new_node`, given the peer and whether the host filter accepted
    /// it (rejected ones are disabled and get no pool).
    ///
    /// A keyspace whose metadata failed to parse keeps its version from `previous`
    /// if there is one (and a warning is logged); otherwise it is left out.
    /// `metadata.keyspaces` must hold every keyspace (the caller merges a partial
    /// fetch with [`ClusterState::keyspaces`] of the previous state).
    pub(crate) fn new_with_node_factory(
        metadata: Metadata,
        previous: Option<&ClusterState>,
        host_filter: Option<&dyn HostFilter>,
        mut new_node: impl FnMut(&Peer, bool) -> Node,
    ) -> ClusterState {
        let Metadata {
            peers,
            keyspaces: fetched_keyspaces,
            cluster_name,
        } = metadata;

        let mut all_nodes: Vec<Arc<Node>> = Vec::with_capacity(peers.len());
        let mut known_peers: HashMap<Uuid, Arc<Node>> = HashMap::with_capacity(peers.len());
        let mut ring: Vec<(Token, Arc<Node>)> = Vec::new();

        for peer in &peers {
            if known_peers.contains_key(&peer.host_id) {
                warn!(
                    host_id = %peer.host_id,
                    address = %peer.address,
                    "two peers share a host id; ignoring the second"
                );
                continue;
            }
            let accepted = host_filter.is_none_or(|filter| filter.accept(peer));
            let old = previous.and_then(|p| p.known_peers.get(&peer.host_id));
            let node = match old {
                Some(old) if old.matches_peer(peer) => Arc::clone(old),
                Some(old) if old.address == peer.address && old.is_enabled() == accepted => {
                    debug!(
                        host_id = %peer.host_id,
                        "node changed datacenter or rack; keeping its connections"
                    );
                    Arc::new(old.with_location_of(peer))
                }
                _ => Arc::new(new_node(peer, accepted)),
            };
            for token in &peer.tokens {
                ring.push((*token, Arc::clone(&node)));
            }
            known_peers.insert(peer.host_id, Arc::clone(&node));
            all_nodes.push(node);
        }

        let mut keyspaces: HashMap<String, Keyspace> =
            HashMap::with_capacity(fetched_keyspaces.len());
        for (name, result) in fetched_keyspaces {
            match result {
                Ok(keyspace) => {
                    keyspaces.insert(name, keyspace);
                }
                Err(error) => {
                    let old = previous.and_then(|p| p.keyspaces.get(&name));
                    warn!(
                        keyspace = %name,
                        %error,
                        kept_previous = old.is_some(),
                        "failed to read keyspace metadata"
                    );
                    if let Some(old) = old {
                        keyspaces.insert(name, old.clone());
                    }
                }
            }
        }

        let mut locator = ReplicaLocator::new(ring, keyspaces.values().map(|k| &k.strategy));
        if let Some(previous) = previous {
            // Tablets survive a refresh while their table and replicas exist.
            *locator.tablets_mut() =
                previous
                    .locator
                    .tablets()
                    .refreshed(&known_peers, |ks, table| {
                        keyspaces.get(ks).is_some_and(|k| {
                            k.tables.contains_key(table) || k.views.contains_key(table)
                        })
                    });
        }
        let cluster_name = cluster_name
            .or_else(|| previous.map(|p| p.cluster_name.clone()))
            .unwrap_or_default();

        ClusterState {
            all_nodes,
            known_peers,
            keyspaces: Arc::new(keyspaces),
            locator,
            cluster_name,
        }
    }

    /// Records tablets the cluster sent (`tablets-routing-v1` payloads), each for a
    /// keyspace and table: later requests for tokens in their ranges go to their
    /// replicas. A tablet replaces the known tablets of its table it overlaps. Tablets
    /// naming nodes the state does not know (yet) or malformed are skipped (and
    /// logged); the number recorded is returned.
    ///
    /// Cheap to call on a clone of the current state: only the tables updated are
    /// copied.
    pub(crate) fn update_tablets<'t>(
        &mut self,
        tablets: impl IntoIterator<Item = (&'t str, &'t str, &'t TabletsRoutingV1)>,
    ) -> usize {
        let mut recorded = 0;
        for (keyspace, table, info) in tablets {
            match Tablet::from_routing_info(info, &self.known_peers) {
                Ok(tablet) => {
                    self.locator
                        .tablets_mut()
                        .add_tablet(keyspace, table, tablet);
                    recorded += 1;
                }
                Err(error) => {
                    debug!(%keyspace, %table, %error, "ignoring a tablet");
                }
            }
        }
        recorded
    }

    /// Every keyspace by name (for merging a partial schema fetch).
    pub(crate) fn keyspaces(&self) -> &HashMap<String, Keyspace> {
        &self.keyspaces
    }

    /// Every node of the cluster.
    pub fn get_nodes_info(&self) -> &[Arc<Node>] {
        &self.all_nodes
    }

    /// The node with this host id.
    pub fn get_node_by_host_id(&self, host_id: Uuid) -> Option<NodeRef<'_>> {
        self.known_peers.get(&host_id)
    }

    /// The keyspace with this name.
    pub fn get_keyspace(&self, keyspace: impl AsRef<str>) -> Option<&Keyspace> {
        self.keyspaces.get(keyspace.as_ref())
    }

    /// Every keyspace, with its name.
    pub fn keyspaces_iter(&self) -> impl Iterator<Item = (&str, &Keyspace)> {
        self.keyspaces.iter().map(|(name, ks)| (name.as_str(), ks))
    }

    /// The cluster's name (`system.local.cluster_name`); empty if unknown.
    pub fn cluster_name(&self) -> &str {
        &self.cluster_name
    }

    /// The token of a partition key of table `keyspace.table`. `partition_key` holds
    /// the values of the partition-key columns, in partition-key order.
    pub fn compute_token(
        &self,
        keyspace: &str,
        table: &str,
        partition_key: &dyn SerializeRow,
    ) -> Result<Token, ClusterStateTokenError> {
        let unknown = || ClusterStateTokenError::UnknownTable {
            keyspace: keyspace.to_owned(),
            table: table.to_owned(),
        };
        let table_meta = self
            .keyspaces
            .get(keyspace)
            .and_then(|ks| ks.tables.get(table))
            .ok_or_else(unknown)?;

        let table_spec = TableSpec::borrowed(keyspace, table);
        let mut specs: Vec<ColumnSpec<'_>> = Vec::with_capacity(table_meta.partition_key.len());
        for name in &table_meta.partition_key {
            let column = table_meta.columns.get(name).ok_or_else(unknown)?;
            specs.push(ColumnSpec::borrowed(
                name,
                column.typ.clone(),
                table_spec.clone(),
            ));
        }
        let ctx = RowSerializationContext::from_specs(&specs);
        let values = SerializedValues::from_serializable(&ctx, partition_key)?;
        let partitioner =
            PartitionerName::from_table_partitioner(table_meta.partitioner.as_deref());
        Ok(calculate_token_for_partition_key(&values, &partitioner)?)
    }

    /// The replicas (node and shard) of `token` in table `keyspace.table`; empty for
    /// an unknown keyspace.
    pub fn get_token_endpoints(
        &self,
        keyspace: &str,
        table: &str,
        token: Token,
    ) -> Vec<(Arc<Node>, Shard)> {
        let Some(ks) = self.keyspaces.get(keyspace) else {
            return Vec::new();
        };
        let table_spec = TableSpec::borrowed(keyspace, table);
        self.locator
            .replicas_for_token(token, &ks.strategy, None, &table_spec)
            .into_iter()
            .map(|(node, shard)| (Arc::clone(node), shard))
            .collect()
    }

    /// The replicas (node and shard) of a partition key of table `keyspace.table`.
    pub fn get_endpoints(
        &self,
        keyspace: &str,
        table: &str,
        partition_key: &dyn SerializeRow,
    ) -> Result<Vec<(Arc<Node>, Shard)>, ClusterStateTokenError> {
        let token = self.compute_token(keyspace, table, partition_key)?;
        Ok(self.get_token_endpoints(keyspace, table, token))
    }

    /// The replica locator of this state.
    pub fn replica_locator(&self) -> &ReplicaLocator {
        &self.locator
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use scylla_cql::frame::response::result::{ColumnType, NativeType};

    use super::*;
    use crate::cluster::NodeAddr;
    use crate::cluster::metadata::{Column, ColumnKind, Strategy, Table};
    use crate::cluster::test_utils::{host_id, id_of, keyspace, peer, simple};
    use crate::errors::{KeyspaceStrategyError, KeyspacesMetadataError, MetadataError};
    use crate::policies::host_filter::DcHostFilter;
    use crate::routing::partitioner::{Murmur3Partitioner, Partitioner};
    use scylla_cql::frame::response::tablets::TabletsRoutingV1;

    fn metadata(
        peers: Vec<Peer>,
        keyspaces: Vec<(&str, Result<Keyspace, MetadataError>)>,
    ) -> Metadata {
        Metadata {
            peers,
            keyspaces: keyspaces
                .into_iter()
                .map(|(n, k)| (n.to_owned(), k))
                .collect(),
            cluster_name: Some("c1".to_owned()),
        }
    }

    fn build(
        md: Metadata,
        previous: Option<&ClusterState>,
        filter: Option<&dyn HostFilter>,
        created: &mut Vec<(u8, bool)>,
    ) -> ClusterState {
        ClusterState::new_with_node_factory(md, previous, filter, |peer, accepted| {
            created.push((peer.host_id.as_u128() as u8, accepted));
            let node = Node::new_for_test(
                peer.host_id,
                peer.address.into_inner(),
                peer.datacenter.as_deref(),
                peer.rack.as_deref(),
                None,
            );
            if accepted {
                node
            } else {
                Node::new_disabled_for_test(peer.host_id, peer.address.into_inner())
            }
        })
    }

    #[allow(clippy::result_large_err)]
    fn bad_keyspace() -> Result<Keyspace, MetadataError> {
        Err(MetadataError::Keyspaces(KeyspacesMetadataError::Strategy {
            keyspace: "ks".to_owned(),
            error: KeyspaceStrategyError::MissingClassForStrategyDefinition,
        }))
    }

    #[test]
    fn nodes_are_reused_across_refreshes() {
        let mut created = Vec::new();
        let first = build(
            metadata(
                vec![
                    peer(1, Some("dc1"), Some("r1"), &[0]),
                    peer(2, Some("dc1"), Some("r1"), &[100]),
                    peer(3, Some("dc1"), Some("r1"), &[200]),
                ],
                vec![("ks", Ok(keyspace(simple(2))))],
            ),
            None,
            None,
            &mut created,
        );
        assert_eq!(created, [(1, true), (2, true), (3, true)]);
        assert_eq!(first.cluster_name(), "c1");
        assert_eq!(first.get_nodes_info().len(), 3);

        // Node 1 unchanged, node 2 moved rack, node 3 changed address, node 4 is new.
        let mut moved = peer(3, Some("dc1"), Some("r1"), &[200]);
        moved.address = NodeAddr::Translatable("10.9.9.9:9042".parse().unwrap());
        created.clear();
        let mut md = metadata(
            vec![
                peer(1, Some("dc1"), Some("r1"), &[0, 50]),
                peer(2, Some("dc1"), Some("r2"), &[100]),
                moved,
                peer(4, Some("dc1"), Some("r1"), &[300]),
            ],
            vec![("ks", bad_keyspace())],
        );
        md.cluster_name = None;
        let second = build(md, Some(&first), None, &mut created);
        assert_eq!(created, [(3, true), (4, true)]);
        let n = |s: &ClusterState, i: u8| Arc::clone(s.get_node_by_host_id(host_id(i)).unwrap());
        assert!(Arc::ptr_eq(&n(&first, 1), &n(&second, 1)));
        assert!(!Arc::ptr_eq(&n(&first, 2), &n(&second, 2)));
        assert_eq!(n(&second, 2).rack.as_deref(), Some("r2"));
        assert!(!Arc::ptr_eq(&n(&first, 3), &n(&second, 3)));
        // Tokens come from the new metadata even for a reused node.
        assert_eq!(second.replica_locator().ring().len(), 5);
        // The keyspace that failed to parse keeps its previous version.
        assert_eq!(second.get_keyspace("ks").unwrap().strategy, simple(2));
        // So does the cluster name.
        assert_eq!(second.cluster_name(), "c1");
        // Without a previous version, a failed keyspace is left out.
        let third = build(
            metadata(
                vec![peer(1, None, None, &[0])],
                vec![("ks", bad_keyspace())],
            ),
            None,
            None,
            &mut created,
        );
        assert!(third.get_keyspace("ks").is_none());
        assert_eq!(third.keyspaces_iter().count(), 0);
    }

    #[test]
    fn host_filter_disables_nodes() {
        let mut created = Vec::new();
        let filter = DcHostFilter::new("dc1".to_owned());
        let state = build(
            metadata(
                vec![
                    peer(1, Some("dc1"), None, &[0]),
                    peer(2, Some("dc2"), None, &[100]),
                    // A duplicate host id is ignored.
                    peer(1, Some("dc2"), None, &[200]),
                ],
                vec![],
            ),
            None,
            Some(&filter),
            &mut created,
        );
        assert_eq!(created, [(1, true), (2, false)]);
        let nodes: Vec<(u8, bool)> = state
            .get_nodes_info()
            .iter()
            .map(|n| (id_of(n), n.is_enabled()))
            .collect();
        assert_eq!(nodes, [(1, true), (2, false)]);
        // Disabled nodes stay in the ring.
        assert_eq!(state.replica_locator().ring().len(), 2);
    }

    fn table_ks() -> Keyspace {
        let mut ks = keyspace(simple(1));
        let mut t = Table::default();
        t.columns.insert(
            "a".to_owned(),
            Column {
                typ: ColumnType::Native(NativeType::Int),
                kind: ColumnKind::PartitionKey,
            },
        );
        t.columns.insert(
            "b".to_owned(),
            Column {
                typ: ColumnType::Native(NativeType::Text),
                kind: ColumnKind::PartitionKey,
            },
        );
        t.partition_key = vec!["a".to_owned(), "b".to_owned()];
        ks.tables.insert("t".to_owned(), t);
        let mut single = Table::default();
        single.columns.insert(
            "k".to_owned(),
            Column {
                typ: ColumnType::Native(NativeType::BigInt),
                kind: ColumnKind::PartitionKey,
            },
        );
        single.partition_key = vec!["k".to_owned()];
        ks.tables.insert("single".to_owned(), single.clone());
        single.partitioner = Some("com.scylladb.dht.CDCPartitioner".to_owned());
        ks.tables.insert("cdc".to_owned(), single);
        ks
    }

    #[test]
    fn compute_token_and_endpoints() {
        let state = build(
            metadata(
                vec![
                    peer(1, None, None, &[i64::MIN + 1]),
                    peer(2, None, None, &[0]),
                ],
                vec![("ks", Ok(table_ks()))],
            ),
            None,
            None,
            &mut Vec::new(),
        );
        let composite = [0, 4, 0, 0, 0, 7, 0, 0, 2, b'a', b'b', 0];
        let expected = Murmur3Partitioner.hash_one(&composite);
        let token = state.compute_token("ks", "t", &(7i32, "ab")).unwrap();
        assert_eq!(token, expected);
        let endpoints = state.get_endpoints("ks", "t", &(7i32, "ab")).unwrap();
        let owner = if expected.value() <= i64::MIN + 1 || expected.value() > 0 {
            1
        } else {
            2
        };
        assert_eq!(endpoints.len(), 1);
        assert_eq!(id_of(&endpoints[0].0), owner);

        assert_eq!(
            state.compute_token("ks", "single", &(5i64,)).unwrap(),
            Murmur3Partitioner.hash_one(&5i64.to_be_bytes())
        );
        // A CDC table's key is not 16 bytes: the minimum token.
        assert_eq!(
            state.compute_token("ks", "cdc", &(5i64,)).unwrap(),
            Token::new(i64::MIN)
        );

        assert!(matches!(
            state.compute_token("ks", "nope", &(1i32,)),
            Err(ClusterStateTokenError::UnknownTable { keyspace, table }) if keyspace == "ks" && table == "nope"
        ));
        assert!(matches!(
            state.compute_token("nope", "t", &(1i32,)),
            Err(ClusterStateTokenError::UnknownTable { .. })
        ));
        // Wrong value types or count: a serialization error.
        assert!(matches!(
            state.compute_token("ks", "t", &(1i32,)),
            Err(ClusterStateTokenError::Serialization(_))
        ));
        assert!(matches!(
            state.compute_token("ks", "t", &("x", "y")),
            Err(ClusterStateTokenError::Serialization(_))
        ));
        let _ = format!("{state:?}");
        let _: HashMap<&str, &Keyspace> = state.keyspaces_iter().collect();
        let _ = Strategy::LocalStrategy;
    }

    #[test]
    fn tablets_route_their_tokens() {
        use crate::cluster::test_utils::{nts, six_node_peers};
        use scylla_cql::frame::response::result::TableSpec;

        let mut ks = keyspace(nts(&[("dc1", 2), ("dc2", 1)]));
        ks.tables.insert("t".to_owned(), Table::default());
        let mut state = build(
            metadata(six_node_peers(), vec![("ks", Ok(ks))]),
            None,
            None,
            &mut Vec::new(),
        );
        let tablet = |first, last, replicas: &[(u8, i32)]| TabletsRoutingV1 {
            first_token: first,
            last_token: last,
            replicas: replicas.iter().map(|(n, s)| (host_id(*n), *s)).collect(),
        };
        let good = tablet(-1000, 1000, &[(5, 3), (2, 1), (1, 0)]);
        let unknown_node = tablet(2000, 3000, &[(42, 0)]);
        let bad_range = tablet(5000, 4000, &[(1, 0)]);
        assert_eq!(
            state.update_tablets([
                ("ks", "t", &good),
                ("ks", "t", &unknown_node),
                ("ks", "t", &bad_range),
            ]),
            1
        );
        let strategy = &state.get_keyspace("ks").unwrap().strategy.clone();
        let spec = TableSpec::borrowed("ks", "t");
        let locator = state.replica_locator();
        let got = |dc: Option<&str>, token: i64| -> Vec<(u8, Shard)> {
            locator
                .replicas_for_token(Token::new(token), strategy, dc, &spec)
                .into_iter()
                .map(|(n, s)| (id_of(n), s))
                .collect()
        };
        // The tablet's replicas and shards, in the server's order.
        assert_eq!(got(None, 150), [(5, 3), (2, 1), (1, 0)]);
        assert_eq!(got(Some("dc1"), 150), [(2, 1), (1, 0)]);
        let ordered: Vec<u8> = locator
            .replicas_for_token(Token::new(150), strategy, None, &spec)
            .into_replicas_ordered()
            .into_iter()
            .map(|(n, _)| id_of(n))
            .collect();
        assert_eq!(ordered, [5, 2, 1]);
        // A token outside the known tablets of a table with tablets: unknown replicas.
        assert!(got(None, 5000).is_empty());
        // Another table still uses the ring.
        let other = TableSpec::borrowed("ks", "other");
        assert_eq!(
            locator
                .replicas_for_token(Token::new(150), strategy, None, &other)
                .len(),
            3
        );
        assert_eq!(
            state.get_token_endpoints("ks", "t", Token::new(150)).len(),
            3
        );

        // A refresh keeps the tablet (same nodes) ...
        let mut ks = keyspace(nts(&[("dc1", 2), ("dc2", 1)]));
        ks.tables.insert("t".to_owned(), Table::default());
        let refreshed = build(
            metadata(six_node_peers(), vec![("ks", Ok(ks.clone()))]),
            Some(&state),
            None,
            &mut Vec::new(),
        );
        assert_eq!(
            refreshed
                .get_token_endpoints("ks", "t", Token::new(150))
                .len(),
            3
        );
        // ... unless a replica left the cluster.
        let mut peers = six_node_peers();
        peers.retain(|p| p.host_id != host_id(5));
        let shrunk = build(
            metadata(peers, vec![("ks", Ok(ks))]),
            Some(&state),
            None,
            &mut Vec::new(),
        );
        let endpoints = shrunk.get_token_endpoints("ks", "t", Token::new(150));
        assert!(endpoints.iter().all(|(n, _)| id_of(n) != 5));
        assert_eq!(endpoints.len(), 3, "back to the ring: {endpoints:?}");
    }
}
