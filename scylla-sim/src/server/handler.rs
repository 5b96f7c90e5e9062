//! What the network layer calls to run statements: QUERY, PREPARE, EXECUTE and BATCH
//! go to a [`RequestHandler`] (the executor), everything else is answered by the
//! connection itself.

use scylla_cql::frame::request::query::Query;
use scylla_cql::frame::request::{DeserializedBatch, ExecuteV2};

use crate::exec::{ConnectionState, Executor, Outcome, RequestContext};
use crate::ring::NodeId;

/// Runs the statements a connection receives.
pub(crate) trait RequestHandler: Send + Sync + 'static {
    /// QUERY.
    fn query(
        &self,
        ctx: &RequestContext<'_>,
        conn: &mut ConnectionState,
        query: &Query<'_>,
    ) -> Outcome;

    /// PREPARE.
    fn prepare(
        &self,
        ctx: &RequestContext<'_>,
        conn: &mut ConnectionState,
        query_text: &str,
    ) -> Outcome;

    /// EXECUTE.
    fn execute(
        &self,
        ctx: &RequestContext<'_>,
        conn: &mut ConnectionState,
        execute: &ExecuteV2<'_>,
    ) -> Outcome;

    /// BATCH.
    fn batch(
        &self,
        ctx: &RequestContext<'_>,
        conn: &mut ConnectionState,
        batch: &DeserializedBatch<'_>,
    ) -> Outcome;

    /// Drops the prepared statements of `node` (it restarted).
    fn forget_prepared(&self, node: NodeId);
}

impl RequestHandler for Executor {
    fn query(
        &self,
        ctx: &RequestContext<'_>,
        conn: &mut ConnectionState,
        query: &Query<'_>,
    ) -> Outcome {
        self.handle_query(ctx, conn, query)
    }

    fn prepare(
        &self,
        ctx: &RequestContext<'_>,
        conn: &mut ConnectionState,
        query_text: &str,
    ) -> Outcome {
        self.handle_prepare(ctx, conn, query_text)
    }

    fn execute(
        &self,
        ctx: &RequestContext<'_>,
        conn: &mut ConnectionState,
        execute: &ExecuteV2<'_>,
    ) -> Outcome {
        self.handle_execute(ctx, conn, execute)
    }

    fn batch(
        &self,
        ctx: &RequestContext<'_>,
        conn: &mut ConnectionState,
        batch: &DeserializedBatch<'_>,
    ) -> Outcome {
        self.handle_batch(ctx, conn, batch)
    }

    fn forget_prepared(&self, node: NodeId) {
        Executor::forget_prepared(self, node);
    }
}
