//! Vehicles one by one: intake (form, batch file, API), the filtered list, and status
//! moves. Every write goes through `ssr`, whichever door it came in by.

use super::VehicleStatus;
use crate::error::AppError;
use leptos::prelude::*;
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
    #[cfg_attr(feature = "ssr", schema(example = "in_stock"))]
    pub status: String,
    pub cost_fen: i64,
    pub list_price_fen: i64,
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
    pub fn status(&self) -> Option<VehicleStatus> {
        self.status.parse().ok()
    }
}

/// Days from `arrival` (`YYYY-MM-DD`) to `today`, for vehicles still on hand.
pub fn days_in_stock(status: &str, arrival: Option<&str>, today: chrono::NaiveDate) -> Option<i64> {
    if !matches!(status, "in_stock" | "reserved") {
        return None;
    }
    let d = chrono::NaiveDate::parse_from_str(arrival?, "%Y-%m-%d").ok()?;
    Some((today - d).num_days().max(0))
}

/// What the vehicle list is filtered by; every field optional. The same shape is the
/// query string of the list page, the export and the REST API.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::IntoParams))]
pub struct VehicleFilter {
    /// Part of a VIN (any case).
    #[serde(default)]
    pub q: Option<String>,
    #[serde(default)]
    pub warehouse_id: Option<i64>,
    #[serde(default)]
    pub model_id: Option<i64>,
    #[serde(default)]
    pub trim_id: Option<i64>,
    #[serde(default)]
    pub color_id: Option<i64>,
    /// A status code; `on_hand` for in transit, in stock and reserved together.
    #[serde(default)]
    pub status: Option<String>,
    /// Only vehicles in stock at least this many days.
    #[serde(default)]
    pub min_days: Option<i64>,
    #[serde(default)]
    pub offset: Option<i64>,
    /// Page size, at most 500 (default 50).
    #[serde(default)]
    pub limit: Option<i64>,
}

impl VehicleFilter {
    /// Reads the filter from query parameters (unknown and empty ones ignored).
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        let mut f = VehicleFilter::default();
        for (k, v) in pairs {
            let v = v.trim();
            if v.is_empty() {
                continue;
            }
            let n = v.parse::<i64>().ok();
            match k {
                "q" => f.q = Some(v.to_owned()),
                "warehouse_id" => f.warehouse_id = n,
                "model_id" => f.model_id = n,
                "trim_id" => f.trim_id = n,
                "color_id" => f.color_id = n,
                "status" => f.status = Some(v.to_owned()),
                "min_days" => f.min_days = n,
                "offset" => f.offset = n,
                "limit" => f.limit = n,
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
        push("model_id", self.model_id.map(|v| v.to_string()));
        push("trim_id", self.trim_id.map(|v| v.to_string()));
        push("color_id", self.color_id.map(|v| v.to_string()));
        push("status", self.status.clone());
        push("min_days", self.min_days.map(|v| v.to_string()));
        push(
            "offset",
            self.offset.filter(|o| *o > 0).map(|v| v.to_string()),
        );
        parts.join("&")
    }

    pub fn page_size(&self) -> i64 {
        self.limit.unwrap_or(50).clamp(1, 500)
    }
}

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

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct VehiclePage {
    pub rows: Vec<VehicleRow>,
    pub total: i64,
}

/// A vehicle to take in, as typed or as read from a file: model, trim, colour and
/// warehouse by id or by name (warehouse also by code), prices in yuan.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IntakeInput {
    pub vin: String,
    #[serde(default)]
    pub model: String,
    pub trim: String,
    pub color: String,
    pub warehouse: String,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub cost: String,
    /// Empty: the trim's MSRP.
    #[serde(default)]
    pub list_price: String,
    /// `YYYY-MM-DD`; empty: today for vehicles in stock, none for vehicles in transit.
    #[serde(default)]
    pub arrival_date: String,
}

