//! The after-sales pages: the public booking (在线预约) and the staff's service desk; the
//! complaints (投诉) — the staff's list, form and detail, and the customer's public form —
//! and satisfaction (满意度) — the customer's rating page and the staff's scores.

pub mod complaint;
pub mod complaint_public;
pub mod complaints;
pub mod rate;
pub mod ratings;

use crate::{
    aftersales::domain::complaint::{ComplaintStatus, Severity},
    i18n::Lang,
};
use leptos::prelude::*;

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
