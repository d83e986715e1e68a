//! The one reader for every spreadsheet a person uploads (vehicles today; orders and
//! customers next): bounded before any work is done on it, so no file — truncated, empty,
//! not a zip, a zip bomb, a workbook that *declares* a billion shared strings or a sheet of
//! A1:XFD1048576 — can exhaust memory or stop the process. Call it off the async threads
//! (`spawn_blocking`): even bounded, parsing is CPU work.
//!
//! It reads what dealers' files really contain: `.xlsx` (formula cells by their value,
//! merged cells, dates as cells, serials or text), and CSV in UTF-8 with or without BOM or
//! in GBK / GB18030, older Excel's default for Chinese.

use crate::{error::AppError, i18n::Lang};
use std::io::Read;

/// The largest request that carries an upload: a file of [`Limits::BATCH`] and its form.
pub const UPLOAD_BODY_LIMIT: usize = 12 << 20;

/// The paths that take an upload (a spreadsheet to import), and so a body of up to
/// [`UPLOAD_BODY_LIMIT`]; every other request is held to the server's smaller limit.
pub const UPLOAD_PATHS: [&str; 4] = [
    "/inventory/import",
    "/crm/import",
    "/orders/import",
    "/api/v1/orders/import",
];

/// Does a request to `path` carry an upload?
pub fn takes_upload(path: &str) -> bool {
    UPLOAD_PATHS.contains(&path)
}

/// How much a file may hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// The file as uploaded.
    pub max_bytes: usize,
    /// Entries in an `.xlsx` (a zip).
    pub max_entries: usize,
    /// Each entry, and all of them together, unpacked.
    pub max_entry_bytes: u64,
    pub max_unpacked_bytes: u64,
    /// Rows (the header included) and columns of the sheet.
    pub max_rows: usize,
    pub max_cols: usize,
    /// Distinct strings a workbook may declare.
    pub max_shared_strings: u64,
}

impl Limits {
    /// A batch of up to 5,000 rows of a few dozen columns.
    pub const BATCH: Limits = Limits {
        max_bytes: 10 << 20,
        max_entries: 200,
        max_entry_bytes: 40 << 20,
        max_unpacked_bytes: 80 << 20,
        max_rows: 5_001,
        max_cols: 64,
        max_shared_strings: 500_000,
    };

    /// An order import: up to 10,000 rows (a dealer moving a year of orders in from its
    /// spreadsheet), otherwise as [`Limits::BATCH`].
    pub const ORDERS: Limits = Limits {
        max_rows: 10_001,
        ..Limits::BATCH
    };
}

fn refuse(lang: Lang, key: &'static str, args: &[(&str, &str)]) -> AppError {
    AppError::invalid("file", lang.tf(key, args))
}

/// The cells of the file's first sheet, row by row, as text.
pub fn read_grid(bytes: &[u8], lang: Lang, limits: Limits) -> Result<Vec<Vec<String>>, AppError> {
    read_sheet(bytes, lang, limits).map(|(_, grid)| grid)
}

/// As [`read_grid`], with the sheet's number (from 1) of the grid's first row: a workbook
/// whose used cells start lower down reads from there.
fn read_sheet(
    bytes: &[u8],
    lang: Lang,
    limits: Limits,
) -> Result<(usize, Vec<Vec<String>>), AppError> {
    if bytes.is_empty() {
        return Err(refuse(lang, "import.empty", &[]));
    }
    if bytes.len() > limits.max_bytes {
        let mib = (limits.max_bytes >> 20).to_string();
        return Err(refuse(lang, "import.too_big", &[("mib", &mib)]));
    }
    let (first, grid) = if bytes.starts_with(b"PK") {
        check_workbook(bytes, lang, limits)?;
        read_xlsx(bytes, lang)?
    } else {
        (1, read_csv(bytes, lang, limits)?)
    };
    if grid.len() > limits.max_rows {
        let rows = (limits.max_rows - 1).to_string();
        return Err(refuse(lang, "import.too_many_rows", &[("rows", &rows)]));
    }
    if grid.iter().any(|r| r.len() > limits.max_cols) {
        let cols = limits.max_cols.to_string();
        return Err(refuse(lang, "import.too_many_cols", &[("cols", &cols)]));
    }
    Ok((first, grid))
}

