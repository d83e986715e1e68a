//! Customer analysis (客户分析): where leads come from and how far they get — the funnel
//! (新线索 → 已联系 → 试驾 → 洽谈 → 成交) per stage and per salesperson, how long a win
//! takes, why leads are lost — what new customers want (budget band, drive, models), how
//! many buy again, how satisfied they are (stars, NPS) and how complaints are handled.
//!
//! A lead counts in the range it was opened in; a lost lead counts at the furthest stage it
//! reached before it was lost, so the funnel shows where leads drop out.

use super::sales::Range;
use crate::{
    aftersales::domain::rating::Score,
    crm::domain::{customer::Source, lead::LeadStage},
    i18n::Lang,
};
use serde::{Deserialize, Serialize};

/// The funnel's stages in order, with the rank the database keeps (`leads.reached`).
pub const FUNNEL: [(LeadStage, i64); 5] = [
    (LeadStage::New, 1),
    (LeadStage::Contacted, 2),
    (LeadStage::TestDrive, 3),
    (LeadStage::Negotiating, 4),
    (LeadStage::Won, 5),
];

/// Leads counted by how far they got: `reached[i]` is how many got to at least
/// [`FUNNEL`]`[i]`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reach {
    pub leads: i64,
    pub reached: [i64; 5],
    pub won: i64,
    pub lost: i64,
}

impl Reach {
    /// Counts `n` leads now at `stage` that got as far as rank `reached` (1–5).
    pub fn add(&mut self, stage: LeadStage, reached: i64, n: i64) {
        // A won lead went the whole way whatever its recorded rank.
        let rank = if stage == LeadStage::Won {
            5
        } else {
            reached.clamp(1, 5)
        };
        self.leads += n;
        for r in self.reached.iter_mut().take(rank as usize) {
            *r += n;
        }
        match stage {
            LeadStage::Won => self.won += n,
            LeadStage::Lost => self.lost += n,
            _ => {}
        }
    }

    /// Wins per lead, in per mille.
    pub fn win_permille(&self) -> Option<i64> {
        permille(self.won, self.leads)
    }

    /// The funnel: each stage's count, its share of all leads and of the stage before.
    pub fn funnel(&self) -> Vec<FunnelStage> {
        FUNNEL
            .iter()
            .enumerate()
            .map(|(i, (stage, _))| FunnelStage {
                stage: *stage,
                reached: self.reached[i],
                of_leads_permille: permille(self.reached[i], self.leads),
                from_previous_permille: if i == 0 {
                    None
                } else {
                    permille(self.reached[i], self.reached[i - 1])
                },
            })
            .collect()
    }
}

/// `part` of `whole` in per mille; none of nothing.
pub fn permille(part: i64, whole: i64) -> Option<i64> {
    (whole > 0).then(|| part * 1000 / whole)
}

/// One stage of the funnel.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct FunnelStage {
    pub stage: LeadStage,
    /// Leads that got at least this far.
    pub reached: i64,
    /// Of all the range's leads, in per mille.
    pub of_leads_permille: Option<i64>,
    /// Of those that reached the stage before (the step's conversion), in per mille.
    pub from_previous_permille: Option<i64>,
}

/// One salesperson's funnel.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct FunnelLine {
    /// The salesperson's id (0: leads nobody owns).
    pub owner_id: i64,
    pub label: String,
    pub leads: i64,
    /// How many got at least to each funnel stage, in order.
    pub reached: Vec<i64>,
    pub won: i64,
    pub lost: i64,
    pub win_permille: Option<i64>,
}

/// A share of a whole: lead sources, lost reasons, budget bands, drives, models.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Share {
    /// The code (a source, a reason, a band, a drive) or a model's id.
    pub key: String,
    pub label: String,
    pub count: i64,
    pub share_permille: Option<i64>,
    /// For lead sources: how many of them were won, and the win rate in per mille.
    pub won: Option<i64>,
    pub win_permille: Option<i64>,
}

/// Complaints made in the range and how they were handled.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ComplaintFigures {
    /// Made in the range (drafts a low rating opened are not counted until taken up).
    pub made: i64,
    /// Not settled yet (待处理, 处理中).
    pub open: i64,
    /// Resolved or closed.
    pub settled: i64,
    /// First answered by the response deadline.
    pub responded_on_time: i64,
    /// Resolved by the response deadline.
    pub resolved_on_time: i64,
    /// On-time response and resolution, of those made, in per mille.
    pub response_permille: Option<i64>,
    pub resolution_permille: Option<i64>,
    /// By severity (urgent, serious, normal).
    pub by_severity: Vec<Share>,
}

