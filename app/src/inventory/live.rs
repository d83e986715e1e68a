//! Live stock in the browser: one `EventSource` on `/events/stock` per tab; announcements
//! arriving close together are gathered, then the page's live regions are refreshed
//! (see `components::live`).

/// How long announcements are gathered before the page refreshes: short against the 2 s
/// a tablet has to show a change, long enough to fold a burst into one fetch.
#[cfg(feature = "hydrate")]
const GATHER_MS: i32 = 250;

/// Listens for stock changes the signed-in user may see (on pages that have live
/// regions), and marks the page as listening (`<body data-live="on">`).
#[cfg(feature = "hydrate")]
pub fn start() {
    use crate::components::live;
    use std::{cell::Cell, rc::Rc};
    use wasm_bindgen::{closure::Closure, JsCast};
    let Some(window) = web_sys::window() else {
        return;
    };
    let has_regions = window
        .document()
        .and_then(|d| {
            d.query_selector(&format!("[{}]", live::ATTRIBUTE))
                .ok()
                .flatten()
        })
        .is_some();
    if !has_regions {
        return;
    }
    let Ok(source) = web_sys::EventSource::new("/events/stock") else {
        return;
    };
    // The first announcement starts a short wait; the rest join it; then one refresh.
    let waiting = Rc::new(Cell::new(false));
    let refresh_soon = Rc::new(move || {
        if waiting.replace(true) {
            return;
        }
        let waiting = waiting.clone();
        let done = Closure::once_into_js(move || {
            waiting.set(false);
            wasm_bindgen_futures::spawn_local(async {
                let _ = live::refresh().await;
            });
        });
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(
                done.unchecked_ref(),
                GATHER_MS,
            );
        }
    });
    let on_change = {
        let refresh_soon = refresh_soon.clone();
        Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |_| refresh_soon())
    };
    let _ = source.add_event_listener_with_callback("stock", on_change.as_ref().unchecked_ref());
    on_change.forget();
    // The browser reconnects by itself; after a reconnection anything may have changed.
    let mut opened = 0u32;
    let on_open = Closure::<dyn FnMut(web_sys::Event)>::new(move |_| {
        opened += 1;
        if opened > 1 {
            refresh_soon();
        }
        if let Some(body) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.body())
        {
            let _ = body.set_attribute("data-live", "on");
        }
    });
    source.set_onopen(Some(on_open.as_ref().unchecked_ref()));
    on_open.forget();
    std::mem::forget(source);
}