// JSON: an all-default filter would be an empty form, which does not decode.
#[server(prefix = "/sfn", endpoint = "inventory/vehicles", input = server_fn::codec::Json)]
pub async fn list_vehicles(filter: VehicleFilter) -> Result<VehiclePage, AppError> {
    let (st, p, lang) = crate::server::require(crate::auth::Action::ViewStock)?;
    ssr::list(&st.db, p.store_scope(), &filter, lang).await
}

pub use intake_form::{intake_vehicle, IntakeVehicle};

/// The intake form's eight fields arrive as eight arguments (the generated browser-side
/// function takes them too, so the lint is allowed for this module only).
mod intake_form {
    #![allow(clippy::too_many_arguments)]
    use super::*;

    /// Takes one vehicle in from the intake form.
    #[server(prefix = "/sfn", endpoint = "inventory/intake")]
    pub async fn intake_vehicle(
        vin: String,
        trim_id: String,
        color_id: String,
        warehouse_id: String,
        status: String,
        cost: String,
        list_price: String,
        arrival_date: String,
    ) -> Result<i64, AppError> {
        let (st, p, lang) = crate::server::require(crate::auth::Action::IntakeVehicles)?;
        let input = IntakeInput {
            vin,
            model: String::new(),
            trim: trim_id,
            color: color_id,
            warehouse: warehouse_id,
            status,
            cost,
            list_price,
            arrival_date,
        };
        let ids = ssr::intake(
            &st,
            &p,
            lang,
            vec![input],
            false,
            &crate::server::request_info().request_id,
        )
        .await?;
        Ok(ids[0])
    }
}

/// Moves a vehicle to another status; `version` is the one the person saw.
#[server(prefix = "/sfn", endpoint = "inventory/vehicle_status")]
pub async fn change_vehicle_status(id: i64, to: String, version: i64) -> Result<(), AppError> {
    let (st, p, lang) = crate::server::require(crate::auth::Action::ChangeVehicleStatus)?;
    let to = to
        .parse::<VehicleStatus>()
        .map_err(|_| AppError::invalid("to", lang.t("vehicle.bad_status")))?;
    ssr::change_status(
        &st,
        &p,
        lang,
        id,
        to,
        Some(version),
        &crate::server::request_info().request_id,
    )
    .await
}

#[cfg(feature = "ssr")]
pub mod ssr {
    use super::*;
    use crate::{
        audit::{self, Actor, AuditEntry},
        auth::Principal,
        db::{now_ms, sql, Db, Sql, Tx, Where},
        domain::{money::MoneyError, Money},
        error::FieldError,
        i18n::Lang,
        inventory::{
            alerts::ssr::{reconcile_thresholds, sweep_aged, today},
            catalog::{self, Catalog},
            events::StockChange,
            vin::VinError,
            Vin,
        },
        server::AppState,
    };
    use std::collections::HashMap;

    const BASE: &str =
        "v.id, v.vin, v.model_id, v.trim_id, v.color_id, v.warehouse_id, w.store_id, v.status,
        v.cost_fen, v.list_price_fen, v.arrival_date, v.version";
    const COLUMNS: &str = "v.id, v.vin, v.model_id, v.trim_id, v.color_id, v.warehouse_id, w.store_id, v.status,
        v.cost_fen, v.list_price_fen, v.arrival_date, v.version,
        EXISTS (SELECT 1 FROM transfer_items ti WHERE ti.vehicle_id = v.id AND ti.is_open) AS in_transfer";

    /// The filtered rows, oldest arrival first, `limit` from `offset`. The open-transfer
    /// flag is looked up for the rows returned only, not for every row sorted.
    fn page(
        f: &VehicleFilter,
        scope: Option<i64>,
        today: chrono::NaiveDate,
        limit: i64,
        offset: i64,
    ) -> Sql {
        let q = filtered(
            &format!("SELECT {BASE}"),
            f,
            scope,
            today,
            &format!("ORDER BY v.arrival_date IS NULL, v.arrival_date, v.id LIMIT {limit} OFFSET {offset}"),
        );
        let text = format!(
            "SELECT p.*, EXISTS (SELECT 1 FROM transfer_items ti WHERE ti.vehicle_id = p.id AND ti.is_open) AS in_transfer
             FROM ({}) p ORDER BY p.arrival_date IS NULL, p.arrival_date, p.id",
            q.text()
        );
        q.retext(text)
    }

