//! Task management end to end through the router: custom attribute schemas, their validation
//! of `customFields` and their versions.

use axum::http::{Method, StatusCode};
use serde_json::json;

use crate::harness::Harness;
use crate::task_fixtures::{TM, create_workitem, refund_schema, setup};

#[tokio::test]
async fn custom_fields_are_validated_against_the_schema() {
    let h = Harness::new().await;
    let s = setup(&h, None).await;
    for (fields, field) in [
        (json!({}), "customFields.order_id_identifier"),
        (
            json!({"order_id_identifier": "A", "amount_number": -1}),
            "customFields.amount_number",
        ),
        (
            json!({"order_id_identifier": "A", "reason_enum": "bored"}),
            "customFields.reason_enum",
        ),
        (
            json!({"order_id_identifier": "A", "approved_checkbox": "yes"}),
            "customFields.approved_checkbox",
        ),
        (
            json!({"order_id_identifier": "A", "unknown_text": "x"}),
            "customFields.unknown_text",
        ),
        (
            json!({"order_id_identifier": "x".repeat(21)}),
            "customFields.order_id_identifier",
        ),
    ] {
        let reply = h
            .call(
                Method::POST,
                &format!("{TM}/workitems"),
                Some(&h.admin),
                Some(json!({"name": "Bad fields", "typeId": s.worktype, "customFields": fields})),
            )
            .await;
        assert_eq!(
            reply.status,
            StatusCode::BAD_REQUEST,
            "{fields} → {}",
            reply.body
        );
        assert_eq!(reply.field(), field, "{fields} → {}", reply.body);
    }
    let w = create_workitem(
        &h,
        &s,
        "Good fields",
        json!({"order_id_identifier": "A-2", "reason_enum": "damaged"}),
    )
    .await;
    let path = format!("{TM}/workitems/{}", w["id"].as_str().unwrap());
    let patched = h
        .call(
            Method::PATCH,
            &path,
            Some(&h.admin),
            Some(json!({"customFields": {"amount_number": 99, "reason_enum": null}})),
        )
        .await;
    assert_eq!(patched.status, StatusCode::OK, "{}", patched.body);
    assert_eq!(
        patched.body["customFields"],
        json!({"order_id_identifier": "A-2", "amount_number": 99})
    );
    let cleared = h
        .call(
            Method::PATCH,
            &path,
            Some(&h.admin),
            Some(json!({"customFields": {}})),
        )
        .await;
    assert_eq!(cleared.body["customFields"], json!({}));
}

#[tokio::test]
async fn schema_updates_make_versions_and_worktypes_keep_theirs() {
    let h = Harness::new().await;
    let s = setup(&h, None).await;
    let mut schema = refund_schema();
    schema["properties"]["note_text"] =
        json!({"allOf": [{"$ref": "#/definitions/text"}], "title": "Note", "maxLength": 50});
    let v2 = h
        .call(
            Method::PUT,
            &format!("{TM}/workitems/schemas/{}", s.schema),
            Some(&h.admin),
            Some(json!({"name": "Refund v2", "version": 1, "jsonSchema": schema})),
        )
        .await;
    assert_eq!(v2.status, StatusCode::OK, "{}", v2.body);
    assert_eq!(v2.body["version"], 2);
    let stale = h
        .call(
            Method::PUT,
            &format!("{TM}/workitems/schemas/{}", s.schema),
            Some(&h.admin),
            Some(json!({"version": 1, "jsonSchema": schema})),
        )
        .await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    let v1 = h
        .call(
            Method::GET,
            &format!("{TM}/workitems/schemas/{}/versions/1", s.schema),
            Some(&h.admin),
            None,
        )
        .await;
    assert!(
        v1.body["jsonSchema"]["properties"]
            .get("note_text")
            .is_none()
    );
    // The worktype pinned version 1: note_text is unknown there.
    let refused = h
        .call(Method::POST, &format!("{TM}/workitems"), Some(&h.admin), Some(json!({"name": "Pinned", "typeId": s.worktype, "customFields": {"order_id_identifier": "P", "note_text": "hi"}})))
        .await;
    assert_eq!(refused.field(), "customFields.note_text");
    let repin = h
        .call(
            Method::PATCH,
            &format!("{TM}/worktypes/{}", s.worktype),
            Some(&h.admin),
            Some(json!({"schemaVersion": 2})),
        )
        .await;
    assert_eq!(repin.status, StatusCode::OK, "{}", repin.body);
    create_workitem(
        &h,
        &s,
        "Pinned v2",
        json!({"order_id_identifier": "P", "note_text": "hi"}),
    )
    .await;
}
