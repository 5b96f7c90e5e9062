//! Statements: unprepared ([`unprepared::Statement`]), prepared
//! ([`prepared::PreparedStatement`]), bound ([`bound::BoundStatement`]) and batches
//! ([`batch::Batch`]).
//!
//! Every statement kind carries the same per-statement settings (consistency, serial
//! consistency, idempotence, tracing, timestamp, request timeout, execution profile,
//! load-balancing and retry policies, history listener). A setting left unset falls
//! back to the execution profile's.

use std::sync::Arc;
use std::time::Duration;

use crate::client::execution_profile::{ExecutionProfileHandle, ExecutionProfileInner};
use crate::observability::history::HistoryListener;
use crate::policies::load_balancing::LoadBalancingPolicy;
use crate::policies::retry::RetryPolicy;

pub mod batch;
pub mod bound;
pub mod prepared;
pub mod unprepared;

pub use scylla_cql::frame::types::{Consistency, SerialConsistency};
pub use unprepared::Statement;

/// The settings every statement kind carries. `None` means "use the execution
/// profile's".
#[derive(Debug, Clone, Default)]
pub(crate) struct StatementConfig {
    pub(crate) consistency: Option<Consistency>,
    /// `None`: the profile's; `Some(None)`: explicitly none; `Some(Some(c))`: `c`.
    pub(crate) serial_consistency: Option<Option<SerialConsistency>>,
    pub(crate) is_idempotent: bool,
    pub(crate) tracing: bool,
    pub(crate) timestamp: Option<i64>,
    pub(crate) request_timeout: Option<Duration>,
    pub(crate) execution_profile_handle: Option<ExecutionProfileHandle>,
    pub(crate) load_balancing_policy: Option<Arc<dyn LoadBalancingPolicy>>,
    pub(crate) retry_policy: Option<Arc<dyn RetryPolicy>>,
    pub(crate) history_listener: Option<Arc<dyn HistoryListener>>,
}

impl StatementConfig {
    /// The consistency to send: the statement's, else the profile's.
    #[inline]
    pub(crate) fn determine_consistency(&self, profile: &ExecutionProfileInner) -> Consistency {
        self.consistency.unwrap_or(profile.consistency)
    }

    /// The serial consistency to send: the statement's (even if explicitly none),
    /// else the profile's.
    #[inline]
    pub(crate) fn determine_serial_consistency(
        &self,
        profile: &ExecutionProfileInner,
    ) -> Option<SerialConsistency> {
        self.serial_consistency
            .unwrap_or(profile.serial_consistency)
    }

    /// The request timeout: the statement's, else the profile's.
    #[inline]
    pub(crate) fn determine_request_timeout(
        &self,
        profile: &ExecutionProfileInner,
    ) -> Option<Duration> {
        self.request_timeout.or(profile.request_timeout)
    }

    /// The load-balancing policy: the statement's, else the profile's.
    #[inline]
    pub(crate) fn determine_load_balancing_policy<'a>(
        &'a self,
        profile: &'a ExecutionProfileInner,
    ) -> &'a Arc<dyn LoadBalancingPolicy> {
        self.load_balancing_policy
            .as_ref()
            .unwrap_or(&profile.load_balancing_policy)
    }

    /// The retry policy: the statement's, else the profile's.
    #[inline]
    pub(crate) fn determine_retry_policy<'a>(
        &'a self,
        profile: &'a ExecutionProfileInner,
    ) -> &'a Arc<dyn RetryPolicy> {
        self.retry_policy.as_ref().unwrap_or(&profile.retry_policy)
    }

    /// The profile to use: the statement's handle's pointee, else `session_default`'s.
    #[inline]
    pub(crate) fn determine_execution_profile(
        &self,
        session_default: &ExecutionProfileHandle,
    ) -> Arc<ExecutionProfileInner> {
        self.execution_profile_handle
            .as_ref()
            .unwrap_or(session_default)
            .access()
    }
}

/// A page size: always positive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PageSize(i32);

impl PageSize {
    /// The default page size: 5000 rows.
    pub(crate) const DEFAULT: PageSize = PageSize(5000);

    /// `size` if it is positive.
    #[inline]
    pub(crate) fn new(size: i32) -> Option<PageSize> {
        (size > 0).then_some(PageSize(size))
    }

    /// The size.
    #[inline]
    pub(crate) fn inner(self) -> i32 {
        self.0
    }

    /// Sets `*self` to `size` if it is positive; otherwise keeps the current size and
    /// logs a warning (the setters are infallible, and a page size of 0 or less
    /// would make the server return everything or fail).
    pub(crate) fn set_or_warn(&mut self, size: i32) {
        match PageSize::new(size) {
            Some(p) => *self = p,
            None => tracing::warn!(
                "ignored page size {size}: it must be positive; keeping {}",
                self.0
            ),
        }
    }
}

impl Default for PageSize {
    fn default() -> Self {
        PageSize::DEFAULT
    }
}

