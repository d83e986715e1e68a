//! 客户分析: the lead funnel and its salespeople, lead sources, lost reasons, what new
//! customers ask for, repeat buyers, satisfaction and complaints.

use super::{query_string, query_value, store_select, ExportLink, ReportTabs};
use crate::{
    analytics::{
        api::{load_customer_report, report_stores},
        domain::customers::Share,
        tables,
    },
    components::{
        chart::{bars, funnel},
        sheet::{group, percent},
        Bar, Chart, Page, SheetTable,
    },
    error::AppError,
    i18n::use_lang,
};
use leptos::prelude::*;
use leptos_router::components::Form;

fn share_bars(shares: &[Share]) -> Vec<Bar> {
    shares
        .iter()
        .take(8)
        .map(|s| Bar {
            label: s.label.clone(),
            value: s.count as f64,
            shown: format!("{} · {}", group(s.count), percent(s.share_permille)),
        })
        .collect()
}

fn described(bars: &[Bar]) -> String {
    bars.iter()
        .map(|b| format!("{} {}", b.label, b.shown))
        .collect::<Vec<_>>()
        .join("; ")
}

#[component]
pub fn CustomersReportPage() -> impl IntoView {
    let lang = use_lang();
    let (from, to, store) = (
        query_value("from"),
        query_value("to"),
        query_value("store_id"),
    );
    let report = Resource::new(
        move || (from(), to(), store()),
        |(from, to, store)| load_customer_report(from, to, store),
    );
    let stores = Resource::new(|| (), |_| report_stores());
    view! {
        <Page title="analytics.customers">
            <ReportTabs current="/analytics/customers" />
            {move || Suspend::new(async move {
                let stores = stores.await.unwrap_or_default();
                let r = report.await?;
                let query = query_string(&[
                    ("from", &r.range.from.to_string()),
                    ("to", &r.range.to.to_string()),
                    ("store_id", &store()),
                ]);
                let stages: Vec<Bar> = r.funnel.iter().map(|s| Bar {
                    label: lang.t(s.stage.label_key()).to_owned(),
                    value: s.reached as f64,
                    shown: group(s.reached),
                }).collect();
                let funnel_desc = stages.iter().map(|b| format!("{} {}", b.label, b.shown)).collect::<Vec<_>>().join(" → ");
                let funnel_svg = funnel("customers-funnel-chart", lang.t("analytics.funnel"), &funnel_desc, &stages);
                let funnel_rows: Vec<Vec<String>> = r.funnel.iter().map(|s| vec![
                    lang.t(s.stage.label_key()).to_owned(), group(s.reached), percent(s.from_previous_permille),
                ]).collect();
                let source_bars = share_bars(&r.sources);
                let source_svg = bars("customers-source-chart", lang.t("analytics.sources"), &described(&source_bars), &source_bars);
                let source_rows: Vec<Vec<String>> = r.sources.iter().map(|s| vec![
                    s.label.clone(), group(s.count), percent(s.share_permille), percent(s.win_permille),
                ]).collect();
                let budget_bars = share_bars(&r.budgets);
                let budget_svg = bars("customers-budget-chart", lang.t("analytics.budgets"), &described(&budget_bars), &budget_bars);
                let budget_rows: Vec<Vec<String>> = budget_bars.iter().map(|b| vec![b.label.clone(), b.shown.clone()]).collect();
                let sheets = tables::customers(&r, lang);
                let s = |k: &'static str| lang.t(k).to_owned();
                let days = |d: Option<f64>| d.map(|d| lang.tf("analytics.days", &[("n", &format!("{d:.1}"))])).unwrap_or_else(|| "—".into());
                Ok::<_, AppError>(view! {
                    <Form method="GET" action="/analytics/customers" attr:class="filters report-filters">
                        <div class="field">
                            <label for="customers-from">{lang.t("order.from")}</label>
                            <input id="customers-from" name="from" type="date" value=r.range.from.to_string() />
                        </div>
                        <div class="field">
                            <label for="customers-to">{lang.t("order.to")}</label>
                            <input id="customers-to" name="to" type="date" value=r.range.to.to_string() />
                        </div>
                        {store_select(stores, store(), lang)}
                        <button type="submit" class="btn btn-primary">{lang.t("common.apply")}</button>
                        <ExportLink href=format!("/analytics/customers.xlsx?{query}") />
                    </Form>
                    <div class="kpis" data-testid="customers-totals">
                        <div class="kpi">
                            <span class="kpi-value" data-testid="customers-leads">{group(r.leads)}</span>
                            <span class="kpi-label">{lang.t("analytics.leads")}</span>
                            <span class="kpi-detail">{lang.tf("analytics.won_lost", &[("won", &group(r.won)), ("lost", &group(r.lost))])}</span>
                        </div>
                        <div class="kpi">
                            <span class="kpi-value" data-testid="customers-win-rate">{percent(r.win_permille)}</span>
                            <span class="kpi-label">{lang.t("analytics.win_rate")}</span>
                        </div>
                        <div class="kpi">
                            <span class="kpi-value">{days(r.days_to_win_median)}</span>
                            <span class="kpi-label">{lang.t("analytics.days_to_win")}</span>
                            <span class="kpi-detail">"P90 "{days(r.days_to_win_p90)}</span>
                        </div>
                        <div class="kpi">
                            <span class="kpi-value" data-testid="customers-repeat">{percent(r.repeat_permille)}</span>
                            <span class="kpi-label">{lang.t("analytics.repeat_rate")}</span>
                            <span class="kpi-detail">{lang.tf("analytics.repeat_of", &[("repeat", &group(r.repeat_buyers)), ("buyers", &group(r.buyers))])}</span>
                        </div>
                        <div class="kpi">
                            <span class="kpi-value">{format!("{:.1}", r.satisfaction.avg_stars)}</span>
                            <span class="kpi-label">{lang.t("rating.avg_stars")}</span>
                            <span class="kpi-detail">{lang.tf("analytics.nps_of", &[("nps", &r.satisfaction.nps.to_string()), ("n", &group(r.satisfaction.answers))])}</span>
                        </div>
                        <div class="kpi">
                            <span class="kpi-value">{percent(r.complaints.response_permille)}</span>
                            <span class="kpi-label">{lang.t("analytics.response_on_time")}</span>
                            <span class="kpi-detail">{lang.tf("analytics.complaints_n", &[("n", &group(r.complaints.made))])}</span>
                        </div>
                    </div>
                    <div class="chart-grid">
                        <Chart id="customers-funnel-chart" title=s("analytics.funnel") svg=funnel_svg
                            columns=vec![s("analytics.stage"), s("analytics.reached"), s("analytics.from_previous")]
                            rows=funnel_rows table_label=lang.t("analytics.data_table") testid="customers-funnel-chart" />
                        <Chart id="customers-source-chart" title=s("analytics.sources") svg=source_svg
                            columns=vec![s("customer.source"), s("analytics.count"), s("analytics.share"), s("analytics.win_rate")]
                            rows=source_rows table_label=lang.t("analytics.data_table") testid="customers-source-chart" />
                        <Chart id="customers-budget-chart" title=s("analytics.budgets") svg=budget_svg
                            columns=vec![s("customer.budget"), s("analytics.count")]
                            rows=budget_rows table_label=lang.t("analytics.data_table") testid="customers-budget-chart" />
                    </div>
                    {sheets.into_iter().map(|sheet| view! { <SheetTable sheet empty=lang.t("analytics.none") /> }).collect_view()}
                })
            })}
        </Page>
    }
}
