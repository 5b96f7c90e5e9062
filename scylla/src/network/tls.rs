//! TLS for connections to nodes, with OpenSSL 0.10 (feature `openssl-010`) or rustls
//! 0.23 (feature `rustls-023`).
//!
//! A [`TlsContext`] is given to the session (`SessionConfig::tls_context`); every
//! connection then runs the TLS handshake right after the TCP connection is
//! established, before any CQL frame. The node's certificate is checked against the
//! node's IP address (there is no host name: nodes are known by address):
//! - [`OpenSsl010Config`] (and `SslConnectorBuilder`, which converts into it) verifies
//!   the peer's certificate chain and that the certificate names the node's IP;
//! - `Rustls023` passes the node's IP address as the server name, so the
//!   `ClientConfig`'s verifier checks it;
//! - the deprecated `OpenSsl010(SslContext)` does only what the context was set up to
//!   do (no address check).
//!
//! Without either feature, [`TlsContext`] has no variant and TLS code compiles out.

use std::net::SocketAddr;

use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;

use crate::errors::ConnectionError;

#[cfg(feature = "openssl-010")]
pub use self::openssl_backend::OpenSsl010Config;

/// A byte stream to a node: plain TCP or TLS over TCP.
pub(crate) trait NodeStream: AsyncRead + AsyncWrite + Unpin + Send + 'static {}

impl<T: AsyncRead + AsyncWrite + Unpin + Send + 'static> NodeStream for T {}

/// The TLS configuration of a session's connections.
///
/// Build it from an OpenSSL `SslConnectorBuilder` (or an [`OpenSsl010Config`]) or a
/// rustls `Arc<ClientConfig>` with `From`/`Into`.
#[derive(Clone)]
#[non_exhaustive]
pub enum TlsContext {
    /// A raw OpenSSL context. The node's address is not checked against its
    /// certificate unless the context was built to do so.
    #[cfg(feature = "openssl-010")]
    #[deprecated(
        since = "1.9.0",
        note = "use TlsContext::OpenSsl010Config (OpenSsl010Config::new), which verifies that the certificate names the node's address"
    )]
    OpenSsl010(openssl::ssl::SslContext),
    /// OpenSSL, through [`OpenSsl010Config`]: verifies the node's certificate and
    /// address, and resumes TLS sessions with tickets.
    #[cfg(feature = "openssl-010")]
    OpenSsl010Config(OpenSsl010Config),
    /// rustls 0.23. The node's IP address is the server name given to the verifier.
    #[cfg(feature = "rustls-023")]
    Rustls023(std::sync::Arc<rustls::ClientConfig>),
}

impl std::fmt::Debug for TlsContext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Without a TLS feature the enum has no variant and `f` is unused.
        let _ = &f;
        #[allow(deprecated)]
        match *self {
            #[cfg(feature = "openssl-010")]
            TlsContext::OpenSsl010(_) => f.write_str("TlsContext::OpenSsl010(..)"),
            #[cfg(feature = "openssl-010")]
            TlsContext::OpenSsl010Config(ref c) => {
                write!(f, "TlsContext::OpenSsl010Config({c:?})")
            }
            #[cfg(feature = "rustls-023")]
            TlsContext::Rustls023(_) => f.write_str("TlsContext::Rustls023(..)"),
        }
    }
}

#[cfg(feature = "openssl-010")]
#[allow(deprecated)]
impl From<openssl::ssl::SslContext> for TlsContext {
    fn from(context: openssl::ssl::SslContext) -> Self {
        TlsContext::OpenSsl010(context)
    }
}

#[cfg(feature = "openssl-010")]
impl From<openssl::ssl::SslConnectorBuilder> for TlsContext {
    fn from(builder: openssl::ssl::SslConnectorBuilder) -> Self {
        TlsContext::OpenSsl010Config(OpenSsl010Config::new(builder))
    }
}

