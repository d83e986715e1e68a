//! Which car to offer for an order of a given specification: one in stock and not held by
//! another order, from the store's own warehouses before another store's (no transfer
//! needed), and the longest in stock first (it costs the dealer most to keep).

use crate::{i18n::Lang, inventory::domain::VehicleStatus};
use serde::{Deserialize, Serialize};

/// A vehicle of the ordered specification, as the service finds it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Candidate {
    pub id: i64,
    pub vin: String,
    pub warehouse_id: i64,
    /// The store the warehouse belongs to.
    pub warehouse_store_id: i64,
    pub warehouse_name: String,
    pub days_in_stock: i64,
    /// Held by an open order already.
    pub held: bool,
    pub status: VehicleStatus,
}

impl Candidate {
    /// Free to offer: in stock and held by no order.
    pub fn available(&self) -> bool {
        !self.held && self.status == VehicleStatus::InStock
    }
}

/// A vehicle free to sell, as the order form offers it: what it is, where it stands and
/// since when, and its list price.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VehiclePick {
    pub id: i64,
    pub vin: String,
    pub model_id: i64,
    pub model_name: String,
    pub trim_id: i64,
    pub trim_name: String,
    pub color_id: i64,
    pub color_name: String,
    pub store_id: i64,
    pub warehouse_name: String,
    pub days_in_stock: i64,
    /// Fen.
    pub list_price: i64,
    /// `在库 94 天, 本店展厅`.
    pub reason: String,
}

impl VehiclePick {
    /// `LGXC…1234 · 秦PLUS 尊贵型 · 雪域白 · 展厅 94 天`: one line of a picker.
    pub fn label(&self, lang: Lang) -> String {
        format!(
            "{} · {} {} · {} · {}",
            self.vin,
            self.model_name,
            self.trim_name,
            self.color_name,
            lang.tf(
                "order.pick_where",
                &[
                    ("warehouse", &self.warehouse_name),
                    ("days", &self.days_in_stock.to_string())
                ]
            )
        )
    }
}

/// The vehicles that may be offered to an order of store `store_id`, best first: the
/// store's own warehouses, then the longest in stock, then the lowest id (so the same
/// stock always gives the same answer).
pub fn rank(candidates: &[Candidate], store_id: i64) -> Vec<&Candidate> {
    let mut free: Vec<&Candidate> = candidates.iter().filter(|c| c.available()).collect();
    free.sort_by_key(|c| {
        (
            c.warehouse_store_id != store_id,
            std::cmp::Reverse(c.days_in_stock),
            c.id,
        )
    });
    free
}

/// The vehicle to offer, and why in words (`在库 94 天, 本店展厅`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Suggestion {
    pub vehicle_id: i64,
    pub vin: String,
    pub reason: String,
}

/// The best vehicle for an order of store `store_id`, if any is free.
pub fn suggest(candidates: &[Candidate], store_id: i64, lang: Lang) -> Option<Suggestion> {
    let best = *rank(candidates, store_id).first()?;
    Some(Suggestion {
        vehicle_id: best.id,
        vin: best.vin.clone(),
        reason: reason(best, store_id, lang),
    })
}

/// Why this vehicle: how long it has stood, and where (another store's needs a transfer).
pub fn reason(c: &Candidate, store_id: i64, lang: Lang) -> String {
    let args = [
        ("days", c.days_in_stock.to_string()),
        ("warehouse", c.warehouse_name.clone()),
    ];
    let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
    if c.warehouse_store_id == store_id {
        lang.tf("order.suggest.own_store", &args)
    } else {
        lang.tf("order.suggest.other_store", &args)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use VehicleStatus::*;

    const STORE: i64 = 1;

    fn car(id: i64, store: i64, days: i64, held: bool, status: VehicleStatus) -> Candidate {
        Candidate {
            id,
            vin: format!("VIN{id}"),
            warehouse_id: store * 10,
            warehouse_store_id: store,
            warehouse_name: if store == STORE {
                "展厅"
            } else {
                "二号库"
            }
            .into(),
            days_in_stock: days,
            held,
            status,
        }
    }

    #[test]
    fn free_cars_of_the_own_store_and_the_oldest_come_first() {
        // (candidates, ids in ranked order)
        let table: [(Vec<Candidate>, Vec<i64>); 6] = [
            (vec![], vec![]),
            (
                vec![
                    car(1, STORE, 10, false, InStock),
                    car(2, STORE, 94, false, InStock),
                ],
                vec![2, 1],
            ),
            (
                vec![
                    car(1, 2, 200, false, InStock),
                    car(2, STORE, 5, false, InStock),
                ],
                vec![2, 1],
            ),
            (
                vec![
                    car(1, STORE, 300, true, InStock),
                    car(2, STORE, 300, false, Reserved),
                    car(3, STORE, 300, false, InTransit),
                    car(4, STORE, 300, false, Sold),
                    car(5, STORE, 300, false, Delivered),
                    car(6, 2, 1, false, InStock),
                ],
                vec![6],
            ),
            (
                vec![
                    car(9, STORE, 30, false, InStock),
                    car(4, STORE, 30, false, InStock),
                ],
                vec![4, 9],
            ),
            (
                vec![
                    car(1, 3, 50, false, InStock),
                    car(2, 2, 80, false, InStock),
                    car(3, STORE, 1, false, InStock),
                    car(4, STORE, 60, false, InStock),
                ],
                vec![4, 3, 2, 1],
            ),
        ];
        for (cars, want) in table {
            let got: Vec<i64> = rank(&cars, STORE).iter().map(|c| c.id).collect();
            assert_eq!(got, want, "{cars:?}");
            assert_eq!(
                suggest(&cars, STORE, Lang::En).map(|s| s.vehicle_id),
                want.first().copied()
            );
        }
    }

    #[test]
    fn the_reason_says_how_long_and_where() {
        let cars = [car(1, STORE, 94, false, InStock)];
        let s = suggest(&cars, STORE, Lang::ZhCn).unwrap();
        assert_eq!(s.reason, "在库 94 天, 本店展厅");
        assert_eq!(s.vin, "VIN1");
        assert_eq!(
            suggest(&cars, STORE, Lang::En).unwrap().reason,
            "In stock 94 days, 展厅 at this store"
        );
        let other = [car(2, 2, 12, false, InStock)];
        assert_eq!(
            suggest(&other, STORE, Lang::ZhCn).unwrap().reason,
            "在库 12 天, 其他门店二号库（需调拨）"
        );
        assert_eq!(
            suggest(&other, STORE, Lang::En).unwrap().reason,
            "In stock 12 days, 二号库 at another store (needs a transfer)"
        );
    }
}
