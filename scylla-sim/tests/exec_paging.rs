//! Paging: page sizes, states resumed on other nodes, limits across pages, forged
//! states.

mod exec_support;

use exec_support::*;
use scylla_cql::frame::response::error::DbError;

fn setup() -> Sim {
    let mut s = Sim::with_keyspace();
    s.q("CREATE TABLE t (k int, c int, v int, s int static, PRIMARY KEY (k, c))")
        .ok();
    let p = s.prepare("INSERT INTO t (k, c, v) VALUES (?, ?, ?)");
    for k in 0..10 {
        for c in 0..7 {
            s.execute(&p, &[int(k), int(c), int(k * 100 + c)]).ok();
        }
    }
    // A partition with only a static row.
    s.q("INSERT INTO t (k, s) VALUES (50, 1)").ok();
    s
}

/// Reads `q` page by page, each page on the next node; returns the pages' row counts
/// and all `v` values.
fn read_all(s: &mut Sim, q: &str, vs: &[V], page: i32) -> (Vec<usize>, Vec<Option<i32>>) {
    let mut state = None;
    let mut sizes = Vec::new();
    let mut out = Vec::new();
    for i in 0.. {
        let r = s.query_on(i % 3, 0, q, paged(vs, page, state.clone()));
        let rows = r.rows().clone();
        sizes.push(rows.rows.len());
        out.extend(rows.ints("v"));
        match rows.paging_state {
            Some(st) => state = Some(st),
            None => break,
        }
        assert!(i < 1000, "paging does not end");
    }
    (sizes, out)
}

#[test]
fn full_scan_in_pages_across_nodes() {
    let mut s = setup();
    let all = s.q("SELECT v FROM t").rows().ints("v");
    assert_eq!(all.len(), 71);
    let (sizes, paged_all) = read_all(&mut s, "SELECT v FROM t", &[], 9);
    assert_eq!(paged_all, all);
    assert!(sizes[..sizes.len() - 1].iter().all(|n| *n == 9));
    // Exact multiple: the last page is full and says there is no more.
    let (sizes, got) = read_all(&mut s, "SELECT v FROM t WHERE k = 3", &[], 7);
    assert_eq!(sizes, [7]);
    assert_eq!(got.len(), 7);
    let (sizes, _) = read_all(&mut s, "SELECT v FROM t", &[], 71);
    assert_eq!(sizes, [71]);
}

#[test]
fn paging_with_limits_order_and_in() {
    let mut s = setup();
    let (_, got) = read_all(&mut s, "SELECT v FROM t LIMIT 20", &[], 6);
    assert_eq!(got.len(), 20);
    assert_eq!(got, s.q("SELECT v FROM t LIMIT 20").rows().ints("v"));
    let (_, got) = read_all(&mut s, "SELECT v FROM t PER PARTITION LIMIT 3", &[], 4);
    assert_eq!(
        got,
        s.q("SELECT v FROM t PER PARTITION LIMIT 3")
            .rows()
            .ints("v")
    );
    assert_eq!(got.len(), 31);
    let (_, got) = read_all(
        &mut s,
        "SELECT v FROM t WHERE k = 2 ORDER BY c DESC",
        &[],
        2,
    );
    assert_eq!(got, [206, 205, 204, 203, 202, 201, 200].map(Some).to_vec());
    let (_, got) = read_all(
        &mut s,
        "SELECT v FROM t WHERE k IN ? AND c > 4",
        &[V::B(list_of(&[1, 2, 3]))],
        2,
    );
    let mut sorted = got.clone();
    sorted.sort();
    assert_eq!(sorted, [105, 106, 205, 206, 305, 306].map(Some).to_vec());
    let (_, got) = read_all(
        &mut s,
        "SELECT v FROM t WHERE c = 6 ALLOW FILTERING",
        &[],
        3,
    );
    assert_eq!(got.len(), 10);
    let mut state = None;
    let mut keys = 0;
    loop {
        let r = s.query_on(
            1,
            0,
            "SELECT DISTINCT k FROM t",
            paged(&[], 4, state.clone()),
        );
        keys += r.rows().rows.len();
        match r.rows().paging_state.clone() {
            Some(st) => state = Some(st),
            None => break,
        }
    }
    assert_eq!(keys, 11);
}

fn list_of(items: &[i32]) -> Vec<u8> {
    let mut out = (items.len() as i32).to_be_bytes().to_vec();
    for i in items {
        out.extend_from_slice(&4i32.to_be_bytes());
        out.extend_from_slice(&i.to_be_bytes());
    }
    out
}

#[test]
fn prepared_paging_resumes_on_any_node() {
    let mut s = setup();
    let p = s.prepare("SELECT v FROM t WHERE k = ?");
    let r = s.execute_on(0, 0, &p, paged(&[int(4)], 3, None), None);
    let first = r.rows().clone();
    assert_eq!(first.rows.len(), 3);
    let state = first.paging_state.clone().expect("more pages");
    // Another node needs the statement prepared; the state then works there.
    s.prepare_on(2, "SELECT v FROM t WHERE k = ?").ok();
    let r = s.execute_on(2, 1, &p, paged(&[int(4)], 3, Some(state)), None);
    assert_eq!(r.rows().ints("v"), [Some(403), Some(404), Some(405)]);
}

#[test]
fn forged_states_are_invalid() {
    let mut s = setup();
    let r = s.query_on(0, 0, "SELECT v FROM t", paged(&[], 5, None));
    let state = r.rows().paging_state.clone().unwrap();
    for i in 0..state.len() {
        let mut bad = state.clone();
        bad[i] ^= 0x55;
        let r = s.query_on(0, 0, "SELECT v FROM t", paged(&[], 5, Some(bad)));
        assert_eq!(r.err().error, DbError::Invalid);
    }
    let r = s.query_on(0, 0, "SELECT v FROM t", paged(&[], 5, Some(vec![1, 2, 3])));
    assert_eq!(r.invalid(), "Invalid value for the paging state");
    // A state of another statement is refused too.
    let r = s.query_on(0, 0, "SELECT c FROM t", paged(&[], 5, Some(state)));
    assert_eq!(r.err().error, DbError::Invalid);
}
