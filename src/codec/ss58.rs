//! SS58, the address format of Substrate chains (Polkadot, Kusama and their
//! Asset Hubs): base58 of a network prefix (one byte below 64, two bytes
//! for 64–16383), the 32-byte account id and a checksum: the first two
//! bytes of blake2b-512 over `"SS58PRE" ‖ prefix ‖ id`.

use blake2::{Blake2b512, Digest};

/// A decoded SS58 address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ss58 {
    pub prefix: u16,
    pub account: [u8; 32],
}

fn checksum(body: &[u8]) -> [u8; 2] {
    let mut h = Blake2b512::new();
    h.update(b"SS58PRE");
    h.update(body);
    let out = h.finalize();
    [out[0], out[1]]
}

/// `None`: not SS58-shaped (other families may read it); `Some(Err)`: SS58
/// of a 32-byte account whose checksum fails (a typo), said in words.
pub fn decode(text: &str) -> Option<Result<Ss58, String>> {
    let bytes = bs58::decode(text).into_vec().ok()?;
    let (prefix, rest) = match bytes.first()? {
        p @ 0..=63 => (u16::from(*p), &bytes[1..]),
        64..=127 if bytes.len() >= 2 => {
            // The two-byte form (SS58 spec): 14 bits spread over two bytes.
            let (a, b) = (u16::from(bytes[0]), u16::from(bytes[1]));
            let prefix = ((a & 0b0011_1111) << 2) | (b >> 6) | ((b & 0b0011_1111) << 8);
            (prefix, &bytes[2..])
        }
        _ => return None,
    };
    if rest.len() != 34 {
        return None;
    }
    let body_len = bytes.len() - 2;
    if checksum(&bytes[..body_len]) != bytes[body_len..] {
        return Some(Err(format!(
            "{} looks like a Polkadot/Kusama (SS58) address, but its checksum does not match: a \
             character is wrong; copy it again from the wallet",
            crate::safe::shorten(text)
        )));
    }
    let mut account = [0u8; 32];
    account.copy_from_slice(&rest[..32]);
    Some(Ok(Ss58 { prefix, account }))
}

/// The address of `account` on the network `prefix` (one-byte prefixes).
pub fn encode(prefix: u16, account: &[u8; 32]) -> String {
    let mut body = Vec::with_capacity(35);
    if prefix < 64 {
        body.push(prefix as u8);
    } else {
        let p = prefix & 0x3fff;
        body.push((((p & 0b1111_1100) >> 2) as u8) | 0b0100_0000);
        body.push(((p >> 8) as u8) | (((p & 0b11) as u8) << 6));
    }
    body.extend_from_slice(account);
    let sum = checksum(&body);
    body.extend_from_slice(&sum);
    bs58::encode(body).into_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Real addresses from Parity's sidecar tests (a Polkadot block,
    /// tests/fixtures/substrate) and Kusama's well-known treasury.
    #[test]
    fn real_addresses_decode_and_round_trip_and_typos_are_caught() {
        for (address, prefix) in [
            ("144HGaYrSdK3543bi26vT6Rd8Bg7pLPMipJNr2WLc3NuHgD2", 0),
            ("15JPAdie8xAsQYZMLGmBqZDjbtrrehdAMjBDrsKdx8epVBBh", 0),
            ("F3opxRbN5ZbjJNU511Kj2TLuzFcDq9BGduA9TgiECafpg29", 2),
        ] {
            let d = decode(address).unwrap().unwrap();
            assert_eq!(d.prefix, prefix, "{address}");
            assert_eq!(encode(d.prefix, &d.account), address);
        }
        let typo = "144HGaYrSdK3543bi26vT6Rd8Bg7pLPMipJNr2WLc3NuHgD3";
        assert!(decode(typo).unwrap().is_err());
        assert!(decode("TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t").is_none());
        assert!(decode("0xabc").is_none());
        // A two-byte prefix round-trips too.
        let id = [7u8; 32];
        assert_eq!(decode(&encode(1284, &id)).unwrap().unwrap().prefix, 1284);
    }
}
