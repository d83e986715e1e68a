//! Each report's tables, as the page shows them and the .xlsx export writes them: one
//! function per report, so the two can never disagree.

use super::domain::{
    customers::{CustomerReport, Share},
    cycle::{CycleLine, CycleReport, CycleStep},
    dashboard::Dashboard,
    outlook::Outlook,
    sales::{Figures, SalesReport},
    turnover::{TurnoverLine, TurnoverReport},
};
use crate::{
    aftersales::domain::rating::Score,
    components::{Cell, Sheet},
    i18n::Lang,
};

fn cols(lang: Lang, keys: &[&'static str]) -> Vec<String> {
    keys.iter().map(|k| lang.t(k).to_owned()).collect()
}

fn figure_cells(f: &Figures) -> Vec<Cell> {
    let mut cells = vec![
        Cell::Int(f.units),
        Cell::Fen(f.revenue),
        Cell::Fen(f.paid),
        Cell::Fen(f.discount),
    ];
    if let Some(m) = f.margin {
        cells.push(Cell::Fen(m));
    }
    cells
}

fn figure_columns(lang: Lang, margins: bool) -> Vec<String> {
    let mut c = cols(
        lang,
        &[
            "analytics.units",
            "analytics.revenue",
            "analytics.paid",
            "analytics.discount",
        ],
    );
    if margins {
        c.push(lang.t("analytics.margin").to_owned());
    }
    c
}

/// The sales report: the period against the two it is compared with, the breakdown, the
/// trend.
pub fn sales(r: &SalesReport, lang: Lang) -> Vec<Sheet> {
    let margins = r.totals.margin.is_some();
    let mut columns = vec![lang.t("analytics.period").to_owned()];
    columns.push(lang.t("analytics.range").to_owned());
    columns.extend(figure_columns(lang, margins));
    let period = |key: &'static str, range: super::domain::sales::Range, f: &Figures| {
        let mut row = vec![
            Cell::text(lang.t(key)),
            Cell::text(format!("{} ~ {}", range.from, range.to)),
        ];
        row.extend(figure_cells(f));
        row
    };
    let summary = Sheet {
        id: "sales-summary",
        title: lang.t("analytics.summary").to_owned(),
        columns,
        rows: vec![
            period("analytics.this_period", r.range, &r.totals),
            period("analytics.previous_period", r.previous_range, &r.previous),
            period("analytics.last_year", r.last_year_range, &r.last_year),
        ],
    };
    let mut columns = vec![lang.t(r.by.label_key()).to_owned()];
    columns.extend(figure_columns(lang, margins));
    columns.push(lang.t("analytics.share").to_owned());
    let rows = r
        .rows
        .iter()
        .map(|l| {
            let mut row = vec![Cell::text(l.label.clone())];
            row.extend(figure_cells(&l.figures));
            row.push(Cell::Permille(l.share_permille));
            row
        })
        .collect();
    let breakdown = Sheet {
        id: "sales-breakdown",
        title: lang.tf("analytics.by_title", &[("by", lang.t(r.by.label_key()))]),
        columns,
        rows,
    };
    let trend = Sheet {
        id: "sales-trend",
        title: lang.t("analytics.trend").to_owned(),
        columns: cols(
            lang,
            &[
                "analytics.bucket_col",
                "analytics.units",
                "analytics.revenue",
                "analytics.units_last_year",
                "analytics.revenue_last_year",
            ],
        ),
        rows: r
            .trend
            .iter()
            .map(|p| {
                vec![
                    Cell::text(p.label.clone()),
                    Cell::Int(p.figures.units),
                    Cell::Fen(p.figures.revenue),
                    Cell::Int(p.last_year.units),
                    Cell::Fen(p.last_year.revenue),
                ]
            })
            .collect(),
    };
    vec![summary, breakdown, trend]
}

