//! The guard on guessing credentials, for every way in that checks a secret (`/oauth/token`
//! today, the web sign-in next): at most [`MAX_FAILURES`] consecutive failures per account —
//! per OAuth client and per username — then `429` with `Retry-After` for
//! [`LOCKOUT_SECONDS`], lifting by itself. It holds whether or not the API rate limit is on.
//! A success resets the account's count. During a lockout even the right secret is refused
//! (otherwise the guesses would go on, only answered differently).
//!
//! Password hashing is bounded too: argon2id takes 19 MiB and tens of milliseconds per
//! attempt, so at most one hash per core runs at once and the rest wait their turn (64
//! concurrent attempts took the server to 1.5 GiB and a plain GET to 6.6 s without it).
//!
//! Each address the attempts come from has a higher bound, `login_failures_per_address`
//! (default [`IP_MAX_FAILURES`]) failures within a lockout window, whatever the accounts:
//! spraying one password over many usernames is caught there. A success does not reset an address (an attacker's own account must not wash
//! the guesses away); its window does, after [`LOCKOUT_SECONDS`].
//!
//! The counts are this node's: with several nodes an attacker gets at most
//! `MAX_FAILURES` per node in a lockout window before every node refuses.

use std::collections::HashMap;
use std::sync::Mutex;

use casefile_domain::Timestamp;
use tokio::sync::{Semaphore, SemaphorePermit};

use crate::app::error::{Error, Result};

pub const MAX_FAILURES: u32 = 10;
pub const LOCKOUT_SECONDS: i64 = 300;
/// Failures from one address within a window before it is locked out, by default
/// (`login_failures_per_address`).
pub const IP_MAX_FAILURES: u32 = 100;
/// Accounts tracked at once; past it, only the locked ones are kept (a spray of made-up
/// usernames must not grow memory without bound).
const TRACKED_MAX: usize = 100_000;

#[derive(Default, Clone, Copy)]
struct Account {
    failures: u32,
    locked_until: Option<Timestamp>,
    /// For addresses: when the current window of failures began.
    window_start: Option<Timestamp>,
}

pub struct LoginGuard {
    accounts: Mutex<HashMap<String, Account>>,
    hashing: Semaphore,
}

impl Default for LoginGuard {
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map_or(2, usize::from);
        Self {
            accounts: Mutex::default(),
            hashing: Semaphore::new(cores),
        }
    }
}

/// The key of an OAuth client's account.
pub fn client(id: &str) -> String {
    format!("client:{id}")
}

