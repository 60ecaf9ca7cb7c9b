//! What one workload produced: successes, failures (the first few kept to print) and the
//! latencies, with the rate and percentiles the report shows.

use std::time::Duration;

/// Failed requests whose status and body are printed, per workload.
pub const SHOWN_FAILURES: usize = 5;

/// What one workload produced.
#[derive(Default)]
pub struct Outcome {
    pub ok: u64,
    pub failed: u64,
    /// Per-request durations of successful requests, in microseconds.
    pub latencies_us: Vec<u32>,
    pub failures: Vec<String>,
    pub elapsed: Duration,
}

impl Outcome {
    pub fn merge(&mut self, other: Outcome) {
        self.ok += other.ok;
        self.failed += other.failed;
        self.latencies_us.extend(other.latencies_us);
        for f in other.failures {
            if self.failures.len() < SHOWN_FAILURES {
                self.failures.push(f);
            }
        }
    }

    pub fn record_failure(&mut self, mut what: String) {
        self.failed += 1;
        if self.failures.len() < SHOWN_FAILURES {
            if let Some((cut, _)) = what.char_indices().nth(300) {
                what.truncate(cut);
                what.push('…');
            }
            self.failures.push(what);
        }
    }

    pub fn per_second(&self) -> f64 {
        let secs = self.elapsed.as_secs_f64();
        if secs > 0.0 {
            self.ok as f64 / secs
        } else {
            0.0
        }
    }

    /// Nearest-rank percentile of the sorted latencies, in milliseconds.
    pub fn percentile_ms(&self, p: f64) -> f64 {
        if self.latencies_us.is_empty() {
            return 0.0;
        }
        let n = self.latencies_us.len();
        let rank = ((p / 100.0) * n as f64).ceil() as usize;
        let index = rank.clamp(1, n) - 1;
        f64::from(self.latencies_us[index]) / 1000.0
    }

    pub fn finish(mut self, elapsed: Duration) -> Self {
        self.elapsed = elapsed;
        self.latencies_us.sort_unstable();
        self
    }
}

pub fn micros(d: Duration) -> u32 {
    u32::try_from(d.as_micros()).unwrap_or(u32::MAX)
}
