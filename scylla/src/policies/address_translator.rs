//! Address translation: reaching a node at another address than the one it
//! broadcasts (for example from outside a NAT or a container network).
//!
//! The driver translates every address it reads from `system.peers` before
//! connecting; the contact points the user gave are used as they are.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::str::FromStr;

use async_trait::async_trait;
use uuid::Uuid;

use crate::cluster::metadata::Peer;
use crate::errors::TranslationError;

/// A node's broadcast address and what is known about it, given to an
/// [`AddressTranslator`].
#[derive(Debug, Clone, Copy)]
pub struct UntranslatedPeer<'a> {
    host_id: Uuid,
    untranslated_address: SocketAddr,
    datacenter: Option<&'a str>,
    rack: Option<&'a str>,
}

impl<'a> UntranslatedPeer<'a> {
    /// A peer to translate.
    pub(crate) fn new(
        host_id: Uuid,
        untranslated_address: SocketAddr,
        datacenter: Option<&'a str>,
        rack: Option<&'a str>,
    ) -> Self {
        Self {
            host_id,
            untranslated_address,
            datacenter,
            rack,
        }
    }

    /// The peer of a metadata [`Peer`].
    pub(crate) fn from_peer(peer: &'a Peer) -> Self {
        Self::new(
            peer.host_id,
            peer.address.into_inner(),
            peer.datacenter.as_deref(),
            peer.rack.as_deref(),
        )
    }

    /// The node's host id.
    pub fn host_id(&self) -> Uuid {
        self.host_id
    }

    /// The address the node broadcasts.
    pub fn untranslated_address(&self) -> SocketAddr {
        self.untranslated_address
    }

    /// The node's datacenter.
    pub fn datacenter(&self) -> Option<&str> {
        self.datacenter
    }

    /// The node's rack.
    pub fn rack(&self) -> Option<&str> {
        self.rack
    }
}

/// Maps the addresses nodes broadcast to the addresses the driver connects to.
#[async_trait]
pub trait AddressTranslator: Send + Sync {
    /// The address to connect to for `untranslated_peer`.
    async fn translate_address(
        &self,
        untranslated_peer: &UntranslatedPeer<'_>,
    ) -> Result<SocketAddr, TranslationError>;
}

/// A fixed map from broadcast addresses to addresses to connect to.
#[async_trait]
impl AddressTranslator for HashMap<SocketAddr, SocketAddr> {
    async fn translate_address(
        &self,
        untranslated_peer: &UntranslatedPeer<'_>,
    ) -> Result<SocketAddr, TranslationError> {
        let addr = untranslated_peer.untranslated_address();
        self.get(&addr)
            .copied()
            .ok_or(TranslationError::NoRuleForAddress(addr))
    }
}

/// A fixed map from broadcast addresses to addresses to connect to, written as
/// `"ip:port"` strings. A key that is not an address never matches; a matching rule
/// whose value is not an address is an error.
#[async_trait]
impl AddressTranslator for HashMap<&'static str, &'static str> {
    async fn translate_address(
        &self,
        untranslated_peer: &UntranslatedPeer<'_>,
    ) -> Result<SocketAddr, TranslationError> {
        let addr = untranslated_peer.untranslated_address();
        for (&rule, &translated_addr_str) in self {
            if SocketAddr::from_str(rule).is_ok_and(|rule_addr| rule_addr == addr) {
                return SocketAddr::from_str(translated_addr_str).map_err(|reason| {
                    TranslationError::InvalidAddressInRule {
                        translated_addr_str,
                        reason,
                    }
                });
            }
        }
        Err(TranslationError::NoRuleForAddress(addr))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn peer(addr: &str) -> UntranslatedPeer<'static> {
        UntranslatedPeer::new(
            Uuid::from_u128(1),
            addr.parse().unwrap(),
            Some("dc1"),
            Some("r1"),
        )
    }

    #[tokio::test]
    async fn socket_addr_map() {
        let map: HashMap<SocketAddr, SocketAddr> = [(
            "10.0.0.1:9042".parse().unwrap(),
            "203.0.113.5:19042".parse().unwrap(),
        )]
        .into_iter()
        .collect();
        let p = peer("10.0.0.1:9042");
        assert_eq!(p.datacenter(), Some("dc1"));
        assert_eq!(p.rack(), Some("r1"));
        assert_eq!(p.host_id(), Uuid::from_u128(1));
        assert_eq!(
            map.translate_address(&p).await.unwrap(),
            "203.0.113.5:19042".parse().unwrap()
        );
        let missing = map.translate_address(&peer("10.0.0.2:9042")).await;
        assert!(matches!(
            missing,
            Err(TranslationError::NoRuleForAddress(a)) if a == "10.0.0.2:9042".parse().unwrap()
        ));
    }

    #[tokio::test]
    async fn str_map() {
        let map: HashMap<&'static str, &'static str> = [
            ("10.0.0.1:9042", "203.0.113.5:9042"),
            ("10.0.0.2:9042", "not-an-address"),
            ("garbage", "203.0.113.9:9042"),
        ]
        .into_iter()
        .collect();
        assert_eq!(
            map.translate_address(&peer("10.0.0.1:9042")).await.unwrap(),
            "203.0.113.5:9042".parse().unwrap()
        );
        assert!(matches!(
            map.translate_address(&peer("10.0.0.2:9042")).await,
            Err(TranslationError::InvalidAddressInRule {
                translated_addr_str: "not-an-address",
                ..
            })
        ));
        assert!(matches!(
            map.translate_address(&peer("10.0.0.3:9042")).await,
            Err(TranslationError::NoRuleForAddress(_))
        ));
    }
}
