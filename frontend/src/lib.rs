//! The WASM entry point: hydrates the server-rendered page and registers the service
//! worker that keeps the app shell for offline use.

use wasm_bindgen::prelude::wasm_bindgen;

#[wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
    register_service_worker();
}

fn register_service_worker() {
    if let Some(window) = web_sys::window() {
        let container = window.navigator().service_worker();
        // A failure only costs offline support; the app works without it.
        let _ = container.register("/sw.js");
    }
}
