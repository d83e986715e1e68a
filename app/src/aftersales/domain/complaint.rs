//! Complaints (投诉): what they are about, how serious, where each stands and the moves
//! between, the response deadline each severity gives, and the forms staff and customers
//! fill in — every input bounded before any work is done.
//!
//! A complaint is *answered* when someone first takes it up (处理中) or resolves it. Until
//! then its response deadline runs: `created_at` plus the hours its severity allows (紧急 4,
//! 严重 24, 一般 72 unless the store set others), counted in plain hours around the clock —
//! a customer waits through nights and holidays alike. Past the deadline and still
//! unanswered, it is overdue, and escalated to the store's manager once.

use crate::{
    clock,
    domain::coded::coded,
    error::{AppError, FieldError},
    i18n::Lang,
};
use serde::{Deserialize, Serialize};

coded!(
    /// Where a complaint stands. A draft is one the system opened from a low rating,
    /// waiting for the store manager to confirm (open) or dismiss (closed) it.
    ComplaintStatus, "complaint.status", {
        Draft = "draft",
        Open = "open",
        InProgress = "in_progress",
        Resolved = "resolved",
        Closed = "closed",
    }
);

coded!(
    /// How serious: it sets the response deadline.
    Severity, "complaint.severity", {
        Normal = "normal",
        Serious = "serious",
        Urgent = "urgent",
    }
);

coded!(
    /// What the complaint is about.
    Category, "complaint.category", {
        ServiceQuality = "service_quality",
        RepairQuality = "repair_quality",
        Sales = "sales",
        Price = "price",
        Waiting = "waiting",
        Other = "other",
    }
);

coded!(
    /// Where a complaint came from.
    ComplaintSource, "complaint.source", {
        Staff = "staff",
        Public = "public",
        Rating = "rating",
    }
);

coded!(
    /// A step taken on a complaint: a move along its statuses, a new owner, or a note.
    Step, "complaint.step", {
        Confirm = "confirm",
        Dismiss = "dismiss",
        Start = "start",
        Resolve = "resolve",
        Close = "close",
        Reopen = "reopen",
        Assign = "assign",
        Comment = "comment",
    }
);

/// The longest description, resolution or note.
pub const MAX_TEXT: usize = 2000;
pub const MAX_NAME: usize = 50;
/// The longest reference a form takes (a booking code or an order number, with spaces).
pub const MAX_REFERENCE: usize = 40;
/// Response hours a store may set per severity: 1 hour to 30 days.
pub const HOURS: std::ops::RangeInclusive<i64> = 1..=720;
const HOUR_MS: i64 = 3_600_000;

impl ComplaintStatus {
    /// The statuses a complaint may move to from this one: a draft is confirmed or
    /// dismissed; an open one is taken up or resolved at once; one in progress is
    /// resolved; a resolved one is closed or reopened; a closed one may be reopened (the
    /// customer came back).
    pub fn moves(self) -> &'static [ComplaintStatus] {
        use ComplaintStatus::*;
        match self {
            Draft => &[Open, Closed],
            Open => &[InProgress, Resolved],
            InProgress => &[Resolved],
            Resolved => &[Closed, InProgress],
            Closed => &[InProgress],
        }
    }

    pub fn can_move_to(self, to: ComplaintStatus) -> bool {
        self.moves().contains(&to)
    }

    /// Waiting for its first answer: the response deadline applies.
    pub fn awaits_answer(self) -> bool {
        matches!(self, ComplaintStatus::Draft | ComplaintStatus::Open)
    }

    /// Not yet settled (the lists' "open" filter, the manager's badge).
    pub fn is_live(self) -> bool {
        !matches!(self, ComplaintStatus::Resolved | ComplaintStatus::Closed)
    }
}

impl Step {
    /// The status this step moves to from `from`, or `None` for a step that moves
    /// nothing (assign, comment).
    pub fn target(self) -> Option<ComplaintStatus> {
        use ComplaintStatus::*;
        match self {
            Step::Confirm => Some(Open),
            Step::Dismiss | Step::Close => Some(Closed),
            Step::Start | Step::Reopen => Some(InProgress),
            Step::Resolve => Some(Resolved),
            Step::Assign | Step::Comment => None,
        }
    }

    /// Whether this step needs a note: a resolution says how, a reopening and a
    /// dismissal why, a comment is its note.
    pub fn needs_note(self) -> bool {
        matches!(
            self,
            Step::Resolve | Step::Reopen | Step::Dismiss | Step::Comment
        )
    }

