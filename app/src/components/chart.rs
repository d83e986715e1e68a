//! Charts drawn by the app as SVG on the server — bars, lines and a funnel — readable at
//! 390 px (they scale to their card; nothing scrolls sideways). Each is a `<figure>` with
//! a caption, an SVG with a title and a text alternative (`role="img"`), and the data
//! table behind it, so a screen reader, a printout and a person who wants the figures all
//! get them. No JavaScript is involved.
//!
//! The drawing is pure: `bars`, `lines` and `funnel` return SVG markup (text escaped),
//! unit-tested for what they must show.

use leptos::prelude::*;
use std::fmt::Write;

/// The drawing's width in SVG units; it scales to the width of its card.
pub const WIDTH: f64 = 360.0;

/// One bar, or one stage of a funnel.
#[derive(Clone, Debug, PartialEq)]
pub struct Bar {
    pub label: String,
    pub value: f64,
    /// How the value is written beside the bar (`12 台`, `¥16.0万`).
    pub shown: String,
}

/// One line of a line chart: a value per x label (none: a gap).
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    pub name: String,
    pub values: Vec<Option<f64>>,
}

/// Escapes text for SVG / HTML.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// At most `max` characters of a label, with an ellipsis when cut.
fn clip(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_owned()
    } else {
        let mut t: String = s.chars().take(max.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

/// Round steps for an axis up to `max`: 1, 2 or 5 times a power of ten, about `count`
/// of them. Always starts at 0 and ends at or above `max`.
pub fn ticks(max: f64, count: usize) -> Vec<f64> {
    let count = count.max(1);
    if !max.is_finite() || max <= 0.0 {
        return vec![0.0, 1.0];
    }
    let raw = max / count as f64;
    let power = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * power)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * power);
    let mut out = vec![0.0];
    let mut v = 0.0;
    while v < max && out.len() < 50 {
        v += step;
        out.push(v);
    }
    out
}

/// A tick's label: whole numbers plainly, large ones with 万.
pub fn tick_label(v: f64) -> String {
    if v >= 10_000.0 {
        let w = v / 10_000.0;
        if (w - w.round()).abs() < 1e-9 {
            format!("{}万", w.round())
        } else {
            format!("{w:.1}万")
        }
    } else if (v - v.round()).abs() < 1e-9 {
        format!("{}", v.round())
    } else {
        format!("{v:.1}")
    }
}

fn svg_open(out: &mut String, id: &str, height: f64, title: &str, desc: &str) {
    let _ = write!(
        out,
        r#"<svg viewBox="0 0 {WIDTH} {height}" width="100%" role="img" aria-labelledby="{id}-t {id}-d" preserveAspectRatio="xMinYMin meet"><title id="{id}-t">{}</title><desc id="{id}-d">{}</desc>"#,
        escape(title),
        escape(desc)
    );
}

/// Horizontal bars, one row each, longest value widest: labels on the left, the value
/// at the bar's end.
pub fn bars(id: &str, title: &str, desc: &str, bars: &[Bar]) -> String {
    const ROW: f64 = 30.0;
    const LABEL: f64 = 112.0;
    const VALUE: f64 = 78.0;
    let height = (bars.len().max(1) as f64) * ROW + 8.0;
    let max = bars.iter().map(|b| b.value).fold(0.0, f64::max);
    let span = WIDTH - LABEL - VALUE;
    let mut out = String::new();
    svg_open(&mut out, id, height, title, desc);
    for (i, b) in bars.iter().enumerate() {
        let y = 4.0 + i as f64 * ROW;
        let w = if max > 0.0 {
            (b.value.max(0.0) / max * span).max(if b.value > 0.0 { 2.0 } else { 0.0 })
        } else {
            0.0
        };
        let _ = write!(
            out,
            r#"<text class="chart-label" x="{x}" y="{ty}" text-anchor="end">{label}</text><rect class="chart-bar" x="{LABEL}" y="{ry}" width="{w:.1}" height="18" rx="3"/><text class="chart-value" x="{vx:.1}" y="{ty}">{shown}</text>"#,
            x = LABEL - 6.0,
            ty = y + 17.0,
            ry = y + 4.0,
            vx = LABEL + w + 5.0,
            label = escape(&clip(&b.label, 9)),
            shown = escape(&b.shown),
        );
    }
    out.push_str("</svg>");
    out
}