fn step_cells(line: &CycleLine) -> Vec<Cell> {
    let mut row = vec![Cell::text(line.label.clone())];
    let total = line.steps.iter().find(|s| s.step == CycleStep::Total);
    row.push(Cell::Int(total.map(|t| t.orders).unwrap_or(0)));
    for s in &line.steps {
        row.push(Cell::Hours(s.median_hours));
    }
    row.push(Cell::Hours(total.and_then(|t| t.p90_hours)));
    row
}

fn step_columns(lang: Lang, first: &'static str) -> Vec<String> {
    let mut c = vec![
        lang.t(first).to_owned(),
        lang.t("analytics.completed").to_owned(),
    ];
    for s in CycleStep::ALL {
        c.push(lang.tf("analytics.median_of", &[("step", lang.t(s.label_key()))]));
    }
    c.push(lang.t("analytics.total_p90").to_owned());
    c
}

/// The cycle report: each step over the range and the months before, per store, per
/// salesperson, per month.
pub fn cycle(r: &CycleReport, lang: Lang) -> Vec<Sheet> {
    let steps = Sheet {
        id: "cycle-steps",
        title: lang.t("analytics.cycle_steps").to_owned(),
        columns: cols(
            lang,
            &[
                "analytics.step",
                "analytics.orders",
                "analytics.median",
                "analytics.p90",
                "analytics.mean",
                "analytics.previous_median",
                "analytics.change",
            ],
        ),
        rows: r
            .totals
            .iter()
            .zip(&r.previous)
            .map(|(now, before)| {
                vec![
                    Cell::text(lang.t(now.step.label_key())),
                    Cell::Int(now.orders),
                    Cell::Hours(now.median_hours),
                    Cell::Hours(now.p90_hours),
                    Cell::Hours(now.mean_hours),
                    Cell::Hours(before.median_hours),
                    Cell::Permille(super::domain::cycle::change_permille_f(
                        now.median_hours,
                        before.median_hours,
                    )),
                ]
            })
            .collect(),
    };
    let stores = Sheet {
        id: "cycle-stores",
        title: lang.t("analytics.by_store").to_owned(),
        columns: step_columns(lang, "analytics.by.store"),
        rows: r.stores.iter().map(step_cells).collect(),
    };
    let people = Sheet {
        id: "cycle-salespeople",
        title: lang.t("analytics.by_salesperson").to_owned(),
        columns: step_columns(lang, "analytics.by.salesperson"),
        rows: r.salespeople.iter().map(step_cells).collect(),
    };
    let trend = Sheet {
        id: "cycle-trend",
        title: lang.t("analytics.by_month").to_owned(),
        columns: step_columns(lang, "analytics.month"),
        rows: r
            .trend
            .iter()
            .map(|m| {
                step_cells(&CycleLine {
                    key: 0,
                    label: m.month.clone(),
                    steps: m.steps.clone(),
                })
            })
            .collect(),
    };
    vec![steps, stores, people, trend]
}

fn share_sheet(id: &'static str, title: String, first: String, lang: Lang, s: &[Share]) -> Sheet {
    let with_wins = s.iter().any(|s| s.won.is_some());
    let mut columns = vec![
        first,
        lang.t("analytics.count").to_owned(),
        lang.t("analytics.share").to_owned(),
    ];
    if with_wins {
        columns.push(lang.t("analytics.won").to_owned());
        columns.push(lang.t("analytics.win_rate").to_owned());
    }
    Sheet {
        id,
        title,
        columns,
        rows: s
            .iter()
            .map(|s| {
                let mut row = vec![
                    Cell::text(s.label.clone()),
                    Cell::Int(s.count),
                    Cell::Permille(s.share_permille),
                ];
                if with_wins {
                    row.push(Cell::Int(s.won.unwrap_or(0)));
                    row.push(Cell::Permille(s.win_permille));
                }
                row
            })
            .collect(),
    }
}