    /// The steps that may be taken on a complaint in `status` (the page's buttons).
    pub fn available(status: ComplaintStatus) -> Vec<Step> {
        Step::ALL
            .iter()
            .copied()
            .filter(|s| match s.target() {
                Some(to) => {
                    status.can_move_to(to)
                        && match s {
                            // Reopen is the way back from resolved/closed; start is the
                            // way on from open; dismiss and confirm are a draft's.
                            Step::Start => status == ComplaintStatus::Open,
                            Step::Reopen => {
                                matches!(
                                    status,
                                    ComplaintStatus::Resolved | ComplaintStatus::Closed
                                )
                            }
                            Step::Close => status == ComplaintStatus::Resolved,
                            Step::Dismiss => status == ComplaintStatus::Draft,
                            _ => true,
                        }
                }
                None => true,
            })
            .collect()
    }

    /// Checks that `self` may be taken from `from`; the move it makes, if any.
    pub fn check(
        self,
        from: ComplaintStatus,
        lang: Lang,
    ) -> Result<Option<ComplaintStatus>, AppError> {
        if Step::available(from).contains(&self) {
            return Ok(self.target());
        }
        let to = self.target().unwrap_or(from);
        Err(AppError::invalid(
            "step",
            lang.tf(
                "complaint.bad_move",
                &[
                    ("from", lang.t(from.label_key())),
                    ("to", lang.t(to.label_key())),
                ],
            ),
        ))
    }
}

/// A store's response hours per severity.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema, sqlx::FromRow))]
pub struct ResponseHours {
    pub urgent_hours: i64,
    pub serious_hours: i64,
    pub normal_hours: i64,
}

impl Default for ResponseHours {
    /// 紧急 4 h, 严重 24 h, 一般 72 h.
    fn default() -> Self {
        ResponseHours {
            urgent_hours: 4,
            serious_hours: 24,
            normal_hours: 72,
        }
    }
}

impl ResponseHours {
    pub fn hours(&self, severity: Severity) -> i64 {
        match severity {
            Severity::Urgent => self.urgent_hours,
            Severity::Serious => self.serious_hours,
            Severity::Normal => self.normal_hours,
        }
    }

    /// When a complaint of `severity` made at `created_at` must have its first answer.
    pub fn due_at(&self, severity: Severity, created_at: i64) -> i64 {
        created_at.saturating_add(self.hours(severity).saturating_mul(HOUR_MS))
    }

    /// Each figure within [`HOURS`], and no more urgent severity given longer than a
    /// less urgent one.
    pub fn check(&self, lang: Lang) -> Result<ResponseHours, AppError> {
        let mut errors = Vec::new();
        for (field, v) in [
            ("urgent_hours", self.urgent_hours),
            ("serious_hours", self.serious_hours),
            ("normal_hours", self.normal_hours),
        ] {
            if !HOURS.contains(&v) {
                errors.push(FieldError {
                    field: field.into(),
                    message: lang.tf(
                        "complaint.rules.range",
                        &[
                            ("min", &HOURS.start().to_string()),
                            ("max", &HOURS.end().to_string()),
                        ],
                    ),
                });
            }
        }
        if errors.is_empty()
            && !(self.urgent_hours <= self.serious_hours && self.serious_hours <= self.normal_hours)
        {
            errors.push(FieldError {
                field: "serious_hours".into(),
                message: lang.t("complaint.rules.order").into(),
            });
        }
        if errors.is_empty() {
            Ok(*self)
        } else {
            Err(AppError::invalid_fields(errors))
        }
    }
}

/// Is a complaint overdue at `now`: still waiting for its first answer past its deadline?
pub fn is_overdue(status: ComplaintStatus, due_at: i64, now: i64) -> bool {
    status.awaits_answer() && now >= due_at
}

/// The deadline as people read it: local date and time, and `today` / `tomorrow` /
/// a weekday-free date when further.
pub fn due_label(due_at: i64, now: i64, lang: Lang) -> String {
    let (due_day, today) = (clock::day_of(due_at), clock::day_of(now));
    let time = clock::local_time(due_at);
    let hm = time.get(11..16).unwrap_or_default();
    match (due_day - today).num_days() {
        0 => format!("{} {hm}", lang.t("complaint.due.today")),
        1 => format!("{} {hm}", lang.t("complaint.due.tomorrow")),
        _ => time.get(..16).unwrap_or_default().to_owned(),
    }
}

