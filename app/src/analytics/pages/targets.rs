//! 目标与参数: the stores' monthly sales targets (the dashboard measures this month against
//! them) and the daily holding-cost rate of the turnover report. The general manager and
//! admins set them; the other readers of the reports see them.

use super::ReportTabs;
use crate::{
    analytics::api::{load_targets, SaveSettings, SaveTarget},
    clock::local_time,
    components::{
        sheet::group, Choice, Column, DataTable, Field, FormErrors, FormState, Page, SelectField,
    },
    domain::Money,
    error::AppError,
    i18n::use_lang,
};
use leptos::prelude::*;

#[component]
pub fn TargetsPage() -> impl IntoView {
    let lang = use_lang();
    let save = ServerAction::<SaveTarget>::new();
    let form = FormState::new("target", save.value());
    let settings = ServerAction::<SaveSettings>::new();
    let settings_form = FormState::new("settings", settings.value());
    let page = Resource::new(
        move || (save.version().get(), settings.version().get()),
        |_| load_targets(),
    );
    view! {
        <Page title="analytics.targets">
            <ReportTabs current="/analytics/targets" />
            {move || Suspend::new(async move {
                let p = page.await?;
                let columns = vec![
                    Column::text(lang.t("analytics.month")),
                    Column::text(lang.t("analytics.by.store")),
                    Column::num(lang.t("analytics.target_units")),
                    Column::num(lang.t("analytics.target_revenue")),
                    Column::text(lang.t("analytics.updated")),
                ];
                let rows: Vec<_> = p.targets.iter().map(|t| view! {
                    <tr data-testid="target-row" data-month=t.month.clone() data-store=t.store_id.to_string()>
                        <td>{t.month.clone()}</td>
                        <td>{t.store_name.clone()}</td>
                        <td class="num" data-testid="target-units">{group(t.units)}</td>
                        <td class="num" data-testid="target-revenue">{Money::from_fen(t.revenue).to_string()}</td>
                        <td class="muted">{t.updated_by.clone()}" · "{local_time(t.updated_at)}</td>
                    </tr>
                }).collect();
                let stores: Vec<Choice> = p.stores.iter().map(|(id, name)| Choice::new(id, name.clone())).collect();
                let this_month = p.this_month.clone();
                let rate = p.settings.holding_rate_percent.clone();
                let edit = p.may_edit.then(|| view! {
                    <section class="card">
                        <h2>{lang.t("analytics.set_target")}</h2>
                        <ActionForm action=save node_ref=form.node() attr:class="form form-grid" attr:novalidate=true
                            attr:data-testid="target-form">
                            <SelectField form name="store_id" label=lang.t("analytics.by.store") choices=stores required=true />
                            <Field form name="month" label=lang.t("analytics.month") kind="month" value=this_month required=true />
                            <Field form name="units" label=lang.t("analytics.target_units") inputmode="numeric" maxlength=6 required=true />
                            <Field form name="revenue" label=lang.t("analytics.target_revenue_yuan") inputmode="decimal" maxlength=16 required=true />
                            <button type="submit" class="btn btn-primary">{lang.t("common.save")}</button>
                        </ActionForm>
                        <FormErrors form />
                    </section>
                });
                let settings_view = view! {
                    <section class="card">
                        <h2>{lang.t("analytics.settings")}</h2>
                        {if p.may_edit {
                            view! {
                                <ActionForm action=settings node_ref=settings_form.node() attr:class="form form-grid" attr:novalidate=true
                                    attr:data-testid="settings-form">
                                    <Field form=settings_form name="holding_rate_percent" label=lang.t("analytics.holding_rate")
                                        inputmode="decimal" maxlength=10 value=rate.clone() required=true />
                                    <button type="submit" class="btn">{lang.t("common.save")}</button>
                                </ActionForm>
                                <FormErrors form=settings_form />
                            }.into_any()
                        } else {
                            view! { <p data-testid="holding-rate">{lang.tf("analytics.rate_per_day", &[("rate", &rate)])}</p> }.into_any()
                        }}
                        <p class="muted">{lang.t("analytics.holding_rate_hint")}</p>
                    </section>
                };
                Ok::<_, AppError>(view! {
                    {edit}
                    <section class="card">
                        <h2>{lang.t("analytics.targets")}</h2>
                        <DataTable columns rows empty=lang.t("analytics.no_targets") testid="targets-table" />
                    </section>
                    {settings_view}
                })
            })}
        </Page>
    }
}