/// Everything about a workbook that could make reading it costly, checked from the zip's
/// directory and the first bytes of its parts, before a spreadsheet library sees it.
fn check_workbook(bytes: &[u8], lang: Lang, limits: Limits) -> Result<(), AppError> {
    let unreadable = || refuse(lang, "import.unreadable_xlsx", &[]);
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|_| unreadable())?;
    if zip.len() > limits.max_entries {
        return Err(unreadable());
    }
    let mut unpacked = 0u64;
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).map_err(|_| unreadable())?;
        let name = entry.name().map_err(|_| unreadable())?.into_owned();
        // Count what it really unpacks to (a header may lie), up to one byte past the cap.
        let mut head = Vec::new();
        let mut counted = 0u64;
        let mut buf = [0u8; 64 * 1024];
        loop {
            let n = entry.read(&mut buf).map_err(|_| unreadable())?;
            if n == 0 {
                break;
            }
            if head.len() < 4096 {
                head.extend_from_slice(&buf[..n.min(4096 - head.len())]);
            }
            counted += n as u64;
            if counted > limits.max_entry_bytes {
                return Err(refuse(lang, "import.too_big_unpacked", &[]));
            }
        }
        unpacked += counted;
        if unpacked > limits.max_unpacked_bytes {
            return Err(refuse(lang, "import.too_big_unpacked", &[]));
        }
        let head = String::from_utf8_lossy(&head);
        if name == "xl/sharedStrings.xml" {
            for attr in ["count", "uniqueCount"] {
                if declared_number(&head, "sst", attr)
                    .is_some_and(|n| n > limits.max_shared_strings)
                {
                    return Err(unreadable());
                }
            }
        }
        if name.starts_with("xl/worksheets/") {
            if let Some(r) = declared_attribute(&head, "dimension", "ref") {
                let (rows, cols) = dimension_size(&r).ok_or_else(unreadable)?;
                if rows > limits.max_rows as u64 {
                    let rows = (limits.max_rows - 1).to_string();
                    return Err(refuse(lang, "import.too_many_rows", &[("rows", &rows)]));
                }
                if cols > limits.max_cols as u64 {
                    let cols = limits.max_cols.to_string();
                    return Err(refuse(lang, "import.too_many_cols", &[("cols", &cols)]));
                }
            }
        }
    }
    Ok(())
}

/// The value of `attr` on the first `<tag …>` in `xml`.
fn declared_attribute(xml: &str, tag: &str, attr: &str) -> Option<String> {
    let start = xml
        .find(&format!("<{tag} "))
        .or_else(|| xml.find(&format!(":{tag} ")))?;
    let rest = &xml[start..];
    let end = rest.find('>').unwrap_or(rest.len());
    let element = &rest[..end];
    let key = format!(" {attr}=\"");
    let at = element.find(&key)? + key.len();
    let value = &element[at..];
    Some(value[..value.find('"')?].to_owned())
}

fn declared_number(xml: &str, tag: &str, attr: &str) -> Option<u64> {
    declared_attribute(xml, tag, attr).map(|v| v.trim().parse::<u64>().unwrap_or(u64::MAX))
}

