//! What a pasted text is on Antelope chains: a 64-hex transaction id (read
//! by the neutral reading, without `0x`), an account name (1–12 of `a-z`,
//! `1-5`, `.`: read only when it is the whole query), or a public key
//! (`EOS…`, `PUB_K1_…`), refused with what to paste instead.

use super::convert::is_name;
use crate::model::Target;

pub fn read(text: &str) -> Option<Result<Target, String>> {
    if is_public_key(text) {
        return Some(Err(format!(
            "{} is an EOS public key, not an account or a transaction: one key can control several \
             accounts. Give the account name (up to 12 characters, such as \"alice.vaulta\") or the \
             transaction id (64 hex digits)",
            crate::safe::shorten(text)
        )));
    }
    is_name(text).then(|| Ok(Target::AntelopeAccount(text.to_string())))
}

/// `EOS` + 50 base58 characters (the legacy format) or `PUB_K1_…`/`PUB_R1_…`.
fn is_public_key(text: &str) -> bool {
    let base58 = |s: &str| {
        !s.is_empty()
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() && !b"0OIl".contains(&b))
    };
    (text.len() == 53 && text.starts_with("EOS") && base58(&text[3..]))
        || ["PUB_K1_", "PUB_R1_", "PUB_WA_"].iter().any(|p| {
            text.strip_prefix(p)
                .is_some_and(|rest| rest.len() >= 40 && base58(rest))
        })
}

/// An account page's id: the name.
pub fn read_in_link(id: &str, account_page: bool) -> Option<Target> {
    (account_page && is_name(id)).then(|| Target::AntelopeAccount(id.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_accounts_and_keys_are_refused_with_a_hint() {
        assert_eq!(
            read("tethertether"),
            Some(Ok(Target::AntelopeAccount("tethertether".into())))
        );
        assert_eq!(read("Hello"), None);
        let key = "EOS6MRyAjQq8ud7hVNYcfnVPJqcVpscN5So8BhtHuGYqET5GDW5CV";
        let why = read(key).unwrap().unwrap_err();
        assert!(
            why.contains("public key") && why.contains("account name"),
            "{why}"
        );
        assert!(
            read(&format!(
                "PUB_K1_{}",
                "6MRyAjQq8ud7hVNYcfnVPJqcVpscN5So8BhtHuGYqET5BLDCvq"
            ))
            .unwrap()
            .is_err()
        );
        assert!(Target::AntelopeAccount("money".into()).is_weak());
    }
}
