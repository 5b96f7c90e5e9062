//! Replica lists computed once per topology, for every ring position and every
//! replication factor the keyspaces use, so that looking up the replicas of a token
//! is a binary search and a slice.

use std::collections::HashSet;
use std::sync::Arc;

use smallvec::SmallVec;

use super::token_ring::TokenRing;
use crate::cluster::Node;

/// A ring of nodes with, for each node, where its tokens are. Lets a walk along the
/// ring visit each node once (at its first token after the start) without
/// allocating.
#[derive(Debug, Clone)]
pub(crate) struct RingIndex {
    pub(crate) ring: TokenRing<Arc<Node>>,
    /// For each ring position, the index of its node in `unique`.
    node_index: Vec<u32>,
    /// Every node of the ring once, in the order of their first token.
    pub(crate) unique: Vec<Arc<Node>>,
    /// For each node of `unique`, its ring positions, ascending.
    positions: Vec<Vec<u32>>,
    /// The number of distinct racks of the nodes (no rack counts as one).
    pub(crate) rack_count: usize,
}

impl RingIndex {
    pub(crate) fn new(ring: TokenRing<Arc<Node>>) -> Self {
        let mut unique: Vec<Arc<Node>> = Vec::new();
        let mut positions: Vec<Vec<u32>> = Vec::new();
        let mut node_index = Vec::with_capacity(ring.len());
        let mut index_by_id = std::collections::HashMap::new();
        for (pos, (_, node)) in ring.iter().enumerate() {
            let idx = *index_by_id.entry(node.host_id).or_insert_with(|| {
                unique.push(Arc::clone(node));
                positions.push(Vec::new());
                unique.len() - 1
            });
            node_index.push(idx as u32);
            if let Some(p) = positions.get_mut(idx) {
                p.push(pos as u32);
            }
        }
        let rack_count = unique
            .iter()
            .map(|n| n.rack.as_deref())
            .collect::<HashSet<_>>()
            .len();
        RingIndex {
            ring,
            node_index,
            unique,
            positions,
            rack_count,
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.ring.len()
    }

    /// Whether the node at ring position `pos` is there for the first time in a walk
    /// that started at position `start`.
    fn is_first_visit(&self, start: usize, pos: usize) -> bool {
        let Some(&node) = self.node_index.get(pos) else {
            return false;
        };
        let Some(ps) = self.positions.get(node as usize) else {
            return false;
        };
        let i = ps.partition_point(|&p| (p as usize) < start);
        let first = ps.get(i).or_else(|| ps.first());
        first.is_some_and(|&p| p as usize == pos)
    }

    /// Every node once, clockwise from ring position `start`.
    pub(crate) fn walk_unique(&self, start: usize) -> UniqueWalk<'_> {
        UniqueWalk {
            index: self,
            start,
            step: 0,
        }
    }
}

/// A walk along a [`RingIndex`] that yields each node once.
#[derive(Debug, Clone)]
pub(crate) struct UniqueWalk<'a> {
    index: &'a RingIndex,
    start: usize,
    step: usize,
}

impl<'a> Iterator for UniqueWalk<'a> {
    type Item = &'a Arc<Node>;

    fn next(&mut self) -> Option<Self::Item> {
        let len = self.index.len();
        while self.step < len {
            let pos = (self.start + self.step) % len;
            self.step += 1;
            if self.index.is_first_visit(self.start, pos) {
                return self.index.ring.get(pos).map(|(_, node)| node);
            }
        }
        None
    }
}

/// One replica list per ring position, stored back to back.
#[derive(Debug, Clone, Default)]
pub(crate) struct ReplicaLists {
    nodes: Vec<Arc<Node>>,
    /// `starts[i]..starts[i + 1]` is the list of ring position `i`.
    starts: Vec<usize>,
}

