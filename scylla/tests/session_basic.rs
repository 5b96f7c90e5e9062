//! The session end to end against scylla-sim: connecting, DDL, unprepared and prepared
//! statements, results.

mod session_util;

use session_util::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connect_create_insert_select() {
    let cluster = cluster(3, 2).await;
    let session = session(&cluster).await;
    let state = session.get_cluster_state();
    assert_eq!(state.get_nodes_info().len(), 3);
    let ks = unique_keyspace("basic");
    create_keyspace(&session, &ks, 3).await;
    session
        .query_unpaged(format!("CREATE TABLE {ks}.t (a int PRIMARY KEY, b text)"), &[])
        .await
        .unwrap();
    let insert = session
        .prepare(format!("INSERT INTO {ks}.t (a, b) VALUES (?, ?)"))
        .await
        .unwrap();
    assert!(insert.is_token_aware());
    for i in 0..20 {
        session
            .execute_unpaged(&insert, (i, format!("v{i}")))
            .await
            .unwrap();
    }
    let result = session
        .query_unpaged(format!("SELECT a, b FROM {ks}.t"), &[])
        .await
        .unwrap()
        .into_rows_result()
        .unwrap();
    let mut rows: Vec<(i32, String)> = result
        .rows::<(i32, String)>()
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    rows.sort();
    assert_eq!(rows.len(), 20);
    assert_eq!(rows[3], (3, "v3".to_owned()));
    // Query with values: prepared behind the scenes.
    let one = session
        .query_unpaged(format!("SELECT b FROM {ks}.t WHERE a = ?"), (7,))
        .await
        .unwrap()
        .into_rows_result()
        .unwrap()
        .single_row::<(String,)>()
        .unwrap();
    assert_eq!(one.0, "v7");
}
