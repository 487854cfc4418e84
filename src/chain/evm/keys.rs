//! EVM's own chains.toml keys (`ChainFamily::check_chain`).

use alloy_primitives::Address;

use crate::chain::spec::{FamilyConfig, FamilyKeys};

/// `chain_id` (required: every endpoint is checked against it), `0x` token
/// contracts, and how many blocks one `eth_getLogs` may span.
pub fn check(keys: &FamilyKeys) -> anyhow::Result<FamilyConfig> {
    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Own {
        chain_id: Option<u64>,
        logs_block_range: Option<u64>,
    }
    let own: Own = keys.own()?;
    if own.chain_id.is_none() {
        anyhow::bail!(
            "{} is required for an evm chain: every endpoint is checked against it",
            keys.at("chain_id")
        );
    }
    if own.logs_block_range == Some(0) {
        anyhow::bail!("{} must be at least 1", keys.at("logs_block_range"));
    }
    Ok(FamilyConfig {
        chain_id: own.chain_id,
        logs_block_range: own
            .logs_block_range
            .unwrap_or(crate::chain::spec::DEFAULT_LOGS_BLOCK_RANGE),
        tokens: keys.tokens(|a| {
            let address = a
                .parse::<Address>()
                .map_err(|_| anyhow::anyhow!("not a 0x address"))?;
            Ok((address, None))
        })?,
        ..FamilyConfig::default()
    })
}
