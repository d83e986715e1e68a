//! An order's status (草稿 → 待审核 → 已审核 → 已发货 → 已完成, or 已驳回 / 已取消) and the
//! moves between them; and the coded choices an order is made of: how the customer pays,
//! by what means, and what is sold with the car.

use crate::{domain::coded::coded, error::AppError, i18n::Lang};

coded!(
    /// Where an order stands.
    OrderStatus, "order.status", {
        Draft = "draft",
        PendingApproval = "pending_approval",
        Approved = "approved",
        Shipped = "shipped",
        Completed = "completed",
        Rejected = "rejected",
        Cancelled = "cancelled",
    }
);

coded!(
    /// How the customer pays for the car: at once, with a bank loan, or in instalments.
    PaymentType, "order.payment_type", {
        Full = "full",
        Loan = "loan",
        Instalment = "instalment",
    }
);

coded!(
    /// How one payment (a deposit, a balance, a refund) was made.
    PaymentMethod, "order.payment_method", {
        Cash = "cash",
        Card = "card",
        Transfer = "transfer",
        Wechat = "wechat",
        Alipay = "alipay",
    }
);

coded!(
    /// What an extra line of the order sells besides the car.
    ExtraKind, "order.extra", {
        Accessory = "accessory",
        Insurance = "insurance",
        Registration = "registration",
        Warranty = "warranty",
        Other = "other",
    }
);

impl OrderStatus {
    /// The statuses an order may move to from this one.
    ///
    /// A draft is submitted or dropped; an order waiting for approval is approved,
    /// rejected or cancelled; an approved order ships, is cancelled, or goes back for
    /// approval when a change needs it; a rejected order returns to its author as a draft
    /// (or is cancelled); a shipped order completes on delivery. Completed and cancelled
    /// orders are final.
    pub fn moves(self) -> &'static [OrderStatus] {
        use OrderStatus::*;
        match self {
            Draft => &[PendingApproval, Cancelled],
            PendingApproval => &[Approved, Rejected, Cancelled],
            Approved => &[PendingApproval, Shipped, Cancelled],
            Rejected => &[Draft, Cancelled],
            Shipped => &[Completed],
            Completed | Cancelled => &[],
        }
    }

    pub fn can_move_to(self, to: OrderStatus) -> bool {
        self.moves().contains(&to)
    }

    /// The order may hold its vehicle: no other order may hold or sell that VIN. A draft
    /// holds one only as a timed hold with a deposit; from approval on it always does, until
    /// the car is handed over. A rejection sends the order back to its author and frees
    /// the car, as a cancellation does; a completed order's car is delivered, no longer
    /// held.
    pub fn is_open(self) -> bool {
        use OrderStatus::*;
        matches!(self, Draft | PendingApproval | Approved | Shipped)
    }

    /// The order may still be changed: until the car leaves (shipped), and not once it is
    /// cancelled.
    pub fn editable(self) -> bool {
        use OrderStatus::*;
        matches!(self, Draft | PendingApproval | Approved | Rejected)
    }

    /// Nothing follows.
    pub fn is_final(self) -> bool {
        self.moves().is_empty()
    }

    /// The status an order is in after a change by its author: a rejected order becomes a
    /// draft again; an approved one goes back for approval when the change touches what
    /// was approved (price, discount, vehicle) and some level must decide again.
    pub fn after_edit(self, needs_approval: bool) -> OrderStatus {
        match self {
            OrderStatus::Rejected => OrderStatus::Draft,
            OrderStatus::Approved if needs_approval => OrderStatus::PendingApproval,
            other => other,
        }
    }
}

/// A move from one status to another that the graph allows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Transition {
    pub from: OrderStatus,
    pub to: OrderStatus,
}

impl Transition {
    /// The move, if the graph allows it; else a refusal on the field `status` naming both
    /// statuses.
    pub fn check(from: OrderStatus, to: OrderStatus, lang: Lang) -> Result<Transition, AppError> {
        if from.can_move_to(to) {
            return Ok(Transition { from, to });
        }
        Err(AppError::invalid(
            "status",
            lang.tf(
                "order.bad_move",
                &[
                    ("from", lang.t(from.label_key())),
                    ("to", lang.t(to.label_key())),
                ],
            ),
        ))
    }

    /// A move asked for by its code (`approved`), as a form or the API sends it.
    pub fn parse(from: OrderStatus, to: &str, lang: Lang) -> Result<Transition, AppError> {
        let to = OrderStatus::parse(to)
            .ok_or_else(|| AppError::invalid("status", lang.t("order.bad_status")))?;
        Transition::check(from, to, lang)
    }

    /// The move frees the vehicle the order held (cancelled, or rejected back to its
    /// author).
    pub fn releases_vehicle(self) -> bool {
        self.from.is_open() && !self.to.is_open() && self.to != OrderStatus::Completed
    }

