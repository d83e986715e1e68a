//! The application frame: top bar, navigation (side on tablets and desktops, bottom on
//! phones) and the page.

use crate::{
    auth::{allowed, Action, UserInfo},
    components::provide_current_user,
    i18n::{use_lang, Lang},
};
use leptos::prelude::*;
use leptos_router::{components::Outlet, hooks::use_location};

/// A destination in the navigation, shown to the roles that may use it.
struct NavItem {
    href: &'static str,
    label: &'static str,
    /// SVG path data (24 × 24, filled).
    icon: &'static str,
    action: Action,
}

const NAV: &[NavItem] = &[
    NavItem {
        href: "/",
        label: "nav.home",
        icon: "M3 11 12 3l9 8v9a1 1 0 0 1-1 1h-5v-6H9v6H4a1 1 0 0 1-1-1z",
        action: Action::ViewDashboard,
    },
    NavItem {
        href: "/analytics",
        label: "nav.analytics",
        icon: "M3 3h2v16h16v2H3zm4 10h3v4H7zm5-6h3v10h-3zm5 3h3v7h-3z",
        action: Action::ViewAnalytics,
    },
    NavItem {
        href: "/crm/customers",
        label: "nav.customers",
        icon: "M9 11a4 4 0 1 0 0-8 4 4 0 0 0 0 8zm-7 10a7 7 0 0 1 14 0zm14.5-10a3.5 3.5 0 1 0 0-7v7zm1.5 10h4a6 6 0 0 0-5-5.9 8.9 8.9 0 0 1 1 5.9z",
        action: Action::ViewCustomers,
    },
    NavItem {
        href: "/crm/follow-ups",
        label: "nav.follow_ups",
        icon: "M7 2v2H4v18h16V4h-3V2h-2v2H9V2zM6 9h12v11H6zm2 3v2h3v-2zm5 0v2h3v-2zm-5 4v2h3v-2z",
        action: Action::ViewCustomers,
    },
    NavItem {
        href: "/orders",
        label: "nav.orders",
        icon: "M6 2h9l5 5v15H4V2zm8 1.5V8h4.5zM7 11v2h10v-2zm0 4v2h10v-2zm0-8v2h5V7z",
        action: Action::ViewOrders,
    },
    NavItem {
        href: "/orders/approvals",
        label: "nav.approvals",
        icon: "M12 2 4 5v6c0 5 3.4 9.7 8 11 4.6-1.3 8-6 8-11V5zm-1.2 14.2-3.9-3.9 1.4-1.4 2.5 2.5 5.1-5.1 1.4 1.4z",
        action: Action::ApproveOrders,
    },
    NavItem {
        href: "/service",
        label: "nav.service",
        icon: "M22 19 13 10a6 6 0 0 0-7.7-7.7l3.9 3.9-2.8 2.8-3.9-3.9A6 6 0 0 0 10.2 13l9 9z",
        action: Action::ViewService,
    },
    NavItem {
        href: "/inventory",
        label: "nav.stock",
        icon: "M3 3h8v8H3zm10 0h8v8h-8zM3 13h8v8H3zm10 0h8v8h-8z",
        action: Action::ViewStock,
    },
    NavItem {
        href: "/inventory/intake",
        label: "nav.intake",
        icon: "M11 3h2v10l3.5-3.5 1.4 1.4L12 16.8l-5.9-5.9 1.4-1.4L11 13zM4 18h16v3H4z",
        action: Action::IntakeVehicles,
    },
    NavItem {
        href: "/inventory/alerts",
        label: "nav.alerts",
        icon: "M12 2a7 7 0 0 0-7 7v5l-2 3v1h18v-1l-2-3V9a7 7 0 0 0-7-7zm-2.5 18a2.5 2.5 0 0 0 5 0z",
        action: Action::ViewStock,
    },
    NavItem {
        href: "/inventory/transfers",
        label: "nav.transfers",
        icon: "M4 7h12V4l5 5-5 5v-3H4zm16 10H8v3l-5-5 5-5v3h12z",
        action: Action::ViewStock,
    },
    NavItem {
        href: "/complaints",
        label: "nav.complaints",
        icon: "M4 3h16a1 1 0 0 1 1 1v12a1 1 0 0 1-1 1H8l-5 4V4a1 1 0 0 1 1-1zm7 3v6h2V6zm0 8v2h2v-2z",
        action: Action::ViewComplaints,
    },
    NavItem {
        href: "/ratings",
        label: "nav.ratings",
        icon: "m12 2 3 6.5 7 .8-5.2 4.8 1.4 7L12 17.6 5.8 21.1l1.4-7L2 9.3l7-.8z",
        action: Action::ViewComplaints,
    },
    NavItem {
        href: "/admin/users",
        label: "nav.users",
        icon: "M12 12a4.5 4.5 0 1 0 0-9 4.5 4.5 0 0 0 0 9zm-8 9a8 8 0 0 1 16 0z",
        action: Action::ManageUsers,
    },
    NavItem {
        href: "/admin/stores",
        label: "nav.stores",
        icon: "M3 4h18l1 5a3.3 3.3 0 0 1-6.6 0 3.3 3.3 0 0 1-6.8 0A3.3 3.3 0 0 1 2 9zm1 9h16v8H4z",
        action: Action::ManageStores,
    },
    NavItem {
        href: "/admin/api-keys",
        label: "nav.api_keys",
        icon: "M15 2a7 7 0 0 0-6.7 9L2 17.3V22h4.7v-2.3H9v-2.3h2.3l1.7-1.7A7 7 0 1 0 15 2zm1.5 3.5a2 2 0 1 1 0 4 2 2 0 0 1 0-4z",
        action: Action::ManageApiKeys,
    },
    NavItem {
        href: "/admin/audit",
        label: "nav.audit",
        icon: "M5 2h10l5 5v15H5zm3 9v2h9v-2zm0 4v2h9v-2zm6-12v5h5",
        action: Action::ViewAuditLog,
    },
];

