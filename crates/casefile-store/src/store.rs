//! The [`Store`] trait: everything casefile persists.

use async_trait::async_trait;
use casefile_domain::Timestamp;
use casefile_domain::authz::Grant;
use casefile_domain::case::engine::Case;
use casefile_domain::contact::{Contact, Note};
use casefile_domain::task::workitem::Workitem;
use casefile_domain::user::User;

use crate::{
    Backend, CaseQuery, Change, ContactFilter, Division, DivisionFilter, Document, DocumentFilter,
    Event, Health, Listing, OAuthClient, Page, Result, TokenRecord, UnitOfWork, UserFilter,
    WorkitemQuery,
};

/// Everything casefile persists. Implemented once over SQL for both backends
/// (see `sql/`), exercised by one conformance suite on both.
#[async_trait]
pub trait Store: Send + Sync + 'static {
    fn backend(&self) -> Backend;

    /// Reachable, and every migration this build knows is applied.
    async fn health(&self) -> Result<Health>;

    // divisions
    /// Returns the home division, creating `candidate` as the home division if there is none.
    async fn ensure_home_division(&self, candidate: &Division, change: &Change)
    -> Result<Division>;
    async fn home_division(&self) -> Result<Division>;
    async fn get_division(&self, id: &str) -> Result<Division>;
    async fn list_divisions(
        &self,
        filter: &DivisionFilter,
        page: Page,
    ) -> Result<Listing<Division>>;
    async fn count_division_objects(&self, id: &str) -> Result<Vec<(String, i64)>>;

    // users
    async fn get_user(&self, id: &str) -> Result<User>;
    /// The user with this (lowercased) email and their password hash, for sign-in.
    async fn find_user_login(&self, email: &str) -> Result<Option<(User, Option<String>)>>;
    async fn list_users(&self, filter: &UserFilter, page: Page) -> Result<Listing<User>>;

    // authorization
    async fn grants(&self, subject_id: &str) -> Result<Vec<Grant>>;

    // OAuth clients and tokens
    async fn get_client(&self, id: &str) -> Result<OAuthClient>;
    async fn insert_token(&self, token: &TokenRecord) -> Result<()>;
    async fn get_token(&self, token_hash: &str) -> Result<TokenRecord>;
    async fn delete_expired_tokens(&self, now: Timestamp) -> Result<u64>;

    // configuration documents
    async fn get_document(&self, kind: &'static str, id: &str) -> Result<Document>;
    async fn list_documents(
        &self,
        kind: &'static str,
        filter: &DocumentFilter,
    ) -> Result<Vec<Document>>;
    async fn count_documents(&self, kind: &'static str) -> Result<i64>;

    // workitems
    async fn get_workitem(&self, id: &str) -> Result<Workitem>;
    async fn query_workitems(&self, query: &WorkitemQuery) -> Result<Vec<Workitem>>;
    async fn count_workitems(&self, query: &WorkitemQuery) -> Result<i64>;
    async fn due_workitem_transitions(&self, now: Timestamp, limit: i64) -> Result<Vec<Workitem>>;

    // audit
    async fn events(&self, entity_type: &str, entity_id: &str) -> Result<Vec<Event>>;
    /// The event that produced `version` of the entity.
    async fn event_at_version(
        &self,
        entity_type: &str,
        entity_id: &str,
        version: i64,
    ) -> Result<Event>;
    async fn outbox_len(&self) -> Result<i64>;

    // external contacts
    async fn get_contact(&self, id: &str) -> Result<Contact>;
    async fn list_contacts(&self, filter: &ContactFilter, page: Page) -> Result<Listing<Contact>>;
    async fn get_contact_note(&self, contact_id: &str, id: &str) -> Result<Note>;
    /// The contact's notes by creation time, oldest first unless `descending`.
    async fn list_contact_notes(
        &self,
        contact_id: &str,
        descending: bool,
        page: Page,
    ) -> Result<Listing<Note>>;

    // cases
    /// Commits a unit of work in one transaction; returns the reference given to the case it
    /// creates, if any.
    async fn commit_unit(&self, unit: &UnitOfWork) -> Result<Option<String>>;
    async fn get_case(&self, id: &str) -> Result<Case>;
    /// Case-insensitive.
    async fn get_case_by_reference(&self, reference: &str) -> Result<Case>;
    /// The contact's cases, newest first.
    async fn cases_by_contact(&self, contact_id: &str, limit: i64) -> Result<Vec<Case>>;
    async fn caseplan_has_cases(&self, caseplan_id: &str) -> Result<bool>;
    async fn query_cases(&self, query: &CaseQuery) -> Result<Vec<Case>>;
    async fn count_cases(&self, query: &CaseQuery) -> Result<i64>;
}
