//! Runs workitem jobs that are queued, requeues those a crash left running, and deletes
//! finished jobs past their retention.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use async_trait::async_trait;
use casefile_domain::Timestamp;

use super::{Outcome, Worker};
use crate::app::App;
use crate::app::task::jobs;

pub struct Jobs {
    pub app: App,
    recovered: AtomicBool,
}

impl Jobs {
    pub fn new(app: App) -> Self {
        Self {
            app,
            recovered: AtomicBool::new(false),
        }
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
        let pending = jobs::pending(&self.app).await?;
        if !self.recovered.swap(true, Ordering::SeqCst) {
            // At start nothing of ours is running: a Running job was cut off by a crash.
            for id in &pending {
                jobs::requeue_abandoned(&self.app, id).await?;
            }
        }
        let mut ran = 0;
        for id in &pending {
            if jobs::run(&self.app, id).await? {
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
