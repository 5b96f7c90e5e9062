//! Throughput of one `scylla-sim` node serving prepared single-partition INSERTs and
//! SELECTs to a pipelined client over TCP loopback.
//!
//! The node runs in a Tokio multi-thread runtime whose worker threads are named
//! `sim-server`; the client runs on its own OS thread (`bench-client`) with a
//! current-thread runtime, so the CPU time of each side is read separately from
//! `/proc/self/task/*/schedstat`. The client is raw: frames are built with
//! `scylla-cql`'s request encoders once, then copied and patched (stream id, key,
//! value) for every request; every response is checked (a RESULT of the expected kind
//! and, for SELECTs, the row of the key asked for).
//!
//! ```text
//! cargo bench -p scylla-sim --bench throughput -- [--requests N] [--warmup N]
//!     [--connections N] [--depth N] [--server-threads N]
//! ```
//!
//! Defaults: 500,000 timed requests per workload after 50,000 warm-up ones, one
//! connection with 512 requests in flight, two server worker threads. Run without
//! `--bench` (as `cargo test --benches` does), it makes 2,000 requests per workload:
//! a check that the benchmark works, not a measurement.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use bytes::{Buf, BytesMut};
use scylla_cql::frame::protocol_features::ProtocolFeatures;
use scylla_cql::frame::request::query::{Query, QueryParameters};
use scylla_cql::frame::request::{Execute, Options, Prepare, SerializableRequest, Startup};
use scylla_cql::frame::response::result::Result as CqlResult;
use scylla_cql::frame::response::{Response, ResponseOpcode};
use scylla_cql::frame::types::{self, Consistency};
use scylla_cql::frame::{FrameHeader, HEADER_SIZE, SerializedRequest};
use scylla_cql::serialize::SerializationError;
use scylla_cql::serialize::row::SerializedValues;
use scylla_sim::SimCluster;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Errors of the benchmark: a message saying what failed.
#[derive(Debug)]
struct BenchError(String);

impl fmt::Display for BenchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for BenchError {}

type BenchResult<T> = Result<T, BenchError>;

fn fail<T>(message: impl Into<String>) -> BenchResult<T> {
    Err(BenchError(message.into()))
}

/// Command-line settings.
#[derive(Debug, Clone, Copy)]
struct Settings {
    /// Timed requests per workload (all connections together).
    requests: u64,
    /// Untimed requests per workload before the timed ones.
    warmup: u64,
    /// Client connections.
    connections: usize,
    /// Requests in flight per connection.
    depth: usize,
    /// Worker threads of the server's runtime.
    server_threads: usize,
    /// Run by `cargo bench` (a measurement), not `cargo test` (a check).
    measure: bool,
}

impl Settings {
    fn parse(args: impl Iterator<Item = String>) -> BenchResult<Settings> {
        let mut s = Settings {
            requests: 500_000,
            warmup: 50_000,
            connections: 1,
            depth: 512,
            server_threads: 2,
            measure: true,
        };
        let args: Vec<String> = args.collect();
        // `cargo bench` passes `--bench`; without it (`cargo test --benches`) the
        // binary only checks that everything works, on a few requests.
        if !args.iter().any(|a| a == "--bench") {
            s.measure = false;
            s.requests = 2_000;
            s.warmup = 200;
        }
        let mut args = args.into_iter();
        while let Some(arg) = args.next() {
            if arg == "--bench" {
                continue;
            }
            let mut value = |name: &str| -> BenchResult<u64> {
                let Some(v) = args.next() else {
                    return fail(format!("{name} needs a value"));
                };
                v.parse::<u64>()
                    .map_err(|e| BenchError(format!("{name} {v}: {e}")))
            };
            match arg.as_str() {
                "--requests" => s.requests = value(&arg)?,
                "--warmup" => s.warmup = value(&arg)?,
                "--connections" => s.connections = value(&arg)? as usize,
                "--depth" => s.depth = value(&arg)? as usize,
                "--server-threads" => s.server_threads = value(&arg)? as usize,
                other => {
                    return fail(format!(
                        "unknown argument {other}; expected --requests N, --warmup N, \
                         --connections N, --depth N, --server-threads N"
                    ));
                }
            }
        }
        if s.connections == 0 || s.server_threads == 0 {
            return fail("--connections and --server-threads must be at least 1");
        }
        if !(1..=32_768).contains(&s.depth) {
            return fail("--depth must be between 1 and 32768 (stream ids)");
        }
        if s.requests == 0 {
            return fail("--requests must be at least 1");
        }
        Ok(s)
    }
}