/// Implements the setters of the settings in a `StatementConfig` reached by the
/// given field path (e.g. `config`).
macro_rules! impl_statement_config_setters {
    ($($cfg:ident).+) => {
        /// Sets the consistency level (overrides the execution profile's).
        pub fn set_consistency(&mut self, c: $crate::statement::Consistency) {
            self.$($cfg).+.consistency = Some(c);
        }

        /// Goes back to the execution profile's consistency level.
        pub fn unset_consistency(&mut self) {
            self.$($cfg).+.consistency = None;
        }

        /// Sets the serial consistency level of lightweight transactions (overrides
        /// the execution profile's; `None` sends none, leaving it to the node).
        pub fn set_serial_consistency(&mut self, sc: Option<$crate::statement::SerialConsistency>) {
            self.$($cfg).+.serial_consistency = Some(sc);
        }

        /// Goes back to the execution profile's serial consistency level.
        pub fn unset_serial_consistency(&mut self) {
            self.$($cfg).+.serial_consistency = None;
        }

        /// Sets whether the statement is idempotent: running it twice has the same
        /// effect as once. Only idempotent statements are retried after they may
        /// have been applied, and executed speculatively. Default: false.
        pub fn set_is_idempotent(&mut self, is_idempotent: bool) {
            self.$($cfg).+.is_idempotent = is_idempotent;
        }

        /// Turns CQL tracing on or off for the statement. Default: off.
        pub fn set_tracing(&mut self, should_trace: bool) {
            self.$($cfg).+.tracing = should_trace;
        }

        /// Sets the write timestamp, in microseconds since the Unix epoch (`None`:
        /// the session's timestamp generator's, or the node's).
        pub fn set_timestamp(&mut self, timestamp: Option<i64>) {
            self.$($cfg).+.timestamp = timestamp;
        }

        /// Sets the client-side request timeout (`None`: the execution profile's).
        pub fn set_request_timeout(&mut self, timeout: Option<std::time::Duration>) {
            self.$($cfg).+.request_timeout = timeout;
        }

        /// Sets the execution profile to use (`None`: the session's default).
        pub fn set_execution_profile_handle(
            &mut self,
            profile_handle: Option<$crate::client::execution_profile::ExecutionProfileHandle>,
        ) {
            self.$($cfg).+.execution_profile_handle = profile_handle;
        }

        /// Sets the load-balancing policy (overrides the execution profile's).
        pub fn set_load_balancing_policy(
            &mut self,
            policy: Option<
                std::sync::Arc<dyn $crate::policies::load_balancing::LoadBalancingPolicy>,
            >,
        ) {
            self.$($cfg).+.load_balancing_policy = policy;
        }

        /// Sets the retry policy (overrides the execution profile's).
        pub fn set_retry_policy(
            &mut self,
            retry_policy: Option<std::sync::Arc<dyn $crate::policies::retry::RetryPolicy>>,
        ) {
            self.$($cfg).+.retry_policy = retry_policy;
        }

        /// Attaches a listener that is told about every request and attempt made
        /// for this statement.
        pub fn set_history_listener(
            &mut self,
            history_listener: std::sync::Arc<dyn $crate::observability::history::HistoryListener>,
        ) {
            self.$($cfg).+.history_listener = Some(history_listener);
        }

        /// Removes the history listener, returning it.
        pub fn remove_history_listener(
            &mut self,
        ) -> Option<std::sync::Arc<dyn $crate::observability::history::HistoryListener>> {
            self.$($cfg).+.history_listener.take()
        }
    };
}
pub(crate) use impl_statement_config_setters;

/// Implements the getters of the settings in a `StatementConfig` reached by the
/// given field path.
macro_rules! impl_statement_config_getters {
    ($($cfg:ident).+) => {
        /// The consistency level set on the statement, if any.
        pub fn get_consistency(&self) -> Option<$crate::statement::Consistency> {
            self.$($cfg).+.consistency
        }

        /// The serial consistency level set on the statement, if any.
        pub fn get_serial_consistency(&self) -> Option<$crate::statement::SerialConsistency> {
            self.$($cfg).+.serial_consistency.flatten()
        }

        /// Whether the statement is marked idempotent.
        pub fn get_is_idempotent(&self) -> bool {
            self.$($cfg).+.is_idempotent
        }

        /// Whether tracing is on.
        pub fn get_tracing(&self) -> bool {
            self.$($cfg).+.tracing
        }

        /// The timestamp set on the statement, in microseconds.
        pub fn get_timestamp(&self) -> Option<i64> {
            self.$($cfg).+.timestamp
        }

        /// The request timeout set on the statement (`None`: the execution
        /// profile's).
        pub fn get_request_timeout(&self) -> Option<std::time::Duration> {
            self.$($cfg).+.request_timeout
        }

        /// The execution profile handle set on the statement.
        pub fn get_execution_profile_handle(
            &self,
        ) -> Option<&$crate::client::execution_profile::ExecutionProfileHandle> {
            self.$($cfg).+.execution_profile_handle.as_ref()
        }

        /// The load-balancing policy set on the statement.
        pub fn get_load_balancing_policy(
            &self,
        ) -> Option<&std::sync::Arc<dyn $crate::policies::load_balancing::LoadBalancingPolicy>>
        {
            self.$($cfg).+.load_balancing_policy.as_ref()
        }

        /// The retry policy set on the statement.
        pub fn get_retry_policy(
            &self,
        ) -> Option<&std::sync::Arc<dyn $crate::policies::retry::RetryPolicy>> {
            self.$($cfg).+.retry_policy.as_ref()
        }
    };
}
pub(crate) use impl_statement_config_getters;

#[cfg(test)]
mod tests;
