//! Endpoint URLs as people may see them: user info, query values and
//! key-like path segments hidden (Foundry's `redact_url`), and the same
//! parts listed as secrets to scrub from whatever an endpoint echoes.

/// Hides what could be a secret in an endpoint URL: user info, every query
/// value, and path segments that look like API keys.
pub fn redact_url(url: &str) -> String {
    let Ok(mut parsed) = url::Url::parse(url) else {
        return "(unparseable URL)".to_string();
    };
    if !parsed.username().is_empty() || parsed.password().is_some() {
        let _ = parsed.set_username("***");
        let _ = parsed.set_password(None);
    }
    if parsed.query().is_some() {
        let pairs: Vec<String> = parsed
            .query_pairs()
            .map(|(k, _)| format!("{k}=***"))
            .collect();
        parsed.set_query(Some(&pairs.join("&")));
    }
    let segments: Option<Vec<String>> = parsed.path_segments().map(|s| {
        s.map(|seg| {
            if looks_like_key(seg) {
                "***".to_string()
            } else {
                seg.to_string()
            }
        })
        .collect()
    });
    if let Some(segments) = segments {
        parsed.set_path(&segments.join("/"));
    }
    parsed.to_string().trim_end_matches('/').to_string()
}

/// The parts of an endpoint URL that may be secret: user info, query
/// values and key-like path segments (what `redact_url` hides).
pub fn url_secrets(url: &str) -> Vec<String> {
    let Ok(parsed) = url::Url::parse(url) else {
        return Vec::new();
    };
    let mut out: Vec<String> = Vec::new();
    out.extend(Some(parsed.username().to_string()).filter(|u| !u.is_empty()));
    out.extend(parsed.password().map(str::to_string));
    out.extend(
        parsed
            .query_pairs()
            .map(|(_, v)| v.into_owned())
            .filter(|v| !v.is_empty()),
    );
    out.extend(
        parsed
            .path_segments()
            .into_iter()
            .flatten()
            .filter(|s| looks_like_key(s))
            .map(str::to_string),
    );
    out.sort_by_key(|s| std::cmp::Reverse(s.len()));
    out
}

fn looks_like_key(segment: &str) -> bool {
    segment.len() >= 16
        && segment
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        && segment.bytes().any(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redaction_hides_keys_and_keeps_the_host() {
        assert_eq!(
            redact_url("https://mainnet.infura.io/v3/9aa3d95b3bc440fa88ea12eaa4456161"),
            "https://mainnet.infura.io/v3/***"
        );
        assert_eq!(
            redact_url("https://eth-mainnet.g.alchemy.com/v2/AbCdEf12345678901234xyz"),
            "https://eth-mainnet.g.alchemy.com/v2/***"
        );
        assert_eq!(
            redact_url("https://rpc.example.org/?apikey=secret&x=1"),
            "https://rpc.example.org/?apikey=***&x=***"
        );
        assert_eq!(
            redact_url("https://user:pass@rpc.example.org/"),
            "https://***@rpc.example.org"
        );
        assert_eq!(
            redact_url("https://api.avax.network/ext/bc/C/rpc"),
            "https://api.avax.network/ext/bc/C/rpc"
        );
        assert_eq!(
            redact_url("https://ethereum-rpc.publicnode.com"),
            "https://ethereum-rpc.publicnode.com"
        );
        assert!(!redact_url("https://x.io/v2/AbCdEf12345678901234xyz").contains("AbCdEf"));
    }
}
