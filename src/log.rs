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
            line(format_args!("txdoctor: {args}"));
        }
    }

    /// A plain line (a summary) shown unless `-q`.
    pub fn info(&self, args: fmt::Arguments<'_>) {
        if self.verbosity != Verbosity::Quiet {
            line(format_args!("txdoctor: {args}"));
        }
    }

    /// Shown unless `-q`.
    pub fn warn(&self, args: fmt::Arguments<'_>) {
        if self.verbosity != Verbosity::Quiet {
            line(format_args!("warning: {args}"));
        }
    }
}

/// One line on stderr. A closed stderr (a pager that quit) is ignored:
/// `eprintln!` would panic, and the verdict's exit code must stand.
/// Whatever the line quotes (an endpoint's error, a chain's text) is shown
/// escaped: no control sequence reaches the terminal.
pub fn line(args: fmt::Arguments<'_>) {
    use std::io::Write;
    let text = crate::safe::escape(&args.to_string());
    let _ = writeln!(std::io::stderr(), "{text}");
}
