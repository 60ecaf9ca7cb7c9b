//! Where the benchmark's database lives (a SQLite file in a temporary directory, or a new
//! `casefile_bench_*` PostgreSQL database), and how it is cleaned up.

use std::path::Path;

use anyhow::{Context, bail};
use sqlx::Connection;

/// Where the database lives, and how to clean it up.
pub enum Database {
    Sqlite {
        dir: tempfile::TempDir,
    },
    Postgres {
        admin_url: String,
        name: String,
        url: String,
    },
}

impl Database {
    pub async fn create() -> anyhow::Result<Database> {
        match std::env::var("CASEFILE_BENCH_DATABASE_URL") {
            Ok(url) if !url.trim().is_empty() => {
                let url = url.trim().to_owned();
                if !(url.starts_with("postgres://") || url.starts_with("postgresql://")) {
                    bail!(
                        "CASEFILE_BENCH_DATABASE_URL must be a postgres:// URL (SQLite is the default)"
                    );
                }
                let name = format!("casefile_bench_{}", uuid::Uuid::new_v4().simple());
                let mut conn = sqlx::AnyConnection::connect(&url).await.with_context(|| {
                    format!("cannot connect to {}", casefile_store::sql_redact(&url))
                })?;
                sqlx::query(&format!("CREATE DATABASE {name}"))
                    .execute(&mut conn)
                    .await
                    .context("CREATE DATABASE")?;
                conn.close().await?;
                let db_url = replace_database(&url, &name);
                Ok(Database::Postgres {
                    admin_url: url,
                    name,
                    url: db_url,
                })
            }
            _ => Ok(Database::Sqlite {
                dir: tempfile::tempdir()?,
            }),
        }
    }

    pub fn label(&self) -> &'static str {
        match self {
            Database::Sqlite { .. } => "sqlite",
            Database::Postgres { .. } => "postgres",
        }
    }

    pub fn server_url(&self) -> String {
        match self {
            Database::Sqlite { dir } => sqlite_url(dir.path(), "casefile.db"),
            Database::Postgres { url, .. } => url.clone(),
        }
    }

    pub fn commits_url(&self) -> String {
        match self {
            Database::Sqlite { dir } => sqlite_url(dir.path(), "commits.db"),
            Database::Postgres { url, .. } => url.clone(),
        }
    }

    pub async fn drop_database(self) -> anyhow::Result<()> {
        match self {
            Database::Sqlite { dir } => Ok(dir.close()?),
            Database::Postgres {
                admin_url, name, ..
            } => {
                let mut conn = sqlx::AnyConnection::connect(&admin_url).await?;
                sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .execute(&mut conn)
                    .await?;
                conn.close().await?;
                Ok(())
            }
        }
    }
}

fn sqlite_url(dir: &Path, file: &str) -> String {
    format!("sqlite://{}?mode=rwc", dir.join(file).display())
}

/// `postgres://u@h:p/db?x` → `postgres://u@h:p/<name>?x`
fn replace_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, format!("?{q}")),
        None => (url, String::new()),
    };
    let after_scheme = base.find("://").map(|i| i + 3).unwrap_or(0);
    let root = match base[after_scheme..].find('/') {
        Some(i) => &base[..after_scheme + i],
        None => base,
    };
    format!("{root}/{name}{query}")
}
