//! Committing a [`UnitOfWork`]: the caller's workitem and case changes (deletes included), a new case numbered
//! from its caseplan's counter, documents and every event, in one transaction — as one
//! statement where it can be ([`combine`]), otherwise as a transaction of several.

use super::combine::{self, Step};
use super::writer::Writer;
use super::{audit, cases, documents, workitems};
use crate::{CaseInsert, Change, DocumentWrite, Error, Result, Snapshot, UnitOfWork};

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
    if case_insert.is_none() && documents.is_empty() {
        writes.extend(events);
        return writer.run_steps(writes).await.map(|()| None);
    }
    if let (Writer::Direct(pool), Some(insert), true) = (writer, &case_insert, documents.is_empty())
    {
        writes.extend(events);
        if combine::fits_one_statement(&writes)
            && let Some(tail) = cases::numbered_insert(insert)?
        {
            let number = combine::run_combined_with(pool, writes, tail).await?;
            return Ok(Some(case_reference(insert, number)?));
        }
        return commit_in_transaction(writer, Vec::new(), writes, documents, case_insert).await;
    }
    commit_in_transaction(writer, writes, events, documents, case_insert).await
}

/// A unit of work in a transaction of several statements: with documents, on SQLite, or
/// when it is too large for one statement.
async fn commit_in_transaction(
    writer: &Writer,
    writes: Vec<Step>,
    events: Vec<Step>,
    documents: Vec<DocumentWrite>,
    case_insert: Option<CaseInsert>,
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

/// The reference a new case gets from its caseplan's prefix and its number.
fn case_reference(insert: &CaseInsert, number: i64) -> Result<String> {
    let prefix = casefile_domain::case::reference::Prefix::parse("referencePrefix", &insert.prefix)
        .map_err(|e| Error::Corrupt(e.to_string()))?;
    Ok(prefix.reference(number))
}