// ---------------------------------------------------------------------------------------
// CPU time per thread
// ---------------------------------------------------------------------------------------

/// CPU time of the process so far, split by thread role.
#[derive(Debug, Clone, Copy, Default)]
struct CpuTimes {
    /// The server runtime's threads (`sim-server`).
    server: Duration,
    /// The client thread (`bench-client`).
    client: Duration,
    /// Every other thread (main, ...).
    other: Duration,
}

impl CpuTimes {
    /// Reads `/proc/self/task/*/{comm,schedstat}` (time on CPU in nanoseconds).
    fn now() -> BenchResult<CpuTimes> {
        let mut times = CpuTimes::default();
        let tasks = std::fs::read_dir("/proc/self/task")
            .map_err(|e| BenchError(format!("cannot list /proc/self/task: {e}")))?;
        for task in tasks {
            let Ok(task) = task else { continue };
            let path = task.path();
            // A thread that ended meanwhile is skipped (its time is lost; the
            // benchmark's threads all outlive the measurements).
            let Ok(comm) = std::fs::read_to_string(path.join("comm")) else {
                continue;
            };
            let Ok(stat) = std::fs::read_to_string(path.join("schedstat")) else {
                continue;
            };
            let nanos: u64 = stat
                .split_whitespace()
                .next()
                .and_then(|n| n.parse().ok())
                .unwrap_or(0);
            let t = Duration::from_nanos(nanos);
            let comm = comm.trim();
            if comm.starts_with("sim-server") {
                times.server += t;
            } else if comm.starts_with("bench-client") {
                times.client += t;
            } else {
                times.other += t;
            }
        }
        Ok(times)
    }

    fn since(self, earlier: CpuTimes) -> CpuTimes {
        CpuTimes {
            server: self.server.saturating_sub(earlier.server),
            client: self.client.saturating_sub(earlier.client),
            other: self.other.saturating_sub(earlier.other),
        }
    }

    fn total(self) -> Duration {
        self.server + self.client + self.other
    }
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".to_owned())
}

// ---------------------------------------------------------------------------------------
// Request templates
// ---------------------------------------------------------------------------------------

/// A key no real request uses, searched for in the template to find where keys go.
const KEY_SENTINEL: i64 = 0x5eed_c0de_0bad_f00d;
/// The text value: this prefix and the key in 16 decimal digits.
const VALUE_PREFIX: &str = "value-";
const VALUE_DIGITS: usize = 16;
const VALUE_SENTINEL: &[u8; VALUE_DIGITS] = b"################";

fn value_of(key: u64) -> [u8; VALUE_DIGITS] {
    let mut out = [b'0'; VALUE_DIGITS];
    let mut k = key;
    for slot in out.iter_mut().rev() {
        *slot = b'0' + (k % 10) as u8;
        k /= 10;
    }
    out
}

/// A serialized EXECUTE frame with the places of its stream id, key and value.
struct Template {
    frame: Vec<u8>,
    key_at: usize,
    value_at: Option<usize>,
}

fn find(haystack: &[u8], needle: &[u8]) -> BenchResult<usize> {
    let found: Vec<usize> = haystack
        .windows(needle.len())
        .enumerate()
        .filter(|(_, w)| *w == needle)
        .map(|(i, _)| i)
        .collect();
    match found.as_slice() {
        [one] => Ok(*one),
        _ => fail(format!(
            "the sentinel occurs {} times in the template",
            found.len()
        )),
    }
}