#[cfg(feature = "openssl-010")]
impl From<OpenSsl010Config> for TlsContext {
    fn from(config: OpenSsl010Config) -> Self {
        TlsContext::OpenSsl010Config(config)
    }
}

#[cfg(feature = "rustls-023")]
impl From<std::sync::Arc<rustls::ClientConfig>> for TlsContext {
    fn from(config: std::sync::Arc<rustls::ClientConfig>) -> Self {
        TlsContext::Rustls023(config)
    }
}

impl TlsContext {
    /// Runs the TLS handshake with the node at `node` over `tcp`.
    ///
    /// A failed handshake is an [`ConnectionError::IoError`] whose inner error says
    /// why (certificate rejected, protocol error, ...).
    pub(crate) async fn connect(
        &self,
        tcp: TcpStream,
        node: SocketAddr,
    ) -> Result<Box<dyn NodeStream>, ConnectionError> {
        // Without a TLS feature the enum has no variant and `tcp`/`node` are unused.
        let _ = (&tcp, &node);
        #[allow(deprecated)]
        match *self {
            #[cfg(feature = "openssl-010")]
            TlsContext::OpenSsl010(ref context) => {
                let ssl = openssl_backend::new_plain_ssl(context).map_err(tls_error)?;
                openssl_backend::handshake(ssl, tcp).await
            }
            #[cfg(feature = "openssl-010")]
            TlsContext::OpenSsl010Config(ref config) => {
                let ssl = config.new_ssl(node).map_err(tls_error)?;
                openssl_backend::handshake(ssl, tcp).await
            }
            #[cfg(feature = "rustls-023")]
            TlsContext::Rustls023(ref config) => {
                let connector = tokio_rustls::TlsConnector::from(std::sync::Arc::clone(config));
                let server_name = rustls_pki_types::ServerName::IpAddress(node.ip().into());
                let stream = connector.connect(server_name, tcp).await?;
                Ok(Box::new(stream))
            }
        }
    }
}

#[cfg(feature = "openssl-010")]
fn tls_error(e: impl Into<crate::errors::TlsError>) -> ConnectionError {
    ConnectionError::IoError(std::sync::Arc::new(std::io::Error::from(e.into())))
}

#[cfg(feature = "openssl-010")]
mod openssl_backend {
    use std::collections::{HashMap, VecDeque};
    use std::net::{IpAddr, SocketAddr};
    use std::pin::Pin;
    use std::sync::{Arc, Mutex, OnceLock};

    use openssl::error::ErrorStack;
    use openssl::ex_data::Index;
    use openssl::ssl::{
        Ssl, SslConnectorBuilder, SslContext, SslContextBuilder, SslSession, SslSessionCacheMode,
    };
    use tokio::net::TcpStream;

    use super::NodeStream;
    use crate::errors::ConnectionError;

    /// At most this many session tickets are kept per node.
    const MAX_TICKETS_PER_NODE: usize = 8;
    /// At most this many nodes have tickets kept; past that, the node whose tickets
    /// were stored longest ago is forgotten.
    const MAX_NODES_WITH_TICKETS: usize = 256;

    /// The tickets (DER-encoded sessions) received from each node, to resume TLS
    /// sessions on later connections instead of running full handshakes.
    ///
    /// A ticket is taken out when offered (a TLS 1.3 ticket must not be used twice).
    #[derive(Default)]
    struct TicketStore {
        inner: Mutex<TicketStoreInner>,
    }

    #[derive(Default)]
    struct TicketStoreInner {
        nodes: HashMap<IpAddr, (u64, VecDeque<Vec<u8>>)>,
        clock: u64,
    }

