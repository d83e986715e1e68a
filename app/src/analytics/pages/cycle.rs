//! 订单周期: how long orders take from entry to approval, to shipping, to completion —
//! median and p90 per step, against the months before, per store and salesperson, and
//! month by month.

use super::{query_string, query_value, store_select, Change, ExportLink, ReportTabs};
use crate::{
    analytics::{
        api::{load_cycle_report, report_stores},
        domain::cycle::{change_permille_f, CycleStep},
        tables,
    },
    components::{
        chart::{bars, lines},
        sheet::duration,
        Bar, Chart, Page, Series, SheetTable,
    },
    error::AppError,
    i18n::use_lang,
};
use leptos::prelude::*;
use leptos_router::components::Form;

#[component]
pub fn CyclePage() -> impl IntoView {
    let lang = use_lang();
    let (from, to, store) = (
        query_value("from"),
        query_value("to"),
        query_value("store_id"),
    );
    let report = Resource::new(
        move || (from(), to(), store()),
        |(from, to, store)| load_cycle_report(from, to, store),
    );
    let stores = Resource::new(|| (), |_| report_stores());
    view! {
        <Page title="analytics.cycle">
            <ReportTabs current="/analytics/cycle" />
            {move || Suspend::new(async move {
                let stores = stores.await.unwrap_or_default();
                let r = report.await?;
                let query = query_string(&[
                    ("from", &r.months.first_label()),
                    ("to", &r.months.last_label()),
                    ("store_id", &store()),
                ]);
                let tiles = r.totals.iter().zip(&r.previous).map(|(now, before)| {
                    let testid = format!("cycle-{}", now.step.code());
                    view! {
                        <div class="kpi" data-testid=testid>
                            <span class="kpi-value">{duration(now.median_hours, lang)}</span>
                            <span class="kpi-label">{lang.tf("analytics.median_of", &[("step", lang.t(now.step.label_key()))])}</span>
                            <span class="kpi-detail">"P90 "{duration(now.p90_hours, lang)}" · "
                                {lang.t("analytics.vs_previous")}" "
                                <Change permille=change_permille_f(now.median_hours, before.median_hours) rising_is_good=false /></span>
                        </div>
                    }
                }).collect_view();
                // Month by month, in days: the whole way and approval.
                let labels: Vec<String> = r.trend.iter().map(|m| m.month.clone()).collect();
                let series = |step: CycleStep| r.trend.iter().map(|m| {
                    m.steps.iter().find(|s| s.step == step).and_then(|s| s.median_hours).map(|h| h / 24.0)
                }).collect::<Vec<_>>();
                let total = r.totals.iter().find(|s| s.step == CycleStep::Total);
                let trend_svg = lines(
                    "cycle-trend-chart",
                    lang.t("analytics.chart.cycle_trend"),
                    &lang.tf("analytics.chart.cycle_desc", &[
                        ("median", &duration(total.and_then(|t| t.median_hours), lang)),
                        ("change", &crate::components::sheet::signed_percent(r.total_median_change_permille)),
                    ]),
                    &labels,
                    &[
                        Series { name: lang.t(CycleStep::Total.label_key()).to_owned(), values: series(CycleStep::Total) },
                        Series { name: lang.t(CycleStep::Approval.label_key()).to_owned(), values: series(CycleStep::Approval) },
                    ],
                );
                let trend_rows: Vec<Vec<String>> = r.trend.iter().map(|m| {
                    let mut row = vec![m.month.clone()];
                    row.extend(m.steps.iter().map(|s| duration(s.median_hours, lang)));
                    row
                }).collect();
                let mut trend_cols = vec![lang.t("analytics.month").to_owned()];
                trend_cols.extend(CycleStep::ALL.iter().map(|s| lang.t(s.label_key()).to_owned()));
                let store_bars: Vec<Bar> = r.stores.iter().map(|l| {
                    let h = l.steps.iter().find(|s| s.step == CycleStep::Total).and_then(|s| s.median_hours);
                    Bar { label: l.label.clone(), value: h.unwrap_or(0.0), shown: duration(h, lang) }
                }).collect();
                let store_desc = store_bars.iter().map(|b| format!("{} {}", b.label, b.shown)).collect::<Vec<_>>().join("; ");
                let store_rows: Vec<Vec<String>> = store_bars.iter().map(|b| vec![b.label.clone(), b.shown.clone()]).collect();
                let store_svg = bars("cycle-store-chart", lang.t("analytics.chart.cycle_stores"), &store_desc, &store_bars);
                let sheets = tables::cycle(&r, lang);
                let s = |k: &'static str| lang.t(k).to_owned();
                Ok::<_, AppError>(view! {
                    <Form method="GET" action="/analytics/cycle" attr:class="filters report-filters">
                        <div class="field">
                            <label for="cycle-from">{lang.t("analytics.from_month")}</label>
                            <input id="cycle-from" name="from" type="month" value=r.months.first_label() />
                        </div>
                        <div class="field">
                            <label for="cycle-to">{lang.t("analytics.to_month")}</label>
                            <input id="cycle-to" name="to" type="month" value=r.months.last_label() />
                        </div>
                        {store_select(stores, store(), lang)}
                        <button type="submit" class="btn btn-primary">{lang.t("common.apply")}</button>
                        <ExportLink href=format!("/analytics/cycle.xlsx?{query}") />
                    </Form>
                    <p class="muted">{lang.tf("analytics.cycle_hint", &[
                        ("from", &r.previous_months.first_label()), ("to", &r.previous_months.last_label()),
                    ])}</p>
                    <div class="kpis" data-testid="cycle-totals">{tiles}</div>
                    <div class="chart-grid">
                        <Chart id="cycle-trend-chart" title=s("analytics.chart.cycle_trend") svg=trend_svg
                            columns=trend_cols rows=trend_rows table_label=lang.t("analytics.data_table") testid="cycle-trend-chart" />
                        <Chart id="cycle-store-chart" title=s("analytics.chart.cycle_stores") svg=store_svg
                            columns=vec![s("analytics.by.store"), s("analytics.median")]
                            rows=store_rows table_label=lang.t("analytics.data_table") testid="cycle-store-chart" />
                    </div>
                    {sheets.into_iter().map(|sheet| view! { <SheetTable sheet empty=lang.t("analytics.none") /> }).collect_view()}
                })
            })}
        </Page>
    }
}
