//! Runs workitem jobs that are pending — queued, or running under a lease that ran out (their
//! node died) — and deletes finished jobs past their retention. Safe on every node at once:
//! each job is claimed with a versioned update (`app::task::job_lease`), and a job whose
//! node's lease is live is left alone, also by a node that has just restarted.

use std::time::Duration;

use async_trait::async_trait;
use casefile_domain::Timestamp;

use super::{Outcome, Worker};
use crate::app::App;
use crate::app::task::jobs;

pub struct Jobs {
    pub app: App,
}

impl Jobs {
    pub fn new(app: App) -> Self {
        Self { app }
    }
}

#[async_trait]
impl Worker for Jobs {
    fn name(&self) -> &'static str {
        "jobs"
    }

    fn idle_interval(&self) -> Duration {
        Duration::from_secs(2)
    }

    async fn tick(&self, now: Timestamp) -> anyhow::Result<Outcome> {
        let mut ran = 0;
        for id in jobs::pending(&self.app, now).await? {
            if jobs::run(&self.app, &id).await? {
                ran += 1;
            }
        }
        ran += jobs::sweep(&self.app, now).await?;
        Ok(if ran == 0 {
            Outcome::Idle
        } else {
            Outcome::Worked(ran)
        })
    }
}
