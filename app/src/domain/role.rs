//! Staff roles. Group-wide roles see every store; the others only their own.

use serde::{Deserialize, Serialize};
use std::{fmt, str::FromStr};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Sales,
    SalesManager,
    GeneralManager,
    InventoryClerk,
    ServiceAdvisor,
    Admin,
}

impl Role {
    pub const ALL: [Role; 6] = [
        Role::Sales,
        Role::SalesManager,
        Role::GeneralManager,
        Role::InventoryClerk,
        Role::ServiceAdvisor,
        Role::Admin,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Role::Sales => "sales",
            Role::SalesManager => "sales_manager",
            Role::GeneralManager => "general_manager",
            Role::InventoryClerk => "inventory_clerk",
            Role::ServiceAdvisor => "service_advisor",
            Role::Admin => "admin",
        }
    }

    /// The i18n key of the role's name.
    pub fn label_key(self) -> &'static str {
        match self {
            Role::Sales => "role.sales",
            Role::SalesManager => "role.sales_manager",
            Role::GeneralManager => "role.general_manager",
            Role::InventoryClerk => "role.inventory_clerk",
            Role::ServiceAdvisor => "role.service_advisor",
            Role::Admin => "role.admin",
        }
    }

    /// Group-wide roles see and change the records of every store.
    pub fn is_group_wide(self) -> bool {
        matches!(self, Role::GeneralManager | Role::Admin)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for Role {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|r| r.code() == s.trim())
            .ok_or_else(|| {
                let codes: Vec<_> = Role::ALL.iter().map(|r| r.code()).collect();
                format!("unknown role {s:?}; expected one of {}", codes.join(", "))
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for r in Role::ALL {
            assert_eq!(r.code().parse::<Role>(), Ok(r));
            assert_eq!(
                serde_json::to_string(&r).unwrap(),
                format!("\"{}\"", r.code())
            );
        }
        assert!("boss"
            .parse::<Role>()
            .unwrap_err()
            .contains("sales_manager"));
    }

    #[test]
    fn only_general_manager_and_admin_are_group_wide() {
        let wide: Vec<_> = Role::ALL
            .into_iter()
            .filter(|r| r.is_group_wide())
            .collect();
        assert_eq!(wide, vec![Role::GeneralManager, Role::Admin]);
    }
}
