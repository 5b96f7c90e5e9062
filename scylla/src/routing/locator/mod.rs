//! Finding the replicas of a token: the token ring, per-datacenter rings, and replica
//! lists precomputed for the replication strategies the keyspaces use.
//!
//! Looking up the replicas of a token ([`ReplicaLocator::replicas_for_token`]) does
//! not allocate: it returns a [`ReplicaSet`], a view of precomputed lists whose shard
//! numbers are computed as it is iterated.

mod precomputed;
mod tablets;
mod token_ring;

use std::collections::{BTreeSet, HashMap};
use std::fmt;
use std::sync::Arc;

use rand::Rng;
use scylla_cql::frame::response::result::TableSpec;

use self::precomputed::{PlacementWalk, ReplicaLists, RingIndex, UniqueWalk};
pub(crate) use self::tablets::{Tablet, TabletsInfo};
pub use self::token_ring::TokenRing;
use crate::cluster::metadata::Strategy;
use crate::cluster::{Node, NodeRef};
use crate::routing::{Shard, Token};

/// The class name suffix of ScyllaDB's EverywhereStrategy.
const EVERYWHERE_STRATEGY: &str = "EverywhereStrategy";

/// Whether `node` is in `datacenter` (any node if `None`).
#[inline]
fn in_datacenter(node: &Node, datacenter: Option<&str>) -> bool {
    datacenter.is_none_or(|dc| node.datacenter.as_deref() == Some(dc))
}

/// The shard of `node` that owns `token`; 0 when the node's sharding is unknown.
#[inline]
fn shard_of(node: &Node, token: Token) -> Shard {
    node.sharder().map(|s| s.shard_of(token)).unwrap_or(0)
}

/// One datacenter: its ring and its precomputed NetworkTopologyStrategy lists.
#[derive(Clone)]
struct Datacenter {
    index: RingIndex,
    /// Lists by replication factor, indexed by position in this datacenter's ring.
    nts: HashMap<usize, ReplicaLists>,
}

/// Knows the ring (and the tablets) and finds the replicas of tokens.
#[derive(Clone)]
pub struct ReplicaLocator {
    /// Shared between the cluster states of one topology and schema.
    ring: Arc<RingData>,
    tablets: TabletsInfo,
}

/// The ring and the precomputed replica lists.
struct RingData {
    global: RingIndex,
    /// SimpleStrategy lists by replication factor, indexed by global ring position.
    simple: HashMap<usize, ReplicaLists>,
    /// Datacenter names, sorted.
    datacenter_names: Vec<String>,
    /// Aligned with `datacenter_names`.
    datacenters: Vec<Datacenter>,
}

impl fmt::Debug for ReplicaLocator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut simple_rfs: Vec<&usize> = self.ring.simple.keys().collect();
        simple_rfs.sort();
        f.debug_struct("ReplicaLocator")
            .field("ring_len", &self.ring.global.len())
            .field("nodes", &self.ring.global.unique.len())
            .field("datacenters", &self.ring.datacenter_names)
            .field("precomputed_simple_rfs", &simple_rfs)
            .finish_non_exhaustive()
    }
}

