//! Task management and case workloads of the HTTP benchmark: workitem creation, workitem
//! status changes, and full three-stage case lifecycles (create, then per stage: assign to
//! oneself, set InProgress, set Closed), each client as a supervisor over HTTP.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::anyhow;
use serde_json::{Value, json};

use super::clients::{Client, expect_json};
use super::outcome::{Outcome, micros};

pub const WORKITEM_CREATE_TARGET: f64 = 3_000.0;
pub const WORKITEM_STATUS_TARGET: f64 = 3_000.0;
pub const LIFECYCLE_TARGET_SQLITE: f64 = 400.0;
pub const LIFECYCLE_TARGET_POSTGRES: f64 = 250.0;

/// The configuration the workloads run against.
pub struct Setup {
    pub worktype: String,
    pub open: String,
    pub in_progress: String,
    pub caseplan: String,
    /// Per stage worktype: (InProgress status, Closed status).
    pub stage_statuses: std::collections::HashMap<String, (String, String)>,
}

fn id(v: &Value) -> anyhow::Result<String> {
    v["id"]
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| anyhow!("no id in {v}"))
}

fn status(worktype: &Value, category: &str) -> anyhow::Result<String> {
    worktype["statuses"]
        .as_array()
        .and_then(|a| a.iter().find(|s| s["category"] == category))
        .and_then(|s| s["id"].as_str())
        .map(str::to_owned)
        .ok_or_else(|| anyhow!("no {category} status in {worktype}"))
}

/// Schema, workbin, a worktype for standalone workitems, and a published three-stage caseplan.
pub async fn setup(http: &reqwest::Client, base: &str, admin: &str) -> anyhow::Result<Setup> {
    let post = |path: String, body: Value| {
        expect_json(
            http.post(format!("{base}{path}"))
                .bearer_auth(admin)
                .json(&body),
            "setup",
        )
    };
    let run = uuid::Uuid::new_v4().simple().to_string();
    let run = &run[..8];
    let schema = json!({"type": "object", "properties": {
        "order_id_identifier": {"allOf": [{"$ref": "#/definitions/identifier"}], "title": "Order", "maxLength": 30},
        "amount_number": {"allOf": [{"$ref": "#/definitions/number"}], "title": "Amount", "minimum": 0}
    }, "required": ["order_id_identifier"]});
    let s = post(
        "/api/v2/taskmanagement/workitems/schemas".into(),
        json!({"name": format!("Bench {run}"), "jsonSchema": schema}),
    )
    .await?;
    let wb = post(
        "/api/v2/taskmanagement/workbins".into(),
        json!({"name": format!("Bench bin {run}")}),
    )
    .await?;
    let wt = post("/api/v2/taskmanagement/worktypes".into(), json!({"name": format!("Bench items {run}"), "defaultWorkbinId": id(&wb)?, "schemaId": id(&s)?})).await?;
    let cp = post("/api/v2/casemanagement/caseplans".into(), json!({
        "name": format!("Bench plan {run}"), "referencePrefix": "BN", "dataSchemas": [{"id": id(&s)?}],
        "intakeSettings": [{"property": "order_id_identifier", "required": true}, {"property": "amount_number", "required": false}]
    })).await?;
    let cp_id = id(&cp)?;
    let mut stage_statuses = std::collections::HashMap::new();
    let mut after: Option<String> = None;
    for i in 0..3 {
        let stage_type = post("/api/v2/taskmanagement/worktypes".into(), json!({"name": format!("Bench stage {i} {run}"), "defaultWorkbinId": id(&wb)?, "schemaId": id(&s)?})).await?;
        stage_statuses.insert(
            id(&stage_type)?,
            (
                status(&stage_type, "InProgress")?,
                status(&stage_type, "Closed")?,
            ),
        );
        let mut body = json!({"name": format!("Stage {i}")});
        if let Some(a) = &after {
            body["after"] = a.clone().into();
        }
        let sp = post(
            format!("/api/v2/casemanagement/caseplans/{cp_id}/stageplans"),
            body,
        )
        .await?;
        let sp_id = id(&sp)?;
        let steps = expect_json(http.get(format!("{base}/api/v2/casemanagement/caseplans/{cp_id}/versions/1/stageplans/{sp_id}/stepplans")).bearer_auth(admin), "stepplans").await?;
        let st_id = steps["entities"][0]["id"]
            .as_str()
            .ok_or_else(|| anyhow!("no stepplan"))?
            .to_owned();
        expect_json(
            http.patch(format!("{base}/api/v2/casemanagement/caseplans/{cp_id}/stageplans/{sp_id}/stepplans/{st_id}"))
                .bearer_auth(admin)
                .json(&json!({"workitemSettings": {"worktypeId": id(&stage_type)?}})),
            "stepplan",
        )
        .await?;
        after = Some(sp_id);
    }
    post(
        format!("/api/v2/casemanagement/caseplans/{cp_id}/publish"),
        json!({}),
    )
    .await?;
    Ok(Setup {
        worktype: id(&wt)?,
        open: status(&wt, "Open")?,
        in_progress: status(&wt, "InProgress")?,
        caseplan: cp_id,
        stage_statuses,
    })
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Work {
    CreateWorkitems,
    ChangeStatus,
    Lifecycles,
}

impl Work {
    pub fn name(self) -> &'static str {
        match self {
            Work::CreateWorkitems => "POST /api/v2/taskmanagement/workitems",
            Work::ChangeStatus => "PATCH /api/v2/taskmanagement/workitems/{id} (statusId)",
            Work::Lifecycles => {
                "three-stage case lifecycle (create; per stage assign, InProgress, Closed): cases/s"
            }
        }
    }
}