/// The customer report.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CustomerReport {
    pub range: Range,
    pub store_id: Option<i64>,
    /// Leads opened in the range.
    pub leads: i64,
    pub won: i64,
    pub lost: i64,
    pub win_permille: Option<i64>,
    pub funnel: Vec<FunnelStage>,
    /// Most leads first.
    pub salespeople: Vec<FunnelLine>,
    pub sources: Vec<Share>,
    pub lost_reasons: Vec<Share>,
    /// Days from opening to winning, of the range's won leads (to the day).
    pub days_to_win_median: Option<f64>,
    pub days_to_win_p90: Option<f64>,
    /// New customer profiles in the range, and what they said they want.
    pub new_customers: i64,
    pub budgets: Vec<Share>,
    pub fuels: Vec<Share>,
    pub models: Vec<Share>,
    /// Every customer who bought (all time) and those who bought two or more cars.
    pub buyers: i64,
    pub repeat_buyers: i64,
    pub repeat_permille: Option<i64>,
    /// Ratings answered in the range: all of them, and per store, advisor and salesperson.
    pub satisfaction: Score,
    pub satisfaction_stores: Vec<Score>,
    pub satisfaction_advisors: Vec<Score>,
    pub satisfaction_salespeople: Vec<Score>,
    pub complaints: ComplaintFigures,
}

/// Budget bands (预算), read from what the customer said (`15-20万`, `20万左右`, `30w`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum BudgetBand {
    Under10,
    From10To15,
    From15To20,
    From20To30,
    From30To50,
    Over50,
    /// Nothing said, or nothing that reads as an amount.
    Unknown,
}

impl BudgetBand {
    pub const ALL: [BudgetBand; 7] = [
        BudgetBand::Under10,
        BudgetBand::From10To15,
        BudgetBand::From15To20,
        BudgetBand::From20To30,
        BudgetBand::From30To50,
        BudgetBand::Over50,
        BudgetBand::Unknown,
    ];

    pub fn code(self) -> &'static str {
        match self {
            BudgetBand::Under10 => "under_10",
            BudgetBand::From10To15 => "10_15",
            BudgetBand::From15To20 => "15_20",
            BudgetBand::From20To30 => "20_30",
            BudgetBand::From30To50 => "30_50",
            BudgetBand::Over50 => "over_50",
            BudgetBand::Unknown => "unknown",
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        lang.t(match self {
            BudgetBand::Under10 => "analytics.budget.under_10",
            BudgetBand::From10To15 => "analytics.budget.10_15",
            BudgetBand::From15To20 => "analytics.budget.15_20",
            BudgetBand::From20To30 => "analytics.budget.20_30",
            BudgetBand::From30To50 => "analytics.budget.30_50",
            BudgetBand::Over50 => "analytics.budget.over_50",
            BudgetBand::Unknown => "analytics.budget.unknown",
        })
    }

    /// The band of an amount in 万 (ten thousand yuan).
    pub fn of_wan(wan: f64) -> BudgetBand {
        match wan {
            w if w < 10.0 => BudgetBand::Under10,
            w if w < 15.0 => BudgetBand::From10To15,
            w if w < 20.0 => BudgetBand::From15To20,
            w if w < 30.0 => BudgetBand::From20To30,
            w if w < 50.0 => BudgetBand::From30To50,
            _ => BudgetBand::Over50,
        }
    }

    /// Reads a budget as said: the middle of a range (`15-20万`, `15~20`, `15至20万`), or
    /// one amount (`20万左右`, `30w`, `200000`, `二十万` is not read). Amounts over 1,000
    /// are taken as yuan, others as 万.
    pub fn read(said: &str) -> BudgetBand {
        let mut numbers: Vec<f64> = Vec::new();
        let mut current = String::new();
        // A run of more than nine digits is no budget anyone says.
        let mut take = |s: &mut String| {
            if s.len() <= 9 {
                numbers.extend(s.parse::<f64>().ok());
            }
            s.clear();
        };
        for c in said.chars().take(60) {
            if c.is_ascii_digit() || (c == '.' && !current.is_empty()) {
                current.push(c);
            } else if !current.is_empty() {
                take(&mut current);
            }
        }
        take(&mut current);
        let wan: Vec<f64> = numbers
            .into_iter()
            .take(2)
            .map(|n| if n > 1000.0 { n / 10_000.0 } else { n })
            .filter(|n| n.is_finite() && *n > 0.0)
            .collect();
        match wan.as_slice() {
            [one] => BudgetBand::of_wan(*one),
            [a, b] => BudgetBand::of_wan((a + b) / 2.0),
            _ => BudgetBand::Unknown,
        }
    }
}

