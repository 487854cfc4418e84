//! TRON over the full-node HTTP API (as TronGrid and other public nodes
//! serve it). The API has no batches, so the first round asks its five
//! questions of one endpoint at once — the transaction, its execution info,
//! the solidified view of that info, the head block and the chain's prices —
//! and costs one round trip. A second round is made only when the answers
//! need more: the pending pool for an id no block holds, the sender's energy
//! and bandwidth for a contract call, the symbol and decimals of a token not
//! in chains.toml.
//!
//! Endpoints are tried in order. An API key (chains.toml `api_key_env`) is
//! sent only to the host named by `api_key_host`, never shown.

pub mod account;
mod explain;
mod ids;
pub use crate::codec::tron_address as address;
pub mod convert;
pub mod verify;
pub mod wire;

use super::family::{ChainFamily, unheld_address, unheld_id};
use super::probe::Probe;
use super::{AddressOutcome, AddressScope, TxKey};
use crate::chain::spec::{FamilyConfig, FamilyKeys, Token};
use crate::model::Target;
use std::time::{SystemTime, UNIX_EPOCH};

use alloy_primitives::{Address, B256, hex};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use self::wire::{
    AccountResource, Block, ChainParameters, ConstantResult, Transaction, TransactionInfo,
};
use super::transport::{Endpoint, EndpointError, RpcClient};
use super::{Answer, ChainOutcome, EndpointFailure, FaultKind};
use crate::chain::evm::convert::{self as evm, TokenInfo};
use crate::chain::spec::Chain;

pub async fn lookup_tx(client: &RpcClient, chain: &Chain, id: B256) -> ChainOutcome {
    super::ask_endpoints(client, chain, |e| async move {
        ask(client, &e, chain, id).await
    })
    .await
    .outcome(chain)
    .0
}

/// One call of the full-node API. java-tron reports a bad request as
/// `{"Error": "…"}` with HTTP 200: that is the node's error, not an answer.
pub async fn post(
    client: &RpcClient,
    endpoint: &Endpoint,
    path: &'static str,
    body: &Value,
) -> Result<Value, EndpointError> {
    let v = client.post(endpoint, path, body).await?;
    match v.get("Error").and_then(Value::as_str) {
        Some(e) => Err(EndpointError::NodeError(
            endpoint.scrub(&e.chars().take(crate::safe::MAX_CHARS).collect::<String>()),
        )),
        None => Ok(v),
    }
}

/// `post` of a fact every lookup shares in a batch (the head, the prices,
/// the solidified head): asked once per endpoint and block time there.
async fn post_shared(
    client: &RpcClient,
    endpoint: &Endpoint,
    chain: &Chain,
    path: &'static str,
    body: &Value,
) -> Result<Value, EndpointError> {
    let v = client
        .post_shared(endpoint, path, body, chain.block_ttl())
        .await?;
    match v.get("Error").and_then(Value::as_str) {
        Some(e) => Err(EndpointError::NodeError(
            endpoint.scrub(&e.chars().take(crate::safe::MAX_CHARS).collect::<String>()),
        )),
        None => Ok(v),
    }
}

/// TronGrid blocks an IP that exceeds its keyless rate for 30 s, with
/// HTTP 403 and "…exceeds the frequency limit…, suspended for 30s": a rate
/// limit (the endpoints of a TRON chain carry this rule).
const TRONGRID_PENALTY: std::time::Duration = std::time::Duration::from_secs(30);

pub fn refusal(status: u16, body: &[u8]) -> Option<std::time::Duration> {
    let text = String::from_utf8_lossy(&body[..body.len().min(500)]).to_ascii_lowercase();
    (status == 403 && text.contains("frequency limit")).then_some(TRONGRID_PENALTY)
}

fn parse<T: DeserializeOwned>(
    path: &str,
    v: Result<Value, EndpointError>,
) -> Result<T, EndpointFailure> {
    let v = v.map_err(|e| EndpointFailure::from_error(&e).context(path))?;
    serde_json::from_value(v).map_err(|e| {
        EndpointFailure::new(
            FaultKind::Undecodable,
            format!("{path}: unexpected answer ({e})"),
        )
    })
}

