//! Audit of the errors common mistakes get: the code and message a real server
//! (ScyllaDB, Cassandra 4) answers with. Messages are compared whole where the servers
//! agree on them, so that applications matching on them behave the same.

mod exec_support;

use exec_support::*;
use scylla_cql::frame::request::batch::BatchType;
use scylla_cql::frame::response::error::DbError;
use scylla_cql::frame::types::Consistency;
use scylla_cql::serialize::row::SerializedValues;

fn setup() -> Sim {
    let mut s = Sim::with_keyspace();
    s.q(
        "CREATE TABLE t (k int, c int, v int, s int static, l list<int>, m map<text, int>, \
         f frozen<list<int>>, PRIMARY KEY (k, c))",
    )
    .ok();
    s.q("CREATE TABLE cnt (k int PRIMARY KEY, n counter)").ok();
    s.q("CREATE TABLE p2 (a int, b int, c int, v int, PRIMARY KEY ((a, b), c))")
        .ok();
    s.q(
        "CREATE TABLE types (k int PRIMARY KEY, i int, bi bigint, si smallint, ti tinyint, \
         b boolean, f float, d double, ts timestamp, dt date, tm time, u uuid, tu timeuuid, \
         ip inet, txt text, a ascii, dec decimal, du duration)",
    )
    .ok();
    s
}

/// Asserts that `q` fails with `code` and exactly `message`.
#[track_caller]
fn fails(s: &mut Sim, q: &str, code: DbError, message: &str) {
    let e = s.q(q).err().clone();
    assert_eq!((&e.error, e.reason.as_str()), (&code, message), "{q}");
}

#[track_caller]
fn invalid(s: &mut Sim, q: &str, message: &str) {
    fails(s, q, DbError::Invalid, message);
}

#[test]
fn unknown_keyspaces_tables_and_columns() {
    let mut s = setup();
    invalid(&mut s, "SELECT * FROM nosuch", "unconfigured table nosuch");
    invalid(
        &mut s,
        "SELECT * FROM nosuchks.t",
        "Keyspace nosuchks does not exist",
    );
    invalid(&mut s, "SELECT x FROM t", "Undefined column name x");
    invalid(
        &mut s,
        "INSERT INTO t (k, c, x) VALUES (1, 1, 1)",
        "Undefined column name x",
    );
    invalid(
        &mut s,
        "UPDATE t SET x = 1 WHERE k = 1 AND c = 1",
        "Undefined column name x",
    );
    invalid(
        &mut s,
        "DELETE x FROM t WHERE k = 1 AND c = 1",
        "Undefined column name x",
    );
    invalid(
        &mut s,
        "SELECT * FROM t WHERE x = 1",
        "Undefined column name x",
    );
    invalid(&mut s, "USE nosuch", "Keyspace 'nosuch' does not exist");
    invalid(&mut s, "TRUNCATE nosuch", "unconfigured table nosuch");
    invalid(
        &mut s,
        "INSERT INTO nosuch (k) VALUES (1)",
        "unconfigured table nosuch",
    );
}

