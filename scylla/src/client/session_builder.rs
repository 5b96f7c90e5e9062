//! [`SessionBuilder`]: configures and opens a [`Session`].
//!
//! ```no_run
//! # async fn example() -> Result<(), Box<dyn std::error::Error>> {
//! use std::time::Duration;
//! use scylla::client::session::Session;
//! use scylla::client::session_builder::SessionBuilder;
//!
//! let session: Session = SessionBuilder::new()
//!     .known_node("127.0.0.1:9042")
//!     .connection_timeout(Duration::from_secs(3))
//!     .build()
//!     .await?;
//! # Ok(())
//! # }
//! ```

use std::borrow::Borrow;
use std::marker::PhantomData;
use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use super::execution_profile::ExecutionProfileHandle;
use super::self_identity::SelfIdentity;
use super::session::{Session, SessionConfig, TlsContext};
use super::{Compression, PoolSize, WriteCoalescingDelay};
use crate::authentication::{AuthenticatorProvider, PlainTextAuthenticator};
use crate::cluster::metadata::PeriodicFetchMode;
use crate::errors::NewSessionError;
use crate::policies::address_translator::AddressTranslator;
use crate::policies::host_filter::HostFilter;
use crate::policies::timestamp_generator::TimestampGenerator;
use crate::routing::{NodeLocationPreference, ShardAwarePortRange};
use crate::statement::Consistency;

mod sealed {
    /// Keeps the builder kinds to this crate.
    pub trait Sealed {}
}

/// A kind of session builder: decides which setters the builder offers.
pub trait SessionBuilderKind: sealed::Sealed + Clone {}

/// A builder kind that connects through known nodes (contact points).
pub trait SessionBuilderKindSupportsKnownNodes: SessionBuilderKind {}

/// A builder kind that accepts an address translator.
pub trait SessionBuilderKindSupportsAddressTranslation: SessionBuilderKind {}

/// A builder kind that accepts a TLS context.
pub trait SessionBuilderKindSupportsTls: SessionBuilderKind {}

/// The ordinary builder kind: known nodes, address translation and TLS.
#[derive(Clone)]
pub enum DefaultMode {}

impl sealed::Sealed for DefaultMode {}
impl SessionBuilderKind for DefaultMode {}
impl SessionBuilderKindSupportsKnownNodes for DefaultMode {}
impl SessionBuilderKindSupportsAddressTranslation for DefaultMode {}
impl SessionBuilderKindSupportsTls for DefaultMode {}

/// The usual session builder.
pub type SessionBuilder = GenericSessionBuilder<DefaultMode>;

/// The builder kind of sessions that reach nodes through client routes (per-node
/// proxy endpoints): known nodes, but neither address translation nor TLS.
///
/// Client routes are not supported by this driver: a session built this way fails to
/// connect with [`NewSessionError::IllegalConfig`] (see
/// [`client_routes`](super::client_routes)).
#[cfg(feature = "unstable-client-routes")]
#[derive(Clone)]
pub enum ClientRoutesMode {}

#[cfg(feature = "unstable-client-routes")]
impl sealed::Sealed for ClientRoutesMode {}
#[cfg(feature = "unstable-client-routes")]
impl SessionBuilderKind for ClientRoutesMode {}
#[cfg(feature = "unstable-client-routes")]
impl SessionBuilderKindSupportsKnownNodes for ClientRoutesMode {}

/// A session builder for client routes (see [`ClientRoutesMode`]).
#[cfg(feature = "unstable-client-routes")]
pub type ClientRoutesSessionBuilder = GenericSessionBuilder<ClientRoutesMode>;