    impl TicketStore {
        fn store(&self, node: IpAddr, der: Vec<u8>) {
            let Ok(mut inner) = self.inner.lock() else {
                return;
            };
            inner.clock += 1;
            let now = inner.clock;
            if inner.nodes.len() >= MAX_NODES_WITH_TICKETS && !inner.nodes.contains_key(&node) {
                let oldest = inner
                    .nodes
                    .iter()
                    .min_by_key(|(_, (stamp, _))| *stamp)
                    .map(|(ip, _)| *ip);
                if let Some(ip) = oldest {
                    inner.nodes.remove(&ip);
                }
            }
            let (stamp, tickets) = inner.nodes.entry(node).or_default();
            *stamp = now;
            if tickets.len() >= MAX_TICKETS_PER_NODE {
                tickets.pop_front();
            }
            tickets.push_back(der);
        }

        fn take(&self, node: IpAddr) -> Option<Vec<u8>> {
            let mut inner = self.inner.lock().ok()?;
            let (_, tickets) = inner.nodes.get_mut(&node)?;
            let ticket = tickets.pop_back();
            if tickets.is_empty() {
                inner.nodes.remove(&node);
            }
            ticket
        }

        #[cfg(test)]
        fn len(&self, node: IpAddr) -> usize {
            self.inner
                .lock()
                .ok()
                .and_then(|inner| inner.nodes.get(&node).map(|(_, t)| t.len()))
                .unwrap_or(0)
        }
    }

    /// The OpenSSL ex-data slot where each connection's `Ssl` records the node it
    /// talks to, so that the new-session callback knows whose ticket it got.
    /// (Ex-data indexes are process-wide: allocated once.)
    fn node_ip_index() -> Option<Index<Ssl, IpAddr>> {
        static INDEX: OnceLock<Option<Index<Ssl, IpAddr>>> = OnceLock::new();
        *INDEX.get_or_init(|| Ssl::new_ex_index().ok())
    }

    /// OpenSSL configuration for the driver's connections.
    ///
    /// [`OpenSsl010Config::new`] takes an `SslConnectorBuilder`, whose defaults verify
    /// the peer's certificate chain; the driver also checks that the certificate
    /// names the node's IP address. TLS session tickets the nodes issue are kept (per
    /// node, a few each) and offered by later connections to the same node, unless
    /// disabled with [`set_use_tls_tickets`](Self::set_use_tls_tickets).
    #[derive(Clone)]
    pub struct OpenSsl010Config {
        context: SslContext,
        tickets: Arc<TicketStore>,
        use_tls_tickets: bool,
    }