#[test]
fn bound_values_of_the_wrong_type() {
    let mut s = setup();
    let p = s.prepare(
        "INSERT INTO types (k, i, bi, si, ti, b, f, d, ts, dt, tm, u, tu, ip, txt, a, dec, \
         du) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    );
    // Cassandra's validation messages, after ScyllaDB's "Exception while binding column".
    let cases: &[(usize, V, &str)] = &[
        (
            1,
            bigint(1),
            "Exception while binding column i: Expected 4 or 0 byte int (8)",
        ),
        (
            2,
            int(1),
            "Exception while binding column bi: Expected 8 or 0 byte long (4)",
        ),
        (
            3,
            int(1),
            "Exception while binding column si: Expected 2 bytes for a smallint (4)",
        ),
        (
            4,
            int(1),
            "Exception while binding column ti: Expected 1 byte for a tinyint (4)",
        ),
        (
            5,
            int(1),
            "Exception while binding column b: Expected 1 or 0 byte value (4)",
        ),
        (
            6,
            bigint(1),
            "Exception while binding column f: Expected 4 or 0 byte value for a float (8)",
        ),
        (
            7,
            int(1),
            "Exception while binding column d: Expected 8 or 0 byte value for a double (4)",
        ),
        (
            8,
            int(1),
            "Exception while binding column ts: Expected 8 or 0 byte long for date (4)",
        ),
        (
            9,
            bigint(1),
            "Exception while binding column dt: Expected 4 byte long for date (8)",
        ),
        (
            10,
            int(1),
            "Exception while binding column tm: Expected 8 byte long for time (4)",
        ),
        (
            11,
            int(1),
            "Exception while binding column u: UUID should be 16 or 0 bytes (4)",
        ),
        (
            12,
            int(1),
            "Exception while binding column tu: TimeUUID should be 16 or 0 bytes (4)",
        ),
        (
            12,
            V::B(vec![0; 16]),
            "Exception while binding column tu: Invalid version for TimeUUID type.",
        ),
        (
            13,
            V::B(vec![1, 2, 3]),
            "Exception while binding column ip: Expected 4 or 16 byte inetaddress; got 010203",
        ),
        (
            14,
            V::B(vec![0xff, 0xfe]),
            "Exception while binding column txt: String didn't validate.",
        ),
        (
            15,
            V::B(vec![b'a', 0xc3, 0xa9]),
            "Exception while binding column a: Invalid byte for ascii: -61",
        ),
        (
            16,
            V::B(vec![1, 2]),
            "Exception while binding column dec: Expected 0 or at least 4 bytes (2)",
        ),
    ];
    for (i, value, message) in cases {
        let mut vs = vec![V::Unset; 18];
        vs[0] = int(1);
        vs[*i] = value.clone();
        let e = s.execute(&p, &vs).err().clone();
        assert_eq!((e.error, e.reason.as_str()), (DbError::Invalid, *message));
    }
    // Keys and values inside collections say which column too.
    let e = s
        .qv("SELECT * FROM t WHERE k = ?", &[bigint(1)])
        .err()
        .clone();
    assert_eq!(
        e.reason,
        "Exception while binding column k: Expected 4 or 0 byte int (8)"
    );
    let e = s
        .qv("SELECT * FROM t WHERE k = 1 AND c = ?", &[bigint(1)])
        .err()
        .clone();
    assert_eq!(
        e.reason,
        "Exception while binding column c: Expected 4 or 0 byte int (8)"
    );
    let mut list = 1i32.to_be_bytes().to_vec();
    list.extend_from_slice(&2i32.to_be_bytes());
    list.extend_from_slice(&[0, 1]);
    let e = s
        .qv("UPDATE t SET l = ? WHERE k = 1 AND c = 1", &[V::B(list)])
        .err()
        .clone();
    assert_eq!(
        e.reason,
        "Exception while binding column l: Invalid list element: Expected 4 or 0 byte int (2)"
    );
}

#[test]
fn restrictions_and_ordering() {
    let mut s = setup();
    invalid(
        &mut s,
        "UPDATE t SET v = 1 WHERE c = 1",
        "Some partition key parts are missing: k",
    );
    invalid(
        &mut s,
        "DELETE FROM t WHERE c = 1",
        "Some partition key parts are missing: k",
    );
    invalid(
        &mut s,
        "INSERT INTO t (c, v) VALUES (1, 1)",
        "Some partition key parts are missing: k",
    );
    invalid(
        &mut s,
        "INSERT INTO t (k, v) VALUES (1, 1)",
        "Some clustering keys are missing: c",
    );
    invalid(
        &mut s,
        "SELECT * FROM p2 WHERE a = 1",
        "Partition key parts: b must be restricted as other parts are",
    );
    invalid(
        &mut s,
        "SELECT * FROM t WHERE c = 1",
        "Cannot execute this query as it might involve data filtering and thus may have \
         unpredictable performance. If you want to execute this query despite the performance \
         unpredictability, use ALLOW FILTERING",
    );
    invalid(
        &mut s,
        "SELECT * FROM t WHERE k = 1 ORDER BY v",
        "Order by is currently only supported on the clustered columns of the PRIMARY KEY, got v",
    );
    invalid(
        &mut s,
        "SELECT * FROM t ORDER BY c",
        "ORDER BY is only supported when the partition key is restricted by an EQ or an IN.",
    );
    invalid(
        &mut s,
        "SELECT * FROM t WHERE k = 1 LIMIT 0",
        "LIMIT must be strictly positive",
    );
    invalid(
        &mut s,
        "SELECT * FROM t WHERE k = 1 LIMIT -5",
        "LIMIT must be strictly positive",
    );
    invalid(
        &mut s,
        "SELECT * FROM t WHERE k = 1 PER PARTITION LIMIT 0",
        "PER PARTITION LIMIT must be strictly positive",
    );
    invalid(
        &mut s,
        "INSERT INTO t (k, c, v) VALUES (null, 1, 1)",
        "Invalid null value in condition for column k",
    );
}

#[test]
fn counters() {
    let mut s = setup();
    invalid(
        &mut s,
        "CREATE TABLE mix (k int PRIMARY KEY, n counter, v int)",
        "Cannot mix counter and non counter columns in the same table",
    );
    invalid(
        &mut s,
        "INSERT INTO cnt (k, n) VALUES (1, 1)",
        "INSERT statements are not allowed on counter tables, use UPDATE instead",
    );
    invalid(
        &mut s,
        "UPDATE cnt SET n = 1 WHERE k = 1",
        "Cannot set the value of counter column n (counters can only be incremented/decremented, \
         not set)",
    );
    // Before: TTL 0 and USING TIMESTAMP were accepted on counter updates.
    for q in [
        "UPDATE cnt USING TTL 10 SET n = n + 1 WHERE k = 1",
        "UPDATE cnt USING TTL 0 SET n = n + 1 WHERE k = 1",
    ] {
        invalid(&mut s, q, "Cannot provide custom TTL for counter updates");
    }
    for q in [
        "UPDATE cnt USING TIMESTAMP 10 SET n = n + 1 WHERE k = 1",
        "DELETE FROM cnt USING TIMESTAMP 10 WHERE k = 1",
        "BEGIN COUNTER BATCH UPDATE cnt USING TIMESTAMP 10 SET n = n + 1 WHERE k = 1; APPLY BATCH",
    ] {
        invalid(
            &mut s,
            q,
            "Cannot provide custom timestamp for counter updates",
        );
    }
    invalid(
        &mut s,
        "BEGIN COUNTER BATCH USING TIMESTAMP 10 UPDATE cnt SET n = n + 1 WHERE k = 1; APPLY BATCH",
        "Cannot provide custom timestamp for counter BATCH",
    );
    invalid(
        &mut s,
        "BEGIN UNLOGGED BATCH USING TIMESTAMP 10 UPDATE cnt SET n = n + 1 WHERE k = 1; APPLY \
         BATCH",
        "Cannot provide custom timestamp for a BATCH containing counters",
    );
    invalid(
        &mut s,
        "BEGIN BATCH UPDATE cnt SET n = n + 1 WHERE k = 1; INSERT INTO t (k, c) VALUES (1, 1); \
         APPLY BATCH",
        "Counter and non-counter mutations cannot exist in the same batch",
    );
    invalid(
        &mut s,
        "UPDATE cnt SET n = n + 1 WHERE k = 1 IF n = 1",
        "Conditions on counters are not supported",
    );
    // Nothing above changed the counter; a protocol-level batch timestamp (what drivers
    // send with client-side timestamps) is fine.
    assert!(s.q("SELECT n FROM cnt").rows().rows.is_empty());
    s.batch(
        BatchType::Counter,
        vec![text_stmt("UPDATE cnt SET n = n + 2 WHERE k = 1")],
        vec![SerializedValues::new()],
        Consistency::One,
        Some(12345),
    )
    .ok();
    assert_eq!(s.q("SELECT n FROM cnt").rows().rows.len(), 1);
}

#[test]
fn schema_statements() {
    let mut s = setup();
    invalid(
        &mut s,
        "ALTER TABLE t DROP k",
        "Cannot drop PRIMARY KEY part k",
    );
    invalid(
        &mut s,
        "ALTER TABLE t DROP c",
        "Cannot drop PRIMARY KEY part c",
    );
    invalid(
        &mut s,
        "ALTER TABLE t ALTER k TYPE bigint",
        "Altering column types is no longer supported",
    );
    invalid(
        &mut s,
        "ALTER TABLE t RENAME v TO w",
        "Cannot rename non PRIMARY KEY column v",
    );
    invalid(
        &mut s,
        "ALTER TABLE t ADD v int",
        "Invalid column name v because it conflicts with an existing column",
    );
    invalid(
        &mut s,
        "DROP TABLE nosuch",
        "Table 'ks.nosuch' doesn't exist",
    );
    // ScyllaDB (like Cassandra 3) refuses with a configuration error.
    fails(
        &mut s,
        "DROP KEYSPACE nosuch",
        DbError::ConfigError,
        "Cannot drop non existing keyspace 'nosuch'.",
    );
    invalid(
        &mut s,
        "DROP TYPE nosuch",
        "No user type named ks.nosuch exists.",
    );
    for q in [
        "DROP TABLE IF EXISTS nosuch",
        "DROP KEYSPACE IF EXISTS nosuch",
        "DROP TYPE IF EXISTS nosuch",
        "CREATE TABLE IF NOT EXISTS t (k int PRIMARY KEY)",
        "CREATE KEYSPACE IF NOT EXISTS ks WITH replication = {'class': 'SimpleStrategy', \
         'replication_factor': 1}",
    ] {
        assert!(matches!(s.q(q).res, Res::Void), "{q}");
    }
    fails(
        &mut s,
        "CREATE TABLE t (k int PRIMARY KEY)",
        DbError::AlreadyExists {
            keyspace: "ks".into(),
            table: "t".into(),
        },
        "Cannot add already existing table \"t\" to keyspace \"ks\"",
    );
    fails(
        &mut s,
        "CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', \
         'replication_factor': 1}",
        DbError::AlreadyExists {
            keyspace: "ks".into(),
            table: String::new(),
        },
        "Cannot add already existing keyspace \"ks\"",
    );
    // Before: a key column declared twice was silently merged.
    for q in [
        "CREATE TABLE dup (k int PRIMARY KEY, k int)",
        "CREATE TABLE dup (k int, c int, c text, PRIMARY KEY (k, c))",
    ] {
        let name = if q.contains("c text") { "c" } else { "k" };
        invalid(
            &mut s,
            q,
            &format!("Multiple definition of identifier {name}"),
        );
    }
    fails(
        &mut s,
        "CREATE TABLE o (k int PRIMARY KEY) WITH default_time_to_live = -1",
        DbError::ConfigError,
        "default_time_to_live must be greater than or equal to 0 (got -1)",
    );
    fails(
        &mut s,
        "CREATE TABLE o (k int PRIMARY KEY) WITH default_time_to_live = 630720001",
        DbError::ConfigError,
        "default_time_to_live must be less than or equal to 630720000 (got 630720001)",
    );
    fails(
        &mut s,
        "CREATE TABLE o (k int PRIMARY KEY) WITH nonsense = 1",
        DbError::SyntaxError,
        "Unknown property 'nonsense'",
    );
}

#[test]
fn ttl_timestamps_and_literals() {
    let mut s = setup();
    invalid(
        &mut s,
        "INSERT INTO t (k, c, v) VALUES (1, 1, 1) USING TTL 630720001",
        "ttl is too large. requested (630720001) maximum (630720000)",
    );
    invalid(
        &mut s,
        "INSERT INTO t (k, c, v) VALUES (1, 1, 1) USING TTL -1",
        "A TTL must be greater or equal to 0, but was -1",
    );
    let e = s
        .qv(
            "UPDATE t USING TTL ? SET v = 1 WHERE k = 1 AND c = 1",
            &[int(630_720_001)],
        )
        .err()
        .clone();
    assert_eq!(
        e.reason,
        "ttl is too large. requested (630720001) maximum (630720000)"
    );
    invalid(
        &mut s,
        "INSERT INTO t (k, c, v) VALUES (1, 1, 1) IF NOT EXISTS USING TIMESTAMP 5",
        "Cannot provide custom timestamp for conditional updates",
    );
    invalid(
        &mut s,
        "INSERT INTO types (k, u) VALUES (1, 'zzz')",
        "Unable to make UUID from 'zzz'",
    );
    invalid(
        &mut s,
        "INSERT INTO types (k, ts) VALUES (1, 'yesterday')",
        "Unable to parse a date/time from 'yesterday'",
    );
    invalid(
        &mut s,
        "INSERT INTO types (k, i) VALUES (1, 'a')",
        "Invalid STRING constant (a) for \"i\" of type int",
    );
    invalid(
        &mut s,
        "INSERT INTO types (k, i) VALUES (1, 2147483648)",
        "Unable to make int from '2147483648'",
    );
}

#[test]
fn lightweight_transactions_and_batches() {
    let mut s = setup();
    invalid(
        &mut s,
        "BEGIN BATCH INSERT INTO t (k, c) VALUES (1, 1) IF NOT EXISTS; INSERT INTO t (k, c) \
         VALUES (2, 1) IF NOT EXISTS; APPLY BATCH",
        "Batch with conditions cannot span multiple partitions",
    );
    invalid(
        &mut s,
        "BEGIN BATCH INSERT INTO t (k, c) VALUES (1, 1) IF NOT EXISTS; INSERT INTO p2 (a, b, c) \
         VALUES (1, 1, 1); APPLY BATCH",
        "Batch with conditions cannot span multiple tables",
    );
    invalid(
        &mut s,
        "BEGIN BATCH USING TIMESTAMP 1 INSERT INTO t (k, c) VALUES (1, 1) IF NOT EXISTS; APPLY \
         BATCH",
        "Cannot provide custom timestamp for conditional BATCH",
    );
    invalid(
        &mut s,
        "UPDATE t SET v = 1 WHERE k IN (1, 2) AND c = 1 IF v = 1",
        "IN on the partition key is not supported with conditional updates",
    );
    // Before: accepted, and never applied.
    invalid(
        &mut s,
        "DELETE FROM t WHERE k = 1 IF v = 1",
        "DELETE statements must restrict all PRIMARY KEY columns with equality relations in \
         order to use IF condition on non static columns",
    );
    invalid(
        &mut s,
        "DELETE s, v FROM t WHERE k = 1 IF s = 1",
        "DELETE statements must restrict all PRIMARY KEY columns with equality relations in \
         order to delete non static columns",
    );
    // Conditions on static columns and IF EXISTS do not need the clustering key.
    s.q("DELETE FROM t WHERE k = 1 IF s = 1").ok();
    s.q("DELETE FROM t WHERE k = 1 IF EXISTS").ok();
    let e = s
        .batch(
            BatchType::Logged,
            vec![text_stmt("SELECT * FROM t")],
            vec![SerializedValues::new()],
            Consistency::One,
            None,
        )
        .err()
        .clone();
    assert_eq!(
        e.reason,
        "Invalid statement in batch: only UPDATE, INSERT and DELETE statements are allowed."
    );
}

#[test]
fn repeated_assignments() {
    let mut s = setup();
    // Cassandra and ScyllaDB find these while parsing: syntax errors.
    fails(
        &mut s,
        "UPDATE t SET v = 1, v = 2 WHERE k = 1 AND c = 1",
        DbError::SyntaxError,
        "Multiple incompatible setting of column v",
    );
    invalid(
        &mut s,
        "INSERT INTO t (k, c, v, v) VALUES (1, 1, 1, 1)",
        "Multiple definitions found for column v",
    );
    // Increments of one counter add up.
    s.q("UPDATE cnt SET n = n + 1, n = n + 2 WHERE k = 1").ok();
}