fn score_rows(group: &str, scores: &[Score], lang: Lang) -> Vec<Vec<Cell>> {
    scores
        .iter()
        .map(|s| {
            vec![
                Cell::text(lang.t(match group {
                    "store" => "analytics.by.store",
                    "advisor" => "analytics.advisor",
                    _ => "analytics.by.salesperson",
                })),
                Cell::text(s.name.clone()),
                Cell::Int(s.answers),
                Cell::Num(Some(s.avg_stars)),
                Cell::Int(s.nps),
            ]
        })
        .collect()
}

/// The customer report: funnel, salespeople, sources, lost reasons, what new customers
/// want, satisfaction and complaints.
pub fn customers(r: &CustomerReport, lang: Lang) -> Vec<Sheet> {
    let funnel = Sheet {
        id: "customers-funnel",
        title: lang.t("analytics.funnel").to_owned(),
        columns: cols(
            lang,
            &[
                "analytics.stage",
                "analytics.reached",
                "analytics.of_leads",
                "analytics.from_previous",
            ],
        ),
        rows: r
            .funnel
            .iter()
            .map(|s| {
                vec![
                    Cell::text(lang.t(s.stage.label_key())),
                    Cell::Int(s.reached),
                    Cell::Permille(s.of_leads_permille),
                    Cell::Permille(s.from_previous_permille),
                ]
            })
            .collect(),
    };
    let mut columns = vec![
        lang.t("analytics.by.salesperson").to_owned(),
        lang.t("analytics.leads").to_owned(),
    ];
    for (stage, _) in super::domain::customers::FUNNEL.iter().skip(1) {
        columns.push(lang.t(stage.label_key()).to_owned());
    }
    columns.push(lang.t("lead.stage.lost").to_owned());
    columns.push(lang.t("analytics.win_rate").to_owned());
    let salespeople = Sheet {
        id: "customers-salespeople",
        title: lang.t("analytics.funnel_by_salesperson").to_owned(),
        columns,
        rows: r
            .salespeople
            .iter()
            .map(|l| {
                let mut row = vec![Cell::text(l.label.clone()), Cell::Int(l.leads)];
                row.extend(l.reached.iter().skip(1).map(|n| Cell::Int(*n)));
                row.push(Cell::Int(l.lost));
                row.push(Cell::Permille(l.win_permille));
                row
            })
            .collect(),
    };
    let sources = share_sheet(
        "customers-sources",
        lang.t("analytics.sources").to_owned(),
        lang.t("customer.source").to_owned(),
        lang,
        &r.sources,
    );
    let reasons = share_sheet(
        "customers-lost",
        lang.t("analytics.lost_reasons").to_owned(),
        lang.t("analytics.reason").to_owned(),
        lang,
        &r.lost_reasons,
    );
    let budgets = share_sheet(
        "customers-budgets",
        lang.t("analytics.budgets").to_owned(),
        lang.t("customer.budget").to_owned(),
        lang,
        &r.budgets,
    );
    let fuels = share_sheet(
        "customers-fuels",
        lang.t("analytics.fuels").to_owned(),
        lang.t("customer.fuel").to_owned(),
        lang,
        &r.fuels,
    );
    let models = share_sheet(
        "customers-models",
        lang.t("analytics.wanted_models").to_owned(),
        lang.t("vehicle.model").to_owned(),
        lang,
        &r.models,
    );
    let mut rows = score_rows("store", &r.satisfaction_stores, lang);
    rows.extend(score_rows("advisor", &r.satisfaction_advisors, lang));
    rows.extend(score_rows("salesperson", &r.satisfaction_salespeople, lang));
    let satisfaction = Sheet {
        id: "customers-satisfaction",
        title: lang.t("analytics.satisfaction").to_owned(),
        columns: cols(
            lang,
            &[
                "analytics.group",
                "rating.who",
                "rating.answers",
                "rating.avg_stars",
                "rating.nps_short",
            ],
        ),
        rows,
    };
    let c = &r.complaints;
    let complaints = Sheet {
        id: "customers-complaints",
        title: lang.t("analytics.complaints").to_owned(),
        columns: cols(lang, &["analytics.figure", "analytics.value"]),
        rows: vec![
            vec![
                Cell::text(lang.t("analytics.complaints_made")),
                Cell::Int(c.made),
            ],
            vec![
                Cell::text(lang.t("analytics.complaints_open")),
                Cell::Int(c.open),
            ],
            vec![
                Cell::text(lang.t("analytics.complaints_settled")),
                Cell::Int(c.settled),
            ],
            vec![
                Cell::text(lang.t("analytics.response_on_time")),
                Cell::Permille(c.response_permille),
            ],
            vec![
                Cell::text(lang.t("analytics.resolution_on_time")),
                Cell::Permille(c.resolution_permille),
            ],
        ]
        .into_iter()
        .chain(c.by_severity.iter().map(|s| {
            vec![
                Cell::text(format!("{} · {}", lang.t("complaint.severity"), s.label)),
                Cell::Int(s.count),
            ]
        }))
        .collect(),
    };
    vec![
        funnel,
        salespeople,
        sources,
        reasons,
        budgets,
        fuels,
        models,
        satisfaction,
        complaints,
    ]
}

