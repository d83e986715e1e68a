//! Demand forecasting from weekly sales: Holt-Winters exponential smoothing with additive
//! trend and additive seasonality (ETS(A,A,A)), its smoothing parameters chosen by a grid
//! search on one-step-ahead squared error, and a backtest that states the error (MAPE and
//! MASE) beside a naive forecast's.
//!
//! Short histories fall back step by step: fewer than two full seasons → Holt's linear
//! trend (no seasonality); fewer than four points → the mean. Sales are never negative,
//! so neither is a forecast.

use serde::{Deserialize, Serialize};

/// Weeks in a year of weekly sales: the season of a car's demand.
pub const WEEKS_PER_YEAR: usize = 52;
/// The most weeks of history a forecast reads (five years).
pub const MAX_HISTORY: usize = 5 * WEEKS_PER_YEAR;
/// The most weeks a forecast looks ahead.
pub const MAX_HORIZON: usize = 52;

/// Which model produced a forecast.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// Holt-Winters, additive trend and season.
    HoltWinters,
    /// Holt's linear trend, no season (under two seasons of history).
    Holt,
    /// The mean of the history (under four points).
    Mean,
}

/// A fitted model's smoothing parameters (0 < α, β, γ < 1).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Params {
    pub alpha: f64,
    pub beta: f64,
    pub gamma: f64,
}

/// A forecast: the next `horizon` values, the model, and the spread of its one-step
/// errors on the history (for safety stock).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Forecast {
    pub method: Method,
    pub values: Vec<f64>,
    /// Standard deviation of the one-step-ahead errors over the history.
    pub sigma: f64,
}

/// The state a smoothing pass ends in, and its one-step errors.
struct Pass {
    level: f64,
    trend: f64,
    season: Vec<f64>,
    sse: f64,
    errors: usize,
}

/// One Holt-Winters pass over `y` with season length `m` (`m == 0`: no season).
fn pass(y: &[f64], m: usize, p: Params) -> Pass {
    let (mut level, mut trend, mut season) = initial(y, m);
    let mut sse = 0.0;
    let mut errors = 0;
    let start = if m > 0 { m } else { 1 };
    for (t, &obs) in y.iter().enumerate().skip(start) {
        let s = if m > 0 { season[t % m] } else { 0.0 };
        let predicted = level + trend + s;
        let e = obs - predicted;
        sse += e * e;
        errors += 1;
        let last_level = level;
        level = p.alpha * (obs - s) + (1.0 - p.alpha) * (level + trend);
        trend = p.beta * (level - last_level) + (1.0 - p.beta) * trend;
        if m > 0 {
            season[t % m] = p.gamma * (obs - level) + (1.0 - p.gamma) * s;
        }
    }
    Pass {
        level,
        trend,
        season,
        sse,
        errors,
    }
}

/// Starting level, trend and season: the first season's mean, the mean change between
/// the first two seasons per step, and each position's distance from its season's mean
/// averaged over the full seasons (without a season: the first value and first step).
fn initial(y: &[f64], m: usize) -> (f64, f64, Vec<f64>) {
    if m == 0 {
        let trend = if y.len() > 1 { y[1] - y[0] } else { 0.0 };
        return (y[0], trend, Vec::new());
    }
    let mean = |s: &[f64]| s.iter().sum::<f64>() / s.len() as f64;
    let first = mean(&y[..m]);
    let second = mean(&y[m..2 * m]);
    let trend = (second - first) / m as f64;
    let seasons = y.len() / m;
    let mut season = vec![0.0; m];
    for k in 0..seasons {
        let chunk = &y[k * m..(k + 1) * m];
        let avg = mean(chunk);
        for (i, v) in chunk.iter().enumerate() {
            season[i] += (v - avg) / seasons as f64;
        }
    }
    // The level after the first season stands at its end; the pass starts at index m.
    let level = first + trend * (m as f64 - 1.0) / 2.0;
    (level, trend, season)
}

/// The grid each smoothing parameter is searched over.
const GRID: [f64; 9] = [0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.75, 0.9];

