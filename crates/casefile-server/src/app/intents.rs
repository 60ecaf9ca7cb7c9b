//! Customer intents and their categories: organisation-wide configuration documents (no
//! division), seen with `IntentView` and changed with `IntentEdit` in any division. Names are
//! unique per kind; a category an intent belongs to cannot be deleted (the intent's document
//! refers to it).

use casefile_domain::Timestamp;
use casefile_domain::authz::{Permission, Principal};
use casefile_domain::intent::{Category, Intent};

use crate::app::error::{Error, Result};
use crate::app::task::documents::{self, Batch, Stored};
use crate::app::{Actor, App, new_id};

impl Stored for Category {
    const KIND: &'static str = "intent_category";
    const WHAT: &'static str = "intent category";
    const VIEW: Permission = Permission::IntentView;
    const EDIT: Permission = Permission::IntentEdit;
    fn id(&self) -> &str {
        &self.id
    }
    fn name(&self) -> &str {
        &self.name
    }
    fn division_id(&self) -> Option<&str> {
        None
    }
    fn version(&self) -> i64 {
        self.version
    }
    fn date_created(&self) -> Timestamp {
        self.date_created
    }
    fn date_modified(&self) -> Timestamp {
        self.date_modified
    }
}

impl Stored for Intent {
    const KIND: &'static str = "intent";
    const WHAT: &'static str = "customer intent";
    const VIEW: Permission = Permission::IntentView;
    const EDIT: Permission = Permission::IntentEdit;
    fn id(&self) -> &str {
        &self.id
    }
    fn name(&self) -> &str {
        &self.name
    }
    fn division_id(&self) -> Option<&str> {
        None
    }
    fn refs(&self) -> Vec<String> {
        self.category_id.iter().cloned().collect()
    }
    fn version(&self) -> i64 {
        self.version
    }
    fn date_created(&self) -> Timestamp {
        self.date_created
    }
    fn date_modified(&self) -> Timestamp {
        self.date_modified
    }
}

fn actor(caller: &Principal, at: Timestamp) -> Actor<'_> {
    Actor {
        id: Some(&caller.subject_id),
        at,
    }
}

/// Keeps those whose name contains `query` (case-insensitively).
fn matching<T: Stored>(all: Vec<T>, query: Option<&str>) -> Vec<T> {
    match query.map(str::trim).filter(|q| !q.is_empty()) {
        None => all,
        Some(q) => {
            let q = q.to_lowercase();
            all.into_iter()
                .filter(|t| t.name().to_lowercase().contains(&q))
                .collect()
        }
    }
}

// categories

#[tracing::instrument(name = "intents.get_category", level = "debug", skip_all, fields(caller = %caller.subject_id, id = %id))]
pub async fn get_category(app: &App, caller: &Principal, id: &str) -> Result<Category> {
    documents::load(app, caller, id).await
}

#[tracing::instrument(name = "intents.list_categories", level = "debug", skip_all, fields(caller = %caller.subject_id))]
pub async fn list_categories(
    app: &App,
    caller: &Principal,
    query: Option<&str>,
) -> Result<Vec<Category>> {
    documents::require(caller, Category::VIEW, None)?;
    let all: Vec<Category> = documents::list(app, caller, None).await?;
    Ok(matching(all, query))
}

#[tracing::instrument(name = "intents.create_category", level = "debug", skip_all, fields(caller = %caller.subject_id))]
pub async fn create_category(
    app: &App,
    caller: &Principal,
    name: String,
    description: Option<String>,
) -> Result<Category> {
    documents::require(caller, Category::EDIT, None)?;
    let now = app.clock.now();
    let category = Category {
        id: new_id(now),
        name,
        description,
        version: 1,
        date_created: now,
        date_modified: now,
        modified_by: Some(caller.subject_id.clone()),
    }
    .validate()?;
    let mut batch = Batch::default();
    batch.insert(&category, actor(caller, now))?;
    batch.commit(app, Category::WHAT).await?;
    Ok(category)
}

#[tracing::instrument(name = "intents.update_category", level = "debug", skip_all, fields(caller = %caller.subject_id, id = %id))]
pub async fn update_category(
    app: &App,
    caller: &Principal,
    id: &str,
    name: Option<String>,
    description: Option<Option<String>>,
) -> Result<Category> {
    let current: Category = documents::load_for_edit(app, caller, id).await?;
    let now = app.clock.now();
    let mut next = current.clone();
    if let Some(name) = name {
        next.name = name;
    }
    if let Some(description) = description {
        next.description = description;
    }
    let mut next = next.validate()?;
    next.version += 1;
    next.date_modified = now;
    next.modified_by = Some(caller.subject_id.clone());
    let mut batch = Batch::default();
    batch.update(&current, &next, actor(caller, now))?;
    batch.commit(app, Category::WHAT).await?;
    Ok(next)
}

