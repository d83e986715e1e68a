//! Approval rules (审批规则), set per store by the administrator, and who may decide.
//!
//! A rule says: when this holds for an order, level N must approve it, by this role. An
//! order needs every level some rule asks for, decided in order, lowest first. The usual
//! set: every order needs level 1 (sales manager); a discount above 5% or a total above
//! ¥500,000 also needs level 2 (general manager).

use super::{
    status::PaymentType,
    totals::{format_bp, parse_percent, Totals, FULL_BP, MAX_LIST_PRICE},
};
use crate::{
    domain::{coded::coded, Money, Role},
    error::AppError,
    i18n::Lang,
};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The highest approval level.
pub const MAX_LEVEL: u8 = 5;
/// The most models one rule may name.
pub const MAX_RULE_MODELS: usize = 100;

/// What a rule looks at.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum Condition {
    /// Every order.
    Any,
    /// A discount above this share of the list price, in basis points (500 = 5%).
    DiscountOverBp(i64),
    /// A total above this, in fen.
    TotalOver(i64),
    /// A car of one of these models.
    ModelIn(Vec<i64>),
    /// Paid this way (a loan, say).
    PaymentTypeIs(PaymentType),
}

impl Condition {
    /// The codes conditions are stored and chosen by.
    pub const CODES: [&'static str; 5] = [
        "any",
        "discount_over_bp",
        "total_over",
        "model_in",
        "payment_type_is",
    ];

    pub fn code(&self) -> &'static str {
        match self {
            Condition::Any => "any",
            Condition::DiscountOverBp(_) => "discount_over_bp",
            Condition::TotalOver(_) => "total_over",
            Condition::ModelIn(_) => "model_in",
            Condition::PaymentTypeIs(_) => "payment_type_is",
        }
    }

    /// The i18n key of the condition's name (`order.condition.total_over`).
    pub fn label_key(&self) -> &'static str {
        label_key(self.code())
    }

    /// The condition's value as the rule form shows and stores it: a percent (`5`), an
    /// amount in yuan (`500000`), model ids (`3,7`), a payment type code (`loan`), or
    /// nothing.
    pub fn value_text(&self) -> String {
        match self {
            Condition::Any => String::new(),
            Condition::DiscountOverBp(bp) => format_bp(*bp),
            Condition::TotalOver(fen) => {
                let (yuan, rest) = (fen / 100, (fen % 100).abs());
                if rest == 0 {
                    yuan.to_string()
                } else {
                    format!("{yuan}.{rest:02}")
                }
            }
            Condition::ModelIn(ids) => ids.iter().map(i64::to_string).collect::<Vec<_>>().join(","),
            Condition::PaymentTypeIs(t) => t.code().to_owned(),
        }
    }

    /// A condition from its code and value text, as [`Condition::code`] and
    /// [`Condition::value_text`] give them; `None` when either is not one.
    pub fn from_parts(code: &str, value: &str) -> Option<Condition> {
        let value = value.trim();
        if value.len() > 2000 {
            return None;
        }
        match code.trim() {
            "any" => Some(Condition::Any),
            "discount_over_bp" => parse_percent(value).map(Condition::DiscountOverBp),
            "total_over" => Money::parse_yuan(value)
                .ok()
                .filter(|m| m.fen() <= MAX_LIST_PRICE * 10)
                .map(|m| Condition::TotalOver(m.fen())),
            "model_in" => {
                let mut ids: Vec<i64> = Vec::new();
                for part in value.split([',', '，']).map(str::trim) {
                    let id = part.parse::<i64>().ok().filter(|id| *id > 0)?;
                    if !ids.contains(&id) {
                        ids.push(id);
                    }
                    if ids.len() > MAX_RULE_MODELS {
                        return None;
                    }
                }
                Some(Condition::ModelIn(ids))
            }
            "payment_type_is" => PaymentType::parse(value).map(Condition::PaymentTypeIs),
            _ => None,
        }
    }

    /// The condition holds for an order with these facts. Thresholds are strict: a
    /// discount of exactly 5% is not above 5%.
    pub fn holds(&self, facts: &Facts) -> bool {
        match self {
            Condition::Any => true,
            Condition::DiscountOverBp(bp) => facts.discount_bp > *bp,
            Condition::TotalOver(fen) => facts.total > *fen,
            Condition::ModelIn(ids) => ids.contains(&facts.model_id),
            Condition::PaymentTypeIs(t) => facts.payment_type == *t,
        }
    }

    /// Why the condition holds, in words (`折扣 6.2% > 5%`).
    pub fn reason(&self, facts: &Facts, lang: Lang) -> String {
        match self {
            Condition::Any => lang.t("order.approval.any").into(),
            Condition::DiscountOverBp(bp) => lang.tf(
                "order.approval.discount_over",
                &[
                    ("value", &format_bp(facts.discount_bp)),
                    ("limit", &format_bp(*bp)),
                ],
            ),
            Condition::TotalOver(fen) => lang.tf(
                "order.approval.total_over",
                &[
                    ("value", &Money::from_fen(facts.total).to_string()),
                    ("limit", &Money::from_fen(*fen).to_string()),
                ],
            ),
            Condition::ModelIn(_) => lang.t("order.approval.model_in").into(),
            Condition::PaymentTypeIs(t) => lang.tf(
                "order.approval.payment_type_is",
                &[("type", lang.t(t.label_key()))],
            ),
        }
    }
}

