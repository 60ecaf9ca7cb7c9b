//! Runs every workload in turn against the target and prints the Markdown table and the
//! verdicts against the targets.

use std::fmt::Write as _;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{anyhow, bail};

use super::clients::{CLIENTS, expect_json, http_client, setup_clients, token};
use super::commits::commit_rate;
use super::database::Database;
use super::outcome::Outcome;
use super::server::Target;
use super::users::{Workload, measure};
use super::{large, work};

pub const READS_TARGET: f64 = 15_000.0;
pub const UPDATES_TARGET_RATIO: f64 = 0.30;
pub const WARMUP: Duration = Duration::from_secs(1);

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

pub async fn workloads(
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
