//! The use cases every interface shares — `check`, `watch`, `batch` and
//! `case` today, `serve` next: look a query up within its deadline
//! ([`lookup::answer`]), keep the memory of pending transactions
//! ([`store`]), show reports ([`output`]), follow tickets up ([`cases`]). `commands/` turn arguments into
//! calls of these and never import each other.

pub mod batch;
pub mod cases;
pub mod lookup;
pub mod output;
pub mod store;

pub use lookup::{Ask, DEFAULT_ADDRESS_WINDOW, Report, answer, expectation};
pub use output::{Style, render, report_json};
