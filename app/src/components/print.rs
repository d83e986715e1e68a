//! A print button (`data-print`): hidden in the page as sent, shown and wired to the
//! browser's print dialog once JavaScript runs; without it, the browser's own print
//! command does the same.

/// Shows each `[data-print]` button and makes it open the print dialog.
#[cfg(feature = "hydrate")]
pub fn install() {
    use wasm_bindgen::{closure::Closure, JsCast};
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let Ok(buttons) = document.query_selector_all("[data-print]") else {
        return;
    };
    if buttons.length() == 0 {
        return;
    }
    for i in 0..buttons.length() {
        if let Some(el) = buttons
            .item(i)
            .and_then(|n| n.dyn_into::<web_sys::Element>().ok())
        {
            let _ = el.remove_attribute("hidden");
        }
    }
    let print = Closure::<dyn FnMut(web_sys::Event)>::new(|ev: web_sys::Event| {
        let on_button = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|el| el.closest("[data-print]").ok().flatten())
            .is_some();
        if on_button {
            if let Some(w) = web_sys::window() {
                let _ = w.print();
            }
        }
    });
    let _ = document.add_event_listener_with_callback("click", print.as_ref().unchecked_ref());
    print.forget();
}
