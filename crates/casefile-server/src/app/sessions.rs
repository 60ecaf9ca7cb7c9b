//! OAuth access tokens: issuing them, turning a bearer token into a [`Principal`], and the
//! per-client rate limit.
//!
//! Resolved principals are cached in memory for a few seconds so reads do not pay a database
//! round trip for authentication; any local change to users or grants invalidates the cache at
//! once, and other nodes see it within [`CACHE_SECONDS`].

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use casefile_domain::Timestamp;
use casefile_domain::authz::{Principal, SubjectKind};
use casefile_domain::user::State;
use casefile_store::{Error as StoreError, TokenRecord};

use super::App;
use super::login_guard;
use super::secrets;
use crate::app::error::{Error, Result};
use std::net::IpAddr;

pub const CACHE_SECONDS: i64 = 5;
const CACHE_MAX: usize = 100_000;

pub struct Sessions {
    cache: Mutex<HashMap<String, Cached>>,
    generation: AtomicU64,
    limiter: Mutex<HashMap<String, Bucket>>,
    per_minute: u32,
}

struct Cached {
    principal: Principal,
    expires_at: Timestamp,
    loaded_at: Timestamp,
    generation: u64,
}

/// A token bucket holding up to `per_minute` requests, refilled continuously.
struct Bucket {
    tokens: f64,
    at: Timestamp,
}

/// An issued token, as `/oauth/token` answers it.
#[derive(Debug, Clone)]
pub struct Issued {
    pub access_token: String,
    pub expires_in: i64,
}

impl Sessions {
    pub fn new(per_minute: u32) -> Self {
        Self {
            cache: Mutex::new(HashMap::new()),
            generation: AtomicU64::new(0),
            limiter: Mutex::new(HashMap::new()),
            per_minute,
        }
    }

    /// Forget every cached principal (after a change that may touch anyone's grants).
    pub fn invalidate(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
    }

    /// Forget the cached principals of one user or client (after their record or grants change).
    pub fn invalidate_subject(&self, subject_id: &str) {
        if let Ok(mut cache) = self.cache.lock() {
            cache.retain(|_, e| e.principal.subject_id != subject_id);
        }
    }

    fn cached(&self, token_hash: &str, now: Timestamp) -> Option<Principal> {
        let cache = self.cache.lock().ok()?;
        let entry = cache.get(token_hash)?;
        let fresh = entry.generation == self.generation.load(Ordering::SeqCst)
            && now < entry.expires_at
            && (now - entry.loaded_at).num_seconds() < CACHE_SECONDS;
        fresh.then(|| entry.principal.clone())
    }

    fn remember(
        &self,
        token_hash: String,
        principal: Principal,
        expires_at: Timestamp,
        now: Timestamp,
        generation: u64,
    ) {
        if let Ok(mut cache) = self.cache.lock() {
            if cache.len() >= CACHE_MAX {
                cache.retain(|_, e| {
                    e.expires_at > now && (now - e.loaded_at).num_seconds() < CACHE_SECONDS
                });
                if cache.len() >= CACHE_MAX {
                    cache.clear();
                }
            }
            cache.insert(
                token_hash,
                Cached {
                    principal,
                    expires_at,
                    loaded_at: now,
                    generation,
                },
            );
        }
    }

    /// Takes one request from the client's bucket; `Err(seconds)` says when to retry.
    pub fn admit(&self, client_id: &str, now: Timestamp) -> Result<(), u64> {
        if self.per_minute == 0 {
            return Ok(());
        }
        let capacity = f64::from(self.per_minute);
        let per_ms = capacity / 60_000.0;
        let Ok(mut buckets) = self.limiter.lock() else {
            return Ok(());
        };
        let bucket = buckets.entry(client_id.to_owned()).or_insert(Bucket {
            tokens: capacity,
            at: now,
        });
        let elapsed = (now - bucket.at).num_milliseconds().max(0) as f64;
        bucket.tokens = (bucket.tokens + elapsed * per_ms).min(capacity);
        bucket.at = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            let wait_ms = (1.0 - bucket.tokens) / per_ms;
            Err((wait_ms / 1000.0).ceil().max(1.0) as u64)
        }
    }
}

fn bad_client() -> Error {
    Error::unauthorized("invalid client credentials")
}

async fn check_client(
    app: &App,
    client_id: &str,
    client_secret: &str,
    from: Option<IpAddr>,
) -> Result<()> {
    let key = login_guard::client(client_id);
    let now = app.clock.now();
    if let Some(address) = address_key(app, from) {
        app.login_guard.check(&address, now)?;
    }
    app.login_guard.check(&key, now)?;
    match app.store.get_client(client_id).await {
        Ok(client) if secrets::digest_matches(client_secret, &client.secret_hash) => {
            app.login_guard.succeeded(&key);
            Ok(())
        }
        Ok(_) | Err(StoreError::NotFound) => {
            app.login_guard.failed(&key, now);
            failed_from(app, from, now);
            Err(bad_client())
        }
        Err(e) => Err(e.into()),
    }
}

/// The guard's key for the attempt's address, if it is known and the address bound is on.
fn address_key(app: &App, from: Option<IpAddr>) -> Option<String> {
    from.filter(|_| app.config.login_failures_per_address > 0)
        .map(login_guard::address)
}

fn failed_from(app: &App, from: Option<IpAddr>, now: casefile_domain::Timestamp) {
    if let Some(address) = address_key(app, from) {
        let max = app.config.login_failures_per_address;
        app.login_guard.failed_from(&address, now, max);
    }
}