#[cfg(feature = "unstable-client-routes")]
impl GenericSessionBuilder<ClientRoutesMode> {
    /// A builder for sessions that use `config`'s client routes. The shard-aware port
    /// is not used ([`disallow_shard_aware_port`](Self::disallow_shard_aware_port) is
    /// on), since proxies do not forward it.
    pub fn new(config: super::client_routes::ClientRoutesConfig) -> Self {
        let mut session_config = SessionConfig::new();
        session_config.disallow_shard_aware_port = true;
        session_config.client_routes_config = Some(config);
        Self {
            config: session_config,
            kind: PhantomData,
        }
    }
}

/// Builds a [`Session`]: every setter changes one field of
/// [`config`](Self::config) and returns the builder; [`build`](Self::build) connects.
#[derive(Clone)]
pub struct GenericSessionBuilder<Kind: SessionBuilderKind> {
    /// The configuration being built.
    pub config: SessionConfig,
    kind: PhantomData<Kind>,
}

impl GenericSessionBuilder<DefaultMode> {
    /// A builder with the default configuration (no known nodes yet).
    pub fn new() -> Self {
        Self {
            config: SessionConfig::new(),
            kind: PhantomData,
        }
    }
}

impl Default for GenericSessionBuilder<DefaultMode> {
    fn default() -> Self {
        Self::new()
    }
}

impl<K: SessionBuilderKindSupportsKnownNodes> GenericSessionBuilder<K> {
    /// Adds a contact point given as `host` or `host:port` (port 9042 by default); host
    /// names are resolved when the session connects.
    pub fn known_node(mut self, hostname: impl AsRef<str>) -> Self {
        self.config.add_known_node(hostname);
        self
    }

    /// Adds a contact point given as a socket address.
    pub fn known_node_addr(mut self, node_addr: SocketAddr) -> Self {
        self.config.add_known_node_addr(node_addr);
        self
    }

    /// Adds several contact points given as `host` or `host:port`.
    pub fn known_nodes(mut self, hostnames: impl IntoIterator<Item = impl AsRef<str>>) -> Self {
        self.config.add_known_nodes(hostnames);
        self
    }

    /// Adds several contact points given as socket addresses.
    pub fn known_nodes_addr(
        mut self,
        node_addrs: impl IntoIterator<Item = impl Borrow<SocketAddr>>,
    ) -> Self {
        self.config.add_known_nodes_addr(node_addrs);
        self
    }
}

impl<K: SessionBuilderKindSupportsAddressTranslation> GenericSessionBuilder<K> {
    /// Translates the addresses nodes broadcast (in `system.peers`) into addresses the
    /// driver can reach, for nodes behind a NAT.
    pub fn address_translator(mut self, translator: Arc<dyn AddressTranslator>) -> Self {
        self.config.address_translator = Some(translator);
        self
    }
}

impl<K: SessionBuilderKindSupportsTls> GenericSessionBuilder<K> {
    /// Connects over TLS with this context (`None`: plain TCP).
    pub fn tls_context(mut self, tls_context: Option<impl Into<TlsContext>>) -> Self {
        self.config.tls_context = tls_context.map(Into::into);
        self
    }
}

impl<K: SessionBuilderKind> GenericSessionBuilder<K> {
    /// Authenticates with a user name and password (`PasswordAuthenticator`).
    pub fn user(mut self, username: impl Into<String>, passwd: impl Into<String>) -> Self {
        self.config.authenticator = Some(Arc::new(PlainTextAuthenticator::new(
            username.into(),
            passwd.into(),
        )));
        self
    }

    /// Authenticates with a custom authenticator.
    pub fn authenticator_provider(
        mut self,
        authenticator_provider: Arc<dyn AuthenticatorProvider>,
    ) -> Self {
        self.config.authenticator = Some(authenticator_provider);
        self
    }

    /// Connects from this local address (`None`: any).
    pub fn local_ip_address(mut self, local_ip_address: Option<impl Into<IpAddr>>) -> Self {
        self.config.local_ip_address = local_ip_address.map(Into::into);
        self
    }

    /// The local ports connections to shard-aware ports come from.
    pub fn shard_aware_local_port_range(mut self, port_range: ShardAwarePortRange) -> Self {
        self.config.shard_aware_local_port_range = port_range;
        self
    }

