// Package interop runs gocql (Debian's golang-github-gocql-gocql-dev, built in GOPATH
// mode) against scylla-sim. tests/interop/run.py starts the sim and passes the node
// addresses in SIM_HOSTS and the CQL port in SIM_PORT.
package interop

import (
	"bytes"
	"math/big"
	"net"
	"os"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gocql/gocql"
	"gopkg.in/inf.v0"
)

func simHosts(t *testing.T) []string {
	var hosts []string
	for _, h := range strings.Split(os.Getenv("SIM_HOSTS"), ",") {
		if h != "" {
			hosts = append(hosts, h)
		}
	}
	if len(hosts) == 0 {
		t.Fatal("SIM_HOSTS is not set: run this through tests/interop/run.py")
	}
	return hosts
}

func newCluster(t *testing.T) *gocql.ClusterConfig {
	port, err := strconv.Atoi(os.Getenv("SIM_PORT"))
	if err != nil {
		t.Fatalf("SIM_PORT: %v", err)
	}
	cluster := gocql.NewCluster(simHosts(t)[0])
	cluster.Port = port
	cluster.Consistency = gocql.LocalQuorum
	cluster.Timeout = 30 * time.Second
	cluster.ConnectTimeout = 10 * time.Second
	cluster.PoolConfig.HostSelectionPolicy = gocql.TokenAwareHostPolicy(gocql.DCAwareRoundRobinPolicy("dc1"))
	return cluster
}

func connect(t *testing.T, cluster *gocql.ClusterConfig) *gocql.Session {
	session, err := cluster.CreateSession()
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	return session
}

func exec(t *testing.T, s *gocql.Session, stmt string, values ...interface{}) {
	t.Helper()
	if err := s.Query(stmt, values...).Exec(); err != nil {
		t.Fatalf("%s: %v", stmt, err)
	}
}

func setup(t *testing.T, s *gocql.Session) {
	exec(t, s, `CREATE KEYSPACE IF NOT EXISTS go_ks WITH replication = {'class': 'NetworkTopologyStrategy', 'dc1': 2, 'dc2': 1}`)
	exec(t, s, `CREATE TYPE IF NOT EXISTS go_ks.point (x double, y double, label text)`)
	exec(t, s, `CREATE TABLE IF NOT EXISTS go_ks.things (
		id uuid, seq int, name text, big bigint, huge varint, money decimal, ok boolean,
		ratio double, at timestamp, day date, tu timeuuid, addr inet, raw blob, span duration,
		nums list<int>, tags set<text>, attrs map<text, int>,
		origin frozen<point>, path list<frozen<point>>,
		PRIMARY KEY (id, seq))`)
}

func TestDiscoveryAndProtocol(t *testing.T) {
	s := connect(t, newCluster(t))
	defer s.Close()
	var release, dc string
	if err := s.Query(`SELECT release_version, data_center FROM system.local`).Scan(&release, &dc); err != nil {
		t.Fatal(err)
	}
	if dc != "dc1" || release == "" {
		t.Fatalf("system.local: release %q, dc %q", release, dc)
	}
	// The coordinator's peers: the two other nodes, each in its datacenter.
	hosts := simHosts(t)
	dcOf := map[string]string{hosts[0]: "dc1", hosts[1]: "dc1", hosts[2]: "dc2"}
	var listen net.IP
	if err := s.Query(`SELECT listen_address FROM system.local`).Scan(&listen); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	iter := s.Query(`SELECT peer, data_center FROM system.peers`).Iter()
	var peer net.IP
	for iter.Scan(&peer, &dc) {
		if want, known := dcOf[peer.String()]; !known || want != dc || seen[peer.String()] {
			t.Errorf("peer %s in %s", peer, dc)
		}
		seen[peer.String()] = true
	}
	if err := iter.Close(); err != nil {
		t.Fatal(err)
	}
	if len(seen) != 2 {
		t.Fatalf("peers %v", seen)
	}
	if _, known := dcOf[listen.String()]; !known {
		t.Fatalf("local node %s", listen)
	}
}

