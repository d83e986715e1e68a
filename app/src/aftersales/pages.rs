//! The after-sales pages: the public booking (在线预约: 选择门店与服务 → 选择时段 → 填写信息
//! → 预约成功, four screens, plain forms that work without JavaScript, and the customer's
//! own page to reschedule or cancel) and the staff's service desk (服务台: the day, the
//! week, 工位与时段).

pub mod book;
pub mod capacity;
pub mod desk;

use crate::{aftersales::domain::AppointmentStatus, i18n::use_lang};
use leptos::prelude::*;

/// An appointment's status as a badge.
#[component]
pub fn AppointmentBadge(status: AppointmentStatus) -> impl IntoView {
    let lang = use_lang();
    view! { <span class=format!("badge badge-{}", status.code())>{lang.t(status.label_key())}</span> }
}
