//! A vehicle's status (在途 / 在库 / 已预留 / 已售 / 已交付) and the moves between them.

use serde::{Deserialize, Serialize};
use std::{fmt, str::FromStr};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum VehicleStatus {
    InTransit,
    InStock,
    Reserved,
    Sold,
    Delivered,
}

impl VehicleStatus {
    pub const ALL: [VehicleStatus; 5] = [
        VehicleStatus::InTransit,
        VehicleStatus::InStock,
        VehicleStatus::Reserved,
        VehicleStatus::Sold,
        VehicleStatus::Delivered,
    ];

    pub fn code(self) -> &'static str {
        match self {
            VehicleStatus::InTransit => "in_transit",
            VehicleStatus::InStock => "in_stock",
            VehicleStatus::Reserved => "reserved",
            VehicleStatus::Sold => "sold",
            VehicleStatus::Delivered => "delivered",
        }
    }

    pub fn label_key(self) -> &'static str {
        match self {
            VehicleStatus::InTransit => "vehicle.status.in_transit",
            VehicleStatus::InStock => "vehicle.status.in_stock",
            VehicleStatus::Reserved => "vehicle.status.reserved",
            VehicleStatus::Sold => "vehicle.status.sold",
            VehicleStatus::Delivered => "vehicle.status.delivered",
        }
    }

    /// The Chinese label, also accepted when a batch file names a status.
    pub fn label_zh(self) -> &'static str {
        match self {
            VehicleStatus::InTransit => "在途",
            VehicleStatus::InStock => "在库",
            VehicleStatus::Reserved => "已预留",
            VehicleStatus::Sold => "已售",
            VehicleStatus::Delivered => "已交付",
        }
    }

    /// The statuses a vehicle may be taken into stock with.
    pub fn is_intake(self) -> bool {
        matches!(self, VehicleStatus::InTransit | VehicleStatus::InStock)
    }

    /// The statuses a person may move a vehicle to by hand from this one. Moves in and
    /// out of `in_transit` between warehouses belong to transfers, not to this list.
    pub fn next(self) -> &'static [VehicleStatus] {
        use VehicleStatus::*;
        match self {
            InTransit => &[InStock],
            InStock => &[Reserved, Sold],
            Reserved => &[InStock, Sold],
            Sold => &[Delivered],
            Delivered => &[],
        }
    }

    pub fn can_become(self, to: VehicleStatus) -> bool {
        self.next().contains(&to)
    }

    /// The i18n key of the button that makes this move (`to` from `self`).
    pub fn move_key(self, to: VehicleStatus) -> &'static str {
        use VehicleStatus::*;
        match (self, to) {
            (InTransit, InStock) => "vehicle.move.arrive",
            (Reserved, InStock) => "vehicle.move.release",
            (_, Reserved) => "vehicle.move.reserve",
            (_, Sold) => "vehicle.move.sell",
            (_, Delivered) => "vehicle.move.deliver",
            _ => "vehicle.move.other",
        }
    }
}

impl fmt::Display for VehicleStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for VehicleStatus {
    type Err = String;

    /// The code (`in_stock`) or the Chinese label (`在库`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        VehicleStatus::ALL
            .into_iter()
            .find(|v| v.code() == s || v.label_zh() == s)
            .ok_or_else(|| format!("unknown vehicle status {s:?}"))
    }
}

/// Decoding a stored status (`#[sqlx(try_from = "String")]` on row types).
impl TryFrom<String> for VehicleStatus {
    type Error = String;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use VehicleStatus::*;

    #[test]
    fn codes_and_labels_parse_back() {
        for s in VehicleStatus::ALL {
            assert_eq!(s.code().parse::<VehicleStatus>(), Ok(s));
            assert_eq!(s.label_zh().parse::<VehicleStatus>(), Ok(s));
        }
        assert!("stock".parse::<VehicleStatus>().is_err());
    }

    #[test]
    fn the_lifecycle_moves_forward_and_reservations_can_be_released() {
        assert!(InTransit.can_become(InStock));
        assert!(InStock.can_become(Reserved));
        assert!(Reserved.can_become(InStock));
        assert!(Reserved.can_become(Sold));
        assert!(Sold.can_become(Delivered));
        // No going back after a sale, no skipping arrival, nothing after delivery.
        assert!(!Sold.can_become(InStock));
        assert!(!InTransit.can_become(Sold));
        assert!(!InStock.can_become(InTransit));
        assert!(!InStock.can_become(Delivered));
        assert!(Delivered.next().is_empty());
        for s in VehicleStatus::ALL {
            assert!(!s.can_become(s), "{s} to itself");
        }
    }

    #[test]
    fn only_arriving_vehicles_are_taken_in() {
        let intake: Vec<_> = VehicleStatus::ALL
            .into_iter()
            .filter(|s| s.is_intake())
            .collect();
        assert_eq!(intake, vec![InTransit, InStock]);
    }
}
