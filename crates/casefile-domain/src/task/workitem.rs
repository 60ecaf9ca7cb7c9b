//! Workitems: units of work, created from their worktype's defaults and moved through its
//! statuses.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::status::{Category, Status};
use super::worktype::Worktype;
use super::{SECONDS_MAX, SKILLS_MAX, check_priority, check_seconds};
use crate::{Invalid, Timestamp};

pub const PREFERRED_AGENTS_MAX: usize = 20;
pub const EXTERNAL_TAG_MAX: usize = 256;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Workitem {
    pub id: String,
    pub name: String,
    pub description: Option<String>,
    pub division_id: String,
    pub type_id: String,
    pub workbin_id: String,
    pub status_id: String,
    pub status_category: Category,
    pub priority: i64,
    pub date_created: Timestamp,
    pub date_modified: Timestamp,
    pub date_due: Option<Timestamp>,
    pub date_expires: Option<Timestamp>,
    pub duration_seconds: Option<i64>,
    /// Epoch seconds after which the workitem may be purged.
    pub ttl: Option<i64>,
    pub date_status_changed: Option<Timestamp>,
    pub date_closed: Option<Timestamp>,
    pub assignee_id: Option<String>,
    pub reporter_id: Option<String>,
    pub queue_id: Option<String>,
    pub language_id: Option<String>,
    pub external_contact_id: Option<String>,
    pub external_tag: Option<String>,
    pub case_id: Option<String>,
    pub modified_by: Option<String>,
    pub auto_status_transition: bool,
    /// When the current status moves on by itself, and to which status.
    pub auto_transition_at: Option<Timestamp>,
    pub auto_transition_to: Option<String>,
    pub schema_id: Option<String>,
    pub schema_version: Option<i64>,
    pub custom_fields: Map<String, Value>,
    pub skill_ids: Vec<String>,
    pub preferred_agent_ids: Vec<String>,
    pub script_id: Option<String>,
    pub assignment_state: Option<String>,
    pub terminated: bool,
    pub version: i64,
}

/// The caller's choices for a new workitem; anything left `None` comes from the worktype.
#[derive(Debug, Clone, Default)]
pub struct Draft {
    pub name: String,
    pub description: Option<String>,
    pub workbin_id: Option<String>,
    pub status_id: Option<String>,
    pub priority: Option<i64>,
    pub date_due: Option<Timestamp>,
    pub date_expires: Option<Timestamp>,
    pub duration_seconds: Option<i64>,
    pub ttl: Option<i64>,
    pub assignee_id: Option<String>,
    pub queue_id: Option<String>,
    pub language_id: Option<String>,
    pub external_contact_id: Option<String>,
    pub external_tag: Option<String>,
    pub case_id: Option<String>,
    pub skill_ids: Option<Vec<String>>,
    pub preferred_agent_ids: Vec<String>,
    pub script_id: Option<String>,
    pub auto_status_transition: Option<bool>,
    pub custom_fields: Map<String, Value>,
}

fn within_a_year(field: &str, at: Timestamp, now: Timestamp) -> Result<(), Invalid> {
    if at > now + chrono::Duration::seconds(SECONDS_MAX) {
        return Err(Invalid::new(
            field,
            "can not be more than 365 days from now",
        ));
    }
    Ok(())
}

fn check_common(w: &Workitem, now: Timestamp) -> Result<(), Invalid> {
    super::name("name", &w.name)?;
    super::description(w.description.as_deref())?;
    check_priority("priority", w.priority)?;
    if let Some(d) = w.date_due {
        within_a_year("dateDue", d, now)?;
    }
    if let Some(d) = w.date_expires {
        within_a_year("dateExpires", d, now)?;
    }
    if let (Some(due), Some(expires)) = (w.date_due, w.date_expires)
        && due > expires
    {
        return Err(Invalid::new("dateDue", "must not be after dateExpires"));
    }
    if let Some(d) = w.duration_seconds {
        check_seconds("durationSeconds", d, 0)?;
    }
    if let Some(ttl) = w.ttl {
        let max = now.timestamp() + SECONDS_MAX;
        if ttl < now.timestamp() || ttl > max {
            return Err(Invalid::new(
                "ttl",
                "must be an epoch second between now and 365 days from now",
            ));
        }
    }
    if w.skill_ids.len() > SKILLS_MAX {
        return Err(Invalid::new(
            "skillIds",
            format!("at most {SKILLS_MAX} skills"),
        ));
    }
    if w.preferred_agent_ids.len() > PREFERRED_AGENTS_MAX {
        return Err(Invalid::new(
            "preferredAgentIds",
            format!("at most {PREFERRED_AGENTS_MAX} agents"),
        ));
    }
    crate::invalid::optional_text("externalTag", w.external_tag.as_deref(), EXTERNAL_TAG_MAX)?;
    Ok(())
}

