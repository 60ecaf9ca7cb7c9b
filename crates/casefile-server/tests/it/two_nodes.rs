//! Several nodes on one database. In process (both backends, manual clock): a job's lease keeps
//! other nodes off it until it runs out, and a resumed bulk job counts what it already did.
//! With the real binary (PostgreSQL only): two `casefile serve` processes share one database
//! under the three-stage lifecycle, jobs and auto-transitions; one is killed with SIGKILL and
//! restarted; nothing acknowledged is lost and every job's effect happens once.
#![allow(clippy::disallowed_methods)] // real processes need real time to start, work and die

use casefile_domain::case;
use std::collections::{BTreeMap, HashMap};
use std::process::Child;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::http::{Method, StatusCode};
use casefile_domain::case::engine::StageStatus;
use casefile_domain::task::status::Category;
use casefile_server::app::task::{job_lease, jobs, workitems};
use casefile_server::workers::Worker;
use casefile_store::{PoolSizes, Store};
use serde_json::{Value, json};
use sqlx::Row;

use crate::binary::{Failover, configure, free_port, kill, start_with, token, wait_healthy};
use crate::harness::Harness;

const TM: &str = "/api/v2/taskmanagement";

/// A workbin and a worktype without schema; returns the worktype id.
async fn worktype(h: &Harness) -> String {
    let wb = h
        .call(
            Method::POST,
            &format!("{TM}/workbins"),
            Some(&h.admin),
            Some(json!({"name": "Lease bin"})),
        )
        .await;
    let wt = h
        .call(
            Method::POST,
            &format!("{TM}/worktypes"),
            Some(&h.admin),
            Some(json!({"name": "Lease type", "defaultWorkbinId": wb.body["id"]})),
        )
        .await;
    assert_eq!(wt.status, StatusCode::OK, "{}", wt.body);
    wt.body["id"].as_str().unwrap().to_owned()
}

async fn workitem(h: &Harness, type_id: &str, name: &str) -> String {
    let w = h
        .call(
            Method::POST,
            &format!("{TM}/workitems"),
            Some(&h.admin),
            Some(json!({"name": name, "typeId": type_id})),
        )
        .await;
    assert_eq!(w.status, StatusCode::OK, "{}", w.body);
    w.body["id"].as_str().unwrap().to_owned()
}

/// A second node on the harness's database and clock.
async fn other_node(h: &Harness, name: &str) -> casefile_server::app::App {
    let mut config = (*h.app.config).clone();
    config.node_id = Some(name.to_owned());
    casefile_server::server::open(config, Arc::new(h.clock.clone()))
        .await
        .unwrap()
}

#[tokio::test]
async fn a_node_never_takes_a_job_whose_lease_is_live() {
    let h = Harness::new().await;
    let caller = casefile_server::app::sessions::authenticate(&h.app, &h.admin)
        .await
        .unwrap();
    let wt = worktype(&h).await;
    let id = workitem(&h, &wt, "Leased").await;
    let job = jobs::submit_without_starting(
        &h.app,
        &caller,
        jobs::Kind::TerminateWorkitems,
        jobs::Request::Terminate(vec![id.clone()]),
    )
    .await
    .unwrap();
    let held = job_lease::claim(&h.app, &job.id).await.unwrap().unwrap();
    assert_eq!(held.job.node.as_deref(), Some(&*h.app.node));
    // Another node, and this node restarted: neither takes it while the lease is live.
    let other = other_node(&h, "other").await;
    let restarted = other_node(&h, "restarted").await;
    let lease = job_lease::lease(&h.app).to_std().unwrap();
    h.clock.advance(lease - Duration::from_secs(1));
    for node in [&other, &restarted] {
        assert!(job_lease::claim(node, &job.id).await.unwrap().is_none());
        assert!(!jobs::run(node, &job.id).await.unwrap());
        let worker = casefile_server::workers::jobs::Jobs::new(node.clone());
        assert_eq!(
            worker.tick(h.app.clock.now()).await.unwrap(),
            casefile_server::workers::Outcome::Idle
        );
    }
    let w = h.app.store.get_workitem(&id).await.unwrap();
    assert!(!w.terminated, "nobody ran the job");
    // The lease ran out (its node died): another node resumes it.
    h.clock.advance(Duration::from_secs(1));
    assert!(jobs::run(&other, &job.id).await.unwrap());
    let done = job_lease::load_fresh(&h.app, &job.id).await.unwrap();
    assert_eq!(done.state, jobs::State::Succeeded);
    assert_eq!((done.claims, done.node.as_deref()), (2, Some("other")));
    assert_eq!((done.successful_count, done.failed_count), (1, 0));
}

