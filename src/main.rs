//! The thin binary: parse flags, run the command, turn an error into one line
//! on stderr (plus a hint) and an exit code.
#![deny(clippy::unwrap_used, clippy::expect_used)]

use std::process::ExitCode;

use clap::Parser;
use txdoctor::cli::{Cli, Command};
use txdoctor::commands;
use txdoctor::exit::{self, UsageError};
use txdoctor::log;
use txdoctor::settings::Settings;

fn main() -> ExitCode {
    // A panic is a bug, and a script must never read Rust's 101 as a
    // verdict: say so in one line and exit with the internal-error code.
    std::panic::set_hook(Box::new(|info| {
        log::line(format_args!(
            "txdoctor: internal error (a bug, please report it): {info}"
        ));
        std::process::exit(i32::from(exit::INTERNAL));
    }));
    let cli = Cli::parse();
    match run(&cli) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            log::line(format_args!("txdoctor: {e:#}"));
            if let Some(hint) = e
                .downcast_ref::<UsageError>()
                .and_then(|u| u.hint.as_deref())
            {
                log::line(format_args!("hint: {hint}"));
            }
            ExitCode::from(exit::for_error(&e))
        }
    }
}

fn run(cli: &Cli) -> anyhow::Result<u8> {
    match &cli.command {
        Command::Completions { shell } => {
            return commands::shell::completions(*shell, &mut std::io::stdout().lock());
        }
        Command::Man => return commands::shell::man(&mut std::io::stdout().lock()),
        _ => {}
    }
    // One thread for the commands that serve one user: their work is small
    // beside the waiting, and handing tasks between worker threads cost as
    // much CPU as the lookups themselves (a 2,000-line batch: 240 ms of CPU on
    // two workers, 125 ms on one). `serve` answers many agents at once.
    let runtime = match &cli.command {
        Command::Serve(_) => tokio::runtime::Builder::new_multi_thread(),
        _ => tokio::runtime::Builder::new_current_thread(),
    }
    .enable_all()
    .build()?;
    let mut stdout = std::io::stdout().lock();
    runtime.block_on(async {
        match &cli.command {
            Command::Check(args) => {
                let settings =
                    Settings::resolve(cli.config.as_deref(), cli.lang, cli.verbose, cli.quiet)?;
                commands::check::run(args, &settings, &mut stdout).await
            }
            Command::Watch(args) => {
                let settings =
                    Settings::resolve(cli.config.as_deref(), cli.lang, cli.verbose, cli.quiet)?;
                commands::watch::run(args, &settings, &mut stdout).await
            }
            Command::Batch(args) => {
                let settings =
                    Settings::resolve(cli.config.as_deref(), cli.lang, cli.verbose, cli.quiet)?;
                commands::batch::run(args, &settings, &mut stdout).await
            }
            Command::Chains(args) => {
                let settings =
                    Settings::resolve(cli.config.as_deref(), cli.lang, cli.verbose, cli.quiet)?;
                commands::chains::run(args, &settings, &mut stdout).await
            }
            Command::Case(args) => {
                let settings =
                    Settings::resolve(cli.config.as_deref(), cli.lang, cli.verbose, cli.quiet)?;
                commands::case::run(args, &settings, &mut stdout).await
            }
            Command::Serve(args) => {
                let settings =
                    Settings::resolve(cli.config.as_deref(), cli.lang, cli.verbose, cli.quiet)?;
                commands::serve::run(args, &settings).await
            }
            Command::Completions { .. } | Command::Man => Ok(0),
        }
    })
}
