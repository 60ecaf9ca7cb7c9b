//! [`SqlStore`]: the [`Store`] trait over the table modules. Reads go to the reader pool (hot
//! ones through [`Reads`]); every write is one unit of work on the [`Writer`], through
//! [`SqlStore::write`] / [`SqlStore::write_all`] (which record the unit's changes last) or,
//! for units made only of prepared writes, [`Writer::run_steps`].

use async_trait::async_trait;
use casefile_domain::Timestamp;
use casefile_domain::authz::Grant;
use casefile_domain::case::engine::Case;
use casefile_domain::contact::{Contact, Note};
use casefile_domain::task::workitem::Workitem;
use casefile_domain::user::User;
use futures::future::BoxFuture;
use sqlx::AnyPool;

use super::backend::Backend;
use super::reader::Reads;
use super::tx::Tx;
use super::writer::Writer;
use super::{
    audit, auth, cases, commit, contacts, divisions, documents, migrate, users, workitems,
};
use crate::{
    CaseQuery, Change, ContactFilter, Division, DivisionFilter, Document, DocumentFilter, Error,
    Event, Health, Listing, OAuthClient, Page, Result, Store, TokenRecord, UnitOfWork, UserFilter,
    WorkitemQuery,
};

#[derive(Debug, Clone)]
pub struct SqlStore {
    pub(super) backend: Backend,
    pub(super) writer: Writer,
    pub(super) reader: AnyPool,
    /// The hot reads: in place on SQLite, the reader pool on PostgreSQL.
    pub(super) reads: Reads,
}

impl SqlStore {
    /// Runs `work` and then records `change`, in one transaction; its value once committed.
    async fn write<T: Send + 'static>(
        &self,
        change: &Change,
        work: impl for<'c> FnOnce(&'c mut Tx) -> BoxFuture<'c, Result<T>> + Send + 'static,
    ) -> Result<T> {
        self.write_all(std::slice::from_ref(change), work).await
    }

    /// Runs `work` and then records every one of `changes`, in one transaction; its value
    /// once committed. The inputs `work` uses are owned copies moved into it.
    async fn write_all<T: Send + 'static>(
        &self,
        changes: &[Change],
        work: impl for<'c> FnOnce(&'c mut Tx) -> BoxFuture<'c, Result<T>> + Send + 'static,
    ) -> Result<T> {
        let changes = changes.to_vec();
        self.writer
            .run(Box::new(move |tx| {
                Box::pin(async move {
                    let value = work(&mut *tx).await?;
                    for change in &changes {
                        audit::record(&mut *tx, change).await?;
                    }
                    Ok(value)
                })
            }))
            .await
    }
}

#[async_trait]
impl Store for SqlStore {
    fn backend(&self) -> Backend {
        self.backend
    }

    #[tracing::instrument(name = "store.health", level = "debug", skip_all)]
    async fn health(&self) -> Result<Health> {
        migrate::health(&self.reader, self.backend).await
    }

    #[tracing::instrument(name = "store.ensure_home_division", level = "debug", skip_all)]
    async fn ensure_home_division(
        &self,
        candidate: &Division,
        change: &Change,
    ) -> Result<Division> {
        if let Ok(home) = divisions::home(&self.reader).await {
            return Ok(home);
        }
        let candidate = candidate.clone();
        let inserted = self
            .write(change, move |tx| {
                Box::pin(async move { divisions::insert(tx, &candidate).await })
            })
            .await;
        match inserted {
            Ok(()) | Err(Error::Conflict { .. }) => divisions::home(&self.reader).await,
            Err(e) => Err(e),
        }
    }

    #[tracing::instrument(name = "store.home_division", level = "debug", skip_all)]
    async fn home_division(&self) -> Result<Division> {
        divisions::home(&self.reader).await
    }

    #[tracing::instrument(name = "store.get_division", level = "debug", skip_all)]
    async fn get_division(&self, id: &str) -> Result<Division> {
        divisions::get(&self.reader, id).await
    }

