//! Opening a database: migrations, health, URL schemes.

use casefile_store::{PoolSizes, Store};

use crate::support::db;

#[tokio::test]
async fn migrations_are_idempotent_and_health_reports_them() {
    let db = db().await;
    let again = casefile_store::connect(&db.url, PoolSizes::default())
        .await
        .unwrap();
    let health = again.health().await.unwrap();
    assert!(health.is_ready());
    assert!(health.applied_migrations >= 1);
}

#[tokio::test]
async fn unknown_url_schemes_are_refused() {
    let err = casefile_store::connect("mysql://localhost/x", PoolSizes::default())
        .await
        .unwrap_err();
    assert!(err.to_string().contains("sqlite://"), "{err}");
    assert!(casefile_store::sql_redact("postgres://u:secret@h/db").contains("***"));
}
