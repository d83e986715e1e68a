//! A customer profile (客户档案): who they are, how to reach them, what they want, and
//! whether they agreed to hear from the dealer.

use super::{coded::coded, id_number};
use crate::{domain::Phone, error::AppError, error::FieldError, i18n::Lang};
use serde::{Deserialize, Serialize};

coded!(
    /// A person or a company.
    CustomerKind, "customer.kind", { Person = "person", Company = "company" }
);

coded!(
    /// How the customer first came to the dealer.
    Source, "customer.source", {
        WalkIn = "walk_in",
        Phone = "phone",
        Website = "website",
        Referral = "referral",
        AutoShow = "auto_show",
        Api = "api",
    }
);

coded!(
    /// The drive a customer prefers.
    Fuel, "customer.fuel", { Petrol = "petrol", Hybrid = "hybrid", Electric = "electric" }
);

coded!(
    /// When the customer means to buy.
    Timeframe, "customer.timeframe", {
        Now = "now",
        Month = "month",
        Quarter = "quarter",
        Later = "later",
    }
);

/// Limits on what a profile holds, checked before anything is written.
pub const MAX_NAME: usize = 50;
pub const MAX_SHORT: usize = 60;
pub const MAX_ADDRESS: usize = 200;
pub const MAX_NOTES: usize = 2000;
pub const MAX_TAGS: usize = 10;

/// A profile as typed into the form or sent to the API: text fields, checked by
/// [`CustomerInput::check`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CustomerInput {
    /// `person` (default) or `company`.
    #[serde(default)]
    pub kind: String,
    #[cfg_attr(feature = "ssr", schema(example = "张三", max_length = 50))]
    pub name: String,
    /// A mainland mobile in any common spelling (`+86 138-0013-8000`, `138 0013 8000`).
    #[cfg_attr(feature = "ssr", schema(example = "13800138000", max_length = 40))]
    pub mobile: String,
    #[serde(default)]
    pub phone2: String,
    #[serde(default)]
    pub wechat: String,
    /// Resident ID (person) or unified social credit code (company); checked when given.
    #[serde(default)]
    pub id_number: String,
    #[serde(default)]
    pub address: String,
    /// `walk_in`, `phone`, `website`, `referral`, `auto_show` or `api`.
    #[serde(default)]
    pub source: String,
    /// Budget band as the customer said it (`15-20万`).
    #[serde(default)]
    pub budget: String,
    #[serde(default)]
    pub preferred_models: String,
    #[serde(default)]
    pub preferred_colors: String,
    /// `petrol`, `hybrid`, `electric`, or empty.
    #[serde(default)]
    pub fuel: String,
    /// `now`, `month`, `quarter`, `later`, or empty.
    #[serde(default)]
    pub timeframe: String,
    /// Comma-separated (at most 10).
    #[serde(default)]
    pub tags: String,
    #[serde(default)]
    pub notes: String,
    /// Agreed to marketing contact (recorded with the time it was given).
    #[serde(default)]
    pub consent: bool,
}

/// A profile with every field checked and normalised.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewCustomer {
    pub kind: CustomerKind,
    pub name: String,
    pub mobile: Phone,
    pub phone2: String,
    pub wechat: String,
    pub id_number: String,
    pub address: String,
    pub source: Source,
    pub budget: String,
    pub preferred_models: String,
    pub preferred_colors: String,
    pub fuel: Option<Fuel>,
    pub timeframe: Option<Timeframe>,
    pub tags: Vec<String>,
    pub notes: String,
    pub consent: bool,
}

/// Reads a mobile as the duplicate check does: `None` when it is not a mainland mobile.
pub fn parse_mobile(s: &str) -> Option<Phone> {
    if s.len() > 40 {
        return None;
    }
    Phone::parse(s).ok().filter(Phone::is_mobile)
}