async fn issue(app: &App, client_id: &str, user_id: Option<String>) -> Result<Issued> {
    let now = app.clock.now();
    let ttl = i64::from(app.config.token_ttl_seconds);
    let access_token = secrets::random_token();
    let record = TokenRecord {
        token_hash: secrets::digest(&access_token),
        client_id: client_id.to_owned(),
        user_id,
        issued_at: now,
        expires_at: now + chrono::Duration::seconds(ttl),
    };
    app.store.insert_token(&record).await?;
    Ok(Issued {
        access_token,
        expires_in: ttl,
    })
}

/// The client credentials grant: the token acts as the client, with the client's grants.
/// `from` is the address the attempt came from, when known (it has its own lockout bound).
#[tracing::instrument(name = "sessions.client_credentials", level = "debug", skip_all)]
pub async fn client_credentials(
    app: &App,
    client_id: &str,
    client_secret: &str,
    from: Option<IpAddr>,
) -> Result<Issued> {
    check_client(app, client_id, client_secret, from).await?;
    issue(app, client_id, None).await
}

/// The resource owner password grant: the token acts as the user.
#[tracing::instrument(name = "sessions.password", level = "debug", skip_all)]
pub async fn password(
    app: &App,
    client_id: &str,
    client_secret: &str,
    username: &str,
    pw: &str,
    from: Option<IpAddr>,
) -> Result<Issued> {
    check_client(app, client_id, client_secret, from).await?;
    let key = login_guard::user(username);
    let now = app.clock.now();
    app.login_guard.check(&key, now)?;
    let login = app.store.find_user_login(username.trim()).await?;
    let pw = pw.to_owned();
    let _turn = app.login_guard.hashing_turn().await?;
    // Attempts queue for a turn: decide the lockouts again now, or concurrent guesses that all
    // passed the first check before any of them failed would outrun the bounds.
    let now = app.clock.now();
    app.login_guard.check(&key, now)?;
    if let Some(address) = address_key(app, from) {
        app.login_guard.check(&address, now)?;
    }
    let verified = tokio::task::spawn_blocking(move || match login {
        Some((user, Some(hash))) if user.state == State::Active => {
            secrets::verify_password(&pw, &hash).then_some(user)
        }
        _ => {
            secrets::verify_against_nothing(&pw);
            None
        }
    })
    .await
    .map_err(|e| Error::internal(e.into()))?;
    let Some(user) = verified else {
        app.login_guard.failed(&key, now);
        failed_from(app, from, now);
        return Err(Error::unauthorized("invalid username or password"));
    };
    app.login_guard.succeeded(&key);
    issue(app, client_id, Some(user.id)).await
}

/// Resolves `Authorization: Bearer …` to a principal, or 401.
/// The display name of an OAuth client.
#[tracing::instrument(name = "sessions.client_name", level = "debug", skip_all)]
pub async fn client_name(app: &App, client_id: &str) -> Result<String> {
    match app.store.get_client(client_id).await {
        Ok(client) => Ok(client.name),
        Err(StoreError::NotFound) => Err(Error::not_found("client")),
        Err(e) => Err(e.into()),
    }
}

#[tracing::instrument(name = "sessions.authenticate", level = "debug", skip_all)]
pub async fn authenticate(app: &App, bearer: &str) -> Result<Principal> {
    let now = app.clock.now();
    let token_hash = secrets::digest(bearer);
    if let Some(principal) = app.sessions.cached(&token_hash, now) {
        return Ok(principal);
    }
    let generation = app.sessions.generation.load(Ordering::SeqCst);
    let token = match app.store.get_token(&token_hash).await {
        Ok(t) => t,
        Err(StoreError::NotFound) => {
            return Err(Error::unauthorized("invalid or unknown access token"));
        }
        Err(e) => return Err(e.into()),
    };
    if token.expires_at <= now {
        return Err(Error::unauthorized("the access token has expired"));
    }
    let principal = match &token.user_id {
        Some(user_id) => {
            let user = app.store.get_user(user_id).await?;
            if user.state != State::Active {
                return Err(Error::unauthorized("the user of this token is not active"));
            }
            Principal {
                subject_id: user.id.clone(),
                kind: SubjectKind::User,
                client_id: token.client_id.clone(),
                grants: app.store.grants(&user.id).await?,
            }
        }
        None => Principal {
            subject_id: token.client_id.clone(),
            kind: SubjectKind::Client,
            client_id: token.client_id.clone(),
            grants: app.store.grants(&token.client_id).await?,
        },
    };
    app.sessions.remember(
        token_hash,
        principal.clone(),
        token.expires_at,
        now,
        generation,
    );
    Ok(principal)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn bucket_refuses_over_quota_and_says_when_to_retry() {
        let sessions = Sessions::new(60);
        let t0 = chrono::Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
        for _ in 0..60 {
            assert!(sessions.admit("c", t0).is_ok());
        }
        assert_eq!(sessions.admit("c", t0), Err(1));
        assert!(sessions.admit("other", t0).is_ok());
        assert!(
            sessions
                .admit("c", t0 + chrono::Duration::seconds(1))
                .is_ok()
        );
    }

    #[test]
    fn zero_turns_the_limit_off() {
        let sessions = Sessions::new(0);
        let t0 = chrono::Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
        for _ in 0..10_000 {
            assert!(sessions.admit("c", t0).is_ok());
        }
    }
}
