//! Address facts → the address report: why the address's own transactions
//! wait (nonce gaps, fees), which incoming transfer matches what the customer
//! expects, and whether a look-alike address is poisoning its history. Pure.

use alloy_primitives::U256;

use super::failure_warning;
use crate::chain::AddressOutcome;
use crate::config::{Chain, Config};
use crate::model::Family;
use crate::model::address::{AddressFacts, Direction, SenderHistory, Transfer};
use crate::model::assessment::pending::Assessment;
use crate::model::{Reason, TxFacts, TxReport, Warning};

pub use crate::model::assessment::pending::MAX_LISTED_NONCES;

/// What the customer says should have arrived (`--expect`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expect {
    /// The amount as typed, in whole units ("100", "0.5").
    pub amount: String,
    /// A token symbol or the chain's coin; any listed asset when `None`.
    pub token: Option<String>,
    /// The sender, when known.
    pub from: Option<String>,
    /// The memo the transfer must carry (Antelope).
    pub memo: Option<String>,
}

/// An address's transaction waiting in the pool, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingRow {
    pub hash: String,
    pub nonce: u64,
    pub reason: Reason,
    pub assessment: Assessment,
}

/// One chain's part of the report.
#[derive(Debug, Clone, PartialEq)]
pub struct ChainView {
    pub chain: String,
    pub name: String,
    pub family: Family,
    /// `None` when no endpoint answered.
    pub facts: Option<AddressFacts>,
    pub answered_by: Option<String>,
    pub pending: Vec<PendingRow>,
    pub missing_nonces: Vec<u64>,
    pub warnings: Vec<Warning>,
    pub explorer_url: Option<String>,
}

/// The incoming transfer that matches `--expect`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Match {
    pub chain: String,
    pub transfer: Transfer,
    /// Other transfers that match as well (older ones).
    pub others: usize,
}

/// What the report concludes, for the exit code and the paragraph.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Facts shown; `--expect` (if given) matched.
    Shown,
    /// `--expect` matched nothing in a window every answering chain read in full.
    NoMatch,
    /// `--expect` matched nothing, but part of the window could not be read.
    NoMatchIncomplete,
    /// No chain answered.
    Unavailable,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AddressReport {
    pub query: String,
    pub address: String,
    pub chains: Vec<ChainView>,
    pub expect: Option<Expect>,
    pub matched: Option<Match>,
    /// The matching transfer's transaction, looked up as `check` would.
    pub match_report: Option<Box<TxReport>>,
    /// Incoming transfers of the expected asset with other amounts.
    pub near: Vec<(String, Transfer)>,
    pub outcome: Outcome,
    pub warnings: Vec<Warning>,
    /// The token an explorer's token page was for: only its balance and
    /// transfers are shown.
    pub token_filter: Option<String>,
}

/// An explorer's token page for the address (`/token/<contract>?a=…`):
/// what the chains said, kept to that token's balance and transfers (the
/// native balance stays: it pays the fees).
pub fn focus_token(outcomes: &mut [(String, AddressOutcome)], contract: &str) {
    for (_, outcome) in outcomes {
        if let AddressOutcome::Found { facts, .. } = outcome {
            let same = |t: &str| t.eq_ignore_ascii_case(contract);
            facts.tokens.retain(|t| same(&t.token));
            facts
                .transfers
                .retain(|t| t.token.as_deref().is_some_and(same));
            facts
                .incoming_pending
                .retain(|t| t.token.as_deref().is_some_and(same));
        }
    }
}

/// Builds the report from what every chain said.
pub fn address_report(
    query: &str,
    address: &str,
    outcomes: &[(String, AddressOutcome)],
    expect: Option<&Expect>,
    config: &Config,
) -> AddressReport {
    let mut chains = Vec::new();
    let mut warnings = Vec::new();
    for (key, outcome) in outcomes {
        let Some(chain) = config.chain(key) else {
            continue;
        };
        let view = chain_view(chain, outcome);
        warnings.extend(view.warnings.iter().cloned());
        chains.push(view);
    }
    let shown_address = chains
        .iter()
        .find_map(|c| c.facts.as_ref().map(|f| f.address.clone()))
        .unwrap_or_else(|| address.to_string());

    let (matched, near) = match expect {
        Some(e) => find_match(&chains, e, config),
        None => (None, Vec::new()),
    };
    if let Some(e) = expect {
        warnings.extend(fake_token_warnings(&chains, e, config));
    }
    let answered = chains.iter().any(|c| c.facts.is_some());
    let complete = chains
        .iter()
        .all(|c| c.facts.as_ref().is_some_and(|f| f.history.complete()));
    let outcome = match (answered, expect, &matched) {
        (false, _, _) => Outcome::Unavailable,
        (true, Some(_), None) if complete => Outcome::NoMatch,
        (true, Some(_), None) => Outcome::NoMatchIncomplete,
        _ => Outcome::Shown,
    };
    AddressReport {
        query: query.to_string(),
        address: shown_address,
        chains,
        expect: expect.cloned(),
        matched,
        match_report: None,
        near,
        outcome,
        warnings,
        token_filter: None,
    }
}

