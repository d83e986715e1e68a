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
    /// Look up stock: the matrix, the vehicle list, alerts and transfers.
    ViewStock,
    /// Take vehicles into stock (single form, batch file, API).
    IntakeVehicles,
    /// Move a vehicle along its status (arrive, reserve, release, sell, deliver).
    ChangeVehicleStatus,
    /// Set low / high stock thresholds.
    ManageThresholds,
    /// Ask for vehicles to move between warehouses, and cancel one's request.
    RequestTransfer,
    /// Approve or reject a transfer request.
    ApproveTransfer,
    /// Send approved transfers off and receive them at the other end.
    MoveTransfer,
    /// Look up customers, their leads and follow-ups (a salesperson: their own and the
    /// store's unassigned ones; a manager: the store's; group roles: all).
    ViewCustomers,
    /// Create and change customers, move their leads, plan and complete follow-ups.
    EditCustomers,
    /// Merge two profiles of one customer, and give a customer to another salesperson.
    MergeCustomers,
    /// Look up orders (a salesperson: the orders they sell or entered; a manager: the
    /// store's; group roles: all), and a store's approval rules.
    ViewOrders,
    /// Enter and change orders, submit them for approval, hold a vehicle, take payments,
    /// ship, complete and cancel — on the orders the caller may see.
    EditOrders,
    /// Decide an approval level of an order (which levels, by the store's rules).
    ApproveOrders,
    /// Set a store's approval rules.
    ManageApprovalRules,
    /// The service desk (服务台): a store's appointments, its day and week calendar, its
    /// booking capacity.
    ViewService,
    /// Book for a customer, add walk-ins, check in, start, complete, mark no-shows and
    /// cancel appointments.
    EditAppointments,
    /// Set a store's booking capacity (工位与时段): hours, slot length, bays, closed days.
    ManageServiceCapacity,
    /// Read a store's complaints (投诉), their timelines, the escalated list, and the
    /// satisfaction ratings (满意度) with their scores.
    ViewComplaints,
    /// Enter complaints, take them up, assign, resolve, close and reopen them.
    HandleComplaints,
    /// Set a store's response hours per severity.
    ManageComplaintRules,
    /// Read the reports (a store-bound role: its own store's) and the forecast.
    ViewAnalytics,
    /// See cost and gross margin in the reports.
    ViewMargins,
    /// Set the stores' monthly sales targets and the analytics settings (holding cost).
    ManageTargets,
}

