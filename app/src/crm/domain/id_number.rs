//! Identity numbers a dealer records: the 18-character resident identity card number
//! (GB 11643, last character a check digit over ISO 7064 MOD 11-2) and the 18-character
//! unified social credit code of a company (GB 32100, check character MOD 31).

/// A resident identity card number with a valid check digit and birth date, upper-cased.
pub fn parse_resident_id(input: &str) -> Option<String> {
    let s = input.trim().to_ascii_uppercase();
    let b = s.as_bytes();
    if b.len() != 18 || !b[..17].iter().all(u8::is_ascii_digit) {
        return None;
    }
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const CHECK: &[u8; 11] = b"10X98765432";
    let sum: u32 = b[..17]
        .iter()
        .zip(WEIGHTS)
        .map(|(d, w)| u32::from(d - b'0') * w)
        .sum();
    if CHECK[(sum % 11) as usize] != b[17] {
        return None;
    }
    chrono::NaiveDate::parse_from_str(&s[6..14], "%Y%m%d").ok()?;
    Some(s)
}

/// A unified social credit code with a valid check character, upper-cased.
pub fn parse_credit_code(input: &str) -> Option<String> {
    const CHARS: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
    const WEIGHTS: [u32; 17] = [
        1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
    ];
    let s = input.trim().to_ascii_uppercase();
    let b = s.as_bytes();
    if b.len() != 18 {
        return None;
    }
    let value = |c: u8| CHARS.iter().position(|x| *x == c).map(|p| p as u32);
    let mut sum = 0;
    for (c, w) in b[..17].iter().zip(WEIGHTS) {
        sum += value(*c)? * w;
    }
    let check = (31 - sum % 31) % 31;
    (value(b[17])? == check).then_some(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_resident_id_needs_its_check_digit_and_a_real_birth_date() {
        // The standard's own example.
        assert_eq!(
            parse_resident_id("11010519491231002x").as_deref(),
            Some("11010519491231002X")
        );
        assert!(
            parse_resident_id("110105194912310021").is_none(),
            "check digit"
        );
        assert!(
            parse_resident_id("110105194913310028").is_none(),
            "month 13"
        );
        assert!(parse_resident_id("1101051949123100").is_none(), "length");
        assert!(
            parse_resident_id("11010519491231002Ｘ").is_none(),
            "no panic on wide chars"
        );
    }

    #[test]
    fn a_credit_code_needs_its_check_character() {
        assert_eq!(
            parse_credit_code("91350100M000100y43").as_deref(),
            Some("91350100M000100Y43")
        );
        assert!(parse_credit_code("91350100M000100Y44").is_none());
        assert!(
            parse_credit_code("91350100I000100Y43").is_none(),
            "I is not used"
        );
        assert!(parse_credit_code("短").is_none());
    }
}
