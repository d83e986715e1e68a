//! Satisfaction ratings (满意度): the link made when a service visit or an order is
//! completed ([`invite`], one per event), the customer's one answer through it (no
//! sign-in, rate-limited per address), the complaint draft a low score opens for the
//! store manager, and the scores per store, advisor and salesperson.

use super::complaints::{self, NewComplaint};
use crate::{
    aftersales::domain::{
        complaint::{Category, ComplaintSource, ComplaintStatus},
        rating::{
            draft_severity, is_low, RatingInput, RatingInvite, RatingKind, RatingRow,
            RatingSubject, RatingSummary, Score, VALID_MS,
        },
    },
    audit::AuditEntry,
    auth::Action,
    ctx::Ctx,
    db::{sql, DbResult, Tx, Where},
    error::AppError,
    ratelimit::{self, Rate},
};
use serde::{Deserialize, Serialize};
use serde_json::json;

/// How many recent answers the staff page lists.
pub const RECENT: i64 = 50;

/// The rating link's token for a completed appointment or order, made in the
/// transaction that completes it; the same token again for the same event (one answer
/// per event). The link expires 30 days after it is made.
pub async fn invite(tx: &mut Tx, subject: RatingSubject, now: i64) -> DbResult<String> {
    sql("INSERT INTO ratings (token, subject_kind, subject_id, store_id, staff_id, customer_id, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (subject_kind, subject_id) DO NOTHING")
    .bind(super::new_link_token())
    .bind(subject.kind.code())
    .bind(subject.id)
    .bind(subject.store_id)
    .bind(subject.staff_id)
    .bind(subject.customer_id)
    .bind(now)
    .bind(now + VALID_MS)
    .execute(&mut *tx)
    .await?;
    sql("SELECT token FROM ratings WHERE subject_kind = $1 AND subject_id = $2")
        .bind(subject.kind.code())
        .bind(subject.id)
        .scalar(&mut *tx)
        .await
}

/// A rating link as staff hand it over.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RatingLink {
    /// `/rate/<token>`.
    pub path: String,
    pub answered: bool,
    pub expires_at: i64,
}

/// The rating link of a completed order, for those who may open the order.
pub async fn order_link(ctx: &Ctx, order_id: i64) -> Result<Option<RatingLink>, AppError> {
    let p = ctx.require(Action::ViewOrders)?;
    let order: Option<(i64, Option<i64>, Option<i64>)> =
        sql("SELECT store_id, salesperson_id, created_by FROM orders WHERE id = $1")
            .bind(order_id)
            .fetch_optional(ctx.db())
            .await?;
    let Some((store, salesperson, created_by)) = order else {
        return Err(AppError::NotFound(ctx.t("order.not_found").into()));
    };
    crate::orders::service::check_access(ctx, p, store, salesperson, created_by)?;
    let row: Option<(String, Option<i64>, i64)> = sql(
        "SELECT token, answered_at, expires_at FROM ratings WHERE subject_kind = 'order' AND subject_id = $1",
    )
    .bind(order_id)
    .fetch_optional(ctx.db())
    .await?;
    Ok(row.map(|(token, answered_at, expires_at)| RatingLink {
        path: format!("/rate/{token}"),
        answered: answered_at.is_some(),
        expires_at,
    }))
}

/// What the rating page shows for a token (anyone holding the link).
pub async fn show(ctx: &Ctx, token: &str) -> Result<RatingInvite, AppError> {
    let missing = || AppError::NotFound(ctx.t("rating.not_found").into());
    let token = super::read_link_token(token).ok_or_else(missing)?;
    // (kind, store, booking code, order number, answered at, expires at)
    type Row = (
        String,
        String,
        Option<String>,
        Option<String>,
        Option<i64>,
        i64,
    );
    let row: Option<Row> = sql(
        "SELECT r.subject_kind, s.name, a.code, o.number, r.answered_at, r.expires_at
         FROM ratings r JOIN stores s ON s.id = r.store_id
         LEFT JOIN appointments a ON r.subject_kind = 'appointment' AND a.id = r.subject_id
         LEFT JOIN orders o ON r.subject_kind = 'order' AND o.id = r.subject_id
         WHERE r.token = $1",
    )
    .bind(token)
    .fetch_optional(ctx.db())
    .await?;
    let (kind, store_name, code, number, answered_at, expires_at) = row.ok_or_else(missing)?;
    Ok(RatingInvite {
        kind: RatingKind::parse(&kind).unwrap_or(RatingKind::Order),
        store_name,
        subject: code.or(number).unwrap_or_default(),
        answered: answered_at.is_some(),
        expired: ctx.now_ms() >= expires_at,
    })
}