#[tokio::test]
async fn a_resumed_bulk_terminate_counts_what_it_did_before_its_node_died() {
    let h = Harness::new().await;
    let caller = casefile_server::app::sessions::authenticate(&h.app, &h.admin)
        .await
        .unwrap();
    let wt = worktype(&h).await;
    let mut ids = Vec::new();
    for i in 0..3 {
        ids.push(workitem(&h, &wt, &format!("Bulk {i}")).await);
    }
    // Terminated by someone else before the job: a failure for the job, even on resume.
    workitems::terminate(&h.app, &caller, &ids[2])
        .await
        .unwrap();
    let job = jobs::submit_without_starting(
        &h.app,
        &caller,
        jobs::Kind::TerminateWorkitems,
        jobs::Request::Terminate(ids.clone()),
    )
    .await
    .unwrap();
    // What a node that dies right after terminating the first item leaves behind.
    let mut held = job_lease::claim(&h.app, &job.id).await.unwrap().unwrap();
    let version = h.app.store.get_workitem(&ids[0]).await.unwrap().version;
    assert!(
        held.progress(&h.app, |j| {
            j.in_flight = Some(jobs::InFlight { index: 0, version });
        })
        .await
        .unwrap()
    );
    workitems::terminate(&h.app, &caller, &ids[0])
        .await
        .unwrap();
    h.clock
        .advance(job_lease::lease(&h.app).to_std().unwrap() + Duration::from_secs(1));
    let other = other_node(&h, "other").await;
    let worker = casefile_server::workers::jobs::Jobs::new(other);
    assert!(matches!(
        worker.tick(h.app.clock.now()).await.unwrap(),
        casefile_server::workers::Outcome::Worked(_)
    ));
    let done = job_lease::load_fresh(&h.app, &job.id).await.unwrap();
    assert_eq!(done.state, jobs::State::Succeeded);
    assert_eq!(
        (done.successful_count, done.failed_count),
        (2, 1),
        "{:?}",
        done.results
    );
    let reported: Vec<_> = done.results.iter().map(|r| r.id.clone()).collect();
    assert_eq!(
        reported,
        vec![Some(ids[0].clone()), Some(ids[1].clone()), None]
    );
    for id in &ids {
        let events = h.app.store.events("workitem", id).await.unwrap();
        let terminations = events
            .iter()
            .filter(|e| e.kind == "workitem.terminated")
            .count();
        assert_eq!(terminations, 1, "{id} terminated once");
    }
}

// ---------------------------------------------------------------------------------------
// Two real nodes on one PostgreSQL database.

const LIFECYCLE_CLIENTS: usize = 16;
const BULK_CLIENTS: usize = 4;
const QUERY_CLIENTS: usize = 2;
const AUTO_CLIENTS: usize = 2;
const BULK_SIZE: usize = 50;
const LEASE_SECONDS: &str = "5";
const KILLED_NODE: &str = "node-a";

/// What the nodes acknowledged (2xx), to check against the database at the end.
#[derive(Default)]
struct Ledger {
    cases: Vec<String>,
    closed_workitems: Vec<String>,
    auto_workitems: Vec<String>,
    /// Bulk terminate jobs and the workitems each was given.
    bulk_jobs: Vec<(String, Vec<String>)>,
    query_jobs: Vec<String>,
}