impl CustomerInput {
    /// Every rule a profile keeps by itself; all bad fields at once.
    pub fn check(&self, lang: Lang) -> Result<NewCustomer, AppError> {
        let mut errors = Vec::new();
        let mut bad = |field: &str, message: String| {
            errors.push(FieldError {
                field: field.to_owned(),
                message,
            })
        };
        let too_long = |max: usize| lang.tf("error.too_long", &[("max", &max.to_string())]);
        let kind = match self.kind.trim() {
            "" => CustomerKind::Person,
            k => CustomerKind::parse(k).unwrap_or_else(|| {
                bad("kind", lang.t("customer.bad_kind").into());
                CustomerKind::Person
            }),
        };
        let name = self.name.trim().to_owned();
        if name.is_empty() {
            bad("name", lang.t("customer.name_required").into());
        } else if name.chars().count() > MAX_NAME {
            bad("name", too_long(MAX_NAME));
        }
        let mobile = parse_mobile(&self.mobile);
        if self.mobile.trim().is_empty() {
            bad("mobile", lang.t("customer.mobile_required").into());
        } else if mobile.is_none() {
            bad("mobile", lang.t("customer.bad_mobile").into());
        }
        let phone2 = match self.phone2.trim() {
            "" => String::new(),
            p => match Phone::parse(p) {
                Ok(p) if p.as_str().len() <= 20 => p.as_str().to_owned(),
                _ => {
                    bad("phone2", lang.t("error.phone_format").into());
                    String::new()
                }
            },
        };
        let mut short = |field: &str, value: &str, max: usize| -> String {
            let v = value.trim();
            if v.chars().count() > max {
                bad(field, too_long(max));
            }
            v.to_owned()
        };
        let wechat = short("wechat", &self.wechat, MAX_SHORT);
        let address = short("address", &self.address, MAX_ADDRESS);
        let budget = short("budget", &self.budget, MAX_SHORT);
        let preferred_models = short("preferred_models", &self.preferred_models, MAX_ADDRESS);
        let preferred_colors = short("preferred_colors", &self.preferred_colors, MAX_SHORT);
        let notes = short("notes", &self.notes, MAX_NOTES);
        let id_number = match self.id_number.trim() {
            "" => String::new(),
            id => {
                let parsed = match kind {
                    CustomerKind::Person => id_number::parse_resident_id(id),
                    CustomerKind::Company => id_number::parse_credit_code(id),
                };
                parsed.unwrap_or_else(|| {
                    let key = match kind {
                        CustomerKind::Person => "customer.bad_resident_id",
                        CustomerKind::Company => "customer.bad_credit_code",
                    };
                    bad("id_number", lang.t(key).into());
                    String::new()
                })
            }
        };
        let source = match self.source.trim() {
            "" => Source::WalkIn,
            s => Source::parse(s).unwrap_or_else(|| {
                bad("source", lang.t("customer.bad_source").into());
                Source::WalkIn
            }),
        };
        let fuel = match self.fuel.trim() {
            "" => None,
            f => Fuel::parse(f).or_else(|| {
                bad("fuel", lang.t("customer.bad_choice").into());
                None
            }),
        };
        let timeframe = match self.timeframe.trim() {
            "" => None,
            t => Timeframe::parse(t).or_else(|| {
                bad("timeframe", lang.t("customer.bad_choice").into());
                None
            }),
        };
        let tags = split_tags(&self.tags);
        if tags.len() > MAX_TAGS || tags.iter().any(|t| t.chars().count() > 20) {
            bad("tags", lang.t("customer.bad_tags").into());
        }
        let (true, Some(mobile)) = (errors.is_empty(), mobile) else {
            return Err(AppError::invalid_fields(errors));
        };
        Ok(NewCustomer {
            kind,
            name,
            mobile,
            phone2,
            wechat,
            id_number,
            address,
            source,
            budget,
            preferred_models,
            preferred_colors,
            fuel,
            timeframe,
            tags,
            notes,
            consent: self.consent,
        })
    }
}

/// Tags as typed, split on commas (either width) and semicolons, trimmed, without
/// repeats; at most one more than allowed is kept, so an oversized list is refused.
pub fn split_tags(s: &str) -> Vec<String> {
    let mut tags: Vec<String> = Vec::new();
    for t in s
        .split([',', '，', ';', '；'])
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        if tags.len() > MAX_TAGS {
            break;
        }
        if !tags.iter().any(|x| x == t) {
            tags.push(t.to_owned());
        }
    }
    tags
}

