//! The cluster's topology: nodes, where they are (datacenter, rack, address), their
//! tokens (vnodes) and shard counts, and the replica maps derived from them.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::fmt;
use std::net::IpAddr;
use std::num::NonZeroU16;
use std::sync::{Arc, Mutex, MutexGuard};

use uuid::Uuid;

use super::murmur3::Token;
use super::replicas::ReplicaMap;
use super::shard::{DEFAULT_SHARDING_IGNORE_MSB, shard_of};
use super::strategy::ReplicationStrategy;
use super::token_ring::{RingEntry, TokenRing};

/// The number of tokens a node gets unless told otherwise (ScyllaDB's default `num_tokens`).
pub const DEFAULT_NUM_TOKENS: usize = 256;

/// The most tokens one node may have; a bound on what a configuration can make us allocate.
pub const MAX_NUM_TOKENS: usize = 16_384;

/// A node's identity inside one [`Topology`]: small, copyable, assigned in the order nodes
/// are added, never reused after a node is removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct NodeId(u32);

impl NodeId {
    /// The id with the given number.
    pub const fn new(id: u32) -> Self {
        NodeId(id)
    }

    /// The id's number.
    pub const fn get(self) -> u32 {
        self.0
    }
}

impl fmt::Display for NodeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "node#{}", self.0)
    }
}

/// What a node to be added looks like.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeSpec {
    /// The node's host id, as in `system.local.host_id`.
    pub host_id: Uuid,
    /// The address clients connect to (`rpc_address`).
    pub address: IpAddr,
    /// The datacenter name.
    pub datacenter: String,
    /// The rack name.
    pub rack: String,
    /// How many tokens to allocate when the topology chooses them (`num_tokens`).
    pub num_tokens: usize,
    /// The number of shards (`SCYLLA_NR_SHARDS`).
    pub nr_shards: NonZeroU16,
    /// The `SCYLLA_SHARDING_IGNORE_MSB` parameter of the node's sharding.
    pub sharding_ignore_msb: u8,
}

impl NodeSpec {
    /// A node with [`DEFAULT_NUM_TOKENS`] tokens, one shard and the default
    /// `ignore_msb` of [`DEFAULT_SHARDING_IGNORE_MSB`].
    pub fn new(
        host_id: Uuid,
        address: IpAddr,
        datacenter: impl Into<String>,
        rack: impl Into<String>,
    ) -> Self {
        NodeSpec {
            host_id,
            address,
            datacenter: datacenter.into(),
            rack: rack.into(),
            num_tokens: DEFAULT_NUM_TOKENS,
            nr_shards: NonZeroU16::MIN,
            sharding_ignore_msb: DEFAULT_SHARDING_IGNORE_MSB,
        }
    }

    /// The same spec with `num_tokens` tokens.
    pub fn with_num_tokens(mut self, num_tokens: usize) -> Self {
        self.num_tokens = num_tokens;
        self
    }

    /// The same spec with `nr_shards` shards.
    pub fn with_shards(mut self, nr_shards: NonZeroU16) -> Self {
        self.nr_shards = nr_shards;
        self
    }

    /// The same spec with the given `ignore_msb` sharding parameter.
    pub fn with_sharding_ignore_msb(mut self, ignore_msb: u8) -> Self {
        self.sharding_ignore_msb = ignore_msb;
        self
    }
}

/// A node of the topology.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    id: NodeId,
    host_id: Uuid,
    address: IpAddr,
    datacenter: String,
    rack: String,
    tokens: Vec<Token>,
    nr_shards: NonZeroU16,
    sharding_ignore_msb: u8,
}

impl Node {
    /// The node's id in its topology.
    pub fn id(&self) -> NodeId {
        self.id
    }

    /// The node's host id.
    pub fn host_id(&self) -> Uuid {
        self.host_id
    }

    /// The address clients connect to.
    pub fn address(&self) -> IpAddr {
        self.address
    }

    /// The datacenter name.
    pub fn datacenter(&self) -> &str {
        &self.datacenter
    }

