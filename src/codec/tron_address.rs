//! TRON addresses: 21 bytes, `0x41` then the 20 bytes the TVM works with, shown
//! as base58check (`T…`, 34 characters) or as hex (`41…`). Logs and ABI words
//! carry only the 20 bytes; they are `Address` values here and become `T…`
//! only when shown.

use alloy_primitives::Address;

/// The version byte of mainnet TRON addresses.
pub const PREFIX: u8 = 0x41;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AddressError {
    #[error(
        "{0:?} is not base58 (TRON addresses use the digits 1-9 and letters except 0, O, I and l)"
    )]
    NotBase58(String),
    #[error(
        "{0:?} looks like a TRON address but its checksum is wrong: a character was mistyped or the address was cut"
    )]
    BadChecksum(String),
    #[error(
        "{0:?} is not a TRON address (it must start with T and decode to 21 bytes starting with 0x41)"
    )]
    WrongShape(String),
}

/// `T…` → the 20 bytes after the prefix.
pub fn from_base58(s: &str) -> Result<Address, AddressError> {
    let bytes = bs58::decode(s)
        .with_check(None)
        .into_vec()
        .map_err(|e| match e {
            bs58::decode::Error::InvalidChecksum { .. } => AddressError::BadChecksum(s.into()),
            bs58::decode::Error::InvalidCharacter { .. }
            | bs58::decode::Error::NonAsciiCharacter { .. } => AddressError::NotBase58(s.into()),
            _ => AddressError::WrongShape(s.into()),
        })?;
    match bytes.as_slice() {
        [PREFIX, rest @ ..] if rest.len() == 20 => Ok(Address::from_slice(rest)),
        _ => Err(AddressError::WrongShape(s.into())),
    }
}

/// `41…` (42 hex digits, as the full-node API returns with `visible: false`),
/// or the bare 40 hex digits of logs and ABI words.
pub fn from_hex(s: &str) -> Option<Address> {
    let s = s.strip_prefix("0x").unwrap_or(s);
    match s.len() {
        42 if s[..2].eq_ignore_ascii_case("41") => s[2..].parse().ok(),
        40 => s.parse().ok(),
        _ => None,
    }
}

/// The 20 bytes → `T…`.
pub fn to_base58(address: &Address) -> String {
    let mut bytes = Vec::with_capacity(21);
    bytes.push(PREFIX);
    bytes.extend_from_slice(address.as_slice());
    bs58::encode(bytes).with_check().into_string()
}

/// The 20 bytes → `41…` hex, as the API takes it.
pub fn to_hex(address: &Address) -> String {
    format!("41{}", alloy_primitives::hex::encode(address))
}

#[cfg(test)]
mod tests {
    use super::*;

    // USDT's TRC-20 contract; its hex form as tronscan shows it.
    const USDT: &str = "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t";
    const USDT_HEX: &str = "41a614f803b6fd780986a42c78ec9c7f77e6ded13c";

    #[test]
    fn base58_and_hex_convert_both_ways() {
        let a = from_base58(USDT).unwrap();
        assert_eq!(to_hex(&a), USDT_HEX);
        assert_eq!(to_base58(&a), USDT);
        assert_eq!(from_hex(USDT_HEX), Some(a));
        assert_eq!(from_hex(&USDT_HEX[2..]), Some(a), "log form: 20 bytes");
        assert_eq!(from_hex(&USDT_HEX.to_uppercase()), Some(a));
    }

    #[test]
    fn a_mistyped_address_fails_its_checksum() {
        let typo: String = USDT.replace('q', "r");
        assert_eq!(
            from_base58(&typo),
            Err(AddressError::BadChecksum(typo.to_string()))
        );
        assert!(matches!(
            from_base58("T0O"),
            Err(AddressError::NotBase58(_))
        ));
        // A valid base58check string of the wrong version (a Bitcoin address).
        assert!(matches!(
            from_base58("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"),
            Err(AddressError::WrongShape(_))
        ));
    }
}
