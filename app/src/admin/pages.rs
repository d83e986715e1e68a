//! The administration pages: 员工, 门店与仓库, API 密钥.

use super::{
    api_keys::{list_api_keys, CreateApiKey, RevokeApiKey},
    stores::{list_stores, CreateStore, CreateWarehouse, StoreRow, WAREHOUSE_KINDS},
    users::{list_users, CreateUser, EndSessions, ResetPassword, UpdateUser},
};
use crate::{components::action_error, domain::Role, error::AppError, i18n::use_lang};
use leptos::prelude::*;

#[component]
fn RoleSelect(#[prop(optional)] selected: Option<Role>) -> impl IntoView {
    let lang = use_lang();
    view! {
        <select name="role" required>
            {Role::ALL.into_iter().map(|r| view! {
                <option value=r.code() selected=selected == Some(r)>{lang.t(r.label_key())}</option>
            }).collect_view()}
        </select>
    }
}

#[component]
fn StoreSelect(stores: Vec<StoreRow>, #[prop(optional)] selected: Option<i64>) -> impl IntoView {
    let lang = use_lang();
    view! {
        <select name="store_id">
            <option value="" selected=selected.is_none()>{lang.t("admin.all_stores")}</option>
            {stores.into_iter().map(|s| view! {
                <option value=s.id.to_string() selected=selected == Some(s.id)>{format!("{} {}", s.code, s.name)}</option>
            }).collect_view()}
        </select>
    }
}

