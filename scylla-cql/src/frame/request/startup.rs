//! STARTUP (spec section 4.1.1): a `[string map]` of options, and
//! [`negotiate_startup_options`], which computes them from the server's SUPPORTED.

use std::borrow::Cow;
use std::collections::HashMap;

use crate::frame::Compression;
use crate::frame::frame_errors::CqlRequestSerializationError;
use crate::frame::protocol_features::ProtocolFeatures;
use crate::frame::types;

use super::{
    DeserializableRequest, RequestDeserializationError, RequestOpcode, SerializableRequest,
};

pub use crate::frame::frame_errors::StartupSerializationError;

/// STARTUP: initializes the connection with the given options (see
/// [`options`](super::options) for their names).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Startup<'a> {
    /// The options, for instance `CQL_VERSION` → `3.0.0`.
    pub options: HashMap<Cow<'a, str>, Cow<'a, str>>,
}

impl SerializableRequest for Startup<'_> {
    const OPCODE: RequestOpcode = RequestOpcode::Startup;

    fn serialize(&self, buf: &mut Vec<u8>) -> Result<(), CqlRequestSerializationError> {
        types::write_string_map(&self.options, buf)
            .map_err(StartupSerializationError::OptionsSerialization)?;
        Ok(())
    }
}

impl DeserializableRequest for Startup<'_> {
    fn deserialize(buf: &mut &[u8]) -> Result<Self, RequestDeserializationError> {
        let map = types::read_string_map(buf)
            .map_err(RequestDeserializationError::field("the options of STARTUP"))?;
        Ok(Startup {
            options: map
                .into_iter()
                .map(|(k, v)| (Cow::Owned(k), Cow::Owned(v)))
                .collect(),
        })
    }
}

/// Who is connecting: the identity fields a client may send in STARTUP (`None` leaves
/// a field out). See [`negotiate_startup_options`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StartupIdentity<'a> {
    /// [`DRIVER_NAME`](super::options::DRIVER_NAME).
    pub driver_name: Option<Cow<'a, str>>,
    /// [`DRIVER_VERSION`](super::options::DRIVER_VERSION).
    pub driver_version: Option<Cow<'a, str>>,
    /// [`APPLICATION_NAME`](super::options::APPLICATION_NAME).
    pub application_name: Option<Cow<'a, str>>,
    /// [`APPLICATION_VERSION`](super::options::APPLICATION_VERSION).
    pub application_version: Option<Cow<'a, str>>,
    /// [`CLIENT_ID`](super::options::CLIENT_ID).
    pub client_id: Option<Cow<'a, str>>,
}

impl StartupIdentity<'static> {
    /// This crate's driver name and version
    /// ([`DEFAULT_DRIVER_NAME`](super::options::DEFAULT_DRIVER_NAME),
    /// [`DEFAULT_DRIVER_VERSION`](super::options::DEFAULT_DRIVER_VERSION)), no
    /// application fields.
    pub fn this_driver() -> Self {
        Self {
            driver_name: Some(Cow::Borrowed(super::options::DEFAULT_DRIVER_NAME)),
            driver_version: Some(Cow::Borrowed(super::options::DEFAULT_DRIVER_VERSION)),
            ..Default::default()
        }
    }
}

/// The outcome of [`negotiate_startup_options`]: the STARTUP to send and what it turns
/// on for the connection once the server answers READY (or AUTHENTICATE).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NegotiatedStartup<'a> {
    /// The STARTUP request.
    pub startup: Startup<'a>,
    /// The compression asked for, if the server offered it; `None` otherwise.
    pub compression: Option<Compression>,
    /// The ScyllaDB extensions asked for (all the server offered that this crate uses).
    pub features: ProtocolFeatures,
}

