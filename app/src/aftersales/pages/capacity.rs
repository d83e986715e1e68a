//! 工位与时段: a store's booking capacity — opening hours per weekday, slot length, bays
//! per service type or shared, closed days, how far ahead booking opens, the cut-off
//! before a slot — set by its service advisor or a manager.

use crate::{
    aftersales::{
        api::{service_capacity, SaveCapacity},
        domain::{hhmm, Capacity, ServiceType, SHARED_POOL},
    },
    components::{FormErrors, FormState, Page},
    error::AppError,
    i18n::use_lang,
};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn CapacityPage() -> impl IntoView {
    let lang = use_lang();
    let query = use_query_map();
    let store = move || {
        query
            .read()
            .get("store")
            .and_then(|s| s.parse::<i64>().ok())
    };
    let saved = move || query.read().get("saved").is_some();
    let data = Resource::new(store, service_capacity);
    let save = ServerAction::<SaveCapacity>::new();
    let form = FormState::new("capacity", save.value());
    view! {
        <Page title="service.capacity.title">
            {move || saved().then(|| view! { <p class="note note-ok" role="status">{lang.t("service.capacity.saved")}</p> })}
            {move || Suspend::new(async move {
                let (store_id, c) = data.await?;
                let c = c.unwrap_or(Capacity {
                    store_id,
                    slot_minutes: 60,
                    horizon_days: 14,
                    cutoff_minutes: 60,
                    hours: Vec::new(),
                    bays: Vec::new(),
                    closed: Vec::new(),
                    version: 0,
                });
                let num = move |name: &'static str, label: &'static str, value: i64| {
                    let id = format!("capacity-{name}");
                    let err = format!("{id}-error");
                    let message = move || form.error_for(name);
                    let value = form.typed(name).unwrap_or_else(|| value.to_string());
                    view! {
                        <div class="field" class:invalid=move || message().is_some()>
                            <label for=id.clone()>{label}</label>
                            <input id=id name=name inputmode="numeric" maxlength="5" value=value
                                aria-invalid=move || message().is_some().then_some("true") aria-describedby=err.clone() />
                            <span class="field-error" id=err>{message}</span>
                        </div>
                    }
                };
                let time = move |name: String, label: String, value: String| {
                    let id = format!("capacity-{name}");
                    let err = format!("{id}-error");
                    let n2 = name.clone();
                    let message = move || form.error_for(&n2);
                    let (m1, m2) = (message.clone(), message.clone());
                    let value = form.typed(&name).unwrap_or(value);
                    let (for_id, described) = (id.clone(), err.clone());
                    view! {
                        <div class="field" class:invalid=move || m1().is_some()>
                            <label for=for_id>{label}</label>
                            <input id=id name=name placeholder="08:30" maxlength="5" value=value
                                aria-invalid=move || m2().is_some().then_some("true") aria-describedby=described />
                            <span class="field-error" id=err>{message}</span>
                        </div>
                    }
                };
                let weekdays = ["service.weekday.1", "service.weekday.2", "service.weekday.3", "service.weekday.4", "service.weekday.5", "service.weekday.6", "service.weekday.7"];
                let closed_text: String = c.closed.iter().map(|(d, r)| format!("{d} {r}\n")).collect();
                Ok::<_, AppError>(view! {
                    <ActionForm action=save node_ref=form.node() attr:class="form" attr:data-testid="capacity-form">
                        <input type="hidden" name="store_id" value=store_id.to_string() />
                        <input type="hidden" name="version" value=c.version.to_string() />
                        <div class="form-grid">
                            {num("slot_minutes", lang.t("service.capacity.slot_minutes_label"), c.slot_minutes)}
                            {num("horizon_days", lang.t("service.capacity.horizon_days_label"), c.horizon_days)}
                            {num("cutoff_minutes", lang.t("service.capacity.cutoff_minutes_label"), c.cutoff_minutes)}
                        </div>
                        <fieldset>
                            <legend>{lang.t("service.capacity.hours_legend")}</legend>
                            <div class="form-grid">
                                {(1..=7).map(|w: i64| {
                                    let h = c.hours.iter().find(|h| h.weekday == w);
                                    let day = lang.t(weekdays[(w - 1) as usize]);
                                    view! {
                                        {time(format!("opens_{w}"), format!("{day} {}", lang.t("service.capacity.opens")), h.map(|h| hhmm(h.opens_min)).unwrap_or_default())}
                                        {time(format!("closes_{w}"), format!("{day} {}", lang.t("service.capacity.closes")), h.map(|h| hhmm(h.closes_min)).unwrap_or_default())}
                                    }
                                }).collect_view()}
                            </div>
                        </fieldset>
                        <fieldset>
                            <legend>{lang.t("service.capacity.bays_legend")}</legend>
                            <p class="muted">{lang.t("service.capacity.bays_help")}</p>
                            <div class="form-grid">
                                {num("bays_shared", lang.t("service.pool.shared"), c.bays_in(SHARED_POOL))}
                                {ServiceType::ALL.iter().map(|t| {
                                    let name: &'static str = match t {
                                        ServiceType::Maintenance => "bays_maintenance",
                                        ServiceType::Repair => "bays_repair",
                                        ServiceType::Inspection => "bays_inspection",
                                        ServiceType::Tyres => "bays_tyres",
                                        ServiceType::Warranty => "bays_warranty",
                                        ServiceType::BodyPaint => "bays_body_paint",
                                    };
                                    num(name, lang.t(t.label_key()), c.bays_in(t.code()))
                                }).collect_view()}
                            </div>
                        </fieldset>
                        <div class="field" class:invalid=move || form.error_for("closed_days").is_some()>
                            <label for="capacity-closed_days">{lang.t("service.capacity.closed_label")}</label>
                            <textarea id="capacity-closed_days" name="closed_days" rows="4" maxlength="4000"
                                placeholder="2026-12-25 圣诞节" aria-describedby="capacity-closed_days-error"
                                aria-invalid=move || form.error_for("closed_days").map(|_| "true")>
                                {form.typed("closed_days").unwrap_or(closed_text)}
                            </textarea>
                            <span class="field-error" id="capacity-closed_days-error">{move || form.error_for("closed_days")}</span>
                        </div>
                        <FormErrors form />
                        <button type="submit" class="btn btn-primary">{lang.t("common.save")}</button>
                    </ActionForm>
                })
            })}
        </Page>
    }
}
