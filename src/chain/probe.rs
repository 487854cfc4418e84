//! `chains --probe`: is an endpoint up, for which chain, at which head?
//! Each family asks in its own way (EVM `eth_chainId` + `eth_blockNumber`,
//! TRON `getnowblock`, Esplora's tip, Solana `getSlot` + `getGenesisHash`);
//! each family's `ChainFamily::probe` says how.

use super::transport::RpcClient;
use crate::chain::spec::Chain;

/// What probing one endpoint found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Probe {
    Up {
        head: u64,
        /// The last finalized block, where the family reads it apart.
        finalized: Option<u64>,
        /// The runtime the endpoint runs ("statemint 1007001"), where known.
        runtime: Option<String>,
    },
    WrongChain {
        chain_id: String,
    },
    Down {
        error: String,
    },
}

pub async fn probe(client: &RpcClient, chain: &Chain, url: &str) -> Probe {
    super::family::of(chain.family)
        .probe(client, chain, url)
        .await
}
