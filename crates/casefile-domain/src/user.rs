//! Users: the people who sign in, with their contact addresses and lifecycle state.
//!
//! `Serialize`/`Deserialize` here define the storage form of value objects
//! (addresses are kept as JSON); wire DTOs live in the server's `api` modules.

use serde::{Deserialize, Serialize};

use crate::invalid::{optional_text, required_text};
use crate::{Invalid, Timestamp};

pub const NAME_MAX: usize = 256;
pub const TEXT_MAX: usize = 256;
pub const EMAIL_MAX: usize = 254;
pub const PASSWORD_MIN: usize = 8;
pub const PASSWORD_MAX: usize = 256;
pub const ADDRESSES_MAX: usize = 20;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum State {
    Active,
    Inactive,
    Deleted,
}

impl State {
    pub fn as_str(self) -> &'static str {
        match self {
            State::Active => "active",
            State::Inactive => "inactive",
            State::Deleted => "deleted",
        }
    }

    pub fn parse(field: &str, value: &str) -> Result<State, Invalid> {
        match value {
            "active" => Ok(State::Active),
            "inactive" => Ok(State::Inactive),
            "deleted" => Ok(State::Deleted),
            other => Err(Invalid::new(
                field,
                format!("must be one of active, inactive, deleted; got {other:?}"),
            )),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum MediaType {
    Phone,
    Email,
    Sms,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum ContactType {
    Primary,
    Work,
    Work2,
    Work3,
    Work4,
    Home,
    Mobile,
    Main,
    Other,
}

/// An email address or phone number of a user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Address {
    pub address: Option<String>,
    pub extension: Option<String>,
    pub media_type: MediaType,
    pub contact_type: ContactType,
}

impl Address {
    pub fn validate(&self, field: &str) -> Result<(), Invalid> {
        match (&self.address, &self.extension) {
            (Some(_), Some(_)) => {
                return Err(Invalid::new(
                    field,
                    "address and extension are mutually exclusive",
                ));
            }
            (None, None) => return Err(Invalid::new(format!("{field}.address"), "is required")),
            _ => {}
        }
        if let Some(address) = &self.address {
            let at = format!("{field}.address");
            if self.media_type == MediaType::Email {
                parse_email(&at, address)?;
            } else {
                parse_phone(&at, address)?;
            }
        }
        Ok(())
    }
}

/// A user as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct User {
    pub id: String,
    pub name: String,
    pub email: String,
    pub division_id: String,
    pub state: State,
    pub department: Option<String>,
    pub title: Option<String>,
    pub preferred_name: Option<String>,
    pub manager_id: Option<String>,
    pub addresses: Vec<Address>,
    pub version: i64,
    pub date_created: Timestamp,
    pub date_modified: Timestamp,
}

/// A change to a user's editable fields; `None` leaves a field as it is,
/// `Some(None)` clears an optional one.
#[derive(Debug, Clone, Default)]
pub struct Patch {
    pub name: Option<String>,
    pub department: Option<Option<String>>,
    pub title: Option<Option<String>>,
    pub preferred_name: Option<Option<String>>,
    pub manager_id: Option<Option<String>>,
    pub addresses: Option<Vec<Address>>,
    pub state: Option<State>,
}

impl Patch {
    pub fn is_empty(&self) -> bool {
        self.name.is_none()
            && self.department.is_none()
            && self.title.is_none()
            && self.preferred_name.is_none()
            && self.manager_id.is_none()
            && self.addresses.is_none()
            && self.state.is_none()
    }
}

/// Validates a patch and returns the user it produces, with its version bumped.
/// As in Genesys, when `state` is given it is the only field that may change.
pub fn apply(current: &User, patch: Patch, now: Timestamp) -> Result<User, Invalid> {
    let mut next = current.clone();
    if let Some(state) = patch.state {
        let others = Patch {
            state: None,
            ..patch
        };
        if !others.is_empty() {
            return Err(Invalid::new(
                "state",
                "when state is given it must be the only field changed",
            ));
        }
        next.state = state;
    } else {
        if let Some(name) = patch.name {
            next.name = required_text("name", &name, 1, NAME_MAX)?;
        }
        if let Some(v) = patch.department {
            next.department = optional_text("department", v.as_deref(), TEXT_MAX)?;
        }
        if let Some(v) = patch.title {
            next.title = optional_text("title", v.as_deref(), TEXT_MAX)?;
        }
        if let Some(v) = patch.preferred_name {
            next.preferred_name = optional_text("preferredName", v.as_deref(), NAME_MAX)?;
        }
        if let Some(v) = patch.manager_id {
            if v.as_deref() == Some(current.id.as_str()) {
                return Err(Invalid::new(
                    "manager",
                    "a user cannot be their own manager",
                ));
            }
            next.manager_id = v;
        }
        if let Some(addresses) = patch.addresses {
            validate_addresses(&addresses)?;
            let primary_email_changed = addresses.iter().any(|a| {
                a.contact_type == ContactType::Primary
                    && a.media_type == MediaType::Email
                    && a.address
                        .as_deref()
                        .is_some_and(|e| !e.eq_ignore_ascii_case(&current.email))
            });
            if primary_email_changed {
                return Err(Invalid::new(
                    "addresses",
                    "the PRIMARY email address cannot be changed",
                ));
            }
            next.addresses = addresses;
        }
    }
    next.version = current.version + 1;
    next.date_modified = now;
    Ok(next)
}

pub fn validate_addresses(addresses: &[Address]) -> Result<(), Invalid> {
    if addresses.len() > ADDRESSES_MAX {
        return Err(Invalid::new(
            "addresses",
            format!("at most {ADDRESSES_MAX} addresses"),
        ));
    }
    for (i, a) in addresses.iter().enumerate() {
        a.validate(&format!("addresses[{i}]"))?;
    }
    Ok(())
}

/// Accepts a plausible email address (one `@`, a dotted domain, no spaces) and lowercases it.
pub fn parse_email(field: &str, value: &str) -> Result<String, Invalid> {
    let v = value.trim();
    let bad = || Invalid::new(field, format!("{v:?} is not an email address"));
    if v.is_empty() {
        return Err(Invalid::new(field, "is required"));
    }
    if v.chars().count() > EMAIL_MAX {
        return Err(Invalid::new(
            field,
            format!("must be at most {EMAIL_MAX} characters long"),
        ));
    }
    let (local, domain) = v.split_once('@').ok_or_else(bad)?;
    let domain_ok = domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains("..")
        && !domain.contains('@');
    if local.is_empty() || !domain_ok || v.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(bad());
    }
    Ok(v.to_lowercase())
}

