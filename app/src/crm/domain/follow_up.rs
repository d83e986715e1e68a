//! Follow-up tasks (客户跟进): a planned contact with a due time, a channel and a goal,
//! done with an outcome; and the 今日 / 逾期 / 本周 views, by the stores' calendar.

use super::coded::coded;
use crate::{
    clock::{day_of, STORE_OFFSET_MS},
    error::{AppError, FieldError},
    i18n::Lang,
};
use serde::{Deserialize, Serialize};

coded!(
    /// How the customer is to be contacted.
    Channel, "follow_up.channel", {
        Call = "call",
        Wechat = "wechat",
        Sms = "sms",
        Visit = "visit",
        TestDrive = "test_drive",
    }
);

coded!(
    /// Which open tasks a list shows.
    DueView, "follow_up.view", { Today = "today", Overdue = "overdue", Week = "week" }
);

pub const MAX_GOAL: usize = 200;
pub const MAX_OUTCOME: usize = 500;
const DAY_MS: i64 = 86_400_000;

impl DueView {
    /// The `[from, to)` range of due times (UTC ms) the view covers at `now`: 今日 is
    /// the stores' calendar day, 逾期 everything before it, 本周 today and the six days
    /// after.
    pub fn range(self, now_ms: i64) -> (i64, i64) {
        let today = day_start_ms(now_ms);
        match self {
            DueView::Today => (today, today + DAY_MS),
            DueView::Overdue => (i64::MIN, today),
            DueView::Week => (today, today + 7 * DAY_MS),
        }
    }
}

/// Midnight, stores' time, of the day `ms` falls on, as UTC ms.
pub fn day_start_ms(ms: i64) -> i64 {
    let day = day_of(ms);
    day.and_hms_opt(0, 0, 0)
        .map(|t| t.and_utc().timestamp_millis() - STORE_OFFSET_MS)
        .unwrap_or(0)
}

/// A local date and time as a `datetime-local` input sends it (`2026-11-27T15:30`) or as
/// typed (`2026-11-27 15:30`), as UTC ms.
pub fn parse_local(s: &str) -> Option<i64> {
    let s = s.trim();
    if s.len() > 20 {
        return None;
    }
    ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]
        .iter()
        .find_map(|f| chrono::NaiveDateTime::parse_from_str(s, f).ok())
        .filter(|t| (2000..=2100).contains(&chrono::Datelike::year(&t.date())))
        .map(|t| t.and_utc().timestamp_millis() - STORE_OFFSET_MS)
}

/// A follow-up as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct FollowUpInput {
    pub customer_id: i64,
    /// Local time, `YYYY-MM-DDTHH:MM` (China time).
    #[cfg_attr(feature = "ssr", schema(example = "2026-11-28T10:00"))]
    pub due: String,
    /// `call`, `wechat`, `sms`, `visit` or `test_drive`.
    pub channel: String,
    #[cfg_attr(feature = "ssr", schema(max_length = 200))]
    pub goal: String,
}

/// A follow-up with every field checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewFollowUp {
    pub customer_id: i64,
    pub due_at: i64,
    pub channel: Channel,
    pub goal: String,
}

impl FollowUpInput {
    pub fn check(&self, lang: Lang) -> Result<NewFollowUp, AppError> {
        let mut fields = Vec::new();
        let mut bad = |field: &str, message: String| {
            fields.push(FieldError {
                field: field.into(),
                message,
            })
        };
        let due_at = parse_local(&self.due);
        if due_at.is_none() {
            bad("due", lang.t("follow_up.bad_due").into());
        }
        let channel = Channel::parse(&self.channel);
        if channel.is_none() {
            bad("channel", lang.t("follow_up.bad_channel").into());
        }
        let goal = self.goal.trim();
        if goal.is_empty() {
            bad("goal", lang.t("follow_up.goal_required").into());
        } else if goal.chars().count() > MAX_GOAL {
            bad("goal", lang.tf("error.too_long", &[("max", "200")]));
        }
        match (due_at, channel) {
            (Some(due_at), Some(channel)) if fields.is_empty() => Ok(NewFollowUp {
                customer_id: self.customer_id,
                due_at,
                channel,
                goal: goal.to_owned(),
            }),
            _ => Err(AppError::invalid_fields(fields)),
        }
    }
}

/// The outcome a completed follow-up records: required, bounded.
pub fn check_outcome(outcome: &str, lang: Lang) -> Result<String, AppError> {
    let o = outcome.trim();
    if o.is_empty() {
        return Err(AppError::invalid(
            "outcome",
            lang.t("follow_up.outcome_required"),
        ));
    }
    if o.chars().count() > MAX_OUTCOME {
        return Err(AppError::invalid(
            "outcome",
            lang.tf("error.too_long", &[("max", "500")]),
        ));
    }
    Ok(o.to_owned())
}

