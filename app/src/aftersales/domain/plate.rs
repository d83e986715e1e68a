//! A mainland China licence plate (车牌号): a province's character, the city's letter, and
//! five characters (blue and yellow plates) or six (the green plates of new-energy
//! vehicles: `D`/`F` first on a car, last on a bus or lorry). Letters I and O are never
//! used in the serial.

use serde::{Deserialize, Serialize};

const PROVINCES: &str = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼";
/// Plates ending in one of these have four serial characters and this one.
const SUFFIXES: &str = "学警港澳挂领试超";

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Plate(String);

/// Why a plate is refused (the i18n key of the message).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PlateError {
    Province,
    City,
    Serial,
    Length,
}

impl PlateError {
    pub fn key(self) -> &'static str {
        match self {
            PlateError::Province => "service.plate.province",
            PlateError::City => "service.plate.city",
            PlateError::Serial => "service.plate.serial",
            PlateError::Length => "service.plate.length",
        }
    }
}

fn serial_char(c: char) -> bool {
    (c.is_ascii_uppercase() && c != 'I' && c != 'O') || c.is_ascii_digit()
}

impl Plate {
    /// Reads a plate as people write it: `沪A·12345`, `沪a 12345`, `粤B-D12345` are read as
    /// `沪A12345` and `粤BD12345`.
    pub fn parse(input: &str) -> Result<Plate, PlateError> {
        if input.len() > 40 {
            return Err(PlateError::Length);
        }
        let chars: Vec<char> = input
            .chars()
            .filter(|c| !matches!(c, ' ' | '·' | '•' | '-' | '.' | '\u{3000}'))
            .map(|c| c.to_ascii_uppercase())
            .collect();
        let Some((&province, rest)) = chars.split_first() else {
            return Err(PlateError::Length);
        };
        if !PROVINCES.contains(province) {
            return Err(PlateError::Province);
        }
        let Some((&city, serial)) = rest.split_first() else {
            return Err(PlateError::Length);
        };
        if !city.is_ascii_uppercase() {
            return Err(PlateError::City);
        }
        let ok = match serial {
            // Blue / yellow: five characters, or four and a suffix (学, 警, 挂…).
            [a, b, c, d, e] => {
                [a, b, c, d].iter().all(|c| serial_char(**c))
                    && (serial_char(*e) || SUFFIXES.contains(*e))
            }
            // Green (new energy): D/F, a letter or digit, four digits — or five digits and D/F.
            [first, second, tail @ ..] if serial.len() == 6 && matches!(first, 'D' | 'F') => {
                serial_char(*second) && tail.iter().all(char::is_ascii_digit)
            }
            [digits @ .., last] if matches!(last, 'D' | 'F') && serial.len() == 6 => {
                digits.iter().all(char::is_ascii_digit)
            }
            [_, _, _, _, _, _] => false,
            _ => return Err(PlateError::Length),
        };
        if ok {
            Ok(Plate(chars.into_iter().collect()))
        } else {
            Err(PlateError::Serial)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// A green plate (new-energy vehicle).
    pub fn is_new_energy(&self) -> bool {
        self.0.chars().count() == 8
    }
}

impl std::fmt::Display for Plate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(s: &str) -> String {
        Plate::parse(s).unwrap_or_else(|e| panic!("{s}: {e:?}")).0
    }

    #[test]
    fn blue_yellow_and_green_plates_are_read_as_written() {
        assert_eq!(ok("沪A12345"), "沪A12345");
        assert_eq!(ok("沪a·1234x"), "沪A1234X");
        assert_eq!(ok("京B 5T8K9"), "京B5T8K9");
        assert_eq!(ok("粤B1234学"), "粤B1234学");
        assert_eq!(ok("苏E1234挂"), "苏E1234挂");
        // Green: a small car's D/F first, a large vehicle's last.
        assert_eq!(ok("沪AD12345"), "沪AD12345");
        assert_eq!(ok("粤B-DA1234"), "粤BDA1234");
        assert_eq!(ok("京A12345D"), "京A12345D");
        assert!(Plate::parse("沪AD12345").unwrap().is_new_energy());
        assert!(!Plate::parse("沪A12345").unwrap().is_new_energy());
    }

    #[test]
    fn a_bad_plate_says_what_is_wrong() {
        assert_eq!(Plate::parse("A12345"), Err(PlateError::Province));
        assert_eq!(Plate::parse("港A12345"), Err(PlateError::Province));
        assert_eq!(Plate::parse("沪112345"), Err(PlateError::City));
        assert_eq!(Plate::parse("沪A1234O"), Err(PlateError::Serial), "no O");
        assert_eq!(Plate::parse("沪AI2345"), Err(PlateError::Serial), "no I");
        assert_eq!(
            Plate::parse("沪AX12345"),
            Err(PlateError::Serial),
            "green needs D/F"
        );
        assert_eq!(Plate::parse("沪AD1234X"), Err(PlateError::Serial));
        assert_eq!(Plate::parse("沪A1234"), Err(PlateError::Length));
        assert_eq!(Plate::parse("沪A1234567"), Err(PlateError::Length));
        assert_eq!(Plate::parse("沪AD123456"), Err(PlateError::Length));
        assert_eq!(Plate::parse(""), Err(PlateError::Length));
        assert_eq!(Plate::parse("沪"), Err(PlateError::Length));
        assert_eq!(Plate::parse(&"沪".repeat(1000)), Err(PlateError::Length));
    }
}
