//! Load balancing: which node (and shard) each request goes to, and where it goes next
//! if that fails.
//!
//! A [`LoadBalancingPolicy`] answers in two steps: [`pick`](LoadBalancingPolicy::pick)
//! chooses the first target, cheaply and without allocating (most requests need no
//! other); [`fallback`](LoadBalancingPolicy::fallback) lists the rest, only when a
//! second target is needed. A [`Plan`] joins the two lazily.

use std::any::Any;
use std::time::Duration;

use scylla_cql::frame::response::result::TableSpec;
use scylla_cql::frame::types::{Consistency, SerialConsistency};

use crate::cluster::{ClusterState, NodeRef};
use crate::errors::RequestAttemptError;
use crate::routing::{NodeLocationPreference, Shard, Token};

mod default;
mod latency;
mod plan;
mod single_target;

pub use default::{DefaultPolicy, DefaultPolicyBuilder};
pub use latency::LatencyAwarenessBuilder;
pub use plan::Plan;
pub use single_target::{NodeIdentifier, SingleTargetLoadBalancingPolicy};

/// What a load-balancing policy knows about a request.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct RoutingInfo<'a> {
    /// The request's consistency.
    pub consistency: Consistency,
    /// The request's serial consistency, for conditional (LWT) requests.
    pub serial_consistency: Option<SerialConsistency>,
    /// The token of the request's partition key, if known (prepared statements).
    pub token: Option<Token>,
    /// The table the request addresses, if known.
    pub table: Option<&'a TableSpec<'a>>,
    /// Whether the node said the (prepared) statement is a lightweight transaction.
    pub is_confirmed_lwt: bool,
    /// The session's preferred location, which policies configured to inherit it use.
    pub node_location_preference: &'a NodeLocationPreference,
}

/// The preference of a [`RoutingInfo::default`]: none.
static NO_PREFERENCE: NodeLocationPreference = NodeLocationPreference::Any;

impl Default for RoutingInfo<'_> {
    fn default() -> Self {
        RoutingInfo {
            consistency: Consistency::default(),
            serial_consistency: None,
            token: None,
            table: None,
            is_confirmed_lwt: false,
            node_location_preference: &NO_PREFERENCE,
        }
    }
}

impl RoutingInfo<'_> {
    /// Whether the request should go to the replicas in ring order, primary first
    /// (so that concurrent lightweight transactions on a partition queue up on the
    /// same coordinator instead of contending).
    pub fn should_route_as_lwt(&self) -> bool {
        self.is_confirmed_lwt
    }
}

/// The targets after the first: nodes with the shard to use, if the policy chose one.
pub type FallbackPlan<'a> =
    Box<dyn Iterator<Item = (NodeRef<'a>, Option<Shard>)> + Send + Sync + 'a>;

/// Decides where requests go.
///
/// The session calls [`pick`](Self::pick) for every request; it must be cheap and
/// must not allocate. [`fallback`](Self::fallback) is called only if the picked
/// target fails or is unusable; it may repeat the picked target (the [`Plan`] skips
/// it). A target's shard `None` means "any": the session chooses one.
pub trait LoadBalancingPolicy: Send + Sync + std::fmt::Debug {
    /// The first target of the request; `None` if the policy has none (the session
    /// then goes straight to the fallback).
    fn pick<'a>(
        &'a self,
        request: &'a RoutingInfo,
        cluster: &'a ClusterState,
    ) -> Option<(NodeRef<'a>, Option<Shard>)>;

    /// The other targets, in order.
    fn fallback<'a>(
        &'a self,
        request: &'a RoutingInfo,
        cluster: &'a ClusterState,
    ) -> FallbackPlan<'a>;

    /// Called when a request to `node` succeeded after `latency`.
    fn on_request_success(&self, _request: &RoutingInfo, _latency: Duration, _node: NodeRef<'_>) {}

    /// Called when a request to `node` failed with `error` after `latency`.
    fn on_request_failure(
        &self,
        _request: &RoutingInfo,
        _latency: Duration,
        _node: NodeRef<'_>,
        _error: &RequestAttemptError,
    ) {
    }

    /// The policy's name, for logs.
    fn name(&self) -> String;

    /// The policy as `Any`, for downcasting in tests.
    #[doc(hidden)]
    fn as_any(&self) -> Option<&dyn Any> {
        None
    }
}
