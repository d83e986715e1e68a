//! Order cycle time, read from the counts the database keeps per month, store,
//! salesperson, step and bucket (`order_cycles`, kept by triggers on every order write):
//! a range of years reads a few thousand rows however many orders there are.

use crate::{
    analytics::domain::cycle::{
        change_permille_f, CycleLine, CycleMonth, CycleQuery, CycleReport, CycleStep, Histogram,
        MonthRange, StepFigures,
    },
    auth::Action,
    ctx::Ctx,
    db::Where,
    error::AppError,
};
use std::collections::BTreeMap;

/// A group's key, the step, the bucket's bounds, its count and summed time.
type Row = (String, String, i64, i64, i64, i64);

/// Histograms per group key and step.
type Groups = BTreeMap<String, BTreeMap<&'static str, Histogram>>;

async fn grouped(
    ctx: &Ctx,
    months: MonthRange,
    store: Option<i64>,
    key: Option<&str>,
) -> Result<Groups, AppError> {
    // Everything together is one group named `all` (a constant is never grouped by:
    // PostgreSQL refuses one).
    let (select, group) = match key {
        Some(k) => (k.to_owned(), format!("{k}, ")),
        None => ("'all'".to_owned(), String::new()),
    };
    let mut w = Where::new();
    w.and_range(
        "c.month >= ? AND c.month <= ?",
        months.first_label(),
        months.last_label(),
    );
    if let Some(store) = store {
        w.and("c.store_id = ?", store);
    }
    let rows: Vec<Row> = w
        .build(
            &format!(
                "SELECT {select}, c.stage, b.lo_ms, b.hi_ms, CAST(SUM(c.orders) AS BIGINT),
                        CAST(SUM(c.total_ms) AS BIGINT)
                 FROM order_cycles c JOIN cycle_buckets b ON b.bucket = c.bucket"
            ),
            &format!("GROUP BY {group}c.stage, b.lo_ms, b.hi_ms HAVING SUM(c.orders) > 0"),
        )
        .fetch_all(ctx.db())
        .await?;
    let mut groups = Groups::new();
    for (k, stage, lo, hi, n, sum) in rows {
        if let Some(step) = CycleStep::parse(&stage) {
            groups
                .entry(k)
                .or_default()
                .entry(step.code())
                .or_default()
                .add(lo, hi, n, sum);
        }
    }
    Ok(groups)
}

fn steps(h: Option<&BTreeMap<&'static str, Histogram>>) -> Vec<StepFigures> {
    CycleStep::ALL
        .iter()
        .map(|s| match h.and_then(|h| h.get(s.code())) {
            Some(h) => h.figures(*s),
            None => StepFigures::none(*s),
        })
        .collect()
}

/// The cycle report a caller asked for: sales managers, the general manager, inventory
/// clerks and admins may read it; a store-bound role sees its own store's.
#[tracing::instrument(name = "analytics.cycle", skip_all)]
pub async fn report(ctx: &Ctx, q: &CycleQuery) -> Result<CycleReport, AppError> {
    let p = ctx.require(Action::ViewAnalytics)?;
    let r = q.check(ctx.today(), ctx.lang())?;
    let store = p.store_scope().or(r.store_id);
    let previous_months = r.months.previous();

    let all = grouped(ctx, r.months, store, None).await?;
    let before = grouped(ctx, previous_months, store, None).await?;
    let by_month = grouped(ctx, r.months, store, Some("c.month")).await?;
    let by_store = grouped(ctx, r.months, store, Some("CAST(c.store_id AS TEXT)")).await?;
    let by_person = grouped(ctx, r.months, store, Some("CAST(c.salesperson_id AS TEXT)")).await?;

    let names: BTreeMap<i64, String> = crate::db::sql("SELECT id, name FROM stores")
        .fetch_all::<(i64, String)>(ctx.db())
        .await?
        .into_iter()
        .collect();
    let mut people: BTreeMap<i64, String> = BTreeMap::new();
    let ids: Vec<i64> = by_person
        .keys()
        .filter_map(|k| k.parse().ok())
        .filter(|id| *id > 0)
        .collect();
    if !ids.is_empty() {
        let mut w = Where::new();
        w.and_in("id", ids.into_iter().map(Into::into).collect());
        people = w
            .build("SELECT id, display_name FROM users", "")
            .fetch_all::<(i64, String)>(ctx.db())
            .await?
            .into_iter()
            .collect();
    }
    let lines = |groups: &Groups, label: &dyn Fn(i64) -> String| -> Vec<CycleLine> {
        let mut out: Vec<CycleLine> = groups
            .iter()
            .filter_map(|(k, h)| {
                let key: i64 = k.parse().ok()?;
                Some(CycleLine {
                    key,
                    label: label(key),
                    steps: steps(Some(h)),
                })
            })
            .collect();
        // Most orders completed first.
        out.sort_by(|a, b| {
            let done = |l: &CycleLine| l.steps.last().map(|s| s.orders).unwrap_or(0);
            done(b).cmp(&done(a)).then(a.key.cmp(&b.key))
        });
        out
    };
    let stores = lines(&by_store, &|id| names.get(&id).cloned().unwrap_or_default());
    let salespeople = lines(&by_person, &|id| {
        people
            .get(&id)
            .cloned()
            .unwrap_or_else(|| ctx.t("analytics.no_salesperson").to_owned())
    });
    let trend = r
        .months
        .labels()
        .into_iter()
        .map(|month| CycleMonth {
            steps: steps(by_month.get(&month)),
            month,
        })
        .collect();
    let totals = steps(all.get("all"));
    let previous = steps(before.get("all"));
    let median = |s: &[StepFigures]| s.last().and_then(|t| t.median_hours);
    Ok(CycleReport {
        months: r.months,
        previous_months,
        store_id: store,
        total_median_change_permille: change_permille_f(median(&totals), median(&previous)),
        totals,
        previous,
        stores,
        salespeople,
        trend,
    })
}
