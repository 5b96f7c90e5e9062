//! Authentication: the [`AuthenticatorProvider`] / [`AuthenticatorSession`] traits and
//! [`PlainTextAuthenticator`] (SASL PLAIN, what `SessionBuilder::user` installs).

pub use scylla_cql::frame::Authenticator;

/// An authentication failure message.
pub type AuthError = String;
