//! Case management end to end: caseplans from draft to published versions, and cases run by
//! the engine through their stages' workitems.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use crate::harness::Harness;

const TM: &str = "/api/v2/taskmanagement";
const CM: &str = "/api/v2/casemanagement";

fn schema() -> Value {
    json!({
        "type": "object",
        "properties": {
            "order_id_identifier": {"allOf": [{"$ref": "#/definitions/identifier"}], "title": "Order", "maxLength": 20},
            "amount_number": {"allOf": [{"$ref": "#/definitions/number"}], "title": "Amount", "minimum": 0},
            "decision_enum": {"allOf": [{"$ref": "#/definitions/enum"}], "title": "Decision", "enum": ["approved", "rejected"],
                "_enumProperties": {"approved": {"title": "Approved", "_disabled": false}, "rejected": {"title": "Rejected", "_disabled": false}}}
        },
        "required": ["order_id_identifier"]
    })
}

pub struct Plan {
    pub caseplan: String,
    pub worktypes: Vec<String>,
    pub closed_status: Vec<String>,
}

async fn ok(h: &Harness, method: Method, path: &str, body: Option<Value>) -> Value {
    let reply = h.call(method.clone(), path, Some(&h.admin), body).await;
    assert!(
        reply.status.is_success(),
        "{method} {path} → {} {}",
        reply.status,
        reply.body
    );
    reply.body
}

