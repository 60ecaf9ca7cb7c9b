//! Deletes expired access tokens.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use casefile_domain::Timestamp;
use casefile_store::Store;

use super::{Outcome, Worker};

pub struct TokenSweeper {
    pub store: Arc<dyn Store>,
}

#[async_trait]
impl Worker for TokenSweeper {
    fn name(&self) -> &'static str {
        "token_sweeper"
    }

    fn idle_interval(&self) -> Duration {
        Duration::from_secs(600)
    }

    async fn tick(&self, now: Timestamp) -> anyhow::Result<Outcome> {
        let deleted = self.store.delete_expired_tokens(now).await?;
        // One sweep per interval is enough: report Idle so the loop waits.
        if deleted > 0 {
            tracing::debug!(deleted, "expired tokens deleted");
        }
        Ok(Outcome::Idle)
    }
}
