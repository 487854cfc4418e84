//! `completions` and `man`: what a shell and `man` expect, generated from the
//! same clap definitions as the flags themselves.

use std::io::{ErrorKind, Write};

use anyhow::Result;
use clap::CommandFactory;

use crate::cli::Cli;

/// The completion script for `shell`.
pub fn completions(shell: clap_complete::Shell, out: &mut impl Write) -> Result<u8> {
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "txdoctor", &mut script);
    emit(&script, out)
}

/// The manual page, in roff.
pub fn man(out: &mut impl Write) -> Result<u8> {
    let mut page = Vec::new();
    clap_mangen::Man::new(Cli::command()).render(&mut page)?;
    emit(&page, out)
}

/// Writes it all; a reader that stops early (`| head`) is not an error.
fn emit(bytes: &[u8], out: &mut impl Write) -> Result<u8> {
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Err(e) if e.kind() != ErrorKind::BrokenPipe => Err(e.into()),
        _ => Ok(crate::exit::OK),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 20: completions for every shell clap knows, and a man page,
    /// from the same definitions; `--version` names the chains.toml date.
    #[test]
    fn completions_man_page_and_version() {
        for shell in [
            clap_complete::Shell::Bash,
            clap_complete::Shell::Zsh,
            clap_complete::Shell::Fish,
            clap_complete::Shell::PowerShell,
        ] {
            let mut out = Vec::new();
            completions(shell, &mut out).unwrap();
            let text = String::from_utf8(out).unwrap();
            assert!(
                text.contains("txdoctor") && text.contains("check"),
                "{shell}"
            );
            assert!(text.contains("lang"), "{shell}: global flags complete too");
        }
        let mut out = Vec::new();
        man(&mut out).unwrap();
        let page = String::from_utf8(out).unwrap();
        assert!(page.contains(".TH txdoctor 1"), "{page}");
        let version = Cli::command().render_version();
        assert!(version.contains("built-in chains.toml of 20"), "{version}");
    }
}
