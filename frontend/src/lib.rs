//! The WASM entry point. Pages are rendered on the server and work as they are; in the
//! browser, only the islands hydrate (the intake and upload forms, the new API key form),
//! live regions refresh when something they show changes, searches answer as you type,
//! due follow-ups raise a notice, destructive buttons ask first, print buttons open the
//! print dialog, and the service worker keeps the app for offline use.

use wasm_bindgen::prelude::wasm_bindgen;

#[wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
    app::components::confirm::install();
    app::components::print::install();
    app::components::live::start();
    app::crm::reminders::start();
    mark_hydrated();
    register_service_worker();
}

/// `<html data-hydrated>` once the islands' event handlers are attached: until then a
/// click on an island's form submits it the plain-HTML way. Browser tests wait for it
/// before using in-place forms.
fn mark_hydrated() {
    if let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let _ = root.set_attribute("data-hydrated", "");
    }
}

/// Registers the service worker and, the page being interactive, asks it to fetch the
/// rest of the build for offline use. A failure only costs offline support.
fn register_service_worker() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let container = window.navigator().service_worker();
    let _ = container.register("/sw.js");
    let Ok(ready) = container.ready() else {
        return;
    };
    wasm_bindgen_futures::spawn_local(async move {
        use wasm_bindgen::JsCast;
        let Ok(reg) = wasm_bindgen_futures::JsFuture::from(ready).await else {
            return;
        };
        let active = reg
            .dyn_into::<web_sys::ServiceWorkerRegistration>()
            .ok()
            .and_then(|r| r.active());
        if let Some(worker) = active {
            let _ = worker.post_message(&"precache".into());
        }
    });
}
