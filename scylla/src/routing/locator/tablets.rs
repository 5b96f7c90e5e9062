//! Tablets (ScyllaDB): per-table token ranges with their own replicas, learned from
//! the `tablets-routing-v1` payload a node attaches to a response when a request
//! reached a node or shard that does not own the tablet.

use std::collections::HashMap;
use std::sync::Arc;

use scylla_cql::frame::response::tablets::TabletsRoutingV1;
use tracing::debug;
use uuid::Uuid;

use crate::cluster::Node;
use crate::routing::{Shard, Token};

/// One tablet: the token range `(first_token, last_token]` and its replicas.
#[derive(Debug, Clone)]
pub(crate) struct Tablet {
    first_token: i64,
    last_token: i64,
    /// The replicas with their shards, in the server's order.
    replicas: Vec<(Arc<Node>, Shard)>,
}

/// Why a tablet from the server could not be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum TabletError {
    /// The range is empty or inverted.
    #[error("tablet range ({first}, {last}] is empty")]
    EmptyRange {
        /// The exclusive start.
        first: i64,
        /// The inclusive end.
        last: i64,
    },
    /// A replica's shard is negative.
    #[error("tablet replica {host_id} has negative shard {shard}")]
    NegativeShard {
        /// The replica.
        host_id: Uuid,
        /// Its shard.
        shard: i32,
    },
    /// A replica is not a node the driver knows (yet).
    #[error("tablet replica {0} is not a known node")]
    UnknownNode(Uuid),
}

impl Tablet {
    /// A tablet from the payload, with its replicas resolved against the cluster's
    /// nodes.
    pub(crate) fn from_routing_info(
        info: &TabletsRoutingV1,
        nodes: &HashMap<Uuid, Arc<Node>>,
    ) -> Result<Self, TabletError> {
        if info.first_token >= info.last_token {
            return Err(TabletError::EmptyRange {
                first: info.first_token,
                last: info.last_token,
            });
        }
        let mut replicas = Vec::with_capacity(info.replicas.len());
        for &(host_id, shard) in &info.replicas {
            let shard = Shard::try_from(shard)
                .map_err(|_| TabletError::NegativeShard { host_id, shard })?;
            let node = nodes
                .get(&host_id)
                .ok_or(TabletError::UnknownNode(host_id))?;
            replicas.push((Arc::clone(node), shard));
        }
        Ok(Tablet {
            first_token: info.first_token,
            last_token: info.last_token,
            replicas,
        })
    }

    /// The same tablet with its nodes replaced by those of `nodes` (after a topology
    /// refresh); `None` if a replica is gone.
    fn re_resolved(&self, nodes: &HashMap<Uuid, Arc<Node>>) -> Option<Self> {
        let replicas = self
            .replicas
            .iter()
            .map(|(node, shard)| nodes.get(&node.host_id).map(|n| (Arc::clone(n), *shard)))
            .collect::<Option<Vec<_>>>()?;
        Some(Tablet {
            first_token: self.first_token,
            last_token: self.last_token,
            replicas,
        })
    }

    pub(crate) fn replicas(&self) -> &[(Arc<Node>, Shard)] {
        &self.replicas
    }
}

/// The tablets of one table, sorted by range, not overlapping.
#[derive(Debug, Clone, Default)]
struct TableTablets {
    tablets: Vec<Tablet>,
}

impl TableTablets {
    fn tablet_for_token(&self, token: Token) -> Option<&Tablet> {
        let t = token.value();
        let i = self.tablets.partition_point(|tablet| tablet.last_token < t);
        self.tablets.get(i).filter(|tablet| tablet.first_token < t)
    }

    /// Inserts `tablet`, dropping the tablets whose ranges overlap it.
    fn add(&mut self, tablet: Tablet) {
        // Tablets entirely before the new one end at or before its start; those after
        // start at or after its end.
        let start = self
            .tablets
            .partition_point(|t| t.last_token <= tablet.first_token);
        let end = self
            .tablets
            .partition_point(|t| t.first_token < tablet.last_token);
        let end = end.max(start);
        self.tablets.splice(start..end, std::iter::once(tablet));
    }
}

