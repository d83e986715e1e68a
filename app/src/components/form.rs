//! The state of one form: the last answer of its server action. Its fields read their
//! own error from it (and, after a failed submit without JavaScript, what was typed); it
//! focuses the first bad field when a submit fails with JavaScript on.

use crate::{error::AppError, i18n::use_lang};
use leptos::{html, prelude::*};

#[derive(Clone, Copy)]
pub struct FormState {
    /// Names the form's elements (`intake-vin`, `intake-vin-error`).
    id: &'static str,
    error: Signal<Option<AppError>>,
    node: NodeRef<html::Form>,
    /// The fields drawn so far, so errors without a field of their own are listed.
    fields: StoredValue<Vec<&'static str>>,
}

impl FormState {
    /// A form whose action's answers are in `value` (`action.value()`).
    pub fn new<T, S>(id: &'static str, value: S) -> Self
    where
        S: Get<Value = Option<Result<T, AppError>>> + Send + Sync + 'static,
        T: Send + Sync + 'static,
    {
        let error = Signal::derive(move || value.get().and_then(Result::err));
        let state = FormState {
            id,
            error,
            node: NodeRef::new(),
            fields: StoredValue::new(Vec::new()),
        };
        #[cfg(feature = "hydrate")]
        state.focus_first_bad_field();
        state
    }

    /// The form element, for `<ActionForm node_ref=…>`.
    pub fn node(self) -> NodeRef<html::Form> {
        self.node
    }

    pub(crate) fn register(self, name: &'static str) {
        self.fields.update_value(|f| {
            if !f.contains(&name) {
                f.push(name)
            }
        });
    }

    pub(crate) fn element_id(self, name: &str) -> String {
        format!("{}-{name}", self.id)
    }

    /// The message for field `name`, if the last submit was refused for it.
    pub fn error_for(self, name: &str) -> Option<String> {
        self.error
            .with(|e| e.as_ref().and_then(|e| e.field(name).map(str::to_owned)))
    }

    /// What was typed into `name` before a refused submit came back (no JavaScript).
    pub fn typed(self, name: &str) -> Option<String> {
        self.error
            .with_untracked(|e| e.as_ref().and_then(|e| e.input(name).map(str::to_owned)))
    }

    /// Is `name` the first field the last refusal named? (It gets `autofocus`, so the
    /// page that comes back without JavaScript starts there.)
    pub(crate) fn first_bad(self, name: &str) -> bool {
        self.error.with_untracked(|e| {
            e.as_ref()
                .and_then(|e| e.fields().first())
                .is_some_and(|f| f.field == name)
        })
    }

    #[cfg(feature = "hydrate")]
    fn focus_first_bad_field(self) {
        let (error, node) = (self.error, self.node);
        Effect::new(move |_| {
            let bad = error.with(|e| e.as_ref().is_some_and(|e| !e.fields().is_empty()));
            if bad {
                // After the fields have drawn their `aria-invalid`.
                request_animation_frame(move || {
                    use wasm_bindgen::JsCast;
                    let first = node
                        .get_untracked()
                        .and_then(|f| f.query_selector("[aria-invalid=\"true\"]").ok().flatten())
                        .and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok());
                    if let Some(el) = first {
                        let _ = el.focus();
                    }
                });
            }
        });
    }
}

/// The form's own message after a refused submit: how many fields need a look (each
/// says why beside itself), the errors that have no field on the form, or what went
/// wrong if it was not the input.
#[component]
pub fn FormErrors(form: FormState) -> impl IntoView {
    let lang = use_lang();
    move || {
        let e = form.error.get()?;
        let fields = e.fields();
        let drawn = form.fields.get_value();
        let elsewhere: Vec<String> = fields
            .iter()
            .filter(|f| !drawn.iter().any(|d| *d == f.field))
            .map(|f| f.message.clone())
            .collect();
        let summary = if fields.is_empty() {
            e.to_string()
        } else if elsewhere.len() == fields.len() {
            elsewhere.join(" ")
        } else {
            lang.tf(
                "form.fix_fields",
                &[("n", &(fields.len() - elsewhere.len()).to_string())],
            ) + &elsewhere
                .iter()
                .map(|m| format!(" {m}"))
                .collect::<String>()
        };
        Some(view! {
            <div class="error-note" role="alert" data-testid="form-error"><p>{summary}</p></div>
        })
    }
}
