//! OAuth clients, their grants, and access tokens.

use casefile_domain::authz::{DivisionScope, Grant, Role};
use casefile_store::{Error, OAuthClient, Store, TokenRecord};

use crate::support::{db, event, home, t0};
use crate::writes_via_units::Writes;

#[tokio::test]
async fn clients_grants_and_tokens() {
    let db = db().await;
    home(&db.store).await;
    let client = OAuthClient {
        id: "c1".into(),
        name: "robot".into(),
        secret_hash: "h1".into(),
        version: 1,
        date_created: t0(),
        date_modified: t0(),
    };
    let grants = vec![Grant {
        role: Role::Admin,
        scope: DivisionScope::All,
    }];
    db.store
        .upsert_client(&client, &grants, &event("oauth_client", "c1", 1))
        .await
        .unwrap();
    let rotated = OAuthClient {
        secret_hash: "h2".into(),
        version: 2,
        ..client.clone()
    };
    db.store
        .upsert_client(&rotated, &grants, &event("oauth_client", "c1", 2))
        .await
        .unwrap();
    assert_eq!(db.store.get_client("c1").await.unwrap().secret_hash, "h2");
    assert_eq!(db.store.grants("c1").await.unwrap(), grants);

    let token = TokenRecord {
        token_hash: "t".into(),
        client_id: "c1".into(),
        user_id: None,
        issued_at: t0(),
        expires_at: t0() + chrono::Duration::hours(1),
    };
    db.store.insert_token(&token).await.unwrap();
    assert_eq!(db.store.get_token("t").await.unwrap(), token);
    assert_eq!(db.store.delete_expired_tokens(t0()).await.unwrap(), 0);
    assert_eq!(
        db.store
            .delete_expired_tokens(t0() + chrono::Duration::hours(2))
            .await
            .unwrap(),
        1
    );
    assert!(matches!(
        db.store.get_token("t").await,
        Err(Error::NotFound)
    ));
}