    /// The rack name.
    pub fn rack(&self) -> &str {
        &self.rack
    }

    /// The node's tokens, sorted. `system.local.tokens` / `system.peers.tokens` are these
    /// formatted with `Display` (decimal).
    pub fn tokens(&self) -> &[Token] {
        &self.tokens
    }

    /// The number of shards.
    pub fn nr_shards(&self) -> NonZeroU16 {
        self.nr_shards
    }

    /// The sharding `ignore_msb` parameter.
    pub fn sharding_ignore_msb(&self) -> u8 {
        self.sharding_ignore_msb
    }

    /// The shard of this node that owns `token`.
    pub fn shard_of(&self, token: Token) -> u16 {
        shard_of(token, self.nr_shards, self.sharding_ignore_msb)
    }
}

/// Why a topology change was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TopologyError {
    /// Another node already has this host id.
    #[error("host id {host_id} is already used by {existing}")]
    DuplicateHostId {
        /// The host id.
        host_id: Uuid,
        /// The node that has it.
        existing: NodeId,
    },
    /// Another node already has this address.
    #[error("address {address} is already used by {existing}")]
    DuplicateAddress {
        /// The address.
        address: IpAddr,
        /// The node that has it.
        existing: NodeId,
    },
    /// The datacenter or rack name is empty.
    #[error("node {host_id}: the {what} name must not be empty")]
    EmptyName {
        /// The host id of the node being added.
        host_id: Uuid,
        /// `"datacenter"` or `"rack"`.
        what: &'static str,
    },
    /// The node would have no tokens, or more than [`MAX_NUM_TOKENS`].
    #[error("node {host_id}: {num_tokens} tokens requested, must be between 1 and {max}")]
    BadTokenCount {
        /// The host id of the node being added.
        host_id: Uuid,
        /// The number requested.
        num_tokens: usize,
        /// [`MAX_NUM_TOKENS`].
        max: usize,
    },
    /// An explicitly given token is already owned by a node.
    #[error("token {token} is already owned by {owner}")]
    TokenTaken {
        /// The token.
        token: Token,
        /// Its current owner.
        owner: NodeId,
    },
    /// The same token was given twice for one node.
    #[error("token {token} was given twice")]
    RepeatedToken {
        /// The token.
        token: Token,
    },
    /// No node has this id.
    #[error("no node {0} in the topology")]
    UnknownNode(NodeId),
    /// All `u32` node ids have been handed out.
    #[error("no node ids left")]
    NodeIdsExhausted,
}

/// The nodes of a cluster and their tokens, with a version that changes on every change.
///
/// Tokens chosen by [`Topology::add_node`] are random like Cassandra's default allocation,
/// but deterministic: they are drawn from a SplitMix64 generator seeded with the
/// topology's seed and the node's host id, so the same seed and host id always give the
/// same tokens (whatever other nodes exist, unless a drawn token is already taken, in
/// which case the next draw is used). `i64::MIN` is never chosen. No two nodes ever
/// share a token.
///
/// Replica placement is computed on demand per replication strategy and cached until the
/// topology changes; see [`Topology::replica_map`].
#[derive(Debug)]
pub struct Topology {
    seed: u64,
    version: u64,
    next_id: u32,
    nodes: BTreeMap<NodeId, Node>,
    ring: Arc<TokenRing>,
    replica_maps: Mutex<HashMap<ReplicationStrategy, Arc<ReplicaMap>>>,
}

impl Clone for Topology {
    fn clone(&self) -> Self {
        Topology {
            seed: self.seed,
            version: self.version,
            next_id: self.next_id,
            nodes: self.nodes.clone(),
            ring: Arc::clone(&self.ring),
            replica_maps: Mutex::new(self.cached_maps().clone()),
        }
    }
}

impl Topology {
    /// An empty topology whose token allocation is driven by `seed`.
    pub fn new(seed: u64) -> Self {
        Topology {
            seed,
            version: 0,
            next_id: 0,
            nodes: BTreeMap::new(),
            ring: Arc::new(TokenRing::default()),
            replica_maps: Mutex::new(HashMap::new()),
        }
    }

