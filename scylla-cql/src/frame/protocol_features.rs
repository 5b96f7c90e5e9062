//! ScyllaDB protocol extensions (`spec/scylla_protocol_extensions.md`): which ones a
//! server offers in SUPPORTED, and the STARTUP options that turn them on.

use std::borrow::Cow;
use std::collections::HashMap;

/// Key of the rate-limit error extension.
pub const RATE_LIMIT_ERROR_EXTENSION: &str = "SCYLLA_RATE_LIMIT_ERROR";
/// Parameter of [`RATE_LIMIT_ERROR_EXTENSION`] carrying the error code.
pub const RATE_LIMIT_ERROR_CODE_KEY: &str = "ERROR_CODE";
/// Key of the LWT metadata mark extension.
pub const SCYLLA_LWT_ADD_METADATA_MARK_EXTENSION: &str = "SCYLLA_LWT_ADD_METADATA_MARK";
/// Parameter of [`SCYLLA_LWT_ADD_METADATA_MARK_EXTENSION`] carrying the bit mask.
pub const LWT_OPTIMIZATION_META_BIT_MASK_KEY: &str = "LWT_OPTIMIZATION_META_BIT_MASK";
/// Key of the tablets routing v1 extension.
pub const TABLETS_ROUTING_V1_KEY: &str = "TABLETS_ROUTING_V1";
/// Key of the (experimental) tablets routing v2 extension.
pub const TABLETS_ROUTING_V2_KEY: &str = "TABLETS_ROUTING_V2_EXPERIMENTAL_V2";
/// Key of the metadata-id extension.
pub const SCYLLA_USE_METADATA_ID_KEY: &str = "SCYLLA_USE_METADATA_ID";
/// The custom payload key under which tablet routing information arrives.
pub const TABLETS_ROUTING_V1_CUSTOM_PAYLOAD_KEY: &str = "tablets-routing-v1";

/// The ScyllaDB extensions negotiated on one connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct ProtocolFeatures {
    /// The error code the server uses for the rate-limit error, if negotiated.
    pub rate_limit_error: Option<i32>,
    /// The bit of the prepared-metadata flags that marks an LWT statement.
    pub lwt_optimization_meta_bit_mask: Option<u32>,
    /// Whether result metadata ids are used in protocol v4 (SCYLLA_USE_METADATA_ID).
    pub scylla_metadata_id_supported: bool,
    /// Whether the server sends tablet routing information (TABLETS_ROUTING_V1).
    pub tablets_v1_supported: bool,
    /// Tablets routing v2. Never negotiated by this crate: it changes the EXECUTE body
    /// (a tablet-version byte), which our requests do not carry.
    pub tablets_v2_supported: bool,
}

impl ProtocolFeatures {
    /// The extensions offered in a SUPPORTED message that this crate can use.
    pub fn parse_from_supported(supported: &HashMap<String, Vec<String>>) -> Self {
        Self {
            rate_limit_error: Self::param(
                supported,
                RATE_LIMIT_ERROR_EXTENSION,
                RATE_LIMIT_ERROR_CODE_KEY,
            )
            .and_then(|v| v.parse::<i32>().ok()),
            lwt_optimization_meta_bit_mask: Self::param(
                supported,
                SCYLLA_LWT_ADD_METADATA_MARK_EXTENSION,
                LWT_OPTIMIZATION_META_BIT_MASK_KEY,
            )
            .and_then(|v| v.parse::<u32>().ok()),
            scylla_metadata_id_supported: supported.contains_key(SCYLLA_USE_METADATA_ID_KEY),
            tablets_v1_supported: supported.contains_key(TABLETS_ROUTING_V1_KEY),
            tablets_v2_supported: false,
        }
    }