/// The i18n key of a condition code's name.
pub fn label_key(code: &str) -> &'static str {
    match code {
        "any" => "order.condition.any",
        "discount_over_bp" => "order.condition.discount_over_bp",
        "total_over" => "order.condition.total_over",
        "model_in" => "order.condition.model_in",
        "payment_type_is" => "order.condition.payment_type_is",
        _ => "order.condition.unknown",
    }
}

/// How senior a role is in approvals: a general manager outranks a sales manager; other
/// roles do not approve orders (the administrator sets the rules but decides nothing).
pub fn approval_rank(role: Role) -> u8 {
    match role {
        Role::GeneralManager => 2,
        Role::SalesManager => 1,
        _ => 0,
    }
}

/// One approval rule of a store.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Rule {
    pub condition: Condition,
    /// 1 to [`MAX_LEVEL`].
    pub level: u8,
    /// Who decides this level: `sales_manager` or `general_manager`.
    #[cfg_attr(feature = "ssr", schema(value_type = String))]
    pub role: Role,
}

impl Rule {
    pub fn new(condition: Condition, level: u8, role: Role) -> Rule {
        Rule {
            condition,
            level,
            role,
        }
    }

    /// Every rule that does not hold for a rule (a level out of range, a role that does not
    /// approve, a threshold out of range, no models), as (field, i18n key).
    pub fn problems(&self) -> Vec<(&'static str, &'static str)> {
        let mut out = Vec::new();
        if !(1..=MAX_LEVEL).contains(&self.level) {
            out.push(("level", "order.rule.bad_level"));
        }
        if approval_rank(self.role) == 0 {
            out.push(("role", "order.rule.bad_role"));
        }
        let value_ok = match &self.condition {
            Condition::Any | Condition::PaymentTypeIs(_) => true,
            Condition::DiscountOverBp(bp) => (0..FULL_BP).contains(bp),
            Condition::TotalOver(fen) => (0..=MAX_LIST_PRICE * 10).contains(fen),
            Condition::ModelIn(ids) => {
                !ids.is_empty() && ids.len() <= MAX_RULE_MODELS && ids.iter().all(|id| *id > 0)
            }
        };
        if !value_ok {
            out.push(("value", "order.rule.bad_value"));
        }
        out
    }

    /// The rule, or every problem with it on its field.
    pub fn check(&self, lang: Lang) -> Result<(), AppError> {
        let problems = self.problems();
        if problems.is_empty() {
            return Ok(());
        }
        Err(AppError::invalid_fields(
            problems
                .into_iter()
                .map(|(field, key)| crate::error::FieldError {
                    field: field.into(),
                    message: lang.t(key).into(),
                })
                .collect(),
        ))
    }
}

/// The rules a store starts with: every order needs its sales manager; a discount above
/// 5% or a total above ¥500,000 also needs the general manager.
pub fn default_rules() -> Vec<Rule> {
    vec![
        Rule::new(Condition::Any, 1, Role::SalesManager),
        Rule::new(Condition::DiscountOverBp(500), 2, Role::GeneralManager),
        Rule::new(Condition::TotalOver(50_000_000), 2, Role::GeneralManager),
    ]
}

