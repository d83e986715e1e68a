//! Approval decisions (订单审核): the next undecided level of an order's current round is
//! decided by someone of its role (a general manager may stand in for a sales manager),
//! never by the order's own author or salesperson. Approving the last level approves the
//! order; a rejection (with its reason) sends it back to its author and frees its
//! vehicle.

use super::{
    check_access, order_event,
    orders::{
        approved_levels, changed_by, decode_levels, free_vehicle, levels_of, load, stale, Who,
    },
    rules, scope,
};
use crate::{
    audit::AuditEntry,
    auth::Action,
    ctx::Ctx,
    db::{sql, Where},
    error::{AppError, OrTaken},
    inventory::domain::vehicle::StockChange,
    orders::domain::{
        approval::{self, Facts, Rule},
        order::{ApprovalTask, OrderItem},
        status::{OrderStatus, PaymentType, Transition},
    },
};
use serde_json::json;
use std::collections::HashMap;

/// The most orders one approval queue shows.
pub const MAX_QUEUE: i64 = 500;

/// An order waiting for approval, with what deciding its next level needs.
#[derive(sqlx::FromRow)]
struct Pending {
    #[sqlx(flatten)]
    item: OrderItem,
    approval_levels: String,
    created_by: Option<i64>,
    discount_bp: i64,
    #[sqlx(try_from = "String")]
    payment_type: PaymentType,
    version: i64,
}

/// The longest decision comment.
pub const MAX_COMMENT: usize = 500;

/// Approves the next level of an order waiting for approval; `comment` is optional. When
/// `version` is given it must be the order's (the approver decides on what they saw). The
/// order's status afterwards: approved once every level is.
#[tracing::instrument(name = "orders.approve", skip_all, fields(order = id))]
pub async fn approve(
    ctx: &Ctx,
    id: i64,
    comment: &str,
    version: Option<i64>,
) -> Result<OrderStatus, AppError> {
    decide(ctx, id, true, comment, version).await
}

/// Rejects an order waiting for approval, with the reason (`comment`, required): it goes
/// back to its author and its vehicle back to stock.
#[tracing::instrument(name = "orders.reject", skip_all, fields(order = id))]
pub async fn reject(
    ctx: &Ctx,
    id: i64,
    comment: &str,
    version: Option<i64>,
) -> Result<(), AppError> {
    decide(ctx, id, false, comment, version).await.map(drop)
}