impl ReplicaLocator {
    /// A locator for the ring made of `ring` entries, with replica lists precomputed
    /// for every strategy of `strategies`.
    pub(crate) fn new<'s>(
        ring: impl IntoIterator<Item = (Token, Arc<Node>)>,
        strategies: impl IntoIterator<Item = &'s Strategy>,
    ) -> Self {
        let global = RingIndex::new(TokenRing::new(ring));

        let mut dc_entries: HashMap<&str, Vec<(Token, Arc<Node>)>> = HashMap::new();
        for (token, node) in global.ring.iter() {
            if let Some(dc) = node.datacenter.as_deref() {
                dc_entries
                    .entry(dc)
                    .or_default()
                    .push((*token, Arc::clone(node)));
            }
        }
        let mut datacenter_names: Vec<String> = dc_entries.keys().map(|s| s.to_string()).collect();
        datacenter_names.sort();
        let mut datacenters: Vec<Datacenter> = datacenter_names
            .iter()
            .map(|name| Datacenter {
                index: RingIndex::new(TokenRing::new(
                    dc_entries.remove(name.as_str()).unwrap_or_default(),
                )),
                nts: HashMap::new(),
            })
            .collect();

        let mut simple_rfs = BTreeSet::new();
        let mut nts_rfs: BTreeSet<(usize, usize)> = BTreeSet::new();
        for strategy in strategies {
            match strategy {
                Strategy::SimpleStrategy { replication_factor } => {
                    simple_rfs.insert(*replication_factor);
                }
                Strategy::NetworkTopologyStrategy {
                    datacenter_repfactors,
                } => {
                    for (dc, rf) in datacenter_repfactors {
                        if let Ok(i) = datacenter_names.binary_search(dc) {
                            nts_rfs.insert((i, *rf));
                        }
                    }
                }
                Strategy::LocalStrategy => {}
                Strategy::Other { name, .. } => {
                    if !name.ends_with(EVERYWHERE_STRATEGY) {
                        simple_rfs.insert(1);
                    }
                }
            }
        }

        let simple = simple_rfs
            .into_iter()
            .map(|rf| (rf, ReplicaLists::simple(&global, rf)))
            .collect();
        for (i, rf) in nts_rfs {
            if let Some(dc) = datacenters.get_mut(i) {
                let lists = ReplicaLists::network_topology(&dc.index, rf);
                dc.nts.insert(rf, lists);
            }
        }

        ReplicaLocator {
            ring: Arc::new(RingData {
                global,
                simple,
                datacenter_names,
                datacenters,
            }),
            tablets: TabletsInfo::default(),
        }
    }

    fn datacenter(&self, name: &str) -> Option<&Datacenter> {
        self.ring.datacenters.get(self.datacenter_index(name)?)
    }

    /// The replicas of `token` for a keyspace replicated with `strategy`, only those of
    /// `datacenter` if given.
    ///
    /// - SimpleStrategy: the token's owner and the next distinct nodes clockwise.
    /// - NetworkTopologyStrategy: in each datacenter, nodes clockwise on distinct racks
    ///   first (as Cassandra and ScyllaDB place them); without `datacenter`, those of
    ///   every datacenter, datacenter by datacenter in name order.
    /// - LocalStrategy and EverywhereStrategy: every node (each holds the data).
    /// - Another strategy: the token's owner only.
    ///
    /// The lists of the strategies of the keyspaces the locator was built for are
    /// precomputed; others are placed while the set is iterated (same result, slower).
    ///
    /// For a table with tablets (ScyllaDB) the replicas are those of the tablet
    /// holding the token, in the order the server gave them, with their shards; none if
    /// that tablet is not known yet. The strategy then does not matter.
    pub fn replicas_for_token<'a>(
        &'a self,
        token: Token,
        strategy: &'a Strategy,
        datacenter: Option<&'a str>,
        table: &TableSpec<'_>,
    ) -> ReplicaSet<'a> {
        if let Some(tablet) = self
            .tablets
            .tablet_for(table.ks_name(), table.table_name(), token)
        {
            let replicas = tablet.map_or(&[][..], |t| t.replicas());
            return ReplicaSet {
                inner: ReplicaSetInner::Tablet {
                    replicas,
                    datacenter,
                },
                token,
            };
        }
        let inner = match strategy {
            Strategy::SimpleStrategy { replication_factor } => {
                self.simple_replicas(token, *replication_factor, datacenter)
            }
            Strategy::NetworkTopologyStrategy {
                datacenter_repfactors,
            } => match datacenter {
                Some(dc) => match self.datacenter_index(dc) {
                    Some(i) => ReplicaSetInner::Replicas {
                        replicas: self.nts_dc_replicas(token, datacenter_repfactors, i),
                        datacenter: None,
                    },
                    None => ReplicaSetInner::empty(),
                },
                None => ReplicaSetInner::ChainedNts {
                    repfactors: datacenter_repfactors,
                    locator: self,
                },
            },
            Strategy::LocalStrategy => self.all_nodes(datacenter),
            Strategy::Other { name, .. } if name.ends_with(EVERYWHERE_STRATEGY) => {
                self.all_nodes(datacenter)
            }
            Strategy::Other { .. } => self.simple_replicas(token, 1, datacenter),
        };
        ReplicaSet { inner, token }
    }

    fn simple_replicas<'a>(
        &'a self,
        token: Token,
        rf: usize,
        datacenter: Option<&'a str>,
    ) -> ReplicaSetInner<'a> {
        let global = &self.ring.global;
        let pos = global.ring.index_for_token(token);
        let replicas = match self.ring.simple.get(&rf) {
            Some(lists) => Replicas::List(lists.get(pos).iter()),
            None => Replicas::Walk(PlacementWalk::simple(global, pos, rf)),
        };
        ReplicaSetInner::Replicas {
            replicas,
            datacenter,
        }
    }

    fn all_nodes<'a>(&'a self, datacenter: Option<&'a str>) -> ReplicaSetInner<'a> {
        match datacenter {
            None => ReplicaSetInner::AllNodes {
                index: &self.ring.global,
            },
            Some(dc) => match self.datacenter(dc) {
                Some(dc) => ReplicaSetInner::AllNodes { index: &dc.index },
                None => ReplicaSetInner::empty(),
            },
        }
    }

    /// The NetworkTopologyStrategy replicas of `token` in the datacenter at index
    /// `dc_index`, given the strategy's replication factors: a precomputed list, or
    /// a placement walk for a replication factor no keyspace of the cluster uses.
    fn nts_dc_replicas(
        &self,
        token: Token,
        repfactors: &HashMap<String, usize>,
        dc_index: usize,
    ) -> Replicas<'_> {
        let (Some(name), Some(dc)) = (
            self.ring.datacenter_names.get(dc_index),
            self.ring.datacenters.get(dc_index),
        ) else {
            return Replicas::List([].iter());
        };
        let Some(&rf) = repfactors.get(name) else {
            return Replicas::List([].iter());
        };
        let pos = dc.index.ring.index_for_token(token);
        match dc.nts.get(&rf) {
            Some(lists) => Replicas::List(lists.get(pos).iter()),
            None => Replicas::Walk(PlacementWalk::network_topology(&dc.index, pos, rf)),
        }
    }

    fn datacenter_index(&self, name: &str) -> Option<usize> {
        self.ring
            .datacenter_names
            .binary_search_by(|n| n.as_str().cmp(name))
            .ok()
    }

    /// The known tablets.
    pub(crate) fn tablets(&self) -> &TabletsInfo {
        &self.tablets
    }

    /// The known tablets, to update them.
    pub(crate) fn tablets_mut(&mut self) -> &mut TabletsInfo {
        &mut self.tablets
    }

    /// The ring of every node's tokens.
    pub fn ring(&self) -> &TokenRing<Arc<Node>> {
        &self.ring.global.ring
    }

    /// The names of the datacenters of the ring, sorted.
    pub fn datacenter_names(&self) -> &[String] {
        &self.ring.datacenter_names
    }

    /// Every node of the ring once.
    pub fn unique_nodes_in_global_ring(&self) -> &[Arc<Node>] {
        &self.ring.global.unique
    }

    /// Every node of the ring in datacenter `datacenter_name` once; `None` for a
    /// datacenter the ring does not have.
    pub fn unique_nodes_in_datacenter_ring<'a>(
        &'a self,
        datacenter_name: &str,
    ) -> Option<&'a [Arc<Node>]> {
        self.datacenter(datacenter_name)
            .map(|dc| dc.index.unique.as_slice())
    }
}