/// What the rules look at in an order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Facts {
    /// The discount in basis points, as [`Totals::discount_bp`].
    pub discount_bp: i64,
    /// The order's total in fen.
    pub total: i64,
    pub model_id: i64,
    pub payment_type: PaymentType,
}

impl Facts {
    pub fn of(totals: &Totals, model_id: i64, payment_type: PaymentType) -> Facts {
        Facts {
            discount_bp: totals.discount_bp,
            total: totals.total,
            model_id,
            payment_type,
        }
    }

    /// These values ask no more of an approver than `approved` did: no deeper discount, no
    /// higher total, the same model, paid the same way.
    pub fn no_riskier_than(&self, approved: &Facts) -> bool {
        self.discount_bp <= approved.discount_bp
            && self.total <= approved.total
            && self.model_id == approved.model_id
            && self.payment_type == approved.payment_type
    }
}

/// A level an order needs, and the role that decides it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Level {
    pub level: u8,
    #[cfg_attr(feature = "ssr", schema(value_type = String))]
    pub role: Role,
}

/// The levels an order with these facts needs, lowest first, one role each. When rules of
/// the same level name different roles, the more senior role ([`approval_rank`]) decides
/// the level; between roles of equal rank, the first in [`Role::ALL`] order.
pub fn required_levels(rules: &[Rule], facts: &Facts) -> Vec<Level> {
    let mut levels: BTreeMap<u8, Role> = BTreeMap::new();
    for rule in rules.iter().filter(|r| r.condition.holds(facts)) {
        levels
            .entry(rule.level)
            .and_modify(|role| {
                let (have, new) = (approval_rank(*role), approval_rank(rule.role));
                if new > have || (new == have && rule.role < *role) {
                    *role = rule.role;
                }
            })
            .or_insert(rule.role);
    }
    levels
        .into_iter()
        .map(|(level, role)| Level { level, role })
        .collect()
}

/// One sentence per required level saying who must approve and why, in the order the
/// levels are decided: `需总经理审批: 折扣 6.2% > 5%`.
pub fn explain(rules: &[Rule], facts: &Facts, lang: Lang) -> Vec<String> {
    let sep = match lang {
        Lang::ZhCn => "；",
        Lang::En => "; ",
    };
    required_levels(rules, facts)
        .into_iter()
        .map(|level| {
            let mut reasons: Vec<String> = Vec::new();
            for rule in rules
                .iter()
                .filter(|r| r.level == level.level && r.condition.holds(facts))
            {
                let reason = rule.condition.reason(facts, lang);
                if !reasons.contains(&reason) {
                    reasons.push(reason);
                }
            }
            lang.tf(
                "order.approval.needs",
                &[
                    ("role", lang.t(level.role.label_key())),
                    ("reasons", &reasons.join(sep)),
                ],
            )
        })
        .collect()
}

/// The level to decide next: the lowest required level not yet approved.
pub fn next_level(required: &[Level], decided: &[u8]) -> Option<Level> {
    required
        .iter()
        .filter(|l| !decided.contains(&l.level))
        .min_by_key(|l| l.level)
        .copied()
}

/// After a change to an order that had approvals: the levels that must decide again.
///
/// `old` are the values the standing approvals were given on, `old_required` the levels
/// those values needed, and `decided` the levels approved. A level the new values need is
/// kept only when it was approved, the old requirement at that level was at least as
/// senior as the new one, and the new values ask no more than the old did
/// ([`Facts::no_riskier_than`]): a deeper discount, a higher total, another model or
/// another way of paying is put before every level the new values need again; a level
/// the new values no longer need is dropped.
pub fn levels_to_redo(
    old: &Facts,
    old_required: &[Level],
    decided: &[u8],
    new: &Facts,
    new_required: &[Level],
) -> Vec<Level> {
    let safer = new.no_riskier_than(old);
    new_required
        .iter()
        .filter(|need| {
            let covered = safer
                && decided.contains(&need.level)
                && old_required.iter().any(|had| {
                    had.level == need.level && approval_rank(had.role) >= approval_rank(need.role)
                });
            !covered
        })
        .copied()
        .collect()
}

coded!(
    /// Why a person may not decide a level of an order.
    DecisionRefusal, "order.refusal", {
        SelfApproval = "self_approval",
        WrongRole = "wrong_role",
    }
);

impl DecisionRefusal {
    /// As the error the approver sees (403).
    pub fn to_app_error(self, lang: Lang) -> AppError {
        AppError::Forbidden(lang.t(self.label_key()).into())
    }
}