/// Lines over shared x labels, with a y axis from 0. The first series is drawn solid, the
/// others dashed (last year, a target); a legend names them.
pub fn lines(id: &str, title: &str, desc: &str, x_labels: &[String], series: &[Series]) -> String {
    const HEIGHT: f64 = 210.0;
    const LEFT: f64 = 44.0;
    const RIGHT: f64 = 10.0;
    const TOP: f64 = 26.0;
    const BOTTOM: f64 = 28.0;
    let max = series
        .iter()
        .flat_map(|s| s.values.iter().flatten())
        .copied()
        .fold(0.0, f64::max);
    let ticks = ticks(max, 4);
    let top = ticks.last().copied().unwrap_or(1.0).max(1e-9);
    let plot_h = HEIGHT - TOP - BOTTOM;
    let plot_w = WIDTH - LEFT - RIGHT;
    let n = x_labels.len().max(1);
    let x_of = |i: usize| {
        if n == 1 {
            LEFT + plot_w / 2.0
        } else {
            LEFT + plot_w * i as f64 / (n - 1) as f64
        }
    };
    let y_of = |v: f64| TOP + plot_h - v / top * plot_h;
    let mut out = String::new();
    svg_open(&mut out, id, HEIGHT, title, desc);
    for t in &ticks {
        let y = y_of(*t);
        let _ = write!(
            out,
            r#"<line class="chart-grid" x1="{LEFT}" y1="{y:.1}" x2="{x2}" y2="{y:.1}"/><text class="chart-axis" x="{tx}" y="{ty:.1}" text-anchor="end">{}</text>"#,
            escape(&tick_label(*t)),
            x2 = WIDTH - RIGHT,
            tx = LEFT - 4.0,
            ty = y + 4.0,
        );
    }
    // At most six x labels, evenly spread, the last always shown.
    let every = n.div_ceil(6).max(1);
    for (i, label) in x_labels.iter().enumerate() {
        // Every `every`-th, and the last; none so close to the last that they overlap.
        let shown = i + 1 == n || (i % every == 0 && n - 1 - i >= every);
        if shown {
            let anchor = if i == 0 && n > 1 {
                "start"
            } else if i + 1 == n && n > 1 {
                "end"
            } else {
                "middle"
            };
            let _ = write!(
                out,
                r#"<text class="chart-axis" x="{:.1}" y="{}" text-anchor="{anchor}">{}</text>"#,
                x_of(i),
                HEIGHT - 8.0,
                escape(&clip(label, 10))
            );
        }
    }
    for (k, s) in series.iter().enumerate() {
        let mut d = String::new();
        let mut pen_down = false;
        for (i, v) in s.values.iter().enumerate().take(n) {
            match v {
                Some(v) => {
                    let _ = write!(
                        d,
                        "{}{:.1} {:.1} ",
                        if pen_down { "L" } else { "M" },
                        x_of(i),
                        y_of(*v)
                    );
                    pen_down = true;
                }
                None => pen_down = false,
            }
        }
        let _ = write!(
            out,
            r#"<path class="chart-line series-{k}" d="{}" fill="none"/>"#,
            d.trim_end()
        );
        if n <= 12 {
            for (i, v) in s.values.iter().enumerate().take(n) {
                if let Some(v) = v {
                    let _ = write!(
                        out,
                        r#"<circle class="chart-dot series-{k}" cx="{:.1}" cy="{:.1}" r="2.5"/>"#,
                        x_of(i),
                        y_of(*v)
                    );
                }
            }
        }
        // The legend, along the top.
        let lx = LEFT + k as f64 * 120.0;
        let _ = write!(
            out,
            r#"<line class="chart-line series-{k}" x1="{lx}" y1="10" x2="{}" y2="10"/><text class="chart-legend" x="{}" y="14">{}</text>"#,
            lx + 18.0,
            lx + 22.0,
            escape(&clip(&s.name, 8))
        );
    }
    out.push_str("</svg>");
    out
}

