//! REGISTER and pushed events; stopping, starting, restarting, adding and
//! decommissioning nodes.

mod server_support;

use std::time::Duration;

use scylla_cql::frame::request::{Options, Register};
use scylla_cql::frame::response::event::{Event, StatusChangeEvent, TopologyChangeEvent};
use scylla_cql::frame::response::{Response, ResponseOpcode};
use scylla_cql::frame::server_event_type::EventType;
use scylla_sim::{NodeStatus, SimError};
use server_support::{Client, builder};
use tokio::net::TcpStream;

async fn registered(address: std::net::SocketAddr, types: Vec<EventType>) -> Client<TcpStream> {
    let mut c = Client::connect(address).await;
    c.startup(None).await;
    let f = c
        .request(&Register {
            event_types_to_register_for: types,
        })
        .await;
    assert_eq!(f.opcode(), ResponseOpcode::Ready);
    c
}

async fn next_event(c: &mut Client<TcpStream>) -> Event {
    let f = c.recv().await;
    assert_eq!(f.header.stream, -1, "{f:?}");
    match f.response() {
        Response::Event(e) => e,
        other => panic!("expected an EVENT, got {other:?}"),
    }
}

#[tokio::test]
async fn stop_start_restart_push_status_changes() {
    let cluster = builder().nodes(3).build().await.unwrap();
    let nodes = cluster.nodes();
    let (n0, n1) = (&nodes[0], &nodes[1]);
    let mut all = registered(
        n0.address,
        vec![
            EventType::StatusChange,
            EventType::TopologyChange,
            EventType::SchemaChange,
        ],
    )
    .await;
    let mut topology_only = registered(n0.address, vec![EventType::TopologyChange]).await;
    let mut on_n1 = Client::connect(n1.address).await;
    on_n1.startup(None).await;

    cluster.stop_node(n1.id).await.unwrap();
    assert_eq!(
        next_event(&mut all).await,
        Event::StatusChange(StatusChangeEvent::Down(n1.address))
    );
    // The stopped node's connections are closed, and it no longer listens.
    on_n1.expect_closed().await;
    assert!(TcpStream::connect(n1.address).await.is_err());
    assert_eq!(cluster.nodes()[1].status, NodeStatus::Down);
    assert!(!cluster.state().is_alive(n1.id));
    // Stopping again does nothing.
    cluster.stop_node(n1.id).await.unwrap();

    cluster.start_node(n1.id).await.unwrap();
    assert_eq!(
        next_event(&mut all).await,
        Event::StatusChange(StatusChangeEvent::Up(n1.address))
    );
    assert_eq!(cluster.nodes()[1].status, NodeStatus::Up);
    let mut again = Client::connect(n1.address).await;
    again.startup(None).await;

    cluster.restart_node(n1.id).await.unwrap();
    assert_eq!(
        next_event(&mut all).await,
        Event::StatusChange(StatusChangeEvent::Down(n1.address))
    );
    assert_eq!(
        next_event(&mut all).await,
        Event::StatusChange(StatusChangeEvent::Up(n1.address))
    );
    again.expect_closed().await;

    // The topology-only connection heard none of it.
    topology_only
        .expect_silence(Duration::from_millis(200))
        .await;
    // Events did not disturb request handling.
    all.send(&Options, 5).await;
    assert_eq!(all.recv().await.header.stream, 5);
}

#[tokio::test]
async fn add_and_decommission_push_topology_changes() {
    let cluster = builder()
        .datacenters(&[("dc1", 2), ("dc2", 1)])
        .build()
        .await
        .unwrap();
    let nodes = cluster.nodes();
    assert_eq!(
        nodes
            .iter()
            .map(|n| n.datacenter.as_str())
            .collect::<Vec<_>>(),
        ["dc1", "dc1", "dc2"]
    );
    let mut watcher = registered(
        nodes[0].address,
        vec![EventType::TopologyChange, EventType::StatusChange],
    )
    .await;

    let new = cluster.add_node("dc2", "rack7").await.unwrap();
    let info = cluster
        .nodes()
        .into_iter()
        .find(|n| n.id == new)
        .expect("the new node is listed");
    assert_eq!(info.datacenter, "dc2");
    assert_eq!(info.rack, "rack7");
    assert_eq!(info.status, NodeStatus::Up);
    // The next address of the block.
    let expected_ip = match nodes[2].address.ip() {
        std::net::IpAddr::V4(v4) => std::net::Ipv4Addr::from(u32::from(v4) + 1),
        other => panic!("{other}"),
    };
    assert_eq!(info.address.ip(), expected_ip);
    assert_eq!(
        next_event(&mut watcher).await,
        Event::TopologyChange(TopologyChangeEvent::NewNode(info.address))
    );
    assert_eq!(cluster.state().topology().node_count(), 4);
    assert!(
        !cluster
            .state()
            .topology()
            .node(new)
            .unwrap()
            .tokens()
            .is_empty()
    );
    // It answers.
    let mut c = Client::connect(info.address).await;
    c.startup(None).await;

    cluster.decommission_node(new).await.unwrap();
    assert_eq!(
        next_event(&mut watcher).await,
        Event::TopologyChange(TopologyChangeEvent::RemovedNode(info.address))
    );
    c.expect_closed().await;
    assert_eq!(cluster.state().topology().node_count(), 3);
    assert!(cluster.nodes().iter().all(|n| n.id != new));
    assert!(matches!(
        cluster.start_node(new).await,
        Err(SimError::UnknownNode(_))
    ));
    // A further node gets a fresh address, not the removed one.
    let newer = cluster.add_node("dc1", "rack1").await.unwrap();
    assert_ne!(cluster.node_address(newer), Some(info.address));
}

#[tokio::test]
async fn a_connection_does_not_report_its_own_node() {
    let cluster = builder().nodes(2).build().await.unwrap();
    let nodes = cluster.nodes();
    let mut on_n0 = registered(nodes[0].address, vec![EventType::TopologyChange]).await;
    let mut on_n1 = registered(nodes[1].address, vec![EventType::TopologyChange]).await;
    // A NEW_NODE goes to both; then decommissioning node 1 is only reported by node 0
    // (node 1's connection is closed).
    let added = cluster.add_node("datacenter1", "rack1").await.unwrap();
    let address = cluster.node_address(added).unwrap();
    for c in [&mut on_n0, &mut on_n1] {
        assert_eq!(
            next_event(c).await,
            Event::TopologyChange(TopologyChangeEvent::NewNode(address))
        );
    }
    cluster.decommission_node(nodes[1].id).await.unwrap();
    assert_eq!(
        next_event(&mut on_n0).await,
        Event::TopologyChange(TopologyChangeEvent::RemovedNode(nodes[1].address))
    );
    let frames = on_n1.expect_closed().await;
    assert!(frames.is_empty(), "{frames:?}");
}

#[tokio::test]
async fn control_errors() {
    let cluster = builder().nodes(1).build().await.unwrap();
    let id = cluster.nodes()[0].id;
    assert!(matches!(
        cluster.decommission_node(id).await,
        Err(SimError::InvalidConfig(_))
    ));
    cluster.stop_node(id).await.unwrap();
    assert!(matches!(
        cluster.pause_node(id).await,
        Err(SimError::NodeStopped(_))
    ));
    assert!(matches!(
        cluster.stop_node(scylla_sim::NodeId::new(99)).await,
        Err(SimError::UnknownNode(_))
    ));
    cluster.start_node(id).await.unwrap();
    cluster.shutdown().await;
}
