//! Spreadsheets: the vehicle list and stock matrix as .xlsx, the batch-intake template
//! with Chinese headers, and reading a filled-in batch back (.xlsx or UTF-8 .csv).

use super::domain::{
    catalog::Catalog,
    intake::IntakeInput,
    matrix::{blocks, Pivot, StockMatrix},
    vehicle::VehicleRow,
    VehicleStatus,
};
use crate::{error::AppError, i18n::Lang};
use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};

/// The template's columns: (Chinese header, English header, example).
pub const COLUMNS: [(&str, &str, &str); 9] = [
    ("VIN", "vin", "LGXC1DM30S0000012"),
    ("车型", "model", "秦PLUS DM-i"),
    ("配置", "trim", "55KM 领先型"),
    ("颜色", "color", "雪域白"),
    ("仓库", "warehouse", "SH01-S"),
    ("状态", "status", "在库"),
    ("成本价(元)", "cost", "72000"),
    ("指导价(元)", "list_price", "79800"),
    ("到库日期", "arrival_date", "2026-11-20"),
];

pub(crate) fn xlsx_err(e: XlsxError) -> AppError {
    AppError::internal(e)
}

pub(crate) fn header(ws: &mut Worksheet, labels: &[&str]) -> Result<(), XlsxError> {
    let bold = Format::new().set_bold().set_background_color("#DCE6F1");
    for (c, l) in labels.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *l, &bold)?;
        ws.set_column_width(c as u16, (l.chars().count() as f64 * 2.2).max(12.0))?;
    }
    ws.set_freeze_panes(1, 0)?;
    Ok(())
}

pub fn template(cat: &Catalog) -> Result<Vec<u8>, AppError> {
    let build = || -> Result<Vec<u8>, XlsxError> {
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet();
        ws.set_name("车辆入库")?;
        let labels: Vec<&str> = COLUMNS.iter().map(|c| c.0).collect();
        header(ws, &labels)?;
        ws.set_column_width(0, 22)?;
        for (c, col) in COLUMNS.iter().enumerate() {
            ws.write_string(1, c as u16, col.2)?;
        }
        let ref_ws = wb.add_worksheet();
        ref_ws.set_name("可选值")?;
        header(ref_ws, &["车型", "配置", "指导价(元)", "颜色"])?;
        let mut r = 1;
        for m in &cat.models {
            let trims: Vec<_> = cat.trims.iter().filter(|t| t.model_id == m.id).collect();
            let colors: Vec<_> = cat.colors.iter().filter(|c| c.model_id == m.id).collect();
            for i in 0..trims.len().max(colors.len()) {
                ref_ws.write_string(r, 0, &m.name)?;
                if let Some(t) = trims.get(i) {
                    ref_ws.write_string(r, 1, &t.name)?;
                    ref_ws.write_number(r, 2, t.msrp_fen as f64 / 100.0)?;
                }
                if let Some(c) = colors.get(i) {
                    ref_ws.write_string(r, 3, &c.name)?;
                }
                r += 1;
            }
        }
        let wh = wb.add_worksheet();
        wh.set_name("仓库")?;
        header(wh, &["仓库编码", "仓库名称", "门店"])?;
        for (i, w) in cat.warehouses.iter().enumerate() {
            let r = i as u32 + 1;
            wh.write_string(r, 0, &w.code)?;
            wh.write_string(r, 1, &w.name)?;
            wh.write_string(r, 2, &w.store_name)?;
        }
        let st = wb.add_worksheet();
        st.set_name("状态")?;
        header(st, &["状态"])?;
        for (i, s) in VehicleStatus::ALL
            .into_iter()
            .filter(|s| s.is_intake())
            .enumerate()
        {
            st.write_string(i as u32 + 1, 0, s.label_zh())?;
        }
        wb.save_to_buffer()
    };
    build().map_err(xlsx_err)
}

pub fn vehicles(rows: &[VehicleRow], cat: &Catalog, lang: Lang) -> Result<Vec<u8>, AppError> {
    let build = || -> Result<Vec<u8>, XlsxError> {
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet();
        ws.set_name(lang.t("inventory.vehicles"))?;
        header(
            ws,
            &[
                "VIN",
                lang.t("vehicle.model"),
                lang.t("vehicle.trim"),
                lang.t("vehicle.color"),
                lang.t("vehicle.warehouse"),
                lang.t("vehicle.status"),
                lang.t("vehicle.cost"),
                lang.t("vehicle.list_price"),
                lang.t("vehicle.arrival_date"),
                lang.t("vehicle.days_in_stock"),
            ],
        )?;
        ws.set_column_width(0, 22)?;
        let money = Format::new().set_num_format("¥#,##0.00");
        for (i, v) in rows.iter().enumerate() {
            let r = i as u32 + 1;
            ws.write_string(r, 0, &v.vin)?;
            ws.write_string(r, 1, cat.model_name(v.model_id))?;
            ws.write_string(r, 2, cat.trim_name(v.trim_id))?;
            ws.write_string(r, 3, cat.color_name(v.color_id))?;
            ws.write_string(r, 4, cat.warehouse_name(v.warehouse_id))?;
            ws.write_string(r, 5, lang.t(v.status.label_key()))?;
            ws.write_number_with_format(r, 6, v.cost_fen.fen() as f64 / 100.0, &money)?;
            ws.write_number_with_format(r, 7, v.list_price_fen.fen() as f64 / 100.0, &money)?;
            ws.write_string(r, 8, v.arrival_date.clone().unwrap_or_default())?;
            if let Some(d) = v.days_in_stock {
                ws.write_number(r, 9, d as f64)?;
            }
        }
        if !rows.is_empty() {
            ws.autofilter(0, 0, rows.len() as u32, 9)?;
        }
        wb.save_to_buffer()
    };
    build().map_err(xlsx_err)
}