/// A funnel: one centred band per stage, its width its count against the first's, the
/// stage and count written on it.
pub fn funnel(id: &str, title: &str, desc: &str, stages: &[Bar]) -> String {
    const ROW: f64 = 34.0;
    let height = (stages.len().max(1) as f64) * ROW + 6.0;
    let max = stages.iter().map(|b| b.value).fold(0.0, f64::max);
    let full = WIDTH - 20.0;
    let mut out = String::new();
    svg_open(&mut out, id, height, title, desc);
    for (i, s) in stages.iter().enumerate() {
        let y = 3.0 + i as f64 * ROW;
        // The narrowest band keeps room for its words.
        let w = if max > 0.0 {
            (s.value.max(0.0) / max * full).max(150.0)
        } else {
            150.0
        };
        let x = (WIDTH - w) / 2.0;
        let _ = write!(
            out,
            r#"<rect class="chart-funnel step-{i}" x="{x:.1}" y="{y}" width="{w:.1}" height="{h}" rx="4"/><text class="chart-funnel-text" x="{cx}" y="{ty}" text-anchor="middle">{}</text>"#,
            escape(&format!("{} {}", clip(&s.label, 8), s.shown)),
            h = ROW - 6.0,
            cx = WIDTH / 2.0,
            ty = y + 19.0,
        );
    }
    out.push_str("</svg>");
    out
}

