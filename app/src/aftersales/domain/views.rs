//! What the booking page, the desk and the API show of appointments: shapes shared by the
//! server and the browser.

use super::{
    appointment::{AppointmentRow, AppointmentStatus},
    service_type::ServiceType,
};
use serde::{Deserialize, Serialize};

/// An appointment as its customer sees it (no staff data: no advisor, no notes).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CustomerView {
    pub code: String,
    pub store_id: i64,
    pub store_name: String,
    pub store_address: String,
    pub store_phone: String,
    pub service_type: ServiceType,
    pub day: String,
    pub time: String,
    pub starts_at: i64,
    pub ends_at: i64,
    pub status: AppointmentStatus,
    pub name: String,
    /// The mobile masked (`138****8000`).
    pub mobile: String,
    pub plate: String,
    /// May it still be changed or cancelled online (booked, and not yet begun)?
    pub changeable: bool,
}

/// An appointment on the desk, with the names it needs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct DeskAppointment {
    #[serde(flatten)]
    pub row: AppointmentRow,
    pub advisor_name: Option<String>,
    pub time: String,
    /// A completed visit's rating link for the desk to hand over.
    #[serde(default)]
    pub rating: Option<RatingLink>,
}

/// The rating (满意度) link of a completed visit: `/rate/{token}`, and whether the customer
/// answered.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RatingLink {
    pub url: String,
    pub answered: bool,
}

/// The places of one pool in one slot.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PoolLoad {
    pub pool: String,
    pub booked: i64,
    pub places: i64,
}

/// A member of staff, by id and name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema, sqlx::FromRow))]
pub struct Person {
    pub id: i64,
    pub name: String,
}

/// One slot of the desk's day: its time, the load of each pool and who holds it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct DeskSlot {
    pub start_min: i64,
    pub time: String,
    /// Each pool with bays: its places taken and places.
    pub load: Vec<PoolLoad>,
    pub appointments: Vec<DeskAppointment>,
}

/// A store's day at the desk.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct DeskDay {
    pub store_id: i64,
    pub day: String,
    pub closed: bool,
    pub slots: Vec<DeskSlot>,
    /// Walk-ins and appointments outside the day's slots (hours changed since).
    pub other: Vec<DeskAppointment>,
    /// The store's service advisors, for the check-in form.
    pub advisors: Vec<Person>,
}

/// One day of the desk's week: places booked against places, and appointments by status.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct WeekDay {
    pub day: String,
    pub closed: bool,
    pub booked: i64,
    pub places: i64,
    pub by_status: Vec<(String, i64)>,
}

/// The desk's day page: the day and the stores the caller may pick.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeskView {
    pub day: DeskDay,
    pub stores: Vec<(i64, String)>,
}

/// The desk's week page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WeekView {
    pub store_id: i64,
    pub monday: String,
    pub days: Vec<WeekDay>,
    pub stores: Vec<(i64, String)>,
}
