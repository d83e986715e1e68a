//! Live regions: parts of a server-rendered page (`data-live-region` with an `id`) that the
//! browser refreshes in place when the server announces a change — the page is fetched
//! again and each region's content replaced, so a tablet's stock page stays current
//! without a reload; forms outside the regions are untouched, and a region someone is
//! typing in is left alone until they are done.
//!
//! One `EventSource` on `/events` per tab carries every module's announcements; modules
//! add their own reactions with [`listen`] (CRM's due-task notices). A search form marked
//! `data-search-live` shows its results as the person types, through the same refresh.

/// Marks an element as a live region: `<div id="stock-live" data-live-region>`.
pub const ATTRIBUTE: &str = "data-live-region";
/// Marks a GET form whose results (a live region) follow what is typed.
pub const SEARCH_ATTRIBUTE: &str = "data-search-live";
/// On a live region: topics beyond the common ones that refresh this page too (the
/// dashboard's `sales`), space-separated. Only pages that ask hear them.
pub const TOPICS_ATTRIBUTE: &str = "data-live-topics";

/// What the stream sends a listener that fell behind: "something changed, look again".
pub const CHANGED_TOPIC: &str = "changed";

/// The topics whose announcements refresh the page's live regions.
#[cfg(feature = "hydrate")]
const TOPICS: [&str; 5] = ["stock", "follow_up", "order", "appointment", CHANGED_TOPIC];

/// How long announcements are gathered before the page refreshes: short against the 2 s
/// a tablet has to show a change, long enough to fold a burst into one fetch.
#[cfg(feature = "hydrate")]
const GATHER_MS: i32 = 250;

/// How long typing pauses before the results are fetched.
#[cfg(feature = "hydrate")]
const TYPING_MS: i32 = 300;

#[cfg(feature = "hydrate")]
thread_local! {
    static SOURCE: std::cell::RefCell<Option<web_sys::EventSource>> =
        const { std::cell::RefCell::new(None) };
    /// Counts refreshes started: an answer that arrives after a newer one started is
    /// dropped, so fast typing never shows an older search's results last.
    static STARTED: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
}

/// Fetches the page again and replaces the content of each live region in it.
#[cfg(feature = "hydrate")]
pub async fn refresh() -> Result<(), wasm_bindgen::JsValue> {
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;
    let mine = STARTED.with(|s| {
        s.set(s.get().wrapping_add(1));
        s.get()
    });
    let window = web_sys::window().ok_or("no window")?;
    let document = window.document().ok_or("no document")?;
    let href = window.location().href()?;
    let response: web_sys::Response = JsFuture::from(window.fetch_with_str(&href))
        .await?
        .dyn_into()?;
    if !response.ok() || response.redirected() {
        // Signed out meanwhile, or an error page: leave the page as it is.
        return Ok(());
    }
    let html = JsFuture::from(response.text()?)
        .await?
        .as_string()
        .unwrap_or_default();
    if STARTED.with(|s| s.get()) != mine {
        return Ok(());
    }
    let fresh =
        web_sys::DomParser::new()?.parse_from_string(&html, web_sys::SupportedType::TextHtml)?;
    let regions = document.query_selector_all(&format!("[{ATTRIBUTE}][id]"))?;
    for i in 0..regions.length() {
        let Some(region) = regions
            .item(i)
            .and_then(|n| n.dyn_into::<web_sys::Element>().ok())
        else {
            continue;
        };
        if being_typed_in(&document, &region) {
            continue;
        }
        if let Some(new) = fresh.get_element_by_id(&region.id()) {
            region.set_inner_html(&new.inner_html());
        }
    }
    Ok(())
}

/// Is someone typing in this region (its focus, or a field changed from what the page
/// brought)? Then it is left as it is until the next refresh: nobody loses what they typed.
#[cfg(feature = "hydrate")]
fn being_typed_in(document: &web_sys::Document, region: &web_sys::Element) -> bool {
    use wasm_bindgen::JsCast;
    if document.active_element().is_some_and(|a| {
        region.contains(Some(&a)) && a.matches("input, textarea, select").unwrap_or(false)
    }) {
        return true;
    }
    let Ok(fields) = region.query_selector_all("input, textarea") else {
        return false;
    };
    (0..fields.length())
        .filter_map(|i| fields.item(i))
        .any(|f| {
            if let Some(input) = f.dyn_ref::<web_sys::HtmlInputElement>() {
                input.value() != input.default_value()
            } else if let Some(area) = f.dyn_ref::<web_sys::HtmlTextAreaElement>() {
                area.default_value().is_ok_and(|d| d != area.value())
            } else {
                false
            }
        })
}

/// Runs `f` once, `ms` from now.
#[cfg(feature = "hydrate")]
pub fn after(ms: i32, f: impl FnOnce() + 'static) -> Option<i32> {
    use wasm_bindgen::{closure::Closure, JsCast};
    let f = Closure::once_into_js(f);
    web_sys::window()?
        .set_timeout_with_callback_and_timeout_and_arguments_0(f.unchecked_ref(), ms)
        .ok()
}

