//! The string table: every user-facing sentence, keyed by message id, with
//! `{name}` placeholders, loaded from `locales/<lang>.toml` compiled into the
//! binary (build.rs lists the files). Adding a language is adding a file; a
//! test keeps every file's ids and placeholders in line with English.

pub mod words;

use std::collections::HashMap;
use std::fmt;
use std::sync::OnceLock;

// `LOCALES`: every `locales/<code>.toml`, found by build.rs.
include!(concat!(env!("OUT_DIR"), "/locales.rs"));

/// A language with a locale file: its code (`en`, `zh`, `ja`, `ko`, …).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Lang(&'static str);

impl Lang {
    pub const EN: Lang = Lang("en");
    pub const ZH: Lang = Lang("zh");
    pub const JA: Lang = Lang("ja");
    pub const KO: Lang = Lang("ko");
    pub const ZH_HANT: Lang = Lang("zh-Hant");

    /// Every language with a locale file, by code.
    pub fn all() -> impl Iterator<Item = Lang> {
        LOCALES.iter().map(|(code, _)| Lang(code))
    }

    /// `en`, `zh-Hant`, `zh-hant`: the tag of a locale file, in any case.
    pub fn from_code(code: &str) -> Option<Lang> {
        Lang::all().find(|l| l.0.eq_ignore_ascii_case(code))
    }

    pub fn code(self) -> &'static str {
        self.0
    }

    /// The language the environment asks for (`LC_ALL`, then `LC_MESSAGES`,
    /// then `LANG`: the first one set decides, as for any program), when it
    /// is one we have; English otherwise.
    pub fn from_env() -> Lang {
        Lang::from_locale(|name| std::env::var(name).ok())
    }

    /// `from_env` over any variable lookup: `zh_CN.UTF-8`, `ja_JP`, `ko`,
    /// `zh-Hans` name a language; `zh_TW`, `zh_HK`, `zh_MO` and `zh_Hant`
    /// Traditional Chinese; `C`, `POSIX` and `fr_FR` give English.
    pub fn from_locale(var: impl Fn(&str) -> Option<String>) -> Lang {
        let Some(locale) = ["LC_ALL", "LC_MESSAGES", "LANG"]
            .into_iter()
            .filter_map(var)
            .find(|v| !v.is_empty())
        else {
            return Lang::EN;
        };
        let locale = locale.split(['.', '@']).next().unwrap_or_default();
        let mut parts = locale.split(['_', '-']);
        let code = parts.next().unwrap_or_default().to_ascii_lowercase();
        let traditional = code == "zh"
            && parts.any(|p| ["tw", "hk", "mo", "hant"].contains(&p.to_ascii_lowercase().as_str()));
        if traditional && let Some(lang) = Lang::from_code("zh-Hant") {
            return lang;
        }
        Lang::from_code(&code).unwrap_or(Lang::EN)
    }

    /// The language's messages, read from its file when first needed (a
    /// run in one language reads one file).
    fn table(self) -> &'static HashMap<String, String> {
        static TABLES: [OnceLock<HashMap<String, String>>; LOCALES.len()] =
            [const { OnceLock::new() }; LOCALES.len()];
        // A `Lang` is only ever made from `LOCALES`' codes (else: English).
        let index = |code: &str| LOCALES.iter().position(|(c, _)| *c == code);
        let i = index(self.0).or_else(|| index(Lang::EN.0)).unwrap_or(0);
        TABLES[i].get_or_init(|| parse_table(LOCALES[i].1))
    }

    /// The message `id` with its placeholders filled from `args`.
    /// A message whose id is made at run time (`status_pending`): the
    /// language's, else English's, else `fallback` itself.
    pub fn t_or(self, id: &str, fallback: &str) -> String {
        self.table()
            .get(id)
            .or_else(|| Lang::EN.table().get(id))
            .map_or_else(|| fallback.to_string(), |t| fill(t, &[]))
    }

    pub fn t(self, id: &str, args: &[(&str, &str)]) -> String {
        let template = self
            .table()
            .get(id)
            .or_else(|| Lang::EN.table().get(id))
            .unwrap_or_else(|| panic!("message id {id:?} is missing from locales/en.toml"));
        let text = fill(template, args);
        if self.spaces_only_around_latin() {
            tidy_cjk(&text)
        } else {
            text
        }
    }

    /// Chinese and Japanese put no space between two of their own
    /// characters ("上的 交易" reads "上的交易"), only around Latin words and
    /// numbers ("上的 250 USDT").
    fn spaces_only_around_latin(self) -> bool {
        self.0 == "ja" || self.0.starts_with("zh")
    }
}

