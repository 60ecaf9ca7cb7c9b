//! Pieces of SQL text shared by the queries of several tables.

use casefile_domain::authz::Divisions;

/// `$1, $2, …` placeholders starting after `first - 1` already-bound parameters.
pub fn placeholders(first: usize, count: usize) -> String {
    (first..first + count)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The SQL condition restricting rows to visible divisions, and its parameters.
/// Returns `None` when nothing is visible (the query can be skipped).
pub fn division_condition(
    column: &str,
    visible: &Divisions,
    first: usize,
) -> Option<(String, Vec<String>)> {
    match visible {
        Divisions::All => Some(("1 = 1".to_owned(), Vec::new())),
        Divisions::Only(ids) if ids.is_empty() => None,
        Divisions::Only(ids) => Some((
            format!("{column} IN ({})", placeholders(first, ids.len())),
            ids.clone(),
        )),
    }
}