/// Refused with 409 while an intent belongs to the category.
#[tracing::instrument(name = "intents.delete_category", level = "debug", skip_all, fields(caller = %caller.subject_id, id = %id))]
pub async fn delete_category(app: &App, caller: &Principal, id: &str) -> Result<()> {
    let current: Category = documents::load_for_edit(app, caller, id).await?;
    let mut batch = Batch::default();
    batch.delete(&current, actor(caller, app.clock.now()))?;
    batch.commit(app, Category::WHAT).await
}

// customer intents

#[tracing::instrument(name = "intents.get_intent", level = "debug", skip_all, fields(caller = %caller.subject_id, id = %id))]
pub async fn get_intent(app: &App, caller: &Principal, id: &str) -> Result<Intent> {
    documents::load(app, caller, id).await
}

#[tracing::instrument(name = "intents.list_intents", level = "debug", skip_all, fields(caller = %caller.subject_id))]
pub async fn list_intents(
    app: &App,
    caller: &Principal,
    query: Option<&str>,
    category_id: Option<&str>,
) -> Result<Vec<Intent>> {
    documents::require(caller, Intent::VIEW, None)?;
    let all: Vec<Intent> = documents::list(app, caller, None).await?;
    let mut found = matching(all, query);
    if let Some(c) = category_id.map(str::trim).filter(|c| !c.is_empty()) {
        found.retain(|i| i.category_id.as_deref() == Some(c));
    }
    Ok(found)
}

/// The category must exist (and be visible to the caller).
async fn check_category(app: &App, caller: &Principal, id: Option<&str>) -> Result<()> {
    if let Some(id) = id {
        documents::load::<Category>(app, caller, id)
            .await
            .map_err(Error::missing_as(
                "categoryId",
                "no intent category has this id",
            ))?;
    }
    Ok(())
}

/// A new intent's fields.
#[derive(Debug, Clone, Default)]
pub struct Fields {
    pub name: String,
    pub description: Option<String>,
    pub expiry_time: Option<i64>,
    pub category_id: Option<String>,
}

#[tracing::instrument(name = "intents.create_intent", level = "debug", skip_all, fields(caller = %caller.subject_id))]
pub async fn create_intent(app: &App, caller: &Principal, fields: Fields) -> Result<Intent> {
    documents::require(caller, Intent::EDIT, None)?;
    let now = app.clock.now();
    let intent = Intent {
        id: new_id(now),
        name: fields.name,
        description: fields.description,
        expiry_time: fields.expiry_time,
        category_id: fields.category_id,
        version: 1,
        date_created: now,
        date_modified: now,
        modified_by: Some(caller.subject_id.clone()),
    }
    .validate()?;
    check_category(app, caller, intent.category_id.as_deref()).await?;
    let mut batch = Batch::default();
    batch.insert(&intent, actor(caller, now))?;
    batch.commit(app, Intent::WHAT).await?;
    Ok(intent)
}

/// A change to an intent: `None` keeps a field, `Some(None)` clears an optional one.
#[derive(Debug, Clone, Default)]
pub struct Patch {
    pub name: Option<String>,
    pub description: Option<Option<String>>,
    pub expiry_time: Option<Option<i64>>,
    pub category_id: Option<Option<String>>,
}

#[tracing::instrument(name = "intents.update_intent", level = "debug", skip_all, fields(caller = %caller.subject_id, id = %id))]
pub async fn update_intent(
    app: &App,
    caller: &Principal,
    id: &str,
    patch: Patch,
) -> Result<Intent> {
    let current: Intent = documents::load_for_edit(app, caller, id).await?;
    let now = app.clock.now();
    let mut next = current.clone();
    if let Some(name) = patch.name {
        next.name = name;
    }
    if let Some(description) = patch.description {
        next.description = description;
    }
    if let Some(expiry) = patch.expiry_time {
        next.expiry_time = expiry;
    }
    if let Some(category) = patch.category_id {
        next.category_id = category;
    }
    let mut next = next.validate()?;
    if next.category_id != current.category_id {
        check_category(app, caller, next.category_id.as_deref()).await?;
    }
    next.version += 1;
    next.date_modified = now;
    next.modified_by = Some(caller.subject_id.clone());
    let mut batch = Batch::default();
    batch.update(&current, &next, actor(caller, now))?;
    batch.commit(app, Intent::WHAT).await?;
    Ok(next)
}

