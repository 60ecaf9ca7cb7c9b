//! Use cases shared by the API, the web pages and the workers. They take the caller and
//! validated inputs, check permissions, run domain rules and persist through the store.

pub mod bootstrap;
pub mod cache;
pub mod case_management;
pub mod contacts;
pub mod demo;
pub mod demo_cases;
pub mod demo_tasks;
pub mod divisions;
pub mod error;
pub mod history;
pub mod intents;
pub mod login_guard;
pub mod query;
pub mod recent;
pub mod secrets;
pub mod sessions;
pub mod system;
pub mod task;
pub mod users;

use std::sync::Arc;

use casefile_store::{Change, NewEvent, Snapshot, Store};

use crate::clock::Clock;
use crate::config::Config;

/// Everything a request or worker needs, cheap to clone.
#[derive(Clone)]
pub struct App {
    pub store: Arc<dyn Store>,
    pub clock: Arc<dyn Clock>,
    pub config: Arc<Config>,
    pub sessions: Arc<sessions::Sessions>,
    pub caches: Arc<cache::Caches>,
    pub recent: Arc<recent::Recent>,
    pub login_guard: Arc<login_guard::LoginGuard>,
    /// This process among the nodes sharing the database (`config.node_id`, or random).
    pub node: Arc<str>,
}

impl App {
    /// The one write verb: every change to workitems, cases and task documents is a unit of
    /// work — the entities, their events (and, later, outbox rows) — committed here in one
    /// transaction. Its rows become this node's recent writes (or, if it failed, stop being);
    /// its documents leave the cache either way.
    #[tracing::instrument(name = "commit", level = "debug", skip_all, fields(
        cases = unit.case_updates.len() + usize::from(unit.case_insert.is_some()),
        workitems = unit.workitem_inserts.len() + unit.workitem_updates.len(),
        documents = unit.documents.len(),
        events = unit.changes.len(),
    ))]
    pub async fn commit(
        &self,
        unit: &casefile_store::UnitOfWork,
    ) -> Result<Option<String>, casefile_store::Error> {
        let result = self.store.commit_unit(unit).await;
        match &result {
            Ok(_) => self.recent.keep_unit(unit),
            Err(_) => self.recent.forget_unit(unit),
        }
        if !unit.documents.is_empty() {
            self.caches
                .forget_documents(unit.documents.iter().map(|w| match w {
                    casefile_store::DocumentWrite::Insert(d)
                    | casefile_store::DocumentWrite::Update { document: d, .. } => d.id.as_str(),
                    casefile_store::DocumentWrite::Delete { id, .. } => id.as_str(),
                }));
        }
        result
    }

    /// [`App::commit`] of a unit holding one entity write and its event.
    pub async fn commit_entity(
        &self,
        write: casefile_store::EntityWrite,
        change: &casefile_store::Change,
    ) -> Result<(), casefile_store::Error> {
        self.commit(&casefile_store::UnitOfWork {
            entities: vec![write],
            changes: vec![change.clone()],
            ..casefile_store::UnitOfWork::default()
        })
        .await
        .map(|_| ())
    }

    pub fn new(store: Arc<dyn Store>, clock: Arc<dyn Clock>, config: Config) -> Self {
        let sessions = Arc::new(sessions::Sessions::new(config.rate_limit_per_minute));
        let node = match &config.node_id {
            Some(id) => Arc::from(id.as_str()),
            None => Arc::from(uuid::Uuid::new_v4().simple().to_string()),
        };
        Self {
            node,
            store,
            clock,
            config: Arc::new(config),
            sessions,
            caches: Arc::default(),
            recent: Arc::default(),
            login_guard: Arc::default(),
        }
    }
}

/// How often a write without a client precondition (no `If-Match`) that lost the race to
/// another writer is decided again on a fresh read before it answers a conflict.
pub const BLIND_WRITE_RETRIES: usize = 64;

/// Whether the database answers and every migration is applied (for `/healthz`).
pub async fn health(app: &App) -> error::Result<query::Health> {
    Ok(app.store.health().await?)
}

/// A fresh object id: a "COMB" UUID — version 4 in form (the Genesys SDK refuses ids that
/// are not), with its first 48 bits the time `at` in milliseconds and the other 74 random.
/// Ids made close in time sort close together, so a new row's primary-key and event-index
/// entries land on the few B-tree pages that recent writes already touched, instead of one
/// random page each (fewer pages written per commit on both backends).
pub fn new_id(at: casefile_domain::Timestamp) -> String {
    let mut bytes = uuid::Uuid::new_v4().into_bytes();
    let millis = u64::try_from(at.timestamp_millis())
        .unwrap_or(0)
        .to_be_bytes();
    bytes[..6].copy_from_slice(&millis[2..]);
    uuid::Builder::from_random_bytes(bytes)
        .into_uuid()
        .to_string()
}

/// An entity's event snapshot (its JSON, serialised once).
pub fn snapshot<T: serde::Serialize + ?Sized>(entity: &T) -> crate::app::error::Result<Snapshot> {
    Snapshot::of(entity).map_err(|e| crate::app::error::Error::internal(e.into()))
}

/// Who made a change, and when.
#[derive(Debug, Clone, Copy)]
pub struct Actor<'a> {
    /// The user or OAuth client id; `None` for the system itself.
    pub id: Option<&'a str>,
    pub at: casefile_domain::Timestamp,
}

/// The event of one change of one entity, with before/after snapshots.
pub fn change(
    entity_type: &'static str,
    entity_id: &str,
    version: i64,
    kind: &'static str,
    actor: Actor<'_>,
    before: Option<Snapshot>,
    after: Option<Snapshot>,
) -> Change {
    Change::event(NewEvent {
        entity_type,
        entity_id: entity_id.to_owned(),
        version,
        kind,
        actor_id: actor.id.map(str::to_owned),
        at: actor.at,
        before,
        after,
    })
}
