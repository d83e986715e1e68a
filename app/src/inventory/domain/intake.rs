//! Taking a vehicle into stock: what a person or a file gives (strings, names or ids),
//! checked against the catalog into a [`NewVehicle`]. Pure: the same rules run on the
//! server for the form, the batch file and the REST API, and are unit-tested here.

use super::{catalog::Catalog, status::VehicleStatus, vin::VinError, Vin};
use crate::{
    domain::{money::MoneyError, Money},
    error::FieldError,
    i18n::Lang,
};
use serde::{Deserialize, Serialize};

/// The most vehicles one batch (file or API call) may carry.
pub const MAX_BATCH: usize = 5000;

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
    /// `YYYY-MM-DD` (or `YYYY/M/D`, `YYYY年M月D日`, an Excel serial); empty: today for
    /// vehicles in stock, none for vehicles in transit.
    #[serde(default)]
    pub arrival_date: String,
}

/// A vehicle ready to insert: every field checked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NewVehicle {
    pub vin: Vin,
    pub model_id: i64,
    pub trim_id: i64,
    pub color_id: i64,
    pub warehouse_id: i64,
    #[serde(skip)]
    pub store_id: i64,
    pub status: VehicleStatus,
    pub cost_fen: Money,
    pub list_price_fen: Money,
    pub arrival_date: Option<String>,
}

