//! The string table: every user-facing sentence, keyed by message id, with
//! `{name}` placeholders, loaded from `locales/<lang>.toml` compiled into the
//! binary. Adding a language is adding a file and a `Lang` variant; a test
//! keeps every file's ids and placeholders in line with English.

use std::collections::HashMap;
use std::sync::OnceLock;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    En,
    Zh,
}

const EN: &str = include_str!("locales/en.toml");
const ZH: &str = include_str!("locales/zh.toml");

impl Lang {
    fn source(self) -> &'static str {
        match self {
            Lang::En => EN,
            Lang::Zh => ZH,
        }
    }

    fn table(self) -> &'static HashMap<String, String> {
        static EN_TABLE: OnceLock<HashMap<String, String>> = OnceLock::new();
        static ZH_TABLE: OnceLock<HashMap<String, String>> = OnceLock::new();
        let cell = match self {
            Lang::En => &EN_TABLE,
            Lang::Zh => &ZH_TABLE,
        };
        cell.get_or_init(|| parse_table(self.source()))
    }

    /// The message `id` with its placeholders filled from `args`.
    pub fn t(self, id: &str, args: &[(&str, &str)]) -> String {
        let template = self
            .table()
            .get(id)
            .or_else(|| Lang::En.table().get(id))
            .unwrap_or_else(|| panic!("message id {id:?} is missing from locales/en.toml"));
        fill(template, args)
    }
}

fn parse_table(source: &str) -> HashMap<String, String> {
    let table: toml::Table = toml::from_str(source).expect("a locale file is valid TOML");
    table
        .into_iter()
        .map(|(k, v)| {
            (
                k,
                v.as_str().expect("locale values are strings").to_string(),
            )
        })
        .collect()
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
                    Some((_, v)) => out.push_str(v),
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
        let t = Lang::En.table();
        assert!(t.len() > 40);
        assert!(t.values().all(|v| !v.trim().is_empty()));
        assert_eq!(placeholders("{b} {a} {b}"), ["a", "b"]);
    }

    /// Every language has every English message, with the same placeholders.
    #[test]
    fn every_language_matches_english_ids_and_placeholders() {
        let en = Lang::En.table();
        for lang in [Lang::Zh] {
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

    /// Every message id the code uses exists in English (the fallback).
    #[test]
    fn every_id_used_by_the_renderer_exists() {
        let code = [include_str!("paragraph.rs"), include_str!("text.rs")].concat();
        let t = Lang::En.table();
        for id in code
            .split(".t(\"")
            .skip(1)
            .map(|s| s.split('"').next().unwrap())
        {
            assert!(
                t.contains_key(id),
                "message id {id:?} is used but missing from en.toml"
            );
        }
    }
}
