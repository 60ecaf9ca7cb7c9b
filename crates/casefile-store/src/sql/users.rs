//! User rows.

use super::tx::{self, Tx};
use casefile_domain::user::{Address, State, User};
use sqlx::any::AnyRow;
use sqlx::{AnyPool, Row};

use super::fragments::{division_condition, placeholders};
use super::guarded::missing_or_stale;
use super::rows::{instant, millis};
use crate::{Error, Listing, Page, Result, UserFilter};

const COLUMNS: &str = "id, division_id, name, email, state, department, title, preferred_name, manager_id, \
                       addresses, version, date_created, date_modified";

fn from_row(row: &AnyRow) -> Result<User> {
    let state: String = row.try_get("state")?;
    let addresses: String = row.try_get("addresses")?;
    Ok(User {
        id: row.try_get("id")?,
        division_id: row.try_get("division_id")?,
        name: row.try_get("name")?,
        email: row.try_get("email")?,
        state: State::parse("state", &state).map_err(|e| Error::Corrupt(e.to_string()))?,
        department: row.try_get("department")?,
        title: row.try_get("title")?,
        preferred_name: row.try_get("preferred_name")?,
        manager_id: row.try_get("manager_id")?,
        addresses: serde_json::from_str::<Vec<Address>>(&addresses)?,
        version: row.try_get("version")?,
        date_created: instant(row.try_get("date_created")?)?,
        date_modified: instant(row.try_get("date_modified")?)?,
    })
}

pub async fn get(pool: &AnyPool, id: &str) -> Result<User> {
    let sql = format!("SELECT {COLUMNS} FROM users WHERE id = $1");
    let row = sqlx::query(&sql).bind(id).fetch_one(pool).await?;
    from_row(&row)
}

pub async fn find_login(pool: &AnyPool, email: &str) -> Result<Option<(User, Option<String>)>> {
    let sql = format!("SELECT {COLUMNS}, password_hash FROM users WHERE email = $1");
    let Some(row) = sqlx::query(&sql)
        .bind(email.to_lowercase())
        .fetch_optional(pool)
        .await?
    else {
        return Ok(None);
    };
    Ok(Some((from_row(&row)?, row.try_get("password_hash")?)))
}

pub async fn list(pool: &AnyPool, filter: &UserFilter, page: Page) -> Result<Listing<User>> {
    let Some((mut condition, mut params)) = division_condition("division_id", &filter.visible, 1)
    else {
        return Ok(Listing {
            entities: Vec::new(),
            total: 0,
        });
    };
    if let Some(state) = filter.state {
        condition.push_str(&format!(" AND state = ${}", params.len() + 1));
        params.push(state.as_str().to_owned());
    }
    if let Some(ids) = &filter.ids {
        if ids.is_empty() {
            return Ok(Listing {
                entities: Vec::new(),
                total: 0,
            });
        }
        condition.push_str(&format!(
            " AND id IN ({})",
            placeholders(params.len() + 1, ids.len())
        ));
        params.extend(ids.iter().cloned());
    }
    let count_sql = format!("SELECT COUNT(*) FROM users WHERE {condition}");
    let mut count = sqlx::query_scalar::<_, i64>(&count_sql);
    for p in &params {
        count = count.bind(p);
    }
    let total = count.fetch_one(pool).await?;
    let order = if filter.descending { "DESC" } else { "ASC" };
    let n = params.len();
    let sql = format!(
        "SELECT {COLUMNS} FROM users WHERE {condition} ORDER BY name {order}, id {order} LIMIT ${} OFFSET ${}",
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
    let entities = rows.iter().map(from_row).collect::<Result<Vec<_>>>()?;
    Ok(Listing { entities, total })
}

pub async fn insert(conn: &mut Tx, u: &User, password_hash: Option<&str>) -> Result<()> {
    tx::query(
        "INSERT INTO users (id, division_id, name, email, state, department, title, preferred_name, manager_id,
                            addresses, password_hash, version, date_created, date_modified)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
    )
    .bind(&u.id)
    .bind(&u.division_id)
    .bind(&u.name)
    .bind(&u.email)
    .bind(u.state.as_str())
    .bind(&u.department)
    .bind(&u.title)
    .bind(&u.preferred_name)
    .bind(&u.manager_id)
    .bind(serde_json::to_string(&u.addresses)?)
    .bind(password_hash)
    .bind(u.version)
    .bind(millis(u.date_created))
    .bind(millis(u.date_modified))
    .execute(&mut *conn)
    .await?;
    Ok(())
}

pub async fn update(conn: &mut Tx, u: &User, expected_version: i64) -> Result<()> {
    let done = tx::query(
        "UPDATE users SET division_id = $1, name = $2, state = $3, department = $4, title = $5,
                          preferred_name = $6, manager_id = $7, addresses = $8, version = $9, date_modified = $10
         WHERE id = $11 AND version = $12",
    )
    .bind(&u.division_id)
    .bind(&u.name)
    .bind(u.state.as_str())
    .bind(&u.department)
    .bind(&u.title)
    .bind(&u.preferred_name)
    .bind(&u.manager_id)
    .bind(serde_json::to_string(&u.addresses)?)
    .bind(u.version)
    .bind(millis(u.date_modified))
    .bind(&u.id)
    .bind(expected_version)
    .execute(&mut *conn)
    .await?;
    if done == 0 {
        return Err(missing_or_stale(conn, "users", &u.id).await);
    }
    Ok(())
}

pub async fn set_password(conn: &mut Tx, id: &str, hash: &str) -> Result<()> {
    tx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
        .bind(hash)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}
