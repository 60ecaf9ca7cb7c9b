//! Task management end to end through the router: query jobs, bulk add and terminate jobs,
//! and a job cut off by a crash.

use std::time::Duration;

use axum::http::{Method, StatusCode};
use casefile_server::workers::Worker;
use serde_json::{Value, json};

use crate::harness::Harness;
use crate::task_fixtures::{TM, create_workitem, setup, wait_for_job};

#[tokio::test]
async fn query_jobs_page_by_number_with_custom_field_filters() {
    let h = Harness::new().await;
    let s = setup(&h, None).await;
    for i in 0..5 {
        create_workitem(
            &h,
            &s,
            &format!("Job item {i}"),
            json!({"order_id_identifier": format!("J-{i}"), "amount_number": i}),
        )
        .await;
        h.clock.advance(Duration::from_secs(1));
    }
    let body = json!({
        "pageSize": 2, "pageNumber": 2,
        "filters": [{"name": "workbinId", "operator": "EQ", "values": [s.workbin]}],
        "queryFilters": [{"name": "customFields", "operator": "AND", "criteria": [{"operator": "AND", "predicates": [{"name": "amount_number", "operator": "GTE", "values": [1]}]}]}],
        "sort": {"name": "dateCreated", "ascending": true}
    });
    let job = h
        .call(
            Method::POST,
            &format!("{TM}/workitems/query/jobs"),
            Some(&h.admin),
            Some(body),
        )
        .await;
    assert_eq!(job.status, StatusCode::ACCEPTED, "{}", job.body);
    let path = format!(
        "{TM}/workitems/query/jobs/{}",
        job.body["id"].as_str().unwrap()
    );
    let done = wait_for_job(&h, &path).await;
    assert_eq!(done["state"], "Succeeded", "{done}");
    let results = h
        .call(
            Method::GET,
            &format!("{path}/results"),
            Some(&h.admin),
            None,
        )
        .await;
    assert_eq!(results.body["total"], 4);
    assert_eq!(results.body["pageCount"], 2);
    let names: Vec<_> = results.body["entities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["name"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(names, vec!["Job item 3", "Job item 4"]);
    let other = h.create_user("snoop@example.com", None, "supervisor").await;
    assert!(other["id"].is_string());
    let snoop = h.user_token("snoop@example.com").await;
    assert_eq!(
        h.call(Method::GET, &path, Some(&snoop), None).await.status,
        StatusCode::NOT_FOUND,
        "jobs are their owner's"
    );
    let or = json!({"queryFilters": [{"name": "customFields", "operator": "OR", "criteria": [{"predicates": [{"name": "amount_number", "operator": "EQ", "values": [1]}]}]}]});
    let refused = h
        .call(
            Method::POST,
            &format!("{TM}/workitems/query/jobs"),
            Some(&h.admin),
            Some(or),
        )
        .await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert_eq!(refused.field(), "queryFilters[0].operator");
}

#[tokio::test]
async fn bulk_add_and_terminate_jobs_report_each_item() {
    let h = Harness::new().await;
    let s = setup(&h, None).await;
    let entities = json!([
        {"name": "Bulk one", "typeId": s.worktype, "customFields": {"order_id_identifier": "B-1"}},
        {"name": "Bulk two", "typeId": s.worktype, "customFields": {"amount_number": 5}},
        {"name": "Bulk three", "typeId": s.worktype, "customFields": {"order_id_identifier": "B-3"}}
    ]);
    let job = h
        .call(
            Method::POST,
            &format!("{TM}/workitems/bulk/add/jobs"),
            Some(&h.admin),
            Some(json!({"entities": entities})),
        )
        .await;
    assert_eq!(job.status, StatusCode::OK, "{}", job.body);
    assert_eq!(job.body["action"], "AddWorkitems");
    let path = format!(
        "{TM}/workitems/bulk/add/jobs/{}",
        job.body["id"].as_str().unwrap()
    );
    let done = wait_for_job(&h, &path).await;
    assert_eq!(
        (done["successfulCount"].clone(), done["failedCount"].clone()),
        (json!(2), json!(1))
    );
    let results = h
        .call(
            Method::GET,
            &format!("{path}/results"),
            Some(&h.admin),
            None,
        )
        .await;
    assert_eq!(results.body["errorIndexes"], json!([1]));
    assert!(
        results.body["results"][1]["error"]["message"]
            .as_str()
            .unwrap()
            .contains("order_id_identifier")
    );
    let added: Vec<String> = [0, 2]
        .iter()
        .map(|i| {
            results.body["results"][*i]["entity"]["id"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    for id in &added {
        assert_eq!(
            h.call(
                Method::GET,
                &format!("{TM}/workitems/{id}"),
                Some(&h.admin),
                None
            )
            .await
            .status,
            StatusCode::OK
        );
    }
    let terminate =
        json!({"entities": [{"id": added[0]}, {"id": "00000000-0000-4000-8000-000000000000"}]});
    let tjob = h
        .call(
            Method::POST,
            &format!("{TM}/workitems/bulk/terminate/jobs"),
            Some(&h.admin),
            Some(terminate),
        )
        .await;
    let tpath = format!(
        "{TM}/workitems/bulk/terminate/jobs/{}",
        tjob.body["id"].as_str().unwrap()
    );
    let tdone = wait_for_job(&h, &tpath).await;
    assert_eq!(
        (
            tdone["successfulCount"].clone(),
            tdone["failedCount"].clone()
        ),
        (json!(1), json!(1))
    );
    let w = h
        .call(
            Method::GET,
            &format!("{TM}/workitems/{}", added[0]),
            Some(&h.admin),
            None,
        )
        .await;
    assert_eq!(w.body["assignmentState"], "Terminated");
    let mine = h
        .call(
            Method::GET,
            &format!("{TM}/workitems/bulk/jobs/users/me"),
            Some(&h.admin),
            None,
        )
        .await;
    assert_eq!(mine.body["entities"].as_array().unwrap().len(), 2);
    let too_many: Vec<Value> = (0..51)
        .map(|i| json!({"name": format!("Item {i}"), "typeId": s.worktype}))
        .collect();
    let refused = h
        .call(
            Method::POST,
            &format!("{TM}/workitems/bulk/add/jobs"),
            Some(&h.admin),
            Some(json!({"entities": too_many})),
        )
        .await;
    assert_eq!(refused.field(), "entities");
}

#[tokio::test]
async fn a_job_cut_off_by_a_crash_runs_after_restart() {
    use casefile_server::app::task::jobs;
    let h = Harness::new().await;
    let s = setup(&h, None).await;
    create_workitem(&h, &s, "Recovered", json!({"order_id_identifier": "X"})).await;
    let caller = casefile_server::app::sessions::authenticate(&h.app, &h.admin)
        .await
        .unwrap();
    let body = json!({"filters": [{"name": "workbinId", "operator": "EQ", "values": [s.workbin]}]});
    let (query, _) = {
        let cfg: casefile_server::api::task_query::ConfigQuery =
            serde_json::from_value(body).unwrap();
        casefile_server::api::task_query::workitem_query(&cfg).unwrap()
    };
    // Simulate a crash mid-run: the job is stored as Running with nobody running it.
    let job = jobs::submit_without_starting(
        &h.app,
        &caller,
        jobs::Kind::QueryWorkitems,
        jobs::Request::Query {
            query: jobs::QuerySpec { query },
            page_number: 1,
        },
    )
    .await
    .unwrap();
    jobs::mark_running(&h.app, &job.id).await.unwrap();
    let restarted = casefile_server::server::open(
        (*h.app.config).clone(),
        std::sync::Arc::new(h.clock.clone()),
    )
    .await
    .unwrap();
    let worker = casefile_server::workers::jobs::Jobs::new(restarted);
    assert!(matches!(
        worker.tick(h.app.clock.now()).await.unwrap(),
        casefile_server::workers::Outcome::Worked(_)
    ));
    let done = h
        .call(
            Method::GET,
            &format!("{TM}/workitems/query/jobs/{}", job.id),
            Some(&h.admin),
            None,
        )
        .await;
    assert_eq!(done.body["state"], "Succeeded");
}
