//! Money in integer fen (分): ¥1 = 100 fen. Never a float.

use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[cfg_attr(feature = "ssr", derive(sqlx::Type))]
#[cfg_attr(feature = "ssr", sqlx(transparent))]
#[serde(transparent)]
pub struct Money(i64);

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("not an amount of money")]
    NotANumber,
    #[error("more than two decimal places")]
    TooPrecise,
    #[error("must not be negative")]
    Negative,
    #[error("too large")]
    TooLarge,
}

impl Money {
    pub const ZERO: Money = Money(0);

    pub const fn from_fen(fen: i64) -> Self {
        Money(fen)
    }

    pub const fn from_yuan(yuan: i64) -> Self {
        Money(yuan * 100)
    }

    pub const fn fen(self) -> i64 {
        self.0
    }

    /// Parses what a person types: `123456`, `123,456.5`, `¥ 99800.00`. Never negative.
    pub fn parse_yuan(input: &str) -> Result<Self, MoneyError> {
        let s: String = input
            .trim()
            .trim_start_matches(['¥', '￥'])
            .chars()
            .filter(|c| *c != ',' && *c != '，' && !c.is_whitespace())
            .collect();
        if s.starts_with('-') {
            return Err(MoneyError::Negative);
        }
        let (int, frac) = s.split_once('.').unwrap_or((&s, ""));
        if int.is_empty() && frac.is_empty() {
            return Err(MoneyError::NotANumber);
        }
        if !int.chars().all(|c| c.is_ascii_digit()) || !frac.chars().all(|c| c.is_ascii_digit()) {
            return Err(MoneyError::NotANumber);
        }
        if frac.len() > 2 {
            return Err(MoneyError::TooPrecise);
        }
        let yuan: i64 = if int.is_empty() {
            0
        } else {
            int.parse().map_err(|_| MoneyError::TooLarge)?
        };
        let fen: i64 = format!("{frac:0<2}").parse().unwrap_or(0);
        yuan.checked_mul(100)
            .and_then(|v| v.checked_add(fen))
            .map(Money)
            .ok_or(MoneyError::TooLarge)
    }

    pub fn checked_add(self, other: Money) -> Option<Money> {
        self.0.checked_add(other.0).map(Money)
    }

    pub fn checked_sub(self, other: Money) -> Option<Money> {
        self.0.checked_sub(other.0).map(Money)
    }
}

/// `¥123,456.00`, grouped in thousands as on a Chinese invoice.
impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let neg = self.0 < 0;
        let abs = self.0.unsigned_abs();
        let yuan = (abs / 100).to_string();
        let mut grouped = String::with_capacity(yuan.len() + yuan.len() / 3);
        for (i, c) in yuan.chars().enumerate() {
            if i > 0 && (yuan.len() - i).is_multiple_of(3) {
                grouped.push(',');
            }
            grouped.push(c);
        }
        write!(
            f,
            "{}¥{}.{:02}",
            if neg { "-" } else { "" },
            grouped,
            abs % 100
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_what_people_type() {
        assert_eq!(Money::parse_yuan("99800"), Ok(Money::from_fen(9_980_000)));
        assert_eq!(
            Money::parse_yuan("¥ 99,800.5"),
            Ok(Money::from_fen(9_980_050))
        );
        assert_eq!(Money::parse_yuan("0.07"), Ok(Money::from_fen(7)));
        assert_eq!(Money::parse_yuan(".5"), Ok(Money::from_fen(50)));
        assert_eq!(Money::parse_yuan("-1"), Err(MoneyError::Negative));
        assert_eq!(Money::parse_yuan("1.005"), Err(MoneyError::TooPrecise));
        assert_eq!(Money::parse_yuan("abc"), Err(MoneyError::NotANumber));
        assert_eq!(Money::parse_yuan(""), Err(MoneyError::NotANumber));
        assert_eq!(Money::parse_yuan("1e5"), Err(MoneyError::NotANumber));
        assert_eq!(
            Money::parse_yuan("99999999999999999999"),
            Err(MoneyError::TooLarge)
        );
    }

    #[test]
    fn displays_grouped_yuan() {
        assert_eq!(Money::from_fen(9_980_000).to_string(), "¥99,800.00");
        assert_eq!(Money::from_fen(123_456_789).to_string(), "¥1,234,567.89");
        assert_eq!(Money::from_fen(5).to_string(), "¥0.05");
        assert_eq!(Money::from_fen(-100_000).to_string(), "-¥1,000.00");
        assert_eq!(Money::from_fen(100_000).to_string(), "¥1,000.00");
    }

    proptest::proptest! {
        #[test]
        fn display_then_parse_round_trips(fen in 0i64..1_000_000_000_000) {
            let m = Money::from_fen(fen);
            proptest::prop_assert_eq!(Money::parse_yuan(&m.to_string()), Ok(m));
        }
    }
}
