//! One file per subcommand. Each resolves its settings, does its I/O and
//! writes its result to the writer it is given.

pub mod batch;
pub mod case;
pub mod chains;
pub mod check;
pub mod serve;
pub mod shell;
pub mod watch;

use std::io::{self, Write};

/// Writes to stdout; a closed pipe (`txdoctor … | head`) or a closed
/// stdout is not an error: the run ends with its verdict's exit code.
pub fn print(out: &mut dyn Write, text: &str) -> io::Result<()> {
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        Err(e) if is_closed(&e) => Ok(()),
        other => other,
    }
}

/// The reader went away (EPIPE) or the stream was never open (EBADF).
pub fn is_closed(e: &io::Error) -> bool {
    e.kind() == io::ErrorKind::BrokenPipe || e.raw_os_error() == Some(9)
}
