//! What every start does: make sure the home division exists and the bootstrap admin
//! OAuth client (from `CASEFILE_ADMIN_CLIENT_ID`/`_SECRET`) matches the configuration.
//!
//! Several nodes may start at once on one database: each step tolerates another node doing
//! the same at the same moment (a lost race is a conflict; the step reads again and retries).

use casefile_domain::authz::{DivisionScope, Grant, Role};
use casefile_store::{Division, Error as StoreError, OAuthClient};
use serde_json::json;

use super::{Actor, App, change, new_id, secrets};

pub async fn run(app: &App) -> anyhow::Result<Division> {
    let home = ensure_home(app).await?;
    if let (Some(id), Some(secret)) = (&app.config.admin_client_id, &app.config.admin_client_secret)
    {
        let grants = [Grant {
            role: Role::Admin,
            scope: DivisionScope::All,
        }];
        save_client(app, id, "bootstrap admin", secret, &grants).await?;
        tracing::info!(client_id = %id, "bootstrap admin client ready");
    }
    Ok(home)
}

async fn ensure_home(app: &App) -> anyhow::Result<Division> {
    let now = app.clock.now();
    let candidate = Division {
        id: new_id(now),
        name: "Home".to_owned(),
        description: Some("The default division".to_owned()),
        home: true,
        version: 1,
        date_created: now,
        date_modified: now,
    };
    let change = change(
        "division",
        &candidate.id,
        1,
        "division.created",
        Actor { id: None, at: now },
        None,
        Some(json!({"name": "Home"}).into()),
    );
    Ok(app.store.ensure_home_division(&candidate, &change).await?)
}

/// How often a write that lost a race to another node is tried again on a fresh read.
const RACE_RETRIES: usize = 10;

/// Creates the client, or resets its name, secret and grants. Another node writing the same
/// client at the same moment (both at one version: a conflict on the events' version) makes
/// it read the client again and write the next version.
pub async fn save_client(
    app: &App,
    id: &str,
    name: &str,
    secret: &str,
    grants: &[Grant],
) -> anyhow::Result<()> {
    let mut attempt = 0;
    loop {
        match try_save_client(app, id, name, secret, grants).await {
            Err(StoreError::Conflict { constraint }) if attempt < RACE_RETRIES => {
                attempt += 1;
                tracing::info!(client_id = %id, %constraint, "another node wrote the client at the same time; retrying");
            }
            Err(e) => return Err(e.into()),
            Ok(()) => {
                app.sessions.invalidate();
                return Ok(());
            }
        }
    }
}

async fn try_save_client(
    app: &App,
    id: &str,
    name: &str,
    secret: &str,
    grants: &[Grant],
) -> Result<(), StoreError> {
    let now = app.clock.now();
    let (version, created) = match app.store.get_client(id).await {
        Ok(existing) => (existing.version + 1, existing.date_created),
        Err(StoreError::NotFound) => (1, now),
        Err(e) => return Err(e),
    };
    let client = OAuthClient {
        id: id.to_owned(),
        name: name.to_owned(),
        secret_hash: secrets::digest(secret),
        version,
        date_created: created,
        date_modified: now,
    };
    let grants_json: Vec<_> = grants
        .iter()
        .map(|g| json!({"role": g.role.id(), "division": g.scope.as_str()}))
        .collect();
    let kind = if version == 1 {
        "oauth_client.created"
    } else {
        "oauth_client.updated"
    };
    let change = change(
        "oauth_client",
        id,
        version,
        kind,
        Actor { id: None, at: now },
        None,
        Some(json!({"name": name, "grants": grants_json}).into()),
    );
    app.commit_entity(
        casefile_store::EntityWrite::ClientUpsert {
            client: client.clone(),
            grants: grants.to_vec(),
        },
        &change,
    )
    .await
}

/// A new client with a fresh id and secret; returns both (the secret is shown only now).
pub async fn create_client(
    app: &App,
    name: &str,
    grants: &[Grant],
) -> anyhow::Result<(String, String)> {
    let id = new_id(app.clock.now());
    let secret = secrets::random_token();
    save_client(app, &id, name, &secret, grants).await?;
    Ok((id, secret))
}
