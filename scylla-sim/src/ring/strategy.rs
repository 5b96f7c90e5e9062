//! Replication strategies and their parsing from a keyspace's replication map.

use std::collections::BTreeMap;

use super::topology::Topology;

const LOCATOR_PACKAGE: &str = "org.apache.cassandra.locator.";
const SIMPLE: &str = "SimpleStrategy";
const NETWORK_TOPOLOGY: &str = "NetworkTopologyStrategy";
const LOCAL: &str = "LocalStrategy";
const EVERYWHERE: &str = "EverywhereStrategy";
const REPLICATION_FACTOR: &str = "replication_factor";
const CLASS: &str = "class";

/// How a keyspace's partitions are replicated.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ReplicationStrategy {
    /// `SimpleStrategy`: the owner of the token and the next distinct nodes clockwise,
    /// ignoring datacenters and racks.
    Simple {
        /// The number of replicas.
        replication_factor: usize,
    },
    /// `NetworkTopologyStrategy`: a number of replicas per datacenter, placed on distinct
    /// racks first.
    NetworkTopology {
        /// Replicas per datacenter name.
        datacenters: BTreeMap<String, usize>,
    },
    /// `LocalStrategy`: the data lives only on the node that coordinates the request
    /// (system keyspaces).
    Local,
    /// `EverywhereStrategy` (ScyllaDB): every node is a replica.
    Everywhere,
}

/// A replication map that does not describe a valid strategy.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReplicationConfigError {
    /// The map has no `class` entry.
    #[error("Missing replication strategy class")]
    MissingClass,
    /// The class is not one this cluster knows.
    #[error("Unable to find replication strategy class '{0}'")]
    UnknownClass(String),
    /// `SimpleStrategy` without `replication_factor`.
    #[error("SimpleStrategy requires a replication_factor strategy option.")]
    MissingReplicationFactor,
    /// A replication factor that is not a non-negative integer.
    #[error("Replication factor for '{option}' must be a non-negative integer, found '{value}'")]
    BadReplicationFactor {
        /// The option (`replication_factor` or a datacenter name).
        option: String,
        /// The value given.
        value: String,
    },
    /// A replication factor in Cassandra's transient-replication form (`"3/1"`).
    #[error("Transient replication ('{value}' for '{option}') is not supported")]
    TransientReplication {
        /// The option.
        option: String,
        /// The value given.
        value: String,
    },
    /// An option the strategy does not take.
    #[error("Unrecognized strategy option {{{option}}} passed to {class}")]
    UnrecognizedOption {
        /// The option.
        option: String,
        /// The strategy's short class name.
        class: &'static str,
    },
    /// The same option appears twice.
    #[error("Replication option '{0}' is given more than once")]
    DuplicateOption(String),
    /// `NetworkTopologyStrategy` without any datacenter.
    #[error("Configuration for at least one datacenter must be present")]
    NoDatacenters,
    /// `NetworkTopologyStrategy` with `replication_factor` but no known datacenters to
    /// expand it to.
    #[error(
        "replication_factor for NetworkTopologyStrategy needs the list of datacenters to expand it to; name the datacenters instead"
    )]
    ReplicationFactorWithoutDatacenters,
}

impl ReplicationStrategy {
    /// Parses a replication map such as `{'class': 'SimpleStrategy', 'replication_factor':
    /// '3'}` or `{'class': 'NetworkTopologyStrategy', 'dc1': '3', 'dc2': '2'}`.
    ///
    /// The class may be the short name or the fully-qualified one
    /// (`org.apache.cassandra.locator.SimpleStrategy`); names are case-sensitive.
    /// Replication factors are non-negative decimal integers (surrounding spaces allowed).
    /// A `replication_factor` option of `NetworkTopologyStrategy` is refused here because
    /// expanding it needs the cluster's datacenters; use
    /// [`from_replication_map_with_datacenters`](Self::from_replication_map_with_datacenters).
    /// Datacenter names are not checked against the cluster (a datacenter without nodes
    /// simply gets no replicas).
    pub fn from_replication_map<I, K, V>(map: I) -> Result<Self, ReplicationConfigError>
    where
        I: IntoIterator<Item = (K, V)>,
        K: AsRef<str>,
        V: AsRef<str>,
    {
        Self::parse(map, None)
    }

