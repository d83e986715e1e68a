//! The sign-in page. A plain form: it works with JavaScript off.

use super::login::Login;
use crate::{components::ErrorNote, i18n::use_lang, layout::LangSwitch};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn LoginPage() -> impl IntoView {
    let lang = use_lang();
    let login = ServerAction::<Login>::new();
    let query = use_query_map();
    let next = move || query.read().get("next").unwrap_or_else(|| "/".into());
    let error = move || login.value().get().and_then(Result::err);
    view! {
        <div class="login-page">
            <div class="login-card">
                <div class="login-head">
                    <span class="brand-mark">"F"</span>
                    <h1>{lang.t("app.name")}</h1>
                    <LangSwitch lang />
                </div>
                <p class="muted">{lang.t("login.intro")}</p>
                <ActionForm action=login attr:class="form" attr:data-testid="login-form">
                    <input type="hidden" name="next" value=next />
                    <label class="field">
                        <span>{lang.t("login.username")}</span>
                        <input name="username" autocomplete="username" required autocapitalize="none" />
                    </label>
                    <label class="field">
                        <span>{lang.t("login.password")}</span>
                        <input name="password" type="password" autocomplete="current-password" required />
                    </label>
                    {move || error().map(|e| view! { <ErrorNote error=e /> })}
                    <button type="submit" class="btn btn-primary btn-block">{lang.t("login.submit")}</button>
                </ActionForm>
            </div>
        </div>
    }
}
