//! The administration pages: 员工, 门店与仓库, API 密钥.

use super::{
    api_keys::{list_api_keys, ApiKeyRow, CreateApiKey, RevokeApiKey},
    stores::{list_stores, CreateStore, CreateWarehouse, StoreRow, WAREHOUSE_KINDS},
    users::{list_users, CreateUser, EndSessions, ResetPassword, StaffRow, UpdateUser},
};
use crate::{
    components::{
        action_error, options, Choice, Column, ConfirmButton, DataTable, Field, FormErrors,
        FormState, Page, SelectField,
    },
    domain::Role,
    error::AppError,
    i18n::use_lang,
};
use leptos::prelude::*;

fn role_choices() -> Vec<Choice> {
    let lang = use_lang();
    Role::ALL
        .into_iter()
        .map(|r| Choice::new(r.code(), lang.t(r.label_key())))
        .collect()
}

fn store_choices(stores: &[StoreRow]) -> Vec<Choice> {
    stores
        .iter()
        .map(|s| Choice::new(s.id, format!("{} {}", s.code, s.name)))
        .collect()
}

#[component]
pub fn AdminUsersPage() -> impl IntoView {
    let lang = use_lang();
    let create = ServerAction::<CreateUser>::new();
    let update = ServerAction::<UpdateUser>::new();
    let reset = ServerAction::<ResetPassword>::new();
    let end_sessions = ServerAction::<EndSessions>::new();
    let form = FormState::new("new-user", create.value());
    let users = Resource::new(|| (), |_| list_users());
    let stores = Resource::new(|| (), |_| list_stores());
    view! {
        <Page title="admin.users">
            {move || Suspend::new(async move {
                let (stores, _) = stores.await?;
                let users = users.await?;
                let columns = vec![
                    Column::text(lang.t("login.username")),
                    Column::text(lang.t("admin.display_name")),
                    Column::text(lang.t("admin.role_store_status")),
                    Column::text(lang.t("admin.reset_password")),
                ];
                let open = users.is_empty();
                let rows: Vec<_> = users.into_iter().map(|u| view! {
                    <UserLine u stores=stores.clone() update reset end_sessions />
                }).collect();
                Ok::<_, AppError>(view! {
                    <details class="card" open=open>
                        <summary>{lang.t("admin.new_user")}</summary>
                        <ActionForm action=create node_ref=form.node() attr:class="form form-grid" attr:data-testid="create-user">
                            <Field form name="username" label=lang.t("login.username") required=true autocapitalize="none" />
                            <Field form name="display_name" label=lang.t("admin.display_name") required=true />
                            <SelectField form name="role" label=lang.t("admin.role") choices=role_choices() required=true />
                            <SelectField form name="store_id" label=lang.t("admin.store") choices=store_choices(&stores)
                                blank=lang.t("admin.all_stores") />
                            <Field form name="password" label=lang.t("login.password") kind="password" required=true
                                minlength=8 autocomplete="new-password" />
                            <button type="submit" class="btn btn-primary">{lang.t("common.create")}</button>
                        </ActionForm>
                        <FormErrors form />
                    </details>
                    {action_error(update.value())}
                    {action_error(reset.value())}
                    {action_error(end_sessions.value())}
                    <DataTable columns rows empty=lang.t("admin.no_users") testid="users-table" />
                })
            })}
        </Page>
    }
}

/// One staff member: role, store and status in place, password reset, sign-out.
#[component]
fn UserLine(
    u: StaffRow,
    stores: Vec<StoreRow>,
    update: ServerAction<UpdateUser>,
    reset: ServerAction<ResetPassword>,
    end_sessions: ServerAction<EndSessions>,
) -> impl IntoView {
    let lang = use_lang();
    let store = u.store_id.map(|s| s.to_string());
    let question = lang.tf("admin.end_sessions_confirm", &[("name", &u.display_name)]);
    view! {
        <tr class:inactive=!u.active>
            <td>{u.username.clone()}</td>
            <td>{u.display_name.clone()}</td>
            <td>
                <ActionForm action=update attr:class="inline-form">
                    <input type="hidden" name="id" value=u.id.to_string() />
                    <select name="role" aria-label=lang.t("admin.role")>
                        {options(role_choices(), Some(u.role.clone()))}
                    </select>
                    <select name="store_id" aria-label=lang.t("admin.store")>
                        <option value="" selected=store.is_none()>{lang.t("admin.all_stores")}</option>
                        {options(store_choices(&stores), store)}
                    </select>
                    <select name="active" aria-label=lang.t("admin.status")>
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
                    <ConfirmButton label=lang.t("admin.end_sessions") question class="btn-ghost-dark" />
                </ActionForm>
            </td>
        </tr>
    }
}

