//! 经营看板: the manager's phone dashboard — figures that each open the list behind them,
//! this month against its target, and four charts (twelve months' sales beside last
//! year's, this month by model, the lead funnel, stock by age), each with its data table.
//! The figures refresh in place when orders or stock change.

use super::{query_string, query_value, store_select, ExportLink, ReportTabs};
use crate::{
    analytics::{
        api::{load_dashboard, report_stores},
        domain::dashboard::{wan, Dashboard, Links},
        tables::AGE_KEYS,
    },
    components::{
        chart::{bars, funnel, lines},
        sheet::{group, percent},
        Bar, Chart, Page, Series,
    },
    error::AppError,
    i18n::{use_lang, Lang},
};
use leptos::prelude::*;
use leptos_router::components::Form;

/// One figure: its value, what it is, and the list it opens.
#[component]
fn Kpi(
    label: &'static str,
    value: String,
    href: String,
    #[prop(optional, into)] detail: String,
    testid: &'static str,
    /// Marks a figure that asks for attention (overdue, aged).
    #[prop(optional)]
    warn: bool,
) -> impl IntoView {
    view! {
        <a class="kpi" class:kpi-warn=warn href=href data-testid=testid>
            <span class="kpi-value" data-testid=format!("{testid}-value")>{value}</span>
            <span class="kpi-label">{label}</span>
            {(!detail.is_empty()).then(|| view! { <span class="kpi-detail" data-testid=format!("{testid}-detail")>{detail}</span> })}
        </a>
    }
}

fn month_card(d: &Dashboard, lang: Lang) -> impl IntoView {
    let m = d.month;
    let done = m.revenue_permille.unwrap_or(0).clamp(0, 1000);
    let pace = m.elapsed_permille.clamp(0, 1000);
    let on_pace = m.revenue_permille.is_some_and(|p| p >= m.elapsed_permille);
    let target = m.target_revenue.map(wan);
    let href = Links::month_sales(m.month, d.today, d.store_id);
    view! {
        <a class="card month-card" href=href data-testid="kpi-month">
            <span class="kpi-label">{lang.t("analytics.kpi.month")}</span>
            <span class="kpi-value" data-testid="kpi-month-value">{wan(m.revenue)}</span>
            <span class="kpi-detail">
                {lang.tf("analytics.kpi.month_units_n", &[("n", &group(m.units))])}
                {target.map(|t| view! { " · "{lang.tf("analytics.kpi.of_target", &[("target", &t)])} })}
            </span>
            {m.target_revenue.map(|_| view! {
                // Drawn, not styled: the pages' policy allows no inline styles.
                <svg class="progress" viewBox="0 0 1000 12" preserveAspectRatio="none" role="img"
                    aria-label=lang.tf("analytics.kpi.progress", &[("done", &percent(m.revenue_permille)), ("elapsed", &percent(Some(pace)))])>
                    <rect class="progress-track" width="1000" height="12" rx="6" />
                    <rect class="progress-done" class:behind=!on_pace width=done.to_string() height="12" rx="6" />
                    <rect class="progress-pace" x=(pace - 2).max(0).to_string() width="4" height="12" />
                </svg>
                <span class="kpi-detail" data-testid="kpi-month-done">
                    {lang.tf("analytics.kpi.done_vs_elapsed", &[("done", &percent(m.revenue_permille)), ("elapsed", &percent(Some(pace)))])}
                </span>
            })}
            {m.target_revenue.is_none().then(|| view! { <span class="kpi-detail">{lang.t("analytics.kpi.no_target")}</span> })}
        </a>
    }
}

