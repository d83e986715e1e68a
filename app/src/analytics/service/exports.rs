//! A report's tables as an .xlsx workbook (server only): one sheet per table, each cell
//! with its type — counts and yuan as numbers, shares as percentages, hours as hours — so
//! the figures can be summed and charted again in Excel. Written off the async threads.

use crate::{
    components::{Cell, Sheet},
    error::AppError,
    i18n::Lang,
    inventory::excel::{header, xlsx_err},
};
use rust_xlsxwriter::{Format, Workbook, XlsxError};

/// A sheet's name as Excel allows it: at most 31 characters, none of `[]:*?/\`, unique in
/// its workbook.
pub fn sheet_name(title: &str, taken: &[String]) -> String {
    let clean: String = title
        .chars()
        .map(|c| if "[]:*?/\\".contains(c) { '·' } else { c })
        .take(28)
        .collect();
    let clean = if clean.trim().is_empty() {
        "Sheet".to_owned()
    } else {
        clean
    };
    let mut name = clean.clone();
    let mut n = 2;
    while taken.iter().any(|t| t.eq_ignore_ascii_case(&name)) {
        name = format!("{clean}{n}");
        n += 1;
    }
    name
}

/// Writes `sheets` as a workbook.
pub fn workbook(sheets: &[Sheet], lang: Lang) -> Result<Vec<u8>, AppError> {
    let build = || -> Result<Vec<u8>, XlsxError> {
        let mut wb = Workbook::new();
        let money = Format::new().set_num_format("#,##0.00");
        let share = Format::new().set_num_format("0.0%");
        let one = Format::new().set_num_format("0.0");
        let mut taken: Vec<String> = Vec::new();
        for sheet in sheets {
            let ws = wb.add_worksheet();
            let name = sheet_name(&sheet.title, &taken);
            ws.set_name(&name)?;
            taken.push(name);
            let labels: Vec<&str> = sheet.columns.iter().map(String::as_str).collect();
            header(ws, &labels)?;
            for (i, row) in sheet.rows.iter().enumerate() {
                let r = i as u32 + 1;
                for (c, cell) in row.iter().enumerate() {
                    let c = c as u16;
                    match cell {
                        Cell::Text(s) | Cell::Link(s, _) => {
                            ws.write_string(r, c, s)?;
                        }
                        Cell::Int(n) => {
                            ws.write_number(r, c, *n as f64)?;
                        }
                        Cell::Fen(f) => {
                            ws.write_number_with_format(r, c, *f as f64 / 100.0, &money)?;
                        }
                        Cell::Permille(Some(p)) => {
                            ws.write_number_with_format(r, c, *p as f64 / 1000.0, &share)?;
                        }
                        Cell::Num(Some(x)) | Cell::Hours(Some(x)) => {
                            ws.write_number_with_format(r, c, *x, &one)?;
                        }
                        Cell::Permille(None) | Cell::Num(None) | Cell::Hours(None) => {}
                    }
                }
            }
            // Hours are written as hours; the heading says so where the page says days.
            if sheet
                .rows
                .iter()
                .any(|r| r.iter().any(|c| matches!(c, Cell::Hours(_))))
            {
                let note_row = sheet.rows.len() as u32 + 2;
                ws.write_string(note_row, 0, lang.t("analytics.hours_note"))?;
            }
        }
        wb.save_to_buffer()
    };
    build().map_err(xlsx_err)
}

/// The workbook, written on a blocking thread.
pub async fn xlsx(sheets: Vec<Sheet>, lang: Lang) -> Result<Vec<u8>, AppError> {
    tokio::task::spawn_blocking(move || workbook(&sheets, lang))
        .await
        .map_err(AppError::internal)?
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheet_names_are_excel_safe_and_unique() {
        let taken = vec!["销售".to_owned()];
        assert_eq!(sheet_name("销售", &taken), "销售2");
        assert_eq!(sheet_name("a/b:c", &[]), "a·b·c");
        assert_eq!(sheet_name("", &[]), "Sheet");
        assert!(sheet_name(&"长".repeat(100), &[]).chars().count() <= 31);
    }

    #[test]
    fn a_workbook_reads_back_with_its_numbers_typed() {
        let sheets = vec![Sheet {
            id: "t",
            title: "按车型".into(),
            columns: vec!["车型".into(), "台数".into(), "金额".into(), "占比".into()],
            rows: vec![vec![
                Cell::text("秦PLUS"),
                Cell::Int(12),
                Cell::Fen(15_980_000),
                Cell::Permille(Some(625)),
            ]],
        }];
        let bytes = workbook(&sheets, Lang::ZhCn).unwrap();
        use calamine::{Data, Reader, Xlsx};
        let mut wb: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
        let range = wb.worksheet_range("按车型").unwrap();
        assert_eq!(range.get((1, 0)), Some(&Data::String("秦PLUS".into())));
        assert_eq!(range.get((1, 1)), Some(&Data::Float(12.0)));
        assert_eq!(range.get((1, 2)), Some(&Data::Float(159_800.0)));
        assert_eq!(range.get((1, 3)), Some(&Data::Float(0.625)));
    }
}
