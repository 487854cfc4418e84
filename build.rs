//! Compiles every `src/i18n/locales/<code>.toml` into the binary: adding a
//! language is adding one file. The list goes to `$OUT_DIR/locales.rs` as
//! `(code, text)` pairs sorted by code.

use std::{env, fs, path::Path};

fn main() {
    // `--version` names the date of the built-in chains.toml (its first line).
    let chains = Path::new(&env::var("CARGO_MANIFEST_DIR").unwrap()).join("chains.toml");
    println!("cargo::rerun-if-changed={}", chains.display());
    let first = fs::read_to_string(&chains).unwrap_or_default();
    let date = first
        .lines()
        .next()
        .and_then(|l| l.split("as of ").nth(1))
        .map(|rest| rest.chars().take(10).collect::<String>())
        .filter(|d| d.len() == 10 && d.chars().all(|c| c.is_ascii_digit() || c == '-'))
        .unwrap_or_else(|| "undated".to_string());
    println!("cargo::rustc-env=TXDOCTOR_CHAINS_DATE={date}");
    let dir = Path::new(&env::var("CARGO_MANIFEST_DIR").unwrap()).join("src/i18n/locales");
    println!("cargo::rerun-if-changed={}", dir.display());
    let mut codes: Vec<(String, String)> = fs::read_dir(&dir)
        .expect("src/i18n/locales exists")
        .map(|e| e.expect("a readable directory entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .map(|p| {
            let code = p.file_stem().unwrap().to_string_lossy().into_owned();
            // A language code, and a script where one language has two
            // (`zh-Hant`): the BCP 47 tag `--lang` takes.
            let (language, script) = code.split_once('-').unwrap_or((&code, ""));
            assert!(
                !language.is_empty()
                    && language.chars().all(|c| c.is_ascii_lowercase())
                    && script.chars().all(|c| c.is_ascii_alphabetic()),
                "locale file names are language tags (en, zh, zh-Hant): {}",
                p.display()
            );
            (code, p.display().to_string())
        })
        .collect();
    codes.sort();
    let mut out = String::from("/// `(code, file text)` of every locale, sorted by code.\n");
    out.push_str("pub const LOCALES: &[(&str, &str)] = &[\n");
    for (code, path) in &codes {
        out.push_str(&format!("    ({code:?}, include_str!({path:?})),\n"));
    }
    out.push_str("];\n");
    fs::write(
        Path::new(&env::var("OUT_DIR").unwrap()).join("locales.rs"),
        out,
    )
    .unwrap();
}
