//! The case engine: a case runs its caseplan version's stages in order, each through one
//! workitem. Pure: each function takes the case and `now`, changes the case, and returns what
//! the caller must do (create or terminate a workitem) in the same transaction.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::caseplan;
use crate::task::status::Category;
use crate::{Invalid, Timestamp};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Status {
    Open,
    InProgress,
    Closed,
    Terminated,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Open => "Open",
            Status::InProgress => "InProgress",
            Status::Closed => "Closed",
            Status::Terminated => "Terminated",
        }
    }

    pub fn is_final(self) -> bool {
        matches!(self, Status::Closed | Status::Terminated)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum StageStatus {
    Open,
    InProgress,
    Completed,
    Terminated,
}

impl StageStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            StageStatus::Open => "Open",
            StageStatus::InProgress => "InProgress",
            StageStatus::Completed => "Completed",
            StageStatus::Terminated => "Terminated",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Priority {
    Urgent,
    High,
    Medium,
    Low,
}

impl Priority {
    pub fn as_str(self) -> &'static str {
        match self {
            Priority::Urgent => "Urgent",
            Priority::High => "High",
            Priority::Medium => "Medium",
            Priority::Low => "Low",
        }
    }

    pub fn parse(field: &str, value: &str) -> Result<Priority, Invalid> {
        match value {
            "Urgent" => Ok(Priority::Urgent),
            "High" => Ok(Priority::High),
            "Medium" => Ok(Priority::Medium),
            "Low" => Ok(Priority::Low),
            other => Err(Invalid::new(
                field,
                format!("must be Urgent, High, Medium or Low; got {other:?}"),
            )),
        }
    }

    /// The workitem priority a stage's workitem gets (higher is more urgent).
    pub fn workitem_priority(self) -> i64 {
        match self {
            Priority::Urgent => 30,
            Priority::High => 20,
            Priority::Medium => 10,
            Priority::Low => 0,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Step {
    pub id: String,
    pub stepplan_id: String,
    pub name: String,
    pub description: Option<String>,
    pub status: StageStatus,
    pub worktype_id: Option<String>,
    pub workitem_id: Option<String>,
    pub date_started: Option<Timestamp>,
    pub date_completed: Option<Timestamp>,
    pub date_modified: Timestamp,
    pub version: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Stage {
    pub id: String,
    pub stageplan_id: String,
    pub name: String,
    pub description: Option<String>,
    pub status: StageStatus,
    pub step: Step,
    pub date_started: Option<Timestamp>,
    pub date_completed: Option<Timestamp>,
    pub date_modified: Timestamp,
    pub version: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Case {
    pub id: String,
    pub reference: String,
    pub caseplan_id: String,
    pub caseplan_version: i64,
    pub division_id: Option<String>,
    pub summary: String,
    pub description: Option<String>,
    pub external_id: Option<String>,
    pub owner_id: Option<String>,
    pub priority: Priority,
    pub status: Status,
    pub date_due: Option<Timestamp>,
    pub date_started: Option<Timestamp>,
    pub date_closed: Option<Timestamp>,
    pub date_created: Timestamp,
    pub date_modified: Timestamp,
    pub modified_by: Option<String>,
    pub external_contact_id: Option<String>,
    pub customer_intent_id: Option<String>,
    pub ttl_seconds: Option<i64>,
    pub data_schema_id: Option<String>,
    /// The case's attribute values, carried into each stage's workitem as its custom fields.
    pub data: Map<String, Value>,
    pub stages: Vec<Stage>,
    pub version: i64,
}

/// What the caller must do for the engine, in the same transaction as the case change.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Create a workitem of `worktype_id` for the stage at `stage` carrying `fields`.
    StartWorkitem {
        stage: usize,
        worktype_id: String,
        fields: Map<String, Value>,
    },
    /// Terminate the open workitem of a stage.
    TerminateWorkitem { workitem_id: String },
}

/// The fields of a new case that the engine needs.
#[derive(Debug, Clone)]
pub struct NewCase {
    pub id: String,
    pub reference: String,
    pub summary: String,
    pub description: Option<String>,
    pub external_id: Option<String>,
    pub owner_id: Option<String>,
    pub priority: Priority,
    pub date_due: Option<Timestamp>,
    pub external_contact_id: Option<String>,
    pub ttl_seconds: Option<i64>,
    pub data: Map<String, Value>,
    /// Ids for the stages and steps, in stage order (the caller generates them).
    pub stage_ids: Vec<(String, String)>,
}

impl Case {
    /// Creates the case and starts its first stage.
    pub fn start(
        plan: &caseplan::Version,
        new: NewCase,
        by: Option<String>,
        now: Timestamp,
    ) -> Result<(Case, Vec<Effect>), Invalid> {
        if new.stage_ids.len() != plan.stageplans.len() {
            return Err(Invalid::new(
                "caseplanId",
                "internal: one id pair per stage is needed",
            ));
        }
        let stages = plan
            .stageplans
            .iter()
            .zip(new.stage_ids)
            .map(|(sp, (stage_id, step_id))| Stage {
                id: stage_id,
                stageplan_id: sp.id.clone(),
                name: sp.name.clone(),
                description: sp.description.clone(),
                status: StageStatus::Open,
                step: Step {
                    id: step_id,
                    stepplan_id: sp.stepplan.id.clone(),
                    name: sp.stepplan.name.clone(),
                    description: sp.stepplan.description.clone(),
                    status: StageStatus::Open,
                    worktype_id: sp.stepplan.worktype_id.clone(),
                    workitem_id: None,
                    date_started: None,
                    date_completed: None,
                    date_modified: now,
                    version: 1,
                },
                date_started: None,
                date_completed: None,
                date_modified: now,
                version: 1,
            })
            .collect();
        let date_due = new.date_due.or_else(|| {
            plan.default_due_duration_seconds
                .map(|s| now + chrono::Duration::seconds(s))
        });
        let mut case = Case {
            id: new.id,
            reference: new.reference,
            caseplan_id: plan.caseplan_id.clone(),
            caseplan_version: plan.version,
            division_id: plan.division_id.clone(),
            summary: new.summary,
            description: new.description,
            external_id: new.external_id,
            owner_id: new.owner_id.or_else(|| plan.default_owner_id.clone()),
            priority: new.priority,
            status: Status::Open,
            date_due,
            date_started: Some(now),
            date_closed: None,
            date_created: now,
            date_modified: now,
            modified_by: by,
            external_contact_id: new.external_contact_id,
            customer_intent_id: plan.customer_intent_id.clone(),
            ttl_seconds: new.ttl_seconds,
            data_schema_id: plan.data_schema_id.clone(),
            data: new.data,
            stages,
            version: 1,
        };
        let effects = case.start_stage(0, now);
        Ok((case, effects))
    }

    fn start_stage(&mut self, index: usize, now: Timestamp) -> Vec<Effect> {
        self.status = Status::InProgress;
        let data = self.data.clone();
        let Some(stage) = self.stages.get_mut(index) else {
            return Vec::new();
        };
        stage.status = StageStatus::InProgress;
        stage.date_started = Some(now);
        stage.date_modified = now;
        stage.step.status = StageStatus::InProgress;
        stage.step.date_started = Some(now);
        stage.step.date_modified = now;
        match &stage.step.worktype_id {
            Some(worktype_id) => vec![Effect::StartWorkitem {
                stage: index,
                worktype_id: worktype_id.clone(),
                fields: data,
            }],
            None => Vec::new(),
        }
    }

    /// Records the workitem created for a stage's step.
    pub fn attach_workitem(&mut self, stage: usize, workitem_id: &str) {
        if let Some(s) = self.stages.get_mut(stage) {
            s.step.workitem_id = Some(workitem_id.to_owned());
        }
    }

    /// The stage whose step runs `workitem_id`, if it is the one in progress.
    pub fn active_stage_of(&self, workitem_id: &str) -> Option<usize> {
        self.stages.iter().position(|s| {
            s.status == StageStatus::InProgress
                && s.step.workitem_id.as_deref() == Some(workitem_id)
        })
    }

    /// Whether a workitem entering `category` can move its case on: only Closed does, so
    /// callers need not load the case for any other change.
    pub fn advances_on(category: Category) -> bool {
        category == Category::Closed
    }

    /// A stage's workitem changed status. Closed completes the step and stage, takes the
    /// workitem's custom fields into the case data, and starts the next stage (or closes the
    /// case after the last). Other categories change nothing (Waiting holds the stage).
    pub fn on_workitem_status(
        &mut self,
        workitem_id: &str,
        category: Category,
        fields: &Map<String, Value>,
        now: Timestamp,
    ) -> Vec<Effect> {
        if self.status.is_final() || !Self::advances_on(category) {
            return Vec::new();
        }
        let Some(index) = self.active_stage_of(workitem_id) else {
            return Vec::new();
        };
        for (k, v) in fields {
            self.data.insert(k.clone(), v.clone());
        }
        let stage = &mut self.stages[index];
        stage.step.status = StageStatus::Completed;
        stage.step.date_completed = Some(now);
        stage.step.date_modified = now;
        stage.step.version += 1;
        stage.status = StageStatus::Completed;
        stage.date_completed = Some(now);
        stage.date_modified = now;
        stage.version += 1;
        self.date_modified = now;
        if index + 1 < self.stages.len() {
            self.start_stage(index + 1, now)
        } else {
            self.status = Status::Closed;
            self.date_closed = Some(now);
            Vec::new()
        }
    }

    /// A stage's workitem was terminated without being done (not in a Closed status): the
    /// stage can never complete, so the case is terminated with it — its other open stages
    /// too — rather than left in progress with nothing to work. Any other workitem's
    /// termination (a done stage's, or one of no stage) changes nothing.
    pub fn on_workitem_terminated(&mut self, workitem_id: &str, now: Timestamp) -> Vec<Effect> {
        if self.status.is_final() || self.active_stage_of(workitem_id).is_none() {
            return Vec::new();
        }
        match self.terminate(now) {
            Ok(effects) => effects
                .into_iter()
                .filter(|e| !matches!(e, Effect::TerminateWorkitem { workitem_id: w } if w == workitem_id))
                .collect(),
            Err(_) => Vec::new(), // unreachable: the case is not final
        }
    }

    /// Terminates the case: open stages are Terminated and their workitem is to be terminated.
    pub fn terminate(&mut self, now: Timestamp) -> Result<Vec<Effect>, Invalid> {
        if self.status.is_final() {
            return Err(Invalid::new(
                "caseId",
                format!("the case is already {}", self.status.as_str()),
            ));
        }
        let mut effects = Vec::new();
        for stage in self
            .stages
            .iter_mut()
            .filter(|s| matches!(s.status, StageStatus::Open | StageStatus::InProgress))
        {
            if stage.status == StageStatus::InProgress
                && let Some(w) = &stage.step.workitem_id
            {
                effects.push(Effect::TerminateWorkitem {
                    workitem_id: w.clone(),
                });
            }
            stage.status = StageStatus::Terminated;
            stage.step.status = StageStatus::Terminated;
            stage.date_modified = now;
            stage.step.date_modified = now;
            stage.version += 1;
            stage.step.version += 1;
        }
        self.status = Status::Terminated;
        self.date_closed = Some(now);
        self.date_modified = now;
        Ok(effects)
    }

    /// The invariant a crash must never break: every stage in progress has exactly one
    /// workitem, and a closed case has every stage completed.
    pub fn is_consistent(&self) -> bool {
        let in_progress_ok = self
            .stages
            .iter()
            .filter(|s| s.status == StageStatus::InProgress)
            .all(|s| s.step.worktype_id.is_none() || s.step.workitem_id.is_some());
        let closed_ok = self.status != Status::Closed
            || self
                .stages
                .iter()
                .all(|s| s.status == StageStatus::Completed);
        in_progress_ok && closed_ok
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::case::caseplan::{ActivityType, Stageplan, Stepplan, VersionState};
    use chrono::TimeZone;
    use serde_json::json;

    fn t0() -> Timestamp {
        chrono::Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap()
    }

    fn plan(stages: usize) -> caseplan::Version {
        caseplan::Version {
            caseplan_id: "cp".into(),
            version: 1,
            state: VersionState::Published,
            name: "Refund management".into(),
            description: None,
            division_id: Some("d".into()),
            reference_prefix: "REF".into(),
            default_due_duration_seconds: Some(86_400),
            default_ttl_seconds: None,
            default_owner_id: Some("owner".into()),
            customer_intent_id: None,
            data_schema_id: Some("s".into()),
            intake_settings: vec![],
            stageplans: (0..stages)
                .map(|i| Stageplan {
                    id: format!("sp{i}"),
                    name: format!("Stage {i}"),
                    description: None,
                    stepplan: Stepplan {
                        id: format!("st{i}"),
                        name: format!("Step {i}"),
                        description: None,
                        activity_type: ActivityType::Workitem,
                        worktype_id: Some(format!("wt{i}")),
                        date_created: t0(),
                        date_modified: t0(),
                    },
                    date_created: t0(),
                    date_modified: t0(),
                })
                .collect(),
            date_created: t0(),
            date_modified: t0(),
            date_published: Some(t0()),
            modified_by: None,
        }
    }

    fn new_case(stages: usize) -> NewCase {
        NewCase {
            id: "c".into(),
            reference: "REF-000001".into(),
            summary: "Refund please".into(),
            description: None,
            external_id: None,
            owner_id: None,
            priority: Priority::Medium,
            date_due: None,
            external_contact_id: None,
            ttl_seconds: None,
            data: json!({"order_id_identifier": "A-1"})
                .as_object()
                .cloned()
                .unwrap(),
            stage_ids: (0..stages)
                .map(|i| (format!("stage{i}"), format!("step{i}")))
                .collect(),
        }
    }

    #[test]
    fn a_case_runs_its_stages_in_order_and_closes_itself() {
        let (mut case, effects) = Case::start(&plan(3), new_case(3), None, t0()).unwrap();
        assert_eq!(case.status, Status::InProgress);
        assert_eq!(case.owner_id.as_deref(), Some("owner"));
        assert_eq!(case.date_due, Some(t0() + chrono::Duration::days(1)));
        assert!(
            matches!(&effects[..], [Effect::StartWorkitem { stage: 0, worktype_id, .. }] if worktype_id == "wt0")
        );
        case.attach_workitem(0, "w0");
        assert!(case.is_consistent());
        // Waiting holds the stage.
        assert!(
            case.on_workitem_status("w0", Category::Waiting, &Map::new(), t0())
                .is_empty()
        );
        let decision = json!({"decision_enum": "approved"})
            .as_object()
            .cloned()
            .unwrap();
        let effects = case.on_workitem_status("w0", Category::Closed, &decision, t0());
        assert_eq!(case.stages[0].status, StageStatus::Completed);
        match &effects[..] {
            [
                Effect::StartWorkitem {
                    stage: 1, fields, ..
                },
            ] => assert_eq!(fields["decision_enum"], "approved"),
            other => panic!("{other:?}"),
        }
        case.attach_workitem(1, "w1");
        // A stale close of the old workitem does nothing.
        assert!(
            case.on_workitem_status("w0", Category::Closed, &Map::new(), t0())
                .is_empty()
        );
        case.on_workitem_status("w1", Category::Closed, &Map::new(), t0());
        case.attach_workitem(2, "w2");
        let later = t0() + chrono::Duration::hours(5);
        assert!(
            case.on_workitem_status("w2", Category::Closed, &Map::new(), later)
                .is_empty()
        );
        assert_eq!(case.status, Status::Closed);
        assert_eq!(case.date_closed, Some(later));
        assert!(
            case.stages
                .iter()
                .all(|s| s.status == StageStatus::Completed)
        );
        assert!(case.is_consistent());
    }

    #[test]
    fn terminate_stops_open_work() {
        let (mut case, _) = Case::start(&plan(2), new_case(2), None, t0()).unwrap();
        case.attach_workitem(0, "w0");
        let effects = case.terminate(t0()).unwrap();
        assert_eq!(
            effects,
            vec![Effect::TerminateWorkitem {
                workitem_id: "w0".into()
            }]
        );
        assert!(
            case.stages
                .iter()
                .all(|s| s.status == StageStatus::Terminated)
        );
        assert_eq!(case.status, Status::Terminated);
        assert!(case.terminate(t0()).is_err());
        assert!(
            case.on_workitem_status("w0", Category::Closed, &Map::new(), t0())
                .is_empty()
        );
    }

    #[test]
    fn terminating_the_open_stage_workitem_terminates_the_case() {
        let (mut case, _) = Case::start(&plan(3), new_case(3), None, t0()).unwrap();
        case.attach_workitem(0, "w0");
        case.on_workitem_status("w0", Category::Closed, &Map::new(), t0());
        case.attach_workitem(1, "w1");
        // The done stage's workitem may end without effect.
        assert!(case.on_workitem_terminated("w0", t0()).is_empty());
        assert_eq!(case.status, Status::InProgress);
        // The open stage's workitem ending undone ends the case; no effect on w1 itself.
        let later = t0() + chrono::Duration::hours(1);
        assert!(case.on_workitem_terminated("w1", later).is_empty());
        assert_eq!(case.status, Status::Terminated);
        assert_eq!(case.date_closed, Some(later));
        assert_eq!(case.stages[0].status, StageStatus::Completed);
        assert!(
            case.stages[1..]
                .iter()
                .all(|s| s.status == StageStatus::Terminated)
        );
        assert!(case.is_consistent());
        // Once final, nothing moves it.
        assert!(case.on_workitem_terminated("w1", later).is_empty());
    }

    #[test]
    fn priorities_parse() {
        assert_eq!(Priority::parse("priority", "High").unwrap(), Priority::High);
        assert!(Priority::parse("priority", "high").is_err());
    }
}
