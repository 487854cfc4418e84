//! What a pasted text is in this family's formats (`ChainFamily::read`).

use crate::model::Target;

/// Plain base58 (no checksum), told apart by length: 64 bytes are a
/// signature, 32 an account.
pub fn read(text: &str) -> Option<Result<Target, String>> {
    if !crate::chain::family::not_hex(text) {
        return None;
    }
    match bs58::decode(text).into_vec().map(|b| b.len()) {
        Ok(64) => Some(Ok(Target::Signature(text.to_string()))),
        Ok(32) if text.len() >= 32 => Some(Ok(Target::SolanaAddress(text.to_string()))),
        _ => None,
    }
}