/// The customer's answer through a rating link: once, before the link expires. A low
/// score (see [`is_low`]) opens a complaint draft for the store manager in the same
/// transaction. A robot's form (the honeypot filled) is answered as accepted and writes
/// nothing.
#[tracing::instrument(name = "ratings.answer", skip_all)]
pub async fn answer(ctx: &Ctx, token: &str, input: &RatingInput) -> Result<(), AppError> {
    let now = ctx.now_ms();
    ratelimit::limit(
        ctx,
        &format!("rate:addr:{}", ratelimit::address(ctx)),
        Rate::RATE_PER_ADDRESS,
        "complaint.public.too_many",
    )
    .await?;
    let missing = || AppError::NotFound(ctx.t("rating.not_found").into());
    let token = super::read_link_token(token).ok_or_else(missing)?;
    if !input.website.trim().is_empty() {
        tracing::info!("rating form with the honeypot filled: dropped");
        return Ok(());
    }
    let a = input.check(ctx.lang())?;
    let mut tx = ctx.db().begin().await?;
    type Row = (i64, String, i64, i64, Option<i64>, i64, Option<i64>);
    let row: Option<Row> = sql(
        "SELECT id, subject_kind, subject_id, store_id, customer_id, expires_at, answered_at
         FROM ratings WHERE token = $1",
    )
    .bind(token)
    .fetch_optional(&mut tx)
    .await?;
    let (id, kind, subject_id, store_id, customer_id, expires_at, answered_at) =
        row.ok_or_else(missing)?;
    if answered_at.is_some() {
        return Err(AppError::Conflict(ctx.t("rating.answered").into()));
    }
    if now >= expires_at {
        return Err(AppError::Conflict(ctx.t("rating.expired").into()));
    }
    let changed = sql(
        "UPDATE ratings SET answered_at = $1, stars = $2, nps = $3, comment = $4
         WHERE id = $5 AND answered_at IS NULL",
    )
    .bind(now)
    .bind(a.stars)
    .bind(a.nps)
    .bind(&a.comment)
    .bind(id)
    .execute(&mut tx)
    .await?;
    if changed == 0 {
        return Err(AppError::Conflict(ctx.t("rating.answered").into()));
    }
    let kind = RatingKind::parse(&kind).unwrap_or(RatingKind::Order);
    let mut draft = None;
    if is_low(a.stars, a.nps) {
        let (name, mobile): (String, String) = match customer_id {
            Some(c) => sql("SELECT name, mobile FROM customers WHERE id = $1")
                .bind(c)
                .fetch_optional(&mut tx)
                .await?
                .unwrap_or_default(),
            None => match kind {
                RatingKind::Appointment => {
                    sql("SELECT name, mobile FROM appointments WHERE id = $1")
                        .bind(subject_id)
                        .fetch_optional(&mut tx)
                        .await?
                        .unwrap_or_default()
                }
                RatingKind::Order => Default::default(),
            },
        };
        let stars = a.stars.to_string();
        let nps = a.nps.to_string();
        let score = ctx.tf("rating.low_score", &[("stars", &stars), ("nps", &nps)]);
        let description = if a.comment.is_empty() {
            score
        } else {
            format!("{score}\n{}", a.comment)
        };
        let (category, order_id, appointment_id) = match kind {
            RatingKind::Appointment => (Category::ServiceQuality, None, Some(subject_id)),
            RatingKind::Order => (Category::Sales, Some(subject_id), None),
        };
        let new = NewComplaint {
            store_id,
            status: ComplaintStatus::Draft,
            category,
            severity: draft_severity(a.stars, a.nps),
            source: ComplaintSource::Rating,
            description,
            customer_name: name,
            mobile,
            customer_id,
            order_id,
            vehicle_id: None,
            appointment_id,
            rating_id: Some(id),
            owner_id: None,
        };
        let (complaint, _) = complaints::insert(&mut tx, &new, complaints::SYSTEM, now).await?;
        sql("UPDATE ratings SET complaint_id = $1 WHERE id = $2")
            .bind(complaint)
            .bind(id)
            .execute(&mut tx)
            .await?;
        draft = Some(complaint);
    }
    ctx.audit(
        &mut tx,
        AuditEntry::new("rating.answer", "rating", id)
            .store(Some(store_id))
            .after(&json!({ "stars": a.stars, "nps": a.nps, "complaint": draft })),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Scores per store, advisor (service visits) and salesperson (orders), and the recent
/// answers, of the stores the caller may see (`store_id` narrows a group role's).
pub async fn summary(ctx: &Ctx, store_id: Option<i64>) -> Result<RatingSummary, AppError> {
    let p = ctx.require(Action::ViewComplaints)?;
    let scope = p.store_scope().or(store_id);
    let filter = |extra: &str| {
        let mut w = Where::new();
        w.and_sql("r.answered_at IS NOT NULL");
        if !extra.is_empty() {
            w.and_sql(extra);
        }
        if let Some(s) = scope {
            w.and("r.store_id = ?", s);
        }
        w
    };
    const FIGURES: &str = "CAST(COUNT(*) AS BIGINT), CAST(COALESCE(SUM(r.stars), 0) AS BIGINT),
        CAST(COALESCE(SUM(CASE WHEN r.nps >= 9 THEN 1 ELSE 0 END), 0) AS BIGINT),
        CAST(COALESCE(SUM(CASE WHEN r.nps <= 6 THEN 1 ELSE 0 END), 0) AS BIGINT)";
    type Counts = (i64, String, i64, i64, i64, i64);
    let scores = |rows: Vec<Counts>, group: &str| -> Vec<Score> {
        rows.into_iter()
            .map(|(id, name, n, stars, pro, det)| {
                Score::from_counts(id, name, group, n, stars, pro, det)
            })
            .collect()
    };
    let stores: Vec<Counts> = filter("")
        .build(
            &format!("SELECT r.store_id, s.name, {FIGURES} FROM ratings r JOIN stores s ON s.id = r.store_id"),
            "GROUP BY r.store_id, s.name ORDER BY r.store_id",
        )
        .fetch_all(ctx.db())
        .await?;
    let staff = |kind: &'static str| {
        filter(&format!("r.subject_kind = '{kind}'")).build(
            &format!("SELECT r.staff_id, u.display_name, {FIGURES} FROM ratings r JOIN users u ON u.id = r.staff_id"),
            "GROUP BY r.staff_id, u.display_name ORDER BY r.staff_id",
        )
    };
    let advisors: Vec<Counts> = staff("appointment").fetch_all(ctx.db()).await?;
    let salespeople: Vec<Counts> = staff("order").fetch_all(ctx.db()).await?;
    let recent: Vec<RatingRow> = filter("")
        .build(
            "SELECT r.id, r.subject_kind AS kind, r.subject_id, r.store_id, s.name AS store_name, r.staff_id,
                    u.display_name AS staff_name, r.stars, r.nps, r.comment, r.answered_at, r.complaint_id
             FROM ratings r JOIN stores s ON s.id = r.store_id LEFT JOIN users u ON u.id = r.staff_id",
            &format!("ORDER BY r.answered_at DESC, r.id DESC LIMIT {RECENT}"),
        )
        .fetch_all(ctx.db())
        .await?;
    Ok(RatingSummary {
        stores: scores(stores, "store"),
        advisors: scores(advisors, "advisor"),
        salespeople: scores(salespeople, "salesperson"),
        recent,
    })
}
