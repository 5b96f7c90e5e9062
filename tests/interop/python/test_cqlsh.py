"""cqlsh (the PyPI package, 6.x) against scylla-sim.

cqlsh 6 sends DESCRIBE to the server (servers of version 4 and later answer it), so
this checks the sim's server-side DESCRIBE through the real client: the exact text it
prints for DESCRIBE KEYSPACES / TABLE / TYPE / TABLES / CLUSTER, that DESCRIBE KEYSPACE
output recreates the same schema when replayed, and SELECT output (also across pages).
"""

import os
import re
import subprocess
import tempfile
import unittest

from common import sim_hosts, sim_port

CQLSH = os.environ.get("CQLSH", "cqlsh")
HOME = tempfile.mkdtemp(prefix="cqlsh-home-")

WARNING = re.compile(r"^WARNING: cqlsh was built against .*$")

SETUP = """
CREATE KEYSPACE shop WITH replication = {'class': 'NetworkTopologyStrategy', 'dc1': 2, 'dc2': 1};
CREATE TYPE shop.address (street text, "Number" int, zip frozen<list<text>>);
CREATE TYPE shop.customer (name text, home frozen<address>);
CREATE TABLE shop.orders (
    customer_id uuid,
    placed timestamp,
    line int,
    item text,
    qty smallint,
    price decimal,
    tags set<text>,
    buyer frozen<customer>,
    note text static,
    PRIMARY KEY ((customer_id), placed, line)
) WITH CLUSTERING ORDER BY (placed DESC, line ASC) AND comment = 'orders by customer'
  AND default_time_to_live = 86400;
CREATE TABLE shop.items (sku text PRIMARY KEY, "Sold" counter, stock counter);
INSERT INTO shop.orders (customer_id, placed, line, item, qty, price, tags, buyer)
    VALUES (6ab09bec-e68e-48d9-a5f8-97e6fb4c9b47, '2024-01-02 03:04:05+0000', 1, 'pen', 3, 1.25,
            {'office', 'blue'}, {name: 'Ann', home: {street: 'Elm', "Number": 7, zip: ['00', '1']}});
INSERT INTO shop.orders (customer_id, placed, line, item, qty, price)
    VALUES (6ab09bec-e68e-48d9-a5f8-97e6fb4c9b47, '2024-01-02 03:04:05+0000', 2, 'ink', 1, 10);
UPDATE shop.orders SET note = 'gift' WHERE customer_id = 6ab09bec-e68e-48d9-a5f8-97e6fb4c9b47;
UPDATE shop.items SET stock = stock + 5 WHERE sku = 'A-1';
"""

ORDERS_DDL = """CREATE TABLE shop.orders (
    customer_id uuid,
    placed timestamp,
    line int,
    note text static,
    buyer frozen<customer>,
    item text,
    price decimal,
    qty smallint,
    tags set<text>,
    PRIMARY KEY (customer_id, placed, line)
) WITH CLUSTERING ORDER BY (placed DESC, line ASC)
    AND bloom_filter_fp_chance = 0.01
    AND caching = {'keys': 'ALL', 'rows_per_partition': 'NONE'}
    AND comment = 'orders by customer'
    AND compaction = {'class': 'org.apache.cassandra.db.compaction.SizeTieredCompactionStrategy', 'max_threshold': '32', 'min_threshold': '4'}
    AND compression = {'chunk_length_in_kb': '16', 'class': 'org.apache.cassandra.io.compress.LZ4Compressor'}
    AND crc_check_chance = 1.0
    AND dclocal_read_repair_chance = 0.0
    AND default_time_to_live = 86400
    AND extensions = {}
    AND gc_grace_seconds = 864000
    AND max_index_interval = 2048
    AND memtable_flush_period_in_ms = 0
    AND min_index_interval = 128
    AND read_repair_chance = 0.0
    AND speculative_retry = '99PERCENTILE';"""

ADDRESS_DDL = """CREATE TYPE shop.address (
    street text,
    "Number" int,
    zip frozen<list<text>>
);"""

CUSTOMER_DDL = """CREATE TYPE shop.customer (
    name text,
    home frozen<address>
);"""