impl ReplicaLists {
    /// The list of ring position `pos` (empty if out of range).
    pub(crate) fn get(&self, pos: usize) -> &[Arc<Node>] {
        match (self.starts.get(pos), self.starts.get(pos + 1)) {
            (Some(&a), Some(&b)) => self.nodes.get(a..b).unwrap_or(&[]),
            _ => &[],
        }
    }

    fn build(positions: usize, mut list_for: impl FnMut(usize, &mut Vec<Arc<Node>>)) -> Self {
        let mut nodes = Vec::new();
        let mut starts = Vec::with_capacity(positions + 1);
        starts.push(0);
        for pos in 0..positions {
            list_for(pos, &mut nodes);
            starts.push(nodes.len());
        }
        ReplicaLists { nodes, starts }
    }

    /// SimpleStrategy: for each position, the first `rf` distinct nodes clockwise.
    pub(crate) fn simple(index: &RingIndex, rf: usize) -> Self {
        Self::build(index.len(), |pos, out| {
            out.extend(PlacementWalk::simple(index, pos, rf).cloned());
        })
    }

    /// NetworkTopologyStrategy within one datacenter (`index` is that datacenter's
    /// ring): for each position, the replicas [`PlacementWalk::network_topology`]
    /// places.
    pub(crate) fn network_topology(index: &RingIndex, rf: usize) -> Self {
        Self::build(index.len(), |pos, out| {
            out.extend(PlacementWalk::network_topology(index, pos, rf).cloned());
        })
    }
}

/// The rack rule of NetworkTopologyStrategy during a [`PlacementWalk`].
#[derive(Debug, Clone)]
struct RackRule<'a> {
    /// How many more nodes of already used racks may still be taken.
    acceptable_repeats: isize,
    used: SmallVec<[Option<&'a str>; 8]>,
}

/// Replica placement as a walk along a ring: yields the replicas of the ring
/// position it starts at, in ring order, without allocating (unless more than 8
/// racks are used).
#[derive(Debug, Clone)]
pub(crate) struct PlacementWalk<'a> {
    walk: UniqueWalk<'a>,
    left: usize,
    racks: Option<RackRule<'a>>,
}

impl<'a> PlacementWalk<'a> {
    /// SimpleStrategy: the first `rf` distinct nodes clockwise from `start`.
    pub(crate) fn simple(index: &'a RingIndex, start: usize, rf: usize) -> Self {
        PlacementWalk {
            walk: index.walk_unique(start),
            left: rf,
            racks: None,
        }
    }

    /// NetworkTopologyStrategy within one datacenter (`index` is that datacenter's
    /// ring): `rf` nodes clockwise from `start` (all if fewer), on distinct racks as
    /// long as the racks left can still provide distinct racks for the replicas left.
    ///
    /// This is Cassandra's (and ScyllaDB's) placement: a node of a new rack is always
    /// taken; a node of an already used rack only while the number of such repeats
    /// stays within `rf - number of racks`. Nodes without a rack count as one rack.
    pub(crate) fn network_topology(index: &'a RingIndex, start: usize, rf: usize) -> Self {
        let wanted = rf.min(index.unique.len());
        PlacementWalk {
            walk: index.walk_unique(start),
            left: wanted,
            racks: Some(RackRule {
                acceptable_repeats: wanted as isize - index.rack_count as isize,
                used: SmallVec::new(),
            }),
        }
    }
}

impl<'a> Iterator for PlacementWalk<'a> {
    type Item = &'a Arc<Node>;

    fn next(&mut self) -> Option<Self::Item> {
        while self.left > 0 {
            let node = self.walk.next()?;
            if let Some(rule) = &mut self.racks {
                let rack = node.rack.as_deref();
                if !rule.used.contains(&rack) {
                    rule.used.push(rack);
                } else if rule.acceptable_repeats > 0 {
                    rule.acceptable_repeats -= 1;
                } else {
                    continue;
                }
            }
            self.left -= 1;
            return Some(node);
        }
        None
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (0, Some(self.left))
    }
}