#[tracing::instrument(name = "intents.delete_intent", level = "debug", skip_all, fields(caller = %caller.subject_id, id = %id))]
pub async fn delete_intent(app: &App, caller: &Principal, id: &str) -> Result<()> {
    let current: Intent = documents::load_for_edit(app, caller, id).await?;
    let mut batch = Batch::default();
    batch.delete(&current, actor(caller, app.clock.now()))?;
    batch.commit(app, Intent::WHAT).await
}

/// A customer intent recorded against an external contact (by a case, a bot, …); one per
/// contact and intent, refreshed when assigned again.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Assignment {
    pub id: String,
    pub contact_id: String,
    pub intent_id: String,
    pub source_type: Option<String>,
    pub source_id: Option<String>,
    pub conversation_id: Option<String>,
    pub version: i64,
    pub date_created: Timestamp,
    pub date_most_recent: Timestamp,
}

impl Stored for Assignment {
    const KIND: &'static str = "intent_assignment";
    const WHAT: &'static str = "intent assignment";
    const VIEW: Permission = Permission::ContactView;
    const EDIT: Permission = Permission::ContactEdit;
    fn id(&self) -> &str {
        &self.id
    }
    /// Unique per contact: the intent.
    fn name(&self) -> &str {
        &self.intent_id
    }
    fn division_id(&self) -> Option<&str> {
        None
    }
    fn parent_id(&self) -> Option<&str> {
        Some(&self.contact_id)
    }
    fn refs(&self) -> Vec<String> {
        vec![self.intent_id.clone()]
    }
    fn version(&self) -> i64 {
        self.version
    }
    fn date_created(&self) -> Timestamp {
        self.date_created
    }
    fn date_modified(&self) -> Timestamp {
        self.date_most_recent
    }
}

pub const SOURCE_TYPES: [&str; 7] = [
    "Bot",
    "Case",
    "Copilot",
    "Digitalbot",
    "Segment",
    "Topic",
    "Unknown",
];

/// Records (or refreshes) that the contact showed this intent.
#[tracing::instrument(name = "intents.assign", level = "debug", skip_all, fields(caller = %caller.subject_id, contact_id = %contact_id))]
pub async fn assign(
    app: &App,
    caller: &Principal,
    contact_id: &str,
    intent_id: &str,
    source_type: Option<String>,
    source_id: Option<String>,
    conversation_id: Option<String>,
) -> Result<(Assignment, Intent)> {
    let contact = crate::app::contacts::get(app, caller, contact_id).await?;
    if !caller.can(Permission::ContactEdit, &contact.division_id) {
        return Err(Error::forbidden(Permission::ContactEdit));
    }
    let intent = get_intent(app, caller, intent_id).await?;
    if let Some(t) = &source_type
        && !SOURCE_TYPES.contains(&t.as_str())
    {
        return Err(Error::bad_request(
            "sourceType",
            format!("must be one of {}", SOURCE_TYPES.join(", ")),
        ));
    }
    let now = app.clock.now();
    let existing: Vec<Assignment> = documents::list(app, caller, Some(contact_id)).await?;
    let mut batch = Batch::default();
    let assignment = match existing.into_iter().find(|a| a.intent_id == intent_id) {
        Some(current) => {
            let next = Assignment {
                source_type,
                source_id,
                conversation_id,
                version: current.version + 1,
                date_most_recent: now,
                ..current.clone()
            };
            batch.update(&current, &next, actor(caller, now))?;
            next
        }
        None => {
            let new = Assignment {
                id: new_id(now),
                contact_id: contact_id.to_owned(),
                intent_id: intent_id.to_owned(),
                source_type,
                source_id,
                conversation_id,
                version: 1,
                date_created: now,
                date_most_recent: now,
            };
            batch.insert(&new, actor(caller, now))?;
            new
        }
    };
    batch.commit(app, Assignment::WHAT).await?;
    Ok((assignment, intent))
}

/// The contact's intent assignments, most recent first.
#[tracing::instrument(name = "intents.assignments", level = "debug", skip_all, fields(caller = %caller.subject_id, contact_id = %contact_id))]
pub async fn assignments(
    app: &App,
    caller: &Principal,
    contact_id: &str,
) -> Result<Vec<(Assignment, Option<Intent>)>> {
    crate::app::contacts::get(app, caller, contact_id).await?;
    let mut all: Vec<Assignment> = documents::list(app, caller, Some(contact_id)).await?;
    all.sort_by_key(|a| std::cmp::Reverse(a.date_most_recent));
    let mut out = Vec::with_capacity(all.len());
    for a in all {
        let intent = get_intent(app, caller, &a.intent_id).await.ok();
        out.push((a, intent));
    }
    Ok(out)
}
