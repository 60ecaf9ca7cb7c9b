//! No case can get stuck: random sequences of API operations on a few cases and their
//! workitems (create, any status move, assign, terminate with or without a Closed status,
//! delete, bulk terminate, terminate the case, publish a new caseplan version mid-way), and
//! after every step every case is consistent and every stage in progress has exactly one open
//! workitem. Runs on SQLite and, with `CASEFILE_TEST_DATABASE_URL`, on PostgreSQL.

use casefile_domain::case;
use std::collections::HashMap;

use axum::http::{Method, StatusCode};
use casefile_domain::case::engine::StageStatus;
use casefile_domain::task::status::Category;
use proptest::prelude::*;
use proptest::test_runner::{Config as RunnerConfig, TestCaseError, TestRunner};
use serde_json::{Value, json};

use crate::cases::{Plan, refund_plan};
use crate::harness::Harness;

const TM: &str = "/api/v2/taskmanagement";
const CM: &str = "/api/v2/casemanagement";

#[derive(Debug, Clone)]
enum Op {
    Create,
    /// Moves one of the case's workitems to one of its worktype's statuses.
    Move {
        case: usize,
        item: usize,
        status: usize,
    },
    Assign {
        case: usize,
        item: usize,
    },
    Terminate {
        case: usize,
        item: usize,
        closed: bool,
    },
    Delete {
        case: usize,
        item: usize,
    },
    BulkTerminate {
        items: Vec<(usize, usize)>,
    },
    TerminateCase {
        case: usize,
    },
    NewVersion,
}

fn op() -> impl Strategy<Value = Op> {
    let i = || 0usize..8;
    prop_oneof![
        3 => Just(Op::Create),
        6 => (i(), i(), i()).prop_map(|(case, item, status)| Op::Move { case, item, status }),
        1 => (i(), i()).prop_map(|(case, item)| Op::Assign { case, item }),
        2 => (i(), i(), any::<bool>()).prop_map(|(case, item, closed)| Op::Terminate { case, item, closed }),
        2 => (i(), i()).prop_map(|(case, item)| Op::Delete { case, item }),
        1 => proptest::collection::vec((i(), i()), 1..4).prop_map(|items| Op::BulkTerminate { items }),
        1 => i().prop_map(|case| Op::TerminateCase { case }),
        1 => Just(Op::NewVersion),
    ]
}

struct World {
    h: Harness,
    plan: Plan,
    /// Each worktype's statuses: (id, category).
    statuses: HashMap<String, Vec<(String, String)>>,
    agent: String,
    cases: Vec<String>,
}

impl World {
    async fn new() -> World {
        let h = Harness::new().await;
        let plan = refund_plan(&h).await;
        let mut statuses = HashMap::new();
        for wt in &plan.worktypes {
            let r = h
                .call(
                    Method::GET,
                    &format!("{TM}/worktypes/{wt}/statuses"),
                    Some(&h.admin),
                    None,
                )
                .await;
            assert_eq!(r.status, StatusCode::OK, "{}", r.body);
            let list = r.body["entities"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| {
                    (
                        s["id"].as_str().unwrap().to_owned(),
                        s["category"].as_str().unwrap().to_owned(),
                    )
                })
                .collect();
            statuses.insert(wt.clone(), list);
        }
        let agent = h.create_user("agent@prop.test", None, "agent").await["id"]
            .as_str()
            .unwrap()
            .to_owned();
        World {
            h,
            plan,
            statuses,
            agent,
            cases: Vec::new(),
        }
    }

    /// A workitem the case has had (any stage's), chosen by `item`.
    async fn workitem(&self, case: usize, item: usize) -> Option<String> {
        if self.cases.is_empty() {
            return None;
        }
        let id = &self.cases[case % self.cases.len()];
        let c = self.h.app.store.get_case(id).await.unwrap();
        let items: Vec<String> = c
            .stages
            .iter()
            .filter_map(|s| s.step.workitem_id.clone())
            .collect();
        (!items.is_empty()).then(|| items[item % items.len()].clone())
    }

    /// The admin's request, whatever it answers.
    async fn send(&self, method: Method, path: &str, body: Option<Value>) -> crate::harness::Reply {
        self.h.call(method, path, Some(&self.h.admin), body).await
    }

