//! Authentication: the [`AuthenticatorProvider`] / [`AuthenticatorSession`] traits and
//! [`PlainTextAuthenticator`] (SASL PLAIN, what `SessionBuilder::user` installs).
//!
//! Authentication in CQL is SASL based (protocol v4, sections 4.1.2 and 4.2.3): after
//! STARTUP the node answers AUTHENTICATE with the name of its authenticator; the driver
//! asks the [`AuthenticatorProvider`] for a new [`AuthenticatorSession`] and an initial
//! token, sends the token, then answers each AUTH_CHALLENGE with
//! [`AuthenticatorSession::evaluate_challenge`] until the node sends AUTH_SUCCESS,
//! which is passed to [`AuthenticatorSession::success`].

use async_trait::async_trait;

pub use scylla_cql::frame::Authenticator;

/// An authentication failure message.
pub type AuthError = String;

/// One authentication exchange, on one connection.
#[async_trait]
pub trait AuthenticatorSession: Send + Sync {
    /// Answers a challenge (the token of AUTH_CHALLENGE) with the token to send in
    /// the next AUTH_RESPONSE.
    async fn evaluate_challenge(
        &mut self,
        token: Option<&[u8]>,
    ) -> Result<Option<Vec<u8>>, AuthError>;

    /// Called with the token of AUTH_SUCCESS when the node accepted the credentials.
    async fn success(&mut self, token: Option<&[u8]>) -> Result<(), AuthError>;
}

/// Creates an [`AuthenticatorSession`] for each new connection that must
/// authenticate.
#[async_trait]
pub trait AuthenticatorProvider: Sync + Send {
    /// Starts an exchange with a node whose authenticator is `authenticator_name`
    /// (a class name such as `org.apache.cassandra.auth.PasswordAuthenticator`).
    /// Returns the initial token to send in the first AUTH_RESPONSE and the session
    /// that answers the node's challenges.
    async fn start_authentication_session(
        &self,
        authenticator_name: &str,
    ) -> Result<(Option<Vec<u8>>, Box<dyn AuthenticatorSession>), AuthError>;
}

/// Username and password authentication (SASL PLAIN): the initial token is
/// `\0username\0password`. Works with Cassandra's and ScyllaDB's
/// `PasswordAuthenticator`.
#[derive(Clone)]
pub struct PlainTextAuthenticator {
    username: String,
    password: String,
}

impl PlainTextAuthenticator {
    /// An authenticator that logs in as `username` with `password`.
    pub fn new(username: String, password: String) -> Self {
        Self { username, password }
    }

    /// The SASL PLAIN token: an empty authorization identity, the username and the
    /// password, each preceded by a NUL byte.
    fn initial_token(&self) -> Vec<u8> {
        let mut token = Vec::with_capacity(self.username.len() + self.password.len() + 2);
        token.push(0);
        token.extend_from_slice(self.username.as_bytes());
        token.push(0);
        token.extend_from_slice(self.password.as_bytes());
        token
    }
}

impl std::fmt::Debug for PlainTextAuthenticator {
    /// Shows the username only; the password is never printed.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PlainTextAuthenticator")
            .field("username", &self.username)
            .field("password", &"<redacted>")
            .finish()
    }
}

#[async_trait]
impl AuthenticatorProvider for PlainTextAuthenticator {
    async fn start_authentication_session(
        &self,
        _authenticator_name: &str,
    ) -> Result<(Option<Vec<u8>>, Box<dyn AuthenticatorSession>), AuthError> {
        Ok((
            Some(self.initial_token()),
            Box::new(PlainTextAuthenticatorSession),
        ))
    }
}

/// The session of [`PlainTextAuthenticator`]: SASL PLAIN sends everything in the
/// initial token, so a challenge is an error.
struct PlainTextAuthenticatorSession;

#[async_trait]
impl AuthenticatorSession for PlainTextAuthenticatorSession {
    async fn evaluate_challenge(
        &mut self,
        _token: Option<&[u8]>,
    ) -> Result<Option<Vec<u8>>, AuthError> {
        Err(
            "the node sent an authentication challenge, but plain text (SASL PLAIN) \
             authentication sends all credentials in its initial response and expects none"
                .to_owned(),
        )
    }

    async fn success(&mut self, _token: Option<&[u8]>) -> Result<(), AuthError> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn plain_text_token_is_sasl_plain() {
        let auth = PlainTextAuthenticator::new("cassandra".to_owned(), "p@ss".to_owned());
        let (token, mut session) = auth
            .start_authentication_session("org.apache.cassandra.auth.PasswordAuthenticator")
            .await
            .unwrap();
        assert_eq!(token.as_deref(), Some(&b"\0cassandra\0p@ss"[..]));
        assert!(session.evaluate_challenge(Some(b"x")).await.is_err());
        assert!(session.success(None).await.is_ok());
    }

    #[test]
    fn debug_hides_the_password() {
        let auth = PlainTextAuthenticator::new("user".to_owned(), "secret".to_owned());
        let shown = format!("{auth:?}");
        assert!(shown.contains("user"));
        assert!(!shown.contains("secret"));
    }
}
