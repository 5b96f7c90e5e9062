//! Connection options against scylla-sim: TLS (rustls and OpenSSL, with a certificate
//! made by the test), password authentication, compression, known nodes given as host
//! names; and the session-level services: schema agreement, tracing.

mod session_util;

use std::time::Duration;

use futures::TryStreamExt;
use scylla::client::Compression;
use scylla::client::session::Session;
use scylla::errors::NewSessionError;
use scylla::statement::Statement;
use scylla::statement::batch::Batch;
use session_util::*;

async fn round_trip(session: &Session) {
    let ks = keyspace_with_table(session, "conn", 1, "(k int PRIMARY KEY, v text)").await;
    let insert = session
        .prepare(format!("INSERT INTO {ks}.t (k, v) VALUES (?, ?)"))
        .await
        .unwrap();
    // Large values, so that compression has something to do.
    let big = "compressible ".repeat(4000);
    for k in 0..20 {
        session
            .execute_unpaged(&insert, (k, format!("{k}{big}")))
            .await
            .unwrap();
    }
    let rows: Vec<(i32, String)> = session
        .query_iter(format!("SELECT k, v FROM {ks}.t"), &[])
        .await
        .unwrap()
        .rows_stream()
        .unwrap()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(rows.len(), 20);
    for (k, v) in rows {
        assert_eq!(v, format!("{k}{big}"));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lz4_and_snappy_compression() {
    let cluster = cluster(2, 2).await;
    for c in [Compression::Lz4, Compression::Snappy] {
        let session = session_builder(&cluster)
            .compression(Some(c))
            .build()
            .await
            .unwrap();
        round_trip(&session).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn password_authentication() {
    let cluster = builder(2, 1)
        .credentials("alice", "s3cret")
        .build()
        .await
        .unwrap();
    let session = session_builder(&cluster)
        .user("alice", "s3cret")
        .build()
        .await
        .unwrap();
    round_trip(&session).await;

    let wrong = session_builder(&cluster)
        .user("alice", "wrong")
        .build()
        .await
        .unwrap_err();
    assert!(
        matches!(wrong, NewSessionError::MetadataError(_)),
        "{wrong:?}"
    );
    let text = wrong.to_string().to_lowercase();
    assert!(
        text.contains("auth") || text.contains("credentials") || text.contains("password"),
        "{text}"
    );

    let none = session_builder(&cluster).build().await.unwrap_err();
    assert!(
        none.to_string().to_lowercase().contains("authent"),
        "{none}"
    );
}

#[cfg(any(feature = "rustls-023", feature = "openssl-010"))]
mod tls {
    use scylla_sim::{SimCluster, TlsIdentity, free_loopback_base};

    pub(super) struct Certs {
        pub(super) ca_der: Vec<u8>,
        pub(super) cert_pem: String,
        pub(super) key_pem: String,
    }

    /// A CA, and a node certificate it signed naming `ips`.
    pub(super) fn certificates(ips: &[String]) -> Certs {
        use rcgen::{BasicConstraints, CertificateParams, IsCa, KeyPair};
        let ca_key = KeyPair::generate().unwrap();
        let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca_params
            .distinguished_name
            .push(rcgen::DnType::CommonName, "scylla-sim test CA");
        let ca = ca_params.self_signed(&ca_key).unwrap();
        let key = KeyPair::generate().unwrap();
        let params = CertificateParams::new(ips.to_vec()).unwrap();
        let cert = params.signed_by(&key, &ca, &ca_key).unwrap();
        Certs {
            ca_der: ca.der().to_vec(),
            cert_pem: cert.pem(),
            key_pem: key.serialize_pem(),
        }
    }

    /// A TLS cluster of `nodes` nodes, with its certificates.
    pub(super) async fn tls_cluster(nodes: usize) -> (SimCluster, Certs) {
        let base = free_loopback_base(nodes, 9042, Some(19042)).unwrap();
        let ips: Vec<String> = (0..nodes)
            .map(|i| {
                let mut o = base.octets();
                o[3] += i as u8;
                std::net::Ipv4Addr::from(o).to_string()
            })
            .collect();
        let certs = certificates(&ips);
        let cluster = SimCluster::builder()
            .nodes(nodes)
            .shards(2)
            .base_address(base.into())
            .tls(TlsIdentity::from_pem(
                certs.cert_pem.clone(),
                certs.key_pem.clone(),
            ))
            .build()
            .await
            .unwrap();
        (cluster, certs)
    }
}

#[cfg(feature = "rustls-023")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tls_with_rustls() {
    use std::sync::Arc;
    let (cluster, certs) = tls::tls_cluster(2).await;
    let config = |ca: &[u8]| {
        let mut roots = rustls::RootCertStore::empty();
        roots
            .add(rustls_pki_types::CertificateDer::from(ca.to_vec()))
            .unwrap();
        Arc::new(
            rustls::ClientConfig::builder_with_provider(Arc::new(
                rustls::crypto::ring::default_provider(),
            ))
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_root_certificates(roots)
            .with_no_client_auth(),
        )
    };
    let session = session_builder(&cluster)
        .tls_context(Some(config(&certs.ca_der)))
        .compression(Some(Compression::Lz4))
        .build()
        .await
        .unwrap();
    round_trip(&session).await;
    // Another CA's certificate is refused.
    let other = tls::certificates(&["127.0.0.1".to_owned()]);
    let err = session_builder(&cluster)
        .tls_context(Some(config(&other.ca_der)))
        .connection_timeout(Duration::from_secs(2))
        .build()
        .await
        .unwrap_err();
    assert!(
        err.to_string().to_lowercase().contains("certificate"),
        "{err}"
    );
    // Plain TCP to a TLS node fails.
    assert!(
        session_builder(&cluster)
            .connection_timeout(Duration::from_secs(1))
            .build()
            .await
            .is_err()
    );
}

#[cfg(feature = "openssl-010")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tls_with_openssl() {
    use openssl::ssl::{SslConnector, SslMethod};
    use openssl::x509::X509;
    let (cluster, certs) = tls::tls_cluster(2).await;
    let mut builder = SslConnector::builder(SslMethod::tls()).unwrap();
    builder
        .cert_store_mut()
        .add_cert(X509::from_der(&certs.ca_der).unwrap())
        .unwrap();
    let session = session_builder(&cluster)
        .tls_context(Some(builder))
        .build()
        .await
        .unwrap();
    round_trip(&session).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn known_nodes_by_name_and_unresolvable_ones() {
    let cluster = cluster(2, 1).await;
    let addr = cluster.contact_points()[0];
    let session = Session::connect({
        let mut c = scylla::client::session::SessionConfig::new();
        c.add_known_node(addr.to_string());
        c.add_known_node("unresolvable.invalid");
        c
    })
    .await
    .unwrap();
    assert_eq!(session.get_cluster_state().get_nodes_info().len(), 2);
    // Port 9042 is the default.
    let session = scylla::client::session_builder::SessionBuilder::new()
        .known_node(addr.ip().to_string())
        .build()
        .await
        .unwrap();
    round_trip(&session).await;
    assert_ne!(session.session_id(), uuid::Uuid::nil());
    // Nothing listens here.
    let err = scylla::client::session_builder::SessionBuilder::new()
        .known_node("127.0.0.1:1")
        .connection_timeout(Duration::from_secs(1))
        .build()
        .await
        .unwrap_err();
    assert!(matches!(err, NewSessionError::MetadataError(_)), "{err:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn schema_agreement() {
    let cluster = cluster(3, 1).await;
    let session = session_builder(&cluster)
        .auto_await_schema_agreement(false)
        .schema_agreement_interval(Duration::from_millis(20))
        .schema_agreement_timeout(Duration::from_secs(5))
        .build()
        .await
        .unwrap();
    let version = session.check_schema_agreement().await.unwrap().unwrap();
    let ks = unique_keyspace("agreement");
    create_keyspace(&session, &ks, 3).await;
    let after = session.await_schema_agreement().await.unwrap();
    assert_ne!(after, version, "a schema change changes the version");
    let (local,): (uuid::Uuid,) = session
        .query_unpaged(
            "SELECT schema_version FROM system.local WHERE key = 'local'",
            &[],
        )
        .await
        .unwrap()
        .into_rows_result()
        .unwrap()
        .single_row()
        .unwrap();
    assert_eq!(local, after);
    // A stopped node does not block agreement.
    cluster.stop_node(cluster.nodes()[2].id).await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(session.await_schema_agreement().await.unwrap(), after);
    assert_eq!(session.check_schema_agreement().await.unwrap(), Some(after));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tracing_info() {
    let cluster = cluster(2, 1).await;
    let session = session(&cluster).await;
    let ks = keyspace_with_table(&session, "tracing", 2, "(k int PRIMARY KEY, v int)").await;
    let mut insert = Statement::new(format!("INSERT INTO {ks}.t (k, v) VALUES (1, 1)"));
    insert.set_tracing(true);
    let result = session.query_unpaged(insert.clone(), &[]).await.unwrap();
    let id = result.tracing_id().expect("a tracing id");
    let info = session.get_tracing_info(&id).await.unwrap();
    assert!(info.duration.is_some());
    assert!(info.coordinator.is_some());
    assert!(!info.events.is_empty());
    assert!(!info.nodes().is_empty());

    let mut select = Statement::new(format!("SELECT * FROM {ks}.t WHERE k = ?"));
    select.set_tracing(true);
    let prepared = session.prepare(select).await.unwrap();
    assert!(!prepared.get_prepare_tracing_ids().is_empty());
    let result = session.execute_unpaged(&prepared, (1,)).await.unwrap();
    let id = result.tracing_id().unwrap();
    assert!(session.get_tracing_info(&id).await.is_ok());

    let mut paged = Statement::new(format!("SELECT * FROM {ks}.t"));
    paged.set_tracing(true);
    let pager = session.query_iter(paged, &[]).await.unwrap();
    assert_eq!(pager.tracing_ids().len(), 1);

    let mut batch = Batch::default();
    batch.append_statement(format!("INSERT INTO {ks}.t (k, v) VALUES (2, 2)").as_str());
    batch.set_tracing(true);
    let result = session.batch(&batch, ((),)).await.unwrap();
    let id = result.tracing_id().unwrap();
    assert!(session.get_tracing_info(&id).await.is_ok());

    // An id nobody traced: empty after the configured attempts.
    let err = session
        .get_tracing_info(&uuid::Uuid::new_v4())
        .await
        .unwrap_err();
    assert!(
        matches!(err, scylla::errors::TracingError::EmptyResults),
        "{err:?}"
    );
}
