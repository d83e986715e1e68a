//! Forecourt: orders, inventory, CRM and analytics for a car dealer group.
//! This crate holds the domain, the server functions and the pages; it compiles to the
//! server (`ssr`) and to the browser (`hydrate`).

#![recursion_limit = "256"]

pub mod admin;
pub mod aftersales;
pub mod analytics;
pub mod auth;
pub mod clock;
pub mod components;
pub mod crm;
pub mod domain;
pub mod error;
pub mod home;
pub mod i18n;
pub mod inventory;
pub mod layout;
pub mod orders;

#[cfg(feature = "ssr")]
pub mod audit;
#[cfg(feature = "ssr")]
pub mod ctx;
#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod events;
#[cfg(feature = "ssr")]
pub mod import;
#[cfg(feature = "ssr")]
pub mod jobs;
#[cfg(feature = "ssr")]
pub mod ratelimit;
#[cfg(feature = "ssr")]
pub mod rest;
#[cfg(feature = "ssr")]
pub mod server;
#[cfg(feature = "ssr")]
pub mod stream;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Link, Meta, Title};
use leptos_router::{
    components::{ParentRoute, Route, Router, Routes},
    path, SsrMode,
};

/// The HTML document around the app, rendered on the server.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let lang = i18n::provide_lang();
    view! {
        <!DOCTYPE html>
        <html lang=lang.code()>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover" />
                <meta name="theme-color" content="#0f4c81" />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                <leptos_meta::HashedStylesheet options=options.clone() id="leptos" />
                <HydrationScripts options islands=true />
                <leptos_meta::MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let lang = i18n::provide_lang();
    view! {
        <Title text=lang.t("app.title") />
        <Meta name="description" content=lang.t("app.description") />
        <Link rel="manifest" href="/manifest.webmanifest" />
        // In-order streaming: every page arrives complete, so it works without JavaScript.
        <Router>
            <Routes fallback=NotFound>
                <Route path=path!("/login") view=auth::login_page::LoginPage ssr=SsrMode::InOrder />
                // The public booking: no sign-in, outside the staff frame.
                <Route path=path!("/book") view=aftersales::pages::book::BookStartPage ssr=SsrMode::InOrder />
                <Route path=path!("/book/slot") view=aftersales::pages::book::BookSlotPage ssr=SsrMode::InOrder />
                <Route path=path!("/book/details") view=aftersales::pages::book::BookDetailsPage ssr=SsrMode::InOrder />
                <Route path=path!("/book/received") view=aftersales::pages::book::BookReceivedPage ssr=SsrMode::InOrder />
                <Route path=path!("/book/find") view=aftersales::pages::book::FindBookingPage ssr=SsrMode::InOrder />
                <Route path=path!("/book/a/:token") view=aftersales::pages::book::BookingPage ssr=SsrMode::InOrder />
                <Route path=path!("/book/a/:token/reschedule") view=aftersales::pages::book::ReschedulePage ssr=SsrMode::InOrder />
                // The order confirmation prints on its own, outside the frame.
                <Route path=path!("/orders/:id/print") view=orders::pages::print::PrintPage ssr=SsrMode::InOrder />
                // A customer's pages: no account, outside the staff's frame.
                <Route path=path!("/complain") view=aftersales::pages::complaint_public::ComplainPage ssr=SsrMode::InOrder />
                <Route path=path!("/rate/:token") view=aftersales::pages::rate::RatePage ssr=SsrMode::InOrder />
                <ParentRoute path=path!("") view=layout::AppLayout ssr=SsrMode::InOrder>
                    <Route path=path!("") view=home::HomePage ssr=SsrMode::InOrder />
                    <Route path=path!("inventory") view=inventory::pages::stock::StockPage ssr=SsrMode::InOrder />
                    <Route path=path!("inventory/vehicles") view=inventory::pages::vehicles::VehiclesPage ssr=SsrMode::InOrder />
                    <Route path=path!("inventory/intake") view=inventory::pages::intake::IntakePage ssr=SsrMode::InOrder />
                    <Route path=path!("inventory/alerts") view=inventory::pages::alerts::AlertsPage ssr=SsrMode::InOrder />
                    <Route path=path!("inventory/transfers") view=inventory::pages::transfers::TransfersPage ssr=SsrMode::InOrder />
                    <Route path=path!("crm/customers") view=crm::pages::customers::CustomersPage ssr=SsrMode::InOrder />
                    <Route path=path!("crm/customers/new") view=crm::pages::new_customer::NewCustomerPage ssr=SsrMode::InOrder />
                    <Route path=path!("crm/customers/:id") view=crm::pages::customer::CustomerPage ssr=SsrMode::InOrder />
                    <Route path=path!("crm/leads") view=crm::pages::leads::LeadsPage ssr=SsrMode::InOrder />
                    <Route path=path!("crm/leads/list") view=crm::pages::lead_list::LeadListPage ssr=SsrMode::InOrder />
                    <Route path=path!("crm/follow-ups") view=crm::pages::follow_ups::FollowUpsPage ssr=SsrMode::InOrder />
                    <Route path=path!("orders") view=orders::pages::list::OrdersPage ssr=SsrMode::InOrder />
                    <Route path=path!("orders/new") view=orders::pages::new::NewOrderPage ssr=SsrMode::InOrder />
                    <Route path=path!("orders/approvals") view=orders::pages::approvals::ApprovalsPage ssr=SsrMode::InOrder />
                    <Route path=path!("orders/import") view=orders::pages::import::ImportPage ssr=SsrMode::InOrder />
                    <Route path=path!("orders/:id") view=orders::pages::detail::OrderPage ssr=SsrMode::InOrder />
                    <Route path=path!("service") view=aftersales::pages::desk::DeskPage ssr=SsrMode::InOrder />
                    <Route path=path!("service/week") view=aftersales::pages::desk::WeekPage ssr=SsrMode::InOrder />
                    <Route path=path!("service/capacity") view=aftersales::pages::capacity::CapacityPage ssr=SsrMode::InOrder />
                    <Route path=path!("service/messages") view=aftersales::pages::messages::MessagesPage ssr=SsrMode::InOrder />
                    <Route path=path!("complaints") view=aftersales::pages::complaints::ComplaintsPage ssr=SsrMode::InOrder />
                    <Route path=path!("complaints/new") view=aftersales::pages::complaints::NewComplaintPage ssr=SsrMode::InOrder />
                    <Route path=path!("complaints/:id") view=aftersales::pages::complaint::ComplaintPage ssr=SsrMode::InOrder />
                    <Route path=path!("ratings") view=aftersales::pages::ratings::RatingsPage ssr=SsrMode::InOrder />
                    <Route path=path!("analytics") view=analytics::pages::dashboard::DashboardPage ssr=SsrMode::InOrder />
                    <Route path=path!("analytics/sales") view=analytics::pages::sales::SalesPage ssr=SsrMode::InOrder />
                    <Route path=path!("analytics/cycle") view=analytics::pages::cycle::CyclePage ssr=SsrMode::InOrder />
                    <Route path=path!("analytics/customers") view=analytics::pages::customers::CustomersReportPage ssr=SsrMode::InOrder />
                    <Route path=path!("analytics/turnover") view=analytics::pages::turnover::TurnoverPage ssr=SsrMode::InOrder />
                    <Route path=path!("analytics/outlook") view=analytics::pages::outlook::OutlookPage ssr=SsrMode::InOrder />
                    <Route path=path!("analytics/targets") view=analytics::pages::targets::TargetsPage ssr=SsrMode::InOrder />
                    <Route path=path!("admin/users") view=admin::pages::AdminUsersPage ssr=SsrMode::InOrder />
                    <Route path=path!("admin/stores") view=admin::pages::AdminStoresPage ssr=SsrMode::InOrder />
                    <Route path=path!("admin/api-keys") view=admin::pages::AdminApiKeysPage ssr=SsrMode::InOrder />
                    <Route path=path!("admin/audit") view=admin::audit::AuditPage ssr=SsrMode::InOrder />
                </ParentRoute>
            </Routes>
        </Router>
    }
}

#[component]
fn NotFound() -> impl IntoView {
    let lang = i18n::use_lang();
    #[cfg(feature = "ssr")]
    if let Some(resp) = use_context::<leptos_axum::ResponseOptions>() {
        resp.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <div class="not-found">
            <h1>"404"</h1>
            <p>{lang.t("error.page_not_found")}</p>
            <a class="btn btn-primary" href="/">{lang.t("nav.home")}</a>
        </div>
    }
}
