//! `/api/v2/casemanagement`: caseplans and cases, one file per sub-resource.

mod case_activity;
mod case_jobs;
mod case_stages;
mod caseplan_stages;
mod caseplans;
mod cases;

use utoipa_axum::router::OpenApiRouter;

use crate::app::App;

pub fn router() -> OpenApiRouter<App> {
    OpenApiRouter::new()
        .merge(caseplans::router())
        .merge(caseplan_stages::router())
        .merge(cases::router())
        .merge(case_stages::router())
        .merge(case_activity::router())
        .merge(case_jobs::router())
}