KEYSPACE_DDL = (
    "CREATE KEYSPACE shop WITH replication = {'class': 'NetworkTopologyStrategy', "
    "'dc1': '2', 'dc2': '1'} AND durable_writes = true;"
)


def cqlsh(*args, statement=None, stdin=None, check=True):
    """Runs cqlsh against the first node; returns (stdout without the version
    warning, stderr)."""
    cmd = [CQLSH, sim_hosts()[0], str(sim_port()), "--connect-timeout", "20",
           "--request-timeout", "30"] + list(args)
    if statement is not None:
        cmd += ["-e", statement]
    env = dict(os.environ, HOME=HOME)
    done = subprocess.run(cmd, input=stdin, capture_output=True, text=True, env=env, timeout=120)
    out = "\n".join(l for l in done.stdout.split("\n") if not WARNING.match(l))
    if check and (done.returncode != 0 or done.stderr.strip()):
        raise AssertionError(
            "cqlsh %r failed (status %d)\nstdout:\n%s\nstderr:\n%s"
            % (args or statement, done.returncode, done.stdout, done.stderr)
        )
    return out, done.stderr


def statements(out):
    """The blank-line-separated blocks of a DESCRIBE output."""
    return [b.strip() for b in re.split(r"\n\s*\n", out) if b.strip()]


