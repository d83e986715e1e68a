//! The inventory pages, one per file: 库存查询 (live matrix), 车辆列表, 车辆入库,
//! 库存预警, 库存调拨.

pub mod alerts;
pub mod intake;
pub mod stock;
pub mod transfers;
pub mod vehicles;

use leptos::prelude::With;
use leptos_router::hooks::use_query_map;

/// A query parameter of the page's address, if present and not blank.
pub(crate) fn query(name: &'static str) -> impl Fn() -> Option<String> + Copy {
    let q = use_query_map();
    move || q.with(|q| q.get(name)).filter(|v| !v.trim().is_empty())
}
