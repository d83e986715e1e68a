//! A submit button that asks first, for what cannot be undone (revoking a key, signing a
//! user out everywhere, deleting a threshold). The question travels in the button's
//! `data-confirm`; one listener for the whole document asks it, so buttons in refreshed
//! live regions ask too. Without JavaScript the form submits at once.

use leptos::prelude::*;

#[component]
pub fn ConfirmButton(
    /// The button's text.
    label: &'static str,
    /// The question asked before submitting.
    question: String,
    #[prop(optional)] class: &'static str,
) -> impl IntoView {
    view! {
        <button type="submit" class=format!("btn {class}") data-confirm=question>{label}</button>
    }
}

/// Asks each `[data-confirm]` button's question before its form is sent; a "no" stops it.
#[cfg(feature = "hydrate")]
pub fn install() {
    use wasm_bindgen::{closure::Closure, JsCast};
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let ask = Closure::<dyn FnMut(web_sys::Event)>::new(|ev: web_sys::Event| {
        let question = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|el| el.closest("[data-confirm]").ok().flatten())
            .and_then(|el| el.get_attribute("data-confirm"));
        let Some(question) = question else { return };
        let yes = web_sys::window()
            .and_then(|w| w.confirm_with_message(&question).ok())
            .unwrap_or(true);
        if !yes {
            ev.prevent_default();
        }
    });
    let _ = document.add_event_listener_with_callback_and_bool(
        "click",
        ask.as_ref().unchecked_ref(),
        true,
    );
    ask.forget();
}
