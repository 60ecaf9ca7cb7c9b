//! Running the real binary: start `casefile serve`, wait for it, get a token, call it, and
//! seed a three-stage caseplan (shared by the `shutdown`, `crash` and `two_nodes` tests).
#![allow(clippy::disallowed_methods)] // a real process needs real time to start

use std::collections::HashMap;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::http::{Method, StatusCode};

use serde_json::{Value, json};

use crate::harness::{ADMIN_ID, ADMIN_SECRET};

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The server's log, kept in the system temp dir so a failing run can be read.
fn log_file(port: u16) -> Stdio {
    let path = std::env::temp_dir().join(format!("casefile-it-{port}.log"));
    match std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
    {
        Ok(f) => Stdio::from(f),
        Err(_) => Stdio::null(),
    }
}

pub fn start(url: &str, port: u16) -> Child {
    start_with(url, port, &[])
}

/// `casefile serve` with more `CASEFILE_*` settings.
pub fn start_with(url: &str, port: u16, env: &[(&str, &str)]) -> Child {
    Command::new(env!("CARGO_BIN_EXE_casefile"))
        .args([
            "serve",
            "--listen",
            &format!("127.0.0.1:{port}"),
            "--database-url",
            url,
        ])
        .env("CASEFILE_ADMIN_CLIENT_ID", ADMIN_ID)
        .env("CASEFILE_ADMIN_CLIENT_SECRET", ADMIN_SECRET)
        .env("CASEFILE_RATE_LIMIT_PER_MINUTE", "0")
        .envs(env.iter().copied())
        .stdout(Stdio::null())
        .stderr(log_file(port))
        .spawn()
        .unwrap()
}

