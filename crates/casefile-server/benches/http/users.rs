//! The users-API workloads: the HTTP floor (the 404 fallback), reads of
//! `GET /api/v2/users/me` and updates with `PATCH /api/v2/users/{id}`.

use std::time::{Duration, Instant};

use anyhow::anyhow;
use serde_json::{Value, json};

use super::clients::{Client, expect_json};
use super::outcome::{Outcome, micros};

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Workload {
    /// A path no route matches: the 404 fallback touches no database, so this is the ceiling
    /// the HTTP stack and the in-process load generator leave on this machine.
    Floor,
    Reads,
    Updates,
}

impl Workload {
    pub fn name(self) -> &'static str {
        match self {
            Workload::Floor => "GET /bench-no-such-path (404 fallback, no database)",
            Workload::Reads => "GET /api/v2/users/me",
            Workload::Updates => "PATCH /api/v2/users/{id} (title)",
        }
    }
}

/// The user's current version, read through the API.
async fn current_version(client: &Client) -> anyhow::Result<i64> {
    let me = expect_json(
        client
            .http
            .get(format!("{}/api/v2/users/me", client.base))
            .bearer_auth(&client.token),
        "GET /api/v2/users/me",
    )
    .await?;
    me["version"]
        .as_i64()
        .ok_or_else(|| anyhow!("no version in {me}"))
}

/// One client's loop until `deadline`.
async fn client_loop(client: Client, workload: Workload, deadline: Instant) -> Outcome {
    let mut out = Outcome::default();
    let floor_url = format!("{}/bench-no-such-path", client.base);
    let me_url = format!("{}/api/v2/users/me", client.base);
    let user_url = format!("{}/api/v2/users/{}", client.base, client.user_id);
    let mut version = 0;
    if workload == Workload::Updates {
        match current_version(&client).await {
            Ok(v) => version = v,
            Err(e) => {
                out.record_failure(format!("{e:#}"));
                return out;
            }
        }
    }
    let mut n: u64 = 0;
    while Instant::now() < deadline {
        n += 1;
        let request = match workload {
            Workload::Floor => client.http.get(&floor_url),
            Workload::Reads => client.http.get(&me_url).bearer_auth(&client.token),
            Workload::Updates => client
                .http
                .patch(&user_url)
                .bearer_auth(&client.token)
                .json(&json!({ "version": version, "title": format!("t{n}") })),
        };
        let started = Instant::now();
        let answer = async {
            let response = request.send().await?;
            let status = response.status();
            let body = response.bytes().await?;
            Ok::<_, reqwest::Error>((status, body))
        }
        .await;
        let took = started.elapsed();
        match answer {
            Ok((status, _))
                if workload == Workload::Floor && status == reqwest::StatusCode::NOT_FOUND =>
            {
                out.ok += 1;
                out.latencies_us.push(micros(took));
            }
            Ok((status, body)) if status.is_success() && workload != Workload::Floor => {
                if workload == Workload::Updates {
                    match serde_json::from_slice::<Value>(&body)
                        .ok()
                        .and_then(|v| v["version"].as_i64())
                    {
                        Some(v) => version = v,
                        None => {
                            out.record_failure(format!(
                                "{}: HTTP {status} without a version",
                                workload.name()
                            ));
                            continue;
                        }
                    }
                }
                out.ok += 1;
                out.latencies_us.push(micros(took));
            }
            Ok((status, body)) => {
                out.record_failure(format!(
                    "{}: HTTP {status}: {}",
                    workload.name(),
                    String::from_utf8_lossy(&body)
                ));
                if workload == Workload::Updates
                    && let Ok(v) = current_version(&client).await
                {
                    version = v;
                }
            }
            Err(e) => out.record_failure(format!("{}: {e}", workload.name())),
        }
    }
    out
}

/// Runs `workload` on every client for `duration`.
pub async fn measure(
    clients: &[Client],
    workload: Workload,
    duration: Duration,
) -> anyhow::Result<Outcome> {
    let started = Instant::now();
    let deadline = started + duration;
    let tasks: Vec<_> = clients
        .iter()
        .cloned()
        .map(|c| tokio::spawn(client_loop(c, workload, deadline)))
        .collect();
    let mut total = Outcome::default();
    for task in tasks {
        total.merge(task.await?);
    }
    Ok(total.finish(started.elapsed()))
}