/// Accepts phone numbers made of digits with an optional leading `+` and common separators.
pub fn parse_phone(field: &str, value: &str) -> Result<String, Invalid> {
    let v = value.trim();
    let digits = v.chars().filter(char::is_ascii_digit).count();
    let allowed = v.chars().enumerate().all(|(i, c)| {
        c.is_ascii_digit() || matches!(c, ' ' | '-' | '(' | ')' | '.') || (c == '+' && i == 0)
    });
    if !allowed || !(3..=20).contains(&digits) {
        return Err(Invalid::new(field, format!("{v:?} is not a phone number")));
    }
    Ok(v.to_owned())
}

pub fn check_password(field: &str, password: &str) -> Result<(), Invalid> {
    let n = password.chars().count();
    if !(PASSWORD_MIN..=PASSWORD_MAX).contains(&n) {
        return Err(Invalid::new(
            field,
            format!("must be {PASSWORD_MIN} to {PASSWORD_MAX} characters long"),
        ));
    }
    Ok(())
}

/// A new user's validated fields.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub name: String,
    pub email: String,
    pub division_id: String,
    pub state: State,
    pub department: Option<String>,
    pub title: Option<String>,
    pub addresses: Vec<Address>,
}

impl NewUser {
    #[allow(clippy::too_many_arguments)]
    pub fn parse(
        name: &str,
        email: &str,
        division_id: String,
        state: Option<State>,
        department: Option<&str>,
        title: Option<&str>,
        addresses: Vec<Address>,
    ) -> Result<Self, Invalid> {
        validate_addresses(&addresses)?;
        Ok(Self {
            name: required_text("name", name, 1, NAME_MAX)?,
            email: parse_email("email", email)?,
            division_id,
            state: state.unwrap_or(State::Active),
            department: optional_text("department", department, TEXT_MAX)?,
            title: optional_text("title", title, TEXT_MAX)?,
            addresses,
        })
    }

    pub fn into_user(self, id: String, now: Timestamp) -> User {
        User {
            id,
            name: self.name,
            email: self.email,
            division_id: self.division_id,
            state: self.state,
            department: self.department,
            title: self.title,
            preferred_name: None,
            manager_id: None,
            addresses: self.addresses,
            version: 1,
            date_created: now,
            date_modified: now,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn now() -> Timestamp {
        chrono::Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap()
    }

    fn user() -> User {
        NewUser::parse(
            "Ada",
            "Ada@Example.com",
            "d".into(),
            None,
            None,
            None,
            vec![],
        )
        .unwrap()
        .into_user("u1".into(), now())
    }

    #[test]
    fn emails_are_lowercased_and_checked() {
        assert_eq!(
            parse_email("email", " Ada@Example.COM ").unwrap(),
            "ada@example.com"
        );
        for bad in ["", "ada", "ada@", "@x.y", "a@b", "a b@c.d", "a@.c", "a@c."] {
            assert!(parse_email("email", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn patch_bumps_version_and_keeps_untouched_fields() {
        let u = user();
        let next = apply(
            &u,
            Patch {
                title: Some(Some("Lead".into())),
                ..Patch::default()
            },
            now(),
        )
        .unwrap();
        assert_eq!(next.version, 2);
        assert_eq!(next.title.as_deref(), Some("Lead"));
        assert_eq!(next.name, "Ada");
    }

    #[test]
    fn state_must_be_the_only_change() {
        let patch = Patch {
            state: Some(State::Inactive),
            name: Some("B".into()),
            ..Patch::default()
        };
        assert_eq!(apply(&user(), patch, now()).unwrap_err().field, "state");
    }

    #[test]
    fn primary_email_cannot_change() {
        let addresses = vec![Address {
            address: Some("other@example.com".into()),
            extension: None,
            media_type: MediaType::Email,
            contact_type: ContactType::Primary,
        }];
        let err = apply(
            &user(),
            Patch {
                addresses: Some(addresses),
                ..Patch::default()
            },
            now(),
        )
        .unwrap_err();
        assert_eq!(err.field, "addresses");
    }

    #[test]
    fn phones_allow_separators_only() {
        assert!(parse_phone("p", "+1 (555) 010-9999").is_ok());
        assert!(parse_phone("p", "555+1").is_err());
        assert!(parse_phone("p", "12").is_err());
    }
}