#[component]
pub fn AppLayout() -> impl IntoView {
    let lang = use_lang();
    let user = provide_current_user().0;
    let alerts = Resource::new(|| (), |_| crate::inventory::api::alert_count());
    let due = Resource::new(|| (), |_| crate::crm::api::follow_up_due_count());
    let approvals = Resource::new(|| (), |_| crate::orders::api::approval_count());
    let escalated = Resource::new(|| (), |_| crate::aftersales::api::escalated_count());
    view! {
        <div class="shell">
            <header class="topbar">
                <a class="brand" href="/">
                    <span class="brand-mark">"F"</span>
                    <span class="brand-name">{lang.t("app.name")}</span>
                </a>
                <div class="topbar-right">
                    <Transition fallback=|| ()>
                        {move || Suspend::new(async move {
                            user.await.ok().flatten().map(|u| view! { <UserChip user=u /> })
                        })}
                    </Transition>
                    <LangSwitch lang />
                    <LogoutButton />
                </div>
            </header>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    let role = user.await.ok().flatten().map(|u| u.role);
                    let alerts = alerts.await.unwrap_or(0);
                    let due = due.await.unwrap_or(0);
                    let approvals = approvals.await.unwrap_or(0);
                    let escalated = escalated.await.unwrap_or(0);
                    view! { <Nav role alerts due approvals escalated /> }
                })}
            </Transition>
            <main class="content" id="main">
                <Outlet />
            </main>
            // Due-task notices appear here (see `crm::reminders`), read out politely.
            <div id=crate::crm::reminders::NOTICES_ID class="notices" role="status" aria-live="polite"></div>
        </div>
    }
}

#[component]
fn Nav(
    role: Option<crate::domain::Role>,
    alerts: i64,
    due: i64,
    approvals: i64,
    escalated: i64,
) -> impl IntoView {
    let lang = use_lang();
    let location = use_location();
    let items = NAV
        .iter()
        .filter(|i| role.is_some_and(|r| allowed(r, i.action)))
        .map(|i| {
            let href = i.href;
            // The longest destination the path is under is the current one.
            let current = move || {
                let path = location.pathname.get();
                let under = |h: &str| path == h || (h != "/" && path.starts_with(&format!("{h}/")));
                under(href)
                    && !NAV
                        .iter()
                        .any(|o| o.href.len() > href.len() && under(o.href))
            };
            let (count, testid) = match href {
                "/inventory/alerts" => (alerts, "alert-badge"),
                "/crm/follow-ups" => (due, "follow-up-badge"),
                "/orders/approvals" => (approvals, "approval-badge"),
                // Escalated complaints waiting on a manager.
                "/complaints" => (escalated, "complaint-badge"),
                _ => (0, ""),
            };
            let badge = (count > 0).then(|| {
                view! {
                    <span class="nav-badge" data-testid=testid>
                        {if count > 99 { "99+".to_string() } else { count.to_string() }}
                    </span>
                }
            });
            view! {
                <a
                    class="nav-item"
                    href=href
                    aria-current=move || current().then_some("page")
                >
                    <svg class="nav-icon" viewBox="0 0 24 24" aria-hidden="true">
                        <path d=i.icon fill-rule="evenodd" />
                    </svg>
                    <span class="nav-label">{lang.t(i.label)}</span>
                    {badge}
                </a>
            }
        })
        .collect_view();
    view! {
        // A live region: the badges follow stock, follow-up and order changes.
        <nav class="nav" id="main-nav" data-live-region aria-label=lang.t("nav.main") data-testid="main-nav">
            {items}
        </nav>
    }
}

#[component]
fn UserChip(user: UserInfo) -> impl IntoView {
    let lang = use_lang();
    view! {
        <div class="user-chip" data-testid="user-chip">
            <span class="user-name">{user.display_name}</span>
            <span class="user-meta">
                {lang.t(user.role.label_key())}
                {user.store_name.map(|s| format!(" · {s}"))}
            </span>
        </div>
    }
}

/// Switches the language through a plain link, so it works without JavaScript.
#[component]
pub fn LangSwitch(lang: Lang) -> impl IntoView {
    let other = lang.other();
    view! {
        <a class="lang-switch" href=format!("/lang/{}", other.code()) rel="external" hreflang=other.code()
            data-testid="lang-switch">
            {other.t("lang.self")}
        </a>
    }
}

#[component]
/// A plain form: signing out reloads the sign-in page, with or without JavaScript (and
/// keeps the form-handling code out of every page's first download).
fn LogoutButton() -> impl IntoView {
    let lang = use_lang();
    view! {
        <form method="post" action="/sfn/logout" class="logout-form">
            <button type="submit" class="btn btn-ghost" data-testid="logout">{lang.t("nav.logout")}</button>
        </form>
    }
}
