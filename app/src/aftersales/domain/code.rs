//! The booking code (预约码) a customer keeps: 8 characters from an alphabet without the
//! look-alikes 0/O and 1/I, drawn at random (40 bits), so it can be read over the phone and
//! cannot be guessed; it finds a booking only together with the customer's mobile.

use serde::{Deserialize, Serialize};

/// The characters a code is made of: digits 2–9 and letters without I and O.
pub const ALPHABET: &[u8; 32] = b"23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
pub const LEN: usize = 8;

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct BookingCode(String);

impl BookingCode {
    /// A new code from 40 random bits (`random` gives them; the server passes the OS RNG).
    pub fn from_bits(random: u64) -> BookingCode {
        let code = (0..LEN)
            .map(|i| ALPHABET[((random >> (5 * i)) & 31) as usize] as char)
            .collect();
        BookingCode(code)
    }

    /// Reads what a customer typed: case, spaces and dashes do not matter, and the
    /// look-alikes are read as the characters a code has (0/O → none: refused).
    pub fn parse(input: &str) -> Option<BookingCode> {
        if input.len() > 40 {
            return None;
        }
        let code: String = input
            .chars()
            .filter(|c| !matches!(c, ' ' | '-' | '\u{3000}'))
            .map(|c| c.to_ascii_uppercase())
            .collect();
        (code.len() == LEN && code.bytes().all(|b| ALPHABET.contains(&b)))
            .then_some(BookingCode(code))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for BookingCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_has_no_look_alikes_and_reads_back() {
        for bits in [0, u64::MAX, 0x0012_3456_789A, 0x00FF_FFFF_FFFF] {
            let c = BookingCode::from_bits(bits);
            assert_eq!(c.as_str().len(), LEN);
            assert!(!c.as_str().contains(['0', 'O', '1', 'I']), "{c}");
            assert_eq!(BookingCode::parse(c.as_str()), Some(c.clone()));
            assert_eq!(BookingCode::parse(&c.as_str().to_lowercase()), Some(c));
        }
        // Every one of the 40 bits shows in the code.
        let zero = BookingCode::from_bits(0);
        for bit in 0..40 {
            assert_ne!(BookingCode::from_bits(1 << bit), zero, "bit {bit}");
        }
    }

    #[test]
    fn what_a_customer_types_is_read_forgivingly_and_nothing_else() {
        assert_eq!(
            BookingCode::parse(" abcd-efgh ").map(|c| c.to_string()),
            Some("ABCDEFGH".into())
        );
        assert_eq!(BookingCode::parse("ABCDEFG0"), None, "0 is never in a code");
        assert_eq!(BookingCode::parse("ABCDEFGI"), None);
        assert_eq!(BookingCode::parse("ABCDEFG"), None);
        assert_eq!(BookingCode::parse("ABCDEFGHJ"), None);
        assert_eq!(BookingCode::parse(&"A".repeat(10_000)), None);
        assert_eq!(BookingCode::parse("ABCDEFG语"), None);
    }
}
