//! SUPPORTED (spec section 4.2.4) and a typed view of ScyllaDB's sharding options
//! (`spec/scylla_protocol_extensions.md`, "Intranode sharding").

use std::collections::HashMap;
use std::num::NonZeroU16;

use uuid::Uuid;

use crate::frame::protocol_features::ProtocolFeatures;
use crate::frame::types;

use super::parse_errors::{
    CqlResponseSerializationError, CqlSupportedParseError, ShardingInfoParseError,
};

/// `SCYLLA_SHARD`: the shard this connection belongs to.
pub const SCYLLA_SHARD: &str = "SCYLLA_SHARD";
/// `SCYLLA_NR_SHARDS`: the number of shards of the node.
pub const SCYLLA_NR_SHARDS: &str = "SCYLLA_NR_SHARDS";
/// `SCYLLA_SHARDING_IGNORE_MSB`: the parameter of the sharding algorithm.
pub const SCYLLA_SHARDING_IGNORE_MSB: &str = "SCYLLA_SHARDING_IGNORE_MSB";
/// `SCYLLA_PARTITIONER`: the partitioner's class name.
pub const SCYLLA_PARTITIONER: &str = "SCYLLA_PARTITIONER";
/// `SCYLLA_SHARDING_ALGORITHM`: how tokens map to shards.
pub const SCYLLA_SHARDING_ALGORITHM: &str = "SCYLLA_SHARDING_ALGORITHM";
/// `SCYLLA_SHARD_AWARE_PORT`: the shard-aware CQL port.
pub const SCYLLA_SHARD_AWARE_PORT: &str = "SCYLLA_SHARD_AWARE_PORT";
/// `SCYLLA_SHARD_AWARE_PORT_SSL`: the shard-aware CQL port with TLS.
pub const SCYLLA_SHARD_AWARE_PORT_SSL: &str = "SCYLLA_SHARD_AWARE_PORT_SSL";
/// `SCYLLA_HOST_ID`: the host id of the node.
pub const SCYLLA_HOST_ID: &str = "SCYLLA_HOST_ID";
/// The only sharding algorithm defined by ScyllaDB.
pub const BIASED_TOKEN_ROUND_ROBIN: &str = "biased-token-round-robin";
/// The partitioner ScyllaDB (and Cassandra) use by default.
pub const MURMUR3_PARTITIONER: &str = "org.apache.cassandra.dht.Murmur3Partitioner";

/// SUPPORTED: the STARTUP options the server supports, with their possible values.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Supported {
    /// Each option and the values it may take.
    pub options: HashMap<String, Vec<String>>,
}

impl Supported {
    /// Parses a SUPPORTED body.
    pub fn deserialize(buf: &mut &[u8]) -> Result<Self, CqlSupportedParseError> {
        let options = types::read_string_multimap(buf)
            .map_err(CqlSupportedParseError::OptionsMapDeserialization)?;
        Ok(Self { options })
    }

    /// Appends a SUPPORTED body. Keys are written in sorted order, so the bytes are
    /// deterministic.
    pub fn serialize(&self, buf: &mut Vec<u8>) -> Result<(), CqlResponseSerializationError> {
        let mut entries: Vec<(&String, &Vec<String>)> = self.options.iter().collect();
        entries.sort_by(|a, b| a.0.cmp(b.0));
        types::write_string_multimap(entries, buf).map_err(|source| {
            CqlResponseSerializationError::TooLong {
                what: "SUPPORTED options",
                source,
            }
        })
    }

    /// The ScyllaDB extensions offered here that this crate understands.
    pub fn protocol_features(&self) -> ProtocolFeatures {
        ProtocolFeatures::parse_from_supported(&self.options)
    }

    /// ScyllaDB's sharding options: `Ok(None)` when the server sent none of them
    /// (Cassandra, or ScyllaDB with sharding info disabled), an error when they are
    /// present but incomplete or malformed.
    pub fn sharding_info(&self) -> Result<Option<ScyllaShardingInfo>, ShardingInfoParseError> {
        ScyllaShardingInfo::from_supported(&self.options)
    }

