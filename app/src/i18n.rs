//! Chinese first, English second. Translations live in `app/locales/*.txt` as
//! `key = value` lines; the language is kept in the `lang` cookie so the server renders
//! the page in it and the switch works without JavaScript.

use serde::{Deserialize, Serialize};
use std::{collections::HashMap, sync::LazyLock};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Lang {
    #[default]
    ZhCn,
    En,
}

pub const LANG_COOKIE: &str = "lang";

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::ZhCn => "zh-CN",
            Lang::En => "en",
        }
    }

    pub fn from_code(code: &str) -> Option<Lang> {
        match code.trim() {
            "zh-CN" | "zh" | "zh-cn" => Some(Lang::ZhCn),
            "en" | "en-US" | "en-GB" => Some(Lang::En),
            _ => None,
        }
    }

    /// The language named by a `Cookie` header, zh-CN when none is.
    pub fn from_cookie_header(header: &str) -> Lang {
        header
            .split(';')
            .filter_map(|kv| kv.trim().split_once('='))
            .find(|(k, _)| *k == LANG_COOKIE)
            .and_then(|(_, v)| Lang::from_code(v))
            .unwrap_or_default()
    }

    pub fn other(self) -> Lang {
        match self {
            Lang::ZhCn => Lang::En,
            Lang::En => Lang::ZhCn,
        }
    }

    fn table(self) -> &'static HashMap<&'static str, &'static str> {
        match self {
            Lang::ZhCn => &ZH_CN,
            Lang::En => &EN,
        }
    }

    /// The text for `key`; the key itself when it is missing, so a gap shows rather than
    /// hides (a test keeps the files complete).
    pub fn t(self, key: &'static str) -> &'static str {
        self.table().get(key).copied().unwrap_or(key)
    }

    /// The text for `key` with `{name}` placeholders filled in.
    pub fn tf(self, key: &'static str, args: &[(&str, &str)]) -> String {
        let mut s = self.t(key).to_owned();
        for (name, value) in args {
            s = s.replace(&format!("{{{name}}}"), value);
        }
        s
    }
}

fn parse(text: &'static str) -> HashMap<&'static str, &'static str> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.trim(), v.trim()))
        .collect()
}

static ZH_CN: LazyLock<HashMap<&'static str, &'static str>> =
    LazyLock::new(|| parse(include_str!("../locales/zh-CN.txt")));
static EN: LazyLock<HashMap<&'static str, &'static str>> =
    LazyLock::new(|| parse(include_str!("../locales/en.txt")));

/// Puts the request's language in context for every component below.
pub fn provide_lang() -> Lang {
    let lang = detect();
    leptos::prelude::provide_context(lang);
    lang
}

/// The language of the page being rendered. An island hydrating in the browser has no
/// context from the page around it, so it reads the cookie the server read.
pub fn use_lang() -> Lang {
    leptos::prelude::use_context::<Lang>().unwrap_or_else(detect)
}

/// The language a request's `lang` cookie asks for (Chinese when none).
pub fn lang_of(headers: &http::HeaderMap) -> Lang {
    headers
        .get(http::header::COOKIE)
        .and_then(|v| v.to_str().ok())
        .map(Lang::from_cookie_header)
        .unwrap_or_default()
}

/// On the server: the language of the request being answered.
#[cfg(feature = "ssr")]
pub fn detect() -> Lang {
    leptos::prelude::use_context::<http::request::Parts>()
        .map(|p| lang_of(&p.headers))
        .unwrap_or_default()
}

#[cfg(not(feature = "ssr"))]
pub fn detect() -> Lang {
    use wasm_bindgen::JsCast;
    web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.dyn_into::<web_sys::HtmlDocument>().ok())
        .and_then(|d| d.cookie().ok())
        .map(|c| Lang::from_cookie_header(&c))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn both_languages_have_the_same_keys() {
        let zh: BTreeSet<_> = ZH_CN.keys().collect();
        let en: BTreeSet<_> = EN.keys().collect();
        assert!(zh.len() > 20);
        assert_eq!(
            zh.difference(&en).collect::<Vec<_>>(),
            Vec::<&&&str>::new(),
            "keys missing in en.txt"
        );
        assert_eq!(
            en.difference(&zh).collect::<Vec<_>>(),
            Vec::<&&&str>::new(),
            "keys missing in zh-CN.txt"
        );
    }

    #[test]
    fn every_key_used_in_the_code_is_translated() {
        // Scan the sources for t("…") / tf("…") calls and check each key exists.
        fn walk(dir: &std::path::Path, out: &mut Vec<String>) {
            for e in std::fs::read_dir(dir).unwrap() {
                let p = e.unwrap().path();
                if p.is_dir() {
                    walk(&p, out);
                } else if p.extension().is_some_and(|x| x == "rs") {
                    out.push(std::fs::read_to_string(p).unwrap());
                }
            }
        }
        let mut sources = Vec::new();
        walk(
            std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/src")),
            &mut sources,
        );
        let mut missing = BTreeSet::new();
        for src in &sources {
            for pat in [".t(\"", ".tf(\"", "t!(\""] {
                for (i, _) in src.match_indices(pat) {
                    // `format!("…")` is not `t!("…")`.
                    let before = src[..i].chars().next_back();
                    if pat == "t!(\"" && before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                        continue;
                    }
                    let rest = &src[i + pat.len()..];
                    let key = &rest[..rest.find('"').unwrap()];
                    if key.contains('.') && !ZH_CN.contains_key(key) {
                        missing.insert(key.to_owned());
                    }
                }
            }
        }
        assert!(missing.is_empty(), "untranslated keys: {missing:?}");
    }

    #[test]
    fn cookie_selects_the_language() {
        assert_eq!(Lang::from_cookie_header("a=b; lang=en; c=d"), Lang::En);
        assert_eq!(Lang::from_cookie_header("lang=zh-CN"), Lang::ZhCn);
        assert_eq!(Lang::from_cookie_header("lang=fr"), Lang::ZhCn);
        assert_eq!(Lang::from_cookie_header(""), Lang::ZhCn);
        assert_eq!(Lang::En.t("nav.home"), "Home");
        assert_eq!(Lang::ZhCn.t("nav.home"), "首页");
        assert_eq!(Lang::En.t("missing"), "missing");
    }
}
