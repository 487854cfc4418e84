//! Reports → what people and scripts read: the text table with the
//! paste-ready paragraph, and the contract's JSON. Everything rendering
//! depends on (language, width, colour) comes in as arguments, so output is
//! deterministic and tested into strings.

pub mod i18n;
pub mod json;
pub mod paragraph;
pub mod text;

pub use i18n::Lang;
