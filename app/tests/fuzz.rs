//! Generated inputs, 10,000 of each kind, through every parser a request can reach: none
//! may panic or abort, whatever it is given.

#![cfg(feature = "ssr")]

use app::{
    domain::{Money, Phone},
    i18n::Lang,
    import::{read_grid, Limits},
    inventory::{domain::intake::parse_day, excel, Vin},
};
use proptest::prelude::*;

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 10_000,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// A real workbook (the intake template), to be damaged byte by byte.
fn template() -> &'static [u8] {
    static BYTES: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    BYTES.get_or_init(|| excel::template(&Default::default()).expect("the template builds"))
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn vins_never_panic(s in "\\PC{0,40}") {
        let _ = Vin::parse(&s);
    }

    #[test]
    fn near_vins_never_panic(s in "[A-Z0-9IOQ ]{15,19}") {
        if let Ok(v) = Vin::parse(&s) {
            prop_assert_eq!(v.as_str().len(), 17);
        }
    }

    #[test]
    fn phones_never_panic(s in "\\PC{0,40}") {
        let _ = Phone::parse(&s);
    }

    #[test]
    fn money_never_panics(s in "[-+¥,. 0-9a-z]{0,40}") {
        if let Ok(m) = Money::parse_yuan(&s) {
            prop_assert!(m.fen() >= 0);
        }
    }

    #[test]
    fn days_never_panic(s in "\\PC{0,40}") {
        let _ = parse_day(&s);
    }

    #[test]
    fn any_bytes_are_refused_or_read_never_crashed_on(bytes in prop::collection::vec(any::<u8>(), 0..1024)) {
        let _ = read_grid(&bytes, Lang::En, Limits::BATCH);
    }

    #[test]
    fn a_damaged_workbook_is_refused_or_read(hits in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8)) {
        let mut bytes = template().to_vec();
        for (at, value) in hits {
            let i = at.index(bytes.len());
            bytes[i] = value;
        }
        let _ = excel::read_batch(&bytes, Lang::En);
    }

    #[test]
    fn a_cut_workbook_is_refused_or_read(keep in 0usize..4096) {
        let bytes = template();
        let _ = excel::read_batch(&bytes[..keep.min(bytes.len())], Lang::En);
    }
}
