//! External contacts end to end: CRUD with SDK-style round trips, prefix search by name,
//! email and phone, notes, validation, division visibility, in-use deletes and events.

use std::time::Duration;

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use crate::harness::{ADMIN_ID, Harness, Reply};

const BASE: &str = "/api/v2/externalcontacts/contacts";

async fn create(h: &Harness, token: &str, body: Value) -> Value {
    let reply = h.call(Method::POST, BASE, Some(token), Some(body)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    reply.body
}

async fn search(h: &Harness, token: &str, query: &str) -> Reply {
    let reply = h
        .call(Method::GET, &format!("{BASE}?{query}"), Some(token), None)
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{query}: {}", reply.body);
    reply
}

fn first_names(reply: &Reply) -> Vec<String> {
    reply.body["entities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["firstName"].as_str().unwrap_or("").to_owned())
        .collect()
}

async fn event_kinds(h: &Harness, entity: &str, id: &str) -> Vec<String> {
    h.app
        .store
        .events(entity, id)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.kind)
        .collect()
}

fn id_of(body: &Value) -> String {
    body["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn contacts_round_trip_through_create_read_replace_and_delete() {
    let h = Harness::new().await;
    let home = h
        .call(
            Method::GET,
            "/api/v2/authorization/divisions/home",
            Some(&h.admin),
            None,
        )
        .await
        .body;
    let created = h
        .call(
            Method::POST,
            BASE,
            Some(&h.admin),
            Some(json!({
                "firstName": "  Jane ",
                "lastName": "Doe",
                "salutation": "Dr",
                "title": "Head of Purchasing",
                "workPhone": {"display": "(317) 555-0100", "acceptsSMS": true},
                "cellPhone": {"display": "020 7946 0000", "normalizationCountryCode": "GB"},
                "workEmail": "Jane.Doe@Example.com",
                "address": {"address1": "1 Main St", "city": "Indianapolis", "state": "IN", "postalCode": "46204", "countryCode": "US"},
                "twitterId": {"screenName": "@janedoe"},
                "surveyOptOut": true,
                "externalSystemUrl": "https://crm.example.com/contacts/42"
            })),
        )
        .await;
    assert_eq!(created.status, StatusCode::OK, "{}", created.body);
    assert_eq!(created.headers["etag"], "\"1\"");
    let c = created.body;
    let id = id_of(&c);
    assert_eq!(c["firstName"], "Jane");
    assert_eq!(c["division"]["id"], home["id"]);
    assert_eq!(c["workPhone"]["e164"], "+13175550100");
    assert_eq!(c["workPhone"]["display"], "+1 317-555-0100");
    assert_eq!(c["workPhone"]["userInput"], "(317) 555-0100");
    assert_eq!(c["workPhone"]["countryCode"], "US");
    assert_eq!(c["workPhone"]["acceptsSMS"], true);
    assert_eq!(c["cellPhone"]["e164"], "+442079460000");
    assert_eq!(c["workEmail"], "Jane.Doe@Example.com");
    assert_eq!(c["address"]["city"], "Indianapolis");
    assert_eq!(c["twitterId"]["screenName"], "@janedoe");
    assert_eq!(c["surveyOptOut"], true);
    assert_eq!(c["type"], "Curated");
    assert_eq!(c["createDate"], "2026-03-02T09:00:00.000Z");
    assert_eq!(c["selfUri"], format!("{BASE}/{id}"));

    let read = h
        .call(Method::GET, &format!("{BASE}/{id}"), Some(&h.admin), None)
        .await;
    assert_eq!(read.status, StatusCode::OK);
    assert_eq!(read.body, c);

    // an SDK round trip: the object as read, changed, with every read-only field sent back
    h.clock.advance(Duration::from_secs(60));
    let mut changed = read.body.clone();
    changed["lastName"] = "Doe-Smith".into();
    changed.as_object_mut().unwrap().remove("workPhone");
    let put = h
        .call(
            Method::PUT,
            &format!("{BASE}/{id}"),
            Some(&h.admin),
            Some(changed),
        )
        .await;
    assert_eq!(put.status, StatusCode::OK, "{}", put.body);
    assert_eq!(put.headers["etag"], "\"2\"");
    assert_eq!(put.body["lastName"], "Doe-Smith");
    assert!(
        put.body.get("workPhone").is_none(),
        "PUT replaces every field"
    );
    assert_eq!(
        put.body["cellPhone"]["e164"], "+442079460000",
        "the display reads back as the same number"
    );
    assert_eq!(put.body["modifyDate"], "2026-03-02T09:01:00.000Z");
    assert_eq!(put.body["createDate"], c["createDate"]);

    let stale = h
        .send(
            axum::http::Request::builder()
                .method(Method::PUT)
                .uri(format!("{BASE}/{id}"))
                .header("authorization", format!("Bearer {}", h.admin))
                .header("content-type", "application/json")
                .header("if-match", "\"1\"")
                .body(axum::body::Body::from(
                    json!({"firstName": "X"}).to_string(),
                ))
                .unwrap(),
        )
        .await;
    assert_eq!(
        stale.status,
        StatusCode::PRECONDITION_FAILED,
        "{}",
        stale.body
    );
    let wrong_id = h
        .call(
            Method::PUT,
            &format!("{BASE}/{id}"),
            Some(&h.admin),
            Some(json!({"id": "someone-else", "firstName": "X"})),
        )
        .await;
    assert_eq!(wrong_id.status, StatusCode::BAD_REQUEST);
    assert_eq!(wrong_id.field(), "id");

    let events = h.app.store.events("contact", &id).await.unwrap();
    assert_eq!(
        events.iter().map(|e| e.kind.as_str()).collect::<Vec<_>>(),
        ["contact.created", "contact.updated"]
    );
    assert_eq!(events[1].actor_id.as_deref(), Some(ADMIN_ID));
    assert_eq!(
        events[1].before.as_ref().unwrap()["details"]["last_name"],
        "Doe"
    );
    assert_eq!(
        events[1].after.as_ref().unwrap()["details"]["last_name"],
        "Doe-Smith"
    );

    let deleted = h
        .call(
            Method::DELETE,
            &format!("{BASE}/{id}"),
            Some(&h.admin),
            None,
        )
        .await;
    assert_eq!(deleted.status, StatusCode::OK, "{}", deleted.body);
    assert_eq!(deleted.body, json!({}));
    let gone = h
        .call(Method::GET, &format!("{BASE}/{id}"), Some(&h.admin), None)
        .await;
    assert_eq!(gone.status, StatusCode::NOT_FOUND);
    assert_eq!(gone.body["code"], "not.found");
    assert_eq!(
        event_kinds(&h, "contact", &id).await,
        ["contact.created", "contact.updated", "contact.deleted"]
    );
}

#[tokio::test]
async fn search_matches_prefixes_of_names_emails_and_phones_ignoring_case() {
    let h = Harness::new().await;
    for body in [
        json!({"firstName": "Jane", "lastName": "Doe", "workEmail": "jane.doe@example.com", "cellPhone": {"display": "317-555-0100"}}),
        json!({"firstName": "Janet", "lastName": "Van der Berg", "personalEmail": "jvdb@example.org", "homePhone": {"display": "+44 20 7946 0000"}}),
        json!({"firstName": "Bob", "lastName": "Jansen", "otherEmail": "bob@jansen.nl"}),
        json!({"firstName": "Zed", "lastName": "Ahmed", "workPhone": {"display": "+1 (212) 555-0199"}}),
    ] {
        create(&h, &h.admin, body).await;
    }
    let t = &h.admin;
    assert_eq!(
        first_names(&search(&h, t, "q=JAN").await),
        ["Jane", "Bob", "Janet"],
        "first or last name, ordered by last name"
    );
    assert_eq!(first_names(&search(&h, t, "q=janet").await), ["Janet"]);
    assert_eq!(first_names(&search(&h, t, "q=van%20DER").await), ["Janet"]);
    assert_eq!(first_names(&search(&h, t, "q=berg").await), ["Janet"]);
    assert_eq!(first_names(&search(&h, t, "q=jane%20d").await), ["Jane"]);
    assert_eq!(first_names(&search(&h, t, "q=Jane.Doe%40").await), ["Jane"]);
    assert_eq!(first_names(&search(&h, t, "q=bob%40jan").await), ["Bob"]);
    assert_eq!(
        first_names(&search(&h, t, "q=%2B1%20317%20555").await),
        ["Jane"],
        "E.164 with separators"
    );
    assert_eq!(
        first_names(&search(&h, t, "q=(317)%20555-01").await),
        ["Jane"],
        "national digits"
    );
    assert_eq!(first_names(&search(&h, t, "q=%2B4420").await), ["Janet"]);
    assert_eq!(first_names(&search(&h, t, "q=212555").await), ["Zed"]);
    assert!(
        first_names(&search(&h, t, "q=oe").await).is_empty(),
        "a prefix, not a substring"
    );
    assert!(first_names(&search(&h, t, "q=%25").await).is_empty());

    let sorted = search(&h, t, "sortOrder=firstName:desc").await;
    assert_eq!(first_names(&sorted), ["Zed", "Janet", "Jane", "Bob"]);
    let paged = search(&h, t, "q=jan&pageSize=2&pageNumber=1").await;
    assert_eq!(paged.body["total"], 3);
    assert_eq!(paged.body["pageCount"], 2);
    assert_eq!(paged.body["partialResults"], false);
    assert_eq!(first_names(&paged), ["Jane", "Bob"]);
    let next = paged.body["nextUri"].as_str().unwrap();
    assert!(
        next.contains("pageNumber=2") && next.contains("q=jan"),
        "{next}"
    );
    let second = h.call(Method::GET, next, Some(t), None).await;
    assert_eq!(first_names(&second), ["Janet"]);

    for (query, field) in [
        ("sortOrder=nickname", "sortOrder"),
        ("sortOrder=firstName:sideways", "sortOrder"),
        ("pageSize=100&pageNumber=11", "pageNumber"),
        ("pageSize=0", "pageSize"),
    ] {
        let reply = h
            .call(Method::GET, &format!("{BASE}?{query}"), Some(t), None)
            .await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{query}");
        assert_eq!(reply.field(), field, "{query}");
    }
}

#[tokio::test]
async fn invalid_contacts_are_refused_naming_the_field_and_nothing_is_written() {
    let h = Harness::new().await;
    let long = "x".repeat(1001);
    for (body, field) in [
        (json!({}), "firstName"),
        (json!({"salutation": "Dr"}), "firstName"),
        (json!({"firstName": long}), "firstName"),
        (
            json!({"lastName": "Doe", "workEmail": "not-an-email"}),
            "workEmail",
        ),
        (
            json!({"lastName": "Doe", "personalEmail": "a@b"}),
            "personalEmail",
        ),
        (
            json!({"lastName": "Doe", "cellPhone": {"display": "call me"}}),
            "cellPhone.display",
        ),
        (
            json!({"lastName": "Doe", "homePhone": {"acceptsSMS": true}}),
            "homePhone.display",
        ),
        (
            json!({"lastName": "Doe", "workPhone": {"display": "3175550100", "normalizationCountryCode": "XX"}}),
            "workPhone.normalizationCountryCode",
        ),
        (
            json!({"lastName": "Doe", "workPhone": {"display": "3175550100", "fax": true}}),
            "workPhone.fax",
        ),
        (
            json!({"lastName": "Doe", "address": {"state": "x".repeat(51)}}),
            "address.state",
        ),
        (
            json!({"lastName": "Doe", "twitterId": {"screenName": "not valid"}}),
            "twitterId.screenName",
        ),
        (
            json!({"lastName": "Doe", "externalSystemUrl": "crm/42"}),
            "externalSystemUrl",
        ),
        (
            json!({"lastName": "Doe", "lineId": {"displayName": "jd"}}),
            "lineId",
        ),
        (
            json!({"lastName": "Doe", "customFields": {"x": 1}}),
            "customFields",
        ),
        (
            json!({"lastName": "Doe", "externalOrganization": {"name": "ACME"}}),
            "externalOrganization",
        ),
        (json!({"lastName": "Doe", "nickname": "JD"}), "nickname"),
        (
            json!({"lastName": "Doe", "division": {"id": "no-such-division"}}),
            "division.id",
        ),
    ] {
        let reply = h
            .call(Method::POST, BASE, Some(&h.admin), Some(body.clone()))
            .await;
        assert_eq!(
            reply.status,
            StatusCode::BAD_REQUEST,
            "{body} → {}",
            reply.body
        );
        assert_eq!(reply.field(), field, "{body} → {}", reply.body);
        assert_eq!(reply.body["code"], "invalid.value");
    }
    let listing = search(&h, &h.admin, "").await;
    assert_eq!(listing.body["total"], 0, "nothing was written");
    assert_eq!(
        h.call(
            Method::POST,
            BASE,
            Some(&h.admin),
            Some(json!({"lastName": "Doe", "lineId": null, "identifiers": null}))
        )
        .await
        .status,
        StatusCode::OK,
        "unsupported fields may be sent empty"
    );
}

#[tokio::test]
async fn notes_belong_to_their_contact() {
    let h = Harness::new().await;
    let c = create(
        &h,
        &h.admin,
        json!({"firstName": "Jane", "lastName": "Doe"}),
    )
    .await;
    let id = id_of(&c);
    let notes = format!("{BASE}/{id}/notes");
    let first = h
        .call(
            Method::POST,
            &notes,
            Some(&h.admin),
            Some(json!({"noteText": "Called about a refund", "entityType": "contact", "entityId": id})),
        )
        .await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.body);
    let note_id = id_of(&first.body);
    assert_eq!(first.body["entityId"], id.as_str());
    assert_eq!(first.body["entityType"], "contact");
    assert_eq!(first.body["createdBy"]["id"], ADMIN_ID);
    assert_eq!(first.body["division"]["id"], c["division"]["id"]);
    assert_eq!(first.body["createDate"], "2026-03-02T09:00:00.000Z");
    assert_eq!(first.body["selfUri"], format!("{notes}/{note_id}"));

    h.clock.advance(Duration::from_secs(60));
    let second = h
        .call(
            Method::POST,
            &notes,
            Some(&h.admin),
            Some(json!({"noteText": "Refund approved"})),
        )
        .await;
    assert_eq!(second.status, StatusCode::OK);

    for (body, field) in [
        (json!({"noteText": "   "}), "noteText"),
        (json!({}), "noteText"),
        (json!({"noteText": "x".repeat(32_001)}), "noteText"),
        (json!({"noteText": "x", "entityId": "other"}), "entityId"),
        (
            json!({"noteText": "x", "entityType": "organization"}),
            "entityType",
        ),
        (json!({"noteText": "x", "color": "red"}), "color"),
    ] {
        let reply = h
            .call(Method::POST, &notes, Some(&h.admin), Some(body.clone()))
            .await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(reply.field(), field, "{body}");
    }

    let listing = h.call(Method::GET, &notes, Some(&h.admin), None).await;
    assert_eq!(listing.body["total"], 2, "{}", listing.body);
    assert_eq!(
        listing.body["entities"][0]["noteText"],
        "Called about a refund"
    );
    let newest_first = h
        .call(
            Method::GET,
            &format!("{notes}?sortOrder=createDate:desc"),
            Some(&h.admin),
            None,
        )
        .await;
    assert_eq!(
        newest_first.body["entities"][0]["noteText"],
        "Refund approved"
    );

    h.clock.advance(Duration::from_secs(60));
    let edited = h
        .call(
            Method::PUT,
            &format!("{notes}/{note_id}"),
            Some(&h.admin),
            Some(json!({"noteText": "Called about a late refund", "id": note_id})),
        )
        .await;
    assert_eq!(edited.status, StatusCode::OK, "{}", edited.body);
    assert_eq!(edited.body["noteText"], "Called about a late refund");
    assert_eq!(edited.body["modifyDate"], "2026-03-02T09:02:00.000Z");
    assert_eq!(edited.body["createDate"], "2026-03-02T09:00:00.000Z");
    let read = h
        .call(
            Method::GET,
            &format!("{notes}/{note_id}"),
            Some(&h.admin),
            None,
        )
        .await;
    assert_eq!(read.body, edited.body);

    // a note is found only under its own contact
    let other = id_of(&create(&h, &h.admin, json!({"firstName": "Other"})).await);
    let elsewhere = h
        .call(
            Method::GET,
            &format!("{BASE}/{other}/notes/{note_id}"),
            Some(&h.admin),
            None,
        )
        .await;
    assert_eq!(elsewhere.status, StatusCode::NOT_FOUND);
    assert_eq!(
        h.call(
            Method::POST,
            &format!("{BASE}/no-such-contact/notes"),
            Some(&h.admin),
            Some(json!({"noteText": "x"}))
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );

    let deleted = h
        .call(
            Method::DELETE,
            &format!("{notes}/{note_id}"),
            Some(&h.admin),
            None,
        )
        .await;
    assert_eq!(deleted.status, StatusCode::OK);
    assert_eq!(
        h.call(
            Method::GET,
            &format!("{notes}/{note_id}"),
            Some(&h.admin),
            None
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        event_kinds(&h, "contact_note", &note_id).await,
        [
            "contact_note.created",
            "contact_note.updated",
            "contact_note.deleted"
        ]
    );

    // deleting the contact takes its remaining notes with it
    let remaining = id_of(&second.body);
    h.call(
        Method::DELETE,
        &format!("{BASE}/{id}"),
        Some(&h.admin),
        None,
    )
    .await;
    assert!(matches!(
        h.app.store.get_contact_note(&id, &remaining).await,
        Err(casefile_store::Error::NotFound)
    ));
}

#[tokio::test]
async fn agents_work_with_contacts_of_their_division_only() {
    let h = Harness::new().await;
    let back = h.create_division("Back office").await;
    let agent_user = h.create_user("agent@example.com", None, "agent").await;
    h.create_user("back@example.com", Some(&back), "agent")
        .await;
    let agent = h.user_token("agent@example.com").await;
    let other = h.user_token("back@example.com").await;

    let mine = create(
        &h,
        &agent,
        json!({"firstName": "Jane", "lastName": "Doe", "workEmail": "jane@example.com"}),
    )
    .await;
    let id = id_of(&mine);
    let events = h.app.store.events("contact", &id).await.unwrap();
    assert_eq!(events[0].actor_id.as_deref(), agent_user["id"].as_str());
    let theirs = create(&h, &other, json!({"firstName": "Janet", "lastName": "Roe"})).await;
    assert_eq!(theirs["division"]["id"], back.as_str());
    let theirs_id = id_of(&theirs);

    // each sees and searches their own division's contacts only
    assert_eq!(first_names(&search(&h, &agent, "q=jan").await), ["Jane"]);
    assert_eq!(first_names(&search(&h, &other, "q=jan").await), ["Janet"]);
    assert_eq!(
        first_names(&search(&h, &h.admin, "q=jan").await),
        ["Jane", "Janet"]
    );
    assert_eq!(
        first_names(&search(&h, &h.admin, &format!("q=jan&divisionIds={back}")).await),
        ["Janet"]
    );
    assert!(
        first_names(&search(&h, &agent, &format!("divisionIds={back}")).await).is_empty(),
        "divisionIds cannot widen what the caller sees"
    );
    for (method, path, body) in [
        (Method::GET, format!("{BASE}/{theirs_id}"), None),
        (
            Method::PUT,
            format!("{BASE}/{theirs_id}"),
            Some(json!({"firstName": "Hacked"})),
        ),
        (Method::DELETE, format!("{BASE}/{theirs_id}"), None),
        (Method::GET, format!("{BASE}/{theirs_id}/notes"), None),
        (
            Method::POST,
            format!("{BASE}/{theirs_id}/notes"),
            Some(json!({"noteText": "x"})),
        ),
    ] {
        let reply = h.call(method.clone(), &path, Some(&agent), body).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{method} {path}");
    }
    let unchanged = h
        .call(
            Method::GET,
            &format!("{BASE}/{theirs_id}"),
            Some(&other),
            None,
        )
        .await;
    assert_eq!(unchanged.body["firstName"], "Janet");

    // an agent cannot place a contact in a division they do not work in
    let elsewhere = h
        .call(
            Method::POST,
            BASE,
            Some(&agent),
            Some(json!({"firstName": "X", "division": {"id": back}})),
        )
        .await;
    assert_eq!(elsewhere.status, StatusCode::BAD_REQUEST);
    assert_eq!(elsewhere.field(), "division.id");

    // the agent edits and annotates their own
    let note = h
        .call(
            Method::POST,
            &format!("{BASE}/{id}/notes"),
            Some(&agent),
            Some(json!({"noteText": "Prefers email"})),
        )
        .await;
    assert_eq!(note.status, StatusCode::OK, "{}", note.body);

    // an administrator moves the contact; it leaves the agent's sight
    let moved = h
        .call(
            Method::PUT,
            &format!("{BASE}/{id}"),
            Some(&h.admin),
            Some(json!({"firstName": "Jane", "lastName": "Doe", "division": {"id": back}})),
        )
        .await;
    assert_eq!(moved.status, StatusCode::OK, "{}", moved.body);
    assert_eq!(moved.body["division"]["id"], back.as_str());
    assert_eq!(
        h.call(Method::GET, &format!("{BASE}/{id}"), Some(&agent), None)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        h.call(Method::GET, &format!("{BASE}/{id}"), Some(&other), None)
            .await
            .status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn contacts_in_use_cannot_be_deleted() {
    let h = Harness::new().await;
    let s = crate::task_fixtures::setup(&h, None).await;
    let c = create(
        &h,
        &h.admin,
        json!({"firstName": "Jane", "lastName": "Doe"}),
    )
    .await;
    let id = id_of(&c);
    let workitem = h
        .call(
            Method::POST,
            "/api/v2/taskmanagement/workitems",
            Some(&h.admin),
            Some(json!({
                "name": "Call Jane back",
                "typeId": s.worktype,
                "externalContactId": id,
                "customFields": {"order_id_identifier": "A-1"}
            })),
        )
        .await;
    assert_eq!(workitem.status, StatusCode::OK, "{}", workitem.body);
    let refused = h
        .call(
            Method::DELETE,
            &format!("{BASE}/{id}"),
            Some(&h.admin),
            None,
        )
        .await;
    assert_eq!(refused.status, StatusCode::CONFLICT, "{}", refused.body);
    assert_eq!(refused.body["code"], "conflict");
    assert_eq!(
        h.call(Method::GET, &format!("{BASE}/{id}"), Some(&h.admin), None)
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(event_kinds(&h, "contact", &id).await, ["contact.created"]);

    let workitem_id = id_of(&workitem.body);
    let removed = h
        .call(
            Method::DELETE,
            &format!("/api/v2/taskmanagement/workitems/{workitem_id}"),
            Some(&h.admin),
            None,
        )
        .await;
    assert_eq!(removed.status, StatusCode::NO_CONTENT, "{}", removed.body);
    let deleted = h
        .call(
            Method::DELETE,
            &format!("{BASE}/{id}"),
            Some(&h.admin),
            None,
        )
        .await;
    assert_eq!(deleted.status, StatusCode::OK, "{}", deleted.body);
}

#[tokio::test]
async fn divisions_holding_contacts_cannot_be_deleted() {
    let h = Harness::new().await;
    let d = h.create_division("Customers EU").await;
    create(
        &h,
        &h.admin,
        json!({"firstName": "Jane", "division": {"id": d}}),
    )
    .await;
    let refused = h
        .call(
            Method::DELETE,
            &format!("/api/v2/authorization/divisions/{d}"),
            Some(&h.admin),
            None,
        )
        .await;
    assert_eq!(refused.status, StatusCode::CONFLICT, "{}", refused.body);
}