    /// `select` over the vehicles matching the filter (only the conditions that apply).
    fn filtered(
        select: &str,
        f: &VehicleFilter,
        scope: Option<i64>,
        today: chrono::NaiveDate,
        tail: &str,
    ) -> Sql {
        let mut w = Where::new();
        if let Some(store) = scope {
            w.and(
                "v.warehouse_id IN (SELECT id FROM warehouses WHERE store_id = ?)",
                store,
            );
        }
        for (col, v) in [
            ("v.warehouse_id", f.warehouse_id),
            ("v.model_id", f.model_id),
            ("v.trim_id", f.trim_id),
            ("v.color_id", f.color_id),
        ] {
            if let Some(v) = v {
                w.and(&format!("{col} = ?"), v);
            }
        }
        match f.status.as_deref() {
            Some("on_hand") => {
                w.and_sql("v.status IN ('in_transit', 'in_stock', 'reserved')");
            }
            Some(s) => {
                w.and("v.status = ?", s);
            }
            None => {}
        }
        if let Some(d) = f.min_days {
            let cutoff = (today - chrono::Duration::days(d))
                .format("%Y-%m-%d")
                .to_string();
            w.and_sql("v.status IN ('in_stock', 'reserved')");
            w.and("v.arrival_date <= ?", cutoff);
        }
        if let Some(q) = f.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
            w.and(
                "v.vin LIKE ?",
                format!("%{}%", q.to_ascii_uppercase().replace(['%', '_'], "")),
            );
        }
        w.build(
            &format!("{select} FROM vehicles v JOIN warehouses w ON w.id = v.warehouse_id"),
            tail,
        )
    }

    fn check_filter(f: &VehicleFilter, lang: Lang) -> Result<(), AppError> {
        if let Some(s) = f.status.as_deref() {
            if s != "on_hand" && s.parse::<VehicleStatus>().is_err() {
                return Err(AppError::invalid("status", lang.t("vehicle.bad_status")));
            }
        }
        if f.min_days.is_some_and(|d| d < 0) {
            return Err(AppError::invalid("min_days", lang.t("vehicle.bad_days")));
        }
        Ok(())
    }

    pub async fn list(
        db: &Db,
        scope: Option<i64>,
        f: &VehicleFilter,
        lang: Lang,
    ) -> Result<VehiclePage, AppError> {
        check_filter(f, lang)?;
        let today = today();
        let total: i64 = filtered("SELECT COUNT(*)", f, scope, today, "")
            .scalar(db)
            .await?;
        let q = page(f, scope, today, f.page_size(), f.offset.unwrap_or(0).max(0));
        let rows = with_days(q.fetch_all(db).await?, today);
        Ok(VehiclePage { rows, total })
    }

    /// Every vehicle matching the filter (for the Excel export), up to `cap`.
    pub async fn export_rows(
        db: &Db,
        scope: Option<i64>,
        f: &VehicleFilter,
        lang: Lang,
        cap: i64,
    ) -> Result<Vec<VehicleRow>, AppError> {
        check_filter(f, lang)?;
        let today = today();
        let q = page(f, scope, today, cap, 0);
        Ok(with_days(q.fetch_all(db).await?, today))
    }

    fn with_days(mut rows: Vec<VehicleRow>, today: chrono::NaiveDate) -> Vec<VehicleRow> {
        for r in &mut rows {
            r.days_in_stock = days_in_stock(&r.status, r.arrival_date.as_deref(), today);
        }
        rows
    }

    pub async fn get(
        db: &Db,
        scope: Option<i64>,
        id_or_vin: &str,
    ) -> Result<Option<VehicleRow>, sqlx::Error> {
        let id = id_or_vin.parse::<i64>().ok();
        let rows: Vec<VehicleRow> = sql(format!(
            "SELECT {COLUMNS} FROM vehicles v JOIN warehouses w ON w.id = v.warehouse_id
             WHERE (v.id = $1 OR v.vin = $2) AND (CAST($3 AS BIGINT) IS NULL OR w.store_id = $3)"
        ))
        .bind(id)
        .bind(id_or_vin.trim().to_ascii_uppercase())
        .bind(scope)
        .fetch_all(db)
        .await?;
        Ok(with_days(rows, today()).into_iter().next())
    }

    /// A vehicle ready to insert: every field checked.
    #[derive(Clone, Debug, Serialize)]
    pub struct NewVehicle {
        pub vin: Vin,
        pub model_id: i64,
        pub trim_id: i64,
        pub color_id: i64,
        pub warehouse_id: i64,
        #[serde(skip)]
        pub store_id: i64,
        pub status: VehicleStatus,
        pub cost_fen: i64,
        pub list_price_fen: i64,
        pub arrival_date: Option<String>,
    }

    pub fn vin_message(e: &VinError, lang: Lang) -> String {
        match e {
            VinError::Length(n) => lang.tf("vin.length", &[("n", &n.to_string())]),
            VinError::BadCharacter { position, ch } => lang.tf(
                "vin.bad_char",
                &[("pos", &position.to_string()), ("ch", &ch.to_string())],
            ),
            VinError::CheckDigit { expected, found } => lang.tf(
                "vin.check_digit",
                &[
                    ("expected", &expected.to_string()),
                    ("found", &found.to_string()),
                ],
            ),
        }
    }

    fn money_message(e: &MoneyError, lang: Lang) -> String {
        lang.t(match e {
            MoneyError::Negative => "money.negative",
            MoneyError::TooPrecise => "money.too_precise",
            MoneyError::TooLarge => "money.too_large",
            MoneyError::NotANumber => "money.not_a_number",
        })
        .to_owned()
    }

    /// Finds a catalog entry by id (digits) or by one of its names (any case).
    fn find<'a, T>(
        items: impl IntoIterator<Item = &'a T>,
        key: &str,
        id: impl Fn(&T) -> i64,
        names: impl Fn(&T) -> Vec<&str>,
    ) -> Option<&'a T>
    where
        T: 'a,
    {
        let key = key.trim();
        let items: Vec<&T> = items.into_iter().collect();
        if let Ok(n) = key.parse::<i64>() {
            if let Some(t) = items.iter().find(|t| id(t) == n) {
                return Some(t);
            }
        }
        items
            .into_iter()
            .find(|t| names(t).iter().any(|n| n.eq_ignore_ascii_case(key)))
    }

    /// Checks one input against the catalog; every bad field is reported, prefixed with
    /// `prefix` (`rows.3.` in a batch).
    pub fn validate(
        input: &IntakeInput,
        cat: &Catalog,
        lang: Lang,
        prefix: &str,
        today: chrono::NaiveDate,
    ) -> Result<NewVehicle, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut err = |field: &str, message: String| {
            errors.push(FieldError {
                field: format!("{prefix}{field}"),
                message,
            })
        };
        let vin = Vin::parse(&input.vin)
            .map_err(|e| err("vin", vin_message(&e, lang)))
            .ok();
        let mut model = if input.model.trim().is_empty() {
            None
        } else {
            let m = find(
                &cat.models,
                &input.model,
                |m| m.id,
                |m| vec![&m.name, &m.name_en],
            );
            if m.is_none() {
                err(
                    "model",
                    lang.tf(
                        "vehicle.unknown_model_named",
                        &[("name", input.model.trim())],
                    ),
                );
            }
            m.map(|m| m.id)
        };
        let model_known = model.is_some() || input.model.trim().is_empty();
        let trim = if input.trim.trim().is_empty() {
            err("trim", lang.t("vehicle.trim_required").into());
            None
        } else {
            let t = find(
                cat.trims
                    .iter()
                    .filter(|t| model.is_none_or(|m| t.model_id == m)),
                &input.trim,
                |t| t.id,
                |t| vec![&t.name],
            );
            match t {
                Some(t) => {
                    model.get_or_insert(t.model_id);
                    Some(t)
                }
                None => {
                    if model_known {
                        err(
                            "trim",
                            lang.tf("vehicle.unknown_trim", &[("name", input.trim.trim())]),
                        );
                    }
                    None
                }
            }
        };
        let color = if input.color.trim().is_empty() {
            err("color", lang.t("vehicle.color_required").into());
            None
        } else {
            let c = find(
                cat.colors
                    .iter()
                    .filter(|c| model.is_none_or(|m| c.model_id == m)),
                &input.color,
                |c| c.id,
                |c| vec![&c.name, &c.name_en],
            );
            if c.is_none() && model_known {
                err(
                    "color",
                    lang.tf(
                        "vehicle.unknown_color_named",
                        &[("name", input.color.trim())],
                    ),
                );
            }
            c
        };
        let warehouse = find(
            &cat.warehouses,
            &input.warehouse,
            |w| w.id,
            |w| vec![&w.code, &w.name],
        );
        if warehouse.is_none() {
            err(
                "warehouse",
                lang.tf(
                    "vehicle.unknown_warehouse_named",
                    &[("name", input.warehouse.trim())],
                ),
            );
        }
        let status = if input.status.trim().is_empty() {
            Some(VehicleStatus::InStock)
        } else {
            match input.status.parse::<VehicleStatus>() {
                Ok(s) if s.is_intake() => Some(s),
                _ => {
                    err("status", lang.t("vehicle.intake_status").into());
                    None
                }
            }
        };
        let cost = if input.cost.trim().is_empty() {
            err("cost", lang.t("vehicle.cost_required").into());
            None
        } else {
            Money::parse_yuan(&input.cost)
                .map_err(|e| err("cost", money_message(&e, lang)))
                .ok()
        };
        let list_price = if input.list_price.trim().is_empty() {
            trim.map(|t| Money::from_fen(t.msrp_fen))
        } else {
            Money::parse_yuan(&input.list_price)
                .map_err(|e| err("list_price", money_message(&e, lang)))
                .ok()
        };
        let arrival = match input.arrival_date.trim() {
            "" => (status == Some(VehicleStatus::InStock))
                .then(|| today.format("%Y-%m-%d").to_string()),
            s => match chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d") {
                Ok(d) if d > today => {
                    err("arrival_date", lang.t("vehicle.arrival_future").into());
                    None
                }
                Ok(d) => Some(d.format("%Y-%m-%d").to_string()),
                Err(_) => {
                    err("arrival_date", lang.t("vehicle.bad_date").into());
                    None
                }
            },
        };
        match (vin, model, trim, color, warehouse, status, cost, list_price) {
            (
                Some(vin),
                Some(model_id),
                Some(t),
                Some(c),
                Some(w),
                Some(status),
                Some(cost),
                Some(lp),
            ) if errors.is_empty() => Ok(NewVehicle {
                vin,
                model_id,
                trim_id: t.id,
                color_id: c.id,
                warehouse_id: w.id,
                store_id: w.store_id,
                status,
                cost_fen: cost.fen(),
                list_price_fen: lp.fen(),
                arrival_date: arrival,
            }),
            _ => Err(errors),
        }
    }

    /// Takes vehicles in: all of them or none. `batch` names fields `rows.N.field` with N
    /// the spreadsheet row (data starts on row 2).
    pub async fn intake(
        st: &AppState,
        p: &Principal,
        lang: Lang,
        inputs: Vec<IntakeInput>,
        batch: bool,
        request_id: &str,
    ) -> Result<Vec<i64>, AppError> {
        if inputs.is_empty() {
            return Err(AppError::invalid("rows", lang.t("vehicle.batch_empty")));
        }
        if inputs.len() > 5000 {
            return Err(AppError::invalid("rows", lang.t("vehicle.batch_too_big")));
        }
        let cat = catalog::ssr::load(&st.db, p.store_scope()).await?;
        let today = today();
        let mut errors = Vec::new();
        let mut vehicles = Vec::with_capacity(inputs.len());
        let mut seen: HashMap<String, usize> = HashMap::new();
        for (i, input) in inputs.iter().enumerate() {
            let row = i + 2;
            let prefix = if batch {
                format!("rows.{row}.")
            } else {
                String::new()
            };
            match validate(input, &cat, lang, &prefix, today) {
                Ok(v) => {
                    if let Some(first) = seen.insert(v.vin.as_str().to_owned(), row) {
                        errors.push(FieldError {
                            field: format!("{prefix}vin"),
                            message: lang
                                .tf("vehicle.vin_repeated", &[("row", &first.to_string())]),
                        });
                    }
                    vehicles.push((prefix, v));
                }
                Err(e) => errors.extend(e),
            }
        }
        let mut tx = st.db.begin().await?;
        // VINs already on file.
        let all: Vec<String> = vehicles
            .iter()
            .map(|(_, v)| v.vin.as_str().to_owned())
            .collect();
        let taken = ids_by_vin(&mut tx, &all).await?;
        for (prefix, v) in &vehicles {
            if taken.contains_key(v.vin.as_str()) {
                errors.push(FieldError {
                    field: format!("{prefix}vin"),
                    message: lang.tf("vehicle.vin_taken", &[("vin", v.vin.as_str())]),
                });
            }
        }
        if !errors.is_empty() {
            let message = if batch {
                lang.tf("vehicle.batch_invalid", &[("n", &errors.len().to_string())])
            } else {
                errors[0].message.clone()
            };
            return Err(AppError::Invalid {
                message,
                fields: errors,
            });
        }
        let now = now_ms();
        let mut ids = Vec::with_capacity(vehicles.len());
        let mut change = StockChange::default();
        let mut pairs = Vec::new();
        let aged_cutoff = (today - chrono::Duration::days(30))
            .format("%Y-%m-%d")
            .to_string();
        for (_, v) in &vehicles {
            let id: i64 = sql(
                "INSERT INTO vehicles (vin, model_id, trim_id, color_id, warehouse_id, status, cost_fen,
                                       list_price_fen, arrival_date, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING id",
            )
            .bind(v.vin.as_str())
            .bind(v.model_id)
            .bind(v.trim_id)
            .bind(v.color_id)
            .bind(v.warehouse_id)
            .bind(v.status.code())
            .bind(v.cost_fen)
            .bind(v.list_price_fen)
            .bind(v.arrival_date.clone())
            .bind(now)
            .scalar(&mut tx)
            .await
            .map_err(|e| {
                if crate::db::is_unique_violation(&e) {
                    AppError::Conflict(lang.tf("vehicle.vin_taken", &[("vin", v.vin.as_str())]))
                } else {
                    e.into()
                }
            })?;
            audit::record(
                &mut tx,
                Actor::Principal(p),
                AuditEntry::new("vehicle.intake", "vehicle", id)
                    .store(Some(v.store_id))
                    .after(v),
                Some(request_id),
            )
            .await?;
            if v.status == VehicleStatus::InStock
                && v.arrival_date
                    .as_deref()
                    .is_some_and(|d| d <= aged_cutoff.as_str())
            {
                sweep_aged(&mut tx, today, Some(id)).await?;
            }
            change.add(v.store_id, v.warehouse_id);
            pairs.push((v.warehouse_id, v.model_id));
            ids.push(id);
        }
        reconcile_thresholds(&mut tx, &pairs).await?;
        st.events.stage(&mut tx, &change).await?;
        tx.commit().await?;
        st.events.committed(change);
        Ok(ids)
    }

    /// Moves a vehicle along its lifecycle. `expected_version`, when given, must match
    /// (someone else may have moved it meanwhile).
    pub async fn change_status(
        st: &AppState,
        p: &Principal,
        lang: Lang,
        id: i64,
        to: VehicleStatus,
        expected_version: Option<i64>,
        request_id: &str,
    ) -> Result<(), AppError> {
        let mut tx = st.db.begin().await?;
        let Some((from, version, warehouse_id, store_id, model_id, arrival)) = sql(
            "SELECT v.status, v.version, v.warehouse_id, w.store_id, v.model_id, v.arrival_date
             FROM vehicles v JOIN warehouses w ON w.id = v.warehouse_id WHERE v.id = $1",
        )
        .bind(id)
        .fetch_optional::<(String, i64, i64, i64, i64, Option<String>)>(&mut tx)
        .await?
        else {
            return Err(AppError::NotFound(lang.t("vehicle.not_found").into()));
        };
        p.require_store(store_id, lang)?;
        if expected_version.is_some_and(|v| v != version) {
            return Err(AppError::Conflict(
                lang.t("vehicle.changed_meanwhile").into(),
            ));
        }
        let from: VehicleStatus = from.parse().map_err(AppError::internal)?;
        if !from.can_become(to) {
            return Err(AppError::invalid(
                "to",
                lang.tf(
                    "vehicle.bad_move",
                    &[
                        ("from", lang.t(from.label_key())),
                        ("to", lang.t(to.label_key())),
                    ],
                ),
            ));
        }
        let in_transfer: i64 =
            sql("SELECT COUNT(*) FROM transfer_items WHERE vehicle_id = $1 AND is_open")
                .bind(id)
                .scalar(&mut tx)
                .await?;
        if in_transfer > 0 {
            return Err(AppError::Conflict(lang.t("vehicle.in_transfer").into()));
        }
        let today = today();
        let arrival = match (to, arrival) {
            (VehicleStatus::InStock, None) => Some(today.format("%Y-%m-%d").to_string()),
            (_, a) => a,
        };
        let changed = sql(
            "UPDATE vehicles SET status = $1, arrival_date = $2, updated_at = $3, version = version + 1
             WHERE id = $4 AND version = $5 AND status = $6",
        )
        .bind(to.code())
        .bind(arrival)
        .bind(now_ms())
        .bind(id)
        .bind(version)
        .bind(from.code())
        .execute(&mut tx)
        .await?;
        if changed == 0 {
            return Err(AppError::Conflict(
                lang.t("vehicle.changed_meanwhile").into(),
            ));
        }
        audit::record(
            &mut tx,
            Actor::Principal(p),
            AuditEntry::new("vehicle.status", "vehicle", id)
                .store(Some(store_id))
                .before(&serde_json::json!({ "status": from.code() }))
                .after(&serde_json::json!({ "status": to.code() })),
            Some(request_id),
        )
        .await?;
        reconcile_thresholds(&mut tx, &[(warehouse_id, model_id)]).await?;
        sweep_aged(&mut tx, today, Some(id)).await?;
        let mut change = StockChange::default();
        change.add(store_id, warehouse_id);
        st.events.stage(&mut tx, &change).await?;
        tx.commit().await?;
        st.events.committed(change);
        Ok(())
    }

    /// The ids of the vehicles on file with these VINs (absent ones are left out).
    pub async fn ids_by_vin(
        tx: &mut Tx,
        vins: &[String],
    ) -> Result<HashMap<String, i64>, sqlx::Error> {
        let mut out = HashMap::new();
        for chunk in vins.chunks(500) {
            let marks: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
            let mut q = sql(format!(
                "SELECT vin, id FROM vehicles WHERE vin IN ({})",
                marks.join(", ")
            ));
            for v in chunk {
                q = q.bind(v.as_str());
            }
            let rows: Vec<(String, i64)> = q.fetch_all(&mut *tx).await?;
            out.extend(rows);
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_in_stock_counts_from_arrival_for_vehicles_on_hand() {
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
        assert_eq!(
            days_in_stock("in_stock", Some("2026-10-27"), today),
            Some(30)
        );
        assert_eq!(
            days_in_stock("reserved", Some("2026-11-26"), today),
            Some(0)
        );
        assert_eq!(days_in_stock("sold", Some("2026-01-01"), today), None);
        assert_eq!(days_in_stock("in_transit", None, today), None);
        assert_eq!(days_in_stock("in_stock", Some("bad"), today), None);
    }

    #[test]
    fn a_filter_survives_its_query_string() {
        let f = VehicleFilter {
            q: Some("LGX 1".into()),
            warehouse_id: Some(3),
            model_id: Some(2),
            status: Some("in_stock".into()),
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
}