/// A complaint as lists and its page show it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow, utoipa::ToSchema))]
pub struct ComplaintRow {
    pub id: i64,
    /// What the customer is told to quote (8 characters).
    pub reference: String,
    pub store_id: i64,
    pub store_name: String,
    #[cfg_attr(feature = "ssr", sqlx(try_from = "String"))]
    pub status: ComplaintStatus,
    #[cfg_attr(feature = "ssr", sqlx(try_from = "String"))]
    pub category: Category,
    #[cfg_attr(feature = "ssr", sqlx(try_from = "String"))]
    pub severity: Severity,
    #[cfg_attr(feature = "ssr", sqlx(try_from = "String"))]
    pub source: ComplaintSource,
    pub description: String,
    pub customer_name: String,
    pub mobile: String,
    pub customer_id: Option<i64>,
    pub order_id: Option<i64>,
    pub order_number: Option<String>,
    pub vehicle_id: Option<i64>,
    pub vin: Option<String>,
    pub appointment_id: Option<i64>,
    pub appointment_code: Option<String>,
    pub rating_id: Option<i64>,
    pub owner_id: Option<i64>,
    pub owner_name: Option<String>,
    /// The response deadline (UTC ms).
    pub due_at: i64,
    pub responded_at: Option<i64>,
    pub resolved_at: Option<i64>,
    pub closed_at: Option<i64>,
    /// When it was escalated to the store's manager (once).
    pub escalated_at: Option<i64>,
    pub resolution: String,
    pub created_at: i64,
    pub created_by: String,
    pub updated_at: i64,
    pub version: i64,
}

impl ComplaintRow {
    pub fn overdue(&self, now: i64) -> bool {
        is_overdue(self.status, self.due_at, now)
    }
}

/// One step on a complaint's timeline.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow, utoipa::ToSchema))]
pub struct ComplaintEvent {
    pub at: i64,
    pub actor: String,
    /// `created`, a step's code, `escalated`.
    pub kind: String,
    pub from_status: Option<String>,
    pub to_status: Option<String>,
    pub note: String,
}

/// A complaint with its timeline, and the time the answer was made at (for overdue).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ComplaintDetail {
    pub complaint: ComplaintRow,
    pub events: Vec<ComplaintEvent>,
    pub overdue: bool,
    pub now: i64,
}

/// What the complaint list is narrowed to.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema, utoipa::IntoParams))]
#[cfg_attr(feature = "ssr", into_params(parameter_in = Query))]
pub struct ComplaintFilter {
    /// A status code; empty for all, `live` for those not yet settled.
    #[serde(default)]
    pub status: String,
    /// Only escalated ones that are not settled.
    #[serde(default)]
    pub escalated: bool,
    /// Only overdue ones.
    #[serde(default)]
    pub overdue: bool,
    #[serde(default)]
    pub store_id: Option<i64>,
}

impl ComplaintFilter {
    pub fn check(&self, lang: Lang) -> Result<(), AppError> {
        let s = self.status.trim();
        if s.is_empty() || s == "live" || ComplaintStatus::parse(s).is_some() {
            Ok(())
        } else {
            Err(AppError::invalid("status", lang.t("complaint.bad_status")))
        }
    }
}

/// A complaint staff enter: links by what staff read on paper — an order number, a VIN,
/// a booking code — each optional.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ComplaintInput {
    /// Which store (group roles only; others enter for their own).
    #[serde(default)]
    pub store_id: Option<i64>,
    pub category: String,
    pub severity: String,
    pub description: String,
    #[serde(default)]
    pub customer_name: String,
    #[serde(default)]
    pub mobile: String,
    #[serde(default)]
    pub order_number: String,
    #[serde(default)]
    pub vin: String,
    #[serde(default)]
    pub appointment_code: String,
    /// Who handles it (a user of the store); empty for nobody yet.
    #[serde(default)]
    pub owner_id: Option<i64>,
}

/// A staff complaint with each field read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckedComplaint {
    pub category: Category,
    pub severity: Severity,
    pub description: String,
    pub customer_name: String,
    pub mobile: String,
    pub order_number: Option<String>,
    pub vin: Option<String>,
    pub appointment_code: Option<String>,
    pub owner_id: Option<i64>,
}

