'use strict';
// The Node.js cassandra-driver against scylla-sim (started by tests/interop/run.py,
// which passes the node addresses in SIM_HOSTS and the port in SIM_PORT).

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const cassandra = require('cassandra-driver');

const { types } = cassandra;
const hosts = (process.env.SIM_HOSTS || '').split(',').filter(Boolean);
const port = Number(process.env.SIM_PORT || 9042);
if (hosts.length === 0) {
  throw new Error('SIM_HOSTS is not set: run this through tests/interop/run.py');
}

let client;

before(async () => {
  client = new cassandra.Client({
    contactPoints: [hosts[0]],
    protocolOptions: { port },
    localDataCenter: 'dc1',
    socketOptions: { connectTimeout: 10000, readTimeout: 30000 },
  });
  await client.connect();
  await client.execute(
    "CREATE KEYSPACE IF NOT EXISTS node_ks WITH replication = {'class': 'NetworkTopologyStrategy', 'dc1': 2, 'dc2': 1}");
  await client.execute('CREATE TYPE IF NOT EXISTS node_ks.phone (country_code int, number text, tags set<text>)');
  await client.execute(`CREATE TABLE IF NOT EXISTS node_ks.people (
      id uuid, seq int, name text, age smallint, tiny tinyint, big bigint, huge varint, money decimal,
      ratio double, ratio32 float, alive boolean, born date, wakes time, seen timestamp, tu timeuuid,
      addr inet, photo blob, span duration,
      nicknames list<text>, emails set<text>, scores map<text, int>, pair tuple<int, text>,
      phone frozen<phone>, phones map<text, frozen<phone>>,
      PRIMARY KEY (id, seq))`);
});

after(async () => {
  if (client) {
    await client.shutdown();
  }
});

test('discovers every node and negotiates protocol v4', async () => {
  assert.equal(client.controlConnection.protocolVersion, 4);
  const found = client.hosts.values().map((h) => [h.address.split(':')[0], h.datacenter]).sort();
  const expected = hosts.map((h, i) => [h, i < 2 ? 'dc1' : 'dc2']).sort();
  assert.deepEqual(found, expected);
  const local = await client.execute('SELECT cluster_name, release_version FROM system.local');
  assert.equal(local.first().cluster_name, 'scylla-sim');
  assert.equal(client.metadata.getTokenRanges().size, 3 * 256);
});

test('writes and reads back many types, a UDT and collections', async () => {
  const id = types.Uuid.random();
  const tu = types.TimeUuid.now();
  const row = {
    id,
    seq: 1,
    name: 'Zoë',
    age: 42,
    tiny: -7,
    big: types.Long.fromString('-9007199254740993'),
    huge: types.Integer.fromString('123456789012345678901234567890'),
    money: types.BigDecimal.fromString('-12.345'),
    ratio: 0.1,
    ratio32: 2.5,
    alive: true,
    born: types.LocalDate.fromString('1999-12-31'),
    wakes: types.LocalTime.fromString('06:30:00.123456789'),
    seen: new Date(Date.UTC(2024, 1, 29, 12, 0, 0, 7)),
    tu,
    addr: types.InetAddress.fromString('2001:db8::1'),
    photo: Buffer.from([0, 1, 2, 254, 255]),
    span: new types.Duration(1, 2, types.Long.fromNumber(3000000000)),
    nicknames: ['z', 'zo', 'z'],
    emails: ['a@example.com', 'b@example.com'],
    scores: { math: 5, art: -1 },
    pair: new types.Tuple(7, 'seven'),
    phone: { country_code: 48, number: '123-456', tags: ['home'] },
    phones: { work: { country_code: 1, number: '555', tags: null } },
  };
  const columns = Object.keys(row);
  await client.execute(
    `INSERT INTO node_ks.people (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`,
    columns.map((c) => row[c]), { prepare: true });
  const rs = await client.execute('SELECT * FROM node_ks.people WHERE id = ? AND seq = ?', [id, 1], { prepare: true });
  assert.equal(rs.rowLength, 1);
  const got = rs.first();
  assert.equal(got.id.toString(), id.toString());
  assert.equal(got.name, 'Zoë');
  assert.equal(got.age, 42);
  assert.equal(got.tiny, -7);
  assert.equal(got.big.toString(), '-9007199254740993');
  assert.equal(got.huge.toString(), '123456789012345678901234567890');
  assert.equal(got.money.toString(), '-12.345');
  assert.equal(got.ratio, 0.1);
  assert.equal(got.ratio32, 2.5);
  assert.equal(got.alive, true);
  assert.equal(got.born.toString(), '1999-12-31');
  assert.equal(got.wakes.toString(), '06:30:00.123456789');
  assert.equal(got.seen.getTime(), row.seen.getTime());
  assert.equal(got.tu.toString(), tu.toString());
  assert.equal(got.addr.toString(), '2001:db8::1');
  assert.deepEqual([...got.photo], [0, 1, 2, 254, 255]);
  assert.ok(got.span.equals(row.span), `duration ${got.span}`);
  assert.deepEqual(got.nicknames, ['z', 'zo', 'z']);
  assert.deepEqual(got.emails, ['a@example.com', 'b@example.com']);
  assert.deepEqual(got.scores, { art: -1, math: 5 });
  assert.deepEqual(got.pair.values(), [7, 'seven']);
  assert.deepEqual(got.phone, { country_code: 48, number: '123-456', tags: ['home'] });
  assert.deepEqual(got.phones, { work: { country_code: 1, number: '555', tags: null } });

  // Unprepared text with literals reads back the same way.
  await client.execute(`INSERT INTO node_ks.people (id, seq, name, scores, phone)
      VALUES (${id}, 2, 'lit', {'x': 1}, {country_code: 1, number: '9'})`);
  const lit = (await client.execute(`SELECT name, scores, phone FROM node_ks.people WHERE id = ${id} AND seq = 2`)).first();
  assert.equal(lit.name, 'lit');
  assert.deepEqual(lit.scores, { x: 1 });
  assert.deepEqual(lit.phone, { country_code: 1, number: '9', tags: null });
});

