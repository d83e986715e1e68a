//! 投诉 (the customer's page, no sign-in): the booking code or order number with the
//! mobile it was made with, what it is about and what happened. A plain form: it works
//! with JavaScript off, keeps what was typed and shows each message beside its field, and
//! fits a phone. Once received, the page says so and gives the reference to quote.

use super::complaints::category_choices;
use crate::{
    aftersales::api::SubmitComplaint,
    components::{Field, FormErrors, FormState, SelectField, TextArea},
    i18n::use_lang,
    layout::LangSwitch,
};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn ComplainPage() -> impl IntoView {
    let lang = use_lang();
    let submit = ServerAction::<SubmitComplaint>::new();
    let form = FormState::new("complain", submit.value());
    let query = use_query_map();
    // The reference of a complaint just received (8 characters of the code alphabet).
    let sent = move || {
        query
            .read()
            .get("sent")
            .filter(|r| r.len() == 8 && r.bytes().all(|b| b.is_ascii_alphanumeric()))
    };
    view! {
        <div class="public-page">
            <div class="public-card" data-testid="complain-card">
                <div class="login-head">
                    <span class="brand-mark">"F"</span>
                    <h1>{lang.t("complaint.public.title")}</h1>
                    <LangSwitch lang />
                </div>
                {move || match sent() {
                    Some(reference) => view! {
                        <div role="status" data-testid="complaint-received">
                            <p class="ok-note">{lang.t("complaint.public.received")}</p>
                            <p>{lang.t("complaint.public.reference")}" "<strong data-testid="complaint-ref">{reference}</strong></p>
                        </div>
                    }.into_any(),
                    None => view! {
                        <p class="muted">{lang.t("complaint.public.intro")}</p>
                        <ActionForm action=submit node_ref=form.node() attr:class="form" attr:data-testid="complain-form" attr:novalidate=true>
                            <Field form name="reference" label=lang.t("complaint.public.ref_label") required=true maxlength=40
                                autocomplete="off" autocapitalize="characters" placeholder=lang.t("complaint.public.ref_hint") />
                            <Field form name="mobile" label=lang.t("complaint.mobile") kind="tel" inputmode="tel" required=true
                                autocomplete="tel" />
                            <SelectField form name="category" label=lang.t("complaint.category") choices=category_choices(lang)
                                blank="-" required=true />
                            <TextArea form name="description" label=lang.t("complaint.public.what") rows=5 required=true />
                            <Field form name="name" label=lang.t("complaint.public.name") maxlength=50 autocomplete="name" />
                            // A field people never see: a robot fills it, and its form is dropped.
                            <div class="hp" aria-hidden="true">
                                <label for="complain-website">"Website"</label>
                                <input id="complain-website" name="website" type="text" tabindex="-1" autocomplete="off" />
                            </div>
                            <FormErrors form />
                            <button type="submit" class="btn btn-primary">{lang.t("complaint.public.submit")}</button>
                        </ActionForm>
                    }.into_any(),
                }}
            </div>
        </div>
    }
}