/// A profile as stored, for the profile page and the API.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow, utoipa::ToSchema))]
pub struct CustomerRow {
    pub id: i64,
    #[cfg_attr(feature = "ssr", sqlx(try_from = "String"))]
    pub kind: CustomerKind,
    pub name: String,
    pub mobile: String,
    pub phone2: String,
    pub wechat: String,
    pub id_number: String,
    pub address: String,
    #[cfg_attr(feature = "ssr", sqlx(try_from = "String"))]
    pub source: Source,
    pub store_id: i64,
    pub store_name: String,
    pub owner_id: Option<i64>,
    pub owner_name: Option<String>,
    pub budget: String,
    pub preferred_models: String,
    pub preferred_colors: String,
    pub fuel: String,
    pub timeframe: String,
    pub tags: String,
    pub notes: String,
    pub consent: bool,
    pub consent_at: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
    pub version: i64,
}

/// One line of the customer list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow, utoipa::ToSchema))]
pub struct CustomerItem {
    pub id: i64,
    pub name: String,
    /// Masked (`138****8000`) in lists.
    pub mobile: String,
    pub store_name: String,
    pub owner_name: Option<String>,
    /// The stage of the customer's newest lead, if any.
    pub stage: Option<String>,
    /// The next open follow-up (UTC ms).
    pub next_due_at: Option<i64>,
    pub consent: bool,
}

/// A profile that already holds a mobile, as the duplicate check shows it. Someone who
/// may not open it learns only that it exists and whose it is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct DuplicateHit {
    pub id: i64,
    /// Present only when the caller may open the profile.
    pub name: Option<String>,
    pub owner_name: Option<String>,
    pub store_name: String,
    pub may_open: bool,
}

impl DuplicateHit {
    /// "This mobile belongs to …", naming the profile only as far as the caller may see it.
    pub fn message(&self, lang: Lang) -> String {
        let owner = self
            .owner_name
            .clone()
            .unwrap_or_else(|| lang.t("customer.unassigned").to_owned());
        let store = ("store", self.store_name.as_str());
        match &self.name {
            Some(name) => lang.tf(
                "customer.duplicate_named",
                &[("name", name), ("owner", &owner), store],
            ),
            None => lang.tf("customer.duplicate", &[("owner", &owner), store]),
        }
    }
}

/// What the customer list is searched and filtered by.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "ssr", into_params(parameter_in = Query))]
pub struct CustomerFilter {
    /// A name or part of one, pinyin initials (`zs` finds 张三), the last 4 digits of a
    /// mobile, or a whole mobile.
    #[serde(default)]
    #[cfg_attr(feature = "ssr", param(max_length = 50))]
    pub q: Option<String>,
    /// Only customers who agreed to marketing contact.
    #[serde(default)]
    pub consent_only: Option<bool>,
    /// Only this owner's customers.
    #[serde(default)]
    pub owner_id: Option<i64>,
    #[serde(default)]
    #[cfg_attr(feature = "ssr", param(minimum = 0))]
    pub offset: Option<i64>,
    /// 1 to 200 (default 50).
    #[serde(default)]
    #[cfg_attr(feature = "ssr", param(minimum = 1, maximum = 200))]
    pub limit: Option<i64>,
}

/// Where a range of initials starting with `i` ends: initials hold only [a-z0-9], so the
/// range ends where the last letter is one higher (`zw` → `zx`).
pub fn initials_end(i: &str) -> String {
    let mut upper = i.to_owned();
    if let Some(last) = upper.pop() {
        upper.push(char::from((last as u8).saturating_add(1)));
    }
    upper
}

/// How a search text is read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Search {
    /// A whole mobile, in any spelling.
    Mobile(Phone),
    /// Four digits: the end of a mobile.
    Last4(String),
    /// Latin letters only: pinyin initials, or the start of a Latin name.
    Initials(String),
    /// Anything else: part of a name.
    Name(String),
}

