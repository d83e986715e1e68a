//! Mainland China phone numbers: 11-digit mobiles (1[3-9]…) or landlines with area code.

use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Phone(String);

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PhoneError {
    #[error("is empty")]
    Empty,
    #[error("may contain only digits, spaces, '-' and a leading +86")]
    BadCharacters,
    #[error("is not an 11-digit mobile number or a landline with area code")]
    BadLength,
}

impl Phone {
    /// Accepts `138 0013 8000`, `+86 13800138000`, `021-6888 8888`; keeps digits only
    /// (landlines keep one `-` after the area code), so duplicates are found reliably.
    pub fn parse(input: &str) -> Result<Self, PhoneError> {
        let s = input.trim();
        if s.is_empty() {
            return Err(PhoneError::Empty);
        }
        let s = s
            .strip_prefix("+86")
            .or_else(|| s.strip_prefix("0086"))
            .unwrap_or(s);
        if !s
            .chars()
            .all(|c| c.is_ascii_digit() || c == ' ' || c == '-')
        {
            return Err(PhoneError::BadCharacters);
        }
        let digits: String = s.chars().filter(char::is_ascii_digit).collect();
        if digits.len() == 11
            && digits.starts_with('1')
            && matches!(digits.as_bytes()[1], b'3'..=b'9')
        {
            return Ok(Phone(digits));
        }
        // Landline: 0 + 2–3 digit area code + 7–8 digit number.
        if digits.starts_with('0') && (10..=12).contains(&digits.len()) {
            let area = if matches!(digits.as_bytes()[1], b'1' | b'2') {
                3
            } else {
                4
            };
            return Ok(Phone(format!("{}-{}", &digits[..area], &digits[area..])));
        }
        Err(PhoneError::BadLength)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// An 11-digit mobile (not a landline).
    pub fn is_mobile(&self) -> bool {
        self.0.len() == 11 && !self.0.contains('-')
    }

    /// `138****8000`, for lists a customer might glimpse over a shoulder.
    pub fn masked(&self) -> String {
        if self.0.len() == 11 && !self.0.contains('-') {
            format!("{}****{}", &self.0[..3], &self.0[7..])
        } else {
            self.0.clone()
        }
    }
}

impl fmt::Display for Phone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_mobiles_and_landlines() {
        assert_eq!(
            Phone::parse("138 0013 8000").unwrap().as_str(),
            "13800138000"
        );
        assert_eq!(
            Phone::parse("+86 13800138000").unwrap().as_str(),
            "13800138000"
        );
        assert_eq!(
            Phone::parse("021-68888888").unwrap().as_str(),
            "021-68888888"
        );
        assert_eq!(
            Phone::parse("0571 8888 8888").unwrap().as_str(),
            "0571-88888888"
        );
        assert_eq!(Phone::parse("13800138000").unwrap().masked(), "138****8000");
    }

    #[test]
    fn rejects_what_is_not_a_phone() {
        assert_eq!(Phone::parse(" "), Err(PhoneError::Empty));
        assert_eq!(Phone::parse("1380013800a"), Err(PhoneError::BadCharacters));
        assert_eq!(Phone::parse("1380013800"), Err(PhoneError::BadLength));
        assert_eq!(Phone::parse("12800138000"), Err(PhoneError::BadLength));
        assert_eq!(Phone::parse("138001380001"), Err(PhoneError::BadLength));
    }
}
