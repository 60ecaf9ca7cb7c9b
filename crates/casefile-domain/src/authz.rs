//! Roles, permissions and division-scoped grants: who may do what, where.
//!
//! A principal (a user, or an OAuth client acting for itself) holds grants; each grant
//! gives one role in one division or in all divisions. A role is a fixed set of permissions
//! named as Genesys names them (`domain:entity:action`).

use std::fmt;

/// A named permission, spelled like Genesys Cloud's (`directory:user:edit`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Permission {
    UserView,
    UserAdd,
    UserEdit,
    UserDelete,
    DivisionView,
    DivisionAdd,
    DivisionEdit,
    DivisionDelete,
    GrantView,
    GrantEdit,
    WorkbinView,
    WorkbinEdit,
    WorktypeView,
    WorktypeEdit,
    SchemaView,
    SchemaEdit,
    WorkitemView,
    WorkitemAdd,
    /// Change any workitem of the division.
    WorkitemEdit,
    /// Change workitems assigned to oneself, and pull unassigned ones.
    WorkitemEditOwn,
    WorkitemAssign,
    WorkitemTerminate,
    WorkitemDelete,
    ContactView,
    ContactEdit,
    IntentView,
    IntentEdit,
    CaseplanView,
    CaseplanEdit,
    CaseView,
    CaseAdd,
    CaseEdit,
}

impl Permission {
    pub const ALL: [Permission; 32] = [
        Permission::UserView,
        Permission::UserAdd,
        Permission::UserEdit,
        Permission::UserDelete,
        Permission::DivisionView,
        Permission::DivisionAdd,
        Permission::DivisionEdit,
        Permission::DivisionDelete,
        Permission::GrantView,
        Permission::GrantEdit,
        Permission::WorkbinView,
        Permission::WorkbinEdit,
        Permission::WorktypeView,
        Permission::WorktypeEdit,
        Permission::SchemaView,
        Permission::SchemaEdit,
        Permission::WorkitemView,
        Permission::WorkitemAdd,
        Permission::WorkitemEdit,
        Permission::WorkitemEditOwn,
        Permission::WorkitemAssign,
        Permission::WorkitemTerminate,
        Permission::WorkitemDelete,
        Permission::ContactView,
        Permission::ContactEdit,
        Permission::IntentView,
        Permission::IntentEdit,
        Permission::CaseplanView,
        Permission::CaseplanEdit,
        Permission::CaseView,
        Permission::CaseAdd,
        Permission::CaseEdit,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Permission::UserView => "directory:user:view",
            Permission::UserAdd => "directory:user:add",
            Permission::UserEdit => "directory:user:edit",
            Permission::UserDelete => "directory:user:delete",
            Permission::DivisionView => "authorization:division:view",
            Permission::DivisionAdd => "authorization:division:add",
            Permission::DivisionEdit => "authorization:division:edit",
            Permission::DivisionDelete => "authorization:division:delete",
            Permission::GrantView => "authorization:grant:view",
            Permission::GrantEdit => "authorization:grant:add",
            Permission::WorkbinView => "workitems:workbin:view",
            Permission::WorkbinEdit => "workitems:workbin:edit",
            Permission::WorktypeView => "workitems:worktype:view",
            Permission::WorktypeEdit => "workitems:worktype:edit",
            Permission::SchemaView => "workitems:workitemSchema:view",
            Permission::SchemaEdit => "workitems:workitemSchema:edit",
            Permission::WorkitemView => "workitems:workitem:view",
            Permission::WorkitemAdd => "workitems:workitem:add",
            Permission::WorkitemEdit => "workitems:workitem:edit",
            Permission::WorkitemEditOwn => "workitems:workitem:editOwn",
            Permission::WorkitemAssign => "workitems:workitem:assign",
            Permission::WorkitemTerminate => "workitems:workitem:terminate",
            Permission::WorkitemDelete => "workitems:workitem:delete",
            Permission::ContactView => "externalContacts:contact:view",
            Permission::ContactEdit => "externalContacts:contact:edit",
            Permission::IntentView => "intents:customerIntent:view",
            Permission::IntentEdit => "intents:customerIntent:edit",
            Permission::CaseplanView => "casemanagement:caseplan:view",
            Permission::CaseplanEdit => "casemanagement:caseplan:edit",
            Permission::CaseView => "casemanagement:case:view",
            Permission::CaseAdd => "casemanagement:case:add",
            Permission::CaseEdit => "casemanagement:case:edit",
        }
    }
}

impl fmt::Display for Permission {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The built-in roles. Their ids on the wire are their lowercase names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    Admin,
    Supervisor,
    Agent,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Admin, Role::Supervisor, Role::Agent];

    pub fn id(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Supervisor => "supervisor",
            Role::Agent => "agent",
        }
    }

    pub fn description(self) -> &'static str {
        match self {
            Role::Admin => "Configures casefile: divisions, users, roles and everything else",
            Role::Supervisor => "Watches and manages the work of agents in a division",
            Role::Agent => "Works cases and workitems in a division",
        }
    }

    pub fn parse(id: &str) -> Option<Role> {
        Role::ALL
            .into_iter()
            .find(|r| r.id().eq_ignore_ascii_case(id))
    }

    pub fn permissions(self) -> &'static [Permission] {
        use Permission::*;
        match self {
            Role::Admin => &Permission::ALL,
            Role::Supervisor => &[
                UserView,
                UserEdit,
                DivisionView,
                GrantView,
                WorkbinView,
                WorktypeView,
                SchemaView,
                WorkitemView,
                WorkitemAdd,
                WorkitemEdit,
                WorkitemEditOwn,
                WorkitemAssign,
                WorkitemTerminate,
                ContactView,
                ContactEdit,
                IntentView,
                CaseplanView,
                CaseView,
                CaseAdd,
                CaseEdit,
            ],
            Role::Agent => &[
                UserView,
                DivisionView,
                WorkbinView,
                WorktypeView,
                SchemaView,
                WorkitemView,
                WorkitemAdd,
                WorkitemEditOwn,
                ContactView,
                ContactEdit,
                IntentView,
                CaseplanView,
                CaseView,
                CaseAdd,
                CaseEdit,
            ],
        }
    }

    pub fn has(self, permission: Permission) -> bool {
        self.permissions().contains(&permission)
    }
}

