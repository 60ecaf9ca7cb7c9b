//! Human-readable case references: the caseplan's prefix and a number unique per caseplan.

use crate::Invalid;

pub const PREFIX_MIN: usize = 2;
pub const PREFIX_MAX: usize = 8;
/// Digits the number is padded to (`REF-000042`); larger numbers just get longer.
pub const DIGITS: usize = 6;

/// A validated reference prefix: 2 to 8 ASCII letters or digits, kept upper case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prefix(String);

impl Prefix {
    pub fn parse(field: &str, value: &str) -> Result<Prefix, Invalid> {
        let v = value.trim();
        if !(PREFIX_MIN..=PREFIX_MAX).contains(&v.len())
            || !v.bytes().all(|b| b.is_ascii_alphanumeric())
        {
            return Err(Invalid::new(
                field,
                format!("must be {PREFIX_MIN} to {PREFIX_MAX} letters or digits, got {value:?}"),
            ));
        }
        Ok(Prefix(v.to_ascii_uppercase()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn reference(&self, number: i64) -> String {
        format!("{}-{:0width$}", self.0, number, width = DIGITS)
    }
}

/// The lookup key of a reference: case-insensitive.
pub fn key(reference: &str) -> String {
    reference.trim().to_ascii_uppercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_are_alphanumeric_and_upper_cased() {
        assert_eq!(
            Prefix::parse("p", "ref").unwrap().reference(42),
            "REF-000042"
        );
        assert_eq!(
            Prefix::parse("p", "AB12CD34").unwrap().reference(1_234_567),
            "AB12CD34-1234567"
        );
        for bad in ["R", "TOOLONGXX", "RE F", "RÉF", "RE-F", ""] {
            assert!(Prefix::parse("referencePrefix", bad).is_err(), "{bad}");
        }
        assert_eq!(key(" ref-000042 "), "REF-000042");
    }
}