/// Counts keyed by something, as shares of their sum, most first (ties by key).
pub fn shares(mut counts: Vec<(String, String, i64)>) -> Vec<Share> {
    let total: i64 = counts.iter().map(|c| c.2).sum();
    counts.retain(|c| c.2 > 0);
    counts.sort_by(|a, b| b.2.cmp(&a.2).then_with(|| a.0.cmp(&b.0)));
    counts
        .into_iter()
        .map(|(key, label, count)| Share {
            key,
            label,
            count,
            share_permille: permille(count, total),
            won: None,
            win_permille: None,
        })
        .collect()
}

/// A source's line, with its wins.
pub fn source_share(source: &str, lang: Lang, reach: &Reach, total: i64) -> Share {
    let label = Source::parse(source)
        .map(|s| lang.t(s.label_key()).to_owned())
        .unwrap_or_else(|| source.to_owned());
    Share {
        key: source.to_owned(),
        label,
        count: reach.leads,
        share_permille: permille(reach.leads, total),
        won: Some(reach.won),
        win_permille: reach.win_permille(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lost_lead_counts_as_far_as_it_got_and_a_won_one_the_whole_way() {
        let mut r = Reach::default();
        r.add(LeadStage::New, 1, 10);
        r.add(LeadStage::Contacted, 2, 6);
        r.add(LeadStage::Lost, 3, 4); // lost after a test drive
        r.add(LeadStage::Negotiating, 4, 3);
        r.add(LeadStage::Won, 2, 2); // won from an early stage by a completed order
        assert_eq!(r.leads, 25);
        assert_eq!(r.reached, [25, 15, 9, 5, 2]);
        assert_eq!((r.won, r.lost), (2, 4));
        assert_eq!(r.win_permille(), Some(80));
        let f = r.funnel();
        assert_eq!(f[0].from_previous_permille, None);
        assert_eq!(f[0].of_leads_permille, Some(1000));
        assert_eq!(f[1].from_previous_permille, Some(600));
        assert_eq!(f[2].from_previous_permille, Some(600));
        assert_eq!(f[4].stage, LeadStage::Won);
        assert_eq!(f[4].from_previous_permille, Some(400));
        assert_eq!(f[4].of_leads_permille, Some(80));
    }

    #[test]
    fn an_empty_funnel_has_no_rates() {
        let r = Reach::default();
        assert!(r.funnel().iter().all(|s| s.reached == 0
            && s.of_leads_permille.is_none()
            && s.from_previous_permille.is_none()));
        assert_eq!(r.win_permille(), None);
    }

    #[test]
    fn budgets_are_read_as_customers_say_them() {
        use BudgetBand::*;
        assert_eq!(BudgetBand::read("15-20万"), From15To20);
        assert_eq!(BudgetBand::read("15~20"), From15To20);
        assert_eq!(BudgetBand::read("10至20万"), From15To20);
        assert_eq!(BudgetBand::read("20万左右"), From20To30);
        assert_eq!(BudgetBand::read("30w"), From30To50);
        assert_eq!(BudgetBand::read("8.5万"), Under10);
        assert_eq!(BudgetBand::read("200000"), From20To30);
        assert_eq!(BudgetBand::read("50万以上"), Over50);
        assert_eq!(BudgetBand::read(""), Unknown);
        assert_eq!(BudgetBand::read("看情况"), Unknown);
        assert_eq!(BudgetBand::read("0"), Unknown);
        assert_eq!(BudgetBand::read(&"9".repeat(10_000)), Unknown);
    }

    #[test]
    fn shares_are_most_first_and_in_per_mille_of_their_sum() {
        let s = shares(vec![
            ("b".into(), "B".into(), 1),
            ("a".into(), "A".into(), 3),
            ("c".into(), "C".into(), 0),
            ("d".into(), "D".into(), 1),
        ]);
        let keys: Vec<&str> = s.iter().map(|s| s.key.as_str()).collect();
        assert_eq!(keys, vec!["a", "b", "d"]);
        assert_eq!(s[0].share_permille, Some(600));
        assert_eq!(s[1].share_permille, Some(200));
        assert!(shares(vec![]).is_empty());
    }
}
