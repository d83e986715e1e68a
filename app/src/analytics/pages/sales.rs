//! 销售分析: units, revenue, collected and — for those who may see cost — margin over a
//! range, against the previous period (环比) and last year (同比), broken down by model,
//! trim, colour, store, salesperson or payment type, with the trend by day, week or month.

use super::{query_string, query_value, store_select, Change, ExportLink, ReportTabs};
use crate::{
    analytics::{
        api::{load_sales_report, report_stores},
        domain::{
            dashboard::wan,
            sales::{Bucket, Dimension},
        },
        tables,
    },
    components::{
        chart::{bars, lines},
        sheet::group,
        Bar, Chart, Choice, Page, Select, Series, SheetTable,
    },
    error::AppError,
    i18n::use_lang,
};
use leptos::prelude::*;
use leptos_router::components::Form;

#[component]
pub fn SalesPage() -> impl IntoView {
    let lang = use_lang();
    let (from, to, store, by, bucket) = (
        query_value("from"),
        query_value("to"),
        query_value("store_id"),
        query_value("by"),
        query_value("bucket"),
    );
    let report = Resource::new(
        move || (from(), to(), store(), by(), bucket()),
        |(from, to, store, by, bucket)| load_sales_report(from, to, store, by, bucket),
    );
    let stores = Resource::new(|| (), |_| report_stores());
    view! {
        <Page title="analytics.sales">
            <ReportTabs current="/analytics/sales" />
            {move || Suspend::new(async move {
                let stores = stores.await.unwrap_or_default();
                let r = report.await?;
                let query = query_string(&[
                    ("from", &r.range.from.to_string()),
                    ("to", &r.range.to.to_string()),
                    ("store_id", &store()),
                    ("by", r.by.code()),
                    ("bucket", r.bucket.code()),
                ]);
                let dims: Vec<Choice> = Dimension::ALL.iter().map(|d| Choice::new(d.code(), lang.t(d.label_key()))).collect();
                let buckets: Vec<Choice> = Bucket::ALL.iter().map(|b| Choice::new(b.code(), lang.t(b.label_key()))).collect();
                let labels: Vec<String> = r.trend.iter().map(|p| p.label.clone()).collect();
                let trend_svg = lines(
                    "sales-trend-chart",
                    lang.t("analytics.trend"),
                    &lang.tf("analytics.chart.sales_desc", &[
                        ("revenue", &wan(r.totals.revenue)),
                        ("units", &group(r.totals.units)),
                    ]),
                    &labels,
                    &[
                        Series { name: lang.t("analytics.this_period").to_owned(),
                                 values: r.trend.iter().map(|p| Some(p.figures.revenue as f64 / 1_000_000.0)).collect() },
                        Series { name: lang.t("analytics.last_year").to_owned(),
                                 values: r.trend.iter().map(|p| Some(p.last_year.revenue as f64 / 1_000_000.0)).collect() },
                    ],
                );
                let trend_rows: Vec<Vec<String>> = r.trend.iter().map(|p| vec![
                    p.label.clone(), group(p.figures.units), wan(p.figures.revenue), wan(p.last_year.revenue),
                ]).collect();
                let top: Vec<Bar> = r.rows.iter().take(10).map(|l| Bar {
                    label: l.label.clone(),
                    value: l.figures.revenue as f64,
                    shown: wan(l.figures.revenue),
                }).collect();
                let top_desc = top.iter().map(|b| format!("{} {}", b.label, b.shown)).collect::<Vec<_>>().join("; ");
                let top_rows: Vec<Vec<String>> = top.iter().map(|b| vec![b.label.clone(), b.shown.clone()]).collect();
                let by_title = lang.tf("analytics.by_title", &[("by", lang.t(r.by.label_key()))]);
                let top_svg = bars("sales-by-chart", &by_title, &top_desc, &top);
                let s = |k: &'static str| lang.t(k).to_owned();
                let sheets = tables::sales(&r, lang);
                Ok::<_, AppError>(view! {
                    <Form method="GET" action="/analytics/sales" attr:class="filters report-filters">
                        <div class="field">
                            <label for="sales-from">{lang.t("order.from")}</label>
                            <input id="sales-from" name="from" type="date" value=r.range.from.to_string() />
                        </div>
                        <div class="field">
                            <label for="sales-to">{lang.t("order.to")}</label>
                            <input id="sales-to" name="to" type="date" value=r.range.to.to_string() />
                        </div>
                        {store_select(stores, store(), lang)}
                        <Select name="by" label=lang.t("analytics.breakdown") choices=dims selected=Some(r.by.code().to_owned()) />
                        <Select name="bucket" label=lang.t("analytics.trend") choices=buckets selected=Some(r.bucket.code().to_owned()) />
                        <button type="submit" class="btn btn-primary">{lang.t("common.apply")}</button>
                        <ExportLink href=format!("/analytics/sales.xlsx?{query}") />
                    </Form>
                    <div class="kpis" data-testid="sales-totals">
                        <div class="kpi">
                            <span class="kpi-value" data-testid="sales-units">{group(r.totals.units)}</span>
                            <span class="kpi-label">{lang.t("analytics.units")}</span>
                            <span class="kpi-detail">{lang.t("analytics.vs_previous")}" "<Change permille=r.units_vs_previous rising_is_good=true />
                                " · "{lang.t("analytics.vs_last_year")}" "<Change permille=r.units_vs_last_year rising_is_good=true /></span>
                        </div>
                        <div class="kpi">
                            <span class="kpi-value" data-testid="sales-revenue">{wan(r.totals.revenue)}</span>
                            <span class="kpi-label">{lang.t("analytics.revenue")}</span>
                            <span class="kpi-detail">{lang.t("analytics.vs_previous")}" "<Change permille=r.revenue_vs_previous rising_is_good=true />
                                " · "{lang.t("analytics.vs_last_year")}" "<Change permille=r.revenue_vs_last_year rising_is_good=true /></span>
                        </div>
                        <div class="kpi">
                            <span class="kpi-value">{wan(r.totals.paid)}</span>
                            <span class="kpi-label">{lang.t("analytics.paid")}</span>
                        </div>
                        {r.totals.margin.map(|m| view! {
                            <div class="kpi">
                                <span class="kpi-value" data-testid="sales-margin">{wan(m)}</span>
                                <span class="kpi-label">{lang.t("analytics.margin")}</span>
                            </div>
                        })}
                    </div>
                    <div class="chart-grid">
                        <Chart id="sales-trend-chart" title=s("analytics.trend") svg=trend_svg
                            columns=vec![s("analytics.bucket_col"), s("analytics.units"), s("analytics.revenue_wan"), s("analytics.last_year")]
                            rows=trend_rows table_label=lang.t("analytics.data_table") testid="sales-trend-chart" />
                        <Chart id="sales-by-chart" title=by_title svg=top_svg
                            columns=vec![lang.t(r.by.label_key()).to_owned(), s("analytics.revenue_wan")]
                            rows=top_rows table_label=lang.t("analytics.data_table") testid="sales-by-chart" />
                    </div>
                    {sheets.into_iter().map(|sheet| view! { <SheetTable sheet empty=lang.t("analytics.none") /> }).collect_view()}
                })
            })}
        </Page>
    }
}
