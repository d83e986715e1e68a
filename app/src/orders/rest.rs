//! Orders' REST API (under `/api/v1`): entry (safe to retry with an `Idempotency-Key`),
//! look-up, changes guarded by `If-Match`, one endpoint per move along an order's
//! statuses, and payments — calling the same services as the pages.
//!
//! An order's `ETag` is its version in quotes (`"3"`). A change (`PUT`) must send it back
//! as `If-Match`: without it the answer is 428, with an old one 412 naming the version now.
//!
//! `POST /orders` with an `Idempotency-Key` records the key for the caller in the
//! transaction that creates the order, with the answer: the key's row is inserted under
//! the table's primary key before the order is written, so of two requests with one key
//! exactly one inserts it (the other waits for it, then finds it taken) and creates the
//! order; the other answers with the first answer again. A creation that fails rolls the
//! key back with it, so a retry may proceed. Keys older than a day are ignored and purged
//! ([`purge_idempotency_keys`]).

use super::{
    domain::{
        approval::Level,
        import::ImportReport,
        order::{ApprovalRow, ExtraRow, OrderItem, OrderRow, PaymentRow},
        OrderDetail, OrderFilter, OrderInput, OrderPage, PaymentMethod,
    },
    service::{self, approvals::MAX_COMMENT, orders::MAX_REASON},
};
use crate::{
    ctx::Ctx,
    db::{sql, Db, DbResult, Tx},
    error::AppError,
    rest::{
        invalid_example, problem_example, ApiError, ApiJson, ApiPath, ApiQuery, ApiRouter, Problem,
        PROBLEM,
    },
};
use axum::{
    body::{Body, Bytes},
    extract::{multipart::MultipartRejection, DefaultBodyLimit, FromRequest, Multipart, Request},
    http::{header, HeaderMap, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
    Json,
};
use serde::{de::DeserializeOwned, Deserialize, Serialize};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use tracing::Instrument;
use utoipa::ToSchema;
use utoipa_axum::routes;

/// How long an idempotency key is remembered: a day.
pub const KEY_TTL_MS: i64 = 24 * 3_600_000;
/// The longest `Idempotency-Key`.
pub const MAX_KEY: usize = 100;
/// The header a replayed answer carries.
pub const REPLAYED: &str = "idempotent-replayed";
const KEY_HEADER: &str = "Idempotency-Key";

pub fn routes() -> ApiRouter {
    ApiRouter::new()
        .routes(routes!(list_orders, create_order))
        .routes(routes!(get_order, update_order))
        .routes(routes!(submit_order))
        .routes(routes!(approve_order))
        .routes(routes!(reject_order))
        .routes(routes!(allocate_vehicle))
        .routes(routes!(ship_order))
        .routes(routes!(complete_order))
        .routes(routes!(cancel_order))
        .routes(routes!(add_payment))
        // An upload: the body limit of a file, not of a form (the server bounds the
        // request before it is read).
        .merge(
            ApiRouter::new()
                .routes(routes!(import_orders))
                .layer(DefaultBodyLimit::max(crate::import::UPLOAD_BODY_LIMIT)),
        )
}

/// Forgets idempotency keys older than [`KEY_TTL_MS`] (run by the periodic clean-up).
pub async fn purge_idempotency_keys(db: &Db, now: i64) -> DbResult<u64> {
    sql("DELETE FROM idempotency_keys WHERE created_at < $1")
        .bind(now - KEY_TTL_MS)
        .execute(db)
        .await
}

// ---------------------------------------------------------------------------------------
// Answers

/// What an order handler answers with: any error of the services, or a precondition on
/// the order's version that failed (412) or was not sent (428).
#[derive(Debug)]
enum Refusal {
    App(AppError),
    Version {
        status: StatusCode,
        detail: String,
        current: Option<i64>,
    },
}

impl<E: Into<AppError>> From<E> for Refusal {
    fn from(e: E) -> Self {
        Refusal::App(e.into())
    }
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        match self {
            Refusal::App(e) => ApiError(e).into_response(),
            Refusal::Version {
                status,
                detail,
                current,
            } => {
                let code = if status == StatusCode::PRECONDITION_REQUIRED {
                    "precondition_required"
                } else {
                    "precondition_failed"
                };
                let body = VersionProblem {
                    r#type: format!("/api/v1/problems/{code}"),
                    title: status.canonical_reason().unwrap_or("error").to_owned(),
                    status: status.as_u16(),
                    detail,
                    current_version: current,
                };
                let mut res = (status, Json(body)).into_response();
                res.headers_mut()
                    .insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM));
                res
            }
        }
    }
}

type Answer = Result<Response, Refusal>;

/// A precondition on the order's version: 412 (with the version now) or 428.
#[derive(Serialize, ToSchema)]
struct VersionProblem {
    #[schema(example = "/api/v1/problems/precondition_failed")]
    r#type: String,
    #[schema(example = "Precondition Failed")]
    title: String,
    #[schema(example = 412)]
    status: u16,
    detail: String,
    /// The order's version now (412 only): send it as `If-Match: "<version>"` once the
    /// order is read again.
    #[serde(skip_serializing_if = "Option::is_none")]
    current_version: Option<i64>,
}

fn etag(version: i64) -> HeaderValue {
    HeaderValue::from_str(&format!("\"{version}\"")).expect("digits and quotes")
}

fn location(id: i64) -> HeaderValue {
    HeaderValue::from_str(&format!("/api/v1/orders/{id}")).expect("a path")
}

/// The order as it stands, with its version as the `ETag`.
fn detail_answer(status: StatusCode, d: &OrderDetail) -> Response {
    let mut res = (status, Json(d)).into_response();
    res.headers_mut()
        .insert(header::ETAG, etag(d.order.version));
    res
}