    /// The `SCYLLA_HOST_ID` of the node, if it sent one.
    pub fn host_id(&self) -> Result<Option<Uuid>, ShardingInfoParseError> {
        let Some(v) = single_value(&self.options, SCYLLA_HOST_ID)? else {
            return Ok(None);
        };
        Uuid::parse_str(v)
            .map(Some)
            .map_err(|_| ShardingInfoParseError::InvalidValue {
                key: SCYLLA_HOST_ID,
                value: v.to_owned(),
                reason: "not a UUID",
            })
    }
}

/// ScyllaDB's sharding options of one connection, as sent in SUPPORTED.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScyllaShardingInfo {
    /// The shard this connection belongs to (`SCYLLA_SHARD`), below `nr_shards`.
    pub shard: u16,
    /// The node's number of shards (`SCYLLA_NR_SHARDS`).
    pub nr_shards: NonZeroU16,
    /// The sharding algorithm's parameter (`SCYLLA_SHARDING_IGNORE_MSB`), 0..=63.
    pub msb_ignore: u8,
    /// The partitioner's class name (`SCYLLA_PARTITIONER`), if sent.
    pub partitioner: Option<String>,
    /// The sharding algorithm (`SCYLLA_SHARDING_ALGORITHM`), if sent.
    pub sharding_algorithm: Option<String>,
    /// The shard-aware port (`SCYLLA_SHARD_AWARE_PORT`), if the node has one.
    pub shard_aware_port: Option<u16>,
    /// The TLS shard-aware port (`SCYLLA_SHARD_AWARE_PORT_SSL`), if the node has one.
    pub shard_aware_port_ssl: Option<u16>,
}

fn single_value<'a>(
    options: &'a HashMap<String, Vec<String>>,
    key: &'static str,
) -> Result<Option<&'a str>, ShardingInfoParseError> {
    match options.get(key).map(Vec::as_slice) {
        None => Ok(None),
        Some([v]) => Ok(Some(v.as_str())),
        Some(vs) => Err(ShardingInfoParseError::NotSingleValue {
            key,
            count: vs.len(),
        }),
    }
}

fn parse_number<T: std::str::FromStr>(
    key: &'static str,
    value: &str,
    reason: &'static str,
) -> Result<T, ShardingInfoParseError> {
    value
        .parse::<T>()
        .map_err(|_| ShardingInfoParseError::InvalidValue {
            key,
            value: value.to_owned(),
            reason,
        })
}

fn parse_port(
    options: &HashMap<String, Vec<String>>,
    key: &'static str,
) -> Result<Option<u16>, ShardingInfoParseError> {
    let Some(v) = single_value(options, key)? else {
        return Ok(None);
    };
    let port: u16 = parse_number(key, v, "not a port number (1..=65535)")?;
    if port == 0 {
        return Err(ShardingInfoParseError::InvalidValue {
            key,
            value: v.to_owned(),
            reason: "port 0 is not a listening port",
        });
    }
    Ok(Some(port))
}

