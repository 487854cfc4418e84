//! What a pasted text is in this family's formats (`ChainFamily::read`).

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
