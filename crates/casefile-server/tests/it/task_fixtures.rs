//! Shared fixtures of the task management tests: a workbin, a schema and a worktype made
//! through the API, workitems of that worktype, and waiting for a job to end. Used by the
//! task management test modules (and `contacts`); it uses none of them.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use crate::harness::Harness;

pub const TM: &str = "/api/v2/taskmanagement";

pub struct Setup {
    pub workbin: String,
    pub worktype: String,
    pub schema: String,
    pub statuses: Value,
}

pub fn refund_schema() -> Value {
    json!({
        "type": "object",
        "properties": {
            "order_id_identifier": {"allOf": [{"$ref": "#/definitions/identifier"}], "title": "Order", "minLength": 1, "maxLength": 20},
            "amount_number": {"allOf": [{"$ref": "#/definitions/number"}], "title": "Amount", "minimum": 0, "maximum": 10000},
            "reason_enum": {"allOf": [{"$ref": "#/definitions/enum"}], "title": "Reason", "enum": ["damaged", "late", "other"],
                "_enumProperties": {"damaged": {"title": "Damaged", "_disabled": false}, "late": {"title": "Late", "_disabled": false}, "other": {"title": "Other", "_disabled": false}}},
            "approved_checkbox": {"allOf": [{"$ref": "#/definitions/checkbox"}], "title": "Approved"}
        },
        "required": ["order_id_identifier"]
    })
}

pub async fn setup(h: &Harness, division: Option<&str>) -> Setup {
    let mut wb = json!({"name": "Refunds inbox"});
    if let Some(d) = division {
        wb["divisionId"] = d.into();
        wb["name"] = format!("Refunds {d}").into();
    }
    let workbin = h
        .call(
            Method::POST,
            &format!("{TM}/workbins"),
            Some(&h.admin),
            Some(wb),
        )
        .await;
    assert_eq!(workbin.status, StatusCode::OK, "{}", workbin.body);
    let schema_name = format!("Refund {}", &workbin.body["id"].as_str().unwrap()[28..]);
    let schema = h
        .call(
            Method::POST,
            &format!("{TM}/workitems/schemas"),
            Some(&h.admin),
            Some(json!({"name": schema_name, "jsonSchema": refund_schema()})),
        )
        .await;
    assert_eq!(schema.status, StatusCode::OK, "{}", schema.body);
    let worktype = h
        .call(
            Method::POST,
            &format!("{TM}/worktypes"),
            Some(&h.admin),
            Some(json!({
                "name": format!("Refund request {}", &workbin.body["id"].as_str().unwrap()[28..]),
                "defaultWorkbinId": workbin.body["id"],
                "schemaId": schema.body["id"],
                "defaultPriority": 10,
                "defaultDueDurationSeconds": 86400,
            })),
        )
        .await;
    assert_eq!(worktype.status, StatusCode::OK, "{}", worktype.body);
    Setup {
        workbin: workbin.body["id"].as_str().unwrap().to_owned(),
        worktype: worktype.body["id"].as_str().unwrap().to_owned(),
        schema: schema.body["id"].as_str().unwrap().to_owned(),
        statuses: worktype.body["statuses"].clone(),
    }
}

pub fn status_id(setup: &Setup, category: &str) -> String {
    setup
        .statuses
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["category"] == category)
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

pub async fn create_workitem(h: &Harness, s: &Setup, name: &str, fields: Value) -> Value {
    let reply = h
        .call(
            Method::POST,
            &format!("{TM}/workitems"),
            Some(&h.admin),
            Some(json!({"name": name, "typeId": s.worktype, "customFields": fields})),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    reply.body
}

pub async fn wait_for_job(h: &Harness, path: &str) -> Value {
    h.poll_until(path, |j| {
        matches!(
            j["state"].as_str(),
            Some("Succeeded" | "Failed" | "Terminated")
        )
    })
    .await
}
