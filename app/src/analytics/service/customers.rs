//! The customer report, read from the leads, profiles, ratings and complaints of the
//! range through indexes that hold every column read (no table lookups), and from the
//! purchase counts the database keeps per customer (`customer_purchases`).

use crate::{
    aftersales::domain::{complaint::Severity, rating::Score},
    analytics::domain::{
        customers::{
            permille, shares, source_share, BudgetBand, ComplaintFigures, CustomerReport,
            FunnelLine, Reach, Share,
        },
        cycle::Histogram,
        period::PeriodQuery,
        sales::Range,
    },
    auth::Action,
    clock::day_start,
    crm::domain::{
        customer::Fuel,
        lead::{LeadStage, LostReason},
    },
    ctx::Ctx,
    db::Where,
    error::AppError,
};
use std::collections::BTreeMap;

/// The most distinct answers read for a free-text preference (the most common first).
const MAX_ANSWERS: i64 = 500;
const DAY_MS: i64 = 86_400_000;

/// `[from, to)` in UTC milliseconds: the range's China-time days.
fn bounds(range: Range) -> (i64, i64) {
    (
        day_start(range.from),
        day_start(range.to + chrono::Duration::days(1)),
    )
}

fn within(column: &str, range: Range, store: Option<i64>, store_column: &str) -> Where {
    let (from, to) = bounds(range);
    let mut w = Where::new();
    w.and_range(&format!("{column} >= ? AND {column} < ?"), from, to);
    if let Some(store) = store {
        w.and(&format!("{store_column} = ?"), store);
    }
    w
}

