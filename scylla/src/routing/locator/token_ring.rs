//! The token ring: elements (nodes) at tokens, searched clockwise.

use crate::routing::Token;

/// Elements placed at tokens on the ring, sorted by token.
///
/// The owner of a token is the element at the first ring token that is not smaller
/// than it, wrapping around past the largest token to the smallest.
#[derive(Debug, Clone)]
pub struct TokenRing<ElemT> {
    ring: Vec<(Token, ElemT)>,
}

impl<ElemT> TokenRing<ElemT> {
    /// A ring of the given elements (in any order).
    pub(crate) fn new(elems: impl IntoIterator<Item = (Token, ElemT)>) -> Self {
        let mut ring: Vec<(Token, ElemT)> = elems.into_iter().collect();
        // Stable, so that equal tokens keep the order they were given in.
        ring.sort_by_key(|(token, _)| *token);
        TokenRing { ring }
    }

    /// Every (token, element) in token order.
    pub fn iter(&self) -> impl Iterator<Item = &(Token, ElemT)> {
        self.ring.iter()
    }

    /// The number of elements.
    pub fn len(&self) -> usize {
        self.ring.len()
    }

    /// Whether the ring has no elements.
    pub fn is_empty(&self) -> bool {
        self.ring.is_empty()
    }

    /// The position of the owner of `token`: the first entry whose token is not
    /// smaller, or 0 past the end. Meaningless (0) for an empty ring.
    pub(crate) fn index_for_token(&self, token: Token) -> usize {
        let index = self.ring.partition_point(|(t, _)| *t < token);
        if index == self.ring.len() { 0 } else { index }
    }

    /// The entry at a position.
    pub(crate) fn get(&self, index: usize) -> Option<&(Token, ElemT)> {
        self.ring.get(index)
    }

    /// Every entry once, clockwise from the owner of `token`.
    pub fn ring_range_full(&self, token: Token) -> impl Iterator<Item = &(Token, ElemT)> {
        let start = self.index_for_token(token);
        let (before, after) = self.ring.split_at(start.min(self.ring.len()));
        after.iter().chain(before.iter())
    }

    /// Every element once, clockwise from the owner of `token`.
    pub fn ring_range(&self, token: Token) -> impl Iterator<Item = &ElemT> {
        self.ring_range_full(token).map(|(_, elem)| elem)
    }

    /// The owner of `token`; `None` for an empty ring.
    pub fn get_elem_for_token(&self, token: Token) -> Option<&ElemT> {
        self.ring_range(token).next()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ring() -> TokenRing<char> {
        TokenRing::new([
            (Token::new(50), 'c'),
            (Token::new(-100), 'a'),
            (Token::new(0), 'b'),
            (Token::new(1000), 'd'),
        ])
    }

    #[test]
    fn lookups_with_wrap_around() {
        let r = ring();
        assert_eq!(r.len(), 4);
        let order: Vec<char> = r.iter().map(|(_, c)| *c).collect();
        assert_eq!(order, ['a', 'b', 'c', 'd']);
        assert_eq!(r.get_elem_for_token(Token::new(i64::MIN)), Some(&'a'));
        assert_eq!(r.get_elem_for_token(Token::new(-100)), Some(&'a'));
        assert_eq!(r.get_elem_for_token(Token::new(-99)), Some(&'b'));
        assert_eq!(r.get_elem_for_token(Token::new(0)), Some(&'b'));
        assert_eq!(r.get_elem_for_token(Token::new(1)), Some(&'c'));
        assert_eq!(r.get_elem_for_token(Token::new(1000)), Some(&'d'));
        // Past the largest token: wraps to the smallest.
        assert_eq!(r.get_elem_for_token(Token::new(1001)), Some(&'a'));
        assert_eq!(r.get_elem_for_token(Token::new(i64::MAX)), Some(&'a'));
        let walk: Vec<char> = r.ring_range(Token::new(51)).copied().collect();
        assert_eq!(walk, ['d', 'a', 'b', 'c']);
        let walk: Vec<i64> = r
            .ring_range_full(Token::new(2000))
            .map(|(t, _)| t.value())
            .collect();
        assert_eq!(walk, [-100, 0, 50, 1000]);
    }

    #[test]
    fn empty_ring() {
        let r: TokenRing<char> = TokenRing::new([]);
        assert!(r.is_empty());
        assert_eq!(r.get_elem_for_token(Token::new(5)), None);
        assert_eq!(r.ring_range(Token::new(5)).count(), 0);
    }
}
