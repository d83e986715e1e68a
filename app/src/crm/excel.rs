//! Customer spreadsheets: the list as .xlsx, the import template, and reading a filled-in
//! template back through the bounded reader ([`crate::import`]).

use super::domain::{
    customer::{CustomerInput, CustomerItem, Fuel, Source},
    lead::LeadItem,
};
use crate::{
    error::AppError,
    i18n::Lang,
    inventory::excel::{header, xlsx_err},
};
use rust_xlsxwriter::{Workbook, XlsxError};

/// The template's columns: (Chinese header, English header, example).
pub const COLUMNS: [(&str, &str, &str); 12] = [
    ("姓名", "name", "张三"),
    ("手机号", "mobile", "138 0013 8000"),
    ("客户类型", "kind", "个人"),
    ("客户来源", "source", "到店"),
    ("微信号", "wechat", "zhangsan_88"),
    ("备用电话", "phone2", ""),
    ("地址", "address", "上海市浦东新区"),
    ("意向车型", "preferred_models", "秦PLUS DM-i"),
    ("预算", "budget", "15-20万"),
    ("动力类型", "fuel", "混动"),
    ("标签", "tags", "老客户,二胎"),
    ("备注", "notes", ""),
];

/// The most customers one file may bring.
pub const MAX_ROWS: usize = 5_000;

pub fn template() -> Result<Vec<u8>, AppError> {
    let build = || -> Result<Vec<u8>, XlsxError> {
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet();
        ws.set_name("客户导入")?;
        let labels: Vec<&str> = COLUMNS.iter().map(|(zh, _, _)| *zh).collect();
        header(ws, &labels)?;
        for (c, (_, _, example)) in COLUMNS.iter().enumerate() {
            ws.write_string(1, c as u16, *example)?;
        }
        wb.save_to_buffer()
    };
    build().map_err(xlsx_err)
}

pub fn customers(rows: &[CustomerItem], lang: Lang) -> Result<Vec<u8>, AppError> {
    let build = || -> Result<Vec<u8>, XlsxError> {
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet();
        ws.set_name(lang.t("crm.customers"))?;
        header(
            ws,
            &[
                lang.t("customer.name"),
                lang.t("customer.mobile"),
                lang.t("customer.owner"),
                lang.t("customer.store"),
                lang.t("lead.stage"),
                lang.t("customer.consent"),
            ],
        )?;
        for (i, c) in rows.iter().enumerate() {
            let r = i as u32 + 1;
            ws.write_string(r, 0, &c.name)?;
            ws.write_string(r, 1, &c.mobile)?;
            ws.write_string(r, 2, c.owner_name.clone().unwrap_or_default())?;
            ws.write_string(r, 3, &c.store_name)?;
            let stage = c
                .stage
                .as_deref()
                .and_then(super::domain::LeadStage::parse)
                .map(|s| lang.t(s.label_key()))
                .unwrap_or_default();
            ws.write_string(r, 4, stage)?;
            ws.write_string(
                r,
                5,
                lang.t(if c.consent { "common.yes" } else { "common.no" }),
            )?;
        }
        if !rows.is_empty() {
            ws.autofilter(0, 0, rows.len() as u32, 5)?;
        }
        wb.save_to_buffer()
    };
    build().map_err(xlsx_err)
}