impl Workitem {
    /// A new workitem of `worktype` in `status` (the draft's, or the worktype's default),
    /// with every unset field taken from the worktype. `custom_fields` must already be
    /// validated against the schema version the worktype pins.
    pub fn create(
        id: String,
        draft: Draft,
        worktype: &Worktype,
        status: &Status,
        schema_version: Option<i64>,
        reporter_id: Option<String>,
        now: Timestamp,
    ) -> Result<Workitem, Invalid> {
        if status.worktype_id != worktype.id {
            return Err(Invalid::new("statusId", "is not a status of this worktype"));
        }
        let after = |secs: Option<i64>| secs.map(|s| now + chrono::Duration::seconds(s));
        let mut w = Workitem {
            id,
            name: draft.name,
            description: draft.description,
            division_id: worktype.division_id.clone(),
            type_id: worktype.id.clone(),
            workbin_id: draft
                .workbin_id
                .unwrap_or_else(|| worktype.default_workbin_id.clone()),
            status_id: status.id.clone(),
            status_category: status.category,
            priority: draft.priority.unwrap_or(worktype.default_priority),
            date_created: now,
            date_modified: now,
            date_due: draft
                .date_due
                .or_else(|| after(worktype.default_due_duration_seconds)),
            date_expires: draft
                .date_expires
                .or_else(|| after(worktype.default_expiration_seconds)),
            duration_seconds: draft.duration_seconds.or(worktype.default_duration_seconds),
            ttl: draft
                .ttl
                .or_else(|| worktype.default_ttl_seconds.map(|s| now.timestamp() + s)),
            date_status_changed: Some(now),
            date_closed: None,
            assignee_id: draft.assignee_id,
            reporter_id,
            queue_id: draft.queue_id.or_else(|| worktype.default_queue_id.clone()),
            language_id: draft
                .language_id
                .or_else(|| worktype.default_language_id.clone()),
            external_contact_id: draft.external_contact_id,
            external_tag: draft.external_tag,
            case_id: draft.case_id,
            modified_by: None,
            auto_status_transition: draft.auto_status_transition.unwrap_or(true),
            auto_transition_at: None,
            auto_transition_to: None,
            schema_id: worktype.schema_id.clone(),
            schema_version,
            custom_fields: draft.custom_fields,
            skill_ids: draft
                .skill_ids
                .unwrap_or_else(|| worktype.default_skill_ids.clone()),
            preferred_agent_ids: draft.preferred_agent_ids,
            script_id: draft
                .script_id
                .or_else(|| worktype.default_script_id.clone()),
            assignment_state: None,
            terminated: false,
            version: 1,
        };
        w.enter(status, now);
        check_common(&w, now)?;
        Ok(w)
    }

    /// Puts the workitem into `status` at `now`: category, dates and the next auto-transition.
    fn enter(&mut self, status: &Status, now: Timestamp) {
        self.status_id = status.id.clone();
        self.status_category = status.category;
        self.date_status_changed = Some(now);
        self.date_closed = (status.category == Category::Closed).then_some(now);
        if status.auto_terminate_workitem {
            self.terminated = true;
        }
        self.schedule_auto_transition(status);
    }

    pub fn schedule_auto_transition(&mut self, status: &Status) {
        let next = if self.auto_status_transition && !self.terminated {
            self.date_status_changed
                .and_then(|entered| status.auto_transition(entered))
        } else {
            None
        };
        self.auto_transition_at = next.as_ref().map(|(at, _)| *at);
        self.auto_transition_to = next.map(|(_, to)| to);
    }

    /// Moves to `to`, if the current status allows it.
    pub fn change_status(
        &mut self,
        from: &Status,
        to: &Status,
        now: Timestamp,
    ) -> Result<(), Invalid> {
        if self.terminated {
            return Err(Invalid::new("statusId", "the workitem is terminated"));
        }
        if from.id == to.id {
            return Ok(());
        }
        if !from.allows(to) {
            return Err(Invalid::new(
                "statusId",
                format!("the status {:?} cannot change to {:?}", from.name, to.name),
            ));
        }
        self.enter(to, now);
        Ok(())
    }

    /// Terminates: the workitem stops moving (no more status changes or auto-transitions).
    pub fn terminate(&mut self, now: Timestamp) -> Result<(), Invalid> {
        if self.terminated {
            return Err(Invalid::new(
                "workitemId",
                "the workitem is already terminated",
            ));
        }
        self.terminated = true;
        self.assignment_state = Some("Terminated".to_owned());
        self.auto_transition_at = None;
        self.auto_transition_to = None;
        if self.date_closed.is_none() {
            self.date_closed = Some(now);
        }
        Ok(())
    }

    /// Validates the fields after a change made by the caller.
    pub fn check(&self, now: Timestamp) -> Result<(), Invalid> {
        check_common(self, now)
    }

