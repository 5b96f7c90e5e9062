//! Session benchmark: prepared INSERT and SELECT against an in-process scylla-sim
//! cluster, sequentially and with 1,024 requests in flight: first one node, then
//! three nodes of two shards each (RF=1), where every request must be routed to the
//! partition's one replica, on the shard that owns its token (the simulator's
//! counters, printed after the figures, check that none went elsewhere).
//!
//! The driver runs on its own single-threaded Tokio runtime on the main thread; the
//! simulated node runs on another runtime with its own threads. A counting global
//! allocator counts the allocations made on the driver's thread, and the thread's CPU
//! time is read from `/proc/thread-self/schedstat`, so the figures are the driver's
//! alone (its connection tasks included), not the simulator's.
//!
//! `make bench` (or `cargo bench -p scylla --bench session`); `BENCH_OPS=n` sets the
//! number of operations per scenario.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use futures::StreamExt;
use futures::stream::FuturesUnordered;
use scylla::client::session::Session;
use scylla::client::session_builder::SessionBuilder;
use scylla::statement::Consistency;
use scylla::statement::prepared::PreparedStatement;

struct Counting;

static ALLOCATIONS: AtomicU64 = AtomicU64::new(0);

thread_local! {
    static COUNTED: Cell<bool> = const { Cell::new(false) };
    static TRACING: Cell<bool> = const { Cell::new(false) };
}

fn count() {
    if COUNTED.try_with(|c| c.get()).unwrap_or(false) {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // BENCH_TRACE_ALLOCS: print where each allocation of one request comes from
        // (the flag is cleared while printing, which allocates).
        if TRACING.try_with(|t| t.replace(false)).unwrap_or(false) {
            eprintln!(
                "allocation:\n{}",
                std::backtrace::Backtrace::force_capture()
            );
            TRACING.with(|t| t.set(true));
        }
    }
}