fn text_field(
    errors: &mut Vec<FieldError>,
    field: &str,
    value: &str,
    max: usize,
    required: bool,
    lang: Lang,
) -> String {
    let v = value.trim();
    if v.chars().count() > max {
        errors.push(FieldError {
            field: field.into(),
            message: lang.tf("error.too_long", &[("max", &max.to_string())]),
        });
    } else if required && v.is_empty() {
        errors.push(FieldError {
            field: field.into(),
            message: lang.t("complaint.form.required").into(),
        });
    }
    v.to_owned()
}

fn coded_field<T>(
    errors: &mut Vec<FieldError>,
    field: &str,
    value: &str,
    parse: fn(&str) -> Option<T>,
    lang: Lang,
) -> Option<T> {
    if value.len() > 40 {
        errors.push(FieldError {
            field: field.into(),
            message: lang.t("complaint.form.choose").into(),
        });
        return None;
    }
    let v = parse(value);
    if v.is_none() {
        errors.push(FieldError {
            field: field.into(),
            message: lang.t("complaint.form.choose").into(),
        });
    }
    v
}

/// A mobile as stored (`13800138000`), or a field error.
fn mobile_field(errors: &mut Vec<FieldError>, value: &str, required: bool, lang: Lang) -> String {
    let v = value.trim();
    if v.is_empty() && !required {
        return String::new();
    }
    match crate::crm::domain::customer::parse_mobile(v) {
        Some(m) => m.as_str().to_owned(),
        None => {
            errors.push(FieldError {
                field: "mobile".into(),
                message: lang.t("complaint.form.mobile").into(),
            });
            String::new()
        }
    }
}

fn optional(s: String) -> Option<String> {
    (!s.is_empty()).then_some(s)
}

impl ComplaintInput {
    /// Every field bounded and read; all bad fields at once.
    pub fn check(&self, lang: Lang) -> Result<CheckedComplaint, AppError> {
        let mut errors = Vec::new();
        let category = coded_field(
            &mut errors,
            "category",
            &self.category,
            Category::parse,
            lang,
        );
        let severity = coded_field(
            &mut errors,
            "severity",
            &self.severity,
            Severity::parse,
            lang,
        );
        let description = text_field(
            &mut errors,
            "description",
            &self.description,
            MAX_TEXT,
            true,
            lang,
        );
        let customer_name = text_field(
            &mut errors,
            "customer_name",
            &self.customer_name,
            MAX_NAME,
            false,
            lang,
        );
        let mobile = mobile_field(&mut errors, &self.mobile, false, lang);
        let order_number = text_field(
            &mut errors,
            "order_number",
            &self.order_number,
            MAX_REFERENCE,
            false,
            lang,
        );
        let vin = text_field(&mut errors, "vin", &self.vin, MAX_REFERENCE, false, lang)
            .to_ascii_uppercase();
        let appointment_code = text_field(
            &mut errors,
            "appointment_code",
            &self.appointment_code,
            MAX_REFERENCE,
            false,
            lang,
        );
        let appointment_code = if appointment_code.is_empty() {
            None
        } else {
            match super::BookingCode::parse(&appointment_code) {
                Some(c) => Some(c.as_str().to_owned()),
                None => {
                    errors.push(FieldError {
                        field: "appointment_code".into(),
                        message: lang.t("complaint.form.not_found").into(),
                    });
                    None
                }
            }
        };
        match (category, severity, errors.is_empty()) {
            (Some(category), Some(severity), true) => Ok(CheckedComplaint {
                category,
                severity,
                description,
                customer_name,
                mobile,
                order_number: optional(order_number),
                vin: optional(vin),
                appointment_code,
                owner_id: self.owner_id,
            }),
            _ => Err(AppError::invalid_fields(errors)),
        }
    }
}

/// A complaint from the public page: the customer proves who they are with a booking
/// code or an order number and the mobile that goes with it. `website` is a field people
/// never see (a honeypot): a form that fills it is a robot's, and is dropped unseen.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PublicComplaintInput {
    /// A booking code (预约码) or an order number (订单号).
    pub reference: String,
    pub mobile: String,
    pub category: String,
    pub description: String,
    #[serde(default)]
    pub name: String,
    /// Leave empty.
    #[serde(default)]
    pub website: String,
}

/// What the public form identifies the customer by.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PublicReference {
    Booking(String),
    Order(String),
}

