//! The application frame: top bar, navigation (side on tablets and desktops, bottom on
//! phones) and the page.

use crate::{
    auth::{
        allowed,
        login::{current_user, Logout},
        Action, UserInfo,
    },
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
    let user = Resource::new(|| (), |_| current_user());
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
                    view! { <Nav role /> }
                })}
            </Transition>
            <main class="content" id="main">
                <Outlet />
            </main>
        </div>
    }
}

#[component]
fn Nav(role: Option<crate::domain::Role>) -> impl IntoView {
    let lang = use_lang();
    let location = use_location();
    let items = NAV
        .iter()
        .filter(|i| role.is_some_and(|r| allowed(r, i.action)))
        .map(|i| {
            let href = i.href;
            let current = move || {
                let path = location.pathname.get();
                if href == "/" {
                    path == "/"
                } else {
                    path.starts_with(href)
                }
            };
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
                </a>
            }
        })
        .collect_view();
    view! {
        <nav class="nav" aria-label=lang.t("nav.main") data-testid="main-nav">
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
fn LogoutButton() -> impl IntoView {
    let lang = use_lang();
    let logout = ServerAction::<Logout>::new();
    view! {
        <ActionForm action=logout attr:class="logout-form">
            <button type="submit" class="btn btn-ghost" data-testid="logout">{lang.t("nav.logout")}</button>
        </ActionForm>
    }
}
