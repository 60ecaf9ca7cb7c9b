//! External contacts (customers) and their notes.
//!
//! A contact belongs to a division: callers see it where they hold `ContactView` (elsewhere
//! it answers 404, like a missing one) and change it, or its notes, where they hold
//! `ContactEdit` (403 if they see it without). Every change is one store transaction with
//! its event; a contact a workitem or a case refers to cannot be deleted (409).

use casefile_domain::authz::{Divisions, Permission, Principal};
use casefile_domain::contact::{self, Contact, Details, DetailsInput, Note};
use casefile_store::{ContactFilter, ContactSort, Error as StoreError, Listing, Page};

use crate::app::error::{Error, Result};
use crate::app::{Actor, App, change, new_id, snapshot};

pub const ENTITY: &str = "contact";
pub const NOTE_ENTITY: &str = "contact_note";
/// Listings count at most this many matches (callers can page through the first 1,000).
pub const COUNT_LIMIT: i64 = 10_000;
/// `divisionIds` names at most this many divisions, as in Genesys.
pub const DIVISION_IDS_MAX: usize = 50;

fn actor(caller: &Principal, at: casefile_domain::Timestamp) -> Actor<'_> {
    Actor {
        id: Some(&caller.subject_id),
        at,
    }
}

/// The contact if the caller may see it; 404 otherwise.
#[tracing::instrument(name = "contacts.get", level = "debug", skip_all, fields(caller = %caller.subject_id, id = %id))]
pub async fn get(app: &App, caller: &Principal, id: &str) -> Result<Contact> {
    let c = match app.store.get_contact(id).await {
        Ok(c) => c,
        Err(StoreError::NotFound) => return Err(Error::not_found("contact")),
        Err(e) => return Err(e.into()),
    };
    if !caller.can(Permission::ContactView, &c.division_id) {
        return Err(Error::not_found("contact"));
    }
    Ok(c)
}

/// A reference to an external contact (`externalContactId` on a workitem or a case) must name
/// one the caller may see; the contact's visibility rule lives here and nowhere else.
#[tracing::instrument(name = "contacts.check_reference", level = "debug", skip_all, fields(caller = %caller.subject_id, contact_id = ?contact_id))]
pub async fn check_reference(
    app: &App,
    caller: &Principal,
    contact_id: Option<&str>,
) -> Result<()> {
    if let Some(id) = contact_id {
        get(app, caller, id).await.map_err(Error::missing_as(
            "externalContactId",
            "external contact not found",
        ))?;
    }
    Ok(())
}

async fn get_for_edit(app: &App, caller: &Principal, id: &str) -> Result<Contact> {
    let c = get(app, caller, id).await?;
    caller
        .check(
            Permission::ContactView,
            Permission::ContactEdit,
            &c.division_id,
        )
        .map_err(|r| Error::from_refusal(r, "contact"))?;
    Ok(c)
}

/// The division a new contact goes to when the caller names none: the home division, unless
/// the caller edits contacts in exactly one other division (an agent of a branch office).
async fn default_division(app: &App, caller: &Principal) -> Result<String> {
    let home = app.store.home_division().await?.id;
    match caller.divisions_with(Permission::ContactEdit) {
        Divisions::Only(ids) if ids.len() == 1 && !ids.contains(&home) => {
            Ok(ids.into_iter().next().unwrap_or(home))
        }
        _ => Ok(home),
    }
}

/// The division a contact goes to ([`default_division`] when none is named): it must exist,
/// and the caller must hold `ContactEdit` there. Divisions the caller cannot see answer
/// like missing ones.
async fn target_division(
    app: &App,
    caller: &Principal,
    division_id: Option<String>,
) -> Result<String> {
    let id = match division_id {
        Some(id) if !id.trim().is_empty() => id.trim().to_owned(),
        _ => default_division(app, caller).await?,
    };
    let missing = || Error::bad_request("division.id", format!("division {id:?} was not found"));
    if !caller.can(Permission::DivisionView, &id) && !caller.can(Permission::ContactEdit, &id) {
        return Err(missing());
    }
    match app.store.get_division(&id).await {
        Ok(_) => {}
        Err(StoreError::NotFound) => return Err(missing()),
        Err(e) => return Err(e.into()),
    }
    if !caller.can(Permission::ContactEdit, &id) {
        return Err(Error::forbidden(Permission::ContactEdit));
    }
    Ok(id)
}

fn stored(result: casefile_store::Result<()>) -> Result<()> {
    match result {
        Ok(()) => Ok(()),
        Err(StoreError::NotFound) => Err(Error::not_found("contact")),
        Err(StoreError::Conflict { constraint }) if constraint == "in_use" => Err(Error::conflict(
            "workitems or cases refer to the contact; it cannot be deleted",
        )),
        Err(StoreError::Conflict { constraint }) if constraint.contains("events") => Err(
            Error::conflict("the contact was changed at the same time; read it again"),
        ),
        Err(e) => Err(e.into()),
    }
}

