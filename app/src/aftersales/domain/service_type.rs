//! What a customer books a visit for.

use crate::domain::coded::coded;

coded!(
    /// The kind of visit (服务类型): each may have bays of its own, or share the store's.
    ServiceType, "service.type", {
        Maintenance = "maintenance",
        Repair = "repair",
        Inspection = "inspection",
        Tyres = "tyres",
        Warranty = "warranty",
        BodyPaint = "body_paint",
    }
);

/// The pool of the store's shared bays.
pub const SHARED_POOL: &str = "shared";
