//! A store's booking capacity (工位与时段) and the slots it makes: opening hours per
//! weekday, the slot length, bays per service type or shared, closed days, how far ahead
//! booking opens and the cut-off before a slot. Which slots a day has, and whether one can
//! be booked at a moment, are decided here for the booking page, the desk and the server
//! alike.

use super::service_type::{ServiceType, SHARED_POOL};
use crate::{
    clock,
    error::{AppError, FieldError},
    i18n::Lang,
};
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// Opening hours of one ISO weekday (1 Monday … 7 Sunday), minutes after local midnight.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hours {
    pub weekday: i64,
    pub opens_min: i64,
    pub closes_min: i64,
}

/// A store's capacity, as set by its service advisor.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Capacity {
    pub store_id: i64,
    pub slot_minutes: i64,
    pub horizon_days: i64,
    pub cutoff_minutes: i64,
    pub hours: Vec<Hours>,
    /// Bays by pool: a service type's code, or [`SHARED_POOL`].
    pub bays: Vec<(String, i64)>,
    /// Closed days (holidays) with their reason, in date order.
    pub closed: Vec<(NaiveDate, String)>,
    pub version: i64,
}

/// Why a slot cannot be booked; each names the field the booking form shows it beside.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum SlotProblem {
    /// The day or time has passed.
    Past,
    /// Booking for that day has not opened yet.
    BeyondHorizon,
    /// A holiday or a weekday the store is closed.
    Closed,
    /// Not one of the day's slots (outside opening hours, or not on a slot boundary).
    NotASlot,
    /// The slot starts too soon to be booked.
    CutOff,
    /// The store has no bays for this service.
    NoBays,
    /// Every place of the slot is taken.
    Full,
}

impl SlotProblem {
    pub fn field(self) -> &'static str {
        match self {
            SlotProblem::Past | SlotProblem::BeyondHorizon | SlotProblem::Closed => "day",
            SlotProblem::NoBays => "service_type",
            SlotProblem::NotASlot | SlotProblem::CutOff | SlotProblem::Full => "time",
        }
    }

    pub fn key(self) -> &'static str {
        match self {
            SlotProblem::Past => "service.slot.past",
            SlotProblem::BeyondHorizon => "service.slot.beyond_horizon",
            SlotProblem::Closed => "service.slot.closed",
            SlotProblem::NotASlot => "service.slot.not_a_slot",
            SlotProblem::CutOff => "service.slot.cut_off",
            SlotProblem::NoBays => "service.slot.no_bays",
            SlotProblem::Full => "service.slot.full",
        }
    }

    pub fn error(self, lang: Lang) -> AppError {
        AppError::invalid(self.field(), lang.t(self.key()))
    }
}

/// `09:30` from minutes after midnight.
pub fn hhmm(min: i64) -> String {
    format!("{:02}:{:02}", min.div_euclid(60), min.rem_euclid(60))
}

/// Minutes after midnight from `9:30` / `09:30` (00:00–24:00).
pub fn parse_hhmm(s: &str) -> Option<i64> {
    let (h, m) = s.trim().split_once(':')?;
    if h.is_empty() || h.len() > 2 || m.len() != 2 {
        return None;
    }
    let (h, m): (i64, i64) = (h.parse().ok()?, m.parse().ok()?);
    let min = h * 60 + m;
    (m < 60 && (0..=1440).contains(&min)).then_some(min)
}