/// Fits the parameters by grid search on one-step squared error.
fn fit(y: &[f64], m: usize) -> (Params, Pass) {
    let gammas: &[f64] = if m > 0 { &GRID } else { &[0.0] };
    let mut best: Option<(Params, Pass)> = None;
    for &alpha in &GRID {
        for &beta in &GRID[..6] {
            for &gamma in gammas {
                let p = Params { alpha, beta, gamma };
                let run = pass(y, m, p);
                if best.as_ref().is_none_or(|(_, b)| run.sse < b.sse) {
                    best = Some((p, run));
                }
            }
        }
    }
    // GRID is not empty, so a best exists.
    best.unwrap_or_else(|| {
        let p = Params {
            alpha: 0.5,
            beta: 0.1,
            gamma: 0.1,
        };
        (p, pass(y, m, p))
    })
}

/// Forecasts the next `horizon` values of `history` (oldest first) with season length
/// `season` (0: none). Histories longer than [`MAX_HISTORY`] are cut to their most recent
/// part; a horizon beyond [`MAX_HORIZON`] is cut to it.
pub fn forecast(history: &[f64], season: usize, horizon: usize) -> Forecast {
    let horizon = horizon.min(MAX_HORIZON);
    let y = &history[history.len().saturating_sub(MAX_HISTORY)..];
    if y.len() < 4 {
        let mean = if y.is_empty() {
            0.0
        } else {
            y.iter().sum::<f64>() / y.len() as f64
        };
        let sigma = std_dev(y.iter().map(|v| v - mean));
        return Forecast {
            method: Method::Mean,
            values: vec![mean.max(0.0); horizon],
            sigma,
        };
    }
    let m = if season >= 2 && y.len() >= 2 * season {
        season
    } else {
        0
    };
    let (_, run) = fit(y, m);
    let values = (1..=horizon)
        .map(|h| {
            let s = if m > 0 {
                run.season[(y.len() + h - 1) % m]
            } else {
                0.0
            };
            (run.level + h as f64 * run.trend + s).max(0.0)
        })
        .collect();
    let sigma = if run.errors > 0 {
        (run.sse / run.errors as f64).sqrt()
    } else {
        0.0
    };
    Forecast {
        method: if m > 0 {
            Method::HoltWinters
        } else {
            Method::Holt
        },
        values,
        sigma,
    }
}

fn std_dev(deviations: impl Iterator<Item = f64>) -> f64 {
    let (n, sum) = deviations.fold((0usize, 0.0), |(n, s), d| (n + 1, s + d * d));
    if n == 0 {
        0.0
    } else {
        (sum / n as f64).sqrt()
    }
}

/// How a forecast did on the last weeks of a history it was not shown, beside the naive
/// forecast (the last value seen, repeated).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Backtest {
    /// Weeks held out.
    pub weeks: usize,
    /// Mean absolute percentage error over held-out weeks with sales (none: no such week).
    pub mape: Option<f64>,
    pub naive_mape: Option<f64>,
    /// Mean absolute error scaled by the in-sample one-step naive error (none: a flat
    /// history, where that error is zero).
    pub mase: Option<f64>,
    pub naive_mase: Option<f64>,
}

impl Backtest {
    /// Whether the model's scaled error is below the naive forecast's.
    pub fn beats_naive(&self) -> bool {
        match (self.mase, self.naive_mase) {
            (Some(m), Some(n)) => m < n,
            _ => false,
        }
    }
}