    /// The move asks the approvers (submitted, or sent back after a change).
    pub fn asks_approval(self) -> bool {
        self.to == OrderStatus::PendingApproval
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use OrderStatus::*;

    #[test]
    fn every_coded_value_is_sent_by_its_code_and_named_in_both_languages() {
        fn same<T>(all: &[T], code: fn(T) -> &'static str, key: fn(T) -> &'static str)
        where
            T: serde::Serialize + serde::de::DeserializeOwned + PartialEq + std::fmt::Debug + Copy,
        {
            for v in all {
                let json = serde_json::to_string(v).unwrap();
                assert_eq!(json, format!("\"{}\"", code(*v)));
                assert_eq!(serde_json::from_str::<T>(&json).unwrap(), *v);
                for lang in [Lang::ZhCn, Lang::En] {
                    assert_ne!(lang.t(key(*v)), key(*v), "{lang:?} lacks {}", key(*v));
                }
            }
        }
        same(OrderStatus::ALL, OrderStatus::code, OrderStatus::label_key);
        same(PaymentType::ALL, PaymentType::code, PaymentType::label_key);
        same(
            PaymentMethod::ALL,
            PaymentMethod::code,
            PaymentMethod::label_key,
        );
        same(ExtraKind::ALL, ExtraKind::code, ExtraKind::label_key);
        assert_eq!(Lang::ZhCn.t(PendingApproval.label_key()), "待审核");
        assert_eq!(
            Lang::ZhCn.t(ExtraKind::Registration.label_key()),
            "上牌服务"
        );
        assert_eq!(Lang::ZhCn.t(PaymentMethod::Alipay.label_key()), "支付宝");
        assert_eq!(OrderStatus::try_from("shipped".to_owned()), Ok(Shipped));
        assert!(OrderStatus::try_from("sold".to_owned()).is_err());
    }

    #[test]
    fn the_statuses_move_only_along_the_graph() {
        // (from, to, allowed)
        let table = [
            (Draft, PendingApproval, true),
            (Draft, Cancelled, true),
            (Draft, Approved, false),
            (Draft, Shipped, false),
            (PendingApproval, Approved, true),
            (PendingApproval, Rejected, true),
            (PendingApproval, Cancelled, true),
            (PendingApproval, Draft, false),
            (PendingApproval, Shipped, false),
            (Approved, Shipped, true),
            (Approved, Cancelled, true),
            (Approved, PendingApproval, true),
            (Approved, Completed, false),
            (Approved, Draft, false),
            (Rejected, Draft, true),
            (Rejected, Cancelled, true),
            (Rejected, Approved, false),
            (Rejected, PendingApproval, false),
            (Shipped, Completed, true),
            (Shipped, Cancelled, false),
            (Shipped, Approved, false),
        ];
        for (from, to, allowed) in table {
            assert_eq!(from.can_move_to(to), allowed, "{from:?} → {to:?}");
            assert_eq!(
                Transition::check(from, to, Lang::En).is_ok(),
                allowed,
                "{from:?} → {to:?}"
            );
        }
        for s in OrderStatus::ALL {
            assert!(!s.can_move_to(*s), "{s:?} to itself");
            assert_eq!(s.is_final(), matches!(s, Completed | Cancelled));
            for to in s.moves() {
                assert!(OrderStatus::ALL.contains(to));
            }
        }
    }

    #[test]
    fn a_refused_move_names_the_status_field_and_both_statuses() {
        let e = Transition::check(Shipped, Cancelled, Lang::ZhCn).unwrap_err();
        assert_eq!(e.fields()[0].field, "status");
        let m = e.field("status").unwrap();
        assert!(m.contains("已发货") && m.contains("已取消"), "{m}");
        let e = Transition::check(Draft, Completed, Lang::En).unwrap_err();
        let m = e.field("status").unwrap();
        assert!(m.contains("Draft") && m.contains("Completed"), "{m}");
        let e = Transition::parse(Draft, "sold", Lang::En).unwrap_err();
        assert_eq!(e.fields()[0].field, "status");
        assert_eq!(
            Transition::parse(Draft, " pending_approval ", Lang::En),
            Ok(Transition {
                from: Draft,
                to: PendingApproval
            })
        );
    }

    #[test]
    fn open_orders_hold_their_vehicle_and_cancel_or_rejection_frees_it() {
        // (status, holds a vehicle, editable)
        let table = [
            (Draft, true, true),
            (PendingApproval, true, true),
            (Approved, true, true),
            (Shipped, true, false),
            (Completed, false, false),
            (Rejected, false, true),
            (Cancelled, false, false),
        ];
        for (s, open, editable) in table {
            assert_eq!(s.is_open(), open, "{s:?} open");
            assert_eq!(s.editable(), editable, "{s:?} editable");
        }
        // (from, to, releases the vehicle, asks approval)
        let moves = [
            (Draft, PendingApproval, false, true),
            (Draft, Cancelled, true, false),
            (PendingApproval, Rejected, true, false),
            (PendingApproval, Cancelled, true, false),
            (PendingApproval, Approved, false, false),
            (Approved, PendingApproval, false, true),
            (Approved, Cancelled, true, false),
            (Approved, Shipped, false, false),
            (Shipped, Completed, false, false),
            (Rejected, Draft, false, false),
        ];
        for (from, to, releases, asks) in moves {
            let t = Transition::check(from, to, Lang::En).unwrap();
            assert_eq!(t.releases_vehicle(), releases, "{from:?} → {to:?}");
            assert_eq!(t.asks_approval(), asks, "{from:?} → {to:?}");
        }
    }

    #[test]
    fn an_edit_returns_a_rejected_order_to_draft_and_an_approved_one_to_approval() {
        // (status, change needs approval, status after)
        let table = [
            (Rejected, false, Draft),
            (Rejected, true, Draft),
            (Approved, true, PendingApproval),
            (Approved, false, Approved),
            (PendingApproval, true, PendingApproval),
            (Draft, true, Draft),
        ];
        for (s, needs, after) in table {
            assert_eq!(s.after_edit(needs), after, "{s:?} {needs}");
            assert!(s == after || s.can_move_to(after), "{s:?} → {after:?}");
        }
    }
}
