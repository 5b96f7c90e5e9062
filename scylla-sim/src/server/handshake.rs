//! The connection handshake: what OPTIONS answers, how a foreign protocol version is
//! refused, what STARTUP accepts, and password authentication (SASL PLAIN).

use std::collections::HashMap;
use std::num::NonZeroU16;

use scylla_cql::frame::Compression;
use scylla_cql::frame::protocol_features::{
    LWT_OPTIMIZATION_META_BIT_MASK_KEY, ProtocolFeatures, RATE_LIMIT_ERROR_CODE_KEY,
    RATE_LIMIT_ERROR_EXTENSION, SCYLLA_LWT_ADD_METADATA_MARK_EXTENSION, SCYLLA_USE_METADATA_ID_KEY,
    TABLETS_ROUTING_V1_KEY,
};
use scylla_cql::frame::response::supported::{
    SCYLLA_HOST_ID, SCYLLA_NR_SHARDS, SCYLLA_PARTITIONER, SCYLLA_SHARD, SCYLLA_SHARD_AWARE_PORT,
    SCYLLA_SHARD_AWARE_PORT_SSL, SCYLLA_SHARDING_ALGORITHM, SCYLLA_SHARDING_IGNORE_MSB,
};
use uuid::Uuid;

use crate::ring::{MURMUR3_PARTITIONER_NAME, SHARDING_ALGORITHM};

/// The authenticator named in AUTHENTICATE when password authentication is on.
pub(crate) const PASSWORD_AUTHENTICATOR: &str = "org.apache.cassandra.auth.PasswordAuthenticator";

/// The bit ScyllaDB sets in prepared metadata flags to mark an LWT statement.
pub(crate) const LWT_METADATA_MARK: u32 = 0x8000_0000;

/// The error code ScyllaDB uses for its rate-limit error.
pub(crate) const RATE_LIMIT_ERROR_CODE: i32 = 0xF000;

/// The extensions this server offers (and enables for a connection whose STARTUP
/// names them).
pub(crate) fn offered_features() -> ProtocolFeatures {
    let mut f = ProtocolFeatures::default();
    f.rate_limit_error = Some(RATE_LIMIT_ERROR_CODE);
    f.lwt_optimization_meta_bit_mask = Some(LWT_METADATA_MARK);
    f.scylla_metadata_id_supported = true;
    f.tablets_v1_supported = true;
    f
}

/// The error message refusing protocol version `version`, in Cassandra's words (the
/// Python driver looks for "unsupported protocol version" in it to downgrade).
pub(crate) fn unsupported_version_message(version: u8) -> String {
    format!("Invalid or unsupported protocol version ({version}); supported versions are (4/v4)")
}

/// The node-level facts SUPPORTED reports.
#[derive(Debug, Clone)]
pub(crate) struct SupportedInfo<'a> {
    /// `CQL_VERSION`.
    pub cql_version: &'a str,
    /// The connection's shard.
    pub shard: u16,
    /// The node's shard count.
    pub nr_shards: NonZeroU16,
    /// The node's sharding `ignore_msb`.
    pub ignore_msb: u8,
    /// The node's host id.
    pub host_id: Uuid,
    /// The shard-aware port, if any.
    pub shard_aware_port: Option<u16>,
    /// Whether the ports speak TLS.
    pub tls: bool,
}

/// The SUPPORTED multimap of a connection.
pub(crate) fn supported_options(info: &SupportedInfo<'_>) -> HashMap<String, Vec<String>> {
    let mut m: HashMap<String, Vec<String>> = HashMap::new();
    let mut one = |k: &str, v: String| {
        m.insert(k.to_owned(), vec![v]);
    };
    one("CQL_VERSION", info.cql_version.to_owned());
    one("PROTOCOL_VERSIONS", "4/v4".to_owned());
    one(SCYLLA_SHARD, info.shard.to_string());
    one(SCYLLA_NR_SHARDS, info.nr_shards.to_string());
    one(SCYLLA_SHARDING_IGNORE_MSB, info.ignore_msb.to_string());
    one(SCYLLA_PARTITIONER, MURMUR3_PARTITIONER_NAME.to_owned());
    one(SCYLLA_SHARDING_ALGORITHM, SHARDING_ALGORITHM.to_owned());
    one(SCYLLA_HOST_ID, info.host_id.to_string());
    if let Some(port) = info.shard_aware_port {
        // With TLS on, the shard-aware port speaks TLS too; drivers that use TLS look
        // for the _SSL key, others for the plain one: name it under both.
        one(SCYLLA_SHARD_AWARE_PORT, port.to_string());
        if info.tls {
            one(SCYLLA_SHARD_AWARE_PORT_SSL, port.to_string());
        }
    }
    one(
        SCYLLA_LWT_ADD_METADATA_MARK_EXTENSION,
        format!("{LWT_OPTIMIZATION_META_BIT_MASK_KEY}={LWT_METADATA_MARK}"),
    );
    one(
        RATE_LIMIT_ERROR_EXTENSION,
        format!("{RATE_LIMIT_ERROR_CODE_KEY}={RATE_LIMIT_ERROR_CODE}"),
    );
    one(TABLETS_ROUTING_V1_KEY, String::new());
    one(SCYLLA_USE_METADATA_ID_KEY, String::new());
    m.insert(
        "COMPRESSION".to_owned(),
        vec![
            Compression::Lz4.as_str().to_owned(),
            Compression::Snappy.as_str().to_owned(),
        ],
    );
    m
}

