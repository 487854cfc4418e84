//! Flags + chains.toml + environment → one resolved `Settings`. All defaults
//! live here. The configuration is looked up in the contract's order:
//! `--config`, `$TXDOCTOR_CONFIG`, `./chains.toml`, the built-in file.

use crate::i18n::Lang;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Result;

use crate::config::{self, Config};
use crate::log::{Log, Verbosity};

/// How long one HTTP request to an endpoint may take before the next is tried.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigSource {
    Flag(PathBuf),
    Env(PathBuf),
    WorkingDir(PathBuf),
    Builtin,
}

impl std::fmt::Display for ConfigSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ConfigSource::Flag(p) => write!(f, "{} (--config)", p.display()),
            ConfigSource::Env(p) => write!(f, "{} ($TXDOCTOR_CONFIG)", p.display()),
            ConfigSource::WorkingDir(p) => write!(f, "{} (working directory)", p.display()),
            ConfigSource::Builtin => write!(f, "built-in chains.toml"),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Settings {
    pub config: Config,
    /// `--lang`, else the environment's language.
    pub lang: Lang,
    pub config_source: ConfigSource,
    pub log: Log,
    pub request_timeout: Duration,
    /// Colours and spinners: only on a terminal, and never with NO_COLOR set.
    pub stderr_fancy: bool,
    pub stdout_color: bool,
    /// Where pending transactions are remembered (`None`: nowhere to keep them).
    pub cache_dir: Option<PathBuf>,
}

/// Where the configuration comes from, without reading it.
pub fn config_source(flag: Option<&Path>, env: Option<&str>, cwd_has_file: bool) -> ConfigSource {
    if let Some(p) = flag {
        ConfigSource::Flag(p.to_path_buf())
    } else if let Some(p) = env.filter(|s| !s.is_empty()) {
        ConfigSource::Env(PathBuf::from(p))
    } else if cwd_has_file {
        ConfigSource::WorkingDir(PathBuf::from("chains.toml"))
    } else {
        ConfigSource::Builtin
    }
}

impl Settings {
    pub fn resolve(
        config_flag: Option<&Path>,
        lang: Option<Lang>,
        verbose: bool,
        quiet: bool,
    ) -> Result<Settings> {
        let env = std::env::var("TXDOCTOR_CONFIG").ok();
        let source = config_source(
            config_flag,
            env.as_deref(),
            Path::new("chains.toml").is_file(),
        );
        let config = match &source {
            ConfigSource::Flag(p) | ConfigSource::Env(p) | ConfigSource::WorkingDir(p) => {
                config::load(p)?
            }
            ConfigSource::Builtin => config::parse(config::BUILTIN)?,
        };
        let verbosity = match (verbose, quiet) {
            (true, _) => Verbosity::Verbose,
            (_, true) => Verbosity::Quiet,
            _ => Verbosity::Normal,
        };
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let log = Log::new(verbosity);
        log.verbose(format_args!("configuration: {source}"));
        Ok(Settings {
            config,
            lang: lang.unwrap_or_else(Lang::from_env),
            config_source: source,
            log,
            request_timeout: REQUEST_TIMEOUT,
            stderr_fancy: !no_color
                && verbosity == Verbosity::Normal
                && std::io::stderr().is_terminal(),
            stdout_color: !no_color && std::io::stdout().is_terminal(),
            cache_dir: crate::memory::cache_dir(
                std::env::var_os("XDG_CACHE_HOME"),
                std::env::var_os("HOME"),
            ),
        })
    }

    /// Display name of a chain key.
    pub fn chain_name(&self, key: &str) -> String {
        self.config
            .chain(key)
            .map(|c| c.name.clone())
            .unwrap_or_else(|| key.to_string())
    }

    /// How long one request may take when a query (or a batch line) has
    /// `time` in all: at most 80 % of it, so that a hung endpoint fails while
    /// there is still time to ask the next one, and the warning can name it.
    pub fn request_timeout_within(&self, time: Duration) -> Duration {
        self.request_timeout.min(time.mul_f64(0.8))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookup_order_is_flag_env_cwd_builtin() {
        let flag = Path::new("a.toml");
        assert_eq!(
            config_source(Some(flag), Some("b.toml"), true),
            ConfigSource::Flag(flag.into())
        );
        assert_eq!(
            config_source(None, Some("b.toml"), true),
            ConfigSource::Env("b.toml".into())
        );
        assert_eq!(
            config_source(None, Some(""), true),
            ConfigSource::WorkingDir("chains.toml".into())
        );
        assert_eq!(config_source(None, None, false), ConfigSource::Builtin);
    }
}