impl ScyllaShardingInfo {
    /// Reads the sharding options of a SUPPORTED map; see
    /// [`Supported::sharding_info`].
    pub fn from_supported(
        options: &HashMap<String, Vec<String>>,
    ) -> Result<Option<Self>, ShardingInfoParseError> {
        let shard = single_value(options, SCYLLA_SHARD)?;
        let nr_shards = single_value(options, SCYLLA_NR_SHARDS)?;
        let msb_ignore = single_value(options, SCYLLA_SHARDING_IGNORE_MSB)?;
        let (shard, nr_shards, msb_ignore) = match (shard, nr_shards, msb_ignore) {
            (None, None, None) => return Ok(None),
            (Some(s), Some(n), Some(m)) => (s, n, m),
            (None, _, _) => return Err(ShardingInfoParseError::MissingKey(SCYLLA_SHARD)),
            (_, None, _) => return Err(ShardingInfoParseError::MissingKey(SCYLLA_NR_SHARDS)),
            (_, _, None) => {
                return Err(ShardingInfoParseError::MissingKey(
                    SCYLLA_SHARDING_IGNORE_MSB,
                ));
            }
        };
        let shard: u16 = parse_number(SCYLLA_SHARD, shard, "not a shard number (0..=65535)")?;
        let nr: u16 = parse_number(SCYLLA_NR_SHARDS, nr_shards, "not a shard count (1..=65535)")?;
        let nr_shards =
            NonZeroU16::new(nr).ok_or_else(|| ShardingInfoParseError::InvalidValue {
                key: SCYLLA_NR_SHARDS,
                value: nr_shards.to_owned(),
                reason: "a node has at least one shard",
            })?;
        let msb: u8 = parse_number(
            SCYLLA_SHARDING_IGNORE_MSB,
            msb_ignore,
            "not a bit count (0..=63)",
        )?;
        if msb > 63 {
            return Err(ShardingInfoParseError::InvalidValue {
                key: SCYLLA_SHARDING_IGNORE_MSB,
                value: msb_ignore.to_owned(),
                reason: "not a bit count (0..=63)",
            });
        }
        if shard >= nr {
            return Err(ShardingInfoParseError::ShardOutOfRange {
                shard,
                nr_shards: nr,
            });
        }
        Ok(Some(Self {
            shard,
            nr_shards,
            msb_ignore: msb,
            partitioner: single_value(options, SCYLLA_PARTITIONER)?.map(str::to_owned),
            sharding_algorithm: single_value(options, SCYLLA_SHARDING_ALGORITHM)?
                .map(str::to_owned),
            shard_aware_port: parse_port(options, SCYLLA_SHARD_AWARE_PORT)?,
            shard_aware_port_ssl: parse_port(options, SCYLLA_SHARD_AWARE_PORT_SSL)?,
        }))
    }

