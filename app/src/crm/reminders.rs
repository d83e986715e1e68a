//! Due follow-ups while the app is open: when one of the person's tasks comes due, a
//! notice appears in the page for a minute (a polite live region, so a screen reader
//! reads it too; the badge and 今日 keep the task) and, if the person allowed it, a
//! browser notification. The times come from the server when the page opens its event
//! stream and again whenever the person's follow-ups change; each task is announced once
//! per tab.

/// The button that asks for browser notifications (hidden until it can be used).
pub const ASK_ATTRIBUTE: &str = "data-notify-ask";
/// The container notices go in (in the layout, outside the live regions).
pub const NOTICES_ID: &str = "notices";
/// How long a notice stays unless closed sooner.
#[cfg(feature = "hydrate")]
const NOTICE_MS: i32 = 60_000;

#[cfg(feature = "hydrate")]
thread_local! {
    /// Bumped on each new schedule: timers of an older one do nothing.
    static SCHEDULE: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
    static ANNOUNCED: std::cell::RefCell<std::collections::HashSet<i64>> =
        std::cell::RefCell::new(std::collections::HashSet::new());
}

/// Starts on pages whose navigation offers 客户跟进 (the person has follow-ups).
#[cfg(feature = "hydrate")]
pub fn start() {
    use crate::components::live;
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let has_follow_ups = document
        .query_selector("a[href='/crm/follow-ups']")
        .ok()
        .flatten()
        .is_some();
    if !has_follow_ups {
        return;
    }
    // The stream opening (and reopening) and every change to the person's tasks.
    for topic in ["open", "follow_up", live::CHANGED_TOPIC] {
        live::listen(topic, schedule);
    }
    offer_notifications(&document);
}

/// Fetches the tasks coming due and sets a timer for each.
#[cfg(feature = "hydrate")]
fn schedule() {
    let generation = SCHEDULE.with(|s| {
        s.set(s.get().wrapping_add(1));
        s.get()
    });
    wasm_bindgen_futures::spawn_local(async move {
        let Ok(tasks) = super::api::upcoming_follow_ups().await else {
            return;
        };
        let now = js_sys::Date::now() as i64;
        for task in tasks {
            let wait = (task.due_at - now).clamp(0, 12 * 3_600_000) as i32;
            crate::components::live::after(wait, move || {
                let current = SCHEDULE.with(|s| s.get()) == generation;
                if current && ANNOUNCED.with(|a| a.borrow_mut().insert(task.id)) {
                    announce(&task);
                }
            });
        }
    });
}

/// Shows the notice in the page, and the browser notification when allowed.
#[cfg(feature = "hydrate")]
fn announce(task: &super::domain::follow_up::FollowUpRow) {
    use wasm_bindgen::{closure::Closure, JsCast};
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let lang = document
        .document_element()
        .and_then(|e| e.get_attribute("lang"))
        .and_then(|l| crate::i18n::Lang::from_code(&l))
        .unwrap_or_default();
    let title = lang.t("follow_up.due_notice");
    let body = format!("{} · {}", task.customer_name, task.goal);
    if let Some(container) = document.get_element_by_id(NOTICES_ID) {
        // Tasks coming due together make one notice that counts them, not a stack of
        // notices over the page.
        let shown = container
            .query_selector("[data-testid='due-notice']")
            .ok()
            .flatten();
        let gather = |notice: &web_sys::Element| -> Result<(), wasm_bindgen::JsValue> {
            let count = notice
                .get_attribute("data-count")
                .and_then(|c| c.parse::<u32>().ok())
                .unwrap_or(1)
                + 1;
            notice.set_attribute("data-count", &count.to_string())?;
            if let Some(text) = notice.query_selector("p")? {
                text.set_text_content(None);
                let strong = document.create_element("strong")?;
                strong.set_text_content(Some(title));
                text.append_child(&strong)?;
                let many = lang.tf("follow_up.due_many", &[("n", &count.to_string())]);
                text.append_with_str_1(&format!(" {many}"))?;
            }
            if let Some(open) = notice.query_selector("a")? {
                open.set_attribute("href", "/crm/follow-ups")?;
                open.set_text_content(Some(lang.t("follow_up.open_list")));
            }
            Ok(())
        };
        let build = || -> Result<(), wasm_bindgen::JsValue> {
            let notice = document.create_element("div")?;
            notice.set_class_name("notice");
            notice.set_attribute("data-testid", "due-notice")?;
            let text = document.create_element("p")?;
            let strong = document.create_element("strong")?;
            strong.set_text_content(Some(title));
            text.append_child(&strong)?;
            text.append_with_str_1(&format!(" {body}"))?;
            let open = document.create_element("a")?;
            open.set_attribute("href", &format!("/crm/customers/{}", task.customer_id))?;
            open.set_class_name("btn btn-small");
            open.set_text_content(Some(lang.t("follow_up.open_customer")));
            let close = document.create_element("button")?;
            close.set_attribute("type", "button")?;
            close.set_class_name("btn btn-ghost btn-small");
            close.set_attribute("aria-label", lang.t("common.close"))?;
            close.set_text_content(Some("×"));
            let gone = notice.clone();
            let on_close = Closure::once_into_js(move || gone.remove());
            close.add_event_listener_with_callback("click", on_close.unchecked_ref())?;
            notice.append_child(&text)?;
            notice.append_child(&open)?;
            notice.append_child(&close)?;
            container.append_child(&notice)?;
            // The badge and 今日 keep the task; the notice steps aside after a while.
            let stale = notice.clone();
            crate::components::live::after(NOTICE_MS, move || stale.remove());
            Ok(())
        };
        let _ = match shown {
            Some(notice) => gather(&notice),
            None => build(),
        };
    }
    if notifications_supported()
        && web_sys::Notification::permission() == web_sys::NotificationPermission::Granted
    {
        let options = web_sys::NotificationOptions::new();
        options.set_body(&body);
        options.set_tag(&format!("follow-up-{}", task.id));
        let _ = web_sys::Notification::new_with_options(title, &options);
    }
}

#[cfg(feature = "hydrate")]
fn notifications_supported() -> bool {
    web_sys::window().is_some_and(|w| {
        js_sys::Reflect::has(&w, &wasm_bindgen::JsValue::from_str("Notification")).unwrap_or(false)
    })
}

/// Shows the "allow browser notifications" button where the browser has them and the
/// person has not decided yet; a tap asks, then the button goes.
#[cfg(feature = "hydrate")]
fn offer_notifications(document: &web_sys::Document) {
    use wasm_bindgen::{closure::Closure, JsCast};
    let Some(button) = document
        .query_selector(&format!("[{ASK_ATTRIBUTE}]"))
        .ok()
        .flatten()
    else {
        return;
    };
    if !notifications_supported()
        || web_sys::Notification::permission() != web_sys::NotificationPermission::Default
    {
        return;
    }
    let _ = button.remove_attribute("hidden");
    let target = button.clone();
    let on_click = Closure::<dyn FnMut()>::new(move || {
        let _ = web_sys::Notification::request_permission();
        let _ = target.set_attribute("hidden", "");
    });
    let _ = button.add_event_listener_with_callback("click", on_click.as_ref().unchecked_ref());
    on_click.forget();
}
