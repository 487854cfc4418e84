//! `chains --probe`: is an endpoint up, for which chain, at which head?
//! Each family asks in its own way (EVM `eth_chainId` + `eth_blockNumber`,
//! TRON `getnowblock`, Esplora's tip, Solana `getSlot` + `getGenesisHash`);
//! the match below has no catch-all, so a new family must say how.

use super::transport::RpcClient;
use super::{bitcoin, evm, solana, tron};
use crate::config::{Chain, Family};

/// What probing one endpoint found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Probe {
    Up { head: u64 },
    WrongChain { chain_id: String },
    Down { error: String },
}

pub async fn probe(client: &RpcClient, chain: &Chain, url: &str) -> Probe {
    match chain.family {
        Family::Evm => evm::probe(client, chain, url).await,
        Family::Tron => tron::probe(client, chain, url).await,
        Family::Bitcoin => bitcoin::probe(client, chain, url).await,
        Family::Solana => solana::probe(client, chain, url).await,
    }
}