#[tracing::instrument(name = "contacts.create", level = "debug", skip_all, fields(caller = %caller.subject_id, division_id = ?division_id))]
pub async fn create(
    app: &App,
    caller: &Principal,
    division_id: Option<String>,
    input: DetailsInput,
) -> Result<Contact> {
    let details = Details::parse(input)?;
    let division_id = target_division(app, caller, division_id).await?;
    let now = app.clock.now();
    let c = Contact {
        id: new_id(now),
        division_id,
        details,
        version: 1,
        date_created: now,
        date_modified: now,
        modified_by: Some(caller.subject_id.clone()),
    };
    let event = change(
        ENTITY,
        &c.id,
        c.version,
        "contact.created",
        actor(caller, now),
        None,
        Some(snapshot(&c)?),
    );
    stored(
        app.commit_entity(
            casefile_store::EntityWrite::ContactInsert(c.clone()),
            &event,
        )
        .await,
    )?;
    Ok(c)
}

/// Replaces every field of the contact (`PUT`), moving it when another division is named.
/// `expected` is the version an `If-Match` header named, if any.
#[tracing::instrument(name = "contacts.replace", level = "debug", skip_all, fields(caller = %caller.subject_id, id = %id, division_id = ?division_id))]
pub async fn replace(
    app: &App,
    caller: &Principal,
    id: &str,
    division_id: Option<String>,
    input: DetailsInput,
    expected: Option<i64>,
) -> Result<Contact> {
    let current = get_for_edit(app, caller, id).await?;
    if let Some(v) = expected
        && v != current.version
    {
        return Err(Error::precondition_failed(current.version));
    }
    let details = Details::parse(input)?;
    let division_id = match division_id {
        Some(d) if !d.trim().is_empty() && d.trim() != current.division_id => {
            target_division(app, caller, Some(d)).await?
        }
        _ => current.division_id.clone(),
    };
    let now = app.clock.now();
    let next = Contact {
        division_id,
        details,
        version: current.version + 1,
        date_modified: now,
        modified_by: Some(caller.subject_id.clone()),
        ..current.clone()
    };
    let event = change(
        ENTITY,
        id,
        next.version,
        "contact.updated",
        actor(caller, now),
        Some(snapshot(&current)?),
        Some(snapshot(&next)?),
    );
    stored(
        app.commit_entity(
            casefile_store::EntityWrite::ContactUpdate {
                contact: next.clone(),
                expected: current.version,
            },
            &event,
        )
        .await,
    )?;
    Ok(next)
}

#[tracing::instrument(name = "contacts.delete", level = "debug", skip_all, fields(caller = %caller.subject_id, id = %id))]
pub async fn delete(app: &App, caller: &Principal, id: &str) -> Result<()> {
    let current = get_for_edit(app, caller, id).await?;
    let now = app.clock.now();
    let event = change(
        ENTITY,
        id,
        current.version + 1,
        "contact.deleted",
        actor(caller, now),
        Some(snapshot(&current)?),
        None,
    );
    stored(
        app.commit_entity(
            casefile_store::EntityWrite::ContactDelete {
                id: id.to_owned(),
                expected: current.version,
            },
            &event,
        )
        .await,
    )
}

/// What a contact listing asks for.
#[derive(Debug, Clone)]
pub struct Search {
    pub q: Option<String>,
    pub division_ids: Option<Vec<String>>,
    pub sort: ContactSort,
    pub descending: bool,
}

/// The contacts the caller may see that match `q` (by a prefix of a name, email address or
/// phone number), optionally only in some divisions. `total` stops counting after
/// [`COUNT_LIMIT`]; more than that means "at least".
#[tracing::instrument(name = "contacts.list", level = "debug", skip_all, fields(caller = %caller.subject_id))]
pub async fn list(
    app: &App,
    caller: &Principal,
    search: Search,
    page: Page,
) -> Result<Listing<Contact>> {
    let mut visible = caller.divisions_with(Permission::ContactView);
    if let Some(ids) = search.division_ids {
        if ids.len() > DIVISION_IDS_MAX {
            return Err(Error::bad_request(
                "divisionIds",
                format!("at most {DIVISION_IDS_MAX} divisions"),
            ));
        }
        visible = Divisions::Only(ids.into_iter().filter(|d| visible.contains(d)).collect());
    }
    let prefix = match search.q.as_deref() {
        Some(q) => contact::search_prefix(q)?,
        None => None,
    };
    let filter = ContactFilter {
        visible,
        prefix,
        sort: search.sort,
        descending: search.descending,
        count_limit: COUNT_LIMIT,
    };
    Ok(app.store.list_contacts(&filter, page).await?)
}

// notes