impl Template {
    /// An EXECUTE of `id` binding the key (and the text value if `with_value`).
    fn new(id: &bytes::Bytes, with_value: bool, skip_metadata: bool) -> BenchResult<Template> {
        let mut sentinel_text = VALUE_PREFIX.as_bytes().to_vec();
        sentinel_text.extend_from_slice(VALUE_SENTINEL);
        let key = KEY_SENTINEL.to_be_bytes();
        let (values, _) = SerializedValues::from_closure(|w| {
            w.make_cell_writer()
                .set_value(&key)
                .map_err(SerializationError::new)?;
            if with_value {
                w.make_cell_writer()
                    .set_value(&sentinel_text)
                    .map_err(SerializationError::new)?;
            }
            Ok(())
        })
        .map_err(|e| BenchError(format!("cannot serialize the values: {e}")))?;
        let execute = Execute {
            id: id.clone(),
            parameters: QueryParameters {
                consistency: Consistency::One,
                page_size: Some(5000),
                skip_metadata,
                values: Cow::Owned(values),
                ..QueryParameters::default()
            },
        };
        let frame = serialize(&execute, 0)?;
        let key_at = find(&frame, &key)?;
        let value_at = if with_value {
            Some(find(&frame, VALUE_SENTINEL)?)
        } else {
            None
        };
        Ok(Template {
            frame,
            key_at,
            value_at,
        })
    }

    /// Appends the request for `key` on `stream` to `out`.
    fn write(&self, out: &mut Vec<u8>, stream: i16, key: u64) {
        let start = out.len();
        out.extend_from_slice(&self.frame);
        let frame = &mut out[start..];
        frame[2..4].copy_from_slice(&stream.to_be_bytes());
        frame[self.key_at..self.key_at + 8].copy_from_slice(&key.to_be_bytes());
        if let Some(at) = self.value_at {
            frame[at..at + VALUE_DIGITS].copy_from_slice(&value_of(key));
        }
    }
}

fn serialize<R: SerializableRequest>(request: &R, stream: i16) -> BenchResult<Vec<u8>> {
    let mut frame = SerializedRequest::make(request, None, false)
        .map_err(|e| BenchError(format!("cannot serialize a request: {e}")))?;
    frame.set_stream(stream);
    Ok(frame.into_data())
}

// ---------------------------------------------------------------------------------------
// The client
// ---------------------------------------------------------------------------------------

/// What each response of a workload must be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    /// A Void result (INSERT).
    Void,
    /// A Rows result without metadata holding the row of the key asked for.
    Row,
}

/// One response frame: its header and body.
struct Frame {
    header: FrameHeader,
    body: bytes::Bytes,
}

/// The message of an ERROR body, for reports.
fn error_message(body: &[u8]) -> String {
    let mut buf = body;
    let code = types::read_int(&mut buf).unwrap_or(0);
    let message = types::read_string(&mut buf).unwrap_or("(unreadable message)");
    format!("ERROR {code:#06x}: {message}")
}

/// Checks one pipelined response against what was asked.
fn check_response(header: &FrameHeader, body: &[u8], expect: Expect, key: u64) -> BenchResult<()> {
    if header.version != 0x84 || header.flags != 0 {
        return fail(format!("unexpected response header {header:?}"));
    }
    if header.opcode != u8::from(ResponseOpcode::Result) {
        if header.opcode == u8::from(ResponseOpcode::Error) {
            return fail(error_message(body));
        }
        return fail(format!(
            "expected a RESULT, got opcode {:#04x}",
            header.opcode
        ));
    }
    let mut buf = body;
    let kind = types::read_int(&mut buf).map_err(|e| BenchError(e.to_string()))?;
    match expect {
        Expect::Void if kind == 1 && buf.is_empty() => Ok(()),
        Expect::Void => fail(format!("expected a Void result, got kind {kind}")),
        Expect::Row => {
            if kind != 2 {
                return fail(format!("expected a Rows result, got kind {kind}"));
            }
            let read =
                |buf: &mut &[u8]| types::read_int(buf).map_err(|e| BenchError(e.to_string()));
            let flags = read(&mut buf)?;
            let columns = read(&mut buf)?;
            if flags != 0x0004 || columns != 2 {
                return fail(format!(
                    "expected 2 columns without metadata, got flags {flags:#x}, {columns} columns"
                ));
            }
            let rows = read(&mut buf)?;
            if rows != 1 {
                return fail(format!("key {key}: expected one row, got {rows}"));
            }
            let k = types::read_bytes(&mut buf).map_err(|e| BenchError(e.to_string()))?;
            let v = types::read_bytes(&mut buf).map_err(|e| BenchError(e.to_string()))?;
            let mut expected = VALUE_PREFIX.as_bytes().to_vec();
            expected.extend_from_slice(&value_of(key));
            if k != key.to_be_bytes() || v != expected.as_slice() || !buf.is_empty() {
                return fail(format!("key {key}: wrong row k={k:?} v={v:?}"));
            }
            Ok(())
        }
    }
}

