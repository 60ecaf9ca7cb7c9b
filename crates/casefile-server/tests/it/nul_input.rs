//! U+0000 in any text a client sends is a 400 naming the field, on both backends: PostgreSQL
//! can store it neither in text nor in JSON (it answered 503 as if it were down), and SQLite
//! stored it. Names, descriptions, custom fields, search terms, query parameters, path ids,
//! the token form and HTTP Basic credentials.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use crate::cases::refund_plan;
use crate::harness::{ADMIN_ID, ADMIN_SECRET, Harness};

const TM: &str = "/api/v2/taskmanagement";
const CM: &str = "/api/v2/casemanagement";

fn refused(reply: &crate::harness::Reply, field: &str, what: &str) {
    assert_eq!(
        reply.status,
        StatusCode::BAD_REQUEST,
        "{what}: {}",
        reply.body
    );
    assert_eq!(reply.field(), field, "{what}: {}", reply.body);
}

#[tokio::test]
async fn a_nul_character_is_a_400_naming_the_field_everywhere() {
    let h = Harness::new().await;
    let plan = refund_plan(&h).await;
    let case = h
        .call(
            Method::POST,
            &format!("{CM}/cases"),
            Some(&h.admin),
            Some(json!({
                "caseplanId": plan.caseplan, "summary": "Refund",
                "intake": [{"data": {"order_id_identifier": "O-1"}}]
            })),
        )
        .await;
    assert_eq!(case.status, StatusCode::OK, "{}", case.body);
    let case_id = case.body["id"].as_str().unwrap().to_owned();
    let workitem = h.app.store.get_case(&case_id).await.unwrap().stages[0]
        .step
        .workitem_id
        .clone()
        .unwrap();

    let bodies: [(Method, String, Value, &str); 9] = [
        (
            Method::POST,
            format!("{TM}/workbins"),
            json!({"name": "bin\u{0}"}),
            "name",
        ),
        (
            Method::POST,
            "/api/v2/authorization/divisions".into(),
            json!({"name": "d\u{0}"}),
            "name",
        ),
        (
            Method::PATCH,
            format!("{TM}/workitems/{workitem}"),
            json!({"description": "x\u{0}y"}),
            "description",
        ),
        (
            Method::PATCH,
            format!("{TM}/workitems/{workitem}"),
            json!({"customFields": {"order_id_identifier": "\u{0}"}}),
            "customFields.order_id_identifier",
        ),
        (
            Method::POST,
            format!("{CM}/cases"),
            json!({"caseplanId": plan.caseplan, "summary": "a\u{0}",
                   "intake": [{"data": {"order_id_identifier": "O-2"}}]}),
            "summary",
        ),
        (
            Method::POST,
            format!("{CM}/cases"),
            json!({"caseplanId": plan.caseplan,
                   "intake": [{"data": {"order_id_identifier": "O\u{0}"}}]}),
            "intake[0].data.order_id_identifier",
        ),
        (
            Method::POST,
            "/api/v2/externalcontacts/contacts".into(),
            json!({"firstName": "Ann\u{0}", "lastName": "Lee"}),
            "firstName",
        ),
        (
            Method::POST,
            format!("{TM}/workitems/query"),
            json!({"filters": [{"name": "name", "type": "String", "operator": "EQ", "values": ["\u{0}"]}]}),
            "filters[0].values[0]",
        ),
        (
            Method::POST,
            format!("{CM}/cases/{case_id}/comments"),
            json!({"content": "\u{0}"}),
            "content",
        ),
    ];
    for (method, path, body, field) in bodies {
        let r = h
            .call(method.clone(), &path, Some(&h.admin), Some(body))
            .await;
        refused(&r, field, &format!("{method} {path}"));
    }

    let gets = [
        (format!("{TM}/workitems/{workitem}%00"), "workitemId"),
        (format!("{CM}/cases/{case_id}%00"), "caseId"),
        ("/api/v2/externalcontacts/contacts?q=a%00".to_owned(), "q"),
        ("/api/v2/users?expand=%00".to_owned(), "expand"),
    ];
    for (path, field) in gets {
        let r = h.call(Method::GET, &path, Some(&h.admin), None).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "GET {path}: {}", r.body);
        assert_eq!(r.field(), field, "GET {path}: {}", r.body);
    }

    let form = h
        .token_reply(
            (ADMIN_ID, ADMIN_SECRET),
            "grant_type=password&username=a%00b&password=x",
        )
        .await;
    refused(&form, "username", "token form");
    let in_form = h
        .send(
            axum::http::Request::builder()
                .method(Method::POST)
                .uri("/oauth/token")
                .header("content-type", "application/x-www-form-urlencoded")
                .body(axum::body::Body::from(
                    "grant_type=client_credentials&client_id=%00&client_secret=x",
                ))
                .unwrap(),
        )
        .await;
    refused(&in_form, "client_id", "client_id in the form");
    let basic = h
        .token_reply(("id\u{0}", "secret"), "grant_type=client_credentials")
        .await;
    refused(&basic, "client_id", "client id in HTTP Basic");

    // Nothing was stored, and the database is fine.
    let r = h
        .call(
            Method::GET,
            &format!("{TM}/workitems/{workitem}"),
            Some(&h.admin),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_ne!(r.body["description"], "x\u{0}y");
}
