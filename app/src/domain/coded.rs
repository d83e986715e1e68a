//! Enums stored and sent by a short code and shown by a translation key, as every module's
//! statuses and choices are (lead stages, order statuses, payment methods…).

/// An enum stored and sent by a short code, shown by a translation key: its `ALL`, `code`,
/// `label_key`, `parse` and the `TryFrom<String>` rows decode with.
macro_rules! coded {
    ($(#[$meta:meta])* $name:ident, $prefix:literal, { $($variant:ident = $code:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        #[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            pub fn label_key(self) -> &'static str {
                match self { $($name::$variant => concat!($prefix, ".", $code)),+ }
            }

            pub fn parse(s: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|v| v.code() == s.trim())
            }
        }

        impl TryFrom<String> for $name {
            type Error = String;

            fn try_from(s: String) -> Result<Self, Self::Error> {
                Self::parse(&s).ok_or_else(|| format!(concat!("unknown ", stringify!($name), " {:?}"), s))
            }
        }
    };
}
pub(crate) use coded;
