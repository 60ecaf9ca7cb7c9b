//! The suite's shorthand for writing one entity: each builds a [`UnitOfWork`] and commits it
//! through `Store::commit_unit`, the store's one write verb (the store has no other).

use casefile_domain::authz::Grant;
use casefile_domain::contact::{Contact, Note};
use casefile_domain::task::workitem::Workitem;
use casefile_domain::user::User;
use casefile_store::{
    Change, Division, EntityWrite, NewUserRecord, OAuthClient, Result, SqlStore, Store, UnitOfWork,
};

async fn entity(store: &SqlStore, write: EntityWrite, change: &Change) -> Result<()> {
    let unit = UnitOfWork {
        entities: vec![write],
        ..UnitOfWork::default()
    };
    commit(store, unit, std::slice::from_ref(change)).await
}

async fn commit(store: &SqlStore, mut unit: UnitOfWork, changes: &[Change]) -> Result<()> {
    unit.changes = changes.to_vec();
    store.commit_unit(&unit).await.map(|_| ())
}

#[allow(async_fn_in_trait)] // used only in this test binary
pub trait Writes {
    async fn create_division(&self, d: &Division, change: &Change) -> Result<()>;
    async fn delete_division(&self, id: &str, change: &Change) -> Result<()>;
    async fn create_user(&self, record: &NewUserRecord<'_>, change: &Change) -> Result<()>;
    async fn update_user(
        &self,
        user: &User,
        expected: i64,
        grants: Option<&[Grant]>,
        change: &Change,
    ) -> Result<()>;
    async fn upsert_client(
        &self,
        client: &OAuthClient,
        grants: &[Grant],
        change: &Change,
    ) -> Result<()>;
    async fn insert_workitems(&self, workitems: &[Workitem], changes: &[Change]) -> Result<()>;
    async fn delete_workitem(&self, id: &str, expected: i64, change: &Change) -> Result<()>;
    async fn create_contact(&self, c: &Contact, change: &Change) -> Result<()>;
    async fn update_contact(&self, c: &Contact, expected: i64, change: &Change) -> Result<()>;
    async fn delete_contact(&self, id: &str, expected: i64, change: &Change) -> Result<()>;
    async fn create_contact_note(&self, n: &Note, change: &Change) -> Result<()>;
    async fn update_contact_note(&self, n: &Note, expected: i64, change: &Change) -> Result<()>;
}

impl Writes for SqlStore {
    async fn create_division(&self, d: &Division, change: &Change) -> Result<()> {
        entity(self, EntityWrite::DivisionInsert(d.clone()), change).await
    }

    async fn delete_division(&self, id: &str, change: &Change) -> Result<()> {
        let write = EntityWrite::DivisionDelete { id: id.to_owned() };
        entity(self, write, change).await
    }

    async fn create_user(&self, record: &NewUserRecord<'_>, change: &Change) -> Result<()> {
        let write = EntityWrite::UserInsert {
            user: record.user.clone(),
            password_hash: record.password_hash.map(str::to_owned),
            grants: record.grants.to_vec(),
        };
        entity(self, write, change).await
    }

    async fn update_user(
        &self,
        user: &User,
        expected: i64,
        grants: Option<&[Grant]>,
        change: &Change,
    ) -> Result<()> {
        let write = EntityWrite::UserUpdate {
            user: user.clone(),
            expected,
            grants: grants.map(<[Grant]>::to_vec),
        };
        entity(self, write, change).await
    }

    async fn upsert_client(
        &self,
        client: &OAuthClient,
        grants: &[Grant],
        change: &Change,
    ) -> Result<()> {
        let write = EntityWrite::ClientUpsert {
            client: client.clone(),
            grants: grants.to_vec(),
        };
        entity(self, write, change).await
    }

    async fn insert_workitems(&self, workitems: &[Workitem], changes: &[Change]) -> Result<()> {
        let unit = UnitOfWork {
            workitem_inserts: workitems.to_vec(),
            ..UnitOfWork::default()
        };
        commit(self, unit, changes).await
    }

    async fn delete_workitem(&self, id: &str, expected: i64, change: &Change) -> Result<()> {
        let unit = UnitOfWork {
            workitem_deletes: vec![(id.to_owned(), expected)],
            ..UnitOfWork::default()
        };
        commit(self, unit, std::slice::from_ref(change)).await
    }

    async fn create_contact(&self, c: &Contact, change: &Change) -> Result<()> {
        entity(self, EntityWrite::ContactInsert(c.clone()), change).await
    }

    async fn update_contact(&self, c: &Contact, expected: i64, change: &Change) -> Result<()> {
        let write = EntityWrite::ContactUpdate {
            contact: c.clone(),
            expected,
        };
        entity(self, write, change).await
    }

    async fn delete_contact(&self, id: &str, expected: i64, change: &Change) -> Result<()> {
        let write = EntityWrite::ContactDelete {
            id: id.to_owned(),
            expected,
        };
        entity(self, write, change).await
    }

    async fn create_contact_note(&self, n: &Note, change: &Change) -> Result<()> {
        entity(self, EntityWrite::NoteInsert(n.clone()), change).await
    }

    async fn update_contact_note(&self, n: &Note, expected: i64, change: &Change) -> Result<()> {
        let write = EntityWrite::NoteUpdate {
            note: n.clone(),
            expected,
        };
        entity(self, write, change).await
    }
}
