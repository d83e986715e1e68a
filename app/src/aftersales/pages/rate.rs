//! 满意度评价 (the customer's page, no sign-in): opened from the link a completed service
//! visit or order gives; 1–5 stars, how likely they are to recommend us (0–10) and a
//! comment, once. Radio buttons in plain forms: it works with JavaScript off, keeps what
//! was chosen after a refusal, and fits a phone with 44 px targets.

use crate::{
    aftersales::{
        api::{show_rating, AnswerRating},
        domain::rating::MAX_COMMENT,
    },
    components::{FormErrors, FormState, TextArea},
    i18n::use_lang,
    layout::LangSwitch,
};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

#[component]
pub fn RatePage() -> impl IntoView {
    let lang = use_lang();
    let params = use_params_map();
    let token = move || params.with(|p| p.get("token").unwrap_or_default());
    let answer = ServerAction::<AnswerRating>::new();
    let form = FormState::new("rate", answer.value());
    let invite = Resource::new(
        move || (token(), answer.version().get()),
        |(t, _)| show_rating(t),
    );
    view! {
        <div class="public-page">
            <div class="public-card" data-testid="rate-card">
                <div class="login-head">
                    <span class="brand-mark">"F"</span>
                    <h1>{lang.t("rating.title")}</h1>
                    <LangSwitch lang />
                </div>
                <Suspense fallback=move || view! { <p class="muted">{lang.t("common.loading")}</p> }>
                    {move || Suspend::new(async move {
                        let i = match invite.await {
                            Ok(i) => i,
                            Err(e) => return view! { <p class="error-note" role="alert" data-testid="rate-missing">{e.to_string()}</p> }.into_any(),
                        };
                        let about = lang.tf(
                            match i.kind {
                                crate::aftersales::domain::rating::RatingKind::Appointment => "rating.about_visit",
                                crate::aftersales::domain::rating::RatingKind::Order => "rating.about_order",
                            },
                            &[("store", &i.store_name), ("subject", &i.subject)],
                        );
                        if i.answered {
                            return view! { <p class="ok-note" role="status" data-testid="rate-thanks">{lang.t("rating.thanks")}</p> }.into_any();
                        }
                        if i.expired {
                            return view! { <p class="error-note" role="alert" data-testid="rate-expired">{lang.t("rating.expired")}</p> }.into_any();
                        }
                        let typed = move |name: &str| form.typed(name);
                        view! {
                            <p class="muted">{about}</p>
                            <ActionForm action=answer node_ref=form.node() attr:class="form" attr:data-testid="rate-form" attr:novalidate=true>
                                <input type="hidden" name="token" value=token() />
                                {scale("stars", lang.t("rating.stars"), 1, 5, typed("stars"), form.error_for("stars"))}
                                {scale("nps", lang.t("rating.nps"), 0, 10, typed("nps"), form.error_for("nps"))}
                                <TextArea form name="comment" label=lang.t("rating.comment") rows=4 />
                                <p class="muted">{lang.tf("error.too_long", &[("max", &MAX_COMMENT.to_string())])}</p>
                                <div class="hp" aria-hidden="true">
                                    <label for="rate-website">"Website"</label>
                                    <input id="rate-website" name="website" type="text" tabindex="-1" autocomplete="off" />
                                </div>
                                <FormErrors form />
                                <button type="submit" class="btn btn-primary">{lang.t("rating.submit")}</button>
                            </ActionForm>
                        }.into_any()
                    })}
                </Suspense>
            </div>
        </div>
    }
}

/// A row of radio buttons from `lo` to `hi`, each a 44 px target with its own label, with
/// the field's error beside it.
fn scale(
    name: &'static str,
    legend: &'static str,
    lo: i64,
    hi: i64,
    typed: Option<String>,
    error: Option<String>,
) -> impl IntoView {
    let error_id = format!("rate-{name}-error");
    let options = (lo..=hi)
        .map(|n| {
            let id = format!("rate-{name}-{n}");
            let label_for = id.clone();
            let checked = typed.as_deref() == Some(n.to_string().as_str());
            view! {
                <label for=label_for>
                    <input id=id type="radio" name=name value=n.to_string() checked=checked
                        aria-invalid=error.is_some().then_some("true")
                        aria-describedby=error.is_some().then(|| error_id.clone()) />
                    {n.to_string()}
                </label>
            }
        })
        .collect_view();
    view! {
        <fieldset class="scale" class:invalid=error.is_some() data-testid=format!("rate-{name}")>
            <legend>{legend}</legend>
            {options}
            <span class="field-error" id=error_id.clone()>{error.clone()}</span>
        </fieldset>
    }
}
