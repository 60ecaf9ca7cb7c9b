use axum::http::{Method, StatusCode};
use serde_json::json;

use crate::harness::Harness;

#[tokio::test]
async fn create_read_update_delete_a_user() {
    let h = Harness::new().await;
    let created = h
        .call(Method::POST, "/api/v2/users", Some(&h.admin), Some(json!({
            "name": "Zoë Ünicode", "email": "Zoe@Example.com", "password": "long enough pw",
            "title": "Agent", "addresses": [{"address": "+1 555 0100", "mediaType": "PHONE", "type": "WORK"}]
        })))
        .await;
    assert_eq!(created.status, StatusCode::OK, "{}", created.body);
    let user = created.body;
    assert_eq!(user["email"], "zoe@example.com");
    assert_eq!(user["username"], "zoe@example.com");
    assert_eq!(user["state"], "active");
    assert_eq!(user["version"], 1);
    assert_eq!(user["division"]["name"], "Home");
    assert!(user.get("password").is_none());
    let id = user["id"].as_str().unwrap();

    let got = h
        .call(
            Method::GET,
            &format!("/api/v2/users/{id}?expand=authorization"),
            Some(&h.admin),
            None,
        )
        .await;
    assert_eq!(got.body["name"], "Zoë Ünicode");
    assert_eq!(got.body["authorization"]["roles"][0]["id"], "agent");

    let patched = h
        .call(
            Method::PATCH,
            &format!("/api/v2/users/{id}"),
            Some(&h.admin),
            Some(json!({"version": 1, "title": "Lead", "department": null})),
        )
        .await;
    assert_eq!(patched.status, StatusCode::OK, "{}", patched.body);
    assert_eq!(patched.body["title"], "Lead");
    assert_eq!(patched.body["version"], 2);

    let stale = h
        .call(
            Method::PATCH,
            &format!("/api/v2/users/{id}"),
            Some(&h.admin),
            Some(json!({"version": 1, "title": "X"})),
        )
        .await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    assert_eq!(stale.body["code"], "version.mismatch");

    let deleted = h
        .call(
            Method::DELETE,
            &format!("/api/v2/users/{id}"),
            Some(&h.admin),
            None,
        )
        .await;
    assert_eq!(deleted.status, StatusCode::OK);
    let after = h
        .call(
            Method::GET,
            &format!("/api/v2/users/{id}"),
            Some(&h.admin),
            None,
        )
        .await;
    assert_eq!(after.body["state"], "deleted");
    let active = h
        .call(Method::GET, "/api/v2/users", Some(&h.admin), None)
        .await;
    assert!(
        active.body["entities"]
            .as_array()
            .unwrap()
            .iter()
            .all(|u| u["id"] != id)
    );

    let events = h.app.store.events("user", id).await.unwrap();
    let kinds: Vec<_> = events.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(kinds, vec!["user.created", "user.updated", "user.deleted"]);
    assert_eq!(events.first().unwrap().kind, "user.created");
    assert_eq!(events.last().unwrap().kind, "user.deleted");
    assert_eq!(
        events.last().unwrap().before.as_ref().unwrap()["state"],
        "active"
    );
    assert!(
        events.windows(2).all(|w| w[1].version == w[0].version + 1),
        "versions are gap-free"
    );
}

#[tokio::test]
async fn duplicate_email_is_a_400_on_email() {
    let h = Harness::new().await;
    h.create_user("dup@example.com", None, "agent").await;
    let again = h
        .call(
            Method::POST,
            "/api/v2/users",
            Some(&h.admin),
            Some(json!({"name": "Dup", "email": "DUP@example.com"})),
        )
        .await;
    assert_eq!(again.status, StatusCode::BAD_REQUEST);
    assert_eq!(again.field(), "email");
}

#[tokio::test]
async fn paging_reports_totals_and_links() {
    let h = Harness::new().await;
    for i in 0..7 {
        h.call(
            Method::POST,
            "/api/v2/users",
            Some(&h.admin),
            Some(json!({"name": format!("U{i}"), "email": format!("u{i}@example.com")})),
        )
        .await;
    }
    let page = h
        .call(
            Method::GET,
            "/api/v2/users?pageSize=3&pageNumber=2",
            Some(&h.admin),
            None,
        )
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.body["total"], 7);
    assert_eq!(page.body["pageCount"], 3);
    assert_eq!(page.body["entities"].as_array().unwrap().len(), 3);
    assert_eq!(
        page.body["nextUri"],
        "/api/v2/users?pageSize=3&pageNumber=3"
    );
    let bad = h
        .call(
            Method::GET,
            "/api/v2/users?pageSize=0",
            Some(&h.admin),
            None,
        )
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert_eq!(bad.field(), "pageSize");
    let by_id = h
        .call(
            Method::GET,
            &format!(
                "/api/v2/users?id={}",
                page.body["entities"][0]["id"].as_str().unwrap()
            ),
            Some(&h.admin),
            None,
        )
        .await;
    assert_eq!(by_id.body["total"], 1);
}