/// A day as `2026-11-28`, refusing anything else (and years no one books for).
pub fn parse_day(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    if s.len() != 10 {
        return None;
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .ok()
        .filter(|d| (2000..=2200).contains(&d.year()))
}

impl Capacity {
    /// The pool a service type books from: its own bays if it has any, else the shared.
    pub fn pool_of(&self, service: ServiceType) -> &'static str {
        if self.bays_in(service.code()) > 0 {
            service.code()
        } else {
            SHARED_POOL
        }
    }

    /// The bays of a pool.
    pub fn bays_in(&self, pool: &str) -> i64 {
        self.bays
            .iter()
            .find(|(p, _)| p == pool)
            .map_or(0, |(_, n)| *n)
    }

    /// How many of one slot a service type can have at once.
    pub fn places(&self, service: ServiceType) -> i64 {
        self.bays_in(self.pool_of(service))
    }

    pub fn hours_on(&self, day: NaiveDate) -> Option<Hours> {
        let weekday = i64::from(day.weekday().number_from_monday());
        self.hours.iter().copied().find(|h| h.weekday == weekday)
    }

    pub fn is_closed(&self, day: NaiveDate) -> bool {
        self.closed.iter().any(|(d, _)| *d == day) || self.hours_on(day).is_none()
    }

    /// The start of each slot of `day` (minutes after local midnight): every slot that
    /// ends by closing time. None on a closed day.
    pub fn starts(&self, day: NaiveDate) -> Vec<i64> {
        if self.is_closed(day) || self.slot_minutes <= 0 {
            return Vec::new();
        }
        let Some(h) = self.hours_on(day) else {
            return Vec::new();
        };
        (0..)
            .map(|i| h.opens_min + i * self.slot_minutes)
            .take_while(|s| s + self.slot_minutes <= h.closes_min)
            .collect()
    }

    /// The last day booking is open for, seen from `today`.
    pub fn last_day(&self, today: NaiveDate) -> NaiveDate {
        today + chrono::Days::new(self.horizon_days.clamp(0, 366) as u64)
    }

    /// The days a customer may pick from at `now`: today to the horizon, open days only.
    pub fn bookable_days(&self, now_ms: i64) -> Vec<NaiveDate> {
        let today = clock::day_of(now_ms);
        today
            .iter_days()
            .take_while(|d| *d <= self.last_day(today))
            .filter(|d| !self.is_closed(*d))
            .collect()
    }

    /// May a slot of `service` starting `start_min` on `day` be booked at `now_ms`
    /// (capacity aside: whether places are left is the database's to say)?
    pub fn check(
        &self,
        service: ServiceType,
        day: NaiveDate,
        start_min: i64,
        now_ms: i64,
    ) -> Result<(), SlotProblem> {
        let today = clock::day_of(now_ms);
        if day < today {
            return Err(SlotProblem::Past);
        }
        if day > self.last_day(today) {
            return Err(SlotProblem::BeyondHorizon);
        }
        if self.is_closed(day) {
            return Err(SlotProblem::Closed);
        }
        if !self.starts(day).contains(&start_min) {
            return Err(SlotProblem::NotASlot);
        }
        let starts_at = slot_start_ms(day, start_min);
        if starts_at <= now_ms {
            return Err(SlotProblem::Past);
        }
        if starts_at - self.cutoff_minutes * 60_000 < now_ms {
            return Err(SlotProblem::CutOff);
        }
        if self.places(service) <= 0 {
            return Err(SlotProblem::NoBays);
        }
        Ok(())
    }
}

/// The UTC moment a slot starting `start_min` on local `day` begins.
pub fn slot_start_ms(day: NaiveDate, start_min: i64) -> i64 {
    clock::day_start(day) + start_min * 60_000
}

/// One slot of a day as the booking page and the desk show it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlotView {
    pub day: NaiveDate,
    pub start_min: i64,
    /// Places in the slot for the service asked about.
    pub places: i64,
    /// Places taken.
    pub booked: i64,
    /// Why it cannot be booked now (`Full` when every place is taken), if so.
    pub problem: Option<SlotProblem>,
}

impl SlotView {
    pub fn left(&self) -> i64 {
        (self.places - self.booked).max(0)
    }

    pub fn open(&self) -> bool {
        self.problem.is_none()
    }

    pub fn time(&self) -> String {
        hhmm(self.start_min)
    }
}

/// The slots of `day` for `service`, given the places taken in each (`booked` by start
/// minute), as seen at `now_ms`.
pub fn day_slots(
    capacity: &Capacity,
    service: ServiceType,
    day: NaiveDate,
    booked: &[(i64, i64)],
    now_ms: i64,
) -> Vec<SlotView> {
    let places = capacity.places(service);
    capacity
        .starts(day)
        .into_iter()
        .map(|start_min| {
            let taken = booked
                .iter()
                .find(|(s, _)| *s == start_min)
                .map_or(0, |(_, n)| *n);
            let problem = capacity
                .check(service, day, start_min, now_ms)
                .err()
                .or((taken >= places).then_some(SlotProblem::Full));
            SlotView {
                day,
                start_min,
                places,
                booked: taken,
                problem,
            }
        })
        .collect()
}

/// One weekday's hours as typed: `08:30` and `17:30`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct DayHours {
    #[cfg_attr(feature = "ssr", schema(max_length = 5))]
    pub opens: String,
    #[cfg_attr(feature = "ssr", schema(max_length = 5))]
    pub closes: String,
}

impl DayHours {
    pub fn new(opens: &str, closes: &str) -> Self {
        DayHours {
            opens: opens.into(),
            closes: closes.into(),
        }
    }
}

/// The bays of one pool.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PoolBays {
    /// `shared`, or a service type's code.
    #[cfg_attr(feature = "ssr", schema(max_length = 20))]
    pub pool: String,
    pub bays: i64,
}

