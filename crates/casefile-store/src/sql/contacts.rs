//! External contacts and their notes.
//!
//! Contacts may number in the millions, so they are rows of their own (not configuration
//! documents, which are listed whole) and every read is bounded by an index:
//!
//! - **Search** looks for contacts having a *search key* that starts with the query. The
//!   keys (see `Contact::search_keys`: each name and each word of it, the full name in both
//!   orders, lowercased emails, phone digits in E.164 and national form) live in
//!   `contact_keys (search_key, contact_id)`, whose primary key is the search index. One
//!   side table with one index beats a column per field: a search is a single index range
//!   scan whatever field matched, and a new kind of key needs no new column or index.
//!   Contains-search (`%x%`) was rejected: no B-tree serves it, and trigram indexes exist on
//!   PostgreSQL only.
//! - The match is written `search_key LIKE 'x%'` *and* as the equivalent range
//!   `search_key >= 'x' AND search_key < 'y'` (`y` = `x` with its last character
//!   incremented). The range is what the planners use: PostgreSQL cannot derive an index
//!   range from `LIKE $1` in a generic (parameter-blind) plan, and SQLite uses an index for
//!   `LIKE` only under `NOCASE` collation. A range is a prefix match only in byte order, so
//!   key columns are `COLLATE "C"` on PostgreSQL (SQLite compares bytes by default); keys
//!   and queries are lowercased in the domain, so case folding is never left to SQL.
//! - **Listing order** uses lowercased sort keys with indexes for the common orders (last
//!   name, first name, and per division).
//! - **Counting** stops at the filter's `count_limit`, so a broad search or an unfiltered
//!   listing never counts millions of rows.

use super::tx::{self, Tx};
use casefile_domain::contact::{Contact, Note};
use sqlx::any::AnyRow;
use sqlx::{AnyPool, Row};

use super::fragments::division_condition;
use super::guarded::missing_or_stale;
use super::rows::{instant, millis};
use crate::{ContactFilter, ContactSort, Error, Listing, Page, Result};

fn parse(data: &str) -> Result<Contact> {
    Ok(serde_json::from_str(data)?)
}

pub async fn get(pool: &AnyPool, id: &str) -> Result<Contact> {
    let data: String = sqlx::query_scalar("SELECT data FROM contacts WHERE id = $1")
        .bind(id)
        .fetch_one(pool)
        .await?;
    parse(&data)
}

fn sort_keys(c: &Contact) -> [String; 4] {
    let d = &c.details;
    [
        Contact::sort_key(d.first_name.as_ref()),
        Contact::sort_key(d.middle_name.as_ref()),
        Contact::sort_key(d.last_name.as_ref()),
        Contact::sort_key(d.title.as_ref()),
    ]
}

pub async fn insert(conn: &mut Tx, c: &Contact) -> Result<()> {
    let [first, middle, last, title] = sort_keys(c);
    tx::query(
        "INSERT INTO contacts (id, division_id, first_key, middle_key, last_key, title_key, version, data,
             date_created, date_modified)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(&c.id)
    .bind(&c.division_id)
    .bind(first)
    .bind(middle)
    .bind(last)
    .bind(title)
    .bind(c.version)
    .bind(serde_json::to_string(c)?)
    .bind(millis(c.date_created))
    .bind(millis(c.date_modified))
    .execute(&mut *conn)
    .await?;
    insert_keys(conn, c).await
}

async fn insert_keys(conn: &mut Tx, c: &Contact) -> Result<()> {
    let keys = c.search_keys();
    if keys.is_empty() {
        return Ok(());
    }
    let values: Vec<String> = (0..keys.len())
        .map(|i| format!("(${}, ${})", 2 * i + 1, 2 * i + 2))
        .collect();
    let sql = format!(
        "INSERT INTO contact_keys (search_key, contact_id) VALUES {}",
        values.join(", ")
    );
    let mut query = tx::query(&sql);
    for key in &keys {
        query = query.bind(key).bind(&c.id);
    }
    query.execute(&mut *conn).await?;
    Ok(())
}