#[tokio::test]
async fn agent_of_a_cannot_see_users_of_b() {
    let h = Harness::new().await;
    let b = h.create_division("Division B").await;
    let in_b = h.create_user("bee@example.com", Some(&b), "agent").await;
    let home_agent = h.create_user("aye@example.com", None, "agent").await;
    let token = h.user_token("aye@example.com").await;

    let hidden = h
        .call(
            Method::GET,
            &format!("/api/v2/users/{}", in_b["id"].as_str().unwrap()),
            Some(&token),
            None,
        )
        .await;
    assert_eq!(hidden.status, StatusCode::NOT_FOUND);
    let nonexistent = h
        .call(
            Method::GET,
            "/api/v2/users/00000000-0000-0000-0000-000000000000",
            Some(&token),
            None,
        )
        .await;
    assert_eq!(hidden.body["code"], nonexistent.body["code"]);
    assert_eq!(
        hidden.body["message"], nonexistent.body["message"],
        "a hidden user looks like a missing one"
    );

    let list = h
        .call(
            Method::GET,
            "/api/v2/users?pageSize=100",
            Some(&token),
            None,
        )
        .await;
    let ids: Vec<_> = list.body["entities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["id"].clone())
        .collect();
    assert!(!ids.contains(&in_b["id"]));
    assert!(ids.contains(&home_agent["id"]));
    let by_id = h
        .call(
            Method::GET,
            &format!("/api/v2/users?id={}", in_b["id"].as_str().unwrap()),
            Some(&token),
            None,
        )
        .await;
    assert_eq!(by_id.body["total"], 0);

    let patch = h
        .call(
            Method::PATCH,
            &format!("/api/v2/users/{}", in_b["id"].as_str().unwrap()),
            Some(&token),
            Some(json!({"version": 2, "title": "x"})),
        )
        .await;
    // An agent holds directory:user:edit nowhere: refused before the user is even looked up,
    // so the answer says nothing of whether the user exists.
    assert_eq!(patch.status, StatusCode::FORBIDDEN);
    let divisions = h
        .call(
            Method::GET,
            "/api/v2/authorization/divisions",
            Some(&token),
            None,
        )
        .await;
    assert!(
        divisions.body["entities"]
            .as_array()
            .unwrap()
            .iter()
            .all(|d| d["id"] != b.as_str())
    );
    assert_eq!(
        h.call(
            Method::GET,
            &format!("/api/v2/authorization/divisions/{b}"),
            Some(&token),
            None
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn agents_cannot_edit_others_and_supervisors_can() {
    let h = Harness::new().await;
    let target = h.create_user("target@example.com", None, "agent").await;
    h.create_user("agent@example.com", None, "agent").await;
    h.create_user("boss@example.com", None, "supervisor").await;
    let path = format!("/api/v2/users/{}", target["id"].as_str().unwrap());
    let agent = h.user_token("agent@example.com").await;
    let refused = h
        .call(
            Method::PATCH,
            &path,
            Some(&agent),
            Some(json!({"version": target["version"], "title": "x"})),
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(refused.body["code"], "missing.permissions");
    let boss = h.user_token("boss@example.com").await;
    let done = h
        .call(
            Method::PATCH,
            &path,
            Some(&boss),
            Some(json!({"version": target["version"], "title": "Senior"})),
        )
        .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    let roles = h
        .call(
            Method::PUT,
            &format!("{path}/roles"),
            Some(&boss),
            Some(json!(["admin"])),
        )
        .await;
    assert_eq!(
        roles.status,
        StatusCode::FORBIDDEN,
        "supervisors cannot grant roles"
    );
}

#[tokio::test]
async fn grants_per_division_widen_what_a_user_sees() {
    let h = Harness::new().await;
    let b = h.create_division("B").await;
    let in_b = h.create_user("inb@example.com", Some(&b), "agent").await;
    let agent = h.create_user("grow@example.com", None, "agent").await;
    let token = h.user_token("grow@example.com").await;
    let path = format!("/api/v2/users/{}", in_b["id"].as_str().unwrap());
    assert_eq!(
        h.call(Method::GET, &path, Some(&token), None).await.status,
        StatusCode::NOT_FOUND
    );
    let grant = format!(
        "/api/v2/authorization/subjects/{}/divisions/{b}/roles/agent",
        agent["id"].as_str().unwrap()
    );
    assert_eq!(
        h.call(Method::POST, &grant, Some(&h.admin), None)
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        h.call(Method::GET, &path, Some(&token), None).await.status,
        StatusCode::OK,
        "grant applies at once"
    );
    let subject = h
        .call(
            Method::GET,
            &format!(
                "/api/v2/authorization/subjects/{}",
                agent["id"].as_str().unwrap()
            ),
            Some(&h.admin),
            None,
        )
        .await;
    assert_eq!(subject.body["grants"].as_array().unwrap().len(), 2);
    assert_eq!(
        h.call(Method::DELETE, &grant, Some(&h.admin), None)
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        h.call(Method::GET, &path, Some(&token), None).await.status,
        StatusCode::NOT_FOUND
    );
    let bad_role = format!(
        "/api/v2/authorization/subjects/{}/divisions/{b}/roles/root",
        agent["id"].as_str().unwrap()
    );
    let refused = h.call(Method::POST, &bad_role, Some(&h.admin), None).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert_eq!(refused.field(), "roleId");
}

#[tokio::test]
async fn primary_email_cannot_change_and_state_goes_alone() {
    let h = Harness::new().await;
    let user = h.create_user("fixed@example.com", None, "agent").await;
    let path = format!("/api/v2/users/{}", user["id"].as_str().unwrap());
    let email = h
        .call(
            Method::PATCH,
            &path,
            Some(&h.admin),
            Some(json!({"version": user["version"], "email": "new@example.com"})),
        )
        .await;
    assert_eq!(email.status, StatusCode::BAD_REQUEST);
    assert_eq!(email.field(), "email");
    let mixed = h
        .call(
            Method::PATCH,
            &path,
            Some(&h.admin),
            Some(json!({"version": user["version"], "state": "inactive", "title": "x"})),
        )
        .await;
    assert_eq!(mixed.status, StatusCode::BAD_REQUEST);
    assert_eq!(mixed.field(), "state");
    let no_version = h
        .call(
            Method::PATCH,
            &path,
            Some(&h.admin),
            Some(json!({"title": "x"})),
        )
        .await;
    assert_eq!(no_version.field(), "version");
}
