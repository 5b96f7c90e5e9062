//! Execution profiles: named bundles of request settings.
//!
//! An [`ExecutionProfile`] holds the consistency, serial consistency, request
//! timeout and the load-balancing, retry and speculative execution policies. The
//! session has a default profile; a statement may point to another one through an
//! [`ExecutionProfileHandle`]. Settings made on the statement itself win over the
//! profile's.
//!
//! A handle can be re-pointed at a new profile with
//! [`ExecutionProfileHandle::map_to_another_profile`]: every session and statement
//! holding a clone of the handle sees the new settings from their next request on.
//!
//! ```
//! use std::time::Duration;
//! use scylla::client::execution_profile::ExecutionProfile;
//! use scylla::statement::Consistency;
//!
//! let profile = ExecutionProfile::builder()
//!     .consistency(Consistency::One)
//!     .request_timeout(Some(Duration::from_secs(3)))
//!     .build();
//! let mut handle = profile.into_handle();
//! let statement_handle = handle.clone();
//!
//! let stronger = handle.pointee_to_builder().consistency(Consistency::Quorum).build();
//! handle.map_to_another_profile(stronger);
//! assert_eq!(statement_handle.to_profile().get_consistency(), Consistency::Quorum);
//! ```

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use arc_swap::ArcSwap;

use crate::policies::load_balancing::{DefaultPolicy, LoadBalancingPolicy};
use crate::policies::retry::{DefaultRetryPolicy, RetryPolicy};
use crate::policies::speculative_execution::SpeculativeExecutionPolicy;
use crate::statement::{Consistency, SerialConsistency};

/// The default settings of a profile.
pub(crate) mod defaults {
    use super::*;

    /// `LOCAL_QUORUM`.
    pub(crate) fn consistency() -> Consistency {
        Consistency::LocalQuorum
    }

    /// `LOCAL_SERIAL`.
    pub(crate) fn serial_consistency() -> Option<SerialConsistency> {
        Some(SerialConsistency::LocalSerial)
    }

    /// 30 seconds.
    pub(crate) fn request_timeout() -> Option<Duration> {
        Some(Duration::from_secs(30))
    }

    /// [`DefaultPolicy`] with default settings.
    pub(crate) fn load_balancing_policy() -> Arc<dyn LoadBalancingPolicy> {
        Arc::new(DefaultPolicy::default())
    }

    /// [`DefaultRetryPolicy`].
    pub(crate) fn retry_policy() -> Arc<dyn RetryPolicy> {
        Arc::new(DefaultRetryPolicy::new())
    }

    /// None.
    pub(crate) fn speculative_execution_policy() -> Option<Arc<dyn SpeculativeExecutionPolicy>> {
        None
    }
}

/// The settings of a profile; shared by the profile and its handles.
#[derive(Debug)]
pub(crate) struct ExecutionProfileInner {
    pub(crate) request_timeout: Option<Duration>,
    pub(crate) consistency: Consistency,
    pub(crate) serial_consistency: Option<SerialConsistency>,
    pub(crate) load_balancing_policy: Arc<dyn LoadBalancingPolicy>,
    pub(crate) retry_policy: Arc<dyn RetryPolicy>,
    pub(crate) speculative_execution_policy: Option<Arc<dyn SpeculativeExecutionPolicy>>,
}

impl ExecutionProfileInner {
    fn to_builder(&self) -> ExecutionProfileBuilder {
        ExecutionProfileBuilder {
            request_timeout: Some(self.request_timeout),
            consistency: Some(self.consistency),
            serial_consistency: Some(self.serial_consistency),
            load_balancing_policy: Some(Arc::clone(&self.load_balancing_policy)),
            retry_policy: Some(Arc::clone(&self.retry_policy)),
            speculative_execution_policy: Some(self.speculative_execution_policy.clone()),
        }
    }
}

/// Builds an [`ExecutionProfile`]. Unset settings take their defaults: `LOCAL_QUORUM`,
/// serial `LOCAL_SERIAL`, a 30 s request timeout, the default load-balancing policy,
/// [`DefaultRetryPolicy`] and no speculative execution.
#[derive(Clone, Debug, Default)]
pub struct ExecutionProfileBuilder {
    request_timeout: Option<Option<Duration>>,
    consistency: Option<Consistency>,
    serial_consistency: Option<Option<SerialConsistency>>,
    load_balancing_policy: Option<Arc<dyn LoadBalancingPolicy>>,
    retry_policy: Option<Arc<dyn RetryPolicy>>,
    speculative_execution_policy: Option<Option<Arc<dyn SpeculativeExecutionPolicy>>>,
}

