//! Input that must never be sent anywhere or shown again: a recovery phrase
//! or a private key, pasted by a customer who was asked for "the details".
//! Pure; `query::parse` calls it before anything else, so a secret causes no
//! network request and its text goes into no message, log or record.

use std::fmt;

use bip39::Language;

/// How many consecutive word-list words make a recovery phrase (BIP-39
/// phrases have 12, 15, 18, 21 or 24).
const PHRASE_MIN_WORDS: usize = 12;

/// What kind of secret the input looks like (never the secret itself).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Secret {
    RecoveryPhrase,
    /// Wallet import format: a Bitcoin private key in base58check.
    Wif,
    /// An extended private key (`xprv…`, `zprv…`, `tprv…`): every key of a wallet.
    ExtendedKey,
    /// 32 bytes of hex next to a word such as "private key" or "私钥".
    HexKey,
    /// A Solana keypair: 64 bytes as a JSON array (`id.json`) or labelled base58.
    Keypair,
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Secret::RecoveryPhrase => "a recovery phrase (seed words)",
            Secret::Wif => "a private key (WIF)",
            Secret::ExtendedKey => "an extended private key",
            Secret::HexKey => "a private key",
            Secret::Keypair => "a private key (keypair bytes)",
        })
    }
}

/// Words that, next to 64 hex digits or a base58 keypair, mark it as a key.
const KEY_LABELS: &[&str] = &[
    "private key",
    "private_key",
    "privatekey",
    "priv key",
    "privkey",
    "secret key",
    "secret_key",
    "secret",
    "seed",
    "key:",
    "key=",
    "私钥",
    "私鑰",
    "密钥",
    "秘密鍵",
    "秘密キー",
    "プライベートキー",
    "개인키",
    "개인 키",
    "비밀키",
    "프라이빗 키",
    "프라이빗키",
];

const XPRV_PREFIXES: &[&str] = &[
    "xprv", "yprv", "zprv", "Yprv", "Zprv", "tprv", "uprv", "vprv", "Uprv", "Vprv",
];

/// The kind of secret `input` holds, if any.
pub fn detect(input: &str) -> Option<Secret> {
    // A transaction hash alone, the commonest line of a batch: a secret of
    // its shape is refused only beside a label (below), so none is here.
    let alone = input.trim();
    if hex_key_shaped(alone) {
        return None;
    }
    if recovery_phrase(input) {
        return Some(Secret::RecoveryPhrase);
    }
    if keypair_array(input) {
        return Some(Secret::Keypair);
    }
    // Whether the text names a key: asked only of a token shaped like one,
    // and never of a line that is that token alone (a transaction hash has
    // a key's shape, answered above; a label needs words beside it).
    let labelled = std::cell::OnceCell::new();
    let labelled = || {
        *labelled.get_or_init(|| {
            let lower = input.to_lowercase();
            KEY_LABELS.iter().any(|l| lower.contains(l))
        })
    };
    for token in input.split(|c: char| !c.is_ascii_alphanumeric()) {
        if XPRV_PREFIXES.iter().any(|p| token.starts_with(p))
            && token.len() >= 100
            && token.bytes().all(is_base58)
        {
            return Some(Secret::ExtendedKey);
        }
        if (51..=52).contains(&token.len())
            && let Ok(payload) = bs58::decode(token).with_check(None).into_vec()
            && matches!(payload.first(), Some(0x80 | 0xef))
            && (payload.len() == 33 || (payload.len() == 34 && payload[33] == 1))
        {
            return Some(Secret::Wif);
        }
        if hex_key_shaped(token) && labelled() {
            return Some(Secret::HexKey);
        }
        if (86..=88).contains(&token.len())
            && token != alone
            && labelled()
            && bs58::decode(token).into_vec().is_ok_and(|b| b.len() == 64)
        {
            return Some(Secret::Keypair);
        }
    }
    None
}

/// 64 hex digits, `0x` or not: a private key's shape, and a transaction hash's.
fn hex_key_shaped(token: &str) -> bool {
    let hex = token.strip_prefix("0x").unwrap_or(token);
    hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_hexdigit())
}

fn is_base58(b: u8) -> bool {
    b.is_ascii_alphanumeric() && !matches!(b, b'0' | b'O' | b'I' | b'l')
}

/// Twelve or more consecutive words of the English list (in any case,
/// numbered or not), or twelve or more characters of a Chinese list written
/// one per word — or a bare run of exactly 12–24 of them, as some wallets
/// show it. A Chinese sentence is not refused: its characters run together
/// with others.
fn recovery_phrase(input: &str) -> bool {
    let english = Language::English;
    let words = || {
        input
            .split(|c: char| !c.is_alphabetic())
            .filter(|w| !w.is_empty())
    };
    // Every word of the English list has 3 to 8 letters: without twelve
    // such runs of letters (a hash has a few) there is no list to look in.
    let shaped = words().filter(|w| (3..=8).contains(&w.len())).count();
    if shaped >= PHRASE_MIN_WORDS
        && longest_run(words(), |w| {
            // Lowercased on the stack: most "words" of a pasted line are hex.
            let mut buf = [0u8; 8];
            (3..=8).contains(&w.len()) && w.is_ascii() && {
                let lower = &mut buf[..w.len()];
                lower.copy_from_slice(w.as_bytes());
                lower.make_ascii_lowercase();
                std::str::from_utf8(lower).is_ok_and(|l| english.find_word(l).is_some())
            }
        }) >= PHRASE_MIN_WORDS
    {
        return true;
    }
    // The Chinese lists hold no ASCII character.
    if input.is_ascii() {
        return false;
    }
    let chinese = |w: &str| {
        [Language::SimplifiedChinese, Language::TraditionalChinese]
            .iter()
            .any(|l| l.find_word(w).is_some())
    };
    let spaced = input
        .split(|c: char| c.is_whitespace() || c.is_ascii_punctuation() || "，、。".contains(c))
        .filter(|w| !w.is_empty());
    if longest_run(spaced, |w| w.chars().count() == 1 && chinese(w)) >= PHRASE_MIN_WORDS {
        return true;
    }
    let bare = || input.chars().filter(|c| !c.is_whitespace());
    let count = bare().count();
    (PHRASE_MIN_WORDS..=24).contains(&count)
        && count.is_multiple_of(3)
        && bare().all(|c| chinese(c.encode_utf8(&mut [0; 4])))
}

