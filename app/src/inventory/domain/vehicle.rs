//! A vehicle as the list shows it, and the filter of the vehicle list (the same shape is
//! the list page's query string, the export's and the REST API's).

use super::status::VehicleStatus;
use crate::domain::Money;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow, utoipa::ToSchema))]
pub struct VehicleRow {
    pub id: i64,
    pub vin: String,
    pub model_id: i64,
    pub trim_id: i64,
    pub color_id: i64,
    pub warehouse_id: i64,
    pub store_id: i64,
    #[cfg_attr(feature = "ssr", sqlx(try_from = "String"))]
    pub status: VehicleStatus,
    #[cfg_attr(feature = "ssr", schema(value_type = i64))]
    pub cost_fen: Money,
    #[cfg_attr(feature = "ssr", schema(value_type = i64))]
    pub list_price_fen: Money,
    /// `YYYY-MM-DD`, the day it reached the dealer; none while still on its way.
    pub arrival_date: Option<String>,
    /// Days since arrival while it is in stock or reserved.
    #[cfg_attr(feature = "ssr", sqlx(skip))]
    pub days_in_stock: Option<i64>,
    /// In an open transfer (requested, approved or on its way).
    pub in_transfer: bool,
    pub version: i64,
}

impl VehicleRow {
    /// Fills in the days in stock as of `today`.
    pub fn with_days(mut self, today: chrono::NaiveDate) -> Self {
        self.days_in_stock = days_in_stock(self.status, self.arrival_date.as_deref(), today);
        self
    }
}

/// Days from `arrival` (`YYYY-MM-DD`) to `today`, for vehicles still on hand.
pub fn days_in_stock(
    status: VehicleStatus,
    arrival: Option<&str>,
    today: chrono::NaiveDate,
) -> Option<i64> {
    if !matches!(status, VehicleStatus::InStock | VehicleStatus::Reserved) {
        return None;
    }
    let d = chrono::NaiveDate::parse_from_str(arrival?, "%Y-%m-%d").ok()?;
    Some((today - d).num_days().max(0))
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct VehiclePage {
    pub rows: Vec<VehicleRow>,
    pub total: i64,
}

/// A status to filter by: one status, or `on_hand` (in transit, in stock and reserved).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum StatusFilter {
    OnHand,
    InTransit,
    InStock,
    Reserved,
    Sold,
    Delivered,
}

impl StatusFilter {
    pub fn of(s: VehicleStatus) -> Self {
        match s {
            VehicleStatus::InTransit => StatusFilter::InTransit,
            VehicleStatus::InStock => StatusFilter::InStock,
            VehicleStatus::Reserved => StatusFilter::Reserved,
            VehicleStatus::Sold => StatusFilter::Sold,
            VehicleStatus::Delivered => StatusFilter::Delivered,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            StatusFilter::OnHand => "on_hand",
            StatusFilter::InTransit => "in_transit",
            StatusFilter::InStock => "in_stock",
            StatusFilter::Reserved => "reserved",
            StatusFilter::Sold => "sold",
            StatusFilter::Delivered => "delivered",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        if s == "on_hand" {
            return Some(StatusFilter::OnHand);
        }
        s.parse::<VehicleStatus>().ok().map(StatusFilter::of)
    }

    /// The statuses it stands for.
    pub fn statuses(self) -> &'static [VehicleStatus] {
        use VehicleStatus::*;
        match self {
            StatusFilter::OnHand => &[InTransit, InStock, Reserved],
            StatusFilter::InTransit => &[InTransit],
            StatusFilter::InStock => &[InStock],
            StatusFilter::Reserved => &[Reserved],
            StatusFilter::Sold => &[Sold],
            StatusFilter::Delivered => &[Delivered],
        }
    }

    pub fn label_key(self) -> &'static str {
        match self {
            StatusFilter::OnHand => "vehicle.status.on_hand",
            StatusFilter::InTransit => VehicleStatus::InTransit.label_key(),
            StatusFilter::InStock => VehicleStatus::InStock.label_key(),
            StatusFilter::Reserved => VehicleStatus::Reserved.label_key(),
            StatusFilter::Sold => VehicleStatus::Sold.label_key(),
            StatusFilter::Delivered => VehicleStatus::Delivered.label_key(),
        }
    }

    /// Every filter, in the order a picker lists them.
    pub const ALL: [StatusFilter; 6] = [
        StatusFilter::OnHand,
        StatusFilter::InTransit,
        StatusFilter::InStock,
        StatusFilter::Reserved,
        StatusFilter::Sold,
        StatusFilter::Delivered,
    ];
}

