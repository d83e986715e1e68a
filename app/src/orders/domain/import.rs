//! The order import (批量导入), pure: the template's columns, one row as read from a
//! spreadsheet, how a problem is named (`rows.N.column`, N the sheet's row), and what an
//! import did. The reading is `orders/excel.rs`'s; the checks are the same
//! [`OrderInput::check_as`](super::OrderInput::check_as) the tablet's form goes through.

use serde::{Deserialize, Serialize};

/// The template's columns: (Chinese header, English header, example). A file may use
/// either header, in any order; the English one names the column in a problem
/// (`rows.12.vin`).
pub const COLUMNS: [(&str, &str, &str); 20] = [
    ("客户手机", "customer_mobile", "13800138000"),
    ("客户姓名", "customer_name", "张三"),
    ("门店代码", "store_code", "SH01"),
    ("车型", "model", "秦PLUS DM-i"),
    ("配置", "trim", "55KM 领先型"),
    ("颜色", "color", "雪域白"),
    ("VIN", "vin", ""),
    ("指导价(元)", "list_price", "79800"),
    ("折扣(元)", "discount", "2000"),
    ("折扣(%)", "discount_percent", ""),
    ("精品(元)", "accessory", "1280"),
    ("保险(元)", "insurance", "4500"),
    ("上牌服务(元)", "registration", "500"),
    ("延保(元)", "warranty", ""),
    ("定金(元)", "deposit", "5000"),
    ("定金方式", "deposit_method", "微信"),
    ("付款方式", "payment_type", "全款"),
    ("预计交车", "expected_delivery", "2026-12-20"),
    ("备注", "notes", "周末提车"),
    ("提交审批", "submit", "是"),
];

/// The columns a file must have; every other may be left out.
pub const REQUIRED: [&str; 2] = ["customer_mobile", "payment_type"];

/// The most orders one file may bring.
pub const MAX_ROWS: usize = 10_000;

/// The most problems one refusal lists (a file of nothing but mistakes would otherwise
/// answer with megabytes); the message says how many there are in all.
pub const MAX_PROBLEMS: usize = 10_000;

/// One order as a row of the template, every cell as typed (trimmed). Coded cells
/// (付款方式, 定金方式) are already turned into their codes where they read as one; any
/// other text is kept, to be refused by the check on its column.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportRow {
    /// The sheet's row number (the header is row 1).
    pub line: usize,
    pub customer_mobile: String,
    /// Only for a customer not yet on file: the profile is created with the order.
    pub customer_name: String,
    pub store_code: String,
    pub model: String,
    pub trim: String,
    pub color: String,
    pub vin: String,
    /// Yuan; empty: the car's guide price.
    pub list_price: String,
    pub discount: String,
    pub discount_percent: String,
    /// The four extra lines, each a price in yuan; empty: no such line.
    pub accessory: String,
    pub insurance: String,
    pub registration: String,
    pub warranty: String,
    pub deposit: String,
    pub deposit_method: String,
    pub payment_type: String,
    /// As typed, or a date cell as `YYYY-MM-DD`.
    pub expected_delivery: String,
    pub notes: String,
    /// 是 / 否 (or yes / no, 1 / 0); empty is 否.
    pub submit: String,
}

/// What an import did — or, for a dry run, would do: how many orders, and where they
/// stand (草稿, 待审核, or 已审核 when the store's rules ask no level of them).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ImportReport {
    /// Orders in the file (each row one order).
    #[cfg_attr(feature = "ssr", schema(example = 120))]
    pub rows: usize,
    /// Only checked: nothing was written.
    pub dry_run: bool,
    /// Entered as drafts (提交审批 = 否).
    #[cfg_attr(feature = "ssr", schema(example = 20))]
    pub drafts: usize,
    /// Submitted and waiting for approval (待审核).
    #[cfg_attr(feature = "ssr", schema(example = 90))]
    pub pending_approval: usize,
    /// Submitted and approved at once: the store's rules asked no level of them.
    #[cfg_attr(feature = "ssr", schema(example = 10))]
    pub approved: usize,
    /// Customers not yet on file, created with their orders.
    #[cfg_attr(feature = "ssr", schema(example = 15))]
    pub new_customers: usize,
    /// Vehicles (by VIN) held for their orders: 在库 → 已预留.
    #[cfg_attr(feature = "ssr", schema(example = 40))]
    pub vehicles_held: usize,
}

