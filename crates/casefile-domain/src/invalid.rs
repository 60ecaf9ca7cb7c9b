//! The one validation error of the domain: which field, and what is wrong with it.

/// A value refused by a domain rule, naming the field (as the API spells it).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct Invalid {
    pub field: String,
    pub message: String,
}

impl Invalid {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// Checks a text's length in characters (not bytes) against inclusive bounds.
pub fn text_length(field: &str, value: &str, min: usize, max: usize) -> Result<(), Invalid> {
    let n = value.chars().count();
    if !(min..=max).contains(&n) {
        return Err(Invalid::new(
            field,
            format!("must be {min} to {max} characters long, got {n}"),
        ));
    }
    Ok(())
}

/// Trims a required text and checks its length.
pub fn required_text(field: &str, value: &str, min: usize, max: usize) -> Result<String, Invalid> {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        return Err(Invalid::new(field, "is required"));
    }
    text_length(field, trimmed, min, max)?;
    Ok(trimmed.to_owned())
}

/// Trims an optional text; blank becomes `None`.
pub fn optional_text(
    field: &str,
    value: Option<&str>,
    max: usize,
) -> Result<Option<String>, Invalid> {
    match value.map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) => {
            text_length(field, v, 1, max)?;
            Ok(Some(v.to_owned()))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths_count_characters_not_bytes() {
        assert!(text_length("name", "ééé", 3, 3).is_ok());
        assert!(text_length("name", "éé", 3, 3).is_err());
    }

    #[test]
    fn required_text_refuses_blank_and_names_the_field() {
        let err = required_text("name", "   ", 1, 10).unwrap_err();
        assert_eq!(err.field, "name");
    }
}