class CqlshTest(unittest.TestCase):
    maxDiff = None

    @classmethod
    def setUpClass(cls):
        cqlsh(stdin=SETUP)

    def test_show_version(self):
        out, _ = cqlsh(statement="SHOW VERSION")
        self.assertRegex(out, r"\[cqlsh 6\.\d+\.\d+ \| Cassandra 4\.0\.11 \| CQL spec 3\.4\.\d+ \| Native protocol v4\]")

    def test_describe_keyspaces(self):
        out, _ = cqlsh(statement="DESCRIBE KEYSPACES")
        names = out.split()
        self.assertEqual(
            sorted(names),
            ["shop", "system", "system_auth", "system_distributed", "system_schema", "system_traces"],
        )

    def test_describe_table(self):
        out, _ = cqlsh(statement="DESCRIBE TABLE shop.orders")
        self.assertEqual(out.strip(), ORDERS_DDL)
        # The same through USE and a bare name.
        out, _ = cqlsh("-k", "shop", statement="DESC orders")
        self.assertEqual(out.strip(), ORDERS_DDL)
        out, _ = cqlsh(statement="DESCRIBE COLUMNFAMILY shop.items")
        self.assertTrue(
            out.strip().startswith(
                'CREATE TABLE shop.items (\n    sku text PRIMARY KEY,\n    "Sold" counter,\n    stock counter\n) WITH bloom_filter_fp_chance = 0.01\n'
            ),
            out,
        )

    def test_describe_types_and_tables(self):
        out, _ = cqlsh(statement="DESCRIBE TYPE shop.address")
        self.assertEqual(out.strip(), ADDRESS_DDL)
        out, _ = cqlsh("-k", "shop", statement="DESCRIBE TYPES")
        self.assertEqual(out.split(), ["address", "customer"])
        out, _ = cqlsh("-k", "shop", statement="DESCRIBE TABLES")
        self.assertEqual(out.split(), ["items", "orders"])
        # Without a keyspace: every keyspace, each under a header.
        out, _ = cqlsh(statement="DESCRIBE TABLES")
        self.assertIn("Keyspace shop\n-------------\nitems  orders\n", out)
        self.assertIn("Keyspace system\n---------------\n", out)

    def test_describe_keyspace_replays(self):
        out, _ = cqlsh(statement="DESCRIBE KEYSPACE shop")
        blocks = statements(out)
        self.assertEqual(blocks[0], KEYSPACE_DDL)
        # Types in dependency order, then tables by name.
        self.assertEqual(blocks[1:3], [ADDRESS_DDL, CUSTOMER_DDL])
        self.assertTrue(blocks[3].startswith("CREATE TABLE shop.items ("), blocks[3])
        self.assertEqual(blocks[4], ORDERS_DDL)
        self.assertEqual(len(blocks), 5)

        # Replaying the output into a fresh keyspace gives the same description.
        replay = out.replace("shop", "shop_copy")
        cqlsh(stdin=replay)
        copy, _ = cqlsh(statement="DESCRIBE KEYSPACE shop_copy")
        self.assertEqual(copy, replay)
        cqlsh(statement="DROP KEYSPACE shop_copy")

        out, _ = cqlsh(statement="DESCRIBE ONLY KEYSPACE shop")
        self.assertEqual(out.strip(), KEYSPACE_DDL)
        out, _ = cqlsh(statement="DESCRIBE SCHEMA")
        self.assertEqual(statements(out), blocks)

    def test_describe_cluster(self):
        out, _ = cqlsh(statement="DESCRIBE CLUSTER")
        self.assertIn("Cluster: scylla-sim\nPartitioner: Murmur3Partitioner\n", out)
        self.assertNotIn("Range ownership", out)
        out, _ = cqlsh("-k", "shop", statement="DESCRIBE CLUSTER")
        ranges = re.findall(r"^\s+(-?\d+)\s+\[([^\]]*)\]$", out, re.M)
        self.assertEqual(len(ranges), 3 * 256)
        for _, replicas in ranges:
            # NetworkTopologyStrategy dc1: 2, dc2: 1 on three nodes: all of them.
            hosts = sorted(r.strip().rsplit(":", 1)[0] for r in replicas.split(","))
            self.assertEqual(hosts, sorted(sim_hosts()))

    def test_describe_errors(self):
        _, err = cqlsh(statement="DESCRIBE TABLE shop.nope", check=False)
        self.assertIn("Table 'nope' not found in keyspace 'shop'", err)
        _, err = cqlsh(statement="DESCRIBE KEYSPACE nope", check=False)
        self.assertIn("'nope' not found in keyspaces", err)
        _, err = cqlsh(statement="DESCRIBE TYPE nope", check=False)
        self.assertIn("No keyspace specified and no current keyspace", err)

    def test_select_output(self):
        out, _ = cqlsh(
            statement="SELECT line, item, qty, price, tags, note, buyer FROM shop.orders "
            "WHERE customer_id = 6ab09bec-e68e-48d9-a5f8-97e6fb4c9b47"
        )
        lines = [l.rstrip() for l in out.strip("\n").split("\n")]
        # The rule under the header: dashes, with a + under each column border.
        SEPARATOR = lines[1] if len(lines) > 1 else ""
        self.assertRegex(SEPARATOR, r"^-+(\+-+)+$")
        self.assertEqual(
            [i for i, c in enumerate(SEPARATOR) if c == "+"],
            [i for i, c in enumerate(lines[0]) if c == "|"],
        )
        self.assertEqual(
            lines,
            [
                " line | item | qty | price | tags               | note | buyer",
                SEPARATOR,
                "    1 |  pen |   3 |  1.25 | {'blue', 'office'} | gift | {name: 'Ann', home: {street: 'Elm', Number: 7, zip: ['00', '1']}}",
                "    2 |  ink |   1 |    10 |               null | gift |                                                              null",
                "",
                "(2 rows)",
            ],
        )
        out, _ = cqlsh(statement="SELECT * FROM shop.items")
        lines = [l.rstrip() for l in out.strip("\n").split("\n")]
        self.assertEqual(lines, [" sku | Sold | stock", "-----+------+-------", " A-1 | null |     5", "", "(1 rows)"])

    def test_select_pages(self):
        inserts = "".join(
            "INSERT INTO shop.parts (sku, name) VALUES ('p-%03d', 'n%d');\n" % (i, i) for i in range(250)
        )
        cqlsh(stdin="CREATE TABLE shop.parts (sku text PRIMARY KEY, name text);\n" + inserts)
        out, _ = cqlsh(statement="PAGING 40; SELECT sku FROM shop.parts")
        self.assertIn("(250 rows)", out)
        skus = re.findall(r"^\s*(p-\d{3})$", out, re.M)
        self.assertEqual(sorted(skus), ["p-%03d" % i for i in range(250)])
        out, _ = cqlsh(statement="SELECT COUNT(*) FROM shop.parts")
        self.assertRegex(out, r"\n\s+250\n")


if __name__ == "__main__":
    unittest.main(verbosity=2)
