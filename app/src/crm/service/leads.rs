//! Leads and their stages.

use super::{check_access, scope};
use crate::{
    audit::AuditEntry,
    auth::Action,
    crm::domain::lead::{LeadRow, LeadStage, StageMove},
    ctx::Ctx,
    db::{sql, Where},
    error::AppError,
};

const ROW: &str = "SELECT l.id, l.customer_id, c.name AS customer_name, l.store_id, l.owner_id,
        u.display_name AS owner_name, l.stage, l.model_id, l.lost_reason, l.lost_note, l.last_contact_at,
        l.created_at, l.updated_at, l.version
     FROM leads l JOIN customers c ON c.id = l.customer_id LEFT JOIN users u ON u.id = l.owner_id";

/// The leads the caller may see, optionally one stage's or one customer's, newest change
/// first (at most 500).
#[tracing::instrument(name = "crm.leads", skip_all)]
pub async fn list(
    ctx: &Ctx,
    stage: Option<LeadStage>,
    customer_id: Option<i64>,
) -> Result<Vec<LeadRow>, AppError> {
    let p = ctx.require(Action::ViewCustomers)?;
    let mut w = Where::new();
    w.and_sql("c.merged_into IS NULL");
    scope(&mut w, p, "l");
    if let Some(s) = stage {
        w.and("l.stage = ?", s.code());
    }
    if let Some(c) = customer_id {
        w.and("l.customer_id = ?", c);
    }
    Ok(
        w.build(ROW, "ORDER BY l.updated_at DESC, l.id DESC LIMIT 500")
            .fetch_all(ctx.db())
            .await?,
    )
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