/// Whether this person may decide a level of this order. Nobody decides an order they
/// created or own. The level's role decides it; a general manager may also decide a
/// sales manager's level (standing in when the sales manager is away). No other role
/// approves orders: an administrator configures the rules but decides nothing.
pub fn may_decide(
    approver_role: Role,
    approver_user_id: i64,
    level_role: Role,
    order_created_by: i64,
    order_owner_id: Option<i64>,
) -> Result<(), DecisionRefusal> {
    if approver_user_id == order_created_by || order_owner_id == Some(approver_user_id) {
        return Err(DecisionRefusal::SelfApproval);
    }
    let stands_in = approver_role == Role::GeneralManager && level_role == Role::SalesManager;
    if approval_rank(approver_role) > 0 && (approver_role == level_role || stands_in) {
        Ok(())
    } else {
        Err(DecisionRefusal::WrongRole)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Role::*;

    fn facts(discount_bp: i64, total: i64) -> Facts {
        Facts {
            discount_bp,
            total,
            model_id: 3,
            payment_type: PaymentType::Full,
        }
    }

    fn lv(level: u8, role: Role) -> Level {
        Level { level, role }
    }

    #[test]
    fn the_default_rules_ask_for_the_levels_the_order_needs() {
        let rules = default_rules();
        // (discount bp, total fen, levels)
        let table: [(i64, i64, Vec<Level>); 6] = [
            (0, 20_000_000, vec![lv(1, SalesManager)]),
            (500, 20_000_000, vec![lv(1, SalesManager)]),
            (
                620,
                20_000_000,
                vec![lv(1, SalesManager), lv(2, GeneralManager)],
            ),
            (0, 50_000_000, vec![lv(1, SalesManager)]),
            (
                0,
                50_000_001,
                vec![lv(1, SalesManager), lv(2, GeneralManager)],
            ),
            (
                800,
                90_000_000,
                vec![lv(1, SalesManager), lv(2, GeneralManager)],
            ),
        ];
        for (bp, total, want) in table {
            assert_eq!(
                required_levels(&rules, &facts(bp, total)),
                want,
                "{bp} bp, {total} fen"
            );
        }
    }

    #[test]
    fn each_condition_holds_on_its_own_fact() {
        let loan = Facts {
            payment_type: PaymentType::Loan,
            ..facts(100, 10_000_000)
        };
        // (condition, holds for `loan`)
        let table = [
            (Condition::Any, true),
            (Condition::DiscountOverBp(99), true),
            (Condition::DiscountOverBp(100), false),
            (Condition::TotalOver(9_999_999), true),
            (Condition::TotalOver(10_000_000), false),
            (Condition::ModelIn(vec![1, 3]), true),
            (Condition::ModelIn(vec![4]), false),
            (Condition::PaymentTypeIs(PaymentType::Loan), true),
            (Condition::PaymentTypeIs(PaymentType::Full), false),
        ];
        for (c, holds) in table {
            assert_eq!(c.holds(&loan), holds, "{c:?}");
            let rules = [Rule::new(c.clone(), 3, GeneralManager)];
            let want = if holds {
                vec![lv(3, GeneralManager)]
            } else {
                vec![]
            };
            assert_eq!(required_levels(&rules, &loan), want, "{c:?}");
        }
    }

    #[test]
    fn the_senior_role_decides_a_level_two_rules_share() {
        // (roles named by two rules at level 2, the role that decides)
        let table = [
            ([SalesManager, GeneralManager], GeneralManager),
            ([GeneralManager, SalesManager], GeneralManager),
            ([SalesManager, SalesManager], SalesManager),
            ([Admin, SalesManager], SalesManager),
        ];
        for (roles, want) in table {
            let rules = [
                Rule::new(Condition::Any, 2, roles[0]),
                Rule::new(Condition::TotalOver(0), 2, roles[1]),
            ];
            assert_eq!(
                required_levels(&rules, &facts(0, 1)),
                vec![lv(2, want)],
                "{roles:?}"
            );
        }
        let out_of_order = [
            Rule::new(Condition::Any, 3, GeneralManager),
            Rule::new(Condition::Any, 1, SalesManager),
        ];
        assert_eq!(
            required_levels(&out_of_order, &facts(0, 0)),
            vec![lv(1, SalesManager), lv(3, GeneralManager)]
        );
        assert!(required_levels(&[], &facts(9_000, 1)).is_empty());
    }

    #[test]
    fn the_reasons_say_who_must_approve_and_why() {
        let rules = default_rules();
        let f = facts(620, 28_140_000);
        assert_eq!(
            explain(&rules, &f, Lang::ZhCn),
            ["需销售经理审批: 每张订单", "需总经理审批: 折扣 6.2% > 5%"]
        );
        assert_eq!(
            explain(&rules, &f, Lang::En),
            [
                "Sales manager approval needed: every order",
                "General manager approval needed: discount 6.2% > 5%"
            ]
        );
        let both = explain(&rules, &facts(800, 56_000_000), Lang::ZhCn);
        assert_eq!(
            both[1],
            "需总经理审批: 折扣 8% > 5%；总价 ¥560,000.00 > ¥500,000.00"
        );
        let loan = Facts {
            payment_type: PaymentType::Loan,
            ..f
        };
        let rules = [
            Rule::new(Condition::PaymentTypeIs(PaymentType::Loan), 1, SalesManager),
            Rule::new(Condition::ModelIn(vec![3]), 1, SalesManager),
        ];
        assert_eq!(
            explain(&rules, &loan, Lang::ZhCn),
            ["需销售经理审批: 付款方式为贷款；车型在审批名单中"]
        );
        for lang in [Lang::ZhCn, Lang::En] {
            for line in explain(&rules, &loan, lang) {
                assert!(!line.contains("order."), "{line}");
            }
        }
    }

    #[test]
    fn a_change_redoes_only_the_levels_the_new_values_need() {
        let rules = default_rules();
        let req = |f: &Facts| required_levels(&rules, f);
        let l1 = lv(1, SalesManager);
        let l2 = lv(2, GeneralManager);
        // (approved on, decided levels, changed to, levels to decide again)
        let table: [(Facts, &[u8], Facts, Vec<Level>); 8] = [
            // A deeper discount past 5%: both levels again (L1 approved 3%, not 8%).
            (
                facts(300, 20_000_000),
                &[1],
                facts(800, 20_000_000),
                vec![l1, l2],
            ),
            // A smaller discount, same total: nothing to decide again.
            (
                facts(800, 20_000_000),
                &[1, 2],
                facts(300, 20_000_000),
                vec![],
            ),
            // Lower price, lower total, still above 5%: the approvals stand.
            (
                facts(800, 20_000_000),
                &[1, 2],
                facts(700, 19_000_000),
                vec![],
            ),
            // Same values (another VIN of the same model): nothing.
            (
                facts(620, 20_000_000),
                &[1, 2],
                facts(620, 20_000_000),
                vec![],
            ),
            // A higher total: every level the new values need.
            (
                facts(0, 20_000_000),
                &[1],
                facts(0, 60_000_000),
                vec![l1, l2],
            ),
            // Safer values but L2 never decided (changed while pending): L2 still open.
            (
                facts(800, 20_000_000),
                &[1],
                facts(700, 20_000_000),
                vec![l2],
            ),
            // Another model, same money: every level again.
            (
                facts(0, 20_000_000),
                &[1],
                Facts {
                    model_id: 4,
                    ..facts(0, 20_000_000)
                },
                vec![l1],
            ),
            // Another way of paying: every level again.
            (
                facts(0, 20_000_000),
                &[1],
                Facts {
                    payment_type: PaymentType::Loan,
                    ..facts(0, 20_000_000)
                },
                vec![l1],
            ),
        ];
        for (old, decided, new, want) in table {
            assert_eq!(
                levels_to_redo(&old, &req(&old), decided, &new, &req(&new)),
                want,
                "{old:?} → {new:?}"
            );
        }
        // A level approved by a junior requirement does not cover a senior one.
        let was = [lv(2, SalesManager)];
        let now = [lv(2, GeneralManager)];
        let f = facts(0, 1);
        assert_eq!(levels_to_redo(&f, &was, &[2], &f, &now), vec![now[0]]);
        assert!(levels_to_redo(&f, &now, &[2], &f, &was).is_empty());
    }

    #[test]
    fn levels_are_decided_lowest_first() {
        let req = [lv(1, SalesManager), lv(2, GeneralManager)];
        assert_eq!(next_level(&req, &[]), Some(req[0]));
        assert_eq!(next_level(&req, &[1]), Some(req[1]));
        assert_eq!(next_level(&req, &[1, 2]), None);
        assert_eq!(next_level(&[], &[]), None);
    }

    #[test]
    fn nobody_approves_their_own_order_and_each_level_has_its_role() {
        use DecisionRefusal::*;
        let (creator, owner, other) = (10, 11, 12);
        // (approver role, approver, level role, result)
        let table = [
            (SalesManager, other, SalesManager, Ok(())),
            (GeneralManager, other, GeneralManager, Ok(())),
            (GeneralManager, other, SalesManager, Ok(())),
            (SalesManager, other, GeneralManager, Err(WrongRole)),
            (Admin, other, SalesManager, Err(WrongRole)),
            (Admin, other, GeneralManager, Err(WrongRole)),
            (Sales, other, SalesManager, Err(WrongRole)),
            (InventoryClerk, other, SalesManager, Err(WrongRole)),
            (ServiceAdvisor, other, SalesManager, Err(WrongRole)),
            (SalesManager, creator, SalesManager, Err(SelfApproval)),
            (GeneralManager, owner, GeneralManager, Err(SelfApproval)),
            (GeneralManager, creator, SalesManager, Err(SelfApproval)),
        ];
        for (role, who, level_role, want) in table {
            assert_eq!(
                may_decide(role, who, level_role, creator, Some(owner)),
                want,
                "{role:?} #{who} on a {level_role:?} level"
            );
        }
        assert_eq!(may_decide(SalesManager, 11, SalesManager, 10, None), Ok(()));
        for r in DecisionRefusal::ALL {
            let e = r.to_app_error(Lang::ZhCn);
            assert_eq!(e.status_code(), 403);
            assert!(!e.to_string().starts_with("order."), "{e}");
        }
    }

    #[test]
    fn rules_travel_as_code_and_value_and_are_checked() {
        let table = [
            (Condition::Any, "any", ""),
            (Condition::DiscountOverBp(500), "discount_over_bp", "5"),
            (Condition::DiscountOverBp(625), "discount_over_bp", "6.25"),
            (Condition::TotalOver(50_000_000), "total_over", "500000"),
            (Condition::TotalOver(50_000_050), "total_over", "500000.50"),
            (Condition::ModelIn(vec![3, 7]), "model_in", "3,7"),
            (
                Condition::PaymentTypeIs(PaymentType::Loan),
                "payment_type_is",
                "loan",
            ),
        ];
        for (c, code, value) in table {
            assert_eq!((c.code(), c.value_text().as_str()), (code, value));
            assert_eq!(Condition::from_parts(code, value), Some(c.clone()));
            assert!(Condition::CODES.contains(&code));
            for lang in [Lang::ZhCn, Lang::En] {
                assert_ne!(lang.t(c.label_key()), c.label_key());
            }
            let json = serde_json::to_string(&c).unwrap();
            assert_eq!(serde_json::from_str::<Condition>(&json).unwrap(), c);
        }
        assert_eq!(
            serde_json::to_string(&Condition::DiscountOverBp(500)).unwrap(),
            r#"{"kind":"discount_over_bp","value":500}"#
        );
        assert_eq!(
            Condition::from_parts("model_in", "3， 7,3"),
            Some(Condition::ModelIn(vec![3, 7]))
        );
        for (code, value) in [
            ("sometimes", ""),
            ("discount_over_bp", "101"),
            ("total_over", "-1"),
            ("model_in", "3,x"),
            ("model_in", ""),
            ("model_in", "0"),
            ("payment_type_is", "cheque"),
        ] {
            assert_eq!(Condition::from_parts(code, value), None, "{code} {value}");
        }
        for rule in default_rules() {
            assert!(rule.check(Lang::En).is_ok(), "{rule:?}");
        }
        let bad = Rule::new(Condition::ModelIn(vec![]), 0, Admin);
        let e = bad.check(Lang::ZhCn).unwrap_err();
        let fields: Vec<&str> = e.fields().iter().map(|f| f.field.as_str()).collect();
        assert_eq!(fields, ["level", "role", "value"]);
        assert!(
            Rule::new(Condition::DiscountOverBp(FULL_BP), 2, GeneralManager)
                .check(Lang::En)
                .is_err()
        );
        assert!(Rule::new(Condition::Any, 6, GeneralManager)
            .check(Lang::En)
            .is_err());
    }
}
