//! What an Aptos explorer link holds. A bare `0x` + 64-hex text is read as a
//! hash by the EVM family's reading (and searched on Aptos too); links say
//! more: `explorer.aptoslabs.com/txn/{hash or version}`, `/account/{addr}`
//! (short addresses such as `0x1` allowed), aptoscan's `/transaction/…` and
//! `/account/…`, and `?network=` naming the network.

use super::convert::normalize;
use crate::model::Target;

/// The id of a transaction page (a version: decimal digits) or of an
/// account page (an address, padded). `None`: the neutral reading decides.
pub fn read_in_link(id: &str, account_page: bool) -> Option<Target> {
    if account_page {
        return normalize(id).map(Target::AptosAddress);
    }
    if !id.is_empty() && id.len() <= 20 && id.bytes().all(|b| b.is_ascii_digit()) {
        return id.parse().ok().map(Target::AptosVersion);
    }
    None
}

/// `?network=testnet` (or devnet, local, a custom node) on an Aptos
/// explorer's link: not mainnet's. Mainnet's links say `network=mainnet`
/// or nothing.
pub fn test_network(link: &str) -> Option<String> {
    let host = link.split("://").nth(1)?.split(['/', '?', '#']).next()?;
    if !host.to_ascii_lowercase().contains("aptos") {
        return None;
    }
    link.split(['?', '&', '#'])
        .find_map(|p| p.strip_prefix("network="))
        .filter(|n| !n.eq_ignore_ascii_case("mainnet"))
        .map(|n| format!("the Aptos {} network", crate::safe::shorten(n)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_name_versions_accounts_and_networks() {
        assert_eq!(
            read_in_link("3556744764", false),
            Some(Target::AptosVersion(3556744764))
        );
        assert_eq!(read_in_link(&format!("0x{}", "ab".repeat(32)), false), None);
        assert_eq!(
            read_in_link("0x1", true),
            Some(Target::AptosAddress(format!("0x{}1", "0".repeat(63))))
        );
        assert_eq!(read_in_link("alice.apt", true), None);
        assert!(test_network("https://explorer.aptoslabs.com/txn/1?network=testnet").is_some());
        assert!(test_network("https://explorer.aptoslabs.com/txn/1?network=mainnet").is_none());
        assert!(test_network("https://explorer.aptoslabs.com/txn/1").is_none());
        assert!(test_network("https://etherscan.io/tx/1?network=testnet").is_none());
    }
}
