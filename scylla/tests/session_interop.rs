//! Cross-driver check against scylla-sim: a row with every CQL type written by this
//! driver reads back equal in the Python `cassandra-driver`, and rows the Python driver
//! writes (from its own values, and by copying ours) read back equal here.
//!
//! Uses the repository's `.venv` (created by `make venv`, which `make test` runs
//! first). Without it the test is skipped with a message, unless `SCYLLA_REQUIRE_VENV`
//! is set (as `make test` does), when it fails.

mod session_util;

use std::collections::{BTreeMap, BTreeSet};
use std::net::IpAddr;
use std::path::PathBuf;
use std::process::Command;

use scylla::value::{
    CqlDate, CqlDecimal, CqlDuration, CqlTime, CqlTimestamp, CqlTimeuuid, CqlVarint,
};
use scylla::{DeserializeRow, DeserializeValue, SerializeRow, SerializeValue};
use session_util::*;
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, SerializeValue, DeserializeValue)]
struct Addr {
    street: String,
    no: i32,
}

#[derive(Debug, Clone, PartialEq, SerializeRow, DeserializeRow)]
struct AllTypes {
    id: i32,
    a: String,
    bi: i64,
    bl: Vec<u8>,
    bo: bool,
    d: CqlDate,
    de: CqlDecimal,
    db: f64,
    du: CqlDuration,
    f: f32,
    i4: IpAddr,
    i6: IpAddr,
    i: i32,
    si: i16,
    ti: i8,
    tx: String,
    tm: CqlTime,
    ts: CqlTimestamp,
    tu: CqlTimeuuid,
    u: Uuid,
    vi: CqlVarint,
    li: Vec<i32>,
    se: BTreeSet<String>,
    ma: BTreeMap<String, i32>,
    tup: (i32, String),
    ad: Addr,
    ne: Vec<BTreeMap<i32, String>>,
    nu: Option<String>,
}

fn expected(id: i32) -> AllTypes {
    AllTypes {
        id,
        a: "ascii only".to_owned(),
        bi: -1_234_567_890_123,
        bl: vec![0, 1, 0xff],
        bo: true,
        // 2024-02-29
        d: CqlDate((1u32 << 31) + 19782),
        // 123.456
        de: CqlDecimal::from_signed_be_bytes_slice_and_exponent(&[0x01, 0xe2, 0x40], 3),
        db: 3.5,
        du: CqlDuration {
            months: 1,
            days: 2,
            nanoseconds: 3,
        },
        f: 1.25,
        i4: "192.168.1.1".parse().unwrap(),
        i6: "::1".parse().unwrap(),
        i: 42,
        si: -7,
        ti: 5,
        tx: "zażółć gęślą jaźń ✓".to_owned(),
        // 12:34:56.789
        tm: CqlTime(45_296_789_000_000),
        // 2021-03-04T05:06:07.089Z
        ts: CqlTimestamp(1_614_834_367_089),
        tu: CqlTimeuuid::from(Uuid::parse_str("8e14e760-7fa8-11eb-bc66-000000000001").unwrap()),
        u: Uuid::parse_str("0e5e7a06-3c3b-4b4e-9d28-2f8a2b2b9a3c").unwrap(),
        // 123456789012345678901234567890
        vi: CqlVarint::from_signed_bytes_be(vec![
            1, 142, 233, 15, 246, 195, 115, 224, 238, 78, 63, 10, 210,
        ]),
        li: vec![1, 2, 3],
        se: ["a".to_owned(), "b".to_owned()].into(),
        ma: [("x".to_owned(), 1), ("y".to_owned(), -2)].into(),
        tup: (1, "t".to_owned()),
        ad: Addr {
            street: "Main".to_owned(),
            no: 7,
        },
        ne: vec![
            [(1, "a".to_owned())].into(),
            [(2, "b".to_owned()), (3, "c".to_owned())].into(),
        ],
        nu: None,
    }
}

const PYTHON_SCRIPT: &str = r#"
import sys, uuid, datetime, decimal
from cassandra.cluster import Cluster
from cassandra.util import Date, Time, Duration

host, port, ks = sys.argv[1], int(sys.argv[2]), sys.argv[3]

class Addr(object):
    def __init__(self, street=None, no=None):
        self.street = street
        self.no = no

cluster = Cluster([host], port=port, protocol_version=4)
cluster.register_user_type(ks, 'addr', Addr)
session = cluster.connect(ks)

