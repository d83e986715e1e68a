//! 智能预测与补货建议: per model, the weekly sales and the forecast ahead, how the forecast
//! did on weeks it was not shown against a naive one, and the reorder suggestion in words.

use super::{query_string, query_value, store_select, ExportLink, ReportTabs};
use crate::{
    analytics::{
        api::{load_outlook, report_stores},
        domain::outlook::ModelOutlook,
        tables::{self, method_key},
    },
    components::{chart::lines, Chart, Page, Series, SheetTable},
    error::AppError,
    i18n::{use_lang, Lang},
};
use leptos::prelude::*;
use leptos_router::components::Form;

/// The weeks of history a model's chart shows before the forecast.
const SHOWN_WEEKS: usize = 26;

fn model_card(m: ModelOutlook, lang: Lang, index: usize) -> impl IntoView {
    let history: Vec<i64> = m
        .history
        .iter()
        .rev()
        .take(SHOWN_WEEKS)
        .rev()
        .copied()
        .collect();
    let n = history.len();
    let ahead = m.forecast.len();
    let labels: Vec<String> = (0..n + ahead)
        .map(|i| {
            let w = i as i64 - n as i64;
            if w < 0 {
                lang.tf("analytics.weeks_ago", &[("n", &(-w).to_string())])
            } else {
                lang.tf("analytics.week_ahead", &[("n", &(w + 1).to_string())])
            }
        })
        .collect();
    let mut sold: Vec<Option<f64>> = history.iter().map(|u| Some(*u as f64)).collect();
    sold.extend(std::iter::repeat_n(None, ahead));
    // The forecast joins the last week sold, so the two lines meet.
    let mut expected: Vec<Option<f64>> = vec![None; n.saturating_sub(1)];
    if n > 0 {
        expected.push(history.last().map(|u| *u as f64));
    }
    expected.extend(m.forecast.iter().map(|v| Some(*v)));
    let id: &'static str = [
        "outlook-0",
        "outlook-1",
        "outlook-2",
        "outlook-3",
        "outlook-4",
        "outlook-5",
        "outlook-6",
        "outlook-7",
    ]
    .get(index)
    .copied()
    .unwrap_or("outlook-n");
    let svg = lines(
        id,
        &m.model_name,
        &m.reason,
        &labels,
        &[
            Series {
                name: lang.t("analytics.sold_weekly").to_owned(),
                values: sold,
            },
            Series {
                name: lang.t("analytics.forecast").to_owned(),
                values: expected,
            },
        ],
    );
    let rows: Vec<Vec<String>> = labels
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let value = if i < n {
                history[i].to_string()
            } else {
                format!("{:.1}", m.forecast[i - n])
            };
            vec![l.clone(), value]
        })
        .collect();
    let error = m.backtest.as_ref().map(|b| {
        let f = |x: Option<f64>| x.map(|x| format!("{x:.2}")).unwrap_or_else(|| "—".into());
        lang.tf(
            "analytics.backtest_line",
            &[
                ("weeks", &b.weeks.to_string()),
                ("mase", &f(b.mase)),
                ("naive", &f(b.naive_mase)),
            ],
        )
    });
    let quantity = m.suggestion.quantity;
    view! {
        <section class="card outlook-card" data-testid="outlook-model" data-model=m.model_name.clone()>
            <h2>{m.model_name.clone()}
                <span class="badge" class:badge-order={quantity > 0} data-testid="outlook-suggestion">
                    {if quantity > 0 { lang.tf("reorder.order", &[("n", &quantity.to_string())]) } else { lang.t("reorder.none").to_owned() }}
                </span>
            </h2>
            <p class="outlook-reason" data-testid="outlook-reason">{m.reason.clone()}</p>
            <p class="muted">{lang.t(method_key(m.method))}{error.map(|e| view! { " · "{e} })}</p>
            <Chart id=id title=lang.tf("analytics.outlook_chart", &[("model", &m.model_name)]) svg
                columns=vec![lang.t("analytics.week").to_owned(), lang.t("analytics.units").to_owned()]
                rows table_label=lang.t("analytics.data_table") />
        </section>
    }
}

#[component]
pub fn OutlookPage() -> impl IntoView {
    let lang = use_lang();
    let (store, lead) = (query_value("store_id"), query_value("lead_weeks"));
    let outlook = Resource::new(move || (store(), lead()), |(s, l)| load_outlook(s, l));
    let stores = Resource::new(|| (), |_| report_stores());
    view! {
        <Page title="analytics.outlook">
            <ReportTabs current="/analytics/outlook" />
            {move || Suspend::new(async move {
                let stores = stores.await.unwrap_or_default();
                let o = outlook.await?;
                let query = query_string(&[("store_id", &store()), ("lead_weeks", &o.lead_weeks.to_string())]);
                let sheets = tables::outlook(&o, lang);
                let week_of = o.week_of.clone();
                let lead_weeks = o.lead_weeks;
                let cards = o.models.into_iter().take(8).enumerate()
                    .map(|(i, m)| model_card(m, lang, i)).collect_view();
                Ok::<_, AppError>(view! {
                    <Form method="GET" action="/analytics/outlook" attr:class="filters report-filters">
                        {store_select(stores, store(), lang)}
                        <div class="field">
                            <label for="outlook-lead">{lang.t("analytics.lead_weeks")}</label>
                            <input id="outlook-lead" name="lead_weeks" type="number" min="1" max="26" inputmode="numeric"
                                value=lead_weeks.to_string() />
                        </div>
                        <button type="submit" class="btn btn-primary">{lang.t("common.apply")}</button>
                        <ExportLink href=format!("/analytics/outlook.xlsx?{query}") />
                    </Form>
                    <p class="muted">{lang.tf("analytics.outlook_hint", &[("week", &week_of), ("lead", &lead_weeks.to_string())])}</p>
                    <div class="outlook-grid">{cards}</div>
                    {sheets.into_iter().map(|sheet| view! { <SheetTable sheet empty=lang.t("analytics.none") /> }).collect_view()}
                })
            })}
        </Page>
    }
}
