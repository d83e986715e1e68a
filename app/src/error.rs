//! The one error type of the application boundary: server functions return it to the
//! browser (JSON-encoded) and the REST API maps it to `application/problem+json`.

use serde::{Deserialize, Serialize};
use server_fn::{
    codec::JsonEncoding,
    error::{FromServerFnError, ServerFnErrorErr},
};

/// One bad input field and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// No session or key, or it expired.
    #[error("{0}")]
    Unauthenticated(String),
    /// Signed in, but this role may not do this to this record.
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    NotFound(String),
    /// Bad input: a message and the fields at fault. Nothing was changed.
    #[error("{message}")]
    Invalid {
        message: String,
        fields: Vec<FieldError>,
        /// What the person typed, so a form sent without JavaScript comes back filled in
        /// (never passwords). Not part of the REST answer.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        input: Vec<(String, String)>,
    },
    /// The record changed meanwhile, or a unique value is taken.
    #[error("{0}")]
    Conflict(String),
    /// What would be created exists already (a customer's mobile): the existing record's
    /// id, and the field that found it.
    #[error("{message}")]
    Duplicate {
        message: String,
        field: String,
        existing_id: i64,
    },
    /// The request is larger than anything this endpoint takes.
    #[error("{0}")]
    TooLarge(String),
    #[error("{message}")]
    TooManyRequests {
        message: String,
        retry_after_secs: i64,
    },
    /// Something failed on the server; the details are in its log, not here.
    #[error("{0}")]
    Internal(String),
    /// The request never reached the server function (network, encoding).
    #[error("{0}")]
    Transport(String),
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    /// A request whose arguments do not decode is bad input (422, nothing done); on the
    /// client, a failure to reach the server stays a transport error.
    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Args(m) => {
                let message: String = m.chars().take(200).collect();
                let field = arg_field(&message).unwrap_or("form").to_owned();
                AppError::invalid(field, message)
            }
            ServerFnErrorErr::MissingArg(name) => {
                let name: String = name.chars().take(40).collect();
                AppError::invalid(name.clone(), format!("missing {name}"))
            }
            other => AppError::Transport(other.to_string()),
        }
    }
}

/// The argument a form decoding error names (`… field \`to\` …` or `unknown variant`
/// messages carry no name, then none).
fn arg_field(message: &str) -> Option<&str> {
    let start = message.find("field `")? + "field `".len();
    let rest = &message[start..];
    Some(&rest[..rest.find('`')?])
}

impl AppError {
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        let message = message.into();
        AppError::Invalid {
            message: message.clone(),
            fields: vec![FieldError {
                field: field.into(),
                message,
            }],
            input: Vec::new(),
        }
    }

    /// Several bad fields at once; the first one's message leads.
    pub fn invalid_fields(fields: Vec<FieldError>) -> Self {
        AppError::Invalid {
            message: fields
                .first()
                .map(|f| f.message.clone())
                .unwrap_or_default(),
            fields,
            input: Vec::new(),
        }
    }

    /// Keeps what was typed with a field error (see [`AppError::Invalid`]); other errors
    /// pass through unchanged.
    pub fn with_input<'a>(self, values: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        match self {
            AppError::Invalid {
                message, fields, ..
            } => AppError::Invalid {
                message,
                fields,
                input: values
                    .into_iter()
                    .map(|(k, v)| (k.to_owned(), v.chars().take(200).collect()))
                    .collect(),
            },
            other => other,
        }
    }

    /// What was typed into `name`, when a failed form sent it back.
    pub fn input(&self, name: &str) -> Option<&str> {
        match self {
            AppError::Invalid { input, .. } => input
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.as_str()),
            _ => None,
        }
    }

    /// The field errors, if this is bad input.
    pub fn fields(&self) -> &[FieldError] {
        match self {
            AppError::Invalid { fields, .. } => fields,
            _ => &[],
        }
    }

    /// The message for one field, if this error names it.
    pub fn field(&self, name: &str) -> Option<&str> {
        match self {
            AppError::Invalid { fields, .. } => fields
                .iter()
                .find(|f| f.field == name)
                .map(|f| f.message.as_str()),
            _ => None,
        }
    }

    /// An error back from a problem+json answer (RFC 9457), as the REST API and the
    /// import route give them.
    pub fn from_problem(status: u16, body: &str) -> AppError {
        #[derive(Deserialize)]
        struct Problem {
            #[serde(default)]
            detail: String,
            #[serde(default)]
            errors: Vec<FieldError>,
            #[serde(default)]
            retry_after_secs: i64,
            #[serde(default)]
            existing_id: Option<i64>,
        }
        let Ok(p) = serde_json::from_str::<Problem>(body) else {
            return AppError::Transport(format!("HTTP {status}"));
        };
        match status {
            401 => AppError::Unauthenticated(p.detail),
            403 => AppError::Forbidden(p.detail),
            404 => AppError::NotFound(p.detail),
            409 => match (p.existing_id, p.errors.into_iter().next()) {
                (Some(existing_id), Some(f)) => AppError::Duplicate {
                    message: p.detail,
                    field: f.field,
                    existing_id,
                },
                _ => AppError::Conflict(p.detail),
            },
            413 => AppError::TooLarge(p.detail),
            400 | 422 => AppError::Invalid {
                message: p.detail,
                fields: p.errors,
                input: Vec::new(),
            },
            429 => AppError::TooManyRequests {
                message: p.detail,
                retry_after_secs: p.retry_after_secs,
            },
            _ => AppError::Internal(p.detail),
        }
    }

    /// The HTTP status this error answers with.
    pub fn status_code(&self) -> u16 {
        match self {
            AppError::Unauthenticated(_) => 401,
            AppError::Forbidden(_) => 403,
            AppError::NotFound(_) => 404,
            AppError::Invalid { .. } => 422,
            AppError::Conflict(_) | AppError::Duplicate { .. } => 409,
            AppError::TooLarge(_) => 413,
            AppError::TooManyRequests { .. } => 429,
            AppError::Internal(_) => 500,
            AppError::Transport(_) => 502,
        }
    }

    /// A short machine-readable name (used as the problem `type`).
    pub fn code(&self) -> &'static str {
        match self {
            AppError::Unauthenticated(_) => "unauthenticated",
            AppError::Forbidden(_) => "forbidden",
            AppError::NotFound(_) => "not_found",
            AppError::Invalid { .. } => "invalid",
            AppError::Conflict(_) => "conflict",
            AppError::Duplicate { .. } => "duplicate",
            AppError::TooLarge(_) => "too_large",
            AppError::TooManyRequests { .. } => "too_many_requests",
            AppError::Internal(_) => "internal",
            AppError::Transport(_) => "transport",
        }
    }
}

