//! The use cases every interface shares — `check`, `watch` and `batch`
//! today, `serve` next: look a query up within its deadline
//! ([`lookup::answer`]), keep the memory of pending transactions
//! ([`store`]), show reports ([`output`]). `commands/` turn arguments into
//! calls of these and never import each other.

pub mod lookup;
pub mod output;
pub mod store;

pub use lookup::{Ask, DEFAULT_ADDRESS_WINDOW, Report, answer};
pub use output::{Style, render};