#[component]
pub fn AdminStoresPage() -> impl IntoView {
    let lang = use_lang();
    let create_store = ServerAction::<CreateStore>::new();
    let create_wh = ServerAction::<CreateWarehouse>::new();
    let store_form = FormState::new("new-store", create_store.value());
    let wh_form = FormState::new("new-warehouse", create_wh.value());
    let data = Resource::new(|| (), |_| list_stores());
    let kinds: Vec<Choice> = WAREHOUSE_KINDS
        .iter()
        .map(|(k, key)| Choice::new(k, lang.t(key)))
        .collect();
    view! {
        <Page title="admin.stores">
            {move || Suspend::new({
                let kinds = kinds.clone();
                async move {
                let (stores, warehouses) = data.await?;
                Ok::<_, AppError>(view! {
                    <div class="cards">
                        {stores.iter().map(|s| {
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
                        <ActionForm action=create_store node_ref=store_form.node() attr:class="form form-grid">
                            <Field form=store_form name="code" label=lang.t("admin.code") required=true placeholder="SZ01" />
                            <Field form=store_form name="name" label=lang.t("admin.name") required=true />
                            <Field form=store_form name="city" label=lang.t("admin.city") />
                            <Field form=store_form name="address" label=lang.t("admin.address") />
                            <Field form=store_form name="phone" label=lang.t("admin.phone") inputmode="tel" />
                            <button type="submit" class="btn btn-primary">{lang.t("common.create")}</button>
                        </ActionForm>
                        <FormErrors form=store_form />
                    </details>
                    <details class="card">
                        <summary>{lang.t("admin.new_warehouse")}</summary>
                        <ActionForm action=create_wh node_ref=wh_form.node() attr:class="form form-grid">
                            <SelectField form=wh_form name="store_id" label=lang.t("admin.store") choices=store_choices(&stores) required=true />
                            <Field form=wh_form name="code" label=lang.t("admin.code") required=true placeholder="SZ01-S" />
                            <Field form=wh_form name="name" label=lang.t("admin.name") required=true />
                            <SelectField form=wh_form name="kind" label=lang.t("admin.kind") choices=kinds />
                            <button type="submit" class="btn btn-primary">{lang.t("common.create")}</button>
                        </ActionForm>
                        <FormErrors form=wh_form />
                    </details>
                })
            }})}
        </Page>
    }
}

#[component]
pub fn AdminApiKeysPage() -> impl IntoView {
    let lang = use_lang();
    let revoke = ServerAction::<RevokeApiKey>::new();
    let keys = Resource::new(|| (), |_| list_api_keys());
    let stores = Resource::new(|| (), |_| list_stores());
    view! {
        <Page title="admin.api_keys">
            {move || Suspend::new(async move {
                let (stores, _) = stores.await?;
                let keys = keys.await?;
                let columns = vec![
                    Column::text(lang.t("admin.name")),
                    Column::text(lang.t("admin.prefix")),
                    Column::text(lang.t("admin.role")),
                    Column::text(lang.t("admin.store")),
                    Column::text(lang.t("admin.status")),
                ];
                let open = keys.is_empty();
                let rows: Vec<_> = keys.into_iter().map(|k| view! { <KeyLine k revoke /> }).collect();
                Ok::<_, AppError>(view! {
                    <NewApiKeyForm roles=role_choices() stores=store_choices(&stores) open />
                    {action_error(revoke.value())}
                    // Refreshed in place once a key is created.
                    <div id="keys-live" data-live-region>
                        <DataTable columns rows empty=lang.t("admin.no_keys") testid="keys-table" />
                    </div>
                })
            })}
        </Page>
    }
}

/// Creating a key: an island, because the key is shown once, in place, and never again.
#[island]
fn NewApiKeyForm(roles: Vec<Choice>, stores: Vec<Choice>, open: bool) -> impl IntoView {
    let lang = use_lang();
    let create = ServerAction::<CreateApiKey>::new();
    let form = FormState::new("new-key", create.value());
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        if create.value().with(|v| matches!(v, Some(Ok(_)))) {
            leptos::task::spawn_local(async {
                let _ = crate::components::live::refresh().await;
            });
        }
    });
    view! {
        {move || create.value().get().and_then(Result::ok).map(|k| view! {
            <div class="notice" role="status" data-testid="new-api-key">
                <p>{lang.t("admin.key_shown_once")}</p>
                <code class="secret">{k.key}</code>
            </div>
        })}
        <details class="card" open=open>
            <summary>{lang.t("admin.new_key")}</summary>
            <ActionForm action=create node_ref=form.node() attr:class="form form-grid">
                <Field form name="name" label=lang.t("admin.name") required=true placeholder="dms-sync" />
                <SelectField form name="role" label=lang.t("admin.role") choices=roles required=true />
                <SelectField form name="store_id" label=lang.t("admin.store") choices=stores
                    blank=lang.t("admin.all_stores") />
                <div class="field field-check">
                    <label>
                        <input type="checkbox" name="allow_admin" value="on" />
                        " "{lang.t("admin.allow_admin")}
                    </label>
                </div>
                <button type="submit" class="btn btn-primary">{lang.t("common.create")}</button>
            </ActionForm>
            <FormErrors form />
        </details>
    }
}

/// One API key, with its revoke button while it is live.
#[component]
fn KeyLine(k: ApiKeyRow, revoke: ServerAction<RevokeApiKey>) -> impl IntoView {
    let lang = use_lang();
    let role = k
        .role
        .parse::<Role>()
        .map(|r| lang.t(r.label_key()))
        .unwrap_or("");
    let status = if k.revoked_at.is_some() {
        lang.t("admin.revoked").into_any()
    } else {
        let question = lang.tf("admin.revoke_confirm", &[("name", &k.name)]);
        view! {
            <ActionForm action=revoke attr:class="inline-form">
                <input type="hidden" name="id" value=k.id.to_string() />
                <ConfirmButton label=lang.t("admin.revoke") question class="btn-danger" />
            </ActionForm>
        }
        .into_any()
    };
    view! {
        <tr class:inactive=k.revoked_at.is_some()>
            <td>{k.name.clone()}</td>
            <td><code>{format!("fc_{}_…", k.prefix)}</code></td>
            <td>{role}</td>
            <td>{k.store_name.clone().unwrap_or_else(|| lang.t("admin.all_stores").into())}</td>
            <td>{status}</td>
        </tr>
    }
}
