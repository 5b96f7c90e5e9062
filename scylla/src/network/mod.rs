//! Connections to nodes: TCP/TLS, the handshake, multiplexing of requests over stream
//! ids, and per-node connection pools.

pub(crate) mod connection;
pub(crate) mod connection_pool;
pub mod tls;

#[cfg(test)]
pub(crate) mod test_server;
#[cfg(test)]
mod tests;
