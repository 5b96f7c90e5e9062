//! Runs every example against its own in-process scylla-sim cluster. The examples'
//! bodies are `run` functions, included here from `examples/*.rs`, so that the test
//! calls exactly the code `cargo run --example` runs.

use scylla_sim::SimCluster;

#[allow(dead_code)]
#[path = "../examples/auth.rs"]
mod auth;
#[allow(dead_code)]
#[path = "../examples/basic.rs"]
mod basic;
#[allow(dead_code)]
#[path = "../examples/batch.rs"]
mod batch;
#[allow(dead_code)]
#[path = "../examples/compare_tokens.rs"]
mod compare_tokens;
#[allow(dead_code)]
#[path = "../examples/cql_time_types.rs"]
mod cql_time_types;
#[allow(dead_code)]
#[path = "../examples/custom_deserialization.rs"]
mod custom_deserialization;
#[allow(dead_code)]
#[path = "../examples/custom_serialization.rs"]
mod custom_serialization;
#[allow(dead_code)]
#[path = "../examples/execution_profile.rs"]
mod execution_profile;
#[allow(dead_code)]
#[path = "../examples/get_by_name.rs"]
mod get_by_name;
#[allow(dead_code)]
#[path = "../examples/log_messages.rs"]
mod log_messages;
#[allow(dead_code)]
#[path = "../examples/parallel.rs"]
mod parallel;
#[allow(dead_code)]
#[path = "../examples/select_paging.rs"]
mod select_paging;
#[allow(dead_code)]
#[path = "../examples/tls.rs"]
mod tls;
#[allow(dead_code)]
#[path = "../examples/tracing.rs"]
mod tracing;
#[allow(dead_code)]
#[path = "../examples/user_defined_type.rs"]
mod user_defined_type;

/// A 3-node cluster on free addresses, and its first contact point.
async fn sim() -> (SimCluster, String) {
    let cluster = SimCluster::builder()
        .nodes(3)
        .shards(2)
        .unique_addresses()
        .build()
        .await
        .expect("scylla-sim");
    let uri = cluster.contact_points()[0].to_string();
    (cluster, uri)
}

macro_rules! run_example {
    ($test:ident, $name:ident) => {
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn $test() {
            let (_cluster, uri) = sim().await;
            $name::run(&uri).await.expect(stringify!($name));
        }
    };
}

run_example!(example_basic, basic);
run_example!(example_select_paging, select_paging);
run_example!(example_batch, batch);
run_example!(example_user_defined_type, user_defined_type);
run_example!(example_cql_time_types, cql_time_types);
run_example!(example_custom_serialization, custom_serialization);
run_example!(example_custom_deserialization, custom_deserialization);
run_example!(example_get_by_name, get_by_name);
run_example!(example_execution_profile, execution_profile);
run_example!(example_tracing, tracing);
run_example!(example_compare_tokens, compare_tokens);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn example_parallel() {
    let (_cluster, uri) = sim().await;
    parallel::run(&uri, 2000).await.expect("parallel");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn example_auth() {
    let cluster = SimCluster::builder()
        .nodes(2)
        .unique_addresses()
        .password_authentication()
        .build()
        .await
        .unwrap();
    let uri = cluster.contact_points()[0].to_string();
    auth::run(&uri, "cassandra", "cassandra")
        .await
        .expect("auth");
    assert!(auth::run(&uri, "cassandra", "wrong").await.is_err());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn example_tls() {
    let (target, ca) = tls::tls_sim().await.expect("a TLS cluster");
    tls::run(&target.uri, ca).await.expect("tls");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn example_log_messages() {
    let (_cluster, uri) = sim().await;
    let lines: Vec<String> = (0..250).map(|i| format!("message number {i}")).collect();
    let input = lines.join("\n");
    let mut output: Vec<u8> = Vec::new();
    log_messages::run(&uri, input.as_bytes(), &mut output)
        .await
        .expect("log_messages");
    let printed = String::from_utf8(output).unwrap();
    let expected: String = lines
        .iter()
        .enumerate()
        .map(|(i, l)| format!("{i}: {l}\n"))
        .collect();
    assert_eq!(printed, expected);
}