fn note_stored(result: casefile_store::Result<()>) -> Result<()> {
    match result {
        Ok(()) => Ok(()),
        Err(StoreError::NotFound) => Err(Error::not_found("note")),
        Err(StoreError::Conflict { constraint }) if constraint.contains("events") => Err(
            Error::conflict("the note was changed at the same time; read it again"),
        ),
        // the contact was deleted meanwhile (its notes' foreign key)
        Err(StoreError::Conflict { .. }) => Err(Error::not_found("contact")),
        Err(e) => Err(e.into()),
    }
}

#[tracing::instrument(name = "contacts.notes", level = "debug", skip_all, fields(caller = %caller.subject_id, contact_id = %contact_id))]
pub async fn notes(
    app: &App,
    caller: &Principal,
    contact_id: &str,
    descending: bool,
    page: Page,
) -> Result<(Contact, Listing<Note>)> {
    let c = get(app, caller, contact_id).await?;
    let listing = app
        .store
        .list_contact_notes(contact_id, descending, page)
        .await?;
    Ok((c, listing))
}

#[tracing::instrument(name = "contacts.note", level = "debug", skip_all, fields(caller = %caller.subject_id, contact_id = %contact_id, note_id = %note_id))]
pub async fn note(
    app: &App,
    caller: &Principal,
    contact_id: &str,
    note_id: &str,
) -> Result<(Contact, Note)> {
    let c = get(app, caller, contact_id).await?;
    let note = load_note(app, contact_id, note_id).await?;
    Ok((c, note))
}

async fn load_note(app: &App, contact_id: &str, note_id: &str) -> Result<Note> {
    match app.store.get_contact_note(contact_id, note_id).await {
        Ok(n) => Ok(n),
        Err(StoreError::NotFound) => Err(Error::not_found("note")),
        Err(e) => Err(e.into()),
    }
}

#[tracing::instrument(name = "contacts.create_note", level = "debug", skip_all, fields(caller = %caller.subject_id, contact_id = %contact_id))]
pub async fn create_note(
    app: &App,
    caller: &Principal,
    contact_id: &str,
    text: Option<&str>,
) -> Result<(Contact, Note)> {
    let c = get_for_edit(app, caller, contact_id).await?;
    let text = contact::note_text(text)?;
    let now = app.clock.now();
    let note = Note {
        id: new_id(now),
        contact_id: c.id.clone(),
        text,
        created_by: Some(caller.subject_id.clone()),
        version: 1,
        date_created: now,
        date_modified: now,
    };
    let event = change(
        NOTE_ENTITY,
        &note.id,
        note.version,
        "contact_note.created",
        actor(caller, now),
        None,
        Some(snapshot(&note)?),
    );
    note_stored(
        app.commit_entity(
            casefile_store::EntityWrite::NoteInsert(note.clone()),
            &event,
        )
        .await,
    )?;
    Ok((c, note))
}

#[tracing::instrument(name = "contacts.update_note", level = "debug", skip_all, fields(caller = %caller.subject_id, contact_id = %contact_id, note_id = %note_id))]
pub async fn update_note(
    app: &App,
    caller: &Principal,
    contact_id: &str,
    note_id: &str,
    text: Option<&str>,
) -> Result<(Contact, Note)> {
    let c = get_for_edit(app, caller, contact_id).await?;
    let current = load_note(app, contact_id, note_id).await?;
    let text = contact::note_text(text)?;
    let now = app.clock.now();
    let next = Note {
        text,
        version: current.version + 1,
        date_modified: now,
        ..current.clone()
    };
    let event = change(
        NOTE_ENTITY,
        note_id,
        next.version,
        "contact_note.updated",
        actor(caller, now),
        Some(snapshot(&current)?),
        Some(snapshot(&next)?),
    );
    note_stored(
        app.commit_entity(
            casefile_store::EntityWrite::NoteUpdate {
                note: next.clone(),
                expected: current.version,
            },
            &event,
        )
        .await,
    )?;
    Ok((c, next))
}

#[tracing::instrument(name = "contacts.delete_note", level = "debug", skip_all, fields(caller = %caller.subject_id, contact_id = %contact_id, note_id = %note_id))]
pub async fn delete_note(
    app: &App,
    caller: &Principal,
    contact_id: &str,
    note_id: &str,
) -> Result<()> {
    get_for_edit(app, caller, contact_id).await?;
    let current = load_note(app, contact_id, note_id).await?;
    let now = app.clock.now();
    let event = change(
        NOTE_ENTITY,
        note_id,
        current.version + 1,
        "contact_note.deleted",
        actor(caller, now),
        Some(snapshot(&current)?),
        None,
    );
    note_stored(
        app.commit_entity(
            casefile_store::EntityWrite::NoteDelete {
                contact_id: contact_id.to_owned(),
                id: note_id.to_owned(),
            },
            &event,
        )
        .await,
    )
}