/// The most a list page holds, and the furthest back "days in stock" reaches.
pub const MAX_PAGE: i64 = 500;
pub const MAX_DAYS: i64 = 36_500;

/// What the vehicle list is filtered by; every field optional.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "ssr", into_params(parameter_in = Query))]
pub struct VehicleFilter {
    /// Part of a VIN (any case).
    #[serde(default)]
    #[cfg_attr(feature = "ssr", param(max_length = 17))]
    pub q: Option<String>,
    #[serde(default)]
    pub warehouse_id: Option<i64>,
    /// One store's vehicles (group-wide roles; others see their own store's anyway).
    #[serde(default)]
    pub store_id: Option<i64>,
    #[serde(default)]
    pub model_id: Option<i64>,
    #[serde(default)]
    pub trim_id: Option<i64>,
    #[serde(default)]
    pub color_id: Option<i64>,
    /// A status code; `on_hand` for in transit, in stock and reserved together.
    #[serde(default)]
    #[cfg_attr(feature = "ssr", param(inline))]
    pub status: Option<StatusFilter>,
    /// Only vehicles in stock at least this many days (0 to 36500).
    #[serde(default)]
    #[cfg_attr(feature = "ssr", param(minimum = 0, maximum = 36500))]
    pub min_days: Option<i64>,
    #[serde(default)]
    #[cfg_attr(feature = "ssr", param(minimum = 0))]
    pub offset: Option<i64>,
    /// Page size, 1 to 500 (default 50).
    #[serde(default)]
    #[cfg_attr(feature = "ssr", param(minimum = 1, maximum = 500))]
    pub limit: Option<i64>,
}

impl VehicleFilter {
    /// Reads the filter from a page's query parameters (unknown, empty and unreadable
    /// ones ignored: a hand-edited address shows the list, not an error).
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        let mut f = VehicleFilter::default();
        for (k, v) in pairs {
            let v = v.trim();
            if v.is_empty() {
                continue;
            }
            let n = v.parse::<i64>().ok();
            match k {
                "q" => f.q = Some(v.chars().take(17).collect()),
                "warehouse_id" => f.warehouse_id = n,
                "store_id" => f.store_id = n.filter(|s| *s > 0),
                "model_id" => f.model_id = n,
                "trim_id" => f.trim_id = n,
                "color_id" => f.color_id = n,
                "status" => f.status = StatusFilter::parse(v),
                "min_days" => f.min_days = n.filter(|d| (0..=MAX_DAYS).contains(d)),
                "offset" => f.offset = n.filter(|o| *o >= 0),
                "limit" => f.limit = n.filter(|l| (1..=MAX_PAGE).contains(l)),
                _ => {}
            }
        }
        f
    }

    /// The query string that gives this filter back (for links and exports).
    pub fn to_query(&self) -> String {
        let mut parts = Vec::new();
        let mut push = |k: &str, v: Option<String>| {
            if let Some(v) = v {
                parts.push(format!("{k}={}", urlencode(&v)));
            }
        };
        push("q", self.q.clone());
        push("warehouse_id", self.warehouse_id.map(|v| v.to_string()));
        push("store_id", self.store_id.map(|v| v.to_string()));
        push("model_id", self.model_id.map(|v| v.to_string()));
        push("trim_id", self.trim_id.map(|v| v.to_string()));
        push("color_id", self.color_id.map(|v| v.to_string()));
        push("status", self.status.map(|s| s.code().to_owned()));
        push("min_days", self.min_days.map(|v| v.to_string()));
        push(
            "offset",
            self.offset.filter(|o| *o > 0).map(|v| v.to_string()),
        );
        parts.join("&")
    }

    pub fn page_size(&self) -> i64 {
        self.limit.unwrap_or(50).clamp(1, MAX_PAGE)
    }

    /// The first bad value, as (field, translation key); `None` when all are usable.
    pub fn problem(&self) -> Option<(&'static str, &'static str)> {
        if self.min_days.is_some_and(|d| !(0..=MAX_DAYS).contains(&d)) {
            return Some(("min_days", "vehicle.bad_days"));
        }
        if self.offset.is_some_and(|o| o < 0) {
            return Some(("offset", "common.bad_offset"));
        }
        if self.limit.is_some_and(|l| !(1..=MAX_PAGE).contains(&l)) {
            return Some(("limit", "common.bad_limit"));
        }
        if self.q.as_deref().is_some_and(|q| q.chars().count() > 17) {
            return Some(("q", "vehicle.bad_search"));
        }
        None
    }
}