pub fn matrix(
    m: &StockMatrix,
    cat: &Catalog,
    pivot: Pivot,
    lang: Lang,
    title: &str,
) -> Result<Vec<u8>, AppError> {
    let build = || -> Result<Vec<u8>, XlsxError> {
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet();
        ws.set_name(lang.t("inventory.matrix"))?;
        let bold = Format::new().set_bold();
        let head = Format::new().set_bold().set_background_color("#DCE6F1");
        ws.write_string_with_format(0, 0, title, &bold)?;
        ws.set_column_width(0, 24)?;
        let mut r: u32 = 2;
        for b in blocks(m, cat, pivot, None) {
            ws.write_string_with_format(r, 0, cat.model_name(b.model_id), &head)?;
            for (c, (_, label)) in b.cols.iter().enumerate() {
                ws.write_string_with_format(r, c as u16 + 1, label, &head)?;
                ws.set_column_width(c as u16 + 1, 14)?;
            }
            let total_col = b.cols.len() as u16 + 1;
            ws.write_string_with_format(r, total_col, lang.t("inventory.total"), &head)?;
            r += 1;
            for (ri, (_, label)) in b.rows.iter().enumerate() {
                ws.write_string(r, 0, label)?;
                for (c, n) in b.counts[ri].iter().enumerate() {
                    ws.write_number(r, c as u16 + 1, *n as f64)?;
                }
                ws.write_number_with_format(r, total_col, b.row_totals[ri] as f64, &bold)?;
                r += 1;
            }
            ws.write_string_with_format(r, 0, lang.t("inventory.total"), &bold)?;
            for (c, n) in b.col_totals.iter().enumerate() {
                ws.write_number_with_format(r, c as u16 + 1, *n as f64, &bold)?;
            }
            ws.write_number_with_format(r, total_col, b.total as f64, &bold)?;
            r += 2;
        }
        ws.write_string_with_format(r, 0, lang.t("inventory.grand_total"), &bold)?;
        ws.write_number_with_format(r, 1, m.total as f64, &bold)?;
        wb.save_to_buffer()
    };
    build().map_err(xlsx_err)
}

/// Reads a filled-in template: `.xlsx` (first sheet) or `.csv` (UTF-8 or GBK), through the
/// bounded reader ([`crate::import`]). Headers may be the Chinese or the English ones, in any order; blank rows are
/// skipped. Cell problems are left to the intake's validation, row by row.
pub fn read_batch(bytes: &[u8], lang: Lang) -> Result<Vec<IntakeInput>, AppError> {
    let t = crate::import::Table::read(
        bytes,
        lang,
        &COLUMNS,
        &["status", "list_price", "arrival_date"],
    )?;
    let cell = |row: &[String], k: usize| t.cell(row, k);
    Ok(t.rows
        .iter()
        .map(|r| IntakeInput {
            vin: cell(r, 0),
            model: cell(r, 1),
            trim: cell(r, 2),
            color: cell(r, 3),
            warehouse: cell(r, 4),
            status: cell(r, 5),
            cost: cell(r, 6),
            list_price: cell(r, 7),
            arrival_date: cell(r, 8),
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_with_chinese_headers_in_any_order_is_read() {
        let text = "\u{feff}车型,VIN,配置,颜色,仓库,成本价(元)\n秦PLUS DM-i,lgxc1dm30s0000012,55KM 领先型,雪域白,SH01-SR,\"72,000\"\n,,,,,\n";
        let rows = read_batch(text.as_bytes(), Lang::ZhCn).unwrap();
        assert_eq!(rows.len(), 1, "blank rows are skipped");
        assert_eq!(rows[0].vin, "lgxc1dm30s0000012");
        assert_eq!(rows[0].model, "秦PLUS DM-i");
        assert_eq!(rows[0].cost, "72,000");
        assert_eq!(rows[0].status, "", "optional columns may be absent");
    }

    #[test]
    fn a_file_without_required_columns_is_refused_naming_them() {
        let err = read_batch("VIN,颜色\nX,Y\n".as_bytes(), Lang::ZhCn).unwrap_err();
        let msg = err.field("file").unwrap();
        assert!(msg.contains("车型") && msg.contains("仓库"), "{msg}");
        assert!(read_batch(&[0xff, 0xfe, 0x00], Lang::ZhCn).is_err());
    }

    #[test]
    fn the_template_reads_back_as_its_example_row() {
        let bytes = template(&Catalog::default()).unwrap();
        let rows = read_batch(&bytes, Lang::ZhCn).unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].vin, COLUMNS[0].2);
        assert_eq!(rows[0].arrival_date, "2026-11-20");
        assert_eq!(rows[0].cost, "72000");
    }
}