struct Cluster {
    nodes: Failover,
    ledger: Mutex<Ledger>,
    stop: AtomicBool,
}

impl Cluster {
    async fn call(
        &self,
        home: usize,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> Result<Value, (StatusCode, Value)> {
        self.nodes.call(home, method, path, body).await
    }
}

struct Setup {
    caseplan: String,
    closed: HashMap<String, String>,
    workbin: String,
    bulk_type: String,
    auto_type: String,
    auto_status: String,
}

async fn lifecycle(c: Arc<Cluster>, s: Arc<Setup>, client: usize) {
    let home = client % 2;
    for n in 0.. {
        if c.stop.load(Ordering::SeqCst) {
            return;
        }
        let body = json!({"caseplanId": s.caseplan, "summary": format!("Two nodes {client}-{n}"), "intake": [{"data": {"order_id_identifier": format!("C{client}-{n}")}}]});
        let Ok(case) = c
            .call(
                home,
                Method::POST,
                "/api/v2/casemanagement/cases",
                Some(body),
            )
            .await
        else {
            continue;
        };
        let case_id = case["id"].as_str().unwrap().to_owned();
        c.ledger.lock().unwrap().cases.push(case_id.clone());
        for _step in 0..10 {
            let q = json!({"filters": [{"name": "caseId", "operator": "EQ", "values": [case_id]}, {"name": "statusCategory", "operator": "EQ", "values": ["Open"]}]});
            let found = c
                .call(
                    home,
                    Method::POST,
                    &format!("{TM}/workitems/query"),
                    Some(q),
                )
                .await
                .unwrap();
            let Some(w) = found["entities"]
                .as_array()
                .and_then(|a| a.first())
                .cloned()
            else {
                break;
            };
            let id = w["id"].as_str().unwrap().to_owned();
            let status = s.closed[w["type"]["id"].as_str().unwrap()].clone();
            // A refusal (the close already went through before a node died) is read again.
            if c.call(
                home,
                Method::PATCH,
                &format!("{TM}/workitems/{id}"),
                Some(json!({"statusId": status})),
            )
            .await
            .is_ok()
            {
                c.ledger.lock().unwrap().closed_workitems.push(id);
            }
        }
    }
}

async fn create_workitem(c: &Cluster, home: usize, body: Value) -> Option<String> {
    c.call(home, Method::POST, &format!("{TM}/workitems"), Some(body))
        .await
        .ok()
        .map(|w| w["id"].as_str().unwrap().to_owned())
}

/// Polls a job on either node until it is finished.
async fn wait_job(c: &Cluster, home: usize, path: &str) -> Value {
    for _ in 0..1200 {
        let job = c.call(home, Method::GET, path, None).await.unwrap();
        if !matches!(job["state"].as_str(), Some("Queued" | "Running")) {
            return job;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("job {path} never finished");
}

async fn bulk_terminator(c: Arc<Cluster>, s: Arc<Setup>, client: usize) {
    let home = client % 2;
    for n in 0.. {
        if c.stop.load(Ordering::SeqCst) {
            return;
        }
        let mut ids = Vec::new();
        for i in 0..BULK_SIZE {
            let body = json!({"name": format!("Bulk {client}-{n}-{i}"), "typeId": s.bulk_type});
            if let Some(id) = create_workitem(&c, home, body).await {
                ids.push(id);
            }
        }
        let entities: Vec<_> = ids.iter().map(|id| json!({"id": id})).collect();
        let Ok(job) = c
            .call(
                home,
                Method::POST,
                &format!("{TM}/workitems/bulk/terminate/jobs"),
                Some(json!({"entities": entities})),
            )
            .await
        else {
            continue;
        };
        let job_id = job["id"].as_str().unwrap().to_owned();
        c.ledger
            .lock()
            .unwrap()
            .bulk_jobs
            .push((job_id.clone(), ids));
        wait_job(
            &c,
            home,
            &format!("{TM}/workitems/bulk/terminate/jobs/{job_id}"),
        )
        .await;
    }
}

async fn querier(c: Arc<Cluster>, s: Arc<Setup>, client: usize) {
    let home = client % 2;
    loop {
        if c.stop.load(Ordering::SeqCst) {
            return;
        }
        let body = json!({"pageSize": 25, "pageNumber": 1, "filters": [{"name": "workbinId", "operator": "EQ", "values": [s.workbin]}]});
        let Ok(job) = c
            .call(
                home,
                Method::POST,
                &format!("{TM}/workitems/query/jobs"),
                Some(body),
            )
            .await
        else {
            continue;
        };
        let job_id = job["id"].as_str().unwrap().to_owned();
        c.ledger.lock().unwrap().query_jobs.push(job_id.clone());
        wait_job(&c, home, &format!("{TM}/workitems/query/jobs/{job_id}")).await;
    }
}

async fn auto_creator(c: Arc<Cluster>, s: Arc<Setup>, client: usize) {
    let home = client % 2;
    for n in 0.. {
        if c.stop.load(Ordering::SeqCst) {
            return;
        }
        let body = json!({"name": format!("Auto {client}-{n}"), "typeId": s.auto_type, "statusId": s.auto_status});
        if let Some(id) = create_workitem(&c, home, body).await {
            c.ledger.lock().unwrap().auto_workitems.push(id);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn node(url: &str, port: u16, name: &str) -> Child {
    start_with(
        url,
        port,
        &[
            ("CASEFILE_NODE_ID", name),
            ("CASEFILE_JOB_LEASE_SECONDS", LEASE_SECONDS),
        ],
    )
}

/// The extra worktypes: one whose workitems bulk jobs terminate, one whose "Waiting" status
/// moves on to "Closed" by itself at `fire_at` (a time of day: delays are at least 60 s, so
/// every auto workitem of the run falls due at once, just after the clients stop, and both
/// nodes' workers race for them).
async fn seed(
    client: &reqwest::Client,
    base: &str,
    token: &str,
    fire_at: chrono::DateTime<chrono::Utc>,
) -> Setup {
    let plan = configure(client, base, token).await;
    let post = |path: String, body: Value| {
        crate::binary::call(client, reqwest::Method::POST, path, token, Some(body))
    };
    let bulk = post(
        format!("{base}{TM}/worktypes"),
        json!({"name": "Bulk", "defaultWorkbinId": plan.workbin, "schemaId": plan.schema}),
    )
    .await
    .unwrap();
    let auto = post(
        format!("{base}{TM}/worktypes"),
        json!({"name": "Auto", "defaultWorkbinId": plan.workbin, "schemaId": plan.schema}),
    )
    .await
    .unwrap();
    let status = |category: &str| {
        auto["statuses"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["category"] == category)
            .unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let (waiting, closed) = (status("Waiting"), status("Closed"));
    let auto_id = auto["id"].as_str().unwrap().to_owned();
    crate::binary::call(
        client,
        reqwest::Method::PATCH,
        format!("{base}{TM}/worktypes/{auto_id}/statuses/{waiting}"),
        token,
        Some(json!({"defaultDestinationStatusId": closed, "statusTransitionTime": fire_at.format("%H:%M:%S%.3f").to_string()})),
    )
    .await
    .unwrap();
    Setup {
        caseplan: plan.caseplan,
        closed: plan.closed,
        workbin: plan.workbin,
        bulk_type: bulk["id"].as_str().unwrap().to_owned(),
        auto_type: auto_id,
        auto_status: waiting,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_nodes_share_one_postgres_through_a_kill() {
    match std::env::var("CASEFILE_TEST_DATABASE_URL") {
        Ok(url) if url.starts_with("postgres") => {}
        _ => {
            println!("two_nodes: skipped (CASEFILE_TEST_DATABASE_URL is not a PostgreSQL URL)");
            return;
        }
    }
    let seconds: u64 = std::env::var("CASEFILE_TWO_NODE_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(30);
    let dir = tempfile::tempdir().unwrap();
    let url = casefile_store::testing::fresh_database_url(dir.path()).await;
    let client = reqwest::Client::new();
    let ports = [free_port(), free_port()];
    let bases = ports.map(|p| format!("http://127.0.0.1:{p}"));
    // Both start at once on the empty database: migrations and bootstrap race.
    let mut nodes = [
        node(&url, ports[0], KILLED_NODE),
        node(&url, ports[1], "node-b"),
    ];
    wait_healthy(&client, &bases[0]).await;
    wait_healthy(&client, &bases[1]).await;
    let t = token(&client, &bases[1]).await;
    // Real time: the auto-transitions fire by the nodes' (system) clocks.
    let fire_at = chrono::Utc::now() + chrono::Duration::seconds(seconds as i64 + 5);
    let setup = Arc::new(seed(&client, &bases[0], &t, fire_at).await);
    let cluster = Arc::new(Cluster {
        nodes: Failover {
            client: client.clone(),
            bases: bases.clone(),
            token: t,
            retries: AtomicUsize::new(0),
        },
        ledger: Mutex::new(Ledger::default()),
        stop: AtomicBool::new(false),
    });
    let began = Instant::now();
    let mut tasks = Vec::new();
    for i in 0..LIFECYCLE_CLIENTS {
        tasks.push(tokio::spawn(lifecycle(cluster.clone(), setup.clone(), i)));
    }
    for i in 0..BULK_CLIENTS {
        tasks.push(tokio::spawn(bulk_terminator(
            cluster.clone(),
            setup.clone(),
            i,
        )));
    }
    for i in 0..QUERY_CLIENTS {
        tasks.push(tokio::spawn(querier(cluster.clone(), setup.clone(), i)));
    }
    for i in 0..AUTO_CLIENTS {
        tasks.push(tokio::spawn(auto_creator(
            cluster.clone(),
            setup.clone(),
            i,
        )));
    }

    // A third in, kill node A while it runs a bulk job (so that job is resumed by a node that
    // did not start it); restart node A two seconds later.
    tokio::time::sleep(Duration::from_secs(seconds / 3)).await;
    let pool = sqlx::PgPool::connect(&url).await.unwrap();
    let wait_from = Instant::now();
    let mut caught_running = false;
    while wait_from.elapsed() < Duration::from_secs(10) {
        let running: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM documents WHERE kind = 'job' AND data::jsonb->>'state' = 'Running'
             AND data::jsonb->>'node' = $1 AND data::jsonb->>'kind' = 'TerminateWorkitems'
             AND jsonb_array_length(data::jsonb->'results') BETWEEN 1 AND $2",
        )
        .bind(KILLED_NODE)
        .bind(BULK_SIZE as i64 - 5)
        .fetch_one(&pool)
        .await
        .unwrap();
        if running > 0 {
            caught_running = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    let killed_at = began.elapsed();
    kill(&mut nodes[0], "-KILL");
    tokio::time::sleep(Duration::from_secs(2)).await;
    let restarted_at = began.elapsed();
    nodes[0] = node(&url, ports[0], "node-a-restarted");
    wait_healthy(&client, &bases[0]).await;
    let healthy_at = began.elapsed();

    let deadline = Duration::from_secs(seconds);
    if let Some(rest) = deadline.checked_sub(began.elapsed()) {
        tokio::time::sleep(rest).await;
    }
    cluster.stop.store(true, Ordering::SeqCst);
    for t in tasks {
        t.await.unwrap();
    }
    let drove = began.elapsed();

    let store = casefile_store::connect(&url, PoolSizes::default())
        .await
        .unwrap();
    let ledger = std::mem::take(&mut *cluster.ledger.lock().unwrap());
    // The auto-transitions fall due at `fire_at`; give both nodes' workers time to fire them.
    for _ in 0..600 {
        let mut open = 0;
        for id in &ledger.auto_workitems {
            if store.get_workitem(id).await.unwrap().status_category != Category::Closed {
                open += 1;
            }
        }
        if open == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    for n in &mut nodes {
        kill(n, "-TERM");
    }

    // Zero lost acknowledged writes.
    for id in &ledger.cases {
        assert!(
            store.get_case(id).await.is_ok(),
            "acknowledged case {id} lost"
        );
    }
    for id in &ledger.closed_workitems {
        let w = store.get_workitem(id).await.unwrap();
        assert_eq!(
            w.status_category,
            Category::Closed,
            "acknowledged close of {id} lost"
        );
    }

    // Every case consistent; references gap-free.
    let rows = sqlx::query("SELECT id FROM cases WHERE caseplan_id = $1")
        .bind(&setup.caseplan)
        .fetch_all(&pool)
        .await
        .unwrap();
    let mut numbers = Vec::new();
    let mut closed_cases = 0;
    for row in &rows {
        let id: String = row.get("id");
        let case = store.get_case(&id).await.unwrap();
        assert!(case.is_consistent(), "case {id} inconsistent: {case:?}");
        let open: Vec<String> = sqlx::query(
            "SELECT id FROM workitems WHERE case_id = $1 AND status_category <> 'Closed' AND terminated = 0",
        )
        .bind(&id)
        .fetch_all(&pool)
        .await
        .unwrap()
        .iter()
        .map(|r| r.get("id"))
        .collect();
        let in_progress: Vec<_> = case
            .stages
            .iter()
            .filter(|s| s.status == StageStatus::InProgress)
            .collect();
        assert!(in_progress.len() <= 1, "case {id}: two stages in progress");
        match in_progress.first() {
            Some(stage) => assert_eq!(
                open,
                vec![stage.step.workitem_id.clone().unwrap()],
                "case {id}: its stage in progress has exactly its one open workitem"
            ),
            None => assert!(
                open.is_empty(),
                "case {id}: open workitems {open:?} with no stage in progress"
            ),
        }
        if case.status == case::Status::Closed {
            closed_cases += 1;
            assert!(
                case.stages
                    .iter()
                    .all(|s| s.status == StageStatus::Completed),
                "closed case {id} with a stage not completed"
            );
        }
        let number: u64 = case
            .reference
            .rsplit(|ch: char| !ch.is_ascii_digit())
            .next()
            .unwrap()
            .parse()
            .unwrap();
        numbers.push(number);
    }
    numbers.sort_unstable();
    let expected: Vec<u64> = (1..=rows.len() as u64).collect();
    assert_eq!(numbers, expected, "references gap-free");

    // Every job finished, its effect once; a job claimed twice only because its node died.
    let mut resumed = 0;
    let all_jobs: Vec<&String> = ledger
        .bulk_jobs
        .iter()
        .map(|(id, _)| id)
        .chain(&ledger.query_jobs)
        .collect();
    let mut problems = Vec::new();
    for id in &all_jobs {
        let doc = store.get_document("job", id).await.unwrap();
        let state = doc.data["state"].as_str().unwrap_or_default().to_owned();
        if state != "Succeeded" {
            problems.push(format!("job {id} ended {state}"));
        }
        let claims: Vec<Value> = store
            .events("job", id)
            .await
            .unwrap()
            .into_iter()
            .filter(|e| {
                // A claim: into Running, or (a resumption) a new claim count on a Running job.
                let field = |v: &Option<Value>, f: &str| v.as_ref().map(|x| x[f].clone());
                field(&e.after, "state") == Some(json!("Running"))
                    && (field(&e.before, "state") != Some(json!("Running"))
                        || field(&e.before, "claims") != field(&e.after, "claims"))
            })
            .map(|e| e.after.unwrap()["node"].clone())
            .collect();
        if claims.len() > 1 {
            resumed += 1;
        }
        for earlier in claims.iter().take(claims.len().saturating_sub(1)) {
            if earlier != &json!(KILLED_NODE) {
                problems.push(format!(
                    "job {id} run again although its node {earlier} was alive (claims {claims:?})"
                ));
            }
        }
    }
    let mut terminated = 0;
    for (id, items) in &ledger.bulk_jobs {
        let doc = store.get_document("job", id).await.unwrap();
        let (ok, failed) = (
            doc.data["successful_count"].as_i64(),
            doc.data["failed_count"].as_i64(),
        );
        if (ok, failed) != (Some(items.len() as i64), Some(0)) {
            problems.push(format!(
                "bulk job {id}: {ok:?} succeeded, {failed:?} failed of {}",
                items.len()
            ));
        }
        let reported: Vec<Value> = doc.data["results"]
            .as_array()
            .map(|r| r.iter().map(|x| x["id"].clone()).collect())
            .unwrap_or_default();
        let expected: Vec<Value> = items.iter().map(|i| json!(i)).collect();
        if reported != expected {
            problems.push(format!(
                "bulk job {id}: results {reported:?} are not its items"
            ));
        }
        for item in items {
            let n = store
                .events("workitem", item)
                .await
                .unwrap()
                .iter()
                .filter(|e| e.kind == "workitem.terminated")
                .count();
            terminated += n;
            if n != 1 {
                problems.push(format!("workitem {item} of job {id} terminated {n} times"));
            }
        }
    }
    // Auto-transitions fire once each.
    let mut auto_closed = 0;
    for id in &ledger.auto_workitems {
        let w = store.get_workitem(id).await.unwrap();
        let fired = store
            .events("workitem", id)
            .await
            .unwrap()
            .iter()
            .filter(|e| e.kind == "workitem.auto_transitioned")
            .count();
        if w.status_category == Category::Closed {
            auto_closed += 1;
        }
        if (w.status_category, fired) != (Category::Closed, 1) {
            problems.push(format!(
                "auto workitem {id}: {:?} after {fired} transitions",
                w.status_category
            ));
        }
    }
    let per_kind: BTreeMap<&str, usize> = [
        ("cases acknowledged", ledger.cases.len()),
        ("cases in the database", rows.len()),
        ("cases closed", closed_cases),
        (
            "workitem closes acknowledged",
            ledger.closed_workitems.len(),
        ),
        ("bulk terminate jobs", ledger.bulk_jobs.len()),
        ("workitems terminated by them", terminated),
        ("query jobs", ledger.query_jobs.len()),
        ("jobs resumed after the kill", resumed),
        ("auto-transition workitems", ledger.auto_workitems.len()),
        ("of them closed by the worker", auto_closed),
        (
            "requests retried on the other node",
            cluster.nodes.retries.load(Ordering::SeqCst),
        ),
        (
            "killed while running a bulk job (0/1)",
            usize::from(caught_running),
        ),
    ]
    .into_iter()
    .collect();
    println!(
        "two_nodes: {seconds} s planned, drove {:.1} s; node A killed at {:.1} s, restarted at {:.1} s, healthy at {:.1} s",
        drove.as_secs_f64(),
        killed_at.as_secs_f64(),
        restarted_at.as_secs_f64(),
        healthy_at.as_secs_f64()
    );
    for (k, v) in &per_kind {
        println!("two_nodes: {k}: {v}");
    }
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
    assert!(
        ledger.cases.len() >= LIFECYCLE_CLIENTS,
        "the clients made progress"
    );
    assert!(closed_cases > 0 && !ledger.bulk_jobs.is_empty() && !ledger.query_jobs.is_empty());
}