impl PoolBays {
    pub fn new(pool: &str, bays: i64) -> Self {
        PoolBays {
            pool: pool.into(),
            bays,
        }
    }
}

/// What the advisor sends to set a store's capacity: the form's fields as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CapacityInput {
    /// Slot length in minutes (15–240).
    pub slot_minutes: i64,
    /// Booking opens this many days ahead (1–90).
    pub horizon_days: i64,
    /// A slot closes to booking this many minutes before it starts (0–2880).
    pub cutoff_minutes: i64,
    /// Opening and closing times for Monday … Sunday (both empty: closed).
    pub hours: Vec<DayHours>,
    /// Bays per pool: `shared` and each service type's code (0–50; 0: the type shares).
    pub bays: Vec<PoolBays>,
    /// Closed days, one per line: `2026-12-25` and an optional reason after a space.
    #[cfg_attr(feature = "ssr", schema(max_length = 10000))]
    pub closed_days: String,
    /// The version the form was read at; 0 when the store has no capacity yet.
    #[serde(default)]
    pub version: i64,
}

impl From<&Capacity> for CapacityInput {
    /// The input that sets this capacity again (what the REST API answers with).
    fn from(c: &Capacity) -> Self {
        CapacityInput {
            slot_minutes: c.slot_minutes,
            horizon_days: c.horizon_days,
            cutoff_minutes: c.cutoff_minutes,
            hours: (1..=7)
                .map(|w| {
                    c.hours
                        .iter()
                        .find(|h| h.weekday == w)
                        .map(|h| DayHours::new(&hhmm(h.opens_min), &hhmm(h.closes_min)))
                        .unwrap_or_default()
                })
                .collect(),
            bays: c.bays.iter().map(|(p, n)| PoolBays::new(p, *n)).collect(),
            closed_days: c
                .closed
                .iter()
                .map(|(d, r)| format!("{d} {r}").trim_end().to_owned() + "\n")
                .collect(),
            version: c.version,
        }
    }
}

pub const MAX_CLOSED_DAYS: usize = 100;
pub const MAX_REASON: usize = 60;

impl CapacityInput {
    /// Every rule capacity keeps by itself; all bad fields at once.
    pub fn check(&self, store_id: i64, lang: Lang) -> Result<Capacity, AppError> {
        let mut errors = Vec::new();
        let mut bad = |field: String, key: &'static str| {
            errors.push(FieldError {
                field,
                message: lang.t(key).to_owned(),
            })
        };
        if !(15..=240).contains(&self.slot_minutes) {
            bad("slot_minutes".into(), "service.capacity.slot_minutes");
        }
        if !(1..=90).contains(&self.horizon_days) {
            bad("horizon_days".into(), "service.capacity.horizon_days");
        }
        if !(0..=2880).contains(&self.cutoff_minutes) {
            bad("cutoff_minutes".into(), "service.capacity.cutoff_minutes");
        }
        if self.hours.len() > 7 {
            bad("hours".into(), "service.capacity.hours");
        }
        let mut hours = Vec::new();
        for (
            i,
            DayHours {
                opens: open,
                closes: close,
            },
        ) in self.hours.iter().take(7).enumerate()
        {
            let weekday = i as i64 + 1;
            if open.trim().is_empty() && close.trim().is_empty() {
                continue;
            }
            match (parse_hhmm(open), parse_hhmm(close)) {
                (Some(o), Some(c)) if o < c => hours.push(Hours {
                    weekday,
                    opens_min: o,
                    closes_min: c,
                }),
                (None, _) => bad(format!("opens_{weekday}"), "service.capacity.time"),
                (_, None) => bad(format!("closes_{weekday}"), "service.capacity.time"),
                _ => bad(format!("closes_{weekday}"), "service.capacity.closes_after"),
            }
        }
        let mut bays = Vec::new();
        if self.bays.len() > 1 + ServiceType::ALL.len() {
            bad("bays".into(), "service.capacity.bays");
        }
        for PoolBays { pool, bays: n } in self.bays.iter().take(8) {
            let known = pool == SHARED_POOL || ServiceType::parse(pool).is_some();
            if !known {
                bad("bays".into(), "service.capacity.bays");
            } else if !(0..=50).contains(n) {
                bad(format!("bays_{pool}"), "service.capacity.bays_range");
            } else if !bays.iter().any(|(p, _): &(String, i64)| p == pool) {
                bays.push((pool.clone(), *n));
            }
        }
        let mut closed: Vec<(NaiveDate, String)> = Vec::new();
        let lines: Vec<&str> = self
            .closed_days
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect();
        if lines.len() > MAX_CLOSED_DAYS || self.closed_days.len() > 10_000 {
            bad("closed_days".into(), "service.capacity.closed_too_many");
        } else {
            for line in lines {
                let (day, reason) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
                match parse_day(day) {
                    Some(d) if reason.trim().chars().count() <= MAX_REASON => {
                        if !closed.iter().any(|(c, _)| *c == d) {
                            closed.push((d, reason.trim().to_owned()));
                        }
                    }
                    _ => {
                        bad("closed_days".into(), "service.capacity.closed_day");
                        break;
                    }
                }
            }
        }
        closed.sort();
        if !errors.is_empty() {
            return Err(AppError::invalid_fields(errors));
        }
        Ok(Capacity {
            store_id,
            slot_minutes: self.slot_minutes,
            horizon_days: self.horizon_days,
            cutoff_minutes: self.cutoff_minutes,
            hours,
            bays,
            closed,
            version: self.version,
        })
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub fn d(s: &str) -> NaiveDate {
        parse_day(s).unwrap()
    }