#[cfg(feature = "ssr")]
impl AppError {
    /// Logs the cause and answers with a message that reveals nothing of it.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        tracing::error!(error = %cause, "internal error");
        AppError::Internal("服务器内部错误 / internal server error".into())
    }
}

#[cfg(feature = "ssr")]
impl From<sqlx::Error> for AppError {
    fn from(e: sqlx::Error) -> Self {
        AppError::internal(e)
    }
}

#[cfg(feature = "ssr")]
impl From<crate::db::DbError> for AppError {
    fn from(e: crate::db::DbError) -> Self {
        AppError::internal(e)
    }
}

/// What a failed insert means to the person: `taken()` when a unique value is already
/// taken (a duplicate, or two people at once), a logged internal error otherwise.
#[cfg(feature = "ssr")]
pub trait OrTaken {
    fn or_taken(self, taken: impl FnOnce() -> AppError) -> AppError;
}

#[cfg(feature = "ssr")]
impl OrTaken for crate::db::DbError {
    fn or_taken(self, taken: impl FnOnce() -> AppError) -> AppError {
        if self.is_unique_violation() {
            taken()
        } else {
            self.into()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_problem_reads_back_as_the_error_it_was() {
        let body = r#"{"type":"/api/v1/problems/invalid","title":"Unprocessable Entity","status":422,
            "detail":"2 rows","errors":[{"field":"rows.3.vin","message":"bad"}]}"#;
        let e = AppError::from_problem(422, body);
        assert_eq!(e.field("rows.3.vin"), Some("bad"));
        assert_eq!(e.to_string(), "2 rows");
        assert!(matches!(
            AppError::from_problem(403, r#"{"detail":"no"}"#),
            AppError::Forbidden(_)
        ));
        assert!(matches!(
            AppError::from_problem(502, "<html>"),
            AppError::Transport(_)
        ));
    }

    #[test]
    fn a_failed_form_carries_what_was_typed_but_only_with_field_errors() {
        let e = AppError::invalid("vin", "bad").with_input([("vin", "LGX"), ("cost", "-1")]);
        assert_eq!(e.input("cost"), Some("-1"));
        assert_eq!(e.field("vin"), Some("bad"));
        assert_eq!(e.input("nope"), None);
        let wire = serde_json::to_string(&e).unwrap();
        assert_eq!(serde_json::from_str::<AppError>(&wire).unwrap(), e);
        let other = AppError::Conflict("x".into()).with_input([("vin", "LGX")]);
        assert_eq!(other.input("vin"), None);
        let long = "x".repeat(500);
        let e = AppError::invalid("q", "bad").with_input([("q", long.as_str())]);
        assert_eq!(e.input("q").map(str::len), Some(200), "echoes are bounded");
    }
}