#[component]
pub fn AdminUsersPage() -> impl IntoView {
    let lang = use_lang();
    let create = ServerAction::<CreateUser>::new();
    let update = ServerAction::<UpdateUser>::new();
    let reset = ServerAction::<ResetPassword>::new();
    let end_sessions = ServerAction::<EndSessions>::new();
    let users = Resource::new(
        move || {
            (
                create.version().get(),
                update.version().get(),
                reset.version().get(),
                end_sessions.version().get(),
            )
        },
        |_| list_users(),
    );
    let stores = Resource::new(|| (), |_| list_stores());
    view! {
        <section class="page">
            <h1 class="page-title">{lang.t("admin.users")}</h1>
            <Transition fallback=move || view! { <p class="muted">{lang.t("common.loading")}</p> }>
                <ErrorBoundary fallback=crate::components::error_fallback>
                {move || Suspend::new(async move {
                    let (stores, _) = stores.await?;
                    let users = users.await?;
                    let row_stores = stores.clone();
                    Ok::<_, AppError>(view! {
                        <details class="card" open=users.is_empty()>
                            <summary>{lang.t("admin.new_user")}</summary>
                            <ActionForm action=create attr:class="form form-grid" attr:data-testid="create-user">
                                <label class="field"><span>{lang.t("login.username")}</span><input name="username" required autocapitalize="none" /></label>
                                <label class="field"><span>{lang.t("admin.display_name")}</span><input name="display_name" required /></label>
                                <label class="field"><span>{lang.t("admin.role")}</span><RoleSelect /></label>
                                <label class="field"><span>{lang.t("admin.store")}</span><StoreSelect stores=stores.clone() /></label>
                                <label class="field"><span>{lang.t("login.password")}</span><input name="password" type="password" required minlength="8" autocomplete="new-password" /></label>
                                <button type="submit" class="btn btn-primary">{lang.t("common.create")}</button>
                            </ActionForm>
                            {action_error(create.value())}
                        </details>
                        {action_error(update.value())}
                        {action_error(reset.value())}
                        {action_error(end_sessions.value())}
                        <div class="table-wrap">
                            <table class="table" data-testid="users-table">
                                <thead><tr>
                                    <th>{lang.t("login.username")}</th>
                                    <th>{lang.t("admin.display_name")}</th>
                                    <th>{lang.t("admin.role_store_status")}</th>
                                    <th>{lang.t("admin.reset_password")}</th>
                                </tr></thead>
                                <tbody>
                                {users.into_iter().map(move |u| {
                                    let role = u.role.parse::<Role>().ok();
                                    let stores = row_stores.clone();
                                    view! {
                                        <tr class:inactive=!u.active>
                                            <td>{u.username.clone()}</td>
                                            <td>{u.display_name.clone()}</td>
                                            <td>
                                                <ActionForm action=update attr:class="inline-form">
                                                    <input type="hidden" name="id" value=u.id.to_string() />
                                                    <RoleSelect selected=role.unwrap_or(Role::Sales) />
                                                    <StoreSelect stores=stores selected=u.store_id.unwrap_or(0) />
                                                    <select name="active">
                                                        <option value="true" selected=u.active>{lang.t("admin.active")}</option>
                                                        <option value="false" selected=!u.active>{lang.t("admin.disabled")}</option>
                                                    </select>
                                                    <button type="submit" class="btn">{lang.t("common.save")}</button>
                                                </ActionForm>
                                            </td>
                                            <td>
                                                <ActionForm action=reset attr:class="inline-form">
                                                    <input type="hidden" name="id" value=u.id.to_string() />
                                                    <input name="password" type="password" required minlength="8" autocomplete="new-password"
                                                        placeholder=lang.t("admin.new_password") aria-label=lang.t("admin.new_password") />
                                                    <button type="submit" class="btn">{lang.t("admin.reset")}</button>
                                                </ActionForm>
                                                <ActionForm action=end_sessions attr:class="inline-form">
                                                    <input type="hidden" name="id" value=u.id.to_string() />
                                                    <button type="submit" class="btn btn-ghost-dark">{lang.t("admin.end_sessions")}</button>
                                                </ActionForm>
                                            </td>
                                        </tr>
                                    }
                                }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                    })
                })}
            </ErrorBoundary>
            </Transition>
        </section>
    }
}

#[component]
pub fn AdminStoresPage() -> impl IntoView {
    let lang = use_lang();
    let create_store = ServerAction::<CreateStore>::new();
    let create_wh = ServerAction::<CreateWarehouse>::new();
    let data = Resource::new(
        move || (create_store.version().get(), create_wh.version().get()),
        |_| list_stores(),
    );
    view! {
        <section class="page">
            <h1 class="page-title">{lang.t("admin.stores")}</h1>
            <Transition fallback=move || view! { <p class="muted">{lang.t("common.loading")}</p> }>
                <ErrorBoundary fallback=crate::components::error_fallback>
                {move || Suspend::new(async move {
                    let (stores, warehouses) = data.await?;
                    Ok::<_, AppError>(view! {
                        <div class="cards">
                        {stores.clone().into_iter().map(|s| {
                            let whs: Vec<_> = warehouses.iter().filter(|w| w.store_id == s.id).cloned().collect();
                            view! {
                                <article class="card" data-testid="store-card">
                                    <h2>{format!("{} · {}", s.code, s.name)}</h2>
                                    <p class="muted">{format!("{} {} {}", s.city, s.address, s.phone)}</p>
                                    <ul class="plain-list">
                                    {whs.into_iter().map(|w| {
                                        let kind = WAREHOUSE_KINDS.iter().find(|(k, _)| *k == w.kind).map(|(_, key)| lang.t(key)).unwrap_or("");
                                        view! { <li><strong>{w.code}</strong>" "{w.name}" · "{kind}</li> }
                                    }).collect_view()}
                                    </ul>
                                </article>
                            }
                        }).collect_view()}
                        </div>
                        <details class="card">
                            <summary>{lang.t("admin.new_store")}</summary>
                            <ActionForm action=create_store attr:class="form form-grid">
                                <label class="field"><span>{lang.t("admin.code")}</span><input name="code" required placeholder="SZ01" /></label>
                                <label class="field"><span>{lang.t("admin.name")}</span><input name="name" required /></label>
                                <label class="field"><span>{lang.t("admin.city")}</span><input name="city" /></label>
                                <label class="field"><span>{lang.t("admin.address")}</span><input name="address" /></label>
                                <label class="field"><span>{lang.t("admin.phone")}</span><input name="phone" inputmode="tel" /></label>
                                <button type="submit" class="btn btn-primary">{lang.t("common.create")}</button>
                            </ActionForm>
                            {action_error(create_store.value())}
                        </details>
                        <details class="card">
                            <summary>{lang.t("admin.new_warehouse")}</summary>
                            <ActionForm action=create_wh attr:class="form form-grid">
                                <label class="field"><span>{lang.t("admin.store")}</span>
                                    <select name="store_id" required>
                                        {stores.into_iter().map(|s| view! { <option value=s.id.to_string()>{format!("{} {}", s.code, s.name)}</option> }).collect_view()}
                                    </select>
                                </label>
                                <label class="field"><span>{lang.t("admin.code")}</span><input name="code" required placeholder="SZ01-S" /></label>
                                <label class="field"><span>{lang.t("admin.name")}</span><input name="name" required /></label>
                                <label class="field"><span>{lang.t("admin.kind")}</span>
                                    <select name="kind">
                                        {WAREHOUSE_KINDS.iter().map(|(k, key)| view! { <option value=*k>{lang.t(key)}</option> }).collect_view()}
                                    </select>
                                </label>
                                <button type="submit" class="btn btn-primary">{lang.t("common.create")}</button>
                            </ActionForm>
                            {action_error(create_wh.value())}
                        </details>
                    })
                })}
            </ErrorBoundary>
            </Transition>
        </section>
    }
}

#[component]
pub fn AdminApiKeysPage() -> impl IntoView {
    let lang = use_lang();
    let create = ServerAction::<CreateApiKey>::new();
    let revoke = ServerAction::<RevokeApiKey>::new();
    let keys = Resource::new(
        move || (create.version().get(), revoke.version().get()),
        |_| list_api_keys(),
    );
    let stores = Resource::new(|| (), |_| list_stores());
    let new_key = move || create.value().get().and_then(Result::ok);
    view! {
        <section class="page">
            <h1 class="page-title">{lang.t("admin.api_keys")}</h1>
            {move || new_key().map(|k| view! {
                <div class="notice" role="status" data-testid="new-api-key">
                    <p>{lang.t("admin.key_shown_once")}</p>
                    <code class="secret">{k.key}</code>
                </div>
            })}
            <Transition fallback=move || view! { <p class="muted">{lang.t("common.loading")}</p> }>
                <ErrorBoundary fallback=crate::components::error_fallback>
                {move || Suspend::new(async move {
                    let (stores, _) = stores.await?;
                    let keys = keys.await?;
                    Ok::<_, AppError>(view! {
                        <details class="card" open=keys.is_empty()>
                            <summary>{lang.t("admin.new_key")}</summary>
                            <ActionForm action=create attr:class="form form-grid">
                                <label class="field"><span>{lang.t("admin.name")}</span><input name="name" required placeholder="dms-sync" /></label>
                                <label class="field"><span>{lang.t("admin.role")}</span><RoleSelect /></label>
                                <label class="field"><span>{lang.t("admin.store")}</span><StoreSelect stores=stores /></label>
                                <button type="submit" class="btn btn-primary">{lang.t("common.create")}</button>
                            </ActionForm>
                            {action_error(create.value())}
                        </details>
                        {action_error(revoke.value())}
                        <div class="table-wrap">
                            <table class="table" data-testid="keys-table">
                                <thead><tr>
                                    <th>{lang.t("admin.name")}</th>
                                    <th>{lang.t("admin.prefix")}</th>
                                    <th>{lang.t("admin.role")}</th>
                                    <th>{lang.t("admin.store")}</th>
                                    <th>{lang.t("admin.status")}</th>
                                </tr></thead>
                                <tbody>
                                {keys.into_iter().map(|k| {
                                    let role = k.role.parse::<Role>().map(|r| lang.t(r.label_key())).unwrap_or("");
                                    view! {
                                        <tr class:inactive=k.revoked_at.is_some()>
                                            <td>{k.name}</td>
                                            <td><code>{format!("fc_{}_…", k.prefix)}</code></td>
                                            <td>{role}</td>
                                            <td>{k.store_name.unwrap_or_else(|| lang.t("admin.all_stores").into())}</td>
                                            <td>
                                            {if k.revoked_at.is_some() {
                                                lang.t("admin.revoked").into_any()
                                            } else {
                                                view! {
                                                    <ActionForm action=revoke attr:class="inline-form">
                                                        <input type="hidden" name="id" value=k.id.to_string() />
                                                        <button type="submit" class="btn btn-danger">{lang.t("admin.revoke")}</button>
                                                    </ActionForm>
                                                }.into_any()
                                            }}
                                            </td>
                                        </tr>
                                    }
                                }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                    })
                })}
            </ErrorBoundary>
            </Transition>
        </section>
    }
}