/// The customer report a caller asked for: readers of the reports may read it; a
/// store-bound role sees its own store's.
#[tracing::instrument(name = "analytics.customers", skip_all)]
pub async fn report(ctx: &Ctx, q: &PeriodQuery) -> Result<CustomerReport, AppError> {
    let p = ctx.require(Action::ViewAnalytics)?;
    let lang = ctx.lang();
    let r = q.check(ctx.today(), lang)?;
    let store = p.store_scope().or(r.store_id);
    let range = r.range;

    // Leads opened in the range: the funnel, per salesperson, per source, lost reasons.
    type LeadRow = (i64, String, String, i64, String, i64);
    let leads: Vec<LeadRow> = within("l.created_at", range, store, "l.store_id")
        .build(
            "SELECT COALESCE(l.owner_id, 0), l.source, l.stage, l.reached, l.lost_reason, COUNT(*)
             FROM leads l",
            "GROUP BY COALESCE(l.owner_id, 0), l.source, l.stage, l.reached, l.lost_reason",
        )
        .fetch_all(ctx.db())
        .await?;
    let mut all = Reach::default();
    let mut owners: BTreeMap<i64, Reach> = BTreeMap::new();
    let mut sources: BTreeMap<String, Reach> = BTreeMap::new();
    let mut reasons: BTreeMap<String, i64> = BTreeMap::new();
    for (owner, source, stage, reached, reason, n) in leads {
        let Some(stage) = LeadStage::parse(&stage) else {
            continue;
        };
        all.add(stage, reached, n);
        owners.entry(owner).or_default().add(stage, reached, n);
        sources.entry(source).or_default().add(stage, reached, n);
        if stage == LeadStage::Lost {
            *reasons.entry(reason).or_default() += n;
        }
    }
    let names = user_names(ctx, owners.keys().copied().filter(|id| *id > 0).collect()).await?;
    let mut salespeople: Vec<FunnelLine> = owners
        .into_iter()
        .map(|(owner_id, reach)| FunnelLine {
            owner_id,
            label: names
                .get(&owner_id)
                .cloned()
                .unwrap_or_else(|| lang.t("analytics.no_salesperson").to_owned()),
            leads: reach.leads,
            reached: reach.reached.to_vec(),
            won: reach.won,
            lost: reach.lost,
            win_permille: reach.win_permille(),
        })
        .collect();
    salespeople.sort_by(|a, b| b.leads.cmp(&a.leads).then(a.owner_id.cmp(&b.owner_id)));
    let mut source_lines: Vec<Share> = sources
        .iter()
        .map(|(s, reach)| source_share(s, lang, reach, all.leads))
        .collect();
    source_lines.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.key.cmp(&b.key)));
    let lost_reasons = shares(
        reasons
            .into_iter()
            .map(|(code, n)| {
                let label = LostReason::parse(&code)
                    .map(|r| lang.t(r.label_key()).to_owned())
                    .unwrap_or_else(|| lang.t("analytics.no_reason").to_owned());
                (code, label, n)
            })
            .collect(),
    );

    // Days from opening to winning, to the day.
    let days: Vec<(i64, i64)> = {
        let mut w = within("l.created_at", range, store, "l.store_id");
        w.and_sql("l.stage = 'won' AND l.closed_at IS NOT NULL");
        w.build(
            &format!("SELECT (l.closed_at - l.created_at) / {DAY_MS}, COUNT(*) FROM leads l"),
            &format!("GROUP BY (l.closed_at - l.created_at) / {DAY_MS}"),
        )
        .fetch_all(ctx.db())
        .await?
    };
    let mut to_win = Histogram::default();
    for (d, n) in days {
        let d = d.max(0);
        to_win.add(d, d + 1, n, d * n);
    }
    let day = |p: f64| to_win.percentile_ms(p).map(|d| (d * 10.0).round() / 10.0);

    // New profiles and what they want.
    let prefs = |column: &'static str| {
        let mut w = within("c.created_at", range, store, "c.store_id");
        w.and_sql("c.merged_into IS NULL");
        w.build(
            &format!("SELECT c.{column}, COUNT(*) FROM customers c"),
            &format!("GROUP BY c.{column} ORDER BY 2 DESC LIMIT {MAX_ANSWERS}"),
        )
    };
    let budgets_said: Vec<(String, i64)> = prefs("budget").fetch_all(ctx.db()).await?;
    let fuels_said: Vec<(String, i64)> = prefs("fuel").fetch_all(ctx.db()).await?;
    let models_said: Vec<(String, i64)> = prefs("preferred_models").fetch_all(ctx.db()).await?;
    let new_customers: i64 = {
        let mut w = within("c.created_at", range, store, "c.store_id");
        w.and_sql("c.merged_into IS NULL");
        w.build("SELECT COUNT(*) FROM customers c", "")
            .scalar(ctx.db())
            .await?
    };
    let mut bands: BTreeMap<BudgetBand, i64> = BTreeMap::new();
    for (said, n) in budgets_said {
        *bands.entry(BudgetBand::read(&said)).or_default() += n;
    }
    let budgets = BudgetBand::ALL
        .iter()
        .filter_map(|b| {
            let n = bands.get(b).copied().unwrap_or(0);
            (n > 0).then(|| Share {
                key: b.code().to_owned(),
                label: b.label(lang).to_owned(),
                count: n,
                share_permille: permille(n, new_customers),
                won: None,
                win_permille: None,
            })
        })
        .collect();
    let fuels = shares(
        fuels_said
            .into_iter()
            .map(|(code, n)| {
                let label = Fuel::parse(&code)
                    .map(|f| lang.t(f.label_key()).to_owned())
                    .unwrap_or_else(|| lang.t("analytics.not_said").to_owned());
                (code, label, n)
            })
            .collect(),
    );
    let catalog: Vec<(i64, String, String)> =
        crate::db::sql("SELECT id, name, name_en FROM models ORDER BY id")
            .fetch_all(ctx.db())
            .await?;
    let mut wanted: BTreeMap<i64, i64> = BTreeMap::new();
    for (said, n) in &models_said {
        let said = said.to_lowercase();
        if said.trim().is_empty() {
            continue;
        }
        for (id, name, en) in &catalog {
            if said.contains(&name.to_lowercase())
                || (!en.is_empty() && said.contains(&en.to_lowercase()))
            {
                *wanted.entry(*id).or_default() += n;
            }
        }
    }
    let mut models: Vec<Share> = catalog
        .iter()
        .filter_map(|(id, name, _)| {
            let n = wanted.get(id).copied().unwrap_or(0);
            (n > 0).then(|| Share {
                key: id.to_string(),
                label: name.clone(),
                count: n,
                share_permille: permille(n, new_customers),
                won: None,
                win_permille: None,
            })
        })
        .collect();
    models.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.key.cmp(&b.key)));

    // Repeat purchase, all time.
    let (buyers, repeat_buyers): (i64, i64) = {
        let mut w = Where::new();
        w.and_sql("p.units > 0");
        if let Some(store) = store {
            w.and("p.store_id = ?", store);
        }
        w.build(
            "SELECT COUNT(*), CAST(COALESCE(SUM(CASE WHEN p.units >= 2 THEN 1 ELSE 0 END), 0) AS BIGINT)
             FROM customer_purchases p",
            "",
        )
        .fetch_one(ctx.db())
        .await?
    };

    let (satisfaction, per_store, advisors, salespeople_scores) =
        satisfaction(ctx, range, store).await?;
    let complaints = complaints(ctx, range, store).await?;
    Ok(CustomerReport {
        range,
        store_id: store,
        leads: all.leads,
        won: all.won,
        lost: all.lost,
        win_permille: all.win_permille(),
        funnel: all.funnel(),
        salespeople,
        sources: source_lines,
        lost_reasons,
        days_to_win_median: day(0.5),
        days_to_win_p90: day(0.9),
        new_customers,
        budgets,
        fuels,
        models,
        buyers,
        repeat_buyers,
        repeat_permille: permille(repeat_buyers, buyers),
        satisfaction,
        satisfaction_stores: per_store,
        satisfaction_advisors: advisors,
        satisfaction_salespeople: salespeople_scores,
        complaints,
    })
}

