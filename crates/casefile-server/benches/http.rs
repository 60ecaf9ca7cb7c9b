//! HTTP benchmark of the users API over real HTTP with 16 concurrent clients.
//!
//! ```text
//! cargo bench -p casefile-server --bench http
//! CASEFILE_BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres cargo bench -p casefile-server --bench http
//! ```
//!
//! Workloads, each for `CASEFILE_BENCH_SECONDS` (default 10):
//! - floor: every client loops `GET` of a path no route matches (the 404 fallback, no database):
//!   the ceiling the HTTP stack and the in-process load generator leave on this machine;
//! - reads: every client loops authenticated `GET /api/v2/users/me`;
//! - updates: every client loops `PATCH /api/v2/users/{its own id}` with `{"version", "title"}`
//!   (no password hashing), taking the next version from the response;
//! - the database's own commit rate: single-row autocommit `INSERT`s into a scratch table through a
//!   separate sqlx connection (16 tasks with a connection each for PostgreSQL; 1 connection for
//!   SQLite, which has one writer, in WAL mode with `synchronous=FULL` like the server). No pool:
//!   sqlx pools ping the connection before every statement, which is not the database's cost.
//!
//! `CASEFILE_BENCH_ONLY=creates,statuses` measures only the named workloads (floor, reads,
//! commits, updates, creates, statuses, lifecycles); the others report 0. Useful under `perf`.
//!
//! The server runs in-process on a fresh database (a new SQLite file in a temporary directory, or
//! a new `casefile_bench_*` PostgreSQL database on the server `CASEFILE_BENCH_DATABASE_URL` names,
//! dropped at the end), sharing one multi-thread tokio runtime, and so the machine's cores, with the
//! load generator. `CASEFILE_BENCH_URL` (with `CASEFILE_BENCH_CLIENT_ID` and
//! `CASEFILE_BENCH_CLIENT_SECRET` of an admin OAuth client) benchmarks an already running server
//! instead; the commit rate is then measured on `CASEFILE_BENCH_DATABASE_URL` or a scratch SQLite file.
//!
//! Everything the clients do goes through HTTP: an admin token (client credentials), 16 users
//! created with `POST /api/v2/users` and given the supervisor role (agents may not edit users) with
//! `PUT /api/v2/users/{id}/roles`, and a password-grant token per user.
//!
//! Prints a Markdown table and the verdict against the targets (≥ 15,000 reads/s; updates ≥ 30 %
//! of the database's commit rate). Exits non-zero if any request failed; a missed target is only
//! reported.

// Benches measure wall time: they read the real clock (`Instant::now`), which the workspace
// otherwise reserves for `clock.rs`.
#![allow(clippy::disallowed_methods)]

mod large;
mod work;

/// The same allocator as the `casefile` binary (src/main.rs).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::fmt::Write as _;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, anyhow, bail};
use casefile_server::clock::SystemClock;
use casefile_server::config::Config;
use serde_json::{Value, json};
use sqlx::Connection;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

const CLIENTS: usize = 16;
const READS_TARGET: f64 = 15_000.0;
const UPDATES_TARGET_RATIO: f64 = 0.30;
const WARMUP: Duration = Duration::from_secs(1);
const ADMIN_CLIENT_ID: &str = "casefile-bench-admin";
const ADMIN_CLIENT_SECRET: &str = "casefile-bench-admin-secret-0123456789";
const PASSWORD: &str = "bench-password-0123456789";
/// Failed requests whose status and body are printed, per workload.
const SHOWN_FAILURES: usize = 5;

fn main() -> anyhow::Result<()> {
    // `cargo bench` passes `--bench` (and any filter); this harness has nothing to filter.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(run())
}

/// What one workload produced.
#[derive(Default)]
struct Outcome {
    ok: u64,
    failed: u64,
    /// Per-request durations of successful requests, in microseconds.
    latencies_us: Vec<u32>,
    failures: Vec<String>,
    elapsed: Duration,
}

