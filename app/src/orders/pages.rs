//! The order pages, one per file: 订单 (the list), 订单录入, 订单详情, 待我审批, 批量导入,
//! and the printable 订单确认书. Every form is a plain form, so each works without JavaScript; the
//! detail page and the navigation badge follow changes made elsewhere (live regions).

pub mod approvals;
pub mod detail;
pub mod import;
pub mod list;
pub mod new;
pub mod print;

use crate::{
    components::Choice,
    crm::pages::coded_choices,
    domain::Money,
    i18n::{use_lang, Lang},
    orders::domain::{ExtraKind, OrderStatus, PaymentMethod, PaymentType},
};
use leptos::prelude::*;

/// Fen as a person reads them: `¥199,800.00`.
pub(crate) fn money(fen: i64) -> String {
    Money::from_fen(fen).to_string()
}

pub(crate) fn status_choices(lang: Lang) -> Vec<Choice> {
    coded_choices(
        OrderStatus::ALL,
        OrderStatus::code,
        OrderStatus::label_key,
        lang,
    )
}

pub(crate) fn payment_type_choices(lang: Lang) -> Vec<Choice> {
    coded_choices(
        PaymentType::ALL,
        PaymentType::code,
        PaymentType::label_key,
        lang,
    )
}

pub(crate) fn method_choices(lang: Lang) -> Vec<Choice> {
    coded_choices(
        PaymentMethod::ALL,
        PaymentMethod::code,
        PaymentMethod::label_key,
        lang,
    )
}

pub(crate) fn extra_kind_choices(lang: Lang) -> Vec<Choice> {
    coded_choices(ExtraKind::ALL, ExtraKind::code, ExtraKind::label_key, lang)
}

/// An order's status as a coloured badge.
#[component]
pub fn OrderStatusBadge(status: OrderStatus) -> impl IntoView {
    let lang = use_lang();
    view! {
        <span class=format!("badge order-{}", status.code()) data-testid="order-status" data-status=status.code()>
            {lang.t(status.label_key())}
        </span>
    }
}
