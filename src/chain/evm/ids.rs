//! What a pasted text is in this family's formats (`ChainFamily::read`),
//! and an address as the family writes it (EIP-55).

use std::cell::RefCell;
use std::collections::HashMap;

use alloy_primitives::Address;

use crate::model::Target;

/// A 64-hex hash (`0x` optional) or a `0x` address of 40 hex digits,
/// whose mixed case, when it has one, must be its EIP-55 checksum.
pub fn read(text: &str) -> Option<Result<Target, String>> {
    let (hex, prefixed) = crate::chain::family::hex_part(text);
    if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    match hex.len() {
        64 => Some(Ok(Target::Tx {
            hash: hex.parse().ok()?,
            prefixed,
        })),
        // An address must carry its 0x: forty bare hex digits are too
        // easily something else (a truncated hash, a key fragment).
        40 if prefixed => {
            let address = hex.parse::<Address>().ok()?;
            // Mixed case carries an EIP-55 checksum, and it must hold;
            // all lower- or all upper-case carries none.
            let mixed = hex.bytes().any(|b| b.is_ascii_lowercase())
                && hex.bytes().any(|b| b.is_ascii_uppercase());
            if mixed && address.to_checksum(None)[2..] != *hex {
                return Some(Err(format!(
                    "{} looks like an EVM address but its checksum is wrong (its mix of capital and small letters, EIP-55): a character was mistyped; copy it again from the wallet or explorer",
                    crate::safe::shorten(text)
                )));
            }
            Some(Ok(Target::EvmAddress(address)))
        }
        _ => None,
    }
}

/// The most addresses `checksummed` keeps per thread.
const KEPT_ADDRESSES: usize = 256;

/// `address` in its EIP-55 form (`Address`'s `Display`). Each costs a
/// keccak — an eighth of a batch lookup's instructions, two to five per
/// transaction — and a batch writes the same few again and again (the hot
/// wallet that pays out, the USDT contract): the last few hundred are kept
/// per thread, and forgotten all at once when the map is full.
pub fn checksummed(address: &Address) -> String {
    thread_local! {
        static KEPT: RefCell<HashMap<Address, String, foldhash::fast::RandomState>> =
            RefCell::new(HashMap::default());
    }
    KEPT.with_borrow_mut(|kept| {
        if let Some(text) = kept.get(address) {
            return text.clone();
        }
        let text = address.to_checksum(None);
        if kept.len() >= KEPT_ADDRESSES {
            kept.clear();
        }
        kept.insert(*address, text.clone());
        text
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checksummed_is_eip55_for_new_kept_and_forgotten_addresses() {
        // EIP-55's own examples.
        for text in [
            "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
            "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
            "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
            "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
        ] {
            let address: Address = text.parse().unwrap();
            assert_eq!(checksummed(&address), text, "asked first");
            assert_eq!(checksummed(&address), text, "kept");
        }
        // More than are kept: every answer is still the address's own.
        for i in 0..(3 * KEPT_ADDRESSES as u64) {
            let mut bytes = [0u8; 20];
            bytes[12..].copy_from_slice(&(i * 0x9E37_79B9).to_be_bytes());
            let address = Address::from(bytes);
            assert_eq!(checksummed(&address), address.to_string());
            assert_eq!(checksummed(&address), address.to_string());
        }
    }
}
