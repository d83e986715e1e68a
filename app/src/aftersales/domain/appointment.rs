//! An appointment (预约) and its moves: booked → 已到店 checked in → 进行中 in progress →
//! 已完成 completed; a booking may also end as 未到店 no-show or 已取消 cancelled. And the
//! booking form's input, checked whole before anything is written.

use super::{
    plate::Plate,
    schedule::{parse_day, parse_hhmm},
    service_type::ServiceType,
};
use crate::{
    crm::domain::customer::parse_mobile,
    domain::coded::coded,
    error::{AppError, FieldError},
    i18n::Lang,
    inventory::domain::Vin,
};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

coded!(
    /// Where an appointment stands.
    AppointmentStatus, "service.status", {
        Booked = "booked",
        CheckedIn = "checked_in",
        InProgress = "in_progress",
        Completed = "completed",
        NoShow = "no_show",
        Cancelled = "cancelled",
    }
);

coded!(
    /// How the appointment was made.
    BookingSource, "service.source", { Online = "online", Staff = "staff", WalkIn = "walk_in" }
);

coded!(
    /// What the desk does to an appointment.
    AppointmentStep, "service.step", {
        CheckIn = "check_in",
        Start = "start",
        Complete = "complete",
        NoShow = "no_show",
        Cancel = "cancel",
    }
);

impl AppointmentStatus {
    /// Holds a place in its slot (a booking not yet over).
    pub fn holds_place(self) -> bool {
        matches!(self, AppointmentStatus::Booked)
    }

    pub fn is_final(self) -> bool {
        matches!(
            self,
            AppointmentStatus::Completed | AppointmentStatus::NoShow | AppointmentStatus::Cancelled
        )
    }
}

/// Why a step is refused (the i18n key says it to the person).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StepRefused {
    /// Not from this status.
    WrongStatus,
    /// A check-in before the appointment's day.
    TooEarly,
    /// A no-show before the slot has begun.
    NotYetDue,
}

impl StepRefused {
    pub fn key(self) -> &'static str {
        match self {
            StepRefused::WrongStatus => "service.step.wrong_status",
            StepRefused::TooEarly => "service.step.too_early",
            StepRefused::NotYetDue => "service.step.not_yet_due",
        }
    }
}

impl AppointmentStep {
    /// Where `step` takes an appointment in `from`, on local `today` at `now_ms`, for an
    /// appointment on `day` starting at `starts_at`.
    pub fn apply(
        self,
        from: AppointmentStatus,
        day: NaiveDate,
        starts_at: i64,
        today: NaiveDate,
        now_ms: i64,
    ) -> Result<AppointmentStatus, StepRefused> {
        use AppointmentStatus as S;
        use AppointmentStep as A;
        match (self, from) {
            (A::CheckIn, S::Booked) if today < day => Err(StepRefused::TooEarly),
            (A::CheckIn, S::Booked) => Ok(S::CheckedIn),
            (A::Start, S::CheckedIn) => Ok(S::InProgress),
            (A::Complete, S::CheckedIn | S::InProgress) => Ok(S::Completed),
            (A::NoShow, S::Booked) if now_ms < starts_at => Err(StepRefused::NotYetDue),
            (A::NoShow, S::Booked) => Ok(S::NoShow),
            (A::Cancel, S::Booked | S::CheckedIn) => Ok(S::Cancelled),
            _ => Err(StepRefused::WrongStatus),
        }
    }

    /// The steps the desk offers from `status`.
    pub fn offered(status: AppointmentStatus) -> &'static [AppointmentStep] {
        use AppointmentStatus as S;
        use AppointmentStep as A;
        match status {
            S::Booked => &[A::CheckIn, A::NoShow, A::Cancel],
            S::CheckedIn => &[A::Start, A::Complete, A::Cancel],
            S::InProgress => &[A::Complete],
            S::Completed | S::NoShow | S::Cancelled => &[],
        }
    }
}

pub const MAX_NAME: usize = 50;
pub const MAX_NOTE: usize = 500;
pub const MAX_MILEAGE: i64 = 2_000_000;

/// The booking form as sent (public page, desk, REST): every field a string as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct BookingInput {
    /// A number (a form sends it as text).
    #[serde(deserialize_with = "number_or_text")]
    pub store_id: i64,
    /// A service type's code (`maintenance`, `repair`, `inspection`, `tyres`, `warranty`,
    /// `body_paint`).
    pub service_type: String,
    /// The local day, `2026-11-30`.
    pub day: String,
    /// The slot's local start, `09:30`.
    pub time: String,
    pub name: String,
    /// A mainland mobile, `13800138000`.
    pub mobile: String,
    /// A mainland plate (`沪A12345`, green `沪AD12345`); a plate or a VIN is needed.
    #[serde(default)]
    pub plate: String,
    #[serde(default)]
    pub vin: String,
    /// Kilometres, optional.
    #[serde(default)]
    pub mileage: String,
    #[serde(default)]
    pub note: String,
}

