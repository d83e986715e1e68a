//! Order spreadsheets (server only): the import template (批量导入模板) with its sheets of
//! valid values, reading a filled-in template back through the bounded reader
//! ([`crate::import`]), and the order list as .xlsx.

use super::domain::{
    import::{ImportRow, COLUMNS, MAX_ROWS, REQUIRED},
    OrderExport, PaymentMethod, PaymentType,
};
use crate::{
    error::AppError,
    i18n::Lang,
    import::{Limits, Table},
    inventory::{
        domain::catalog::Catalog,
        excel::{header, xlsx_err},
    },
};
use rust_xlsxwriter::{DataValidation, Format, Workbook, XlsxError};

/// A store as the template lists it: (code, name).
pub type StoreRef = (String, String);

/// The values a coded cell may hold, each with its code: the Chinese and English labels,
/// the code itself, and the words people also use (按揭 for a loan…).
fn coded_pairs<T: Copy>(
    all: &[T],
    code: fn(T) -> &'static str,
    label_key: fn(T) -> &'static str,
    also: &[(&'static str, &'static str)],
) -> Vec<(String, &'static str)> {
    let mut pairs = Vec::new();
    for v in all {
        let c = code(*v);
        pairs.push((Lang::ZhCn.t(label_key(*v)).to_owned(), c));
        pairs.push((Lang::En.t(label_key(*v)).to_lowercase(), c));
        pairs.push((c.to_owned(), c));
    }
    pairs.extend(also.iter().map(|(text, c)| ((*text).to_owned(), *c)));
    pairs
}

fn payment_types() -> Vec<(String, &'static str)> {
    coded_pairs(
        PaymentType::ALL,
        PaymentType::code,
        PaymentType::label_key,
        &[
            ("全额", "full"),
            ("一次性付款", "full"),
            ("按揭", "loan"),
            ("车贷", "loan"),
            ("分期付款", "instalment"),
        ],
    )
}

fn payment_methods() -> Vec<(String, &'static str)> {
    coded_pairs(
        PaymentMethod::ALL,
        PaymentMethod::code,
        PaymentMethod::label_key,
        &[
            ("银行卡", "card"),
            ("pos", "card"),
            ("银行转账", "transfer"),
            ("对公转账", "transfer"),
            ("微信支付", "wechat"),
        ],
    )
}