pub async fn update(conn: &mut Tx, c: &Contact, expected_version: i64) -> Result<()> {
    let [first, middle, last, title] = sort_keys(c);
    let done = tx::query(
        "UPDATE contacts SET division_id = $1, first_key = $2, middle_key = $3, last_key = $4, title_key = $5,
             version = $6, data = $7, date_modified = $8
         WHERE id = $9 AND version = $10",
    )
    .bind(&c.division_id)
    .bind(first)
    .bind(middle)
    .bind(last)
    .bind(title)
    .bind(c.version)
    .bind(serde_json::to_string(c)?)
    .bind(millis(c.date_modified))
    .bind(&c.id)
    .bind(expected_version)
    .execute(&mut *conn)
    .await?;
    if done == 0 {
        return Err(missing_or_stale(conn, "contacts", &c.id).await);
    }
    tx::query("DELETE FROM contact_keys WHERE contact_id = $1")
        .bind(&c.id)
        .execute(&mut *conn)
        .await?;
    insert_keys(conn, c).await
}

/// Deletes the contact (its keys and notes cascade) unless a workitem or a case refers to it.
pub async fn delete(conn: &mut Tx, id: &str, expected_version: i64) -> Result<()> {
    for table in ["workitems", "cases"] {
        let sql = format!("SELECT id FROM {table} WHERE external_contact_id = $1 LIMIT 1");
        let referring: Option<String> = tx::query(&sql).bind(id).fetch_optional(&mut *conn).await?;
        if referring.is_some() {
            return Err(Error::Conflict {
                constraint: "in_use".to_owned(),
            });
        }
    }
    let done = tx::query("DELETE FROM contacts WHERE id = $1 AND version = $2")
        .bind(id)
        .bind(expected_version)
        .execute(&mut *conn)
        .await?;
    if done == 0 {
        return Err(missing_or_stale(conn, "contacts", id).await);
    }
    Ok(())
}

/// The smallest string greater than every string starting with `prefix` (in code point,
/// hence UTF-8 byte, order), or `None` when there is none.
fn prefix_end(prefix: &str) -> Option<String> {
    let mut chars: Vec<char> = prefix.chars().collect();
    while let Some(last) = chars.pop() {
        let next = match last {
            '\u{D7FF}' => Some('\u{E000}'),
            c => char::from_u32(c as u32 + 1),
        };
        if let Some(next) = next {
            chars.push(next);
            return Some(chars.into_iter().collect());
        }
    }
    None
}