/// The order, read again after a change.
async fn current(ctx: &Ctx, id: i64) -> Answer {
    let d = service::orders::get(ctx, id).await?;
    Ok(detail_answer(StatusCode::OK, &d))
}

// ---------------------------------------------------------------------------------------
// Preconditions: If-Match

/// The version `If-Match` names, if it is sent: one strong tag of digits, the order's
/// `ETag` (`"3"`). Anything else (`*`, a weak tag, a list) is 422 naming `If-Match`.
fn if_match(ctx: &Ctx, headers: &HeaderMap) -> Result<Option<i64>, Refusal> {
    let mut values = headers.get_all(header::IF_MATCH).iter();
    let Some(value) = values.next() else {
        return Ok(None);
    };
    let version = value
        .to_str()
        .ok()
        .map(str::trim)
        .and_then(|t| t.strip_prefix('"'))
        .and_then(|t| t.strip_suffix('"'))
        .filter(|t| !t.is_empty() && t.len() <= 18 && t.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|t| t.parse::<i64>().ok())
        .filter(|_| values.next().is_none());
    match version {
        Some(v) => Ok(Some(v)),
        None => Err(AppError::invalid("If-Match", ctx.t("order.if_match_bad")).into()),
    }
}

/// The version `If-Match` names, which a change must send (428 otherwise).
fn required_if_match(ctx: &Ctx, headers: &HeaderMap) -> Result<i64, Refusal> {
    if_match(ctx, headers)?.ok_or_else(|| Refusal::Version {
        status: StatusCode::PRECONDITION_REQUIRED,
        detail: ctx.t("order.if_match_required").into(),
        current: None,
    })
}

/// 412 unless the order (which the caller may open: 404 / 403 otherwise) is at `version`.
async fn check_version(ctx: &Ctx, id: i64, version: i64) -> Result<(), Refusal> {
    let o = service::orders::get(ctx, id).await?.order;
    if o.version == version {
        return Ok(());
    }
    Err(stale(ctx, &o))
}

fn stale(ctx: &Ctx, o: &OrderRow) -> Refusal {
    let detail = service::orders::changed_by(ctx, &o.updated_by, o.updated_at, o.version);
    Refusal::Version {
        status: StatusCode::PRECONDITION_FAILED,
        detail: detail.to_string(),
        current: Some(o.version),
    }
}

/// A conflict the service found in a change sent with `If-Match: version`: 412 when the
/// order moved past that version meanwhile, else the conflict itself (a vehicle taken…).
async fn version_conflict(ctx: &Ctx, id: i64, version: i64, e: AppError) -> Refusal {
    if !matches!(e, AppError::Conflict(_)) {
        return e.into();
    }
    match service::orders::get(ctx, id).await {
        Ok(d) if d.order.version != version => stale(ctx, &d.order),
        _ => e.into(),
    }
}

// ---------------------------------------------------------------------------------------
// Idempotency

/// A JSON body with the SHA-256 of its canonical form (keys sorted, no spaces): the same
/// request sent again hashes the same, however its keys were ordered or spaced.
struct Hashed<T> {
    value: T,
    hash: String,
}

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Hashed<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let (parts, body) = req.into_parts();
        let bytes = Bytes::from_request(Request::from_parts(parts.clone(), body), state)
            .await
            .map_err(|e| AppError::invalid("body", e.body_text()))?;
        let again = Request::from_parts(parts, Body::from(bytes.clone()));
        let ApiJson(value) = ApiJson::<T>::from_request(again, state).await?;
        let whole: Value = serde_json::from_slice(&bytes).map_err(AppError::internal)?;
        let canonical = serde_json::to_vec(&canonical(whole)).map_err(AppError::internal)?;
        Ok(Hashed {
            value,
            hash: hex::encode(Sha256::digest(&canonical)),
        })
    }
}

/// The value with every object's keys in order (whether or not `serde_json` keeps
/// insertion order).
fn canonical(v: Value) -> Value {
    match v {
        Value::Object(map) => {
            let mut entries: Vec<(String, Value)> = map.into_iter().collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            Value::Object(
                entries
                    .into_iter()
                    .map(|(k, v)| (k, canonical(v)))
                    .collect(),
            )
        }
        Value::Array(items) => Value::Array(items.into_iter().map(canonical).collect()),
        other => other,
    }
}

/// The `Idempotency-Key` sent, if any: one header of 1 to 100 printable ASCII characters.
fn idempotency_key(ctx: &Ctx, headers: &HeaderMap) -> Result<Option<String>, AppError> {
    let mut values = headers.get_all(KEY_HEADER).iter();
    let Some(v) = values.next() else {
        return Ok(None);
    };
    let b = v.as_bytes();
    let ok = values.next().is_none()
        && !b.is_empty()
        && b.len() <= MAX_KEY
        && b.iter().all(|c| (0x20..=0x7e).contains(c));
    if !ok {
        return Err(AppError::invalid(
            KEY_HEADER,
            ctx.t("order.idempotency_key_bad"),
        ));
    }
    Ok(Some(String::from_utf8_lossy(b).into_owned()))
}

/// Whose keys these are: an API key's or a person's (one key's are never another's).
fn key_owner(ctx: &Ctx) -> Result<String, AppError> {
    let p = ctx.principal()?;
    Ok(match (p.api_key_id, p.user_id) {
        (Some(k), _) => format!("api_key:{k}"),
        (None, Some(u)) => format!("user:{u}"),
        (None, None) => format!("name:{}", p.name),
    })
}

/// An `Idempotency-Key` as this request uses it: whose, which, and the body's hash.
struct Key {
    owner: String,
    key: String,
    hash: String,
}

