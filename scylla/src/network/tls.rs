//! TLS contexts for connections (being built).
