//! `scylla-sim`: runs a simulated ScyllaDB cluster until SIGINT or SIGTERM.

use std::net::IpAddr;
use std::process::ExitCode;

use scylla_sim::{SimCluster, SimClusterBuilder, TlsIdentity};

const USAGE: &str = "\
usage: scylla-sim [options]

Runs an in-memory ScyllaDB-compatible cluster speaking CQL protocol v4. Prints each
node's address, then a line `ready`; stops cleanly on SIGINT or SIGTERM.

options:
  --nodes N                  nodes in one datacenter `datacenter1` (default 3)
  --datacenters DC:N,...     nodes per datacenter, e.g. dc1:3,dc2:2 (instead of --nodes)
  --racks N                  racks per datacenter, nodes spread round robin (default 1)
  --shards N                 shards per node (default 1)
  --vnodes N                 tokens per node (default 256)
  --address IP               address of the first node; the others follow (default 127.0.0.1)
  --unique-addresses         pick a free random 127.X.Y.1 block instead of --address
  --port PORT                CQL port of every node (default 9042)
  --shard-aware-port PORT    shard-aware port (default 19042)
  --no-shard-aware-port      do not listen on a shard-aware port
  --auth                     require password authentication as cassandra/cassandra
  --user USER --password PW  require password authentication with these credentials
  --tls-cert FILE            serve TLS with this PEM certificate chain (needs --tls-key)
  --tls-key FILE             the PEM private key of --tls-cert
  --cluster-name NAME        cluster_name in system.local
  --seed N                   seed of token allocation
  -h, --help                 print this help";

/// What the command line asks for.
#[derive(Debug, Default)]
struct Args {
    nodes: Option<usize>,
    datacenters: Option<Vec<(String, usize)>>,
    racks: Option<usize>,
    shards: Option<u16>,
    vnodes: Option<usize>,
    address: Option<IpAddr>,
    unique_addresses: bool,
    port: Option<u16>,
    shard_aware_port: Option<u16>,
    no_shard_aware_port: bool,
    auth: bool,
    user: Option<String>,
    password: Option<String>,
    tls_cert: Option<String>,
    tls_key: Option<String>,
    cluster_name: Option<String>,
    seed: Option<u64>,
    help: bool,
}

fn parse_number<T: std::str::FromStr>(flag: &str, value: &str) -> Result<T, String> {
    value
        .parse()
        .map_err(|_| format!("{flag}: `{value}` is not a valid number"))
}

fn parse_datacenters(value: &str) -> Result<Vec<(String, usize)>, String> {
    value
        .split(',')
        .map(|part| {
            let (dc, n) = part
                .split_once(':')
                .ok_or_else(|| format!("--datacenters: `{part}` is not NAME:COUNT (e.g. dc1:3)"))?;
            if dc.is_empty() {
                return Err(format!("--datacenters: empty datacenter name in `{part}`"));
            }
            Ok((dc.to_owned(), parse_number("--datacenters", n)?))
        })
        .collect()
}

fn parse_args(args: impl IntoIterator<Item = String>) -> Result<Args, String> {
    let mut out = Args::default();
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_owned(), Some(v.to_owned())),
            _ => (arg.clone(), None),
        };
        let mut value = |inline: Option<String>| -> Result<String, String> {
            inline
                .or_else(|| args.next())
                .ok_or_else(|| format!("{flag} needs a value"))
        };
        match flag.as_str() {
            "-h" | "--help" => out.help = true,
            "--nodes" => out.nodes = Some(parse_number(&flag, &value(inline)?)?),
            "--datacenters" => out.datacenters = Some(parse_datacenters(&value(inline)?)?),
            "--racks" => out.racks = Some(parse_number(&flag, &value(inline)?)?),
            "--shards" => out.shards = Some(parse_number(&flag, &value(inline)?)?),
            "--vnodes" => out.vnodes = Some(parse_number(&flag, &value(inline)?)?),
            "--address" => {
                let v = value(inline)?;
                out.address = Some(
                    v.parse()
                        .map_err(|_| format!("--address: `{v}` is not an IP address"))?,
                );
            }
            "--unique-addresses" => out.unique_addresses = true,
            "--port" => out.port = Some(parse_number(&flag, &value(inline)?)?),
            "--shard-aware-port" => {
                out.shard_aware_port = Some(parse_number(&flag, &value(inline)?)?)
            }
            "--no-shard-aware-port" => out.no_shard_aware_port = true,
            "--auth" => out.auth = true,
            "--user" => out.user = Some(value(inline)?),
            "--password" => out.password = Some(value(inline)?),
            "--tls-cert" => out.tls_cert = Some(value(inline)?),
            "--tls-key" => out.tls_key = Some(value(inline)?),
            "--cluster-name" => out.cluster_name = Some(value(inline)?),
            "--seed" => out.seed = Some(parse_number(&flag, &value(inline)?)?),
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    if out.nodes.is_some() && out.datacenters.is_some() {
        return Err("give either --nodes or --datacenters, not both".to_owned());
    }
    if out.address.is_some() && out.unique_addresses {
        return Err("give either --address or --unique-addresses, not both".to_owned());
    }
    if out.shard_aware_port.is_some() && out.no_shard_aware_port {
        return Err("give either --shard-aware-port or --no-shard-aware-port".to_owned());
    }
    if out.user.is_some() != out.password.is_some() {
        return Err("--user and --password go together".to_owned());
    }
    if out.tls_cert.is_some() != out.tls_key.is_some() {
        return Err("--tls-cert and --tls-key go together".to_owned());
    }
    Ok(out)
}