/// A published three-stage refund caseplan (capture → approve → notify).
pub async fn refund_plan(h: &Harness) -> Plan {
    let s = ok(
        h,
        Method::POST,
        &format!("{TM}/workitems/schemas"),
        Some(json!({"name": "Refund", "jsonSchema": schema()})),
    )
    .await;
    let wb = ok(
        h,
        Method::POST,
        &format!("{TM}/workbins"),
        Some(json!({"name": "Refunds"})),
    )
    .await;
    let mut worktypes = Vec::new();
    let mut closed_status = Vec::new();
    for name in ["Capture details", "Approve refund", "Notify customer"] {
        let wt = ok(
            h,
            Method::POST,
            &format!("{TM}/worktypes"),
            Some(json!({"name": name, "defaultWorkbinId": wb["id"], "schemaId": s["id"]})),
        )
        .await;
        closed_status.push(
            wt["statuses"]
                .as_array()
                .unwrap()
                .iter()
                .find(|x| x["category"] == "Closed")
                .unwrap()["id"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
        worktypes.push(wt["id"].as_str().unwrap().to_owned());
    }
    let cp = ok(h, Method::POST, &format!("{CM}/caseplans"), Some(json!({
        "name": "Refund management", "referencePrefix": "ref", "defaultDueDurationInSeconds": 86400,
        "dataSchemas": [{"id": s["id"]}],
        "intakeSettings": [{"property": "order_id_identifier", "required": true, "displayOrder": 1}, {"property": "amount_number", "required": false, "displayOrder": 2}]
    }))).await;
    let id = cp["id"].as_str().unwrap().to_owned();
    let mut after: Option<String> = None;
    for (i, name) in ["Capture", "Approve", "Notify"].iter().enumerate() {
        let mut body = json!({"name": name});
        if let Some(a) = &after {
            body["after"] = a.clone().into();
        }
        let sp = ok(
            h,
            Method::POST,
            &format!("{CM}/caseplans/{id}/stageplans"),
            Some(body),
        )
        .await;
        let sp_id = sp["id"].as_str().unwrap().to_owned();
        let steps = ok(
            h,
            Method::GET,
            &format!("{CM}/caseplans/{id}/versions/1/stageplans/{sp_id}/stepplans"),
            None,
        )
        .await;
        let st_id = steps["entities"][0]["id"].as_str().unwrap().to_owned();
        ok(
            h,
            Method::PATCH,
            &format!("{CM}/caseplans/{id}/stageplans/{sp_id}/stepplans/{st_id}"),
            Some(json!({"workitemSettings": {"worktypeId": worktypes[i]}})),
        )
        .await;
        after = Some(sp_id);
    }
    let published = ok(
        h,
        Method::POST,
        &format!("{CM}/caseplans/{id}/publish"),
        None,
    )
    .await;
    assert_eq!(published["versionState"], "Published");
    assert_eq!(published["published"], 1);
    Plan {
        caseplan: id,
        worktypes,
        closed_status,
    }
}

async fn open_case(h: &Harness, plan: &Plan, order: &str) -> Value {
    ok(
        h,
        Method::POST,
        &format!("{CM}/cases"),
        Some(json!({
            "caseplanId": plan.caseplan, "summary": format!("Refund for {order}"),
            "intake": [{"data": {"order_id_identifier": order, "amount_number": 42.5}}]
        })),
    )
    .await
}

async fn stage_workitem(h: &Harness, case_id: &str, index: usize) -> Value {
    let stages = ok(
        h,
        Method::GET,
        &format!("{CM}/cases/{case_id}/stages"),
        None,
    )
    .await;
    let stage_id = stages["entities"][index]["id"].as_str().unwrap().to_owned();
    let steps = ok(
        h,
        Method::GET,
        &format!("{CM}/cases/{case_id}/stages/{stage_id}/steps"),
        None,
    )
    .await;
    let w = steps["entities"][0]["workitemActivity"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    ok(h, Method::GET, &format!("{TM}/workitems/{w}"), None).await
}

async fn close(
    h: &Harness,
    plan: &Plan,
    workitem: &Value,
    stage: usize,
    fields: Option<Value>,
) -> Value {
    let mut body = json!({"statusId": plan.closed_status[stage]});
    if let Some(f) = fields {
        body["customFields"] = f;
    }
    ok(
        h,
        Method::PATCH,
        &format!("{TM}/workitems/{}", workitem["id"].as_str().unwrap()),
        Some(body),
    )
    .await
}

#[tokio::test]
async fn a_refund_case_runs_three_stages_and_closes_itself() {
    let h = Harness::new().await;
    let plan = refund_plan(&h).await;
    let case = open_case(&h, &plan, "A-1").await;
    assert_eq!(case["reference"], "REF-000001");
    assert_eq!(case["status"], "InProgress");
    assert_eq!(case["dateDue"], "2026-03-03T09:00:00.000Z");
    let id = case["id"].as_str().unwrap().to_owned();

    let w1 = stage_workitem(&h, &id, 0).await;
    assert_eq!(w1["type"]["id"], plan.worktypes[0].as_str());
    assert_eq!(w1["caseId"], id.as_str());
    assert_eq!(w1["customFields"]["order_id_identifier"], "A-1");
    let by_case = ok(
        &h,
        Method::POST,
        &format!("{TM}/workitems/query"),
        Some(json!({"filters": [{"name": "caseId", "operator": "EQ", "values": [id]}]})),
    )
    .await;
    assert_eq!(by_case["entities"].as_array().unwrap().len(), 1);

    close(&h, &plan, &w1, 0, None).await;
    let w2 = stage_workitem(&h, &id, 1).await;
    assert_eq!(w2["statusCategory"], "Open");
    // The approval captured in stage 2 travels to stage 3.
    close(
        &h,
        &plan,
        &w2,
        1,
        Some(json!({"decision_enum": "approved"})),
    )
    .await;
    let w3 = stage_workitem(&h, &id, 2).await;
    assert_eq!(w3["customFields"]["decision_enum"], "approved");
    h.clock.advance(std::time::Duration::from_secs(3600));
    close(&h, &plan, &w3, 2, None).await;

    let done = ok(&h, Method::GET, &format!("{CM}/cases/{id}"), None).await;
    assert_eq!(done["status"], "Closed");
    assert_eq!(done["dateClosed"], "2026-03-02T10:00:00.000Z");
    assert_eq!(done["data"]["decision_enum"], "approved");
    let stages = ok(&h, Method::GET, &format!("{CM}/cases/{id}/stages"), None).await;
    assert!(
        stages["entities"]
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s["status"] == "Completed")
    );
    let events = h.app.store.events("case", &id).await.unwrap();
    let kinds: Vec<_> = events.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(
        kinds,
        vec![
            "case.created",
            "case.stage_advanced",
            "case.stage_advanced",
            "case.closed"
        ]
    );
    let c = h.app.store.get_case(&id).await.unwrap();
    assert!(c.is_consistent());
}

#[tokio::test]
async fn references_are_sequential_and_looked_up_case_insensitively() {
    let h = Harness::new().await;
    let plan = refund_plan(&h).await;
    let mut refs = Vec::new();
    for i in 0..3 {
        refs.push(
            open_case(&h, &plan, &format!("R-{i}")).await["reference"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
    }
    assert_eq!(refs, vec!["REF-000001", "REF-000002", "REF-000003"]);
    let found = ok(
        &h,
        Method::GET,
        &format!("{CM}/cases/references/ref-000002"),
        None,
    )
    .await;
    assert_eq!(found["summary"], "Refund for R-1");
    assert_eq!(
        h.call(
            Method::GET,
            &format!("{CM}/cases/references/REF-999999"),
            Some(&h.admin),
            None
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn concurrent_case_creation_allocates_references_without_gaps() {
    let h = std::sync::Arc::new(Harness::new().await);
    let plan = std::sync::Arc::new(refund_plan(&h).await);
    let mut tasks = Vec::new();
    for i in 0..16 {
        let (h, plan) = (h.clone(), plan.clone());
        tasks.push(tokio::spawn(async move {
            open_case(&h, &plan, &format!("C-{i}")).await["reference"]
                .as_str()
                .unwrap()
                .to_owned()
        }));
    }
    let mut refs = Vec::new();
    for t in tasks {
        refs.push(t.await.unwrap());
    }
    refs.sort();
    let expected: Vec<String> = (1..=16).map(|n| format!("REF-{n:06}")).collect();
    assert_eq!(refs, expected);
}

#[tokio::test]
async fn intake_is_validated_and_refusals_create_nothing() {
    let h = Harness::new().await;
    let plan = refund_plan(&h).await;
    for (intake, field) in [
        (
            json!([{"data": {"amount_number": 3}}]),
            "intake.data.order_id_identifier",
        ),
        (
            json!([{"data": {"order_id_identifier": "X", "amount_number": "lots"}}]),
            "intake.data.amount_number",
        ),
        (
            json!([{"data": {"order_id_identifier": "X", "decision_enum": "approved"}}]),
            "intake[0].data.decision_enum",
        ),
    ] {
        let reply = h
            .call(
                Method::POST,
                &format!("{CM}/cases"),
                Some(&h.admin),
                Some(
                    json!({"caseplanId": plan.caseplan, "summary": "Bad intake", "intake": intake}),
                ),
            )
            .await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.body);
        assert_eq!(reply.field(), field, "{}", reply.body);
    }
    let short = h.call(Method::POST, &format!("{CM}/cases"), Some(&h.admin), Some(json!({"caseplanId": plan.caseplan, "summary": "no", "intake": [{"data": {"order_id_identifier": "X"}}]}))).await;
    assert_eq!(short.field(), "summary");
    let count = ok(
        &h,
        Method::POST,
        &format!("{TM}/workitems/query"),
        Some(json!({"select": "Count", "filters": []})),
    )
    .await;
    assert_eq!(count["count"], 0, "no workitem from a refused case");
    let first = open_case(&h, &plan, "OK-1").await;
    assert_eq!(
        first["reference"], "REF-000001",
        "refusals took no reference number"
    );
}

#[tokio::test]
async fn publishing_refuses_incomplete_drafts_and_versions_keep_running_cases() {
    let h = Harness::new().await;
    let plan = refund_plan(&h).await;
    let draft = ok(
        &h,
        Method::POST,
        &format!("{CM}/caseplans"),
        Some(json!({"name": "Empty plan", "referencePrefix": "EMP"})),
    )
    .await;
    let refused = h
        .call(
            Method::POST,
            &format!("{CM}/caseplans/{}/publish", draft["id"].as_str().unwrap()),
            Some(&h.admin),
            None,
        )
        .await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert_eq!(refused.field(), "dataSchemas");

    let v1_case = open_case(&h, &plan, "V-1").await;
    let edit_published = h
        .call(
            Method::POST,
            &format!("{CM}/caseplans/{}/stageplans", plan.caseplan),
            Some(&h.admin),
            Some(json!({"name": "Extra"})),
        )
        .await;
    assert_eq!(
        edit_published.status,
        StatusCode::BAD_REQUEST,
        "a published version is frozen"
    );
    let v2 = ok(
        &h,
        Method::POST,
        &format!("{CM}/caseplans/{}/versions", plan.caseplan),
        None,
    )
    .await;
    assert_eq!(
        (v2["latest"].clone(), v2["versionState"].clone()),
        (json!(2), json!("Draft"))
    );
    let prefix = h
        .call(
            Method::PATCH,
            &format!("{CM}/caseplans/{}", plan.caseplan),
            Some(&h.admin),
            Some(json!({"referencePrefix": "NEW"})),
        )
        .await;
    assert_eq!(prefix.field(), "referencePrefix", "fixed once published");
    let stages = ok(
        &h,
        Method::GET,
        &format!("{CM}/caseplans/{}/versions/2/stageplans", plan.caseplan),
        None,
    )
    .await;
    let last = stages["entities"][2]["id"].as_str().unwrap().to_owned();
    ok(
        &h,
        Method::DELETE,
        &format!("{CM}/caseplans/{}/stageplans/{last}", plan.caseplan),
        None,
    )
    .await;
    ok(
        &h,
        Method::POST,
        &format!("{CM}/caseplans/{}/publish", plan.caseplan),
        None,
    )
    .await;

    let v2_case = open_case(&h, &plan, "V-2").await;
    assert_eq!(v2_case["caseplan"]["version"], 2);
    let v2_stages = ok(
        &h,
        Method::GET,
        &format!("{CM}/cases/{}/stages", v2_case["id"].as_str().unwrap()),
        None,
    )
    .await;
    assert_eq!(v2_stages["entities"].as_array().unwrap().len(), 2);
    // The v1 case still has its three stages and keeps running on v1.
    let id = v1_case["id"].as_str().unwrap();
    for stage in 0..3 {
        let w = stage_workitem(&h, id, stage).await;
        close(&h, &plan, &w, stage, None).await;
    }
    let done = ok(&h, Method::GET, &format!("{CM}/cases/{id}"), None).await;
    assert_eq!(
        (done["status"].clone(), done["caseplan"]["version"].clone()),
        (json!("Closed"), json!(1))
    );
}

#[tokio::test]
async fn comments_associations_contacts_and_termination() {
    let h = Harness::new().await;
    let plan = refund_plan(&h).await;
    let customer = ok(
        &h,
        Method::POST,
        "/api/v2/externalcontacts/contacts",
        Some(json!({"firstName": "Dana", "lastName": "Customer"})),
    )
    .await;
    let contact = customer["id"].as_str().unwrap().to_owned();
    let ghost = h
        .call(Method::POST, &format!("{CM}/cases"), Some(&h.admin), Some(json!({
            "caseplanId": plan.caseplan, "summary": "For nobody", "externalContactId": "11111111-2222-4333-8444-555555555555",
            "intake": [{"data": {"order_id_identifier": "T-0"}}]
        })))
        .await;
    assert_eq!(ghost.field(), "externalContactId");
    let case = ok(
        &h,
        Method::POST,
        &format!("{CM}/cases"),
        Some(json!({
            "caseplanId": plan.caseplan, "summary": "Refund by phone", "externalContactId": contact,
            "conversationId": "conv-1", "intake": [{"data": {"order_id_identifier": "T-1"}}]
        })),
    )
    .await;
    let id = case["id"].as_str().unwrap().to_owned();
    let comment = ok(
        &h,
        Method::POST,
        &format!("{CM}/cases/{id}/comments"),
        Some(json!({"content": "Customer called twice ✔"})),
    )
    .await;
    let listed = ok(&h, Method::GET, &format!("{CM}/cases/{id}/comments"), None).await;
    assert_eq!(listed["entities"][0]["content"], "Customer called twice ✔");
    let empty = h
        .call(
            Method::POST,
            &format!("{CM}/cases/{id}/comments"),
            Some(&h.admin),
            Some(json!({"content": ""})),
        )
        .await;
    assert_eq!(empty.field(), "content");
    ok(
        &h,
        Method::DELETE,
        &format!(
            "{CM}/cases/{id}/comments/{}",
            comment["id"].as_str().unwrap()
        ),
        None,
    )
    .await;

    let followup = ok(
        &h,
        Method::POST,
        &format!("{CM}/cases/{id}/associations"),
        Some(json!({"conversationId": "conv-2"})),
    )
    .await;
    assert_eq!(followup["associationType"], "Enquiry");
    let all = ok(
        &h,
        Method::GET,
        &format!("{CM}/cases/{id}/associations"),
        None,
    )
    .await;
    let types: Vec<_> = all["entities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["associationType"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(types, vec!["Initiation", "Activity", "Enquiry"]);

    let mine = ok(
        &h,
        Method::GET,
        &format!("{CM}/cases/externalcontacts/{contact}"),
        None,
    )
    .await;
    assert_eq!(mine["entities"][0]["id"], id.as_str());

    let job = h
        .call(
            Method::POST,
            &format!("{CM}/cases/{id}/terminate/jobs"),
            Some(&h.admin),
            None,
        )
        .await;
    assert_eq!(job.status, StatusCode::ACCEPTED, "{}", job.body);
    let path = format!(
        "{CM}/cases/{id}/terminate/jobs/{}",
        job.body["id"].as_str().unwrap()
    );
    let job = h
        .poll_until(&path, |j| {
            matches!(j["status"].as_str(), Some("Succeeded" | "Failed"))
        })
        .await;
    assert_eq!(job["status"], "Succeeded");
    let terminated = ok(&h, Method::GET, &format!("{CM}/cases/{id}"), None).await;
    assert_eq!(terminated["status"], "Terminated");
    let w = stage_workitem(&h, &id, 0).await;
    assert_eq!(w["assignmentState"], "Terminated");
}

#[tokio::test]
async fn agents_of_other_divisions_cannot_see_cases() {
    let h = Harness::new().await;
    let plan = refund_plan(&h).await;
    let case = open_case(&h, &plan, "D-1").await;
    let b = h.create_division("Elsewhere").await;
    h.create_user("far@example.com", Some(&b), "agent").await;
    let token = h.user_token("far@example.com").await;
    let path = format!("{CM}/cases/{}", case["id"].as_str().unwrap());
    assert_eq!(
        h.call(Method::GET, &path, Some(&token), None).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        h.call(
            Method::GET,
            &format!("{CM}/cases/references/REF-000001"),
            Some(&token),
            None
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
    h.create_user("near@example.com", None, "agent").await;
    let near = h.user_token("near@example.com").await;
    assert_eq!(
        h.call(Method::GET, &path, Some(&near), None).await.status,
        StatusCode::OK
    );
}

async fn wait_job(h: &Harness, path: &str) -> Value {
    h.poll_until(path, |j| {
        matches!(j["state"].as_str(), Some("Succeeded" | "Failed"))
    })
    .await
}

#[tokio::test]
async fn case_query_jobs_filter_sort_and_page() {
    let h = Harness::new().await;
    let plan = refund_plan(&h).await;
    for (i, priority) in ["Low", "Urgent", "Medium", "High"].iter().enumerate() {
        ok(&h, Method::POST, &format!("{CM}/cases"), Some(json!({
            "caseplanId": plan.caseplan, "summary": format!("Query case {i}"), "priority": priority,
            "intake": [{"data": {"order_id_identifier": format!("Q-{i}")}}]
        }))).await;
    }
    let body = json!({"pageSize": 2, "pageNumber": 1, "sort": {"name": "priority", "ascending": false},
        "filters": [{"name": "caseplanId", "operator": "EQ", "values": [plan.caseplan]}, {"name": "status", "operator": "IN", "values": ["InProgress"]}]});
    let job = h
        .call(
            Method::POST,
            &format!("{CM}/cases/query/jobs"),
            Some(&h.admin),
            Some(body),
        )
        .await;
    assert_eq!(job.status, StatusCode::ACCEPTED, "{}", job.body);
    let path = format!("{CM}/cases/query/jobs/{}", job.body["id"].as_str().unwrap());
    assert_eq!(wait_job(&h, &path).await["state"], "Succeeded");
    let results = ok(&h, Method::GET, &format!("{path}/results"), None).await;
    assert_eq!(results["total"], 4);
    assert_eq!(results["pageCount"], 2);
    let priorities: Vec<_> = results["entities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["priority"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(priorities, vec!["Urgent", "High"]);
    let by_ref =
        json!({"filters": [{"name": "reference", "operator": "EQ", "values": ["ref-000003"]}]});
    let job = ok(
        &h,
        Method::POST,
        &format!("{CM}/cases/query/jobs"),
        Some(by_ref),
    )
    .await;
    let path = format!("{CM}/cases/query/jobs/{}", job["id"].as_str().unwrap());
    wait_job(&h, &path).await;
    assert_eq!(
        ok(&h, Method::GET, &format!("{path}/results"), None).await["entities"][0]["summary"],
        "Query case 2"
    );
    let bad = h
        .call(
            Method::POST,
            &format!("{CM}/cases/query/jobs"),
            Some(&h.admin),
            Some(json!({"filters": [{"name": "mood", "operator": "EQ", "values": ["x"]}]})),
        )
        .await;
    assert_eq!(bad.field(), "filters[0].name");
}

#[tokio::test]
async fn a_follow_up_interaction_finds_its_case() {
    let h = Harness::new().await;
    let plan = refund_plan(&h).await;
    let case = ok(
        &h,
        Method::POST,
        &format!("{CM}/cases"),
        Some(json!({
            "caseplanId": plan.caseplan, "summary": "Started on a call", "conversationId": "call-1",
            "intake": [{"data": {"order_id_identifier": "F-1"}}]
        })),
    )
    .await;
    let found = ok(
        &h,
        Method::POST,
        &format!("{CM}/cases/associations/query"),
        Some(json!({"conversationId": "call-1"})),
    )
    .await;
    assert_eq!(found["entities"][0]["case"]["id"], case["id"]);
    assert_eq!(found["entities"][0]["associationType"], "Initiation");
    let w = stage_workitem(&h, case["id"].as_str().unwrap(), 0).await;
    let by_workitem = ok(
        &h,
        Method::POST,
        &format!("{CM}/cases/associations/query"),
        Some(json!({"workitemId": w["id"]})),
    )
    .await;
    assert_eq!(by_workitem["entities"][0]["associationType"], "Activity");
    let dup = h
        .call(
            Method::POST,
            &format!("{CM}/cases/{}/associations", case["id"].as_str().unwrap()),
            Some(&h.admin),
            Some(json!({"conversationId": "call-1"})),
        )
        .await;
    assert_eq!(dup.status, StatusCode::CONFLICT);
}

#[tokio::test]
async fn a_stage_closes_on_the_stored_case_not_this_nodes_stale_copy() {
    // The engine starts from the copy of the case this node last wrote; another node's change
    // to the case (here: straight through the store) must make that copy lose, not the change.
    let h = Harness::new().await;
    let plan = refund_plan(&h).await;
    let case = open_case(&h, &plan, "S-1").await;
    let id = case["id"].as_str().unwrap().to_owned();
    let w1 = stage_workitem(&h, &id, 0).await;

    let stored = h.app.store.get_case(&id).await.unwrap();
    let mut elsewhere = stored.clone();
    elsewhere.summary = "Changed on another node".into();
    elsewhere.version += 1;
    h.app
        .store
        .commit_unit(&casefile_store::UnitOfWork {
            case_updates: vec![(elsewhere.clone(), stored.version)],
            ..Default::default()
        })
        .await
        .unwrap();

    close(&h, &plan, &w1, 0, None).await;
    let after = h.app.store.get_case(&id).await.unwrap();
    assert_eq!(after.summary, "Changed on another node");
    assert_eq!(after.version, elsewhere.version + 1);
    assert!(after.is_consistent());
    let w2 = stage_workitem(&h, &id, 1).await;
    assert_eq!(w2["statusCategory"], "Open");
}
