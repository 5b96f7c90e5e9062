//! Host filters: which nodes the driver may connect to at all.
//!
//! A node the filter rejects is still part of the cluster metadata (and of the token
//! ring), but the driver opens no connection to it and load balancing never picks it
//! ([`Node::is_enabled`](crate::cluster::Node::is_enabled) is false). The control
//! connection may still use a rejected contact point.

use std::collections::HashSet;
use std::io;
use std::net::{SocketAddr, ToSocketAddrs};

use crate::cluster::metadata::Peer;

/// Decides whether the driver connects to a node.
pub trait HostFilter: Send + Sync {
    /// Whether the driver may connect to `peer`.
    fn accept(&self, peer: &Peer) -> bool;
}

/// Accepts every node.
#[derive(Debug, Clone, Copy, Default)]
pub struct AcceptAllHostFilter;

impl HostFilter for AcceptAllHostFilter {
    fn accept(&self, _peer: &Peer) -> bool {
        true
    }
}

/// Accepts only the nodes whose address (untranslated IP and port) is in a list.
#[derive(Debug, Clone)]
pub struct AllowListHostFilter {
    allowed: HashSet<SocketAddr>,
}

impl AllowListHostFilter {
    /// A filter accepting the addresses `allowed_iter` resolves to (each item may be a
    /// `"host:port"` string, a `SocketAddr`, ...; names are resolved now, with DNS).
    pub fn new<I, A>(allowed_iter: I) -> Result<Self, io::Error>
    where
        I: IntoIterator<Item = A>,
        A: ToSocketAddrs,
    {
        let mut allowed = HashSet::new();
        for item in allowed_iter {
            allowed.extend(item.to_socket_addrs()?);
        }
        Ok(Self { allowed })
    }
}

impl HostFilter for AllowListHostFilter {
    fn accept(&self, peer: &Peer) -> bool {
        self.allowed.contains(&peer.address.into_inner())
    }
}

/// Accepts only the nodes of one datacenter.
#[derive(Debug, Clone)]
pub struct DcHostFilter {
    local_dc: String,
}

impl DcHostFilter {
    /// A filter accepting the nodes of datacenter `local_dc`.
    pub fn new(local_dc: String) -> Self {
        Self { local_dc }
    }
}

impl HostFilter for DcHostFilter {
    fn accept(&self, peer: &Peer) -> bool {
        peer.datacenter.as_deref() == Some(self.local_dc.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cluster::NodeAddr;
    use uuid::Uuid;

    fn peer(addr: &str, dc: Option<&str>) -> Peer {
        Peer {
            host_id: Uuid::new_v4(),
            address: NodeAddr::Translatable(addr.parse().unwrap()),
            tokens: vec![],
            datacenter: dc.map(str::to_owned),
            rack: None,
        }
    }

    #[test]
    fn accept_all() {
        assert!(AcceptAllHostFilter.accept(&peer("10.0.0.1:9042", None)));
    }

    #[test]
    fn allow_list() {
        let f = AllowListHostFilter::new(["127.0.0.1:9042", "10.0.0.2:19042"]).unwrap();
        assert!(f.accept(&peer("127.0.0.1:9042", Some("dc1"))));
        assert!(f.accept(&peer("10.0.0.2:19042", None)));
        // Same IP, other port: rejected.
        assert!(!f.accept(&peer("127.0.0.1:9043", Some("dc1"))));
        assert!(!f.accept(&peer("10.0.0.3:9042", Some("dc1"))));
        let f = AllowListHostFilter::new([SocketAddr::from(([10, 1, 1, 1], 9042))]).unwrap();
        assert!(f.accept(&peer("10.1.1.1:9042", None)));
        assert!(AllowListHostFilter::new(["not an address"]).is_err());
    }

    #[test]
    fn dc_filter() {
        let f = DcHostFilter::new("eu".to_owned());
        assert!(f.accept(&peer("10.0.0.1:9042", Some("eu"))));
        assert!(!f.accept(&peer("10.0.0.1:9042", Some("us"))));
        assert!(!f.accept(&peer("10.0.0.1:9042", None)));
    }
}
