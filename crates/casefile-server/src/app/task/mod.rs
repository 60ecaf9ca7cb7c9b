//! Task management use cases: schemas, workbins, worktypes with statuses, workitems.

pub mod documents;
pub mod job;
pub mod job_lease;
pub mod jobs;
pub mod schemas;
pub mod workbins;
pub mod workitem_builder;
pub mod workitems;
pub mod worktypes;
