//! Vehicle identification numbers (GB 16735 / ISO 3779): 17 characters, no I, O or Q,
//! with a check digit in position 9.

use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Vin(String);

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum VinError {
    #[error("must be 17 characters, got {0}")]
    Length(usize),
    #[error("character {position} ({ch:?}) is not allowed: only digits and letters other than I, O and Q")]
    BadCharacter { position: usize, ch: char },
    #[error("check digit (position 9) should be {expected}, got {found}")]
    CheckDigit { expected: char, found: char },
}

const WEIGHTS: [u32; 17] = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2];

/// The transliterated value of a VIN character, or `None` if it may not appear.
fn value(c: char) -> Option<u32> {
    Some(match c {
        '0'..='9' => c as u32 - '0' as u32,
        'A' | 'J' => 1,
        'B' | 'K' | 'S' => 2,
        'C' | 'L' | 'T' => 3,
        'D' | 'M' | 'U' => 4,
        'E' | 'N' | 'V' => 5,
        'F' | 'W' => 6,
        'G' | 'P' | 'X' => 7,
        'H' | 'Y' => 8,
        'R' | 'Z' => 9,
        _ => return None,
    })
}

/// The check digit for 17 valid characters (position 9 is ignored).
fn check_digit(chars: &[char]) -> char {
    let sum: u32 = chars
        .iter()
        .zip(WEIGHTS)
        .map(|(c, w)| value(*c).unwrap_or(0) * w)
        .sum();
    match sum % 11 {
        10 => 'X',
        d => char::from_digit(d, 10).unwrap_or('0'),
    }
}

impl Vin {
    /// Parses a VIN as typed or scanned: surrounding spaces are dropped and letters
    /// upper-cased; anything else wrong is an error naming the position.
    pub fn parse(input: &str) -> Result<Self, VinError> {
        let chars: Vec<char> = input
            .trim()
            .chars()
            .map(|c| c.to_ascii_uppercase())
            .collect();
        if chars.len() != 17 {
            return Err(VinError::Length(chars.len()));
        }
        if let Some((i, &ch)) = chars.iter().enumerate().find(|(_, c)| value(**c).is_none()) {
            return Err(VinError::BadCharacter {
                position: i + 1,
                ch,
            });
        }
        let expected = check_digit(&chars);
        if chars[8] != expected {
            return Err(VinError::CheckDigit {
                expected,
                found: chars[8],
            });
        }
        Ok(Vin(chars.into_iter().collect()))
    }

    /// Builds a valid VIN from its 16 other characters by computing the check digit:
    /// `wmi_vds` is positions 1–8, `vis` positions 10–17.
    pub fn with_check_digit(wmi_vds: &str, vis: &str) -> Result<Self, VinError> {
        let mut chars: Vec<char> = wmi_vds.chars().chain(['0']).chain(vis.chars()).collect();
        if chars.len() == 17 && chars.iter().all(|c| value(*c).is_some()) {
            chars[8] = check_digit(&chars);
        }
        Vin::parse(&chars.into_iter().collect::<String>())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Vin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for Vin {
    type Error = VinError;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        Vin::parse(&s)
    }
}

impl From<Vin> for String {
    fn from(v: Vin) -> Self {
        v.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accepts_published_vins() {
        // Check digits from the ISO 3779 worked example and real vehicles.
        for v in [
            "1M8GDM9AXKP042788",
            "11111111111111111",
            "LSVAU218XN2183294",
        ] {
            assert!(
                Vin::parse(v).is_ok(),
                "{v} should be valid: {:?}",
                Vin::parse(v)
            );
        }
        assert_eq!(
            Vin::parse(" lsvau218xn2183294 ").unwrap().as_str(),
            "LSVAU218XN2183294"
        );
    }

    #[test]
    fn rejects_bad_vins_with_the_reason() {
        assert_eq!(Vin::parse("LSVAU218XN218329"), Err(VinError::Length(16)));
        assert_eq!(Vin::parse(""), Err(VinError::Length(0)));
        assert_eq!(
            Vin::parse("LSVAU218XN218329I"),
            Err(VinError::BadCharacter {
                position: 17,
                ch: 'I'
            })
        );
        assert_eq!(
            Vin::parse("OSVAU218XN2183294"),
            Err(VinError::BadCharacter {
                position: 1,
                ch: 'O'
            })
        );
        assert_eq!(
            Vin::parse("LSVAU2181N2183294"),
            Err(VinError::CheckDigit {
                expected: 'X',
                found: '1'
            })
        );
    }

    fn vin_char() -> impl Strategy<Value = char> {
        prop::sample::select(
            "0123456789ABCDEFGHJKLMNPRSTUVWXYZ"
                .chars()
                .collect::<Vec<_>>(),
        )
    }

    proptest! {
        #[test]
        fn built_vins_parse_and_any_single_change_is_caught(
            head in prop::collection::vec(vin_char(), 8),
            tail in prop::collection::vec(vin_char(), 8),
            pos in 0usize..17,
            replacement in vin_char(),
        ) {
            let head: String = head.into_iter().collect();
            let tail: String = tail.into_iter().collect();
            let vin = Vin::with_check_digit(&head, &tail).unwrap();
            prop_assert_eq!(Vin::parse(vin.as_str()), Ok(vin.clone()));

            // Changing one character to one of a different value breaks the check digit
            // unless its weight is 0 (position 9 itself is the check digit).
            let mut chars: Vec<char> = vin.as_str().chars().collect();
            let old = chars[pos];
            if pos != 8 && value(old) != value(replacement) {
                chars[pos] = replacement;
                let changed: String = chars.into_iter().collect();
                let is_check_error = matches!(Vin::parse(&changed), Err(VinError::CheckDigit { .. }));
                prop_assert!(is_check_error);
            }
        }

        #[test]
        fn letters_i_o_q_are_never_accepted(pos in 0usize..17, bad in prop::sample::select(vec!['I', 'O', 'Q'])) {
            let mut chars: Vec<char> = "LSVAU218XN2183294".chars().collect();
            chars[pos] = bad;
            let s: String = chars.into_iter().collect();
            prop_assert_eq!(Vin::parse(&s), Err(VinError::BadCharacter { position: pos + 1, ch: bad }));
        }
    }
}
