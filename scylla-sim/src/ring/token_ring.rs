//! The sorted token ring: which node owns which token.

use super::murmur3::Token;
use super::topology::NodeId;

/// One vnode: a token on the ring and the node it belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RingEntry {
    /// The token.
    pub token: Token,
    /// The node that owns the range ending (inclusively) at this token.
    pub node: NodeId,
}

/// All tokens of all nodes, sorted; no token appears twice.
///
/// The ring entry at token `e` owns the range `(previous entry's token, e]`; the first entry
/// also owns everything after the last entry (the range wraps around). So the owner of a
/// token `t` is the node of the first entry whose token is `>= t`, or of the first entry
/// when `t` is greater than every token.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TokenRing {
    entries: Vec<RingEntry>,
}

impl TokenRing {
    /// A ring made of `entries`, in any order. Entries with the same token keep only the
    /// first one given ([`Topology`](super::Topology) never produces such duplicates).
    pub fn new(mut entries: Vec<RingEntry>) -> Self {
        entries.sort_by_key(|e| e.token);
        entries.dedup_by_key(|e| e.token);
        TokenRing { entries }
    }

    /// The number of tokens on the ring.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the ring has no tokens (no nodes).
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// All entries, sorted by token.
    pub fn entries(&self) -> &[RingEntry] {
        &self.entries
    }

    /// The entry at `index` in token order.
    pub fn entry(&self, index: usize) -> Option<&RingEntry> {
        self.entries.get(index)
    }

    /// Whether some node owns exactly this token.
    pub fn contains(&self, token: Token) -> bool {
        self.entries
            .binary_search_by_key(&token, |e| e.token)
            .is_ok()
    }

    /// The index of the entry that owns `token`: the first entry whose token is `>= token`,
    /// wrapping to 0 past the last one. `None` when the ring is empty.
    pub fn owner_index(&self, token: Token) -> Option<usize> {
        if self.entries.is_empty() {
            return None;
        }
        let index = self.entries.partition_point(|e| e.token < token);
        Some(if index == self.entries.len() {
            0
        } else {
            index
        })
    }

    /// The node that owns `token` (its primary replica). `None` when the ring is empty.
    pub fn owner(&self, token: Token) -> Option<NodeId> {
        self.owner_index(token)
            .and_then(|i| self.entries.get(i))
            .map(|e| e.node)
    }

    /// The range owned by the entry at `index`, as `(start, end]`: `start` is the previous
    /// entry's token (the last entry's for index 0), `end` the entry's own token. With a
    /// single token on the ring, `start == end` and the range is the whole ring.
    pub fn owned_range(&self, index: usize) -> Option<(Token, Token)> {
        let end = self.entries.get(index)?.token;
        let previous = if index == 0 {
            self.entries.len() - 1
        } else {
            index - 1
        };
        let start = self.entries.get(previous)?.token;
        Some((start, end))
    }

    /// The entries in ring order starting at the owner of `token`, going once around the
    /// ring (every entry is yielded exactly once).
    pub fn walk_from(&self, token: Token) -> impl Iterator<Item = &RingEntry> + '_ {
        let start = self.owner_index(token).unwrap_or(0);
        let (before, after) = self.entries.split_at(start);
        after.iter().chain(before.iter())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ring(tokens: &[(i64, u32)]) -> TokenRing {
        TokenRing::new(
            tokens
                .iter()
                .map(|&(t, n)| RingEntry {
                    token: Token::new(t),
                    node: NodeId::new(n),
                })
                .collect(),
        )
    }

    #[test]
    fn ownership_with_wrap_around() {
        let r = ring(&[(100, 2), (-100, 1), (0, 3)]);
        let owner = |t: i64| r.owner(Token::new(t)).unwrap().get();
        assert_eq!(owner(i64::MIN), 1);
        assert_eq!(owner(-101), 1);
        assert_eq!(owner(-100), 1);
        assert_eq!(owner(-99), 3);
        assert_eq!(owner(0), 3);
        assert_eq!(owner(1), 2);
        assert_eq!(owner(100), 2);
        // Past the last token the range wraps to the first entry.
        assert_eq!(owner(101), 1);
        assert_eq!(owner(i64::MAX), 1);
    }

    #[test]
    fn ranges_and_walks() {
        let r = ring(&[(-100, 1), (0, 3), (100, 2)]);
        assert_eq!(r.owned_range(0), Some((Token::new(100), Token::new(-100))));
        assert_eq!(r.owned_range(2), Some((Token::new(0), Token::new(100))));
        assert_eq!(r.owned_range(3), None);
        let walked: Vec<u32> = r.walk_from(Token::new(50)).map(|e| e.node.get()).collect();
        assert_eq!(walked, vec![2, 1, 3]);
        let walked: Vec<u32> = r.walk_from(Token::new(500)).map(|e| e.node.get()).collect();
        assert_eq!(walked, vec![1, 3, 2]);
        assert!(r.contains(Token::new(0)));
        assert!(!r.contains(Token::new(1)));
    }

    #[test]
    fn empty_ring() {
        let r = TokenRing::default();
        assert!(r.is_empty());
        assert_eq!(r.owner(Token::new(0)), None);
        assert_eq!(r.owned_range(0), None);
        assert_eq!(r.walk_from(Token::new(0)).count(), 0);
    }

    #[test]
    fn single_token_owns_everything() {
        let r = ring(&[(7, 4)]);
        assert_eq!(r.owner(Token::MIN).unwrap().get(), 4);
        assert_eq!(r.owner(Token::MAX).unwrap().get(), 4);
        assert_eq!(r.owned_range(0), Some((Token::new(7), Token::new(7))));
    }
}