/// The answer already given under `key`, if any: another body under the key is 422, a
/// request still under way 409, a finished one its answer.
async fn answered(ctx: &Ctx, k: &Key) -> Result<Option<Response>, AppError> {
    let row: Option<(String, i64, String)> =
        sql("SELECT request_hash, status, body FROM idempotency_keys
         WHERE principal = $1 AND key = $2 AND created_at >= $3")
        .bind(&k.owner)
        .bind(&k.key)
        .bind(ctx.now_ms() - KEY_TTL_MS)
        .fetch_optional(ctx.db())
        .await?;
    match row {
        None => Ok(None),
        Some((h, _, _)) if h != k.hash => Err(AppError::invalid(
            KEY_HEADER,
            ctx.t("order.idempotency_key_reused"),
        )),
        Some((_, 0, _)) => Err(in_progress(ctx)),
        Some((_, status, body)) => Ok(Some(created_answer(
            u16::try_from(status).unwrap_or(201),
            body,
            true,
        ))),
    }
}

fn in_progress(ctx: &Ctx) -> AppError {
    AppError::Conflict(ctx.t("order.idempotency_in_progress").into())
}

/// Takes `key` in `tx` — a row of that key that outlived [`KEY_TTL_MS`] is taken over —
/// in one statement: `false` when another request holds it. A request with the same key
/// whose transaction is still open makes this wait for its end.
async fn claim(ctx: &Ctx, tx: &mut Tx, k: &Key) -> DbResult<bool> {
    let now = ctx.now_ms();
    let taken = sql(
        "INSERT INTO idempotency_keys (principal, key, request_hash, status, body, created_at)
         VALUES ($1, $2, $3, 0, '', $4)
         ON CONFLICT (principal, key) DO UPDATE
         SET request_hash = excluded.request_hash, status = 0, body = '', created_at = excluded.created_at
         WHERE idempotency_keys.created_at < $5",
    )
    .bind(&k.owner)
    .bind(&k.key)
    .bind(&k.hash)
    .bind(now)
    .bind(now - KEY_TTL_MS)
    .execute(&mut *tx)
    .await?;
    Ok(taken == 1)
}

/// Records the answer under the key taken in `tx`.
async fn finish(tx: &mut Tx, k: &Key, status: u16, body: &str) -> DbResult<()> {
    sql("UPDATE idempotency_keys SET status = $1, body = $2 WHERE principal = $3 AND key = $4")
        .bind(i64::from(status))
        .bind(body)
        .bind(&k.owner)
        .bind(&k.key)
        .execute(tx)
        .await
        .map(drop)
}

/// The answer to a creation: its status and JSON body as sent, with the order's
/// `Location` (read from the body) and, for a replay, `Idempotent-Replayed: true`.
fn created_answer(status: u16, body: String, replayed: bool) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::CREATED);
    let id = serde_json::from_str::<Value>(&body)
        .ok()
        .and_then(|v| v["order"]["id"].as_i64());
    let mut res = (status, [(header::CONTENT_TYPE, "application/json")], body).into_response();
    if let Some(id) = id {
        res.headers_mut().insert(header::LOCATION, location(id));
    }
    if replayed {
        res.headers_mut()
            .insert(REPLAYED, HeaderValue::from_static("true"));
    }
    res
}

// ---------------------------------------------------------------------------------------
// Handlers

/// Orders the key may see that pass the filter, newest first, a page at a time (`total`
/// counts them all).
#[utoipa::path(get, path = "/orders", tag = "orders", params(OrderFilter),
    responses((status = 200, body = OrderPage, example = json!(page_example())),
              (status = 403, body = Problem, content_type = "application/problem+json",
               example = json!(forbidden_role_example())),
              (status = 422, body = Problem, content_type = "application/problem+json",
               example = json!(invalid_example("limit", "A page holds 1 to 500 rows")))))]
async fn list_orders(ctx: Ctx, ApiQuery(f): ApiQuery<OrderFilter>) -> Answer {
    Ok(Json(service::orders::list(&ctx, &f).await?).into_response())
}

/// An order to enter: the order as the form takes it (ids, and amounts in yuan as typed),
/// and whether to submit it for approval at once.
#[derive(Deserialize, ToSchema)]
struct NewOrder {
    #[serde(flatten)]
    order: OrderInput,
    /// Put it before the approvers at once (default false: a draft).
    #[serde(default)]
    submit: bool,
}

/// Enters an order (a draft, or submitted with `submit: true`). With an
/// `Idempotency-Key`, a retry of the same request (same key, same body) is answered with
/// the first answer again, `Idempotent-Replayed: true`, and creates nothing; the same key
/// with another body is 422; a retry sent while the first is under way waits for it and
/// gets its answer. Keys are the caller's own and are kept for 24 hours. 409: the vehicle
/// is held by another order.
#[utoipa::path(post, path = "/orders", tag = "orders",
    params(("Idempotency-Key" = Option<String>, Header, min_length = 1, max_length = 100, pattern = "^[ -~]+$",
            description = "1 to 100 printable ASCII characters, new for each order (a UUID): a retry with the same key and body creates nothing twice")),
    request_body(content = NewOrder, example = json!(new_order_example())),
    responses((status = 201, body = OrderDetail, headers(("Location" = String, description = "/api/v1/orders/{id}"),
                       ("Idempotent-Replayed" = String, description = "`true` when this is the answer to an earlier request with the same key")),
               example = json!(detail_example())),
              (status = 403, body = Problem, content_type = "application/problem+json",
               example = json!(forbidden_role_example())),
              (status = 409, body = Problem, content_type = "application/problem+json",
               example = json!(vehicle_taken_example())),
              (status = 422, body = Problem, content_type = "application/problem+json",
               example = json!(invalid_example("Idempotency-Key", "This Idempotency-Key was used with a different request body; use a new key")))))]
