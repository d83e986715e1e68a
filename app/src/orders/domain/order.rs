//! An order as stored and shown: the order itself, its extra lines, payments and approval
//! decisions; one line of the order list, and what the list is filtered by.

use super::{
    approval::Level,
    status::{ExtraKind, OrderStatus, PaymentMethod, PaymentType},
    suggest::{Suggestion, VehiclePick},
    totals::Totals,
};
use crate::domain::Money;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// An order as stored, with the names the page shows beside its ids.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow, utoipa::ToSchema))]
pub struct OrderRow {
    pub id: i64,
    /// `SH01-20261127-0007`.
    pub number: String,
    pub store_id: i64,
    pub store_name: String,
    pub customer_id: i64,
    pub customer_name: String,
    /// Who sells it (the order's owner); none for an unassigned customer's order taken
    /// in over the API.
    pub salesperson_id: Option<i64>,
    pub salesperson_name: Option<String>,
    /// Who entered it; none when an integration did.
    pub created_by: Option<i64>,
    #[cfg_attr(feature = "ssr", sqlx(try_from = "String"))]
    pub status: OrderStatus,
    pub model_id: i64,
    pub model_name: String,
    pub trim_id: i64,
    pub trim_name: String,
    pub color_id: i64,
    pub color_name: String,
    /// The vehicle the order holds (or, completed, the one it delivered).
    pub vehicle_id: Option<i64>,
    pub vin: Option<String>,
    /// A draft's timed hold ends then (UTC ms).
    pub hold_until: Option<i64>,
    #[cfg_attr(feature = "ssr", schema(value_type = i64))]
    pub list_price: Money,
    #[cfg_attr(feature = "ssr", schema(value_type = i64))]
    pub discount: Money,
    /// The discount as a share of the list price, in basis points.
    pub discount_bp: i64,
    /// `amount` or `percent`: how the discount was given.
    pub discount_kind: String,
    #[cfg_attr(feature = "ssr", schema(value_type = i64))]
    pub extras_total: Money,
    #[cfg_attr(feature = "ssr", schema(value_type = i64))]
    pub total: Money,
    #[cfg_attr(feature = "ssr", schema(value_type = i64))]
    pub paid: Money,
    #[cfg_attr(feature = "ssr", sqlx(try_from = "String"))]
    pub payment_type: PaymentType,
    /// `YYYY-MM-DD`.
    pub expected_delivery: Option<String>,
    pub notes: String,
    /// Why it was cancelled, once it is.
    pub cancel_reason: String,
    /// How many times it was put before the approvers (0: never).
    pub approval_round: i64,
    pub created_at: i64,
    pub updated_at: i64,
    /// The name of who changed it last.
    pub updated_by: String,
    pub version: i64,
}

impl OrderRow {
    /// What is still to pay.
    pub fn balance(&self) -> Money {
        Money::from_fen(self.total.fen() - self.paid.fen())
    }
}

/// One extra line of an order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow, utoipa::ToSchema))]
pub struct ExtraRow {
    pub position: i64,
    #[cfg_attr(feature = "ssr", sqlx(try_from = "String"))]
    pub kind: ExtraKind,
    pub description: String,
    #[cfg_attr(feature = "ssr", schema(value_type = i64))]
    pub price: Money,
}

/// One payment (a deposit, a balance) or refund (a negative amount).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow, utoipa::ToSchema))]
pub struct PaymentRow {
    pub id: i64,
    /// Fen; negative for a refund.
    pub amount: i64,
    #[cfg_attr(feature = "ssr", sqlx(try_from = "String"))]
    pub method: PaymentMethod,
    pub paid_at: i64,
    pub note: String,
    pub created_by: String,
}

/// One approval decision: who decided which level of which round, when, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow, utoipa::ToSchema))]
pub struct ApprovalRow {
    pub round: i64,
    pub level: i64,
    pub role: String,
    /// `approved` or `rejected`.
    pub decision: String,
    pub decided_by: Option<i64>,
    pub decided_by_name: String,
    pub comment: String,
    /// Kept from the round before: the change that started this round did not ask this
    /// level again.
    pub carried: bool,
    pub decided_at: i64,
}

