//! The CRM pages, one per file: 客户 (search and list), 新建客户, 客户档案, 线索看板,
//! 线索列表, 客户跟进.

pub mod customer;
pub mod customers;
pub mod follow_ups;
pub mod lead_list;
pub mod leads;
pub mod new_customer;

use crate::{components::Choice, crm::domain::customer::CustomerKind, i18n::Lang};

/// The choices of a coded enum, labelled in `lang`.
pub(crate) fn coded_choices<T: Copy>(
    all: &[T],
    code: fn(T) -> &'static str,
    label: fn(T) -> &'static str,
    lang: Lang,
) -> Vec<Choice> {
    all.iter()
        .map(|v| Choice::new(code(*v), lang.t(label(*v))))
        .collect()
}

pub(crate) fn kind_choices(lang: Lang) -> Vec<Choice> {
    coded_choices(
        CustomerKind::ALL,
        CustomerKind::code,
        CustomerKind::label_key,
        lang,
    )
}
