//! Bitcoin-style addresses, checked the way wallets check them: base58check
//! (P2PKH, P2SH: a version byte and a 20-byte hash) and segwit bech32 /
//! bech32m (BIP-173, BIP-350). Which version bytes and which human-readable
//! part belong to a chain comes from chains.toml, so testnet, signet and
//! Litecoin are a matter of configuration.

/// The address formats of one chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Format {
    /// Segwit human-readable part, e.g. `bc` (mainnet), `tb` (testnet), `ltc`.
    pub hrp: String,
    /// Base58 version bytes, e.g. `[0, 5]` for Bitcoin's `1…` and `3…`.
    pub versions: Vec<u8>,
}

/// Why a string that looks like an address is not one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AddressError {
    #[error(
        "{0:?} looks like a Bitcoin-style address but its checksum is wrong: a character was mistyped or lost in copying"
    )]
    Checksum(String),
}

/// What an address string decodes to, before any chain is asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decoded {
    Base58 { version: u8 },
    Segwit { hrp: String },
}

/// Decodes `s` if it has the shape of a base58 or segwit address; `Ok(None)`
/// when it does not look like one at all (so other parsers may try),
/// `Err` when it does but the checksum fails.
pub fn decode(s: &str) -> Result<Option<Decoded>, AddressError> {
    if let Some((hrp, _)) = s.rsplit_once('1')
        && !hrp.is_empty()
        && hrp.len() <= 8
        && hrp.bytes().all(|b| b.is_ascii_alphabetic())
        && s.len() >= 14
        && s.len() <= 90
    {
        match bech32::segwit::decode(s) {
            Ok((hrp, _, _)) => {
                return Ok(Some(Decoded::Segwit {
                    hrp: hrp.to_lowercase(),
                }));
            }
            Err(_) if looks_segwit(s) => return Err(AddressError::Checksum(s.to_string())),
            // Maybe a base58 address with a `1` in it.
            Err(_) => {}
        }
    }
    if !(25..=35).contains(&s.len()) || !s.bytes().all(is_base58) {
        return Ok(None);
    }
    // 25 bytes: version, 20-byte hash, 4-byte checksum. Other lengths are
    // other things (a Solana address is 32 bytes) and not checksummed.
    if bs58::decode(s).into_vec().map(|raw| raw.len()) != Ok(25) {
        return Ok(None);
    }
    match bs58::decode(s).with_check(None).into_vec() {
        Ok(bytes) => Ok(Some(Decoded::Base58 { version: bytes[0] })),
        Err(_) => Err(AddressError::Checksum(s.to_string())),
    }
}

/// Whether `decoded` is an address of a chain with `format`.
pub fn belongs(decoded: &Decoded, format: &Format) -> bool {
    match decoded {
        Decoded::Base58 { version } => format.versions.contains(version),
        Decoded::Segwit { hrp } => hrp.eq_ignore_ascii_case(&format.hrp),
    }
}

/// Segwit addresses of the well-known networks: a failed checksum there is a
/// typo, not some other kind of string.
fn looks_segwit(s: &str) -> bool {
    let lower = s.to_ascii_lowercase();
    ["bc1", "tb1", "bcrt1", "ltc1", "tltc1"]
        .iter()
        .any(|p| lower.starts_with(p))
}

fn is_base58(b: u8) -> bool {
    b.is_ascii_alphanumeric() && !matches!(b, b'0' | b'O' | b'I' | b'l')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mainnet() -> Format {
        Format {
            hrp: "bc".into(),
            versions: vec![0, 5],
        }
    }

    #[test]
    fn real_mainnet_addresses_of_every_kind_decode() {
        for a in [
            // Genesis coinbase (P2PKH), BIP-173 and BIP-350 test vectors.
            "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa",
            "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy",
            "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4",
            "BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4",
            "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0",
        ] {
            let d = decode(a).unwrap().unwrap_or_else(|| panic!("{a}"));
            assert!(belongs(&d, &mainnet()), "{a}");
        }
    }

    #[test]
    fn a_typo_is_a_checksum_error_not_something_else() {
        for a in [
            "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb",
            "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5",
            // bech32 checksum on a v1 program: BIP-350 says invalid.
            "bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7k7grplx",
        ] {
            assert!(matches!(decode(a), Err(AddressError::Checksum(_))), "{a}");
        }
    }

    #[test]
    fn other_networks_are_told_apart_by_configuration() {
        let testnet = Format {
            hrp: "tb".into(),
            versions: vec![0x6f, 0xc4],
        };
        let tb = decode("tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx")
            .unwrap()
            .unwrap();
        assert!(belongs(&tb, &testnet) && !belongs(&tb, &mainnet()));
        let p2pkh = decode("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa")
            .unwrap()
            .unwrap();
        assert!(!belongs(&p2pkh, &testnet));
    }

    #[test]
    fn non_addresses_are_left_to_other_parsers() {
        for s in [
            "hello",
            "0x5c504ed432cb51138bcf09aa5e8a410dd4a1e204ef84bfed1be16dfba1b22060",
            // A TRON address is base58check with 21 bytes too: version 0x41.
            "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t",
            // A Solana address (32 bytes, no checksum): not a typo'd Bitcoin one.
            "EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v",
        ] {
            match decode(s) {
                Ok(None) => {}
                Ok(Some(d)) => assert!(!belongs(&d, &mainnet()), "{s}"),
                Err(e) => panic!("{s}: {e}"),
            }
        }
    }
}
