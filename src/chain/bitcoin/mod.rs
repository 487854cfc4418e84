//! Bitcoin and other UTXO chains over the Esplora REST API (Blockstream's
//! electrs, mempool.space and their forks). The API has no batches: the first
//! round asks, at once, for the transaction, the tip height, the fee
//! estimates (and mempool.space's own recommendation where the endpoint has
//! it) and the mempool backlog — one round trip. A pending transaction costs
//! a second round: its parent transactions, to find unconfirmed ones that
//! hold it back.
//!
//! Quirks handled here: `/blocks/tip/height` answers plain text; an unknown
//! txid is HTTP 404 with the text "Transaction not found"; `/tx/:txid/status`
//! answers `{"confirmed": false}` for a txid it has never seen, so it is
//! never used to decide "not found".

pub mod account;
mod explain;
mod ids;
pub mod utxo;
pub use crate::codec::utxo_address as address;
pub mod convert;
pub mod wire;

use super::family::{ChainFamily, unheld_address, unheld_id};
use super::probe::Probe;
use super::{AddressOutcome, AddressScope, TxKey};
use crate::chain::spec::{FamilyConfig, FamilyKeys};
use crate::model::Target;
use alloy_primitives::B256;
use futures_util::future::join_all;
use serde::de::DeserializeOwned;

use self::wire::{FeeEstimates, Mempool, Outspend, RbfHistory, Recommended, Tx};
use super::transport::{Endpoint, EndpointError, GetAnswer, RpcClient, snippet};
use super::{Answer, ChainOutcome, EndpointFailure, FaultKind, failed};
use crate::chain::spec::Chain;
use crate::model::{Respent, Seen, TxFacts};

/// Parent transactions asked about for a pending transaction; a transaction
/// spending more distinct parents has the rest counted as unchecked.
const MAX_PARENTS: usize = 10;

/// Looks `txid` up; when the endpoints do not know it, asks what spent its
/// coins instead (replace-by-fee): mempool.space's RBF history, else — for
/// a transaction an earlier run saw pending — the outspend of a coin it spent.
pub async fn lookup_tx(
    client: &RpcClient,
    chain: &Chain,
    txid: B256,
    remembered: Option<&Seen>,
) -> ChainOutcome {
    let txid = hex_id(txid);
    let (outcome, not_found_by) = super::ask_endpoints(client, chain, |e| {
        let txid = txid.clone();
        async move { ask(client, &e, chain, &txid).await }
    })
    .await
    .outcome(chain);
    match outcome {
        ChainOutcome::NotFound {
            endpoints,
            failures,
            congestion,
            vanished,
            respent: None,
        } => ChainOutcome::NotFound {
            endpoints,
            failures,
            congestion,
            vanished,
            respent: replacement(client, &not_found_by, &txid, remembered).await,
        },
        other => other,
    }
}

/// What replaced `txid`, asked of the endpoints that do not know it, in
/// turn: the RBF history (mempool.space's `/v1/tx/:txid/rbf`; other
/// Esplora servers answer 404), then the outspend of a remembered coin.
async fn replacement(
    client: &RpcClient,
    endpoints: &[Endpoint],
    txid: &str,
    remembered: Option<&Seen>,
) -> Option<Respent> {
    for endpoint in endpoints {
        if let Ok(GetAnswer::Body(b)) = client.get(endpoint, &format!("/v1/tx/{txid}/rbf")).await
            && let Ok(history) = serde_json::from_slice::<RbfHistory>(&b)
            && let Some(found) = convert::replaced_by(&history, txid)
        {
            return Some(found);
        }
        for coin in remembered.map(|s| s.inputs.as_slice()).unwrap_or_default() {
            let path = format!("/tx/{}/outspend/{}", coin.txid, coin.vout);
            if let Ok(GetAnswer::Body(b)) = client.get(endpoint, &path).await
                && let Ok(spend) = serde_json::from_slice::<Outspend>(&b)
                && let Some(found) = convert::respent(&spend, txid)
            {
                return Some(found);
            }
        }
    }
    None
}

