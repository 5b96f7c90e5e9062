//! TLS with rustls. Without `SCYLLA_URI`, the example makes a CA and a node
//! certificate (rcgen) and starts the in-process cluster with it. With `SCYLLA_URI`
//! set, `SCYLLA_CA` must name the PEM file of the CA that signed the nodes'
//! certificates (which must name the nodes' IP addresses).

use std::sync::Arc;

use examples::{BoxError, Target};
use rustls_pki_types::CertificateDer;
use rustls_pki_types::pem::PemObject;
use scylla::client::session_builder::SessionBuilder;

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    match std::env::var("SCYLLA_URI") {
        Ok(uri) => {
            let path =
                std::env::var("SCYLLA_CA").map_err(|_| "set SCYLLA_CA to the CA's PEM file")?;
            let ca = CertificateDer::from_pem_file(path)?;
            run(&uri, ca.to_vec()).await
        }
        Err(_) => {
            let (target, ca_der) = tls_sim().await?;
            run(&target.uri, ca_der).await
        }
    }
}

/// An in-process cluster serving TLS, and the DER of the CA that signed its
/// certificate.
pub async fn tls_sim() -> Result<(Target, Vec<u8>), BoxError> {
    use rcgen::{BasicConstraints, CertificateParams, IsCa, KeyPair};
    let base = scylla_sim::free_loopback_base(3, 9042, Some(19042))?;
    let ips: Vec<String> = (0..3u8)
        .map(|i| {
            let mut o = base.octets();
            o[3] += i;
            std::net::Ipv4Addr::from(o).to_string()
        })
        .collect();
    let ca_key = KeyPair::generate()?;
    let mut ca_params = CertificateParams::new(Vec::<String>::new())?;
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca = ca_params.self_signed(&ca_key)?;
    let node_key = KeyPair::generate()?;
    let node_cert = CertificateParams::new(ips)?.signed_by(&node_key, &ca, &ca_key)?;
    let identity = scylla_sim::TlsIdentity::from_pem(node_cert.pem(), node_key.serialize_pem());
    let target = Target::from_env_or(|b| b.base_address(base.into()).tls(identity)).await?;
    Ok((target, ca.der().to_vec()))
}

/// The example's body: trusts `ca_der` and connects over TLS.
pub async fn run(uri: &str, ca_der: Vec<u8>) -> Result<(), BoxError> {
    let mut roots = rustls::RootCertStore::empty();
    roots.add(CertificateDer::from(ca_der))?;
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()?
    .with_root_certificates(roots)
    .with_no_client_auth();
    let session = SessionBuilder::new()
        .known_node(uri)
        .tls_context(Some(Arc::new(config)))
        .build()
        .await?;
    let (version,): (String,) = session
        .query_unpaged("SELECT release_version FROM system.local", &[])
        .await?
        .into_rows_result()?
        .single_row()?;
    println!("Connected over TLS; release_version = {version}");
    Ok(())
}
