//! AUTHENTICATE, AUTH_CHALLENGE and AUTH_SUCCESS (spec sections 4.2.3, 4.2.7, 4.2.8).

use crate::frame::types;

use super::parse_errors::{
    CqlAuthChallengeParseError, CqlAuthSuccessParseError, CqlAuthenticateParseError,
    CqlResponseSerializationError,
};
use super::write_helpers::{put_bytes_opt, put_string};

/// AUTHENTICATE: the server requires authentication with this authenticator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authenticate {
    /// The full class name of the authenticator
    /// (`org.apache.cassandra.auth.PasswordAuthenticator`).
    pub authenticator_name: String,
}

impl Authenticate {
    /// Parses an AUTHENTICATE body.
    pub fn deserialize(buf: &mut &[u8]) -> Result<Self, CqlAuthenticateParseError> {
        let authenticator_name = types::read_string(buf)
            .map_err(CqlAuthenticateParseError::AuthNameParseError)?
            .to_owned();
        Ok(Self { authenticator_name })
    }

    /// Appends an AUTHENTICATE body.
    pub fn serialize(&self, buf: &mut Vec<u8>) -> Result<(), CqlResponseSerializationError> {
        put_string(&self.authenticator_name, "authenticator name", buf)
    }
}

/// AUTH_CHALLENGE: a SASL challenge the client must answer with AUTH_RESPONSE.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthChallenge {
    /// The challenge token; `None` when the server sent null.
    pub authenticate_message: Option<Vec<u8>>,
}

impl AuthChallenge {
    /// Parses an AUTH_CHALLENGE body.
    pub fn deserialize(buf: &mut &[u8]) -> Result<Self, CqlAuthChallengeParseError> {
        let authenticate_message = types::read_bytes_opt(buf)
            .map_err(CqlAuthChallengeParseError::AuthMessageParseError)?
            .map(<[u8]>::to_vec);
        Ok(Self {
            authenticate_message,
        })
    }

    /// Appends an AUTH_CHALLENGE body.
    pub fn serialize(&self, buf: &mut Vec<u8>) -> Result<(), CqlResponseSerializationError> {
        put_bytes_opt(self.authenticate_message.as_deref(), "challenge token", buf)
    }
}

/// AUTH_SUCCESS: authentication succeeded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthSuccess {
    /// The final token; `None` when the server sent null.
    pub success_message: Option<Vec<u8>>,
}

impl AuthSuccess {
    /// Parses an AUTH_SUCCESS body.
    pub fn deserialize(buf: &mut &[u8]) -> Result<Self, CqlAuthSuccessParseError> {
        let success_message = types::read_bytes_opt(buf)
            .map_err(CqlAuthSuccessParseError::SuccessMessageParseError)?
            .map(<[u8]>::to_vec);
        Ok(Self { success_message })
    }

    /// Appends an AUTH_SUCCESS body.
    pub fn serialize(&self, buf: &mut Vec<u8>) -> Result<(), CqlResponseSerializationError> {
        put_bytes_opt(self.success_message.as_deref(), "success token", buf)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn challenge_null_and_empty_differ() {
        let null = AuthChallenge {
            authenticate_message: None,
        };
        let empty = AuthChallenge {
            authenticate_message: Some(vec![]),
        };
        let mut a = Vec::new();
        null.serialize(&mut a).unwrap();
        assert_eq!(a, [0xff, 0xff, 0xff, 0xff]);
        let mut b = Vec::new();
        empty.serialize(&mut b).unwrap();
        assert_eq!(b, [0, 0, 0, 0]);
        assert_eq!(AuthChallenge::deserialize(&mut &a[..]).unwrap(), null);
        assert_eq!(AuthChallenge::deserialize(&mut &b[..]).unwrap(), empty);
    }

    #[test]
    fn authenticate_golden() {
        let name = "org.apache.cassandra.auth.PasswordAuthenticator";
        let mut bytes = (name.len() as u16).to_be_bytes().to_vec();
        bytes.extend(name.as_bytes());
        let a = Authenticate::deserialize(&mut &bytes[..]).unwrap();
        assert_eq!(a.authenticator_name, name);
        let mut out = Vec::new();
        a.serialize(&mut out).unwrap();
        assert_eq!(out, bytes);
        assert!(Authenticate::deserialize(&mut &bytes[..5]).is_err());
    }
}
