//! An order's timeline (时间线): every change the audit log recorded for it, in words — who,
//! what, and each value before → after (`状态: 草稿 → 待审核`).

use super::{
    status::{OrderStatus, PaymentMethod, PaymentType},
    totals::format_bp,
};
use crate::{
    clock::local_time,
    domain::{Money, Role},
    i18n::Lang,
};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// One audit entry of an order, as stored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct TimelineEntry {
    pub id: i64,
    pub at: i64,
    /// Who: a person's name, or the system.
    pub actor: String,
    /// `order.create`, `order.status`, `order.approve`…
    pub action: String,
    pub before_json: Option<String>,
    pub after_json: Option<String>,
}

/// The values a timeline shows, in this order, with their labels. Others (ids, rounds)
/// are left out: they say nothing to the person reading.
const SHOWN: [(&str, &str); 18] = [
    ("status", "order.field.status"),
    ("vehicle", "order.field.vehicle"),
    ("list_price", "order.field.list_price"),
    ("discount", "order.field.discount"),
    ("discount_bp", "order.field.discount_bp"),
    ("extras_total", "order.field.extras"),
    ("total", "order.field.total"),
    ("payment_type", "order.field.payment_type"),
    ("amount", "order.field.amount"),
    ("method", "order.field.method"),
    ("paid", "order.field.paid"),
    ("balance", "order.field.balance"),
    ("level", "order.field.level"),
    ("role", "order.field.role"),
    ("comment", "order.field.comment"),
    ("reason", "order.field.reason"),
    ("why", "order.field.why"),
    ("hold_until", "order.field.hold_until"),
];

impl TimelineEntry {
    /// What happened, in words (`提交审核`, `审批通过`); the action code when unknown.
    pub fn title(&self, lang: Lang) -> String {
        let key = match self.action.as_str() {
            "order.create" => "order.event.create",
            "order.update" => "order.event.update",
            "order.approve" => "order.event.approve",
            "order.reject" => "order.event.reject",
            "order.allocate" => "order.event.allocate",
            "order.payment" => "order.event.payment",
            "order.hold_expired" => "order.event.hold_expired",
            "order.status" => {
                let to = self.value("after", "status");
                return match to
                    .as_ref()
                    .and_then(Value::as_str)
                    .and_then(OrderStatus::parse)
                {
                    Some(s) => lang.tf(
                        "order.event.status_to",
                        &[("status", lang.t(s.label_key()))],
                    ),
                    None => lang.t("order.event.status").into(),
                };
            }
            other => return other.to_owned(),
        };
        lang.t(key).into()
    }

    /// Each shown value that changed or was set: `状态: 草稿 → 待审核`, `金额: ¥5,000.00`.
    pub fn changes(&self, lang: Lang) -> Vec<String> {
        let mut out = Vec::new();
        for (name, label) in SHOWN {
            let before = self.value("before", name).filter(|v| !v.is_null());
            let after = self.value("after", name);
            let text = match (before, after) {
                (Some(b), Some(a)) if b == a => continue,
                (Some(b), Some(a)) => {
                    format!("{} → {}", show(name, &b, lang), show(name, &a, lang))
                }
                (None, Some(a)) if a.is_null() => continue,
                (None, Some(a)) => show(name, &a, lang),
                (Some(b), None) => show(name, &b, lang),
                (None, None) => continue,
            };
            if text.is_empty() {
                continue;
            }
            out.push(format!("{}: {text}", lang.t(label)));
        }
        out
    }

    fn value(&self, side: &str, name: &str) -> Option<Value> {
        let json = match side {
            "before" => self.before_json.as_deref(),
            _ => self.after_json.as_deref(),
        }?;
        serde_json::from_str::<Value>(json).ok()?.get(name).cloned()
    }

    /// When, as people read it.
    pub fn when(&self) -> String {
        local_time(self.at)
    }
}

