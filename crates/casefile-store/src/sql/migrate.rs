//! Schema migrations, one ordered list per backend, applied at start in a transaction each.

use sqlx::{AnyPool, Executor};

use super::backend::Backend;
use super::rows::millis;
use crate::{Error, Health, Result};

struct Migration {
    version: i64,
    name: &'static str,
    sqlite: &'static str,
    postgres: &'static str,
}

const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "foundation",
        sqlite: include_str!("../../migrations/sqlite/0001_foundation.sql"),
        postgres: include_str!("../../migrations/postgres/0001_foundation.sql"),
    },
    Migration {
        version: 2,
        name: "task_management",
        sqlite: include_str!("../../migrations/sqlite/0002_task_management.sql"),
        postgres: include_str!("../../migrations/postgres/0002_task_management.sql"),
    },
    Migration {
        version: 3,
        name: "contacts",
        sqlite: include_str!("../../migrations/sqlite/0003_contacts.sql"),
        postgres: include_str!("../../migrations/postgres/0003_contacts.sql"),
    },
    Migration {
        version: 4,
        name: "cases",
        sqlite: include_str!("../../migrations/sqlite/0004_cases.sql"),
        postgres: include_str!("../../migrations/postgres/0004_cases.sql"),
    },
    Migration {
        version: 5,
        name: "write_guard",
        sqlite: include_str!("../../migrations/sqlite/0005_write_guard.sql"),
        postgres: include_str!("../../migrations/postgres/0005_write_guard.sql"),
    },
    Migration {
        version: 6,
        name: "write_costs",
        sqlite: include_str!("../../migrations/sqlite/0006_write_costs.sql"),
        postgres: include_str!("../../migrations/postgres/0006_write_costs.sql"),
    },
];

const CREATE_TABLE: &str = "CREATE TABLE IF NOT EXISTS schema_migrations (
    version BIGINT PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at BIGINT NOT NULL
)";

/// Applies every migration not yet applied. On PostgreSQL an advisory lock keeps
/// several nodes starting at once from racing.
pub async fn run(pool: &AnyPool, backend: Backend) -> Result<()> {
    if backend == Backend::Postgres {
        // Two concurrent `CREATE TABLE IF NOT EXISTS` can both pass the check and one then
        // fails on the catalog's unique index: take the lock for this one too.
        let mut tx = pool.begin().await?;
        tx.execute("SELECT pg_advisory_xact_lock(7166434645)")
            .await?;
        tx.execute(CREATE_TABLE).await?;
        tx.commit().await?;
    } else {
        pool.execute(CREATE_TABLE).await?;
    }
    for migration in MIGRATIONS {
        let mut tx = pool.begin().await?;
        if backend == Backend::Postgres {
            tx.execute("SELECT pg_advisory_xact_lock(7166434645)")
                .await?;
        }
        let applied: Option<i64> =
            sqlx::query_scalar("SELECT version FROM schema_migrations WHERE version = $1")
                .bind(migration.version)
                .fetch_optional(&mut *tx)
                .await?;
        if applied.is_some() {
            tx.rollback().await?;
            continue;
        }
        let sql = match backend {
            Backend::Sqlite => migration.sqlite,
            Backend::Postgres => migration.postgres,
        };
        tx.execute(sqlx::raw_sql(sql)).await?;
        #[allow(clippy::disallowed_methods)]
        // the record of when a migration ran is not domain time
        let now = millis(chrono::Utc::now());
        sqlx::query(
            "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
        )
        .bind(migration.version)
        .bind(migration.name)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        tracing::info!(
            version = migration.version,
            name = migration.name,
            "migration applied"
        );
    }
    Ok(())
}

pub async fn health(pool: &AnyPool, _backend: Backend) -> Result<Health> {
    let applied: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM schema_migrations")
        .fetch_one(pool)
        .await
        .map_err(Error::from)?;
    Ok(Health {
        applied_migrations: applied,
        known_migrations: MIGRATIONS.len() as i64,
    })
}
