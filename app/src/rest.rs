//! What every module's REST handlers share: errors answered as
//! `application/problem+json` (RFC 9457) with the fields at fault, and extractors that
//! turn malformed JSON, query strings and path segments into such errors too — never a
//! plain-text rejection. Each module keeps its own routes (`<module>/rest.rs`); the
//! server nests them under `/api/v1`.

use crate::{error::AppError, server::AppState};
use axum::{
    extract::{FromRequest, FromRequestParts, Request},
    http::{header, request::Parts, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
    Json,
};
use serde::{de::DeserializeOwned, Serialize};
use utoipa::ToSchema;

/// The media type of every error answer.
pub const PROBLEM: &str = "application/problem+json";

/// What a module's handlers return.
pub type ApiResult<T> = Result<T, ApiError>;

/// The routes a module adds to `/api/v1`, with their OpenAPI operations.
pub type ApiRouter = utoipa_axum::router::OpenApiRouter<AppState>;

/// An error (RFC 9457 problem details).
#[derive(Serialize, ToSchema)]
pub struct Problem {
    #[schema(example = "/api/v1/problems/invalid")]
    pub r#type: String,
    #[schema(example = "Unprocessable Entity")]
    pub title: String,
    #[schema(example = 422)]
    pub status: u16,
    pub detail: String,
    /// Present for `invalid`: each bad field and why.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub errors: Option<Vec<ProblemField>>,
    /// Present for `too_many_requests`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_after_secs: Option<i64>,
    /// Present for `duplicate`: the record that exists already.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub existing_id: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct ProblemField {
    #[schema(example = "vin")]
    pub field: String,
    pub message: String,
}

/// An `AppError` answered as `application/problem+json`.
#[derive(Debug)]
pub struct ApiError(pub AppError);

impl<E: Into<AppError>> From<E> for ApiError {
    fn from(e: E) -> Self {
        ApiError(e.into())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        problem(&self.0)
    }
}

/// The problem+json answer for an error.
pub fn problem(e: &AppError) -> Response {
    let status = StatusCode::from_u16(e.status_code()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let body = Problem {
        r#type: format!("/api/v1/problems/{}", e.code()),
        title: status.canonical_reason().unwrap_or("error").to_owned(),
        status: status.as_u16(),
        detail: e.to_string(),
        errors: match e {
            AppError::Invalid { fields, .. } => Some(
                fields
                    .iter()
                    .map(|f| ProblemField {
                        field: f.field.clone(),
                        message: f.message.clone(),
                    })
                    .collect(),
            ),
            AppError::Duplicate { field, message, .. } => Some(vec![ProblemField {
                field: field.clone(),
                message: message.clone(),
            }]),
            _ => None,
        },
        existing_id: match e {
            AppError::Duplicate { existing_id, .. } => Some(*existing_id),
            _ => None,
        },
        retry_after_secs: match e {
            AppError::TooManyRequests {
                retry_after_secs, ..
            } => Some(*retry_after_secs),
            _ => None,
        },
    };
    let mut res = (status, Json(body)).into_response();
    res.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM));
    if let AppError::Unauthenticated(_) = e {
        res.headers_mut()
            .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    }
    res
}

/// `serde_path_to_error`'s path (`vehicles[2].cost_fen`) as our field names use it
/// (`vehicles.2.cost_fen`); a missing field is named itself.
fn field_name(path: &serde_path_to_error::Path, message: &str) -> String {
    let mut name = path
        .to_string()
        .replace('[', ".")
        .replace(']', "")
        .trim_start_matches('.')
        .to_owned();
    if name == "." || name == "?" {
        name.clear();
    }
    if let Some(missing) = message
        .strip_prefix("missing field `")
        .and_then(|m| m.split('`').next())
    {
        if name.is_empty() {
            name = missing.to_owned();
        } else {
            name = format!("{name}.{missing}");
        }
    }
    if name.is_empty() {
        "body".to_owned()
    } else {
        name
    }
}

fn invalid<E: std::fmt::Display>(e: serde_path_to_error::Error<E>, whole: &str) -> AppError {
    let message = e.inner().to_string();
    let mut field = field_name(e.path(), &message);
    if field == "body" {
        field = whole.to_owned();
    }
    // serde's message ends with "at line 1 column 17": useless to a person.
    let message = message
        .split(" at line ")
        .next()
        .unwrap_or(&message)
        .to_owned();
    AppError::invalid(field, message)
}

/// A JSON body, decoded with every error named by its field (422 problem+json).
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let is_json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| {
                let v = v.trim().to_ascii_lowercase();
                v.starts_with("application/json") || v.contains("+json")
            });
        if !is_json {
            return Err(AppError::invalid("body", "send Content-Type: application/json").into());
        }
        let bytes = axum::body::Bytes::from_request(req, state)
            .await
            .map_err(|e| AppError::invalid("body", e.body_text()))?;
        let de = &mut serde_json::Deserializer::from_slice(&bytes);
        serde_path_to_error::deserialize(de)
            .map(ApiJson)
            .map_err(|e| invalid(e, "body").into())
    }
}