    /// The seed token allocation uses.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// A counter increased by every change (node added or removed).
    pub fn version(&self) -> u64 {
        self.version
    }

    /// Adds a node with `spec.num_tokens` tokens chosen by the topology (see the type's
    /// documentation) and returns its id.
    pub fn add_node(&mut self, spec: NodeSpec) -> Result<NodeId, TopologyError> {
        self.check_new_node(&spec, spec.num_tokens)?;
        let tokens = self.allocate_tokens(spec.host_id, spec.num_tokens);
        self.insert_node(spec, tokens)
    }

    /// Adds a node owning exactly `tokens` (its `num_tokens` is ignored) and returns its
    /// id. Fails if a token is already owned or given twice.
    pub fn add_node_with_tokens(
        &mut self,
        spec: NodeSpec,
        tokens: impl IntoIterator<Item = Token>,
    ) -> Result<NodeId, TopologyError> {
        let mut chosen = BTreeSet::new();
        for token in tokens {
            if chosen.len() >= MAX_NUM_TOKENS {
                return Err(TopologyError::BadTokenCount {
                    host_id: spec.host_id,
                    num_tokens: chosen.len() + 1,
                    max: MAX_NUM_TOKENS,
                });
            }
            if let Some(owner) = self.owner_of_exact(token) {
                return Err(TopologyError::TokenTaken { token, owner });
            }
            if !chosen.insert(token) {
                return Err(TopologyError::RepeatedToken { token });
            }
        }
        self.check_new_node(&spec, chosen.len())?;
        self.insert_node(spec, chosen.into_iter().collect())
    }

    /// Removes a node; its tokens leave the ring. Returns the removed node.
    pub fn remove_node(&mut self, id: NodeId) -> Result<Node, TopologyError> {
        let node = self
            .nodes
            .remove(&id)
            .ok_or(TopologyError::UnknownNode(id))?;
        self.changed();
        Ok(node)
    }

    /// The node with this id.
    pub fn node(&self, id: NodeId) -> Option<&Node> {
        self.nodes.get(&id)
    }