/// Txids are shown and asked in lower-case hex without `0x`.
fn hex_id(txid: B256) -> String {
    alloy_primitives::hex::encode(txid)
}

/// The newest block's height (`GET /blocks/tip/height`, plain text).
pub async fn tip(client: &RpcClient, endpoint: &Endpoint) -> Result<u64, String> {
    read_tip(client.get(endpoint, "/blocks/tip/height").await)
}

/// The same, shared by every lookup of a batch for a block time.
async fn tip_shared(client: &RpcClient, endpoint: &Endpoint, chain: &Chain) -> Result<u64, String> {
    read_tip(
        client
            .get_shared(endpoint, "/blocks/tip/height", chain.block_ttl())
            .await,
    )
}

fn read_tip(answer: Result<GetAnswer, EndpointError>) -> Result<u64, String> {
    match answer {
        Ok(GetAnswer::Body(b)) => std::str::from_utf8(&b)
            .ok()
            .and_then(|t| t.trim().parse().ok())
            .ok_or_else(|| {
                format!(
                    "answered /blocks/tip/height with {:?}, not a block height: is it an Esplora API URL (ending in /api)?",
                    snippet(&b)
                )
            }),
        Ok(GetAnswer::NotFound(text)) => Err(format!(
            "has no /blocks/tip/height (404: {text}): is it an Esplora API URL (ending in /api)?"
        )),
        Err(e) => Err(e.to_string()),
    }
}

async fn ask(
    client: &RpcClient,
    endpoint: &Endpoint,
    chain: &Chain,
    txid: &str,
) -> Result<Answer, EndpointFailure> {
    let tx_path = format!("/tx/{txid}");
    // Only the transaction is this lookup's own: in a batch the tip, the fee
    // estimates and the mempool are shared for a block time.
    let ttl = chain.block_ttl();
    let (tx, tip, estimates, recommended, mempool) = tokio::join!(
        client.get(endpoint, &tx_path),
        tip_shared(client, endpoint, chain),
        json::<FeeEstimates>(client, endpoint, "/fee-estimates", ttl),
        json::<Recommended>(client, endpoint, "/v1/fees/recommended", ttl),
        json::<Mempool>(client, endpoint, "/mempool", ttl),
    );
    // The tip answers first: it also proves the URL is an Esplora API, which
    // is what makes its 404 for the txid mean "unknown transaction".
    let mut tip = tip.map_err(failed)?;
    let rates = convert::fee_rates(recommended.as_ref(), estimates.as_ref());
    let congestion = convert::congestion(rates, mempool.as_ref());
    let tx: Tx = match tx.map_err(|e| EndpointFailure::from_error(&e))? {
        GetAnswer::NotFound(text) if is_not_found_text(&text) => {
            return Ok(Answer::Unknown {
                head: Some(tip),
                congestion,
            });
        }
        GetAnswer::NotFound(text) => {
            return Err(EndpointFailure::new(
                FaultKind::Http,
                format!(
                    "answered {tx_path} with HTTP 404 but not Esplora's \"Transaction not found\" ({text}): not evidence that the transaction is unknown"
                ),
            ));
        }
        GetAnswer::Body(b) => {
            decode(&b, &tx_path).map_err(|e| EndpointFailure::new(FaultKind::Undecodable, e))?
        }
    };
    if !tx.txid.eq_ignore_ascii_case(txid) {
        return Err(EndpointFailure::inconsistent(format!(
            "answered {tx_path} with another transaction ({})",
            tx.txid
        )));
    }
    // A kept tip older than the transaction's block is asked again.
    if client.shares_facts()
        && let (true, Some(h)) = (tx.status.confirmed, tx.status.block_height)
        && h > tip
    {
        client.forget_get(endpoint, "/blocks/tip/height");
        tip = tip_shared(client, endpoint, chain).await.map_err(failed)?;
    }
    match (tx.status.confirmed, tx.status.block_height) {
        (true, Some(h)) if h > tip => {
            return Err(EndpointFailure::inconsistent(format!(
                "puts the transaction in block {h}, past its own tip {tip}"
            )));
        }
        (true, None) => {
            return Err(EndpointFailure::inconsistent(
                "calls the transaction confirmed but gives no block height",
            ));
        }
        _ => {}
    }
    let mut facts = convert::tx_facts(&tx, chain, tip);
    facts.congestion = congestion;
    if !tx.status.confirmed {
        parents(client, endpoint, &tx, &mut facts).await;
    }
    Ok(Answer::Found(Box::new(facts)))
}

