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
//!
//! Layout: `server` (the target), `database` (its database), `clients` (the users and their
//! tokens), `outcome` (what a workload produced), the workloads `users` (floor, reads,
//! updates), `commits` (the database's commit rate), `work` (workitems and cases) and `large`
//! (the large query), and `report`, which runs them in turn and prints the table.

// Benches measure wall time: they read the real clock (`Instant::now`), which the workspace
// otherwise reserves for `clock.rs`.
#![allow(clippy::disallowed_methods)]

mod clients;
mod commits;
mod database;
mod large;
mod outcome;
mod report;
mod server;
mod users;
mod work;

/// The same allocator as the `casefile` binary (src/main.rs).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::time::Duration;

use anyhow::{Context, bail};

use database::Database;
use server::{ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET, Target, start_server};

fn main() -> anyhow::Result<()> {
    // `cargo bench` passes `--bench` (and any filter); this harness has nothing to filter.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(run())
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
    let result = report::workloads(database, &target, duration).await;
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
