//! Consistency-level arithmetic: how many replicas a request needs and whether enough
//! of them are alive, with Cassandra's semantics.

use scylla_cql::frame::types::Consistency;

use super::strategy::ReplicationStrategy;
use super::topology::{NodeId, Topology};

/// What one datacenter contributes to an `EACH_QUORUM` request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatacenterRequirement {
    /// The datacenter.
    pub datacenter: String,
    /// The replicas required there (its local quorum).
    pub required: usize,
    /// The live replicas there.
    pub alive: usize,
}

/// How many replicas a request at a consistency level needs, and how many are alive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsistencyRequirement {
    /// The consistency level.
    pub consistency: Consistency,
    /// The number of replicas that must answer (`blockFor`). For `EACH_QUORUM` under
    /// `NetworkTopologyStrategy` the sum of the per-datacenter quorums.
    pub required: usize,
    /// The live replicas that count toward `required`: for the `LOCAL_*` levels those in
    /// the coordinator's datacenter, for `EACH_QUORUM` under `NetworkTopologyStrategy` the
    /// sum over the datacenters in `per_datacenter`, otherwise all live replicas.
    pub alive: usize,
    /// For `EACH_QUORUM` under `NetworkTopologyStrategy`: one entry per datacenter with a
    /// positive replication factor, in name order. Empty otherwise.
    pub per_datacenter: Vec<DatacenterRequirement>,
}

/// Not enough live replicas for the consistency level: the content of the protocol's
/// `Unavailable` error.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "Cannot achieve consistency level {}{}: {required} replicas required, {alive} alive",
    consistency.as_str(),
    datacenter.as_deref().map(|dc| format!(" in datacenter {dc}")).unwrap_or_default()
)]
pub struct Unavailable {
    /// The consistency level of the request.
    pub consistency: Consistency,
    /// The replicas required.
    pub required: usize,
    /// The replicas alive.
    pub alive: usize,
    /// For `EACH_QUORUM`, the datacenter that lacks replicas.
    pub datacenter: Option<String>,
}

/// A quorum of `replication_factor` replicas: `rf / 2 + 1`.
pub fn quorum_for(replication_factor: usize) -> usize {
    replication_factor / 2 + 1
}

/// The quorum `LOCAL_QUORUM` and `LOCAL_SERIAL` require in `datacenter`: a quorum of that
/// datacenter's replication factor under `NetworkTopologyStrategy` (a datacenter the
/// strategy does not name has factor 0, so the requirement is 1), and a quorum of the
/// total factor under any other strategy.
pub fn local_quorum_for(
    strategy: &ReplicationStrategy,
    topology: &Topology,
    datacenter: &str,
) -> usize {
    match strategy {
        ReplicationStrategy::NetworkTopology { datacenters } => {
            quorum_for(datacenters.get(datacenter).copied().unwrap_or(0))
        }
        _ => quorum_for(strategy.replication_factor(topology)),
    }
}

