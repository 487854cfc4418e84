//! The seam a chain family plugs into: one value implementing
//! [`ChainFamily`] per family, found by [`of`]. Everything the rest of the
//! program asks of a family goes through it — looking transactions and
//! addresses up, probing endpoints, the payees read for the poisoning check,
//! how token contracts and addresses are written — so a new family is its
//! folder, one `impl`, and one arm in [`of`] (an exhaustive match: forgetting
//! it is a compile error). Methods without a default must be written.

use futures_util::future::BoxFuture;

use super::failed;
use super::outcome::{AddressOutcome, AddressScope, ChainOutcome, TxKey};
use super::probe::Probe;
use super::spec::{Chain, FamilyConfig, FamilyKeys, Token};
use super::transport::{RefusalRule, RpcClient};
use super::{antelope, aptos, bitcoin, evm, solana, substrate, tron};
use crate::model::Family;
use crate::model::Target;
use crate::model::address::SenderHistory;
use crate::model::{PendingFacts, Reason, Seen, TxFacts, TxReport};

pub trait ChainFamily: super::explain::Explain + Send + Sync {
    /// What `text` (one hash, id or address, already cleaned) is in this
    /// family's formats: `None` when it is none of them, `Some(Err(why))`
    /// when it is one of them but broken (a checksum that fails), in words
    /// a person can act on.
    fn read(&self, text: &str) -> Option<Result<Target, String>>;

    /// Checks the chains.toml keys only this family reads (pure: run when
    /// the file is parsed, so a bad file fails at start-up naming the key).
    fn check_chain(&self, keys: &FamilyKeys) -> anyhow::Result<FamilyConfig>;

    /// Whether `chain` (of this family) can hold what `target` names: the
    /// query searches exactly the chains that can.
    fn holds(&self, target: &Target, chain: &Chain) -> bool;

    /// Looks a transaction up on `chain`. `key` is of a kind the family
    /// holds (the query pairs them); another kind reads as unavailable.
    fn lookup_tx<'a>(
        &'a self,
        client: &'a RpcClient,
        chain: &'a Chain,
        key: &'a TxKey,
        seen: Option<&'a Seen>,
    ) -> BoxFuture<'a, ChainOutcome>;

    /// Looks an address up on `chain` (its balance and recent transfers).
    fn lookup_address<'a>(
        &'a self,
        client: &'a RpcClient,
        chain: &'a Chain,
        target: &'a Target,
        scope: &'a AddressScope,
    ) -> BoxFuture<'a, AddressOutcome>;

    /// `chains --probe`: is the endpoint up, for which chain, at which head?
    fn probe<'a>(
        &'a self,
        client: &'a RpcClient,
        chain: &'a Chain,
        url: &'a str,
    ) -> BoxFuture<'a, Probe>;

    /// How the family's adapters name a configured token contract in
    /// transfers (checksummed `0x…`, `T…`, a mint). By default the id as
    /// chains.toml writes it (`mint`: a Solana mint, an Aptos metadata
    /// address, an Antelope contract account, an assets-pallet id).
    fn token_id(&self, token: &Token) -> String {
        token.mint.clone().unwrap_or_default()
    }

    /// The sender's recent payees, for the address-poisoning check of a
    /// payment; `None` where the family cannot read them cheaply.
    fn payees<'a>(
        &'a self,
        _client: &'a RpcClient,
        _chain: &'a Chain,
        _endpoint: &'a str,
        _sender: &'a str,
        _head: u64,
    ) -> BoxFuture<'a, Option<SenderHistory>> {
        Box::pin(async { None })
    }

    /// Why a transaction not yet in a block waits, by the family's own
    /// figures (reason, seconds to wait); `None`: the neutral "waiting".
    fn waiting(&self, _facts: &TxFacts, _chain: &Chain) -> Option<(Reason, Option<u64>)> {
        None
    }

    /// What the family adds to the report of a found transaction: its
    /// pending assessment, its own warnings.
    fn annotate(&self, _facts: &TxFacts, _chain: &Chain, _report: &mut TxReport) {}

    /// Whether the block is irreversible by the chain's own word (TRON's
    /// solidified view, Solana's `finalized` commitment: `facts.solidified`);
    /// `None`: the configured confirmation count decides.
    fn finality(&self, facts: &TxFacts) -> Option<bool> {
        facts.solidified
    }

    /// The diagnosis of a transaction the address's pool holds, where the
    /// family reads a pool.
    fn assess_pooled(
        &self,
        _fees: &PendingFacts,
        _nonce: u64,
        _chain: &Chain,
    ) -> Option<crate::model::assessment::pending::Assessment> {
        None
    }

    /// A rate limit the family's endpoints signal in their own way.
    fn refusal(&self) -> Option<RefusalRule> {
        None
    }

    /// The part of an address people compare by eye.
    fn visible_part(&self, address: &str) -> String {
        address.to_string()
    }

    /// What the store keeps of a pending transaction so that a later run
    /// can tell what became of it (by default its nonce); `None`: nothing
    /// to go by, so it is not remembered.
    fn marks(&self, facts: &TxFacts) -> Option<crate::model::Marks> {
        facts.nonce.map(|nonce| crate::model::Marks {
            nonce,
            ..Default::default()
        })
    }

    /// The identity every endpoint is checked against, as `chains --probe`
    /// shows it ("56"); `None` where the family checks none.
    fn identity(&self, chain: &Chain) -> Option<String> {
        chain.chain_id.map(|id| id.to_string())
    }

    /// The test network an explorer link names in its query string, where
    /// the family's explorers serve every network from one host ("the
    /// devnet cluster"); such a link is never read as mainnet's.
    fn test_network(&self, _link: &str) -> Option<String> {
        None
    }

    /// Whether the family's endpoints take JSON-RPC batches (`max_batch`
    /// applies); REST families send one request a call.
    fn batches(&self) -> bool {
        false
    }

    /// An id in a link to one of the family's explorers that [`read`]
    /// does not read alone (an Aptos version, a short account address);
    /// `account_page`: the link is an account's page. `None`: the
    /// neutral reading of the id decides.
    fn read_in_link(&self, _id: &str, _account_page: bool) -> Option<Target> {
        None
    }

    /// Whether looking `key` up on `chain` is costly enough (a Substrate
    /// scan) to wait until every other chain said it does not have it.
    fn deferred(&self, _chain: &Chain, _key: &TxKey) -> bool {
        false
    }

    /// Whether a count of confirmations applies (BFT chains are final on
    /// commit: no count is shown).
    fn counts_confirmations(&self) -> bool {
        true
    }

    /// Whether the family writes transaction hashes with `0x`.
    fn prefixes_hashes(&self) -> bool {
        false
    }
}

