//! The WASM entry point: hydrates the server-rendered page and registers the service
//! worker that keeps the app shell for offline use.

use wasm_bindgen::prelude::wasm_bindgen;

#[wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
    mark_hydrated();
    register_service_worker();
}

/// `<html data-hydrated>` once event handlers are attached: until then a click submits
/// forms the plain-HTML way. Browser tests wait for it before using in-place forms.
fn mark_hydrated() {
    if let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let _ = root.set_attribute("data-hydrated", "");
    }
}

fn register_service_worker() {
    if let Some(window) = web_sys::window() {
        let container = window.navigator().service_worker();
        // A failure only costs offline support; the app works without it.
        let _ = container.register("/sw.js");
    }
}