    /// Finds `PARAM=value` among the values of `key`.
    fn param<'a>(
        supported: &'a HashMap<String, Vec<String>>,
        key: &str,
        param: &str,
    ) -> Option<&'a str> {
        supported.get(key)?.iter().find_map(|kv| {
            let (k, v) = kv.split_once('=')?;
            (k == param).then_some(v)
        })
    }

    /// Adds to `options` the STARTUP entries that enable these extensions.
    pub fn add_startup_options(&self, options: &mut HashMap<Cow<'_, str>, Cow<'_, str>>) {
        if self.rate_limit_error.is_some() {
            options.insert(Cow::Borrowed(RATE_LIMIT_ERROR_EXTENSION), Cow::Borrowed(""));
        }
        if let Some(mask) = self.lwt_optimization_meta_bit_mask {
            options.insert(
                Cow::Borrowed(SCYLLA_LWT_ADD_METADATA_MARK_EXTENSION),
                Cow::Owned(format!("{LWT_OPTIMIZATION_META_BIT_MASK_KEY}={mask}")),
            );
        }
        if self.tablets_v1_supported {
            options.insert(Cow::Borrowed(TABLETS_ROUTING_V1_KEY), Cow::Borrowed(""));
        }
        if self.scylla_metadata_id_supported {
            options.insert(Cow::Borrowed(SCYLLA_USE_METADATA_ID_KEY), Cow::Borrowed(""));
        }
    }

    /// Whether prepared-metadata `flags` carry the LWT mark.
    pub fn prepared_flags_contain_lwt_mark(&self, flags: u32) -> bool {
        self.lwt_optimization_meta_bit_mask
            .is_some_and(|mask| flags & mask == mask && mask != 0)
    }

    /// The extensions a server enabled for a connection, read from the STARTUP
    /// options a client sent (the server side of the negotiation). `server` is what
    /// the server offered; only extensions both sides name are enabled.
    pub fn negotiated_from_startup(
        server: &ProtocolFeatures,
        startup_options: &HashMap<String, String>,
    ) -> Self {
        Self {
            rate_limit_error: server
                .rate_limit_error
                .filter(|_| startup_options.contains_key(RATE_LIMIT_ERROR_EXTENSION)),
            lwt_optimization_meta_bit_mask: server
                .lwt_optimization_meta_bit_mask
                .filter(|_| startup_options.contains_key(SCYLLA_LWT_ADD_METADATA_MARK_EXTENSION)),
            scylla_metadata_id_supported: server.scylla_metadata_id_supported
                && startup_options.contains_key(SCYLLA_USE_METADATA_ID_KEY),
            tablets_v1_supported: server.tablets_v1_supported
                && startup_options.contains_key(TABLETS_ROUTING_V1_KEY),
            tablets_v2_supported: false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn supported() -> HashMap<String, Vec<String>> {
        let mut m = HashMap::new();
        m.insert(
            "SCYLLA_RATE_LIMIT_ERROR".to_owned(),
            vec!["ERROR_CODE=61440".to_owned()],
        );
        m.insert(
            "SCYLLA_LWT_ADD_METADATA_MARK".to_owned(),
            vec!["LWT_OPTIMIZATION_META_BIT_MASK=2147483648".to_owned()],
        );
        m.insert("TABLETS_ROUTING_V1".to_owned(), vec![]);
        m.insert("SCYLLA_USE_METADATA_ID".to_owned(), vec![]);
        m.insert("COMPRESSION".to_owned(), vec!["lz4".to_owned()]);
        m
    }

    #[test]
    fn parses_and_builds_startup() {
        let f = ProtocolFeatures::parse_from_supported(&supported());
        assert_eq!(f.rate_limit_error, Some(61440));
        assert_eq!(f.lwt_optimization_meta_bit_mask, Some(0x8000_0000));
        assert!(f.tablets_v1_supported && f.scylla_metadata_id_supported);
        assert!(f.prepared_flags_contain_lwt_mark(0x8000_0001));
        assert!(!f.prepared_flags_contain_lwt_mark(1));

        let mut opts = HashMap::new();
        f.add_startup_options(&mut opts);
        assert_eq!(opts["SCYLLA_RATE_LIMIT_ERROR"], "");
        assert_eq!(
            opts["SCYLLA_LWT_ADD_METADATA_MARK"],
            "LWT_OPTIMIZATION_META_BIT_MASK=2147483648"
        );
        assert!(opts.contains_key("TABLETS_ROUTING_V1"));
        assert!(opts.contains_key("SCYLLA_USE_METADATA_ID"));

        let startup: HashMap<String, String> = opts
            .into_iter()
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        assert_eq!(ProtocolFeatures::negotiated_from_startup(&f, &startup), f);
        assert_eq!(
            ProtocolFeatures::negotiated_from_startup(&f, &HashMap::new()),
            ProtocolFeatures::default()
        );
    }

    #[test]
    fn plain_cassandra_has_no_features() {
        let f = ProtocolFeatures::parse_from_supported(&HashMap::new());
        assert_eq!(f, ProtocolFeatures::default());
        let mut opts = HashMap::new();
        f.add_startup_options(&mut opts);
        assert!(opts.is_empty());
    }
}