    /// Compresses frames with this algorithm, if the nodes offer it.
    pub fn compression(mut self, compression: Option<Compression>) -> Self {
        self.config.compression = compression;
        self
    }

    /// Prefers nodes of this datacenter (for policies that inherit the session's
    /// preference, such as the default one).
    pub fn prefer_datacenter(mut self, datacenter_name: String) -> Self {
        self.config.node_location_preference = NodeLocationPreference::Datacenter(datacenter_name);
        self
    }

    /// Prefers nodes of this datacenter and rack.
    pub fn prefer_datacenter_and_rack(mut self, datacenter_name: String, rack: String) -> Self {
        self.config.node_location_preference =
            NodeLocationPreference::DatacenterAndRack(datacenter_name, rack);
        self
    }

    /// Prefers no datacenter (the default).
    pub fn prefer_no_datacenter(mut self) -> Self {
        self.config.node_location_preference = NodeLocationPreference::Any;
        self
    }

    /// How often schema agreement is checked while waiting for it.
    pub fn schema_agreement_interval(mut self, timeout: Duration) -> Self {
        self.config.schema_agreement_interval = timeout;
        self
    }

    /// How long to wait for schema agreement before failing.
    pub fn schema_agreement_timeout(mut self, timeout: Duration) -> Self {
        self.config.schema_agreement_timeout = timeout;
        self
    }

    /// Whether schema-changing statements wait for schema agreement before returning.
    pub fn auto_await_schema_agreement(mut self, enabled: bool) -> Self {
        self.config.schema_agreement_automatic_waiting = enabled;
        self
    }

    /// Whether the metadata is refreshed after the automatic wait for schema agreement.
    pub fn refresh_metadata_on_auto_schema_agreement(mut self, refresh_metadata: bool) -> Self {
        self.config.refresh_metadata_on_auto_schema_agreement = refresh_metadata;
        self
    }

    /// The execution profile used by statements that name none.
    pub fn default_execution_profile_handle(
        mut self,
        profile_handle: ExecutionProfileHandle,
    ) -> Self {
        self.config.default_execution_profile_handle = profile_handle;
        self
    }

    /// TCP_NODELAY (default on).
    pub fn tcp_nodelay(mut self, nodelay: bool) -> Self {
        self.config.tcp_nodelay = nodelay;
        self
    }

    /// TCP keepalive probes with this interval.
    pub fn tcp_keepalive_interval(mut self, interval: Duration) -> Self {
        if interval <= Duration::from_secs(1) {
            tracing::warn!(
                "a TCP keepalive interval of {interval:?} is very short: it may flood the network"
            );
        }
        self.config.tcp_keepalive_interval = Some(interval);
        self
    }

    /// SO_RCVBUF.
    pub fn tcp_recv_buffer_size(mut self, size: usize) -> Self {
        self.config.tcp_recv_buffer_size = Some(size);
        self
    }

    /// SO_SNDBUF.
    pub fn tcp_send_buffer_size(mut self, size: usize) -> Self {
        self.config.tcp_send_buffer_size = Some(size);
        self
    }

    /// SO_REUSEADDR.
    pub fn tcp_reuse_address(mut self, reuse: bool) -> Self {
        self.config.tcp_reuse_address = Some(reuse);
        self
    }

    /// SO_LINGER with this timeout.
    #[deprecated(since = "1.7.0", note = "use tcp_zero_linger, the only useful setting")]
    pub fn tcp_linger(mut self, linger: Duration) -> Self {
        self.config.tcp_linger = Some(linger);
        self
    }

    /// SO_LINGER with a zero timeout: closing a connection resets it at once.
    pub fn tcp_zero_linger(mut self) -> Self {
        self.config.tcp_linger = Some(Duration::ZERO);
        self
    }