/// Replicas of one list, in ring order: precomputed, or placed while walking.
#[derive(Clone)]
enum Replicas<'a> {
    List(std::slice::Iter<'a, Arc<Node>>),
    Walk(PlacementWalk<'a>),
}

impl<'a> Iterator for Replicas<'a> {
    type Item = &'a Arc<Node>;

    fn next(&mut self) -> Option<Self::Item> {
        match self {
            Replicas::List(iter) => iter.next(),
            Replicas::Walk(walk) => walk.next(),
        }
    }

    fn nth(&mut self, n: usize) -> Option<Self::Item> {
        match self {
            Replicas::List(iter) => iter.nth(n),
            Replicas::Walk(walk) => walk.nth(n),
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        match self {
            Replicas::List(iter) => iter.size_hint(),
            Replicas::Walk(walk) => walk.size_hint(),
        }
    }
}

#[derive(Clone)]
enum ReplicaSetInner<'a> {
    /// One list in ring order, optionally restricted to a datacenter.
    Replicas {
        replicas: Replicas<'a>,
        datacenter: Option<&'a str>,
    },
    /// NetworkTopologyStrategy replicas of all datacenters.
    ChainedNts {
        repfactors: &'a HashMap<String, usize>,
        locator: &'a ReplicaLocator,
    },
    /// Every node of a ring.
    AllNodes { index: &'a RingIndex },
    /// The replicas of a tablet, optionally restricted to one datacenter.
    Tablet {
        replicas: &'a [(Arc<Node>, Shard)],
        datacenter: Option<&'a str>,
    },
}

impl ReplicaSetInner<'_> {
    fn empty() -> Self {
        ReplicaSetInner::Replicas {
            replicas: Replicas::List([].iter()),
            datacenter: None,
        }
    }
}

/// The replicas of one token, with the shard of each that owns the token.
///
/// A view of the locator's precomputed data: building it, counting it and iterating
/// it do not allocate.
#[derive(Clone)]
pub struct ReplicaSet<'a> {
    inner: ReplicaSetInner<'a>,
    token: Token,
}