/// Rows and columns of a sheet dimension such as `A1:XFD1048576` (or one cell, `A1`).
fn dimension_size(r: &str) -> Option<(u64, u64)> {
    fn cell(c: &str) -> Option<(u64, u64)> {
        let letters: String = c
            .chars()
            .take_while(|ch| ch.is_ascii_alphabetic())
            .collect();
        let digits = &c[letters.len()..];
        if letters.is_empty() || letters.len() > 3 {
            return None;
        }
        let col = letters.chars().fold(0u64, |n, ch| {
            n * 26 + u64::from(ch.to_ascii_uppercase() as u8 - b'A' + 1)
        });
        let row = digits.parse::<u64>().ok()?;
        Some((row, col))
    }
    let (a, b) = r.split_once(':').unwrap_or((r, r));
    let ((r1, c1), (r2, c2)) = (cell(a.trim())?, cell(b.trim())?);
    Some((r2.abs_diff(r1) + 1, c2.abs_diff(c1) + 1))
}

fn read_xlsx(bytes: &[u8], lang: Lang) -> Result<(usize, Vec<Vec<String>>), AppError> {
    use calamine::{open_workbook_from_rs, Data, DataType, Reader, Xlsx};
    let unreadable = || refuse(lang, "import.unreadable_xlsx", &[]);
    let mut wb: Xlsx<_> =
        open_workbook_from_rs(std::io::Cursor::new(bytes)).map_err(|_| unreadable())?;
    let range = wb
        .worksheet_range_at(0)
        .ok_or_else(|| refuse(lang, "import.empty", &[]))?
        .map_err(|_| unreadable())?;
    let first = range.start().map_or(1, |(row, _)| row as usize + 1);
    let grid = range
        .rows()
        .map(|row| {
            row.iter()
                .map(|c| match c {
                    Data::DateTime(_) | Data::DateTimeIso(_) => c
                        .as_date()
                        .map(|d| d.format("%Y-%m-%d").to_string())
                        .unwrap_or_else(|| c.to_string()),
                    Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => {
                        format!("{}", *f as i64)
                    }
                    Data::Empty => String::new(),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect();
    Ok((first, grid))
}

/// A filled-in template read by its header row: the non-blank rows, and where each of the
/// template's columns stands in them.
pub struct Table {
    index: Vec<Option<usize>>,
    pub rows: Vec<Vec<String>>,
    /// The sheet's row number (the header is row 1) of each of `rows`, so a problem is
    /// named by the row a person sees in Excel even when blank rows were skipped.
    pub lines: Vec<usize>,
}

impl Table {
    /// Reads `bytes` through [`read_grid`]. `columns` are the template's (Chinese header,
    /// English header, example); a header matches either, in any order. A column whose
    /// English name is not in `optional` must be there, else the file is refused naming
    /// every missing one.
    pub fn read(
        bytes: &[u8],
        lang: Lang,
        columns: &[(&str, &str, &str)],
        optional: &[&str],
    ) -> Result<Table, AppError> {
        Table::read_with(bytes, lang, Limits::BATCH, columns, optional)
    }

    /// As [`Table::read`], within `limits`.
    pub fn read_with(
        bytes: &[u8],
        lang: Lang,
        limits: Limits,
        columns: &[(&str, &str, &str)],
        optional: &[&str],
    ) -> Result<Table, AppError> {
        let (first, grid) = read_sheet(bytes, lang, limits)?;
        let blank = |r: &Vec<String>| r.iter().all(|c| c.trim().is_empty());
        // The header is the first row with anything in it.
        let skipped = grid.iter().take_while(|r| blank(r)).count();
        let first = first + skipped;
        let mut rows = grid.into_iter().skip(skipped);
        let Some(head) = rows.next() else {
            return Err(AppError::invalid("file", lang.t("import.empty")));
        };
        let mut index = vec![None; columns.len()];
        for (i, h) in head.iter().enumerate() {
            let h = h.trim();
            if let Some(k) = columns
                .iter()
                .position(|(zh, en, _)| h == *zh || h.eq_ignore_ascii_case(en))
            {
                index[k] = Some(i);
            }
        }
        let missing: Vec<&str> = columns
            .iter()
            .zip(&index)
            .filter(|((_, en, _), i)| i.is_none() && !optional.contains(en))
            .map(|((zh, _, _), _)| *zh)
            .collect();
        if !missing.is_empty() {
            return Err(AppError::invalid(
                "file",
                lang.tf(
                    "import.missing_columns",
                    &[("columns", &missing.join("、"))],
                ),
            ));
        }
        let (lines, rows) = rows
            .enumerate()
            .filter(|(_, r)| !blank(r))
            .map(|(i, r)| (first + 1 + i, r))
            .unzip();
        Ok(Table { index, rows, lines })
    }

    /// Does the file have column `k` (the template's numbering)?
    pub fn has(&self, k: usize) -> bool {
        self.index.get(k).is_some_and(Option::is_some)
    }

    /// The trimmed text of column `k` (the template's numbering) in `row`; empty when
    /// the file lacks the column or the row is short.
    pub fn cell(&self, row: &[String], k: usize) -> String {
        self.index[k]
            .and_then(|i| row.get(i))
            .map(|s| s.trim().to_owned())
            .unwrap_or_default()
    }
}

/// Text of a CSV file: UTF-8 (a BOM dropped), else GB18030 (GBK's superset).
pub fn decode_text(bytes: &[u8]) -> Option<String> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if let Ok(s) = std::str::from_utf8(bytes) {
        return Some(s.to_owned());
    }
    let (text, _, had_errors) = encoding_rs::GB18030.decode(bytes);
    (!had_errors).then(|| text.into_owned())
}

fn read_csv(bytes: &[u8], lang: Lang, limits: Limits) -> Result<Vec<Vec<String>>, AppError> {
    let text = decode_text(bytes).ok_or_else(|| refuse(lang, "import.not_text", &[]))?;
    let raw = text.as_bytes();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(raw);
    let mut grid: Vec<Vec<String>> = Vec::new();
    let mut push = |row: Vec<String>| {
        if grid.len() >= limits.max_rows {
            let rows = (limits.max_rows - 1).to_string();
            return Err(refuse(lang, "import.too_many_rows", &[("rows", &rows)]));
        }
        grid.push(row);
        Ok(())
    };
    let mut record = csv::StringRecord::new();
    // Where the reader goes on from: just past the last record's line break.
    let mut at = 0usize;
    loop {
        // The reader skips blank lines; Excel shows each as an empty row, so they keep
        // their places and every row keeps the number a person sees.
        let mut blank_lines = 0;
        let mut i = at;
        // The reader stops after the `\r` of a `\r\n`: its `\n` ends the same line.
        if at > 0 && raw.get(at - 1) == Some(&b'\r') && raw.get(at) == Some(&b'\n') {
            i += 1;
        }
        while let Some(&b) = raw.get(i) {
            match b {
                b'\n' => i += 1,
                b'\r' if raw.get(i + 1) == Some(&b'\n') => i += 2,
                b'\r' => i += 1,
                _ => break,
            }
            blank_lines += 1;
        }
        let more = reader
            .read_record(&mut record)
            .map_err(|_| refuse(lang, "import.unreadable_csv", &[]))?;
        if !more {
            break;
        }
        if record.len() > limits.max_cols {
            let cols = limits.max_cols.to_string();
            return Err(refuse(lang, "import.too_many_cols", &[("cols", &cols)]));
        }
        for _ in 0..blank_lines {
            push(Vec::new())?;
        }
        push(record.iter().map(str::to_owned).collect())?;
        at = usize::try_from(reader.position().byte()).unwrap_or(usize::MAX);
    }
    Ok(grid)
}

/// Builds workbooks for tests: real ones and hostile ones.
#[cfg(any(test, feature = "fixtures"))]
pub mod fixtures {
    use std::io::Write;

    /// A zip of `(name, content)` parts, deflated.
    pub fn zip(parts: &[(&str, Vec<u8>)]) -> Vec<u8> {
        let mut out = std::io::Cursor::new(Vec::new());
        {
            let mut z = zip::ZipWriter::new(&mut out);
            let opts = zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Deflated);
            for (name, content) in parts {
                z.start_file(*name, opts).unwrap();
                z.write_all(content).unwrap();
            }
            z.finish().unwrap();
        }
        out.into_inner()
    }

    /// The parts of a minimal workbook whose one sheet has `sheet_xml` and whose shared
    /// strings are `sst_xml`.
    pub fn workbook(sheet_xml: &str, sst_xml: &str) -> Vec<u8> {
        zip(&[
            ("[Content_Types].xml", br#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>"#.to_vec()),
            ("_rels/.rels", br#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#.to_vec()),
            ("xl/workbook.xml", br#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"#.to_vec()),
            ("xl/_rels/workbook.xml.rels", br#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#.to_vec()),
            ("xl/worksheets/sheet1.xml", sheet_xml.as_bytes().to_vec()),
            ("xl/sharedStrings.xml", sst_xml.as_bytes().to_vec()),
        ])
    }

    pub const SHEET_NS: &str =
        r#"xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main""#;

    /// A sheet that declares `dimension` and holds `rows` (`<row>` elements).
    pub fn sheet(dimension: &str, rows: &str) -> String {
        format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><worksheet {SHEET_NS}><dimension ref="{dimension}"/><sheetData>{rows}</sheetData></worksheet>"#
        )
    }

    /// Shared strings that declare `count` and hold `items` (`<si>` elements).
    pub fn sst(count: &str, items: &str) -> String {
        format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><sst {SHEET_NS} count="{count}" uniqueCount="{count}">{items}</sst>"#
        )
    }

    /// The files that once stopped a server: declared sizes that exhaust memory, a zip
    /// bomb, and broken ones. `(what, bytes)`.
    pub fn hostile() -> Vec<(&'static str, Vec<u8>)> {
        let good = workbook(&sheet("A1", ""), &sst("0", ""));
        vec![
            (
                "two billion shared strings declared",
                workbook(&sheet("A1", ""), &sst("2000000000", "<si><t>x</t></si>")),
            ),
            (
                "a sheet of A1:XFD1048576",
                workbook(&sheet("A1:XFD1048576", ""), &sst("0", "")),
            ),
            (
                "a zip bomb (60 MiB of spaces)",
                zip(&[("xl/worksheets/sheet1.xml", vec![b' '; 60 << 20])]),
            ),
            ("a cut workbook", good[..good.len() / 2].to_vec()),
            ("not a zip", b"PK\x03\x04 not really a zip".to_vec()),
            ("empty", Vec::new()),
            ("binary noise", vec![0xFF, 0xFE, 0x00, 0xD8]),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::{fixtures::*, *};

    fn field_message(r: Result<Vec<Vec<String>>, AppError>) -> String {
        let e = r.unwrap_err();
        assert_eq!(e.fields()[0].field, "file", "{e:?}");
        e.fields()[0].message.clone()
    }

    #[test]
    fn a_plain_workbook_reads_back_with_formulas_by_value() {
        let rows = r#"<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row><row r="2"><c r="A2"><v>3</v></c><c r="B2"><f>A2*2</f><v>6</v></c></row>"#;
        let wb = workbook(
            &sheet("A1:B2", rows),
            &sst("2", "<si><t>VIN</t></si><si><t>成本价(元)</t></si>"),
        );
        let grid = read_grid(&wb, Lang::En, Limits::BATCH).unwrap();
        assert_eq!(grid, vec![vec!["VIN", "成本价(元)"], vec!["3", "6"]]);
    }

    #[test]
    fn declared_sizes_that_would_exhaust_memory_are_refused_before_parsing() {
        let huge_sst = workbook(&sheet("A1", ""), &sst("2000000000", "<si><t>x</t></si>"));
        field_message(read_grid(&huge_sst, Lang::En, Limits::BATCH));
        let huge_sheet = workbook(&sheet("A1:XFD1048576", ""), &sst("0", ""));
        assert!(field_message(read_grid(&huge_sheet, Lang::En, Limits::BATCH)).contains("5000"));
        let wide = workbook(&sheet("A1:ZZ2", ""), &sst("0", ""));
        assert!(field_message(read_grid(&wide, Lang::En, Limits::BATCH)).contains("64"));
    }

    #[test]
    fn a_zip_bomb_is_refused_by_what_it_unpacks_to() {
        let bomb = zip(&[("xl/worksheets/sheet1.xml", vec![b' '; 60 << 20])]);
        assert!(bomb.len() < 1 << 20, "small on the wire: {}", bomb.len());
        field_message(read_grid(&bomb, Lang::En, Limits::BATCH));
    }

    #[test]
    fn broken_files_are_refused_not_crashed_on() {
        for (what, bad) in hostile() {
            let e = read_grid(&bad, Lang::En, Limits::BATCH).unwrap_err();
            assert_eq!(e.fields()[0].field, "file", "{what}");
        }
        let too_big = vec![b'a'; Limits::BATCH.max_bytes + 1];
        assert!(field_message(read_grid(&too_big, Lang::En, Limits::BATCH)).contains("10"));
    }

    #[test]
    fn csv_in_utf8_with_or_without_bom_and_in_gbk_reads_the_same() {
        let text = "VIN,车型\nLGXC1DM30S0000012,秦PLUS DM-i\n";
        let with_bom = [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat();
        let (gbk, _, _) = encoding_rs::GBK.encode(text);
        let expected = vec![
            vec!["VIN", "车型"],
            vec!["LGXC1DM30S0000012", "秦PLUS DM-i"],
        ];
        for bytes in [text.as_bytes().to_vec(), with_bom, gbk.into_owned()] {
            assert_eq!(
                read_grid(&bytes, Lang::En, Limits::BATCH).unwrap(),
                expected
            );
        }
        let rows: String = (0..5_001).map(|i| format!("V{i}\n")).collect();
        assert!(field_message(read_grid(
            format!("VIN\n{rows}").as_bytes(),
            Lang::En,
            Limits::BATCH
        ))
        .contains("5000"));
    }

    #[test]
    fn a_table_keeps_each_rows_sheet_number_and_orders_take_ten_thousand_rows() {
        let columns = [("手机", "mobile", ""), ("姓名", "name", "")];
        let text =
            "\nname,手机\n张三,13800138000\n,\n\n\"李四\n(二)\",13900139000\n\n王五,13700137000\n";
        let t = Table::read(text.as_bytes(), Lang::En, &columns, &[]).unwrap();
        assert_eq!(
            t.lines,
            [3, 6, 8],
            "blank rows are skipped, not renumbered; a cell's line break is no new row"
        );
        assert_eq!(t.cell(&t.rows[1], 1), "李四\n(二)");
        assert!(t.has(0) && t.has(1));
        let rows: String = (0..10_000).map(|i| format!("1380000{i:04},x\n")).collect();
        let file = format!("mobile,name\n{rows}");
        assert!(Table::read(file.as_bytes(), Lang::En, &columns, &[]).is_err());
        let t = Table::read_with(file.as_bytes(), Lang::En, Limits::ORDERS, &columns, &[]).unwrap();
        assert_eq!(t.rows.len(), 10_000);
        let more = format!("{file}13811112222,y\n");
        let e = Table::read_with(more.as_bytes(), Lang::En, Limits::ORDERS, &columns, &[]);
        assert!(field_message(e.map(|t| t.rows)).contains("10000"));
    }

    #[test]
    fn dimensions_are_read_as_rows_and_columns() {
        assert_eq!(dimension_size("A1:XFD1048576"), Some((1_048_576, 16_384)));
        assert_eq!(dimension_size("B2:C4"), Some((3, 2)));
        assert_eq!(dimension_size("A1"), Some((1, 1)));
        assert_eq!(dimension_size("1A:??"), None);
    }
}
