//! Caseplans: versioned case templates. A draft is editable; publishing checks it is
//! complete and freezes it. Cases always run on the version they were created from.

use serde::{Deserialize, Serialize};

use crate::invalid::{optional_text, required_text};
use crate::{Invalid, Timestamp};

pub const NAME_MIN: usize = 3;
pub const NAME_MAX: usize = 256;
pub const DESCRIPTION_MAX: usize = 512;
pub const STAGES_MAX: usize = 3;
pub const INTAKE_MAX: usize = 10;
pub const DUE_MIN: i64 = 1;
pub const DUE_MAX: i64 = 31_536_000;
pub const TTL_MIN: i64 = 86_400;
pub const TTL_MAX: i64 = 31_536_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum VersionState {
    Draft,
    Published,
}

impl VersionState {
    pub fn as_str(self) -> &'static str {
        match self {
            VersionState::Draft => "Draft",
            VersionState::Published => "Published",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IntakeSetting {
    pub property: String,
    pub required: bool,
    pub display_order: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ActivityType {
    None,
    Workitem,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Stepplan {
    pub id: String,
    pub name: String,
    pub description: Option<String>,
    pub activity_type: ActivityType,
    pub worktype_id: Option<String>,
    pub date_created: Timestamp,
    pub date_modified: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Stageplan {
    pub id: String,
    pub name: String,
    pub description: Option<String>,
    pub stepplan: Stepplan,
    pub date_created: Timestamp,
    pub date_modified: Timestamp,
}

/// One version of a caseplan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Version {
    pub caseplan_id: String,
    pub version: i64,
    pub state: VersionState,
    pub name: String,
    pub description: Option<String>,
    /// `None` for a division-less caseplan (`*`).
    pub division_id: Option<String>,
    pub reference_prefix: String,
    pub default_due_duration_seconds: Option<i64>,
    pub default_ttl_seconds: Option<i64>,
    pub default_owner_id: Option<String>,
    pub customer_intent_id: Option<String>,
    pub data_schema_id: Option<String>,
    pub intake_settings: Vec<IntakeSetting>,
    pub stageplans: Vec<Stageplan>,
    pub date_created: Timestamp,
    pub date_modified: Timestamp,
    pub date_published: Option<Timestamp>,
    pub modified_by: Option<String>,
}

pub fn name(field: &str, value: &str) -> Result<String, Invalid> {
    required_text(field, value, NAME_MIN, NAME_MAX)
}

pub fn description(field: &str, value: Option<&str>) -> Result<Option<String>, Invalid> {
    optional_text(field, value, DESCRIPTION_MAX)
}

impl Version {
    /// Checks every field's own rules (completeness is checked by [`Self::publish_problems`]).
    pub fn validate(&self) -> Result<(), Invalid> {
        name("name", &self.name)?;
        description("description", self.description.as_deref())?;
        super::reference::Prefix::parse("referencePrefix", &self.reference_prefix)?;
        if let Some(d) = self.default_due_duration_seconds
            && !(DUE_MIN..=DUE_MAX).contains(&d)
        {
            return Err(Invalid::new(
                "defaultDueDurationInSeconds",
                format!("must be between {DUE_MIN} and {DUE_MAX}"),
            ));
        }
        if let Some(t) = self.default_ttl_seconds
            && !(TTL_MIN..=TTL_MAX).contains(&t)
        {
            return Err(Invalid::new(
                "defaultTtlSeconds",
                format!("must be between {TTL_MIN} and {TTL_MAX}"),
            ));
        }
        if self.intake_settings.len() > INTAKE_MAX {
            return Err(Invalid::new(
                "intakeSettings",
                format!("at most {INTAKE_MAX} intake settings"),
            ));
        }
        for (i, s) in self.intake_settings.iter().enumerate() {
            if s.property.trim().is_empty() {
                return Err(Invalid::new(
                    format!("intakeSettings[{i}].property"),
                    "is required",
                ));
            }
            if self.intake_settings[..i]
                .iter()
                .any(|o| o.property == s.property)
            {
                return Err(Invalid::new(
                    format!("intakeSettings[{i}].property"),
                    "appears twice",
                ));
            }
        }
        if self.stageplans.len() > STAGES_MAX {
            return Err(Invalid::new(
                "stageplans",
                format!("a caseplan has at most {STAGES_MAX} stages"),
            ));
        }
        for (i, s) in self.stageplans.iter().enumerate() {
            name(&format!("stageplans[{i}].name"), &s.name)?;
            description(
                &format!("stageplans[{i}].description"),
                s.description.as_deref(),
            )?;
            name(&format!("stageplans[{i}].stepplan.name"), &s.stepplan.name)?;
        }
        Ok(())
    }

    pub fn require_draft(&self) -> Result<(), Invalid> {
        if self.state != VersionState::Draft {
            return Err(Invalid::new(
                "caseplanId",
                "only a draft can be edited: create a new version (POST …/versions) first",
            ));
        }
        Ok(())
    }

    fn position(&self, id: &str) -> Result<usize, Invalid> {
        self.stageplans
            .iter()
            .position(|s| s.id == id)
            .ok_or_else(|| Invalid::new("stageplanId", "no such stageplan"))
    }

    /// Inserts after `after` (or first when `None`).
    pub fn add_stageplan(
        &mut self,
        stageplan: Stageplan,
        after: Option<&str>,
    ) -> Result<(), Invalid> {
        self.require_draft()?;
        if self.stageplans.len() >= STAGES_MAX {
            return Err(Invalid::new(
                "stageplans",
                format!("a caseplan has at most {STAGES_MAX} stages"),
            ));
        }
        let at = match after {
            Some(a) => {
                self.position(a)
                    .map_err(|_| Invalid::new("after", "no such stageplan"))?
                    + 1
            }
            None => 0,
        };
        self.stageplans.insert(at, stageplan);
        Ok(())
    }

    pub fn reposition(&mut self, id: &str, after: Option<&str>) -> Result<(), Invalid> {
        self.require_draft()?;
        if after == Some(id) {
            return Err(Invalid::new("after", "a stageplan cannot follow itself"));
        }
        let from = self.position(id)?;
        let moving = self.stageplans.remove(from);
        let at = match after {
            Some(a) => match self.stageplans.iter().position(|s| s.id == a) {
                Some(p) => p + 1,
                None => {
                    self.stageplans.insert(from, moving);
                    return Err(Invalid::new("after", "no such stageplan"));
                }
            },
            None => 0,
        };
        self.stageplans.insert(at, moving);
        Ok(())
    }

    pub fn remove_stageplan(&mut self, id: &str) -> Result<Stageplan, Invalid> {
        self.require_draft()?;
        let at = self.position(id)?;
        Ok(self.stageplans.remove(at))
    }

    pub fn stageplan_mut(&mut self, id: &str) -> Result<&mut Stageplan, Invalid> {
        let at = self.position(id)?;
        Ok(&mut self.stageplans[at])
    }

    /// What keeps this draft from being published, as messages naming the field.
    pub fn publish_problems(&self) -> Vec<Invalid> {
        let mut problems = Vec::new();
        if let Err(e) = self.validate() {
            problems.push(e);
        }
        if self.data_schema_id.is_none() {
            problems.push(Invalid::new(
                "dataSchemas",
                "a published caseplan needs a data schema",
            ));
        }
        if self.stageplans.is_empty() {
            problems.push(Invalid::new(
                "stageplans",
                "a published caseplan needs at least one stage",
            ));
        }
        for (i, s) in self.stageplans.iter().enumerate() {
            if s.stepplan.activity_type != ActivityType::Workitem
                || s.stepplan.worktype_id.is_none()
            {
                problems.push(Invalid::new(
                    format!("stageplans[{i}].stepplan.workitemSettings.worktypeId"),
                    format!("stage {:?} has no worktype", s.name),
                ));
            }
        }
        problems
    }

    /// The next draft, copied from this version.
    pub fn next_draft(&self, version: i64, by: Option<String>, now: Timestamp) -> Version {
        Version {
            version,
            state: VersionState::Draft,
            date_created: now,
            date_modified: now,
            date_published: None,
            modified_by: by,
            ..self.clone()
        }
    }

    /// The intake property names a case may carry.
    pub fn intake_property(&self, name: &str) -> Option<&IntakeSetting> {
        self.intake_settings.iter().find(|s| s.property == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t0() -> Timestamp {
        chrono::Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap()
    }

    fn stage(id: &str, worktype: Option<&str>) -> Stageplan {
        Stageplan {
            id: id.into(),
            name: format!("Stage {id}"),
            description: None,
            stepplan: Stepplan {
                id: format!("step-{id}"),
                name: format!("Step {id}"),
                description: None,
                activity_type: if worktype.is_some() {
                    ActivityType::Workitem
                } else {
                    ActivityType::None
                },
                worktype_id: worktype.map(str::to_owned),
                date_created: t0(),
                date_modified: t0(),
            },
            date_created: t0(),
            date_modified: t0(),
        }
    }

    pub fn draft() -> Version {
        Version {
            caseplan_id: "cp".into(),
            version: 1,
            state: VersionState::Draft,
            name: "Refund management".into(),
            description: None,
            division_id: None,
            reference_prefix: "REF".into(),
            default_due_duration_seconds: Some(86_400),
            default_ttl_seconds: None,
            default_owner_id: None,
            customer_intent_id: None,
            data_schema_id: None,
            intake_settings: vec![],
            stageplans: vec![],
            date_created: t0(),
            date_modified: t0(),
            date_published: None,
            modified_by: None,
        }
    }

    #[test]
    fn stages_are_ordered_capped_and_repositionable() {
        let mut cp = draft();
        cp.add_stageplan(stage("b", None), None).unwrap();
        cp.add_stageplan(stage("a", None), None).unwrap();
        cp.add_stageplan(stage("c", None), Some("b")).unwrap();
        let order = |cp: &Version| {
            cp.stageplans
                .iter()
                .map(|s| s.id.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(order(&cp), vec!["a", "b", "c"]);
        assert_eq!(
            cp.add_stageplan(stage("d", None), None).unwrap_err().field,
            "stageplans"
        );
        cp.reposition("a", Some("c")).unwrap();
        assert_eq!(order(&cp), vec!["b", "c", "a"]);
        cp.reposition("a", None).unwrap();
        assert_eq!(order(&cp), vec!["a", "b", "c"]);
        assert!(cp.reposition("a", Some("zzz")).is_err());
        assert_eq!(
            order(&cp),
            vec!["a", "b", "c"],
            "a failed move changes nothing"
        );
    }

    #[test]
    fn publishing_needs_a_schema_and_a_worktype_per_stage() {
        let mut cp = draft();
        let fields: Vec<String> = cp.publish_problems().into_iter().map(|p| p.field).collect();
        assert_eq!(fields, vec!["dataSchemas", "stageplans"]);
        cp.data_schema_id = Some("s".into());
        cp.add_stageplan(stage("a", None), None).unwrap();
        assert_eq!(
            cp.publish_problems()[0].field,
            "stageplans[0].stepplan.workitemSettings.worktypeId"
        );
        cp.stageplans[0] = stage("a", Some("wt"));
        assert!(cp.publish_problems().is_empty());
    }

    #[test]
    fn published_versions_are_frozen() {
        let mut cp = draft();
        cp.state = VersionState::Published;
        assert_eq!(
            cp.add_stageplan(stage("a", None), None).unwrap_err().field,
            "caseplanId"
        );
        let next = cp.next_draft(2, None, t0());
        assert_eq!((next.version, next.state), (2, VersionState::Draft));
    }

    #[test]
    fn field_rules() {
        let mut cp = draft();
        cp.default_due_duration_seconds = Some(0);
        assert_eq!(
            cp.validate().unwrap_err().field,
            "defaultDueDurationInSeconds"
        );
        cp.default_due_duration_seconds = Some(DUE_MAX);
        cp.default_ttl_seconds = Some(3600);
        assert_eq!(cp.validate().unwrap_err().field, "defaultTtlSeconds");
        cp.default_ttl_seconds = None;
        cp.intake_settings = (0..11)
            .map(|i| IntakeSetting {
                property: format!("p{i}_text"),
                required: false,
                display_order: i,
            })
            .collect();
        assert_eq!(cp.validate().unwrap_err().field, "intakeSettings");
        cp.intake_settings.truncate(2);
        cp.intake_settings[1].property = "p0_text".into();
        assert_eq!(
            cp.validate().unwrap_err().field,
            "intakeSettings[1].property"
        );
    }
}

/// The caseplan header: what every version shares (name, division, reference prefix), which
/// version is the latest and which is published. Each version is a [`Version`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Header {
    pub id: String,
    pub name: String,
    pub division_id: Option<String>,
    pub reference_prefix: String,
    pub latest: i64,
    pub published: Option<i64>,
    pub version: i64,
    pub date_created: Timestamp,
    pub date_modified: Timestamp,
    pub date_published: Option<Timestamp>,
}