E = dict(
    a='ascii only', bi=-1234567890123, bl=b'\x00\x01\xff', bo=True,
    d=Date(datetime.date(2024, 2, 29)), de=decimal.Decimal('123.456'), db=3.5,
    du=Duration(1, 2, 3), f=1.25, i4='192.168.1.1', i6='::1', i=42, si=-7, ti=5,
    tx=u'zażółć gęślą jaźń ✓', tm=Time(datetime.time(12, 34, 56, 789000)),
    ts=datetime.datetime(2021, 3, 4, 5, 6, 7, 89000),
    tu=uuid.UUID('8e14e760-7fa8-11eb-bc66-000000000001'),
    u=uuid.UUID('0e5e7a06-3c3b-4b4e-9d28-2f8a2b2b9a3c'),
    vi=123456789012345678901234567890, li=[1, 2, 3], se={'a', 'b'},
    ma={'x': 1, 'y': -2}, tup=(1, 't'), ne=[{1: 'a'}, {2: 'b', 3: 'c'}], nu=None,
)
COLUMNS = list(E.keys()) + ['ad']

def normalize(name, v):
    if v is None:
        return None
    if name == 'se':
        return set(v)
    if name == 'ma':
        return dict(v)
    if name == 'ne':
        return [dict(x) for x in v]
    if name == 'li':
        return list(v)
    if name == 'tup':
        return tuple(v)
    if name == 'ad':
        return (v.street, v.no)
    return v

row = session.execute('SELECT * FROM all_types WHERE id = 1').one()
assert row is not None, 'row 1 written by the Rust driver is missing'
for name, want in E.items():
    got = normalize(name, getattr(row, name))
    assert got == want, '%s: read %r, expected %r' % (name, got, want)
assert normalize('ad', row.ad) == ('Main', 7), row.ad

insert = session.prepare(
    'INSERT INTO all_types (id, %s) VALUES (?, %s)' % (', '.join(COLUMNS), ', '.join('?' * len(COLUMNS))))
session.execute(insert, [2] + [E[c] for c in E] + [Addr('Main', 7)])
session.execute(insert, [3] + [getattr(row, c) for c in COLUMNS])
cluster.shutdown()
print('python: OK')
"#;

fn python() -> Option<PathBuf> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let python = root.join(".venv").join("bin").join("python");
    python.exists().then_some(python)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_cql_type_round_trips_with_the_python_driver() {
    let Some(python) = python() else {
        // `make test` sets SCYLLA_REQUIRE_VENV: there a missing venv is a failure, not a skip.
        assert!(
            std::env::var_os("SCYLLA_REQUIRE_VENV").is_none(),
            "the Python venv (.venv) is missing but SCYLLA_REQUIRE_VENV is set; run `make venv`"
        );
        eprintln!(
            "SKIPPED: the Python venv (.venv) is missing; run `make venv` (or `make test`) to create it"
        );
        return;
    };
    let cluster = cluster(1, 2).await;
    let session = session(&cluster).await;
    let ks = unique_keyspace("interop");
    create_keyspace(&session, &ks, 1).await;
    session
        .query_unpaged(format!("CREATE TYPE {ks}.addr (street text, no int)"), &[])
        .await
        .unwrap();
    session
        .query_unpaged(
            format!(
                "CREATE TABLE {ks}.all_types (id int PRIMARY KEY, a ascii, bi bigint, bl blob, \
                 bo boolean, d date, de decimal, db double, du duration, f float, i4 inet, \
                 i6 inet, i int, si smallint, ti tinyint, tx text, tm time, ts timestamp, \
                 tu timeuuid, u uuid, vi varint, li list<int>, se set<text>, \
                 ma map<text, int>, tup tuple<int, text>, ad frozen<addr>, \
                 ne frozen<list<frozen<map<int, text>>>>, nu text)"
            ),
            &[],
        )
        .await
        .unwrap();
    let insert = session
        .prepare(format!(
            "INSERT INTO {ks}.all_types (id, a, bi, bl, bo, d, de, db, du, f, i4, i6, i, si, \
             ti, tx, tm, ts, tu, u, vi, li, se, ma, tup, ad, ne, nu) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        ))
        .await
        .unwrap();
    session.execute_unpaged(&insert, expected(1)).await.unwrap();
    // Our own read first.
    let ours: AllTypes = select_one(
        &session,
        format!("SELECT * FROM {ks}.all_types WHERE id = 1"),
    )
    .await;
    assert_eq!(ours, expected(1));

    let script = std::env::temp_dir().join(format!("scylla_interop_{}.py", std::process::id()));
    std::fs::write(&script, PYTHON_SCRIPT).unwrap();
    let contact = cluster.contact_points()[0];
    let ks_arg = ks.clone();
    let output = tokio::task::spawn_blocking(move || {
        Command::new(python)
            .arg(&script)
            .arg(contact.ip().to_string())
            .arg(contact.port().to_string())
            .arg(&ks_arg)
            .output()
    })
    .await
    .unwrap()
    .expect("run python");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success() && stdout.contains("python: OK"),
        "the Python driver disagrees:\nstdout: {stdout}\nstderr: {stderr}"
    );

    for id in [2, 3] {
        let theirs: AllTypes = select_one(
            &session,
            format!("SELECT * FROM {ks}.all_types WHERE id = {id}"),
        )
        .await;
        assert_eq!(
            theirs,
            expected(id),
            "row {id} written by the Python driver"
        );
    }
}