/// What a bare hash, id or address is: the first family's reading, else the
/// first family's reason it is broken, else `None`.
pub fn read(text: &str) -> Option<Result<Target, String>> {
    let mut broken = None;
    for family in Family::ALL {
        match of(family).read(text) {
            Some(Ok(target)) => return Some(Ok(target)),
            Some(Err(why)) => {
                broken.get_or_insert(why);
            }
            None => {}
        }
    }
    broken.map(Err)
}

/// Hex digits after an optional `0x`: the digits and whether `0x` was there.
pub fn hex_part(text: &str) -> (&str, bool) {
    let hex = text
        .strip_prefix("0x")
        .or_else(|| text.strip_prefix("0X"))
        .unwrap_or(text);
    (hex, hex.len() != text.len())
}

/// A bare (unprefixed) 64-hex id: a transaction on any family that writes
/// ids without `0x`.
pub fn bare_tx(text: &str) -> Option<Target> {
    let (hex, prefixed) = hex_part(text);
    (!prefixed && hex.len() == 64)
        .then(|| hex.parse().ok())
        .flatten()
        .map(|hash| Target::Tx {
            hash,
            prefixed: false,
        })
}

/// Text a base58 or bech32 reader may look at: not `0x…`, not all hex.
pub fn not_hex(text: &str) -> bool {
    let (hex, prefixed) = hex_part(text);
    !prefixed && !hex.bytes().all(|b| b.is_ascii_hexdigit())
}

/// The family behind a chains.toml `family`.
pub fn of(family: Family) -> &'static dyn ChainFamily {
    match family {
        Family::Evm => &evm::Evm,
        Family::Tron => &tron::Tron,
        Family::Bitcoin => &bitcoin::Esplora,
        Family::Solana => &solana::Solana,
        Family::Aptos => &aptos::Aptos,
        Family::Antelope => &antelope::Antelope,
        Family::Substrate => &substrate::Substrate,
    }
}

/// What a family answers for a transaction key of a kind it does not hold
/// (the query pairs keys with the families that hold them).
pub fn unheld_id(chain: &Chain) -> ChainOutcome {
    ChainOutcome::Unavailable {
        failures: unheld(chain, "id"),
    }
}

/// The same for an address of a kind the family does not hold.
pub fn unheld_address(chain: &Chain) -> AddressOutcome {
    AddressOutcome::Unavailable {
        failures: unheld(chain, "address"),
    }
}

fn unheld(chain: &Chain, what: &str) -> Vec<super::outcome::EndpointFailure> {
    vec![failed(format!(
        "a {} chain cannot hold this kind of {what}",
        chain.family.as_str()
    ))]
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `Family::ALL` is the list a bare text is read against: a family
    /// missing from it would never be found by its ids.
    #[test]
    fn every_family_with_a_built_in_chain_is_in_all() {
        let config = crate::config::parse(crate::config::BUILTIN).unwrap();
        for chain in &config.chains {
            assert!(Family::ALL.contains(&chain.family), "{}", chain.key);
        }
        for family in Family::ALL {
            assert!(
                config.chains.iter().any(|c| c.family == family),
                "{family:?}"
            );
        }
    }
}