/// Esplora's own text for an unknown txid (electrs answers exactly
/// "Transaction not found"); anything else with a 404 — an HTML page, a
/// proxy's or web server's "Not Found", "Block not found", Go's "404 page
/// not found" — is not evidence that the transaction is unknown.
fn is_not_found_text(text: &str) -> bool {
    text.trim() == "Transaction not found"
}

fn decode<T: DeserializeOwned>(bytes: &[u8], path: &str) -> Result<T, String> {
    serde_json::from_slice(bytes).map_err(|e| {
        EndpointError::Undecodable {
            detail: format!("{path}: {e}"),
            snippet: snippet(bytes),
        }
        .to_string()
    })
}

/// A JSON answer, or `None` when the endpoint lacks the path or failed it
/// (fee figures are worth having, not worth failing the lookup for).
async fn json<T: DeserializeOwned>(
    client: &RpcClient,
    endpoint: &Endpoint,
    path: &str,
    ttl: std::time::Duration,
) -> Option<T> {
    match client.get_shared(endpoint, path, ttl).await {
        Ok(GetAnswer::Body(b)) => serde_json::from_slice(&b).ok(),
        _ => None,
    }
}

/// Asks for the transactions whose outputs a pending transaction spends and
/// records those still unconfirmed: they must be mined first (or with it).
async fn parents(client: &RpcClient, endpoint: &Endpoint, tx: &Tx, facts: &mut TxFacts) {
    let ids = convert::parent_ids(tx);
    let asked = &ids[..ids.len().min(MAX_PARENTS)];
    let answers = join_all(asked.iter().map(|id| async move {
        match client.get(endpoint, &format!("/tx/{id}")).await {
            Ok(GetAnswer::Body(b)) => serde_json::from_slice::<Tx>(&b).ok(),
            _ => None,
        }
    }))
    .await;
    let Some(utxo) = facts.family.utxo_mut() else {
        return;
    };
    utxo.parents_unchecked = ids.len() - asked.len();
    for answer in answers {
        match answer {
            Some(parent) => utxo
                .unconfirmed_parents
                .extend(convert::unconfirmed_parent(&parent)),
            None => utxo.parents_unchecked += 1,
        }
    }
}

pub async fn probe(client: &RpcClient, chain: &Chain, url: &str) -> Probe {
    let endpoint = super::endpoint(chain, url);
    match tip(client, &endpoint).await {
        Ok(head) => Probe::Up {
            head,
            finalized: None,
            runtime: None,
        },
        Err(error) => Probe::Down { error },
    }
}

/// Bitcoin and other UTXO chains over the Esplora REST API.
pub struct Esplora;

impl ChainFamily for Esplora {
    /// No nonce, but the coins it spends (a few: one is enough) tell later
    /// what replaced it.
    fn marks(&self, facts: &TxFacts) -> Option<crate::model::Marks> {
        const MAX_REMEMBERED_INPUTS: usize = 4;
        let inputs: Vec<crate::model::Outpoint> = facts
            .family
            .utxo()
            .into_iter()
            .flat_map(|u| u.inputs.iter())
            .take(MAX_REMEMBERED_INPUTS)
            .map(|i| crate::model::Outpoint {
                txid: i.txid.to_ascii_lowercase(),
                vout: i.vout,
            })
            .collect();
        match facts.nonce {
            Some(nonce) => Some(crate::model::Marks {
                nonce,
                inputs,
                ..Default::default()
            }),
            None if !inputs.is_empty() => Some(crate::model::Marks {
                nonce: 0,
                inputs,
                ..Default::default()
            }),
            None => None,
        }
    }