/// The funnel of the leads opened in a range (the dashboard's).
pub(crate) async fn funnel(ctx: &Ctx, range: Range, store: Option<i64>) -> Result<Reach, AppError> {
    let rows: Vec<(String, i64, i64)> = within("l.created_at", range, store, "l.store_id")
        .build(
            "SELECT l.stage, l.reached, COUNT(*) FROM leads l",
            "GROUP BY l.stage, l.reached",
        )
        .fetch_all(ctx.db())
        .await?;
    let mut reach = Reach::default();
    for (stage, reached, n) in rows {
        if let Some(stage) = LeadStage::parse(&stage) {
            reach.add(stage, reached, n);
        }
    }
    Ok(reach)
}

/// Users' display names by id.
pub(crate) async fn user_names(
    ctx: &Ctx,
    ids: Vec<i64>,
) -> Result<BTreeMap<i64, String>, AppError> {
    if ids.is_empty() {
        return Ok(BTreeMap::new());
    }
    let mut w = Where::new();
    w.and_in("id", ids.into_iter().map(Into::into).collect());
    Ok(w.build("SELECT id, display_name FROM users", "")
        .fetch_all::<(i64, String)>(ctx.db())
        .await?
        .into_iter()
        .collect())
}

/// Ratings answered in the range: all together, per store, per advisor (service visits)
/// and per salesperson (orders).
async fn satisfaction(
    ctx: &Ctx,
    range: Range,
    store: Option<i64>,
) -> Result<(Score, Vec<Score>, Vec<Score>, Vec<Score>), AppError> {
    const FIGURES: &str = "CAST(COUNT(*) AS BIGINT), CAST(COALESCE(SUM(r.stars), 0) AS BIGINT),
        CAST(COALESCE(SUM(CASE WHEN r.nps >= 9 THEN 1 ELSE 0 END), 0) AS BIGINT),
        CAST(COALESCE(SUM(CASE WHEN r.nps <= 6 THEN 1 ELSE 0 END), 0) AS BIGINT)";
    type Counts = (i64, String, i64, i64, i64, i64);
    let answered = || within("r.answered_at", range, store, "r.store_id");
    let scores = |rows: Vec<Counts>, group: &str| -> Vec<Score> {
        rows.into_iter()
            .map(|(id, name, n, stars, pro, det)| {
                Score::from_counts(id, name, group, n, stars, pro, det)
            })
            .collect()
    };
    let (n, stars, pro, det): (i64, i64, i64, i64) = answered()
        .build(&format!("SELECT {FIGURES} FROM ratings r"), "")
        .fetch_one(ctx.db())
        .await?;
    let all = Score::from_counts(0, String::new(), "all", n, stars, pro, det);
    let stores: Vec<Counts> = answered()
        .build(
            &format!("SELECT r.store_id, s.name, {FIGURES} FROM ratings r JOIN stores s ON s.id = r.store_id"),
            "GROUP BY r.store_id, s.name ORDER BY r.store_id",
        )
        .fetch_all(ctx.db())
        .await?;
    let staff = |kind: &'static str| {
        let mut w = answered();
        w.and("r.subject_kind = ?", kind);
        w.build(
            &format!("SELECT r.staff_id, u.display_name, {FIGURES} FROM ratings r JOIN users u ON u.id = r.staff_id"),
            "GROUP BY r.staff_id, u.display_name ORDER BY r.staff_id",
        )
    };
    let advisors: Vec<Counts> = staff("appointment").fetch_all(ctx.db()).await?;
    let sales: Vec<Counts> = staff("order").fetch_all(ctx.db()).await?;
    Ok((
        all,
        scores(stores, "store"),
        scores(advisors, "advisor"),
        scores(sales, "salesperson"),
    ))
}

