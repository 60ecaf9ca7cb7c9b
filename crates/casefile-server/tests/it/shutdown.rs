//! The real binary: SIGTERM during a burst of writes loses none of the acknowledged ones.
#![allow(clippy::disallowed_methods)] // a real process needs real time to start and stop

use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use casefile_store::{PoolSizes, Store};

use crate::binary::{free_port, start, token, wait_healthy};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_during_writes_loses_no_acknowledged_write() {
    let dir = tempfile::tempdir().unwrap();
    let url = casefile_store::testing::fresh_database_url(dir.path()).await;
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let mut child = start(&url, port);
    let client = reqwest::Client::new();
    wait_healthy(&client, &base).await;
    let token = token(&client, &base).await;

    let acknowledged = Arc::new(Mutex::new(Vec::<String>::new()));
    let mut writers = Vec::new();
    for w in 0..16 {
        let (client, base, token, acknowledged) = (
            client.clone(),
            base.clone(),
            token.clone(),
            acknowledged.clone(),
        );
        writers.push(tokio::spawn(async move {
            for i in 0..10_000 {
                let body = serde_json::json!({"name": format!("W{w} {i}"), "email": format!("w{w}-{i}@example.com")});
                match client.post(format!("{base}/api/v2/users")).bearer_auth(&token).json(&body).send().await {
                    Ok(r) if r.status().is_success() => {
                        let user: serde_json::Value = match r.json().await {
                            Ok(u) => u,
                            Err(_) => return,
                        };
                        acknowledged.lock().unwrap().push(user["id"].as_str().unwrap().to_owned());
                    }
                    Ok(r) => assert!(r.status().is_server_error() || r.status() == 503, "unexpected {}", r.status()),
                    Err(_) => return,
                }
            }
        }));
    }
    while acknowledged.lock().unwrap().len() < 200 {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    for w in writers {
        w.await.unwrap();
    }
    let status = tokio::task::spawn_blocking(move || child.wait().unwrap())
        .await
        .unwrap();
    assert!(status.success(), "graceful exit, got {status:?}");

    let store = casefile_store::connect(&url, PoolSizes::default())
        .await
        .unwrap();
    let ids = acknowledged.lock().unwrap().clone();
    assert!(ids.len() >= 200);
    for id in &ids {
        assert!(
            store.get_user(id).await.is_ok(),
            "acknowledged user {id} was lost"
        );
    }
}
