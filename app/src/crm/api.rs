//! CRM's server functions: what its pages call. Each turns the form into the service's
//! input and calls the service, which checks the caller.

use super::domain::{
    customer::{CustomerFilter, CustomerRow, DuplicateHit},
    follow_up::FollowUpRow,
    lead::{LeadFilter, LeadItem, LeadRow},
};
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use {
    super::{
        domain::{customer::CustomerInput, follow_up::FollowUpInput, lead::StageMove},
        service,
    },
    crate::ctx::Ctx,
};

/// A page of the customer list (as the service gives it).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerList {
    pub rows: Vec<super::domain::customer::CustomerItem>,
    pub total: i64,
}

#[server(prefix = "/sfn", endpoint = "crm/customers", input = server_fn::codec::Json)]
pub async fn list_customers(filter: CustomerFilter) -> Result<CustomerList, AppError> {
    let page = service::customers::list(&Ctx::current()?, &filter).await?;
    Ok(CustomerList {
        rows: page.rows,
        total: page.total,
    })
}

/// Who holds a mobile already (the duplicate warning while typing).
#[server(prefix = "/sfn", endpoint = "crm/check_mobile")]
pub async fn check_mobile(mobile: String) -> Result<Option<DuplicateHit>, AppError> {
    service::customers::check_mobile(&Ctx::current()?, &mobile).await
}

pub use customer_form::{create_customer, update_customer, CreateCustomer, UpdateCustomer};

/// The profile form's fields arrive one argument each, as the browser sends them (the
/// generated browser-side functions take them too, so the lint is allowed here only).
mod customer_form {
    #![allow(clippy::too_many_arguments)]
    use super::*;

    /// Creates a profile from the form and opens it; a refusal carries what was typed.
    /// A duplicate mobile comes back as the mobile field's error, naming the profile
    /// that holds it.
    #[server(prefix = "/sfn", endpoint = "crm/create_customer")]
    pub async fn create_customer(
        kind: String,
        name: String,
        mobile: String,
        phone2: String,
        wechat: String,
        id_number: String,
        address: String,
        source: String,
        budget: String,
        preferred_models: String,
        preferred_colors: String,
        fuel: String,
        timeframe: String,
        tags: String,
        notes: String,
        consent: Option<String>,
        store_id: Option<String>,
    ) -> Result<i64, AppError> {
        let c = CustomerInput {
            kind,
            name,
            mobile,
            phone2,
            wechat,
            id_number,
            address,
            source,
            budget,
            preferred_models,
            preferred_colors,
            fuel,
            timeframe,
            tags,
            notes,
            consent: consent.is_some_and(|c| !c.is_empty()),
        };
        let store = store_id
            .as_deref()
            .and_then(|s| s.trim().parse::<i64>().ok());
        let id = service::customers::create(&Ctx::current()?, &c, store)
            .await
            .map_err(|e| as_form_error(e, &c))?;
        leptos_axum::redirect(&format!("/crm/customers/{id}"));
        Ok(id)
    }

    /// Saves a changed profile; `version` is the one the form was drawn from.
    #[server(prefix = "/sfn", endpoint = "crm/update_customer")]
    pub async fn update_customer(
        id: i64,
        version: i64,
        kind: String,
        name: String,
        mobile: String,
        phone2: String,
        wechat: String,
        id_number: String,
        address: String,
        source: String,
        budget: String,
        preferred_models: String,
        preferred_colors: String,
        fuel: String,
        timeframe: String,
        tags: String,
        notes: String,
        consent: Option<String>,
    ) -> Result<(), AppError> {
        let c = CustomerInput {
            kind,
            name,
            mobile,
            phone2,
            wechat,
            id_number,
            address,
            source,
            budget,
            preferred_models,
            preferred_colors,
            fuel,
            timeframe,
            tags,
            notes,
            consent: consent.is_some_and(|c| !c.is_empty()),
        };
        service::customers::update(&Ctx::current()?, id, &c, version)
            .await
            .map_err(|e| as_form_error(e, &c))
    }

