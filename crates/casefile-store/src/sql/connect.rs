//! Opening a database: the pools and their session settings, migrations, and on SQLite the
//! group-committing writer and the in-place readers.

use std::str::FromStr;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{Connection, Executor};

use super::backend::Backend;
use super::facade::SqlStore;
use super::migrate;
use super::reader::Reads;
use super::writer::Writer;
use crate::{Error, Result, lost_connections};

/// How to size the pools.
#[derive(Debug, Clone, Copy)]
pub struct PoolSizes {
    pub readers: u32,
    pub postgres: u32,
}

impl Default for PoolSizes {
    fn default() -> Self {
        Self {
            readers: 4,
            postgres: 16,
        }
    }
}

/// Opens (creating an SQLite file if missing) and migrates the database at `url`.
pub async fn connect(url: &str, sizes: PoolSizes) -> Result<SqlStore> {
    sqlx::any::install_default_drivers();
    let backend = Backend::from_url(url)?;
    let store = match backend {
        Backend::Sqlite => {
            let url = sqlite_url(url);
            let options =
                AnyConnectOptions::from_str(&url).map_err(|e| Error::InvalidUrl(e.to_string()))?;
            let writer = sqlite_pool(1)
                .connect_with(options.clone())
                .await
                .map_err(Error::from)?;
            let reader = sqlite_pool(sizes.readers)
                .connect_with(options)
                .await
                .map_err(Error::from)?;
            migrate::run(&writer, backend).await?;
            let file: String =
                sqlx::query_scalar("SELECT file FROM pragma_database_list WHERE name = 'main'")
                    .fetch_one(&writer)
                    .await?;
            writer.close().await;
            SqlStore {
                backend,
                writer: Writer::batched(&file)?,
                reader,
                reads: Reads::in_place(&file)?,
            }
        }
        Backend::Postgres => {
            let options =
                AnyConnectOptions::from_str(url).map_err(|e| Error::InvalidUrl(e.to_string()))?;
            let pool = postgres_pool(sizes)
                .connect_with(options.clone())
                .await
                .map_err(Error::from)?;
            migrate::run(&pool, backend).await?;
            // Writes get a pool of their own whose sessions always use generic plans: every
            // write statement is prepared once per connection and its plan does not depend on
            // the values bound, yet PostgreSQL would plan each of the first five runs anew (and
            // keep doing so for the large one-statement units of `combine.rs`). Ad-hoc reads
            // keep value-aware planning.
            let writes = postgres_pool(sizes)
                .after_connect(|conn, _meta| {
                    Box::pin(async move {
                        conn.execute("SET plan_cache_mode = force_generic_plan")
                            .await?;
                        Ok(())
                    })
                })
                .connect_with(options)
                .await
                .map_err(Error::from)?;
            SqlStore {
                backend,
                writer: Writer::Direct(writes),
                reads: Reads::Pool(pool.clone()),
                reader: pool,
            }
        }
    };
    Ok(store)
}

/// `sqlite://file.db` → `sqlite://file.db?mode=rwc` so a missing file is created.
fn sqlite_url(url: &str) -> String {
    if url.contains('?') {
        url.to_owned()
    } else {
        format!("{url}?mode=rwc")
    }
}

/// No ping before every acquire (it doubled every query's round trips): only after a
/// connection was lost ([`crate::lost_connections`]), so that the dead ones left in the pool
/// are replaced before a request gets one.
fn postgres_pool(sizes: PoolSizes) -> AnyPoolOptions {
    AnyPoolOptions::new()
        .max_connections(sizes.postgres)
        .test_before_acquire(false)
        .before_acquire(|conn, _meta| {
            Box::pin(async move {
                if !lost_connections::ping_due() {
                    return Ok(true);
                }
                match conn.ping().await {
                    Ok(()) => Ok(true),
                    Err(e) => {
                        tracing::info!(error = %e, "closing a pooled connection the database dropped");
                        Ok(false)
                    }
                }
            })
        })
        .acquire_timeout(Duration::from_secs(10))
}

fn sqlite_pool(max: u32) -> AnyPoolOptions {
    AnyPoolOptions::new()
        .max_connections(max)
        .min_connections(1)
        .test_before_acquire(false)
        .acquire_timeout(Duration::from_secs(10))
        .after_connect(|conn, _meta| {
            Box::pin(async move {
                for pragma in [
                    "PRAGMA journal_mode = WAL",
                    "PRAGMA synchronous = FULL",
                    "PRAGMA foreign_keys = ON",
                    "PRAGMA busy_timeout = 5000",
                    "PRAGMA temp_store = MEMORY",
                    // No mmap: the database file grows under steady writes, and every remap
                    // cost a TLB shootdown across the cores (~7 % fewer case lifecycles).
                ] {
                    conn.execute(pragma).await?;
                }
                Ok(())
            })
        })
}