/// `{}` is the API's "no such id".
fn is_empty(v: &Result<Value, EndpointError>) -> bool {
    matches!(v, Ok(Value::Object(o)) if o.is_empty())
}

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or_default()
}

async fn ask(
    client: &RpcClient,
    endpoint: &Endpoint,
    chain: &Chain,
    id: B256,
) -> Result<Answer, EndpointFailure> {
    let value = json!({"value": hex::encode(id)});
    let nothing = json!({});
    // In a batch the head, the prices and the solidified head are shared
    // by every lookup (one request per block time); alone, the solidified
    // view of this very transaction is asked.
    let share = client.shares_facts();
    let (tx, info, solid, block, params) = tokio::join!(
        post(client, endpoint, "/wallet/gettransactionbyid", &value),
        post(client, endpoint, "/wallet/gettransactioninfobyid", &value),
        async {
            if share {
                post_shared(
                    client,
                    endpoint,
                    chain,
                    "/walletsolidity/getnowblock",
                    &nothing,
                )
                .await
            } else {
                post(
                    client,
                    endpoint,
                    "/walletsolidity/gettransactioninfobyid",
                    &value,
                )
                .await
            }
        },
        post_shared(client, endpoint, chain, "/wallet/getnowblock", &nothing),
        post_shared(
            client,
            endpoint,
            chain,
            "/wallet/getchainparameters",
            &nothing
        ),
    );
    let observed_at = now_ms();
    // The transaction, its info and the head are needed; the solidified view
    // and the prices only refine the answer.
    let tx_empty = is_empty(&tx);
    let info_empty = is_empty(&info);
    let tx: Transaction = parse("/wallet/gettransactionbyid", tx)?;
    let info: TransactionInfo = parse("/wallet/gettransactioninfobyid", info)?;
    let head_of = |block: Result<Value, EndpointError>| {
        parse::<Block>("/wallet/getnowblock", block)?
            .number()
            .ok_or_else(|| {
                EndpointFailure::new(
                    FaultKind::Undecodable,
                    "/wallet/getnowblock: the answer has no block number",
                )
            })
    };
    let mut head = head_of(block)?;
    // A kept head older than the transaction's block is asked again.
    if share
        && let Some(b) = info.block_number
        && u64::try_from(b).is_ok_and(|b| b > head)
    {
        client.forget_post(endpoint, "/wallet/getnowblock", &nothing);
        head =
            head_of(post_shared(client, endpoint, chain, "/wallet/getnowblock", &nothing).await)?;
    }
    // The solidity view knows only irreversible transactions; an endpoint
    // without it leaves finality to the confirmation count. In a batch, the
    // solidified head says it for every transaction at once.
    let solid_head: Option<u64> = if share {
        solid
            .as_ref()
            .ok()
            .and_then(|v| serde_json::from_value::<Block>(v.clone()).ok())
            .and_then(|b| b.number())
            .filter(|s| *s <= head)
    } else {
        None
    };
    let solid: Option<Option<TransactionInfo>> = match solid {
        _ if share => None,
        Err(_) => None,
        Ok(_) if is_empty(&solid) => Some(None),
        answer => Some(Some(
            parse("/walletsolidity/gettransactioninfobyid", answer)
                .map_err(|f| EndpointFailure::inconsistent(f.what))?,
        )),
    };
    let params: Option<ChainParameters> = params.ok().and_then(|v| serde_json::from_value(v).ok());

    let id_hex = hex::encode(id);
    let (tx, info) = if tx_empty && info_empty {
        // In no block: maybe still in this node's pending pool. A failure
        // to ask the pool is a failure, never "not in the pool".
        let pending = post(
            client,
            endpoint,
            "/wallet/gettransactionfrompending",
            &value,
        )
        .await;
        if is_empty(&pending) {
            return Ok(Answer::Unknown {
                head: Some(head),
                congestion: Some(convert::energy_market(chain, params.as_ref(), None)),
            });
        }
        let tx: Transaction = parse("/wallet/gettransactionfrompending", pending)?;
        match tx.tx_id.as_deref() {
            Some(got) if got.eq_ignore_ascii_case(&id_hex) => {}
            got => {
                return Err(EndpointFailure::inconsistent(format!(
                    "answered /wallet/gettransactionfrompending with another transaction ({})",
                    got.unwrap_or("no txID")
                )));
            }
        }
        (tx, None)
    } else {
        let info = (!info_empty).then_some(info);
        verify::answer(&id_hex, (!tx_empty).then_some(&tx), info.as_ref(), head)
            .map_err(EndpointFailure::inconsistent)?;
        // Executed, but the transaction body is not served: the info is enough.
        (tx, info)
    };
    let solidified = match (&info, solid) {
        (Some(info), Some(solid)) => {
            Some(verify::solidified(info, solid.as_ref()).map_err(EndpointFailure::inconsistent)?)
        }
        (Some(info), None) => solid_head.and_then(|s| {
            let b = u64::try_from(info.block_number?).ok()?;
            Some(b <= s)
        }),
        _ => None,
    };
    let raw = tx.raw_data.clone().unwrap_or_default();
    let contract = raw.contract.first();
    let call = convert::call(contract);

    let mut book = evm::token_book(chain);
    let mut unknown = convert::unknown_tokens(&call, info.as_ref(), &book);
    let tokens_unread = unknown.len().saturating_sub(super::MAX_TOKEN_READS);
    unknown.truncate(super::MAX_TOKEN_READS);
    // The sender's energy explains a contract call; in a batch it is asked
    // only where it explains something: a failure.
    let failed = info
        .as_ref()
        .and_then(|i| i.receipt.as_ref())
        .and_then(|r| r.result.as_deref())
        .is_some_and(|r| r != "SUCCESS");
    let wants_resources = call.kind == "TriggerSmartContract" && (!share || failed);
    let (tokens, resources) = tokio::join!(
        token_metadata(client, endpoint, call.from, &unknown),
        async {
            match (wants_resources, call.from) {
                (true, Some(from)) => post(
                    client,
                    endpoint,
                    "/wallet/getaccountresource",
                    &json!({"address": address::to_hex(&from)}),
                )
                .await
                .ok()
                .and_then(|v| serde_json::from_value::<AccountResource>(v).ok()),
                _ => None,
            }
        }
    );
    book.extend(tokens);

    let mut facts = convert::tx_facts(
        chain,
        &id_hex,
        contract,
        raw.expiration,
        raw.fee_limit,
        info.as_ref(),
        Some(head),
        &book,
    );
    facts.solidified = if facts.block.is_some() {
        solidified
    } else {
        None
    };
    facts.observed_at_ms = Some(observed_at);
    facts.tokens_unread = tokens_unread;
    facts.congestion = Some(convert::energy_market(
        chain,
        params.as_ref(),
        resources.as_ref(),
    ));
    Ok(Answer::Found(Box::new(facts)))
}

