//! Leads and their stages.

use super::{check_access, scope};
use crate::{
    audit::AuditEntry,
    auth::Action,
    crm::domain::{
        follow_up::DueView,
        lead::{LeadFilter, LeadItem, LeadRow, LeadStage, NextFollowUp, StageMove},
    },
    ctx::Ctx,
    db::{sql, Where},
    error::AppError,
};

const ROW: &str = "SELECT l.id, l.customer_id, c.name AS customer_name, l.store_id, l.owner_id,
        u.display_name AS owner_name, l.stage, l.model_id, l.lost_reason, l.lost_note, l.last_contact_at,
        l.created_at, l.updated_at, l.version
     FROM leads l JOIN customers c ON c.id = l.customer_id LEFT JOIN users u ON u.id = l.owner_id";

/// A lead with its customer's source and next open follow-up (the list and its export).
const ITEM: &str = "SELECT l.id, l.customer_id, c.name AS customer_name, l.store_id, l.owner_id,
        u.display_name AS owner_name, l.stage, l.model_id, l.lost_reason, l.lost_note, l.last_contact_at,
        l.created_at, l.updated_at, l.version, l.source,
        (SELECT MIN(f.due_at) FROM follow_ups f WHERE f.customer_id = l.customer_id AND f.done_at IS NULL) AS next_due_at
     FROM leads l JOIN customers c ON c.id = l.customer_id LEFT JOIN users u ON u.id = l.owner_id";

/// The leads the caller may see, optionally one stage's or one customer's, newest change
/// first (at most 500): the board and a customer's page.
pub async fn list(
    ctx: &Ctx,
    stage: Option<LeadStage>,
    customer_id: Option<i64>,
) -> Result<Vec<LeadRow>, AppError> {
    let f = LeadFilter {
        stage,
        customer_id,
        ..Default::default()
    };
    Ok(search(ctx, &f, LeadFilter::MAX_LIST)
        .await?
        .into_iter()
        .map(|i| i.lead)
        .collect())
}

/// The leads the caller may see that pass the filter, newest change first, at most
/// `limit` (the list shows 500, an export up to 50,000).
#[tracing::instrument(name = "crm.leads", skip_all)]
pub async fn search(ctx: &Ctx, f: &LeadFilter, limit: i64) -> Result<Vec<LeadItem>, AppError> {
    let p = ctx.require(Action::ViewCustomers)?;
    if let Some((field, key)) = f.problem() {
        return Err(AppError::invalid(field, ctx.t(key)));
    }
    let mut w = Where::new();
    w.and_sql("c.merged_into IS NULL");
    scope(&mut w, p, "l");
    if let Some(s) = f.stage {
        w.and("l.stage = ?", s.code());
    }
    if let Some(c) = f.customer_id {
        w.and("l.customer_id = ?", c);
    }
    if let Some(o) = f.owner_id {
        w.and("l.owner_id = ?", o);
    }
    if let Some(s) = f.source {
        w.and("l.source = ?", s.code());
    }
    let now = ctx.now_ms();
    if let Some(days) = f.quiet_days {
        w.and(
            "(l.last_contact_at IS NULL OR l.last_contact_at < ?)",
            now - days * 86_400_000,
        );
    }
    const OPEN: &str =
        "SELECT 1 FROM follow_ups f WHERE f.customer_id = l.customer_id AND f.done_at IS NULL";
    match f.next {
        None => {}
        Some(NextFollowUp::Unplanned) => {
            w.and_sql(&format!("NOT EXISTS ({OPEN})"));
        }
        Some(next) => {
            let view = match next {
                NextFollowUp::Overdue => DueView::Overdue,
                NextFollowUp::Today => DueView::Today,
                _ => DueView::Week,
            };
            let (from, to) = view.range(now);
            // The customer's *next* task falls in the range: none is due before it.
            w.and(&format!("EXISTS ({OPEN} AND f.due_at < ?)"), to);
            if view != DueView::Overdue {
                w.and(&format!("NOT EXISTS ({OPEN} AND f.due_at < ?)"), from);
            }
        }
    }
    Ok(w.build(
        ITEM,
        &format!(
            "ORDER BY l.updated_at DESC, l.id DESC LIMIT {}",
            limit.clamp(1, LeadFilter::MAX_EXPORT)
        ),
    )
    .fetch_all(ctx.db())
    .await?)
}

/// The salespeople whose leads the caller may filter by: the caller alone for a
/// salesperson, the store's for its managers, everyone's for group roles.
pub async fn owners(ctx: &Ctx) -> Result<Vec<(i64, String)>, AppError> {
    let p = ctx.require(Action::ViewCustomers)?;
    let mut w = Where::new();
    w.and_sql("u.active AND u.role IN ('sales', 'sales_manager')");
    if !p.role.is_group_wide() {
        w.and("u.store_id = ?", p.store_id.unwrap_or(-1));
    }
    if p.role == crate::domain::Role::Sales {
        w.and("u.id = ?", p.user_id.unwrap_or(-1));
    }
    Ok(w.build(
        "SELECT u.id, u.display_name FROM users u",
        "ORDER BY u.display_name LIMIT 500",
    )
    .fetch_all(ctx.db())
    .await?)
}

/// Moves a lead along its stages; a loss records its reason and note. Moves outside the
/// graph are refused with the two stages named.
#[tracing::instrument(name = "crm.move_lead", skip_all, fields(lead = id))]
pub async fn move_stage(ctx: &Ctx, id: i64, m: &StageMove) -> Result<LeadStage, AppError> {
    let p = ctx.require(Action::EditCustomers)?;
    let lead: LeadRow = sql(format!("{ROW} WHERE l.id = $1"))
        .bind(id)
        .fetch_optional(ctx.db())
        .await?
        .ok_or_else(|| AppError::NotFound(ctx.t("lead.not_found").into()))?;
    check_access(ctx, p, lead.store_id, lead.owner_id)?;
    if m.version.is_some_and(|v| v != lead.version) {
        return Err(AppError::Conflict(ctx.t("lead.changed_meanwhile").into()));
    }
    let checked = m.check(lead.stage, ctx.lang())?;
    let (reason, note) = checked
        .lost
        .as_ref()
        .map(|(r, n)| (r.code(), n.as_str()))
        .unwrap_or(("", ""));
    let now = ctx.now_ms();
    let mut tx = ctx.db().begin().await?;
    let changed = sql(
        "UPDATE leads SET stage = $1, lost_reason = $2, lost_note = $3, updated_at = $4,
            last_contact_at = $4, version = version + 1
         WHERE id = $5 AND stage = $6 AND version = $7",
    )
    .bind(checked.to.code())
    .bind(reason)
    .bind(note)
    .bind(now)
    .bind(id)
    .bind(lead.stage.code())
    .bind(lead.version)
    .execute(&mut tx)
    .await?;
    if changed == 0 {
        return Err(AppError::Conflict(ctx.t("lead.changed_meanwhile").into()));
    }
    sql("UPDATE customers SET updated_at = $1 WHERE id = $2")
        .bind(now)
        .bind(lead.customer_id)
        .execute(&mut tx)
        .await?;
    ctx.audit(
        &mut tx,
        AuditEntry::new("lead.stage", "lead", id)
            .store(Some(lead.store_id))
            .before(&serde_json::json!({ "stage": lead.stage.code() }))
            .after(&serde_json::json!({ "stage": checked.to.code(), "lost_reason": reason, "lost_note": note })),
    )
    .await?;
    tx.commit().await?;
    Ok(checked.to)
}