impl ExecutionProfileBuilder {
    /// How long a request may take, retries included (`None`: no limit). Default:
    /// 30 seconds.
    pub fn request_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.request_timeout = Some(timeout);
        self
    }

    /// The consistency level. Default: `LOCAL_QUORUM`.
    pub fn consistency(mut self, consistency: Consistency) -> Self {
        self.consistency = Some(consistency);
        self
    }

    /// The serial consistency level of lightweight transactions (`None`: let the
    /// node decide). Default: `LOCAL_SERIAL`.
    pub fn serial_consistency(mut self, serial_consistency: Option<SerialConsistency>) -> Self {
        self.serial_consistency = Some(serial_consistency);
        self
    }

    /// The load-balancing policy. Default: `DefaultPolicy::default()`.
    pub fn load_balancing_policy(
        mut self,
        load_balancing_policy: Arc<dyn LoadBalancingPolicy>,
    ) -> Self {
        self.load_balancing_policy = Some(load_balancing_policy);
        self
    }

    /// The retry policy. Default: [`DefaultRetryPolicy`].
    pub fn retry_policy(mut self, retry_policy: Arc<dyn RetryPolicy>) -> Self {
        self.retry_policy = Some(retry_policy);
        self
    }

    /// The speculative execution policy (`None`: no speculative execution, the
    /// default).
    pub fn speculative_execution_policy(
        mut self,
        speculative_execution_policy: Option<Arc<dyn SpeculativeExecutionPolicy>>,
    ) -> Self {
        self.speculative_execution_policy = Some(speculative_execution_policy);
        self
    }

    /// The profile.
    pub fn build(self) -> ExecutionProfile {
        ExecutionProfile(Arc::new(ExecutionProfileInner {
            request_timeout: self
                .request_timeout
                .unwrap_or_else(defaults::request_timeout),
            consistency: self.consistency.unwrap_or_else(defaults::consistency),
            serial_consistency: self
                .serial_consistency
                .unwrap_or_else(defaults::serial_consistency),
            load_balancing_policy: self
                .load_balancing_policy
                .unwrap_or_else(defaults::load_balancing_policy),
            retry_policy: self.retry_policy.unwrap_or_else(defaults::retry_policy),
            speculative_execution_policy: self
                .speculative_execution_policy
                .unwrap_or_else(defaults::speculative_execution_policy),
        }))
    }
}

/// A set of request settings. Cheap to clone (shared). Turn it into an
/// [`ExecutionProfileHandle`] to use it for a session or a statement.
#[derive(Debug, Clone)]
pub struct ExecutionProfile(pub(crate) Arc<ExecutionProfileInner>);

impl ExecutionProfile {
    /// A builder with every setting at its default.
    pub fn builder() -> ExecutionProfileBuilder {
        ExecutionProfileBuilder::default()
    }

    /// A builder with this profile's settings.
    pub fn to_builder(&self) -> ExecutionProfileBuilder {
        self.0.to_builder()
    }

    /// A handle pointing at this profile.
    pub fn into_handle(self) -> ExecutionProfileHandle {
        ExecutionProfileHandle::new(self, None)
    }

    /// A handle pointing at this profile, with a label shown by its `Debug` output.
    pub fn into_handle_with_label(self, label: String) -> ExecutionProfileHandle {
        ExecutionProfileHandle::new(self, Some(label))
    }

    /// The consistency level.
    pub fn get_consistency(&self) -> Consistency {
        self.0.consistency
    }

    /// The serial consistency level.
    pub fn get_serial_consistency(&self) -> Option<SerialConsistency> {
        self.0.serial_consistency
    }

    /// The request timeout.
    pub fn get_request_timeout(&self) -> Option<Duration> {
        self.0.request_timeout
    }

    /// The load-balancing policy.
    pub fn get_load_balancing_policy(&self) -> &Arc<dyn LoadBalancingPolicy> {
        &self.0.load_balancing_policy
    }

    /// The retry policy.
    pub fn get_retry_policy(&self) -> &Arc<dyn RetryPolicy> {
        &self.0.retry_policy
    }

    /// The speculative execution policy.
    pub fn get_speculative_execution_policy(&self) -> Option<&Arc<dyn SpeculativeExecutionPolicy>> {
        self.0.speculative_execution_policy.as_ref()
    }
}

impl Default for ExecutionProfile {
    /// The profile with every setting at its default.
    fn default() -> Self {
        Self::builder().build()
    }
}

struct HandleShared {
    profile: ArcSwap<ExecutionProfileInner>,
    label: Option<String>,
}

/// A shared, re-pointable reference to an [`ExecutionProfile`]. Clones share the
/// pointee: [`map_to_another_profile`](Self::map_to_another_profile) on any of them
/// changes what all of them see.
#[derive(Clone)]
pub struct ExecutionProfileHandle(Arc<HandleShared>);

impl fmt::Debug for ExecutionProfileHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ExecutionProfileHandle")
            .field("label", &self.0.label)
            .field("profile", &*self.0.profile.load())
            .finish()
    }
}

impl ExecutionProfileHandle {
    fn new(profile: ExecutionProfile, label: Option<String>) -> Self {
        Self(Arc::new(HandleShared {
            profile: ArcSwap::new(profile.0),
            label,
        }))
    }

    /// The profile the handle points at now (lock-free; for the request path).
    pub(crate) fn access(&self) -> Arc<ExecutionProfileInner> {
        self.0.profile.load_full()
    }