func TestWriteAndReadBack(t *testing.T) {
	s := connect(t, newCluster(t))
	defer s.Close()
	setup(t, s)

	id := gocql.TimeUUID()
	tu := gocql.TimeUUID()
	huge, _ := new(big.Int).SetString("-98765432109876543210987654321", 10)
	money := inf.NewDec(-12345, 3)
	at := time.Date(2024, 2, 29, 13, 14, 15, 678000000, time.UTC)
	day := time.Date(1999, 12, 31, 0, 0, 0, 0, time.UTC)
	span := gocql.Duration{Months: 1, Days: 2, Nanoseconds: 3000000004}
	origin := map[string]interface{}{"x": 1.5, "y": -2.25, "label": "home"}
	path := []map[string]interface{}{
		{"x": 0.0, "y": 0.0, "label": "a"},
		{"x": 1.0, "y": 1.0, "label": "b"},
	}
	exec(t, s, `INSERT INTO go_ks.things (id, seq, name, big, huge, money, ok, ratio, at, day, tu, addr, raw, span,
		nums, tags, attrs, origin, path) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		id, 1, "gopher ✓", int64(-1)<<62, huge, money, true, 0.125, at, day, tu, net.ParseIP("10.1.2.3"),
		[]byte{0, 1, 255}, span, []int{3, 1, 2}, []string{"b", "a"}, map[string]int{"k": 7, "j": -1},
		origin, path)

	var (
		name          string
		big64         int64
		gotHuge       *big.Int
		gotMoney      *inf.Dec
		ok            bool
		ratio         float64
		gotAt, gotDay time.Time
		gotTu         gocql.UUID
		addr          net.IP
		raw           []byte
		gotSpan       gocql.Duration
		nums          []int
		tags          []string
		attrs         map[string]int
		gotOrigin     map[string]interface{}
		gotPath       []map[string]interface{}
	)
	err := s.Query(`SELECT name, big, huge, money, ok, ratio, at, day, tu, addr, raw, span, nums, tags, attrs,
		origin, path FROM go_ks.things WHERE id = ? AND seq = ?`, id, 1).Scan(
		&name, &big64, &gotHuge, &gotMoney, &ok, &ratio, &gotAt, &gotDay, &gotTu, &addr, &raw, &gotSpan,
		&nums, &tags, &attrs, &gotOrigin, &gotPath)
	if err != nil {
		t.Fatalf("select: %v", err)
	}
	check := func(what string, got, want interface{}) {
		t.Helper()
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: got %#v, want %#v", what, got, want)
		}
	}
	check("name", name, "gopher ✓")
	check("big", big64, int64(-1)<<62)
	check("huge", gotHuge.String(), huge.String())
	check("money", gotMoney.String(), "-12.345")
	check("ok", ok, true)
	check("ratio", ratio, 0.125)
	check("at", gotAt.UTC(), at)
	check("day", gotDay.UTC(), day)
	check("tu", gotTu, tu)
	check("addr", addr.String(), "10.1.2.3")
	if !bytes.Equal(raw, []byte{0, 1, 255}) {
		t.Errorf("raw: %v", raw)
	}
	check("span", gotSpan, span)
	check("nums", nums, []int{3, 1, 2})
	check("tags", tags, []string{"a", "b"})
	check("attrs", attrs, map[string]int{"j": -1, "k": 7})
	check("origin", gotOrigin, origin)
	check("path", gotPath, path)

	// Collections updated in place, then read back again.
	exec(t, s, `UPDATE go_ks.things SET nums = nums + ?, tags = tags - ?, attrs[?] = ? WHERE id = ? AND seq = ?`,
		[]int{9}, []string{"a"}, "z", 26, id, 1)
	if err := s.Query(`SELECT nums, tags, attrs FROM go_ks.things WHERE id = ? AND seq = ?`, id, 1).Scan(&nums, &tags, &attrs); err != nil {
		t.Fatal(err)
	}
	check("nums after append", nums, []int{3, 1, 2, 9})
	check("tags after removal", tags, []string{"b"})
	check("attrs after put", attrs, map[string]int{"j": -1, "k": 7, "z": 26})
}

func TestPagingBatchAndLWT(t *testing.T) {
	s := connect(t, newCluster(t))
	defer s.Close()
	setup(t, s)
	exec(t, s, `CREATE TABLE IF NOT EXISTS go_ks.log (day text, n int, msg text, PRIMARY KEY (day, n))`)

	batch := s.NewBatch(gocql.LoggedBatch)
	for n := 0; n < 230; n++ {
		batch.Query(`INSERT INTO go_ks.log (day, n, msg) VALUES (?, ?, ?)`, "mon", n, "m"+strconv.Itoa(n))
	}
	if err := s.ExecuteBatch(batch); err != nil {
		t.Fatalf("batch: %v", err)
	}

	var got []int
	var state []byte
	pages := 0
	for {
		iter := s.Query(`SELECT n FROM go_ks.log WHERE day = ?`, "mon").PageSize(50).PageState(state).Iter()
		var n int
		rows := 0
		for rows < 50 && iter.Scan(&n) {
			got = append(got, n)
			rows++
		}
		state = iter.PageState()
		if err := iter.Close(); err != nil {
			t.Fatal(err)
		}
		pages++
		if len(state) == 0 {
			break
		}
	}
	if pages != 5 || len(got) != 230 {
		t.Fatalf("%d pages, %d rows", pages, len(got))
	}
	for i, n := range got {
		if n != i {
			t.Fatalf("row %d is %d", i, n)
		}
	}

	exec(t, s, `CREATE TABLE IF NOT EXISTS go_ks.locks (name text PRIMARY KEY, owner text)`)
	applied, err := s.Query(`INSERT INTO go_ks.locks (name, owner) VALUES (?, ?) IF NOT EXISTS`, "l1", "alice").
		SerialConsistency(gocql.LocalSerial).ScanCAS()
	if err != nil || !applied {
		t.Fatalf("first LWT: applied %v, %v", applied, err)
	}
	var name, owner string
	applied, err = s.Query(`INSERT INTO go_ks.locks (name, owner) VALUES (?, ?) IF NOT EXISTS`, "l1", "bob").ScanCAS(&name, &owner)
	if err != nil || applied || owner != "alice" {
		t.Fatalf("second LWT: applied %v, owner %q, %v", applied, owner, err)
	}
}

func TestSnappyCompressionAndMetadata(t *testing.T) {
	cluster := newCluster(t)
	cluster.Compressor = gocql.SnappyCompressor{}
	s := connect(t, cluster)
	defer s.Close()
	setup(t, s)
	exec(t, s, `CREATE TABLE IF NOT EXISTS go_ks.blobs (k text PRIMARY KEY, v blob)`)
	big := bytes.Repeat([]byte("compress me "), 10000)
	exec(t, s, `INSERT INTO go_ks.blobs (k, v) VALUES (?, ?)`, "big", big)
	var v []byte
	if err := s.Query(`SELECT v FROM go_ks.blobs WHERE k = ?`, "big").Scan(&v); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(v, big) {
		t.Fatalf("read back %d bytes, wrote %d", len(v), len(big))
	}

	ks, err := s.KeyspaceMetadata("go_ks")
	if err != nil {
		t.Fatal(err)
	}
	table, found := ks.Tables["things"]
	if !found {
		t.Fatalf("tables: %v", ks.Tables)
	}
	if len(table.PartitionKey) != 1 || table.PartitionKey[0].Name != "id" ||
		len(table.ClusteringColumns) != 1 || table.ClusteringColumns[0].Name != "seq" {
		t.Fatalf("keys: %+v %+v", table.PartitionKey, table.ClusteringColumns)
	}
	if len(table.Columns) != 19 {
		t.Fatalf("%d columns", len(table.Columns))
	}
	if got := table.Columns["origin"].Validator; got != "frozen<point>" {
		t.Fatalf("origin is %q", got)
	}
	if got := table.Columns["attrs"].Type.Type(); got != gocql.TypeMap {
		t.Fatalf("attrs is %v", got)
	}
	if ks.StrategyClass == "" || ks.StrategyOptions["dc1"] != "2" {
		t.Fatalf("replication: %s %v", ks.StrategyClass, ks.StrategyOptions)
	}
}