async fn create_order(ctx: Ctx, headers: HeaderMap, body: Hashed<NewOrder>) -> Answer {
    let Hashed { value: new, hash } = body;
    let key = match idempotency_key(&ctx, &headers)? {
        Some(key) => Some(Key {
            owner: key_owner(&ctx)?,
            key,
            hash,
        }),
        None => None,
    };
    // Run to the end even if the caller hangs up: the transaction then ends by itself,
    // committed or rolled back, rather than where the request was dropped.
    tokio::spawn(async move { enter(&ctx, &new, key.as_ref()).await }.in_current_span())
        .await
        .map_err(AppError::internal)?
}

/// Creates the order — with a key, once — and answers with it as entered (whoever the
/// caller is: a salesperson's key acts for no salesperson and could not look it up).
async fn enter(ctx: &Ctx, new: &NewOrder, key: Option<&Key>) -> Answer {
    // A retry is answered where its key is found taken: after a refusal (the first
    // request holds the vehicle this one names) or at the claim.
    let entry = match service::orders::prepare(ctx, &new.order, new.submit).await {
        Ok(entry) => entry,
        Err(e) => {
            if let Some(k) = key {
                if let Some(answer) = answered(ctx, k).await? {
                    return Ok(answer);
                }
            }
            return Err(e.into());
        }
    };
    let mut tx = ctx.db().begin().await.map_err(AppError::from)?;
    if let Some(k) = key {
        if !claim(ctx, &mut tx, k).await.map_err(AppError::from)? {
            // Another request with this key got there first: its answer.
            drop(tx);
            return Ok(answered(ctx, k).await?.ok_or_else(|| in_progress(ctx))?);
        }
    }
    let (entered, events) = service::orders::create_in(ctx, &mut tx, entry).await?;
    let body = serde_json::to_string(&entered).map_err(AppError::internal)?;
    if let Some(k) = key {
        finish(&mut tx, k, 201, &body)
            .await
            .map_err(AppError::from)?;
    }
    service::orders::announce(ctx, tx, events).await?;
    Ok(created_answer(201, body, false))
}

/// One order with its extra lines, payments, approval decisions and the levels it needs;
/// its version is the `ETag`. Another store's order (or, for a salesperson, another's) is
/// 403 and says nothing of it.
#[utoipa::path(get, path = "/orders/{id}", tag = "orders",
    params(("id" = i64, Path, description = "order id")),
    responses((status = 200, body = OrderDetail, headers(("ETag" = String, description = "the order's version in quotes: `\"3\"`")),
               example = json!(detail_example())),
              (status = 403, body = Problem, content_type = "application/problem+json",
               example = json!(forbidden_example())),
              (status = 404, body = Problem, content_type = "application/problem+json",
               example = json!(not_found_example()))))]
async fn get_order(ctx: Ctx, ApiPath(id): ApiPath<i64>) -> Answer {
    current(&ctx, id).await
}

/// Changes an order until it ships: the whole order as on entry (the customer and the
/// store stay). Send the version read as `If-Match: "<version>"`: without it 428, and
/// when the order changed since, 412 with the version now (`*`, a weak tag or a list of
/// versions is 422). A change to what approvers
/// decided on sends the order back to them; a rejected order becomes a draft again.
#[utoipa::path(put, path = "/orders/{id}", tag = "orders",
    params(("id" = i64, Path, description = "order id"),
           ("If-Match" = String, Header, pattern = "^\"[0-9]+\"$", description = "the version read, as its ETag: `\"3\"`")),
    request_body(content = OrderInput, example = json!(change_example())),
    responses((status = 200, body = OrderDetail, headers(("ETag" = String, description = "the order's new version")),
               example = json!(detail_example())),
              (status = 403, body = Problem, content_type = "application/problem+json",
               example = json!(forbidden_example())),
              (status = 404, body = Problem, content_type = "application/problem+json",
               example = json!(not_found_example())),
              (status = 409, body = Problem, content_type = "application/problem+json",
               example = json!(vehicle_taken_example())),
              (status = 412, body = VersionProblem, content_type = "application/problem+json",
               example = json!(stale_example())),
              (status = 422, body = Problem, content_type = "application/problem+json",
               example = json!(invalid_example("status", "An order that is \"Shipped\" can no longer be changed"))),
              (status = 428, body = VersionProblem, content_type = "application/problem+json",
               example = json!(if_match_required_example()))))]
async fn update_order(
    ctx: Ctx,
    headers: HeaderMap,
    ApiPath(id): ApiPath<i64>,
    ApiJson(order): ApiJson<OrderInput>,
) -> Answer {
    let version = required_if_match(&ctx, &headers)?;
    // A bad order is refused as such (422) whatever version it names; the service checks
    // it again, with what the order holds.
    order.check(ctx.lang())?;
    check_version(&ctx, id, version).await?;
    if let Err(e) = service::orders::update(&ctx, id, &order, version).await {
        return Err(version_conflict(&ctx, id, version, e).await);
    }
    current(&ctx, id).await
}

/// Submits a draft (or a rejected order) for approval; when the store's rules ask no
/// level of it, it is approved at once.
#[utoipa::path(post, path = "/orders/{id}/submit", tag = "orders",
    params(("id" = i64, Path, description = "order id")),
    responses((status = 200, body = OrderDetail, headers(("ETag" = String, description = "the order's new version")),
               example = json!(detail_example())),
              (status = 403, body = Problem, content_type = "application/problem+json",
               example = json!(forbidden_example())),
              (status = 404, body = Problem, content_type = "application/problem+json",
               example = json!(not_found_example())),
              (status = 409, body = Problem, content_type = "application/problem+json",
               example = json!(changed_example())),
              (status = 422, body = Problem, content_type = "application/problem+json",
               example = json!(bad_move_example("Approved", "Pending approval")))))]