/// A day as dealers' spreadsheets write it: `2026-11-20`, `2026/11/20`, `2026/1/5`,
/// `2026.1.5`, `2026年11月20日`, or an Excel date serial (`46346`, days since 1899-12-30).
pub fn parse_day(text: &str) -> Option<chrono::NaiveDate> {
    let t = text.trim();
    if t.len() > 32 {
        return None;
    }
    if let Ok(serial) = t.parse::<i64>() {
        // Serials of the years 1950 to 2150; a bare year or a small number is no date.
        return (18_264..=91_311).contains(&serial).then(|| {
            chrono::NaiveDate::from_ymd_opt(1899, 12, 30)
                .and_then(|base| base.checked_add_signed(chrono::Duration::days(serial)))
        })?;
    }
    let t = t.trim_end_matches('日');
    let parts: Vec<&str> = t.split(['-', '/', '.', '年', '月']).collect();
    let [y, m, d] = parts.as_slice() else {
        return None;
    };
    let (y, m, d) = (
        y.trim().parse().ok()?,
        m.trim().parse().ok()?,
        d.trim().parse().ok()?,
    );
    if !(1900..=2200).contains(&y) {
        return None;
    }
    chrono::NaiveDate::from_ymd_opt(y, m, d)
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

pub fn money_message(e: &MoneyError, lang: Lang) -> String {
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
        "" => {
            (status == Some(VehicleStatus::InStock)).then(|| today.format("%Y-%m-%d").to_string())
        }
        s => match parse_day(s) {
            Some(d) if d > today => {
                err("arrival_date", lang.t("vehicle.arrival_future").into());
                None
            }
            Some(d) => Some(d.format("%Y-%m-%d").to_string()),
            None => {
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
            cost_fen: cost,
            list_price_fen: lp,
            arrival_date: arrival,
        }),
        _ => Err(errors),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inventory::domain::catalog::{ColorRow, ModelRow, TrimRow, WarehouseRef};

    fn catalog() -> Catalog {
        Catalog {
            models: vec![ModelRow {
                id: 1,
                brand: "比亚迪".into(),
                name: "秦PLUS DM-i".into(),
                name_en: "Qin PLUS DM-i".into(),
            }],
            trims: vec![TrimRow {
                id: 10,
                model_id: 1,
                name: "55KM 领先型".into(),
                msrp_fen: 7_980_000,
            }],
            colors: vec![ColorRow {
                id: 100,
                model_id: 1,
                name: "雪域白".into(),
                name_en: "Snow White".into(),
                hex: "#fff".into(),
            }],
            warehouses: vec![WarehouseRef {
                id: 5,
                store_id: 2,
                code: "SH01-S".into(),
                name: "展厅".into(),
                store_name: "浦东".into(),
            }],
        }
    }

    fn today() -> chrono::NaiveDate {
        chrono::NaiveDate::from_ymd_opt(2026, 11, 27).unwrap()
    }

    fn input() -> IntakeInput {
        IntakeInput {
            vin: "LGXC1DM30S0000012".into(),
            model: "秦PLUS DM-i".into(),
            trim: "55km 领先型".into(),
            color: "snow white".into(),
            warehouse: "SH01-S".into(),
            status: "在库".into(),
            cost: "72,000.50".into(),
            list_price: String::new(),
            arrival_date: String::new(),
        }
    }

    #[test]
    fn names_ids_and_defaults_resolve_to_a_vehicle() {
        let v = validate(&input(), &catalog(), Lang::En, "", today()).unwrap();
        assert_eq!(
            (
                v.model_id,
                v.trim_id,
                v.color_id,
                v.warehouse_id,
                v.store_id
            ),
            (1, 10, 100, 5, 2)
        );
        assert_eq!(v.cost_fen, Money::from_fen(7_200_050));
        assert_eq!(
            v.list_price_fen,
            Money::from_fen(7_980_000),
            "the trim's MSRP"
        );
        assert_eq!(
            v.arrival_date.as_deref(),
            Some("2026-11-27"),
            "in stock: today"
        );
        let by_id = IntakeInput {
            model: String::new(),
            trim: "10".into(),
            color: "100".into(),
            warehouse: "5".into(),
            status: "in_transit".into(),
            ..input()
        };
        let v = validate(&by_id, &catalog(), Lang::En, "", today()).unwrap();
        assert_eq!(v.status, VehicleStatus::InTransit);
        assert_eq!(v.arrival_date, None, "in transit: not arrived");
    }

    #[test]
    fn every_bad_field_is_reported_with_the_row_prefix() {
        let bad = IntakeInput {
            vin: "LGXC1DM30S000001Q".into(),
            color: "紫".into(),
            warehouse: "HZ01".into(),
            status: "已售".into(),
            cost: "-5".into(),
            list_price: "1.234".into(),
            arrival_date: "2099-01-01".into(),
            ..input()
        };
        let errors = validate(&bad, &catalog(), Lang::En, "rows.4.", today()).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            vec![
                "rows.4.vin",
                "rows.4.color",
                "rows.4.warehouse",
                "rows.4.status",
                "rows.4.cost",
                "rows.4.list_price",
                "rows.4.arrival_date"
            ]
        );
        let empty =
            validate(&IntakeInput::default(), &catalog(), Lang::En, "", today()).unwrap_err();
        let fields: Vec<&str> = empty.iter().map(|e| e.field.as_str()).collect();
        assert!(
            fields.contains(&"trim") && fields.contains(&"cost") && fields.contains(&"vin"),
            "{fields:?}"
        );
    }

    #[test]
    fn days_are_read_as_chinese_excel_and_wps_write_them() {
        let d = |y, m, d| chrono::NaiveDate::from_ymd_opt(y, m, d);
        assert_eq!(parse_day("2026-11-20"), d(2026, 11, 20));
        assert_eq!(parse_day("2026/11/20"), d(2026, 11, 20));
        assert_eq!(parse_day("2026/1/5"), d(2026, 1, 5));
        assert_eq!(parse_day("2026.1.5"), d(2026, 1, 5));
        assert_eq!(parse_day("2026年11月20日"), d(2026, 11, 20));
        assert_eq!(parse_day(" 2026年1月5日 "), d(2026, 1, 5));
        assert_eq!(parse_day("46346"), d(2026, 11, 20), "an Excel serial");
        for bad in [
            "2026",
            "2026/13/1",
            "2026/2/30",
            "20/11/2026",
            "abc",
            "",
            "9999999999999",
        ] {
            assert_eq!(parse_day(bad), None, "{bad}");
        }
    }

    #[test]
    fn an_unknown_model_hides_the_trim_and_colour_it_cannot_check() {
        let bad = IntakeInput {
            model: "Model Z".into(),
            ..input()
        };
        let errors = validate(&bad, &catalog(), Lang::En, "", today()).unwrap_err();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].field, "model");
    }
}
