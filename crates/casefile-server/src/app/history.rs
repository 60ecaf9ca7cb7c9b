//! An entity's history and past versions, read from its events. The caller has already been
//! shown the entity itself (its use case's `get` checked visibility).

use serde::de::DeserializeOwned;

pub use casefile_store::Event;

use super::App;
use super::error::{Error, Result};

#[tracing::instrument(name = "history.events", level = "debug", skip_all, fields(entity_type = %entity_type, id = %id))]
pub async fn events(app: &App, entity_type: &str, id: &str) -> Result<Vec<Event>> {
    Ok(app.store.events(entity_type, id).await?)
}

/// Every version the entity had, oldest first, from its events' after-snapshots.
#[tracing::instrument(name = "history.versions", level = "debug", skip_all, fields(id = %id))]
pub async fn versions<T: DeserializeOwned>(
    app: &App,
    entity_type: &str,
    id: &str,
) -> Result<Vec<T>> {
    events(app, entity_type, id)
        .await?
        .into_iter()
        .filter_map(|e| e.after)
        .map(decode)
        .collect()
}

/// The entity as version `version` left it.
#[tracing::instrument(name = "history.version", level = "debug", skip_all, fields(entity_type = %entity_type, id = %id, version))]
pub async fn version<T: DeserializeOwned>(
    app: &App,
    entity_type: &str,
    id: &str,
    version: i64,
) -> Result<T> {
    match app.store.event_at_version(entity_type, id, version).await {
        Ok(e) => decode(e.after.ok_or_else(|| Error::not_found("version"))?),
        Err(casefile_store::Error::NotFound) => Err(Error::not_found("version")),
        Err(e) => Err(e.into()),
    }
}

fn decode<T: DeserializeOwned>(value: serde_json::Value) -> Result<T> {
    serde_json::from_value(value).map_err(|e| Error::internal(e.into()))
}
