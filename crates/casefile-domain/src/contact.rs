//! External contacts (customers) and their notes: validation, phone normalisation to E.164,
//! and the search keys a contact is found by.
//!
//! `Serialize`/`Deserialize` here define the storage form (the contact row's JSON); wire
//! DTOs live in the server's `api::contacts`.

use serde::{Deserialize, Serialize};

use crate::invalid::{optional_text, text_length};
use crate::user::parse_email;
use crate::{Invalid, Timestamp};

/// Names, salutation and title: at most 1,000 characters, as in Genesys.
pub const NAME_MAX: usize = 1000;
pub const PHONE_DISPLAY_MAX: usize = 512;
pub const URL_MAX: usize = 1000;
pub const TWITTER_MAX: usize = 255;
pub const NOTE_MAX: usize = 32_000;
/// Search keys and sort keys are cut to this many characters so that index entries stay
/// small (PostgreSQL refuses B-tree entries over about 2.7 kB); queries are cut alike.
pub const KEY_MAX: usize = 100;
/// Phone numbers have 3 to 20 digits (E.164 numbers at most 15).
pub const PHONE_DIGITS_MIN: usize = 3;
pub const PHONE_DIGITS_MAX: usize = 20;

/// A stored phone number: what the caller typed, and its E.164 form when it has one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Phone {
    /// The E.164 number in international format (`+1 317-555-0100`) when it could be read
    /// as one, otherwise the input as given.
    pub display: String,
    pub user_input: String,
    pub e164: Option<String>,
    /// The ISO 3166 region the number belongs to (`US`), when known.
    pub country_code: Option<String>,
    pub extension: Option<i64>,
    pub accepts_sms: Option<bool>,
    pub normalization_country_code: Option<String>,
}

/// A phone number as a caller gives it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PhoneInput {
    pub display: Option<String>,
    pub extension: Option<i64>,
    pub accepts_sms: Option<bool>,
    pub normalization_country_code: Option<String>,
}

/// Region, country calling code, and whether national numbers carry a leading trunk `0`.
/// Regions sharing a calling code are listed most common first (`+1` reads as `US`).
const REGIONS: &[(&str, &str, bool)] = &[
    ("US", "1", false),
    ("CA", "1", false),
    ("GB", "44", true),
    ("IE", "353", true),
    ("FR", "33", true),
    ("DE", "49", true),
    ("NL", "31", true),
    ("BE", "32", true),
    ("LU", "352", false),
    ("ES", "34", false),
    ("IT", "39", false),
    ("PT", "351", false),
    ("CH", "41", true),
    ("AT", "43", true),
    ("SE", "46", true),
    ("NO", "47", false),
    ("DK", "45", false),
    ("FI", "358", true),
    ("PL", "48", false),
    ("CZ", "420", false),
    ("GR", "30", false),
    ("TR", "90", true),
    ("IL", "972", true),
    ("AE", "971", true),
    ("ZA", "27", true),
    ("IN", "91", true),
    ("CN", "86", true),
    ("JP", "81", true),
    ("KR", "82", true),
    ("SG", "65", false),
    ("AU", "61", true),
    ("NZ", "64", true),
    ("BR", "55", true),
    ("MX", "52", false),
    ("AR", "54", true),
];

fn region(code: &str) -> Option<(&'static str, &'static str, bool)> {
    REGIONS
        .iter()
        .copied()
        .find(|(r, _, _)| r.eq_ignore_ascii_case(code))
}

/// The region whose calling code starts `digits` (longest code first).
fn region_of_international(digits: &str) -> Option<(&'static str, &'static str)> {
    let mut best: Option<(&'static str, &'static str)> = None;
    for (r, cc, _) in REGIONS {
        if digits.starts_with(cc) && best.is_none_or(|(_, b)| cc.len() > b.len()) {
            best = Some((r, cc));
        }
    }
    best
}

fn is_phone_char(c: char) -> bool {
    c.is_ascii_digit() || matches!(c, ' ' | '-' | '(' | ')' | '.' | '/')
}

/// `+1 317-555-0100` for North American numbers, `+44 2079460000` elsewhere.
fn international_display(cc: &str, national: &str) -> String {
    if cc == "1" && national.len() == 10 {
        format!(
            "+1 {}-{}-{}",
            &national[..3],
            &national[3..6],
            &national[6..]
        )
    } else {
        format!("+{cc} {national}")
    }
}