/// Timings of one connection's share of a workload.
#[derive(Debug, Default, Clone, Copy)]
struct ConnStats {
    done: u64,
    latency_total: Duration,
    writes: u64,
    reads: u64,
}

/// One client connection.
struct Connection {
    stream: TcpStream,
    input: BytesMut,
    output: Vec<u8>,
}

impl Connection {
    async fn open(address: SocketAddr) -> BenchResult<Connection> {
        let stream = TcpStream::connect(address)
            .await
            .map_err(|e| BenchError(format!("connect to {address}: {e}")))?;
        stream
            .set_nodelay(true)
            .map_err(|e| BenchError(format!("TCP_NODELAY: {e}")))?;
        let mut c = Connection {
            stream,
            input: BytesMut::with_capacity(1 << 16),
            output: Vec::with_capacity(1 << 16),
        };
        let supported = c.request(&Options).await?;
        if supported.header.opcode != u8::from(ResponseOpcode::Supported) {
            return fail(format!("OPTIONS: {}", error_message(&supported.body)));
        }
        let startup = Startup {
            options: HashMap::from([(Cow::Borrowed("CQL_VERSION"), Cow::Borrowed("4.0.0"))]),
        };
        let ready = c.request(&startup).await?;
        if ready.header.opcode != u8::from(ResponseOpcode::Ready) {
            return fail(format!("STARTUP: {}", error_message(&ready.body)));
        }
        Ok(c)
    }

    /// Sends one request on stream 1 and reads its response.
    async fn request<R: SerializableRequest>(&mut self, request: &R) -> BenchResult<Frame> {
        let frame = serialize(request, 1)?;
        self.stream
            .write_all(&frame)
            .await
            .map_err(|e| BenchError(format!("write: {e}")))?;
        loop {
            if let Some(frame) = self.next_frame()? {
                return Ok(frame);
            }
            self.fill().await?;
        }
    }

    /// A QUERY that must succeed.
    async fn query(&mut self, text: &str) -> BenchResult<Response> {
        let query = Query {
            contents: Cow::Borrowed(text),
            parameters: QueryParameters {
                consistency: Consistency::One,
                ..QueryParameters::default()
            },
        };
        let frame = self.request(&query).await?;
        self.response(frame, text)
    }

    fn response(&self, frame: Frame, what: &str) -> BenchResult<Response> {
        let opcode = ResponseOpcode::try_from(frame.header.opcode)
            .map_err(|e| BenchError(format!("{what}: {e}")))?;
        if opcode == ResponseOpcode::Error {
            return fail(format!("{what}: {}", error_message(&frame.body)));
        }
        Response::deserialize(&ProtocolFeatures::default(), opcode, frame.body, None)
            .map_err(|e| BenchError(format!("{what}: {e}")))
    }

    /// Prepares `text` and returns its id.
    async fn prepare(&mut self, text: &str) -> BenchResult<bytes::Bytes> {
        let frame = self.request(&Prepare { query: text }).await?;
        match self.response(frame, text)? {
            Response::Result(CqlResult::Prepared(p)) => Ok(p.id),
            other => fail(format!("PREPARE {text}: unexpected {other:?}")),
        }
    }

    /// Reads more bytes into the input buffer.
    async fn fill(&mut self) -> BenchResult<()> {
        self.input.reserve(1 << 16);
        match self.stream.read_buf(&mut self.input).await {
            Ok(0) => fail("the server closed the connection"),
            Ok(_) => Ok(()),
            Err(e) => fail(format!("read: {e}")),
        }
    }

    /// Takes one complete frame off the input buffer, if there is one.
    fn next_frame(&mut self) -> BenchResult<Option<Frame>> {
        let Some(header) = self.input.get(..HEADER_SIZE) else {
            return Ok(None);
        };
        let mut bytes = [0u8; HEADER_SIZE];
        bytes.copy_from_slice(header);
        let header = FrameHeader::from_bytes(bytes);
        if !header.is_response() {
            return fail(format!("not a response frame: {header:?}"));
        }
        let length = header.length as usize;
        if self.input.len() < HEADER_SIZE + length {
            return Ok(None);
        }
        self.input.advance(HEADER_SIZE);
        let body = self.input.split_to(length).freeze();
        Ok(Some(Frame { header, body }))
    }