/// An order with everything its page shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct OrderDetail {
    pub order: OrderRow,
    pub extras: Vec<ExtraRow>,
    pub payments: Vec<PaymentRow>,
    /// Every decision of every round, oldest first.
    pub approvals: Vec<ApprovalRow>,
    /// The levels the current approval round needs, lowest first.
    pub required_levels: Vec<Level>,
    /// The level to decide next, while the order waits for approval.
    pub next_level: Option<Level>,
}

/// One line of the order list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow, utoipa::ToSchema))]
pub struct OrderItem {
    pub id: i64,
    pub number: String,
    #[cfg_attr(feature = "ssr", sqlx(try_from = "String"))]
    pub status: OrderStatus,
    pub store_id: i64,
    pub store_name: String,
    pub customer_id: i64,
    pub customer_name: String,
    pub salesperson_id: Option<i64>,
    pub salesperson_name: Option<String>,
    pub model_id: i64,
    pub model_name: String,
    pub vin: Option<String>,
    #[cfg_attr(feature = "ssr", schema(value_type = i64))]
    pub total: Money,
    #[cfg_attr(feature = "ssr", schema(value_type = i64))]
    pub paid: Money,
    pub created_at: i64,
    pub updated_at: i64,
}

/// One line of the order list as exported to Excel: what the list shows, with the car
/// spelled out and the figures the total is made of.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct OrderExport {
    pub id: i64,
    pub number: String,
    #[cfg_attr(feature = "ssr", sqlx(try_from = "String"))]
    pub status: OrderStatus,
    pub store_name: String,
    pub customer_name: String,
    pub salesperson_name: Option<String>,
    pub model_name: String,
    pub trim_name: String,
    pub color_name: String,
    pub vin: Option<String>,
    #[cfg_attr(feature = "ssr", sqlx(try_from = "String"))]
    pub payment_type: PaymentType,
    pub list_price: Money,
    pub discount: Money,
    pub extras_total: Money,
    pub total: Money,
    pub paid: Money,
    /// `YYYY-MM-DD`.
    pub expected_delivery: Option<String>,
    pub created_at: i64,
}

/// An order waiting for a decision the caller may take: the order, the level it waits
/// at, and why the store's rules ask for approval (`需总经理审批: 折扣 6.2% > 5%`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApprovalTask {
    pub order: OrderItem,
    pub level: Level,
    /// The discount as a share of the list price, in basis points.
    pub discount_bp: i64,
    pub reasons: Vec<String>,
    /// The order's version, which a decision is taken on.
    pub version: i64,
}

/// What an order being entered would come to, before it is saved: its figures, the
/// approval it would need and why, and the vehicle to offer (or the one picked).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderPreview {
    pub totals: Totals,
    /// The levels the store's rules would ask, lowest first.
    pub levels: Vec<Level>,
    /// One line per level: `需总经理审批: 折扣 6.2% > 5%`.
    pub reasons: Vec<String>,
    /// The best free vehicle of the trim and colour, when none was picked.
    pub suggestion: Option<Suggestion>,
    /// The vehicle picked, with how long it has stood and where.
    pub vehicle: Option<VehiclePick>,
}

/// A page of the order list, and how many orders the filter finds in all — counted up
/// to 10,000; `more` says there are more than that.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct OrderPage {
    pub rows: Vec<OrderItem>,
    pub total: i64,
    /// More orders match than `total` (which stops at 10,000).
    #[serde(default)]
    pub more: bool,
}

/// The longest search text.
pub const MAX_SEARCH: usize = 50;