/// The code a coded cell names (any case), or the text as typed, for the check to
/// refuse on its column.
fn code_of(value: &str, pairs: &[(String, &'static str)]) -> String {
    let v = value.trim();
    let lower = v.to_lowercase();
    pairs
        .iter()
        .find(|(text, _)| *text == lower || text == v)
        .map(|(_, code)| (*code).to_owned())
        .unwrap_or_else(|| v.to_owned())
}

/// A delivery day as a cell may hold it, ready for the order's own date check
/// ([`crate::inventory::domain::intake::parse_day`]: `2026-12-01`, `2026/12/1`,
/// `2026年12月1日`, an Excel serial): a date-and-time loses its time, a serial written
/// with decimals loses them.
pub fn delivery_text(cell: &str) -> String {
    let t = cell.trim();
    let day = t.split([' ', 'T']).next().unwrap_or(t);
    match day.split_once('.') {
        Some((whole, frac))
            if !whole.is_empty()
                && whole.bytes().all(|b| b.is_ascii_digit())
                && frac.bytes().all(|b| b == b'0') =>
        {
            whole.to_owned()
        }
        _ => day.to_owned(),
    }
}

/// The import template: the order sheet (Chinese headers, one example row, a list to pick
/// from in the coded columns) and sheets of the valid values — the stores the caller may
/// use, every model with its trims (and guide prices) and colours, how a customer pays
/// and how a deposit is taken.
pub fn template(cat: &Catalog, stores: &[StoreRef]) -> Result<Vec<u8>, AppError> {
    let build = || -> Result<Vec<u8>, XlsxError> {
        let zh = |key| Lang::ZhCn.t(key);
        let types: Vec<&str> = PaymentType::ALL.iter().map(|t| zh(t.label_key())).collect();
        let methods: Vec<&str> = PaymentMethod::ALL
            .iter()
            .map(|m| zh(m.label_key()))
            .collect();
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet();
        ws.set_name("订单导入")?;
        let labels: Vec<&str> = COLUMNS.iter().map(|(zh, _, _)| *zh).collect();
        header(ws, &labels)?;
        let text = Format::new().set_num_format("@");
        for (c, (_, en, example)) in COLUMNS.iter().enumerate() {
            let c = c as u16;
            // Mobiles and VINs stay text: Excel would show a mobile as 1.38E+10.
            if matches!(*en, "customer_mobile" | "vin" | "store_code") {
                ws.set_column_format(c, &text)?;
            }
            ws.write_string(1, c, *example)?;
        }
        let col = |key: &str| {
            COLUMNS
                .iter()
                .position(|(_, en, _)| *en == key)
                .unwrap_or(0) as u16
        };
        let last = MAX_ROWS as u32;
        for (key, values) in [
            ("payment_type", types.clone()),
            ("deposit_method", methods.clone()),
            ("submit", vec!["是", "否"]),
        ] {
            let rule = DataValidation::new()
                .allow_list_strings(&values)?
                .ignore_blank(true);
            ws.add_data_validation(1, col(key), last, col(key), &rule)?;
        }

        let st = wb.add_worksheet();
        st.set_name("门店")?;
        header(st, &["门店代码", "门店名称"])?;
        for (i, (code, name)) in stores.iter().enumerate() {
            st.write_string(i as u32 + 1, 0, code)?;
            st.write_string(i as u32 + 1, 1, name)?;
        }

        let cars = wb.add_worksheet();
        cars.set_name("车型配置颜色")?;
        header(cars, &["车型", "配置", "指导价(元)", "颜色"])?;
        let mut r = 1;
        for m in &cat.models {
            let trims: Vec<_> = cat.trims.iter().filter(|t| t.model_id == m.id).collect();
            let colors: Vec<_> = cat.colors.iter().filter(|c| c.model_id == m.id).collect();
            for i in 0..trims.len().max(colors.len()) {
                cars.write_string(r, 0, &m.name)?;
                if let Some(t) = trims.get(i) {
                    cars.write_string(r, 1, &t.name)?;
                    cars.write_number(r, 2, t.msrp_fen as f64 / 100.0)?;
                }
                if let Some(c) = colors.get(i) {
                    cars.write_string(r, 3, &c.name)?;
                }
                r += 1;
            }
        }

        let pay = wb.add_worksheet();
        pay.set_name("付款与定金")?;
        header(pay, &["付款方式", "定金方式", "提交审批"])?;
        for (i, t) in types.iter().enumerate() {
            pay.write_string(i as u32 + 1, 0, *t)?;
        }
        for (i, m) in methods.iter().enumerate() {
            pay.write_string(i as u32 + 1, 1, *m)?;
        }
        pay.write_string(1, 2, "是")?;
        pay.write_string(2, 2, "否")?;
        wb.save_to_buffer()
    };
    build().map_err(xlsx_err)
}

/// Reads a filled-in template (.xlsx first sheet, or .csv in UTF-8 or GBK) of up to
/// [`MAX_ROWS`] orders. Headers may be the Chinese or the English ones, in any order, and
/// only 客户手机 and 付款方式 must be there; blank rows are skipped, each row keeps its sheet
/// row number. Coded cells are turned into their codes where they read as one; every
/// other problem is left to the row's check.
pub fn read(bytes: &[u8], lang: Lang) -> Result<Vec<ImportRow>, AppError> {
    let optional: Vec<&str> = COLUMNS
        .iter()
        .map(|(_, en, _)| *en)
        .filter(|en| !REQUIRED.contains(en))
        .collect();
    let t = Table::read_with(bytes, lang, Limits::ORDERS, &COLUMNS, &optional)?;
    if t.rows.len() > MAX_ROWS {
        return Err(AppError::invalid(
            "file",
            lang.tf("order.import_too_big", &[("max", &MAX_ROWS.to_string())]),
        ));
    }
    let (types, methods) = (payment_types(), payment_methods());
    Ok(t.rows
        .iter()
        .zip(&t.lines)
        .map(|(r, line)| {
            let cell = |k: usize| t.cell(r, k);
            ImportRow {
                line: *line,
                customer_mobile: cell(0),
                customer_name: cell(1),
                store_code: cell(2),
                model: cell(3),
                trim: cell(4),
                color: cell(5),
                vin: cell(6),
                list_price: cell(7),
                discount: cell(8),
                discount_percent: cell(9).trim_end_matches('%').trim().to_owned(),
                accessory: cell(10),
                insurance: cell(11),
                registration: cell(12),
                warranty: cell(13),
                deposit: cell(14),
                deposit_method: code_of(&cell(15), &methods),
                payment_type: code_of(&cell(16), &types),
                expected_delivery: delivery_text(&cell(17)),
                notes: cell(18),
                submit: cell(19),
            }
        })
        .collect())
}

/// The order list as filtered on its page: one row per order with its car, status,
/// salesperson and figures in yuan (the same numbers the pages show), newest first.
pub fn orders(rows: &[OrderExport], lang: Lang) -> Result<Vec<u8>, AppError> {
    let build = || -> Result<Vec<u8>, XlsxError> {
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet();
        ws.set_name(lang.t("order.list"))?;
        header(
            ws,
            &[
                lang.t("order.number"),
                lang.t("order.store"),
                lang.t("order.customer"),
                lang.t("vehicle.model"),
                lang.t("vehicle.trim"),
                lang.t("vehicle.color"),
                "VIN",
                lang.t("order.status"),
                lang.t("order.salesperson"),
                lang.t("order.payment_type"),
                lang.t("order.export_list_price"),
                lang.t("order.export_discount"),
                lang.t("order.export_extras"),
                lang.t("order.export_total"),
                lang.t("order.export_paid"),
                lang.t("order.export_balance"),
                lang.t("order.expected_delivery"),
                lang.t("order.created_at"),
            ],
        )?;
        ws.set_column_width(0, 22)?;
        ws.set_column_width(6, 22)?;
        let money = Format::new().set_num_format("#,##0.00");
        let yuan = |m: i64| m as f64 / 100.0;
        for (i, o) in rows.iter().enumerate() {
            let r = i as u32 + 1;
            ws.write_string(r, 0, &o.number)?;
            ws.write_string(r, 1, &o.store_name)?;
            ws.write_string(r, 2, &o.customer_name)?;
            ws.write_string(r, 3, &o.model_name)?;
            ws.write_string(r, 4, &o.trim_name)?;
            ws.write_string(r, 5, &o.color_name)?;
            ws.write_string(r, 6, o.vin.clone().unwrap_or_default())?;
            ws.write_string(r, 7, lang.t(o.status.label_key()))?;
            ws.write_string(r, 8, o.salesperson_name.clone().unwrap_or_default())?;
            ws.write_string(r, 9, lang.t(o.payment_type.label_key()))?;
            for (c, fen) in [
                (10, o.list_price.fen()),
                (11, o.discount.fen()),
                (12, o.extras_total.fen()),
                (13, o.total.fen()),
                (14, o.paid.fen()),
                (15, o.total.fen() - o.paid.fen()),
            ] {
                ws.write_number_with_format(r, c, yuan(fen), &money)?;
            }
            ws.write_string(r, 16, o.expected_delivery.clone().unwrap_or_default())?;
            ws.write_string(r, 17, crate::clock::local_time(o.created_at))?;
        }
        if !rows.is_empty() {
            ws.autofilter(0, 0, rows.len() as u32, 17)?;
        }
        wb.save_to_buffer()
    };
    build().map_err(xlsx_err)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inventory::domain::intake::parse_day;
    use chrono::NaiveDate;

    #[test]
    fn chinese_or_english_headers_in_any_order_map_to_their_columns() {
        let text =
            "\u{feff}付款方式,客户手机,VIN,customer_name,提交审批,定金方式,折扣(%),预计交车\n\
                    按揭,138 0013 8000,lgxc1dm30s0000012,张三,是,微信支付,6.2%,2026年12月1日\n\
                    ,,,,,,,\n\
                    Full,13900139000,,,,Alipay,,\n\
                    以物易物,13700137000,,,也许,支票,,\n";
        let rows = read(text.as_bytes(), Lang::ZhCn).unwrap();
        assert_eq!(rows.len(), 3, "the blank row is skipped");
        assert_eq!(
            rows.iter().map(|r| r.line).collect::<Vec<_>>(),
            [2, 4, 5],
            "rows keep the sheet's numbers"
        );
        let r = &rows[0];
        assert_eq!(r.payment_type, "loan");
        assert_eq!(r.customer_mobile, "138 0013 8000");
        assert_eq!(r.vin, "lgxc1dm30s0000012");
        assert_eq!(r.customer_name, "张三");
        assert_eq!(r.submit, "是");
        assert_eq!(r.deposit_method, "wechat");
        assert_eq!(r.discount_percent, "6.2");
        assert_eq!(r.expected_delivery, "2026年12月1日");
        assert_eq!(r.trim, "", "an absent column reads as empty");
        assert_eq!(
            (
                rows[1].payment_type.as_str(),
                rows[1].deposit_method.as_str()
            ),
            ("full", "alipay")
        );
        // What reads as no code is kept as typed, for the check to refuse by column.
        assert_eq!(
            (
                rows[2].payment_type.as_str(),
                rows[2].deposit_method.as_str()
            ),
            ("以物易物", "支票")
        );
    }

    #[test]
    fn a_file_without_the_required_columns_is_refused_naming_them() {
        let e = read("车型,配置\nx,y\n".as_bytes(), Lang::ZhCn).unwrap_err();
        let m = e.field("file").unwrap();
        assert!(m.contains("客户手机") && m.contains("付款方式"), "{m}");
        assert!(read(b"", Lang::ZhCn).is_err());
    }

    #[test]
    fn delivery_days_read_in_every_form_a_dealer_writes_them() {
        let day = NaiveDate::from_ymd_opt(2026, 12, 1);
        for cell in [
            "2026-12-01",
            "2026/12/1",
            "2026年12月1日",
            "2026.12.01",
            "2026-12-01 00:00:00",
            "2026/12/1 9:30",
            "2026-12-01T00:00:00",
            "46357",
            "46357.0",
            " 2026-12-01 ",
        ] {
            assert_eq!(parse_day(&delivery_text(cell)), day, "{cell:?}");
        }
        for bad in ["2026-13-01", "明年", "46357.5", "12/1"] {
            assert_eq!(parse_day(&delivery_text(bad)), None, "{bad:?}");
        }
    }

    #[test]
    fn the_template_reads_back_as_its_example_row_and_lists_the_valid_values() {
        let cat = Catalog::default();
        let bytes = template(&cat, &[("SH01".into(), "上海浦东旗舰店".into())]).unwrap();
        let rows = read(&bytes, Lang::ZhCn).unwrap();
        assert_eq!(rows.len(), 1);
        let r = &rows[0];
        assert_eq!(r.line, 2);
        assert_eq!(r.customer_mobile, "13800138000");
        assert_eq!(r.payment_type, "full");
        assert_eq!(r.deposit_method, "wechat");
        assert_eq!(r.expected_delivery, "2026-12-20");
        assert_eq!(r.submit, "是");
        // The sheets of valid values are the workbook's others.
        use calamine::{open_workbook_from_rs, Reader, Xlsx};
        let wb: Xlsx<_> = open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
        assert_eq!(
            wb.sheet_names(),
            ["订单导入", "门店", "车型配置颜色", "付款与定金"]
        );
    }

    #[test]
    fn a_workbook_with_blank_rows_names_rows_as_excel_shows_them() {
        use crate::import::fixtures::{sheet, sst, workbook};
        let s = |r: u32, c: &str, i: u32| format!(r#"<c r="{c}{r}" t="s"><v>{i}</v></c>"#);
        let rows = format!(
            r#"<row r="1">{}{}</row><row r="2">{}{}</row><row r="5">{}{}</row>"#,
            s(1, "A", 0),
            s(1, "B", 1),
            s(2, "A", 2),
            s(2, "B", 3),
            s(5, "A", 4),
            s(5, "B", 3)
        );
        let wb = workbook(
            &sheet("A1:B5", &rows),
            &sst(
                "5",
                "<si><t>客户手机</t></si><si><t>付款方式</t></si><si><t>13800138000</t></si>\
                 <si><t>全款</t></si><si><t>13900139000</t></si>",
            ),
        );
        let rows = read(&wb, Lang::ZhCn).unwrap();
        assert_eq!(rows.iter().map(|r| r.line).collect::<Vec<_>>(), [2, 5]);
        assert_eq!(rows[1].customer_mobile, "13900139000");
    }
}