async fn submit_order(ctx: Ctx, ApiPath(id): ApiPath<i64>) -> Answer {
    service::orders::submit(&ctx, id).await?;
    current(&ctx, id).await
}

/// An approver's decision. With `If-Match`, refused (412) if the order changed since it
/// was read.
#[derive(Deserialize, ToSchema)]
struct Decision {
    /// Why (optional to approve; required to reject), at most 500 characters.
    #[serde(default)]
    #[schema(max_length = 500, example = "折扣在授权范围内")]
    comment: String,
}

/// Approves the next level of an order waiting for approval (by the role that level
/// names; never the order's own author or salesperson). The order is approved once every
/// level is.
#[utoipa::path(post, path = "/orders/{id}/approve", tag = "orders",
    params(("id" = i64, Path, description = "order id"),
           ("If-Match" = Option<String>, Header, pattern = "^\"[0-9]+\"$", description = "optional: the version the decision is on, as its ETag: `\"3\"`")),
    request_body(content = Option<Decision>, example = json!({ "comment": "折扣在授权范围内" })),
    responses((status = 200, body = OrderDetail, headers(("ETag" = String, description = "the order's new version")),
               example = json!(detail_example())),
              (status = 403, body = Problem, content_type = "application/problem+json",
               example = json!(forbidden_role_example())),
              (status = 404, body = Problem, content_type = "application/problem+json",
               example = json!(not_found_example())),
              (status = 409, body = Problem, content_type = "application/problem+json",
               example = json!(level_decided_example())),
              (status = 412, body = VersionProblem, content_type = "application/problem+json",
               example = json!(stale_example())),
              (status = 422, body = Problem, content_type = "application/problem+json",
               example = json!(invalid_example("status", "An order that is \"Draft\" is not waiting for approval")))))]
async fn approve_order(
    ctx: Ctx,
    headers: HeaderMap,
    ApiPath(id): ApiPath<i64>,
    body: Option<ApiJson<Option<Decision>>>,
) -> Answer {
    let version = if_match(&ctx, &headers)?;
    let comment = body.and_then(|ApiJson(b)| b).map(|b| b.comment);
    let comment = bounded(&ctx, "comment", comment, MAX_COMMENT)?;
    if let Some(v) = version {
        check_version(&ctx, id, v).await?;
    }
    if let Err(e) = service::approvals::approve(&ctx, id, &comment, version).await {
        return Err(match version {
            Some(v) => version_conflict(&ctx, id, v, e).await,
            None => e.into(),
        });
    }
    current(&ctx, id).await
}

/// Rejects an order waiting for approval, saying why: it goes back to its author, and its
/// vehicle back to stock.
#[utoipa::path(post, path = "/orders/{id}/reject", tag = "orders",
    params(("id" = i64, Path, description = "order id"),
           ("If-Match" = Option<String>, Header, pattern = "^\"[0-9]+\"$", description = "optional: the version the decision is on, as its ETag: `\"3\"`")),
    request_body(content = Decision, example = json!({ "comment": "优惠超出授权，请重新报价" })),
    responses((status = 200, body = OrderDetail, headers(("ETag" = String, description = "the order's new version")),
               example = json!(detail_example())),
              (status = 403, body = Problem, content_type = "application/problem+json",
               example = json!(forbidden_role_example())),
              (status = 404, body = Problem, content_type = "application/problem+json",
               example = json!(not_found_example())),
              (status = 409, body = Problem, content_type = "application/problem+json",
               example = json!(level_decided_example())),
              (status = 412, body = VersionProblem, content_type = "application/problem+json",
               example = json!(stale_example())),
              (status = 422, body = Problem, content_type = "application/problem+json",
               example = json!(invalid_example("comment", "Say why the order is rejected")))))]
async fn reject_order(
    ctx: Ctx,
    headers: HeaderMap,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<Decision>,
) -> Answer {
    let version = if_match(&ctx, &headers)?;
    let comment = bounded(&ctx, "comment", Some(body.comment), MAX_COMMENT)?;
    if let Some(v) = version {
        check_version(&ctx, id, v).await?;
    }
    if let Err(e) = service::approvals::reject(&ctx, id, &comment, version).await {
        return Err(match version {
            Some(v) => version_conflict(&ctx, id, v, e).await,
            None => e.into(),
        });
    }
    current(&ctx, id).await
}

/// Text of at most `max` characters (the services say the same; this refuses a long one
/// before any look-up).
fn bounded(ctx: &Ctx, field: &str, text: Option<String>, max: usize) -> Result<String, AppError> {
    let text = text.unwrap_or_default();
    if text.len() > max * 4 || text.trim().chars().count() > max {
        return Err(AppError::invalid(
            field,
            ctx.tf("error.too_long", &[("max", &max.to_string())]),
        ));
    }
    Ok(text)
}

#[derive(Deserialize, ToSchema)]
struct Allocation {
    /// A vehicle in stock in a store the key may use, of the order's trim and colour.
    #[schema(example = 311)]
    vehicle_id: i64,
}