fn longest_run<'a>(items: impl Iterator<Item = &'a str>, hit: impl Fn(&str) -> bool) -> usize {
    let (mut best, mut run) = (0, 0);
    for item in items {
        run = if hit(item) { run + 1 } else { 0 };
        best = best.max(run);
    }
    best
}

/// `[12, 200, …]`: 64 numbers 0–255, the Solana CLI's keypair file.
fn keypair_array(input: &str) -> bool {
    let Some(inner) = input
        .trim()
        .strip_prefix('[')
        .and_then(|s| s.strip_suffix(']'))
    else {
        return false;
    };
    let numbers: Vec<&str> = inner.split(',').map(str::trim).collect();
    numbers.len() == 64 && numbers.iter().all(|n| n.parse::<u8>().is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The BIP-39 test vector phrase (public, holds nothing).
    const PHRASE: &str =
        "legal winner thank year wave sausage worth useful legal winner thank yellow";

    #[test]
    fn recovery_phrases_in_any_layout_are_recognised() {
        assert_eq!(detect(PHRASE), Some(Secret::RecoveryPhrase));
        assert_eq!(
            detect(&PHRASE.to_uppercase().replace(' ', "\n")),
            Some(Secret::RecoveryPhrase)
        );
        let numbered: String = PHRASE
            .split(' ')
            .enumerate()
            .map(|(i, w)| format!("{}. {w}  ", i + 1))
            .collect();
        assert_eq!(detect(&numbered), Some(Secret::RecoveryPhrase));
        let said = format!("my wallet words are: {PHRASE}, please help");
        assert_eq!(detect(&said), Some(Secret::RecoveryPhrase));
        // Eleven words are not a phrase; a sentence is not one either.
        let eleven: Vec<&str> = PHRASE.split(' ').take(11).collect();
        assert_eq!(detect(&eleven.join(" ")), None);
        assert_eq!(
            detect("where is my transfer of 100 USDT sent yesterday"),
            None
        );
    }

    #[test]
    fn chinese_phrases_are_recognised_but_chinese_sentences_are_not() {
        let words = "的 一 是 在 不 了 有 和 人 这 中 大";
        assert_eq!(detect(words), Some(Secret::RecoveryPhrase));
        assert_eq!(
            detect(&words.replace(' ', "")),
            Some(Secret::RecoveryPhrase)
        );
        assert_eq!(
            detect(&words.replace(' ', "，")),
            Some(Secret::RecoveryPhrase)
        );
        assert_eq!(
            detect("我昨天转了一笔钱到交易所但是一直没有到账请帮我查一下好吗"),
            None
        );
    }

    #[test]
    fn private_keys_in_their_common_forms_are_recognised() {
        // Well-known test keys (Bitcoin wiki, BIP-32 test vector 1, anvil's account 0).
        assert_eq!(
            detect("5HueCGU8rMjxEXxiPuD5BDku4MkFqeZyd4dZ1jvhTVqvbTLvyTJ"),
            Some(Secret::Wif)
        );
        assert_eq!(
            detect("KwdMAjGmerYanjeui5SHS7JkmpZvVipYvB2LJGU1ZxJwYvP98617"),
            Some(Secret::Wif)
        );
        let xprv = "xprv9s21ZrQH143K3QTDL4LXw2F7HEK3wJUD2nW2nRk4stbPy6cq3jPPqjiChkVvvNKmPGJxWUtg6LnF5kejMRNNU3TGtRBeJgk33yuGBxrMPHi";
        assert_eq!(detect(xprv), Some(Secret::ExtendedKey));
        let hex = "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
        assert_eq!(
            detect(&format!("private key: 0x{hex}")),
            Some(Secret::HexKey)
        );
        assert_eq!(detect(&format!("私钥 {hex}")), Some(Secret::HexKey));
        assert_eq!(detect(&format!("개인 키: {hex}")), Some(Secret::HexKey));
        let array = format!("[{}]", vec!["174"; 64].join(","));
        assert_eq!(detect(&array), Some(Secret::Keypair));
        // The same 64 hex digits alone are a transaction hash.
        assert_eq!(detect(hex), None);
        assert_eq!(detect(&format!("0x{hex}")), None);
        assert_eq!(detect(&format!("https://etherscan.io/tx/0x{hex}")), None);
    }

    #[test]
    fn ordinary_queries_are_not_secrets() {
        for q in [
            "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
            "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t",
            "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq",
            "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa",
            "5VERv8NMvzbJMEkV8xnrLkEaWRtSz9CosKDYjCJjBRnbJLgp8uirBgmQpjKhoR4tjF3ZpRzrFmBV6UjKdiSZkQUW",
            "https://solscan.io/tx/5VERv8NMvzbJMEkV8xnrLkEaWRtSz9CosKDYjCJjBRnbJLgp8uirBgmQpjKhoR4tjF3ZpRzrFmBV6UjKdiSZkQUW",
            "https://tronscan.org/#/transaction/c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3",
            "",
        ] {
            assert_eq!(detect(q), None, "{q}");
        }
    }
}