    /// Runs `count` requests of `template` for keys `key(0..count)`, `depth` in flight.
    async fn pipeline(
        &mut self,
        template: &Template,
        expect: Expect,
        count: u64,
        depth: usize,
        key: impl Fn(u64) -> u64,
    ) -> BenchResult<ConnStats> {
        let mut stats = ConnStats::default();
        // Stream ids 0..depth; a free list, and what each one in flight carries.
        let mut free: Vec<i16> = (0..depth as i16).rev().collect();
        let mut sent_at = vec![Instant::now(); depth];
        let mut sent_key = vec![0u64; depth];
        let mut sent = 0u64;
        while stats.done < count {
            if sent < count && !free.is_empty() {
                let now = Instant::now();
                while sent < count {
                    let Some(stream) = free.pop() else { break };
                    let k = key(sent);
                    template.write(&mut self.output, stream, k);
                    sent_at[stream as usize] = now;
                    sent_key[stream as usize] = k;
                    sent += 1;
                }
                self.stream
                    .write_all(&self.output)
                    .await
                    .map_err(|e| BenchError(format!("write: {e}")))?;
                self.output.clear();
                stats.writes += 1;
            }
            self.fill().await?;
            stats.reads += 1;
            let now = Instant::now();
            while self.input.len() >= HEADER_SIZE {
                let mut bytes = [0u8; HEADER_SIZE];
                bytes.copy_from_slice(&self.input[..HEADER_SIZE]);
                let header = FrameHeader::from_bytes(bytes);
                let length = header.length as usize;
                if self.input.len() < HEADER_SIZE + length {
                    break;
                }
                let stream = header.stream;
                let Some(slot) = usize::try_from(stream).ok().filter(|s| *s < depth) else {
                    return fail(format!("a response on unknown stream {stream}"));
                };
                check_response(
                    &header,
                    &self.input[HEADER_SIZE..HEADER_SIZE + length],
                    expect,
                    sent_key[slot],
                )?;
                self.input.advance(HEADER_SIZE + length);
                stats.latency_total += now.duration_since(sent_at[slot]);
                stats.done += 1;
                free.push(stream);
            }
        }
        Ok(stats)
    }
}

/// The results of one timed workload.
struct Report {
    name: &'static str,
    ops: u64,
    wall: Duration,
    cpu: CpuTimes,
    latency_total: Duration,
    writes: u64,
    reads: u64,
}

impl Report {
    fn print(&self) {
        let secs = self.wall.as_secs_f64();
        let ops = self.ops as f64;
        let per_op = |d: Duration| d.as_secs_f64() * 1e6 / ops;
        println!(
            "{:<6} {:>9} ops in {:>6.3} s = {:>9.0} ops/s | mean latency {:>8.1} us | \
             CPU/op {:>5.2} us (server {:>5.2}, client {:>5.2}, other {:>4.2}) | \
             cores busy: server {:.2}, client {:.2} | {:.1} requests per write, {:.1} responses per read",
            self.name,
            self.ops,
            secs,
            ops / secs,
            self.latency_total.as_secs_f64() * 1e6 / ops,
            per_op(self.cpu.total()),
            per_op(self.cpu.server),
            per_op(self.cpu.client),
            per_op(self.cpu.other),
            self.cpu.server.as_secs_f64() / secs,
            self.cpu.client.as_secs_f64() / secs,
            ops / self.writes.max(1) as f64,
            ops / self.reads.max(1) as f64,
        );
    }
}

/// Runs one workload over every connection; keys are spread over connections.
async fn workload(
    conns: &mut [Connection],
    template: &Template,
    expect: Expect,
    count: u64,
    depth: usize,
    key: impl Fn(u64) -> u64 + Copy,
) -> BenchResult<ConnStats> {
    let n = conns.len() as u64;
    let runs = conns.iter_mut().enumerate().map(|(i, c)| {
        let i = i as u64;
        // Connection i runs requests i, i + n, i + 2n, ...
        let share = count / n + u64::from(i < count % n);
        c.pipeline(template, expect, share, depth, move |j| key(i + j * n))
    });
    let mut total = ConnStats::default();
    for r in futures::future::join_all(runs).await {
        let r = r?;
        total.done += r.done;
        total.latency_total += r.latency_total;
        total.writes += r.writes;
        total.reads += r.reads;
    }
    Ok(total)
}