impl Search {
    pub fn read(q: &str) -> Option<Search> {
        let q = q.trim();
        if q.is_empty() {
            return None;
        }
        if q.len() == 4 && q.bytes().all(|b| b.is_ascii_digit()) {
            return Some(Search::Last4(q.to_owned()));
        }
        if let Some(m) = parse_mobile(q) {
            return Some(Search::Mobile(m));
        }
        if q.bytes().all(|b| b.is_ascii_alphabetic()) {
            return Some(Search::Initials(q.to_ascii_lowercase()));
        }
        Some(Search::Name(q.chars().take(MAX_NAME).collect()))
    }
}

impl CustomerFilter {
    pub const MAX_PAGE: i64 = 200;

    pub fn page_size(&self) -> i64 {
        self.limit.unwrap_or(50).clamp(1, Self::MAX_PAGE)
    }

    /// The first bad value, as (field, translation key).
    pub fn problem(&self) -> Option<(&'static str, &'static str)> {
        if self.q.as_deref().is_some_and(|q| q.chars().count() > 50) {
            return Some(("q", "customer.bad_search"));
        }
        if self.offset.is_some_and(|o| o < 0) {
            return Some(("offset", "common.bad_offset"));
        }
        if self
            .limit
            .is_some_and(|l| !(1..=Self::MAX_PAGE).contains(&l))
        {
            return Some(("limit", "common.bad_limit"));
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(name: &str, mobile: &str) -> CustomerInput {
        CustomerInput {
            name: name.into(),
            mobile: mobile.into(),
            ..Default::default()
        }
    }

    #[test]
    fn five_spellings_of_a_mobile_are_one_number() {
        let forms = [
            "+86 138-0013-8000",
            "13800138000",
            "138 0013 8000",
            "0086 13800138000",
            " 138-0013-8000 ",
        ];
        for f in forms {
            let c = input("张三", f).check(Lang::ZhCn).unwrap();
            assert_eq!(c.mobile.as_str(), "13800138000", "{f}");
        }
    }

    #[test]
    fn every_bad_field_is_named_at_once() {
        let mut i = input("", "021-68888888");
        i.id_number = "110105194912310021".into();
        i.source = "tv".into();
        i.tags = (0..12).map(|n| n.to_string()).collect::<Vec<_>>().join(",");
        let e = i.check(Lang::En).unwrap_err();
        let fields: Vec<&str> = e.fields().iter().map(|f| f.field.as_str()).collect();
        assert_eq!(fields, ["name", "mobile", "id_number", "source", "tags"]);
    }

    #[test]
    fn a_company_is_checked_by_its_credit_code() {
        let mut i = input("上海某某汽车租赁有限公司", "13800138000");
        i.kind = "company".into();
        i.id_number = "91350100M000100Y43".into();
        assert_eq!(i.check(Lang::En).unwrap().kind, CustomerKind::Company);
        i.id_number = "11010519491231002X".into();
        assert!(
            i.check(Lang::En).is_err(),
            "a person's ID is no company's code"
        );
    }

    #[test]
    fn a_search_is_read_by_its_shape() {
        assert_eq!(Search::read("8000"), Some(Search::Last4("8000".into())));
        assert_eq!(
            Search::read("138 0013 8000"),
            Some(Search::Mobile(Phone::parse("13800138000").unwrap()))
        );
        assert_eq!(Search::read("ZS"), Some(Search::Initials("zs".into())));
        assert_eq!(Search::read("张"), Some(Search::Name("张".into())));
        assert_eq!(Search::read("  "), None);
    }

    #[test]
    fn tags_are_split_and_kept_once() {
        assert_eq!(split_tags("老客户， 二胎；老客户,,"), ["老客户", "二胎"]);
        assert_eq!(split_tags(&"a,".repeat(1000)).len(), 1);
        assert_eq!(
            split_tags(
                &(0..1000)
                    .map(|n| n.to_string())
                    .collect::<Vec<_>>()
                    .join(",")
            )
            .len(),
            MAX_TAGS + 1
        );
    }
}
