//! Follow-up tasks: planned, listed by 今日 / 逾期 / 本周, completed with an outcome.

use super::{check_access, follow_ups_changed as changed, scope};
use crate::{
    audit::AuditEntry,
    auth::Action,
    crm::domain::follow_up::{check_outcome, DueView, FollowUpInput, FollowUpRow},
    ctx::Ctx,
    db::{sql, Where},
    error::AppError,
};

const ROW: &str =
    "SELECT f.id, f.customer_id, c.name AS customer_name, f.owner_id, u.display_name AS owner_name,
        f.due_at, f.channel, f.goal, f.outcome, f.done_at
     FROM follow_ups f JOIN customers c ON c.id = f.customer_id JOIN users u ON u.id = f.owner_id";

/// Plans a follow-up with a customer the caller may open. It belongs to the customer's
/// owner, or to the caller when the customer has none.
#[tracing::instrument(name = "crm.plan_follow_up", skip_all)]
pub async fn create(ctx: &Ctx, input: &FollowUpInput) -> Result<i64, AppError> {
    let p = ctx.require(Action::EditCustomers)?;
    let f = input.check(ctx.lang())?;
    let customer = super::customers::get(ctx, f.customer_id)
        .await
        .map_err(|e| match e {
            AppError::NotFound(m) => AppError::invalid("customer_id", m),
            other => other,
        })?;
    let Some(owner) = customer.owner_id.or(p.user_id) else {
        return Err(AppError::invalid(
            "customer_id",
            ctx.t("follow_up.no_owner"),
        ));
    };
    let now = ctx.now_ms();
    let mut tx = ctx.db().begin().await?;
    let id: i64 = sql(
        "INSERT INTO follow_ups (customer_id, store_id, owner_id, due_at, channel, goal, created_at, created_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(f.customer_id)
    .bind(customer.store_id)
    .bind(owner)
    .bind(f.due_at)
    .bind(f.channel.code())
    .bind(&f.goal)
    .bind(now)
    .bind(p.audit_label())
    .scalar(&mut tx)
    .await?;
    ctx.audit(
        &mut tx,
        AuditEntry::new("follow_up.plan", "follow_up", id)
            .store(Some(customer.store_id))
            .after(&serde_json::json!({ "customer": f.customer_id, "due_at": f.due_at, "channel": f.channel.code() })),
    )
    .await?;
    let event = changed(customer.store_id, [owner]);
    ctx.events().stage(&mut tx, &event).await?;
    tx.commit().await?;
    ctx.events().committed(event);
    Ok(id)
}

/// Marks a follow-up done with what came of it; the customer's lead counts it as a
/// contact.
#[tracing::instrument(name = "crm.complete_follow_up", skip_all, fields(follow_up = id))]
pub async fn complete(ctx: &Ctx, id: i64, outcome: &str) -> Result<(), AppError> {
    let p = ctx.require(Action::EditCustomers)?;
    let row: Option<(i64, i64, i64, Option<i64>)> =
        sql("SELECT f.customer_id, f.store_id, f.owner_id, f.done_at
         FROM follow_ups f JOIN customers c ON c.id = f.customer_id WHERE f.id = $1")
        .bind(id)
        .fetch_optional(ctx.db())
        .await?;
    let Some((customer_id, store_id, owner_id, done_at)) = row else {
        return Err(AppError::NotFound(ctx.t("follow_up.not_found").into()));
    };
    check_access(ctx, p, store_id, Some(owner_id))?;
    let outcome = check_outcome(outcome, ctx.lang())?;
    if done_at.is_some() {
        return Err(AppError::Conflict(ctx.t("follow_up.already_done").into()));
    }
    let now = ctx.now_ms();
    let mut tx = ctx.db().begin().await?;
    let updated =
        sql("UPDATE follow_ups SET done_at = $1, outcome = $2 WHERE id = $3 AND done_at IS NULL")
            .bind(now)
            .bind(&outcome)
            .bind(id)
            .execute(&mut tx)
            .await?;
    if updated == 0 {
        return Err(AppError::Conflict(ctx.t("follow_up.already_done").into()));
    }
    sql("UPDATE leads SET last_contact_at = $1 WHERE customer_id = $2 AND stage NOT IN ('won', 'lost')")
        .bind(now)
        .bind(customer_id)
        .execute(&mut tx)
        .await?;
    ctx.audit(
        &mut tx,
        AuditEntry::new("follow_up.complete", "follow_up", id)
            .store(Some(store_id))
            .after(&serde_json::json!({ "outcome": outcome })),
    )
    .await?;
    let event = changed(store_id, [owner_id]);
    ctx.events().stage(&mut tx, &event).await?;
    tx.commit().await?;
    ctx.events().committed(event);
    Ok(())
}

/// Open follow-ups in a view: the caller's own, or (`team`) every one the caller may
/// see — a manager's store, a group role's every store or the one `store` names. Soonest
/// first, at most 500.
#[tracing::instrument(name = "crm.follow_ups", skip_all)]
pub async fn list(
    ctx: &Ctx,
    view: DueView,
    team: bool,
    store: Option<i64>,
) -> Result<Vec<FollowUpRow>, AppError> {
    let p = ctx.require(Action::ViewCustomers)?;
    let (from, to) = view.range(ctx.now_ms());
    let mut w = Where::new();
    w.and_sql("f.done_at IS NULL");
    w.and("f.due_at >= ?", from).and("f.due_at < ?", to);
    if team && p.role != crate::domain::Role::Sales {
        scope(&mut w, p, "f");
        if let Some(store) = store.filter(|_| p.role.is_group_wide()) {
            w.and("f.store_id = ?", store);
        }
    } else {
        w.and("f.owner_id = ?", p.user_id.unwrap_or(-1));
    }
    Ok(w.build(ROW, "ORDER BY f.due_at, f.id LIMIT 500")
        .fetch_all(ctx.db())
        .await?)
}

/// A customer's follow-ups, done and open, newest due first.
pub async fn for_customer(ctx: &Ctx, customer_id: i64) -> Result<Vec<FollowUpRow>, AppError> {
    super::customers::get(ctx, customer_id).await?;
    Ok(sql(format!(
        "{ROW} WHERE f.customer_id = $1 ORDER BY f.done_at IS NULL DESC, f.due_at DESC LIMIT 200"
    ))
    .bind(customer_id)
    .fetch_all(ctx.db())
    .await?)
}

/// The caller's open follow-ups due today or before: the badge in the navigation.
pub async fn due_count(ctx: &Ctx) -> Result<i64, AppError> {
    let p = ctx.require(Action::ViewCustomers)?;
    let (_, end_of_today) = DueView::Today.range(ctx.now_ms());
    Ok(sql(
        "SELECT COUNT(*) FROM follow_ups WHERE owner_id = $1 AND done_at IS NULL AND due_at < $2",
    )
    .bind(p.user_id.unwrap_or(-1))
    .bind(end_of_today)
    .scalar(ctx.db())
    .await?)
}

/// The caller's open follow-ups coming due from a minute ago to 12 hours ahead (at most
/// 50): what the open app announces as each comes due.
pub async fn upcoming(ctx: &Ctx) -> Result<Vec<FollowUpRow>, AppError> {
    let p = ctx.require(Action::ViewCustomers)?;
    let now = ctx.now_ms();
    Ok(sql(format!(
        "{ROW} WHERE f.owner_id = $1 AND f.done_at IS NULL AND f.due_at >= $2 AND f.due_at < $3
         ORDER BY f.due_at, f.id LIMIT 50"
    ))
    .bind(p.user_id.unwrap_or(-1))
    .bind(now - UPCOMING_PAST_MS)
    .bind(now + UPCOMING_AHEAD_MS)
    .fetch_all(ctx.db())
    .await?)
}

/// How far back and ahead [`upcoming`] looks.
pub const UPCOMING_PAST_MS: i64 = 60_000;
pub const UPCOMING_AHEAD_MS: i64 = 12 * 3_600_000;

/// Plans every task of a template for a customer in one step (one audit entry).
#[tracing::instrument(name = "crm.plan_template", skip_all)]
pub async fn apply_template(
    ctx: &Ctx,
    customer_id: i64,
    template: crate::crm::domain::follow_up::PlanTemplate,
) -> Result<Vec<i64>, AppError> {
    let p = ctx.require(Action::EditCustomers)?;
    let customer = super::customers::get(ctx, customer_id).await?;
    let Some(owner) = customer.owner_id.or(p.user_id) else {
        return Err(AppError::invalid(
            "customer_id",
            ctx.t("follow_up.no_owner"),
        ));
    };
    let now = ctx.now_ms();
    let mut tx = ctx.db().begin().await?;
    let mut ids = Vec::new();
    for (due_at, channel, goal) in template.due_times(now) {
        let id: i64 = sql(
            "INSERT INTO follow_ups (customer_id, store_id, owner_id, due_at, channel, goal, created_at, created_by)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(customer_id)
        .bind(customer.store_id)
        .bind(owner)
        .bind(due_at)
        .bind(channel.code())
        .bind(ctx.t(goal))
        .bind(now)
        .bind(p.audit_label())
        .scalar(&mut tx)
        .await?;
        ids.push(id);
    }
    ctx.audit(
        &mut tx,
        AuditEntry::new("follow_up.plan_template", "customer", customer_id)
            .store(Some(customer.store_id))
            .after(&serde_json::json!({ "template": template.code(), "follow_ups": ids })),
    )
    .await?;
    let event = changed(customer.store_id, [owner]);
    ctx.events().stage(&mut tx, &event).await?;
    tx.commit().await?;
    ctx.events().committed(event);
    Ok(ids)
}
