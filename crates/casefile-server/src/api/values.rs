//! The value sets of text fields whose values the server checks, for the OpenAPI document
//! (the fields stay `String`s so a bad value is refused with a 400 naming the field, not by
//! the JSON parser). Each set is the one its parser accepts (role ids are also read
//! ignoring case).

use utoipa::ToSchema;

/// A case's priority (`casefile_domain::case::engine::Priority::parse`).
#[derive(ToSchema)]
#[allow(dead_code)]
pub enum CasePriority {
    Urgent,
    High,
    Medium,
    Low,
}

/// A workitem status's category (`casefile_domain::task::status::Category::parse`).
#[derive(ToSchema)]
#[allow(dead_code)]
pub enum StatusCategory {
    Open,
    InProgress,
    Waiting,
    Closed,
}

/// How a caseplan query matches names.
#[derive(ToSchema)]
#[schema(rename_all = "SCREAMING_SNAKE_CASE")]
#[allow(dead_code)]
pub enum NameSearchType {
    BeginsWith,
    Contains,
}

/// What a stepplan's step does.
#[derive(ToSchema)]
#[allow(dead_code)]
pub enum StepActivityType {
    Workitem,
    None,
}

/// The kind of a bulk workitem job.
#[derive(ToSchema)]
#[allow(dead_code)]
pub enum BulkJobAction {
    AddWorkitems,
    TerminateWorkitems,
}

/// Which users a user list holds, by state.
#[derive(ToSchema)]
#[schema(rename_all = "lowercase")]
#[allow(dead_code)]
pub enum UserStateFilter {
    Active,
    Inactive,
    Deleted,
    Any,
}

/// The id of a built-in role.
#[derive(ToSchema)]
#[schema(rename_all = "lowercase")]
#[allow(dead_code)]
pub enum RoleId {
    Admin,
    Supervisor,
    Agent,
}

/// The OAuth grant: client credentials, or a user's password.
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
#[allow(dead_code)]
pub enum GrantType {
    ClientCredentials,
    Password,
}

/// The order of a list: ascending (the default) or descending.
#[derive(ToSchema)]
#[schema(rename_all = "lowercase")]
#[allow(dead_code)]
pub enum SortOrder {
    Ascending,
    Descending,
    Asc,
    Desc,
}
