//! Comments on a case and its associations with conversations and workitems. Both are
//! documents under the case; a case's stage workitems are associations of type Activity
//! derived from the case itself.

use casefile_domain::Timestamp;
use casefile_domain::authz::{Permission, Principal, SubjectKind};
use casefile_domain::case::engine::Case;

use super::cases;
use crate::app::error::{Error, Result};
use crate::app::task::documents::{self, Batch, Stored};
use crate::app::{Actor, App, new_id};

pub use casefile_domain::case::activity::{
    Association, AssociationType, COMMENT_MAX, Comment, interaction_key,
};

impl Stored for Comment {
    const KIND: &'static str = "comment";
    const WHAT: &'static str = "comment";
    const VIEW: Permission = Permission::CaseView;
    const EDIT: Permission = Permission::CaseEdit;
    fn id(&self) -> &str {
        &self.id
    }
    /// Unique per case: the id.
    fn name(&self) -> &str {
        &self.id
    }
    fn division_id(&self) -> Option<&str> {
        None
    }
    fn parent_id(&self) -> Option<&str> {
        Some(&self.case_id)
    }
    fn version(&self) -> i64 {
        self.version
    }
    fn date_created(&self) -> Timestamp {
        self.date_created
    }
    fn date_modified(&self) -> Timestamp {
        self.date_modified
    }
}

impl Stored for Association {
    const KIND: &'static str = "association";
    const WHAT: &'static str = "association";
    const VIEW: Permission = Permission::CaseView;
    const EDIT: Permission = Permission::CaseEdit;
    fn id(&self) -> &str {
        &self.id
    }
    /// The interaction (`conversation:<id>` or `workitem:<id>`): one association per
    /// interaction and case, and an indexed way to find a follow-up's case.
    fn name(&self) -> &str {
        &self.key
    }
    fn division_id(&self) -> Option<&str> {
        None
    }
    fn parent_id(&self) -> Option<&str> {
        Some(&self.case_id)
    }
    fn version(&self) -> i64 {
        self.version
    }
    fn date_created(&self) -> Timestamp {
        self.date_associated
    }
    fn date_modified(&self) -> Timestamp {
        self.date_associated
    }
}

/// Every case association of an interaction the caller may see.
#[tracing::instrument(name = "case_management.activity.find_associations", level = "debug", skip_all, fields(caller = %caller.subject_id, workitem_id = ?workitem_id))]
pub async fn find_associations(
    app: &App,
    caller: &Principal,
    workitem_id: Option<&str>,
    conversation_id: Option<&str>,
) -> Result<Vec<Association>> {
    if workitem_id.is_some() == conversation_id.is_some() {
        return Err(Error::bad_request(
            "workitemId",
            "give exactly one of workitemId and conversationId",
        ));
    }
    let filter = casefile_store::DocumentFilter {
        visible: casefile_domain::authz::Divisions::All,
        parent_id: None,
        name: Some(interaction_key(workitem_id, conversation_id)),
    };
    let docs = app.store.list_documents(Association::KIND, &filter).await?;
    let mut found = Vec::new();
    for d in docs {
        let a: Association = documents::from_value(d.data)?;
        if cases::get(app, caller, &a.case_id).await.is_ok() {
            found.push(a);
        }
    }
    // A case's own stage workitem is an Activity of that case.
    if let Some(w) = workitem_id
        && let Ok(item) = crate::app::task::workitems::get(app, caller, w).await
        && let Some(case_id) = item.case_id
        && let Ok(all) = associations(app, caller, &case_id).await
    {
        found.extend(all.into_iter().filter(|a| {
            a.workitem_id.as_deref() == Some(w) && a.kind == AssociationType::Activity && a.id == w
        }));
    }
    Ok(found)
}

#[tracing::instrument(name = "case_management.activity.add_comment", level = "debug", skip_all, fields(caller = %caller.subject_id, case_id = %case_id))]
pub async fn add_comment(
    app: &App,
    caller: &Principal,
    case_id: &str,
    content: &str,
) -> Result<Comment> {
    let case = cases::get(app, caller, case_id).await?;
    require_edit(caller, &case)?;
    let content = casefile_domain::invalid::required_text("content", content, 1, COMMENT_MAX)?;
    let now = app.clock.now();
    let c = Comment {
        id: new_id(now),
        case_id: case.id,
        content,
        author_id: caller.subject_id.clone(),
        version: 1,
        date_created: now,
        date_modified: now,
    };
    let mut batch = Batch::default();
    batch.insert(
        &c,
        Actor {
            id: Some(&caller.subject_id),
            at: now,
        },
    )?;
    batch.commit(app, "comment").await?;
    Ok(c)
}

#[tracing::instrument(name = "case_management.activity.comments", level = "debug", skip_all, fields(caller = %caller.subject_id, case_id = %case_id))]
pub async fn comments(app: &App, caller: &Principal, case_id: &str) -> Result<Vec<Comment>> {
    cases::get(app, caller, case_id).await?;
    let mut all: Vec<Comment> = documents::list(app, caller, Some(case_id)).await?;
    all.sort_by(|a, b| (a.date_created, &a.id).cmp(&(b.date_created, &b.id)));
    Ok(all)
}