    /// Switches every connection to this keyspace once the session is open.
    pub fn use_keyspace(mut self, keyspace_name: impl Into<String>, case_sensitive: bool) -> Self {
        self.config.used_keyspace = Some(keyspace_name.into());
        self.config.keyspace_case_sensitive = case_sensitive;
        self
    }

    /// The limit on opening one connection (TCP, TLS and the CQL handshake).
    pub fn connection_timeout(mut self, duration: Duration) -> Self {
        self.config.connect_timeout = duration;
        self
    }

    /// How many connections to keep to each node.
    pub fn pool_size(mut self, size: PoolSize) -> Self {
        self.config.connection_pool_size = size;
        self
    }

    /// Never use the nodes' shard-aware port (connect through the regular port only).
    pub fn disallow_shard_aware_port(mut self, disallow: bool) -> Self {
        self.config.disallow_shard_aware_port = disallow;
        self
    }

    /// Generates client-side timestamps for statements that set none.
    pub fn timestamp_generator(mut self, timestamp_generator: Arc<dyn TimestampGenerator>) -> Self {
        self.config.timestamp_generator = Some(timestamp_generator);
        self
    }

    /// Reads the schema of these keyspaces only (empty: all).
    pub fn keyspaces_to_fetch(
        mut self,
        keyspaces: impl IntoIterator<Item = impl Into<String>>,
    ) -> Self {
        self.config.keyspaces_to_fetch = keyspaces.into_iter().map(Into::into).collect();
        self
    }

    /// Whether the schema is read at all (default: yes).
    pub fn fetch_schema_metadata(mut self, fetch: bool) -> Self {
        self.config.fetch_schema_metadata = fetch;
        self
    }

    /// Whether the full schema (tables, columns, types, views) is read, rather than
    /// only the keyspaces and their replication (default: yes).
    pub fn fetch_full_schema_metadata(mut self, fetch: bool) -> Self {
        self.config.fetch_full_schema_metadata = fetch;
        self
    }

    /// The server-side timeout of metadata queries (ScyllaDB's `USING TIMEOUT`).
    pub fn metadata_request_serverside_timeout(mut self, timeout: Duration) -> Self {
        self.config.metadata_request_serverside_timeout = Some(timeout);
        self
    }

    /// The client-side timeout of metadata queries.
    pub fn metadata_request_clientside_timeout(mut self, timeout: Duration) -> Self {
        self.config.metadata_request_clientside_timeout = Some(timeout);
        self
    }

    /// How often an idle connection sends a keepalive request.
    pub fn keepalive_interval(mut self, interval: Duration) -> Self {
        if interval <= Duration::from_secs(1) {
            tracing::warn!("a keepalive interval of {interval:?} is very short");
        }
        self.config.keepalive_interval = Some(interval);
        self
    }

    /// How long a keepalive may wait for its answer before the connection is closed.
    pub fn keepalive_timeout(mut self, timeout: Duration) -> Self {
        if timeout <= Duration::from_secs(1) {
            tracing::warn!("a keepalive timeout of {timeout:?} is very short");
        }
        self.config.keepalive_timeout = Some(timeout);
        self
    }

    /// The limit on resolving one host name (`None`: no limit).
    pub fn hostname_resolution_timeout(mut self, duration: Option<Duration>) -> Self {
        self.config.hostname_resolution_timeout = duration;
        self
    }

    /// Decides which nodes the driver connects to.
    pub fn host_filter(mut self, filter: Arc<dyn HostFilter>) -> Self {
        self.config.host_filter = Some(filter);
        self
    }

    /// How many times `get_tracing_info` tries to read a trace that is not complete.
    pub fn tracing_info_fetch_attempts(mut self, attempts: NonZeroU32) -> Self {
        self.config.tracing_info_fetch_attempts = attempts;
        self
    }

    /// The pause between those attempts.
    pub fn tracing_info_fetch_interval(mut self, interval: Duration) -> Self {
        self.config.tracing_info_fetch_interval = interval;
        self
    }