    /// Like [`from_replication_map`](Self::from_replication_map), but a
    /// `replication_factor` option of `NetworkTopologyStrategy` is expanded (as Cassandra 4
    /// and ScyllaDB do) to every datacenter of `datacenters` that the map does not name.
    pub fn from_replication_map_with_datacenters<I, K, V>(
        map: I,
        datacenters: &[&str],
    ) -> Result<Self, ReplicationConfigError>
    where
        I: IntoIterator<Item = (K, V)>,
        K: AsRef<str>,
        V: AsRef<str>,
    {
        Self::parse(map, Some(datacenters))
    }

    fn parse<I, K, V>(map: I, datacenters: Option<&[&str]>) -> Result<Self, ReplicationConfigError>
    where
        I: IntoIterator<Item = (K, V)>,
        K: AsRef<str>,
        V: AsRef<str>,
    {
        let mut options: BTreeMap<String, String> = BTreeMap::new();
        for (key, value) in map {
            let key = key.as_ref();
            if options
                .insert(key.to_owned(), value.as_ref().to_owned())
                .is_some()
            {
                return Err(ReplicationConfigError::DuplicateOption(key.to_owned()));
            }
        }
        let class = options
            .remove(CLASS)
            .ok_or(ReplicationConfigError::MissingClass)?;
        let short = class.strip_prefix(LOCATOR_PACKAGE).unwrap_or(&class);
        match short {
            SIMPLE => {
                let rf = options
                    .remove(REPLICATION_FACTOR)
                    .ok_or(ReplicationConfigError::MissingReplicationFactor)?;
                reject_leftovers(&options, SIMPLE)?;
                Ok(ReplicationStrategy::Simple {
                    replication_factor: parse_rf(REPLICATION_FACTOR, &rf)?,
                })
            }
            NETWORK_TOPOLOGY => {
                let default_rf = match options.remove(REPLICATION_FACTOR) {
                    None => None,
                    Some(value) => Some(parse_rf(REPLICATION_FACTOR, &value)?),
                };
                let mut dcs = BTreeMap::new();
                for (dc, value) in &options {
                    dcs.insert(dc.clone(), parse_rf(dc, value)?);
                }
                if let Some(rf) = default_rf {
                    let known = datacenters
                        .ok_or(ReplicationConfigError::ReplicationFactorWithoutDatacenters)?;
                    for dc in known {
                        dcs.entry((*dc).to_owned()).or_insert(rf);
                    }
                }
                if dcs.is_empty() {
                    return Err(ReplicationConfigError::NoDatacenters);
                }
                Ok(ReplicationStrategy::NetworkTopology { datacenters: dcs })
            }
            LOCAL => {
                reject_leftovers(&options, LOCAL)?;
                Ok(ReplicationStrategy::Local)
            }
            EVERYWHERE => {
                reject_leftovers(&options, EVERYWHERE)?;
                Ok(ReplicationStrategy::Everywhere)
            }
            _ => Err(ReplicationConfigError::UnknownClass(class)),
        }
    }

    /// The fully-qualified class name, as `system_schema.keyspaces.replication` shows it.
    pub fn class_name(&self) -> &'static str {
        match self {
            ReplicationStrategy::Simple { .. } => "org.apache.cassandra.locator.SimpleStrategy",
            ReplicationStrategy::NetworkTopology { .. } => {
                "org.apache.cassandra.locator.NetworkTopologyStrategy"
            }
            ReplicationStrategy::Local => "org.apache.cassandra.locator.LocalStrategy",
            ReplicationStrategy::Everywhere => "org.apache.cassandra.locator.EverywhereStrategy",
        }
    }

    /// The replication map as `system_schema.keyspaces.replication` shows it: the
    /// fully-qualified `class` and the options, numbers in decimal.
    pub fn to_replication_map(&self) -> BTreeMap<String, String> {
        let mut map = BTreeMap::new();
        map.insert(CLASS.to_owned(), self.class_name().to_owned());
        match self {
            ReplicationStrategy::Simple { replication_factor } => {
                map.insert(
                    REPLICATION_FACTOR.to_owned(),
                    replication_factor.to_string(),
                );
            }
            ReplicationStrategy::NetworkTopology { datacenters } => {
                for (dc, rf) in datacenters {
                    map.insert(dc.clone(), rf.to_string());
                }
            }
            ReplicationStrategy::Local | ReplicationStrategy::Everywhere => {}
        }
        map
    }

    /// The total replication factor, as consistency levels count it: the configured
    /// factor for `SimpleStrategy`, the sum over datacenters for
    /// `NetworkTopologyStrategy` (whether or not the datacenters have that many nodes),
    /// 1 for `LocalStrategy` and the number of nodes for `EverywhereStrategy`.
    pub fn replication_factor(&self, topology: &Topology) -> usize {
        match self {
            ReplicationStrategy::Simple { replication_factor } => *replication_factor,
            ReplicationStrategy::NetworkTopology { datacenters } => datacenters
                .values()
                .fold(0usize, |sum, rf| sum.saturating_add(*rf)),
            ReplicationStrategy::Local => 1,
            ReplicationStrategy::Everywhere => topology.node_count(),
        }
    }
}

