//! The `coded!` enums of the CRM domain (the macro lives in `crate::domain::coded`).

pub(crate) use crate::domain::coded::coded;

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