async fn send(request: reqwest::RequestBuilder) -> Result<Value, String> {
    let response = request.send().await.map_err(|e| e.to_string())?;
    let status = response.status();
    let body = response.bytes().await.map_err(|e| e.to_string())?;
    if !status.is_success() {
        return Err(format!("HTTP {status}: {}", String::from_utf8_lossy(&body)));
    }
    if body.is_empty() {
        return Ok(Value::Null); // 204, e.g. the assignment
    }
    serde_json::from_slice(&body).map_err(|e| e.to_string())
}

/// One full case lifecycle; the latency recorded is the whole lifecycle's.
async fn lifecycle(client: &Client, setup: &Setup, n: u64) -> Result<(), String> {
    let base = &client.base;
    let case = send(client.http.post(format!("{base}/api/v2/casemanagement/cases")).bearer_auth(&client.token).json(&json!({
        "caseplanId": setup.caseplan, "summary": format!("Bench case {n}"),
        "intake": [{"data": {"order_id_identifier": format!("B-{n}"), "amount_number": 12.5}}]
    })))
    .await?;
    let case_id = case["id"].as_str().ok_or("no case id")?.to_owned();
    for _stage in 0..3 {
        let q = json!({"pageSize": 1, "filters": [{"name": "caseId", "operator": "EQ", "values": [case_id]}, {"name": "statusCategory", "operator": "EQ", "values": ["Open"]}]});
        let found = send(
            client
                .http
                .post(format!("{base}/api/v2/taskmanagement/workitems/query"))
                .bearer_auth(&client.token)
                .json(&q),
        )
        .await?;
        let w = found["entities"].get(0).ok_or("no open stage workitem")?;
        let wid = w["id"].as_str().ok_or("no workitem id")?;
        let (progress, closed) = setup
            .stage_statuses
            .get(w["type"]["id"].as_str().unwrap_or(""))
            .ok_or("unknown stage worktype")?;
        let url = format!("{base}/api/v2/taskmanagement/workitems/{wid}");
        send(
            client
                .http
                .patch(format!("{url}/assignment"))
                .bearer_auth(&client.token)
                .json(&json!({"assigneeId": client.user_id})),
        )
        .await?;
        send(
            client
                .http
                .patch(&url)
                .bearer_auth(&client.token)
                .json(&json!({"statusId": progress})),
        )
        .await?;
        send(
            client
                .http
                .patch(&url)
                .bearer_auth(&client.token)
                .json(&json!({"statusId": closed})),
        )
        .await?;
    }
    let done = send(
        client
            .http
            .get(format!("{base}/api/v2/casemanagement/cases/{case_id}"))
            .bearer_auth(&client.token),
    )
    .await?;
    if done["status"] != "Closed" {
        return Err(format!("the case did not close: {done}"));
    }
    Ok(())
}

pub async fn client_loop(
    client: Client,
    setup: Arc<Setup>,
    work: Work,
    deadline: Instant,
) -> Outcome {
    let mut out = Outcome::default();
    let base = client.base.clone();
    let mut own: Option<String> = None;
    if work == Work::ChangeStatus {
        let body = json!({"name": "Bench status item", "typeId": setup.worktype, "customFields": {"order_id_identifier": "S-1"}});
        match send(
            client
                .http
                .post(format!("{base}/api/v2/taskmanagement/workitems"))
                .bearer_auth(&client.token)
                .json(&body),
        )
        .await
        {
            Ok(w) => own = w["id"].as_str().map(str::to_owned),
            Err(e) => {
                out.record_failure(format!("creating the status workitem: {e}"));
                return out;
            }
        }
    }
    let mut n: u64 = 0;
    while Instant::now() < deadline {
        n += 1;
        let started = Instant::now();
        let result = match work {
            Work::CreateWorkitems => {
                let body = json!({"name": format!("Bench item {n}"), "typeId": setup.worktype, "customFields": {"order_id_identifier": format!("W-{n}")}});
                send(
                    client
                        .http
                        .post(format!("{base}/api/v2/taskmanagement/workitems"))
                        .bearer_auth(&client.token)
                        .json(&body),
                )
                .await
                .map(|_| ())
            }
            Work::ChangeStatus => {
                let to = if n % 2 == 1 {
                    &setup.in_progress
                } else {
                    &setup.open
                };
                let url = format!(
                    "{base}/api/v2/taskmanagement/workitems/{}",
                    own.as_deref().unwrap_or("")
                );
                send(
                    client
                        .http
                        .patch(url)
                        .bearer_auth(&client.token)
                        .json(&json!({"statusId": to})),
                )
                .await
                .map(|_| ())
            }
            Work::Lifecycles => lifecycle(&client, &setup, n).await,
        };
        let took = started.elapsed();
        match result {
            Ok(()) => {
                out.ok += 1;
                out.latencies_us.push(micros(took));
            }
            Err(e) => out.record_failure(format!("{}: {e}", work.name())),
        }
    }
    out
}

pub async fn measure(
    clients: &[Client],
    setup: &Arc<Setup>,
    work: Work,
    duration: Duration,
) -> anyhow::Result<Outcome> {
    let started = Instant::now();
    let deadline = started + duration;
    let tasks: Vec<_> = clients
        .iter()
        .cloned()
        .map(|c| tokio::spawn(client_loop(c, setup.clone(), work, deadline)))
        .collect();
    let mut total = Outcome::default();
    for task in tasks {
        total.merge(task.await?);
    }
    Ok(total.finish(started.elapsed()))
}
