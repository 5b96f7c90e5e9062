//! The public items of the networking layer, used as an application would use them.

use std::num::{NonZeroU64, NonZeroUsize};
use std::sync::Arc;

use async_trait::async_trait;
use scylla::authentication::{
    AuthError, AuthenticatorProvider, AuthenticatorSession, PlainTextAuthenticator,
};
use scylla::client::{PoolSize, WriteCoalescingDelay};

#[tokio::test]
async fn plain_text_authenticator_sends_sasl_plain() {
    let provider: Arc<dyn AuthenticatorProvider> = Arc::new(PlainTextAuthenticator::new(
        "user".to_owned(),
        "pass".to_owned(),
    ));
    let (token, mut session) = provider
        .start_authentication_session("org.apache.cassandra.auth.PasswordAuthenticator")
        .await
        .unwrap();
    assert_eq!(token.unwrap(), b"\0user\0pass");
    assert!(session.evaluate_challenge(None).await.is_err());
    session.success(Some(b"done")).await.unwrap();
}

/// A custom authenticator written outside the crate, as applications do.
struct TokenAuthenticator(Vec<u8>);

struct TokenSession {
    rounds: usize,
}

#[async_trait]
impl AuthenticatorProvider for TokenAuthenticator {
    async fn start_authentication_session(
        &self,
        authenticator_name: &str,
    ) -> Result<(Option<Vec<u8>>, Box<dyn AuthenticatorSession>), AuthError> {
        if authenticator_name != "com.example.TokenAuthenticator" {
            return Err(format!("unsupported authenticator {authenticator_name}"));
        }
        Ok((Some(self.0.clone()), Box::new(TokenSession { rounds: 0 })))
    }
}

#[async_trait]
impl AuthenticatorSession for TokenSession {
    async fn evaluate_challenge(
        &mut self,
        token: Option<&[u8]>,
    ) -> Result<Option<Vec<u8>>, AuthError> {
        self.rounds += 1;
        Ok(token.map(|t| t.iter().rev().copied().collect()))
    }

    async fn success(&mut self, _token: Option<&[u8]>) -> Result<(), AuthError> {
        Ok(())
    }
}

#[tokio::test]
async fn custom_authenticators_implement_the_traits() {
    let provider: Arc<dyn AuthenticatorProvider> = Arc::new(TokenAuthenticator(b"t".to_vec()));
    assert!(
        provider
            .start_authentication_session("other")
            .await
            .is_err()
    );
    let (token, mut session) = provider
        .start_authentication_session("com.example.TokenAuthenticator")
        .await
        .unwrap();
    assert_eq!(token.as_deref(), Some(&b"t"[..]));
    assert_eq!(
        session.evaluate_challenge(Some(b"abc")).await.unwrap(),
        Some(b"cba".to_vec())
    );
}

#[test]
fn pool_size_and_coalescing_defaults() {
    assert_eq!(
        PoolSize::default(),
        PoolSize::PerShard(NonZeroUsize::new(1).unwrap())
    );
    let per_host = PoolSize::PerHost(NonZeroUsize::new(3).unwrap());
    assert_ne!(per_host, PoolSize::default());
    let delay = WriteCoalescingDelay::Milliseconds(NonZeroU64::new(2).unwrap());
    assert!(matches!(delay, WriteCoalescingDelay::Milliseconds(ms) if ms.get() == 2));
    assert!(matches!(
        WriteCoalescingDelay::default(),
        WriteCoalescingDelay::SmallNondeterministic
    ));
}