fn reject_leftovers(
    options: &BTreeMap<String, String>,
    class: &'static str,
) -> Result<(), ReplicationConfigError> {
    match options.keys().next() {
        Some(option) => Err(ReplicationConfigError::UnrecognizedOption {
            option: option.clone(),
            class,
        }),
        None => Ok(()),
    }
}

fn parse_rf(option: &str, value: &str) -> Result<usize, ReplicationConfigError> {
    let trimmed = value.trim();
    if trimmed.contains('/') {
        return Err(ReplicationConfigError::TransientReplication {
            option: option.to_owned(),
            value: value.to_owned(),
        });
    }
    let bad = || ReplicationConfigError::BadReplicationFactor {
        option: option.to_owned(),
        value: value.to_owned(),
    };
    if trimmed.is_empty() || !trimmed.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    trimmed.parse::<usize>().map_err(|_| bad())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(pairs: &[(&str, &str)]) -> Result<ReplicationStrategy, ReplicationConfigError> {
        ReplicationStrategy::from_replication_map(pairs.iter().copied())
    }

    fn nts(pairs: &[(&str, usize)]) -> ReplicationStrategy {
        ReplicationStrategy::NetworkTopology {
            datacenters: pairs.iter().map(|(k, v)| ((*k).to_owned(), *v)).collect(),
        }
    }

    #[test]
    fn simple() {
        let expected = ReplicationStrategy::Simple {
            replication_factor: 3,
        };
        assert_eq!(
            parse(&[("class", "SimpleStrategy"), ("replication_factor", "3")]),
            Ok(expected.clone())
        );
        assert_eq!(
            parse(&[
                ("replication_factor", " 3 "),
                ("class", "org.apache.cassandra.locator.SimpleStrategy")
            ]),
            Ok(expected.clone())
        );
        assert_eq!(
            parse(&[("class", "SimpleStrategy"), ("replication_factor", "0")]),
            Ok(ReplicationStrategy::Simple {
                replication_factor: 0
            })
        );
        let map = expected.to_replication_map();
        assert_eq!(
            map.get("class").map(String::as_str),
            Some("org.apache.cassandra.locator.SimpleStrategy")
        );
        assert_eq!(map.get("replication_factor").map(String::as_str), Some("3"));
        assert_eq!(map.len(), 2);
        // Round trip.
        assert_eq!(
            ReplicationStrategy::from_replication_map(&map),
            Ok(expected)
        );
    }

    #[test]
    fn simple_errors() {
        assert_eq!(
            parse(&[("class", "SimpleStrategy")]),
            Err(ReplicationConfigError::MissingReplicationFactor)
        );
        for bad in ["-1", "three", "", "1.5", "+3", "99999999999999999999999"] {
            assert_eq!(
                parse(&[("class", "SimpleStrategy"), ("replication_factor", bad)]),
                Err(ReplicationConfigError::BadReplicationFactor {
                    option: "replication_factor".into(),
                    value: bad.into()
                }),
                "{bad}"
            );
        }
        assert!(matches!(
            parse(&[("class", "SimpleStrategy"), ("replication_factor", "3/1")]),
            Err(ReplicationConfigError::TransientReplication { .. })
        ));
        assert_eq!(
            parse(&[
                ("class", "SimpleStrategy"),
                ("replication_factor", "3"),
                ("dc1", "3")
            ]),
            Err(ReplicationConfigError::UnrecognizedOption {
                option: "dc1".into(),
                class: "SimpleStrategy"
            })
        );
        let err = parse(&[("class", "SimpleStrategy"), ("replication_factor", "x")])
            .unwrap_err()
            .to_string();
        assert!(err.contains("'x'"), "{err}");
    }

    #[test]
    fn network_topology() {
        assert_eq!(
            parse(&[
                ("class", "NetworkTopologyStrategy"),
                ("dc1", "3"),
                ("dc2", "2")
            ]),
            Ok(nts(&[("dc1", 3), ("dc2", 2)]))
        );
        assert_eq!(
            parse(&[
                (
                    "class",
                    "org.apache.cassandra.locator.NetworkTopologyStrategy"
                ),
                ("dc1", "0")
            ]),
            Ok(nts(&[("dc1", 0)]))
        );
        assert_eq!(
            parse(&[("class", "NetworkTopologyStrategy")]),
            Err(ReplicationConfigError::NoDatacenters)
        );
        assert_eq!(
            parse(&[
                ("class", "NetworkTopologyStrategy"),
                ("replication_factor", "3")
            ]),
            Err(ReplicationConfigError::ReplicationFactorWithoutDatacenters)
        );
        assert_eq!(
            ReplicationStrategy::from_replication_map_with_datacenters(
                [
                    ("class", "NetworkTopologyStrategy"),
                    ("replication_factor", "3"),
                    ("dc2", "1")
                ],
                &["dc1", "dc2", "dc3"]
            ),
            Ok(nts(&[("dc1", 3), ("dc2", 1), ("dc3", 3)]))
        );
        assert_eq!(
            parse(&[("class", "NetworkTopologyStrategy"), ("dc1", "many")]),
            Err(ReplicationConfigError::BadReplicationFactor {
                option: "dc1".into(),
                value: "many".into()
            })
        );
        let s = nts(&[("dc1", 3), ("dc2", 2)]);
        let map = s.to_replication_map();
        assert_eq!(map.get("dc2").map(String::as_str), Some("2"));
        assert_eq!(ReplicationStrategy::from_replication_map(&map), Ok(s));
    }

    #[test]
    fn local_everywhere_and_class_errors() {
        assert_eq!(
            parse(&[("class", "LocalStrategy")]),
            Ok(ReplicationStrategy::Local)
        );
        assert_eq!(
            parse(&[("class", "org.apache.cassandra.locator.EverywhereStrategy")]),
            Ok(ReplicationStrategy::Everywhere)
        );
        assert!(matches!(
            parse(&[("class", "LocalStrategy"), ("replication_factor", "1")]),
            Err(ReplicationConfigError::UnrecognizedOption {
                class: "LocalStrategy",
                ..
            })
        ));
        assert_eq!(
            parse(&[("replication_factor", "1")]),
            Err(ReplicationConfigError::MissingClass)
        );
        assert_eq!(
            parse(&[("class", "simplestrategy"), ("replication_factor", "1")]),
            Err(ReplicationConfigError::UnknownClass(
                "simplestrategy".into()
            ))
        );
        assert_eq!(
            parse(&[
                ("class", "org.example.SimpleStrategy"),
                ("replication_factor", "1")
            ]),
            Err(ReplicationConfigError::UnknownClass(
                "org.example.SimpleStrategy".into()
            ))
        );
        assert_eq!(
            parse(&[("class", "LocalStrategy"), ("class", "LocalStrategy")]),
            Err(ReplicationConfigError::DuplicateOption("class".into()))
        );
        assert_eq!(ReplicationStrategy::Local.to_replication_map().len(), 1);
    }

    #[test]
    fn replication_factors() {
        let topology = Topology::new(0);
        assert_eq!(
            ReplicationStrategy::Simple {
                replication_factor: 3
            }
            .replication_factor(&topology),
            3
        );
        assert_eq!(nts(&[("a", 3), ("b", 2)]).replication_factor(&topology), 5);
        assert_eq!(
            nts(&[("a", usize::MAX), ("b", 2)]).replication_factor(&topology),
            usize::MAX
        );
        assert_eq!(ReplicationStrategy::Local.replication_factor(&topology), 1);
        assert_eq!(
            ReplicationStrategy::Everywhere.replication_factor(&topology),
            0
        );
    }
}
