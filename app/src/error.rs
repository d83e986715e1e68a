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
    },
    /// The record changed meanwhile, or a unique value is taken.
    #[error("{0}")]
    Conflict(String),
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

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        AppError::Transport(value.to_string())
    }
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

    /// The HTTP status this error answers with.
    pub fn status_code(&self) -> u16 {
        match self {
            AppError::Unauthenticated(_) => 401,
            AppError::Forbidden(_) => 403,
            AppError::NotFound(_) => 404,
            AppError::Invalid { .. } => 422,
            AppError::Conflict(_) => 409,
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