async fn decide(
    ctx: &Ctx,
    id: i64,
    approve: bool,
    comment: &str,
    version: Option<i64>,
) -> Result<OrderStatus, AppError> {
    use OrderStatus::*;
    let p = ctx.require(Action::ApproveOrders)?;
    let o = load(ctx.db(), id)
        .await?
        .ok_or_else(|| AppError::NotFound(ctx.t("order.not_found").into()))?;
    check_access(ctx, p, o.store_id, o.salesperson_id, o.created_by)?;
    let comment = comment.trim();
    if !approve && comment.is_empty() {
        return Err(AppError::invalid(
            "comment",
            ctx.t("order.reject_reason_required"),
        ));
    }
    if comment.len() > MAX_COMMENT * 4 || comment.chars().count() > MAX_COMMENT {
        return Err(AppError::invalid(
            "comment",
            ctx.tf("error.too_long", &[("max", &MAX_COMMENT.to_string())]),
        ));
    }
    // What the approver saw first: a decision on an order that moved on meanwhile is a
    // conflict, whatever it moved to.
    if version.is_some_and(|v| v != o.version) {
        return Err(changed_by(ctx, &o.updated_by, o.updated_at, o.version));
    }
    if o.status != PendingApproval {
        return Err(AppError::invalid(
            "status",
            ctx.tf(
                "order.not_pending",
                &[("status", ctx.t(o.status.label_key()))],
            ),
        ));
    }
    let required = levels_of(ctx.db(), id).await?;
    let decided = approved_levels(ctx.db(), id, o.approval_round).await?;
    let Some(level) = approval::next_level(&required, &decided) else {
        return Err(changed_by(ctx, &o.updated_by, o.updated_at, o.version));
    };
    approval::may_decide(
        p.role,
        p.user_id.unwrap_or(-1),
        level.role,
        o.created_by.unwrap_or(0),
        o.salesperson_id,
    )
    .map_err(|r| r.to_app_error(ctx.lang()))?;
    let last =
        approval::next_level(&required, &[decided.as_slice(), &[level.level]].concat()).is_none();
    let to = match (approve, last) {
        (true, true) => Transition::check(PendingApproval, Approved, ctx.lang())?.to,
        (true, false) => PendingApproval,
        (false, _) => Transition::check(PendingApproval, Rejected, ctx.lang())?.to,
    };
    let now = ctx.now_ms();
    let mut tx = ctx.db().begin().await?;
    // The decision first: of two approvers deciding this level at once, the second finds
    // it taken (the unique key of round and level).
    sql(
        "INSERT INTO order_approvals (order_id, round, level, role, decision, decided_by,
                                      decided_by_name, comment, carried, decided_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, FALSE, $9)",
    )
    .bind(id)
    .bind(o.approval_round)
    .bind(i64::from(level.level))
    .bind(level.role.code())
    .bind(if approve { "approved" } else { "rejected" })
    .bind(p.user_id)
    .bind(&p.display_name)
    .bind(comment)
    .bind(now)
    .execute(&mut tx)
    .await
    .map_err(|e| e.or_taken(|| AppError::Conflict(ctx.t("order.level_decided").into())))?;
    // A rejection frees the vehicle (a rejected order holds none).
    let changed = sql(
        "UPDATE orders SET status = $1, updated_at = $2, updated_by = $3, version = version + 1,
                vehicle_id = CASE WHEN $1 = 'rejected' THEN NULL ELSE vehicle_id END,
                hold_until = CASE WHEN $1 = 'rejected' THEN NULL ELSE hold_until END
         WHERE id = $4 AND status = 'pending_approval' AND version = $5 AND approval_round = $6",
    )
    .bind(to.code())
    .bind(now)
    .bind(&p.display_name)
    .bind(id)
    .bind(o.version)
    .bind(o.approval_round)
    .execute(&mut tx)
    .await?;
    if changed == 0 {
        return Err(stale(ctx, &mut tx, id).await);
    }
    let mut stock = StockChange::default();
    if to == Rejected {
        if let Some(vid) = o.vehicle_id {
            let who = Who::Caller(ctx);
            if let Some(car) = free_vehicle(&who, &mut tx, vid, &o.number, now, ctx.today()).await?
            {
                stock.add(car.store_id, car.warehouse_id);
            }
        }
    }
    ctx.audit(
        &mut tx,
        AuditEntry::new(
            if approve {
                "order.approve"
            } else {
                "order.reject"
            },
            "order",
            id,
        )
        .store(Some(o.store_id))
        .after(&json!({
            "round": o.approval_round,
            "level": level.level,
            "role": level.role.code(),
            "comment": comment,
        })),
    )
    .await?;
    if to != o.status {
        ctx.audit(
            &mut tx,
            AuditEntry::new("order.status", "order", id)
                .store(Some(o.store_id))
                .before(&json!({ "status": o.status.code(), "vehicle": o.vin }))
                .after(&json!({
                    "status": to.code(),
                    "vehicle": if to == Rejected { None } else { o.vin.as_deref() },
                    "reason": if approve { "" } else { comment },
                })),
        )
        .await?;
    }
    let event = order_event(
        &mut tx,
        o.store_id,
        id,
        &o.number,
        to,
        &[o.salesperson_id, o.created_by],
    )
    .await?;
    let events = [event, stock.event()];
    ctx.events().stage_all(&mut tx, &events).await?;
    tx.commit().await?;
    for e in events {
        ctx.events().committed(e);
    }
    Ok(to)
}