pub async fn wait_healthy(client: &reqwest::Client, base: &str) {
    for _ in 0..300 {
        if let Ok(r) = client.get(format!("{base}/healthz")).send().await
            && r.status().is_success()
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("server did not become healthy");
}

pub async fn token(client: &reqwest::Client, base: &str) -> String {
    let reply: Value = client
        .post(format!("{base}/oauth/token"))
        .basic_auth(ADMIN_ID, Some(ADMIN_SECRET))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("grant_type=client_credentials")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    reply["access_token"].as_str().unwrap().to_owned()
}

pub async fn call(
    client: &reqwest::Client,
    method: reqwest::Method,
    url: String,
    token: &str,
    body: Option<Value>,
) -> Result<Value, String> {
    let mut request = client
        .request(method, url)
        .bearer_auth(token)
        .timeout(Duration::from_secs(5));
    if let Some(b) = body {
        request = request.json(&b);
    }
    let response = request.send().await.map_err(|e| e.to_string())?;
    let status = response.status();
    let body: Value = response.json().await.map_err(|e| e.to_string())?;
    if status.is_success() {
        Ok(body)
    } else {
        Err(format!("{status} {body}"))
    }
}

/// A seeded three-stage caseplan and what it is made of.
pub struct Plan {
    pub caseplan: String,
    /// The Closed status of each stage's worktype.
    pub closed: HashMap<String, String>,
    pub schema: String,
    pub workbin: String,
}

/// Schema, workbin, three worktypes and a published three-stage caseplan (reference prefix `CR`).
pub async fn configure(client: &reqwest::Client, base: &str, token: &str) -> Plan {
    let post = |path: &str, body: Value| {
        call(
            client,
            reqwest::Method::POST,
            format!("{base}{path}"),
            token,
            Some(body),
        )
    };
    let schema = json!({"type": "object", "properties": {"order_id_identifier": {"allOf": [{"$ref": "#/definitions/identifier"}], "title": "Order"}}});
    let s = post(
        "/api/v2/taskmanagement/workitems/schemas",
        json!({"name": "Crash", "jsonSchema": schema}),
    )
    .await
    .unwrap();
    let wb = post(
        "/api/v2/taskmanagement/workbins",
        json!({"name": "Crash bin"}),
    )
    .await
    .unwrap();
    let cp = post(
        "/api/v2/casemanagement/caseplans",
        json!({"name": "Crash plan", "referencePrefix": "CR", "dataSchemas": [{"id": s["id"]}],
        "intakeSettings": [{"property": "order_id_identifier", "required": true}]}),
    )
    .await
    .unwrap();
    let cp_id = cp["id"].as_str().unwrap().to_owned();
    let mut closed = HashMap::new();
    let mut after: Option<String> = None;
    for i in 0..3 {
        let wt = post("/api/v2/taskmanagement/worktypes", json!({"name": format!("Crash stage {i}"), "defaultWorkbinId": wb["id"], "schemaId": s["id"]})).await.unwrap();
        let wt_id = wt["id"].as_str().unwrap().to_owned();
        let closed_id = wt["statuses"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["category"] == "Closed")
            .unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned();
        closed.insert(wt_id.clone(), closed_id);
        let mut body = json!({"name": format!("Stage {i}")});
        if let Some(a) = &after {
            body["after"] = a.clone().into();
        }
        let sp = post(
            &format!("/api/v2/casemanagement/caseplans/{cp_id}/stageplans"),
            body,
        )
        .await
        .unwrap();
        let sp_id = sp["id"].as_str().unwrap().to_owned();
        let steps = call(client, reqwest::Method::GET, format!("{base}/api/v2/casemanagement/caseplans/{cp_id}/versions/1/stageplans/{sp_id}/stepplans"), token, None).await.unwrap();
        let st_id = steps["entities"][0]["id"].as_str().unwrap();
        call(client, reqwest::Method::PATCH, format!("{base}/api/v2/casemanagement/caseplans/{cp_id}/stageplans/{sp_id}/stepplans/{st_id}"), token, Some(json!({"workitemSettings": {"worktypeId": wt_id}}))).await.unwrap();
        after = Some(sp_id);
    }
    post(
        &format!("/api/v2/casemanagement/caseplans/{cp_id}/publish"),
        json!({}),
    )
    .await
    .unwrap();
    Plan {
        caseplan: cp_id,
        closed,
        schema: s["id"].as_str().unwrap().to_owned(),
        workbin: wb["id"].as_str().unwrap().to_owned(),
    }
}

/// Sends `signal` (`-KILL`, `-TERM`) to a node and reaps it.
pub fn kill(child: &mut Child, signal: &str) {
    assert!(
        Command::new("kill")
            .args([signal, &child.id().to_string()])
            .status()
            .unwrap()
            .success()
    );
    let _ = child.wait();
}

/// A client of several nodes that fails over: a request the node does not answer (down,
/// killed mid-request, 5xx) goes to the next node, and waits while none answers.
pub struct Failover {
    pub client: reqwest::Client,
    pub bases: [String; 2],
    pub token: String,
    /// Requests that had to be sent again.
    pub retries: AtomicUsize,
}

pub enum Failure {
    /// The node did not answer (down, or killed mid-request).
    Down,
    Refused(StatusCode, Value),
}

impl Failover {
    async fn once(
        &self,
        node: usize,
        method: &Method,
        path: &str,
        body: Option<&Value>,
    ) -> Result<Value, Failure> {
        let method = reqwest::Method::from_bytes(method.as_str().as_bytes()).unwrap();
        let mut request = self
            .client
            .request(method, format!("{}{path}", self.bases[node]))
            .bearer_auth(&self.token)
            .timeout(Duration::from_secs(20));
        if let Some(b) = body {
            request = request.json(b);
        }
        let response = request.send().await.map_err(|_| Failure::Down)?;
        let status = StatusCode::from_u16(response.status().as_u16()).unwrap();
        let body: Value = response.json().await.map_err(|_| Failure::Down)?;
        if status.is_success() {
            Ok(body)
        } else if status.is_server_error() {
            Err(Failure::Down)
        } else {
            Err(Failure::Refused(status, body))
        }
    }

    /// Calls `home`; while it is down, the other node; waits while both are.
    pub async fn call(
        &self,
        home: usize,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> Result<Value, (StatusCode, Value)> {
        for attempt in 0..600 {
            let node = (home + attempt) % 2;
            match self.once(node, &method, path, body.as_ref()).await {
                Ok(v) => return Ok(v),
                Err(Failure::Refused(s, b)) => return Err((s, b)),
                Err(Failure::Down) => {
                    self.retries.fetch_add(1, Ordering::SeqCst);
                    if attempt % 2 == 1 {
                        tokio::time::sleep(Duration::from_millis(100)).await;
                    }
                }
            }
        }
        panic!("no node answered {method} {path} for a minute");
    }
}