/// A whole number sent as a JSON number or, by a form, as text (a flattened form's fields
/// all arrive as text).
pub fn number_or_text<'de, D: serde::Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Either {
        Number(i64),
        Text(String),
    }
    match Either::deserialize(d)? {
        Either::Number(n) => Ok(n),
        Either::Text(t) => t
            .trim()
            .parse()
            .map_err(|_| serde::de::Error::custom(format!("not a whole number: {t:?}"))),
    }
}

/// A booking that has passed its own checks (the slot's are the schedule's).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Booking {
    pub store_id: i64,
    pub service_type: ServiceType,
    pub day: NaiveDate,
    pub start_min: i64,
    pub name: String,
    pub mobile: String,
    pub plate: Option<Plate>,
    pub vin: Option<Vin>,
    pub mileage: Option<i64>,
    pub note: String,
}

impl BookingInput {
    /// Every rule the form keeps by itself; all bad fields at once.
    pub fn check(&self, lang: Lang) -> Result<Booking, AppError> {
        let mut errors = Vec::new();
        let mut bad = |field: &str, message: String| {
            errors.push(FieldError {
                field: field.to_owned(),
                message,
            })
        };
        let service_type = ServiceType::parse(&self.service_type);
        if service_type.is_none() {
            bad("service_type", lang.t("service.form.service_type").into());
        }
        let day = parse_day(&self.day);
        if day.is_none() {
            bad("day", lang.t("service.form.day").into());
        }
        let start_min = parse_hhmm(&self.time);
        if start_min.is_none() {
            bad("time", lang.t("service.form.time").into());
        }
        let name = self.name.trim();
        if name.is_empty() || name.chars().count() > MAX_NAME {
            bad("name", lang.t("service.form.name").into());
        }
        let mobile = parse_mobile(&self.mobile);
        if mobile.is_none() {
            bad("mobile", lang.t("service.form.mobile").into());
        }
        let plate = match self.plate.trim() {
            "" => None,
            p => match Plate::parse(p) {
                Ok(p) => Some(p),
                Err(e) => {
                    bad("plate", lang.t(e.key()).into());
                    None
                }
            },
        };
        let vin = match self.vin.trim() {
            "" => None,
            v if v.len() > 40 => {
                bad("vin", lang.t("service.form.vin").into());
                None
            }
            v => match Vin::parse(v) {
                Ok(v) => Some(v),
                Err(e) => {
                    bad(
                        "vin",
                        crate::inventory::domain::intake::vin_message(&e, lang),
                    );
                    None
                }
            },
        };
        if self.plate.trim().is_empty() && self.vin.trim().is_empty() {
            bad("plate", lang.t("service.form.plate_or_vin").into());
        }
        let mileage = match self.mileage.trim().replace([',', ' '], "").as_str() {
            "" => None,
            m => match m.parse::<i64>() {
                Ok(km) if (0..=MAX_MILEAGE).contains(&km) => Some(km),
                _ => {
                    bad("mileage", lang.t("service.form.mileage").into());
                    None
                }
            },
        };
        let note = self.note.trim();
        if note.chars().count() > MAX_NOTE {
            bad("note", lang.t("service.form.note").into());
        }
        if !errors.is_empty() {
            return Err(AppError::invalid_fields(errors));
        }
        let (Some(service_type), Some(day), Some(start_min), Some(mobile)) =
            (service_type, day, start_min, mobile)
        else {
            return Err(AppError::invalid("form", lang.t("service.form.name")));
        };
        Ok(Booking {
            store_id: self.store_id,
            service_type,
            day,
            start_min,
            name: name.to_owned(),
            mobile: mobile.as_str().to_owned(),
            plate,
            vin,
            mileage,
            note: note.to_owned(),
        })
    }

    /// The fields as the form sends them back after a refusal (what was typed).
    pub fn typed(&self) -> Vec<(&'static str, &str)> {
        vec![
            ("name", &self.name),
            ("mobile", &self.mobile),
            ("plate", &self.plate),
            ("vin", &self.vin),
            ("mileage", &self.mileage),
            ("note", &self.note),
        ]
    }
}

/// An appointment as the desk, the customer and the API see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow, utoipa::ToSchema))]
pub struct AppointmentRow {
    pub id: i64,
    pub code: String,
    pub store_id: i64,
    #[cfg_attr(feature = "ssr", sqlx(try_from = "String"))]
    pub service_type: ServiceType,
    /// The pool whose place it holds (`shared` or a service type's code; '' for a walk-in).
    pub pool: String,
    pub day: String,
    pub start_min: i64,
    pub starts_at: i64,
    pub ends_at: i64,
    #[cfg_attr(feature = "ssr", sqlx(try_from = "String"))]
    pub status: AppointmentStatus,
    #[cfg_attr(feature = "ssr", sqlx(try_from = "String"))]
    pub source: BookingSource,
    pub name: String,
    pub mobile: String,
    pub plate: String,
    pub vin: String,
    pub mileage: Option<i64>,
    pub note: String,
    pub customer_id: Option<i64>,
    pub advisor_id: Option<i64>,
    pub checked_in_at: Option<i64>,
    pub checkin_mileage: Option<i64>,
    pub checkin_notes: String,
    pub completed_at: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
    pub version: i64,
}