/// The column of the template named by its English header.
pub fn column_index(key: &str) -> Option<usize> {
    COLUMNS.iter().position(|(_, en, _)| *en == key)
}

/// A problem's field as a row and a column: `rows.12.vin` is `(12, "vin")`.
pub fn row_and_column(field: &str) -> Option<(usize, &str)> {
    let rest = field.strip_prefix("rows.")?;
    let (row, column) = rest.split_once('.')?;
    Some((row.parse().ok()?, column))
}

/// A column as the person's template calls it: its Chinese header, or in English its
/// English one; an unknown name as it is.
pub fn column_label(key: &str, lang: crate::i18n::Lang) -> String {
    match (column_index(key), lang) {
        (Some(i), crate::i18n::Lang::ZhCn) => COLUMNS[i].0.to_owned(),
        _ => key.to_owned(),
    }
}

/// 提交审批 as typed: 是 / 否, yes / no, y / n, true / false, 1 / 0, 提交; empty is no.
/// `None` when it is none of these.
pub fn parse_yes_no(text: &str) -> Option<bool> {
    let t = text.trim();
    if t.is_empty() {
        return Some(false);
    }
    let lower = t.to_ascii_lowercase();
    match lower.as_str() {
        "是" | "提交" | "y" | "yes" | "true" | "1" | "√" | "✓" => Some(true),
        "否" | "不" | "不提交" | "n" | "no" | "false" | "0" | "×" => Some(false),
        _ => None,
    }
}

/// The import's name for a field [`OrderInput::check_as`](super::OrderInput::check_as)
/// refused: the column it came from. `extras.K.…` is the column of the K-th extra line,
/// `extra_columns[K]`.
pub fn column_of(field: &str, extra_columns: &[&'static str]) -> String {
    let mut parts = field.split('.');
    match (parts.next(), parts.next()) {
        (Some("extras"), Some(n)) => n
            .parse::<usize>()
            .ok()
            .and_then(|n| extra_columns.get(n))
            .map_or("accessory", |c| c)
            .to_owned(),
        (Some(name), _) => match name {
            "customer_id" => "customer_mobile",
            "store_id" => "store_code",
            "model_id" => "model",
            "trim_id" => "trim",
            "color_id" => "color",
            "vehicle_id" => "vin",
            other => other,
        }
        .to_owned(),
        _ => field.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    #[test]
    fn every_column_has_two_headers_and_the_required_ones_exist() {
        for (zh, en, _) in COLUMNS {
            assert!(!zh.is_empty() && !en.is_empty());
            assert_eq!(COLUMNS.iter().filter(|c| c.1 == en).count(), 1, "{en}");
        }
        for key in REQUIRED {
            assert!(column_index(key).is_some(), "{key}");
        }
        assert_eq!(column_label("vin", Lang::ZhCn), "VIN");
        assert_eq!(column_label("deposit", Lang::ZhCn), "定金(元)");
        assert_eq!(column_label("deposit", Lang::En), "deposit");
        assert_eq!(column_label("file", Lang::ZhCn), "file");
    }

    #[test]
    fn a_problem_names_its_row_and_column() {
        assert_eq!(row_and_column("rows.12.vin"), Some((12, "vin")));
        assert_eq!(row_and_column("rows.x.vin"), None);
        assert_eq!(row_and_column("file"), None);
        let extras = ["insurance", "warranty"];
        // (field the check names, column of the template)
        let table = [
            ("customer_id", "customer_mobile"),
            ("store_id", "store_code"),
            ("trim_id", "trim"),
            ("color_id", "color"),
            ("vehicle_id", "vin"),
            ("model_id", "model"),
            ("list_price", "list_price"),
            ("extras.0.price", "insurance"),
            ("extras.1.price", "warranty"),
            ("deposit_method", "deposit_method"),
            ("expected_delivery", "expected_delivery"),
        ];
        for (field, column) in table {
            assert_eq!(column_of(field, &extras), column, "{field}");
        }
    }

    #[test]
    fn submit_reads_as_people_write_it() {
        for yes in ["是", "提交", "Y", "yes", "TRUE", "1", " 是 "] {
            assert_eq!(parse_yes_no(yes), Some(true), "{yes}");
        }
        for no in ["", "否", "N", "no", "False", "0"] {
            assert_eq!(parse_yes_no(no), Some(false), "{no}");
        }
        assert_eq!(parse_yes_no("也许"), None);
    }
}