/// A public complaint with each field read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckedPublicComplaint {
    pub reference: PublicReference,
    pub mobile: String,
    pub category: Category,
    pub description: String,
    pub name: String,
}

impl PublicComplaintInput {
    /// Filled in by a robot (see [`PublicComplaintInput::website`]).
    pub fn is_robot(&self) -> bool {
        !self.website.trim().is_empty()
    }

    /// Every field bounded and read; all bad fields at once. A reference that is neither
    /// a booking code nor an order number is refused as one that matches nothing.
    pub fn check(&self, lang: Lang) -> Result<CheckedPublicComplaint, AppError> {
        let mut errors = Vec::new();
        let raw = text_field(
            &mut errors,
            "reference",
            &self.reference,
            MAX_REFERENCE,
            true,
            lang,
        );
        let mobile = mobile_field(&mut errors, &self.mobile, true, lang);
        let category = coded_field(
            &mut errors,
            "category",
            &self.category,
            Category::parse,
            lang,
        );
        let description = text_field(
            &mut errors,
            "description",
            &self.description,
            MAX_TEXT,
            true,
            lang,
        );
        let name = text_field(&mut errors, "name", &self.name, MAX_NAME, false, lang);
        let reference = if raw.is_empty() || errors.iter().any(|e| e.field == "reference") {
            None
        } else if let Some(code) = super::BookingCode::parse(&raw) {
            Some(PublicReference::Booking(code.as_str().to_owned()))
        } else if raw.contains('-') {
            Some(PublicReference::Order(raw.to_ascii_uppercase()))
        } else {
            errors.push(FieldError {
                field: "reference".into(),
                message: lang.t("complaint.public.not_found").into(),
            });
            None
        };
        match (reference, category, errors.is_empty()) {
            (Some(reference), Some(category), true) => Ok(CheckedPublicComplaint {
                reference,
                mobile,
                category,
                description,
                name,
            }),
            _ => Err(AppError::invalid_fields(errors)),
        }
    }
}

/// A step on a complaint as a form or the API sends it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct StepInput {
    /// `confirm`, `dismiss`, `start`, `resolve`, `close`, `reopen`, `assign`, `comment`.
    pub step: String,
    /// The resolution (resolve), the reason (reopen, dismiss), the note (comment).
    #[serde(default)]
    pub note: String,
    /// The new owner (assign; also taken with start).
    #[serde(default)]
    pub owner_id: Option<i64>,
    /// The version read; a complaint changed since is a conflict.
    #[serde(default)]
    pub version: Option<i64>,
}

/// A step with its fields read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckedStep {
    pub step: Step,
    pub note: String,
    pub owner_id: Option<i64>,
}

