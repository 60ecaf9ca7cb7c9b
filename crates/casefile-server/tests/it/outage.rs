//! A database outage is a 503 with `Retry-After` everywhere — reads, updates, case creation,
//! a reference to another object — never a 500 or a 400, and the server recovers by itself
//! when the database is back. PostgreSQL only (an embedded SQLite file cannot go away): the
//! server talks to the database through a TCP proxy that the test cuts off.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use axum::http::{Method, StatusCode};
use serde_json::json;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

use crate::cases::refund_plan;
use crate::harness::Harness;

const TM: &str = "/api/v2/taskmanagement";
const CM: &str = "/api/v2/casemanagement";

/// A TCP proxy to the database that can be cut off: while down it drops every open
/// connection and closes each new one at once, as a crashed or restarting server would.
struct Proxy {
    port: u16,
    up: Arc<AtomicBool>,
    cut: watch::Sender<u64>,
}

impl Proxy {
    async fn start(target: String) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let up = Arc::new(AtomicBool::new(true));
        let (cut, cuts) = watch::channel(0u64);
        let flag = up.clone();
        tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                if !flag.load(Ordering::SeqCst) {
                    drop(client);
                    continue;
                }
                let target = target.clone();
                let mut cuts = cuts.clone();
                cuts.borrow_and_update(); // only a cut from now on ends this connection
                tokio::spawn(async move {
                    let Ok(server) = TcpStream::connect(&target).await else {
                        return;
                    };
                    let (mut client, mut server) = (client, server);
                    tokio::select! {
                        _ = tokio::io::copy_bidirectional(&mut client, &mut server) => {}
                        _ = cuts.changed() => {}
                    }
                });
            }
        });
        Proxy { port, up, cut }
    }

    fn down(&self) {
        self.up.store(false, Ordering::SeqCst);
        self.cut.send_modify(|n| *n += 1);
    }

    fn up(&self) {
        self.up.store(true, Ordering::SeqCst);
    }
}

/// `postgres://user@host:port/db` → (`host:port`, the same URL through `127.0.0.1:<proxy>`).
fn split_host(url: &str) -> (String, String) {
    let (scheme, rest) = url.split_once("://").unwrap();
    let (auth, rest) = rest.rsplit_once('@').map_or(("", rest), |(a, r)| (a, r));
    let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
    let host = if host.contains(':') {
        host.to_owned()
    } else {
        format!("{host}:5432")
    };
    let at = if auth.is_empty() {
        String::new()
    } else {
        format!("{auth}@")
    };
    (host, format!("{scheme}://{at}PROXY/{path}"))
}

#[tokio::test]
async fn an_unavailable_database_answers_503_and_the_server_recovers_by_itself() {
    if !std::env::var("CASEFILE_TEST_DATABASE_URL").is_ok_and(|u| u.starts_with("postgres")) {
        println!("skipped: needs CASEFILE_TEST_DATABASE_URL on PostgreSQL");
        return;
    }
    // A database of its own, reached through the proxy.
    let direct = casefile_store::testing::fresh_database_url(std::path::Path::new("/tmp")).await;
    let (host, template) = split_host(&direct);
    let proxy = Proxy::start(host).await;
    let url = template.replace("PROXY", &format!("127.0.0.1:{}", proxy.port));
    let h = Harness::with_config(move |c| c.database_url = url).await;
    let plan = refund_plan(&h).await;
    let create = json!({
        "caseplanId": plan.caseplan, "summary": "Refund during an outage",
        "intake": [{"data": {"order_id_identifier": "O-1"}}]
    });
    let case = h
        .call(
            Method::POST,
            &format!("{CM}/cases"),
            Some(&h.admin),
            Some(create.clone()),
        )
        .await;
    assert_eq!(case.status, StatusCode::OK, "{}", case.body);
    let case_id = case.body["id"].as_str().unwrap().to_owned();
    let stored = h.app.store.get_case(&case_id).await.unwrap();
    let workitem = stored.stages[0].step.workitem_id.clone().unwrap();
    let requests = [
        (Method::GET, format!("{TM}/workitems/{workitem}"), None),
        (
            Method::PATCH,
            format!("{TM}/workitems/{workitem}"),
            Some(json!({"description": "changed"})),
        ),
        (Method::POST, format!("{CM}/cases"), Some(create.clone())),
        (Method::GET, format!("{CM}/cases/{case_id}"), None),
        (Method::GET, "/api/v2/users".to_owned(), None),
        (
            Method::POST,
            format!("{TM}/workitems"),
            Some(
                json!({"name": "x", "typeId": plan.worktypes[0], "externalContactId": "00000000-0000-4000-8000-000000000001"}),
            ),
        ),
    ];

    // Several connections in the pool, so that the outage leaves more dead ones behind than
    // the requests during it use up: after recovery, none of them may reach a request.
    let case_path = format!("{CM}/cases/{case_id}");
    let warm = (0..12).map(|_| h.call(Method::GET, &case_path, Some(&h.admin), None));
    for r in futures::future::join_all(warm).await {
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    }

    proxy.down();
    for (method, path, body) in &requests {
        let r = h
            .call(method.clone(), path, Some(&h.admin), body.clone())
            .await;
        assert_eq!(
            r.status,
            StatusCode::SERVICE_UNAVAILABLE,
            "{method} {path}: {}",
            r.body
        );
        assert_eq!(
            r.body["code"], "service.unavailable",
            "{method} {path}: {}",
            r.body
        );
        assert!(r.headers.contains_key("retry-after"), "{method} {path}");
    }

    proxy.up();
    // Every request after recovery succeeds, the first one included: no dead pooled
    // connection is handed out. Three rounds use more connections than the warm-up opened.
    for (method, path, body) in requests.iter().chain(&requests).chain(&requests) {
        let r = h
            .call(method.clone(), path, Some(&h.admin), body.clone())
            .await;
        assert!(
            r.status.is_success() || r.status == StatusCode::BAD_REQUEST,
            "{method} {path} after recovery: {} {}",
            r.status,
            r.body
        );
        if body
            .as_ref()
            .is_some_and(|b| b.get("externalContactId").is_some())
        {
            // Back up, the unknown contact is the caller's mistake again, naming the field.
            assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
            assert_eq!(r.field(), "externalContactId");
        } else {
            assert!(
                r.status.is_success(),
                "{method} {path}: {} {}",
                r.status,
                r.body
            );
        }
    }
}
