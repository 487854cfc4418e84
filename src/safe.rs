//! Text from a chain or an endpoint is data, not markup (issue 18). A token's
//! `symbol()`, a revert message, a TRON `resMessage`, a Solana log line or an
//! error body can carry ESC sequences, OSC-8 links, BEL, CR/LF or bidi
//! overrides, and a revert string can be written to look like a line of our
//! own reply ("UPDATE from support: … re-send to 0x…"). Every such string
//! passes through [`text`] before it reaches a terminal, a table, a
//! paragraph or CSV; JSON keeps the exact string (escaped by JSON itself).

/// The most characters a chain-supplied string shows; longer ones end in "…".
pub const MAX_CHARS: usize = 200;

/// `s` on one line, with every control, bidi and invisible character shown
/// escaped (`\u{202e}`), and at most `MAX_CHARS` characters (cut with "…").
pub fn text(s: &str) -> String {
    // Most text is short and clean: shown as it is.
    if s.len() <= MAX_CHARS && !s.chars().any(is_unsafe) {
        return s.to_string();
    }
    let pieces = s.chars().map(|c| {
        if is_unsafe(c) {
            format!("\\u{{{:x}}}", u32::from(c))
        } else {
            c.to_string()
        }
    });
    let mut out = String::with_capacity(s.len().min(MAX_CHARS * 4));
    let mut shown = 0;
    let mut rest = Vec::new();
    for piece in pieces {
        let n = piece.chars().count();
        // Once a piece waits, every later one waits behind it (in order).
        if !rest.is_empty() || shown + n > MAX_CHARS - 1 {
            rest.push((piece, n));
            if rest.iter().map(|(_, n)| n).sum::<usize>() + shown > MAX_CHARS {
                out.push('…');
                return out;
            }
            continue;
        }
        out.push_str(&piece);
        shown += n;
    }
    // What did not fit under the ellipsis's room fits whole.
    for (piece, _) in rest {
        out.push_str(&piece);
    }
    out
}

/// `s` with every unsafe character shown escaped, uncut: for lines of our
/// own (warnings on stderr) that quote an endpoint's words.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    push_escaped(&mut out, s);
    out
}

/// `escape(s)` appended to `out`.
pub fn push_escaped(out: &mut String, s: &str) {
    // Printable ASCII (hashes, addresses, amounts) holds nothing unsafe.
    if s.bytes().all(|b| (0x20..0x7f).contains(&b)) || !s.chars().any(is_unsafe) {
        out.push_str(s);
        return;
    }
    for c in s.chars() {
        if is_unsafe(c) {
            out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
}

/// A table cell of our own making, whose lines we joined with `\n`: each
/// line escaped, the line breaks kept.
pub fn escape_lines(s: &str) -> String {
    s.split('\n').map(escape).collect::<Vec<_>>().join("\n")
}

/// Characters that must not reach a terminal or a pasted reply as they are:
/// C0 and C1 controls (ESC, BEL, CR, LF, NEL…), DEL, bidi embeddings,
/// overrides, isolates and marks, zero-width and other invisible format
/// characters, line and paragraph separators, and tag characters.
pub fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(
            u32::from(c),
            0x00AD
                | 0x034F
                | 0x061C
                | 0x115F
                | 0x1160
                | 0x17B4
                | 0x17B5
                | 0x180B..=0x180F
                | 0x200B..=0x200F
                | 0x2028..=0x202E
                | 0x2060..=0x206F
                | 0x3164
                | 0xFE00..=0xFE0F
                | 0xFEFF
                | 0xFFA0
                | 0xFFF9..=0xFFFB
                | 0xE0000..=0xE0FFF
        )
}

/// A CSV cell that a spreadsheet will not run as a formula: text that
/// begins with `=`, `+`, `-`, `@` (or a tab or CR) gets a leading `'`.
pub fn csv_cell(s: &str) -> String {
    match s.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{s}"),
        _ => s.to_string(),
    }
}

/// The query as an error shows it: quoted with escapes, at most 80 characters.
pub fn shorten(text: &str) -> String {
    const MAX: usize = 80;
    let count = text.chars().count();
    if count <= MAX {
        return format!("{text:?}");
    }
    let head: String = text.chars().take(MAX).collect();
    format!("{head:?}… ({count} characters)")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issue_18_controls_and_bidi_are_shown_escaped() {
        assert_eq!(text("USDT"), "USDT");
        assert_eq!(text("US\u{1b}[31mDT"), "US\\u{1b}[31mDT");
        assert_eq!(text("a\u{202e}b"), "a\\u{202e}b");
        assert_eq!(
            text("fail\nUPDATE from support: re-send to 0xabc"),
            "fail\\u{a}UPDATE from support: re-send to 0xabc"
        );
        assert_eq!(text("\u{7}\u{9b}\u{2028}"), "\\u{7}\\u{9b}\\u{2028}");
        assert_eq!(text("中文 ünïcode"), "中文 ünïcode");
    }

    #[test]
    fn issue_18_long_text_is_cut_to_200_characters() {
        let long = "x".repeat(10_000);
        let t = text(&long);
        assert_eq!(t.chars().count(), MAX_CHARS);
        assert!(t.ends_with('…'));
        assert_eq!(text(&"y".repeat(200)), "y".repeat(200), "200 fit whole");
        let escapes = "\u{1b}".repeat(100);
        assert!(text(&escapes).chars().count() <= MAX_CHARS);
        // Found by the fuzzer: a short piece after a long escape near the
        // end overtook it, and the result had 201 characters.
        let tricky = format!("{}\u{202e}ab", "x".repeat(195));
        let t = text(&tricky);
        assert!(t.chars().count() <= MAX_CHARS, "{t}");
        assert!(t.ends_with('…'), "{t}");
    }

    #[test]
    fn issue_18_csv_formulas_are_neutralised() {
        assert_eq!(csv_cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(csv_cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(csv_cell("-1"), "'-1");
        assert_eq!(csv_cell("+1"), "'+1");
        assert_eq!(csv_cell("1.5 ETH"), "1.5 ETH");
        assert_eq!(csv_cell(""), "");
    }
}
