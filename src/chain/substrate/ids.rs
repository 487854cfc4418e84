//! What a pasted text is on Substrate chains: an SS58 address (checksum
//! verified; its prefix says which network) or an extrinsic's place,
//! `{block}-{index}` (what Subscan and explorer links carry). A `0x` hash is
//! read by the neutral reading and held by every Substrate chain.

use crate::model::Target;

pub fn read(text: &str) -> Option<Result<Target, String>> {
    if let Some((b, i)) = text.split_once('-')
        && !b.is_empty()
        && b.len() <= 12
        && !i.is_empty()
        && i.len() <= 6
        && b.bytes().chain(i.bytes()).all(|c| c.is_ascii_digit())
    {
        return Some(Ok(Target::Extrinsic {
            block: b.parse().ok()?,
            index: i.parse().ok()?,
        }));
    }
    if !crate::chain::family::not_hex(text) || text.len() < 46 || text.len() > 50 {
        return None;
    }
    match crate::codec::ss58::decode(text)? {
        Ok(d) if d.prefix == 42 => Some(Ok(Target::SubstrateAddress {
            address: text.to_string(),
            prefix: 42,
        })),
        Ok(d) => Some(Ok(Target::SubstrateAddress {
            address: text.to_string(),
            prefix: d.prefix,
        })),
        Err(why) => Some(Err(why)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn places_and_addresses_read_and_typos_are_named() {
        assert_eq!(
            read("11852237-2"),
            Some(Ok(Target::Extrinsic {
                block: 11852237,
                index: 2
            }))
        );
        // A date is no place.
        assert_eq!(read("2026-12-07"), None);
        assert!(matches!(
            read("15JPAdie8xAsQYZMLGmBqZDjbtrrehdAMjBDrsKdx8epVBBh"),
            Some(Ok(Target::SubstrateAddress { prefix: 0, .. }))
        ));
        assert!(
            read("15JPAdie8xAsQYZMLGmBqZDjbtrrehdAMjBDrsKdx8epVBBi")
                .unwrap()
                .is_err()
        );
        assert_eq!(read("TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t"), None);
    }
}