/// Holds a vehicle for an order that holds none: a draft (for three days, against its
/// deposit), or an order waiting for approval or approved. Of several orders reaching for
/// one vehicle at once, one gets it; the others are 409 naming its VIN.
#[utoipa::path(post, path = "/orders/{id}/allocate", tag = "orders",
    params(("id" = i64, Path, description = "order id")),
    request_body(content = Allocation, example = json!({ "vehicle_id": 311 })),
    responses((status = 200, body = OrderDetail, headers(("ETag" = String, description = "the order's new version")),
               example = json!(detail_example())),
              (status = 403, body = Problem, content_type = "application/problem+json",
               example = json!(forbidden_example())),
              (status = 404, body = Problem, content_type = "application/problem+json",
               example = json!(not_found_example())),
              (status = 409, body = Problem, content_type = "application/problem+json",
               example = json!(vehicle_taken_example())),
              (status = 422, body = Problem, content_type = "application/problem+json",
               example = json!(invalid_example("status", "An order that is \"Completed\" cannot hold a vehicle")))))]
async fn allocate_vehicle(
    ctx: Ctx,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<Allocation>,
) -> Answer {
    service::orders::allocate(&ctx, id, body.vehicle_id).await?;
    current(&ctx, id).await
}

/// Ships an approved order holding its vehicle: the vehicle is sold to the customer.
#[utoipa::path(post, path = "/orders/{id}/ship", tag = "orders",
    params(("id" = i64, Path, description = "order id")),
    responses((status = 200, body = OrderDetail, headers(("ETag" = String, description = "the order's new version")),
               example = json!(detail_example())),
              (status = 403, body = Problem, content_type = "application/problem+json",
               example = json!(forbidden_example())),
              (status = 404, body = Problem, content_type = "application/problem+json",
               example = json!(not_found_example())),
              (status = 409, body = Problem, content_type = "application/problem+json",
               example = json!(changed_example())),
              (status = 422, body = Problem, content_type = "application/problem+json",
               example = json!(bad_move_example("Draft", "Shipped")))))]
async fn ship_order(ctx: Ctx, ApiPath(id): ApiPath<i64>) -> Answer {
    service::orders::ship(&ctx, id).await?;
    current(&ctx, id).await
}

/// Completes a shipped order: its vehicle is delivered and the customer's open leads are
/// won.
#[utoipa::path(post, path = "/orders/{id}/complete", tag = "orders",
    params(("id" = i64, Path, description = "order id")),
    responses((status = 200, body = OrderDetail, headers(("ETag" = String, description = "the order's new version")),
               example = json!(detail_example())),
              (status = 403, body = Problem, content_type = "application/problem+json",
               example = json!(forbidden_example())),
              (status = 404, body = Problem, content_type = "application/problem+json",
               example = json!(not_found_example())),
              (status = 409, body = Problem, content_type = "application/problem+json",
               example = json!(changed_example())),
              (status = 422, body = Problem, content_type = "application/problem+json",
               example = json!(bad_move_example("Approved", "Completed")))))]
async fn complete_order(ctx: Ctx, ApiPath(id): ApiPath<i64>) -> Answer {
    service::orders::complete(&ctx, id).await?;
    current(&ctx, id).await
}

#[derive(Deserialize, ToSchema)]
struct Cancellation {
    /// Why (required), at most 500 characters.
    #[schema(max_length = 500, example = "客户改购其他车型")]
    reason: String,
}

/// Cancels an order that has not shipped, saying why; its vehicle goes back to stock.
/// Payments taken stay on the order, to be refunded (`POST /orders/{id}/payments` with a
/// negative amount).
#[utoipa::path(post, path = "/orders/{id}/cancel", tag = "orders",
    params(("id" = i64, Path, description = "order id")),
    request_body(content = Cancellation, example = json!({ "reason": "客户改购其他车型" })),
    responses((status = 200, body = OrderDetail, headers(("ETag" = String, description = "the order's new version")),
               example = json!(detail_example())),
              (status = 403, body = Problem, content_type = "application/problem+json",
               example = json!(forbidden_example())),
              (status = 404, body = Problem, content_type = "application/problem+json",
               example = json!(not_found_example())),
              (status = 409, body = Problem, content_type = "application/problem+json",
               example = json!(changed_example())),
              (status = 422, body = Problem, content_type = "application/problem+json",
               example = json!(bad_move_example("Shipped", "Cancelled")))))]
async fn cancel_order(
    ctx: Ctx,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<Cancellation>,
) -> Answer {
    let reason = bounded(&ctx, "reason", Some(body.reason), MAX_REASON)?;
    service::orders::cancel(&ctx, id, &reason).await?;
    current(&ctx, id).await
}

#[derive(Deserialize, ToSchema)]
struct NewPayment {
    /// Fen: positive for a payment, negative for a refund.
    #[schema(example = 1_000_000)]
    amount: i64,
    method: PaymentMethod,
    /// At most 200 characters.
    #[serde(default)]
    #[schema(max_length = 200, example = "尾款")]
    note: String,
}

/// A payment recorded, and the order with it.
#[derive(Serialize, ToSchema)]
struct PaymentRecorded {
    /// The payment's id.
    id: i64,
    order: OrderDetail,
}

/// Records a payment (a positive amount in fen) or a refund (a negative one). More paid
/// than the order costs, or more refunded than paid, is 422 on `amount`; a cancelled
/// order takes refunds only.
#[utoipa::path(post, path = "/orders/{id}/payments", tag = "orders",
    params(("id" = i64, Path, description = "order id")),
    request_body(content = NewPayment,
                 example = json!({ "amount": 1_000_000, "method": "transfer", "note": "尾款" })),
    responses((status = 201, body = PaymentRecorded,
               headers(("ETag" = String, description = "the order's new version")),
               example = json!({ "id": 89, "order": detail_example() })),
              (status = 403, body = Problem, content_type = "application/problem+json",
               example = json!(forbidden_example())),
              (status = 404, body = Problem, content_type = "application/problem+json",
               example = json!(not_found_example())),
              (status = 409, body = Problem, content_type = "application/problem+json",
               example = json!(changed_example())),
              (status = 422, body = Problem, content_type = "application/problem+json",
               example = json!(invalid_example("amount", "A cancelled order takes refunds only")))))]
