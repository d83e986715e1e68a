//! 满意度: the scores per store, advisor and salesperson (average stars and NPS) and the
//! recent answers, each low one linked to the complaint draft it opened.

use crate::{
    aftersales::{api::ratings_summary, domain::rating::Score},
    clock::local_time,
    components::{Column, DataTable, Page},
    error::AppError,
    i18n::{use_lang, Lang},
};
use leptos::prelude::*;

fn score_table(
    lang: Lang,
    title: &'static str,
    scores: Vec<Score>,
    testid: &'static str,
) -> impl IntoView {
    let columns = vec![
        Column::text(lang.t("rating.who")),
        Column::num(lang.t("rating.answers")),
        Column::num(lang.t("rating.avg_stars")),
        Column::num(lang.t("rating.nps_short")),
    ];
    let rows: Vec<_> = scores
        .into_iter()
        .map(|s| {
            view! {
                <tr data-testid="score-row" data-name=s.name.clone()>
                    <td>{s.name.clone()}</td>
                    <td class="num">{s.answers}</td>
                    <td class="num" data-testid="score-stars">{format!("{:.1}", s.avg_stars)}</td>
                    <td class="num" data-testid="score-nps">{s.nps}</td>
                </tr>
            }
        })
        .collect();
    view! {
        <div class="card">
            <h2>{lang.t(title)}</h2>
            <DataTable columns rows empty=lang.t("rating.none") testid=testid />
        </div>
    }
}

#[component]
pub fn RatingsPage() -> impl IntoView {
    let lang = use_lang();
    let summary = Resource::new(|| (), |_| ratings_summary());
    view! {
        <Page title="rating.list">
            {move || Suspend::new(async move {
                let s = summary.await?;
                let columns = vec![
                    Column::text(lang.t("rating.answered_at")),
                    Column::text(lang.t("rating.kind")),
                    Column::text(lang.t("rating.who")),
                    Column::num(lang.t("rating.stars_short")),
                    Column::num(lang.t("rating.nps_short")),
                    Column::text(lang.t("rating.comment")),
                ];
                let recent: Vec<_> = s.recent.into_iter().map(|r| view! {
                    <tr data-testid="rating-row">
                        <td class="nowrap">{local_time(r.answered_at)}</td>
                        <td>{lang.t(r.kind.label_key())}" · "{r.store_name.clone()}</td>
                        <td>{r.staff_name.clone().unwrap_or_default()}</td>
                        <td class="num">{"★".repeat(r.stars.clamp(0, 5) as usize)}</td>
                        <td class="num">{r.nps}</td>
                        <td>{r.comment.clone()}
                            {r.complaint_id.map(|c| view! { " "<a class="badge badge-overdue" href=format!("/complaints/{c}")>{lang.t("rating.draft")}</a> })}
                        </td>
                    </tr>
                }).collect();
                let stores = score_table(lang, "rating.by_store", s.stores, "scores-stores").into_any();
                let advisors = score_table(lang, "rating.by_advisor", s.advisors, "scores-advisors").into_any();
                let sales = score_table(lang, "rating.by_salesperson", s.salespeople, "scores-salespeople").into_any();
                Ok::<_, AppError>(view! {
                    {stores}
                    {advisors}
                    {sales}
                    <div class="card">
                        <h2>{lang.t("rating.recent")}</h2>
                        <DataTable columns rows=recent empty=lang.t("rating.none") testid="ratings-table" />
                    </div>
                })
            })}
        </Page>
    }
}

/// A completed order's (or visit's) rating link for staff to hand over: the address in a
/// read-only field to copy, whether it was answered, and its expiry.
#[component]
pub fn RatingLinkCard(url: String, answered: bool, expires_at: i64) -> impl IntoView {
    let lang = use_lang();
    view! {
        <div class="card" data-testid="rating-link-card">
            <h2>{lang.t("rating.link_title")}</h2>
            {if answered {
                view! { <p class="ok-note" data-testid="rating-answered">{lang.t("rating.link_answered")}</p> }.into_any()
            } else {
                view! {
                    <label for="rating-link">{lang.t("rating.link_hint")}</label>
                    <input id="rating-link" class="rating-link" type="text" readonly=true value=url.clone()
                        data-testid="rating-link" />
                    <p class="muted">{lang.tf("rating.link_expires", &[("at", &local_time(expires_at))])}</p>
                }.into_any()
            }}
        </div>
    }
}
