//! The server under test: started in-process on the benchmark's database, or one already
//! running (`CASEFILE_BENCH_URL`).

use std::sync::Arc;

use casefile_server::clock::SystemClock;
use casefile_server::config::Config;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub const ADMIN_CLIENT_ID: &str = "casefile-bench-admin";
pub const ADMIN_CLIENT_SECRET: &str = "casefile-bench-admin-secret-0123456789";

/// The server under test: in-process, or one already running.
pub struct Target {
    pub base: String,
    pub client_id: String,
    pub client_secret: String,
    pub label: String,
    pub server: Option<(oneshot::Sender<()>, JoinHandle<anyhow::Result<()>>)>,
}

pub async fn start_server(
    database_url: String,
) -> anyhow::Result<(String, oneshot::Sender<()>, JoinHandle<anyhow::Result<()>>)> {
    let config = Config {
        database_url,
        listen: "127.0.0.1:0".parse()?,
        rate_limit_per_minute: 0,
        admin_client_id: Some(ADMIN_CLIENT_ID.to_owned()),
        admin_client_secret: Some(ADMIN_CLIENT_SECRET.to_owned()),
        ..Config::default()
    };
    config.validate()?;
    let app = casefile_server::server::open(config, Arc::new(SystemClock)).await?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let (stop, stopped) = oneshot::channel::<()>();
    let handle = tokio::spawn(casefile_server::server::serve(app, listener, async move {
        let _ = stopped.await;
    }));
    Ok((format!("http://{addr}"), stop, handle))
}