impl Outcome {
    fn merge(&mut self, other: Outcome) {
        self.ok += other.ok;
        self.failed += other.failed;
        self.latencies_us.extend(other.latencies_us);
        for f in other.failures {
            if self.failures.len() < SHOWN_FAILURES {
                self.failures.push(f);
            }
        }
    }

    fn record_failure(&mut self, mut what: String) {
        self.failed += 1;
        if self.failures.len() < SHOWN_FAILURES {
            if let Some((cut, _)) = what.char_indices().nth(300) {
                what.truncate(cut);
                what.push('…');
            }
            self.failures.push(what);
        }
    }

    fn per_second(&self) -> f64 {
        let secs = self.elapsed.as_secs_f64();
        if secs > 0.0 {
            self.ok as f64 / secs
        } else {
            0.0
        }
    }

    /// Nearest-rank percentile of the sorted latencies, in milliseconds.
    fn percentile_ms(&self, p: f64) -> f64 {
        if self.latencies_us.is_empty() {
            return 0.0;
        }
        let n = self.latencies_us.len();
        let rank = ((p / 100.0) * n as f64).ceil() as usize;
        let index = rank.clamp(1, n) - 1;
        f64::from(self.latencies_us[index]) / 1000.0
    }

    fn finish(mut self, elapsed: Duration) -> Self {
        self.elapsed = elapsed;
        self.latencies_us.sort_unstable();
        self
    }
}

fn micros(d: Duration) -> u32 {
    u32::try_from(d.as_micros()).unwrap_or(u32::MAX)
}

/// Where the database lives, and how to clean it up.
enum Database {
    Sqlite {
        dir: tempfile::TempDir,
    },
    Postgres {
        admin_url: String,
        name: String,
        url: String,
    },
}

impl Database {
    async fn create() -> anyhow::Result<Database> {
        match std::env::var("CASEFILE_BENCH_DATABASE_URL") {
            Ok(url) if !url.trim().is_empty() => {
                let url = url.trim().to_owned();
                if !(url.starts_with("postgres://") || url.starts_with("postgresql://")) {
                    bail!(
                        "CASEFILE_BENCH_DATABASE_URL must be a postgres:// URL (SQLite is the default)"
                    );
                }
                let name = format!("casefile_bench_{}", uuid::Uuid::new_v4().simple());
                let mut conn = sqlx::AnyConnection::connect(&url).await.with_context(|| {
                    format!("cannot connect to {}", casefile_store::sql_redact(&url))
                })?;
                sqlx::query(&format!("CREATE DATABASE {name}"))
                    .execute(&mut conn)
                    .await
                    .context("CREATE DATABASE")?;
                conn.close().await?;
                let db_url = replace_database(&url, &name);
                Ok(Database::Postgres {
                    admin_url: url,
                    name,
                    url: db_url,
                })
            }
            _ => Ok(Database::Sqlite {
                dir: tempfile::tempdir()?,
            }),
        }
    }

    fn label(&self) -> &'static str {
        match self {
            Database::Sqlite { .. } => "sqlite",
            Database::Postgres { .. } => "postgres",
        }
    }

    fn server_url(&self) -> String {
        match self {
            Database::Sqlite { dir } => sqlite_url(dir.path(), "casefile.db"),
            Database::Postgres { url, .. } => url.clone(),
        }
    }

    fn commits_url(&self) -> String {
        match self {
            Database::Sqlite { dir } => sqlite_url(dir.path(), "commits.db"),
            Database::Postgres { url, .. } => url.clone(),
        }
    }

    async fn drop_database(self) -> anyhow::Result<()> {
        match self {
            Database::Sqlite { dir } => Ok(dir.close()?),
            Database::Postgres {
                admin_url, name, ..
            } => {
                let mut conn = sqlx::AnyConnection::connect(&admin_url).await?;
                sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .execute(&mut conn)
                    .await?;
                conn.close().await?;
                Ok(())
            }
        }
    }
}