/// Computes the STARTUP options from a server's SUPPORTED options:
///
/// - `CQL_VERSION`: the highest version the server lists (compared component by
///   component as numbers), or
///   [`DEFAULT_CQL_PROTOCOL_VERSION`](super::options::DEFAULT_CQL_PROTOCOL_VERSION)
///   when it lists none that parses;
/// - `COMPRESSION`: `compression`, only if the server lists it;
/// - the identity fields that are set;
/// - the keys that enable the ScyllaDB extensions the server offers
///   ([`ProtocolFeatures::add_startup_options`]).
///
/// ```
/// # use std::collections::HashMap;
/// # use scylla_cql::frame::Compression;
/// # use scylla_cql::frame::request::startup::{negotiate_startup_options, StartupIdentity};
/// let supported: HashMap<String, Vec<String>> = [
///     ("CQL_VERSION".to_owned(), vec!["3.0.0".to_owned(), "3.4.5".to_owned()]),
///     ("COMPRESSION".to_owned(), vec!["snappy".to_owned()]),
///     ("TABLETS_ROUTING_V1".to_owned(), vec![]),
/// ].into();
/// let n = negotiate_startup_options(&supported, Some(Compression::Lz4), &StartupIdentity::this_driver());
/// assert_eq!(n.startup.options["CQL_VERSION"], "3.4.5");
/// assert!(!n.startup.options.contains_key("COMPRESSION"), "lz4 was not offered");
/// assert_eq!(n.compression, None);
/// assert!(n.startup.options.contains_key("TABLETS_ROUTING_V1"));
/// assert!(n.features.tablets_v1_supported);
/// ```
pub fn negotiate_startup_options<'a>(
    supported: &HashMap<String, Vec<String>>,
    compression: Option<Compression>,
    identity: &StartupIdentity<'a>,
) -> NegotiatedStartup<'a> {
    use super::options as o;

    let mut options: HashMap<Cow<'a, str>, Cow<'a, str>> = HashMap::new();
    let cql_version = supported
        .get(o::CQL_VERSION)
        .into_iter()
        .flatten()
        .filter_map(|v| parse_version(v).map(|parsed| (parsed, v)))
        .max_by(|a, b| a.0.cmp(&b.0))
        .map(|(_, v)| Cow::Owned(v.clone()))
        .unwrap_or(Cow::Borrowed(o::DEFAULT_CQL_PROTOCOL_VERSION));
    options.insert(Cow::Borrowed(o::CQL_VERSION), cql_version);

    let compression = compression.filter(|c| {
        supported.get(o::COMPRESSION).is_some_and(|offered| {
            offered
                .iter()
                .any(|name| name.eq_ignore_ascii_case(c.as_str()))
        })
    });
    if let Some(c) = compression {
        options.insert(Cow::Borrowed(o::COMPRESSION), Cow::Borrowed(c.as_str()));
    }

    let fields = [
        (o::DRIVER_NAME, &identity.driver_name),
        (o::DRIVER_VERSION, &identity.driver_version),
        (o::APPLICATION_NAME, &identity.application_name),
        (o::APPLICATION_VERSION, &identity.application_version),
        (o::CLIENT_ID, &identity.client_id),
    ];
    for (key, value) in fields {
        if let Some(value) = value {
            options.insert(Cow::Borrowed(key), value.clone());
        }
    }

    let features = ProtocolFeatures::parse_from_supported(supported);
    features.add_startup_options(&mut options);

    NegotiatedStartup {
        startup: Startup { options },
        compression,
        features,
    }
}