    #[tracing::instrument(name = "store.list_divisions", level = "debug", skip_all)]
    async fn list_divisions(
        &self,
        filter: &DivisionFilter,
        page: Page,
    ) -> Result<Listing<Division>> {
        divisions::list(&self.reader, filter, page).await
    }

    #[tracing::instrument(name = "store.count_division_objects", level = "debug", skip_all)]
    async fn count_division_objects(&self, id: &str) -> Result<Vec<(String, i64)>> {
        divisions::object_counts(&self.reader, id).await
    }

    #[tracing::instrument(name = "store.get_user", level = "debug", skip_all)]
    async fn get_user(&self, id: &str) -> Result<User> {
        users::get(&self.reader, id).await
    }

    #[tracing::instrument(name = "store.find_user_login", level = "debug", skip_all)]
    async fn find_user_login(&self, email: &str) -> Result<Option<(User, Option<String>)>> {
        users::find_login(&self.reader, email).await
    }

    #[tracing::instrument(name = "store.list_users", level = "debug", skip_all)]
    async fn list_users(&self, filter: &UserFilter, page: Page) -> Result<Listing<User>> {
        users::list(&self.reader, filter, page).await
    }

    #[tracing::instrument(name = "store.grants", level = "debug", skip_all)]
    async fn grants(&self, subject_id: &str) -> Result<Vec<Grant>> {
        auth::grants(&self.reader, subject_id).await
    }

    #[tracing::instrument(name = "store.get_client", level = "debug", skip_all)]
    async fn get_client(&self, id: &str) -> Result<OAuthClient> {
        auth::get_client(&self.reader, id).await
    }

    #[tracing::instrument(name = "store.insert_token", level = "debug", skip_all)]
    async fn insert_token(&self, token: &TokenRecord) -> Result<()> {
        let token = token.clone();
        // Tokens are not audited: the unit records no change.
        self.write_all(&[], move |tx| {
            Box::pin(async move { auth::insert_token(tx, &token).await })
        })
        .await
    }

    #[tracing::instrument(name = "store.get_token", level = "debug", skip_all)]
    async fn get_token(&self, token_hash: &str) -> Result<TokenRecord> {
        auth::get_token(&self.reader, token_hash).await
    }

    #[tracing::instrument(name = "store.delete_expired_tokens", level = "debug", skip_all)]
    async fn delete_expired_tokens(&self, now: Timestamp) -> Result<u64> {
        self.write_all(&[], move |tx| {
            Box::pin(async move { auth::delete_expired_tokens(tx, now).await })
        })
        .await
    }

    #[tracing::instrument(name = "store.get_document", level = "debug", skip_all)]
    async fn get_document(&self, kind: &'static str, id: &str) -> Result<Document> {
        documents::get(&self.reader, kind, id).await
    }

    #[tracing::instrument(name = "store.list_documents", level = "debug", skip_all)]
    async fn list_documents(
        &self,
        kind: &'static str,
        filter: &DocumentFilter,
    ) -> Result<Vec<Document>> {
        documents::list(&self.reader, kind, filter).await
    }

    #[tracing::instrument(name = "store.count_documents", level = "debug", skip_all)]
    async fn count_documents(&self, kind: &'static str) -> Result<i64> {
        documents::count(&self.reader, kind).await
    }

    #[tracing::instrument(name = "store.get_workitem", level = "debug", skip_all)]
    async fn get_workitem(&self, id: &str) -> Result<Workitem> {
        workitems::get(&self.reads, id).await
    }

    #[tracing::instrument(name = "store.query_workitems", level = "debug", skip_all)]
    async fn query_workitems(&self, query: &WorkitemQuery) -> Result<Vec<Workitem>> {
        // In place only when an equality on a key bounds the rows to a few (a workitem by id, a
        // case's workitems); any other query may scan, so it runs off the caller's thread.
        if workitems::is_key_lookup(query) {
            workitems::query(&self.reads, self.backend, query).await
        } else {
            let pool = Reads::Pool(self.reader.clone());
            workitems::query(&pool, self.backend, query).await
        }
    }

