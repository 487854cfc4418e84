//! Batch records as rows: the CSV columns and the fixed-width table, one
//! record at a time (a streamed table cannot size its columns from the
//! whole input, so long cells are shortened).

use crate::diagnose::address::{AddressReport, Outcome};
use crate::model::{Status, TokenTransfer, TxReport};

/// The CSV header, in column order.
pub const CSV_HEADER: [&str; 10] = [
    "query",
    "chain",
    "status",
    "reason",
    "confirmations",
    "value",
    "token",
    "fee",
    "error",
    "explorer_url",
];

/// One record's summary columns. Amounts carry their unit ("1.5 ETH").
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Row {
    pub query: String,
    pub chain: String,
    pub status: String,
    pub reason: String,
    pub confirmations: String,
    /// The native value moved (a transaction) or the balances (an address).
    pub value: String,
    /// Token transfers (or, for a pending or failed transaction, the transfer
    /// it asked for); token balances for an address.
    pub token: String,
    pub fee: String,
    pub error: String,
    pub explorer_url: String,
}

impl Row {
    /// The cells in `CSV_HEADER` order.
    pub fn fields(&self) -> [&str; 10] {
        [
            &self.query,
            &self.chain,
            &self.status,
            &self.reason,
            &self.confirmations,
            &self.value,
            &self.token,
            &self.fee,
            &self.error,
            &self.explorer_url,
        ]
    }
}

pub fn tx_row(r: &TxReport) -> Row {
    let f = r.facts.as_ref();
    let tokens = f.map(|f| {
        if f.token_transfers.is_empty() {
            f.intended_transfer
                .iter()
                .map(token_text)
                .collect::<Vec<_>>()
        } else {
            f.token_transfers.iter().map(token_text).collect()
        }
    });
    Row {
        query: r.query.trim().to_string(),
        chain: r.chain.clone().unwrap_or_default(),
        status: r.status.as_str().to_string(),
        reason: r.reason.as_str().to_string(),
        confirmations: r.confirmations.map(|c| c.to_string()).unwrap_or_default(),
        value: f.map(|f| f.value.display()).unwrap_or_default(),
        token: tokens.map(|t| t.join("; ")).unwrap_or_default(),
        fee: f
            .and_then(|f| f.fee.as_ref())
            .map(|fee| fee.total.display())
            .unwrap_or_default(),
        error: unknown_error(r),
        explorer_url: r.explorer_url.clone().unwrap_or_default(),
    }
}

/// Why nothing could be said, for a transaction no endpoint answered about.
fn unknown_error(r: &TxReport) -> String {
    if r.status != Status::Unknown {
        return String::new();
    }
    let first = r.warnings.first().map(|w| w.message.as_str());
    match first {
        Some(m) => format!("no usable answer: {}", crate::safe::text(m)),
        None => "no usable answer from any endpoint".to_string(),
    }
}

/// "250 USDT", or the raw units when the token's decimals are unknown.
fn token_text(t: &TokenTransfer) -> String {
    let symbol = crate::safe::text(t.symbol.as_deref().unwrap_or(&t.token));
    let amount = match &t.amount {
        Some(a) => format!("{a} {symbol}"),
        None => format!("{} raw units of {symbol}", t.raw),
    };
    // A script reading the CSV must not count a fake as the real token.
    match &t.trust {
        crate::model::Trust::Fake { .. } => format!("{amount} (fake: contract {})", t.token),
        _ => amount,
    }
}

