//! What `batch` shows a person while it runs: the progress bar on a
//! terminal and the running tally of records by status.

use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};

use crate::render::Lang;

/// The bar on a terminal, its words in the language of `--lang`.
pub(super) fn progress_bar(total: Option<u64>, lang: Lang) -> ProgressBar {
    // A translated word never carries a template's braces.
    let word = |id: &str| lang.t(id, &[]).replace(['{', '}'], "");
    let (bar, template) = match total {
        Some(n) => (
            ProgressBar::new(n),
            format!(
                "{{spinner}} {{pos}}/{{len}} [{{bar:30}}] {{per_sec}} · {} {{eta}} · {{msg}}",
                word("batch_bar_eta")
            ),
        ),
        None => (
            ProgressBar::new_spinner(),
            format!(
                "{{spinner}} {{pos}} {} · {{per_sec}} · {{msg}}",
                word("batch_bar_lines")
            ),
        ),
    };
    bar.set_style(
        ProgressStyle::with_template(&template)
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    bar.enable_steady_tick(Duration::from_millis(200));
    bar
}

/// Records by status, in a fixed order for the summary.
#[derive(Debug, Default)]
pub(super) struct Tally {
    pub(super) total: u64,
    counts: Vec<(&'static str, u64)>,
}

const LABEL_ORDER: [&str; 10] = [
    "finalized",
    "confirmed",
    "pending",
    "failed",
    "replaced",
    "dropped",
    "not_found",
    "unknown",
    "address",
    "invalid",
];

impl Tally {
    pub(super) fn add(&mut self, label: &'static str) {
        self.total += 1;
        match self.counts.iter_mut().find(|(l, _)| *l == label) {
            Some((_, n)) => *n += 1,
            None => {
                self.counts.push((label, 1));
                let rank = |l: &str| LABEL_ORDER.iter().position(|o| *o == l);
                self.counts.sort_by_key(|(l, _)| rank(l));
            }
        }
    }

    pub(super) fn count(&self, label: &str) -> u64 {
        self.counts
            .iter()
            .find(|(l, _)| *l == label)
            .map_or(0, |(_, n)| *n)
    }

    /// "1990 finalized, 5 pending, 2 invalid": the codes, for the summary.
    pub(super) fn line(&self) -> String {
        self.join(str::to_string, "nothing yet".into())
    }

    /// The same in the language of `--lang`, for the progress bar a person
    /// watches ("1990 已最终确认, 5 等待中").
    pub(super) fn line_in(&self, lang: Lang) -> String {
        self.join(
            |l| lang.t_or(&format!("status_{l}"), l),
            lang.t("batch_nothing_yet", &[]),
        )
    }

    fn join(&self, word: impl Fn(&str) -> String, empty: String) -> String {
        if self.counts.is_empty() {
            return empty;
        }
        self.counts
            .iter()
            .map(|(l, n)| format!("{n} {}", word(l)))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tally_counts_in_a_fixed_order() {
        let mut t = Tally::default();
        for l in ["invalid", "pending", "finalized", "pending"] {
            t.add(l);
        }
        assert_eq!(t.line(), "1 finalized, 2 pending, 1 invalid");
        // Issue 20: the bar a person watches speaks --lang.
        assert_eq!(t.line_in(Lang::ZH), "1 已最终确认, 2 等待中, 1 无效");
        assert_eq!(t.total, 4);
    }
}