    async fn call(&self, method: Method, path: &str, body: Option<Value>) -> Value {
        let r = self
            .h
            .call(method.clone(), path, Some(&self.h.admin), body)
            .await;
        assert!(
            !r.status.is_server_error(),
            "{method} {path} → {} {}",
            r.status,
            r.body
        );
        r.body
    }

    async fn wait(&self, path: &str) {
        self.h
            .poll_until(path, |j| {
                let state = j["state"].as_str().or(j["status"].as_str());
                matches!(state, Some("Succeeded" | "Failed" | "Terminated"))
            })
            .await;
    }

    async fn apply(&mut self, op: &Op) {
        match op {
            Op::Create => {
                let n = self.cases.len();
                let r = self
                    .h
                    .call(
                        Method::POST,
                        &format!("{CM}/cases"),
                        Some(&self.h.admin),
                        Some(json!({
                            "caseplanId": self.plan.caseplan, "summary": format!("Refund {n}"),
                            "intake": [{"data": {"order_id_identifier": format!("O-{n}")}}]
                        })),
                    )
                    .await;
                assert!(r.status.is_success(), "{}", r.body);
                self.cases.push(r.body["id"].as_str().unwrap().to_owned());
            }
            Op::Move { case, item, status } => {
                let Some(w) = self.workitem(*case, *item).await else {
                    return;
                };
                let stored = self.h.app.store.get_workitem(&w).await;
                let Ok(stored) = stored else { return };
                let list = &self.statuses[&stored.type_id];
                let to = &list[status % list.len()].0;
                let path = format!("{TM}/workitems/{w}");
                self.call(Method::PATCH, &path, Some(json!({"statusId": to})))
                    .await;
            }
            Op::Assign { case, item } => {
                let Some(w) = self.workitem(*case, *item).await else {
                    return;
                };
                let path = format!("{TM}/workitems/{w}/assignments");
                let _ = self
                    .call(Method::POST, &path, Some(json!({"id": self.agent})))
                    .await;
            }
            Op::Terminate { case, item, closed } => {
                let Some(w) = self.workitem(*case, *item).await else {
                    return;
                };
                let body = match self.h.app.store.get_workitem(&w).await {
                    Ok(stored) if *closed => {
                        let list = &self.statuses[&stored.type_id];
                        let c = list.iter().find(|(_, cat)| cat == "Closed").unwrap();
                        Some(json!({"statusId": c.0}))
                    }
                    _ => None,
                };
                self.call(Method::POST, &format!("{TM}/workitems/{w}/terminate"), body)
                    .await;
            }
            Op::Delete { case, item } => {
                let Some(w) = self.workitem(*case, *item).await else {
                    return;
                };
                self.call(Method::DELETE, &format!("{TM}/workitems/{w}"), None)
                    .await;
            }
            Op::BulkTerminate { items } => {
                let mut entities = Vec::new();
                for (case, item) in items {
                    if let Some(w) = self.workitem(*case, *item).await {
                        entities.push(json!({"id": w}));
                    }
                }
                if entities.is_empty() {
                    return;
                }
                let job = self
                    .call(
                        Method::POST,
                        &format!("{TM}/workitems/bulk/terminate/jobs"),
                        Some(json!({"entities": entities})),
                    )
                    .await;
                if let Some(id) = job["id"].as_str() {
                    self.wait(&format!("{TM}/workitems/bulk/terminate/jobs/{id}"))
                        .await;
                }
            }
            Op::TerminateCase { case } => {
                if self.cases.is_empty() {
                    return;
                }
                let id = self.cases[case % self.cases.len()].clone();
                let job = self
                    .call(
                        Method::POST,
                        &format!("{CM}/cases/{id}/terminate/jobs"),
                        None,
                    )
                    .await;
                if let Some(j) = job["id"].as_str() {
                    self.wait(&format!("{CM}/cases/{id}/terminate/jobs/{j}"))
                        .await;
                }
            }
            Op::NewVersion => {
                let cp = &self.plan.caseplan;
                let draft = self
                    .h
                    .call(
                        Method::POST,
                        &format!("{CM}/caseplans/{cp}/versions"),
                        Some(&self.h.admin),
                        None,
                    )
                    .await;
                assert!(!draft.status.is_server_error(), "{}", draft.body);
                let published = self
                    .call(Method::POST, &format!("{CM}/caseplans/{cp}/publish"), None)
                    .await;
                assert!(published["versionState"] == "Published", "{published}");
            }
        }
    }

