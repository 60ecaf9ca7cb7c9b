//! The large-query workload: `CASEFILE_BENCH_WORKITEMS` workitems (e.g. 1000000) are loaded
//! straight through the store (batches of 5,000 rows per transaction, no events — a bulk load,
//! not the API's write path) into 20 workbins × 4 status categories, then one client runs
//! `POST /api/v2/taskmanagement/workitems/query` by workbin + status category (sorted by due
//! date, 25 per page) over HTTP, one request at a time, and the latency percentiles are reported.

use std::time::{Duration, Instant};

use anyhow::anyhow;
use casefile_domain::task::status::{Category, Status};
use casefile_domain::task::workitem::{Draft, Workitem};
use casefile_domain::task::worktype::Worktype;
use casefile_store::{PoolSizes, Store as _};
use chrono::TimeZone;
use serde_json::json;

use super::outcome::{Outcome, micros};

pub const QUERY_P99_TARGET_MS: f64 = 20.0;
const WORKBINS: usize = 20;
const BATCH: usize = 5_000;
const QUERIES: u64 = 2_000;

fn status(id: &str, category: Category) -> Status {
    let t0 = chrono::Utc
        .timestamp_opt(1_780_000_000, 0)
        .single()
        .unwrap_or_default();
    Status {
        id: id.to_owned(),
        worktype_id: "bench-type".to_owned(),
        name: id.to_owned(),
        category,
        description: None,
        destination_status_ids: vec![],
        default_destination_status_id: None,
        status_transition_delay_seconds: None,
        status_transition_time: None,
        auto_terminate_workitem: false,
        version: 1,
        date_created: t0,
        date_modified: t0,
    }
}

/// Loads `n` workitems; returns the load rate (rows/s) and the workbin ids.
pub async fn load(
    database_url: &str,
    division_id: &str,
    n: usize,
) -> anyhow::Result<(f64, Vec<String>)> {
    let store = casefile_store::connect(database_url, PoolSizes::default()).await?;
    let now = chrono::Utc
        .timestamp_opt(1_780_000_000, 0)
        .single()
        .ok_or_else(|| anyhow!("time"))?;
    let workbins: Vec<String> = (0..WORKBINS).map(|i| format!("bench-bin-{i:02}")).collect();
    let categories = [
        Category::Open,
        Category::InProgress,
        Category::Waiting,
        Category::Closed,
    ];
    let statuses: Vec<Status> = categories.iter().map(|c| status(c.as_str(), *c)).collect();
    let mut worktype = Worktype {
        id: "bench-type".into(),
        name: "Bench type".into(),
        description: None,
        division_id: division_id.to_owned(),
        default_workbin_id: workbins[0].clone(),
        default_status_id: None,
        default_duration_seconds: None,
        default_expiration_seconds: None,
        default_due_duration_seconds: None,
        default_priority: 0,
        default_ttl_seconds: None,
        assignment_enabled: false,
        schema_id: None,
        schema_version: None,
        service_level_target: 100,
        default_queue_id: None,
        default_language_id: None,
        default_skill_ids: vec![],
        default_script_id: None,
        unassigned_division_contacts_enabled: true,
        flow_rules_enabled: false,
        version: 1,
        date_created: now,
        date_modified: now,
        modified_by: None,
    };
    let started = Instant::now();
    let mut batch: Vec<Workitem> = Vec::with_capacity(BATCH);
    for i in 0..n {
        worktype.default_workbin_id = workbins[i % WORKBINS].clone();
        let draft = Draft {
            name: format!("Bulk item {i}"),
            date_due: Some(now + chrono::Duration::seconds((i % 864_000) as i64)),
            priority: Some((i % 50) as i64),
            ..Draft::default()
        };
        let st = &statuses[(i / WORKBINS) % statuses.len()];
        let mut w = Workitem::create(
            uuid::Uuid::new_v4().to_string(),
            draft,
            &worktype,
            st,
            None,
            None,
            now,
        )
        .map_err(|e| anyhow!("{e}"))?;
        w.division_id = division_id.to_owned();
        batch.push(w);
        if batch.len() == BATCH {
            insert(&store, std::mem::take(&mut batch)).await?;
        }
    }
    if !batch.is_empty() {
        insert(&store, batch).await?;
    }
    Ok((n as f64 / started.elapsed().as_secs_f64(), workbins))
}

/// Sequential queries by workbin + status category.
pub async fn query(
    http: &reqwest::Client,
    base: &str,
    token: &str,
    workbins: &[String],
) -> anyhow::Result<Outcome> {
    let categories = ["Open", "InProgress", "Waiting", "Closed"];
    let mut out = Outcome::default();
    let started = Instant::now();
    for i in 0..QUERIES {
        let body = json!({"pageSize": 25, "sort": {"name": "dateDue", "ascending": true}, "filters": [
            {"name": "workbinId", "type": "String", "operator": "EQ", "values": [workbins[(i as usize * 7) % workbins.len()]]},
            {"name": "statusCategory", "type": "String", "operator": "EQ", "values": [categories[(i as usize) % 4]]}
        ]});
        let t = Instant::now();
        let response = http
            .post(format!("{base}/api/v2/taskmanagement/workitems/query"))
            .bearer_auth(token)
            .json(&body)
            .timeout(Duration::from_secs(30))
            .send()
            .await;
        let took = t.elapsed();
        match response {
            Ok(r) if r.status().is_success() => {
                let v: serde_json::Value = r.json().await?;
                if v["entities"].as_array().is_none_or(|a| a.len() != 25) {
                    out.record_failure(format!("expected a full page, got {}", v["entities"]));
                } else {
                    out.ok += 1;
                    out.latencies_us.push(micros(took));
                }
            }
            Ok(r) => out.record_failure(format!("HTTP {}", r.status())),
            Err(e) => out.record_failure(e.to_string()),
        }
    }
    Ok(out.finish(started.elapsed()))
}

/// Loads a batch of workitems through the store's one write verb (no events: bench data).
async fn insert(store: &casefile_store::SqlStore, workitems: Vec<Workitem>) -> anyhow::Result<()> {
    let unit = casefile_store::UnitOfWork {
        workitem_inserts: workitems,
        ..casefile_store::UnitOfWork::default()
    };
    store.commit_unit(&unit).await?;
    Ok(())
}