// SAFETY: every call is forwarded to the system allocator unchanged.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count();
        unsafe { System.alloc(layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        count();
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count();
        unsafe { System.realloc(ptr, layout, new_size) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// CPU time of the calling thread.
fn thread_cpu() -> Duration {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse::<u64>().ok())
        .map(Duration::from_nanos)
        .unwrap_or_default()
}

struct Figures {
    name: String,
    ops: u64,
    wall: Duration,
    cpu: Duration,
    allocations: u64,
}

impl Figures {
    fn print(&self) {
        let ops = self.ops as f64;
        println!(
            "{:<43} {:>10.0} ops/s {:>8.2} µs CPU/op {:>6.2} allocs/op",
            self.name,
            ops / self.wall.as_secs_f64(),
            self.cpu.as_secs_f64() * 1e6 / ops,
            self.allocations as f64 / ops,
        );
    }
}

async fn measure<F, Fut>(name: String, ops: u64, run: F) -> Figures
where
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let allocations = ALLOCATIONS.load(Ordering::Relaxed);
    let cpu = thread_cpu();
    let start = Instant::now();
    run().await;
    Figures {
        name,
        ops,
        wall: start.elapsed(),
        cpu: thread_cpu() - cpu,
        allocations: ALLOCATIONS.load(Ordering::Relaxed) - allocations,
    }
}

async fn sequential(session: &Session, statement: &PreparedStatement, ops: u64, select: bool) {
    for i in 0..ops {
        let key = (i % 10_000) as i64;
        if select {
            session.execute_unpaged(statement, (key,)).await.unwrap();
        } else {
            session
                .execute_unpaged(statement, (key, key as i32))
                .await
                .unwrap();
        }
    }
}

/// `in_flight` lanes, each executing requests one after another until `ops` have
/// been started in total: `in_flight` requests are always in flight, and the
/// harness itself allocates nothing per request.
async fn concurrent(
    session: &Session,
    statement: &PreparedStatement,
    ops: u64,
    select: bool,
    in_flight: u64,
) {
    let next = std::cell::Cell::new(0u64);
    let lane = || async {
        loop {
            let i = next.get();
            if i >= ops {
                return;
            }
            next.set(i + 1);
            let key = (i % 10_000) as i64;
            if select {
                session.execute_unpaged(statement, (key,)).await.unwrap();
            } else {
                session
                    .execute_unpaged(statement, (key, key as i32))
                    .await
                    .unwrap();
            }
        }
    };
    let lanes: FuturesUnordered<_> = (0..in_flight.min(ops)).map(|_| lane()).collect();
    lanes.collect::<Vec<()>>().await;
}

/// One cluster shape the benchmark runs against.
struct Setup {
    /// Printed before the figures.
    title: &'static str,
    /// Prefix of each scenario's name.
    label: &'static str,
    nodes: usize,
    shards: u16,
}

const SETUPS: [Setup; 2] = [
    Setup {
        title: "1 scylla-sim node",
        label: "",
        nodes: 1,
        shards: 1,
    },
    Setup {
        title: "3 scylla-sim nodes x 2 shards, RF=1, token- and shard-aware routing",
        label: "3 nodes: ",
        nodes: 3,
        shards: 2,
    },
];

fn main() {
    let ops: u64 = std::env::var("BENCH_OPS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(50_000);
    for setup in &SETUPS {
        run_setup(setup, ops);
    }
}

fn run_setup(setup: &Setup, ops: u64) {
    let sim_runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let cluster = sim_runtime.block_on(async {
        scylla_sim::SimCluster::builder()
            .nodes(setup.nodes)
            .shards(setup.shards)
            .unique_addresses()
            .build()
            .await
            .unwrap()
    });
    let contact = cluster.contact_points()[0];
    let driver = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    driver.block_on(async {
        let session = Arc::new(
            SessionBuilder::new()
                .known_node_addr(contact)
                .build()
                .await
                .unwrap(),
        );
        // RF=1: each partition has one replica, so a request sent anywhere else
        // costs the cluster a hop (which the simulator counts).
        session
            .query_unpaged(
                "CREATE KEYSPACE bench WITH replication = {'class': 'NetworkTopologyStrategy', 'replication_factor': 1}",
                &[],
            )
            .await
            .unwrap();
        session
            .query_unpaged("CREATE TABLE bench.kv (k bigint PRIMARY KEY, v int)", &[])
            .await
            .unwrap();
        let mut insert = session
            .prepare("INSERT INTO bench.kv (k, v) VALUES (?, ?)")
            .await
            .unwrap();
        insert.set_consistency(Consistency::One);
        let mut select = session
            .prepare("SELECT k, v FROM bench.kv WHERE k = ?")
            .await
            .unwrap();
        select.set_consistency(Consistency::One);
        // Warm up (connections, buffers, the simulator's caches).
        sequential(&session, &insert, 2_000, false).await;
        concurrent(&session, &insert, 10_000, false, 1024).await;
        cluster.reset_counters();

        COUNTED.with(|c| c.set(true));
        if std::env::var_os("BENCH_TRACE_ALLOCS").is_some() && setup.nodes == 1 {
            TRACING.with(|t| t.set(true));
            sequential(&session, &insert, 1, false).await;
            TRACING.with(|t| t.set(false));
        }
        println!(
            "scylla session benchmark: {}, {ops} operations per scenario",
            setup.title
        );
        let seq_ops = ops / 5;
        let label = setup.label;
        for f in [
            measure(
                format!("{label}prepared INSERT, sequential"),
                seq_ops,
                || sequential(&session, &insert, seq_ops, false),
            )
            .await,
            measure(
                format!("{label}prepared SELECT, sequential"),
                seq_ops,
                || sequential(&session, &select, seq_ops, true),
            )
            .await,
            measure(
                format!("{label}prepared INSERT, 1024 in flight"),
                ops,
                || concurrent(&session, &insert, ops, false, 1024),
            )
            .await,
            measure(
                format!("{label}prepared SELECT, 1024 in flight"),
                ops,
                || concurrent(&session, &select, ops, true, 1024),
            )
            .await,
        ] {
            f.print();
        }
        COUNTED.with(|c| c.set(false));
        // Where the measured requests went, as the simulator counted them.
        let counters = cluster.take_counters();
        let total = counters.total();
        let per_node: Vec<u64> = counters.nodes.iter().map(|n| n.total().requests).collect();
        println!(
            "routing: {} requests served (per node {per_node:?}), {} at a non-replica, {} on the wrong shard",
            total.requests, total.non_replica, total.wrong_shard
        );
        assert_eq!(
            (total.non_replica, total.wrong_shard),
            (0, 0),
            "misrouted requests"
        );
    });
    drop(driver);
    sim_runtime.block_on(cluster.shutdown());
}
