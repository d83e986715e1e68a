//! How the order list reads a search box: an order number (or its start), a whole VIN or
//! the end of one as read off the windscreen, or a customer as the CRM reads a search
//! (mobile, its last four digits, pinyin initials, the start of a name). Each reading is
//! one an index answers, so a search stays fast at a million orders.

use crate::crm::domain::customer::Search;

/// What a search text is taken for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OrderSearch {
    /// An order number, or its start (`SH01-20261127`), upper-cased.
    Number(String),
    /// A whole VIN (17 letters and digits), upper-cased.
    Vin(String),
    /// The end of a VIN: 5 to 8 letters and digits with a digit among them.
    VinTail(String),
    /// The customer.
    Customer(Search),
}

/// An order number or its start: a store code (letters, then a few digits: `SH01`), and
/// after it only dashes and digits (`SH01-20261127-0007`).
fn is_number_start(q: &str) -> bool {
    let letters = q.bytes().take_while(u8::is_ascii_alphabetic).count();
    let digits = q[letters..].bytes().take_while(u8::is_ascii_digit).count();
    let rest = &q[letters + digits..];
    (1..=6).contains(&letters)
        && (1..=3).contains(&digits)
        && (rest.is_empty() || rest.starts_with('-'))
        && rest.bytes().all(|b| b == b'-' || b.is_ascii_digit())
}

impl OrderSearch {
    pub fn read(q: &str) -> Option<OrderSearch> {
        let q = q.trim();
        if q.is_empty() {
            return None;
        }
        let upper = q.to_ascii_uppercase();
        let alnum = upper.bytes().all(|b| b.is_ascii_alphanumeric());
        let has_digit = upper.bytes().any(|b| b.is_ascii_digit());
        if alnum && upper.len() == 17 {
            return Some(OrderSearch::Vin(upper));
        }
        if is_number_start(&upper) {
            return Some(OrderSearch::Number(upper));
        }
        let customer = Search::read(q)?;
        if alnum && has_digit && (5..=8).contains(&upper.len()) {
            if let Search::Name(_) = customer {
                return Some(OrderSearch::VinTail(upper));
            }
        }
        Some(OrderSearch::Customer(customer))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_of_search_is_read_as_the_index_that_answers_it() {
        use OrderSearch::*;
        let mobile = crate::crm::domain::customer::parse_mobile("13800138000").unwrap();
        let table = [
            ("SH01-20261127-0007", Number("SH01-20261127-0007".into())),
            ("sh01-20261127", Number("SH01-20261127".into())),
            ("SH01", Number("SH01".into())),
            ("lgxc1dm30b1234567", Vin("LGXC1DM30B1234567".into())),
            ("123456", VinTail("123456".into())),
            ("B1234567", VinTail("B1234567".into())),
            ("1234", Customer(Search::Last4("1234".into()))),
            ("138 0013 8000", Customer(Search::Mobile(mobile))),
            ("SH01-", Number("SH01-".into())),
            ("zs", Customer(Search::Initials("zs".into()))),
            ("张三", Customer(Search::Name("张三".into()))),
            ("王 12", Customer(Search::Name("王 12".into()))),
            ("LGXC1DM3", VinTail("LGXC1DM3".into())),
        ];
        for (q, want) in table {
            assert_eq!(OrderSearch::read(q), Some(want), "{q}");
        }
        assert_eq!(OrderSearch::read("   "), None);
    }
}