/// The known tablets of every table, by keyspace and table name. Cloning is cheap:
/// tables are shared until modified.
#[derive(Debug, Clone, Default)]
pub(crate) struct TabletsInfo {
    tables: HashMap<String, HashMap<String, Arc<TableTablets>>>,
}

impl TabletsInfo {
    /// The tablet of `keyspace.table` that holds `token`, if the table has tablets.
    /// `Some(None)`: the table has tablets, none known for this token.
    pub(crate) fn tablet_for(
        &self,
        keyspace: &str,
        table: &str,
        token: Token,
    ) -> Option<Option<&Tablet>> {
        let tablets = self.tables.get(keyspace)?.get(table)?;
        Some(tablets.tablet_for_token(token))
    }

    /// Records a tablet of `keyspace.table`, replacing the overlapping ones.
    pub(crate) fn add_tablet(&mut self, keyspace: &str, table: &str, tablet: Tablet) {
        let tables = self.tables.entry(keyspace.to_owned()).or_default();
        let tablets = tables.entry(table.to_owned()).or_default();
        Arc::make_mut(tablets).add(tablet);
    }

    /// Keeps the tablets of the tables for which `keep` holds, with nodes re-resolved
    /// against `nodes`; tablets with a replica that left the cluster are dropped.
    pub(crate) fn refreshed(
        &self,
        nodes: &HashMap<Uuid, Arc<Node>>,
        keep: impl Fn(&str, &str) -> bool,
    ) -> Self {
        let mut out = TabletsInfo::default();
        for (keyspace, tables) in &self.tables {
            for (table, tablets) in tables {
                if !keep(keyspace, table) {
                    debug!(%keyspace, %table, "dropping the tablets of a table that is gone");
                    continue;
                }
                let kept: Vec<Tablet> = tablets
                    .tablets
                    .iter()
                    .filter_map(|t| t.re_resolved(nodes))
                    .collect();
                if !kept.is_empty() {
                    out.tables
                        .entry(keyspace.clone())
                        .or_default()
                        .insert(table.clone(), Arc::new(TableTablets { tablets: kept }));
                }
            }
        }
        out
    }

