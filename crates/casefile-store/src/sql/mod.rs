//! The SQL implementation of [`Store`](crate::Store), one code path for SQLite and PostgreSQL.
//!
//! Queries are written once with `$N` placeholders, which both backends accept, and run
//! through sqlx's `Any` driver; the few dialect differences are switched on [`Backend`].
//! SQLite gets a single-connection writer pool (SQLite admits one writer at a time; queueing
//! in the pool is cheaper than spinning on `SQLITE_BUSY`) and a pool of readers; PostgreSQL
//! uses one pool and relies on row locks and conditional updates.

mod audit;
mod auth;
mod cases;
mod combine;
mod contacts;
mod divisions;
mod documents;
mod migrate;
mod reader;
mod rows;
mod sqlite_writer;
mod tx;
mod users;
mod workitems;
mod writer;

use combine::Step;
use tx::Tx;
use writer::Writer;

pub use workitems::NO_DUE_DATE;

use std::time::Duration;

use async_trait::async_trait;
use casefile_domain::Timestamp;
use casefile_domain::authz::{DivisionScope, Divisions, Grant};
use casefile_domain::user::User;
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, Executor};
use std::str::FromStr;

use casefile_domain::case::engine::Case;
use casefile_domain::contact::{Contact, Note};
use casefile_domain::task::workitem::Workitem;

use crate::{
    Change, ContactFilter, Division, DivisionFilter, Document, DocumentFilter, DocumentWrite,
    Error, Event, Health, Listing, NewUserRecord, OAuthClient, Page, Result, Store, TokenRecord,
    UnitOfWork, UserFilter, WorkitemQuery,
};

/// Which database a URL names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn from_url(url: &str) -> Result<Backend> {
        let scheme = url.split_once(':').map(|(s, _)| s).unwrap_or("");
        match scheme {
            "sqlite" => Ok(Backend::Sqlite),
            "postgres" | "postgresql" => Ok(Backend::Postgres),
            _ => Err(Error::InvalidUrl(format!(
                "database URL must start with sqlite:// or postgres://, got {:?}",
                redact(url)
            ))),
        }
    }
}

/// Drops any password from a URL before it is shown.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(start), Some(at)) if at > start => {
            let userinfo = &url[start + 3..at];
            let user = userinfo.split(':').next().unwrap_or("");
            format!("{}://{}:***@{}", &url[..start], user, &url[at + 1..])
        }
        _ => url.to_owned(),
    }
}

/// How to size the pools.
#[derive(Debug, Clone, Copy)]
pub struct PoolSizes {
    pub readers: u32,
    pub postgres: u32,
}

impl Default for PoolSizes {
    fn default() -> Self {
        Self {
            readers: 4,
            postgres: 16,
        }
    }
}

#[derive(Debug, Clone)]
pub struct SqlStore {
    backend: Backend,
    writer: Writer,
    reader: AnyPool,
    /// The hot reads: in place on SQLite, the reader pool on PostgreSQL.
    reads: reader::Reads,
}

