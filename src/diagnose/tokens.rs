//! Is a token that moved the one its symbol promises? A contract that calls
//! itself a configured symbol (USDT, USDC, …) but is not that symbol's
//! configured contract is a fake: the most common scam behind "I received
//! USDT but cannot use it". Pure: the facts and chains.toml decide.

use crate::chain::token_id;
use crate::config::Chain;
use crate::model::{TokenTransfer, Trust, TxFacts, Warning};

/// Marks every token transfer of `facts` (and the transfer a failed or
/// pending transaction asked for) as listed, fake or unverified, and gives
/// one `fake_token` warning per fake contract.
pub fn check(facts: &mut TxFacts, chain: &Chain) -> Vec<Warning> {
    let mut warnings: Vec<Warning> = Vec::new();
    let transfers = facts
        .token_transfers
        .iter_mut()
        .chain(facts.intended_transfer.as_mut());
    for t in transfers {
        t.trust = trust(t, chain);
        if let Trust::Fake { genuine } = &t.trust
            && !warnings
                .iter()
                .any(|w| w.token.as_deref() == Some(&t.token))
        {
            warnings.push(fake_warning(t, genuine, chain));
        }
    }
    warnings
}

fn trust(t: &TokenTransfer, chain: &Chain) -> Trust {
    let same = |a: &str, b: &str| a.eq_ignore_ascii_case(b) && !a.is_empty();
    // The chain's own coin listed among transfers (a Substrate extrinsic
    // that moved it to several accounts) is the coin.
    if t.token == chain.symbol && t.symbol.as_deref() == Some(chain.symbol.as_str()) {
        return Trust::Listed;
    }
    if chain
        .tokens
        .iter()
        .any(|c| same(&token_id(chain, c), &t.token))
    {
        return Trust::Listed;
    }
    let claimed = t.symbol.as_deref().map(fold).unwrap_or_default();
    match chain
        .tokens
        .iter()
        .find(|c| !claimed.is_empty() && fold(&c.symbol) == claimed)
    {
        Some(genuine) => Trust::Fake {
            genuine: token_id(chain, genuine),
        },
        None => Trust::Unverified,
    }
}

fn fake_warning(t: &TokenTransfer, genuine: &str, chain: &Chain) -> Warning {
    let symbol = t.symbol.clone().unwrap_or_default();
    Warning {
        chain: Some(chain.key.clone()),
        token: Some(t.token.clone()),
        symbol: Some(symbol.clone()),
        genuine: Some(genuine.to_string()),
        ..Warning::new(
            "fake_token",
            format!(
                "{}: the token at {} calls itself {} but is not the {} contract listed for {} ({genuine}): it is a worthless look-alike, typical of a scam",
                chain.key,
                t.token,
                crate::safe::text(&symbol),
                crate::safe::text(&symbol),
                chain.name
            ),
        )
    }
}

/// A symbol as a person reads it: case, spaces, invisible characters and
/// Latin look-alikes from other scripts (Cyrillic `Т`, Greek `Τ`, full-width
/// `Ｔ`) do not make another symbol.
fn fold(symbol: &str) -> String {
    symbol
        .chars()
        .filter(|c| !c.is_whitespace() && !crate::safe::is_unsafe(*c))
        .map(latin_lookalike)
        .flat_map(char::to_uppercase)
        .collect()
}

fn latin_lookalike(c: char) -> char {
    let code = u32::from(c);
    // Full-width ASCII (U+FF01..U+FF5E) is ASCII shifted.
    if (0xFF01..=0xFF5E).contains(&code) {
        return char::from_u32(code - 0xFEE0).unwrap_or(c);
    }
    match c {
        'А' | 'а' | 'Α' | 'α' => 'A',
        'В' | 'в' | 'Β' | 'β' => 'B',
        'С' | 'с' | 'Ϲ' => 'C',
        'Е' | 'е' | 'Ε' | 'ε' => 'E',
        'Н' | 'н' | 'Η' => 'H',
        'І' | 'і' | 'Ι' | 'ι' => 'I',
        'К' | 'к' | 'Κ' | 'κ' => 'K',
        'М' | 'м' | 'Μ' => 'M',
        'Ν' => 'N',
        'О' | 'о' | 'Ο' | 'ο' => 'O',
        'Р' | 'р' | 'Ρ' | 'ρ' => 'P',
        'Ѕ' | 'ѕ' => 'S',
        'Т' | 'т' | 'Τ' | 'τ' => 'T',
        'Υ' | 'υ' | 'У' | 'у' => 'Y',
        'Х' | 'х' | 'Χ' | 'χ' => 'X',
        'Ζ' => 'Z',
        _ => c,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{BUILTIN, parse};
    use crate::model::Amount;
    use alloy_primitives::U256;

    const BSC_USDT: &str = "0x55d398326f99059fF775485246999027B3197955";
    const FAKE: &str = "0x1111111111111111111111111111111111111111";

    fn facts(token: &str, symbol: &str) -> TxFacts {
        let mut f = TxFacts::new(
            format!("0x{}", "ab".repeat(32)),
            "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266",
            Amount::new(U256::ZERO, 18, "BNB"),
        );
        f.token_transfers.push(TokenTransfer {
            memo: None,
            token: token.into(),
            symbol: Some(symbol.into()),
            from: f.from.clone(),
            to: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8".into(),
            raw: "250".into(),
            amount: Some("250".into()),
            trust: Trust::Unchecked,
        });
        f
    }

    #[test]
    fn issue_18_a_token_calling_itself_usdt_is_named_fake() {
        let cfg = parse(BUILTIN).unwrap();
        let bsc = cfg.chain("bsc").unwrap();
        for symbol in [
            "USDT",
            "usdt",
            " USDT",
            "USDТ", /* Cyrillic Т */
            "ＵＳＤＴ",
            "US\u{200b}DT",
        ] {
            let mut f = facts(FAKE, symbol);
            let w = check(&mut f, bsc);
            assert_eq!(
                f.token_transfers[0].trust,
                Trust::Fake {
                    genuine: BSC_USDT.into()
                },
                "{symbol:?}"
            );
            assert_eq!(w.len(), 1);
            assert_eq!(
                (w[0].code, w[0].token.as_deref(), w[0].genuine.as_deref()),
                ("fake_token", Some(FAKE), Some(BSC_USDT))
            );
        }
        let mut genuine = facts(&BSC_USDT.to_lowercase(), "USDT");
        assert!(check(&mut genuine, bsc).is_empty());
        assert_eq!(genuine.token_transfers[0].trust, Trust::Listed);
        let mut other = facts(FAKE, "PEPE");
        assert!(check(&mut other, bsc).is_empty());
        assert_eq!(other.token_transfers[0].trust, Trust::Unverified);
    }

    #[test]
    fn a_fake_on_tron_is_named_against_the_t_address() {
        let cfg = parse(BUILTIN).unwrap();
        let tron = cfg.chain("tron").unwrap();
        let mut f = facts("TXYZopYRdj2D9XRtbG411XZZ3kM5VkAeBf", "USDT");
        let w = check(&mut f, tron);
        assert_eq!(
            w[0].genuine.as_deref(),
            Some("TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t")
        );
    }
}