/// The compression a STARTUP asks for: `Ok(None)` for none, an error message for an
/// algorithm this server does not know.
pub(crate) fn startup_compression(
    options: &HashMap<String, String>,
) -> Result<Option<Compression>, String> {
    let Some((_, name)) = options
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("COMPRESSION"))
    else {
        return Ok(None);
    };
    match name.to_ascii_lowercase().as_str() {
        "lz4" => Ok(Some(Compression::Lz4)),
        "snappy" => Ok(Some(Compression::Snappy)),
        "" | "none" => Ok(None),
        _ => Err(format!("Unknown compression algorithm: {name}")),
    }
}

/// Why a SASL PLAIN token was refused before checking the credentials.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum SaslError {
    /// No token, or no NUL separator.
    Malformed,
    /// The user name is empty.
    NoUser,
    /// The password is empty.
    NoPassword,
}

impl SaslError {
    /// The message sent back.
    pub(crate) fn message(&self) -> &'static str {
        match self {
            SaslError::Malformed => {
                "Invalid SASL PLAIN token: expected [authzid]\\0user\\0password"
            }
            SaslError::NoUser => "Authentication ID must not be null",
            SaslError::NoPassword => "Password must not be null",
        }
    }
}

/// Splits a SASL PLAIN token (`[authzid] NUL authcid NUL passwd`) into the user and the
/// password.
pub(crate) fn parse_sasl_plain(token: Option<&[u8]>) -> Result<(&[u8], &[u8]), SaslError> {
    let token = token.ok_or(SaslError::Malformed)?;
    let last = token
        .iter()
        .rposition(|&b| b == 0)
        .ok_or(SaslError::Malformed)?;
    let password = &token[last + 1..];
    let before = &token[..last];
    let user = match before.iter().rposition(|&b| b == 0) {
        Some(i) => &before[i + 1..],
        None => before,
    };
    if user.is_empty() {
        return Err(SaslError::NoUser);
    }
    if password.is_empty() {
        return Err(SaslError::NoPassword);
    }
    Ok((user, password))
}

#[cfg(test)]
mod tests {
    use scylla_cql::frame::response::supported::Supported;

    use super::*;

    #[test]
    fn supported_carries_sharding_and_extensions() {
        let info = SupportedInfo {
            cql_version: "3.4.5",
            shard: 1,
            nr_shards: NonZeroU16::new(4).unwrap(),
            ignore_msb: 12,
            host_id: Uuid::from_u128(7),
            shard_aware_port: Some(19042),
            tls: false,
        };
        let s = Supported {
            options: supported_options(&info),
        };
        let sharding = s.sharding_info().unwrap().unwrap();
        assert_eq!(sharding.shard, 1);
        assert_eq!(sharding.nr_shards.get(), 4);
        assert_eq!(sharding.msb_ignore, 12);
        assert_eq!(sharding.shard_aware_port, Some(19042));
        assert_eq!(sharding.shard_aware_port_ssl, None);
        assert_eq!(
            sharding.partitioner.as_deref(),
            Some("org.apache.cassandra.dht.Murmur3Partitioner")
        );
        assert_eq!(s.host_id().unwrap(), Some(Uuid::from_u128(7)));
        assert_eq!(s.protocol_features(), offered_features());
        assert_eq!(s.options["PROTOCOL_VERSIONS"], vec!["4/v4".to_owned()]);
    }

    #[test]
    fn tls_names_the_ssl_port() {
        let info = SupportedInfo {
            cql_version: "3.4.5",
            shard: 0,
            nr_shards: NonZeroU16::MIN,
            ignore_msb: 12,
            host_id: Uuid::nil(),
            shard_aware_port: Some(20000),
            tls: true,
        };
        let opts = supported_options(&info);
        assert_eq!(opts[SCYLLA_SHARD_AWARE_PORT_SSL], vec!["20000".to_owned()]);
        let info = SupportedInfo {
            shard_aware_port: None,
            ..info
        };
        let opts = supported_options(&info);
        assert!(!opts.contains_key(SCYLLA_SHARD_AWARE_PORT));
        assert!(!opts.contains_key(SCYLLA_SHARD_AWARE_PORT_SSL));
    }

    #[test]
    fn compression_names() {
        let opts = |v: &str| HashMap::from([("COMPRESSION".to_owned(), v.to_owned())]);
        assert_eq!(startup_compression(&HashMap::new()), Ok(None));
        assert_eq!(
            startup_compression(&opts("lz4")),
            Ok(Some(Compression::Lz4))
        );
        assert_eq!(
            startup_compression(&opts("snappy")),
            Ok(Some(Compression::Snappy))
        );
        assert_eq!(
            startup_compression(&opts("zstd")),
            Err("Unknown compression algorithm: zstd".to_owned())
        );
    }

    #[test]
    fn sasl_plain() {
        assert_eq!(
            parse_sasl_plain(Some(b"\0cassandra\0pw")),
            Ok((&b"cassandra"[..], &b"pw"[..]))
        );
        assert_eq!(
            parse_sasl_plain(Some(b"authz\0u\0p")),
            Ok((&b"u"[..], &b"p"[..]))
        );
        assert_eq!(parse_sasl_plain(Some(b"u\0p")), Ok((&b"u"[..], &b"p"[..])));
        assert_eq!(parse_sasl_plain(None), Err(SaslError::Malformed));
        assert_eq!(parse_sasl_plain(Some(b"nonul")), Err(SaslError::Malformed));
        assert_eq!(parse_sasl_plain(Some(b"\0\0pw")), Err(SaslError::NoUser));
        assert_eq!(parse_sasl_plain(Some(b"\0u\0")), Err(SaslError::NoPassword));
    }

    #[test]
    fn version_message_is_what_drivers_look_for() {
        let m = unsupported_version_message(5);
        assert!(m.contains("unsupported protocol version"));
        assert_eq!(
            m,
            "Invalid or unsupported protocol version (5); supported versions are (4/v4)"
        );
    }
}
