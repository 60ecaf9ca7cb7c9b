//! The only place casefile reads the wall clock.
//!
//! Architecture invariant: everything time-based asks a [`Clock`]; tests use [`ManualClock`]
//! and move time by hand instead of sleeping.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

use async_trait::async_trait;
use casefile_domain::Timestamp;
use chrono::TimeZone;
use tokio::sync::Notify;

#[async_trait]
pub trait Clock: Send + Sync + 'static {
    fn now(&self) -> Timestamp;
    /// Waits until `duration` has passed on this clock.
    async fn sleep(&self, duration: Duration);
}

/// Real time.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

#[async_trait]
impl Clock for SystemClock {
    #[allow(clippy::disallowed_methods)] // this is the clock
    fn now(&self) -> Timestamp {
        chrono::Utc::now()
    }

    #[allow(clippy::disallowed_methods)] // this is the clock
    async fn sleep(&self, duration: Duration) {
        tokio::time::sleep(duration).await;
    }
}

/// Time that moves only when a test says so.
#[derive(Debug, Clone)]
pub struct ManualClock {
    millis: Arc<AtomicI64>,
    moved: Arc<Notify>,
}

impl ManualClock {
    pub fn new(start: Timestamp) -> Self {
        Self {
            millis: Arc::new(AtomicI64::new(start.timestamp_millis())),
            moved: Arc::new(Notify::new()),
        }
    }

    pub fn advance(&self, by: Duration) {
        let ms = i64::try_from(by.as_millis()).unwrap_or(i64::MAX);
        self.millis.fetch_add(ms, Ordering::SeqCst);
        self.moved.notify_waiters();
    }
}

#[async_trait]
impl Clock for ManualClock {
    fn now(&self) -> Timestamp {
        let ms = self.millis.load(Ordering::SeqCst);
        chrono::Utc
            .timestamp_millis_opt(ms)
            .single()
            .unwrap_or_default()
    }

    async fn sleep(&self, duration: Duration) {
        let until =
            self.now() + chrono::Duration::from_std(duration).unwrap_or(chrono::Duration::MAX);
        loop {
            let moved = self.moved.notified();
            if self.now() >= until {
                return;
            }
            moved.await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn manual_sleep_wakes_when_advanced() {
        let clock = ManualClock::new(chrono::Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap());
        let sleeper = {
            let clock = clock.clone();
            tokio::spawn(async move { clock.sleep(Duration::from_secs(60)).await })
        };
        tokio::task::yield_now().await;
        clock.advance(Duration::from_secs(30));
        tokio::task::yield_now().await;
        assert!(!sleeper.is_finished());
        clock.advance(Duration::from_secs(30));
        sleeper.await.unwrap();
    }
}
