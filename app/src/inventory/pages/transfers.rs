//! 库存调拨: requests and their steps.

use super::query;
use crate::{
    auth::Action,
    clock::local_time,
    components::{
        action_error, use_current_user, Field, FormErrors, FormState, Page, SelectField, TextArea,
    },
    error::AppError,
    i18n::use_lang,
    inventory::{
        api::{list_transfers, load_catalog, AdvanceTransfer, RequestTransfer},
        domain::{
            catalog::Catalog,
            transfer::{TransferRow, TransferStep},
        },
        widgets::warehouse_choices,
    },
};
use leptos::prelude::*;

#[component]
pub fn TransfersPage() -> impl IntoView {
    let lang = use_lang();
    let request = ServerAction::<RequestTransfer>::new();
    let step = ServerAction::<AdvanceTransfer>::new();
    let form = FormState::new("transfer", request.value());
    let cat = Resource::new(|| (), |_| load_catalog());
    let user = use_current_user();
    let prefill = query("vins");
    let list = Resource::new(|| (), |_| list_transfers(false));
    view! {
        <Page title="inventory.transfers">
            {action_error(step.value())}
            {move || Suspend::new(async move {
                let cat = cat.await?;
                let rows = list.await?;
                let may_request = user.may(Action::RequestTransfer).await;
                let mut allowed_steps = Vec::new();
                for s in TransferStep::ALL {
                    if user.may(s.action()).await {
                        allowed_steps.push(s);
                    }
                }
                let second = cat.warehouses.get(1).map(|w| w.id.to_string());
                let (from, to) = (warehouse_choices(&cat), warehouse_choices(&cat));
                let empty = rows.is_empty();
                Ok::<_, AppError>(view! {
                    {may_request.then(|| view! {
                        <details class="card" open=true>
                            <summary>{lang.t("transfer.new")}</summary>
                            <ActionForm action=request node_ref=form.node() attr:class="form form-grid" attr:data-testid="transfer-form">
                                <SelectField form name="from_warehouse_id" label=lang.t("transfer.from") choices=from />
                                <SelectField form name="to_warehouse_id" label=lang.t("transfer.to") choices=to
                                    selected=second.unwrap_or_default() />
                                <TextArea form name="vins" label=lang.t("transfer.vins") required=true autocapitalize="characters"
                                    value=prefill().unwrap_or_default() wide=true />
                                <Field form name="reason" label=lang.t("transfer.reason") required=true maxlength=500 wide=true />
                                <button type="submit" class="btn btn-primary">{lang.t("transfer.submit")}</button>
                            </ActionForm>
                            <FormErrors form />
                        </details>
                    })}
                    // Refreshed in place when stock moves.
                    <div id="transfers-live" data-live-region>
                    {empty.then(|| view! { <p class="muted">{lang.t("transfer.none")}</p> })}
                    <div class="cards" data-testid="transfer-list">
                        {rows.into_iter().map(|t| view! {
                            <TransferCard t cat=cat.clone() allowed=allowed_steps.clone() step />
                        }).collect_view()}
                    </div>
                    </div>
                })
            })}
        </Page>
    }
}

/// One transfer with the steps the caller may take now.
#[component]
fn TransferCard(
    t: TransferRow,
    cat: Catalog,
    allowed: Vec<TransferStep>,
    step: ServerAction<AdvanceTransfer>,
) -> impl IntoView {
    let lang = use_lang();
    let steps: Vec<TransferStep> = t
        .status
        .steps()
        .into_iter()
        .filter(|s| allowed.contains(s))
        .collect();
    view! {
        <article class="card transfer" data-testid="transfer" data-status=t.status.code()>
            <h2>{format!("#{} ", t.id)}{cat.warehouse_name(t.from_warehouse_id)}" → "{cat.warehouse_name(t.to_warehouse_id)}</h2>
            <p><span class=format!("badge transfer-{}", t.status.code())>{lang.t(t.status.label_key())}</span>
               " "{t.reason.clone()}</p>
            <p class="muted">{lang.tf("transfer.by", &[("who", &t.requested_by)])}" · "{local_time(t.created_at)}
                {t.approved_by.clone().map(|a| format!(" · {}", lang.tf("transfer.approved_by", &[("who", &a)])))}</p>
            <ul class="vin-list">{t.vins.iter().map(|v| view! { <li><code>{v.clone()}</code></li> }).collect_view()}</ul>
            <div class="actions">
                {steps.into_iter().map(|s| view! {
                    <ActionForm action=step attr:class="inline-form">
                        <input type="hidden" name="id" value=t.id.to_string() />
                        <input type="hidden" name="step" value=s.code() />
                        <input type="hidden" name="version" value=t.version.to_string() />
                        <button type="submit" class="btn" class:btn-primary=!matches!(s, TransferStep::Reject | TransferStep::Cancel)>
                            {lang.t(s.label_key())}
                        </button>
                    </ActionForm>
                }).collect_view()}
            </div>
        </article>
    }
}