    /// Writes these options into a SUPPORTED map (the server side), replacing any
    /// previous sharding entries. Options that are `None` are removed.
    pub fn write_to_supported(&self, options: &mut HashMap<String, Vec<String>>) {
        let mut set = |key: &str, value: Option<String>| match value {
            Some(v) => {
                options.insert(key.to_owned(), vec![v]);
            }
            None => {
                options.remove(key);
            }
        };
        set(SCYLLA_SHARD, Some(self.shard.to_string()));
        set(SCYLLA_NR_SHARDS, Some(self.nr_shards.to_string()));
        set(
            SCYLLA_SHARDING_IGNORE_MSB,
            Some(self.msb_ignore.to_string()),
        );
        set(SCYLLA_PARTITIONER, self.partitioner.clone());
        set(SCYLLA_SHARDING_ALGORITHM, self.sharding_algorithm.clone());
        set(
            SCYLLA_SHARD_AWARE_PORT,
            self.shard_aware_port.map(|p| p.to_string()),
        );
        set(
            SCYLLA_SHARD_AWARE_PORT_SSL,
            self.shard_aware_port_ssl.map(|p| p.to_string()),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts(pairs: &[(&str, &str)]) -> HashMap<String, Vec<String>> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), vec![v.to_string()]))
            .collect()
    }

    #[test]
    fn reads_real_scylla_options() {
        let s = Supported {
            options: opts(&[
                ("SCYLLA_SHARD", "3"),
                ("SCYLLA_NR_SHARDS", "12"),
                ("SCYLLA_SHARDING_IGNORE_MSB", "12"),
                ("SCYLLA_PARTITIONER", MURMUR3_PARTITIONER),
                ("SCYLLA_SHARDING_ALGORITHM", BIASED_TOKEN_ROUND_ROBIN),
                ("SCYLLA_SHARD_AWARE_PORT", "19042"),
                ("SCYLLA_SHARD_AWARE_PORT_SSL", "19142"),
                ("SCYLLA_HOST_ID", "6b4a9d0c-1c2f-4a55-9d3e-2d6a0f1b7c11"),
            ]),
        };
        let info = s.sharding_info().unwrap().unwrap();
        assert_eq!(info.shard, 3);
        assert_eq!(info.nr_shards.get(), 12);
        assert_eq!(info.msb_ignore, 12);
        assert_eq!(info.shard_aware_port, Some(19042));
        assert_eq!(info.shard_aware_port_ssl, Some(19142));
        assert_eq!(
            info.sharding_algorithm.as_deref(),
            Some(BIASED_TOKEN_ROUND_ROBIN)
        );
        assert!(s.host_id().unwrap().is_some());

        let mut back = HashMap::new();
        info.write_to_supported(&mut back);
        assert_eq!(
            ScyllaShardingInfo::from_supported(&back).unwrap(),
            Some(info)
        );
    }

    #[test]
    fn cassandra_has_none() {
        let s = Supported {
            options: opts(&[("CQL_VERSION", "3.4.5")]),
        };
        assert_eq!(s.sharding_info().unwrap(), None);
        assert_eq!(s.host_id().unwrap(), None);
    }

    #[test]
    fn malformed_values_are_clear_errors() {
        let base = [
            ("SCYLLA_SHARD", "1"),
            ("SCYLLA_NR_SHARDS", "2"),
            ("SCYLLA_SHARDING_IGNORE_MSB", "12"),
        ];
        let with = |k: &str, v: &str| {
            let mut o = opts(&base);
            o.insert(k.to_owned(), vec![v.to_owned()]);
            ScyllaShardingInfo::from_supported(&o)
        };
        assert!(matches!(
            with("SCYLLA_NR_SHARDS", "0"),
            Err(ShardingInfoParseError::InvalidValue {
                key: "SCYLLA_NR_SHARDS",
                ..
            })
        ));
        assert_eq!(
            with("SCYLLA_SHARD", "2"),
            Err(ShardingInfoParseError::ShardOutOfRange {
                shard: 2,
                nr_shards: 2
            })
        );
        assert!(with("SCYLLA_SHARD", "-1").is_err());
        assert!(with("SCYLLA_SHARDING_IGNORE_MSB", "64").is_err());
        assert!(with("SCYLLA_SHARD_AWARE_PORT", "70000").is_err());
        assert!(with("SCYLLA_SHARD_AWARE_PORT", "0").is_err());
        let e = with("SCYLLA_SHARD", "x").unwrap_err();
        assert!(e.to_string().contains("SCYLLA_SHARD"), "{e}");

        let mut o = opts(&base);
        o.remove("SCYLLA_NR_SHARDS");
        assert_eq!(
            ScyllaShardingInfo::from_supported(&o),
            Err(ShardingInfoParseError::MissingKey("SCYLLA_NR_SHARDS"))
        );
        let mut o = opts(&base);
        o.insert("SCYLLA_SHARD".into(), vec!["1".into(), "2".into()]);
        assert_eq!(
            ScyllaShardingInfo::from_supported(&o),
            Err(ShardingInfoParseError::NotSingleValue {
                key: "SCYLLA_SHARD",
                count: 2
            })
        );
    }

    #[test]
    fn serialization_is_sorted_and_round_trips() {
        let s = Supported {
            options: opts(&[("B", "2"), ("A", "1")]),
        };
        let mut buf = Vec::new();
        s.serialize(&mut buf).unwrap();
        assert_eq!(
            buf,
            [
                0, 2, 0, 1, b'A', 0, 1, 0, 1, b'1', 0, 1, b'B', 0, 1, 0, 1, b'2'
            ]
        );
        assert_eq!(Supported::deserialize(&mut &buf[..]).unwrap(), s);
    }
}