    /// The handle's label, if it has one.
    #[cfg(test)]
    pub(crate) fn label(&self) -> Option<&str> {
        self.0.label.as_deref()
    }

    /// The profile the handle points at now.
    pub fn to_profile(&self) -> ExecutionProfile {
        ExecutionProfile(self.access())
    }

    /// A builder with the settings of the profile the handle points at now.
    pub fn pointee_to_builder(&self) -> ExecutionProfileBuilder {
        self.0.profile.load().to_builder()
    }

    /// Points this handle, and every clone of it, at `profile`.
    pub fn map_to_another_profile(&mut self, profile: ExecutionProfile) {
        self.0.profile.store(profile.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policies::retry::FallthroughRetryPolicy;
    use crate::policies::speculative_execution::SimpleSpeculativeExecutionPolicy;
    use crate::statement::Statement;

    #[test]
    fn defaults() {
        let p = ExecutionProfile::builder().build();
        assert_eq!(p.get_consistency(), Consistency::LocalQuorum);
        assert_eq!(
            p.get_serial_consistency(),
            Some(SerialConsistency::LocalSerial)
        );
        assert_eq!(p.get_request_timeout(), Some(Duration::from_secs(30)));
        assert!(p.get_speculative_execution_policy().is_none());
        assert!(format!("{:?}", p.get_retry_policy()).contains("DefaultRetryPolicy"));
        assert!(format!("{:?}", p.get_load_balancing_policy()).contains("DefaultPolicy"));
        let d = ExecutionProfile::default();
        assert_eq!(d.get_consistency(), Consistency::LocalQuorum);
    }

    #[test]
    fn builder_sets_everything_and_to_builder_keeps_it() {
        let retry: Arc<dyn RetryPolicy> = Arc::new(FallthroughRetryPolicy::new());
        let lbp: Arc<dyn LoadBalancingPolicy> = Arc::new(DefaultPolicy::default());
        let sep: Arc<dyn SpeculativeExecutionPolicy> = Arc::new(SimpleSpeculativeExecutionPolicy {
            max_retry_count: 2,
            retry_interval: Duration::from_millis(5),
        });
        let p = ExecutionProfile::builder()
            .consistency(Consistency::Two)
            .serial_consistency(None)
            .request_timeout(None)
            .retry_policy(Arc::clone(&retry))
            .load_balancing_policy(Arc::clone(&lbp))
            .speculative_execution_policy(Some(Arc::clone(&sep)))
            .build();
        assert_eq!(p.get_consistency(), Consistency::Two);
        assert_eq!(p.get_serial_consistency(), None);
        assert_eq!(p.get_request_timeout(), None);
        assert!(Arc::ptr_eq(p.get_retry_policy(), &retry));
        assert!(Arc::ptr_eq(p.get_load_balancing_policy(), &lbp));
        assert!(Arc::ptr_eq(
            p.get_speculative_execution_policy().unwrap(),
            &sep
        ));

        let q = p.to_builder().consistency(Consistency::Three).build();
        assert_eq!(q.get_consistency(), Consistency::Three);
        assert_eq!(q.get_serial_consistency(), None);
        assert_eq!(q.get_request_timeout(), None);
        assert!(Arc::ptr_eq(q.get_retry_policy(), &retry));
        assert!(q.get_speculative_execution_policy().is_some());
        // The original is unchanged.
        assert_eq!(p.get_consistency(), Consistency::Two);
        let cleared = q.to_builder().speculative_execution_policy(None).build();
        assert!(cleared.get_speculative_execution_policy().is_none());
    }

    #[test]
    fn remapping_a_handle_is_seen_by_every_holder() {
        let mut handle = ExecutionProfile::builder()
            .consistency(Consistency::One)
            .build()
            .into_handle_with_label("reads".to_owned());
        assert_eq!(handle.label(), Some("reads"));
        let held_by_session = handle.clone();
        let mut statement = Statement::new("SELECT 1");
        statement.set_execution_profile_handle(Some(handle.clone()));
        let before = held_by_session.access();

        let new = handle
            .pointee_to_builder()
            .consistency(Consistency::EachQuorum)
            .build();
        handle.map_to_another_profile(new);

        assert_eq!(
            held_by_session.to_profile().get_consistency(),
            Consistency::EachQuorum
        );
        assert_eq!(
            statement
                .get_execution_profile_handle()
                .unwrap()
                .to_profile()
                .get_consistency(),
            Consistency::EachQuorum
        );
        // A profile taken before the remapping keeps its settings.
        assert_eq!(before.consistency, Consistency::One);
        // Settings not changed by the builder carry over.
        assert_eq!(
            held_by_session.to_profile().get_request_timeout(),
            Some(Duration::from_secs(30))
        );
        let dbg = format!("{handle:?}");
        assert!(dbg.contains("reads") && dbg.contains("EachQuorum"), "{dbg}");
        // An unrelated handle is not affected.
        let other = ExecutionProfile::builder().build().into_handle();
        assert_eq!(other.label(), None);
        assert_eq!(
            other.to_profile().get_consistency(),
            Consistency::LocalQuorum
        );
    }
}
