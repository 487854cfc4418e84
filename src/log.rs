//! Log lines on stderr: `-v` shows every endpoint attempt, `-q` silences all
//! but the result. Passed by value to whoever logs; never a global.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Verbosity {
    Quiet,
    #[default]
    Normal,
    Verbose,
}

#[derive(Debug, Clone, Copy, Default)]
pub struct Log {
    pub verbosity: Verbosity,
}

impl Log {
    pub fn new(verbosity: Verbosity) -> Self {
        Log { verbosity }
    }

    pub fn is_quiet(&self) -> bool {
        self.verbosity == Verbosity::Quiet
    }

    /// Shown with `-v` only.
    pub fn verbose(&self, args: fmt::Arguments<'_>) {
        if self.verbosity == Verbosity::Verbose {
            eprintln!("txdoctor: {args}");
        }
    }

    /// A plain line (a summary) shown unless `-q`.
    pub fn info(&self, args: fmt::Arguments<'_>) {
        if self.verbosity != Verbosity::Quiet {
            eprintln!("txdoctor: {args}");
        }
    }

    /// Shown unless `-q`.
    pub fn warn(&self, args: fmt::Arguments<'_>) {
        if self.verbosity != Verbosity::Quiet {
            eprintln!("warning: {args}");
        }
    }
}
