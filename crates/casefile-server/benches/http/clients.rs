//! The benchmark's HTTP clients: the 16 users created and signed in through the API, each
//! with its own connection pool and token, and the request helpers they share.

use std::time::Duration;

use anyhow::{Context, anyhow, bail};
use serde_json::{Value, json};

use super::server::Target;

pub const CLIENTS: usize = 16;
pub const PASSWORD: &str = "bench-password-0123456789";

/// One benchmark client: its own HTTP connection pool, user and token.
#[derive(Clone)]
pub struct Client {
    pub http: reqwest::Client,
    pub base: String,
    pub user_id: String,
    pub token: String,
}

pub fn http_client() -> anyhow::Result<reqwest::Client> {
    Ok(reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .pool_max_idle_per_host(4)
        .build()?)
}

/// Sends `request`, failing with the status and body unless the answer is 2xx.
pub async fn expect_json(request: reqwest::RequestBuilder, what: &str) -> anyhow::Result<Value> {
    let response = request
        .send()
        .await
        .with_context(|| format!("{what}: request failed"))?;
    let status = response.status();
    let body = response
        .text()
        .await
        .with_context(|| format!("{what}: reading the body"))?;
    if !status.is_success() {
        bail!("{what}: HTTP {status}: {body}");
    }
    if body.is_empty() {
        return Ok(Value::Null);
    }
    serde_json::from_str(&body).with_context(|| format!("{what}: the body is not JSON: {body}"))
}

pub async fn token(
    http: &reqwest::Client,
    target: &Target,
    form: &[(&str, &str)],
    what: &str,
) -> anyhow::Result<String> {
    let request = http
        .post(format!("{}/oauth/token", target.base))
        .basic_auth(&target.client_id, Some(&target.client_secret))
        .header(
            reqwest::header::CONTENT_TYPE,
            "application/x-www-form-urlencoded",
        )
        .body(serde_urlencoded::to_string(form)?);
    let answer = expect_json(request, what).await?;
    answer["access_token"]
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| anyhow!("{what}: no access_token in {answer}"))
}

/// Creates the 16 users through the API and signs each in.
pub async fn setup_clients(target: &Target) -> anyhow::Result<Vec<Client>> {
    let http = http_client()?;
    let admin = token(
        &http,
        target,
        &[("grant_type", "client_credentials")],
        "admin token",
    )
    .await?;
    let run = uuid::Uuid::new_v4().simple().to_string();
    let run = &run[..8];
    let mut created = Vec::with_capacity(CLIENTS);
    for i in 0..CLIENTS {
        let email = format!("bench-{run}-{i}@example.com");
        let user = expect_json(
            http.post(format!("{}/api/v2/users", target.base))
                .bearer_auth(&admin)
                .json(&json!({
                    "name": format!("Bench User {i}"),
                    "email": email,
                    "password": PASSWORD,
                })),
            "POST /api/v2/users",
        )
        .await?;
        let id = user["id"]
            .as_str()
            .ok_or_else(|| anyhow!("no id in the created user {user}"))?
            .to_owned();
        // Agents may not edit users, themselves included; supervisors may, in their division.
        expect_json(
            http.put(format!("{}/api/v2/users/{id}/roles", target.base))
                .bearer_auth(&admin)
                .json(&json!(["supervisor"])),
            "PUT /api/v2/users/{id}/roles",
        )
        .await?;
        created.push((id, email));
    }
    // Password grants verify an Argon2 hash each: sign the users in concurrently.
    let signins = created.into_iter().map(|(id, email)| {
        let http = http.clone();
        async move {
            let form = [
                ("grant_type", "password"),
                ("username", email.as_str()),
                ("password", PASSWORD),
            ];
            let token = token(&http, target, &form, "password grant").await?;
            Ok::<_, anyhow::Error>(Client {
                http: http_client()?,
                base: target.base.clone(),
                user_id: id,
                token,
            })
        }
    });
    futures::future::try_join_all(signins).await
}
