//! The role × action table: the one place that says which role may do what. Every
//! server function and REST handler asks it through `Principal::require`, and the tests
//! walk it to check each pair.

use crate::domain::Role;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Action {
    /// The home page and its counts.
    ViewDashboard,
    /// Read the catalog, stores and warehouses.
    ViewReferenceData,
    /// Create, disable and change users.
    ManageUsers,
    /// Create and change stores and warehouses.
    ManageStores,
    /// Create and revoke API keys.
    ManageApiKeys,
    /// Read the audit log.
    ViewAuditLog,
}

impl Action {
    pub const ALL: [Action; 6] = [
        Action::ViewDashboard,
        Action::ViewReferenceData,
        Action::ManageUsers,
        Action::ManageStores,
        Action::ManageApiKeys,
        Action::ViewAuditLog,
    ];
}

/// May `role` do `action` at all? (Whether to *this* record is the store check.)
pub fn allowed(role: Role, action: Action) -> bool {
    use Action::*;
    use Role::*;
    match action {
        ViewDashboard | ViewReferenceData => true,
        ManageUsers | ManageStores | ManageApiKeys => role == Admin,
        ViewAuditLog => matches!(role, Admin | GeneralManager),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn administration_is_for_admins_only() {
        for role in Role::ALL {
            for action in [
                Action::ManageUsers,
                Action::ManageStores,
                Action::ManageApiKeys,
            ] {
                assert_eq!(
                    allowed(role, action),
                    role == Role::Admin,
                    "{role:?} {action:?}"
                );
            }
            assert!(allowed(role, Action::ViewDashboard));
        }
        assert!(allowed(Role::GeneralManager, Action::ViewAuditLog));
        assert!(!allowed(Role::Sales, Action::ViewAuditLog));
    }
}