fn builder(args: &Args) -> Result<SimClusterBuilder, String> {
    let mut b = SimCluster::builder();
    b = match &args.datacenters {
        Some(dcs) => {
            let dcs: Vec<(&str, usize)> = dcs.iter().map(|(d, n)| (d.as_str(), *n)).collect();
            b.datacenters(&dcs)
        }
        None => b.nodes(args.nodes.unwrap_or(3)),
    };
    if let Some(r) = args.racks {
        b = b.racks_per_datacenter(r);
    }
    if let Some(s) = args.shards {
        b = b.shards(s);
    }
    if let Some(v) = args.vnodes {
        b = b.vnodes(v);
    }
    if let Some(a) = args.address {
        b = b.base_address(a);
    }
    if args.unique_addresses {
        b = b.unique_addresses();
    }
    if let Some(p) = args.port {
        b = b.port(p);
    }
    if let Some(p) = args.shard_aware_port {
        b = b.shard_aware_port(Some(p));
    }
    if args.no_shard_aware_port {
        b = b.shard_aware_port(None);
    }
    if args.auth {
        b = b.password_authentication();
    }
    if let (Some(u), Some(p)) = (&args.user, &args.password) {
        b = b.credentials(u, p);
    }
    if let (Some(cert), Some(key)) = (&args.tls_cert, &args.tls_key) {
        let identity = TlsIdentity::from_pem_files(cert, key).map_err(|e| e.to_string())?;
        b = b.tls(identity);
    }
    if let Some(name) = &args.cluster_name {
        b = b.cluster_name(name);
    }
    if let Some(seed) = args.seed {
        b = b.seed(seed);
    }
    Ok(b)
}

/// Resolves on SIGINT or SIGTERM. The handlers are installed when this is called,
/// before `ready` is printed, so that a signal sent right after `ready` is caught.
#[cfg(unix)]
fn shutdown_signal() -> std::io::Result<impl std::future::Future<Output = ()>> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut term = signal(SignalKind::terminate())?;
    let mut int = signal(SignalKind::interrupt())?;
    Ok(async move {
        tokio::select! {
            _ = term.recv() => {}
            _ = int.recv() => {}
        }
    })
}

/// Resolves on Ctrl-C.
#[cfg(not(unix))]
fn shutdown_signal() -> std::io::Result<impl std::future::Future<Output = ()>> {
    Ok(async {
        let _ = tokio::signal::ctrl_c().await;
    })
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = match parse_args(std::env::args().skip(1)) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("scylla-sim: {e}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    if args.help {
        println!("{USAGE}");
        return ExitCode::SUCCESS;
    }
    let builder = match builder(&args) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("scylla-sim: {e}");
            return ExitCode::from(2);
        }
    };
    let signal = match shutdown_signal() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("scylla-sim: cannot listen for signals: {e}");
            return ExitCode::from(1);
        }
    };
    let cluster = match builder.build().await {
        Ok(c) => c,
        Err(e) => {
            eprintln!("scylla-sim: {e}");
            return ExitCode::from(1);
        }
    };
    for node in cluster.nodes() {
        println!(
            "node {} {} datacenter={} rack={} shards={} host_id={}",
            node.id.get(),
            node.address,
            node.datacenter,
            node.rack,
            node.shards,
            node.host_id
        );
    }
    println!("ready");
    signal.await;
    cluster.shutdown().await;
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Args, String> {
        parse_args(args.iter().map(|s| s.to_string()))
    }

    #[test]
    fn flags() {
        let a = parse(&[
            "--nodes",
            "5",
            "--shards=4",
            "--address",
            "127.1.2.1",
            "--port",
            "9999",
            "--auth",
            "--no-shard-aware-port",
        ])
        .unwrap();
        assert_eq!(a.nodes, Some(5));
        assert_eq!(a.shards, Some(4));
        assert_eq!(a.address, Some("127.1.2.1".parse().unwrap()));
        assert_eq!(a.port, Some(9999));
        assert!(a.auth && a.no_shard_aware_port);
        let a = parse(&["--datacenters", "dc1:3,dc2:2"]).unwrap();
        assert_eq!(
            a.datacenters,
            Some(vec![("dc1".to_owned(), 3), ("dc2".to_owned(), 2)])
        );
    }

    #[test]
    fn errors_say_what_is_wrong() {
        let e = parse(&["--nodes", "x"]).unwrap_err();
        assert!(e.contains("--nodes") && e.contains("`x`"), "{e}");
        assert!(parse(&["--port"]).unwrap_err().contains("needs a value"));
        assert!(parse(&["--bogus"]).unwrap_err().contains("--bogus"));
        assert!(
            parse(&["--datacenters", "dc1"])
                .unwrap_err()
                .contains("NAME:COUNT")
        );
        assert!(parse(&["--address", "nope"]).unwrap_err().contains("IP"));
        assert!(
            parse(&["--tls-cert", "a"])
                .unwrap_err()
                .contains("go together")
        );
        assert!(
            parse(&["--nodes", "1", "--datacenters", "a:1"])
                .unwrap_err()
                .contains("either")
        );
    }
}