/// Opens (creating an SQLite file if missing) and migrates the database at `url`.
pub async fn connect(url: &str, sizes: PoolSizes) -> Result<SqlStore> {
    sqlx::any::install_default_drivers();
    let backend = Backend::from_url(url)?;
    let store = match backend {
        Backend::Sqlite => {
            let url = sqlite_url(url);
            let options =
                AnyConnectOptions::from_str(&url).map_err(|e| Error::InvalidUrl(e.to_string()))?;
            let writer = sqlite_pool(1)
                .connect_with(options.clone())
                .await
                .map_err(Error::from)?;
            let reader = sqlite_pool(sizes.readers)
                .connect_with(options)
                .await
                .map_err(Error::from)?;
            migrate::run(&writer, backend).await?;
            let file: String =
                sqlx::query_scalar("SELECT file FROM pragma_database_list WHERE name = 'main'")
                    .fetch_one(&writer)
                    .await?;
            writer.close().await;
            SqlStore {
                backend,
                writer: Writer::batched(&file)?,
                reader,
                reads: reader::Reads::in_place(&file)?,
            }
        }
        Backend::Postgres => {
            let options =
                AnyConnectOptions::from_str(url).map_err(|e| Error::InvalidUrl(e.to_string()))?;
            let pool = postgres_pool(sizes)
                .connect_with(options.clone())
                .await
                .map_err(Error::from)?;
            migrate::run(&pool, backend).await?;
            // Writes get a pool of their own whose sessions always use generic plans: every
            // write statement is prepared once per connection and its plan does not depend on
            // the values bound, yet PostgreSQL would plan each of the first five runs anew (and
            // keep doing so for the large one-statement units of `combine.rs`). Ad-hoc reads
            // keep value-aware planning.
            let writes = postgres_pool(sizes)
                .after_connect(|conn, _meta| {
                    Box::pin(async move {
                        conn.execute("SET plan_cache_mode = force_generic_plan")
                            .await?;
                        Ok(())
                    })
                })
                .connect_with(options)
                .await
                .map_err(Error::from)?;
            SqlStore {
                backend,
                writer: Writer::Direct(writes),
                reads: reader::Reads::Pool(pool.clone()),
                reader: pool,
            }
        }
    };
    Ok(store)
}

/// `sqlite://file.db` → `sqlite://file.db?mode=rwc` so a missing file is created.
fn sqlite_url(url: &str) -> String {
    if url.contains('?') {
        url.to_owned()
    } else {
        format!("{url}?mode=rwc")
    }
}

/// No ping before every acquire: a dead connection surfaces as an error on use, which the pool
/// then replaces; the ping doubled every query's round trips.
fn postgres_pool(sizes: PoolSizes) -> AnyPoolOptions {
    AnyPoolOptions::new()
        .max_connections(sizes.postgres)
        .test_before_acquire(false)
        .acquire_timeout(Duration::from_secs(10))
}

fn sqlite_pool(max: u32) -> AnyPoolOptions {
    AnyPoolOptions::new()
        .max_connections(max)
        .min_connections(1)
        .test_before_acquire(false)
        .acquire_timeout(Duration::from_secs(10))
        .after_connect(|conn, _meta| {
            Box::pin(async move {
                for pragma in [
                    "PRAGMA journal_mode = WAL",
                    "PRAGMA synchronous = FULL",
                    "PRAGMA foreign_keys = ON",
                    "PRAGMA busy_timeout = 5000",
                    "PRAGMA temp_store = MEMORY",
                    // No mmap: the database file grows under steady writes, and every remap
                    // cost a TLB shootdown across the cores (~7 % fewer case lifecycles).
                ] {
                    conn.execute(pragma).await?;
                }
                Ok(())
            })
        })
}