/// The key of an address attempts come from: an IPv4 address (also when written IPv4-mapped in
/// IPv6), or an IPv6 /64 (one subscriber's prefix holds more addresses than anyone could count).
pub fn address(ip: std::net::IpAddr) -> String {
    match ip.to_canonical() {
        std::net::IpAddr::V4(v4) => format!("ip:{v4}"),
        std::net::IpAddr::V6(v6) => {
            let s = v6.segments();
            format!("ip:{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
        }
    }
}

/// The key of a user's account (usernames are email addresses, compared ignoring case).
pub fn user(username: &str) -> String {
    format!("user:{}", username.trim().to_lowercase())
}

impl LoginGuard {
    /// Refuses an attempt on an account that is locked out.
    pub fn check(&self, key: &str, now: Timestamp) -> Result<()> {
        let Ok(accounts) = self.accounts.lock() else {
            return Ok(());
        };
        match accounts.get(key).and_then(|a| a.locked_until) {
            Some(until) if until > now => Err(Error::RateLimited {
                retry_after: u64::try_from((until - now).num_seconds().max(1)).unwrap_or(1),
            }),
            _ => Ok(()),
        }
    }

    /// Counts a failed attempt; the [`MAX_FAILURES`]th in a row locks the account.
    pub fn failed(&self, key: &str, now: Timestamp) {
        let Ok(mut accounts) = self.accounts.lock() else {
            return;
        };
        if accounts.len() >= TRACKED_MAX && !accounts.contains_key(key) {
            accounts.retain(|_, a| a.locked_until.is_some_and(|u| u > now));
        }
        let account = accounts.entry(key.to_owned()).or_default();
        if account.locked_until.is_some_and(|u| u <= now) {
            *account = Account::default(); // the lockout lifted: a fresh start
        }
        account.failures += 1;
        if account.failures >= MAX_FAILURES {
            account.locked_until = Some(now + chrono::Duration::seconds(LOCKOUT_SECONDS));
        }
    }

    /// Counts a failed attempt from an address; the `max`th within one window locks it.
    pub fn failed_from(&self, key: &str, now: Timestamp, max: u32) {
        let Ok(mut accounts) = self.accounts.lock() else {
            return;
        };
        if accounts.len() >= TRACKED_MAX && !accounts.contains_key(key) {
            accounts.retain(|_, a| a.locked_until.is_some_and(|u| u > now));
        }
        let window = chrono::Duration::seconds(LOCKOUT_SECONDS);
        let account = accounts.entry(key.to_owned()).or_default();
        let expired = account
            .window_start
            .is_none_or(|start| now - start >= window);
        if expired && account.locked_until.is_none_or(|u| u <= now) {
            *account = Account {
                window_start: Some(now),
                ..Account::default()
            };
        }
        account.failures += 1;
        if account.failures >= max {
            account.locked_until = Some(now + window);
        }
    }

    pub fn succeeded(&self, key: &str) {
        if let Ok(mut accounts) = self.accounts.lock() {
            accounts.remove(key);
        }
    }

    /// A turn at password hashing (one per core at a time).
    pub async fn hashing_turn(&self) -> Result<SemaphorePermit<'_>> {
        self.hashing
            .acquire()
            .await
            .map_err(|e| Error::internal(e.into()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn ten_failures_lock_the_account_until_the_lockout_lifts() {
        let guard = LoginGuard::default();
        let t0 = chrono::Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
        for _ in 0..MAX_FAILURES - 1 {
            guard.check("user:a", t0).unwrap();
            guard.failed("user:a", t0);
        }
        guard.check("user:a", t0).unwrap();
        guard.failed("user:a", t0);
        match guard.check("user:a", t0) {
            Err(Error::RateLimited { retry_after }) => {
                assert_eq!(retry_after, LOCKOUT_SECONDS as u64);
            }
            other => panic!("not locked: {other:?}"),
        }
        guard.check("user:b", t0).unwrap();
        let later = t0 + chrono::Duration::seconds(LOCKOUT_SECONDS);
        guard.check("user:a", later).unwrap();
        guard.failed("user:a", later);
        guard.check("user:a", later).unwrap();
    }

    #[test]
    fn an_address_is_locked_after_its_higher_bound_within_a_window() {
        let guard = LoginGuard::default();
        let t0 = chrono::Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
        let ip = address("192.0.2.7".parse().unwrap());
        for _ in 0..IP_MAX_FAILURES - 1 {
            guard.failed_from(&ip, t0, IP_MAX_FAILURES);
        }
        guard.check(&ip, t0).unwrap();
        guard.failed_from(&ip, t0, IP_MAX_FAILURES);
        assert!(guard.check(&ip, t0).is_err());
        let later = t0 + chrono::Duration::seconds(LOCKOUT_SECONDS);
        guard.check(&ip, later).unwrap();
        // Failures spread thinner than the bound per window never lock the address.
        for i in 0..3 * IP_MAX_FAILURES {
            let at = later + chrono::Duration::seconds(i64::from(i) * 4);
            guard.failed_from(&ip, at, IP_MAX_FAILURES);
            guard.check(&ip, at).unwrap();
        }
    }

    #[test]
    fn an_ipv6_prefix_is_one_address() {
        let a = address("2001:db8:1:2:aaaa::1".parse().unwrap());
        let b = address("2001:db8:1:2:ffff::9".parse().unwrap());
        assert_eq!(a, b);
        assert_ne!(a, address("2001:db8:1:3::1".parse().unwrap()));
        assert_eq!(
            address("::ffff:192.0.2.7".parse().unwrap()),
            address("192.0.2.7".parse().unwrap())
        );
    }

    #[test]
    fn a_success_resets_the_count() {
        let guard = LoginGuard::default();
        let t0 = chrono::Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
        for _ in 0..MAX_FAILURES - 1 {
            guard.failed("client:x", t0);
        }
        guard.succeeded("client:x");
        guard.failed("client:x", t0);
        guard.check("client:x", t0).unwrap();
    }
}