    impl std::fmt::Debug for OpenSsl010Config {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.debug_struct("OpenSsl010Config")
                .field("use_tls_tickets", &self.use_tls_tickets)
                .finish_non_exhaustive()
        }
    }

    impl OpenSsl010Config {
        /// A configuration from an `SslConnectorBuilder` (certificate verification
        /// on, as `SslConnector` sets it up). The recommended constructor.
        pub fn new(mut builder: SslConnectorBuilder) -> Self {
            let tickets = Arc::new(TicketStore::default());
            install_ticket_callback(&mut builder, &tickets);
            Self {
                context: builder.build().into_context(),
                tickets,
                use_tls_tickets: true,
            }
        }

        /// A configuration from a bare `SslContextBuilder`, used as it is set up.
        ///
        /// Dangerous: a bare context builder does not verify the peer's certificate
        /// unless told to (`set_verify`). Prefer [`OpenSsl010Config::new`].
        pub fn from_dangerous_builder(mut builder: SslContextBuilder) -> Self {
            let tickets = Arc::new(TicketStore::default());
            install_ticket_callback(&mut builder, &tickets);
            Self {
                context: builder.build(),
                tickets,
                use_tls_tickets: true,
            }
        }

        /// Whether connections resume TLS sessions with tickets (on by default).
        pub fn set_use_tls_tickets(mut self, use_tls_tickets: bool) -> Self {
            self.use_tls_tickets = use_tls_tickets;
            self
        }

        /// Whether connections resume TLS sessions with tickets.
        pub fn use_tls_tickets(&self) -> bool {
            self.use_tls_tickets
        }

        /// The `Ssl` of one connection to `node`: checks the node's IP against its
        /// certificate, and offers a stored ticket if tickets are on.
        pub(crate) fn new_ssl(&self, node: SocketAddr) -> Result<Ssl, ErrorStack> {
            let mut ssl = Ssl::new(&self.context)?;
            ssl.set_connect_state();
            ssl.param_mut().set_ip(node.ip())?;
            if !self.use_tls_tickets {
                // Without a recorded node the callback stores nothing.
                return Ok(ssl);
            }
            if let Some(index) = node_ip_index() {
                ssl.set_ex_data(index, node.ip());
            }
            if let Some(der) = self.tickets.take(node.ip())
                && let Ok(session) = SslSession::from_der(&der)
            {
                // SAFETY: `SSL_set_session` requires the session not to belong to
                // another context; a session decoded from DER belongs to none.
                let result = unsafe { ssl.set_session(&session) };
                if let Err(e) = result {
                    tracing::debug!("not resuming the TLS session with {node}: {e}");
                }
            }
            Ok(ssl)
        }

        /// How many tickets are stored for `node` (for tests).
        #[cfg(test)]
        pub(crate) fn stored_tickets(&self, node: IpAddr) -> usize {
            self.tickets.len(node)
        }
    }

    fn install_ticket_callback(builder: &mut SslContextBuilder, tickets: &Arc<TicketStore>) {
        // Client-side caching must be on for OpenSSL to call the callback; the
        // internal store is off because ours replaces it (it is per node).
        builder.set_session_cache_mode(
            SslSessionCacheMode::CLIENT | SslSessionCacheMode::NO_INTERNAL_STORE,
        );
        let tickets = Arc::clone(tickets);
        builder.set_new_session_callback(move |ssl, session| {
            let Some(node) = node_ip_index().and_then(|index| ssl.ex_data(index).copied()) else {
                return;
            };
            match session.to_der() {
                Ok(der) => tickets.store(node, der),
                Err(e) => tracing::debug!("could not keep a TLS session of {node}: {e}"),
            }
        });
    }

    impl From<SslConnectorBuilder> for OpenSsl010Config {
        fn from(builder: SslConnectorBuilder) -> Self {
            Self::new(builder)
        }
    }

    /// The `Ssl` of one connection made with a raw (deprecated) context.
    pub(super) fn new_plain_ssl(context: &SslContext) -> Result<Ssl, ErrorStack> {
        let mut ssl = Ssl::new(context)?;
        ssl.set_connect_state();
        Ok(ssl)
    }

    pub(super) async fn handshake(
        ssl: Ssl,
        tcp: TcpStream,
    ) -> Result<Box<dyn NodeStream>, ConnectionError> {
        let mut stream = tokio_openssl::SslStream::new(ssl, tcp).map_err(super::tls_error)?;
        Pin::new(&mut stream).connect().await.map_err(|e| {
            let e = e
                .into_io_error()
                .unwrap_or_else(|e| std::io::Error::other(format!("TLS handshake failed: {e}")));
            ConnectionError::IoError(Arc::new(e))
        })?;
        Ok(Box::new(stream))
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn ticket_store_is_bounded_and_single_use() {
            let store = TicketStore::default();
            let a: IpAddr = [127, 0, 0, 1].into();
            for i in 0..20u8 {
                store.store(a, vec![i]);
            }
            assert_eq!(store.len(a), MAX_TICKETS_PER_NODE);
            // The newest ticket is offered first.
            assert_eq!(store.take(a), Some(vec![19]));
            assert_eq!(store.len(a), MAX_TICKETS_PER_NODE - 1);
            for n in 0..=MAX_NODES_WITH_TICKETS as u32 {
                store.store(IpAddr::from(n.to_be_bytes()), vec![1]);
            }
            let inner = store.inner.lock().unwrap();
            assert_eq!(inner.nodes.len(), MAX_NODES_WITH_TICKETS);
            // The node stored longest ago (`a`) was forgotten.
            assert!(!inner.nodes.contains_key(&a));
        }
    }
}
