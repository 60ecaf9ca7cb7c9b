//! Starting and stopping the server: open the store, bootstrap, serve until a signal, then
//! finish in-flight requests before exiting.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use casefile_store::{PoolSizes, Store};
use tokio::net::TcpListener;
use tokio::sync::watch;

use crate::api;
use crate::app::{App, bootstrap};
use crate::clock::Clock;
use crate::config::Config;
use crate::connections;
use crate::workers::{
    self, auto_transitions::AutoTransitions, jobs::Jobs, token_sweeper::TokenSweeper,
};

/// Opens and migrates the database, and builds the application around it.
pub async fn open(config: Config, clock: Arc<dyn Clock>) -> anyhow::Result<App> {
    let sizes = PoolSizes {
        readers: config.sqlite_readers,
        postgres: config.postgres_pool_size,
    };
    let store: Arc<dyn Store> =
        Arc::new(casefile_store::connect(&config.database_url, sizes).await?);
    let app = App::new(store, clock, config);
    bootstrap::run(&app).await?;
    Ok(app)
}

/// Serves `app` on `listener` until `shutdown` resolves; in-flight requests complete.
pub async fn serve(
    app: App,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let (stop_workers, workers_stopped) = watch::channel(false);
    let sweeper = tokio::spawn(workers::run(
        Arc::new(TokenSweeper {
            store: app.store.clone(),
        }),
        app.clock.clone(),
        workers_stopped.clone(),
    ));
    let transitions = tokio::spawn(workers::run(
        Arc::new(AutoTransitions { app: app.clone() }),
        app.clock.clone(),
        workers_stopped.clone(),
    ));
    let jobs = tokio::spawn(workers::run(
        Arc::new(Jobs::new(app.clone())),
        app.clock.clone(),
        workers_stopped,
    ));
    let limits = connections::Limits {
        header_read: Duration::from_secs(u64::from(app.config.header_read_timeout_seconds)),
        max_connections: app.config.max_connections as usize,
        drain: Duration::from_secs(u64::from(app.config.shutdown_drain_seconds)),
    };
    let router = api::router(app);
    connections::serve(listener, router, limits, shutdown).await;
    let _ = stop_workers.send(true);
    let _ = sweeper.await;
    let _ = transitions.await;
    let _ = jobs.await;
    tracing::info!("server stopped");
    Ok(())
}

/// Resolves on SIGTERM or SIGINT.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::warn!(error = %e, "cannot listen for ctrl-c");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(e) => {
                tracing::warn!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {}
        _ = terminate => {}
    }
    tracing::info!("shutdown signal received; finishing in-flight requests");
}
