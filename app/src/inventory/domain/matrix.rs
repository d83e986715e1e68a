//! The stock matrix (库存查询): vehicle counts by model × trim × colour, for one
//! warehouse or all the caller may see, laid out per model with trims and colours on
//! either axis.

use super::{catalog::Catalog, vehicle::StatusFilter};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::IntoParams, utoipa::ToSchema))]
#[cfg_attr(feature = "ssr", into_params(parameter_in = Query))]
pub struct MatrixFilter {
    #[serde(default)]
    pub warehouse_id: Option<i64>,
    #[serde(default)]
    pub model_id: Option<i64>,
    /// A status code, or `on_hand` (in transit + in stock + reserved). Default `in_stock`.
    #[serde(default)]
    #[cfg_attr(feature = "ssr", param(inline), schema(inline))]
    pub status: Option<StatusFilter>,
}

impl MatrixFilter {
    /// The status counted (in stock unless another is asked for).
    pub fn status(&self) -> StatusFilter {
        self.status.unwrap_or(StatusFilter::InStock)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow, utoipa::ToSchema))]
pub struct MatrixCell {
    pub model_id: i64,
    pub trim_id: i64,
    pub color_id: i64,
    pub count: i64,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct StockMatrix {
    pub cells: Vec<MatrixCell>,
    pub total: i64,
}

/// Which of trims and colours run down the rows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Pivot {
    TrimRows,
    ColorRows,
}

impl Pivot {
    pub fn code(self) -> &'static str {
        match self {
            Pivot::TrimRows => "trim",
            Pivot::ColorRows => "color",
        }
    }
    pub fn parse(s: &str) -> Pivot {
        if s == "color" {
            Pivot::ColorRows
        } else {
            Pivot::TrimRows
        }
    }
}

/// One model's block of the matrix, ready to draw.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModelBlock {
    pub model_id: i64,
    /// (id, label) of the row axis and the column axis.
    pub rows: Vec<(i64, String)>,
    pub cols: Vec<(i64, String)>,
    /// `counts[r][c]`.
    pub counts: Vec<Vec<i64>>,
    pub row_totals: Vec<i64>,
    pub col_totals: Vec<i64>,
    pub total: i64,
}

impl ModelBlock {
    /// The trim and colour ids of cell (r, c).
    pub fn ids(&self, r: usize, c: usize, pivot: Pivot) -> (i64, i64) {
        match pivot {
            Pivot::TrimRows => (self.rows[r].0, self.cols[c].0),
            Pivot::ColorRows => (self.cols[c].0, self.rows[r].0),
        }
    }
}

/// Lays the counts out per model, every trim and colour of the model shown (zeros
/// included, so a gap is visible), models without stock left out.
pub fn blocks(m: &StockMatrix, cat: &Catalog, pivot: Pivot, model: Option<i64>) -> Vec<ModelBlock> {
    let mut out = Vec::new();
    for md in &cat.models {
        if model.is_some_and(|id| id != md.id) {
            continue;
        }
        let trims: Vec<(i64, String)> = cat
            .trims
            .iter()
            .filter(|t| t.model_id == md.id)
            .map(|t| (t.id, t.name.clone()))
            .collect();
        let colors: Vec<(i64, String)> = cat
            .colors
            .iter()
            .filter(|c| c.model_id == md.id)
            .map(|c| (c.id, c.name.clone()))
            .collect();
        let (rows, cols) = match pivot {
            Pivot::TrimRows => (trims, colors),
            Pivot::ColorRows => (colors, trims),
        };
        let mut counts = vec![vec![0; cols.len()]; rows.len()];
        for cell in m.cells.iter().filter(|c| c.model_id == md.id) {
            let (r_id, c_id) = match pivot {
                Pivot::TrimRows => (cell.trim_id, cell.color_id),
                Pivot::ColorRows => (cell.color_id, cell.trim_id),
            };
            if let (Some(r), Some(c)) = (
                rows.iter().position(|x| x.0 == r_id),
                cols.iter().position(|x| x.0 == c_id),
            ) {
                counts[r][c] += cell.count;
            }
        }
        let row_totals: Vec<i64> = counts.iter().map(|r| r.iter().sum()).collect();
        let col_totals: Vec<i64> = (0..cols.len())
            .map(|c| counts.iter().map(|r| r[c]).sum())
            .collect();
        let total = row_totals.iter().sum();
        if total == 0 && model.is_none() {
            continue;
        }
        out.push(ModelBlock {
            model_id: md.id,
            rows,
            cols,
            counts,
            row_totals,
            col_totals,
            total,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inventory::domain::catalog::{ColorRow, ModelRow, TrimRow};

    fn catalog() -> Catalog {
        let model = |id| ModelRow {
            id,
            brand: "B".into(),
            name: format!("M{id}"),
            name_en: String::new(),
        };
        let trim = |id, model_id| TrimRow {
            id,
            model_id,
            name: format!("T{id}"),
            msrp_fen: 0,
        };
        let color = |id, model_id| ColorRow {
            id,
            model_id,
            name: format!("C{id}"),
            name_en: String::new(),
            hex: String::new(),
        };
        Catalog {
            models: vec![model(1), model(2)],
            trims: vec![trim(10, 1), trim(11, 1), trim(20, 2)],
            colors: vec![color(100, 1), color(101, 1), color(102, 1), color(200, 2)],
            warehouses: vec![],
        }
    }

    fn cell(model_id: i64, trim_id: i64, color_id: i64, count: i64) -> MatrixCell {
        MatrixCell {
            model_id,
            trim_id,
            color_id,
            count,
        }
    }

    #[test]
    fn counts_land_in_their_cells_with_totals_and_zeros() {
        let m = StockMatrix {
            cells: vec![
                cell(1, 10, 100, 3),
                cell(1, 11, 102, 2),
                cell(1, 10, 101, 1),
            ],
            total: 6,
        };
        let b = blocks(&m, &catalog(), Pivot::TrimRows, None);
        assert_eq!(b.len(), 1, "a model without stock is left out");
        let b = &b[0];
        assert_eq!(b.rows.iter().map(|r| r.0).collect::<Vec<_>>(), vec![10, 11]);
        assert_eq!(
            b.cols.iter().map(|c| c.0).collect::<Vec<_>>(),
            vec![100, 101, 102]
        );
        assert_eq!(b.counts, vec![vec![3, 1, 0], vec![0, 0, 2]]);
        assert_eq!(b.row_totals, vec![4, 2]);
        assert_eq!(b.col_totals, vec![3, 1, 2]);
        assert_eq!(b.total, 6);
        assert_eq!(b.ids(1, 2, Pivot::TrimRows), (11, 102));
    }

    #[test]
    fn switching_axes_transposes_the_block() {
        let m = StockMatrix {
            cells: vec![cell(1, 10, 100, 3), cell(1, 11, 102, 2)],
            total: 5,
        };
        let cat = catalog();
        let a = &blocks(&m, &cat, Pivot::TrimRows, None)[0];
        let b = &blocks(&m, &cat, Pivot::ColorRows, None)[0];
        for r in 0..a.rows.len() {
            for c in 0..a.cols.len() {
                assert_eq!(a.counts[r][c], b.counts[c][r]);
                assert_eq!(a.ids(r, c, Pivot::TrimRows), b.ids(c, r, Pivot::ColorRows));
            }
        }
        // A chosen model shows even when empty.
        let empty = blocks(&StockMatrix::default(), &cat, Pivot::TrimRows, Some(2));
        assert_eq!(empty.len(), 1);
        assert_eq!(empty[0].total, 0);
    }
}