    /// The number of tablets of `keyspace.table`.
    #[cfg(test)]
    pub(crate) fn tablet_count(&self, keyspace: &str, table: &str) -> usize {
        self.tables
            .get(keyspace)
            .and_then(|t| t.get(table))
            .map_or(0, |t| t.tablets.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cluster::test_utils::{host_id, id_of};

    fn nodes() -> HashMap<Uuid, Arc<Node>> {
        (1..=3u8)
            .map(|n| {
                let node = Node::new_for_test(
                    host_id(n),
                    format!("10.0.0.{n}:9042").parse().unwrap(),
                    Some("dc1"),
                    None,
                    None,
                );
                (host_id(n), Arc::new(node))
            })
            .collect()
    }

    fn info(first: i64, last: i64, replicas: &[(u8, i32)]) -> TabletsRoutingV1 {
        TabletsRoutingV1 {
            first_token: first,
            last_token: last,
            replicas: replicas.iter().map(|(n, s)| (host_id(*n), *s)).collect(),
        }
    }

    fn ranges(info: &TabletsInfo) -> Vec<(i64, i64, Vec<u8>)> {
        info.tables
            .get("ks")
            .and_then(|t| t.get("t"))
            .map(|t| {
                t.tablets
                    .iter()
                    .map(|tb| {
                        (
                            tb.first_token,
                            tb.last_token,
                            tb.replicas.iter().map(|(n, _)| id_of(n)).collect(),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    #[test]
    fn lookup_and_overlap_replacement() {
        let nodes = nodes();
        let mut tablets = TabletsInfo::default();
        let add = |t: &mut TabletsInfo, first, last, r: &[(u8, i32)]| {
            t.add_tablet(
                "ks",
                "t",
                Tablet::from_routing_info(&info(first, last, r), &nodes).unwrap(),
            );
        };
        assert!(tablets.tablet_for("ks", "t", Token::new(0)).is_none());
        add(&mut tablets, -100, 0, &[(1, 0)]);
        add(&mut tablets, 100, 200, &[(2, 0)]);
        add(&mut tablets, 0, 100, &[(3, 1)]);
        assert_eq!(
            ranges(&tablets),
            [(-100, 0, vec![1]), (0, 100, vec![3]), (100, 200, vec![2])]
        );
        let owner = |t: &TabletsInfo, token| {
            t.tablet_for("ks", "t", Token::new(token))
                .map(|tb| tb.map(|tb| id_of(&tb.replicas()[0].0)))
        };
        // Ranges are (first, last].
        assert_eq!(owner(&tablets, -100), Some(None));
        assert_eq!(owner(&tablets, -99), Some(Some(1)));
        assert_eq!(owner(&tablets, 0), Some(Some(1)));
        assert_eq!(owner(&tablets, 1), Some(Some(3)));
        assert_eq!(owner(&tablets, 200), Some(Some(2)));
        assert_eq!(owner(&tablets, 201), Some(None));
        assert_eq!(
            tablets.tablet_for("ks", "other", Token::new(1)).map(|_| ()),
            None
        );

        // A tablet spanning several replaces them all.
        add(&mut tablets, -50, 150, &[(2, 0), (1, 3)]);
        assert_eq!(ranges(&tablets), [(-50, 150, vec![2, 1])]);
        // Adjacent ranges do not overlap.
        add(&mut tablets, 150, 300, &[(3, 0)]);
        add(&mut tablets, -60, -50, &[(3, 0)]);
        assert_eq!(tablets.tablet_count("ks", "t"), 3);
        // A clone shares tables until one is changed.
        let before = tablets.clone();
        add(&mut tablets, 0, 10, &[(1, 0)]);
        assert_eq!(
            ranges(&before),
            [
                (-60, -50, vec![3]),
                (-50, 150, vec![2, 1]),
                (150, 300, vec![3])
            ]
        );
        assert_eq!(
            ranges(&tablets),
            [(-60, -50, vec![3]), (0, 10, vec![1]), (150, 300, vec![3])]
        );
    }

    #[test]
    fn bad_tablets() {
        let nodes = nodes();
        assert_eq!(
            Tablet::from_routing_info(&info(5, 5, &[(1, 0)]), &nodes).unwrap_err(),
            TabletError::EmptyRange { first: 5, last: 5 }
        );
        assert_eq!(
            Tablet::from_routing_info(&info(0, 5, &[(1, -1)]), &nodes).unwrap_err(),
            TabletError::NegativeShard {
                host_id: host_id(1),
                shard: -1
            }
        );
        assert_eq!(
            Tablet::from_routing_info(&info(0, 5, &[(9, 0)]), &nodes).unwrap_err(),
            TabletError::UnknownNode(host_id(9))
        );
    }

    #[test]
    fn refresh_keeps_live_tablets() {
        let mut nodes = nodes();
        let mut tablets = TabletsInfo::default();
        for (first, last, n) in [(0, 10, 1u8), (10, 20, 2), (20, 30, 3)] {
            let tablet = Tablet::from_routing_info(&info(first, last, &[(n, 0)]), &nodes).unwrap();
            tablets.add_tablet("ks", "t", tablet);
        }
        tablets.add_tablet(
            "ks",
            "gone",
            Tablet::from_routing_info(&info(0, 10, &[(1, 0)]), &nodes).unwrap(),
        );
        nodes.remove(&host_id(2));
        let refreshed = tablets.refreshed(&nodes, |_, table| table == "t");
        assert_eq!(ranges(&refreshed), [(0, 10, vec![1]), (20, 30, vec![3])]);
        assert_eq!(refreshed.tablet_count("ks", "gone"), 0);
        // Replicas point at the new nodes.
        let tablet = refreshed
            .tablet_for("ks", "t", Token::new(5))
            .unwrap()
            .unwrap();
        assert!(Arc::ptr_eq(&tablet.replicas()[0].0, &nodes[&host_id(1)]));
    }
}
