//! A report's table as data: headings and typed cells (text, counts, money in fen, shares
//! in per mille, decimals). The page draws it with [`SheetTable`]; the .xlsx export writes
//! the same sheets with their types, so what a manager downloads is what the page shows.

use crate::i18n::{use_lang, Lang};
use leptos::prelude::*;

/// One cell.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    Text(String),
    /// A link on the page; its text in the workbook.
    Link(String, String),
    Int(i64),
    /// Money in fen, shown in yuan.
    Fen(i64),
    /// A share or change in per mille, shown as a percent to one decimal; none: "—".
    Permille(Option<i64>),
    /// A decimal to one place (days, times a year); none: "—".
    Num(Option<f64>),
    /// A duration in hours, shown as hours under two days and days beyond; hours in the
    /// workbook. None: "—".
    Hours(Option<f64>),
}

impl Cell {
    pub fn text(s: impl Into<String>) -> Cell {
        Cell::Text(s.into())
    }

    /// As the page writes it.
    pub fn shown(&self, lang: Lang) -> String {
        match self {
            Cell::Hours(h) => duration(*h, lang),
            Cell::Text(s) | Cell::Link(s, _) => s.clone(),
            Cell::Int(n) => group(*n),
            Cell::Fen(f) => crate::domain::Money::from_fen(*f).to_string(),
            Cell::Permille(p) => percent(*p),
            Cell::Num(n) => n.map(|n| format!("{n:.1}")).unwrap_or_else(|| "—".into()),
        }
    }

    /// Numbers align right.
    pub fn is_number(&self) -> bool {
        !matches!(self, Cell::Text(_) | Cell::Link(..))
    }
}

/// Hours as a person reads them: `5.5 小时` under two days, else `3.2 天`; none: "—".
pub fn duration(hours: Option<f64>, lang: Lang) -> String {
    match hours {
        None => "—".to_owned(),
        Some(h) if h < 48.0 => lang.tf("analytics.hours", &[("n", &format!("{h:.1}"))]),
        Some(h) => lang.tf("analytics.days", &[("n", &format!("{:.1}", h / 24.0))]),
    }
}

/// `12,345`.
pub fn group(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Per mille as a percent to one decimal: `62.5%`; none: "—".
pub fn percent(p: Option<i64>) -> String {
    match p {
        None => "—".into(),
        Some(p) => format!(
            "{}{}.{}%",
            if p < 0 { "-" } else { "" },
            p.abs() / 10,
            p.abs() % 10
        ),
    }
}

/// A change in per mille with its sign: `+12.5%`, `-3.0%`; none: "—".
pub fn signed_percent(p: Option<i64>) -> String {
    match p {
        Some(p) if p > 0 => format!("+{}", percent(Some(p))),
        other => percent(other),
    }
}

/// One table of a report.
#[derive(Clone, Debug, PartialEq)]
pub struct Sheet {
    /// Names the table on the page (`data-testid`) and is unique in its report.
    pub id: &'static str,
    pub title: String,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

/// A report's table in its card.
#[component]
pub fn SheetTable(
    sheet: Sheet,
    /// Shown instead of the table when it has no rows.
    empty: &'static str,
) -> impl IntoView {
    let Sheet {
        id,
        title,
        columns,
        rows,
    } = sheet;
    let lang = use_lang();
    let numeric: Vec<bool> = (0..columns.len())
        .map(|c| rows.iter().any(|r| r.get(c).is_some_and(Cell::is_number)))
        .collect();
    let body = if rows.is_empty() {
        view! { <p class="muted empty" data-testid=id>{empty}</p> }.into_any()
    } else {
        view! {
            <div class="table-wrap">
                <table class="table" data-testid=id>
                    <thead><tr>{columns.into_iter().enumerate().map(|(i, c)| {
                        let num = numeric.get(i).copied().unwrap_or(false);
                        view! { <th class:num=num scope="col">{c}</th> }
                    }).collect_view()}</tr></thead>
                    <tbody>{rows.into_iter().map(|r| view! {
                        <tr>{r.into_iter().map(|c| {
                            let num = c.is_number();
                            match c {
                                Cell::Link(text, href) => view! { <td><a href=href>{text}</a></td> }.into_any(),
                                c => view! { <td class:num=num>{c.shown(lang)}</td> }.into_any(),
                            }
                        }).collect_view()}</tr>
                    }).collect_view()}</tbody>
                </table>
            </div>
        }
        .into_any()
    };
    view! {
        <section class="card">
            <h2>{title}</h2>
            {body}
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_written_as_the_page_shows_them() {
        let l = Lang::ZhCn;
        assert_eq!(Cell::Int(1_234_567).shown(l), "1,234,567");
        assert_eq!(Cell::Int(-1_000).shown(l), "-1,000");
        assert_eq!(Cell::Fen(15_980_000).shown(l), "¥159,800.00");
        assert_eq!(Cell::Permille(Some(625)).shown(l), "62.5%");
        assert_eq!(Cell::Permille(Some(-30)).shown(l), "-3.0%");
        assert_eq!(Cell::Permille(None).shown(l), "—");
        assert_eq!(Cell::Num(Some(3.26)).shown(l), "3.3");
        assert_eq!(Cell::Num(None).shown(l), "—");
        assert_eq!(Cell::Hours(Some(5.5)).shown(l), "5.5 小时");
        assert_eq!(Cell::Hours(Some(72.0)).shown(l), "3.0 天");
        assert_eq!(duration(Some(76.8), Lang::En), "3.2 days");
        assert_eq!(duration(None, Lang::En), "—");
        assert_eq!(signed_percent(Some(125)), "+12.5%");
        assert_eq!(signed_percent(Some(0)), "0.0%");
        assert!(Cell::Fen(1).is_number());
        assert!(!Cell::Link("a".into(), "/".into()).is_number());
    }
}