impl Phone {
    /// Validates a phone number and derives its E.164 form. Numbers without a country code
    /// are read in `normalizationCountryCode`'s region, or as North American (+1) when none
    /// is given, as Genesys does.
    pub fn parse(field: &str, input: PhoneInput) -> Result<Phone, Invalid> {
        let raw = input.display.as_deref().map(str::trim).unwrap_or("");
        if raw.is_empty() {
            return Err(Invalid::new(format!("{field}.display"), "is required"));
        }
        text_length(&format!("{field}.display"), raw, 1, PHONE_DISPLAY_MAX)?;
        let international = raw.starts_with('+');
        let body = raw.strip_prefix('+').unwrap_or(raw);
        let digits: String = body.chars().filter(char::is_ascii_digit).collect();
        if !body.chars().all(is_phone_char)
            || !(PHONE_DIGITS_MIN..=PHONE_DIGITS_MAX).contains(&digits.len())
        {
            return Err(Invalid::new(
                format!("{field}.display"),
                format!("{raw:?} is not a phone number"),
            ));
        }
        if let Some(ext) = input.extension
            && !(0..=9_999_999_999).contains(&ext)
        {
            return Err(Invalid::new(
                format!("{field}.extension"),
                "must be between 0 and 9999999999",
            ));
        }
        let normalization = match input.normalization_country_code.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(code) => Some(region(code).ok_or_else(|| {
                Invalid::new(
                    format!("{field}.normalizationCountryCode"),
                    format!("{code:?} is not a country code casefile knows"),
                )
            })?),
        };
        let e164 = if international || digits.starts_with("00") {
            let digits = if international {
                digits.as_str()
            } else {
                &digits[2..]
            };
            (8..=15).contains(&digits.len()).then(|| {
                let region = region_of_international(digits);
                let display = match region {
                    Some((_, cc)) => international_display(cc, &digits[cc.len()..]),
                    None => format!("+{digits}"),
                };
                (format!("+{digits}"), region.map(|(r, _)| r), display)
            })
        } else {
            let (r, cc, trunk) = normalization.unwrap_or(("US", "1", false));
            let national = if cc == "1" {
                match digits.len() {
                    10 => Some(digits.as_str()),
                    11 if digits.starts_with('1') => Some(&digits[1..]),
                    _ => None,
                }
                .filter(|n| !n.starts_with(['0', '1']))
            } else {
                let n = if trunk {
                    digits.strip_prefix('0').unwrap_or(&digits)
                } else {
                    digits.as_str()
                };
                (n.len() >= 4 && (8..=15).contains(&(cc.len() + n.len()))).then_some(n)
            };
            national.map(|n| (format!("+{cc}{n}"), Some(r), international_display(cc, n)))
        };
        let (e164, country_code, display) = match e164 {
            Some((e, r, d)) => (Some(e), r.map(str::to_owned), d),
            None => (None, None, raw.to_owned()),
        };
        Ok(Phone {
            display,
            user_input: raw.to_owned(),
            e164,
            country_code,
            extension: input.extension,
            accepts_sms: input.accepts_sms,
            normalization_country_code: normalization.map(|(r, _, _)| r.to_owned()),
        })
    }

    /// Digit strings the number is found by: the E.164 digits, the national significant
    /// number, and the digits as typed.
    pub fn search_digits(&self) -> Vec<String> {
        let mut keys = Vec::new();
        if let Some(e) = &self.e164 {
            let digits = e.trim_start_matches('+');
            keys.push(digits.to_owned());
            if let Some((_, cc)) = region_of_international(digits) {
                keys.push(digits[cc.len()..].to_owned());
            }
        }
        keys.push(
            self.user_input
                .chars()
                .filter(char::is_ascii_digit)
                .collect(),
        );
        keys
    }
}

/// A postal address; every part optional.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Address {
    pub address1: Option<String>,
    pub address2: Option<String>,
    pub city: Option<String>,
    pub state: Option<String>,
    pub postal_code: Option<String>,
    pub country_code: Option<String>,
}

impl Address {
    /// Trims and checks each part; an address with no part left is `None`.
    pub fn parse(field: &str, a: Address) -> Result<Option<Address>, Invalid> {
        let part = |name: &str, v: Option<String>, max: usize| {
            optional_text(&format!("{field}.{name}"), v.as_deref(), max)
        };
        let address = Address {
            address1: part("address1", a.address1, 200)?,
            address2: part("address2", a.address2, 200)?,
            city: part("city", a.city, 100)?,
            state: part("state", a.state, 50)?,
            postal_code: part("postalCode", a.postal_code, 25)?,
            country_code: part("countryCode", a.country_code, 25)?,
        };
        Ok((address != Address::default()).then_some(address))
    }
}

