//! Customer intents and categories end to end: CRUD, filters, validation, in-use deletes,
//! events and permissions.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use crate::harness::Harness;

const INTENTS: &str = "/api/v2/intents/customerintents";
const CATEGORIES: &str = "/api/v2/intents/categories";

async fn post(h: &Harness, path: &str, body: Value) -> Value {
    let reply = h.call(Method::POST, path, Some(&h.admin), Some(body)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    reply.body
}

fn names(body: &Value) -> Vec<String> {
    body["entities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["name"].as_str().unwrap().to_owned())
        .collect()
}

async fn kinds(h: &Harness, entity: &str, id: &str) -> Vec<String> {
    h.app
        .store
        .events(entity, id)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.kind)
        .collect()
}

#[tokio::test]
async fn categories_and_intents_crud_with_filters_and_events() {
    let h = Harness::new().await;
    let billing = post(
        &h,
        CATEGORIES,
        json!({"name": "Billing", "description": "Money matters"}),
    )
    .await;
    let billing_id = billing["id"].as_str().unwrap().to_owned();
    assert_eq!(billing["name"], "Billing");
    assert_eq!(billing["dateCreated"], "2026-03-02T09:00:00.000Z");
    assert_eq!(billing["selfUri"], format!("{CATEGORIES}/{billing_id}"));
    let support = post(&h, CATEGORIES, json!({"name": "Support"})).await;

    let dup = h
        .call(
            Method::POST,
            CATEGORIES,
            Some(&h.admin),
            Some(json!({"name": "billing"})),
        )
        .await;
    assert_eq!(dup.status, StatusCode::BAD_REQUEST);
    assert_eq!(dup.field(), "name");

    let refund = post(
        &h,
        INTENTS,
        json!({"name": " Refund request ", "description": "Wants money back", "expiryTime": 72, "categoryId": billing_id}),
    )
    .await;
    let refund_id = refund["id"].as_str().unwrap().to_owned();
    assert_eq!(refund["name"], "Refund request");
    assert_eq!(refund["expiryTime"], 72);
    assert_eq!(refund["category"]["id"], billing_id.as_str());
    assert_eq!(
        refund["category"]["selfUri"],
        format!("{CATEGORIES}/{billing_id}")
    );
    assert_eq!(refund["selfUri"], format!("{INTENTS}/{refund_id}"));
    post(
        &h,
        INTENTS,
        json!({"name": "Cancel subscription", "categoryId": billing_id}),
    )
    .await;
    post(
        &h,
        INTENTS,
        json!({"name": "Password reset", "categoryId": support["id"]}),
    )
    .await;
    post(&h, INTENTS, json!({"name": "Other"})).await;

    let all = h.call(Method::GET, INTENTS, Some(&h.admin), None).await;
    assert_eq!(all.body["total"], 4);
    assert_eq!(
        names(&all.body),
        [
            "Cancel subscription",
            "Other",
            "Password reset",
            "Refund request"
        ]
    );
    let in_billing = h
        .call(
            Method::GET,
            &format!("{INTENTS}?categoryId={billing_id}"),
            Some(&h.admin),
            None,
        )
        .await;
    assert_eq!(
        names(&in_billing.body),
        ["Cancel subscription", "Refund request"]
    );
    let queried = h
        .call(
            Method::GET,
            &format!("{INTENTS}?queryValue=REQ"),
            Some(&h.admin),
            None,
        )
        .await;
    assert_eq!(names(&queried.body), ["Refund request"]);
    let paged = h
        .call(
            Method::GET,
            &format!("{INTENTS}?pageSize=3&pageNumber=2"),
            Some(&h.admin),
            None,
        )
        .await;
    assert_eq!(names(&paged.body), ["Refund request"]);
    assert_eq!(paged.body["pageCount"], 2);
    let categories = h
        .call(
            Method::GET,
            &format!("{CATEGORIES}?queryValue=sup"),
            Some(&h.admin),
            None,
        )
        .await;
    assert_eq!(names(&categories.body), ["Support"]);

    let patched = h
        .call(
            Method::PATCH,
            &format!("{INTENTS}/{refund_id}"),
            Some(&h.admin),
            Some(json!({"name": "Refund", "expiryTime": null, "categoryId": support["id"]})),
        )
        .await;
    assert_eq!(patched.status, StatusCode::OK, "{}", patched.body);
    assert_eq!(patched.body["name"], "Refund");
    assert!(patched.body.get("expiryTime").is_none());
    assert_eq!(
        patched.body["description"], "Wants money back",
        "absent fields stay"
    );
    assert_eq!(patched.body["category"]["id"], support["id"]);
    let read = h
        .call(
            Method::GET,
            &format!("{INTENTS}/{refund_id}"),
            Some(&h.admin),
            None,
        )
        .await;
    assert_eq!(read.body, patched.body);

    let category_patch = h
        .call(
            Method::PATCH,
            &format!("{CATEGORIES}/{billing_id}"),
            Some(&h.admin),
            Some(json!({"description": null})),
        )
        .await;
    assert_eq!(category_patch.status, StatusCode::OK);
    assert!(category_patch.body.get("description").is_none());
    assert_eq!(category_patch.body["name"], "Billing");

    // a category in use stays
    let support_id = support["id"].as_str().unwrap();
    let in_use = h
        .call(
            Method::DELETE,
            &format!("{CATEGORIES}/{support_id}"),
            Some(&h.admin),
            None,
        )
        .await;
    assert_eq!(in_use.status, StatusCode::CONFLICT, "{}", in_use.body);
    assert_eq!(
        h.call(
            Method::GET,
            &format!("{CATEGORIES}/{support_id}"),
            Some(&h.admin),
            None
        )
        .await
        .status,
        StatusCode::OK
    );

    let gone = h
        .call(
            Method::DELETE,
            &format!("{INTENTS}/{refund_id}"),
            Some(&h.admin),
            None,
        )
        .await;
    assert_eq!(gone.status, StatusCode::NO_CONTENT);
    assert_eq!(
        h.call(
            Method::GET,
            &format!("{INTENTS}/{refund_id}"),
            Some(&h.admin),
            None
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        kinds(&h, "intent", &refund_id).await,
        ["intent.created", "intent.updated", "intent.deleted"]
    );
    assert_eq!(
        kinds(&h, "intent_category", &billing_id).await,
        ["intent_category.created", "intent_category.updated"]
    );
    let password = names(
        &h.call(
            Method::GET,
            &format!("{INTENTS}?categoryId={support_id}"),
            Some(&h.admin),
            None,
        )
        .await
        .body,
    );
    assert_eq!(password, ["Password reset"]);
}

#[tokio::test]
async fn invalid_intents_and_categories_name_the_field() {
    let h = Harness::new().await;
    for (path, body, field) in [
        (INTENTS, json!({"name": "  "}), "name"),
        (INTENTS, json!({}), "name"),
        (INTENTS, json!({"name": "x".repeat(257)}), "name"),
        (
            INTENTS,
            json!({"name": "Refund", "expiryTime": 0}),
            "expiryTime",
        ),
        (
            INTENTS,
            json!({"name": "Refund", "expiryTime": 8761}),
            "expiryTime",
        ),
        (
            INTENTS,
            json!({"name": "Refund", "expiryTime": "soon"}),
            "expiryTime",
        ),
        (
            INTENTS,
            json!({"name": "Refund", "description": "x".repeat(1025)}),
            "description",
        ),
        (
            INTENTS,
            json!({"name": "Refund", "categoryId": "no-such-category"}),
            "categoryId",
        ),
        (
            INTENTS,
            json!({"name": "Refund", "priority": 1}),
            "priority",
        ),
        (CATEGORIES, json!({"name": ""}), "name"),
        (CATEGORIES, json!({"description": "no name"}), "name"),
        (
            CATEGORIES,
            json!({"name": "Billing", "color": "red"}),
            "color",
        ),
    ] {
        let reply = h
            .call(Method::POST, path, Some(&h.admin), Some(body.clone()))
            .await;
        assert_eq!(
            reply.status,
            StatusCode::BAD_REQUEST,
            "{body} → {}",
            reply.body
        );
        assert_eq!(reply.field(), field, "{body} → {}", reply.body);
    }
    for path in [INTENTS, CATEGORIES] {
        let listing = h.call(Method::GET, path, Some(&h.admin), None).await;
        assert_eq!(listing.body["total"], 0, "nothing was written to {path}");
    }

    let intent = post(&h, INTENTS, json!({"name": "Refund"})).await;
    let id = intent["id"].as_str().unwrap();
    for (body, field) in [
        (json!({"name": null}), "name"),
        (json!({"categoryId": "no-such-category"}), "categoryId"),
        (json!({"expiryTime": -5}), "expiryTime"),
        (json!({"id": "another-intent"}), "id"),
    ] {
        let reply = h
            .call(
                Method::PATCH,
                &format!("{INTENTS}/{id}"),
                Some(&h.admin),
                Some(body.clone()),
            )
            .await;
        assert_eq!(
            reply.status,
            StatusCode::BAD_REQUEST,
            "{body} → {}",
            reply.body
        );
        assert_eq!(reply.field(), field, "{body} → {}", reply.body);
    }
    assert_eq!(kinds(&h, "intent", id).await, ["intent.created"]);
}

#[tokio::test]
async fn agents_read_intents_but_only_administrators_change_them() {
    let h = Harness::new().await;
    let category = post(&h, CATEGORIES, json!({"name": "Billing"})).await;
    let intent = post(&h, INTENTS, json!({"name": "Refund"})).await;
    h.create_user("agent@example.com", None, "agent").await;
    let agent = h.user_token("agent@example.com").await;

    for path in [
        INTENTS.to_owned(),
        CATEGORIES.to_owned(),
        format!("{INTENTS}/{}", intent["id"].as_str().unwrap()),
        format!("{CATEGORIES}/{}", category["id"].as_str().unwrap()),
    ] {
        let reply = h.call(Method::GET, &path, Some(&agent), None).await;
        assert_eq!(reply.status, StatusCode::OK, "GET {path}");
    }
    let intent_path = format!("{INTENTS}/{}", intent["id"].as_str().unwrap());
    let category_path = format!("{CATEGORIES}/{}", category["id"].as_str().unwrap());
    for (method, path, body) in [
        (
            Method::POST,
            INTENTS.to_owned(),
            Some(json!({"name": "Mine"})),
        ),
        (
            Method::POST,
            CATEGORIES.to_owned(),
            Some(json!({"name": "Mine"})),
        ),
        (
            Method::PATCH,
            intent_path.clone(),
            Some(json!({"name": "Mine"})),
        ),
        (
            Method::PATCH,
            category_path.clone(),
            Some(json!({"name": "Mine"})),
        ),
        (Method::DELETE, intent_path.clone(), None),
        (Method::DELETE, category_path.clone(), None),
    ] {
        let reply = h.call(method.clone(), &path, Some(&agent), body).await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "{method} {path}");
        assert_eq!(reply.body["code"], "missing.permissions");
    }
    let listing = h.call(Method::GET, INTENTS, Some(&h.admin), None).await;
    assert_eq!(names(&listing.body), ["Refund"]);
}

#[tokio::test]
async fn intents_are_retrieved_in_bulk() {
    let h = crate::harness::Harness::new().await;
    let mut ids = Vec::new();
    for name in ["Billing question", "Cancel order"] {
        let reply = h
            .call(
                axum::http::Method::POST,
                "/api/v2/intents/customerintents",
                Some(&h.admin),
                Some(serde_json::json!({"name": name})),
            )
            .await;
        assert!(reply.status.is_success(), "{}", reply.body);
        ids.push(reply.body["id"].as_str().unwrap().to_owned());
    }
    ids.push("00000000-0000-4000-8000-000000000000".to_owned());
    let reply = h
        .call(
            axum::http::Method::POST,
            "/api/v2/intents/customerintents/bulk/retrieve",
            Some(&h.admin),
            Some(serde_json::json!({"ids": ids})),
        )
        .await;
    assert_eq!(reply.status, axum::http::StatusCode::OK, "{}", reply.body);
    let names: Vec<_> = reply
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["name"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(names, vec!["Billing question", "Cancel order"]);
}

#[tokio::test]
async fn intents_are_assigned_to_contacts() {
    use axum::http::{Method, StatusCode};
    use serde_json::json;
    let h = crate::harness::Harness::new().await;
    let contact = h
        .call(
            Method::POST,
            "/api/v2/externalcontacts/contacts",
            Some(&h.admin),
            Some(json!({"firstName": "Ada", "lastName": "Buyer"})),
        )
        .await;
    let intent = h
        .call(
            Method::POST,
            "/api/v2/intents/customerintents",
            Some(&h.admin),
            Some(json!({"name": "Refund request"})),
        )
        .await;
    let (c, i) = (
        contact.body["id"].as_str().unwrap().to_owned(),
        intent.body["id"].as_str().unwrap().to_owned(),
    );
    let path =
        format!("/api/v2/intents/assignments/externalcontacts/{c}/customerintents/{i}/assignment");
    let first = h
        .call(
            Method::POST,
            &path,
            Some(&h.admin),
            Some(json!({"sourceType": "Case", "sourceId": "case-1"})),
        )
        .await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.body);
    assert_eq!(first.body["customerIntent"]["name"], "Refund request");
    h.clock.advance(std::time::Duration::from_secs(60));
    h.call(
        Method::POST,
        &path,
        Some(&h.admin),
        Some(json!({"sourceType": "Case", "sourceId": "case-2"})),
    )
    .await;
    let listed = h
        .call(
            Method::GET,
            &format!("/api/v2/intents/assignments/externalcontacts/{c}"),
            Some(&h.admin),
            None,
        )
        .await;
    assert_eq!(
        listed.body["total"], 1,
        "one assignment per contact and intent"
    );
    assert_eq!(
        listed.body["entities"][0]["dateMostRecentlyAssigned"],
        "2026-03-02T09:01:00.000Z"
    );
    let bad = h
        .call(
            Method::POST,
            &path,
            Some(&h.admin),
            Some(json!({"sourceType": "Telepathy"})),
        )
        .await;
    assert_eq!(bad.field(), "sourceType");
    let in_use = h
        .call(
            Method::DELETE,
            &format!("/api/v2/intents/customerintents/{i}"),
            Some(&h.admin),
            None,
        )
        .await;
    assert_eq!(in_use.status, StatusCode::CONFLICT);
}
