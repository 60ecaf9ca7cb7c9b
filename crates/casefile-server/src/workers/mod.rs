//! Background work. Each worker is steppable: `tick(now)` does one round and says whether it
//! found work; [`run`] is the thin loop around it that sleeps through the `Clock` and stops on
//! shutdown.

pub mod auto_transitions;
pub mod jobs;
pub mod token_sweeper;

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use casefile_domain::Timestamp;
use tokio::sync::watch;

use crate::clock::Clock;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Idle,
    Worked(u64),
}

#[async_trait]
pub trait Worker: Send + Sync + 'static {
    fn name(&self) -> &'static str;
    /// How long to wait after an idle round.
    fn idle_interval(&self) -> Duration;
    async fn tick(&self, now: Timestamp) -> anyhow::Result<Outcome>;
}

/// Runs `worker` until `shutdown` turns true.
pub async fn run(
    worker: Arc<dyn Worker>,
    clock: Arc<dyn Clock>,
    mut shutdown: watch::Receiver<bool>,
) {
    loop {
        let now = clock.now();
        // One span per round, so everything a tick does (its use cases, its store calls) can
        // be followed in the logs under the worker's name.
        let span = tracing::info_span!("worker.tick", worker = worker.name(), at = %now);
        let round = tracing::Instrument::instrument(worker.tick(now), span).await;
        let wait = match round {
            Ok(Outcome::Worked(_)) => Duration::ZERO,
            Ok(Outcome::Idle) => worker.idle_interval(),
            Err(e) => {
                tracing::warn!(worker = worker.name(), error = %format!("{e:#}"), "worker round failed");
                worker.idle_interval()
            }
        };
        tokio::select! {
            _ = clock.sleep(wait) => {}
            _ = shutdown.changed() => {}
        }
        if *shutdown.borrow() {
            return;
        }
    }
}
