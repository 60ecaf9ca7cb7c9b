//! Read-through caches for what every request reads and rarely changes: configuration
//! documents, users and division names (kept for [`DOCUMENT_SECONDS`], dropped at once when
//! this node writes them) and parsed schema versions (immutable, kept until restart).
//!
//! Another node's change to a document is seen within `DOCUMENT_SECONDS`; a write based on a
//! stale copy fails its version check instead of overwriting. This node's own writes are seen
//! at once: a read takes a [`Ticket`] before it goes to the store and its value is kept only
//! if no write was forgotten since, so a read that overlapped a write never puts the old
//! value back (under a manual clock it would have stayed forever).

use std::any::Any;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use casefile_domain::Timestamp;
use casefile_domain::schema;
use casefile_domain::user::User;

pub const DOCUMENT_SECONDS: i64 = 2;
const ENTRIES_MAX: usize = 10_000;

type CachedObject = Arc<dyn Any + Send + Sync>;

/// Taken before a read goes to the store; a value read under a ticket older than the last
/// forget is not kept.
#[derive(Debug, Clone, Copy)]
pub struct Ticket(u64);

/// Each entry with the time it was read.
type Entries<V> = HashMap<String, (V, Timestamp)>;

/// Entries that expire after [`DOCUMENT_SECONDS`], and the count of forgets so far.
struct Timed<V> {
    inner: Mutex<(Entries<V>, u64)>,
}

impl<V> Default for Timed<V> {
    fn default() -> Self {
        Self {
            inner: Mutex::new((HashMap::new(), 0)),
        }
    }
}

impl<V: Clone> Timed<V> {
    fn get(&self, id: &str, now: Timestamp) -> Option<V> {
        let inner = self.inner.lock().ok()?;
        let (value, at) = inner.0.get(id)?;
        ((now - *at).num_seconds() < DOCUMENT_SECONDS).then(|| value.clone())
    }

    fn ticket(&self) -> Ticket {
        Ticket(self.inner.lock().map_or(u64::MAX, |inner| inner.1))
    }

    fn keep(&self, id: &str, value: V, now: Timestamp, ticket: Ticket) {
        if let Ok(mut inner) = self.inner.lock() {
            if inner.1 != ticket.0 {
                return; // written since the read began: the value may be the old one
            }
            if inner.0.len() >= ENTRIES_MAX {
                inner.0.clear();
            }
            inner.0.insert(id.to_owned(), (value, now));
        }
    }

    fn forget<'a>(&self, ids: impl IntoIterator<Item = &'a str>) {
        if let Ok(mut inner) = self.inner.lock() {
            inner.1 += 1;
            for id in ids {
                inner.0.remove(id);
            }
        }
    }
}

#[derive(Default)]
pub struct Caches {
    documents: Timed<(&'static str, CachedObject)>,
    schemas: Mutex<HashMap<(String, i64), Arc<schema::Definition>>>,
    division_names: Timed<String>,
    users: Timed<User>,
}

impl Caches {
    /// A configuration object (worktype, status, workbin, …) as its parsed type, so a hit
    /// costs a clone rather than a JSON clone and a parse.
    pub fn document<T: Any + Clone>(&self, kind: &str, id: &str, now: Timestamp) -> Option<T> {
        let (k, object) = self.documents.get(id, now)?;
        if k != kind {
            return None;
        }
        object.downcast_ref::<T>().cloned()
    }

    pub fn document_ticket(&self) -> Ticket {
        self.documents.ticket()
    }

    pub fn keep_document<T: Any + Send + Sync>(
        &self,
        kind: &'static str,
        id: &str,
        object: T,
        now: Timestamp,
        ticket: Ticket,
    ) {
        self.documents
            .keep(id, (kind, Arc::new(object)), now, ticket);
    }

    pub fn forget_documents<'a>(&self, ids: impl IntoIterator<Item = &'a str>) {
        self.documents.forget(ids);
    }

    pub fn division_name(&self, id: &str, now: Timestamp) -> Option<String> {
        self.division_names.get(id, now)
    }

    pub fn division_ticket(&self) -> Ticket {
        self.division_names.ticket()
    }

    pub fn keep_division_name(&self, id: &str, name: &str, now: Timestamp, ticket: Ticket) {
        self.division_names.keep(id, name.to_owned(), now, ticket);
    }

    pub fn forget_division(&self, id: &str) {
        self.division_names.forget([id]);
    }

    /// Users are read on every `GET /users/me` and every workitem assignment check.
    pub fn user(&self, id: &str, now: Timestamp) -> Option<User> {
        self.users.get(id, now)
    }

    pub fn user_ticket(&self) -> Ticket {
        self.users.ticket()
    }

    pub fn keep_user(&self, user: &User, now: Timestamp, ticket: Ticket) {
        self.users.keep(&user.id, user.clone(), now, ticket);
    }

    pub fn forget_user(&self, id: &str) {
        self.users.forget([id]);
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

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn a_read_that_overlapped_a_write_is_not_kept() {
        let now = chrono::Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
        let caches = Caches::default();
        let ticket = caches.document_ticket(); // a read begins: it will see version 1
        caches.forget_documents(["a"]); // meanwhile version 2 is committed
        caches.keep_document("job", "a", 1_i64, now, ticket);
        assert_eq!(caches.document::<i64>("job", "a", now), None);

        let ticket = caches.document_ticket();
        caches.keep_document("job", "a", 2_i64, now, ticket);
        assert_eq!(caches.document::<i64>("job", "a", now), Some(2));
        let later = now + chrono::Duration::seconds(DOCUMENT_SECONDS);
        assert_eq!(caches.document::<i64>("job", "a", later), None);
    }
}