/// A Twitter (X) account.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TwitterId {
    pub id: Option<String>,
    pub name: Option<String>,
    pub screen_name: Option<String>,
    pub verified: Option<bool>,
    pub profile_url: Option<String>,
}

impl TwitterId {
    pub fn parse(field: &str, t: TwitterId) -> Result<Option<TwitterId>, Invalid> {
        let part = |name: &str, v: Option<String>| {
            optional_text(&format!("{field}.{name}"), v.as_deref(), TWITTER_MAX)
        };
        let screen_name = part("screenName", t.screen_name)?;
        if let Some(s) = &screen_name {
            let handle = s.strip_prefix('@').unwrap_or(s);
            if handle.is_empty()
                || !handle
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_')
            {
                return Err(Invalid::new(
                    format!("{field}.screenName"),
                    "must match ^@?[A-Za-z0-9_]+$",
                ));
            }
        }
        let profile_url = match t.profile_url.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(u) => Some(parse_url(&format!("{field}.profileUrl"), u)?),
        };
        let twitter = TwitterId {
            id: part("id", t.id)?,
            name: part("name", t.name)?,
            screen_name,
            verified: t.verified,
            profile_url,
        };
        Ok((twitter != TwitterId::default()).then_some(twitter))
    }
}

/// An `http` or `https` URL of at most [`URL_MAX`] characters.
pub fn parse_url(field: &str, value: &str) -> Result<String, Invalid> {
    let v = value.trim();
    text_length(field, v, 1, URL_MAX)?;
    let rest = v
        .strip_prefix("https://")
        .or_else(|| v.strip_prefix("http://"));
    match rest {
        Some(r) if !r.is_empty() && !r.starts_with('/') && !v.chars().any(char::is_whitespace) => {
            Ok(v.to_owned())
        }
        _ => Err(Invalid::new(
            field,
            format!("{v:?} is not an http or https URL"),
        )),
    }
}

/// Everything a caller sets on a contact. `PUT` replaces all of it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Details {
    pub first_name: Option<String>,
    pub middle_name: Option<String>,
    pub last_name: Option<String>,
    pub salutation: Option<String>,
    pub title: Option<String>,
    pub work_phone: Option<Phone>,
    pub cell_phone: Option<Phone>,
    pub home_phone: Option<Phone>,
    pub other_phone: Option<Phone>,
    pub work_email: Option<String>,
    pub personal_email: Option<String>,
    pub other_email: Option<String>,
    pub address: Option<Address>,
    pub twitter_id: Option<TwitterId>,
    pub survey_opt_out: Option<bool>,
    pub external_system_url: Option<String>,
}

/// The caller's contact fields before validation.
#[derive(Debug, Clone, Default)]
pub struct DetailsInput {
    pub first_name: Option<String>,
    pub middle_name: Option<String>,
    pub last_name: Option<String>,
    pub salutation: Option<String>,
    pub title: Option<String>,
    pub work_phone: Option<PhoneInput>,
    pub cell_phone: Option<PhoneInput>,
    pub home_phone: Option<PhoneInput>,
    pub other_phone: Option<PhoneInput>,
    pub work_email: Option<String>,
    pub personal_email: Option<String>,
    pub other_email: Option<String>,
    pub address: Option<Address>,
    pub twitter_id: Option<TwitterId>,
    pub survey_opt_out: Option<bool>,
    pub external_system_url: Option<String>,
}

fn email(field: &str, value: Option<String>) -> Result<Option<String>, Invalid> {
    match value.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) => {
            parse_email(field, v)?;
            Ok(Some(v.to_owned()))
        }
    }
}

fn phone(field: &str, value: Option<PhoneInput>) -> Result<Option<Phone>, Invalid> {
    match value {
        None => Ok(None),
        Some(p) if p.display.as_deref().is_none_or(|d| d.trim().is_empty()) => {
            // An empty phone object (the SDK sends `{}` for a blank number) clears it;
            // attributes without a number are refused.
            if p == PhoneInput::default() {
                Ok(None)
            } else {
                Err(Invalid::new(format!("{field}.display"), "is required"))
            }
        }
        Some(p) => Phone::parse(field, p).map(Some),
    }
}