impl StepInput {
    pub fn check(&self, lang: Lang) -> Result<CheckedStep, AppError> {
        let mut errors = Vec::new();
        let step = coded_field(&mut errors, "step", &self.step, Step::parse, lang);
        let note = text_field(&mut errors, "note", &self.note, MAX_TEXT, false, lang);
        if let Some(step) = step {
            if step.needs_note() && note.is_empty() && errors.is_empty() {
                errors.push(FieldError {
                    field: "note".into(),
                    message: lang.t("complaint.form.note_required").into(),
                });
            }
            if step == Step::Assign && self.owner_id.is_none() {
                errors.push(FieldError {
                    field: "owner_id".into(),
                    message: lang.t("complaint.form.choose").into(),
                });
            }
        }
        match (step, errors.is_empty()) {
            (Some(step), true) => Ok(CheckedStep {
                step,
                note,
                owner_id: self.owner_id,
            }),
            _ => Err(AppError::invalid_fields(errors)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    const L: Lang = Lang::En;

    fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> i64 {
        // Local (Shanghai) wall time to UTC ms.
        clock::day_start(NaiveDate::from_ymd_opt(y, m, d).unwrap())
            + i64::from(h) * HOUR_MS
            + i64::from(min) * 60_000
    }

    #[test]
    fn statuses_move_forward_and_reopen_from_resolved_or_closed() {
        use ComplaintStatus::*;
        assert!(Open.can_move_to(InProgress));
        assert!(InProgress.can_move_to(Resolved));
        assert!(Resolved.can_move_to(Closed));
        assert!(Resolved.can_move_to(InProgress), "reopen");
        assert!(Closed.can_move_to(InProgress), "reopen");
        assert!(
            !Open.can_move_to(Closed),
            "an open complaint is answered before it closes"
        );
        assert!(!InProgress.can_move_to(Open));
        assert!(!Closed.can_move_to(Resolved));
        assert!(Draft.can_move_to(Open) && Draft.can_move_to(Closed));
        assert!(!Draft.can_move_to(InProgress));
    }

    #[test]
    fn each_step_is_offered_only_where_it_applies() {
        use ComplaintStatus::*;
        assert_eq!(Step::Start.check(Open, L).unwrap(), Some(InProgress));
        assert_eq!(Step::Reopen.check(Closed, L).unwrap(), Some(InProgress));
        assert_eq!(Step::Reopen.check(Resolved, L).unwrap(), Some(InProgress));
        assert!(Step::Reopen.check(Open, L).is_err(), "nothing to reopen");
        assert!(
            Step::Start.check(Resolved, L).is_err(),
            "reopen is the way back"
        );
        assert!(Step::Close.check(Open, L).is_err());
        assert!(Step::Close.check(InProgress, L).is_err());
        assert_eq!(Step::Close.check(Resolved, L).unwrap(), Some(Closed));
        assert_eq!(Step::Dismiss.check(Draft, L).unwrap(), Some(Closed));
        assert!(Step::Dismiss.check(Open, L).is_err());
        assert_eq!(Step::Comment.check(Closed, L).unwrap(), None);
        let e = Step::Resolve.check(Closed, L).unwrap_err();
        assert_eq!(e.fields()[0].field, "step");
        for status in ComplaintStatus::ALL {
            for step in Step::available(*status) {
                if let Some(to) = step.target() {
                    assert!(status.can_move_to(to), "{status:?} {step:?}");
                }
            }
        }
    }

    #[test]
    fn the_deadline_follows_severity_across_midnight_and_days_in_shanghai() {
        let hours = ResponseHours::default();
        // 22:30 on 27 November in Shanghai (14:30 UTC).
        let made = at(2026, 11, 27, 22, 30);
        assert_eq!(clock::local_time(made), "2026-11-27 22:30:00");
        let urgent = hours.due_at(Severity::Urgent, made);
        assert_eq!(
            clock::local_time(urgent),
            "2026-11-28 02:30:00",
            "past midnight"
        );
        assert_eq!(clock::day_of(urgent).to_string(), "2026-11-28");
        let serious = hours.due_at(Severity::Serious, made);
        assert_eq!(clock::local_time(serious), "2026-11-28 22:30:00");
        let normal = hours.due_at(Severity::Normal, made);
        assert_eq!(
            clock::local_time(normal),
            "2026-11-30 22:30:00",
            "three days on"
        );
        // A month's end.
        let late = at(2026, 11, 30, 23, 59);
        assert_eq!(
            clock::local_time(hours.due_at(Severity::Urgent, late)),
            "2026-12-01 03:59:00"
        );
        // A store's own hours.
        let own = ResponseHours {
            urgent_hours: 2,
            serious_hours: 8,
            normal_hours: 48,
        };
        assert_eq!(
            clock::local_time(own.due_at(Severity::Urgent, made)),
            "2026-11-28 00:30:00"
        );
    }

    #[test]
    fn overdue_is_unanswered_past_the_deadline_to_the_millisecond() {
        let made = at(2026, 11, 27, 22, 30);
        let due = ResponseHours::default().due_at(Severity::Urgent, made);
        assert!(!is_overdue(ComplaintStatus::Open, due, due - 1));
        assert!(is_overdue(ComplaintStatus::Open, due, due));
        assert!(is_overdue(ComplaintStatus::Draft, due, due + 1));
        assert!(
            !is_overdue(ComplaintStatus::InProgress, due, due + HOUR_MS),
            "answered"
        );
        assert!(!is_overdue(ComplaintStatus::Closed, due, due + HOUR_MS));
    }

    #[test]
    fn the_deadline_reads_today_or_tomorrow_by_the_shanghai_day() {
        let now = at(2026, 11, 27, 23, 0);
        assert_eq!(due_label(at(2026, 11, 27, 23, 30), now, L), "today 23:30");
        // 00:30 Shanghai is still the 27th in UTC, but tomorrow to the store.
        assert_eq!(due_label(at(2026, 11, 28, 0, 30), now, L), "tomorrow 00:30");
        assert_eq!(
            due_label(at(2026, 11, 30, 22, 30), now, L),
            "2026-11-30 22:30"
        );
    }

    #[test]
    fn response_hours_are_bounded_and_ordered() {
        assert!(ResponseHours::default().check(L).is_ok());
        let bad = ResponseHours {
            urgent_hours: 0,
            serious_hours: 24,
            normal_hours: 721,
        };
        let e = bad.check(L).unwrap_err();
        let fields: Vec<_> = e.fields().iter().map(|f| f.field.as_str()).collect();
        assert_eq!(fields, ["urgent_hours", "normal_hours"]);
        let upside_down = ResponseHours {
            urgent_hours: 48,
            serious_hours: 24,
            normal_hours: 72,
        };
        assert!(upside_down.check(L).is_err());
    }

    fn staff_input() -> ComplaintInput {
        ComplaintInput {
            category: "waiting".into(),
            severity: "urgent".into(),
            description: "等了三个小时".into(),
            mobile: "138 0013 8000".into(),
            appointment_code: "abcd-efgh".into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_staff_complaint_is_read_and_bounded() {
        let c = staff_input().check(L).unwrap();
        assert_eq!(c.severity, Severity::Urgent);
        assert_eq!(c.mobile, "13800138000");
        assert_eq!(c.appointment_code.as_deref(), Some("ABCDEFGH"));
        assert_eq!(c.order_number, None);
        let long = ComplaintInput {
            description: "字".repeat(MAX_TEXT + 1),
            severity: "critical".into(),
            mobile: "12".into(),
            vin: "V".repeat(41),
            ..staff_input()
        };
        let e = long.check(L).unwrap_err();
        let mut fields: Vec<_> = e.fields().iter().map(|f| f.field.as_str()).collect();
        fields.sort();
        assert_eq!(fields, ["description", "mobile", "severity", "vin"]);
        let empty = ComplaintInput {
            description: "   ".into(),
            category: "x".repeat(10_000),
            ..staff_input()
        };
        let e = empty.check(L).unwrap_err();
        let mut fields: Vec<_> = e.fields().iter().map(|f| f.field.as_str()).collect();
        fields.sort();
        assert_eq!(fields, ["category", "description"]);
    }

    #[test]
    fn a_public_complaint_names_a_booking_or_an_order() {
        let input = PublicComplaintInput {
            reference: " k7m2-qx9d ".into(),
            mobile: "+86 138 0013 8000".into(),
            category: "price".into(),
            description: "报价不一致".into(),
            ..Default::default()
        };
        let c = input.check(L).unwrap();
        assert_eq!(c.reference, PublicReference::Booking("K7M2QX9D".into()));
        assert_eq!(c.mobile, "13800138000");
        let order = PublicComplaintInput {
            reference: "sh01-20261127-0007".into(),
            ..input.clone()
        };
        assert_eq!(
            order.check(L).unwrap().reference,
            PublicReference::Order("SH01-20261127-0007".into())
        );
        let nonsense = PublicComplaintInput {
            reference: "hello".into(),
            ..input.clone()
        };
        assert_eq!(
            nonsense.check(L).unwrap_err().fields()[0].field,
            "reference"
        );
        let huge = PublicComplaintInput {
            reference: "A".repeat(10_000),
            mobile: "1".repeat(10_000),
            name: "名".repeat(51),
            ..input.clone()
        };
        let e = huge.check(L).unwrap_err();
        let mut fields: Vec<_> = e.fields().iter().map(|f| f.field.as_str()).collect();
        fields.sort();
        assert_eq!(fields, ["mobile", "name", "reference"]);
        assert!(!input.is_robot());
        assert!(PublicComplaintInput {
            website: "http://spam".into(),
            ..input
        }
        .is_robot());
    }

    #[test]
    fn a_step_needs_its_note_and_owner() {
        let resolve = StepInput {
            step: "resolve".into(),
            ..Default::default()
        };
        assert_eq!(resolve.check(L).unwrap_err().fields()[0].field, "note");
        let assign = StepInput {
            step: "assign".into(),
            ..Default::default()
        };
        assert_eq!(assign.check(L).unwrap_err().fields()[0].field, "owner_id");
        let start = StepInput {
            step: "start".into(),
            ..Default::default()
        };
        assert_eq!(start.check(L).unwrap().step, Step::Start);
        let long = StepInput {
            step: "comment".into(),
            note: "x".repeat(MAX_TEXT + 1),
            ..Default::default()
        };
        assert_eq!(long.check(L).unwrap_err().fields()[0].field, "note");
    }
}
