//! Password hashing: argon2id with the OWASP parameters (19 MiB, 2 passes, 1 lane).

use argon2::{
    password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString},
    Algorithm, Argon2, Params, Version,
};

fn argon2() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).expect("valid argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

pub fn hash_password(password: &str) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    argon2()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("hashing the password failed: {e}"))
}

pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|parsed| {
            argon2()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// Verifies against a fixed hash so an unknown username costs as much time as a known one.
pub fn burn_verify(password: &str) {
    static DUMMY: std::sync::LazyLock<String> =
        std::sync::LazyLock::new(|| hash_password("not-a-real-password").unwrap_or_default());
    let _ = verify_password(password, &DUMMY);
}

/// The rules a new password must meet; the message says which one failed.
pub fn check_password_rules(password: &str) -> Result<(), &'static str> {
    if password.chars().count() < 8 {
        return Err("error.password_too_short");
    }
    if password.len() > 256 {
        return Err("error.password_too_long");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_and_are_argon2id_with_owasp_parameters() {
        let h = hash_password("showroom-2026").unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{h}");
        assert!(verify_password("showroom-2026", &h));
        assert!(!verify_password("showroom-2027", &h));
        assert!(!verify_password("showroom-2026", "not a hash"));
        assert_ne!(h, hash_password("showroom-2026").unwrap(), "salted");
    }

    #[test]
    fn password_rules() {
        assert_eq!(
            check_password_rules("short"),
            Err("error.password_too_short")
        );
        assert!(check_password_rules("long enough").is_ok());
    }
}