    /// Every case consistent; a case still running has exactly one stage in progress, and
    /// that stage's one workitem exists and is open (neither terminated nor Closed).
    async fn check(&self, after: &[Op]) -> Result<(), TestCaseError> {
        for id in &self.cases {
            let c = self.h.app.store.get_case(id).await.unwrap();
            prop_assert!(
                c.is_consistent(),
                "case {} inconsistent after {after:?}: {c:?}",
                c.reference
            );
            let running: Vec<_> = c
                .stages
                .iter()
                .filter(|s| s.status == StageStatus::InProgress)
                .collect();
            if c.status.is_final() {
                prop_assert!(
                    running.is_empty(),
                    "final case {} has a stage in progress after {after:?}",
                    c.reference
                );
                if c.status == case::Status::Closed {
                    prop_assert!(c.stages.iter().all(|s| s.status == StageStatus::Completed));
                }
                continue;
            }
            prop_assert_eq!(
                running.len(),
                1,
                "case {} after {:?}: {:?}",
                c.reference,
                after,
                c.stages
            );
            let w = running[0].step.workitem_id.clone();
            prop_assert!(
                w.is_some(),
                "case {}: stage in progress without workitem",
                c.reference
            );
            let w = self.h.app.store.get_workitem(&w.unwrap_or_default()).await;
            prop_assert!(
                w.is_ok(),
                "case {}: its open stage's workitem is gone after {after:?}",
                c.reference
            );
            let w = w.unwrap();
            prop_assert!(
                !w.terminated && w.status_category != Category::Closed,
                "case {} stuck: its open stage's workitem is terminated={} {:?} after {after:?}",
                c.reference,
                w.terminated,
                w.status_category
            );
        }
        Ok(())
    }
}

#[test]
fn no_sequence_of_operations_leaves_a_case_stuck() {
    let cases = std::env::var("CASEFILE_PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(32);
    let mut runner = TestRunner::new(RunnerConfig {
        cases,
        max_shrink_iters: 64,
        failure_persistence: None,
        ..RunnerConfig::default()
    });
    let ops = proptest::collection::vec(op(), 1..24);
    let result = runner.run(&ops, |ops| {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            let mut world = World::new().await;
            for (i, op) in ops.iter().enumerate() {
                world.apply(op).await;
                world.check(&ops[..=i]).await?;
            }
            Ok(())
        })
    });
    if let Err(e) = result {
        panic!("{e}");
    }
}

#[tokio::test]
async fn the_open_stage_workitem_cannot_be_deleted_and_terminating_it_ends_the_case() {
    let mut world = World::new().await;
    world.apply(&Op::Create).await;
    let case = world.cases[0].clone();
    let w = world.workitem(0, 0).await.unwrap();
    let r = world
        .send(Method::DELETE, &format!("{TM}/workitems/{w}"), None)
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    let c = world.h.app.store.get_case(&case).await.unwrap();
    assert!(
        r.body["message"].as_str().unwrap().contains(&c.reference),
        "{}",
        r.body
    );
    assert!(
        world.h.app.store.get_workitem(&w).await.is_ok(),
        "nothing deleted"
    );
    // Terminated without a Closed status: the case ends with it.
    let t = world
        .send(Method::POST, &format!("{TM}/workitems/{w}/terminate"), None)
        .await;
    assert_eq!(t.status, StatusCode::OK, "{}", t.body);
    let c = world
        .call(Method::GET, &format!("{CM}/cases/{case}"), None)
        .await;
    assert_eq!(c["status"], "Terminated", "{c}");
    // Now that its stage is over, the workitem may go.
    let r = world
        .send(Method::DELETE, &format!("{TM}/workitems/{w}"), None)
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    world.check(&[]).await.unwrap();
}