/// What the order list is filtered by; every field optional.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "ssr", into_params(parameter_in = Query))]
pub struct OrderFilter {
    #[serde(default)]
    #[cfg_attr(feature = "ssr", param(value_type = Option<String>))]
    pub status: Option<OrderStatus>,
    #[serde(default)]
    pub customer_id: Option<i64>,
    #[serde(default)]
    pub salesperson_id: Option<i64>,
    #[serde(default)]
    pub store_id: Option<i64>,
    #[serde(default)]
    pub model_id: Option<i64>,
    /// Only orders that count as sold (已审核, 已发货, 已完成), as the sales figures count
    /// them.
    #[serde(default)]
    pub sold: Option<bool>,
    /// Entered on or after this day (China time), `YYYY-MM-DD`.
    #[serde(default)]
    #[cfg_attr(feature = "ssr", param(value_type = Option<String>))]
    pub from: Option<NaiveDate>,
    /// Entered on or before this day (China time), `YYYY-MM-DD`.
    #[serde(default)]
    #[cfg_attr(feature = "ssr", param(value_type = Option<String>))]
    pub to: Option<NaiveDate>,
    /// An order number or part of one, a customer's name or mobile (or its last four
    /// digits), or part of a VIN.
    #[serde(default)]
    #[cfg_attr(feature = "ssr", param(max_length = 50))]
    pub q: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "ssr", param(minimum = 0))]
    pub offset: Option<i64>,
    /// 1 to 200 (default 50).
    #[serde(default)]
    #[cfg_attr(feature = "ssr", param(minimum = 1, maximum = 200))]
    pub limit: Option<i64>,
}

impl OrderFilter {
    pub const MAX_PAGE: i64 = 200;
    /// The most orders one Excel export holds.
    pub const MAX_EXPORT: i64 = 50_000;

    pub fn page_size(&self) -> i64 {
        self.limit.unwrap_or(50).clamp(1, Self::MAX_PAGE)
    }

    /// The first bad value, as (field, translation key); `None` when all are usable.
    pub fn problem(&self) -> Option<(&'static str, &'static str)> {
        if self
            .q
            .as_deref()
            .is_some_and(|q| q.chars().count() > MAX_SEARCH)
        {
            return Some(("q", "order.bad_search"));
        }
        if let (Some(from), Some(to)) = (self.from, self.to) {
            if from > to {
                return Some(("to", "order.bad_range"));
            }
        }
        if self.offset.is_some_and(|o| o < 0) {
            return Some(("offset", "common.bad_offset"));
        }
        if self
            .limit
            .is_some_and(|l| !(1..=Self::MAX_PAGE).contains(&l))
        {
            return Some(("limit", "common.bad_limit"));
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_filter_names_its_first_bad_value() {
        let day = |d| NaiveDate::from_ymd_opt(2026, 11, d).unwrap();
        // (filter, refused field)
        let table = [
            (OrderFilter::default(), None),
            (
                OrderFilter {
                    q: Some("张".repeat(51)),
                    ..Default::default()
                },
                Some("q"),
            ),
            (
                OrderFilter {
                    from: Some(day(27)),
                    to: Some(day(26)),
                    ..Default::default()
                },
                Some("to"),
            ),
            (
                OrderFilter {
                    from: Some(day(27)),
                    to: Some(day(27)),
                    ..Default::default()
                },
                None,
            ),
            (
                OrderFilter {
                    offset: Some(-1),
                    ..Default::default()
                },
                Some("offset"),
            ),
            (
                OrderFilter {
                    limit: Some(201),
                    ..Default::default()
                },
                Some("limit"),
            ),
        ];
        for (f, field) in table {
            assert_eq!(f.problem().map(|(f, _)| f), field, "{f:?}");
        }
        assert_eq!(OrderFilter::default().page_size(), 50);
        let f: OrderFilter =
            serde_json::from_str(r#"{"status":"pending_approval","from":"2026-11-01"}"#).unwrap();
        assert_eq!(f.status, Some(OrderStatus::PendingApproval));
        assert_eq!(f.from, Some(day(1)));
    }
}
