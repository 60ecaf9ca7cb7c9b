//! Committing a [`UnitOfWork`]: the caller's workitem and case changes (deletes included), a new case numbered
//! from its caseplan's counter, documents and every event, in one transaction — as one
//! statement where it can be ([`combine`]), otherwise as a transaction of several.

use super::combine::{self, Step};
use super::tx::Tx;
use super::writer::Writer;
use super::{audit, auth, cases, contacts, divisions, documents, users, workitems};
use crate::{CaseInsert, Change, DocumentWrite, EntityWrite, Error, Result, Snapshot, UnitOfWork};

/// Commits `unit`; the reference given to the case it creates, if any.
pub async fn unit(writer: &Writer, unit: &UnitOfWork) -> Result<Option<String>> {
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
    for (id, expected) in &unit.workitem_deletes {
        writes.push(Step::from(workitems::delete_guarded(id, *expected)));
    }
    let documents = unit.documents.clone();
    let events: Vec<Step> = audit::rows(unit.changes.iter())
        .into_iter()
        .map(Step::from)
        .collect();
    let entities = unit.entities.clone();
    if case_insert.is_none() && documents.is_empty() && entities.is_empty() {
        writes.extend(events);
        return writer.run_steps(writes).await.map(|()| None);
    }
    if let (Writer::Direct(pool), Some(insert), true) = (
        writer,
        &case_insert,
        documents.is_empty() && entities.is_empty(),
    ) {
        writes.extend(events);
        if combine::fits_one_statement(&writes)
            && let Some(tail) = cases::numbered_insert(insert)?
        {
            let number = combine::run_combined_with(pool, writes, tail).await?;
            return Ok(Some(case_reference(insert, number)?));
        }
        return commit_in_transaction(
            writer,
            Vec::new(),
            writes,
            Parts {
                documents,
                entities,
            },
            case_insert,
        )
        .await;
    }
    commit_in_transaction(
        writer,
        writes,
        events,
        Parts {
            documents,
            entities,
        },
        case_insert,
    )
    .await
}

/// A unit of work in a transaction of several statements: with documents, on SQLite, or
/// when it is too large for one statement.
async fn commit_in_transaction(
    writer: &Writer,
    writes: Vec<Step>,
    events: Vec<Step>,
    parts: Parts,
    case_insert: Option<CaseInsert>,
) -> Result<Option<String>> {
    let Parts {
        documents,
        entities,
    } = parts;
    writer
        .run(Box::new(move |tx| {
            Box::pin(async move {
                // Everything else first: the counter row stays locked from its increment
                // to the commit, and every case of the caseplan waits for it.
                combine::run_in_one(&mut *tx, writes).await?;
                for write in &entities {
                    entity(&mut *tx, write).await?;
                }
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
                    event.after = Some(Snapshot::of(&case)?);
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

/// The unit's writes that run as statements of their own inside its transaction.
struct Parts {
    documents: Vec<DocumentWrite>,
    entities: Vec<EntityWrite>,
}

/// One entity write inside the unit's transaction.
async fn entity(tx: &mut Tx, write: &EntityWrite) -> Result<()> {
    match write {
        EntityWrite::DivisionInsert(d) => divisions::insert(tx, d).await,
        EntityWrite::DivisionUpdate { division, expected } => {
            divisions::update(tx, division, *expected).await
        }
        EntityWrite::DivisionDelete { id } => divisions::delete(tx, id).await,
        EntityWrite::UserInsert {
            user,
            password_hash,
            grants,
        } => {
            users::insert(&mut *tx, user, password_hash.as_deref()).await?;
            auth::replace_grants(&mut *tx, &user.id, grants).await
        }
        EntityWrite::UserUpdate {
            user,
            expected,
            grants,
        } => {
            users::update(&mut *tx, user, *expected).await?;
            match grants {
                Some(grants) => auth::replace_grants(&mut *tx, &user.id, grants).await,
                None => Ok(()),
            }
        }
        EntityWrite::UserPassword {
            user,
            expected,
            hash,
        } => {
            users::update(&mut *tx, user, *expected).await?;
            users::set_password(&mut *tx, &user.id, hash).await
        }
        EntityWrite::ClientUpsert { client, grants } => {
            auth::upsert_client(&mut *tx, client).await?;
            auth::replace_grants(&mut *tx, &client.id, grants).await
        }
        EntityWrite::ContactInsert(c) => contacts::insert(tx, c).await,
        EntityWrite::ContactUpdate { contact, expected } => {
            contacts::update(tx, contact, *expected).await
        }
        EntityWrite::ContactDelete { id, expected } => contacts::delete(tx, id, *expected).await,
        EntityWrite::NoteInsert(n) => contacts::insert_note(tx, n).await,
        EntityWrite::NoteUpdate { note, expected } => {
            contacts::update_note(tx, note, *expected).await
        }
        EntityWrite::NoteDelete { contact_id, id } => {
            contacts::delete_note(tx, contact_id, id).await
        }
    }
}

/// The reference a new case gets from its caseplan's prefix and its number.
fn case_reference(insert: &CaseInsert, number: i64) -> Result<String> {
    let prefix = casefile_domain::case::reference::Prefix::parse("referencePrefix", &insert.prefix)
        .map_err(|e| Error::Corrupt(e.to_string()))?;
    Ok(prefix.reference(number))
}