#[tracing::instrument(name = "case_management.activity.comment", level = "debug", skip_all, fields(caller = %caller.subject_id, case_id = %case_id, id = %id))]
pub async fn comment(app: &App, caller: &Principal, case_id: &str, id: &str) -> Result<Comment> {
    cases::get(app, caller, case_id).await?;
    let c: Comment = documents::load(app, caller, id).await?;
    if c.case_id != case_id {
        return Err(Error::not_found("comment"));
    }
    Ok(c)
}

/// Deletes a comment: one's own (`mine`), or any with edit rights on the case.
#[tracing::instrument(name = "case_management.activity.delete_comment", level = "debug", skip_all, fields(caller = %caller.subject_id, case_id = %case_id, id = %id))]
pub async fn delete_comment(
    app: &App,
    caller: &Principal,
    case_id: &str,
    id: &str,
    mine: bool,
) -> Result<()> {
    let case = cases::get(app, caller, case_id).await?;
    let c = comment(app, caller, case_id, id).await?;
    if mine {
        if !(caller.kind == SubjectKind::User && c.author_id == caller.subject_id) {
            return Err(Error::not_found("comment"));
        }
    } else {
        require_edit(caller, &case)?;
    }
    let mut batch = Batch::default();
    batch.delete(
        &c,
        Actor {
            id: Some(&caller.subject_id),
            at: app.clock.now(),
        },
    )?;
    batch.commit(app, "comment").await
}

fn require_edit(caller: &Principal, case: &Case) -> Result<()> {
    let ok = match &case.division_id {
        Some(d) => caller.can(Permission::CaseEdit, d),
        None => documents::visible(caller, Permission::CaseEdit, None),
    };
    if ok {
        Ok(())
    } else {
        Err(Error::forbidden(Permission::CaseEdit))
    }
}

/// The stage a new association joins: the one in progress.
fn current_stage(case: &Case) -> (Option<String>, Option<String>) {
    case.stages
        .iter()
        .find(|s| s.status == casefile_domain::case::engine::StageStatus::InProgress)
        .map(|s| (Some(s.id.clone()), Some(s.step.id.clone())))
        .unwrap_or((None, None))
}

#[tracing::instrument(name = "case_management.activity.associate", level = "debug", skip_all, fields(caller = %caller.subject_id, case_id = %case_id, workitem_id = ?workitem_id))]
pub async fn associate(
    app: &App,
    caller: &Principal,
    case_id: &str,
    kind: AssociationType,
    workitem_id: Option<String>,
    conversation_id: Option<String>,
) -> Result<Association> {
    let case = cases::get(app, caller, case_id).await?;
    require_edit(caller, &case)?;
    if workitem_id.is_some() == conversation_id.is_some() {
        return Err(Error::bad_request(
            "workitemId",
            "give exactly one of workitemId and conversationId",
        ));
    }
    if let Some(w) = &workitem_id {
        crate::app::task::workitems::get(app, caller, w)
            .await
            .map_err(Error::missing_as("workitemId", "workitem not found"))?;
    }
    let existing = associations(app, caller, case_id).await?;
    if existing.iter().any(|a| {
        (workitem_id.is_some() && a.workitem_id == workitem_id)
            || (conversation_id.is_some() && a.conversation_id == conversation_id)
    }) {
        return Err(Error::conflict(
            "this interaction is already associated with the case",
        ));
    }
    let (stage_id, step_id) = current_stage(&case);
    let now = app.clock.now();
    let key = interaction_key(workitem_id.as_deref(), conversation_id.as_deref());
    let a = Association {
        id: new_id(now),
        key,
        case_id: case.id,
        kind,
        workitem_id,
        conversation_id,
        stage_id,
        step_id,
        version: 1,
        date_associated: now,
    };
    let mut batch = Batch::default();
    batch.insert(
        &a,
        Actor {
            id: Some(&caller.subject_id),
            at: now,
        },
    )?;
    batch.commit(app, "association").await?;
    Ok(a)
}

/// Stored associations plus one Activity per stage workitem, oldest first.
#[tracing::instrument(name = "case_management.activity.associations", level = "debug", skip_all, fields(caller = %caller.subject_id, case_id = %case_id))]
pub async fn associations(
    app: &App,
    caller: &Principal,
    case_id: &str,
) -> Result<Vec<Association>> {
    let case = cases::get(app, caller, case_id).await?;
    let mut all: Vec<Association> = documents::list(app, caller, Some(case_id)).await?;
    for stage in &case.stages {
        if let Some(w) = &stage.step.workitem_id {
            all.push(Association {
                id: w.clone(),
                key: interaction_key(Some(w), None),
                case_id: case.id.clone(),
                kind: AssociationType::Activity,
                workitem_id: Some(w.clone()),
                conversation_id: None,
                stage_id: Some(stage.id.clone()),
                step_id: Some(stage.step.id.clone()),
                version: 1,
                date_associated: stage.date_started.unwrap_or(case.date_created),
            });
        }
    }
    // At one instant the initiating interaction comes first, then stage work, then enquiries.
    let rank = |k: AssociationType| match k {
        AssociationType::Initiation => 0,
        AssociationType::Activity => 1,
        AssociationType::Enquiry => 2,
    };
    all.sort_by(|a, b| {
        (a.date_associated, rank(a.kind), &a.id).cmp(&(b.date_associated, rank(b.kind), &b.id))
    });
    Ok(all)
}