fn sqlite_url(dir: &Path, file: &str) -> String {
    format!("sqlite://{}?mode=rwc", dir.join(file).display())
}

/// `postgres://u@h:p/db?x` → `postgres://u@h:p/<name>?x`
fn replace_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, format!("?{q}")),
        None => (url, String::new()),
    };
    let after_scheme = base.find("://").map(|i| i + 3).unwrap_or(0);
    let root = match base[after_scheme..].find('/') {
        Some(i) => &base[..after_scheme + i],
        None => base,
    };
    format!("{root}/{name}{query}")
}

/// The server under test: in-process, or one already running.
struct Target {
    base: String,
    client_id: String,
    client_secret: String,
    label: String,
    server: Option<(oneshot::Sender<()>, JoinHandle<anyhow::Result<()>>)>,
}

async fn start_server(
    database_url: String,
) -> anyhow::Result<(String, oneshot::Sender<()>, JoinHandle<anyhow::Result<()>>)> {
    let config = Config {
        database_url,
        listen: "127.0.0.1:0".parse()?,
        rate_limit_per_minute: 0,
        admin_client_id: Some(ADMIN_CLIENT_ID.to_owned()),
        admin_client_secret: Some(ADMIN_CLIENT_SECRET.to_owned()),
        ..Config::default()
    };
    config.validate()?;
    let app = casefile_server::server::open(config, Arc::new(SystemClock)).await?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let (stop, stopped) = oneshot::channel::<()>();
    let handle = tokio::spawn(casefile_server::server::serve(app, listener, async move {
        let _ = stopped.await;
    }));
    Ok((format!("http://{addr}"), stop, handle))
}

async fn run() -> anyhow::Result<()> {
    sqlx::any::install_default_drivers();
    let seconds: f64 = match std::env::var("CASEFILE_BENCH_SECONDS") {
        Ok(s) if !s.trim().is_empty() => s
            .trim()
            .parse()
            .context("CASEFILE_BENCH_SECONDS must be a number")?,
        _ => 10.0,
    };
    if !(seconds > 0.0 && seconds <= 3600.0) {
        bail!("CASEFILE_BENCH_SECONDS must be between 0 and 3600");
    }
    let duration = Duration::from_secs_f64(seconds);
    let database = Database::create().await?;
    let result = bench(&database, duration).await;
    if let Err(e) = database.drop_database().await {
        eprintln!("warning: cannot remove the benchmark database: {e:#}");
    }
    let failed = result?;
    if failed > 0 {
        bail!("{failed} requests failed");
    }
    Ok(())
}

/// Runs every workload and prints the report; returns the number of failed requests.
async fn bench(database: &Database, duration: Duration) -> anyhow::Result<u64> {
    let mut target = match std::env::var("CASEFILE_BENCH_URL") {
        Ok(url) if !url.trim().is_empty() => Target {
            base: url.trim().trim_end_matches('/').to_owned(),
            client_id: std::env::var("CASEFILE_BENCH_CLIENT_ID")
                .context("CASEFILE_BENCH_URL needs CASEFILE_BENCH_CLIENT_ID")?,
            client_secret: std::env::var("CASEFILE_BENCH_CLIENT_SECRET")
                .context("CASEFILE_BENCH_URL needs CASEFILE_BENCH_CLIENT_SECRET")?,
            label: "external".to_owned(),
            server: None,
        },
        _ => {
            let (base, stop, handle) = start_server(database.server_url()).await?;
            Target {
                base,
                client_id: ADMIN_CLIENT_ID.to_owned(),
                client_secret: ADMIN_CLIENT_SECRET.to_owned(),
                label: database.label().to_owned(),
                server: Some((stop, handle)),
            }
        }
    };
    let result = workloads(database, &target, duration).await;
    if let Some((stop, handle)) = target.server.take() {
        let _ = stop.send(());
        match tokio::time::timeout(Duration::from_secs(30), handle).await {
            Ok(Ok(Ok(()))) => {}
            Ok(Ok(Err(e))) => eprintln!("warning: the server stopped with an error: {e:#}"),
            Ok(Err(e)) => eprintln!("warning: the server task failed: {e}"),
            Err(_) => eprintln!("warning: the server did not stop within 30 s"),
        }
    }
    result
}

