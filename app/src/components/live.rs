//! Live regions: parts of a server-rendered page (`data-live-region` with an `id`) that the
//! browser refreshes in place when the server announces a change — the page is fetched
//! again and each region's content replaced, so a tablet's stock page stays current
//! without a reload, and forms being typed in (outside the regions) are left alone.

/// Marks an element as a live region: `<div id="stock-live" data-live-region>`.
pub const ATTRIBUTE: &str = "data-live-region";

/// Fetches the page again and replaces the content of each live region in it.
#[cfg(feature = "hydrate")]
pub async fn refresh() -> Result<(), wasm_bindgen::JsValue> {
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;
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
        if let Some(new) = fresh.get_element_by_id(&region.id()) {
            region.set_inner_html(&new.inner_html());
        }
    }
    Ok(())
}
