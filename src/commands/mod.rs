//! One file per subcommand. Each resolves its settings, does its I/O and
//! writes its result to the writer it is given.

pub mod batch;
pub mod chains;
pub mod check;
pub mod watch;

use std::io::{self, Write};

/// Writes to stdout; a closed pipe (`txdoctor … | head`) is not an error.
pub fn print(out: &mut dyn Write, text: &str) -> io::Result<()> {
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}