impl Default for Lang {
    fn default() -> Self {
        Lang::EN
    }
}

impl fmt::Debug for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

/// A compiled-in locale file's messages. The files are checked by the
/// tests (valid TOML, string values, every id of English): a broken one
/// loses messages, it cannot panic.
fn parse_table(source: &str) -> HashMap<String, String> {
    let table: toml::Table = toml::from_str(source).unwrap_or_default();
    table
        .into_iter()
        .filter_map(|(k, v)| Some((k, v.as_str()?.to_string())))
        .collect()
}

/// Drops a space between two CJK characters (Han, kana, full-width
/// punctuation); spaces next to Latin letters and digits stay.
fn tidy_cjk(text: &str) -> String {
    fn cjk(c: char) -> bool {
        matches!(c as u32,
            0x3000..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0xFF00..=0xFF60)
    }
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    for (i, &c) in chars.iter().enumerate() {
        let between = c == ' '
            && i > 0
            && chars.get(i - 1).copied().is_some_and(cjk)
            && chars.get(i + 1).copied().is_some_and(cjk);
        if !between {
            out.push(c);
        }
    }
    out
}

/// Replaces each `{name}` with its value; unknown names are left as written.
pub fn fill(template: &str, args: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len() + 32);
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        match after.find('}') {
            Some(end) => {
                let name = &after[..end];
                match args.iter().find(|(k, _)| *k == name) {
                    // A value may quote a chain (an address, a symbol): it
                    // never brings a control or bidi character along.
                    Some((_, v)) => crate::safe::push_escaped(&mut out, v),
                    None => out.push_str(&rest[start..start + end + 2]),
                }
                rest = &after[end + 1..];
            }
            None => {
                out.push_str(&rest[start..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// The `{name}` placeholders of a template, sorted.
#[cfg(test)]
pub fn placeholders(template: &str) -> Vec<String> {
    let mut names: Vec<String> = template
        .split('{')
        .skip(1)
        .filter_map(|s| s.split_once('}').map(|(n, _)| n.to_string()))
        .collect();
    names.sort();
    names.dedup();
    names
}

/// Panics unless every `lang.t("id", …)` in `source` names an English message.
#[cfg(test)]
pub fn assert_known_ids(source: &str) {
    let t = Lang::EN.table();
    for id in source
        .split(".t(\"")
        .skip(1)
        .map(|s| s.split('"').next().unwrap_or_default())
    {
        assert!(
            t.contains_key(id),
            "message id {id:?} is used but missing from en.toml"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fill_replaces_named_placeholders_only() {
        assert_eq!(fill("{a} and {b}", &[("a", "1"), ("b", "2")]), "1 and 2");
        assert_eq!(fill("{a} {missing}", &[("a", "x")]), "x {missing}");
        assert_eq!(fill("no braces", &[]), "no braces");
        assert_eq!(fill("open {", &[]), "open {");
    }

    #[test]
    fn english_table_loads_and_every_value_is_a_string() {
        let t = Lang::EN.table();
        assert!(t.len() > 40);
        assert!(t.values().all(|v| !v.trim().is_empty()));
        assert_eq!(placeholders("{b} {a} {b}"), ["a", "b"]);
    }

    /// Issue 20: "上的 交易" reads "上的交易"; "上的 250 USDT" keeps its space.
    #[test]
    fn cjk_text_has_spaces_only_around_latin() {
        assert_eq!(
            tidy_cjk("您在 TRON 上的 交易已成功"),
            "您在 TRON 上的交易已成功"
        );
        assert_eq!(tidy_cjk("上的 250 USDT 转账"), "上的 250 USDT 转账");
        assert_eq!(tidy_cjk("（Ethereum） を検索"), "（Ethereum）を検索");
        assert_eq!(tidy_cjk("a b"), "a b");
    }

    #[test]
    fn the_locale_picks_the_language_as_posix_says() {
        let env = |pairs: &'static [(&str, &str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| v.to_string())
            }
        };
        assert_eq!(Lang::from_locale(env(&[])), Lang::EN);
        assert_eq!(Lang::from_locale(env(&[("LANG", "zh_CN.UTF-8")])), Lang::ZH);
        // Issue 20: Taiwan, Hong Kong, Macau and the Hant script read Traditional Chinese.
        for tw in [
            "zh_TW.UTF-8",
            "zh_HK",
            "zh_MO.UTF-8",
            "zh-Hant",
            "zh_Hant_TW",
            "zh-hant-HK",
        ] {
            let lang = Lang::from_locale(|name: &str| (name == "LANG").then(|| tw.to_string()));
            assert_eq!(lang, Lang::ZH_HANT, "{tw}");
        }
        assert_eq!(Lang::from_locale(env(&[("LANG", "zh_SG.UTF-8")])), Lang::ZH);
        assert_eq!(Lang::from_code("ZH-HANT"), Some(Lang::ZH_HANT));
        assert_eq!(Lang::from_locale(env(&[("LANG", "ja_JP.eucJP")])), Lang::JA);
        assert_eq!(Lang::from_locale(env(&[("LANG", "ko")])), Lang::KO);
        assert_eq!(Lang::from_locale(env(&[("LANG", "zh-Hans")])), Lang::ZH);
        assert_eq!(Lang::from_locale(env(&[("LANG", "C.UTF-8")])), Lang::EN);
        assert_eq!(Lang::from_locale(env(&[("LANG", "de_DE@euro")])), Lang::EN);
        // LC_ALL, then LC_MESSAGES, then LANG; an empty one does not count.
        let all = env(&[("LC_ALL", "C"), ("LANG", "ja_JP.UTF-8")]);
        assert_eq!(Lang::from_locale(all), Lang::EN);
        let messages = env(&[("LC_ALL", ""), ("LC_MESSAGES", "ko_KR"), ("LANG", "ja_JP")]);
        assert_eq!(Lang::from_locale(messages), Lang::KO);
        assert_eq!(Lang::from_code("ja"), Some(Lang::JA));
        assert_eq!(Lang::from_code("fr"), None);
        let codes: Vec<&str> = Lang::all().map(Lang::code).collect();
        assert_eq!(codes, ["en", "ja", "ko", "zh", "zh-Hant"]);
    }

    /// Every language has every English message, with the same placeholders.
    #[test]
    fn every_language_matches_english_ids_and_placeholders() {
        let en = Lang::EN.table();
        for lang in Lang::all() {
            let table = lang.table();
            for (id, text) in en {
                let other = table
                    .get(id)
                    .unwrap_or_else(|| panic!("{lang:?} lacks {id:?}"));
                assert_eq!(placeholders(other), placeholders(text), "{lang:?} {id:?}");
            }
            for id in table.keys() {
                assert!(
                    en.contains_key(id),
                    "{lang:?} has {id:?}, which English does not"
                );
            }
        }
    }

    /// Every message id the renderers use exists in English (the fallback);
    /// each family's `explain.rs` checks its own with [`assert_known_ids`].
    #[test]
    fn every_id_used_by_the_renderer_exists() {
        assert_known_ids(
            &[
                include_str!("../render/paragraph.rs"),
                include_str!("../render/text.rs"),
                include_str!("../render/address.rs"),
                include_str!("../render/mod.rs"),
                include_str!("../chain/explain.rs"),
            ]
            .concat(),
        );
    }
}