/// A follow-up as listed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow, utoipa::ToSchema))]
pub struct FollowUpRow {
    pub id: i64,
    pub customer_id: i64,
    pub customer_name: String,
    pub owner_id: i64,
    pub owner_name: String,
    pub due_at: i64,
    #[cfg_attr(feature = "ssr", sqlx(try_from = "String"))]
    pub channel: Channel,
    pub goal: String,
    pub outcome: String,
    pub done_at: Option<i64>,
}

impl FollowUpRow {
    /// Not done and due before today (stores' calendar).
    pub fn is_overdue(&self, now_ms: i64) -> bool {
        self.done_at.is_none() && self.due_at < day_start_ms(now_ms)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // 2026-11-27 23:59 and 2026-11-28 00:01 in Shanghai, as UTC ms.
    const BEFORE_MIDNIGHT: i64 = 1_795_795_140_000;
    const AFTER_MIDNIGHT: i64 = 1_795_795_260_000;

    #[test]
    fn the_views_follow_the_stores_calendar_not_utc() {
        assert_eq!(
            crate::clock::local_time(BEFORE_MIDNIGHT),
            "2026-11-27 23:59:00"
        );
        assert_eq!(
            crate::clock::local_time(AFTER_MIDNIGHT),
            "2026-11-28 00:01:00"
        );
        let due = parse_local("2026-11-27T09:00").unwrap();
        let (from, to) = DueView::Today.range(BEFORE_MIDNIGHT);
        assert!(
            (from..to).contains(&due),
            "due this morning: today at 23:59"
        );
        let (from, to) = DueView::Overdue.range(AFTER_MIDNIGHT);
        assert!((from..to).contains(&due), "overdue two minutes later");
        let (from, to) = DueView::Today.range(AFTER_MIDNIGHT);
        assert!(!(from..to).contains(&due));
        let tomorrow = parse_local("2026-11-28 08:00").unwrap();
        let (from, to) = DueView::Week.range(BEFORE_MIDNIGHT);
        assert!((from..to).contains(&tomorrow));
    }

    #[test]
    fn a_follow_up_needs_a_time_a_channel_and_a_goal() {
        let e = FollowUpInput::default().check(Lang::En).unwrap_err();
        let fields: Vec<&str> = e.fields().iter().map(|f| f.field.as_str()).collect();
        assert_eq!(fields, ["due", "channel", "goal"]);
        assert!(parse_local("1900-01-01T00:00").is_none());
        assert!(parse_local(&"9".repeat(10_000)).is_none());
        let ok = FollowUpInput {
            customer_id: 1,
            due: "2026-11-28T10:00".into(),
            channel: "wechat".into(),
            goal: "约试驾".into(),
        }
        .check(Lang::En)
        .unwrap();
        assert_eq!(crate::clock::local_time(ok.due_at), "2026-11-28 10:00:00");
        assert!(check_outcome("  ", Lang::En).is_err());
    }
}

coded!(
    /// A plan of follow-ups made in one step.
    PlanTemplate, "follow_up.template", {
        AfterDelivery = "after_delivery",
        NewLead = "new_lead",
        AfterTestDrive = "after_test_drive",
    }
);

impl PlanTemplate {
    /// (days from today, channel, goal's translation key) of each task.
    pub fn steps(self) -> &'static [(i64, Channel, &'static str)] {
        match self {
            PlanTemplate::AfterDelivery => &[
                (3, Channel::Call, "follow_up.goal.delivery_3"),
                (30, Channel::Wechat, "follow_up.goal.delivery_30"),
                (90, Channel::Call, "follow_up.goal.delivery_90"),
            ],
            PlanTemplate::NewLead => &[
                (1, Channel::Call, "follow_up.goal.lead_1"),
                (3, Channel::Wechat, "follow_up.goal.lead_3"),
                (7, Channel::Call, "follow_up.goal.lead_7"),
            ],
            PlanTemplate::AfterTestDrive => &[
                (1, Channel::Call, "follow_up.goal.drive_1"),
                (7, Channel::Visit, "follow_up.goal.drive_7"),
            ],
        }
    }

    /// The due times of its tasks when applied at `now`: 10:00 China time on each day.
    pub fn due_times(self, now_ms: i64) -> Vec<(i64, Channel, &'static str)> {
        let today = day_start_ms(now_ms);
        self.steps()
            .iter()
            .map(|(days, channel, goal)| (today + days * DAY_MS + 10 * 3_600_000, *channel, *goal))
            .collect()
    }
}

#[cfg(test)]
mod template_tests {
    use super::*;

    #[test]
    fn after_delivery_plans_day_3_30_and_90_at_ten_in_the_morning() {
        let now = parse_local("2026-11-27T23:30").unwrap();
        let due: Vec<String> = PlanTemplate::AfterDelivery
            .due_times(now)
            .into_iter()
            .map(|(at, _, _)| crate::clock::local_time(at))
            .collect();
        assert_eq!(
            due,
            [
                "2026-11-30 10:00:00",
                "2026-12-27 10:00:00",
                "2027-02-25 10:00:00"
            ]
        );
    }
}