async fn add_payment(
    ctx: Ctx,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<NewPayment>,
) -> Answer {
    let payment =
        service::orders::add_payment(&ctx, id, body.amount, body.method, &body.note).await?;
    let order = service::orders::get(&ctx, id).await?;
    let mut res = (
        StatusCode::CREATED,
        Json(PaymentRecorded {
            id: payment,
            order: order.clone(),
        }),
    )
        .into_response();
    res.headers_mut()
        .insert(header::ETAG, etag(order.order.version));
    Ok(res)
}

/// Whether to only check the file.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct ImportQuery {
    /// `true`: check every row and write nothing (as the form field `dry_run`).
    #[serde(default)]
    dry_run: Option<bool>,
}

/// The upload: a filled-in import template.
#[derive(ToSchema)]
#[allow(dead_code)] // documents the form; the handler reads it field by field
struct ImportUpload {
    /// The template filled in: .xlsx (its first sheet), or .csv in UTF-8 or GBK; headers
    /// Chinese (客户手机, 付款方式…) or English (`customer_mobile`, `payment_type`…), in any
    /// order. At most 10 MiB and 10,000 orders.
    #[schema(value_type = String, format = Binary, content_media_type = "application/octet-stream")]
    file: Vec<u8>,
    /// `true`: only check (试运行).
    dry_run: Option<bool>,
}

/// Imports orders from a filled-in template (批量导入, `GET /orders/import-template.xlsx`
/// outside the API gives it): every row checked as an order entered on the tablet is,
/// all rows or none. A customer is found by mobile among the key's customers, or created
/// with the order when `customer_name` is given; a car by model, trim and colour names or
/// by the VIN of a free vehicle in stock (held for the order: 已预留). A submitted row
/// (`submit` = 是) waits for the approval levels the store's rules ask, or is approved at
/// once when they ask none. With `dry_run` nothing is written and the report says what
/// would be. A refusal names every problem as `rows.N.column` (N the sheet's row).
#[utoipa::path(post, path = "/orders/import", tag = "orders", params(ImportQuery),
    request_body(content = ImportUpload, content_type = "multipart/form-data",
                 description = "`file` (the filled-in template) and optionally `dry_run`"),
    responses((status = 200, body = ImportReport, example = json!(import_report_example())),
              (status = 403, body = Problem, content_type = "application/problem+json",
               example = json!(forbidden_role_example())),
              (status = 409, body = Problem, content_type = "application/problem+json",
               example = json!(vehicle_taken_example())),
              (status = 413, body = Problem, content_type = "application/problem+json",
               example = json!(problem_example(413, "too_large", "Payload Too Large",
                   "the request body is larger than 12288 KiB"))),
              (status = 422, body = Problem, content_type = "application/problem+json",
               example = json!(import_refused_example()))))]
async fn import_orders(
    ctx: Ctx,
    ApiQuery(q): ApiQuery<ImportQuery>,
    form: Result<Multipart, MultipartRejection>,
) -> Answer {
    let form = form.map_err(|e| AppError::invalid("file", e.body_text()))?;
    let upload = super::files::read_upload(&ctx, form).await?;
    let dry_run = upload.dry_run || q.dry_run == Some(true);
    let report = service::import::import_file(&ctx, upload.bytes, dry_run).await?;
    Ok(Json(report).into_response())
}

// ---------------------------------------------------------------------------------------
// Examples for the OpenAPI document

fn new_order_example() -> Value {
    json!({
        "customer_id": "42",
        "trim_id": "7",
        "color_id": "11",
        "list_price": "199800",
        "discount": "6000",
        "extras": [{ "kind": "accessory", "description": "全车脚垫", "price": "1280" }],
        "deposit": "5000",
        "deposit_method": "wechat",
        "payment_type": "loan",
        "expected_delivery": "2026-12-20",
        "notes": "客户希望周末提车",
        "submit": true
    })
}

fn change_example() -> Value {
    json!({
        "customer_id": "42",
        "trim_id": "7",
        "color_id": "11",
        "list_price": "199800",
        "discount_percent": "4.5",
        "extras": [{ "kind": "accessory", "description": "全车脚垫", "price": "1280" }],
        "payment_type": "loan",
        "expected_delivery": "2026-12-27"
    })
}

fn order_example() -> OrderRow {
    use super::domain::{OrderStatus, PaymentType};
    use crate::domain::Money;
    OrderRow {
        id: 1207,
        number: "SH01-20261127-0007".into(),
        store_id: 1,
        store_name: "上海浦东店".into(),
        customer_id: 42,
        customer_name: "钱多多".into(),
        salesperson_id: Some(5),
        salesperson_name: Some("张伟".into()),
        created_by: None,
        status: OrderStatus::PendingApproval,
        model_id: 3,
        model_name: "秦PLUS DM-i".into(),
        trim_id: 7,
        trim_name: "领先型".into(),
        color_id: 11,
        color_name: "雪域白".into(),
        vehicle_id: None,
        vin: None,
        hold_until: None,
        list_price: Money::from_fen(19_980_000),
        discount: Money::from_fen(600_000),
        discount_bp: 300,
        discount_kind: "amount".into(),
        extras_total: Money::from_fen(128_000),
        total: Money::from_fen(19_508_000),
        paid: Money::from_fen(500_000),
        payment_type: PaymentType::Loan,
        expected_delivery: Some("2026-12-20".into()),
        notes: "客户希望周末提车".into(),
        cancel_reason: String::new(),
        approval_round: 1,
        created_at: 1_795_744_800_000,
        updated_at: 1_795_744_800_000,
        updated_by: "dms-sync".into(),
        version: 2,
    }
}