/// An optional JSON body: none when the request has no body at all.
impl<T: DeserializeOwned, S: Send + Sync> axum::extract::OptionalFromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Option<Self>, Self::Rejection> {
        let has_body = req.headers().contains_key(header::CONTENT_TYPE)
            || req
                .headers()
                .get(header::CONTENT_LENGTH)
                .is_some_and(|v| v != "0");
        if !has_body {
            return Ok(None);
        }
        <Self as FromRequest<S>>::from_request(req, state)
            .await
            .map(Some)
    }
}

/// Query parameters, decoded with every error named by its parameter.
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let q = parts.uri.query().unwrap_or_default();
        let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(q.as_bytes()));
        serde_path_to_error::deserialize(de)
            .map(ApiQuery)
            .map_err(|e| invalid(e, "query").into())
    }
}

/// Path segments (`/vehicles/{id}`), with a bad one named (422 problem+json).
pub struct ApiPath<T>(pub T);

impl<T, S> FromRequestParts<S> for ApiPath<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        use axum::extract::{path::ErrorKind, rejection::PathRejection, Path, RawPathParams};
        match Path::<T>::from_request_parts(parts, state).await {
            Ok(Path(v)) => Ok(ApiPath(v)),
            Err(PathRejection::FailedToDeserializePathParams(e)) => {
                let message = e.body_text();
                // The segment's name: given for maps and structs, else by its place.
                let names: Vec<String> = RawPathParams::from_request_parts(parts, state)
                    .await
                    .map(|p| p.iter().map(|(k, _)| k.to_owned()).collect())
                    .unwrap_or_default();
                let field = match e.into_kind() {
                    ErrorKind::ParseErrorAtKey { key, .. }
                    | ErrorKind::InvalidUtf8InPathParam { key } => Some(key),
                    ErrorKind::ParseErrorAtIndex { index, .. } => names.get(index).cloned(),
                    ErrorKind::ParseError { .. } => names.first().cloned(),
                    _ => None,
                };
                Err(AppError::invalid(field.unwrap_or_else(|| "path".into()), message).into())
            }
            Err(e) => Err(AppError::invalid("path", e.body_text()).into()),
        }
    }
}

/// The answer for a path under `/api/v1` that names no endpoint.
pub async fn not_found(req: Request) -> ApiError {
    ApiError(AppError::NotFound(format!(
        "no API endpoint at {}",
        req.uri().path()
    )))
}

/// A problem answer as the OpenAPI document shows it.
pub(crate) fn problem_example(
    status: u16,
    code: &str,
    title: &str,
    detail: &str,
) -> serde_json::Value {
    serde_json::json!({
        "type": format!("/api/v1/problems/{code}"),
        "title": title,
        "status": status,
        "detail": detail,
    })
}

/// A 422 naming `field`, as the OpenAPI document shows it.
pub(crate) fn invalid_example(field: &str, message: &str) -> serde_json::Value {
    let mut v = problem_example(422, "invalid", "Unprocessable Entity", message);
    v["errors"] = serde_json::json!([{ "field": field, "message": message }]);
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Debug)]
    #[allow(dead_code)]
    struct Body {
        vehicles: Vec<Row>,
    }

    #[derive(serde::Deserialize, Debug)]
    #[allow(dead_code)]
    struct Row {
        vin: String,
        cost_fen: i64,
    }

    fn error_of(json: &str) -> AppError {
        let de = &mut serde_json::Deserializer::from_str(json);
        let e = serde_path_to_error::deserialize::<_, Body>(de).unwrap_err();
        invalid(e, "body")
    }

    #[test]
    fn a_bad_json_body_names_the_field_at_fault() {
        let e = error_of(
            r#"{"vehicles": [{"vin": "A", "cost_fen": 1}, {"vin": "B", "cost_fen": "x"}]}"#,
        );
        assert_eq!(e.fields()[0].field, "vehicles.1.cost_fen");
        assert!(!e.fields()[0].message.contains("line"), "{e:?}");
        let e = error_of(r#"{"vehicles": [{"cost_fen": 1}]}"#);
        assert_eq!(e.fields()[0].field, "vehicles.0.vin");
        let e = error_of(r#"{"vehicles": "#);
        assert_eq!(e.fields()[0].field, "vehicles");
        let e = error_of("nonsense");
        assert_eq!(e.fields()[0].field, "body");
    }

    #[test]
    fn problems_carry_their_status_and_fields() {
        let res = problem(&AppError::invalid("vin", "bad"));
        assert_eq!(res.status(), 422);
        assert_eq!(res.headers()[header::CONTENT_TYPE], PROBLEM);
        let res = problem(&AppError::Unauthenticated("who?".into()));
        assert_eq!(res.headers()[header::WWW_AUTHENTICATE], "Bearer");
    }
}
