//! Read-through caches for what every request reads and rarely changes: configuration
//! documents, users and division names (kept for [`DOCUMENT_SECONDS`], dropped at once when
//! this node writes them) and parsed schema versions (immutable, kept until restart).
//!
//! Another node's change to a document is seen within `DOCUMENT_SECONDS`; a write based on a
//! stale copy fails its version check instead of overwriting.

use std::any::Any;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use casefile_domain::Timestamp;
use casefile_domain::schema;
use casefile_domain::user::User;

pub const DOCUMENT_SECONDS: i64 = 2;
const DOCUMENTS_MAX: usize = 10_000;

type CachedObject = Box<dyn Any + Send + Sync>;

#[derive(Default)]
pub struct Caches {
    documents: Mutex<HashMap<String, (&'static str, CachedObject, Timestamp)>>,
    schemas: Mutex<HashMap<(String, i64), Arc<schema::Definition>>>,
    division_names: Mutex<HashMap<String, (String, Timestamp)>>,
    users: Mutex<HashMap<String, (User, Timestamp)>>,
}

impl Caches {
    /// A configuration object (worktype, status, workbin, …) as its parsed type, so a hit
    /// costs a clone rather than a JSON clone and a parse.
    pub fn document<T: Any + Clone>(&self, kind: &str, id: &str, now: Timestamp) -> Option<T> {
        let cache = self.documents.lock().ok()?;
        let (k, object, at) = cache.get(id)?;
        if *k != kind || (now - *at).num_seconds() >= DOCUMENT_SECONDS {
            return None;
        }
        object.downcast_ref::<T>().cloned()
    }

    pub fn keep_document<T: Any + Send + Sync>(
        &self,
        kind: &'static str,
        id: &str,
        object: T,
        now: Timestamp,
    ) {
        if let Ok(mut cache) = self.documents.lock() {
            if cache.len() >= DOCUMENTS_MAX {
                cache.clear();
            }
            cache.insert(id.to_owned(), (kind, Box::new(object), now));
        }
    }

    pub fn forget_documents<'a>(&self, ids: impl IntoIterator<Item = &'a str>) {
        if let Ok(mut cache) = self.documents.lock() {
            for id in ids {
                cache.remove(id);
            }
        }
    }

    pub fn division_name(&self, id: &str, now: Timestamp) -> Option<String> {
        let cache = self.division_names.lock().ok()?;
        let (name, at) = cache.get(id)?;
        ((now - *at).num_seconds() < DOCUMENT_SECONDS).then(|| name.clone())
    }

    pub fn keep_division_name(&self, id: &str, name: &str, now: Timestamp) {
        if let Ok(mut cache) = self.division_names.lock() {
            if cache.len() >= DOCUMENTS_MAX {
                cache.clear();
            }
            cache.insert(id.to_owned(), (name.to_owned(), now));
        }
    }

    pub fn forget_division(&self, id: &str) {
        if let Ok(mut cache) = self.division_names.lock() {
            cache.remove(id);
        }
    }

    /// Users are read on every `GET /users/me` and every workitem assignment check.
    pub fn user(&self, id: &str, now: Timestamp) -> Option<User> {
        let cache = self.users.lock().ok()?;
        let (user, at) = cache.get(id)?;
        ((now - *at).num_seconds() < DOCUMENT_SECONDS).then(|| user.clone())
    }

    pub fn keep_user(&self, user: &User, now: Timestamp) {
        if let Ok(mut cache) = self.users.lock() {
            if cache.len() >= DOCUMENTS_MAX {
                cache.clear();
            }
            cache.insert(user.id.clone(), (user.clone(), now));
        }
    }

    pub fn forget_user(&self, id: &str) {
        if let Ok(mut cache) = self.users.lock() {
            cache.remove(id);
        }
    }

    pub fn schema(&self, id: &str, version: i64) -> Option<Arc<schema::Definition>> {
        self.schemas
            .lock()
            .ok()?
            .get(&(id.to_owned(), version))
            .cloned()
    }

    pub fn keep_schema(&self, id: &str, version: i64, def: Arc<schema::Definition>) {
        if let Ok(mut cache) = self.schemas.lock() {
            cache.insert((id.to_owned(), version), def);
        }
    }
}