/// Where a grant applies.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DivisionScope {
    /// Every division, including those created later (`*` on the wire and in storage).
    All,
    One(String),
}

impl DivisionScope {
    pub const ALL_TOKEN: &'static str = "*";

    pub fn parse(stored: &str) -> DivisionScope {
        if stored == Self::ALL_TOKEN {
            DivisionScope::All
        } else {
            DivisionScope::One(stored.to_owned())
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            DivisionScope::All => Self::ALL_TOKEN,
            DivisionScope::One(id) => id,
        }
    }

    pub fn covers(&self, division_id: &str) -> bool {
        match self {
            DivisionScope::All => true,
            DivisionScope::One(id) => id == division_id,
        }
    }
}

/// One role in one scope.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Grant {
    pub role: Role,
    pub scope: DivisionScope,
}

/// The divisions in which a principal holds a permission.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Divisions {
    All,
    Only(Vec<String>),
}

impl Divisions {
    pub fn contains(&self, division_id: &str) -> bool {
        match self {
            Divisions::All => true,
            Divisions::Only(ids) => ids.iter().any(|d| d == division_id),
        }
    }
}

/// What a request acts as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SubjectKind {
    User,
    Client,
}

/// An authenticated caller and its grants.
#[derive(Debug, Clone)]
pub struct Principal {
    /// The user id for a user token, the OAuth client id for a client-credentials token.
    pub subject_id: String,
    pub kind: SubjectKind,
    /// The OAuth client the token was issued to (rate limits are kept per client).
    pub client_id: String,
    pub grants: Vec<Grant>,
}

/// Why an action was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The object's division is not visible to the caller: answer as if it did not exist.
    Hidden,
    /// Visible, but the caller lacks the permission.
    Forbidden(Permission),
}

impl Principal {
    pub fn can(&self, permission: Permission, division_id: &str) -> bool {
        self.grants
            .iter()
            .any(|g| g.role.has(permission) && g.scope.covers(division_id))
    }

    pub fn divisions_with(&self, permission: Permission) -> Divisions {
        let mut ids = Vec::new();
        for grant in self.grants.iter().filter(|g| g.role.has(permission)) {
            match &grant.scope {
                DivisionScope::All => return Divisions::All,
                DivisionScope::One(id) => {
                    if !ids.contains(id) {
                        ids.push(id.clone());
                    }
                }
            }
        }
        Divisions::Only(ids)
    }

    /// Whether the principal holds at least one of `permissions` in some division.
    pub fn holds_any(&self, permissions: &[Permission]) -> bool {
        self.grants
            .iter()
            .any(|g| permissions.iter().any(|p| g.role.has(*p)))
    }

    /// Decides an action on an object of `division_id` whose visibility needs `view`.
    pub fn check(
        &self,
        view: Permission,
        action: Permission,
        division_id: &str,
    ) -> Result<(), Refusal> {
        if !self.can(view, division_id) {
            return Err(Refusal::Hidden);
        }
        if !self.can(action, division_id) {
            return Err(Refusal::Forbidden(action));
        }
        Ok(())
    }

    /// Every permission the principal holds somewhere, by name, sorted.
    pub fn permission_names(&self) -> Vec<&'static str> {
        let mut names: Vec<&'static str> = self
            .grants
            .iter()
            .flat_map(|g| g.role.permissions().iter().map(|p| p.name()))
            .collect();
        names.sort_unstable();
        names.dedup();
        names
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn principal(grants: Vec<Grant>) -> Principal {
        Principal {
            subject_id: "u".into(),
            kind: SubjectKind::User,
            client_id: "c".into(),
            grants,
        }
    }

    #[test]
    fn agent_in_a_sees_a_only() {
        let p = principal(vec![Grant {
            role: Role::Agent,
            scope: DivisionScope::One("a".into()),
        }]);
        assert!(p.can(Permission::UserView, "a"));
        assert!(!p.can(Permission::UserView, "b"));
        assert_eq!(
            p.check(Permission::UserView, Permission::UserEdit, "b"),
            Err(Refusal::Hidden)
        );
        assert_eq!(
            p.check(Permission::UserView, Permission::UserEdit, "a"),
            Err(Refusal::Forbidden(Permission::UserEdit))
        );
        assert_eq!(
            p.divisions_with(Permission::UserView),
            Divisions::Only(vec!["a".into()])
        );
    }

    #[test]
    fn admin_everywhere_covers_new_divisions() {
        let p = principal(vec![Grant {
            role: Role::Admin,
            scope: DivisionScope::All,
        }]);
        assert!(p.can(Permission::DivisionDelete, "created-later"));
        assert_eq!(p.divisions_with(Permission::UserView), Divisions::All);
    }

    #[test]
    fn roles_parse_case_insensitively() {
        assert_eq!(Role::parse("Supervisor"), Some(Role::Supervisor));
        assert_eq!(Role::parse("root"), None);
    }
}