fn chain_view(chain: &Chain, outcome: &AddressOutcome) -> ChainView {
    let mut view = ChainView {
        chain: chain.key.clone(),
        name: chain.name.clone(),
        family: chain.family,
        facts: None,
        answered_by: None,
        pending: Vec::new(),
        missing_nonces: Vec::new(),
        warnings: Vec::new(),
        explorer_url: None,
    };
    let (facts, failures) = match outcome {
        AddressOutcome::Found {
            facts,
            endpoint,
            failures,
        } => {
            view.answered_by = Some(endpoint.clone());
            (Some(facts), failures)
        }
        AddressOutcome::Unavailable { failures } => (None, failures),
    };
    view.warnings
        .extend(failures.iter().map(|f| failure_warning(&chain.key, f)));
    let Some(facts) = facts else {
        return view;
    };
    view.explorer_url = chain
        .explorer_address
        .as_ref()
        .map(|t| t.replace("{address}", &facts.address));
    if let Some(pool) = &facts.pool {
        let family = crate::chain::family::of(chain.family);
        for tx in pool {
            let Some(assessment) = family.assess_pooled(&tx.fees, tx.nonce, chain) else {
                continue;
            };
            view.pending.push(PendingRow {
                hash: tx.hash.clone(),
                nonce: tx.nonce,
                reason: assessment.reason,
                assessment,
            });
        }
        if let Some(n) = facts.nonce {
            view.missing_nonces = missing_nonces(n.latest, pool.iter().map(|t| t.nonce));
        }
    }
    for gap in &facts.history.gaps {
        view.warnings.push(Warning {
            chain: Some(chain.key.clone()),
            ..Warning::new("history_incomplete", format!("{}: {gap}", chain.key))
        });
    }
    view.warnings
        .extend(poisoning(&facts.transfers, chain).into_iter().map(|mut w| {
            w.chain = Some(chain.key.clone());
            w
        }));
    view.facts = Some((**facts).clone());
    view
}

/// Nonces from `latest` up to the highest pooled one that the pool lacks:
/// the transactions that must be sent (or were lost) before the rest can go.
pub fn missing_nonces(latest: u64, pooled: impl Iterator<Item = u64>) -> Vec<u64> {
    let mut pooled: Vec<u64> = pooled.filter(|n| *n >= latest).collect();
    pooled.sort_unstable();
    let Some(&top) = pooled.last() else {
        return Vec::new();
    };
    (latest..top)
        .filter(|n| pooled.binary_search(n).is_err())
        .take(MAX_LISTED_NONCES as usize)
        .collect()
}