impl Details {
    /// Trims and validates every field. A contact needs a name, an email address or a
    /// phone number.
    pub fn parse(input: DetailsInput) -> Result<Details, Invalid> {
        let name = |field: &str, v: Option<String>| optional_text(field, v.as_deref(), NAME_MAX);
        let details = Details {
            first_name: name("firstName", input.first_name)?,
            middle_name: name("middleName", input.middle_name)?,
            last_name: name("lastName", input.last_name)?,
            salutation: name("salutation", input.salutation)?,
            title: name("title", input.title)?,
            work_phone: phone("workPhone", input.work_phone)?,
            cell_phone: phone("cellPhone", input.cell_phone)?,
            home_phone: phone("homePhone", input.home_phone)?,
            other_phone: phone("otherPhone", input.other_phone)?,
            work_email: email("workEmail", input.work_email)?,
            personal_email: email("personalEmail", input.personal_email)?,
            other_email: email("otherEmail", input.other_email)?,
            address: match input.address {
                Some(a) => Address::parse("address", a)?,
                None => None,
            },
            twitter_id: match input.twitter_id {
                Some(t) => TwitterId::parse("twitterId", t)?,
                None => None,
            },
            survey_opt_out: input.survey_opt_out,
            external_system_url: match input.external_system_url.as_deref().map(str::trim) {
                None | Some("") => None,
                Some(u) => Some(parse_url("externalSystemUrl", u)?),
            },
        };
        let identified = details.first_name.is_some()
            || details.middle_name.is_some()
            || details.last_name.is_some()
            || details.emails().next().is_some()
            || details.phones().next().is_some();
        if !identified {
            return Err(Invalid::new(
                "firstName",
                "a contact needs a name, an email address or a phone number",
            ));
        }
        Ok(details)
    }

    pub fn phones(&self) -> impl Iterator<Item = &Phone> {
        [
            &self.work_phone,
            &self.cell_phone,
            &self.home_phone,
            &self.other_phone,
        ]
        .into_iter()
        .flatten()
    }

    pub fn emails(&self) -> impl Iterator<Item = &String> {
        [&self.work_email, &self.personal_email, &self.other_email]
            .into_iter()
            .flatten()
    }
}

/// A contact as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    pub id: String,
    pub division_id: String,
    pub details: Details,
    pub version: i64,
    pub date_created: Timestamp,
    pub date_modified: Timestamp,
    pub modified_by: Option<String>,
}

/// Lowercased, inner whitespace collapsed, cut to [`KEY_MAX`] characters.
pub fn normalize_key(text: &str) -> String {
    let lower = text.to_lowercase();
    let collapsed = lower.split_whitespace().collect::<Vec<_>>().join(" ");
    collapsed.chars().take(KEY_MAX).collect()
}

impl Contact {
    /// The sort key of a name field ("" when absent).
    pub fn sort_key(value: Option<&String>) -> String {
        value.map(|v| normalize_key(v)).unwrap_or_default()
    }

    /// Every key a search prefix is matched against: each name and each word of it, the
    /// full name in both orders, each email address, and each phone number's digits.
    pub fn search_keys(&self) -> Vec<String> {
        let d = &self.details;
        let mut keys = Vec::new();
        for name in [&d.first_name, &d.middle_name, &d.last_name]
            .into_iter()
            .flatten()
        {
            keys.push(normalize_key(name));
            keys.extend(name.split_whitespace().map(normalize_key));
        }
        let parts = |names: &[&Option<String>]| {
            names
                .iter()
                .filter_map(|n| n.as_deref())
                .collect::<Vec<_>>()
                .join(" ")
        };
        keys.push(normalize_key(&parts(&[&d.first_name, &d.last_name])));
        keys.push(normalize_key(&parts(&[
            &d.first_name,
            &d.middle_name,
            &d.last_name,
        ])));
        keys.push(normalize_key(&parts(&[&d.last_name, &d.first_name])));
        keys.extend(d.emails().map(|e| normalize_key(e)));
        for p in d.phones() {
            keys.extend(p.search_digits());
        }
        keys.retain(|k| !k.is_empty());
        keys.sort();
        keys.dedup();
        keys
    }
}

