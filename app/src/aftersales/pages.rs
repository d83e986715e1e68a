//! The after-sales pages: the public booking (在线预约: 选择门店与服务 → 选择时段 → 填写信息
//! → 预约成功, four screens, plain forms that work without JavaScript, and the customer's
//! own page to reschedule or cancel) and the staff's service desk (服务台: the day, the
//! week, 工位与时段); the complaints (投诉) — the staff's list, form and detail, and the
//! customer's public form — and satisfaction (满意度) — the customer's rating page and the
//! staff's scores.

pub mod book;
pub mod capacity;
pub mod complaint;
pub mod complaint_public;
pub mod complaints;
pub mod desk;
pub mod messages;
pub mod rate;
pub mod ratings;

use crate::{
    aftersales::domain::{
        complaint::{ComplaintStatus, Severity},
        AppointmentStatus,
    },
    i18n::{use_lang, Lang},
};
use leptos::prelude::*;

/// The page's `store` (a group role's choice; a store-bound one has its own) and one more
/// query value (`day`, `status`): what a staff page's data is fetched by.
pub(crate) fn store_and(
    key: &'static str,
) -> impl Fn() -> (Option<i64>, String) + Copy + Send + Sync + 'static {
    let query = leptos_router::hooks::use_query_map();
    move || {
        let q = query.read();
        (
            q.get("store").and_then(|s| s.parse::<i64>().ok()),
            q.get(key).unwrap_or_default(),
        )
    }
}

/// An appointment's status as a badge.
#[component]
pub fn AppointmentBadge(status: AppointmentStatus) -> impl IntoView {
    let lang = use_lang();
    view! { <span class=format!("badge badge-{}", status.code())>{lang.t(status.label_key())}</span> }
}

/// A complaint's severity as a coloured badge, and its overdue and escalated marks.
pub(crate) fn complaint_badges(
    lang: Lang,
    severity: Severity,
    status: ComplaintStatus,
    overdue: bool,
    escalated: bool,
) -> impl IntoView {
    let live = status.is_live();
    view! {
        <span class=format!("badge severity-{}", severity.code()) data-testid="complaint-severity">
            {lang.t(severity.label_key())}
        </span>
        {overdue.then(|| view! { " "<span class="badge badge-overdue" data-testid="complaint-overdue">{lang.t("complaint.overdue")}</span> })}
        {(escalated && live).then(|| view! { " "<span class="badge badge-escalated" data-testid="complaint-escalated">{lang.t("complaint.escalated")}</span> })}
    }
}
