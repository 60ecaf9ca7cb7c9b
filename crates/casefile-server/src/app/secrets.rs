//! Secrets: random tokens, their hashes, and password hashing with argon2id.
//!
//! OAuth client secrets and access tokens are 256-bit random values, so a SHA-256 digest is
//! enough to store them; user-chosen passwords get argon2id (m = 19456 KiB, t = 2, p = 1).

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use base64::Engine;
use rand::RngCore;
use sha2::{Digest, Sha256};

/// 32 random bytes, base64url without padding.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

pub fn digest(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// Compares a secret with a stored digest in constant time.
pub fn digest_matches(secret: &str, stored_digest: &str) -> bool {
    let computed = digest(secret);
    if computed.len() != stored_digest.len() {
        return false;
    }
    computed
        .bytes()
        .zip(stored_digest.bytes())
        .fold(0u8, |acc, (a, b)| acc | (a ^ b))
        == 0
}

fn argon2() -> Argon2<'static> {
    let params = Params::new(19_456, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// A PHC string (`$argon2id$v=19$m=19456,t=2,p=1$…`).
pub fn hash_password(password: &str) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut rand::rngs::OsRng);
    argon2()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("{e}"))
}

pub fn verify_password(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc)
        .is_ok_and(|hash| argon2().verify_password(password.as_bytes(), &hash).is_ok())
}

/// Costs the same as a real verification, so an unknown user cannot be told from a wrong password.
pub fn verify_against_nothing(password: &str) {
    const DUMMY: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$4dAz4W1xJ1x9N2r0YbQmPzq2d0QbB0l2J8y7Qq3cS7k";
    let _ = verify_password(password, DUMMY);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_hash_is_argon2id_phc_and_verifies() {
        let hash = hash_password("correct horse").unwrap();
        assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(verify_password("correct horse", &hash));
        assert!(!verify_password("wrong horse", &hash));
    }

    #[test]
    fn digests_compare() {
        let token = random_token();
        assert_eq!(token.len(), 43);
        assert!(digest_matches(&token, &digest(&token)));
        assert!(!digest_matches("other", &digest(&token)));
    }
}