    /// All nodes, by id.
    pub fn nodes(&self) -> impl Iterator<Item = &Node> + '_ {
        self.nodes.values()
    }

    /// The number of nodes.
    pub fn node_count(&self) -> usize {
        self.nodes.len()
    }

    /// The node clients reach at `address`.
    pub fn node_by_address(&self, address: IpAddr) -> Option<&Node> {
        self.nodes.values().find(|n| n.address == address)
    }

    /// The node with this host id.
    pub fn node_by_host_id(&self, host_id: Uuid) -> Option<&Node> {
        self.nodes.values().find(|n| n.host_id == host_id)
    }

    /// The names of the datacenters that have nodes, sorted.
    pub fn datacenters(&self) -> Vec<&str> {
        let set: BTreeSet<&str> = self.nodes.values().map(|n| n.datacenter()).collect();
        set.into_iter().collect()
    }

    /// The number of nodes in datacenter `dc`.
    pub fn nodes_in_datacenter(&self, dc: &str) -> usize {
        self.nodes.values().filter(|n| n.datacenter == dc).count()
    }

    /// The number of distinct racks in datacenter `dc`.
    pub fn racks_in_datacenter(&self, dc: &str) -> usize {
        self.nodes
            .values()
            .filter(|n| n.datacenter == dc)
            .map(|n| n.rack.as_str())
            .collect::<HashSet<_>>()
            .len()
    }

    /// The token ring of the current version.
    pub fn ring(&self) -> &Arc<TokenRing> {
        &self.ring
    }

    /// The node that owns `token` (the primary replica under every strategy but
    /// `LocalStrategy`). `None` when there are no nodes.
    pub fn owner(&self, token: Token) -> Option<NodeId> {
        self.ring.owner(token)
    }

    /// The replica placement of `strategy` for the current version: computed once per
    /// (version, strategy), then served from a cache. A lookup in the returned map is a
    /// binary search plus a slice.
    pub fn replica_map(&self, strategy: &ReplicationStrategy) -> Arc<ReplicaMap> {
        if let Some(map) = self.cached_maps().get(strategy) {
            return Arc::clone(map);
        }
        // Computed without holding the lock; a racing thread may compute the same map,
        // both results are equal.
        let map = Arc::new(ReplicaMap::compute(self, strategy.clone()));
        self.cached_maps()
            .entry(strategy.clone())
            .or_insert(map)
            .clone()
    }

    /// The replicas of `token` under `strategy`, primary first, in Cassandra's order.
    /// `coordinator` matters only for `LocalStrategy`, whose only replica it is.
    pub fn replicas(
        &self,
        strategy: &ReplicationStrategy,
        token: Token,
        coordinator: NodeId,
    ) -> Vec<NodeId> {
        self.replica_map(strategy)
            .replicas(token, coordinator)
            .to_vec()
    }

    fn cached_maps(&self) -> MutexGuard<'_, HashMap<ReplicationStrategy, Arc<ReplicaMap>>> {
        // The cache holds no invariant a panic could break; recover from poisoning.
        self.replica_maps
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn owner_of_exact(&self, token: Token) -> Option<NodeId> {
        let entries = self.ring.entries();
        entries
            .binary_search_by_key(&token, |e| e.token)
            .ok()
            .and_then(|i| entries.get(i))
            .map(|e| e.node)
    }

    fn check_new_node(&self, spec: &NodeSpec, num_tokens: usize) -> Result<(), TopologyError> {
        if let Some(existing) = self.node_by_host_id(spec.host_id) {
            return Err(TopologyError::DuplicateHostId {
                host_id: spec.host_id,
                existing: existing.id,
            });
        }
        if let Some(existing) = self.node_by_address(spec.address) {
            return Err(TopologyError::DuplicateAddress {
                address: spec.address,
                existing: existing.id,
            });
        }
        for (what, name) in [("datacenter", &spec.datacenter), ("rack", &spec.rack)] {
            if name.is_empty() {
                return Err(TopologyError::EmptyName {
                    host_id: spec.host_id,
                    what,
                });
            }
        }
        if num_tokens == 0 || num_tokens > MAX_NUM_TOKENS {
            return Err(TopologyError::BadTokenCount {
                host_id: spec.host_id,
                num_tokens,
                max: MAX_NUM_TOKENS,
            });
        }
        if self.next_id == u32::MAX {
            return Err(TopologyError::NodeIdsExhausted);
        }
        Ok(())
    }

    /// Draws `count` distinct tokens not on the ring, from a generator seeded with the
    /// topology seed and the host id.
    fn allocate_tokens(&self, host_id: Uuid, count: usize) -> Vec<Token> {
        let (hi, lo) = host_id.as_u64_pair();
        let mut rng = SplitMix64::new(
            splitmix64_finalize(self.seed)
                ^ splitmix64_finalize(hi).rotate_left(21)
                ^ splitmix64_finalize(lo ^ 0x5851_f42d_4c95_7f2d),
        );
        let mut chosen = BTreeSet::new();
        while chosen.len() < count {
            let token = Token::new(rng.next_u64() as i64);
            if token == Token::MIN || self.ring.contains(token) {
                continue;
            }
            chosen.insert(token);
        }
        chosen.into_iter().collect()
    }

    fn insert_node(&mut self, spec: NodeSpec, tokens: Vec<Token>) -> Result<NodeId, TopologyError> {
        let id = NodeId(self.next_id);
        self.next_id = self
            .next_id
            .checked_add(1)
            .ok_or(TopologyError::NodeIdsExhausted)?;
        let node = Node {
            id,
            host_id: spec.host_id,
            address: spec.address,
            datacenter: spec.datacenter,
            rack: spec.rack,
            tokens,
            nr_shards: spec.nr_shards,
            sharding_ignore_msb: spec.sharding_ignore_msb,
        };
        self.nodes.insert(id, node);
        self.changed();
        Ok(id)
    }

    fn changed(&mut self) {
        self.version += 1;
        let entries = self
            .nodes
            .values()
            .flat_map(|n| {
                n.tokens
                    .iter()
                    .map(|&token| RingEntry { token, node: n.id })
            })
            .collect();
        self.ring = Arc::new(TokenRing::new(entries));
        self.replica_maps
            .get_mut()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clear();
    }
}

