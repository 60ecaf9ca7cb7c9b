//! The permission each route needs, checked right after authentication and before the
//! request's parameters or body are read: a caller who holds none of a route's permissions in
//! any division gets `403` naming one, whatever else is wrong with the request (Genesys
//! checks permissions first too). The use case still decides per division and per object;
//! this table is a necessary condition only, and must never refuse a call the use case would
//! allow.
//!
//! Architecture invariant: every operation of the OpenAPI document has a row here (a test
//! walks the document and fails on a missing row); a route without one answers 500 and logs
//! why, so a forgotten row fails closed. The permissions are also written into the OpenAPI
//! document, with the 403 they cause.

use std::collections::HashMap;
use std::sync::LazyLock;

use casefile_domain::authz::Permission as P;

/// What a route asks of an authenticated caller.
#[derive(Debug, Clone, Copy)]
pub enum Need {
    /// At least one of these, in some division.
    Any(&'static [P]),
    /// Nothing beyond a valid token, for the reason given.
    SignedIn(&'static str),
}

const GET: &str = "GET";
const POST: &str = "POST";
const PUT: &str = "PUT";
const PATCH: &str = "PATCH";
const DELETE: &str = "DELETE";

/// Every authenticated operation: method, path as the OpenAPI document writes it, need.
#[rustfmt::skip]
pub const ROUTES: &[(&str, &str, Need)] = &[
    (GET, "/api/v2/authorization/divisions", Need::Any(&[P::DivisionView])),
    (POST, "/api/v2/authorization/divisions", Need::Any(&[P::DivisionAdd])),
    (GET, "/api/v2/authorization/divisions/home", Need::SignedIn("every caller may know the home division")),
    (DELETE, "/api/v2/authorization/divisions/{divisionId}", Need::Any(&[P::DivisionDelete])),
    (GET, "/api/v2/authorization/divisions/{divisionId}", Need::Any(&[P::DivisionView])),
    (PATCH, "/api/v2/authorization/divisions/{divisionId}", Need::Any(&[P::DivisionEdit])),
    (PUT, "/api/v2/authorization/divisions/{divisionId}", Need::Any(&[P::DivisionEdit])),
    (GET, "/api/v2/authorization/roles", Need::SignedIn("the built-in roles are the same for everyone")),
    (GET, "/api/v2/authorization/roles/{roleId}", Need::SignedIn("the built-in roles are the same for everyone")),
    (GET, "/api/v2/authorization/subjects/me", Need::SignedIn("a caller reads its own grants")),
    (GET, "/api/v2/authorization/subjects/{subjectId}", Need::SignedIn("a user reads their own grants by id (others need authorization:grant:view)")),
    (DELETE, "/api/v2/authorization/subjects/{subjectId}/divisions/{divisionId}/roles/{roleId}", Need::Any(&[P::GrantEdit])),
    (POST, "/api/v2/authorization/subjects/{subjectId}/divisions/{divisionId}/roles/{roleId}", Need::Any(&[P::GrantEdit])),
    (GET, "/api/v2/casemanagement/caseplans", Need::Any(&[P::CaseplanView])),
    (POST, "/api/v2/casemanagement/caseplans", Need::Any(&[P::CaseplanEdit])),
    (POST, "/api/v2/casemanagement/caseplans/query", Need::Any(&[P::CaseplanView])),
    (DELETE, "/api/v2/casemanagement/caseplans/{caseplanId}", Need::Any(&[P::CaseplanEdit])),
    (GET, "/api/v2/casemanagement/caseplans/{caseplanId}", Need::Any(&[P::CaseplanView])),
    (PATCH, "/api/v2/casemanagement/caseplans/{caseplanId}", Need::Any(&[P::CaseplanEdit])),
    (POST, "/api/v2/casemanagement/caseplans/{caseplanId}/dataschemas", Need::Any(&[P::CaseplanEdit])),
    (DELETE, "/api/v2/casemanagement/caseplans/{caseplanId}/dataschemas/{schemaKeyName}", Need::Any(&[P::CaseplanEdit])),
    (PUT, "/api/v2/casemanagement/caseplans/{caseplanId}/dataschemas/{schemaKeyName}", Need::Any(&[P::CaseplanEdit])),
    (PUT, "/api/v2/casemanagement/caseplans/{caseplanId}/intakesettings", Need::Any(&[P::CaseplanEdit])),
    (POST, "/api/v2/casemanagement/caseplans/{caseplanId}/publish", Need::Any(&[P::CaseplanEdit])),
    (POST, "/api/v2/casemanagement/caseplans/{caseplanId}/stageplans", Need::Any(&[P::CaseplanEdit])),
    (DELETE, "/api/v2/casemanagement/caseplans/{caseplanId}/stageplans/{stageplanId}", Need::Any(&[P::CaseplanEdit])),
    (PATCH, "/api/v2/casemanagement/caseplans/{caseplanId}/stageplans/{stageplanId}", Need::Any(&[P::CaseplanEdit])),
    (POST, "/api/v2/casemanagement/caseplans/{caseplanId}/stageplans/{stageplanId}/reposition", Need::Any(&[P::CaseplanEdit])),
    (PATCH, "/api/v2/casemanagement/caseplans/{caseplanId}/stageplans/{stageplanId}/stepplans/{stepplanId}", Need::Any(&[P::CaseplanEdit])),
    (POST, "/api/v2/casemanagement/caseplans/{caseplanId}/versions", Need::Any(&[P::CaseplanEdit])),
    (GET, "/api/v2/casemanagement/caseplans/{caseplanId}/versions/{versionId}", Need::Any(&[P::CaseplanView])),
    (GET, "/api/v2/casemanagement/caseplans/{caseplanId}/versions/{versionId}/dataschemas", Need::Any(&[P::CaseplanView])),
    (GET, "/api/v2/casemanagement/caseplans/{caseplanId}/versions/{versionId}/intakesettings", Need::Any(&[P::CaseplanView])),
    (GET, "/api/v2/casemanagement/caseplans/{caseplanId}/versions/{versionId}/stageplans", Need::Any(&[P::CaseplanView])),
    (GET, "/api/v2/casemanagement/caseplans/{caseplanId}/versions/{versionId}/stageplans/{stageplanId}", Need::Any(&[P::CaseplanView])),
    (GET, "/api/v2/casemanagement/caseplans/{caseplanId}/versions/{versionId}/stageplans/{stageplanId}/stepplans", Need::Any(&[P::CaseplanView])),
    (GET, "/api/v2/casemanagement/caseplans/{caseplanId}/versions/{versionId}/stageplans/{stageplanId}/stepplans/{stepplanId}", Need::Any(&[P::CaseplanView])),
    (POST, "/api/v2/casemanagement/cases", Need::Any(&[P::CaseAdd])),
    (POST, "/api/v2/casemanagement/cases/associations/query", Need::Any(&[P::CaseView])),
    (GET, "/api/v2/casemanagement/cases/externalcontacts/{externalContactId}", Need::Any(&[P::CaseView])),
    (POST, "/api/v2/casemanagement/cases/query/jobs", Need::Any(&[P::CaseView])),
    (GET, "/api/v2/casemanagement/cases/query/jobs/{jobId}", Need::Any(&[P::WorkitemView])),
    (GET, "/api/v2/casemanagement/cases/query/jobs/{jobId}/results", Need::Any(&[P::WorkitemView])),
    (GET, "/api/v2/casemanagement/cases/references/{referenceId}", Need::Any(&[P::CaseView])),
    (DELETE, "/api/v2/casemanagement/cases/{caseId}", Need::Any(&[P::CaseEdit])),
    (GET, "/api/v2/casemanagement/cases/{caseId}", Need::Any(&[P::CaseView])),
    (GET, "/api/v2/casemanagement/cases/{caseId}/associations", Need::Any(&[P::CaseView])),
    (POST, "/api/v2/casemanagement/cases/{caseId}/associations", Need::Any(&[P::CaseEdit])),
    (GET, "/api/v2/casemanagement/cases/{caseId}/associations/{associationId}", Need::Any(&[P::CaseView])),
    (GET, "/api/v2/casemanagement/cases/{caseId}/comments", Need::Any(&[P::CaseView])),
    (POST, "/api/v2/casemanagement/cases/{caseId}/comments", Need::Any(&[P::CaseEdit])),
    (DELETE, "/api/v2/casemanagement/cases/{caseId}/comments/me/{commentId}", Need::Any(&[P::CaseView])),
    (DELETE, "/api/v2/casemanagement/cases/{caseId}/comments/{commentId}", Need::Any(&[P::CaseEdit])),
    (GET, "/api/v2/casemanagement/cases/{caseId}/comments/{commentId}", Need::Any(&[P::CaseView])),
    (PATCH, "/api/v2/casemanagement/cases/{caseId}/datedue", Need::Any(&[P::CaseEdit])),
    (PATCH, "/api/v2/casemanagement/cases/{caseId}/description", Need::Any(&[P::CaseEdit])),
    (PATCH, "/api/v2/casemanagement/cases/{caseId}/externalid", Need::Any(&[P::CaseEdit])),
    (PATCH, "/api/v2/casemanagement/cases/{caseId}/owner", Need::Any(&[P::CaseEdit])),
    (PATCH, "/api/v2/casemanagement/cases/{caseId}/priority", Need::Any(&[P::CaseEdit])),
    (GET, "/api/v2/casemanagement/cases/{caseId}/stages", Need::Any(&[P::CaseView])),
    (GET, "/api/v2/casemanagement/cases/{caseId}/stages/{stageId}", Need::Any(&[P::CaseView])),
    (GET, "/api/v2/casemanagement/cases/{caseId}/stages/{stageId}/steps", Need::Any(&[P::CaseView])),
    (GET, "/api/v2/casemanagement/cases/{caseId}/stages/{stageId}/steps/{stepId}", Need::Any(&[P::CaseView])),
    (PATCH, "/api/v2/casemanagement/cases/{caseId}/summary", Need::Any(&[P::CaseEdit])),
    (POST, "/api/v2/casemanagement/cases/{caseId}/terminate/jobs", Need::Any(&[P::CaseEdit])),
    (GET, "/api/v2/casemanagement/cases/{caseId}/terminate/jobs/{jobId}", Need::Any(&[P::WorkitemView])),
    (GET, "/api/v2/externalcontacts/contacts", Need::Any(&[P::ContactView])),
    (POST, "/api/v2/externalcontacts/contacts", Need::Any(&[P::ContactEdit])),
    (DELETE, "/api/v2/externalcontacts/contacts/{contactId}", Need::Any(&[P::ContactEdit])),
    (GET, "/api/v2/externalcontacts/contacts/{contactId}", Need::Any(&[P::ContactView])),
    (PUT, "/api/v2/externalcontacts/contacts/{contactId}", Need::Any(&[P::ContactEdit])),
    (GET, "/api/v2/externalcontacts/contacts/{contactId}/notes", Need::Any(&[P::ContactView])),
    (POST, "/api/v2/externalcontacts/contacts/{contactId}/notes", Need::Any(&[P::ContactEdit])),
    (DELETE, "/api/v2/externalcontacts/contacts/{contactId}/notes/{noteId}", Need::Any(&[P::ContactEdit])),
    (GET, "/api/v2/externalcontacts/contacts/{contactId}/notes/{noteId}", Need::Any(&[P::ContactView])),
    (PUT, "/api/v2/externalcontacts/contacts/{contactId}/notes/{noteId}", Need::Any(&[P::ContactEdit])),
    (GET, "/api/v2/intents/assignments/externalcontacts/{externalContactId}", Need::Any(&[P::ContactView])),
    (POST, "/api/v2/intents/assignments/externalcontacts/{externalContactId}/customerintents/{customerIntentId}/assignment", Need::Any(&[P::ContactEdit])),
    (GET, "/api/v2/intents/categories", Need::Any(&[P::IntentView])),
    (POST, "/api/v2/intents/categories", Need::Any(&[P::IntentEdit])),
    (DELETE, "/api/v2/intents/categories/{categoryId}", Need::Any(&[P::IntentEdit])),
    (GET, "/api/v2/intents/categories/{categoryId}", Need::Any(&[P::IntentView])),
    (PATCH, "/api/v2/intents/categories/{categoryId}", Need::Any(&[P::IntentEdit])),
    (GET, "/api/v2/intents/customerintents", Need::Any(&[P::IntentView])),
    (POST, "/api/v2/intents/customerintents", Need::Any(&[P::IntentEdit])),
    (POST, "/api/v2/intents/customerintents/bulk/retrieve", Need::Any(&[P::IntentView])),
    (DELETE, "/api/v2/intents/customerintents/{customerIntentId}", Need::Any(&[P::IntentEdit])),
    (GET, "/api/v2/intents/customerintents/{customerIntentId}", Need::Any(&[P::IntentView])),
    (PATCH, "/api/v2/intents/customerintents/{customerIntentId}", Need::Any(&[P::IntentEdit])),
    (POST, "/api/v2/taskmanagement/workbins", Need::Any(&[P::WorkbinEdit])),
    (POST, "/api/v2/taskmanagement/workbins/query", Need::Any(&[P::WorkbinView])),
    (DELETE, "/api/v2/taskmanagement/workbins/{workbinId}", Need::Any(&[P::WorkbinEdit])),
    (GET, "/api/v2/taskmanagement/workbins/{workbinId}", Need::Any(&[P::WorkbinView])),
    (PATCH, "/api/v2/taskmanagement/workbins/{workbinId}", Need::Any(&[P::WorkbinEdit])),
    (GET, "/api/v2/taskmanagement/workbins/{workbinId}/history", Need::Any(&[P::WorkbinView])),
    (GET, "/api/v2/taskmanagement/workbins/{workbinId}/versions", Need::Any(&[P::WorkbinView])),
    (GET, "/api/v2/taskmanagement/workbins/{workbinId}/versions/{entityVersion}", Need::Any(&[P::WorkbinView])),
    (POST, "/api/v2/taskmanagement/workitems", Need::Any(&[P::WorkitemAdd])),
    (POST, "/api/v2/taskmanagement/workitems/bulk/add/jobs", Need::Any(&[P::WorkitemAdd])),
    (DELETE, "/api/v2/taskmanagement/workitems/bulk/add/jobs/{bulkJobId}", Need::Any(&[P::WorkitemView])),
    (GET, "/api/v2/taskmanagement/workitems/bulk/add/jobs/{bulkJobId}", Need::Any(&[P::WorkitemView])),
    (PATCH, "/api/v2/taskmanagement/workitems/bulk/add/jobs/{bulkJobId}", Need::Any(&[P::WorkitemView])),
    (GET, "/api/v2/taskmanagement/workitems/bulk/add/jobs/{bulkJobId}/results", Need::Any(&[P::WorkitemView])),
    (GET, "/api/v2/taskmanagement/workitems/bulk/jobs/users/me", Need::Any(&[P::WorkitemView])),
    (POST, "/api/v2/taskmanagement/workitems/bulk/terminate/jobs", Need::Any(&[P::WorkitemTerminate, P::WorkitemEdit, P::WorkitemEditOwn])),
    (DELETE, "/api/v2/taskmanagement/workitems/bulk/terminate/jobs/{bulkJobId}", Need::Any(&[P::WorkitemView])),
    (GET, "/api/v2/taskmanagement/workitems/bulk/terminate/jobs/{bulkJobId}", Need::Any(&[P::WorkitemView])),
    (PATCH, "/api/v2/taskmanagement/workitems/bulk/terminate/jobs/{bulkJobId}", Need::Any(&[P::WorkitemView])),
    (GET, "/api/v2/taskmanagement/workitems/bulk/terminate/jobs/{bulkJobId}/results", Need::Any(&[P::WorkitemView])),
    (POST, "/api/v2/taskmanagement/workitems/query", Need::Any(&[P::WorkitemView])),
    (POST, "/api/v2/taskmanagement/workitems/query/jobs", Need::Any(&[P::WorkitemView])),
    (GET, "/api/v2/taskmanagement/workitems/query/jobs/{jobId}", Need::Any(&[P::WorkitemView])),
    (GET, "/api/v2/taskmanagement/workitems/query/jobs/{jobId}/results", Need::Any(&[P::WorkitemView])),
    (GET, "/api/v2/taskmanagement/workitems/schemas", Need::Any(&[P::SchemaView])),
    (POST, "/api/v2/taskmanagement/workitems/schemas", Need::Any(&[P::SchemaEdit])),
    (GET, "/api/v2/taskmanagement/workitems/schemas/coretypes", Need::SignedIn("the core-type catalogue is the same for everyone")),
    (GET, "/api/v2/taskmanagement/workitems/schemas/coretypes/{coreTypeName}", Need::SignedIn("the core-type catalogue is the same for everyone")),
    (GET, "/api/v2/taskmanagement/workitems/schemas/limits", Need::SignedIn("the schema limits are the same for everyone")),
    (DELETE, "/api/v2/taskmanagement/workitems/schemas/{schemaId}", Need::Any(&[P::SchemaEdit])),
    (GET, "/api/v2/taskmanagement/workitems/schemas/{schemaId}", Need::Any(&[P::SchemaView])),
    (PUT, "/api/v2/taskmanagement/workitems/schemas/{schemaId}", Need::Any(&[P::SchemaEdit])),
    (GET, "/api/v2/taskmanagement/workitems/schemas/{schemaId}/versions", Need::Any(&[P::SchemaView])),
    (GET, "/api/v2/taskmanagement/workitems/schemas/{schemaId}/versions/{versionId}", Need::Any(&[P::SchemaView])),
    (DELETE, "/api/v2/taskmanagement/workitems/{workitemId}", Need::Any(&[P::WorkitemDelete])),
    (GET, "/api/v2/taskmanagement/workitems/{workitemId}", Need::Any(&[P::WorkitemView])),
    (PATCH, "/api/v2/taskmanagement/workitems/{workitemId}", Need::Any(&[P::WorkitemEdit, P::WorkitemEditOwn, P::WorkitemAssign])),
    (PATCH, "/api/v2/taskmanagement/workitems/{workitemId}/assignment", Need::Any(&[P::WorkitemAssign, P::WorkitemEditOwn])),
    (GET, "/api/v2/taskmanagement/workitems/{workitemId}/history", Need::Any(&[P::WorkitemView])),
    (POST, "/api/v2/taskmanagement/workitems/{workitemId}/terminate", Need::Any(&[P::WorkitemTerminate, P::WorkitemEdit, P::WorkitemEditOwn])),
    (GET, "/api/v2/taskmanagement/workitems/{workitemId}/versions", Need::Any(&[P::WorkitemView])),
    (GET, "/api/v2/taskmanagement/workitems/{workitemId}/versions/{entityVersion}", Need::Any(&[P::WorkitemView])),
    (POST, "/api/v2/taskmanagement/worktypes", Need::Any(&[P::WorktypeEdit])),
    (POST, "/api/v2/taskmanagement/worktypes/query", Need::Any(&[P::WorktypeView])),
    (DELETE, "/api/v2/taskmanagement/worktypes/{worktypeId}", Need::Any(&[P::WorktypeEdit])),
    (GET, "/api/v2/taskmanagement/worktypes/{worktypeId}", Need::Any(&[P::WorktypeView])),
    (PATCH, "/api/v2/taskmanagement/worktypes/{worktypeId}", Need::Any(&[P::WorktypeEdit])),
    (GET, "/api/v2/taskmanagement/worktypes/{worktypeId}/history", Need::Any(&[P::WorktypeView])),
    (GET, "/api/v2/taskmanagement/worktypes/{worktypeId}/statuses", Need::Any(&[P::WorktypeView])),
    (POST, "/api/v2/taskmanagement/worktypes/{worktypeId}/statuses", Need::Any(&[P::WorktypeEdit])),
    (DELETE, "/api/v2/taskmanagement/worktypes/{worktypeId}/statuses/{statusId}", Need::Any(&[P::WorktypeEdit])),
    (GET, "/api/v2/taskmanagement/worktypes/{worktypeId}/statuses/{statusId}", Need::Any(&[P::WorktypeView])),
    (PATCH, "/api/v2/taskmanagement/worktypes/{worktypeId}/statuses/{statusId}", Need::Any(&[P::WorktypeEdit])),
    (GET, "/api/v2/taskmanagement/worktypes/{worktypeId}/versions", Need::Any(&[P::WorktypeView])),
    (GET, "/api/v2/taskmanagement/worktypes/{worktypeId}/versions/{entityVersion}", Need::Any(&[P::WorktypeView])),
    (GET, "/api/v2/users", Need::Any(&[P::UserView])),
    (POST, "/api/v2/users", Need::Any(&[P::UserAdd])),
    (GET, "/api/v2/users/me", Need::SignedIn("a user reads themself")),
    (GET, "/api/v2/users/{subjectId}/roles", Need::SignedIn("a user reads their own roles by id (others need authorization:grant:view)")),
    (PUT, "/api/v2/users/{subjectId}/roles", Need::Any(&[P::GrantEdit])),
    (DELETE, "/api/v2/users/{userId}", Need::Any(&[P::UserDelete])),
    (GET, "/api/v2/users/{userId}", Need::SignedIn("a user reads themself by id (others need directory:user:view)")),
    (PATCH, "/api/v2/users/{userId}", Need::Any(&[P::UserEdit])),
];

static BY_ROUTE: LazyLock<HashMap<(&'static str, &'static str), Need>> =
    LazyLock::new(|| ROUTES.iter().map(|(m, p, n)| ((*m, *p), *n)).collect());

/// The need of the route `path` (as matched, with `{placeholders}`) under `method`.
pub fn need(method: &str, path: &str) -> Option<Need> {
    BY_ROUTE.get(&(method, path)).copied()
}
