//! Moves workitems whose status has an automatic transition once it is due. Durable: the
//! due time is a column of the workitem, so a restart loses nothing; a round that finds
//! work runs again at once.

use std::time::Duration;

use async_trait::async_trait;
use casefile_domain::Timestamp;

use super::{Outcome, Worker};
use crate::app::App;
use crate::app::task::workitems;

pub const BATCH: i64 = 100;

pub struct AutoTransitions {
    pub app: App,
}

#[async_trait]
impl Worker for AutoTransitions {
    fn name(&self) -> &'static str {
        "auto_transitions"
    }

    fn idle_interval(&self) -> Duration {
        Duration::from_secs(1)
    }

    async fn tick(&self, now: Timestamp) -> anyhow::Result<Outcome> {
        let due = self.app.store.due_workitem_transitions(now, BATCH).await?;
        let mut moved = 0;
        for w in &due {
            match workitems::auto_transition(&self.app, w, now).await {
                Ok(true) => moved += 1,
                Ok(false) => {}
                Err(e) => tracing::warn!(workitem_id = %w.id, error = %e, "auto transition failed"),
            }
        }
        Ok(if moved == 0 {
            Outcome::Idle
        } else {
            Outcome::Worked(moved)
        })
    }
}