fn turnover_columns(lang: Lang, first: &'static str) -> Vec<String> {
    let mut c = vec![lang.t(first).to_owned()];
    c.extend(cols(
        lang,
        &[
            "analytics.on_hand",
            "analytics.in_transit",
            "analytics.stock_value",
            "analytics.sold",
            "analytics.turnover",
            "analytics.days_of_supply",
            "analytics.days_in_stock",
            "analytics.age_0_30",
            "analytics.age_31_60",
            "analytics.age_61_90",
            "analytics.age_90",
            "analytics.holding_cost",
        ],
    ));
    c
}

fn turnover_cells(l: &TurnoverLine) -> Vec<Cell> {
    let mut row = vec![
        Cell::text(l.label.clone()),
        Cell::Int(l.on_hand),
        Cell::Int(l.in_transit),
        Cell::Fen(l.value),
        Cell::Int(l.sold),
        Cell::Num(l.turnover),
        Cell::Num(l.days_of_supply),
        Cell::Num(l.days_in_stock),
    ];
    row.extend(l.aged.iter().map(|n| Cell::Int(*n)));
    row.push(Cell::Fen(l.holding_cost));
    row
}

/// The turnover report: per model, per store, and the slow specs.
pub fn turnover(r: &TurnoverReport, lang: Lang) -> Vec<Sheet> {
    let mut model_rows: Vec<Vec<Cell>> = r.models.iter().map(turnover_cells).collect();
    model_rows.push(turnover_cells(&r.totals));
    let models = Sheet {
        id: "turnover-models",
        title: lang.t("analytics.by_model").to_owned(),
        columns: turnover_columns(lang, "analytics.by.model"),
        rows: model_rows,
    };
    let stores = Sheet {
        id: "turnover-stores",
        title: lang.t("analytics.by_store").to_owned(),
        columns: turnover_columns(lang, "analytics.by.store"),
        rows: r.stores.iter().map(turnover_cells).collect(),
    };
    let slow = Sheet {
        id: "turnover-slow",
        title: lang.t("analytics.slow_movers").to_owned(),
        columns: cols(
            lang,
            &[
                "analytics.spec",
                "analytics.by.store",
                "analytics.on_hand",
                "analytics.sold",
                "analytics.days_of_supply",
                "analytics.oldest_days",
                "analytics.stock_value",
            ],
        ),
        rows: r
            .slow
            .iter()
            .map(|s| {
                vec![
                    Cell::Link(
                        s.label.clone(),
                        format!(
                            "/inventory/vehicles?model_id={}&trim_id={}&color_id={}&status=in_stock",
                            s.model_id, s.trim_id, s.color_id
                        ),
                    ),
                    Cell::text(s.store_name.clone()),
                    Cell::Int(s.on_hand),
                    Cell::Int(s.sold),
                    Cell::Num(s.days_of_supply),
                    Cell::Int(s.oldest_days),
                    Cell::Fen(s.value),
                ]
            })
            .collect(),
    };
    vec![models, stores, slow]
}

