//! Records for reading external contacts (the contacts themselves are domain types).

use casefile_domain::authz::Divisions;

/// The name field contacts are listed by; ties go to the other name, then the id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContactSort {
    FirstName,
    MiddleName,
    LastName,
    Title,
}

#[derive(Debug, Clone)]
pub struct ContactFilter {
    pub visible: Divisions,
    /// A search key prefix (`casefile_domain::contact::search_prefix`): lowercased text or
    /// phone digits. Matches contacts having any search key that starts with it.
    pub prefix: Option<String>,
    pub sort: ContactSort,
    pub descending: bool,
    /// Counting stops after this many matches: the listing's `total` is at most
    /// `count_limit + 1`, and more than `count_limit` means "at least that many".
    pub count_limit: i64,
}