fn charts(d: &Dashboard, lang: Lang) -> impl IntoView {
    let table = lang.t("analytics.data_table");
    // Twelve months' revenue (万元), this year beside last year.
    let labels: Vec<String> = d.trend.iter().map(|p| p.label.clone()).collect();
    let this_year: Vec<Option<f64>> = d
        .trend
        .iter()
        .map(|p| Some(p.figures.revenue as f64 / 1_000_000.0))
        .collect();
    let last_year: Vec<Option<f64>> = d
        .trend
        .iter()
        .map(|p| Some(p.last_year.revenue as f64 / 1_000_000.0))
        .collect();
    let latest = d.trend.last();
    let trend_desc = lang.tf(
        "analytics.chart.trend_desc",
        &[
            ("month", latest.map(|p| p.label.as_str()).unwrap_or("")),
            (
                "now",
                &latest.map(|p| wan(p.figures.revenue)).unwrap_or_default(),
            ),
            (
                "before",
                &latest.map(|p| wan(p.last_year.revenue)).unwrap_or_default(),
            ),
        ],
    );
    let trend_svg = lines(
        "chart-trend",
        lang.t("analytics.chart.trend"),
        &trend_desc,
        &labels,
        &[
            Series {
                name: lang.t("analytics.this_year").to_owned(),
                values: this_year,
            },
            Series {
                name: lang.t("analytics.last_year").to_owned(),
                values: last_year,
            },
        ],
    );
    let trend_rows: Vec<Vec<String>> = d
        .trend
        .iter()
        .map(|p| {
            vec![
                p.label.clone(),
                group(p.figures.units),
                wan(p.figures.revenue),
                wan(p.last_year.revenue),
            ]
        })
        .collect();

    // This month by model, in units.
    let model_bars: Vec<Bar> = d
        .models
        .iter()
        .take(8)
        .map(|l| Bar {
            label: l.label.clone(),
            value: l.figures.units as f64,
            shown: lang.tf("analytics.n_units", &[("n", &group(l.figures.units))]),
        })
        .collect();
    let models_desc = model_bars
        .iter()
        .map(|b| format!("{} {}", b.label, b.shown))
        .collect::<Vec<_>>()
        .join("; ");
    let models_svg = bars(
        "chart-models",
        lang.t("analytics.chart.models"),
        &models_desc,
        &model_bars,
    );
    let model_rows: Vec<Vec<String>> = d
        .models
        .iter()
        .map(|l| {
            vec![
                l.label.clone(),
                group(l.figures.units),
                wan(l.figures.revenue),
                percent(l.share_permille),
            ]
        })
        .collect();

    // This month's funnel.
    let stages: Vec<Bar> = d
        .funnel
        .iter()
        .map(|s| Bar {
            label: lang.t(s.stage.label_key()).to_owned(),
            value: s.reached as f64,
            shown: group(s.reached),
        })
        .collect();
    let funnel_desc = stages
        .iter()
        .map(|b| format!("{} {}", b.label, b.shown))
        .collect::<Vec<_>>()
        .join(" → ");
    let funnel_svg = funnel(
        "chart-funnel",
        lang.t("analytics.chart.funnel"),
        &funnel_desc,
        &stages,
    );
    let funnel_rows: Vec<Vec<String>> = d
        .funnel
        .iter()
        .map(|s| {
            vec![
                lang.t(s.stage.label_key()).to_owned(),
                group(s.reached),
                percent(s.from_previous_permille),
            ]
        })
        .collect();

    // Stock by age.
    let age_bars: Vec<Bar> = AGE_KEYS
        .iter()
        .zip(&d.aging)
        .map(|(k, n)| Bar {
            label: lang.t(k).to_owned(),
            value: *n as f64,
            shown: lang.tf("analytics.n_units", &[("n", &group(*n))]),
        })
        .collect();
    let age_desc = age_bars
        .iter()
        .map(|b| format!("{} {}", b.label, b.shown))
        .collect::<Vec<_>>()
        .join("; ");
    let age_svg = bars(
        "chart-aging",
        lang.t("analytics.chart.aging"),
        &age_desc,
        &age_bars,
    );
    let age_rows: Vec<Vec<String>> = age_bars
        .iter()
        .map(|b| vec![b.label.clone(), b.shown.clone()])
        .collect();
    let s = |k: &'static str| lang.t(k).to_owned();
    view! {
        <div class="chart-grid">
            <Chart id="chart-trend" title=s("analytics.chart.trend") svg=trend_svg
                columns=vec![s("analytics.month"), s("analytics.units"), s("analytics.revenue_wan"), s("analytics.last_year")]
                rows=trend_rows table_label=table testid="chart-trend" />
            <Chart id="chart-models" title=s("analytics.chart.models") svg=models_svg
                columns=vec![s("analytics.by.model"), s("analytics.units"), s("analytics.revenue_wan"), s("analytics.share")]
                rows=model_rows table_label=table testid="chart-models" />
            <Chart id="chart-funnel" title=s("analytics.chart.funnel") svg=funnel_svg
                columns=vec![s("analytics.stage"), s("analytics.reached"), s("analytics.from_previous")]
                rows=funnel_rows table_label=table testid="chart-funnel" />
            <Chart id="chart-aging" title=s("analytics.chart.aging") svg=age_svg
                columns=vec![s("analytics.age_band"), s("analytics.units")]
                rows=age_rows table_label=table testid="chart-aging" />
        </div>
    }
}