/// `symbol()` and `decimals()` of tokens not in chains.toml, read with
/// `/wallet/triggerconstantcontract` (all at once).
async fn token_metadata(
    client: &RpcClient,
    endpoint: &Endpoint,
    caller: Option<Address>,
    tokens: &[Address],
) -> Vec<(Address, TokenInfo)> {
    let owner = caller.unwrap_or_default();
    let read = |token: Address, selector: &'static str| async move {
        let body = json!({
            "owner_address": address::to_hex(&owner),
            "contract_address": address::to_hex(&token),
            "function_selector": selector,
            "parameter": "",
        });
        post(client, endpoint, "/wallet/triggerconstantcontract", &body)
            .await
            .ok()
            .and_then(|v| serde_json::from_value::<ConstantResult>(v).ok())
            .and_then(|r| r.constant_result.into_iter().next())
            .and_then(|h| hex::decode(h).ok())
    };
    let reads = tokens.iter().map(|&token| async move {
        let (symbol, decimals) = tokio::join!(read(token, "symbol()"), read(token, "decimals()"));
        (
            token,
            TokenInfo {
                symbol: symbol.and_then(|b| evm::decode_symbol(&b)),
                decimals: decimals.and_then(|b| evm::decode_decimals(&b)),
            },
        )
    });
    futures_util::future::join_all(reads).await
}

