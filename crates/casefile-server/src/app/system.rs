//! The system itself as a caller: what workers and the case engine act as when no person
//! does (automatic transitions, background jobs, a stage's workitem started for its case).

use casefile_domain::authz::{DivisionScope, Grant, Principal, Role, SubjectKind};

/// The system: every permission in every division. Events it writes name no user.
pub fn principal() -> Principal {
    Principal {
        subject_id: "system".to_owned(),
        kind: SubjectKind::Client,
        client_id: "system".to_owned(),
        grants: vec![Grant {
            role: Role::Admin,
            scope: DivisionScope::All,
        }],
    }
}