/// The integer and fraction digits of a typed amount ("1,000.50" →
/// ("1000", "5")); `None` when it is not a plain decimal number.
fn amount_digits(amount: &str) -> Option<(String, String)> {
    let clean: String = amount.chars().filter(|c| !matches!(c, ',' | '_')).collect();
    let (int, frac) = clean.split_once('.').unwrap_or((&clean, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if (int.is_empty() && frac.is_empty()) || !digits(int) || !digits(frac) {
        return None;
    }
    Some((int.to_string(), frac.trim_end_matches('0').to_string()))
}

/// A plain decimal amount such as "100", "0.5" or "1,000".
pub fn is_amount(amount: &str) -> bool {
    amount_digits(amount).is_some()
}

/// `amount` ("100", "0.5", "1,000") in units of `decimals`; `None` when it
/// has more decimal places than the asset can hold or is not a number.
pub fn parse_units(amount: &str, decimals: u8) -> Option<U256> {
    let (int, frac) = amount_digits(amount)?;
    if frac.len() > decimals as usize {
        return None;
    }
    let digits = format!("{int}{frac:0<width$}", width = decimals as usize);
    U256::from_str_radix(if digits.is_empty() { "0" } else { &digits }, 10).ok()
}

fn same_address(a: &str, b: &str) -> bool {
    if a.starts_with("0x") || a.starts_with("0X") {
        a.eq_ignore_ascii_case(b)
    } else {
        a == b
    }
}

fn asset_matches(t: &Transfer, token: Option<&str>) -> bool {
    match token {
        None => true,
        Some(s) => t
            .symbol
            .as_deref()
            .is_some_and(|sym| sym.eq_ignore_ascii_case(s)),
    }
}

/// The newest listed incoming transfer of the expected amount (pending
/// ones first: they are the newest), and incoming transfers of the same
/// asset with other amounts.
fn find_match(
    chains: &[ChainView],
    e: &Expect,
    config: &Config,
) -> (Option<Match>, Vec<(String, Transfer)>) {
    let mut hits: Vec<(String, Transfer)> = Vec::new();
    let mut near = Vec::new();
    for view in chains {
        let Some(f) = &view.facts else { continue };
        let Some(chain) = config.chain(&view.chain) else {
            continue;
        };
        let incoming = f
            .incoming_pending
            .iter()
            .chain(&f.transfers)
            .filter(|t| t.direction == Direction::In && t.listed)
            .filter(|t| asset_matches(t, e.token.as_deref()))
            .filter(|t| {
                e.from
                    .as_deref()
                    .is_none_or(|from| same_address(&t.from, from))
            })
            .filter(|t| {
                e.memo
                    .as_deref()
                    .is_none_or(|memo| t.memo.as_deref().map(str::trim) == Some(memo.trim()))
            });
        for t in incoming {
            let decimals = t.decimals.unwrap_or(chain.decimals);
            if parse_units(&e.amount, decimals) == Some(t.raw) {
                hits.push((view.chain.clone(), t.clone()));
            } else if !t.raw.is_zero() && e.token.is_some() {
                near.push((view.chain.clone(), t.clone()));
            }
        }
    }
    near.truncate(5);
    let others = hits.len().saturating_sub(1);
    let matched = hits.into_iter().next().map(|(chain, transfer)| Match {
        chain,
        transfer,
        others,
    });
    (matched, near)
}

/// A token that is not in chains.toml but calls itself what the customer
/// expects, in the expected amount: the classic fake deposit.
fn fake_token_warnings(chains: &[ChainView], e: &Expect, config: &Config) -> Vec<Warning> {
    let mut out = Vec::new();
    for view in chains {
        let (Some(f), Some(chain)) = (&view.facts, config.chain(&view.chain)) else {
            continue;
        };
        for t in f.transfers.iter().filter(|t| {
            t.direction == Direction::In
                && !t.listed
                && e.token.is_some()
                && asset_matches(t, e.token.as_deref())
        }) {
            let decimals = t.decimals.unwrap_or(chain.decimals);
            if parse_units(&e.amount, decimals) == Some(t.raw) {
                out.push(Warning {
                    chain: Some(view.chain.clone()),
                    ..Warning::new(
                        "fake_token",
                        format!(
                            "{}: transaction {} moved {} of a token calling itself {} at {}, which is not the {} listed for {}: it has no value",
                            view.chain,
                            t.hash,
                            t.amount().unwrap_or_else(|| t.raw.to_string()),
                            t.symbol.as_deref().unwrap_or("?"),
                            t.token.as_deref().unwrap_or("?"),
                            t.symbol.as_deref().unwrap_or("?"),
                            chain.name
                        ),
                    )
                });
            }
        }
    }
    out
}

/// Two different addresses that share their first 4 and last 4 visible
/// characters: what a person checking "the start and the end" cannot tell apart.
pub fn lookalike(a: &str, b: &str, family: Family) -> bool {
    let (a, b) = (
        crate::chain::visible_part(a, family),
        crate::chain::visible_part(b, family),
    );
    if a == b || a.len() < 8 || b.len() < 8 {
        return false;
    }
    let ends = |s: &str| {
        let chars: Vec<char> = s.chars().collect();
        (
            chars[..4].iter().collect::<String>(),
            chars[chars.len() - 4..].iter().collect::<String>(),
        )
    };
    ends(&a) == ends(&b)
}

/// Less than this share of one whole unit counts as dust: the coin
/// (1/10,000) and listed tokens (below 1 unit, e.g. under 1 USDT).
fn is_dust(t: &Transfer) -> bool {
    if t.raw.is_zero() {
        return true;
    }
    let Some(decimals) = t.decimals else {
        return false;
    };
    let unit = U256::from(10u64).pow(U256::from(decimals));
    match t.token {
        None => t.raw.saturating_mul(U256::from(10_000u64)) < unit,
        Some(_) => t.raw < unit,
    }
}

/// A worthless transfer a poisoner leaves: zero, dust or an unlisted token
/// coming in, or a zero-value "transfer" out (a `transferFrom` of nothing,
/// which anyone can make in the address's name).
fn is_suspicious(t: &Transfer) -> bool {
    match t.direction {
        Direction::In => is_dust(t) || !t.listed,
        Direction::Out => t.raw.is_zero(),
    }
}

/// Address poisoning in an address's history: a zero-value, dust or
/// unlisted-token transfer from (or a zero-value "transfer" to) an address
/// that looks like one this address paid.
pub fn poisoning(transfers: &[Transfer], chain: &Chain) -> Vec<Warning> {
    let payees: Vec<&str> = transfers
        .iter()
        .filter(|t| t.direction == Direction::Out && !t.raw.is_zero() && t.listed)
        .map(|t| t.to.as_str())
        .collect();
    let suspicious = transfers.iter().filter(|t| is_suspicious(t));
    let mut out: Vec<Warning> = Vec::new();
    for t in suspicious {
        let fake = t.counterparty();
        for genuine in payees.iter().filter(|g| lookalike(fake, g, chain.family)) {
            if out.iter().any(|w| {
                w.lookalike.as_deref() == Some(fake) && w.genuine.as_deref() == Some(genuine)
            }) {
                continue;
            }
            let paid = payees.iter().any(|p| same_address(p, fake));
            out.push(poisoning_warning(fake, genuine, paid, &t.hash));
        }
    }
    out
}

fn poisoning_warning(lookalike: &str, genuine: &str, paid: bool, hash: &str) -> Warning {
    let message = if paid {
        format!(
            "address poisoning: this address has paid {lookalike}, which imitates {genuine} (same first and last characters) and sent it a worthless transfer in {hash}; check the full address before any payment and never copy one from the transaction history"
        )
    } else {
        format!(
            "address poisoning: {lookalike} imitates {genuine}, an address this one paid, and put a worthless transfer into its history ({hash}) to be copied by mistake; check the full address before any payment and never copy one from the transaction history"
        )
    };
    Warning {
        lookalike: Some(lookalike.to_string()),
        genuine: Some(genuine.to_string()),
        ..Warning::new("address_poisoning", message)
    }
}

/// Who a transaction pays: the recipient of its one token transfer out of
/// the sender, or of its native value.
pub fn payment_recipient(facts: &TxFacts) -> Option<String> {
    let from_sender: Vec<_> = facts
        .token_transfers
        .iter()
        .chain(facts.intended_transfer.iter())
        .filter(|t| same_address(&t.from, &facts.from))
        .collect();
    match from_sender.as_slice() {
        [one] => Some(one.to.clone()),
        [] if !facts.value.raw.is_zero() => facts.to.clone(),
        _ => None,
    }
}

/// A payment to `recipient` in transaction `hash`, judged by the sender's
/// other transfers: it pays a poisoner when the recipient looks like an
/// address the sender paid before and either put a worthless transfer in
/// the sender's history or was never paid before.
pub fn payment_poisoning(
    recipient: &str,
    hash: &str,
    history: &SenderHistory,
    family: Family,
) -> Option<Warning> {
    let prior: Vec<&Transfer> = history
        .transfers
        .iter()
        .filter(|t| !t.hash.eq_ignore_ascii_case(hash))
        .collect();
    let payees: Vec<&str> = prior
        .iter()
        .filter(|t| t.direction == Direction::Out && !t.raw.is_zero() && t.listed)
        .map(|t| t.to.as_str())
        .collect();
    let suspicious: Vec<&str> = prior
        .iter()
        .filter(|t| is_suspicious(t))
        .map(|t| t.counterparty())
        .collect();
    let listed = |list: &[&str], a: &str| list.iter().any(|x| same_address(x, a));
    let genuine = payees
        .iter()
        .find(|g| lookalike(recipient, g, family) && !listed(&suspicious, g))?;
    let poisoner = listed(&suspicious, recipient);
    if !poisoner && listed(&payees, recipient) {
        return None;
    }
    let evidence = if poisoner {
        "and it put a worthless transfer into the sender's history"
    } else {
        "and the sender never paid it before"
    };
    Some(Warning {
        lookalike: Some(recipient.to_string()),
        genuine: Some(genuine.to_string()),
        ..Warning::new(
            "address_poisoning",
            format!(
                "address poisoning: this transaction pays {recipient}, which looks like {genuine} (same first and last characters), an address the sender paid before, {evidence}; if {genuine} was meant, the funds went to an impostor — compare the full address"
            ),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const GENUINE: &str = "0x1234aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaabcd";
    const FAKE: &str = "0x1234bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbabcd";
    const ME: &str = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";

    /// The family of a built-in chain.
    fn fam(key: &str) -> Family {
        chain_of(key).family
    }

    fn chain_of(key: &str) -> Chain {
        crate::config::parse(crate::config::BUILTIN)
            .unwrap()
            .chain(key)
            .unwrap()
            .clone()
    }

    fn chain() -> Chain {
        crate::config::parse(crate::config::BUILTIN)
            .unwrap()
            .chain("eth")
            .unwrap()
            .clone()
    }

    fn t(direction: Direction, from: &str, to: &str, raw: u64, listed: bool) -> Transfer {
        Transfer {
            memo: None,
            hash: format!("0x{}", "01".repeat(32)),
            block: Some(1),
            time: None,
            direction,
            from: from.into(),
            to: to.into(),
            token: Some("0xdAC17F958D2ee523a2206206994597C13D831ec7".into()),
            symbol: Some("USDT".into()),
            raw: U256::from(raw),
            decimals: Some(6),
            listed,
        }
    }

    #[test]
    fn lookalikes_share_four_and_four() {
        assert!(lookalike(GENUINE, FAKE, fam("eth")));
        assert!(lookalike(
            GENUINE,
            &FAKE.to_uppercase().replace("0X", "0x"),
            fam("eth")
        ));
        assert!(!lookalike(GENUINE, GENUINE, fam("eth")), "the same address");
        assert!(!lookalike(GENUINE, ME, fam("eth")));
        assert!(lookalike(
            "TXyzAAAAAAAAAAAAAAAAAAAAAAAAAAAAzz9Q",
            "TXyzBBBBBBBBBBBBBBBBBBBBBBBBBBBBzz9Q",
            fam("tron")
        ));
        // Every segwit address starts bc1q: the comparison starts after it.
        assert!(!lookalike(
            "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq",
            "bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh",
            fam("btc")
        ));
    }

    #[test]
    fn zero_value_transfer_from_a_lookalike_of_a_payee_is_poisoning() {
        let history = [
            t(Direction::In, FAKE, ME, 0, true),
            t(Direction::Out, ME, GENUINE, 100_000_000, true),
        ];
        let w = poisoning(&history, &chain());
        assert_eq!(w.len(), 1);
        assert_eq!(w[0].code, "address_poisoning");
        assert_eq!(w[0].lookalike.as_deref(), Some(FAKE));
        assert_eq!(w[0].genuine.as_deref(), Some(GENUINE));
    }

    #[test]
    fn real_payments_and_strangers_are_not_poisoning() {
        // A lookalike that sent a real amount of a listed token, and dust from a stranger.
        let history = [
            t(Direction::In, FAKE, ME, 50_000_000, true),
            t(
                Direction::In,
                "0x9999aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa0000",
                ME,
                0,
                true,
            ),
            t(Direction::Out, ME, GENUINE, 100_000_000, true),
        ];
        assert!(poisoning(&history, &chain()).is_empty());
        // A fake token of any amount from a lookalike is.
        let history = [
            t(Direction::In, FAKE, ME, 100_000_000, false),
            t(Direction::Out, ME, GENUINE, 100_000_000, true),
        ];
        assert_eq!(poisoning(&history, &chain()).len(), 1);
    }

    #[test]
    fn a_payment_to_a_lookalike_of_an_earlier_payee_is_flagged() {
        let mut dust = t(Direction::In, FAKE, ME, 0, true);
        dust.hash = "0xd0".into();
        let mut paid_fake = t(Direction::Out, ME, FAKE, 50_000_000, true);
        paid_fake.hash = "0xbad".into();
        let mut paid_genuine = t(Direction::Out, ME, GENUINE, 100_000_000, true);
        paid_genuine.hash = "0x600d".into();
        let h = |v: Vec<Transfer>| SenderHistory {
            transfers: v,
            from_block: 0,
            to_block: 9,
        };
        // Paying the poisoner that left dust, after paying the genuine address.
        let history = h(vec![paid_fake.clone(), dust.clone(), paid_genuine.clone()]);
        let w = payment_poisoning(FAKE, "0xbad", &history, fam("eth")).unwrap();
        assert_eq!(w.genuine.as_deref(), Some(GENUINE));
        assert_eq!(w.lookalike.as_deref(), Some(FAKE));
        // Paying the genuine address again is fine, even with the poisoner around.
        let mut again = paid_genuine.clone();
        again.hash = "0xa9a1".into();
        let history = h(vec![
            again,
            paid_fake.clone(),
            dust.clone(),
            paid_genuine.clone(),
        ]);
        assert!(payment_poisoning(GENUINE, "0xa9a1", &history, fam("eth")).is_none());
        // A first payment to a look-alike with no dust seen still warns.
        let history = h(vec![paid_fake.clone(), paid_genuine.clone()]);
        assert!(payment_poisoning(FAKE, "0xbad", &history, fam("eth")).is_some());
        // A stranger is nobody's look-alike.
        assert!(payment_poisoning(ME, "0x1", &history, fam("eth")).is_none());
    }

    #[test]
    fn amounts_parse_exactly_or_not_at_all() {
        assert_eq!(parse_units("100", 6), Some(U256::from(100_000_000u64)));
        assert_eq!(
            parse_units("1,000.5", 6),
            Some(U256::from(1_000_500_000u64))
        );
        assert_eq!(parse_units("0.10", 1), Some(U256::from(1u64)));
        assert_eq!(parse_units(".5", 2), Some(U256::from(50u64)));
        assert_eq!(parse_units("0.0000001", 6), None, "finer than the token");
        assert_eq!(parse_units("1e6", 6), None);
        assert_eq!(parse_units("", 6), None);
        assert_eq!(parse_units("-1", 6), None);
    }

    #[test]
    fn missing_nonces_are_the_holes_below_the_highest_pooled() {
        assert_eq!(missing_nonces(7, [9, 10].into_iter()), vec![7, 8]);
        assert_eq!(missing_nonces(7, [7, 8].into_iter()), Vec::<u64>::new());
        assert_eq!(missing_nonces(7, std::iter::empty()), Vec::<u64>::new());
        assert_eq!(missing_nonces(3, [3, 5, 8].into_iter()), vec![4, 6, 7]);
    }

    /// Issue 20: an explorer's token page for the address shows only that
    /// token's balance and transfers (in any letter case), the coin's
    /// balance kept.
    #[test]
    fn a_token_page_keeps_only_that_token() {
        use crate::model::Amount;
        use crate::model::address::{History, TokenBalance};
        let usdt = "0xdAC17F958D2ee523a2206206994597C13D831ec7";
        let usdc = "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48";
        let mut other = t(Direction::In, FAKE, ME, 5, true);
        other.token = Some(usdc.into());
        let facts = AddressFacts {
            held: None,
            moved_to: None,
            address: ME.into(),
            unconfirmed: None,
            balance: Some(Amount::new(U256::from(7u64), 18, "ETH")),
            tokens: vec![
                TokenBalance {
                    token: usdt.into(),
                    balance: Amount::new(U256::from(1u64), 6, "USDT"),
                },
                TokenBalance {
                    token: usdc.into(),
                    balance: Amount::new(U256::from(2u64), 6, "USDC"),
                },
            ],
            nonce: None,
            pool: None,
            incoming_pending: vec![other.clone()],
            transfers: vec![t(Direction::In, GENUINE, ME, 250, true), other],
            history: History::new("eth_getLogs"),
            head: Some(100),
            congestion: None,
            observed_at: 0,
        };
        let mut outcomes = vec![(
            "eth".to_string(),
            AddressOutcome::Found {
                facts: Box::new(facts),
                endpoint: "https://rpc".into(),
                failures: vec![],
            },
        )];
        focus_token(&mut outcomes, &usdt.to_lowercase());
        let AddressOutcome::Found { facts, .. } = &outcomes[0].1 else {
            panic!()
        };
        assert_eq!(facts.tokens.len(), 1);
        assert_eq!(facts.tokens[0].token, usdt);
        assert_eq!(facts.transfers.len(), 1);
        assert_eq!(facts.transfers[0].token.as_deref(), Some(usdt));
        assert!(facts.incoming_pending.is_empty());
        assert!(facts.balance.is_some(), "the coin pays the fees: kept");
    }
}