/// One benchmark client: its own HTTP connection pool, user and token.
#[derive(Clone)]
struct Client {
    http: reqwest::Client,
    base: String,
    user_id: String,
    token: String,
}

fn http_client() -> anyhow::Result<reqwest::Client> {
    Ok(reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .pool_max_idle_per_host(4)
        .build()?)
}

/// Sends `request`, failing with the status and body unless the answer is 2xx.
async fn expect_json(request: reqwest::RequestBuilder, what: &str) -> anyhow::Result<Value> {
    let response = request
        .send()
        .await
        .with_context(|| format!("{what}: request failed"))?;
    let status = response.status();
    let body = response
        .text()
        .await
        .with_context(|| format!("{what}: reading the body"))?;
    if !status.is_success() {
        bail!("{what}: HTTP {status}: {body}");
    }
    if body.is_empty() {
        return Ok(Value::Null);
    }
    serde_json::from_str(&body).with_context(|| format!("{what}: the body is not JSON: {body}"))
}

async fn token(
    http: &reqwest::Client,
    target: &Target,
    form: &[(&str, &str)],
    what: &str,
) -> anyhow::Result<String> {
    let request = http
        .post(format!("{}/oauth/token", target.base))
        .basic_auth(&target.client_id, Some(&target.client_secret))
        .header(
            reqwest::header::CONTENT_TYPE,
            "application/x-www-form-urlencoded",
        )
        .body(serde_urlencoded::to_string(form)?);
    let answer = expect_json(request, what).await?;
    answer["access_token"]
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| anyhow!("{what}: no access_token in {answer}"))
}

/// Creates the 16 users through the API and signs each in.
async fn setup_clients(target: &Target) -> anyhow::Result<Vec<Client>> {
    let http = http_client()?;
    let admin = token(
        &http,
        target,
        &[("grant_type", "client_credentials")],
        "admin token",
    )
    .await?;
    let run = uuid::Uuid::new_v4().simple().to_string();
    let run = &run[..8];
    let mut created = Vec::with_capacity(CLIENTS);
    for i in 0..CLIENTS {
        let email = format!("bench-{run}-{i}@example.com");
        let user = expect_json(
            http.post(format!("{}/api/v2/users", target.base))
                .bearer_auth(&admin)
                .json(&json!({
                    "name": format!("Bench User {i}"),
                    "email": email,
                    "password": PASSWORD,
                })),
            "POST /api/v2/users",
        )
        .await?;
        let id = user["id"]
            .as_str()
            .ok_or_else(|| anyhow!("no id in the created user {user}"))?
            .to_owned();
        // Agents may not edit users, themselves included; supervisors may, in their division.
        expect_json(
            http.put(format!("{}/api/v2/users/{id}/roles", target.base))
                .bearer_auth(&admin)
                .json(&json!(["supervisor"])),
            "PUT /api/v2/users/{id}/roles",
        )
        .await?;
        created.push((id, email));
    }
    // Password grants verify an Argon2 hash each: sign the users in concurrently.
    let signins = created.into_iter().map(|(id, email)| {
        let http = http.clone();
        async move {
            let form = [
                ("grant_type", "password"),
                ("username", email.as_str()),
                ("password", PASSWORD),
            ];
            let token = token(&http, target, &form, "password grant").await?;
            Ok::<_, anyhow::Error>(Client {
                http: http_client()?,
                base: target.base.clone(),
                user_id: id,
                token,
            })
        }
    });
    futures::future::try_join_all(signins).await
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Workload {
    /// A path no route matches: the 404 fallback touches no database, so this is the ceiling
    /// the HTTP stack and the in-process load generator leave on this machine.
    Floor,
    Reads,
    Updates,
}

impl Workload {
    fn name(self) -> &'static str {
        match self {
            Workload::Floor => "GET /bench-no-such-path (404 fallback, no database)",
            Workload::Reads => "GET /api/v2/users/me",
            Workload::Updates => "PATCH /api/v2/users/{id} (title)",
        }
    }
}

