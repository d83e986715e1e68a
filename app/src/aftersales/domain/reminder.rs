//! Reminders (提醒): which messages an appointment and a follow-up task get, when, the
//! Chinese text sent, and how a failed send is tried again.

use crate::domain::coded::coded;
use serde::{Deserialize, Serialize};

coded!(
    /// What a reminder is about.
    ReminderKind, "reminder.kind", {
        AppointmentDayBefore = "appointment_day_before",
        AppointmentSoon = "appointment_soon",
        FollowUpDue = "follow_up_due",
    }
);

coded!(
    /// How it is sent: an SMS to the customer, a WeChat (企业微信) message to staff.
    ReminderChannel, "reminder.channel", { Sms = "sms", Wechat = "wechat" }
);

coded!(
    /// Where a message stands.
    OutboxStatus, "reminder.status", {
        Pending = "pending",
        Sending = "sending",
        Sent = "sent",
        Failed = "failed",
        Cancelled = "cancelled",
    }
);

/// A message as the page lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow, utoipa::ToSchema))]
pub struct OutboxRow {
    pub id: i64,
    #[cfg_attr(feature = "ssr", sqlx(try_from = "String"))]
    pub kind: ReminderKind,
    #[cfg_attr(feature = "ssr", sqlx(try_from = "String"))]
    pub channel: ReminderChannel,
    pub recipient: String,
    pub body: String,
    pub due_at: i64,
    #[cfg_attr(feature = "ssr", sqlx(try_from = "String"))]
    pub status: OutboxStatus,
    pub attempts: i64,
    pub sent_at: Option<i64>,
    pub last_error: String,
}

const HOUR: i64 = 3_600_000;

/// Tries before a message is left failed.
pub const MAX_ATTEMPTS: i64 = 5;

/// How long a process may hold a message it took before another may take it (a process
/// that stopped mid-send).
pub const LEASE_MS: i64 = 2 * 60_000;

/// A reminder older than this when it would be planned is not sent at all (a booking made
/// an hour before its visit gets no "two hours before" message).
pub const STALE_MS: i64 = 10 * 60_000;

impl ReminderKind {
    /// When the reminder of an event at `event_at` is due.
    pub fn due_at(self, event_at: i64) -> i64 {
        match self {
            ReminderKind::AppointmentDayBefore => event_at - 24 * HOUR,
            ReminderKind::AppointmentSoon => event_at - 2 * HOUR,
            ReminderKind::FollowUpDue => event_at,
        }
    }

    /// Is it still worth planning at `now`?
    pub fn worth_planning(self, event_at: i64, now: i64) -> bool {
        event_at > now && self.due_at(event_at) > now - STALE_MS
    }
}

/// The wait before try `attempts + 1` after `attempts` failed: 1 min, 5 min, 30 min, 2 h.
pub fn backoff_ms(attempts: i64) -> i64 {
    match attempts {
        ..=1 => 60_000,
        2 => 5 * 60_000,
        3 => 30 * 60_000,
        _ => 2 * HOUR,
    }
}

/// What an appointment's reminder says.
pub struct AppointmentText<'a> {
    pub store: &'a str,
    pub name: &'a str,
    pub service: &'a str,
    pub day: &'a str,
    pub time: &'a str,
    pub code: &'a str,
}

/// The SMS text (短信模板) of an appointment's reminder.
pub fn appointment_text(kind: ReminderKind, t: &AppointmentText) -> String {
    match kind {
        ReminderKind::AppointmentSoon => format!(
            "【{store}】{name}您好，您预约的{service}服务将于今天{time}开始，请准时到店。预约码{code}。",
            store = t.store,
            name = t.name,
            service = t.service,
            time = t.time,
            code = t.code,
        ),
        _ => format!(
            "【{store}】{name}您好，您预约了{day} {time}的{service}服务，预约码{code}。如需改约或取消，请打开在线预约页面输入预约码和手机号。",
            store = t.store,
            name = t.name,
            service = t.service,
            day = t.day,
            time = t.time,
            code = t.code,
        ),
    }
}

/// The WeChat text (企业微信) of a follow-up task come due.
pub fn follow_up_text(customer: &str, channel: &str, due: &str, goal: &str) -> String {
    let goal: String = goal.chars().take(60).collect();
    format!("【跟进提醒】客户{customer}的{channel}跟进已到期（{due}）：{goal}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reminders_fall_a_day_and_two_hours_before_and_stale_ones_are_skipped() {
        let at = 1_800_000_000_000;
        assert_eq!(
            ReminderKind::AppointmentDayBefore.due_at(at),
            at - 24 * HOUR
        );
        assert_eq!(ReminderKind::AppointmentSoon.due_at(at), at - 2 * HOUR);
        assert_eq!(ReminderKind::FollowUpDue.due_at(at), at);
        // Booked an hour before the visit: no day-before, no two-hours-before message.
        let now = at - HOUR;
        assert!(!ReminderKind::AppointmentDayBefore.worth_planning(at, now));
        assert!(!ReminderKind::AppointmentSoon.worth_planning(at, now));
        // Booked three hours before: the two-hours-before one only.
        let now = at - 3 * HOUR;
        assert!(!ReminderKind::AppointmentDayBefore.worth_planning(at, now));
        assert!(ReminderKind::AppointmentSoon.worth_planning(at, now));
        // A few minutes late (a job that ran late) still sends.
        assert!(ReminderKind::AppointmentSoon.worth_planning(at, at - 2 * HOUR + 60_000));
        assert!(
            !ReminderKind::FollowUpDue.worth_planning(at, at),
            "past events get none"
        );
    }

    #[test]
    fn a_failed_send_waits_longer_each_time() {
        let waits: Vec<i64> = (1..=6).map(backoff_ms).collect();
        assert!(waits.windows(2).all(|w| w[0] <= w[1]));
        assert_eq!(waits[0], 60_000);
        assert_eq!(waits[5], 2 * HOUR);
    }

    #[test]
    fn the_texts_name_the_visit_and_the_code() {
        let t = AppointmentText {
            store: "上海浦东旗舰店",
            name: "韩梅梅",
            service: "保养",
            day: "2026-11-30",
            time: "09:30",
            code: "ABCD2345",
        };
        let day_before = appointment_text(ReminderKind::AppointmentDayBefore, &t);
        assert!(day_before.starts_with("【上海浦东旗舰店】韩梅梅您好"));
        assert!(
            day_before.contains("2026-11-30 09:30的保养服务") && day_before.contains("ABCD2345")
        );
        let soon = appointment_text(ReminderKind::AppointmentSoon, &t);
        assert!(soon.contains("今天09:30开始"));
        let f = follow_up_text("王先生", "电话", "11-30 10:00", &"试驾".repeat(100));
        assert!(f.starts_with("【跟进提醒】客户王先生的电话跟进已到期"));
        assert!(f.chars().count() < 120, "a long goal is cut");
    }
}