/// A mobile as a customer sees it on a shared screen: `138****8000`.
pub fn masked_mobile(mobile: &str) -> String {
    let chars: Vec<char> = mobile.chars().collect();
    if chars.len() < 7 {
        return "*".repeat(chars.len());
    }
    let (head, tail) = (&chars[..3], &chars[chars.len() - 4..]);
    format!(
        "{}****{}",
        head.iter().collect::<String>(),
        tail.iter().collect::<String>()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aftersales::domain::schedule::tests::{d, NOW};

    fn input() -> BookingInput {
        BookingInput {
            store_id: 1,
            service_type: "maintenance".into(),
            day: "2026-11-30".into(),
            time: "09:30".into(),
            name: " 王小明 ".into(),
            mobile: "138 0013 8000".into(),
            plate: "沪a·12345".into(),
            vin: String::new(),
            mileage: "12,500".into(),
            note: String::new(),
        }
    }

    #[test]
    fn a_good_booking_is_read_whole() {
        let b = input().check(Lang::ZhCn).unwrap();
        assert_eq!(b.service_type, ServiceType::Maintenance);
        assert_eq!(b.day, d("2026-11-30"));
        assert_eq!(b.start_min, 570);
        assert_eq!(b.name, "王小明");
        assert_eq!(b.mobile, "13800138000");
        assert_eq!(b.plate.unwrap().as_str(), "沪A12345");
        assert_eq!(b.mileage, Some(12_500));
        let by_vin = BookingInput {
            plate: String::new(),
            vin: "LSVAU218XN2183294".into(),
            mileage: String::new(),
            ..input()
        };
        let b = by_vin.check(Lang::ZhCn).unwrap();
        assert!(b.plate.is_none() && b.vin.is_some() && b.mileage.is_none());
    }

    #[test]
    fn each_bad_field_is_named() {
        let bad = BookingInput {
            service_type: "oil".into(),
            day: "tomorrow".into(),
            time: "9h".into(),
            name: "x".repeat(51),
            mobile: "12345".into(),
            plate: "沪A1234O".into(),
            vin: "NOTAVIN".into(),
            mileage: "-3".into(),
            note: "n".repeat(501),
            ..input()
        };
        let e = bad.check(Lang::En).unwrap_err();
        let fields: Vec<&str> = e.fields().iter().map(|f| f.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "service_type",
                "day",
                "time",
                "name",
                "mobile",
                "plate",
                "vin",
                "mileage",
                "note"
            ]
        );
        let neither = BookingInput {
            plate: " ".into(),
            ..input()
        };
        assert_eq!(
            neither.check(Lang::En).unwrap_err().fields()[0].field,
            "plate"
        );
        let huge = BookingInput {
            mileage: "2000001".into(),
            ..input()
        };
        assert_eq!(
            huge.check(Lang::En).unwrap_err().fields()[0].field,
            "mileage"
        );
    }

    #[test]
    fn the_desk_moves_an_appointment_along_its_statuses() {
        use AppointmentStatus as S;
        use AppointmentStep as A;
        let (day, today) = (d("2026-11-28"), d("2026-11-28"));
        let starts = NOW + 3_600_000;
        assert_eq!(
            A::CheckIn.apply(S::Booked, day, starts, today, NOW),
            Ok(S::CheckedIn)
        );
        assert_eq!(
            A::CheckIn.apply(S::Booked, d("2026-11-30"), starts, today, NOW),
            Err(StepRefused::TooEarly)
        );
        assert_eq!(
            A::Start.apply(S::CheckedIn, day, starts, today, NOW),
            Ok(S::InProgress)
        );
        assert_eq!(
            A::Complete.apply(S::InProgress, day, starts, today, NOW),
            Ok(S::Completed)
        );
        assert_eq!(
            A::NoShow.apply(S::Booked, day, starts, today, NOW),
            Err(StepRefused::NotYetDue)
        );
        assert_eq!(
            A::NoShow.apply(S::Booked, day, NOW - 1, today, NOW),
            Ok(S::NoShow)
        );
        assert_eq!(
            A::Cancel.apply(S::Completed, day, starts, today, NOW),
            Err(StepRefused::WrongStatus)
        );
        // What the desk offers is exactly what it may do (time aside).
        for from in AppointmentStatus::ALL {
            for step in AppointmentStep::ALL {
                let ok = step.apply(*from, day, NOW - 1, today, NOW).is_ok();
                assert_eq!(
                    AppointmentStep::offered(*from).contains(step),
                    ok,
                    "{from:?} {step:?}"
                );
            }
            assert_eq!(from.is_final(), AppointmentStep::offered(*from).is_empty());
        }
    }

    #[test]
    fn a_mobile_is_masked_on_shared_screens() {
        assert_eq!(masked_mobile("13800138000"), "138****8000");
        assert_eq!(masked_mobile("123"), "***");
    }
}