pub fn address_row(a: &AddressReport) -> Row {
    let answered: Vec<_> = a.chains.iter().filter(|c| c.facts.is_some()).collect();
    let per_chain = |text: &dyn Fn(&crate::diagnose::address::ChainView) -> Vec<String>| {
        answered
            .iter()
            .flat_map(|c| {
                text(c)
                    .into_iter()
                    .map(move |t| format!("{}: {t}", c.chain))
            })
            .collect::<Vec<_>>()
            .join("; ")
    };
    Row {
        query: a.query.trim().to_string(),
        chain: answered
            .iter()
            .map(|c| c.chain.as_str())
            .collect::<Vec<_>>()
            .join(";"),
        status: String::new(),
        reason: String::new(),
        confirmations: String::new(),
        value: per_chain(&|c| {
            c.facts
                .as_ref()
                .and_then(|f| f.balance.as_ref())
                .map(|b| b.display())
                .into_iter()
                .collect()
        }),
        token: per_chain(&|c| {
            c.facts
                .as_ref()
                .map(|f| {
                    f.tokens
                        .iter()
                        .filter(|t| !t.balance.raw.is_zero())
                        .map(|t| t.balance.display())
                        .collect()
                })
                .unwrap_or_default()
        }),
        fee: String::new(),
        error: if a.outcome == Outcome::Unavailable {
            "no usable answer from any endpoint".into()
        } else {
            String::new()
        },
        explorer_url: answered
            .first()
            .and_then(|c| c.explorer_url.clone())
            .unwrap_or_default(),
    }
}

pub fn invalid_row(query: &str, error: &str) -> Row {
    Row {
        query: query.trim().to_string(),
        error: error.to_string(),
        ..Row::default()
    }
}

/// Column widths of the table, after the line number.
const WIDTHS: [usize; 7] = [21, 9, 10, 18, 6, 22, 22];

/// The table's header line.
pub fn table_header() -> String {
    table_cells(
        "#",
        &[
            "query",
            "chain",
            "status",
            "reason",
            "conf",
            "value",
            "token / error",
        ],
    )
}

/// One record as a table line (`line` is its line number in the input).
pub fn table_line(line: usize, row: &Row, kind_address: bool) -> String {
    let status = if !row.error.is_empty() && row.status.is_empty() {
        "invalid"
    } else if kind_address {
        "address"
    } else {
        &row.status
    };
    let last = if row.error.is_empty() {
        &row.token
    } else {
        &row.error
    };
    table_cells(
        &line.to_string(),
        &[
            &short_query(&row.query),
            &row.chain,
            status,
            &row.reason,
            &row.confirmations,
            &row.value,
            last,
        ],
    )
}

fn table_cells(first: &str, cells: &[&str; 7]) -> String {
    let mut line = format!("{first:>5}");
    for (cell, width) in cells.iter().zip(WIDTHS) {
        line.push_str("  ");
        line.push_str(&fit(cell, width));
    }
    // The last column is not padded: a terminal wraps what is too long.
    line.truncate(line.trim_end().len());
    line
}

/// `cell` padded or cut to `width` characters (an ellipsis marks a cut).
fn fit(cell: &str, width: usize) -> String {
    let n = cell.chars().count();
    if n <= width {
        format!("{cell:<width$}")
    } else {
        let mut s: String = cell.chars().take(width - 1).collect();
        s.push('…');
        s
    }
}

/// A hash or link cut in the middle, keeping the ends people compare.
fn short_query(q: &str) -> String {
    let n = q.chars().count();
    let width = WIDTHS[0];
    if n <= width {
        return q.to_string();
    }
    let head: String = q.chars().take(12).collect();
    let tail: String = q.chars().skip(n - (width - 13)).collect();
    format!("{head}…{tail}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_cells_are_cut_to_width_and_hashes_keep_both_ends() {
        let q = "0x5c504ed432cb51138bcf09aa5e8a410dd4a1e204ef84bfed1be16dfba1b22060";
        let s = short_query(q);
        assert_eq!(s.chars().count(), 21);
        assert!(
            s.starts_with("0x5c504ed432") && s.ends_with("1b22060"),
            "{s}"
        );
        assert_eq!(fit("abcdef", 4), "abc…");
        assert_eq!(fit("ab", 4), "ab  ");
    }

    #[test]
    fn an_invalid_line_shows_its_error_in_the_table() {
        let row = invalid_row("  hello ", "not a hash");
        assert_eq!(row.query, "hello");
        let line = table_line(7, &row, false);
        assert!(line.starts_with("    7  hello"), "{line}");
        assert!(
            line.contains("invalid") && line.ends_with("not a hash"),
            "{line}"
        );
        assert_eq!(row.fields().len(), CSV_HEADER.len());
    }
}