/// A chart in its card: the caption, the drawing, and the data table behind it (open it
/// to read the figures).
#[component]
pub fn Chart(
    /// Unique on the page: the drawing's ids start with it.
    id: &'static str,
    /// The caption.
    title: String,
    /// The SVG from [`bars`], [`lines`] or [`funnel`].
    svg: String,
    /// The table's headings.
    columns: Vec<String>,
    /// The table's rows, cells as shown.
    rows: Vec<Vec<String>>,
    /// What the data table's summary says ("数据表").
    table_label: &'static str,
    #[prop(optional)] testid: &'static str,
) -> impl IntoView {
    let empty = rows.is_empty();
    view! {
        <figure class="card chart" id=id data-testid=testid>
            <figcaption class="chart-title">{title}</figcaption>
            <div class="chart-svg" inner_html=svg></div>
            <details class="chart-data">
                <summary>{table_label}</summary>
                {(!empty).then(|| view! {
                    <div class="table-wrap">
                        <table class="table">
                            <thead><tr>{columns.into_iter().enumerate().map(|(i, c)| view! { <th class:num={i > 0}>{c}</th> }).collect_view()}</tr></thead>
                            <tbody>{rows.into_iter().map(|r| view! {
                                <tr>{r.into_iter().enumerate().map(|(i, c)| view! { <td class:num={i > 0}>{c}</td> }).collect_view()}</tr>
                            }).collect_view()}</tbody>
                        </table>
                    </div>
                })}
            </details>
        </figure>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bar(label: &str, value: f64) -> Bar {
        Bar {
            label: label.into(),
            value,
            shown: format!("{value}"),
        }
    }

    #[test]
    fn ticks_are_round_and_reach_the_top() {
        assert_eq!(ticks(0.0, 4), vec![0.0, 1.0]);
        assert_eq!(ticks(f64::NAN, 4), vec![0.0, 1.0]);
        assert_eq!(ticks(9.0, 4), vec![0.0, 5.0, 10.0]);
        assert_eq!(ticks(37.0, 4), vec![0.0, 10.0, 20.0, 30.0, 40.0]);
        assert_eq!(ticks(160.0, 4), vec![0.0, 50.0, 100.0, 150.0, 200.0]);
        let big = ticks(1.23e9, 4);
        assert!(*big.last().unwrap() >= 1.23e9);
        assert!(big.len() <= 6);
        assert!(ticks(1e300, 4).len() <= 50);
        assert_eq!(tick_label(20_000.0), "2万");
        assert_eq!(tick_label(25_000.0), "2.5万");
        assert_eq!(tick_label(40.0), "40");
        assert_eq!(tick_label(0.5), "0.5");
    }

    #[test]
    fn bars_are_drawn_to_scale_with_their_labels_escaped() {
        let svg = bars(
            "m",
            "本月车型销量",
            "秦PLUS 12 台",
            &[bar("秦PLUS", 12.0), bar("A&B <x>", 6.0), bar("无", 0.0)],
        );
        assert!(svg.starts_with("<svg viewBox=\"0 0 360 "));
        assert!(svg.contains(r#"aria-labelledby="m-t m-d""#));
        assert!(svg.contains("<title id=\"m-t\">本月车型销量</title>"));
        assert!(svg.contains("A&amp;B &lt;x&gt;"));
        assert!(!svg.contains("<x>"));
        // The longest bar spans the width left between the labels and the values.
        assert!(svg.contains(r#"width="170.0""#));
        assert!(svg.contains(r#"width="85.0""#));
        assert!(svg.contains(r#"width="0.0""#));
        assert_eq!(svg.matches("<rect").count(), 3);
        // Long labels are cut, never drawn past the left edge.
        let long = bars("l", "t", "d", &[bar("一二三四五六七八九十十一", 1.0)]);
        assert!(long.contains("一二三四五六七八…"));
    }

    #[test]
    fn lines_leave_gaps_and_label_at_most_six_months() {
        let labels: Vec<String> = (1..=12).map(|m| format!("2026-{m:02}")).collect();
        let svg = lines(
            "t",
            "销售趋势",
            "d",
            &labels,
            &[
                Series {
                    name: "今年".into(),
                    values: (0..12)
                        .map(|i| if i == 5 { None } else { Some(i as f64) })
                        .collect(),
                },
                Series {
                    name: "去年".into(),
                    values: vec![Some(3.0); 12],
                },
            ],
        );
        assert_eq!(svg.matches("<path").count(), 2);
        // The gap lifts the pen: two strokes in the first line.
        let first = svg.split("<path").nth(1).unwrap();
        assert_eq!(
            first.split("\" fill").next().unwrap().matches('M').count(),
            2
        );
        let axis_labels = svg.matches("2026-").count();
        assert!((2..=7).contains(&axis_labels), "{axis_labels}");
        assert!(svg.contains(">2026-12<"));
        assert!(svg.contains("今年") && svg.contains("去年"));
        // Nothing is drawn outside the view box.
        for x in svg.split(" x=\"").skip(1) {
            let raw = x.split('"').next().unwrap();
            let v: f64 = raw.parse().unwrap_or_else(|_| panic!("x={raw:?}"));
            assert!((0.0..=WIDTH).contains(&v), "{v}");
        }
    }

    #[test]
    fn a_funnel_narrows_with_its_counts_but_keeps_room_for_words() {
        let svg = funnel(
            "f",
            "线索漏斗",
            "d",
            &[bar("新线索", 100.0), bar("试驾", 50.0), bar("成交", 1.0)],
        );
        assert!(svg.contains(r#"width="340.0""#));
        assert!(svg.contains(r#"width="170.0""#));
        assert!(svg.contains(r#"width="150.0""#));
        assert!(svg.contains("新线索 100"));
        let empty = funnel("e", "t", "d", &[]);
        assert!(empty.ends_with("</svg>"));
    }
}
