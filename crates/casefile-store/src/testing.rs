//! Test support shared by every crate's tests: a fresh database per test on the backend
//! the environment selects (SQLite by default; PostgreSQL when `CASEFILE_TEST_DATABASE_URL`
//! is set). Not used by the server at run time.

use std::path::Path;

use sqlx::Connection;

/// Prefix of the PostgreSQL databases tests create; CI drops them afterwards.
pub const DATABASE_PREFIX: &str = "cf_test_";

/// A URL to a new, empty database. SQLite files go in `dir`.
pub async fn fresh_database_url(dir: &Path) -> String {
    match std::env::var("CASEFILE_TEST_DATABASE_URL") {
        Ok(url) if !url.trim().is_empty() => fresh_postgres(&url).await,
        _ => format!("sqlite://{}", dir.join("casefile.db").display()),
    }
}

#[allow(clippy::panic)] // test support: a database the tests cannot create is a setup failure
async fn fresh_postgres(url: &str) -> String {
    sqlx::any::install_default_drivers();
    let name = format!("{DATABASE_PREFIX}{}", uuid_like());
    let mut conn = match sqlx::AnyConnection::connect(url).await {
        Ok(c) => c,
        Err(e) => panic!("cannot connect to CASEFILE_TEST_DATABASE_URL: {e}"),
    };
    if let Err(e) = sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut conn)
        .await
    {
        panic!("cannot create test database {name}: {e}");
    }
    let _ = conn.close().await;
    replace_database(url, &name)
}

/// `postgres://u@h:p/db?x` → `postgres://u@h:p/<name>?x`
pub fn replace_database(url: &str, name: &str) -> String {
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

fn uuid_like() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    format!("{}_{}_{}", std::process::id(), n, random_suffix())
}

fn random_suffix() -> u64 {
    use std::collections::hash_map::RandomState;
    use std::hash::{BuildHasher, Hasher};
    let mut h = RandomState::new().build_hasher();
    h.write_u64(0);
    h.finish() % 1_000_000_000
}

#[cfg(test)]
mod tests {
    #[test]
    fn replaces_the_database_name() {
        assert_eq!(
            super::replace_database("postgres://p@h:5432/test?sslmode=disable", "x"),
            "postgres://p@h:5432/x?sslmode=disable"
        );
        assert_eq!(
            super::replace_database("postgres://p@h/test", "x"),
            "postgres://p@h/x"
        );
        assert_eq!(
            super::replace_database("postgres://p@h", "x"),
            "postgres://p@h/x"
        );
    }
}
