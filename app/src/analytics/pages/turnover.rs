//! 库存周转: how fast stock sells per model and store, how old it is, what it is worth and
//! what holding it costs, and the specs slowest to move.

use super::{query_string, query_value, store_select, ExportLink, ReportTabs};
use crate::{
    analytics::{
        api::{load_turnover_report, report_stores},
        domain::{dashboard::wan, targets::rate_percent, turnover::WINDOWS},
        tables::{self, AGE_KEYS},
    },
    components::{chart::bars, sheet::group, Bar, Chart, Choice, Page, Select, SheetTable},
    error::AppError,
    i18n::use_lang,
};
use leptos::prelude::*;
use leptos_router::components::Form;

#[component]
pub fn TurnoverPage() -> impl IntoView {
    let lang = use_lang();
    let (days, store) = (query_value("days"), query_value("store_id"));
    let report = Resource::new(
        move || (days(), store()),
        |(days, store)| load_turnover_report(days, store),
    );
    let stores = Resource::new(|| (), |_| report_stores());
    view! {
        <Page title="analytics.turnover">
            <ReportTabs current="/analytics/turnover" />
            {move || Suspend::new(async move {
                let stores = stores.await.unwrap_or_default();
                let r = report.await?;
                let query = query_string(&[("days", &r.days.to_string()), ("store_id", &store())]);
                let windows: Vec<Choice> = WINDOWS.iter()
                    .map(|d| Choice::new(d, lang.tf("analytics.last_n_days", &[("n", &d.to_string())])))
                    .collect();
                let t = &r.totals;
                let age_bars: Vec<Bar> = AGE_KEYS.iter().zip(t.aged.iter().zip(&t.aged_value)).map(|(k, (n, v))| Bar {
                    label: lang.t(k).to_owned(),
                    value: *n as f64,
                    shown: format!("{} · {}", lang.tf("analytics.n_units", &[("n", &group(*n))]), wan(*v)),
                }).collect();
                let age_desc = age_bars.iter().map(|b| format!("{} {}", b.label, b.shown)).collect::<Vec<_>>().join("; ");
                let age_rows: Vec<Vec<String>> = age_bars.iter().map(|b| vec![b.label.clone(), b.shown.clone()]).collect();
                let age_svg = bars("turnover-age-chart", lang.t("analytics.chart.aging"), &age_desc, &age_bars);
                let model_bars: Vec<Bar> = r.models.iter().take(10).map(|l| Bar {
                    label: l.label.clone(),
                    value: l.days_of_supply.unwrap_or(0.0),
                    shown: l.days_of_supply.map(|d| lang.tf("analytics.days", &[("n", &format!("{d:.0}"))]))
                        .unwrap_or_else(|| lang.t("analytics.no_sales").to_owned()),
                }).collect();
                let model_desc = model_bars.iter().map(|b| format!("{} {}", b.label, b.shown)).collect::<Vec<_>>().join("; ");
                let model_rows: Vec<Vec<String>> = model_bars.iter().map(|b| vec![b.label.clone(), b.shown.clone()]).collect();
                let model_svg = bars("turnover-supply-chart", lang.t("analytics.chart.supply"), &model_desc, &model_bars);
                let sheets = tables::turnover(&r, lang);
                let s = |k: &'static str| lang.t(k).to_owned();
                let num = |x: Option<f64>| x.map(|x| format!("{x:.1}")).unwrap_or_else(|| "—".into());
                Ok::<_, AppError>(view! {
                    <Form method="GET" action="/analytics/turnover" attr:class="filters report-filters">
                        <Select name="days" label=lang.t("analytics.window") choices=windows selected=Some(r.days.to_string()) />
                        {store_select(stores, store(), lang)}
                        <button type="submit" class="btn btn-primary">{lang.t("common.apply")}</button>
                        <ExportLink href=format!("/analytics/turnover.xlsx?{query}") />
                    </Form>
                    <div class="kpis" data-testid="turnover-totals">
                        <div class="kpi">
                            <span class="kpi-value" data-testid="turnover-on-hand">{group(t.on_hand)}</span>
                            <span class="kpi-label">{lang.t("analytics.on_hand")}</span>
                            <span class="kpi-detail">{lang.tf("analytics.in_transit_n", &[("n", &group(t.in_transit))])}</span>
                        </div>
                        <div class="kpi">
                            <span class="kpi-value" data-testid="turnover-value">{wan(t.value)}</span>
                            <span class="kpi-label">{lang.t("analytics.stock_value")}</span>
                        </div>
                        <div class="kpi">
                            <span class="kpi-value" data-testid="turnover-rate">{num(t.turnover)}</span>
                            <span class="kpi-label">{lang.t("analytics.turnover_per_year")}</span>
                            <span class="kpi-detail">{lang.tf("analytics.sold_in_window", &[("n", &group(t.sold)), ("days", &r.days.to_string())])}</span>
                        </div>
                        <div class="kpi">
                            <span class="kpi-value">{num(t.days_of_supply)}</span>
                            <span class="kpi-label">{lang.t("analytics.days_of_supply")}</span>
                        </div>
                        <div class="kpi">
                            <span class="kpi-value" data-testid="turnover-holding">{wan(t.holding_cost)}</span>
                            <span class="kpi-label">{lang.t("analytics.holding_cost")}</span>
                            <span class="kpi-detail">{lang.tf("analytics.rate_per_day", &[("rate", &rate_percent(r.holding_rate_ppm))])}</span>
                        </div>
                    </div>
                    <div class="chart-grid">
                        <Chart id="turnover-age-chart" title=s("analytics.chart.aging") svg=age_svg
                            columns=vec![s("analytics.age_band"), s("analytics.units")]
                            rows=age_rows table_label=lang.t("analytics.data_table") testid="turnover-age-chart" />
                        <Chart id="turnover-supply-chart" title=s("analytics.chart.supply") svg=model_svg
                            columns=vec![s("analytics.by.model"), s("analytics.days_of_supply")]
                            rows=model_rows table_label=lang.t("analytics.data_table") testid="turnover-supply-chart" />
                    </div>
                    {sheets.into_iter().map(|sheet| view! { <SheetTable sheet empty=lang.t("analytics.none") /> }).collect_view()}
                })
            })}
        </Page>
    }
}
