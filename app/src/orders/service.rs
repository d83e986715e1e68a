//! Orders' services (server only): each opens with its permission check on the request
//! context, then the record check below — a salesperson reaches the orders they sell or
//! entered, a manager the store's, group roles every store's. Every write runs in one
//! transaction with its audit entries, and is announced once committed (topic `order`,
//! and `stock` when a vehicle's status moves).

pub mod approvals;
pub mod entry;
pub mod import;
pub mod orders;
pub mod rules;

use crate::{
    auth::Principal,
    ctx::Ctx,
    db::{sql, Exec, Where},
    domain::Role,
    error::AppError,
    events::Event,
    orders::domain::OrderStatus,
};
use serde::Serialize;

/// The event topic of order changes.
pub const TOPIC: &str = "order";

/// May `p` open an order of `store_id`, sold by `salesperson_id` and entered by
/// `created_by`?
pub(crate) fn may_open(
    p: &Principal,
    store_id: i64,
    salesperson_id: Option<i64>,
    created_by: Option<i64>,
) -> bool {
    if p.role.is_group_wide() {
        return true;
    }
    if p.store_id != Some(store_id) {
        return false;
    }
    if p.role != Role::Sales {
        return true;
    }
    p.user_id
        .is_some_and(|me| salesperson_id == Some(me) || created_by == Some(me))
}

/// Refuses with 403, and nothing about the order, when `p` may not open it.
pub(crate) fn check_access(
    ctx: &Ctx,
    p: &Principal,
    store_id: i64,
    salesperson_id: Option<i64>,
    created_by: Option<i64>,
) -> Result<(), AppError> {
    if may_open(p, store_id, salesperson_id, created_by) {
        Ok(())
    } else {
        Err(AppError::Forbidden(ctx.t("order.forbidden").into()))
    }
}

/// Narrows a query over orders (`alias`) to those `p` may see.
pub(crate) fn scope(w: &mut Where, p: &Principal, alias: &str) {
    if p.role.is_group_wide() {
        return;
    }
    w.and(&format!("{alias}.store_id = ?"), p.store_id.unwrap_or(-1));
    if p.role == Role::Sales {
        w.and(
            &format!("({alias}.salesperson_id = ? OR {alias}.created_by = ?)"),
            p.user_id.unwrap_or(-1),
        );
    }
}

/// What an order event tells the pages: which order, and where it stands now.
#[derive(Clone, Debug, Serialize)]
struct Announcement<'a> {
    id: i64,
    number: &'a str,
    status: &'static str,
}

/// Who hears of orders of `store_id`: `people` (their salespeople, who entered them);
/// while some wait for approval, also those who may decide them (the store's sales
/// managers and the group's general managers).
async fn audience<'e>(
    exec: impl Into<Exec<'e>>,
    store_id: i64,
    pending: bool,
    people: &[Option<i64>],
) -> crate::db::DbResult<Vec<i64>> {
    let mut users: Vec<i64> = people.iter().flatten().copied().collect();
    if pending {
        let deciders: Vec<(i64,)> = sql("SELECT id FROM users WHERE active
               AND ((role = 'sales_manager' AND store_id = $1) OR role = 'general_manager')")
        .bind(store_id)
        .fetch_all(exec)
        .await?;
        users.extend(deciders.into_iter().map(|(u,)| u));
    }
    Ok(users)
}

/// The announcement that an order changed, for its salesperson and whoever entered it;
/// while it waits for approval, also for those who may decide it (the store's sales
/// managers and the group's general managers).
pub(crate) async fn order_event<'e>(
    exec: impl Into<Exec<'e>>,
    store_id: i64,
    id: i64,
    number: &str,
    status: OrderStatus,
    people: &[Option<i64>],
) -> crate::db::DbResult<Event> {
    let pending = status == OrderStatus::PendingApproval;
    let users = audience(exec, store_id, pending, people).await?;
    let payload = Announcement {
        id,
        number,
        status: status.code(),
    };
    Ok(Event::new(TOPIC, vec![store_id], &payload).for_users(users))
}

/// The one announcement of a batch of orders imported into a store (rather than one per
/// order): how many, for the same people [`order_event`] would tell of each.
pub(crate) async fn import_event<'e>(
    exec: impl Into<Exec<'e>>,
    store_id: i64,
    imported: usize,
    pending: bool,
    people: &[Option<i64>],
) -> crate::db::DbResult<Event> {
    let users = audience(exec, store_id, pending, people).await?;
    let payload = serde_json::json!({ "imported": imported });
    Ok(Event::new(TOPIC, vec![store_id], &payload).for_users(users))
}
