//! Live stock in the browser: one `EventSource` on `/events/stock` per tab, whose
//! announcements bump a counter that stock pages and the alert badge refetch on.

use leptos::prelude::*;

#[derive(Clone, Copy)]
pub struct StockPulse(pub RwSignal<u64>);

/// Opens the event stream (in the browser only) and shares its counter below.
pub fn provide_stock_pulse() -> RwSignal<u64> {
    let pulse = RwSignal::new(0u64);
    provide_context(StockPulse(pulse));
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| connect(pulse));
    pulse
}

/// The counter of stock changes seen by this tab (0 on the server).
pub fn use_stock_pulse() -> RwSignal<u64> {
    use_context::<StockPulse>()
        .map(|p| p.0)
        .unwrap_or_else(|| RwSignal::new(0))
}

/// How long announcements are gathered before the page refetches: short against the 2 s
/// a tablet has to show a change, long enough to fold a burst into one query.
#[cfg(feature = "hydrate")]
const GATHER: std::time::Duration = std::time::Duration::from_millis(250);

#[cfg(feature = "hydrate")]
fn connect(pulse: RwSignal<u64>) {
    use wasm_bindgen::{closure::Closure, JsCast};
    let Ok(source) = web_sys::EventSource::new("/events/stock") else {
        return;
    };
    // Announcements arriving close together (several clerks at work, a script calling the
    // API) are gathered into one refetch: the first starts a short wait, the rest join it.
    let waiting = std::rc::Rc::new(std::cell::Cell::new(false));
    let on_change = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |_| {
        if !waiting.replace(true) {
            let waiting = waiting.clone();
            set_timeout(
                move || {
                    waiting.set(false);
                    pulse.update(|n| *n += 1);
                },
                GATHER,
            );
        }
    });
    let _ = source.add_event_listener_with_callback("stock", on_change.as_ref().unchecked_ref());
    on_change.forget();
    // The browser reconnects by itself; after a reconnection anything may have changed.
    let mut opened = 0u32;
    let on_open = Closure::<dyn FnMut(web_sys::Event)>::new(move |_| {
        opened += 1;
        if opened > 1 {
            pulse.update(|n| *n += 1);
        }
        // Marks the page as listening (the "live" indicator; tests wait for it).
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
