//! A case's activity: comments written on it, and its associations with the interactions
//! (conversations, workitems) that started it, asked about it or worked on it.

use serde::{Deserialize, Serialize};

use crate::Timestamp;

pub const COMMENT_MAX: usize = 4096;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Comment {
    pub id: String,
    pub case_id: String,
    pub content: String,
    pub author_id: String,
    pub version: i64,
    pub date_created: Timestamp,
    pub date_modified: Timestamp,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum AssociationType {
    Initiation,
    Enquiry,
    Activity,
}

impl AssociationType {
    pub fn as_str(self) -> &'static str {
        match self {
            AssociationType::Initiation => "Initiation",
            AssociationType::Enquiry => "Enquiry",
            AssociationType::Activity => "Activity",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Association {
    pub id: String,
    pub key: String,
    pub case_id: String,
    pub kind: AssociationType,
    pub workitem_id: Option<String>,
    pub conversation_id: Option<String>,
    pub stage_id: Option<String>,
    pub step_id: Option<String>,
    pub version: i64,
    pub date_associated: Timestamp,
}

/// The one key per interaction that an association is stored and found under.
pub fn interaction_key(workitem_id: Option<&str>, conversation_id: Option<&str>) -> String {
    match (workitem_id, conversation_id) {
        (Some(w), _) => format!("workitem:{w}"),
        (None, Some(c)) => format!("conversation:{c}"),
        (None, None) => String::new(),
    }
}
