//! The caller of a request: a signed-in staff member or an integration's API key.

use super::permissions::{allowed, Action};
use crate::{domain::Role, error::AppError, i18n::Lang};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Principal {
    pub user_id: Option<i64>,
    pub api_key_id: Option<i64>,
    /// Username, or the API key's name.
    pub name: String,
    pub display_name: String,
    pub role: Role,
    pub store_id: Option<i64>,
}

impl Principal {
    /// A label for the audit log: `user:zhang.wei` or `api_key:dms-sync`.
    pub fn audit_label(&self) -> String {
        match self.api_key_id {
            Some(_) => format!("api_key:{}", self.name),
            None => format!("user:{}", self.name),
        }
    }

    /// Refuses with 403 unless this role may do `action`.
    pub fn require(&self, action: Action, lang: Lang) -> Result<(), AppError> {
        if allowed(self.role, action) {
            Ok(())
        } else {
            Err(AppError::Forbidden(lang.tf(
                "error.forbidden_action",
                &[("role", lang.t(self.role.label_key()))],
            )))
        }
    }

    /// May this caller see and change records of `store_id`?
    pub fn can_access_store(&self, store_id: i64) -> bool {
        self.role.is_group_wide() || self.store_id == Some(store_id)
    }

    /// The store filter for lists: `None` for group-wide roles (every store).
    pub fn store_scope(&self) -> Option<i64> {
        if self.role.is_group_wide() {
            None
        } else {
            // A store-bound role without a store sees nothing rather than everything.
            Some(self.store_id.unwrap_or(-1))
        }
    }
}

/// What the browser knows of the signed-in user.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserInfo {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub store_id: Option<i64>,
    pub store_name: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(role: Role, store: Option<i64>) -> Principal {
        Principal {
            user_id: Some(1),
            api_key_id: None,
            name: "u".into(),
            display_name: "U".into(),
            role,
            store_id: store,
        }
    }

    #[test]
    fn store_bound_roles_see_only_their_store() {
        let sales = user(Role::Sales, Some(1));
        assert!(sales.can_access_store(1));
        assert!(!sales.can_access_store(2));
        assert_eq!(sales.store_scope(), Some(1));

        let gm = user(Role::GeneralManager, None);
        assert!(gm.can_access_store(2));
        assert_eq!(gm.store_scope(), None);

        let lost = user(Role::Sales, None);
        assert_eq!(lost.store_scope(), Some(-1));
        assert!(!lost.can_access_store(1));
    }

    #[test]
    fn require_names_the_role_when_it_refuses() {
        let sales = user(Role::Sales, Some(1));
        let err = sales.require(Action::ManageUsers, Lang::En).unwrap_err();
        assert_eq!(err.status_code(), 403);
        assert!(err.to_string().contains("Sales consultant"), "{err}");
    }
}