#[component]
pub fn DashboardPage() -> impl IntoView {
    let lang = use_lang();
    let store = query_value("store_id");
    let dashboard = Resource::new(store, load_dashboard);
    let stores = Resource::new(|| (), |_| report_stores());
    view! {
        <Page title="analytics.dashboard">
            <ReportTabs current="/analytics" />
            {move || Suspend::new(async move {
                let d = dashboard.await?;
                let stores = stores.await.unwrap_or_default();
                let group_wide = !stores.is_empty();
                let sel = store();
                let export = format!("/analytics/dashboard.xlsx?{}", query_string(&[("store_id", &sel)]));
                let st = d.store_id;
                let today = d.today;
                let num = |n: i64| group(n);
                let tiles = view! {
                    {d.orders_today.map(|n| view! {
                        <Kpi label=lang.t("analytics.kpi.orders_today") value=num(n)
                            href=Links::orders_today(today, st) testid="kpi-orders-today" />
                    })}
                    {d.orders_today.map(|_| view! {
                        <Kpi label=lang.t("analytics.kpi.revenue_today") value=wan(d.sold_today.revenue)
                            detail=lang.tf("analytics.kpi.sold_n", &[("n", &num(d.sold_today.units))])
                            href=Links::sold_today(today, st) testid="kpi-sold-today" />
                    })}
                    {d.pending_approvals.map(|n| view! {
                        <Kpi label=lang.t("analytics.kpi.pending") value=num(n)
                            href=Links::pending_approvals(st) testid="kpi-pending" />
                    })}
                    <Kpi label=lang.t("analytics.kpi.stock_value") value=wan(d.stock_value)
                        detail=lang.tf("analytics.n_units", &[("n", &num(d.stock_units))])
                        href=Links::stock(st) testid="kpi-stock" />
                    <Kpi label=lang.t("analytics.kpi.aged") value=num(d.aged_units) warn={d.aged_units > 0}
                        href=Links::aged(st) testid="kpi-aged" />
                    {d.overdue_follow_ups.map(|n| view! {
                        <Kpi label=lang.t("analytics.kpi.overdue") value=num(n) warn={n > 0}
                            href=Links::overdue_follow_ups(st) testid="kpi-overdue" />
                    })}
                    {d.open_complaints.map(|n| view! {
                        <Kpi label=lang.t("analytics.kpi.complaints") value=num(n) warn={n > 0}
                            href=Links::open_complaints(st) testid="kpi-complaints" />
                    })}
                };
                let month = month_card(&d, lang);
                let charts = charts(&d, lang);
                Ok::<_, AppError>(view! {
                    <Form method="GET" action="/analytics" attr:class="filters report-filters">
                        {store_select(stores, sel.clone(), lang)}
                        {group_wide.then(|| view! {
                            <button type="submit" class="btn btn-primary">{lang.t("common.apply")}</button>
                        })}
                        <ExportLink href=export />
                    </Form>
                    // Refreshed in place when orders or stock change (topics `sales`, `stock`).
                    <div id="dashboard-live" data-live-region data-live-topics="sales" data-testid="dashboard">
                        <p class="muted as-of">{lang.tf("analytics.as_of", &[("day", &today.to_string())])}</p>
                        <div class="kpis">{tiles}</div>
                        {month}
                        {charts}
                    </div>
                })
            })}
        </Page>
    }
}