pub async fn probe(client: &RpcClient, chain: &Chain, url: &str) -> Probe {
    let endpoint = super::endpoint(chain, url);
    match post(client, &endpoint, "/wallet/getnowblock", &json!({})).await {
        Ok(v) => match serde_json::from_value::<Block>(v)
            .ok()
            .and_then(|b| b.number())
        {
            Some(head) => Probe::Up {
                head,
                finalized: None,
                runtime: None,
            },
            None => Probe::Down {
                error: "/wallet/getnowblock: no block number in the answer".into(),
            },
        },
        Err(e) => Probe::Down {
            error: e.to_string(),
        },
    }
}

/// The TRON family: the java-tron full-node HTTP API (TronGrid and others).
pub struct Tron;

impl ChainFamily for Tron {
    /// A bare 64-hex id, a `T…` base58 address (checksum verified) or the
    /// same address as 42 hex digits starting `41`.
    fn read(&self, text: &str) -> Option<Result<Target, String>> {
        ids::read(text)
    }

    /// Token contracts as `T…` base58 addresses.
    fn check_chain(&self, keys: &FamilyKeys) -> anyhow::Result<FamilyConfig> {
        #[derive(serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Own {}
        let Own {} = keys.own()?;
        Ok(FamilyConfig {
            tokens: keys.tokens(|a| Ok((crate::codec::tron_address::from_base58(a)?, None)))?,
            ..FamilyConfig::default()
        })
    }

    /// Bare 64-hex ids (TRON ids carry no 0x) and T… / 41… addresses.
    fn holds(&self, target: &Target, _chain: &Chain) -> bool {
        matches!(
            target,
            Target::Tx {
                prefixed: false,
                ..
            } | Target::TronAddress(_)
        )
    }

    fn lookup_tx<'a>(
        &'a self,
        client: &'a RpcClient,
        chain: &'a Chain,
        key: &'a TxKey,
        _seen: Option<&'a crate::model::Seen>,
    ) -> futures_util::future::BoxFuture<'a, ChainOutcome> {
        Box::pin(async move {
            match key {
                TxKey::Hash(h) => lookup_tx(client, chain, *h).await,
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
                Target::TronAddress(a) => account::lookup_address(client, chain, *a, scope).await,
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

    fn token_id(&self, token: &Token) -> String {
        address::to_base58(&token.address)
    }

    fn refusal(&self) -> Option<super::transport::RefusalRule> {
        Some(refusal)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trongrid_penalties_are_rate_limits() {
        let body = br#"{"success": false, "error": "The key exceeds the frequency limit(15), and the query server is suspended for 30s", "statusCode": 403}"#;
        assert_eq!(refusal(403, body), Some(TRONGRID_PENALTY));
        assert_eq!(refusal(403, b"<html>403 Forbidden</html>"), None);
        assert_eq!(refusal(200, body), None);
    }
}

/// Reading this family's ids, addresses and explorer links through
/// `query::parse` (the whole path a pasted text takes).
#[cfg(test)]
mod reading_tests {
    use crate::query::testing::*;

    #[test]
    fn tron_ids_links_and_addresses() {
        let cfg = cfg();
        let id = &HASH[2..];
        let q = parse(
            &format!("https://tronscan.org/#/transaction/{id}"),
            &cfg,
            None,
        )
        .unwrap();
        assert_eq!(
            (q.chains.as_slice(), tx(&q)),
            (&["tron".to_string()][..], HASH.parse().unwrap())
        );
        assert!(
            parse(HASH, &cfg, None)
                .unwrap()
                .chains
                .iter()
                .all(|c| c != "tron"),
            "0x means EVM"
        );
        assert!(matches!(
            parse(HASH, &cfg, Some("tron")),
            Err(QueryError::NoCandidateChain(_))
        ));

        let usdt = "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t";
        let q = parse(usdt, &cfg, None).unwrap();
        assert_eq!(q.chains, ["tron"]);
        let Target::TronAddress(a) = q.target else {
            panic!()
        };
        let hex = parse("41a614f803b6fd780986a42c78ec9c7f77e6ded13c", &cfg, None).unwrap();
        assert_eq!(hex.target, Target::TronAddress(a), "hex form, same account");
        let q = parse(
            &format!("https://tronscan.org/#/address/{usdt}"),
            &cfg,
            None,
        )
        .unwrap();
        assert_eq!(q.target, Target::TronAddress(a));

        let err = parse("TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6u", &cfg, None).unwrap_err();
        assert!(err.to_string().contains("checksum"), "{err}");
    }
}
