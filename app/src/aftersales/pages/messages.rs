//! 提醒消息: a store's reminder messages — the day-before and two-hours-before SMS of
//! each appointment and the follow-up tasks' WeChat messages — sent, waiting or failed,
//! with the reason a send failed.

use crate::{
    aftersales::{api::service_messages, domain::reminder::OutboxStatus},
    clock::local_time,
    components::Page,
    error::AppError,
    i18n::use_lang,
};
use leptos::prelude::*;

#[component]
pub fn MessagesPage() -> impl IntoView {
    let lang = use_lang();
    let params = super::store_and("status");
    let data = Resource::new(params, |(s, st)| service_messages(s, st));
    view! {
        <Page title="reminder.title">
            {move || Suspend::new(async move {
                let (store_id, rows) = data.await?;
                let current = params().1;
                Ok::<_, AppError>(view! {
                    <nav class="tabs" aria-label=lang.t("reminder.filter")>
                        <a class="btn" href=format!("/service/messages?store={store_id}")
                            aria-current=current.is_empty().then_some("page")>{lang.t("reminder.all")}</a>
                        {[OutboxStatus::Sent, OutboxStatus::Pending, OutboxStatus::Failed].into_iter().map(|s| view! {
                            <a class="btn" href=format!("/service/messages?store={store_id}&status={}", s.code())
                                aria-current=(current == s.code()).then_some("page")>{lang.t(s.label_key())}</a>
                        }).collect_view()}
                    </nav>
                    {rows.is_empty().then(|| view! { <p class="muted empty">{lang.t("reminder.none")}</p> })}
                    <div class="table-wrap">
                        <table class="table" data-testid="messages">
                            <thead><tr>
                                <th scope="col">{lang.t("reminder.due")}</th>
                                <th scope="col">{lang.t("reminder.kind")}</th>
                                <th scope="col">{lang.t("reminder.recipient")}</th>
                                <th scope="col">{lang.t("reminder.body")}</th>
                                <th scope="col">{lang.t("reminder.status")}</th>
                            </tr></thead>
                            <tbody>
                                {rows.into_iter().map(|m| view! {
                                    <tr data-testid="message" data-status=m.status.code()>
                                        <td>{local_time(m.due_at)}</td>
                                        <td>{lang.t(m.kind.label_key())}" · "{lang.t(m.channel.label_key())}</td>
                                        <td>{m.recipient.clone()}</td>
                                        <td class="notes">{m.body.clone()}</td>
                                        <td>
                                            <span class=format!("badge outbox-{}", m.status.code())>{lang.t(m.status.label_key())}</span>
                                            {m.sent_at.map(|t| view! { <br /><small>{local_time(t)}</small> })}
                                            {(m.attempts > 0 && m.status != OutboxStatus::Sent).then(|| view! {
                                                <br /><small>{lang.tf("reminder.attempts", &[("n", &m.attempts.to_string())])}</small>
                                            })}
                                            {(!m.last_error.is_empty()).then(|| view! { <br /><small class="field-error">{m.last_error.clone()}</small> })}
                                        </td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                })
            })}
        </Page>
    }
}
