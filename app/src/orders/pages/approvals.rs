//! 待我审批: the orders waiting for the caller's decision, the longest waiting first, each
//! with why it needs approval and a plain form to approve or reject it (a rejection says
//! why). A live region: orders submitted or decided elsewhere come and go without a reload.

use super::{money, OrderStatusBadge};
use crate::{
    clock::local_time,
    components::{action_error, Page},
    error::AppError,
    i18n::use_lang,
    orders::{
        api::{approval_queue, ApproveOrder, RejectOrder},
        domain::{totals::format_bp, ApprovalTask},
    },
};
use leptos::prelude::*;
use server_fn::ServerFn;

#[component]
pub fn ApprovalsPage() -> impl IntoView {
    let lang = use_lang();
    let queue = Resource::new(|| (), |_| approval_queue());
    let approve = ServerAction::<ApproveOrder>::new();
    let reject = ServerAction::<RejectOrder>::new();
    view! {
        <Page title="order.approvals">
            {action_error(approve.value())}
            {action_error(reject.value())}
            {move || Suspend::new(async move {
                let tasks = queue.await?;
                let empty = tasks.is_empty();
                Ok::<_, AppError>(view! {
                    <div id="approval-live" data-live-region data-testid="approval-queue">
                        <p class="muted" data-testid="approval-total">{lang.tf("order.n_waiting", &[("n", &tasks.len().to_string())])}</p>
                        {empty.then(|| view! { <p class="muted empty">{lang.t("order.queue_empty")}</p> })}
                        {tasks.into_iter().map(|t| view! { <TaskCard t approve /> }).collect_view()}
                    </div>
                })
            })}
        </Page>
    }
}

/// One order waiting for a decision, and the form to take it.
#[component]
fn TaskCard(t: ApprovalTask, approve: ServerAction<ApproveOrder>) -> impl IntoView {
    let lang = use_lang();
    let o = t.order;
    let comment_id = format!("comment-{}", o.id);
    view! {
        <article class="card task" data-testid="approval-task" data-number=o.number.clone()>
            <h2>
                <a href=format!("/orders/{}", o.id)>{o.number.clone()}</a>" "
                <OrderStatusBadge status=o.status />
            </h2>
            <dl class="details">
                <dt>{lang.t("order.customer")}</dt><dd>{o.customer_name.clone()}</dd>
                <dt>{lang.t("order.car_vin")}</dt>
                <dd>{o.model_name.clone()}{o.vin.clone().map(|v| format!(" · {v}"))}</dd>
                <dt>{lang.t("order.total")}</dt><dd data-testid="task-total">{money(o.total.fen())}</dd>
                <dt>{lang.t("order.discount")}</dt><dd>{format!("{}%", format_bp(t.discount_bp))}</dd>
                <dt>{lang.t("order.salesperson")}</dt><dd>{o.salesperson_name.clone().unwrap_or_default()}" · "{o.store_name.clone()}</dd>
                <dt>{lang.t("order.waiting_since")}</dt><dd>{local_time(o.updated_at)}</dd>
            </dl>
            <p><strong>{lang.tf("order.decide_level", &[("level", &t.level.level.to_string()), ("role", lang.t(t.level.role.label_key()))])}</strong></p>
            <ul class="approval-reasons">{t.reasons.into_iter().map(|r| view! { <li>{r}</li> }).collect_view()}</ul>
            <ActionForm action=approve attr:class="form decide-form">
                <input type="hidden" name="id" value=o.id.to_string() />
                <input type="hidden" name="version" value=t.version.to_string() />
                <div class="field">
                    <label for=comment_id.clone()>{lang.t("order.comment")}</label>
                    <textarea id=comment_id name="comment" rows="2" maxlength="500"
                        placeholder=lang.t("order.comment_hint")></textarea>
                </div>
                <div class="actions">
                    <button type="submit" class="btn btn-primary">{lang.t("order.approve")}</button>
                    <button type="submit" class="btn btn-danger" formaction=RejectOrder::PATH>{lang.t("order.reject")}</button>
                </div>
            </ActionForm>
        </article>
    }
}
