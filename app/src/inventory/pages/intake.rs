//! 车辆入库: one vehicle by form, or a batch from the template. Both forms are islands:
//! they work as plain forms without JavaScript, and in place with it — the single form
//! keeps the chosen trim, colour and warehouse for the next vehicle, the upload shows every
//! refused row where it is.

use super::query;
use crate::{
    components::{Choice, ErrorNote, Field, FormErrors, FormState, Page, SelectField},
    error::AppError,
    i18n::use_lang,
    inventory::{
        api::{load_catalog, IntakeVehicle},
        domain::VehicleStatus,
        widgets::{color_choices, trim_choices, warehouse_choices},
    },
};
use leptos::prelude::*;

#[component]
pub fn IntakePage() -> impl IntoView {
    let lang = use_lang();
    let cat = Resource::new(|| (), |_| load_catalog());
    let imported = query("imported");
    let import_error = query("import_error");
    view! {
        <Page title="inventory.intake">
            {move || Suspend::new(async move {
                let cat = cat.await?;
                Ok::<_, AppError>(view! {
                    <div class="card">
                        <h2>{lang.t("inventory.intake_one")}</h2>
                        <IntakeForm trims=trim_choices(&cat) colors=color_choices(&cat)
                            warehouses=warehouse_choices(&cat) />
                    </div>
                    <div class="card">
                        <h2>{lang.t("inventory.intake_batch")}</h2>
                        <p class="muted">{lang.t("inventory.batch_hint")}</p>
                        <p><a class="btn" href="/inventory/intake-template.xlsx" rel="external" download>{lang.t("inventory.template")}</a></p>
                        <BatchUpload />
                        {imported().map(|n| view! { <p class="ok-note" role="status">{lang.tf("inventory.batch_done", &[("n", &n)])}</p> })}
                        {import_error().map(|e| view! { <div class="error-note" role="alert"><p>{e}</p></div> })}
                    </div>
                })
            })}
        </Page>
    }
}

/// One vehicle. After a vehicle is taken in, the VIN is cleared and focused for the next
/// one; the rest stays as chosen.
#[island]
fn IntakeForm(trims: Vec<Choice>, colors: Vec<Choice>, warehouses: Vec<Choice>) -> impl IntoView {
    let lang = use_lang();
    let intake = ServerAction::<IntakeVehicle>::new();
    let form = FormState::new("intake", intake.value());
    let statuses = [VehicleStatus::InStock, VehicleStatus::InTransit]
        .map(|s| Choice::new(s.code(), lang.t(s.label_key())))
        .to_vec();
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        if intake.value().with(|v| matches!(v, Some(Ok(_)))) {
            use wasm_bindgen::JsCast;
            let vin = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.get_element_by_id("intake-vin"))
                .and_then(|el| el.dyn_into::<web_sys::HtmlInputElement>().ok());
            if let Some(vin) = vin {
                vin.set_value("");
                let _ = vin.focus();
            }
        }
    });
    view! {
        <ActionForm action=intake node_ref=form.node() attr:class="form form-grid" attr:data-testid="intake-form" attr:novalidate=true>
            <Field form name="vin" label="VIN" required=true minlength=17 maxlength=17
                autocapitalize="characters" autocomplete="off" />
            <SelectField form name="trim_id" label=lang.t("vehicle.model_trim") choices=trims required=true />
            <SelectField form name="color_id" label=lang.t("vehicle.color") choices=colors required=true />
            <SelectField form name="warehouse_id" label=lang.t("vehicle.warehouse") choices=warehouses required=true />
            <SelectField form name="status" label=lang.t("vehicle.status") choices=statuses />
            <Field form name="cost" label=lang.t("vehicle.cost") required=true inputmode="decimal" placeholder="72000" />
            <Field form name="list_price" label=lang.t("vehicle.list_price") inputmode="decimal"
                placeholder=lang.t("vehicle.list_price_hint") />
            <Field form name="arrival_date" label=lang.t("vehicle.arrival_date") kind="date" />
            <button type="submit" class="btn btn-primary">{lang.t("inventory.intake_submit")}</button>
        </ActionForm>
        <FormErrors form />
        {move || intake.value().get().and_then(Result::ok).map(|_| view! {
            <p class="ok-note" role="status" data-testid="intake-ok">{lang.t("inventory.intake_done")}</p>
        })}
    }
}

/// The batch upload: a plain multipart form (works without JavaScript), sent with
/// `fetch` when JavaScript runs so the result shows in place, each refused row listed.
#[island]
fn BatchUpload() -> impl IntoView {
    let lang = use_lang();
    let busy = RwSignal::new(false);
    let result: RwSignal<Option<Result<i64, AppError>>> = RwSignal::new(None);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::JsCast;
            ev.prevent_default();
            let Some(form) = ev
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlFormElement>().ok())
            else {
                return;
            };
            busy.set(true);
            leptos::task::spawn_local(async move {
                result.set(Some(upload(form).await));
                busy.set(false);
            });
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (ev, busy, result);
    };
    view! {
        <form method="post" action="/inventory/import" enctype="multipart/form-data" class="form inline-form"
            on:submit=on_submit data-testid="batch-form">
            <input type="file" name="file" required aria-label=lang.t("inventory.batch_file")
                accept=".xlsx,.csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,text/csv" />
            <button type="submit" class="btn btn-primary" disabled=move || busy.get()>{lang.t("inventory.upload")}</button>
        </form>
        {move || result.get().map(|r| match r {
            Ok(n) => view! { <p class="ok-note" role="status" data-testid="batch-ok">{lang.tf("inventory.batch_done", &[("n", &n.to_string())])}</p> }.into_any(),
            Err(e) => view! { <ErrorNote error=e /> }.into_any(),
        })}
    }
}

/// Sends the batch form with `fetch`; the answer is `{"imported": n}` or a problem.
#[cfg(feature = "hydrate")]
async fn upload(form: web_sys::HtmlFormElement) -> Result<i64, AppError> {
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;
    let failed = |e: wasm_bindgen::JsValue| AppError::Transport(format!("{e:?}"));
    let data = web_sys::FormData::new_with_form(&form).map_err(failed)?;
    let init = web_sys::RequestInit::new();
    init.set_method("POST");
    init.set_body(&data);
    let headers = web_sys::Headers::new().map_err(failed)?;
    headers.set("accept", "application/json").map_err(failed)?;
    init.set_headers(&headers);
    let window = web_sys::window().ok_or_else(|| AppError::Transport("no window".into()))?;
    let res: web_sys::Response =
        JsFuture::from(window.fetch_with_str_and_init("/inventory/import", &init))
            .await
            .map_err(failed)?
            .dyn_into()
            .map_err(failed)?;
    let text = JsFuture::from(res.text().map_err(failed)?)
        .await
        .map_err(failed)?
        .as_string()
        .unwrap_or_default();
    if res.ok() {
        #[derive(serde::Deserialize)]
        struct Done {
            imported: i64,
        }
        serde_json::from_str::<Done>(&text)
            .map(|d| d.imported)
            .map_err(|e| AppError::Transport(e.to_string()))
    } else {
        Err(AppError::from_problem(res.status(), &text))
    }
}