    /// Monday–Saturday 08:30–17:30, hour slots, 3 shared bays and 1 for body work, two
    /// weeks ahead, no booking within 60 minutes; closed on 2026-12-02 (a Wednesday).
    pub fn capacity() -> Capacity {
        Capacity {
            store_id: 1,
            slot_minutes: 60,
            horizon_days: 14,
            cutoff_minutes: 60,
            hours: (1..=6)
                .map(|weekday| Hours {
                    weekday,
                    opens_min: 8 * 60 + 30,
                    closes_min: 17 * 60 + 30,
                })
                .collect(),
            bays: vec![("shared".into(), 3), ("body_paint".into(), 1)],
            closed: vec![(d("2026-12-02"), "盘点".into())],
            version: 1,
        }
    }

    /// 2026-11-28 (a Saturday) 10:15 in Shanghai.
    pub const NOW: i64 = 1_795_832_100_000;

    #[test]
    fn the_fixed_moment_is_saturday_morning_in_shanghai() {
        assert_eq!(clock::local_time(NOW), "2026-11-28 10:15:00");
        assert_eq!(d("2026-11-28").weekday(), chrono::Weekday::Sat);
    }

    #[test]
    fn a_day_has_the_slots_that_end_by_closing_time() {
        let c = capacity();
        let starts = c.starts(d("2026-11-30"));
        assert_eq!(starts.first(), Some(&510));
        assert_eq!(starts.last(), Some(&990), "16:30–17:30 is the last");
        assert_eq!(starts.len(), 9);
        assert!(c.starts(d("2026-11-29")).is_empty(), "Sunday: closed");
        assert!(c.starts(d("2026-12-02")).is_empty(), "a holiday");
        let half_hours = Capacity {
            slot_minutes: 45,
            ..capacity()
        };
        // 08:30 + 12 × 45 min = 17:30: twelve slots exactly.
        assert_eq!(half_hours.starts(d("2026-11-30")).len(), 12);
    }

    #[test]
    fn a_type_with_its_own_bays_books_from_them_and_the_rest_share() {
        let c = capacity();
        assert_eq!(c.pool_of(ServiceType::BodyPaint), "body_paint");
        assert_eq!(c.places(ServiceType::BodyPaint), 1);
        assert_eq!(c.pool_of(ServiceType::Maintenance), "shared");
        assert_eq!(c.places(ServiceType::Tyres), 3);
        let no_shared = Capacity {
            bays: vec![("body_paint".into(), 1)],
            ..capacity()
        };
        assert_eq!(
            no_shared.check(ServiceType::Repair, d("2026-11-30"), 510, NOW),
            Err(SlotProblem::NoBays)
        );
    }

    #[test]
    fn past_closed_late_and_odd_slots_are_refused_with_the_field() {
        let c = capacity();
        let m = ServiceType::Maintenance;
        let check = |day: &str, start: i64| c.check(m, d(day), start, NOW);
        assert_eq!(check("2026-11-30", 510), Ok(()));
        assert_eq!(check("2026-11-27", 600), Err(SlotProblem::Past));
        // Today: 09:30 has started, 10:30 is within the hour's cut-off, 11:30 is fine.
        assert_eq!(check("2026-11-28", 570), Err(SlotProblem::Past));
        assert_eq!(check("2026-11-28", 630), Err(SlotProblem::CutOff));
        assert_eq!(check("2026-11-28", 690), Ok(()));
        assert_eq!(check("2026-11-29", 600), Err(SlotProblem::Closed));
        assert_eq!(check("2026-12-02", 600), Err(SlotProblem::Closed));
        assert_eq!(check("2026-12-12", 510), Ok(()), "14 days ahead");
        assert_eq!(check("2026-12-14", 510), Err(SlotProblem::BeyondHorizon));
        assert_eq!(
            check("2026-11-30", 480),
            Err(SlotProblem::NotASlot),
            "before opening"
        );
        assert_eq!(
            check("2026-11-30", 1050),
            Err(SlotProblem::NotASlot),
            "ends after closing"
        );
        assert_eq!(
            check("2026-11-30", 520),
            Err(SlotProblem::NotASlot),
            "off the grid"
        );
        assert_eq!(SlotProblem::CutOff.field(), "time");
        assert_eq!(SlotProblem::Closed.field(), "day");
    }

