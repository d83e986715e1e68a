//! The sign-in page. A plain form: it works with JavaScript off.

use super::login::Login;
use crate::{
    components::{Field, FormErrors, FormState},
    i18n::use_lang,
    layout::LangSwitch,
};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn LoginPage() -> impl IntoView {
    let lang = use_lang();
    let login = ServerAction::<Login>::new();
    let form = FormState::new("login", login.value());
    let query = use_query_map();
    let next = move || query.read().get("next").unwrap_or_else(|| "/".into());
    view! {
        <div class="login-page">
            <div class="login-card">
                <div class="login-head">
                    <span class="brand-mark">"F"</span>
                    <h1>{lang.t("app.name")}</h1>
                    <LangSwitch lang />
                </div>
                <p class="muted">{lang.t("login.intro")}</p>
                <ActionForm action=login node_ref=form.node() attr:class="form" attr:data-testid="login-form">
                    <input type="hidden" name="next" value=next />
                    <Field form name="username" label=lang.t("login.username") autocomplete="username"
                        required=true autocapitalize="none" />
                    <Field form name="password" label=lang.t("login.password") kind="password"
                        autocomplete="current-password" required=true />
                    <FormErrors form />
                    <button type="submit" class="btn btn-primary btn-block">{lang.t("login.submit")}</button>
                </ActionForm>
            </div>
        </div>
    }
}
