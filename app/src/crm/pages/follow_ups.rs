//! 客户跟进: the caller's open follow-ups — 今日, 逾期, 本周 — and, for managers, the team's.

use super::customer::FollowUpItem;
use crate::{
    auth::Action,
    components::{action_error, use_current_user, Page},
    crm::{
        api::{list_follow_ups, CompleteFollowUp},
        domain::follow_up::DueView,
    },
    domain::Role,
    error::AppError,
    i18n::use_lang,
};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn FollowUpsPage() -> impl IntoView {
    let lang = use_lang();
    let q = use_query_map();
    let view_of = move || {
        q.with(|m| m.get("view").and_then(|v| DueView::parse(&v)))
            .unwrap_or(DueView::Today)
    };
    let team = move || q.with(|m| m.get("team").is_some_and(|t| t == "1"));
    // One store's, when a report's figure led here (group roles).
    let store = move || {
        q.with(|m| m.get("store_id").and_then(|s| s.parse::<i64>().ok()))
            .filter(|s| *s > 0)
    };
    let list = Resource::new(
        move || (view_of(), team(), store()),
        |(v, team, store)| list_follow_ups(v.code().to_owned(), team, store),
    );
    let user = use_current_user();
    let complete = ServerAction::<CompleteFollowUp>::new();
    view! {
        <Page title="crm.follow_ups">
            <p class="actions">
                <button type="button" class="btn" hidden data-notify-ask="" data-testid="notify-ask">
                    {lang.t("follow_up.allow_notifications")}
                </button>
            </p>
            {action_error(complete.value())}
            {move || Suspend::new(async move {
                let rows = list.await?;
                let may_edit = user.may(Action::EditCustomers).await;
                let manager = user.0.await.ok().flatten().is_some_and(|u| u.role != Role::Sales);
                let (current, team) = (view_of(), team());
                let store_param = store().map(|s| format!("&store_id={s}")).unwrap_or_default();
                let tab = move |v: DueView, t: bool| {
                    let href = format!(
                        "/crm/follow-ups?view={}{}{}",
                        v.code(),
                        if t { "&team=1" } else { "" },
                        if t { store_param.as_str() } else { "" }
                    );
                    let here = v == current && t == team;
                    view! {
                        <a class="tab" class:active=here aria-current=here.then_some("page") href=href>{lang.t(v.label_key())}</a>
                    }
                };
                let empty = rows.is_empty();
                Ok::<_, AppError>(view! {
                    <nav class="tabs" aria-label=lang.t("crm.follow_ups")>
                        {DueView::ALL.iter().map(|v| tab(*v, team)).collect_view()}
                        {manager.then(|| view! {
                            <a class="tab" class:active=team href=format!("/crm/follow-ups?view={}{}", current.code(), if team { "" } else { "&team=1" })>
                                {lang.t(if team { "follow_up.mine" } else { "follow_up.team" })}
                            </a>
                        })}
                    </nav>
                    // A live region: tasks planned or done elsewhere show up without a reload.
                    <div id="follow-up-live" data-live-region>
                    {empty.then(|| view! { <p class="muted empty">{lang.t("follow_up.none")}</p> })}
                    <ul class="follow-ups" data-testid="follow-up-list">
                        {rows.into_iter().map(|f| view! { <FollowUpItem f may_edit complete /> }).collect_view()}
                    </ul>
                    </div>
                })
            })}
        </Page>
    }
}