test('pages with fetchSize and resumes from a pageState', async () => {
  await client.execute('CREATE TABLE IF NOT EXISTS node_ks.pages (pk int, ck int, v text, PRIMARY KEY (pk, ck))');
  const insert = 'INSERT INTO node_ks.pages (pk, ck, v) VALUES (?, ?, ?)';
  await cassandra.concurrent.executeConcurrent(client, insert,
    Array.from({ length: 300 }, (_, i) => [i % 3, i, `v${i}`]), { concurrencyLevel: 32 });
  const query = 'SELECT pk, ck FROM node_ks.pages';
  const first = await client.execute(query, [], { fetchSize: 70, prepare: true });
  assert.equal(first.rowLength, 70);
  assert.ok(first.pageState, 'a page state after the first page');
  const seen = first.rows.map((r) => `${r.pk}/${r.ck}`);
  let state = first.pageState;
  while (state) {
    const next = await client.execute(query, [], { fetchSize: 70, prepare: true, pageState: state });
    seen.push(...next.rows.map((r) => `${r.pk}/${r.ck}`));
    state = next.pageState;
  }
  assert.equal(seen.length, 300);
  assert.equal(new Set(seen).size, 300);
  // The driver's own paging over every page gives the same rows in the same order.
  const all = [];
  for await (const r of client.stream(query, [], { fetchSize: 45, prepare: true })) {
    all.push(`${r.pk}/${r.ck}`);
  }
  assert.deepEqual(all, seen);
});

test('batch, lightweight transaction and token()', async () => {
  await client.execute('CREATE TABLE IF NOT EXISTS node_ks.kv (k text PRIMARY KEY, v int)');
  await client.batch([
    { query: 'INSERT INTO node_ks.kv (k, v) VALUES (?, ?)', params: ['a', 1] },
    { query: 'INSERT INTO node_ks.kv (k, v) VALUES (?, ?)', params: ['b', 2] },
    { query: 'UPDATE node_ks.kv SET v = ? WHERE k = ?', params: [3, 'c'] },
  ], { prepare: true, logged: true });
  const rows = (await client.execute('SELECT k, v FROM node_ks.kv')).rows.map((r) => [r.k, r.v]).sort();
  assert.deepEqual(rows, [['a', 1], ['b', 2], ['c', 3]]);

  const lwt = 'INSERT INTO node_ks.kv (k, v) VALUES (?, ?) IF NOT EXISTS';
  assert.equal((await client.execute(lwt, ['d', 4], { prepare: true })).wasApplied(), true);
  const again = await client.execute(lwt, ['d', 5], { prepare: true });
  assert.equal(again.wasApplied(), false);
  assert.equal(again.first().v, 4);

  for (const k of ['a', 'b', 'c', 'd']) {
    const rs = await client.execute('SELECT token(k) AS t FROM node_ks.kv WHERE k = ?', [k], { prepare: true });
    const expected = client.metadata.newToken(Buffer.from(k));
    assert.equal(rs.first().t.toString(), expected.getValue().toString(), `token of ${k}`);
  }
});

test('schema metadata: table columns and the UDT', async () => {
  const table = await client.metadata.getTable('node_ks', 'people');
  assert.ok(table, 'table metadata');
  assert.deepEqual(table.partitionKeys.map((c) => c.name), ['id']);
  assert.deepEqual(table.clusteringKeys.map((c) => c.name), ['seq']);
  const byName = Object.fromEntries(table.columns.map((c) => [c.name, c.type]));
  assert.equal(byName.name.code, types.dataTypes.text);
  assert.equal(byName.huge.code, types.dataTypes.varint);
  assert.equal(byName.phones.code, types.dataTypes.map);
  assert.equal(byName.phone.code, types.dataTypes.udt);
  assert.equal(byName.phone.info.name, 'phone');
  const udt = await client.metadata.getUdt('node_ks', 'phone');
  assert.deepEqual(udt.fields.map((f) => f.name), ['country_code', 'number', 'tags']);
  assert.equal(udt.fields[2].type.code, types.dataTypes.set);
});