/// Checks that a request at `consistency` can be served, Cassandra's
/// `assureSufficientLiveReplicas`.
///
/// `replicas` are the token's replicas (from [`Topology::replicas`] or a
/// [`ReplicaMap`](super::ReplicaMap)), `is_alive` says which nodes are up, and
/// `local_datacenter` is the coordinator's datacenter.
///
/// | level | required | alive counted among |
/// |---|---|---|
/// | `ANY` | 1 (never unavailable: a hint can always be stored) | all replicas |
/// | `ONE`, `TWO`, `THREE` | 1, 2, 3 | all replicas |
/// | `QUORUM`, `SERIAL` | `rf / 2 + 1`, `rf` the total factor | all replicas |
/// | `ALL` | `rf` | all replicas |
/// | `LOCAL_ONE` | 1 | replicas in the local datacenter |
/// | `LOCAL_QUORUM`, `LOCAL_SERIAL` | [`local_quorum_for`] the local datacenter | replicas in the local datacenter |
/// | `EACH_QUORUM` | per datacenter with a positive factor, its quorum (`NetworkTopologyStrategy`); `QUORUM` otherwise | replicas in each datacenter |
///
/// The total factor is [`ReplicationStrategy::replication_factor`], the configured one:
/// with `SimpleStrategy` RF 3 on two nodes, `ALL` needs 3 and is always unavailable,
/// as on a real cluster. Datacenters with factor 0 impose nothing on `EACH_QUORUM` (as
/// in ScyllaDB).
pub fn check_consistency(
    topology: &Topology,
    strategy: &ReplicationStrategy,
    replicas: &[NodeId],
    is_alive: impl Fn(NodeId) -> bool,
    local_datacenter: &str,
    consistency: Consistency,
) -> Result<ConsistencyRequirement, Unavailable> {
    let in_dc = |id: NodeId, dc: &str| topology.node(id).is_some_and(|n| n.datacenter() == dc);
    let live_total = replicas.iter().filter(|&&id| is_alive(id)).count();
    let live_local = replicas
        .iter()
        .filter(|&&id| is_alive(id) && in_dc(id, local_datacenter))
        .count();
    let rf = strategy.replication_factor(topology);

    let (required, alive) = match consistency {
        Consistency::Any => {
            return Ok(ConsistencyRequirement {
                consistency,
                required: 1,
                alive: live_total,
                per_datacenter: Vec::new(),
            });
        }
        Consistency::One => (1, live_total),
        Consistency::Two => (2, live_total),
        Consistency::Three => (3, live_total),
        Consistency::Quorum | Consistency::Serial => (quorum_for(rf), live_total),
        Consistency::All => (rf, live_total),
        Consistency::LocalOne => (1, live_local),
        Consistency::LocalQuorum | Consistency::LocalSerial => (
            local_quorum_for(strategy, topology, local_datacenter),
            live_local,
        ),
        Consistency::EachQuorum => match strategy {
            ReplicationStrategy::NetworkTopology { datacenters } => {
                let mut per_datacenter = Vec::new();
                for (dc, &dc_rf) in datacenters.iter().filter(|(_, rf)| **rf > 0) {
                    let required = quorum_for(dc_rf);
                    let alive = replicas
                        .iter()
                        .filter(|&&id| is_alive(id) && in_dc(id, dc))
                        .count();
                    if alive < required {
                        return Err(Unavailable {
                            consistency,
                            required,
                            alive,
                            datacenter: Some(dc.clone()),
                        });
                    }
                    per_datacenter.push(DatacenterRequirement {
                        datacenter: dc.clone(),
                        required,
                        alive,
                    });
                }
                return Ok(ConsistencyRequirement {
                    consistency,
                    required: per_datacenter.iter().map(|d| d.required).sum(),
                    alive: per_datacenter.iter().map(|d| d.alive).sum(),
                    per_datacenter,
                });
            }
            _ => (quorum_for(rf), live_total),
        },
    };
    if alive < required {
        return Err(Unavailable {
            consistency,
            required,
            alive,
            datacenter: None,
        });
    }
    Ok(ConsistencyRequirement {
        consistency,
        required,
        alive,
        per_datacenter: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quorums() {
        assert_eq!(quorum_for(0), 1);
        assert_eq!(quorum_for(1), 1);
        assert_eq!(quorum_for(2), 2);
        assert_eq!(quorum_for(3), 2);
        assert_eq!(quorum_for(4), 3);
        assert_eq!(quorum_for(5), 3);
    }

    #[test]
    fn unavailable_message() {
        let e = Unavailable {
            consistency: Consistency::EachQuorum,
            required: 2,
            alive: 1,
            datacenter: Some("dc2".into()),
        };
        assert_eq!(
            e.to_string(),
            "Cannot achieve consistency level EACH_QUORUM in datacenter dc2: 2 replicas required, 1 alive"
        );
        let e = Unavailable {
            consistency: Consistency::Quorum,
            required: 2,
            alive: 0,
            datacenter: None,
        };
        assert_eq!(
            e.to_string(),
            "Cannot achieve consistency level QUORUM: 2 replicas required, 0 alive"
        );
    }
}
