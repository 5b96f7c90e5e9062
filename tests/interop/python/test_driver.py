"""The Python cassandra-driver against scylla-sim.

One 3-node cluster in two datacenters (dc1: 2 nodes, dc2: 1 node). The driver runs with
its defaults (protocol negotiation included: it starts with v5, the sim answers with a
protocol error and the driver downgrades to v4) and TokenAwarePolicy over
DCAwareRoundRobinPolicy. Every test asserts the values it reads back.
"""

import datetime
import decimal
import logging
import re
import time
import unittest
import uuid

from cassandra import ConsistencyLevel, InvalidRequest, ProtocolVersion
from cassandra.cluster import Cluster, ExecutionProfile, EXEC_PROFILE_DEFAULT
from cassandra.concurrent import execute_concurrent_with_args
from cassandra.metadata import Murmur3Token
from cassandra.policies import DCAwareRoundRobinPolicy, TokenAwarePolicy
from cassandra.query import BatchStatement, BatchType, SimpleStatement
from cassandra.util import Date, Duration, OrderedMapSerializedKey, SortedSet, Time

from common import sim_hosts, sim_port

KS = "interop"

cluster = None
session = None


class Recorder(logging.Handler):
    """Keeps the driver's log messages (the protocol downgrade is logged)."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.messages = []

    def emit(self, record):
        self.messages.append(record.getMessage())


driver_log = Recorder()
logging.getLogger("cassandra").addHandler(driver_log)
logging.getLogger("cassandra").setLevel(logging.INFO)


def make_cluster(**kwargs):
    profile = ExecutionProfile(
        load_balancing_policy=TokenAwarePolicy(DCAwareRoundRobinPolicy(local_dc="dc1")),
        consistency_level=ConsistencyLevel.LOCAL_QUORUM,
        request_timeout=30,
    )
    return Cluster(
        contact_points=[sim_hosts()[0]],
        port=sim_port(),
        execution_profiles={EXEC_PROFILE_DEFAULT: profile},
        connect_timeout=10,
        control_connection_timeout=10,
        **kwargs,
    )


def setUpModule():
    global cluster, session
    cluster = make_cluster()
    session = cluster.connect()
    session.execute(
        "CREATE KEYSPACE IF NOT EXISTS interop WITH replication = "
        "{'class': 'NetworkTopologyStrategy', 'dc1': 2, 'dc2': 1}"
    )
    session.execute(
        "CREATE TYPE IF NOT EXISTS interop.address "
        "(street text, number int, tags set<text>, location frozen<tuple<double, double>>)"
    )


def tearDownModule():
    if cluster is not None:
        cluster.shutdown()


class Address:
    """Registered for interop.address so UDT values map to a plain class."""

    def __init__(self, street=None, number=None, tags=None, location=None):
        self.street = street
        self.number = number
        self.tags = tags
        self.location = location

    def __eq__(self, other):
        return isinstance(other, Address) and vars(self) == vars(other)

    def __repr__(self):
        return "Address(%r)" % (vars(self),)


ALL_TYPES_DDL = """
CREATE TABLE IF NOT EXISTS interop.all_types (
    pk int,
    ck text,
    c_ascii ascii,
    c_bigint bigint,
    c_blob blob,
    c_boolean boolean,
    c_date date,
    c_decimal decimal,
    c_double double,
    c_duration duration,
    c_float float,
    c_inet inet,
    c_inet6 inet,
    c_int int,
    c_smallint smallint,
    c_text text,
    c_time time,
    c_timestamp timestamp,
    c_timeuuid timeuuid,
    c_tinyint tinyint,
    c_uuid uuid,
    c_varchar varchar,
    c_varint varint,
    c_list list<int>,
    c_set set<text>,
    c_map map<text, bigint>,
    c_tuple tuple<int, text, double>,
    c_frozen_list frozen<list<frozen<set<int>>>>,
    c_udt frozen<address>,
    c_udt_list list<frozen<address>>,
    c_nested map<timeuuid, frozen<map<text, frozen<list<varint>>>>>,
    c_vector vector<float, 3>,
    c_vector_text vector<text, 2>,
    PRIMARY KEY (pk, ck)
) WITH CLUSTERING ORDER BY (ck DESC) AND comment = 'every CQL type'
"""

SCALAR_COLUMNS = [
    ("c_ascii", "ascii"),
    ("c_bigint", "bigint"),
    ("c_blob", "blob"),
    ("c_boolean", "boolean"),
    ("c_date", "date"),
    ("c_decimal", "decimal"),
    ("c_double", "double"),
    ("c_duration", "duration"),
    ("c_float", "float"),
    ("c_inet", "inet"),
    ("c_inet6", "inet"),
    ("c_int", "int"),
    ("c_smallint", "smallint"),
    ("c_text", "text"),
    ("c_time", "time"),
    ("c_timestamp", "timestamp"),
    ("c_timeuuid", "timeuuid"),
    ("c_tinyint", "tinyint"),
    ("c_uuid", "uuid"),
    ("c_varchar", "text"),
    ("c_varint", "varint"),
]
COLLECTION_COLUMNS = [
    ("c_list", "list<int>"),
    ("c_set", "set<text>"),
    ("c_map", "map<text, bigint>"),
    ("c_tuple", "frozen<tuple<int, text, double>>"),
    ("c_frozen_list", "frozen<list<frozen<set<int>>>>"),
    ("c_udt", "frozen<address>"),
    ("c_udt_list", "list<frozen<address>>"),
    ("c_nested", "map<timeuuid, frozen<map<text, frozen<list<varint>>>>>"),
    ("c_vector", "vector<float, 3>"),
    ("c_vector_text", "vector<text, 2>"),
]
ALL_COLUMNS = ["pk", "ck"] + [c for c, _ in SCALAR_COLUMNS + COLLECTION_COLUMNS]


def sample_row():
    tu = uuid.UUID("d2177dd0-eaa2-11de-a572-001b779c76e3")
    return {
        "pk": 1,
        "ck": "every type ✓",
        "c_ascii": "plain ascii",
        "c_bigint": -9223372036854775808,
        "c_blob": bytes(range(256)),
        "c_boolean": True,
        "c_date": Date(datetime.date(2024, 2, 29)),
        "c_decimal": decimal.Decimal("-123456789012345678901234567890.0987654321"),
        "c_double": 2.718281828459045,
        "c_duration": Duration(14, 3, 123456789),
        "c_float": 1.5,
        "c_inet": "192.168.10.1",
        "c_inet6": "2001:db8::ff00:42:8329",
        "c_int": 2147483647,
        "c_smallint": -32768,
        "c_text": "zażółć gęślą jaźń 日本語",
        "c_time": Time(datetime.time(23, 59, 58, 999999)),
        "c_timestamp": datetime.datetime(2021, 3, 4, 5, 6, 7, 891000),
        "c_timeuuid": tu,
        "c_tinyint": 127,
        "c_uuid": uuid.UUID("123e4567-e89b-12d3-a456-426614174000"),
        "c_varchar": "varchar value",
        "c_varint": 2**100 + 12345,
        "c_list": [3, 1, 2, 1],
        "c_set": {"b", "a", "c"},
        "c_map": {"one": 1, "minus": -1, "big": 2**62},
        "c_tuple": (7, "seven", 7.25),
        "c_frozen_list": [{1, 2}, set(), {3}],
        "c_udt": Address("Main St", 42, {"home", "work"}, (52.2297, 21.0122)),
        "c_udt_list": [Address("A", 1, None, None), Address(None, None, {"x"}, (0.0, -1.5))],
        "c_nested": {tu: {"k": [1, -2, 2**80]}},
        "c_vector": [1.0, -2.5, 0.125],
        "c_vector_text": ["vec", "tör"],
    }


def normalize(column, value):
    """Maps what the driver returns to the shapes sample_row() uses."""
    if value is None:
        return None
    if isinstance(value, SortedSet):
        return set(value)
    if isinstance(value, OrderedMapSerializedKey) or isinstance(value, dict):
        return {k: normalize(column, v) for k, v in value.items()}
    if isinstance(value, list):
        return [normalize(column, v) for v in value]
    if isinstance(value, Address):
        return Address(
            value.street, value.number, normalize(column, value.tags), value.location
        )
    return value


class DriverTest(unittest.TestCase):
    maxDiff = None

    def test_01_discovers_all_nodes(self):
        # The driver offered a newer version first and was told to downgrade.
        downgrades = [
            tuple(map(int, m.groups()))
            for m in (re.search(r"from (\d+) to (\d+)", x) for x in driver_log.messages if "Downgrading" in x)
            if m
        ]
        self.assertTrue(downgrades, "the driver never downgraded its protocol version")
        self.assertGreaterEqual(downgrades[0][0], 5)
        self.assertEqual(downgrades[-1][1], 4)
        self.assertEqual(cluster.protocol_version, ProtocolVersion.V4)
        hosts = sorted((h.address, h.datacenter) for h in cluster.metadata.all_hosts())
        expected = sorted(zip(sim_hosts(), ["dc1", "dc1", "dc2"]))
        self.assertEqual(hosts, expected)
        local = [h for h in cluster.metadata.all_hosts() if h.datacenter == "dc1"]
        self.assertTrue(all(h.is_up for h in local), [(h, h.is_up) for h in local])
        self.assertEqual(cluster.metadata.cluster_name, "scylla-sim")
        # 256 vnodes per node, all distinct, every host owns some.
        token_map = cluster.metadata.token_map
        self.assertEqual(len(token_map.ring), 3 * 256)
        owners = {token_map.token_to_host_owner[t].address for t in token_map.ring}
        self.assertEqual(owners, set(sim_hosts()))
        # NetworkTopologyStrategy replicas: two in dc1, one in dc2.
        for key in (b"a", b"b", b"\x00\x00\x00\x07"):
            replicas = cluster.metadata.get_replicas(KS, key)
            dcs = sorted(h.datacenter for h in replicas)
            self.assertEqual(dcs, ["dc1", "dc1", "dc2"], key)
        # The connected pools follow the load-balancing policy: local dc only.
        pooled = sorted(h.address for h in session.get_pool_state())
        self.assertEqual(pooled, sim_hosts()[:2])

    def test_02_every_type_round_trips_through_prepared_statements(self):
        session.execute(ALL_TYPES_DDL)
        cluster.register_user_type(KS, "address", Address)
        columns = ", ".join(ALL_COLUMNS)
        marks = ", ".join("?" for _ in ALL_COLUMNS)
        insert = session.prepare(f"INSERT INTO interop.all_types ({columns}) VALUES ({marks})")
        self.assertEqual(insert.routing_key_indexes, [0])
        select = session.prepare(f"SELECT {columns} FROM interop.all_types WHERE pk = ? AND ck = ?")
        row = sample_row()
        session.execute(insert, [row[c] for c in ALL_COLUMNS])
        got = session.execute(select, [row["pk"], row["ck"]]).one()._asdict()
        self.assertIsNotNone(got)
        for column in ALL_COLUMNS:
            with self.subTest(column=column):
                self.assertEqual(normalize(column, got[column]), row[column])
        # The result metadata names each column with its type.
        rs = session.execute(select, [row["pk"], row["ck"]])
        names = rs.column_names
        self.assertEqual(names, ALL_COLUMNS)
        types = [t.cql_parameterized_type() for t in rs.column_types]
        # text goes on the wire as varchar (0x000D), as real servers send it.
        self.assertEqual(types[names.index("c_map")], "map<varchar, bigint>")
        self.assertEqual(types[names.index("c_duration")], "duration")

        # A row of nulls (and empty collections, which read back as null).
        null_row = {c: None for c in ALL_COLUMNS}
        null_row.update(pk=1, ck="nulls", c_list=[], c_set=set(), c_map={})
        session.execute(insert, [null_row[c] for c in ALL_COLUMNS])
        got = session.execute(select, [1, "nulls"]).one()
        for column in ALL_COLUMNS[2:]:
            self.assertIsNone(getattr(got, column), column)

        # Both rows, in the table's descending clustering order.
        cks = [r.ck for r in session.execute("SELECT ck FROM interop.all_types WHERE pk = 1")]
        self.assertEqual(cks, ["nulls", "every type ✓"])

    def test_03_literals_equal_bound_values(self):
        """A row written with CQL literals reads back equal to the bound values."""
        session.execute(ALL_TYPES_DDL)
        cluster.register_user_type(KS, "address", Address)
        session.execute(
            """
            INSERT INTO interop.all_types (pk, ck, c_ascii, c_bigint, c_blob, c_boolean, c_date,
                c_decimal, c_double, c_duration, c_float, c_inet, c_inet6, c_int, c_smallint, c_text,
                c_time, c_timestamp, c_timeuuid, c_tinyint, c_uuid, c_varchar, c_varint, c_list,
                c_set, c_map, c_tuple, c_frozen_list, c_udt, c_udt_list, c_nested, c_vector,
                c_vector_text)
            VALUES (2, 'literals', 'plain ascii', -9223372036854775808, 0x00ff10, true,
                '2024-02-29', -1234.5e-3, 2.5, 1y2mo3d4h5m6s7ms8us9ns, -0.25, '192.168.10.1',
                '::1', 2147483647, -32768, 'it''s', '23:59:58.123456789',
                '2021-03-04T05:06:07.891Z', d2177dd0-eaa2-11de-a572-001b779c76e3, -128,
                123e4567-e89b-12d3-a456-426614174000, $$dollar 'quoted'$$, -123456789012345678901234567890,
                [3, 1, 2], {'b', 'a'}, {'one': 1, 'two': 2}, (7, 'seven', 7.25), [{1, 2}, {}],
                {street: 'Main St', number: 42, tags: {'home'}, location: (1.0, -2.0)},
                [{street: 'A', number: 1}],
                {d2177dd0-eaa2-11de-a572-001b779c76e3: {'k': [1, -2]}}, [0.5, 0.25, 1], ['a', 'b'])
            """
        )
        got = session.execute(
            "SELECT * FROM interop.all_types WHERE pk = 2 AND ck = 'literals'"
        ).one()
        tu = uuid.UUID("d2177dd0-eaa2-11de-a572-001b779c76e3")
        expected = {
            "c_ascii": "plain ascii",
            "c_bigint": -9223372036854775808,
            "c_blob": b"\x00\xff\x10",
            "c_boolean": True,
            "c_date": Date(datetime.date(2024, 2, 29)),
            "c_decimal": decimal.Decimal("-1.2345"),
            "c_double": 2.5,
            "c_duration": Duration(14, 3, ((4 * 60 + 5) * 60 + 6) * 10**9 + 7 * 10**6 + 8 * 10**3 + 9),
            "c_float": -0.25,
            "c_inet": "192.168.10.1",
            "c_inet6": "::1",
            "c_int": 2147483647,
            "c_smallint": -32768,
            "c_text": "it's",
            "c_time": Time(((23 * 60 + 59) * 60 + 58) * 10**9 + 123456789),
            "c_timestamp": datetime.datetime(2021, 3, 4, 5, 6, 7, 891000),
            "c_timeuuid": tu,
            "c_tinyint": -128,
            "c_uuid": uuid.UUID("123e4567-e89b-12d3-a456-426614174000"),
            "c_varchar": "dollar 'quoted'",
            "c_varint": -123456789012345678901234567890,
            "c_list": [3, 1, 2],
            "c_set": {"a", "b"},
            "c_map": {"one": 1, "two": 2},
            "c_tuple": (7, "seven", 7.25),
            "c_frozen_list": [{1, 2}, set()],
            "c_udt": Address("Main St", 42, {"home"}, (1.0, -2.0)),
            "c_udt_list": [Address("A", 1, None, None)],
            "c_nested": {tu: {"k": [1, -2]}},
            "c_vector": [0.5, 0.25, 1.0],
            "c_vector_text": ["a", "b"],
        }
        for column, value in expected.items():
            with self.subTest(column=column):
                self.assertEqual(normalize(column, getattr(got, column)), value)
        # Decimal scale is kept byte for byte.
        self.assertEqual(str(got.c_decimal), "-1.2345")

    def test_04_paging_with_saved_paging_state(self):
        session.execute(
            "CREATE TABLE IF NOT EXISTS interop.paged (pk int, ck int, v text, PRIMARY KEY (pk, ck))"
        )
        insert = session.prepare("INSERT INTO interop.paged (pk, ck, v) VALUES (?, ?, ?)")
        args = [(i % 10, i // 10, "value-%d" % i) for i in range(5000)]
        results = execute_concurrent_with_args(session, insert, args, concurrency=64)
        self.assertTrue(all(ok for ok, _ in results))

        stmt = SimpleStatement("SELECT pk, ck, v FROM interop.paged", fetch_size=100)
        rs = session.execute(stmt)
        pages = []
        saved_state = None
        while True:
            pages.append(list(rs.current_rows))
            if len(pages) == 20:
                saved_state = rs.paging_state
            if not rs.has_more_pages:
                break
            rs.fetch_next_page()
        self.assertEqual([len(p) for p in pages], [100] * 50)
        rows = [r for p in pages for r in p]
        keys = [(r.pk, r.ck) for r in rows]
        self.assertEqual(len(set(keys)), 5000)
        self.assertEqual(set(keys), {(pk, ck) for pk, ck, _ in args})
        self.assertTrue(all(r.v == "value-%d" % (r.ck * 10 + r.pk) for r in rows))
        # Partitions come in token order, rows of one partition in clustering order.
        tokens = [Murmur3Token.from_key(r.pk.to_bytes(4, "big", signed=True)).value for r in rows]
        self.assertEqual(tokens, sorted(tokens))
        for a, b in zip(rows, rows[1:]):
            if a.pk == b.pk:
                self.assertLess(a.ck, b.ck)

        # Resume from the state saved after page 20: the rest is the same 30 pages.
        self.assertIsNotNone(saved_state)
        resumed = session.execute(stmt, paging_state=saved_state)
        rest = []
        while True:
            rest.extend((r.pk, r.ck) for r in resumed.current_rows)
            if not resumed.has_more_pages:
                break
            resumed.fetch_next_page()
        self.assertEqual(rest, keys[2000:])

        # A single partition through a prepared statement, paged by 100.
        one = session.prepare("SELECT ck FROM interop.paged WHERE pk = ?")
        one.fetch_size = 100
        cks = [r.ck for r in session.execute(one, [3])]
        self.assertEqual(cks, list(range(500)))

    def test_05_logged_and_unlogged_batches(self):
        session.execute(
            "CREATE TABLE IF NOT EXISTS interop.batch_a (pk int PRIMARY KEY, v text)"
        )
        session.execute(
            "CREATE TABLE IF NOT EXISTS interop.batch_b (pk text, ck int, v int, PRIMARY KEY (pk, ck))"
        )
        ins_a = session.prepare("INSERT INTO interop.batch_a (pk, v) VALUES (?, ?)")
        batch = BatchStatement(batch_type=BatchType.LOGGED)
        for i in range(10):
            batch.add(ins_a, (i, "a%d" % i))
        batch.add(SimpleStatement("INSERT INTO interop.batch_b (pk, ck, v) VALUES (%s, %s, %s)"), ("x", 1, 10))
        batch.add("UPDATE interop.batch_b SET v = 20 WHERE pk = 'x' AND ck = 2")
        batch.add(SimpleStatement("DELETE FROM interop.batch_a WHERE pk = %s"), (9,))
        session.execute(batch)
        got_a = sorted((r.pk, r.v) for r in session.execute("SELECT pk, v FROM interop.batch_a"))
        self.assertEqual(got_a, [(i, "a%d" % i) for i in range(9)])
        got_b = [(r.ck, r.v) for r in session.execute("SELECT ck, v FROM interop.batch_b WHERE pk = 'x'")]
        self.assertEqual(got_b, [(1, 10), (2, 20)])

        unlogged = BatchStatement(batch_type=BatchType.UNLOGGED)
        upd = session.prepare("UPDATE interop.batch_b SET v = ? WHERE pk = ? AND ck = ?")
        unlogged.add(upd, (11, "x", 1))
        unlogged.add(upd, (30, "x", 3))
        session.execute(unlogged)
        got_b = [(r.ck, r.v) for r in session.execute("SELECT ck, v FROM interop.batch_b WHERE pk = 'x'")]
        self.assertEqual(got_b, [(1, 11), (2, 20), (3, 30)])

        # A statement the table rejects fails the whole batch: nothing is applied.
        bad = BatchStatement(batch_type=BatchType.LOGGED)
        bad.add(ins_a, (100, "never"))
        bad.add("INSERT INTO interop.batch_a (pk, nope) VALUES (101, 1)")
        with self.assertRaises(InvalidRequest):
            session.execute(bad)
        self.assertIsNone(session.execute("SELECT v FROM interop.batch_a WHERE pk = 100").one())

    def test_06_lightweight_transactions(self):
        session.execute(
            "CREATE TABLE IF NOT EXISTS interop.lwt (pk int PRIMARY KEY, owner text, version int)"
        )
        ins = session.prepare(
            "INSERT INTO interop.lwt (pk, owner, version) VALUES (?, ?, ?) IF NOT EXISTS"
        )
        rs = session.execute(ins, (1, "alice", 1))
        self.assertTrue(rs.was_applied)
        rs = session.execute(ins, (1, "bob", 1))
        self.assertFalse(rs.was_applied)
        row = rs.one()
        self.assertEqual((row.owner, row.version), ("alice", 1))

        upd = session.prepare(
            "UPDATE interop.lwt SET owner = ?, version = ? WHERE pk = ? IF version = ?"
        )
        rs = session.execute(upd, ("carol", 2, 1, 1))
        self.assertTrue(rs.was_applied)
        rs = session.execute(upd, ("dave", 3, 1, 1))
        self.assertFalse(rs.was_applied)
        self.assertEqual(rs.one().version, 2)

        stmt = SimpleStatement(
            "UPDATE interop.lwt SET version = 5 WHERE pk = 1 IF owner IN ('x', 'carol') AND version < 3",
            serial_consistency_level=ConsistencyLevel.LOCAL_SERIAL,
        )
        self.assertTrue(session.execute(stmt).was_applied)
        serial_read = SimpleStatement(
            "SELECT owner, version FROM interop.lwt WHERE pk = 1",
            consistency_level=ConsistencyLevel.SERIAL,
        )
        self.assertEqual(tuple(session.execute(serial_read).one()), ("carol", 5))

        self.assertFalse(session.execute("DELETE FROM interop.lwt WHERE pk = 2 IF EXISTS").was_applied)
        self.assertTrue(session.execute("DELETE FROM interop.lwt WHERE pk = 1 IF EXISTS").was_applied)
        self.assertIsNone(session.execute("SELECT * FROM interop.lwt WHERE pk = 1").one())

    def test_07_ttl_and_writetime(self):
        session.execute(
            "CREATE TABLE IF NOT EXISTS interop.ttl (pk int, ck int, v text, w int, PRIMARY KEY (pk, ck))"
        )
        session.execute(
            "INSERT INTO interop.ttl (pk, ck, v, w) VALUES (1, 1, 'x', 7) USING TTL 1000 AND TIMESTAMP 1234567890"
        )
        row = session.execute(
            "SELECT TTL(v), WRITETIME(v), TTL(w), WRITETIME(w) FROM interop.ttl WHERE pk = 1 AND ck = 1"
        ).one()
        self.assertTrue(990 <= row[0] <= 1000, row)
        self.assertEqual(row[1], 1234567890)
        self.assertTrue(990 <= row[2] <= 1000, row)
        self.assertEqual(row[3], 1234567890)

        # A later write without TTL replaces one cell's TTL and timestamp.
        before = int(time.time() * 1e6)
        upd = session.prepare("UPDATE interop.ttl SET w = ? WHERE pk = ? AND ck = ?")
        session.execute(upd, (8, 1, 1))
        row = session.execute(
            "SELECT w, TTL(w), WRITETIME(w), TTL(v) FROM interop.ttl WHERE pk = 1 AND ck = 1"
        ).one()
        self.assertEqual(row[0], 8)
        self.assertIsNone(row[1])
        self.assertTrue(before - 5_000_000 <= row[2] <= int(time.time() * 1e6) + 5_000_000, row)
        self.assertIsNotNone(row[3])

        # An older timestamp loses.
        session.execute("UPDATE interop.ttl USING TIMESTAMP 1000 SET v = 'old' WHERE pk = 1 AND ck = 1")
        self.assertEqual(session.execute("SELECT v FROM interop.ttl WHERE pk = 1 AND ck = 1").one().v, "x")

        # Bound TTL; cells expire.
        ins = session.prepare("INSERT INTO interop.ttl (pk, ck, v) VALUES (?, ?, ?) USING TTL ?")
        session.execute(ins, (2, 1, "short", 1))
        self.assertEqual(session.execute("SELECT v FROM interop.ttl WHERE pk = 2 AND ck = 1").one().v, "short")
        time.sleep(2.2)
        self.assertIsNone(session.execute("SELECT v FROM interop.ttl WHERE pk = 2 AND ck = 1").one())

    def test_08_counters(self):
        session.execute(
            "CREATE TABLE IF NOT EXISTS interop.counts (pk text, ck int, hits counter, misses counter, "
            "PRIMARY KEY (pk, ck))"
        )
        inc = session.prepare("UPDATE interop.counts SET hits = hits + ?, misses = misses - ? WHERE pk = ? AND ck = ?")
        for _ in range(5):
            session.execute(inc, (3, 1, "page", 1))
        session.execute("UPDATE interop.counts SET hits = hits - 5 WHERE pk = 'page' AND ck = 1")
        batch = BatchStatement(batch_type=BatchType.COUNTER)
        batch.add(inc, (100, 0, "page", 1))
        batch.add(inc, (1, 1, "page", 2))
        session.execute(batch)
        rows = [(r.ck, r.hits, r.misses) for r in session.execute("SELECT ck, hits, misses FROM interop.counts WHERE pk = 'page'")]
        self.assertEqual(rows, [(1, 110, -5), (2, 1, -1)])
        with self.assertRaises(InvalidRequest):
            session.execute("INSERT INTO interop.counts (pk, ck, hits) VALUES ('x', 1, 1)")

    def test_09_range_deletes(self):
        session.execute(
            "CREATE TABLE IF NOT EXISTS interop.ranges (pk int, a int, b int, v int, PRIMARY KEY (pk, a, b))"
        )
        ins = session.prepare("INSERT INTO interop.ranges (pk, a, b, v) VALUES (?, ?, ?, ?)")
        grid = [(p, a, b, p * 100 + a * 10 + b) for p in range(2) for a in range(10) for b in range(5)]
        execute_concurrent_with_args(session, ins, grid, concurrency=32)

        session.execute("DELETE FROM interop.ranges WHERE pk = 0 AND a > 2 AND a <= 5")
        session.execute("DELETE FROM interop.ranges WHERE pk = 0 AND a = 7 AND b >= 3")
        rng = session.prepare("DELETE FROM interop.ranges WHERE pk = ? AND a >= ? AND a < ?")
        session.execute(rng, (0, 8, 100))
        session.execute("DELETE FROM interop.ranges WHERE pk = 0 AND a = 0 AND b = 0")
        session.execute("DELETE FROM interop.ranges WHERE pk = 0 AND (a, b) >= (1, 0) AND (a, b) < (1, 2)")

        got = sorted((r.a, r.b) for r in session.execute("SELECT a, b FROM interop.ranges WHERE pk = 0"))
        expected = sorted(
            (a, b)
            for a in range(10)
            for b in range(5)
            if not (2 < a <= 5)
            and not (a == 7 and b >= 3)
            and not (a >= 8)
            and (a, b) != (0, 0)
            and not (a == 1 and b < 2)
        )
        self.assertEqual(got, expected)
        # The other partition is untouched; then a whole-partition delete.
        self.assertEqual(session.execute("SELECT COUNT(*) FROM interop.ranges WHERE pk = 1").one()[0], 50)
        session.execute("DELETE FROM interop.ranges WHERE pk = 1")
        self.assertEqual(session.execute("SELECT COUNT(*) FROM interop.ranges WHERE pk = 1").one()[0], 0)
        # A write newer than the range tombstone shows again.
        session.execute(ins, (0, 4, 4, 1))
        self.assertEqual(session.execute("SELECT v FROM interop.ranges WHERE pk = 0 AND a = 4 AND b = 4").one().v, 1)

    def test_10_use_keyspace(self):
        session.execute("CREATE TABLE IF NOT EXISTS interop.kv (k text PRIMARY KEY, v int)")
        other = cluster.connect()
        try:
            with self.assertRaises(InvalidRequest):
                other.execute("SELECT * FROM kv")
            other.execute("USE interop")
            self.assertEqual(other.keyspace, "interop")
            other.execute("INSERT INTO kv (k, v) VALUES ('used', 1)")
            prepared = other.prepare("SELECT v FROM kv WHERE k = ?")
            self.assertEqual(other.execute(prepared, ["used"]).one().v, 1)
            other.set_keyspace("system")
            self.assertEqual(other.execute("SELECT key FROM local").one().key, "local")
            # The prepared statement keeps its keyspace.
            self.assertEqual(other.execute(prepared, ["used"]).one().v, 1)
        finally:
            other.shutdown()
        ks_session = cluster.connect(KS)
        try:
            self.assertEqual(ks_session.execute("SELECT v FROM kv WHERE k = 'used'").one().v, 1)
        finally:
            ks_session.shutdown()

    def test_11_compression(self):
        import snappy  # noqa: F401  (the venv must have it)
        import lz4.block  # noqa: F401

        session.execute("CREATE TABLE IF NOT EXISTS interop.blobs (k text PRIMARY KEY, v blob, t text)")
        for algorithm in ("lz4", "snappy"):
            with self.subTest(compression=algorithm):
                c = make_cluster(compression=algorithm)
                try:
                    s = c.connect(KS)
                    conn = c.control_connection._connection
                    self.assertIsNotNone(conn.compressor, "no compression negotiated")
                    self.assertIn(algorithm, conn.compressor.__module__ + conn.compressor.__name__)
                    big = bytes(range(256)) * 2000 + b"tail"
                    text = "compressible " * 20000
                    s.execute(
                        s.prepare("INSERT INTO blobs (k, v, t) VALUES (?, ?, ?)"),
                        (algorithm, big, text),
                    )
                    row = s.execute("SELECT v, t FROM blobs WHERE k = %s", (algorithm,)).one()
                    self.assertEqual(row.v, big)
                    self.assertEqual(row.t, text)
                    # Both written rows are visible through this connection too.
                    keys = {r.k for r in s.execute("SELECT k FROM blobs")}
                    self.assertIn(algorithm, keys)
                finally:
                    c.shutdown()

    def test_12_tracing(self):
        session.execute("CREATE TABLE IF NOT EXISTS interop.kv (k text PRIMARY KEY, v int)")
        prepared = session.prepare("SELECT v FROM interop.kv WHERE k = ?")
        rs = session.execute(prepared, ["traced"], trace=True)
        trace = rs.get_query_trace(max_wait_sec=10)
        self.assertIsNotNone(trace.trace_id)
        self.assertEqual(trace.trace_id, rs.response_future._query_traces[0].trace_id)
        self.assertIsNotNone(trace.duration)
        self.assertIn(str(trace.coordinator), sim_hosts())
        self.assertTrue(len(trace.events) > 0)
        self.assertTrue(all(e.description for e in trace.events))
        self.assertIsNotNone(trace.started_at)
        self.assertEqual(str(trace.coordinator), rs.response_future._current_host.address)

        rs = session.execute(SimpleStatement("INSERT INTO interop.kv (k, v) VALUES ('t', 1)"), trace=True)
        trace = rs.get_query_trace(max_wait_sec=10)
        self.assertIn("INSERT INTO interop.kv", trace.parameters.get("query", ""))
        # Without trace=True there is no trace id.
        rs = session.execute("SELECT v FROM interop.kv WHERE k = 't'")
        self.assertIsNone(rs.response_future._query_traces)

    def test_13_schema_metadata(self):
        session.execute(ALL_TYPES_DDL)
        ks = cluster.metadata.keyspaces[KS]
        self.assertEqual(ks.replication_strategy.dc_replication_factors, {"dc1": 2, "dc2": 1})
        self.assertIn("address", ks.user_types)
        udt = ks.user_types["address"]
        self.assertEqual(udt.field_names, ["street", "number", "tags", "location"])
        self.assertEqual(
            udt.field_types, ["text", "int", "set<text>", "frozen<tuple<double, double>>"]
        )
        table = ks.tables["all_types"]
        self.assertEqual([c.name for c in table.partition_key], ["pk"])
        self.assertEqual([c.name for c in table.clustering_key], ["ck"])
        self.assertEqual(table.clustering_key[0].is_reversed, True)
        self.assertEqual(table.options.get("comment"), "every CQL type")
        expected_types = dict(SCALAR_COLUMNS + COLLECTION_COLUMNS)
        expected_types.update(pk="int", ck="text")
        got_types = {name: col.cql_type for name, col in table.columns.items()}
        self.assertEqual(got_types, expected_types)
        self.assertEqual(list(table.columns)[:2], ["pk", "ck"])
        ddl = table.export_as_string()
        self.assertIn("CREATE TABLE interop.all_types (", ddl)
        self.assertIn("PRIMARY KEY (pk, ck)", ddl)
        self.assertIn("CLUSTERING ORDER BY (ck DESC)", ddl)

        # New schema shows up without a manual refresh (schema change responses/events).
        session.execute("CREATE TABLE interop.fresh (id uuid PRIMARY KEY, n int)")
        self.assertIn("fresh", cluster.metadata.keyspaces[KS].tables)
        session.execute("ALTER TABLE interop.fresh ADD extra list<text>")
        self.assertEqual(
            cluster.metadata.keyspaces[KS].tables["fresh"].columns["extra"].cql_type, "list<text>"
        )
        session.execute("DROP TABLE interop.fresh")
        self.assertNotIn("fresh", cluster.metadata.keyspaces[KS].tables)
        session.execute("CREATE TYPE interop.point (x double, y double)")
        self.assertIn("point", cluster.metadata.keyspaces[KS].user_types)
        # System keyspaces are there too.
        self.assertIn("local", cluster.metadata.keyspaces["system"].tables)
        self.assertTrue(cluster.metadata.keyspaces["system"].tables["peers"].columns)

    def test_14_token_function_and_routing(self):
        session.execute("CREATE TABLE IF NOT EXISTS interop.kv (k text PRIMARY KEY, v int)")
        prepared = session.prepare("INSERT INTO interop.kv (k, v) VALUES (?, ?)")
        for i in range(20):
            key = "route-%d" % i
            bound = prepared.bind((key, i))
            self.assertEqual(bound.routing_key, key.encode())
            session.execute(bound)
            token = session.execute("SELECT token(k) FROM interop.kv WHERE k = %s", (key,)).one()[0]
            self.assertEqual(token, Murmur3Token.from_key(key.encode()).value)

    def test_15_errors_are_typed(self):
        from cassandra.protocol import SyntaxException

        with self.assertRaises(SyntaxException):
            session.execute("SELEKT * FROM interop.kv")
        with self.assertRaises(InvalidRequest):
            session.execute("SELECT * FROM interop.no_such_table")
        from cassandra import AlreadyExists

        session.execute("CREATE TABLE IF NOT EXISTS interop.kv (k text PRIMARY KEY, v int)")
        with self.assertRaises(AlreadyExists):
            session.execute("CREATE TABLE interop.kv (k text PRIMARY KEY, v int)")


if __name__ == "__main__":
    unittest.main(verbosity=2)
