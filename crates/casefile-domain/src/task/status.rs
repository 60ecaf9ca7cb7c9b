//! Workitem statuses of a worktype: categories, allowed transitions and auto-transitions.

use chrono::NaiveTime;
use serde::{Deserialize, Serialize};

use crate::{Invalid, Timestamp};

pub const DESTINATIONS_MAX: usize = 24;
pub const STATUSES_MAX: usize = 50;
/// Auto-transition delays range from one minute to 365 days.
pub const DELAY_MIN: i64 = 60;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Category {
    Open,
    InProgress,
    Waiting,
    Closed,
}

impl Category {
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Open => "Open",
            Category::InProgress => "InProgress",
            Category::Waiting => "Waiting",
            Category::Closed => "Closed",
        }
    }

    pub fn parse(field: &str, value: &str) -> Result<Category, Invalid> {
        match value {
            "Open" => Ok(Category::Open),
            "InProgress" => Ok(Category::InProgress),
            "Waiting" => Ok(Category::Waiting),
            "Closed" => Ok(Category::Closed),
            other => Err(Invalid::new(
                field,
                format!("must be Open, InProgress, Waiting or Closed; got {other:?}"),
            )),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Status {
    pub id: String,
    pub worktype_id: String,
    pub name: String,
    pub category: Category,
    pub description: Option<String>,
    /// Empty means any status of the worktype may follow.
    pub destination_status_ids: Vec<String>,
    pub default_destination_status_id: Option<String>,
    pub status_transition_delay_seconds: Option<i64>,
    /// `HH:mm:ss.SSS`, a time of day (UTC) at which to move to the default destination.
    pub status_transition_time: Option<String>,
    pub auto_terminate_workitem: bool,
    pub version: i64,
    pub date_created: Timestamp,
    pub date_modified: Timestamp,
}

/// The statuses a new worktype gets unless `disableDefaultStatusCreation` is set.
pub const DEFAULTS: [(&str, Category); 4] = [
    ("Open", Category::Open),
    ("In Progress", Category::InProgress),
    ("Waiting", Category::Waiting),
    ("Closed", Category::Closed),
];

/// Parses `HH:mm:ss[.SSS]`.
pub fn parse_time_of_day(field: &str, value: &str) -> Result<NaiveTime, Invalid> {
    NaiveTime::parse_from_str(value, "%H:%M:%S%.f")
        .or_else(|_| NaiveTime::parse_from_str(value, "%H:%M"))
        .map_err(|_| {
            Invalid::new(
                field,
                format!("must be a time of day HH:mm:ss.SSS, got {value:?}"),
            )
        })
}

impl Status {
    /// Checks the status's own fields and its references against its siblings.
    pub fn validate(&self, siblings: &[Status]) -> Result<(), Invalid> {
        super::name("name", &self.name)?;
        super::description(self.description.as_deref())?;
        if self.destination_status_ids.len() > DESTINATIONS_MAX {
            return Err(Invalid::new(
                "destinationStatusIds",
                format!("at most {DESTINATIONS_MAX} destinations"),
            ));
        }
        let known = |id: &String| siblings.iter().any(|s| &s.id == id && s.id != self.id);
        for (i, id) in self.destination_status_ids.iter().enumerate() {
            if !known(id) {
                return Err(Invalid::new(
                    format!("destinationStatusIds[{i}]"),
                    "is not another status of this worktype",
                ));
            }
        }
        if let Some(default) = &self.default_destination_status_id {
            if !known(default) {
                return Err(Invalid::new(
                    "defaultDestinationStatusId",
                    "is not another status of this worktype",
                ));
            }
            if !self.destination_status_ids.is_empty()
                && !self.destination_status_ids.contains(default)
            {
                return Err(Invalid::new(
                    "defaultDestinationStatusId",
                    "must be one of destinationStatusIds",
                ));
            }
        }
        match (
            self.status_transition_delay_seconds,
            &self.status_transition_time,
        ) {
            (Some(_), Some(_)) => {
                return Err(Invalid::new(
                    "statusTransitionTime",
                    "give either statusTransitionDelaySeconds or statusTransitionTime, not both",
                ));
            }
            (Some(delay), None) => {
                super::check_seconds("statusTransitionDelaySeconds", delay, DELAY_MIN)?;
            }
            (None, Some(time)) => {
                parse_time_of_day("statusTransitionTime", time)?;
            }
            (None, None) => {}
        }
        let auto =
            self.status_transition_delay_seconds.is_some() || self.status_transition_time.is_some();
        if auto && self.default_destination_status_id.is_none() {
            return Err(Invalid::new(
                "defaultDestinationStatusId",
                "is required for an automatic transition",
            ));
        }
        if self.default_destination_status_id.is_some() && !auto {
            return Err(Invalid::new(
                "statusTransitionDelaySeconds",
                "a default destination needs statusTransitionDelaySeconds or statusTransitionTime",
            ));
        }
        if self.auto_terminate_workitem && self.category != Category::Closed {
            return Err(Invalid::new(
                "autoTerminateWorkitem",
                "applies only to statuses in the Closed category",
            ));
        }
        Ok(())
    }

    /// May a workitem in this status move to `to`?
    pub fn allows(&self, to: &Status) -> bool {
        to.worktype_id == self.worktype_id
            && (self.id == to.id
                || self.destination_status_ids.is_empty()
                || self.destination_status_ids.contains(&to.id))
    }

    /// When a workitem that entered this status at `entered` moves on by itself, and where to.
    pub fn auto_transition(&self, entered: Timestamp) -> Option<(Timestamp, String)> {
        let target = self.default_destination_status_id.clone()?;
        if let Some(delay) = self.status_transition_delay_seconds {
            return Some((entered + chrono::Duration::seconds(delay), target));
        }
        let time = parse_time_of_day(
            "statusTransitionTime",
            self.status_transition_time.as_deref()?,
        )
        .ok()?;
        let today = entered.date_naive().and_time(time).and_utc();
        let at = if today > entered {
            today
        } else {
            today + chrono::Duration::days(1)
        };
        Some((at, target))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t0() -> Timestamp {
        chrono::Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap()
    }

    fn status(id: &str, category: Category) -> Status {
        Status {
            id: id.into(),
            worktype_id: "wt".into(),
            name: format!("Status {id}"),
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

    #[test]
    fn empty_destinations_allow_any_sibling() {
        let open = status("a", Category::Open);
        let closed = status("b", Category::Closed);
        assert!(open.allows(&closed));
        let mut other_type = status("c", Category::Closed);
        other_type.worktype_id = "other".into();
        assert!(!open.allows(&other_type));
    }

    #[test]
    fn listed_destinations_are_the_only_ones() {
        let mut open = status("a", Category::Open);
        open.destination_status_ids = vec!["b".into()];
        assert!(open.allows(&status("b", Category::InProgress)));
        assert!(!open.allows(&status("c", Category::Closed)));
    }

    #[test]
    fn validation_names_bad_references_and_rules() {
        let siblings = vec![status("a", Category::Open), status("b", Category::Closed)];
        let mut s = status("a", Category::Open);
        s.destination_status_ids = vec!["zzz".into()];
        assert_eq!(
            s.validate(&siblings).unwrap_err().field,
            "destinationStatusIds[0]"
        );
        s.destination_status_ids = vec!["b".into()];
        s.default_destination_status_id = Some("b".into());
        assert_eq!(
            s.validate(&siblings).unwrap_err().field,
            "statusTransitionDelaySeconds"
        );
        s.status_transition_delay_seconds = Some(30);
        assert_eq!(
            s.validate(&siblings).unwrap_err().field,
            "statusTransitionDelaySeconds"
        );
        s.status_transition_delay_seconds = Some(3600);
        assert!(s.validate(&siblings).is_ok());
        s.auto_terminate_workitem = true;
        assert_eq!(
            s.validate(&siblings).unwrap_err().field,
            "autoTerminateWorkitem"
        );
        s.auto_terminate_workitem = false;
        s.destination_status_ids = (0..25).map(|i| i.to_string()).collect();
        assert_eq!(
            s.validate(&siblings).unwrap_err().field,
            "destinationStatusIds"
        );
    }

    #[test]
    fn auto_transition_after_a_delay_or_at_a_time_of_day() {
        let mut s = status("a", Category::Waiting);
        s.default_destination_status_id = Some("b".into());
        s.status_transition_delay_seconds = Some(600);
        assert_eq!(
            s.auto_transition(t0()),
            Some((t0() + chrono::Duration::minutes(10), "b".into()))
        );
        s.status_transition_delay_seconds = None;
        s.status_transition_time = Some("08:30:00.000".into());
        let next_day = chrono::Utc.with_ymd_and_hms(2026, 3, 3, 8, 30, 0).unwrap();
        assert_eq!(s.auto_transition(t0()).unwrap().0, next_day);
        s.status_transition_time = Some("17:00:00.000".into());
        assert_eq!(
            s.auto_transition(t0()).unwrap().0,
            chrono::Utc.with_ymd_and_hms(2026, 3, 2, 17, 0, 0).unwrap()
        );
    }
}