    /// A bare 64-hex txid, or a base58 or bech32 address (checksum verified;
    /// which chains it belongs to, their formats say).
    fn read(&self, text: &str) -> Option<Result<Target, String>> {
        ids::read(text)
    }

    fn waiting(
        &self,
        facts: &TxFacts,
        chain: &Chain,
    ) -> Option<(crate::model::Reason, Option<u64>)> {
        utxo::assessment(facts, chain).map(|a| (a.reason, a.eta_seconds))
    }

    /// The fee-rate assessment of a pending transaction, and a warning when
    /// some of the coins it spends could not be traced.
    fn annotate(&self, facts: &TxFacts, chain: &Chain, report: &mut crate::model::TxReport) {
        report.waiting = utxo::assessment(facts, chain)
            .map(|a| crate::model::assessment::Waiting::Utxo(Box::new(a)));
        if let Some(n) = facts
            .family
            .utxo()
            .map(|u| u.parents_unchecked)
            .filter(|n| *n > 0)
        {
            let key = &chain.key;
            report.warnings.push(crate::model::Warning {
                chain: Some(key.clone()),
                ..crate::model::Warning::new(
                    "parents_unchecked",
                    format!(
                        "{key}: {n} of the transactions whose coins this one spends could not be checked; an unconfirmed one among them would hold it back"
                    ),
                )
            });
        }
    }

