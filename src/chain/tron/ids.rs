//! What a pasted text is in this family's formats (`ChainFamily::read`).

use crate::model::Target;

/// A bare 64-hex id, a `T…` base58 address (checksum verified) or the
/// same address as 42 hex digits starting `41`.
pub fn read(text: &str) -> Option<Result<Target, String>> {
    if crate::chain::family::not_hex(text) {
        return (text.len() == 34 && text.starts_with('T')).then(|| {
            crate::codec::tron_address::from_base58(text)
                .map(Target::TronAddress)
                .map_err(|e| e.to_string())
        });
    }
    if let Some(tx) = crate::chain::family::bare_tx(text) {
        return Some(Ok(tx));
    }
    (text.len() == 42 && text.starts_with("41"))
        .then(|| crate::codec::tron_address::from_hex(text).map(Target::TronAddress))
        .flatten()
        .map(Ok)
}