/// The user's current version, read through the API.
async fn current_version(client: &Client) -> anyhow::Result<i64> {
    let me = expect_json(
        client
            .http
            .get(format!("{}/api/v2/users/me", client.base))
            .bearer_auth(&client.token),
        "GET /api/v2/users/me",
    )
    .await?;
    me["version"]
        .as_i64()
        .ok_or_else(|| anyhow!("no version in {me}"))
}

/// One client's loop until `deadline`.
async fn client_loop(client: Client, workload: Workload, deadline: Instant) -> Outcome {
    let mut out = Outcome::default();
    let floor_url = format!("{}/bench-no-such-path", client.base);
    let me_url = format!("{}/api/v2/users/me", client.base);
    let user_url = format!("{}/api/v2/users/{}", client.base, client.user_id);
    let mut version = 0;
    if workload == Workload::Updates {
        match current_version(&client).await {
            Ok(v) => version = v,
            Err(e) => {
                out.record_failure(format!("{e:#}"));
                return out;
            }
        }
    }
    let mut n: u64 = 0;
    while Instant::now() < deadline {
        n += 1;
        let request = match workload {
            Workload::Floor => client.http.get(&floor_url),
            Workload::Reads => client.http.get(&me_url).bearer_auth(&client.token),
            Workload::Updates => client
                .http
                .patch(&user_url)
                .bearer_auth(&client.token)
                .json(&json!({ "version": version, "title": format!("t{n}") })),
        };
        let started = Instant::now();
        let answer = async {
            let response = request.send().await?;
            let status = response.status();
            let body = response.bytes().await?;
            Ok::<_, reqwest::Error>((status, body))
        }
        .await;
        let took = started.elapsed();
        match answer {
            Ok((status, _))
                if workload == Workload::Floor && status == reqwest::StatusCode::NOT_FOUND =>
            {
                out.ok += 1;
                out.latencies_us.push(micros(took));
            }
            Ok((status, body)) if status.is_success() && workload != Workload::Floor => {
                if workload == Workload::Updates {
                    match serde_json::from_slice::<Value>(&body)
                        .ok()
                        .and_then(|v| v["version"].as_i64())
                    {
                        Some(v) => version = v,
                        None => {
                            out.record_failure(format!(
                                "{}: HTTP {status} without a version",
                                workload.name()
                            ));
                            continue;
                        }
                    }
                }
                out.ok += 1;
                out.latencies_us.push(micros(took));
            }
            Ok((status, body)) => {
                out.record_failure(format!(
                    "{}: HTTP {status}: {}",
                    workload.name(),
                    String::from_utf8_lossy(&body)
                ));
                if workload == Workload::Updates
                    && let Ok(v) = current_version(&client).await
                {
                    version = v;
                }
            }
            Err(e) => out.record_failure(format!("{}: {e}", workload.name())),
        }
    }
    out
}

/// Runs `workload` on every client for `duration`.
async fn measure(
    clients: &[Client],
    workload: Workload,
    duration: Duration,
) -> anyhow::Result<Outcome> {
    let started = Instant::now();
    let deadline = started + duration;
    let tasks: Vec<_> = clients
        .iter()
        .cloned()
        .map(|c| tokio::spawn(client_loop(c, workload, deadline)))
        .collect();
    let mut total = Outcome::default();
    for task in tasks {
        total.merge(task.await?);
    }
    Ok(total.finish(started.elapsed()))
}