/// One value as a person reads it: money as yuan, a status or a role by its name.
fn show(name: &str, v: &Value, lang: Lang) -> String {
    let text = || match v {
        Value::String(s) => s.clone(),
        Value::Null => "—".to_owned(),
        other => other.to_string(),
    };
    match name {
        "list_price" | "discount" | "extras_total" | "total" | "amount" | "paid" | "balance" => v
            .as_i64()
            .map(|fen| Money::from_fen(fen).to_string())
            .unwrap_or_else(text),
        "discount_bp" => v
            .as_i64()
            .map(|bp| format!("{}%", format_bp(bp)))
            .unwrap_or_else(text),
        "status" => v
            .as_str()
            .and_then(OrderStatus::parse)
            .map(|s| lang.t(s.label_key()).to_owned())
            .unwrap_or_else(text),
        "method" => v
            .as_str()
            .and_then(PaymentMethod::parse)
            .map(|m| lang.t(m.label_key()).to_owned())
            .unwrap_or_else(text),
        "payment_type" => v
            .as_str()
            .and_then(PaymentType::parse)
            .map(|t| lang.t(t.label_key()).to_owned())
            .unwrap_or_else(text),
        "role" => v
            .as_str()
            .and_then(|r| r.parse::<Role>().ok())
            .map(|r| lang.t(r.label_key()).to_owned())
            .unwrap_or_else(text),
        "why" => match v {
            Value::Array(lines) => lines
                .iter()
                .filter_map(Value::as_str)
                .collect::<Vec<_>>()
                .join(" "),
            _ => text(),
        },
        "hold_until" => v.as_i64().map(local_time).unwrap_or_else(text),
        _ => text(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(action: &str, before: Option<&str>, after: Option<&str>) -> TimelineEntry {
        TimelineEntry {
            id: 1,
            at: 0,
            actor: "张伟".into(),
            action: action.into(),
            before_json: before.map(str::to_owned),
            after_json: after.map(str::to_owned),
        }
    }

    #[test]
    fn a_status_change_reads_before_and_after() {
        let e = entry(
            "order.status",
            Some(r#"{"status":"draft"}"#),
            Some(
                r#"{"status":"pending_approval","round":1,"levels":"1:sales_manager","why":["需销售经理审批: 每张订单"]}"#,
            ),
        );
        assert_eq!(e.title(Lang::ZhCn), "状态改为待审核");
        assert_eq!(
            e.changes(Lang::ZhCn),
            ["状态: 草稿 → 待审核", "审批原因: 需销售经理审批: 每张订单"]
        );
        assert_eq!(e.title(Lang::En), "Status now Pending approval");
    }

    #[test]
    fn money_roles_and_methods_are_named_and_unchanged_values_left_out() {
        // (action, before, after, title, changes)
        let table = [
            (
                "order.payment",
                Some(r#"{"paid":0}"#),
                Some(
                    r#"{"amount":500000,"method":"wechat","note":"","paid":500000,"balance":7480000}"#,
                ),
                "登记收款",
                vec![
                    "金额: ¥5,000.00",
                    "支付方式: 微信",
                    "已收: ¥0.00 → ¥5,000.00",
                    "待收: ¥74,800.00",
                ],
            ),
            (
                "order.approve",
                None,
                Some(r#"{"round":1,"level":1,"role":"sales_manager","comment":""}"#),
                "审批通过",
                vec!["审批级别: 1", "审批角色: 销售经理"],
            ),
            (
                "order.update",
                Some(r#"{"total":7980000,"discount_bp":0,"vehicle":null}"#),
                Some(r#"{"total":7480000,"discount_bp":627,"vehicle":null}"#),
                "修改订单",
                vec!["折扣: 0% → 6.27%", "总价: ¥79,800.00 → ¥74,800.00"],
            ),
            ("order.other", None, None, "order.other", vec![]),
        ];
        for (action, before, after, title, changes) in table {
            let e = entry(action, before, after);
            assert_eq!(e.title(Lang::ZhCn), title, "{action}");
            assert_eq!(e.changes(Lang::ZhCn), changes, "{action}");
        }
    }
}
