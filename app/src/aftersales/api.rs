//! The server functions the after-sales pages call: the public booking's (no sign-in,
//! rate-limited) and the service desk's.

// ---------------------------------------------------------------------------------------
// Complaints (投诉) and satisfaction ratings (满意度)

pub use complaint_fns::*;

/// The complaint and rating server functions: the staff's, and the public page's (no
/// sign-in; the services rate-limit them).
mod complaint_fns {
    #![allow(clippy::too_many_arguments)]
    use crate::{
        aftersales::domain::{
            complaint::{ComplaintDetail, ComplaintFilter, ComplaintRow, ResponseHours},
            rating::{RatingInvite, RatingSummary},
        },
        error::AppError,
    };
    use leptos::prelude::*;

    #[cfg(feature = "ssr")]
    use crate::{
        aftersales::{
            domain::{
                complaint::{ComplaintInput, PublicComplaintInput, StepInput},
                rating::RatingInput,
            },
            service::{complaints, ratings},
        },
        ctx::Ctx,
    };

    /// An id typed into a form: empty for none.
    #[cfg(feature = "ssr")]
    fn optional_id(field: &str, v: &str) -> Result<Option<i64>, AppError> {
        let v = v.trim();
        if v.is_empty() {
            return Ok(None);
        }
        v.parse::<i64>()
            .map(Some)
            .map_err(|_| AppError::invalid(field.to_owned(), "?"))
    }

    #[server(prefix = "/sfn", endpoint = "complaints/list", input = server_fn::codec::Json)]
    pub async fn list_complaints(filter: ComplaintFilter) -> Result<Vec<ComplaintRow>, AppError> {
        complaints::list(&Ctx::current()?, &filter).await
    }

    #[server(prefix = "/sfn", endpoint = "complaints/get")]
    pub async fn get_complaint(id: i64) -> Result<ComplaintDetail, AppError> {
        complaints::get(&Ctx::current()?, id).await
    }

    /// Who may own a complaint: (id, name).
    #[server(prefix = "/sfn", endpoint = "complaints/owners")]
    pub async fn complaint_owners() -> Result<Vec<(i64, String)>, AppError> {
        complaints::owners(&Ctx::current()?).await
    }

    /// Escalated complaints waiting on the caller (a manager): the navigation badge.
    #[server(prefix = "/sfn", endpoint = "complaints/escalated_count")]
    pub async fn escalated_count() -> Result<i64, AppError> {
        complaints::escalated_count(&Ctx::current()?).await
    }

    /// Enters a complaint and opens it; a refusal carries what was typed.
    #[server(prefix = "/sfn", endpoint = "complaints/create")]
    pub async fn create_complaint(
        category: String,
        severity: String,
        description: String,
        #[server(default)] customer_name: String,
        #[server(default)] mobile: String,
        #[server(default)] order_number: String,
        #[server(default)] vin: String,
        #[server(default)] appointment_code: String,
        #[server(default)] owner_id: String,
        #[server(default)] store_id: String,
    ) -> Result<i64, AppError> {
        let typed = [
            ("category", category.as_str()),
            ("severity", severity.as_str()),
            ("description", description.as_str()),
            ("customer_name", customer_name.as_str()),
            ("mobile", mobile.as_str()),
            ("order_number", order_number.as_str()),
            ("vin", vin.as_str()),
            ("appointment_code", appointment_code.as_str()),
            ("owner_id", owner_id.as_str()),
            ("store_id", store_id.as_str()),
        ];
        let input = ComplaintInput {
            store_id: optional_id("store_id", &store_id).map_err(|e| e.with_input(typed))?,
            category: category.clone(),
            severity: severity.clone(),
            description: description.clone(),
            customer_name: customer_name.clone(),
            mobile: mobile.clone(),
            order_number: order_number.clone(),
            vin: vin.clone(),
            appointment_code: appointment_code.clone(),
            owner_id: optional_id("owner_id", &owner_id).map_err(|e| e.with_input(typed))?,
        };
        let id = complaints::create(&Ctx::current()?, &input)
            .await
            .map_err(|e| e.with_input(typed))?;
        leptos_axum::redirect(&format!("/complaints/{id}"));
        Ok(id)
    }

    /// A step on a complaint (see `Step`); `version` is the one the page was drawn from.
    #[server(prefix = "/sfn", endpoint = "complaints/step")]
    pub async fn complaint_step(
        id: i64,
        version: i64,
        step: String,
        #[server(default)] note: String,
        #[server(default)] owner_id: String,
    ) -> Result<(), AppError> {
        let typed = [("note", note.as_str()), ("owner_id", owner_id.as_str())];
        let input = StepInput {
            step: step.clone(),
            note: note.clone(),
            owner_id: optional_id("owner_id", &owner_id).map_err(|e| e.with_input(typed))?,
            version: Some(version),
        };
        complaints::step(&Ctx::current()?, id, &input)
            .await
            .map_err(|e| e.with_input(typed))
    }

