//! Configuration of client routes: reaching nodes through per-node proxy endpoints
//! (AWS PrivateLink, GCP Private Service Connect and the like), as listed by the
//! cluster in `system.client_routes`.
//!
//! **This driver does not implement client routes yet.** The types here let code
//! written for them compile, and the configuration is validated, but a session
//! configured with client routes (see `ClientRoutesSessionBuilder`, behind the
//! `unstable-client-routes` feature) fails in [`Session::connect`] with
//! [`NewSessionError::IllegalConfig`] saying so, rather than silently connecting to
//! the addresses the nodes broadcast.
//!
//! [`Session::connect`]: crate::client::session::Session::connect
//! [`NewSessionError::IllegalConfig`]: crate::errors::NewSessionError::IllegalConfig

use thiserror::Error;

/// One private connection to the cluster: the connection id that selects its rows of
/// `system.client_routes`, and optionally a host name to use instead of the
/// addresses stored there.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ClientRoutesProxy {
    connection_id: String,
    overridden_hostname: Option<String>,
}

impl ClientRoutesProxy {
    /// A proxy selected by `connection_id`, using the addresses of
    /// `system.client_routes`.
    pub fn new_with_connection_id(connection_id: String) -> Self {
        Self {
            connection_id,
            overridden_hostname: None,
        }
    }

    /// Uses `hostname` instead of the addresses stored in `system.client_routes` for
    /// this connection id.
    pub fn with_overridden_hostname(self, hostname: String) -> Self {
        Self {
            overridden_hostname: Some(hostname),
            ..self
        }
    }

    /// The connection id.
    pub(crate) fn connection_id(&self) -> &str {
        &self.connection_id
    }

    /// The host name that replaces the stored addresses, if any.
    pub(crate) fn overridden_hostname(&self) -> Option<&str> {
        self.overridden_hostname.as_deref()
    }
}

impl From<String> for ClientRoutesProxy {
    fn from(connection_id: String) -> Self {
        Self::new_with_connection_id(connection_id)
    }
}

/// The client-routes configuration of a session: the proxies (connection ids) it
/// may use. Never empty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientRoutesConfig {
    proxies: Vec<ClientRoutesProxy>,
}

impl ClientRoutesConfig {
    /// A configuration with these proxies.
    ///
    /// Fails with [`ClientRoutesConfigError::EmptyConnectionIds`] when `proxies` is
    /// empty: a session needs at least one connection id to select routes by.
    pub fn new(proxies: Vec<ClientRoutesProxy>) -> Result<Self, ClientRoutesConfigError> {
        if proxies.is_empty() {
            return Err(ClientRoutesConfigError::EmptyConnectionIds);
        }
        Ok(Self { proxies })
    }

    /// The proxies, in the order given.
    pub(crate) fn proxies(&self) -> &[ClientRoutesProxy] {
        &self.proxies
    }

    /// The message of the error [`Session::connect`](crate::client::session::Session::connect)
    /// returns for a session configured with client routes.
    pub(crate) fn unsupported_message(&self) -> String {
        let ids: Vec<String> = self
            .proxies()
            .iter()
            .map(|p| match p.overridden_hostname() {
                Some(host) => format!("{:?} (host {:?})", p.connection_id(), host),
                None => format!("{:?}", p.connection_id()),
            })
            .collect();
        format!(
            "client routes (system.client_routes proxy endpoints) are not supported by this \
             driver; the session was configured with connection id(s) {}",
            ids.join(", ")
        )
    }
}

/// An invalid [`ClientRoutesConfig`].
#[derive(Debug, Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ClientRoutesConfigError {
    /// No proxy (connection id) was given.
    #[error("a client routes configuration needs at least one proxy (connection id)")]
    EmptyConnectionIds,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_proxy_list_is_rejected() {
        assert_eq!(
            ClientRoutesConfig::new(Vec::new()),
            Err(ClientRoutesConfigError::EmptyConnectionIds)
        );
    }

    #[test]
    fn proxies_keep_their_ids_and_hostnames() {
        let a = ClientRoutesProxy::from("conn-a".to_owned());
        let b = ClientRoutesProxy::new_with_connection_id("conn-b".to_owned())
            .with_overridden_hostname("pl.example.com".to_owned());
        assert_eq!(a.connection_id(), "conn-a");
        assert_eq!(a.overridden_hostname(), None);
        assert_eq!(b.connection_id(), "conn-b");
        assert_eq!(b.overridden_hostname(), Some("pl.example.com"));
        let config = ClientRoutesConfig::new(vec![a.clone(), b.clone()]).unwrap();
        assert_eq!(config.proxies(), &[a, b]);
        let msg = config.unsupported_message();
        assert!(msg.contains("not supported"), "{msg}");
        assert!(msg.contains("\"conn-a\""), "{msg}");
        assert!(
            msg.contains("\"conn-b\" (host \"pl.example.com\")"),
            "{msg}"
        );
    }
}
