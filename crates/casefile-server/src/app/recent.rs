//! Recent writes: the last version of each workitem and case this node wrote, the starting
//! point of the next change to it instead of a read. Such a change is written with its version
//! guard, so a copy gone stale (another node wrote since) can only make that write fail; the
//! change is then decided again on a fresh read. Reads served to clients never come from here.

use std::collections::HashMap;
use std::sync::Mutex;

use casefile_domain::case::engine::Case;
use casefile_domain::task::workitem::Workitem;
use casefile_store::UnitOfWork;

const MAX: usize = 50_000;

#[derive(Default)]
pub struct Recent {
    workitems: Mutex<HashMap<String, Workitem>>,
    cases: Mutex<HashMap<String, Case>>,
}

fn keep<T: Clone>(map: &Mutex<HashMap<String, T>>, id: &str, value: &T) {
    if let Ok(mut map) = map.lock() {
        if map.len() >= MAX {
            map.clear();
        }
        map.insert(id.to_owned(), value.clone());
    }
}

fn forget<T>(map: &Mutex<HashMap<String, T>>, id: &str) {
    if let Ok(mut map) = map.lock() {
        map.remove(id);
    }
}

impl Recent {
    pub fn workitem(&self, id: &str) -> Option<Workitem> {
        self.workitems.lock().ok()?.get(id).cloned()
    }

    pub fn case(&self, id: &str) -> Option<Case> {
        self.cases.lock().ok()?.get(id).cloned()
    }

    pub fn keep_workitem(&self, w: &Workitem) {
        keep(&self.workitems, &w.id, w);
    }

    pub fn keep_case(&self, c: &Case) {
        keep(&self.cases, &c.id, c);
    }

    /// After a unit of work committed (a new case is kept by its creator, once numbered).
    pub fn keep_unit(&self, unit: &UnitOfWork) {
        for w in &unit.workitem_inserts {
            self.keep_workitem(w);
        }
        for (w, _) in &unit.workitem_updates {
            self.keep_workitem(w);
        }
        for (c, _) in &unit.case_updates {
            self.keep_case(c);
        }
        for (id, _) in &unit.workitem_deletes {
            forget(&self.workitems, id);
        }
    }

    /// A unit of work failed: its copies may be stale.
    pub fn forget_unit(&self, unit: &UnitOfWork) {
        for w in unit
            .workitem_inserts
            .iter()
            .chain(unit.workitem_updates.iter().map(|(w, _)| w))
        {
            forget(&self.workitems, &w.id);
        }
        for (c, _) in &unit.case_updates {
            forget(&self.cases, &c.id);
        }
        for (id, _) in &unit.workitem_deletes {
            forget(&self.workitems, id);
        }
    }

    /// A write based on these copies failed, or they were deleted: read them afresh next time.
    pub fn forget(&self, workitem_id: &str, case_id: Option<&str>) {
        forget(&self.workitems, workitem_id);
        if let Some(id) = case_id {
            forget(&self.cases, id);
        }
    }
}