/// Opens the tab's event stream (on pages that have live regions: every signed-in page,
/// whose navigation badges are one), refreshes the regions when something they show
/// changes, and marks the page as listening (`<body data-live="on">`).
#[cfg(feature = "hydrate")]
pub fn start() {
    use std::{cell::Cell, rc::Rc};
    use wasm_bindgen::{closure::Closure, JsCast};
    let Some(window) = web_sys::window() else {
        return;
    };
    let has_regions = window
        .document()
        .and_then(|d| d.query_selector(&format!("[{ATTRIBUTE}]")).ok().flatten())
        .is_some();
    if !has_regions {
        return;
    }
    let Ok(source) = web_sys::EventSource::new("/events") else {
        return;
    };
    SOURCE.with(|s| *s.borrow_mut() = Some(source.clone()));
    // The first announcement starts a short wait; the rest join it; then one refresh.
    let waiting = Rc::new(Cell::new(false));
    let refresh_soon = move || {
        if waiting.replace(true) {
            return;
        }
        let waiting = waiting.clone();
        after(GATHER_MS, move || {
            waiting.set(false);
            wasm_bindgen_futures::spawn_local(async {
                let _ = refresh().await;
            });
        });
    };
    for topic in TOPICS {
        let refresh_soon = refresh_soon.clone();
        listen(topic, refresh_soon);
    }
    for topic in page_topics(&window) {
        let refresh_soon = refresh_soon.clone();
        listen(&topic, refresh_soon);
    }
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
    let _ = source.add_event_listener_with_callback("open", on_open.as_ref().unchecked_ref());
    on_open.forget();
    search_as_you_type();
}

/// The extra topics the page's live regions ask for (`data-live-topics`), at most 8 short
/// ones, none of the common ones twice.
#[cfg(feature = "hydrate")]
fn page_topics(window: &web_sys::Window) -> Vec<String> {
    let Some(nodes) = window
        .document()
        .and_then(|d| d.query_selector_all(&format!("[{TOPICS_ATTRIBUTE}]")).ok())
    else {
        return Vec::new();
    };
    let mut topics: Vec<String> = Vec::new();
    for i in 0..nodes.length() {
        let Some(el) = nodes
            .item(i)
            .and_then(|n| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(n).ok())
        else {
            continue;
        };
        for t in el
            .get_attribute(TOPICS_ATTRIBUTE)
            .unwrap_or_default()
            .split_whitespace()
        {
            if t.len() <= 20
                && !TOPICS.contains(&t)
                && !topics.iter().any(|x| x == t)
                && topics.len() < 8
            {
                topics.push(t.to_owned());
            }
        }
    }
    topics
}

/// Calls `f` whenever the tab's event stream announces `topic` (or reconnects, when
/// `topic` is `"open"`). Nothing happens on a page without a stream.
#[cfg(feature = "hydrate")]
pub fn listen(topic: &str, mut f: impl FnMut() + 'static) {
    use wasm_bindgen::{closure::Closure, JsCast};
    SOURCE.with(|s| {
        if let Some(source) = s.borrow().as_ref() {
            let on = Closure::<dyn FnMut(web_sys::Event)>::new(move |_| f());
            let _ = source.add_event_listener_with_callback(topic, on.as_ref().unchecked_ref());
            on.forget();
        }
    });
}

/// A `data-search-live` GET form: each pause in typing (or a changed box) puts the
/// form's query in the address (so back, reload and sharing keep it) and refreshes the
/// page's live regions — the results. Without JavaScript the form submits as usual.
#[cfg(feature = "hydrate")]
fn search_as_you_type() {
    use std::{cell::Cell, rc::Rc};
    use wasm_bindgen::{closure::Closure, JsCast};
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let Some(form) = document
        .query_selector(&format!("form[{SEARCH_ATTRIBUTE}]"))
        .ok()
        .flatten()
        .and_then(|f| f.dyn_into::<web_sys::HtmlFormElement>().ok())
    else {
        return;
    };
    let typed = Rc::new(Cell::new(0u32));
    let search = {
        let form = form.clone();
        move || {
            let Ok(data) = web_sys::FormData::new_with_form(&form) else {
                return;
            };
            let Ok(params) = web_sys::UrlSearchParams::new_with_str_sequence_sequence(&data) else {
                return;
            };
            let query: String = params.to_string().into();
            let Some(window) = web_sys::window() else {
                return;
            };
            let action = form.action();
            let url = format!("{}?{query}", action.split('?').next().unwrap_or(&action));
            if let Ok(history) = window.history() {
                let _ =
                    history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
            }
            wasm_bindgen_futures::spawn_local(async {
                let _ = refresh().await;
            });
        }
    };
    let on_input = Closure::<dyn FnMut(web_sys::Event)>::new(move |_| {
        // Each keystroke restarts the wait; only the last one's timer searches.
        let mine = typed.get().wrapping_add(1);
        typed.set(mine);
        let (typed, search) = (typed.clone(), search.clone());
        after(TYPING_MS, move || {
            if typed.get() == mine {
                search();
            }
        });
    });
    for event in ["input", "change"] {
        let _ = form.add_event_listener_with_callback(event, on_input.as_ref().unchecked_ref());
    }
    on_input.forget();
}
