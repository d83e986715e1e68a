//! The `coded!` enums of the CRM domain.

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

#[cfg(test)]
mod tests {
    use crate::crm::domain::{
        customer::{CustomerKind, Fuel, Source, Timeframe},
        follow_up::{Channel, DueView, PlanTemplate},
        lead::{LeadStage, LostReason, NextFollowUp},
    };

    /// A coded value travels (JSON, query strings) by the same code it is stored by.
    fn same<
        T: serde::Serialize + serde::de::DeserializeOwned + PartialEq + std::fmt::Debug + Copy,
    >(
        all: &[T],
        code: fn(T) -> &'static str,
    ) {
        for v in all {
            let json = serde_json::to_string(v).unwrap();
            assert_eq!(json, format!("\"{}\"", code(*v)));
            assert_eq!(serde_json::from_str::<T>(&json).unwrap(), *v);
        }
    }

    #[test]
    fn every_coded_value_is_sent_by_its_code() {
        same(CustomerKind::ALL, CustomerKind::code);
        same(Source::ALL, Source::code);
        same(Fuel::ALL, Fuel::code);
        same(Timeframe::ALL, Timeframe::code);
        same(Channel::ALL, Channel::code);
        same(DueView::ALL, DueView::code);
        same(PlanTemplate::ALL, PlanTemplate::code);
        same(LeadStage::ALL, LeadStage::code);
        same(LostReason::ALL, LostReason::code);
        same(NextFollowUp::ALL, NextFollowUp::code);
    }
}