    #[test]
    fn the_day_view_marks_full_and_closed_slots() {
        let c = capacity();
        let slots = day_slots(
            &c,
            ServiceType::Maintenance,
            d("2026-11-28"),
            &[(690, 3), (750, 2)],
            NOW,
        );
        let at = |m: i64| slots.iter().find(|s| s.start_min == m).unwrap();
        assert_eq!(at(570).problem, Some(SlotProblem::Past));
        assert_eq!(at(690).problem, Some(SlotProblem::Full));
        assert_eq!(at(750).problem, None);
        assert_eq!(at(750).left(), 1);
        assert_eq!(at(810).left(), 3);
        assert_eq!(at(810).time(), "13:30");
    }

    #[test]
    fn bookable_days_run_to_the_horizon_over_open_days() {
        let days = capacity().bookable_days(NOW);
        assert_eq!(days.first(), Some(&d("2026-11-28")));
        assert_eq!(days.last(), Some(&d("2026-12-12")));
        assert!(!days.contains(&d("2026-11-29")));
        assert!(!days.contains(&d("2026-12-02")));
        assert_eq!(days.len(), 15 - 2 - 1, "15 days, two Sundays, one holiday");
    }

    fn input() -> CapacityInput {
        CapacityInput {
            slot_minutes: 60,
            horizon_days: 14,
            cutoff_minutes: 60,
            hours: (0..7)
                .map(|i| {
                    if i < 6 {
                        DayHours::new("08:30", "17:30")
                    } else {
                        DayHours::default()
                    }
                })
                .collect(),
            bays: vec![PoolBays::new("shared", 3), PoolBays::new("body_paint", 1)],
            closed_days: "2026-12-02 盘点\n".into(),
            version: 1,
        }
    }

    #[test]
    fn capacity_input_reads_into_the_capacity_it_describes_and_back() {
        assert_eq!(input().check(1, Lang::ZhCn), Ok(capacity()));
        assert_eq!(CapacityInput::from(&capacity()), input());
    }

    #[test]
    fn bad_capacity_names_each_field() {
        let bad = CapacityInput {
            slot_minutes: 5,
            horizon_days: 1000,
            cutoff_minutes: -1,
            hours: vec![
                DayHours::new("8:30", "7:00"),
                DayHours::new("25:00", "17:00"),
                DayHours::new("08:00", ""),
            ],
            bays: vec![PoolBays::new("shared", 51), PoolBays::new("garage", 1)],
            closed_days: "2026-13-01\n".into(),
            version: 0,
        };
        let e = bad.check(1, Lang::En).unwrap_err();
        let fields: Vec<&str> = e.fields().iter().map(|f| f.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "slot_minutes",
                "horizon_days",
                "cutoff_minutes",
                "closes_1",
                "opens_2",
                "closes_3",
                "bays_shared",
                "bays",
                "closed_days"
            ]
        );
        let many = CapacityInput {
            closed_days: "2026-12-01\n".repeat(101),
            ..input()
        };
        assert_eq!(
            many.check(1, Lang::En).unwrap_err().fields()[0].field,
            "closed_days"
        );
    }

    #[test]
    fn times_and_days_are_read_strictly() {
        assert_eq!(parse_hhmm("9:30"), Some(570));
        assert_eq!(parse_hhmm("24:00"), Some(1440));
        assert_eq!(parse_hhmm("24:01"), None);
        assert_eq!(parse_hhmm("12:60"), None);
        assert_eq!(parse_hhmm("123:00"), None);
        assert_eq!(parse_hhmm("-1:00"), None);
        assert_eq!(hhmm(570), "09:30");
        assert_eq!(parse_day("2026-11-28"), Some(d("2026-11-28")));
        assert_eq!(parse_day("99999-11-28"), None);
        assert_eq!(parse_day("1900-01-01"), None);
        assert_eq!(parse_day("2026-02-30"), None);
    }
}