/// A host id derived from `seed` and `index` (for example a node's position in a
/// simulated cluster), formatted as a random (version 4) UUID. The same inputs always
/// give the same id.
pub fn deterministic_host_id(seed: u64, index: u32) -> Uuid {
    let mut rng = SplitMix64::new(splitmix64_finalize(seed) ^ u64::from(index));
    let hi = rng.next_u64();
    let lo = rng.next_u64();
    uuid::Builder::from_random_bytes(((u128::from(hi) << 64) | u128::from(lo)).to_be_bytes())
        .into_uuid()
}

/// SplitMix64 (Steele, Lea, Flood 2014): a small, fast generator whose output depends
/// only on its seed, so allocations are reproducible across platforms and crate versions.
struct SplitMix64 {
    state: u64,
}

impl SplitMix64 {
    fn new(seed: u64) -> Self {
        SplitMix64 { state: seed }
    }

    fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        splitmix64_finalize(self.state)
    }
}

fn splitmix64_finalize(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::Ipv4Addr;

    fn spec(i: u8, dc: &str, rack: &str) -> NodeSpec {
        NodeSpec::new(
            deterministic_host_id(1, u32::from(i)),
            IpAddr::V4(Ipv4Addr::new(127, 0, 0, i)),
            dc,
            rack,
        )
    }

    #[test]
    fn allocation_is_deterministic_and_disjoint() {
        let mut a = Topology::new(42);
        let mut b = Topology::new(42);
        for i in 1..=3 {
            a.add_node(spec(i, "dc1", "r1")).unwrap();
        }
        // Different insertion order, same tokens per host.
        for i in (1..=3).rev() {
            b.add_node(spec(i, "dc1", "r1")).unwrap();
        }
        for node in a.nodes() {
            let other = b.node_by_host_id(node.host_id()).unwrap();
            assert_eq!(node.tokens(), other.tokens());
            assert_eq!(node.tokens().len(), DEFAULT_NUM_TOKENS);
            assert!(node.tokens().windows(2).all(|w| w[0] < w[1]));
            assert!(!node.tokens().contains(&Token::MIN));
        }
        assert_eq!(a.ring().len(), 3 * DEFAULT_NUM_TOKENS);

        let mut c = Topology::new(43);
        c.add_node(spec(1, "dc1", "r1")).unwrap();
        assert_ne!(
            c.node(NodeId::new(0)).unwrap().tokens(),
            a.node(NodeId::new(0)).unwrap().tokens()
        );
    }

    #[test]
    fn pinned_allocation() {
        // Guards against accidental changes of the allocation algorithm: simulated
        // clusters' token layouts must not silently change between versions.
        let host_id = deterministic_host_id(1, 1);
        assert_eq!(
            host_id,
            Uuid::parse_str("86224a8e-1dae-49f9-81cc-71ddd9f8baf8").unwrap()
        );
        assert_eq!(host_id.get_version_num(), 4);
        let mut t = Topology::new(0);
        let id = t.add_node(spec(1, "dc1", "r1").with_num_tokens(2)).unwrap();
        let tokens: Vec<i64> = t
            .node(id)
            .unwrap()
            .tokens()
            .iter()
            .map(|t| t.value())
            .collect();
        assert_eq!(tokens, vec![7815371974613131166, 8749778913786806622]);
        assert_ne!(deterministic_host_id(7, 3), deterministic_host_id(7, 4));
        assert_ne!(deterministic_host_id(7, 3), deterministic_host_id(8, 3));
    }

    #[test]
    fn explicit_tokens_and_errors() {
        let mut t = Topology::new(0);
        let a = t
            .add_node_with_tokens(spec(1, "dc1", "r1"), [Token::new(10), Token::new(-10)])
            .unwrap();
        assert_eq!(
            t.node(a).unwrap().tokens(),
            &[Token::new(-10), Token::new(10)]
        );
        assert_eq!(
            t.add_node_with_tokens(spec(2, "dc1", "r1"), [Token::new(10)]),
            Err(TopologyError::TokenTaken {
                token: Token::new(10),
                owner: a
            })
        );
        assert_eq!(
            t.add_node_with_tokens(spec(2, "dc1", "r1"), [Token::new(5), Token::new(5)]),
            Err(TopologyError::RepeatedToken {
                token: Token::new(5)
            })
        );
        assert!(matches!(
            t.add_node_with_tokens(spec(2, "dc1", "r1"), []),
            Err(TopologyError::BadTokenCount { num_tokens: 0, .. })
        ));
        assert!(matches!(
            t.add_node(spec(2, "dc1", "r1").with_num_tokens(MAX_NUM_TOKENS + 1)),
            Err(TopologyError::BadTokenCount { .. })
        ));
        assert!(matches!(
            t.add_node(spec(1, "dc1", "r1")),
            Err(TopologyError::DuplicateHostId { .. })
        ));
        let mut same_addr = spec(2, "dc1", "r1");
        same_addr.address = IpAddr::V4(Ipv4Addr::new(127, 0, 0, 1));
        assert!(matches!(
            t.add_node(same_addr),
            Err(TopologyError::DuplicateAddress { .. })
        ));
        assert!(matches!(
            t.add_node(spec(2, "", "r1")),
            Err(TopologyError::EmptyName {
                what: "datacenter",
                ..
            })
        ));
        assert!(matches!(
            t.add_node(spec(2, "dc1", "")),
            Err(TopologyError::EmptyName { what: "rack", .. })
        ));
        // Failed additions changed nothing.
        assert_eq!(t.version(), 1);
        assert_eq!(t.node_count(), 1);
    }

    #[test]
    fn remove_and_versions() {
        let mut t = Topology::new(5);
        let a = t.add_node(spec(1, "dc1", "r1").with_num_tokens(4)).unwrap();
        let b = t.add_node(spec(2, "dc2", "r1").with_num_tokens(4)).unwrap();
        let _c = t.add_node(spec(3, "dc2", "r2").with_num_tokens(4)).unwrap();
        assert_eq!(t.version(), 3);
        assert_eq!(t.datacenters(), vec!["dc1", "dc2"]);
        assert_eq!(t.nodes_in_datacenter("dc2"), 2);
        assert_eq!(t.racks_in_datacenter("dc2"), 2);
        assert_eq!(t.racks_in_datacenter("nope"), 0);

        let removed = t.remove_node(b).unwrap();
        assert_eq!(removed.id(), b);
        assert_eq!(t.version(), 4);
        assert_eq!(t.ring().len(), 8);
        assert!(t.ring().entries().iter().all(|e| e.node != b));
        assert_eq!(t.remove_node(b), Err(TopologyError::UnknownNode(b)));
        // Ids are not reused.
        let d = t.add_node(spec(4, "dc1", "r1").with_num_tokens(4)).unwrap();
        assert_eq!(d, NodeId::new(3));
        assert_ne!(d, a);
        // The removed node's address and host id are free again.
        t.add_node(spec(2, "dc2", "r1").with_num_tokens(4)).unwrap();
    }

    #[test]
    fn node_shard_uses_its_parameters() {
        let mut t = Topology::new(0);
        let id = t
            .add_node(
                spec(1, "dc1", "r1")
                    .with_shards(NonZeroU16::new(12).unwrap())
                    .with_sharding_ignore_msb(0),
            )
            .unwrap();
        let node = t.node(id).unwrap();
        assert_eq!(node.nr_shards().get(), 12);
        assert_eq!(node.shard_of(Token::new(0)), 6);
        assert_eq!(node.shard_of(Token::MIN), 0);
    }
}
