//! kill -9 at arbitrary moments while a driver opens cases and completes their stages: after
//! every restart no case is half-advanced and no acknowledged change is lost.
#![allow(clippy::disallowed_methods)] // a real process needs real time to start and be killed

use casefile_domain::case;
use std::collections::HashMap;
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use casefile_domain::case::engine::StageStatus;
use casefile_domain::task::status::Category;
use casefile_store::{PoolSizes, Store};
use serde_json::json;

use crate::binary::{call, configure, free_port, start, token, wait_healthy};

pub const KILLS: usize = 20;

/// What the server acknowledged: cases created, and workitems it confirmed Closed.
#[derive(Default)]
struct Acked {
    cases: Vec<String>,
    closed_workitems: Vec<String>,
}

async fn drive(
    client: reqwest::Client,
    base: String,
    token: String,
    caseplan: String,
    closed: Arc<HashMap<String, String>>,
    acked: Arc<Mutex<Acked>>,
    worker: usize,
) {
    for n in 0.. {
        let body = json!({"caseplanId": caseplan, "summary": format!("Crash case {worker}-{n}"), "intake": [{"data": {"order_id_identifier": format!("W{worker}-{n}")}}]});
        let Ok(case) = call(
            &client,
            reqwest::Method::POST,
            format!("{base}/api/v2/casemanagement/cases"),
            &token,
            Some(body),
        )
        .await
        else {
            return;
        };
        let case_id = case["id"].as_str().unwrap().to_owned();
        acked.lock().unwrap().cases.push(case_id.clone());
        for _stage in 0..3 {
            let q = json!({"filters": [{"name": "caseId", "operator": "EQ", "values": [case_id]}, {"name": "statusCategory", "operator": "EQ", "values": ["Open"]}]});
            let Ok(found) = call(
                &client,
                reqwest::Method::POST,
                format!("{base}/api/v2/taskmanagement/workitems/query"),
                &token,
                Some(q),
            )
            .await
            else {
                return;
            };
            let Some(w) = found["entities"]
                .as_array()
                .and_then(|a| a.first())
                .cloned()
            else {
                break;
            };
            let status = closed[w["type"]["id"].as_str().unwrap()].clone();
            let url = format!(
                "{base}/api/v2/taskmanagement/workitems/{}",
                w["id"].as_str().unwrap()
            );
            match call(
                &client,
                reqwest::Method::PATCH,
                url,
                &token,
                Some(json!({"statusId": status})),
            )
            .await
            {
                Ok(_) => acked
                    .lock()
                    .unwrap()
                    .closed_workitems
                    .push(w["id"].as_str().unwrap().to_owned()),
                Err(_) => return,
            }
        }
    }
}

async fn check(url: &str, acked: &Acked) -> (usize, usize) {
    let store = casefile_store::connect(url, PoolSizes::default())
        .await
        .unwrap();
    for id in &acked.closed_workitems {
        let w = store
            .get_workitem(id)
            .await
            .unwrap_or_else(|e| panic!("acknowledged workitem {id} lost: {e}"));
        assert_eq!(
            w.status_category,
            Category::Closed,
            "acknowledged close of {id} lost"
        );
    }
    let mut closed_cases = 0;
    for id in &acked.cases {
        let case = store
            .get_case(id)
            .await
            .unwrap_or_else(|e| panic!("acknowledged case {id} lost: {e}"));
        assert!(case.is_consistent(), "case {id} is half-advanced: {case:?}");
        for stage in &case.stages {
            match stage.status {
                StageStatus::InProgress => {
                    let w = store
                        .get_workitem(stage.step.workitem_id.as_deref().unwrap())
                        .await
                        .unwrap();
                    assert_ne!(
                        w.status_category,
                        Category::Closed,
                        "stage in progress with a closed workitem: {id}"
                    );
                }
                StageStatus::Completed => {
                    let w = store
                        .get_workitem(stage.step.workitem_id.as_deref().unwrap())
                        .await
                        .unwrap();
                    assert_eq!(
                        w.status_category,
                        Category::Closed,
                        "completed stage with an open workitem: {id}"
                    );
                }
                StageStatus::Open => assert!(
                    stage.step.workitem_id.is_none(),
                    "unstarted stage with a workitem: {id}"
                ),
                StageStatus::Terminated => {}
            }
        }
        if case.status == case::Status::Closed {
            closed_cases += 1;
        }
    }
    (acked.cases.len(), closed_cases)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_during_stage_transitions_leaves_no_half_advanced_case() {
    let dir = tempfile::tempdir().unwrap();
    let url = casefile_store::testing::fresh_database_url(dir.path()).await;
    let client = reqwest::Client::new();
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let mut first = Some(start(&url, port));
    wait_healthy(&client, &base).await;
    let t = token(&client, &base).await;
    let plan = configure(&client, &base, &t).await;
    let (caseplan, closed) = (plan.caseplan, plan.closed);
    let closed = Arc::new(closed);
    let acked = Arc::new(Mutex::new(Acked::default()));
    // A deterministic spread of kill moments between 40 and 400 ms into each run.
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    for round in 0..KILLS {
        let mut child = match first.take() {
            Some(c) => c,
            None => {
                let c = start(&url, port);
                wait_healthy(&client, &base).await;
                c
            }
        };
        let t = token(&client, &base).await;
        let drivers: Vec<_> = (0..4)
            .map(|w| {
                tokio::spawn(drive(
                    client.clone(),
                    base.clone(),
                    t.clone(),
                    caseplan.clone(),
                    closed.clone(),
                    acked.clone(),
                    round * 10 + w,
                ))
            })
            .collect();
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        tokio::time::sleep(Duration::from_millis(40 + seed % 360)).await;
        assert!(
            Command::new("kill")
                .args(["-KILL", &child.id().to_string()])
                .status()
                .unwrap()
                .success()
        );
        let _ = tokio::task::spawn_blocking(move || child.wait()).await;
        let _ = round;
        for d in drivers {
            d.await.unwrap();
        }
        let snapshot = {
            let a = acked.lock().unwrap();
            Acked {
                cases: a.cases.clone(),
                closed_workitems: a.closed_workitems.clone(),
            }
        };
        check(&url, &snapshot).await;
    }
    let last = {
        let a = acked.lock().unwrap();
        Acked {
            cases: a.cases.clone(),
            closed_workitems: a.closed_workitems.clone(),
        }
    };
    let (cases, closed_cases) = check(&url, &last).await;
    assert!(cases >= KILLS, "the driver made progress: {cases} cases");
    assert!(
        closed_cases > 0,
        "some cases ran to the end: {closed_cases}"
    );
}
