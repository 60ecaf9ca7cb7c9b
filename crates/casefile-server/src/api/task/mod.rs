//! `/api/v2/taskmanagement`: schemas, workbins, worktypes with statuses, workitems.

mod core_types;
mod jobs;
pub mod query;
mod schemas;
mod workbins;
mod workitems;
mod worktypes;

use utoipa_axum::router::OpenApiRouter;

use crate::app::App;

pub fn router() -> OpenApiRouter<App> {
    OpenApiRouter::new()
        .merge(schemas::router())
        .merge(workbins::router())
        .merge(worktypes::router())
        .merge(workitems::router())
        .merge(jobs::router())
}