    /// A form's refusal: a duplicate becomes the mobile field's error; what was typed
    /// goes back with it.
    #[cfg(feature = "ssr")]
    fn as_form_error(e: AppError, c: &CustomerInput) -> AppError {
        let e = match e {
            AppError::Duplicate { message, field, .. } => AppError::invalid(field, message),
            other => other,
        };
        let consent = if c.consent { "true" } else { "" };
        e.with_input([
            ("kind", c.kind.as_str()),
            ("name", &c.name),
            ("mobile", &c.mobile),
            ("phone2", &c.phone2),
            ("wechat", &c.wechat),
            ("id_number", &c.id_number),
            ("address", &c.address),
            ("source", &c.source),
            ("budget", &c.budget),
            ("preferred_models", &c.preferred_models),
            ("preferred_colors", &c.preferred_colors),
            ("fuel", &c.fuel),
            ("timeframe", &c.timeframe),
            ("tags", &c.tags),
            ("notes", &c.notes),
            ("consent", consent),
        ])
    }
}

#[server(prefix = "/sfn", endpoint = "crm/customer")]
pub async fn get_customer(id: i64) -> Result<CustomerRow, AppError> {
    service::customers::get(&Ctx::current()?, id).await
}

#[server(prefix = "/sfn", endpoint = "crm/customer_leads")]
pub async fn customer_leads(customer_id: i64) -> Result<Vec<LeadRow>, AppError> {
    service::leads::list(&Ctx::current()?, None, Some(customer_id)).await
}

/// The board: every open lead the caller may see.
#[server(prefix = "/sfn", endpoint = "crm/leads")]
pub async fn list_leads() -> Result<Vec<LeadRow>, AppError> {
    service::leads::list(&Ctx::current()?, None, None).await
}

/// The lead list: the leads that pass the filter (at most 500).
#[server(prefix = "/sfn", endpoint = "crm/lead_list")]
pub async fn lead_list(filter: LeadFilter) -> Result<Vec<LeadItem>, AppError> {
    service::leads::search(&Ctx::current()?, &filter, LeadFilter::MAX_LIST).await
}

/// The salespeople the caller may filter leads by (id, name).
#[server(prefix = "/sfn", endpoint = "crm/lead_owners")]
pub async fn lead_owners() -> Result<Vec<(i64, String)>, AppError> {
    service::leads::owners(&Ctx::current()?).await
}

#[server(prefix = "/sfn", endpoint = "crm/move_lead")]
pub async fn move_lead(
    id: i64,
    to: String,
    lost_reason: Option<String>,
    lost_note: Option<String>,
    version: Option<i64>,
) -> Result<(), AppError> {
    let m = StageMove {
        to,
        lost_reason: lost_reason.clone().unwrap_or_default(),
        lost_note: lost_note.clone().unwrap_or_default(),
        version,
    };
    service::leads::move_stage(&Ctx::current()?, id, &m)
        .await
        .map(drop)
        .map_err(|e| {
            e.with_input([
                ("lost_reason", m.lost_reason.as_str()),
                ("lost_note", &m.lost_note),
            ])
        })
}

#[server(prefix = "/sfn", endpoint = "crm/customer_follow_ups")]
pub async fn customer_follow_ups(customer_id: i64) -> Result<Vec<FollowUpRow>, AppError> {
    service::follow_ups::for_customer(&Ctx::current()?, customer_id).await
}

/// `view`: `today`, `overdue` or `week`; `team` for the store's (managers), or with
/// `store_id` one store's (group roles).
#[server(prefix = "/sfn", endpoint = "crm/follow_ups")]
pub async fn list_follow_ups(
    view: String,
    team: bool,
    #[server(default)] store_id: Option<i64>,
) -> Result<Vec<FollowUpRow>, AppError> {
    let ctx = Ctx::current()?;
    let view = super::domain::follow_up::DueView::parse(&view)
        .ok_or_else(|| AppError::invalid("view", ctx.t("follow_up.bad_view")))?;
    service::follow_ups::list(&ctx, view, team, store_id).await
}

