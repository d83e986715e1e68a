//! Form fields: a label, the control, and the field's own error beside it (announced,
//! tied to the control with `aria-invalid` / `aria-describedby`).

use super::form::FormState;
use leptos::prelude::*;

/// The label and error around a control; `control` draws the control itself with the
/// id, the initial value and the ARIA state it is given.
fn framed<C, V>(
    form: FormState,
    name: &'static str,
    label: &'static str,
    wide: bool,
    control: C,
) -> impl IntoView
where
    C: FnOnce(Control) -> V,
    V: IntoView + 'static,
{
    form.register(name);
    let id = form.element_id(name);
    let error_id = format!("{id}-error");
    let message = move || form.error_for(name);
    let control = control(Control {
        id: id.clone(),
        invalid: Signal::derive(move || message().is_some().then_some("true")),
        described_by: {
            let error_id = error_id.clone();
            Signal::derive(move || message().is_some().then(|| error_id.clone()))
        },
        autofocus: form.first_bad(name),
        typed: form.typed(name),
    });
    view! {
        <div class="field" class:field-wide=wide class:invalid=move || message().is_some()>
            <label for=id>{label}</label>
            {control}
            <span class="field-error" id=error_id>{message}</span>
        </div>
    }
}

/// What a field hands its control.
struct Control {
    id: String,
    invalid: Signal<Option<&'static str>>,
    described_by: Signal<Option<String>>,
    autofocus: bool,
    /// What was typed before a refused submit came back (no JavaScript).
    typed: Option<String>,
}

/// A text input with its label and error.
#[component]
pub fn Field(
    form: FormState,
    /// The form field's name (and the error's field).
    name: &'static str,
    /// The label, already in the page's language.
    label: &'static str,
    /// `text` unless given (`date`, `password`, `number`…).
    #[prop(optional)]
    kind: Option<&'static str>,
    #[prop(optional, into)] value: String,
    #[prop(optional)] required: bool,
    #[prop(optional)] placeholder: Option<&'static str>,
    #[prop(optional)] inputmode: Option<&'static str>,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(optional)] autocapitalize: Option<&'static str>,
    #[prop(optional)] minlength: Option<u32>,
    #[prop(optional)] maxlength: Option<u32>,
    /// Spans the whole row of a form grid.
    #[prop(optional)]
    wide: bool,
) -> impl IntoView {
    // Passwords are never sent back.
    let secret = kind == Some("password");
    framed(form, name, label, wide, move |c: Control| {
        let value = if secret {
            String::new()
        } else {
            c.typed.unwrap_or(value)
        };
        view! {
            <input
                id=c.id
                name=name
                type=kind.unwrap_or("text")
                value=value
                required=required
                placeholder=placeholder
                inputmode=inputmode
                autocomplete=autocomplete
                autocapitalize=autocapitalize
                spellcheck=autocapitalize.map(|_| "false")
                minlength=minlength.map(|n| n.to_string())
                maxlength=maxlength.map(|n| n.to_string())
                autofocus=c.autofocus
                aria-invalid=c.invalid
                aria-describedby=c.described_by
            />
        }
    })
}

/// A multi-line text with its label and error (VINs one per line, notes).
#[component]
pub fn TextArea(
    form: FormState,
    name: &'static str,
    label: &'static str,
    #[prop(optional, into)] value: String,
    #[prop(optional)] required: bool,
    #[prop(optional)] rows: Option<u32>,
    #[prop(optional)] autocapitalize: Option<&'static str>,
    #[prop(optional)] wide: bool,
) -> impl IntoView {
    framed(form, name, label, wide, move |c: Control| {
        let value = c.typed.unwrap_or(value);
        view! {
            <textarea
                id=c.id
                name=name
                rows=rows.unwrap_or(3).to_string()
                required=required
                autocapitalize=autocapitalize
                spellcheck="false"
                autofocus=c.autofocus
                aria-invalid=c.invalid
                aria-describedby=c.described_by
            >{value}</textarea>
        }
    })
}

/// One option of a select; consecutive options of one `group` share an `<optgroup>`.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Choice {
    pub value: String,
    pub label: String,
    pub group: Option<String>,
}

impl Choice {
    pub fn new(value: impl ToString, label: impl Into<String>) -> Self {
        Choice {
            value: value.to_string(),
            label: label.into(),
            group: None,
        }
    }

    pub fn in_group(mut self, group: impl Into<String>) -> Self {
        self.group = Some(group.into());
        self
    }
}

/// The options of a select, grouped where the choices say so, one of them selected.
pub fn options(choices: Vec<Choice>, selected: Option<String>) -> impl IntoView {
    let mut groups: Vec<(Option<String>, Vec<Choice>)> = Vec::new();
    for c in choices {
        match groups.last_mut() {
            Some((g, items)) if *g == c.group => items.push(c),
            _ => groups.push((c.group.clone(), vec![c])),
        }
    }
    let option = move |c: Choice, selected: &Option<String>| {
        let on = selected.as_deref() == Some(c.value.as_str());
        view! { <option value=c.value selected=on>{c.label}</option> }
    };
    groups
        .into_iter()
        .map(|(group, items)| {
            let items = items
                .into_iter()
                .map(|c| option(c, &selected))
                .collect_view();
            match group {
                Some(label) => view! { <optgroup label=label>{items}</optgroup> }.into_any(),
                None => items.into_any(),
            }
        })
        .collect_view()
}

/// A select with its label and error.
#[component]
pub fn SelectField(
    form: FormState,
    name: &'static str,
    label: &'static str,
    choices: Vec<Choice>,
    /// The value chosen at first (the first choice when none).
    #[prop(default = None, into)]
    selected: Option<String>,
    /// A first choice with an empty value ("all", "none").
    #[prop(optional)]
    blank: Option<&'static str>,
    #[prop(optional)] required: bool,
    #[prop(optional)] wide: bool,
) -> impl IntoView {
    framed(form, name, label, wide, move |c: Control| {
        let selected = c.typed.or(selected);
        let blank = blank.map(|b| {
            view! { <option value="" selected=selected.as_deref().is_none_or(str::is_empty)>{b}</option> }
        });
        view! {
            <select
                id=c.id
                name=name
                required=required
                autofocus=c.autofocus
                aria-invalid=c.invalid
                aria-describedby=c.described_by
            >
                {blank}
                {options(choices, selected)}
            </select>
        }
    })
}

/// A labelled select with no error of its own: the filters of a list (a `GET` form).
#[component]
pub fn Select(
    name: &'static str,
    label: &'static str,
    choices: Vec<Choice>,
    #[prop(default = None, into)] selected: Option<String>,
    /// A first choice with an empty value ("all").
    #[prop(optional)]
    blank: Option<&'static str>,
) -> impl IntoView {
    let id = format!("filter-{name}");
    let blank = blank.map(|b| {
        view! { <option value="" selected=selected.as_deref().is_none_or(str::is_empty)>{b}</option> }
    });
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            <select id=id name=name>
                {blank}
                {options(choices, selected)}
            </select>
        </div>
    }
}