/// The outlook: per model, the forecast, its error against the naive one, and the
/// suggestion with its reason.
pub fn outlook(o: &Outlook, lang: Lang) -> Vec<Sheet> {
    let mut columns = cols(
        lang,
        &[
            "analytics.by.model",
            "analytics.method",
            "analytics.recent_sales",
        ],
    );
    columns.push(lang.tf(
        "analytics.forecast_weeks",
        &[("n", &o.lead_weeks.to_string())],
    ));
    columns.extend(cols(
        lang,
        &[
            "analytics.in_stock",
            "analytics.in_transit",
            "analytics.backlog",
            "analytics.suggestion",
            "analytics.mase",
            "analytics.naive_mase",
            "analytics.reason",
        ],
    ));
    let rows = o
        .models
        .iter()
        .map(|m| {
            let recent: i64 = m.history.iter().rev().take(8).sum();
            let ahead: f64 = m.forecast.iter().take(o.lead_weeks).sum();
            vec![
                Cell::text(m.model_name.clone()),
                Cell::text(lang.t(method_key(m.method))),
                Cell::Int(recent),
                Cell::Num(Some(ahead)),
                Cell::Int(m.in_stock),
                Cell::Int(m.in_transit),
                Cell::Int(m.backlog),
                Cell::Int(m.suggestion.quantity),
                Cell::Num(m.backtest.as_ref().and_then(|b| b.mase)),
                Cell::Num(m.backtest.as_ref().and_then(|b| b.naive_mase)),
                Cell::text(m.reason.clone()),
            ]
        })
        .collect();
    vec![Sheet {
        id: "outlook-models",
        title: lang.t("analytics.outlook").to_owned(),
        columns,
        rows,
    }]
}

pub fn method_key(m: super::domain::forecast::Method) -> &'static str {
    use super::domain::forecast::Method;
    match m {
        Method::HoltWinters => "analytics.method.holt_winters",
        Method::Holt => "analytics.method.holt",
        Method::Mean => "analytics.method.mean",
    }
}