/// `$1, $2, …` placeholders starting after `first - 1` already-bound parameters.
fn placeholders(first: usize, count: usize) -> String {
    (first..first + count)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The SQL condition restricting rows to visible divisions, and its parameters.
/// Returns `None` when nothing is visible (the query can be skipped).
fn division_condition(
    column: &str,
    visible: &Divisions,
    first: usize,
) -> Option<(String, Vec<String>)> {
    match visible {
        Divisions::All => Some(("1 = 1".to_owned(), Vec::new())),
        Divisions::Only(ids) if ids.is_empty() => None,
        Divisions::Only(ids) => Some((
            format!("{column} IN ({})", placeholders(first, ids.len())),
            ids.clone(),
        )),
    }
}

fn scope_of(division: &str) -> DivisionScope {
    DivisionScope::parse(division)
}

async fn replace_grants(conn: &mut Tx, subject_id: &str, grants: &[Grant]) -> Result<()> {
    tx::query("DELETE FROM grants WHERE subject_id = $1")
        .bind(subject_id)
        .execute(&mut *conn)
        .await?;
    for grant in grants {
        tx::query("INSERT INTO grants (subject_id, role, division) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING")
            .bind(subject_id)
            .bind(grant.role.id())
            .bind(grant.scope.as_str())
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// A conditional write (`… WHERE id = $a AND version = $b`) built before the unit of work runs.
pub struct Guarded {
    query: tx::Query<'static>,
    table: &'static str,
    id: String,
    expected: i64,
}

impl Guarded {
    pub fn new(query: tx::Query<'_>, table: &'static str, id: &str, expected: i64) -> Guarded {
        Guarded {
            query: query.into_owned(),
            table,
            id: id.to_owned(),
            expected,
        }
    }

    pub fn query(&self) -> &tx::Query<'static> {
        &self.query
    }

    /// Runs it: no row touched means the row is missing or stale.
    pub async fn run(self, conn: &mut Tx) -> Result<()> {
        if self.query.execute(&mut *conn).await? == 0 {
            return Err(missing_or_stale(conn, self.table, &self.id).await);
        }
        Ok(())
    }

    /// After a combined statement failed its guards: whether this row is the one missing or
    /// no longer at the expected version.
    pub async fn failure(&self, pool: &AnyPool) -> Option<Error> {
        let sql = format!("SELECT version FROM {} WHERE id = $1", self.table);
        match sqlx::query_scalar::<_, i64>(&sql)
            .bind(&self.id)
            .fetch_optional(pool)
            .await
        {
            Ok(Some(current)) if current == self.expected => None,
            Ok(found) => Some(missing_or_stale_from(found)),
            Err(e) => Some(e.into()),
        }
    }
}

/// After a conditional update touched no row: was it missing, or stale?
async fn missing_or_stale(conn: &mut Tx, table: &str, id: &str) -> Error {
    let sql = format!("SELECT version FROM {table} WHERE id = $1");
    match tx::query(&sql).bind(id).fetch_optional(&mut *conn).await {
        Ok(found) => missing_or_stale_from(found),
        Err(e) => e,
    }
}

/// The error for a row found at `found` version (or not at all) by a failed conditional write.
fn missing_or_stale_from(found: Option<i64>) -> Error {
    match found {
        Some(current) => Error::VersionMismatch { current },
        None => Error::NotFound,
    }
}

#[async_trait]
impl Store for SqlStore {
    fn backend(&self) -> Backend {
        self.backend
    }

    async fn health(&self) -> Result<Health> {
        migrate::health(&self.reader, self.backend).await
    }

    async fn ensure_home_division(
        &self,
        candidate: &Division,
        change: &Change,
    ) -> Result<Division> {
        if let Ok(home) = divisions::home(&self.reader).await {
            return Ok(home);
        }
        let (candidate, change) = (candidate.clone(), change.clone());
        let inserted = self
            .writer
            .run(Box::new(move |tx| {
                Box::pin(async move {
                    divisions::insert(&mut *tx, &candidate).await?;
                    audit::record(&mut *tx, &change).await
                })
            }))
            .await;
        match inserted {
            Ok(()) | Err(Error::Conflict { .. }) => divisions::home(&self.reader).await,
            Err(e) => Err(e),
        }
    }

    async fn home_division(&self) -> Result<Division> {
        divisions::home(&self.reader).await
    }

    async fn get_division(&self, id: &str) -> Result<Division> {
        divisions::get(&self.reader, id).await
    }

    async fn list_divisions(
        &self,
        filter: &DivisionFilter,
        page: Page,
    ) -> Result<Listing<Division>> {
        divisions::list(&self.reader, filter, page).await
    }

    async fn count_division_objects(&self, id: &str) -> Result<Vec<(String, i64)>> {
        divisions::object_counts(&self.reader, id).await
    }

    async fn create_division(&self, division: &Division, change: &Change) -> Result<()> {
        let division = division.clone();
        let change = change.clone();
        self.writer
            .run(Box::new(move |tx| {
                Box::pin(async move {
                    divisions::insert(&mut *tx, &division).await?;
                    audit::record(&mut *tx, &change).await?;
                    Ok(())
                })
            }))
            .await
    }

    async fn update_division(
        &self,
        division: &Division,
        expected_version: i64,
        change: &Change,
    ) -> Result<()> {
        let division = division.clone();
        let change = change.clone();
        self.writer
            .run(Box::new(move |tx| {
                Box::pin(async move {
                    divisions::update(&mut *tx, &division, expected_version).await?;
                    audit::record(&mut *tx, &change).await?;
                    Ok(())
                })
            }))
            .await
    }

    async fn delete_division(&self, id: &str, change: &Change) -> Result<()> {
        let id = id.to_owned();
        let change = change.clone();
        self.writer
            .run(Box::new(move |tx| {
                Box::pin(async move {
                    divisions::delete(&mut *tx, &id).await?;
                    audit::record(&mut *tx, &change).await?;
                    Ok(())
                })
            }))
            .await
    }

    async fn create_user(&self, record: &NewUserRecord<'_>, change: &Change) -> Result<()> {
        let (user, password_hash, grants) = (
            record.user.clone(),
            record.password_hash.map(str::to_owned),
            record.grants.to_vec(),
        );
        let change = change.clone();
        self.writer
            .run(Box::new(move |tx| {
                Box::pin(async move {
                    users::insert(&mut *tx, &user, password_hash.as_deref()).await?;
                    replace_grants(&mut *tx, &user.id, &grants).await?;
                    audit::record(&mut *tx, &change).await?;
                    Ok(())
                })
            }))
            .await
    }

    async fn get_user(&self, id: &str) -> Result<User> {
        users::get(&self.reader, id).await
    }

    async fn find_user_login(&self, email: &str) -> Result<Option<(User, Option<String>)>> {
        users::find_login(&self.reader, email).await
    }

    async fn list_users(&self, filter: &UserFilter, page: Page) -> Result<Listing<User>> {
        users::list(&self.reader, filter, page).await
    }

    async fn update_user(
        &self,
        user: &User,
        expected_version: i64,
        grants: Option<&[Grant]>,
        change: &Change,
    ) -> Result<()> {
        let user = user.clone();
        let grants = grants.map(<[_]>::to_vec);
        let change = change.clone();
        self.writer
            .run(Box::new(move |tx| {
                Box::pin(async move {
                    users::update(&mut *tx, &user, expected_version).await?;
                    if let Some(grants) = grants {
                        replace_grants(&mut *tx, &user.id, &grants).await?;
                    }
                    audit::record(&mut *tx, &change).await?;
                    Ok(())
                })
            }))
            .await
    }

    async fn set_user_password(
        &self,
        user: &User,
        expected_version: i64,
        hash: &str,
        change: &Change,
    ) -> Result<()> {
        let user = user.clone();
        let hash = hash.to_owned();
        let change = change.clone();
        self.writer
            .run(Box::new(move |tx| {
                Box::pin(async move {
                    users::update(&mut *tx, &user, expected_version).await?;
                    users::set_password(&mut *tx, &user.id, &hash).await?;
                    audit::record(&mut *tx, &change).await?;
                    Ok(())
                })
            }))
            .await
    }

    async fn grants(&self, subject_id: &str) -> Result<Vec<Grant>> {
        auth::grants(&self.reader, subject_id).await
    }

    async fn upsert_client(
        &self,
        client: &OAuthClient,
        grants: &[Grant],
        change: &Change,
    ) -> Result<()> {
        let client = client.clone();
        let grants = grants.to_vec();
        let change = change.clone();
        self.writer
            .run(Box::new(move |tx| {
                Box::pin(async move {
                    auth::upsert_client(&mut *tx, &client).await?;
                    replace_grants(&mut *tx, &client.id, &grants).await?;
                    audit::record(&mut *tx, &change).await?;
                    Ok(())
                })
            }))
            .await
    }

    async fn get_client(&self, id: &str) -> Result<OAuthClient> {
        auth::get_client(&self.reader, id).await
    }

    async fn insert_token(&self, token: &TokenRecord) -> Result<()> {
        let token = token.clone();
        let token = token.clone();
        self.writer
            .run(Box::new(move |tx| {
                Box::pin(async move { auth::insert_token(&mut *tx, &token).await })
            }))
            .await
    }

    async fn get_token(&self, token_hash: &str) -> Result<TokenRecord> {
        auth::get_token(&self.reader, token_hash).await
    }

    async fn delete_expired_tokens(&self, now: Timestamp) -> Result<u64> {
        self.writer
            .run(Box::new(move |tx| {
                Box::pin(async move { auth::delete_expired_tokens(&mut *tx, now).await })
            }))
            .await
    }

    async fn write_documents(&self, writes: &[DocumentWrite], changes: &[Change]) -> Result<()> {
        let writes = writes.to_vec();
        let changes = changes.to_vec();
        self.writer
            .run(Box::new(move |tx| {
                Box::pin(async move {
                    for write in writes {
                        documents::write(&mut *tx, &write).await?;
                    }
                    for change in changes {
                        audit::record(&mut *tx, &change).await?;
                    }
                    Ok(())
                })
            }))
            .await
    }

    async fn get_document(&self, kind: &'static str, id: &str) -> Result<Document> {
        documents::get(&self.reader, kind, id).await
    }

    async fn list_documents(
        &self,
        kind: &'static str,
        filter: &DocumentFilter,
    ) -> Result<Vec<Document>> {
        documents::list(&self.reader, kind, filter).await
    }

    async fn count_documents(&self, kind: &'static str) -> Result<i64> {
        documents::count(&self.reader, kind).await
    }

    async fn insert_workitems(&self, items: &[Workitem], changes: &[Change]) -> Result<()> {
        let mut steps = items
            .iter()
            .map(|w| workitems::insert(w).map(Step::from))
            .collect::<Result<Vec<_>>>()?;
        steps.extend(audit::rows(changes.iter()).into_iter().map(Step::from));
        self.writer.run_steps(steps).await
    }

    async fn update_workitem(
        &self,
        workitem: &Workitem,
        expected_version: i64,
        change: &Change,
    ) -> Result<()> {
        let mut steps = vec![Step::from(workitems::update(workitem, expected_version)?)];
        steps.extend(
            audit::rows(std::iter::once(change))
                .into_iter()
                .map(Step::from),
        );
        self.writer.run_steps(steps).await
    }

    async fn delete_workitem(&self, id: &str, change: &Change) -> Result<()> {
        let id = id.to_owned();
        let change = change.clone();
        self.writer
            .run(Box::new(move |tx| {
                Box::pin(async move {
                    workitems::delete(&mut *tx, &id).await?;
                    audit::record(&mut *tx, &change).await?;
                    Ok(())
                })
            }))
            .await
    }

    async fn get_workitem(&self, id: &str) -> Result<Workitem> {
        workitems::get(&self.reads, id).await
    }

    async fn query_workitems(&self, query: &WorkitemQuery) -> Result<Vec<Workitem>> {
        // In place only when an equality on a key bounds the rows to a few (a workitem by id, a
        // case's workitems); any other query may scan, so it runs off the caller's thread.
        if workitems::is_key_lookup(query) {
            workitems::query(&self.reads, self.backend, query).await
        } else {
            let pool = reader::Reads::Pool(self.reader.clone());
            workitems::query(&pool, self.backend, query).await
        }
    }

    async fn count_workitems(&self, query: &WorkitemQuery) -> Result<i64> {
        workitems::count(&self.reader, self.backend, query).await
    }

    async fn due_workitem_transitions(&self, now: Timestamp, limit: i64) -> Result<Vec<Workitem>> {
        workitems::due_transitions(&self.reader, now, limit).await
    }

    async fn event_at_version(
        &self,
        entity_type: &str,
        entity_id: &str,
        version: i64,
    ) -> Result<Event> {
        audit::event_at_version(&self.reader, entity_type, entity_id, version).await
    }

    async fn events(&self, entity_type: &str, entity_id: &str) -> Result<Vec<Event>> {
        audit::events(&self.reader, entity_type, entity_id).await
    }

    async fn outbox_len(&self) -> Result<i64> {
        audit::outbox_len(&self.reader).await
    }

    async fn create_contact(&self, contact: &Contact, change: &Change) -> Result<()> {
        let contact = contact.clone();
        let change = change.clone();
        self.writer
            .run(Box::new(move |tx| {
                Box::pin(async move {
                    contacts::insert(&mut *tx, &contact).await?;
                    audit::record(&mut *tx, &change).await?;
                    Ok(())
                })
            }))
            .await
    }

    async fn update_contact(
        &self,
        contact: &Contact,
        expected_version: i64,
        change: &Change,
    ) -> Result<()> {
        let contact = contact.clone();
        let change = change.clone();
        self.writer
            .run(Box::new(move |tx| {
                Box::pin(async move {
                    contacts::update(&mut *tx, &contact, expected_version).await?;
                    audit::record(&mut *tx, &change).await?;
                    Ok(())
                })
            }))
            .await
    }

    async fn delete_contact(&self, id: &str, expected_version: i64, change: &Change) -> Result<()> {
        let id = id.to_owned();
        let change = change.clone();
        self.writer
            .run(Box::new(move |tx| {
                Box::pin(async move {
                    contacts::delete(&mut *tx, &id, expected_version).await?;
                    audit::record(&mut *tx, &change).await?;
                    Ok(())
                })
            }))
            .await
    }

    async fn get_contact(&self, id: &str) -> Result<Contact> {
        contacts::get(&self.reader, id).await
    }

    async fn list_contacts(&self, filter: &ContactFilter, page: Page) -> Result<Listing<Contact>> {
        contacts::list(&self.reader, filter, page).await
    }

    async fn create_contact_note(&self, note: &Note, change: &Change) -> Result<()> {
        let note = note.clone();
        let change = change.clone();
        self.writer
            .run(Box::new(move |tx| {
                Box::pin(async move {
                    contacts::insert_note(&mut *tx, &note).await?;
                    audit::record(&mut *tx, &change).await?;
                    Ok(())
                })
            }))
            .await
    }

    async fn update_contact_note(
        &self,
        note: &Note,
        expected_version: i64,
        change: &Change,
    ) -> Result<()> {
        let note = note.clone();
        let change = change.clone();
        self.writer
            .run(Box::new(move |tx| {
                Box::pin(async move {
                    contacts::update_note(&mut *tx, &note, expected_version).await?;
                    audit::record(&mut *tx, &change).await?;
                    Ok(())
                })
            }))
            .await
    }

    async fn delete_contact_note(&self, contact_id: &str, id: &str, change: &Change) -> Result<()> {
        let contact_id = contact_id.to_owned();
        let id = id.to_owned();
        let change = change.clone();
        self.writer
            .run(Box::new(move |tx| {
                Box::pin(async move {
                    contacts::delete_note(&mut *tx, &contact_id, &id).await?;
                    audit::record(&mut *tx, &change).await?;
                    Ok(())
                })
            }))
            .await
    }

    async fn get_contact_note(&self, contact_id: &str, id: &str) -> Result<Note> {
        contacts::get_note(&self.reader, contact_id, id).await
    }

    async fn list_contact_notes(
        &self,
        contact_id: &str,
        descending: bool,
        page: Page,
    ) -> Result<Listing<Note>> {
        contacts::list_notes(&self.reader, contact_id, descending, page).await
    }

    async fn commit_unit(&self, unit: &UnitOfWork) -> Result<Option<String>> {
        // Everything but the new case (numbered inside) is serialised before the writer runs.
        let case_insert = unit.case_insert.clone();
        let mut writes = Vec::new();
        for (c, expected) in &unit.case_updates {
            writes.push(Step::from(cases::update(c, *expected)?));
        }
        for w in &unit.workitem_inserts {
            writes.push(Step::from(workitems::insert(w)?));
        }
        for (w, expected) in &unit.workitem_updates {
            writes.push(Step::from(workitems::update(w, *expected)?));
        }
        let documents = unit.documents.clone();
        let events: Vec<Step> = audit::rows(unit.changes.iter())
            .into_iter()
            .map(Step::from)
            .collect();
        if case_insert.is_none() && documents.is_empty() {
            writes.extend(events);
            return self.writer.run_steps(writes).await.map(|()| None);
        }
        if let (Writer::Direct(pool), Some(insert), true) =
            (&self.writer, &case_insert, documents.is_empty())
        {
            writes.extend(events);
            if combine::fits_one_statement(&writes)
                && let Some(tail) = cases::numbered_insert(insert)?
            {
                let number = combine::run_combined_with(pool, writes, tail).await?;
                return Ok(Some(case_reference(insert, number)?));
            }
            return commit_in_transaction(&self.writer, Vec::new(), writes, documents, case_insert)
                .await;
        }
        commit_in_transaction(&self.writer, writes, events, documents, case_insert).await
    }

    async fn get_case(&self, id: &str) -> Result<Case> {
        cases::get(&self.reads, id).await
    }

    async fn get_case_by_reference(&self, reference: &str) -> Result<Case> {
        cases::get_by_reference(&self.reader, reference).await
    }

    async fn cases_by_contact(&self, contact_id: &str, limit: i64) -> Result<Vec<Case>> {
        cases::by_contact(&self.reader, contact_id, limit).await
    }

    async fn caseplan_has_cases(&self, caseplan_id: &str) -> Result<bool> {
        cases::exists_for_caseplan(&self.reader, caseplan_id).await
    }

    async fn query_cases(&self, query: &crate::CaseQuery) -> Result<Vec<Case>> {
        cases::query(&self.reader, query).await
    }

    async fn count_cases(&self, query: &crate::CaseQuery) -> Result<i64> {
        cases::count(&self.reader, query).await
    }
}

/// A unit of work in a transaction of several statements: with documents, on SQLite, or
/// when it is too large for one statement.
async fn commit_in_transaction(
    writer: &Writer,
    writes: Vec<Step>,
    events: Vec<Step>,
    documents: Vec<DocumentWrite>,
    case_insert: Option<crate::CaseInsert>,
) -> Result<Option<String>> {
    writer
        .run(Box::new(move |tx| {
            Box::pin(async move {
                // Everything else first: the counter row stays locked from its increment
                // to the commit, and every case of the caseplan waits for it.
                combine::run_in_one(&mut *tx, writes).await?;
                for write in &documents {
                    documents::write(&mut *tx, write).await?;
                }
                combine::run_in_one(&mut *tx, events).await?;
                let mut reference = None;
                if let Some(insert) = &case_insert {
                    let number = cases::next_number(&mut *tx, &insert.case.caseplan_id).await?;
                    let mut case = insert.case.clone();
                    case.reference = case_reference(insert, number)?;
                    let mut event = insert.event.clone();
                    event.after = Some(crate::Snapshot::of(&case)?);
                    let mut steps = vec![Step::from(cases::insert(&case)?)];
                    steps.extend(
                        audit::rows(std::iter::once(&Change::event(event)))
                            .into_iter()
                            .map(Step::from),
                    );
                    combine::run_in_one(&mut *tx, steps).await?;
                    reference = Some(case.reference);
                }
                Ok(reference)
            })
        }))
        .await
}

/// The reference a new case gets from its caseplan's prefix and its number.
fn case_reference(insert: &crate::CaseInsert, number: i64) -> Result<String> {
    let prefix = casefile_domain::case::reference::Prefix::parse("referencePrefix", &insert.prefix)
        .map_err(|e| Error::Corrupt(e.to_string()))?;
    Ok(prefix.reference(number))
}