#[server(prefix = "/sfn", endpoint = "crm/plan_follow_up")]
pub async fn plan_follow_up(
    customer_id: i64,
    due: String,
    channel: String,
    goal: String,
) -> Result<i64, AppError> {
    let input = FollowUpInput {
        customer_id,
        due: due.clone(),
        channel: channel.clone(),
        goal: goal.clone(),
    };
    service::follow_ups::create(&Ctx::current()?, &input)
        .await
        .map_err(|e| {
            e.with_input([
                ("due", due.as_str()),
                ("channel", &channel),
                ("goal", &goal),
            ])
        })
}

#[server(prefix = "/sfn", endpoint = "crm/complete_follow_up")]
pub async fn complete_follow_up(id: i64, outcome: String) -> Result<(), AppError> {
    service::follow_ups::complete(&Ctx::current()?, id, &outcome)
        .await
        .map_err(|e| e.with_input([("outcome", outcome.as_str())]))
}

/// Today's and overdue follow-ups of the caller: the navigation badge.
#[server(prefix = "/sfn", endpoint = "crm/due_count")]
pub async fn follow_up_due_count() -> Result<i64, AppError> {
    service::follow_ups::due_count(&Ctx::current()?).await
}

/// The caller's open follow-ups coming due in the next hours: the open app announces
/// each as it comes due.
#[server(prefix = "/sfn", endpoint = "crm/upcoming_follow_ups")]
pub async fn upcoming_follow_ups() -> Result<Vec<FollowUpRow>, AppError> {
    service::follow_ups::upcoming(&Ctx::current()?).await
}

/// Merges the duplicate `other_id` (as typed) into customer `id`.
#[server(prefix = "/sfn", endpoint = "crm/merge")]
pub async fn merge_customers(id: i64, other_id: String) -> Result<(), AppError> {
    let ctx = Ctx::current()?;
    let other = other_id
        .trim()
        .trim_start_matches('#')
        .parse::<i64>()
        .map_err(|_| {
            AppError::invalid("other_id", ctx.t("customer.not_found"))
                .with_input([("other_id", other_id.as_str())])
        })?;
    service::customers::merge(&ctx, id, other)
        .await
        .map_err(|e| e.with_input([("other_id", other_id.as_str())]))
}

/// Gives customer `id` to salesperson `owner_id` (empty: back to the store, unassigned).
#[server(prefix = "/sfn", endpoint = "crm/reassign")]
pub async fn reassign_customer(id: i64, owner_id: Option<String>) -> Result<(), AppError> {
    let ctx = Ctx::current()?;
    let owner = match owner_id.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(s) => Some(
            s.parse::<i64>()
                .map_err(|_| AppError::invalid("owner_id", ctx.t("customer.bad_owner")))?,
        ),
    };
    service::customers::reassign(&ctx, id, owner).await
}

/// The salespeople a customer of `store_id` may be given to (id, name).
#[server(prefix = "/sfn", endpoint = "crm/salespeople")]
pub async fn salespeople(store_id: i64) -> Result<Vec<(i64, String)>, AppError> {
    service::customers::salespeople(&Ctx::current()?, store_id).await
}

/// Plans a template's follow-ups for a customer.
#[server(prefix = "/sfn", endpoint = "crm/plan_template")]
pub async fn plan_template(customer_id: i64, template: String) -> Result<usize, AppError> {
    let ctx = Ctx::current()?;
    let template = super::domain::follow_up::PlanTemplate::parse(&template)
        .ok_or_else(|| AppError::invalid("template", ctx.t("follow_up.bad_template")))?;
    Ok(
        service::follow_ups::apply_template(&ctx, customer_id, template)
            .await?
            .len(),
    )
}