/// Single-row autocommit INSERTs into a scratch table for `duration`, each task on its own
/// connection (no pool: a pool would ping the connection before every statement).
async fn commit_rate(database: &Database, duration: Duration) -> anyhow::Result<(Outcome, usize)> {
    let url = database.commits_url();
    let sqlite = matches!(database, Database::Sqlite { .. });
    // SQLite has one writer at a time; PostgreSQL gets as many connections as there are clients.
    let connections = if sqlite { 1 } else { CLIENTS };
    let mut conns = Vec::with_capacity(connections);
    for _ in 0..connections {
        let mut conn = sqlx::AnyConnection::connect(&url)
            .await
            .context("connecting for the commit-rate measurement")?;
        if sqlite {
            // The server's own settings (casefile-store's SQLite pools).
            sqlx::query("PRAGMA journal_mode = WAL")
                .execute(&mut conn)
                .await?;
            sqlx::query("PRAGMA synchronous = FULL")
                .execute(&mut conn)
                .await?;
        }
        conns.push(conn);
    }
    if let Some(conn) = conns.first_mut() {
        sqlx::query(
            "CREATE TABLE IF NOT EXISTS bench_commits \
             (task BIGINT NOT NULL, n BIGINT NOT NULL, payload TEXT NOT NULL)",
        )
        .execute(conn)
        .await?;
    }
    let started = Instant::now();
    let deadline = started + duration;
    let tasks: Vec<_> = conns
        .into_iter()
        .enumerate()
        .map(|(task, mut conn)| {
            tokio::spawn(async move {
                let mut out = Outcome::default();
                let task = i64::try_from(task).unwrap_or(i64::MAX);
                let mut n: i64 = 0;
                while Instant::now() < deadline {
                    n += 1;
                    let began = Instant::now();
                    let done = sqlx::query(
                        "INSERT INTO bench_commits (task, n, payload) VALUES ($1, $2, $3)",
                    )
                    .bind(task)
                    .bind(n)
                    .bind(format!("t{n}"))
                    .execute(&mut conn)
                    .await;
                    match done {
                        Ok(_) => {
                            out.ok += 1;
                            out.latencies_us.push(micros(began.elapsed()));
                        }
                        Err(e) => out.record_failure(format!("INSERT: {e}")),
                    }
                }
                let _ = conn.close().await;
                out
            })
        })
        .collect();
    let mut total = Outcome::default();
    for task in tasks {
        total.merge(task.await?);
    }
    Ok((total.finish(started.elapsed()), connections))
}

fn row(table: &mut String, backend: &str, workload: &str, clients: usize, out: &Outcome) {
    let _ = writeln!(
        table,
        "| {backend} | {workload} | {clients} | {:.1} | {:.0} | {:.2} | {:.2} | {} |",
        out.elapsed.as_secs_f64(),
        out.per_second(),
        out.percentile_ms(50.0),
        out.percentile_ms(99.0),
        out.failed
    );
}

fn verdict(pass: bool) -> &'static str {
    if pass { "PASS" } else { "FAIL" }
}

