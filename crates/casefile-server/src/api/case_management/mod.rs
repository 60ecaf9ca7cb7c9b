//! `/api/v2/casemanagement`: caseplans and cases.

mod caseplans;
mod cases;

use utoipa_axum::router::OpenApiRouter;

use crate::app::App;

pub fn router() -> OpenApiRouter<App> {
    OpenApiRouter::new()
        .merge(caseplans::router())
        .merge(cases::router())
}