/// The key prefix a search text `q` looks for: phone-like text (digits with `+`, spaces,
/// dashes, dots, slashes or parentheses) is searched by its digits, anything else as
/// lowercased text. Blank text searches nothing (`None`).
pub fn search_prefix(q: &str) -> Result<Option<String>, Invalid> {
    let q = q.trim();
    if q.is_empty() {
        return Ok(None);
    }
    text_length("q", q, 1, NAME_MAX)?;
    let body = q.strip_prefix('+').unwrap_or(q);
    if body.chars().any(|c| c.is_ascii_digit()) && body.chars().all(is_phone_char) {
        let digits: String = body.chars().filter(char::is_ascii_digit).collect();
        return Ok(Some(digits.chars().take(KEY_MAX).collect()));
    }
    Ok(Some(normalize_key(q)))
}

/// A note on a contact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Note {
    pub id: String,
    pub contact_id: String,
    pub text: String,
    pub created_by: Option<String>,
    pub version: i64,
    pub date_created: Timestamp,
    pub date_modified: Timestamp,
}

/// A note's text: 1 to 32,000 characters, not blank; kept as written.
pub fn note_text(value: Option<&str>) -> Result<String, Invalid> {
    let v = value.unwrap_or("");
    if v.trim().is_empty() {
        return Err(Invalid::new("noteText", "is required"));
    }
    text_length("noteText", v, 1, NOTE_MAX)?;
    Ok(v.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn phone_of(display: &str) -> Result<Phone, Invalid> {
        Phone::parse(
            "workPhone",
            PhoneInput {
                display: Some(display.into()),
                ..PhoneInput::default()
            },
        )
    }

    #[test]
    fn north_american_numbers_get_e164_and_a_display() {
        let p = phone_of("(317) 555-0100").unwrap();
        assert_eq!(p.e164.as_deref(), Some("+13175550100"));
        assert_eq!(p.display, "+1 317-555-0100");
        assert_eq!(p.user_input, "(317) 555-0100");
        assert_eq!(p.country_code.as_deref(), Some("US"));
        let again = phone_of(&p.display).unwrap();
        assert_eq!(
            again.e164, p.e164,
            "the display reads back as the same number"
        );
        assert_eq!(
            phone_of("1-317-555-0100").unwrap().e164.as_deref(),
            Some("+13175550100")
        );
    }

    #[test]
    fn international_and_regional_numbers() {
        let p = phone_of("+44 20 7946 0000").unwrap();
        assert_eq!(p.e164.as_deref(), Some("+442079460000"));
        assert_eq!(p.country_code.as_deref(), Some("GB"));
        let p = phone_of("0044 20 7946 0000").unwrap();
        assert_eq!(p.e164.as_deref(), Some("+442079460000"));
        let p = Phone::parse(
            "cellPhone",
            PhoneInput {
                display: Some("030 1234567".into()),
                normalization_country_code: Some("de".into()),
                ..PhoneInput::default()
            },
        )
        .unwrap();
        assert_eq!(p.e164.as_deref(), Some("+49301234567"));
        assert_eq!(p.normalization_country_code.as_deref(), Some("DE"));
    }

    #[test]
    fn numbers_that_are_not_e164_are_kept_as_given() {
        let p = phone_of("555-0100").unwrap();
        assert_eq!(p.e164, None);
        assert_eq!(p.display, "555-0100");
    }

    #[test]
    fn bad_phones_name_the_field() {
        for bad in ["call me", "12", "+1 317 555 0100 ext 5", "1+2"] {
            let err = phone_of(bad).unwrap_err();
            assert_eq!(err.field, "workPhone.display", "{bad}");
        }
        let err = Phone::parse(
            "homePhone",
            PhoneInput {
                display: Some("3175550100".into()),
                normalization_country_code: Some("XX".into()),
                ..PhoneInput::default()
            },
        )
        .unwrap_err();
        assert_eq!(err.field, "homePhone.normalizationCountryCode");
        let err = Phone::parse(
            "homePhone",
            PhoneInput {
                display: Some("3175550100".into()),
                extension: Some(-1),
                ..PhoneInput::default()
            },
        )
        .unwrap_err();
        assert_eq!(err.field, "homePhone.extension");
    }

    fn details() -> DetailsInput {
        DetailsInput {
            first_name: Some("  Jane ".into()),
            last_name: Some("van der Berg".into()),
            work_email: Some("Jane.Berg@Example.com".into()),
            cell_phone: Some(PhoneInput {
                display: Some("317 555 0100".into()),
                ..PhoneInput::default()
            }),
            ..DetailsInput::default()
        }
    }

    #[test]
    fn details_are_trimmed_and_validated() {
        let d = Details::parse(details()).unwrap();
        assert_eq!(d.first_name.as_deref(), Some("Jane"));
        assert_eq!(d.work_email.as_deref(), Some("Jane.Berg@Example.com"));
        let err = Details::parse(DetailsInput {
            personal_email: Some("not-an-email".into()),
            ..details()
        })
        .unwrap_err();
        assert_eq!(err.field, "personalEmail");
        let err = Details::parse(DetailsInput {
            title: Some("x".repeat(NAME_MAX + 1)),
            ..details()
        })
        .unwrap_err();
        assert_eq!(err.field, "title");
        let err = Details::parse(DetailsInput {
            address: Some(Address {
                state: Some("x".repeat(51)),
                ..Address::default()
            }),
            ..details()
        })
        .unwrap_err();
        assert_eq!(err.field, "address.state");
        let err = Details::parse(DetailsInput {
            external_system_url: Some("ftp://crm".into()),
            ..details()
        })
        .unwrap_err();
        assert_eq!(err.field, "externalSystemUrl");
        let err = Details::parse(DetailsInput {
            twitter_id: Some(TwitterId {
                screen_name: Some("no spaces".into()),
                ..TwitterId::default()
            }),
            ..details()
        })
        .unwrap_err();
        assert_eq!(err.field, "twitterId.screenName");
    }

    #[test]
    fn a_contact_needs_something_to_know_it_by() {
        let err = Details::parse(DetailsInput {
            salutation: Some("Dr".into()),
            ..DetailsInput::default()
        })
        .unwrap_err();
        assert_eq!(err.field, "firstName");
        let only_phone = Details::parse(DetailsInput {
            home_phone: Some(PhoneInput {
                display: Some("+1 317 555 0199".into()),
                ..PhoneInput::default()
            }),
            ..DetailsInput::default()
        });
        assert!(only_phone.is_ok());
    }

    #[test]
    fn empty_phone_objects_clear_and_empty_addresses_vanish() {
        let d = Details::parse(DetailsInput {
            home_phone: Some(PhoneInput::default()),
            address: Some(Address {
                city: Some("  ".into()),
                ..Address::default()
            }),
            ..details()
        })
        .unwrap();
        assert_eq!(d.home_phone, None);
        assert_eq!(d.address, None);
        let err = Details::parse(DetailsInput {
            home_phone: Some(PhoneInput {
                accepts_sms: Some(true),
                ..PhoneInput::default()
            }),
            ..details()
        })
        .unwrap_err();
        assert_eq!(err.field, "homePhone.display");
    }

    #[test]
    fn search_keys_cover_names_emails_and_phones() {
        use chrono::TimeZone;
        let now = chrono::Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
        let c = Contact {
            id: "c".into(),
            division_id: "d".into(),
            details: Details::parse(details()).unwrap(),
            version: 1,
            date_created: now,
            date_modified: now,
            modified_by: None,
        };
        let keys = c.search_keys();
        for k in [
            "jane",
            "van der berg",
            "berg",
            "jane van der berg",
            "van der berg jane",
            "jane.berg@example.com",
            "13175550100",
            "3175550100",
        ] {
            assert!(keys.contains(&k.to_owned()), "{k} in {keys:?}");
        }
    }

    #[test]
    fn search_prefixes() {
        assert_eq!(search_prefix("  ").unwrap(), None);
        assert_eq!(
            search_prefix("JaNe  Van").unwrap().as_deref(),
            Some("jane van")
        );
        assert_eq!(
            search_prefix("+1 (317) 555").unwrap().as_deref(),
            Some("1317555")
        );
        assert_eq!(
            search_prefix("Jane.Berg@").unwrap().as_deref(),
            Some("jane.berg@")
        );
        assert_eq!(search_prefix("R2D2").unwrap().as_deref(), Some("r2d2"));
    }

    #[test]
    fn notes_need_text() {
        assert_eq!(note_text(Some("  ")).unwrap_err().field, "noteText");
        assert_eq!(note_text(None).unwrap_err().field, "noteText");
        assert!(note_text(Some(&"x".repeat(NOTE_MAX + 1))).is_err());
        assert_eq!(note_text(Some(" hi ")).unwrap(), " hi ");
    }
}
