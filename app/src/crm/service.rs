//! CRM's services (server only): each opens with its permission check on the request
//! context, then the record check below — a salesperson reaches their own customers and
//! the store's unassigned ones, a manager the store's, group roles every store's.

pub mod customers;
pub mod follow_ups;
pub mod leads;

use crate::{auth::Principal, ctx::Ctx, db::Where, domain::Role, error::AppError};

/// May `p` open a customer of `store_id` owned by `owner_id`? Refused with 403 and
/// nothing about the record.
/// The event topic of follow-up changes.
pub const FOLLOW_UP_TOPIC: &str = "follow_up";

/// The announcement that `owners`' follow-ups in `store_id` changed: their badges and
/// lists refresh, their open apps look again for what comes due.
pub(crate) fn follow_ups_changed(
    store_id: i64,
    owners: impl IntoIterator<Item = i64>,
) -> crate::events::Event {
    crate::events::Event::new(FOLLOW_UP_TOPIC, vec![store_id], &serde_json::json!({}))
        .for_users(owners)
}

pub(crate) fn check_access(
    ctx: &Ctx,
    p: &Principal,
    store_id: i64,
    owner_id: Option<i64>,
) -> Result<(), AppError> {
    if may_open(p, store_id, owner_id) {
        Ok(())
    } else {
        Err(AppError::Forbidden(ctx.t("customer.forbidden").into()))
    }
}

pub(crate) fn may_open(p: &Principal, store_id: i64, owner_id: Option<i64>) -> bool {
    if p.role.is_group_wide() {
        return true;
    }
    if p.store_id != Some(store_id) {
        return false;
    }
    p.role != Role::Sales || owner_id.is_none() || owner_id == p.user_id
}

/// Narrows a query over `alias` (customers, leads or follow-ups: each has `store_id` and
/// an owner column) to what `p` may see.
pub(crate) fn scope(w: &mut Where, p: &Principal, alias: &str) {
    if p.role.is_group_wide() {
        return;
    }
    w.and(&format!("{alias}.store_id = ?"), p.store_id.unwrap_or(-1));
    if p.role == Role::Sales {
        w.and(
            &format!("({alias}.owner_id = ? OR {alias}.owner_id IS NULL)"),
            p.user_id.unwrap_or(-1),
        );
    }
}