/// The lead list as filtered: customer, stage, owner, source, last contact, next
/// follow-up, and a lost lead's reason (times in the stores' local time).
pub fn leads(rows: &[LeadItem], lang: Lang) -> Result<Vec<u8>, AppError> {
    let build = || -> Result<Vec<u8>, XlsxError> {
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet();
        ws.set_name(lang.t("crm.lead_list"))?;
        header(
            ws,
            &[
                lang.t("customer.name"),
                lang.t("lead.stage"),
                lang.t("customer.owner"),
                lang.t("customer.source"),
                lang.t("lead.last_contact"),
                lang.t("follow_up.next"),
                lang.t("lead.lost_reason"),
                lang.t("lead.updated"),
            ],
        )?;
        let time = |ms: Option<i64>| ms.map(crate::clock::local_time).unwrap_or_default();
        for (i, item) in rows.iter().enumerate() {
            let (r, l) = (i as u32 + 1, &item.lead);
            ws.write_string(r, 0, &l.customer_name)?;
            ws.write_string(r, 1, lang.t(l.stage.label_key()))?;
            ws.write_string(r, 2, l.owner_name.clone().unwrap_or_default())?;
            ws.write_string(r, 3, lang.t(item.source.label_key()))?;
            let contact = match l.last_contact_at {
                Some(at) => crate::clock::local_time(at),
                None => lang.t("lead.never").to_owned(),
            };
            ws.write_string(r, 4, contact)?;
            ws.write_string(r, 5, time(item.next_due_at))?;
            let reason = super::domain::LostReason::parse(&l.lost_reason)
                .map(|r| lang.t(r.label_key()))
                .unwrap_or_default();
            ws.write_string(r, 6, reason)?;
            ws.write_string(r, 7, time(Some(l.updated_at)))?;
        }
        if !rows.is_empty() {
            ws.autofilter(0, 0, rows.len() as u32, 7)?;
        }
        wb.save_to_buffer()
    };
    build().map_err(xlsx_err)
}

/// A Chinese label or a code, as a person fills the template: 个人 / 企业, 到店 / 电话 …
fn code_of(value: &str, pairs: &[(&str, &str)]) -> String {
    let v = value.trim();
    pairs
        .iter()
        .find(|(zh, code)| v == *zh || v.eq_ignore_ascii_case(code))
        .map(|(_, code)| (*code).to_owned())
        .unwrap_or_else(|| v.to_owned())
}

/// Reads a filled-in template (.xlsx first sheet, or .csv in UTF-8 or GBK). Headers may be
/// the Chinese or the English ones, in any order; blank rows are skipped; cell problems
/// are left to each row's check.
pub fn read(bytes: &[u8], lang: Lang) -> Result<Vec<CustomerInput>, AppError> {
    // Only the name and the mobile must have a column.
    let optional: Vec<&str> = COLUMNS.iter().skip(2).map(|(_, en, _)| *en).collect();
    let t = crate::import::Table::read(bytes, lang, &COLUMNS, &optional)?;
    let cell = |row: &[String], k: usize| t.cell(row, k);
    let kinds = [("个人", "person"), ("企业", "company"), ("公司", "company")];
    let sources: Vec<(&str, &str)> = Source::ALL
        .iter()
        .map(|s| (source_zh(*s), s.code()))
        .collect();
    let fuels: Vec<(&str, &str)> = Fuel::ALL.iter().map(|f| (fuel_zh(*f), f.code())).collect();
    let out: Vec<CustomerInput> = t
        .rows
        .iter()
        .take(MAX_ROWS + 1)
        .map(|r| CustomerInput {
            name: cell(r, 0),
            mobile: cell(r, 1),
            kind: code_of(&cell(r, 2), &kinds),
            source: code_of(&cell(r, 3), &sources),
            wechat: cell(r, 4),
            phone2: cell(r, 5),
            address: cell(r, 6),
            preferred_models: cell(r, 7),
            budget: cell(r, 8),
            fuel: code_of(&cell(r, 9), &fuels),
            tags: cell(r, 10),
            notes: cell(r, 11),
            ..Default::default()
        })
        .collect();
    if out.len() > MAX_ROWS {
        return Err(AppError::invalid(
            "file",
            lang.tf("crm.import_too_big", &[("max", &MAX_ROWS.to_string())]),
        ));
    }
    Ok(out)
}

fn source_zh(s: Source) -> &'static str {
    match s {
        Source::WalkIn => "到店",
        Source::Phone => "电话",
        Source::Website => "网站",
        Source::Referral => "转介绍",
        Source::AutoShow => "车展",
        Source::Api => "API",
    }
}

fn fuel_zh(f: Fuel) -> &'static str {
    match f {
        Fuel::Petrol => "燃油",
        Fuel::Hybrid => "混动",
        Fuel::Electric => "纯电",
    }
}