impl Action {
    pub const ALL: [Action; 29] = [
        Action::ViewDashboard,
        Action::ViewReferenceData,
        Action::ManageUsers,
        Action::ManageStores,
        Action::ManageApiKeys,
        Action::ViewAuditLog,
        Action::ViewStock,
        Action::IntakeVehicles,
        Action::ChangeVehicleStatus,
        Action::ManageThresholds,
        Action::RequestTransfer,
        Action::ApproveTransfer,
        Action::MoveTransfer,
        Action::ViewCustomers,
        Action::EditCustomers,
        Action::MergeCustomers,
        Action::ViewOrders,
        Action::EditOrders,
        Action::ApproveOrders,
        Action::ManageApprovalRules,
        Action::ViewService,
        Action::EditAppointments,
        Action::ManageServiceCapacity,
        Action::ViewComplaints,
        Action::HandleComplaints,
        Action::ManageComplaintRules,
        Action::ViewAnalytics,
        Action::ViewMargins,
        Action::ManageTargets,
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
        ViewStock => true,
        IntakeVehicles | MoveTransfer => matches!(role, InventoryClerk | Admin),
        ChangeVehicleStatus => matches!(role, InventoryClerk | SalesManager | Admin),
        ManageThresholds | ApproveTransfer => matches!(role, SalesManager | GeneralManager | Admin),
        RequestTransfer => matches!(role, InventoryClerk | SalesManager | GeneralManager | Admin),
        ViewCustomers | EditCustomers => {
            matches!(role, Sales | SalesManager | GeneralManager | Admin)
        }
        MergeCustomers => matches!(role, SalesManager | GeneralManager | Admin),
        ViewOrders | EditOrders => matches!(role, Sales | SalesManager | GeneralManager | Admin),
        ApproveOrders => matches!(role, SalesManager | GeneralManager),
        ManageApprovalRules => role == Admin,
        ViewService | ManageServiceCapacity => {
            matches!(role, ServiceAdvisor | SalesManager | GeneralManager | Admin)
        }
        EditAppointments => matches!(role, ServiceAdvisor | SalesManager | GeneralManager),
        // The staff who meet customers, and their managers.
        ViewComplaints | HandleComplaints => {
            matches!(role, ServiceAdvisor | Sales | SalesManager | GeneralManager)
        }
        ManageComplaintRules => matches!(role, SalesManager | GeneralManager),
        ViewAnalytics => matches!(role, SalesManager | GeneralManager | InventoryClerk | Admin),
        // Gross profit is the group's management's figure.
        ViewMargins => matches!(role, GeneralManager | Admin),
        // The group's management sets what each store is to sell.
        ManageTargets => matches!(role, GeneralManager | Admin),
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

    #[test]
    fn stock_is_read_by_all_and_changed_by_the_stock_roles() {
        for role in Role::ALL {
            assert!(allowed(role, Action::ViewStock));
        }
        assert!(allowed(Role::InventoryClerk, Action::IntakeVehicles));
        assert!(!allowed(Role::Sales, Action::IntakeVehicles));
        assert!(!allowed(Role::Sales, Action::ManageThresholds));
        assert!(allowed(Role::GeneralManager, Action::ManageThresholds));
        assert!(!allowed(Role::InventoryClerk, Action::ApproveTransfer));
        assert!(allowed(Role::SalesManager, Action::ApproveTransfer));
        assert!(!allowed(Role::ServiceAdvisor, Action::RequestTransfer));
    }

    #[test]
    fn customers_are_for_the_sales_side() {
        for action in [Action::ViewCustomers, Action::EditCustomers] {
            assert!(allowed(Role::Sales, action));
            assert!(allowed(Role::SalesManager, action));
            assert!(allowed(Role::GeneralManager, action));
            assert!(!allowed(Role::InventoryClerk, action));
        }
        assert!(!allowed(Role::Sales, Action::MergeCustomers));
        assert!(allowed(Role::SalesManager, Action::MergeCustomers));
    }

    #[test]
    fn reports_are_for_managers_and_stock_and_margins_for_the_group() {
        for role in Role::ALL {
            let reports = matches!(
                role,
                Role::SalesManager | Role::GeneralManager | Role::InventoryClerk | Role::Admin
            );
            assert_eq!(allowed(role, Action::ViewAnalytics), reports, "{role:?}");
            assert_eq!(
                allowed(role, Action::ViewMargins),
                matches!(role, Role::GeneralManager | Role::Admin),
                "{role:?}"
            );
            assert_eq!(
                allowed(role, Action::ManageTargets),
                matches!(role, Role::GeneralManager | Role::Admin),
                "{role:?}"
            );
        }
    }

    #[test]
    fn the_service_desk_is_for_advisors_and_managers() {
        for role in Role::ALL {
            let desk = matches!(
                role,
                Role::ServiceAdvisor | Role::SalesManager | Role::GeneralManager
            );
            assert_eq!(allowed(role, Action::EditAppointments), desk, "{role:?}");
            assert_eq!(
                allowed(role, Action::ViewService),
                desk || role == Role::Admin,
                "{role:?}"
            );
        }
        assert!(allowed(Role::ServiceAdvisor, Action::ManageServiceCapacity));
        assert!(!allowed(Role::Sales, Action::ManageServiceCapacity));
        assert!(!allowed(Role::InventoryClerk, Action::ViewService));
    }

    #[test]
    fn complaints_are_for_those_who_meet_customers() {
        for role in Role::ALL {
            let front = matches!(
                role,
                Role::ServiceAdvisor | Role::Sales | Role::SalesManager | Role::GeneralManager
            );
            assert_eq!(allowed(role, Action::ViewComplaints), front, "{role:?}");
            assert_eq!(allowed(role, Action::HandleComplaints), front, "{role:?}");
            assert_eq!(
                allowed(role, Action::ManageComplaintRules),
                matches!(role, Role::SalesManager | Role::GeneralManager),
                "{role:?}"
            );
        }
    }

    #[test]
    fn orders_are_for_the_sales_side_and_approved_by_managers() {
        for role in Role::ALL {
            let sales_side = matches!(
                role,
                Role::Sales | Role::SalesManager | Role::GeneralManager | Role::Admin
            );
            assert_eq!(allowed(role, Action::ViewOrders), sales_side, "{role:?}");
            assert_eq!(allowed(role, Action::EditOrders), sales_side, "{role:?}");
            // Exactly the roles the approval rules may name decide, and the administrator
            // sets the rules but decides nothing.
            assert_eq!(
                allowed(role, Action::ApproveOrders),
                crate::orders::domain::approval::approval_rank(role) > 0,
                "{role:?}"
            );
            assert_eq!(
                allowed(role, Action::ManageApprovalRules),
                role == Role::Admin
            );
        }
    }
}
