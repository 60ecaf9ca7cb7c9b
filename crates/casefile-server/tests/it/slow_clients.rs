//! Clients that hold connections without finishing a request: idle, a header line at a time,
//! a body byte at a time. Each is closed within its configured bound while normal requests
//! are served; past the connection cap new connections are closed at once; and SIGTERM with a
//! stalled client exits within the drain bound. Real sockets, real time: the bounds below
//! only keep a broken server from hanging the test, nothing asserts on how fast it is.
#![allow(clippy::disallowed_methods)] // network timeouts run on real time

use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use crate::binary::{free_port, start_with, wait_healthy};
use crate::harness::Harness;

/// Far above every configured timeout here: reaching it means the server never closed.
const BOUND: Duration = Duration::from_secs(30);

/// Reads until the server closes the connection; returns what it sent.
async fn until_closed(stream: &mut TcpStream) -> String {
    read_until_closed(stream)
        .await
        .expect("the server kept the connection open")
}

/// Everything the peer sends until it closes, or `None` if it stays open past [`BOUND`].
async fn read_until_closed<R: AsyncRead + Unpin>(reader: &mut R) -> Option<String> {
    let mut seen = Vec::new();
    let read = async {
        let mut buf = [0u8; 1024];
        loop {
            match reader.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => seen.extend_from_slice(&buf[..n]),
            }
        }
    };
    tokio::time::timeout(BOUND, read).await.ok()?;
    Some(String::from_utf8_lossy(&seen).into_owned())
}

/// Sends `chunks` one at a time with a pause between, until the server closes the
/// connection; returns what the server sent.
async fn trickle(mut stream: TcpStream, head: &str, chunk: &'static str) -> String {
    stream.write_all(head.as_bytes()).await.unwrap();
    let (mut reader, mut writer) = stream.into_split();
    let sender = tokio::spawn(async move {
        loop {
            tokio::time::sleep(Duration::from_millis(300)).await;
            if writer.write_all(chunk.as_bytes()).await.is_err() {
                break;
            }
        }
    });
    let seen = read_until_closed(&mut reader).await;
    sender.abort();
    seen.expect("the server kept the trickling connection open")
}

async fn healthy(port: u16) {
    let r = reqwest::get(format!("http://127.0.0.1:{port}/healthz"))
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idle_and_trickling_clients_are_closed_and_others_served_meanwhile() {
    let h = Harness::with_config(|c| {
        c.header_read_timeout_seconds = 1;
        c.request_timeout_seconds = 2;
        c.max_connections = 6;
    })
    .await;
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(casefile_server::server::serve(
        h.app.clone(),
        listener,
        async move {
            let _ = stopped.await;
        },
    ));
    let connect = || TcpStream::connect(("127.0.0.1", port));

    // Idle: no byte at all, and idle after a first request on a keep-alive connection.
    let mut idle = connect().await.unwrap();
    let mut after_one = connect().await.unwrap();
    after_one
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    healthy(port).await; // served while those two are open
    assert_eq!(until_closed(&mut idle).await, "");
    assert!(
        until_closed(&mut after_one)
            .await
            .starts_with("HTTP/1.1 200")
    );

    // A header line every 300 ms never finishes the head: closed by the header timeout.
    let slow_head = tokio::spawn(trickle(
        connect().await.unwrap(),
        "GET /healthz HTTP/1.1\r\nHost: x\r\n",
        "X-Slow: y\r\n",
    ));
    // A body byte every 300 ms: answered 408 in the Genesys body by the request timeout.
    let slow_body = tokio::spawn(trickle(
        connect().await.unwrap(),
        "POST /oauth/token HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\n",
        "a",
    ));
    healthy(port).await;
    assert!(!slow_head.await.unwrap().contains("200 OK"));
    let answer = slow_body.await.unwrap();
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("\"code\":\"request.timeout\""), "{answer}");

    // The cap: six connections held, the seventh is closed without an answer; once the held
    // ones time out, requests are served again.
    let mut held = Vec::new();
    for _ in 0..6 {
        held.push(connect().await.unwrap());
    }
    tokio::time::sleep(Duration::from_millis(200)).await; // let the server accept them
    let mut over = connect().await.unwrap();
    let _ = over
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        .await;
    assert_eq!(until_closed(&mut over).await, "");
    for mut c in held {
        until_closed(&mut c).await;
    }
    healthy(port).await;

    let _ = stop.send(());
    tokio::time::timeout(BOUND, server)
        .await
        .expect("the server did not stop")
        .unwrap()
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_with_a_stalled_client_exits_within_the_drain_bound() {
    let dir = tempfile::tempdir().unwrap();
    let url = casefile_store::testing::fresh_database_url(dir.path()).await;
    let port = free_port();
    let mut child = start_with(
        &url,
        port,
        &[
            ("CASEFILE_SHUTDOWN_DRAIN_SECONDS", "1"),
            ("CASEFILE_REQUEST_TIMEOUT_SECONDS", "600"),
            ("CASEFILE_HEADER_READ_TIMEOUT_SECONDS", "600"),
        ],
    );
    let client = reqwest::Client::new();
    wait_healthy(&client, &format!("http://127.0.0.1:{port}")).await;
    // Headers sent, one byte of a 1000-byte body, then nothing.
    let mut stalled = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    stalled
        .write_all(b"POST /oauth/token HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\na")
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        std::process::Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status()
            .unwrap()
            .success()
    );
    let exited = tokio::task::spawn_blocking(move || {
        let deadline = std::time::Instant::now() + BOUND;
        while std::time::Instant::now() < deadline {
            if let Some(status) = child.try_wait().unwrap() {
                return Some(status);
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = child.kill();
        let _ = child.wait();
        None
    })
    .await
    .unwrap();
    let status = exited.expect("the process was still draining a stalled request");
    assert!(status.success(), "{status}");
    drop(stalled);
}