/// Complaints made in the range (drafts not counted) and how they were handled.
async fn complaints(
    ctx: &Ctx,
    range: Range,
    store: Option<i64>,
) -> Result<ComplaintFigures, AppError> {
    let mut w = within("c.created_at", range, store, "c.store_id");
    w.and_sql("c.status <> 'draft'");
    type Row = (String, String, i64, i64, i64);
    let rows: Vec<Row> = w
        .build(
            "SELECT c.severity, c.status, COUNT(*),
                    CAST(COALESCE(SUM(CASE WHEN c.responded_at IS NOT NULL AND c.responded_at <= c.due_at
                                           THEN 1 ELSE 0 END), 0) AS BIGINT),
                    CAST(COALESCE(SUM(CASE WHEN c.resolved_at IS NOT NULL AND c.resolved_at <= c.due_at
                                           THEN 1 ELSE 0 END), 0) AS BIGINT)
             FROM complaints c",
            "GROUP BY c.severity, c.status",
        )
        .fetch_all(ctx.db())
        .await?;
    let mut f = ComplaintFigures::default();
    let mut severities: BTreeMap<String, i64> = BTreeMap::new();
    for (severity, status, n, responded, resolved) in rows {
        f.made += n;
        match status.as_str() {
            "resolved" | "closed" => f.settled += n,
            _ => f.open += n,
        }
        f.responded_on_time += responded;
        f.resolved_on_time += resolved;
        *severities.entry(severity).or_default() += n;
    }
    f.response_permille = permille(f.responded_on_time, f.made);
    f.resolution_permille = permille(f.resolved_on_time, f.made);
    let lang = ctx.lang();
    f.by_severity = [Severity::Urgent, Severity::Serious, Severity::Normal]
        .iter()
        .map(|s| {
            let n = severities.get(s.code()).copied().unwrap_or(0);
            Share {
                key: s.code().to_owned(),
                label: lang.t(s.label_key()).to_owned(),
                count: n,
                share_permille: permille(n, f.made),
                won: None,
                win_permille: None,
            }
        })
        .collect();
    Ok(f)
}