/// Percent-encodes a query value.
pub fn urlencode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// Which stores and warehouses saw stock move: the payload of a `stock` event.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StockChange {
    pub store_ids: Vec<i64>,
    pub warehouse_ids: Vec<i64>,
}

impl StockChange {
    /// The event topic stock pages listen on.
    pub const TOPIC: &'static str = "stock";

    pub fn add(&mut self, store_id: i64, warehouse_id: i64) {
        if !self.store_ids.contains(&store_id) {
            self.store_ids.push(store_id);
        }
        if !self.warehouse_ids.contains(&warehouse_id) {
            self.warehouse_ids.push(warehouse_id);
        }
    }

    #[cfg(feature = "ssr")]
    pub fn event(&self) -> crate::events::Event {
        crate::events::Event::new(Self::TOPIC, self.store_ids.clone(), self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_in_stock_counts_from_arrival_for_vehicles_on_hand() {
        use VehicleStatus::*;
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
        assert_eq!(days_in_stock(InStock, Some("2026-10-27"), today), Some(30));
        assert_eq!(days_in_stock(Reserved, Some("2026-11-26"), today), Some(0));
        assert_eq!(days_in_stock(Sold, Some("2026-01-01"), today), None);
        assert_eq!(days_in_stock(InTransit, None, today), None);
        assert_eq!(days_in_stock(InStock, Some("bad"), today), None);
    }

    #[test]
    fn a_filter_survives_its_query_string() {
        let f = VehicleFilter {
            q: Some("LGX 1".into()),
            warehouse_id: Some(3),
            model_id: Some(2),
            status: Some(StatusFilter::InStock),
            min_days: Some(60),
            offset: Some(50),
            ..Default::default()
        };
        let q = f.to_query();
        assert_eq!(
            q,
            "q=LGX%201&warehouse_id=3&model_id=2&status=in_stock&min_days=60&offset=50"
        );
        let pairs: Vec<(String, String)> = q
            .split('&')
            .map(|kv| {
                let (k, v) = kv.split_once('=').unwrap();
                (k.to_owned(), v.replace("%20", " "))
            })
            .collect();
        let back = VehicleFilter::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        assert_eq!(back, f);
    }

    #[test]
    fn out_of_range_values_are_named_or_dropped() {
        let f = VehicleFilter {
            min_days: Some(100_000_000),
            ..Default::default()
        };
        assert_eq!(f.problem(), Some(("min_days", "vehicle.bad_days")));
        let f = VehicleFilter::from_pairs([("min_days", "100000000"), ("status", "gone")]);
        assert_eq!(f, VehicleFilter::default(), "a page address never errors");
        assert_eq!(
            VehicleFilter {
                limit: Some(10_000),
                ..f
            }
            .page_size(),
            500
        );
        assert_eq!(StatusFilter::parse("on_hand"), Some(StatusFilter::OnHand));
        assert_eq!(StatusFilter::OnHand.statuses().len(), 3);
        for s in StatusFilter::ALL {
            assert_eq!(StatusFilter::parse(s.code()), Some(s));
        }
        for key in [
            "vehicle.bad_days",
            "common.bad_offset",
            "vehicle.bad_search",
        ] {
            assert_ne!(crate::i18n::Lang::En.t(key), key, "{key} is translated");
        }
    }

    #[test]
    fn a_change_names_each_store_and_warehouse_once() {
        let mut c = StockChange::default();
        c.add(1, 10);
        c.add(1, 11);
        c.add(2, 20);
        c.add(1, 10);
        assert_eq!(c.store_ids, vec![1, 2]);
        assert_eq!(c.warehouse_ids, vec![10, 11, 20]);
    }
}