    #[tracing::instrument(name = "store.count_workitems", level = "debug", skip_all)]
    async fn count_workitems(&self, query: &WorkitemQuery) -> Result<i64> {
        workitems::count(&self.reader, self.backend, query).await
    }

    #[tracing::instrument(name = "store.due_workitem_transitions", level = "debug", skip_all)]
    async fn due_workitem_transitions(&self, now: Timestamp, limit: i64) -> Result<Vec<Workitem>> {
        workitems::due_transitions(&self.reader, now, limit).await
    }

    #[tracing::instrument(name = "store.event_at_version", level = "debug", skip_all)]
    async fn event_at_version(
        &self,
        entity_type: &str,
        entity_id: &str,
        version: i64,
    ) -> Result<Event> {
        audit::event_at_version(&self.reader, entity_type, entity_id, version).await
    }

    #[tracing::instrument(name = "store.events", level = "debug", skip_all)]
    async fn events(&self, entity_type: &str, entity_id: &str) -> Result<Vec<Event>> {
        audit::events(&self.reader, entity_type, entity_id).await
    }

    #[tracing::instrument(name = "store.outbox_len", level = "debug", skip_all)]
    async fn outbox_len(&self) -> Result<i64> {
        audit::outbox_len(&self.reader).await
    }

    #[tracing::instrument(name = "store.get_contact", level = "debug", skip_all)]
    async fn get_contact(&self, id: &str) -> Result<Contact> {
        contacts::get(&self.reader, id).await
    }

    #[tracing::instrument(name = "store.list_contacts", level = "debug", skip_all)]
    async fn list_contacts(&self, filter: &ContactFilter, page: Page) -> Result<Listing<Contact>> {
        contacts::list(&self.reader, filter, page).await
    }

    #[tracing::instrument(name = "store.get_contact_note", level = "debug", skip_all)]
    async fn get_contact_note(&self, contact_id: &str, id: &str) -> Result<Note> {
        contacts::get_note(&self.reader, contact_id, id).await
    }

    #[tracing::instrument(name = "store.list_contact_notes", level = "debug", skip_all)]
    async fn list_contact_notes(
        &self,
        contact_id: &str,
        descending: bool,
        page: Page,
    ) -> Result<Listing<Note>> {
        contacts::list_notes(&self.reader, contact_id, descending, page).await
    }

    #[tracing::instrument(name = "store.commit_unit", level = "debug", skip_all)]
    async fn commit_unit(&self, unit: &UnitOfWork) -> Result<Option<String>> {
        commit::unit(&self.writer, unit).await
    }

    #[tracing::instrument(name = "store.get_case", level = "debug", skip_all)]
    async fn get_case(&self, id: &str) -> Result<Case> {
        cases::get(&self.reads, id).await
    }

    #[tracing::instrument(name = "store.get_case_by_reference", level = "debug", skip_all)]
    async fn get_case_by_reference(&self, reference: &str) -> Result<Case> {
        cases::get_by_reference(&self.reader, reference).await
    }

    #[tracing::instrument(name = "store.cases_by_contact", level = "debug", skip_all)]
    async fn cases_by_contact(&self, contact_id: &str, limit: i64) -> Result<Vec<Case>> {
        cases::by_contact(&self.reader, contact_id, limit).await
    }

    #[tracing::instrument(name = "store.caseplan_has_cases", level = "debug", skip_all)]
    async fn caseplan_has_cases(&self, caseplan_id: &str) -> Result<bool> {
        cases::exists_for_caseplan(&self.reader, caseplan_id).await
    }

    #[tracing::instrument(name = "store.query_cases", level = "debug", skip_all)]
    async fn query_cases(&self, query: &CaseQuery) -> Result<Vec<Case>> {
        cases::query(&self.reader, query).await
    }

    #[tracing::instrument(name = "store.count_cases", level = "debug", skip_all)]
    async fn count_cases(&self, query: &CaseQuery) -> Result<i64> {
        cases::count(&self.reader, query).await
    }
}