/// The dashboard: its figures, the trend, this month by model, the funnel, stock by age.
pub fn dashboard(d: &Dashboard, lang: Lang) -> Vec<Sheet> {
    let mut kpis: Vec<Vec<Cell>> = Vec::new();
    let mut add = |key: &'static str, cell: Cell| kpis.push(vec![Cell::text(lang.t(key)), cell]);
    if let Some(n) = d.orders_today {
        add("analytics.kpi.orders_today", Cell::Int(n));
    }
    add("analytics.kpi.sold_today", Cell::Int(d.sold_today.units));
    add(
        "analytics.kpi.revenue_today",
        Cell::Fen(d.sold_today.revenue),
    );
    if let Some(n) = d.pending_approvals {
        add("analytics.kpi.pending", Cell::Int(n));
    }
    add("analytics.kpi.stock_units", Cell::Int(d.stock_units));
    add("analytics.kpi.stock_value", Cell::Fen(d.stock_value));
    add("analytics.kpi.aged", Cell::Int(d.aged_units));
    if let Some(n) = d.overdue_follow_ups {
        add("analytics.kpi.overdue", Cell::Int(n));
    }
    if let Some(n) = d.open_complaints {
        add("analytics.kpi.complaints", Cell::Int(n));
    }
    add("analytics.kpi.month_units", Cell::Int(d.month.units));
    add("analytics.kpi.month_revenue", Cell::Fen(d.month.revenue));
    if let Some(t) = d.month.target_units {
        add("analytics.kpi.target_units", Cell::Int(t));
    }
    if let Some(t) = d.month.target_revenue {
        add("analytics.kpi.target_revenue", Cell::Fen(t));
    }
    add(
        "analytics.kpi.target_done",
        Cell::Permille(d.month.revenue_permille),
    );
    let figures = Sheet {
        id: "dashboard-figures",
        title: lang.t("analytics.figures").to_owned(),
        columns: cols(lang, &["analytics.figure", "analytics.value"]),
        rows: kpis,
    };
    let trend = Sheet {
        id: "dashboard-trend",
        title: lang.t("analytics.trend_12").to_owned(),
        columns: cols(
            lang,
            &[
                "analytics.month",
                "analytics.units",
                "analytics.revenue",
                "analytics.units_last_year",
                "analytics.revenue_last_year",
            ],
        ),
        rows: d
            .trend
            .iter()
            .map(|p| {
                vec![
                    Cell::text(p.label.clone()),
                    Cell::Int(p.figures.units),
                    Cell::Fen(p.figures.revenue),
                    Cell::Int(p.last_year.units),
                    Cell::Fen(p.last_year.revenue),
                ]
            })
            .collect(),
    };
    let models = Sheet {
        id: "dashboard-models",
        title: lang.t("analytics.month_by_model").to_owned(),
        columns: cols(
            lang,
            &[
                "analytics.by.model",
                "analytics.units",
                "analytics.revenue",
                "analytics.share",
            ],
        ),
        rows: d
            .models
            .iter()
            .map(|l| {
                vec![
                    Cell::text(l.label.clone()),
                    Cell::Int(l.figures.units),
                    Cell::Fen(l.figures.revenue),
                    Cell::Permille(l.share_permille),
                ]
            })
            .collect(),
    };
    let funnel = Sheet {
        id: "dashboard-funnel",
        title: lang.t("analytics.month_funnel").to_owned(),
        columns: cols(
            lang,
            &[
                "analytics.stage",
                "analytics.reached",
                "analytics.from_previous",
            ],
        ),
        rows: d
            .funnel
            .iter()
            .map(|s| {
                vec![
                    Cell::text(lang.t(s.stage.label_key())),
                    Cell::Int(s.reached),
                    Cell::Permille(s.from_previous_permille),
                ]
            })
            .collect(),
    };
    let aging = Sheet {
        id: "dashboard-aging",
        title: lang.t("analytics.aging").to_owned(),
        columns: cols(lang, &["analytics.age_band", "analytics.units"]),
        rows: AGE_KEYS
            .iter()
            .zip(&d.aging)
            .map(|(k, n)| vec![Cell::text(lang.t(k)), Cell::Int(*n)])
            .collect(),
    };
    vec![figures, trend, models, funnel, aging]
}

/// The age bands' names, in order.
pub const AGE_KEYS: [&str; 4] = [
    "analytics.age_0_30",
    "analytics.age_31_60",
    "analytics.age_61_90",
    "analytics.age_90",
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analytics::domain::cycle::{CycleMonth, MonthRange, StepFigures};
    use chrono::NaiveDate;

    #[test]
    fn every_row_has_a_cell_for_every_column() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let steps: Vec<StepFigures> = CycleStep::ALL
            .iter()
            .map(|s| StepFigures::none(*s))
            .collect();
        let r = CycleReport {
            months: MonthRange {
                from: d("2026-01-01"),
                to: d("2026-02-01"),
            },
            previous_months: MonthRange {
                from: d("2025-11-01"),
                to: d("2025-12-01"),
            },
            store_id: None,
            totals: steps.clone(),
            previous: steps.clone(),
            total_median_change_permille: None,
            stores: vec![CycleLine {
                key: 1,
                label: "SH01".into(),
                steps: steps.clone(),
            }],
            salespeople: vec![],
            trend: vec![CycleMonth {
                month: "2026-01".into(),
                steps,
            }],
        };
        for sheet in cycle(&r, Lang::ZhCn) {
            for row in &sheet.rows {
                assert_eq!(row.len(), sheet.columns.len(), "{}", sheet.id);
            }
        }
    }
}