    /// Bumps the version and stamps who changed it and when.
    pub fn touch(&mut self, by: Option<String>, now: Timestamp) {
        self.version += 1;
        self.date_modified = now;
        self.modified_by = by;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t0() -> Timestamp {
        chrono::Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap()
    }

    fn worktype() -> Worktype {
        Worktype {
            id: "wt".into(),
            name: "Refund".into(),
            description: None,
            division_id: "d".into(),
            default_workbin_id: "wb".into(),
            default_status_id: Some("open".into()),
            default_duration_seconds: Some(600),
            default_expiration_seconds: Some(86_400 * 30),
            default_due_duration_seconds: Some(86_400),
            default_priority: 5,
            default_ttl_seconds: Some(86_400 * 60),
            assignment_enabled: false,
            schema_id: None,
            schema_version: None,
            service_level_target: 100,
            default_queue_id: Some("q".into()),
            default_language_id: None,
            default_skill_ids: vec!["s1".into()],
            default_script_id: None,
            unassigned_division_contacts_enabled: true,
            flow_rules_enabled: false,
            version: 1,
            date_created: t0(),
            date_modified: t0(),
            modified_by: None,
        }
    }

    fn status(id: &str, category: Category) -> Status {
        Status {
            id: id.into(),
            worktype_id: "wt".into(),
            name: id.into(),
            category,
            description: None,
            destination_status_ids: vec![],
            default_destination_status_id: None,
            status_transition_delay_seconds: None,
            status_transition_time: None,
            auto_terminate_workitem: false,
            version: 1,
            date_created: t0(),
            date_modified: t0(),
        }
    }

    fn draft() -> Draft {
        Draft {
            name: "Refund order 42".into(),
            ..Draft::default()
        }
    }

    #[test]
    fn defaults_come_from_the_worktype() {
        let w = Workitem::create(
            "w".into(),
            draft(),
            &worktype(),
            &status("open", Category::Open),
            None,
            None,
            t0(),
        )
        .unwrap();
        assert_eq!(w.workbin_id, "wb");
        assert_eq!(w.priority, 5);
        assert_eq!(w.date_due, Some(t0() + chrono::Duration::days(1)));
        assert_eq!(w.queue_id.as_deref(), Some("q"));
        assert_eq!(w.skill_ids, vec!["s1".to_string()]);
        assert_eq!(w.ttl, Some(t0().timestamp() + 86_400 * 60));
        assert_eq!(w.status_category, Category::Open);
        assert_eq!(w.date_closed, None);
    }

    #[test]
    fn closing_sets_date_closed_and_reopening_clears_it() {
        let open = status("open", Category::Open);
        let closed = status("closed", Category::Closed);
        let mut w =
            Workitem::create("w".into(), draft(), &worktype(), &open, None, None, t0()).unwrap();
        let later = t0() + chrono::Duration::hours(2);
        w.change_status(&open, &closed, later).unwrap();
        assert_eq!(w.date_closed, Some(later));
        assert_eq!(w.date_status_changed, Some(later));
        w.change_status(&closed, &open, later).unwrap();
        assert_eq!(w.date_closed, None);
    }

    #[test]
    fn refused_transitions_name_the_status() {
        let mut open = status("open", Category::Open);
        open.destination_status_ids = vec!["progress".into()];
        let closed = status("closed", Category::Closed);
        let mut w =
            Workitem::create("w".into(), draft(), &worktype(), &open, None, None, t0()).unwrap();
        assert_eq!(
            w.change_status(&open, &closed, t0()).unwrap_err().field,
            "statusId"
        );
        assert_eq!(w.status_id, "open");
    }

    #[test]
    fn auto_transition_is_scheduled_on_entry_unless_disabled() {
        let mut waiting = status("waiting", Category::Waiting);
        waiting.default_destination_status_id = Some("open".into());
        waiting.status_transition_delay_seconds = Some(3600);
        let w =
            Workitem::create("w".into(), draft(), &worktype(), &waiting, None, None, t0()).unwrap();
        assert_eq!(
            w.auto_transition_at,
            Some(t0() + chrono::Duration::hours(1))
        );
        assert_eq!(w.auto_transition_to.as_deref(), Some("open"));
        let off = Draft {
            auto_status_transition: Some(false),
            ..draft()
        };
        let w = Workitem::create("w".into(), off, &worktype(), &waiting, None, None, t0()).unwrap();
        assert_eq!(w.auto_transition_at, None);
    }

    #[test]
    fn limits_are_checked() {
        let open = status("open", Category::Open);
        let far = Draft {
            date_due: Some(t0() + chrono::Duration::days(400)),
            ..draft()
        };
        assert_eq!(
            Workitem::create("w".into(), far, &worktype(), &open, None, None, t0())
                .unwrap_err()
                .field,
            "dateDue"
        );
        let loud = Draft {
            priority: Some(25_000_001),
            ..draft()
        };
        assert_eq!(
            Workitem::create("w".into(), loud, &worktype(), &open, None, None, t0())
                .unwrap_err()
                .field,
            "priority"
        );
        let short = Draft {
            name: "ab".into(),
            ..Draft::default()
        };
        assert_eq!(
            Workitem::create("w".into(), short, &worktype(), &open, None, None, t0())
                .unwrap_err()
                .field,
            "name"
        );
    }

    #[test]
    fn terminated_workitems_do_not_move() {
        let open = status("open", Category::Open);
        let closed = status("closed", Category::Closed);
        let mut w =
            Workitem::create("w".into(), draft(), &worktype(), &open, None, None, t0()).unwrap();
        w.terminate(t0()).unwrap();
        assert!(w.change_status(&open, &closed, t0()).is_err());
        assert!(w.terminate(t0()).is_err());
    }
}