    /// The consistency of the queries that read traces.
    pub fn tracing_info_fetch_consistency(mut self, consistency: Consistency) -> Self {
        self.config.tracing_info_fetch_consistency = consistency;
        self
    }

    /// Whether requests queued together are written together after a short wait.
    pub fn write_coalescing(mut self, enable: bool) -> Self {
        self.config.enable_write_coalescing = enable;
        self
    }

    /// The wait used by write coalescing.
    pub fn write_coalescing_delay(mut self, delay: WriteCoalescingDelay) -> Self {
        self.config.write_coalescing_delay = delay;
        self
    }

    /// How often the cluster metadata is re-read.
    pub fn cluster_metadata_refresh_interval(mut self, interval: Duration) -> Self {
        self.config.cluster_metadata_refresh_interval = interval;
        self
    }

    /// What the periodic refresh re-reads.
    pub fn periodic_metadata_fetch_mode(mut self, mode: PeriodicFetchMode) -> Self {
        self.config.periodic_metadata_fetch_mode = mode;
        self
    }

    /// What the driver tells the nodes about itself and the application.
    pub fn custom_identity(mut self, identity: SelfIdentity<'static>) -> Self {
        self.config.identity = identity;
        self
    }

    /// Whether the driver sends a summary of its configuration in STARTUP.
    pub fn driver_config_reporting(mut self, enable: bool) -> Self {
        self.config.driver_config_reporting = enable;
        self
    }

    /// Connects: resolves the known nodes, reads the cluster's topology and schema and
    /// opens connection pools to its nodes.
    pub async fn build(&self) -> Result<Session, NewSessionError> {
        Session::connect(self.config.clone()).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cluster::KnownNode;

    #[test]
    fn setters_change_the_config() {
        let b = SessionBuilder::new()
            .known_node("db1:1234")
            .known_node_addr("127.0.0.1:9042".parse().unwrap())
            .known_nodes(["db2"])
            .known_nodes_addr([SocketAddr::from(([10, 0, 0, 1], 9042))])
            .compression(Some(Compression::Lz4))
            .use_keyspace("KS", true)
            .pool_size(PoolSize::PerHost(std::num::NonZeroUsize::new(3).unwrap()))
            .schema_agreement_timeout(Duration::from_secs(5))
            .auto_await_schema_agreement(false)
            .prefer_datacenter_and_rack("dc".into(), "r".into())
            .tcp_zero_linger()
            .keyspaces_to_fetch(["a", "b"])
            .tracing_info_fetch_attempts(NonZeroU32::new(3).unwrap())
            .write_coalescing(false)
            .user("u", "p");
        let c = &b.config;
        assert_eq!(
            c.known_nodes,
            vec![
                KnownNode::Hostname("db1:1234".into()),
                KnownNode::Address("127.0.0.1:9042".parse().unwrap()),
                KnownNode::Hostname("db2".into()),
                KnownNode::Address("10.0.0.1:9042".parse().unwrap()),
            ]
        );
        assert_eq!(c.compression, Some(Compression::Lz4));
        assert_eq!(c.used_keyspace.as_deref(), Some("KS"));
        assert!(c.keyspace_case_sensitive);
        assert_eq!(c.schema_agreement_timeout, Duration::from_secs(5));
        assert!(!c.schema_agreement_automatic_waiting);
        assert_eq!(
            c.node_location_preference,
            NodeLocationPreference::DatacenterAndRack("dc".into(), "r".into())
        );
        assert_eq!(c.tcp_linger, Some(Duration::ZERO));
        assert_eq!(c.keyspaces_to_fetch, vec!["a".to_owned(), "b".to_owned()]);
        assert_eq!(c.tracing_info_fetch_attempts.get(), 3);
        assert!(!c.enable_write_coalescing);
        assert!(c.authenticator.is_some());
    }
}
