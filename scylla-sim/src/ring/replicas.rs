//! Replica placement: for every range of the ring, the ordered list of replicas a
//! replication strategy puts there.

use std::collections::HashMap;
use std::sync::Arc;

use super::murmur3::Token;
use super::strategy::ReplicationStrategy;
use super::token_ring::TokenRing;
use super::topology::{NodeId, Topology};

/// The replicas of every ring range under one strategy, for one topology version.
///
/// Built by [`Topology::replica_map`]. Replica lists are in Cassandra's order: the
/// primary replica (the token's owner) first, then the others in the order the ring walk
/// accepted them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplicaMap {
    strategy: ReplicationStrategy,
    topology_version: u64,
    ring: Arc<TokenRing>,
    placement: Placement,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Placement {
    /// `replicas[offsets[i]..offsets[i + 1]]` are the replicas of ring entry `i`.
    PerRange {
        offsets: Vec<usize>,
        replicas: Vec<NodeId>,
    },
    /// `LocalStrategy`: every node is the only replica of its own requests. Sorted.
    Local { nodes: Vec<NodeId> },
}

impl ReplicaMap {
    /// The strategy this map places replicas for.
    pub fn strategy(&self) -> &ReplicationStrategy {
        &self.strategy
    }

    /// The topology version the map was computed for.
    pub fn topology_version(&self) -> u64 {
        self.topology_version
    }

    /// The replicas of `token`, primary first. `coordinator` is used only by
    /// `LocalStrategy`, whose single replica it is (if it is a node of the topology).
    /// Empty when the topology has no nodes, or when the replication factor is 0.
    pub fn replicas(&self, token: Token, coordinator: NodeId) -> &[NodeId] {
        match &self.placement {
            Placement::Local { nodes } => match nodes.binary_search(&coordinator) {
                Ok(i) => nodes.get(i).map(std::slice::from_ref).unwrap_or(&[]),
                Err(_) => &[],
            },
            Placement::PerRange { .. } => match self.ring.owner_index(token) {
                Some(index) => self.replicas_of_range(index),
                None => &[],
            },
        }
    }

    /// The replicas of the range owned by ring entry `index` (see
    /// [`TokenRing::entries`]). Empty for `LocalStrategy` and out-of-range indexes.
    pub fn replicas_of_range(&self, index: usize) -> &[NodeId] {
        match &self.placement {
            Placement::Local { .. } => &[],
            Placement::PerRange { offsets, replicas } => {
                let (Some(&start), Some(&end)) = (offsets.get(index), offsets.get(index + 1))
                else {
                    return &[];
                };
                replicas.get(start..end).unwrap_or(&[])
            }
        }
    }

    pub(crate) fn compute(topology: &Topology, strategy: ReplicationStrategy) -> Self {
        let ring = Arc::clone(topology.ring());
        let placement = match &strategy {
            ReplicationStrategy::Local => Placement::Local {
                nodes: topology.nodes().map(|n| n.id()).collect(),
            },
            ReplicationStrategy::Simple { replication_factor } => {
                place_simple(topology, &ring, *replication_factor)
            }
            ReplicationStrategy::Everywhere => place_simple(topology, &ring, usize::MAX),
            ReplicationStrategy::NetworkTopology { datacenters } => {
                place_network_topology(topology, &ring, datacenters)
            }
        };
        ReplicaMap {
            strategy,
            topology_version: topology.version(),
            ring,
            placement,
        }
    }
}

/// Dense numbering of the nodes, datacenters and (datacenter, rack) pairs, so the ring
/// walks use vectors instead of maps.
struct Dense {
    ids: Vec<NodeId>,
    node_dc: Vec<usize>,
    node_rack: Vec<usize>,
    dc_names: Vec<String>,
    dc_nodes: Vec<usize>,
    dc_racks: Vec<usize>,
    rack_count: usize,
    /// The dense node index of every ring entry.
    ring_nodes: Vec<usize>,
}

impl Dense {
    fn new(topology: &Topology, ring: &TokenRing) -> Self {
        let mut ids = Vec::new();
        let mut index_of = HashMap::new();
        let mut dc_index: HashMap<&str, usize> = HashMap::new();
        let mut rack_index: HashMap<(&str, &str), usize> = HashMap::new();
        let mut dc_names = Vec::new();
        let mut dc_nodes = Vec::new();
        let mut dc_racks = Vec::new();
        let mut node_dc = Vec::new();
        let mut node_rack = Vec::new();
        for node in topology.nodes() {
            index_of.insert(node.id(), ids.len());
            ids.push(node.id());
            let dc = *dc_index.entry(node.datacenter()).or_insert_with(|| {
                dc_names.push(node.datacenter().to_owned());
                dc_nodes.push(0);
                dc_racks.push(0);
                dc_names.len() - 1
            });
            if let Some(count) = dc_nodes.get_mut(dc) {
                *count += 1;
            }
            let next_rack = rack_index.len();
            let rack = *rack_index
                .entry((node.datacenter(), node.rack()))
                .or_insert_with(|| {
                    if let Some(count) = dc_racks.get_mut(dc) {
                        *count += 1;
                    }
                    next_rack
                });
            node_dc.push(dc);
            node_rack.push(rack);
        }
        let ring_nodes = ring
            .entries()
            .iter()
            .map(|e| index_of.get(&e.node).copied().unwrap_or(usize::MAX))
            .collect();
        Dense {
            ids,
            node_dc,
            node_rack,
            dc_names,
            dc_nodes,
            dc_racks,
            rack_count: rack_index.len(),
            ring_nodes,
        }
    }

