//! A submit button that asks first, for what cannot be undone (revoking a key, signing a
//! user out everywhere, deleting a threshold). Without JavaScript it submits at once.

use leptos::prelude::*;

#[component]
pub fn ConfirmButton(
    /// The button's text.
    label: &'static str,
    /// The question asked before submitting.
    question: String,
    #[prop(optional)] class: &'static str,
) -> impl IntoView {
    let ask = move |ev: leptos::ev::MouseEvent| {
        #[cfg(feature = "hydrate")]
        {
            let yes = window().confirm_with_message(&question).unwrap_or(false);
            if !yes {
                ev.prevent_default();
            }
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (ev, &question);
    };
    view! {
        <button type="submit" class=format!("btn {class}") on:click=ask>{label}</button>
    }
}