    /// A store's response hours: (store, hours).
    #[server(prefix = "/sfn", endpoint = "complaints/rules")]
    pub async fn complaint_rules() -> Result<(i64, ResponseHours), AppError> {
        complaints::rules(&Ctx::current()?, None).await
    }

    #[server(prefix = "/sfn", endpoint = "complaints/save_rules")]
    pub async fn save_complaint_rules(
        urgent_hours: String,
        serious_hours: String,
        normal_hours: String,
        #[server(default)] store_id: String,
    ) -> Result<(), AppError> {
        let typed = [
            ("urgent_hours", urgent_hours.as_str()),
            ("serious_hours", serious_hours.as_str()),
            ("normal_hours", normal_hours.as_str()),
        ];
        // A figure that is not a number is out of range (0).
        let hours = |v: &str| v.trim().parse::<i64>().unwrap_or(0);
        let rules = ResponseHours {
            urgent_hours: hours(&urgent_hours),
            serious_hours: hours(&serious_hours),
            normal_hours: hours(&normal_hours),
        };
        let store = optional_id("store_id", &store_id).map_err(|e| e.with_input(typed))?;
        complaints::set_rules(&Ctx::current()?, store, rules)
            .await
            .map_err(|e| e.with_input(typed))
    }

    /// A complaint from the public page (no sign-in); the reference to quote. The page
    /// comes back saying it was received.
    #[server(prefix = "/sfn", endpoint = "complain")]
    pub async fn submit_complaint(
        reference: String,
        mobile: String,
        category: String,
        description: String,
        #[server(default)] name: String,
        #[server(default)] website: String,
    ) -> Result<String, AppError> {
        let input = PublicComplaintInput {
            reference,
            mobile,
            category,
            description,
            name,
            website,
        };
        let typed = [
            ("reference", input.reference.as_str()),
            ("mobile", input.mobile.as_str()),
            ("category", input.category.as_str()),
            ("description", input.description.as_str()),
            ("name", input.name.as_str()),
        ];
        let reference = complaints::submit_public(&Ctx::current()?, &input)
            .await
            .map_err(|e| e.with_input(typed))?;
        leptos_axum::redirect(&format!("/complain?sent={reference}"));
        Ok(reference)
    }

    /// What a rating link is for (anyone holding it).
    #[server(prefix = "/sfn", endpoint = "rate/show")]
    pub async fn show_rating(token: String) -> Result<RatingInvite, AppError> {
        ratings::show(&Ctx::current()?, &token).await
    }

    /// The customer's answer through a rating link.
    #[server(prefix = "/sfn", endpoint = "rate/answer")]
    pub async fn answer_rating(
        token: String,
        #[server(default)] stars: String,
        #[server(default)] nps: String,
        #[server(default)] comment: String,
        #[server(default)] website: String,
    ) -> Result<(), AppError> {
        let input = RatingInput {
            stars,
            nps,
            comment,
            website,
        };
        let typed = [
            ("stars", input.stars.as_str()),
            ("nps", input.nps.as_str()),
            ("comment", input.comment.as_str()),
        ];
        ratings::answer(&Ctx::current()?, &token, &input)
            .await
            .map_err(|e| e.with_input(typed))?;
        leptos_axum::redirect(&format!("/rate/{}", token.trim()));
        Ok(())
    }

    /// Scores per store, advisor and salesperson, and the recent answers.
    #[server(prefix = "/sfn", endpoint = "ratings/summary")]
    pub async fn ratings_summary() -> Result<RatingSummary, AppError> {
        ratings::summary(&Ctx::current()?, None).await
    }

    /// A completed order's rating link as a full address to hand over, whether it was
    /// answered, and when it expires.
    #[server(prefix = "/sfn", endpoint = "ratings/order_link")]
    pub async fn order_rating_link(order_id: i64) -> Result<Option<(String, bool, i64)>, AppError> {
        let link = ratings::order_link(&Ctx::current()?, order_id).await?;
        let origin = use_context::<http::request::Parts>()
            .and_then(|p| {
                let host = p.headers.get(http::header::HOST)?.to_str().ok()?.to_owned();
                let proto = p
                    .headers
                    .get("x-forwarded-proto")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("http")
                    .to_owned();
                Some(format!("{proto}://{host}"))
            })
            .unwrap_or_default();
        Ok(link.map(|l| (format!("{origin}{}", l.path), l.answered, l.expires_at)))
    }
}