    /// Ring positions starting at `start`, once around.
    fn walk(&self, start: usize) -> impl Iterator<Item = usize> + '_ {
        let (before, after) = self.ring_nodes.split_at(start.min(self.ring_nodes.len()));
        after.iter().chain(before.iter()).copied()
    }
}

/// A set of small integers cleared in O(1) by bumping a generation counter.
struct Marks {
    marks: Vec<u32>,
    generation: u32,
}

impl Marks {
    fn new(len: usize) -> Self {
        Marks {
            marks: vec![0; len],
            generation: 0,
        }
    }

    fn clear(&mut self) {
        self.generation = self.generation.wrapping_add(1);
        if self.generation == 0 {
            self.marks.iter_mut().for_each(|m| *m = 0);
            self.generation = 1;
        }
    }

    /// Marks `i`; returns whether it was unmarked before.
    fn insert(&mut self, i: usize) -> bool {
        match self.marks.get_mut(i) {
            Some(m) if *m != self.generation => {
                *m = self.generation;
                true
            }
            _ => false,
        }
    }
}

/// SimpleStrategy (and EverywhereStrategy with an unbounded factor): walk the ring from
/// the range's entry and take each node not taken yet, until `rf` nodes (or all nodes).
fn place_simple(topology: &Topology, ring: &TokenRing, rf: usize) -> Placement {
    let dense = Dense::new(topology, ring);
    let want = rf.min(dense.ids.len());
    let mut offsets = Vec::with_capacity(ring.len() + 1);
    let mut replicas = Vec::with_capacity(ring.len().saturating_mul(want));
    let mut taken = Marks::new(dense.ids.len());
    offsets.push(0);
    for start in 0..ring.len() {
        taken.clear();
        let mut count = 0;
        if want > 0 {
            for node in dense.walk(start) {
                if taken.insert(node) {
                    if let Some(&id) = dense.ids.get(node) {
                        replicas.push(id);
                        count += 1;
                    }
                    if count == want {
                        break;
                    }
                }
            }
        }
        offsets.push(replicas.len());
    }
    Placement::PerRange { offsets, replicas }
}

/// Per-datacenter progress of a NetworkTopologyStrategy walk.
#[derive(Clone, Copy)]
struct DcFill {
    /// Replicas still to place in this datacenter.
    left: usize,
    /// How many more nodes may be taken from racks that already have a replica.
    rack_repeats_left: isize,
}

/// NetworkTopologyStrategy, as Cassandra (4.0+) and ScyllaDB compute natural endpoints:
/// for each datacenter with a positive factor and at least one node, place
/// `min(rf, nodes in dc)` replicas. Walking the ring from the range's entry, a node of
/// such a datacenter is taken if its rack has no replica yet; a node of an already used
/// rack is taken only while `rf - racks in dc` such repeats remain (so nodes from new
/// racks are preferred whenever the datacenter has enough racks). The walk stops when
/// every datacenter is filled or the ring is exhausted.
///
/// This yields the same replica *set* as the older formulation (skip nodes of used racks,
/// add the skipped ones once every rack of the datacenter has a replica); the order is the
/// order of acceptance in the walk.
fn place_network_topology(
    topology: &Topology,
    ring: &TokenRing,
    datacenters: &std::collections::BTreeMap<String, usize>,
) -> Placement {
    let dense = Dense::new(topology, ring);
    // The initial fill state of every datacenter, indexed densely; None = no replicas.
    let initial: Vec<Option<DcFill>> = dense
        .dc_names
        .iter()
        .enumerate()
        .map(|(dc, name)| {
            let rf = datacenters.get(name).copied().unwrap_or(0);
            let nodes = dense.dc_nodes.get(dc).copied().unwrap_or(0);
            let racks = dense.dc_racks.get(dc).copied().unwrap_or(0);
            (rf > 0 && nodes > 0).then(|| DcFill {
                left: rf.min(nodes),
                rack_repeats_left: isize::try_from(rf)
                    .unwrap_or(isize::MAX)
                    .saturating_sub(isize::try_from(racks).unwrap_or(isize::MAX)),
            })
        })
        .collect();
    let dcs_with_replicas = initial.iter().filter(|f| f.is_some()).count();
    let per_range: usize = initial.iter().flatten().map(|f| f.left).sum();

    let mut offsets = Vec::with_capacity(ring.len() + 1);
    let mut replicas = Vec::with_capacity(ring.len().saturating_mul(per_range));
    let mut taken = Marks::new(dense.ids.len());
    let mut used_racks = Marks::new(dense.rack_count);
    let mut fill = initial.clone();
    offsets.push(0);
    for start in 0..ring.len() {
        taken.clear();
        used_racks.clear();
        fill.clone_from(&initial);
        let mut dcs_left = dcs_with_replicas;
        for node in dense.walk(start) {
            if dcs_left == 0 {
                break;
            }
            let (Some(&dc), Some(&rack), Some(&id)) = (
                dense.node_dc.get(node),
                dense.node_rack.get(node),
                dense.ids.get(node),
            ) else {
                continue;
            };
            let Some(Some(state)) = fill.get_mut(dc) else {
                continue;
            };
            if state.left == 0 {
                continue;
            }
            if used_racks.insert(rack) {
                // A new rack: its node cannot have been taken before.
                taken.insert(node);
            } else if state.rack_repeats_left <= 0 || !taken.insert(node) {
                continue;
            } else {
                state.rack_repeats_left -= 1;
            }
            replicas.push(id);
            state.left -= 1;
            if state.left == 0 {
                dcs_left -= 1;
            }
        }
        offsets.push(replicas.len());
    }
    Placement::PerRange { offsets, replicas }
}