async fn timed(
    name: &'static str,
    conns: &mut [Connection],
    template: &Template,
    expect: Expect,
    count: u64,
    depth: usize,
    key: impl Fn(u64) -> u64 + Copy,
) -> BenchResult<Report> {
    let cpu = CpuTimes::now()?;
    let start = Instant::now();
    let stats = workload(conns, template, expect, count, depth, key).await?;
    let wall = start.elapsed();
    let cpu = CpuTimes::now()?.since(cpu);
    if stats.done != count {
        return fail(format!("{name}: {} of {count} answered", stats.done));
    }
    Ok(Report {
        name,
        ops: count,
        wall,
        cpu,
        latency_total: stats.latency_total,
        writes: stats.writes,
        reads: stats.reads,
    })
}

async fn client(address: SocketAddr, s: Settings) -> BenchResult<Vec<Report>> {
    let mut conns = Vec::with_capacity(s.connections);
    for _ in 0..s.connections {
        conns.push(Connection::open(address).await?);
    }
    let setup = &mut conns[0];
    setup
        .query(
            "CREATE KEYSPACE bench WITH replication = \
             {'class': 'SimpleStrategy', 'replication_factor': 1}",
        )
        .await?;
    setup
        .query("CREATE TABLE bench.kv (k bigint PRIMARY KEY, v text)")
        .await?;
    let insert = setup
        .prepare("INSERT INTO bench.kv (k, v) VALUES (?, ?)")
        .await?;
    let select = setup
        .prepare("SELECT k, v FROM bench.kv WHERE k = ?")
        .await?;
    let insert = Template::new(&insert, true, false)?;
    let select = Template::new(&select, false, true)?;

    let keys = s.warmup + s.requests;
    // SELECT keys: every inserted key, in a scattered order.
    let scattered = move |i: u64| i.wrapping_mul(0x9e37_79b9_7f4a_7c15) % keys;
    let mut reports = Vec::new();
    workload(&mut conns, &insert, Expect::Void, s.warmup, s.depth, |i| i).await?;
    let warmup = s.warmup;
    reports.push(
        timed(
            "INSERT",
            &mut conns,
            &insert,
            Expect::Void,
            s.requests,
            s.depth,
            move |i| warmup + i,
        )
        .await?,
    );
    workload(
        &mut conns,
        &select,
        Expect::Row,
        s.warmup,
        s.depth,
        scattered,
    )
    .await?;
    reports.push(
        timed(
            "SELECT",
            &mut conns,
            &select,
            Expect::Row,
            s.requests,
            s.depth,
            move |i| scattered(i + warmup),
        )
        .await?,
    );
    Ok(reports)
}

fn main() {
    if let Err(e) = run() {
        eprintln!("throughput benchmark failed: {e}");
        std::process::exit(1);
    }
}

fn run() -> BenchResult<()> {
    let settings = Settings::parse(std::env::args().skip(1))?;
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    println!(
        "scylla-sim throughput: 1 node, 1 shard; {} connection(s) x {} in flight; \
         {} timed requests per workload after {} warm-up; server runtime {} worker thread(s), \
         client on 1 thread; {cores} cores; load average before: {}",
        settings.connections,
        settings.depth,
        settings.requests,
        settings.warmup,
        settings.server_threads,
        load_average(),
    );
    let server = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(settings.server_threads)
        .thread_name("sim-server")
        .enable_all()
        .build()
        .map_err(|e| BenchError(format!("server runtime: {e}")))?;
    let cluster = server
        .block_on(SimCluster::builder().unique_addresses().build())
        .map_err(|e| BenchError(format!("cannot start the sim: {e}")))?;
    let Some(&address) = cluster.contact_points().first() else {
        return fail("the sim has no node");
    };
    println!("node at {address}");
    let client = std::thread::Builder::new()
        .name("bench-client".to_owned())
        .spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|e| BenchError(format!("client runtime: {e}")))?;
            runtime.block_on(client(address, settings))
        })
        .map_err(|e| BenchError(format!("client thread: {e}")))?;
    let reports = client
        .join()
        .map_err(|_| BenchError("the client thread panicked".to_owned()))??;
    for r in &reports {
        r.print();
    }
    println!("load average after: {}", load_average());
    if !settings.measure {
        println!("(run without --bench: a check that the benchmark works, not a measurement)");
    }
    server.block_on(cluster.shutdown());
    Ok(())
}