async fn workloads(
    database: &Database,
    target: &Target,
    duration: Duration,
) -> anyhow::Result<u64> {
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    eprintln!(
        "casefile HTTP benchmark: {} on {}, {CLIENTS} clients, {:.1} s per workload",
        target.label,
        target.base,
        duration.as_secs_f64()
    );
    // `CASEFILE_BENCH_ONLY=creates,statuses` measures only the named workloads (for profiling);
    // the others run for no time and report 0.
    let selected = std::env::var("CASEFILE_BENCH_ONLY").ok();
    let only = |name: &str| match &selected {
        Some(list) if !list.split(',').any(|w| w.trim() == name) => Duration::ZERO,
        _ => duration,
    };
    let clients = setup_clients(target).await?;
    eprintln!(
        "set up {} users and their tokens; warming up for {} s",
        clients.len(),
        WARMUP.as_secs()
    );
    let warmup = measure(&clients, Workload::Reads, WARMUP).await?;

    eprintln!("measuring the HTTP floor");
    let floor = measure(&clients, Workload::Floor, only("floor")).await?;
    eprintln!("measuring reads");
    let reads = measure(&clients, Workload::Reads, only("reads")).await?;
    eprintln!("measuring the database's own commit rate");
    let (commits, commit_connections) = commit_rate(database, only("commits")).await?;
    eprintln!("measuring updates");
    let updates = measure(&clients, Workload::Updates, only("updates")).await?;
    let admin = token(
        &http_client()?,
        target,
        &[("grant_type", "client_credentials")],
        "admin token",
    )
    .await?;
    let setup = Arc::new(work::setup(&http_client()?, &target.base, &admin).await?);
    eprintln!("measuring workitem creation");
    let creates = work::measure(
        &clients,
        &setup,
        work::Work::CreateWorkitems,
        only("creates"),
    )
    .await?;
    eprintln!("measuring workitem status changes");
    let statuses =
        work::measure(&clients, &setup, work::Work::ChangeStatus, only("statuses")).await?;
    eprintln!("measuring case lifecycles");
    let lifecycles =
        work::measure(&clients, &setup, work::Work::Lifecycles, only("lifecycles")).await?;
    drop(clients);
    let large_n: usize = std::env::var("CASEFILE_BENCH_WORKITEMS")
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0);
    let large = if large_n > 0 && target.server.is_some() {
        let home = expect_json(
            http_client()?
                .get(format!(
                    "{}/api/v2/authorization/divisions/home",
                    target.base
                ))
                .bearer_auth(&admin),
            "home division",
        )
        .await?;
        let home = home["id"]
            .as_str()
            .ok_or_else(|| anyhow!("no home division"))?
            .to_owned();
        eprintln!("loading {large_n} workitems for the large query");
        let (rate, workbins) = large::load(&database.server_url(), &home, large_n).await?;
        eprintln!("loaded at {rate:.0} rows/s; querying");
        Some((
            large_n,
            rate,
            large::query(&http_client()?, &target.base, &admin, &workbins).await?,
        ))
    } else {
        None
    };

    let backend = &target.label;
    let mut table = String::new();
    let _ = writeln!(
        table,
        "| backend | workload | clients | seconds | requests/s | p50 ms | p99 ms | errors |"
    );
    let _ = writeln!(table, "|---|---|---:|---:|---:|---:|---:|---:|");
    row(&mut table, backend, Workload::Floor.name(), CLIENTS, &floor);
    row(&mut table, backend, Workload::Reads.name(), CLIENTS, &reads);
    row(
        &mut table,
        backend,
        Workload::Updates.name(),
        CLIENTS,
        &updates,
    );
    row(
        &mut table,
        backend,
        work::Work::CreateWorkitems.name(),
        CLIENTS,
        &creates,
    );
    row(
        &mut table,
        backend,
        work::Work::ChangeStatus.name(),
        CLIENTS,
        &statuses,
    );
    row(
        &mut table,
        backend,
        work::Work::Lifecycles.name(),
        CLIENTS,
        &lifecycles,
    );
    let commit_label = match database {
        Database::Sqlite { .. } => {
            "database commits: INSERT, WAL, synchronous=FULL (sqlx, 1 connection)"
        }
        Database::Postgres { .. } => "database commits: INSERT (sqlx, 16 connections)",
    };
    row(
        &mut table,
        database.label(),
        commit_label,
        commit_connections,
        &commits,
    );

    let reads_per_s = reads.per_second();
    let commits_per_s = commits.per_second();
    let ratio = if commits_per_s > 0.0 {
        updates.per_second() / commits_per_s
    } else {
        0.0
    };
    let mut report = String::new();
    let _ = writeln!(report);
    if target.server.is_some() {
        let _ = writeln!(
            report,
            "Load generator and server share this machine's {cores} cores in one process \
             (one tokio multi-thread runtime with {cores} workers); the database server, if any, \
             runs on the same cores. The server's numbers are therefore a lower bound."
        );
    } else {
        let _ = writeln!(
            report,
            "Server at {} (already running); the load generator ran on {cores} cores here.",
            target.base
        );
    }
    let _ = writeln!(report);
    report.push_str(&table);
    let _ = writeln!(report);
    let _ = writeln!(
        report,
        "- database commit rate: {commits_per_s:.0} commits/s"
    );
    if let Database::Sqlite { dir } = database
        && let Ok(meta) = std::fs::metadata(dir.path().join("casefile.db-wal"))
    {
        let _ = writeln!(
            report,
            "- SQLite WAL file after the workloads: {:.1} MiB (checkpoints keep it bounded)",
            meta.len() as f64 / (1024.0 * 1024.0)
        );
    }
    let _ = writeln!(
        report,
        "- reads: {reads_per_s:.0}/s against a target of ≥ {READS_TARGET:.0}/s: {}",
        verdict(reads_per_s >= READS_TARGET)
    );
    let _ = writeln!(
        report,
        "- updates: {:.0}/s = {:.1} % of the commit rate against a target of ≥ {:.0} %: {}",
        updates.per_second(),
        ratio * 100.0,
        UPDATES_TARGET_RATIO * 100.0,
        verdict(ratio >= UPDATES_TARGET_RATIO)
    );
    let lifecycle_target = match database {
        Database::Sqlite { .. } => work::LIFECYCLE_TARGET_SQLITE,
        Database::Postgres { .. } => work::LIFECYCLE_TARGET_POSTGRES,
    };
    for (what, out, goal) in [
        ("workitem creates", &creates, work::WORKITEM_CREATE_TARGET),
        (
            "workitem status changes",
            &statuses,
            work::WORKITEM_STATUS_TARGET,
        ),
        ("completed case lifecycles", &lifecycles, lifecycle_target),
    ] {
        let _ = writeln!(
            report,
            "- {what}: {:.0}/s against a target of ≥ {goal:.0}/s: {}",
            out.per_second(),
            verdict(out.per_second() >= goal)
        );
    }
    if let Some((n, rate, out)) = &large {
        let _ = writeln!(
            report,
            "- query by workbin + status category over {n} workitems (bulk-loaded through the store at {rate:.0} rows/s): \
             p50 {:.2} ms, p99 {:.2} ms against a p99 target of < {:.0} ms: {}",
            out.percentile_ms(50.0),
            out.percentile_ms(99.0),
            large::QUERY_P99_TARGET_MS,
            verdict(out.percentile_ms(99.0) < large::QUERY_P99_TARGET_MS)
        );
    }
    print!("{report}");

    let failed = large.as_ref().map_or(0, |(_, _, o)| o.failed)
        + warmup.failed
        + floor.failed
        + reads.failed
        + updates.failed
        + creates.failed
        + statuses.failed
        + lifecycles.failed;
    for (name, out) in [
        ("warm-up", &warmup),
        ("floor", &floor),
        ("reads", &reads),
        ("updates", &updates),
        ("workitem creates", &creates),
        ("status changes", &statuses),
        ("lifecycles", &lifecycles),
        ("commits", &commits),
    ] {
        if out.failed > 0 {
            println!("\n{} failed {name} requests; the first ones:", out.failed);
            for f in &out.failures {
                println!("  {f}");
            }
        }
    }
    if commits.failed > 0 {
        bail!("{} database commits failed", commits.failed);
    }
    Ok(failed)
}