    /// The address formats that belong to the chain (segwit human-readable
    /// part and base58 version bytes); no tokens.
    fn check_chain(&self, keys: &FamilyKeys) -> anyhow::Result<FamilyConfig> {
        #[derive(serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Own {
            address_hrp: Option<String>,
            address_versions: Option<Vec<u8>>,
        }
        let own: Own = keys.own()?;
        let (Some(hrp), Some(versions)) = (own.address_hrp, own.address_versions) else {
            anyhow::bail!(
                "{} and {} are required for a bitcoin chain (Bitcoin: \"bc\" and [0, 5]; testnet and signet: \"tb\" and [111, 196])",
                keys.at("address_hrp"),
                keys.at("address_versions")
            );
        };
        if hrp.is_empty() || !hrp.bytes().all(|b| b.is_ascii_alphanumeric()) {
            anyhow::bail!(
                "{} must be letters and digits, e.g. \"bc\"",
                keys.at("address_hrp")
            );
        }
        if !keys.tokens.is_empty() {
            anyhow::bail!("{}: a bitcoin chain has no tokens", keys.at("tokens"));
        }
        Ok(FamilyConfig {
            address_format: Some(crate::codec::utxo_address::Format {
                hrp: hrp.to_ascii_lowercase(),
                versions,
            }),
            ..FamilyConfig::default()
        })
    }

    /// Bare txids, and addresses of the chain's configured formats.
    fn holds(&self, target: &Target, chain: &Chain) -> bool {
        match target {
            Target::Tx { prefixed, .. } => !prefixed,
            Target::UtxoAddress { decoded, .. } => chain
                .address_format
                .as_ref()
                .is_some_and(|f| address::belongs(decoded, f)),
            _ => false,
        }
    }

    fn lookup_tx<'a>(
        &'a self,
        client: &'a RpcClient,
        chain: &'a Chain,
        key: &'a TxKey,
        seen: Option<&'a Seen>,
    ) -> futures_util::future::BoxFuture<'a, ChainOutcome> {
        Box::pin(async move {
            match key {
                TxKey::Hash(h) => lookup_tx(client, chain, *h, seen).await,
                _ => unheld_id(chain),
            }
        })
    }

    fn lookup_address<'a>(
        &'a self,
        client: &'a RpcClient,
        chain: &'a Chain,
        target: &'a Target,
        scope: &'a AddressScope,
    ) -> futures_util::future::BoxFuture<'a, AddressOutcome> {
        Box::pin(async move {
            match target {
                Target::UtxoAddress { address, .. } => {
                    account::lookup_address(client, chain, address, scope).await
                }
                _ => unheld_address(chain),
            }
        })
    }

    fn probe<'a>(
        &'a self,
        client: &'a RpcClient,
        chain: &'a Chain,
        url: &'a str,
    ) -> futures_util::future::BoxFuture<'a, Probe> {
        Box::pin(probe(client, chain, url))
    }

    /// Without the `bc1q`-style prefix every segwit address shares.
    fn visible_part(&self, address: &str) -> String {
        match address.to_ascii_lowercase().split_once('1') {
            Some((hrp, rest)) if !hrp.is_empty() && hrp.len() <= 4 && rest.len() > 30 => {
                rest.chars().skip(1).collect()
            }
            _ => address.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_esplora_s_own_text_means_unknown() {
        assert!(is_not_found_text("Transaction not found"));
        assert!(is_not_found_text("Transaction not found\n"));
        for other in [
            "Not Found",
            "Block not found",
            "404 page not found",
            "transaction not found in mempool",
        ] {
            assert!(!is_not_found_text(other), "issue 18: {other}");
        }
        assert!(!is_not_found_text(
            "<html><body><h1>404 Not Found</h1></body></html>"
        ));
        assert!(!is_not_found_text("(empty body)"));
    }
}

/// Reading this family's ids, addresses and explorer links through
/// `query::parse` (the whole path a pasted text takes).
#[cfg(test)]
mod reading_tests {
    use crate::query::testing::*;

    #[test]
    fn bitcoin_links_and_addresses() {
        let cfg = cfg();
        let id = &HASH[2..];
        for link in [
            format!("https://mempool.space/tx/{id}"),
            format!("https://blockstream.info/tx/{id}"),
            format!("mempool.space/tx/{id}#vout=1").replace("mempool", "https://mempool"),
            format!("https://mempool.space/tx/0x{id}"),
        ] {
            let q = parse(&link, &cfg, None).unwrap_or_else(|e| panic!("{link}: {e}"));
            assert_eq!(
                (q.chains.as_slice(), q.from_link),
                (&["btc".to_string()][..], true)
            );
            assert_eq!(tx(&q), HASH.parse::<B256>().unwrap());
        }
        // A testnet page is not mainnet's: it is not taken for a mainnet link.
        assert!(matches!(
            parse(
                &format!("https://mempool.space/testnet4/tx/{id}"),
                &cfg,
                None
            ),
            Err(QueryError::UnknownExplorer { .. })
        ));
        for a in [
            "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa",
            "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy",
            "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4",
            "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0",
        ] {
            let q = parse(a, &cfg, None).unwrap_or_else(|e| panic!("{a}: {e}"));
            assert!(matches!(q.target, Target::UtxoAddress { .. }), "{a}");
            assert_eq!(q.chains, ["btc"]);
        }
        let q = parse(
            "https://mempool.space/address/bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4",
            &cfg,
            None,
        )
        .unwrap();
        assert!(matches!(q.target, Target::UtxoAddress { .. }));
        let typo = parse("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5", &cfg, None).unwrap_err();
        assert!(typo.to_string().contains("checksum"), "{typo}");
        let testnet = parse("tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx", &cfg, None).unwrap_err();
        assert!(
            matches!(testnet, QueryError::NoCandidateChain(_)),
            "{testnet}"
        );
        assert!(
            parse(HASH, &cfg, Some("btc")).is_err(),
            "0x hashes are EVM's"
        );
    }
}