impl fmt::Debug for ReplicaSet<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(
                self.clone()
                    .into_iter()
                    .map(|(node, shard)| (node.address, shard)),
            )
            .finish()
    }
}

impl<'a> ReplicaSet<'a> {
    /// The number of replicas.
    pub fn len(&self) -> usize {
        match &self.inner {
            ReplicaSetInner::Replicas {
                replicas: Replicas::List(list),
                datacenter: None,
            } => list.len(),
            ReplicaSetInner::Replicas {
                replicas,
                datacenter,
            } => replicas
                .clone()
                .filter(|n| in_datacenter(n, *datacenter))
                .count(),
            ReplicaSetInner::ChainedNts {
                repfactors,
                locator,
            } => (0..locator.ring.datacenters.len())
                .map(|i| locator.nts_dc_replicas(self.token, repfactors, i).count())
                .sum(),
            ReplicaSetInner::AllNodes { index } => index.unique.len(),
            ReplicaSetInner::Tablet {
                replicas,
                datacenter,
            } => replicas
                .iter()
                .filter(|(n, _)| in_datacenter(n, *datacenter))
                .count(),
        }
    }

    /// Whether there is no replica.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// A replica chosen uniformly at random among those for which `predicate`
    /// holds; `None` if there is none.
    pub fn choose_filtered<R>(
        self,
        rng: &mut R,
        predicate: impl Fn(&(NodeRef<'a>, Shard)) -> bool,
    ) -> Option<(NodeRef<'a>, Shard)>
    where
        R: Rng + ?Sized,
    {
        let matching = self.clone().into_iter().filter(&predicate).count();
        if matching == 0 {
            return None;
        }
        let nth = rng.random_range(0..matching);
        self.into_iter().filter(&predicate).nth(nth)
    }

    /// The same replicas in ring order: the token's primary replica first, then the
    /// others in the order a clockwise walk from the token meets them. (For a tablet:
    /// the order the server gave.)
    pub fn into_replicas_ordered(self) -> ReplicasOrdered<'a> {
        ReplicasOrdered { set: self }
    }
}

impl<'a> IntoIterator for ReplicaSet<'a> {
    type Item = (NodeRef<'a>, Shard);
    type IntoIter = ReplicaSetIterator<'a>;

    fn into_iter(self) -> Self::IntoIter {
        let inner = match self.inner {
            ReplicaSetInner::Replicas {
                replicas,
                datacenter,
            } => IterInner::Replicas {
                replicas,
                datacenter,
            },
            ReplicaSetInner::ChainedNts {
                repfactors,
                locator,
            } => IterInner::ChainedNts {
                repfactors,
                locator,
                dc_index: 0,
                current: Replicas::List([].iter()),
            },
            ReplicaSetInner::AllNodes { index } => IterInner::Replicas {
                replicas: Replicas::List(index.unique.iter()),
                datacenter: None,
            },
            ReplicaSetInner::Tablet {
                replicas,
                datacenter,
            } => IterInner::Tablet {
                iter: replicas.iter(),
                datacenter,
            },
        };
        ReplicaSetIterator {
            inner,
            token: self.token,
        }
    }
}

#[derive(Clone)]
enum IterInner<'a> {
    Replicas {
        replicas: Replicas<'a>,
        datacenter: Option<&'a str>,
    },
    ChainedNts {
        repfactors: &'a HashMap<String, usize>,
        locator: &'a ReplicaLocator,
        /// The datacenter after the one `current` iterates.
        dc_index: usize,
        current: Replicas<'a>,
    },
    Tablet {
        iter: std::slice::Iter<'a, (Arc<Node>, Shard)>,
        datacenter: Option<&'a str>,
    },
}

/// Iterates a [`ReplicaSet`].
#[derive(Clone)]
pub struct ReplicaSetIterator<'a> {
    inner: IterInner<'a>,
    token: Token,
}

impl<'a> Iterator for ReplicaSetIterator<'a> {
    type Item = (NodeRef<'a>, Shard);

    fn next(&mut self) -> Option<Self::Item> {
        let token = self.token;
        let node = match &mut self.inner {
            IterInner::Replicas {
                replicas,
                datacenter,
            } => {
                let dc = *datacenter;
                replicas.find(|n| in_datacenter(n, dc))?
            }
            IterInner::ChainedNts {
                repfactors,
                locator,
                dc_index,
                current,
            } => loop {
                if let Some(node) = current.next() {
                    break node;
                }
                if *dc_index >= locator.ring.datacenters.len() {
                    return None;
                }
                *current = locator.nts_dc_replicas(token, repfactors, *dc_index);
                *dc_index += 1;
            },
            IterInner::Tablet { iter, datacenter } => {
                let dc = *datacenter;
                return iter
                    .find(|(n, _)| in_datacenter(n, dc))
                    .map(|(n, s)| (n, *s));
            }
        };
        Some((node, shard_of(node, token)))
    }

    fn nth(&mut self, n: usize) -> Option<Self::Item> {
        if let IterInner::Replicas {
            replicas,
            datacenter: None,
        } = &mut self.inner
        {
            let token = self.token;
            return replicas.nth(n).map(|node| (node, shard_of(node, token)));
        }
        for _ in 0..n {
            self.next()?;
        }
        self.next()
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        match &self.inner {
            IterInner::Replicas {
                replicas,
                datacenter: None,
            } => replicas.size_hint(),
            IterInner::Replicas { replicas, .. } => (0, replicas.size_hint().1),
            IterInner::ChainedNts { current, .. } => (current.size_hint().0, None),
            IterInner::Tablet { iter, .. } => (0, Some(iter.len())),
        }
    }
}

/// The replicas of a [`ReplicaSet`] in ring order.
#[derive(Clone)]
pub struct ReplicasOrdered<'a> {
    set: ReplicaSet<'a>,
}

impl<'a> IntoIterator for ReplicasOrdered<'a> {
    type Item = (NodeRef<'a>, Shard);
    type IntoIter = ReplicasOrderedIterator<'a>;

    fn into_iter(self) -> Self::IntoIter {
        let token = self.set.token;
        let inner = match self.set.inner {
            // Single lists are built by walking the ring, so they are in ring order
            // already. Tablet replicas come in the server's order (for strongly
            // consistent tables, the leader first).
            ReplicaSetInner::Replicas { .. } | ReplicaSetInner::Tablet { .. } => {
                OrderedInner::AlreadyOrdered(self.set.into_iter())
            }
            ReplicaSetInner::ChainedNts {
                repfactors,
                locator,
            } => {
                let total = self.set.len();
                let start = locator.ring.global.ring.index_for_token(token);
                OrderedInner::ChainedNts {
                    repfactors,
                    locator,
                    walk: locator.ring.global.walk_unique(start),
                    left: total,
                }
            }
            ReplicaSetInner::AllNodes { index } => {
                OrderedInner::AllNodes(index.walk_unique(index.ring.index_for_token(token)))
            }
        };
        ReplicasOrderedIterator { inner, token }
    }
}

enum OrderedInner<'a> {
    AlreadyOrdered(ReplicaSetIterator<'a>),
    ChainedNts {
        repfactors: &'a HashMap<String, usize>,
        locator: &'a ReplicaLocator,
        walk: UniqueWalk<'a>,
        left: usize,
    },
    AllNodes(UniqueWalk<'a>),
}

/// Iterates [`ReplicasOrdered`].
pub struct ReplicasOrderedIterator<'a> {
    inner: OrderedInner<'a>,
    token: Token,
}

impl<'a> Iterator for ReplicasOrderedIterator<'a> {
    type Item = (NodeRef<'a>, Shard);

    fn next(&mut self) -> Option<Self::Item> {
        let token = self.token;
        let node = match &mut self.inner {
            OrderedInner::AlreadyOrdered(iter) => return iter.next(),
            OrderedInner::ChainedNts {
                repfactors,
                locator,
                walk,
                left,
            } => {
                if *left == 0 {
                    return None;
                }
                // A node of the walk is a replica if its datacenter's list has it.
                let found = walk.find(|node| {
                    node.datacenter
                        .as_deref()
                        .and_then(|dc| locator.datacenter_index(dc))
                        .is_some_and(|dc_index| {
                            locator
                                .nts_dc_replicas(token, repfactors, dc_index)
                                .any(|r| Arc::ptr_eq(r, node))
                        })
                });
                match found {
                    Some(node) => {
                        *left -= 1;
                        node
                    }
                    None => {
                        *left = 0;
                        return None;
                    }
                }
            }
            OrderedInner::AllNodes(walk) => walk.next()?,
        };
        Some((node, shard_of(node, token)))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        match &self.inner {
            OrderedInner::AlreadyOrdered(iter) => iter.size_hint(),
            OrderedInner::ChainedNts { left, .. } => (0, Some(*left)),
            OrderedInner::AllNodes(_) => (0, None),
        }
    }
}

#[cfg(test)]
mod tests;
