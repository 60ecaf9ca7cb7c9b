//! Grants, OAuth clients and access tokens.

use super::tx::{self, Tx};
use casefile_domain::Timestamp;
use casefile_domain::authz::{DivisionScope, Grant, Role};
use sqlx::{AnyPool, Row};

use super::rows::{instant, millis};
use crate::{Error, OAuthClient, Result, TokenRecord};

pub async fn grants(pool: &AnyPool, subject_id: &str) -> Result<Vec<Grant>> {
    let rows = sqlx::query(
        "SELECT role, division FROM grants WHERE subject_id = $1 ORDER BY role, division",
    )
    .bind(subject_id)
    .fetch_all(pool)
    .await?;
    let mut grants = Vec::with_capacity(rows.len());
    for row in rows {
        let role: String = row.try_get("role")?;
        let division: String = row.try_get("division")?;
        let role =
            Role::parse(&role).ok_or_else(|| Error::Corrupt(format!("unknown role {role:?}")))?;
        grants.push(Grant {
            role,
            scope: scope_of(&division),
        });
    }
    Ok(grants)
}

fn scope_of(division: &str) -> DivisionScope {
    DivisionScope::parse(division)
}

/// Replaces every grant of the subject with `grants`.
pub async fn replace_grants(conn: &mut Tx, subject_id: &str, grants: &[Grant]) -> Result<()> {
    tx::query("DELETE FROM grants WHERE subject_id = $1")
        .bind(subject_id)
        .execute(&mut *conn)
        .await?;
    for grant in grants {
        tx::query("INSERT INTO grants (subject_id, role, division) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING")
            .bind(subject_id)
            .bind(grant.role.id())
            .bind(grant.scope.as_str())
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

pub async fn upsert_client(conn: &mut Tx, c: &OAuthClient) -> Result<()> {
    tx::query(
        "INSERT INTO oauth_clients (id, name, secret_hash, version, date_created, date_modified)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, secret_hash = excluded.secret_hash,
             version = excluded.version, date_modified = excluded.date_modified",
    )
    .bind(&c.id)
    .bind(&c.name)
    .bind(&c.secret_hash)
    .bind(c.version)
    .bind(millis(c.date_created))
    .bind(millis(c.date_modified))
    .execute(&mut *conn)
    .await?;
    Ok(())
}

pub async fn get_client(pool: &AnyPool, id: &str) -> Result<OAuthClient> {
    let row = sqlx::query(
        "SELECT id, name, secret_hash, version, date_created, date_modified FROM oauth_clients WHERE id = $1",
    )
    .bind(id)
    .fetch_one(pool)
    .await?;
    Ok(OAuthClient {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        secret_hash: row.try_get("secret_hash")?,
        version: row.try_get("version")?,
        date_created: instant(row.try_get("date_created")?)?,
        date_modified: instant(row.try_get("date_modified")?)?,
    })
}

pub async fn insert_token(conn: &mut Tx, t: &TokenRecord) -> Result<()> {
    tx::query(
        "INSERT INTO tokens (token_hash, client_id, user_id, issued_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(&t.token_hash)
    .bind(&t.client_id)
    .bind(&t.user_id)
    .bind(millis(t.issued_at))
    .bind(millis(t.expires_at))
    .execute(&mut *conn)
    .await?;
    Ok(())
}

pub async fn get_token(pool: &AnyPool, token_hash: &str) -> Result<TokenRecord> {
    let row = sqlx::query(
        "SELECT token_hash, client_id, user_id, issued_at, expires_at FROM tokens WHERE token_hash = $1",
    )
    .bind(token_hash)
    .fetch_one(pool)
    .await?;
    Ok(TokenRecord {
        token_hash: row.try_get("token_hash")?,
        client_id: row.try_get("client_id")?,
        user_id: row.try_get("user_id")?,
        issued_at: instant(row.try_get("issued_at")?)?,
        expires_at: instant(row.try_get("expires_at")?)?,
    })
}

pub async fn delete_expired_tokens(conn: &mut Tx, now: Timestamp) -> Result<u64> {
    let done = tx::query("DELETE FROM tokens WHERE expires_at <= $1")
        .bind(millis(now))
        .execute(&mut *conn)
        .await?;
    Ok(done)
}