/// The orders waiting for a decision the caller may take (待我审批): in the stores they
/// may see, whose next level is theirs to decide (a general manager also stands in for a
/// sales manager), never their own; the longest waiting first.
#[tracing::instrument(name = "orders.approval_queue", skip_all)]
pub async fn queue(ctx: &Ctx) -> Result<Vec<ApprovalTask>, AppError> {
    let p = ctx.require(Action::ApproveOrders)?;
    let mut w = Where::new();
    w.and_sql("o.status = 'pending_approval'");
    scope(&mut w, p, "o");
    let pending: Vec<Pending> = w
        .build(
            "SELECT o.id, o.number, o.status, o.store_id, s.name AS store_name, o.customer_id,
                    c.name AS customer_name, o.salesperson_id, u.display_name AS salesperson_name,
                    o.model_id, m.name AS model_name, v.vin, o.total, o.paid, o.created_at, o.updated_at,
                    o.approval_levels, o.created_by, o.discount_bp, o.payment_type,
                    o.version
             FROM orders o JOIN customers c ON c.id = o.customer_id JOIN stores s ON s.id = o.store_id
             JOIN models m ON m.id = o.model_id LEFT JOIN users u ON u.id = o.salesperson_id
             LEFT JOIN vehicles v ON v.id = o.vehicle_id",
            &format!("ORDER BY o.updated_at, o.id LIMIT {MAX_QUEUE}"),
        )
        .fetch_all(ctx.db())
        .await?;
    if pending.is_empty() {
        return Ok(Vec::new());
    }
    // The levels approved so far in each order's current round.
    let mut w = Where::new();
    w.and_sql("o.status = 'pending_approval'");
    w.and_sql("a.decision = 'approved'");
    scope(&mut w, p, "o");
    let approved: Vec<(i64, i64)> = w
        .build(
            "SELECT a.order_id, a.level FROM order_approvals a
             JOIN orders o ON o.id = a.order_id AND a.round = o.approval_round",
            "",
        )
        .fetch_all(ctx.db())
        .await?;
    let mut decided: HashMap<i64, Vec<u8>> = HashMap::new();
    for (order, level) in approved {
        if let Ok(l) = u8::try_from(level) {
            decided.entry(order).or_default().push(l);
        }
    }
    let me = p.user_id.unwrap_or(-1);
    let mut rules_of: HashMap<i64, Vec<Rule>> = HashMap::new();
    let mut out = Vec::new();
    for o in pending {
        let required = decode_levels(&o.approval_levels);
        let done = decided.remove(&o.item.id).unwrap_or_default();
        let Some(level) = approval::next_level(&required, &done) else {
            continue;
        };
        let mine = approval::may_decide(
            p.role,
            me,
            level.role,
            o.created_by.unwrap_or(0),
            o.item.salesperson_id,
        );
        if mine.is_err() {
            continue;
        }
        if let std::collections::hash_map::Entry::Vacant(e) = rules_of.entry(o.item.store_id) {
            e.insert(rules::load(ctx.db(), o.item.store_id).await?);
        }
        let facts = Facts {
            discount_bp: o.discount_bp,
            total: o.item.total.fen(),
            model_id: o.item.model_id,
            payment_type: o.payment_type,
        };
        let reasons = approval::explain(&rules_of[&o.item.store_id], &facts, ctx.lang());
        out.push(ApprovalTask {
            order: o.item,
            level,
            discount_bp: o.discount_bp,
            reasons,
            version: o.version,
        });
    }
    Ok(out)
}

/// How many orders wait for the caller's decision: the navigation badge.
#[tracing::instrument(name = "orders.approval_count", skip_all)]
pub async fn queue_count(ctx: &Ctx) -> Result<i64, AppError> {
    Ok(queue(ctx).await?.len() as i64)
}
