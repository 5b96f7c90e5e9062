//! Shared helpers of the examples: where to connect.
//!
//! Every example connects to the cluster named by the `SCYLLA_URI` environment
//! variable (`host:port`). When it is not set, the example starts an in-process
//! `scylla-sim` cluster (on a free loopback address block) and connects to that, so
//! `cargo run -p examples --example basic` works on a machine without ScyllaDB.

use std::error::Error;

use scylla_sim::{SimCluster, SimClusterBuilder};

/// The error type of the examples.
pub type BoxError = Box<dyn Error + Send + Sync>;

/// Where an example connects; keeps the in-process cluster (if any) running.
pub struct Target {
    /// The contact point, `host:port`.
    pub uri: String,
    /// The in-process cluster, when `SCYLLA_URI` is not set.
    pub sim: Option<SimCluster>,
}

impl Target {
    /// `SCYLLA_URI` if set, else a new 3-node in-process cluster.
    pub async fn from_env() -> Result<Self, BoxError> {
        Self::from_env_or(|b| b).await
    }

    /// `SCYLLA_URI` if set, else an in-process cluster made by `configure` from a
    /// 3-node, 2-shard builder on free addresses.
    pub async fn from_env_or(
        configure: impl FnOnce(SimClusterBuilder) -> SimClusterBuilder,
    ) -> Result<Self, BoxError> {
        if let Ok(uri) = std::env::var("SCYLLA_URI") {
            println!("Connecting to {uri} (SCYLLA_URI)");
            return Ok(Target { uri, sim: None });
        }
        let builder = SimCluster::builder().nodes(3).shards(2).unique_addresses();
        let sim = configure(builder).build().await?;
        let uri = sim.contact_points()[0].to_string();
        println!(
            "SCYLLA_URI is not set: started an in-process scylla-sim cluster of {} nodes at {}",
            sim.nodes().len(),
            sim.base_address()
        );
        Ok(Target {
            uri,
            sim: Some(sim),
        })
    }
}

/// Runs an example body on a multi-threaded Tokio runtime and reports its error.
pub fn main_with<F, Fut>(body: F)
where
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = Result<(), BoxError>>,
{
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a Tokio runtime");
    if let Err(e) = runtime.block_on(body()) {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}
