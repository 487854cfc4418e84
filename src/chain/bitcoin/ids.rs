//! What a pasted text is in this family's formats (`ChainFamily::read`).

use crate::model::Target;

/// A bare 64-hex txid, or a base58 or bech32 address (checksum verified;
/// which chains it belongs to, their formats say).
pub fn read(text: &str) -> Option<Result<Target, String>> {
    if !crate::chain::family::not_hex(text) {
        return crate::chain::family::bare_tx(text).map(Ok);
    }
    match crate::codec::utxo_address::decode(text) {
        Ok(Some(decoded)) => Some(Ok(Target::UtxoAddress {
            address: text.to_string(),
            decoded,
        })),
        Ok(None) => None,
        Err(e) => Some(Err(e.to_string())),
    }
}