/// Holds out the last `weeks` of `history`, forecasts them from the rest, and scores the
/// forecast and the naive one. `None` when the rest is shorter than four points.
pub fn backtest(history: &[f64], season: usize, weeks: usize) -> Option<Backtest> {
    let weeks = weeks.min(MAX_HORIZON);
    if weeks == 0 || history.len() < weeks + 4 {
        return None;
    }
    let (train, test) = history.split_at(history.len() - weeks);
    let model = forecast(train, season, weeks).values;
    let last = *train.last()?;
    let naive = vec![last; weeks];
    // The in-sample one-step naive error: MASE's scale.
    let scale =
        train.windows(2).map(|w| (w[1] - w[0]).abs()).sum::<f64>() / (train.len() - 1) as f64;
    let mae =
        |f: &[f64]| test.iter().zip(f).map(|(a, p)| (a - p).abs()).sum::<f64>() / weeks as f64;
    let mape = |f: &[f64]| {
        let terms: Vec<f64> = test
            .iter()
            .zip(f)
            .filter(|(a, _)| **a != 0.0)
            .map(|(a, p)| ((a - p) / a).abs())
            .collect();
        (!terms.is_empty()).then(|| 100.0 * terms.iter().sum::<f64>() / terms.len() as f64)
    };
    let mase = |f: &[f64]| (scale > 0.0).then(|| mae(f) / scale);
    Some(Backtest {
        weeks,
        mape: mape(&model),
        naive_mape: mape(&naive),
        mase: mase(&model),
        naive_mase: mase(&naive),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A known seasonal series: level 40, trend +0.25 a week, a yearly swing of ±12
    /// (a sine over 52 weeks), and a fixed ripple standing in for noise.
    fn seasonal(weeks: usize) -> Vec<f64> {
        (0..weeks)
            .map(|t| {
                let t = t as f64;
                let season = 12.0 * (2.0 * std::f64::consts::PI * t / 52.0).sin();
                let ripple = [0.8, -0.5, 0.3, -0.9, 0.4][t as usize % 5];
                40.0 + 0.25 * t + season + ripple
            })
            .collect()
    }

    #[test]
    fn a_seasonal_series_is_forecast_within_a_few_percent() {
        let y = seasonal(156);
        let f = forecast(&y[..148], WEEKS_PER_YEAR, 8);
        assert_eq!(f.method, Method::HoltWinters);
        for (h, value) in f.values.iter().enumerate() {
            let actual = y[148 + h];
            assert!(
                (value - actual).abs() / actual < 0.06,
                "week {h}: forecast {value:.1}, actual {actual:.1}"
            );
        }
    }

    #[test]
    fn the_forecast_beats_the_naive_one_on_a_seasonal_series_and_says_by_how_much() {
        let y = seasonal(156);
        let b = backtest(&y, WEEKS_PER_YEAR, 13).unwrap();
        let (mase, naive) = (b.mase.unwrap(), b.naive_mase.unwrap());
        let (mape, naive_mape) = (b.mape.unwrap(), b.naive_mape.unwrap());
        assert!(b.beats_naive(), "{b:?}");
        // Over the 13 weeks held out the season climbs away from the last value seen:
        // measured, MASE 0.78 against the naive forecast's 4.59, MAPE 1.4 % against 7.5 %.
        assert!(
            mase < 1.0 && mase < 0.25 * naive,
            "MASE {mase:.3} vs naive {naive:.3}"
        );
        assert!(mape < 2.0, "MAPE {mape:.2}% (naive {naive_mape:.2}%)");
        assert!(naive_mape > 5.0, "naive MAPE {naive_mape:.2}%");
    }

    #[test]
    fn a_short_history_falls_back_to_a_trend_then_to_the_mean() {
        let rising: Vec<f64> = (0..20).map(|t| 10.0 + 2.0 * t as f64).collect();
        let f = forecast(&rising, WEEKS_PER_YEAR, 3);
        assert_eq!(f.method, Method::Holt);
        for (h, v) in f.values.iter().enumerate() {
            let expected = 10.0 + 2.0 * (20 + h) as f64;
            assert!((v - expected).abs() < 0.5, "{v} vs {expected}");
        }
        let f = forecast(&[3.0, 5.0, 4.0], WEEKS_PER_YEAR, 2);
        assert_eq!(f.method, Method::Mean);
        assert_eq!(f.values, vec![4.0, 4.0]);
        assert_eq!(forecast(&[], WEEKS_PER_YEAR, 2).values, vec![0.0, 0.0]);
    }

    #[test]
    fn a_falling_series_is_never_forecast_below_zero() {
        let falling: Vec<f64> = (0..30).map(|t| (30 - t) as f64).collect();
        let f = forecast(&falling, WEEKS_PER_YEAR, 10);
        assert!(f.values.iter().all(|v| *v >= 0.0), "{:?}", f.values);
        assert_eq!(f.values[9], 0.0);
    }

    #[test]
    fn a_flat_history_has_no_scaled_error_and_the_horizon_is_bounded() {
        let flat = vec![5.0; 30];
        let b = backtest(&flat, WEEKS_PER_YEAR, 4).unwrap();
        assert_eq!(b.mase, None);
        assert!(!b.beats_naive());
        assert_eq!(b.mape, Some(0.0));
        assert_eq!(forecast(&flat, 0, 10_000).values.len(), MAX_HORIZON);
        assert!(backtest(&flat[..5], 0, 4).is_none());
    }
}