fn like_escape(prefix: &str) -> String {
    let mut out = String::with_capacity(prefix.len() + 1);
    for c in prefix.chars() {
        if matches!(c, '\\' | '%' | '_') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

fn order_by(sort: ContactSort, descending: bool) -> String {
    let dir = if descending { "DESC" } else { "ASC" };
    let columns: &[&str] = match sort {
        ContactSort::FirstName => &["first_key", "last_key"],
        ContactSort::MiddleName => &["middle_key", "last_key", "first_key"],
        ContactSort::LastName => &["last_key", "first_key"],
        ContactSort::Title => &["title_key", "last_key", "first_key"],
    };
    columns
        .iter()
        .chain(std::iter::once(&"id"))
        .map(|c| format!("{c} {dir}"))
        .collect::<Vec<_>>()
        .join(", ")
}

pub async fn list(pool: &AnyPool, filter: &ContactFilter, page: Page) -> Result<Listing<Contact>> {
    let empty = Listing {
        entities: Vec::new(),
        total: 0,
    };
    let Some((mut condition, mut params)) = division_condition("division_id", &filter.visible, 1)
    else {
        return Ok(empty);
    };
    if let Some(prefix) = filter.prefix.as_deref().filter(|p| !p.is_empty()) {
        let mut key = vec![format!("search_key >= ${}", params.len() + 1)];
        params.push(prefix.to_owned());
        if let Some(end) = prefix_end(prefix) {
            key.push(format!("search_key < ${}", params.len() + 1));
            params.push(end);
        }
        key.push(format!("search_key LIKE ${} ESCAPE '\\'", params.len() + 1));
        params.push(like_escape(prefix));
        condition.push_str(&format!(
            " AND id IN (SELECT contact_id FROM contact_keys WHERE {})",
            key.join(" AND ")
        ));
    }
    let n = params.len();
    let count_sql = format!(
        "SELECT COUNT(*) FROM (SELECT 1 FROM contacts WHERE {condition} LIMIT ${}) matches",
        n + 1
    );
    let mut count = sqlx::query_scalar::<_, i64>(&count_sql);
    for p in &params {
        count = count.bind(p);
    }
    let total = count
        .bind(filter.count_limit.saturating_add(1))
        .fetch_one(pool)
        .await?;
    let sql = format!(
        "SELECT data FROM contacts WHERE {condition} ORDER BY {} LIMIT ${} OFFSET ${}",
        order_by(filter.sort, filter.descending),
        n + 1,
        n + 2
    );
    let mut query = sqlx::query(&sql);
    for p in &params {
        query = query.bind(p);
    }
    let rows = query
        .bind(page.size)
        .bind(page.offset())
        .fetch_all(pool)
        .await?;
    let entities = rows
        .iter()
        .map(|r| parse(&r.try_get::<String, _>("data")?))
        .collect::<Result<Vec<_>>>()?;
    Ok(Listing { entities, total })
}

const NOTE_COLUMNS: &str =
    "id, contact_id, note_text, created_by, version, date_created, date_modified";

fn note_from_row(row: &AnyRow) -> Result<Note> {
    Ok(Note {
        id: row.try_get("id")?,
        contact_id: row.try_get("contact_id")?,
        text: row.try_get("note_text")?,
        created_by: row.try_get("created_by")?,
        version: row.try_get("version")?,
        date_created: instant(row.try_get("date_created")?)?,
        date_modified: instant(row.try_get("date_modified")?)?,
    })
}

pub async fn get_note(pool: &AnyPool, contact_id: &str, id: &str) -> Result<Note> {
    let sql = format!("SELECT {NOTE_COLUMNS} FROM contact_notes WHERE id = $1 AND contact_id = $2");
    let row = sqlx::query(&sql)
        .bind(id)
        .bind(contact_id)
        .fetch_one(pool)
        .await?;
    note_from_row(&row)
}

pub async fn insert_note(conn: &mut Tx, n: &Note) -> Result<()> {
    tx::query(
        "INSERT INTO contact_notes (id, contact_id, note_text, created_by, version, date_created, date_modified)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(&n.id)
    .bind(&n.contact_id)
    .bind(&n.text)
    .bind(&n.created_by)
    .bind(n.version)
    .bind(millis(n.date_created))
    .bind(millis(n.date_modified))
    .execute(&mut *conn)
    .await?;
    Ok(())
}

pub async fn update_note(conn: &mut Tx, n: &Note, expected_version: i64) -> Result<()> {
    let done = tx::query(
        "UPDATE contact_notes SET note_text = $1, version = $2, date_modified = $3
         WHERE id = $4 AND contact_id = $5 AND version = $6",
    )
    .bind(&n.text)
    .bind(n.version)
    .bind(millis(n.date_modified))
    .bind(&n.id)
    .bind(&n.contact_id)
    .bind(expected_version)
    .execute(&mut *conn)
    .await?;
    if done == 0 {
        return Err(missing_or_stale(conn, "contact_notes", &n.id).await);
    }
    Ok(())
}

pub async fn delete_note(conn: &mut Tx, contact_id: &str, id: &str) -> Result<()> {
    let done = tx::query("DELETE FROM contact_notes WHERE id = $1 AND contact_id = $2")
        .bind(id)
        .bind(contact_id)
        .execute(&mut *conn)
        .await?;
    if done == 0 {
        return Err(Error::NotFound);
    }
    Ok(())
}

pub async fn list_notes(
    pool: &AnyPool,
    contact_id: &str,
    descending: bool,
    page: Page,
) -> Result<Listing<Note>> {
    let total: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM contact_notes WHERE contact_id = $1")
        .bind(contact_id)
        .fetch_one(pool)
        .await?;
    let dir = if descending { "DESC" } else { "ASC" };
    let sql = format!(
        "SELECT {NOTE_COLUMNS} FROM contact_notes WHERE contact_id = $1
         ORDER BY date_created {dir}, id {dir} LIMIT $2 OFFSET $3"
    );
    let rows = sqlx::query(&sql)
        .bind(contact_id)
        .bind(page.size)
        .bind(page.offset())
        .fetch_all(pool)
        .await?;
    let entities = rows.iter().map(note_from_row).collect::<Result<Vec<_>>>()?;
    Ok(Listing { entities, total })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefix_ends_bound_exactly_the_prefixed_strings() {
        assert_eq!(prefix_end("abc").as_deref(), Some("abd"));
        assert_eq!(prefix_end("a\u{10FFFF}").as_deref(), Some("b"));
        assert_eq!(prefix_end("\u{10FFFF}"), None);
        assert_eq!(prefix_end("x\u{D7FF}").as_deref(), Some("x\u{E000}"));
    }

    #[test]
    fn like_patterns_escape_wildcards() {
        assert_eq!(like_escape("a_b%c\\"), "a\\_b\\%c\\\\%");
    }
}
