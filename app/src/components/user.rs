//! The signed-in user, fetched once per page load by the frame and read by every page
//! that shows buttons by role.

use crate::{
    auth::{allowed, login::current_user, Action, UserInfo},
    error::AppError,
};
use leptos::prelude::*;

#[derive(Clone, Copy)]
pub struct CurrentUser(pub Resource<Result<Option<UserInfo>, AppError>>);

impl CurrentUser {
    /// May the signed-in user do `action`? (`false` while no one is signed in.)
    pub async fn may(self, action: Action) -> bool {
        self.0
            .await
            .ok()
            .flatten()
            .is_some_and(|u| allowed(u.role, action))
    }
}

/// Fetches the signed-in user for everything below (the frame calls it once).
pub fn provide_current_user() -> CurrentUser {
    let user = CurrentUser(Resource::new(|| (), |_| current_user()));
    provide_context(user);
    user
}

/// The signed-in user, as the frame fetched it.
pub fn use_current_user() -> CurrentUser {
    use_context::<CurrentUser>().unwrap_or_else(provide_current_user)
}
