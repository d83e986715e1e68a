//! 新建客户: the profile form. A mobile another profile holds is refused beside the
//! mobile field, naming who holds it; what was typed stays, with JavaScript on or off.

use super::{coded_choices, kind_choices};
use crate::{
    admin::stores::list_stores,
    components::{
        use_current_user, Choice, Field, FormErrors, FormState, Page, SelectField, TextArea,
    },
    crm::{
        api::CreateCustomer,
        domain::customer::{Fuel, Source, Timeframe},
    },
    i18n::use_lang,
};
use leptos::prelude::*;

#[component]
pub fn NewCustomerPage() -> impl IntoView {
    let lang = use_lang();
    let create = ServerAction::<CreateCustomer>::new();
    let form = FormState::new("customer", create.value());
    let sources = coded_choices(Source::ALL, Source::code, Source::label_key, lang);
    let fuels = coded_choices(Fuel::ALL, Fuel::code, Fuel::label_key, lang);
    let timeframes = coded_choices(Timeframe::ALL, Timeframe::code, Timeframe::label_key, lang);
    let consent_typed = form.typed("consent").is_some_and(|v| !v.is_empty());
    let user = use_current_user();
    // Group roles say which store the customer belongs to; everyone else adds to their own.
    let stores = Resource::new(
        || (),
        |_| async move {
            match list_stores().await {
                Ok((stores, _)) => stores
                    .into_iter()
                    .map(|s| Choice::new(s.id, s.name))
                    .collect(),
                Err(_) => Vec::new(),
            }
        },
    );
    // Erased here: seventeen fields make a type deep enough to strain the compiler.
    let form_view = view! {
                <ActionForm action=create node_ref=form.node() attr:class="form form-grid" attr:data-testid="customer-form" attr:novalidate=true>
                    {move || Suspend::new(async move {
                        let group = user.0.await.ok().flatten().is_some_and(|u| u.role.is_group_wide());
                        let stores: Vec<Choice> = stores.await;
                        group.then(|| view! {
                            <SelectField form name="store_id" label=lang.t("customer.store") choices=stores />
                        })
                    })}
                    <SelectField form name="kind" label=lang.t("customer.kind") choices=kind_choices(lang) />
                    <Field form name="name" label=lang.t("customer.name") required=true maxlength=50 autocomplete="off" />
                    <Field form name="mobile" label=lang.t("customer.mobile") required=true kind="tel" inputmode="tel"
                        placeholder="138 0013 8000" autocomplete="off" />
                    <Field form name="phone2" label=lang.t("customer.phone2") kind="tel" inputmode="tel" />
                    <Field form name="wechat" label=lang.t("customer.wechat") maxlength=60 />
                    <SelectField form name="source" label=lang.t("customer.source") choices=sources />
                    <Field form name="id_number" label=lang.t("customer.id_number") maxlength=18 autocapitalize="characters" />
                    <Field form name="address" label=lang.t("customer.address") maxlength=200 />
                    <Field form name="budget" label=lang.t("customer.budget") maxlength=60 placeholder="15-20万" />
                    <Field form name="preferred_models" label=lang.t("customer.preferred_models") maxlength=200 />
                    <Field form name="preferred_colors" label=lang.t("customer.preferred_colors") maxlength=60 />
                    <SelectField form name="fuel" label=lang.t("customer.fuel") choices=fuels blank="-" />
                    <SelectField form name="timeframe" label=lang.t("customer.timeframe") choices=timeframes blank="-" />
                    <Field form name="tags" label=lang.t("customer.tags") maxlength=200 placeholder=lang.t("customer.tags_hint") />
                    <TextArea form name="notes" label=lang.t("customer.notes") rows=3 wide=true />
                    <label class="check wide">
                        <input type="checkbox" name="consent" value="true" checked=consent_typed />
                        {lang.t("customer.consent_ask")}
                    </label>
                    <button type="submit" class="btn btn-primary">{lang.t("crm.save_customer")}</button>
                </ActionForm>
                <FormErrors form />
                <MobileCheck />
    }
    .into_any();
    view! {
        <Page title="crm.new_customer">
            <div class="card">{form_view}</div>
        </Page>
    }
}

/// While a mobile is typed, says (after a pause) who holds it already and offers to open
/// that profile, before anything is saved. Without JavaScript the same comes back beside
/// the field after saving.
#[island]
fn MobileCheck() -> impl IntoView {
    let lang = use_lang();
    let hit: RwSignal<Option<crate::crm::domain::customer::DuplicateHit>> = RwSignal::new(None);
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        use wasm_bindgen::{closure::Closure, JsCast};
        let Some(input) = document()
            .get_element_by_id("customer-mobile")
            .and_then(|el| el.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        // Each keystroke bumps the generation; only the last one, 300 ms later, asks.
        let generation = StoredValue::new(0u32);
        let field = input.clone();
        let on_input = Closure::<dyn Fn()>::new(move || {
            let value = field.value();
            generation.update_value(|g| *g = g.wrapping_add(1));
            let mine = generation.get_value();
            if value.chars().filter(char::is_ascii_digit).count() < 11 {
                hit.set(None);
                return;
            }
            set_timeout(
                move || {
                    if generation.get_value() != mine {
                        return;
                    }
                    leptos::task::spawn_local(async move {
                        let found = crate::crm::api::check_mobile(value).await.ok().flatten();
                        if generation.get_value() == mine {
                            hit.set(found);
                        }
                    });
                },
                std::time::Duration::from_millis(300),
            );
        });
        let _ = input.add_event_listener_with_callback("input", on_input.as_ref().unchecked_ref());
        on_input.forget();
    });
    view! {
        <div aria-live="polite">
            {move || hit.get().map(|h| {
                let text = h.message(lang);
                view! {
                    <p class="error-note" data-testid="mobile-exists">{text}" "
                        {h.may_open.then(|| view! { <a href=format!("/crm/customers/{}", h.id)>{lang.t("customer.open")}</a> })}
                    </p>
                }
            })}
        </div>
    }
}
