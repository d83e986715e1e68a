//! A store's approval rules (审批规则): read by whoever works with its orders, set by the
//! administrator. A store without rules of its own uses the default ones.

use crate::{
    audit::AuditEntry,
    auth::Action,
    ctx::Ctx,
    db::{sql, Exec},
    domain::Role,
    error::{AppError, FieldError},
    orders::domain::approval::{default_rules, Condition, Rule},
};
use serde_json::json;

/// The most rules one store may have.
pub const MAX_RULES: usize = 50;

/// The rules orders of `store_id` are approved by: the store's own, or the default ones
/// when it has none.
pub(crate) async fn load<'e>(
    exec: impl Into<Exec<'e>>,
    store_id: i64,
) -> Result<Vec<Rule>, AppError> {
    let rows: Vec<(String, String, i64, String)> = sql(
        "SELECT condition_kind, condition_value, level, role FROM approval_rules
         WHERE store_id = $1 ORDER BY position",
    )
    .bind(store_id)
    .fetch_all(exec)
    .await?;
    if rows.is_empty() {
        return Ok(default_rules());
    }
    rows.into_iter()
        .map(|(kind, value, level, role)| {
            let condition = Condition::from_parts(&kind, &value);
            let level = u8::try_from(level).ok();
            match (condition, level, role.parse::<Role>().ok()) {
                (Some(c), Some(l), Some(r)) => Ok(Rule::new(c, l, r)),
                _ => Err(AppError::internal(format!(
                    "unreadable approval rule of store {store_id}: {kind} {value:?} {role}"
                ))),
            }
        })
        .collect()
}

/// The store must exist (404) and be one the caller may see (403).
async fn store_for(ctx: &Ctx, store_id: i64) -> Result<(), AppError> {
    let exists: Option<i64> = sql("SELECT id FROM stores WHERE id = $1")
        .bind(store_id)
        .scalar_optional(ctx.db())
        .await?;
    if exists.is_none() {
        return Err(AppError::NotFound(ctx.t("order.store_not_found").into()));
    }
    if !ctx.may_access(store_id) {
        return Err(AppError::Forbidden(ctx.t("order.forbidden").into()));
    }
    Ok(())
}

/// The approval rules of a store the caller may see.
#[tracing::instrument(name = "orders.rules", skip_all, fields(store = store_id))]
pub async fn get(ctx: &Ctx, store_id: i64) -> Result<Vec<Rule>, AppError> {
    ctx.require(Action::ViewOrders)?;
    store_for(ctx, store_id).await?;
    load(ctx.db(), store_id).await
}

/// Replaces a store's approval rules with `rules`, in their order, each checked (every
/// problem named on `rules.N.level`, `rules.N.role` or `rules.N.value`). An empty list
/// returns the store to the default rules. Orders already before the approvers keep the
/// levels they were given; the new rules apply from the next submission.
#[tracing::instrument(name = "orders.set_rules", skip_all, fields(store = store_id, rules = rules.len()))]
pub async fn set(ctx: &Ctx, store_id: i64, rules: Vec<Rule>) -> Result<(), AppError> {
    let p = ctx.require(Action::ManageApprovalRules)?;
    store_for(ctx, store_id).await?;
    if rules.len() > MAX_RULES {
        return Err(AppError::invalid(
            "rules",
            ctx.tf("order.rule.too_many", &[("max", &MAX_RULES.to_string())]),
        ));
    }
    let mut errors = Vec::new();
    for (n, rule) in rules.iter().enumerate() {
        for (field, key) in rule.problems() {
            errors.push(FieldError {
                field: format!("rules.{n}.{field}"),
                message: ctx.t(key).into(),
            });
        }
    }
    if !errors.is_empty() {
        return Err(AppError::invalid_fields(errors));
    }
    let now = ctx.now_ms();
    let mut tx = ctx.db().begin().await?;
    let before = load(&mut tx, store_id).await?;
    sql("DELETE FROM approval_rules WHERE store_id = $1")
        .bind(store_id)
        .execute(&mut tx)
        .await?;
    for (n, rule) in rules.iter().enumerate() {
        sql(
            "INSERT INTO approval_rules (store_id, position, condition_kind, condition_value, level, role,
                                         updated_at, updated_by)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(store_id)
        .bind(n as i64)
        .bind(rule.condition.code())
        .bind(rule.condition.value_text())
        .bind(i64::from(rule.level))
        .bind(rule.role.code())
        .bind(now)
        .bind(p.audit_label())
        .execute(&mut tx)
        .await?;
    }
    let after = if rules.is_empty() {
        default_rules()
    } else {
        rules
    };
    ctx.audit(
        &mut tx,
        AuditEntry::new("approval_rules.set", "store", store_id)
            .store(Some(store_id))
            .before(&json!({ "rules": before }))
            .after(&json!({ "rules": after })),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