/// `"3.4.5"` as `[3, 4, 5]`; `None` if a component is not a number.
fn parse_version(v: &str) -> Option<Vec<u64>> {
    v.split('.').map(|part| part.trim().parse().ok()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn supported(pairs: &[(&str, &[&str])]) -> HashMap<String, Vec<String>> {
        pairs
            .iter()
            .map(|(k, vs)| (k.to_string(), vs.iter().map(|v| v.to_string()).collect()))
            .collect()
    }

    #[test]
    fn scylla_server_gets_everything_it_offers() {
        let s = supported(&[
            ("CQL_VERSION", &["3.3.1", "3.10.0", "3.4.5"]),
            ("COMPRESSION", &["lz4", "snappy"]),
            ("SCYLLA_RATE_LIMIT_ERROR", &["ERROR_CODE=61440"]),
            (
                "SCYLLA_LWT_ADD_METADATA_MARK",
                &["LWT_OPTIMIZATION_META_BIT_MASK=2147483648"],
            ),
            ("TABLETS_ROUTING_V1", &[]),
            ("SCYLLA_USE_METADATA_ID", &[]),
            ("SCYLLA_NR_SHARDS", &["4"]),
        ]);
        let identity = StartupIdentity {
            application_name: Some("app".into()),
            application_version: Some("2.0".into()),
            client_id: Some("c-1".into()),
            ..StartupIdentity::this_driver()
        };
        let n = negotiate_startup_options(&s, Some(Compression::Snappy), &identity);
        let o = &n.startup.options;
        // 3.10.0 > 3.4.5 numerically, not as strings.
        assert_eq!(o["CQL_VERSION"], "3.10.0");
        assert_eq!(o["COMPRESSION"], "snappy");
        assert_eq!(n.compression, Some(Compression::Snappy));
        assert_eq!(o["DRIVER_NAME"], super::super::options::DEFAULT_DRIVER_NAME);
        assert_eq!(
            o["DRIVER_VERSION"],
            super::super::options::DEFAULT_DRIVER_VERSION
        );
        assert_eq!(o["APPLICATION_NAME"], "app");
        assert_eq!(o["APPLICATION_VERSION"], "2.0");
        assert_eq!(o["CLIENT_ID"], "c-1");
        assert_eq!(o["SCYLLA_RATE_LIMIT_ERROR"], "");
        assert_eq!(
            o["SCYLLA_LWT_ADD_METADATA_MARK"],
            "LWT_OPTIMIZATION_META_BIT_MASK=2147483648"
        );
        assert_eq!(o["TABLETS_ROUTING_V1"], "");
        assert_eq!(o["SCYLLA_USE_METADATA_ID"], "");
        // Informational SUPPORTED keys are not echoed back.
        assert!(!o.contains_key("SCYLLA_NR_SHARDS"));
        assert_eq!(o.len(), 11);
        assert_eq!(n.features, ProtocolFeatures::parse_from_supported(&s));
        assert_eq!(n.features.rate_limit_error, Some(61440));

        // What the server decodes is what it negotiates.
        let mut body = Vec::new();
        crate::frame::request::SerializableRequest::serialize(&n.startup, &mut body).unwrap();
        let decoded = Startup::deserialize(&mut &body[..]).unwrap();
        assert_eq!(decoded, n.startup);
        let sent: HashMap<String, String> = decoded
            .options
            .into_iter()
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        assert_eq!(
            ProtocolFeatures::negotiated_from_startup(&n.features, &sent),
            n.features
        );
    }

    #[test]
    fn plain_cassandra_without_compression_offer() {
        let s = supported(&[
            ("CQL_VERSION", &["3.4.7"]),
            ("PROTOCOL_VERSIONS", &["4/v4"]),
        ]);
        let n = negotiate_startup_options(&s, Some(Compression::Lz4), &StartupIdentity::default());
        assert_eq!(n.compression, None);
        assert_eq!(n.features, ProtocolFeatures::default());
        assert_eq!(n.startup.options.len(), 1);
        assert_eq!(n.startup.options["CQL_VERSION"], "3.4.7");
    }

    #[test]
    fn unusable_cql_versions_fall_back_to_the_default() {
        for s in [
            supported(&[]),
            supported(&[("CQL_VERSION", &[])]),
            supported(&[("CQL_VERSION", &["three", "3.x"])]),
        ] {
            let n = negotiate_startup_options(&s, None, &StartupIdentity::default());
            assert_eq!(
                n.startup.options["CQL_VERSION"],
                super::super::options::DEFAULT_CQL_PROTOCOL_VERSION
            );
            assert!(!n.startup.options.contains_key("COMPRESSION"));
        }
        // Unparsable entries are skipped, not fatal.
        let s = supported(&[
            ("CQL_VERSION", &["junk", "3.0.0"]),
            ("COMPRESSION", &["LZ4"]),
        ]);
        let n = negotiate_startup_options(&s, Some(Compression::Lz4), &StartupIdentity::default());
        assert_eq!(n.startup.options["CQL_VERSION"], "3.0.0");
        assert_eq!(n.startup.options["COMPRESSION"], "lz4");
        assert_eq!(n.compression, Some(Compression::Lz4));
    }
}