fn detail_example() -> Value {
    use super::domain::ExtraKind;
    use crate::domain::{Money, Role};
    let level = Level {
        level: 1,
        role: Role::SalesManager,
    };
    let d = OrderDetail {
        order: order_example(),
        extras: vec![ExtraRow {
            position: 0,
            kind: ExtraKind::Accessory,
            description: "全车脚垫".into(),
            price: Money::from_fen(128_000),
        }],
        payments: vec![PaymentRow {
            id: 88,
            amount: 500_000,
            method: PaymentMethod::Wechat,
            paid_at: 1_795_744_800_000,
            note: "定金".into(),
            created_by: "dms-sync".into(),
        }],
        approvals: Vec::<ApprovalRow>::new(),
        required_levels: vec![level],
        next_level: Some(level),
    };
    serde_json::to_value(d).unwrap_or_default()
}

fn page_example() -> Value {
    let o = order_example();
    let item = OrderItem {
        id: o.id,
        number: o.number,
        status: o.status,
        store_id: o.store_id,
        store_name: o.store_name,
        customer_id: o.customer_id,
        customer_name: o.customer_name,
        salesperson_id: o.salesperson_id,
        salesperson_name: o.salesperson_name,
        model_id: o.model_id,
        model_name: o.model_name,
        vin: o.vin,
        total: o.total,
        paid: o.paid,
        created_at: o.created_at,
        updated_at: o.updated_at,
    };
    serde_json::to_value(OrderPage {
        rows: vec![item],
        total: 1,
        more: false,
    })
    .unwrap_or_default()
}

fn import_report_example() -> Value {
    serde_json::to_value(ImportReport {
        rows: 120,
        dry_run: true,
        drafts: 20,
        pending_approval: 90,
        approved: 10,
        new_customers: 15,
        vehicles_held: 40,
    })
    .unwrap_or_default()
}

fn import_refused_example() -> Value {
    let mut v = problem_example(
        422,
        "invalid",
        "Unprocessable Entity",
        "3 problems to fix; no order was imported",
    );
    v["errors"] = json!([
        { "field": "rows.4.vin", "message": "Vehicle LGXC1DM30S0000012 is held by another order or not in stock" },
        { "field": "rows.7.customer_mobile", "message": "No customer has this mobile; give the customer's name to create one with the order" },
        { "field": "rows.9.discount_percent", "message": "Give the discount as an amount or a percent, not both" }
    ]);
    v
}

fn bad_move_example(from: &str, to: &str) -> Value {
    invalid_example(
        "status",
        &format!("An order cannot go from \"{from}\" to \"{to}\""),
    )
}

fn forbidden_example() -> Value {
    problem_example(
        403,
        "forbidden",
        "Forbidden",
        "You may not see or change this order",
    )
}

fn forbidden_role_example() -> Value {
    problem_example(
        403,
        "forbidden",
        "Forbidden",
        "Your role (Inventory clerk) may not do this",
    )
}

fn not_found_example() -> Value {
    problem_example(404, "not_found", "Not Found", "No such order")
}

fn changed_example() -> Value {
    problem_example(
        409,
        "conflict",
        "Conflict",
        "This order was changed by 张伟 at 2026-11-27 10:00 (now version 3); reload and try again",
    )
}

fn vehicle_taken_example() -> Value {
    problem_example(
        409,
        "conflict",
        "Conflict",
        "Vehicle LGXC1DM30S0000012 is held by another order or not in stock",
    )
}

fn level_decided_example() -> Value {
    problem_example(
        409,
        "conflict",
        "Conflict",
        "Someone else just decided this level; reload to see it",
    )
}

fn stale_example() -> Value {
    let mut v = problem_example(
        412,
        "precondition_failed",
        "Precondition Failed",
        "This order was changed by 张伟 at 2026-11-27 10:00 (now version 3); reload and try again",
    );
    v["current_version"] = json!(3);
    v
}

fn if_match_required_example() -> Value {
    problem_example(
        428,
        "precondition_required",
        "Precondition Required",
        "Send If-Match with the order's version, as its ETag gives it (\"3\")",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_body_hashes_the_same_however_it_is_written() {
        let hash = |text: &str| {
            let v: Value = serde_json::from_str(text).unwrap();
            hex::encode(Sha256::digest(serde_json::to_vec(&canonical(v)).unwrap()))
        };
        let a = hash(r#"{"b": 1, "a": {"y": [1, {"q": 2, "p": 3}], "x": "z"}}"#);
        let b = hash(r#"{"a":{"x":"z","y":[1,{"p":3,"q":2}]},"b":1}"#);
        assert_eq!(a, b);
        assert_ne!(a, hash(r#"{"a":{"x":"z","y":[{"p":3,"q":2},1]},"b":1}"#));
        assert_eq!(a.len(), 64);
    }

    #[test]
    fn the_examples_are_what_the_api_sends() {
        let d: OrderDetail = serde_json::from_value(detail_example()).unwrap();
        assert_eq!(d.order.total.fen(), 19_980_000 - 600_000 + 128_000);
        let _: OrderPage = serde_json::from_value(page_example()).unwrap();
        let new: NewOrder = serde_json::from_value(new_order_example()).unwrap();
        assert!(new.submit);
        assert!(new.order.check(crate::i18n::Lang::En).is_ok());
        let _: OrderInput = serde_json::from_value(change_example()).unwrap();
        let r: ImportReport = serde_json::from_value(import_report_example()).unwrap();
        assert_eq!(r.rows, r.drafts + r.pending_approval + r.approved);
    }
}
