//! Administration: staff accounts, stores and warehouses, API keys. Admins only.

pub mod api_keys;
pub mod audit;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod rest;
pub mod stores;
pub mod users;

/// Parses an optional id sent by a form (`""` is none).
pub fn parse_opt_id(
    field: &str,
    value: &str,
    lang: crate::i18n::Lang,
) -> Result<Option<i64>, crate::error::AppError> {
    let v = value.trim();
    if v.is_empty() {
        return Ok(None);
    }
    v.parse::<i64>()
        .map(Some)
        .map_err(|_| crate::error::AppError::invalid(field, lang.t("error.not_an_id")))
}
